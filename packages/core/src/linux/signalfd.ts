import { E, fail } from './errno.js';
import type { LinuxKernel } from './kernel.js';
import { POLLIN } from './pipe.js';
import type { SpecialFile } from './special-file.js';

/** The size of `struct signalfd_siginfo`. */
const SIGNALFD_SIGINFO = 128;

/**
 * signalfd(2): reading takes pending signals of `mask` from the reading process, as
 * `struct signalfd_siginfo` records (the signals are normally blocked, so no handler runs).
 */
export class SignalFd implements SpecialFile {
  readonly name = '[signalfd]';
  constructor(public mask: bigint) {}

  read(k: LinuxKernel, want: number): Uint8Array | null {
    if (want < SIGNALFD_SIGINFO) fail(E.EINVAL);
    const records: Uint8Array[] = [];
    while (records.length < Math.floor(want / SIGNALFD_SIGINFO)) {
      const signo = k.signals.next(~this.mask);
      if (signo === 0) break;
      records.push(toSignalfdInfo(k.signals.take(signo)));
    }
    if (records.length === 0) return null;
    return Buffer.concat(records);
  }

  write(): number | null {
    fail(E.EINVAL);
  }

  poll(k: LinuxKernel, events: number): number {
    return (k.signals.pending & this.mask) !== 0n ? events & POLLIN : 0;
  }
}

/** siginfo_t (as queued) → signalfd_siginfo: the fields a reader of either layout uses. */
function toSignalfdInfo(info: Uint8Array): Uint8Array {
  const from = new DataView(info.buffer, info.byteOffset, info.byteLength);
  const out = new Uint8Array(SIGNALFD_SIGINFO);
  const to = new DataView(out.buffer);
  to.setUint32(0, from.getInt32(0, true), true); // ssi_signo
  to.setInt32(4, from.getInt32(4, true), true); // ssi_errno
  to.setInt32(8, from.getInt32(8, true), true); // ssi_code
  to.setUint32(12, from.getInt32(16, true), true); // ssi_pid
  to.setUint32(16, from.getUint32(20, true), true); // ssi_uid
  to.setInt32(40, from.getInt32(24, true), true); // ssi_status (SIGCHLD)
  to.setInt32(44, from.getInt32(24, true), true); // ssi_int (sigqueue's value)
  to.setBigUint64(48, from.getBigUint64(24, true), true); // ssi_ptr
  to.setBigUint64(72, from.getBigUint64(16, true), true); // ssi_addr (faults)
  return out;
}
