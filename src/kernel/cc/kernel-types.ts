/**
 * The kernel's types and constants, learnt from the bundled headers: the single source of truth
 * for every struct layout and constant the simulated kernel uses (errno values, MODULE_CMD_*,
 * MODULE_CLASS_*, LKM_E_*, SYS_*, __NetBSD_Version__ …). Parsed once per architecture.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { CType } from '../machine/memory.ts';
import { parseC } from '../../source/cparse.ts';
import { sizeOf, type DataModel, type FuncType, type StructType } from './ctypes.ts';
import { constValue, NotConstant } from './const-eval.ts';
import { TypeBuilder } from './declarations.ts';
import { declareTopLevel } from './file-scope.ts';
import { BUNDLED_INCLUDE, searchPath } from './pp/include-path.ts';
import { archInfo, DEFAULT_ARCH, predefines } from './pp/predefines.ts';
import { preprocess } from './pp/preprocess.ts';
import { sourceFromText } from './pp/source-file.ts';
import { spell } from './pp/tokens.ts';
import { expand } from './pp/macros.ts';
import { Scope } from './scope.ts';

export interface KernelTypes {
  readonly arch: string;
  readonly dataModel: DataModel;
  /** A struct or union by tag; throws for a tag the headers do not define. */
  struct(tag: string): StructType;
  /** A typedef name's type; throws for an unknown name. */
  typedef(name: string): CType;
  /** A macro or enum constant's integer value; throws if it is not one. */
  constant(name: string): number;
  /** Whether `constant(name)` would succeed. */
  hasConstant(name: string): boolean;
  /** Names of integer constants (macros and enum constants) starting with `prefix`, e.g. 'SYS_'. */
  constantNames(prefix: string): string[];
  /** The declared type of an external function (its prototype), if the headers declare it. */
  functionType(name: string): FuncType | undefined;
  /** The declared type of an external object (sysent, emul_netbsd …), if the headers declare it. */
  objectType(name: string): CType | undefined;
  sizeOf(t: CType): number;
}

const cache = new Map<string, KernelTypes>();

/** Every bundled header, as `#include` lines (a unit that sees the whole kernel API). */
function bundledHeaders(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir).sort()) {
      const p = join(dir, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (e.endsWith('.h')) out.push(relative(BUNDLED_INCLUDE, p));
    }
  };
  walk(BUNDLED_INCLUDE);
  // sys/syscallvar.h refuses userland; everything here is built with _KERNEL.
  return out;
}

export function kernelTypes(arch: string = DEFAULT_ARCH): KernelTypes {
  let kt = cache.get(arch);
  if (!kt) {
    kt = buildKernelTypes(arch);
    cache.set(arch, kt);
  }
  return kt;
}

function buildKernelTypes(arch: string): KernelTypes {
  const info = archInfo(arch);
  if (!info) throw new Error(`unknown architecture ${arch}`);
  const dm: DataModel = { lp64: info.lp64 };
  const unit = '<kernel headers>';
  const text = bundledHeaders()
    .map((h) => `#include <${h}>`)
    .join('\n');
  const pp = preprocess(unit, {
    includeDirs: searchPath({ moduleDirs: [], arch }),
    defines: predefines(info, 'module'),
    load: (p) => (p === unit ? sourceFromText(unit, text) : undefined) ?? loadFile(p),
  });
  const tree = parseC(pp.text);
  const scope = new Scope();
  const types = new TypeBuilder({ dm, warn: () => {} }, scope);
  const functions = new Map<string, FuncType>();
  const objects = new Map<string, CType>();
  for (const node of tree.rootNode.namedChildren) {
    if (node.type === 'declaration' || node.type === 'type_definition') {
      declareTopLevel(node, scope, types, ({ decl }) => {
        if (decl.type.kind === 'func') functions.set(decl.name!, decl.type);
        else objects.set(decl.name!, decl.type);
      });
    } else if (node.type === 'function_definition') {
      types.specifiers(node, scope);
    } else if (node.type === 'struct_specifier' || node.type === 'union_specifier' || node.type === 'enum_specifier') {
      types.baseType(node, scope);
    }
  }

  const constants = new Map<string, number | null>();
  const evalMacro = (name: string): number | null => {
    if (constants.has(name)) return constants.get(name)!;
    constants.set(name, null); // recursion guard
    let value: number | null = null;
    const enumConst = scope.lookup(name);
    if (enumConst?.kind === 'enum') value = enumConst.value;
    else {
      const m = pp.macros.get(name);
      if (m && m.params === null && m.body.length > 0) {
        const body = expand([{ kind: 'id', text: name, ws: false }], { macros: pp.macros, file: unit, line: 0 });
        const expr = parseC(`int __v = (${spell(body)});`);
        const init = expr.rootNode.descendantsOfType('init_declarator')[0]?.childForFieldName('value');
        if (init && !expr.rootNode.hasError) {
          try {
            value = Number(expandAndEvaluate(init));
          } catch (e) {
            if (!(e instanceof NotConstant)) throw e;
          }
        }
      }
    }
    constants.set(name, value);
    return value;
  };
  // Macro bodies may name other macros: expand identifiers that are constants themselves.
  const expandAndEvaluate = (node: import('../../source/cparse.ts').SyntaxNode): bigint => {
    const inner = new Scope(scope);
    for (const id of node.descendantsOfType('identifier')) {
      if (inner.lookup(id.text)) continue;
      const v = pp.macros.has(id.text) ? evalMacro(id.text) : null;
      if (v !== null) inner.declare(id.text, { kind: 'enum', value: v });
    }
    return constValue(node, inner, types);
  };

  return {
    arch,
    dataModel: dm,
    struct(tag) {
      const t = scope.tag(tag);
      if (!t || t.kind !== 'struct' || t.members === null) throw new Error(`the kernel headers define no struct or union ${tag}`);
      return t;
    },
    typedef(name) {
      const t = scope.lookup(name);
      if (t?.kind !== 'typedef') throw new Error(`the kernel headers define no type ${name}`);
      return t.type;
    },
    constant(name) {
      const v = evalMacro(name);
      if (v === null) throw new Error(`the kernel headers define no integer constant ${name}`);
      return v;
    },
    hasConstant(name) {
      return evalMacro(name) !== null;
    },
    constantNames(prefix) {
      const names = new Set<string>();
      for (const name of pp.macros.keys()) if (name.startsWith(prefix) && evalMacro(name) !== null) names.add(name);
      for (const [name, o] of scope.entries()) if (name.startsWith(prefix) && o.kind === 'enum') names.add(name);
      return [...names].sort();
    },
    functionType: (name) => functions.get(name),
    objectType: (name) => objects.get(name),
    sizeOf: (t) => sizeOf(t, dm),
  };
}

import { loadSource } from './pp/source-file.ts';
function loadFile(p: string) {
  return loadSource(p);
}
