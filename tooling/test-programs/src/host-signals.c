/*
 * Signals and descriptors from the host: what a program sees of the process that runs it.
 * Usage: host-signals handle    handlers for SIGINT and SIGTERM; prints "ready", spins until one
 *                               arrives, then exits with 40 + its number (its own status)
 *        host-signals default   prints "ready" and spins: the default disposition ends it
 *        host-signals stdio     read(0), write(2), fstat(0), F_GETFL and /proc/self/fd/0 as the
 *                               host left those descriptors
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static volatile sig_atomic_t got;

static void on_signal(int signo) { got = signo; }

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "";
    if (strcmp(mode, "stdio") == 0) {
        char c;
        ssize_t n = read(0, &c, 1);
        printf("read(0): %zd %s\n", n, n < 0 ? strerrorname_np(errno) : "");
        n = write(2, "", 0);
        printf("write(2): %zd %s\n", n, n < 0 ? strerrorname_np(errno) : "");
        struct stat st;
        if (fstat(0, &st) == 0)
            printf("fstat(0): %s %u:%u\n", S_ISCHR(st.st_mode) ? "char" : "other", major(st.st_rdev),
                   minor(st.st_rdev));
        else
            printf("fstat(0): %s\n", strerrorname_np(errno));
        int fl = fcntl(0, F_GETFL);
        printf("F_GETFL(0): %s\n", fl < 0 ? strerrorname_np(errno) : (fl & O_ACCMODE) == O_RDWR ? "O_RDWR" : "other");
        char link[256] = "";
        ssize_t len = readlink("/proc/self/fd/0", link, sizeof link - 1);
        printf("/proc/self/fd/0: %s\n", len < 0 ? strerrorname_np(errno) : link);
        return 0;
    }
    if (strcmp(mode, "handle") == 0) {
        signal(SIGINT, on_signal);
        signal(SIGTERM, on_signal);
    }
    printf("ready\n");
    fflush(stdout);
    while (!got) {
    }
    printf("handled %d\n", got);
    return 40 + got;
}
