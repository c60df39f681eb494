import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type DockerEngine } from '@arm64kit/docker';
import { binfmtState as binfmtFiles, notOtherSuites } from '@arm64kit/vitest-config/binfmt-state';
import {
  available,
  binfmtProblem,
  commandProblem,
  dockerProblem,
  requireAll,
} from '@arm64kit/vitest-config/prerequisites';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_BIN } from './repro-helpers.js';

/**
 * binfmt_misc byte for byte, in the kernel's order: under ARM64KIT_REQUIRE_ALL the whole
 * directory; elsewhere all but other suites' entries, this file's own (the one it sets up) kept.
 */
function binfmtState(): [string, string][] {
  return binfmtFiles(requireAll ? undefined : notOtherSuites('arm64kit-test-cli-emulation-'));
}

const stateDir = mkdtempSync(join(tmpdir(), 'arm64kit-emulation-state-'));

function cli(args: string[]) {
  const run = spawnSync(process.execPath, [CLI_BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '', ARM64KIT_STATE_DIR: stateDir },
    timeout: 300_000,
  });
  if (run.error) throw run.error;
  return { stdout: run.stdout, stderr: run.stderr, status: run.status ?? -1 };
}

afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

describe('arm64kit docker registrar and emulation (without an engine)', () => {
  it('has help with examples', () => {
    for (const command of [['registrar'], ['emulation', 'setup'], ['emulation', 'restore']]) {
      const run = cli(['docker', ...command, '--help']);
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('EXAMPLES');
      expect(run.stdout).toContain(`arm64kit docker ${command.join(' ')}`);
    }
  });

  it('says when there is nothing recorded to restore', () => {
    const none = cli(['docker', 'emulation', 'restore', 'qemu-nothing']);
    expect(none.status).toBe(1);
    expect(none.stderr).toContain(`no setup of qemu-nothing is recorded in ${stateDir}`);
    const all = cli(['docker', 'emulation', 'restore', '--json']);
    expect([all.status, JSON.parse(all.stdout)]).toEqual([0, { restored: [] }]);
  });
});

const ready =
  available('arm64kit docker emulation against a real engine', dockerProblem()) &&
  available('arm64kit docker emulation (binfmt_misc)', binfmtProblem()) &&
  available('arm64kit docker emulation (static busybox)', commandProblem('busybox', 'busybox-static'));

describe.runIf(ready)('arm64kit docker emulation through a registration image', () => {
  const tag = `arm64kit-test/cli-registrar:${process.pid}`;
  const name = `arm64kit-test-cli-emulation-${process.pid}`;
  let engine: DockerEngine;

  beforeAll(async () => {
    engine = await connect();
  });

  afterAll(async () => {
    await engine?.removeImage(tag, { force: true });
  });

  it('builds the image, sets up through it, and restore puts binfmt_misc back byte for byte', () => {
    const built = cli(['docker', 'registrar', '-t', tag, '--json']);
    expect(built.status, built.stderr).toBe(0);
    expect(JSON.parse(built.stdout)).toMatchObject({
      reference: tag,
      interpreters: ['/usr/bin/qemu-aarch64-static'],
    });

    const before = binfmtState();
    const setup = cli(['docker', 'emulation', 'setup', '--image', tag, '--name', name, '--json']);
    expect(setup.status, setup.stderr).toBe(0);
    const output = JSON.parse(setup.stdout);
    expect(output).toMatchObject({ name, via: 'image', image: tag, changes: [{ kind: 'registered', name }] });
    expect(readFileSync(`/proc/sys/fs/binfmt_misc/${name}`, 'utf8')).toContain('flags: PF');
    expect(readdirSync(stateDir)).toEqual([`${name}.json`]);

    // The same setup again changes nothing and records nothing new.
    const again = cli(['docker', 'emulation', 'setup', '--image', tag, '--name', name, '--json']);
    expect(JSON.parse(again.stdout).changes).toEqual([]);

    const restored = cli(['docker', 'emulation', 'restore', '--json']);
    expect(restored.status, restored.stderr).toBe(0);
    expect(JSON.parse(restored.stdout)).toEqual({ restored: [name] });
    expect(existsSync(`/proc/sys/fs/binfmt_misc/${name}`)).toBe(false);
    expect(binfmtState()).toEqual(before);
    expect(readdirSync(stateDir)).toEqual([]);
  });
});
