/*
 * Pseudo-terminals as a program inside the guest makes them: posix_openpt, grantpt, unlockpt,
 * ptsname (TIOCGPTN, TIOCSPTLCK), the slave's device numbers, the line discipline between
 * master and slave (canonical lines, erase, kill, word erase, VEOF, ICRNL, ONLCR, echo and
 * ECHOCTL, non-canonical reads, FIONREAD, TCFLSH), window sizes, a controlling terminal taken
 * with setsid and TIOCSCTTY or by opening the slave, the signal characters reaching the
 * foreground process group, SIGWINCH, a background read, hangup when the master closes, and
 * EIO on the master once the slave is closed, a session leader's end hanging up its terminal's
 * foreground group, and select on a master woken by a later write. Pty numbers differ between runs and hosts, so
 * only relations between them are printed; output the master shows is read until it is quiet.
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
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static void show(const char *label, const char *bytes, ssize_t n) {
  printf("%s (%zd): \"", label, n);
  for (ssize_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)bytes[i];
    if (c == '\n') printf("\\n");
    else if (c == '\r') printf("\\r");
    else if (c == '\b') printf("\\b");
    else if (c < 32 || c >= 127) printf("\\x%02x", c);
    else putchar(c);
  }
  printf("\"\n");
}

/* Everything the master shows until nothing more comes for a while. */
static void drain(const char *label, int master) {
  char buf[512];
  ssize_t total = 0;
  for (;;) {
    struct pollfd p = {master, POLLIN, 0};
    if (poll(&p, 1, 150) <= 0 || !(p.revents & POLLIN)) break;
    ssize_t n = read(master, buf + total, sizeof buf - (size_t)total);
    if (n <= 0) break;
    total += n;
  }
  show(label, buf, total);
}

static void slave_read(const char *label, int slave) {
  char buf[256];
  ssize_t n = read(slave, buf, sizeof buf);
  if (n < 0) printf("%s: %s\n", label, strerror(errno));
  else show(label, buf, n);
}

