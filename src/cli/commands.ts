/**
 * The list of commands. Each entry adds one subcommand to the program; adding a command is
 * adding a file in src/cli/ and a line here.
 */
import type { Command } from 'commander';

export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [];
commands.push((await import('./scan.ts')).registerScan);
commands.push((await import('./plan.ts')).registerPlan);
commands.push((await import('./convert.ts')).registerConvert);
commands.push((await import('./kernel.ts')).registerKernel);
commands.push((await import('./review.ts')).registerReview);
commands.push((await import('./report.ts')).registerReport);
commands.push((await import('./validate.ts')).registerValidate);
commands.push((await import('./rules.ts')).registerRules);
