import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, type DockerEngine, type EmulationSetup, setupEmulation } from '@arm64kit/docker';
import { buildProgram, RISCV64_TARGET } from '@arm64kit/test-programs';
import {
  available,
  binfmtProblem,
  commandProblem,
  dockerProblem,
} from '@arm64kit/vitest-config/prerequisites';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'run.js');

function cli(args: string[]) {
  const run = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
    timeout: 300_000,
  });
  if (run.error) throw run.error;
  return { stdout: run.stdout, stderr: run.stderr, status: run.status ?? -1 };
}

const ready =
  available('arm64kit docker with riscv64 images (engine)', dockerProblem()) &&
  available('arm64kit docker with riscv64 images (binfmt_misc)', binfmtProblem()) &&
  available(
    'arm64kit docker with riscv64 images (programs)',
    commandProblem(RISCV64_TARGET.cc, 'gcc-riscv64-linux-gnu') ??
      commandProblem(RISCV64_TARGET.qemu, 'qemu-user-static'),
  );

/**
 * The docker commands with --platform linux/riscv64 against a real engine: an image made of a root
 * filesystem holding one static riscv64 program (no riscv64 distribution is needed), run and built
 * on under a riscv64 handler of the test's own.
 */
describe.runIf(ready)('arm64kit docker with linux/riscv64 images', () => {
  let engine: DockerEngine;
  let emulation: EmulationSetup;
  let work: string;
  const tag = `arm64kit-test/docker-riscv64:${process.pid}`;
  const built = `arm64kit-test/docker-riscv64-built:${process.pid}`;

  beforeAll(async () => {
    engine = await connect();
    emulation = await setupEmulation({
      arch: 'riscv64',
      name: `arm64kit-test-docker-riscv64-${process.pid}`,
    });
    work = mkdtempSync(join(tmpdir(), 'arm64kit-cli-riscv64-'));
    mkdirSync(join(work, 'root'));
    copyFileSync(buildProgram('argv', { target: RISCV64_TARGET }), join(work, 'root', 'argv'));
  });

  afterAll(async () => {
    for (const image of [built, tag])
      await engine?.removeImage(image, { force: true }).catch(() => undefined);
    await emulation?.restore();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('import records linux/riscv64; run starts its riscv64 program through the handler, argv intact', () => {
    const imported = cli([
      'docker',
      'import',
      join(work, 'root'),
      '--platform',
      'linux/riscv64',
      '-t',
      tag,
      '--json',
    ]);
    expect(imported.status, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ tag, os: 'linux', architecture: 'riscv64' });
    const inspected = JSON.parse(execFileSync('docker', ['image', 'inspect', tag], { encoding: 'utf8' }))[0];
    expect([inspected.Os, inspected.Architecture]).toEqual(['linux', 'riscv64']);

    const run = cli(['docker', 'run', '--platform', 'linux/riscv64', tag, '/argv', 'a', 'b c']);
    expect(run).toEqual({
      stdout: 'Total Number of args: 3\n0th argv: /argv\n1th argv: a\n2th argv: b c\n',
      stderr: '',
      status: 0,
    });
  });

  it('build runs RUN steps of a riscv64 image under emulation and makes a linux/riscv64 image', () => {
    writeFileSync(join(work, 'Dockerfile'), `FROM ${tag}\nRUN ["/argv", "from-build"]\n`);
    const result = cli([
      'docker',
      'build',
      '-f',
      join(work, 'Dockerfile'),
      '--platform',
      'linux/riscv64',
      '-t',
      built,
      '--network',
      'none',
      '--json',
    ]);
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ tags: [built], steps: 2 });
    const inspected = JSON.parse(
      execFileSync('docker', ['image', 'inspect', built], { encoding: 'utf8' }),
    )[0];
    expect(inspected.Architecture).toBe('riscv64');
    const run = cli(['docker', 'run', built, '/argv', 'again']);
    expect(run.stdout).toBe('Total Number of args: 2\n0th argv: /argv\n1th argv: again\n');
  });
});
