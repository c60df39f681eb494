import { readFileSync } from 'node:fs';

/** The capabilities the kernel checks for the calls the guest makes (linux/capability.h). */
export const CAP = {
  KILL: 5,
  SETGID: 6,
  SETUID: 7,
  IPC_OWNER: 15,
  SYS_ADMIN: 21,
  SYS_RESOURCE: 24,
  MKNOD: 27,
} as const;

/** Every capability of the kernels this emulates (0 to CAP_CHECKPOINT_RESTORE, 40). */
const ALL = (1n << 41n) - 1n;

/**
 * The file-system capabilities, which follow the fs uid to and from 0 (CAP_FS_SET: CHOWN,
 * DAC_OVERRIDE, DAC_READ_SEARCH, FOWNER, FSETID, LINUX_IMMUTABLE, MKNOD, MAC_OVERRIDE).
 */
const FS_MASK = [0n, 1n, 2n, 3n, 4n, 9n, 27n, 32n].reduce((m, c) => m | (1n << c), 0n);

/** The five capability sets of a process, as /proc/PID/status names them. */
export interface CapabilitySets {
  inheritable: bigint;
  permitted: bigint;
  effective: bigint;
  bounding: bigint;
  ambient: bigint;
  /** PR_SET_KEEPCAPS: leaving uid 0 keeps the permitted set (cleared by execve). */
  keepCaps: boolean;
}

/**
 * The host process's sets, from its /proc/self/status, so the guest is as privileged as the
 * emulator's process (a container's root may lack some); without them, root has them all.
 */
export function hostCapabilities(euid: number): CapabilitySets {
  try {
    const status = readFileSync('/proc/self/status', 'latin1');
    const set = (name: string): bigint => {
      const m = status.match(new RegExp(`^${name}:\\s*([0-9a-f]+)$`, 'm'));
      if (!m) throw new Error(`no ${name}`);
      return BigInt(`0x${m[1]}`);
    };
    return {
      inheritable: set('CapInh'),
      permitted: set('CapPrm'),
      effective: set('CapEff'),
      bounding: set('CapBnd'),
      ambient: set('CapAmb'),
      keepCaps: false,
    };
  } catch {
    const root = euid === 0 ? ALL : 0n;
    return { inheritable: 0n, permitted: root, effective: root, bounding: ALL, ambient: 0n, keepCaps: false };
  }
}

export function has(sets: CapabilitySets, cap: number): boolean {
  return ((sets.effective >> BigInt(cap)) & 1n) === 1n;
}

interface UserIds {
  readonly real: number;
  readonly effective: number;
  readonly saved: number;
  readonly fs: number;
}

/**
 * What a change of user ids does to the sets (the kernel's cap_emulate_setxuid): leaving uid 0
 * in all of real, effective and saved drops every capability for good (the permitted set stays
 * under PR_SET_KEEPCAPS); an effective uid leaving 0 clears the effective set, and one coming back
 * to 0 restores it from the permitted set.
 */
export function afterUidChange(sets: CapabilitySets, old: UserIds, now: UserIds): void {
  const anyRoot = (ids: UserIds) => ids.real === 0 || ids.effective === 0 || ids.saved === 0;
  if (anyRoot(old) && !anyRoot(now)) {
    if (!sets.keepCaps) {
      sets.permitted = 0n;
      sets.effective = 0n;
    }
    sets.ambient = 0n;
  }
  if (old.effective === 0 && now.effective !== 0) sets.effective = 0n;
  if (old.effective !== 0 && now.effective === 0) sets.effective = sets.permitted;
}

/** setfsuid: the file-system capabilities leave with an fs uid of 0 and come back with it. */
export function afterFsUidChange(sets: CapabilitySets, oldFs: number, newFs: number): void {
  if (oldFs !== 0 && newFs === 0) sets.effective |= sets.permitted & FS_MASK;
  if (oldFs === 0 && newFs !== 0) sets.effective &= ~FS_MASK;
}

/** How an exec changes ids (see `capabilitiesAtExec`). */
export interface ExecIdChange {
  /** The effective uid or gid now differs from the old real one: a privilege-raising exec. */
  readonly setId: boolean;
  /** The effective uid differs from the old one, or the effective gid is not one of the old groups. */
  readonly changed: boolean;
}

/**
 * execve of a file without file capabilities (the kernel's cap_bprm_creds_from_file, as of
 * Linux 6.16), after the effective ids took the file's set-id bits: a real or effective uid of
 * 0 gets the bounding and inheritable sets as permitted ones, effective only with an effective
 * uid of 0; anyone else keeps the ambient set alone. Ids that changed clear the ambient set, and
 * under no_new_privs take back the effective ids and any capability the process did not have.
 * Returns whether the exec raised privilege (AT_SECURE).
 */
export function capabilitiesAtExec(
  sets: CapabilitySets,
  user: { real: number; effective: number },
  group: { real: number; effective: number },
  ids: ExecIdChange,
  noNewPrivs: boolean,
): boolean {
  const oldPermitted = sets.permitted;
  sets.keepCaps = false;
  let permitted = user.real === 0 || user.effective === 0 ? sets.bounding | sets.inheritable : 0n;
  const effective = user.effective === 0;
  if (noNewPrivs && (ids.changed || (permitted & ~oldPermitted) !== 0n)) {
    user.effective = user.real;
    group.effective = group.real;
    permitted &= oldPermitted;
  }
  if (ids.changed) sets.ambient = 0n;
  sets.permitted = permitted | sets.ambient;
  sets.effective = effective ? sets.permitted : sets.ambient;
  return (
    ids.changed || ids.setId || (user.real !== 0 && (effective || (sets.permitted & ~sets.ambient) !== 0n))
  );
}
