/**
 * Kerberos traffic made minutes ago: lab/kerberos/make-krb-captures.sh sets up an MIT KDC and nfs-ganesha with
 * SecType krb5/krb5i/krb5p in network namespaces, runs the lab's RPCSEC_GSS client for each service and records
 * four captures with their tshark ground truth. Same assertions as the e2e tests on captures/lab-krb. Root only
 * (scripts/run-lab-tests.js decides); callers sharing the machine hold /tmp/wireseal-lab.lock.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { krbLabTests, makeKrbCaptures } from '../helpers/krb-lab.js';

let base = '';

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'wireseal-krblab-'));
  const r = await makeKrbCaptures(join(base, 'out'), join(base, 'state'));
  console.log(`make-krb-captures.sh: ${r.seconds.toFixed(1)}s`);
}, 300_000);

afterAll(async () => {
  if (base) await rm(base, { recursive: true, force: true });
});

describe('fresh Kerberos lab captures', () => {
  krbLabTests(() => join(base, 'out'));
});
