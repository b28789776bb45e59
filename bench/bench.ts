/**
 * `npm run bench`: generates the benchmark captures (cached), times wireseal and reference tools on them as whole
 * processes (median of N runs, peak RSS), prints a table with ratios against ndpiReader and tshark, writes the
 * figures as JSON beside the captures, and checks wireseal's verdicts against the generator's ground truth
 * (exit 1 on any mismatch).
 *
 * Options: --runs N (default 3), --quick (100 MB classic pcap instead of 1 GiB), --dir DIR (cache; default
 * $WIRESEAL_BENCH_DIR or /tmp/wireseal-bench), --no-reference (skip cat/ndpiReader/tshark/pcap-parser),
 * --strict (also exit 1 when a performance bar is missed).
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchDir, ensureBenchCaptures, type GenerateResult, readTruth } from './generate.js';
import { hasCommand, hasGnuTime, median, type Run, runMeasured } from './measure.js';
import { STAGES } from './stages.js';
import { checkVerdicts, readResultDocument, type VerdictCheck } from './verdicts.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..', '..');
const NODE = process.execPath;
const WIRESEAL = 'wireseal verify-encryption';
const CAT = 'cat > /dev/null';
const NDPI = 'ndpiReader -v 0';
const TSHARK_Y = "tshark -Y 'tls.handshake.type==2'";

interface Options {
  runs: number;
  quick: boolean;
  dir: string;
  reference: boolean;
  strict: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { runs: 3, quick: false, dir: benchDir(), reference: true, strict: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--runs') o.runs = Math.max(1, Number(argv[++i]) || 3);
    else if (a === '--quick') o.quick = true;
    else if (a === '--dir') o.dir = resolve(argv[++i] ?? '.');
    else if (a === '--no-reference') o.reference = false;
    else if (a === '--strict') o.strict = true;
    else throw new Error(`unknown option ${a}`);
  }
  return o;
}

export interface Measurement {
  tool: string;
  command: string;
  file: string;
  fileBytes: number;
  packets: number;
  runs: number;
  wallMs: number;
  wallMsAll: number[];
  /** Max over runs, bytes; null when unmeasurable. */
  peakRss: number | null;
  mbPerSec: number;
  packetsPerSec: number;
  /** Wall time scaled to the main capture's size (same per-byte rate). */
  projectedMainMs: number;
  exitCodes: number[];
}

interface Spec {
  tool: string;
  cmd: string;
  args: string[];
  cap: GenerateResult;
  okCodes: readonly number[];
  stdoutPath?: string;
}

/**
 * Runs every spec `runs` times, interleaved (run 1 of each tool, then run 2 of each...), so a load change on a
 * shared machine hits all tools alike and the ratios stay fair.
 */
