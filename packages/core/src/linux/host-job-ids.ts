import { readFileSync } from 'node:fs';

/**
 * The host process's group and session ids, from /proc/self/stat. The run's first guest process
 * has the host process's pid, and takes these too, as a process under qemu does: started by a
 * script, a build or a test runner it leads neither its group nor its session, so setsid()
 * succeeds in it as on the host. Null where /proc cannot tell (then it leads both).
 */
export function hostJobIds(): { pgid: number; sid: number } | null {
  try {
    return jobIdsOfStat(readFileSync('/proc/self/stat', 'latin1'));
  } catch {
    return null;
  }
}

/**
 * The group and session ids a /proc/PID/stat line gives. An id is 0 where its leader lies outside
 * the reader's pid namespace (a container entered from outside), as getpgid() and getsid() then
 * answer too, so 0 is an id like any other here.
 */
export function jobIdsOfStat(stat: string): { pgid: number; sid: number } | null {
  // After "pid (command) ": state, ppid, pgrp, session (the command may hold spaces and ")").
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const pgid = idOf(fields[2]);
  const sid = idOf(fields[3]);
  return pgid === null || sid === null ? null : { pgid, sid };
}

function idOf(field: string | undefined): number | null {
  return field !== undefined && /^\d+$/.test(field) ? Number(field) : null;
}
