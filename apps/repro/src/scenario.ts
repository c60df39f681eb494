/**
 * The scenarios of the original write-up, as data: which program runs, typed how, under
 * which binfmt_misc handlers. Backends decide where the programs live; predictions and
 * verdicts are computed from these cases and what the backends report.
 */

export type ScenarioName = 'argv' | 'ccache';
export const SCENARIO_NAMES: readonly ScenarioName[] = ['argv', 'ccache'];

/** What runs: the write-up's argv example, the argv0-sensitive probe, or a real ccache. */
export type Subject = 'argv-example' | 'ccache-probe' | 'ccache';

/** How the shell finds the program: a path relative to the working directory, or PATH. */
export type Lookup = 'relative' | 'path';

export interface ScenarioCase {
  /** Stable identifier, unique within a scenario (used in --json). */
  id: string;
  subject: Subject;
  /** The command exactly as a user types it; command[0] is the argv[0] the shell passes. */
  command: string[];
  lookup: Lookup;
}

/** A binfmt_misc handler for the programs' architecture, registered without or with the P flag. */
export interface Handler {
  preserveArgv0: boolean;
}

export const HANDLERS: readonly Handler[] = [{ preserveArgv0: false }, { preserveArgv0: true }];

export function handlerLabel(handler: Handler): 'without P' | 'with P' {
  return handler.preserveArgv0 ? 'with P' : 'without P';
}

/** The write-up's `./a.out 1 2 3`, and the same program found through PATH. */
const ARGV_CASES: ScenarioCase[] = [
  { id: 'relative', subject: 'argv-example', command: ['./a.out', '1', '2', '3'], lookup: 'relative' },
  { id: 'path-lookup', subject: 'argv-example', command: ['argv-example', '1', '2', '3'], lookup: 'path' },
];

/** `ccache ccache -p`, for the probe (always) and for a real ccache when one is available. */
const PROBE_CASE: ScenarioCase = {
  id: 'probe',
  subject: 'ccache-probe',
  command: ['ccache-probe', 'ccache-probe', '-p'],
  lookup: 'path',
};
const CCACHE_CASE: ScenarioCase = {
  id: 'ccache',
  subject: 'ccache',
  command: ['ccache', 'ccache', '-p'],
  lookup: 'path',
};

/** How a backend asks which ccache it has: run before the scenario, not a scenario case. */
export const CCACHE_VERSION_CASE: ScenarioCase = {
  id: 'ccache-version',
  subject: 'ccache',
  command: ['ccache', '--version'],
  lookup: 'path',
};

/** The cases of a scenario; the real ccache only when the backend has one to run. */
export function scenarioCases(name: ScenarioName, options: { withCcache: boolean }): ScenarioCase[] {
  if (name === 'argv') return ARGV_CASES.map((c) => ({ ...c, command: [...c.command] }));
  return options.withCcache ? [{ ...PROBE_CASE }, { ...CCACHE_CASE }] : [{ ...PROBE_CASE }];
}

/** The program files a case needs staged by the backend, by the name it is invoked under. */
export function invokedName(c: ScenarioCase): string {
  const first = c.command[0];
  return first.slice(first.lastIndexOf('/') + 1);
}
