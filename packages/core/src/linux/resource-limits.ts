import { readFileSync } from 'node:fs';
import { E, fail } from './errno.js';

export const RLIM_INFINITY = 0xffffffffffffffffn;
/** The resources of getrlimit(2), RLIMIT_CPU (0) to RLIMIT_RTTIME (15). */
const RLIM_NLIMITS = 16;
export const RLIMIT_NOFILE = 7;
/** fs.nr_open's default: RLIMIT_NOFILE's hard limit cannot go above it. */
const NR_OPEN = 1048576n;

/** /proc/PID/limits' name and unit of each resource, in the kernel's order (RLIMIT_CPU is 0). */
const RESOURCES: readonly (readonly [name: string, unit: string])[] = [
  ['Max cpu time', 'seconds'],
  ['Max file size', 'bytes'],
  ['Max data size', 'bytes'],
  ['Max stack size', 'bytes'],
  ['Max core file size', 'bytes'],
  ['Max resident set', 'bytes'],
  ['Max processes', 'processes'],
  ['Max open files', 'files'],
  ['Max locked memory', 'bytes'],
  ['Max address space', 'bytes'],
  ['Max file locks', 'locks'],
  ['Max pending signals', 'signals'],
  ['Max msgqueue size', 'bytes'],
  ['Max nice priority', ''],
  ['Max realtime priority', ''],
  ['Max realtime timeout', 'us'],
];

/** What a process starts with when the host's own limits cannot be read. */
const FALLBACK: readonly (readonly [bigint, bigint])[] = Array.from({ length: RLIM_NLIMITS }, (_, r) => {
  if (r === 3) return [8n * 1024n * 1024n, RLIM_INFINITY] as const; // RLIMIT_STACK
  if (r === RLIMIT_NOFILE) return [1024n, 4096n] as const;
  if (r === 4 || r === 13 || r === 14) return [0n, RLIM_INFINITY] as const; // CORE, NICE, RTPRIO
  return [RLIM_INFINITY, RLIM_INFINITY] as const;
});

let hostLimits: readonly (readonly [bigint, bigint])[] | null = null;

/**
 * The limits of the emulator's own process, from /proc/self/limits (its rows are the resources
 * in order): what a program run by qemu-aarch64 inherits, and so what the first guest process
 * starts with.
 */
function hostResourceLimits(): readonly (readonly [bigint, bigint])[] {
  if (hostLimits) return hostLimits;
  const value = (text: string): bigint => (text === 'unlimited' ? RLIM_INFINITY : BigInt(text));
  try {
    const rows = readFileSync('/proc/self/limits', 'latin1')
      .split('\n')
      .slice(1, RLIM_NLIMITS + 1);
    hostLimits = rows.map((row, r) => {
      const fields = row.slice(26).trim().split(/\s+/);
      return fields.length >= 2 ? ([value(fields[0]), value(fields[1])] as const) : FALLBACK[r];
    });
    if (hostLimits.length !== RLIM_NLIMITS) hostLimits = FALLBACK;
  } catch {
    hostLimits = FALLBACK;
  }
  return hostLimits;
}

/**
 * A process's resource limits (getrlimit, setrlimit, prlimit64): inherited by its children and
 * kept across execve. They are recorded, and RLIMIT_NOFILE bounds the descriptor table; the
 * others are not enforced (the guest's memory and CPU are the emulator's).
 */
export class ResourceLimits {
  private constructor(private readonly limits: [bigint, bigint][]) {}

  /** The limits the first process of a run gets: the host process's. */
  static initial(): ResourceLimits {
    return new ResourceLimits(hostResourceLimits().map(([cur, max]) => [cur, max]));
  }

  get(resource: number): readonly [bigint, bigint] {
    if (!Number.isInteger(resource) || resource < 0 || resource >= RLIM_NLIMITS) fail(E.EINVAL);
    return this.limits[resource];
  }

  /** Sets a limit as setrlimit(2) checks it: `privileged` may raise the hard limit. */
  set(resource: number, cur: bigint, max: bigint, privileged: boolean): void {
    const [, oldMax] = this.get(resource);
    if (cur > max) fail(E.EINVAL);
    if (max > oldMax && !privileged) fail(E.EPERM);
    if (resource === RLIMIT_NOFILE && max > NR_OPEN) fail(E.EPERM);
    this.limits[resource] = [cur, max];
  }

  /** The soft limit of RLIMIT_NOFILE as a descriptor bound. */
  get openFiles(): number {
    const [cur] = this.limits[RLIMIT_NOFILE];
    return cur > NR_OPEN ? Number(NR_OPEN) : Number(cur);
  }

  copy(): ResourceLimits {
    return new ResourceLimits(this.limits.map(([cur, max]) => [cur, max]));
  }

  /** /proc/PID/limits, laid out as the kernel lays it out. */
  text(): string {
    // The kernel pads the unit to 10 columns, and writes nothing for the two that have none.
    const row = (name: string, soft: string, hard: string, unit: string) =>
      `${name.padEnd(25)} ${soft.padEnd(20)} ${hard.padEnd(20)} ${unit ? unit.padEnd(10) : ''}\n`;
    const shown = (value: bigint) => (value === RLIM_INFINITY ? 'unlimited' : String(value));
    return (
      row('Limit', 'Soft Limit', 'Hard Limit', 'Units') +
      RESOURCES.map(([name, unit], r) =>
        row(name, shown(this.limits[r][0]), shown(this.limits[r][1]), unit),
      ).join('')
    );
  }
}
