import { cpus, hostname, loadavg, release, uptime, version } from 'node:os';
import { guestCpus } from '../cpus.js';
import type { LinuxKernel } from '../kernel.js';
import { hostMemory } from './host-memory.js';
import { hostProcText, hostSystemEntries } from './host-shared.js';
import { fixedDir, pathLink, type SyntheticNode, textFile } from './node.js';
import { procLocksText } from './proc-locks.js';
import { ipcLimitTexts, procSysvMsg, procSysvSem, procSysvShm } from './proc-sysvipc.js';
import { CLOCK_TICKS } from './process-text.js';

/** The host's idle time per CPU, in seconds. */
function idleSeconds(): number {
  const all = cpus();
  if (all.length === 0) return 0;
  return all.reduce((sum, c) => sum + c.times.idle, 0) / all.length / 1000;
}

function cpuInfo(k: LinuxKernel): string {
  return (
    k.arch.cpuInfo?.(guestCpus().online.length) ??
    guestCpus()
      .online.map((n) => `processor\t: ${n}\n\n`)
      .join('')
  );
}

/**
 * /proc/meminfo: the host's memory (the guest allocates from it), no swap; MemFree is what
 * sysinfo's freeram says, MemAvailable the host's (what could be had, caches included).
 */
function memInfo(): string {
  const kB = (bytes: number) => Math.floor(bytes / 1024);
  const memory = hostMemory();
  const rows: [string, number][] = [
    ['MemTotal', kB(memory.total)],
    ['MemFree', kB(memory.free)],
    ['MemAvailable', kB(memory.available)],
    ['Buffers', 0],
    ['Cached', 0],
    ['SwapCached', 0],
    ['Active', 0],
    ['Inactive', 0],
    ['Shmem', 0],
    ['SReclaimable', 0],
    ['SUnreclaim', 0],
    ['SwapTotal', 0],
    ['SwapFree', 0],
    ['CommitLimit', kB(memory.total)],
  ];
  return rows.map(([name, value]) => `${`${name}:`.padEnd(16)}${String(value).padStart(8)} kB\n`).join('');
}

/**
 * /proc/vmstat: the free pages (as MemFree says) and zero for the paging and swap counters the
 * guest has no view of; vmstat(8) will not start without the file.
 */
function vmStat(): string {
  const rows: [string, number][] = [
    ['nr_free_pages', Math.floor(hostMemory().free / 4096)],
    ['nr_inactive_anon', 0],
    ['nr_active_anon', 0],
    ['nr_inactive_file', 0],
    ['nr_active_file', 0],
    ['nr_mapped', 0],
    ['nr_dirty', 0],
    ['nr_writeback', 0],
    ['pgpgin', 0],
    ['pgpgout', 0],
    ['pswpin', 0],
    ['pswpout', 0],
    ['pgfault', 0],
    ['pgmajfault', 0],
  ];
  return rows.map(([name, value]) => `${name} ${value}\n`).join('');
}

/** /proc/stat: the guest's CPUs, the emulator's own CPU time as theirs, and the boot time. */
function statText(k: LinuxKernel): string {
  const used = process.cpuUsage();
  const user = Math.floor((used.user / 1e6) * CLOCK_TICKS);
  const system = Math.floor((used.system / 1e6) * CLOCK_TICKS);
  const idle = Math.floor(idleSeconds() * CLOCK_TICKS);
  const line = (name: string) => `${name} ${user} 0 ${system} ${idle} 0 0 0 0 0 0`;
  const running = k.system ? k.system.processes.size : 1;
  return [
    line('cpu '),
    ...guestCpus().online.map((n) => line(`cpu${n}`)),
    'intr 0',
    'ctxt 0',
    `btime ${Math.floor(Date.now() / 1000 - uptime())}`,
    `processes ${running}`,
    'procs_running 1',
    'procs_blocked 0',
    'softirq 0 0 0 0 0 0 0 0 0 0 0',
    '',
  ].join('\n');
}

function loadAvg(k: LinuxKernel): string {
  const [one, five, fifteen] = loadavg().map((x) => x.toFixed(2));
  const total = k.system ? k.system.processes.size : 1;
  return `${one} ${five} ${fifteen} 1/${total} ${k.pid}\n`;
}

