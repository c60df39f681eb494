import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { available, binfmtProblem, commandProblem } from '@arm64kit/vitest-config/prerequisites';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildAarch64 } from './doctor-helpers.js';
import {
  type BinfmtBytes,
  cli,
  doctor,
  expectHostUnchanged,
  makeScratch,
  registerAarch64,
  removeEntries,
  runFix,
  type Scratch,
  snapshotBinfmt,
  TEST_PREFIX,
} from './doctor-host.js';

/**
 * `arm64kit doctor PROGRAM` against the real thing: the handler it says the kernel picks and the
 * argv[0] it says the program will see are what happens when the kernel runs the program.
 */
describe.runIf(
  available(
    'arm64kit doctor PROGRAM',
    binfmtProblem() ??
      commandProblem('aarch64-linux-gnu-gcc', 'gcc-aarch64-linux-gnu') ??
      commandProblem('qemu-aarch64-static', 'qemu-user-static'),
  ),
)('arm64kit doctor PROGRAM (real binfmt_misc, real aarch64 programs)', () => {
  let scratch: Scratch;
  let programs: ReturnType<typeof buildAarch64>;
  let before: BinfmtBytes;
  const name = `${TEST_PREFIX}${process.pid}-program`;

  beforeAll(() => {
    before = snapshotBinfmt();
    scratch = makeScratch();
    programs = buildAarch64();
  });
  afterEach(() => removeEntries(name));
  afterAll(() => {
    programs?.cleanup();
    scratch?.cleanup();
    expectHostUnchanged(before);
  });

  /** Runs the program through the kernel with argv[0] = "hello"; returns the argv[0] it saw. */
  function realArgv0(path: string): string {
    const run = spawnSync(path, ['one'], { argv0: 'hello', encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    return /argv\[0\]=(.*)/.exec(run.stdout)![1];
  }

  for (const flags of ['OCF', 'POCF']) {
    it(`predicts the handler and the argv[0] the program sees (flags ${flags})`, async () => {
      registerAarch64(name, scratch.staticInterp, flags);
      const { result } = await doctor([
        programs.staticExe,
        '--argv0',
        'hello',
        '--name',
        name,
        '--no-docker',
      ]);
      const byId = (id: string) => result.findings.find((f) => f.id === id);
      expect(byId('program.elf')?.title).toContain(
        'ELF64 little-endian aarch64 executable (ET_EXEC), statically linked',
      );
      const handler = byId('program.handler');
      expect(handler?.title).toContain(`the kernel runs ${programs.staticExe} with ${name}`);
      const preserved = flags.includes('P');
      const expectedInterpArgv = preserved
        ? [scratch.staticInterp, programs.staticExe, 'hello']
        : [scratch.staticInterp, programs.staticExe];
      expect(handler?.evidence).toContain(JSON.stringify(expectedInterpArgv));
      // Losing argv[0] ("hello" run as a path) is a warning; with P all is well.
      expect(handler?.severity).toBe(preserved ? 'info' : 'warning');
      // The kernel and qemu agree with the prediction.
      const seen = realArgv0(programs.staticExe);
      expect(seen).toBe(preserved ? 'hello' : programs.staticExe);
      expect(handler?.explanation).toContain(JSON.stringify(seen));
      expect(byId('program.emulator-ok')).toBeDefined();
    });
  }

  it('a dynamic aarch64 program: names its loader, and whether this host has it', async () => {
    registerAarch64(name, scratch.staticInterp, 'POCF');
    const { result } = await doctor([programs.dynamic, '--name', name, '--no-docker']);
    const ids = result.findings.map((f) => f.id);
    expect(result.findings.find((f) => f.id === 'program.elf')?.title).toContain(
      'dynamically linked (loader /lib/ld-linux-aarch64.so.1)',
    );
    // What doctor says is what happens when the kernel runs it directly on this host.
    const run = spawnSync(programs.dynamic, [], { encoding: 'utf8' });
    if (ids.includes('program.loader-missing')) {
      expect(run.status).not.toBe(0);
      expect(existsSync('/lib/ld-linux-aarch64.so.1')).toBe(false);
    } else {
      expect(run.status).toBe(0);
    }
  });

  it("when doctor says arm64kit's emulator can run a program, it runs it as qemu does", async () => {
    for (const [program, sysroot] of [
      [programs.staticExe, undefined],
      [programs.dynamic, '/usr/aarch64-linux-gnu'],
    ] as const) {
      const { result } = await doctor([program, '--name', name, '--no-docker']);
      const title = result.findings.find((f) => f.id === 'program.emulator-ok')?.title ?? '';
      const command = /arm64kit run (.*)$/.exec(title)?.[1];
      expect(command, title).toBe(sysroot ? `--sysroot DIR ${program}` : program);
      const args = sysroot ? ['run', '--sysroot', sysroot, program, 'one'] : ['run', program, 'one'];
      const emulated = await cli(args);
      const qemu = spawnSync(
        'qemu-aarch64-static',
        sysroot ? ['-L', sysroot, program, 'one'] : [program, 'one'],
        {
          encoding: 'utf8',
        },
      );
      expect(emulated.status).toBe(0);
      expect(emulated.stdout).toBe(qemu.stdout);
    }
  });

  it('F keeps a deleted interpreter working: doctor warns (not errors), and its fix re-registers', async () => {
    const doomed = join(scratch.dir, 'qemu-deleted');
    copyFileSync(scratch.staticInterp, doomed);
    registerAarch64(name, doomed, 'POCF');
    rmSync(doomed);
    const { result } = await doctor([programs.staticExe, '--name', name, '--no-docker']);
    const finding = result.findings.find((f) => f.id === 'interpreter.missing');
    expect(finding?.severity).toBe('warning');
    // What the warning says: the kernel still runs programs with the file it opened.
    expect(realArgv0(programs.staticExe)).toBe('hello');
    await runFix(finding!.fix!, scratch.binDir);
    const after = await doctor([programs.staticExe, '--name', name, '--no-docker']);
    expect(after.result.findings.map((f) => f.id)).not.toContain('interpreter.missing');
  });

  it('with no handler, the program fails with exec format error, as doctor says', async () => {
    const { result, exit } = await doctor([programs.staticExe, '--name', name, '--no-docker']);
    expect(exit).toBe(1);
    expect(result.findings.find((f) => f.id === 'program.no-handler')?.title).toContain('exec format error');
  });

  it('a host program runs natively', async () => {
    const { result } = await doctor(['/bin/true', '--name', name, '--no-docker']);
    expect(result.findings.map((f) => f.id)).toContain('program.native');
  });
});
