import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, normalize } from 'node:path';

/** A package of the test's own whose maintainer script leaves a mark the test can read. */
export interface ProbePackage {
  readonly name: string;
  readonly version: string;
  readonly depends: string;
  /** The postinst's body (sh, `set -e`); it gets the arguments dpkg passes ($1 configure…). */
  readonly postinst: string;
}

function must(command: string, args: string[], cwd?: string): string {
  const run = spawnSync(command, args, { cwd, encoding: 'utf8' });
  if (run.error || run.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed: ${run.error?.message ?? run.stderr}`);
  }
  return run.stdout;
}

/** Builds `probe` as an arm64 .deb in `dir` with dpkg-deb; returns its file name. */
export function buildProbeDeb(dir: string, probe: ProbePackage): string {
  const tree = mkdtempSync(join(dir, 'tree-'));
  try {
    mkdirSync(join(tree, 'DEBIAN'));
    mkdirSync(join(tree, 'usr/share/doc', probe.name), { recursive: true });
    writeFileSync(join(tree, 'usr/share/doc', probe.name, 'README'), `${probe.name}: a test package\n`);
    writeFileSync(
      join(tree, 'DEBIAN/control'),
      [
        `Package: ${probe.name}`,
        `Version: ${probe.version}`,
        'Architecture: arm64',
        'Maintainer: arm64kit tests <tests@localhost>',
        `Depends: ${probe.depends}`,
        'Description: a package whose postinst leaves a mark',
        '',
      ].join('\n'),
    );
    writeFileSync(join(tree, 'DEBIAN/postinst'), `#!/bin/sh\nset -e\n${probe.postinst}\n`);
    chmodSync(join(tree, 'DEBIAN/postinst'), 0o755);
    const file = `${probe.name}_${probe.version}_arm64.deb`;
    must('dpkg-deb', ['--root-owner-group', '--build', tree, join(dir, file)]);
    return file;
  } finally {
    rmSync(tree, { recursive: true, force: true });
  }
}

/** Writes the Packages index of the .deb files in `dir` (a flat repository: `deb URL ./`). */
export function indexFlatRepo(dir: string): string {
  const packages = must('dpkg-scanpackages', ['--multiversion', '.'], dir);
  writeFileSync(join(dir, 'Packages'), packages);
  return packages;
}

/** A static file server on 127.0.0.1 for a repository directory. */
export interface RepoServer {
  readonly url: string;
  /** The paths asked for, in order, with the status each got. */
  readonly requests: string[];
  close(): Promise<void>;
}

/** Serves the files of `dir` (no listings, nothing outside it) on a free port of 127.0.0.1. */
export async function serveRepo(dir: string): Promise<RepoServer> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname));
    let body: Buffer | null = null;
    if (!path.includes('..')) {
      try {
        body = readFileSync(join(dir, path));
      } catch {
        body = null;
      }
    }
    requests.push(`${request.method} ${path} ${body ? 200 : 404}`);
    response.statusCode = body ? 200 : 404;
    response.end(request.method === 'HEAD' ? undefined : (body ?? 'not found\n'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
