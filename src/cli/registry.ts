/** The list of commands. Each register function adds one subcommand; `done(code)` sets the exit code. */
import type { Command } from 'commander';
import { registerCollect } from './collect.js';
import { registerFlows } from './flows.js';
import { registerMounts } from './mounts.js';
import { registerPolicy } from './policy.js';
import { registerTriage } from './triage.js';
import { registerVerify } from './verify.js';

export type Done = (code: number) => void;
export type RegisterFn = (program: Command, done: Done) => void;

const commands: RegisterFn[] = [
  registerFlows,
  registerVerify,
  registerMounts,
  registerCollect,
  registerTriage,
  registerPolicy,
];

export function registerCommands(program: Command, done: Done): void {
  for (const r of commands) r(program, done);
}
