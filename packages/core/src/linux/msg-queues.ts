import type { LinuxKernel } from './kernel.js';
import { hostLimit, IpcIds, type IpcPerm, nowSeconds } from './sysv-ipc.js';
import type { GuestThread } from './thread.js';

/** One message (struct msg_msg). */
export interface Message {
  readonly type: bigint;
  readonly text: Uint8Array;
}

/** One queue (struct msg_queue). */
export interface MessageQueue {
  readonly perm: IpcPerm;
  readonly messages: Message[];
  /** Bytes of the messages queued (msg_cbytes). */
  bytes: number;
  /** Most bytes (and messages) it holds (msg_qbytes). */
  maxBytes: number;
  stime: bigint;
  rtime: bigint;
  ctime: bigint;
  lspid: number;
  lrpid: number;
  /** IPC_RMID: waiting senders and receivers wake with EIDRM. */
  removed: boolean;
}

/** The run's message queues, the threads waiting on them, and the host's limits. */
export class MessageQueues {
  readonly ids = new IpcIds<MessageQueue>(Number(hostLimit('msgmni', 32000n)));
  /** Largest message (msgmax) and default queue size (msgmnb). */
  readonly maxMessage = Number(hostLimit('msgmax', 8192n));
  readonly defaultBytes = Number(hostLimit('msgmnb', 16384n));
  private readonly waiters = new Map<GuestThread, MessageQueue>();

  create(perm: IpcPerm): MessageQueue {
    const time = nowSeconds();
    return {
      perm,
      messages: [],
      bytes: 0,
      maxBytes: this.defaultBytes,
      stime: 0n,
      rtime: 0n,
      ctime: time,
      lspid: 0,
      lrpid: 0,
      removed: false,
    };
  }

  remove(queue: MessageQueue): void {
    queue.removed = true;
    this.ids.remove(queue);
  }

  /** Messages and bytes queued in every queue (MSG_INFO). */
  totals(): { messages: number; bytes: number } {
    let messages = 0;
    let bytes = 0;
    for (const q of this.ids) {
      messages += q.messages.length;
      bytes += q.bytes;
    }
    return { messages, bytes };
  }

  /** The queue a thread blocked on (to report EIDRM when it was removed meanwhile). */
  waitingOn(thread: GuestThread): MessageQueue | undefined {
    return this.waiters.get(thread);
  }

  wait(thread: GuestThread, queue: MessageQueue): void {
    this.waiters.set(thread, queue);
  }

  stopWaiting(thread: GuestThread): void {
    this.waiters.delete(thread);
  }

  /** A process ended: its threads wait no more. */
  processExited(k: LinuxKernel): void {
    for (const thread of this.waiters.keys()) if (thread.process === k) this.waiters.delete(thread);
  }
}
