/** The CLONE_NEW* flag of each kind of namespace (clone, unshare, setns, NS_GET_NSTYPE). */
export const CLONE_NEW = {
  cgroup: 0x02000000,
  ipc: 0x08000000,
  mnt: 0x00020000,
  net: 0x40000000,
  pid: 0x20000000,
  time: 0x00000080,
  user: 0x10000000,
  uts: 0x04000000,
} as const;

/** Every CLONE_NEW* flag. */
export const ALL_NAMESPACES = Object.values(CLONE_NEW).reduce((all: number, flag: number) => all | flag, 0);
