/** Terminal output: control characters escaped everywhere, width fitting by priority, ASCII off a terminal. */
import { describe, expect, it } from 'vitest';
import { annotationLines } from '../../../src/report/annotations.js';
import { buildDocument } from '../../../src/report/document.js';
import { type Column, layout, renderGrid, wrapText } from '../../../src/report/grid.js';
import { events } from '../../../src/report/jsonl.js';
import { markdownLines, mdInline, mdText } from '../../../src/report/markdown.js';
import type { MountResult } from '../../../src/report/schema.js';
import { bySeverity, verdictCounts } from '../../../src/report/table.js';
import { printable } from '../../../src/report/text.js';

const ESC_MOUNT = '/mnt/\u001b[2J\u001b]0;pwned\u0007x';

const mount: MountResult = {
  mountPoint: ESC_MOUNT,
  server: 'fs-1.example',
  export: '/',
  fsType: 'nfs4',
  mechanism: 'direct',
  verdict: 'direct-cleartext',
  reason: 'no tls\noption',
  sources: [{ file: '/proc/mounts', line: 2 }],
  options: {},
};

const doc = buildDocument({
  command: 'verify-encryption',
  captures: [],
  flows: [],
  mounts: [mount],
  findings: [
    { code: 'ENCRYPTED-BY-CONFIG-ONLY', severity: 'low', message: 'low one', mount: '/mnt/a' },
    { code: 'PLAINTEXT-BY-CONFIG', severity: 'high', message: `cleartext ${ESC_MOUNT}`, mount: ESC_MOUNT },
    { code: 'BYPASS', severity: 'critical', message: 'bypass | <b>x</b>', mount: '/mnt/b' },
  ],
  warnings: ['bad \u001b[31m warning'],
  exitCode: 1,
});

describe('printable', () => {
  it('escapes C0, DEL, C1 and bidi overrides, keeps printable text', () => {
    expect(printable('a\u001b[2Jb')).toBe('a\\x1b[2Jb');
    expect(printable('x\ny\tz\r')).toBe('x\\ny\\tz\\r');
    expect(printable('\u007f\u009b\u202e')).toBe('\\x7f\\x9b\\u202e');
    expect(printable('/mnt/données 日本')).toBe('/mnt/données 日本');
  });
});

