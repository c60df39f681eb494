import { describe, expect, it } from 'vitest';
import type { CaseResult } from '../src/report.js';
import { judgePair } from '../src/verdict.js';

type Unjudged = Omit<CaseResult, 'verdict' | 'reason'>;

function run(overrides: Partial<Unjudged>): Unjudged {
  return {
    caseId: 'probe',
    subject: 'ccache-probe',
    command: ['ccache-probe', 'ccache-probe', '-p'],
    handler: 'without P',
    preserveArgv0: false,
    execPath: '/s/bin/ccache-probe',
    interpreterArgv: [],
    predictedArgv: ['/s/bin/ccache-probe', 'ccache-probe', '-p'],
    observedArgv: ['/s/bin/ccache-probe', 'ccache-probe', '-p'],
    predictedOutcome: 'recursive-invocation',
    exitCode: 1,
    outputHead: [
      'ccache-probe: error: Recursive invocation (the name of the ccache binary must be "ccache-probe")',
    ],
    ...overrides,
  };
}

const withP = (o: Partial<Unjudged> = {}) =>
  run({
    handler: 'with P',
    preserveArgv0: true,
    predictedArgv: ['ccache-probe', 'ccache-probe', '-p'],
    observedArgv: ['ccache-probe', 'ccache-probe', '-p'],
    predictedOutcome: 'success',
    exitCode: 0,
    outputHead: ['argv[0]: ccache-probe'],
    ...o,
  });

describe('judgePair', () => {
  it('reproduced without P, fixed with P, when both behave as predicted', () => {
    const [w, p] = judgePair(run({}), withP());
    expect(w.verdict).toBe('reproduced');
    expect(p.verdict).toBe('fixed');
  });

  it('unexpected when the failure does not happen', () => {
    const [w] = judgePair(run({ exitCode: 0, outputHead: ['argv[0]: /s/bin/ccache-probe'] }), withP());
    expect(w.verdict).toBe('unexpected');
  });

  it('unexpected when the program saw another argv than predicted', () => {
    const [, p] = judgePair(run({}), withP({ observedArgv: ['/s/bin/ccache-probe', 'ccache-probe', '-p'] }));
    expect(p.verdict).toBe('unexpected');
    expect(p.reason).toContain('predicted [ccache-probe ccache-probe -p]');
  });

  it('not affected when argv[0] is not rewritten (./a.out)', () => {
    const common = {
      caseId: 'relative',
      subject: 'argv-example' as const,
      command: ['./a.out', '1'],
      predictedArgv: ['./a.out', '1'],
      observedArgv: ['./a.out', '1'],
      predictedOutcome: 'success' as const,
      exitCode: 0,
      outputHead: ['Total Number of args: 2'],
    };
    const [w, p] = judgePair(run(common), withP(common));
    expect([w.verdict, p.verdict]).toEqual(['not affected', 'not affected']);
  });

  it('a ccache 4.x that behaves the same both ways is not affected; one that differs is unexpected', () => {
    const same = {
      caseId: 'ccache',
      subject: 'ccache' as const,
      observedArgv: null,
      predictedOutcome: 'same-with-and-without-p' as const,
      exitCode: 0,
      outputHead: ['(default) max_size = 5.0 GB'],
    };
    const [w, p] = judgePair(run(same), withP(same));
    expect([w.verdict, p.verdict]).toEqual(['not affected', 'not affected']);
    const [w2] = judgePair(run({ ...same, exitCode: 1 }), withP(same));
    expect(w2.verdict).toBe('unexpected');
  });
});
