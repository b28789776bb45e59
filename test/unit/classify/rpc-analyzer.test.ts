import { describe, expect, it } from 'vitest';
import { type Dir, EvidenceLog } from '../../../src/classify/analyzer.js';
import { BODY_CAP, RpcAnalyzer } from '../../../src/classify/rpc-analyzer.js';
import { evidenceText } from '../../../src/report/evidence-text.js';
import { op } from '../../adversarial/builders/nfs4.js';
import {
  AUTH_NONE_CRED,
  authSys,
  callMsg,
  compound,
  concat,
  gssCred,
  privBody,
  record,
  replyMsg,
  Xdr,
} from '../../adversarial/builders/rpc.js';

const NFS = 100003;

function make(transport: 'tcp' | 'udp' = 'tcp'): { a: RpcAnalyzer; ev: EvidenceLog } {
  const ev = new EvidenceLog(64);
  return { a: new RpcAnalyzer(transport, ev), ev };
}

/** Feeds `bytes` in segments of the given sizes (the rest as one last segment); returns the sum of consumed. */
function feed(a: RpcAnalyzer, dir: Dir, bytes: Uint8Array, sizes: number[] = [], frame = 1): number {
  let at = 0;
  let used = 0;
  const cuts = [...sizes, bytes.length];
  for (const size of cuts) {
    const n = Math.min(size, bytes.length - at);
    if (n <= 0) break;
    // copy each segment into its own buffer, as a capture reader would hand it over
    const seg = Buffer.alloc(n + 10);
    seg.set(bytes.subarray(at, at + n), 5);
    const u = a.onData(dir, seg, 5, n, frame++);
    used += u;
    if (u < n) return used;
    at += n;
  }
  return used;
}

function chunks(total: number, size: number): number[] {
  return new Array<number>(Math.ceil(total / size)).fill(size);
}

const v4call = (xid: number, ops: Uint8Array[], cred = authSys('host-a')) =>
  callMsg(xid, NFS, 4, 1, cred, compound(0, ops, 'tag-name'));

