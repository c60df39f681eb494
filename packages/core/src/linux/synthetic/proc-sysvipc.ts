import type { IpcNamespace } from '../ipc-namespace.js';
import type { IpcPerm } from '../sysv-ipc.js';

/**
 * /proc/sysvipc/{shm,sem,msg} as ipc/*.c's proc_show functions print them (64-bit widths): a
 * header, then one line per object of the run's IPC namespace.
 */

const SHM_HEADER =
  '       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime                   rss                  swap\n';
const SEM_HEADER = '       key      semid perms      nsems   uid   gid  cuid  cgid      otime      ctime\n';
const MSG_HEADER =
  '       key      msqid perms      cbytes       qnum lspid lrpid   uid   gid  cuid  cgid      stime      rtime      ctime\n';
const PAGE = 4096;

const pad = (n: number | bigint | string, width: number) => String(n).padStart(width);

/** key, id and mode ("%10d %10d  %4o"), as every kind starts. */
function head(perm: IpcPerm): string {
  return `${pad(perm.key | 0, 10)} ${pad(perm.id, 10)}  ${pad(perm.mode.toString(8), 4)}`;
}

/** uid, gid, cuid, cgid ("%5u" each). */
function owners(perm: IpcPerm): string {
  return [perm.uid, perm.gid, perm.cuid, perm.cgid].map((n) => pad(n >>> 0, 5)).join(' ');
}

export function procSysvShm(ipc: IpcNamespace): string {
  let text = SHM_HEADER;
  for (const s of ipc.shm.ids) {
    const rss = s.object.residentPages * PAGE;
    text += `${head(s.perm)} ${pad(s.size, 21)} ${pad(s.cpid, 5)} ${pad(s.lpid, 5)}  ${pad(s.object.users, 5)} ${owners(s.perm)} ${pad(s.atime, 10)} ${pad(s.dtime, 10)} ${pad(s.ctime, 10)} ${pad(rss, 21)} ${pad(0, 21)}\n`;
  }
  return text;
}

export function procSysvSem(ipc: IpcNamespace): string {
  let text = SEM_HEADER;
  for (const set of ipc.sem.ids)
    text += `${head(set.perm)} ${pad(set.sems.length, 10)} ${owners(set.perm)} ${pad(set.otime, 10)} ${pad(set.ctime, 10)}\n`;
  return text;
}

export function procSysvMsg(ipc: IpcNamespace): string {
  let text = MSG_HEADER;
  for (const q of ipc.msg.ids)
    text += `${head(q.perm)}  ${pad(q.bytes, 10)} ${pad(q.messages.length, 10)} ${pad(q.lspid, 5)} ${pad(q.lrpid, 5)} ${owners(q.perm)} ${pad(q.stime, 10)} ${pad(q.rtime, 10)} ${pad(q.ctime, 10)}\n`;
  return text;
}

/**
 * /proc/sys/kernel's IPC limits as the run's namespace has them (read from the host's when the
 * namespace was made), each a function giving the file's text.
 */
export function ipcLimitTexts(ipc: () => IpcNamespace): Record<string, () => string> {
  return {
    shmmax: () => `${ipc().shm.maxSize}\n`,
    shmall: () => `${ipc().shm.maxPages}\n`,
    shmmni: () => `${ipc().shm.ids.limit}\n`,
    sem: () => {
      const sem = ipc().sem;
      return `${sem.maxPerSet}\t${sem.maxTotal}\t${sem.maxOps}\t${sem.ids.limit}\n`;
    },
    msgmax: () => `${ipc().msg.maxMessage}\n`,
    msgmnb: () => `${ipc().msg.defaultBytes}\n`,
    msgmni: () => `${ipc().msg.ids.limit}\n`,
  };
}
