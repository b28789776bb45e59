/** Picks the writer for --format. */
import { writeJson } from './json.js';
import type { ResultDocument } from './schema.js';

export const FORMATS = ['table', 'json', 'junit', 'sarif'] as const;
export type Format = (typeof FORMATS)[number];

export function isFormat(s: string): s is Format {
  return (FORMATS as readonly string[]).includes(s);
}

/** Writers other than JSON are loaded on demand: the table library alone costs 20 ms of start-up. */
export async function writeDocument(
  doc: ResultDocument,
  format: Format,
  out: NodeJS.WritableStream,
  verdicts: boolean,
): Promise<void> {
  if (format === 'json') await writeJson(doc, out);
  else if (format === 'junit') (await import('./junit.js')).writeJunit(doc, out);
  else if (format === 'sarif') (await import('./sarif.js')).writeSarif(doc, out);
  else (await import('./table.js')).writeTable(doc, out, { verdicts });
}
