import Dockerode from 'dockerode';
import { DockerError, EngineUnavailableError, messageOf } from './errors.js';

export interface ConnectOptions {
  /**
   * Where the engine listens, in DOCKER_HOST syntax: unix:///var/run/docker.sock,
   * tcp://host:2375 (https when DOCKER_TLS_VERIFY/DOCKER_CERT_PATH are set), ssh://user@host.
   * Default: the DOCKER_HOST environment variable, else the local socket.
   */
  host?: string;
  /** How long to wait for the engine to answer a ping. Default 5000 ms. */
  timeoutMs?: number;
}

export interface EngineVersion {
  /** The engine's version, e.g. 20.10.24. */
  version: string;
  /** The Engine API version it speaks, e.g. 1.41. */
  apiVersion: string;
  os: string;
  /** The engine host's architecture in Docker's naming (amd64, arm64). */
  architecture: string;
}

export interface Connection {
  docker: Dockerode;
  /** The address as the user would write it in DOCKER_HOST. */
  host: string;
  engine: EngineVersion;
}

const DEFAULT_SOCKET = '/var/run/docker.sock';

/** Opens a client and checks that an engine answers; throws EngineUnavailableError if none does. */
export async function openConnection(options: ConnectOptions = {}): Promise<Connection> {
  const host = options.host ?? process.env.DOCKER_HOST ?? `unix://${DEFAULT_SOCKET}`;
  const docker = options.host === undefined ? new Dockerode() : new Dockerode(dockerodeOptions(options.host));
  const timeoutMs = options.timeoutMs ?? 5000;
  let version: Awaited<ReturnType<Dockerode['version']>>;
  try {
    version = await withTimeout(docker.version(), timeoutMs, `no answer within ${timeoutMs} ms`);
  } catch (error) {
    throw new EngineUnavailableError(host, messageOf(error), error);
  }
  return {
    docker,
    host,
    engine: {
      version: version.Version,
      apiVersion: version.ApiVersion,
      os: version.Os,
      architecture: version.Arch,
    },
  };
}

/** Turns a DOCKER_HOST-style address into dockerode's constructor options. */
export function dockerodeOptions(host: string): Dockerode.DockerOptions {
  if (host.startsWith('unix://')) {
    const socketPath = host.slice('unix://'.length);
    if (socketPath === '') throw badHost(host);
    return { socketPath };
  }
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    throw badHost(host);
  }
  if (url.protocol === 'tcp:' || url.protocol === 'http:' || url.protocol === 'https:') {
    const tls = url.protocol === 'https:' || process.env.DOCKER_TLS_VERIFY === '1';
    return {
      host: url.hostname,
      port: url.port === '' ? (tls ? 2376 : 2375) : Number(url.port),
      protocol: tls ? 'https' : 'http',
    };
  }
  if (url.protocol === 'ssh:') {
    return {
      protocol: 'ssh',
      host: url.hostname,
      port: url.port === '' ? 22 : Number(url.port),
      ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    };
  }
  throw badHost(host);
}

function badHost(host: string): DockerError {
  return new DockerError(
    'BAD_INPUT',
    `Docker host "${host}" is not unix:///path, tcp://host:port or ssh://user@host`,
  );
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
