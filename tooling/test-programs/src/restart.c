/*
 * Blocking calls interrupted by a stop signal. Each scenario runs in a child that blocks in one
 * call; the parent stops every child with SIGSTOP about 300 ms into its wait, keeps them stopped
 * for 700 ms, then continues them with SIGCONT. With no handler involved the kernel restarts the
 * call: sleeps and futex waits keep their first deadline (restart_syscall), so a 1.5 s wait ends
 * about 1.5 s after it began, not 2.2 s; ppoll and pselect6 write the time left back and restart
 * with it, so for them the stop does not count; a read gets its data once, also when it was
 * written during the stop. A few interfaces fail with EINTR instead (epoll_wait, sigtimedwait, a
 * socket with SO_RCVTIMEO), as signal(7) lists — even when what they waited for came during the
 * stop, and in any thread of the process.
 * Each child reports its call's result and when it returned, counted from a start all children
 * share, compared with the times of the stop and the continue.
 *
 * qemu-aarch64-static passes the calls to the host's kernel and agrees, except that it does not
 * write the time left to clock_nanosleep's rem at the stop: with the argument "rem" the program
 * shows that too, and the host kernel running the same program built for the host is the oracle
 * (packages/arm64/test/job-control.test.ts). Built with -DSHOW_TIMES it prints each call's times
 * relative to the stop, to see how far off a loaded run was.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WAIT_MS 1500

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * When a call ended, from its start and end and the parent's stop and continue (one monotonic
 * clock for all): before its deadline, by its first deadline (the stop did not count), or by a
 * deadline the stop moved. The bounds leave hundreds of milliseconds for a loaded machine.
 */
static const char *when(int64_t start, int64_t end, int64_t stopped, int64_t continued) {
  if (end < start + WAIT_MS - 100) return "ended early";
  if (end < start + WAIT_MS + (continued - stopped) / 2) return "first deadline kept";
  return "deadline moved by the stop";
}

static const char *outcome(long r) {
  static char text[64];
  if (r < 0) snprintf(text, sizeof text, "-1 %s", strerrorname_np(errno));
  else snprintf(text, sizeof text, "%ld", r);
  return text;
}

/* When the scenario's call returned, taken before anything else runs. */
static int64_t ended;

static const struct timespec one_wait = {WAIT_MS / 1000, (WAIT_MS % 1000) * 1000000L};

/* CLOCK_MONOTONIC's time WAIT_MS from now, for the absolute waits. */
static struct timespec wait_end(void) {
  struct timespec until;
  clock_gettime(CLOCK_MONOTONIC, &until);
  until.tv_sec += one_wait.tv_sec;
  until.tv_nsec += one_wait.tv_nsec;
  if (until.tv_nsec >= 1000000000L) {
    until.tv_sec++;
    until.tv_nsec -= 1000000000L;
  }
  return until;
}

/* Each scenario blocks once and writes its report to `out`; `in` is its own pipe's read end. */
typedef void (*scenario_fn)(int in, char *report, size_t size);

static void do_nanosleep(int in, char *report, size_t size) {
  (void)in;
  long r = nanosleep(&one_wait, NULL);
  ended = now_ms();
  snprintf(report, size, "%s", outcome(r));
}

/* With the argument "rem": whether the kernel wrote the time left to rem (it does at the stop; qemu does not). */
static int show_rem;

static void do_clock_nanosleep(int in, char *report, size_t size) {
  (void)in;
  struct timespec rem = {7, 7};
  int err = clock_nanosleep(CLOCK_MONOTONIC, 0, &one_wait, &rem);
  ended = now_ms();
  int untouched = rem.tv_sec == 7 && rem.tv_nsec == 7;
  if (show_rem) snprintf(report, size, "%s, rem untouched %d", err ? strerrorname_np(err) : "0", untouched);
  else snprintf(report, size, "%s", err ? strerrorname_np(err) : "0");
}

static void do_clock_nanosleep_abs(int in, char *report, size_t size) {
  (void)in;
  struct timespec until = wait_end();
  int err = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL);
  ended = now_ms();
  snprintf(report, size, "%s", err ? strerrorname_np(err) : "0");
}

static void do_ppoll(int in, char *report, size_t size) {
  struct pollfd p = {in, POLLIN, 0};
  struct timespec timeout = one_wait;
  long r = ppoll(&p, 1, &timeout, NULL);
  ended = now_ms();
  snprintf(report, size, "%s, time left %ld.%09ld", outcome(r), (long)timeout.tv_sec, timeout.tv_nsec);
}

static void do_select(int in, char *report, size_t size) {
  fd_set set;
  FD_ZERO(&set);
  FD_SET(in, &set);
  struct timeval timeout = {WAIT_MS / 1000, (WAIT_MS % 1000) * 1000};
  long r = select(in + 1, &set, NULL, NULL, &timeout);
  ended = now_ms();
  snprintf(report, size, "%s, time left %ld.%06ld", outcome(r), (long)timeout.tv_sec, (long)timeout.tv_usec);
}

