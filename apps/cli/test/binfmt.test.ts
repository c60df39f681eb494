import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  formatRegistration,
  parseDebianBinfmt,
  parseRegistration,
  parseSystemdBinfmt,
  presetEntry,
  presetRegistration,
} from '@arm64kit/binfmt';
import { available, binfmtProblem, findCommand, rootProblem } from '@arm64kit/vitest-config/prerequisites';
import {
  type PrivateBinfmt,
  privateBinfmt,
  privateBinfmtProblem,
  type StubInterpreter,
  stubInterpreter,
} from '@arm64kit/vitest-config/private-binfmt';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const AARCH64_LINE = presetRegistration('aarch64', { preserveArgv0: true, persistent: true });

/** One long-lived runner process for runCommand (see binfmt-runner.mjs). */
let runner: ChildProcess | undefined;
let pending: Array<(result: RunResult) => void> = [];
let stderrTail = '';

interface RunResult {
  stdout: string;
  stderr: string;
  exit: number;
}

function startRunner(): ChildProcess {
  const child = spawn(process.execPath, [join(root, 'test/binfmt-runner.mjs'), root], {
    env: { ...process.env, NODE_OPTIONS: '' },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  // Keep the pipe drained (oclif warns on stderr outside runCommand's capture) and keep the
  // end of it for when the runner dies.
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-4000);
  });
  child.on('message', (result) => pending.shift()?.(result as RunResult));
  child.once('exit', (code) => {
    for (const settle of pending.splice(0))
      settle({ stdout: '', stderr: `runner exited ${code}: ${stderrTail}`, exit: -1 });
    runner = undefined;
  });
  return child;
}

afterAll(() => {
  runner?.kill();
  pending = [];
});

/** Runs `arm64kit ARGS` through @oclif/test's runCommand; the command id is `topic:command`. */
async function run(args: string[]): Promise<RunResult> {
  runner ??= startRunner();
  let timer: NodeJS.Timeout | undefined;
  const reply = new Promise<RunResult>((resolve, reject) => {
    pending.push(resolve);
    timer = setTimeout(
      () => reject(new Error(`no answer to ${args.join(' ')}; runner stderr: ${stderrTail}`)),
      30_000,
    );
  });
  runner.send([`${args[0]}:${args[1]}`, ...args.slice(2)]);
  const result = await reply.finally(() => clearTimeout(timer));
  if (result.exit < 0) throw new Error(result.stderr);
  return result;
}

/** The CLI as a user runs it: a separate process, with stdin and a uid of our choice. */
function spawnCli(args: string[], options: { input?: string; asNobody?: boolean } = {}) {
  const command = options.asNobody
    ? [
        'setpriv',
        [
          '--reuid=65534',
          '--regid=65534',
          '--clear-groups',
          process.execPath,
          join(root, 'bin/run.js'),
          ...args,
        ],
      ]
    : [process.execPath, [join(root, 'bin/run.js'), ...args]];
  const result = spawnSync(command[0] as string, command[1] as string[], {
    input: options.input,
    encoding: 'utf8',
    // nobody cannot read root's oclif data directory; give it one of its own
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      ...(options.asNobody
        ? { HOME: '/tmp', XDG_DATA_HOME: '/tmp', XDG_CONFIG_HOME: '/tmp', XDG_CACHE_HOME: '/tmp' }
        : {}),
    },
  });
  return { stdout: result.stdout, stderr: result.stderr, exit: result.status };
}

function hostNames(): string[] {
  try {
    return readdirSync('/proc/sys/fs/binfmt_misc').sort();
  } catch {
    return [];
  }
}

