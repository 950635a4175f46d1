/**
 * Words of C (C99 with GNU's spellings) and of its preprocessor that no declaration can define:
 * written like a call (`sizeof (x)`, `defined(X)` in a condition tree-sitter read as code,
 * `__builtin_offsetof(...)` aside), they name nothing a kernel or module could provide.
 */
export const C_RESERVED = new Set([
  'auto', 'break', 'case', 'char', 'const', 'continue', 'default', 'do', 'double', 'else', 'enum',
  'extern', 'float', 'for', 'goto', 'if', 'inline', 'int', 'long', 'register', 'restrict', 'return',
  'short', 'signed', 'sizeof', 'static', 'struct', 'switch', 'typedef', 'union', 'unsigned', 'void',
  'volatile', 'while', '_Bool', '_Complex', '_Imaginary', '_Alignof', '_Alignas', '_Static_assert',
  '__alignof__', '__alignof', '__asm', '__asm__', 'asm', '__attribute__', '__attribute', '__const',
  '__extension__', '__inline', '__inline__', '__restrict', '__signed__', '__typeof', '__typeof__',
  'typeof', '__volatile', '__volatile__', 'defined',
]);
