/**
 * The HTML report: one self-contained page (style, script and graph inline, nothing fetched),
 * which opens from the file system. The summary table comes first, then the dependency graph,
 * then a section per module: its facts, validation checks, findings and side-by-side diffs.
 */
import type { FileChange } from '../../migrate/convert.ts';
import type { CheckResult } from '../../validate/result.ts';
import { esc } from './escape.ts';
import { kindColour, renderGraph } from './graph-svg.ts';
import { fileStatus, type Report, type ReportFinding, type ReportModule, type ReportSummary } from './model.ts';
import { PAGE_SCRIPT } from './page-script.ts';
import { PAGE_STYLE } from './page-style.ts';
import { renderSideBySide } from './side-by-side.ts';
import { relativeTo } from '../../source/relative.ts';

export interface PageOptions {
  /** Paths in the changes are absolute; they are shown relative to this directory. */
  cwd: string;
}

export function renderPage(report: Report, opts: PageOptions): string {
  const { json } = report;
  const rel = relativeTo(opts.cwd);
  const title = `lkm2mod report: ${json.paths.join(' ')}`;
  const treeSection = json.findings.length || report.treeChanges.length || json.unvalidated.length;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<header class="top">
<h1>lkm2mod migration report</h1>
<p>${json.paths.map((p) => `<code>${esc(p)}</code>`).join(' ')}: every LKM converted to a module(9) module, and what the simulated kernel made of each.</p>
</header>
<main>
<section id="summary">
<h2>Summary</h2>
${totals(json.summary)}
${json.validationError ? `<p class="sev-error">Validation could not run: ${esc(json.validationError)}. This is a fault in lkm2mod; the conversion below was not checked.</p>` : ''}
${summaryTable(json.modules)}
${treeSection ? `<p>Changes and findings that belong to no single module: <a href="#tree" data-target="tree">tree-wide</a>.</p>` : ''}
</section>
<section id="dependencies">
<h2>Module dependencies</h2>
<p class="hint">An arrow goes from a module to each module it requires (MODULE()'s required list, inferred by convert from the symbols each module uses). Modules that neither require nor are required stand in the rows below the graph.</p>
<div class="graph-wrap">${renderGraph(json.graph.nodes, json.graph.edges)}</div>
</section>
<p id="pick-hint" class="hint">${json.modules.length ? 'Choose a module in the table or the graph to see its diff, findings and validation checks (<a href="#all">show all</a>).' : ''}</p>
${json.modules.map((m) => moduleSection(m, report.changes.get(m.id) ?? [], rel)).join('\n')}
${treeSection ? treeArticle(json.findings, json.unvalidated, report.treeChanges, rel) : ''}
</main>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}

function totals(s: ReportSummary): string {
  const item = (key: string, count: number, label: string, tone = '') =>
    `<li data-summary="${key}"${tone ? ` class="${tone}"` : ''}><span class="count">${count}</span>${esc(label)}</li>`;
  const v = s.validation;
  return `<ul class="totals">${[
    item('modules', s.modules, s.modules === 1 ? 'module' : 'modules'),
    item('converted', s.converted, 'converted'),
    s.notConverted ? item('not-converted', s.notConverted, 'not converted', 'bad') : '',
    s.alreadyModules ? item('module9', s.alreadyModules, 'already module(9)') : '',
    item('files', s.filesChanged, s.filesChanged === 1 ? 'file changed' : 'files changed'),
    item('passed', v.passed, 'validated', v.passed ? 'good' : ''),
    item('failed', v.failed, 'failed validation', v.failed ? 'bad' : ''),
    v.notValidated ? item('not-validated', v.notValidated, 'not validated') : '',
    item('errors', s.findings.error, s.findings.error === 1 ? 'error' : 'errors', s.findings.error ? 'bad' : ''),
    item('warnings', s.findings.warning, s.findings.warning === 1 ? 'warning' : 'warnings'),
    item('notes', s.findings.note, s.findings.note === 1 ? 'note' : 'notes'),
  ].join('')}</ul>`;
}

function summaryTable(modules: ReportModule[]): string {
  if (modules.length === 0) {
    return '<p class="empty">No LKM and no module(9) module was found under the paths given: there is nothing to convert or validate.</p>';
  }
  const rows = modules.map((m) => {
    const id = m.id;
    const added = m.files.reduce((n, f) => n + f.added, 0);
    const removed = m.files.reduce((n, f) => n + f.removed, 0);
    const count = (sev: string) => m.findings.filter((f) => f.severity === sev).length;
    return (
      `<tr data-target="${id}" data-module="${esc(m.name)}" data-status="${esc(m.status)}">` +
      `<td><a href="#${id}"><code>${esc(m.name)}</code></a></td>` +
      `<td>${kindBadge(m.kind)}</td>` +
      `<td>${m.class ? `<code>${esc(m.class)}</code>` : '–'}</td>` +
      `<td>${esc(statusText(m))}</td>` +
      `<td>${m.required.length ? m.required.map((r) => `<code>${esc(r.module)}</code>`).join(', ') : '–'}</td>` +
      `<td class="num">${m.files.length}</td>` +
      `<td class="num"><span class="a">+${added}</span> <span class="r">−${removed}</span></td>` +
      `<td class="num" data-errors="${count('error')}" data-warnings="${count('warning')}" data-notes="${count('note')}">${findingCounts(count)}</td>` +
      `<td>${verdict(m)}</td></tr>`
    );
  });
  return (
    '<table class="summary"><thead><tr><th>Module</th><th>Kind</th><th>Class</th><th>Status</th><th>Requires</th>' +
    '<th class="num">Files</th><th class="num">Lines</th><th class="num">Findings</th><th>Validation</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table>`
  );
}

function findingCounts(count: (severity: string) => number): string {
  const parts = (['error', 'warning', 'note'] as const)
    .filter((sev) => count(sev) > 0)
    .map((sev) => `<span class="sev-${sev}" title="${sev}s">${count(sev)} ${sev}${count(sev) === 1 ? '' : 's'}</span>`);
  return parts.length ? parts.join(' ') : '–';
}

function statusText(m: ReportModule): string {
  if (m.status === 'converted') return m.from === m.dir ? 'converted in place' : 'converted, moved';
  if (m.status === 'not-converted') return 'not converted';
  return 'already module(9)';
}

function kindBadge(kind: string): string {
  const c = kindColour(kind);
  return `<span class="kind" style="background:${c.fill};border-color:${c.ink};color:${c.ink}">${esc(kind)}</span>`;
}

function verdict(m: ReportModule): string {
  const v = m.validation;
  if (!v) return '<span class="verdict none">not validated</span>';
  const ran = v.checks.filter((c) => !c.skipped);
  if (v.ok) return `<span class="verdict pass" data-ok="true">✓ ${ran.length} check${ran.length === 1 ? '' : 's'}</span>`;
  const failed = ran.filter((c) => !c.ok).map((c) => c.name);
  return `<span class="verdict fail" data-ok="false">✗ ${esc(failed.join(', ') || 'failed')}</span>`;
}

function moduleSection(m: ReportModule, changes: FileChange[], rel: (p: string) => string): string {
  const id = m.id;
  const facts: [string, string][] = [];
  if (m.lkm !== null) facts.push(['LKM', `<code>${esc(m.from)}</code> (${esc(m.lkm)})`]);
  facts.push(['module(9)', `<code>${esc(m.dir)}</code>${m.class ? `, <code>MODULE_CLASS_${esc(m.class)}</code>` : ''}`]);
  if (m.renamedFrom) facts.push(['renamed', `from “${esc(m.renamedFrom)}”`]);
  facts.push([
    'requires',
    m.required.length
      ? m.required.map((r) => `<code>${esc(r.module)}</code>: ${esc(r.reason)}`).join('<br>')
      : 'nothing (MODULE() names no requisite)',
  ]);
  return `<article class="module" id="${id}" data-module="${esc(m.name)}">
<h2><code>${esc(m.name)}</code> ${kindBadge(m.kind)} ${verdict(m)}</h2>
<dl class="facts">${facts.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('')}</dl>
<h3>Validation</h3>
${validationSection(m)}
<h3>Findings (${m.findings.length})</h3>
${findingsList(m.findings)}
<h3>Changes (${changes.length} file${changes.length === 1 ? '' : 's'})</h3>
${changes.length ? changes.map((c) => fileSection(c, rel)).join('\n') : `<p class="hint">${m.status === 'module(9)' ? 'Already a module(9) module: nothing to convert.' : 'Nothing was changed: see the findings for why.'}</p>`}
</article>`;
}

function validationSection(m: ReportModule): string {
  if (!m.validation) {
    return `<p class="hint">Not validated${m.status === 'not-converted' ? ': the module was not converted' : ''}.</p>`;
  }
  const notes = m.validation.notes.map((n) => `<li>${esc(n)}</li>`).join('');
  return `${notes ? `<ul class="notes">${notes}</ul>` : ''}<ul class="checks">${m.validation.checks.map(checkItem).join('')}</ul>`;
}

function checkItem(c: CheckResult): string {
  const state = c.skipped ? 'skipped' : c.ok ? 'pass' : 'fail';
  const mark = c.skipped ? '–' : c.ok ? '✓' : '✗';
  const list = (items: string[]) => `<ul>${items.map((d) => `<li>${esc(d)}</li>`).join('')}</ul>`;
  const body = [
    c.details.length ? list(c.details) : '<p class="hint">No details.</p>',
    c.warnings?.length ? `<p class="sev-warning">Warnings</p>${list(c.warnings)}` : '',
    c.sites?.length ? `<p>At: ${c.sites.map((s) => `<code>${esc(s.file)}:${s.line}</code>`).join(', ')}</p>` : '',
  ].join('');
  return (
    `<li class="check ${state}" data-check="${esc(c.name)}" data-state="${state}"><details${state === 'fail' ? ' open' : ''}>` +
    `<summary><span class="verdict ${state === 'skipped' ? 'none' : state}">${mark}</span> ${esc(c.name)}${c.skipped ? ' (skipped)' : ''}` +
    `${c.warnings?.length ? ` <span class="sev-warning">${c.warnings.length} warning${c.warnings.length === 1 ? '' : 's'}</span>` : ''}` +
    `<span class="time">${formatMs(c.timeMs)}</span></summary><div class="body">${body}</div></details></li>`
  );
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

function findingsList(findings: ReportFinding[]): string {
  if (findings.length === 0) return '<p class="hint">None.</p>';
  return `<ul class="findings">${findings
    .map(
      (f) =>
        `<li class="finding" data-severity="${f.severity}"><span class="loc">${esc(f.line > 0 ? `${f.file}:${f.line}` : f.file)}</span> ` +
        `<span class="sev-${f.severity}">${f.severity}</span> ${esc(f.message)} <span class="code">[${esc(f.code)}]</span></li>`,
    )
    .join('')}</ul>`;
}

function fileSection(c: FileChange, rel: (p: string) => string): string {
  const status = fileStatus(c);
  const what = status === 'renamed' ? `renamed from ${rel(c.oldPath!)}` : status === 'added' ? 'new file' : status === 'deleted' ? 'deleted' : 'modified';
  return `<div class="file" data-path="${esc(rel(c.path))}" data-status="${status}">
<h4><code>${esc(rel(c.path))}</code><span class="status">${esc(what)}</span></h4>
${renderSideBySide(c)}
</div>`;
}

function treeArticle(findings: ReportFinding[], unvalidated: string[], changes: FileChange[], rel: (p: string) => string): string {
  return `<article class="module tree" id="tree">
<h2>Tree-wide</h2>
<p class="hint">Files no single module owns — SUBDIR lists, the sys/modules Makefiles, kernel sources and headers the converted modules share — and findings about no module.</p>
${unvalidated.length ? `<h3>Not validated (${unvalidated.length})</h3><ul class="notes">${unvalidated.map((u) => `<li>${esc(u)}</li>`).join('')}</ul>` : ''}
<h3>Findings (${findings.length})</h3>
${findingsList(findings)}
<h3>Changes (${changes.length} file${changes.length === 1 ? '' : 's'})</h3>
${changes.map((c) => fileSection(c, rel)).join('\n')}
</article>`;
}
