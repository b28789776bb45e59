/**
 * JSON Lines writer for log pipelines: one versioned event per line (schema `wireseal/event`, docs/events.md).
 * Order: one `run` event, then `capture`, `flow`, `mount` and `finding` events, then one `summary` event. A live
 * monitor emits the same events as they happen. Each event carries the run id so lines from several runs can be
 * told apart in one stream.
 */
import { once } from 'node:events';
import { fingerprints } from './fingerprint.js';
import type { CaptureResult, Finding, FlowResult, MountResult, ResultDocument } from './schema.js';

export const EVENT_SCHEMA = 'wireseal/event';
export const EVENT_SCHEMA_VERSION = '1.0';

interface EventBase {
  schema: typeof EVENT_SCHEMA;
  schemaVersion: string;
  /** Identifies the run: the command and its start time. */
  run: string;
}

export type WiresealEvent = EventBase &
  (
    | {
        event: 'run';
        command: string;
        tool: ResultDocument['tool'];
        resultSchemaVersion: string;
        generatedAt: string;
        policy?: ResultDocument['policy'];
      }
    | { event: 'capture'; capture: CaptureResult }
    | { event: 'flow'; flow: FlowResult }
    | { event: 'mount'; mount: MountResult }
    | { event: 'finding'; fingerprint: string; finding: Finding }
    | { event: 'summary'; summary: ResultDocument['summary']; warnings: string[] }
  );

/** The events of a result document, in order. */
export function* events(doc: ResultDocument): Generator<WiresealEvent> {
  const base = {
    schema: EVENT_SCHEMA,
    schemaVersion: EVENT_SCHEMA_VERSION,
    run: `${doc.command}@${doc.generatedAt}`,
  } as const;
  yield {
    ...base,
    event: 'run',
    command: doc.command,
    tool: doc.tool,
    resultSchemaVersion: doc.schemaVersion,
    generatedAt: doc.generatedAt,
    ...(doc.policy ? { policy: doc.policy } : {}),
  };
  for (const capture of doc.captures) yield { ...base, event: 'capture', capture };
  for (const flow of doc.flows) yield { ...base, event: 'flow', flow };
  for (const mount of doc.mounts ?? []) yield { ...base, event: 'mount', mount };
  const fps = fingerprints(doc);
  for (let i = 0; i < doc.findings.length; i++) {
    yield { ...base, event: 'finding', fingerprint: fps[i] as string, finding: doc.findings[i] as Finding };
  }
  yield { ...base, event: 'summary', summary: doc.summary, warnings: doc.warnings };
}

export async function writeJsonl(doc: ResultDocument, out: NodeJS.WritableStream): Promise<void> {
  for (const e of events(doc)) {
    if (!out.write(`${JSON.stringify(e)}\n`)) await once(out, 'drain');
  }
}
