/**
 * The kernel tables a registration installs (sysent slot, vfsops, devsw and majors, execsw and
 * emulation name, emul, autoconf lists), read from MOD_* arguments or from a hand-built
 * descriptor's initialiser, expressions kept as written.
 */
import type { Finding, InstalledTables, LkmKind } from './plan.ts';
import type { DescriptorFact, SourceFacts } from './facts.ts';
import { findings } from './findings.ts';
import { stringLiteral, bareName } from './text.ts';
import type { Defines } from './macros.ts';

/** Payload fields after the common lkm_any header, by kind, for positional initialisers. */
const PAYLOAD: Record<LkmKind, string[]> = {
  syscall: ['lkm_sysent'],
  vfs: ['lkm_vfsops'],
  dev: ['lkm_devname', 'lkm_bdev', 'lkm_bdevmaj', 'lkm_cdev', 'lkm_cdevmaj'],
  exec: ['lkm_execsw', 'lkm_emul'],
  compat: ['lkm_compat'],
  misc: [],
  drv: ['lkm_cd', 'lkm_cai', 'lkm_cf'],
  strmod: [],
};

const HEADER_FIELDS = 6; // lkm_type, lkm_name, lkm_offset, lkm_modver, lkm_sysver, lkm_envver

/** The declaration's arguments by role, whether written as MOD_* arguments or an initialiser. */
function roleArgs(d: DescriptorFact): { name?: string; slot?: string; payload: Record<string, string> } {
  const kind = d.kind;
  const a = d.declaration.args;
  if (!d.handBuilt) {
    const m = d.declaration.macro;
    const p: Record<string, string> = {};
    if (m === 'MOD_SYSCALL') p.lkm_sysent = a[2] ?? '';
    if (m === 'MOD_VFS') p.lkm_vfsops = a[2] ?? '';
    if (m === 'MOD_COMPAT') p.lkm_compat = a[2] ?? '';
    if (m === 'MOD_EXEC') Object.assign(p, { lkm_execsw: a[2] ?? '', lkm_emul: a[3] ?? 'NULL' });
    if (m === 'MOD_DRV') Object.assign(p, { lkm_cd: a[1] ?? '', lkm_cai: a[2] ?? '', lkm_cf: a[3] ?? '' });
    if (m === 'MOD_DEV' && a.length === 6) {
      Object.assign(p, { lkm_devname: a[1]!, lkm_bdev: a[2]!, lkm_bdevmaj: a[3]!, lkm_cdev: a[4]!, lkm_cdevmaj: a[5]! });
    }
    return { name: a[0], slot: a[1], payload: p };
  }
  const positional = a.filter((x) => !/^\.\s*\w+\s*=/.test(x));
  const fields = kind ? PAYLOAD[kind] : [];
  const start = positional.length >= HEADER_FIELDS + fields.length ? HEADER_FIELDS : Math.max(0, positional.length - fields.length);
  const payload: Record<string, string> = {};
  fields.forEach((f, i) => {
    const v = d.fields[f] ?? positional[start + i];
    if (v !== undefined) payload[f] = v;
  });
  return { name: d.fields.lkm_name, slot: d.fields.lkm_offset ?? positional[2], payload };
}

const orNull = (e: string | undefined) => (e === undefined || e === 'NULL' || e === '0' ? null : e);

export function describeTables(d: DescriptorFact, t: InstalledTables, all: SourceFacts[], defines: Defines, out: Finding[]): void {
  const { slot, payload } = roleArgs(d);
  const file = d.declaration.file;
  const line = d.declaration.line;
  switch (d.kind) {
    case 'syscall': {
      const slotText = slot ?? '-1';
      const value = defines.value(slotText, file).replace(/\s+/g, '');
      const n = /^-?\d+$/.test(value) ? Number(value) : null;
      const sysent = payload.lkm_sysent ?? '';
      const items = all.map((f) => f.sysents[bareName(sysent)]).find(Boolean);
      const call = items ? syscallHandler(items) : undefined;
      t.sysent = { slot: n, slotText, sysent, ...(call ? { handler: call } : {}) };
      const name = stringLiteral(d.declaration.args[0] ?? '') ?? d.declaration.variable;
      if (n === -1) out.push(findings.slotDynamic(file, line, name));
      else if (n === null) out.push(findings.slotUnknown(file, line, slotText));
      return;
    }
    case 'vfs':
      t.vfsops = payload.lkm_vfsops ?? '';
      return;
    case 'dev': {
      const a = d.declaration.args;
      if (!d.handBuilt && a.length === 4) {
        const devtype = a[1] === 'LM_DT_BLOCK' ? 'LM_DT_BLOCK' : 'LM_DT_CHAR';
        const block = devtype === 'LM_DT_BLOCK';
        t.devsw = {
          devname: null,
          bdevsw: block ? a[3]! : null,
          bmajor: block ? a[2]! : '-1',
          cdevsw: block ? null : a[3]!,
          cmajor: block ? '-1' : a[2]!,
          oldForm: devtype,
        };
        out.push(findings.oldModDev(file, line, devtype));
        return;
      }
      const devname = payload.lkm_devname;
      t.devsw = {
        devname: devname === undefined ? null : (stringLiteral(devname) ?? devname),
        bdevsw: orNull(payload.lkm_bdev),
        bmajor: payload.lkm_bdevmaj ?? '-1',
        cdevsw: orNull(payload.lkm_cdev),
        cmajor: payload.lkm_cdevmaj ?? '-1',
      };
      return;
    }
    case 'exec': {
      const emul = payload.lkm_emul;
      t.execsw = { execsw: payload.lkm_execsw ?? '', emulName: emul === undefined ? null : stringLiteral(emul) };
      return;
    }
    case 'compat':
      t.emul = payload.lkm_compat ?? '';
      return;
    case 'drv':
      t.autoconf = { cfdrivers: payload.lkm_cd ?? '', cfattachinit: payload.lkm_cai ?? '', cfdata: payload.lkm_cf ?? '' };
      return;
    default:
      return;
  }
}

/** sy_call of a `struct sysent` initialiser: the designated field, else the last function-like item. */
function syscallHandler(items: string[]): string | undefined {
  const designated = items.find((i) => /^\.\s*sy_call\s*=/.test(i));
  if (designated) return bareName(designated.replace(/^\.\s*sy_call\s*=\s*/, ''));
  const last = [...items].reverse().find((i) => /^(\([^)]*\)\s*)?&?\s*[A-Za-z_]\w*$/.test(i) && !/^(NULL|0)$/.test(i));
  return last ? bareName(last) : undefined;
}
