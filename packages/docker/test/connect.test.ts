import { execFileSync } from 'node:child_process';
import { available, dockerProblem } from '@arm64kit/vitest-config/prerequisites';
import { describe, expect, it } from 'vitest';
import { connect, DockerError, dockerodeOptions, EngineUnavailableError } from '../src/index.js';

describe('connect', () => {
  it('says how to start an engine when none answers', async () => {
    const error = await connect({ host: 'unix:///nonexistent/docker.sock', timeoutMs: 2000 }).catch((e) => e);
    expect(error).toBeInstanceOf(EngineUnavailableError);
    expect(error.code).toBe('ENGINE_UNAVAILABLE');
    expect(error.exitCode).toBe(125);
    expect(error.message).toContain('unix:///nonexistent/docker.sock');
    expect(error.message).toContain('dockerd --bridge=none --iptables=false &');
  });

  it('gives up on a TCP address that does not answer', async () => {
    const error = await connect({ host: 'tcp://127.0.0.1:1', timeoutMs: 2000 }).catch((e) => e);
    expect(error).toBeInstanceOf(EngineUnavailableError);
    expect([error.code, error.exitCode, error.host]).toEqual([
      'ENGINE_UNAVAILABLE',
      125,
      'tcp://127.0.0.1:1',
    ]);
  });

  it('reads DOCKER_HOST-style addresses', () => {
    expect(dockerodeOptions('unix:///run/docker.sock')).toEqual({ socketPath: '/run/docker.sock' });
    expect(dockerodeOptions('tcp://10.0.0.2:2375')).toEqual({
      host: '10.0.0.2',
      port: 2375,
      protocol: 'http',
    });
    expect(dockerodeOptions('ssh://builder@10.0.0.3')).toEqual({
      protocol: 'ssh',
      host: '10.0.0.3',
      port: 22,
      username: 'builder',
    });
    for (const bad of ['unix://', 'ftp://x', 'not a host']) {
      const error = (() => {
        try {
          dockerodeOptions(bad);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(DockerError);
      expect([(error as DockerError).code, (error as DockerError).message]).toEqual([
        'BAD_INPUT',
        `Docker host "${bad}" is not unix:///path, tcp://host:port or ssh://user@host`,
      ]);
    }
  });

  it.runIf(available('a Docker engine', dockerProblem()))(
    'reports the engine it reached, as the docker client sees it',
    async () => {
      const engine = await connect();
      const server = execFileSync(
        'docker',
        ['version', '--format', '{{.Server.Version}} {{.Server.APIVersion}}'],
        {
          encoding: 'utf8',
        },
      );
      expect(`${engine.version.version} ${engine.version.apiVersion}`).toBe(server.trim());
    },
  );
});
