// The host's network interfaces as a program sees them through NETLINK_ROUTE: getifaddrs
// (RTM_GETLINK and RTM_GETADDR dumps), if_nameindex, if_nametoindex and if_indextoname (ioctls),
// and a dump by hand: bind and getsockname with nl_pid, sequence numbers echoed, NLMSG_DONE, an
// unknown request answered with NLMSG_ERROR, and the families and protocols netlink refuses.
// Lines that list interfaces are sorted, so the order the host keeps them in does not matter.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static char *lines[512];
static int nlines;

static void add(const char *text) {
  if (nlines < 512) lines[nlines++] = strdup(text);
}

static int by_text(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void flush(const char *title) {
  qsort(lines, nlines, sizeof *lines, by_text);
  printf("%s: %d\n", title, nlines);
  for (int i = 0; i < nlines; i++) {
    printf("  %s\n", lines[i]);
    free(lines[i]);
  }
  nlines = 0;
}

static void check(const char *what, long r) {
  if (r < 0) printf("%s: -1 %s\n", what, strerrorname_np(errno));
  else printf("%s: %ld\n", what, r);
}

static const char *family_name(int f) {
  return f == AF_PACKET ? "AF_PACKET" : f == AF_INET ? "AF_INET" : f == AF_INET6 ? "AF_INET6" : "other";
}

static void numeric(const struct sockaddr *sa, char *out, size_t size) {
  socklen_t len = sa->sa_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
  int r = getnameinfo(sa, len, out, size, NULL, 0, NI_NUMERICHOST);
  if (r != 0) snprintf(out, size, "(%s)", gai_strerror(r));
}

static void interfaces(void) {
  struct ifaddrs *list;
  check("getifaddrs", getifaddrs(&list));
  for (struct ifaddrs *i = list; i; i = i->ifa_next) {
    char line[512], addr[INET6_ADDRSTRLEN + 16] = "-", mask[INET6_ADDRSTRLEN + 16] = "-",
                    extra[96] = "";
    int family = i->ifa_addr ? i->ifa_addr->sa_family : -1;
    if (family == AF_PACKET) {
      const struct sockaddr_ll *ll = (const struct sockaddr_ll *)i->ifa_addr;
      int n = 0;
      for (int b = 0; b < ll->sll_halen && b < 8; b++) n += sprintf(addr + n, "%s%02x", b ? ":" : "", ll->sll_addr[b]);
      if (ll->sll_halen == 0) strcpy(addr, "none");
      snprintf(extra, sizeof extra, " hatype %d index-matches %d stats %d", ll->sll_hatype,
               ll->sll_ifindex == (int)if_nametoindex(i->ifa_name), i->ifa_data != NULL);
    } else if (family == AF_INET || family == AF_INET6) {
      numeric(i->ifa_addr, addr, sizeof addr);
      if (i->ifa_netmask) numeric(i->ifa_netmask, mask, sizeof mask);
      if (family == AF_INET && (i->ifa_flags & IFF_BROADCAST) && i->ifa_broadaddr) {
        char b[INET6_ADDRSTRLEN + 16];
        numeric(i->ifa_broadaddr, b, sizeof b);
        snprintf(extra, sizeof extra, " broadcast %s", b);
      }
    }
    snprintf(line, sizeof line, "%s %s flags %#x addr %s mask %s%s", i->ifa_name, family_name(family),
             i->ifa_flags, addr, mask, extra);
    add(line);
  }
  freeifaddrs(list);
  flush("getifaddrs entries");
}

static void name_index(void) {
  struct if_nameindex *names = if_nameindex();
  if (!names) {
    check("if_nameindex", -1);
    return;
  }
  for (struct if_nameindex *n = names; n->if_index != 0; n++) {
    char line[128], back[IF_NAMESIZE] = "";
    if_indextoname(n->if_index, back);
    snprintf(line, sizeof line, "%u %s nametoindex %u indextoname %s", n->if_index, n->if_name,
             if_nametoindex(n->if_name), back);
    add(line);
  }
  if_freenameindex(names);
  flush("if_nameindex");
  printf("if_nametoindex(lo) %u\n", if_nametoindex("lo"));
  errno = 0;
  printf("if_nametoindex(nosuch0) %u %s\n", if_nametoindex("nosuch0"), strerrorname_np(errno));
  char name[IF_NAMESIZE];
  errno = 0;
  printf("if_indextoname(99999) %s %s\n", if_indextoname(99999, name) ? name : "NULL", strerrorname_np(errno));
}

struct request {
  struct nlmsghdr header;
  struct rtgenmsg body;
};

static int send_request(int fd, int type, int flags, unsigned seq) {
  struct request r = {
      .header = {.nlmsg_len = sizeof r, .nlmsg_type = type, .nlmsg_flags = flags, .nlmsg_seq = seq},
      .body = {.rtgen_family = AF_UNSPEC},
  };
  struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
  return sendto(fd, &r, sizeof r, 0, (struct sockaddr *)&kernel, sizeof kernel);
}

/** Reads the replies to one request until NLMSG_DONE or an error message; counts what came. */
static void dump(int fd, unsigned seq, unsigned pid, const char *what) {
  static char buf[32768];
  int messages = 0, wrong = 0, done = 0, datagrams = 0;
  while (!done) {
    struct sockaddr_nl from;
    struct iovec iov = {buf, sizeof buf};
    struct msghdr m = {.msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov, .msg_iovlen = 1};
    ssize_t n = recvmsg(fd, &m, 0);
    if (n < 0) {
      check("recvmsg", n);
      return;
    }
    datagrams++;
    if (from.nl_family != AF_NETLINK || from.nl_pid != 0 || m.msg_namelen != sizeof from) wrong++;
    for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
      if (h->nlmsg_seq != seq || h->nlmsg_pid != pid) wrong++;
      if (h->nlmsg_type == NLMSG_DONE) {
        printf("%s: NLMSG_DONE payload %d, multi %d\n", what, *(int *)NLMSG_DATA(h),
               (h->nlmsg_flags & NLM_F_MULTI) != 0);
        done = 1;
      } else if (h->nlmsg_type == NLMSG_ERROR) {
        struct nlmsgerr *e = NLMSG_DATA(h);
        printf("%s: NLMSG_ERROR %s, echoed type %d seq %u, len %u\n", what,
               e->error ? strerrorname_np(-e->error) : "0", e->msg.nlmsg_type, e->msg.nlmsg_seq,
               h->nlmsg_len);
        done = 1;
      } else {
        messages++;
        if (!(h->nlmsg_flags & NLM_F_MULTI)) wrong++;
      }
    }
  }
  printf("%s: %s messages, %d with a wrong header, datagrams %s\n", what, messages > 0 ? "some" : "no",
         wrong, datagrams > 0 ? "some" : "none");
}

