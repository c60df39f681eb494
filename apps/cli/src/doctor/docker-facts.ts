import { connect, type DockerEngine } from '@arm64kit/docker';
import { dockerPlatform } from './docker.js';
import type { DockerFacts } from './facts-types.js';

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Docker's architecture name for a platform string (linux/arm64 → arm64). */
function platformArch(platform: string): string {
  return platform.split('/')[1] ?? platform;
}

/** A local image whose architecture is the platform's, or undefined. */
async function localImageOf(engine: DockerEngine, platform: string): Promise<string | undefined> {
  const images = await engine.docker.listImages();
  for (const image of images) {
    for (const tag of image.RepoTags ?? []) {
      if (tag.includes('<none>')) continue;
      const info = await engine.image(tag);
      if (info && `${info.os}/${info.architecture}` === `linux/${platformArch(platform)}`) return tag;
    }
  }
  return undefined;
}

/**
 * Asks the Docker engine whether it answers and whether it runs a container of the
 * architecture: `uname -m` inside one is the proof.
 */
export async function gatherDocker(options: {
  arch: string;
  image?: string;
  /** Aborting kills and removes the probe container (Ctrl-C leaves nothing behind). */
  signal?: AbortSignal;
}): Promise<DockerFacts> {
  let engine: DockerEngine;
  try {
    engine = await connect({ timeoutMs: 5000 });
  } catch (error) {
    return { reachable: false, detail: messageOf(error) };
  }
  const platform = dockerPlatform(options.arch);
  const facts: DockerFacts = {
    reachable: true,
    detail: `Docker Engine ${engine.version.version} (API ${engine.version.apiVersion}, ${engine.version.os}/${engine.version.architecture}) at ${engine.host}`,
  };
  let image = options.image;
  try {
    image ??= await localImageOf(engine, platform);
  } catch (error) {
    return { ...facts, noImage: true, detail: `${facts.detail}; listing images failed: ${messageOf(error)}` };
  }
  if (!image) return { ...facts, noImage: true };
  facts.image = image;
  try {
    const run = await engine.run(image, ['-m'], {
      platform,
      entrypoint: 'uname',
      network: 'none',
      timeoutMs: 120_000,
      signal: options.signal,
    });
    const output = `${run.stdout}${run.stderr}`.trim();
    facts.run = {
      ok: run.exitCode === 0,
      output: run.exitCode === 0 ? output : `exit ${run.exitCode}: ${output}`,
    };
  } catch (error) {
    facts.run = { ok: false, output: messageOf(error) };
  }
  return facts;
}
