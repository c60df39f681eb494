import { readFileSync } from 'node:fs';

/**
 * The host process's group and session ids, from /proc/self/stat. The run's first guest process
 * has the host process's pid, and takes these too, as a process under qemu does: started by a
 * script, a build or a test runner it leads neither its group nor its session, so setsid()
 * succeeds in it as on the host. Null where /proc cannot tell (then it leads both).
 */
export function hostJobIds(): { pgid: number; sid: number } | null {
  try {
    const stat = readFileSync('/proc/self/stat', 'latin1');
    // After "pid (command) ": state, ppid, pgrp, session (the command may hold spaces and ")").
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const pgid = Number(fields[2]);
    const sid = Number(fields[3]);
    return Number.isSafeInteger(pgid) && pgid > 0 && Number.isSafeInteger(sid) && sid > 0
      ? { pgid, sid }
      : null;
  } catch {
    return null;
  }
}
