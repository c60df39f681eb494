import type Dockerode from 'dockerode';
import { type BuildOptions, type BuildResult, buildImage } from './build.js';
import { type ConnectOptions, type EngineVersion, openConnection } from './connect.js';
import { DockerError, messageOf, statusOf } from './errors.js';
import { type ImportRootfsOptions, type ImportRootfsResult, importRootfs } from './import-rootfs.js';
import { type RunOptions, type RunResult, runContainer } from './run.js';

export interface ImageInfo {
  id: string;
  tags: string[];
  os: string;
  architecture: string;
  variant?: string;
  labels: Record<string, string>;
}

/** A connected Docker engine: build, run and import images for any platform it can emulate. */
export class DockerEngine {
  private constructor(
    /** The dockerode client, for anything this class does not cover. */
    readonly docker: Dockerode,
    /** The address in DOCKER_HOST syntax. */
    readonly host: string,
    readonly version: EngineVersion,
    /** The Docker context the address came from (DOCKER_CONTEXT, config.json), when one did. */
    readonly context?: string,
  ) {}

  /** Connects and checks that an engine answers (EngineUnavailableError otherwise). */
  static async connect(options: ConnectOptions = {}): Promise<DockerEngine> {
    const connection = await openConnection(options);
    return new DockerEngine(connection.docker, connection.host, connection.engine, connection.context);
  }

  build(dockerfile: string, options: BuildOptions = {}): Promise<BuildResult> {
    return buildImage(this.docker, dockerfile, options);
  }

  run(image: string, argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    return runContainer(this.docker, image, argv, options);
  }

  importRootfs(source: string, options: ImportRootfsOptions): Promise<ImportRootfsResult> {
    return importRootfs(this.docker, source, options);
  }

  /** What the engine knows about an image, or undefined when it has none by that name. */
  async image(reference: string): Promise<ImageInfo | undefined> {
    try {
      const image = await this.docker.getImage(reference).inspect();
      return {
        id: image.Id,
        tags: image.RepoTags ?? [],
        os: image.Os,
        architecture: image.Architecture,
        ...((image as { Variant?: string }).Variant
          ? { variant: (image as { Variant?: string }).Variant }
          : {}),
        labels: image.Config?.Labels ?? {},
      };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw new DockerError('ENGINE_ERROR', `cannot inspect image ${reference}: ${messageOf(error)}`, {
        cause: error,
      });
    }
  }

  /** Removes an image (by name: untags it; its layers go when nothing else uses them). */
  async removeImage(reference: string, options: { force?: boolean } = {}): Promise<void> {
    try {
      await this.docker.getImage(reference).remove({ force: options.force ?? false });
    } catch (error) {
      if (statusOf(error) === 404) return;
      throw new DockerError('ENGINE_ERROR', `cannot remove image ${reference}: ${messageOf(error)}`, {
        cause: error,
      });
    }
  }
}

/**
 * Connects to the engine the `docker` CLI would use: `options.host` or `options.context`,
 * else DOCKER_HOST, DOCKER_CONTEXT, the current context of ~/.docker/config.json, the local socket.
 */
export function connect(options: ConnectOptions = {}): Promise<DockerEngine> {
  return DockerEngine.connect(options);
}
