import { DockerError } from './errors.js';

/** An OCI platform as Docker names it, e.g. linux/arm64 or linux/arm/v7. */
export interface Platform {
  os: string;
  /** Docker's architecture name: amd64, arm64, arm, riscv64, ... */
  architecture: string;
  variant?: string;
}

/** Names people and `uname -m` use for architectures, mapped to Docker's names. */
const ARCH_ALIASES: Record<string, string> = {
  aarch64: 'arm64',
  arm64: 'arm64',
  x86_64: 'amd64',
  x64: 'amd64',
  amd64: 'amd64',
  armhf: 'arm',
  arm: 'arm',
  riscv64: 'riscv64',
  ppc64le: 'ppc64le',
  s390x: 's390x',
  '386': '386',
  i386: '386',
};

/** Docker's architecture name → the machine name the kernel and QEMU use (uname -m, qemu-<name>). */
const MACHINE_NAMES: Record<string, string> = {
  arm64: 'aarch64',
  amd64: 'x86_64',
  arm: 'arm',
  riscv64: 'riscv64',
  ppc64le: 'ppc64le',
  s390x: 's390x',
  '386': 'i386',
};

export function parsePlatform(text: string): Platform {
  const parts = text.trim().split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((part) => part === '')) {
    throw new DockerError('BAD_INPUT', `platform "${text}" is not OS/ARCH[/VARIANT], e.g. linux/arm64`);
  }
  const [os, arch, variant] = parts;
  const architecture = normalizeArchitecture(arch);
  if (os !== 'linux')
    throw new DockerError('BAD_INPUT', `platform "${text}": only linux platforms are supported`);
  return variant === undefined ? { os, architecture } : { os, architecture, variant };
}

export function normalizeArchitecture(arch: string): string {
  const known = ARCH_ALIASES[arch.toLowerCase()];
  if (!known) {
    throw new DockerError(
      'BAD_INPUT',
      `unknown architecture "${arch}" (known: ${Object.keys(MACHINE_NAMES).join(', ')})`,
    );
  }
  return known;
}

export function formatPlatform(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}

/** The kernel's machine name for a Docker architecture: arm64 → aarch64. */
export function machineName(architecture: string): string {
  return MACHINE_NAMES[normalizeArchitecture(architecture)];
}

/** The Docker architecture this Node process runs on. */
export function hostArchitecture(): string {
  return normalizeArchitecture(process.arch);
}
