/**
 * Skipping the arguments of each NFSv4.x COMPOUND operation (RFC 7530, 8881, 7862, 8276) and CB_COMPOUND
 * operation, so the next operation number can be read. Nothing is decoded beyond what the skip needs.
 *
 * Each skipper moves the cursor past one operation's arguments. It returns false when the operation (or the union
 * arm it uses) is one we cannot skip; the caller must then stop counting that COMPOUND. Otherwise the cursor's flags
 * tell the outcome: `ok`, `short` (more bytes needed), `bad` (impossible value) or `overrun` (the operation ends
 * after a trailing opaque that runs past the window: WRITE data, fattr4 values).
 */
import type { XdrCursor } from './xdr.js';

const STATEID = 16;
const VERIFIER = 8;
const SESSIONID = 16;
const DEVICEID = 16;
const NFSTIME = 12;
const NFS4_FHSIZE = 128;
/** Generous caps on names and owners: far above real use, far below a hostile length. */
const MAX_NAME = 8192;
const MAX_OWNER = 1024;
const MAX_BITMAP_WORDS = 32;
const MAX_ARRAY = 1024;

export function skipBitmap(c: XdrCursor): void {
  c.skipFixedArray(4, MAX_BITMAP_WORDS);
}

export function skipFattr(c: XdrCursor): void {
  skipBitmap(c);
  c.skipOpaque();
}

function fh(c: XdrCursor): void {
  c.skipOpaque(NFS4_FHSIZE);
}

function name(c: XdrCursor): void {
  c.skipOpaque(MAX_NAME);
}

/** lock_owner4 / open_owner4 / state_owner4: clientid + owner. */
export function skipOwner(c: XdrCursor): void {
  c.skipHyper();
  c.skipOpaque(MAX_OWNER);
}

function netaddr(c: XdrCursor): void {
  name(c); // r_netid
  name(c); // r_addr
}

/** Runs `item` for each element of a counted array. */
function array(c: XdrCursor, item: (c: XdrCursor) => boolean | undefined): boolean {
  const n = c.u32();
  if (n > MAX_ARRAY) c.bad = true;
  for (let i = 0; i < n && c.ok; i++) if (item(c) === false) return false;
  return true;
}

/** callback_sec_parms4 (CREATE_SESSION, BACKCHANNEL_CTL). */
function cbSecParms(c: XdrCursor): boolean {
  const flavor = c.u32();
  if (flavor === 0) return true;
  if (flavor === 1) {
    c.u32(); // stamp
    c.skipOpaque(255); // machine name
    c.skip(8); // uid, gid
    c.skipFixedArray(4, 16);
    return true;
  }
  if (flavor === 6) {
    c.u32(); // service
    c.skipOpaque(MAX_OWNER);
    c.skipOpaque(MAX_OWNER);
    return true;
  }
  return c.short; // unknown flavor: cannot skip (unless we simply ran out of bytes)
}

function channelAttrs(c: XdrCursor): void {
  c.skip(24);
  c.skipFixedArray(4, 1);
}

function stateProtectOps(c: XdrCursor): void {
  skipBitmap(c);
  skipBitmap(c);
}

function netloc(c: XdrCursor): boolean {
  const type = c.u32();
  if (type === 1 || type === 2) name(c);
  else if (type === 3) netaddr(c);
  else return c.short;
  return true;
}

function layoutUpdate(c: XdrCursor): void {
  c.u32();
  c.skipOpaque();
}

/** Skips openflag4 (OPEN's create mode and attributes). */
export function skipOpenHow(c: XdrCursor): boolean {
  if (c.u32() !== 1) return true; // OPEN4_NOCREATE
  const mode = c.u32();
  if (mode === 0 || mode === 1) skipFattr(c);
  else if (mode === 2) c.skip(VERIFIER);
  else if (mode === 3) {
    c.skip(VERIFIER);
    skipFattr(c);
  } else return c.short;
  return true;
}

function openClaim(c: XdrCursor): boolean {
  const claim = c.u32();
  switch (claim) {
    case 0: // CLAIM_NULL
    case 3: // CLAIM_DELEGATE_PREV
      name(c);
      return true;
    case 1: // CLAIM_PREVIOUS
      c.u32();
      return true;
    case 2: // CLAIM_DELEGATE_CUR
      c.skip(STATEID);
      name(c);
      return true;
    case 4: // CLAIM_FH
    case 6: // CLAIM_DELEG_PREV_FH
      return true;
    case 5: // CLAIM_DELEG_CUR_FH
      c.skip(STATEID);
      return true;
    default:
      return c.short;
  }
}

function lockArgs(c: XdrCursor): void {
  c.skip(8); // locktype, reclaim
  c.skip(16); // offset, length
  if (c.bool()) {
    c.skip(4 + STATEID + 4); // open_seqid, open_stateid, lock_seqid
    skipOwner(c);
  } else {
    c.skip(STATEID + 4);
  }
}

