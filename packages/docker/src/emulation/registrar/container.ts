import { type BinfmtChange, describeChange, parseStatus } from '@arm64kit/binfmt';
import type Dockerode from 'dockerode';
import { DockerError, messageOf } from '../../errors.js';
import { RUN_LABEL, runContainer } from '../../run.js';
import { parseRegistrarOutput, type RegistrarReport, registrarArguments } from './protocol.js';
import { REGISTRAR_SCRIPT } from './script.js';

/** A file of the engine's host made visible at the same path inside the container. */
export interface HostFile {
  path: string;
}

/**
 * Just what registering needs: CAP_SYS_ADMIN (to mount binfmt_misc and write to it), the
 * host's user namespace (binfmt_misc instances are per user namespace since Linux 6.7),
 * no network. Not --privileged: that grants every capability, and an engine whose own
 * bounding set lacks one cannot start such a container at all.
 */
export const REGISTRAR_HOST_CONFIG: Dockerode.HostConfig = {
  CapDrop: ['ALL'],
  CapAdd: ['SYS_ADMIN'],
  // AppArmor's docker-default profile forbids mount; engines without AppArmor ignore this.
  SecurityOpt: ['apparmor=unconfined'],
  UsernsMode: 'host',
  NetworkMode: 'none',
};

/** The argv of a registration container: busybox's sh running REGISTRAR_SCRIPT. */
export function registrarCommand(changes: readonly BinfmtChange[]): { entrypoint: string[]; argv: string[] } {
  return {
    entrypoint: ['/bin/busybox', 'sh', '-c', REGISTRAR_SCRIPT, 'arm64kit-registrar'],
    argv: registrarArguments(changes),
  };
}

/**
 * binfmt_misc of the kernel a Docker engine runs on, read and changed through short-lived
 * containers of a registration image. The script travels with each run, so any image with
 * a static busybox at /bin/busybox (and the interpreters F entries should pin) serves.
 */
export class Registrar {
  constructor(
    private readonly docker: Dockerode,
    readonly image: string,
  ) {}

  /** Every entry (newest first) and the global switch. */
  async state(): Promise<RegistrarReport['state']> {
    return (await this.run([], [])).state;
  }

  /**
   * Carries out `changes` in order, trying every one; `hostFiles` are bound in read-only,
   * for F entries whose interpreter is a file of the engine's host.
   */
  async apply(
    changes: readonly BinfmtChange[],
    hostFiles: readonly HostFile[] = [],
  ): Promise<RegistrarReport> {
    return this.run(changes, hostFiles);
  }

  /** Checks that the engine can start a container with these files bound, without starting one. */
  async checkHostFiles(hostFiles: readonly HostFile[]): Promise<void> {
    if (hostFiles.length === 0) return;
    let container: Dockerode.Container | undefined;
    try {
      container = await this.docker.createContainer({
        Image: this.image,
        Entrypoint: ['/bin/busybox', 'true'],
        Labels: { [RUN_LABEL]: 'true' },
        HostConfig: { ...REGISTRAR_HOST_CONFIG, Mounts: mounts(hostFiles) },
      });
    } catch (error) {
      throw new DockerError(
        'EMULATION_UNAVAILABLE',
        `the engine cannot provide ${hostFiles.map((f) => f.path).join(', ')} to a registration container: ${messageOf(error)}`,
        { cause: error },
      );
    } finally {
      await container?.remove({ force: true }).catch(() => undefined);
    }
  }

  private async run(
    changes: readonly BinfmtChange[],
    hostFiles: readonly HostFile[],
  ): Promise<RegistrarReport> {
    const { entrypoint, argv } = registrarCommand(changes);
    const result = await runContainer(
      this.docker,
      this.image,
      argv,
      { entrypoint, timeoutMs: 60_000, labels: { 'io.arm64kit.binfmt-registrar.run': 'true' } },
      { ...REGISTRAR_HOST_CONFIG, Mounts: mounts(hostFiles) },
    );
    const report = parseRegistrarOutput(result.stdout, result.stderr);
    if (result.exitCode !== 0 && report.failures.length === 0) {
      throw new DockerError(
        'EMULATION_UNAVAILABLE',
        `the registration container of ${this.image} exited with ${result.exitCode}: ${result.stderr.trim()}`,
      );
    }
    return report;
  }
}

/** "register qemu-aarch64: File exists; …" for the failed ones among `changes`. */
export function describeFailures(changes: readonly BinfmtChange[], report: RegistrarReport): string {
  return report.failures
    .map(({ index, message }) => {
      const change = changes[index];
      return `${change ? describeChange(change) : `operation ${index}`}: ${message}`;
    })
    .join('; ');
}

/** The entries of a state, parsed, in the kernel's order (what match() expects). */
export function parsedEntries(state: RegistrarReport['state']) {
  return state.entries.map(({ name, status }) => parseStatus(status, name));
}

function mounts(hostFiles: readonly HostFile[]): Dockerode.MountSettings[] {
  return hostFiles.map((file) => ({ Type: 'bind', Source: file.path, Target: file.path, ReadOnly: true }));
}
