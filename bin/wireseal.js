#!/usr/bin/env node
// Launcher only: the CLI lives in src/cli (compiled to dist/src/cli, bundled into dist/cli by npm run build).
import { main } from '../dist/cli/main.js';

// A reader that goes away (`wireseal ... | head`) ends the output quietly, as other command-line tools do.
function quietOnEpipe(stream) {
  stream.on('error', (err) => {
    if (err && err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    process.stderr.write(`wireseal: cannot write output: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(3);
  });
}
quietOnEpipe(process.stdout);

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    if (err && err.code === 'EPIPE') return;
    process.stderr.write(`wireseal: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 3;
  },
);
