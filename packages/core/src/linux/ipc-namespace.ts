import { SharedMemorySegments } from './shm-segments.js';

/**
 * The System V IPC objects of a run: its own IPC namespace, as a container has one. Its
 * processes share these; the host's segments and semaphores are not visible, nor touched.
 */
export class IpcNamespace {
  readonly shm = new SharedMemorySegments();
}
