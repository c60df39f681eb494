/*
 * The slave-side input queue of a pseudo-terminal as the kernel's N_TTY keeps it, checked
 * against the host kernel running the same source built natively: VEOF is stored as a NUL
 * that ends a line (a canonical read does not copy it, a program that turns ICANON off reads
 * it), switching to canonical mode makes what is queued one line at once, the timer between
 * bytes of a read with both VMIN and VTIME set, the 4095-byte limit of the queue and a master
 * that stops taking writes when it is full, and TIOCNOTTY from a process that is not the
 * session leader. Each part is chosen by an argument; with none, all run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static void show(const char *label, const char *bytes, ssize_t n) {
  printf("%s (%zd): \"", label, n);
  for (ssize_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)bytes[i];
    if (c == '\n') printf("\\n");
    else if (c < 32 || c >= 127) printf("\\x%02x", c);
    else putchar(c);
  }
  printf("\"\n");
}

static void slave_read(const char *label, int slave, size_t want) {
  char buf[8192];
  ssize_t n = read(slave, buf, want);
  if (n < 0) printf("%s: %s\n", label, strerror(errno));
  else show(label, buf, n);
}

static void type(int master, const char *s, size_t n) {
  if (write(master, s, n) != (ssize_t)n) perror("write master");
}

static int open_pair(int *slave) {
  int master = posix_openpt(O_RDWR | O_NOCTTY);
  if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) {
    perror("openpt");
    exit(1);
  }
  *slave = open(ptsname(master), O_RDWR | O_NOCTTY);
  if (*slave < 0) {
    perror("open slave");
    exit(1);
  }
  return master;
}

static void set_lflag(int slave, tcflag_t on, tcflag_t off) {
  struct termios t;
  tcgetattr(slave, &t);
  t.c_lflag = (t.c_lflag | on) & ~off;
  tcsetattr(slave, TCSANOW, &t);
}

static void set_min_time(int slave, int min, int time) {
  struct termios t;
  tcgetattr(slave, &t);
  t.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
  t.c_cc[VMIN] = (cc_t)min;
  t.c_cc[VTIME] = (cc_t)time;
  tcsetattr(slave, TCSANOW, &t);
}

static int queued(int fd) {
  int n = -1;
  ioctl(fd, FIONREAD, &n);
  return n;
}

/* Lets the kernel's buffer work hand what the master wrote to the line discipline. */
static void settle(void) {
  usleep(50000);
}

static void end_of_file(void) {
  int slave;
  int master = open_pair(&slave);
  set_lflag(slave, 0, ECHO);
  type(master, "abc\004\004", 5);
  settle();
  printf("queued after abc^D^D: %d\n", queued(slave));
  /* A read that fills the buffer just before an end of file takes that end of file too. */
  slave_read("canonical read of 3", slave, 3);
  printf("queued then: %d\n", queued(slave));
  slave_read("then", slave, 100);
  type(master, "abc\004", 4);
  settle();
  slave_read("canonical read of 2", slave, 2);
  slave_read("then", slave, 100);
  printf("queued then: %d\n", queued(slave));
  type(master, "\004\004x\n", 4);
  settle();
  slave_read("^D at the start of a line", slave, 100);
  slave_read("again", slave, 100);
  slave_read("then", slave, 100);
  /* What script does at the end of its input, to a program that then leaves canonical mode. */
  type(master, "ab\004cd\004ef", 8);
  settle();
  set_lflag(slave, 0, ICANON);
  printf("queued once raw: %d\n", queued(slave));
  slave_read("raw read", slave, 100);
  close(slave);
  close(master);
}

static void to_canonical(void) {
  int slave;
  int master = open_pair(&slave);
  set_lflag(slave, 0, ICANON | ECHO);
  type(master, "one\ntwo", 7);
  settle();
  set_lflag(slave, ICANON, 0);
  printf("queued once canonical: %d\n", queued(slave));
  slave_read("canonical read", slave, 100);
  type(master, "three\n", 6);
  settle();
  slave_read("next line", slave, 100);
  set_lflag(slave, 0, ICANON);
  type(master, "x\000", 2);
  settle();
  set_lflag(slave, ICANON, 0);
  slave_read("a queue ending in NUL made a line", slave, 100);
  /* A line being edited when ICANON goes off and on again is a line at once. */
  type(master, "partial", 7);
  settle();
  set_lflag(slave, 0, ICANON);
  set_lflag(slave, ICANON, 0);
  slave_read("partial", slave, 100);
  close(slave);
  close(master);
}

