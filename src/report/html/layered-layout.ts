/**
 * A small layered (Sugiyama-style) layout for the module dependency graph: a module above the
 * modules it requires, edges pointing down. Dependency graphs of kernel modules are small and
 * shallow, so the classic steps in their simplest sound form are enough:
 *
 *   1. cycles broken by reversing the back edges a depth-first search finds (convert should
 *      never infer a cycle, but the kernel refuses one at load time, so draw it, do not hang);
 *   2. layers by longest path to a sink, so every requisite without requisites of its own sits
 *      on the bottom row;
 *   3. a dummy node wherever an edge crosses a layer, so long edges route around nodes;
 *   4. order within layers by repeated barycenter sweeps, keeping the order with fewest crossings;
 *   5. coordinates: each layer centred, nodes in their order.
 *
 * Nodes with no edge at all (most converted modules stand alone) would make one very wide row;
 * they are laid out in rows of their own below the graph, wrapped at the graph's width.
 */

export interface LayoutInput {
  nodes: { id: string; width: number; height: number }[];
  /** `from` is drawn above `to`. */
  edges: { from: string; to: string }[];
}

export interface LayoutOptions {
  /** Vertical space between layers. */
  layerGap?: number;
  /** Horizontal space between nodes of a layer. */
  nodeGap?: number;
  /** Margin around everything. */
  margin?: number;
  /** Rows of unconnected nodes wrap at this width (or the graph's, if wider). */
  minWidth?: number;
}

export interface Point {
  x: number;
  y: number;
}

export interface PlacedNode {
  id: string;
  /** Top-left corner. */
  x: number;
  y: number;
  width: number;
  height: number;
  /** Row from the top; -1 for the unconnected nodes below the graph. */
  layer: number;
}

export interface PlacedEdge {
  from: string;
  to: string;
  /** From the bottom of `from` to the top of `to` (the other way round when reversed). */
  points: Point[];
  /** The edge closed a cycle and was drawn against the flow. */
  reversed: boolean;
}

export interface Layout {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  width: number;
  height: number;
}

interface Vertex {
  id: string;
  width: number;
  height: number;
  layer: number;
  dummy: boolean;
  /** Position within the layer while ordering. */
  order: number;
  x: number;
}

