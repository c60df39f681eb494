// TCP over 127.0.0.1 between two processes: bind to port 0 and getsockname, listen, accept4,
// connect (blocking and non-blocking with SO_ERROR), send and receive both ways, shutdown and
// end of file, peer names, options read back, and a refused connection.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static void check(const char *what, long r) {
  if (r < 0) printf("%s: -1 %s\n", what, strerrorname_np(errno));
  else printf("%s: %ld\n", what, r);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int on = 1;
  check("SO_REUSEADDR", setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on));
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  check("bind", bind(s, (struct sockaddr *)&a, sizeof a));
  socklen_t len = sizeof a;
  check("getsockname", getsockname(s, (struct sockaddr *)&a, &len));
  printf("port is set %d, address %s, len %d\n", a.sin_port != 0, inet_ntoa(a.sin_addr), (int)len);
  check("listen", listen(s, 8));
  int v = 0;
  len = sizeof v;
  getsockopt(s, SOL_SOCKET, SO_REUSEADDR, &v, &len);
  printf("SO_REUSEADDR reads %d\n", v);
  pid_t pid = fork();
  if (pid == 0) {
    int c = socket(AF_INET, SOCK_STREAM, 0);
    check("client connect", connect(c, (struct sockaddr *)&a, sizeof a));
    check("TCP_NODELAY", setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on));
    check("client send", send(c, "GET /", 5, 0));
    check("client shutdown", shutdown(c, SHUT_WR));
    char buf[64];
    ssize_t n, total = 0;
    while ((n = read(c, buf + total, sizeof buf - total)) > 0) total += n;
    printf("client got %.*s\n", (int)total, buf);
    _exit(0);
  }
  struct sockaddr_in peer;
  len = sizeof peer;
  int c = accept4(s, (struct sockaddr *)&peer, &len, SOCK_CLOEXEC);
  char buf[64];
  ssize_t n, total = 0;
  while ((n = recv(c, buf + total, sizeof buf - total, 0)) > 0) total += n;
  ssize_t sent = send(c, "200 OK", 6, 0);
  close(c);
  int status;
  waitpid(pid, &status, 0);
  // The server speaks after the client ended, so that the output's order is fixed.
  printf("accepted %d from %s\n", c >= 0, inet_ntoa(peer.sin_addr));
  printf("server got %.*s\n", (int)total, buf);
  check("server send", sent);
  printf("client exit %d\n", WEXITSTATUS(status));

  // Non-blocking connect: EINPROGRESS, then writable, then SO_ERROR 0.
  int nb = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int r = connect(nb, (struct sockaddr *)&a, sizeof a);
  printf("nonblocking connect: %s\n", r == 0 ? "0" : strerrorname_np(errno));
  struct pollfd pfd = {nb, POLLOUT, 0};
  check("poll", poll(&pfd, 1, 5000));
  int err = -1;
  len = sizeof err;
  getsockopt(nb, SOL_SOCKET, SO_ERROR, &err, &len);
  printf("SO_ERROR %d\n", err);
  int c2 = accept(s, NULL, NULL);
  printf("accepted again %d\n", c2 >= 0);
  close(c2);
  close(nb);
  close(s);

  // Nothing listens any more: refused.
  int late = socket(AF_INET, SOCK_STREAM, 0);
  check("connect refused", connect(late, (struct sockaddr *)&a, sizeof a));
  check("socket udp6", socket(AF_INET6, SOCK_STREAM, IPPROTO_UDP));
  return 0;
}
