/** Shared by the capture commands: parse the common options and run the pipeline over files or a live interface. */
import type { Command } from 'commander';
import { checkFilter, FilterError } from '../capture/filter.js';
import { LiveOpenError, openLive } from '../capture/live.js';
import { parseTimeWindow, TimeBoundError, type TimeWindowSpec } from '../capture/time-window.js';
import type { ExposureConfig } from '../classify/exposure-analyzer.js';
import { CaptureAnalysis, type CaptureAnalysisResult } from '../engine/analyze.js';
import { analyzeCaptures } from '../engine/parallel.js';
import { DEFAULT_PORT_SPEC, PortSet } from '../flow/ports.js';
import type { CaptureResult, FlowResult } from '../report/schema.js';
import { printable } from '../report/text.js';
import { FORMATS, isFormat } from '../report/write.js';
import { expandInputs, InputError } from './inputs.js';
import { UsageError } from './main.js';

export interface CaptureCliOptions {
  format: string;
  ports: string;
  interface?: string;
  filter?: string;
  duration?: string;
  count?: string;
  since?: string;
  until?: string;
  maxFlows?: string;
  workers?: string;
  maxListed?: string;
  bufferSize?: string;
  snaplen?: string;
  vxlanPorts?: string;
  genevePorts?: string;
  all?: boolean;
  wide?: boolean;
  /** verify-encryption --handshake-only (weaker: see docs/verdicts.md). */
  handshakeOnly?: boolean;
  /** Triage: read each cleartext NFS flow's exposure (see AnalyzeOptions.exposure). */
  exposure?: ExposureConfig;
}

export function addCaptureOptions(cmd: Command): Command {
  return cmd
    .option('--format <fmt>', `output format: ${FORMATS.join(', ')}`, 'table')
    .option('--wide', 'table: every column at full width, whatever the terminal width')
    .option('--ports <spec>', 'NFS port set (ports and ranges)', DEFAULT_PORT_SPEC)
    .option('-i, --interface <name>', 'capture live on this interface (any for all) instead of reading files')
    .option('--filter <bpf>', 'BPF filter (tcpdump syntax, compiled by libpcap): live in the kernel, files per packet')
    .option('--duration <seconds>', 'stop live capture after this many seconds')
    .option(
      '--count <packets>',
      'stop after this many packets (live capture; on files the first N of each, as tcpdump -c)',
    )
    .option(
      '--since <time>',
      'files: analyse only packets at or after this time (Unix seconds, or ISO 8601 with a zone: 2026-12-03T10:00:00Z)',
    )
    .option('--until <time>', 'files: analyse only packets before this time (same forms as --since)')
    .option('--buffer-size <bytes>', 'live capture: kernel ring size in bytes (default 33554432)')
    .option('--snaplen <bytes>', 'live capture: bytes kept of each packet (default 262144)')
    .option(
      '--vxlan-ports <spec>',
      'UDP ports decoded as VXLAN (ports and ranges; default 4789,8472 and VXLAN-GPE 4790)',
    )
    .option('--geneve-ports <spec>', 'UDP ports decoded as GENEVE (ports and ranges; default 6081)')
    .option('--max-flows <n>', 'live flows held at most (older ones are finalised)', '65536')
    .option(
      '--workers <n>',
      'analysis threads (default 1): several files are analysed side by side, one file is sharded by flow; see docs/performance.md',
    )
    .option('--max-listed <n>', 'flows listed at most per capture; the rest are counted (memory bound)', '25000')
    .option('--all', 'list every flow, not only the NFS-relevant and DTLS ones');
}

