import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, type DockerEngine, type EmulationSetup, RUN_LABEL, setupEmulation } from '@arm64kit/docker';
import { ensureArm64BaseImage } from '@arm64kit/fixtures';
import { available, binfmtProblem, dockerProblem } from '@arm64kit/vitest-config/prerequisites';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'run.js');

function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const run = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '', ...env },
    timeout: 300_000,
  });
  if (run.error) throw run.error;
  return { stdout: run.stdout, stderr: run.stderr, status: run.status ?? -1 };
}

describe('arm64kit docker (without an engine)', () => {
  it('explains how to start an engine when none answers, exit 125', () => {
    const run = cli(['docker', 'run', 'any/image', 'true'], {
      DOCKER_HOST: 'unix:///nonexistent/docker.sock',
    });
    expect(run.status).toBe(125);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      /^arm64kit: no Docker engine answers at unix:\/\/\/nonexistent\/docker.sock .*dockerd --bridge=none --iptables=false &/m,
    );
  });

  it('refuses a malformed --env before contacting the engine, exit 125', () => {
    const run = cli(['docker', 'run', '-e', 'NOVALUE', 'any/image'], {
      DOCKER_HOST: 'unix:///nonexistent/docker.sock',
    });
    expect(run.status).toBe(125);
    expect(run.stderr).toContain('--env takes KEY=VALUE, not "NOVALUE"');
  });

  it('hands --help after IMAGE to the container, not to its own help', () => {
    const run = cli(['docker', 'run', 'any/image', 'ls', '--help'], {
      DOCKER_HOST: 'unix:///nonexistent/docker.sock',
    });
    expect([run.status, run.stdout]).toEqual([125, '']);
    expect(run.stderr).toContain('no Docker engine answers');
  });

  it('has help with examples for every command', () => {
    for (const command of ['build', 'run', 'import']) {
      const run = cli(['docker', command, '--help']);
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('EXAMPLES');
      expect(run.stdout).toContain(`arm64kit docker ${command}`);
    }
  });
});

const ready =
  available('arm64kit docker against a real engine', dockerProblem()) &&
  available('arm64kit docker with arm64 images (binfmt_misc)', binfmtProblem());

