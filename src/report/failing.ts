/** Whether a finding fails the run, as the writers show it: its severity against the run's failOn, unless accepted. */
import { SEVERITY_RANK } from '../verify/findings.js';
import type { Finding, ResultDocument } from './schema.js';

export function failsRun(doc: ResultDocument, x: Finding): boolean {
  if (x.accepted !== undefined) return false;
  const f = doc.policy?.failOn;
  const bar = f === undefined || f === 'new' ? SEVERITY_RANK.medium : SEVERITY_RANK[f];
  return SEVERITY_RANK[x.severity] >= bar;
}
