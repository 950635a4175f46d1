/**
 * The work of `lkm2mod kernel load`: compile and load the directories, then print modstat and
 * what changed.
 */
import { EXIT_OK, EXIT_PENDING, UserError } from '../source/errors.ts';
import { parseSize } from './options.ts';
import { displayPath, loadModuleDirs, NotAModuleDir, type LoadDirsReport } from '../kernel/loaddirs.ts';

export interface LoadFlags {
  lkm?: boolean;
  arch?: string;
  json?: boolean;
  kernelMemory?: string;
}

export async function runKernelLoad(dirs: string[], flags: LoadFlags, arches: readonly string[]): Promise<number> {
  const arch = flags.arch ?? 'amd64';
  if (!arches.includes(arch)) throw new UserError(`--arch ${arch}: unknown architecture; one of ${arches.join(', ')}`);
  let report: LoadDirsReport;
  try {
    report = await loadModuleDirs(dirs, { lkm: flags.lkm, arch, memory: parseSize('--kernel-memory', flags.kernelMemory) });
  } catch (err) {
    if (err instanceof NotAModuleDir) throw new UserError(`${err.message}; give a directory that holds a module's Makefile or sources`);
    throw err;
  }
  process.stdout.write(flags.json ? `${JSON.stringify(jsonReport(report), null, 2)}\n` : renderReport(report));
  return report.outcomes.every((o) => o.ok) ? EXIT_OK : EXIT_PENDING;
}

function jsonReport(r: LoadDirsReport): object {
  return {
    mode: r.mode,
    loads: r.outcomes.map((o) => ({ ...o, dir: displayPath(o.dir) })),
    modules: r.modules,
    lkms: r.mode === 'lkm' ? r.lkms : undefined,
    changes: r.changes,
    console: r.console,
  };
}

export function renderReport(r: LoadDirsReport): string {
  const out: string[] = [];
  for (const o of r.outcomes) {
    if (o.ok) out.push(`${displayPath(o.dir)}: loaded${o.message ? ` (${o.message})` : ''}`);
    else out.push(`${displayPath(o.dir)}: load failed: ${o.errno}: ${o.message.replace(/\n/g, '\n    ')}`);
  }
  out.push('');
  if (r.mode === 'lkm') {
    out.push(row(['Type', 'Id', 'Off', 'Size', 'Rev', 'Module Name'], [8, 4, 11, 5, 4]));
    for (const l of r.lkms) out.push(row([l.type, String(l.id), String(l.offset), String(l.size), String(l.ver), l.name], [8, 4, 11, 5, 4]));
    out.push('');
  }
  out.push(row(['NAME', 'CLASS', 'SOURCE', 'REFS', 'SIZE', 'REQUIRES'], [16, 10, 10, 5, 8]));
  for (const m of r.modules) {
    out.push(row([m.name, m.class, m.source, String(m.refcnt), m.size ? String(m.size) : '-', m.required.join(',') || '-'], [16, 10, 10, 5, 8]));
  }
  out.push('');
  out.push(r.changes.length ? 'Changed since boot:' : 'Nothing changed since boot.');
  for (const c of r.changes) out.push(`  ${c}`);
  if (r.console.length) {
    out.push('');
    out.push('Console:');
    for (const l of r.console) out.push(`  ${l}`);
  }
  return `${out.join('\n')}\n`;
}

/** modstat(8)'s `%-16s %-10s …` columns: a value wider than its column pushes the rest right. */
function row(cols: string[], widths: number[]): string {
  return cols.map((c, i) => (i < widths.length ? c.padEnd(widths[i]!) : c)).join(' ').trimEnd();
}
