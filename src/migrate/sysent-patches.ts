/**
 * LKMs that entered system calls by writing sysent[] themselves (a MOD_MISC module providing a
 * group of calls, as MOD_SYSCALL could install only one): the writes become a syscall_package
 * entered with syscall_establish(9) — what NetBSD's own syscall modules (aio, sysv_ipc) do.
 *
 * Recognised, in the module's sources:
 *   install  `sysent[SLOTS[i]] = TABLE[i];` in a loop over parallel static arrays,
 *            `sysent[SLOT] = entry;` / `sysent[SLOT] = TABLE[k];`, `sysent[SLOT].sy_call = fn;`
 *   save     `saved[i] = sysent[…];` (what unload put back)
 *   restore  `sysent[…] = saved[i];`
 *   guard    `if (sysent[…].sy_call != sys_nosys) …` — the "is the slot free" test that
 *            syscall_establish now makes (EBUSY), so it goes with the loop around it.
 * The package is entered after the old load handler (the LKM patched the table at the end of
 * its load, once its state existed) and withdrawn before the unload handler runs, so the
 * handler's own busy checks still decide (and on EBUSY the calls are put back).
 *
 * Not converted, but marked and reported: a slot or handler that cannot be read, and a write
 * into a slot every kernel fills with a built-in call (a hook on an existing syscall, which
 * syscall_establish cannot do: such code keeps patching by hand under kernconfig_lock).
 */
import { walk, type SyntaxNode } from '../source/cparse.ts';
import type { RuleContext, SourceFile } from '../discover/rule-api.ts';
import { constantEntry, masterFor, numberOf, optionalSlot, recordProvided, type ProvidedSyscall } from './syscall-master-index.ts';

const PLACEHOLDERS = new Set(['sys_nosys', 'sys_lkmnosys', 'sys_nomodule']);

interface Write {
  file: SourceFile;
  /** The expression_statement of the assignment. */
  stmt: SyntaxNode;
  role: 'install' | 'save' | 'restore';
  /** install: the (slot expression, handler) pairs it enters; null when unreadable. */
  calls: Array<{ slot: string; handler: string }> | null;
  why?: string;
  /** Identifiers of the static tables it reads (to drop once unused). */
  tables: string[];
}