describe('grid', () => {
  const cols: Column[] = [
    { title: 'id', drop: 0 },
    { title: 'extra', drop: 1 },
    { title: 'text', drop: 0, wrap: true, min: 8 },
  ];
  const rows = [['1', 'xxxxxxxxxxxxxxxxxxxx', 'one two three four five six']];
  it('keeps every column when it fits, drops by priority then wraps when it does not', () => {
    expect(layout(cols, rows, 200)).toEqual({ keep: [0, 1, 2], widths: [2, 20, 27] });
    expect(layout(cols, rows, 40)).toEqual({ keep: [0, 1, 2], widths: [2, 20, 8] });
    expect(layout(cols, rows, 30)).toEqual({ keep: [0, 2], widths: [2, 21] });
    expect(layout(cols, rows, 20)).toEqual({ keep: [0, 2], widths: [2, 11] });
  });
  it('every line fits the width; ASCII or box drawing', () => {
    const ascii = renderGrid(cols, rows, { width: 20, unicode: false });
    for (const l of ascii.split('\n')) expect(l.length).toBeLessThanOrEqual(20);
    expect(ascii).toMatch(/^[ -~\n]+$/);
    expect(ascii.split('\n')[0]).toBe('+----+-------------+');
    expect(renderGrid(cols, rows, { width: 20, unicode: true }).split('\n')[0]).toBe('┌────┬─────────────┐');
    expect(wrapText('one two three four', 9)).toEqual(['one two', 'three', 'four']);
    expect(wrapText('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
  });
  it('escapes control characters in cells', () => {
    const out = renderGrid([{ title: 'm', drop: 0 }], [[ESC_MOUNT]], { width: 200, unicode: false });
    expect(out).not.toContain('\u001b');
    expect(out).toContain('/mnt/\\x1b[2J\\x1b]0;pwned\\x07x');
  });
});

describe('findings and summary', () => {
  it('sorts findings by severity', () => {
    expect(bySeverity(doc.findings).map((x) => x.severity)).toEqual(['critical', 'high', 'low']);
  });
  it('counts the tunnel-local legs apart from cleartext', () => {
    const legs = buildDocument({
      command: 'verify-encryption',
      captures: [],
      flows: [
        { class: 'tunnel-local', verdict: 'cleartext' },
        { class: 'tls', verdict: 'encrypted' },
        { class: 'nfs-cleartext', verdict: 'cleartext' },
      ] as never,
      findings: [],
      warnings: [],
      exitCode: 1,
    });
    expect(verdictCounts(legs)).toBe(
      '1 cleartext, 1 encrypted, 1 tunnel-local leg (loopback into a tunnel, not on the wire)',
    );
  });
});

describe('no control character reaches any text writer', () => {
  it('markdown escapes HTML, pipes and control characters', () => {
    const md = markdownLines(doc, { maxFlows: 10 }).join('\n');
    expect(md).not.toContain('\u001b');
    expect(md).not.toContain('<b>');
    expect(md).toContain('bypass \\| &lt;b&gt;x&lt;/b&gt;');
    expect(md.split('\n')[0]).toBe(
      '## wireseal verify-encryption: FAILED: findings at or above the failing severity (exit 1)',
    );
    // Findings most severe first.
    const codes = md.split('\n').filter((l) => /^\| (critical|high|low) \|/.test(l));
    expect(codes.map((l) => l.split(' | ')[1])).toEqual(['BYPASS', 'PLAINTEXT-BY-CONFIG', 'ENCRYPTED-BY-CONFIG-ONLY']);
    expect(mdText('a_b*c`d')).toBe('a\\_b\\*c\\`d');
  });
  it('remediation steps: our backtick spans become code spans, everything else escaped; a stray backtick is text', () => {
    expect(mdInline('remount: `umount /mnt/a_b && mount -t efs -o tls fs:/ /mnt/a_b` (add `tls`)')).toBe(
      'remount: `umount /mnt/a_b && mount -t efs -o tls fs:/ /mnt/a_b` (add `tls`)',
    );
    expect(mdInline('run `mount <x>` on *this*')).toBe('run `mount <x>` on \\*this\\*');
    expect(mdInline('`umount /mnt/\u001b[2J`')).toBe('`umount /mnt/\\x1b[2J`');
    expect(mdInline('odd ` count <b>')).toBe('odd \\` count &lt;b&gt;');
  });
  it('GitHub annotations: one per finding, most severe first, escaped', () => {
    expect(annotationLines(doc)).toEqual([
      '::error title=wireseal BYPASS (critical)::/mnt/b: bypass | <b>x</b>',
      '::error title=wireseal PLAINTEXT-BY-CONFIG (high)::/mnt/\\x1b[2J\\x1b]0;pwned\\x07x: cleartext /mnt/\\x1b[2J\\x1b]0;pwned\\x07x',
      '::notice title=wireseal ENCRYPTED-BY-CONFIG-ONLY (low)::/mnt/a: low one',
    ]);
  });
  it('jsonl: run, mount, findings (with fingerprints), summary', () => {
    const ev = [...events(doc)];
    expect(ev.map((e) => e.event)).toEqual(['run', 'mount', 'finding', 'finding', 'finding', 'summary']);
    for (const e of ev) expect(e).toMatchObject({ schema: 'wireseal/event', schemaVersion: '1.0' });
    const fps = ev.flatMap((e) => (e.event === 'finding' ? [e.fingerprint] : []));
    expect(new Set(fps).size).toBe(3);
  });
});
