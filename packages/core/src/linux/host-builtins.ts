import { fstatSync } from 'node:fs';

/**
 * Node built-ins only some runs need, loaded on first use: tty, net and dgram (and the streams
 * they pull in) took about 3 ms of every start-up, when most programs open no socket and a run
 * started by a script has no terminal.
 */
export const hostNet = (): typeof import('node:net') => process.getBuiltinModule('node:net');
export const hostDgram = (): typeof import('node:dgram') => process.getBuiltinModule('node:dgram');

/**
 * isatty(3) of a host descriptor. A terminal is a character device: anything else (a pipe, a
 * file, a closed descriptor) is answered without loading node:tty.
 */
export function hostIsTerminal(fd: number): boolean {
  try {
    if (!fstatSync(fd).isCharacterDevice()) return false;
  } catch {
    return false;
  }
  return process.getBuiltinModule('node:tty').isatty(fd);
}
