/**
 * NFS procedure and operation names as Wireshark spells them: NFSv2 (RFC 1094) and NFSv3 (RFC 1813) procedures,
 * NFSv4.x COMPOUND operations (RFC 7530, 8881, 7862, 8276) and NFSv4 callback operations.
 */

const NFS2_PROCS = [
  'NULL',
  'GETATTR',
  'SETATTR',
  'ROOT',
  'LOOKUP',
  'READLINK',
  'READ',
  'WRITECACHE',
  'WRITE',
  'CREATE',
  'REMOVE',
  'RENAME',
  'LINK',
  'SYMLINK',
  'MKDIR',
  'RMDIR',
  'READDIR',
  'STATFS',
];

const NFS3_PROCS = [
  'NULL',
  'GETATTR',
  'SETATTR',
  'LOOKUP',
  'ACCESS',
  'READLINK',
  'READ',
  'WRITE',
  'CREATE',
  'MKDIR',
  'SYMLINK',
  'MKNOD',
  'REMOVE',
  'RMDIR',
  'RENAME',
  'LINK',
  'READDIR',
  'READDIRPLUS',
  'FSSTAT',
  'FSINFO',
  'PATHCONF',
  'COMMIT',
];

/** NFSv4 operations indexed by number, starting at 3 (ACCESS). */
const NFS4_OPS = [
  'ACCESS',
  'CLOSE',
  'COMMIT',
  'CREATE',
  'DELEGPURGE',
  'DELEGRETURN',
  'GETATTR',
  'GETFH',
  'LINK',
  'LOCK',
  'LOCKT',
  'LOCKU',
  'LOOKUP',
  'LOOKUPP',
  'NVERIFY',
  'OPEN',
  'OPENATTR',
  'OPEN_CONFIRM',
  'OPEN_DOWNGRADE',
  'PUTFH',
  'PUTPUBFH',
  'PUTROOTFH',
  'READ',
  'READDIR',
  'READLINK',
  'REMOVE',
  'RENAME',
  'RENEW',
  'RESTOREFH',
  'SAVEFH',
  'SECINFO',
  'SETATTR',
  'SETCLIENTID',
  'SETCLIENTID_CONFIRM',
  'VERIFY',
  'WRITE',
  'RELEASE_LOCKOWNER',
  // 4.1
  'BACKCHANNEL_CTL',
  'BIND_CONN_TO_SESSION',
  'EXCHANGE_ID',
  'CREATE_SESSION',
  'DESTROY_SESSION',
  'FREE_STATEID',
  'GET_DIR_DELEGATION',
  'GETDEVICEINFO',
  'GETDEVICELIST',
  'LAYOUTCOMMIT',
  'LAYOUTGET',
  'LAYOUTRETURN',
  'SECINFO_NO_NAME',
  'SEQUENCE',
  'SET_SSV',
  'TEST_STATEID',
  'WANT_DELEGATION',
  'DESTROY_CLIENTID',
  'RECLAIM_COMPLETE',
  // 4.2
  'ALLOCATE',
  'COPY',
  'COPY_NOTIFY',
  'DEALLOCATE',
  'IO_ADVISE',
  'LAYOUTERROR',
  'LAYOUTSTATS',
  'OFFLOAD_CANCEL',
  'OFFLOAD_STATUS',
  'READ_PLUS',
  'SEEK',
  'WRITE_SAME',
  'CLONE',
  // RFC 8276 extended attributes
  'GETXATTR',
  'SETXATTR',
  'LISTXATTRS',
  'REMOVEXATTR',
];

/** NFSv4 callback operations indexed by number, starting at 3 (CB_GETATTR). */
const NFS4_CB_OPS = [
  'CB_GETATTR',
  'CB_RECALL',
  'CB_LAYOUTRECALL',
  'CB_NOTIFY',
  'CB_PUSH_DELEG',
  'CB_RECALL_ANY',
  'CB_RECALLABLE_OBJ_AVAIL',
  'CB_RECALL_SLOT',
  'CB_SEQUENCE',
  'CB_WANTS_CANCELLED',
  'CB_NOTIFY_LOCK',
  'CB_NOTIFY_DEVICEID',
  'CB_OFFLOAD',
];

/** NFSv4 procedures: 0 NULL, 1 COMPOUND (the same for the callback program: CB_NULL, CB_COMPOUND). */
const NFS4_PROCS = ['NULL', 'COMPOUND'];
export const NFS4_PROC_NULL = 0;
export const NFS4_PROC_COMPOUND = 1;

export const OP_ILLEGAL = 10044;
export const NFS4_FIRST_OP = 3;
export const NFS4_LAST_OP = NFS4_FIRST_OP + NFS4_OPS.length - 1;
export const NFS4_CB_LAST_OP = NFS4_FIRST_OP + NFS4_CB_OPS.length - 1;

/** NFSv2/v3/v4 procedure name, or null when the number is not a procedure of that version. */
export function nfsProcName(vers: number, proc: number): string | null {
  const table = vers === 2 ? NFS2_PROCS : vers === 3 ? NFS3_PROCS : vers === 4 ? NFS4_PROCS : null;
  return table?.[proc] ?? null;
}

export function nfs4OpName(op: number): string | null {
  if (op === OP_ILLEGAL) return 'ILLEGAL';
  return NFS4_OPS[op - NFS4_FIRST_OP] ?? null;
}

export function nfs4CbOpName(op: number): string | null {
  if (op === OP_ILLEGAL) return 'CB_ILLEGAL';
  return NFS4_CB_OPS[op - NFS4_FIRST_OP] ?? null;
}
