import { describe, expect, it } from 'vitest';
import { observedArgv, outputHead } from '../src/observe.js';

describe('observedArgv', () => {
  it("reads the write-up's example output", () => {
    const out = 'Total Number of args: 4\n0th argv: ./a.out\n1th argv: 1\n2th argv: 2\n3th argv: 3\n';
    expect(observedArgv('argv-example', out)).toEqual(['./a.out', '1', '2', '3']);
  });

  it("reads the probe's output, spaces kept", () => {
    expect(
      observedArgv('ccache-probe', 'argv[0]: /a b/ccache-probe\nargv[1]: x\ncompiler found in PATH: y\n'),
    ).toEqual(['/a b/ccache-probe', 'x']);
  });

  it('refuses output with gaps, and a real ccache (which never prints its argv)', () => {
    expect(observedArgv('ccache-probe', 'argv[0]: a\nargv[2]: c\n')).toBeNull();
    expect(observedArgv('argv-example', 'nothing\n')).toBeNull();
    expect(observedArgv('ccache', 'argv[0]: a\n')).toBeNull();
  });

  it('puts stderr first in the output head', () => {
    expect(outputHead('out1\nout2\n', 'err1\n', 2)).toEqual(['err1', 'out1']);
  });
});
