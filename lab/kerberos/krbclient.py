#!/usr/bin/python3
"""A small NFSv4.0 client over ONC-RPC with RPCSEC_GSS (RFC 2203) for the Kerberos lab.

Written for the lab only: it opens one TCP connection to an NFS server, establishes one Kerberos GSS context
(RPCSEC_GSS_INIT, and CONTINUE_INIT while the mechanism asks for more), then runs a fixed NFSv4.0 workload:

  SETCLIENTID, SETCLIENTID_CONFIRM            lease management, always with integrity (krb5i), as Linux does
  PUTROOTFH, LOOKUP, OPEN (+ OPEN_CONFIRM)    file operations with the service asked for (krb5, krb5i, krb5p)
  WRITE, READ, CLOSE
  RENEW                                       lease management, krb5i
  RPCSEC_GSS_DESTROY

--mixed adds AUTH_SYS file operations (PUTROOTFH, LOOKUP, READ with the anonymous stateid) on the same connection.

Every reply is checked (RPC accepted, verifier MIC, integrity checksum or privacy unwrap, NFS status); any failure
ends the run with exit 1 and a one-line message. Uses python3-gssapi (MIT GSS-API); run it with Debian's
/usr/bin/python3. Needs KRB5CCNAME (a ticket cache with the client's TGT) and KRB5_CONFIG in the environment.

usage: krbclient.py --server ADDR --principal nfs@HOST --service krb5|krb5i|krb5p --name FILE [--mixed]
"""

import argparse
import os
import socket
import struct
import sys

import gssapi

PROG_NFS = 100003
AUTH_NONE, AUTH_SYS, RPCSEC_GSS = 0, 1, 6
GSS_DATA, GSS_INIT, GSS_CONTINUE_INIT, GSS_DESTROY = 0, 1, 2, 3
SVC = {'krb5': 1, 'krb5i': 2, 'krb5p': 3}
SVC_INTEG = 2

OP_CLOSE, OP_GETFH, OP_LOOKUP, OP_OPEN, OP_OPEN_CONFIRM = 4, 10, 15, 18, 20
OP_PUTFH, OP_PUTROOTFH, OP_READ, OP_RENEW, OP_SETCLIENTID, OP_SETCLIENTID_CONFIRM, OP_WRITE = 22, 24, 25, 30, 35, 36, 38
OPEN4_RESULT_CONFIRM = 2


class LabError(Exception):
    pass


# ---- XDR ----

class Enc:
    def __init__(self):
        self.parts = []

    def u32(self, v):
        self.parts.append(struct.pack('>I', v))
        return self

    def u64(self, v):
        self.parts.append(struct.pack('>Q', v))
        return self

    def fixed(self, b):
        self.parts.append(b)
        return self

    def opaque(self, b):
        self.u32(len(b))
        self.parts.append(b + b'\0' * (-len(b) % 4))
        return self

    def string(self, s):
        return self.opaque(s.encode())

    def bytes(self):
        return b''.join(self.parts)


class Dec:
    def __init__(self, b):
        self.b, self.p = b, 0

    def u32(self):
        if self.p + 4 > len(self.b):
            raise LabError('reply too short')
        v = struct.unpack_from('>I', self.b, self.p)[0]
        self.p += 4
        return v

    def u64(self):
        return (self.u32() << 32) | self.u32()

    def fixed(self, n):
        if self.p + n > len(self.b):
            raise LabError('reply too short')
        v = self.b[self.p:self.p + n]
        self.p += n
        return v

    def opaque(self):
        n = self.u32()
        v = self.fixed(n)
        self.fixed(-n % 4)
        return v

    def rest(self):
        return self.b[self.p:]


# ---- RPC over TCP ----

class Rpc:
    def __init__(self, server, port):
        self.sock = socket.create_connection((server, port), timeout=10)
        self.xid = 0x4b524200   # fixed start, so runs are alike

    def call(self, header_to_cred, verf_fn, args):
        """Sends one call: header (through the credential), verifier computed over it, then args. Returns the reply."""
        verf_flavor, verf_body = verf_fn(header_to_cred)
        msg = header_to_cred + Enc().u32(verf_flavor).opaque(verf_body).bytes() + args
        self.sock.sendall(struct.pack('>I', 0x80000000 | len(msg)) + msg)
        return self.recv()

    def recv(self):
        out = b''
        while True:
            mark = struct.unpack('>I', self._read(4))[0]
            out += self._read(mark & 0x7fffffff)
            if mark & 0x80000000:
                return out

    def _read(self, n):
        buf = b''
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise LabError('server closed the connection')
            buf += chunk
        return buf

    def next_xid(self):
        self.xid += 1
        return self.xid


