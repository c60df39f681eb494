import { elfMachineName } from '@arm64kit/binfmt';
import type { InterpreterFacts } from './facts-types.js';
import { reinstallCommand } from './fixes.js';
import type { HandlerView } from './handler-view.js';
import type { Finding } from './types.js';

export interface InterpreterContext {
  arch: string;
  /** The binfmt_misc directory, for the fix commands. */
  dir?: string;
  /** A static interpreter present on this host to suggest in fixes (e.g. /usr/bin/qemu-aarch64-static). */
  staticCandidate?: string;
}

/** The install hint when this host has no usable static interpreter to point at. */
const NO_CANDIDATE = 'apt-get install qemu-user-static';

/**
 * Checks the file a handler runs: it must exist (unless F already holds it open), be executable,
 * and be static, since a dynamic interpreter's loader path is resolved inside the container or
 * chroot, where the host's libraries are not.
 */
export function checkInterpreter(
  handler: HandlerView,
  interp: InterpreterFacts | undefined,
  ctx: InterpreterContext,
): Finding[] {
  const path = handler.interpreter;
  const id = (what: string) => `interpreter.${what}`;
  const line = `${handler.name}: interpreter ${path}`;
  const replacement = ctx.staticCandidate;
  const fixWith = replacement
    ? reinstallCommand({ arch: ctx.arch, name: handler.name, interpreter: replacement, dir: ctx.dir })
    : `${NO_CANDIDATE} && ${reinstallCommand({ arch: ctx.arch, name: handler.name, interpreter: `/usr/bin/qemu-${ctx.arch}-static`, dir: ctx.dir })}`;
  if (!interp?.exists) {
    // With F the kernel opened the file when the entry was registered and keeps using it, so the
    // handler still works until it is registered again (after a reboot, for instance).
    return [
      {
        id: id('missing'),
        severity: handler.flags.fixBinary ? 'warning' : 'error',
        title: handler.flags.fixBinary
          ? `interpreter ${path} of ${handler.name} is gone; it only works until re-registered (F keeps the old file open)`
          : `interpreter ${path} of ${handler.name} does not exist`,
        evidence: `${line} (no such file)`,
        explanation:
          'The kernel picks this handler and then cannot open its interpreter, so the program fails with ' +
          '"exec format error" or "No such file or directory" though the file is right there.',
        fix: fixWith,
      },
    ];
  }
  if (!interp.executable) {
    return [
      {
        id: id('not-executable'),
        severity: 'error',
        title: `interpreter ${path} of ${handler.name} is not an executable file`,
        evidence: `${line} (not executable)`,
        explanation: 'The kernel cannot execute the interpreter: programs fail with "Permission denied".',
        fix: `chmod 755 ${path}`,
      },
    ];
  }
  if (!interp.elf && interp.shebang) {
    const runner = interp.shebang.slice(2).trim();
    return [
      {
        id: id('script'),
        severity: 'warning',
        title: `interpreter ${path} of ${handler.name} is a script: it works on this host, but inside containers and chroots only where ${runner.split(/\s+/)[0]} exists`,
        evidence: `${line} (${interp.shebang})`,
        explanation:
          `Even with F (which opens ${path} itself on the host) the kernel looks up ${runner} in the ` +
          'container\'s or chroot\'s root, where it is usually missing: "exec format error" or "No such file ' +
          'or directory". A statically linked interpreter has no such dependency.',
        fix: fixWith,
      },
    ];
  }
  if (!interp.elf) {
    return [
      {
        id: id('not-elf'),
        severity: 'warning',
        title: `interpreter ${path} of ${handler.name} is not an ELF program; cannot tell whether it is static`,
        evidence: `${line} (${interp.elfError ?? 'unreadable'})`,
      },
    ];
  }
  if (interp.elf.interpreter !== null) {
    return [
      {
        id: id('dynamic'),
        severity: 'error',
        title: `interpreter ${path} of ${handler.name} is dynamically linked: it fails inside containers and chroots`,
        evidence: `${line} (PT_INTERP ${interp.elf.interpreter}, ${elfMachineName(interp.elf.machine, interp.elf.elfClass, interp.elf.endian)})`,
        explanation:
          `The kernel starts ${path} inside the container's root, where ${interp.elf.interpreter} and the ` +
          'host\'s libraries are missing: programs fail with "exec format error" or "No such file or ' +
          'directory". Use a statically linked interpreter (qemu-*-static).',
        fix: fixWith,
      },
    ];
  }
  return [
    {
      id: id('ok'),
      severity: 'info',
      title: `interpreter ${path} of ${handler.name} exists and is static`,
      evidence: `${line} (static ${elfMachineName(interp.elf.machine, interp.elf.elfClass, interp.elf.endian)} ELF)`,
    },
  ];
}
