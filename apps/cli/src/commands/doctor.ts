import { architectureOfElf, readElfHeader } from '@arm64kit/binfmt';
import { Args, Flags } from '@oclif/core';
import ansis from 'ansis';
import { DEFAULT_BINFMT_DIR, gatherFacts } from '../doctor/facts.js';
import { presetView } from '../doctor/handler-view.js';
import { diagnose, exitCodeFor } from '../doctor/index.js';
import { hostMachine } from '../doctor/program.js';
import { renderFindings, summarize } from '../doctor/render.js';
import type { Finding, Severity } from '../doctor/types.js';
import { archFlag, resolveArch } from '../lib/arch-flag.js';
import { BaseCommand } from '../lib/base-command.js';

export interface DoctorResult {
  arch: string;
  ok: boolean;
  summary: string;
  findings: Finding[];
}

export default class Doctor extends BaseCommand {
  static override summary =
    'Explain "exec format error" and argv[0] surprises: check binfmt_misc, the handler, the kernel, Docker';

  static override description =
    `Checks that binfmt_misc is mounted and enabled, that a handler for the architecture is registered and enabled, that its interpreter exists and is static, and that it has the F (fix-binary), P (preserve-argv0) and C (credentials) flags; which of several matching handlers the kernel uses; kernel features; with PROGRAM, what it is, which handler runs it and with which argv; and whether Docker runs containers of the architecture.

Every problem comes with the evidence doctor saw and the exact command that fixes it. Exits 1 when it finds an error, 0 otherwise.`;

  static override examples = [
    '<%= config.bin %> doctor',
    '<%= config.bin %> doctor ./hello-aarch64 --argv0 hello',
    '<%= config.bin %> doctor --image my-arm64-image --json',
    '<%= config.bin %> doctor --arch riscv64 --no-docker',
  ];

  static override args = {
    program: Args.string({
      description:
        'a program to check (aarch64, riscv64, any ELF file): which handler runs it, with which argv, and whether arm64kit run can',
    }),
  };

  static override flags = {
    arch: archFlag({
      what: 'architecture whose handler, interpreter and Docker platform to check',
      byDefault: "the one PROGRAM's ELF header names when it is not this host's, else aarch64",
    }),
    argv0: Flags.string({ description: 'the argv[0] PROGRAM is started with (default: PROGRAM as given)' }),
    image: Flags.string({
      description: 'an image of the architecture to try `uname -m` in (default: a local one)',
    }),
    docker: Flags.boolean({ description: 'check the Docker engine', default: true, allowNo: true }),
    name: Flags.string({
      description:
        'only look at binfmt_misc entries whose name starts with this; a missing handler is installed under it',
    }),
    dir: Flags.string({
      description: 'binfmt_misc directory',
      default: DEFAULT_BINFMT_DIR,
      env: 'ARM64KIT_BINFMT_DIR',
    }),
    verbose: Flags.boolean({ char: 'v', description: 'show the evidence of passing checks too' }),
  };

  /** Runs the Docker probe; Ctrl-C or SIGTERM removes its container before doctor exits. */
  private async checkDocker(arch: string, image: string | undefined) {
    // dockerode is slow to load: only when Docker is checked.
    const { gatherDocker } = await import('../doctor/docker-facts.js');
    const controller = new AbortController();
    const abort = () => controller.abort();
    process.once('SIGINT', abort);
    process.once('SIGTERM', abort);
    try {
      return await gatherDocker({ arch, image, signal: controller.signal });
    } finally {
      process.off('SIGINT', abort);
      process.off('SIGTERM', abort);
      if (controller.signal.aborted) {
        this.logToStderr('arm64kit: interrupted');
        this.exit(130);
      }
    }
  }

  async run(): Promise<DoctorResult> {
    const { args, flags } = await this.parse(Doctor);
    // Aliases (arm64, amd64, armhf...) become the preset's name. A wrong --arch is a usage
    // error, not a finding: 125 like any tool error, never 1.
    const arch = presetView(
      flags.arch === undefined ? programArch(args.program) : resolveArch(flags.arch, { who: 'doctor' }),
    ).arch;
    const program = args.program ? { path: args.program, argv: [flags.argv0 ?? args.program] } : undefined;
    const docker = flags.docker ? await this.checkDocker(arch, flags.image) : undefined;
    const facts = await gatherFacts({
      arch,
      dir: flags.dir,
      namePrefix: flags.name,
      program,
      docker,
    });
    const findings = diagnose(facts);
    const code = exitCodeFor(findings);
    const result: DoctorResult = { arch, ok: code === 0, summary: summarize(findings), findings };
    if (this.jsonEnabled()) {
      if (code !== 0) {
        this.logJson(result);
        this.exit(code);
      }
      return result;
    }
    process.stdout.write(renderFindings(findings, { paint: paintMark, verbose: flags.verbose }));
    if (process.getuid?.() !== 0 && findings.some((f) => f.fix && f.severity !== 'info')) {
      this.note("The fixes change the kernel's binfmt_misc: run them as root (or with sudo).");
    }
    if (code !== 0) this.exit(code);
    return result;
  }
}

/**
 * The architecture to check for PROGRAM: the one its ELF header names, unless it is this host's
 * own (it runs natively, the handler for aarch64 is the one worth checking) or not an ELF file.
 */
function programArch(program: string | undefined): string {
  if (program === undefined) return 'aarch64';
  try {
    const elf = readElfHeader(program);
    const names = architectureOfElf(elf.machine, elf.elfClass, elf.endian);
    if (names !== undefined && elf.machine !== hostMachine()) return names.name;
  } catch {
    // Not readable or not ELF: the program findings say so.
  }
  return 'aarch64';
}

/**
 * Severity colours through the library oclif itself colours with, so the doctor follows the same
 * rules as the rest of the CLI: a terminal, FORCE_COLOR, NO_COLOR, --no-color, a CI's log.
 */
const SEVERITY_STYLE: Record<Severity, (text: string) => string> = {
  error: ansis.red,
  warning: ansis.yellow,
  info: ansis.green,
};

function paintMark(severity: Severity, mark: string): string {
  return SEVERITY_STYLE[severity](mark);
}
