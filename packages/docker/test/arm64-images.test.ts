import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  available,
  binfmtProblem,
  commandProblem,
  dockerProblem,
} from '@arm64kit/vitest-config/prerequisites';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BuildFailedError,
  type BuildProgress,
  type DockerEngine,
  DockerError,
  type EmulationSetup,
  setupEmulation,
} from '../src/index.js';
import { ensureArm64BaseImage } from './base.js';
import { aarch64Handler, connect, leftoverWatch, testTag, whileHandlerIs } from './helpers.js';

const ready =
  available('arm64 images on a real Docker engine', dockerProblem()) &&
  available('arm64 images (binfmt_misc handler)', binfmtProblem()) &&
  available('arm64 images (qemu)', commandProblem('qemu-aarch64-static', 'qemu-user-static')) &&
  available('arm64 images (debootstrap)', commandProblem('debootstrap', 'debootstrap')) &&
  available(
    'arm64 images (cross compiler)',
    commandProblem('aarch64-linux-gnu-gcc', 'gcc-aarch64-linux-gnu'),
  );

describe.runIf(ready)('arm64 images through a real engine', () => {
  let engine: DockerEngine;
  let emulation: EmulationSetup;
  let base: string;
  let watch: Awaited<ReturnType<typeof leftoverWatch>>;
  const tags: string[] = [];

  beforeAll(async () => {
    engine = await connect();
    watch = await leftoverWatch(engine);
    emulation = await aarch64Handler('images');
    base = (await ensureArm64BaseImage({ engine })).tag;
  });

  afterAll(async () => {
    for (const tag of tags) await engine?.removeImage(tag, { force: true });
    await emulation?.restore();
    if (watch) {
      expect(await watch.newContainers()).toEqual([]);
      expect(await watch.newDangling()).toEqual([]);
    }
  });

  it('imports the debootstrapped rootfs as an arm64 image that runs as aarch64', async () => {
    const image = await engine.image(base);
    expect(image?.architecture).toBe('arm64');
    expect(image?.os).toBe('linux');
    const result = await whileHandlerIs(emulation.name, () =>
      engine.run(base, ['uname', '-m'], { platform: 'linux/arm64', network: 'none' }),
    );
    expect(result).toEqual({ stdout: 'aarch64\n', stderr: '', exitCode: 0 });
  });

  it('imports a directory, keeping owners and modes, and records arm64', async () => {
    const work = mkdtempSync(join(tmpdir(), 'arm64kit-docker-test-'));
    try {
      const root = join(work, 'root');
      mkdirSync(join(root, 'bin'), { recursive: true });
      mkdirSync(join(root, 'data'));
      writeFileSync(
        join(work, 'probe.c'),
        [
          '#include <stdio.h>',
          '#include <sys/stat.h>',
          'int main(int argc, char **argv) {',
          '  struct stat s;',
          '  if (stat("/data/owned", &s) != 0) return 100;',
          '  printf("%u:%u %o\\n", s.st_uid, s.st_gid, s.st_mode & 07777);',
          '  return argc;',
          '}',
        ].join('\n'),
      );
      execFileSync('aarch64-linux-gnu-gcc', [
        '-static',
        '-O2',
        '-o',
        join(root, 'bin', 'probe'),
        join(work, 'probe.c'),
      ]);
      writeFileSync(join(root, 'data', 'owned'), 'x');
      execFileSync('chown', ['1234:4321', join(root, 'data', 'owned')]);
      chmodSync(join(root, 'data', 'owned'), 0o4750);
      const tag = testTag('dir');
      tags.push(tag);
      const imported = await engine.importRootfs(root, { tag });
      expect(imported.architecture).toBe('arm64');
      expect((await engine.docker.getImage(tag).inspect()).RootFS?.Layers?.length).toBe(1);
      // argc is the exit status: three arguments plus argv[0].
      const run = await whileHandlerIs(emulation.name, () =>
        engine.run(tag, ['/bin/probe', 'a', 'b', 'c'], { platform: 'linux/arm64', network: 'none' }),
      );
      expect(run).toEqual({ stdout: '1234:4321 4750\n', stderr: '', exitCode: 4 });
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('refuses a file that is not an archive, changing nothing', async () => {
    const work = mkdtempSync(join(tmpdir(), 'arm64kit-docker-test-'));
    try {
      writeFileSync(join(work, 'not.tar'), 'hello');
      const error = await engine.importRootfs(join(work, 'not.tar'), { tag: testTag('bad') }).catch((e) => e);
      expect(error).toBeInstanceOf(DockerError);
      expect(error.code).toBe('BAD_INPUT');
      expect(await engine.image(testTag('bad'))).toBeUndefined();
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('builds the ccache Dockerfile for linux/arm64 and captures the run', async () => {
    const tag = testTag('ccache');
    tags.push(tag);
    const events: BuildProgress[] = [];
    const dockerfile = [
      `FROM ${base}`,
      'RUN DEBIAN_FRONTEND=noninteractive apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ccache',
      'CMD ["ccache", "ccache", "-p"]',
    ].join('\n');
    const built = await whileHandlerIs(emulation.name, () => {
      events.length = 0;
      return engine.build(dockerfile, {
        platform: 'linux/arm64',
        tag,
        network: 'host',
        onProgress: (event) => events.push(event),
      });
    });
    expect(built.imageId).toMatch(/^(sha256:)?[0-9a-f]{12,64}$/);
    expect(built.steps).toBe(3);
    expect(events.filter((e) => e.type === 'step').map((e) => e.type === 'step' && e.step.number)).toEqual([
      1, 2, 3,
    ]);
    expect((await engine.image(tag))?.architecture).toBe('arm64');

    // Bookworm's ccache is 4.x: it skips a repeated "ccache" and then takes "-p" for the
    // compiler, so `ccache ccache -p` fails by design. With P the program gets exactly the
    // argv real arm64 hardware gives it; without P argv[0] becomes /usr/bin/ccache, which
    // ccache 4 does not mind (it compares basenames): the same failure both ways. The
    // argv[0] failure of the background write-up needs ccache 3.7 (Ubuntu 20.04).
    const expected = {
      stdout: '',
      stderr: 'ccache: error: Could not find compiler "-p" in PATH\n',
      exitCode: 1,
    };
    const withP = await whileHandlerIs(emulation.name, () =>
      engine.run(tag, [], { platform: 'linux/arm64', network: 'none' }),
    );
    expect(withP).toEqual(expected);
    const noP = await setupEmulation({ arch: 'arm64', preserveArgv0: false, name: `${emulation.name}-nop` });
    try {
      const withoutP = await whileHandlerIs(noP.name, () =>
        engine.run(tag, [], { platform: 'linux/arm64', network: 'none' }),
      );
      expect(withoutP).toEqual(expected);
    } finally {
      await noP.restore();
    }

    const direct = await engine.run(tag, ['ccache', '-p'], { platform: 'linux/arm64', network: 'none' });
    expect(direct.exitCode).toBe(0);
    expect(direct.stdout).toMatch(/^\(default\) cache_dir = /m);
    const version = await engine.run(tag, ['ccache', '--version'], { network: 'none' });
    expect(version.stdout).toMatch(/^ccache version 4\./);
  }, 600_000);

  it('rejects a failing RUN step with that step and its output, leaving no image behind', async () => {
    const dockerfile = [
      `FROM ${base}`,
      'RUN echo first step > /first',
      'RUN echo "about to fail" && echo "on stderr" >&2 && exit 3',
      'RUN echo never',
    ].join('\n');
    const error = await whileHandlerIs(emulation.name, () =>
      engine.build(dockerfile, {
        platform: 'linux/arm64',
        tag: testTag('fails'),
        network: 'none',
        noCache: true,
      }),
    ).catch((e) => e);
    expect(error).toBeInstanceOf(BuildFailedError);
    expect(error.code).toBe('BUILD_FAILED');
    expect(error.step).toEqual({
      number: 3,
      total: 4,
      instruction: 'RUN echo "about to fail" && echo "on stderr" >&2 && exit 3',
    });
    expect(error.output).toContain('about to fail\n');
    expect(error.output).toContain('on stderr\n');
    expect(error.commandExitCode).toBe(3);
    expect(error.message).toContain('returned a non-zero code: 3');
    expect(await engine.image(testTag('fails'))).toBeUndefined();
    expect(await watch.newDangling()).toEqual([]);
  });
});
