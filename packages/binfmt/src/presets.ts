import { machine } from 'node:os';
import { architectureNamed } from './architectures.js';
import { type MagicEntry, makeFlags } from './entry.js';
import { BinfmtError } from './errors.js';
import { formatRegistration } from './registration.js';

/** One architecture of QEMU's scripts/qemu-binfmt-conf.sh. */
export interface BinfmtPreset {
  /** The target name, as in `qemu-<arch>` entry names (aarch64, arm, riscv64, x86_64…). */
  readonly arch: string;
  /** CPUs of one family run each other's programs natively; QEMU skips the host's family. */
  readonly family: string;
  /** The qemu-user binary that runs it (i486 is run by qemu-i386). */
  readonly qemuTarget: string;
  readonly magic: Uint8Array;
  readonly mask: Uint8Array;
}

/*
 * [arch, family, magic, mask] as qemu-binfmt-conf.sh registers them (ELF header: class,
 * data, version, OS ABI, type, machine). The tests compare every one against the
 * binfmt.d files Debian's qemu-user-static ships, where present.
 */
const TABLE: ReadonlyArray<readonly [string, string, string, string]> = [
  ['i386', 'i386', '7f454c4601010100000000000000000002000300', 'fffffffffffefe00fffffffffffffffffeffffff'],
  ['i486', 'i386', '7f454c4601010100000000000000000002000600', 'fffffffffffefe00fffffffffffffffffeffffff'],
  ['x86_64', 'i386', '7f454c4602010100000000000000000002003e00', 'fffffffffffefe00fffffffffffffffffeffffff'],
  ['alpha', 'alpha', '7f454c4602010100000000000000000002002690', 'ffffffffffffff00fffffffffffffffffeffffff'],
  ['arm', 'arm', '7f454c4601010100000000000000000002002800', 'ffffffffffffff00fffffffffffffffffeffffff'],
  ['armeb', 'armeb', '7f454c4601020100000000000000000000020028', 'ffffffffffffff00fffffffffffffffffffeffff'],
  ['sparc', 'sparc', '7f454c4601020100000000000000000000020002', 'fffffffffffffffcfffffffffffffffffffeffff'],
  [
    'sparc32plus',
    'sparc',
    '7f454c4601020100000000000000000000020012',
    'fffffffffffffffcfffffffffffffffffffeffff',
  ],
  [
    'sparc64',
    'sparc',
    '7f454c460202010000000000000000000002002b',
    'fffffffffffffffcfffffffffffffffffffeffff',
  ],
  ['ppc', 'ppc', '7f454c4601020100000000000000000000020014', 'fffffffffffffffcfffffffffffffffffffeffff'],
  ['ppc64', 'ppc', '7f454c4602020100000000000000000000020015', 'fffffffffffffffcfffffffffffffffffffeffff'],
  [
    'ppc64le',
    'ppcle',
    '7f454c4602010100000000000000000002001500',
    'fffffffffffffffcfffffffffffffffffeffff00',
  ],
  ['m68k', 'm68k', '7f454c4601020100000000000000000000020004', 'ffffffffffffff00fffffffffffffffffffeffff'],
  [
    'mips',
    'mips',
    '7f454c46010201000000000000000000000200080000000000000000000000000000000000000000',
    'ffffffffffffff00fefffffffffffffffffeffff0000000000000000000000000000000000000020',
  ],
  [
    'mipsel',
    'mips',
    '7f454c46010101000000000000000000020008000000000000000000000000000000000000',
    'ffffffffffffff00fefffffffffffffffeffffff0000000000000000000000000000000020',
  ],
  [
    'mipsn32',
    'mips',
    '7f454c46010201000000000000000000000200080000000000000000000000000000000000000020',
    'ffffffffffffff00fefffffffffffffffffeffff0000000000000000000000000000000000000020',
  ],
  [
    'mipsn32el',
    'mips',
    '7f454c46010101000000000000000000020008000000000000000000000000000000000020',
    'ffffffffffffff00fefffffffffffffffeffffff0000000000000000000000000000000020',
  ],
  ['mips64', 'mips', '7f454c4602020100000000000000000000020008', 'ffffffffffffff00fefffffffffffffffffeffff'],
  [
    'mips64el',
    'mips',
    '7f454c4602010100000000000000000002000800',
    'ffffffffffffff00fefffffffffffffffeffffff',
  ],
  ['sh4', 'sh4', '7f454c4601010100000000000000000002002a00', 'fffffffffffffffcfffffffffffffffffeffffff'],
  ['sh4eb', 'sh4', '7f454c460102010000000000000000000002002a', 'fffffffffffffffcfffffffffffffffffffeffff'],
  ['s390x', 's390x', '7f454c4602020100000000000000000000020016', 'fffffffffffffffcfffffffffffffffffffeffff'],
  ['aarch64', 'arm', '7f454c460201010000000000000000000200b700', 'ffffffffffffff00fffffffffffffffffeffffff'],
  [
    'aarch64_be',
    'armeb',
    '7f454c46020201000000000000000000000200b7',
    'ffffffffffffff00fffffffffffffffffffeffff',
  ],
  ['hppa', 'hppa', '7f454c460102010000000000000000000002000f', 'ffffffffffffff00fffffffffffffffffffeffff'],
  [
    'riscv32',
    'riscv',
    '7f454c460101010000000000000000000200f300',
    'ffffffffffffff00fffffffffffffffffeffffff',
  ],
  [
    'riscv64',
    'riscv',
    '7f454c460201010000000000000000000200f300',
    'ffffffffffffff00fffffffffffffffffeffffff',
  ],
  [
    'xtensa',
    'xtensa',
    '7f454c4601010100000000000000000002005e00',
    'ffffffffffffff00fffffffffffffffffeffffff',
  ],
  [
    'xtensaeb',
    'xtensaeb',
    '7f454c460102010000000000000000000002005e',
    'ffffffffffffff00fffffffffffffffffffeffff',
  ],
  [
    'microblaze',
    'microblaze',
    '7f454c460102010000000000000000000002baab',
    'ffffffffffffff00fffffffffffffffffffeffff',
  ],
  ['cris', 'cris', '7f454c4601010100000000000000000002004c00', 'ffffffffffffff00fffffffffffffffffeffffff'],
  [
    'hexagon',
    'hexagon',
    '7f454c460101010000000000000000000200a400',
    'ffffffffffffff00fffffffffffffffffeffffff',
  ],
  [
    'loongarch64',
    'loongarch',
    '7f454c4602010100000000000000000002000201',
    'fffffffffffffffc00fffffffffffffffeffffff',
  ],
];

