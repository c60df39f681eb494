import { uptime } from 'node:os';
import { basename } from 'node:path';
import type { CpuUsage } from '../cpu-usage.js';
import type { LinuxKernel } from '../kernel.js';
import { SIG_DFL, SIG_IGN } from '../signal-state.js';
import type { GuestThread } from '../thread.js';

/** USER_HZ: the unit of the times in /proc/PID/stat and /proc/stat. */
export const CLOCK_TICKS = 100;
const PAGE = 4096;

/** The parent's pid as getppid answers it: the host process that started the run for the first one, init for orphans. */
export function parentPid(p: LinuxKernel): number {
  return p.parent?.pid ?? (p.system?.isFirst(p) ? process.ppid : 1);
}

/** The name /proc/PID/comm shows: prctl's, else the program's file name, at most 15 bytes. */
export function commOf(p: LinuxKernel, t: GuestThread): string {
  return (t.name || basename(p.programPath)).slice(0, 15);
}

/** When the process started, in clock ticks since the host booted (as /proc/PID/stat's starttime). */
export function startTicks(p: LinuxKernel): number {
  return Math.floor((uptime() - (Date.now() - p.startedAt) / 1000) * CLOCK_TICKS);
}

function stateOf(viewer: LinuxKernel, p: LinuxKernel, t: GuestThread): [string, string] {
  if (p.state !== 'alive') return ['Z', 'zombie'];
  if (p.stopped) return ['T', 'stopped'];
  if (viewer.thread === t || t.state === 'runnable') return ['R', 'running'];
  return ['S', 'sleeping'];
}

/** Mapped memory in pages: all of it (VmSize), and what has pages behind it (VmRSS). */
function memoryPages(p: LinuxKernel): { size: number; resident: number } {
  let size = 0;
  let resident = 0;
  if (p.state !== 'alive') return { size, resident };
  for (const r of p.memory.regions()) {
    const pages = (r.end - r.start) / PAGE;
    size += pages;
    if (r.prot !== 0) resident += pages;
  }
  return { size, resident };
}

/** The mask of signals whose disposition `which` picks. */
function dispositionMask(p: LinuxKernel, which: (handler: bigint) => boolean): bigint {
  let mask = 0n;
  for (let signo = 1; signo <= 64; signo++)
    if (which(p.signals.action(signo).handler)) mask |= 1n << BigInt(signo - 1);
  return mask;
}

const hex16 = (v: bigint) => v.toString(16).padStart(16, '0');
const kb = (pages: number) => `${String(pages * 4).padStart(8)} kB`;

/** /proc/PID/status (and task/TID/status) as the kernel prints it. */
export function statusText(viewer: LinuxKernel, p: LinuxKernel, t: GuestThread): string {
  const [state, stateName] = stateOf(viewer, p, t);
  const { user, group, groups, caps } = p.credentials;
  const ids = (i: typeof user) => `${i.real}\t${i.effective}\t${i.saved}\t${i.fs}`;
  const { size, resident } = memoryPages(p);
  const lines: [string, string | number][] = [
    ['Name', commOf(p, t)],
    ['Umask', p.umask.toString(8).padStart(4, '0')],
    ['State', `${state} (${stateName})`],
    ['Tgid', p.pid],
    ['Ngid', 0],
    ['Pid', t.tid],
    ['PPid', parentPid(p)],
    ['TracerPid', 0],
    ['Uid', ids(user)],
    ['Gid', ids(group)],
    ['FDSize', 64],
    ['Groups', `${groups.join(' ')} `], // the kernel's trailing space
    ['NStgid', p.pid],
    ['NSpid', t.tid],
    ['NSpgid', p.pgid],
    ['NSsid', p.sid],
    ['VmPeak', kb(size)],
    ['VmSize', kb(size)],
    ['VmLck', kb(0)],
    ['VmPin', kb(0)],
    ['VmHWM', kb(resident)],
    ['VmRSS', kb(resident)],
    ['RssAnon', kb(resident)],
    ['RssFile', kb(0)],
    ['RssShmem', kb(0)],
    ['VmSwap', kb(0)],
    ['Threads', p.threads.length],
    ['SigQ', '0/63796'],
    ['SigPnd', hex16(p.state === 'alive' ? t.pending.bits : 0n)],
    ['ShdPnd', hex16(p.state === 'alive' ? p.signals.shared.bits : 0n)],
    ['SigBlk', hex16(t.mask)],
    ['SigIgn', hex16(dispositionMask(p, (h) => h === SIG_IGN))],
    ['SigCgt', hex16(dispositionMask(p, (h) => h !== SIG_IGN && h !== SIG_DFL))],
    ['CapInh', hex16(caps.inheritable)],
    ['CapPrm', hex16(caps.permitted)],
    ['CapEff', hex16(caps.effective)],
    ['CapBnd', hex16(caps.bounding)],
    ['CapAmb', hex16(caps.ambient)],
    ['NoNewPrivs', 0],
    ['Seccomp', 0],
    ['Cpus_allowed', 1],
    ['Cpus_allowed_list', 0],
    ['voluntary_ctxt_switches', 0],
    ['nonvoluntary_ctxt_switches', 0],
  ];
  return lines.map(([name, value]) => `${name}:\t${value}\n`).join('');
}

