/**
 * Flows without payload (a SYN flood) are listed up to a quota and counted past it, so they neither hold memory
 * nor push the flows that carry data out of the listing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateCapture, readTruth } from '../../../bench/generate.js';
import { analyzeCaptureFile } from '../../../src/engine/analyze.js';
import { DEFAULT_PORT_SPEC, PortSet } from '../../../src/flow/ports.js';

const dir = mkdtempSync(join(tmpdir(), 'wireseal-empty-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('flows without payload', { timeout: 30_000 }, () => {
  it('lists the first maxEmptyListed, counts the rest, and keeps every flow that carried data listed', async () => {
    const path = join(dir, 'syn.pcap');
    const gen = generateCapture({ path, format: 'pcap', mix: 'syn-flood', targetBytes: 3000 });
    const whole = readTruth(gen.truthPath).filter((t) => t.count === undefined);
    expect(whole.length).toBe(4);
    const r = await analyzeCaptureFile(path, {
      ports: new PortSet(DEFAULT_PORT_SPEC),
      listAll: false,
      maxEmptyListed: 100,
    });
    expect(r.capture.flowsTotal).toBe(3004);
    expect(r.flows.length).toBe(104);
    expect(r.flows.filter((f) => f.payload.total === 0).map((f) => [f.class, f.verdict, f.verdictReason])).toEqual(
      Array.from({ length: 100 }, () => ['none', 'unknown', 'no payload captured']),
    );
    const listed = new Set(r.flows.map((f) => `${f.client.ip}:${f.client.port}`));
    for (const t of whole) expect(listed.has(`${t.client.ip}:${t.client.port}`), t.id).toBe(true);
    expect(r.capture.unlisted).toEqual({
      total: 2900,
      byClass: { none: 2900 },
      nfsRelevantByVerdict: { unknown: 2900 },
      nfsRelevantKinds: [],
    });
  });
});