def call_header(xid, proc, cred_flavor, cred_body, vers=4):
    return Enc().u32(xid).u32(0).u32(2).u32(PROG_NFS).u32(vers).u32(proc).u32(cred_flavor).opaque(cred_body).bytes()


def parse_reply(xid, reply):
    d = Dec(reply)
    if d.u32() != xid:
        raise LabError('reply xid does not match')
    if d.u32() != 1:
        raise LabError('not a reply')
    if d.u32() != 0:
        raise LabError('RPC call denied (reject_stat %d)' % d.u32())
    verf_flavor, verf = d.u32(), d.opaque()
    stat = d.u32()
    if stat != 0:
        raise LabError('RPC call not accepted (accept_stat %d)' % stat)
    return verf_flavor, verf, d


# ---- RPCSEC_GSS ----

class Gss:
    def __init__(self, rpc, principal):
        self.rpc = rpc
        self.name = gssapi.Name(principal, name_type=gssapi.NameType.hostbased_service)
        self.ctx = None
        self.handle = b''
        self.seq = 0

    def cred(self, proc, seq, service):
        return Enc().u32(1).u32(proc).u32(seq).u32(service).opaque(self.handle).bytes()

    def establish(self, service):
        flags = [gssapi.RequirementFlag.mutual_authentication, gssapi.RequirementFlag.integrity,
                 gssapi.RequirementFlag.confidentiality]
        self.ctx = gssapi.SecurityContext(name=self.name, usage='initiate', flags=flags,
                                          mech=gssapi.MechType.kerberos)
        token = self.ctx.step()
        proc = GSS_INIT
        while True:
            xid = self.rpc.next_xid()
            hdr = call_header(xid, 0, RPCSEC_GSS, self.cred(proc, 0, service))
            reply = self.rpc.call(hdr, lambda _h: (AUTH_NONE, b''), Enc().opaque(token).bytes())
            verf_flavor, verf, d = parse_reply(xid, reply)
            handle, major, minor, window, out_token = d.opaque(), d.u32(), d.u32(), d.u32(), d.opaque()
            if major not in (0, 1):   # GSS_S_COMPLETE, GSS_S_CONTINUE_NEEDED
                raise LabError('server GSS context failed: major %#x minor %#x' % (major, minor))
            self.handle = handle
            if out_token:
                token = self.ctx.step(out_token)
            if major == 0 and self.ctx.complete:
                if verf_flavor != RPCSEC_GSS:
                    raise LabError('INIT reply has no RPCSEC_GSS verifier')
                self.ctx.verify_signature(struct.pack('>I', window), verf)
                return window
            proc = GSS_CONTINUE_INIT

    def call(self, proc, service, args, gss_proc=GSS_DATA):
        """A DATA (or DESTROY) call with the given service; returns the reply's result bytes, checked and unwrapped."""
        self.seq += 1
        seq = self.seq
        xid = self.rpc.next_xid()
        hdr = call_header(xid, proc, RPCSEC_GSS, self.cred(gss_proc, seq, service))
        if gss_proc == GSS_DATA and service == SVC['krb5i']:
            body = struct.pack('>I', seq) + args
            args = Enc().opaque(body).opaque(self.ctx.get_signature(body)).bytes()
        elif gss_proc == GSS_DATA and service == SVC['krb5p']:
            wrapped = self.ctx.wrap(struct.pack('>I', seq) + args, True)
            if not wrapped.encrypted:
                raise LabError('GSS wrap did not encrypt')
            args = Enc().opaque(wrapped.message).bytes()
        reply = self.rpc.call(hdr, lambda h: (RPCSEC_GSS, self.ctx.get_signature(h)), args)
        verf_flavor, verf, d = parse_reply(xid, reply)
        if verf_flavor != RPCSEC_GSS:
            raise LabError('reply verifier is not RPCSEC_GSS')
        self.ctx.verify_signature(struct.pack('>I', seq), verf)
        if gss_proc != GSS_DATA:
            return d.rest()
        if service == SVC['krb5i']:
            body, mic = d.opaque(), d.opaque()
            self.ctx.verify_signature(body, mic)
        elif service == SVC['krb5p']:
            res = self.ctx.unwrap(d.opaque())
            if not res.encrypted:
                raise LabError('reply was not encrypted')
            body = res.message
        else:
            return d.rest()
        if struct.unpack_from('>I', body)[0] != seq:
            raise LabError('reply sequence number does not match')
        return body[4:]


