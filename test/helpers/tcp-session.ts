/**
 * A crafted TCP connection as a classic pcap (Ethernet, IPv4, TCP with real sequence numbers): a three-way
 * handshake, then payload segments and FINs in the order given. For end-to-end tests through the CLI.
 */

/** One step: payload from the client (0) or the server (1), or that side's FIN. */
export type SessionStep = [0 | 1, Uint8Array | number[]] | [0 | 1, 'fin'];

const CLIENT = [10, 0, 0, 1];
const SERVER = [10, 0, 0, 2];

function checksum16(b: Buffer): number {
  let sum = 0;
  for (let i = 0; i + 1 < b.length; i += 2) sum += b.readUInt16BE(i);
  if (b.length % 2 === 1) sum += b[b.length - 1]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function frame(
  dir: 0 | 1,
  sport: number,
  dport: number,
  seq: number,
  ack: number,
  flags: number,
  data: Buffer,
): Buffer {
  const tcp = Buffer.alloc(20);
  tcp.writeUInt16BE(sport, 0);
  tcp.writeUInt16BE(dport, 2);
  tcp.writeUInt32BE(seq >>> 0, 4);
  tcp.writeUInt32BE(ack >>> 0, 8);
  tcp[12] = 5 << 4;
  tcp[13] = flags;
  tcp.writeUInt16BE(65535, 14);
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(40 + data.length, 2);
  ip[8] = 64;
  ip[9] = 6;
  Buffer.from(dir === 0 ? CLIENT : SERVER).copy(ip, 12);
  Buffer.from(dir === 0 ? SERVER : CLIENT).copy(ip, 16);
  ip.writeUInt16BE(checksum16(ip), 10);
  const pseudo = Buffer.concat([ip.subarray(12, 20), Buffer.from([0, 6, 0, 0]), tcp, data]);
  pseudo.writeUInt16BE(20 + data.length, 10);
  tcp.writeUInt16BE(checksum16(pseudo), 16);
  const eth = Buffer.alloc(14);
  eth[5] = dir === 0 ? 1 : 2;
  eth[11] = dir === 0 ? 2 : 1;
  eth.writeUInt16BE(0x0800, 12);
  return Buffer.concat([eth, ip, tcp, data]);
}

/** The pcap bytes of one connection from 10.0.0.1:`clientPort` to 10.0.0.2:`serverPort`. */
export function tcpSessionPcap(steps: SessionStep[], serverPort = 2049, clientPort = 51000): Buffer {
  const seq: [number, number] = [1000, 5000];
  const ports: [[number, number], [number, number]] = [
    [clientPort, serverPort],
    [serverPort, clientPort],
  ];
  const frames: Buffer[] = [];
  const push = (dir: 0 | 1, flags: number, data: Buffer) => {
    const [sp, dp] = ports[dir];
    frames.push(frame(dir, sp, dp, seq[dir], seq[dir === 0 ? 1 : 0], flags, data));
    seq[dir] += data.length + (flags & 0x03 ? 1 : 0);
  };
  push(0, 0x02, Buffer.alloc(0)); // SYN
  push(1, 0x12, Buffer.alloc(0)); // SYN-ACK
  push(0, 0x10, Buffer.alloc(0)); // ACK
  for (const [dir, what] of steps) {
    if (what === 'fin') push(dir, 0x11, Buffer.alloc(0));
    else push(dir, 0x18, Buffer.from(what));
  }
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(262144, 16);
  header.writeUInt32LE(1, 20);
  const parts: Buffer[] = [header];
  frames.forEach((f, i) => {
    const r = Buffer.alloc(16);
    r.writeUInt32LE(1_700_000_000 + i, 0);
    r.writeUInt32LE(f.length, 8);
    r.writeUInt32LE(f.length, 12);
    parts.push(r, f);
  });
  return Buffer.concat(parts);
}
