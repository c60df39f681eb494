import { readFileSync } from 'node:fs';
import {
  afterFsUidChange,
  afterUidChange,
  CAP,
  type CapabilitySets,
  capabilitiesAtExec,
  has,
  hostCapabilities,
} from './capabilities.js';
import { E, fail } from './errno.js';

/** uid_t/gid_t -1: "leave this one as it is" (and never a valid id). */
export const UNCHANGED = 0xffffffff;

/** The real, effective, saved and file-system ids of one kind (user or group). */
export interface Ids {
  real: number;
  effective: number;
  saved: number;
  fs: number;
}

/** Which ids a call changes: the user ids need CAP_SETUID and move capabilities, groups CAP_SETGID. */
export type IdKind = 'user' | 'group';

function idsOf(real: number, effective: number): Ids {
  return { real, effective, saved: effective, fs: effective };
}

/**
 * The host process's supplementary groups, from /proc/self/status (Node's getgroups adds the
 * effective gid to them).
 */
function hostGroups(): number[] {
  try {
    const line = readFileSync('/proc/self/status', 'latin1').match(/^Groups:(.*)$/m);
    if (line) return line[1].trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {}
  return process.getgroups?.() ?? [];
}

/**
 * A process's credentials as the set*id calls change them, with the kernel's rules. They start
 * as the host process's, are inherited by children, and are what the get*id calls, signals and
 * /proc report. The host's own identity never changes (one host process runs every guest
 * process), so the host's permissions still decide which files the guest may touch.
 */
export class Credentials {
  private constructor(
    readonly user: Ids,
    readonly group: Ids,
    public groups: number[],
    readonly caps: CapabilitySets,
  ) {}

  /** The host process's. */
  static ofHost(): Credentials {
    const euid = process.geteuid?.() ?? 0;
    return new Credentials(
      idsOf(process.getuid?.() ?? 0, euid),
      idsOf(process.getgid?.() ?? 0, process.getegid?.() ?? 0),
      hostGroups(),
      hostCapabilities(euid),
    );
  }

  copy(): Credentials {
    return new Credentials({ ...this.user }, { ...this.group }, [...this.groups], { ...this.caps });
  }

  /** Whether the process holds capability `cap` (CAP.*) in its effective set. */
  capable(cap: number): boolean {
    return has(this.caps, cap);
  }

  /** setuid/setgid: every id when privileged, else the effective one back to the real or saved. */
  set(kind: IdKind, id: number): void {
    if (id === UNCHANGED) fail(E.EINVAL);
    this.change(kind, (ids) => {
      if (this.privileged(kind)) {
        ids.real = ids.saved = id;
      } else if (id !== ids.real && id !== ids.saved) {
        fail(E.EPERM);
      }
      ids.effective = ids.fs = id;
    });
  }

  /**
   * setreuid/setregid: the real id to the real or effective one, the effective id to any of the
   * three; the saved id follows the effective one when the real id is given or the effective
   * one moves off the old real id.
   */
  setRealEffective(kind: IdKind, real: number, effective: number): void {
    this.change(kind, (ids) => {
      const privileged = this.privileged(kind);
      const old = { ...ids };
      if (real !== UNCHANGED && !privileged && real !== old.real && real !== old.effective) fail(E.EPERM);
      if (effective !== UNCHANGED && !privileged && !isOneOf(effective, old)) fail(E.EPERM);
      if (real !== UNCHANGED) ids.real = real;
      if (effective !== UNCHANGED) ids.effective = effective;
      if (real !== UNCHANGED || (effective !== UNCHANGED && effective !== old.real))
        ids.saved = ids.effective;
      ids.fs = ids.effective;
    });
  }

  /** setresuid/setresgid: unprivileged, each new id must be one of the three current ones. */
  setRealEffectiveSaved(kind: IdKind, real: number, effective: number, saved: number): void {
    const ids = this[kind];
    const same = (id: number, current: number) => id === UNCHANGED || id === current;
    // Asking for what is already there changes nothing, not even the fs id (as the kernel does).
    if (same(real, ids.real) && same(effective, ids.effective) && same(saved, ids.saved)) return;
    this.change(kind, (ids) => {
      const allowed = (id: number) => id === UNCHANGED || isOneOf(id, ids);
      if (!this.privileged(kind) && !(allowed(real) && allowed(effective) && allowed(saved))) fail(E.EPERM);
      if (real !== UNCHANGED) ids.real = real;
      if (effective !== UNCHANGED) ids.effective = effective;
      if (saved !== UNCHANGED) ids.saved = saved;
      ids.fs = ids.effective;
    });
  }

  /** setfsuid/setfsgid: returns the old fs id, changing it only where allowed (never an error). */
  setFs(kind: IdKind, id: number): number {
    const ids = this[kind];
    const old = ids.fs;
    if (id === UNCHANGED) return old;
    if (this.privileged(kind) || isOneOf(id, ids) || id === ids.fs) {
      ids.fs = id;
      if (kind === 'user') afterFsUidChange(this.caps, old, id);
    }
    return old;
  }

  /** setgroups (the caller checked CAP_SETGID): kept sorted, as the kernel keeps them. */
  setGroups(groups: number[]): void {
    this.groups = groups.sort((a, b) => a - b);
  }

  /** What the auxiliary vector tells a new program. */
  get auxv(): { uid: number; euid: number; gid: number; egid: number } {
    return {
      uid: this.user.real,
      euid: this.user.effective,
      gid: this.group.real,
      egid: this.group.effective,
    };
  }

  /**
   * execve of a file whose set-user-ID and set-group-ID bits give `setIds` (the caller leaves
   * them out on a nosuid mount or under no_new_privs): the effective ids become the file's, root's
   * capabilities are recomputed, and the saved and fs ids follow the effective ones. Returns
   * whether the exec raised privilege, which the new program sees as AT_SECURE.
   */
  exec(setIds: { readonly uid?: number; readonly gid?: number }, noNewPrivs: boolean): boolean {
    const { user, group } = this;
    const old = { euid: user.effective, ingroups: [group.fs, ...this.groups] };
    if (setIds.uid !== undefined) user.effective = setIds.uid;
    if (setIds.gid !== undefined) group.effective = setIds.gid;
    const change = {
      setId: user.effective !== user.real || group.effective !== group.real,
      changed: user.effective !== old.euid || !old.ingroups.includes(group.effective),
    };
    const secure = capabilitiesAtExec(this.caps, user, group, change, noNewPrivs);
    for (const ids of [this.user, this.group]) ids.saved = ids.fs = ids.effective;
    return secure;
  }

  /**
   * What the kernel's commit_creds compares to decide that a process changed identity (see
   * `identityChanged`): its effective and fs ids, and its permitted capabilities.
   */
  get identity(): Identity {
    const { user: u, group: g } = this;
    return { ids: [u.effective, u.fs, g.effective, g.fs], permitted: this.caps.permitted };
  }

  /** Whether the effective ids are the real ones (else an exec leaves the process non-dumpable). */
  get effectiveIsReal(): boolean {
    return this.user.effective === this.user.real && this.group.effective === this.group.real;
  }

  private privileged(kind: IdKind): boolean {
    return this.capable(kind === 'user' ? CAP.SETUID : CAP.SETGID);
  }

  /** Applies `update` to a copy of the ids, then (if it did not fail) keeps it. */
  private change(kind: IdKind, update: (ids: Ids) => void): void {
    const ids = this[kind];
    const next = { ...ids };
    update(next);
    if (kind === 'user') afterUidChange(this.caps, ids, next);
    Object.assign(ids, next);
  }
}

/** The part of a process's credentials whose change makes it non-dumpable. */
export interface Identity {
  readonly ids: readonly number[];
  readonly permitted: bigint;
}

/** commit_creds' test: another effective or fs id, or a permitted capability it did not have. */
export function identityChanged(before: Identity, after: Identity): boolean {
  return before.ids.some((id, i) => id !== after.ids[i]) || (after.permitted & ~before.permitted) !== 0n;
}

function isOneOf(id: number, ids: Ids): boolean {
  return id === ids.real || id === ids.effective || id === ids.saved;
}
