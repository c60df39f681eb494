/**
 * CPU time charged to a guest thread or process. Every guest thread runs on the host's one
 * JavaScript thread, so the host process's CPU time (user and system) spent while a thread ran
 * is what that thread used: the scheduler charges it slice by slice.
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
