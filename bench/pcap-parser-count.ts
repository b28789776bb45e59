/**
 * Counts the packets of a classic pcap with the npm `pcap-parser` package (the design brief's library), doing
 * nothing else: the floor of what a pipeline built on it could reach. Usage: node pcap-parser-count.js FILE
 */
import { createRequire } from 'node:module';

interface PcapParser {
  on(event: 'packet', cb: () => void): PcapParser;
  on(event: 'end', cb: () => void): PcapParser;
  on(event: 'error', cb: (e: Error) => void): PcapParser;
}
const pcapp = createRequire(import.meta.url)('pcap-parser') as { parse(path: string): PcapParser };

let packets = 0;
pcapp
  .parse(process.argv[2] ?? '')
  .on('packet', () => {
    packets++;
  })
  .on('end', () => {
    process.stdout.write(`${packets}\n`);
  })
  .on('error', (e) => {
    process.stderr.write(`pcap-parser: ${e.message}\n`);
    process.exitCode = 1;
  });
