/**
 * DOWNGRADE: one mount (or one tunnel target) reached over TLS whose connection ended abruptly, then reached in
 * cleartext. Abrupt: a TCP RST, no FIN captured, or no close_notify seen (TLS 1.2 and below show an alert record
 * at a clean shutdown; in TLS 1.3 the alert is encrypted, so a close_notify is never seen there). Times are the
 * capture's (UTC). Reads results, never bytes.
 */
import { endpointText } from '../report/refs.js';
import type { FlowResult } from '../report/schema.js';

export interface Downgrade {
  message: string;
  /** The abrupt TLS flows and the cleartext flows after them. */
  flows: FlowResult[];
  tlsUntil: string;
  cleartextFrom: string;
}

/** How a TLS flow ended when it ended abruptly; null when it closed cleanly (or is not TCP). */
export function abruptEnd(f: FlowResult): string | null {
  if (f.transport !== 'tcp') return null;
  if (f.tcpEnd === 'rst') return 'RST';
  if (f.tcpEnd === 'open' || f.tcpEnd === 'half-closed') return 'no FIN captured';
  const t = f.tls;
  if (!t) return null;
  if (t.versionId === 0x0304) return 'FIN, close_notify not visible (TLS 1.3)';
  return t.records.alert === 0 ? 'FIN without close_notify' : null;
}

function tlsText(f: FlowResult): string {
  const t = f.tls ?? f.dtls;
  return t ? `${t.version} ${t.cipherSuite}` : f.class;
}

/** The downgrade among a mount's (or target's) encrypted and cleartext flows, or null. */
export function downgradeOf(encrypted: FlowResult[], cleartext: FlowResult[]): Downgrade | null {
  const abrupt = encrypted.filter((f) => abruptEnd(f) !== null).sort((a, b) => (a.lastSeen < b.lastSeen ? -1 : 1));
  if (abrupt.length === 0 || cleartext.length === 0) return null;
  const firstTls = abrupt[0].firstSeen;
  const after = cleartext.filter((c) => c.firstSeen >= firstTls).sort((a, b) => (a.firstSeen < b.firstSeen ? -1 : 1));
  if (after.length === 0) return null;
  const switchAt = after[0].firstSeen;
  // The TLS connection the switch follows: the last abrupt one that started before the cleartext did.
  const before = abrupt.filter((f) => f.firstSeen <= switchAt);
  const last = before.at(-1) ?? abrupt[0];
  const clients = [...new Set(after.map((f) => f.client.ip))].join(', ');
  const servers = [...new Set(after.map((f) => endpointText(f.server)))].join(', ');
  return {
    message:
      `reached over ${tlsText(last)} to ${endpointText(last.server)} until ${last.lastSeen} (connection ended abruptly: ${abruptEnd(last)}), ` +
      `then in cleartext to ${servers} from ${switchAt} (${after.length} flows from ${clients})`,
    flows: [...before, ...after],
    tlsUntil: last.lastSeen,
    cleartextFrom: switchAt,
  };
}
