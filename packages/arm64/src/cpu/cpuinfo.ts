import type { CpuProfile } from './profiles.js';

/**
 * The names /proc/cpuinfo gives the AT_HWCAP bits, by bit number (the kernel's hwcap_str order,
 * arch/arm64/kernel/cpuinfo.c), and those of AT_HWCAP2 after them.
 */
const HWCAP_NAMES = [
  'fp',
  'asimd',
  'evtstrm',
  'aes',
  'pmull',
  'sha1',
  'sha2',
  'crc32',
  'atomics',
  'fphp',
  'asimdhp',
  'cpuid',
  'asimdrdm',
  'jscvt',
  'fcma',
  'lrcpc',
  'dcpop',
  'sha3',
  'sm3',
  'sm4',
  'asimddp',
  'sha512',
  'sve',
  'asimdfhm',
  'dit',
  'uscat',
  'ilrcpc',
  'flagm',
  'ssbs',
  'sb',
  'paca',
  'pacg',
];
const HWCAP2_NAMES = [
  'dcpodp',
  'sve2',
  'sveaes',
  'svepmull',
  'svebitperm',
  'svesha3',
  'svesm4',
  'flagm2',
  'frint',
  'svei8mm',
  'svef32mm',
  'svef64mm',
  'svebf16',
  'i8mm',
  'bf16',
  'dgh',
  'rng',
  'bti',
  'mte',
];

function featureNames(hwcap: bigint, names: readonly string[]): string[] {
  return names.filter((_, bit) => (hwcap >> BigInt(bit)) & 1n);
}

const hex = (value: bigint, digits: number) => `0x${value.toString(16).padStart(digits, '0')}`;

/**
 * /proc/cpuinfo as an arm64 kernel prints it for `processors` CPUs of `profile`: the features
 * are exactly what AT_HWCAP and AT_HWCAP2 advertise, and the identification fields come from
 * the profile's MIDR_EL1, so a program reading either sees the same CPU.
 */
export function cpuInfoText(profile: CpuProfile, processors: number): string {
  const midr = profile.midr;
  const features = [
    ...featureNames(profile.hwcap, HWCAP_NAMES),
    ...featureNames(profile.hwcap2, HWCAP2_NAMES),
  ].join(' ');
  const architecture = (midr >> 16n) & 0xfn;
  const one = (n: number) =>
    [
      `processor\t: ${n}`,
      'BogoMIPS\t: 50.00',
      `Features\t: ${features}`,
      `CPU implementer\t: ${hex((midr >> 24n) & 0xffn, 2)}`,
      // 0xf: the architecture is described by the ID registers, which the kernel prints as 8.
      `CPU architecture: ${architecture === 0xfn ? 8 : architecture}`,
      `CPU variant\t: ${hex((midr >> 20n) & 0xfn, 1)}`,
      `CPU part\t: ${hex((midr >> 4n) & 0xfffn, 3)}`,
      `CPU revision\t: ${midr & 0xfn}`,
      '',
      '',
    ].join('\n');
  return Array.from({ length: processors }, (_, n) => one(n)).join('');
}
