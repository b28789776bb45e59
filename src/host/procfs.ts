/**
 * Pure readers of Linux /proc text: /proc/net/{tcp,tcp6,udp,udp6} socket tables and /proc/self/mountstats
 * (each NFS mount's transports). Bounded: at most MAX_LINES lines are looked at.
 */
import { ipv6ToString } from '../flow/address.js';
import { decodeOctal, parseMountOptions } from './mount-table.js';
import type { MountStat, SocketEntry } from './types.js';

const MAX_LINES = 200_000;

const TCP_STATES: Record<number, string> = {
  1: 'ESTABLISHED',
  2: 'SYN_SENT',
  3: 'SYN_RECV',
  4: 'FIN_WAIT1',
  5: 'FIN_WAIT2',
  6: 'TIME_WAIT',
  7: 'CLOSE',
  8: 'CLOSE_WAIT',
  9: 'LAST_ACK',
  10: 'LISTEN',
  11: 'CLOSING',
};

/** One 32-bit word of /proc/net hex, stored in host (little-endian) order, as four address bytes. */
function wordBytes(hex: string): number[] {
  const v = Number.parseInt(hex, 16) >>> 0;
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
}

/** `0100007F:0801` -> { ip: '127.0.0.1', port: 2049 }; null when malformed. */
export function parseHexEndpoint(text: string): { ip: string; port: number } | null {
  const colon = text.indexOf(':');
  if (colon < 0) return null;
  const addr = text.slice(0, colon);
  const port = Number.parseInt(text.slice(colon + 1), 16);
  if (!/^[0-9A-Fa-f]+$/.test(addr) || !Number.isFinite(port)) return null;
  if (addr.length === 8) return { ip: wordBytes(addr).join('.'), port };
  if (addr.length !== 32) return null;
  const bytes: number[] = [];
  for (let i = 0; i < 32; i += 8) bytes.push(...wordBytes(addr.slice(i, i + 8)));
  // IPv4-mapped ::ffff:a.b.c.d is shown as the IPv4 address, as flows name it.
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) {
    return { ip: bytes.slice(12).join('.'), port };
  }
  const w = (i: number) => ((bytes[i] << 24) | (bytes[i + 1] << 16) | (bytes[i + 2] << 8) | bytes[i + 3]) >>> 0;
  return { ip: ipv6ToString(w(0), w(4), w(8), w(12)), port };
}

/** Parses one /proc/net/{tcp,tcp6,udp,udp6} table. */
export function parseProcNet(text: string, proto: SocketEntry['proto']): SocketEntry[] {
  const out: SocketEntry[] = [];
  const lines = text.split('\n');
  const n = Math.min(lines.length, MAX_LINES);
  for (let i = 1; i < n; i++) {
    const f = lines[i].trim().split(/\s+/);
    if (f.length < 10) continue;
    const local = parseHexEndpoint(f[1]);
    const remote = parseHexEndpoint(f[2]);
    const st = Number.parseInt(f[3], 16);
    if (!local || !remote || !/^\d+$/.test(f[9])) continue;
    out.push({
      proto,
      local,
      remote,
      state: proto.startsWith('tcp') ? (TCP_STATES[st] ?? `0x${f[3]}`) : 'UNCONN',
      inode: Number(f[9]),
    });
  }
  return out;
}

/** Parses /proc/self/mountstats: NFS mounts with their options and transports (xprt lines). */
export function parseMountstats(text: string, file: string): MountStat[] {
  const out: MountStat[] = [];
  let cur: MountStat | null = null;
  const lines = text.split('\n');
  const n = Math.min(lines.length, MAX_LINES);
  for (let i = 0; i < n; i++) {
    const line = lines[i];
    const dev = /^device (\S+) mounted on (\S+) with fstype (\S+)/.exec(line);
    if (dev) {
      cur = null;
      if (dev[3] === 'nfs' || dev[3] === 'nfs4') {
        cur = {
          device: decodeOctal(dev[1]),
          mountPoint: decodeOctal(dev[2]),
          fsType: dev[3],
          options: {},
          transports: [],
          src: { file, line: i + 1 },
        };
        out.push(cur);
      }
      continue;
    }
    if (!cur) continue;
    const t = line.trim();
    if (t.startsWith('opts:')) cur.options = parseMountOptions(t.slice(5).trim());
    else if (t.startsWith('xprt:')) {
      const f = t.slice(5).trim().split(/\s+/);
      const proto = f[0];
      const port = Number(f[1]);
      if ((proto === 'tcp' || proto === 'udp') && Number.isInteger(port)) {
        cur.transports.push({ proto, localPort: port, src: { file, line: i + 1 } });
      }
    }
  }
  return out;
}
