/**
 * The recorded downgrade lab run (captures/lab-downgrade, made by lab/downgrade/make-downgrade-capture.sh): the
 * shared assertions, plus the exact times and frames of this run. tshark 4.0 (`-o tcp.reassemble_out_of_order:TRUE`)
 * reads the READ reply of 262144 bytes at frame 372 and the WRITE of 3000 bytes at frame 397.
 */
import { describe, expect, it } from 'vitest';
import type { TriageDocument } from '../../src/triage/report.js';
import { downgradeLabTests } from '../helpers/downgrade-lab.js';
import { runProcess, WIRESEAL } from '../helpers/lab-run.js';

const DIR = 'captures/lab-downgrade';

describe('downgrade lab run (recorded)', () => {
  downgradeLabTests(() => DIR);

  it('exact times, frames and the capture gap of this run', async () => {
    const r = await runProcess(process.execPath, [
      WIRESEAL,
      'triage',
      `${DIR}/downgrade.pcap`,
      '--host-root',
      `${DIR}/bundle.tar.gz`,
      '--format',
      'json',
    ]);
    const doc = JSON.parse(r.stdout) as TriageDocument;
    const [tls, clear] = doc.timelines[0]!.segments;
    expect([tls!.from, tls!.to, clear!.from, clear!.to]).toEqual([
      '2026-12-03T22:04:38.698390000Z',
      '2026-12-03T22:04:40.301356000Z',
      '2026-12-03T22:04:43.590846000Z',
      '2026-12-03T22:04:46.026446000Z',
    ]);
    expect([clear!.exposure!.firstFrame.frame, clear!.exposure!.lastFrame.frame]).toEqual([155, 402]);
    expect(doc.bundle?.collectedAt).toBe('2026-12-03T22:04:48.673Z');
    // Segments the tbf shaper dropped before the kill: reported, never papered over.
    expect(doc.findings.find((f) => f.code === 'CAPTURE-GAP')?.message).toBe(
      '8688 bytes not captured, tcp to 192.0.2.21:2049 from 192.0.2.10 (1 flow)',
    );
  });
});
