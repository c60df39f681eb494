import { CAP, has } from './capabilities.js';
import { E, fail } from './errno.js';
import { int, type LinuxKernel, long, ptr } from './kernel.js';
import type { Message, MessageQueue, MessageQueues } from './msg-queues.js';
import { SYS } from './numbers.js';
import {
  accessible,
  checkOwner,
  commonCtl,
  ctlCommand,
  IPC_NOWAIT,
  IPC_SET,
  IPC64_PERM_BYTES,
  type IpcKind,
  nowSeconds,
  writePerm,
} from './sysv-ipc.js';

/**
 * System V message queues (ipc/msg.c): msgget, msgsnd, msgrcv, msgctl. A send to a full queue and
 * a receive from one without a matching message block only their thread (restarted when the
 * queue changes) unless IPC_NOWAIT; a signal ends the wait with EINTR, IPC_RMID with EIDRM.
 */

const MSG_NOERROR = 0o10000;
const MSG_EXCEPT = 0o20000;
const MSG_COPY = 0o40000;
const MSG_STAT = 11;
const MSG_INFO = 12;
const MSG_STAT_ANY = 13;
/** include/uapi/linux/msg.h's compile-time values that msginfo reports as they are. */
const MSGMNI = 32000;
const MSGMNB = 16384;
const MSGSSZ = 16;
const MSGSEG = 0xffff;
const READ = 0o444;
const WRITE = 0o222;

function queues(k: LinuxKernel): MessageQueues {
  return k.ipc.msg;
}

function msgget(k: LinuxKernel, key: number, flags: number): number {
  const msg = queues(k);
  return msg.ids.get(
    k.credentials,
    key,
    flags,
    (perm) => msg.ids.add((index, seq) => msg.create(perm(index, seq))),
    () => {},
  );
}

/** The queue a blocked call was waiting on was removed meanwhile: EIDRM, as the kernel wakes it with. */
function checkRemovedWhileWaiting(k: LinuxKernel): void {
  const msg = queues(k);
  const waited = msg.waitingOn(k.thread);
  msg.stopWaiting(k.thread);
  if (waited?.removed) fail(E.EIDRM);
}

/** Waits until `ready` (or removal), then fails: EINTR at a signal (a timeout never comes). */
function waitFor(k: LinuxKernel, queue: MessageQueue, ready: () => boolean, what: string): never {
  queues(k).wait(k.thread, queue);
  k.block(null, what, k.signals.mask, () => queue.removed || ready());
  queues(k).stopWaiting(k.thread);
  fail(E.EINTR);
}

function msgsnd(k: LinuxKernel, id: number, addr: number, size: number, flags: number): number {
  checkRemovedWhileWaiting(k);
  const msg = queues(k);
  const type = BigInt.asIntN(64, k.memory.read64(addr));
  if (type < 1n) fail(E.EINVAL);
  if (size > msg.maxMessage || size < 0 || id < 0) fail(E.EINVAL);
  const queue = accessible(k, msg.ids, id, WRITE);
  const fits = () => queue.bytes + size <= queue.maxBytes && queue.messages.length + 1 <= queue.maxBytes;
  if (!fits()) {
    if (flags & IPC_NOWAIT) fail(E.EAGAIN);
    waitFor(k, queue, fits, 'msgsnd to a queue that no process empties');
  }
  queue.messages.push({ type, text: k.memory.readBytes(addr + 8, size) });
  queue.bytes += size;
  queue.lspid = k.pid;
  queue.stime = nowSeconds();
  return 0;
}

/** The index of the message msgrcv takes for `type` and its flags (-1: none). */
function pick(queue: MessageQueue, type: bigint, flags: number): number {
  const { messages } = queue;
  if (flags & MSG_COPY) return type < BigInt(messages.length) ? Number(type) : -1;
  if (type === 0n) return messages.length > 0 ? 0 : -1;
  if (type > 0n) return messages.findIndex((m) => (flags & MSG_EXCEPT ? m.type !== type : m.type === type));
  // Negative: the first message of the lowest type not above |type|.
  let best = -1;
  for (let i = 0; i < messages.length; i++) {
    const t = messages[i].type;
    if (t <= -type && (best < 0 || t < messages[best].type)) best = i;
  }
  return best;
}

