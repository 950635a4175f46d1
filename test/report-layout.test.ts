/**
 * The pieces of the HTML report a reviewer reads: the dependency graph's layout (requisites
 * below, no boxes on top of each other, no needless crossings) and the side-by-side diff (each
 * line beside the one it replaced, with the right numbers).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countCrossings, layeredLayout, type Layout } from '../src/report/html/layered-layout.ts';
import { sideBySide } from '../src/report/html/side-by-side.ts';
import { anchor, esc } from '../src/report/html/escape.ts';

const box = (id: string) => ({ id, width: 80, height: 40 });

function nodeAt(layout: Layout, id: string) {
  const n = layout.nodes.find((x) => x.id === id);
  assert.ok(n, `${id} placed`);
  return n;
}

function overlaps(layout: Layout): string[] {
  const out: string[] = [];
  for (const a of layout.nodes) {
    for (const b of layout.nodes) {
      if (a.id >= b.id) continue;
      if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height) out.push(`${a.id}/${b.id}`);
    }
  }
  return out;
}

test('a module is drawn above every module it requires, and requisites share the bottom row', () => {
  // exec_linux_elf32 → compat_linux → sysvmsg, null → layerfs, as convert infers for sample-lkm.
  const layout = layeredLayout({
    nodes: ['compat_linux', 'exec_linux_elf32', 'layerfs', 'md', 'null', 'sysvmsg'].map(box),
    edges: [
      { from: 'compat_linux', to: 'sysvmsg' },
      { from: 'exec_linux_elf32', to: 'compat_linux' },
      { from: 'null', to: 'layerfs' },
    ],
  });
  for (const [upper, lower] of [['exec_linux_elf32', 'compat_linux'], ['compat_linux', 'sysvmsg'], ['null', 'layerfs']]) {
    assert.ok(nodeAt(layout, upper!).y + 40 <= nodeAt(layout, lower!).y, `${upper} above ${lower}`);
  }
  assert.equal(nodeAt(layout, 'sysvmsg').y, nodeAt(layout, 'layerfs').y, 'sinks on one row');
  // md requires nothing and nothing requires it: below the graph, not in its rows.
  assert.equal(nodeAt(layout, 'md').layer, -1);
  assert.ok(nodeAt(layout, 'md').y > nodeAt(layout, 'sysvmsg').y);
  assert.deepEqual(overlaps(layout), []);
  for (const n of layout.nodes) {
    assert.ok(n.x >= 0 && n.x + n.width <= layout.width && n.y >= 0 && n.y + n.height <= layout.height, `${n.id} inside the picture`);
  }
  // Each edge leaves the bottom of its module and ends on top of the requisite.
  for (const e of layout.edges) {
    const from = nodeAt(layout, e.from);
    const to = nodeAt(layout, e.to);
    assert.equal(e.points[0]!.y, from.y + from.height);
    assert.equal(e.points.at(-1)!.y, to.y);
  }
});

test('an edge across several layers bends around the layers between, one point per layer', () => {
  const layout = layeredLayout({
    nodes: ['a', 'b', 'c', 'd'].map(box),
    edges: [
      { from: 'a', to: 'b' },
      { from: 'b', to: 'c' },
      { from: 'c', to: 'd' },
      { from: 'a', to: 'd' },
    ],
  });
  const long = layout.edges.find((e) => e.from === 'a' && e.to === 'd')!;
  assert.equal(long.points.length, 4, 'start, two bends, end');
  const ys = long.points.map((p) => p.y);
  assert.deepEqual([...ys].sort((x, y) => x - y), ys, 'always downwards');
  assert.deepEqual(overlaps(layout), []);
});

test('the order within layers removes crossings that the input order would cause', () => {
  // Input order pairs a1 with b2 and a2 with b1: drawn as given, the two edges cross.
  const input = {
    nodes: ['a1', 'a2', 'b2', 'b1'].map(box),
    edges: [
      { from: 'a1', to: 'b1' },
      { from: 'a2', to: 'b2' },
    ],
  };
  assert.equal(countCrossings([[{ id: 'a1' }, { id: 'a2' }], [{ id: 'b2' }, { id: 'b1' }]], [['a1', 'b1'], ['a2', 'b2']]), 1);
  const layout = layeredLayout(input);
  const x = (id: string) => nodeAt(layout, id).x;
  assert.equal(Math.sign(x('a1') - x('a2')), Math.sign(x('b1') - x('b2')), 'the edges do not cross');
});

test('a cycle of requisites is drawn (one edge against the flow), not looped over', () => {
  const layout = layeredLayout({
    nodes: ['a', 'b', 'c'].map(box),
    edges: [
      { from: 'a', to: 'b' },
      { from: 'b', to: 'c' },
      { from: 'c', to: 'a' },
    ],
  });
  assert.equal(layout.edges.length, 3);
  assert.equal(layout.edges.filter((e) => e.reversed).length, 1);
  assert.deepEqual(overlaps(layout), []);
});

test('unconnected modules wrap into rows instead of one endless row', () => {
  const ids = Array.from({ length: 30 }, (_, i) => `m${String(i).padStart(2, '0')}`);
  const layout = layeredLayout({ nodes: ids.map(box), edges: [] }, { minWidth: 640 });
  const rows = new Set(layout.nodes.map((n) => n.y));
  assert.ok(rows.size > 1);
  assert.ok(layout.width <= 640 + 2 * 16 + 80, `width ${layout.width}`);
  assert.deepEqual(overlaps(layout), []);
});

test('side by side: a rewritten line sits beside what it replaced, numbered on each side', () => {
  const before = 'a\nb\nold one\nold two\nc\n';
  const after = 'a\nb\nnew one\nc\nadded\n';
  const rows = sideBySide(before, after, 1);
  const changes = rows.filter((r) => r.kind === 'change');
  assert.deepEqual(changes, [
    { kind: 'change', old: 3, oldText: 'old one', new: 3, newText: 'new one' },
    { kind: 'change', old: 4, oldText: 'old two', new: null, newText: null },
    { kind: 'change', old: null, oldText: null, new: 5, newText: 'added' },
  ]);
  // One line of context: line 1 is left out and said to be.
  assert.deepEqual(rows[0], { kind: 'skip', lines: 1, old: 1, new: 1 });
});

test('side by side: a new file has only a right side, numbered from 1', () => {
  const rows = sideBySide('', 'x\ny\n');
  assert.deepEqual(rows, [
    { kind: 'change', old: null, oldText: null, new: 1, newText: 'x' },
    { kind: 'change', old: null, oldText: null, new: 2, newText: 'y' },
  ]);
});

test('side by side: unchanged lines after the last hunk are counted, not lost', () => {
  const text = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
  const rows = sideBySide(text, text.replace('line 2\n', 'line two\n'), 2);
  assert.deepEqual(rows.at(-1), { kind: 'skip', lines: 16, old: 5, new: 5 });
});

test('what comes from the tree is escaped, and anchors are unique per name', () => {
  assert.equal(esc(`<script>"x" & 'y'`), '&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;');
  assert.notEqual(anchor('module', 'a-b'), anchor('module', 'a_b'));
  assert.match(anchor('module', 'lm.isa/x'), /^[A-Za-z0-9_-]+$/);
});
