/**
 * Real-capture check of the RPC analyzer without the pipeline: the payloads of every RPC flow in the lab captures
 * (EXPECTED.tsv) and the public RPC rows (GROUND_TRUTH.tsv), extracted once with tshark into test/fixtures/rpc,
 * are replayed and compared field by field with those tables (both read from the repo's captures/ folder).
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadFixture, opsString, replay } from './rpc-replay.js';

type Row = Record<string, string>;

function readTsv(path: string): Row[] {
  const [head, ...lines] = readFileSync(path, 'utf8').trimEnd().split('\n');
  const cols = head!.split('\t');
  return lines.map((l) => {
    const cells = l.split('\t');
    return Object.fromEntries(cols.map((c, i) => [c, cells[i] ?? '']));
  });
}

const LAB_FILES = [
  'nfs3-cleartext.pcap',
  'nfs4-cleartext.pcap',
  'nfs4-cleartext.pcapng',
  'rpc-with-tls-emulated.pcapng',
  'loopback-20049-cleartext.pcap',
  'nfs4-cleartext-any-sll.pcap',
];

const tally = { rows: 0, fields: 0, matched: 0 };

function check(actual: unknown, expected: unknown): void {
  tally.fields++;
  if (JSON.stringify(actual) === JSON.stringify(expected)) tally.matched++;
  expect(actual).toEqual(expected);
}

afterAll(() => {
  console.log(`RPC capture match: ${tally.matched}/${tally.fields} fields over ${tally.rows} flows`);
});

describe('lab captures (EXPECTED.tsv)', () => {
  const rows = readTsv('captures/lab/EXPECTED.tsv').filter((r) => LAB_FILES.includes(r.file!) && r.rpc_programs);
  it('covers every RPC flow of the chosen lab files', () => {
    expect(rows.length).toBe(36);
  });
  for (const row of rows) {
    it(`${row.file} ${row.flow}`, () => {
      tally.rows++;
      const flow = loadFixture(`lab/${row.file}`).flows.find((f) => f.key === row.flow)!;
      const { analyzer, handedOff, firstHandedByte } = replay(flow);
      const s = analyzer.summary();
      check(s.programs.join(','), row.rpc_programs);
      check(opsString(s.operations), row.nfs_ops);
      const calls = /(\d+) RPC calls/.exec(row.notes!);
      if (calls) check(s.calls, Number(calls[1]));
      const nfsVersion =
        row.class === 'nfs-cleartext' ? row.version : row.class === 'rpc-with-tls' ? 'NFSv4' : undefined;
      check(s.nfsVersion, nfsVersion);
      check(s.malformed, 0);
      if (row.class === 'rpc-with-tls') {
        check([s.authTlsProbe, s.startTls, s.credentials], [true, true, ['AUTH_TLS']]);
        check(firstHandedByte, [0x16, 0x16]);
        check(handedOff[0] > 0 && handedOff[1] > 0, true);
        check(analyzer.finished, true);
      } else {
        check(analyzer.hasNfs || !row.rpc_programs.startsWith('nfs'), true);
        check(analyzer.gssPrivacy, false);
      }
    });
  }
});

/** "nfs v3, nfs_acl v3" -> "nfs/3,nfs_acl/3" */
function gtPrograms(s: string): string {
  return s
    .split(', ')
    .map((p) => p.replace(/ v(\d+).*$/, '/$1'))
    .sort()
    .join(',');
}

describe('public captures (GROUND_TRUTH.tsv RPC rows)', () => {
  const rows = readTsv('captures/public/GROUND_TRUTH.tsv').filter((r) => r.proto === 'RPC');
  it('covers every RPC row', () => {
    expect(rows.length).toBe(51);
  });
  for (const row of rows) {
    const key = row.tshark_conversation!;
    it(`${row.file} ${key} ${row.client}`, () => {
      tally.rows++;
      const flow = loadFixture(`public/${row.file}`).flows.find((f) => f.key === key && f.client === row.client)!;
      const { analyzer } = replay(flow);
      const s = analyzer.summary();
      if (row.rpc_credential!.startsWith('invalid')) {
        // tshark decodes no RPC here; tcpdump's test output shows lying lengths. We must flag, not decode.
        check(analyzer.isRpc, false);
        check(s.malformed > 0, true);
        return;
      }
      check(s.programs.join(','), gtPrograms(row.rpc_programs!));
      check(s.credentials.join(', '), row.rpc_credential);
      check(s.calls, Number(row.rpc_calls));
      check(s.replies - (s.unmatchedReplies ?? 0), Number(row.rpc_replies));
      check(s.malformed, 0);
    });
  }
});
