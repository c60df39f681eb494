import { readFileSync } from 'node:fs';
import {
  type BinfmtEntry,
  BinfmtHost,
  type BinfmtSnapshot,
  formatRegistration,
  match,
  presetEntry,
} from '@arm64kit/binfmt';
import type { ReproTarget } from '../arch.js';
import { ReproError } from '../errors.js';
import type { RegistrationUsed } from './backend.js';

/** The target's ELF handler as qemu-binfmt-conf.sh registers it, under our own name. */
export function handlerEntry(
  target: ReproTarget,
  name: string,
  interpreter: string,
  preserveArgv0: boolean,
): BinfmtEntry {
  // F: the interpreter is opened now, so it also works inside a chroot or a container.
  return presetEntry(target.arch, { name, interpreter, preserveArgv0, persistent: true });
}

/**
 * One binfmt_misc entry of our own, under a name nobody else uses. Only this entry is ever
 * written or removed: restoring puts back a snapshot scoped to that name (in which it was
 * absent). Restoring is synchronous so a signal handler can do it before the process dies.
 */
export class KernelHandler {
  private readonly host: BinfmtHost;
  private snapshot: BinfmtSnapshot | null = null;

  constructor(
    readonly target: ReproTarget,
    readonly dir: string,
    readonly name: string,
  ) {
    this.host = new BinfmtHost(dir);
  }

  /** Throws BACKEND_UNAVAILABLE unless binfmt_misc is mounted, enabled and the name is free. */
  async checkUsable(): Promise<void> {
    if (!(await this.host.isMounted())) {
      throw new ReproError(
        'BACKEND_UNAVAILABLE',
        `binfmt_misc is not mounted at ${this.dir} (mount -t binfmt_misc binfmt_misc ${this.dir})`,
      );
    }
    if (!(await this.host.isEnabled())) {
      throw new ReproError('BACKEND_UNAVAILABLE', `binfmt_misc is disabled (echo 1 > ${this.dir}/status)`);
    }
    if (await this.host.has(this.name)) {
      throw new ReproError(
        'BACKEND_UNAVAILABLE',
        `a binfmt_misc entry named ${this.name} already exists; not touching it`,
      );
    }
  }

  /** Registers (or re-registers) the entry and returns the line and the kernel's status file. */
  async register(options: { interpreter: string; preserveArgv0: boolean }): Promise<RegistrationUsed> {
    this.restoreSync();
    const line = formatRegistration(
      handlerEntry(this.target, this.name, options.interpreter, options.preserveArgv0),
    );
    this.snapshot = this.host.snapshotSync({ names: [this.name] });
    try {
      await this.host.register(line);
    } catch (error) {
      throw new ReproError('BACKEND_FAILED', `the kernel refused ${line}: ${(error as Error).message}`);
    }
    const { raw } = await this.host.read(this.name);
    return { line, status: raw, registeredInKernel: true };
  }

  /** Removes the entry if this object registered it; true when something was removed. */
  restoreSync(): boolean {
    if (this.snapshot === null) return false;
    const snapshot = this.snapshot;
    this.snapshot = null;
    this.host.restoreSync(snapshot);
    return true;
  }
}

/**
 * The name of the entry the kernel would hand `program` to, when it is not `ours` (for
 * example a handler someone registered after ours: the newest registration wins), or null
 * when ours is in charge.
 */
export async function rivalEntry(
  dir: string,
  ours: string,
  program: string,
  header: Uint8Array = readFileSync(program).subarray(0, 256),
): Promise<string | null> {
  const host = new BinfmtHost(dir);
  const winner = match(await host.list(), { path: program, header, enabled: await host.isEnabled() });
  return winner?.name === ours ? null : (winner?.name ?? '(none)');
}

/**
 * Runs `attempt` while our entry is the one the kernel uses, before and after; when another
 * entry took over meanwhile the observation is not ours, so it is retried (five times, 2 s apart).
 */
export async function whileInCharge<T>(
  target: ReproTarget,
  check: () => Promise<string | null>,
  attempt: () => Promise<T>,
  progress: (message: string) => void,
): Promise<T> {
  let rival: string | null = null;
  for (let round = 0; round < 5; round++) {
    const before = await check();
    if (before === null) {
      const result = await attempt();
      rival = await check();
      if (rival === null) return result;
    } else {
      rival = before;
    }
    progress(`the binfmt_misc entry ${rival} takes ${target.arch} programs before ours; retrying`);
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  throw new ReproError(
    'BACKEND_FAILED',
    `the binfmt_misc entry ${rival} keeps taking ${target.arch} programs before ours (the newest registration wins); run again when it is gone`,
  );
}
