/**
 * The entry and handlers of an LKM declared through a vendor macro a rule pack understands.
 * The macro defines the entry function and its DISPATCH out of sight (in a header), so they are
 * what the rule read from the call: the entry spans the declaration itself, and the handlers are
 * the module's functions the rule named.
 */
import type { EntryFunction, Finding, Handlers } from './plan.ts';
import type { DescriptorFact, FunctionFact } from './facts.ts';
import { handlerNamed } from './entry.ts';
import { finding } from './findings.ts';

export function declaredEntry(d: DescriptorFact): EntryFunction | null {
  const { declaration: decl, declared } = d;
  if (!declared?.entry) return null;
  return {
    file: decl.file,
    start: decl.start,
    end: decl.end,
    line: decl.line,
    name: declared.entry,
    params: [],
    knr: false,
    viaMacro: decl.macro,
    dispatch: [],
  };
}

export function declaredHandlers(d: DescriptorFact, functions: FunctionFact[], out: Finding[]): Handlers {
  const names = d.declared!.handlers;
  const site = d.declaration;
  return {
    load: names.load ? handlerNamed('load', names.load, site, functions, out) : null,
    unload: names.unload ? handlerNamed('unload', names.unload, site, functions, out) : null,
    stat: names.stat ? handlerNamed('stat', names.stat, site, functions, out) : null,
  };
}

/** What the rule read, said once in the scan, so a reviewer sees the pack did its part. */
export function declaredFinding(d: DescriptorFact): Finding {
  const { declaration: decl, declared } = d;
  const parts = [
    declared!.entry ? `entry ${declared!.entry}` : null,
    ...(['load', 'unload', 'stat'] as const).map((r) => (declared!.handlers[r] ? `${r} ${declared!.handlers[r]}` : null)),
  ].filter(Boolean);
  return finding('declared-by-rule', decl.file, decl.line,
    `rule ${decl.rule} reads this ${decl.macro} as the ${d.kind} LKM "${declared!.name}"` +
      `${parts.length ? ` (${parts.join(', ')})` : ''}; the rule converts it.`);
}
