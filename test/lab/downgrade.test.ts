/**
 * The downgrade incident made minutes ago: lab/downgrade/make-downgrade-capture.sh runs the live lab (real
 * nfs-ganesha, real stunnel pair), kills the tunnel in the middle of a download, falls back to cleartext to the same
 * mount target, and runs the real `collect` in the client namespace. Same assertions as the e2e test on
 * captures/lab-downgrade. Root only (scripts/run-lab-tests.js decides); callers hold /tmp/wireseal-lab.lock.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { downgradeLabTests, makeDowngradeCapture } from '../helpers/downgrade-lab.js';

let base = '';

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'wireseal-dglab-'));
  const s = await makeDowngradeCapture(join(base, 'out'), join(base, 'state'));
  console.log(`make-downgrade-capture.sh: ${s.toFixed(1)}s`);
}, 300_000);

afterAll(async () => {
  if (base) await rm(base, { recursive: true, force: true });
});

describe('fresh downgrade lab run', () => {
  downgradeLabTests(() => join(base, 'out'));
});