/** Microseconds of CPU time as clock ticks. */
const ticks = (us: number) => Math.floor((us * CLOCK_TICKS) / 1e6);

/**
 * /proc/PID/stat: the 52 fields procps and glibc read, in the kernel's order. `usage` is the
 * CPU time it shows: the whole process's in /proc/PID/stat, one thread's in task/TID/stat.
 */
export function statText(viewer: LinuxKernel, p: LinuxKernel, t: GuestThread, usage: CpuUsage): string {
  const [state] = stateOf(viewer, p, t);
  const { size, resident } = memoryPages(p);
  const layout = p.layout;
  const brk = p.memory.brkRange;
  const fields: (string | number | bigint)[] = [
    t.tid,
    `(${commOf(p, t)})`,
    state,
    parentPid(p),
    p.pgid,
    p.sid,
    0, // tty_nr
    -1, // tpgid
    4194304, // flags: PF_RANDOMIZE
    0,
    0,
    0,
    0, // faults
    ticks(usage.userUs),
    ticks(usage.systemUs),
    ticks(p.childUsage.userUs),
    ticks(p.childUsage.systemUs),
    20, // priority
    0, // nice
    p.threads.length,
    0, // itrealvalue
    startTicks(p),
    size * PAGE,
    resident,
    '18446744073709551615', // rsslim
    0,
    0,
    0,
    0,
    0, // startcode endcode startstack kstkesp kstkeip
    0n, // signal: pending (shared)
    t.mask,
    dispositionMask(p, (h) => h === SIG_IGN),
    dispositionMask(p, (h) => h !== SIG_IGN && h !== SIG_DFL),
    0,
    0,
    0, // wchan nswap cnswap
    p.exitSignal,
    0, // processor
    0,
    0,
    0,
    0,
    0, // rt_priority policy blkio guest_time cguest_time
    0,
    0, // start_data end_data
    brk.start,
    layout?.argStart ?? 0,
    layout?.argEnd ?? 0,
    layout?.argEnd ?? 0,
    layout?.envEnd ?? 0,
    p.state === 'alive' ? 0 : p.waitStatus,
  ];
  return `${fields.join(' ')}\n`;
}

/** /proc/PID/statm: sizes in pages. */
export function statmText(p: LinuxKernel): string {
  const { size, resident } = memoryPages(p);
  return `${size} ${resident} 0 0 0 ${resident} 0\n`;
}

const hex8 = (v: number) => v.toString(16).padStart(8, '0');
const hex2 = (v: number) => v.toString(16).padStart(2, '0');

/**
 * /proc/PID/maps from the page table: runs of pages with one protection, split where the name
 * changes (the program's images, mapped files, [heap], [stack]).
 */
export function mapsText(p: LinuxKernel): string {
  if (p.state !== 'alive') return '';
  const memory = p.memory;
  const names = memory.names;
  const brk = memory.brkRange;
  const heapStart = Math.ceil(brk.start / PAGE) * PAGE;
  const heapEnd = Math.ceil(brk.end / PAGE) * PAGE;
  const lines: string[] = [];
  for (const r of memory.regions()) {
    for (let at = r.start; at < r.end; ) {
      const named = names.at(at);
      const inHeap = heapEnd > heapStart && at >= heapStart && at < heapEnd;
      let end = Math.min(r.end, named ? named.end : names.nextStart(at));
      if (!named && inHeap) end = Math.min(end, heapEnd);
      else if (!named && at < heapStart) end = Math.min(end, heapStart);
      const kind = memory.sharedRanges.overlaps(at, at + 1) ? 's' : 'p';
      const perms = `${r.prot & 1 ? 'r' : '-'}${r.prot & 2 ? 'w' : '-'}${r.prot & 4 ? 'x' : '-'}${kind}`;
      const offset = named ? named.offset + (at - named.start) : 0;
      const [major, minor] = named?.device ?? [0, 0];
      const head = `${hex8(at)}-${hex8(end)} ${perms} ${hex8(offset)} ${hex2(major)}:${hex2(minor)} ${named?.inode ?? 0}`;
      const name = named?.name ?? (inHeap ? '[heap]' : '');
      lines.push(name === '' ? head : `${head.padEnd(72)} ${Buffer.from(name, 'latin1').toString('latin1')}`);
      at = end;
    }
  }
  return lines.map((l) => `${l}\n`).join('');
}
