/*
 * Processes: fork, vfork, posix_spawn, wait4/waitid with exit and signal statuses, SIGCHLD,
 * pipes between processes (blocking, EOF, EPIPE, select and poll woken by a writer), shared
 * file offsets after fork, process groups and sessions, kill between processes, vfork, orphans.
 * Prints only what is the same on every run (relations between pids, never the pids themselves).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void describe(const char *what, int status) {
  if (WIFEXITED(status)) printf("%s: exited %d\n", what, WEXITSTATUS(status));
  else if (WIFSIGNALED(status))
    printf("%s: killed by %d%s\n", what, WTERMSIG(status), WCOREDUMP(status) ? " (core)" : "");
  else printf("%s: status 0x%x\n", what, status);
}

static volatile sig_atomic_t chld_count;
static void on_chld(int sig) { (void)sig; chld_count++; }

static void fork_and_wait(void) {
  pid_t parent = getpid();
  fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    printf("child: parent is the forker: %d\n", getppid() == parent);
    printf("child: own pid differs: %d\n", getpid() != parent);
    fflush(stdout);
    _exit(7);
  }
  int status = 0;
  pid_t got = waitpid(child, &status, 0);
  printf("waitpid returned the child: %d\n", got == child);
  describe("child", status);
  errno = 0;
  printf("waitpid again: %d errno %s\n", (int)waitpid(child, &status, 0), strerror(errno));
}

static void fork_memory_is_copied(void) {
  static int shared_value = 1;
  fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    shared_value = 99;
    _exit(shared_value == 99 ? 0 : 1);
  }
  int status;
  waitpid(child, &status, 0);
  printf("after fork the parent still sees %d, child exited %d\n", shared_value, WEXITSTATUS(status));
}

static void pipe_between_processes(void) {
  int fds[2];
  pipe(fds);
  fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    close(fds[0]);
    char buf[1000];
    for (int i = 0; i < 200; i++) { /* 200 KB: more than a pipe holds, so the writer blocks */
      memset(buf, 'a' + i % 26, sizeof buf);
      if (write(fds[1], buf, sizeof buf) != sizeof buf) _exit(2);
    }
    /* One write of 300 KB, more than the pipe can ever hold: it returns once all of it is in. */
    static char big[300000];
    memset(big, 'z', sizeof big);
    if (write(fds[1], big, sizeof big) != sizeof big) _exit(3);
    _exit(0);
  }
  close(fds[1]);
  long total = 0, sum = 0;
  char buf[4096];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) {
    total += n;
    for (ssize_t i = 0; i < n; i++) sum += buf[i];
  }
  printf("read %ld bytes (sum %ld) then EOF %zd\n", total, sum, n);
  close(fds[0]);
  int status;
  waitpid(child, &status, 0);
  describe("writer", status);
}

/* select and poll without a timeout, woken when another process writes the pipe they wait on:
 * the sets and revents the caller passed must still be there when the wait ends. The writer
 * waits for a go before each write and stays until told to end, so its end is open throughout. */
static void wait_for_another_writer(void) {
  int fds[2], go[2];
  pipe(fds);
  pipe(go);
  fflush(stdout);
  pid_t child = fork();
  char c;
  if (child == 0) {
    close(fds[0]);
    close(go[1]);
    while (read(go[0], &c, 1) == 1) {
      usleep(50000);
      write(fds[1], "!", 1);
    }
    _exit(0);
  }
  close(fds[1]);
  close(go[0]);
  fd_set r;
  FD_ZERO(&r);
  FD_SET(fds[0], &r);
  write(go[1], "g", 1);
  int n = select(fds[0] + 1, &r, NULL, NULL, NULL);
  printf("select woken by another process: %d read %d\n", n, FD_ISSET(fds[0], &r));
  read(fds[0], &c, 1);
  struct pollfd p = {.fd = fds[0], .events = POLLIN};
  write(go[1], "g", 1);
  n = poll(&p, 1, -1);
  printf("poll woken by another process: %d revents %#x\n", n, p.revents);
  read(fds[0], &c, 1);
  close(go[1]);
  close(fds[0]);
  int status;
  waitpid(child, &status, 0);
  describe("writer", status);
}

