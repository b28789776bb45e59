/** How results name flows and endpoints in text: one place, so findings, writers and tests agree. */
import type { Endpoint, FlowResult } from './schema.js';

/** A flow's reference in findings: "<capture>#<transport>.<id>" (tshark's stream naming). */
export function flowRef(f: FlowResult): string {
  return `${f.capture}#${f.transport}.${f.id}`;
}

/** The capture part of a flow reference. */
export function refCapture(ref: string): string {
  return ref.slice(0, ref.lastIndexOf('#'));
}

/** "10.0.0.1:2049", "[2001:db8::1]:2049". */
export function endpointText(e: Endpoint): string {
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}
