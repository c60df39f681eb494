import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@arm64kit/docker';
import { ensureArm64BaseImage } from '@arm64kit/fixtures';
import { arm64DockerProblem, available } from '@arm64kit/vitest-config/prerequisites';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerBackend } from '../src/backends/docker.js';
import { EmbeddedBackend } from '../src/backends/embedded.js';
import { HostBackend } from '../src/backends/host.js';
import type { ReproReport } from '../src/report.js';
import { runRepro } from '../src/run.js';
import { binfmtState } from './binfmt-state.js';

const problem = arm64DockerProblem();

/** Writes the filesystem of `image` into a new directory (docker export | tar -x). */
async function exportImage(image: string): Promise<string> {
  const engine = await connect();
  const dir = mkdtempSync(join(tmpdir(), 'arm64kit-repro-rootfs-'));
  const container = await engine.docker.createContainer({ Image: image, Cmd: ['/bin/true'] });
  try {
    const stream = await container.export();
    await new Promise<void>((resolve, reject) => {
      const tar = spawn('tar', ['-x', '-C', dir], { stdio: ['pipe', 'ignore', 'inherit'] });
      stream.pipe(tar.stdin);
      tar.on('error', reject);
      tar.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`tar -x exited ${code}`))));
    });
  } finally {
    await container.remove({ force: true });
  }
  return dir;
}

function table(report: ReproReport) {
  return report.results.map((r) => [r.subject, r.handler, r.exitCode, r.outputHead[0], r.verdict]);
}

describe.runIf(available('repro --rootfs (a bookworm arm64 root filesystem with ccache)', problem))(
  '--rootfs: the image the docker backend builds, as a root filesystem',
  () => {
    let rootfs: string;
    let before: ReturnType<typeof binfmtState>;
    beforeAll(async () => {
      // The scenario's own image (bookworm + apt-get install ccache), built or reused by the docker backend.
      const backend = new DockerBackend({ baseImage: (await ensureArm64BaseImage()).tag });
      try {
        await backend.prepare(() => {});
      } finally {
        await backend.cleanup(() => {});
      }
      rootfs = await exportImage(backend.image as string);
      before = binfmtState();
    }, 1_800_000);
    afterAll(() => {
      if (rootfs) rmSync(rootfs, { recursive: true, force: true });
    });

    it('host (chroot) and embedded (sysroot) run its dynamically linked ccache 4.7 the same way, and the probe the predicted way', async () => {
      const host = await runRepro({ scenario: 'ccache', backend: new HostBackend({ rootfs }) });
      expect(binfmtState()).toEqual(before);
      const embedded = await runRepro({ scenario: 'ccache', backend: new EmbeddedBackend({ rootfs }) });
      for (const report of [host, embedded]) {
        expect(report.ccache?.origin).toBe(`/usr/bin/ccache in the root filesystem ${rootfs}`);
        expect(report.ccache?.version?.major).toBe(4);
        expect(report.results.map((r) => [r.subject, r.handler, r.verdict])).toEqual([
          ['ccache-probe', 'without P', 'reproduced'],
          ['ccache-probe', 'with P', 'fixed'],
          ['ccache', 'without P', 'not affected'],
          ['ccache', 'with P', 'not affected'],
        ]);
      }
      // The emulator against qemu-aarch64-static through binfmt_misc: the same exits and output.
      expect(table(embedded)).toEqual(table(host));
      expect(embedded.ccache?.version).toEqual(host.ccache?.version);
    }, 600_000);
  },
);
