// A few ordinary system calls whose arguments a system call trace decodes: open a file, read
// it, write it out, a failing access, an anonymous mapping, a signal handler, then exit.
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

static void on_signal(int signo) { (void)signo; }

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  int fd = openat(AT_FDCWD, argv[1], O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 3;
  char buf[4096];
  ssize_t n = read(fd, buf, sizeof buf);
  if (n < 0) return 4;
  if (write(1, buf, (size_t)n) != n) return 5;
  close(fd);
  if (faccessat(AT_FDCWD, argv[2], R_OK, 0) == 0) return 6;
  void *p = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return 7;
  munmap(p, 8192);
  struct sigaction sa = {0};
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, 0);
  return 0;
}