/** Finds the hand-made sysent writes of a module and converts them; false when there are none. */
export function convertSysentPatches(ctx: RuleContext): boolean {
  const writes = findWrites(ctx);
  if (writes.length === 0) return false;
  const installs = writes.filter((w) => w.role === 'install');
  const unreadable = installs.find((w) => !w.calls);
  const moduleName = ctx.name;
  const master = masterFor(ctx.plan.dir);

  if (!installs.length || unreadable) {
    const why = unreadable?.why ?? 'it only saves or restores entries; what it installs could not be found';
    for (const w of writes) {
      ctx.marker(
        w.file.path,
        w.stmt.startIndex,
        'sysent-patch-unconverted',
        'error',
        `${moduleName} writes sysent[] by hand and ${why}. Move the calls to a struct syscall_package entered with syscall_establish(NULL, …) in MODULE_CMD_INIT and syscall_disestablish in FINI, or keep patching under kernconfig_lock.`,
      );
    }
    return true;
  }

  const guards = findGuards(ctx);
  const calls = installs.flatMap((w) => w.calls!);
  const resolved: ProvidedSyscall[] = [];
  const hooks: string[] = [];
  for (const c of calls) {
    const slot = resolveSlot(ctx, c.slot, master?.master ?? null);
    const free = guards.length > 0 || (slot.number !== null && master ? optionalSlot(master.master, slot.number) === true : false);
    if (!free) hooks.push(`${c.slot} (${c.handler})`);
    resolved.push({ code: slot.code, number: slot.number, handler: c.handler });
  }
  if (hooks.length) {
    for (const w of installs) {
      ctx.marker(
        w.file.path,
        w.stmt.startIndex,
        'sysent-hook',
        'error',
        `${moduleName} replaces ${hooks.join(', ')}, a call the kernel has built in${master ? ' (syscalls.master gives it a handler in every configuration)' : ''}; syscall_establish only fills sys_nomodule slots. Keep this hook by hand: save and restore sy_call under kernconfig_lock, refusing with EBUSY when the slot is not what you saved.`,
      );
    }
    return true;
  }

  // The conversion: statements go, the package and its registration come.
  const removed: Array<{ file: SourceFile; node: SyntaxNode }> = [];
  const patchStatements = new Set(writes.map((w) => w.stmt.id));
  const doomed: Array<{ file: SourceFile; node: SyntaxNode; withComment: boolean }> = [
    ...writes.map((w) => ({ file: w.file, node: enclosingLoop(w.stmt, (s) => patchStatements.has(s.id)) ?? w.stmt, withComment: false })),
    ...guards.map((g) => ({ ...g, withComment: true })),
  ];
  for (const run of adjacentRuns(doomed)) {
    const origin = `convert ${moduleName}: sysent by hand`;
    if (run.length === 1) run[0]!.file.removeNode(run[0]!.node, origin, { withComment: run[0]!.withComment });
    else run[0]!.file.removeRange(run[0]!.node.startIndex, run.at(-1)!.node.endIndex, origin);
    removed.push(...run);
  }

  const pkg = `${moduleName}_syscalls`;
  const width = Math.max(...resolved.map((r) => r.code.length));
  ctx.declare(
    `static const struct syscall_package ${pkg}[] = {\n` +
      resolved.map((r) => `\t{ ${`${r.code},`.padEnd(width + 1)} 0, (sy_call_t *)${r.handler} },\n`).join('') +
      `\t{ 0, 0, NULL }\n` +
      `};`,
  );
  if (resolved.some((r) => r.code.startsWith('SYS_'))) ctx.include('sys/syscall.h');
  ctx.include('sys/syscallvar.h');
  ctx.setClass('MISC');
  ctx.register({ attach: `syscall_establish(NULL, ${pkg})`, detach: `syscall_disestablish(NULL, ${pkg})`, afterLoad: true });
  recordProvided(ctx.plan, resolved);

  const tables = new Set(writes.flatMap((w) => w.tables));
  for (const t of tables) ctx.dropIfUnused(t);
  dropDeadLocals(removed, moduleName);
  dropCountMacros(ctx, tables, moduleName);

  const first = installs[0]!;
  ctx.finding({
    file: first.file.path,
    line: first.file.line(first.stmt.startIndex),
    severity: 'note',
    code: 'sysent-patch-converted',
    message: `The sysent[] writes became ${pkg} (${resolved.map((r) => r.code).join(', ')}), entered with syscall_establish after the load handler and withdrawn before the unload handler. A slot already taken now fails with EBUSY${guards.length ? ' (the hand-written check for a free slot is gone)' : ''}; syscalls.master must mark these slots MODULAR for syscall_establish to accept them.`,
  });
  return true;
}

/**
 * The statements to remove, deduplicated and grouped into runs of siblings that follow one
 * another, so a block of six assignments goes as one range (and leaves no stack of blank lines).
 */
function adjacentRuns<T extends { file: SourceFile; node: SyntaxNode }>(items: T[]): T[][] {
  const unique = items.filter(
    (x, i) => !items.some((y, j) => j !== i && y.file === x.file && y.node.startIndex <= x.node.startIndex && x.node.endIndex <= y.node.endIndex && (y.node.id !== x.node.id || j < i)),
  );
  unique.sort((a, b) => a.file.path.localeCompare(b.file.path) || a.node.startIndex - b.node.startIndex);
  const runs: T[][] = [];
  for (const x of unique) {
    const last = runs.at(-1)?.at(-1);
    if (last && last.file === x.file && last.node.nextNamedSibling?.id === x.node.id) runs.at(-1)!.push(x);
    else runs.push([x]);
  }
  return runs;
}

