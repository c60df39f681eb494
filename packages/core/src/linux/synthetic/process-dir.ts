import { openSync, statSync } from 'node:fs';
import { E, fail } from '../errno.js';
import { OpenFile } from '../fd-table.js';
import type { LinuxKernel } from '../kernel.js';
import { hostOpenFlags, O_ACCMODE } from '../open-flags.js';
import type { GuestThread } from '../thread.js';
import { fdInfo, fdLink } from './fd-links.js';
import { hostProcessEntries } from './host-shared.js';
import { mountinfoText, mountsText } from './mounts.js';
import { bytesFile, fixedDir, pathLink, type SyntheticNode, textFile } from './node.js';
import { commOf, mapsText, statmText, statText, statusText } from './process-text.js';

/** Bytes of the process's memory between two addresses (argv, environment), empty when gone. */
function memoryBytes(p: LinuxKernel, start: number, end: number): Uint8Array {
  if (p.state !== 'alive' || end <= start) return new Uint8Array(0);
  try {
    return p.memory.readBytes(start, end - start);
  } catch {
    return new Uint8Array(0);
  }
}

function auxvBytes(p: LinuxKernel): Uint8Array {
  const pairs = p.layout?.auxv ?? [];
  const out = new DataView(new ArrayBuffer(pairs.length * 16));
  pairs.forEach(([key, value], i) => {
    out.setBigUint64(i * 16, BigInt(key), true);
    out.setBigUint64(i * 16 + 8, value, true);
  });
  return new Uint8Array(out.buffer);
}

const O_TRUNC = 0o1000;

/**
 * The host file behind /proc/PID/exe: the program by its guest path inside the root; a program
 * started from outside the root is reachable through this one link, read-only.
 */
function programHost(p: LinuxKernel): string | Buffer {
  return p.paths.contains(p.programHostPath) ? p.paths.toHost(p.programPath) : p.programHostPath;
}

/** /proc/PID/exe: the program's guest path; opened, the program itself, never for writing. */
function exeLink(p: LinuxKernel): SyntheticNode {
  return {
    kind: 'link',
    target: () => p.programPath,
    follow: () => ({
      object: {
        open: (flags) => {
          // A running program cannot be opened for writing (nor truncated): ETXTBSY.
          if ((flags & O_ACCMODE) !== 0 || flags & O_TRUNC) fail(E.ETXTBSY);
          const hostFd = openSync(programHost(p), hostOpenFlags(p.arch, flags));
          return new OpenFile(hostFd, p.programPath, programHost(p), flags, 'file', true);
        },
        stat: () => statSync(programHost(p), { bigint: true }),
        program: { host: programHost(p), guest: p.programPath },
      },
    }),
  };
}

/** A directory listing open descriptors by number, each entry made by `entry` (dr-x------). */
function fdDir(p: LinuxKernel, entry: (fd: number) => SyntheticNode | null): SyntheticNode {
  return {
    kind: 'dir',
    mode: 0o500,
    entries: () => p.fds.list().map(String),
    child: (name) => (/^(0|[1-9][0-9]*)$/.test(name) ? entry(Number(name)) : null),
  };
}

/**
 * The memory, files and identity of process `p` as `k` sees them: of the whole process through
 * its leader `t` in /proc/PID, of thread `t` alone in task/TID (`wholeProcess` false).
 */
function processEntries(
  k: LinuxKernel,
  p: LinuxKernel,
  t: GuestThread,
  wholeProcess: boolean,
): Record<string, () => SyntheticNode> {
  const layout = () => p.layout;
  return {
    exe: () => exeLink(p),
    cwd: () => pathLink(() => p.cwd),
    root: () => pathLink(() => '/'),
    fd: () => fdDir(p, (fd) => fdLink(k, p, fd)),
    fdinfo: () =>
      fdDir(p, (fd) => {
        const text = fdInfo(p, fd);
        return text === null ? null : textFile(() => text);
      }),
    cmdline: () => bytesFile(() => memoryBytes(p, layout()?.argStart ?? 0, layout()?.argEnd ?? 0)),
    environ: () => bytesFile(() => memoryBytes(p, layout()?.argEnd ?? 0, layout()?.envEnd ?? 0)),
    auxv: () => bytesFile(() => auxvBytes(p)),
    comm: () => textFile(() => `${commOf(p, t)}\n`),
    maps: () => bytesFile(() => Buffer.from(mapsText(p), 'latin1')),
    stat: () => textFile(() => statText(k, p, t, wholeProcess ? p.usage : t.usage)),
    statm: () => textFile(() => statmText(p)),
    status: () => textFile(() => statusText(k, p, t)),
    mounts: () => textFile(mountsText),
    mountinfo: () => textFile(() => mountinfoText(k)),
    limits: () => textFile(() => p.limits.text()),
    ...hostProcessEntries(),
  };
}

/** /proc/PID: the process's entries, and task/ with one directory per thread. */
export function processDir(k: LinuxKernel, p: LinuxKernel): SyntheticNode {
  const leader = p.threads[0] ?? p.thread;
  const task: SyntheticNode = {
    kind: 'dir',
    entries: () => p.threads.map((t) => String(t.tid)),
    child: (name) => {
      const t = p.threads.find((th) => String(th.tid) === name);
      return t ? fixedDir(processEntries(k, p, t, false)) : null;
    },
  };
  return fixedDir({ ...processEntries(k, p, leader, true), task: () => task });
}

/** The processes `k` can see, by pid: every process of its run (zombies included). */
export function visibleProcesses(k: LinuxKernel): Map<number, LinuxKernel> {
  if (k.system === null) return new Map([[k.pid, k]]);
  const out = new Map<number, LinuxKernel>();
  for (const [pid, p] of k.system.processes) if (p.state !== 'reaped') out.set(pid, p);
  return out;
}

/** A pid that is a thread of some process (/proc/TID works too, unlisted, as on Linux). */
export function processOfThread(k: LinuxKernel, id: number): LinuxKernel | undefined {
  const t = k.system?.thread(id);
  if (t) return t.process;
  return visibleProcesses(k).get(id);
}
