/*
 * POSIX timers (timer_create and friends): ids, the kernel's argument checks, SI_TIMER siginfo
 * with the timer's id and sigev_value, overruns counted while the signal stays pending,
 * timer_gettime and the old value, absolute times, SIGEV_NONE, SIGEV_THREAD_ID through glibc's
 * SIGEV_THREAD, timers per process (a fork's child has none) and timer_delete.
 * Prints only what does not depend on timing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t fired;
static volatile int seen_code, seen_timerid, seen_value, seen_overrun;

static void on_timer(int signo, siginfo_t *info, void *ctx) {
    (void)signo;
    (void)ctx;
    seen_code = info->si_code;
    seen_timerid = info->si_timerid;
    seen_value = info->si_value.sival_int;
    seen_overrun = info->si_overrun;
    fired++;
}

static const char *err(long r) {
    return r < 0 ? strerrorname_np(errno) : "ok";
}

/* The raw system call: glibc's wrappers would hide the kernel's ids and checks. */
static long create(clockid_t clock, struct sigevent *event, int *id) {
    return syscall(SYS_timer_create, clock, event, id);
}

static long settime(int id, int flags, long value_ns, long interval_ns, struct itimerspec *old) {
    struct itimerspec spec = {{interval_ns / 1000000000, interval_ns % 1000000000},
                              {value_ns / 1000000000, value_ns % 1000000000}};
    return syscall(SYS_timer_settime, id, flags, &spec, old);
}

static struct sigevent signal_event(int signo, int value) {
    struct sigevent event;
    memset(&event, 0, sizeof event);
    event.sigev_notify = SIGEV_SIGNAL;
    event.sigev_signo = signo;
    event.sigev_value.sival_int = value;
    return event;
}

