import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { available, dockerProblem } from '@arm64kit/vitest-config/prerequisites';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connect, DockerError, EngineUnavailableError } from '../src/index.js';

/**
 * Which engine connect() reaches, by the `docker` CLI's rules. Each address under test is a
 * proxy in front of the real engine's socket that counts its connections, so a test sees
 * both that the engine answered and that it answered through the address the rule chose.
 */

const ENGINE_SOCKET = '/var/run/docker.sock';
const ENV_KEYS = ['DOCKER_HOST', 'DOCKER_CONTEXT', 'DOCKER_CONFIG', 'DOCKER_CLIENT_TIMEOUT', 'HOME'] as const;
const savedEnv = Object.fromEntries(ENV_KEYS.map((key) => [key, process.env[key]]));

let scratch: string;
const servers: Server[] = [];
/** Every socket the proxies opened: a server closes only once its connections have ended. */
const sockets: Socket[] = [];

interface Proxy {
  /** The proxy's address in DOCKER_HOST syntax. */
  host: string;
  connections: () => number;
}

function track(server: Server): Server {
  servers.push(server);
  server.on('connection', (socket) => sockets.push(socket));
  return server;
}

function pipeToEngine(client: Socket): void {
  const engine = createConnection(ENGINE_SOCKET);
  sockets.push(engine);
  client.pipe(engine).pipe(client);
  engine.on('error', () => client.destroy());
  client.on('error', () => engine.destroy());
}

async function unixProxy(path: string): Promise<Proxy> {
  let count = 0;
  const server = track(
    createServer((client) => {
      count++;
      pipeToEngine(client);
    }),
  );
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return { host: `unix://${path}`, connections: () => count };
}

async function tcpProxy(): Promise<Proxy> {
  let count = 0;
  const server = track(
    createServer((client) => {
      count++;
      pipeToEngine(client);
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return { host: `tcp://127.0.0.1:${address.port}`, connections: () => count };
}

/** A context in the CLI's store under `configDir`, as `docker context create NAME --docker host=HOST` writes it. */
function writeContext(configDir: string, name: string, host: string): void {
  const dir = join(configDir, 'contexts', 'meta', createHash('sha256').update(name).digest('hex'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'meta.json'),
    JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: false } } }),
  );
}

function setEnv(vars: Partial<Record<(typeof ENV_KEYS)[number], string>>): void {
  for (const key of ENV_KEYS) {
    if (key === 'HOME') continue;
    delete process.env[key];
  }
  Object.assign(process.env, vars);
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'arm64kit-connect-'));
});

afterEach(() => {
  for (const key of ENV_KEYS) {
    if (savedEnv[key] === undefined) delete process.env[key];
    else process.env[key] = savedEnv[key];
  }
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  rmSync(scratch, { recursive: true, force: true });
});

describe('connect follows the docker CLI', () => {
  it('names a context that does not exist, and changes nothing', async () => {
    const configDir = join(scratch, 'no-such-context');
    setEnv({ DOCKER_CONFIG: configDir, DOCKER_CONTEXT: 'nowhere' });
    const error = await connect().catch((e) => e);
    expect(error).toBeInstanceOf(DockerError);
    expect(error.code).toBe('BAD_INPUT');
    expect(error.message).toContain('Docker context "nowhere" does not exist');
  });

  it('refuses a DOCKER_CLIENT_TIMEOUT that is not a number of milliseconds', async () => {
    setEnv({ DOCKER_HOST: 'unix:///nonexistent/docker.sock', DOCKER_CLIENT_TIMEOUT: '30s' });
    const error = await connect().catch((e) => e);
    expect(error).toBeInstanceOf(DockerError);
    expect(error.code).toBe('BAD_INPUT');
    expect(error.message).toContain('DOCKER_CLIENT_TIMEOUT="30s"');
  });

  it('gives up on an engine that stays silent for DOCKER_CLIENT_TIMEOUT, before its own ping timeout', async () => {
    const silent = join(scratch, 'silent.sock');
    const server = track(createServer(() => {}));
    await new Promise<void>((resolve) => server.listen(silent, resolve));
    setEnv({ DOCKER_HOST: `unix://${silent}`, DOCKER_CLIENT_TIMEOUT: '200' });
    const error = await connect({ timeoutMs: 600_000 }).catch((e) => e);
    expect(error).toBeInstanceOf(EngineUnavailableError);
    expect(error.host).toBe(`unix://${silent}`);
    expect(error.message).not.toContain('no answer within 600000 ms');
  });
});

