import type { BigIntStats } from 'node:fs';
import { E, fail } from '../errno.js';
import { OpenFile } from '../fd-table.js';
import type { LinuxKernel } from '../kernel.js';
import { POLLHUP, POLLIN, POLLOUT } from '../pipe.js';
import type { SpecialFile } from '../special-file.js';
import { syntheticStat } from '../synthetic-stat.js';
import { controllingTerminal, type PtyPair, processesOf, terminalsOf } from './registry.js';
import { Terminal } from './terminal.js';
import { TerminalFile } from './terminal-file.js';

/** devpts' anonymous device, and the character devices' majors: 136 for slaves, 5:2 for ptmx. */
const DEVPTS_DEV = 0x19n;
const PTS_MAJOR = 136;
const O_NOCTTY = 0o400;

function makedev(major: number, minor: number): bigint {
  return BigInt(((minor & 0xfff00) << 12) | ((major & 0xfff) << 8) | (minor & 0xff));
}

function deviceStat(ino: bigint, mode: bigint, rdev: bigint): BigIntStats {
  const time = BigInt(Date.now()) * 1_000_000n;
  return { ...syntheticStat(DEVPTS_DEV, ino, mode, time), rdev } as BigIntStats;
}

/** stat of /dev/pts/N as devpts mounted without options shows it: crw-------, the opener's. */
export function slaveStat(index: number): BigIntStats {
  return deviceStat(BigInt(index + 3), 0o20600n, makedev(PTS_MAJOR, index));
}

/** stat of /dev/tty (and of what opening it gives): crw-rw-rw-, 5:0. */
export function ttyStat(): BigIntStats {
  return { ...deviceStat(1n, 0o20666n, makedev(5, 0)), uid: 0n, gid: 0n } as BigIntStats;
}

/** stat of /dev/ptmx (and of a master descriptor): crw-rw-rw-, 5:2. */
export function ptmxStat(): BigIntStats {
  return { ...deviceStat(2n, 0o20666n, makedev(5, 2)), uid: 0n, gid: 0n } as BigIntStats;
}

/**
 * A pseudo-terminal's master (what opening /dev/ptmx gives): reads take what the slave side
 * showed, writes are typed at the slave (until its input buffers are full). Reads fail with EIO once every slave descriptor that
 * was opened is closed and nothing is left; closing the master hangs the slave up and frees
 * its number.
 */
export class PtyMaster implements SpecialFile, PtyPair {
  readonly name = '/dev/ptmx';
  readonly path = '/dev/ptmx';
  private shown: Uint8Array[] = [];
  private queued = 0;
  slaves = 0;
  slaveOpened = false;
  locked = true;
  readonly terminal: Terminal;

  constructor(
    k: LinuxKernel,
    readonly index: number,
    /** The run's pairs, which its release leaves. */
    private readonly pairs: Map<number, PtyPair>,
  ) {
    this.terminal = new Terminal(`/dev/pts/${index}`, processesOf(k), (bytes) => {
      if (bytes.length === 0) return;
      this.shown.push(bytes);
      this.queued += bytes.length;
    });
  }

  get activity(): number {
    return this.terminal.activity + this.queued;
  }

  /** Bytes shown and not read yet (FIONREAD on the master). */
  get queuedBytes(): number {
    return this.queued;
  }

  /** The slave side is closed after having been open: the kernel's TTY_OTHER_CLOSED. */
  private get otherClosed(): boolean {
    return this.slaveOpened && this.slaves === 0;
  }

  read(_k: LinuxKernel, want: number): Uint8Array | null {
    if (this.queued === 0) {
      if (this.otherClosed) fail(E.EIO);
      return null;
    }
    const out = new Uint8Array(Math.min(want, this.queued));
    let at = 0;
    while (at < out.length) {
      const chunk = this.shown[0];
      const n = Math.min(chunk.length, out.length - at);
      out.set(chunk.subarray(0, n), at);
      at += n;
      if (n === chunk.length) this.shown.shift();
      else this.shown[0] = chunk.subarray(n);
    }
    this.queued -= out.length;
    return out;
  }

  /**
   * Typed at the slave, as much as the buffers before its line discipline have room for: a
   * write when they are full waits (EAGAIN when non-blocking) until the slave side reads.
   */
  write(_k: LinuxKernel, bytes: Uint8Array): number | null {
    const room = this.terminal.typingRoom;
    if (room === 0) return null;
    const n = Math.min(room, bytes.length);
    this.terminal.type(bytes.subarray(0, n));
    return n;
  }

  poll(_k: LinuxKernel, events: number): number {
    const writable = this.terminal.typingRoom > 0 ? events & POLLOUT : 0;
    const ready = (this.queued > 0 ? events & POLLIN : 0) | writable;
    return this.otherClosed ? ready | POLLHUP : ready;
  }

  stat(): BigIntStats {
    return ptmxStat();
  }

  release(): void {
    this.terminal.hangUp();
    this.pairs.delete(this.index);
  }
}

/** open("/dev/ptmx"): a new pair, its slave locked until TIOCSPTLCK unlocks it. */
export function openPtmx(k: LinuxKernel, flags: number): OpenFile {
  const registry = terminalsOf(k);
  const index = registry.freeIndex();
  const master = new PtyMaster(k, index, registry.ptys);
  registry.ptys.set(index, master);
  return OpenFile.forSpecial(master, flags & ~O_NOCTTY & ~0o2000000);
}

/**
 * open("/dev/pts/N"): the slave of pair N (EIO while it is locked). A session leader without a
 * controlling terminal that opens it without O_NOCTTY makes it its own, as tty_open does.
 */
export function openSlave(
  k: LinuxKernel,
  index: number,
  flags: number,
  statOf: () => BigIntStats = () => slaveStat(index),
): OpenFile {
  const master = terminalsOf(k).ptys.get(index);
  if (master === undefined) fail(E.ENOENT);
  if (master.locked || master.terminal.hungUp) fail(E.EIO);
  const terminal = master.terminal;
  if (
    !(flags & O_NOCTTY) &&
    k.sid === k.pid &&
    terminal.session === null &&
    controllingTerminal(k) === null
  ) {
    terminal.session = k.sid;
    terminal.foreground = k.pgid;
  }
  master.slaves++;
  master.slaveOpened = true;
  const file = new TerminalFile(terminal, statOf, () => {
    master.slaves--;
    terminal.activity++;
  });
  return OpenFile.forSpecial(file, flags & ~O_NOCTTY & ~0o2000000);
}
