import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { dockerPlatform } from './docker.js';
import type { DockerFacts } from './facts-types.js';

const run = promisify(execFile);

async function docker(args: string[], timeout: number): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout, stderr } = await run('docker', args, { timeout, maxBuffer: 1 << 20 });
    return { ok: true, output: `${stdout}${stderr}`.trim() };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}`.trim() || e.message };
  }
}

/**
 * Asks the Docker engine whether it answers and whether it runs a container of the
 * architecture: `uname -m` inside one is the proof.
 */
export async function gatherDocker(options: { arch: string; image?: string }): Promise<DockerFacts> {
  const version = await docker(['version', '--format', '{{.Server.Version}}'], 10_000);
  if (!version.ok) return { reachable: false, detail: version.output.split('\n')[0] };
  const platform = dockerPlatform(options.arch);
  const facts: DockerFacts = { reachable: true, detail: `Docker Engine ${version.output}` };
  let image = options.image;
  if (!image) {
    const list = await docker(['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}'], 20_000);
    const names = list.ok ? list.output.split('\n').filter((n) => n && !n.includes('<none>')) : [];
    for (const name of names) {
      const inspect = await docker(
        ['image', 'inspect', '--format', '{{.Os}}/{{.Architecture}}', name],
        10_000,
      );
      if (inspect.ok && platform.startsWith(inspect.output)) {
        image = name;
        break;
      }
    }
  }
  if (!image) return { ...facts, noImage: true };
  facts.image = image;
  facts.run = await docker(
    ['run', '--rm', '--network', 'none', '--platform', platform, '--entrypoint', 'uname', image, '-m'],
    120_000,
  );
  return facts;
}
