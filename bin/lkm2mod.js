#!/usr/bin/env node
// Runs the JavaScript that `npm ci` built into dist/ (tsc, through the prepare script).
// LKM2MOD_FROM_SOURCE=1 runs the TypeScript in src/ through tsx instead (a development
// dependency): the tests do, so they always exercise the sources as they are.
const fromSource = process.env.LKM2MOD_FROM_SOURCE === '1';

// The commands that compile modules for the simulated kernel allocate a great deal that dies
// within one compile (syntax nodes, tokens, lowered code of headers): with V8's default young
// generation much of it is promoted before it dies, and old-generation collections then took a
// seventh of a whole-tree validate. Such a command runs in a Node started with a larger young
// generation; V8 takes the size only at start-up.
const COMPILING = new Set(['validate', 'review', 'kernel']);
const YOUNG = '--max-semi-space-size=64';
// And they collect after each compile (collectDroppedTrees in src/source/cparse.ts).
const GC = '--expose-gc';
const command = process.argv.slice(2).find((a) => !a.startsWith('-'));
if (COMPILING.has(command) && !process.execArgv.some((a) => a.startsWith('--max-semi-space-size')) && !/--max-semi-space-size/.test(process.env.NODE_OPTIONS ?? '')) {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, [...process.execArgv, YOUNG, GC, ...process.argv.slice(1)], { stdio: 'inherit' });
  // A signal sent to this process alone (kill, a CI timeout) reaches the one doing the work.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
  const [code, signal] = await new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (c, s) => resolve([c, s]));
  });
  // A child killed by a signal: end the same way, so a shell sees what happened.
  if (signal) {
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  }
  process.exit(code ?? 1);
}
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
