/**
 * The comparison helper itself, on the recorded captures/lab/EXPECTED.tsv: parsing is exact, a result that says
 * what tshark says passes, and each kind of disagreement yields one precise line. Needs no root and no lab tools.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FlowClass, FlowResult, ResultDocument, TlsSummary } from '../../src/report/schema.js';
import {
  compareFlowsToExpected,
  type ExpectedRow,
  LAB_VERDICTS,
  labVerdict,
  parseExpectedTsv,
} from '../helpers/lab-expected.js';

const rows = parseExpectedTsv(readFileSync('captures/lab/EXPECTED.tsv', 'utf8'));

function endpoint(text: string): { ip: string; port: number } {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(text)!;
  return { ip: m[1], port: Number(m[2]) };
}

function tlsFrom(row: ExpectedRow): TlsSummary {
  return {
    version: row.version,
    versionId: null,
    cipherSuiteId: row.cipherId,
    cipherSuite: row.cipherSuite,
    grade: 'strong',
    gradeReasons: [],
    handshake: 'full',
    helloRetryRequest: false,
    records: { changeCipherSpec: 0, alert: 0, handshake: 0, applicationData: 0, other: 0 },
    alerts: [],
    validRecordStream: true,
  };
}

/** The FlowResult a perfect wireseal would report for one row. */
function flowFrom(row: ExpectedRow): FlowResult {
  const counts = (total: number) => ({ total, toServer: 0, toClient: 0 });
  const flow: FlowResult = {
    id: row.streamId,
    capture: `captures/lab/${row.file}`,
    transport: row.transport,
    client: endpoint(row.client),
    server: endpoint(row.server),
    orientation: 'syn',
    firstSeen: '',
    lastSeen: '',
    firstFrame: row.firstFrame,
    lastFrame: row.lastFrame,
    packets: counts(row.packets),
    bytes: counts(row.bytes),
    payload: counts(0),
    gaps: { toServer: 0, toClient: 0 },
    nfsRelevant: true,
    loopback: row.client.startsWith('127.'),
    class: row.class as FlowClass,
    verdict: row.verdict as FlowResult['verdict'],
    verdictReason: '',
    evidence: [],
  };
  if (row.class === 'dtls') flow.dtls = tlsFrom(row);
  else if (row.cipherId !== null) flow.tls = tlsFrom(row);
  if (row.rpcPrograms.length > 0 || Object.keys(row.nfsOps).length > 0) {
    flow.rpc = {
      programs: row.rpcPrograms,
      operations: { ...row.nfsOps },
      calls: 0,
      replies: 0,
      credentials: [],
      malformed: 0,
    };
    if (row.version.startsWith('NFS')) flow.rpc.nfsVersion = row.version;
  }
  return flow;
}

function documentOf(flows: FlowResult[]): ResultDocument {
  return {
    schema: 'wireseal/result',
    schemaVersion: '2.0',
    tool: { name: 'wireseal', version: '0' },
    generatedAt: '',
    command: 'verify-encryption',
    captures: [],
    flows,
    findings: [],
    summary: { flows: flows.length, byClass: {}, byVerdict: {}, findings: 0, exitCode: 0 },
    warnings: [],
  };
}

const find = (file: string, flow: string): ExpectedRow =>
  rows.find((r) => r.file === file && `${r.transport}.${r.streamId}` === flow)!;

describe('parseExpectedTsv on captures/lab/EXPECTED.tsv', () => {
  it('reads every flow line with its typed cells', () => {
    expect(rows).toHaveLength(79);
    const count = (c: string) => rows.filter((r) => r.class === c).length;
    expect([
      count('nfs-cleartext'),
      count('rpc-cleartext'),
      count('tls'),
      count('rpc-with-tls'),
      count('dtls'),
    ]).toEqual([32, 12, 28, 4, 3]);
  });

  it('types a TLS 1.3 row', () => {
    const r = find('nfs4-stunnel-tls13-aes256gcm.pcapng', 'tcp.0');
    expect(r).toMatchObject({
      format: 'pcapng',
      linktype: 'EN10MB',
      transport: 'tcp',
      streamId: 0,
      client: '198.51.100.10:54244',
      server: '198.51.100.21:2049',
      interfaces: ['caplab-c'],
      class: 'tls',
      version: 'TLS 1.3',
      cipherSuite: 'TLS_AES_256_GCM_SHA384',
      cipherId: 0x1302,
      rpcPrograms: [],
      nfsOps: {},
      packets: 30,
      bytes: 6418,
      role: 'tls-endpoint',
    });
  });

  it('types NFS operations, IPv6 endpoints and UDP flows', () => {
    const nfs = find('nfs4-cleartext-any-sll.pcap', 'tcp.0');
    expect(nfs.rpcPrograms).toEqual(['nfs/4']);
    expect(nfs.nfsOps).toEqual({
      GETATTR: 2,
      GETFH: 2,
      LOOKUP: 1,
      PUTFH: 1,
      PUTROOTFH: 1,
      READDIR: 1,
      SETCLIENTID: 1,
      SETCLIENTID_CONFIRM: 1,
    });
    expect(find('nfs4-stunnel-tls12-ipv6.pcap', 'tcp.0').client).toBe('[2001:db8:100::10]:39108');
    const dtls = find('dtls12-udp4433.pcap', 'udp.0');
    expect([dtls.transport, dtls.version, dtls.cipherId, dtls.packets, dtls.bytes]).toEqual([
      'udp',
      'DTLS 1.2',
      0xc030,
      17,
      3296,
    ]);
  });

  it('every row carries a verdict, the one its capture recipe gives (so fresh captures are judged alike)', () => {
    for (const r of rows)
      expect([r.file, r.streamId, r.verdict]).toEqual([r.file, r.streamId, labVerdict(r.file, r.class)]);
    const count = (v: string) => rows.filter((r) => r.verdict === v).length;
    expect([count('cleartext'), count('encrypted'), count('encrypted-weak'), count('')]).toEqual([44, 26, 9, 0]);
    // A fresh EXPECTED.tsv (make-captures.sh writes no verdict column) gets the same verdicts.
    const fresh = readFileSync('captures/lab/EXPECTED.tsv', 'utf8')
      .split('\n')
      .map((l) => l.split('\t').slice(0, -1).join('\t'))
      .join('\n');
    expect(parseExpectedTsv(fresh).map((r) => r.verdict)).toEqual(rows.map((r) => r.verdict));
    expect(Object.keys(LAB_VERDICTS).every((f) => rows.some((r) => r.file === f))).toBe(true);
  });

  it('rejects a file without the expected columns', () => {
    expect(() => parseExpectedTsv('file\tflow\nx\ttcp.0\n')).toThrow(/column "format" missing/);
  });
});

