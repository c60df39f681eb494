/**
 * How many CPUs the guest has: its threads all run on one host thread, so one. sched_getaffinity,
 * /proc/cpuinfo, /proc/stat and /sys/devices/system/cpu all say so, and so nproc and
 * os.cpu_count() agree.
 */
export const GUEST_CPUS = 1;
