import { type BinfmtEntry, interpreterArgv, programArgv } from '@arm64kit/binfmt';
import type { CaseLayout } from './backends/backend.js';
import type { CcacheVersion } from './ccache-version.js';
import type { Outcome } from './report.js';
import type { ScenarioCase } from './scenario.js';

export interface Prediction {
  /** What the kernel hands the interpreter (@arm64kit/binfmt's interpreterArgv). */
  interpreterArgv: string[];
  /** What the program sees once the interpreter has started it. */
  programArgv: string[];
  outcome: Outcome;
}

/**
 * What a case will do under `entry`: the argv from the kernel's rule, and for the probe and
 * an argv0-sensitive ccache the outcome of ccache 3.7's check (the compiler found in PATH
 * compared with argv[0], as strings).
 */
export function predict(
  c: ScenarioCase,
  entry: BinfmtEntry,
  layout: CaseLayout,
  ccache: CcacheVersion | null,
): Prediction {
  const invocation = interpreterArgv(entry, { path: layout.execPath, argv: c.command });
  const received = invocation.argv;
  const seenByProgram = programArgv(received, invocation.atFlags);
  const refuses = layout.foundInPath !== null && seenByProgram[0] === layout.foundInPath;
  let outcome: Outcome;
  if (c.subject === 'argv-example') outcome = 'success';
  else if (c.subject === 'ccache-probe') outcome = refuses ? 'recursive-invocation' : 'success';
  else if (ccache === null) outcome = 'unknown';
  else if (ccache.argv0Sensitive) outcome = refuses ? 'recursive-invocation' : 'success';
  else outcome = 'same-with-and-without-p';
  return { interpreterArgv: received, programArgv: seenByProgram, outcome };
}
