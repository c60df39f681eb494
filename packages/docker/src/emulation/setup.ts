import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import {
  BinfmtHost,
  type BinfmtSnapshot,
  DEFAULT_BINFMT_DIR,
  defaultInterpreter,
  formatRegistration,
  formatStatus,
  presetEntry,
  presetFor,
} from '@arm64kit/binfmt';
import { DockerError, messageOf } from '../errors.js';
import { machineName, normalizeArchitecture } from '../platform.js';
import { handlerFor } from './probe.js';

export interface SetupEmulationOptions {
  /** The CPU to emulate, in Docker's or the kernel's naming: arm64, aarch64, riscv64... */
  arch: string;
  /** P: programs keep the argv[0] they were started with. Default true. */
  preserveArgv0?: boolean;
  /** F: the kernel opens the interpreter now, so containers need no copy of it. Default true. */
  persistent?: boolean;
  /** The interpreter to register. Default: Debian's qemu-user-static, /usr/bin/qemu-<arch>-static. */
  interpreter?: string;
  /** Entry name. Default qemu-<arch>, the name qemu-binfmt-conf.sh uses. */
  name?: string;
  binfmtDir?: string;
}

/** One change setupEmulation() made to the host, in the order it made them. */
export type EmulationChange =
  | { kind: 'mounted'; dir: string }
  | { kind: 'enabled'; dir: string }
  | { kind: 'registered'; name: string; registration: string }
  | { kind: 'replaced'; name: string; previousStatus: string; registration: string }
  | { kind: 're-enabled'; name: string };

export interface EmulationSetup {
  /** The entry that now handles the architecture's programs. */
  name: string;
  registration: string;
  /** Empty when the host already had exactly this registration. */
  changes: EmulationChange[];
  /** Undoes every change, newest first; safe to call more than once. */
  restore(): Promise<void>;
}

/**
 * Registers a binfmt_misc handler for `arch` on this host (root, with the interpreter
 * installed), leaving every other entry alone, and returns what it changed so that
 * restore() puts the host back exactly.
 */
export async function setupEmulation(options: SetupEmulationOptions): Promise<EmulationSetup> {
  const machine = machineName(normalizeArchitecture(options.arch));
  const preset = presetFor(machine);
  const interpreter = options.interpreter ?? defaultInterpreter(preset);
  const name = options.name ?? `qemu-${preset.arch}`;
  const dir = options.binfmtDir ?? DEFAULT_BINFMT_DIR;
  const entry = presetEntry(preset, {
    name,
    interpreter,
    preserveArgv0: options.preserveArgv0 ?? true,
    persistent: options.persistent ?? true,
  });
  const registration = formatRegistration(entry);
  if (process.getuid?.() !== 0) {
    throw unavailable(`registering a binfmt_misc handler for ${machine} needs root`);
  }
  try {
    accessSync(interpreter, constants.X_OK);
  } catch {
    throw unavailable(
      `the interpreter ${interpreter} is not installed (apt-get install qemu-user-static, or pass another interpreter)`,
    );
  }

  const host = new BinfmtHost(dir);
  const changes: EmulationChange[] = [];
  let snapshot: BinfmtSnapshot | undefined;
  let restored = false;
  // If the process ends without restore() (an uncaught error, process.exit), the entry
  // still goes: exit handlers cannot wait, so this uses the synchronous restore.
  const onExit = () => {
    if (!restored && snapshot) {
      try {
        host.restoreSync(snapshot);
      } catch {}
    }
  };
  process.once('exit', onExit);
  const restore = async (): Promise<void> => {
    if (restored) return;
    restored = true;
    process.removeListener('exit', onExit);
    await undo(host, changes, snapshot);
  };
  try {
    if (!(await host.isMounted())) {
      await host.mount();
      changes.push({ kind: 'mounted', dir });
    }
    if (!(await host.isEnabled())) {
      await host.setEnabled(true);
      changes.push({ kind: 'enabled', dir });
    }
    snapshot = await host.snapshot({ names: [name] });
    const previous = snapshot.entries[0]?.status;
    const installed = await host.install(preset, {
      name,
      interpreter,
      replace: true,
      ...flagOptions(options),
    });
    if (installed.changed) {
      if (previous === undefined) changes.push({ kind: 'registered', name, registration });
      else if (previous === formatStatus({ ...entry, enabled: false }))
        changes.push({ kind: 're-enabled', name });
      else changes.push({ kind: 'replaced', name, previousStatus: previous, registration });
    }
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
  return { name, registration, changes, restore };
}

function flagOptions(options: SetupEmulationOptions): { preserveArgv0: boolean; persistent: boolean } {
  return { preserveArgv0: options.preserveArgv0 ?? true, persistent: options.persistent ?? true };
}

async function undo(
  host: BinfmtHost,
  changes: readonly EmulationChange[],
  snapshot: BinfmtSnapshot | undefined,
) {
  const failures: string[] = [];
  const attempt = async (what: string, action: () => Promise<void>) => {
    try {
      await action();
    } catch (error) {
      failures.push(`${what}: ${messageOf(error)}`);
    }
  };
  if (snapshot) await attempt('entry', () => host.restore(snapshot));
  for (const change of [...changes].reverse()) {
    if (change.kind === 'enabled') await attempt('global status', () => host.setEnabled(false));
    if (change.kind === 'mounted') {
      await attempt('mount', async () => {
        execFileSync('umount', [change.dir], { stdio: 'pipe' });
      });
    }
  }
  if (failures.length > 0) {
    throw new DockerError(
      'EMULATION_UNAVAILABLE',
      `could not fully restore binfmt_misc: ${failures.join('; ')}`,
    );
  }
}

function unavailable(message: string, cause?: unknown): DockerError {
  return new DockerError('EMULATION_UNAVAILABLE', message, { cause });
}