const FILESYSTEMS = [
  'nodev\tsysfs',
  'nodev\ttmpfs',
  'nodev\tproc',
  'nodev\tdevtmpfs',
  'nodev\tdevpts',
  '\text4',
];

/**
 * A random UUID from Web Crypto, which Node loads on first use: importing node:crypto up front
 * cost every start of a guest program some milliseconds.
 */
const randomUUID = (): string => globalThis.crypto.randomUUID();

let bootId: string | undefined;
/** A boot id for a host without /proc: one per host process, as stable as a boot's. */
const fallbackBootId = (): string => {
  bootId ??= `${randomUUID()}\n`;
  return bootId;
};

/**
 * The host's /proc/sys/`name`: the system-wide values (boot id, entropy, descriptor limits) the
 * guest shares with the host, as it does under qemu; `fallback` without a host /proc.
 */
function hostSysctl(name: string, fallback: string): string {
  return hostProcText(`sys/${name}`, fallback);
}

/** The entries of /proc besides the processes, and /proc/sys as glibc and Python read it. */
export function procSystemEntries(k: LinuxKernel): Record<string, () => SyntheticNode> {
  const text = (s: () => string) => () => textFile(s);
  return {
    self: () => pathLink(() => String(k.pid)),
    'thread-self': () => pathLink(() => `${k.pid}/task/${k.thread.tid}`),
    cpuinfo: text(() => cpuInfo(k)),
    meminfo: text(memInfo),
    vmstat: text(vmStat),
    stat: text(() => statText(k)),
    uptime: text(() => `${uptime().toFixed(2)} ${idleSeconds().toFixed(2)}\n`),
    loadavg: text(() => loadAvg(k)),
    version: text(() => `Linux version ${release()} (arm64kit) ${version()}\n`),
    filesystems: text(() => `${FILESYSTEMS.join('\n')}\n`),
    mounts: () => pathLink(() => 'self/mounts'),
    locks: text(() => procLocksText(k.fileLocks.list())),
    sysvipc: () =>
      fixedDir({
        shm: text(() => procSysvShm(k.ipc)),
        sem: text(() => procSysvSem(k.ipc)),
        msg: text(() => procSysvMsg(k.ipc)),
      }),
    ...hostSystemEntries(),
    sys: () =>
      fixedDir({
        kernel: () =>
          fixedDir({
            osrelease: text(() => `${release()}\n`),
            ostype: text(() => 'Linux\n'),
            hostname: text(() => `${hostname()}\n`),
            version: text(() => `${version()}\n`),
            pid_max: text(() => '4194304\n'),
            ngroups_max: text(() => '65536\n'),
            ...Object.fromEntries(
              Object.entries(ipcLimitTexts(() => k.ipc)).map(([name, limit]) => [name, text(limit)] as const),
            ),
            random: () =>
              fixedDir({
                uuid: text(() => `${randomUUID()}\n`),
                boot_id: text(() => hostSysctl('kernel/random/boot_id', fallbackBootId())),
                entropy_avail: text(() => hostSysctl('kernel/random/entropy_avail', '256\n')),
                poolsize: text(() => hostSysctl('kernel/random/poolsize', '256\n')),
              }),
          }),
        fs: () =>
          fixedDir({
            'file-max': text(() => hostSysctl('fs/file-max', '9223372036854775807\n')),
            nr_open: text(() => hostSysctl('fs/nr_open', '1048576\n')),
          }),
        vm: () => fixedDir({ overcommit_memory: text(() => '0\n') }),
      }),
  };
}

/** /sys as far as programs count CPUs through it: the host's online, possible and present CPUs. */
export function sysRoot(): SyntheticNode {
  const cpus = guestCpus();
  const range = (text: string) => () => textFile(() => text);
  const cpuDirs = Object.fromEntries(cpus.possible.map((n) => [`cpu${n}`, () => fixedDir({})] as const));
  return fixedDir({
    devices: () =>
      fixedDir({
        system: () =>
          fixedDir({
            cpu: () =>
              fixedDir({
                online: range(cpus.onlineText),
                possible: range(cpus.possibleText),
                present: range(cpus.presentText),
                ...cpuDirs,
              }),
          }),
      }),
  });
}