static double seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* A child writes `parts` to the master, `gap_ms` apart, while the parent reads the slave once. */
static void timed_read(const char *label, int min, int time, const char *const *parts, int gap_ms) {
  int slave;
  int master = open_pair(&slave);
  set_min_time(slave, min, time);
  pid_t child = fork();
  if (child == 0) {
    for (int i = 0; parts[i]; i++) {
      usleep((useconds_t)gap_ms * 1000);
      type(master, parts[i], strlen(parts[i]));
    }
    sleep(2);
    _exit(0);
  }
  double start = seconds();
  char buf[64];
  ssize_t n = read(slave, buf, sizeof buf);
  double took = seconds() - start;
  show(label, buf, n);
  /* Coarse, so that only the kind of wait shows: the timer, or all the writer's gaps. */
  printf("  returned before the writer was done: %s\n", took < 1.5 ? "yes" : "no");
  kill(child, SIGKILL);
  waitpid(child, NULL, 0);
  close(slave);
  close(master);
}

static void inter_byte_timer(void) {
  /* Two bytes, then nothing for 1.6 s: VTIME 0.3 s after the second byte ends the read. */
  const char *stall[] = {"a", "b", NULL};
  timed_read("VMIN 5 VTIME 3, two bytes then a pause", 5, 3, stall, 100);
  /* Bytes 0.1 s apart, under VTIME: the read waits for all VMIN of them. */
  const char *steady[] = {"1", "2", "3", "4", "5", "6", NULL};
  timed_read("VMIN 5 VTIME 5, bytes 0.1 s apart", 5, 5, steady, 100);
  /* Nothing is there: the timer does not start before the first byte (it comes after 0.5 s). */
  const char *late[] = {"z", NULL};
  timed_read("VMIN 2 VTIME 1, one late byte", 2, 1, late, 500);
  /* Fewer bytes than VMIN already there when the read starts: it waits VTIME for more. */
  int slave;
  int master = open_pair(&slave);
  set_min_time(slave, 4, 2);
  type(master, "xy", 2);
  settle();
  double start = seconds();
  slave_read("VMIN 4 VTIME 2, two bytes queued before the read", slave, 64);
  double took = seconds() - start;
  printf("  waited the timer: %s\n", took >= 0.15 && took < 1.0 ? "yes" : "no");
  close(slave);
  close(master);
}

static void queue_limit(void) {
  int slave;
  int master = open_pair(&slave);
  set_lflag(slave, 0, ECHO);
  /* Canonical: a line longer than the queue keeps its first 4095 bytes and its newline. */
  static char line[6001];
  memset(line, 'a', 6000);
  line[5999] = '\n';
  type(master, line, 6000);
  settle();
  printf("canonical queue: %d\n", queued(slave));
  char buf[8192];
  ssize_t n = read(slave, buf, sizeof buf);
  printf("the long line reads as %zd bytes, ending in a newline: %s\n", n,
         n > 0 && buf[n - 1] == '\n' ? "yes" : "no");
  /* Non-canonical: the master takes writes until the queue and the buffers before it are full. */
  set_lflag(slave, 0, ICANON);
  fcntl(master, F_SETFL, O_NONBLOCK);
  static char block[200000];
  memset(block, 'b', sizeof block);
  ssize_t total = 0;
  int eagain = 0;
  for (int round = 0; round < 4; round++) {
    ssize_t w;
    while ((w = write(master, block, 4096)) > 0) total += w;
    if (w < 0 && errno == EAGAIN) eagain = 1;
    settle();
  }
  printf("a non-blocking master stops taking writes with EAGAIN: %s\n", eagain ? "yes" : "no");
  printf("it took more than the queue holds and less than 200000: %s\n",
         total > 4095 && total < 200000 ? "yes" : "no");
  printf("non-canonical queue: %d\n", queued(slave));
  struct pollfd p = {master, POLLOUT, 0};
  printf("master polls writable when full: %d\n", poll(&p, 1, 0));
  /* Reading the slave makes room again. */
  ssize_t got = 0;
  fcntl(slave, F_SETFL, O_NONBLOCK);
  while ((n = read(slave, buf, sizeof buf)) > 0) {
    got += n;
    if (got >= total) break;
    settle();
  }
  printf("everything written is read: %s\n", got == total ? "yes" : "no");
  p.revents = 0;
  printf("master polls writable when drained: %d\n", poll(&p, 1, 0));
  /* A blocking write waits for a reader rather than failing. */
  fcntl(master, F_SETFL, 0);
  pid_t child = fork();
  if (child == 0) {
    ssize_t done = 0;
    while (done < 100000) {
      ssize_t w = write(master, block, (size_t)(100000 - done));
      if (w <= 0) _exit(1);
      done += w;
    }
    _exit(0);
  }
  usleep(300000);
  int status = 0;
  printf("a blocking writer is still waiting: %s\n", waitpid(child, &status, WNOHANG) == 0 ? "yes" : "no");
  got = 0;
  while (got < 100000) {
    n = read(slave, buf, sizeof buf);
    if (n > 0) got += n;
    else if (n < 0 && errno != EAGAIN) break;
    else usleep(10000);
  }
  waitpid(child, &status, 0);
  printf("it finishes once the slave is read: exit %d, read %zd\n", WEXITSTATUS(status), got);
  close(slave);
  close(master);
}

