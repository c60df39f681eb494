import type Dockerode from 'dockerode';
import { type ContextFiles, packContext } from './context.js';
import { BuildFailedError, type BuildStep, DockerError, messageOf } from './errors.js';
import { formatPlatform, parsePlatform } from './platform.js';

export interface BuildOptions {
  /** Target platform, e.g. linux/arm64. Default: the engine's own. */
  platform?: string;
  /** Name(s) for the built image, e.g. example/app:latest. */
  tag?: string | string[];
  /** Files of the in-memory build context besides the Dockerfile. */
  files?: ContextFiles;
  buildArgs?: Record<string, string>;
  /** Network of RUN steps: host, none, or a network name. Default: the engine's default. */
  network?: string;
  /** Labels put on the image. */
  labels?: Record<string, string>;
  /** Ignore the build cache. */
  noCache?: boolean;
  onProgress?: (event: BuildProgress) => void;
  signal?: AbortSignal;
}

/** One thing the engine reported while building. */
export type BuildProgress =
  | { type: 'step'; step: BuildStep }
  /** A line a step printed (RUN output, or the engine's own notes such as "Using cache"). */
  | { type: 'output'; step: BuildStep | undefined; line: string }
  /** Anything else the engine reported, e.g. pull status. */
  | { type: 'status'; text: string };

export interface BuildResult {
  /** The image ID, sha256:... */
  imageId: string;
  tags: string[];
  steps: number;
}

interface EngineEvent {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { code?: number; message?: string };
  aux?: { ID?: string };
}

const STEP_LINE = /^Step (\d+)\/(\d+) : (.*)$/;
const ARROW_LINE = /^ ---> (.*)$/;
const SUCCESS_LINE = /^Successfully built ([0-9a-f]+)$/;

/**
 * Builds an image from a Dockerfile and in-memory files. The engine reports a failed
 * build as an event in an otherwise successful response, so the whole stream is scanned:
 * an error event rejects with the step that failed and what that step printed.
 */
export async function buildImage(
  docker: Dockerode,
  dockerfile: string,
  options: BuildOptions = {},
): Promise<BuildResult> {
  const tags = options.tag === undefined ? [] : Array.isArray(options.tag) ? options.tag : [options.tag];
  const query: Record<string, unknown> = {
    rm: true,
    forcerm: true,
    ...(tags.length > 0 ? { t: tags } : {}),
    ...(options.platform ? { platform: formatPlatform(parsePlatform(options.platform)) } : {}),
    ...(options.buildArgs ? { buildargs: options.buildArgs } : {}),
    ...(options.network ? { networkmode: options.network } : {}),
    ...(options.labels ? { labels: options.labels } : {}),
    ...(options.noCache ? { nocache: true } : {}),
    ...(options.signal ? { abortSignal: options.signal } : {}),
  };
  const context = await packContext(dockerfile, options.files);
  let response: NodeJS.ReadableStream;
  try {
    response = await docker.buildImage(context, query as Dockerode.ImageBuildOptions);
  } catch (error) {
    context.destroy();
    throw engineError('the engine refused the build', error, options.signal);
  }

  const scan = new BuildScanner(options.onProgress);
  try {
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(
        response,
        (error) => (error ? reject(error) : resolve()),
        (event: EngineEvent) => scan.event(event),
      );
    });
  } catch (error) {
    throw engineError('the build stream broke', error, options.signal);
  }
  if (scan.failure) {
    await removeLeftover(docker, scan.freshImage);
    throw new BuildFailedError(scan.failure.reason, scan.step, scan.stepOutput.join(''), scan.failure.code);
  }
  const imageId = scan.imageId;
  if (!imageId) throw new DockerError('ENGINE_ERROR', 'the build ended without an image ID or an error');
  return { imageId, tags, steps: scan.step?.number ?? 0 };
}

/** Follows the engine's build events: current step, its output, the result or the failure. */
class BuildScanner {
  step: BuildStep | undefined;
  stepOutput: string[] = [];
  imageId: string | undefined;
  failure: { reason: string; code: number | undefined } | undefined;
  /** The last image this build committed itself (not taken from cache, not the FROM image). */
  freshImage: string | undefined;
  private stepCached = false;
  private partial = '';

  constructor(private readonly onProgress?: (event: BuildProgress) => void) {}

  event(event: EngineEvent): void {
    if (event.error !== undefined || event.errorDetail !== undefined) {
      this.flush();
      const reason = (event.errorDetail?.message ?? event.error ?? 'unknown error').trim();
      this.failure = { reason, code: event.errorDetail?.code };
      return;
    }
    if (event.aux?.ID) this.imageId = event.aux.ID;
    if (typeof event.stream === 'string') this.text(event.stream);
    else if (typeof event.status === 'string') this.onProgress?.({ type: 'status', text: event.status });
  }

  /** The engine splits output at arbitrary points; lines are reassembled before parsing. */
  private text(chunk: string): void {
    this.partial += chunk;
    let newline = this.partial.indexOf('\n');
    while (newline >= 0) {
      this.line(this.partial.slice(0, newline));
      this.partial = this.partial.slice(newline + 1);
      newline = this.partial.indexOf('\n');
    }
  }

  private flush(): void {
    if (this.partial !== '') this.line(this.partial);
    this.partial = '';
  }

  private line(line: string): void {
    const step = STEP_LINE.exec(line);
    if (step) {
      this.step = { number: Number(step[1]), total: Number(step[2]), instruction: step[3] };
      this.stepOutput = [];
      this.stepCached = false;
      this.onProgress?.({ type: 'step', step: this.step });
      return;
    }
    const success = SUCCESS_LINE.exec(line);
    if (success && !this.imageId) this.imageId = success[1];
    const arrow = ARROW_LINE.exec(line);
    if (arrow) {
      const what = arrow[1].trim();
      if (what === 'Using cache') this.stepCached = true;
      else if (
        /^[0-9a-f]{12,64}$/.test(what) &&
        !this.stepCached &&
        !/^FROM\b/i.test(this.step?.instruction ?? '')
      ) {
        this.freshImage = what;
      }
    }
    const bookkeeping =
      arrow !== null || line.startsWith('Removing intermediate container ') || success !== null;
    if (!bookkeeping) this.stepOutput.push(`${line}\n`);
    this.onProgress?.({ type: 'output', step: this.step, line });
  }
}

/** A failed build leaves the image of its last good step untagged; remove it unless others use it. */
async function removeLeftover(docker: Dockerode, imageId: string | undefined): Promise<void> {
  if (!imageId) return;
  try {
    const image = await docker.getImage(imageId).inspect();
    if ((image.RepoTags ?? []).length === 0) await docker.getImage(imageId).remove();
  } catch {
    // Still a parent of another image, or already gone: nothing of this build to clean.
  }
}

function engineError(what: string, error: unknown, signal: AbortSignal | undefined): DockerError {
  if (signal?.aborted)
    return new DockerError('ABORTED', 'the build was interrupted', { exitCode: 130, cause: error });
  return new DockerError('ENGINE_ERROR', `${what}: ${messageOf(error)}`, { cause: error });
}
