/**
 * Reader of INI-like files: stunnel configs share the line rules (trim; skip blank, `#` and `;` lines; `[name]`
 * sections; split at the first `=`; keys case-insensitive). Used for efs-utils.conf and tlshd's GLib key-file. Pure.
 */
import type { IniFile, OptionMap, SourceRef } from './types.js';

const MAX_LINES = 100_000;

export type IniLine =
  | { kind: 'section'; name: string; src: SourceRef }
  | { kind: 'option'; key: string; value: string; src: SourceRef };

/** Splits config text into section and option lines; malformed lines are ignored. */
export function iniLines(text: string, file: string): IniLine[] {
  const out: IniLine[] = [];
  const lines = text.split(/\r?\n/);
  const n = Math.min(lines.length, MAX_LINES);
  for (let i = 0; i < n; i++) {
    let line = lines[i];
    if (i === 0 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    line = line.trim();
    if (line === '' || line[0] === '#' || line[0] === ';') continue;
    const src = { file, line: i + 1 };
    if (line[0] === '[') {
      const end = line.indexOf(']');
      if (end > 0) out.push({ kind: 'section', name: line.slice(1, end).trim(), src });
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    out.push({ kind: 'option', key: line.slice(0, eq).trim().toLowerCase(), value: line.slice(eq + 1).trim(), src });
  }
  return out;
}

export function addOption(map: OptionMap, key: string, value: string, src: SourceRef): void {
  const list = map[key];
  if (list) list.push({ value, src });
  else map[key] = [{ value, src }];
}

/** Parses an INI file; options before any section go to the section named ''. */
export function parseIni(text: string, file: string): IniFile {
  const sections: Record<string, OptionMap> = {};
  let current: OptionMap = {};
  sections[''] = current;
  for (const l of iniLines(text, file)) {
    if (l.kind === 'section') {
      current = sections[l.name] ?? {};
      sections[l.name] = current;
    } else addOption(current, l.key, l.value, l.src);
  }
  return { file, sections };
}

/** The last value of `key` in `section`. */
export function iniValue(ini: IniFile | undefined, section: string, key: string) {
  const list = ini?.sections[section]?.[key.toLowerCase()];
  return list ? list[list.length - 1] : undefined;
}
