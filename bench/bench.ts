/**
 * `npm run bench`: generates the benchmark captures (cached; see generate.ts: the long-flow 1 GiB pcap and 100 MB
 * pcapng, many short flows, tiny RPC records, a SYN flood, VXLAN), times wireseal, ndpiReader and tshark on each
 * as whole processes (interleaved runs, median wall, max peak RSS), prints one table with ratios against
 * ndpiReader on the same capture, writes the figures as JSON beside the captures, and checks wireseal's verdicts
 * and finding codes against the generator's ground truth, planted late-cleartext flows included (exit 1 on any
 * mismatch).
 *
 * Options: --runs N (default 3), --quick (every capture about a tenth of its size), --dir DIR (cache; default
 * $WIRESEAL_BENCH_DIR or /tmp/wireseal-bench), --only NAME[,NAME] (mixes: long, short, rpc-tiny, syn-flood, vxlan),
 * --no-reference (wireseal only), --stages (also wireseal's pipeline stages, cat and pcap-parser on the first
 * capture), --strict (also exit 1 when a performance bar is missed).
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchDir, ensureBenchCaptures, type GenerateResult, readTruth } from './generate.js';
import { hasCommand, hasGnuTime, median, type Run, runMeasured } from './measure.js';
import { STAGES } from './stages.js';
import { type WriterTime, writerTimeLine, writerTimes } from './table-rows.js';
import { checkVerdicts, readResultDocument, type VerdictCheck } from './verdicts.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..', '..');
const NODE = process.execPath;
const WIRESEAL = 'wireseal verify-encryption';
const NDPI = 'ndpiReader -v 0';
const TSHARK = 'tshark -q -z conv,tcp';
const TSHARK_Y = "tshark -Y 'tls.handshake.type==2'";
/** tshark is timed on captures up to this size (on the 1 GiB one it would dominate the bench's time). */
const TSHARK_MAX_BYTES = 300e6;
/** Flows in the writer timing: the most a capture lists by default (--max-listed). */
const WRITER_ROWS = 25_000;

interface Options {
  runs: number;
  quick: boolean;
  dir: string;
  only: string[] | null;
  reference: boolean;
  stages: boolean;
  strict: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    runs: 3,
    quick: false,
    dir: benchDir(),
    only: null,
    reference: true,
    stages: false,
    strict: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--runs') o.runs = Math.max(1, Number(argv[++i]) || 3);
    else if (a === '--quick') o.quick = true;
    else if (a === '--dir') o.dir = resolve(argv[++i] ?? '.');
    else if (a === '--only') o.only = (argv[++i] ?? '').split(',');
    else if (a === '--no-reference') o.reference = false;
    else if (a === '--stages') o.stages = true;
    else if (a === '--strict') o.strict = true;
    else throw new Error(`unknown option ${a}`);
  }
  return o;
}

export interface Measurement {
  tool: string;
  command: string;
  mix: string;
  file: string;
  fileBytes: number;
  packets: number;
  flows: number;
  records: number;
  runs: number;
  wallMs: number;
  wallMsAll: number[];
  /** Max over runs, bytes; null when unmeasurable. */
  peakRss: number | null;
  mbPerSec: number;
  flowsPerSec: number;
  recordsPerSec: number;
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
async function measureAll(specs: readonly Spec[], runs: number): Promise<Measurement[]> {
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
    const sec = wallMs / 1000;
    return {
      tool: sp.tool,
      command: [sp.cmd === NODE ? 'node' : sp.cmd, ...sp.args].join(' '),
      mix: sp.cap.mix,
      file: basename(sp.cap.path),
      fileBytes: sp.cap.bytes,
      packets: sp.cap.packets,
      flows: sp.cap.flows,
      records: sp.cap.records,
      runs,
      wallMs,
      wallMsAll: rs.map((r) => Math.round(r.wallMs)),
      peakRss: rss.length > 0 ? Math.max(...rss) : null,
      mbPerSec: sp.cap.bytes / 1e6 / sec,
      flowsPerSec: sp.cap.flows / sec,
      recordsPerSec: sp.cap.records / sec,
      exitCodes: rs.map((r) => r.exitCode),
    };
  });
}

