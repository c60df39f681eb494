import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProgram, CROSS_CC } from '@arm64kit/test-programs';
import { available, commandProblem } from '@arm64kit/vitest-config/prerequisites';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Run from '../src/commands/run.js';
import { requireWithCodeCache } from '../src/lean-run/code-cache.js';
import { LEAN_RUN_FLAGS, parseLeanRun } from '../src/lean-run/parse.js';
import { MAX_CACHE_FILES, pruneCacheDirectory } from '../src/lean-run/prune-cache.js';
import { CLI_ROOT, runCli } from './repro-helpers.js';

const BUNDLE = join(CLI_ROOT, 'dist/lean-run/bundle.cjs');

describe('the lean run parser', () => {
  it("knows exactly run's oclif flags, with the same kind and allowed values", () => {
    const oclif = Object.fromEntries(
      Object.entries(Run.flags).map(([name, flag]) => {
        // Only what the lean parser implements may be set; anything more is a flag it would misread.
        const extra = ['char', 'default', 'allowNo', 'dependsOn', 'exclusive', 'env', 'required'].filter(
          (key) =>
            (flag as Record<string, unknown>)[key] !== undefined &&
            (flag as Record<string, unknown>)[key] !== false,
        );
        expect(extra, `--${name}`).toEqual([]);
        // A repeatable flag must not swallow PROGRAM: oclif's multiple flags are greedy unless told.
        const multiple = (flag as { multiple?: boolean }).multiple === true;
        if (multiple)
          expect((flag as { multipleNonGreedy?: boolean }).multipleNonGreedy, `--${name}`).toBe(true);
        return [
          name,
          flag.type === 'boolean'
            ? 'boolean'
            : { options: flag.options, ...(multiple ? { multiple: true } : {}) },
        ];
      }),
    );
    const lean = Object.fromEntries(
      Object.entries(LEAN_RUN_FLAGS).map(([name, spec]) => [
        name,
        spec === 'boolean'
          ? 'boolean'
          : {
              options: spec.options === undefined ? undefined : [...spec.options],
              ...(spec.multiple ? { multiple: true } : {}),
            },
      ]),
    );
    expect(lean).toEqual(oclif);
  });

  it('reads flags before PROGRAM and hands everything from PROGRAM on to the program', () => {
    expect(parseLeanRun(['--strace', '--argv0', 'cc', '--executor=wasm', './p', '--stats', '-x'])).toEqual({
      flags: { strace: true, argv0: 'cc', executor: 'wasm' },
      guest: ['./p', '--stats', '-x'],
    });
    expect(parseLeanRun(['--sysroot', '/r', '--', '--odd-name', '--help'])).toEqual({
      flags: { sysroot: '/r' },
      guest: ['--odd-name', '--help'],
    });
    expect(
      parseLeanRun([
        '--env',
        'A=1',
        '--cwd',
        '/tmp',
        '--env=B=2',
        '--clear-env',
        '--unset-env',
        'C',
        './p',
        '--env',
        'x',
      ]),
    ).toEqual({
      flags: { env: ['A=1', 'B=2'], cwd: '/tmp', 'clear-env': true, 'unset-env': ['C'] },
      guest: ['./p', '--env', 'x'],
    });
    expect(parseLeanRun(['--env', 'NOVALUE', './p'])).toBeUndefined(); // oclif reports it
    expect(parseLeanRun(['--binfmt-preserve-argv0', '/bin/ls', 'ls', '-l'])).toEqual({
      flags: { 'binfmt-preserve-argv0': true },
      guest: ['/bin/ls', 'ls', '-l'],
    });
  });

  it('leaves to oclif what oclif answers with help or an error', () => {
    for (const raw of [
      [],
      ['--help'],
      ['-h', './p'],
      ['--version', './p'],
      ['--no-such-flag', './p'],
      ['--strace', '--strace', './p'],
      ['--strace=yes', './p'],
      ['--argv0', 'a', '--argv0', 'b', './p'],
      ['--sysroot'],
      ['--sysroot', '--strace', './p'],
      ['--sysroot=', './p'],
      ['--executor', 'turbo', './p'],
      ['--binfmt-preserve-argv0', './p'],
      ['--strace', '--'],
    ]) {
      expect(parseLeanRun(raw), raw.join(' ')).toBeUndefined();
    }
  });
});

