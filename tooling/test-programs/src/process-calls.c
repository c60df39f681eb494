/*
 * Process-wide calls and files, each printing what it returned (and errno by name):
 *   pidfd_open, pidfd_send_signal, poll on a pidfd, /proc/self/fd of one
 *   prctl PR_SET_KEEPCAPS/PR_GET_KEEPCAPS and the other plain get/set options
 *   /proc/sys/kernel/random/{uuid,boot_id,entropy_avail,poolsize}, /proc/sys/fs/{file-max,nr_open}
 *   the CPUs: sched_getaffinity, sysconf, /sys/devices/system/cpu/online, /proc/cpuinfo, /proc/stat
 *   advice and scheduler queries: fadvise, readahead, sync_file_range, syncfs, mlockall, getcpu,
 *   sched_setaffinity, sched_getparam/getscheduler/get_priority_*, personality, ioprio_get
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void report(const char *what, long r) {
    if (r < 0)
        printf("%s: -1 %s\n", what, strerrorname_np(errno));
    else
        printf("%s: %ld\n", what, r);
}

static int read_text(const char *path, char *buf, size_t size) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -errno;
    ssize_t n = read(fd, buf, size - 1);
    close(fd);
    buf[n < 0 ? 0 : n] = 0;
    return n < 0 ? -1 : (int)n;
}

static int host_file(const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    int v = -1;
    if (fscanf(f, "%d", &v) != 1) v = -1;
    fclose(f);
    return v;
}

/* Whether `s` is a UUID as the kernel writes it: 8-4-4-4-12 lower-case hex digits and a newline. */
static int uuid_shaped(const char *s) {
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-') return 0;
        } else if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i])) {
            return 0;
        }
    }
    return s[36] == '\n' && s[37] == 0;
}

static void keepcaps(int keep);

static void pidfds(void) {
    int self = syscall(SYS_pidfd_open, getpid(), 0);
    printf("pidfd_open self >= 3: %d\n", self >= 3);
    printf("F_GETFD %d\n", fcntl(self, F_GETFD));
    char path[64], link[128] = "";
    snprintf(path, sizeof path, "/proc/self/fd/%d", self);
    ssize_t n = readlink(path, link, sizeof link - 1);
    printf("link: %s\n", n < 0 ? strerrorname_np(errno) : link);
    struct pollfd p = {self, POLLIN, 0};
    report("poll self", poll(&p, 1, 0));
    report("pidfd_send_signal self 0", syscall(SYS_pidfd_send_signal, self, 0, NULL, 0));
    report("pidfd_send_signal bad flags", syscall(SYS_pidfd_send_signal, self, 0, NULL, 0x100));
    report("pidfd_send_signal not a pidfd", syscall(SYS_pidfd_send_signal, 1, 0, NULL, 0));
    close(self);
    report("pidfd_open bad flags", syscall(SYS_pidfd_open, getpid(), 1));
    report("pidfd_open no such pid", syscall(SYS_pidfd_open, 99999999, 0));
    report("pidfd_open pid 0", syscall(SYS_pidfd_open, 0, 0));

    pid_t child = fork();
    if (child == 0) {
        for (;;) pause();
    }
    int fd = syscall(SYS_pidfd_open, child, 0);
    p.fd = fd;
    p.revents = 0;
    report("poll running child", poll(&p, 1, 0));
    report("pidfd_send_signal SIGTERM", syscall(SYS_pidfd_send_signal, fd, SIGTERM, NULL, 0));
    p.revents = 0;
    report("poll until it ends", poll(&p, 1, 5000));
    printf("revents POLLIN %d\n", (p.revents & POLLIN) != 0);
    int status = 0;
    waitpid(child, &status, 0);
    printf("child: signalled %d by %d\n", WIFSIGNALED(status), WTERMSIG(status));
    report("pidfd_send_signal after reaping", syscall(SYS_pidfd_send_signal, fd, SIGTERM, NULL, 0));
    close(fd);
}

