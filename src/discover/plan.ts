/**
 * The ModulePlan: everything discovery learns about one old-style LKM, as plain data.
 *
 * scan prints it, convert's rules read it, validate uses it to find the original LKM. Paths
 * are absolute inside the pipeline; the report layer makes them relative for the user.
 */
import type { Machine } from '../source/make-env.ts';

/** LKM kinds, in the words of sys/lkm.h (MODTYPE without the LM_ prefix). */
export type LkmKind = 'syscall' | 'vfs' | 'dev' | 'exec' | 'compat' | 'misc' | 'drv' | 'strmod';

export const LKM_KINDS: readonly LkmKind[] = ['syscall', 'vfs', 'dev', 'exec', 'compat', 'misc', 'drv', 'strmod'];

export type Severity = 'error' | 'warning' | 'note';

/** Something a conversion must take care of, or a reason it cannot be done safely. */
export interface Finding {
  file: string;
  line: number;
  severity: Severity;
  /** Stable identifier, e.g. `syscall-slot-dynamic`, `two-registrations`, `handler-uses-lkmtp`. */
  code: string;
  /** One or two sentences: what is there and what to do about it. */
  message: string;
  /** The edit a file needs, as a patch, when lkm2mod could not make it (a file outside the tree root). */
  hunk?: string;
}

/** A byte range in one file: [start, end) as string indices of the text as read. */
export interface Span {
  file: string;
  start: number;
  end: number;
  line: number;
}

/** The MOD_* declaration, or a hand-built descriptor (`struct lkm_dev foo = {...}`). */
export interface Declaration extends Span {
  /** MOD_SYSCALL, MOD_VFS, MOD_DEV, ... or `struct lkm_vfs` for a hand-built descriptor. */
  macro: string;
  /** Arguments as written in the source, whitespace-trimmed. */
  args: string[];
  /** The descriptor variable: `_module` for MOD_* macros, the variable name otherwise. */
  variable: string;
  /** The #if/#ifdef conditions around the declaration, outermost first (e.g. `defined(_LKM)`). */
  conditions: string[];
  /** A rule's declaration shape found it (a vendor macro): that rule's id. The rule converts it. */
  rule?: string;
  /** The descriptor fields the rule read from it, by sys/lkm.h member name. */
  fields?: Record<string, string>;
  /**
   * A MOD_* written inside a function (NetBSD 4's coda and puffs: each registration in its own
   * small function with its own DISPATCH, which the entry calls in turn): that function.
   */
  enclosing?: { name: string; start: number; end: number; line: number };
}

/** The function the old loader called: the one whose body dispatches. */
export interface EntryFunction extends Span {
  name: string;
  /** Parameter names in order: (lkmtp, cmd, ver) usually. */
  params: string[];
  /** K&R definition (parameter types declared between `)` and `{`). */
  knr: boolean;
  /** The entry is defined through a macro (e.g. `LKM_ENTRY(foo)`) rather than by name. */
  viaMacro?: string;
  /** How it dispatches: the DISPATCH/LKM_DISPATCH macro, or direct lkmdispatch() calls. */
  dispatch: DispatchSite[];
}

export interface DispatchSite extends Span {
  /** `DISPATCH`, `LKM_DISPATCH` or `lkmdispatch`. */
  macro: string;
  args: string[];
  /** DISPATCH written without its trailing semicolon. */
  noSemicolon?: boolean;
  /** The #if/#ifdef conditions around the site, outermost first. */
  conditions?: string[];
}

/** A load/unload/stat handler named in DISPATCH; null when it is `lkm_nofunc`. */
export interface Handler extends Span {
  name: string;
  params: string[];
  knr: boolean;
  /** The handler reads its lkm_table parameter (beyond passing it to lkmexists()). */
  usesLkmtp: boolean;
  /** It switches on cmd (one function serving load and unload). */
  switchesOnCmd: boolean;
  /** Calls lkmexists(lkmtp) to refuse a second load. */
  callsLkmexists: boolean;
  /**
   * DISPATCH names this function but no file of the module defines it (a `handler-not-found`
   * finding says so); the span is then the DISPATCH site. Its work cannot be carried over.
   */
  unresolved?: boolean;
}

export interface Handlers {
  load: Handler | null;
  unload: Handler | null;
  stat: Handler | null;
}

