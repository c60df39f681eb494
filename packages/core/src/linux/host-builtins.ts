import { fstatSync } from 'node:fs';

/**
 * Node built-ins only some runs need, loaded on first use: tty, net and dgram (and the streams
 * they pull in) took about 3 ms of every start-up, when most programs open no socket and a run
 * started by a script has no terminal.
 */
export const hostNet = (): typeof import('node:net') => process.getBuiltinModule('node:net');
export const hostDgram = (): typeof import('node:dgram') => process.getBuiltinModule('node:dgram');

/** Linux's major number of the memory devices: /dev/null, zero, full, random, urandom. */
const MEM_MAJOR = 1;

/** The major number of a device number as glibc's major() splits it. */
function majorOf(rdev: number): number {
  return (Math.floor(rdev / 256) % 4096) | (Math.floor(rdev / 2 ** 32) & ~0xfff);
}

/**
 * isatty(3) of a host descriptor. A terminal is a character device: anything else (a pipe, a
 * file, a closed descriptor) is answered without loading node:tty, and so is a memory device such
 * as /dev/null, which a script, a service or a build often gives as standard input (node:tty
 * costs about 4 ms of such a start).
 */
export function hostIsTerminal(fd: number): boolean {
  try {
    const stat = fstatSync(fd);
    if (!stat.isCharacterDevice() || majorOf(stat.rdev) === MEM_MAJOR) return false;
  } catch {
    return false;
  }
  return process.getBuiltinModule('node:tty').isatty(fd);
}
