/**
 * Runs every wireseal command of docs/ci-usage.md as a CI job would: in a directory holding captures/lab, with
 * `wireseal` on the PATH, GITHUB_ACTIONS=true and a GITHUB_STEP_SUMMARY file; no command may be a usage error or
 * unknown, and the files the examples write are the documented formats.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const tmp = mkdtempSync(path.join(tmpdir(), 'wireseal-ci-usage-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const bin = path.join(tmp, 'bin');
const work = path.join(tmp, 'work');
spawnSync('mkdir', ['-p', bin, work]);
writeFileSync(path.join(bin, 'wireseal'), `#!/bin/sh\nexec node ${path.resolve('bin/wireseal.js')} "$@"\n`);
chmodSync(path.join(bin, 'wireseal'), 0o755);
symlinkSync(path.resolve('captures'), path.join(work, 'captures'));
const summary = path.join(tmp, 'step-summary.md');
writeFileSync(summary, '');

/** The wireseal command lines of the page's code blocks, in order (YAML `run:` and list prefixes removed). */
function commands(): string[] {
  const md = readFileSync('docs/ci-usage.md', 'utf8');
  const blocks = [...md.matchAll(/```(?:sh|yaml)\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  return blocks.flatMap((b) =>
    b
      .split('\n')
      .map((l) => l.replace(/^\s*(?:- )?(?:run: )?/, ''))
      .filter((l) => l.startsWith('wireseal ')),
  );
}

describe('docs/ci-usage.md examples', () => {
  const cmds = commands();
  it('has the examples (policy, GitHub Actions, GitLab CI, pre-merge)', () => {
    expect(cmds.length).toBe(8);
  });
  it('every command runs: no usage error, the documented outputs', () => {
    for (const cmd of cmds) {
      const r = spawnSync('bash', ['-c', cmd], {
        cwd: work,
        encoding: 'utf8',
        timeout: 60_000,
        env: {
          ...process.env,
          PATH: `${bin}:${process.env.PATH}`,
          GITHUB_ACTIONS: 'true',
          GITHUB_STEP_SUMMARY: summary,
        },
      });
      expect([cmd, r.status]).not.toEqual([cmd, 2]);
      expect([0, 1, 4]).toContain(r.status);
    }
    const sarif = JSON.parse(readFileSync(path.join(work, 'wireseal.sarif'), 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    expect(readFileSync(path.join(work, 'wireseal-junit.xml'), 'utf8')).toMatch(/^<\?xml [^>]*>\n<testsuites /);
    expect(readFileSync(summary, 'utf8')).toMatch(/^## wireseal verify-encryption: FAILED/);
    expect(JSON.parse(readFileSync(path.join(work, 'baseline.json'), 'utf8')).schema).toBe('wireseal/result');
  });
  it('the pre-merge check passes with the known leak accepted', () => {
    const last = cmds[cmds.length - 1] as string;
    const r = spawnSync('bash', ['-c', last], {
      cwd: work,
      encoding: 'utf8',
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/exit 0 \(accepted\)/);
  });
});
