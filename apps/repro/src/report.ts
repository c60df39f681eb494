import type { BackendName, RegistrationUsed } from './backends/backend.js';
import type { CcacheVersion } from './ccache-version.js';
import type { ScenarioName, Subject } from './scenario.js';

/** reproduced: the failure happened as predicted; fixed: P made it go away; not affected: P changes nothing. */
export type Verdict = 'reproduced' | 'fixed' | 'not affected' | 'unexpected';

/**
 * What a case should end with: refused with "Recursive invocation", succeeded, behaved the
 * same under both handlers (argv0-insensitive ccache), or not predictable (unknown ccache).
 */
export type Outcome = 'recursive-invocation' | 'success' | 'same-with-and-without-p' | 'unknown';

export interface CaseResult {
  caseId: string;
  subject: Subject;
  /** The command as typed. */
  command: string[];
  handler: 'without P' | 'with P';
  preserveArgv0: boolean;
  /** The filename the kernel executed. */
  execPath: string;
  /** The argv the kernel hands the interpreter (from @arm64kit/binfmt's interpreterArgv). */
  interpreterArgv: string[];
  /** The argv the program should see once the interpreter has started it. */
  predictedArgv: string[];
  /** The argv the program printed; null when the program does not print it (a real ccache). */
  observedArgv: string[] | null;
  predictedOutcome: Outcome;
  exitCode: number;
  /** The first lines of what the program wrote (stderr first). */
  outputHead: string[];
  verdict: Verdict;
  /** One sentence: why this verdict. */
  reason: string;
}

export interface CcacheReport {
  available: boolean;
  origin: string;
  reason?: string;
  version: CcacheVersion | null;
  /** One sentence on whether this ccache is argv0-sensitive and what was observed. */
  assessment: string;
}

export interface RegistrationReport extends RegistrationUsed {
  handler: 'without P' | 'with P';
}

export interface ReproReport {
  scenario: ScenarioName;
  backend: BackendName;
  /** The architecture of the programs and of the handler (aarch64, riscv64). */
  arch: string;
  host: string;
  image: string;
  interpreter: string;
  registrations: RegistrationReport[];
  /** Only for the ccache scenario. */
  ccache: CcacheReport | null;
  results: CaseResult[];
  /** True when every case behaved as predicted (exit status 0), false otherwise (1). */
  asPredicted: boolean;
  exitCode: 0 | 1;
  /** The ways to register the handler with P. */
  fix: string[];
}

/** The commands that register the aarch64 handler with P, from the write-up and arm64kit. */
export const FIX_COMMANDS: readonly string[] = fixCommands('aarch64');

/** The commands that register the handler of `arch` with P, from the write-up and arm64kit. */
export function fixCommands(arch: string): string[] {
  return [
    'qemu-binfmt-conf.sh --qemu-path /usr/bin --qemu-suffix -static -p yes -g yes',
    'docker run --rm --privileged multiarch/qemu-user-static --reset -p yes -g yes',
    `arm64kit binfmt install ${arch} --preserve-argv0`,
  ];
}
