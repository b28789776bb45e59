/**
 * Read a capture file (or standard input with `-`) with bounded memory: large chunks into one reused buffer,
 * gzip decompressed on the fly, format from the magic number. Never throws: problems end in `summary.error`
 * after every packet before them has been delivered.
 */
import { createReadStream } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { CaptureStreamParser } from './detect.js';
import { CaptureError, type CaptureSummary, type PacketHandler } from './types.js';

export const DEFAULT_CHUNK_SIZE = 4 * 1024 * 1024;

export interface ReadOptions {
  /** Bytes per read (default 4 MiB). */
  chunkSize?: number;
}

function isGzip(b: Buffer): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message.split('\n')[0] : String(e);
}

export async function readCapture(
  path: string,
  onPacket: PacketHandler,
  opts: ReadOptions = {},
): Promise<CaptureSummary> {
  const chunkSize = Math.max(64 * 1024, opts.chunkSize ?? DEFAULT_CHUNK_SIZE);
  const file = path === '-' ? '<stdin>' : path;
  const summary: CaptureSummary = {
    file,
    format: 'unknown',
    gzip: false,
    packets: 0,
    bytesRead: 0,
    interfaces: [],
    sections: 0,
    truncatedPackets: 0,
  };
  const parser = new CaptureStreamParser(file, onPacket);
  const ctx: ReadContext = { parser, summary, chunkSize, ioError: undefined };
  try {
    if (path === '-') await readStdin(ctx);
    else await readFile(path, ctx);
  } catch (e) {
    // Exceptions from the packet handler are the caller's bugs, not capture damage: let them through.
    if (!(e instanceof CaptureIoError)) throw e;
    ctx.ioError = new CaptureError(file, summary.bytesRead, 'io', e.message);
  }
  if (ctx.ioError === undefined) parser.end();
  parser.fill(summary);
  if (ctx.ioError !== undefined && summary.error === undefined) summary.error = ctx.ioError;
  return summary;
}

interface ReadContext {
  parser: CaptureStreamParser;
  summary: CaptureSummary;
  chunkSize: number;
  ioError: CaptureError | undefined;
}

class CaptureIoError extends Error {}

function feed(ctx: ReadContext, chunk: Buffer): boolean {
  ctx.summary.bytesRead += chunk.length;
  return ctx.parser.push(chunk);
}

async function readFile(path: string, ctx: ReadContext): Promise<void> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    throw new CaptureIoError(message(e));
  }
  let gzip = false;
  // Double buffering: the next read runs on the thread pool while the current chunk is parsed.
  let cur = Buffer.allocUnsafe(ctx.chunkSize);
  let spare = Buffer.allocUnsafe(ctx.chunkSize);
  let pending: Promise<number> | null = readInto(fh, cur);
  try {
    let first = true;
    for (;;) {
      const n = await pending;
      pending = null;
      if (n === 0) return;
      const chunk = n === cur.length ? cur : cur.subarray(0, n);
      if (first && isGzip(chunk)) {
        gzip = true;
        break;
      }
      first = false;
      pending = readInto(fh, spare);
      if (!feed(ctx, chunk)) return;
      const t = cur;
      cur = spare;
      spare = t;
    }
  } finally {
    // Never close the handle under a read still in flight.
    if (pending !== null) await pending.catch(() => 0);
    await fh.close().catch(() => undefined);
  }
  if (gzip) await gunzipInto(createReadStream(path, { highWaterMark: ctx.chunkSize }), ctx);
}

function readInto(fh: FileHandle, buf: Buffer): Promise<number> {
  return fh.read(buf, 0, buf.length, null).then(
    (r) => r.bytesRead,
    (e: unknown) => {
      throw new CaptureIoError(message(e));
    },
  );
}

async function readStdin(ctx: ReadContext): Promise<void> {
  const it = process.stdin[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let r: IteratorResult<Buffer>;
  try {
    r = await it.next();
  } catch (e) {
    throw new CaptureIoError(message(e));
  }
  if (r.done === true) return;
  const first = r.value;
  if (isGzip(first)) {
    await gunzipInto(Readable.from(prefixed(first, it)), ctx);
    return;
  }
  if (!feed(ctx, first)) return;
  for (;;) {
    try {
      r = await it.next();
    } catch (e) {
      throw new CaptureIoError(message(e));
    }
    if (r.done === true || !feed(ctx, r.value)) break;
  }
  process.stdin.pause();
}

async function* prefixed(first: Buffer, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield first;
  for (;;) {
    const r = await rest.next();
    if (r.done === true) return;
    yield r.value;
  }
}

async function gunzipInto(input: Readable, ctx: ReadContext): Promise<void> {
  ctx.summary.gzip = true;
  const gunzip = createGunzip({ chunkSize: Math.min(ctx.chunkSize, 1024 * 1024) });
  let inputError: unknown;
  input.on('error', (e) => {
    inputError = e;
    gunzip.destroy(e);
  });
  input.pipe(gunzip);
  try {
    for await (const out of gunzip) {
      if (!feed(ctx, out as Buffer)) break;
    }
  } catch (e) {
    if (inputError !== undefined) throw new CaptureIoError(message(inputError));
    const p = ctx.parser;
    // Deliver what decompressed cleanly, then name the damage at the decompressed offset reached.
    p.end();
    if (p.error === undefined) {
      const code = (e as { code?: string }).code;
      const kind = code === 'Z_BUF_ERROR' ? 'truncated' : 'corrupt';
      ctx.ioError = new CaptureError(ctx.summary.file, ctx.summary.bytesRead, kind, `gzip stream: ${message(e)}`);
    } else {
      ctx.ioError = p.error;
    }
  } finally {
    input.unpipe(gunzip);
    input.destroy();
    gunzip.destroy();
  }
}
