/**
 * Running a checked pack: each file's JavaScript is imported from a data: URL — nothing is
 * written to disk, nothing is left behind. `'lkm2mod'` becomes the URL of the rule API module
 * this process already runs (so a pack's defineRule is lkm2mod's own), and a relative import
 * becomes the data: URL of the pack file it names, which is why files load dependencies first.
 *
 * Stack frames of pack code name its .ts file (sourceURL) but count lines of the JavaScript;
 * `locate` maps them back through the source maps to the line and column the user wrote.
 */
import { SourceMap } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { compileSource, PACK_API_MODULE, type PackSource } from './compile.ts';

export interface Location {
  file: string;
  line: number;
  column: number;
}

export class PackRuntime {
  private readonly maps = new Map<string, { file: string; map: SourceMap }>();
  private readonly urls = new Map<string, string>();

  /** Import every file, dependencies first; their module namespaces by path. */
  async load(sources: PackSource[]): Promise<Map<string, Record<string, unknown>>> {
    const byPath = new Map(sources.map((s) => [s.path, s]));
    const out = new Map<string, Record<string, unknown>>();
    for (const src of inDependencyOrder(sources, byPath)) {
      const { js, map } = compileSource(src, (spec) => this.resolve(spec, src));
      const url = `data:text/javascript;base64,${Buffer.from(js).toString('base64')}`;
      this.urls.set(src.path, url);
      if (map) this.maps.set(pathToFileURL(src.path).href, { file: src.path, map: new SourceMap(JSON.parse(map)) });
      try {
        out.set(src.path, (await import(url)) as Record<string, unknown>);
      } catch (err) {
        throw new PackLoadError(src.path, err, this.locate(err));
      }
    }
    return out;
  }

  /** Where in the pack's TypeScript an error was thrown: the innermost frame in a pack file. */
  locate(err: unknown): Location | null {
    const stack = (err as Error)?.stack ?? '';
    for (const m of stack.matchAll(/(file:\/\/[^\s()]+?):(\d+):(\d+)/g)) {
      const hit = this.maps.get(m[1]!);
      if (!hit) continue;
      const entry = hit.map.findEntry(Number(m[2]) - 1, Number(m[3]) - 1) as { originalLine?: number; originalColumn?: number };
      if (entry.originalLine === undefined) return { file: hit.file, line: Number(m[2]), column: Number(m[3]) };
      return { file: hit.file, line: entry.originalLine + 1, column: (entry.originalColumn ?? 0) + 1 };
    }
    return null;
  }

  private resolve(specifier: string, from: PackSource): string {
    if (specifier === 'lkm2mod') return PACK_API_MODULE;
    if (!specifier.startsWith('./') && !specifier.startsWith('../')) return specifier;
    const url = this.urls.get(from.imports[specifier] ?? '');
    if (!url) throw new PackLoadError(from.path, new Error(`${specifier} is not a file of the pack that was compiled`), null);
    return url;
  }
}

/** A pack file that cannot be imported: its top level threw, or its imports go round in a circle. */
export class PackLoadError extends Error {
  constructor(
    readonly file: string,
    readonly reason: unknown,
    readonly at: Location | null,
  ) {
    super((reason as Error)?.message ?? String(reason));
    this.name = 'PackLoadError';
  }
}

function inDependencyOrder(sources: PackSource[], byPath: Map<string, PackSource>): PackSource[] {
  const order: PackSource[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (s: PackSource, trail: string[]) => {
    if (state.get(s.path) === 'done') return;
    if (state.get(s.path) === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(s.path)), s.path].map((p) => path.basename(p)).join(' → ');
      throw new PackLoadError(s.path, new Error(`its imports go round in a circle (${cycle}); a pack's files are loaded one after the other, so move what they share into a file of its own`), null);
    }
    state.set(s.path, 'visiting');
    for (const d of Object.values(s.imports)) {
      const dep = byPath.get(d);
      if (dep) visit(dep, [...trail, s.path]);
    }
    state.set(s.path, 'done');
    order.push(s);
  };
  for (const s of sources) visit(s, []);
  return order;
}
