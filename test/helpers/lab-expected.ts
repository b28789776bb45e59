/**
 * The lab's ground truth (EXPECTED.tsv, written by make-captures.sh from tshark) and the one comparison between
 * it and a wireseal ResultDocument. Used by the recorded-capture e2e tests (captures/lab) and by the lab tests
 * on captures made minutes before (test/lab), so both judge wireseal the same way.
 *
 * Verdicts (issue 10) are not tshark's to give: they follow from how make-captures.sh made each capture (LAB_VERDICTS
 * below). The project's copy of EXPECTED.tsv carries them in a `verdict` column; a fresh EXPECTED.tsv (written by
 * make-captures.sh, without that column) gets them from LAB_VERDICTS by file and class.
 */
import { basename } from 'node:path';
import type { FlowResult, ResultDocument } from '../../src/report/schema.js';

/** One flow of EXPECTED.tsv (one line), typed. Empty cells become '' / [] / {} / null. */
export interface ExpectedRow {
  file: string;
  format: string;
  linktype: string;
  transport: 'tcp' | 'udp';
  /** tshark's tcp.stream / udp.stream: wireseal's FlowResult.id. */
  streamId: number;
  client: string;
  server: string;
  interfaces: string[];
  class: string;
  /** "TLS 1.3", "DTLS 1.2", "NFSv4", ... or ''. */
  version: string;
  cipherSuite: string;
  cipherId: number | null;
  rpcPrograms: string[];
  nfsOps: Record<string, number>;
  packets: number;
  bytes: number;
  firstFrame: number;
  lastFrame: number;
  role: string;
  notes: string;
  /** The flow's verdict, from how the capture was made (`verdict` column, else labVerdict()); '' when not known. */
  verdict: string;
}

/**
 * How each lab capture protects its TLS/DTLS flows, read from /work/shared/lab/make-captures.sh (the stunnel or
 * openssl options of each scenario). Cleartext classes are `cleartext` whatever the file.
 */
export const LAB_VERDICTS: Readonly<Record<string, { verdict: string; how: string }>> = {
  'nfs4-stunnel-tls12-aes256gcm.pcap': {
    verdict: 'encrypted',
    how: 'stunnel TLSv1.2, ciphers = ECDHE-RSA-AES256-GCM-SHA384',
  },
  'nfs4-stunnel-tls12-ipv6.pcap': {
    verdict: 'encrypted',
    how: 'stunnel TLSv1.2, ciphers = ECDHE-RSA-AES256-GCM-SHA384',
  },
  'nfs4-mixed-tunnel-and-bypass.pcapng': {
    verdict: 'encrypted',
    how: 'stunnel TLSv1.2, ciphers = ECDHE-RSA-AES256-GCM-SHA384 (the bypass mount is cleartext NFS)',
  },
  'nfs4-stunnel-tls13-aes256gcm.pcapng': {
    verdict: 'encrypted',
    how: 'stunnel TLSv1.3, ciphersuites = TLS_AES_256_GCM_SHA384',
  },
  'nfs4-stunnel-tls13-chacha20.pcapng': {
    verdict: 'encrypted',
    how: 'stunnel TLSv1.3, ciphersuites = TLS_CHACHA20_POLY1305_SHA256',
  },
  'nfs4-stunnel-tls12-rsa-aes128-cbc.pcap': {
    verdict: 'encrypted-weak',
    how: 'stunnel TLSv1.2, ciphers = AES128-SHA: static RSA key exchange, CBC',
  },
  'nfs4-stunnel-tls10-legacy.pcap': {
    verdict: 'encrypted-weak',
    how: 'stunnel TLSv1, ciphers = ECDHE-RSA-AES256-SHA:@SECLEVEL=0: TLS 1.0, CBC',
  },
  'rpc-with-tls-emulated.pcapng': {
    verdict: 'encrypted',
    how: 'AUTH_TLS probe, STARTTLS, then TLS 1.3 (OpenSSL defaults)',
  },
  'dtls12-udp2049.pcap': { verdict: 'encrypted', how: 'openssl -dtls1_2, ECDHE-RSA-AES256-GCM-SHA384' },
  'dtls12-udp4433.pcap': { verdict: 'encrypted', how: 'openssl -dtls1_2, ECDHE-RSA-AES256-GCM-SHA384' },
  'dtls10-udp2049.pcap': {
    verdict: 'encrypted-weak',
    how: 'openssl -dtls1, ECDHE-RSA-AES256-SHA:@SECLEVEL=0: DTLS 1.0, CBC',
  },
};