static void do_pselect(int in, char *report, size_t size) {
  fd_set set;
  FD_ZERO(&set);
  FD_SET(in, &set);
  struct timespec timeout = one_wait;
  long r = pselect(in + 1, &set, NULL, NULL, &timeout, NULL);
  ended = now_ms();
  snprintf(report, size, "%s", outcome(r));
}

static void do_futex(int in, char *report, size_t size) {
  (void)in;
  static uint32_t word;
  long r = syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, &one_wait, NULL, 0);
  ended = now_ms();
  snprintf(report, size, "%s", outcome(r));
}

static void do_futex_bitset_abs(int in, char *report, size_t size) {
  (void)in;
  static uint32_t word;
  struct timespec until = wait_end();
  long r = syscall(SYS_futex, &word, FUTEX_WAIT_BITSET_PRIVATE, 0, &until, NULL, FUTEX_BITSET_MATCH_ANY);
  ended = now_ms();
  snprintf(report, size, "%s", outcome(r));
}

static void do_epoll_wait(int in, char *report, size_t size) {
  int ep = epoll_create1(0);
  struct epoll_event ev = {.events = EPOLLIN, .data.fd = in};
  epoll_ctl(ep, EPOLL_CTL_ADD, in, &ev);
  long r = epoll_wait(ep, &ev, 1, WAIT_MS);
  ended = now_ms();
  snprintf(report, size, "%s", outcome(r));
}

static void do_sigtimedwait(int in, char *report, size_t size) {
  (void)in;
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  sigprocmask(SIG_BLOCK, &set, NULL);
  long r = sigtimedwait(&set, NULL, &one_wait);
  ended = now_ms();
  snprintf(report, size, "%s", outcome(r));
}

