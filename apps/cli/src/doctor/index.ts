import { checkDocker } from './docker.js';
import type { DoctorFacts } from './facts-types.js';
import { analyzeHandlers, checkHandlers } from './handler.js';
import { presetView } from './handler-view.js';
import { checkInterpreter } from './interpreter.js';
import { checkKernel } from './kernel.js';
import { checkMount } from './mount.js';
import { checkProgram, emulatorVerdict } from './program.js';
import type { Finding } from './types.js';

export type { DoctorFacts } from './facts-types.js';
export type { Finding, Severity } from './types.js';

/**
 * Every check, in the order a user would fix things: the mount, the handler, its interpreter,
 * the kernel, then the program and Docker. Pure: the same facts give the same findings.
 */
export function diagnose(facts: DoctorFacts): Finding[] {
  const findings = checkMount(facts.binfmt, facts.arch);
  let analysis = null;
  if (facts.binfmt.mounted) {
    analysis = analyzeHandlers(facts, presetView(facts.arch));
    findings.push(...checkHandlers(facts, analysis));
    if (analysis.focus) {
      const interp = analysis.handlers.find((h) => h.view === analysis!.focus)?.interpreter;
      findings.push(
        ...checkInterpreter(analysis.focus, interp, {
          arch: facts.arch,
          dir: facts.binfmt.dir,
          staticCandidate: analysis.staticCandidate,
        }),
      );
    }
  }
  findings.push(...checkKernel(facts.kernel, { handlerHasP: analysis?.used?.flags.preserveArgv0 }));
  if (facts.program)
    findings.push(...checkProgram(facts, facts.program, analysis, emulatorVerdict(facts.program)));
  if (facts.docker) findings.push(...checkDocker(facts.docker, facts.arch));
  return findings;
}

/** Exit status of `arm64kit doctor`: 1 when any finding is an error, else 0. */
export function exitCodeFor(findings: Finding[]): number {
  return findings.some((f) => f.severity === 'error') ? 1 : 0;
}
