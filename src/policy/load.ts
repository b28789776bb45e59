/**
 * Reads and validates a policy file (YAML, or JSON which is YAML): parsed with `yaml` keeping source positions,
 * validated with ajv against POLICY_SCHEMA; every error names the file, line and column. Returns the policy keys
 * in the shape of RunPolicy (src/verify/policy.ts).
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import type { Severity } from '../report/schema.js';
import type { CleartextException, MechanismRule } from '../verify/exceptions.js';
import { POLICY_SCHEMA } from './schema.js';

export class PolicyError extends Error {}

/** What the policy file sets (absent keys: the flag or the default applies). */
export interface PolicyFile {
  file: string;
  minTls?: '1.2' | '1.3';
  minGrade?: 'strong' | 'weak';
  allowedSuites?: string[];
  requireCertificateVerification?: boolean;
  mechanisms?: MechanismRule[];
  exceptions?: CleartextException[];
  noNfsSeen?: 'fail' | 'inconclusive' | 'pass';
  failOn?: Severity;
  junitInconclusive?: 'fail' | 'skip';
}

interface RawPolicy {
  version: 1;
  tls?: {
    minVersion?: string | number;
    minGrade?: 'strong' | 'weak';
    allowedSuites?: string[];
    requireCertificateVerification?: boolean;
  };
  mechanisms?: MechanismRule[];
  exceptions?: CleartextException[];
  noNfsSeen?: PolicyFile['noNfsSeen'];
  failOn?: Severity;
  junit?: { inconclusive?: 'fail' | 'skip' };
}

let validator: ReturnType<Ajv['compile']> | undefined;

function validate(data: unknown): ErrorObject[] {
  if (!validator) validator = new Ajv({ allErrors: true, strict: true, strictRequired: false }).compile(POLICY_SCHEMA);
  return validator(data) ? [] : [...(validator.errors ?? [])];
}

function pathOf(instancePath: string): (string | number)[] {
  return instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

function describe(e: ErrorObject): string {
  const where = e.instancePath === '' ? 'the file' : e.instancePath.slice(1).replace(/\//g, '.');
  switch (e.keyword) {
    case 'additionalProperty':
    case 'additionalProperties':
      return `${where}: unknown key "${(e.params as { additionalProperty: string }).additionalProperty}"`;
    case 'enum':
      return `${where}: must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues
        .map(String)
        .filter((v, i, a) => a.indexOf(v) === i)
        .join(', ')}`;
    case 'required':
      return `${where}: missing "${(e.params as { missingProperty: string }).missingProperty}"`;
    case 'oneOf':
      return `${where}: give either "server" or "mount" (one of them)`;
    case 'pattern':
      return /expires$/.test(where) ? `${where}: must be a date YYYY-MM-DD` : `${where}: ${e.message ?? 'invalid'}`;
    case 'const':
      return `${where}: must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`;
    default:
      return `${where}: ${e.message ?? 'invalid'}`;
  }
}

export function parsePolicy(text: string, file: string): PolicyFile {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true });
  const at = (offset: number) => {
    const p = lc.linePos(offset);
    return `${file}:${p.line}:${p.col}`;
  };
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new PolicyError(
      `${at(e.pos[0])}: ${(e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')}`,
    );
  }
  const data = doc.toJS() as unknown;
  const errors = validate(data);
  if (errors.length > 0) {
    // The most specific error first (oneOf/anyOf summaries after their detail).
    // Errors inside a oneOf branch are summarised by the oneOf error itself; other errors first.
    const direct = errors.filter((x) => !x.schemaPath.includes('/oneOf/'));
    const e = direct.find((x) => x.keyword !== 'oneOf') ?? direct[0] ?? errors[0]!;
    let node = doc.getIn(pathOf(e.instancePath), true) as unknown;
    if (e.keyword === 'additionalProperties' && isMap(node)) {
      const key = (e.params as { additionalProperty: string }).additionalProperty;
      const pair = node.items.find((it) => isScalar(it.key) && it.key.value === key);
      if (pair) node = pair.key;
    }
    const range =
      (node as { range?: [number, number, number] } | undefined)?.range ??
      (doc.contents as { range?: [number, number, number] } | null)?.range;
    throw new PolicyError(`${range ? at(range[0]) : `${file}:1:1`}: ${describe(e)}`);
  }
  const raw = data as RawPolicy;
  const out: PolicyFile = { file };
  const t = raw.tls ?? {};
  if (t.minVersion !== undefined) out.minTls = String(t.minVersion) as '1.2' | '1.3';
  if (t.minGrade !== undefined) out.minGrade = t.minGrade;
  if (t.allowedSuites !== undefined) out.allowedSuites = t.allowedSuites;
  if (t.requireCertificateVerification !== undefined)
    out.requireCertificateVerification = t.requireCertificateVerification;
  if (raw.mechanisms !== undefined) out.mechanisms = raw.mechanisms;
  if (raw.exceptions !== undefined) out.exceptions = raw.exceptions;
  if (raw.noNfsSeen !== undefined) out.noNfsSeen = raw.noNfsSeen;
  if (raw.failOn !== undefined) out.failOn = raw.failOn;
  if (raw.junit?.inconclusive !== undefined) out.junitInconclusive = raw.junit.inconclusive;
  return out;
}

export function loadPolicy(file: string): PolicyFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new PolicyError(`${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parsePolicy(text, file);
}
