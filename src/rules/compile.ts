/**
 * A rule pack's TypeScript, type-checked and compiled in memory with ts-morph; nothing is
 * written and nothing is fetched. `'lkm2mod'` resolves to the package's own rule API source
 * (pack-api.ts), so a pack is checked against exactly the types the built-in rules use, with no
 * build step. Diagnostics point into the user's files, at file:line:column.
 */
import { createRequire, builtinModules } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Project, ts, type SourceFile } from 'ts-morph';
import { siblingModule, sourcePath } from '../runtime.ts';

/** The TypeScript a pack's `'lkm2mod'` imports are type-checked against. */
export const PACK_API = sourcePath(import.meta.url, './pack-api.ts');
/** The module a pack's `'lkm2mod'` imports load: the one this process runs (built or not). */
export const PACK_API_MODULE = siblingModule(import.meta.url, './pack-api');

export interface PackDiagnostic {
  file: string;
  line: number;
  column: number;
  /** `TS2322`, or `import` for an import a pack cannot make. */
  code: string;
  message: string;
}

/** One TypeScript file of a pack, checked, with what it imports. */
export interface PackSource {
  path: string;
  text: string;
  /** Relative imports: each specifier as written, with the pack file it names. */
  imports: Record<string, string>;
}

export interface CheckedPack {
  /** Every file: the entries and what they import relatively, dependencies before dependents. */
  sources: PackSource[];
  diagnostics: PackDiagnostic[];
}

/** Type-check the entry files and everything they import relatively, against the rule API. */
export function checkPack(entries: string[]): CheckedPack {
  const project = new Project({ compilerOptions: compilerOptions(), skipAddingFilesFromTsConfig: true });
  const roots = entries.map((e) => project.addSourceFileAtPath(e));
  const files = packFiles(roots);
  const needsNode = files.some((f) => moduleSpecifiers(f).some((s) => isBuiltin(s.text)));
  if (needsNode && nodeTypesDir()) project.compilerOptions.set({ types: ['node'] });
  // Without node's types a pack still has `console`, which rule authors reach for first.
  else project.createSourceFile(path.join(path.dirname(PACK_API), '__pack_globals__.d.ts'), CONSOLE_DECLARATION);

  const program = project.getProgram();
  const diagnostics: PackDiagnostic[] = [];
  for (const f of files) {
    for (const d of [...program.getSyntacticDiagnostics(f), ...program.getSemanticDiagnostics(f)]) {
      const start = d.getStart() ?? 0;
      const { line, column } = f.getLineAndColumnAtPos(start);
      diagnostics.push({ file: f.getFilePath(), line, column, code: `TS${d.getCode()}`, message: flatten(d.getMessageText()) });
    }
    diagnostics.push(...importProblems(f));
  }
  return {
    sources: files.map((f) => ({
      path: f.getFilePath(),
      text: f.getFullText(),
      imports: Object.fromEntries(relativeImports(f).map((d) => [d.specifier, d.file.getFilePath()])),
    })),
    diagnostics: diagnostics.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column),
  };
}

export interface Compiled {
  js: string;
  /** The source map (JSON) from `js` back to the TypeScript. */
  map: string;
}

/**
 * JavaScript for one checked file, with its import specifiers rewritten by `resolve` (the pack
 * runs from memory, where neither `'lkm2mod'` nor a relative path means anything). The code is
 * named after its TypeScript file (sourceURL), so stack frames say which file threw.
 */
export function compileSource(src: PackSource, resolve: (specifier: string) => string): Compiled {
  const out = ts.transpileModule(src.text, {
    fileName: src.path,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, sourceMap: true, isolatedModules: true },
    transformers: { after: [rewriteSpecifiers(resolve)] },
  });
  const js = out.outputText.replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n');
  return { js: `${js}//# sourceURL=${pathToFileURL(src.path).href}\n`, map: out.sourceMapText ?? '' };
}

