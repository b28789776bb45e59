#!/usr/bin/python3
"""expected.py DIR FILE...: tshark's reading of every ONC-RPC call in the Kerberos lab captures, one TSV row per
call, on stdout. With KRBLAB_KEYTAB set (the server's keytab of the same run), tshark also decrypts the privacy
bodies, so the NFS status of wrapped replies is known; without it a wrapped reply's NFS status reads "sealed".

Columns: file, frame, stream, xid, program, version, procedure, flavor, gss_proc, gss_service, nfs_ops, body,
reply_frame, accept_stat, nfs_status.
  gss_proc     DATA, INIT, CONTINUE_INIT, DESTROY (empty when the flavor is not RPCSEC_GSS)
  gss_service  none, integrity, privacy
  nfs_ops      the COMPOUND's operation names as tshark read them in the clear, comma-separated (empty when the
               body is wrapped, or for a procedure that is not COMPOUND)
  body         clear (readable arguments), integ (readable, with a checksum), wrapped (an RFC 4121 wrap token
               with the sealed flag), unsealed (a privacy body that is not a sealed wrap token), none (a GSS
               control call: INIT/CONTINUE_INIT carry a context token, DESTROY nothing)
  nfs_status   the COMPOUND's status in the reply (0 = NFS4_OK), "sealed" when wrapped and not decrypted, empty
               for a procedure that has none
"""

import collections
import os
import subprocess
import sys

NFS4_OP = {3: 'ACCESS', 4: 'CLOSE', 5: 'COMMIT', 6: 'CREATE', 9: 'GETATTR', 10: 'GETFH', 15: 'LOOKUP', 18: 'OPEN',
           20: 'OPEN_CONFIRM', 22: 'PUTFH', 24: 'PUTROOTFH', 25: 'READ', 26: 'READDIR', 29: 'RENAME', 30: 'RENEW',
           34: 'SETATTR', 35: 'SETCLIENTID', 36: 'SETCLIENTID_CONFIRM', 38: 'WRITE'}
GSS_PROC = {0: 'DATA', 1: 'INIT', 2: 'CONTINUE_INIT', 3: 'DESTROY'}
GSS_SVC = {1: 'none', 2: 'integrity', 3: 'privacy'}
FLAVOR = {0: 'AUTH_NONE', 1: 'AUTH_SYS', 6: 'RPCSEC_GSS'}
WRAP_TOK = '0x0405'   # tshark shows RFC 4121's Wrap TOK_ID (05 04) as 0x0405 (MIC, 04 04, as 0x0404)

FIELDS = ['frame.number', 'tcp.stream', 'rpc.xid', 'rpc.msgtyp', 'rpc.program', 'rpc.programversion',
          'rpc.procedure', 'rpc.auth.flavor', 'rpc.authgss.procedure', 'rpc.authgss.service', 'nfs.opcode',
          'rpc.state_accept', 'nfs.nfsstat4', 'spnego.krb5.tok_id', 'spnego.krb5.sealed']


def tshark(path):
    cmd = ['tshark', '-n', '-r', path, '-Y', 'rpc', '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=a',
           '-E', 'aggregator=,']
    keytab = os.environ.get('KRBLAB_KEYTAB')
    if keytab:
        cmd += ['-o', 'kerberos.decrypt:TRUE', '-o', 'kerberos.file:' + keytab]
    for f in FIELDS:
        cmd += ['-e', f]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        yield dict(zip(FIELDS, line.split('\t')))


def ints(v):
    return [int(x, 0) for x in v.split(',') if x != ''] if v else []


def main():
    d, files = sys.argv[1], sys.argv[2:]
    out = ['\t'.join(['file', 'frame', 'stream', 'xid', 'program', 'version', 'procedure', 'flavor', 'gss_proc',
                      'gss_service', 'nfs_ops', 'body', 'reply_frame', 'accept_stat', 'nfs_status'])]
    for name in files:
        calls = collections.OrderedDict()
        for r in tshark(os.path.join(d, name)):
            mt = ints(r['rpc.msgtyp'])
            if len(mt) != 1:
                sys.exit('%s frame %s: %d RPC messages in one frame (the lab sends one)' % (name, r['frame.number'], len(mt)))
            key = (r['tcp.stream'], r['rpc.xid'])
            flavor = ints(r['rpc.auth.flavor'])[0]
            if mt[0] == 0:
                gproc = ints(r['rpc.authgss.procedure'])
                gsvc = ints(r['rpc.authgss.service'])
                ops = [NFS4_OP.get(o, str(o)) for o in ints(r['nfs.opcode'])]
                toks = r['spnego.krb5.tok_id'].split(',') if r['spnego.krb5.tok_id'] else []
                sealed = ints(r['spnego.krb5.sealed'])
                if flavor != 6:
                    body = 'clear'
                elif gproc and gproc[0] != 0:
                    body = 'none'
                elif gsvc and gsvc[0] == 2:
                    body = 'integ'
                elif gsvc and gsvc[0] == 3:
                    body = 'wrapped' if WRAP_TOK in toks and 1 in sealed else 'unsealed'
                else:
                    body = 'clear'
                if body == 'wrapped' and not os.environ.get('KRBLAB_KEYTAB'):
                    ops = []
                calls[key] = dict(
                    frame=r['frame.number'], stream=r['tcp.stream'], xid=r['rpc.xid'], prog=r['rpc.program'],
                    vers=r['rpc.programversion'].split(',')[0], proc=r['rpc.procedure'].split(',')[0], flavor=FLAVOR.get(flavor, str(flavor)),
                    gproc=GSS_PROC.get(gproc[0], '') if flavor == 6 and gproc else '',
                    gsvc=GSS_SVC.get(gsvc[0], '') if flavor == 6 and gsvc else '', ops=','.join(ops), body=body,
                    reply='', accept='', nfs='', wrapped=body == 'wrapped')
            else:
                c = calls.get(key)
                if c is None:
                    continue
                c['reply'] = r['frame.number']
                c['accept'] = r['rpc.state_accept']
                st = ints(r['nfs.nfsstat4'])
                if c['proc'] == '1':
                    c['nfs'] = str(st[0]) if st else ('sealed' if c['wrapped'] else '')
        for c in calls.values():
            out.append('\t'.join([name, c['frame'], c['stream'], c['xid'], c['prog'], c['vers'], c['proc'], c['flavor'],
                                  c['gproc'], c['gsvc'], c['ops'], c['body'], c['reply'], c['accept'], c['nfs']]))
    print('\n'.join(out))


if __name__ == '__main__':
    main()
