/**
 * JSON writer: the result document, pretty-printed. Flows are written a batch at a time (waiting for the stream to
 * drain) instead of as one string, so a capture with tens of thousands of flows never needs its whole JSON text in
 * memory; the text is the same as JSON.stringify(doc, null, 2).
 */
import { once } from 'node:events';
import type { ResultDocument } from './schema.js';

const MARK = '"\u0000wireseal-flows\u0000"';
/** Flows per JSON.stringify call, and so per write (a system call on a file or pipe): not one per flow. */
const BATCH = 64;
/**
 * JSON.stringify of [[f1, f2, ...]] with a 2-space indent sets the flows at 4 spaces and their members at 6, as in
 * the whole document: the text between these two ends is the batch as it appears in the document's `flows`, with
 * no re-indentation pass.
 */
const HEAD = '[\n  [\n';
const TAIL = '\n  ]\n]';

async function put(out: NodeJS.WritableStream, s: string): Promise<void> {
  if (!out.write(s)) await once(out, 'drain');
}

export async function writeJson(doc: ResultDocument, out: NodeJS.WritableStream): Promise<void> {
  if (doc.flows.length === 0) {
    await put(out, `${JSON.stringify(doc, null, 2)}\n`);
    return;
  }
  const shell = JSON.stringify({ ...doc, flows: MARK }, null, 2).replace(JSON.stringify(MARK), MARK);
  const at = shell.indexOf(MARK);
  const n = doc.flows.length;
  let prefix = `${shell.slice(0, at)}[\n`;
  for (let i = 0; i < n; i += BATCH) {
    const end = Math.min(n, i + BATCH);
    const text = JSON.stringify([doc.flows.slice(i, end)], null, 2);
    const body = text.slice(HEAD.length, text.length - TAIL.length);
    await put(out, `${prefix}${body}${end < n ? ',' : ''}\n`);
    prefix = '';
  }
  await put(out, `  ]${shell.slice(at + MARK.length)}\n`);
}
