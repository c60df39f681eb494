// AF_UNIX sockets between processes: socketpair of each type across fork, descriptors passed
// with SCM_RIGHTS, credentials, a path-named and an abstract server with clients in other
// processes, poll and epoll readiness, EPIPE and SIGPIPE, MSG_PEEK, MSG_TRUNC, non-blocking
// EAGAIN, shutdown, names and socket options. Prints only what every kernel answers the same.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static void check(const char *what, long r) {
  if (r < 0) printf("%s: -1 %s\n", what, strerrorname_np(errno));
  else printf("%s: %ld\n", what, r);
}

static void wait_child(pid_t pid) {
  int status;
  waitpid(pid, &status, 0);
  printf("child exit %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

static void pair_of(int type, const char *name) {
  int sv[2];
  check(name, socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, sv));
  printf("cloexec %d\n", (fcntl(sv[0], F_GETFD) & FD_CLOEXEC) != 0);
  int t = 0;
  socklen_t len = sizeof t;
  getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &t, &len);
  printf("SO_TYPE %d len %d\n", t, (int)len);
  pid_t pid = fork();
  if (pid == 0) {
    close(sv[0]);
    char buf[64];
    ssize_t n;
    int messages = 0;
    while ((type == SOCK_STREAM || messages++ < 2) && (n = read(sv[1], buf, sizeof buf)) > 0) write(sv[1], buf, n);
    _exit(n >= 0 ? 0 : 1);
  }
  close(sv[1]);
  write(sv[0], "hello", 5);
  write(sv[0], "world!", 6);
  char buf[64];
  ssize_t total = 0;
  while (total < 11) {
    ssize_t n = read(sv[0], buf + total, sizeof buf - total);
    if (n <= 0) break;
    if (type != SOCK_STREAM) printf("message of %zd\n", n);
    total += n;
  }
  printf("echoed %.*s\n", (int)total, buf);
  if (type == SOCK_STREAM) check("shutdown", shutdown(sv[0], SHUT_WR));
  wait_child(pid);
  if (type != SOCK_DGRAM) check("read after peer exit", read(sv[0], buf, sizeof buf));
  close(sv[0]);
}

static long send_fd(int sock, int fd) {
  char data = 'F';
  struct iovec iov = {&data, 1};
  union {
    struct cmsghdr h;
    char buf[CMSG_SPACE(sizeof(int))];
  } control;
  struct msghdr msg = {0};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.buf;
  msg.msg_controllen = sizeof control.buf;
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &fd, sizeof fd);
  return sendmsg(sock, &msg, 0);
}

static int receive_fd(int sock) {
  char data;
  struct iovec iov = {&data, 1};
  char buf[CMSG_SPACE(sizeof(int)) + CMSG_SPACE(sizeof(struct ucred))];
  struct msghdr msg = {0};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = buf;
  msg.msg_controllen = sizeof buf;
  check("recvmsg", recvmsg(sock, &msg, MSG_CMSG_CLOEXEC));
  int fd = -1;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_type == SCM_RIGHTS) memcpy(&fd, CMSG_DATA(c), sizeof fd);
    if (c->cmsg_type == SCM_CREDENTIALS) {
      struct ucred cred;
      memcpy(&cred, CMSG_DATA(c), sizeof cred);
      printf("credentials: pid is parent %d, uid %d\n", cred.pid == getppid(), cred.uid == getuid());
    }
  }
  printf("got a descriptor %d, cloexec %d, flags %x\n", fd >= 0, fd >= 0 && (fcntl(fd, F_GETFD) & FD_CLOEXEC),
         msg.msg_flags);
  return fd;
}

static void rights(void) {
  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  int on = 1;
  setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
  pid_t pid = fork();
  if (pid == 0) {
    close(sv[0]);
    int fd = receive_fd(sv[1]);
    write(fd, "through the passed pipe", 23);
    _exit(0);
  }
  close(sv[1]);
  check("sendmsg SCM_RIGHTS", send_fd(sv[0], -1)); // not a descriptor: EBADF
  int w[2];
  pipe(w);
  long sent = send_fd(sv[0], w[1]);
  close(w[1]);
  char buf[64];
  ssize_t n = read(w[0], buf, sizeof buf);
  // Printed once the child has written (after its own lines), so the order is fixed.
  check("sendmsg SCM_RIGHTS", sent);
  printf("parent read %.*s\n", (int)n, buf);
  wait_child(pid);
  struct ucred cred;
  socklen_t len = sizeof cred;
  check("SO_PEERCRED", getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &cred, &len));
  printf("peer is me %d len %d\n", cred.pid == getpid(), (int)len);
}

