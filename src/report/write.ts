/** Picks the writer for --format. */
import { writeJson } from './json.js';
import { writeJunit } from './junit.js';
import { writeSarif } from './sarif.js';
import type { ResultDocument } from './schema.js';
import { writeTable } from './table.js';

export const FORMATS = ['table', 'json', 'junit', 'sarif'] as const;
export type Format = (typeof FORMATS)[number];

export function isFormat(s: string): s is Format {
  return (FORMATS as readonly string[]).includes(s);
}

export function writeDocument(
  doc: ResultDocument,
  format: Format,
  out: NodeJS.WritableStream,
  verdicts: boolean,
): void {
  if (format === 'json') writeJson(doc, out);
  else if (format === 'junit') writeJunit(doc, out);
  else if (format === 'sarif') writeSarif(doc, out);
  else writeTable(doc, out, { verdicts });
}