/** The verdict a lab flow must get, from its class and how its capture was made ('' when the recipe does not say). */
export function labVerdict(file: string, cls: string): string {
  if (cls === 'nfs-cleartext' || cls === 'rpc-cleartext') return 'cleartext';
  if (cls === 'unknown') return 'unknown';
  return LAB_VERDICTS[basename(file)]?.verdict ?? '';
}

const COLUMNS = [
  'file',
  'format',
  'linktype',
  'flow',
  'l4',
  'client',
  'server',
  'interface',
  'class',
  'version',
  'cipher_suite',
  'cipher_id',
  'rpc_programs',
  'nfs_ops',
  'packets',
  'bytes',
  'first_frame',
  'last_frame',
  'role',
  'notes',
] as const;
type Column = (typeof COLUMNS)[number];

function list(cell: string): string[] {
  return cell === '' ? [] : cell.split(',');
}

function int(cell: string, what: string, line: number): number {
  if (!/^\d+$/.test(cell)) throw new Error(`EXPECTED.tsv line ${line}: ${what} "${cell}" is not a count`);
  return Number(cell);
}

function ops(cell: string, line: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of list(cell)) {
    const colon = item.lastIndexOf(':');
    if (colon <= 0) throw new Error(`EXPECTED.tsv line ${line}: operation "${item}" is not NAME:COUNT`);
    out[item.slice(0, colon)] = int(item.slice(colon + 1), 'operation count', line);
  }
  return out;
}

/** Parses EXPECTED.tsv (header line first; columns found by name). Throws on a malformed file: it is test input. */
export function parseExpectedTsv(text: string): ExpectedRow[] {
  const lines = text.split('\n');
  const header = lines[0]?.split('\t') ?? [];
  const index = new Map<Column, number>();
  for (const c of COLUMNS) {
    const i = header.indexOf(c);
    if (i < 0) throw new Error(`EXPECTED.tsv: column "${c}" missing from the header`);
    index.set(c, i);
  }
  /** Optional: the project's copy adds it; make-captures.sh does not write it. */
  const verdictAt = header.indexOf('verdict');
  const rows: ExpectedRow[] = [];
  for (let n = 1; n < lines.length; n++) {
    if (lines[n] === '') continue;
    const cells = lines[n].split('\t');
    const get = (c: Column): string => cells[index.get(c)!] ?? '';
    const line = n + 1;
    const flow = /^(tcp|udp)\.(\d+)$/.exec(get('flow'));
    if (!flow) throw new Error(`EXPECTED.tsv line ${line}: flow "${get('flow')}" is not tcp.N or udp.N`);
    const cipher = get('cipher_id');
    if (cipher !== '' && !/^0x[0-9a-f]{1,4}$/i.test(cipher)) {
      throw new Error(`EXPECTED.tsv line ${line}: cipher_id "${cipher}" is not hex`);
    }
    rows.push({
      file: get('file'),
      format: get('format'),
      linktype: get('linktype'),
      transport: flow[1] as 'tcp' | 'udp',
      streamId: Number(flow[2]),
      client: get('client'),
      server: get('server'),
      interfaces: list(get('interface')),
      class: get('class'),
      version: get('version'),
      cipherSuite: get('cipher_suite'),
      cipherId: cipher === '' ? null : Number.parseInt(cipher, 16),
      rpcPrograms: list(get('rpc_programs')),
      nfsOps: ops(get('nfs_ops'), line),
      packets: int(get('packets'), 'packets', line),
      bytes: int(get('bytes'), 'bytes', line),
      firstFrame: int(get('first_frame'), 'first_frame', line),
      lastFrame: int(get('last_frame'), 'last_frame', line),
      role: get('role'),
      notes: get('notes'),
      verdict: verdictAt >= 0 ? (cells[verdictAt] ?? '') : labVerdict(get('file'), get('class')),
    });
  }
  return rows;
}