describe('compareFlowsToExpected', () => {
  it('finds no mismatch when every flow says what tshark says', () => {
    expect(compareFlowsToExpected(rows, documentOf(rows.map(flowFrom)))).toEqual([]);
  });

  it('names the flow, the field, and both values for each disagreement', () => {
    const flows = rows.map(flowFrom);
    const at = (file: string, id: string) =>
      flows.find((f) => f.capture.endsWith(`/${file}`) && `${f.transport}.${f.id}` === id)!;
    at('nfs4-stunnel-tls13-aes256gcm.pcapng', 'tcp.1').tls!.version = 'TLS 1.2';
    at('nfs4-stunnel-tls13-chacha20.pcapng', 'tcp.2').tls!.cipherSuiteId = 0x1302;
    at('nfs3-cleartext.pcap', 'tcp.0').class = 'nfs-cleartext';
    at('nfs4-cleartext.pcap', 'tcp.0').packets.total = 1;
    at('rpc-with-tls-emulated.pcapng', 'tcp.3').rpc!.operations.NULL = 1;
    at('nfs4-stunnel-tls10-legacy.pcap', 'tcp.1').verdict = 'encrypted';
    expect(compareFlowsToExpected(rows, documentOf(flows))).toEqual([
      'nfs3-cleartext.pcap tcp.0: class expected rpc-cleartext, got nfs-cleartext',
      'nfs4-cleartext.pcap tcp.0: packets expected 16, got 1',
      'nfs4-stunnel-tls13-aes256gcm.pcapng tcp.1: version expected TLS 1.3, got TLS 1.2',
      'nfs4-stunnel-tls13-chacha20.pcapng tcp.2: cipher id expected 0x1303, got 0x1302',
      'nfs4-stunnel-tls10-legacy.pcap tcp.1: verdict expected encrypted-weak, got encrypted',
      'rpc-with-tls-emulated.pcapng tcp.3: nfs ops expected (none), got NULL:1',
    ]);
  });

  it('reports missing and unexpected flows, and a TLS flow with no handshake summary', () => {
    const flows = rows.map(flowFrom).filter((f) => !(f.capture.endsWith('/dtls10-udp2049.pcap') && f.id === 0));
    const extra = flowFrom(find('dtls12-udp2049.pcap', 'udp.0'));
    extra.id = 1;
    flows.push(extra);
    delete flows.find((f) => f.capture.endsWith('/nfs4-stunnel-tls10-legacy.pcap') && f.id === 3)!.tls;
    expect(compareFlowsToExpected(rows, documentOf(flows))).toEqual([
      'nfs4-stunnel-tls10-legacy.pcap tcp.3: version expected TLS 1.0, got (none)',
      'nfs4-stunnel-tls10-legacy.pcap tcp.3: cipher id expected 0xc014, got none',
      "dtls10-udp2049.pcap udp.0: missing from wireseal's flows (expected dtls 198.51.100.10:57123 -> 198.51.100.21:2049)",
      'dtls12-udp2049.pcap udp.1: not in EXPECTED.tsv (wireseal reports dtls 198.51.100.10:45313)',
    ]);
  });

  it('accepts tunnel-local for the loopback leg into stunnel, and nothing else in place of nfs-cleartext', () => {
    const flows = rows.map(flowFrom);
    for (const f of flows) if (f.server.port === 20049) f.class = 'tunnel-local';
    flows.find((f) => f.capture.endsWith('/nfs4-cleartext.pcap') && f.id === 1)!.class = 'tunnel-local';
    expect(compareFlowsToExpected(rows, documentOf(flows))).toEqual([
      'nfs4-cleartext.pcap tcp.1: class expected nfs-cleartext, got tunnel-local',
    ]);
  });
});
