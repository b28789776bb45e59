/** JSON writer: the result document as is. */
import type { ResultDocument } from './schema.js';

export function writeJson(doc: ResultDocument, out: NodeJS.WritableStream): void {
  out.write(`${JSON.stringify(doc, null, 2)}\n`);
}
