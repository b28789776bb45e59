/** Synthetic FlowResult builders for the cross-reference tests. */
import type { FlowClass, FlowResult, Grade, Verdict } from '../../../src/report/schema.js';

export interface FlowSpec {
  id: number;
  client: string;
  server: string;
  cls: FlowClass;
  verdict?: Verdict;
  grade?: Grade;
  sni?: string;
  capture?: string;
}

function ep(s: string) {
  const i = s.lastIndexOf(':');
  return { ip: s.slice(0, i), port: Number(s.slice(i + 1)) };
}

const DEFAULT_VERDICT: Record<string, Verdict> = {
  'nfs-cleartext': 'cleartext',
  'rpc-cleartext': 'cleartext',
  'tunnel-local': 'cleartext',
  tls: 'encrypted',
  'rpc-with-tls': 'encrypted',
  dtls: 'encrypted',
  'rpcsec-gss-privacy': 'encrypted',
};

export function flow(s: FlowSpec): FlowResult {
  const client = ep(s.client);
  const server = ep(s.server);
  const loopback = client.ip.startsWith('127.') && server.ip.startsWith('127.');
  const zero = { total: 0, toServer: 0, toClient: 0 };
  const f: FlowResult = {
    id: s.id,
    capture: s.capture ?? 'cap.pcapng',
    transport: 'tcp',
    client,
    server,
    orientation: 'syn',
    firstSeen: '2026-01-01T00:00:00.000Z',
    lastSeen: '2026-01-01T00:00:01.000Z',
    firstFrame: 1,
    lastFrame: 2,
    packets: zero,
    bytes: zero,
    payload: zero,
    gaps: { toServer: 0, toClient: 0 },
    nfsRelevant: true,
    loopback,
    class: s.cls,
    verdict: s.verdict ?? DEFAULT_VERDICT[s.cls] ?? 'unknown',
    verdictReason: 'synthetic',
    evidence: [],
  };
  if (s.cls === 'tls' || s.cls === 'rpc-with-tls') {
    f.tls = {
      version: 'TLS 1.2',
      versionId: 0x0303,
      cipherSuiteId: 0xc030,
      cipherSuite: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
      grade: s.grade ?? 'strong',
      gradeReasons: [],
      handshake: 'full',
      helloRetryRequest: false,
      sni: s.sni,
      records: { changeCipherSpec: 1, alert: 0, handshake: 4, applicationData: 10, other: 0 },
      alerts: [],
      validRecordStream: true,
    };
  }
  return f;
}