describe.runIf(ready)('arm64kit docker against a real engine', () => {
  let engine: DockerEngine;
  let emulation: EmulationSetup;
  let image: string;
  const tags: string[] = [];
  const containers = async () =>
    (await engine.docker.listContainers({ all: true, filters: { label: [RUN_LABEL] } })).map((c) => c.Id);

  beforeAll(async () => {
    engine = await connect();
    emulation = await setupEmulation({ arch: 'arm64', name: `arm64kit-test-docker-cli-${process.pid}` });
    image = (await ensureArm64BaseImage({ engine })).tag;
  });

  afterAll(async () => {
    for (const tag of tags) await engine?.removeImage(tag, { force: true });
    await emulation?.restore();
  });

  it('run passes output through and exits with the command status', () => {
    const run = cli([
      'docker',
      'run',
      '--platform',
      'linux/arm64',
      image,
      'sh',
      '-c',
      'uname -m; echo oops >&2; exit 5',
    ]);
    expect(run).toEqual({ stdout: 'aarch64\n', stderr: 'oops\n', status: 5 });
  });

  it('run --json collects the result', () => {
    const run = cli(['docker', 'run', '--json', '-e', 'WHO=arm64', image, 'sh', '-c', 'echo "$WHO"']);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ stdout: 'arm64\n', stderr: '', exitCode: 0 });
  });

  it('run exits 127 for a missing command and 125 for a missing image', () => {
    expect(cli(['docker', 'run', image, '/no/such/program']).status).toBe(127);
    expect(cli(['docker', 'run', 'arm64kit-test/none:never', 'true']).status).toBe(125);
  });

  it('Ctrl-C stops the run, removes the container and exits 130', async () => {
    const before = await containers();
    const child = spawn(process.execPath, [CLI, 'docker', 'run', image, 'sleep', '60'], {
      env: { ...process.env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let started = false;
    for (let i = 0; i < 100 && !started; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const now = await engine.docker.listContainers({
        filters: { label: [RUN_LABEL], status: ['running'] },
      });
      started = now.some((c) => !before.includes(c.Id));
    }
    expect(started).toBe(true);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(await containers()).toEqual(before);
  });

  it('build makes an arm64 image: RUN steps run as aarch64, with the context, build args and labels', () => {
    const work = mkdtempSync(join(tmpdir(), 'arm64kit-cli-build-'));
    try {
      writeFileSync(
        join(work, 'Dockerfile'),
        `FROM ${image}\nARG GREETING\nCOPY note.txt /note.txt\nRUN echo "$GREETING from $(uname -m)" > /built.txt && cat /note.txt >> /built.txt\n`,
      );
      writeFileSync(join(work, 'note.txt'), 'from the context\n');
      const tag = `arm64kit-test/docker-cli-build:${process.pid}`;
      tags.push(tag);
      const built = cli([
        'docker',
        'build',
        work,
        '-t',
        tag,
        '--build-arg',
        'GREETING=hello',
        '--label',
        'io.arm64kit.test=build',
        '--network',
        'none',
        '--no-cache',
        '--json',
      ]);
      expect(built.status, built.stderr).toBe(0);
      const result = JSON.parse(built.stdout);
      // Five steps: the Dockerfile's four and the engine's LABEL step for --label.
      expect(result).toMatchObject({ tags: [tag], steps: 5 });
      expect(result.imageId).toMatch(/^sha256:[0-9a-f]{64}$/);
      // The engine's view of what was built: the id the CLI reported, for arm64, with the label.
      const inspected = JSON.parse(
        execFileSync('docker', ['image', 'inspect', tag], { encoding: 'utf8' }),
      )[0];
      expect([inspected.Id, inspected.Os, inspected.Architecture]).toEqual([
        result.imageId,
        'linux',
        'arm64',
      ]);
      expect(inspected.Config.Labels['io.arm64kit.test']).toBe('build');
      const run = cli(['docker', 'run', '--network', 'none', tag, 'cat', '/built.txt']);
      expect(run).toEqual({ stdout: 'hello from aarch64\nfrom the context\n', stderr: '', status: 0 });
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('import makes an arm64 image of a directory; build shows a failing step and exits 1', () => {
    const work = mkdtempSync(join(tmpdir(), 'arm64kit-cli-docker-'));
    try {
      mkdirSync(join(work, 'root', 'etc'), { recursive: true });
      writeFileSync(join(work, 'root', 'etc', 'motd'), 'imported\n');
      const tag = `arm64kit-test/docker-cli-import:${process.pid}`;
      tags.push(tag);
      const imported = cli(['docker', 'import', join(work, 'root'), '-t', tag, '--json']);
      expect(imported.status).toBe(0);
      expect(JSON.parse(imported.stdout)).toMatchObject({ tag, os: 'linux', architecture: 'arm64' });

      mkdirSync(join(work, 'ctx'));
      writeFileSync(
        join(work, 'ctx', 'Dockerfile'),
        `FROM ${image}\nCOPY note.txt /note.txt\nRUN cat /note.txt && exit 9\n`,
      );
      writeFileSync(join(work, 'ctx', 'note.txt'), 'from the context\n');
      const built = cli(['docker', 'build', join(work, 'ctx'), '--network', 'none', '--no-cache']);
      expect(built.status).toBe(1);
      expect(built.stderr).toContain('step 3/3: RUN cat /note.txt && exit 9');
      expect(built.stderr).toMatch(
        /^arm64kit: build failed at step 3\/3 \(RUN cat \/note.txt && exit 9\): .*non-zero code: 9$/m,
      );
      expect(built.stderr).toContain('  | from the context');
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
