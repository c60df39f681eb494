import { lstatSync } from 'node:fs';
import type { LinuxKernel } from '../kernel.js';
import type { OverlayEntry } from '../paths.js';
import { TERMINAL_DEVICE_NAMES, terminalDevice } from '../terminal/devices.js';
import { pathLink, type SyntheticNode } from './node.js';
import { processDir, processOfThread, visibleProcesses } from './process-dir.js';
import { procSystemEntries, sysRoot } from './system-files.js';

/**
 * The devices of /dev the guest always has (the terminal devices the emulator is itself: ptmx,
 * pts/, tty of a guest pseudo-terminal): the host's character devices of the same name (the
 * same on every Linux), and the links into /proc/self/fd. Other names in /dev are the root file
 * system's, or under a sysroot the run's own directory (shm/, a mount of the path walk).
 */
const DEVICES = ['null', 'zero', 'full', 'random', 'urandom', 'tty'];
const DEV_LINKS: Record<string, string> = {
  stdin: '/proc/self/fd/0',
  stdout: '/proc/self/fd/1',
  stderr: '/proc/self/fd/2',
  fd: '/proc/self/fd',
};
/** The names /dev always holds, for listings of a root whose /dev lacks them. */
export const DEV_NAMES = [...DEVICES, ...Object.keys(DEV_LINKS), ...TERMINAL_DEVICE_NAMES];

function devEntry(k: LinuxKernel, name: string): SyntheticNode | null {
  const terminal = terminalDevice(k, name);
  if (terminal !== undefined) return terminal;
  if (DEVICES.includes(name)) return { kind: 'device', host: `/dev/${name}` };
  const link = DEV_LINKS[name];
  return link === undefined ? null : pathLink(() => link);
}

function procRoot(k: LinuxKernel): SyntheticNode {
  const system = procSystemEntries(k);
  return {
    kind: 'dir',
    entries: () => [...[...visibleProcesses(k).keys()].map(String), ...Object.keys(system)],
    child: (name) => {
      if (Object.hasOwn(system, name)) return system[name]();
      if (!/^[1-9][0-9]*$/.test(name)) return null;
      const p = processOfThread(k, Number(name));
      return p ? processDir(k, p) : null;
    },
  };
}

/** Whether the root file system has a /dev directory of its own (then /dev lists it, merged). */
function hostHasDev(k: LinuxKernel): boolean {
  try {
    return lstatSync(`${k.paths.hostRoot ?? ''}/dev`).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The synthetic node at a canonical guest path given as components: undefined when the host's
 * files answer for it, null when nothing is there.
 */
export function syntheticNode(k: LinuxKernel, parts: readonly string[]): SyntheticNode | null | undefined {
  const [top, ...rest] = parts;
  let node: SyntheticNode | null;
  if (top === 'proc') node = procRoot(k);
  else if (top === 'sys') node = sysRoot();
  else if (top === 'dev') {
    if (rest.length === 0) return hostHasDev(k) ? undefined : devDirectory(k);
    node = devEntry(k, rest[0]);
    if (node === null) return undefined;
    rest.shift();
  } else return undefined;
  for (const name of rest) {
    if (node === null || node.kind !== 'dir') return null;
    node = node.child(name);
  }
  return node;
}

/** /dev when the root file system has none. */
function devDirectory(k: LinuxKernel): SyntheticNode {
  return { kind: 'dir', entries: () => DEV_NAMES, child: (name) => devEntry(k, name) };
}

/** What the path walk is told of a path (the overlay of `PathResolver`). */
export function overlayEntry(k: LinuxKernel, parts: readonly string[]): OverlayEntry {
  const top = parts[0];
  if (top !== 'proc' && top !== 'sys' && top !== 'dev') return 'host';
  const node = syntheticNode(k, parts);
  if (node === undefined) return 'host';
  if (node === null) return 'missing';
  if (node.kind !== 'link') return 'entry';
  return {
    follow: () => {
      const target = node.follow();
      return 'path' in target ? target.path : null;
    },
  };
}
