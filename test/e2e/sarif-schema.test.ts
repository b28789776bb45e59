/**
 * SARIF output validated against the OASIS SARIF 2.1.0 schema (test/schemas/sarif-schema-2.1.0.json; source in
 * test/schemas/README.md) with ajv, on clean, cleartext, host, missing and truncated runs; a missing or damaged
 * capture is a failed invocation with a notification naming the file and byte offset.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, describe, expect, it } from 'vitest';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const tmp = mkdtempSync(path.join(tmpdir(), 'wireseal-sarif-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(readFileSync('test/schemas/sarif-schema-2.1.0.json', 'utf8')));

const CLEAN = 'captures/lab/nfs4-stunnel-tls13-aes256gcm.pcapng';
const CLEAR = 'captures/lab/nfs4-cleartext.pcap';
const MISSING = path.join(tmp, 'missing.pcap');
const TRUNCATED = path.join(tmp, 'truncated.pcap');
writeFileSync(TRUNCATED, readFileSync(CLEAR).subarray(0, 3000));

interface Sarif {
  runs: {
    invocations: { executionSuccessful: boolean; exitCode: number; toolExecutionNotifications?: unknown[] }[];
    results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[];
    tool: { driver: { rules: { id: string; help: { text: string }; properties: Record<string, unknown> }[] } };
  }[];
}

function sarif(args: string[]): { code: number | null; log: Sarif } {
  const r = spawnSync('node', ['bin/wireseal.js', 'verify-encryption', ...args, '--format', 'sarif'], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, log: JSON.parse(r.stdout) as Sarif };
}

describe('SARIF against the OASIS 2.1.0 schema', () => {
  it.each([
    ['clean', [CLEAN], 0, true],
    ['cleartext', [CLEAR], 1, true],
    ['cleartext with host config', [CLEAR, '--host-root', 'test/fixtures/host/efs-stunnel-verify0'], 1, true],
    ['missing', [MISSING], 3, false],
    ['truncated', [TRUNCATED], 3, false],
    ['clean and missing', [CLEAN, MISSING], 3, false],
  ] as const)('%s capture: valid, executionSuccessful as the input allows', (_name, args, code, ok) => {
    const r = sarif([...args]);
    expect(r.code).toBe(code);
    expect(validate(r.log), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const inv = r.log.runs[0]!.invocations[0]!;
    expect(inv.executionSuccessful).toBe(ok);
    expect(inv.exitCode).toBe(code);
  });
  it('a missing capture: a failed invocation with an error notification naming the file and offset', () => {
    const inv = sarif([MISSING]).log.runs[0]!.invocations[0]!;
    expect(inv.toolExecutionNotifications).toEqual([
      {
        level: 'error',
        message: { text: expect.stringMatching(/missing\.pcap: io at byte 0: ENOENT/) },
        descriptor: { id: 'INPUT-IO' },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: expect.stringMatching(/^file:\/\/\/.*missing\.pcap$/) },
              region: { byteOffset: 0 },
            },
          },
        ],
      },
    ]);
  });
  it('rules have help and security-severity; one location per capture, relative to CAPTUREROOT', () => {
    const run = sarif([CLEAR, CLEAR]).log.runs[0]!;
    const rule = run.tool.driver.rules[0]!;
    expect(rule.id).toBe('CLEARTEXT-NFS');
    expect(rule.help.text).toMatch(/^Mount with encryption in transit/);
    expect(rule.properties['security-severity']).toBe('8.0');
    expect(run.results[0]!.locations.map((l) => l.physicalLocation.artifactLocation)).toEqual([
      { uri: 'captures/lab/nfs4-cleartext.pcap', uriBaseId: 'CAPTUREROOT' },
    ]);
  });
  it('the validator does reject a broken log', () => {
    const log = sarif([CLEAR]).log as unknown as { runs: { results: { level: string }[] }[] };
    log.runs[0]!.results[0]!.level = 'fatal';
    expect(validate(log)).toBe(false);
  });
});
