import { architectureNamed, describeElf, elfMachineName } from '@arm64kit/binfmt';
import type { DoctorFacts, ProgramFacts } from './facts-types.js';
import type { HandlerAnalysis } from './handler.js';
import { argvFor, kernelPick } from './handler-view.js';
import type { Finding } from './types.js';

/** The ELF machine number of the host, from Node's name for it (the names table knows them all). */
export function hostMachine(nodeArch: string = process.arch): number | undefined {
  return architectureNamed(nodeArch)?.elfMachine;
}

/** Whether arm64kit's own emulator can run the program (`arm64kit run PROGRAM`), and why not. */
export interface EmulatorVerdict {
  ok: boolean;
  reason: string;
}

/**
 * Checks a program: what it is, which handler the kernel would run it with, what argv that
 * handler's interpreter receives, and whether arm64kit's emulator can run it instead.
 */
export function checkProgram(
  facts: DoctorFacts,
  program: ProgramFacts,
  analysis: HandlerAnalysis | null,
  emulator: EmulatorVerdict | null,
): Finding[] {
  const { path } = program;
  if (!program.exists) {
    return [
      {
        id: 'program.missing',
        severity: 'error',
        title: `${path} cannot be read`,
        evidence: `open ${path} failed`,
      },
    ];
  }
  const findings: Finding[] = [];
  const elf = program.elf;
  if (!elf) {
    findings.push({
      id: 'program.not-elf',
      severity: 'info',
      title: `${path} is not an ELF program (${program.elfError}); only a handler matching its bytes or name runs it`,
      evidence: `first bytes: ${hexPreview(program.header)}`,
    });
  } else {
    const linking = elf.interpreter ? `dynamically linked (loader ${elf.interpreter})` : 'statically linked';
    findings.push({
      id: 'program.elf',
      severity: 'info',
      title: `${path}: ${describeElf(elf)}, ${linking}`,
      evidence: `e_ident class ${elf.elfClass}, e_machine ${elf.machine}, e_type ${elf.type}`,
    });
    if (elf.machine === hostMachine()) {
      findings.push({
        id: 'program.native',
        severity: 'info',
        title: `${path} is built for this host (${elfMachineName(elf.machine, elf.elfClass, elf.endian)}): it runs natively, no handler involved`,
        evidence: `e_machine ${elf.machine}`,
      });
      return findings;
    }
    if (elf.interpreter && program.loaderExists === false) {
      findings.push({
        id: 'program.loader-missing',
        severity: 'warning',
        title: `${path} needs ${elf.interpreter}, which this host does not have: run it in a ${elfMachineName(elf.machine, elf.elfClass, elf.endian)} root (container, chroot) or with a sysroot`,
        evidence: `PT_INTERP ${elf.interpreter} (not found)`,
        explanation:
          'Run directly, the program fails with "No such file or directory" although the file exists: the ' +
          'missing file is its loader. qemu finds one with -L DIR or QEMU_LD_PREFIX=DIR.',
      });
    }
  }
  if (analysis && program.header) {
    const views = analysis.handlers.map((h) => h.view);
    const globallyEnabled = facts.binfmt.status?.trim() === 'enabled';
    const used = kernelPick(views, { path, header: program.header, enabled: globallyEnabled });
    if (!used) {
      findings.push({
        id: 'program.no-handler',
        severity: 'error',
        title: globallyEnabled
          ? `no enabled handler matches ${path}: running it fails with "exec format error"`
          : `binfmt_misc is globally disabled: running ${path} fails with "exec format error"`,
        evidence: `first bytes: ${hexPreview(program.header)}`,
      });
    } else {
      const argv = argvFor(used, { path, argv: program.argv });
      const argv0 = program.argv[0];
      // Without P the program sees the path it was run by; that matters when argv[0] was different.
      const argv0Lost = !used.flags.preserveArgv0 && argv0 !== path;
      findings.push({
        id: 'program.handler',
        severity: argv0Lost ? 'warning' : 'info',
        title: argv0Lost
          ? `the kernel runs ${path} with ${used.name}, which lacks P: the program sees argv[0] ${JSON.stringify(path)}, not ${JSON.stringify(argv0)}`
          : `the kernel runs ${path} with ${used.name}: ${used.interpreter} receives ${JSON.stringify(argv)}`,
        evidence: `${facts.binfmt.dir}/${used.name}: ${used.flagsLine}; ${used.interpreter} receives ${JSON.stringify(argv)}`,
        explanation: used.flags.preserveArgv0
          ? `With P the interpreter gets the original argv[0] (${JSON.stringify(argv0)}) as an extra argument and passes it on.`
          : `Without P the program sees ${JSON.stringify(path)} as argv[0] instead of ${JSON.stringify(argv0)}.`,
      });
    }
  }
  if (emulator) {
    const sysroot = elf?.interpreter && program.loaderExists === false ? '--sysroot DIR ' : '';
    findings.push({
      id: emulator.ok ? 'program.emulator-ok' : 'program.emulator-cannot',
      severity: 'info',
      title: emulator.ok
        ? `arm64kit's own emulator can run it without any handler: arm64kit run ${sysroot}${path}`
        : `arm64kit's own emulator cannot run it: ${emulator.reason}`,
      evidence: emulator.reason,
    });
  }
  return findings;
}

function hexPreview(header: Uint8Array | undefined): string {
  if (!header || header.length === 0) return '(empty file)';
  return Array.from(header.subarray(0, 20), (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/**
 * Whether `arm64kit run` can run the program: its ELF loader (@arm64kit/core with the frontend
 * its ELF header names, aarch64 or riscv64) accepted the file; a dynamic one also needs its
 * loader and libraries from a sysroot.
 */
export function emulatorVerdict(program: ProgramFacts): EmulatorVerdict | null {
  const load = program.emulatorLoad;
  if (!program.elf) return program.exists ? { ok: false, reason: 'not an ELF program' } : null;
  if (!load) return null;
  if (!load.ok) return { ok: false, reason: load.reason };
  const interp = program.elf.interpreter;
  if (interp && program.loaderExists === false) {
    return {
      ok: true,
      reason: `dynamic: give it a root holding ${interp} and its libraries with --sysroot DIR`,
    };
  }
  const { elfClass, machine, endian } = program.elf;
  const arch = elfMachineName(machine, elfClass, endian);
  return { ok: true, reason: `ELF${elfClass} ${arch} ${interp ? 'dynamic' : 'static'} executable` };
}
