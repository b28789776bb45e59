/**
 * ONC-RPC program numbers and the short names reports use ("nfs/4", "mount/3", "portmapper/2"), the same spelling
 * as the ground-truth tables (tshark's program names, lower-cased). Unknown programs are shown by number.
 */

export const PROG_PORTMAPPER = 100000;
export const PROG_NFS = 100003;
export const PROG_MOUNT = 100005;
export const PROG_NFS_ACL = 100227;
/** NFSv4.0 callback program numbers are chosen by the client from 0x40000000-0x5fffffff; 4.1 uses this fixed one. */
export const PROG_NFS_CB = 0x40000000;
/** Amazon EFS efs-proxy (AWSFILE) program, spoken by plaintext efs-proxy connections. */
export const PROG_EFS_PROXY = 400123;

const NAMES = new Map<number, string>([
  [100000, 'portmapper'],
  [100001, 'rstat'],
  [100002, 'rusers'],
  [100003, 'nfs'],
  [100004, 'ypserv'],
  [100005, 'mount'],
  [100007, 'ypbind'],
  [100008, 'walld'],
  [100009, 'yppasswd'],
  [100011, 'rquota'],
  [100012, 'spray'],
  [100021, 'nlm'],
  [100024, 'status'],
  [100068, 'cmsd'],
  [100083, 'ttdbserver'],
  [100099, 'autofs'],
  [100227, 'nfs_acl'],
  [100232, 'sadmind'],
  [100249, 'snmpxdmid'],
  [100300, 'nisd'],
  [100303, 'nispasswd'],
  [150001, 'pcnfsd'],
  [390113, 'nsrexec'],
  [PROG_EFS_PROXY, 'efs-proxy'],
  [PROG_NFS_CB, 'nfs_cb'],
]);

/** Short program name, or the number as a string when unknown. */
export function rpcProgramName(prog: number): string {
  return NAMES.get(prog) ?? String(prog);
}

export function isKnownProgram(prog: number): boolean {
  return NAMES.has(prog);
}

/** "name/version" as reports list programs. */
export function rpcProgramLabel(prog: number, vers: number): string {
  return `${rpcProgramName(prog)}/${vers}`;
}
