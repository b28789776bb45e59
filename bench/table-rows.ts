/**
 * The output writers on a large listing: milliseconds to write the table (verify-encryption's verdict columns, and
 * `flows`' counter columns) and the JSON of 25,000 flows, the most a capture lists (`--max-listed`). The flows are
 * those of a real result document (by default the short mix's, which `npm run bench` keeps in the cache directory)
 * repeated with new ids and client ports until there are enough; its findings are kept as they are. Output goes to a
 * stream that counts bytes and drops them.
 *
 * Usage: node dist/bench/table-rows.js [DOCUMENT.json] [ROWS] [ROUNDS]   (npm run bench runs it after the mixes)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { writeJson } from '../src/report/json.js';
import type { FlowResult, ResultDocument } from '../src/report/schema.js';
import { writeTable } from '../src/report/table.js';

function sink(): { out: Writable; bytes: () => number } {
  let n = 0;
  const out = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      n += chunk.length;
      done();
    },
  });
  return { out, bytes: () => n };
}

function grow(doc: ResultDocument, rows: number): ResultDocument {
  const src = doc.flows;
  if (src.length === 0) throw new Error('the document lists no flows');
  const flows: FlowResult[] = [];
  for (let i = 0; i < rows; i++) {
    const f = src[i % src.length]!;
    const round = Math.floor(i / src.length);
    flows.push({ ...f, id: i + 1, client: { ...f.client, port: (f.client.port + round) & 0xffff } });
  }
  return { ...doc, flows, summary: { ...doc.summary, flows: rows } };
}

export interface WriterTime {
  what: string;
  medianMs: number;
  minMs: number;
  maxMs: number;
  bytes: number;
}

/** Times each writer on `rows` flows grown from the document in `file`: `rounds` runs, the first not counted. */
export async function writerTimes(file: string, rows: number, rounds: number): Promise<WriterTime[]> {
  let source: ResultDocument;
  try {
    source = JSON.parse(readFileSync(file, 'utf8')) as ResultDocument;
  } catch (e) {
    throw new Error(`cannot read ${file} (run npm run bench -- --only short first): ${(e as Error).message}`);
  }
  const doc = grow(source, rows);
  const cases: [string, (out: Writable) => Promise<void> | void][] = [
    [
      'table, verify-encryption columns',
      (out) => writeTable(doc, out, { verdicts: true, width: Number.POSITIVE_INFINITY, unicode: false }),
    ],
    [
      'table, verify-encryption, 120 columns',
      (out) => writeTable(doc, out, { verdicts: true, width: 120, unicode: true }),
    ],
    [
      'table, flows columns',
      (out) => writeTable(doc, out, { verdicts: false, width: Number.POSITIVE_INFINITY, unicode: false }),
    ],
    ['json', (out) => writeJson(doc, out)],
  ];
  const times: WriterTime[] = [];
  for (const [what, run] of cases) {
    const ms: number[] = [];
    let bytes = 0;
    for (let r = 0; r < rounds; r++) {
      const s = sink();
      const t0 = process.hrtime.bigint();
      await run(s.out);
      ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
      bytes = s.bytes();
    }
    const v = ms.slice(1).sort((x, y) => x - y);
    times.push({ what, medianMs: v[Math.floor(v.length / 2)]!, minMs: v[0]!, maxMs: v[v.length - 1]!, bytes });
  }
  return times;
}

export function writerTimeLine(t: WriterTime): string {
  const f = (x: number): string => x.toFixed(0);
  return `${t.what}: median ${f(t.medianMs)} ms, min ${f(t.minMs)}, max ${f(t.maxMs)} (${t.bytes} bytes)`;
}

export const SHORT_MIX_DOCUMENT = 'verify-wireseal-bench-short100m.pcap.json';

async function main(): Promise<void> {
  const dir = process.env.WIRESEAL_BENCH_DIR ?? '/tmp/wireseal-bench';
  const file = process.argv[2] ?? join(dir, SHORT_MIX_DOCUMENT);
  const rows = Number(process.argv[3] ?? 25_000);
  const rounds = Number(process.argv[4] ?? 6);
  const times = await writerTimes(file, rows, rounds);
  console.log(`writers: ${rows} flows (from ${file}), ${rounds - 1} rounds after one warm-up`);
  for (const t of times) console.log(writerTimeLine(t));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
