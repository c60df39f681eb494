import type { ReproArch } from '../arch.js';

/** The base image of the write-up's Dockerfile: ccache 3.7.7, the version that fails. */
export const DEFAULT_BASE_IMAGE = 'arm64v8/ubuntu:20.04';

/**
 * The same Ubuntu 20.04 (ccache 3.7.7) for each architecture, from Docker's per-architecture
 * namespace of the official images (arm64v8/, riscv64/).
 */
export const DEFAULT_BASE_IMAGES: Readonly<Record<ReproArch, string>> = {
  aarch64: DEFAULT_BASE_IMAGE,
  riscv64: 'riscv64/ubuntu:20.04',
};

/**
 * The write-up's Dockerfile (FROM, apt-get install ccache, CMD ccache ccache -p) plus the
 * probe and the argv example. With a ccache binary of the user's, that one is installed
 * instead of the package.
 */
export function reproDockerfile(baseImage: string, options: { ownCcache: boolean }): string {
  const lines = [`FROM ${baseImage}`];
  if (options.ownCcache) {
    lines.push('COPY ccache /usr/local/bin/ccache');
  } else {
    lines.push(
      'RUN DEBIAN_FRONTEND=noninteractive apt-get update && \\',
      '    DEBIAN_FRONTEND=noninteractive apt-get install -y ccache',
    );
  }
  lines.push(
    'COPY ccache-probe argv-example /usr/local/bin/',
    'COPY argv-example /work/a.out',
    'WORKDIR /work',
    'CMD ["ccache", "ccache", "-p"]',
  );
  return `${lines.join('\n')}\n`;
}
