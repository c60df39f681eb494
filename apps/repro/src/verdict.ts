import { RECURSIVE_INVOCATION } from './observe.js';
import type { CaseResult, Verdict } from './report.js';

type Judged = Pick<CaseResult, 'verdict' | 'reason'>;
type Unjudged = Omit<CaseResult, 'verdict' | 'reason'>;

function refused(r: Unjudged): boolean {
  return r.exitCode !== 0 && r.outputHead.some((l) => l.includes(RECURSIVE_INVOCATION));
}

function sameArgv(a: string[] | null, b: string[]): boolean {
  return a !== null && a.length === b.length && a.every((x, i) => x === b[i]);
}

/** A case checked against its prediction alone: null when it behaved as predicted. */
function mismatch(r: Unjudged, counterpart: Unjudged): string | null {
  if (r.observedArgv !== null && !sameArgv(r.observedArgv, r.predictedArgv)) {
    return `the program saw [${r.observedArgv.join(' ')}], predicted [${r.predictedArgv.join(' ')}]`;
  }
  if (r.subject !== 'ccache' && r.observedArgv === null) {
    return `the program did not report its argv (exit ${r.exitCode})`;
  }
  switch (r.predictedOutcome) {
    case 'recursive-invocation':
      return refused(r) ? null : `predicted "${RECURSIVE_INVOCATION}", got exit ${r.exitCode}`;
    case 'success':
      return r.exitCode === 0 && !refused(r) ? null : `predicted success, got exit ${r.exitCode}`;
    case 'same-with-and-without-p':
      return r.exitCode === counterpart.exitCode &&
        r.outputHead.join('\n') === counterpart.outputHead.join('\n')
        ? null
        : 'predicted the same result with and without P, but they differ';
    case 'unknown':
      return null;
  }
}

/** Why P made no difference, in terms of what was seen. */
function notAffectedReason(withoutP: Unjudged, withP: Unjudged): string {
  if (withoutP.predictedArgv[0] === withoutP.command[0]) {
    return `argv[0] is ${withoutP.command[0]} either way: the path the kernel executed is what was typed`;
  }
  const same =
    withoutP.exitCode === withP.exitCode && withoutP.outputHead.join('\n') === withP.outputHead.join('\n');
  return same
    ? `the same exit status (${withoutP.exitCode}) and output with and without P`
    : 'P changes nothing this program checks';
}

/**
 * Verdicts for the runs of one case, without P and with P. `unexpected` when a run did not
 * do what was predicted; otherwise without P is `reproduced` when it failed or argv[0] was
 * rewritten, and with P is `fixed` when its counterpart was reproduced; the rest is
 * `not affected`.
 */
export function judgePair(withoutP: Unjudged, withP: Unjudged): [Judged, Judged] {
  const missW = mismatch(withoutP, withP);
  const missP = mismatch(withP, withoutP);
  let w: Judged;
  if (missW !== null) {
    w = { verdict: 'unexpected', reason: missW };
  } else if (refused(withoutP)) {
    w = {
      verdict: 'reproduced',
      reason: `fails with "${RECURSIVE_INVOCATION}": argv[0] is the path the kernel executed`,
    };
  } else if (withoutP.predictedArgv[0] !== withoutP.command[0] && withoutP.observedArgv !== null) {
    w = {
      verdict: 'reproduced',
      reason: `argv[0] was rewritten from ${withoutP.command[0]} to ${withoutP.predictedArgv[0]}`,
    };
  } else {
    w = { verdict: 'not affected', reason: notAffectedReason(withoutP, withP) };
  }
  let p: Judged;
  if (missP !== null) {
    p = { verdict: 'unexpected', reason: missP };
  } else if (w.verdict === 'reproduced' && !refused(withP)) {
    p = { verdict: 'fixed', reason: 'argv[0] is preserved as typed' };
  } else {
    p = { verdict: 'not affected' as Verdict, reason: notAffectedReason(withoutP, withP) };
  }
  return [w, p];
}
