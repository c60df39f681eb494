/*
 * Alignment of ordered, exclusive and atomic accesses: for each instruction and each offset from
 * a 64-byte aligned address (0-15), a child process performs the access and the parent prints
 * whether it completed ('.') or died of SIGBUS ('B') or another signal ('?'). Without FEAT_LSE2
 * every misaligned one faults; with it (HWCAP_USCAT) a misaligned one within an aligned 16-byte
 * block does not. The USCAT bit is printed first, then one line per access: name, the size it
 * must be aligned to without LSE2 (1: none), and the sixteen outcomes.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/auxv.h>
#include <sys/wait.h>
#include <unistd.h>

static unsigned char buf[128] __attribute__((aligned(64)));

typedef void (*access_fn)(unsigned char *p);

static void ldar_x(unsigned char *p) { uint64_t v; __asm__ volatile("ldar %0, [%1]" : "=r"(v) : "r"(p) : "memory"); }
static void ldar_w(unsigned char *p) { uint32_t v; __asm__ volatile("ldar %w0, [%1]" : "=r"(v) : "r"(p) : "memory"); }
static void ldarh(unsigned char *p) { uint32_t v; __asm__ volatile("ldarh %w0, [%1]" : "=r"(v) : "r"(p) : "memory"); }
static void stlr_x(unsigned char *p) { __asm__ volatile("stlr %0, [%1]" : : "r"(1ull), "r"(p) : "memory"); }
static void stlr_w(unsigned char *p) { __asm__ volatile("stlr %w0, [%1]" : : "r"(1), "r"(p) : "memory"); }
static void ldapr_x(unsigned char *p) { uint64_t v; __asm__ volatile("ldapr %0, [%1]" : "=r"(v) : "r"(p) : "memory"); }
static void ldapur_w(unsigned char *p) { uint32_t v; __asm__ volatile("ldapur %w0, [%1, #-3]" : "=r"(v) : "r"(p + 3) : "memory"); }
static void stlur_x(unsigned char *p) { __asm__ volatile("stlur %0, [%1, #5]" : : "r"(2ull), "r"(p - 5) : "memory"); }
static void ldxr_x(unsigned char *p) { uint64_t v; __asm__ volatile("ldxr %0, [%1]\n\tclrex" : "=r"(v) : "r"(p) : "memory"); }
static void ldaxr_w(unsigned char *p) { uint32_t v; __asm__ volatile("ldaxr %w0, [%1]\n\tclrex" : "=r"(v) : "r"(p) : "memory"); }
static void ldxr_stxr_x(unsigned char *p) {
  uint64_t v;
  uint32_t s;
  __asm__ volatile("ldxr %0, [%2]\n\tstxr %w1, %0, [%2]" : "=&r"(v), "=&r"(s) : "r"(p) : "memory");
}
/* STXR without a preceding LDXR: the architecture checks alignment first; qemu 7.2 fails the
   store without touching memory (so without the fault) when the monitor does not match */
static void stxr_x(unsigned char *p) { uint32_t s; __asm__ volatile("stxr %w0, %1, [%2]" : "=&r"(s) : "r"(3ull), "r"(p) : "memory"); }
static void ldxp_x(unsigned char *p) { uint64_t a, b; __asm__ volatile("ldxp %0, %1, [%2]\n\tclrex" : "=&r"(a), "=&r"(b) : "r"(p) : "memory"); }
static void ldaxp_w(unsigned char *p) { uint32_t a, b; __asm__ volatile("ldaxp %w0, %w1, [%2]\n\tclrex" : "=&r"(a), "=&r"(b) : "r"(p) : "memory"); }
static void cas_x(unsigned char *p) { uint64_t v = 0; __asm__ volatile("casal %0, %1, [%2]" : "+r"(v) : "r"(4ull), "r"(p) : "memory"); }
static void cash(unsigned char *p) { uint32_t v = 0; __asm__ volatile("cash %w0, %w1, [%2]" : "+r"(v) : "r"(4), "r"(p) : "memory"); }
static void casp_x(unsigned char *p) {
  register uint64_t s0 __asm__("x4") = 0, s1 __asm__("x5") = 0, t0 __asm__("x6") = 1, t1 __asm__("x7") = 2;
  __asm__ volatile("casp x4, x5, x6, x7, [%4]" : "+r"(s0), "+r"(s1) : "r"(t0), "r"(t1), "r"(p) : "memory");
}
static void ldadd_w(unsigned char *p) { uint32_t v; __asm__ volatile("ldadd %w1, %w0, [%2]" : "=r"(v) : "r"(1), "r"(p) : "memory"); }
static void ldsetal_x(unsigned char *p) { uint64_t v; __asm__ volatile("ldsetal %1, %0, [%2]" : "=r"(v) : "r"(1ull), "r"(p) : "memory"); }
static void swp_x(unsigned char *p) { uint64_t v; __asm__ volatile("swp %1, %0, [%2]" : "=r"(v) : "r"(5ull), "r"(p) : "memory"); }
static void stadd_h(unsigned char *p) { __asm__ volatile("staddh %w0, [%1]" : : "r"(1), "r"(p) : "memory"); }
/* plain loads and stores never need alignment (Linux sets no SCTLR.A) */
static void ldr_x(unsigned char *p) { uint64_t v; __asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"(p) : "memory"); }

/* The accesses, with the bytes each must be aligned to without LSE2 (a pair: both registers). */
static const struct {
  const char *name;
  access_fn fn;
  int size;
} accesses[] = {
    {"ldar x", ldar_x, 8},       {"ldar w", ldar_w, 4},     {"ldarh", ldarh, 2},
    {"stlr x", stlr_x, 8},       {"stlr w", stlr_w, 4},     {"ldapur w", ldapur_w, 4},
    {"stlur x", stlur_x, 8},     {"ldxr x", ldxr_x, 8},     {"ldaxr w", ldaxr_w, 4},
    {"ldxr/stxr x", ldxr_stxr_x, 8}, {"ldxp x", ldxp_x, 16}, {"ldaxp w", ldaxp_w, 8},
    {"casal x", cas_x, 8},       {"cash", cash, 2},         {"casp x", casp_x, 16},
    {"ldadd w", ldadd_w, 4},     {"ldsetal x", ldsetal_x, 8}, {"swp x", swp_x, 8},
    {"staddh", stadd_h, 2},      {"ldr x", ldr_x, 1},
    /* only with the argument "all": where qemu 7.2 does not check alignment as the architecture does */
    {"ldapr x", ldapr_x, 8},     {"stxr x", stxr_x, 8},
};
#define QEMU_CHECKED 20

int main(int argc, char **argv) {
  unsigned count = argc > 1 && argv[1][0] == 'a' ? sizeof accesses / sizeof accesses[0] : QEMU_CHECKED;
  printf("USCAT %lu\n", (getauxval(AT_HWCAP) >> 25) & 1);
  fflush(stdout);
  for (unsigned k = 0; k < count; k++) {
    char seen[17] = {0};
    for (int off = 0; off < 16; off++) {
      pid_t pid = fork();
      if (pid == 0) {
        accesses[k].fn(buf + 64 + off);
        _exit(0);
      }
      int status;
      waitpid(pid, &status, 0);
      seen[off] = WIFEXITED(status) && WEXITSTATUS(status) == 0     ? '.'
                  : WIFSIGNALED(status) && WTERMSIG(status) == SIGBUS ? 'B'
                                                                     : '?';
    }
    printf("%-12s %2d %s\n", accesses[k].name, accesses[k].size, seen);
  }
  return 0;
}
