/**
 * Kerberos adversarial cases on real bytes (issue 11's rules, issue 12's captures): the recorded krb5p capture with
 * one field changed in place (same length, so the TCP stream stays whole). tshark is the oracle that the change is
 * what the case claims; the unchanged capture is the legitimate twin (encrypted, exit 0).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runWireseal } from '../helpers/lab-run.js';

const KRB5P = 'captures/lab-krb/nfs4-krb5p.pcap';
const hasTshark = spawnSync('tshark', ['-v'], { stdio: 'ignore' }).status === 0;
const tmp = mkdtempSync(join(tmpdir(), 'wireseal-krbadv-'));

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Copies the krb5p capture with `from` replaced by `to` at its first occurrence. */
function patched(name: string, from: number[], to: number[]): string {
  const b = readFileSync(KRB5P);
  const at = b.indexOf(Buffer.from(from));
  expect(at).toBeGreaterThan(0);
  Buffer.from(to).copy(b, at);
  const path = join(tmp, name);
  writeFileSync(path, b);
  return path;
}

/** tshark's reading of each call frame; `occurrence` picks the first (f) or last (l) value of a repeated field. */
function tsharkCalls(path: string, fields: string[], occurrence: 'f' | 'l' = 'f'): string[][] {
  const args = ['-n', '-r', path, '-Y', 'rpc.msgtyp == 0', '-T', 'fields', '-E', `occurrence=${occurrence}`];
  for (const f of fields) args.push('-e', f);
  const out = execFileSync('tshark', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return out
    .trimEnd()
    .split('\n')
    .map((l) => l.split('\t'));
}

const json = (path: string) => runWireseal(['verify-encryption', '--format', 'json', path]);

describe.skipIf(!hasTshark)('Kerberos adversarial twins on the recorded krb5p capture', () => {
  it('legitimate twin: the capture as recorded is rpcsec-gss-privacy, encrypted, exit 0', async () => {
    const r = await json(KRB5P);
    expect([r.doc.flows[0]?.class, r.doc.flows[0]?.verdict, r.code]).toEqual(['rpcsec-gss-privacy', 'encrypted', 0]);
  });

  it('a privacy call whose RFC 4121 Wrap token has the Sealed flag cleared: cleartext, exit 1', async () => {
    // The client's first Wrap token: TOK_ID 05 04, Flags 06 (Sealed | AcceptorSubkey), filler FF.
    const path = patched('unsealed.pcap', [0x05, 0x04, 0x06, 0xff], [0x05, 0x04, 0x04, 0xff]);
    // tshark's Sealed flag of each privacy DATA call's body token (the last token in the frame; the verifier's MIC
    // comes first): exactly one reads 0 now, the others 1.
    const sealed = tsharkCalls(path, ['rpc.authgss.service', 'rpc.authgss.procedure', 'spnego.krb5.sealed'], 'l')
      .filter((c) => c[0] === '3' && c[1] === '0')
      .map((c) => c[2]);
    expect(sealed.filter((v) => v === '0' || v === 'False')).toHaveLength(1);
    expect(sealed.filter((v) => v === '1' || v === 'True')).toHaveLength(sealed.length - 1);
    const r = await json(path);
    const f = r.doc.flows[0]!;
    expect([f.class, f.verdict]).toEqual(['nfs-cleartext', 'cleartext']);
    expect(f.rpc?.gssUnsealed).toBe(1);
    expect(r.doc.findings.map((x) => x.code)).toEqual(['CLEARTEXT-NFS']);
    expect(r.code).toBe(1);
  });

  it('a readable COMPOUND sent as RPCSEC_GSS_INIT (non-DATA procedure) instead of DATA: cleartext, exit 1', async () => {
    // SETCLIENTID's credential: version 1, procedure DATA (0), sequence 1, service integrity (2).
    const cred = [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2];
    const path = patched('init-body.pcap', cred, [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2]);
    const calls = tsharkCalls(path, ['rpc.procedure', 'rpc.authgss.procedure']);
    expect(calls.filter((c) => c[0] === '1' && c[1] === '1')).toHaveLength(1); // INIT on COMPOUND, as tshark reads it
    const r = await json(path);
    const f = r.doc.flows[0]!;
    expect([f.class, f.verdict]).toEqual(['nfs-cleartext', 'cleartext']);
    expect(f.rpc?.gssExposed).toEqual(['nfs/4 INIT on proc 1']);
    expect(r.code).toBe(1);
  });
});