/** Every assignment into sysent[] or out of it, classified. */
function findWrites(ctx: RuleContext): Write[] {
  const raw: Array<{ file: SourceFile; stmt: SyntaxNode; left: SyntaxNode; right: SyntaxNode }> = [];
  for (const file of ctx.files()) {
    if (!file.text.includes('sysent')) continue;
    walk(file.tree.rootNode, (n) => {
      if (n.type !== 'assignment_expression' || n.parent?.type !== 'expression_statement') return true;
      const left = n.childForFieldName('left')!;
      const right = n.childForFieldName('right')!;
      if (sysentSlot(left) || sysentSlot(right)) raw.push({ file, stmt: n.parent, left, right });
      return false;
    });
  }
  // Arrays that receive sysent entries are save areas; writing them back is a restore.
  const saves = new Set(raw.filter((r) => sysentSlot(r.right) && !sysentSlot(r.left)).map((r) => baseName(r.left)).filter((x): x is string => !!x));
  return raw.map((r): Write => {
    if (!sysentSlot(r.left)) return { file: r.file, stmt: r.stmt, role: 'save', calls: [], tables: [baseName(r.left)].filter((x): x is string => !!x) };
    const rightBase = baseName(r.right);
    if (rightBase && saves.has(rightBase)) return { file: r.file, stmt: r.stmt, role: 'restore', calls: [], tables: [rightBase] };
    return readInstall(ctx, r.file, r.stmt, r.left, r.right);
  });
}

function readInstall(ctx: RuleContext, file: SourceFile, stmt: SyntaxNode, left: SyntaxNode, right: SyntaxNode): Write {
  const slot = sysentSlot(left)!;
  const fail = (why: string): Write => ({ file, stmt, role: 'install', calls: null, why, tables: [] });
  const wholeEntry = left.type === 'subscript_expression';
  if (!wholeEntry) {
    // sysent[SLOT].sy_call = fn
    if (left.childForFieldName('field')?.text !== 'sy_call') return fail(`writes ${left.text}, not the handler`);
    const fn = stripCast(right);
    if (fn.type !== 'identifier') return fail(`installs ${right.text}, not a function it names`);
    if (slot.type === 'subscript_expression') return fail(`takes its slot from ${slot.text}, which cannot be read as a constant`);
    return { file, stmt, role: 'install', calls: [{ slot: slot.text, handler: fn.text }], tables: [] };
  }
  // sysent[SLOTS[i]] = TABLE[i]: parallel arrays.
  if (slot.type === 'subscript_expression' && right.type === 'subscript_expression') {
    const slots = slot.childForFieldName('argument')!.text;
    const table = right.childForFieldName('argument')!.text;
    if (slot.childForFieldName('index')!.text !== right.childForFieldName('index')!.text) {
      return fail(`pairs ${slot.text} with ${right.text}, which use different indexes`);
    }
    const slotItems = initializerItems(ctx, slots);
    const entries = initializerItems(ctx, table);
    if (!slotItems || !entries) return fail(`reads ${!slotItems ? slots : table}, whose initialiser could not be read`);
    if (slotItems.length !== entries.length) return fail(`has ${slotItems.length} slots in ${slots} but ${entries.length} entries in ${table}`);
    const handlers = entries.map(syCallOf);
    const missing = handlers.findIndex((h) => !h);
    if (missing !== -1) return fail(`entry ${missing} of ${table} has no handler it could read`);
    return { file, stmt, role: 'install', calls: slotItems.map((s, k) => ({ slot: s.text, handler: handlers[k]! })), tables: [slots, table] };
  }
  if (slot.type === 'subscript_expression') return fail(`takes its slot from ${slot.text} without a table beside it`);
  // sysent[SLOT] = entry, or = TABLE[k]
  let entry: SyntaxNode | null = null;
  let tableName: string | null = null;
  if (right.type === 'identifier') {
    tableName = right.text;
    const def = ctx.definition(right.text);
    entry = def?.initializer ?? null;
  } else if (right.type === 'subscript_expression' && /^\d+$/.test(right.childForFieldName('index')!.text)) {
    tableName = right.childForFieldName('argument')!.text;
    entry = initializerItems(ctx, tableName)?.[Number(right.childForFieldName('index')!.text)] ?? null;
  }
  const handler = entry ? syCallOf(entry) : null;
  if (!handler) return fail(`installs ${right.text}, whose handler could not be read`);
  return { file, stmt, role: 'install', calls: [{ slot: slot.text, handler }], tables: tableName ? [tableName] : [] };
}

