#!/usr/bin/env node
// rox Cypher linter: checks Cypher texts with Neo4j's own parser and semantic
// analysis, as shipped in the npm package @neo4j-cypher/language-support
// (the engine behind Neo4j's VS Code extension and the Query editor).
//
// Usage:  node tools/cypher-lint/lint.mjs < queries.json
//
// stdin:  JSON array  [{"name": "...", "text": "<cypher>"}, ...]
// stdout: JSON array  [{"name": "...", "diagnostics": [{"severity": "error",
//           "message": "...", "offset": <0-based start offset>,
//           "end": <end offset>, "line": <1-based>, "column": <1-based>,
//           "source": "neo4j" | "rox-cypher-lint"}]}, ...]
//         in the input order, only ERROR-severity diagnostics.
// exit:   0 when the input was linted (whether or not it has errors),
//         2 on bad input, 3 when the linter's own canary shows it is broken.
//
// Notes:
// * The DbSchema is empty: no labels/relationship types (so no unknown-label
//   warnings at all), no functions/procedures (so APOC/GDS calls and built-in
//   functions are not checked against a catalogue), no parameters. Missing
//   parameters are reported by the package as errors ("Parameter $x is not
//   defined."), which is meaningless here, so those are dropped with the
//   package's own isNotParamError.
// * The Cypher language version is "CYPHER 5" (Neo4j 5.26 LTS) unless a text
//   starts with its own "CYPHER 25" prefix.
// * Two checks are added by this script (source "rox-cypher-lint"): an empty
//   text, and a text holding more than one statement (drivers send exactly
//   one statement per query; "RETURN 1; RETURN 2" fails on the server).
// * The package swallows exceptions of its semantic analysis; to be sure it
//   really runs, each invocation that lints anything first lints a canary
//   with an undefined variable and exits 3 if no error comes back.
// * Speed: start-up + warm-up ~2-4 s, then ~50-1000 ms a text (the semantic
//   analysis is Neo4j's Java front end compiled to JS). Results are cached in
//   node_modules/.cache/rox-cypher-lint/ keyed by sha256 of (package version,
//   this script, text); CYPHER_LINT_NO_CACHE=1 disables the cache.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

// Loaded lazily: a batch whose every text is in the cache needs no linter.
let lintCypherQuery, isNotParamError, parseStatementsStrs;
async function loadLinter() {
  ({ lintCypherQuery, isNotParamError, parseStatementsStrs } = await import(
    '@neo4j-cypher/language-support'
  ));
}

const DB_SCHEMA = Object.freeze({ defaultLanguage: 'CYPHER 5' });
const LINT_OPTIONS = Object.freeze({ consoleCommandsEnabled: false });
const ERROR = 1; // vscode-languageserver-types DiagnosticSeverity.Error

function fail(code, message) {
  process.stderr.write(`cypher-lint: ${message}\n`);
  process.exit(code);
}

function lineAndColumn(text, offset) {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line += 1;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

function stripComments(s) {
  return s.replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, '');
}

function lintText(text) {
  const out = [];
  if (stripComments(text).replace(/;/g, '').trim().length === 0) {
    out.push({
      severity: 'error',
      message: 'Empty Cypher text (no statement)',
      offset: 0,
      end: text.length,
      line: 1,
      column: 1,
      source: 'rox-cypher-lint',
    });
    return out;
  }
  const { diagnostics } = lintCypherQuery(text, DB_SCHEMA, LINT_OPTIONS);
  for (const d of diagnostics) {
    if (d.severity !== ERROR || !isNotParamError(d)) continue;
    const offset = d.offsets?.start ?? 0;
    const start = d.range?.start; // LSP positions are 0-based
    out.push({
      severity: 'error',
      message: d.message,
      offset,
      end: d.offsets?.end ?? offset,
      ...(start ? { line: start.line + 1, column: start.character + 1 } : lineAndColumn(text, offset)),
      source: 'neo4j',
    });
  }
  const statements = parseStatementsStrs(text).filter(
    (s) => stripComments(s).replace(/;/g, '').trim().length > 0,
  );
  if (statements.length > 1) {
    const second = text.indexOf(statements[1]);
    const offset = second >= 0 ? second : 0;
    out.push({
      severity: 'error',
      message: `Text holds ${statements.length} statements; a driver query must be exactly one statement`,
      offset,
      end: text.length,
      ...lineAndColumn(text, offset),
      source: 'rox-cypher-lint',
    });
  }
  return out;
}

function canary() {
  const bad = lintText('MATCH (n) RETURN m');
  if (!bad.some((d) => /not defined/i.test(d.message))) {
    fail(3, "canary failed: Neo4j semantic analysis did not report the undefined variable in 'MATCH (n) RETURN m' — the package's semantic analysis is not running on this Node version");
  }
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

const HERE = fileURLToPath(new URL('.', import.meta.url));
const CACHE_FILE = `${HERE}node_modules/.cache/rox-cypher-lint/results.json`;
const USE_CACHE = !['1', 'true', 'yes'].includes(process.env.CYPHER_LINT_NO_CACHE ?? '');

function cacheSalt() {
  const pkg = fs.readFileSync(
    `${HERE}node_modules/@neo4j-cypher/language-support/package.json`,
    'utf8',
  );
  const self = fs.readFileSync(fileURLToPath(import.meta.url), 'utf8');
  return `${JSON.parse(pkg).version}\0${createHash('sha256').update(self).digest('hex')}\0`;
}

function readCache() {
  if (!USE_CACHE) return {};
  try {
    return JSON.parse(fs.readFileSync(CACHE_FILE, 'utf8'));
  } catch {
    return {};
  }
}

function writeCache(cache) {
  if (!USE_CACHE) return;
  try {
    fs.mkdirSync(`${HERE}node_modules/.cache/rox-cypher-lint`, { recursive: true });
    const tmp = `${CACHE_FILE}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(cache));
    fs.renameSync(tmp, CACHE_FILE);
  } catch {
    /* a cache that cannot be written only costs time */
  }
}

async function main() {
  const raw = await readStdin();
  let items;
  try {
    items = JSON.parse(raw);
  } catch (e) {
    fail(2, `stdin is not JSON: ${e.message}`);
  }
  if (!Array.isArray(items)) fail(2, 'stdin must be a JSON array of {"name", "text"} objects');
  items.forEach((it, i) => {
    if (it === null || typeof it !== 'object' || typeof it.text !== 'string') {
      fail(2, `item ${i} must be an object with a string "text" (and a "name")`);
    }
  });
  const salt = cacheSalt();
  const keys = items.map((it) => createHash('sha256').update(salt + it.text).digest('hex'));
  const cache = readCache();
  const misses = items.filter((_, i) => !Object.hasOwn(cache, keys[i]));
  if (misses.length > 0) {
    await loadLinter();
    canary();
    items.forEach((it, i) => {
      if (!Object.hasOwn(cache, keys[i])) cache[keys[i]] = lintText(it.text);
    });
    if (Object.keys(cache).length > 5000) {
      // keep the cache small: only this batch's results
      writeCache(Object.fromEntries(keys.map((k) => [k, cache[k]])));
    } else {
      writeCache(cache);
    }
  }
  const result = items.map((it, i) => ({ name: it.name ?? String(i), diagnostics: cache[keys[i]] }));
  process.stdout.write(JSON.stringify(result) + '\n');
}

await main();
