/**
 * The adversarial corpus (test/adversarial, issues 10 and 11): wireseal on every case, asserting the NFS flow's
 * class and verdict, the finding codes and the exit code exactly. Cases whose rule is still pending on main are
 * listed in the manifest and left out of the asserted set; the plaintext statistic's detection rate over the cases
 * with plaintext inside records is printed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../adversarial/generate.js';
import { REPO, runWireseal } from '../helpers/lab-run.js';

const DIR = join(REPO, 'test', 'adversarial', 'corpus');
const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as Manifest;

interface Outcome {
  class: string | null;
  verdict: string | null;
  findings: string[];
  exit: number | null;
  anomalies: string[];
}

const outcomes = new Map<string, Outcome>();

async function judge(file: string): Promise<Outcome> {
  const r = await runWireseal(['verify-encryption', '--format', 'json', join(DIR, file)]);
  const flow = r.doc.flows.find((f) => f.server.port === 2049) ?? null;
  return {
    class: flow?.class ?? null,
    verdict: flow?.verdict ?? null,
    findings: [...new Set(r.doc.findings.map((f) => f.code))].sort(),
    exit: r.code,
    anomalies: (flow?.anomalies ?? []).map((a) => a.code),
  };
}

beforeAll(async () => {
  // Two at a time: the machine has two cores.
  const queue = [...manifest.cases];
  const worker = async () => {
    for (let c = queue.shift(); c !== undefined; c = queue.shift()) outcomes.set(c.id, await judge(c.file));
  };
  await Promise.all([worker(), worker()]);
}, 300_000);

describe('adversarial corpus: class, verdict, finding codes and exit code of every case', () => {
  it('has a legitimate twin for every adversarial rule, and every named twin exists', () => {
    const ids = new Set(manifest.cases.map((c) => c.id));
    for (const c of manifest.cases) if (c.twin !== undefined) expect(ids, `${c.id} twin`).toContain(c.twin);
    const twins = manifest.cases.filter((c) => c.expected.verdict === 'encrypted' && c.expected.exit === 0);
    expect(twins.length).toBeGreaterThanOrEqual(8);
  });

  for (const c of manifest.cases.filter((x) => x.pending === undefined)) {
    it(`${c.id}: ${c.expected.class ?? 'no flow'} / ${c.expected.verdict ?? '-'}, [${c.expected.findings.join(', ')}], exit ${c.expected.exit}`, () => {
      const o = outcomes.get(c.id)!;
      expect({ class: o.class, verdict: o.verdict, findings: o.findings, exit: o.exit }).toEqual(c.expected);
    });
  }

  it('pending cases still run to a result (no crash, no damaged-input exit)', () => {
    for (const c of manifest.cases.filter((x) => x.pending !== undefined)) {
      expect([0, 1, 4], c.id).toContain(outcomes.get(c.id)!.exit);
    }
  });

  it('PLAINTEXT-IN-RECORDS fires on every case with plaintext inside records (detection rate printed)', () => {
    const planted = manifest.cases.filter((c) => c.plaintextInRecords === true);
    const fired = planted.filter((c) => outcomes.get(c.id)!.anomalies.includes('PLAINTEXT-IN-RECORDS'));
    const clean = manifest.cases.filter(
      (c) => c.plaintextInRecords !== true && outcomes.get(c.id)!.anomalies.includes('PLAINTEXT-IN-RECORDS'),
    );
    process.stdout.write(
      `adversarial corpus: PLAINTEXT-IN-RECORDS detection ${fired.length}/${planted.length} cases with plaintext in records; ${clean.length} false alarms on the other ${manifest.cases.length - planted.length}\n`,
    );
    expect(fired.map((c) => c.id)).toEqual(planted.map((c) => c.id));
    expect(clean.map((c) => c.id)).toEqual([]);
  });
});
