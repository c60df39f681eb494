import { readFileSync } from 'node:fs';
import { CAP, has } from './capabilities.js';
import type { Credentials } from './credentials.js';
import { E, fail } from './errno.js';
import type { LinuxKernel } from './kernel.js';

/**
 * What System V IPC objects (shared memory segments, semaphore sets) have in common, as
 * ipc/util.c defines it: a key, an id made of a slot index and a sequence number, and
 * permissions checked the way `ipcperms` checks them. A run is one IPC namespace, as a
 * container is: its processes see each other's objects and nothing of the host's.
 */

export const IPC_PRIVATE = 0;
export const IPC_CREAT = 0o1000;
export const IPC_EXCL = 0o2000;
export const IPC_NOWAIT = 0o4000;
export const IPC_RMID = 0;
export const IPC_SET = 1;
export const IPC_STAT = 2;
export const IPC_INFO = 3;
/** Set in a ctl command by callers that want the 64-bit structures (the only ones here). */
const IPC_64 = 0x100;
/** Ids are `seq << 15 | index` (IPCMNI_SHIFT). */
const INDEX_BITS = 15;
const SEQ_MAX = 2 ** 16 - 1;

/** The owner, creator and mode of an object (struct kern_ipc_perm). */
export interface IpcPerm {
  key: number;
  uid: number;
  gid: number;
  readonly cuid: number;
  readonly cgid: number;
  /** Low 9 bits: permissions; higher bits are the object kind's own flags (SHM_DEST…). */
  mode: number;
  readonly seq: number;
  /** Its id, as the get call returned it. */
  readonly id: number;
}

/** Bytes of struct ipc64_perm on 64-bit asm-generic targets. */
export const IPC64_PERM_BYTES = 48;

export function writePerm(k: LinuxKernel, addr: number, perm: IpcPerm): void {
  const m = k.memory;
  m.write32(addr, perm.key);
  m.write32(addr + 4, perm.uid);
  m.write32(addr + 8, perm.gid);
  m.write32(addr + 12, perm.cuid);
  m.write32(addr + 16, perm.cgid);
  m.write32(addr + 20, perm.mode);
  m.write16(addr + 24, perm.seq);
  m.write16(addr + 26, 0);
  m.write64(addr + 32, 0n);
  m.write64(addr + 40, 0n);
}

/** Consecutive 64-bit words (the *_INFO structures). */
export function writeLongs(k: LinuxKernel, addr: number, values: readonly bigint[]): void {
  for (let i = 0; i < values.length; i++) k.memory.write64(addr + i * 8, values[i]);
}

/**
 * IPC_SET's common part: the caller must be the owner or the creator (EPERM); the owner ids and
 * permission bits become those of the caller's ipc64_perm at `addr`.
 */
export function setPerm(k: LinuxKernel, perm: IpcPerm, addr: number): void {
  checkOwner(k.credentials, perm);
  perm.uid = k.memory.read32(addr + 4) >>> 0;
  perm.gid = k.memory.read32(addr + 8) >>> 0;
  perm.mode = (perm.mode & ~0o777) | (k.memory.read32(addr + 20) & 0o777);
}

/** The object `id` names, which the caller must be allowed `access` to (EACCES). */
export function accessible<T extends { readonly perm: IpcPerm }>(
  k: LinuxKernel,
  ids: IpcIds<T>,
  id: number,
  access: number,
): T {
  const object = ids.byId(id);
  if (!permitted(k.credentials, object.perm, access)) fail(E.EACCES);
  return object;
}

/**
 * The object a stat command reads: IPC_STAT names an id, the kind's own *_STAT and *_STAT_ANY a
 * slot index; all but *_STAT_ANY need read permission.
 */