static void prctls(void) {
    report("PR_GET_KEEPCAPS", prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0));
    report("PR_SET_KEEPCAPS 1", prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0));
    report("PR_GET_KEEPCAPS", prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0));
    report("PR_SET_KEEPCAPS 2", prctl(PR_SET_KEEPCAPS, 2, 0, 0, 0));
    report("PR_SET_KEEPCAPS 0", prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0));
    report("PR_GET_KEEPCAPS", prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0));
    report("PR_GET_TIMERSLACK", prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0));
    report("PR_SET_TIMERSLACK 100000", prctl(PR_SET_TIMERSLACK, 100000, 0, 0, 0));
    report("PR_GET_TIMERSLACK", prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0));
    report("PR_SET_TIMERSLACK 0 (default)", prctl(PR_SET_TIMERSLACK, 0, 0, 0, 0));
    report("PR_GET_TIMERSLACK", prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0));
    report("PR_GET_SECUREBITS", prctl(PR_GET_SECUREBITS, 0, 0, 0, 0));
    report("PR_GET_THP_DISABLE", prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0));
    report("PR_SET_THP_DISABLE 1", prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0));
    report("PR_GET_THP_DISABLE", prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0));
    report("PR_CAPBSET_READ 99", prctl(PR_CAPBSET_READ, 99, 0, 0, 0));
    report("PR_CAP_AMBIENT IS_SET 0", prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, 0, 0, 0));
    report("PR_MCE_KILL_GET", prctl(PR_MCE_KILL_GET, 0, 0, 0, 0));
    report("PR_GET_TIMING", prctl(PR_GET_TIMING, 0, 0, 0, 0));
    report("PR_GET_TAGGED_ADDR_CTRL", prctl(PR_GET_TAGGED_ADDR_CTRL, 0, 0, 0, 0));
    report("unknown option 9999", prctl(9999, 0, 0, 0, 0));
    pid_t child = fork();
    if (child == 0) {
        printf("child PR_GET_KEEPCAPS after fork: %d\n", prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0));
        _exit(0);
    }
    waitpid(child, NULL, 0);
    keepcaps(0);
    keepcaps(1);
}

/* The CapPrm and CapEff lines of /proc/self/status. */
static void show_caps(const char *what) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    printf("%s:", what);
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "CapPrm:", 7) || !strncmp(line, "CapEff:", 7)) printf(" %.*s", (int)strcspn(line, "\n"), line);
    if (f) fclose(f);
    printf("\n");
}

/* Leaving uid 0 with and without PR_SET_KEEPCAPS (as root; otherwise setresuid fails alike). */
static void keepcaps(int keep) {
    pid_t child = fork();
    if (child == 0) {
        prctl(PR_SET_KEEPCAPS, keep, 0, 0, 0);
        int r = setresuid(1000, 1000, 1000);
        printf("keepcaps %d: setresuid %d, PR_GET_KEEPCAPS %d\n", keep, r, prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0));
        show_caps(keep ? "kept" : "dropped");
        _exit(0);
    }
    waitpid(child, NULL, 0);
}

static void proc_sys(void) {
    char a[128], b[128];
    printf("uuid read: %d shaped: %d\n", read_text("/proc/sys/kernel/random/uuid", a, sizeof a), uuid_shaped(a));
    read_text("/proc/sys/kernel/random/uuid", b, sizeof b);
    printf("uuid differs each read: %d version 4: %d\n", strcmp(a, b) != 0, a[14] == '4');
    printf("boot_id read: %d shaped: %d\n", read_text("/proc/sys/kernel/random/boot_id", a, sizeof a), uuid_shaped(a));
    read_text("/proc/sys/kernel/random/boot_id", b, sizeof b);
    printf("boot_id stays: %d\n", strcmp(a, b) == 0);
    const char *numbers[] = {"/proc/sys/kernel/random/entropy_avail", "/proc/sys/kernel/random/poolsize",
                             "/proc/sys/fs/file-max", "/proc/sys/fs/nr_open"};
    for (int i = 0; i < 4; i++) {
        int r = read_text(numbers[i], a, sizeof a);
        printf("%s: %s", numbers[i], r < 0 ? "unreadable\n" : a);
    }
    printf("file-max positive: %d\n", host_file("/proc/sys/fs/file-max") > 0);
}

