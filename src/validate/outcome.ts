/**
 * How a check writes its result: facts as it goes, failures that turn it red, warnings that do
 * not, and the source sites a failure points at (found in kernel messages, which name
 * file:line wherever the kernel knows it).
 */
import type { CheckName, CheckResult, CheckSite } from './result.ts';

export class Outcome {
  private readonly details: string[] = [];
  private readonly failures: string[] = [];
  private readonly warnings: string[] = [];
  private readonly sites: CheckSite[] = [];
  private failed = false;
  private readonly started = performance.now();

  constructor(readonly name: CheckName) {}

  /** A fact: what was done and what came of it. */
  note(line: string): this {
    this.details.push(line);
    return this;
  }

  /** The check fails; the line says what went wrong and what to fix. */
  fail(line: string, sites: CheckSite[] = sitesIn(line)): this {
    this.failed = true;
    this.details.push(line);
    this.failures.push(line);
    this.addSites(sites);
    return this;
  }

  warn(line: string, sites: CheckSite[] = sitesIn(line)): this {
    this.warnings.push(line);
    this.addSites(sites);
    return this;
  }

  get ok(): boolean {
    return !this.failed;
  }

  done(): CheckResult {
    return {
      name: this.name,
      ok: !this.failed,
      details: this.details,
      ...(this.failures.length ? { failures: this.failures } : {}),
      ...(this.warnings.length ? { warnings: this.warnings } : {}),
      ...(this.sites.length ? { sites: this.sites } : {}),
      timeMs: Math.round(performance.now() - this.started),
    };
  }

  private addSites(sites: CheckSite[]): void {
    for (const s of sites) {
      if (!this.sites.some((x) => x.file === s.file && x.line === s.line)) this.sites.push(s);
    }
  }
}

/** A check that does not apply here, and why. */
export function skipped(name: CheckName, why: string): CheckResult {
  return { name, ok: true, skipped: true, details: [why], timeMs: 0 };
}

/** `/abs/path/file.c:42` in a message: where a kernel error comes from. */
export function sitesIn(text: string): CheckSite[] {
  const out: CheckSite[] = [];
  for (const m of text.matchAll(/(\/[^\s:'"`()]+\.[chS]):(\d+)/g)) {
    const site = { file: m[1]!, line: Number(m[2]) };
    if (!out.some((s) => s.file === site.file && s.line === site.line)) out.push(site);
  }
  return out;
}
