/**
 * PLAINTEXT-IN-RECORDS on crafted bytes: the statistic and the structure checks fire on RPC, text, zero-filled and
 * skewed bodies, and never on real cipher output (AES-CTR keystream with GCM-style counter nonces in front).
 */
import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TlsFlow } from '../../../src/classify/builtin-analyzers.js';
import { FlowClassifier } from '../../../src/classify/flow-classifier.js';
import { PlaintextSampler, SAMPLE_MAX } from '../../../src/classify/plaintext-sampler.js';
import { TlsAnalyzer } from '../../../src/classify/tls-analyzer.js';
import { flowVerdict } from '../../../src/classify/verdict.js';
import { checkWindow, chiSquareUniform, chiSquareZ } from '../../../src/protocol/byte-randomness.js';
import { anomalyResult } from '../../../src/report/reason-text.js';
import {
  AUTH_NONE_CRED,
  authSys,
  callMsg,
  concat,
  replyMsg,
  record as rpcRecord,
} from '../../adversarial/builders/rpc.js';
import { bytes, clientHelloBody, hsMsg, record, serverHelloBody } from '../../adversarial/builders/tls.js';

/** Deterministic cipher output: AES-128-CTR keystream under a fixed key. */
function keystream(n: number, seed: number): Uint8Array {
  const key = Buffer.alloc(16, seed & 0xff);
  key.writeUInt32BE(seed >>> 0, 0);
  const c = createCipheriv('aes-128-ctr', key, Buffer.alloc(16, 0x42));
  return new Uint8Array(c.update(Buffer.alloc(n)));
}

/** A TLS 1.2 AES-GCM style body: 8-byte explicit nonce (a counter: plaintext by design), then ciphertext. */
function gcmBody(counter: number, ct: Uint8Array): Uint8Array {
  const b = new Uint8Array(8 + ct.length);
  new DataView(b.buffer).setUint32(4, counter);
  b.set(ct, 8);
  return b;
}

function feedRecord(s: PlaintextSampler, dir: 0 | 1, body: Uint8Array, frame: number, cuts: number[] = []): void {
  s.begin(dir);
  let prev = 0;
  for (const c of [...cuts, body.length]) {
    s.body(dir, body, prev, c - prev);
    prev = c;
  }
  s.end(dir, frame);
}

const ascii = (n: number): Uint8Array =>
  Uint8Array.from(
    Buffer.from('GET /export/home/alice/secret.txt HTTP/1.1\r\nHost: files\r\n'.repeat(8)).subarray(0, n),
  );

describe('byte-randomness', () => {
  it('chi-square of a flat histogram is 0; of one value it is 255 * n', () => {
    const flat = new Array(256).fill(4);
    expect(chiSquareUniform(flat, 1024)).toBe(0);
    const one = new Array(256).fill(0);
    one[0] = 1024;
    expect(chiSquareUniform(one, 1024)).toBe(255 * 1024);
    expect(chiSquareZ(255 * 1024)).toBeGreaterThan(100);
  });
  it('cipher output scores near 0 (|z| < 5 over 200 samples of 4096 bytes)', () => {
    let worst = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const ks = keystream(4096, seed);
      const h = new Array(256).fill(0);
      for (const b of ks) h[b]++;
      worst = Math.max(worst, Math.abs(chiSquareZ(chiSquareUniform(h, 4096))));
    }
    expect(worst).toBeLessThan(5);
  });
  it('window checks: zeros, text, and nothing on cipher output or short windows', () => {
    expect(checkWindow(new Uint8Array(32), 0, 32)).toBe('zeros');
    expect(checkWindow(ascii(32), 0, 32)).toBe('ascii');
    expect(checkWindow(ascii(31), 0, 31)).toBeNull(); // text needs the full window
    expect(checkWindow(new Uint8Array(15), 0, 15)).toBeNull();
    for (let seed = 1; seed <= 2000; seed++) expect(checkWindow(keystream(32, seed), 0, 32)).toBeNull();
  });
});

