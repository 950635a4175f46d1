/**
 * The tree's kernel defines functions whose names a macro makes (`ELFNAME(read_from)(...)` with
 * ELFSIZE 32 is elf32_read_from): the index of what the tree defines expands them, following
 * the file's includes for the macros, so a module calling one links against an unmodelled
 * stand-in instead of failing as if nothing defined it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { TreeIndex } from '../src/validate/tree-symbols.ts';
import { writeTree } from './helpers.ts';

test('a definition named through a pasting macro is found by the name it expands to', (t) => {
  const root = writeTree({
    'sys/sys/cdefs.h': '#define\t__CONCAT(x,y)\tx ## y\n',
    'sys/sys/exec_fmt.h': '#include <sys/cdefs.h>\n#define\tCONCAT(x,y)\t__CONCAT(x,y)\n#define\tFMTNAME(x)\tCONCAT(fmt,CONCAT(FMTSIZE,CONCAT(_,x)))\n',
    'sys/kern/exec_fmt32.c': [
      '#ifndef FMTSIZE',
      '#define\tFMTSIZE\t\t32\t/* the default */',
      '#endif',
      '#include <sys/exec_fmt.h>',
      '',
      'int',
      'FMTNAME(read_from)(p, off)',
      '\tstruct proc *p;',
      '\tint off;',
      '{',
      '\treturn 0;',
      '}',
      '',
      'static int',
      'FMTNAME(private)(void)',
      '{',
      '\treturn 1;',
      '}',
      '',
    ].join('\n'),
  });
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const index = new TreeIndex([path.join(root, 'sys')]);
  assert.deepEqual(index.lookup('fmt32_read_from', new Set()), { file: path.join(root, 'sys/kern/exec_fmt32.c'), line: 7, kind: 'func' });
  assert.equal(index.lookup('fmt32_private', new Set()), undefined, 'a static definition is no global');
});
