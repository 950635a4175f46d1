/**
 * The vnode-op vectors a vfs LKM's entry function built before DISPATCH
 * (`vfs_opv_init_explicit(&foo_vnodeop_opv_desc); vfs_opv_init_default(…);`), against the
 * module(9) kernel.
 *
 * In module(9)-era NetBSD, vfs_attach() builds the vectors of every descriptor its vfsops lists
 * in vfs_opv_descs and vfs_detach() frees them (netbsd-module-api.md C.1); NetBSD's converted
 * file systems call nothing else. Building them first by hand is then not only redundant but a
 * leak: when vfs_attach() fails (EEXIST), INIT returns with vectors nobody frees. So:
 *  - a call that builds only descriptors the vfsops lists is dropped (and reported);
 *  - a call for a descriptor the vfsops does not list (no vfs_opv_descs, or the vfsops cannot
 *    be read) stays, as a registration of its own made just before vfs_attach, undone with
 *    vfs_opv_free() when vfs_attach fails and after vfs_detach() in FINI;
 *  - a set-up this file cannot read (a loop, a descriptor through a pointer) stays at the start
 *    of INIT with an XXX marker: its undo must be written by hand.
 */
import { walk, type SyntaxNode } from '../source/cparse.ts';
import type { PreludeStatement, Registration, RuleContext, SourceFile } from '../discover/rule-api.ts';
import { addressee, elements, isNull, member, pointerList } from './rule-helpers.ts';

/** vfs_opv_descs in a positional struct vfsops initialiser (NetBSD 4 and 5 sys/mount.h). */
const VFS_OPV_DESCS = 18;

