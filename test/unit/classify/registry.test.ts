/**
 * The analyzer registry (issue 10): a test-only protocol registered from this test gets its flow's bytes through the
 * normal pipeline (capture reader, decode, flow table, classifier) and its facts become the flow's class, verdict
 * and anomalies, which the policy judges into findings and an exit code like any built-in protocol's.
 *
 * The toy protocol "WX": records of 'W' 'X', a flags byte (bit 0: plaintext body), a 16-bit length and the body.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FrameBuilder, type Host, TCP_ACK, TCP_PSH, TCP_SYN } from '../../../bench/frames.js';
import type { Dir, EvidenceLog } from '../../../src/classify/analyzer.js';
import { BUILTIN_ANALYZERS, builtinRegistry } from '../../../src/classify/builtin-analyzers.js';
import type { AnomalyFact, FlowReason } from '../../../src/classify/facts.js';
import { FlowClassifier } from '../../../src/classify/flow-classifier.js';
import {
  type AnalyzerEntry,
  AnalyzerRegistry,
  type FlowContext,
  type FlowVerdict,
  type ProtocolAnalyzer,
} from '../../../src/classify/registry.js';
import { analyzeCaptureFile } from '../../../src/engine/analyze.js';
import { DEFAULT_PORT_SPEC, PortSet } from '../../../src/flow/ports.js';
import { judgeRun } from '../../../src/verify/policy.js';
import { pcapFile } from '../../adversarial/builders/pcap.js';

/** Reads WX record headers across segments; notes the first record flagged plaintext. */
class WxAnalyzer implements ProtocolAnalyzer {
  readonly records: [number, number] = [0, 0];
  private readonly need: [number, number] = [0, 0];
  private readonly head: [number[], number[]] = [[], []];
  plain: { frame: number; dir: Dir } | null = null;
  broken = false;
  clientDir: Dir | null = null;

  constructor(private readonly evidence: EvidenceLog) {}

  get finished(): boolean {
    return false;
  }

  onData(dir: Dir, data: Uint8Array, offset: number, length: number, frame: number): void {
    let pos = offset;
    const end = offset + length;
    while (pos < end && !this.broken) {
      if (this.need[dir] > 0) {
        const k = Math.min(this.need[dir], end - pos);
        this.need[dir] -= k;
        pos += k;
        continue;
      }
      const h = this.head[dir];
      h.push(data[pos++]!);
      if (h.length < 5) continue;
      if (h[0] !== 0x57 || h[1] !== 0x58) {
        this.broken = true;
        return;
      }
      this.records[dir]++;
      if ((h[2]! & 1) !== 0 && this.plain === null) {
        this.plain = { frame, dir };
        this.evidence.add(frame, dir, { kind: 'text', what: 'WX record flagged plaintext' });
      }
      this.need[dir] = (h[3]! << 8) | h[4]!;
      h.length = 0;
    }
  }

  onGap(): void {
    this.broken = true;
  }
  onFin(): void {}
  onDatagram(): void {}

  verdict(ctx: FlowContext): FlowVerdict {
    if (this.plain !== null) {
      const p = this.plain;
      const dir = (p.dir === 0) !== (ctx.dirFlipped === true) ? 'to-server' : 'to-client';
      const detail = { kind: 'text', what: 'WX record with a plaintext body' } as const;
      const a: AnomalyFact = { code: 'PLAINTEXT-IN-RECORDS', frame: p.frame, dir, detail };
      return { class: 'opaque', verdict: 'cleartext', why: { kind: 'anomaly', ...a }, anomalies: [a] };
    }
    // Records both ways, but nothing says what protects them: never proof.
    const why: FlowReason = this.broken
      ? { kind: 'not-record-stream', protocol: 'WX' }
      : { kind: 'cipher-unknown', protocol: 'WX', clientHelloOnly: false };
    return { class: 'opaque', verdict: 'unknown', why };
  }
}

const WX_ENTRY: AnalyzerEntry = {
  name: 'wx',
  transports: ['tcp'],
  probe: (_t, d, off, len) => len >= 5 && d[off] === 0x57 && d[off + 1] === 0x58,
  create: (_t, evidence) => new WxAnalyzer(evidence),
};

function wx(flags: number, body: number): Buffer {
  return Buffer.concat([Buffer.from([0x57, 0x58, flags, body >> 8, body & 0xff]), Buffer.alloc(body, 0x33)]);
}

const CLIENT: Host = { ip: Buffer.from([10, 0, 0, 1]), mac: Buffer.from([2, 0, 0, 0, 0, 1]) };
const SERVER: Host = { ip: Buffer.from([10, 0, 0, 2]), mac: Buffer.from([2, 0, 0, 0, 0, 2]) };

