/*
 * What sysinfo and /proc/meminfo say of free memory, and statfs' file system ids, compared with
 * qemu-aarch64-static (which passes sysinfo, statfs and the host's /proc/meminfo through):
 * sysinfo's freeram is MemFree (free pages, not MemAvailable), and f_fsid is set and the same
 * through a path and a descriptor; /proc and /sys are procfs and sysfs. Memory moves between
 * the calls and ids differ between hosts, so only relations are printed.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>
#include <unistd.h>

static long long meminfo_kb(const char *name) {
  FILE *f = fopen("/proc/meminfo", "r");
  char line[256];
  long long value = -1;
  size_t n = strlen(name);
  while (f && fgets(line, sizeof line, f))
    if (strncmp(line, name, n) == 0 && line[n] == ':') value = atoll(line + n + 1);
  if (f) fclose(f);
  return value;
}

static unsigned long long fsid_of(const struct statfs *s) {
  unsigned long long id;
  memcpy(&id, &s->f_fsid, sizeof id);
  return id;
}

int main(void) {
  struct sysinfo info;
  sysinfo(&info);
  long long mem_free = meminfo_kb("MemFree") * 1024;
  long long available = meminfo_kb("MemAvailable") * 1024;
  long long total = meminfo_kb("MemTotal") * 1024;
  unsigned long long freeram = (unsigned long long)info.freeram * info.mem_unit;
  long long gap = (long long)freeram - mem_free;
  if (gap < 0) gap = -gap;
  printf("MemTotal is sysinfo's totalram: %s\n",
         (unsigned long long)total == (unsigned long long)info.totalram * info.mem_unit ? "yes" : "no");
  printf("sysinfo's freeram is MemFree (within 1%% of the total): %s\n", gap <= total / 100 ? "yes" : "no");
  /* The page cache is reclaimable, not free: MemAvailable counts it, MemFree does not. */
  printf("MemFree is below MemAvailable: %s\n", mem_free < available ? "yes" : "no");

  struct statfs root, by_fd, proc, sys;
  statfs("/", &root);
  printf("statfs /proc: %d, type %lx\n", statfs("/proc", &proc), (long)proc.f_type);
  printf("statfs /sys: %d, type %lx\n", statfs("/sys/devices", &sys), (long)sys.f_type);
  printf("/proc has an fsid of its own: %s\n",
         fsid_of(&proc) != 0 && fsid_of(&proc) != fsid_of(&root) ? "yes" : "no");
  int fd = open("/", O_RDONLY | O_DIRECTORY);
  fstatfs(fd, &by_fd);
  close(fd);
  printf("/ has an fsid: %s\n", fsid_of(&root) != 0 ? "yes" : "no");
  printf("statfs and fstatfs of / agree: %s\n", fsid_of(&root) == fsid_of(&by_fd) ? "yes" : "no");

  /* Descriptors of the kernel's own: a /proc file, a pipe, a socket, an eventfd. */
  struct statfs of;
  fd = open("/proc/self/status", O_RDONLY);
  printf("fstatfs of a /proc file: %d, type %lx\n", fstatfs(fd, &of), (long)of.f_type);
  close(fd);
  int ends[2];
  pipe(ends);
  printf("fstatfs of a pipe: %d, type %lx, block size %ld\n", fstatfs(ends[0], &of), (long)of.f_type,
         (long)of.f_bsize);
  int sock = socket(AF_UNIX, SOCK_STREAM, 0);
  printf("fstatfs of a socket: %d, type %lx\n", fstatfs(sock, &of), (long)of.f_type);
  int event = eventfd(0, 0);
  printf("fstatfs of an eventfd: %d, type %lx\n", fstatfs(event, &of), (long)of.f_type);
  return 0;
}