static void type(int master, const char *s) {
  if (write(master, s, strlen(s)) != (ssize_t)strlen(s)) perror("write master");
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

static void names_and_numbers(void) {
  int master = posix_openpt(O_RDWR | O_NOCTTY);
  unsigned int n = 99;
  printf("TIOCGPTN: %d\n", ioctl(master, TIOCGPTN, &n));
  char expected[64];
  snprintf(expected, sizeof expected, "/dev/pts/%u", n);
  printf("ptsname is /dev/pts/<TIOCGPTN>: %s\n", strcmp(ptsname(master), expected) == 0 ? "yes" : "no");
  /* (qemu does not pass TIOCGPTLCK or TIOCGSID on, so neither is asked here.) */
  errno = 0;
  int early = open(expected, O_RDWR | O_NOCTTY);
  int error = errno;
  printf("open while locked: %d %s\n", early < 0 ? -1 : 0, strerror(error));
  if (grantpt(master) != 0 || unlockpt(master) != 0) perror("unlockpt");
  int slave = open(expected, O_RDWR | O_NOCTTY);
  struct stat s, m;
  fstat(slave, &s);
  fstat(master, &m);
  /* (The group and the mode's other bits are devpts' mount options, which differ between hosts.) */
  printf("slave: chr %d major %u minor is number %d owner mode %o\n", S_ISCHR(s.st_mode), major(s.st_rdev),
         minor(s.st_rdev) == n, s.st_mode & 0700);
  printf("master: chr %d major %u minor %u\n", S_ISCHR(m.st_mode), major(m.st_rdev), minor(m.st_rdev));
  struct stat byname;
  stat(expected, &byname);
  printf("stat by name is the slave: %d\n", byname.st_rdev == s.st_rdev && byname.st_ino == s.st_ino);
  printf("isatty master %d slave %d\n", isatty(master), isatty(slave));
  char link[64], target[64] = "";
  snprintf(link, sizeof link, "/proc/self/fd/%d", slave);
  ssize_t len = readlink(link, target, sizeof target - 1);
  if (len > 0) target[len] = 0;
  printf("/proc/self/fd of the slave is its name: %s\n", strcmp(target, expected) == 0 ? "yes" : "no");
  printf("ttyname of the slave is its name: %s\n", strcmp(ttyname(slave) ?: "", expected) == 0 ? "yes" : "no");
  int result = ioctl(slave, TIOCGPTN, &n);
  error = errno;
  printf("TIOCGPTN on the slave: %d %s\n", result, strerror(error));
  pid_t pgrp;
  result = ioctl(slave, TIOCGPGRP, &pgrp);
  error = errno;
  printf("TIOCGPGRP of a terminal that is not ours: %d %s\n", result, strerror(error));

  struct termios t;
  tcgetattr(slave, &t);
  printf("slave termios: iflag %o oflag %o cflag %o lflag %o\n", t.c_iflag, t.c_oflag, t.c_cflag, t.c_lflag);
  printf("cc:");
  for (int i = 0; i < 17; i++) printf(" %d", t.c_cc[i]);
  printf("\n");
  tcgetattr(master, &t);
  printf("master termios: iflag %o oflag %o cflag %o lflag %o\n", t.c_iflag, t.c_oflag, t.c_cflag, t.c_lflag);
  struct winsize w;
  ioctl(slave, TIOCGWINSZ, &w);
  printf("initial size: %d %d\n", w.ws_row, w.ws_col);
  w.ws_row = 30;
  w.ws_col = 100;
  ioctl(master, TIOCSWINSZ, &w);
  memset(&w, 0, sizeof w);
  ioctl(slave, TIOCGWINSZ, &w);
  printf("size set on the master, read on the slave: %d %d\n", w.ws_row, w.ws_col);
  close(slave);
  close(master);
}

static void line_discipline(void) {
  int slave;
  int master = open_pair(&slave);
  type(master, "hello\n");
  slave_read("line", slave);
  drain("echo", master);
  type(master, "abx\177c\n");
  slave_read("erase", slave);
  drain("echo", master);
  type(master, "junk\025ok\n");
  slave_read("kill", slave);
  drain("echo", master);
  type(master, "one two  \027three\n");
  slave_read("word erase", slave);
  drain("echo", master);
  type(master, "partial\004");
  slave_read("VEOF after text", slave);
  type(master, "\004");
  slave_read("VEOF alone", slave);
  drain("echo", master);
  type(master, "cr\r");
  slave_read("ICRNL", slave);
  drain("echo", master);
  type(master, "\001\033x\n");
  slave_read("control characters", slave);
  drain("echo", master);
  type(master, "\026\025\n");
  slave_read("literal next", slave);
  drain("echo", master);
  type(master, "first\nsecond");
  slave_read("first of two", slave); // wait until the discipline has it all
  int queued = -1;
  ioctl(slave, FIONREAD, &queued);
  printf("FIONREAD with a partial line: %d\n", queued);
  type(master, "\n");
  slave_read("second", slave);
  drain("echo", master);
  if (write(slave, "out\nput\n", 8) != 8) perror("write slave");
  drain("ONLCR", master);

  struct termios t;
  tcgetattr(slave, &t);
  struct termios raw = t;
  cfmakeraw(&raw);
  raw.c_cc[VMIN] = 1;
  raw.c_cc[VTIME] = 0;
  tcsetattr(slave, TCSANOW, &raw);
  type(master, "xyz\r");
  slave_read("raw", slave);
  drain("no echo", master);
  if (write(slave, "a\nb", 3) != 3) perror("write slave");
  drain("no output processing", master);
  type(master, "typed");
  drain("nothing echoed", master);
  queued = -1;
  ioctl(slave, FIONREAD, &queued);
  printf("FIONREAD raw: %d\n", queued);
  tcflush(slave, TCIFLUSH);
  ioctl(slave, FIONREAD, &queued);
  printf("FIONREAD after TCIFLUSH: %d\n", queued);
  /* VMIN and VTIME: nothing waiting gives 0 at once (0, 0) or after VTIME (0, 2); bytes
     waiting are read at once (0, 2) even when fewer than VMIN (5, 1). */
  char buf[16];
  raw.c_cc[VMIN] = 0;
  raw.c_cc[VTIME] = 0;
  tcsetattr(slave, TCSANOW, &raw);
  printf("VMIN 0 VTIME 0, nothing typed: %zd\n", read(slave, buf, sizeof buf));
  raw.c_cc[VTIME] = 2;
  tcsetattr(slave, TCSANOW, &raw);
  struct timespec before, after;
  clock_gettime(CLOCK_MONOTONIC, &before);
  ssize_t got = read(slave, buf, sizeof buf);
  clock_gettime(CLOCK_MONOTONIC, &after);
  long waited_ms = (after.tv_sec - before.tv_sec) * 1000 + (after.tv_nsec - before.tv_nsec) / 1000000;
  printf("VMIN 0 VTIME 2, nothing typed: %zd, waited 0.2 s: %s\n", got, waited_ms >= 190 ? "yes" : "no");
  type(master, "ab");
  usleep(50000);
  printf("VMIN 0 VTIME 2, two typed: %zd\n", read(slave, buf, sizeof buf));
  raw.c_cc[VMIN] = 5;
  raw.c_cc[VTIME] = 1;
  tcsetattr(slave, TCSANOW, &raw);
  type(master, "cde");
  printf("VMIN 5 VTIME 1, three typed: %zd\n", read(slave, buf, sizeof buf));
  t.c_lflag &= ~(tcflag_t)ECHO;
  tcsetattr(slave, TCSANOW, &t);
  type(master, "secret\n");
  slave_read("canonical without echo", slave);
  drain("echo", master);
  close(slave);
  if (write(master, "x", 1) < 0) perror("write");
  char c;
  ssize_t n = read(master, &c, 1);
  int error = errno;
  printf("master read after the slave closed: %zd %s\n", n, strerror(error));
  struct pollfd p = {master, POLLIN, 0};
  poll(&p, 1, 0);
  printf("master poll: POLLHUP %d\n", (p.revents & POLLHUP) != 0);
  close(master);
}

static volatile sig_atomic_t winched;
static void on_winch(int sig) {
  (void)sig;
  winched++;
}

/* A session whose controlling terminal is a pty; the parent types its signal characters. */
static void controlling_terminal(void) {
  int slave;
  int master = open_pair(&slave);
  int ready[2];
  if (pipe(ready) != 0) exit(1);
  pid_t child = fork();
  if (child == 0) {
    close(master);
    close(ready[0]);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGQUIT);
    sigaddset(&set, SIGTSTP);
    sigprocmask(SIG_BLOCK, &set, NULL);
    signal(SIGWINCH, on_winch);
    printf("child: TIOCSCTTY before setsid: %d\n", ioctl(slave, TIOCSCTTY, 0));
    setsid();
    printf("child: TIOCSCTTY: %d\n", ioctl(slave, TIOCSCTTY, 0));
    printf("child: foreground group is ours: %d\n", tcgetpgrp(slave) == getpgrp());
    int tty = open("/dev/tty", O_RDWR);
    struct stat a;
    fstat(tty, &a);
    printf("child: /dev/tty opens: %d, device %u:%u\n", tty >= 0, major(a.st_rdev), minor(a.st_rdev));
    printf("child: a write to /dev/tty: %zd\n", write(tty, "via /dev/tty\n", 13));
    fflush(stdout);
    for (int i = 0; i < 3; i++) {
      if (write(ready[1], "r", 1) != 1) _exit(1);
      siginfo_t info;
      int signo = sigwaitinfo(&set, &info);
      printf("child: got %s, si_code %d\n", strsignal(signo), info.si_code);
      fflush(stdout);
    }
    sigset_t none, winch;
    sigemptyset(&none);
    sigemptyset(&winch);
    sigaddset(&winch, SIGWINCH);
    sigprocmask(SIG_BLOCK, &winch, NULL); /* until sigsuspend waits, so it cannot be missed */
    if (write(ready[1], "w", 1) != 1) _exit(1);
    while (!winched) sigsuspend(&none);
    printf("child: SIGWINCH %d\n", winched);
    /* A background group: its read gets EIO when SIGTTIN is ignored. */
    pid_t other = fork();
    if (other == 0) {
      setpgid(0, 0);
      pause();
      _exit(0);
    }
    setpgid(other, other);
    signal(SIGTTOU, SIG_IGN);
    printf("child: tcsetpgrp to another group: %d\n", tcsetpgrp(slave, other));
    printf("child: foreground is the other group: %d\n", tcgetpgrp(slave) == other);
    signal(SIGTTIN, SIG_IGN);
    char c;
    ssize_t got = read(slave, &c, 1);
    int error = errno;
    printf("child: background read: %zd %s\n", got, strerror(error));
    printf("child: tcsetpgrp back: %d\n", tcsetpgrp(slave, getpgrp()));
    kill(other, SIGKILL);
    waitpid(other, NULL, 0);
    fflush(stdout);
    _exit(0);
  }
  close(ready[1]);
  close(slave);
  const char *keys[] = {"abc\003", "\034", "\032"};
  char r;
  for (int i = 0; i < 3; i++) {
    if (read(ready[0], &r, 1) != 1) exit(1);
    type(master, keys[i]);
  }
  if (read(ready[0], &r, 1) != 1) exit(1);
  struct winsize w = {40, 120, 0, 0};
  ioctl(master, TIOCSWINSZ, &w);
  int status;
  waitpid(child, &status, 0);
  printf("child exit %d\n", WEXITSTATUS(status));
  drain("echo of the signal characters", master);
  close(master);
}

