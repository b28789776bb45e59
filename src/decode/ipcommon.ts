/** What IPv4 and IPv6 share once a fragment has been handed to the reassembler. */
import { FRAG_DROPPED, FRAG_PENDING, type FragmentReassembler } from './fragments.js';
import { decodeTransport } from './transport.js';
import type { DecodedPacket, DecodeStatus } from './types.js';

/** Turn the reassembler's answer into a status; on completion decode the rebuilt transport payload. */
export function finishFragment(result: number, frags: FragmentReassembler, out: DecodedPacket): DecodeStatus {
  if (result === FRAG_PENDING) return 'fragment-pending';
  if (result === FRAG_DROPPED) return 'malformed';
  out.reassembled = true;
  return decodeTransport(frags.doneProto, frags.doneBuf, 0, result, result, out);
}
