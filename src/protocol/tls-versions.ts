/** Names of TLS/DTLS protocol version wire values, as shown in reports ("TLS 1.2", "DTLS 1.3", "TLS 1.3 (draft 28)"). */

export const SSL_3_0 = 0x0300;
export const TLS_1_0 = 0x0301;
export const TLS_1_1 = 0x0302;
export const TLS_1_2 = 0x0303;
export const TLS_1_3 = 0x0304;
export const DTLS_1_0 = 0xfeff;
export const DTLS_1_2 = 0xfefd;
export const DTLS_1_3 = 0xfefc;
/** DTLS 1.0 as sent by OpenSSL before 0.9.8f. */
export const DTLS_1_0_OPENSSL_PRE = 0x0100;

const NAMES: ReadonlyMap<number, string> = new Map([
  [0x0002, 'SSL 2.0'],
  [SSL_3_0, 'SSL 3.0'],
  [TLS_1_0, 'TLS 1.0'],
  [TLS_1_1, 'TLS 1.1'],
  [TLS_1_2, 'TLS 1.2'],
  [TLS_1_3, 'TLS 1.3'],
  [DTLS_1_0, 'DTLS 1.0'],
  [DTLS_1_2, 'DTLS 1.2'],
  [DTLS_1_3, 'DTLS 1.3'],
]);

function hex4(id: number): string {
  return `0x${id.toString(16).padStart(4, '0')}`;
}

/**
 * True for a pre-standard TLS 1.3 version: IETF drafts 0x7fNN, the 0x7eNN experiment variants browsers deployed in
 * 2017-2018 (middlebox-compatibility trials of draft 22/23), Facebook's 0xfb17/0xfb1a.
 */
export function isTls13Draft(id: number): boolean {
  const hi = id >> 8;
  return ((hi === 0x7f || hi === 0x7e) && (id & 0xff) > 0) || id === 0xfb17 || id === 0xfb1a;
}

/** True when the version is TLS 1.3, DTLS 1.3 or a TLS 1.3 draft. */
export function isTls13Family(id: number): boolean {
  return id === TLS_1_3 || id === DTLS_1_3 || isTls13Draft(id);
}

/** Report name of a version wire value; `dtls` only changes the name of the OpenSSL pre-0.9.8f DTLS value. */
export function tlsVersionName(id: number, dtls: boolean): string {
  const known = NAMES.get(id);
  if (known !== undefined) return known;
  if (dtls && id === DTLS_1_0_OPENSSL_PRE) return 'DTLS 1.0 (OpenSSL pre 0.9.8f)';
  if (id >> 8 === 0x7f && (id & 0xff) > 0) return `TLS 1.3 (draft ${id & 0xff})`;
  if (id >> 8 === 0x7e && (id & 0xff) > 0) return `TLS 1.3 (experiment ${id & 0xff})`;
  if (id === 0xfb17) return 'TLS 1.3 (Facebook draft 23)';
  if (id === 0xfb1a) return 'TLS 1.3 (Facebook draft 26)';
  if ((id & 0x0f0f) === 0x0a0a && id >> 8 === (id & 0xff)) return `GREASE (${hex4(id)})`;
  return `unknown (${hex4(id)})`;
}

/** Ordering rank for "below 1.2" checks: SSL 3.0 < TLS 1.0 < ... ; DTLS 1.0 ~ TLS 1.1, DTLS 1.2 ~ TLS 1.2. */
export function versionRank(id: number): number | null {
  switch (id) {
    case 0x0002:
      return 0;
    case SSL_3_0:
      return 1;
    case TLS_1_0:
      return 2;
    case TLS_1_1:
    case DTLS_1_0:
    case DTLS_1_0_OPENSSL_PRE:
      return 3;
    case TLS_1_2:
    case DTLS_1_2:
      return 4;
    case TLS_1_3:
    case DTLS_1_3:
      return 5;
    default:
      return isTls13Draft(id) ? 5 : null;
  }
}