async function measureAll(specs: readonly Spec[], mainBytes: number, runs: number): Promise<Measurement[]> {
  const all: Run[][] = specs.map(() => []);
  for (let i = 0; i < runs; i++) {
    for (const [k, sp] of specs.entries()) {
      const r = await runMeasured(sp.cmd, sp.args, sp.stdoutPath);
      if (!sp.okCodes.includes(r.exitCode)) {
        throw new Error(`${sp.tool} exited ${r.exitCode}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
      }
      all[k]!.push(r);
      process.stderr.write(
        `  run ${i + 1}/${runs} ${sp.tool} on ${basename(sp.cap.path)}: ${(r.wallMs / 1000).toFixed(2)} s\n`,
      );
    }
  }
  return specs.map((sp, k) => {
    const rs = all[k]!;
    const wallMs = median(rs.map((r) => r.wallMs));
    const rss = rs.map((r) => r.peakRss).filter((v): v is number => v !== null);
    return {
      tool: sp.tool,
      command: [sp.cmd === NODE ? 'node' : sp.cmd, ...sp.args].join(' '),
      file: basename(sp.cap.path),
      fileBytes: sp.cap.bytes,
      packets: sp.cap.packets,
      runs,
      wallMs,
      wallMsAll: rs.map((r) => Math.round(r.wallMs)),
      peakRss: rss.length > 0 ? Math.max(...rss) : null,
      mbPerSec: sp.cap.bytes / 1e6 / (wallMs / 1000),
      packetsPerSec: sp.cap.packets / (wallMs / 1000),
      projectedMainMs: (wallMs * mainBytes) / sp.cap.bytes,
      exitCodes: rs.map((r) => r.exitCode),
    };
  });
}

function fmtTable(rows: Measurement[], ndpi: Measurement | undefined, tsharkY: Measurement | undefined): string {
  const head = ['tool', 'file', 'wall median', 'MB/s', 'packets/s', 'peak RSS', 'time/ndpiReader', 'tshark -Y/time'];
  const body = rows.map((m) => [
    m.tool,
    m.file,
    `${(m.wallMs / 1000).toFixed(2)} s`,
    m.mbPerSec.toFixed(0),
    m.packetsPerSec >= 1e6 ? `${(m.packetsPerSec / 1e6).toFixed(2)} M` : `${(m.packetsPerSec / 1e3).toFixed(0)} k`,
    m.peakRss === null ? 'n/a' : `${(m.peakRss / 1048576).toFixed(0)} MB`,
    ndpi ? `${(m.projectedMainMs / ndpi.projectedMainMs).toFixed(2)}x` : 'n/a',
    tsharkY ? `${(tsharkY.projectedMainMs / m.projectedMainMs).toFixed(1)}x` : 'n/a',
  ]);
  const all = [head, ...body];
  const widths = head.map((_, c) => Math.max(...all.map((r) => r[c]!.length)));
  const line = (r: string[]): string =>
    r.map((v, c) => (c < 2 ? v.padEnd(widths[c]!) : v.padStart(widths[c]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

function verdictReport(name: string, c: VerdictCheck): string {
  const lines = [
    `verdicts on ${name}: ${c.matched}/${c.flows} flows match the ground truth; mismatches: ${c.mismatches.length}; ` +
      `flows with other NFS operation counts: ${c.opsMismatches}; flows not in the ground truth: ${c.extra}`,
  ];
  const byKind = new Map<string, number>();
  for (const m of c.mismatches) {
    const k = `${m.field}: expected ${m.expected}, got ${m.actual}`;
    byKind.set(k, (byKind.get(k) ?? 0) + 1);
  }
  for (const [k, n] of [...byKind].sort((a, b) => b[1] - a[1]).slice(0, 10)) lines.push(`  ${n} x ${k}`);
  for (const m of c.mismatches.slice(0, 5)) lines.push(`  e.g. ${m.flow}: ${m.field} ${m.expected} != ${m.actual}`);
  return lines.join('\n');
}

async function main(): Promise<number> {
  const o = parseArgs(process.argv.slice(2));
  const log = (s: string): void => {
    process.stderr.write(`${s}\n`);
  };
  const caps = ensureBenchCaptures(o.dir, { quick: o.quick, log });
  const { main: big, medium } = caps;
  const mainBytes = big.bytes;
  const load0 = loadavg()[0]!;
  const wiresealArgs = (f: string): string[] => [
    join(ROOT, 'bin', 'wireseal.js'),
    'verify-encryption',
    f,
    '--format',
    'json',
  ];
  const outFor = (cap: GenerateResult): string => join(o.dir, `verify-${basename(cap.path)}.json`);
  log(`timing (${o.runs} runs each, median; peak RSS via ${hasGnuTime ? '/usr/bin/time' : '/proc VmHWM polling'})...`);

  const specs: Spec[] = [
    { tool: WIRESEAL, cmd: NODE, args: wiresealArgs(big.path), cap: big, okCodes: [0, 1], stdoutPath: outFor(big) },
    {
      tool: WIRESEAL,
      cmd: NODE,
      args: wiresealArgs(medium.path),
      cap: medium,
      okCodes: [0, 1],
      stdoutPath: outFor(medium),
    },
  ];
  for (const stage of STAGES) {
    specs.push({
      tool: `wireseal stage: ${stage}`,
      cmd: NODE,
      args: [join(HERE, 'stages.js'), stage, big.path],
      cap: big,
      okCodes: [0],
    });
  }
  if (o.reference) {
    specs.push({ tool: CAT, cmd: 'cat', args: [big.path], cap: big, okCodes: [0] });
    if (hasCommand('ndpiReader', ['-h'])) {
      specs.push({ tool: NDPI, cmd: 'ndpiReader', args: ['-i', big.path, '-v', '0'], cap: big, okCodes: [0] });
    } else log('  ndpiReader not installed (Debian package libndpi-bin): skipped');
    if (hasCommand('tshark', ['-v'])) {
      specs.push({
        tool: 'tshark -q -z conv,tcp',
        cmd: 'tshark',
        args: ['-n', '-r', medium.path, '-q', '-z', 'conv,tcp'],
        cap: medium,
        okCodes: [0],
      });
      const fields = ['-T', 'fields', '-e', 'tls.handshake.ciphersuite'];
      specs.push({
        tool: TSHARK_Y,
        cmd: 'tshark',
        args: ['-n', '-r', medium.path, '-Y', 'tls.handshake.type==2', ...fields],
        cap: medium,
        okCodes: [0],
      });
    } else log('  tshark not installed: skipped');
    specs.push({
      tool: 'pcap-parser (count only)',
      cmd: NODE,
      args: [join(HERE, 'pcap-parser-count.js'), big.path],
      cap: big,
      okCodes: [0],
    });
  }
  const rows = await measureAll(specs, mainBytes, o.runs);
  const wireseal = rows[0]!;
  const ndpi = rows.find((m) => m.tool === NDPI);
  const tsharkY = rows.find((m) => m.tool === TSHARK_Y);

  process.stdout.write(`\n${fmtTable(rows, ndpi, tsharkY)}\n\n`);
  process.stdout.write(
    'ratios use per-byte rates scaled to the main capture; "tshark -Y/time" is how many times faster than tshark -Y.\n',
  );

  const bars = {
    wallVsNdpi: ndpi ? wireseal.wallMs / ndpi.wallMs : null,
    speedupVsTsharkY: tsharkY ? tsharkY.projectedMainMs / wireseal.projectedMainMs : null,
    peakRssMB: wireseal.peakRss === null ? null : wireseal.peakRss / 1048576,
  };
  const pass = {
    wallVsNdpi: bars.wallVsNdpi === null ? null : bars.wallVsNdpi <= 1,
    speedupVsTsharkY: bars.speedupVsTsharkY === null ? null : bars.speedupVsTsharkY >= 20,
    peakRss: bars.peakRssMB === null ? null : bars.peakRssMB <= 256,
  };
  const mark = (p: boolean | null): string => (p === null ? 'n/a' : p ? 'met' : 'MISSED');
  process.stdout.write(
    `bars on ${basename(big.path)}: wall <= ndpiReader: ${mark(pass.wallVsNdpi)}` +
      `${bars.wallVsNdpi === null ? '' : ` (${bars.wallVsNdpi.toFixed(2)}x)`}; ` +
      `>= 20x tshark -Y per byte: ${mark(pass.speedupVsTsharkY)}` +
      `${bars.speedupVsTsharkY === null ? '' : ` (${bars.speedupVsTsharkY.toFixed(1)}x)`}; ` +
      `peak RSS <= 256 MB: ${mark(pass.peakRss)}${bars.peakRssMB === null ? '' : ` (${bars.peakRssMB.toFixed(0)} MB)`}\n`,
  );

  const checks = [big, medium].map((cap) => ({
    capture: basename(cap.path),
    ...checkVerdicts(readResultDocument(outFor(cap)), readTruth(cap.truthPath)),
  }));
  for (const c of checks) process.stdout.write(`${verdictReport(c.capture, c)}\n`);
  const mismatches = checks.reduce((s, c) => s + c.mismatches.length, 0);
  process.stdout.write(`verdict mismatches: ${mismatches}\n`);

  const result = {
    date: new Date().toISOString(),
    node: process.version,
    loadAverage: { start: load0, end: loadavg()[0]! },
    runs: o.runs,
    quick: o.quick,
    captures: caps,
    measurements: rows,
    bars,
    pass,
    verdicts: checks.map((c) => ({ ...c, mismatches: c.mismatches.slice(0, 100) })),
    verdictMismatches: mismatches,
  };
  const resultPath = join(o.dir, `bench-result${o.quick ? '-quick' : ''}.json`);
  writeFileSync(resultPath, `${JSON.stringify(result, null, 2)}\n`);
  log(`results written to ${resultPath}`);
  if (mismatches > 0) return 1;
  if (o.strict && Object.values(pass).some((p) => p === false)) return 1;
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 2;
  },
);
