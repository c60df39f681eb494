import { spawnSync } from 'node:child_process';
import {
  type BinfmtChange,
  type BinfmtState,
  byteString,
  DEFAULT_BINFMT_DIR,
  installPlan,
  parseStatus,
  restorePlan,
} from '@arm64kit/binfmt';
import { connect, type DockerEngine } from '../engine.js';
import { DockerError, messageOf } from '../errors.js';
import { RUN_LABEL } from '../run.js';
import { describeChanges } from './changes.js';
import { lifecycle } from './lifecycle.js';
import { handlerFor } from './probe.js';
import {
  describeFailures,
  type HostFile,
  parsedEntries,
  REGISTRAR_HOST_CONFIG,
  Registrar,
  registrarCommand,
} from './registrar/container.js';
import { findRegistrarImage, type RegistrarImage, registrarImage } from './registrar/image.js';
import type {
  EmulationRecord,
  EmulationRequest,
  EmulationSetup,
  SetupEmulationOptions,
} from './setup-types.js';
import { unavailable } from './unavailable.js';

/**
 * Registers the handler on the engine's kernel through containers of a registration
 * image. The state is read from the kernel before and after (from inside a container, so
 * it does not matter whether this host has binfmt_misc mounted or is the engine's host at
 * all); restore() reads it again and undoes exactly what was done.
 */
export async function setupThroughImage(
  request: EmulationRequest,
  options: SetupEmulationOptions,
  hostProblem?: string,
): Promise<EmulationSetup> {
  const engine =
    options.engine ??
    (await connect().catch((error: unknown) => {
      // Taken because the host route cannot work: say both why not.
      if (!hostProblem) throw error;
      throw unavailable(`${hostProblem}; and for a registration image: ${messageOf(error)}`, error);
    }));
  const image = await chooseImage(engine, request, options, hostProblem);
  const registrar = new Registrar(engine.docker, image.reference);
  const { name, entry } = request;

  // The kernel's state holds names as byte strings.
  const entryName = byteString(name);
  const before = await registrar.state();
  const previous = before.entries.find((e) => e.name === entryName)?.status;
  const plan: BinfmtChange[] = [
    ...(before.enabled ? [] : [{ op: 'global', enabled: true } as const]),
    ...installPlan(previous, entry, { replace: true }),
  ];
  const record: EmulationRecord = {
    via: 'image',
    name,
    image: image.reference,
    engineHost: engine.host,
    snapshot: {
      dir: DEFAULT_BINFMT_DIR,
      scope: [entryName],
      entries: previous === undefined ? [] : [{ name: entryName, status: previous }],
    },
    changes: describeChanges(plan, previous, request, DEFAULT_BINFMT_DIR),
  };
  // Putting back a replaced F entry registers its interpreter again: that file must exist
  // where the engine runs. Found out now, before anything changes.
  await registrar.checkHostFiles(pinnedInterpreters(record));

  // The undo as of right after setup, for the exit hook (which cannot ask the engine first).
  let undoAfterSetup: BinfmtChange[] = [];
  const { restore, restoreSync, keep } = lifecycle(
    () => record,
    () => restoreThroughImage(record, engine),
    () => undoWithCli(engine, image.reference, undoAfterSetup, pinnedInterpreters(record)),
  );
  let after = before;
  if (plan.length > 0) {
    const report = await registrar.apply(plan).catch(async (error: unknown) => {
      await restore().catch(() => undefined);
      throw error instanceof DockerError ? error : unavailable(messageOf(error), error);
    });
    undoAfterSetup = undoPlan(record, report.state);
    after = report.state;
    if (report.failures.length > 0) {
      await restore().catch(() => undefined);
      throw unavailable(
        `cannot register ${name} through ${image.reference}: ${describeFailures(plan, report)}`,
      );
    }
    const active = handlerFor(parsedEntries(report.state), request.machine);
    if (active?.name !== name) {
      await restore().catch(() => undefined);
      throw unavailable(
        `registered ${name}, but the newer entry "${active?.name}" takes ${request.machine} programs first`,
      );
    }
  }
  return {
    via: 'image',
    image: image.reference,
    name,
    registration: request.registration,
    status: after.entries.find((e) => e.name === entryName)?.status ?? '',
    changes: record.changes,
    restore,
    restoreSync,
    keep,
  };
}

