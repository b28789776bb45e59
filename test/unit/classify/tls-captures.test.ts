/**
 * Real-capture checks: payload fixtures extracted with tshark (test/fixtures/tls/make-fixtures.py) from the public and
 * lab captures, fed to the analyzers, compared with GROUND_TRUTH.tsv / EXPECTED.tsv. tshark is not needed here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EvidenceLog } from '../../../src/classify/analyzer.js';
import { DtlsAnalyzer } from '../../../src/classify/dtls-analyzer.js';
import { TlsAnalyzer } from '../../../src/classify/tls-analyzer.js';
import type { TlsSummary } from '../../../src/report/schema.js';

interface Expect {
  version: string;
  cipherSuiteId?: number;
  handshake?: string;
  sni?: string;
  alpn?: string;
  recordVersion?: string;
  offeredVersions?: string[];
  applicationData?: number;
  helloVerifyRequest?: boolean;
}
interface Conversation {
  l4: 'tcp' | 'udp';
  stream: number;
  client: string;
  server: string;
  full: boolean;
  expect: Expect;
  events: [0 | 1, number, string | number][];
}
interface Fixture {
  capture: string;
  conversations: Conversation[];
}

const DIR = 'test/fixtures/tls';
const fixtures: Fixture[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(DIR, f), 'utf8')) as Fixture);

function run(c: Conversation): TlsSummary {
  if (c.l4 === 'udp') {
    const a = new DtlsAnalyzer(new EvidenceLog());
    for (const [dir, frame, b64] of c.events) {
      const b = Buffer.from(b64 as string, 'base64');
      a.onDatagram(dir, b, 0, b.length, frame);
    }
    return a.summary();
  }
  const a = new TlsAnalyzer(new EvidenceLog());
  for (const [dir, frame, ev] of c.events) {
    if (typeof ev === 'number') a.onGap(dir, ev, frame);
    else {
      const b = Buffer.from(ev, 'base64');
      a.onData(dir, b, 0, b.length, frame);
    }
  }
  return a.summary();
}

/** The fields of a summary that the expectation names. */
function observed(s: TlsSummary, e: Expect): Expect {
  const o: Expect = { version: s.version };
  if (e.cipherSuiteId !== undefined) o.cipherSuiteId = s.cipherSuiteId ?? -1;
  if (e.handshake !== undefined) o.handshake = s.handshake;
  if (e.sni !== undefined && s.sni !== undefined) o.sni = s.sni;
  // Ground truth names one ALPN value (tshark shows the server's choice in TLS <= 1.2); we report the offered list.
  if (e.alpn !== undefined) o.alpn = s.alpn?.includes(e.alpn) ? e.alpn : JSON.stringify(s.alpn);
  if (e.recordVersion !== undefined && s.recordVersion !== undefined) o.recordVersion = s.recordVersion;
  if (e.offeredVersions !== undefined && s.offeredVersions !== undefined) o.offeredVersions = s.offeredVersions;
  if (e.applicationData !== undefined) o.applicationData = s.records.applicationData;
  if (e.helloVerifyRequest !== undefined) o.helloVerifyRequest = s.helloVerifyRequest === true;
  return o;
}

describe('TLS/DTLS analyzers on real captures', () => {
  const results: { id: string; ok: boolean; got: Expect; want: Expect }[] = [];
  for (const f of fixtures) {
    for (const c of f.conversations) {
      const s = run(c);
      const got = observed(s, c.expect);
      results.push({
        id: `${f.capture}#${c.l4}.${c.stream}`,
        ok: JSON.stringify(got) === JSON.stringify(c.expect),
        got,
        want: c.expect,
      });
    }
  }

  it('has fixtures for the public and lab TLS/DTLS conversations', () => {
    expect(results.length).toBe(434); // 403 public (GROUND_TRUTH.tsv) + 31 lab (EXPECTED.tsv)
  });

  it('matches the ground truth on every conversation', () => {
    const bad = results.filter((r) => !r.ok);
    const rate = `${results.length - bad.length}/${results.length}`;
    if (process.env.TLS_DIFF)
      for (const b of bad) console.log(`MISMATCH ${b.id} got=${JSON.stringify(b.got)} want=${JSON.stringify(b.want)}`);
    expect({ rate, mismatches: bad.map((b) => ({ id: b.id, got: b.got, want: b.want })) }).toEqual({
      rate: `${results.length}/${results.length}`,
      mismatches: [],
    });
  });
});
