import type { LinuxKernel } from '../kernel.js';
import type { SyntheticNode } from '../synthetic/node.js';
import { openPtmx, openSlave, ptmxStat, slaveStat, ttyStat } from './pty.js';
import { controllingTerminal, terminalsOf } from './registry.js';

const O_NOCTTY = 0o400;

/** /dev/pts/N of an open pair, as `k` sees it. */
function slaveNode(k: LinuxKernel, index: number): SyntheticNode {
  return { kind: 'chardev', open: (flags) => openSlave(k, index, flags), stat: () => slaveStat(index) };
}

/** devpts: a directory of the run's pseudo-terminals that are open. */
function ptsDirectory(k: LinuxKernel): SyntheticNode {
  const ptys = terminalsOf(k).ptys;
  return {
    kind: 'dir',
    entries: () => [...ptys.keys()].sort((a, b) => a - b).map(String),
    child: (name) => {
      if (!/^(0|[1-9][0-9]*)$/.test(name) || !ptys.has(Number(name))) return null;
      return slaveNode(k, Number(name));
    },
  };
}

/**
 * The terminal devices of /dev that the emulator is itself: ptmx (a new pseudo-terminal pair
 * each open), pts/ (their slaves), and tty when the caller's controlling terminal is one of the
 * run's pseudo-terminals (otherwise /dev/tty stays the host's). Undefined for other names.
 */
export function terminalDevice(k: LinuxKernel, name: string): SyntheticNode | undefined {
  if (name === 'ptmx') return { kind: 'chardev', open: (flags) => openPtmx(k, flags), stat: ptmxStat };
  if (name === 'pts') return ptsDirectory(k);
  if (name === 'tty') {
    const terminal = controllingTerminal(k);
    if (terminal === null) return undefined;
    for (const [index, pair] of terminalsOf(k).ptys) {
      if (pair.terminal === terminal)
        return {
          kind: 'chardev',
          open: (flags) => openSlave(k, index, flags | O_NOCTTY, ttyStat),
          stat: ttyStat,
        };
    }
  }
  return undefined;
}

/** The names terminalDevice always answers for, for listings of /dev. */
export const TERMINAL_DEVICE_NAMES = ['ptmx', 'pts'];