function fromHex(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
}

export const presets: readonly BinfmtPreset[] = Object.freeze(
  TABLE.map(([arch, family, magic, mask]) =>
    Object.freeze({
      arch,
      family,
      qemuTarget: arch === 'i486' ? 'i386' : arch,
      magic: fromHex(magic),
      mask: fromHex(mask),
    }),
  ),
);

/**
 * Maps what `uname -m` or a distribution calls a CPU to QEMU's target name, as
 * qemu-binfmt-conf.sh's qemu_normalize() does (plus a few common aliases).
 */
export function normalizeArch(name: string): string {
  if (/^i[3-6]86$/.test(name)) return 'i386';
  return architectureNamed(name)?.name ?? name;
}

/** The preset for an architecture name or alias (arm64, amd64, armhf…); throws ENOPRESET. */
export function presetFor(arch: string): BinfmtPreset {
  const target = normalizeArch(arch);
  const preset = presets.find((p) => p.arch === target);
  if (!preset) {
    throw new BinfmtError(
      'ENOPRESET',
      `no binfmt preset for "${arch}"; known: ${presets.map((p) => p.arch).join(', ')}`,
      {
        field: 'preset',
        rule: 'unknown-arch',
      },
    );
  }
  return preset;
}

/** The family of the host CPU (`uname -m`), or undefined when QEMU does not know it. */
export function hostFamily(hostMachine: string = machine()): string | undefined {
  return presets.find((p) => p.arch === normalizeArch(hostMachine))?.family;
}

/**
 * The presets qemu-binfmt-conf.sh registers on a host: all but the host's own CPU
 * family (an x86_64 host skips i386, i486 and x86_64), or with `ignoreFamily` all but
 * the host's exact CPU.
 */
export function presetsForHost(
  hostMachine: string = machine(),
  options: { ignoreFamily?: boolean } = {},
): BinfmtPreset[] {
  const host = normalizeArch(hostMachine);
  const family = hostFamily(hostMachine);
  return presets.filter((p) => {
    if (p.family !== family) return true;
    return options.ignoreFamily === true && p.qemuTarget !== host;
  });
}

export interface PresetOptions {
  /** Entry name; default `qemu-<arch>`. */
  name?: string;
  /** Interpreter path; default `/usr/bin/qemu-<target>-static` (Debian's qemu-user-static). */
  interpreter?: string;
  /** `P`: keep argv[0] (qemu-binfmt-conf.sh --preserve-argv0 yes). */
  preserveArgv0?: boolean;
  /** `O`: the kernel opens the program and passes it as AT_EXECFD. */
  openBinary?: boolean;
  /** `OC`: credentials from the binary (qemu-binfmt-conf.sh --credential yes). */
  credential?: boolean;
  /** `F`: open the interpreter now (qemu-binfmt-conf.sh --persistent yes). */
  persistent?: boolean;
}

export function defaultInterpreter(preset: BinfmtPreset): string {
  return `/usr/bin/qemu-${preset.qemuTarget}-static`;
}

/** The entry qemu-binfmt-conf.sh would register for a preset with the given flags. */
export function presetEntry(preset: BinfmtPreset | string, options: PresetOptions = {}): MagicEntry {
  const p = typeof preset === 'string' ? presetFor(preset) : preset;
  return {
    name: options.name ?? `qemu-${p.arch}`,
    type: 'magic',
    offset: 0,
    magic: p.magic.slice(),
    mask: p.mask.slice(),
    interpreter: options.interpreter ?? defaultInterpreter(p),
    flags: makeFlags({
      preserveArgv0: options.preserveArgv0 ?? false,
      openBinary: options.openBinary ?? false,
      credentials: options.credential ?? false,
      fixBinary: options.persistent ?? false,
    }),
  };
}

/** The register line for a preset, e.g. `:qemu-aarch64:M:0:\x7fELF…:…:/usr/bin/qemu-aarch64-static:PF`. */
export function presetRegistration(preset: BinfmtPreset | string, options: PresetOptions = {}): string {
  return formatRegistration(presetEntry(preset, options));
}
