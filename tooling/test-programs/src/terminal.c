/*
 * Terminal ioctls as a program on a terminal sees them. TCGETS fills the kernel's
 * struct termios (36 bytes on arm64: four flag words, c_line, 19 control characters), not
 * libc's larger one: the bytes after it must stay untouched, or stack protectors fire.
 * Prints only what does not depend on the terminal's current settings.
 */
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

/* The kernel's struct termios: c_iflag, c_oflag, c_cflag, c_lflag, c_line, c_cc[19]. */
#define KERNEL_TERMIOS 36

int main(void) {
  unsigned char raw[64];
  memset(raw, 0xa5, sizeof raw);
  if (ioctl(0, TCGETS, raw) != 0) {
    perror("TCGETS");
    return 1;
  }
  size_t untouched = 0;
  for (size_t i = KERNEL_TERMIOS; i < sizeof raw; i++) untouched += raw[i] == 0xa5;
  printf("bytes after the kernel's termios left untouched: %zu of %zu\n", untouched,
         sizeof raw - KERNEL_TERMIOS);

  struct termios t;
  if (tcgetattr(0, &t) != 0) {
    perror("tcgetattr");
    return 1;
  }
  printf("canonical: %s, echo: %s, VMIN: %d\n", (t.c_lflag & ICANON) ? "yes" : "no",
         (t.c_lflag & ECHO) ? "yes" : "no", t.c_cc[VMIN]);
  printf("isatty(0): %d, isatty(1): %d\n", isatty(0), isatty(1));
  struct winsize ws;
  printf("TIOCGWINSZ: %s\n", ioctl(1, TIOCGWINSZ, &ws) == 0 ? "ok" : "failed");
  return 0;
}
