import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureArm64Rootfs } from '@arm64kit/fixtures';
import { QEMU } from '@arm64kit/test-programs';
import { available, commandProblem, rootProblem } from '@arm64kit/vitest-config/prerequisites';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chrootOracleCommand, chrootOracleProblem } from './chroot-oracle.js';
import { CLI_BIN } from './repro-helpers.js';
import { execute } from './spawn-outcome.js';
import { TmuxSession } from './tmux-session.js';

/**
 * Terminals under `arm64kit run --sysroot`, against qemu-aarch64-static in a chroot of the same
 * Debian bookworm root: `script` making a pseudo-terminal inside the guest, and an interactive
 * bash on a terminal of its own (tmux) doing job control — Ctrl-Z, jobs, bg, fg, Ctrl-C — and
 * following a resize, compared screen for screen.
 */
const ready =
  available('Debian terminals (root, to unpack the root filesystem)', rootProblem()) &&
  available('Debian terminals (qemu)', commandProblem(QEMU, 'qemu-user-static')) &&
  available('Debian terminals (debootstrap)', commandProblem('debootstrap', 'debootstrap')) &&
  available('Debian terminals (tmux)', commandProblem('tmux', 'tmux')) &&
  available('Debian terminals (a private binfmt_misc for the chroot oracle)', chrootOracleProblem());

