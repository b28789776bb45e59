#!/usr/bin/env node
// Bundles the compiled CLI (dist/src/cli/main.js) and the analysis worker (dist/src/engine/worker.js) with esbuild
// into dist/cli/: main.js, worker.js and the chunks they share. bin/wireseal.js loads dist/cli/main.js. One
// module graph of a few files instead of about 90 ESM modules each resolved, read and compiled on its own: start-up
// is a fixed cost on every run, and on a 100 MB capture it was about half of the gap to ndpiReader (see
// docs/performance.md). Modules that only some commands need stay behind dynamic import() and become chunks of
// their own, loaded on demand as before. `npm run build` runs this after tsc.
import { renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const final = join(repo, 'dist', 'cli');
// Built beside and then renamed into place, so that a CLI started meanwhile finds the old bundle or the new one.
const outdir = `${final}.new`;

rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [join(repo, 'dist/src/cli/main.js'), join(repo, 'dist/src/engine/worker.js')],
  outdir,
  // The worker is found as ./worker.js beside the code that starts it (src/engine/parallel.ts): every output file
  // lands in this one directory.
  entryNames: '[name]',
  chunkNames: 'chunk-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // The CommonJS dependencies (commander, yaml, ajv...) call require() for Node's built-in modules.
  banner: {
    js: "import { createRequire as __wiresealCreateRequire } from 'node:module'; const require = __wiresealCreateRequire(import.meta.url);",
  },
  legalComments: 'none',
  logLevel: 'warning',
});
rmSync(`${final}.old`, { recursive: true, force: true });
try {
  renameSync(final, `${final}.old`);
} catch {
  // first build: nothing to move away
}
renameSync(outdir, final);
rmSync(`${final}.old`, { recursive: true, force: true });
