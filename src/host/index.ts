/**
 * src/host: readers of a host's NFS mounts and encryption tunnels (mount table, amazon-efs-utils, efs-proxy,
 * AZNFS, generic stunnel, tlshd) and the per-mount verdict. Reads files only through SafeFs; never looks at packets.
 */
export { HostRootError, readHostInventory } from './inventory.js';
export { judgeMounts } from './judge.js';
export type { HostInventory, ReadHostOptions } from './types.js';
