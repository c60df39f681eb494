import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildProgram, CROSS_CC } from '@arm64kit/test-programs';
import { available, commandProblem } from '@arm64kit/vitest-config/prerequisites';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The packages as a new user gets them: every public package packed with `pnpm pack` (which
 * applies publishConfig and turns workspace: ranges into versions), the tarballs installed
 * with npm into an empty directory, then imported, required, typechecked and run from there.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** A library, and one export a user of it would reach for. */
const LIBRARIES = [
  { name: '@arm64kit/binfmt', exportName: 'parseRegistration', type: 'function' },
  { name: '@arm64kit/core', exportName: 'interpretBlock', type: 'function' },
  { name: '@arm64kit/arm64', exportName: 'aarch64', type: 'object' },
  { name: '@arm64kit/riscv64', exportName: 'riscv64', type: 'object' },
  { name: '@arm64kit/docker', exportName: 'connect', type: 'function' },
  { name: '@arm64kit/repro', exportName: 'runRepro', type: 'function' },
] as const;

/** Modules of the Docker client stack: none may load unless a Docker path runs. */
const DOCKER_CLIENT = /\/node_modules\/(dockerode|docker-modem|ssh2|cpu-features|@grpc|protobufjs)\//;

interface Packed {
  name: string;
  dir: string;
  tarball: string;
}

function publicPackages(): { name: string; dir: string }[] {
  const found: { name: string; dir: string }[] = [];
  for (const group of ['packages', 'apps']) {
    for (const entry of readdirSync(join(ROOT, group))) {
      const dir = join(ROOT, group, entry);
      let manifest: { name: string; private?: boolean };
      try {
        manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      } catch {
        continue;
      }
      if (!manifest.private) found.push({ name: manifest.name, dir });
    }
  }
  return found;
}

/** This package's own tools (publint, attw), as pnpm linked them. */
function tool(name: string): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', '.bin', name);
}

let work: string;
let app: string;
let packed: Packed[] = [];

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command without blocking the test worker: packing, installing and typechecking take
 * long enough that a synchronous wait starves vitest's own messages.
 */