static socklen_t address(struct sockaddr_un *a, const char *path, int abstract) {
  memset(a, 0, sizeof *a);
  a->sun_family = AF_UNIX;
  if (abstract) {
    memcpy(a->sun_path + 1, path, strlen(path));
    return offsetof(struct sockaddr_un, sun_path) + 1 + strlen(path);
  }
  strcpy(a->sun_path, path);
  return sizeof *a;
}

static void server(const char *path, int abstract) {
  struct sockaddr_un a;
  socklen_t alen = address(&a, path, abstract);
  int s = socket(AF_UNIX, SOCK_STREAM, 0);
  check("bind", bind(s, (struct sockaddr *)&a, alen));
  int again = socket(AF_UNIX, SOCK_STREAM, 0);
  check("bind again", bind(again, (struct sockaddr *)&a, alen));
  close(again);
  check("connect before listen", connect(socket(AF_UNIX, SOCK_STREAM, 0), (struct sockaddr *)&a, alen));
  check("listen", listen(s, 4));
  if (!abstract) {
    struct stat st;
    stat(path, &st);
    printf("socket file %d\n", S_ISSOCK(st.st_mode) || S_ISREG(st.st_mode));
  }
  struct sockaddr_un got;
  socklen_t glen = sizeof got;
  getsockname(s, (struct sockaddr *)&got, &glen);
  printf("getsockname len %d same %d\n", (int)glen, glen <= sizeof got && memcmp(&got, &a, glen) == 0);
  pid_t pid = fork();
  if (pid == 0) {
    int c = socket(AF_UNIX, SOCK_STREAM, 0);
    if (connect(c, (struct sockaddr *)&a, alen) != 0) _exit(1);
    socklen_t plen = sizeof got;
    getpeername(c, (struct sockaddr *)&got, &plen);
    write(c, "ping", 4);
    char buf[16];
    ssize_t n = read(c, buf, sizeof buf);
    _exit(n == 4 && memcmp(buf, "pong", 4) == 0 && plen == glen ? 0 : 2);
  }
  struct pollfd pfd = {s, POLLIN, 0};
  check("poll listener", poll(&pfd, 1, -1));
  printf("revents %x\n", pfd.revents);
  struct sockaddr_un peer;
  socklen_t plen = sizeof peer;
  int c = accept4(s, (struct sockaddr *)&peer, &plen, SOCK_NONBLOCK);
  printf("accepted %d peer len %d nonblock %d\n", c >= 0, (int)plen, (fcntl(c, F_GETFL) & O_NONBLOCK) != 0);
  char buf[16];
  pfd.fd = c;
  poll(&pfd, 1, -1);
  check("read", read(c, buf, sizeof buf));
  write(c, "pong", 4);
  wait_child(pid);
  close(c);
  close(s);
  check("connect after close", connect(socket(AF_UNIX, SOCK_STREAM, 0), (struct sockaddr *)&a, alen));
  if (!abstract) unlink(path);
}

