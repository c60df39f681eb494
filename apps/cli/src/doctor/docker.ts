import { architectureNamed } from '@arm64kit/binfmt';
import type { DockerFacts } from './facts-types.js';
import type { Finding } from './types.js';

/** Docker's name for the platform of an architecture (uname -m name): aarch64 → linux/arm64. */
export function dockerPlatform(arch: string): string {
  const oci = architectureNamed(arch)?.oci;
  if (!oci) return `linux/${arch}`;
  return ['linux', oci.architecture, oci.variant].filter(Boolean).join('/');
}

/**
 * Can Docker run a container of the architecture? The proof is `uname -m` inside one printing
 * the architecture: that only happens when a binfmt_misc handler with F runs the image's programs.
 */
export function checkDocker(docker: DockerFacts, arch: string): Finding[] {
  const platform = dockerPlatform(arch);
  if (!docker.reachable) {
    return [
      {
        id: 'docker.unreachable',
        severity: 'warning',
        title: 'no Docker engine answers; cannot check running containers of the architecture',
        evidence: docker.detail,
        fix: 'dockerd &   # or: systemctl start docker',
      },
    ];
  }
  const findings: Finding[] = [
    { id: 'docker.reachable', severity: 'info', title: 'Docker engine reachable', evidence: docker.detail },
  ];
  if (!docker.image || !docker.run) {
    findings.push({
      id: 'docker.no-image',
      severity: 'info',
      title: `no local ${platform} image to try; pass --image IMAGE to test running one`,
      evidence: `no image with platform ${platform} in the engine's image list`,
    });
    return findings;
  }
  const output = docker.run.output.trim();
  const tried = `docker run --rm --platform ${platform} ${docker.image} uname -m`;
  if (docker.run.ok && output === arch) {
    findings.push({
      id: 'docker.runs-arch',
      severity: 'info',
      title: `Docker runs ${platform} containers (${docker.image})`,
      evidence: `${tried} printed ${output}`,
    });
  } else if (docker.run.ok) {
    findings.push({
      id: 'docker.wrong-arch',
      severity: 'warning',
      title: `the container of ${docker.image} is not ${arch}: uname -m printed ${output || '(nothing)'}`,
      evidence: `${tried} printed ${output || '(nothing)'}`,
      explanation: `The image's programs are not ${arch} ones, so this proves nothing about emulation.`,
    });
  } else {
    const formatError = /exec format error/i.test(output);
    findings.push({
      id: 'docker.cannot-run-arch',
      severity: 'error',
      title: `Docker cannot run ${platform} containers (${docker.image})`,
      evidence: `${tried}: ${output}`,
      explanation: formatError
        ? '"exec format error": the kernel found no enabled binfmt_misc handler for the image\'s programs, ' +
          'or its interpreter cannot be opened inside the container (register it with F); see the handler findings.'
        : 'The container did not start; the output above says why.',
    });
  }
  return findings;
}