describe('arm64kit binfmt parse / check / simulate --line / install --dry-run (no kernel writes)', () => {
  let before: string[];
  beforeAll(() => {
    before = hostNames();
  });
  afterAll(() => {
    // None of these commands may register anything.
    expect(hostNames().filter((n) => n.startsWith('qemu-') || n === 'abc' || n === 't')).toEqual(
      before.filter((n) => n.startsWith('qemu-') || n === 'abc' || n === 't'),
    );
  });

  it('parse shows the fields, and --json gives the entry and the normalized line', async () => {
    const text = await run(['binfmt', 'parse', AARCH64_LINE]);
    expect(text.exit).toBe(0);
    expect(text.stdout).toContain('interpreter  /usr/bin/qemu-aarch64-static');
    expect(text.stdout).toContain('P preserve-argv0, F fix-binary');
    const json = await run(['binfmt', 'parse', AARCH64_LINE, '--json']);
    expect(json.exit).toBe(0);
    const data = JSON.parse(json.stdout);
    expect(data.entry).toMatchObject({ name: 'qemu-aarch64', type: 'magic', flagLetters: 'PF', offset: 0 });
    expect(data.entry.magic).toBe('7f454c460201010000000000000000000200b700');
    expect(parseRegistration(data.line)).toEqual(parseRegistration(AARCH64_LINE));
  });

  it('parse of a bad line names field, rule and column, shows where, and exits 1', async () => {
    const bad = await run(['binfmt', 'parse', ':abc:X::A::/bin/true:']);
    expect(bad.exit).toBe(1);
    expect(bad.stderr).toContain(
      'arm64kit: invalid register string: type must be M (magic) or E (extension), not "X" (column 6)',
    );
    expect(bad.stderr).toContain('       ^ type');
    expect(bad.stdout).toBe('');
    const json = await run(['binfmt', 'parse', ':abc:M::\\x4::/bin/true:', '--json']);
    expect(json.exit).toBe(1);
    expect(JSON.parse(json.stdout).error).toMatchObject({ code: 'EINVAL' });
    expect(JSON.parse(json.stdout).error.message).toContain('magic: \\x must be followed by two hex digits');
  });

  it('parse - reads the line from standard input', () => {
    const result = spawnCli(['binfmt', 'parse', '-', '--json'], { input: `${AARCH64_LINE}\n` });
    expect(result.exit).toBe(0);
    expect(JSON.parse(result.stdout).entry.name).toBe('qemu-aarch64');
  });

  it('check gives the verdict with exit 0 or 1', async () => {
    const ok = await run([
      'binfmt',
      'check',
      ':arm64kit-test-cli-check:M::AKTCHECK::/bin/true:P',
      '--offline',
    ]);
    expect(ok.exit).toBe(0);
    expect(ok.stdout).toContain('valid: the kernel would register "arm64kit-test-cli-check"');
    const json = await run(['binfmt', 'check', ':abc:M:300:A::/bin/true:', '--json']);
    expect(json.exit).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      valid: false,
      error: { code: 'EINVAL', field: 'offset', rule: 'beyond-header', column: 11 },
    });
    const long = await run([
      'binfmt',
      'check',
      `:${'n'.repeat(256)}:M::A::/bin/true:`,
      '--json',
      '--offline',
    ]);
    expect(JSON.parse(long.stdout).error.code).toBe('ENAMETOOLONG');
    const reserved = await run(['binfmt', 'check', ':register:M::A::/bin/true:']);
    expect(reserved.exit).toBe(1);
    expect(reserved.stderr).toContain('name "register" is taken by the binfmt_misc directory itself');
  });

  it('simulate --line prints the argv the interpreter receives, with and without P', async () => {
    const without = await run([
      'binfmt',
      'simulate',
      '--line',
      ':t:M::AKT::/usr/bin/qemu-aarch64-static:',
      '--path',
      '/usr/local/bin/ccache',
      '--json',
      '--',
      'ccache',
      'ccache',
      '-p',
    ]);
    expect(without.exit).toBe(0);
    expect(JSON.parse(without.stdout)).toMatchObject({
      interpreterArgv: ['/usr/bin/qemu-aarch64-static', '/usr/local/bin/ccache', 'ccache', '-p'],
      atFlags: 0,
      preserveArgv0: false,
    });
    const withP = await run([
      'binfmt',
      'simulate',
      '--line',
      ':t:M::AKT::/usr/bin/qemu-aarch64-static:P',
      '--path',
      '/usr/local/bin/ccache',
      '--',
      'ccache',
      'ccache',
      '-p',
    ]);
    expect(withP.exit).toBe(0);
    expect(withP.stdout).toContain('argv[2] = "ccache"');
    expect(withP.stdout).toContain('argv[3] = "ccache"');
    expect(withP.stdout).toContain('AT_FLAGS = 1 (PRESERVE_ARGV0)');
    const missing = await run(['binfmt', 'simulate', '--line', ':t:M::AKT::/q:']);
    expect(missing.exit).toBe(1);
    expect(missing.stderr).toContain('give the command line after --');
  });

  it('install --dry-run prints the register line; the host family and unknown arches are refused', async () => {
    const dry = await run([
      'binfmt',
      'install',
      'arm64',
      '--dry-run',
      '--preserve-argv0',
      '--persistent',
      '--credential',
      '--interpreter',
      '/opt/q',
      '--json',
    ]);
    expect(dry.exit).toBe(0);
    const data = JSON.parse(dry.stdout);
    expect(data.line).toBe(
      presetRegistration('aarch64', {
        preserveArgv0: true,
        persistent: true,
        credential: true,
        interpreter: '/opt/q',
      }),
    );
    expect(data.changed).toBe(false);
    const unknown = await run(['binfmt', 'install', 'vax', '--dry-run']);
    expect(unknown.exit).toBe(1);
    expect(unknown.stderr).toContain('no binfmt preset for "vax"');
    // Whatever the host is, `uname -m` names a CPU of its own family.
    const hostMachine = execFileSync('uname', ['-m'], { encoding: 'utf8' }).trim();
    const native = await run(['binfmt', 'install', hostMachine, '--dry-run']);
    expect(native.exit).toBe(1);
    expect(native.stderr).toContain("this host's own CPU family");
  });
});

