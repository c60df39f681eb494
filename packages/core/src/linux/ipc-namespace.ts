import type { LinuxKernel } from './kernel.js';
import { MessageQueues } from './msg-queues.js';
import { SemaphoreSets } from './sem-sets.js';
import { SharedMemorySegments } from './shm-segments.js';

/**
 * The System V IPC objects of a run: its own IPC namespace, as a container has one. Its
 * processes share these; the host's segments, semaphores and message queues are not visible,
 * nor touched. Each kind is made at its first use (it reads the host's limits).
 */
export class IpcNamespace {
  private segments: SharedMemorySegments | null = null;
  private semaphores: SemaphoreSets | null = null;
  private queues: MessageQueues | null = null;

  get shm(): SharedMemorySegments {
    this.segments ??= new SharedMemorySegments();
    return this.segments;
  }

  get sem(): SemaphoreSets {
    this.semaphores ??= new SemaphoreSets();
    return this.semaphores;
  }

  get msg(): MessageQueues {
    this.queues ??= new MessageQueues();
    return this.queues;
  }

  /** A process ended: its SEM_UNDO adjustments are applied, and its threads wait no more. */
  processExited(k: LinuxKernel): void {
    this.semaphores?.processExited(k);
    this.queues?.processExited(k);
  }
}
