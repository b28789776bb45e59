/**
 * A small text-table renderer that fits a width: columns are dropped by priority (highest `drop` first), then
 * wrappable columns are wrapped, so an 80-column terminal gets a readable table. Box drawing only on a terminal,
 * plain ASCII otherwise. Every cell goes through printable(): no control character reaches the output.
 */
import { printable } from './text.js';

export interface Column {
  title: string;
  /** 0: always kept; otherwise dropped when the table is too wide, highest number first. */
  drop: number;
  /** May be wrapped onto several lines (never narrower than `min`). */
  wrap?: boolean;
  min?: number;
}

export interface GridOptions {
  /** Width to fit; Infinity for no limit (--wide, or not a terminal). */
  width: number;
  /** Box-drawing characters (a terminal) or ASCII (pipes, files, CI logs). */
  unicode: boolean;
}

const BOX = { h: '─', v: '│', tl: '┌', tm: '┬', tr: '┐', ml: '├', mm: '┼', mr: '┤', bl: '└', bm: '┴', br: '┘' };
const ASCII = { h: '-', v: '|', tl: '+', tm: '+', tr: '+', ml: '+', mm: '+', mr: '+', bl: '+', bm: '+', br: '+' };

function tableWidth(widths: number[]): number {
  return widths.reduce((a, b) => a + b, 0) + 3 * widths.length + 1;
}

/** Splits text into lines of at most `w` characters, at spaces when it can. */
export function wrapText(text: string, w: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > w) {
    let cut = rest.lastIndexOf(' ', w);
    if (cut <= 0) cut = w;
    out.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  out.push(rest);
  return out;
}

/** Which columns are kept and how wide each is, for the given width. */
export function layout(columns: Column[], rows: string[][], width: number): { keep: number[]; widths: number[] } {
  const natural = columns.map((c, i) => Math.max(c.title.length, ...rows.map((r) => (r[i] ?? '').length)));
  let keep = columns.map((_, i) => i);
  const widthOf = (k: number[], w: number[]) => tableWidth(k.map((i) => w[i] as number));
  const minOf = (i: number) => {
    const c = columns[i] as Column;
    return c.wrap ? Math.min(natural[i] as number, Math.max(c.min ?? 12, c.title.length)) : (natural[i] as number);
  };
  // Drop columns (highest drop number first) while even the wrapped table would not fit.
  const order = keep
    .filter((i) => (columns[i] as Column).drop > 0)
    .sort((a, b) => (columns[b] as Column).drop - (columns[a] as Column).drop);
  while (
    widthOf(
      keep,
      natural.map((_, i) => minOf(i)),
    ) > width &&
    order.length > 0
  ) {
    const d = order.shift() as number;
    keep = keep.filter((i) => i !== d);
  }
  const widths = [...natural];
  // Then narrow the wrappable columns, widest first, down to what fits.
  let over = widthOf(keep, widths) - width;
  const wrappable = keep
    .filter((i) => (columns[i] as Column).wrap)
    .sort((a, b) => (natural[b] as number) - (natural[a] as number));
  for (const i of wrappable) {
    if (over <= 0) break;
    const cut = Math.min(over, (widths[i] as number) - minOf(i));
    widths[i] = (widths[i] as number) - cut;
    over -= cut;
  }
  return { keep, widths: keep.map((i) => widths[i] as number) };
}

export function renderGrid(columns: Column[], rawRows: string[][], o: GridOptions): string {
  const rows = rawRows.map((r) => r.map((c) => printable(c)));
  const { keep, widths } = layout(columns, rows, o.width);
  const ch = o.unicode ? BOX : ASCII;
  const rule = (l: string, m: string, r: string) => `${l}${widths.map((w) => ch.h.repeat(w + 2)).join(m)}${r}`;
  const line = (cells: string[]) => {
    const wrapped = cells.map((c, j) => wrapText(c, widths[j] as number));
    const height = Math.max(...wrapped.map((w) => w.length));
    const out: string[] = [];
    for (let k = 0; k < height; k++) {
      out.push(`${ch.v} ${wrapped.map((w, j) => (w[k] ?? '').padEnd(widths[j] as number)).join(` ${ch.v} `)} ${ch.v}`);
    }
    return out;
  };
  const lines = [rule(ch.tl, ch.tm, ch.tr), ...line(keep.map((i) => (columns[i] as Column).title))];
  lines.push(rule(ch.ml, ch.mm, ch.mr));
  for (const r of rows) lines.push(...line(keep.map((i) => r[i] ?? '')));
  lines.push(rule(ch.bl, ch.bm, ch.br));
  return lines.join('\n');
}
