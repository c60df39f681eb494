/*
 * CPU time as programs measure it: times(2) (clock ticks that advance, tms_utime/tms_stime of
 * the process, tms_cutime/tms_cstime of waited-for children), getrusage RUSAGE_SELF, THREAD
 * and CHILDREN, and wait4's rusage of the child it reaps. Each check burns CPU until the
 * measure moves, so what is printed does not depend on the machine's speed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long us(struct rusage *r) {
    return (r->ru_utime.tv_sec + r->ru_stime.tv_sec) * 1000000LL + r->ru_utime.tv_usec + r->ru_stime.tv_usec;
}

static long long self_us(int who) {
    struct rusage r;
    getrusage(who, &r);
    return us(&r);
}

static volatile unsigned long sink;

/* Spins until getrusage(who) reports `want` more microseconds than at the start (bounded). */
static int burn(int who, long long want) {
    long long start = self_us(who);
    for (long round = 0; round < 20000000; round++) {
        for (int i = 0; i < 10000; i++) sink = sink * 31 + i;
        if (self_us(who) - start >= want) return 1;
    }
    return 0;
}

static void *thread_main(void *arg) {
    (void)arg;
    long long before = self_us(RUSAGE_THREAD);
    int moved = burn(RUSAGE_THREAD, 30000);
    printf("RUSAGE_THREAD of a busy thread moves: %d (from below the process's: %d)\n", moved,
           before < self_us(RUSAGE_SELF));
    return NULL;
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    long hz = sysconf(_SC_CLK_TCK);
    printf("clock ticks per second: %ld\n", hz);

    struct tms t0, t1;
    clock_t c0 = times(&t0);
    struct timespec pause = {0, 60000000};
    nanosleep(&pause, NULL);
    clock_t c1 = times(&t1);
    printf("times() advances over a 60 ms sleep: %d\n", c1 - c0 >= 5);

    printf("RUSAGE_SELF moves while computing: %d\n", burn(RUSAGE_SELF, 40000));
    clock_t start = times(&t0);
    int ticked = 0;
    for (long round = 0; round < 20000000 && !ticked; round++) {
        for (int i = 0; i < 10000; i++) sink = sink * 31 + i;
        times(&t1);
        ticked = t1.tms_utime + t1.tms_stime - t0.tms_utime - t0.tms_stime >= 3;
    }
    printf("tms_utime + tms_stime move while computing: %d, elapsed ticks too: %d\n", ticked, times(&t1) > start);

    struct rusage self;
    getrusage(RUSAGE_SELF, &self);
    printf("ru_maxrss positive: %d\n", self.ru_maxrss > 0);
    printf("getrusage(5): %d %s\n", getrusage(5, &self), strerrorname_np(errno));

    pthread_t thread;
    pthread_create(&thread, NULL, thread_main, NULL);
    pthread_join(thread, NULL);

    printf("RUSAGE_CHILDREN before any child: %lld\n", self_us(RUSAGE_CHILDREN));
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) _exit(burn(RUSAGE_SELF, 50000) ? 0 : 1);
    /* A child not waited for yet is not counted. */
    struct rusage of_child;
    int status;
    wait4(child, &status, 0, &of_child);
    printf("child burned: %d, wait4 rusage >= 50 ms: %d\n", WEXITSTATUS(status) == 0, us(&of_child) >= 50000);
    printf("RUSAGE_CHILDREN after wait >= 50 ms: %d\n", self_us(RUSAGE_CHILDREN) >= 50000);
    times(&t1);
    /* 50 ms is 5 ticks, less what truncating utime and stime separately may drop. */
    printf("tms_cutime + tms_cstime >= 3 ticks: %d\n", t1.tms_cutime + t1.tms_cstime >= 3);
    return 0;
}
