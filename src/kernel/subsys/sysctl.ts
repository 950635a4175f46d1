/**
 * The sysctl tree (kern_sysctl.c): sysctl_createv adds a node along a path of MIB numbers and
 * records it in the caller's sysctllog; sysctl_teardown destroys what a log recorded, newest
 * first. Creating a node that already exists with the same name and number is not an error —
 * the existing node is handed back and not logged, so a module's teardown never removes the
 * kernel's own "vfs" or "kern".
 */
import {
  type Callable,
  type Cell,
  type Value,
  cString,
  field,
  int,
  pointerTo,
  ScalarCell,
  type StructCell,
} from '../machine/memory.ts';
import { constant, maybeConstant, newStruct } from '../abi.ts';
import { errno } from '../errno.ts';
import type { Kernel } from '../kernel.ts';

/** CREATE_BASE: numbers the kernel hands out for CTL_CREATE. */
const CREATE_BASE = 1024;

export interface SysctlNode {
  name: string;
  num: number;
  type: number;
  cell: StructCell;
  parent: SysctlNode | null;
  children: SysctlNode[];
  func: Callable | null;
  /** The module that created it; null for the kernel's own. */
  owner: string | null;
}

/** A sysctllog: what one subsystem created, to be torn down together. */
interface SysctlLog {
  nodes: SysctlNode[];
}

export interface CreateRequest {
  /** Where the path starts: NULL for the root, else *rnode. */
  root: SysctlNode | null;
  path: number[];
  name: string;
  type: number;
  flags: number;
  func: Callable | null;
  desc: string | null;
}

export class SysctlTree {
  readonly root: SysctlNode;
  private readonly byCell = new Map<Cell, SysctlNode>();
  private readonly logs = new Map<Cell, SysctlLog>();

  constructor(private readonly k: Kernel) {
    this.root = this.newNode('', 0, constant('CTLTYPE_NODE'), null, null);
  }

  /** The top-level nodes every kernel has. */
  boot(): void {
    const tops: [string, string][] = [
      ['kern', 'CTL_KERN'], ['vm', 'CTL_VM'], ['vfs', 'CTL_VFS'], ['net', 'CTL_NET'], ['debug', 'CTL_DEBUG'],
      ['hw', 'CTL_HW'], ['machdep', 'CTL_MACHDEP'], ['user', 'CTL_USER'], ['ddb', 'CTL_DDB'], ['proc', 'CTL_PROC'],
      ['vendor', 'CTL_VENDOR'], ['emul', 'CTL_EMUL'], ['security', 'CTL_SECURITY'],
    ];
    for (const [name, c] of tops) {
      const num = maybeConstant(c);
      if (num !== undefined) this.root.children.push(this.newNode(name, num, constant('CTLTYPE_NODE'), this.root, null));
    }
  }

  nodeOf(cell: Cell | null): SysctlNode | null {
    return cell ? (this.byCell.get(cell) ?? null) : null;
  }

  /** Every node below the root, depth first, with its dotted path. */
  walk(): { path: string; node: SysctlNode }[] {
    const out: { path: string; node: SysctlNode }[] = [];
    const visit = (n: SysctlNode, prefix: string): void => {
      for (const c of n.children) {
        const p = prefix ? `${prefix}.${c.name}` : c.name;
        out.push({ path: p, node: c });
        visit(c, p);
      }
    };
    visit(this.root, '');
    return out;
  }