static void readiness(void) {
  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv);
  char buf[8];
  check("nonblocking read", read(sv[0], buf, sizeof buf));
  struct pollfd pfd = {sv[0], POLLIN | POLLOUT, 0};
  check("poll", poll(&pfd, 1, 0));
  printf("revents %x\n", pfd.revents);
  int ep = epoll_create1(0);
  struct epoll_event ev = {EPOLLIN, {.u32 = 7}};
  epoll_ctl(ep, EPOLL_CTL_ADD, sv[0], &ev);
  check("epoll idle", epoll_wait(ep, &ev, 1, 0));
  send(sv[1], "peek", 4, 0);
  check("epoll ready", epoll_wait(ep, &ev, 1, 0));
  printf("event %x data %u\n", ev.events, ev.data.u32);
  check("peek", recv(sv[0], buf, 2, MSG_PEEK));
  check("read", read(sv[0], buf, sizeof buf));
  printf("%.4s\n", buf);
  static char big[4096];
  long total = 0, n;
  while ((n = send(sv[1], big, sizeof big, MSG_DONTWAIT)) > 0) total += n;
  printf("filled: %d %s\n", total > 0, strerrorname_np(errno));
  pfd.fd = sv[1];
  pfd.events = POLLOUT;
  check("poll full", poll(&pfd, 1, 0));
  check("shutdown", shutdown(sv[0], SHUT_WR));
  pfd.fd = sv[1];
  pfd.events = POLLIN;
  poll(&pfd, 1, 0);
  printf("after shutdown revents %x\n", pfd.revents);
  check("read eof", read(sv[1], buf, sizeof buf));
  close(sv[0]);
  signal(SIGPIPE, SIG_IGN);
  check("send nosignal", send(sv[1], "x", 1, MSG_NOSIGNAL));
  check("write epipe", write(sv[1], "x", 1));
  close(sv[1]);
}

static void datagrams(void) {
  int sv[2];
  socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
  send(sv[0], "0123456789", 10, 0);
  char buf[4];
  check("recv truncated", recv(sv[1], buf, 4, MSG_TRUNC));
  send(sv[0], "0123456789", 10, 0);
  struct iovec iov = {buf, 4};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
  check("recvmsg", recvmsg(sv[1], &msg, 0));
  printf("flags %x\n", msg.msg_flags);
  check("empty datagram", send(sv[0], "", 0, 0));
  check("recv empty", recv(sv[1], buf, 4, MSG_DONTWAIT));
  check("recv none", recv(sv[1], buf, 4, MSG_DONTWAIT));
  close(sv[1]);
  check("send to closed", send(sv[0], "x", 1, 0));
  close(sv[0]);
  int sp[2];
  socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sp);
  close(sp[1]);
  signal(SIGPIPE, SIG_IGN);
  check("seqpacket to closed", send(sp[0], "x", 1, 0));
  check("seqpacket read eof", recv(sp[0], buf, 4, 0));
  close(sp[0]);
}

static void errors(void) {
  check("socket AF_INET6 raw", socket(12345, SOCK_STREAM, 0));
  check("socket bad type", socket(AF_UNIX, 77, 0));
  check("socketpair bad protocol", socketpair(AF_UNIX, SOCK_STREAM, 9, (int[2]){0}));
  check("not a socket", shutdown(0 + open("/", O_RDONLY), SHUT_RD));
  int s = socket(AF_UNIX, SOCK_STREAM, 0);
  check("listen unbound", listen(s, 1));
  int v = 0;
  socklen_t len = sizeof v;
  check("unknown option", getsockopt(s, SOL_SOCKET, 9999, &v, &len));
  check("unknown level", getsockopt(s, 6, 1, &v, &len));
  int size = 65536;
  setsockopt(s, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
  getsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, &len);
  printf("SO_SNDBUF %d\n", v);
  check("SO_ERROR", getsockopt(s, SOL_SOCKET, SO_ERROR, &v, &len));
  check("getpeername unconnected", getpeername(s, (struct sockaddr *)&(struct sockaddr_un){0}, &len));
  struct sockaddr_un a;
  check("connect missing path", connect(s, (struct sockaddr *)&a, address(&a, "no-such-socket", 0)));
  struct sockaddr_un un = {.sun_family = AF_UNIX};
  check("autobind", bind(s, (struct sockaddr *)&un, offsetof(struct sockaddr_un, sun_path)));
  struct sockaddr_un got;
  len = sizeof got;
  getsockname(s, (struct sockaddr *)&got, &len);
  printf("autobound len %d abstract %d\n", (int)len, got.sun_path[0] == 0);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  pair_of(SOCK_STREAM, "stream");
  pair_of(SOCK_DGRAM, "dgram");
  pair_of(SOCK_SEQPACKET, "seqpacket");
  rights();
  server("server.sock", 0);
  server("arm64kit-sockets-test", 1);
  readiness();
  datagrams();
  errors();
  return 0;
}
