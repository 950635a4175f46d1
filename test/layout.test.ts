/**
 * The pipeline's shape, kept by a test: each stage of src/ is a folder, and a module imports only
 * from its own stage or the stages below it (README, "Architecture"). A newcomer who reaches up a
 * stage (the converter taking a type from the report, the kernel calling the converter) is told
 * here which import to move, rather than finding out from a cycle later.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src');

/**
 * Lower number, lower stage. Stages of one rank do not import each other: the simulated kernel
 * never reads the converter's plans, and discovery never needs the kernel.
 */
const RANK: Record<string, number> = {
  runtime: 0,
  source: 0,
  discover: 1,
  kernel: 1,
  migrate: 2,
  rules: 3,
  validate: 4,
  review: 5,
  report: 6,
  cli: 7,
  index: 7,
};

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'include' ? [] : tsFiles(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

/** The stage a file of src/ belongs to: its top folder, or its name for the files at the top. */
function stageOf(file: string): string {
  const [first, ...rest] = path.relative(SRC, file).split(path.sep);
  return rest.length === 0 ? first!.replace(/\.ts$/, '') : first!;
}

/** Relative specifiers of every import, export-from and dynamic import(), with their lines. */
function importsOf(file: string): { spec: string; line: number }[] {
  const text = readFileSync(file, 'utf8');
  const found: { spec: string; line: number }[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^import\s+)(['"])(\.{1,2}\/[^'"]+)\1/gm)) {
    found.push({ spec: m[2]!, line: text.slice(0, m.index).split('\n').length });
  }
  return found;
}

test('every stage of src/ is a folder the test knows, with its rank', () => {
  const stages = new Set(tsFiles(SRC).map(stageOf));
  assert.deepEqual([...stages].filter((s) => !(s in RANK)), [], 'a new stage needs a rank in test/layout.test.ts and a line in the README');
});

test('imports only go down the pipeline: no module imports from a higher stage, or across one rank', () => {
  const upward: string[] = [];
  for (const file of tsFiles(SRC)) {
    const from = stageOf(file);
    for (const { spec, line } of importsOf(file)) {
      const target = path.resolve(path.dirname(file), spec);
      if (!target.startsWith(SRC + path.sep)) continue; // ../../rules/*.ts: the built-in rules, a migrate-level plug-in
      const to = stageOf(target);
      if (to === from) continue;
      if (RANK[to]! >= RANK[from]!) upward.push(`src/${path.relative(SRC, file)}:${line}: ${from} imports ${to} (${spec})`);
    }
  }
  assert.deepEqual(upward, [], 'move what both stages use into the lower one');
});

test('the walker sees the import forms the sources use', () => {
  // Guards the test itself: were the pattern to miss a form, the check above would pass vacuously.
  const cli = path.join(SRC, 'cli.ts');
  assert.ok(importsOf(cli).length > 0, 'src/cli.ts imports something');
  const all = tsFiles(SRC).flatMap((f) => importsOf(f).map((i) => i.spec));
  assert.ok(all.some((s) => s.startsWith('../')), 'imports across folders are seen');
});

test("a command's run module never imports its definition: the definition loads the run when the command runs", () => {
  const cli = path.join(SRC, 'cli');
  const back: string[] = [];
  for (const run of readdirSync(cli).filter((f) => f.endsWith('-run.ts'))) {
    const definition = run.replace(/-run\.ts$/, '.ts');
    for (const { spec, line } of importsOf(path.join(cli, run))) {
      if (path.resolve(cli, spec) === path.join(cli, definition)) back.push(`src/cli/${run}:${line}: imports ${definition}`);
    }
  }
  assert.deepEqual(back, []);
});

/** Past this many lines a file must say, near its top, why it is one file ("Long because: …"). */
const MAX_LINES = 400;

test(`no source file is over ${MAX_LINES} lines without saying why near its top`, () => {
  const unexplained: string[] = [];
  for (const file of tsFiles(SRC)) {
    const lines = readFileSync(file, 'utf8').split('\n');
    if (lines.length <= MAX_LINES) continue;
    const head = lines.slice(0, 40).join('\n');
    if (!/Long because: \S/.test(head)) unexplained.push(`src/${path.relative(SRC, file)}: ${lines.length} lines`);
  }
  assert.deepEqual(unexplained, [], 'split the file along its ideas, or state in its header comment why it is one ("Long because: ...")');
});
