// UDP over 127.0.0.1 and ::1: bind to port 0 and getsockname, sendto/recvfrom, message
// boundaries, MSG_PEEK, MSG_TRUNC, empty datagrams, sendmmsg/recvmmsg, connect and AF_UNSPEC,
// ECONNREFUSED after the host's ICMP, EAGAIN and SO_RCVTIMEO, a receive that blocks one thread
// only, readiness through poll, select and epoll beside a pipe, FIONREAD, shutdown, between
// processes, IPv4-mapped traffic, and the options programs commonly set. Loopback only.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static void check(const char *what, long r) {
  if (r < 0) printf("%s: -1 %s\n", what, strerrorname_np(errno));
  else printf("%s: %ld\n", what, r);
}

static struct sockaddr_in loopback(int port) {
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  return a;
}

static int port_of(int fd) {
  struct sockaddr_storage a;
  socklen_t len = sizeof a;
  getsockname(fd, (struct sockaddr *)&a, &len);
  return ntohs(a.ss_family == AF_INET ? ((struct sockaddr_in *)&a)->sin_port : ((struct sockaddr_in6 *)&a)->sin6_port);
}

static int bound_socket(void) {
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a = loopback(0);
  bind(s, (struct sockaddr *)&a, sizeof a);
  return s;
}

static void wait_readable(int fd) {
  struct pollfd p = {.fd = fd, .events = POLLIN};
  poll(&p, 1, -1);
}

static void show_int_option(int fd, int level, int name, const char *what) {
  int v = -99;
  socklen_t len = sizeof v;
  int r = getsockopt(fd, level, name, &v, &len);
  if (r < 0) printf("%s: -1 %s\n", what, strerrorname_np(errno));
  else printf("%s reads %d (len %d)\n", what, v, (int)len);
}

static void set_int_option(int fd, int level, int name, int v, const char *what) {
  char label[96];
  snprintf(label, sizeof label, "set %s %d", what, v);
  check(label, setsockopt(fd, level, name, &v, sizeof v));
}

