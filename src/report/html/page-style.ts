/**
 * The page's stylesheet, inlined: the report must open from file:// on a machine without
 * network, so nothing is fetched — system fonts, no images but the inline SVG.
 */
export const PAGE_STYLE = `
:root { --ink:#1d232a; --muted:#5b6570; --line:#d9dee3; --bg:#ffffff; --panel:#f6f8fa;
  --pass:#1f7a35; --fail:#b42318; --skip:#8a8f98; --add:#e6f4ea; --add-strong:#aee3bd;
  --del:#fbe9e8; --del-strong:#f3b9b4; --error:#b42318; --warning:#9a6700; --note:#3a5f8a; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: var(--bg); }
header.top { padding: 18px 28px 10px; border-bottom: 1px solid var(--line); }
header.top h1 { margin: 0 0 4px; font-size: 20px; }
header.top p { margin: 0; color: var(--muted); }
main { padding: 8px 28px 40px; max-width: 1600px; }
h2 { font-size: 16px; margin: 22px 0 8px; }
h3 { font-size: 14px; margin: 16px 0 6px; }
code, .mono, table.sbs td, .findings .loc { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12.5px; }
.totals { display: flex; flex-wrap: wrap; gap: 10px; margin: 12px 0; padding: 0; list-style: none; }
.totals li { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 6px 12px; }
.totals .count { font-weight: 600; font-size: 16px; margin-right: 4px; }
.totals li.bad .count { color: var(--fail); }
.totals li.good .count { color: var(--pass); }
table.summary { border-collapse: collapse; width: 100%; }
table.summary th, table.summary td { text-align: left; padding: 5px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
table.summary th { font-weight: 600; color: var(--muted); font-size: 12.5px; }
table.summary td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.summary tbody tr { cursor: pointer; }
table.summary tbody tr:hover { background: var(--panel); }
table.summary tbody tr.selected { background: #e8f0fb; }
.kind { display: inline-block; padding: 0 7px; border-radius: 9px; border: 1px solid; font-size: 12px; }
.verdict.pass { color: var(--pass); font-weight: 600; }
.verdict.fail { color: var(--fail); font-weight: 600; }
.verdict.none { color: var(--skip); }
.sev-error { color: var(--error); font-weight: 600; }
.sev-warning { color: var(--warning); font-weight: 600; }
.sev-note { color: var(--note); }
.graph-wrap { overflow-x: auto; border: 1px solid var(--line); border-radius: 6px; padding: 8px; background: #fff; }
svg.graph text { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; text-anchor: middle; }
svg.graph text.name { font-size: 13px; font-weight: 600; fill: var(--ink); }
svg.graph text.sub { font-size: 11px; }
svg.graph tspan.pass { fill: var(--pass); }
svg.graph tspan.fail { fill: var(--fail); }
svg.graph .node rect { stroke-width: 1.5; }
svg.graph .node.builtin rect { stroke-dasharray: 5 3; }
svg.graph .node.external rect { stroke-dasharray: 1.5 3; }
svg.graph .node[data-ok="false"] rect { stroke: var(--fail); stroke-width: 2.5; }
svg.graph a:hover rect { filter: brightness(0.95); stroke-width: 2.5; }
svg.graph .edge { fill: none; stroke: #6b7580; stroke-width: 1.4; }
svg.graph .edge.cycle { stroke: var(--fail); stroke-dasharray: 4 3; }
svg.graph marker path { fill: #6b7580; }
ul.legend { list-style: none; padding: 0; margin: 8px 0 0; display: flex; flex-wrap: wrap; gap: 14px; color: var(--muted); font-size: 12.5px; }
ul.legend .swatch { display: inline-block; width: 14px; height: 12px; border: 1.5px solid; border-radius: 3px; margin-right: 5px; vertical-align: -1px; }
ul.legend .swatch.builtin { border-style: dashed; border-color: #555; background: #eee; }
ul.legend .swatch.external { border-style: dotted; border-color: #555; background: #eee; }
ul.legend .arrow { margin-right: 5px; }
.hint { color: var(--muted); }
article.module { border-top: 2px solid var(--line); margin-top: 26px; padding-top: 4px; }
article.module > h2 { font-size: 18px; }
article.module .facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 0; }
article.module .facts dt { color: var(--muted); }
article.module .facts dd { margin: 0; }
ul.findings, ul.checks, ul.files { list-style: none; padding: 0; margin: 0; }
ul.notes { margin: 4px 0 8px; padding-left: 18px; color: var(--warning); }
ul.findings li { padding: 4px 0; border-bottom: 1px dashed var(--line); }
ul.findings .code { color: var(--muted); }
ul.checks > li { border: 1px solid var(--line); border-radius: 6px; margin: 6px 0; background: var(--panel); }
ul.checks summary { cursor: pointer; padding: 6px 10px; }
ul.checks .body { padding: 0 12px 8px 28px; }
ul.checks .body ul { margin: 4px 0; padding-left: 18px; }
ul.checks .time { color: var(--muted); font-size: 12px; margin-left: 8px; }
ul.checks li.fail { border-color: var(--del-strong); background: #fff7f6; }
.file { margin: 14px 0; }
.file h4 { margin: 0; padding: 6px 10px; background: var(--panel); border: 1px solid var(--line); border-bottom: 0; border-radius: 6px 6px 0 0; font-weight: 600; font-size: 13px; }
.file h4 .status { font-weight: 400; color: var(--muted); margin-left: 6px; }
.file .stat .a { color: var(--pass); } .file .stat .r { color: var(--fail); }
table.sbs { width: 100%; border-collapse: collapse; table-layout: fixed; border: 1px solid var(--line); }
table.sbs col.ln { width: 46px; }
table.sbs th { background: var(--panel); font-weight: 400; color: var(--muted); font-size: 12px; text-align: left; padding: 3px 8px; border-bottom: 1px solid var(--line); }
table.sbs td { white-space: pre-wrap; overflow-wrap: anywhere; tab-size: 8; -moz-tab-size: 8; padding: 0 8px; vertical-align: top; }
table.sbs td.ln { text-align: right; color: #8a929b; user-select: none; padding: 0 6px; white-space: nowrap; }
table.sbs td:nth-child(2) { border-right: 1px solid var(--line); }
table.sbs td.del { background: var(--del); } table.sbs td.add { background: var(--add); }
table.sbs td.empty { background: #f3f4f6; }
table.sbs del { background: var(--del-strong); text-decoration: none; }
table.sbs ins { background: var(--add-strong); text-decoration: none; }
table.sbs tr.skip td { background: #eef2f6; color: var(--muted); text-align: center; font-style: italic; }
p.same-content { color: var(--muted); border: 1px solid var(--line); margin: 0; padding: 6px 10px; }
@media print { article.module[hidden] { display: block; } table.summary tbody tr { cursor: auto; } }
`;
