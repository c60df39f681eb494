/**
 * AT_HWCAP and AT_HWCAP2 bits (arch/arm64/include/uapi/asm/hwcap.h), the ones a profile of this
 * package may advertise.
 */
export const HWCAP = {
  FP: 1n << 0n,
  ASIMD: 1n << 1n,
  AES: 1n << 3n,
  PMULL: 1n << 4n,
  SHA1: 1n << 5n,
  SHA2: 1n << 6n,
  CRC32: 1n << 7n,
  ATOMICS: 1n << 8n,
  FPHP: 1n << 9n,
  ASIMDHP: 1n << 10n,
  CPUID: 1n << 11n,
  ASIMDRDM: 1n << 12n,
  JSCVT: 1n << 13n,
  FCMA: 1n << 14n,
  LRCPC: 1n << 15n,
  DCPOP: 1n << 16n,
  SHA3: 1n << 17n,
  ASIMDDP: 1n << 20n,
  SHA512: 1n << 21n,
  DIT: 1n << 24n,
  USCAT: 1n << 25n,
  ILRCPC: 1n << 26n,
  FLAGM: 1n << 27n,
  SSBS: 1n << 28n,
  SB: 1n << 29n,
} as const;

/** The names of the AT_HWCAP bits set in `hwcap`, lowest bit first (as /proc/cpuinfo lists them). */
export function hwcapNames(hwcap: bigint): string[] {
  return Object.entries(HWCAP)
    .filter(([, bit]) => (hwcap & bit) !== 0n)
    .sort(([, a], [, b]) => (a < b ? -1 : 1))
    .map(([name]) => name);
}
