import { closeSync, lstatSync, openSync, statSync } from 'node:fs';
import { E, errnoOf, fail } from './errno.js';
import { withGuestUmask } from './guest-umask.js';
import type { LinuxKernel } from './kernel.js';
import type { UnixName } from './socket-address.js';
import type { UnixSocket } from './unix-socket.js';

/** What name lookups need of the kernel. */
interface NameContext {
  readonly cwd: string;
  readonly umask: number;
  readonly paths: { toHost(guest: string, followFinal?: boolean): Buffer };
  guestPath(dirfd: number, path: string): string;
}

/**
 * The UNIX socket names of one run. Abstract names live here only (per run, as in a network
 * namespace of its own). A path name is a file made in the guest's file system through the
 * sysroot (so it can never be outside it) and found again by its inode, as the kernel finds a
 * socket by the inode a path leads to: a rename or a hard link keeps it reachable, and a path
 * whose socket was closed refuses connections.
 */
export class UnixNames {
  private readonly abstract = new Map<string, UnixSocket>();
  private readonly byInode = new Map<string, UnixSocket>();
  private readonly keys = new WeakMap<UnixSocket, string>();
  private autobind = 0;

  bind(k: NameContext, socket: UnixSocket, name: UnixName): UnixName {
    if (name.kind === 'unnamed' || name.kind === 'abstract') {
      const bound = name.kind === 'abstract' ? name : this.autobindName();
      const key = Buffer.from(bound.name).toString('latin1');
      if (this.abstract.has(key)) fail(E.EADDRINUSE);
      this.abstract.set(key, socket);
      this.keys.set(socket, `@${key}`);
      return bound;
    }
    const host = hostPath(k, name.path, false);
    let fd: number;
    try {
      fd = withGuestUmask(() => openSync(host, 'wx', 0o777 & ~k.umask));
    } catch (error) {
      if (errnoOf(error) === E.EEXIST) fail(E.EADDRINUSE);
      throw error;
    }
    closeSync(fd);
    const key = inodeKey(lstatSync(host, { bigint: true }));
    this.byInode.set(key, socket);
    this.keys.set(socket, key);
    return name;
  }

  /** The socket a name leads to: ECONNREFUSED when none is bound there. */
  find(k: NameContext, name: UnixName): UnixSocket {
    let found: UnixSocket | undefined;
    if (name.kind === 'abstract') found = this.abstract.get(Buffer.from(name.name).toString('latin1'));
    else if (name.kind === 'path') {
      const host = hostPath(k, name.path, true);
      found = this.byInode.get(inodeKey(statSync(host, { bigint: true })));
    } else fail(E.EINVAL);
    if (found === undefined || found.closed) fail(E.ECONNREFUSED);
    return found;
  }

  /** The socket was closed: an abstract name is free again; a path stays, refusing connections. */
  unbind(socket: UnixSocket): void {
    const key = this.keys.get(socket);
    if (key === undefined) return;
    if (key.startsWith('@')) this.abstract.delete(key.slice(1));
    else this.byInode.delete(key);
  }

  /** An unnamed socket bound to nothing gets "\0" and five hex digits, as the kernel's autobind. */
  private autobindName(): UnixName & { kind: 'abstract' } {
    for (;;) {
      const n = (this.autobind++ & 0xfffff).toString(16).padStart(5, '0');
      if (!this.abstract.has(n)) return { kind: 'abstract', name: Buffer.from(n, 'latin1') };
    }
  }
}

/** A socket path's host file, walked through the sysroot like every other path. */
function hostPath(k: NameContext, path: Uint8Array, follow: boolean): Buffer {
  if (path.length === 0) fail(E.ENOENT);
  const guest = k.guestPath(-100, Buffer.from(path).toString('latin1'));
  return k.paths.toHost(guest, follow);
}

function inodeKey(st: { dev: bigint; ino: bigint }): string {
  return `${st.dev}:${st.ino}`;
}

const registries = new WeakMap<object, UnixNames>();

/** The names of the run `k` belongs to. */
export function unixNamesOf(k: LinuxKernel): UnixNames {
  const owner = k.system ?? k;
  let names = registries.get(owner);
  if (!names) {
    names = new UnixNames();
    registries.set(owner, names);
  }
  return names;
}
