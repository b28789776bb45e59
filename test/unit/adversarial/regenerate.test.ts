/**
 * The committed adversarial corpus is exactly what the generator writes: every file byte for byte, nothing stale,
 * and two runs of the generator give the same bytes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildCorpus } from '../../adversarial/generate.js';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'adversarial', 'corpus');

describe('adversarial corpus regeneration', () => {
  const files = buildCorpus();
  it('writes the committed files byte for byte (run `npm run corpus` after changing a case)', () => {
    expect([...readdirSync(DIR)].sort()).toEqual([...files.keys()].sort());
    for (const [name, data] of files) expect(readFileSync(join(DIR, name)).equals(data), name).toBe(true);
  });
  it('is deterministic: a second build gives the same bytes', () => {
    const again = buildCorpus();
    for (const [name, data] of files) expect(again.get(name)?.equals(data), name).toBe(true);
  });
  it('stays small (< 2 MB in total)', () => {
    let total = 0;
    for (const data of files.values()) total += data.length;
    expect(total).toBeLessThan(2 * 1024 * 1024);
  });
});
