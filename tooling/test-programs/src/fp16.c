/*
 * Half-precision arithmetic as compilers emit it for _Float16 with FEAT_FP16 (built with
 * -march=armv8.2-a+fp16, run on a CPU that advertises FPHP/ASIMDHP): scalar and vectorised
 * arithmetic, fused multiply-add, square roots, conversions to and from integers and wider
 * formats, comparisons, min/max, rounding under every FPCR mode, flush-to-zero (FZ16), and the
 * exception flags, printed as bit patterns so every bit is compared. The HWCAP bits are printed
 * too: the program runs under a CPU profile that has them.
 */
#include <fenv.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

#define N 64
static _Float16 a[N], b[N], c[N], r[N];

static uint16_t bits(_Float16 x) {
  uint16_t u;
  memcpy(&u, &x, 2);
  return u;
}
static _Float16 half(uint16_t u) {
  _Float16 x;
  memcpy(&x, &u, 2);
  return x;
}

static uint64_t hash;
static void mix(uint64_t v) {
  hash ^= v;
  hash *= 0x100000001b3ull;
}
static void show(const char *what) {
  hash = 0xcbf29ce484222325ull;
  for (int i = 0; i < N; i++) mix(bits(r[i]));
  printf("%-24s %016llx %04x %04x %04x\n", what, (unsigned long long)hash, bits(r[0]), bits(r[7]), bits(r[N - 1]));
}
static void flags(const char *what) {
  int f = fetestexcept(FE_ALL_EXCEPT);
  printf("%-24s flags %c%c%c%c%c\n", what, f & FE_INVALID ? 'V' : '-', f & FE_DIVBYZERO ? 'Z' : '-',
         f & FE_OVERFLOW ? 'O' : '-', f & FE_UNDERFLOW ? 'U' : '-', f & FE_INEXACT ? 'X' : '-');
  feclearexcept(FE_ALL_EXCEPT);
}

/* Vectorisable loops: at -O2 these become .8H instructions, at -O0 scalar Hn ones. Without errno
   the fma, fmax and rint builtins are single instructions, not libm calls (libm has no
   half-precision functions). */
#pragma GCC optimize("no-math-errno")
static void add(void) { for (int i = 0; i < N; i++) r[i] = a[i] + b[i]; }
static void sub(void) { for (int i = 0; i < N; i++) r[i] = a[i] - b[i]; }
static void mul(void) { for (int i = 0; i < N; i++) r[i] = a[i] * b[i]; }
static void dvd(void) { for (int i = 0; i < N; i++) r[i] = a[i] / b[i]; }
static void fma_(void) { for (int i = 0; i < N; i++) r[i] = __builtin_fmaf16(a[i], b[i], c[i]); }
static void fms(void) { for (int i = 0; i < N; i++) r[i] = c[i] - a[i] * b[i]; }
/* GCC 12 has no inline half-precision square root (it calls a libm sqrtf16 that does not exist) */
static void sqr(void) {
  for (int i = 0; i < N; i++) {
    _Float16 x = a[i] < 0 ? -a[i] : a[i];
    __asm__("fsqrt %h0, %h1" : "=w"(r[i]) : "w"(x));
  }
}
static void mx(void) { for (int i = 0; i < N; i++) r[i] = __builtin_fmaxf16(a[i], b[i]); }
static void mn(void) { for (int i = 0; i < N; i++) r[i] = a[i] < b[i] ? a[i] : b[i]; }
static void absneg(void) { for (int i = 0; i < N; i++) r[i] = i & 1 ? -a[i] : __builtin_fabsf16(b[i]); }
static void rint_(void) { for (int i = 0; i < N; i++) r[i] = __builtin_rintf16(a[i] * (_Float16)7.3f); }
static void cmp(void) { for (int i = 0; i < N; i++) r[i] = a[i] > b[i] ? (_Float16)1 : a[i] == b[i] ? (_Float16)0 : (_Float16)-1; }

typedef void (*op)(void);
static const struct { const char *name; op fn; } ops[] = {
    {"add", add}, {"sub", sub}, {"mul", mul}, {"div", dvd}, {"fma", fma_}, {"fms", fms},
    {"sqrt", sqr}, {"max", mx}, {"min", mn}, {"absneg", absneg}, {"rint", rint_}, {"cmp", cmp},
};

