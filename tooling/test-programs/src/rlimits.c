/*
 * Resource limits as the kernel keeps them per process: setrlimit and prlimit64 change what
 * getrlimit and /proc/self/limits say, the old limit comes back from prlimit64, a child
 * inherits them, and RLIMIT_NOFILE bounds the descriptors (EMFILE for open, EBADF for dup2,
 * EINVAL for F_DUPFD). EINVAL and EPERM where the kernel refuses.
 *
 * The starting soft RLIMIT_NOFILE is never printed: qemu passes on whatever its parent had
 * (Node raises its own to the hard limit), while arm64kit starts guests at the kernel's 1024.
 * Nor are RLIMIT_STACK, RLIMIT_AS and RLIMIT_DATA set: qemu keeps those for itself (it answers 0
 * and changes nothing). How many descriptors open gives before EMFILE is not printed either: qemu's
 * own take some of the guest's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static void result(const char *what, long r) {
    printf("%s: %ld %s\n", what, r, r < 0 ? strerrorname_np(errno) : "ok");
}

static void show(const char *what, int resource) {
    struct rlimit r;
    if (getrlimit(resource, &r) != 0) {
        result(what, -1);
        return;
    }
    printf("%s: soft %lld hard %lld\n", what, (long long)r.rlim_cur, (long long)r.rlim_max);
}

/* The /proc/self/limits line of one resource, as the kernel lays it out. */
static void show_proc_line(const char *name) {
    FILE *f = fopen("/proc/self/limits", "r");
    char line[256];
    if (!f) {
        result("open /proc/self/limits", -1);
        return;
    }
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, name, strlen(name)) == 0) printf("limits: %s", line);
    }
    fclose(f);
}

int main(void) {
    struct rlimit r = {64, 128}, old;
    result("setrlimit NOFILE 64/128", setrlimit(RLIMIT_NOFILE, &r));
    show("NOFILE", RLIMIT_NOFILE);
    show_proc_line("Max open files");

    int last = -1;
    for (;;) {
        int fd = open("/dev/null", O_RDONLY);
        if (fd < 0) {
            printf("open stops at errno %s, last fd %d\n", strerrorname_np(errno), last);
            break;
        }
        last = fd;
    }
    for (int fd = 3; fd <= last; fd++) close(fd);
    result("dup2 to 64", dup2(0, 64));
    result("dup2 to 63", dup2(0, 63));
    close(63);
    result("F_DUPFD from 64", fcntl(0, F_DUPFD, 64));
    result("F_DUPFD from 60", fcntl(0, F_DUPFD, 60));

    r.rlim_cur = 200;
    r.rlim_max = 100;
    result("soft above hard", setrlimit(RLIMIT_NOFILE, &r));
    r.rlim_cur = r.rlim_max = (rlim_t)1 << 21;
    result("NOFILE above nr_open", setrlimit(RLIMIT_NOFILE, &r));
    result("resource 99", getrlimit(99, &r));
    show("NOFILE after refusals", RLIMIT_NOFILE);

    r.rlim_cur = 0;
    struct rlimit core;
    getrlimit(RLIMIT_CORE, &core);
    r.rlim_max = core.rlim_max;
    result("prlimit CORE soft 0", prlimit(0, RLIMIT_CORE, &r, &old));
    printf("old CORE hard is the hard one: %d\n", old.rlim_max == core.rlim_max);
    show("CORE", RLIMIT_CORE);
    show_proc_line("Max core file size");

    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        show("child CORE", RLIMIT_CORE);
        show("child NOFILE", RLIMIT_NOFILE);
        r.rlim_cur = r.rlim_max = 0;
        result("child sets its CORE hard to 0", setrlimit(RLIMIT_CORE, &r));
        show("child CORE", RLIMIT_CORE);
        fflush(stdout);
        _exit(0);
    }
    int status;
    waitpid(child, &status, 0);
    show("parent CORE after the child changed its own", RLIMIT_CORE);
    /* Raising a hard limit needs CAP_SYS_RESOURCE: both answers come from the host here. */
    r.rlim_cur = 64;
    r.rlim_max = 256;
    long raised = setrlimit(RLIMIT_NOFILE, &r);
    printf("raise NOFILE hard to 256: %s\n", raised == 0 ? "allowed" : strerrorname_np(errno));
    return 0;
}
