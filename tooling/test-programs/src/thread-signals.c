/*
 * Signals and threads: pthread_kill and pthread_sigqueue reach the named thread (its handler
 * runs there, its own queue holds the signal), a signal sent to the process is taken by the one
 * thread that does not block it, sigwait in one thread for a signal sent to it, rt_sigpending
 * as the union of the thread's and the process's pending signals, per-thread masks (inherited
 * by new threads, changed apart), and a synchronous SIGSEGV handled on the faulting thread, on
 * that thread's alternate stack. Threads meet through pipes, barriers and sigsuspend, never
 * through time; thread ids are only compared, never printed.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static volatile pid_t handler_tid;
static volatile sig_atomic_t handled;

static void on_signal(int sig) {
  (void)sig;
  handler_tid = gettid();
  handled++;
}

static void catch_signal(int sig) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(sig, &sa, NULL);
}

static void block(int sig, int how) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  pthread_sigmask(how, &set, NULL);
}

static int blocks(int sig) {
  sigset_t now;
  pthread_sigmask(SIG_BLOCK, NULL, &now);
  return sigismember(&now, sig);
}

/* ---- pthread_kill runs the handler on the named thread ------------------------------------ */

struct waiter {
  int ready[2];   /* the thread says it is waiting */
  int release[2]; /* it may go */
  volatile pid_t tid;
  volatile int saw;
};

static void *wait_for_release(void *arg) {
  struct waiter *w = arg;
  w->tid = gettid();
  char c = 'r';
  write(w->ready[1], &c, 1);
  /* SA_RESTART is not set: the read may end with EINTR; it is read again until the byte comes. */
  while (read(w->release[0], &c, 1) != 1) {}
  w->saw = handled;
  return NULL;
}

static void start_waiter(struct waiter *w, pthread_t *thread) {
  pipe(w->ready);
  pipe(w->release);
  w->saw = -1;
  pthread_create(thread, NULL, wait_for_release, w);
  char c;
  read(w->ready[0], &c, 1);
}

static void finish_waiter(struct waiter *w, pthread_t thread) {
  write(w->release[1], "g", 1);
  pthread_join(thread, NULL);
  close(w->ready[0]);
  close(w->ready[1]);
  close(w->release[0]);
  close(w->release[1]);
}

static void thread_directed(void) {
  printf("pthread_kill:\n");
  catch_signal(SIGUSR1);
  struct waiter a, b;
  pthread_t ta, tb;
  start_waiter(&a, &ta);
  start_waiter(&b, &tb);
  handled = 0;
  pthread_kill(tb, SIGUSR1);
  /* The handler has run on b when b is released and looks: b reports what it saw. */
  finish_waiter(&b, tb);
  printf("  the handler ran once: %d, on the thread named: %d, not on main: %d, not on the other: %d\n",
         handled == 1, handler_tid == b.tid, handler_tid != gettid(), handler_tid != a.tid);
  printf("  the named thread saw it before its read returned: %d\n", b.saw == 1);
  finish_waiter(&a, ta);
  printf("  the other saw no other: %d\n", a.saw == 1);

  /* To itself: the handler runs before pthread_kill returns. */
  handled = 0;
  pthread_kill(pthread_self(), SIGUSR1);
  printf("  to itself: ran %d, on main %d\n", handled, handler_tid == gettid());
}

/* ---- a signal sent to the process goes to the thread that does not block it --------------- */

struct taker {
  int ready[2];
  volatile pid_t tid;
};

static void *take_usr2(void *arg) {
  struct taker *t = arg;
  t->tid = gettid();
  sigset_t open;
  pthread_sigmask(SIG_BLOCK, NULL, &open);
  sigdelset(&open, SIGUSR2);
  char c = 'r';
  write(t->ready[1], &c, 1);
  while (!handled) sigsuspend(&open); /* the only place where SIGUSR2 is not blocked */
  return NULL;
}

