#!/usr/bin/env node
/**
 * lkm2mod: the command line. Each command lives in src/cli/<command>.ts and registers itself
 * on the program; this file only wires them together and turns errors into exit codes.
 */
import { pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { EXIT_USAGE, UserError } from './source/errors.ts';
import { commands } from './cli/commands.ts';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('lkm2mod')
    .description(
      'Migrate NetBSD loadable kernel modules from the old LKM interface (sys/lkm) to\n' +
        'module(9), and prove each result by loading it into a simulated kernel.',
    )
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const register of commands) register(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end up here with exit code 0.
      return err.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (err instanceof UserError) {
      process.stderr.write(`lkm2mod: ${err.message}\n`);
      return err.exitCode;
    }
    const e = err as Error;
    process.stderr.write(
      `lkm2mod: internal error: ${e?.message ?? String(err)}\n` +
        'This is a bug in lkm2mod; please report it with the command you ran.\n' +
        (process.env.LKM2MOD_DEBUG ? `${e?.stack ?? ''}\n` : ''),
    );
    return 70;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