/* Closing the master hangs up the session whose controlling terminal the slave is. */
static void hangup(void) {
  int master = posix_openpt(O_RDWR | O_NOCTTY);
  grantpt(master);
  unlockpt(master);
  char name[64];
  snprintf(name, sizeof name, "%s", ptsname(master));
  int ready[2];
  if (pipe(ready) != 0) exit(1);
  pid_t child = fork();
  if (child == 0) {
    close(master);
    close(ready[0]);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGHUP);
    sigprocmask(SIG_BLOCK, &set, NULL);
    setsid();
    int slave = open(name, O_RDWR); /* a session leader's first terminal becomes its own */
    printf("child: opened slave is the controlling terminal: %d\n", tcgetpgrp(slave) == getpid());
    fflush(stdout);
    if (write(ready[1], "r", 1) != 1) _exit(1);
    int signo = sigwaitinfo(&set, NULL);
    printf("child: %s\n", strsignal(signo));
    char c;
    printf("child: read after hangup: %zd\n", read(slave, &c, 1));
    ssize_t wrote = write(slave, "x", 1);
    int error = errno;
    printf("child: write after hangup: %zd %s\n", wrote, strerror(error));
    fflush(stdout);
    _exit(0);
  }
  close(ready[1]);
  char r;
  if (read(ready[0], &r, 1) != 1) exit(1);
  close(master);
  int status;
  waitpid(child, &status, 0);
  printf("child exit %d\n", WEXITSTATUS(status));
}

