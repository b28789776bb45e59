/** Test helper: NFSv4 COMPOUND operations as XDR bytes. */
import { concat, Xdr } from './rpc.js';

export const stateid = new Array<number>(16).fill(0xab);

/** NFSv4 operations encoded with their arguments. */
export const op = {
  putrootfh: () => new Xdr().u32(24).bytes(),
  putfh: () => new Xdr().u32(22).opaque(new Array<number>(28).fill(1)).bytes(),
  getfh: () => new Xdr().u32(10).bytes(),
  getattr: () => new Xdr().u32(9).u32(2).u32(0x0010011a).u32(0x00b0a23a).bytes(),
  lookup: (name: string) => new Xdr().u32(15).str(name).bytes(),
  /** OPEN with CREATE/GUARDED4 (fattr4 createattrs) and CLAIM_NULL */
  openCreate: (name: string) =>
    new Xdr()
      .u32(18)
      .u32(1) // seqid
      .u32(2)
      .u32(0) // share access/deny
      .hyper(0, 1)
      .str('open id:owner') // owner
      .u32(1) // OPEN4_CREATE
      .u32(1) // GUARDED4
      .u32(2)
      .u32(0x10)
      .u32(0x2) // bitmap (mode)
      .opaque([0, 0, 1, 0xa4]) // attr values
      .u32(0) // CLAIM_NULL
      .str(name)
      .bytes(),
  write: (n: number) =>
    concat(new Xdr().u32(38).fixed(stateid).hyper(0, 0).u32(2).u32(n).bytes(), new Uint8Array(n + ((4 - (n % 4)) % 4))),
  setclientid: () =>
    new Xdr()
      .u32(35)
      .zeros(8)
      .str('Linux NFSv4.0 client')
      .u32(0x40000000)
      .str('tcp')
      .str('198.51.100.10.3.7')
      .u32(1)
      .bytes(),
  sequence: () => new Xdr().u32(53).zeros(16).u32(1).u32(0).u32(0).u32(0).bytes(),
  exchangeId: () =>
    new Xdr()
      .u32(42)
      .zeros(8)
      .str('owner')
      .u32(1)
      .u32(0)
      .u32(1)
      .str('kernel.org')
      .str('Linux 6')
      .hyper(0, 1)
      .u32(0)
      .bytes(),
  createSession: () => {
    const x = new Xdr().u32(43).hyper(0, 1).u32(1).u32(0);
    for (let i = 0; i < 2; i++) x.u32(0).u32(1048576).u32(1048576).u32(4096).u32(8).u32(64).u32(0);
    return x.u32(0x40000000).u32(1).u32(1).u32(0).str('host').u32(0).u32(0).u32(0).bytes();
  },
};
