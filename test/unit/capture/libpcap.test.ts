/**
 * wireseal's libpcap addon: offline BPF filters over crafted frames (in place, at an offset), pcap's own error
 * messages, loading in a worker thread, and (root) the live handle's lifetime: closed from inside its own batch
 * callback, closed twice, statistics after close, and garbage collection in between, without a crash.
 */
import { createSocket } from 'node:dgram';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { type AddonError, type LibpcapAddon, loadLibpcap } from '../../../src/capture/libpcap.js';

const loaded = loadLibpcap();
const addon = typeof loaded === 'string' ? null : loaded;
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Ethernet + IPv4 + TCP header, ports as given, 20 bytes of zero payload. */
function tcpFrame(srcPort: number, dstPort: number): Buffer {
  const b = Buffer.alloc(14 + 20 + 20 + 20);
  b.writeUInt16BE(0x0800, 12);
  b[14] = 0x45;
  b.writeUInt16BE(60 + 20 - 14, 16);
  b[22] = 64;
  b[23] = 6;
  b.writeUInt32BE(0xc0000201, 26);
  b.writeUInt32BE(0xc0000214, 30);
  b.writeUInt16BE(srcPort, 34);
  b.writeUInt16BE(dstPort, 36);
  b[46] = 0x50;
  return b;
}

function gc(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

function need(a: LibpcapAddon | null): LibpcapAddon {
  if (a === null) throw new Error(String(loaded));
  return a;
}

describe.skipIf(addon === null)('libpcap addon: offline filters', () => {
  it('keeps exactly the frames the expression selects, read in place at an offset', () => {
    const f = new (need(addon).BpfFilter)(1, 262144, 'tcp port 2049');
    expect(f.match(tcpFrame(700, 2049), 0, 74, 74)).toBe(true);
    expect(f.match(tcpFrame(2049, 700), 0, 74, 74)).toBe(true);
    expect(f.match(tcpFrame(700, 2050), 0, 74, 74)).toBe(false);
    const shifted = Buffer.concat([Buffer.alloc(9, 0xff), tcpFrame(700, 2049)]);
    expect(f.match(shifted, 9, 74, 74)).toBe(true);
    expect(f.match(shifted, 0, 74, 74)).toBe(false);
    // `greater` reads the original length, not the captured one.
    const big = new (need(addon).BpfFilter)(1, 262144, 'greater 1000');
    expect(big.match(tcpFrame(1, 2), 0, 74, 1500)).toBe(true);
    expect(big.match(tcpFrame(1, 2), 0, 74, 74)).toBe(false);
  });

  it('compiles per link type: Linux SLL frames put the protocol at byte 14', () => {
    const sll = Buffer.concat([Buffer.alloc(16), tcpFrame(700, 2049).subarray(14)]);
    sll.writeUInt16BE(0x0800, 14);
    const f = new (need(addon).BpfFilter)(113, 262144, 'tcp dst port 2049');
    expect(f.match(sll, 0, sll.length, sll.length)).toBe(true);
  });

  it("throws libpcap's message with code EFILTER on a bad expression; refuses a packet outside the buffer", () => {
    const a = need(addon);
    let err: AddonError | undefined;
    try {
      new a.BpfFilter(1, 262144, 'tcp prot 2049');
    } catch (e) {
      err = e as AddonError;
    }
    expect(err?.code).toBe('EFILTER');
    expect(err?.message).toBe('bad filter "tcp prot 2049": can\'t parse filter expression: syntax error');
    const f = new a.BpfFilter(1, 262144, 'tcp');
    expect(() => f.match(Buffer.alloc(10), 4, 10, 10)).toThrow('match: packet outside the buffer');
  });

  it('loads and filters in a worker thread too (context-aware)', async () => {
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      const a = require(workerData);
      const f = new a.BpfFilter(1, 65535, 'udp');
      parentPort.postMessage(a.libVersion() + ' ' + f.match(Buffer.alloc(60), 0, 60, 60));`;
    const run = (): Promise<string> =>
      new Promise((resolve, reject) => {
        const w = new Worker(code, { eval: true, workerData: addonPath() });
        w.once('message', (m: string) => {
          resolve(m);
          void w.terminate();
        });
        w.once('error', reject);
      });
    const [one, two] = await Promise.all([run(), run()]);
    expect(one).toMatch(/^libpcap version \d+\.\d+\.\d+.* false$/);
    expect(two).toBe(one);
  });
});

function addonPath(): string {
  return new URL('../../../build/Release/wireseal_pcap.node', import.meta.url).pathname;
}

describe.skipIf(addon === null || !isRoot)('libpcap addon: live handle lifetime (root)', () => {
  it('closes from inside its batch callback, twice, keeps its statistics, and survives GC', async () => {
    const a = need(addon);
    const port = 40000 + (process.pid % 20000);
    const tx = createSocket('udp4');
    for (let round = 0; round < 20; round++) {
      let batches = 0;
      let packets = 0;
      const done = new Promise<void>((resolve) => {
        const h = new a.LiveCapture('lo', { immediate: true, filter: `udp dst port ${port}` }, function (n) {
          batches++;
          packets += n;
          this.close();
          this.close();
          resolve();
        });
        expect(h.linkType).toBe(1);
      });
      await new Promise((r) => setTimeout(r, 20));
      for (let i = 0; i < 3; i++) await new Promise((r) => tx.send(Buffer.from('x'), port, '127.0.0.1', r));
      await done;
      expect(batches).toBe(1);
      expect(packets).toBeGreaterThan(0);
      gc();
    }
    // Opened and closed before any packet: statistics still answer, close stays idempotent.
    const h = new a.LiveCapture('lo', {}, () => undefined);
    h.close();
    expect(h.stats()).toEqual({ received: 0, dropped: 0, ifDropped: 0 });
    h.close();
    gc();
    await new Promise((r) => setTimeout(r, 50));
    gc();
    tx.close();
  }, 30_000);
});