static void broken_pipe(void) {
  int fds[2];
  pipe(fds);
  fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    close(fds[0]);
    close(fds[1]);
    _exit(0);
  }
  close(fds[0]);
  int status;
  waitpid(child, &status, 0);
  signal(SIGPIPE, SIG_IGN);
  errno = 0;
  ssize_t n = write(fds[1], "x", 1);
  printf("write to a pipe without readers: %zd %s\n", n, strerror(errno));
  signal(SIGPIPE, SIG_DFL);
  close(fds[1]);

  /* The default SIGPIPE kills the writer. It writes only once the parent has closed its read
     end (the parent's end of `go` closes after it), so the pipe has no reader by then. */
  int go[2];
  pipe(fds);
  pipe(go);
  fflush(stdout);
  child = fork();
  if (child == 0) {
    char c;
    close(fds[0]);
    close(go[1]);
    read(go[0], &c, 1);
    write(fds[1], "x", 1);
    _exit(0);
  }
  close(fds[0]);
  close(fds[1]);
  close(go[0]);
  close(go[1]);
  waitpid(child, &status, 0);
  describe("writer without reader", status);
}

static void shared_offset(void) {
  char path[] = "procs-offset-XXXXXX";
  int fd = mkstemp(path);
  unlink(path);
  fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    write(fd, "child\n", 6);
    _exit(0);
  }
  waitpid(child, NULL, 0);
  write(fd, "parent\n", 7);
  char buf[64] = {0};
  pread(fd, buf, sizeof buf - 1, 0);
  printf("shared offset file: %s", buf);
  printf("offset now %ld\n", (long)lseek(fd, 0, SEEK_CUR));
  close(fd);
}

static void signal_statuses(void) {
  int signals[] = {SIGTERM, SIGKILL, SIGSEGV, SIGABRT, SIGUSR1};
  for (unsigned i = 0; i < sizeof signals / sizeof signals[0]; i++) {
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
      if (signals[i] == SIGSEGV) *(volatile int *)0 = 1;
      if (signals[i] == SIGABRT) abort();
      pause();
      _exit(0);
    }
    if (signals[i] != SIGSEGV && signals[i] != SIGABRT) kill(child, signals[i]);
    int status;
    waitpid(child, &status, 0);
    describe(strsignal(signals[i]), status);
  }
}

static void sigchld_and_waitid(void) {
  struct sigaction sa = {0};
  sa.sa_handler = on_chld;
  sigaction(SIGCHLD, &sa, NULL);
  fflush(stdout);
  pid_t child = fork();
  if (child == 0) _exit(3);
  siginfo_t info;
  memset(&info, 0, sizeof info);
  int r = waitid(P_PID, child, &info, WEXITED);
  printf("waitid %d: signo %d code %d status %d pid matches %d\n", r, info.si_signo, info.si_code,
         info.si_status, info.si_pid == child);
  printf("SIGCHLD handler ran %d time(s)\n", (int)chld_count);
  memset(&info, 0, sizeof info);
  errno = 0;
  r = waitid(P_ALL, 0, &info, WEXITED | WNOHANG);
  printf("waitid with no children: %d %s\n", r, strerror(errno));
  signal(SIGCHLD, SIG_DFL);
}

static void wnohang_and_any(void) {
  int fds[2];
  pipe(fds);
  fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    char c;
    read(fds[0], &c, 1); /* waits until the parent has looked */
    _exit(c);
  }
  int status;
  printf("WNOHANG while it runs: %d\n", (int)waitpid(-1, &status, WNOHANG));
  write(fds[1], "\x05", 1);
  pid_t got = wait(&status);
  printf("wait() got it: %d, ", got == child);
  describe("status", status);
  close(fds[0]);
  close(fds[1]);
}

