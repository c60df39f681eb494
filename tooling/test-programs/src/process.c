/* Process attributes programs query: scheduling priority (nice), resource limits, sysinfo and page residency. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>

static void show(const char *what, long result) {
  if (result == -1) printf("%s: -1 %s\n", what, strerror(errno));
  else printf("%s: %ld\n", what, result);
}

int main(void) {
  errno = 0;
  int nice0 = getpriority(PRIO_PROCESS, 0);
  printf("getpriority(self) errno: %d\n", errno);
  show("setpriority(self, +3)", setpriority(PRIO_PROCESS, 0, nice0 + 3));
  printf("getpriority(self) after +3: %+d\n", getpriority(PRIO_PROCESS, 0) - nice0);
  show("setpriority(pid, +5)", setpriority(PRIO_PROCESS, getpid(), nice0 + 5));
  printf("getpriority(self) after +5: %+d\n", getpriority(PRIO_PROCESS, 0) - nice0);
  errno = 0;
  show("getpriority(no such process)", getpriority(PRIO_PROCESS, 0x3ffffff0) == -1 && errno ? -1 : 0);
  errno = 0;
  show("getpriority(bad which)", getpriority(7, 0) == -1 && errno ? -1 : 0);

  /* Resource limits: the ones the process started with (the same parent starts both runs),
     then a lower RLIMIT_NOFILE that bounds descriptors, is inherited, and can be raised again. */
  struct rlimit nofile, lim;
  show("getrlimit(NOFILE)", getrlimit(RLIMIT_NOFILE, &nofile));
  printf("NOFILE: %llu %llu\n", (unsigned long long)nofile.rlim_cur, (unsigned long long)nofile.rlim_max);
  getrlimit(RLIMIT_STACK, &lim);
  printf("STACK: %llu %llu\n", (unsigned long long)lim.rlim_cur, (unsigned long long)lim.rlim_max);
  getrlimit(RLIMIT_CORE, &lim);
  printf("CORE: %llu %llu\n", (unsigned long long)lim.rlim_cur, (unsigned long long)lim.rlim_max);
  lim.rlim_cur = 40;
  lim.rlim_max = nofile.rlim_max;
  show("setrlimit(NOFILE, 40)", setrlimit(RLIMIT_NOFILE, &lim));
  getrlimit(RLIMIT_NOFILE, &lim);
  printf("NOFILE now: %llu\n", (unsigned long long)lim.rlim_cur);
  int last = -1;
  for (;;) {
    int fd = open("/dev/null", O_RDONLY);
    if (fd < 0) break;
    last = fd;
  }
  printf("highest descriptor: %d, then %s\n", last, strerror(errno));
  show("dup2 to the limit", dup2(0, 40));
  show("F_DUPFD from the limit", fcntl(0, F_DUPFD, 40));
  for (int fd = 3; fd <= last; fd++) close(fd);
  fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    getrlimit(RLIMIT_NOFILE, &lim);
    _exit(lim.rlim_cur == 40 ? 0 : 1);
  }
  int status;
  waitpid(child, &status, 0);
  printf("child inherits it: %d\n", WIFEXITED(status) && WEXITSTATUS(status) == 0);
  lim.rlim_cur = nofile.rlim_max;
  lim.rlim_max = nofile.rlim_max - 1;
  show("setrlimit(soft above hard)", setrlimit(RLIMIT_NOFILE, &lim));
  show("setrlimit(NOFILE, as it was)", setrlimit(RLIMIT_NOFILE, &nofile));
  show("getrlimit(99)", getrlimit(99, &lim));
  struct rlimit no_core = {0, 0}, old;
  show("prlimit(self, CORE)", prlimit(getpid(), RLIMIT_CORE, &no_core, NULL));
  prlimit(0, RLIMIT_CORE, NULL, &old);
  printf("CORE after prlimit: %llu %llu\n", (unsigned long long)old.rlim_cur, (unsigned long long)old.rlim_max);

  /* sysinfo: the numbers are the machine's; what holds on every one is checked */
  struct sysinfo si;
  show("sysinfo", sysinfo(&si));
  printf("sysinfo: uptime > 0: %d, free <= total: %d, mem_unit: %u, procs >= 1: %d\n", si.uptime > 0,
         si.freeram <= si.totalram, si.mem_unit, si.procs >= 1);
  printf("_SC_PHYS_PAGES > 0: %d\n", sysconf(_SC_PHYS_PAGES) > 0);

  long page = sysconf(_SC_PAGESIZE);
  unsigned char *map = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  memset(map, 1, 3 * page); /* touched: resident on every kernel */
  unsigned char vec[3] = {9, 9, 9};
  show("mincore(3 touched pages)", mincore(map, 3 * page, vec));
  printf("resident: %d %d %d\n", vec[0] & 1, vec[1] & 1, vec[2] & 1);
  munmap(map + page, page);
  show("mincore(over a hole)", mincore(map, 3 * page, vec));
  /* The mapping type is MAP_SHARED or MAP_PRIVATE: neither is EINVAL. */
  show("mmap(no type)", (long)mmap(NULL, page, PROT_READ, MAP_ANONYMOUS, -1, 0));
  show("mmap(both types)", (long)mmap(NULL, page, PROT_READ, MAP_ANONYMOUS | 0xf, -1, 0));
  return 0;
}
