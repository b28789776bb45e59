/**
 * Shared by the crafted-byte TLS rule tests: a deterministic ciphertext-like keystream, and the judgement of one
 * classified flow through the real verdict and policy code (verdict, anomaly and finding codes, exit code).
 */
import { createCipheriv } from 'node:crypto';
import type { FlowClassifier } from '../../src/classify/flow-classifier.js';
import { flowVerdict } from '../../src/classify/verdict.js';
import { anomalyResult, reasonText } from '../../src/report/reason-text.js';
import type { FlowResult, TlsSummary } from '../../src/report/schema.js';
import { judgeRun } from '../../src/verify/policy.js';
import { flow } from '../unit/verify/flows.js';

/** n bytes of AES-128-CTR output under a key made of `seed`: random-looking, the same on every run. */
export function keystream(n: number, seed: number): number[] {
  const c = createCipheriv('aes-128-ctr', Buffer.alloc(16, seed & 0xff), Buffer.alloc(16, 0x42));
  return [...c.update(Buffer.alloc(n))];
}

export interface Judged {
  verdict: string;
  /** Anomaly codes in the analyzers' order. */
  anomalies: string[];
  /** Finding codes, sorted. */
  findings: string[];
  exit: number;
  tls: TlsSummary | undefined;
}

/** Judges a crafted client-to-2049 flow as verify-encryption would (one flow, no host config). */
export function judgeCrafted(
  c: FlowClassifier,
  o: { minGrade?: 'strong' | 'weak'; gapToServer?: number } = {},
): Judged {
  const ctx = { loopback: false, tunnelPort: false, onServicePort: true, payloadBytes: 1000 };
  const v = flowVerdict(c, ctx);
  const f: FlowResult = {
    ...flow({ id: 0, client: '10.0.0.1:900', server: '10.0.0.2:2049', cls: v.class }),
    payload: { total: 1000, toServer: 500, toClient: 500 },
    verdict: v.verdict,
    verdictReason: reasonText(v.why),
  };
  if (v.tls) f.tls = v.tls;
  if (v.anomalies) f.anomalies = v.anomalies.map(anomalyResult);
  if (o.gapToServer !== undefined) f.gaps = { toServer: o.gapToServer, toClient: 0 };
  const j = judgeRun(
    { captures: [], flows: [f], inputDamaged: false },
    { minGrade: o.minGrade ?? 'strong', minTls: '1.2' },
  );
  return {
    verdict: v.verdict,
    anomalies: (v.anomalies ?? []).map((a) => a.code),
    findings: j.findings.map((x) => x.code).sort(),
    exit: j.exitCode,
    tls: v.tls,
  };
}
