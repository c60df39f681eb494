import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { available, commandProblem } from '@arm64kit/vitest-config/prerequisites';
import {
  type PrivateBinfmt,
  privateBinfmt,
  privateBinfmtProblem,
  type StubInterpreter,
  stubInterpreter,
} from '@arm64kit/vitest-config/private-binfmt';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type BinfmtEntry,
  BinfmtError,
  BinfmtHost,
  formatDebianBinfmt,
  formatSystemdBinfmt,
  parseDebianBinfmt,
  parseSystemdBinfmt,
} from '../src/index.js';
import { debianWritable, entryArb, withoutEnabled } from './support/arbitraries.js';

/**
 * The files this package writes for other tools, read by those tools: systemd-binfmt (Debian
 * package systemd) registers a binfmt.d file, update-binfmts (binfmt-support) imports a
 * format file. Each runs against a binfmt_misc instance of its own (a user namespace's,
 * mounted over /proc/sys/fs/binfmt_misc inside that namespace, where both tools write), and
 * what the kernel then shows must be the entry written, and what this package's parser reads
 * back from the same file.
 */
const SYSTEMD_BINFMT = '/usr/lib/systemd/systemd-binfmt';

const systemdProblem =
  privateBinfmtProblem() ??
  commandProblem('nsenter', 'util-linux') ??
  (existsSync(SYSTEMD_BINFMT) ? null : `${SYSTEMD_BINFMT} not found (apt-get install systemd)`);
const debianProblem =
  privateBinfmtProblem() ??
  commandProblem('nsenter', 'util-linux') ??
  commandProblem('update-binfmts', 'binfmt-support');

/** Sampled entries (seeded, so a failure replays); `F` entries get a real interpreter, which the kernel opens. */
function sampleEntries(seed: number, interpreter: string): BinfmtEntry[] {
  return fc.sample(entryArb(), { numRuns: 40, seed }).map((entry, i) => ({
    ...entry,
    // Unique names: a repeated one would be a second registration the kernel refuses.
    name: `${i}${entry.name}`,
    ...(entry.flags.fixBinary ? { interpreter } : {}),
  }));
}

/** An entry registered on the private instance only, to tell it from the host's. */
const MARKER = `arm64kit-writers-marker-${process.pid}`;

/**
 * Runs a command inside the instance's namespace with the instance mounted over
 * /proc/sys/fs/binfmt_misc, where both tools write. The host's mount is visible there too,
 * and a write through it would reach the host's registrations: the command runs only once
 * the marker entry, registered on the private instance alone, shows at that path.
 */
function inInstance(instance: PrivateBinfmt, command: string[]) {
  const run = spawnSync(
    'nsenter',
    [
      '-t',
      String(instance.pid),
      '-U',
      '-m',
      'sh',
      '-c',
      'dir=/proc/sys/fs/binfmt_misc; mount -t binfmt_misc binfmt_misc $dir && test -e "$dir/$1" || exit 99; shift; exec "$@"',
      'sh',
      MARKER,
      ...command,
    ],
    { encoding: 'utf8' },
  );
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** What the kernel registered, entry by entry, in the order `names` gives. */
async function registered(instance: PrivateBinfmt, names: string[]): Promise<BinfmtEntry[]> {
  const host = new BinfmtHost(instance.dir);
  expect((await host.names()).sort()).toEqual([MARKER, ...names].sort());
  return Promise.all(names.map(async (name) => withoutEnabled((await host.read(name)).entry)));
}

let instance: PrivateBinfmt;
let scratch: string;
let stub: StubInterpreter;

beforeEach(async () => {
  instance = await privateBinfmt();
  await new BinfmtHost(instance.dir).register(`:${MARKER}:M::arm64kit-marker::/nonexistent:`);
  scratch = mkdtempSync(join(tmpdir(), 'arm64kit-writers-'));
  stub = stubInterpreter('arm64kit-writers-interp-');
});

afterEach(() => {
  instance?.close();
  rmSync(scratch, { recursive: true, force: true });
  stub?.remove();
});

describe.runIf(available('binfmt.d files through systemd-binfmt', systemdProblem))(
  'formatSystemdBinfmt, read by systemd-binfmt',
  () => {
    it('registers exactly the entries written, as parseSystemdBinfmt reads them', async () => {
      const entries = sampleEntries(1717, stub.path);
      const file = join(scratch, 'arm64kit.conf');
      const text = formatSystemdBinfmt(entries, { comment: 'written by formatSystemdBinfmt' });
      writeFileSync(file, text);
      const run = inInstance(instance, [SYSTEMD_BINFMT, file]);
      expect(run).toEqual({ status: 0, output: '' });
      expect(parseSystemdBinfmt(text)).toEqual(entries);
      expect(
        await registered(
          instance,
          entries.map((e) => e.name),
        ),
      ).toEqual(entries);
    });
  },
);

describe.runIf(available('format files through update-binfmts', debianProblem))(
  'formatDebianBinfmt, imported by update-binfmts',
  () => {
    it('registers exactly the entries written, as parseDebianBinfmt reads them', async () => {
      const admin = join(scratch, 'admin');
      const imports = join(scratch, 'import');
      mkdirSync(admin);
      mkdirSync(imports);
      // formatDebianBinfmt refuses the entries update-binfmts cannot register as they are.
      const sampled = sampleEntries(2626, stub.path);
      for (const entry of sampled.filter((e) => !debianWritable(e))) {
        expect(() => formatDebianBinfmt(entry), entry.name).toThrow(BinfmtError);
      }
      const entries = sampled.filter(debianWritable);
      expect(entries.length).toBeGreaterThan(20);
      for (const entry of entries) {
        const text = formatDebianBinfmt(entry, { package: 'arm64kit-test' });
        writeFileSync(join(imports, entry.name), text);
        expect(parseDebianBinfmt(text, entry.name).entry).toEqual(entry);
      }
      // A hand-written file whose values end in whitespace: update-binfmts drops it, and so
      // does the reader.
      const trailing = 'arm64kit-trailing';
      writeFileSync(join(imports, trailing), `package x \t\ninterpreter ${stub.path} \t\nextension ak \n`);
      const expected = [
        ...entries,
        parseDebianBinfmt(readFileSync(join(imports, trailing), 'utf8'), trailing).entry,
      ];
      expect(expected.at(-1)).toMatchObject({ interpreter: stub.path, extension: 'ak' });
      const run = inInstance(instance, [
        'update-binfmts',
        `--admindir=${admin}`,
        `--importdir=${imports}`,
        '--import',
      ]);
      // It warns about interpreters that do not exist (most sampled ones), and nothing else.
      const warnings = run.output
        .split('\n')
        .filter((l) => l && !/: no executable .* found, but continuing anyway as you request$/.test(l));
      expect({ status: run.status, warnings }).toEqual({ status: 0, warnings: [] });
      expect(
        await registered(
          instance,
          expected.map((e) => e.name),
        ),
      ).toEqual(expected);
    });
  },
);
