/**
 * Judges one stunnel service (global defaults folded in) by stunnel's rules: does it originate TLS, does it
 * check the server's chain, and does it check the server's name. Pure.
 */
import type { MountVerdict } from '../report/schema.js';
import { opt, optAll } from './stunnel.js';
import type { OptionMap, OptionValue, SourceRef, StunnelService } from './types.js';

export interface ServiceVerdict {
  verdict: MountVerdict;
  reason: string;
  sources: SourceRef[];
}

const at = (o: OptionValue) => `${o.src.file}:${o.src.line}`;

/** Whether an OpenSSL cipher string enables `token` (present and not negated with `!` or `-`). */
function enables(ciphers: string, token: string): boolean {
  return ciphers.split(/[:, ]+/).some((t) => t.replace(/^\+/, '').toLowerCase() === token.toLowerCase());
}

function isYes(v: OptionValue | undefined): boolean {
  return v !== undefined && /^(yes|true|1)$/i.test(v.value);
}

function refs(map: OptionMap, keys: string[]): SourceRef[] {
  const out: SourceRef[] = [];
  for (const k of keys) for (const v of optAll(map, k)) out.push(v.src);
  return out;
}

const KEY_SOURCES = [
  'client',
  'accept',
  'connect',
  'ciphers',
  'verify',
  'verifychain',
  'verifypeer',
  'cafile',
  'capath',
  'castore',
  'checkhost',
  'checkip',
];

export function judgeStunnelService(service: StunnelService): ServiceVerdict {
  const o = service.options;
  const sources = [service.src, ...refs(o, KEY_SOURCES)];
  const result = (verdict: MountVerdict, reason: string): ServiceVerdict => ({ verdict, reason, sources });
  const client = opt(o, 'client');
  if (!isYes(client)) {
    return result(
      'tunnel-plaintext',
      `stunnel service [${service.name}] has no client = yes, so it does not originate TLS`,
    );
  }
  const ciphers = opt(o, 'ciphers');
  if (ciphers && (enables(ciphers.value, 'NULL') || enables(ciphers.value, 'eNULL'))) {
    return result('tunnel-plaintext', `ciphers = ${ciphers.value} enables NULL encryption (${at(ciphers)})`);
  }
  const verify = opt(o, 'verify');
  const level = verify ? Number.parseInt(verify.value, 10) : -1;
  const chain = isYes(opt(o, 'verifychain')) || level === 2 || level === 3;
  const pinned = isYes(opt(o, 'verifypeer')) || level === 3 || level === 4;
  if (!chain && !pinned) {
    if (level === 1)
      return result('tls-unverified', `verify = 1 accepts a server without a certificate (${at(verify!)})`);
    if (verify)
      return result(
        'tls-unverified',
        `verify = ${verify.value}: the server certificate is not checked (${at(verify)})`,
      );
    return result('tls-unverified', 'no verify, verifyChain or verifyPeer: any server certificate is accepted');
  }
  const ca = opt(o, 'cafile') ?? opt(o, 'capath') ?? opt(o, 'castore');
  if (!ca || ca.value === '') return result('tls-unverified', 'verification is on but no CAfile/CApath/CAstore is set');
  if (ciphers && enables(ciphers.value, 'aNULL')) {
    return result('tls-unverified', `ciphers = ${ciphers.value} enables anonymous suites (${at(ciphers)})`);
  }
  const how = verify ? `verify = ${verify.value}` : chain ? 'verifyChain = yes' : 'verifyPeer = yes';
  if (!chain) return result('tls-verified', `${how}: server certificate pinned against ${ca.value}`);
  const names = [...optAll(o, 'checkhost'), ...optAll(o, 'checkip')];
  if (names.length === 0) {
    return result(
      'tls-unverified',
      `${how} with ${ca.value} but no checkHost/checkIP: any certificate from that CA passes`,
    );
  }
  const nameList = names.map((n) => n.value).join(', ');
  const wildcard = names.some((n) => n.value.startsWith('*.')) ? ' (a domain wildcard, not account-specific)' : '';
  return result('tls-verified', `${how}, CA ${ca.value}, server name checked: ${nameList}${wildcard}`);
}
