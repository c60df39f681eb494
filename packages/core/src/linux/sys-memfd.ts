import { E, fail } from './errno.js';
import { OpenFile } from './fd-table.js';
import { int, type LinuxKernel, ptr } from './kernel.js';
import { createMemfdFile, F_SEAL, MemfdInode } from './memfd.js';
import { SYS } from './numbers.js';

/** memfd_create's flags (include/uapi/linux/memfd.h); the huge page size bits need MFD_HUGETLB. */
const MFD = { CLOEXEC: 0x1, ALLOW_SEALING: 0x2, HUGETLB: 0x4, NOEXEC_SEAL: 0x8, EXEC: 0x10 } as const;
const MFD_HUGE_SIZES = 0x3f << 26;
/** NAME_MAX less the "memfd:" prefix the kernel puts before it. */
const MFD_NAME_MAX = 249;

function readName(k: LinuxKernel, addr: number): string {
  const bytes: number[] = [];
  for (let i = 0; ; i++) {
    const b = k.memory.read8(addr + i);
    if (b === 0) break;
    if (i >= MFD_NAME_MAX) fail(E.EINVAL);
    bytes.push(b);
  }
  return Buffer.from(bytes).toString('latin1');
}

/**
 * memfd_create: an anonymous file that reads, writes, seeks, truncates, maps MAP_SHARED and
 * stats as a regular one, named "/memfd:NAME (deleted)" in /proc/PID/fd. Its pages are a host
 * file unlinked at once (in the host's /dev/shm when it has one). Huge pages are ordinary ones.
 */
function memfdCreate(k: LinuxKernel, nameAddr: number, flags: number): number {
  const known = MFD.CLOEXEC | MFD.ALLOW_SEALING | MFD.HUGETLB | MFD.NOEXEC_SEAL | MFD.EXEC;
  if (flags & ~(known | MFD_HUGE_SIZES)) fail(E.EINVAL);
  if (flags & MFD_HUGE_SIZES && !(flags & MFD.HUGETLB)) fail(E.EINVAL);
  if (flags & MFD.EXEC && flags & MFD.NOEXEC_SEAL) fail(E.EINVAL);
  const name = readName(k, nameAddr);
  let seals = flags & MFD.ALLOW_SEALING ? 0 : F_SEAL.SEAL;
  if (flags & MFD.NOEXEC_SEAL) seals = (seals & ~F_SEAL.SEAL) | F_SEAL.EXEC;
  const hostFd = createMemfdFile(!(flags & MFD.NOEXEC_SEAL));
  const file = new OpenFile(hostFd, null, null, 2 /* O_RDWR */, 'file', true);
  file.memfd = new MemfdInode(name, seals);
  return k.fds.install(file, (flags & MFD.CLOEXEC) !== 0);
}

export function registerMemfdSyscalls(k: LinuxKernel): void {
  k.register(SYS.memfd_create, (k, a) => memfdCreate(k, ptr(a[0]), int(a[1])));
}
