import { fstatSync, openSync, readlinkSync } from 'node:fs';
import { E, fail } from '../errno.js';
import { OpenFile } from '../fd-table.js';
import { directoryPath } from '../guest-paths.js';
import type { LinuxKernel } from '../kernel.js';
import { hostOpenFlags, O_ACCMODE } from '../open-flags.js';
import { pipeStat } from '../pipe.js';
import { isSocket, socketStat } from '../socket.js';
import { anonymousStat } from '../special-file.js';
import type { SyntheticNode } from './node.js';

/** What the host says an emulator descriptor is: "/path", "pipe:[N]", "socket:[N]"…, or null. */
function hostLink(hostFd: number): string | null {
  try {
    return readlinkSync(`/proc/self/fd/${hostFd}`, { encoding: 'buffer' }).toString('latin1');
  } catch {
    return null;
  }
}

/**
 * readlink of /proc/PID/fd/N: the guest path of a file inside the root (where it is now), the
 * kernel's "pipe:[N]", "socket:[N]" and "anon_inode:[eventfd]" names, or — for a file the run was given from
 * outside the root (its stdio) — the name the kernel shows for a file outside a process's root.
 */
function fdTarget(k: LinuxKernel, file: OpenFile): string {
  if (file.pipe) return file.guestPath ?? `pipe:[${file.pipe.buffer.inode}]`; // a FIFO shows its path
  if (isSocket(file.special)) return file.special.name;
  if (file.special?.path !== undefined) return file.special.path;
  if (file.special) return `anon_inode:${file.special.name}`;
  if (file.synthetic !== null) return file.synthetic;
  if (file.memfd !== null) return file.memfd.link;
  const host = hostLink(file.hostFd);
  if (host === null) return file.guestPath ?? '/';
  return host.startsWith('/') ? k.paths.toGuest(Buffer.from(host, 'latin1')) : host;
}

/** A new description of what `file` is, as opening its /proc link does. */
function reopen(k: LinuxKernel, file: OpenFile, flags: number): OpenFile {
  if (file.pipe) {
    const mode = flags & O_ACCMODE;
    const end = mode === 0 ? 'read' : mode === 1 ? 'write' : 'both';
    return OpenFile.forPipe({ buffer: file.pipe.buffer, end }, flags & (O_ACCMODE | 0o4000));
  }
  if (file.special || file.hostFd < 0) fail(E.ENXIO);
  // The host's own link reopens the same file, wherever it is (the kernel's magic link).
  const hostFd = openSync(`/proc/self/fd/${file.hostFd}`, hostOpenFlags(k.arch, flags));
  const kind = fstatSync(hostFd).isFile() ? 'file' : 'stream';
  const reopened = new OpenFile(hostFd, null, null, flags, kind, true);
  reopened.memfd = file.memfd; // the same memfd, its seals included
  return reopened;
}

/**
 * /proc/PID/fd/N of process `p`, seen by `k`. Following it goes to the file's guest path when it
 * has one inside the root (so the walk stays inside), else to the open file itself, which can be
 * opened and stat'ed but never walked through.
 */
export function fdLink(k: LinuxKernel, p: LinuxKernel, fd: number): SyntheticNode | null {
  if (!p.fds.has(fd)) return null;
  const file = p.fds.get(fd);
  return {
    kind: 'link',
    target: () => fdTarget(p, file),
    follow: () => {
      if (file.synthetic !== null) return { path: file.synthetic };
      if (file.kind === 'directory' && file.guestPath !== null) return { path: directoryPath(p, file) };
      if (file.guestPath !== null && file.hostFd >= 0) {
        const host = hostLink(file.hostFd);
        if (
          host?.startsWith('/') &&
          !host.endsWith(' (deleted)') &&
          k.paths.contains(Buffer.from(host, 'latin1'))
        )
          return { path: k.paths.toGuest(Buffer.from(host, 'latin1')) };
      }
      return {
        object: {
          open: (flags) => reopen(k, file, flags),
          stat: () =>
            file.pipe
              ? pipeStat(file.pipe.buffer)
              : isSocket(file.special)
                ? socketStat(file.special.inode)
                : file.special?.stat
                  ? file.special.stat()
                  : file.special || file.hostFd < 0
                    ? anonymousStat()
                    : fstatSync(file.hostFd, { bigint: true }),
        },
      };
    },
  };
}

/** /proc/PID/fdinfo/N: offset, flags (octal, close-on-exec included) and mount id. */
export function fdInfo(p: LinuxKernel, fd: number): string | null {
  if (!p.fds.has(fd)) return null;
  const file = p.fds.get(fd);
  const flags = file.statusFlags | (p.fds.getCloexec(fd) ? 0o2000000 : 0);
  return `pos:\t${file.position ?? 0}\nflags:\t0${flags.toString(8)}\nmnt_id:\t1\n`;
}