function exchangeId(c: XdrCursor): boolean {
  c.skip(VERIFIER);
  c.skipOpaque(MAX_OWNER);
  c.u32(); // flags
  const how = c.u32();
  if (how === 1) stateProtectOps(c);
  else if (how === 2) {
    stateProtectOps(c);
    array(c, (x) => {
      x.skipOpaque(MAX_OWNER);
      return true;
    });
    array(c, (x) => {
      x.skipOpaque(MAX_OWNER);
      return true;
    });
    c.skip(8);
  } else if (how !== 0) return c.short;
  // client_impl_id<1>
  const n = c.u32();
  if (n > 1) c.bad = true;
  else if (n === 1) {
    name(c);
    name(c);
    c.skip(NFSTIME);
  }
  return true;
}

function layoutReturn(c: XdrCursor): boolean {
  c.skip(12); // reclaim, layout_type, iomode
  const type = c.u32();
  if (type === 1) {
    c.skip(16 + STATEID);
    c.skipOpaque();
  } else if (type !== 2 && type !== 3) return c.short;
  return true;
}

function appDataBlock(c: XdrCursor): void {
  c.skip(48);
  c.skipOpaque();
}

/** Skips the arguments of NFSv4 operation `op`. */
export function skipNfs4OpArgs(c: XdrCursor, op: number): boolean {
  switch (op) {
    case 3: // ACCESS
    case 52: // SECINFO_NO_NAME
      c.u32();
      return true;
    case 4: // CLOSE
    case 20: // OPEN_CONFIRM
      c.skip(4 + STATEID);
      return true;
    case 5: // COMMIT
    case 74: // LISTXATTRS
      c.skip(12);
      return true;
    case 6: {
      // CREATE
      const type = c.u32();
      if (type === 5) name(c);
      else if (type === 3 || type === 4) c.skip(8);
      name(c);
      skipFattr(c);
      return true;
    }
    case 7: // DELEGPURGE
    case 30: // RENEW
    case 57: // DESTROY_CLIENTID
      c.skipHyper();
      return true;
    case 8: // DELEGRETURN
    case 45: // FREE_STATEID
    case 66: // OFFLOAD_CANCEL
    case 67: // OFFLOAD_STATUS
      c.skip(STATEID);
      return true;
    case 9: // GETATTR
      skipBitmap(c);
      return true;
    case 10: // GETFH
    case 16: // LOOKUPP
    case 23: // PUTPUBFH
    case 24: // PUTROOTFH
    case 27: // READLINK
    case 31: // RESTOREFH
    case 32: // SAVEFH
    case 10044: // ILLEGAL
      return true;
    case 11: // LINK
    case 15: // LOOKUP
    case 28: // REMOVE
    case 33: // SECINFO
    case 72: // GETXATTR
    case 75: // REMOVEXATTR
      name(c);
      return true;
    case 12: // LOCK
      lockArgs(c);
      return true;
    case 13: // LOCKT
      c.skip(20);
      skipOwner(c);
      return true;
    case 14: // LOCKU
      c.skip(8 + STATEID + 16);
      return true;
    case 17: // NVERIFY
    case 37: // VERIFY
      skipFattr(c);
      return true;
    case 18: // OPEN
      c.skip(12); // seqid, share_access, share_deny
      skipOwner(c);
      return skipOpenHow(c) && openClaim(c);
    case 19: // OPENATTR
    case 58: // RECLAIM_COMPLETE
      c.bool();
      return true;
    case 21: // OPEN_DOWNGRADE
      c.skip(STATEID + 12);
      return true;
    case 22: // PUTFH
      fh(c);
      return true;
    case 25: // READ
    case 68: // READ_PLUS
      c.skip(STATEID + 12);
      return true;
    case 26: // READDIR
      c.skip(8 + VERIFIER + 8);
      skipBitmap(c);
      return true;
    case 29: // RENAME
      name(c);
      name(c);
      return true;
    case 34: // SETATTR
      c.skip(STATEID);
      skipFattr(c);
      return true;
    case 35: // SETCLIENTID
      c.skip(VERIFIER);
      c.skipOpaque(MAX_OWNER);
      c.u32(); // cb_program
      netaddr(c);
      c.u32(); // callback_ident
      return true;
    case 36: // SETCLIENTID_CONFIRM
      c.skip(8 + VERIFIER);
      return true;
    case 38: // WRITE
      c.skip(STATEID + 12);
      c.skipOpaque();
      return true;
    case 39: // RELEASE_LOCKOWNER
      skipOwner(c);
      return true;
    case 40: // BACKCHANNEL_CTL
      c.u32();
      return array(c, cbSecParms);
    case 41: // BIND_CONN_TO_SESSION
      c.skip(SESSIONID + 8);
      return true;
    case 42:
      return exchangeId(c);
    case 43: // CREATE_SESSION
      c.skip(16);
      channelAttrs(c);
      channelAttrs(c);
      c.u32();
      return array(c, cbSecParms);
    case 44: // DESTROY_SESSION
      c.skip(SESSIONID);
      return true;
    case 46: // GET_DIR_DELEGATION
      c.bool();
      skipBitmap(c);
      c.skip(2 * NFSTIME);
      skipBitmap(c);
      skipBitmap(c);
      return true;
    case 47: // GETDEVICEINFO
      c.skip(DEVICEID + 8);
      skipBitmap(c);
      return true;
    case 48: // GETDEVICELIST
      c.skip(16 + VERIFIER);
      return true;
    case 49: // LAYOUTCOMMIT
      c.skip(20 + STATEID);
      if (c.bool()) c.skipHyper();
      if (c.bool()) c.skip(NFSTIME);
      layoutUpdate(c);
      return true;
    case 50: // LAYOUTGET
      c.skip(12 + 24 + STATEID + 4);
      return true;
    case 51:
      return layoutReturn(c);
    case 53: // SEQUENCE
      c.skip(SESSIONID + 16);
      return true;
    case 54: // SET_SSV
      c.skipOpaque(MAX_OWNER);
      c.skipOpaque(MAX_OWNER);
      return true;
    case 55: // TEST_STATEID
      c.skipFixedArray(STATEID, MAX_ARRAY);
      return true;
    case 56: {
      // WANT_DELEGATION
      c.u32();
      const claim = c.u32();
      if (claim === 1) c.u32();
      else if (claim !== 4 && claim !== 6) return c.short;
      return true;
    }
    case 59: // ALLOCATE
    case 62: // DEALLOCATE
      c.skip(STATEID + 16);
      return true;
    case 60: // COPY
      c.skip(2 * STATEID + 24 + 8);
      return array(c, netloc);
    case 61: // COPY_NOTIFY
      c.skip(STATEID);
      return netloc(c);
    case 63: // IO_ADVISE
      c.skip(STATEID + 16);
      skipBitmap(c);
      return true;
    case 64: // LAYOUTERROR
      c.skip(16 + STATEID);
      c.skipFixedArray(DEVICEID + 8, MAX_ARRAY);
      return true;
    case 65: // LAYOUTSTATS
      c.skip(16 + STATEID + 32 + DEVICEID);
      layoutUpdate(c);
      return true;
    case 69: // SEEK
      c.skip(STATEID + 12);
      return true;
    case 70: // WRITE_SAME
      c.skip(STATEID + 4);
      appDataBlock(c);
      return true;
    case 71: // CLONE
      c.skip(2 * STATEID + 24);
      return true;
    case 73: // SETXATTR
      c.u32();
      name(c);
      c.skipOpaque();
      return true;
    default:
      return false;
  }
}

