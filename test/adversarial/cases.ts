/**
 * The adversarial corpus: every whole-stream rule of issues 10 and 11 as a crafted capture, each beside its
 * legitimate twin, with what tshark must see in it and what wireseal must say about it.
 */

import type { TcpConn } from './builders/net.js';
import { op } from './builders/nfs4.js';
import { authSys, callMsg, compound, concat, gssCred, record, Xdr } from './builders/rpc.js';
import {
  AUTH_SYS,
  alert,
  authTlsProbe,
  CCS,
  CT_APP,
  CT_HANDSHAKE,
  clientHello12,
  clientHello13,
  gcmRecord12,
  gssPrivCall,
  gssPrivReply,
  NFS_ACL_PROG,
  NFS_PROG,
  type Noise,
  nfs3WriteArgs,
  nfs4LookupCall,
  nfs4Reply,
  nfs4WriteCall,
  record13,
  serverFlight12,
  serverHello13,
  serverProtected13,
  startTlsReply,
  TLS_RSA_WITH_NULL_SHA256,
  TLS_SHA256_SHA256,
  tlsRec,
  u8,
} from './builders/sessions.js';
import { type CaseDef, CLIENT, CLIENT6, expected, type Kit, SERVER, SERVER6 } from './case-kit.js';
import {
  dtlsExchange,
  dtlsOpen,
  tls12CloseNotify,
  tls12Exchange,
  tls12Hellos,
  tls12Open,
  tls13Close,
  tls13Exchange,
  tls13Handshake,
  tls13Open,
  tls13Retry,
  tlsTypes,
} from './scenes.js';

/** Claims tshark (port 2049 read as ONC-RPC) reads a call of `prog` in `frame`: credential and verifier flavors. */
function rpcCall(k: Kit, frame: number, prog: number, flavor: number, verf = 0): void {
  k.see('rpc.msgtyp', frame, '0', 'rpc');
  k.see('rpc.program', frame, String(prog), 'rpc');
  k.see('rpc.auth.flavor', frame, `${flavor},${verf}`, 'rpc');
}

/** A reply to a call of `prog` whose verifier has `verf` flavor. */
function rpcReply(k: Kit, frame: number, prog: number, verf = 0): void {
  k.see('rpc.msgtyp', frame, '1', 'rpc');
  k.see('rpc.program', frame, String(prog), 'rpc');
  k.see('rpc.auth.flavor', frame, String(verf), 'rpc');
}

/** Registers the RPC fields as claimed-empty: no frame dissects as ONC-RPC. */
function noRpc(k: Kit): void {
  k.never('rpc.msgtyp', 'rpc');
}

const ASCII_BODY = Buffer.from(
  'path=/export/home/alice/payroll-2026.csv owner=alice mode=0640 size=18231 mtime=2026-01-01T00:00:00Z\n'.repeat(4),
  'latin1',
);

/** Plaintext bodies of application-data records, by kind (what a NULL-like or broken peer would send). */
function plainBody(kind: 'rpc' | 'ascii' | 'zeros' | 'pattern', xid: number): Uint8Array {
  switch (kind) {
    case 'rpc':
      return nfs4WriteCall(xid, 256);
    case 'ascii':
      return ASCII_BODY;
    case 'zeros':
      return new Uint8Array(400);
    case 'pattern': {
      const b = new Uint8Array(400);
      for (let i = 0; i < b.length; i++) b[i] = [0x00, 0x00, 0x00, 0x01, 0x7f, 0x00, 0x00, 0x01][i % 8]!;
      return b;
    }
  }
}

/** An RFC 4121 Wrap token: TOK_ID 05 04, flags (0x02 Sealed, 0x04 AcceptorSubkey), filler FF, EC, RRC, SND_SEQ, then ciphertext. */
function wrap4121(noise: Noise, len: number, flags = 0x06, seq = 1): Uint8Array {
  const h = new Xdr().raw([0x05, 0x04, flags, 0xff, 0x00, 0x10, 0x00, 0x1c]).u32(0).u32(seq).bytes();
  return concat(h, noise.bytes(len));
}

/** An RFC 1964 wrap token (GSS-API framing, krb5 OID, TOK_ID 02 01, SGN_ALG 0x0004, `sealAlg`, filler). */
function wrap1964(noise: Noise, sealAlg: number, len: number): Uint8Array {
  const oid = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02];
  const inner = [...oid, 0x02, 0x01, 0x04, 0x00, sealAlg >> 8, sealAlg & 0xff, 0xff, 0xff, ...noise.bytes(len)];
  return u8([0x60, 0x82, inner.length >> 8, inner.length & 0xff, ...inner]);
}

const NFS3_WRITE = 7;
const NFS3_READ = 6;

/** A krb5p NFSv3 session: WRITE and READ calls with privacy and sealed wrap tokens, replies likewise. */
function krb5pSession(k: Kit, c: TcpConn, rounds: number, xid0 = 0x5100): void {
  for (let i = 0; i < rounds; i++) {
    const xid = xid0 + i;
    const proc = i % 2 === 0 ? NFS3_WRITE : NFS3_READ;
    const call = c.send('c', gssPrivCall(xid, NFS_PROG, 3, proc, 10 + i, wrap4121(k.noise, 300 + i * 8, 0x06, 10 + i)));
    rpcCall(k, call, NFS_PROG, 6, 6);
    k.see('rpc.authgss.service', call, '3');
    rpcReply(k, c.send('s', gssPrivReply(xid, wrap4121(k.noise, 120 + i * 8, 0x07, 10 + i))), NFS_PROG, 6);
  }
}

