/**
 * Runs a command as a whole process and measures its wall time and peak RSS: through `/usr/bin/time -f %M` when
 * installed, else by polling VmHWM in /proc/<pid>/status (a lower bound: the last poll before exit).
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Run {
  wallMs: number;
  /** Peak resident set size in bytes, null when it could not be measured. */
  peakRss: number | null;
  exitCode: number;
  stderr: string;
}

const TIME = '/usr/bin/time';
export const hasGnuTime = existsSync(TIME) && spawnSync(TIME, ['-f', '%M', 'true'], { stdio: 'ignore' }).status === 0;

export function hasCommand(cmd: string, args: string[] = ['--version']): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return r.error === undefined;
}

function vmHwm(pid: number): number | null {
  try {
    const m = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Runs `cmd args`, stdout to `stdoutPath` (default /dev/null). */
export async function runMeasured(cmd: string, args: string[], stdoutPath = '/dev/null'): Promise<Run> {
  const out = openSync(stdoutPath, 'w');
  const timeFile = join(tmpdir(), `wireseal-bench-time-${process.pid}-${Date.now()}`);
  const argv = hasGnuTime ? [TIME, '-f', '%M', '-o', timeFile, cmd, ...args] : [cmd, ...args];
  const t0 = performance.now();
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', out, 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (s: string) => {
    if (stderr.length < 8192) stderr += s;
  });
  let polled: number | null = null;
  const poll = hasGnuTime
    ? undefined
    : setInterval(() => {
        const v = child.pid === undefined ? null : vmHwm(child.pid);
        if (v !== null) polled = Math.max(polled ?? 0, v);
      }, 10);
  const exitCode = await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  const wallMs = performance.now() - t0;
  if (poll) clearInterval(poll);
  closeSync(out);
  let peakRss: number | null = polled;
  if (hasGnuTime) {
    try {
      const lines = readFileSync(timeFile, 'utf8').trim().split('\n');
      peakRss = Number(lines[lines.length - 1]) * 1024;
    } catch {
      peakRss = null;
    }
    rmSync(timeFile, { force: true });
  }
  return { wallMs, peakRss, exitCode, stderr };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
