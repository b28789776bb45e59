/**
 * Reports over the real CLI: every format on a clean, a cleartext, a missing and a truncated capture. JUnit is
 * validated with xmllint against the Jenkins xUnit plugin's junit-10.xsd (test/schemas/README.md names its source);
 * a missing or damaged capture is an <error> case, never an empty green report. Terminal output: ASCII off a
 * terminal, fitted to COLUMNS, no control character from a hostile mount point; usage errors exit 2.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const tmp = mkdtempSync(path.join(tmpdir(), 'wireseal-reports-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const CLEAN = 'captures/lab/nfs4-stunnel-tls13-aes256gcm.pcapng';
const CLEARTEXT = 'captures/lab/nfs4-cleartext.pcap';
const MISSING = path.join(tmp, 'missing.pcap');
const TRUNCATED = path.join(tmp, 'truncated.pcap');
writeFileSync(TRUNCATED, readFileSync(CLEARTEXT).subarray(0, 3000));

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync('node', ['bin/wireseal.js', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, GITHUB_ACTIONS: '', COLUMNS: '', ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** xmllint --schema: returns its exit status and messages. */
function xsdValidate(xml: string, name: string): { status: number | null; out: string } {
  const file = path.join(tmp, `${name}.xml`);
  writeFileSync(file, xml);
  const r = spawnSync('xmllint', ['--noout', '--schema', 'test/schemas/junit-10.xsd', file], { encoding: 'utf8' });
  return { status: r.status, out: r.stderr };
}

const RUNS: [string, string[], number][] = [
  ['clean', [CLEAN], 0],
  ['cleartext', [CLEARTEXT], 1],
  ['missing', [MISSING], 3],
  ['truncated', [TRUNCATED], 3],
  ['clean-and-missing', [CLEAN, MISSING], 3],
];

describe('JUnit: valid against junit-10.xsd, never green by omission', () => {
  it.each(RUNS)('%s capture', (name, files, code) => {
    const r = cli(['verify-encryption', ...files, '--format', 'junit']);
    expect(r.code).toBe(code);
    const v = xsdValidate(r.stdout, name);
    expect(v.out).toContain('validates');
    expect(v.status).toBe(0);
    const verdict = /<testsuite name="verdict"[^>]*>\s*<testcase[^>]*>\s*(<(failure|error)[^>]*>)?/.exec(r.stdout);
    expect(verdict).not.toBeNull();
    const kind = verdict?.[2] ?? 'passed';
    expect(kind).toBe({ 0: 'passed', 1: 'failure', 3: 'error' }[code]);
  });
  it('a missing capture is an <error> case naming the file, not tests="0"', () => {
    const r = cli(['verify-encryption', MISSING, '--format', 'junit']);
    expect(r.stdout).toContain('<testsuite name="missing.pcap" tests="1" failures="0" errors="1" skipped="0">');
    expect(r.stdout).toMatch(/<error type="INPUT-IO" message="[^"]*missing\.pcap: io at byte 0: ENOENT/);
    expect(r.stdout).toMatch(/<testsuites name="wireseal verify-encryption" tests="2" failures="0" errors="2">/);
  });
  it('a truncated capture: its flows are still cases, and the read case is an error with the byte offset', () => {
    const r = cli(['verify-encryption', TRUNCATED, '--format', 'junit']);
    expect(r.stdout).toMatch(/<error type="INPUT-TRUNCATED" message="[^"]*truncated\.pcap: truncated at byte \d+/);
    expect(r.stdout).toMatch(/<testcase classname="truncated.pcap" name="tcp\.0 /);
  });
  it('flows refuses junit and sarif (it does not judge): exit 2, one line', () => {
    for (const f of ['junit', 'sarif']) {
      const r = cli(['flows', CLEARTEXT, '--format', f]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(
        `wireseal: flows does not judge encryption, so it has no --format ${f}; use verify-encryption --format ${f}\n`,
      );
    }
  });
});

