/**
 * Dependencies: the module's required list against what it uses. Every undefined symbol must
 * come from the kernel or a listed requisite (kobj_affix looks nowhere else); a load with any
 * requisite missing must fail (ENOENT for the module not found, ENOEXEC for a symbol it would
 * have provided) with a message naming it and the kernel unchanged; a requisite none of whose
 * symbols the module uses is listed for nothing, which is worth a warning.
 */
import { KERNEL } from '../../kernel/ksyms.ts';
import { releaseTrees } from '../../source/cparse.ts';
import { Outcome } from '../outcome.ts';
import { changes, describe, Rig } from '../rig.ts';
import { modcmdSite, referenceSites, type Subject } from '../subject.ts';
import type { CheckResult } from '../result.ts';
import type { ModuleSpec } from '../spec.ts';

export async function dependencies(s: Subject): Promise<CheckResult> {
  const o = new Outcome('dependencies');
  const rig = new Rig(s.catalog, { machine: s.spec.machine });
  const used = new Map<string, string[]>(s.required.map((r) => [r, []]));
  const providers = requisiteSymbols(s, o);

  const unresolved: string[] = [];
  const standIns: string[] = [];
  for (const sym of [...s.object.undefined].sort()) {
    if (rig.k.ksyms.lookup(sym)?.provider === KERNEL) continue;
    const from = s.required.find((r) => providers.get(r)?.has(sym));
    if (from) {
      used.get(from)!.push(sym);
      continue;
    }
    // A function the tree's kernel defines: the real kernel has it, the model stands in for it.
    const t = rig.k.treeSymbol(sym);
    if (t && typeof t === 'object') {
      standIns.push(sym);
      continue;
    }
    unresolved.push(sym);
  }
  if (standIns.length) o.note(`from the tree's kernel, unmodelled: ${list(standIns)}`);
  if (unresolved.length) {
    const elsewhere = await definedElsewhere(s, unresolved);
    for (const sym of unresolved) {
      const sites = referenceSites(s.object, sym);
      const at = sites[0] ? `${sites[0].file}:${sites[0].line}: ` : '';
      const other = elsewhere.get(sym);
      if (other) {
        o.fail(`${at}\`${sym}' is defined by module ${other}, which is not in the required list: add "${other}" to MODULE(…, ${s.infoName}, …)`, sites);
      } else {
        const t = rig.k.treeSymbol(sym);
        const why = typeof t === 'string' ? t : 'neither the kernel nor any module in the tree defines it';
        o.fail(`${at}undefined symbol \`${sym}': ${why}`, sites);
      }
    }
  } else {
    o.note(`every undefined symbol (${s.object.undefined.size}) resolves from the kernel${s.required.length ? ` or ${s.required.join(', ')}` : ''}`);
  }

  for (const [req, syms] of used) {
    if (!providers.has(req)) continue;
    if (syms.length) o.note(`${req}: provides ${list(syms)}`);
    else o.warn(`requisite ${req} is listed but the module uses none of its symbols: drop it from the required list unless the module needs it loaded for another reason`, modcmdSite(s));
  }

  // Each requisite taken away in turn: the load must fail, naming it, and change nothing.
  for (const req of s.required) {
    const without = new Rig(s.catalog, { hidden: new Set([req]), machine: s.spec.machine });
    const before = without.snap();
    const r = await without.load(s.object);
    if (r.error === 0) {
      o.fail(`with ${req} missing the module still loads; the kernel should have refused it`);
      continue;
    }
    const named = r.message.includes(req);
    if ((r.errno === 'ENOENT' || r.errno === 'ENOEXEC') && named) {
      o.note(`without ${req}: the load fails with ${r.errno}, naming it`);
    } else {
      o.fail(`without ${req}: the load fails with ${describe(r)}${named ? '' : `, which does not name ${req}`}; expected ENOENT or ENOEXEC naming it`);
    }
    for (const line of changes(before, without.snap())) o.fail(`the load without ${req} left behind: ${line}`);
  }
  if (s.required.length === 0) o.note('no requisites');
  return o.done();
}

/** The global symbols each requisite defines (from its compiled object). */
function requisiteSymbols(s: Subject, o: Outcome): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const req of s.required) {
    const md = s.catalog.moduleDir(req);
    if (!md) {
      o.fail(`requisite ${req} is not in the tree: module_load will fail with ENOENT; add its module or drop it from the required list`, modcmdSite(s));
      continue;
    }
    try {
      out.set(req, globalsOf(s.catalog.object(md)));
    } catch (err) {
      o.fail(`requisite ${req} does not compile: ${(err as Error).message}`);
    }
  }
  return out;
}

/**
 * Which module of the tree defines each symbol, for the ones nobody listed provides: modules
 * whose sources name a symbol are compiled first; the rest (a definition a macro makes) only
 * for what is still unknown.
 */
async function definedElsewhere(s: Subject, symbols: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const others = s.catalog.specs().filter((spec) => spec.name !== s.spec.name && !spec.unconverted);
  const look = async (candidates: ModuleSpec[]) => {
    for (const spec of candidates) {
      // Compiling a module leaves syntax trees that are freed only between turns of the event loop.
      await releaseTrees();
      const wanted = symbols.filter((sym) => !out.has(sym));
      if (wanted.length === 0) return;
      let globals: Set<string>;
      try {
        globals = globalsOf(s.catalog.object(spec.moduleDir));
      } catch {
        continue; // reported by that module's own checks
      }
      for (const sym of wanted) if (globals.has(sym)) out.set(sym, spec.name);
    }
  };
  const named = others.filter((spec) => symbols.some((sym) => s.catalog.mentions(spec.moduleDir, sym)));
  await look(named);
  await look(others.filter((spec) => !named.includes(spec)));
  return out;
}

function globalsOf(object: { defined: Map<string, { binding: string }> }): Set<string> {
  return new Set([...object.defined].filter(([, d]) => d.binding === 'global').map(([n]) => n));
}

function list(names: string[]): string {
  return names.length > 5 ? `${names.slice(0, 5).join(', ')} and ${names.length - 5} more` : names.join(', ');
}
