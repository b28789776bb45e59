/** Minimal ustar writer (regular files only; PAX `path` records for long names). Pure: returns the blocks. */

const BLOCK = 512;

function writeString(buf: Buffer, offset: number, length: number, value: string): void {
  buf.write(value, offset, Math.min(length, Buffer.byteLength(value)), 'utf8');
}

function writeOctal(buf: Buffer, offset: number, length: number, value: number): void {
  writeString(buf, offset, length - 1, value.toString(8).padStart(length - 1, '0'));
}

function header(name: string, prefix: string, size: number, mtime: number, type: string): Buffer {
  const h = Buffer.alloc(BLOCK);
  writeString(h, 0, 100, name);
  writeOctal(h, 100, 8, 0o644);
  writeOctal(h, 108, 8, 0);
  writeOctal(h, 116, 8, 0);
  writeOctal(h, 124, 12, size);
  writeOctal(h, 136, 12, Math.max(0, Math.floor(mtime)));
  h.fill(0x20, 148, 156);
  writeString(h, 156, 1, type);
  writeString(h, 257, 6, 'ustar');
  writeString(h, 263, 2, '00');
  writeString(h, 265, 32, 'root');
  writeString(h, 297, 32, 'root');
  writeString(h, 345, 155, prefix);
  let sum = 0;
  for (const b of h) sum += b;
  writeString(h, 148, 7, `${sum.toString(8).padStart(6, '0')}\0`);
  return h;
}

function padded(data: Buffer): Buffer[] {
  const rest = data.length % BLOCK;
  return rest === 0 ? [data] : [data, Buffer.alloc(BLOCK - rest)];
}

/** Splits a path into ustar prefix (≤155 bytes) and name (≤100 bytes), or null when it does not fit. */
function splitUstar(path: string): { prefix: string; name: string } | null {
  if (Buffer.byteLength(path) <= 100) return { prefix: '', name: path };
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100 && name !== '') return { prefix, name };
  }
  return null;
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(body) + 1;
  while (Buffer.byteLength(`${len}${body}`) !== len) len++;
  return `${len}${body}`;
}

/** The blocks of one regular file entry. */
export function tarFile(path: string, data: Buffer, mtime = 0): Buffer[] {
  const split = splitUstar(path);
  const out: Buffer[] = [];
  let fields = split ?? { prefix: '', name: path.slice(-100) };
  if (!split) {
    const pax = Buffer.from(paxRecord('path', path), 'utf8');
    out.push(header('PaxHeader', '', pax.length, mtime, 'x'), ...padded(pax));
    fields = { prefix: '', name: Buffer.from(path).subarray(-100).toString('utf8') };
  }
  out.push(header(fields.name, fields.prefix, data.length, mtime, '0'), ...padded(data));
  return out;
}

/** The two zero blocks that end an archive. */
export function tarEnd(): Buffer {
  return Buffer.alloc(BLOCK * 2);
}
