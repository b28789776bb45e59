/** RPC headers cut by snaplen: the probe on the captured start of a record, and the escalation on port 2049. */
import { describe, expect, it } from 'vitest';
import { probeCutRpcRecord } from '../../../src/protocol/rpc.js';
import { flowIssue } from '../../../src/verify/flow-policy.js';

const call = Buffer.from(
  '8000008c' + '1234abcd' + '00000000' + '00000002' + '000186a3' + '00000003' + '00000001',
  'hex',
);

describe('probeCutRpcRecord', () => {
  it('accepts a call cut anywhere from 10 bytes on (IPv6 over SLL2 at snaplen 96 leaves 10)', () => {
    for (let n = 10; n <= call.length; n++) expect(probeCutRpcRecord(call, 0, n)).toBe(true);
    expect(probeCutRpcRecord(call, 0, 9)).toBe(false);
  });
  it('rejects TLS records, a bad rpcvers, program or message type, and an implausible mark', () => {
    const tls = Buffer.from('170303004000000000000000000000000000', 'hex');
    expect(probeCutRpcRecord(tls, 0, tls.length)).toBe(false);
    const bad = (at: number, v: number) => {
      const b = Buffer.from(call);
      b.writeUInt32BE(v, at);
      return probeCutRpcRecord(b, 0, b.length);
    };
    expect(bad(12, 3)).toBe(false); // rpcvers
    expect(bad(16, 5)).toBe(false); // program
    expect(bad(8, 2)).toBe(false); // message type
    expect(bad(0, 0x80000004)).toBe(false); // fragment shorter than any message
  });
});

describe('cut RPC to port 2049', () => {
  const policy = { minGrade: 'strong', minTls: '1.2' } as Parameters<typeof flowIssue>[1];
  it('without a program: CLEARTEXT-RPC high (fails), not info', () => {
    const f = { class: 'rpc-cleartext', verdict: 'cleartext', programs: [], dtls: false, nfsPort: true } as const;
    expect(flowIssue(f, policy)).toEqual({
      code: 'CLEARTEXT-RPC',
      severity: 'high',
      detail: 'program not captured, to the NFS port 2049',
    });
    expect(flowIssue({ ...f, nfsPort: false }, policy)?.severity).toBe('info');
  });
});