export function layeredLayout(input: LayoutInput, opts: LayoutOptions = {}): Layout {
  const layerGap = opts.layerGap ?? 56;
  const nodeGap = opts.nodeGap ?? 24;
  const margin = opts.margin ?? 16;
  const ids = new Set(input.nodes.map((n) => n.id));
  const edges = dedupeEdges(input.edges.filter((e) => ids.has(e.from) && ids.has(e.to) && e.from !== e.to));
  const connected = new Set(edges.flatMap((e) => [e.from, e.to]));

  const flow = breakCycles([...connected], edges);
  const layerOf = longestPathLayers([...connected], flow);
  const depth = Math.max(-1, ...layerOf.values());

  // Vertices per layer, top (layer 0) to bottom, with dummies on long edges.
  const vertices = new Map<string, Vertex>();
  for (const n of input.nodes) {
    if (!connected.has(n.id)) continue;
    vertices.set(n.id, { id: n.id, width: n.width, height: n.height, layer: depth - layerOf.get(n.id)!, dummy: false, order: 0, x: 0 });
  }
  const chains: { edge: (typeof flow)[number]; path: string[] }[] = [];
  const links: [string, string][] = [];
  for (const e of flow) {
    const path = [e.top];
    const top = vertices.get(e.top)!;
    const bottom = vertices.get(e.bottom)!;
    for (let l = top.layer + 1; l < bottom.layer; l++) {
      const id = `\0${e.top}\0${e.bottom}\0${l}`;
      vertices.set(id, { id, width: 0, height: 0, layer: l, dummy: true, order: 0, x: 0 });
      path.push(id);
    }
    path.push(e.bottom);
    for (let i = 0; i + 1 < path.length; i++) links.push([path[i]!, path[i + 1]!]);
    chains.push({ edge: e, path });
  }
  const layers: Vertex[][] = Array.from({ length: depth + 1 }, () => []);
  // Initial order: input order, which callers make meaningful (sorted names).
  for (const v of vertices.values()) layers[v.layer]!.push(v);
  orderLayers(layers, links);

  // Coordinates.
  const rowHeight = layers.map((row) => Math.max(0, ...row.map((v) => v.height)));
  const rowWidth = (row: Vertex[]) => row.reduce((w, v) => w + v.width, 0) + nodeGap * Math.max(0, row.length - 1);
  const graphWidth = Math.max(0, ...layers.map(rowWidth));
  const loose = input.nodes.filter((n) => !connected.has(n.id));
  const looseWidth = loose.reduce((w, n) => w + n.width, 0) + nodeGap * Math.max(0, loose.length - 1);
  const width = Math.max(graphWidth, Math.min(looseWidth, Math.max(graphWidth, opts.minWidth ?? 640)));

  const placed: PlacedNode[] = [];
  const centre = new Map<string, Point & { top: number; bottom: number }>();
  let y = margin;
  layers.forEach((row, l) => {
    let x = margin + (width - rowWidth(row)) / 2;
    for (const v of row) {
      v.x = x;
      const h = v.dummy ? rowHeight[l]! : v.height;
      const top = y + (rowHeight[l]! - h) / 2;
      centre.set(v.id, { x: x + v.width / 2, y: top + h / 2, top, bottom: top + h });
      if (!v.dummy) placed.push({ id: v.id, x, y: top, width: v.width, height: v.height, layer: l });
      x += v.width + nodeGap;
    }
    y += rowHeight[l]! + layerGap;
  });
  if (layers.length === 0) y = margin;

  // Unconnected nodes, wrapped into rows.
  let x = margin;
  let rowTop = y;
  let rowH = 0;
  for (const n of loose) {
    if (x > margin && x + n.width > margin + width) {
      x = margin;
      rowTop += rowH + nodeGap;
      rowH = 0;
    }
    placed.push({ id: n.id, x, y: rowTop, width: n.width, height: n.height, layer: -1 });
    x += n.width + nodeGap;
    rowH = Math.max(rowH, n.height);
  }
  const bottom = loose.length ? rowTop + rowH : y - (layers.length ? layerGap : 0);

  const placedEdges: PlacedEdge[] = chains.map(({ edge, path }) => {
    const points = path.map((id, i) => {
      const c = centre.get(id)!;
      if (i === 0) return { x: c.x, y: c.bottom };
      if (i === path.length - 1) return { x: c.x, y: c.top };
      return { x: c.x, y: c.y };
    });
    if (edge.reversed) points.reverse();
    return { from: edge.from, to: edge.to, points, reversed: edge.reversed };
  });

  // Keep input order for nodes, so callers can zip them back.
  const index = new Map(input.nodes.map((n, i) => [n.id, i]));
  placed.sort((a, b) => index.get(a.id)! - index.get(b.id)!);
  return { nodes: placed, edges: placedEdges, width: width + 2 * margin, height: bottom + margin };
}

/** Edge crossings between consecutive layers, for a given order. */
export function countCrossings(layers: { id: string }[][], links: [string, string][]): number {
  const pos = new Map<string, { layer: number; at: number }>();
  layers.forEach((row, l) => row.forEach((v, i) => pos.set(v.id, { layer: l, at: i })));
  let crossings = 0;
  for (let l = 0; l + 1 < layers.length; l++) {
    const between = links
      .map(([a, b]) => [pos.get(a)!, pos.get(b)!] as const)
      .filter(([a, b]) => a.layer === l && b.layer === l + 1)
      .map(([a, b]) => [a.at, b.at] as const);
    for (let i = 0; i < between.length; i++) {
      for (let j = i + 1; j < between.length; j++) {
        const [a1, b1] = between[i]!;
        const [a2, b2] = between[j]!;
        if ((a1 - a2) * (b1 - b2) < 0) crossings++;
      }
    }
  }
  return crossings;
}

