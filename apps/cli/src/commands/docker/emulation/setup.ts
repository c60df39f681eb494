import { type EmulationChange, type EmulationPlan, planEmulation, setupEmulation } from '@arm64kit/docker';
import { Flags } from '@oclif/core';
import { archFlag, resolveArch } from '../../../lib/arch-flag.js';
import { BaseCommand } from '../../../lib/base-command.js';
import { recordsDir, saveRecord } from '../../../lib/emulation-records.js';

interface SetupOutput {
  name: string;
  via: 'host' | 'image';
  image?: string;
  registration: string;
  changes: EmulationChange[];
  /** Where the undo was recorded (absent when nothing changed). */
  record?: string;
}

export default class EmulationSetup extends BaseCommand {
  static override summary = 'Register a binfmt_misc handler so containers of another CPU run here';
  static override description =
    `Registers the QEMU handler for --arch (F and P by default: containers need no copy of the interpreter, and programs keep their argv[0]) and leaves it in place — what \`docker run --privileged multiarch/qemu-user-static --reset -p yes\` is used for, but touching nothing else and recording exactly what it changed, so \`arm64kit docker emulation restore\` puts the kernel back as it was.

Two ways to register (--via): on this host (root, qemu-user-static installed), or through a registration image on the Docker engine (build one with \`arm64kit docker registrar\`), which needs no root here, only the engine: its container gets CAP_SYS_ADMIN, not --privileged. The default takes the host when it can and the engine is local, else the newest registration image the engine has.

--arch is any CPU Docker has a platform for (aarch64 for linux/arm64, riscv64 for linux/riscv64, arm, s390x, ppc64le…). --dry-run prints the entry, its register line and the route it would take, and changes nothing.`;
  static override examples = [
    '<%= config.bin %> docker emulation setup',
    '<%= config.bin %> docker emulation setup --via image --no-preserve-argv0',
    '<%= config.bin %> docker emulation setup --arch riscv64 --image example/registrar:latest --json',
    '<%= config.bin %> docker emulation setup --arch riscv64 --dry-run',
  ];
  static override flags = {
    arch: archFlag({
      what: 'CPU to emulate',
      values: 'any CPU Docker has a platform for (aarch64, riscv64, arm, s390x, ppc64le…)',
      byDefault: 'aarch64 (linux/arm64)',
    }),
    'dry-run': Flags.boolean({
      description: 'print what would be registered, and where, without changing anything',
    }),
    via: Flags.string({
      description: 'where to register',
      options: ['auto', 'host', 'image'],
      default: 'auto',
    }),
    image: Flags.string({ description: 'registration image to use (implies --via image)' }),
    name: Flags.string({ description: 'entry name (default qemu-<arch>)' }),
    interpreter: Flags.string({ description: 'interpreter path (default /usr/bin/qemu-<arch>-static)' }),
    'preserve-argv0': Flags.boolean({
      description: 'P: programs keep their argv[0]',
      default: true,
      allowNo: true,
    }),
    persistent: Flags.boolean({
      description: 'F: the kernel opens the interpreter now; containers need no copy of it',
      default: true,
      allowNo: true,
    }),
  };

  async run(): Promise<SetupOutput | (EmulationPlan & { dryRun: true })> {
    const { flags } = await this.parse(EmulationSetup);
    const options = {
      arch: resolveArch(flags.arch ?? 'aarch64', { who: 'docker emulation setup' }),
      via: flags.image ? 'image' : (flags.via as 'auto' | 'host' | 'image'),
      preserveArgv0: flags['preserve-argv0'],
      persistent: flags.persistent,
      ...(flags.image ? { image: flags.image } : {}),
      ...(flags.name ? { name: flags.name } : {}),
      ...(flags.interpreter ? { interpreter: flags.interpreter } : {}),
    } as const;
    if (flags['dry-run']) {
      const plan = planEmulation(options);
      const where =
        plan.via === 'host'
          ? 'on this host'
          : `through ${plan.image ?? 'the newest registration image the engine has'}`;
      this.note(`would register ${plan.name} for ${plan.platform} ${where}; nothing changed`);
      if (plan.hostProblem)
        this.note(`${plan.via === 'host' ? 'it would fail' : 'not on this host'}: ${plan.hostProblem}`);
      if (!this.jsonEnabled()) this.log(plan.registration);
      return { ...plan, dryRun: true };
    }
    const setup = await setupEmulation(options);
    const record = setup.keep();
    const output: SetupOutput = {
      name: setup.name,
      via: setup.via,
      ...(setup.image ? { image: setup.image } : {}),
      registration: setup.registration,
      changes: setup.changes,
    };
    const where = setup.via === 'image' ? `through ${setup.image}` : 'on this host';
    if (setup.changes.length === 0) {
      this.note(`${setup.name} is already registered like this ${where}; nothing changed`);
    } else {
      const saved = saveRecord(record);
      output.record = `${recordsDir()}/${setup.name}.json`;
      for (const change of setup.changes) this.note(describe(change, where));
      if (saved === 'kept-older')
        this.note('an earlier setup of this entry is recorded; restore goes back to before it');
      this.note(`undo with: arm64kit docker emulation restore ${setup.name}`);
    }
    if (!this.jsonEnabled()) this.log(setup.registration);
    return output;
  }
}

function describe(change: EmulationChange, where: string): string {
  switch (change.kind) {
    case 'mounted':
      return `mounted binfmt_misc on ${change.dir}`;
    case 'enabled':
      return 'turned binfmt_misc on (it was disabled)';
    case 'registered':
      return `registered ${change.name} ${where}`;
    case 'replaced':
      return `replaced the earlier ${change.name} ${where} (${change.previousStatus.split('\n').find((l) => l.startsWith('flags:')) ?? 'other settings'})`;
    case 're-enabled':
      return `enabled ${change.name} (it was disabled)`;
  }
}
