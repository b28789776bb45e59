/**
 * The generator's flows: one JS generator per connection that writes its packets one at a time (so the scheduler
 * can interleave many flows) and fills in its ground truth as it goes.
 */
import type { CaptureSink } from './capture-writer.js';
import { type FrameBuilder, type Host, TCP_ACK, TCP_FIN, TCP_PSH, TCP_SYN } from './frames.js';
import type { Prng, RandomPool } from './prng.js';
import {
  type AuthSys,
  compoundArgs,
  compoundRes,
  NFS3,
  NFS4,
  type NfsCtx,
  PROG_MOUNT,
  PROG_NFS,
  PROG_PORTMAP,
  recordMark,
  rpcCall,
  rpcReply,
  type V4Op,
} from './rpc-messages.js';
import {
  appData,
  CT_ALERT,
  CT_APPDATA,
  CT_CCS,
  CT_HANDSHAKE,
  certificate,
  clientHello,
  clientKeyExchange,
  DTLS10,
  DTLS12,
  dtlsHs,
  dtlsRecord,
  helloVerifyRequest,
  hs,
  serverHello,
  serverKeyExchange,
  TLS12,
  tlsRecord,
} from './tls-messages.js';
import type { Xdr } from './xdr.js';

/** One flow's expected verdict, as written to the ground-truth JSON-lines file. */
export interface GroundTruth {
  /** tshark's stream id: "tcp.N" / "udp.N" (order of first packet, per transport). */
  id: string;
  transport: 'tcp' | 'udp';
  client: { ip: string; port: number };
  server: { ip: string; port: number };
  interface: string;
  /** A FlowClass of src/report/schema.ts. */
  class: 'nfs-cleartext' | 'rpc-cleartext' | 'tunnel-local' | 'tls' | 'dtls' | 'none';
  /** "NFSv3", "NFSv4", "NFSv4.1", "TLS 1.2", "TLS 1.3", "DTLS 1.2", or null (portmapper/MOUNT). */
  version: string | null;
  cipherSuiteId: number | null;
  /** RPC programs in the clear, "nfs/3", "mount/3", "portmapper/2". */
  programs: string[];
  /** NFSv3 procedures / NFSv4 COMPOUND operations called, by name. */
  nfsOps: Record<string, number>;
  packets: number;
  /** Frame bytes, both directions (tshark's conversation "Bytes"). */
  bytes: number;
  /** TLS/DTLS records and ONC-RPC messages written, both directions. */
  records: number;
  /** The verdict wireseal must give (a Verdict of src/report/schema.ts). */
  verdict: 'encrypted' | 'encrypted-weak' | 'cleartext' | 'unknown';
  /** The finding codes that must name this flow, sorted (none for a flow that is fine). */
  findings: string[];
  /**
   * A planted flow that turns cleartext late: NFS calls in the clear after a full TLS handshake and encrypted data
   * ("after-handshake"), or after bytes the capture does not hold ("after-gap"). Only a verifier that walks the
   * whole stream catches them: class, version and suite are not checked for these, verdict and findings are.
   */
  planted?: 'after-handshake' | 'after-gap';
  /** This line stands for `count` flows of one shape (the SYN flood's): client is the first; packets and bytes are totals. */
  count?: number;
}

export interface Env {
  sink: CaptureSink;
  frames: FrameBuilder;
  rng: Prng;
  pool: RandomPool;
  /** Capture clock, microseconds since the epoch. */
  clock: number;
  /** Set when the target size is reached: flows finish their current exchange and close. */
  closing: boolean;
  streams: { tcp: number; udp: number };
  /** Set: every frame goes out inside VXLAN (UDP 4789) with this network identifier. */
  vxlanVni?: number;
}

export type FlowScript = Generator<void, void, void>;

