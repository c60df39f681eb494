/**
 * The extensions this package implements, the one place the set is written down: AT_HWCAP, the
 * `isa` line of /proc/cpuinfo and the decode-table test's disassembler settings all derive from it.
 */

/** Single-letter extensions, in the canonical order (the base I first). */
export const SINGLE_LETTER_EXTENSIONS = 'imafdc';

/**
 * Multi-letter extensions, in the order Linux prints them (its riscv_isa_ext table): the
 * counters cycle/time/instret (Zicntr), the CSR instructions (Zicsr), FENCE.I (Zifencei), and
 * the address-generation and basic bit-manipulation instructions (Zba, Zbb).
 */
export const MULTI_LETTER_EXTENSIONS: readonly string[] = ['zicntr', 'zicsr', 'zifencei', 'zba', 'zbb'];

/** The ISA string as a Linux riscv64 kernel prints it: `rv64imafdc_zicntr_zicsr_zifencei_zba_zbb`. */
export const ISA_STRING = [`rv64${SINGLE_LETTER_EXTENSIONS}`, ...MULTI_LETTER_EXTENSIONS].join('_');

/**
 * AT_HWCAP: one bit per single-letter extension, bit (letter - 'a')
 * (arch/riscv/include/uapi/asm/hwcap.h). Multi-letter extensions have no bits; the kernel
 * reports those through riscv_hwprobe.
 */
export const HWCAP = [...SINGLE_LETTER_EXTENSIONS].reduce(
  (bits, l) => bits | (1n << BigInt(l.charCodeAt(0) - 0x61)),
  0n,
);
