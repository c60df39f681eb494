import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/**
 * The CPUs the guest is told about: the host's, as qemu-aarch64 reports them, so nproc,
 * os.cpu_count() and make -j agree with a run under qemu. The guest's threads still take turns
 * on one host thread; what programs size themselves by is the machine they run on.
 */
export interface GuestCpus {
  /** sched_getaffinity's mask: the CPUs the host process may run on. */
  readonly allowed: readonly number[];
  /** /sys/devices/system/cpu/online, as the kernel writes it ("0-1\n"). */
  readonly onlineText: string;
  readonly possibleText: string;
  readonly presentText: string;
  /** The online CPUs (/proc/cpuinfo and /proc/stat list them). */
  readonly online: readonly number[];
  /** The possible CPUs (each has /sys/devices/system/cpu/cpuN). */
  readonly possible: readonly number[];
}

/** The CPUs of a kernel CPU list ("0-3,6"). */
export function parseCpuList(text: string): number[] {
  const cpus: number[] = [];
  for (const part of text.trim().split(',')) {
    if (part === '') continue;
    const [from, to = from] = part.split('-').map(Number);
    if (!Number.isInteger(from) || !Number.isInteger(to)) continue;
    for (let cpu = from; cpu <= to; cpu++) cpus.push(cpu);
  }
  return cpus;
}

function hostText(path: string): string | null {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return null;
  }
}

let cached: GuestCpus | null = null;

/** The host's CPUs, read once (without /proc and /sys: as many as Node counts, from 0). */
export function guestCpus(): GuestCpus {
  if (cached !== null) return cached;
  const counted = Math.max(1, availableParallelism());
  const fallback = counted === 1 ? '0\n' : `0-${counted - 1}\n`;
  const onlineText = hostText('/sys/devices/system/cpu/online') ?? fallback;
  const possibleText = hostText('/sys/devices/system/cpu/possible') ?? onlineText;
  const presentText = hostText('/sys/devices/system/cpu/present') ?? onlineText;
  const status = hostText('/proc/self/status') ?? '';
  const allowedList = /^Cpus_allowed_list:\s*(\S+)$/m.exec(status)?.[1];
  const online = parseCpuList(onlineText);
  cached = {
    allowed: allowedList ? parseCpuList(allowedList) : online,
    onlineText,
    possibleText,
    presentText,
    online,
    possible: parseCpuList(possibleText),
  };
  return cached;
}
