/** Liveness of a tunnel's pid on the local host: /proc/<pid> exists and its comm names a tunnel program. */
import { readFile } from 'node:fs/promises';
import { pidNotChecked } from './efs-utils.js';
import type { PidStatus } from './types.js';

const TUNNEL_COMMS = ['stunnel', 'efs-proxy'];

export async function checkPid(pid: number | undefined, local: boolean): Promise<PidStatus> {
  if (!local || pid === undefined || pid <= 0) return pidNotChecked(pid, local);
  let comm: string;
  try {
    comm = (await readFile(`/proc/${pid}/comm`, 'utf8')).trim();
  } catch {
    return { pid, state: 'dead', reason: `no process ${pid}` };
  }
  if (!TUNNEL_COMMS.some((t) => comm.startsWith(t))) {
    return { pid, state: 'dead', reason: `pid ${pid} is ${JSON.stringify(comm)}, not a tunnel` };
  }
  return { pid, state: 'alive', reason: `pid ${pid} is ${comm}` };
}
