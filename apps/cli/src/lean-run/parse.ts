import { CPU_PROFILES } from '@arm64kit/arm64';
import { EXECUTORS } from '@arm64kit/core';
import { GUEST_ARCHES } from '../lib/guest-arch.js';
import { type RunFlags, runUsageProblem, splitRunArgv } from '../lib/run-guest.js';

/**
 * run's flags as the lean parser reads them: whether a flag takes a value, and which values it
 * allows. They mirror the oclif command's (test/lean-run.test.ts holds the two together).
 */
export const LEAN_RUN_FLAGS: Readonly<
  Record<string, { readonly options?: readonly string[]; readonly multiple?: true } | 'boolean'>
> = {
  strace: 'boolean',
  argv0: {},
  sysroot: {},
  'binfmt-preserve-argv0': 'boolean',
  stats: 'boolean',
  executor: { options: EXECUTORS },
  cpu: { options: [...CPU_PROFILES.keys()] },
  cwd: {},
  env: { multiple: true },
  'unset-env': { multiple: true },
  'clear-env': 'boolean',
  arch: { options: GUEST_ARCHES },
};

export interface LeanRunInvocation {
  readonly flags: RunFlags;
  /** [PROGRAM, ...ARGS]. */
  readonly guest: string[];
}

/**
 * run's flags and [PROGRAM, ...ARGS] from the words after `run`, for the plain, well-formed
 * invocations a binfmt_misc interpreter or a script makes. Anything else gives undefined, and oclif
 * answers it as before with the same words: --help and every other flag it knows but this parser
 * does not, a flag given twice, a missing or disallowed value, a missing PROGRAM. So the lean path
 * never has an error message or a help text of its own.
 */
export function parseLeanRun(raw: readonly string[]): LeanRunInvocation | undefined {
  const { own, guest } = splitRunArgv(raw);
  const flags: Record<string, string | boolean | string[]> = {};
  for (let i = 0; i < own.length; i++) {
    const word = own[i];
    if (!word.startsWith('--')) return undefined;
    const eq = word.indexOf('=');
    const name = word.slice(2, eq < 0 ? undefined : eq);
    const spec = Object.hasOwn(LEAN_RUN_FLAGS, name) ? LEAN_RUN_FLAGS[name] : undefined;
    const repeatable = spec !== undefined && spec !== 'boolean' && spec.multiple === true;
    if (spec === undefined || (Object.hasOwn(flags, name) && !repeatable)) return undefined;
    if (spec === 'boolean') {
      if (eq >= 0) return undefined;
      flags[name] = true;
      continue;
    }
    const value = eq >= 0 ? word.slice(eq + 1) : own[++i];
    if (value === undefined || value === '' || value.startsWith('-')) return undefined;
    if (spec.options !== undefined && !spec.options.includes(value)) return undefined;
    flags[name] = repeatable ? [...((flags[name] as string[] | undefined) ?? []), value] : value;
  }
  if (runUsageProblem(flags, guest) !== undefined) return undefined;
  return { flags, guest };
}