function compilerOptions(): ts.CompilerOptions {
  const typeRoots = nodeTypesDir();
  return {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    allowImportingTsExtensions: true,
    // Each file is compiled on its own when it runs: what that cannot handle is a type error here.
    isolatedModules: true,
    noEmit: true,
    skipLibCheck: true,
    lib: ['lib.es2022.d.ts'],
    types: [],
    ...(typeRoots ? { typeRoots: [path.dirname(typeRoots)] } : {}),
    paths: { lkm2mod: [PACK_API] },
  };
}

/** The entries and the pack files they reach through relative imports. */
function packFiles(roots: SourceFile[]): SourceFile[] {
  const seen = new Set<SourceFile>();
  const order: SourceFile[] = [];
  const visit = (f: SourceFile) => {
    if (seen.has(f)) return;
    seen.add(f);
    for (const d of relativeImports(f)) visit(d.file);
    order.push(f);
  };
  roots.forEach(visit);
  return order;
}

function relativeImports(f: SourceFile): { specifier: string; file: SourceFile }[] {
  const out: { specifier: string; file: SourceFile }[] = [];
  for (const decl of [...f.getImportDeclarations(), ...f.getExportDeclarations()]) {
    const specifier = decl.getModuleSpecifierValue() ?? '';
    if (!isRelative(specifier)) continue;
    const file = decl.getModuleSpecifierSourceFile();
    if (file && !file.isDeclarationFile()) out.push({ specifier, file });
  }
  return out;
}

function moduleSpecifiers(f: SourceFile): { text: string; pos: number }[] {
  return [...f.getImportDeclarations(), ...f.getExportDeclarations()].flatMap((d) => {
    const s = d.getModuleSpecifier();
    return s ? [{ text: s.getLiteralValue(), pos: s.getStart() }] : [];
  });
}

/** A pack runs from memory: it can reach lkm2mod, node's own modules and its own files, nothing else. */
function importProblems(f: SourceFile): PackDiagnostic[] {
  const out: PackDiagnostic[] = [];
  for (const s of moduleSpecifiers(f)) {
    if (s.text === 'lkm2mod' || isRelative(s.text) || isBuiltin(s.text)) continue;
    const { line, column } = f.getLineAndColumnAtPos(s.pos);
    out.push({
      file: f.getFilePath(),
      line,
      column,
      code: 'import',
      message: `'${s.text}' cannot be imported by a rule pack, which runs from memory: import the rule API from 'lkm2mod', node's built-in modules, or the pack's own files.`,
    });
  }
  return out;
}

function isRelative(specifier: string): boolean {
  return specifier.startsWith('./') || specifier.startsWith('../');
}

function isBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || builtinModules.includes(specifier);
}

/** `@types/node`, when installed next to lkm2mod (it is a development dependency). */
function nodeTypesDir(): string | null {
  try {
    return path.dirname(createRequire(import.meta.url).resolve('@types/node/package.json'));
  } catch {
    return null;
  }
}

function flatten(message: string | ts.DiagnosticMessageChain | { compilerObject: ts.DiagnosticMessageChain }): string {
  if (typeof message === 'string') return message;
  const chain = 'compilerObject' in message ? message.compilerObject : message;
  return ts.flattenDiagnosticMessageText(chain, '\n  ');
}

function rewriteSpecifiers(resolve: (specifier: string) => string): ts.TransformerFactory<ts.SourceFile> {
  return (context) => (file) => {
    const { factory } = context;
    const visit = (node: ts.Node): ts.Node => {
      if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
        return factory.updateImportDeclaration(node, node.modifiers, node.importClause, factory.createStringLiteral(resolve(node.moduleSpecifier.text)), node.attributes);
      }
      if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
        return factory.updateExportDeclaration(node, node.modifiers, node.isTypeOnly, node.exportClause, factory.createStringLiteral(resolve(node.moduleSpecifier.text)), node.attributes);
      }
      return node;
    };
    return ts.visitEachChild(file, visit, context);
  };
}

const CONSOLE_DECLARATION = `declare var console: {
  log(...data: unknown[]): void;
  error(...data: unknown[]): void;
  warn(...data: unknown[]): void;
};
`;
