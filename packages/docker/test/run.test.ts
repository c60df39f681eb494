import { available, binfmtProblem, dockerProblem } from '@arm64kit/vitest-config/prerequisites';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DockerEngine,
  DockerError,
  type EmulationSetup,
  RunAbortedError,
  RunTimeoutError,
} from '../src/index.js';
import { ensureArm64BaseImage } from './base.js';
import { aarch64Handler, connect, leftoverWatch, whileHandlerIs } from './helpers.js';

const ready =
  available('docker run on a real engine', dockerProblem()) &&
  available('docker run of arm64 images (binfmt_misc)', binfmtProblem());

describe.runIf(ready)('run', () => {
  let engine: DockerEngine;
  let emulation: EmulationSetup;
  let image: string;
  let watch: Awaited<ReturnType<typeof leftoverWatch>>;
  const arm64 = { platform: 'linux/arm64', network: 'none' } as const;

  beforeAll(async () => {
    engine = await connect();
    emulation = await aarch64Handler('run');
    image = (await ensureArm64BaseImage({ engine })).tag;
    watch = await leftoverWatch(engine);
  });

  afterAll(async () => {
    await emulation?.restore();
    if (watch) expect(await watch.newContainers()).toEqual([]);
  });

  it('keeps stdout and stderr apart and returns the exit status', async () => {
    const result = await whileHandlerIs(emulation.name, () =>
      engine.run(image, ['sh', '-c', 'echo out; echo err >&2; echo more; exit 7'], arm64),
    );
    expect(result).toEqual({ stdout: 'out\nmore\n', stderr: 'err\n', exitCode: 7 });
    expect(await watch.newContainers()).toEqual([]);
  });

  it('collects large output completely', async () => {
    const result = await whileHandlerIs(emulation.name, () =>
      engine.run(
        image,
        ['sh', '-c', 'head -c 300000 /dev/zero | tr "\\0" a; head -c 70000 /dev/zero | tr "\\0" b >&2'],
        arm64,
      ),
    );
    expect(result).toEqual({ stdout: 'a'.repeat(300000), stderr: 'b'.repeat(70000), exitCode: 0 });
  });

  it('passes env and replaces the entrypoint', async () => {
    const result = await whileHandlerIs(emulation.name, () =>
      engine.run(image, ['echo "$GREETING from $0"'], {
        ...arm64,
        env: { GREETING: 'hello' },
        entrypoint: ['/bin/sh', '-c'],
      }),
    );
    expect(result).toEqual({ stdout: 'hello from /bin/sh\n', stderr: '', exitCode: 0 });
  });

  it('fails with 127 when the command does not exist and 126 when it cannot be run', async () => {
    const missing = await engine.run(image, ['/no/such/program'], arm64).catch((e) => e);
    expect(missing).toBeInstanceOf(DockerError);
    expect([missing.code, missing.exitCode]).toEqual(['COMMAND_NOT_FOUND', 127]);
    const notExecutable = await engine.run(image, ['/etc/passwd'], arm64).catch((e) => e);
    expect([notExecutable.code, notExecutable.exitCode]).toEqual(['CANNOT_INVOKE', 126]);
    expect(await watch.newContainers()).toEqual([]);
  });

  it('fails with 125 for an image the engine does not have', async () => {
    const error = await engine.run('arm64kit-test/does-not-exist:never', ['true'], arm64).catch((e) => e);
    expect([error.code, error.exitCode]).toEqual(['IMAGE_NOT_FOUND', 125]);
  });

  it('fails with 125 when the image records another platform', async () => {
    const error = await engine
      .run(image, ['true'], { platform: 'linux/amd64', network: 'none' })
      .catch((e) => e);
    expect([error.code, error.exitCode]).toEqual(['PLATFORM_MISMATCH', 125]);
    expect(error.message).toContain('is linux/arm64, not linux/amd64');
  });

  // The program would run ten minutes and print "finished": only a kill at the timeout ends
  // it within the test's own timeout (the preset's 60 s), on a loaded machine too; 5 s leaves
  // "started" time to be printed there.
  it('kills and removes a container that runs past its timeout', async () => {
    const error = await engine
      .run(image, ['sh', '-c', 'echo started; sleep 600; echo finished'], { ...arm64, timeoutMs: 5000 })
      .catch((e) => e);
    expect(error).toBeInstanceOf(RunTimeoutError);
    expect(error.exitCode).toBe(124);
    expect(error.partial.stdout).toBe('started\n');
    expect(await watch.newContainers()).toEqual([]);
  });

  it('kills and removes the container when aborted (Ctrl-C)', async () => {
    const controller = new AbortController();
    const running = engine.run(image, ['sleep', '60'], { ...arm64, signal: controller.signal });
    setTimeout(() => controller.abort(), 1500);
    const error = await running.catch((e) => e);
    expect(error).toBeInstanceOf(RunAbortedError);
    expect(error.exitCode).toBe(130);
    expect(await watch.newContainers()).toEqual([]);
  });

  it('refuses a bad timeout before creating anything', async () => {
    const error = await engine.run(image, ['true'], { timeoutMs: -1 }).catch((e) => e);
    expect(error.code).toBe('BAD_INPUT');
  });
});
