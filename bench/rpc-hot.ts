/**
 * The RPC hot path on its own: nanoseconds per record for the record mark plus the call/reply header (xid, message
 * type, program, version, procedure, credential flavor; bodies skipped), through RpcAnalyzer as a TCP flow feeds it.
 * Pipelined NFSv3 GETATTR calls with AUTH_SYS credentials and their 36-byte replies (as the rpc-tiny mix), cut into
 * 1448-byte segments so records cross segment boundaries. No capture file, no decode: the analyzer only.
 *
 * Usage: node dist/bench/rpc-hot.js [RECORDS_PER_DIRECTION] [ROUNDS]   (a bench script: CI never times anything)
 */
import { EvidenceLog } from '../src/classify/analyzer.js';
import { RpcAnalyzer } from '../src/classify/rpc-analyzer.js';
import { PROG_NFS, recordMark, rpcCall, rpcReply } from './rpc-messages.js';

const SEGMENT = 1448;

/** One direction's bytes: `n` record-marked messages made by `make`. */
function stream(n: number, make: (xid: number) => Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < n; i++) parts.push(recordMark(make(i + 1)));
  return Buffer.concat(parts);
}

function main(): void {
  const n = Number(process.argv[2] ?? 200_000);
  const rounds = Number(process.argv[3] ?? 7);
  const cred = { machine: 'client.example', uid: 1000, gid: 1000 };
  const fh = Buffer.alloc(32, 7);
  const calls = stream(n, (xid) => rpcCall(xid, PROG_NFS, 3, 1, cred, (x) => x.opaque(fh)));
  const replies = stream(n, (xid) =>
    rpcReply(xid, (x) => {
      x.u32(0); // NFS3_OK, then a short attribute tail: a 36-byte reply with its header
      x.u32(0).u32(0);
    }),
  );
  const callLen = calls.length / n;
  const replyLen = replies.length / n;
  const times: number[] = [];
  /** Process CPU time (user + system; includes V8's helper threads) per record. */
  const cpu: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const a = new RpcAnalyzer('tcp', new EvidenceLog());
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    // Calls and replies alternate in bursts of about 32 records, as a pipelining client and its server send them.
    let ci = 0;
    let ri = 0;
    let frame = 0;
    while (ci < calls.length || ri < replies.length) {
      for (let k = 0; k < 2 && ci < calls.length; k++, ci += SEGMENT)
        a.onData(0, calls, ci, Math.min(SEGMENT, calls.length - ci), frame++);
      // Replies only to calls already sent (whole calls, in bytes of the reply stream).
      const answered = Math.floor(Math.min(ci, calls.length) / callLen) * replyLen;
      for (let k = 0; k < 2 && ri < answered; k++) {
        const len = Math.min(SEGMENT, answered - ri);
        a.onData(1, replies, ri, len, frame++);
        ri += len;
      }
    }
    const ns = Number(process.hrtime.bigint() - t0);
    const c = process.cpuUsage(c0);
    const s = a.summary();
    if (s.calls !== n || s.replies !== n || s.malformed !== 0 || (s.unmatchedReplies ?? 0) !== 0)
      throw new Error(`analyzer miscounted: ${JSON.stringify(s)}`);
    times.push(ns / (2 * n));
    cpu.push(((c.user + c.system) * 1000) / (2 * n));
  }
  const line = (what: string, all: number[]): string => {
    const v = all.slice(1).sort((x, y) => x - y); // the first round warms the JIT
    const f = (x: number): string => x.toFixed(1);
    return `${what} median ${f(v[Math.floor(v.length / 2)]!)}, min ${f(v[0]!)}, max ${f(v[v.length - 1]!)} ns/record`;
  };
  console.log(`rpc hot path: ${2 * n} records (${n} calls, ${n} replies), ${rounds - 1} rounds after one warm-up`);
  console.log(line('wall', times));
  console.log(line('cpu ', cpu));
}

main();