/** The slot expression of `sysent[X]` or `sysent[X].member`, or null. */
function sysentSlot(n: SyntaxNode): SyntaxNode | null {
  let s = n;
  if (s.type === 'field_expression') s = s.childForFieldName('argument')!;
  if (s.type !== 'subscript_expression' || s.childForFieldName('argument')?.text !== 'sysent') return null;
  return s.childForFieldName('index');
}

function baseName(n: SyntaxNode): string | null {
  let s: SyntaxNode | null = n;
  while (s && (s.type === 'subscript_expression' || s.type === 'field_expression')) s = s.childForFieldName('argument');
  return s?.type === 'identifier' ? s.text : null;
}

function stripCast(n: SyntaxNode): SyntaxNode {
  while (n.type === 'cast_expression' || n.type === 'parenthesized_expression') n = n.childForFieldName('value') ?? n.namedChildren[n.namedChildren.length - 1]!;
  return n;
}

/** The items of a static array's initialiser. */
function initializerItems(ctx: RuleContext, name: string): SyntaxNode[] | null {
  const init = ctx.definition(name)?.initializer;
  return init ? init.namedChildren.filter((c) => c.type !== 'comment') : null;
}

/** sy_call of a `struct sysent` initialiser: the designated member, else the fourth item. */
function syCallOf(entry: SyntaxNode): string | null {
  if (entry.type !== 'initializer_list') return null;
  const items = entry.namedChildren.filter((c) => c.type !== 'comment');
  const designated = items.find((c) => c.type === 'initializer_pair' && /^\.sy_call\b/.test(c.text));
  const v = designated ? designated.childForFieldName('value') : items[3];
  const fn = v ? stripCast(v) : null;
  return fn?.type === 'identifier' ? fn.text : null;
}

/** `if (sysent[…].sy_call != sys_nosys …)` tests, with a loop that holds nothing else. */
function findGuards(ctx: RuleContext): Array<{ file: SourceFile; node: SyntaxNode }> {
  const out: Array<{ file: SourceFile; node: SyntaxNode }> = [];
  for (const file of ctx.files()) {
    if (!file.text.includes('sysent')) continue;
    walk(file.tree.rootNode, (n) => {
      if (n.type !== 'if_statement') return true;
      const cond = n.childForFieldName('condition')!;
      let compares = false;
      walk(cond, (c) => {
        if (c.type === 'binary_expression' && /^[!=]=$/.test(c.childForFieldName('operator')?.text ?? '')) {
          const sides = [c.childForFieldName('left')!, c.childForFieldName('right')!];
          if (sides.some((s) => sysentSlot(s)) && sides.some((s) => PLACEHOLDERS.has(stripCast(s).text))) compares = true;
        }
        return !compares;
      });
      if (!compares) return true;
      out.push({ file, node: enclosingLoop(n, (s) => s.id === n.id) ?? n });
      return false;
    });
  }
  return out;
}

/** The `for`/`while` around `stmt` whose body holds only statements `ours` accepts. */
function enclosingLoop(stmt: SyntaxNode, ours: (s: SyntaxNode) => boolean): SyntaxNode | null {
  let body = stmt.parent;
  let loop: SyntaxNode | null = body;
  if (body?.type === 'compound_statement') {
    const stmts = body.namedChildren.filter((c) => c.type !== 'comment');
    if (!stmts.every(ours)) return null;
    loop = body.parent;
  }
  if (!loop || !/^(for|while)_statement$/.test(loop.type)) return null;
  return loop;
}

/** A slot expression as the package writes it: SYS_x (from syscalls.master when it was a number). */
function resolveSlot(ctx: RuleContext, text: string, master: import('../source/syscalls-master.ts').SyscallsMaster | null): { code: string; number: number | null } {
  const t = text.trim();
  const sys = /^SYS_(\w+)$/.exec(t);
  if (sys) return { code: t, number: master ? numberOf(master, sys[1]!) : null };
  let n: number | null = /^\d+$/.test(t) ? Number(t) : null;
  if (n === null && /^\w+$/.test(t)) {
    // A macro of the module's own: `#define UPTIME_SYSCALL 210`.
    for (const f of ctx.files()) {
      const m = new RegExp(`^[ \\t]*#[ \\t]*define[ \\t]+${t}[ \\t]+\\(?(\\d+)\\)?[ \\t]*(?:/\\*.*)?$`, 'm').exec(f.text);
      if (m) n = Number(m[1]);
    }
  }
  if (n !== null && master) {
    const e = constantEntry(master, n);
    if (e?.name) return { code: `SYS_${e.name}`, number: n };
  }
  return { code: t, number: n };
}

