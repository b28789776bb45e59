/**
 * A crafted TCP connection as a classic pcap, for end-to-end tests through the CLI: 10.0.0.1:`clientPort` to
 * 10.0.0.2:`serverPort`, a three-way handshake, then payload segments (one per step) and FINs in the order given.
 * Built on the adversarial corpus's packet builders (test/adversarial/builders/net.ts).
 */
import { TcpConn, Trace } from '../adversarial/builders/net.js';

/** One step: payload from the client (0) or the server (1), or that side's FIN. */
export type SessionStep = [0 | 1, Uint8Array | number[]] | [0 | 1, 'fin'];

/** The pcap bytes of one connection from 10.0.0.1:`clientPort` to 10.0.0.2:`serverPort`. */
export function tcpSessionPcap(steps: SessionStep[], serverPort = 2049, clientPort = 51000): Buffer {
  const trace = new Trace();
  const conn = new TcpConn(trace, { ip: '10.0.0.1', port: clientPort }, { ip: '10.0.0.2', port: serverPort });
  conn.handshake();
  for (const [dir, what] of steps) {
    const side = dir === 0 ? 'c' : 's';
    if (what === 'fin') conn.fin(side);
    else conn.send(side, Uint8Array.from(what), { mss: 65_000 });
  }
  return trace.pcap();
}
