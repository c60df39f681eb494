import { OpenFile } from '../fd-table.js';
import type { LinuxKernel } from '../kernel.js';
import type { SyntheticNode } from '../synthetic/node.js';
import { openPtmx, openSlave, ptmxStat, slaveStat, ttyStat } from './pty.js';
import { controllingTerminal, terminalsOf } from './registry.js';
import { TerminalFile } from './terminal-file.js';

const O_NOCTTY = 0o400;

/** /dev/pts/N of an open pair, as `k` sees it. */
function slaveNode(k: LinuxKernel, index: number): SyntheticNode {
  return { kind: 'chardev', open: (flags) => openSlave(k, index, flags), stat: () => slaveStat(index) };
}

/** The host's terminal, given to the run as its stdio: opening it makes another description. */
function hostNode(k: LinuxKernel): SyntheticNode | null {
  const registry = terminalsOf(k);
  const host = registry.host;
  if (host === null) return null;
  return {
    kind: 'chardev',
    open: (flags) => OpenFile.forSpecial(new TerminalFile(host, registry.hostStat), flags & ~0o2000400),
    stat: registry.hostStat,
  };
}

/** devpts: a directory of the run's pseudo-terminals that are open, and the host's terminal. */
function ptsDirectory(k: LinuxKernel): SyntheticNode {
  const registry = terminalsOf(k);
  return {
    kind: 'dir',
    entries: () => {
      const host = registry.hostIndex();
      const all = [...registry.ptys.keys(), ...(host === null ? [] : [host])];
      return all.sort((a, b) => a - b).map(String);
    },
    child: (name) => {
      if (!/^(0|[1-9][0-9]*)$/.test(name)) return null;
      const index = Number(name);
      if (index === registry.hostIndex()) return hostNode(k);
      return registry.ptys.has(index) ? slaveNode(k, index) : null;
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
    if (terminal === terminalsOf(k).host) return hostNode(k) ?? undefined;
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