static void do_recv_timeout(int in, char *report, size_t size) {
  (void)in;
  int pair[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, pair);
  struct timeval timeout = {WAIT_MS / 1000, (WAIT_MS % 1000) * 1000};
  setsockopt(pair[0], SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  char c;
  long r = recv(pair[0], &c, 1, 0);
  ended = now_ms();
  snprintf(report, size, "%s", outcome(r));
}

/*
 * ppoll as the system call, on a socket nothing arrives at: the kernel writes the time left back
 * at the stop and restarts with it. (poll() itself is ppoll on aarch64, and a system call of
 * its own with another restart on x86_64, so it is left out.)
 */
static void do_raw_ppoll(int in, char *report, size_t size) {
  (void)in;
  int pair[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, pair);
  struct pollfd p = {pair[0], POLLIN, 0};
  struct timespec timeout = one_wait;
  long r = syscall(SYS_ppoll, &p, 1, &timeout, NULL, 8);
  ended = now_ms();
  snprintf(report, size, "%s, time left %ld.%09ld", outcome(r), (long)timeout.tv_sec, timeout.tv_nsec);
}

/* A read on the scenario's pipe: the parent writes once, after the child was continued. */
static void do_read(int in, char *report, size_t size) {
  char buf[64];
  long r = read(in, buf, sizeof buf - 1);
  ended = now_ms();
  buf[r > 0 ? r : 0] = 0;
  struct pollfd p = {in, POLLIN, 0};
  int more = poll(&p, 1, 0);
  snprintf(report, size, "%s \"%s\", more %d", outcome(r), buf, more);
}

static void do_wait4(int in, char *report, size_t size) {
  (void)in;
  pid_t pid = fork();
  if (pid == 0) {
    nanosleep(&one_wait, NULL);
    _exit(3);
  }
  int status = 0;
  long r = waitpid(pid, &status, 0);
  ended = now_ms();
  snprintf(report, size, "%s, exit %d", r == pid ? "the child" : outcome(r), WEXITSTATUS(status));
}

static void do_pause_like(int in, char *report, size_t size) {
  (void)in;
  sigset_t none;
  sigemptyset(&none);
  sigset_t usr2;
  sigemptyset(&usr2);
  sigaddset(&usr2, SIGUSR2);
  sigprocmask(SIG_BLOCK, &usr2, NULL);
  /* sigsuspend waits for a signal with a handler; SIGUSR2 arrives from the parent at the end. */
  long r = sigsuspend(&none);
  ended = now_ms();
  snprintf(report, size, "%s", outcome(r));
}

/* epoll_wait in a second thread while the first waits to join it: the stop interrupts both. */
struct threaded {
  int in;
  char *report;
  size_t size;
};

static void *epoll_thread(void *arg) {
  struct threaded *t = arg;
  do_epoll_wait(t->in, t->report, t->size);
  return NULL;
}

static void do_threaded_epoll(int in, char *report, size_t size) {
  struct threaded t = {in, report, size};
  pthread_t thread;
  pthread_create(&thread, NULL, epoll_thread, &t);
  pthread_join(thread, NULL);
}

static void on_usr2(int sig) { (void)sig; }

/* What a child reports: its call's outcome, and when the call began and ended (ms). */
struct result {
  char report[200];
  int64_t start, end;
};

struct scenario {
  const char *name;
  scenario_fn fn;
  /* The parent writes "data" to the scenario's pipe: 1 after the continue, 2 while it is stopped. */
  int parent_writes;
  int parent_signals;
};

static const struct scenario scenarios[] = {
    {"nanosleep", do_nanosleep, 0, 0},
    {"clock_nanosleep", do_clock_nanosleep, 0, 0},
    {"clock_nanosleep TIMER_ABSTIME", do_clock_nanosleep_abs, 0, 0},
    {"ppoll", do_ppoll, 0, 0},
    {"select", do_select, 0, 0},
    {"pselect", do_pselect, 0, 0},
    {"futex wait", do_futex, 0, 0},
    {"futex wait bitset, absolute", do_futex_bitset_abs, 0, 0},
    {"epoll_wait", do_epoll_wait, 0, 0},
    {"sigtimedwait", do_sigtimedwait, 0, 0},
    {"recv with SO_RCVTIMEO", do_recv_timeout, 0, 0},
    {"ppoll system call on a socket", do_raw_ppoll, 0, 0},
    {"read on a pipe", do_read, 1, 0},
    {"read on a pipe written while stopped", do_read, 2, 0},
    {"epoll_wait on a pipe written while stopped", do_epoll_wait, 2, 0},
    {"epoll_wait in a second thread", do_threaded_epoll, 0, 0},
    {"waitpid", do_wait4, 0, 0},
    {"sigsuspend", do_pause_like, 0, 1},
};
#define COUNT (sizeof scenarios / sizeof *scenarios)

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  show_rem = argc > 1 && strcmp(argv[1], "rem") == 0;
  int ready[2], go[2];
  pipe(ready);
  pipe(go);
  pid_t pids[COUNT];
  int inputs[COUNT], results[COUNT];
  for (size_t i = 0; i < COUNT; i++) {
    int in[2], out[2];
    pipe(in);
    pipe(out);
    pids[i] = fork();
    if (pids[i] == 0) {
      close(in[1]);
      close(out[0]);
      close(ready[0]);
      signal(SIGUSR2, on_usr2);
      write(ready[1], "r", 1);
      char c;
      read(go[0], &c, 1);
      struct result result;
      result.start = now_ms();
      scenarios[i].fn(in[0], result.report, sizeof result.report);
      result.end = ended;
      write(out[1], &result, sizeof result);
      _exit(0);
    }
    close(in[0]);
    close(out[1]);
    inputs[i] = in[1];
    results[i] = out[0];
  }
  close(ready[1]);
  /* Every child is about to block; 300 ms later each is stopped, and 700 ms later continued. */
  char c;
  for (size_t i = 0; i < COUNT; i++) read(ready[0], &c, 1);
  for (size_t i = 0; i < COUNT; i++) write(go[1], "g", 1);
  struct timespec pause300 = {0, 300000000L}, pause700 = {0, 700000000L};
  nanosleep(&pause300, NULL);
  int64_t stopped_at = now_ms();
  for (size_t i = 0; i < COUNT; i++) kill(pids[i], SIGSTOP);
  int stopped = 0;
  for (size_t i = 0; i < COUNT; i++) {
    int status;
    if (waitpid(pids[i], &status, WUNTRACED) == pids[i] && WIFSTOPPED(status)) stopped++;
  }
  for (size_t i = 0; i < COUNT; i++)
    if (scenarios[i].parent_writes == 2) write(inputs[i], "data", 4);
  nanosleep(&pause700, NULL);
  int64_t continued_at = now_ms();
  for (size_t i = 0; i < COUNT; i++) kill(pids[i], SIGCONT);
  /* (Printed only now: nothing but the pause may run between the stop and the continue.) */
  printf("stopped: %d of %zu\n", stopped, COUNT);
  for (size_t i = 0; i < COUNT; i++) {
    if (scenarios[i].parent_writes == 1) write(inputs[i], "data", 4);
    if (scenarios[i].parent_signals) kill(pids[i], SIGUSR2);
  }
  for (size_t i = 0; i < COUNT; i++) {
    struct result r;
    if (read(results[i], &r, sizeof r) == sizeof r) {
      int timed = !scenarios[i].parent_writes && !scenarios[i].parent_signals;
#ifdef SHOW_TIMES
      printf("start %lld end %lld stop %lld cont %lld\n", (long long)(r.start - stopped_at), (long long)(r.end - stopped_at), 0LL, (long long)(continued_at - stopped_at));
#endif
      printf("%s: %s, %s\n", scenarios[i].name, r.report, timed ? when(r.start, r.end, stopped_at, continued_at) : "-");
    }
    int status;
    waitpid(pids[i], &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) printf("%s: status 0x%x\n", scenarios[i].name, status);
  }
  return 0;
}
