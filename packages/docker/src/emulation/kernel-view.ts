import { existsSync } from 'node:fs';
import { type BinfmtEntry, BinfmtHost } from '@arm64kit/binfmt';
import type { DockerEngine } from '../engine.js';
import { hostArchitecture, normalizeArchitecture } from '../platform.js';
import { parsedEntries, Registrar } from './registrar/container.js';
import { findRegistrarImage } from './registrar/image.js';
import { unavailable } from './unavailable.js';

/** binfmt_misc of one kernel, as emulationPreflight() needs to see it. */
export interface KernelView {
  /** "this host", or the engine's kernel and the image read through. */
  where: string;
  /** The CPU of the machine the kernel runs on, in Docker's naming. */
  architecture: string;
  /** Undefined where mounting is not this library's concern (a registration container mounts its own). */
  mountedAt?: { dir: string; mounted: boolean };
  enabled: boolean;
  /** Newest registration first, the order the kernel matches in. */
  entries: BinfmtEntry[];
  /** Whether an interpreter path exists there; undefined when it cannot be known from here. */
  interpreterExists(path: string): boolean | undefined;
}

export async function hostView(dir: string): Promise<KernelView> {
  const host = new BinfmtHost(dir);
  const mounted = await host.isMounted();
  return {
    where: 'this host',
    architecture: hostArchitecture(),
    mountedAt: { dir, mounted },
    enabled: mounted ? await host.isEnabled() : false,
    entries: mounted ? await host.list() : [],
    interpreterExists: (path) => existsSync(path),
  };
}

/** The engine's kernel read through a registration container (any machine, no root here). */
export async function engineView(engine: DockerEngine, image?: string): Promise<KernelView> {
  const reference = image ?? (await findRegistrarImage(engine))?.reference;
  if (!reference) {
    throw unavailable(
      "the engine has no registration image to read its kernel's binfmt_misc with: build one with `arm64kit docker registrar`",
    );
  }
  const state = await new Registrar(engine.docker, reference).state();
  return {
    where: `the engine's kernel (read through ${reference})`,
    architecture: normalizeArchitecture(engine.version.architecture),
    enabled: state.enabled,
    entries: parsedEntries(state),
    // The engine's file system is not visible from here.
    interpreterExists: () => undefined,
  };
}
