import { E, fail } from './errno.js';
import type { LinuxKernel } from './kernel.js';

const NS = 1_000_000_000n;

/** A `struct timespec` argument as nanoseconds; negative or unnormalised ones are EINVAL. */
export function readTimespec(k: LinuxKernel, addr: number): bigint {
  const sec = BigInt.asIntN(64, k.memory.read64(addr));
  const nsec = BigInt.asIntN(64, k.memory.read64(addr + 8));
  if (sec < 0n || nsec < 0n || nsec >= NS) fail(E.EINVAL);
  return sec * NS + nsec;
}

/** Writes a `struct itimerspec` (interval, then value; each a timespec) at `addr` (nothing at NULL). */
export function writeItimerspec(
  k: LinuxKernel,
  addr: number,
  spec: { value: bigint; interval: bigint },
): void {
  if (addr === 0) return;
  k.memory.write64(addr, spec.interval / NS);
  k.memory.write64(addr + 8, spec.interval % NS);
  k.memory.write64(addr + 16, spec.value / NS);
  k.memory.write64(addr + 24, spec.value % NS);
}
