/*
 * epoll over pipes, eventfds, timerfds and signalfds (level- and edge-triggered, one-shot,
 * timeouts), eventfd counters and semaphores, timerfd expirations, signalfd records, and the
 * errors each call gives for bad arguments.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

static void show(const char *what, long r) {
  if (r < 0) printf("%s: -1 %s\n", what, strerror(errno));
  else printf("%s: %ld\n", what, r);
}

static void eventfds(void) {
  int fd = eventfd(3, EFD_NONBLOCK);
  uint64_t v = 0;
  show("eventfd read", read(fd, &v, 8));
  printf("value %llu\n", (unsigned long long)v);
  show("eventfd read empty", read(fd, &v, 8));
  v = 5;
  show("eventfd write", write(fd, &v, 8));
  v = 0xffffffffffffffffULL;
  show("eventfd write max", write(fd, &v, 8));
  show("eventfd short read", read(fd, &v, 4));
  close(fd);
  int sem = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK);
  for (int i = 0; i < 3; i++) {
    v = 0;
    long r = read(sem, &v, 8);
    printf("semaphore read %ld value %llu\n", r, (unsigned long long)v);
  }
  close(sem);
  show("eventfd bad flags", eventfd(0, 0x40));
}

static void epoll_pipes(void) {
  int ep = epoll_create1(EPOLL_CLOEXEC);
  int p[2];
  pipe(p);
  struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 0x1234};
  show("ctl add", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
  show("ctl add again", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
  show("ctl mod of a missing fd", epoll_ctl(ep, EPOLL_CTL_MOD, p[1], &ev));
  show("ctl add of itself", epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev));
  struct epoll_event out[4];
  show("wait empty (10 ms)", epoll_wait(ep, out, 4, 10));
  write(p[1], "ab", 2);
  int n = epoll_wait(ep, out, 4, -1);
  printf("wait: %d events 0x%x data 0x%llx\n", n, out[0].events, (unsigned long long)out[0].data.u64);
  show("level-triggered again", epoll_wait(ep, out, 4, 0));
  ev.events = EPOLLIN | EPOLLET;
  epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev);
  show("edge-triggered first", epoll_wait(ep, out, 4, 0));
  show("edge-triggered again", epoll_wait(ep, out, 4, 0));
  char buf[8];
  read(p[0], buf, sizeof buf);
  write(p[1], "c", 1);
  show("edge after new data", epoll_wait(ep, out, 4, 0));
  read(p[0], buf, sizeof buf);
  ev.events = EPOLLIN | EPOLLONESHOT;
  epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev);
  write(p[1], "d", 1);
  show("one-shot first", epoll_wait(ep, out, 4, 0));
  show("one-shot disarmed", epoll_wait(ep, out, 4, 0));
  close(p[1]);
  ev.events = EPOLLIN;
  epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev);
  n = epoll_wait(ep, out, 4, 0);
  printf("writer closed: %d events 0x%x\n", n, out[0].events);
  show("ctl del", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
  show("ctl del again", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
  show("wait with maxevents 0", epoll_wait(ep, out, 0, 0));
  close(p[0]);
  close(ep);
}

static void epoll_across_fork(void) {
  int ep = epoll_create1(0);
  int p[2];
  pipe(p);
  struct epoll_event ev = {.events = EPOLLIN, .data.fd = p[0]};
  epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
  fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    usleep(20000);
    write(p[1], "x", 1);
    _exit(0);
  }
  struct epoll_event out;
  int n = epoll_wait(ep, &out, 1, 5000);
  printf("woken by the child's write: %d, fd matches %d\n", n, out.data.fd == p[0]);
  waitpid(child, NULL, 0);
  close(p[0]);
  close(p[1]);
  close(ep);
}

static void timerfds(void) {
  int t = timerfd_create(CLOCK_MONOTONIC, 0);
  struct itimerspec spec = {.it_interval = {0, 5000000}, .it_value = {0, 5000000}};
  show("timerfd settime", timerfd_settime(t, 0, &spec, NULL));
  int ep = epoll_create1(0);
  struct epoll_event ev = {.events = EPOLLIN, .data.u32 = 7};
  epoll_ctl(ep, EPOLL_CTL_ADD, t, &ev);
  struct epoll_event out;
  int n = epoll_wait(ep, &out, 1, 5000);
  printf("timer through epoll: %d data %u\n", n, out.data.u32);
  uint64_t count = 0;
  long r = read(t, &count, 8);
  printf("timerfd read %ld, at least one expiration %d\n", r, count >= 1);
  spec.it_interval.tv_nsec = 0;
  spec.it_value.tv_nsec = 0;
  timerfd_settime(t, 0, &spec, NULL);
  struct itimerspec now;
  timerfd_gettime(t, &now);
  printf("disarmed: %ld %ld\n", (long)now.it_value.tv_sec, now.it_value.tv_nsec);
  show("timerfd bad clock", timerfd_create(12345, 0));
  close(ep);
  close(t);
}

static void signalfds(void) {
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGUSR1);
  sigaddset(&mask, SIGCHLD);
  sigprocmask(SIG_BLOCK, &mask, NULL);
  int sfd = signalfd(-1, &mask, SFD_NONBLOCK);
  struct signalfd_siginfo info;
  show("signalfd empty", read(sfd, &info, sizeof info));
  kill(getpid(), SIGUSR1);
  long r = read(sfd, &info, sizeof info);
  printf("signalfd read %ld signo %u code %d own pid %d\n", r, info.ssi_signo, info.ssi_code,
         info.ssi_pid == (uint32_t)getpid());
  fflush(stdout);
  pid_t child = fork();
  if (child == 0) _exit(9);
  int ep = epoll_create1(0);
  struct epoll_event ev = {.events = EPOLLIN};
  epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ev);
  struct epoll_event out;
  int n = epoll_wait(ep, &out, 1, 5000);
  r = read(sfd, &info, sizeof info);
  printf("SIGCHLD through signalfd: %d %ld signo %u status %d pid matches %d\n", n, r, info.ssi_signo,
         info.ssi_status, info.ssi_pid == (uint32_t)child);
  waitpid(child, NULL, 0);
  close(ep);
  close(sfd);
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  eventfds();
  epoll_pipes();
  epoll_across_fork();
  timerfds();
  signalfds();
  printf("done\n");
  return 0;
}
