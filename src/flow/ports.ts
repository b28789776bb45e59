/** The NFS service port set: which ports make a flow "on the NFS ports" and decide client/server orientation. */

export const DEFAULT_PORT_SPEC = '2049,111,20048,988,20049-21049';

/** A bitmap over the 65536 ports. */
export class PortSet {
  private readonly bits = new Uint8Array(65536);
  constructor(readonly spec: string) {
    if (spec.trim() === '') throw new Error('empty port set: give ports or ranges, e.g. 2049,20049-21049');
    for (const part of spec.split(',')) {
      const p = part.trim();
      if (p === '') throw new Error(`empty entry in "${spec}" (a stray comma?)`);
      const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(p);
      if (!m) throw new Error(`bad port or range "${p}" in "${spec}"`);
      const lo = Number(m[1]);
      const hi = m[2] === undefined ? lo : Number(m[2]);
      if (lo === 0 || lo > 65535 || hi > 65535 || hi < lo) throw new Error(`bad port range "${p}" in "${spec}"`);
      for (let i = lo; i <= hi; i++) this.bits[i] = 1;
    }
  }
  has(port: number): boolean {
    return this.bits[port] === 1;
  }
  /** The ports in the set, ascending. */
  list(): number[] {
    const out: number[] = [];
    for (let i = 0; i < 65536; i++) if (this.bits[i] === 1) out.push(i);
    return out;
  }
}

/** Tunnel ports of amazon-efs-utils / AZNFS local forwarders. */
export function isTunnelPort(port: number): boolean {
  return port >= 20049 && port <= 21049;
}