describe('PlaintextSampler', () => {
  // 40,000 records of AES-CTR keystream: seconds on a loaded 2-CPU machine.
  it('never fires on AES-CTR bodies behind counter nonces (500 flows, 40 records each way, sizes 1-1400)', {
    timeout: 60_000,
  }, () => {
    let hits = 0;
    let sampled = 0;
    for (let flow = 0; flow < 500; flow++) {
      const s = new PlaintextSampler();
      for (let r = 0; r < 40; r++) {
        for (const dir of [0, 1] as const) {
          const len = 1 + ((flow * 7919 + r * 104729 + dir * 31) % 1400);
          feedRecord(s, dir, gcmBody(r + 1, keystream(len, flow * 1000 + r * 2 + dir)), r, [3, Math.min(len, 20)]);
        }
      }
      if (s.result() !== null) hits++;
      sampled += s.bytesSampled;
    }
    expect(hits).toBe(0);
    expect(sampled).toBeGreaterThan(500 * 2 * 2000);
  });

  it('an RPC call with its record mark, at body offset 0 (no nonce)', () => {
    const s = new PlaintextSampler();
    const call = rpcRecord(callMsg(7, 100003, 3, 7, authSys('client'), new Uint8Array(64)));
    feedRecord(s, 0, call, 5, [10]);
    expect(s.result()).toEqual({ kind: 'rpc', dir: 0, frame: 5 });
  });

  it('an RPC reply without record mark behind an 8-byte nonce (DTLS-style)', () => {
    const s = new PlaintextSampler();
    feedRecord(s, 1, gcmBody(1, concat(replyMsg(9), new Uint8Array(40).fill(0x11))), 6);
    expect(s.result()).toEqual({ kind: 'rpc', dir: 1, frame: 6 });
  });

  it('zero-filled and text bodies', () => {
    const z = new PlaintextSampler();
    feedRecord(z, 0, new Uint8Array(200), 3);
    expect(z.result()?.kind).toBe('zeros');
    const t = new PlaintextSampler();
    feedRecord(t, 1, ascii(300), 4);
    expect(t.result()?.kind).toBe('ascii');
  });

  it('skewed bytes with no zeros and no text are caught by the histogram (640 bytes, judged at the end)', () => {
    const s2 = new PlaintextSampler();
    for (let r = 0; r < 10; r++) {
      const ks = keystream(72, r + 99);
      for (let i = 0; i < ks.length; i++) ks[i] = 0x80 | (ks[i]! & 0x3f);
      feedRecord(s2, 0, ks, r);
    }
    const hit = s2.result();
    expect(hit?.kind).toBe('skewed');
    expect(hit?.z).toBeGreaterThan(8);
  });

  it('the sample is bounded: 64 bytes a record, SAMPLE_MAX a direction, then settled', () => {
    const s = new PlaintextSampler();
    for (let r = 0; r < 200; r++) feedRecord(s, 0, gcmBody(r, keystream(1000, r)), r);
    expect(s.bytesSampled).toBe(SAMPLE_MAX);
    expect(s.settled).toBe(false); // the other direction has no sample yet
    for (let r = 0; r < 200; r++) feedRecord(s, 1, gcmBody(r, keystream(1000, r + 500)), r);
    expect(s.settled).toBe(true);
    expect(s.result()).toBeNull();
  });

  it('a gap inside the first bytes of a body skips its structure checks', () => {
    const s = new PlaintextSampler();
    s.begin(0);
    s.skip(0, 4);
    const call = callMsg(7, 100003, 3, 7, AUTH_NONE_CRED);
    s.body(0, call, 0, call.length);
    s.end(0, 1);
    expect(s.result()).toBeNull();
  });
});

describe('PLAINTEXT-IN-RECORDS through the TLS analyzer and the verdict', () => {
  const CH = record(22, hsMsg(1, clientHelloBody({ versions: [0x0303] })), 0x0301);
  const SH = record(22, hsMsg(2, serverHelloBody({ selected: 0x0303, suite: 0xc030 })));
  const CCS = record(20, [1]);
  const FIN = record(22, [...gcmBody(0, keystream(32, 5))]);
  const ctx = { loopback: false, tunnelPort: false, onServicePort: true, payloadBytes: 1000 };

  function session(toServer: Uint8Array[], toClient: Uint8Array[]): FlowClassifier {
    const c = new FlowClassifier('tcp', true);
    const up = bytes(CH, CCS, FIN, ...toServer.map((b) => record(23, [...b])));
    const down = bytes(SH, CCS, FIN, ...toClient.map((b) => record(23, [...b])));
    c.tcpData(0, up, 0, up.length, 1);
    c.tcpData(1, down, 0, down.length, 2);
    return c;
  }

  it('ciphertext bodies: encrypted, no anomaly (legitimate twin)', () => {
    const c = session([gcmBody(1, keystream(300, 1))], [gcmBody(1, keystream(300, 2))]);
    const v = flowVerdict(c, ctx);
    expect([v.class, v.verdict, v.anomalies]).toEqual(['tls', 'encrypted', undefined]);
    expect(c.analyzer).toBeInstanceOf(TlsFlow);
    expect((c.analyzer as TlsFlow).tls).toBeInstanceOf(TlsAnalyzer);
  });

  it('plain RPC in application-data records: cleartext with PLAINTEXT-IN-RECORDS at the record frame', () => {
    const call = rpcRecord(callMsg(7, 100003, 4, 1, authSys('client'), new Uint8Array(32)));
    const c = session([call], [gcmBody(1, keystream(300, 2))]);
    const v = flowVerdict(c, ctx);
    expect([v.class, v.verdict]).toEqual(['tls', 'cleartext']);
    expect(v.anomalies).toEqual([
      {
        code: 'PLAINTEXT-IN-RECORDS',
        frame: 1,
        dir: 'to-server',
        detail: { kind: 'plaintext-in-records', body: 'rpc' },
      },
    ]);
    expect(v.anomalies?.map(anomalyResult)).toEqual([
      {
        code: 'PLAINTEXT-IN-RECORDS',
        frame: 1,
        dir: 'to-server',
        what: 'application-data record body is an ONC-RPC message: not ciphertext',
      },
    ]);
  });
});
