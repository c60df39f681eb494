import { spawn } from 'node:child_process';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { type BuildProgress, buildImage } from './build.js';
import { DockerError } from './errors.js';
import { formatPlatform, parsePlatform } from './platform.js';

export interface ImportRootfsOptions {
  /** The platform the image config records. Default linux/arm64. */
  platform?: string;
  /** Name for the image, e.g. example/bookworm-arm64:latest. */
  tag: string;
  labels?: Record<string, string>;
  onProgress?: (event: BuildProgress) => void;
  signal?: AbortSignal;
}

export interface ImportRootfsResult {
  imageId: string;
  tag: string;
  os: string;
  architecture: string;
}

/**
 * Makes an image from a root filesystem (a directory, or a tar the engine's ADD unpacks:
 * plain, gzip, bzip2 or xz). `docker import --platform` records the engine's own
 * architecture on some engines (20.10), so this builds `FROM scratch` + `ADD rootfs.tar /`
 * for the requested platform instead, which every engine records faithfully, and then
 * checks what the engine actually recorded.
 */
export async function importRootfs(
  docker: Dockerode,
  source: string,
  options: ImportRootfsOptions,
): Promise<ImportRootfsResult> {
  const platform = parsePlatform(options.platform ?? 'linux/arm64');
  const info = await stat(source).catch((error: NodeJS.ErrnoException) => {
    throw new DockerError('BAD_INPUT', `root filesystem ${source}: ${error.code ?? error.message}`);
  });
  let scratch: string | undefined;
  try {
    let tarPath = source;
    if (info.isDirectory()) {
      scratch = await mkdtemp(join(tmpdir(), 'arm64kit-rootfs-'));
      tarPath = join(scratch, 'rootfs.tar');
      options.onProgress?.({ type: 'status', text: `archiving ${source}` });
      await tarDirectory(source, tarPath);
    } else if (!info.isFile() || !(await looksLikeArchive(source))) {
      throw new DockerError(
        'BAD_INPUT',
        `root filesystem ${source} is neither a directory nor a tar archive`,
      );
    }
    const size = (await stat(tarPath)).size;
    options.onProgress?.({
      type: 'status',
      text: `sending ${(size / 1048576).toFixed(1)} MiB to the engine`,
    });
    const built = await buildImage(docker, 'FROM scratch\nADD rootfs.tar /\n', {
      platform: formatPlatform(platform),
      tag: options.tag,
      files: { 'rootfs.tar': { path: tarPath } },
      ...(options.labels ? { labels: options.labels } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const image = await docker.getImage(built.imageId).inspect();
    if (image.Architecture !== platform.architecture || image.Os !== platform.os) {
      throw new DockerError(
        'PLATFORM_MISMATCH',
        `the engine recorded ${image.Os}/${image.Architecture} for ${options.tag}, not ${formatPlatform(platform)}`,
      );
    }
    return { imageId: built.imageId, tag: options.tag, os: image.Os, architecture: image.Architecture };
  } finally {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * Archives a directory with the system tar, which keeps owners, modes, links and device
 * nodes exactly (numeric owners, so the host's user names do not leak in).
 */
function tarDirectory(directory: string, output: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('tar', ['--numeric-owner', '-C', directory, '-cf', output, '.'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', (error) =>
      reject(new DockerError('BAD_INPUT', `cannot run tar to archive ${directory}: ${error.message}`)),
    );
    child.on('close', (code) => {
      if (code === 0) resolve();
      else
        reject(
          new DockerError('BAD_INPUT', `tar could not archive ${directory} (exit ${code}): ${stderr.trim()}`),
        );
    });
  });
}

/** ustar/GNU tar, gzip, bzip2 or xz: what the engine's ADD unpacks. */
async function looksLikeArchive(path: string): Promise<boolean> {
  const file = await open(path, 'r');
  try {
    const header = Buffer.alloc(512);
    const { bytesRead } = await file.read(header, 0, 512, 0);
    if (bytesRead >= 262 && header.subarray(257, 262).toString('latin1') === 'ustar') return true;
    if (header[0] === 0x1f && header[1] === 0x8b) return true;
    if (header.subarray(0, 3).toString('latin1') === 'BZh') return true;
    return header.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]));
  } finally {
    await file.close();
  }
}