describe('the code cache of the lean run', () => {
  it('keeps one cache per installation: two copies of the bundle do not replace each other', () => {
    const root = mkdtempSync(join(tmpdir(), 'arm64kit-code-cache-'));
    const saved = process.env.XDG_CACHE_HOME;
    process.env.XDG_CACHE_HOME = join(root, 'cache');
    try {
      const copies = ['global', 'project'].map((where) => {
        mkdirSync(join(root, where));
        const file = join(root, where, 'bundle.cjs');
        writeFileSync(file, `module.exports = function answer() { return '${where}'; };`);
        return file;
      });
      const dir = join(root, 'cache', 'arm64kit', 'code-cache');
      for (const round of [1, 2]) {
        for (const file of copies) {
          const loaded = requireWithCodeCache(file);
          expect((loaded.exports as () => string)()).toBe(file.includes('global') ? 'global' : 'project');
          loaded.saveCache();
        }
        expect(readdirSync(dir), `round ${round}`).toHaveLength(2);
      }
      // A rebuilt bundle at the same path replaces that installation's cache only.
      writeFileSync(copies[0], "module.exports = function answer() { return 'rebuilt'; };");
      requireWithCodeCache(copies[0]).saveCache();
      expect(readdirSync(dir)).toHaveLength(2);
    } finally {
      if (saved === undefined) delete process.env.XDG_CACHE_HOME;
      else process.env.XDG_CACHE_HOME = saved;
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('keeps a cache per set of Node flags, and drops them all when the bundle is rebuilt', () => {
    const root = mkdtempSync(join(tmpdir(), 'arm64kit-code-cache-'));
    const saved = { XDG_CACHE_HOME: process.env.XDG_CACHE_HOME, NODE_OPTIONS: process.env.NODE_OPTIONS };
    process.env.XDG_CACHE_HOME = join(root, 'cache');
    const dir = join(root, 'cache', 'arm64kit', 'code-cache');
    const file = join(root, 'bundle.cjs');
    const load = (options: string | undefined) => {
      if (options === undefined) delete process.env.NODE_OPTIONS;
      else process.env.NODE_OPTIONS = options;
      const loaded = requireWithCodeCache(file);
      loaded.saveCache();
      return (loaded.exports as () => string)();
    };
    try {
      writeFileSync(file, "module.exports = function answer() { return 'first'; };");
      expect([load(undefined), load('--max-old-space-size=100')]).toEqual(['first', 'first']);
      const caches = readdirSync(dir);
      expect(caches).toHaveLength(2);
      // Each start finds its own cache, so neither is written again (which would give it a new time).
      const past = new Date('2001-01-01T00:00:00Z');
      for (const name of caches) utimesSync(join(dir, name), past, past);
      load(undefined);
      load('--max-old-space-size=100');
      expect(readdirSync(dir).map((name) => statSync(join(dir, name)).mtimeMs)).toEqual([
        past.getTime(),
        past.getTime(),
      ]);
      writeFileSync(file, "module.exports = function answer() { return 'second build'; };");
      utimesSync(file, new Date(), new Date(Date.now() + 5000));
      expect(load(undefined)).toBe('second build');
      const [only, ...others] = readdirSync(dir);
      expect(others).toEqual([]);
      expect(caches).not.toContain(only);
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('removes the least recently written caches of other installations, and partial files nobody finished', () => {
    const dir = mkdtempSync(join(tmpdir(), 'arm64kit-code-cache-'));
    try {
      const now = Date.now();
      const file = (name: string, minutesAgo: number) => {
        writeFileSync(join(dir, name), 'x');
        const when = new Date(now - minutesAgo * 60_000);
        utimesSync(join(dir, name), when, when);
      };
      // Installations that are gone (an old checkout, a removed project) and one in use.
      const others = Array.from(
        { length: MAX_CACHE_FILES + 3 },
        (_, i) => `bundle.cjs-${i}0000000-1-2-v20-x64-0.v8`,
      );
      for (const [i, name] of others.entries()) file(name, 10 * (i + 1));
      file('bundle.cjs-ours-1-2-v20-x64-0.v8', 0);
      file('bundle.cjs-ours-1-2-v20-x64-1.v8', 5); // this build under other flags
      file('bundle.cjs-ours-0-1-v20-x64-0.v8', 1); // an earlier build
      file('bundle.cjs-ours-1-2-v20-x64-0.v8.123.partial', 120); // its writer died
      file('bundle.cjs-x-1-2-v20-x64-0.v8.456.partial', 1); // being written now
      file('notes.txt', 1000);
      pruneCacheDirectory(dir, {
        keep: 'bundle.cjs-ours-1-2-v20-x64-0.v8',
        bundle: 'bundle.cjs-ours-',
        build: 'bundle.cjs-ours-1-2-',
        now,
      });
      expect(readdirSync(dir).sort()).toEqual(
        [
          'bundle.cjs-ours-1-2-v20-x64-0.v8',
          'bundle.cjs-ours-1-2-v20-x64-1.v8',
          ...others.slice(0, MAX_CACHE_FILES - 2),
          'bundle.cjs-x-1-2-v20-x64-0.v8.456.partial',
          'notes.txt',
        ].sort(),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** The built CLI in a child process, as a user runs it, with more environment variables. */
async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const { code, stdout, stderr } = await runCli(args, { env });
  return { status: code, stdout, stderr };
}

const problem =
  commandProblem(CROSS_CC, 'gcc-aarch64-linux-gnu') ??
  (existsSync(BUNDLE) ? null : 'the CLI is not built (pnpm turbo run build --filter arm64kit...)');

describe.runIf(available('the lean arm64kit run', problem))(
  'the lean arm64kit run',
  { timeout: 180_000 },
  () => {
    let cacheHome: string;
    beforeAll(() => {
      cacheHome = mkdtempSync(join(tmpdir(), 'arm64kit-lean-run-'));
    });
    afterAll(() => cacheHome && rmSync(cacheHome, { recursive: true, force: true }));

    it('requires nothing but Node built-ins: the emulator packages are inside the bundle', () => {
      const required = [...readFileSync(BUNDLE, 'utf8').matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]);
      expect(required.length).toBeGreaterThan(0);
      const builtins = new Set(builtinModules);
      expect(required.filter((name) => !builtins.has(name.replace(/^node:/, '')))).toEqual([]);
    });

    it('is ASCII, so Node reads it as a one-byte string instead of decoding UTF-8', () => {
      const bytes = readFileSync(BUNDLE);
      expect(bytes.findIndex((byte) => byte > 0x7f)).toBe(-1);
    });

    it('runs a program without loading oclif, Docker or the repro; --help still loads oclif', async () => {
      const argv = buildProgram('argv');
      // NODE_DEBUG=module names every module Node's CommonJS loader loads; oclif is CommonJS.
      const lean = await cli(['run', argv, 'x'], { NODE_DEBUG: 'module' });
      expect(lean.status).toBe(0);
      expect(lean.stdout).toBe(`Total Number of args: 2\n0th argv: ${argv}\n1th argv: x\n`);
      expect(lean.stderr).toContain('MODULE');
      expect(lean.stderr).not.toMatch(/oclif|@arm64kit\/(docker|repro)/);
      const help = await cli(['run', '--help'], { NODE_DEBUG: 'module' });
      expect(help.stderr).toMatch(/@oclif\/core/);
    });

    it("keeps V8's compiled code in the cache directory and runs the same with it, or with a damaged one", async () => {
      const argv = buildProgram('argv');
      const env = { XDG_CACHE_HOME: cacheHome };
      const expected = {
        status: 0,
        stdout: `Total Number of args: 2\n0th argv: ${argv}\n1th argv: a\n`,
        stderr: '',
      };
      expect(await cli(['run', argv, 'a'], env)).toEqual(expected);
      const dir = join(cacheHome, 'arm64kit', 'code-cache');
      const [file, ...others] = readdirSync(dir);
      expect(others).toEqual([]);
      expect(file).toMatch(/^bundle\.cjs-[0-9a-f]{8}-\d+-\d+-v[\d.]+-\w+-[0-9a-f]{8}\.v8$/);
      // A run that V8 took the cache from leaves it as it was: only a missing or rejected cache
      // is written (a new file, renamed over the old one).
      const written = statSync(join(dir, file));
      expect(await cli(['run', argv, 'a'], env)).toEqual(expected);
      const after = statSync(join(dir, file));
      expect([after.ino, after.mtimeMs]).toEqual([written.ino, written.mtimeMs]);
      // V8 rejects data it did not make for this script; the run goes on and writes a good cache.
      writeFileSync(join(dir, file), 'not a code cache');
      expect(await cli(['run', argv, 'a'], env)).toEqual(expected);
      expect(readFileSync(join(dir, file)).length).toBeGreaterThan(1000);
    });

    it("loads none of Node's terminal, network, child-process or worker modules for a short run without a terminal", () => {
      const argv = buildProgram('argv');
      // Printed at exit: every built-in module the process loaded.
      const preload = join(cacheHome, 'modules.cjs');
      writeFileSync(
        preload,
        "process.on('exit', () => require('node:fs').writeSync(2, process.moduleLoadList.join('\\n')));",
      );
      // Standard input a pipe, as a script or a build gives its commands, or /dev/null, as a
      // service or `cmd </dev/null` does (a character device, as a terminal is).
      const devNull = openSync('/dev/null', 'r');
      try {
        for (const stdin of ['pipe', devNull] as const) {
          const run = spawnSync(
            process.execPath,
            ['--require', preload, join(CLI_ROOT, 'bin/run.js'), 'run', argv],
            {
              stdio: [stdin, 'pipe', 'pipe'],
              input: stdin === 'pipe' ? '' : undefined,
              encoding: 'utf8',
              env: { ...process.env, XDG_CACHE_HOME: cacheHome },
            },
          );
          expect([run.status, run.stdout]).toEqual([0, `Total Number of args: 1\n0th argv: ${argv}\n`]);
          const loaded = run.stderr.split('\n');
          expect(loaded).toContain('NativeModule vm');
          // A program this short never starts the compile worker (see core's module-compiler.ts),
          // and the loader hands the bundle its own require (node:module brings ES loader parts).
          for (const name of ['tty', 'net', 'dgram', 'child_process', 'worker_threads', 'module'])
            expect(loaded, `stdin ${stdin}`).not.toContain(`NativeModule ${name}`);
        }
      } finally {
        closeSync(devNull);
      }
    });

    it('runs without a cache where none can be written (a missing or a /proc directory)', async () => {
      const argv = buildProgram('argv');
      const expected = {
        status: 0,
        stdout: `Total Number of args: 2\n0th argv: ${argv}\n1th argv: b\n`,
        stderr: '',
      };
      for (const home of [join(cacheHome, 'missing', 'deeper'), '/proc/arm64kit-no-cache']) {
        expect(await cli(['run', argv, 'b'], { XDG_CACHE_HOME: home })).toEqual(expected);
      }
      expect(existsSync(join(cacheHome, 'missing'))).toBe(false);
    });

    it('gives the exit status and error lines the oclif command gives', async () => {
      const missing = await cli(['run', '/nonexistent/prog']);
      expect([missing.status, missing.stderr]).toEqual([
        127,
        'arm64kit: cannot run /nonexistent/prog: no such file\n',
      ]);
      const unknown = await cli(['run', '--no-such-flag', buildProgram('argv')]);
      expect(unknown.status).toBe(2);
      expect(unknown.stderr).toContain('Nonexistent flag: --no-such-flag');
    });
  },
);
