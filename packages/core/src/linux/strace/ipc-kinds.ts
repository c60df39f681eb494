import type { Names } from './flag-names.js';
import { type ArgKind, asInt, flagSet, nameOf } from './format.js';

/**
 * System V IPC arguments as strace shows them: `IPC_PRIVATE` or the key in hex, the get calls'
 * flags as names then the permission bits in octal (`IPC_CREAT|IPC_EXCL|0600`), and the ctl
 * commands by name (`IPC_64|IPC_STAT` when the caller set IPC_64).
 */

const IPC_64 = 0x100;
const PERMISSION_BITS = 0o777;

const GET_NAMES: Names = [
  [0o1000, 'IPC_CREAT'],
  [0o2000, 'IPC_EXCL'],
];
const SHMGET_NAMES: Names = [...GET_NAMES, [0o4000, 'SHM_HUGETLB'], [0o10000, 'SHM_NORESERVE']];
const SHMAT_NAMES: Names = [
  [0o10000, 'SHM_RDONLY'],
  [0o20000, 'SHM_RND'],
  [0o40000, 'SHM_REMAP'],
  [0o100000, 'SHM_EXEC'],
];
const MSG_NAMES: Names = [
  [0o4000, 'IPC_NOWAIT'],
  [0o10000, 'MSG_NOERROR'],
  [0o20000, 'MSG_EXCEPT'],
  [0o40000, 'MSG_COPY'],
];
const COMMON_COMMANDS: Names = [
  [0, 'IPC_RMID'],
  [1, 'IPC_SET'],
  [2, 'IPC_STAT'],
  [3, 'IPC_INFO'],
];
const SHM_COMMANDS: Names = [
  ...COMMON_COMMANDS,
  [11, 'SHM_LOCK'],
  [12, 'SHM_UNLOCK'],
  [13, 'SHM_STAT'],
  [14, 'SHM_INFO'],
  [15, 'SHM_STAT_ANY'],
];
const SEM_COMMANDS: Names = [
  ...COMMON_COMMANDS,
  [11, 'GETPID'],
  [12, 'GETVAL'],
  [13, 'GETALL'],
  [14, 'GETNCNT'],
  [15, 'GETZCNT'],
  [16, 'SETVAL'],
  [17, 'SETALL'],
  [18, 'SEM_STAT'],
  [19, 'SEM_INFO'],
  [20, 'SEM_STAT_ANY'],
];
const MSG_COMMANDS: Names = [...COMMON_COMMANDS, [11, 'MSG_STAT'], [12, 'MSG_INFO'], [13, 'MSG_STAT_ANY']];

export const IPC_KEY: ArgKind = {
  show: (v) => {
    const key = asInt(v);
    return key === 0 ? 'IPC_PRIVATE' : `0x${(key >>> 0).toString(16)}`;
  },
};

/** Named flags, then the permission bits in octal (strace prints the mode even when 0). */
function withMode(names: Names): ArgKind {
  return {
    show: (v) => {
      const n = asInt(v) >>> 0;
      const named = flagSet(names, n & ~PERMISSION_BITS, '');
      const mode = `0${(n & PERMISSION_BITS).toString(8)}`;
      return named === '' ? mode : `${named}|${mode}`;
    },
  };
}

function command(names: Names): ArgKind {
  return {
    show: (v) => {
      const n = asInt(v);
      const name = nameOf(names, n & ~IPC_64, String(n & ~IPC_64));
      return n & IPC_64 ? `IPC_64|${name}` : name;
    },
  };
}

export const IPC_GET_FLAGS = withMode(GET_NAMES);
export const SHMGET_FLAGS = withMode(SHMGET_NAMES);
export const SHMAT_FLAGS: ArgKind = { show: (v) => flagSet(SHMAT_NAMES, asInt(v) >>> 0) };
export const MSG_FLAGS: ArgKind = { show: (v) => flagSet(MSG_NAMES, asInt(v) >>> 0) };
export const SHM_COMMAND = command(SHM_COMMANDS);
export const SEM_COMMAND = command(SEM_COMMANDS);
export const MSG_COMMAND = command(MSG_COMMANDS);