/** The kernel tables an LKM installs, by kind. Expressions are kept as written in the source. */
export interface InstalledTables {
  /** MOD_SYSCALL: the slot (number, or -1 for "kernel picks") and the sysent expression. */
  sysent?: { slot: number | null; slotText: string; sysent: string; handler?: string };
  /** MOD_VFS: the vfsops expression (`&kernfs_vfsops`). */
  vfsops?: string;
  /** MOD_DEV (both forms). */
  devsw?: {
    devname: string | null;
    bdevsw: string | null;
    bmajor: string;
    cdevsw: string | null;
    cmajor: string;
    /** Four-argument form: `LM_DT_CHAR` or `LM_DT_BLOCK`. */
    oldForm?: 'LM_DT_CHAR' | 'LM_DT_BLOCK';
  };
  /** MOD_EXEC: the execsw expression and the emulation name (string literal content or null). */
  execsw?: { execsw: string; emulName: string | null };
  /** MOD_COMPAT: the emul expression. */
  emul?: string;
  /** MOD_DRV: the cfdriver list, cfattachlkminit list and cfdata expressions. */
  autoconf?: { cfdrivers: string; cfattachinit: string; cfdata: string };
}

export interface ModulePlan {
  /** The LKM's name as the declaration gives it (string literal content, or the KMOD). */
  name: string;
  kind: LkmKind;
  /** The LKM's directory (where its Makefile or glue file lives). */
  dir: string;
  /** The Makefile that builds it, if any. */
  makefile: string | null;
  /** KMOD= from the Makefile. */
  kmod: string | null;
  /** Every source file of the module, glue first, resolved through .PATH. */
  files: string[];
  /** SRCS entries the Makefile names that the tree does not have (generated, or missing). */
  missingSources: string[];
  /** Module files beside the Makefile that its SRCS omits (the glue, glue-not-in-srcs): the converted Makefile lists them. */
  unlistedSources?: string[];
  /** `.PATH` directories after variable expansion. */
  searchPath: string[];
  declaration: Declaration | null;
  /** Extra registrations: a module building its own descriptors and calling lkmdispatch(). */
  extraDeclarations: Declaration[];
  entry: EntryFunction | null;
  handlers: Handlers;
  tables: InstalledTables;
  findings: Finding[];
}

/**
 * A module already in module(9) form: a `MODULE(class, name, required)` line in its sources.
 * Nothing to convert; scan lists it, convert leaves it alone, validate and review check it.
 */
export interface Module9 {
  /** MODULE()'s name: what module_load(9) and other modules' required lists call it. */
  name: string;
  /** MODULE_CLASS_* as written, without the prefix: VFS, DRIVER, MISC, EXEC, SECMODEL. */
  moduleClass: string;
  /**
   * MODULE()'s required list, when it is a string literal or NULL; null when it is built from
   * macros (`"compat" MD1 MD2`), which only the compiler can read.
   */
  required: string[] | null;
  dir: string;
  makefile: string | null;
  kmod: string | null;
  /** Its C sources: the Makefile's SRCS, or the .c files of a directory without one. */
  files: string[];
  missingSources: string[];
  /** The MODULE() line: the modinfo record the kernel reads before it calls anything. */
  modinfo: Span & { args: string[]; conditions: string[] };
  /** The `<name>_modcmd` function MODULE() refers to, where a file of the module defines it. */
  modcmd: { name: string; file: string; line: number } | null;
  findings: Finding[];
}

/** The result of discovery over a set of paths. */
export interface ScanResult {
  /** Old-style LKMs: what there is to convert. */
  modules: ModulePlan[];
  /** Modules already in module(9) form (converted earlier, or written so). */
  module9?: Module9[];
  /** Files read (C sources and Makefiles). */
  filesScanned: number;
  /** Files handed to tree-sitter because a cheap text test said they could matter. */
  filesParsed: number;
  /** Files that could not be read or parsed usefully, with why. */
  parseErrors: Finding[];
  /**
   * Findings that belong to no module, e.g. a Makefile whose KMOD sources declare no LKM.
   * (Module findings are in each ModulePlan; unreadable and binary files in parseErrors.)
   */
  findings?: Finding[];
  /** The machine the Makefiles were read for (MACHINE, MACHINE_ARCH); conversion reads them the same way. */
  machine?: Machine;
  /** The directories the Makefiles' `S` named (the kernel tree they build against), for treeRoot. */
  sysDirs?: string[];
}
