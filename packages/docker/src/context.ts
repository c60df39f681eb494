import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { posix } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { DockerError } from './errors.js';

/** A file of a build context: its content, or a file on disk streamed into the context. */
export type ContextFile = string | Uint8Array | { path: string; mode?: number };

/** Files of a build context by their path inside it (POSIX, relative). */
export type ContextFiles = Record<string, ContextFile>;

/**
 * Packs a Dockerfile and files into the tar stream the engine's build endpoint reads.
 * Files on disk are streamed, so a large root filesystem tar never sits in memory.
 */
export async function packContext(dockerfile: string, files: ContextFiles = {}): Promise<Readable> {
  const entries = Object.entries(files).map(([name, file]) => [contextPath(name), file] as const);
  if (entries.some(([name]) => name === 'Dockerfile')) {
    throw new DockerError(
      'BAD_INPUT',
      'the build context files may not contain "Dockerfile"; pass it as the dockerfile argument',
    );
  }
  const sizes = new Map<string, number>();
  for (const [name, file] of entries) {
    if (typeof file === 'object' && !(file instanceof Uint8Array)) {
      const info = await stat(file.path).catch((error: NodeJS.ErrnoException) => {
        throw new DockerError(
          'BAD_INPUT',
          `context file ${name}: cannot read ${file.path} (${error.code ?? error.message})`,
        );
      });
      if (!info.isFile())
        throw new DockerError('BAD_INPUT', `context file ${name}: ${file.path} is not a regular file`);
      sizes.set(name, info.size);
    }
  }

  const pack = tar.pack();
  // Entries are written one after another in the background; an error destroys the stream.
  void (async () => {
    pack.entry({ name: 'Dockerfile', mode: 0o644 }, dockerfile);
    for (const [name, file] of entries) {
      if (typeof file === 'string' || file instanceof Uint8Array) {
        pack.entry({ name, mode: 0o644 }, Buffer.from(file));
        continue;
      }
      const entry = pack.entry({ name, mode: file.mode ?? 0o644, size: sizes.get(name) });
      await pipeline(createReadStream(file.path), entry);
    }
    pack.finalize();
  })().catch((error: unknown) => pack.destroy(error as Error));
  // tar-stream's streams are streamx streams; the engine client wants a Node stream.
  return Readable.from(pack);
}

function contextPath(name: string): string {
  const normal = posix.normalize(name);
  if (
    name === '' ||
    posix.isAbsolute(normal) ||
    normal === '..' ||
    normal.startsWith('../') ||
    normal === '.'
  ) {
    throw new DockerError(
      'BAD_INPUT',
      `context file name "${name}" must be a relative path inside the context`,
    );
  }
  return normal;
}
