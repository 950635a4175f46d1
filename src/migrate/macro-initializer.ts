/**
 * `static struct sysent foo_sysent = SYSENT(2, sys_foo);` with
 * `#define SYSENT(n, f) { n, sizeof(struct sys_foo_args), 0, (sy_call_t *)f }`: tables built by
 * a local macro, as old LKMs often wrote them. tree-sitter sees a call, not an initializer list,
 * so the table's members cannot be read where they stand. Expanding the macro as the
 * preprocessor would gives the list to read; its nodes belong to the expansion, not to the
 * file, so they are for reading only.
 */
import { parseC, type SyntaxNode } from '../source/cparse.ts';
import { headerDefines, type MacroDefine } from '../discover/facts.ts';
import { expandCall } from '../discover/macros.ts';

/** The initializer_list `value` expands to, when it is a call of a function-like macro defined in `texts`. */
export function expandedInitializer(value: SyntaxNode | null, texts: readonly string[]): SyntaxNode | null {
  if (value?.type !== 'call_expression') return null;
  const name = value.childForFieldName('function')?.text ?? '';
  if (!/^[A-Za-z_]\w*$/.test(name)) return null;
  const def = findMacro(name, texts);
  if (!def) return null;
  const args = (value.childForFieldName('arguments')?.namedChildren ?? []).filter((a) => a.type !== 'comment').map((a) => a.text);
  if (args.length !== def.params!.length) return null;
  const expansion = expandCall(def, args).trim();
  if (!expansion.startsWith('{')) return null;
  const decl = parseC(`int __expansion = ${expansion};`).rootNode.firstNamedChild;
  const init = decl?.descendantsOfType('init_declarator')[0]?.childForFieldName('value');
  return init?.type === 'initializer_list' && !init.hasError ? init : null;
}

function findMacro(name: string, texts: readonly string[]): MacroDefine | undefined {
  for (const text of texts) {
    if (!text.includes(name)) continue;
    const def = headerDefines(text).find((d) => d.name === name && d.params !== null);
    if (def) return def;
  }
  return undefined;
}
