/**
 * The output writers on a large listing: milliseconds to write the table (verify-encryption's verdict columns, and
 * `flows`' counter columns) and the JSON of 25,000 flows, the most a capture lists (`--max-listed`). The flows are
 * those of a real result document (by default the short mix's, which `npm run bench` keeps in the cache directory)
 * repeated with new ids and client ports until there are enough; its findings are kept as they are. Output goes to a
 * stream that counts bytes and drops them.
 *
 * Usage: node dist/bench/table-rows.js [DOCUMENT.json] [ROWS] [ROUNDS]   (a bench script: CI never times anything)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
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

async function main(): Promise<void> {
  const dir = process.env.WIRESEAL_BENCH_DIR ?? '/tmp/wireseal-bench';
  const file = process.argv[2] ?? join(dir, 'verify-wireseal-bench-short100m.pcap.json');
  const rows = Number(process.argv[3] ?? 25_000);
  const rounds = Number(process.argv[4] ?? 6);
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
      (out) => writeTable(doc, out, { verdicts: true, width: Infinity, unicode: false }),
    ],
    [
      'table, verify-encryption, 120 columns',
      (out) => writeTable(doc, out, { verdicts: true, width: 120, unicode: true }),
    ],
    ['table, flows columns', (out) => writeTable(doc, out, { verdicts: false, width: Infinity, unicode: false })],
    ['json', (out) => writeJson(doc, out)],
  ];
  console.log(`writers: ${rows} flows (from ${file}), ${rounds - 1} rounds after one warm-up`);
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
    const f = (x: number): string => x.toFixed(0);
    console.log(
      `${what}: median ${f(v[Math.floor(v.length / 2)]!)} ms, min ${f(v[0]!)}, max ${f(v[v.length - 1]!)} (${bytes} bytes)`,
    );
  }
}

await main();