export const CASES: CaseDef[] = [
  // ---------------------------------------------------------------- issue 10: whole-stream TLS -------------------
  {
    id: 'tls13-session',
    issue: 10,
    rule: 'encrypted needs an established session and every later byte a valid record stream',
    contains:
      'TCP handshake; TLS 1.3 full handshake (compatibility mode); 3 protected exchanges; close_notify both ways; FIN both ways',
    expected: expected('tls', 'encrypted', [], 0),
    build(k) {
      const c = k.tcp();
      tls13Open(k, c);
      tls13Exchange(k, c, 3);
      tls13Close(k, c);
      noRpc(k);
    },
  },
  {
    id: 'tls13-session-ipv6',
    issue: 10,
    rule: 'encrypted needs an established session and every later byte a valid record stream (IPv6)',
    contains: 'the tls13-session exchange over IPv6',
    expected: expected('tls', 'encrypted', [], 0),
    build(k) {
      const c = k.tcp(CLIENT6, SERVER6);
      tls13Open(k, c);
      tls13Exchange(k, c, 3);
      tls13Close(k, c);
      noRpc(k);
    },
  },
  {
    id: 'tls12-session',
    issue: 10,
    rule: 'TLS 1.2 needs ChangeCipherSpec and Finished each way, then records to the end',
    contains: 'TLS 1.2 ECDHE-RSA-AES256-GCM handshake; 3 protected exchanges; close_notify both ways; FIN both ways',
    expected: expected('tls', 'encrypted', [], 0),
    build(k) {
      const c = k.tcp();
      const seq = tls12Open(k, c);
      tls12Exchange(k, c, seq, 3);
      tls12CloseNotify(k, c, seq, 'c');
      tls12CloseNotify(k, c, seq, 's');
      c.close('c');
      noRpc(k);
    },
  },
  {
    id: 'tls13-rpc-after-handshake',
    issue: 10,
    rule: 'readable RPC after the handshake makes the flow cleartext, naming the frame',
    twin: 'tls13-session',
    contains: 'TLS 1.3 session; after 2 protected exchanges the client sends an NFSv4 WRITE COMPOUND in the clear',
    expected: expected('tls', 'cleartext', ['TLS-PLAINTEXT-AFTER-HANDSHAKE'], 1),
    build(k) {
      const c = k.tcp();
      tls13Open(k, c);
      tls13Exchange(k, c, 2);
      rpcCall(k, c.send('c', nfs4WriteCall(0x1001)), NFS_PROG, 1);
      tls13Close(k, c);
    },
  },
  {
    id: 'tls13-gap-resync',
    issue: 10,
    rule: 'after a gap, resynchronise on the record stream; gaps are reported, never verified',
    twin: 'tls13-rpc-after-gap',
    contains: 'TLS 1.3 session; two whole client records (653 bytes) not captured; records continue after the gap',
    expected: expected('tls', 'encrypted', ['CAPTURE-GAP'], 4),
    build(k) {
      const c = k.tcp();
      tls13Open(k, c);
      tls13Exchange(k, c, 1);
      c.lose('c', concat(record13(k.noise, 300), record13(k.noise, 310)).length);
      const after = c.send('c', record13(k.noise, 290));
      tlsTypes(k, after, [], 1);
      k.match('tcp.analysis.lost_segment', [after]);
      tlsTypes(k, c.send('s', record13(k.noise, 200)), [], 1);
      tls13Exchange(k, c, 1);
      tls13Close(k, c);
      noRpc(k);
    },
  },
  {
    id: 'tls13-rpc-after-gap',
    issue: 10,
    rule: 'readable RPC after a gap makes the flow cleartext',
    twin: 'tls13-gap-resync',
    contains: 'TLS 1.3 session; two whole client records not captured; then an NFSv4 WRITE COMPOUND in the clear',
    expected: expected('tls', 'cleartext', ['CAPTURE-GAP', 'TLS-PLAINTEXT-AFTER-HANDSHAKE'], 1),
    build(k) {
      const c = k.tcp();
      tls13Open(k, c);
      tls13Exchange(k, c, 1);
      c.lose('c', concat(record13(k.noise, 300), record13(k.noise, 310)).length);
      const rpc = c.send('c', nfs4WriteCall(0x1002));
      rpcCall(k, rpc, NFS_PROG, 1);
      k.match('tcp.analysis.lost_segment', [rpc]);
      tls13Exchange(k, c, 1);
      tls13Close(k, c);
    },
  },
  {
    id: 'tls12-rpc-after-close-notify',
    issue: 10,
    rule: 'readable RPC after close_notify makes the flow cleartext',
    twin: 'tls12-session',
    contains: 'TLS 1.2 session; the client sends close_notify, then an NFSv4 WRITE COMPOUND in the clear',
    expected: expected('tls', 'cleartext', ['TLS-PLAINTEXT-AFTER-HANDSHAKE'], 1),
    build(k) {
      const c = k.tcp();
      const seq = tls12Open(k, c);
      tls12Exchange(k, c, seq, 2);
      tls12CloseNotify(k, c, seq, 'c');
      rpcCall(k, c.send('c', nfs4WriteCall(0x1003)), NFS_PROG, 1);
      tls12CloseNotify(k, c, seq, 's');
      c.close('c');
    },
  },
  {
    id: 'tls13-rpc-after-fin',
    issue: 10,
    rule: 'readable RPC after FIN makes the flow cleartext',
    twin: 'tls13-session',
    contains:
      'TLS 1.3 session; the client sends FIN, then (sequence numbers after its FIN) an NFSv4 LOOKUP COMPOUND in the clear',
    expected: expected('tls', 'cleartext', ['TLS-PLAINTEXT-AFTER-HANDSHAKE', 'TLS-RECORD-VIOLATION'], 1),
    build(k) {
      const c = k.tcp();
      tls13Open(k, c);
      tls13Exchange(k, c, 2);
      tlsTypes(k, c.send('c', record13(k.noise, 19)), [], 1);
      c.fin('c');
      rpcCall(k, c.send('c', nfs4LookupCall(0x1004, 'payroll')), NFS_PROG, 1);
      c.fin('s');
      c.ack('c');
    },
  },
  {
    id: 'tls13-broken-into-text',
    issue: 10,
    rule: 'a TLS flow that breaks into cleartext is never encrypted and raises a finding (bytes that do not resynchronise are examined)',
    twin: 'tls13-session',
    contains:
      'TLS 1.3 session; after one exchange the client stream turns into lines of text (no record headers, no RPC)',
    expected: expected('tls', 'cleartext', ['TLS-PLAINTEXT-AFTER-HANDSHAKE'], 1),
    build(k) {
      const c = k.tcp();
      tls13Open(k, c);
      tls13Exchange(k, c, 1);
      c.send('c', ASCII_BODY);
      tlsTypes(k, c.send('s', record13(k.noise, 200)), [], 1);
      c.close('c');
      noRpc(k);
    },
  },
  {
    id: 'tls12-fatal-alert',
    issue: 10,
    rule: 'a handshake that failed (fatal alert before establishment) is never encrypted; no application data: nothing exposed',
    twin: 'tls12-session',
    contains:
      'TLS 1.2 ClientHello; server flight with ServerHello; the client answers with a fatal bad_certificate alert; FINs',
    expected: expected('tls', 'unknown', ['TLS-HANDSHAKE-FAILED'], 4),
    build(k) {
      const c = k.tcp();
      tls12Hellos(k, c);
      const a = c.send('c', alert(2, 42));
      tlsTypes(k, a, [21]);
      k.see('tls.alert_message.level', a, '2', 'tls');
      k.see('tls.alert_message.desc', a, '42', 'tls');
      c.close('c');
      noRpc(k);
    },
  },
  {
    id: 'tls12-fatal-alert-then-data',
    issue: 10,
    rule: 'a handshake that failed is never encrypted; application data after it is exposure (medium) and a record the phase does not allow',
    twin: 'tls12-session',
    contains:
      'TLS 1.2 ServerHello, then a fatal handshake_failure alert from the server, then application-data records both ways',
    expected: expected('tls', 'unknown', ['TLS-HANDSHAKE-FAILED', 'TLS-RECORD-VIOLATION'], 1),
    build(k) {
      const c = k.tcp();
      const sf = tls12Hellos(k, c, undefined, alert(2, 40), [21]);
      k.see('tls.alert_message.level', sf, '2', 'tls');
      k.see('tls.alert_message.desc', sf, '40', 'tls');
      tls12Exchange(k, c, { c: 1, s: 1 }, 2);
      c.close('c');
      noRpc(k);
    },
  },
  {
    id: 'tls13-hrr-no-second-server-hello',
    issue: 10,
    rule: 'HelloRetryRequest with no second ServerHello is a failed handshake, never encrypted',
    twin: 'tls13-hrr-completed',
    contains: 'TLS 1.3 ClientHello; HelloRetryRequest; second ClientHello; no ServerHello follows; FINs',
    expected: expected('tls', 'unknown', ['TLS-HANDSHAKE-FAILED'], 4),
    build(k) {
      const c = k.tcp();
      tls13Retry(k, c);
      c.close('s');
      noRpc(k);
    },
  },
  {
    id: 'tls13-hrr-completed',
    issue: 10,
    rule: 'HelloRetryRequest followed by a second ServerHello is a normal handshake',
    twin: 'tls13-hrr-no-second-server-hello',
    contains:
      'TLS 1.3 ClientHello; HelloRetryRequest; second ClientHello; ServerHello and protected flight; 2 exchanges; close',
    expected: expected('tls', 'encrypted', [], 0),
    build(k) {
      const c = k.tcp();
      tls13Retry(k, c);
      const sh = c.send('s', concat(serverHello13(), serverProtected13(k.noise)));
      k.see('tls.handshake.type', sh, '2', 'tls');
      tlsTypes(k, sh, [22], 4);
      tlsTypes(k, c.send('c', record13(k.noise, 53)), [], 1);
      tls13Exchange(k, c, 2);
      tls13Close(k, c);
      noRpc(k);
    },
  },
  {
    id: 'tls12-null-suite',
    issue: 10,
    rule: 'NULL suites are cleartext',
    twin: 'tls12-session',
    contains:
      'TLS 1.2 with TLS_RSA_WITH_NULL_SHA256: Finished and NFSv4 COMPOUNDs readable inside the records, each with a 32-byte MAC',
    expected: expected('tls', 'cleartext', ['NULL-CIPHER', 'PLAINTEXT-IN-RECORDS'], 1),
    plaintextInRecords: true,
    build(k) {
      const c = k.tcp();
      tls12Hellos(k, c, TLS_RSA_WITH_NULL_SHA256);
      const mac = () => k.noise.bytes(32);
      const fin = () => concat(u8([20, 0, 0, 12]), k.noise.bytes(12), mac());
      const cf = c.send(
        'c',
        concat(
          tlsRec(CT_HANDSHAKE, concat(u8([16, 0, 0, 34, 0, 32]), k.noise.bytes(32))),
          CCS,
          tlsRec(CT_HANDSHAKE, fin()),
        ),
      );
      tlsTypes(k, cf, [22, 20, 22]);
      k.see('tls.handshake.type', cf, '16,20', 'tls');
      const sfin = c.send('s', concat(CCS, tlsRec(CT_HANDSHAKE, fin())));
      tlsTypes(k, sfin, [20, 22]);
      k.see('tls.handshake.type', sfin, '20', 'tls');
      for (let i = 0; i < 3; i++) {
        tlsTypes(k, c.send('c', tlsRec(CT_APP, concat(nfs4WriteCall(0x2000 + i, 256), mac()))), [23]);
        tlsTypes(k, c.send('s', tlsRec(CT_APP, concat(nfs4Reply(0x2000 + i), mac()))), [23]);
      }
      c.close('c');
      noRpc(k);
    },
  },
  {
    id: 'tls13-integrity-only-suite',
    issue: 10,
    rule: 'integrity-only suites (RFC 9150 TLS_SHA256_SHA256) are cleartext',
    twin: 'tls13-session',
    contains:
      'TLS 1.3 with TLS_SHA256_SHA256: every record carries its TLSInnerPlaintext in the clear plus a 32-byte tag',
    expected: expected('tls', 'cleartext', ['NULL-CIPHER', 'PLAINTEXT-IN-RECORDS'], 1),
    plaintextInRecords: true,
    build(k) {
      const c = k.tcp();
      c.handshake();
      const ch = c.send('c', clientHello13());
      k.see('tls.handshake.type', ch, '1', 'tls');
      tlsTypes(k, ch, [22]);
      const inner = (content: Uint8Array, type: number) => concat(content, u8([type]), k.noise.bytes(32));
      const sh = c.send(
        's',
        concat(
          serverHello13({ suite: TLS_SHA256_SHA256 }),
          CCS,
          tlsRec(CT_APP, inner(u8([8, 0, 0, 2, 0, 0]), 22)),
          tlsRec(CT_APP, inner(concat(u8([20, 0, 0, 32]), k.noise.bytes(32)), 22)),
        ),
      );
      k.see('tls.handshake.type', sh, '2', 'tls');
      tlsTypes(k, sh, [22, 20], 2);
      const cf = c.send('c', concat(CCS, tlsRec(CT_APP, inner(concat(u8([20, 0, 0, 32]), k.noise.bytes(32)), 22))));
      tlsTypes(k, cf, [20], 1);
      for (let i = 0; i < 3; i++) {
        tlsTypes(k, c.send('c', tlsRec(CT_APP, inner(nfs4WriteCall(0x2100 + i, 256), 23))), [], 1);
        tlsTypes(k, c.send('s', tlsRec(CT_APP, inner(nfs4Reply(0x2100 + i), 23))), [], 1);
      }
      c.close('c');
      noRpc(k);
    },
  },
  {
    id: 'tls13-record-too-long',
    issue: 10,
    rule: 'record lengths within the version limit (2^14+256 for TLS 1.3)',
    twin: 'tls13-record-max-length',
    contains: 'TLS 1.3 session; one client record of 16641 bytes (2^14+257)',
    expected: expected('tls', 'unknown', ['TLS-RECORD-VIOLATION'], 1),
    build(k) {
      const c = k.tcp();
      tls13Open(k, c);
      tls13Exchange(k, c, 1);
      const long = c.send('c', record13(k.noise, 16384 + 257));
      tlsTypes(k, long, [], 1);
      k.match('tls.record.length > 16640', [long], 'tls');
      tlsTypes(k, c.send('s', record13(k.noise, 200)), [], 1);
      tls13Close(k, c);
      noRpc(k);
    },
  },
  {
    id: 'tls13-record-max-length',
    issue: 10,
    rule: 'record lengths within the version limit (2^14+256 for TLS 1.3): the limit itself is fine',
    twin: 'tls13-record-too-long',
    contains: 'TLS 1.3 session; one client record of exactly 16640 bytes (2^14+256)',
    expected: expected('tls', 'encrypted', [], 0),
    build(k) {
      const c = k.tcp();
      tls13Open(k, c);
      tls13Exchange(k, c, 1);
      const max = c.send('c', record13(k.noise, 16384 + 256));
      tlsTypes(k, max, [], 1);
      k.match('tls.record.length == 16640', [max], 'tls');
      tlsTypes(k, c.send('s', record13(k.noise, 200)), [], 1);
      tls13Close(k, c);
      noRpc(k);
    },
  },
  {
    id: 'tls12-app-data-before-handshake',
    issue: 10,
    rule: 'content types valid for the phase: no application data before the handshake completes',
    twin: 'tls12-session',
    contains:
      'TLS 1.2 ClientHello, then an application-data record from the client before any ServerHello; the handshake then completes',
    expected: expected('tls', 'unknown', ['TLS-RECORD-VIOLATION'], 1),
    build(k) {
      const c = k.tcp();
      c.handshake();
      const ch = c.send('c', concat(clientHello12(), gcmRecord12(k.noise, CT_APP, 0, 200)));
      k.see('tls.handshake.type', ch, '1', 'tls');
      tlsTypes(k, ch, [22, 23]);
      const sf = c.send('s', serverFlight12(k.noise));
      k.see('tls.handshake.type', sf, '2,11,12,14', 'tls');
      tlsTypes(k, sf, [22]);
      tls12Exchange(k, c, { c: 1, s: 1 }, 1);
      c.close('c');
      noRpc(k);
    },
  },
  {
    id: 'tls12-unknown-content-type',
    issue: 10,
    rule: 'content types valid for the phase: a record of an unassigned content type',
    twin: 'tls12-session',
    contains: 'TLS 1.2 session; after one exchange the client sends a record of content type 0x1a (unassigned)',
    expected: expected('tls', 'unknown', ['TLS-RECORD-VIOLATION'], 1),
    build(k) {
      const c = k.tcp();
      const seq = tls12Open(k, c);
      tls12Exchange(k, c, seq, 1);
      c.send('c', gcmRecord12(k.noise, 0x1a, seq.c++, 120));
      tls12Exchange(k, c, seq, 1);
      c.close('c');
      noRpc(k);
    },
  },
  {
    id: 'tls12-version-flip',
    issue: 10,
    rule: 'a consistent record version field',
    twin: 'tls12-session',
    contains: 'TLS 1.2 session; after one exchange the client records carry version 0x0301 instead of 0x0303',
    expected: expected('tls', 'unknown', ['TLS-RECORD-VIOLATION'], 1),
    build(k) {
      const c = k.tcp();
      const seq = tls12Open(k, c);
      tls12Exchange(k, c, seq, 1);
      const f = c.send('c', gcmRecord12(k.noise, CT_APP, seq.c++, 260, undefined, 0x0301));
      tlsTypes(k, f, [23]);
      k.match('tls.record.version == 0x0301 && tls.record.content_type == 23', [f], 'tls');
      tls12Exchange(k, c, seq, 1);
      c.close('c');
      noRpc(k);
    },
  },
  {
    id: 'tls12-plaintext-handshake-after-ccs',
    issue: 10,
    rule: 'no plaintext handshake after ChangeCipherSpec',
    twin: 'tls12-session',
    contains:
      'TLS 1.2: the client sends ChangeCipherSpec, then a readable Finished (type 20, 12 bytes), then application data',
    expected: expected('tls', 'unknown', ['TLS-RECORD-VIOLATION'], 1),
    build(k) {
      const c = k.tcp();
      tls12Hellos(k, c);
      const plainFin = tlsRec(CT_HANDSHAKE, concat(u8([20, 0, 0, 12]), k.noise.bytes(12)));
      const cf = c.send(
        'c',
        concat(tlsRec(CT_HANDSHAKE, concat(u8([16, 0, 0, 33, 32]), k.noise.bytes(32))), CCS, plainFin),
      );
      k.see('tls.handshake.type', cf, '16,20', 'tls');
      tlsTypes(k, cf, [22, 20, 22]);
      tlsTypes(k, c.send('s', concat(CCS, gcmRecord12(k.noise, CT_HANDSHAKE, 0, 16))), [20, 22]);
      tls12Exchange(k, c, { c: 1, s: 1 }, 2);
      c.close('c');
      noRpc(k);
    },
  },
  {
    id: 'tls-mid-stream',
    issue: 10,
    rule: 'mid-stream: every byte both ways protected records is encrypted with the suite "not captured", SUITE-NOT-SEEN, exit 4',
    twin: 'tls-mid-stream-rpc',
    contains: 'no TCP or TLS handshake captured: application-data records both ways from the first byte, then FINs',
    expected: expected('tls', 'encrypted', ['SUITE-NOT-SEEN'], 4),
    build(k) {
      const c = k.tcp();
      tls13Exchange(k, c, 4, true);
      c.close('c');
      noRpc(k);
    },
  },
  {
    id: 'tls-mid-stream-rpc',
    issue: 10,
    rule: 'mid-stream: readable RPC between the records makes the flow cleartext',
    twin: 'tls-mid-stream',
    contains: 'no handshake captured: records both ways, then an NFSv4 WRITE COMPOUND in the clear from the client',
    expected: expected('tls', 'cleartext', ['TLS-PLAINTEXT-AFTER-HANDSHAKE'], 1),
    build(k) {
      const c = k.tcp();
      tls13Exchange(k, c, 3, true);
      rpcCall(k, c.send('c', nfs4WriteCall(0x1005)), NFS_PROG, 1);
      tls13Exchange(k, c, 1, true);
      c.close('c');
    },
  },
  {
    id: 'tls-one-direction',
    issue: 10,
    rule: 'a flow seen in one direction only is judged on what was seen, the other direction reported as not captured',
    twin: 'tls-one-direction-rpc',
    contains: 'only client-to-server segments captured (mid-stream): application-data records',
    expected: expected('tls', 'encrypted', ['SUITE-NOT-SEEN'], 4),
    build(k) {
      const c = k.tcp();
      for (let i = 0; i < 6; i++) tlsTypes(k, c.send('c', record13(k.noise, 300 + i * 5)), [23]);
      noRpc(k);
    },
  },
  {
    id: 'tls-one-direction-rpc',
    issue: 10,
    rule: 'one direction only, with readable RPC in it: cleartext',
    twin: 'tls-one-direction',
    contains:
      'only client-to-server segments captured: application-data records, then an NFSv4 WRITE COMPOUND in the clear',
    expected: expected('tls', 'cleartext', ['TLS-PLAINTEXT-AFTER-HANDSHAKE'], 1),
    build(k) {
      const c = k.tcp();
      for (let i = 0; i < 4; i++) tlsTypes(k, c.send('c', record13(k.noise, 300 + i * 5)), [23]);
      rpcCall(k, c.send('c', nfs4WriteCall(0x1006)), NFS_PROG, 1);
    },
  },
  {
    id: 'no-nfs',
    issue: 10,
    rule: 'no on-the-wire NFS flow judged: inconclusive (exit 4), never "clean"',
    twin: 'tls13-session',
    contains: 'a TLS 1.3 session to port 443 and nothing else',
    expected: expected(null, null, [], 4),
    build(k) {
      const c = k.tcp(CLIENT, { ip: SERVER.ip, port: 443 });
      tls13Open(k, c);
      tls13Exchange(k, c, 2);
      tls13Close(k, c);
      k.never('rpc.msgtyp', 'rpc');
    },
  },
  // ---------------------------------------------------------------- issue 11: beyond TLS -------------------------
  {
    id: 'rpctls-session',
    issue: 11,
    rule: 'RPC-with-TLS (RFC 9289): AUTH_TLS NULL probe, STARTTLS reply, ClientHello, then TLS to the end',
    contains:
      'AUTH_TLS NULL probe; reply with the STARTTLS verifier; TLS 1.3 handshake on the same connection; 3 exchanges; close',
    expected: expected('rpc-with-tls', 'encrypted', [], 0),
    build(k) {
      const c = k.tcp();
      c.handshake();
      rpcCall(k, c.send('c', authTlsProbe(0x3001)), NFS_PROG, 7);
      rpcReply(k, c.send('s', startTlsReply(0x3001)), NFS_PROG);
      rpcTlsRest(k, c);
    },
  },
  {
    id: 'rpctls-calls-before-starttls',
    issue: 11,
    rule: 'RPC-with-TLS: ONC-RPC calls other than the AUTH_TLS NULL probe before STARTTLS are exposure',
    twin: 'rpctls-session',
    contains:
      'two NFSv4 WRITE COMPOUNDs (AUTH_SYS) and replies in the clear, then the probe, STARTTLS and a TLS 1.3 session',
    expected: expected('rpc-with-tls', 'cleartext', ['CLEARTEXT-BEFORE-STARTTLS'], 1),
    build(k) {
      const c = k.tcp();
      c.handshake();
      for (let i = 0; i < 2; i++) {
        rpcCall(k, c.send('c', nfs4WriteCall(0x3101 + i)), NFS_PROG, 1);
        rpcReply(k, c.send('s', nfs4Reply(0x3101 + i)), NFS_PROG);
      }
      rpcCall(k, c.send('c', authTlsProbe(0x3103)), NFS_PROG, 7);
      rpcReply(k, c.send('s', startTlsReply(0x3103)), NFS_PROG);
      rpcTlsRest(k, c);
      k.forget('tls'); // tshark's TLS dissector gives up after the cleartext calls: the RPC claims remain
    },
  },
  {
    id: 'rpctls-one-sided',
    issue: 11,
    rule: 'RPC-with-TLS: an upgrade counts only after the STARTTLS reply and a ClientHello; a side that never starts TLS makes the flow cleartext',
    twin: 'rpctls-session',
    contains:
      'probe and STARTTLS reply; the server sends a TLS 1.3 flight and records while the client never sends a ClientHello and keeps sending NFSv4 WRITE COMPOUNDs in the clear',
    expected: expected('rpc-with-tls', 'cleartext', ['STARTTLS-ONE-SIDED'], 1),
    build(k) {
      const c = k.tcp();
      c.handshake();
      rpcCall(k, c.send('c', authTlsProbe(0x3201)), NFS_PROG, 7);
      rpcReply(k, c.send('s', startTlsReply(0x3201)), NFS_PROG);
      const sh = c.send('s', concat(serverHello13(), CCS, serverProtected13(k.noise)));
      k.see('tls.handshake.type', sh, '2', 'tls');
      tlsTypes(k, sh, [22, 20], 4);
      for (let i = 0; i < 3; i++) {
        rpcCall(k, c.send('c', nfs4WriteCall(0x3202 + i)), NFS_PROG, 1);
        tlsTypes(k, c.send('s', record13(k.noise, 150)), [], 1);
      }
      c.close('c');
    },
  },
  ...plaintextBodyCases(),
  {
    id: 'dtls-session',
    issue: 11,
    rule: 'DTLS: application data only at epoch >= 1 after a handshake',
    contains:
      'DTLS 1.2 handshake on UDP 2049 (epoch 0), CCS, Finished at epoch 1, 3 application-data exchanges at epoch 1',
    expected: expected('dtls', 'encrypted', [], 0),
    build(k) {
      const u = k.udp();
      dtlsOpen(k, u);
      dtlsExchange(k, u, 3);
      noRpc(k);
    },
  },
  {
    id: 'dtls-epoch0-app-data',
    issue: 11,
    rule: 'DTLS: application data at epoch 0 is cleartext',
    twin: 'dtls-session',
    contains: 'DTLS 1.2 handshake, then application-data records at epoch 0 both ways',
    expected: expected('dtls', 'cleartext', ['DTLS-EPOCH0-DATA'], 1),
    build(k) {
      const u = k.udp();
      dtlsOpen(k, u);
      dtlsExchange(k, u, 2, 0, 3);
      noRpc(k);
    },
  },
  {
    id: 'dtls-cleartext-rpc-datagrams',
    issue: 11,
    rule: 'DTLS: cleartext RPC datagrams on the same 5-tuple make the flow cleartext',
    twin: 'dtls-session',
    contains:
      'DTLS 1.2 handshake and 2 exchanges, then an NFSv3 WRITE call in a plain UDP datagram on the same 5-tuple, then more DTLS',
    expected: expected('dtls', 'cleartext', ['CLEARTEXT-NFS'], 1),
    build(k) {
      const u = k.udp();
      dtlsOpen(k, u);
      dtlsExchange(k, u, 2);
      const f = u.send('c', callMsg(0x4001, NFS_PROG, 3, NFS3_WRITE, AUTH_SYS, nfs3WriteArgs(ASCII_BODY)));
      rpcCall(k, f, NFS_PROG, 1);
      dtlsExchange(k, u, 1, 1, 3);
    },
  },
  {
    id: 'krb5p-session',
    issue: 11,
    rule: 'Kerberos: every call that carries file data or names uses privacy, every body a sealed wrap token',
    contains:
      'NFSv3 over TCP, RPCSEC_GSS DATA calls with service privacy (WRITE, READ) whose bodies are RFC 4121 Wrap tokens with Sealed set; replies likewise',
    expected: expected('rpcsec-gss-privacy', 'encrypted', [], 0),
    build(k) {
      const c = k.tcp();
      c.handshake();
      krb5pSession(k, c, 4);
      c.close('c');
    },
  },
  {
    id: 'krb5p-authsys-nfs-acl',
    issue: 11,
    rule: 'Kerberos: a call that carries names without privacy (an AUTH_SYS NFS_ACL call) makes the flow cleartext',
    twin: 'krb5p-session',
    contains: 'the krb5p NFSv3 session, plus one AUTH_SYS NFS_ACL v3 GETACL call in the clear on the same connection',
    expected: expected('nfs-cleartext', 'cleartext', ['CLEARTEXT-NFS'], 1),
    build(k) {
      const c = k.tcp();
      c.handshake();
      krb5pSession(k, c, 2);
      const getacl = record(
        callMsg(
          0x5200,
          NFS_ACL_PROG,
          3,
          1,
          authSys('client.example.test', 1000, 1000),
          new Xdr().opaque(new Array<number>(32).fill(0x11)).u32(0x0f).bytes(),
        ),
      );
      rpcCall(k, c.send('c', getacl), NFS_ACL_PROG, 1);
      krb5pSession(k, c, 2, 0x5300);
      c.close('c');
    },
  },
  {
    id: 'krb5p-unsealed-4121',
    issue: 11,
    rule: 'Kerberos: a privacy credential whose body is not a sealed wrap token (RFC 4121 Sealed flag clear) is cleartext',
    twin: 'krb5p-session',
    contains: 'the krb5p NFSv3 session with one WRITE call whose Wrap token has the Sealed flag clear (flags 0x04)',
    expected: expected('nfs-cleartext', 'cleartext', ['CLEARTEXT-NFS'], 1),
    build(k) {
      const c = k.tcp();
      c.handshake();
      krb5pSession(k, c, 2);
      const call = c.send('c', gssPrivCall(0x5400, NFS_PROG, 3, NFS3_WRITE, 40, wrap4121(k.noise, 300, 0x04, 40)));
      rpcCall(k, call, NFS_PROG, 6, 6);
      k.see('rpc.authgss.service', call, '3');
      rpcReply(k, c.send('s', gssPrivReply(0x5400, wrap4121(k.noise, 120, 0x07, 40))), NFS_PROG, 6);
      c.close('c');
    },
  },
  {
    id: 'krb5p-unsealed-1964',
    issue: 11,
    rule: 'Kerberos: a privacy credential whose body is an RFC 1964 wrap token with SEAL_ALG 0xffff (none) is cleartext',
    twin: 'krb5p-session',
    contains: 'the krb5p NFSv3 session with one WRITE call whose body is an RFC 1964 wrap token with SEAL_ALG ffff',
    expected: expected('nfs-cleartext', 'cleartext', ['CLEARTEXT-NFS'], 1),
    build(k) {
      const c = k.tcp();
      c.handshake();
      krb5pSession(k, c, 2);
      const call = c.send('c', gssPrivCall(0x5500, NFS_PROG, 3, NFS3_WRITE, 41, wrap1964(k.noise, 0xffff, 300)));
      rpcCall(k, call, NFS_PROG, 6, 6);
      k.see('rpc.authgss.service', call, '3');
      rpcReply(k, c.send('s', gssPrivReply(0x5500, wrap4121(k.noise, 120, 0x07, 41))), NFS_PROG, 6);
      c.close('c');
    },
  },
  {
    id: 'krb5p-lease-krb5i',
    issue: 11,
    rule: 'Kerberos: lease management without file data (SETCLIENTID with krb5i) is allowed and reported as info',
    twin: 'krb5p-authsys-nfs-acl',
    contains:
      'NFSv4.0 over TCP: SETCLIENTID with RPCSEC_GSS integrity, then COMPOUNDs with privacy and sealed Wrap tokens',
    expected: expected('rpcsec-gss-privacy', 'encrypted', ['GSS-LEASE-NOT-PRIVATE'], 0),
    build(k) {
      const c = k.tcp();
      c.handshake();
      const integ = new Xdr()
        .opaque(concat(new Xdr().u32(1).bytes(), compound(0, [op.setclientid()])))
        .opaque(wrap4121(k.noise, 28, 0x04))
        .bytes();
      const verf = { flavor: 6, body: new Uint8Array(28).fill(0x5a) };
      const sc = c.send('c', record(callMsg(0x5600, NFS_PROG, 4, 1, gssCred(2, 0, 1), integ, verf)));
      rpcCall(k, sc, NFS_PROG, 6, 6);
      k.see('rpc.authgss.service', sc, '2');
      rpcReply(k, c.send('s', gssPrivReply(0x5600, wrap4121(k.noise, 60, 0x05))), NFS_PROG, 6);
      for (let i = 0; i < 3; i++) {
        const call = c.send('c', gssPrivCall(0x5601 + i, NFS_PROG, 4, 1, 2 + i, wrap4121(k.noise, 260, 0x06, 2 + i)));
        rpcCall(k, call, NFS_PROG, 6, 6);
        k.see('rpc.authgss.service', call, '3');
        rpcReply(k, c.send('s', gssPrivReply(0x5601 + i, wrap4121(k.noise, 140, 0x07, 2 + i))), NFS_PROG, 6);
      }
      c.close('c');
    },
  },
  {
    id: 'tcp-retransmission-same',
    issue: 11,
    rule: 'TCP overlaps: a retransmission whose bytes agree with the bytes already delivered is fine',
    twin: 'tcp-retransmission-conflict',
    contains: 'TLS 1.3 session; one client record segment retransmitted with identical bytes',
    expected: expected('tls', 'encrypted', [], 0),
    build(k) {
      const c = k.tcp();
      tls13Open(k, c);
      const at = c.offset('c');
      const rec = record13(k.noise, 300);
      tlsTypes(k, c.send('c', rec), [], 1);
      const re = c.resend('c', at, rec);
      k.match('tcp.analysis.retransmission', [re]);
      tlsTypes(k, c.send('s', record13(k.noise, 200)), [], 1);
      tls13Exchange(k, c, 1);
      tls13Close(k, c);
      noRpc(k);
    },
  },
  {
    id: 'tcp-retransmission-conflict',
    issue: 11,
    rule: 'TCP overlaps: segments whose bytes disagree with bytes already delivered raise TCP-OVERLAP-CONFLICT; never encrypted',
    twin: 'tcp-retransmission-same',
    contains:
      'TLS 1.3 session; one client record segment retransmitted with different bytes (an NFSv4 WRITE COMPOUND of the same length)',
    expected: expected('tls', 'unknown', ['TCP-OVERLAP-CONFLICT'], 1),
    build(k) {
      const c = k.tcp();
      tls13Open(k, c);
      const at = c.offset('c');
      const call = nfs4WriteCall(0x6001, 256);
      const rec = record13(k.noise, call.length - 5);
      tlsTypes(k, c.send('c', rec), [], 1);
      const re = c.resend('c', at, call);
      k.match('tcp.analysis.retransmission', [re]);
      tlsTypes(k, c.send('s', record13(k.noise, 200)), [], 1);
      tls13Exchange(k, c, 1);
      tls13Close(k, c);
    },
  },
];

