import { readFileSync } from 'node:fs';
import { type SyntheticNode, textFile } from './node.js';

/** The text of the host's /proc/`path`; `fallback` where the host has none. */
export function hostProcText(path: string, fallback: string): string {
  try {
    return readFileSync(`/proc/${path}`, 'latin1');
  } catch {
    return fallback;
  }
}

/**
 * A file of the host's /proc, read when the guest opens it. For what every guest process shares
 * with the host process it lives in, this is the truth, and what a program under qemu reads too
 * (qemu passes these files through).
 */
function hostProc(path: string, fallback: string): () => SyntheticNode {
  return () => textFile(() => hostProcText(path, fallback));
}

const UNSET_ID = '4294967295';
const IDENTITY_MAP = '         0          0 4294967295\n';

/**
 * /proc/PID entries that are the host process's own: every guest process lives in it, so its
 * control group, user namespace maps, login session and standing with the out-of-memory killer
 * are the host process's (read-only: writing oom_score_adj or loginuid would change them for the
 * whole run).
 */
export function hostProcessEntries(): Record<string, () => SyntheticNode> {
  return {
    cgroup: hostProc('self/cgroup', '0::/\n'),
    uid_map: hostProc('self/uid_map', IDENTITY_MAP),
    gid_map: hostProc('self/gid_map', IDENTITY_MAP),
    setgroups: hostProc('self/setgroups', 'allow\n'),
    loginuid: hostProc('self/loginuid', UNSET_ID),
    sessionid: hostProc('self/sessionid', UNSET_ID),
    oom_score: hostProc('self/oom_score', '0\n'),
    oom_score_adj: hostProc('self/oom_score_adj', '0\n'),
    oom_adj: hostProc('self/oom_adj', '0\n'),
  };
}

/** Entries of /proc itself that are the host's: the kernel's command line and its cgroup controllers. */
export function hostSystemEntries(): Record<string, () => SyntheticNode> {
  return {
    cmdline: hostProc('cmdline', '\n'),
    cgroups: hostProc('cgroups', '#subsys_name\thierarchy\tnum_cgroups\tenabled\n'),
  };
}