# ---- NFSv4.0 COMPOUND ----

def compound(ops):
    e = Enc().string('').u32(0).u32(len(ops))
    for op in ops:
        e.fixed(op)
    return e.bytes()


def op(code, body=b''):
    return struct.pack('>I', code) + body


def check_compound(res, names):
    """Checks a COMPOUND4res: overall status OK and one result per op, in order. Returns the decoder at the first
    op's result and a function that reads the next op header."""
    d = Dec(res)
    status = d.u32()
    d.opaque()                       # tag
    n = d.u32()
    if status != 0:
        raise LabError('COMPOUND (%s) failed: NFS4 status %d' % (', '.join(names), status))
    if n != len(names):
        raise LabError('COMPOUND (%s) returned %d results' % (', '.join(names), n))
    return d


def expect_op(d, code):
    got, status = d.u32(), d.u32()
    if got != code or status != 0:
        raise LabError('op %d result: op %d status %d' % (code, got, status))


def stateid(d):
    return d.fixed(16)


def skip_bitmap(d):
    for _ in range(d.u32()):
        d.u32()


class Nfs4:
    def __init__(self, gss, service, sys_cred):
        self.gss = gss
        self.service = service
        self.sys_cred = sys_cred
        self.clientid = 0
        self.owner_seq = 0

    def lease(self, ops):
        return self.gss.call(1, SVC_INTEG, compound(ops))

    def files(self, ops):
        return self.gss.call(1, self.service, compound(ops))

    def setclientid(self, ident):
        verifier = b'krblab01'
        cb = Enc().u32(0x40000000).string('tcp').string('0.0.0.0.0.0').u32(1).bytes()
        res = self.lease([op(OP_SETCLIENTID, Enc().fixed(verifier).string(ident).bytes() + cb)])
        d = check_compound(res, ['SETCLIENTID'])
        expect_op(d, OP_SETCLIENTID)
        self.clientid = d.u64()
        confirm = d.fixed(8)
        res = self.lease([op(OP_SETCLIENTID_CONFIRM, Enc().u64(self.clientid).fixed(confirm).bytes())])
        expect_op(check_compound(res, ['SETCLIENTID_CONFIRM']), OP_SETCLIENTID_CONFIRM)

    def renew(self):
        res = self.lease([op(OP_RENEW, Enc().u64(self.clientid).bytes())])
        expect_op(check_compound(res, ['RENEW']), OP_RENEW)

    def open(self, export, name):
        owner = Enc().u64(self.clientid).opaque(b'krblab-owner').bytes()
        how = Enc().u32(1).u32(0).u32(0).opaque(b'').bytes()        # OPEN4_CREATE, UNCHECKED4, empty fattr4
        claim = Enc().u32(0).string(name).bytes()                  # CLAIM_NULL
        args = Enc().u32(self.owner_seq).u32(3).u32(0).bytes() + owner + how + claim   # share BOTH, deny NONE
        self.owner_seq += 1
        ops = [op(OP_PUTROOTFH), op(OP_LOOKUP, Enc().string(export).bytes()), op(OP_OPEN, args), op(OP_GETFH)]
        d = check_compound(self.files(ops), ['PUTROOTFH', 'LOOKUP', 'OPEN', 'GETFH'])
        expect_op(d, OP_PUTROOTFH)
        expect_op(d, OP_LOOKUP)
        expect_op(d, OP_OPEN)
        sid = stateid(d)
        d.u32()
        d.u64()
        d.u64()                                                    # change_info4
        rflags = d.u32()
        skip_bitmap(d)
        if d.u32() != 0:
            raise LabError('unexpected delegation')
        expect_op(d, OP_GETFH)
        fh = d.opaque()
        if rflags & OPEN4_RESULT_CONFIRM:
            ops = [op(OP_PUTFH, Enc().opaque(fh).bytes()), op(OP_OPEN_CONFIRM, sid + struct.pack('>I', self.owner_seq))]
            self.owner_seq += 1
            d = check_compound(self.files(ops), ['PUTFH', 'OPEN_CONFIRM'])
            expect_op(d, OP_PUTFH)
            expect_op(d, OP_OPEN_CONFIRM)
            sid = stateid(d)
        return fh, sid, bool(rflags & OPEN4_RESULT_CONFIRM)

    def write(self, fh, sid, data):
        args = sid + Enc().u64(0).u32(2).opaque(data).bytes()      # offset 0, FILE_SYNC4
        d = check_compound(self.files([op(OP_PUTFH, Enc().opaque(fh).bytes()), op(OP_WRITE, args)]), ['PUTFH', 'WRITE'])
        expect_op(d, OP_PUTFH)
        expect_op(d, OP_WRITE)
        if d.u32() != len(data):
            raise LabError('short WRITE')

    def read(self, fh, sid, n):
        args = sid + Enc().u64(0).u32(n).bytes()
        d = check_compound(self.files([op(OP_PUTFH, Enc().opaque(fh).bytes()), op(OP_READ, args)]), ['PUTFH', 'READ'])
        expect_op(d, OP_PUTFH)
        expect_op(d, OP_READ)
        d.u32()                                                    # eof
        return d.opaque()

    def close(self, fh, sid):
        args = struct.pack('>I', self.owner_seq) + sid
        self.owner_seq += 1
        d = check_compound(self.files([op(OP_PUTFH, Enc().opaque(fh).bytes()), op(OP_CLOSE, args)]), ['PUTFH', 'CLOSE'])
        expect_op(d, OP_PUTFH)
        expect_op(d, OP_CLOSE)

    def sys_read(self, export, name, n):
        """AUTH_SYS: PUTROOTFH, LOOKUP export, LOOKUP name, READ with the anonymous stateid."""
        rpc = self.gss.rpc
        xid = rpc.next_xid()
        ops = [op(OP_PUTROOTFH), op(OP_LOOKUP, Enc().string(export).bytes()), op(OP_LOOKUP, Enc().string(name).bytes()),
               op(OP_READ, b'\0' * 16 + Enc().u64(0).u32(n).bytes())]
        reply = rpc.call(call_header(xid, 1, AUTH_SYS, self.sys_cred), lambda _h: (AUTH_NONE, b''), compound(ops))
        _f, _v, d = parse_reply(xid, reply)
        d = check_compound(d.rest(), ['PUTROOTFH', 'LOOKUP', 'LOOKUP', 'READ'])
        for code in (OP_PUTROOTFH, OP_LOOKUP, OP_LOOKUP, OP_READ):
            expect_op(d, code)
        d.u32()
        return d.opaque()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--server', required=True)
    ap.add_argument('--port', type=int, default=2049)
    ap.add_argument('--principal', required=True)
    ap.add_argument('--service', choices=sorted(SVC), required=True)
    ap.add_argument('--export', default='export')
    ap.add_argument('--name', required=True)
    ap.add_argument('--size', type=int, default=3000)
    ap.add_argument('--mixed', metavar='EXPORT/FILE', help='also read EXPORT/FILE with AUTH_SYS on this connection')
    a = ap.parse_args()
    try:
        rpc = Rpc(a.server, a.port)
        gss = Gss(rpc, a.principal)
        gss.establish(SVC[a.service])
        sys_cred = Enc().u32(1).string('krblab-cli').u32(0).u32(0).u32(0).bytes()
        nfs = Nfs4(gss, SVC[a.service], sys_cred)
        nfs.setclientid('krblab-client-%s-%s' % (a.service, a.name))
        fh, sid, confirmed = nfs.open(a.export, a.name)
        line = ('krblab %s payload line ' % a.service).encode()
        data = b''.join(line + b'%06d\n' % i for i in range(a.size // (len(line) + 7) + 1))[:a.size]
        nfs.write(fh, sid, data)
        if nfs.read(fh, sid, len(data)) != data:
            raise LabError('READ returned other bytes than were written')
        mixed = b''
        if a.mixed:
            exp, name = a.mixed.split('/', 1)
            mixed = nfs.sys_read(exp, name, 4096)
        nfs.close(fh, sid)
        nfs.renew()
        gss.call(0, SVC[a.service], b'', gss_proc=GSS_DESTROY)
        rpc.sock.close()
        print('%s: context established, %d bytes written and read back%s%s' % (
            a.service, len(data), ', OPEN_CONFIRM' if confirmed else '',
            ', AUTH_SYS read %d bytes' % len(mixed) if a.mixed else ''))
    except (LabError, gssapi.exceptions.GSSError, OSError) as e:
        print('krbclient (%s): %s' % (a.service, str(e).splitlines()[0] if str(e) else type(e).__name__), file=sys.stderr)
        sys.exit(1)


if __name__ == '__main__':
    main()
