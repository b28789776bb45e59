/**
 * The host-config exception to SUITE-NOT-SEEN (issue 10): a mid-stream TLS flow exits 4 unless the stunnel service
 * of the tunnel bound to it names only strong suites for every version it allows; then the finding is accepted
 * (reason in the JSON), the flow is counted `accepted`, never `verified`, and the run's outcome is `accepted`.
 */
import { describe, expect, it } from 'vitest';
import { judgeMounts, readHostInventory } from '../../../src/host/index.js';
import type { HostInventory, StunnelService } from '../../../src/host/types.js';
import type { FlowResult } from '../../../src/report/schema.js';
import { judgeRun } from '../../../src/verify/policy.js';
import { opensslToIana, pinnedSuites } from '../../../src/verify/suite-by-config.js';
import { flow } from './flows.js';

/** The aznfs-tls fixture's tunnel: accept 127.0.0.1:20049, connect 10.0.2.15:2049, sslVersion = TLSv1.3. */
async function host(options: Record<string, string>) {
  const inventory: HostInventory = await readHostInventory('test/fixtures/host/aznfs-tls');
  const service = inventory.stunnelConfigs.flatMap((c) => c.services).find((s) => s.name === '10.0.2.15')!;
  for (const [k, v] of Object.entries(options)) {
    if (v === '') delete service.options[k.toLowerCase()];
    else service.options[k.toLowerCase()] = [{ value: v, src: { file: '/etc/stunnel/test.conf', line: 20 } }];
  }
  return { inventory, mounts: judgeMounts(inventory) };
}

/** A mid-stream TLS flow to the tunnel's target: every byte protected records, suite not captured. */
function midStream(): FlowResult {
  const f = flow({ id: 4, client: '10.0.2.4:40000', server: '10.0.2.15:2049', cls: 'tls' });
  f.payload = { total: 9000, toServer: 4000, toClient: 5000 };
  f.verdictReason = 'TLS records throughout, every byte protected; handshake not captured: suite not captured';
  f.tls = {
    version: 'not captured',
    versionId: null,
    cipherSuiteId: null,
    cipherSuite: 'not captured',
    grade: 'unknown',
    gradeReasons: ['handshake not captured'],
    handshake: 'not-captured',
    helloRetryRequest: false,
    records: { changeCipherSpec: 0, alert: 0, handshake: 0, applicationData: 40, other: 0 },
    alerts: [],
    validRecordStream: true,
  };
  return f;
}

async function run(options: Record<string, string>) {
  const h = await host(options);
  const j = judgeRun(
    { captures: [], flows: [midStream()], inputDamaged: false, host: h },
    {
      minGrade: 'strong',
      minTls: '1.2',
    },
  );
  const s = j.findings.find((f) => f.code === 'SUITE-NOT-SEEN');
  return { exit: j.exitCode, outcome: j.outcome, wire: j.wire, accepted: s?.accepted };
}

describe('SUITE-NOT-SEEN accepted by the tunnel config', () => {
  it('without a named suite (sslVersion = TLSv1.3 only): not accepted, unproven, exit 4', async () => {
    const r = await run({});
    expect([r.exit, r.outcome, r.accepted, r.wire.unproven, r.wire.accepted]).toEqual([
      4,
      'inconclusive',
      undefined,
      1,
      undefined,
    ]);
  });
  it('ciphersuites = TLS_AES_256_GCM_SHA384 under TLSv1.3: accepted with the reason, outcome accepted (exit 0)', async () => {
    const r = await run({ ciphersuites: 'TLS_AES_256_GCM_SHA384' });
    expect([r.exit, r.outcome, r.wire.verified, r.wire.unproven, r.wire.accepted]).toEqual([0, 'accepted', 0, 0, 1]);
    expect(r.accepted).toEqual({
      by: 'host-config',
      reason:
        'suite not captured, but the tunnel config names it: /mnt/share: stunnel service [10.0.2.15] allows only strong suites, TLSv1.3 to TLSv1.3: ciphersuites = TLS_AES_256_GCM_SHA384 (/etc/stunnel/test.conf:20)',
    });
  });
  it('a named suite that is not strong, or TLS 1.2 allowed with no ciphers named: not accepted (exit 4)', async () => {
    expect((await run({ ciphersuites: 'TLS_AES_128_CCM_8_SHA256:TLS_SHA256_SHA256' })).exit).toBe(4);
    expect((await run({ ciphersuites: 'TLS_AES_256_GCM_SHA384', sslVersion: 'TLSv1.2' })).exit).toBe(4);
    expect((await run({ ciphersuites: 'TLS_AES_256_GCM_SHA384', sslVersion: '', sslVersionMin: 'TLSv1.2' })).exit).toBe(
      4,
    );
  });
  it('TLS 1.2 and 1.3 both pinned to strong suites: accepted', async () => {
    const r = await run({
      sslVersion: '',
      sslVersionMin: 'TLSv1.2',
      ciphersuites: 'TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256',
      ciphers: 'ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305',
    });
    expect([r.exit, r.outcome, r.accepted?.by]).toEqual([0, 'accepted', 'host-config']);
  });
  it('a cipher class (HIGH) or a CBC suite names nothing strong enough', async () => {
    const base = { sslVersion: 'TLSv1.2' };
    expect((await run({ ...base, ciphers: 'HIGH:!aNULL' })).exit).toBe(4);
    expect((await run({ ...base, ciphers: 'AES128-SHA' })).exit).toBe(4);
    expect((await run({ ...base, ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' })).exit).toBe(0);
  });
});

describe('pinnedSuites and opensslToIana', () => {
  it('maps OpenSSL names to IANA names', () => {
    expect(opensslToIana('ECDHE-RSA-AES256-GCM-SHA384')).toBe('TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384');
    expect(opensslToIana('ECDHE-ECDSA-CHACHA20-POLY1305')).toBe('TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256');
    expect(opensslToIana('AES128-SHA')).toBe('TLS_RSA_WITH_AES_128_CBC_SHA');
    expect(opensslToIana('DHE-RSA-AES128-GCM-SHA256')).toBe('TLS_DHE_RSA_WITH_AES_128_GCM_SHA256');
    expect(opensslToIana('HIGH')).toBeNull();
  });
  it("stunnel's defaults (TLSv1 to all, no names) pin nothing", () => {
    const service: StunnelService = { name: 's', src: { file: 'x.conf', line: 1 }, options: {} };
    expect(pinnedSuites(service)).toEqual({ pinned: false, reason: 'TLS 1.3 allowed but no ciphersuites named' });
  });
});