static volatile sig_atomic_t hups, conts;
static void on_hup(int sig) {
  (void)sig;
  hups++;
}
static void on_cont(int sig) {
  (void)sig;
  conts++;
}

static void notty(void) {
  int slave;
  int master = open_pair(&slave);
  pid_t leader = fork();
  if (leader == 0) {
    close(master);
    setsid();
    if (ioctl(slave, TIOCSCTTY, 0) != 0) perror("TIOCSCTTY");
    signal(SIGHUP, on_hup);
    signal(SIGCONT, on_cont);
    int done[2];
    if (pipe(done) != 0) _exit(1);
    pid_t member = fork();
    if (member == 0) {
      signal(SIGHUP, on_hup);
      int r = ioctl(slave, TIOCNOTTY);
      printf("member: TIOCNOTTY: %d\n", r);
      errno = 0;
      int tty = open("/dev/tty", O_RDWR);
      printf("member: /dev/tty after it: %s\n", tty < 0 ? strerror(errno) : "opens");
      r = ioctl(slave, TIOCNOTTY);
      printf("member: TIOCNOTTY again: %d %s\n", r, r < 0 ? strerror(errno) : "");
      pid_t pgrp;
      r = ioctl(slave, TIOCGPGRP, &pgrp);
      printf("member: TIOCGPGRP: %d %s\n", r, r < 0 ? strerror(errno) : "");
      fflush(stdout);
      pid_t grandchild = fork();
      if (grandchild == 0) {
        errno = 0;
        tty = open("/dev/tty", O_RDWR);
        printf("member's child: /dev/tty: %s\n", tty < 0 ? strerror(errno) : "opens");
        fflush(stdout);
        _exit(0);
      }
      waitpid(grandchild, NULL, 0);
      usleep(100000);
      printf("member: SIGHUPs %d\n", hups);
      fflush(stdout);
      _exit(0);
    }
    waitpid(member, NULL, 0);
    int tty = open("/dev/tty", O_RDWR);
    printf("leader: /dev/tty after the member's TIOCNOTTY: %s\n", tty < 0 ? strerror(errno) : "opens");
    if (tty >= 0) close(tty);
    printf("leader: foreground group is ours: %d\n", tcgetpgrp(slave) == getpgrp());
    /* The leader's TIOCNOTTY: SIGHUP and SIGCONT to the foreground group, itself included. */
    pid_t sibling = fork();
    if (sibling == 0) {
      signal(SIGHUP, on_hup);
      signal(SIGCONT, on_cont);
      close(done[0]);
      while (hups == 0) pause();
      errno = 0;
      tty = open("/dev/tty", O_RDWR);
      printf("leader's child: SIGHUP %d SIGCONT %d, /dev/tty then: %s\n", hups, conts,
             tty < 0 ? strerror(errno) : "opens");
      fflush(stdout);
      _exit(0);
    }
    usleep(100000);
    int dropped = ioctl(slave, TIOCNOTTY);
    waitpid(sibling, NULL, 0); /* the child's report comes first, whoever runs first */
    printf("leader: TIOCNOTTY: %d\n", dropped);
    printf("leader: SIGHUP %d SIGCONT %d\n", hups, conts);
    errno = 0;
    tty = open("/dev/tty", O_RDWR);
    printf("leader: /dev/tty after its own TIOCNOTTY: %s\n", tty < 0 ? strerror(errno) : "opens");
    fflush(stdout);
    printf("leader: TIOCSCTTY again: %d\n", ioctl(slave, TIOCSCTTY, 0));
    fflush(stdout);
    _exit(0);
  }
  close(slave);
  waitpid(leader, NULL, 0);
  close(master);
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  const char *only = argc > 1 ? argv[1] : "";
  if (!*only || !strcmp(only, "eof")) end_of_file();
  if (!*only || !strcmp(only, "canonical")) to_canonical();
  if (!*only || !strcmp(only, "vtime")) inter_byte_timer();
  if (!*only || !strcmp(only, "limit")) queue_limit();
  if (!*only || !strcmp(only, "notty")) notty();
  return 0;
}
