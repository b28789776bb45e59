/**
 * JSON writer: the result document, pretty-printed. Flows are written one at a time (waiting for the stream to
 * drain) instead of as one string, so a capture with tens of thousands of flows never needs its whole JSON text
 * in memory; the text is the same as JSON.stringify(doc, null, 2).
 */
import { once } from 'node:events';
import type { ResultDocument } from './schema.js';

const MARK = '"\u0000wireseal-flows\u0000"';
/** Characters of flow text gathered before one write. */
const BATCH = 64 * 1024;

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
  // Flows go out in batches of about BATCH characters: one write (a system call on a file or pipe) per batch, not
  // per flow.
  let batch = `${shell.slice(0, at)}[\n`;
  for (let i = 0; i < doc.flows.length; i++) {
    const text = JSON.stringify(doc.flows[i], null, 2).replace(/\n/g, '\n    ');
    batch += `    ${text}${i + 1 < doc.flows.length ? ',' : ''}\n`;
    if (batch.length >= BATCH) {
      await put(out, batch);
      batch = '';
    }
  }
  await put(out, `${batch}  ]${shell.slice(at + MARK.length)}\n`);
}