/** The rest of an RPC-with-TLS session after STARTTLS: TLS 1.3 handshake, 3 exchanges, close. */
function rpcTlsRest(k: Kit, c: TcpConn): void {
  tls13Handshake(k, c);
  tls13Exchange(k, c, 3);
  tls13Close(k, c);
}

/** PLAINTEXT-IN-RECORDS: application-data bodies that are not ciphertext, in TLS 1.2, TLS 1.3 and DTLS. */
function plaintextBodyCases(): CaseDef[] {
  const out: CaseDef[] = [];
  const kinds = ['rpc', 'ascii', 'zeros', 'pattern'] as const;
  const what = {
    rpc: 'a record-marked NFSv4 WRITE COMPOUND',
    ascii: 'lines of text',
    zeros: 'zero bytes',
    pattern: 'an 8-byte pattern repeated',
  };
  for (const kind of kinds) {
    out.push({
      id: `tls12-records-${kind}`,
      issue: 11,
      rule: 'plaintext inside records: application-data bodies that parse as RPC or are far from random make the flow cleartext',
      twin: 'tls12-session',
      contains: `TLS 1.2 AES-GCM session whose client application-data records carry, after the 8-byte explicit nonce, ${what[kind]}`,
      expected: expected('tls', 'cleartext', ['PLAINTEXT-IN-RECORDS'], 1),
      plaintextInRecords: true,
      build(k) {
        const c = k.tcp();
        const seq = tls12Open(k, c);
        for (let i = 0; i < 3; i++) {
          tlsTypes(k, c.send('c', gcmRecord12(k.noise, CT_APP, seq.c++, 0, plainBody(kind, 0x7000 + i))), [23]);
          tlsTypes(k, c.send('s', gcmRecord12(k.noise, CT_APP, seq.s++, 180)), [23]);
        }
        c.close('c');
        noRpc(k);
      },
    });
    out.push({
      id: `tls13-records-${kind}`,
      issue: 11,
      rule: 'plaintext inside records: application-data bodies that parse as RPC or are far from random make the flow cleartext',
      twin: 'tls13-session',
      contains: `TLS 1.3 session whose client application-data records carry ${what[kind]} from the first body byte`,
      expected: expected('tls', 'cleartext', ['PLAINTEXT-IN-RECORDS'], 1),
      plaintextInRecords: true,
      build(k) {
        const c = k.tcp();
        tls13Open(k, c);
        for (let i = 0; i < 3; i++) {
          tlsTypes(k, c.send('c', record13(k.noise, 0, plainBody(kind, 0x7100 + i))), [], 1);
          tlsTypes(k, c.send('s', record13(k.noise, 180)), [], 1);
        }
        tls13Close(k, c);
        noRpc(k);
      },
    });
    out.push({
      id: `dtls-records-${kind}`,
      issue: 11,
      rule: 'plaintext inside records (DTLS): application-data bodies at epoch 1 that are not ciphertext make the flow cleartext',
      twin: 'dtls-session',
      contains: `DTLS 1.2 session whose application-data records at epoch 1 carry ${what[kind]}`,
      expected: expected('dtls', 'cleartext', ['PLAINTEXT-IN-RECORDS'], 1),
      plaintextInRecords: true,
      build(k) {
        const u = k.udp();
        dtlsOpen(k, u);
        dtlsExchange(k, u, 3, 1, 1, plainBody(kind, 0x7200));
        noRpc(k);
      },
    });
  }
  return out;
}
