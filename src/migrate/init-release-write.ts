/**
 * Writing the releases the analysis found: one <fn>_done() after each acquiring function, in
 * reverse order of acquisition, under the conditionals its acquisitions were made under, static
 * when only its own file calls it.
 */
import type { CSource } from './csource.ts';
import type { ModuleJob } from './job.ts';
import type { Acquisition, DoneFn, FunctionDef, Step } from './init-release.ts';

export class Generator {
  private readonly dones = new Map<string, DoneFn | null>();
  private readonly names = new Set<string>();

  constructor(
    private readonly job: ModuleJob,
    private readonly functions: Map<string, FunctionDef>,
  ) {}

  /** The done function releasing what `fn` acquires (given its steps), or null for nothing. */
  doneFor(fn: string, steps: Step[]): DoneFn | null {
    if (this.dones.has(fn)) return this.dones.get(fn)!;
    const items: DoneFn['items'] = [];
    for (const s of [...steps].reverse()) {
      if (s.kind === 'acquire') {
        if (!s.problem && s.release) items.push({ conds: s.conds, text: s.release });
        continue;
      }
      const inner = this.doneFor(s.callee, s.steps);
      if (inner) items.push({ conds: s.conds, call: inner });
    }
    let done: DoneFn | null = null;
    const def = this.functions.get(fn);
    if (items.length === 1 && 'call' in items[0] && !items[0].conds.length) done = items[0].call;
    else if (items.length && def) done = { name: this.nameFor(fn), def, items, calledFrom: new Set() };
    this.dones.set(fn, done);
    if (done) for (const it of done.items) if ('call' in it) it.call.calledFrom.add(done.def.file.path);
    return done;
  }

  /** The done function that holds an acquisition's release. */
  doneHolding(acq: Acquisition): string | null {
    for (const d of this.dones.values()) {
      if (d && d.def.name === acq.fnName && d.items.some((i) => 'text' in i && i.text === acq.release)) return d.name;
    }
    return null;
  }

  /** Writes each done function after the function it undoes, and the prototypes the callers need. */
  write(moduleFile: CSource): void {
    const written = [...new Set([...this.dones.values()].filter((d): d is DoneFn => !!d))];
    for (const d of written) {
      const isStatic = isStaticDone(d);
      const protos = d.items.flatMap((i) => ('call' in i && (i.call.def.file !== d.def.file || i.call.def.node.startIndex > d.def.node.startIndex) ? [prototype(i.call, isStaticDone(i.call))] : []));
      const body = d.items.flatMap((i) => {
        const stmt = 'call' in i ? `${i.call.name}();` : i.text;
        return [...i.conds.map((c) => directive(c)), `\t${stmt}`, ...i.conds.map(() => '#endif')];
      });
      const text = [
        '',
        '',
        ...[...new Set(protos)],
        ...(protos.length ? [''] : []),
        `/* Frees what ${d.def.name}() set up: the LKM leaked it at every unload. */`,
        isStatic ? 'static void' : 'void',
        `${d.name}(void)`,
        '{',
        '',
        ...body,
        '}',
      ].join('\n');
      d.def.file.edits.insert(d.def.node.endIndex, text, `${this.job.origin}: release at FINI`);
      if (d.calledFrom.has(moduleFile.path)) this.job.declarations.push(prototype(d, isStatic));
    }
  }

  /** `<fn minus init>done` or `<fn>_done`, not yet taken in the module or its headers. */
  private nameFor(fn: string): string {
    const base = /.init$/.test(fn) ? fn.replace(/init$/, 'done') : `${fn}_done`;
    const texts = [...this.job.files, ...this.job.headers].map((f) => f.text);
    const taken = (n: string) => this.names.has(n) || texts.some((t) => new RegExp(`\\b${n}\\b`).test(t));
    let name = base;
    for (let i = 2; taken(name); i++) name = `${base}${i}`;
    this.names.add(name);
    return name;
  }
}

/** Called only from its own file (by another done function, or by the modcmd written there): static. */
function isStaticDone(d: DoneFn): boolean {
  return [...d.calledFrom].every((f) => f === d.def.file.path);
}

export function prototype(d: DoneFn, isStatic: boolean): string {
  return `${isStatic ? 'static ' : ''}void\t${d.name}(void);`;
}

/** `defined(X)` → `#ifdef X`, `!defined(X)` → `#ifndef X`, anything else `#if …`. */
export function directive(cond: string): string {
  const d = /^defined\((\w+)\)$/.exec(cond);
  if (d) return `#ifdef ${d[1]}`;
  const n = /^!defined\((\w+)\)$/.exec(cond);
  if (n) return `#ifndef ${n[1]}`;
  return `#if ${cond}`;
}
