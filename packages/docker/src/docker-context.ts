import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DockerError } from './errors.js';

/**
 * Docker contexts, read the way the `docker` CLI reads them. The engine client library
 * (docker-modem) knows DOCKER_HOST and the local sockets but not contexts, so this module
 * adds only what it lacks: which context is current, and that context's endpoint.
 */

/** The context that means "DOCKER_HOST, else the local socket". */
export const DEFAULT_CONTEXT = 'default';

/** TLS material a context keeps beside its metadata, as PEM text. */
export interface ContextTls {
  ca?: string;
  cert?: string;
  key?: string;
}

/** A context's Docker endpoint. */
export interface ContextEndpoint {
  /** The context's name. */
  name: string;
  /** The endpoint in DOCKER_HOST syntax. */
  host: string;
  /** The context says not to verify the engine's certificate. */
  skipTlsVerify: boolean;
  tls: ContextTls;
}

/** The CLI's configuration directory: DOCKER_CONFIG, else ~/.docker. */
export function dockerConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKER_CONFIG || join(homedir(), '.docker');
}

/**
 * The context the `docker` CLI would use, by its order: DOCKER_HOST set means the default
 * context; else DOCKER_CONTEXT; else `currentContext` in config.json; else the default.
 */
export function currentContextName(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DOCKER_HOST) return DEFAULT_CONTEXT;
  if (env.DOCKER_CONTEXT) return env.DOCKER_CONTEXT;
  const configPath = join(dockerConfigDir(env), 'config.json');
  if (!existsSync(configPath)) return DEFAULT_CONTEXT;
  let config: { currentContext?: unknown };
  try {
    config = JSON.parse(readFileSync(configPath, 'utf8'));
  } catch (error) {
    throw new DockerError('BAD_INPUT', `cannot read ${configPath}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return typeof config.currentContext === 'string' && config.currentContext !== ''
    ? config.currentContext
    : DEFAULT_CONTEXT;
}

/**
 * The endpoint of context `name` from the CLI's context store
 * (contexts/meta/<sha256 of the name>/meta.json, TLS files under contexts/tls/).
 */
export function readContextEndpoint(name: string, env: NodeJS.ProcessEnv = process.env): ContextEndpoint {
  const store = join(dockerConfigDir(env), 'contexts');
  const id = createHash('sha256').update(name).digest('hex');
  const metaPath = join(store, 'meta', id, 'meta.json');
  if (!existsSync(metaPath)) {
    throw new DockerError('BAD_INPUT', `Docker context "${name}" does not exist (no ${metaPath})`);
  }
  let meta: { Endpoints?: { docker?: { Host?: unknown; SkipTLSVerify?: unknown } } };
  try {
    meta = JSON.parse(readFileSync(metaPath, 'utf8'));
  } catch (error) {
    throw new DockerError('BAD_INPUT', `cannot read ${metaPath}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const endpoint = meta.Endpoints?.docker;
  if (typeof endpoint?.Host !== 'string' || endpoint.Host === '') {
    throw new DockerError('BAD_INPUT', `Docker context "${name}" has no Docker endpoint (${metaPath})`);
  }
  const tlsDir = join(store, 'tls', id, 'docker');
  const tls: ContextTls = {};
  for (const file of ['ca', 'cert', 'key'] as const) {
    const path = join(tlsDir, `${file}.pem`);
    if (existsSync(path)) tls[file] = readFileSync(path, 'utf8');
  }
  return { name, host: endpoint.Host, skipTlsVerify: endpoint.SkipTLSVerify === true, tls };
}