function positiveInt(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${name} must be a positive number, got "${v}"`);
  return n;
}

/**
 * A tunnel port list, validated as --ports is (ports and ranges); none may be in the NFS port set, whose datagrams
 * are never decoded as tunnels.
 */
function tunnelPorts(name: string, spec: string | undefined, nfs: PortSet): number[] | undefined {
  if (spec === undefined) return undefined;
  let list: number[];
  try {
    list = new PortSet(spec).list();
  } catch (e) {
    throw new UsageError(`${name}: ${(e as Error).message}`);
  }
  const clash = list.find((p) => nfs.has(p));
  if (clash !== undefined)
    throw new UsageError(`${name}: port ${clash} is in the NFS port set (--ports), never decoded as a tunnel`);
  return list;
}

export interface CapturesRun {
  captures: CaptureResult[];
  flows: FlowResult[];
  /** True when some input was unreadable or damaged (exit code 3). */
  inputDamaged: boolean;
  warnings: string[];
}

export async function runCaptures(files: string[], o: CaptureCliOptions): Promise<CapturesRun> {
  if (!isFormat(o.format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got "${o.format}"`);
  let ports: PortSet;
  try {
    ports = new PortSet(o.ports);
  } catch (e) {
    throw new UsageError(`--ports: ${(e as Error).message}`);
  }
  const vxlanPorts = tunnelPorts('--vxlan-ports', o.vxlanPorts, ports);
  const genevePorts = tunnelPorts('--geneve-ports', o.genevePorts, ports);
  const both = vxlanPorts?.find((p) => genevePorts?.includes(p));
  if (both !== undefined) throw new UsageError(`port ${both} is in both --vxlan-ports and --geneve-ports`);
  const maxFlows = positiveInt('--max-flows', o.maxFlows);
  const duration = positiveInt('--duration', o.duration);
  const count = positiveInt('--count', o.count);
  const workers = positiveInt('--workers', o.workers);
  const maxResults = positiveInt('--max-listed', o.maxListed);
  const bufferSize = positiveInt('--buffer-size', o.bufferSize);
  const snaplen = positiveInt('--snaplen', o.snaplen);
  if (o.interface === undefined && files.length === 0)
    throw new UsageError('give capture files (or - for stdin), or --interface');
  if (o.interface !== undefined && files.length > 0)
    throw new UsageError('give capture files or --interface, not both');
  if (o.interface === undefined && duration !== undefined)
    throw new UsageError('--duration applies to live capture (--interface); on capture files use --count');
  if (o.interface !== undefined && (o.since !== undefined || o.until !== undefined))
    throw new UsageError('--since and --until apply to capture files; on live capture use --duration');
  let timeWindow: TimeWindowSpec | undefined;
  try {
    timeWindow = parseTimeWindow(o.since, o.until);
  } catch (e) {
    if (e instanceof TimeBoundError) throw new UsageError(`--since/--until: ${e.message}`);
    throw e;
  }
  if (o.filter !== undefined && o.interface === undefined) {
    try {
      checkFilter(o.filter);
    } catch (e) {
      if (e instanceof FilterError) throw new UsageError(e.message);
      throw e;
    }
  }
  const opts = {
    ports,
    listAll: o.all === true,
    ...(o.handshakeOnly === true ? { handshakeOnly: true } : {}),
    ...(o.exposure !== undefined ? { exposure: o.exposure } : {}),
    ...(o.filter !== undefined && o.interface === undefined ? { filter: o.filter } : {}),
    ...(timeWindow !== undefined ? { timeWindow } : {}),
    ...(maxFlows ? { maxFlows } : {}),
    ...(vxlanPorts !== undefined ? { vxlanPorts } : {}),
    ...(genevePorts !== undefined ? { genevePorts } : {}),
    ...(maxResults ? { maxResults } : {}),
    // Files: the first N packets (after --filter) of each, as tcpdump -c N -r FILE.
    ...(count !== undefined && o.interface === undefined ? { count } : {}),
  };
  const results: CaptureAnalysisResult[] = [];
  if (o.interface !== undefined) {
    const name = `live:${o.interface}`;
    const analysis = new CaptureAnalysis(name, opts);
    const ac = new AbortController();
    const stop = () => ac.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      const summary = await openLive({
        device: o.interface,
        ...(o.filter !== undefined ? { filter: o.filter } : {}),
        ...(duration !== undefined ? { durationSec: duration } : {}),
        ...(count !== undefined ? { count } : {}),
        ...(bufferSize !== undefined ? { bufferSize } : {}),
        ...(snaplen !== undefined ? { snaplen } : {}),
        onPacket: analysis.onPacket,
        signal: ac.signal,
      }).catch((e: unknown) => {
        if (e instanceof LiveOpenError) throw new UsageError(e.message);
        throw e;
      });
      summary.file = name;
      results.push(analysis.finish(summary));
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  } else {
    let inputs: string[];
    try {
      inputs = expandInputs(files);
    } catch (e) {
      if (e instanceof InputError) throw new UsageError(e.message);
      throw e;
    }
    // --count is kept by one analysis per file (shards would each count their own packets).
    results.push(...(await analyzeCaptures(inputs, opts, count !== undefined ? undefined : workers)));
  }
  const warnings: string[] = [];
  let inputDamaged = false;
  for (const r of results) {
    const c = r.capture;
    if (c.error) {
      inputDamaged = true;
      process.stderr.write(`wireseal: ${printable(c.error.message)} (results before it are kept)\n`);
    }
    if (c.unlisted && c.unlisted.total > (c.unlisted.byClass.none ?? 0) + (c.unlisted.byClass.tls ?? 0)) {
      warnings.push(
        `${c.file}: ${c.unlisted.total} flows analysed but not listed (${JSON.stringify(c.unlisted.byClass)})`,
      );
    }
    if (c.flowsEvicted > 0) warnings.push(`${c.file}: ${c.flowsEvicted} flows finalised early (--max-flows reached)`);
    if (c.format === 'live') {
      const drops = (c.kernelDrops ?? 0) + (c.interfaceDrops ?? 0);
      if (c.kernelDrops == null) warnings.push(`${c.file}: libpcap's drop counters could not be read`);
      else if (drops > 0) {
        const hit = r.flows.filter((f) => (f.captureDrops ?? 0) > 0).length;
        warnings.push(
          `${c.file}: the capture lost ${drops} packets (libpcap: ${c.kernelDrops} dropped for buffer space, ${c.interfaceDrops ?? 0} by the interface); ${hit} listed flows were active meanwhile and may be incomplete`,
        );
      }
    }
    if (c.filter !== undefined && c.filter.matched === 0 && c.packets > 0) {
      warnings.push(`${c.file}: --filter kept none of its ${c.packets} packets`);
    }
    const w = c.timeWindow;
    if (w !== undefined && w.kept === 0 && w.before + w.after > 0) {
      warnings.push(`${c.file}: no packet in the --since/--until window (${w.before} before it, ${w.after} after it)`);
    }
  }
  const flows = results.flatMap((r) => r.flows);
  return { captures: results.map((r) => r.capture), flows, inputDamaged, warnings };
}
