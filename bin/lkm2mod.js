#!/usr/bin/env node
// Runs the JavaScript that `npm ci` built into dist/ (tsc, through the prepare script).
// LKM2MOD_FROM_SOURCE=1 runs the TypeScript in src/ through tsx instead (a development
// dependency): the tests do, so they always exercise the sources as they are.
const fromSource = process.env.LKM2MOD_FROM_SOURCE === '1';
let cli;
if (fromSource) {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import('../src/cli.ts');
} else {
  const built = new URL('../dist/src/cli.js', import.meta.url);
  try {
    cli = await import(built.href);
  } catch (err) {
    const { fileURLToPath } = await import('node:url');
    if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !String(err.message).includes(fileURLToPath(built))) throw err;
    process.stderr.write('lkm2mod: not built: run `npm ci` (or `npm run build`) in the lkm2mod folder first\n');
    process.exit(70);
  }
}
process.exitCode = await cli.main(process.argv.slice(2));