describe('markdown and jsonl over the CLI', () => {
  it('markdown says the outcome first, input errors included', () => {
    const r = cli(['verify-encryption', CLEAN, MISSING, '--format', 'markdown']);
    expect(r.code).toBe(3);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(
      '## wireseal verify-encryption: ERROR: unreadable or damaged input, the run did not see everything it was given (exit 3)',
    );
    expect(r.stdout).toContain('### Input errors');
    expect(r.stdout).toMatch(/\| missing\.pcap \| [^|]*ENOENT[^|]* \| 0 \|/);
  });
  it('jsonl: one versioned event per line, flows and findings included', () => {
    const r = cli(['verify-encryption', CLEARTEXT, '--format', 'jsonl']);
    expect(r.code).toBe(1);
    const ev = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; schema: string; schemaVersion: string });
    expect(ev.map((e) => e.event)).toEqual(['run', 'capture', 'flow', 'flow', 'flow', 'flow', 'finding', 'summary']);
    expect(new Set(ev.map((e) => `${e.schema} ${e.schemaVersion}`))).toEqual(new Set(['wireseal/event 1.0']));
  });
  it('GITHUB_ACTIONS=true adds workflow annotations on stderr, stdout unchanged', () => {
    const r = cli(['verify-encryption', CLEARTEXT, '--format', 'json'], { GITHUB_ACTIONS: 'true' });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings).toHaveLength(1);
    expect(r.stderr).toMatch(/^::error title=wireseal CLEARTEXT-NFS \(high\)::NFSv4 in the clear on the wire/m);
  });
});

describe('terminal output', () => {
  it('off a terminal: plain ASCII; COLUMNS=80 makes every line fit', () => {
    const wide = cli(['verify-encryption', CLEARTEXT, CLEAN]);
    expect(wide.stdout).toMatch(/^[\x20-\x7e\n]*$/);
    expect(wide.stdout).toContain('TLS_AES_256_GCM_SHA384 (0x1302)');
    const narrow = cli(['verify-encryption', CLEARTEXT, CLEAN], { COLUMNS: '80' });
    for (const l of narrow.stdout.split('\n')) expect(l.length).toBeLessThanOrEqual(80);
    expect(narrow.stdout).toContain('| 0 | 198.51.100.10:716 | 198.51.100.20:2049 | nfs-cleartext | cleartext |');
    const all = cli(['verify-encryption', CLEARTEXT, CLEAN, '--wide'], { COLUMNS: '80' });
    expect(all.stdout).toContain('TLS_AES_256_GCM_SHA384 (0x1302)');
  });
  it('a mount point with ESC reaches no output as is', () => {
    const root = path.join(tmp, 'host');
    mkdirSync(path.join(root, 'proc'), { recursive: true });
    writeFileSync(path.join(root, 'proc/mounts'), 'fs-1:/ /mnt/ev\\033[2Jil nfs4 rw,vers=4.1,addr=10.0.0.5 0 0\n');
    for (const args of [
      ['mounts', '--host-root', root],
      ['verify-encryption', CLEARTEXT, '--host-root', root],
      ['verify-encryption', CLEARTEXT, '--host-root', root, '--format', 'markdown'],
      ['verify-encryption', CLEARTEXT, '--host-root', root, '--format', 'junit'],
    ]) {
      const r = cli(args, { GITHUB_ACTIONS: 'true' });
      expect(r.stdout + r.stderr).not.toContain('\u001b');
      // Shown escaped (Markdown also escapes the backslash and bracket it adds).
      expect(r.stdout).toMatch(/\/mnt\/ev\\{1,2}x1b\\?\[2Jil/);
    }
  });
  it.each([[''], ['2049,'], [',2049'], ['0'], ['2049,,111']])('--ports "%s" is a usage error (exit 2)', (spec) => {
    const r = cli(['verify-encryption', CLEAN, '--ports', spec]);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')).toHaveLength(2);
    expect(r.stderr).toMatch(/^wireseal: --ports: /);
  });
});
