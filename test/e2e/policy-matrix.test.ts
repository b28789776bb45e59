/**
 * The policy test matrix (issue 16 acceptance): each policy-file key changes the verdict or exit code it should, and
 * the rest of the JSON document is unchanged — a whole-document diff against the same run without the policy file
 * must show exactly the listed paths (generatedAt aside).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ResultDocument } from '../../src/report/schema.js';
import { diffPaths } from '../helpers/diff.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'wireseal-policy-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function run(args: string[]): { code: number | null; doc: ResultDocument; stdout: string; stderr: string } {
  const r = spawnSync('node', ['bin/wireseal.js', 'verify-encryption', ...args], { encoding: 'utf8', timeout: 60_000 });
  const i = args.indexOf('--format');
  const doc = (i >= 0 && args[i + 1] === 'json' && r.stdout !== '' ? JSON.parse(r.stdout) : {}) as ResultDocument;
  return { code: r.status, doc, stdout: r.stdout, stderr: r.stderr };
}

function json(args: string[]) {
  return run([...args, '--format', 'json']);
}

function policyFile(name: string, yaml: string): string {
  const file = path.join(tmp, `${name}.yaml`);
  writeFileSync(file, `version: 1\n${yaml}`);
  return file;
}

const TLS12 = 'captures/lab/nfs4-stunnel-tls12-aes256gcm.pcap';
const TLS13 = 'captures/lab/nfs4-stunnel-tls13-aes256gcm.pcapng';
const CBC = 'captures/lab/nfs4-stunnel-tls12-rsa-aes128-cbc.pcap';
const CLEAR = 'captures/lab/nfs4-cleartext.pcap';
const NO_NFS = 'captures/lab/dtls12-udp4433.pcap';
const VERIFY0 = ['--host-root', 'test/fixtures/host/efs-stunnel-verify0'];

interface Row {
  key: string;
  yaml: string;
  args: string[];
  exit: [number, number];
  outcome: [string, string];
  /** Paths allowed to differ besides policy.file and generatedAt. */
  changed: string[];
  codes: string[];
}

const FINDINGS_CHANGED = ['findings', 'summary.findings', 'summary.exitCode', 'summary.outcome'];

const ROWS: Row[] = [
  {
    key: 'tls.minVersion',
    yaml: 'tls:\n  minVersion: "1.3"\n',
    args: [TLS12],
    exit: [0, 1],
    outcome: ['verified', 'findings'],
    changed: ['policy.minTls', ...FINDINGS_CHANGED, 'summary.wire.verified', 'summary.wire.violating'],
    codes: ['WEAK-CIPHER'],
  },
  {
    key: 'tls.minGrade',
    yaml: 'tls:\n  minGrade: weak\n',
    args: [CBC],
    exit: [1, 0],
    outcome: ['findings', 'verified'],
    changed: ['policy.minGrade', ...FINDINGS_CHANGED, 'summary.wire.verified', 'summary.wire.violating'],
    codes: [],
  },
  {
    key: 'tls.allowedSuites',
    yaml: 'tls:\n  allowedSuites: [TLS_AES_128_GCM_SHA256]\n',
    args: [TLS13],
    exit: [0, 1],
    outcome: ['verified', 'findings'],
    changed: ['policy.allowedSuites', ...FINDINGS_CHANGED, 'summary.wire.verified', 'summary.wire.violating'],
    codes: ['WEAK-CIPHER'],
  },
  {
    key: 'tls.requireCertificateVerification',
    yaml: 'tls:\n  requireCertificateVerification: false\n',
    args: [TLS13, ...VERIFY0],
    exit: [1, 0],
    outcome: ['findings', 'verified'],
    changed: ['policy.requireCertificateVerification', ...FINDINGS_CHANGED],
    codes: ['ENCRYPTED-BY-CONFIG-ONLY'],
  },
  {
    key: 'mechanisms',
    yaml: 'mechanisms:\n  - server: 198.51.100.21\n    allow: [krb5p, rpc-with-tls]\n',
    args: [TLS13],
    exit: [0, 1],
    outcome: ['verified', 'findings'],
    changed: ['policy.mechanisms', ...FINDINGS_CHANGED],
    codes: ['MECHANISM-NOT-ALLOWED'],
  },
  {
    key: 'exceptions (live)',
    yaml: 'exceptions:\n  - server: 198.51.100.20\n    reason: legacy filer, ticket OPS-1\n    expires: 2999-12-31\n',
    args: [CLEAR],
    exit: [1, 0],
    outcome: ['findings', 'accepted'],
    changed: ['policy.exceptions', 'findings.0.accepted', 'summary.exitCode', 'summary.outcome', 'summary.accepted'],
    codes: ['CLEARTEXT-NFS'],
  },
  {
    key: 'exceptions (expired)',
    yaml: 'exceptions:\n  - server: 198.51.100.21\n    reason: old tunnel\n    expires: 2001-01-01\n',
    args: [TLS13],
    exit: [0, 1],
    outcome: ['verified', 'findings'],
    changed: ['policy.exceptions', ...FINDINGS_CHANGED],
    codes: ['EXCEPTION-EXPIRED'],
  },
  {
    key: 'noNfsSeen: fail',
    yaml: 'noNfsSeen: fail\n',
    args: [NO_NFS],
    exit: [4, 1],
    outcome: ['inconclusive', 'no-nfs-seen'],
    changed: ['policy.noNfsSeen', 'summary.exitCode', 'summary.outcome'],
    codes: [],
  },
  {
    key: 'noNfsSeen: pass',
    yaml: 'noNfsSeen: pass\n',
    args: [NO_NFS],
    exit: [4, 0],
    outcome: ['inconclusive', 'no-nfs-seen'],
    changed: ['policy.noNfsSeen', 'summary.exitCode', 'summary.outcome'],
    codes: [],
  },
  {
    key: 'failOn',
    yaml: 'failOn: critical\n',
    args: [CLEAR],
    exit: [1, 4],
    outcome: ['findings', 'inconclusive'],
    changed: ['policy.failOn', 'summary.exitCode', 'summary.outcome'],
    codes: ['CLEARTEXT-NFS'],
  },
];