describe.runIf(available('a Docker engine', dockerProblem()))('connect reaches the test engine', () => {
  it('through DOCKER_HOST=unix://PATH', async () => {
    const proxy = await unixProxy(join(scratch, 'host.sock'));
    setEnv({ DOCKER_HOST: proxy.host });
    const engine = await connect();
    expect(engine.host).toBe(proxy.host);
    expect(engine.context).toBeUndefined();
    expect(engine.version.apiVersion).toMatch(/^1\.\d+$/);
    expect(proxy.connections()).toBeGreaterThan(0);
  });

  it('through DOCKER_HOST=tcp://HOST:PORT', async () => {
    const proxy = await tcpProxy();
    setEnv({ DOCKER_HOST: proxy.host });
    const engine = await connect();
    expect(engine.host).toBe(proxy.host);
    expect(engine.version.version).toMatch(/^\d+\.\d+/);
    expect(proxy.connections()).toBeGreaterThan(0);
  });

  it('through ~/.docker/run/docker.sock before /var/run/docker.sock when DOCKER_HOST is unset', async () => {
    const home = join(scratch, 'home');
    mkdirSync(join(home, '.docker', 'run'), { recursive: true });
    const proxy = await unixProxy(join(home, '.docker', 'run', 'docker.sock'));
    setEnv({ HOME: home });
    const engine = await connect();
    expect(engine.host).toBe(proxy.host);
    expect(proxy.connections()).toBeGreaterThan(0);
  });

  it('through the context DOCKER_CONTEXT names', async () => {
    const configDir = join(scratch, 'config-env');
    const proxy = await unixProxy(join(scratch, 'context-env.sock'));
    writeContext(configDir, 'arm64-builder', proxy.host);
    setEnv({ DOCKER_CONFIG: configDir, DOCKER_CONTEXT: 'arm64-builder' });
    const engine = await connect();
    expect(engine.context).toBe('arm64-builder');
    expect(engine.host).toBe(proxy.host);
    expect(proxy.connections()).toBeGreaterThan(0);
  });

  it('through currentContext in config.json, unless DOCKER_HOST is set', async () => {
    const configDir = join(scratch, 'config-current');
    const contextProxy = await unixProxy(join(scratch, 'context-current.sock'));
    writeContext(configDir, 'remote-tcp', contextProxy.host);
    writeFileSync(join(configDir, 'config.json'), JSON.stringify({ currentContext: 'remote-tcp' }));
    setEnv({ DOCKER_CONFIG: configDir });
    const engine = await connect();
    expect(engine.context).toBe('remote-tcp');
    expect(engine.host).toBe(contextProxy.host);
    const throughContext = contextProxy.connections();
    expect(throughContext).toBeGreaterThan(0);

    // The docker CLI lets DOCKER_HOST override the current context (and DOCKER_CONTEXT).
    const hostProxy = await unixProxy(join(scratch, 'over-context.sock'));
    setEnv({ DOCKER_CONFIG: configDir, DOCKER_HOST: hostProxy.host });
    const overridden = await connect();
    expect(overridden.context).toBeUndefined();
    expect(overridden.host).toBe(hostProxy.host);
    expect(hostProxy.connections()).toBeGreaterThan(0);
    expect(contextProxy.connections()).toBe(throughContext);
  });

  it('through an explicit context, and the default context is DOCKER_HOST', async () => {
    const configDir = join(scratch, 'config-explicit');
    const contextProxy = await unixProxy(join(scratch, 'context-explicit.sock'));
    const hostProxy = await unixProxy(join(scratch, 'default-context.sock'));
    writeContext(configDir, 'explicit', contextProxy.host);
    setEnv({ DOCKER_CONFIG: configDir, DOCKER_HOST: hostProxy.host });
    expect((await connect({ context: 'explicit' })).host).toBe(contextProxy.host);
    expect((await connect({ context: 'default' })).host).toBe(hostProxy.host);
    expect(contextProxy.connections()).toBeGreaterThan(0);
    expect(hostProxy.connections()).toBeGreaterThan(0);
  });
});
