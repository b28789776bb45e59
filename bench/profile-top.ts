/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): the functions with the most self time, with file:line.
 * Usage: node profile-top.js FILE.cpuprofile [N]
 */
import { readFileSync } from 'node:fs';

interface CpuNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface CpuProfile {
  nodes: CpuNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  where: string;
  ms: number;
  share: number;
}

export function topSelfTime(profile: CpuProfile, n: number): SelfTime[] {
  const byId = new Map<number, CpuNode>();
  for (const node of profile.nodes) byId.set(node.id, node);
  const self = new Map<string, { name: string; where: string; us: number }>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    total += dt;
    const f = byId.get(id)?.callFrame;
    if (!f) return;
    const file = f.url.replace(/^file:\/\//, '').replace(`${process.cwd()}/`, '');
    const where = file ? `${file}:${f.lineNumber + 1}` : '';
    const k = `${f.functionName}@${where}`;
    const e = self.get(k) ?? { name: f.functionName || '(anonymous)', where, us: 0 };
    e.us += dt;
    self.set(k, e);
  });
  return [...self.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, n)
    .map((e) => ({ name: e.name, where: e.where, ms: e.us / 1000, share: total > 0 ? e.us / total : 0 }));
}

if (process.argv[1]?.endsWith('profile-top.js')) {
  const p = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as CpuProfile;
  for (const e of topSelfTime(p, Number(process.argv[3] ?? 25))) {
    process.stdout.write(
      `${(e.share * 100).toFixed(1).padStart(5)}%  ${e.ms.toFixed(0).padStart(6)} ms  ${e.name}  ${e.where}\n`,
    );
  }
}