function dedupeEdges(edges: { from: string; to: string }[]): { from: string; to: string }[] {
  const seen = new Set<string>();
  return edges.filter((e) => {
    const k = `${e.from}\0${e.to}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

interface FlowEdge {
  from: string;
  to: string;
  /** Drawn from `top` down to `bottom`. */
  top: string;
  bottom: string;
  reversed: boolean;
}

/** Reverse the edges that close a cycle (back edges of a depth-first search). */
function breakCycles(nodes: string[], edges: { from: string; to: string }[]): FlowEdge[] {
  const out = new Map<string, { from: string; to: string }[]>();
  for (const e of edges) out.set(e.from, [...(out.get(e.from) ?? []), e]);
  const state = new Map<string, 'open' | 'done'>();
  const back = new Set<{ from: string; to: string }>();
  const visit = (start: string) => {
    // Iterative DFS: a deep chain of requisites must not exhaust the stack.
    const stack: { node: string; next: number }[] = [{ node: start, next: 0 }];
    state.set(start, 'open');
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const outgoing = out.get(top.node) ?? [];
      if (top.next >= outgoing.length) {
        state.set(top.node, 'done');
        stack.pop();
        continue;
      }
      const e = outgoing[top.next++]!;
      const s = state.get(e.to);
      if (s === 'open') back.add(e);
      else if (!s) {
        state.set(e.to, 'open');
        stack.push({ node: e.to, next: 0 });
      }
    }
  };
  for (const n of nodes) if (!state.has(n)) visit(n);
  return edges.map((e) =>
    back.has(e) ? { ...e, top: e.to, bottom: e.from, reversed: true } : { ...e, top: e.from, bottom: e.to, reversed: false },
  );
}

/** Layer = longest path down to a sink (0 for a sink). */
function longestPathLayers(nodes: string[], flow: FlowEdge[]): Map<string, number> {
  const below = new Map<string, string[]>();
  for (const e of flow) below.set(e.top, [...(below.get(e.top) ?? []), e.bottom]);
  const layer = new Map<string, number>();
  const height = (start: string): number => {
    const stack: { node: string; next: number; best: number }[] = [{ node: start, next: 0, best: 0 }];
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const kids = below.get(top.node) ?? [];
      if (top.next < kids.length) {
        const kid = kids[top.next++]!;
        const known = layer.get(kid);
        if (known === undefined) stack.push({ node: kid, next: 0, best: 0 });
        else top.best = Math.max(top.best, known + 1);
        continue;
      }
      layer.set(top.node, top.best);
      stack.pop();
      const parent = stack[stack.length - 1];
      if (parent) parent.best = Math.max(parent.best, top.best + 1);
    }
    return layer.get(start)!;
  };
  for (const n of nodes) if (!layer.has(n)) height(n);
  return layer;
}

/** Barycenter sweeps, down then up, keeping the best order seen. */
function orderLayers(layers: Vertex[][], links: [string, string][]): void {
  const up = new Map<string, string[]>();
  const down = new Map<string, string[]>();
  for (const [a, b] of links) {
    down.set(a, [...(down.get(a) ?? []), b]);
    up.set(b, [...(up.get(b) ?? []), a]);
  }
  const position = new Map<string, number>();
  const renumber = (row: Vertex[]) => row.forEach((v, i) => position.set(v.id, i));
  layers.forEach(renumber);
  let best = layers.map((row) => [...row]);
  let fewest = countCrossings(layers, links);
  const sortBy = (row: Vertex[], neighbours: Map<string, string[]>) => {
    const key = new Map<Vertex, number>();
    for (const v of row) {
      const ns = neighbours.get(v.id) ?? [];
      key.set(v, ns.length ? ns.reduce((s, n) => s + position.get(n)!, 0) / ns.length : position.get(v.id)!);
    }
    // Stable: equal barycenters keep their current order.
    row.sort((a, b) => key.get(a)! - key.get(b)!);
    renumber(row);
  };
  for (let sweep = 0; sweep < 8 && fewest > 0; sweep++) {
    if (sweep % 2 === 0) for (let l = 1; l < layers.length; l++) sortBy(layers[l]!, up);
    else for (let l = layers.length - 2; l >= 0; l--) sortBy(layers[l]!, down);
    const c = countCrossings(layers, links);
    if (c < fewest) {
      fewest = c;
      best = layers.map((row) => [...row]);
    }
  }
  best.forEach((row, l) => {
    layers[l] = row;
    renumber(row);
  });
}