describe('RpcAnalyzer over TCP', () => {
  it('reassembles one record split over 3 fragments and 5 segments', () => {
    const { a } = make();
    const msg = v4call(1, [op.putrootfh(), op.getfh(), op.lookup('export'), op.getattr()]);
    const rec = record(msg, [30, 41]);
    expect(feed(a, 0, rec, [7, 33, 20, 40])).toBe(rec.length);
    expect(a.summary().operations).toEqual({ GETATTR: 1, GETFH: 1, LOOKUP: 1, PUTROOTFH: 1 });
    expect(a.summary().calls).toBe(1);
    expect(a.summary().malformed).toBe(0);
  });

  it('reads a record mark split across segments', () => {
    const { a } = make();
    const rec = concat(record(callMsg(1, NFS, 3, 0, AUTH_NONE_CRED)), record(callMsg(2, NFS, 3, 1, authSys('h'))));
    const first = record(callMsg(1, NFS, 3, 0, AUTH_NONE_CRED)).length;
    feed(a, 0, rec, [first + 2, 2]);
    expect(a.summary().operations).toEqual({ GETATTR: 1, NULL: 1 });
    expect(a.summary().credentials).toEqual(['AUTH_NONE', 'AUTH_SYS']);
  });

  it('matches replies to calls by xid and counts unmatched ones', () => {
    const { a } = make();
    feed(
      a,
      0,
      concat(record(callMsg(10, 100005, 3, 1, authSys('h'))), record(callMsg(11, 100000, 2, 3, AUTH_NONE_CRED))),
    );
    feed(a, 1, concat(record(replyMsg(11)), record(replyMsg(10)), record(replyMsg(99))));
    const s = a.summary();
    expect(s.programs).toEqual(['mount/3', 'portmapper/2']);
    expect([s.calls, s.replies, s.unmatchedReplies]).toEqual([2, 3, 1]);
    expect(a.isRpc).toBe(true);
    expect(a.hasNfs).toBe(false);
  });

  it('caps the pending-call table', () => {
    const { a } = make();
    const calls: Uint8Array[] = [];
    for (let xid = 0; xid <= 4096; xid++) calls.push(record(callMsg(xid, 100000, 2, 0, AUTH_NONE_CRED)));
    feed(a, 0, concat(...calls));
    feed(a, 1, concat(record(replyMsg(0)), record(replyMsg(4096))));
    expect(a.summary().unmatchedReplies).toBe(1);
  });

  it('names NFSv3 procedures and keeps the AUTH_SYS machine name out of evidence', () => {
    const { a, ev } = make();
    const procs = [0, 1, 3, 4, 6, 7, 17, 19, 21];
    feed(a, 0, concat(...procs.map((p, i) => record(callMsg(i, NFS, 3, p, authSys('secret-host'))))));
    expect(a.summary().operations).toEqual({
      ACCESS: 1,
      COMMIT: 1,
      FSINFO: 1,
      GETATTR: 1,
      LOOKUP: 1,
      NULL: 1,
      READ: 1,
      READDIRPLUS: 1,
      WRITE: 1,
    });
    expect(a.summary().nfsVersion).toBe('NFSv3');
    expect(a.authSysMachineName).toBe('secret-host');
    expect(JSON.stringify(ev.items)).not.toContain('secret-host');
    expect(evidenceText(ev.items[0]!.fact)).toBe('CALL nfs/3 NULL AUTH_SYS');
  });

  it('counts OPEN + WRITE + GETATTR when the WRITE data is larger than the buffer cap', () => {
    const data = 3 * BODY_CAP + 17;
    const msg = v4call(5, [op.putfh(), op.openCreate('new-file.txt'), op.write(data), op.getattr()]);
    for (const sizes of [chunks(msg.length + 4, 1448), [], [100, 3, 70000]]) {
      const { a, ev } = make();
      feed(a, 0, record(msg), sizes);
      const s = a.summary();
      expect(s.operations).toEqual({ GETATTR: 1, OPEN: 1, PUTFH: 1, WRITE: 1 });
      expect(s.malformed).toBe(0);
      expect(ev.items.map((e) => evidenceText(e.fact))).toContain(
        'CALL nfs/4 AUTH_SYS COMPOUND (PUTFH, OPEN, WRITE, GETATTR)',
      );
      expect(JSON.stringify(ev.items)).not.toContain('new-file');
    }
  });

  it('keeps counting across a gap inside WRITE data, and resyncs after a gap at a record boundary', () => {
    const { a, ev } = make();
    const w = record(v4call(1, [op.putfh(), op.write(20000), op.getattr()]));
    feed(a, 0, w.subarray(0, 1000));
    a.onGap(0, 5000, 2);
    feed(a, 0, w.subarray(6000), [], 3);
    expect(a.summary().operations).toEqual({ GETATTR: 1, PUTFH: 1, WRITE: 1 });
    const next = record(v4call(2, [op.putrootfh()]));
    const after = record(v4call(3, [op.getfh()]));
    feed(a, 0, next.subarray(0, 10), [], 4);
    a.onGap(0, next.length, 5);
    feed(a, 0, next.subarray(20), [], 6); // the tail of a record: must not be read as a record
    feed(a, 0, after, [], 7);
    expect(a.summary().operations).toEqual({ GETATTR: 1, GETFH: 1, PUTFH: 1, WRITE: 1 });
    expect(ev.items.map((e) => evidenceText(e.fact))).toContain('RPC record stream resynced');
  });

  it('resyncs when the capture starts inside a record', () => {
    const { a } = make();
    const r1 = record(callMsg(1, NFS, 3, 6, authSys('h'), new Uint8Array(200).fill(7)));
    const r2 = record(callMsg(2, NFS, 3, 1, authSys('h')));
    feed(a, 0, r1.subarray(60));
    feed(a, 0, r2);
    expect(a.summary().operations).toEqual({ GETATTR: 1 });
    expect(a.summary().malformed).toBe(0);
  });

  it('flags a WRITE length that runs past the record and a credential length 0xffffffff', () => {
    const { a } = make();
    const msg = v4call(1, [op.putfh(), op.write(64)]);
    const lying = msg.slice();
    // the WRITE data length sits 68 bytes (64 data + 4 length) before the end
    lying.set([0x7f, 0xff, 0xff, 0xf0], lying.length - 68);
    feed(a, 0, record(lying));
    expect(a.summary().malformed).toBe(1);
    const cred = new Xdr().u32(4).u32(0).u32(2).u32(NFS).u32(3).u32(17).u32(1).u32(0xffffffff).zeros(32).bytes();
    feed(a, 0, record(cred));
    expect(a.summary().malformed).toBe(2);
    expect(a.summary().calls).toBe(1);
  });

  it('does not take TLS bytes for RPC', () => {
    const { a } = make();
    const hello = Uint8Array.from([
      0x16,
      0x03,
      0x01,
      0x00,
      0xf4,
      0x01,
      0x00,
      0x00,
      0xf0,
      0x03,
      0x03,
      ...new Array<number>(60).fill(9),
    ]);
    expect(feed(a, 0, hello)).toBe(hello.length);
    expect(a.isRpc).toBe(false);
    expect(a.upgradedToTls(0)).toBe(false);
  });

  it('hands the direction to TLS after an AUTH_TLS probe and STARTTLS, returning the bytes it consumed', () => {
    const { a, ev } = make();
    const probe = record(callMsg(0x77, NFS, 4, 0, { flavor: 7 }));
    const hello = Uint8Array.from([0x16, 0x03, 0x01, 0x00, 0x10, ...new Array<number>(16).fill(1)]);
    expect(feed(a, 0, probe)).toBe(probe.length);
    expect(a.authTlsProbe).toBe(true);
    const reply = record(replyMsg(0x77, Buffer.from('STARTTLS')));
    const serverHello = Uint8Array.from([0x16, 0x03, 0x03, 0x00, 0x10, ...new Array<number>(16).fill(2)]);
    // reply and ServerHello in one segment: the analyzer must stop right after the reply
    expect(feed(a, 1, concat(reply, serverHello))).toBe(reply.length);
    expect(feed(a, 0, hello)).toBe(0);
    expect(a.upgradedToTls(0)).toBe(true);
    expect(a.upgradedToTls(1)).toBe(true);
    expect(a.startTls).toBe(true);
    expect(a.finished).toBe(true);
    const s = a.summary();
    expect([s.authTlsProbe, s.startTls, s.credentials, s.programs]).toEqual([true, true, ['AUTH_TLS'], ['nfs/4']]);
    expect(s.operations).toEqual({});
    const what = ev.items.map((e) => evidenceText(e.fact));
    expect(what).toContain('AUTH_TLS NULL probe (nfs/4)');
    expect(what).toContain('REPLY verifier STARTTLS (to the AUTH_TLS probe)');
  });

  it('without an AUTH_TLS call a 0x16 at a record boundary is a broken record, not an upgrade', () => {
    const { a } = make();
    feed(a, 0, record(callMsg(1, NFS, 4, 0, AUTH_NONE_CRED)));
    const hello = Uint8Array.from([0x16, 0x03, 0x01, 0x00, 0x10, ...new Array<number>(16).fill(1)]);
    expect(feed(a, 0, hello)).toBe(hello.length);
    expect(a.upgradedToTls(0)).toBe(false);
    expect(a.summary().malformed).toBe(1);
  });

  it('RPCSEC_GSS: privacy hides the ops and sets gssPrivacy; integrity ops are counted', () => {
    const priv = make().a;
    feed(priv, 0, record(callMsg(1, NFS, 4, 0, gssCred(1, 1))));
    feed(priv, 0, record(callMsg(2, NFS, 4, 1, gssCred(3), privBody())));
    expect(priv.gssPrivacy).toBe(true);
    expect(priv.summary().gssServices).toEqual(['none', 'privacy']);
    expect(priv.summary().operations).toEqual({});
    const integ = make().a;
    const args = compound(1, [op.sequence(), op.putrootfh()]);
    const body = concat(
      new Xdr()
        .u32(args.length + 4)
        .u32(7)
        .bytes(),
      args,
      new Xdr().opaque([1, 2, 3, 4]).bytes(),
    );
    feed(integ, 0, record(callMsg(3, NFS, 4, 1, gssCred(2), body)));
    expect(integ.gssPrivacy).toBe(false);
    expect(integ.summary().operations).toEqual({ PUTROOTFH: 1, SEQUENCE: 1 });
    expect(integ.summary().nfsVersion).toBe('NFSv4.1');
    expect(integ.summary().nfsMinorVersions).toEqual([1]);
  });

  it('counts CB_COMPOUND ops sent by the server on the backchannel', () => {
    const { a } = make();
    feed(a, 0, record(v4call(1, [op.sequence()])));
    const cbArgs = concat(
      new Xdr().str('').u32(1).u32(0).u32(1).bytes(),
      new Xdr().u32(11).zeros(16).u32(1).u32(0).u32(0).u32(0).u32(0).bytes(),
    );
    feed(a, 1, record(callMsg(9, 0x40000000, 1, 1, AUTH_NONE_CRED, cbArgs)));
    expect(a.summary().operations).toEqual({ CB_SEQUENCE: 1, SEQUENCE: 1 });
    expect(a.summary().programs).toEqual(['nfs/4', 'nfs_cb/1']);
  });
});

describe('RpcAnalyzer over UDP', () => {
  it('reads one message per datagram', () => {
    const { a } = make('udp');
    const call = callMsg(1, NFS, 3, 3, authSys('h'), new Xdr().opaque([1, 2, 3]).str('name').bytes());
    a.onDatagram(0, call, 0, call.length, 1);
    const reply = replyMsg(1);
    a.onDatagram(1, reply, 0, reply.length, 2);
    const s = a.summary();
    expect([s.calls, s.replies, s.programs, s.operations]).toEqual([1, 1, ['nfs/3'], { LOOKUP: 1 }]);
  });

  it('flags a datagram whose COMPOUND is cut short', () => {
    const { a } = make('udp');
    const call = v4call(1, [op.putfh(), op.getattr()]);
    a.onDatagram(0, call, 0, call.length - 6, 1);
    expect(a.summary().malformed).toBe(1);
    expect(a.summary().operations).toEqual({ PUTFH: 1 });
  });
});