static void options(void) {
  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
  show_int_option(s, SOL_SOCKET, SO_TYPE, "SO_TYPE");
  show_int_option(s, SOL_SOCKET, SO_PROTOCOL, "SO_PROTOCOL");
  show_int_option(s, SOL_SOCKET, SO_DOMAIN, "SO_DOMAIN");
  show_int_option(s, SOL_SOCKET, SO_RCVBUF, "SO_RCVBUF");
  show_int_option(s, SOL_SOCKET, SO_SNDBUF, "SO_SNDBUF");
  set_int_option(s, SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR");
  show_int_option(s, SOL_SOCKET, SO_REUSEADDR, "SO_REUSEADDR");
  set_int_option(s, SOL_SOCKET, SO_BROADCAST, 5, "SO_BROADCAST");
  show_int_option(s, SOL_SOCKET, SO_BROADCAST, "SO_BROADCAST");
  set_int_option(s, SOL_SOCKET, SO_RCVBUF, 4096, "SO_RCVBUF");
  show_int_option(s, SOL_SOCKET, SO_RCVBUF, "SO_RCVBUF");
  show_int_option(s, IPPROTO_IP, IP_TTL, "IP_TTL");
  set_int_option(s, IPPROTO_IP, IP_TTL, 5, "IP_TTL");
  show_int_option(s, IPPROTO_IP, IP_TTL, "IP_TTL");
  set_int_option(s, IPPROTO_IP, IP_TTL, 0, "IP_TTL");
  set_int_option(s, IPPROTO_IP, IP_TTL, 256, "IP_TTL");
  set_int_option(s, IPPROTO_IP, IP_TTL, -1, "IP_TTL");
  show_int_option(s, IPPROTO_IP, IP_TTL, "IP_TTL");
  show_int_option(s, IPPROTO_IP, IP_TOS, "IP_TOS");
  set_int_option(s, IPPROTO_IP, IP_TOS, 0x10, "IP_TOS");
  show_int_option(s, IPPROTO_IP, IP_TOS, "IP_TOS");
  unsigned char one_byte = 0x08;
  check("set IP_TOS as one byte", setsockopt(s, IPPROTO_IP, IP_TOS, &one_byte, 1));
  show_int_option(s, IPPROTO_IP, IP_TOS, "IP_TOS");
  show_int_option(s, IPPROTO_IP, IP_MULTICAST_TTL, "IP_MULTICAST_TTL");
  show_int_option(s, IPPROTO_IP, IP_MULTICAST_LOOP, "IP_MULTICAST_LOOP");
  show_int_option(s, IPPROTO_IP, IP_MTU_DISCOVER, "IP_MTU_DISCOVER");
  set_int_option(s, IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DO, "IP_MTU_DISCOVER");
  show_int_option(s, IPPROTO_IP, IP_MTU_DISCOVER, "IP_MTU_DISCOVER");
  set_int_option(s, IPPROTO_IP, IP_MTU_DISCOVER, 9, "IP_MTU_DISCOVER");
  set_int_option(s, IPPROTO_IP, IP_PKTINFO, 7, "IP_PKTINFO");
  show_int_option(s, IPPROTO_IP, IP_PKTINFO, "IP_PKTINFO");
  set_int_option(s, IPPROTO_IP, IP_RECVERR, 1, "IP_RECVERR");
  show_int_option(s, IPPROTO_IP, IP_RECVERR, "IP_RECVERR");
  set_int_option(s, IPPROTO_IP, IP_FREEBIND, 1, "IP_FREEBIND");
  show_int_option(s, IPPROTO_IP, 200, "IP option 200");
  show_int_option(s, IPPROTO_IPV6, IPV6_V6ONLY, "IPV6_V6ONLY on IPv4");
  show_int_option(s, IPPROTO_TCP, 1, "TCP_NODELAY on UDP");
  set_int_option(s, IPPROTO_TCP, 1, 1, "TCP_NODELAY on UDP");
  set_int_option(s, IPPROTO_IPV6, IPV6_V6ONLY, 1, "IPV6_V6ONLY on IPv4");
  show_int_option(s, IPPROTO_UDP, UDP_CORK, "UDP_CORK");
  close(s);

  int s6 = socket(AF_INET6, SOCK_DGRAM, 0);
  show_int_option(s6, IPPROTO_IPV6, IPV6_V6ONLY, "IPV6_V6ONLY");
  show_int_option(s6, IPPROTO_IPV6, IPV6_UNICAST_HOPS, "IPV6_UNICAST_HOPS");
  set_int_option(s6, IPPROTO_IPV6, IPV6_UNICAST_HOPS, 9, "IPV6_UNICAST_HOPS");
  show_int_option(s6, IPPROTO_IPV6, IPV6_UNICAST_HOPS, "IPV6_UNICAST_HOPS");
  set_int_option(s6, IPPROTO_IPV6, IPV6_UNICAST_HOPS, -2, "IPV6_UNICAST_HOPS");
  show_int_option(s6, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, "IPV6_MULTICAST_HOPS");
  show_int_option(s6, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, "IPV6_MULTICAST_LOOP");
  show_int_option(s6, IPPROTO_IPV6, IPV6_TCLASS, "IPV6_TCLASS");
  set_int_option(s6, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1, "IPV6_RECVPKTINFO");
  show_int_option(s6, IPPROTO_IPV6, IPV6_RECVPKTINFO, "IPV6_RECVPKTINFO");
  show_int_option(s6, IPPROTO_IP, IP_TTL, "IP_TTL on IPv6");
  show_int_option(s6, IPPROTO_TCP, 1, "TCP_NODELAY on UDP over IPv6");
  set_int_option(s6, IPPROTO_TCP, 1, 1, "TCP_NODELAY on UDP over IPv6");
  show_int_option(s6, IPPROTO_IPV6, 250, "IPv6 option 250");
  unsigned char short_value = 1;
  check("IPV6_V6ONLY from one byte", setsockopt(s6, IPPROTO_IPV6, IPV6_V6ONLY, &short_value, 1));
  set_int_option(s6, IPPROTO_IPV6, IPV6_V6ONLY, 1, "IPV6_V6ONLY");
  show_int_option(s6, IPPROTO_IPV6, IPV6_V6ONLY, "IPV6_V6ONLY");
  struct sockaddr_in6 any = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
  check("bind [::1]:0", bind(s6, (struct sockaddr *)&any, sizeof any));
  set_int_option(s6, IPPROTO_IPV6, IPV6_V6ONLY, 0, "IPV6_V6ONLY after bind");
  close(s6);
}

static void refusals(void) {
  check("socket(SOCK_DGRAM, IPPROTO_TCP)", socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP));
  check("socket(AF_INET, SOCK_SEQPACKET)", socket(AF_INET, SOCK_SEQPACKET, 0));
  int sv[2];
  check("socketpair(AF_INET, SOCK_DGRAM)", socketpair(AF_INET, SOCK_DGRAM, 0, sv));
  int s = bound_socket();
  check("listen", listen(s, 1));
  check("accept", accept(s, NULL, NULL));
  struct sockaddr_in a = loopback(port_of(s));
  check("bind again", bind(s, (struct sockaddr *)&a, sizeof a));
  int other = socket(AF_INET, SOCK_DGRAM, 0);
  check("bind to a port in use", bind(other, (struct sockaddr *)&a, sizeof a));
  struct sockaddr_in6 six = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT, .sin6_port = htons(9)};
  check("sendto an IPv6 address from IPv4", sendto(other, "x", 1, 0, (struct sockaddr *)&six, sizeof six));
  struct sockaddr_in zero = loopback(0);
  check("sendto port 0", sendto(other, "x", 1, 0, (struct sockaddr *)&zero, sizeof zero));
  static char big[70000];
  check("sendto 70000 bytes", sendto(other, big, sizeof big, 0, (struct sockaddr *)&a, sizeof a));
  check("send unconnected", send(other, "x", 1, 0));
  check("sendto MSG_OOB", sendto(other, "x", 1, MSG_OOB, (struct sockaddr *)&a, sizeof a));
  struct sockaddr_in peer;
  socklen_t len = sizeof peer;
  check("getpeername unconnected", getpeername(other, (struct sockaddr *)&peer, &len));
  check("shutdown unconnected", shutdown(other, SHUT_RDWR));
  close(other);
  close(s);

  // With SO_REUSEADDR on both, two UDP sockets share a port.
  int first = socket(AF_INET, SOCK_DGRAM, 0), second = socket(AF_INET, SOCK_DGRAM, 0), on = 1;
  setsockopt(first, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  setsockopt(second, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  struct sockaddr_in shared = loopback(0);
  check("bind with SO_REUSEADDR", bind(first, (struct sockaddr *)&shared, sizeof shared));
  shared = loopback(port_of(first));
  check("bind the same port with SO_REUSEADDR", bind(second, (struct sockaddr *)&shared, sizeof shared));
  printf("same port %d\n", port_of(first) == port_of(second));
  close(first);
  close(second);
}

static void datagrams(void) {
  int server = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a;
  socklen_t len = sizeof a;
  check("getsockname unbound", getsockname(server, (struct sockaddr *)&a, &len));
  printf("unbound: %s port %d len %d\n", inet_ntoa(a.sin_addr), ntohs(a.sin_port), (int)len);
  a = loopback(0);
  check("bind 127.0.0.1:0", bind(server, (struct sockaddr *)&a, sizeof a));
  len = sizeof a;
  getsockname(server, (struct sockaddr *)&a, &len);
  printf("bound: %s port set %d\n", inet_ntoa(a.sin_addr), a.sin_port != 0);
  char buf[256];
  check("recv on an empty socket, MSG_DONTWAIT", recv(server, buf, sizeof buf, MSG_DONTWAIT));
  struct timeval tv = {.tv_usec = 30000};
  check("SO_RCVTIMEO", setsockopt(server, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
  check("recv past SO_RCVTIMEO", recv(server, buf, sizeof buf, 0));
  tv.tv_usec = 0;
  setsockopt(server, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);

  int client = socket(AF_INET, SOCK_DGRAM, 0);
  check("sendto one", sendto(client, "one", 3, 0, (struct sockaddr *)&a, sizeof a));
  check("sendto two", sendto(client, "two22", 5, 0, (struct sockaddr *)&a, sizeof a));
  check("sendto three", sendto(client, "three333", 8, 0, (struct sockaddr *)&a, sizeof a));
  check("sendto empty", sendto(client, "", 0, 0, (struct sockaddr *)&a, sizeof a));
  struct sockaddr_in c;
  len = sizeof c;
  getsockname(client, (struct sockaddr *)&c, &len);
  printf("client autobound: %s port set %d\n", inet_ntoa(c.sin_addr), c.sin_port != 0);

  wait_readable(server);
  int pending = -1;
  check("FIONREAD", ioctl(server, FIONREAD, &pending));
  printf("next datagram %d bytes\n", pending);
  check("recv MSG_PEEK", recv(server, buf, sizeof buf, MSG_PEEK));
  struct sockaddr_in from;
  len = sizeof from;
  ssize_t n = recvfrom(server, buf, sizeof buf, 0, (struct sockaddr *)&from, &len);
  printf("recvfrom %zd '%.*s' from %s, port matches %d, len %d\n", n, (int)n, buf, inet_ntoa(from.sin_addr),
         from.sin_port == c.sin_port, (int)len);
  check("recv 2 bytes of 5, MSG_TRUNC", recv(server, buf, 2, MSG_TRUNC));
  struct iovec iov = {buf, 4};
  struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
  n = recvmsg(server, &m, 0);
  printf("recvmsg %zd '%.*s' MSG_TRUNC %d\n", n, (int)n, buf, (m.msg_flags & MSG_TRUNC) != 0);
  wait_readable(server);
  len = sizeof from;
  n = recvfrom(server, buf, sizeof buf, 0, (struct sockaddr *)&from, &len);
  printf("empty datagram: %zd, from set %d\n", n, len == sizeof from && from.sin_port == c.sin_port);

  // sendmmsg: three messages in one call, each its own datagram.
  struct mmsghdr out[3];
  struct iovec parts[3] = {{"alpha", 5}, {"be", 2}, {"gamma!", 6}};
  memset(out, 0, sizeof out);
  for (int i = 0; i < 3; i++) {
    out[i].msg_hdr.msg_iov = &parts[i];
    out[i].msg_hdr.msg_iovlen = 1;
    out[i].msg_hdr.msg_name = &a;
    out[i].msg_hdr.msg_namelen = sizeof a;
  }
  check("sendmmsg", sendmmsg(client, out, 3, 0));
  printf("lengths %u %u %u\n", out[0].msg_len, out[1].msg_len, out[2].msg_len);
  char bufs[3][16];
  struct iovec in_iov[3];
  struct mmsghdr in[3];
  int got = 0;
  while (got < 3) {
    memset(in, 0, sizeof in);
    for (int i = 0; i < 3; i++) {
      in_iov[i] = (struct iovec){bufs[i], sizeof bufs[i]};
      in[i].msg_hdr.msg_iov = &in_iov[i];
      in[i].msg_hdr.msg_iovlen = 1;
    }
    wait_readable(server);
    int r = recvmmsg(server, in, 3 - got, MSG_WAITFORONE, NULL);
    if (r <= 0) {
      check("recvmmsg", r);
      break;
    }
    for (int i = 0; i < r; i++) printf("recvmmsg message %d: '%.*s'\n", got + i, (int)in[i].msg_len, bufs[i]);
    got += r;
  }
  // Without MSG_WAITFORONE a blocking recvmmsg waits for every message; with SO_RCVTIMEO it
  // returns what came before the timeout.
  check("sendmmsg again", sendmmsg(client, out, 3, 0));
  for (int i = 0; i < 3; i++) in_iov[i] = (struct iovec){bufs[i], sizeof bufs[i]};
  check("blocking recvmmsg of 3", recvmmsg(server, in, 3, 0, NULL));
  printf("lengths %u %u %u\n", in[0].msg_len, in[1].msg_len, in[2].msg_len);
  check("sendto one more", sendto(client, "last", 4, 0, (struct sockaddr *)&a, sizeof a));
  tv.tv_usec = 50000;
  setsockopt(server, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  check("recvmmsg of 3 with SO_RCVTIMEO and one there", recvmmsg(server, in, 3, 0, NULL));
  printf("got '%.*s'\n", (int)in[0].msg_len, bufs[0]);
  close(client);
  close(server);
}

static void connected(void) {
  int server = bound_socket();
  struct sockaddr_in a = loopback(port_of(server));
  int client = socket(AF_INET, SOCK_DGRAM, 0);
  check("connect", connect(client, (struct sockaddr *)&a, sizeof a));
  struct sockaddr_in p;
  socklen_t len = sizeof p;
  check("getpeername", getpeername(client, (struct sockaddr *)&p, &len));
  printf("peer %s, port matches %d\n", inet_ntoa(p.sin_addr), p.sin_port == a.sin_port);
  len = sizeof p;
  getsockname(client, (struct sockaddr *)&p, &len);
  printf("local address after connect %s, port set %d\n", inet_ntoa(p.sin_addr), p.sin_port != 0);
  check("send connected", send(client, "hello", 5, 0));
  check("write connected", write(client, "world", 5));
  char buf[64];
  struct sockaddr_in from;
  for (int i = 0; i < 2; i++) {
    wait_readable(server);
    len = sizeof from;
    ssize_t n = recvfrom(server, buf, sizeof buf, 0, (struct sockaddr *)&from, &len);
    printf("server got '%.*s'\n", (int)n, buf);
  }
  // A connected socket takes datagrams from its peer only.
  int stranger = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in me = loopback(ntohs(p.sin_port));
  check("stranger sendto", sendto(stranger, "stray", 5, 0, (struct sockaddr *)&me, sizeof me));
  check("server reply", sendto(server, "reply", 5, 0, (struct sockaddr *)&from, len));
  ssize_t n = read(client, buf, sizeof buf);
  printf("client read '%.*s'\n", (int)n, buf);
  check("shutdown SHUT_RD", shutdown(client, SHUT_RD));
  check("recv after SHUT_RD", recv(client, buf, sizeof buf, 0));
  struct sockaddr unspec = {.sa_family = AF_UNSPEC};
  check("connect AF_UNSPEC", connect(client, &unspec, sizeof unspec));
  len = sizeof p;
  check("getpeername after AF_UNSPEC", getpeername(client, (struct sockaddr *)&p, &len));
  check("send after AF_UNSPEC", send(client, "x", 1, 0));
  close(client);
  close(stranger);

  // A closed port answers with ICMP: the connected socket's next receive fails.
  int gone = bound_socket();
  struct sockaddr_in closed = loopback(port_of(gone));
  close(gone);
  int lonely = socket(AF_INET, SOCK_DGRAM, 0);
  check("connect to a closed port", connect(lonely, (struct sockaddr *)&closed, sizeof closed));
  check("send to a closed port", send(lonely, "anyone?", 7, 0));
  struct pollfd pf = {.fd = lonely, .events = POLLIN};
  check("poll", poll(&pf, 1, -1));
  printf("revents POLLERR %d\n", (pf.revents & POLLERR) != 0);
  check("recv", recv(lonely, buf, sizeof buf, 0));
  int err = -1;
  len = sizeof err;
  getsockopt(lonely, SOL_SOCKET, SO_ERROR, &err, &len);
  printf("SO_ERROR then %d\n", err);
  check("recv again, MSG_DONTWAIT", recv(lonely, buf, sizeof buf, MSG_DONTWAIT));
  close(lonely);
  close(server);
}

static volatile int thread_done;
static int thread_socket;

static void *receiver(void *unused) {
  (void)unused;
  char buf[32];
  ssize_t n = recv(thread_socket, buf, sizeof buf, 0);
  printf("thread received '%.*s'\n", (int)n, buf);
  thread_done = 1;
  return NULL;
}

static void threads_and_readiness(void) {
  thread_socket = bound_socket();
  struct sockaddr_in a = loopback(port_of(thread_socket));
  pthread_t t;
  pthread_create(&t, NULL, receiver, NULL);
  usleep(20000);
  printf("main runs while the thread waits: done %d\n", thread_done);
  int sender = socket(AF_INET, SOCK_DGRAM, 0);
  sendto(sender, "wake", 4, 0, (struct sockaddr *)&a, sizeof a);
  pthread_join(t, NULL);

  // epoll, poll and select over a pipe and the UDP socket.
  int pipefd[2];
  pipe(pipefd);
  int ep = epoll_create1(0);
  struct epoll_event ev = {.events = EPOLLIN, .data.fd = thread_socket};
  epoll_ctl(ep, EPOLL_CTL_ADD, thread_socket, &ev);
  ev.data.fd = pipefd[0];
  epoll_ctl(ep, EPOLL_CTL_ADD, pipefd[0], &ev);
  struct epoll_event got[4];
  check("epoll_wait with nothing ready", epoll_wait(ep, got, 4, 0));
  write(pipefd[1], "p", 1);
  sendto(sender, "d", 1, 0, (struct sockaddr *)&a, sizeof a);
  int seen_pipe = 0, seen_socket = 0;
  while (!(seen_pipe && seen_socket)) {
    int n = epoll_wait(ep, got, 4, -1);
    for (int i = 0; i < n; i++) {
      if (got[i].data.fd == pipefd[0]) seen_pipe = 1;
      if (got[i].data.fd == thread_socket) seen_socket = 1;
    }
  }
  printf("epoll: pipe %d, socket %d\n", seen_pipe, seen_socket);
  struct pollfd pf[2] = {{.fd = pipefd[0], .events = POLLIN}, {.fd = thread_socket, .events = POLLIN | POLLOUT}};
  check("poll", poll(pf, 2, -1));
  printf("poll: pipe %#x, socket %#x\n", pf[0].revents, pf[1].revents);
  fd_set r;
  FD_ZERO(&r);
  FD_SET(pipefd[0], &r);
  FD_SET(thread_socket, &r);
  int maxfd = pipefd[0] > thread_socket ? pipefd[0] : thread_socket;
  check("select", select(maxfd + 1, &r, NULL, NULL, NULL));
  printf("select: pipe %d, socket %d\n", FD_ISSET(pipefd[0], &r) != 0, FD_ISSET(thread_socket, &r) != 0);
  char c;
  read(pipefd[0], &c, 1);
  recv(thread_socket, &c, 1, 0);
  check("epoll_wait after draining", epoll_wait(ep, got, 4, 0));
  close(ep);
  close(pipefd[0]);
  close(pipefd[1]);
  close(sender);
  close(thread_socket);
}

static void processes(void) {
  int server = bound_socket();
  struct sockaddr_in a = loopback(port_of(server));
  pid_t pid = fork();
  if (pid == 0) {
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    for (int i = 0; i < 3; i++) {
      char msg[16];
      int n = snprintf(msg, sizeof msg, "child %d", i);
      sendto(s, msg, n, 0, (struct sockaddr *)&a, sizeof a);
    }
    char buf[16];
    ssize_t n = recv(s, buf, sizeof buf, 0);
    printf("child got '%.*s'\n", (int)n, buf);
    _exit(0);
  }
  struct sockaddr_in from;
  socklen_t len = sizeof from;
  char buf[16];
  for (int i = 0; i < 3; i++) {
    len = sizeof from;
    ssize_t n = recvfrom(server, buf, sizeof buf, 0, (struct sockaddr *)&from, &len);
    printf("parent got '%.*s'\n", (int)n, buf);
  }
  sendto(server, "bye", 3, 0, (struct sockaddr *)&from, len);
  int status;
  waitpid(pid, &status, 0);
  printf("child exited %d\n", WEXITSTATUS(status));
  close(server);
}

static void ipv6(void) {
  int server = socket(AF_INET6, SOCK_DGRAM, 0);
  struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
  check("bind [::1]:0", bind(server, (struct sockaddr *)&a, sizeof a));
  socklen_t len = sizeof a;
  getsockname(server, (struct sockaddr *)&a, &len);
  char text[INET6_ADDRSTRLEN];
  printf("bound %s port set %d len %d\n", inet_ntop(AF_INET6, &a.sin6_addr, text, sizeof text), a.sin6_port != 0,
         (int)len);
  int client = socket(AF_INET6, SOCK_DGRAM, 0);
  check("sendto [::1]", sendto(client, "six", 3, 0, (struct sockaddr *)&a, sizeof a));
  struct sockaddr_in6 from;
  len = sizeof from;
  char buf[16];
  ssize_t n = recvfrom(server, buf, sizeof buf, 0, (struct sockaddr *)&from, &len);
  printf("got '%.*s' from %s len %d scope %u\n", (int)n, buf, inet_ntop(AF_INET6, &from.sin6_addr, text, sizeof text),
         (int)len, from.sin6_scope_id);

  // An IPv6 socket reaches an IPv4 one through a v4-mapped address, and sees it that way.
  int v4 = bound_socket();
  struct sockaddr_in target = loopback(port_of(v4));
  check("sendto a sockaddr_in from IPv6", sendto(client, "mapped", 6, 0, (struct sockaddr *)&target, sizeof target));
  struct sockaddr_in from4;
  len = sizeof from4;
  n = recvfrom(v4, buf, sizeof buf, 0, (struct sockaddr *)&from4, &len);
  printf("IPv4 side got '%.*s' from %s\n", (int)n, buf, inet_ntoa(from4.sin_addr));
  check("reply to it", sendto(v4, "back", 4, 0, (struct sockaddr *)&from4, len));
  len = sizeof from;
  n = recvfrom(client, buf, sizeof buf, 0, (struct sockaddr *)&from, &len);
  printf("IPv6 side got '%.*s' from %s\n", (int)n, buf, inet_ntop(AF_INET6, &from.sin6_addr, text, sizeof text));
  // A link-local peer needs an interface: the host refuses it, after Node's lookup.
  struct sockaddr_in6 link = {.sin6_family = AF_INET6, .sin6_port = htons(9)};
  inet_pton(AF_INET6, "fe80::1", &link.sin6_addr);
  check("connect to fe80::1 without a scope", connect(client, (struct sockaddr *)&link, sizeof link));
  len = sizeof from;
  check("getpeername after it", getpeername(client, (struct sockaddr *)&from, &len));
  close(v4);
  close(client);
  close(server);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  options();
  refusals();
  datagrams();
  connected();
  threads_and_readiness();
  processes();
  ipv6();
  return 0;
}
