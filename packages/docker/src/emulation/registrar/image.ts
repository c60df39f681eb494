import { accessSync, constants, existsSync } from 'node:fs';
import { defaultInterpreter, presetFor } from '@arm64kit/binfmt';
import type { BuildProgress } from '../../build.js';
import type { ContextFiles } from '../../context.js';
import type { DockerEngine } from '../../engine.js';
import { DockerError } from '../../errors.js';
import { hostArchitecture, machineName, normalizeArchitecture } from '../../platform.js';
import { REGISTRAR_SCRIPT } from './script.js';
import { isStaticElf } from './static-elf.js';

/** The tag buildRegistrarImage() gives by default. */
export const DEFAULT_REGISTRAR_IMAGE = 'arm64kit/binfmt-registrar:latest';
/** Marks an image as a registration image (the value is the protocol version, "1"). */
export const REGISTRAR_LABEL = 'io.arm64kit.binfmt-registrar';
/** Comma-separated paths of the interpreters the image carries. */
export const REGISTRAR_INTERPRETERS_LABEL = 'io.arm64kit.binfmt-registrar.interpreters';

const SCRIPT_PATH = '/usr/local/lib/arm64kit/registrar.sh';
const BUSYBOX_CANDIDATES = ['/bin/busybox', '/usr/bin/busybox'];

export interface BuildRegistrarOptions {
  /** CPUs whose QEMU interpreters the image carries (arm64, riscv64…). Default: arm64. */
  architectures?: string[];
  /** Default DEFAULT_REGISTRAR_IMAGE. */
  tag?: string;
  /** A statically linked busybox. Default: Debian's busybox-static, /bin/busybox. */
  busybox?: string;
  onProgress?: (event: BuildProgress) => void;
  signal?: AbortSignal;
}

/** A registration image on an engine. */
export interface RegistrarImage {
  /** A tag when it has one, else its ID. */
  reference: string;
  id: string;
  /** Interpreter paths inside the image, which F entries registered through it pin. */
  interpreters: string[];
}

/**
 * Builds a registration image from files of this machine — a static busybox and the
 * qemu-user-static interpreters — FROM scratch, so no registry is needed. Its containers
 * register binfmt_misc handlers on the engine's kernel; with F, the kernel keeps the
 * image's interpreter open, so containers need no copy of it (what
 * `multiarch/qemu-user-static --reset -p yes` is used for). Running it by hand:
 * `docker run --rm --cap-add SYS_ADMIN IMAGE register LINE …` (see REGISTRAR_SCRIPT).
 */
export async function buildRegistrarImage(
  engine: DockerEngine,
  options: BuildRegistrarOptions = {},
): Promise<RegistrarImage> {
  const busybox = options.busybox ?? BUSYBOX_CANDIDATES.find((path) => existsSync(path));
  if (!busybox) {
    throw badInput('a registration image needs a static busybox: apt-get install busybox-static');
  }
  const staticBusybox = existsSync(busybox) ? isStaticElf(busybox) : undefined;
  if (staticBusybox !== true) {
    throw badInput(
      staticBusybox === false
        ? `${busybox} is linked dynamically and would not run alone in an image: apt-get install busybox-static`
        : `${busybox} is not a 64-bit ELF program (a static busybox is needed: apt-get install busybox-static)`,
    );
  }
  // The image holds this machine's programs: an engine on another CPU could not run them.
  if (normalizeArchitecture(engine.version.architecture) !== hostArchitecture()) {
    throw badInput(
      `the engine runs on ${engine.version.architecture}, this machine on ${hostArchitecture()}: build the registration image on a machine of the engine's CPU`,
    );
  }
  const interpreters = (options.architectures ?? ['arm64']).map((arch) =>
    defaultInterpreter(presetFor(machineName(normalizeArchitecture(arch)) ?? arch)),
  );
  for (const path of interpreters) {
    try {
      accessSync(path, constants.R_OK);
    } catch {
      throw badInput(`${path} is not installed: apt-get install qemu-user-static`);
    }
    if (isStaticElf(path) !== true) throw badInput(`${path} is not a statically linked program`);
  }

  const files: ContextFiles = { busybox: { path: busybox, mode: 0o755 }, 'registrar.sh': REGISTRAR_SCRIPT };
  const copies = interpreters.map((path, i) => {
    files[`interpreter-${i}`] = { path, mode: 0o755 };
    return `COPY interpreter-${i} ${path}`;
  });
  const dockerfile = [
    'FROM scratch',
    'COPY busybox /bin/busybox',
    ...copies,
    `COPY registrar.sh ${SCRIPT_PATH}`,
    `ENTRYPOINT ["/bin/busybox", "sh", "${SCRIPT_PATH}"]`,
  ].join('\n');
  const tag = options.tag ?? DEFAULT_REGISTRAR_IMAGE;
  const built = await engine.build(dockerfile, {
    tag,
    files,
    labels: { [REGISTRAR_LABEL]: '1', [REGISTRAR_INTERPRETERS_LABEL]: interpreters.join(',') },
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return { reference: tag, id: built.imageId, interpreters };
}

/**
 * The newest registration image on the engine that carries `interpreter` (any, when
 * undefined), or undefined when there is none.
 */
export async function findRegistrarImage(
  engine: DockerEngine,
  interpreter?: string,
): Promise<RegistrarImage | undefined> {
  const images = await engine.docker.listImages({ filters: { label: [`${REGISTRAR_LABEL}=1`] } });
  const found = images
    .map((image) => ({
      reference: image.RepoTags?.find((tag) => tag !== '<none>:<none>') ?? image.Id,
      id: image.Id,
      interpreters: interpretersOf(image.Labels ?? {}),
      created: image.Created,
    }))
    .filter((image) => interpreter === undefined || image.interpreters.includes(interpreter))
    .sort((a, b) => b.created - a.created)[0];
  if (!found) return undefined;
  const { created: _, ...image } = found;
  return image;
}

/** The registration image `reference` names, checked; BAD_INPUT when it is none. */
export async function registrarImage(engine: DockerEngine, reference: string): Promise<RegistrarImage> {
  const info = await engine.image(reference);
  if (!info) {
    throw new DockerError(
      'IMAGE_NOT_FOUND',
      `image ${reference} is not on this engine; build one with \`arm64kit docker registrar\``,
    );
  }
  if (info.labels[REGISTRAR_LABEL] !== '1') {
    throw badInput(`image ${reference} is not a registration image (it has no ${REGISTRAR_LABEL}=1 label)`);
  }
  return { reference, id: info.id, interpreters: interpretersOf(info.labels) };
}

function interpretersOf(labels: Record<string, string>): string[] {
  return (labels[REGISTRAR_INTERPRETERS_LABEL] ?? '').split(',').filter(Boolean);
}

function badInput(message: string): DockerError {
  return new DockerError('BAD_INPUT', message);
}
