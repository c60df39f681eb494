import { type Dirent, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { openNamespace } from '../ns-ioctl.js';
import { pathLink, type SyntheticNode, textFile } from './node.js';

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
 * control group, user namespace maps, login session, network namespace and standing with the
 * out-of-memory killer are the host process's (read-only: writing oom_score_adj or loginuid
 * would change them for the whole run).
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
    // The guest's TCP and UDP sockets are the host process's (Node's net and dgram) in the host's
    // network namespace: its interfaces, routes, counters and socket tables are what ifconfig,
    // route, netstat -tln and ss should see, as under qemu. The run's own AF_UNIX sockets live
    // in the emulator and are not in the host's unix table.
    net: () => hostProcDir('self/net'),
    // Every guest process is in the host process's namespaces: lsns and container checks read
    // these links, and stat them for the namespace's inode, as under qemu.
    ns: () => hostNamespaces(),
  };
}

/** /proc/PID/ns: the host process's namespace links ("pid:[4026531836]"…). */
function hostNamespaces(): SyntheticNode {
  const names = () => hostListing('self/ns').map((entry) => entry.name);
  return {
    kind: 'dir',
    mode: 0o511,
    entries: names,
    child: (name) => (names().includes(name) ? namespaceLink(name) : null),
  };
}

/**
 * One namespace link: readlink gives the host's name for the namespace; following it reaches the
 * namespace itself (a file of the kernel's nsfs), which stat describes and open opens, not a path.
 */
function namespaceLink(name: string): SyntheticNode {
  const host = `/proc/self/ns/${name}`;
  return {
    kind: 'link',
    target: () => readlinkSync(host),
    follow: () => ({
      object: {
        open: (flags) => openNamespace(name, flags),
        stat: () => statSync(host, { bigint: true }),
      },
    }),
  };
}

/** The entries of the host's /proc/`path` with their types; none where the host has none. */
function hostListing(path: string): Dirent[] {
  try {
    return readdirSync(`/proc/${path}`, { withFileTypes: true });
  } catch {
    return [];
  }
}

/**
 * A directory of the host's /proc as it stands when the guest looks: its files read when opened,
 * its subdirectories the same way. Empty where the host has none.
 */
function hostProcDir(path: string): SyntheticNode {
  const listing = () => hostListing(path);
  return {
    kind: 'dir',
    entries: () => listing().map((entry) => entry.name),
    child: (name) => {
      // Only names the directory lists: never ".." out of it.
      const entry = listing().find((e) => e.name === name);
      if (entry === undefined) return null;
      const inner = `${path}/${name}`;
      return entry.isDirectory() ? hostProcDir(inner) : textFile(() => hostProcText(inner, ''));
    },
  };
}

/**
 * Entries of /proc itself that are the host's: the kernel's command line, its cgroup controllers,
 * and `net`, the link to self/net.
 */
export function hostSystemEntries(): Record<string, () => SyntheticNode> {
  return {
    cmdline: hostProc('cmdline', '\n'),
    cgroups: hostProc('cgroups', '#subsys_name\thierarchy\tnum_cgroups\tenabled\n'),
    net: () => pathLink(() => 'self/net'),
  };
}
