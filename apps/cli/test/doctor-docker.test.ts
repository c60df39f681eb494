import { available, binfmtProblem, dockerProblem } from '@arm64kit/vitest-config/prerequisites';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
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
    let before: Record<string, string>;
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

    it('an image that does not exist is reported, not a crash', async () => {
      const { result } = await doctor(['--image', 'arm64kit-test/no-such-image:missing', '--name', name]);
      const f = result.findings.find((x) => x.id === 'docker.cannot-run-arch');
      expect(f?.severity).toBe('error');
      expect(f?.evidence).toContain('arm64kit-test/no-such-image:missing');
    });
  },
);