/** Locals of the edited functions that only the removed statements used (`int i;`). */
function dropDeadLocals(removed: Array<{ file: SourceFile; node: SyntaxNode }>, moduleName: string): void {
  const seen = new Set<number>();
  for (const { file, node } of removed) {
    let fn: SyntaxNode | null = node.parent;
    while (fn && fn.type !== 'function_definition') fn = fn.parent;
    const body = fn?.childForFieldName('body');
    if (!fn || !body || seen.has(fn.id)) continue;
    seen.add(fn.id);
    for (const decl of body.namedChildren.filter((c) => c.type === 'declaration')) {
      const declarators = decl.childrenForFieldName('declarator');
      const dead = declarators.filter((d) => {
        if (d.type !== 'identifier') return false;
        const uses = identifiersIn(body, d.text).filter((u) => u.id !== d.id);
        return uses.length > 0 && uses.every((u) => file.edits.covers(u.startIndex, u.endIndex));
      });
      if (!dead.length) continue;
      const origin = `convert ${moduleName}: unused local`;
      if (dead.length === declarators.length) {
        file.removeNode(decl, origin);
        continue;
      }
      for (const d of dead) {
        // `int i, error;`: the name and the comma that joins it to its neighbour.
        const next = d.nextSibling;
        const prev = d.previousSibling;
        if (next?.type === ',') file.edits.remove(d.startIndex, next.nextSibling ? next.nextSibling.startIndex : next.endIndex, origin);
        else if (prev?.type === ',') file.edits.remove(prev.startIndex, d.endIndex, origin);
      }
    }
  }
}

function identifiersIn(node: SyntaxNode, name: string): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  walk(node, (n) => {
    if (n.type === 'identifier' && n.text === name) out.push(n);
    return true;
  });
  return out;
}

/**
 * `#define NCALLS (sizeof(slots) / sizeof(slots[0]))`: a count of the dropped tables, gone
 * with them when nothing else still uses it.
 */
function dropCountMacros(ctx: RuleContext, tables: Set<string>, moduleName: string): void {
  for (const file of ctx.files()) {
    for (const def of file.tree.rootNode.descendantsOfType('preproc_def')) {
      const name = def.childForFieldName('name')?.text;
      const value = def.childForFieldName('value')?.text ?? '';
      if (!name || ![...tables].some((t) => new RegExp(`\\b${t}\\b`).test(value))) continue;
      const live = ctx.files().some((f) =>
        identifiersIn(f.tree.rootNode, name).some(
          (u) => u.parent?.type !== 'preproc_def' && !f.edits.covers(u.startIndex, u.endIndex) && !insideDroppedTable(ctx, u, tables),
        ),
      );
      if (!live) file.removeNode(def, `convert ${moduleName}: count of the sysent tables`);
    }
  }
}

/** The identifier sits in the declaration of one of the tables being dropped (`saved[NCALLS]`). */
function insideDroppedTable(ctx: RuleContext, id: SyntaxNode, tables: Set<string>): boolean {
  for (let p = id.parent; p; p = p.parent) {
    if (p.type === 'declaration') {
      return [...tables].some((t) => ctx.definition(t)?.node.id === p!.id && !tableStillUsed(ctx, t, p!));
    }
  }
  return false;
}

function tableStillUsed(ctx: RuleContext, table: string, decl: SyntaxNode): boolean {
  return ctx.files().some((f) =>
    identifiersIn(f.tree.rootNode, table).some((u) => !f.edits.covers(u.startIndex, u.endIndex) && !(decl.startIndex <= u.startIndex && u.endIndex <= decl.endIndex)),
  );
}