static void groups_and_sessions(void) {
  fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    pid_t pid = getpid();
    printf("child pgid is the parent's: %d\n", getpgid(0) == getpgid(getppid()));
    printf("setpgid(0, 0): %d, now leads its group: %d\n", setpgid(0, 0), getpgid(0) == pid);
    errno = 0;
    printf("setsid as a group leader: %d %s\n", (int)setsid(), strerror(errno));
    fflush(stdout);
    pid_t grandchild = fork();
    if (grandchild == 0) {
      printf("grandchild setsid: %d, leads its session: %d\n", setsid() == getpid(), getsid(0) == getpid());
      fflush(stdout);
      _exit(0);
    }
    waitpid(grandchild, NULL, 0);
    _exit(0);
  }
  waitpid(child, NULL, 0);
}

static void kill_group(void) {
  fflush(stdout);
  int ready[2];
  pipe(ready);
  pid_t leader = fork();
  if (leader == 0) {
    setpgid(0, 0);
    signal(SIGUSR2, SIG_IGN); /* the leader survives the group's signal, its children do not */
    for (int i = 0; i < 2; i++) {
      if (fork() == 0) {
        signal(SIGUSR2, SIG_DFL);
        write(ready[1], "r", 1); /* in the group, and killable by SIGUSR2 */
        pause();
        _exit(0);
      }
    }
    int killed = 0, status;
    while (wait(&status) > 0)
      if (WIFSIGNALED(status) && WTERMSIG(status) == SIGUSR2) killed++;
    _exit(killed);
  }
  /*
   * Once both children have said they are ready (a pause would not do: on a loaded machine they
   * might not have run yet), signal everyone in the group but the leader, which ignores it.
   */
  char byte;
  for (int i = 0; i < 2; i++) read(ready[0], &byte, 1);
  close(ready[0]);
  close(ready[1]);
  int status;
  printf("kill(-group, 0): %d\n", kill(-leader, 0));
  kill(-leader, SIGUSR2);
  waitpid(leader, &status, 0);
  describe("group leader", status);
}

/* vfork: the child runs first, in the parent's memory, until it exits. */
static void vfork_child(void) {
  fflush(stdout);
  pid_t child = vfork();
  if (child == 0) _exit(9);
  int status;
  waitpid(child, &status, 0);
  describe("vfork'd child", status);
}

static void orphan(void) {
  int fds[2];
  pipe(fds);
  fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    pid_t parent = getppid();
    if (fork() == 0) {
      close(fds[0]);
      /* Wait until the parent is gone: then getppid changes. */
      while (getppid() == parent) usleep(1000);
      write(fds[1], "r", 1);
      _exit(0);
    }
    _exit(0);
  }
  close(fds[1]);
  waitpid(child, NULL, 0);
  char c = 0;
  read(fds[0], &c, 1);
  printf("orphan was re-parented: %c\n", c);
  close(fds[0]);
}

/*
 * The first process leads its group and session only if whoever started it made it so (a test
 * runner's child does not), and setsid() then succeeds; it runs last, as it leaves the session.
 */
static void first_process_session(void) {
  pid_t pid = getpid();
  int leads_group = getpgid(0) == pid, leads_session = getsid(0) == pid;
  errno = 0;
  pid_t sid = setsid();
  printf("first process led its group: %d, its session: %d; setsid: %s, now leads both: %d\n", leads_group,
         leads_session, sid == pid ? "ok" : strerror(errno), getpgid(0) == pid && getsid(0) == pid);
}

int main(void) {
  setvbuf(stdout, NULL, _IOFBF, 1 << 16);
  fork_and_wait();
  fork_memory_is_copied();
  pipe_between_processes();
  wait_for_another_writer();
  broken_pipe();
  shared_offset();
  signal_statuses();
  sigchld_and_waitid();
  wnohang_and_any();
  groups_and_sessions();
  kill_group();
  vfork_child();
  orphan();
  first_process_session();
  printf("done\n");
  return 0;
}
