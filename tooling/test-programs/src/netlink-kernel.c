// NETLINK_ROUTE requests that qemu does not pass to the kernel as they are (it refuses message
// types it cannot translate at sendto), so the oracle here is the host's kernel running the
// same source built natively: unknown types answered with NLMSG_ERROR, acknowledgements
// (NLM_F_ACK, NLM_F_CAPPED, NETLINK_CAP_ACK), requests without NLM_F_REQUEST, several messages
// in one datagram, a dump with NLM_F_ACK, and a second dump while one runs (EBUSY).
#define _GNU_SOURCE
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct request {
  struct nlmsghdr header;
  struct rtgenmsg body;
  char pad[3];
};

static struct request make(int type, int flags, unsigned seq) {
  struct request r = {.header = {.nlmsg_len = sizeof r, .nlmsg_type = type, .nlmsg_flags = flags, .nlmsg_seq = seq}};
  r.body.rtgen_family = AF_UNSPEC;
  return r;
}

static char buf[32768];

/** Prints every reply now queued: one line per message, "some" for the entries of a dump. */
static void replies(int fd, const char *what) {
  int entries = 0;
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0) {
      if (entries) printf("%s: dump entries\n", what);
      printf("%s: then %s\n", what, strerrorname_np(errno));
      return;
    }
    for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
      if (h->nlmsg_type == NLMSG_ERROR) {
        struct nlmsgerr *e = NLMSG_DATA(h);
        printf("%s: NLMSG_ERROR %s seq %u len %u flags %#x echoed type %d\n", what,
               e->error ? strerrorname_np(-e->error) : "0", h->nlmsg_seq, h->nlmsg_len, h->nlmsg_flags,
               e->msg.nlmsg_type);
      } else if (h->nlmsg_type == NLMSG_DONE) {
        if (entries) printf("%s: dump entries\n", what);
        entries = 0;
        printf("%s: NLMSG_DONE seq %u\n", what, h->nlmsg_seq);
      } else {
        entries++;
      }
    }
  }
}

static void ask(int fd, int type, int flags, unsigned seq, const char *what) {
  struct request r = make(type, flags, seq);
  ssize_t n = send(fd, &r, sizeof r, 0);
  if (n < 0) printf("%s: send %s\n", what, strerrorname_np(errno));
  replies(fd, what);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
  ask(fd, 0x7ff, NLM_F_REQUEST, 1, "type 0x7ff");
  ask(fd, 200, NLM_F_REQUEST | NLM_F_ACK, 2, "type 200 with ACK");
  ask(fd, NLMSG_NOOP, NLM_F_REQUEST | NLM_F_ACK, 3, "NLMSG_NOOP with ACK");
  ask(fd, NLMSG_NOOP, NLM_F_REQUEST, 4, "NLMSG_NOOP");
  ask(fd, RTM_GETLINK, NLM_F_DUMP, 5, "dump without NLM_F_REQUEST");
  ask(fd, RTM_GETLINK, NLM_F_DUMP, 5, "dump without NLM_F_REQUEST");
  ask(fd, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP | NLM_F_ACK, 6, "dump with ACK");

  struct nlmsghdr bare = {.nlmsg_len = sizeof bare, .nlmsg_type = RTM_GETLINK, .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK, .nlmsg_seq = 7};
  send(fd, &bare, sizeof bare, 0);
  replies(fd, "RTM_GETLINK without a body");

  struct request two[2] = {make(NLMSG_NOOP, NLM_F_REQUEST | NLM_F_ACK, 8), make(0x7ff, NLM_F_REQUEST, 9)};
  send(fd, two, sizeof two, 0);
  replies(fd, "two in one datagram");

  struct request dumps[2] = {make(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 10), make(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 11)};
  send(fd, &dumps[0], sizeof dumps[0], 0);
  send(fd, &dumps[1], sizeof dumps[1], 0);
  replies(fd, "a dump while one runs");

  int on = 1;
  printf("NETLINK_CAP_ACK: %d\n", setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &on, sizeof on));
  ask(fd, 0x7ff, NLM_F_REQUEST, 12, "type 0x7ff, capped");
  socklen_t len = sizeof on;
  on = -1;
  int r = getsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &on, &len);
  printf("NETLINK_CAP_ACK reads %d, %d\n", r, on);
  r = setsockopt(fd, 0 /* SOL_IP */, 1, &on, sizeof on);
  printf("SOL_IP option: %d %s\n", r, strerrorname_np(errno));
  close(fd);
  return 0;
}