static void process_directed(void) {
  printf("kill to the process:\n");
  catch_signal(SIGUSR2);
  block(SIGUSR2, SIG_BLOCK); /* main, and the threads it makes, block it */
  struct waiter other;
  pthread_t to;
  start_waiter(&other, &to);
  struct taker t;
  pipe(t.ready);
  pthread_t tt;
  handled = 0;
  pthread_create(&tt, NULL, take_usr2, &t);
  char c;
  read(t.ready[0], &c, 1);
  kill(getpid(), SIGUSR2);
  pthread_join(tt, NULL);
  printf("  taken once: %d, by the thread that does not block it: %d, not main: %d, not the other: %d\n",
         handled == 1, handler_tid == t.tid, handler_tid != gettid(), handler_tid != other.tid);
  finish_waiter(&other, to);
  sigset_t pending;
  sigpending(&pending);
  printf("  nothing left pending: %d\n", !sigismember(&pending, SIGUSR2));
  block(SIGUSR2, SIG_UNBLOCK);
  close(t.ready[0]);
  close(t.ready[1]);
}

/* ---- sigwait for a signal sent to this thread; sigpending of thread and process ----------- */

static pthread_barrier_t barrier;
static volatile int rt_value;

static void *sigwait_own(void *arg) {
  (void)arg;
  pthread_barrier_wait(&barrier); /* 1: both signals were sent */
  sigset_t pending;
  sigpending(&pending);
  printf("  waiter: SIGRTMIN pending %d, SIGUSR1 pending %d, SIGUSR2 (the process's) pending %d\n",
         sigismember(&pending, SIGRTMIN), sigismember(&pending, SIGUSR1), sigismember(&pending, SIGUSR2));
  sigset_t wanted;
  sigemptyset(&wanted);
  sigaddset(&wanted, SIGRTMIN);
  siginfo_t info;
  int sig = sigwaitinfo(&wanted, &info);
  rt_value = info.si_value.sival_int;
  printf("  waiter: sigwaitinfo got SIGRTMIN %d with the value sent to it: %d\n", sig == SIGRTMIN, rt_value == 7);
  sigpending(&pending);
  printf("  waiter: SIGRTMIN still pending %d\n", sigismember(&pending, SIGRTMIN));
  pthread_barrier_wait(&barrier); /* 2: the waiter is done */
  return NULL;
}

static void *keeps_own(void *arg) {
  (void)arg;
  pthread_barrier_wait(&barrier); /* 1 */
  pthread_barrier_wait(&barrier); /* 2 */
  sigset_t pending;
  sigpending(&pending);
  printf("  other: SIGRTMIN pending %d, SIGUSR1 pending %d, SIGUSR2 pending %d\n", sigismember(&pending, SIGRTMIN),
         sigismember(&pending, SIGUSR1), sigismember(&pending, SIGUSR2));
  sigset_t wanted;
  sigemptyset(&wanted);
  sigaddset(&wanted, SIGRTMIN);
  sigaddset(&wanted, SIGUSR1);
  siginfo_t info;
  int first = sigwaitinfo(&wanted, &info);
  int first_value = first == SIGRTMIN ? info.si_value.sival_int : -1;
  int second = sigwaitinfo(&wanted, &info);
  printf("  other: took SIGUSR1 %d then SIGRTMIN %d with its own value %d\n", first == SIGUSR1,
         second == SIGRTMIN, info.si_value.sival_int == 9 && first_value == -1);
  return NULL;
}

static void sigwait_in_a_thread(void) {
  printf("sigwait and sigpending in threads:\n");
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGRTMIN);
  sigaddset(&set, SIGUSR1);
  sigaddset(&set, SIGUSR2);
  sigset_t old;
  pthread_sigmask(SIG_BLOCK, &set, &old);
  pthread_barrier_init(&barrier, NULL, 3);
  pthread_t waiter, other;
  pthread_create(&waiter, NULL, sigwait_own, NULL);
  pthread_create(&other, NULL, keeps_own, NULL);
  union sigval v;
  v.sival_int = 9;
  pthread_sigqueue(other, SIGRTMIN, v);
  pthread_kill(other, SIGUSR1);
  v.sival_int = 7;
  pthread_sigqueue(waiter, SIGRTMIN, v);
  kill(getpid(), SIGUSR2); /* pending for the process: every thread blocks it */
  pthread_barrier_wait(&barrier); /* 1 */
  pthread_barrier_wait(&barrier); /* 2 */
  pthread_join(waiter, NULL);
  pthread_join(other, NULL);
  sigset_t pending;
  sigpending(&pending);
  printf("  main: SIGRTMIN pending %d, SIGUSR2 pending %d\n", sigismember(&pending, SIGRTMIN),
         sigismember(&pending, SIGUSR2));
  sigset_t usr2;
  sigemptyset(&usr2);
  sigaddset(&usr2, SIGUSR2);
  int sig;
  sigwait(&usr2, &sig);
  printf("  main: took the process's SIGUSR2 %d\n", sig == SIGUSR2);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  pthread_barrier_destroy(&barrier);
}

