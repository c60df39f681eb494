import type { LinuxKernel } from '../kernel.js';
import type { SyntheticNode } from './node.js';
import { processOfThread } from './process-dir.js';

/** prctl(PR_SET_DUMPABLE)'s ordinary mode; anything else makes a process's /proc files root's. */
const SUID_DUMP_USER = 1;
/** The mode the kernel keeps a process's effective ids on even when it is not dumpable. */
const WORLD_DIRECTORY = 0o555;

/**
 * Who owns /proc/PID and what is under it, as the kernel's task_dump_owner says: the process's
 * effective user and group; root when it is not dumpable (after a change of identity, or
 * prctl(PR_SET_DUMPABLE, 0)) or has ended — except for the world-readable directories
 * (/proc/PID itself, task/, task/TID), which keep the effective ids so that `ps` can tell whose
 * a process is. Null for paths outside /proc/PID.
 */
export function procOwner(
  k: LinuxKernel,
  canonical: string,
  node: SyntheticNode,
): { uid: bigint; gid: bigint } | null {
  const match = /^\/proc\/([1-9][0-9]*)(?:\/|$)/.exec(canonical);
  if (match === null) return null;
  const p = processOfThread(k, Number(match[1]));
  if (p === undefined) return null;
  const worldDirectory = node.kind === 'dir' && (node.mode ?? WORLD_DIRECTORY) === WORLD_DIRECTORY;
  if (!worldDirectory && (p.dumpable !== SUID_DUMP_USER || p.state !== 'alive')) return { uid: 0n, gid: 0n };
  return { uid: BigInt(p.credentials.user.effective), gid: BigInt(p.credentials.group.effective) };
}