function notify(c: XdrCursor): boolean {
  skipBitmap(c);
  c.skipOpaque();
  return true;
}

function referringCallList(c: XdrCursor): boolean {
  c.skip(SESSIONID);
  c.skipFixedArray(8, MAX_ARRAY);
  return true;
}

/** Skips the arguments of NFSv4 callback operation `op` (CB_PUSH_DELEG is not skippable). */
export function skipNfs4CbOpArgs(c: XdrCursor, op: number): boolean {
  switch (op) {
    case 3: // CB_GETATTR
      fh(c);
      skipBitmap(c);
      return true;
    case 4: // CB_RECALL
      c.skip(STATEID + 4);
      fh(c);
      return true;
    case 5: {
      // CB_LAYOUTRECALL
      c.skip(12);
      const type = c.u32();
      if (type === 1) {
        fh(c);
        c.skip(16 + STATEID);
      } else if (type === 2) c.skip(16);
      else if (type !== 3) return c.short;
      return true;
    }
    case 6: // CB_NOTIFY
      c.skip(STATEID);
      fh(c);
      return array(c, notify);
    case 8: // CB_RECALL_ANY
    case 9: // CB_RECALLABLE_OBJ_AVAIL
      c.u32();
      skipBitmap(c);
      return true;
    case 10: // CB_RECALL_SLOT
      c.u32();
      return true;
    case 11: // CB_SEQUENCE
      c.skip(SESSIONID + 16);
      return array(c, referringCallList);
    case 12: // CB_WANTS_CANCELLED
      c.skip(8);
      return true;
    case 13: // CB_NOTIFY_LOCK
      fh(c);
      skipOwner(c);
      return true;
    case 14: // CB_NOTIFY_DEVICEID
      return array(c, notify);
    case 15: {
      // CB_OFFLOAD
      fh(c);
      c.skip(STATEID);
      if (c.u32() === 0) {
        c.skipFixedArray(STATEID, 1);
        c.skip(12 + VERIFIER);
      } else c.skipHyper();
      return true;
    }
    case 10044: // CB_ILLEGAL
      return true;
    default:
      return false;
  }
}
