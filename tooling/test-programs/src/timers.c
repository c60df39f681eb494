/*
 * Interval timers and what their signals interrupt: a busy loop (asynchronous delivery), pause,
 * sigsuspend, nanosleep, poll, a blocking pipe read (EINTR, or restarted with SA_RESTART),
 * sigtimedwait, periodic timers, and SIGALRM's default action.
 * Usage: timers [die|external]   (external: spin until SIGINT arrives from another process)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t fired;
static int pipe_fds[2];

static volatile int outside_code = -99;

static void from_outside(int signo, siginfo_t *info, void *ctx) {
    outside_code = info->si_code;
    fired = 1;
}

static void on_alarm(int signo) {
    fired++;
}

static void write_from_handler(int signo) {
    fired++;
    write(pipe_fds[1], "from the handler", 16);
}

static void handle(void (*fn)(int), int flags) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fn;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);
}

static void arm(long usec, long interval_usec) {
    struct itimerval t = {{interval_usec / 1000000, interval_usec % 1000000}, {usec / 1000000, usec % 1000000}};
    setitimer(ITIMER_REAL, &t, NULL);
}

static const char *err(long r) {
    return r < 0 ? strerrorname_np(errno) : "ok";
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc > 1 && strcmp(argv[1], "external") == 0) {
        /* Spins until another process (the host running the emulator) sends SIGINT. */
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_sigaction = from_outside;
        sa.sa_flags = SA_SIGINFO;
        sigaction(SIGINT, &sa, NULL);
        printf("waiting for SIGINT\n");
        while (!fired) {
        }
        printf("got it: code %d\n", outside_code);
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "die") == 0) {
        printf("arming with SIGALRM at its default\n");
        arm(20000, 0);
        for (volatile long i = 0;; i++) {
        }
    }

    /*
     * No outcome below may depend on how soon the program runs again after arming a timer: on a
     * loaded machine (or under an emulator) that can take longer than the timer. So the time
     * left is read from a 30 s timer, and a call that must be interrupted gets a periodic timer:
     * if one expiry comes before the call blocks, the next one interrupts it.
     */
    handle(on_alarm, 0);
    arm(30000000, 0);
    struct itimerval now;
    getitimer(ITIMER_REAL, &now);
    long left = now.it_value.tv_sec * 1000000L + now.it_value.tv_usec;
    printf("armed: %d\n", left > 0 && left <= 30000000);
    arm(30000, 0);
    volatile unsigned long spins = 0;
    while (!fired) spins++;
    printf("busy loop interrupted: %d\n", fired);
    getitimer(ITIMER_REAL, &now);
    printf("one-shot disarmed: %d\n", now.it_value.tv_sec == 0 && now.it_value.tv_usec == 0);

    fired = 0;
    arm(20000, 20000);
    long r = pause();
    arm(0, 0);
    printf("pause: %ld %s, fired %d\n", r, err(r), fired > 0);

    fired = 0;
    sigset_t alrm, old, empty;
    sigemptyset(&alrm);
    sigaddset(&alrm, SIGALRM);
    sigemptyset(&empty);
    sigprocmask(SIG_BLOCK, &alrm, &old);
    arm(20000, 0);
    r = sigsuspend(&empty);
    printf("sigsuspend: %ld %s, fired %d\n", r, err(r), fired);
    arm(20000, 0);
    siginfo_t info;
    r = sigwaitinfo(&alrm, &info);
    printf("sigwaitinfo: %ld, code %d, handler not run %d\n", r, info.si_code, fired == 1);
    sigprocmask(SIG_SETMASK, &old, NULL);

    fired = 0;
    arm(20000, 20000);
    struct timespec req = {5, 0}, rem = {0, 0};
    r = nanosleep(&req, &rem);
    arm(0, 0);
    printf("nanosleep: %ld %s, fired %d, remaining below 5s %d\n", r, err(r), fired > 0,
           rem.tv_sec < 5 && (rem.tv_sec > 0 || rem.tv_nsec > 0));

    fired = 0;
    arm(20000, 20000);
    r = poll(NULL, 0, 5000);
    arm(0, 0);
    printf("poll: %ld %s, fired %d\n", r, err(r), fired > 0);
    r = poll(NULL, 0, 10);
    printf("poll timeout: %ld\n", r);

    pipe(pipe_fds);
    fired = 0;
    arm(20000, 20000);
    char buf[32] = {0};
    r = read(pipe_fds[0], buf, sizeof buf - 1);
    arm(0, 0);
    printf("read without SA_RESTART: %ld %s, fired %d\n", r, err(r), fired > 0);
    fired = 0;
    handle(write_from_handler, SA_RESTART);
    arm(20000, 0);
    r = read(pipe_fds[0], buf, sizeof buf - 1);
    printf("read with SA_RESTART: %ld [%s], fired %d\n", r, buf, fired);

    handle(on_alarm, SA_RESTART);
    fired = 0;
    arm(5000, 5000);
    while (fired < 5) spins++;
    arm(0, 0);
    getitimer(ITIMER_REAL, &now);
    printf("periodic: %d deliveries, then disarmed %d\n", fired >= 5,
           now.it_value.tv_usec == 0 && now.it_interval.tv_usec == 0);
    struct itimerval bad = {{0, 1000000}, {0, 1}};
    printf("bad usec: %s\n", err(setitimer(ITIMER_REAL, &bad, NULL)));
    printf("alarm: %u then %u\n", alarm(100), alarm(0) > 90);
    return 0;
}
