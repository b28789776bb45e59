/**
 * Worker-thread entry for parallel analysis (see parallel.ts): reads the whole capture, analyses only its shard of
 * the flows, and posts the CaptureAnalysisResult back. Compiled to dist/src/engine/worker.js.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { TimeWindowSpec } from '../capture/time-window.js';
import { PortSet } from '../flow/ports.js';
import { analyzeCaptureFile } from './analyze.js';

export interface WorkerInput {
  path: string;
  ports: string;
  maxFlows?: number;
  maxHeldBytes?: number;
  maxResults?: number;
  listAll?: boolean;
  handshakeOnly?: boolean;
  filter?: string;
  timeWindow?: TimeWindowSpec;
  count?: number;
  /** UDP ports decoded as VXLAN / GENEVE (AnalyzeOptions), as the main thread was given them. */
  vxlanPorts?: number[];
  genevePorts?: number[];
  shard: { index: number; count: number };
}

const input = workerData as WorkerInput;
const { ports, path, ...rest } = input;
analyzeCaptureFile(path, { ...rest, ports: new PortSet(ports) }).then(
  (r) => parentPort?.postMessage({ ok: true, result: r }),
  (e: unknown) => parentPort?.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e) }),
);
