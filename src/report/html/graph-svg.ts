/**
 * The module dependency graph as inline SVG: a box per module, an arrow from each module to
 * each module it requires. Fill says the LKM kind; a dashed outline says built into the kernel
 * (it cannot be loaded or unloaded), a dotted one says found nowhere in this tree; a tick or a
 * cross says how validation went. A tree module's box links to its section of the page.
 */
import type { GraphEdge, GraphNode } from './model.ts';
import { layeredLayout, type Point } from './layered-layout.ts';
import { esc } from './escape.ts';

/** Fill and ink per kind: Tableau 10, readable on white and in grey print. */
export const KIND_COLOURS: Record<string, { fill: string; ink: string }> = {
  syscall: { fill: '#dbe6f1', ink: '#2f5d8a' },
  vfs: { fill: '#dcefd9', ink: '#3b7a34' },
  dev: { fill: '#fde5cc', ink: '#b1600f' },
  exec: { fill: '#f9dbdc', ink: '#b2363a' },
  compat: { fill: '#efe1ec', ink: '#7d4e73' },
  misc: { fill: '#ebe2db', ink: '#6d5040' },
  drv: { fill: '#fbf1cc', ink: '#8a7413' },
  strmod: { fill: '#dff0ef', ink: '#3f7f7a' },
  driver: { fill: '#fde5cc', ink: '#b1600f' },
  unknown: { fill: '#eeeeee', ink: '#555555' },
};

const CHAR_WIDTH = 7.8; // 13px monospace
const NODE_HEIGHT = 40;
const PADDING = 14;

export function kindColour(kind: string): { fill: string; ink: string } {
  return KIND_COLOURS[kind] ?? KIND_COLOURS.unknown!;
}

export function renderGraph(nodes: GraphNode[], edges: GraphEdge[]): string {
  if (nodes.length === 0) return '<p class="empty">No modules, so no dependencies to draw.</p>';
  const sorted = [...nodes].sort((a, b) => a.name.localeCompare(b.name));
  const sub = (n: GraphNode) => (n.origin === 'builtin' ? `${n.kind} · built-in` : n.origin === 'external' ? 'not in this tree' : n.kind);
  const layout = layeredLayout({
    nodes: sorted.map((n) => ({
      id: n.name,
      width: Math.ceil(Math.max(n.name.length + (n.ok === null ? 0 : 2), sub(n).length * 0.85) * CHAR_WIDTH + 2 * PADDING),
      height: NODE_HEIGHT,
    })),
    edges: edges.map((e) => ({ from: e.from, to: e.to })),
  });
  const byName = new Map(sorted.map((n) => [n.name, n]));
  const reasons = new Map<string, string[]>();
  for (const e of edges) reasons.set(`${e.from}\0${e.to}`, [...(reasons.get(`${e.from}\0${e.to}`) ?? []), e.reason]);

  const edgeSvg = layout.edges.map((e) => {
    const why = reasons.get(`${e.from}\0${e.to}`) ?? [];
    return (
      `<path class="edge${e.reversed ? ' cycle' : ''}" data-from="${esc(e.from)}" data-to="${esc(e.to)}" d="${curve(e.points)}" marker-end="url(#arrow)">` +
      `<title>${esc(`${e.from} requires ${e.to}: ${why.join('; ')}`)}</title></path>`
    );
  });
  const nodeSvg = layout.nodes.map((p) => {
    const n = byName.get(p.id)!;
    const c = kindColour(n.kind);
    const mark = n.ok === null ? '' : n.ok ? ' <tspan class="pass">✓</tspan>' : ' <tspan class="fail">✗</tspan>';
    const box =
      `<g class="node ${n.origin}" data-module="${esc(n.name)}" data-kind="${esc(n.kind)}" data-origin="${n.origin}"` +
      `${n.ok === null ? '' : ` data-ok="${n.ok}"`} transform="translate(${p.x},${p.y})">` +
      `<title>${esc(`${n.name}: ${sub(n)}${n.ok === null ? '' : n.ok ? ', validation passed' : ', validation failed'}`)}</title>` +
      `<rect width="${p.width}" height="${p.height}" rx="6" fill="${c.fill}" stroke="${c.ink}"/>` +
      `<text x="${p.width / 2}" y="17" class="name">${esc(n.name)}${mark}</text>` +
      `<text x="${p.width / 2}" y="32" class="sub" fill="${c.ink}">${esc(sub(n))}</text></g>`;
    return n.id ? `<a href="#${n.id}">${box}</a>` : box;
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="graph" role="img" aria-label="Module dependency graph" ` +
    `width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}">` +
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">' +
    '<path d="M0,0 L10,5 L0,10 z"/></marker></defs>' +
    `<g class="edges">${edgeSvg.join('')}</g><g class="nodes">${nodeSvg.join('')}</g></svg>` +
    legend(sorted)
  );
}

/** A path through the points: straight down a chain of dummies, eased at each bend. */
function curve(points: Point[]): string {
  const [first, ...rest] = points;
  let d = `M${r(first!.x)},${r(first!.y)}`;
  let prev = first!;
  for (const p of rest) {
    const mid = (prev.y + p.y) / 2;
    d += ` C${r(prev.x)},${r(mid)} ${r(p.x)},${r(mid)} ${r(p.x)},${r(p.y)}`;
    prev = p;
  }
  return d;
}

function r(n: number): string {
  return String(Math.round(n * 10) / 10);
}

function legend(nodes: GraphNode[]): string {
  const kinds = [...new Set(nodes.map((n) => n.kind))].sort();
  const items = kinds.map((k) => {
    const c = kindColour(k);
    return `<li><span class="swatch" style="background:${c.fill};border-color:${c.ink}"></span>${esc(k)}</li>`;
  });
  if (nodes.some((n) => n.origin === 'builtin')) items.push('<li><span class="swatch builtin"></span>built into the kernel</li>');
  if (nodes.some((n) => n.origin === 'external')) items.push('<li><span class="swatch external"></span>required, not in this tree</li>');
  items.push('<li><span class="arrow">→</span>requires</li>');
  return `<ul class="legend">${items.join('')}</ul>`;
}
