import type { BigIntStats } from 'node:fs';
import type { LinuxKernel } from '../kernel.js';
import type { Terminal } from './terminal.js';

/** A pseudo-terminal pair as the registry knows it. */
export interface PtyPair {
  readonly terminal: Terminal;
  /** TIOCSPTLCK: the slave cannot be opened while locked (a new pair is). */
  locked: boolean;
  /** Slave descriptions open now, and whether one ever was. */
  slaves: number;
  slaveOpened: boolean;
}

/** What one run's terminals are: its pseudo-terminals by index, and the host's terminal if any. */
export class TerminalRegistry {
  /** Pseudo-terminal pairs by their /dev/pts number. */
  readonly ptys = new Map<number, PtyPair>();
  /** The host's terminal the guest was given as its stdio, if it was given one. */
  host: Terminal | null = null;
  /**
   * Stops the host process until its shell continues it (the run's own job took a stop
   * signal), giving the terminal back meanwhile; null when the host cannot be suspended.
   */
  suspendHost: (() => void) | null = null;
  /** What fstat says of the host's terminal (its device). */
  hostStat: () => BigIntStats = () => {
    throw new Error('no host terminal');
  };

  /** The lowest free /dev/pts number (the host terminal's, when it is one, is taken). */
  freeIndex(): number {
    let n = 0;
    while (this.ptys.has(n) || n === this.hostIndex()) n++;
    return n;
  }

  /** The /dev/pts number of the host's terminal, when it is a pseudo-terminal. */
  hostIndex(): number | null {
    const match = this.host ? /^\/dev\/pts\/(0|[1-9][0-9]*)$/.exec(this.host.path) : null;
    return match ? Number(match[1]) : null;
  }

  all(): Terminal[] {
    const list = [...this.ptys.values()].map((p) => p.terminal);
    return this.host ? [this.host, ...list] : list;
  }
}

const registries = new WeakMap<object, TerminalRegistry>();

/** The terminals of `k`'s run (of `k` alone when it runs without a system). */
export function terminalsOf(k: LinuxKernel): TerminalRegistry {
  const key = k.system ?? k;
  let registry = registries.get(key);
  if (registry === undefined) {
    registry = new TerminalRegistry();
    registries.set(key, registry);
  }
  return registry;
}

/** The processes of `k`'s run, which a terminal's signals may reach. */
export function processesOf(k: LinuxKernel): () => Iterable<LinuxKernel> {
  const system = k.system;
  return () => (system ? system.processes.values() : [k]);
}

/**
 * `k`'s controlling terminal: the one its session holds (a session gets one by TIOCSCTTY, or
 * from the run when the host's terminal is its stdio; setsid starts a session without one),
 * unless `k` gave it up with TIOCNOTTY.
 */
export function controllingTerminal(k: LinuxKernel): Terminal | null {
  if (k.leftTerminalOf === k.sid) return null;
  return (
    terminalsOf(k)
      .all()
      .find((t) => t.session === k.sid) ?? null
  );
}
