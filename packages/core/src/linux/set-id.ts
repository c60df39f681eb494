import { readFileSync, realpathSync, statSync } from 'node:fs';
import { type Identity, identityChanged } from './credentials.js';
import type { LinuxKernel } from './kernel.js';

/**
 * What a change of identity does to a process besides its ids, as the kernel's commit_creds and
 * exec do it, and which set-user-ID and set-group-ID bits an execve honours.
 */

const S_ISUID = 0o4000;
const S_ISGID = 0o2000;
const S_IXGRP = 0o010;
/** prctl(PR_SET_DUMPABLE)'s values: SUID_DUMP_USER is the ordinary one. */
const SUID_DUMP_USER = 1;

let hostSuidDumpable: number | undefined;

/**
 * /proc/sys/fs/suid_dumpable: the dumpable mode a process gets when it changes identity (0 on
 * most systems, so /proc/PID becomes root's); the host's, as the kernel the guest stands for.
 */
function suidDumpable(): number {
  if (hostSuidDumpable === undefined) {
    try {
      hostSuidDumpable = Number.parseInt(readFileSync('/proc/sys/fs/suid_dumpable', 'latin1'), 10) || 0;
    } catch {
      hostSuidDumpable = 0;
    }
  }
  return hostSuidDumpable;
}

/**
 * After a set*id call or an exec: a process whose effective or fs ids changed, or that gained a
 * permitted capability, is no longer dumpable (its /proc files become root's) and loses its
 * parent-death signal, as commit_creds does.
 */
export function afterCredentialChange(k: LinuxKernel, before: Identity): void {
  if (!identityChanged(before, k.credentials.identity)) return;
  k.dumpable = suidDumpable();
  k.deathSignal = 0;
}

/** Runs a change of `k`'s credentials, then applies what commit_creds does after one. */
export function changingCredentials<T>(k: LinuxKernel, change: () => T): T {
  const before = k.credentials.identity;
  const result = change();
  afterCredentialChange(k, before);
  return result;
}

/**
 * exec's dumpable mode, from the ids before the exec (begin_new_exec): ordinary while the
 * effective ids are the real ones, else suid_dumpable's.
 */
export function dumpableAtExec(k: LinuxKernel): number {
  return k.credentials.effectiveIsReal ? SUID_DUMP_USER : suidDumpable();
}

/**
 * The ids the set-user-ID and set-group-ID bits of host file `host` give a process that
 * executes it (the kernel's bprm_fill_uid): the owner for S_ISUID, the group for S_ISGID with
 * group execute permission (without it, S_ISGID means mandatory locking). None under
 * no_new_privs or on a file system mounted nosuid.
 */
export function setIdsOf(host: string | Buffer, noNewPrivs: boolean): { uid?: number; gid?: number } {
  if (noNewPrivs) return {};
  const st = statSync(host);
  const uid = st.mode & S_ISUID ? st.uid : undefined;
  const gid = (st.mode & (S_ISGID | S_IXGRP)) === (S_ISGID | S_IXGRP) ? st.gid : undefined;
  if (uid === undefined && gid === undefined) return {};
  if (onNosuidMount(host)) return {};
  return { uid, gid };
}

const AT_SECURE = 23n;
let hostSecure: boolean | undefined;

/**
 * The host process's own AT_SECURE, which the first program inherits (as qemu passes it on):
 * set when the host kernel started the emulator set-user-ID — binfmt_misc's C flag on a
 * set-user-ID program — so that the guest's loader is as careful as it would be natively.
 */
export function hostAtSecure(): boolean {
  if (hostSecure === undefined) {
    // A set-user-ID process may not read its own auxv (it is not dumpable): then its ids tell.
    hostSecure = process.getuid?.() !== process.geteuid?.() || process.getgid?.() !== process.getegid?.();
    try {
      const auxv = readFileSync('/proc/self/auxv');
      for (let at = 0; at + 16 <= auxv.length; at += 16)
        if (auxv.readBigUInt64LE(at) === AT_SECURE) hostSecure = auxv.readBigUInt64LE(at + 8) !== 0n;
    } catch {}
  }
  return hostSecure;
}

/** Whether the host mount that holds `host` is mounted nosuid (from /proc/self/mountinfo). */
function onNosuidMount(host: string | Buffer): boolean {
  try {
    return mountedNosuid(realpathSync(host, 'latin1'), readFileSync('/proc/self/mountinfo', 'latin1'));
  } catch {
    return false;
  }
}

/**
 * Whether the mount of `mountinfo` (/proc/PID/mountinfo's text) that holds absolute path `path`
 * has the per-mount option nosuid: the deepest mount point above it, the last one mounted there.
 */
export function mountedNosuid(path: string, mountinfo: string): boolean {
  let best = '';
  let nosuid = false;
  for (const line of mountinfo.split('\n')) {
    // "id parent major:minor root mountpoint options …": octal escapes for blanks in the point.
    const fields = line.split(' ');
    if (fields.length < 6) continue;
    const point = fields[4].replace(/\\([0-7]{3})/g, (_, o) => String.fromCharCode(Number.parseInt(o, 8)));
    const inside = point === '/' || path === point || path.startsWith(`${point}/`);
    if (inside && point.length >= best.length) {
      best = point;
      nosuid = fields[5].split(',').includes('nosuid');
    }
  }
  return nosuid;
}
