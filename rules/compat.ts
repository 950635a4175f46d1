/**
 * MOD_COMPAT → a MISC module that keeps its struct emul and registers nothing: module(9) has
 * no emulation registry (netbsd-module-api.md C.5). Exec formats reach the emulation through
 * their es_emul pointer, and list the module that defines it as a requisite. A module's class
 * follows what it registers: an emulation alone registers nothing, so it is MISC; merged with
 * its exec formats (a plan's `merge`), the module adds them and is EXEC.
 */
import { defineRule, type RuleContext } from '../src/discover/rule-api.ts';
import { referencedSymbol } from '../src/migrate/descriptor.ts';

export default defineRule({
  scope: 'module',
  meta: {
    id: 'lkm-compat',
    kind: 'compat',
    summary: 'MOD_COMPAT becomes a MISC module that keeps its struct emul for exec entries to point at; no registration.',
    docs: [
      'Matches `MOD_COMPAT(name, slot, &emul)` and hand-built `struct lkm_compat` descriptors.',
      '',
      'There is no emul_register() in module(9): the emulation is a struct emul that execsw entries point at',
      'through es_emul. The module keeps it (and its handlers, which set up the emulation\'s state, run from',
      'INIT/FINI); converted exec modules that named the emulation point at it and require this module.',
      'The emulation must have external linkage for them to link against it: a static one is reported.',
    ].join('\n'),
    emits: [],
    findings: {
      'compat-no-registry': 'module(9) has no emulation registry; exec entries reach the emulation through es_emul',
      'compat-emul-static': 'the struct emul is static, so exec modules cannot point at it',
    },
  },
  convert(ctx: RuleContext) {
    const { declaration: decl } = ctx;
    ctx.setClass('MISC');
    const emul = referencedSymbol(ctx.fields.get('lkm_compat') ?? ctx.plan.tables.emul ?? '');
    ctx.finding({
      file: decl.file,
      line: decl.line,
      severity: 'note',
      code: 'compat-no-registry',
      message: `module(9) has no emulation registry, so nothing registers ${emul ?? 'the emulation'}: exec entries reach it through es_emul, and converted exec modules that use it list this module as required.`,
    });
    const def = emul ? ctx.definition(emul) : null;
    if (def && /^\s*static\b/.test(def.node.text)) {
      ctx.marker(def.file.path, def.node.startIndex, 'compat-emul-static', 'warning',
        `${emul} is static: exec modules of this emulation cannot point es_emul at it. Make it global (and declare it in the emulation's header).`);
    }
  },
});
