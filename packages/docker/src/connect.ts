import { Agent } from 'node:https';
import type Dockerode from 'dockerode';
import {
  type ContextTls,
  currentContextName,
  DEFAULT_CONTEXT,
  readContextEndpoint,
} from './docker-context.js';
import { DockerError, EngineUnavailableError, messageOf } from './errors.js';

/**
 * Which engine to reach follows the `docker` CLI: an explicit host or context; else
 * DOCKER_HOST; else DOCKER_CONTEXT; else the current context of ~/.docker/config.json
 * (DOCKER_CONFIG moves that directory); else the local socket, ~/.docker/run/docker.sock
 * when it exists, then /var/run/docker.sock. DOCKER_TLS_VERIFY, DOCKER_CERT_PATH and
 * DOCKER_CLIENT_TIMEOUT (milliseconds of silence before a request fails) apply as the
 * engine client library reads them.
 */
export interface ConnectOptions {
  /**
   * Where the engine listens, in DOCKER_HOST syntax: unix:///var/run/docker.sock,
   * tcp://host:2375 (https when DOCKER_TLS_VERIFY/DOCKER_CERT_PATH are set), ssh://user@host.
   */
  host?: string;
  /** A Docker context by name (as `docker --context`); `default` is DOCKER_HOST or the local socket. */
  context?: string;
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
  /** The Docker context the address came from, when one did. */
  context?: string;
  engine: EngineVersion;
}

/** Opens a client and checks that an engine answers; throws EngineUnavailableError if none does. */
export async function openConnection(options: ConnectOptions = {}): Promise<Connection> {
  // The client library (and its gRPC and SSH dependencies) loads here, on the first Docker
  // call, so that importing this package costs nothing to programs that never reach Docker.
  const { default: Dockerode } = await import('dockerode');
  // Options the library takes from the environment only for DOCKER_HOST, given to every endpoint.
  const common = { ...clientTimeout(), ...sshAgent() };
  const context = options.host === undefined ? (options.context ?? currentContextName()) : undefined;
  let docker: Dockerode;
  let host: string;
  if (options.host !== undefined) {
    docker = new Dockerode({ ...dockerodeOptions(options.host), ...common });
    host = options.host;
  } else if (context !== DEFAULT_CONTEXT && context !== undefined) {
    const endpoint = readContextEndpoint(context);
    docker = new Dockerode({
      ...dockerodeOptions(endpoint.host, endpoint.tls, endpoint.skipTlsVerify),
      ...common,
    });
    host = endpoint.host;
  } else {
    // The default context is the library's own: DOCKER_HOST, else the local sockets.
    docker = new Dockerode(clientTimeout());
    host = await defaultHost(docker);
  }
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
    ...(context === undefined || context === DEFAULT_CONTEXT ? {} : { context }),
    engine: {
      version: version.Version,
      apiVersion: version.ApiVersion,
      os: version.Os,
      architecture: version.Arch,
    },
  };
}

/** The library reads DOCKER_CLIENT_TIMEOUT for tcp hosts only; every endpoint gets it here. */
function clientTimeout(): { timeout?: number } {
  const raw = process.env.DOCKER_CLIENT_TIMEOUT;
  if (raw === undefined || raw === '') return {};
  const timeout = Number(raw);
  if (!Number.isInteger(timeout) || timeout <= 0) {
    throw new DockerError(
      'BAD_INPUT',
      `DOCKER_CLIENT_TIMEOUT="${raw}" is not a whole number of milliseconds`,
    );
  }
  return { timeout };
}

/** SSH endpoints authenticate through the user's agent, as the library does for DOCKER_HOST. */
function sshAgent(): { sshOptions?: { agent: string } } {
  return process.env.SSH_AUTH_SOCK ? { sshOptions: { agent: process.env.SSH_AUTH_SOCK } } : {};
}

/** The address the library chose for the default context, as DOCKER_HOST would name it. */
async function defaultHost(docker: Dockerode): Promise<string> {
  const modem = docker.modem as { socketPath?: unknown; getSocketPath?: () => Promise<string> };
  if (modem.socketPath && modem.getSocketPath) return `unix://${await modem.getSocketPath()}`;
  return process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
}

/**
 * Turns a DOCKER_HOST-style address into dockerode's constructor options; `tls` is a
 * context's certificate material (https for tcp:// when it has any).
 */
export function dockerodeOptions(
  host: string,
  tls: ContextTls = {},
  skipTlsVerify = false,
): Dockerode.DockerOptions {
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
    const certificates = Object.values(tls).some((pem) => pem !== undefined);
    const secure = url.protocol === 'https:' || process.env.DOCKER_TLS_VERIFY === '1' || certificates;
    return {
      host: url.hostname,
      port: url.port === '' ? (secure ? 2376 : 2375) : Number(url.port),
      protocol: secure ? 'https' : 'http',
      ...(certificates ? { ca: tls.ca, cert: tls.cert, key: tls.key } : {}),
      ...(secure && skipTlsVerify ? { agent: new Agent({ rejectUnauthorized: false }) } : {}),
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
