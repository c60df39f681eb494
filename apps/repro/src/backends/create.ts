import { ReproError } from '../errors.js';
import type { Backend, BackendName } from './backend.js';
import { DockerBackend } from './docker.js';
import { EmbeddedBackend } from './embedded.js';
import { HostBackend } from './host.js';

export interface BackendOptions {
  /**
   * all backends: the architecture of the programs and the handler, aarch64 (default) or riscv64,
   * in any spelling the names table knows (arm64, riscv…).
   */
  arch?: string;
  /** docker: the base image of the write-up's Dockerfile (default arm64v8/ubuntu:20.04, riscv64/ubuntu:20.04). */
  baseImage?: string;
  /** all backends: a ccache binary of the architecture to run as `ccache`. */
  ccache?: string;
  /** host (chroot) and embedded (sysroot): a root filesystem of the architecture. */
  rootfs?: string;
  /** host, docker: the interpreter the handler names (default the architecture's qemu-user-static). */
  interpreter?: string;
  /** host: run the programs on arm64kit's emulator through binfmt_misc; the command that starts the arm64kit CLI. */
  arm64kitCommand?: string[];
  /** docker: register the handler on this host, through a registration image, or auto. */
  via?: 'auto' | 'host' | 'image';
}

/** The backend of that name; options a backend cannot honour are refused, not ignored. */
export function createBackend(name: BackendName, options: BackendOptions = {}): Backend {
  const refuse = (option: string) => {
    throw new ReproError('BAD_INPUT', `${option} does not apply to the ${name} backend`);
  };
  switch (name) {
    case 'embedded':
      if (options.via !== undefined) refuse('--via');
      if (options.baseImage !== undefined) refuse('--base-image');
      if (options.interpreter !== undefined || options.arm64kitCommand !== undefined) refuse('--interpreter');
      return new EmbeddedBackend({ arch: options.arch, ccache: options.ccache, rootfs: options.rootfs });
    case 'host':
      if (options.via !== undefined) refuse('--via');
      if (options.baseImage !== undefined) refuse('--base-image');
      return new HostBackend({
        arch: options.arch,
        ccache: options.ccache,
        rootfs: options.rootfs,
        interpreter: options.interpreter,
        arm64kitCommand: options.arm64kitCommand,
      });
    case 'docker':
      if (options.rootfs !== undefined) refuse('--rootfs');
      if (options.arm64kitCommand !== undefined) refuse('--interpreter arm64kit');
      return new DockerBackend({
        arch: options.arch,
        baseImage: options.baseImage,
        ccache: options.ccache,
        interpreter: options.interpreter,
        via: options.via,
      });
    default:
      throw new ReproError('BAD_INPUT', `unknown backend ${String(name)} (embedded, host or docker)`);
  }
}
