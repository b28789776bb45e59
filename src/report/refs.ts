/** How results name flows and endpoints in text: one place, so findings, writers and tests agree. */
import type { Endpoint, FlowResult, ViaHop } from './schema.js';

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

/** One encapsulation path in text: "erspan session 20 > vxlan vni 5" ("-" when none). */
export function viaText(via: ViaHop[] | undefined): string {
  if (via === undefined || via.length === 0) return '-';
  return via
    .map((h) => {
      const id =
        h.vni !== undefined
          ? ` vni ${h.vni}`
          : h.key !== undefined
            ? ` key ${h.key}`
            : h.session !== undefined
              ? ` session ${h.session}`
              : h.label !== undefined
                ? ` label ${h.label}`
                : h.teid !== undefined
                  ? ` teid ${h.teid}`
                  : '';
      return `${h.type}${id}`;
    })
    .join(' > ');
}

/** A flow's encapsulation paths: one, or "to-server path / to-client path" when the directions differ. */
export function flowViaText(f: FlowResult): string {
  const v = viaText(f.via);
  return f.viaToClient === undefined ? v : `${v} / ${viaText(f.viaToClient)}`;
}

/** An encrypted tunnel's endpoint: "ip:port" for UDP-carried tunnels, the address alone for ESP (no ports). */
export function tunnelEndpointText(e: Endpoint): string {
  return e.port === 0 ? e.ip : endpointText(e);
}
