/**
 * Times parts of wireseal's pipeline in one process, for the benchmark's breakdown:
 *   read     capture reader only (readCapture, packets counted)
 *   decode   reader + link/IP/TCP/UDP decode
 *   analyze  reader + decode + flow table + classifiers (CaptureAnalysis), without report writing
 * Usage: node stages.js MODE FILE   (prints packets)
 */
import { readCapture } from '../src/capture/read.js';
import type { PacketRecord } from '../src/capture/types.js';
import { decodePacket } from '../src/decode/decode.js';
import { FragmentReassembler } from '../src/decode/fragments.js';
import { newDecodedPacket } from '../src/decode/types.js';
import { CaptureAnalysis } from '../src/engine/analyze.js';
import { DEFAULT_PORT_SPEC, PortSet } from '../src/flow/ports.js';

export const STAGES = ['read', 'decode', 'analyze'] as const;
export type Stage = (typeof STAGES)[number];

async function run(mode: string, file: string): Promise<number> {
  let ok = 0;
  if (mode === 'read') {
    const s = await readCapture(file, () => {
      ok++;
    });
    return s.packets;
  }
  if (mode === 'decode') {
    const out = newDecodedPacket();
    const frags = new FragmentReassembler();
    await readCapture(file, (rec: PacketRecord) => {
      if (decodePacket(rec, out, frags) === 'ok') ok++;
    });
    return ok;
  }
  if (mode === 'analyze') {
    const a = new CaptureAnalysis(file, { ports: new PortSet(DEFAULT_PORT_SPEC) });
    const r = a.finish(await readCapture(file, a.onPacket));
    return r.capture.packets;
  }
  throw new Error(`unknown mode ${mode}`);
}

if (process.argv[1]?.endsWith('stages.js')) {
  run(process.argv[2] ?? '', process.argv[3] ?? '').then(
    (n) => process.stdout.write(`${n}\n`),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
