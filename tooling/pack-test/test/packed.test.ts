import { execFileSync, spawnSync } from 'node:child_process';
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

function node(args: string[], options: { input?: string } = {}) {
  return spawnSync(process.execPath, args, { cwd: app, encoding: 'utf8', input: options.input });
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'arm64kit-pack-'));
  const tarballs = join(work, 'tarballs');
  app = join(work, 'app');
  mkdirSync(tarballs);
  mkdirSync(app);
  packed = publicPackages().map(({ name, dir }) => {
    const before = new Set(readdirSync(tarballs));
    execFileSync('pnpm', ['pack', '--pack-destination', tarballs], { cwd: dir, stdio: 'pipe' });
    const tarball = readdirSync(tarballs).find((file) => !before.has(file));
    if (!tarball) throw new Error(`pnpm pack wrote no tarball for ${name}`);
    return { name, dir, tarball: join(tarballs, tarball) };
  });
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  );
  // Dependencies come from npm's cache when they are there; @types/node is the consumer's own.
  execFileSync(
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
    { cwd: app, stdio: 'pipe' },
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

  it('each ship a LICENSE and a README, and no exports condition pointing at unshipped sources', () => {
    for (const { name, tarball } of packed) {
      const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n');
      expect(files, name).toContain('package/LICENSE');
      expect(files, name).toContain('package/README.md');
      expect(
        files.some((file) => file.startsWith('package/src/')),
        name,
      ).toBe(false);
      const manifest = execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' });
      expect(manifest, name).not.toContain('@arm64kit/source');
      expect(manifest, name).not.toContain('workspace:');
      expect(JSON.parse(manifest).repository?.directory, name).toBeTruthy();
    }
  });

  it('pass publint (strict) and arethetypeswrong (ESM, require() on Node 20.19+)', () => {
    for (const { name, tarball } of packed) {
      const publint = spawnSync(tool('publint'), ['run', tarball, '--strict'], {
        encoding: 'utf8',
      });
      expect(publint.status, `${name}: ${publint.stdout}${publint.stderr}`).toBe(0);
      if (name === 'arm64kit') continue; // a command, not a library: no exports to type
      // esm-only: attw does not model require(esm); the require() test below checks it in Node.
      const attw = spawnSync(tool('attw'), [tarball, '--profile', 'esm-only', '--no-emoji', '--no-color'], {
        encoding: 'utf8',
      });
      expect(attw.status, `${name}: ${attw.stdout}${attw.stderr}`).toBe(0);
    }
  });

  it.each(LIBRARIES)('$name imports from ESM and require()s from CommonJS', ({ name, exportName, type }) => {
    const esm = node([
      '--input-type=module',
      '-e',
      `const m = await import(${JSON.stringify(name)}); console.log(typeof m[${JSON.stringify(exportName)}])`,
    ]);
    expect(esm.stderr).toBe('');
    expect(esm.stdout.trim()).toBe(type);
    const cjs = node([
      '--input-type=commonjs',
      '-e',
      `const m = require(${JSON.stringify(name)}); console.log(typeof m[${JSON.stringify(exportName)}])`,
    ]);
    // Node 20.19 still warns that require(esm) is experimental; the call itself must work.
    expect(cjs.stderr).not.toMatch(/ERR_/);
    expect(cjs.status).toBe(0);
    expect(cjs.stdout.trim()).toBe(type);
  });

  it('typecheck in a TypeScript consumer under moduleResolution nodenext and bundler', () => {
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
      const result = spawnSync(tsc, ['-p', config], { cwd: app, encoding: 'utf8' });
      expect(result.status, `${moduleResolution}: ${result.stdout}${result.stderr}`).toBe(0);
    }
  });

  it('load no Docker client for the embedded backend, and load one when a Docker path runs', () => {
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
    const result = node(['--input-type=module', '-e', script]);
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

    it('runs an aarch64 program', () => {
      const program = buildProgram('argv');
      const result = spawnSync(arm64kit(), ['run', '--argv0', 'hello', program, 'one', 'two words'], {
        cwd: app,
        env,
        encoding: 'utf8',
      });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout).toBe(
        'Total Number of args: 3\n0th argv: hello\n1th argv: one\n2th argv: two words\n',
      );
    });

    it('answers -h and -v like --help and --version', () => {
      const version = spawnSync(arm64kit(), ['-v'], { cwd: app, env, encoding: 'utf8' });
      expect(version.status).toBe(0);
      expect(version.stdout).toMatch(/^arm64kit\/\d+\.\d+\.\d+ /);
      const help = spawnSync(arm64kit(), ['binfmt', 'parse', '-h'], { cwd: app, env, encoding: 'utf8' });
      expect(help.status).toBe(0);
      expect(help.stdout).toContain('USAGE');
    });

    it('reproduces the argv example on the embedded backend, loading no Docker client', () => {
      const report = join(work, 'loaded.cjs');
      writeFileSync(
        report,
        `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(join(work, 'loaded.json'))}, JSON.stringify(Object.keys(require.cache))));\n`,
      );
      const result = spawnSync(arm64kit(), ['repro', 'argv', '--json'], {
        cwd: app,
        encoding: 'utf8',
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
