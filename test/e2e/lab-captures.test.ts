/**
 * The recorded lab captures (captures/lab, made by ../shared/lab/make-captures.sh through real ganesha, libnfs and
 * stunnel): every flow gets the class, version, cipher id, RPC programs and NFS operations of EXPECTED.tsv, and
 * verify-encryption's exit code says what the captures hold.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeCaptureFile } from '../../src/engine/analyze.js';
import { PortSet } from '../../src/flow/ports.js';
import { buildDocument } from '../../src/report/document.js';
import type { FlowResult } from '../../src/report/schema.js';
import type { FlowPolicy } from '../../src/verify/flow-policy.js';
import { judgeRun } from '../../src/verify/policy.js';
import { compareFlowsToExpected, parseExpectedTsv } from '../helpers/lab-expected.js';

const ports = new PortSet('2049,111,20048,988,20049-21049');
const rows = parseExpectedTsv(readFileSync('captures/lab/EXPECTED.tsv', 'utf8'));
const files = readdirSync('captures/lab').filter((f) => /\.pcap(ng)?$/.test(f));
const policy = { minGrade: 'strong', minTls: '1.2' } as const;

function judge(flows: FlowResult[], p: FlowPolicy = policy) {
  return judgeRun({ captures: [], flows, inputDamaged: false }, p);
}

async function analyze(file: string): Promise<FlowResult[]> {
  return (await analyzeCaptureFile(`captures/lab/${file}`, { ports })).flows;
}

describe('lab captures match EXPECTED.tsv', () => {
  it('covers every lab capture', () => {
    expect(new Set(rows.map((r) => r.file))).toEqual(new Set(files));
  });
  for (const file of files) {
    it(file, async () => {
      const flows = await analyze(file);
      const doc = buildDocument({ command: 'test', captures: [], flows, findings: [], warnings: [], exitCode: 0 });
      const mine = rows.filter((r) => r.file === file);
      expect(compareFlowsToExpected(mine, doc)).toEqual([]);
    });
  }
});

describe('lab verdicts', () => {
  it('cleartext NFSv4 is a finding (exit 1)', async () => {
    const flows = await analyze('nfs4-cleartext.pcap');
    expect(flows.map((f) => [f.class, f.verdict, f.rpc?.nfsVersion])).toEqual(
      Array(4).fill(['nfs-cleartext', 'cleartext', 'NFSv4']),
    );
    const { findings, exitCode } = judge(flows);
    // One finding per server and problem, naming all four flows and what they exposed.
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ code: 'CLEARTEXT-NFS', severity: 'high' });
    expect(findings[0]!.flows).toEqual([0, 1, 2, 3].map((i) => `captures/lab/nfs4-cleartext.pcap#tcp.${i}`));
    expect(findings[0]!.message).toMatch(
      /^NFSv4 in the clear on the wire, tcp to 198\.51\.100\.20:2049 from 198\.51\.100\.10 \(4 flows\): \d+ payload bytes between 2026-11-24T00:23:45\.015161000Z and 2026-11-24T00:23:45\.\d+Z, file data or names readable \(PUTFHx\d+, /,
    );
    expect(exitCode).toBe(1);
  });
  it('stunnel TLS 1.3 AES-256-GCM is encrypted and clean (exit 0)', async () => {
    const flows = await analyze('nfs4-stunnel-tls13-aes256gcm.pcapng');
    for (const f of flows) {
      expect(f.class).toBe('tls');
      expect(f.verdict).toBe('encrypted');
      expect(f.tls).toMatchObject({
        version: 'TLS 1.3',
        cipherSuiteId: 0x1302,
        cipherSuite: 'TLS_AES_256_GCM_SHA384',
        grade: 'strong',
        sni: '198.51.100.21',
      });
    }
    expect(judge(flows)).toMatchObject({ exitCode: 0, outcome: 'verified', findings: [] });
  });
  it('TLS 1.0 and RSA-CBC tunnels are encrypted-weak findings', async () => {
    for (const [file, id, grade] of [
      ['nfs4-stunnel-tls10-legacy.pcap', 0xc014, 'insecure'],
      ['nfs4-stunnel-tls12-rsa-aes128-cbc.pcap', 0x002f, 'weak'],
    ] as const) {
      const flows = await analyze(file);
      for (const f of flows) {
        expect([f.verdict, f.tls?.cipherSuiteId, f.tls?.grade]).toEqual(['encrypted-weak', id, grade]);
      }
      const { findings, exitCode } = judge(flows);
      expect(findings.map((x) => [x.code, x.severity, x.flows?.length])).toEqual([
        ['WEAK-CIPHER', grade === 'insecure' ? 'high' : 'medium', 4],
      ]);
      expect(exitCode).toBe(1);
    }
  });
  it('TLS 1.2 is below --min-tls 1.3', async () => {
    const flows = await analyze('nfs4-stunnel-tls12-aes256gcm.pcap');
    expect(judge(flows)).toMatchObject({ exitCode: 0, outcome: 'verified', findings: [] });
    expect(judge(flows, { minGrade: 'strong', minTls: '1.3' }).exitCode).toBe(1);
  });
  it('RPC-with-TLS: AUTH_TLS probe, STARTTLS, then TLS 1.3 with ALPN sunrpc', async () => {
    const flows = await analyze('rpc-with-tls-emulated.pcapng');
    for (const f of flows) {
      expect(f.class).toBe('rpc-with-tls');
      expect(f.verdict).toBe('encrypted');
      expect(f.rpc).toMatchObject({ authTlsProbe: true, startTls: true, programs: ['nfs/4'] });
      expect(f.tls).toMatchObject({ version: 'TLS 1.3', cipherSuiteId: 0x1302, alpn: ['sunrpc'] });
    }
  });
  it('the loopback leg into a tunnel port is tunnel-local, not a finding', async () => {
    const flows = await analyze('loopback-20049-cleartext.pcap');
    expect(flows.map((f) => [f.class, f.loopback, f.server.port])).toEqual(
      Array(4).fill(['tunnel-local', true, 20049]),
    );
    // Not on the wire: nothing judged, so no finding and no proof either (exit 4).
    expect(judge(flows)).toMatchObject({ findings: [], exitCode: 4, outcome: 'inconclusive' });
  });
  it('a flow whose SYN was not captured still has the NFS server as its server', async () => {
    const flows = await analyze('nfs4-cleartext-any-sll2-nsec.pcap');
    const f = flows.find((x) => x.id === 2)!;
    expect(f.server).toEqual({ ip: '198.51.100.20', port: 2049 });
    expect(f.client).toEqual({ ip: '198.51.100.10', port: 732 });
    expect(f.orientation).not.toBe('syn');
  });
  it('DTLS 1.2 on a non-NFS port is found by content', async () => {
    const flows = await analyze('dtls12-udp4433.pcap');
    expect(flows).toHaveLength(1);
    expect(flows[0]).toMatchObject({ class: 'dtls', verdict: 'encrypted', nfsRelevant: false });
    expect(flows[0]!.dtls).toMatchObject({ version: 'DTLS 1.2', cipherSuiteId: 0xc030, helloVerifyRequest: true });
  });
});