static void by_hand(void) {
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  check("socket(NETLINK_ROUTE)", fd < 0 ? -1 : 0);
  struct sockaddr_nl a = {.nl_family = AF_NETLINK};
  socklen_t len = sizeof a;
  check("getsockname before bind", getsockname(fd, (struct sockaddr *)&a, &len));
  printf("unbound nl_pid %u len %u\n", a.nl_pid, len);
  check("bind", bind(fd, (struct sockaddr *)&a, sizeof a));
  len = sizeof a;
  check("getsockname", getsockname(fd, (struct sockaddr *)&a, &len));
  printf("nl_pid is getpid %d, family %d, groups %u\n", a.nl_pid == (unsigned)getpid(), a.nl_family, a.nl_groups);
  check("bind again", bind(fd, (struct sockaddr *)&a, sizeof a));
  check("bind short", bind(fd, (struct sockaddr *)&a, 4));

  int other = socket(AF_NETLINK, SOCK_DGRAM, NETLINK_ROUTE);
  struct sockaddr_nl b = {.nl_family = AF_NETLINK};
  check("second bind", bind(other, (struct sockaddr *)&b, sizeof b));
  len = sizeof b;
  getsockname(other, (struct sockaddr *)&b, &len);
  printf("second nl_pid differs %d nonzero %d\n", b.nl_pid != a.nl_pid, b.nl_pid != 0);
  struct sockaddr_nl taken = {.nl_family = AF_NETLINK, .nl_pid = a.nl_pid};
  int third = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
  check("bind to a taken nl_pid", bind(third, (struct sockaddr *)&taken, sizeof taken));
  close(third);

  check("RTM_GETLINK dump", send_request(fd, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 42));
  dump(fd, 42, a.nl_pid, "links");
  check("RTM_GETADDR dump", send_request(fd, RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 43));
  dump(fd, 43, a.nl_pid, "addresses");
  // Autobind: a socket that sends without binding gets an nl_pid of its own.
  check("unbound RTM_GETLINK dump", send_request(other, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 7));
  dump(other, 7, b.nl_pid, "links again");

  // Peeking at the first reply, then reading it short: MSG_TRUNC reports the whole length.
  check("RTM_GETADDR dump", send_request(fd, RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 44));
  char small[16];
  ssize_t whole = recv(fd, small, sizeof small, MSG_PEEK | MSG_TRUNC);
  printf("peeked length over 16: %d\n", whole > 16);
  struct iovec iov = {small, sizeof small};
  struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
  ssize_t cut = recvmsg(fd, &m, 0);
  printf("short read %zd, MSG_TRUNC %d\n", cut, (m.msg_flags & MSG_TRUNC) != 0);
  dump(fd, 44, a.nl_pid, "rest of the addresses");

  // A single link by index, with an acknowledgement asked for.
  struct {
    struct nlmsghdr header;
    struct ifinfomsg body;
  } one = {
      .header = {.nlmsg_len = sizeof one, .nlmsg_type = RTM_GETLINK, .nlmsg_flags = NLM_F_REQUEST, .nlmsg_seq = 50},
      .body = {.ifi_family = AF_UNSPEC, .ifi_index = 1},
  };
  check("RTM_GETLINK of index 1", send(fd, &one, sizeof one, 0));
  char reply[8192];
  ssize_t n = recv(fd, reply, sizeof reply, 0);
  struct nlmsghdr *h = (struct nlmsghdr *)reply;
  struct ifinfomsg *info = NLMSG_DATA(h);
  printf("reply %s type %d index %d loopback %d seq %u\n", n > 0 ? "came" : "missing", h->nlmsg_type,
         info->ifi_index, (info->ifi_flags & IFF_LOOPBACK) != 0, h->nlmsg_seq);
  one.body.ifi_index = 99999;
  one.header.nlmsg_seq = 51;
  check("RTM_GETLINK of index 99999", send(fd, &one, sizeof one, 0));
  dump(fd, 51, a.nl_pid, "no such link");

  check("socket(NETLINK_ROUTE, SOCK_STREAM)", socket(AF_NETLINK, SOCK_STREAM, NETLINK_ROUTE));
  check("socket(netlink protocol 31)", socket(AF_NETLINK, SOCK_RAW, 31));
  check("socket(netlink protocol 32)", socket(AF_NETLINK, SOCK_RAW, 32));
  // The kernel has NETLINK_GENERIC; qemu passes only ROUTE, AUDIT and KOBJECT_UEVENT to it.
  check("socket(NETLINK_GENERIC)", socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC));
  int v = 0;
  len = sizeof v;
  check("SO_PROTOCOL", getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &v, &len));
  printf("protocol %d\n", v);
  len = sizeof v;
  check("SO_TYPE", getsockopt(other, SOL_SOCKET, SO_TYPE, &v, &len));
  printf("type %d\n", v);
  close(other);
  close(fd);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  interfaces();
  name_index();
  by_hand();
  return 0;
}
