/**
 * The Kerberos lab (issue 12): its ground truth (EXPECTED.tsv, one row per RPC call as tshark reads it) and the
 * assertions shared by the e2e tests on the recorded captures (captures/lab-krb) and the lab tests on a fresh run of
 * lab/kerberos/make-krb-captures.sh.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { FlowResult, ResultDocument } from '../../src/report/schema.js';
import { REPO, runProcess, runWireseal } from './lab-run.js';

export const KRB_LAB_SCRIPT = join(REPO, 'lab', 'kerberos', 'make-krb-captures.sh');
export const KRB_CAPTURES = ['nfs4-krb5.pcap', 'nfs4-krb5i.pcap', 'nfs4-krb5p.pcap', 'nfs4-krb5p-mixed-sys.pcap'];

export interface KrbRow {
  file: string;
  frame: number;
  stream: number;
  xid: string;
  program: number;
  version: number;
  procedure: number;
  flavor: string;
  gssProc: string;
  gssService: string;
  ops: string[];
  body: 'clear' | 'integ' | 'wrapped' | 'unsealed' | 'none';
  replyFrame: number | null;
  acceptStat: string;
  nfsStatus: string;
}

export function parseKrbExpected(text: string): KrbRow[] {
  const lines = text.trimEnd().split('\n');
  const head = lines[0]!.split('\t');
  if (
    head.join(',') !==
    'file,frame,stream,xid,program,version,procedure,flavor,gss_proc,gss_service,nfs_ops,body,reply_frame,accept_stat,nfs_status'
  )
    throw new Error(`unexpected EXPECTED.tsv header: ${head.join(',')}`);
  return lines.slice(1).map((line) => {
    const c = line.split('\t');
    return {
      file: c[0]!,
      frame: Number(c[1]),
      stream: Number(c[2]),
      xid: c[3]!,
      program: Number(c[4]),
      version: Number(c[5]),
      procedure: Number(c[6]),
      flavor: c[7]!,
      gssProc: c[8]!,
      gssService: c[9]!,
      ops: c[10] ? c[10].split(',') : [],
      body: c[11] as KrbRow['body'],
      replyFrame: c[12] ? Number(c[12]) : null,
      acceptStat: c[13]!,
      nfsStatus: c[14] ?? '',
    };
  });
}

/** Runs the Kerberos lab script into `dir` (its work dir beside it); rejects with the end of its log on failure. */
export async function makeKrbCaptures(dir: string, state: string): Promise<{ seconds: number; log: string }> {
  const t0 = Date.now();
  const r = await runProcess('bash', [KRB_LAB_SCRIPT, dir], { ...process.env, KRBLAB_STATE: state }, 300_000);
  const seconds = (Date.now() - t0) / 1000;
  if (r.code !== 0)
    throw new Error(`make-krb-captures.sh exited ${r.code} after ${seconds}s:\n${r.stderr.slice(-3000)}`);
  return { seconds, log: r.stderr };
}

const LEASE = new Set(['SETCLIENTID', 'SETCLIENTID_CONFIRM', 'RENEW']);

function only(doc: ResultDocument): FlowResult {
  expect(doc.flows).toHaveLength(1);
  return doc.flows[0]!;
}

/**
 * The acceptance of issue 12 on one directory of Kerberos lab output (captures, EXPECTED.tsv, host/). `dir` is a
 * function: the fresh lab's directory exists only once its beforeAll ran.
 */
