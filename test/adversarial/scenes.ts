/**
 * Pieces of sessions the cases are made of, each emitting its frames and claiming what tshark must see in them:
 * TLS 1.3 and 1.2 handshakes, protected exchanges and closes; RPC-with-TLS; DTLS 1.2; RPCSEC_GSS privacy.
 */
import type { TcpConn, UdpConn } from './builders/net.js';
import { concat } from './builders/rpc.js';
import {
  CCS,
  CT_ALERT,
  CT_APP,
  CT_HANDSHAKE,
  clientHello12,
  clientHello13,
  clientKeyExchange12,
  dtlsApp,
  dtlsCcsFinished,
  dtlsClientHello,
  dtlsClientKeyExchange,
  dtlsServerHello,
  gcmRecord12,
  record13,
  serverFlight12,
  serverHello13,
  serverProtected13,
  TLS_ECDHE_RSA_AES_256_GCM_SHA384,
  TLS_RSA_WITH_NULL_SHA256,
} from './builders/sessions.js';
import type { Kit } from './case-kit.js';

const CT = 'tls.record.content_type';
const HS = 'tls.handshake.type';

/**
 * Claims the TLS record types of a frame (tshark with the server port decoded as TLS): `types` in the clear
 * (tls.record.content_type), then `opaque` TLS 1.3 protected records (tls.record.opaque_type 23, once tshark has
 * seen the ServerHello select TLS 1.3).
 */
export function tlsTypes(k: Kit, frame: number, types: number[], opaque = 0): void {
  if (types.length > 0) k.see(CT, frame, types.join(','), 'tls');
  if (opaque > 0) k.see('tls.record.opaque_type', frame, new Array<string>(opaque).fill('23').join(','), 'tls');
}

/** TCP handshake, then a full TLS 1.3 handshake (compatibility mode: CCS from both sides). */
export function tls13Open(k: Kit, c: TcpConn, suite?: number): void {
  c.handshake();
  tls13Handshake(k, c, suite);
}

/** A full TLS 1.3 handshake on an open connection: ClientHello; ServerHello, CCS, protected flight; CCS, Finished. */
export function tls13Handshake(k: Kit, c: TcpConn, suite?: number): void {
  const ch = c.send('c', clientHello13());
  k.see(HS, ch, '1', 'tls');
  tlsTypes(k, ch, [22]);
  const sh = c.send('s', concat(serverHello13(suite === undefined ? {} : { suite }), CCS, serverProtected13(k.noise)));
  k.see(HS, sh, '2', 'tls');
  tlsTypes(k, sh, [22, 20], 4);
  const fin = c.send('c', concat(CCS, record13(k.noise, 53)));
  tlsTypes(k, fin, [20], 1);
}

/**
 * `rounds` protected request/response pairs of TLS 1.3 records (`midStream`: no handshake captured, so tshark reads
 * them as plain content type 23).
 */
export function tls13Exchange(k: Kit, c: TcpConn, rounds: number, midStream = false): void {
  const claim = (f: number) => (midStream ? tlsTypes(k, f, [23]) : tlsTypes(k, f, [], 1));
  for (let i = 0; i < rounds; i++) {
    claim(c.send('c', record13(k.noise, 300 + 17 * i)));
    claim(c.send('s', record13(k.noise, 180 + 13 * i)));
  }
}

/** One protected TLS 1.3 record from `side`. */
export function tls13Record(k: Kit, c: TcpConn, side: 'c' | 's', len: number): number {
  const f = c.send(side, record13(k.noise, len));
  tlsTypes(k, f, [], 1);
  return f;
}

/** Encrypted close_notify both ways (TLS 1.3: an application_data record of 19 bytes), then FINs. */
export function tls13Close(k: Kit, c: TcpConn): void {
  tls13Record(k, c, 'c', 19);
  tls13Record(k, c, 's', 19);
  c.close('c');
}

export interface Seq {
  c: number;
  s: number;
}

/**
 * TCP handshake, TLS 1.2 ClientHello, then the server's flight (ServerHello ... ServerHelloDone, with `after`
 * records appended in the same segment, whose content types are `afterTypes`).
 */
export function tls12Hellos(
  k: Kit,
  c: TcpConn,
  suite = TLS_ECDHE_RSA_AES_256_GCM_SHA384,
  after: Uint8Array = new Uint8Array(0),
  afterTypes: number[] = [],
): number {
  c.handshake();
  const ch = c.send('c', clientHello12());
  k.see(HS, ch, '1', 'tls');
  tlsTypes(k, ch, [22]);
  const sf = c.send('s', concat(serverFlight12(k.noise, suite), after));
  k.see(HS, sf, suite === TLS_RSA_WITH_NULL_SHA256 ? '2,11,14' : '2,11,12,14', 'tls');
  tlsTypes(k, sf, [22, ...afterTypes]);
  return sf;
}

