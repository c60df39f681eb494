import { type ArchitectureNames, architectureNamed, architectures } from '@arm64kit/binfmt';
import { DockerError } from './errors.js';

/** An OCI platform as Docker names it, e.g. linux/arm64 or linux/arm/v7. */
export interface Platform {
  os: string;
  /** Docker's architecture name: amd64, arm64, arm, riscv64, ... */
  architecture: string;
  variant?: string;
}

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

/** Docker's name for an architecture written any common way (aarch64 → arm64, x86_64 → amd64). */
export function normalizeArchitecture(arch: string): string {
  const names = architectureNamed(arch);
  const known = names?.oci?.architecture;
  if (!known) {
    const platforms = architectures.flatMap((a) => (a.oci ? [a.oci.architecture] : [])).join(', ');
    throw new DockerError(
      'BAD_INPUT',
      names === undefined
        ? `unknown architecture "${arch}" (known: ${platforms})`
        : // QEMU knows it, Docker has no platform for it: say so rather than "unknown".
          `Docker has no platform for ${names.name} (it has: ${platforms})`,
    );
  }
  return known;
}

export function formatPlatform(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}

/** The kernel's machine name for a Docker architecture: arm64 → aarch64. */
export function machineName(architecture: string): string {
  // Every Docker name in the table is one of its spellings, so the lookup cannot miss.
  return (architectureNamed(normalizeArchitecture(architecture)) as ArchitectureNames).name;
}

/** The Docker architecture this Node process runs on. */
export function hostArchitecture(): string {
  return normalizeArchitecture(process.arch);
}
