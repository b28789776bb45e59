/**
 * The real CLI (bin/wireseal.js over dist/: `npm run build` first): exit codes, damaged input keeping earlier
 * results, standard input, gzip, usage errors, the JSON document's shape.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import type { ResultDocument } from '../../src/report/schema.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'wireseal-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function cli(args: string[], input?: Buffer) {
  const r = spawnSync('node', ['bin/wireseal.js', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
    ...(input ? { input } : {}),
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function json(args: string[], input?: Buffer): { code: number | null; doc: ResultDocument; stderr: string } {
  const r = cli([...args, '--format', 'json'], input);
  return { code: r.code, doc: JSON.parse(r.stdout) as ResultDocument, stderr: r.stderr };
}

describe('verify-encryption exit codes', () => {
  it('exits 1 on cleartext NFSv4', () => {
    const r = json(['verify-encryption', 'captures/lab/nfs4-cleartext.pcap']);
    expect(r.code).toBe(1);
    expect(r.doc.summary).toMatchObject({ flows: 4, byClass: { 'nfs-cleartext': 4 }, exitCode: 1 });
    expect(r.doc.findings.map((f) => [f.code, f.flows?.length])).toEqual([['CLEARTEXT-NFS', 4]]);
  });
  it('exits 0 on stunnel TLS 1.3', () => {
    const r = json(['verify-encryption', 'captures/lab/nfs4-stunnel-tls13-aes256gcm.pcapng']);
    expect(r.code).toBe(0);
    expect(r.doc.schema).toBe('wireseal/result');
    expect(r.doc.schemaVersion).toBe('2.0');
    expect(r.doc.summary).toMatchObject({
      outcome: 'verified',
      wire: { judged: 4, verified: 4, violating: 0, unproven: 0, notSensitive: 0 },
    });
    expect(r.doc.flows.map((f) => [f.class, f.verdict, f.tls?.version, f.tls?.cipherSuiteId])).toEqual(
      Array(4).fill(['tls', 'encrypted', 'TLS 1.3', 0x1302]),
    );
    expect(r.doc.findings).toEqual([]);
  });
  it('--min-tls 1.3 makes a TLS 1.2 tunnel a finding', () => {
    expect(cli(['verify-encryption', 'captures/lab/nfs4-stunnel-tls12-aes256gcm.pcap']).code).toBe(0);
    expect(cli(['verify-encryption', 'captures/lab/nfs4-stunnel-tls12-aes256gcm.pcap', '--min-tls', '1.3']).code).toBe(
      1,
    );
  });
  it('--min-grade weak accepts a CBC suite with RSA key exchange', () => {
    const file = 'captures/lab/nfs4-stunnel-tls12-rsa-aes128-cbc.pcap';
    expect(cli(['verify-encryption', file]).code).toBe(1);
    expect(cli(['verify-encryption', file, '--min-grade', 'weak']).code).toBe(0);
  });
  it('exits 2 on usage errors with one line', () => {
    for (const args of [
      ['verify-encryption'],
      ['verify-encryption', 'x.pcap', '--min-grade', 'great'],
      ['verify-encryption', 'x.pcap', '--ports', '99999'],
      ['verify-encryption', 'x.pcap', '--format', 'xml'],
      ['no-such-command'],
    ]) {
      const r = cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n').length, r.stderr).toBeLessThanOrEqual(2);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
  it('exits 3 on an unreadable file, naming it', () => {
    const r = cli(['verify-encryption', path.join(tmp, 'missing.pcap')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/missing\.pcap: io at byte 0/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('damaged captures keep earlier results', () => {
  const full = readFileSync('captures/lab/nfs4-cleartext.pcap');
  it.each([200, 3000, 20000, 40000, full.length - 7])(
    'truncated at byte %i: one error line, exit 3, flows kept',
    (cut) => {
      const file = path.join(tmp, `cut-${cut}.pcap`);
      writeFileSync(file, full.subarray(0, cut));
      const r = json(['verify-encryption', file]);
      expect(r.code).toBe(3);
      const errLines = r.stderr.trim().split('\n');
      expect(errLines).toHaveLength(1);
      expect(errLines[0]).toMatch(new RegExp(`cut-${cut}\\.pcap: truncated at byte \\d+`));
      const offset = Number(/at byte (\d+)/.exec(errLines[0]!)![1]);
      expect(offset).toBeLessThanOrEqual(cut);
      expect(offset).toBeGreaterThan(cut - 70_000);
      expect(r.doc.captures[0]!.error?.offset).toBe(offset);
      expect(r.doc.captures[0]!.packets).toBeGreaterThan(0);
      if (cut > 3000) expect(r.doc.flows.length).toBeGreaterThan(0);
      // Flows cut before any payload are listed as none/unknown, never guessed.
      for (const f of r.doc.flows) {
        if (f.payload.total === 0) expect([f.class, f.verdict]).toEqual(['none', 'unknown']);
        else expect(f.class).toBe('nfs-cleartext');
      }
    },
  );
  it('a corrupt record length is reported with its offset', () => {
    const r = json(['flows', 'captures/public/suricata-verify/bug-1450-04/tls_DER-incomplete-header.pcap']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/corrupt at byte 5035/);
    expect(r.doc.flows).toHaveLength(1);
  });
  it('an unsupported format version gives a clean error', () => {
    const r = cli(['verify-encryption', 'captures/public/libpcap/pcap-invalid-version-1.pcap']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/pcap-invalid-version-1\.pcap: unsupported at byte \d+/);
  });
  it('garbage is not a capture', () => {
    const file = path.join(tmp, 'garbage.bin');
    writeFileSync(file, Buffer.from('this is not a packet capture at all, just text'));
    const r = cli(['verify-encryption', file]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/garbage\.bin: \w+ at byte 0/);
  });
});

describe('inputs', () => {
  it('reads standard input and gzip by magic number', () => {
    const raw = readFileSync('captures/lab/dtls12-udp2049.pcap');
    const gz = path.join(tmp, 'dtls.cap');
    writeFileSync(gz, gzipSync(raw));
    for (const r of [
      json(['verify-encryption', '-'], raw),
      json(['verify-encryption', gz]),
      json(['verify-encryption', '-'], gzipSync(raw)),
    ]) {
      expect(r.code).toBe(0);
      expect(r.doc.flows.map((f) => [f.class, f.dtls?.version, f.dtls?.cipherSuiteId])).toEqual([
        ['dtls', 'DTLS 1.2', 0xc030],
      ]);
    }
  });
  it('flows lists every flow with counters matching tshark', () => {
    const r = json(['flows', 'captures/lab/nfs3-cleartext.pcap']);
    expect(r.code).toBe(0);
    expect(r.doc.flows).toHaveLength(16);
    expect(r.doc.flows[3]).toMatchObject({
      transport: 'tcp',
      client: { ip: '198.51.100.10', port: 743 },
      server: { ip: '198.51.100.20', port: 2049 },
      packets: { total: 16 },
      bytes: { total: 2884 },
    });
  });
  it('never prints payload: no AUTH_SYS machine name or file name in the output', () => {
    const r = cli(['verify-encryption', 'captures/lab/nfs4-cleartext.pcap', '--format', 'json']);
    // The capture holds the AUTH_SYS machine name, file names and file data: none of them may be printed.
    expect(r.stdout).toContain('CLEARTEXT-NFS');
    expect(r.stdout).not.toMatch(/libnfs|localdomain|hello|uploads|\.txt|caplab write payload/);
  });
});

describe('parallel analysis', () => {
  it('two workers give the same document as one', () => {
    const files = [
      'captures/public/pcapplusplus/tls2.pcap',
      'captures/lab/nfs4-mixed-tunnel-and-bypass.pcapng',
      'captures/public/pcapplusplus/ip4_fragments.pcap',
      'captures/public/zeek/nfs_write.pcap',
    ];
    const docs = ['1', '2', '3'].map((w) => {
      const r = json(['verify-encryption', ...files, '--workers', w, '--all']);
      expect(r.code).toBe(1);
      const { generatedAt: _, ...rest } = r.doc;
      return rest;
    });
    expect(docs[0]!.flows.length).toBeGreaterThan(340);
    expect(docs[1]).toEqual(docs[0]);
    expect(docs[2]).toEqual(docs[0]);
  });
});

describe('bounded listing', () => {
  it('flows past --max-listed are counted, and cleartext among them is still a finding', () => {
    const r = json(['verify-encryption', 'captures/lab/nfs4-cleartext.pcap', '--max-listed', '1']);
    expect(r.code).toBe(1);
    expect(r.doc.flows).toHaveLength(1);
    expect(r.doc.captures[0]!.unlisted).toEqual({
      total: 3,
      byClass: { 'nfs-cleartext': 3 },
      nfsRelevantByVerdict: { cleartext: 3 },
      nfsRelevantKinds: [
        {
          count: 3,
          transport: 'tcp',
          class: 'nfs-cleartext',
          verdict: 'cleartext',
          nfsVersion: 'NFSv4',
          programs: ['nfs/4'],
        },
      ],
    });
    expect(r.doc.summary.wire).toEqual({ judged: 4, verified: 0, violating: 4, unproven: 0, notSensitive: 0 });
    expect(r.doc.findings.map((f) => f.code).sort()).toEqual(['CLEARTEXT-NFS', 'UNLISTED-FLOWS']);
  });
  it('verify-encryption lists NFS-relevant and DTLS flows; --all lists the rest too', () => {
    const file = 'captures/public/zeek/tls12-decryption.pcap';
    expect(json(['verify-encryption', file]).doc.flows).toHaveLength(0);
    const all = json(['verify-encryption', file, '--all']).doc;
    expect(all.flows.map((f) => [f.class, f.tls?.cipherSuiteId])).toEqual([['tls', 0xc030]]);
  });
});

describe('unknown link types', () => {
  it('a capture of an undecodable link type is an input error naming the file and offset', () => {
    const hdr = Buffer.alloc(24);
    hdr.writeUInt32LE(0xa1b2c3d4, 0);
    hdr.writeUInt16LE(2, 4);
    hdr.writeUInt16LE(4, 6);
    hdr.writeUInt32LE(65535, 16);
    hdr.writeUInt32LE(147, 20); // LINKTYPE_USER0
    const rec = Buffer.alloc(16 + 40);
    rec.writeUInt32LE(1, 0);
    rec.writeUInt32LE(40, 8);
    rec.writeUInt32LE(40, 12);
    const file = path.join(tmp, 'user0.pcap');
    writeFileSync(file, Buffer.concat([hdr, rec, rec]));
    const r = json(['verify-encryption', file]);
    expect(r.code).toBe(3);
    expect(r.stderr.trim()).toBe(
      `wireseal: ${file}: unsupported at byte 24: link type 147 is not decoded (2 packets skipped) (results before it are kept)`,
    );
    expect(r.doc.captures[0]).toMatchObject({ packets: 2, error: { kind: 'unsupported', offset: 24 } });
  });
});

describe('output to a reader that goes away', () => {
  it.each(['table', 'json'])('%s: no stack trace, the exit code still says what was found', (format) => {
    const cmd = `node bin/wireseal.js verify-encryption captures/lab/nfs4-cleartext.pcap captures/public/pcapplusplus/tls2.pcap --all --format ${format} | head -c 10 > /dev/null; echo "\${PIPESTATUS[0]}"`;
    const r = spawnSync('bash', ['-c', cmd], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('1');
  });
});