/** Undoes an image setup: reads the kernel's state through the image, then writes back. */
export async function restoreThroughImage(record: EmulationRecord, engine?: DockerEngine): Promise<void> {
  if (!record.image) throw unavailable('the record names no registration image');
  // Nothing was changed (the kernel already had this registration): nothing to undo.
  if (record.changes.length === 0) return;
  const on = engine ?? (await connect(record.engineHost ? { host: record.engineHost } : {}));
  const registrar = new Registrar(on.docker, record.image);
  const undo = undoPlan(record, await registrar.state());
  if (undo.length === 0) return;
  const report = await registrar.apply(undo, pinnedInterpreters(record));
  if (report.failures.length > 0) {
    throw unavailable(
      `could not fully restore binfmt_misc through ${record.image}: ${describeFailures(undo, report)}`,
    );
  }
}

/** The entry back to its snapshot, and the global switch off again if the setup turned it on. */
function undoPlan(record: EmulationRecord, now: BinfmtState): BinfmtChange[] {
  const turnedOn = record.changes.some((c) => c.kind === 'enabled');
  return [
    ...(record.snapshot ? restorePlan(now, record.snapshot) : []),
    ...(turnedOn && now.enabled ? [{ op: 'global', enabled: false } as const] : []),
  ];
}

async function chooseImage(
  engine: DockerEngine,
  request: EmulationRequest,
  options: SetupEmulationOptions,
  hostProblem: string | undefined,
): Promise<RegistrarImage> {
  const image = options.image
    ? await registrarImage(engine, options.image)
    : await findRegistrarImage(engine, request.persistent ? request.interpreter : undefined);
  if (!image) {
    const why = hostProblem ? `${hostProblem}, and ` : '';
    throw unavailable(
      `${why}the engine has no registration image${request.persistent ? ` with ${request.interpreter}` : ''}: build one with \`arm64kit docker registrar\` (or buildRegistrarImage())`,
    );
  }
  // With F the kernel opens the interpreter inside the registration container.
  if (request.persistent && !image.interpreters.includes(request.interpreter)) {
    throw unavailable(
      `${image.reference} does not carry ${request.interpreter} (it has ${image.interpreters.join(', ') || 'none'}); rebuild it with that architecture`,
    );
  }
  return image;
}

/** The interpreters of the F entries the record's snapshot would register again. */
function pinnedInterpreters(record: EmulationRecord): HostFile[] {
  return (record.snapshot?.entries ?? [])
    .map(({ name, status }) => parseStatus(status, name))
    .filter((entry) => entry.flags.fixBinary)
    .map((entry) => ({ path: entry.interpreter }));
}

function undoWithCli(engine: DockerEngine, image: string, undo: BinfmtChange[], hostFiles: HostFile[]): void {
  const { entrypoint, argv } = registrarCommand(undo);
  const config = REGISTRAR_HOST_CONFIG;
  const args = [
    '-H',
    engine.host,
    'run',
    '--rm',
    '--label',
    `${RUN_LABEL}=true`,
    '--network',
    String(config.NetworkMode),
    '--userns',
    String(config.UsernsMode),
    ...(config.CapDrop ?? []).flatMap((cap: string) => ['--cap-drop', cap]),
    ...(config.CapAdd ?? []).flatMap((cap: string) => ['--cap-add', cap]),
    ...(config.SecurityOpt ?? []).flatMap((opt: string) => ['--security-opt', opt]),
    ...hostFiles.flatMap((f) => ['--mount', `type=bind,source=${f.path},target=${f.path},readonly`]),
    '--entrypoint',
    entrypoint[0] ?? '/bin/busybox',
    image,
    ...entrypoint.slice(1),
    ...argv,
  ];
  spawnSync('docker', args, { stdio: 'ignore', timeout: 30_000 });
}
