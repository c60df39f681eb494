import { ISA_STRING } from './isa.js';

/**
 * The MMU mode the guest is said to run under. Core gives a guest a 48-bit address space (mmap
 * hints up there are honoured, as Go's arena hints need); Sv39's 256 GiB of user space would not
 * hold those, Sv48's 128 TiB does, so this is the mode a kernel giving such addresses runs in.
 */
const MMU = 'sv48';

/**
 * /proc/cpuinfo as a riscv64 kernel prints it (arch/riscv/kernel/cpu.c, c_show) for
 * `processors` harts of a generic CPU: the `isa` line (the extensions common to every hart) and
 * the `hart isa` line of each hart are the extension set of isa.ts, which AT_HWCAP matches; the
 * machine's vendor, architecture and implementation ids are 0 (not implemented), and there is no
 * `uarch` line, which the kernel prints only for a device-tree compatible other than "riscv".
 */
export function cpuInfoText(processors: number): string {
  const one = (n: number) =>
    [
      `processor\t: ${n}`,
      `hart\t\t: ${n}`,
      `isa\t\t: ${ISA_STRING}`,
      `mmu\t\t: ${MMU}`,
      'mvendorid\t: 0x0',
      'marchid\t\t: 0x0',
      'mimpid\t\t: 0x0',
      `hart isa\t: ${ISA_STRING}`,
      '',
      '',
    ].join('\n');
  return Array.from({ length: processors }, (_, n) => one(n)).join('');
}