function rate(v: number): string {
  if (v >= 1e6) return `${(v / 1e6).toFixed(2)} M`;
  if (v >= 1e3) return `${(v / 1e3).toFixed(0)} k`;
  return v.toFixed(0);
}

/** ndpiReader's row for the same capture. */
function ndpiFor(rows: readonly Measurement[], m: Measurement): Measurement | undefined {
  return rows.find((x) => x.tool === NDPI && x.file === m.file);
}

function fmtTable(rows: Measurement[]): string {
  const head = ['mix', 'file', 'tool', 'wall median', 'MB/s', 'flows/s', 'records/s', 'peak RSS', 'time/ndpiReader'];
  const body = rows.map((m) => {
    const ndpi = ndpiFor(rows, m);
    return [
      m.mix,
      m.file,
      m.tool,
      `${(m.wallMs / 1000).toFixed(2)} s`,
      m.mbPerSec.toFixed(0),
      rate(m.flowsPerSec),
      rate(m.recordsPerSec),
      m.peakRss === null ? 'n/a' : `${(m.peakRss / 1048576).toFixed(0)} MB`,
      ndpi ? `${(m.wallMs / ndpi.wallMs).toFixed(2)}x` : 'n/a',
    ];
  });
  const all = [head, ...body];
  const widths = head.map((_, c) => Math.max(...all.map((r) => r[c]!.length)));
  const line = (r: string[]): string =>
    r.map((v, c) => (c < 3 ? v.padEnd(widths[c]!) : v.padStart(widths[c]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

function verdictReport(name: string, c: VerdictCheck): string {
  const lines = [
    `verdicts on ${name}: ${c.matched}/${c.checked} flows checked one by one match the ground truth ` +
      `(${c.flows} flows in all); planted late-cleartext flows caught: ${c.plantedCaught}/${c.planted}; ` +
      `mismatches: ${c.mismatches.length}; flows with other NFS operation counts: ${c.opsMismatches}; ` +
      `flows not in the ground truth: ${c.extra}`,
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
  const caps = ensureBenchCaptures(o.dir, { quick: o.quick, log }).filter(
    (c) => o.only === null || o.only.includes(c.mix),
  );
  const first = caps[0];
  if (first === undefined) throw new Error('no capture selected');
  const load0 = loadavg()[0]!;
  const outFor = (cap: GenerateResult): string => join(o.dir, `verify-${basename(cap.path)}.json`);
  log(`timing (${o.runs} runs each, median; peak RSS via ${hasGnuTime ? '/usr/bin/time' : '/proc VmHWM polling'})...`);
  const ndpi = o.reference && hasCommand('ndpiReader', ['-h']);
  const tshark = o.reference && hasCommand('tshark', ['-v']);
  if (o.reference && !ndpi) log('  ndpiReader not installed (Debian package libndpi-bin): skipped');
  if (o.reference && !tshark) log('  tshark not installed: skipped');

  const specs: Spec[] = [];
  for (const cap of caps) {
    const args = [join(ROOT, 'bin', 'wireseal.js'), 'verify-encryption', cap.path, '--format', 'json'];
    specs.push({ tool: WIRESEAL, cmd: NODE, args, cap, okCodes: [0, 1, 4], stdoutPath: outFor(cap) });
    if (ndpi) specs.push({ tool: NDPI, cmd: 'ndpiReader', args: ['-i', cap.path, '-v', '0'], cap, okCodes: [0] });
    if (tshark && cap.bytes <= TSHARK_MAX_BYTES) {
      specs.push({
        tool: TSHARK,
        cmd: 'tshark',
        args: ['-n', '-r', cap.path, '-q', '-z', 'conv,tcp'],
        cap,
        okCodes: [0],
      });
    }
    if (tshark && cap.format === 'pcapng') {
      const fields = ['-T', 'fields', '-e', 'tls.handshake.ciphersuite'];
      const args = ['-n', '-r', cap.path, '-Y', 'tls.handshake.type==2', ...fields];
      specs.push({ tool: TSHARK_Y, cmd: 'tshark', args, cap, okCodes: [0] });
    }
  }
  if (o.stages) {
    for (const stage of STAGES) {
      const args = [join(HERE, 'stages.js'), stage, first.path];
      specs.push({ tool: `wireseal stage: ${stage}`, cmd: NODE, args, cap: first, okCodes: [0] });
    }
    specs.push({ tool: 'cat > /dev/null', cmd: 'cat', args: [first.path], cap: first, okCodes: [0] });
    const args = [join(HERE, 'pcap-parser-count.js'), first.path];
    specs.push({ tool: 'pcap-parser (count only)', cmd: NODE, args, cap: first, okCodes: [0] });
  }
  const rows = await measureAll(specs, o.runs);
  process.stdout.write(`\n${fmtTable(rows)}\n\n`);
  process.stdout.write(
    'time/ndpiReader: wall time against ndpiReader on the same capture, one thread each (bar: at most 1.0x).\n',
  );

  const bars = rows
    .filter((m) => m.tool === WIRESEAL)
    .map((m) => {
      const n = ndpiFor(rows, m);
      const rssMB = m.peakRss === null ? null : m.peakRss / 1048576;
      return {
        file: m.file,
        mix: m.mix,
        wallVsNdpi: n ? m.wallMs / n.wallMs : null,
        peakRssMB: rssMB,
        wallMet: n ? m.wallMs <= n.wallMs : null,
        rssMet: rssMB === null ? null : rssMB <= 256,
      };
    });
  const mark = (p: boolean | null): string => (p === null ? 'n/a' : p ? 'met' : 'MISSED');
  for (const b of bars) {
    process.stdout.write(
      `bars on ${b.file}: wall <= ndpiReader: ${mark(b.wallMet)}` +
        `${b.wallVsNdpi === null ? '' : ` (${b.wallVsNdpi.toFixed(2)}x)`}; ` +
        `peak RSS <= 256 MB: ${mark(b.rssMet)}${b.peakRssMB === null ? '' : ` (${b.peakRssMB.toFixed(0)} MB)`}\n`,
    );
  }

  const checks = caps.map((cap) => ({
    capture: basename(cap.path),
    ...checkVerdicts(readResultDocument(outFor(cap)), readTruth(cap.truthPath)),
  }));
  for (const c of checks) process.stdout.write(`${verdictReport(c.capture, c)}\n`);
  const mismatches = checks.reduce((s, c) => s + c.mismatches.length, 0);
  process.stdout.write(`verdict mismatches: ${mismatches}\n`);

  // The writers on the most flows a capture lists (--max-listed 25,000), grown from the short mix's result: in this
  // process, after every timed run.
  let writers: WriterTime[] = [];
  const short = caps.find((c) => c.mix === 'short');
  if (short !== undefined) {
    writers = await writerTimes(outFor(short), WRITER_ROWS, 4);
    process.stdout.write(`\nwriters on ${WRITER_ROWS} flows (bar: the table under 1 s):\n`);
    for (const t of writers) process.stdout.write(`  ${writerTimeLine(t)}\n`);
  }

  const result = {
    date: new Date().toISOString(),
    node: process.version,
    loadAverage: { start: load0, end: loadavg()[0]! },
    runs: o.runs,
    quick: o.quick,
    captures: caps,
    measurements: rows,
    bars,
    verdicts: checks.map((c) => ({ ...c, mismatches: c.mismatches.slice(0, 100) })),
    verdictMismatches: mismatches,
    writers,
  };
  const resultPath = join(o.dir, `bench-result${o.quick ? '-quick' : ''}.json`);
  writeFileSync(resultPath, `${JSON.stringify(result, null, 2)}\n`);
  log(`results written to ${resultPath}`);
  if (mismatches > 0) return 1;
  if (o.strict && bars.some((b) => b.wallMet === false || b.rssMet === false)) return 1;
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
