import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { BinfmtHost, type BinfmtSnapshot, DEFAULT_BINFMT_DIR, installPlan } from '@arm64kit/binfmt';
import { DockerError, messageOf } from '../errors.js';
import { describeChanges } from './changes.js';
import { lifecycle } from './lifecycle.js';
import { handlerFor } from './probe.js';
import type {
  EmulationRecord,
  EmulationRequest,
  EmulationSetup,
  SetupEmulationOptions,
} from './setup-types.js';
import { unavailable } from './unavailable.js';

/**
 * Registers a binfmt_misc handler on this host (root, with the interpreter installed),
 * leaving every other entry alone, and returns what it changed so that restore() puts the
 * host back exactly.
 */
export async function setupOnHost(
  request: EmulationRequest,
  options: SetupEmulationOptions,
): Promise<EmulationSetup> {
  const { machine, name, entry, registration } = request;
  const dir = options.binfmtDir ?? DEFAULT_BINFMT_DIR;
  const problem = hostRouteProblem(request);
  if (problem) throw unavailable(problem);

  const host = new BinfmtHost(dir);
  const record: EmulationRecord = {
    via: 'host',
    name,
    binfmtDir: dir,
    changes: [],
  };
  const { restore, restoreSync, keep } = lifecycle(
    () => record,
    async () => restoreOnHost(record),
    () => restoreOnHost(record),
  );
  const { changes } = record;
  try {
    if (!(await host.isMounted())) {
      await host.mount();
      changes.push({ kind: 'mounted', dir });
    }
    if (!(await host.isEnabled())) {
      await host.setEnabled(true);
      changes.push({ kind: 'enabled', dir });
    }
    record.snapshot = await host.snapshot({ names: [name] });
    const previous = record.snapshot.entries[0]?.status;
    // The same plan the image route carries out, here written to this host's binfmt_misc.
    const plan = installPlan(previous, entry, { replace: true });
    for (const change of plan) host.applyChange(change);
    changes.push(...describeChanges(plan, previous, request, dir));
  } catch (error) {
    await restore().catch(() => undefined);
    if (error instanceof DockerError) throw error;
    throw unavailable(`cannot register ${name}: ${messageOf(error)}`, error);
  }
  const active = handlerFor(await host.list(), machine);
  if (active?.name !== name) {
    await restore().catch(() => undefined);
    throw unavailable(
      `registered ${name}, but the newer entry "${active?.name}" takes ${machine} programs first`,
    );
  }
  const { raw: status } = await host.read(name);
  return { via: 'host', name, registration, status, changes, restore, restoreSync, keep };
}

/** Why this process cannot register on its own host (undefined: it can). */
export function hostRouteProblem(request: EmulationRequest): string | undefined {
  if (process.getuid?.() !== 0) {
    return `registering a binfmt_misc handler for ${request.machine} on this host needs root`;
  }
  try {
    accessSync(request.interpreter, constants.X_OK);
  } catch {
    return `the interpreter ${request.interpreter} is not installed on this host (apt-get install qemu-user-static, or pass another interpreter)`;
  }
  return undefined;
}

/**
 * Undoes a host setup: the entry back to its snapshot, then the global switch and the
 * mount. Synchronous (procfs writes and umount), so signal handlers can use it too.
 */
export function restoreOnHost(record: EmulationRecord): void {
  const dir = record.binfmtDir ?? DEFAULT_BINFMT_DIR;
  const host = new BinfmtHost(dir);
  const failures: string[] = [];
  const attempt = (what: string, action: () => void) => {
    try {
      action();
    } catch (error) {
      failures.push(`${what}: ${messageOf(error)}`);
    }
  };
  const snapshot: BinfmtSnapshot | undefined = record.snapshot;
  const mounted = existsSync(`${dir}/register`);
  if (snapshot && mounted) attempt('entry', () => host.restoreSync(snapshot));
  for (const change of [...record.changes].reverse()) {
    if (change.kind === 'enabled') {
      attempt('global status', () => host.applyChange({ op: 'global', enabled: false }));
    }
    if (change.kind === 'mounted') {
      attempt('mount', () => execFileSync('umount', [change.dir], { stdio: 'pipe' }));
    }
  }
  if (failures.length > 0) {
    throw unavailable(`could not fully restore binfmt_misc: ${failures.join('; ')}`);
  }
}