export function ipString(ip: Buffer): string {
  if (ip.length === 4) return `${ip[0]}.${ip[1]}.${ip[2]}.${ip[3]}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(ip.readUInt16BE(i).toString(16));
  // Compress the longest run of zero groups (RFC 5952), as tshark prints.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

/** A flow's ground truth before any packet: no id yet, counters at zero. */
export function newTruth(
  transport: 'tcp' | 'udp',
  client: { ip: string; port: number },
  server: { ip: string; port: number },
  iface: string,
  cls: GroundTruth['class'],
): GroundTruth {
  return {
    id: '',
    transport,
    client,
    server,
    interface: iface,
    class: cls,
    version: null,
    cipherSuiteId: null,
    programs: [],
    nfsOps: {},
    packets: 0,
    bytes: 0,
    records: 0,
    verdict: 'cleartext',
    findings: [],
  };
}

/** Common state of a flow: endpoints, interface, counters, and its truth record. */
abstract class Conn {
  readonly truth: GroundTruth;
  constructor(
    protected readonly env: Env,
    protected readonly hosts: [Host, Host],
    protected readonly ports: [number, number],
    protected readonly iface: number,
    transport: 'tcp' | 'udp',
    ifaceName: string,
    cls: GroundTruth['class'],
  ) {
    const client = { ip: ipString(hosts[0].ip), port: ports[0] };
    this.truth = newTruth(transport, client, { ip: ipString(hosts[1].ip), port: ports[1] }, ifaceName, cls);
  }

  protected write(len: number): void {
    const env = this.env;
    if (this.truth.id === '') this.truth.id = `${this.truth.transport}.${env.streams[this.truth.transport]++}`;
    env.clock += 1 + env.rng.int(40);
    let n = len;
    if (env.vxlanVni === undefined) env.sink.packet(this.iface, env.clock, env.frames.buf, len);
    else {
      n = env.frames.vxlan(len, env.vxlanVni);
      env.sink.packet(this.iface, env.clock, env.frames.encap, n);
    }
    this.truth.packets++;
    this.truth.bytes += n;
  }
}

export class TcpConn extends Conn {
  private readonly seq: [number, number];
  private unacked: [number, number] = [0, 0];

  constructor(
    env: Env,
    hosts: [Host, Host],
    ports: [number, number],
    iface: number,
    ifaceName: string,
    cls: GroundTruth['class'],
    private readonly mss: number,
  ) {
    super(env, hosts, ports, iface, 'tcp', ifaceName, cls);
    this.seq = [env.rng.u32(), env.rng.u32()];
  }

  private emit(dir: 0 | 1, flags: number, payload: Buffer | null, off: number, len: number): void {
    const src = this.hosts[dir];
    const dst = this.hosts[1 - dir]!;
    const n = this.env.frames.tcp(
      src,
      dst,
      this.ports[dir],
      this.ports[1 - dir]!,
      this.seq[dir],
      this.seq[1 - dir]!,
      flags,
      payload,
      off,
      len,
      this.mss,
    );
    this.write(n);
    this.seq[dir] = (this.seq[dir] + len + (flags & (TCP_SYN | TCP_FIN) ? 1 : 0)) >>> 0;
  }

  *open(): FlowScript {
    this.emit(0, TCP_SYN, null, 0, 0);
    yield;
    this.emit(1, TCP_SYN | TCP_ACK, null, 0, 0);
    yield;
    this.emit(0, TCP_ACK, null, 0, 0);
    yield;
  }

  /** Sends one message cut into MSS-sized segments; the peer ACKs every second full segment (delayed ACK). */
  *send(dir: 0 | 1, msg: Buffer): FlowScript {
    for (let off = 0; off < msg.length; ) {
      const len = Math.min(this.mss, msg.length - off);
      const last = off + len === msg.length;
      this.emit(dir, last ? TCP_PSH | TCP_ACK : TCP_ACK, msg, off, len);
      off += len;
      yield;
      if (++this.unacked[dir] >= 2 && !last) {
        this.unacked[dir] = 0;
        this.emit((1 - dir) as 0 | 1, TCP_ACK, null, 0, 0);
        yield;
      }
    }
  }

  /** Bytes `dir` sends that the capture does not hold (a capture gap): the sequence number moves on, nothing is written. */
  lose(dir: 0 | 1, len: number): void {
    this.seq[dir] = (this.seq[dir] + len) >>> 0;
  }

  *close(): FlowScript {
    this.emit(0, TCP_FIN | TCP_ACK, null, 0, 0);
    yield;
    this.emit(1, TCP_FIN | TCP_ACK, null, 0, 0);
    yield;
    this.emit(0, TCP_ACK, null, 0, 0);
    yield;
  }
}

export class UdpConn extends Conn {
  constructor(env: Env, hosts: [Host, Host], ports: [number, number], cls: GroundTruth['class']) {
    super(env, hosts, ports, 0, 'udp', 'eth0', cls);
  }
  send(dir: 0 | 1, payload: Buffer): void {
    const n = this.env.frames.udp(
      this.hosts[dir],
      this.hosts[1 - dir]!,
      this.ports[dir],
      this.ports[1 - dir]!,
      payload,
    );
    this.write(n);
  }
}

// ---------------------------------------------------------------- RPC flows

function newNfsCtx(env: Env, name: string): NfsCtx {
  const r = env.rng;
  return {
    pool: env.pool,
    fh: r.bytes(r.pick([28, 32, 36, 40])),
    stateid: r.bytes(16),
    verifier: r.bytes(8),
    sessionid: r.bytes(16),
    clientid: r.u32() * 65536 + r.int(65536),
    ioSize: 32768,
    offset: 0,
    name,
  };
}

class RpcSession {
  private xid: number;
  readonly cred: AuthSys;
  constructor(
    private readonly env: Env,
    private readonly conn: TcpConn,
  ) {
    this.xid = env.rng.u32();
    this.cred = { machine: `client${env.rng.int(1000)}`, uid: 0, gid: 0 };
  }

  /** One call and its reply; large messages are sometimes sent as two record-marking fragments. */
  *call(prog: number, vers: number, proc: number, args: (x: Xdr) => void, res: (x: Xdr) => void): FlowScript {
    const xid = this.xid;
    this.xid = (this.xid + 1) >>> 0;
    const call = rpcCall(xid, prog, vers, proc, this.cred, args);
    const rng = this.env.rng;
    yield* this.conn.send(0, recordMark(call, call.length > 8192 && rng.chance(0.2) ? 2 : 1));
    const reply = rpcReply(xid, res);
    yield* this.conn.send(1, recordMark(reply, reply.length > 8192 && rng.chance(0.2) ? 2 : 1));
    this.conn.truth.records += 2;
  }
}

function count(t: GroundTruth, name: string): void {
  t.nfsOps[name] = (t.nfsOps[name] ?? 0) + 1;
}

/** One NFSv3 call and its reply, counted in the ground truth. */
function nfs3Call(rpc: RpcSession, t: GroundTruth, c: NfsCtx, name: string): FlowScript {
  const p = NFS3[name]!;
  count(t, name);
  return rpc.call(
    PROG_NFS,
    3,
    p.num,
    (x) => p.args(x, c),
    (x) => p.res(x, c),
  );
}

export function* nfs3Flow(env: Env, conn: TcpConn, ios: number): FlowScript {
  const t = conn.truth;
  t.version = 'NFSv3';
  t.programs = ['nfs/3'];
  const c = newNfsCtx(env, `file${env.rng.int(100000)}.dat`);
  const rpc = new RpcSession(env, conn);
  yield* conn.open();
  const op = (name: string): FlowScript => nfs3Call(rpc, t, c, name);
  for (const name of ['NULL', 'FSINFO', 'GETATTR', 'LOOKUP', 'ACCESS']) yield* op(name);
  let wrote = false;
  for (let i = 0; i < ios && !env.closing; i++) {
    c.ioSize = env.rng.range(32, 64) * 1024;
    const write = env.rng.chance(0.4);
    wrote ||= write;
    yield* op(write ? 'WRITE' : 'READ');
    c.offset += c.ioSize;
    if (env.rng.chance(0.1)) yield* op(env.rng.chance(0.5) ? 'GETATTR' : 'READDIRPLUS');
  }
  if (wrote) yield* op('COMMIT');
  yield* conn.close();
}

const V40_SETUP = [
  ['PUTROOTFH', 'GETFH', 'GETATTR'],
  ['SETCLIENTID'],
  ['SETCLIENTID_CONFIRM'],
  ['PUTROOTFH', 'LOOKUP', 'GETFH', 'GETATTR'],
  ['PUTFH', 'OPEN', 'GETFH', 'GETATTR'],
  ['PUTFH', 'OPEN_CONFIRM'],
];
const V41_SETUP = [
  ['EXCHANGE_ID'],
  ['CREATE_SESSION'],
  ['SEQUENCE', 'RECLAIM_COMPLETE'],
  ['SEQUENCE', 'PUTROOTFH', 'GETFH', 'GETATTR'],
  ['SEQUENCE', 'PUTFH', 'LOOKUP', 'GETFH', 'GETATTR'],
  ['SEQUENCE', 'PUTFH', 'OPEN', 'GETFH', 'GETATTR'],
];

export function* nfs4Flow(env: Env, conn: TcpConn, minor: 0 | 1, ios: number): FlowScript {
  const t = conn.truth;
  t.version = minor === 0 ? 'NFSv4' : 'NFSv4.1';
  t.programs = ['nfs/4'];
  const c = newNfsCtx(env, `file${env.rng.int(100000)}.dat`);
  const rpc = new RpcSession(env, conn);
  const seq = minor === 1 ? ['SEQUENCE'] : [];
  const compound = function* (names: readonly string[]): FlowScript {
    const ops: V4Op[] = names.map((n) => NFS4[n]!);
    for (const n of names) count(t, n);
    yield* rpc.call(
      PROG_NFS,
      4,
      1,
      (x) => compoundArgs(x, minor, ops, c),
      (x) => compoundRes(x, ops, c),
    );
  };
  yield* conn.open();
  for (const names of minor === 0 ? V40_SETUP : V41_SETUP) yield* compound(names);
  let wrote = false;
  for (let i = 0; i < ios && !env.closing; i++) {
    c.ioSize = env.rng.range(32, 64) * 1024;
    const write = env.rng.chance(0.4);
    wrote ||= write;
    yield* compound(write ? [...seq, 'PUTFH', 'WRITE', 'GETATTR'] : [...seq, 'PUTFH', 'READ']);
    c.offset += c.ioSize;
    const r = env.rng.int(20);
    if (r === 0) yield* compound(minor === 0 ? ['RENEW'] : ['SEQUENCE']);
    else if (r === 1) yield* compound([...seq, 'PUTFH', 'ACCESS', 'GETATTR']);
    else if (r === 2) yield* compound([...seq, 'PUTFH', 'READDIR']);
  }
  if (wrote) yield* compound([...seq, 'PUTFH', 'COMMIT']);
  yield* compound([...seq, 'PUTFH', 'CLOSE']);
  if (minor === 1) {
    yield* compound(['DESTROY_SESSION']);
    yield* compound(['DESTROY_CLIENTID']);
  }
  yield* conn.close();
}

/** portmapper GETPORT for NFS and MOUNT: rpc-cleartext. */
export function* portmapFlow(env: Env, conn: TcpConn): FlowScript {
  conn.truth.programs = ['portmapper/2'];
  const rpc = new RpcSession(env, conn);
  yield* conn.open();
  for (const [prog, vers, port] of [
    [PROG_NFS, 3, 2049],
    [PROG_MOUNT, 3, 20048],
  ] as const) {
    yield* rpc.call(
      PROG_PORTMAP,
      2,
      3,
      (x) => x.u32(prog).u32(vers).u32(6).u32(0),
      (x) => x.u32(port),
    );
  }
  yield* conn.close();
}

/** MOUNT v3 NULL then MNT: rpc-cleartext. */
export function* mountFlow(env: Env, conn: TcpConn): FlowScript {
  conn.truth.programs = ['mount/3'];
  const rpc = new RpcSession(env, conn);
  const fh = env.rng.bytes(32);
  yield* conn.open();
  yield* rpc.call(
    PROG_MOUNT,
    3,
    0,
    () => {},
    () => {},
  );
  yield* rpc.call(
    PROG_MOUNT,
    3,
    1,
    (x) => x.string('/export/bench'),
    (x) => x.u32(0).opaque(fh).words([1]),
  );
  yield* conn.close();
}

// ---------------------------------------------------------------- TLS / DTLS flows

const CLIENT_SUITES_13 = [
  0x1302, 0x1303, 0x1301, 0xc02c, 0xc030, 0xc02b, 0xc02f, 0xcca9, 0xcca8, 0x009e, 0x002f, 0x0035,
];
const CLIENT_SUITES_12 = [0xc030, 0xc02c, 0xc02f, 0xc02b, 0x009f, 0x009e, 0xc028, 0xc014, 0x003d, 0x0035, 0x002f];

/** TLS records in `b` (a whole number of records). */
function tlsRecords(b: Buffer): number {
  let n = 0;
  for (let p = 0; p + 5 <= b.length; p += 5 + b.readUInt16BE(p + 3)) n++;
  return n;
}

/** Sends whole TLS records and counts them. */
function* sendTls(conn: TcpConn, dir: 0 | 1, b: Buffer): FlowScript {
  conn.truth.records += tlsRecords(b);
  yield* conn.send(dir, b);
}

/** A full TLS handshake (TLS 1.2 with certificate and key exchange, or TLS 1.3); returns the record overhead. */
function* tlsHandshake(env: Env, conn: TcpConn, suite: number, sni: string): Generator<void, number, void> {
  const rng = env.rng;
  const tls13 = suite >> 8 === 0x13;
  const t = conn.truth;
  t.version = tls13 ? 'TLS 1.3' : 'TLS 1.2';
  t.cipherSuiteId = suite;
  const offer13 = tls13 || rng.chance(0.5);
  const offered = offer13 ? CLIENT_SUITES_13 : CLIENT_SUITES_12;
  yield* conn.open();
  yield* sendTls(
    conn,
    0,
    tlsRecord(CT_HANDSHAKE, 0x0301, hs(1, clientHello({ rng, sni, suites: offered, tls13: offer13 }))),
  );
  const sh = hs(2, serverHello({ rng, sni, suites: [suite], tls13 }));
  const ccs = tlsRecord(CT_CCS, TLS12, Buffer.from([1]));
  if (tls13) {
    const overhead = 17;
    const flight = appData(env.pool, TLS12, rng.range(900, 1400), overhead);
    yield* sendTls(conn, 1, Buffer.concat([tlsRecord(CT_HANDSHAKE, TLS12, sh), ccs, flight]));
    yield* sendTls(conn, 0, Buffer.concat([ccs, appData(env.pool, TLS12, 36, overhead)]));
    yield* sendTls(conn, 1, appData(env.pool, TLS12, rng.range(180, 260), overhead));
    return overhead;
  }
  const rsa = suite === 0x002f || suite === 0x0035;
  const overhead = rsa ? 48 : 24;
  const msgs = [sh, hs(11, certificate())];
  if (!rsa) msgs.push(hs(12, serverKeyExchange(rng)));
  msgs.push(hs(14, Buffer.alloc(0)));
  const flight = rng.chance(0.5)
    ? tlsRecord(CT_HANDSHAKE, TLS12, Buffer.concat(msgs))
    : Buffer.concat(msgs.map((m) => tlsRecord(CT_HANDSHAKE, TLS12, m)));
  yield* sendTls(conn, 1, flight);
  const fin = tlsRecord(CT_HANDSHAKE, TLS12, env.pool.slice(16 + overhead));
  const cke = tlsRecord(CT_HANDSHAKE, TLS12, hs(16, clientKeyExchange(rng, rsa)));
  yield* sendTls(conn, 0, Buffer.concat([cke, ccs, fin]));
  yield* sendTls(conn, 1, Buffer.concat([ccs, tlsRecord(CT_HANDSHAKE, TLS12, env.pool.slice(16 + overhead))]));
  return overhead;
}

/** Request/response rounds of application data: small requests and large replies (reads) or the reverse. */
function* tlsExchanges(env: Env, conn: TcpConn, overhead: number, exchanges: number, maxLarge: number): FlowScript {
  const rng = env.rng;
  for (let i = 0; i < exchanges && !env.closing; i++) {
    const read = rng.chance(0.6);
    const large = rng.range(4096, maxLarge);
    yield* sendTls(conn, 0, appData(env.pool, TLS12, read ? rng.range(120, 300) : large, overhead));
    yield* sendTls(conn, 1, appData(env.pool, TLS12, read ? large : rng.range(100, 200), overhead));
  }
}

/** A TLS flow: full handshake then `exchanges` request/response rounds of application data. */
export function* tlsFlow(
  env: Env,
  conn: TcpConn,
  suite: number,
  exchanges: number,
  sni: string,
  maxLarge = 65536,
): FlowScript {
  const overhead = yield* tlsHandshake(env, conn, suite, sni);
  yield* tlsExchanges(env, conn, overhead, exchanges, maxLarge);
  yield* sendTls(conn, 0, tlsRecord(CT_ALERT, TLS12, env.pool.slice(2 + overhead)));
  yield* conn.close();
}

/**
 * A planted flow: a full TLS handshake and one round of encrypted data, then (after a lost client segment when
 * `how` is "after-gap") NFSv3 calls in the clear on the same connection. Expected: cleartext.
 */
export function* plantedFlow(
  env: Env,
  conn: TcpConn,
  suite: number,
  how: 'after-handshake' | 'after-gap',
  sni: string,
): FlowScript {
  const t = conn.truth;
  const overhead = yield* tlsHandshake(env, conn, suite, sni);
  yield* tlsExchanges(env, conn, overhead, 1, 8192);
  if (how === 'after-gap') conn.lose(0, 1200 + env.rng.int(200));
  t.programs = ['nfs/3'];
  const c = newNfsCtx(env, `file${env.rng.int(100000)}.dat`);
  c.ioSize = 4096;
  const rpc = new RpcSession(env, conn);
  for (const name of ['LOOKUP', 'READ', 'WRITE']) yield* nfs3Call(rpc, t, c, name);
  yield* conn.close();
}

/** DTLS 1.2 over UDP: ClientHello, HelloVerifyRequest, ClientHello with cookie, server flight, then data. */
export function* dtlsFlow(env: Env, conn: UdpConn, suite: number, datagrams: number, sni: string): FlowScript {
  const rng = env.rng;
  const t = conn.truth;
  t.version = 'DTLS 1.2';
  t.cipherSuiteId = suite;
  const suites = [0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc00a, 0xc014, 0x009c, 0x002f];
  const cookie = rng.bytes(20);
  const seq: [number, number] = [0, 0];
  const rec = (dir: 0 | 1, type: number, version: number, epoch: number, frag: Buffer): Buffer => {
    t.records++;
    return dtlsRecord(type, version, epoch, seq[dir]++, frag);
  };
  conn.send(
    0,
    rec(0, CT_HANDSHAKE, DTLS10, 0, dtlsHs(1, 0, clientHello({ rng, sni, suites, tls13: false, dtls: true }))),
  );
  yield;
  conn.send(1, rec(1, CT_HANDSHAKE, DTLS10, 0, dtlsHs(3, 0, helloVerifyRequest(cookie))));
  yield;
  conn.send(
    0,
    rec(0, CT_HANDSHAKE, DTLS10, 0, dtlsHs(1, 1, clientHello({ rng, sni, suites, tls13: false, dtls: true, cookie }))),
  );
  yield;
  const sh = serverHello({ rng, sni, suites: [suite], tls13: false, dtls: true });
  conn.send(
    1,
    Buffer.concat([
      rec(1, CT_HANDSHAKE, DTLS12, 0, dtlsHs(2, 1, sh)),
      rec(1, CT_HANDSHAKE, DTLS12, 0, dtlsHs(11, 2, certificate())),
      rec(1, CT_HANDSHAKE, DTLS12, 0, dtlsHs(12, 3, serverKeyExchange(rng))),
      rec(1, CT_HANDSHAKE, DTLS12, 0, dtlsHs(14, 4, Buffer.alloc(0))),
    ]),
  );
  yield;
  const ccs = (dir: 0 | 1): Buffer => rec(dir, CT_CCS, DTLS12, 0, Buffer.from([1]));
  const client0 = Buffer.concat([
    rec(0, CT_HANDSHAKE, DTLS12, 0, dtlsHs(16, 2, clientKeyExchange(rng, false))),
    ccs(0),
  ]);
  seq[0] = 0;
  conn.send(0, Buffer.concat([client0, rec(0, CT_HANDSHAKE, DTLS12, 1, env.pool.slice(40))]));
  yield;
  const server0 = ccs(1);
  seq[1] = 0;
  conn.send(1, Buffer.concat([server0, rec(1, CT_HANDSHAKE, DTLS12, 1, env.pool.slice(40))]));
  yield;
  for (let i = 0; i < datagrams && !env.closing; i++) {
    const dir = rng.chance(0.5) ? 0 : 1;
    conn.send(dir, rec(dir, CT_APPDATA, DTLS12, 1, env.pool.slice(rng.range(80, 1400))));
    yield;
  }
  conn.send(0, rec(0, CT_ALERT, DTLS12, 1, env.pool.slice(26)));
}

// ---------------------------------------------------------------- tiny RPC records

/** NFS3ERR_STALE: the reply is a status and an absent post_op_attr, the smallest NFSv3 reply there is. */
const NFS3ERR_STALE = 70;

/**
 * One NFSv3 connection carrying `records` tiny ONC-RPC messages: pipelined GETATTR calls in bursts of 32, each
 * burst answered by 32 short replies, so records straddle segment boundaries.
 */
export function* tinyRpcFlow(env: Env, conn: TcpConn, records: number): FlowScript {
  const t = conn.truth;
  t.version = 'NFSv3';
  t.programs = ['nfs/3'];
  const pairs = Math.floor(records / 2);
  t.nfsOps = { GETATTR: pairs };
  const cred: AuthSys = { machine: `client${env.rng.int(1000)}`, uid: 0, gid: 0 };
  const fh = env.rng.bytes(32);
  const call = recordMark(rpcCall(0, PROG_NFS, 3, NFS3.GETATTR!.num, cred, (x) => x.opaque(fh)));
  const reply = recordMark(rpcReply(0, (x) => x.u32(NFS3ERR_STALE).bool(false)));
  let xid = env.rng.u32();
  yield* conn.open();
  const BURST = 32;
  for (let done = 0; done < pairs; ) {
    const n = Math.min(BURST, pairs - done);
    const calls = Buffer.allocUnsafe(n * call.length);
    const replies = Buffer.allocUnsafe(n * reply.length);
    for (let i = 0; i < n; i++) {
      call.copy(calls, i * call.length);
      calls.writeUInt32BE((xid + i) >>> 0, i * call.length + 4);
      reply.copy(replies, i * reply.length);
      replies.writeUInt32BE((xid + i) >>> 0, i * reply.length + 4);
    }
    xid = (xid + n) >>> 0;
    done += n;
    t.records += 2 * n;
    yield* conn.send(0, calls);
    yield* conn.send(1, replies);
  }
  yield* conn.close();
}