function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  return new Promise<Ran>((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd ?? app, env: options.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (data) => {
      stdout += data;
    });
    child.stderr.on('data', (data) => {
      stderr += data;
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Like run(), and fails with what the command said when it does not exit 0. */
async function succeed(command: string, args: string[], options: { cwd?: string } = {}): Promise<string> {
  const result = await run(command, args, options);
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')}: exit ${result.status}\n${result.stderr}`);
  return result.stdout;
}

function node(args: string[]) {
  return run(process.execPath, args);
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'arm64kit-pack-'));
  const tarballs = join(work, 'tarballs');
  app = join(work, 'app');
  mkdirSync(tarballs);
  mkdirSync(app);
  packed = [];
  for (const { name, dir } of publicPackages()) {
    const before = new Set(readdirSync(tarballs));
    await succeed('pnpm', ['pack', '--pack-destination', tarballs], { cwd: dir });
    const tarball = readdirSync(tarballs).find((file) => !before.has(file));
    if (!tarball) throw new Error(`pnpm pack wrote no tarball for ${name}`);
    packed.push({ name, dir, tarball: join(tarballs, tarball) });
  }
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  );
  // Dependencies come from npm's cache when they are there; @types/node is the consumer's own.
  await succeed(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--loglevel=error',
      ...packed.map((p) => p.tarball),
      '@types/node@^20.19.0',
    ],
    { cwd: app },
  );
}, 900_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the published packages', () => {
  it('are every public package of the workspace', () => {
    expect(packed.map((p) => p.name).sort()).toEqual(
      ['arm64kit', ...LIBRARIES.map((library) => library.name)].sort(),
    );
  });

  it('each ship a LICENSE and a README, and no exports condition pointing at unshipped sources', async () => {
    for (const { name, tarball } of packed) {
      const files = (await succeed('tar', ['-tzf', tarball])).split('\n');
      expect(files, name).toContain('package/LICENSE');
      expect(files, name).toContain('package/README.md');
      expect(
        files.some((file) => file.startsWith('package/src/')),
        name,
      ).toBe(false);
      const manifest = await succeed('tar', ['-xzOf', tarball, 'package/package.json']);
      expect(manifest, name).not.toContain('@arm64kit/source');
      expect(manifest, name).not.toContain('workspace:');
      expect(JSON.parse(manifest).repository?.directory, name).toBeTruthy();
    }
  });

  it('ship source maps that carry their sources, since src/ is not shipped', async () => {
    let sources = 0;
    for (const { name, tarball } of packed) {
      const files = (await succeed('tar', ['-tzf', tarball]))
        .split('\n')
        .filter((f) => f.endsWith('.js.map'));
      for (const file of files) {
        const map = JSON.parse(await succeed('tar', ['-xzOf', tarball, file]));
        // A split entry that only re-exports a chunk has a map with no sources at all.
        expect(map.sourcesContent?.length ?? 0, `${name} ${file}: every source embedded`).toBe(
          map.sources.length,
        );
        expect(
          map.sourcesContent.every((text: unknown) => typeof text === 'string' && text.length > 0),
          `${name} ${file}`,
        ).toBe(true);
        sources += map.sources.length;
      }
    }
    expect(sources).toBeGreaterThan(100);
  });

  it('pass publint (strict) and arethetypeswrong (ESM, require() on Node 20.19+)', async () => {
    for (const { name, tarball } of packed) {
      const publint = await run(tool('publint'), ['run', tarball, '--strict']);
      expect(publint.status, `${name}: ${publint.stdout}${publint.stderr}`).toBe(0);
      if (name === 'arm64kit') continue; // a command, not a library: no exports to type
      // esm-only: attw does not model require(esm); the require() test below checks it in Node.
      const attw = await run(tool('attw'), [tarball, '--profile', 'esm-only', '--no-emoji', '--no-color']);
      expect(attw.status, `${name}: ${attw.stdout}${attw.stderr}`).toBe(0);
    }
  });

  it.each(LIBRARIES)(
    '$name imports from ESM and require()s from CommonJS',
    async ({ name, exportName, type }) => {
      const esm = await node([
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(name)}); console.log(typeof m[${JSON.stringify(exportName)}])`,
      ]);
      expect(esm.stderr).toBe('');
      expect(esm.stdout.trim()).toBe(type);
      const cjs = await node([
        '--input-type=commonjs',
        '-e',
        `const m = require(${JSON.stringify(name)}); console.log(typeof m[${JSON.stringify(exportName)}])`,
      ]);
      // Node 20.19 still warns that require(esm) is experimental; the call itself must work.
      expect(cjs.stderr).not.toMatch(/ERR_/);
      expect(cjs.status).toBe(0);
      expect(cjs.stdout.trim()).toBe(type);
    },
  );

  it('typecheck in a TypeScript consumer under moduleResolution nodenext and bundler', async () => {
    writeFileSync(
      join(app, 'consumer.ts'),
      [
        `import { parseRegistration } from '@arm64kit/binfmt';`,
        `import { interpretBlock } from '@arm64kit/core';`,
        `import { aarch64 } from '@arm64kit/arm64';`,
        `import { connect, type DockerEngine } from '@arm64kit/docker';`,
        `import { createBackend, runRepro, type ReproReport } from '@arm64kit/repro';`,
        `const name: string = parseRegistration(':t:E::x::/bin/true:').name;`,
        `const engine: Promise<DockerEngine> = connect({ context: 'default' });`,
        `const report: Promise<ReproReport> = runRepro({ scenario: 'argv', backend: createBackend('embedded') });`,
        `export { name, engine, report, interpretBlock, aarch64 };`,
        '',
      ].join('\n'),
    );
    const tsc = tool('tsc');
    for (const [module, moduleResolution] of [
      ['nodenext', 'nodenext'],
      ['esnext', 'bundler'],
    ]) {
      const config = `tsconfig.${moduleResolution}.json`;
      writeFileSync(
        join(app, config),
        JSON.stringify({
          compilerOptions: {
            module,
            moduleResolution,
            target: 'es2022',
            strict: true,
            noEmit: true,
            types: ['node'],
            skipLibCheck: false,
          },
          files: ['consumer.ts'],
        }),
      );
      const result = await run(tsc, ['-p', config]);
      expect(result.status, `${moduleResolution}: ${result.stdout}${result.stderr}`).toBe(0);
    }
  });

  it('load no Docker client for the embedded backend, and load one when a Docker path runs', async () => {
    const script = `
      import { createRequire } from 'node:module';
      const cache = createRequire(import.meta.url).cache;
      const loaded = () => Object.keys(cache).filter((m) => ${DOCKER_CLIENT}.test(m)).length;
      const { createBackend } = await import('@arm64kit/repro');
      createBackend('embedded');
      const beforeDocker = loaded();
      const { connect } = await import('@arm64kit/docker');
      await connect({ host: 'unix:///nonexistent/docker.sock', timeoutMs: 1000 }).catch(() => {});
      console.log(JSON.stringify({ beforeDocker, afterDocker: loaded() }));
    `;
    const result = await node(['--input-type=module', '-e', script]);
    expect(result.stderr).toBe('');
    const counts = JSON.parse(result.stdout);
    expect(counts.beforeDocker).toBe(0);
    expect(counts.afterDocker).toBeGreaterThan(0);
  });
});

const crossProblem = commandProblem(CROSS_CC, 'gcc-aarch64-linux-gnu');

describe.runIf(available('the installed arm64kit running an aarch64 program', crossProblem))(
  'the installed arm64kit command',
  { timeout: 300_000 },
  () => {
    const arm64kit = () => join(app, 'node_modules', '.bin', 'arm64kit');
    // A user's environment: vitest sets NODE_ENV=test, which makes oclif look for TypeScript sources.
    const env = { ...process.env, NODE_ENV: 'production' };

    it('runs an aarch64 program', async () => {
      const program = buildProgram('argv');
      const result = await run(arm64kit(), ['run', '--argv0', 'hello', program, 'one', 'two words'], { env });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout).toBe(
        'Total Number of args: 3\n0th argv: hello\n1th argv: one\n2th argv: two words\n',
      );
    });

    it('answers -h and -v like --help and --version', async () => {
      const version = await run(arm64kit(), ['-v'], { env });
      expect(version.status).toBe(0);
      expect(version.stdout).toMatch(/^arm64kit\/\d+\.\d+\.\d+ /);
      const help = await run(arm64kit(), ['binfmt', 'parse', '-h'], { env });
      expect(help.status).toBe(0);
      expect(help.stdout).toContain('USAGE');
    });

    it('reproduces the argv example on the embedded backend, loading no Docker client', async () => {
      const report = join(work, 'loaded.cjs');
      writeFileSync(
        report,
        `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(join(work, 'loaded.json'))}, JSON.stringify(Object.keys(require.cache))));\n`,
      );
      const result = await run(arm64kit(), ['repro', 'argv', '--json'], {
        env: { ...env, NODE_OPTIONS: `--require ${report}` },
      });
      expect(result.status, result.stderr).toBe(0);
      const data = JSON.parse(result.stdout);
      expect(data.scenario).toBe('argv');
      expect(data.backend).toBe('embedded');
      const loaded: string[] = JSON.parse(readFileSync(join(work, 'loaded.json'), 'utf8'));
      expect(loaded.some((m) => m.includes('/node_modules/@oclif/core/'))).toBe(true);
      expect(loaded.filter((m) => DOCKER_CLIENT.test(m))).toEqual([]);
    });
  },
);