export function krbLabTests(dir: () => string): void {
  const rows = (file: string): KrbRow[] =>
    parseKrbExpected(readFileSync(join(dir(), 'EXPECTED.tsv'), 'utf8')).filter((r) => r.file === file);
  // One wireseal run per capture, shared by the tests (each run is a node start: keep the lab's time short).
  const runs = new Map<string, ReturnType<typeof runWireseal>>();
  const run = (file: string) => {
    const path = join(dir(), file);
    let r = runs.get(path);
    if (r === undefined) {
      r = runWireseal(['verify-encryption', '--format', 'json', path]);
      runs.set(path, r);
    }
    return r;
  };

  it.each(KRB_CAPTURES)('%s: the GSS context was established and every WRITE and READ succeeded (tshark)', (file) => {
    const r = rows(file);
    expect(r.map((x) => x.gssProc)[0]).toBe('INIT');
    expect(r.at(-1)?.gssProc).toBe('DESTROY');
    // Every call has its reply, accepted (SUCCESS); every COMPOUND's status is NFS4_OK, the sealed ones included
    // (tshark decrypts them with the run's service keytab).
    for (const x of r) {
      expect(x.replyFrame, `${file} frame ${x.frame}`).not.toBeNull();
      expect(x.acceptStat).toBe('0');
      if (x.procedure === 1) expect(x.nfsStatus, `${file} frame ${x.frame}`).toBe('0');
    }
    const ops = r.flatMap((x) => x.ops);
    expect(ops.filter((o) => o === 'WRITE')).toHaveLength(1);
    expect(ops.filter((o) => o === 'READ')).toHaveLength(file.includes('mixed') ? 2 : 1);
    // The lease is managed with integrity whatever the file operations use (as the Linux client does).
    for (const x of r.filter((y) => y.ops.some((o) => LEASE.has(o)))) expect(x.gssService).toBe('integrity');
  });

  it.each(KRB_CAPTURES)(
    '%s: wireseal counts the calls, replies, GSS services and readable operations as tshark',
    async (file) => {
      const r = rows(file);
      const f = only((await run(file)).doc);
      expect(f.rpc?.calls).toBe(r.length);
      expect(f.rpc?.replies).toBe(r.filter((x) => x.replyFrame !== null).length);
      expect(f.rpc?.gssServices).toEqual([...new Set(r.map((x) => x.gssService).filter((s) => s !== ''))].sort());
      expect(f.rpc?.credentials).toEqual([...new Set(r.map((x) => x.flavor))].sort());
      const readable = new Map<string, number>();
      for (const x of r.filter((y) => y.body === 'clear' || y.body === 'integ'))
        for (const o of x.ops) readable.set(o, (readable.get(o) ?? 0) + 1);
      expect(f.rpc?.operations).toEqual(Object.fromEntries([...readable].sort((a, b) => (a[0] < b[0] ? -1 : 1))));
    },
  );

  it('krb5p: rpcsec-gss-privacy, encrypted, the krb5i lease calls as info, exit 0', async () => {
    const w = await run('nfs4-krb5p.pcap');
    const f = only(w.doc);
    expect([f.class, f.verdict]).toEqual(['rpcsec-gss-privacy', 'encrypted']);
    const lease = rows('nfs4-krb5p.pcap').filter((x) => x.body === 'integ').length;
    expect(lease).toBe(3);
    expect(f.rpc?.gssLeaseCalls).toBe(lease);
    expect(f.rpc?.gssExposedCalls).toBeUndefined();
    expect(w.doc.findings.map((x) => [x.code, x.severity])).toEqual([['GSS-LEASE-NOT-PRIVATE', 'info']]);
    expect(w.code).toBe(0);
  });

  it.each([
    ['nfs4-krb5.pcap', 'none'],
    ['nfs4-krb5i.pcap', 'integrity'],
  ])('%s: cleartext (RPCSEC_GSS %s is not confidentiality), naming the operations, exit 1', async (file, svc) => {
    const w = await run(file);
    const f = only(w.doc);
    expect([f.class, f.verdict]).toEqual(['nfs-cleartext', 'cleartext']);
    expect(f.rpc?.gssServices).toContain(svc);
    const fileOps = rows(file).filter((x) => x.procedure === 1 && !x.ops.every((o) => LEASE.has(o)));
    expect(fileOps.every((x) => x.gssService === svc)).toBe(true);
    expect(f.rpc?.gssExposedCalls).toBe(fileOps.length);
    const named = [...new Set(fileOps.flatMap((x) => x.ops))].map((o) => `nfs/4 ${o}`);
    expect([...(f.rpc?.gssExposed ?? [])].sort()).toEqual(named.sort());
    expect(f.verdictReason).toContain('nfs/4 WRITE');
    expect(w.doc.findings.map((x) => x.code)).toEqual(['CLEARTEXT-NFS']);
    expect(w.code).toBe(1);
  });

  it('krb5p and AUTH_SYS file operations on one connection: cleartext, naming the AUTH_SYS operations, exit 1', async () => {
    const file = 'nfs4-krb5p-mixed-sys.pcap';
    const sys = rows(file).filter((x) => x.flavor === 'AUTH_SYS');
    expect(sys).toHaveLength(1);
    const w = await run(file);
    const f = only(w.doc);
    expect([f.class, f.verdict]).toEqual(['nfs-cleartext', 'cleartext']);
    expect(f.rpc?.gssExposedCalls).toBe(1);
    expect(f.rpc?.gssExposed).toEqual([...new Set(sys[0]!.ops)].map((o) => `nfs/4 ${o}`));
    expect(w.doc.findings.map((x) => x.code)).toEqual(['CLEARTEXT-NFS']);
    expect(w.code).toBe(1);
  });

  it('host bundle: the sec=krb5p mount is kerberos-privacy, the sec=krb5i mount is not', async () => {
    const w = await runWireseal(['mounts', '--format', 'json', '--host-root', join(dir(), 'host')]);
    const doc = JSON.parse(w.stdout) as ResultDocument;
    const m = new Map((doc.mounts ?? []).map((x) => [x.mountPoint, x]));
    expect(m.get('/mnt/krb5p')?.verdict).toBe('kerberos-privacy');
    expect(m.get('/mnt/krb5p')?.mechanism).toBe('krb5p');
    expect(m.get('/mnt/krb5i')?.verdict).toBe('direct-cleartext');
    // With the krb5p capture: the krb5p mount is proven by its flow (no BYPASS, no config-only finding).
    const x = await runWireseal([
      'verify-encryption',
      '--format',
      'json',
      '--host-root',
      join(dir(), 'host'),
      join(dir(), 'nfs4-krb5p.pcap'),
    ]);
    const codes = x.doc.findings.filter((f) => f.mount === '/mnt/krb5p').map((f) => f.code);
    expect(codes).toEqual([]);
    expect(x.doc.findings.filter((f) => f.mount === '/mnt/krb5i').map((f) => f.code)).toEqual(['PLAINTEXT-BY-CONFIG']);
  });
}
