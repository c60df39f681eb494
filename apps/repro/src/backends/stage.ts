import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ReproTarget } from '../arch.js';
import { programPath } from '../programs.js';
import { DEFAULT_PATH } from './path-lookup.js';

/**
 * A scratch tree holding the scenario's programs (built for the target), as a user would have them:
 * bin/ccache-probe, bin/argv-example (and bin/ccache when given) on PATH, work/a.out in the
 * working directory, and a HOME. Inside a root filesystem it is created under its /tmp so
 * the guest sees it at `guest`.
 */
export class Stage {
  readonly dir: string;
  /** The same directory as the guest sees it (inside the rootfs, or the host path). */
  readonly guest: string;

  constructor(target: ReproTarget, root: string | undefined, ccache: string | undefined) {
    const tmpRoot = join(root ?? '/', 'tmp');
    mkdirSync(tmpRoot, { recursive: true });
    this.dir = mkdtempSync(join(tmpRoot, 'arm64kit-repro-'));
    this.guest = root === undefined ? this.dir : `/tmp/${this.dir.slice(tmpRoot.length + 1)}`;
    for (const sub of ['bin', 'work', 'home']) mkdirSync(join(this.dir, sub));
    this.install(programPath('ccache-probe', target), 'bin/ccache-probe');
    this.install(programPath('argv-example', target), 'bin/argv-example');
    this.install(programPath('argv-example', target), 'work/a.out');
    if (ccache !== undefined) this.install(ccache, 'bin/ccache');
  }

  private install(from: string, to: string): void {
    copyFileSync(from, join(this.dir, to));
    chmodSync(join(this.dir, to), 0o755);
  }

  /** PATH for the guest: the stage's bin first, then the usual directories. */
  get pathEnv(): string {
    return `${this.guest}/bin:${DEFAULT_PATH}`;
  }

  get workDir(): string {
    return `${this.guest}/work`;
  }

  /** The environment programs run with: nothing from the caller's environment leaks in. */
  env(): Record<string, string> {
    return { PATH: this.pathEnv, HOME: `${this.guest}/home`, LANG: 'C' };
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
