import { available, binfmtProblem, dockerProblem } from '@arm64kit/vitest-config/prerequisites';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BinfmtBytes,
  doctor,
  expectHostUnchanged,
  makeScratch,
  registerAarch64,
  removeEntries,
  type Scratch,
  snapshotBinfmt,
  TEST_PREFIX,
} from './doctor-host.js';

/**
 * Doctor's Docker check against a real engine: with a handler registered (F, static
 * interpreter), a container of the arm64 base image runs and `uname -m` inside says aarch64.
 */
describe.runIf(available('arm64kit doctor --image', binfmtProblem() ?? dockerProblem()))(
  'arm64kit doctor --image (real Docker engine)',
  () => {
    let scratch: Scratch;
    let before: BinfmtBytes;
    let image: string;
    const name = `${TEST_PREFIX}${process.pid}-docker`;

    beforeAll(async () => {
      before = snapshotBinfmt();
      scratch = makeScratch();
      const { ensureArm64BaseImage } = await import('@arm64kit/fixtures');
      image = (await ensureArm64BaseImage()).tag;
    });
    afterAll(() => {
      removeEntries(name);
      scratch?.cleanup();
      expectHostUnchanged(before);
    });

    it('runs uname -m in a linux/arm64 container and reports aarch64', async () => {
      registerAarch64(name, scratch.staticInterp, 'POCF');
      try {
        const { result } = await doctor(['--image', image, '--name', name]);
        const byId = (id: string) => result.findings.find((f) => f.id === id);
        expect(byId('docker.reachable')?.evidence).toMatch(/^Docker Engine \d+\.\d+/);
        expect(byId('docker.runs-arch')?.evidence).toBe(
          `docker run --rm --platform linux/arm64 ${image} uname -m printed aarch64`,
        );
      } finally {
        removeEntries(name);
      }
    });

    it('without any aarch64 handler on the host, the container fails with exec format error, as doctor says', async () => {
      // Doctor's own view of the whole host (no --name): is any handler taking aarch64 programs?
      const { result } = await doctor(['--image', image]);
      const hostHasHandler = result.findings.some((f) => f.id === 'handler.found');
      const docker = result.findings.find((f) => f.id.startsWith('docker.') && f.id !== 'docker.reachable');
      if (hostHasHandler) {
        // Another suite's handler is registered on this shared host right now: then it runs.
        expect(docker?.id).toBe('docker.runs-arch');
      } else {
        expect(docker?.id).toBe('docker.cannot-run-arch');
        expect(docker?.evidence).toMatch(/exec format error/);
        expect(docker?.explanation).toContain('binfmt_misc handler');
      }
    });

    it('an image that does not exist is reported, not a crash', async () => {
      const { result } = await doctor(['--image', 'arm64kit-test/no-such-image:missing', '--name', name]);
      const f = result.findings.find((x) => x.id === 'docker.cannot-run-arch');
      expect(f?.severity).toBe('error');
      expect(f?.evidence).toContain('arm64kit-test/no-such-image:missing');
    });
  },
);
