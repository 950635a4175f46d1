/**
 * Which loops are an LKM's search for a free device major (discover/slot-search.ts): the shapes
 * that only find the first lkmenodev slot, whatever they are written with, and none that does
 * anything else, whose lkmenodev must stay for a person.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseC } from '../src/source/cparse.ts';
import { slotSearches } from '../src/discover/slot-search.ts';
import { validatePaths } from '../src/validate/validate.ts';
import { slotfindTree } from './helpers.ts';
import fs from 'node:fs';
import path from 'node:path';

function found(statements: string) {
  const code = `int h(void) {\n\tint i;\n${statements}\n\treturn 0;\n}`;
  const body = parseC(code).rootNode.descendantsOfType('function_definition')[0]!.childForFieldName('body')!;
  return slotSearches(body).map((s) => ({
    table: s.table,
    index: s.index,
    alternatives: s.alternatives,
    start: s.start?.text ?? null,
    noneFree: s.noneFree?.test.text ?? null,
  }));
}

test('a for loop that breaks at lkmenodev or the module\'s own open, through casts and parentheses', () => {
  assert.deepEqual(
    found(`for (i = 0; i < nchrdev; i++)
		if (cdevsw[i].d_open == (dev_type_open((*)))lkmenodev ||
		    (((cdevsw[i]).d_open == xxopen)))
			break;
	if (i == nchrdev)
		return ENODEV;`),
    [{ table: 'cdevsw', index: 'i', alternatives: ['xxopen'], start: null, noneFree: 'i == nchrdev' }],
  );
});

test('a block search in braces, the bound on the left, and a no-slot test written the other way round', () => {
  assert.deepEqual(
    found(`for (i = 0; nblkdev > i; ++i) {
		/* the first slot conf.c left us */
		if ((void *)lkmenodev == (void *)bdevsw[i].d_open) {
			break;
		}
	}
	/* none left */
	if (nblkdev == i) return ENFILE;`),
    [{ table: 'bdevsw', index: 'i', alternatives: [], start: null, noneFree: 'nblkdev == i' }],
  );
});

test('the loop condition itself stops at the slot: negated, or as a chain of !=', () => {
  assert.deepEqual(found(`for (i = 0; i < nchrdev && !(cdevsw[i].d_open == lkmenodev); i += 1)\n\t\t;\n\tif (i >= nchrdev) return ENXIO;`), [
    { table: 'cdevsw', index: 'i', alternatives: [], start: null, noneFree: 'i >= nchrdev' },
  ]);
  assert.deepEqual(found(`for (i = 0; i < nchrdev && cdevsw[i].d_open != lkmenodev && cdevsw[i].d_open != myopen; i = i + 1) {}`), [
    { table: 'cdevsw', index: 'i', alternatives: ['myopen'], start: null, noneFree: null },
  ]);
});

test('a while loop takes the i = 0 before it along', () => {
  assert.deepEqual(found(`i = 0;\n\twhile (i < nchrdev) {\n\t\tif (cdevsw[i].d_open == lkmenodev)\n\t\t\tbreak;\n\t\ti++;\n\t}`), [
    { table: 'cdevsw', index: 'i', alternatives: [], start: 'i = 0;', noneFree: null },
  ]);
  assert.deepEqual(found(`i = 0;\n\twhile (i < nblkdev && bdevsw[i].d_open != lkmenodev)\n\t\ti++;`), [
    { table: 'bdevsw', index: 'i', alternatives: [], start: 'i = 0;', noneFree: null },
  ]);
});

test('loops that do something else, or search otherwise, are no slot search', () => {
  const none = [
    // cdevsw bounded by nblkdev
    `for (i = 0; i < nblkdev; i++) if (cdevsw[i].d_open == lkmenodev) break;`,
    // an index that dies with the loop
    `for (int j = 0; j < nchrdev; j++) if (cdevsw[j].d_open == lkmenodev) break;`,
    // counts instead of stopping
    `for (i = 0; i < nchrdev; i++) if (cdevsw[i].d_open == lkmenodev) n++;`,
    // does more than break
    `for (i = 0; i < nchrdev; i++) if (cdevsw[i].d_open == lkmenodev) { seen = i; break; }`,
    `for (i = 0; i < nchrdev; i++) { note(i); if (cdevsw[i].d_open == lkmenodev) break; }`,
    // starts elsewhere, or steps otherwise
    `for (i = first; i < nchrdev; i++) if (cdevsw[i].d_open == lkmenodev) break;`,
    `for (i = 0; i < nchrdev; i += 2) if (cdevsw[i].d_open == lkmenodev) break;`,
    // another test alongside
    `for (i = 0; i < nchrdev; i++) if (cdevsw[i].d_open == lkmenodev && cdevsw[i].d_close == lkmenodev) break;`,
    `for (i = 0; i < nchrdev; i++) if (cdevsw[i].d_open == lkmenodev || busy(i)) break;`,
    // another entry, another member, another table
    `for (i = 0; i < nchrdev; i++) if (cdevsw[i + 1].d_open == lkmenodev) break;`,
    `for (i = 0; i < nchrdev; i++) if (cdevsw[i].d_close == lkmenodev) break;`,
    `for (i = 0; i < nchrdev; i++) if (cdevsw[i].d_open == lkmenodev || bdevsw[i].d_open == lkmenodev) break;`,
    // lkmenodev elsewhere
    `for (i = 0; i < nchrdev; i++) if (cdevsw[i].d_open == enodev) break;\n\tp = lkmenodev;`,
    // a while without its start
    `while (i < nchrdev) { if (cdevsw[i].d_open == lkmenodev) break; i++; }`,
  ];
  for (const code of none) assert.deepEqual(found(code), [], code);
});

test('a test after the loop that is not "none found" is not taken for one', () => {
  assert.deepEqual(found(`for (i = 0; i < nchrdev; i++) if (cdevsw[i].d_open == lkmenodev) break;\n\tif (i > 3) return EBUSY;`)[0]?.noneFree, null);
  assert.deepEqual(found(`for (i = 0; i < nchrdev; i++) if (cdevsw[i].d_open == lkmenodev) break;\n\tif (i == nchrdev || busy) return EBUSY;`)[0]?.noneFree, null);
});

test('converted, the search is the major devsw_attach chose: in a 1.x kernel the module attaches where the LKM installed itself', async () => {
  const work = slotfindTree('lkm2mod-slotfind-');
  try {
    // Declared for LKMs only, as 1.4T's sys/systm.h does: a module(9) build has no lkmenodev.
    const conf = path.join(work, 'sys/sys/conf.h');
    const decl = 'int\tlkmenodev __P((void));\n';
    assert.ok(fs.readFileSync(conf, 'utf8').includes(decl));
    fs.writeFileSync(conf, fs.readFileSync(conf, 'utf8').replace(decl, `#if defined(LKM) || defined(_LKM)\n${decl}#endif\n`));
    const report = await validatePaths([path.join(work, 'sys/lkm')], { repeat: 2 });
    const m = report.modules[0]!;
    for (const c of m.checks) assert.ok(c.ok || c.skipped, `${c.name}: ${[...c.details, ...(c.failures ?? [])].join('\n')}`);
    const details = (name: string) => m.checks.find((c) => c.name === name)!.details.join('\n');
    assert.match(details('lifecycle'), /cdevsw\[3\]: added \(slotfind: &cdevsw\[3\] \(d_open sfopen@slotfind\)\)/);
    assert.match(details('equivalence'), /the same 1 table change\(s\): cdevsw\[3\]/);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
});
