/**
 * Uses both cores on one capture: N workers each read the whole file (it is in the page cache after the first)
 * and decode every packet, but each keeps only the flows whose symmetric 5-tuple hash falls in its shard, so the
 * flow table and the analyzers (most of the cost) are split. The merge renumbers flows in order of first frame,
 * per transport, which is exactly the single-threaded numbering: the result is identical.
 */
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { FlowResult } from '../report/schema.js';
import { type AnalyzeOptions, analyzeCaptureFile, type CaptureAnalysisResult } from './analyze.js';
import type { WorkerInput } from './worker.js';

/** Below this size one thread is faster than starting workers. */
export const PARALLEL_MIN_BYTES = 64 * 1024 * 1024;

/** How many workers suit this file: 1 for stdin, small files, or a single core. */
export function workersFor(path: string, requested: number | undefined): number {
  if (path === '-') return 1;
  let size = 0;
  try {
    const st = statSync(path);
    if (!st.isFile()) return 1;
    size = st.size;
  } catch {
    return 1;
  }
  if (requested !== undefined) return Math.max(1, Math.min(requested, 16));
  if (size < PARALLEL_MIN_BYTES) return 1;
  return Math.min(2, availableParallelism());
}

function runWorker(input: WorkerInput): Promise<CaptureAnalysisResult> {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL('./worker.js', import.meta.url), { workerData: input });
    w.once('message', (m: { ok: true; result: CaptureAnalysisResult } | { ok: false; error: string }) => {
      if (m.ok) resolve(m.result);
      else reject(new Error(m.error));
      void w.terminate();
    });
    w.once('error', reject);
    w.once('exit', (code) => {
      if (code !== 0) reject(new Error(`analysis worker exited with code ${code}`));
    });
  });
}

/** Merges shard results into the single-threaded result. */
export function mergeShards(parts: CaptureAnalysisResult[]): CaptureAnalysisResult {
  const first = parts[0]!;
  const flows: FlowResult[] = parts.flatMap((p) => p.flows);
  flows.sort(
    (a, b) => a.firstFrame - b.firstFrame || (a.transport < b.transport ? -1 : a.transport > b.transport ? 1 : 0),
  );
  let tcp = 0;
  let udp = 0;
  for (const f of flows) f.id = f.transport === 'tcp' ? tcp++ : udp++;
  const capture = { ...first.capture };
  capture.flowsEvicted = parts.reduce((n, p) => n + p.capture.flowsEvicted, 0);
  capture.flowsTotal = parts.reduce((n, p) => n + p.capture.flowsTotal, 0);
  // Every worker decodes every packet: decode counters are the same in each; take the first's.
  return { capture, flows };
}

export async function analyzeCaptureFileParallel(
  path: string,
  opts: AnalyzeOptions,
  workers: number,
): Promise<CaptureAnalysisResult> {
  if (workers <= 1) return analyzeCaptureFile(path, opts);
  const base: Omit<WorkerInput, 'shard'> = { path, ports: opts.ports.spec };
  if (opts.maxFlows !== undefined) base.maxFlows = Math.ceil(opts.maxFlows / workers);
  if (opts.maxHeldBytes !== undefined) base.maxHeldBytes = opts.maxHeldBytes;
  if (opts.maxResults !== undefined) base.maxResults = opts.maxResults;
  const parts = await Promise.all(
    Array.from({ length: workers }, (_, index) => runWorker({ ...base, shard: { index, count: workers } })),
  );
  return mergeShards(parts);
}