static void wait_for(int count) {
    sigset_t none;
    sigemptyset(&none);
    while (fired < count) sigsuspend(&none);
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done = PTHREAD_COND_INITIALIZER;
static int thread_calls;

static void in_thread(union sigval value) {
    pthread_mutex_lock(&lock);
    if (thread_calls++ == 0) printf("SIGEV_THREAD callback: value %d, in another thread: %s\n", value.sival_int, "yes");
    pthread_cond_signal(&done);
    pthread_mutex_unlock(&lock);
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_timer;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);
    sigaction(SIGRTMIN + 3, &sa, NULL);

    int first = -1, second = -1, bad = -1;
    long r = create(CLOCK_MONOTONIC, NULL, &first);
    printf("create (no sigevent): %s, id %d\n", err(r), first);
    struct sigevent rt = signal_event(SIGRTMIN + 3, 77);
    r = create(CLOCK_REALTIME, &rt, &second);
    printf("create (SIGRTMIN+3): %s, id %d\n", err(r), second);

    /* The kernel's checks. */
    printf("clock 99: %s\n", err(create(99, NULL, &bad)));
    printf("CLOCK_MONOTONIC_RAW: %s\n", err(create(CLOCK_MONOTONIC_RAW, NULL, &bad)));
    struct sigevent odd = signal_event(SIGALRM, 0);
    odd.sigev_notify = 99;
    printf("notify 99: %s\n", err(create(CLOCK_MONOTONIC, &odd, &bad)));
    struct sigevent zero = signal_event(0, 0);
    printf("signal 0: %s\n", err(create(CLOCK_MONOTONIC, &zero, &bad)));
    struct sigevent high = signal_event(65, 0);
    printf("signal 65: %s\n", err(create(CLOCK_MONOTONIC, &high, &bad)));
    struct sigevent none_signal = signal_event(0, 0);
    none_signal.sigev_notify = SIGEV_NONE;
    int none_id = -1;
    printf("SIGEV_NONE with signal 0: %s\n", err(create(CLOCK_MONOTONIC, &none_signal, &none_id)));
    struct sigevent stranger = signal_event(SIGALRM, 0);
    stranger.sigev_notify = SIGEV_THREAD_ID;
    stranger._sigev_un._tid = 999999;
    printf("SIGEV_THREAD_ID to no thread: %s\n", err(create(CLOCK_MONOTONIC, &stranger, &bad)));
    printf("settime on no timer: %s\n", err(settime(12345, 0, 1000000, 0, NULL)));
    struct itimerspec wrong = {{0, 0}, {0, 1000000000}};
    printf("settime nsec 1e9: %s\n", err(syscall(SYS_timer_settime, first, 0, &wrong, NULL)));
    printf("settime without a value: %s\n", err(syscall(SYS_timer_settime, first, 0, NULL, NULL)));

    /* One shot: SIGALRM with SI_TIMER, the id as si_value (no sigevent given). */
    printf("arm 20 ms: %s\n", err(settime(first, 0, 20000000, 0, NULL)));
    wait_for(1);
    printf("fired: code %s, timerid matches %s, value %d, overrun %d\n", seen_code == SI_TIMER ? "SI_TIMER" : "other",
           seen_timerid == first ? "yes" : "no", seen_value, seen_overrun);

    /* Periodic while blocked: one signal, the rest overruns. */
    sigset_t rtset;
    sigemptyset(&rtset);
    sigaddset(&rtset, SIGRTMIN + 3);
    sigprocmask(SIG_BLOCK, &rtset, NULL);
    settime(second, 0, 1000000, 1000000, NULL);
    struct timespec pause_for = {0, 60000000};
    nanosleep(&pause_for, NULL);
    siginfo_t info;
    int got = sigwaitinfo(&rtset, &info);
    long overrun = syscall(SYS_timer_getoverrun, second);
    printf("periodic while blocked: signal %s, value %d, overruns >= 10: %s, getoverrun matches: %s\n",
           got == SIGRTMIN + 3 ? "SIGRTMIN+3" : "other", info.si_value.sival_int, info.si_overrun >= 10 ? "yes" : "no",
           overrun == info.si_overrun ? "yes" : "no");
    /* Disarming drops the signal the timer may have queued since. */
    settime(second, 0, 0, 0, NULL);
    sigset_t pending;
    sigpending(&pending);
    printf("disarmed: pending %s, getoverrun %ld\n", sigismember(&pending, SIGRTMIN + 3) ? "yes" : "no",
           syscall(SYS_timer_getoverrun, second));
    sigprocmask(SIG_UNBLOCK, &rtset, NULL);

    /* timer_gettime and the old value. */
    settime(first, 0, 10000000000L, 2500000000L, NULL);
    struct itimerspec now_spec;
    syscall(SYS_timer_gettime, first, &now_spec);
    printf("gettime: value between 9 and 10 s: %s, interval %ld.%09ld\n",
           now_spec.it_value.tv_sec == 9 || (now_spec.it_value.tv_sec == 10 && now_spec.it_value.tv_nsec == 0) ? "yes" : "no",
           (long)now_spec.it_interval.tv_sec, now_spec.it_interval.tv_nsec);
    struct itimerspec old;
    settime(first, 0, 0, 0, &old);
    printf("disarm: old value set %s, old interval %ld.%09ld\n", old.it_value.tv_sec >= 9 ? "yes" : "no",
           (long)old.it_interval.tv_sec, old.it_interval.tv_nsec);
    syscall(SYS_timer_gettime, first, &now_spec);
    printf("gettime disarmed: %ld.%09ld / %ld.%09ld\n", (long)now_spec.it_value.tv_sec, now_spec.it_value.tv_nsec,
           (long)now_spec.it_interval.tv_sec, now_spec.it_interval.tv_nsec);

    /* Absolute times on the timer's clock: one already past fires at once, one ahead later. */
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    fired = 0;
    settime(first, TIMER_ABSTIME, (t.tv_sec - 1) * 1000000000L + t.tv_nsec, 0, NULL);
    wait_for(1);
    printf("absolute, in the past: fired %d\n", fired);
    clock_gettime(CLOCK_REALTIME, &t);
    fired = 0;
    settime(second, TIMER_ABSTIME, t.tv_sec * 1000000000L + t.tv_nsec + 30000000L, 0, NULL);
    wait_for(1);
    printf("absolute realtime, 30 ms ahead: fired %d, value %d\n", fired, seen_value);

    /* SIGEV_NONE: nothing is sent, but the time runs. */
    settime(none_id, 0, 5000000, 0, NULL);
    nanosleep(&pause_for, NULL);
    syscall(SYS_timer_gettime, none_id, &now_spec);
    printf("SIGEV_NONE after expiry: %ld.%09ld, nothing sent: %s\n", (long)now_spec.it_value.tv_sec,
           now_spec.it_value.tv_nsec, fired == 1 ? "yes" : "no");

    /* glibc's SIGEV_THREAD: a helper thread, told by SIGEV_THREAD_ID. */
    timer_t threaded;
    struct sigevent te;
    memset(&te, 0, sizeof te);
    te.sigev_notify = SIGEV_THREAD;
    te.sigev_notify_function = in_thread;
    te.sigev_value.sival_int = 5;
    printf("SIGEV_THREAD create: %s\n", err(timer_create(CLOCK_MONOTONIC, &te, &threaded)));
    struct itimerspec soon = {{0, 0}, {0, 10000000}};
    timer_settime(threaded, 0, &soon, NULL);
    pthread_mutex_lock(&lock);
    while (thread_calls == 0) pthread_cond_wait(&done, &lock);
    pthread_mutex_unlock(&lock);
    printf("SIGEV_THREAD delete: %s\n", err(timer_delete(threaded)));

    /* A fork's child has no timers; the parent's go on. */
    pid_t child = fork();
    if (child == 0) {
        printf("child gettime on the parent's timer: %s\n", err(syscall(SYS_timer_gettime, first, &now_spec)));
        _exit(0);
    }
    waitpid(child, NULL, 0);
    printf("parent gettime: %s\n", err(syscall(SYS_timer_gettime, first, &now_spec)));

    printf("delete: %s\n", err(syscall(SYS_timer_delete, first)));
    printf("delete again: %s\n", err(syscall(SYS_timer_delete, first)));
    printf("gettime deleted: %s\n", err(syscall(SYS_timer_gettime, first, &now_spec)));
    return 0;
}