export function statTarget<T extends { readonly perm: IpcPerm }>(
  k: LinuxKernel,
  ids: IpcIds<T>,
  id: number,
  byIndex: boolean,
  checkRead: boolean,
): T {
  if (!byIndex) return checkRead ? accessible(k, ids, id, 0o444) : ids.byId(id);
  const object = ids.byIndex(id);
  if (checkRead && !permitted(k.credentials, object.perm, 0o444)) fail(E.EACCES);
  return object;
}

/** The command of a ctl call, without IPC_64. */
export function ctlCommand(cmd: number): number {
  return cmd & ~IPC_64;
}

/**
 * Whether `creds` may access `perm` as `flag`'s low nine bits ask (any of r, w, x in any
 * class means that access), with CAP_IPC_OWNER passing every check.
 */
export function permitted(creds: Credentials, perm: IpcPerm, flag: number): boolean {
  const requested = ((flag >> 6) | (flag >> 3) | flag) & 7;
  let granted = perm.mode;
  const euid = creds.user.effective;
  if (euid === perm.cuid || euid === perm.uid) granted >>= 6;
  else if (inGroup(creds, perm.cgid) || inGroup(creds, perm.gid)) granted >>= 3;
  return (requested & ~granted & 7) === 0 || has(creds.caps, CAP.IPC_OWNER);
}

function inGroup(creds: Credentials, gid: number): boolean {
  return creds.group.effective === gid || creds.groups.includes(gid);
}

/** IPC_SET and IPC_RMID: the owner, the creator, or CAP_SYS_ADMIN (else EPERM). */
export function checkOwner(creds: Credentials, perm: IpcPerm): void {
  const euid = creds.user.effective;
  if (euid !== perm.uid && euid !== perm.cuid && !has(creds.caps, CAP.SYS_ADMIN)) fail(E.EPERM);
}

/** A new object's perm: its key, the caller's ids, the mode bits of the get call's flags. */
export function newPerm(creds: Credentials, key: number, flags: number, index: number, seq: number): IpcPerm {
  const uid = creds.user.effective;
  const gid = creds.group.effective;
  return { key, uid, gid, cuid: uid, cgid: gid, mode: flags & 0o777, seq, id: (seq << INDEX_BITS) | index };
}

export function nowSeconds(): bigint {
  return BigInt(Math.floor(Date.now() / 1000));
}

/** The objects of one kind: slots by index (the lowest free one first), a sequence per kind. */
export class IpcIds<T extends { readonly perm: IpcPerm }> {
  private readonly slots: (T | undefined)[] = [];
  private seq = 0;

  constructor(readonly limit: number) {}

  get count(): number {
    return this.slots.filter((o) => o !== undefined).length;
  }

  /** The highest index in use (-1: none), which IPC_INFO and *_INFO return. */
  get maxIndex(): number {
    for (let i = this.slots.length - 1; i >= 0; i--) if (this.slots[i]) return i;
    return -1;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (const o of this.slots) if (o) yield o;
  }

  /** Adds the object `make` builds for the free index and sequence number (ENOSPC when full). */
  add(make: (index: number, seq: number) => T): T {
    let index = this.slots.indexOf(undefined);
    if (index < 0) index = this.slots.length;
    if (index >= this.limit) fail(E.ENOSPC);
    const object = make(index, this.seq);
    this.seq = this.seq >= SEQ_MAX ? 0 : this.seq + 1;
    this.slots[index] = object;
    return object;
  }

  remove(object: T): void {
    const index = object.perm.id & ((1 << INDEX_BITS) - 1);
    if (this.slots[index] === object) this.slots[index] = undefined;
  }

  /** The object an id names (EINVAL for none, or an id whose sequence number is stale). */
  byId(id: number): T {
    if (id < 0) fail(E.EINVAL);
    const object = this.slots[id & ((1 << INDEX_BITS) - 1)];
    if (!object || object.perm.id !== id) fail(E.EINVAL);
    return object;
  }

