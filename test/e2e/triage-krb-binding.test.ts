/**
 * Binding by strength on the Kerberos lab (captures/lab-krb + its host bundle): two mounts of one server from one
 * client address, sec=krb5p and sec=krb5i. Each flow belongs to the mount whose mountstats transport has its client
 * port; without mountstats, to the mount whose sec= allows the flavor its calls use. The krb5i flow never makes the
 * krb5p mount BYPASS. A flow neither tells apart (sec=krb5, allowed by neither mount) stays with both.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ResultDocument } from '../../src/report/schema.js';
import type { TriageDocument } from '../../src/triage/report.js';
import { runProcess, WIRESEAL } from '../helpers/lab-run.js';

const DIR = 'captures/lab-krb';
const HOST = `${DIR}/host`;
const KRB5I = `${DIR}/nfs4-krb5i.pcap`;
const KRB5P = `${DIR}/nfs4-krb5p.pcap`;
const KRB5 = `${DIR}/nfs4-krb5.pcap`;

const tmp = mkdtempSync(path.join(tmpdir(), 'wireseal-krb-binding-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The CLI, asynchronously (a long synchronous test would stall vitest's worker under load). */
function cli(args: string[]) {
  return runProcess(process.execPath, [WIRESEAL, ...args], process.env, 60_000);
}

async function triage(args: string[]): Promise<TriageDocument> {
  const r = await cli(['triage', ...args, '--format', 'json']);
  return JSON.parse(r.stdout) as TriageDocument;
}

function segments(doc: TriageDocument): string[][] {
  return doc.timelines.flatMap((t) =>
    t.segments.map((s) => [s.protection, s.mount ?? '', s.binding ?? '', s.flows.map((f) => path.basename(f)).join()]),
  );
}

const codes = (fs: { code: string; mount?: string }[]) => fs.map((f) => `${f.code}:${f.mount ?? ''}`).sort();

describe('Kerberos lab: each flow bound to its own mount', () => {
  it('mountstats ports: the krb5i flow is /mnt/krb5i (BYPASS), the krb5p flow proves /mnt/krb5p', async () => {
    const doc = await triage([KRB5I, KRB5P, '--host-root', HOST]);
    expect(doc.summary.exitCode).toBe(1);
    expect(codes(doc.findings)).toEqual(['BYPASS:/mnt/krb5i', 'GSS-LEASE-NOT-PRIVATE:']);
    expect(segments(doc)).toEqual([
      ['cleartext NFSv4', '/mnt/krb5i', 'mountstats-port', 'nfs4-krb5i.pcap#tcp.0'],
      ['Kerberos privacy (RPCSEC_GSS)', '/mnt/krb5p', 'mountstats-port', 'nfs4-krb5p.pcap#tcp.0'],
    ]);
    const v = await cli(['verify-encryption', KRB5I, KRB5P, '--host-root', HOST, '--format', 'json']);
    const vdoc = JSON.parse(v.stdout) as ResultDocument;
    expect(codes(vdoc.findings)).toEqual(['BYPASS:/mnt/krb5i', 'GSS-LEASE-NOT-PRIVATE:']);
    expect(v.code).toBe(1);
  });

  it('without mountstats: the sec= flavor tells the two mounts apart (client-address binding)', async () => {
    const bare = path.join(tmp, 'host-no-mountstats');
    cpSync(HOST, bare, { recursive: true });
    rmSync(path.join(bare, 'proc'), { recursive: true, force: true });
    const doc = await triage([KRB5I, KRB5P, '--host-root', bare]);
    expect(codes(doc.findings)).toEqual(['BYPASS:/mnt/krb5i', 'GSS-LEASE-NOT-PRIVATE:']);
    expect(segments(doc)).toEqual([
      ['cleartext NFSv4', '/mnt/krb5i', 'client-address', 'nfs4-krb5i.pcap#tcp.0'],
      ['Kerberos privacy (RPCSEC_GSS)', '/mnt/krb5p', 'client-address', 'nfs4-krb5p.pcap#tcp.0'],
    ]);
  });

  it('a sec=krb5 flow on no mountstats port, allowed by neither mount, stays with both', async () => {
    const doc = await triage([KRB5, KRB5P, '--host-root', HOST]);
    expect(codes(doc.findings)).toEqual(['BYPASS:/mnt/krb5i', 'BYPASS:/mnt/krb5p', 'GSS-LEASE-NOT-PRIVATE:']);
  });
});
