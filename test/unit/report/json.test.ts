import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { writeJson } from '../../../src/report/json.js';
import type { ResultDocument } from '../../../src/report/schema.js';

/** A document shaped like the real one where it matters to the writer: members around `flows`, nested flows. */
function doc(flows: number): ResultDocument {
  const list = [];
  for (let i = 0; i < flows; i++) {
    list.push({
      id: i + 1,
      transport: i % 2 === 0 ? 'tcp' : 'udp',
      client: { ip: `10.0.${i >> 8}.${i & 255}`, port: 40000 + i },
      findings: i % 3 === 0 ? [] : [{ code: 'NFS-CLEARTEXT', severity: 'high' }],
      tls: i % 5 === 0 ? {} : { version: '1.3', cipherSuiteId: 4865, note: 'a "quoted"\nline' },
      skipped: undefined,
      gaps: [1, null, 3],
    });
  }
  return {
    schemaVersion: '2.0',
    tool: { name: 'wireseal' },
    flows: list,
    summary: { flows },
  } as unknown as ResultDocument;
}

async function written(d: ResultDocument): Promise<string> {
  const out = new PassThrough();
  const parts: Buffer[] = [];
  out.on('data', (b: Buffer) => parts.push(b));
  await writeJson(d, out);
  out.end();
  return Buffer.concat(parts).toString('utf8');
}

describe('writeJson', () => {
  // Batches of 64 flows: none, one, exactly one batch, one over, several.
  for (const n of [0, 1, 64, 65, 200]) {
    it(`writes the text of JSON.stringify(doc, null, 2) for ${n} flows`, async () => {
      const d = doc(n);
      expect(await written(d)).toBe(`${JSON.stringify(d, null, 2)}\n`);
    });
  }

  it('writes the flows in more than one write when there are more than a batch', async () => {
    const out = new PassThrough();
    let writes = 0;
    out.on('data', () => writes++);
    await writeJson(doc(200), out);
    expect(writes).toBe(5); // the head with the first 64 flows, 3 more batches (64, 64, 8), the tail
  });
});