/* A session leader's end sends SIGHUP to its terminal's foreground group and frees the terminal. */
static void leader_exit(void) {
  int slave;
  int master = open_pair(&slave);
  int ready[2], done[2];
  if (pipe(ready) != 0 || pipe(done) != 0) exit(1);
  pid_t child = fork();
  if (child == 0) {
    close(master);
    close(done[0]);
    setsid();
    ioctl(slave, TIOCSCTTY, 0);
    pid_t member = fork();
    if (member == 0) {
      /* In the leader's group, the foreground one. */
      close(ready[0]);
      sigset_t set;
      sigemptyset(&set);
      sigaddset(&set, SIGHUP);
      sigprocmask(SIG_BLOCK, &set, NULL);
      if (write(ready[1], "r", 1) != 1) _exit(1);
      siginfo_t info;
      int signo = sigwaitinfo(&set, &info);
      pid_t pgrp = tcgetpgrp(slave);
      int error = errno;
      printf("member: %s, si_code %d; tcgetpgrp after: %d %s\n", strsignal(signo), info.si_code, pgrp,
             strerror(error));
      fflush(stdout);
      _exit(0); /* closing done[1] tells the parent */
    }
    close(done[1]);
    char r;
    if (read(ready[0], &r, 1) != 1) _exit(1);
    _exit(0);
  }
  close(ready[0]);
  close(ready[1]);
  close(done[1]);
  int status;
  waitpid(child, &status, 0);
  char c;
  while (read(done[0], &c, 1) > 0) {
  }
  printf("leader exit %d\n", WEXITSTATUS(status));
  close(done[0]);
  close(slave);
  close(master);
}

/* select on the master wakes when another process writes to the slave later. */
static void select_wakes(void) {
  int slave;
  int master = open_pair(&slave);
  pid_t child = fork();
  if (child == 0) {
    usleep(100000);
    if (write(slave, "late\n", 5) != 5) _exit(1);
    _exit(0);
  }
  fd_set readable;
  FD_ZERO(&readable);
  FD_SET(master, &readable);
  struct timeval timeout = {10, 0};
  int n = select(master + 1, &readable, NULL, NULL, &timeout);
  printf("select: %d, master set %d\n", n, FD_ISSET(master, &readable) != 0);
  waitpid(child, NULL, 0);
  drain("written later", master);
  close(slave);
  close(master);
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  names_and_numbers();
  line_discipline();
  controlling_terminal();
  hangup();
  leader_exit();
  select_wakes();
  return 0;
}
