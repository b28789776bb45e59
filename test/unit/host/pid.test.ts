import { describe, expect, it } from 'vitest';
import { checkPid } from '../../../src/host/pid.js';

describe('tunnel pid liveness', () => {
  it('checks /proc only on the local host', async () => {
    expect(await checkPid(123, false)).toEqual({
      pid: 123,
      state: 'unknown',
      reason: 'pids are checked only on the local host',
    });
    expect((await checkPid(-1, true)).state).toBe('unknown');
    expect(await checkPid(undefined, true)).toEqual({
      pid: undefined,
      state: 'unknown',
      reason: 'no tunnel pid recorded',
    });
  });

  it('a missing pid or a pid that is not a tunnel is dead', async () => {
    expect(await checkPid(2 ** 30, true)).toEqual({ pid: 2 ** 30, state: 'dead', reason: `no process ${2 ** 30}` });
    const self = await checkPid(process.pid, true);
    expect(self.state).toBe('dead');
    expect(self.reason).toContain('not a tunnel');
  });
});