/** The prompt is bash's default, "#" or "$" by the user running the tests. */
const PROMPT = /^bash-[0-9.]+[#$](?= |$)/;
const prompted = (screen: string[]) => PROMPT.test(screen.at(-1) ?? '');
/** The screen with the prompt made the same whoever runs it. */
const normalised = (screen: string[]) => screen.map((line) => line.replace(PROMPT, 'PROMPT'));

/** Whether the screen shows `command` typed at a prompt, and a new prompt after it. */
function answered(screen: string[], command: string): boolean {
  let typed = screen.length - 2; // the last line is the new prompt
  while (typed >= 0 && !(PROMPT.test(screen[typed]) && screen[typed].endsWith(` ${command}`))) typed--;
  return typed >= 0 && prompted(screen);
}

/** A job that says when it runs in the foreground, so Ctrl-Z is typed at it and not at bash. */
const JOB = '(echo started; exec sleep 30)';

/** Drives `bash --norc -i` through the session and returns the final screen. */
async function jobControlSession(command: readonly string[]): Promise<string[]> {
  const session = new TmuxSession(command, 80, 24);
  try {
    await session.waitFor('the first prompt', prompted);
    session.line('echo hello');
    await session.waitFor('hello', (s) => answered(s, 'echo hello'));
    session.line(JOB);
    await session.waitFor('the job to start', (s) => s.at(-1) === 'started');
    session.send('C-z');
    await session.waitFor('the job to stop', (s) => prompted(s) && s.some((l) => l.includes('Stopped')));
    session.line('jobs');
    await session.waitFor('jobs', (s) => answered(s, 'jobs'));
    session.line('bg');
    await session.waitFor('bg', (s) => answered(s, 'bg'));
    session.line('jobs');
    await session.waitFor('jobs', (s) => answered(s, 'jobs') && s.at(-2)?.includes('Running') === true);
    session.line('fg');
    await session.waitFor('fg', (s) => !!s.at(-2)?.endsWith(' fg') && !!s.at(-1)?.includes('sleep 30'));
    // fg prints the job, then gives it the terminal and continues it: let it get there.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    session.send('C-c');
    await session.waitFor('the interrupted job', (s) => prompted(s) && s.at(-2) === '^C');
    session.line('echo $?');
    await session.waitFor('the status', (s) => answered(s, 'echo $?'));
    session.resize(100, 30);
    await session.waitFor('the resize', () => session.screen().length > 0);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // SIGWINCH reaches bash
    session.line('echo $COLUMNS');
    await session.waitFor('$COLUMNS', (s) => answered(s, 'echo $COLUMNS'));
    return normalised(session.screen());
  } finally {
    session.close();
  }
}

/**
 * A host shell (bash on the host, with job control) runs the emulator on cat, `$GUEST` being
 * the emulator's command: Ctrl-Z stops the emulator itself, as it stops qemu, `fg` continues it.
 */
async function suspendedJob(guest: string, root: string, ownLineDiscipline: boolean): Promise<string[]> {
  const shell = [
    'env',
    '-i',
    'PATH=/usr/bin:/bin',
    `GUEST=${guest}`,
    `ROOT=${root}`,
    'bash',
    '--norc',
    '--noprofile',
    '-i',
  ];
  const session = new TmuxSession(shell, 80, 24);
  const count = (s: string[], line: string) => s.filter((l) => l === line).length;
  try {
    await session.waitFor('the host shell', prompted);
    // What is typed before arm64kit puts the terminal in raw mode is echoed by the host's line
    // discipline and then again by arm64kit's: with it, type once node runs in the foreground
    // (not stopped) and the terminal is raw (the shell's own raw mode ended when it ran it).
    const readyToType = async () => {
      if (!ownLineDiscipline) return;
      const tty = session.paneTty();
      const show = (argv: string[]) => spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' }).stdout;
      await session.waitFor(
        'arm64kit running in the foreground with the terminal raw',
        () =>
          show(['ps', '-t', tty.replace(/^\/dev\//, ''), '-o', 'stat=,comm='])
            .split('\n')
            .some((line) => /^[^T\s]\S*\+\s+node/.test(line.trim())) &&
          show(['stty', '-F', tty, '-a']).includes(' -icanon'),
      );
    };
    session.line('$GUEST "$ROOT/bin/cat"');
    await readyToType();
    session.line('abc');
    await session.waitFor('cat', (s) => count(s, 'abc') === 2);
    session.send('C-z');
    await session.waitFor('the stopped job', (s) => prompted(s) && s.some((l) => l.includes('Stopped')));
    session.line('jobs');
    await session.waitFor('jobs', (s) => answered(s, 'jobs'));
    session.line('fg');
    await session.waitFor('fg', (s) => !!s.at(-2)?.endsWith(' fg') && !!s.at(-1)?.includes('bin/cat'));
    await readyToType();
    session.line('def');
    await session.waitFor('cat again', (s) => count(s, 'def') === 2);
    session.send('C-d');
    await session.waitFor('the end of cat', prompted);
    session.line('echo $?');
    await session.waitFor('its status', (s) => answered(s, 'echo $?'));
    return normalised(session.screen());
  } finally {
    session.close();
  }
}

describe.runIf(ready)('terminals under arm64kit as under qemu', () => {
  let root: string;

  beforeAll(async () => {
    const { tarPath } = await ensureArm64Rootfs();
    root = mkdtempSync(join(tmpdir(), 'arm64kit-terminal-'));
    const untar = spawnSync('tar', ['-xf', tarPath, '-C', root], { encoding: 'utf8' });
    expect(untar.status, untar.stderr).toBe(0);
  }, 1_800_000);

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('script runs a shell on a pseudo-terminal it makes inside the guest', async () => {
    const argv = ['/usr/bin/script', '-qc', 'tty; stty size; stty -a | head -1; echo hi', '/dev/null'];
    const expected = await execute(chrootOracleCommand(root, argv, { devpts: true }));
    const actual = await execute([
      process.execPath,
      CLI_BIN,
      'run',
      '--sysroot',
      root,
      join(root, argv[0]),
      ...argv.slice(1),
    ]);
    expect(expected.status).toBe(0); // the oracle itself ran
    expect(expected.stdout).toContain('/dev/pts/0');
    expect(actual).toEqual(expected);
  }, 240_000);

  it('interactive bash: a job stopped with Ctrl-Z, jobs, bg, fg, Ctrl-C, $? and $COLUMNS after a resize', async () => {
    const shell = ['/bin/bash', '--norc', '-i'];
    const expected = await jobControlSession(chrootOracleCommand(root, shell));
    const actual = await jobControlSession([
      process.execPath,
      CLI_BIN,
      'run',
      '--sysroot',
      root,
      join(root, shell[0]),
      ...shell.slice(1),
    ]);
    expect(expected).toContain('100'); // the oracle's bash saw the resize
    expect(actual).toEqual(expected);
  }, 300_000);

  /** The 80x24 screen once `commands` (run by sh with the root as $0) have finished. */
  async function screenOnceDone(commands: string): Promise<string[]> {
    const session = new TmuxSession(['sh', '-c', `${commands}; echo done; sleep 60`, root], 80, 24);
    try {
      await session.waitFor('stty', (s) => s.at(-1) === 'done');
      return session.screen();
    } finally {
      session.close();
    }
  }

  it("shows a program the host terminal's settings and size, as qemu passes them on", async () => {
    const screen = (guest: string) => screenOnceDone(`${guest} "$0/bin/stty" -a`);
    const expected = await screen(`${QEMU} -L "$0"`);
    const actual = await screen(`${process.execPath} ${CLI_BIN} run --sysroot "$0"`);
    expect(expected[0]).toContain('rows 24; columns 80');
    expect(actual).toEqual(expected);
  }, 300_000);

  it('echoes what was typed before the program started once, as the host terminal did', async () => {
    // The line is typed while the shell sleeps, so the host's line discipline echoes it
    // before the emulator starts; cat then prints it once more, and nothing else may.
    const screen = async (guest: string) => {
      const command = `sleep 2; ${guest} "$0/bin/cat"; echo "done $?"; sleep 60`;
      const session = new TmuxSession(['sh', '-c', command, root], 80, 24);
      try {
        session.line('typed ahead');
        await session.waitFor('cat', (s) => s.filter((l) => l === 'typed ahead').length >= 2);
        await new Promise((resolve) => setTimeout(resolve, 1000)); // a third echo would show by now
        session.send('C-d');
        await session.waitFor('the end of cat', (s) => s.some((l) => l.startsWith('done')));
        return session.screen();
      } finally {
        session.close();
      }
    };
    const expected = await screen(`${QEMU} -L "$0"`);
    const actual = await screen(`${process.execPath} ${CLI_BIN} run --sysroot "$0"`);
    expect(expected.filter((line) => line === 'typed ahead')).toHaveLength(2);
    expect(actual).toEqual(expected);
  }, 300_000);

  it('leaves the settings the program gave the terminal on it when it ends, as under qemu', async () => {
    const settings = '-echo -icanon min 3 time 2 intr ^A -ixon';
    const screen = (guest: string) =>
      screenOnceDone(`${guest} "$0/bin/stty" ${settings}; stty -a; stty sane`);
    const expected = await screen(`${QEMU} -L "$0"`);
    const actual = await screen(`${process.execPath} ${CLI_BIN} run --sysroot "$0"`);
    expect(expected.join('\n')).toContain('intr = ^A');
    expect(actual).toEqual(expected);
  }, 300_000);

  it('Ctrl-Z at the program stops the emulator for its shell, and fg continues it', async () => {
    const expected = await suspendedJob(`${QEMU} -L ${root}`, root, false);
    const actual = await suspendedJob(`${process.execPath} ${CLI_BIN} run --sysroot ${root}`, root, true);
    expect(expected.filter((line) => line.includes('Stopped'))).toHaveLength(2); // the oracle stopped
    expect(actual).toEqual(expected);
  }, 300_000);
});
