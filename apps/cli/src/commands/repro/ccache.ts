import { join } from 'node:path';
import {
  BACKEND_NAMES,
  type BackendName,
  createBackend,
  REPRO_ARCHES,
  type ReproReport,
  renderReport,
  runRepro,
  type ScenarioName,
} from '@arm64kit/repro';
import { Flags } from '@oclif/core';
import { archFlag, resolveArch } from '../../lib/arch-flag.js';
import { BaseCommand } from '../../lib/base-command.js';

/**
 * `arm64kit repro ccache`: `ccache ccache -p` (and the argv0-sensitive probe) under an
 * aarch64 handler without P and with P, on the chosen backend. `repro argv` reuses this
 * class with the argv scenario.
 */
export default class ReproCcache extends BaseCommand {
  static override summary =
    'Reproduce "ccache ccache -p" failing under a binfmt handler without P, and its fix';
  static override description = [
    'The scenario: on an x86_64 host, in an arm64 Ubuntu 20.04 image (ccache 3.7), `ccache ccache -p` fails with "Recursive invocation" when the aarch64 binfmt_misc handler was registered without the P (preserve-argv[0]) flag, because the kernel replaces argv[0] with the path it executed. This command runs ccache\'s argv[0] check (an aarch64 probe that follows ccache 3.7, and a real ccache when one is available) under such a handler, then under one with P, and reports the argv each program saw, its exit status and a verdict.',
    'Backends: embedded (default; the arm64kit emulator, no root, Docker or qemu needed), host (real binfmt_misc as root with qemu-aarch64-static; restores it afterwards, also on Ctrl-C) and docker (a Dockerfile FROM arm64v8/ubuntu:20.04 that installs ccache and runs `ccache ccache -p`, built for linux/arm64).',
    "Architectures: aarch64, the write-up's, by default; --arch riscv64 runs the same scenario with riscv64 builds of the programs under a riscv64 handler (qemu-riscv64-static on the host backend; the riscv64 frontend of the emulator on the embedded one; linux/riscv64 FROM riscv64/ubuntu:20.04 on the docker one).",
    'Exit status: 0 when everything behaved as predicted, 1 when something did not, 125 when the backend could not run.',
  ].join('\n\n');

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --backend host --ccache ./ccache-3.7.7-aarch64',
    '<%= config.bin %> <%= command.id %> --backend docker --base-image arm64v8/ubuntu:20.04',
    '<%= config.bin %> <%= command.id %> --backend docker --via image --base-image example/bookworm-arm64',
    '<%= config.bin %> <%= command.id %> --backend host --rootfs /srv/bookworm-arm64 --json',
    '<%= config.bin %> <%= command.id %> --backend host --interpreter arm64kit',
    '<%= config.bin %> <%= command.id %> --arch riscv64 --json',
  ];

  static override flags = {
    backend: Flags.string({
      char: 'b',
      summary: 'Where to run: the embedded emulator, the host kernel, or Docker.',
      options: [...BACKEND_NAMES],
      default: 'embedded',
    }),
    arch: archFlag({
      what: 'architecture of the programs and of the handler',
      supported: REPRO_ARCHES,
      byDefault: 'aarch64',
    }),
    'base-image': Flags.string({
      summary:
        'docker: the base image of the Dockerfile (default arm64v8/ubuntu:20.04; riscv64/ubuntu:20.04 with --arch riscv64).',
    }),
    ccache: Flags.string({
      summary: 'A ccache binary of the architecture to run as ccache (every backend).',
    }),
    rootfs: Flags.string({
      summary: 'A root filesystem of the architecture to run in (host: chroot; embedded: sysroot).',
    }),
    interpreter: Flags.string({
      summary:
        'host/docker: the interpreter the handler names (default qemu-ARCH-static); host: "arm64kit" for this emulator.',
    }),
    via: Flags.string({
      summary:
        'docker: register the handler on this host (root), through a registration image (see `docker registrar`), or auto.',
      options: ['auto', 'host', 'image'],
    }),
  };

  protected scenario: ScenarioName = 'ccache';

  async run(): Promise<ReproReport> {
    const { flags } = await this.parse(this.constructor as typeof ReproCcache);
    const arch = resolveArch(flags.arch ?? 'aarch64', {
      supported: REPRO_ARCHES,
      who: 'arm64kit repro',
      why: (name) => `arm64kit's emulator has no ${name} frontend`,
    });
    // "arm64kit" as the interpreter: binfmt_misc starts this very CLI's `run` command.
    const ownEmulator = flags.interpreter === 'arm64kit';
    const backend = createBackend(flags.backend as BackendName, {
      arch,
      baseImage: flags['base-image'],
      ccache: flags.ccache,
      rootfs: flags.rootfs,
      interpreter: ownEmulator ? undefined : flags.interpreter,
      arm64kitCommand: ownEmulator ? [process.execPath, join(this.config.root, 'bin', 'run.js')] : undefined,
      via: flags.via as 'auto' | 'host' | 'image' | undefined,
    });
    this.note(`repro ${this.scenario} (${arch}) on the ${backend.name} backend`);
    const report = await runRepro({
      scenario: this.scenario,
      backend,
      onProgress: (m) => this.note(`  ${m}`),
    });
    if (!this.jsonEnabled()) this.log(renderReport(report).trimEnd());
    // 1 when something did not behave as predicted; the report says what.
    if (report.exitCode !== 0) process.exitCode = report.exitCode;
    return report;
  }
}
