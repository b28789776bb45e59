#!/usr/bin/env node
// Writes the JSON Schemas of wireseal's documents from their TypeScript types, so the published schema and the
// code cannot drift apart: schemas/result.schema.json (the result document of every command, `--format json`),
// schemas/event.schema.json (one line of `--format jsonl`) and schemas/triage.schema.json (`triage --format
// json`). `npm run schemas` rewrites them; `--check` exits 1 when a committed file differs from what the types
// give (the test suite runs it). The policy file's schema is `wireseal policy schema` (src/policy/schema.ts).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGenerator } from 'ts-json-schema-generator';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const DOCS = [
  {
    file: 'result.schema.json',
    source: 'src/report/schema.ts',
    type: 'ResultDocument',
    title: 'wireseal result document',
    description:
      'What every wireseal command prints with --format json: captures, flows, mounts, findings and the summary whose outcome matches the exit code (docs/schema.md).',
  },
  {
    file: 'event.schema.json',
    source: 'src/report/jsonl.ts',
    type: 'WiresealEvent',
    title: 'wireseal event',
    description: 'One line of --format jsonl: a run, capture, flow, mount, finding or summary event (docs/events.md).',
  },
  {
    file: 'triage.schema.json',
    source: 'src/triage/report.ts',
    type: 'TriageDocument',
    title: 'wireseal triage document',
    description: 'What `wireseal triage --format json` prints: timelines, exposure and remediation (docs/triage.md).',
  },
];

function versionOf(source, name) {
  const m = new RegExp(`export const ${name} = '([^']+)'`).exec(readFileSync(join(repo, source), 'utf8'));
  if (!m) throw new Error(`${source}: ${name} not found`);
  return m[1];
}

export function makeSchema(d) {
  const schema = createGenerator({
    path: join(repo, d.source),
    tsconfig: join(repo, 'tsconfig.json'),
    type: d.type,
    skipTypeCheck: true,
    additionalProperties: false,
    sortProps: true,
    topRef: true,
  }).createSchema(d.type);
  const version =
    d.type === 'ResultDocument'
      ? versionOf('src/report/schema.ts', 'RESULT_SCHEMA_VERSION')
      : d.type === 'WiresealEvent'
        ? versionOf('src/report/jsonl.ts', 'EVENT_SCHEMA_VERSION')
        : undefined;
  const head = {
    $schema: schema.$schema,
    $id: `urn:wireseal:${d.file.replace('.schema.json', '')}${version ? `:${version}` : ''}`,
    title: d.title,
    description: d.description,
  };
  const { $schema: _s, ...rest } = schema;
  return `${JSON.stringify({ ...head, ...rest }, null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const d of DOCS) {
    const path = join(repo, 'schemas', d.file);
    const text = makeSchema(d);
    let old = '';
    try {
      old = readFileSync(path, 'utf8');
    } catch {
      // missing: written below, or reported as stale
    }
    if (old === text) continue;
    if (check) {
      stale++;
      process.stderr.write(`schemas/${d.file} is out of date with ${d.source} (${d.type}): run npm run schemas\n`);
    } else {
      writeFileSync(path, text);
      process.stdout.write(`wrote schemas/${d.file}\n`);
    }
  }
  process.exit(stale > 0 ? 1 : 0);
}