  /**
   * sysctl_createv. `logCell` is the caller's `struct sysctllog *` variable (NULL: not logged).
   * Returns the errno and the node (new, or the existing one it stands for).
   */
  createv(logCell: ScalarCell | null, req: CreateRequest): { error: number; node: SysctlNode | null } {
    const path = [...req.path];
    const last = path.pop();
    if (last === undefined) return { error: errno('EINVAL'), node: null };
    let parent = req.root ?? this.root;
    for (const num of path) {
      const next = parent.children.find((c) => c.num === num);
      if (!next) return { error: errno('ENOENT'), node: null };
      parent = next;
    }
    if (parent.type !== constant('CTLTYPE_NODE')) return { error: errno('ENOTDIR'), node: null };
    const create = last === constant('CTL_CREATE');
    const existing = parent.children.find((c) => c.name === req.name || (!create && c.num === last));
    if (existing) {
      // "a reasonable facsimile of the node we wanted": hand it back, do not log it.
      if (existing.name === req.name && existing.func === req.func && (create || existing.num === last)) {
        return { error: 0, node: existing };
      }
      return { error: errno('EEXIST'), node: null };
    }
    const num = create ? Math.max(CREATE_BASE - 1, ...parent.children.map((c) => c.num)) + 1 : last;
    const node = this.newNode(req.name, num, req.type, parent, req.func);
    setMember(node.cell, 'sysctl_flags', int(req.flags | req.type));
    parent.children.push(node);
    this.k.journal.record(() => this.unlink(node));
    if (logCell) this.log(logCell).nodes.push(node);
    return { error: 0, node };
  }

  /** sysctl_teardown: destroy the log's nodes, newest first, and clear the caller's pointer. */
  teardown(logCell: ScalarCell): void {
    const target = logCell.value.k === 'ptr' ? logCell.value.target : null;
    const log = target ? this.logs.get(target) : undefined;
    if (!log || !target) return;
    for (const node of [...log.nodes].reverse()) {
      // A node that still has children created outside this log stays, as sysctl_destroy refuses it.
      if (node.children.length === 0) this.destroyNode(node);
    }
    this.logs.delete(target);
    const old = logCell.value;
    logCell.value = { k: 'ptr', target: null, index: 0, type: { kind: 'void' } };
    this.k.journal.record(() => {
      this.logs.set(target, log);
      logCell.value = old;
    });
  }

  /** sysctl_destroyv / sysctl_destroy of one node: ENOTEMPTY with children. */
  destroyNode(node: SysctlNode): number {
    if (node.children.length) return errno('ENOTEMPTY');
    this.unlink(node);
    const parent = node.parent!;
    this.k.journal.record(() => {
      parent.children.push(node);
      this.byCell.set(node.cell, node);
    });
    return 0;
  }

  private log(logCell: ScalarCell): SysctlLog {
    const v = logCell.value;
    if (v.k === 'ptr' && v.target) {
      const existing = this.logs.get(v.target);
      if (existing) return existing;
    }
    // The log object is the kernel's; the caller only holds a pointer to it.
    const obj = new ScalarCell({ kind: 'int', name: 'int', size: 4, unsigned: false }, int(0));
    const log: SysctlLog = { nodes: [] };
    this.logs.set(obj, log);
    const old = logCell.value;
    logCell.value = pointerTo(obj);
    this.k.journal.record(() => {
      this.logs.delete(obj);
      logCell.value = old;
    });
    return log;
  }

  private unlink(node: SysctlNode): void {
    const siblings = node.parent?.children;
    if (siblings) siblings.splice(siblings.indexOf(node), 1);
    this.byCell.delete(node.cell);
  }

  private newNode(name: string, num: number, type: number, parent: SysctlNode | null, func: Callable | null): SysctlNode {
    const cell = newStruct('sysctlnode');
    setMember(cell, 'sysctl_num', int(num));
    setMember(cell, 'sysctl_flags', int(type));
    const nameCell = field(cell, 'sysctl_name');
    const chars = cString(name).items;
    if ('items' in nameCell) {
      const items = (nameCell as { items: Cell[] }).items;
      for (let i = 0; i < items.length && i < chars.length; i++) (items[i] as ScalarCell).value = (chars[i] as ScalarCell).value;
    }
    if (parent) setMember(cell, 'sysctl_parent', pointerTo(parent.cell));
    const node: SysctlNode = { name, num, type, cell, parent, children: [], func, owner: this.k.activeModule };
    this.byCell.set(cell, node);
    return node;
  }
}

function setMember(cell: StructCell, member: string, v: Value): void {
  const c = field(cell, member);
  if (c instanceof ScalarCell) c.value = v;
}
