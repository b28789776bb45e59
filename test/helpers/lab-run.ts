/**
 * Running the lab from the tests: the shared lab script (../shared/lab/make-captures.sh, beside the repo) into a
 * temporary directory, and the built wireseal CLI (bin/wireseal.js) with its JSON result parsed.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResultDocument } from '../../src/report/schema.js';
import { type ExpectedRow, parseExpectedTsv } from './lab-expected.js';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const LAB_SCRIPT = resolve(REPO, '..', 'shared', 'lab', 'make-captures.sh');
export const WIRESEAL = join(REPO, 'bin', 'wireseal.js');

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion, collecting its output (never a shell). */
export function runProcess(
  cmd: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs = 600_000,
): Promise<ProcessResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      stdout += s;
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      stderr += s;
    });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

export interface FreshLab {
  /** The script's OUTDIR: captures, EXPECTED.tsv, host/, configs/. */
  dir: string;
  rows: ExpectedRow[];
  seconds: number;
  /** The script's own progress and timing lines (stderr). */
  log: string;
  remove(): Promise<void>;
}

/**
 * Runs make-captures.sh into a new temporary directory (its work dir too), never installing packages
 * (CAPLAB_NO_INSTALL=1: .ci/run installs them). Rejects with the end of the script's log when it fails.
 */
export async function makeFreshCaptures(): Promise<FreshLab> {
  const base = await mkdtemp(join(tmpdir(), 'wireseal-lab-'));
  const dir = join(base, 'out');
  const env = { ...process.env, CAPLAB_NO_INSTALL: '1', CAPLAB_STATE: join(base, 'state') };
  const t0 = Date.now();
  const r = await runProcess('bash', [LAB_SCRIPT, dir], env);
  const seconds = (Date.now() - t0) / 1000;
  if (r.code !== 0) {
    await rm(base, { recursive: true, force: true });
    throw new Error(`make-captures.sh exited ${r.code} after ${seconds}s:\n${r.stderr.slice(-3000)}`);
  }
  const rows = parseExpectedTsv(await readFile(join(dir, 'EXPECTED.tsv'), 'utf8'));
  return { dir, rows, seconds, log: r.stderr, remove: () => rm(base, { recursive: true, force: true }) };
}

export interface WiresealRun extends ProcessResult {
  doc: ResultDocument;
}

/** Runs `node bin/wireseal.js ARGS` (ARGS must ask for --format json) and parses its result document. */
export async function runWireseal(args: readonly string[]): Promise<WiresealRun> {
  const r = await runProcess(process.execPath, [WIRESEAL, ...args]);
  return { ...r, doc: parseResult(r, args) };
}

/** The JSON result document on a finished wireseal's stdout; throws with its stderr when there is none. */
export function parseResult(r: ProcessResult, args: readonly string[]): ResultDocument {
  try {
    return JSON.parse(r.stdout) as ResultDocument;
  } catch {
    throw new Error(`wireseal ${args.join(' ')} exited ${r.code} without a JSON document:\n${r.stderr.slice(-2000)}`);
  }
}