/** TCP handshake, then a full TLS 1.2 handshake; returns the next record sequence numbers per side. */
export function tls12Open(k: Kit, c: TcpConn, suite = TLS_ECDHE_RSA_AES_256_GCM_SHA384): Seq {
  tls12Hellos(k, c, suite);
  const cf = c.send('c', concat(clientKeyExchange12(k.noise), CCS, gcmRecord12(k.noise, CT_HANDSHAKE, 0, 16)));
  k.see(HS, cf, '16', 'tls');
  tlsTypes(k, cf, [22, 20, 22]);
  const sfin = c.send('s', concat(CCS, gcmRecord12(k.noise, CT_HANDSHAKE, 0, 16)));
  tlsTypes(k, sfin, [20, 22]);
  return { c: 1, s: 1 };
}

/** `rounds` protected TLS 1.2 AES-GCM request/response pairs; `seq` counts records per side. */
export function tls12Exchange(k: Kit, c: TcpConn, seq: Seq, rounds: number): void {
  for (let i = 0; i < rounds; i++) {
    tlsTypes(k, c.send('c', gcmRecord12(k.noise, CT_APP, seq.c++, 280 + 11 * i)), [23]);
    tlsTypes(k, c.send('s', gcmRecord12(k.noise, CT_APP, seq.s++, 160 + 7 * i)), [23]);
  }
}

/** TLS 1.2 close_notify from `side` (an encrypted alert record: nonce, 2 bytes, tag). */
export function tls12CloseNotify(k: Kit, c: TcpConn, seq: Seq, side: 'c' | 's'): number {
  const f = c.send(side, gcmRecord12(k.noise, CT_ALERT, seq[side]++, 2));
  tlsTypes(k, f, [21]);
  return f;
}

/** DTLS 1.2 handshake on a UDP 5-tuple: ClientHello, ServerHello+Done, CKE+CCS+Finished, CCS+Finished. */
export function dtlsOpen(k: Kit, u: UdpConn): void {
  const ch = u.send('c', dtlsClientHello(0));
  k.see('dtls.record.epoch', ch, '0', 'dtls');
  k.see('dtls.handshake.type', ch, '1', 'dtls');
  k.see('dtls.record.content_type', ch, '22', 'dtls');
  const sh = u.send('s', dtlsServerHello(0));
  k.see('dtls.record.epoch', sh, '0,0', 'dtls');
  k.see('dtls.handshake.type', sh, '2,14', 'dtls');
  k.see('dtls.record.content_type', sh, '22,22', 'dtls');
  const cf = u.send('c', concat(dtlsClientKeyExchange(k.noise, 1), dtlsCcsFinished(k.noise, 2)));
  k.see('dtls.record.epoch', cf, '0,0,1', 'dtls');
  k.see('dtls.handshake.type', cf, '16', 'dtls');
  k.see('dtls.record.content_type', cf, '22,20,22', 'dtls');
  const sf = u.send('s', dtlsCcsFinished(k.noise, 2));
  k.see('dtls.record.epoch', sf, '0,1', 'dtls');
  k.see('dtls.record.content_type', sf, '20,22', 'dtls');
}

/** `rounds` DTLS application-data datagrams each way at `epoch` (sequence numbers from `seq0`). */
export function dtlsExchange(k: Kit, u: UdpConn, rounds: number, epoch = 1, seq0 = 1, plain?: Uint8Array): void {
  for (let i = 0; i < rounds; i++) {
    for (const side of ['c', 's'] as const) {
      const f = u.send(side, dtlsApp(k.noise, epoch, seq0 + i, 240 + 9 * i, plain));
      k.see('dtls.record.epoch', f, String(epoch), 'dtls');
      k.see('dtls.record.content_type', f, '23', 'dtls');
    }
  }
}

/** TCP handshake, TLS 1.3 ClientHello, HelloRetryRequest, then CCS and the second ClientHello (RFC 8446 D.4). */
export function tls13Retry(k: Kit, c: TcpConn): void {
  c.handshake();
  const ch = c.send('c', clientHello13());
  k.see(HS, ch, '1', 'tls');
  tlsTypes(k, ch, [22]);
  const hrr = c.send('s', serverHello13({ hrr: true }));
  k.see(HS, hrr, '2', 'tls');
  tlsTypes(k, hrr, [22]);
  const ch2 = c.send('c', concat(CCS, clientHello13()));
  k.see(HS, ch2, '1', 'tls');
  tlsTypes(k, ch2, [20, 22]);
}
