import { describe, expect, it } from 'vitest';
import {
  authFlavorName,
  parseRpcHeader,
  probeRpcDatagram,
  probeRpcRecord,
  RpcHeader,
} from '../../../src/protocol/rpc.js';
import { rpcProgramLabel } from '../../../src/protocol/rpc-programs.js';
import { XdrCursor } from '../../../src/protocol/xdr.js';
import { AUTH_NONE_CRED, authSys, callMsg, gssCred, record, replyMsg, Xdr } from '../../adversarial/builders/rpc.js';

const c = new XdrCursor();
const h = new RpcHeader();

function parse(b: Uint8Array): boolean {
  return parseRpcHeader(c, b, 0, b.length, h);
}

describe('RPC call header', () => {
  it('decodes program, version, procedure and an AUTH_SYS credential', () => {
    const b = callMsg(0x1234, 100003, 3, 19, authSys('client.example', 1000, 100));
    expect(parse(b)).toBe(true);
    expect([h.xid, h.msgType, h.rpcvers, h.prog, h.vers, h.proc]).toEqual([0x1234, 0, 2, 100003, 3, 19]);
    expect(authFlavorName(h.credFlavor)).toBe('AUTH_SYS');
    expect([h.uid, h.gid]).toEqual([1000, 100]);
    expect(Buffer.from(b.subarray(h.machineOff, h.machineOff + h.machineLen)).toString()).toBe('client.example');
    expect(h.bodyOff).toBe(b.length);
  });

  it('decodes an RPCSEC_GSS credential: version, procedure, sequence, service', () => {
    expect(parse(callMsg(1, 100003, 4, 1, gssCred(3, 0, 42)))).toBe(true);
    expect(h.gssOk).toBe(true);
    expect(h.gss).toEqual({ version: 1, proc: 0, seq: 42, service: 3, handleLen: 6 });
  });

  it('keeps AUTH_TLS and unknown flavors by number', () => {
    expect(parse(callMsg(2, 100003, 4, 0, { flavor: 7 }))).toBe(true);
    expect(authFlavorName(h.credFlavor)).toBe('AUTH_TLS');
    expect(authFlavorName(2)).toBe('AUTH_SHORT');
    expect(authFlavorName(42)).toBe('AUTH_FLAVOR_42');
  });

  it('rejects rpcvers other than 2 and a credential length 0xffffffff', () => {
    const b = callMsg(3, 100003, 3, 0, AUTH_NONE_CRED);
    b[11] = 3;
    expect(parse(b)).toBe(false);
    expect(c.bad).toBe(true);
    const lying = new Xdr().u32(4).u32(0).u32(2).u32(100003).u32(3).u32(17).u32(1).u32(0xffffffff).u32(0).bytes();
    expect(parse(lying)).toBe(false);
    expect(c.bad).toBe(true);
    expect(probeRpcDatagram(lying, 0, lying.length)).toBe(false);
  });

  it('reports short (not bad) when the window ends inside the header', () => {
    const b = callMsg(5, 100005, 3, 1, authSys('m'));
    expect(parseRpcHeader(c, b, 0, 30, h)).toBe(false);
    expect(c.short).toBe(true);
    expect(c.bad).toBe(false);
  });
});

describe('RPC reply header', () => {
  it('sees the RFC 9289 STARTTLS verifier', () => {
    expect(parse(replyMsg(9, Buffer.from('STARTTLS')))).toBe(true);
    expect([h.msgType, h.replyStat, h.acceptStat, h.startTls]).toEqual([1, 0, 0, true]);
    expect(parse(replyMsg(9, Buffer.from('STARTTLX')))).toBe(true);
    expect(h.startTls).toBe(false);
  });

  it('decodes a denied reply', () => {
    expect(parse(new Xdr().u32(9).u32(1).u32(1).u32(1).u32(5).bytes())).toBe(true);
    expect([h.replyStat, h.rejectStat]).toEqual([1, 1]);
  });
});

describe('probes', () => {
  it('accept a record-marked call and reply', () => {
    const call = record(callMsg(1, 100003, 4, 1, authSys('x')));
    expect(probeRpcRecord(call, 0, call.length)).toBe(true);
    const reply = record(replyMsg(1));
    expect(probeRpcRecord(reply, 0, reply.length)).toBe(true);
  });

  it('reject TLS records and random bytes', () => {
    const clientHello = Uint8Array.from([
      0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    expect(probeRpcRecord(clientHello, 0, clientHello.length)).toBe(false);
    expect(probeRpcDatagram(clientHello, 0, clientHello.length)).toBe(false);
    const appData = Uint8Array.from([0x17, 0x03, 0x03, 0x00, 0x45, ...new Array<number>(40).fill(0x5a)]);
    expect(probeRpcRecord(appData, 0, appData.length)).toBe(false);
    let seed = 12345;
    let hits = 0;
    const buf = new Uint8Array(64);
    for (let i = 0; i < 20000; i++) {
      for (let j = 0; j < buf.length; j++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        buf[j] = seed >>> 24;
      }
      if (probeRpcRecord(buf, 0, buf.length) || probeRpcDatagram(buf, 0, buf.length)) hits++;
    }
    expect(hits).toBe(0);
  });

  it('reject a call with an implausible program or a record mark longer than 16 MiB', () => {
    const odd = callMsg(1, 0x7fffffff, 1, 0, AUTH_NONE_CRED);
    expect(probeRpcDatagram(odd, 0, odd.length)).toBe(false);
    const huge = record(callMsg(1, 100003, 3, 0, AUTH_NONE_CRED));
    huge.set([0x81, 0x00, 0x00, 0x01], 0);
    expect(probeRpcRecord(huge, 0, huge.length)).toBe(false);
  });
});

describe('program names', () => {
  it('match the ground-truth spelling', () => {
    expect(rpcProgramLabel(100003, 4)).toBe('nfs/4');
    expect(rpcProgramLabel(100000, 2)).toBe('portmapper/2');
    expect(rpcProgramLabel(100227, 3)).toBe('nfs_acl/3');
    expect(rpcProgramLabel(400123, 1)).toBe('efs-proxy/1');
    expect(rpcProgramLabel(0x40000000, 1)).toBe('nfs_cb/1');
    expect(rpcProgramLabel(100232, 10)).toBe('sadmind/10');
    expect(rpcProgramLabel(391002, 2)).toBe('391002/2');
  });
});
