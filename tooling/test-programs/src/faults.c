/*
 * Ways a program dies: a wild pointer, a NULL read, abort(), a stack overflow, an explicit
 * exit status, a signal's default action. Usage: faults segv|null|abort|overflow|exit N|raise SIGNO
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile int sink;

static int __attribute__((noinline)) overflow(int n) {
    volatile char pad[256];
    pad[0] = (char)n;
    return overflow(n + 1) + pad[0];
}

int main(int argc, char **argv) {
    const char *what = argc > 1 ? argv[1] : "";
    printf("about to: %s\n", what);
    fflush(stdout);
    if (strcmp(what, "segv") == 0) *(volatile int *)0xdead0000 = 1;
    if (strcmp(what, "null") == 0) sink = *(volatile int *)0;
    if (strcmp(what, "abort") == 0) abort();
    if (strcmp(what, "overflow") == 0) sink = overflow(0);
    if (strcmp(what, "exit") == 0) exit(argc > 2 ? atoi(argv[2]) : 0);
    if (strcmp(what, "raise") == 0) raise(argc > 2 ? atoi(argv[2]) : 0);
    printf("still alive\n");
    return 3;
}
