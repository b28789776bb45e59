/** Picks the writer for --format, and writes GitHub annotations when running in GitHub Actions. */
import { writeJson } from './json.js';
import type { ResultDocument } from './schema.js';

export const FORMATS = ['table', 'json', 'jsonl', 'junit', 'sarif', 'markdown'] as const;
export type Format = (typeof FORMATS)[number];

export function isFormat(s: string): s is Format {
  return (FORMATS as readonly string[]).includes(s);
}

export interface WriteOptions {
  /** verify-encryption (verdict columns) or flows (counters). */
  verdicts: boolean;
  /** Table: width to fit (Infinity for none) and box drawing or ASCII. */
  width: number;
  unicode: boolean;
  /** JUnit: an inconclusive run (exit 4) is a failed or a skipped case. */
  inconclusive: 'fail' | 'skip';
  /** SARIF: base directory of relative capture paths, and the host root cited by config findings. */
  cwd: string;
  hostRoot?: string;
  /** Markdown: flows listed at most. */
  maxFlows: number;
}

export const DEFAULT_WRITE_OPTIONS: WriteOptions = {
  verdicts: true,
  width: Number.POSITIVE_INFINITY,
  unicode: false,
  inconclusive: 'fail',
  cwd: process.cwd(),
  maxFlows: 200,
};

/** Table options from the output stream: its width and box drawing when it is a terminal, ASCII otherwise. */
export function terminalOptions(out: NodeJS.WritableStream, wide: boolean): Pick<WriteOptions, 'width' | 'unicode'> {
  const tty = (out as { isTTY?: boolean }).isTTY === true;
  const cols = (out as { columns?: number }).columns;
  const env = Number(process.env.COLUMNS);
  const width = wide
    ? Number.POSITIVE_INFINITY
    : tty && cols
      ? cols
      : Number.isFinite(env) && env > 0
        ? env
        : Number.POSITIVE_INFINITY;
  return { width, unicode: tty };
}

/** Writers other than JSON are loaded on demand: the table module alone costs start-up time. */
export async function writeDocument(
  doc: ResultDocument,
  format: Format,
  out: NodeJS.WritableStream,
  opts: Partial<WriteOptions> = {},
): Promise<void> {
  const o = { ...DEFAULT_WRITE_OPTIONS, ...opts };
  if (process.env.GITHUB_ACTIONS === 'true') {
    const { annotationLines } = await import('./annotations.js');
    for (const line of annotationLines(doc)) process.stderr.write(`${line}\n`);
  }
  if (format === 'json') await writeJson(doc, out);
  else if (format === 'jsonl') await (await import('./jsonl.js')).writeJsonl(doc, out);
  else if (format === 'junit') (await import('./junit.js')).writeJunit(doc, out, o);
  else if (format === 'sarif') (await import('./sarif.js')).writeSarif(doc, out, o);
  else if (format === 'markdown') (await import('./markdown.js')).writeMarkdown(doc, out, o);
  else (await import('./table.js')).writeTable(doc, out, o);
}
