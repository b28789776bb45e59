/** Capture arguments: directories searched recursively and recognised by content, quoted globs matched. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expandInputs, globRegex, InputError, looksLikeCapture } from '../../../src/cli/inputs.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'wireseal-inputs-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const pcap = readFileSync('captures/lab/nfs4-cleartext.pcap');
const pcapng = readFileSync('captures/lab/nfs4-cleartext.pcapng');
mkdirSync(path.join(tmp, 'a/b/c'), { recursive: true });
writeFileSync(path.join(tmp, 'a/one.pcap'), pcap);
writeFileSync(path.join(tmp, 'a/b/no-extension'), pcapng);
writeFileSync(path.join(tmp, 'a/b/c/notes.pcap'), 'not a capture, whatever the name says');
writeFileSync(path.join(tmp, 'a/b/c/z.gz'), Buffer.from([0x1f, 0x8b, 8, 0]));

describe('capture inputs', () => {
  it('recognises captures by content, not by name', () => {
    expect(looksLikeCapture(path.join(tmp, 'a/one.pcap'))).toBe(true);
    expect(looksLikeCapture(path.join(tmp, 'a/b/no-extension'))).toBe(true);
    expect(looksLikeCapture(path.join(tmp, 'a/b/c/notes.pcap'))).toBe(false);
  });
  it('a directory: every capture below it, sorted', () => {
    expect(expandInputs([path.join(tmp, 'a')]).map((f) => path.relative(tmp, f))).toEqual([
      'a/b/c/z.gz',
      'a/b/no-extension',
      'a/one.pcap',
    ]);
  });
  it('a quoted glob: matched here; ** crosses directories', () => {
    expect(expandInputs([`${tmp}/a/*.pcap`]).map((f) => path.relative(tmp, f))).toEqual(['a/one.pcap']);
    expect(expandInputs([`${tmp}/**/*.pcap`]).map((f) => path.relative(tmp, f))).toEqual([
      'a/b/c/notes.pcap',
      'a/one.pcap',
    ]);
    expect(globRegex('**/x?.pcap').test('d/e/x1.pcap')).toBe(true);
    expect(globRegex('*.pcap').test('d/x.pcap')).toBe(false);
  });
  it('plain files and - pass through; empty globs and directories are usage errors', () => {
    expect(expandInputs(['-', 'missing.pcap'])).toEqual(['-', 'missing.pcap']);
    expect(() => expandInputs([`${tmp}/*.nothing`])).toThrow(InputError);
    mkdirSync(path.join(tmp, 'empty'));
    expect(() => expandInputs([path.join(tmp, 'empty')])).toThrow(/no pcap, pcapng or gzip capture/);
  });
});