function msgrcv(k: LinuxKernel, id: number, addr: number, size: number, type: bigint, flags: number): number {
  checkRemovedWhileWaiting(k);
  if (size < 0 || id < 0) fail(E.EINVAL);
  if (flags & MSG_COPY && (flags & MSG_EXCEPT || !(flags & IPC_NOWAIT))) fail(E.EINVAL);
  const queue = accessible(k, queues(k).ids, id, READ);
  const index = pick(queue, type, flags);
  if (index < 0) {
    if (flags & IPC_NOWAIT) fail(E.ENOMSG);
    waitFor(k, queue, () => pick(queue, type, flags) >= 0, 'msgrcv that no process sends to');
  }
  const message: Message = queue.messages[index];
  if (message.text.length > size && !(flags & MSG_NOERROR)) fail(E.E2BIG);
  const copied = Math.min(size, message.text.length);
  k.memory.write64(addr, message.type);
  k.memory.writeBytes(addr + 8, message.text.subarray(0, copied));
  if (flags & MSG_COPY) return copied;
  queue.messages.splice(index, 1);
  queue.bytes -= message.text.length;
  queue.lrpid = k.pid;
  queue.rtime = nowSeconds();
  return copied;
}

/** struct msqid64_ds (asm-generic/msgbuf.h, 64-bit). */
function writeQueue(k: LinuxKernel, addr: number, queue: MessageQueue): void {
  writePerm(k, addr, queue.perm);
  const at = addr + IPC64_PERM_BYTES;
  const m = k.memory;
  m.write64(at, queue.stime);
  m.write64(at + 8, queue.rtime);
  m.write64(at + 16, queue.ctime);
  m.write64(at + 24, BigInt(queue.bytes));
  m.write64(at + 32, BigInt(queue.messages.length));
  m.write64(at + 40, BigInt(queue.maxBytes));
  m.write32(at + 48, queue.lspid);
  m.write32(at + 52, queue.lrpid);
  m.write64(at + 56, 0n);
  m.write64(at + 64, 0n);
}

/** struct msginfo: seven ints and an unsigned short (IPC_INFO the limits; MSG_INFO also the use). */
function writeInfo(k: LinuxKernel, addr: number, msg: MessageQueues, usage: boolean): void {
  const totals = usage ? msg.totals() : null;
  const ints = [
    totals ? msg.ids.count : (MSGMNI * MSGMNB) / 1024, // msgpool
    totals ? totals.messages : MSGMNB, // msgmap
    msg.maxMessage, // msgmax
    msg.defaultBytes, // msgmnb
    msg.ids.limit, // msgmni
    MSGSSZ, // msgssz
    totals ? totals.bytes : MSGMNB, // msgtql
  ];
  for (let i = 0; i < ints.length; i++) k.memory.write32(addr + i * 4, ints[i]);
  k.memory.write16(addr + 28, MSGSEG);
}

/** msgctl's view of the queues for the commands every kind shares. */
function msgKind(k: LinuxKernel, msg: MessageQueues): IpcKind<MessageQueue> {
  return {
    ids: msg.ids,
    commands: { info: MSG_INFO, stat: MSG_STAT, statAny: MSG_STAT_ANY },
    writeInfo: (addr, usage) => writeInfo(k, addr, msg, usage),
    writeObject: (addr, queue) => writeQueue(k, addr, queue),
    remove: (queue) => msg.remove(queue),
  };
}

function msgctl(k: LinuxKernel, id: number, command: number, buf: number): number {
  const msg = queues(k);
  const cmd = ctlCommand(command);
  if (id < 0) fail(E.EINVAL);
  if (cmd === IPC_SET) {
    // A queue's IPC_SET also sets msg_qbytes: above msgmnb only with CAP_SYS_RESOURCE (EPERM,
    // as for a caller that does not own it, so either check may come first).
    const queue = msg.ids.byId(id);
    const maxBytes = Number(k.memory.read64(buf + IPC64_PERM_BYTES + 40));
    if (maxBytes > msg.defaultBytes && !has(k.credentials.caps, CAP.SYS_RESOURCE)) fail(E.EPERM);
    checkOwner(k.credentials, queue.perm);
    queue.maxBytes = maxBytes;
  }
  const common = commonCtl(k, msgKind(k, msg), id, cmd, buf);
  if (common === null) fail(E.EINVAL);
  return common;
}

export function registerMsgSyscalls(k: LinuxKernel): void {
  k.register(SYS.msgget, (k, a) => msgget(k, int(a[0]), int(a[1])));
  k.register(SYS.msgsnd, (k, a) => msgsnd(k, int(a[0]), ptr(a[1]), long(a[2]), int(a[3])));
  k.register(SYS.msgrcv, (k, a) =>
    msgrcv(k, int(a[0]), ptr(a[1]), long(a[2]), BigInt.asIntN(64, a[3]), int(a[4])),
  );
  k.register(SYS.msgctl, (k, a) => msgctl(k, int(a[0]), int(a[1]), ptr(a[2])));
}
