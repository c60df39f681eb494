import { existsSync } from 'node:fs';
import {
  type BinfmtEntryJson,
  BinfmtError,
  BinfmtHost,
  DEFAULT_BINFMT_DIR,
  entryToJson,
  formatRegistration,
  hostFamily,
  presetEntry,
  presetFor,
} from '@arm64kit/binfmt';
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../lib/base-command.js';

export interface BinfmtInstallResult {
  entry: BinfmtEntryJson;
  /** The register string written (or, with --dry-run, that would be written). */
  line: string;
  /** False when an identical entry was already there, or with --dry-run. */
  changed: boolean;
}

export default class BinfmtInstall extends BaseCommand {
  static override summary = "Register QEMU's handler for an architecture";
  static override description =
    `Registers the entry qemu-binfmt-conf.sh would register for ARCH (aarch64, arm, riscv64, x86_64, i386, ppc64le, s390x, mips64el, …; aliases like arm64 and amd64 work), named qemu-ARCH unless --name is given. --preserve-argv0 (P) keeps argv[0] as the program was started with — what programs like ccache, busybox and login shells need; --persistent (F) opens the interpreter now, so it also works inside containers and chroots; --credential (C, which implies O) runs setuid programs with their own credentials.

An identical entry already registered is left as it is; a different one is refused unless --replace. Registering the host's own CPU family would send native programs through the interpreter, so it is refused unless --force. Needs root (except with --dry-run).`;
  static override examples = [
    '<%= config.bin %> binfmt install aarch64 --preserve-argv0 --persistent',
    '<%= config.bin %> binfmt install arm64 --interpreter /usr/local/bin/qemu-aarch64 --credential --json',
    '<%= config.bin %> binfmt install riscv64 --dry-run',
  ];
  static override args = {
    arch: Args.string({ description: 'architecture, e.g. aarch64 (or arm64)', required: true }),
  };
  static override flags = {
    'preserve-argv0': Flags.boolean({ char: 'P', description: 'P flag: keep the original argv[0]' }),
    persistent: Flags.boolean({ char: 'F', description: 'F flag: open the interpreter at registration' }),
    credential: Flags.boolean({ char: 'C', description: 'C flag (implies O): credentials from the program' }),
    interpreter: Flags.string({ description: 'interpreter path (default /usr/bin/qemu-ARCH-static)' }),
    name: Flags.string({ description: 'entry name (default qemu-ARCH)' }),
    replace: Flags.boolean({ description: 'replace an entry of the same name that differs' }),
    force: Flags.boolean({ description: "allow registering the host's own CPU family" }),
    'dry-run': Flags.boolean({ description: 'print the register string, write nothing' }),
    dir: Flags.string({
      description: 'binfmt_misc directory',
      default: DEFAULT_BINFMT_DIR,
      env: 'ARM64KIT_BINFMT_DIR',
    }),
  };

  async run(): Promise<BinfmtInstallResult> {
    const { args, flags } = await this.parse(BinfmtInstall);
    const preset = presetFor(args.arch);
    const options = {
      name: flags.name,
      interpreter: flags.interpreter,
      preserveArgv0: flags['preserve-argv0'],
      persistent: flags.persistent,
      credential: flags.credential,
    };
    const entry = presetEntry(preset, options);
    const line = formatRegistration(entry);
    if (!flags.force && preset.family === hostFamily()) {
      throw new BinfmtError(
        'EHOSTFAMILY',
        `${preset.arch} is in this host's own CPU family (${preset.family}): native programs would go through ${entry.interpreter}; pass --force if that is really meant`,
        { field: 'preset', rule: 'host-family' },
      );
    }
    if (flags['dry-run']) {
      if (!this.jsonEnabled()) this.log(line);
      return { entry: entryToJson(entry), line, changed: false };
    }
    this.requireRoot('binfmt install');
    if (!existsSync(entry.interpreter)) {
      this.note(
        `warning: the interpreter ${entry.interpreter} does not exist; programs will fail with "No such file or directory"`,
      );
    }
    const result = await new BinfmtHost(flags.dir).install(preset, { ...options, replace: flags.replace });
    if (!this.jsonEnabled()) {
      this.log(
        result.changed ? `registered ${entry.name}: ${line}` : `${entry.name} is already registered as asked`,
      );
    }
    return { entry: entryToJson(result.entry), line, changed: result.changed };
  }
}
