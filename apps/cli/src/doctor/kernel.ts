import type { KernelFacts } from './facts-types.js';
import type { Finding } from './types.js';

/** Parses `uname -r` ("6.1.0-18-amd64", "5.10.102.1-microsoft-standard-WSL2") into major.minor. */
export function parseKernelRelease(release: string): { major: number; minor: number } | null {
  const m = /^(\d+)\.(\d+)/.exec(release.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : null;
}

function atLeast(v: { major: number; minor: number }, major: number, minor: number): boolean {
  return v.major > major || (v.major === major && v.minor >= minor);
}

/**
 * Kernel facts that change how binfmt_misc behaves. Since 5.12 the kernel tells the interpreter
 * (AT_FLAGS bit AT_FLAGS_PRESERVE_ARGV0) that it ran under a `P` handler, so qemu knows argv
 * carries the extra element; before that a `P` handler only works with an interpreter (or a
 * wrapper) told so by other means. Since 6.7 every user namespace can mount its own binfmt_misc
 * instance, so a rootless container may see other handlers than the host.
 */
export function checkKernel(kernel: KernelFacts, options: { handlerHasP?: boolean } = {}): Finding[] {
  const version = parseKernelRelease(kernel.release);
  const evidence = `uname -r: ${kernel.release}`;
  if (!version) {
    return [
      {
        id: 'kernel.unknown-version',
        severity: 'warning',
        title: 'kernel version not recognised; cannot tell which binfmt_misc features it has',
        evidence,
      },
    ];
  }
  const findings: Finding[] = [];
  if (atLeast(version, 5, 12)) {
    findings.push({
      id: 'kernel.preserve-argv0-auxv',
      severity: 'info',
      title: 'kernel passes AT_FLAGS_PRESERVE_ARGV0 to interpreters (5.12+): qemu can honour the P flag',
      evidence,
    });
  } else {
    findings.push({
      id: 'kernel.no-preserve-argv0-auxv',
      // It bites only when the handler in use has P.
      severity: options.handlerHasP === false ? 'info' : 'warning',
      title:
        'kernel older than 5.12: interpreters are not told about the P flag (no AT_FLAGS_PRESERVE_ARGV0)',
      evidence,
      explanation:
        'With P the kernel inserts the original argv[0] as an extra argument. qemu 6+ learns this from the ' +
        'AT_FLAGS auxv bit that only 5.12+ sets; on older kernels a P handler needs an interpreter built ' +
        'to expect it, or programs see their own path as their first argument.',
      fix: 'upgrade the kernel to 5.12 or later',
    });
  }
  findings.push(
    atLeast(version, 6, 7)
      ? {
          id: 'kernel.binfmt-per-userns',
          severity: 'info',
          title:
            'binfmt_misc is per user namespace (6.7+): a container that mounts its own instance sees its own handlers',
          evidence,
          explanation:
            'A rootless container (own user namespace) that mounts binfmt_misc starts with no handlers and ' +
            'does not use the host ones; register handlers inside it, or do not mount it there.',
        }
      : {
          id: 'kernel.binfmt-global',
          severity: 'info',
          title: 'binfmt_misc is global on this kernel (before 6.7): containers use the host handlers',
          evidence,
        },
  );
  return findings;
}
