import { buildProgram, CROSS_CC, QEMU, runUnderEmulator, runUnderQemu } from '@arm64kit/test-programs';
import { available, commandProblem } from '@arm64kit/vitest-config/prerequisites';
import { describe, expect, it } from 'vitest';
import { inProcess } from './support/in-process.js';

const prerequisites =
  commandProblem(CROSS_CC, 'gcc-aarch64-linux-gnu') ?? commandProblem(QEMU, 'qemu-user-static');

/**
 * execve replaces the program in the same machine. qemu-aarch64-static hands execve to the host
 * kernel, which (without a binfmt_misc handler, and tests never register one for ELF) cannot run
 * an aarch64 program, so the oracle for a successful exec is qemu running the new program
 * directly with the argv and environment the exec passed; what the new image inherits
 * (descriptors, dispositions, mask, pid) is checked against the rules of execve(2).
 */
describe.runIf(available('aarch64 execve tests', prerequisites))('execve in the same machine', () => {
  it('starts the new image with the argv and envp it was given, as qemu starts that program', async () => {
    const binary = buildProgram('exec');
    const ours = await runUnderEmulator(binary, inProcess(), { args: ['chain'] });
    const [argvLine, ...rest] = ours.stdout.split('\n');
    const fds = /\[state\] \[(\d+)\] \[(\d+)\]$/.exec(argvLine);
    expect(fds, ours.stdout).not.toBeNull();
    const direct = await runUnderQemu(binary, {
      argv0: 'renamed-child',
      args: ['child', 'state', fds?.[1] ?? '', fds?.[2] ?? ''],
      env: { ONLY: 'this', EMPTY: '' },
    });
    // argv, envp and the exit status agree with a fresh start of the same program (the
    // environment's order is the spawner's, not the program's).
    const theirs = direct.stdout.split('\n');
    expect(argvLine).toBe(theirs[0]);
    expect(rest.slice(0, 2)).toEqual(['env ONLY=this', 'env EMPTY=']);
    expect([...rest.slice(0, 2)].sort()).toEqual(theirs.slice(1, 3).sort());
    expect(ours.status).toBe(direct.status);
    // What survives exec: descriptors without FD_CLOEXEC (with their contents), ignored
    // signals, the mask and the pid; handlers and unflushed stdio buffers do not.
    expect(rest.slice(2)).toEqual([
      'kept fd open 1, cloexec fd closed 1',
      'read through the kept fd: pid follows 1 [from before exec]',
      'SIGUSR1 still ignored 1',
      'SIGUSR2 handler reset 1',
      'SIGTERM still blocked 1, SIGUSR2 not 1',
      'same pid 1',
      '/proc/self/exe readable 1',
      '',
    ]);
    expect(ours.stdout).not.toContain('lost');
  });

  it('re-executes the program through /proc/self/exe, as qemu runs it again directly', async () => {
    // (qemu hands that execve to the host kernel, where /proc/self/exe is qemu itself: ENOEXEC.)
    const binary = buildProgram('procfs');
    const ours = await runUnderEmulator(binary, inProcess(), { args: ['reexec'] });
    const direct = await runUnderQemu(binary, { args: ['reexeced'] });
    expect(ours).toEqual(direct);
    expect(ours.stdout).toContain('exe is the program: 1\n');
  });

  it('runs a #! script through its interpreter with the kernel argv rewrite', async () => {
    const binary = buildProgram('exec');
    const ours = await runUnderEmulator(binary, inProcess(), { args: ['script'] });
    const direct = await runUnderQemu(binary, {
      argv0: binary,
      args: ['child', './via-script', 'one', 'two'],
      env: {},
    });
    expect(ours).toEqual(direct);
  });

  it('refuses programs of other architectures with ENOEXEC (qemu would hand them to the host)', async () => {
    const binary = buildProgram('exec');
    const ours = await runUnderEmulator(binary, inProcess(), { args: ['foreign', process.execPath] });
    expect(ours).toEqual({ stdout: 'host program: ENOEXEC\n', stderr: '', status: 0 });
  });

  it('re-executes the program through /proc/self/exe, as qemu starts that program afresh', async () => {
    const binary = buildProgram('procfs');
    const env = { PATH: '/bin' };
    const ours = await runUnderEmulator(binary, inProcess(), { args: ['reexec'], env });
    const direct = await runUnderQemu(binary, { args: ['reexeced'], env });
    expect(ours.stdout).toContain('exe is the program: 1');
    expect([ours.status, ours.stdout, ours.stderr]).toEqual([direct.status, direct.stdout, direct.stderr]);
  });
});