describe.runIf(
  available(
    'arm64kit binfmt as a non-root user',
    // The commands must leave the host's binfmt_misc as it was: it has to be there to look at.
    rootProblem() ?? binfmtProblem() ?? (findCommand('setpriv') ? null : 'setpriv not found'),
  ),
)('commands that change binfmt_misc say in one line that they need root', () => {
  for (const args of [
    ['binfmt', 'install', 'aarch64'],
    ['binfmt', 'uninstall', 'qemu-aarch64'],
    ['binfmt', 'enable', 'qemu-aarch64'],
    ['binfmt', 'disable', '--global'],
  ]) {
    it(args.join(' '), () => {
      // Others register their own entries meanwhile; what these commands could touch is this.
      const touched = () => [
        hostNames().includes('qemu-aarch64'),
        readFileSync('/proc/sys/fs/binfmt_misc/status', 'utf8'),
      ];
      const before = touched();
      const result = spawnCli(args, { asNobody: true });
      expect(result.exit).toBe(1);
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toBe(
        `arm64kit: ${args.slice(0, 2).join(' ')} needs root: run it as root or with sudo`,
      );
      expect(touched()).toEqual(before);
    });
  }
});

describe.runIf(available('arm64kit binfmt on a private binfmt_misc', privateBinfmtProblem()))(
  'arm64kit binfmt on a private binfmt_misc instance',
  () => {
    let instance: PrivateBinfmt;
    let dir = '';
    let stub: StubInterpreter;
    let interpreter = '';
    beforeAll(() => {
      stub = stubInterpreter('arm64kit-cli-binfmt-');
      interpreter = stub.path;
    });
    afterAll(() => stub.remove());
    beforeEach(async () => {
      instance = await privateBinfmt();
      dir = instance.dir;
    });
    afterEach(() => instance.close());

    const snapshotDir = () =>
      Object.fromEntries(
        readdirSync(dir)
          .filter((n) => n !== 'register')
          .map((n) => [n, readFileSync(join(dir, n), 'utf8')]),
      );

    it('install, list, show, simulate, disable, enable, uninstall', async () => {
      const installed = await run([
        'binfmt',
        'install',
        'aarch64',
        '--interpreter',
        interpreter,
        '--preserve-argv0',
        '--persistent',
        '--dir',
        dir,
        '--json',
      ]);
      expect(installed.exit).toBe(0);
      const expected = presetEntry('aarch64', { interpreter, preserveArgv0: true, persistent: true });
      expect(JSON.parse(installed.stdout)).toMatchObject({
        changed: true,
        line: formatRegistration(expected),
      });

      const again = await run([
        'binfmt',
        'install',
        'aarch64',
        '--interpreter',
        interpreter,
        '--preserve-argv0',
        '--persistent',
        '--dir',
        dir,
      ]);
      expect(again.exit).toBe(0);
      expect(again.stdout).toContain('qemu-aarch64 is already registered as asked');

      const before = snapshotDir();
      const conflict = await run([
        'binfmt',
        'install',
        'aarch64',
        '--interpreter',
        interpreter,
        '--dir',
        dir,
      ]);
      expect(conflict.exit).toBe(1);
      expect(conflict.stderr).toContain('"qemu-aarch64" is already registered with different settings');
      expect(snapshotDir()).toEqual(before);

      const list = await run(['binfmt', 'list', '--dir', dir, '--json']);
      expect(JSON.parse(list.stdout)).toMatchObject({
        enabled: true,
        entries: [{ name: 'qemu-aarch64', flagLetters: 'PF', interpreter }],
      });
      const listText = await run(['binfmt', 'list', '--dir', dir]);
      expect(listText.stdout).toMatch(/qemu-aarch64\s+enabled\s+PF\s+magic@0 20B\+mask\s+\//);

      const show = await run(['binfmt', 'show', 'qemu-aarch64', '--dir', dir, '--json']);
      expect(JSON.parse(show.stdout).status).toBe(readFileSync(join(dir, 'qemu-aarch64'), 'utf8'));
      const raw = await run(['binfmt', 'show', 'qemu-aarch64', '--dir', dir, '--raw']);
      expect(raw.stdout).toBe(readFileSync(join(dir, 'qemu-aarch64'), 'utf8'));

      const sim = await run([
        'binfmt',
        'simulate',
        'qemu-aarch64',
        '--dir',
        dir,
        '--json',
        '--',
        './hello',
        'a',
      ]);
      expect(JSON.parse(sim.stdout).interpreterArgv).toEqual([interpreter, './hello', './hello', 'a']);

      expect((await run(['binfmt', 'disable', 'qemu-aarch64', '--dir', dir])).exit).toBe(0);
      expect(readFileSync(join(dir, 'qemu-aarch64'), 'utf8')).toMatch(/^disabled\n/);
      const enabled = await run(['binfmt', 'enable', 'qemu-aarch64', '--dir', dir, '--json']);
      expect(JSON.parse(enabled.stdout)).toEqual({ target: 'qemu-aarch64', enabled: true });
      expect(readFileSync(join(dir, 'qemu-aarch64'), 'utf8')).toMatch(/^enabled\n/);

      const removed = await run(['binfmt', 'uninstall', 'aarch64', '--dir', dir, '--json']);
      expect(JSON.parse(removed.stdout)).toEqual({ removed: 'qemu-aarch64' });
      expect(readdirSync(dir).sort()).toEqual(['register', 'status']);
    });

    it('the global switch', async () => {
      expect((await run(['binfmt', 'disable', '--global', '--dir', dir])).exit).toBe(0);
      expect(readFileSync(join(dir, 'status'), 'utf8')).toBe('disabled\n');
      expect(JSON.parse((await run(['binfmt', 'list', '--dir', dir, '--json'])).stdout).enabled).toBe(false);
      expect((await run(['binfmt', 'enable', '--global', '--dir', dir])).exit).toBe(0);
      expect(readFileSync(join(dir, 'status'), 'utf8')).toBe('enabled\n');
      const both = await run(['binfmt', 'enable', 'x', '--global', '--dir', dir]);
      expect(both.exit).toBe(1);
      expect(both.stderr).toContain('give an entry NAME or --global');
    });

    it('bad input: clear message, exit 1, nothing written', async () => {
      await run(['binfmt', 'install', 'riscv64', '--interpreter', interpreter, '--dir', dir]);
      const before = snapshotDir();
      const cases: Array<[string[], string]> = [
        [['binfmt', 'enable', 'nope'], 'no binfmt_misc entry named "nope"'],
        [['binfmt', 'disable', '../status'], 'is not a binfmt_misc entry name'],
        [['binfmt', 'uninstall', 'status'], "binfmt_misc's own control file"],
        [['binfmt', 'show', 'nope'], 'no binfmt_misc entry named "nope"'],
        [
          ['binfmt', 'install', 'aarch64', '--interpreter', join(stub.dir, 'missing'), '--persistent'],
          'cannot register qemu-aarch64',
        ],
        [['binfmt', 'simulate', 'nope', '--', 'x'], 'no binfmt_misc entry named "nope"'],
        [['binfmt', 'export', 'nope', '--format', 'systemd'], 'no binfmt_misc entry named "nope"'],
      ];
      for (const [args, message] of cases) {
        // Flags go before a `--`: what follows it is the simulated program's argv.
        const end = args.includes('--') ? args.indexOf('--') : args.length;
        const result = await run([...args.slice(0, end), '--dir', dir, ...args.slice(end)]);
        expect(result.exit, args.join(' ')).toBe(1);
        expect(result.stderr, args.join(' ')).toContain(message);
        expect(result.stdout, args.join(' ')).toBe('');
        expect(snapshotDir(), args.join(' ')).toEqual(before);
      }
      const badFormat = await run(['binfmt', 'export', '--format', 'rpm', '--dir', dir]);
      expect(badFormat.exit).not.toBe(0);
      expect(badFormat.stderr).toMatch(/Expected --format=rpm to be one of: systemd, debian/);
    });

    it('export writes systemd and Debian files that parse back to the registered entries', async () => {
      await run([
        'binfmt',
        'install',
        'aarch64',
        '--interpreter',
        interpreter,
        '--preserve-argv0',
        '--credential',
        '--dir',
        dir,
      ]);
      await run(['binfmt', 'install', 'riscv64', '--interpreter', interpreter, '--dir', dir]);
      const systemd = await run(['binfmt', 'export', '--format', 'systemd', '--dir', dir]);
      expect(systemd.exit).toBe(0);
      const entries = parseSystemdBinfmt(systemd.stdout);
      expect(entries.map((e) => e.name).sort()).toEqual(['qemu-aarch64', 'qemu-riscv64']);
      expect(entries.find((e) => e.name === 'qemu-aarch64')).toEqual(
        presetEntry('aarch64', { interpreter, preserveArgv0: true, credential: true }),
      );

      const out = join(stub.dir, 'debian-out');
      const debian = await run([
        'binfmt',
        'export',
        'qemu-aarch64',
        '--format',
        'debian',
        '--output',
        out,
        '--dir',
        dir,
        '--json',
      ]);
      expect(debian.exit).toBe(0);
      expect(JSON.parse(debian.stdout).files).toEqual([
        expect.objectContaining({ name: 'qemu-aarch64', path: join(out, 'qemu-aarch64') }),
      ]);
      const parsed = parseDebianBinfmt(readFileSync(join(out, 'qemu-aarch64'), 'utf8'), 'qemu-aarch64');
      expect(parsed.entry).toEqual(
        presetEntry('aarch64', { interpreter, preserveArgv0: true, credential: true }),
      );
    });
  },
);

describe.runIf(available('arm64kit binfmt on the host (test entry)', binfmtProblem()))(
  'arm64kit binfmt on the host, on a test entry of its own',
  () => {
    // A magic no real program has: an aarch64 preset here would, for a moment, take every
    // aarch64 program others run on this host. `install` is tested on a private instance.
    const name = `arm64kit-test-cli-${process.pid}`;
    const status = `/proc/sys/fs/binfmt_misc/${name}`;
    afterAll(() => {
      spawnSync('sh', ['-c', `[ -e ${status} ] && echo -1 > ${status}`]);
    });

    it('show, disable, enable, simulate and uninstall touch only that entry', async () => {
      writeFileSync('/proc/sys/fs/binfmt_misc/register', `:${name}:M::AKT-CLI-${process.pid}::/bin/true:P`);
      const shown = await run(['binfmt', 'show', name, '--json']);
      expect(JSON.parse(shown.stdout).entry).toMatchObject({
        name,
        interpreter: '/bin/true',
        flagLetters: 'P',
      });
      expect((await run(['binfmt', 'disable', name])).exit).toBe(0);
      expect(readFileSync(status, 'utf8')).toMatch(/^disabled\n/);
      expect((await run(['binfmt', 'enable', name])).exit).toBe(0);
      expect(readFileSync(status, 'utf8')).toMatch(/^enabled\n/);
      const listed = JSON.parse((await run(['binfmt', 'list', '--json'])).stdout);
      expect(listed.entries.map((e: { name: string }) => e.name)).toContain(name);
      const sim = JSON.parse((await run(['binfmt', 'simulate', name, '--json', '--', 'prog', 'x'])).stdout);
      expect(sim.interpreterArgv).toEqual(['/bin/true', 'prog', 'prog', 'x']);
      const removed = await run(['binfmt', 'uninstall', name]);
      expect(removed.exit).toBe(0);
      expect(removed.stdout).toBe(`removed ${name}\n`);
      expect(hostNames()).not.toContain(name);
    });
  },
);
