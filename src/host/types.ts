/**
 * Host inventory types: what the readers in src/host learned from a host's mount table and tunnel configs.
 * Every fact keeps the file (host path, as on the inspected host) and line it came from.
 */
import type { SourceRef } from '../report/schema.js';

export type { SourceRef };

/** One `key = value` occurrence in a config file. */
export interface OptionValue {
  value: string;
  src: SourceRef;
}

/** Options by lower-cased key; repeated keys keep every value in order. */
export type OptionMap = Record<string, OptionValue[]>;

/** An nfs/nfs4 line of the mount table. */
export interface MountEntry {
  device: string;
  /** Host part of the device (`127.0.0.1`, `fs-….amazonaws.com`, an IPv6 literal without brackets). */
  server: string;
  /** Path part of the device (`/`, `/myaccount/myshare`). */
  export: string;
  mountPoint: string;
  fsType: string;
  options: Record<string, string | true>;
  src: SourceRef;
}

export type PidState = 'alive' | 'dead' | 'unknown';

export interface PidStatus {
  pid?: number;
  state: PidState;
  /** Why the state is what it is ("no /proc/21714", "checked only on the local host"). */
  reason: string;
}

/** The parts of an efs-utils file name `<fs-id>.<enc(mountpoint)>.<port>`. */
export interface EfsStem {
  fsId: string;
  encodedMountPoint: string;
  port: number;
  /** `~` prefix: the mount is in progress. */
  inProgress: boolean;
}

/** An amazon-efs-utils tunnel state file (/var/run/efs/<stem>). */
export interface EfsState {
  file: string;
  stem: EfsStem;
  src: SourceRef;
  pid?: number;
  cmd: string[];
  files: string[];
  mountPoint?: string;
  serviceType?: string;
  /** Set when the JSON could not be read; the other fields are then empty. */
  error?: string;
  pidStatus: PidStatus;
}

export interface StunnelService {
  name: string;
  src: SourceRef;
  /** Effective options: the global defaults merged with the service's own lines. */
  options: OptionMap;
}

export type StunnelOrigin = 'efs-utils' | 'aznfs' | 'generic';

export interface StunnelConfig {
  file: string;
  origin: StunnelOrigin;
  globals: OptionMap;
  services: StunnelService[];
}

/** One line of AZNFS /opt/microsoft/aznfs/data/mountmapv4. */
export interface AznfsMapEntry {
  ip: string;
  conf: string;
  log: string;
  pidFile: string;
  checksum: string;
  status: string;
  timeout: string;
  src: SourceRef;
  pidStatus: PidStatus;
}

/** An INI / GLib key-file: sections of options (section names kept as written, keys lower-cased). */
export interface IniFile {
  file: string;
  sections: Record<string, OptionMap>;
}

export interface HostInventory {
  root: string;
  /** True when root is '/': pids can be checked in /proc. */
  local: boolean;
  mountTable?: string;
  mounts: MountEntry[];
  efsStates: EfsState[];
  stunnelConfigs: StunnelConfig[];
  efsUtilsConf?: IniFile;
  aznfsMap: AznfsMapEntry[];
  tlshd?: IniFile;
  /** Host paths of every file read (what `wireseal collect` copies). */
  files: string[];
  /** `file: message` strings for anything skipped or unreadable. */
  warnings: string[];
  /** Processes, sockets and NFS transports (from a collect bundle, or read live). */
  state?: HostState;
}

export interface ReadHostOptions {
  /** Files larger than this are skipped (default 1 MiB). */
  maxFileBytes?: number;
  /** At most this many files are read (default 2000). */
  maxFiles?: number;
  /** At most this many entries are listed per directory (default 1000). */
  maxDirEntries?: number;
}

/** One row of /proc/net/{tcp,tcp6,udp,udp6}. */
export interface SocketEntry {
  proto: 'tcp' | 'tcp6' | 'udp' | 'udp6';
  local: { ip: string; port: number };
  remote: { ip: string; port: number };
  /** TCP state name (ESTABLISHED, LISTEN...); UNCONN for UDP. */
  state: string;
  inode: number;
}

/** One NFS mount of /proc/self/mountstats with its transports (one per nconnect connection). */
export interface MountStat {
  device: string;
  mountPoint: string;
  fsType: string;
  options: Record<string, string | true>;
  transports: { proto: 'tcp' | 'udp'; localPort: number; src: SourceRef }[];
  src: SourceRef;
}

/** A tunnel process (stunnel, efs-proxy, tlshd, the efs-utils and AZNFS watchdogs) as seen at collection. */
export interface ProcessInfo {
  pid: number;
  comm: string;
  /** Arguments, secrets redacted. */
  cmdline: string[];
  /** Start time (ISO 8601 UTC), when /proc/stat's btime was readable. */
  startTime?: string;
  /** Socket inodes of its open file descriptors, resolved against /proc/net when found there. */
  sockets: SocketEntry[];
}

/** wireseal-bundle.json: what a `collect` bundle holds and where it came from. */
export interface BundleManifest {
  schema: 'wireseal/bundle';
  schemaVersion: string;
  wiresealVersion: string;
  hostname?: string;
  collectedAt: string;
  kernel?: string;
  /** Every interface address of the host (or of the network namespace collect ran in). */
  interfaces: { name: string; address: string; family: 'IPv4' | 'IPv6'; cidr?: string }[];
  sourceRoot: string;
  procRoot: string;
  files: { path: string; bytes: number; sha256: string }[];
  unreadable: { path: string; reason: string }[];
}

/** Live state a bundle (or the local host) adds to its configs. */
export interface HostState {
  manifest?: BundleManifest;
  mountstats: MountStat[];
  sockets: SocketEntry[];
  /** Undefined when no process list was collected (an old bundle): nothing can then be said of process liveness. */
  processes?: ProcessInfo[];
}
