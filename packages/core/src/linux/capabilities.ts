import { readFileSync } from 'node:fs';

/** The capabilities the kernel checks for the calls the guest makes (linux/capability.h). */
export const CAP = {
  KILL: 5,
  SETGID: 6,
  SETUID: 7,
  SYS_RESOURCE: 24,
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
    };
  } catch {
    const root = euid === 0 ? ALL : 0n;
    return { inheritable: 0n, permitted: root, effective: root, bounding: ALL, ambient: 0n };
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
 * in all of real, effective and saved drops every capability for good; an effective uid leaving
 * 0 clears the effective set, and one coming back to 0 restores it from the permitted set.
 */
export function afterUidChange(sets: CapabilitySets, old: UserIds, now: UserIds): void {
  const anyRoot = (ids: UserIds) => ids.real === 0 || ids.effective === 0 || ids.saved === 0;
  if (anyRoot(old) && !anyRoot(now)) {
    sets.permitted = 0n;
    sets.effective = 0n;
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

/**
 * execve of a file without capabilities or set-id bits: a real or effective uid of 0 gets the
 * bounding and inheritable sets as permitted ones, effective only with an effective uid of 0;
 * anyone else keeps the ambient set alone.
 */
export function afterExec(sets: CapabilitySets, ids: UserIds): void {
  const root = ids.real === 0 || ids.effective === 0;
  sets.permitted = (root ? sets.bounding | sets.inheritable : 0n) | sets.ambient;
  sets.effective = ids.effective === 0 ? sets.permitted : sets.ambient;
}
