import { buildProgram, CROSS_CC, runNatively, runUnderEmulator } from '@arm64kit/test-programs';
import { available, commandProblem } from '@arm64kit/vitest-config/prerequisites';
import { describe, expect, it } from 'vitest';
import { inProcess } from './support/in-process.js';

const prerequisites = commandProblem(CROSS_CC, 'gcc-aarch64-linux-gnu') ?? commandProblem('cc', 'gcc');

/**
 * A pseudo-terminal's input queue against the host kernel's own N_TTY, running tty-queue.c built
 * for the host: the emulator's line discipline is compared with the kernel itself, part by part.
 */
describe.runIf(available("a pty's input queue against the kernel", prerequisites))(
  "a pty's input queue as the kernel keeps it",
  () => {
    const parts = {
      eof: 'VEOF is a NUL ending its line: not copied by a canonical read, read once ICANON is off',
      canonical: 'turning ICANON on makes what is queued one line',
      vtime: 'VMIN with VTIME: the timer runs between bytes, from the first byte',
      limit: 'the queue holds 4095 bytes, and a full master stops taking writes',
      notty: 'TIOCNOTTY from a member drops only its own terminal, from the leader the session’s',
    };
    for (const [part, what] of Object.entries(parts)) {
      it(what, { timeout: 120_000 }, async () => {
        const c = { args: [part] };
        const expected = await runNatively(buildProgram('tty-queue', { native: true }), c);
        expect(expected.status).toBe(0);
        const actual = await runUnderEmulator(buildProgram('tty-queue', { opt: 'O2' }), inProcess(), c);
        expect(actual).toEqual(expected);
      });
    }
  },
);
