import { SharedObject } from '../memory/shared-mappings.js';
import type { LinuxKernel } from './kernel.js';
import { hostLimit, IpcIds, type IpcPerm, nowSeconds } from './sysv-ipc.js';

export const SHM_PAGE = 4096;
/** Mode bit of a segment removed while still attached (it goes at the last detach). */
export const SHM_DEST = 0o1000;

/** One segment (struct shmid_kernel). */
export interface ShmSegment {
  readonly perm: IpcPerm;
  readonly size: number;
  readonly object: SharedObject;
  cpid: number;
  lpid: number;
  atime: bigint;
  dtime: bigint;
  ctime: bigint;
}

/** The run's segments and the limits the host's kernel sets (qemu's guests see the host's). */
export class SharedMemorySegments {
  readonly ids = new IpcIds<ShmSegment>(Number(hostLimit('shmmni', 4096n)));
  readonly maxSize = hostLimit('shmmax', 2n ** 64n - 1n - 2n ** 24n);
  readonly maxPages = hostLimit('shmall', 2n ** 64n - 1n - 2n ** 24n);
  /** Pages held by every segment (shm_tot). */
  pages = 0;
  private readonly byObject = new WeakMap<SharedObject, ShmSegment>();

  segmentOf(object: SharedObject): ShmSegment | undefined {
    return this.byObject.get(object);
  }

  create(k: LinuxKernel, perm: IpcPerm, size: number): ShmSegment {
    const pages = Math.ceil(size / SHM_PAGE);
    const object = new SharedObject(
      null,
      () => {
        // The last attachment went: a segment marked for removal goes with it.
        if (segment.perm.mode & SHM_DEST) this.destroy(segment);
      },
      () => {
        segment.dtime = nowSeconds();
      },
    );
    const time = nowSeconds();
    const segment: ShmSegment = {
      perm,
      size,
      object,
      cpid: k.pid,
      lpid: 0,
      atime: 0n,
      dtime: 0n,
      ctime: time,
    };
    this.byObject.set(object, segment);
    this.pages += pages;
    return segment;
  }

  destroy(segment: ShmSegment): void {
    this.ids.remove(segment);
    this.pages -= Math.ceil(segment.size / SHM_PAGE);
  }
}