/** "198.51.100.10:740" or "[2001:db8::1]:2049", as EXPECTED.tsv writes endpoints. */
export function endpointText(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

function flowKey(file: string, transport: string, id: number): string {
  return `${basename(file)} ${transport}.${id}`;
}

function opsText(o: Record<string, number> | undefined): string {
  return Object.entries(o ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}:${v}`)
    .join(',');
}

function hex(n: number | null | undefined): string {
  return n === null || n === undefined ? 'none' : `0x${n.toString(16).padStart(4, '0')}`;
}

/**
 * Classes wireseal may give a flow that tshark calls `expected`. tshark has no notion of a tunnel's local leg: the
 * cleartext NFS that enters stunnel on 127.0.0.1 (role stunnel-client-accept) may be reported as tunnel-local.
 * tshark's "unknown" (nothing recognised) is wireseal's opaque/none.
 */
function acceptedClasses(row: ExpectedRow): string[] {
  if (row.class === 'nfs-cleartext' && row.role === 'stunnel-client-accept') return ['nfs-cleartext', 'tunnel-local'];
  if (row.class === 'unknown') return ['opaque', 'none'];
  return [row.class];
}

/** The version wireseal reports for the part of the flow that tshark's version column describes. */
function reportedVersion(row: ExpectedRow, flow: FlowResult): string | undefined {
  if (row.class === 'dtls') return flow.dtls?.version;
  if (row.class === 'tls' || row.class === 'rpc-with-tls') return flow.tls?.version;
  return flow.rpc?.nfsVersion;
}

function compareOne(row: ExpectedRow, flow: FlowResult): string[] {
  const at = `${row.file} ${row.transport}.${row.streamId}`;
  const out: string[] = [];
  const check = (what: string, want: string, got: string): void => {
    if (want !== got) out.push(`${at}: ${what} expected ${want || '(none)'}, got ${got || '(none)'}`);
  };
  const client = endpointText(flow.client.ip, flow.client.port);
  const server = endpointText(flow.server.ip, flow.server.port);
  // A row without a role is a flow whose SYN the lab did not capture: tshark's client there is merely the first
  // packet's sender, so wireseal's orientation from the service port or the content may be the reverse.
  const swapped = row.role === '' && flow.orientation !== 'syn' && row.client === server && row.server === client;
  if (!swapped) {
    check('client', row.client, client);
    check('server', row.server, server);
  }
  const classes = acceptedClasses(row);
  if (!classes.includes(flow.class)) check('class', classes.join(' or '), flow.class);
  if (row.version !== '') check('version', row.version, reportedVersion(row, flow) ?? '');
  if (row.cipherId !== null || flow.tls?.cipherSuiteId != null || flow.dtls?.cipherSuiteId != null) {
    const sum = row.class === 'dtls' ? flow.dtls : flow.tls;
    check('cipher id', hex(row.cipherId), hex(sum?.cipherSuiteId));
  }
  check('rpc programs', [...row.rpcPrograms].sort().join(','), [...(flow.rpc?.programs ?? [])].sort().join(','));
  check('nfs ops', opsText(row.nfsOps), opsText(flow.rpc?.operations));
  if (row.verdict !== '') check('verdict', row.verdict, flow.verdict);
  check('packets', String(row.packets), String(flow.packets.total));
  check('bytes', String(row.bytes), String(flow.bytes.total));
  return out;
}

/**
 * Compares wireseal's flows with EXPECTED.tsv rows, flow by flow (capture basename + transport + stream id).
 * Checks client/server, class, version, cipher id, RPC programs, NFS operations, packets and bytes; reports flows
 * missing from the result and flows the result has beyond the expected ones (for the captures the rows cover).
 * Returns one readable line per mismatch; [] means wireseal agrees with tshark.
 */
export function compareFlowsToExpected(expectedRows: readonly ExpectedRow[], result: ResultDocument): string[] {
  const flows = new Map<string, FlowResult>();
  for (const f of result.flows) flows.set(flowKey(f.capture, f.transport, f.id), f);
  const files = new Set(expectedRows.map((r) => r.file));
  const seen = new Set<string>();
  const out: string[] = [];
  for (const row of expectedRows) {
    const key = flowKey(row.file, row.transport, row.streamId);
    seen.add(key);
    const flow = flows.get(key);
    if (!flow) {
      out.push(`${key}: missing from wireseal's flows (expected ${row.class} ${row.client} -> ${row.server})`);
      continue;
    }
    out.push(...compareOne(row, flow));
  }
  for (const [key, f] of flows) {
    if (!seen.has(key) && files.has(basename(f.capture))) {
      out.push(`${key}: not in EXPECTED.tsv (wireseal reports ${f.class} ${endpointText(f.client.ip, f.client.port)})`);
    }
  }
  return out;
}
