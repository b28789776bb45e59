/**
 * RFC 9289 rules on the real RPC-with-TLS lab capture (captures/lab/rpc-with-tls-emulated.pcapng, its first
 * connection replayed from the committed fixture): as captured it stays `rpc-with-tls` / `encrypted`; with a cleartext
 * NFS call spliced in before the probe it is CLEARTEXT-BEFORE-STARTTLS; with the client's TLS replaced by RPC in the
 * clear while the server upgrades it is STARTTLS-ONE-SIDED.
 */
import { describe, expect, it } from 'vitest';
import { FlowClassifier } from '../../../src/classify/flow-classifier.js';
import { flowVerdict } from '../../../src/classify/verdict.js';
import { authSys, callMsg, compound, record } from '../../adversarial/builders/rpc.js';
import { loadFixture } from './rpc-replay.js';

const flow = loadFixture('lab/rpc-with-tls-emulated.pcapng').flows[0]!;
const ctx = { loopback: false, tunnelPort: false, onServicePort: true, payloadBytes: 20_000 };
/** An NFSv4 COMPOUND (no ops) with AUTH_SYS, as one TCP record. */
const CLEAR_CALL = record(callMsg(0x99, 100003, 4, 1, authSys('client'), compound(0, [])));

type Edit = (frame: number, dir: 0 | 1, data: Uint8Array) => Uint8Array | null;

/** Replays the flow's in-order payloads; `edit` may replace a segment's bytes (null drops them). */
function replay(edit: Edit = (_f, _d, data) => data) {
  const c = new FlowClassifier('tcp', true);
  const next: [number, number] = [-1, -1];
  for (const [frame, dir, seq, b64] of flow.packets) {
    const data = Buffer.from(b64, 'base64');
    if (next[dir] < 0) next[dir] = seq;
    if (seq + data.length <= next[dir]) continue;
    const off = seq < next[dir] ? next[dir] - seq : 0;
    next[dir] = seq + data.length;
    const out = edit(frame, dir, new Uint8Array(data.subarray(off)));
    if (out !== null) c.tcpData(dir, out, 0, out.length, frame);
  }
  const v = flowVerdict(c, ctx);
  return { class: v.class, verdict: v.verdict, anomalies: (v.anomalies ?? []).map((a) => [a.code, a.frame, a.dir]) };
}

describe('RFC 9289 rules on the real RPC-with-TLS capture', () => {
  it('twin: as captured, rpc-with-tls encrypted with no anomaly', () => {
    expect(replay()).toEqual({ class: 'rpc-with-tls', verdict: 'encrypted', anomalies: [] });
  });

  it('a cleartext COMPOUND spliced in before the AUTH_TLS probe: CLEARTEXT-BEFORE-STARTTLS at its frame', () => {
    const first = flow.packets[0]![0];
    const r = replay((frame, dir, data) => (frame === first && dir === 0 ? Buffer.concat([CLEAR_CALL, data]) : data));
    expect(r).toEqual({
      class: 'rpc-with-tls',
      verdict: 'cleartext',
      anomalies: [['CLEARTEXT-BEFORE-STARTTLS', first, 'to-server']],
    });
  });

  it('the server upgrades while the client keeps writing RPC in the clear: STARTTLS-ONE-SIDED', () => {
    // The client's ClientHello is dropped and its later TLS segments become cleartext calls.
    const [probe, hello] = flow.packets.filter((p) => p[1] === 0).map((p) => p[0]);
    const r = replay((frame, dir, data) => (dir === 1 || frame === probe ? data : frame === hello ? null : CLEAR_CALL));
    expect(r.class).toBe('rpc-with-tls');
    expect(r.verdict).toBe('cleartext');
    expect(r.anomalies.map((a) => a[0])).toEqual(['STARTTLS-ONE-SIDED']);
    expect(r.anomalies[0]![2]).toBe('to-server');
  });
});