const BUILDS_VECTOR = /\bvfs_opv_init(?:_explicit|_default)?\s*\(/;

/** What the vfsops says about vnode-op vectors: its vfs_opv_descs list, null for none. */
type Listed = { list: string | null; descs: ReadonlySet<string> } | 'unreadable';

export interface OpvPort {
  /** The registration for the set-up kept, to be made before vfs_attach. */
  registration: Registration | null;
}

export function portOpvPrelude(ctx: RuleContext, vfsops: string): OpvPort {
  const setup = ctx.prelude().filter((p) => BUILDS_VECTOR.test(p.text));
  if (!setup.length) return { registration: null };
  const listed = vfsopsList(ctx, vfsops);
  const dropped: PreludeStatement[] = [];
  const kept: Array<{ p: PreludeStatement; descs: string[] }> = [];
  const unread: PreludeStatement[] = [];
  for (const p of setup) {
    const descs = builtBy(ctx, p);
    if (!descs) unread.push(p);
    else if (listed !== 'unreadable' && listed.list && descs.every((d) => listed.descs.has(d))) dropped.push(p);
    else kept.push({ p, descs });
  }

  const vfsName = addressee(vfsops) ?? vfsops;
  if (dropped.length) {
    for (const p of dropped) ctx.takePrelude(p);
    const l = listed as { list: string; descs: ReadonlySet<string> };
    ctx.finding({
      file: dropped[0].file,
      line: dropped[0].line,
      severity: 'note',
      code: 'vfs-opv-prelude-dropped',
      message: `vfs_attach() builds the vnode-op vectors ${vfsName}.vfs_opv_descs lists (${l.list}: ${[...l.descs].join(', ')}) and vfs_detach() frees them, so the entry's ${calls(dropped)} went: made before vfs_attach(), they would leave the vectors behind when it fails.`,
    });
  }
  for (const p of unread) {
    ctx.marker(ctx.declaration.file, ctx.declaration.start, 'vfs-opv-prelude-unwind', 'warning',
      `INIT starts with the entry's vnode-op vector set-up (${where(p)}), which lkm2mod cannot read: free those vectors with vfs_opv_free() when vfs_attach() fails and after vfs_detach(), or list them in ${vfsName}.vfs_opv_descs and drop the set-up, as module(9) file systems do.`);
  }
  if (!kept.length) return { registration: null };

  const descs = [...new Set(kept.flatMap((k) => k.descs))];
  const list = freeList(ctx, descs);
  for (const k of kept) ctx.takePrelude(k.p);
  const why =
    listed === 'unreadable'
      ? `the definition of ${vfsName} was not found in the module's sources, so whether vfs_attach() builds ${descs.join(', ')} is unknown`
      : listed.list
        ? `${vfsName}.vfs_opv_descs (${listed.list}) does not list ${descs.filter((d) => !listed.descs.has(d)).join(', ')}`
        : `${vfsName} has no vfs_opv_descs, so vfs_attach() builds no vector for it`;
  ctx.finding({
    file: kept[0].p.file,
    line: kept[0].p.line,
    severity: 'note',
    code: 'vfs-opv-prelude-kept',
    message: `${why}: the entry's ${calls(kept.map((k) => k.p))} stay, right before vfs_attach(), and vfs_opv_free(${list}) frees the vectors when vfs_attach() fails and after vfs_detach().`,
  });
  return {
    registration: {
      // One statement after another, as in a function body.
      attach: kept.map((k) => k.p.text).join('\n\t'),
      attachIsVoid: true,
      detach: `vfs_opv_free(${list})`,
      detachIsVoid: true,
    },
  };
}

/** The descriptors a prelude statement builds vectors for, or null when it cannot be read. */
function builtBy(ctx: RuleContext, p: PreludeStatement): string[] | null {
  if (!p.call || p.call.args.length !== 1) return null;
  const arg = p.call.args[0];
  if (p.call.callee === 'vfs_opv_init') {
    const id = addressee(arg);
    return id ? listContents(ctx, id) : null;
  }
  if (p.call.callee !== 'vfs_opv_init_explicit' && p.call.callee !== 'vfs_opv_init_default') return null;
  return /^&\s*\w+$/.test(arg.trim()) ? [addressee(arg)!] : null;
}

/** The vfsops' vfs_opv_descs, designated or positional. */
function vfsopsList(ctx: RuleContext, vfsops: string): Listed {
  const sym = addressee(vfsops);
  const def = sym ? ctx.definition(sym) : null;
  if (!def?.initializer) return 'unreadable';
  const init = def.initializer;
  const designated = elements(init).some((e) => e.type === 'initializer_pair');
  // Positional initialisers were written for the layout of their day: the vnodeopv_desc list
  // is found by what it is before trusting the position.
  const el = designated ? member(init, 'vfs_opv_descs', VFS_OPV_DESCS) : (elements(init).find((e) => isDescList(ctx, e.text)) ?? member(init, 'vfs_opv_descs', VFS_OPV_DESCS));
  if (!el || isNull(el.text)) return { list: null, descs: new Set() };
  const list = addressee(el.text);
  const descs = list ? listContents(ctx, list) : null;
  return list && descs ? { list, descs: new Set(descs) } : 'unreadable';
}

function isDescList(ctx: RuleContext, text: string): boolean {
  const id = addressee(text);
  const def = id ? ctx.definition(id) : null;
  return !!def?.initializer && /\bstruct\s+vnodeopv_desc\b/.test(def.node.text.slice(0, def.initializer.startIndex - def.node.startIndex));
}

/** `{ &a, &b, NULL }` → [a, b]; null when an entry is not `&name`. */
function listContents(ctx: RuleContext, list: string): string[] | null {
  const def = ctx.definition(list);
  if (!def?.initializer) return null;
  const out: string[] = [];
  for (const e of pointerList(def.initializer)) {
    if (!/^&\s*\w+$/.test(e.trim())) return null;
    out.push(addressee(e)!);
  }
  return out;
}

/**
 * A NULL-terminated list of exactly these descriptors for vfs_opv_free(): one the module
 * already has, or a new one declared after MODULE().
 */
function freeList(ctx: RuleContext, descs: string[]): string {
  const want = [...descs].sort().join(',');
  for (const f of ctx.files()) {
    for (const d of topLevelDeclarations(f)) {
      if (!/\bstruct\s+vnodeopv_desc\b/.test(d.text)) continue;
      const name = d.descendantsOfType('array_declarator')[0]?.childForFieldName('declarator')?.text;
      const def = name ? ctx.definition(name) : null;
      const have = def && name ? listContents(ctx, name) : null;
      if (name && have && [...have].sort().join(',') === want) return name;
    }
  }
  let name = `${ctx.name}_opv_descs`;
  for (let i = 2; ctx.files().some((f) => new RegExp(`\\b${name}\\b`).test(f.text)); i++) name = `${ctx.name}_opv_descs${i}`;
  // The list follows MODULE(): a descriptor declared only further down needs declaring here.
  const above = ctx.source(ctx.declaration.file).text.slice(0, ctx.declaration.start);
  const externs = descs
    .filter((d) => !new RegExp(`\\bvnodeopv_desc\\s+${d}\\b`).test(above))
    .filter((d) => !/^\s*static\b/.test(ctx.definition(d)?.node.text ?? ''))
    .map((d) => `extern const struct vnodeopv_desc ${d};`);
  ctx.declare(
    [...externs, `static const struct vnodeopv_desc * const ${name}[] = {`, ...descs.map((d) => `\t&${d},`), '\tNULL,', '};'].join('\n'),
  );
  return name;
}

function topLevelDeclarations(f: SourceFile): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  walk(f.tree.rootNode, (n) => {
    if (n.type === 'function_definition') return false;
    if (n.type === 'declaration') {
      out.push(n);
      return false;
    }
    return true;
  });
  return out;
}

function calls(ps: PreludeStatement[]): string {
  const names = [...new Set(ps.map((p) => p.call?.callee ?? 'set-up'))];
  return `${names.map((n) => `${n}()`).join(', ')} call${ps.length > 1 ? 's' : ''}`;
}

function where(p: PreludeStatement): string {
  return `${p.file.split('/').pop()}:${p.line}`;
}