/** A TCP connection to port 2049: handshake, then the given segments (true: client to server). */
function capture(segments: [boolean, Buffer][]): Buffer {
  const fb = new FrameBuilder();
  const frames: { data: Buffer }[] = [];
  const seq = [1000, 5000];
  const push = (toServer: boolean, flags: number, payload: Buffer | null) => {
    const [src, dst, sp, dp] = toServer ? [CLIENT, SERVER, 40000, 2049] : [SERVER, CLIENT, 2049, 40000];
    const i = toServer ? 0 : 1;
    const n = fb.tcp(src, dst, sp, dp, seq[i]!, seq[1 - i]!, flags, payload, 0, payload?.length ?? 0, 1460);
    frames.push({ data: Buffer.from(fb.buf.subarray(0, n)) });
    seq[i]! += (payload?.length ?? 0) + (flags & TCP_SYN ? 1 : 0);
  };
  push(true, TCP_SYN, null);
  push(false, TCP_SYN | TCP_ACK, null);
  push(true, TCP_ACK, null);
  for (const [toServer, payload] of segments) push(toServer, TCP_PSH | TCP_ACK, payload);
  return pcapFile(frames);
}

const dir = mkdtempSync(join(tmpdir(), 'wireseal-registry-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function analyze(name: string, segments: [boolean, Buffer][], registry: AnalyzerRegistry) {
  const path = join(dir, name);
  writeFileSync(path, capture(segments));
  const r = await analyzeCaptureFile(path, { ports: new PortSet(DEFAULT_PORT_SPEC), analyzers: registry });
  const j = judgeRun(
    { captures: [r.capture], flows: r.flows, inputDamaged: false },
    { minGrade: 'strong', minTls: '1.2' },
  );
  const f = r.flows[0]!;
  return {
    class: f.class,
    verdict: f.verdict,
    reason: f.verdictReason,
    anomalies: (f.anomalies ?? []).map((a) => [a.code, a.frame, a.dir]),
    findings: j.findings.map((x) => x.code),
    exit: j.exitCode,
  };
}

describe('analyzer registry', () => {
  const withWx = builtinRegistry().register(WX_ENTRY);
  const records: [boolean, Buffer][] = [
    [true, wx(0, 40)],
    [false, Buffer.concat([wx(0, 10), wx(0, 300)])],
    [true, wx(0, 7)],
  ];

  it('a test-only analyzer registered from the test reads its flow through the whole pipeline', async () => {
    expect(await analyze('wx.pcap', records, withWx)).toEqual({
      class: 'opaque',
      verdict: 'unknown',
      reason: 'WX records, but handshake not captured: cipher unknown',
      anomalies: [],
      findings: ['UNVERIFIED-FLOW'],
      exit: 4,
    });
  });

  it('its facts become findings and the exit code: a plaintext WX record is PLAINTEXT-IN-RECORDS (exit 1)', async () => {
    const bad: [boolean, Buffer][] = [...records, [false, wx(1, 20)]];
    expect(await analyze('wx-plain.pcap', bad, withWx)).toEqual({
      class: 'opaque',
      verdict: 'cleartext',
      reason: 'WX record with a plaintext body',
      anomalies: [['PLAINTEXT-IN-RECORDS', 7, 'to-client']],
      findings: ['PLAINTEXT-IN-RECORDS'],
      exit: 1,
    });
  });

  it('without the entry the same bytes are opaque: the registry alone decides who reads a flow', async () => {
    const r = await analyze('wx-builtin.pcap', records, builtinRegistry());
    expect([r.class, r.verdict, r.reason]).toEqual(['opaque', 'unknown', 'payload not recognised']);
  });

  it('entries are probed in order; names are unique', () => {
    expect(BUILTIN_ANALYZERS.map((e) => e.name)).toEqual(['rpc', 'tls', 'dtls']);
    expect(withWx.entries.map((e) => e.name)).toEqual(['rpc', 'tls', 'dtls', 'wx']);
    expect(() => new AnalyzerRegistry([WX_ENTRY, WX_ENTRY])).toThrow('analyzer wx is already registered');
    const first = new AnalyzerRegistry(BUILTIN_ANALYZERS).register({ ...WX_ENTRY, probe: () => true }, 'first');
    const c = new FlowClassifier('tcp', true, first);
    const b = Uint8Array.from(wx(0, 3));
    c.tcpData(0, b, 0, b.length, 1);
    expect(c.detected).toBe('wx');
  });
});