/* ---- masks are per thread and inherited ---------------------------------------------------- */

static void *mask_child(void *arg) {
  (void)arg;
  int inherited = blocks(SIGUSR1) && blocks(SIGHUP) && !blocks(SIGUSR2);
  block(SIGUSR1, SIG_UNBLOCK);
  block(SIGUSR2, SIG_BLOCK);
  printf("  new thread: inherited the creator's mask %d; after its change USR1 %d USR2 %d\n", inherited,
         blocks(SIGUSR1), blocks(SIGUSR2));
  return NULL;
}

static void masks(void) {
  printf("per-thread masks:\n");
  block(SIGUSR1, SIG_BLOCK);
  block(SIGHUP, SIG_BLOCK);
  pthread_t t;
  pthread_create(&t, NULL, mask_child, NULL);
  pthread_join(t, NULL);
  printf("  creator afterwards: USR1 %d HUP %d USR2 %d\n", blocks(SIGUSR1), blocks(SIGHUP), blocks(SIGUSR2));
  block(SIGUSR1, SIG_UNBLOCK);
  block(SIGHUP, SIG_UNBLOCK);
}

/* ---- SIGSEGV on the faulting thread, on its alternate stack --------------------------------- */

static __thread sigjmp_buf recover;
static __thread char *alt_base;
static __thread size_t alt_size;
static volatile pid_t segv_tid;
static volatile int segv_on_alt, segv_addr_ok;
static char *bad_page;

static void on_segv(int sig, siginfo_t *info, void *context) {
  (void)sig;
  (void)context;
  char here;
  segv_tid = gettid();
  segv_on_alt = alt_base != NULL && &here >= alt_base && &here < alt_base + alt_size;
  segv_addr_ok = (char *)info->si_addr == bad_page + 8;
  siglongjmp(recover, 1);
}

static void *fault(void *arg) {
  pid_t *tid = arg;
  *tid = gettid();
  alt_size = 64 * 1024;
  alt_base = malloc(alt_size);
  stack_t ss = {.ss_sp = alt_base, .ss_size = alt_size, .ss_flags = 0};
  sigaltstack(&ss, NULL);
  if (sigsetjmp(recover, 1) == 0) {
    *(volatile char *)(bad_page + 8) = 1;
    printf("  no fault\n");
  }
  stack_t now;
  sigaltstack(NULL, &now);
  printf("  after the handler the alternate stack is still set and not in use: %d\n",
         now.ss_sp == alt_base && now.ss_flags == 0);
  return NULL;
}

static void segv_on_thread(void) {
  printf("SIGSEGV in a thread:\n");
  bad_page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_segv;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGSEGV, &sa, NULL);
  pid_t tid = 0;
  pthread_t t;
  pthread_create(&t, NULL, fault, &tid);
  pthread_join(t, NULL);
  stack_t main_stack;
  sigaltstack(NULL, &main_stack);
  printf("  handled on the faulting thread %d, on its alternate stack %d, si_addr right %d\n", segv_tid == tid,
         segv_on_alt, segv_addr_ok);
  printf("  main's alternate stack is untouched (disabled): %d\n", (main_stack.ss_flags & SS_DISABLE) != 0);
  munmap(bad_page, 4096);
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  thread_directed();
  process_directed();
  sigwait_in_a_thread();
  masks();
  segv_on_thread();
  return 0;
}