  /** The object in slot `index` (the *_STAT commands, which take an index). */
  byIndex(index: number): T {
    const object = index >= 0 ? this.slots[index] : undefined;
    if (!object) fail(E.EINVAL);
    return object;
  }

  byKey(key: number): T | undefined {
    if (key === IPC_PRIVATE) return undefined;
    for (const o of this.slots) if (o && o.perm.key === key) return o;
    return undefined;
  }

  /**
   * The get calls' shared logic (ipcget): IPC_PRIVATE always creates; a key finds its object,
   * or creates one with IPC_CREAT (ENOENT without); IPC_CREAT|IPC_EXCL on an existing key is
   * EEXIST; then the kind's own check, then the permissions (EACCES).
   */
  get(
    creds: Credentials,
    key: number,
    flags: number,
    create: (perm: (index: number, seq: number) => IpcPerm) => T,
    moreChecks: (object: T) => void,
  ): number {
    const found = this.byKey(key);
    if (found === undefined) {
      if (key !== IPC_PRIVATE && !(flags & IPC_CREAT)) fail(E.ENOENT);
      return create((index, seq) => newPerm(creds, key, flags, index, seq)).perm.id;
    }
    if (flags & IPC_CREAT && flags & IPC_EXCL) fail(E.EEXIST);
    moreChecks(found);
    if (!permitted(creds, found.perm, flags)) fail(E.EACCES);
    return found.perm.id;
  }
}

/** The numbers of a /proc/sys/kernel file (the host's IPC limits, which qemu's guests see too). */
export function hostLimits(name: string): bigint[] | null {
  try {
    return readFileSync(`/proc/sys/kernel/${name}`, 'latin1').trim().split(/\s+/).map(BigInt);
  } catch {
    return null;
  }
}

export function hostLimit(name: string, fallback: bigint): bigint {
  return hostLimits(name)?.[0] ?? fallback;
}

/** What the ctl commands every kind shares need from one kind (msgctl, semctl, shmctl). */
export interface IpcKind<T extends { readonly perm: IpcPerm; ctime: bigint }> {
  readonly ids: IpcIds<T>;
  /** The kind's own numbers for the usage report (*_INFO) and the two stats by index. */
  readonly commands: { readonly info: number; readonly stat: number; readonly statAny: number };
  /** Writes IPC_INFO's limits, or with `usage` the *_INFO report. */
  writeInfo(addr: number, usage: boolean): void;
  /** Writes the object's *id64_ds. */
  writeObject(addr: number, object: T): void;
  /** IPC_RMID once the caller is known to own it. */
  remove(object: T): void;
}

/**
 * IPC_INFO, *_INFO, IPC_STAT, *_STAT, *_STAT_ANY, IPC_SET (owner and mode) and IPC_RMID, as
 * ipc/util.c and each kind's ctl share them; null for a command that is the kind's own.
 */
export function commonCtl<T extends { readonly perm: IpcPerm; ctime: bigint }>(
  k: LinuxKernel,
  kind: IpcKind<T>,
  id: number,
  cmd: number,
  buf: number,
): number | null {
  const { ids, commands } = kind;
  switch (cmd) {
    case IPC_INFO:
    case commands.info:
      kind.writeInfo(buf, cmd === commands.info);
      return Math.max(ids.maxIndex, 0);
    case IPC_STAT:
    case commands.stat:
    case commands.statAny: {
      const object = statTarget(k, ids, id, cmd !== IPC_STAT, cmd !== commands.statAny);
      kind.writeObject(buf, object);
      return cmd === IPC_STAT ? 0 : object.perm.id;
    }
    case IPC_SET: {
      const object = ids.byId(id);
      setPerm(k, object.perm, buf);
      object.ctime = nowSeconds();
      return 0;
    }
    case IPC_RMID: {
      const object = ids.byId(id);
      checkOwner(k.credentials, object.perm);
      kind.remove(object);
      return 0;
    }
    default:
      return null;
  }
}