static void cpus(void) {
    cpu_set_t set;
    CPU_ZERO(&set);
    report("sched_getaffinity", sched_getaffinity(0, sizeof set, &set));
    printf("affinity CPUs: %d\n", CPU_COUNT(&set));
    printf("sysconf online: %ld configured: %ld\n", sysconf(_SC_NPROCESSORS_ONLN), sysconf(_SC_NPROCESSORS_CONF));
    char text[256];
    const char *ranges[] = {"/sys/devices/system/cpu/online", "/sys/devices/system/cpu/possible",
                            "/sys/devices/system/cpu/present"};
    for (int i = 0; i < 3; i++) {
        int r = read_text(ranges[i], text, sizeof text);
        printf("%s: %s", ranges[i], r < 0 ? "unreadable\n" : text);
    }
    FILE *f = fopen("/proc/stat", "r");
    int lines = 0;
    char line[512];
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "cpu", 3) == 0 && isdigit((unsigned char)line[3])) lines++;
    if (f) fclose(f);
    printf("/proc/stat cpuN lines: %d\n", lines);
}

static void hints(void) {
    int fd = open("hints", O_RDWR | O_CREAT | O_TRUNC, 0644);
    write(fd, "abc", 3);
    int p[2];
    pipe(p);
    int e = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    printf("posix_fadvise: %s\n", e ? strerrorname_np(e) : "0");
    report("fadvise64 bad advice", syscall(SYS_fadvise64, fd, 0, 0, 99));
    report("fadvise64 pipe", syscall(SYS_fadvise64, p[0], 0, 0, 0));
    report("fadvise64 bad fd", syscall(SYS_fadvise64, 999, 0, 0, 0));
    report("readahead", readahead(fd, 0, 4096));
    report("readahead pipe", readahead(p[0], 0, 4096));
    report("sync_file_range", sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE));
    report("sync_file_range bad flags", sync_file_range(fd, 0, 0, 99));
    report("syncfs", syncfs(fd));
    report("mlockall", mlockall(MCL_CURRENT));
    report("munlockall", munlockall());
    report("mlockall 0", mlockall(0));
    unsigned cpu = 99, node = 99;
    report("getcpu", syscall(SYS_getcpu, &cpu, &node, NULL));
    printf("getcpu: allowed %d node %u\n", cpu < (unsigned)sysconf(_SC_NPROCESSORS_CONF), node);
    cpu_set_t s;
    CPU_ZERO(&s);
    CPU_SET(0, &s);
    report("sched_setaffinity CPU 0", sched_setaffinity(0, sizeof s, &s));
    CPU_ZERO(&s);
    sched_getaffinity(0, sizeof s, &s);
    printf("affinity now: %d CPUs, CPU 0 %d\n", CPU_COUNT(&s), CPU_ISSET(0, &s));
    pid_t child = fork();
    if (child == 0) {
        CPU_ZERO(&s);
        sched_getaffinity(0, sizeof s, &s);
        printf("a child's affinity: %d CPUs\n", CPU_COUNT(&s));
        _exit(0);
    }
    waitpid(child, NULL, 0);
    CPU_ZERO(&s);
    CPU_SET(1000, &s);
    report("sched_setaffinity no such CPU", sched_setaffinity(0, sizeof s, &s));
    struct sched_param sp = {99};
    report("sched_getparam", sched_getparam(0, &sp));
    printf("priority %d\n", sp.sched_priority);
    report("sched_getscheduler", sched_getscheduler(0));
    report("sched_getscheduler no such pid", sched_getscheduler(99999999));
    report("sched_get_priority_max FIFO", sched_get_priority_max(SCHED_FIFO));
    report("sched_get_priority_min FIFO", sched_get_priority_min(SCHED_FIFO));
    report("sched_get_priority_max OTHER", sched_get_priority_max(SCHED_OTHER));
    report("sched_get_priority_max 42", sched_get_priority_max(42));
    report("personality query", personality(0xffffffff));
    report("ioprio_get", syscall(SYS_ioprio_get, 1, 0));
    report("ioprio_get bad which", syscall(SYS_ioprio_get, 9, 0));
    close(p[0]);
    close(p[1]);
    close(fd);
    unlink("hints");
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    const char *only = argc > 1 ? argv[1] : "";
    if (!*only || !strcmp(only, "pidfd")) pidfds();
    if (!*only || !strcmp(only, "prctl")) prctls();
    if (!*only || !strcmp(only, "proc")) proc_sys();
    if (!*only || !strcmp(only, "cpus")) cpus();
    if (!*only || !strcmp(only, "hints")) hints();
    return 0;
}
