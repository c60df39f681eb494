/**
 * Host I/O that can make a guest thread ready: open host sockets, whose events arrive on Node's
 * event loop. While any is open, a run where every thread waits is not deadlocked: it gives the
 * event loop the time until the next deadline (or until a host event comes), instead of sleeping
 * with the loop stopped.
 */
export class HostIo {
  /** Host handles open now (listening servers, connections). */
  open = 0;
  private wake: (() => void) | null = null;

  /** Something happened on the host: a run waiting for the event loop goes on. */
  notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  /** Resolves at the next host event, or after `ms`. */
  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => {
          this.wake = null;
          resolve();
        },
        Math.max(0, ms),
      );
      // Resolved after the event loop's poll phase, not inside the first callback: every event
      // the host has ready (a burst of datagrams) is queued before the guest looks again.
      this.wake = () => {
        clearTimeout(timer);
        setImmediate(resolve);
      };
    });
  }
}