describe('policy matrix: one key, one effect, the rest of the document unchanged', () => {
  it.each(ROWS)('$key', (row) => {
    const base = json(row.args);
    const file = policyFile(row.key.replace(/\W+/g, '-'), row.yaml);
    const withPolicy = json([...row.args, '--policy', file]);
    expect([base.code, withPolicy.code]).toEqual(row.exit);
    expect([base.doc.summary.outcome, withPolicy.doc.summary.outcome]).toEqual(row.outcome);
    expect(withPolicy.doc.findings.map((f) => f.code)).toEqual(row.codes);
    const paths = diffPaths(base.doc, withPolicy.doc).filter((p) => p !== 'generatedAt' && p !== 'policy.file');
    // Findings compared as a whole when their number changes, field by field otherwise.
    expect(paths.sort()).toEqual([...new Set(row.changed)].sort());
    expect(withPolicy.doc.policy?.file).toBe(file);
  });

  it('flags override the file: --min-tls 1.2 wins over minVersion "1.3"', () => {
    const file = policyFile('override', 'tls:\n  minVersion: "1.3"\n');
    expect(json([TLS12, '--policy', file]).code).toBe(1);
    const r = json([TLS12, '--policy', file, '--min-tls', '1.2']);
    expect(r.code).toBe(0);
    expect(r.doc.policy?.minTls).toBe('1.2');
  });

  it('junit.inconclusive: skip makes the inconclusive verdict case skipped; the JSON is unchanged but for policy.file', () => {
    const file = policyFile('junit-skip', 'junit:\n  inconclusive: skip\n');
    const fail = run([NO_NFS, '--format', 'junit']);
    const skip = run([NO_NFS, '--format', 'junit', '--policy', file]);
    expect([fail.code, skip.code]).toEqual([4, 4]);
    expect(fail.stdout).toContain('<testsuite name="verdict" tests="1" failures="1" errors="0" skipped="0">');
    expect(skip.stdout).toContain('<testsuite name="verdict" tests="1" failures="0" errors="0" skipped="1">');
    const a = json([NO_NFS]);
    const b = json([NO_NFS, '--policy', file]);
    expect(diffPaths(a.doc, b.doc).filter((p) => p !== 'generatedAt')).toEqual(['policy.file']);
  });

  it.each([
    ['tls:\n  minVersion: "1.4"\n', ':3:15: tls.minVersion: must be one of 1.2, 1.3'],
    ['tls:\n  minVersio: "1.2"\n', ':3:3: tls: unknown key "minVersio"'],
    [
      'exceptions:\n  - server: 10.0.0.1\n    reason: because\n    expires: 2027-13-01\n',
      ':5:14: exceptions.0.expires: must be a date YYYY-MM-DD',
    ],
    [
      'exceptions:\n  - reason: no target\n    expires: 2027-01-01\n',
      ':3:5: exceptions.0: give either "server" or "mount" (one of them)',
    ],
    ['noNfsSeen: maybe\n', ':2:12: noNfsSeen: must be one of fail, inconclusive, pass'],
    ['tls: [a\n', ':3:1: '],
  ])('a bad policy file is exit 2 with FILE:LINE:COLUMN (%#)', (yaml, where) => {
    const file = policyFile(`bad-${yaml.length}`, yaml);
    const r = run([TLS13, '--policy', file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.startsWith(`wireseal: policy: ${file}${where}`)).toBe(true);
    expect(r.stderr.split('\n')).toHaveLength(2);
    const check = spawnSync('node', ['bin/wireseal.js', 'policy', 'check', file], { encoding: 'utf8' });
    expect(check.status).toBe(2);
  });

  it('policy init writes a template that policy check accepts and that changes nothing by itself', () => {
    const file = path.join(tmp, 'init.yaml');
    expect(spawnSync('node', ['bin/wireseal.js', 'policy', 'init', file]).status).toBe(0);
    const check = spawnSync('node', ['bin/wireseal.js', 'policy', 'check', file], { encoding: 'utf8' });
    expect(check.status).toBe(0);
    expect(spawnSync('node', ['bin/wireseal.js', 'policy', 'init', file], { encoding: 'utf8' }).status).toBe(2);
    for (const cap of [TLS13, CLEAR, NO_NFS]) {
      const a = json([cap]);
      const b = json([cap, '--policy', file]);
      expect(b.code).toBe(a.code);
      const paths = diffPaths(a.doc, b.doc).filter((p) => p !== 'generatedAt' && p !== 'policy.file');
      expect(paths.sort()).toEqual(['policy.failOn', 'policy.noNfsSeen', 'policy.requireCertificateVerification']);
    }
  });
});
