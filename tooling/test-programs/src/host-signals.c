/*
 * Signals and descriptors from the host: what a program sees of the process that runs it.
 * Usage: host-signals handle    handlers for SIGINT and SIGTERM; prints "ready", spins until one
 *                               arrives, then exits with 40 + its number (its own status)
 *        host-signals default   prints "ready" and spins: the default disposition ends it
 *        host-signals stdio     read(0) and write(2) as the host left those descriptors
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
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
