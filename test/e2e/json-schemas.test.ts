/**
 * The published JSON Schemas (schemas/*.schema.json, written from the TypeScript types by scripts/make-schemas.js)
 * are current, and every JSON document wireseal prints validates against them with ajv: clean, cleartext,
 * DTLS, Kerberos, encapsulated, host cross-reference, policy and baseline runs, a missing and a truncated capture,
 * `flows`, `mounts`, `triage`, and each jsonl event. Broken documents are refused, so the check can fail.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';

const tmp = mkdtempSync(path.join(tmpdir(), 'wireseal-jsonschema-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
function load(name: string): ValidateFunction {
  return ajv.compile(JSON.parse(readFileSync(`schemas/${name}.schema.json`, 'utf8')));
}
const result = load('result');
const event = load('event');
const triage = load('triage');

const CLEAN = 'captures/lab/nfs4-stunnel-tls13-aes256gcm.pcapng';
const CLEAR = 'captures/lab/nfs4-cleartext.pcap';
const MISSING = path.join(tmp, 'missing.pcap');
const TRUNCATED = path.join(tmp, 'truncated.pcap');
writeFileSync(TRUNCATED, readFileSync(CLEAR).subarray(0, 3000));
const POLICY = path.join(tmp, 'wireseal.yaml');
writeFileSync(POLICY, 'version: 1\ntls:\n  minVersion: "1.3"\nnoNfsSeen: fail\n');

function run(args: string[]) {
  const r = spawnSync(process.execPath, ['bin/wireseal.js', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
function errors(v: ValidateFunction): string {
  return JSON.stringify(v.errors?.slice(0, 4));
}

describe('published JSON Schemas', () => {
  it('schemas/ is what the TypeScript types give (else: npm run schemas)', () => {
    const r = spawnSync(process.execPath, ['scripts/make-schemas.js', '--check'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  }, 120_000);

  it.each([
    ['clean TLS 1.3', ['verify-encryption', CLEAN], 0],
    ['cleartext', ['verify-encryption', CLEAR], 1],
    ['mixed tunnel and bypass', ['verify-encryption', 'captures/lab/nfs4-mixed-tunnel-and-bypass.pcapng'], 1],
    ['DTLS', ['verify-encryption', 'captures/lab/dtls12-udp2049.pcap'], 0],
    ['Kerberos krb5p', ['verify-encryption', 'captures/lab-krb/nfs4-krb5p.pcap'], 0],
    ['host cross-reference', ['verify-encryption', CLEAR, '--host-root', 'test/fixtures/host/efs-stunnel-verify0'], 1],
    ['policy file', ['verify-encryption', CLEAN, '--policy', POLICY], 0],
    ['missing capture', ['verify-encryption', MISSING], 3],
    ['truncated capture', ['verify-encryption', TRUNCATED], 3],
    ['clean and missing', ['verify-encryption', CLEAN, MISSING], 3],
    ['no NFS at all', ['verify-encryption', 'captures/public/encap/zeek__tunnels__vxlan-encapsulated-http.pcap'], 4],
    ['flows --all', ['flows', CLEAR, '--all'], 0],
    ['mounts', ['mounts', '--host-root', 'test/fixtures/host/aznfs-tls'], 0],
    ['time window', ['verify-encryption', CLEAR, '--since', '1', '--until', '2'], 4],
  ] as const)('%s: the result document validates', (_name, args, code) => {
    const r = run([...args, '--format', 'json']);
    const doc = JSON.parse(r.stdout) as unknown;
    expect(result(doc), errors(result)).toBe(true);
    expect(r.code).toBe(code);
  });

  it('a baseline run (findings new/unchanged, gone findings) validates', () => {
    const base = path.join(tmp, 'baseline.json');
    writeFileSync(base, run(['verify-encryption', CLEAR, '--format', 'json']).stdout);
    const r = run([
      'verify-encryption',
      CLEAR,
      'captures/lab/nfs3-cleartext.pcap',
      '--baseline',
      base,
      '--format',
      'json',
    ]);
    const doc = JSON.parse(r.stdout) as { findings: { baseline?: string }[] };
    expect(result(doc), errors(result)).toBe(true);
    expect(new Set(doc.findings.map((f) => f.baseline))).toEqual(new Set(['new', 'unchanged']));
  });

  it('every jsonl event validates, missing and truncated captures included', () => {
    const r = run(['verify-encryption', CLEAN, CLEAR, TRUNCATED, MISSING, '--format', 'jsonl']);
    const lines = r.stdout.trim().split('\n');
    const kinds = new Set<string>();
    for (const line of lines) {
      const e = JSON.parse(line) as { event: string };
      kinds.add(e.event);
      expect(event(e), `${e.event}: ${errors(event)}`).toBe(true);
    }
    expect([...kinds].sort()).toEqual(['capture', 'finding', 'flow', 'run', 'summary']);
    expect(r.code).toBe(3);
  });

  it('the triage document validates', () => {
    const r = run(['triage', 'captures/lab/nfs4-mixed-tunnel-and-bypass.pcapng', '--format', 'json']);
    expect(triage(JSON.parse(r.stdout)), errors(triage)).toBe(true);
  });

  it('documents that break the schema are refused', () => {
    const good = JSON.parse(run(['verify-encryption', CLEAR, '--format', 'json']).stdout) as Record<string, unknown>;
    expect(result(good)).toBe(true);
    const flows = good.flows as Record<string, unknown>[];
    const cases: [string, (d: Record<string, unknown>, f: Record<string, unknown>) => void][] = [
      ['unknown verdict', (_d, f) => (f.verdict = 'probably-fine')],
      ['extra property', (_d, f) => (f.payload = 'AAAA')],
      ['missing summary', (d) => delete d.summary],
      ['other schema version', (d) => (d.schemaVersion = '1.0')],
      ['counter as text', (_d, f) => (f.firstFrame = '1')],
    ];
    for (const [name, mutate] of cases) {
      const d = structuredClone(good);
      mutate(d, (d.flows as Record<string, unknown>[])[0]!);
      expect(result(d), name).toBe(false);
    }
    expect(flows.length).toBeGreaterThan(0);
  });
});
