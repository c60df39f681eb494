/**
 * The one table of architecture names: what the kernel and QEMU call a CPU (`uname -m`,
 * `qemu-<name>`), its ELF identity, Docker's OCI platform and Debian's architecture. Presets,
 * Docker platforms, the doctor and `arm64kit run` all read it.
 */
export interface ArchitectureNames {
  /** The kernel's and QEMU's name: aarch64, x86_64, riscv64, arm… (a binfmt preset's `arch`). */
  readonly name: string;
  /** e_machine of its ELF files. */
  readonly elfMachine: number;
  readonly elfClass: 32 | 64;
  readonly endian: 'little' | 'big';
  /** Docker's platform (linux/ARCH[/VARIANT]), when Docker names one. */
  readonly oci?: { readonly architecture: string; readonly variant?: string };
  /** Debian's architecture (dpkg --print-architecture), when Debian has a port. */
  readonly debian?: string;
  /** Other spellings that mean it (Node's process.arch, distribution names). */
  readonly aliases: readonly string[];
}

type Row = [
  name: string,
  elfMachine: number,
  elfClass: 32 | 64,
  endian: 'little' | 'big',
  oci: string | null,
  debian: string | null,
  aliases: string[],
];

/* Every architecture QEMU's binfmt script knows (scripts/qemu-binfmt-conf.sh), in its order. */
const ROWS: readonly Row[] = [
  ['i386', 3, 32, 'little', 'linux/386', 'i386', ['386', 'x86', 'ia32']],
  ['i486', 6, 32, 'little', null, null, []],
  ['x86_64', 62, 64, 'little', 'linux/amd64', 'amd64', ['amd64', 'x64', 'x86-64']],
  ['alpha', 0x9026, 64, 'little', null, 'alpha', []],
  ['arm', 40, 32, 'little', 'linux/arm/v7', 'armhf', ['armhf', 'armel', 'armv7l', 'armv7']],
  ['armeb', 40, 32, 'big', null, null, []],
  ['sparc', 2, 32, 'big', null, null, []],
  ['sparc32plus', 18, 32, 'big', null, null, []],
  ['sparc64', 43, 64, 'big', null, 'sparc64', []],
  ['ppc', 20, 32, 'big', null, 'powerpc', ['powerpc']],
  ['ppc64', 21, 64, 'big', null, 'ppc64', []],
  ['ppc64le', 21, 64, 'little', 'linux/ppc64le', 'ppc64el', ['ppc64el']],
  ['m68k', 4, 32, 'big', null, 'm68k', []],
  ['mips', 8, 32, 'big', null, null, []],
  ['mipsel', 8, 32, 'little', null, 'mipsel', []],
  ['mipsn32', 8, 32, 'big', null, null, []],
  ['mipsn32el', 8, 32, 'little', null, null, []],
  ['mips64', 8, 64, 'big', null, null, []],
  ['mips64el', 8, 64, 'little', 'linux/mips64le', 'mips64el', ['mips64le']],
  ['sh4', 42, 32, 'little', null, 'sh4', []],
  ['sh4eb', 42, 32, 'big', null, null, []],
  ['s390x', 22, 64, 'big', 'linux/s390x', 's390x', []],
  ['aarch64', 183, 64, 'little', 'linux/arm64', 'arm64', ['arm64', 'armv8', 'arm64v8']],
  ['aarch64_be', 183, 64, 'big', null, null, []],
  ['hppa', 15, 32, 'big', null, 'hppa', []],
  ['riscv32', 243, 32, 'little', null, null, []],
  ['riscv64', 243, 64, 'little', 'linux/riscv64', 'riscv64', ['riscv', 'rv64']],
  ['xtensa', 94, 32, 'little', null, null, []],
  ['xtensaeb', 94, 32, 'big', null, null, []],
  ['microblaze', 0xbaab, 32, 'big', null, null, []],
  ['cris', 76, 32, 'little', null, null, []],
  ['hexagon', 164, 32, 'little', null, null, []],
  ['loongarch64', 258, 64, 'little', 'linux/loong64', 'loong64', ['loong64', 'loongarch']],
];

function namesOf([name, elfMachine, elfClass, endian, oci, debian, aliases]: Row): ArchitectureNames {
  const [, architecture, variant] = oci?.split('/') ?? [];
  return Object.freeze({
    name,
    elfMachine,
    elfClass,
    endian,
    ...(architecture ? { oci: Object.freeze(variant ? { architecture, variant } : { architecture }) } : {}),
    ...(debian ? { debian } : {}),
    aliases: Object.freeze(aliases),
  });
}

export const architectures: readonly ArchitectureNames[] = Object.freeze(ROWS.map(namesOf));

const byName = new Map<string, ArchitectureNames>();
for (const arch of architectures) {
  for (const spelling of [arch.name, arch.oci?.architecture, arch.debian, ...arch.aliases]) {
    if (spelling && !byName.has(spelling)) byName.set(spelling, arch);
  }
}

/**
 * The architecture a name means, in any of its spellings (aarch64, arm64, amd64, x64, ppc64el,
 * armv7l…; case does not matter), or undefined.
 */
export function architectureNamed(name: string): ArchitectureNames | undefined {
  const lower = name.toLowerCase();
  const known = byName.get(lower);
  if (known) return known;
  // uname -m spellings of 32-bit x86 and ARM (qemu-binfmt-conf.sh's qemu_normalize).
  if (/^i[3-6]86$/.test(lower)) return byName.get('i386');
  if (/^armv[4-9].*b$/.test(lower)) return byName.get('armeb');
  if (/^armv[4-9].*l$/.test(lower)) return byName.get('arm');
  return undefined;
}

/**
 * The architecture of an ELF file from its header's machine, class and byte order. Where one
 * identity fits several names (MIPS ABIs, i386 and i486) the first, most common, is given.
 */
export function architectureOfElf(
  elfMachine: number,
  elfClass?: 32 | 64,
  endian?: 'little' | 'big',
): ArchitectureNames | undefined {
  return architectures.find(
    (a) =>
      a.elfMachine === elfMachine &&
      (elfClass === undefined || a.elfClass === elfClass) &&
      (endian === undefined || a.endian === endian),
  );
}

/** The kernel's name for an ELF machine: "aarch64", or "machine 4660" when unknown. */
export function elfMachineName(elfMachine: number, elfClass?: 32 | 64, endian?: 'little' | 'big'): string {
  return architectureOfElf(elfMachine, elfClass, endian)?.name ?? `machine ${elfMachine}`;
}
