/** One line per capture for the human writers (table, markdown): what decoding could not read, by reason. */
import type { BlindSpotsResult } from './schema.js';

function share(part: number, whole: number): string {
  if (whole <= 0) return '';
  return ` (${(Math.floor((part / whole) * 1000) / 10).toFixed(1)} %)`;
}

/** The top entries of a breakdown: "0x3030 x46, 0x88cc x2 +3 more". */
function top(m: Record<string, { packets: number }> | undefined): string {
  if (m === undefined) return '';
  const e = Object.entries(m).sort((a, b) => b[1].packets - a[1].packets);
  const shown = e.slice(0, 3).map(([k, v]) => `${k} x${v.packets}`);
  return shown.join(', ') + (e.length > 3 ? ` +${e.length - 3} more` : '');
}

/**
 * "46 of 48 packets, 12058624 of 12058720 bytes (99.9 %) not decoded: not-ip 46 (0x3030 x46); 2 to or from an
 * NFS port; control traffic (ARP, ICMP...) 0 bytes". Null when everything decoded.
 */
export function blindSpotText(b: BlindSpotsResult | undefined): string | null {
  if (b === undefined || b.packets === 0) return null;
  const reasons = Object.entries(b.byReason)
    .sort((x, y) => y[1].packets - x[1].packets)
    .map(([r, n]) => {
      const detail = r === 'not-ip' ? top(b.ethertypes) : r === 'ip-protocol' ? top(b.ipProtocols) : '';
      return `${r} ${n.packets}${detail ? ` (${detail})` : ''}`;
    });
  const parts = [
    `${b.packets} of ${b.ofPackets} packets, ${b.bytes} of ${b.ofBytes} bytes${share(b.bytes, b.ofBytes)} not decoded: ${reasons.join(', ')}`,
  ];
  if (b.nfsPorts.packets > 0) parts.push(`${b.nfsPorts.packets} to or from an NFS port`);
  if (b.control.packets > 0) parts.push(`${b.control.packets} of them control traffic (ARP, LLDP, STP, ICMP...)`);
  return parts.join('; ');
}
