import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { available, commandProblem, rootProblem } from '@arm64kit/vitest-config/prerequisites';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProbeDeb, indexFlatRepo, type RepoServer, serveRepo } from './apt-repo.js';
import { underArm64kit, unpackDebianRoot } from './debian-root.js';
import { execute, type Outcome } from './spawn-outcome.js';

/**
 * apt-get and dpkg from Debian bookworm under `arm64kit run --sysroot`, in a writable root whose
 * only package source is a flat repository the test serves on 127.0.0.1: Debian's own arm64
 * xz-utils (from the root's debootstrap cache; removed from the root first) and a package of the
 * test's that depends on it and whose postinst leaves a mark. apt-get update fetches the index,
 * apt-get install fetches both, dpkg unpacks them and runs their maintainer scripts (xz-utils's
 * registers its alternatives), and dpkg -s says installed.
 */
const ready =
  available('Debian apt-get (root, to unpack the root filesystem)', rootProblem()) &&
  available('Debian apt-get (dpkg-deb)', commandProblem('dpkg-deb', 'dpkg')) &&
  available('Debian apt-get (dpkg-scanpackages)', commandProblem('dpkg-scanpackages', 'dpkg-dev'));

/** The environment of a root shell in the root, nothing of the host's. */
const ENV = [
  '--clear-env',
  '--env',
  'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  '--env',
  'HOME=/root',
  '--env',
  'DEBIAN_FRONTEND=noninteractive',
];

describe.runIf(ready)('apt-get install from a repository on 127.0.0.1 under arm64kit run', () => {
  let root: string;
  let repo: string;
  let server: RepoServer | undefined;

  beforeAll(async () => {
    root = await unpackDebianRoot('arm64kit-apt-');
    repo = mkdtempSync(join(tmpdir(), 'arm64kit-apt-repo-'));
    const archives = join(root, 'var/cache/apt/archives');
    const xz = readdirSync(archives).find((f) => /^xz-utils_.*_arm64\.deb$/.test(f));
    expect(xz, 'xz-utils in the debootstrap cache').toBeDefined();
    // Moved, not copied: apt would take the copy left in its cache instead of fetching it.
    copyFileSync(join(archives, xz as string), join(repo, xz as string));
    rmSync(join(archives, xz as string));
    buildProbeDeb(repo, {
      name: 'arm64kit-probe',
      version: '1.0',
      depends: 'xz-utils',
      postinst:
        'mkdir -p /var/lib/arm64kit-probe\n' +
        'echo "$1 $(uname -m) $(lzma --version | head -n 1)" > /var/lib/arm64kit-probe/postinst-ran',
    });
    expect(indexFlatRepo(repo)).toMatch(/^Package: xz-utils$/m);
    server = await serveRepo(repo);
    // The repository is the root's only source: nothing is fetched from anywhere else.
    writeFileSync(join(root, 'etc/apt/sources.list'), `deb [trusted=yes] ${server.url} ./\n`);
    expect(readdirSync(join(root, 'etc/apt/sources.list.d'))).toEqual([]);
  }, 1_800_000);

  afterAll(async () => {
    await server?.close();
    if (repo) rmSync(repo, { recursive: true, force: true });
    if (root) rmSync(root, { recursive: true, force: true });
  });

  async function run(program: string, args: string[]): Promise<Outcome> {
    const outcome = await execute(underArm64kit(root, program, args, ENV));
    expect(outcome.stdout).not.toContain(root);
    expect(outcome.stderr).not.toContain(root);
    return outcome;
  }

  // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax
  const format = '-f=${db:Status-Abbrev}${Version}';
  const status = async (name: string) => (await run('/usr/bin/dpkg-query', ['-W', format, name])).stdout;

  it('removes xz-utils with dpkg, its prerm taking its alternatives away', async () => {
    expect(readlinkSync(join(root, 'etc/alternatives/lzma'))).toBe('/usr/bin/xz');
    const removed = await run('/usr/bin/dpkg', ['--remove', 'xz-utils']);
    expect(removed.status, removed.stderr).toBe(0);
    expect(removed.stdout).toMatch(/^Removing xz-utils /m);
    expect(existsSync(join(root, 'usr/bin/xz'))).toBe(false);
    expect(existsSync(join(root, 'etc/alternatives/lzma'))).toBe(false);
  }, 600_000);

  it('fetches the index with apt-get update', async () => {
    const update = await run('/usr/bin/apt-get', ['update']);
    expect(update.status, update.stderr).toBe(0);
    expect(update.stdout).toMatch(
      // apt names the source without its trailing slash: "Get:3 http://127.0.0.1:PORT ./ Packages".
      new RegExp(`^Get:\\d+ ${server?.url.slice(0, -1).replace(/[.]/g, '\\.')} \\./ Packages`, 'm'),
    );
    expect(server?.requests).toContain('GET /Packages 200');
  }, 600_000);

  it('installs the package and its dependency with apt-get install; the maintainer scripts run', async () => {
    const install = await run('/usr/bin/apt-get', ['install', '-y', 'arm64kit-probe']);
    expect(install.status, install.stderr).toBe(0);
    // dpkg's output goes through a pseudo-terminal apt opens (/dev/ptmx, /dev/pts/N).
    expect(`${install.stdout}${install.stderr}`).not.toContain('Can not write log');
    expect(install.stdout).toMatch(
      /^The following NEW packages will be installed:\n {2}arm64kit-probe xz-utils$/m,
    );
    expect(install.stdout).toMatch(/^Setting up xz-utils /m);
    expect(install.stdout).toMatch(/^Setting up arm64kit-probe \(1\.0\) \.\.\.$/m);
    const fetched = server?.requests.filter((r) => r.endsWith('.deb 200')) ?? [];
    expect(fetched.map((r) => r.split('/').pop()?.split('_')[0]).sort()).toEqual([
      'arm64kit-probe',
      'xz-utils',
    ]);

    // The postinst ran under the emulator, after xz-utils's had put its alternatives back.
    expect(readFileSync(join(root, 'var/lib/arm64kit-probe/postinst-ran'), 'utf8')).toMatch(
      /^configure aarch64 xz \(XZ Utils\) \d+\.\d+\.\d+$/m,
    );
    expect(readlinkSync(join(root, 'etc/alternatives/lzma'))).toBe('/usr/bin/xz');
    expect(await status('arm64kit-probe')).toBe('ii 1.0');
    expect(await status('xz-utils')).toMatch(/^ii \d/);
    const shown = await run('/usr/bin/dpkg', ['-s', 'arm64kit-probe']);
    expect(shown.stdout).toMatch(/^Status: install ok installed$/m);
    const xz = await run('/usr/bin/xz', ['--version']);
    expect(xz.stdout).toMatch(/^xz \(XZ Utils\) /);
  }, 900_000);
});