static void fill(unsigned seed) {
  static const uint16_t special[] = {0x0000, 0x8000, 0x3c00, 0x7c00, 0xfc00, 0x7e00, 0x0001, 0x83ff,
                                     0x0400, 0x7bff, 0xfbff, 0x3555, 0x5640, 0x1400, 0x3bff, 0x7800};
  srand(seed);
  for (int i = 0; i < N; i++) {
    uint16_t x = (uint16_t)rand(), y = (uint16_t)rand(), z = (uint16_t)rand();
    /* keep NaNs quiet: signalling ones would be quietened by the compiler's own moves */
    if ((x & 0x7c00) == 0x7c00) x |= 0x0200;
    if ((y & 0x7c00) == 0x7c00) y |= 0x0200;
    if ((z & 0x7c00) == 0x7c00) z |= 0x0200;
    a[i] = half(i % 5 == 0 ? special[(i / 5) % 16] : x);
    b[i] = half(i % 7 == 0 ? special[(i / 7 + 3) % 16] : y);
    c[i] = half(z);
  }
}

int main(int argc, char **argv) {
  unsigned seed = argc > 1 ? (unsigned)atoi(argv[1]) : 1;
  unsigned long hw = getauxval(AT_HWCAP);
  printf("FPHP %lu ASIMDHP %lu\n", (hw >> 9) & 1, (hw >> 10) & 1);
  static const int modes[] = {FE_TONEAREST, FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO};
  static const char *mode_names[] = {"nearest", "upward", "downward", "towardzero"};
  fill(seed);
  for (int m = 0; m < 4; m++) {
    fesetround(modes[m]);
    printf("-- %s\n", mode_names[m]);
    for (unsigned k = 0; k < sizeof ops / sizeof ops[0]; k++) {
      feclearexcept(FE_ALL_EXCEPT);
      ops[k].fn();
      show(ops[k].name);
      flags(ops[k].name);
    }
  }
  fesetround(FE_TONEAREST);

  /* FZ16 (FPCR bit 19): denormal halves flush to zero in arithmetic, not in conversions */
  uint64_t fpcr;
  __asm__ volatile("mrs %0, fpcr" : "=r"(fpcr));
  __asm__ volatile("msr fpcr, %0" ::"r"(fpcr | (1 << 19)));
  mul();
  show("mul fz16");
  flags("mul fz16");
  add();
  show("add fz16");
  __asm__ volatile("mrs %0, fpcr" : "=r"(fpcr));
  printf("fpcr after fz16 %llx\n", (unsigned long long)(fpcr & 0x07ff0000));
  __asm__ volatile("msr fpcr, %0" ::"r"(fpcr & ~(uint64_t)(1 << 19)));

  /* conversions: to and from integers, float and double, with and without rounding */
  feclearexcept(FE_ALL_EXCEPT);
  long long si = 0;
  unsigned long long ui = 0;
  double dsum = 0;
  float fsum = 0;
  for (int i = 0; i < N; i++) {
    _Float16 x = a[i];
    if (x == x && __builtin_fabsf16(x) < (_Float16)60000) {
      si += (long long)x * (i + 1);
      ui += (unsigned)(int)__builtin_fabsf16(x);
    }
    dsum += (double)x;
    fsum += (float)b[i];
    r[i] = (_Float16)((double)(int)(c[i] != c[i] ? 0 : c[i]) * 0.37);
  }
  printf("int %lld %llu double %a float %a\n", si, ui, dsum, (double)fsum);
  show("from int");
  flags("conversions");
  for (int i = 0; i < N; i++) r[i] = (_Float16)((i - 32) * 1031) + (_Float16)(a[i] != a[i] ? 0.5f : 0.25f);
  show("int to half");
  for (int i = 0; i < N; i++) r[i] = (_Float16)(1.0 / (double)(i + 3)) + (_Float16)((float)i * 1.0e-3f);
  show("narrowing");
  flags("narrowing");

  /* a reduction and a dot product, as printf sees them */
  _Float16 sum = 0, dot = 0, big = half(0xfbff);
  for (int i = 0; i < N; i++) {
    if (a[i] == a[i] && __builtin_fabsf16(a[i]) < (_Float16)100) sum += a[i];
    if (b[i] == b[i] && c[i] == c[i]) dot += (_Float16)0.001f * b[i] * c[i];
    if (a[i] > big) big = a[i];
  }
  printf("sum %.6f dot %.6f max %.6f\n", (double)sum, (double)dot, (double)big);
  flags("reduction");
  return 0;
}
