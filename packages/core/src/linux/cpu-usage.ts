/**
 * CPU time charged to a guest thread or process: the scheduler charges the time a thread ran,
 * slice by slice (on the kernel's thread, see SliceCharger; on a CPU worker, the worker's time).
 */
export class CpuUsage {
  userUs = 0;
  systemUs = 0;
  /** The largest resident set seen (KiB), for ru_maxrss. */
  maxRssKb = 0;

  charge(spent: NodeJS.CpuUsage): void {
    this.userUs += spent.user;
    this.systemUs += spent.system;
  }

  /** Adds a waited-for child's usage (and that of its own waited-for children), as the kernel's cutime. */
  addChild(child: CpuUsage): void {
    this.userUs += child.userUs;
    this.systemUs += child.systemUs;
    this.maxRssKb = Math.max(this.maxRssKb, child.maxRssKb);
  }
}

/** How long a measured split of user and system time is used before it is measured again. */
const SPLIT_REFRESH_MS = 50;

/**
 * The CPU time a slice of guest work on the kernel's thread is charged: its wall time, split into
 * user and system time as the host process split its own over the last 50 ms or so.
 * `process.cpuUsage()` costs about 3 µs (getrusage sums over every host thread) and a slice ends
 * at every blocking system call: threads that wake each other through futexes spent 5–7% of the
 * kernel thread's time in a pair of them per slice. Wall time also leaves out what CPU workers
 * and V8's own threads spend, which the host process's usage counts in.
 */
export class SliceCharger {
  private userShare = 1;
  private sampled: NodeJS.CpuUsage = process.cpuUsage();
  private sampledAt = performance.now();

  /** The user and system time (µs) of a slice that took `wallMs` of wall time. */
  spent(wallMs: number): NodeJS.CpuUsage {
    const now = performance.now();
    if (now - this.sampledAt >= SPLIT_REFRESH_MS) {
      const usage = process.cpuUsage();
      const user = usage.user - this.sampled.user;
      const system = usage.system - this.sampled.system;
      if (user + system > 0) this.userShare = user / (user + system);
      this.sampled = usage;
      this.sampledAt = now;
    }
    const micros = Math.round(wallMs * 1000);
    const user = Math.round(micros * this.userShare);
    return { user, system: micros - user };
  }
}

/** The host process's largest resident set so far (KiB). */
export function hostMaxRssKb(): number {
  return process.resourceUsage().maxRSS;
}

/** struct rusage (144 bytes): ru_utime and ru_stime as timevals, then 14 longs from ru_maxrss. */
export function encodeRusage(usage: { userUs: number; systemUs: number; maxRssKb: number }): Uint8Array {
  const words = new BigInt64Array(18);
  words[0] = BigInt(Math.floor(usage.userUs / 1e6));
  words[1] = BigInt(usage.userUs % 1e6);
  words[2] = BigInt(Math.floor(usage.systemUs / 1e6));
  words[3] = BigInt(usage.systemUs % 1e6);
  words[4] = BigInt(usage.maxRssKb);
  return new Uint8Array(words.buffer);
}
