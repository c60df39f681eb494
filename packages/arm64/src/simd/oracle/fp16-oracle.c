/*
 * Half-precision (FEAT_FP16) instructions on edge-case and random operands, under several FPCR
 * settings. For every instruction line the results (v0, x10, FPSR) over all operand combinations
 * are folded into one hash printed beside the instruction text, so a difference between two runs
 * names the instruction. Operands: v0 = destination (preloaded), v1/v2/v3 = sources, x9 = general
 * source, x10 = general result. With an argument, every case of the lines containing that text is
 * printed as well (to find the operands of a difference).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint64_t hash;
static const char *only;
static void mix(uint64_t v) {
  hash ^= v;
  hash *= 0x100000001b3ull;
  hash ^= hash >> 29;
}

/* Halves worth meeting: zeros, ones, infinities, quiet and signalling NaNs with payloads and
   signs, denormals (smallest, largest, negative), the normal range's ends, values near integer
   and rounding boundaries, values whose products and sums over/underflow. */
static const uint16_t special[] = {
    0x0000, 0x8000, 0x3c00, 0xbc00, 0x7c00, 0xfc00, 0x7e00, 0xfe01, 0x7d00, 0xfc01, 0x0001, 0x8001,
    0x03ff, 0x8200, 0x0400, 0x8400, 0x7bff, 0xfbff, 0x3555, 0x4248, 0xc248, 0x3800, 0x3e00, 0x4100,
    0xb800, 0x3bff, 0x3c01, 0x7000, 0x7800, 0x5bff, 0x1400, 0x0c00, 0x6400, 0xe400, 0x77ff, 0x4c00,
    0x5640, 0xd640, 0x2e66, 0x0200, 0x7a00, 0x4900, 0xc900, 0x7bfe, 0x0401, 0x3a00, 0xba00, 0x4000,
};
#define NSPECIAL (sizeof special / sizeof special[0])
#define NV 24
static uint64_t vals[NV][2];
static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}
/* Half the lanes come from the special values, half are random bit patterns. */
static uint16_t lane(void) {
  uint64_t r = next();
  return (r & 1) ? special[(r >> 8) % NSPECIAL] : (uint16_t)(r >> 16);
}

static __attribute__((noinline)) void finish(const char *text, int i, int j, const uint64_t *out,
                                              uint64_t x10, uint64_t fpsr) {
  mix(out[0]);
  mix(out[1]);
  mix(x10);
  mix(fpsr);
  if (only && strstr(text, only))
    printf("  %2d %2d a=%016llx:%016llx b=%016llx:%016llx -> %016llx:%016llx x10=%llx fpsr=%llx\n", i, j,
           (unsigned long long)vals[i][1], (unsigned long long)vals[i][0], (unsigned long long)vals[j][1],
           (unsigned long long)vals[j][0], (unsigned long long)out[1], (unsigned long long)out[0],
           (unsigned long long)x10, (unsigned long long)fpsr);
}

/* One line per instruction text, its line breaks shown as "; ". */
static __attribute__((noinline)) void report(const char *text) {
  printf("%016llx ", (unsigned long long)hash);
  for (; *text; text++) {
    if (*text == '\n') fputs("; ", stdout);
    else if (*text != '\t') putchar(*text);
  }
  putchar('\n');
}

#define T(TEXT)                                                                                     \
  do {                                                                                              \
    hash = 0xcbf29ce484222325ull;                                                                   \
    for (int i = 0; i < NV; i++)                                                                    \
      for (int j = 0; j < NV; j++) {                                                                \
        uint64_t out[2], x10, fpsr;                                                                 \
        __asm__ volatile("ldr q0, [%[d]]\n\tldr q1, [%[a]]\n\tldr q2, [%[b]]\n\tldr q3, [%[c]]\n\t" \
                         "mov x9, %[x]\n\tmov x10, xzr\n\tmsr fpsr, xzr\n\t" TEXT                  \
                         "\n\tmrs %[s], fpsr\n\tmsr fpcr, xzr\n\tstr q0, [%[o]]\n\tmov %[r], x10"   \
                         : [r] "=&r"(x10), [s] "=&r"(fpsr)                                         \
                         : [d] "r"(vals[(i + j) % NV]), [a] "r"(vals[i]), [b] "r"(vals[j]),        \
                           [c] "r"(vals[(i * 3 + 1) % NV]), [x] "r"(vals[j][i & 1]), [o] "r"(out)  \
                         : "v0", "v1", "v2", "v3", "x9", "x10", "x12", "cc", "memory");            \
        finish(TEXT, i, j, out, x10, fpsr);                                                         \
      }                                                                                             \
    report(TEXT);                                                                                   \
  } while (0)

/* FPCR settings: RMode (bits 23:22), FZ16 (bit 19), DN (bit 25), FZ (bit 24, not for halves),
   AHP (bit 26, conversions only). */
#define FPCR(MODE, TEXT) "mov x12, #" MODE "\n\tmsr fpcr, x12\n\t" TEXT
/* Arithmetic: every rounding mode, flush-to-zero, default NaN. */
#define M(TEXT)                                  \
  do {                                           \
    T(TEXT);                                     \
    T(FPCR("0x400000", TEXT));                   \
    T(FPCR("0x800000", TEXT));                   \
    T(FPCR("0xc00000", TEXT));                   \
    T(FPCR("0x80000", TEXT));                    \
    T(FPCR("0x2000000", TEXT));                  \
    T(FPCR("0x1000000", TEXT));                  \
    T(FPCR("0x2c80000", TEXT));                  \
  } while (0)
/* Everything else: default, flush-to-zero with default NaN, round toward minus infinity. */
#define S(TEXT)                    \
  do {                             \
    T(TEXT);                       \
    T(FPCR("0x2080000", TEXT));    \
    T(FPCR("0x800000", TEXT));     \
  } while (0)

int main(int argc, char **argv) {
  if (argc > 1) only = argv[1];
  for (int k = 0; k < NV; k++)
    for (int h = 0; h < 2; h++) {
      uint64_t v = 0;
      for (int l = 0; l < 4; l++) v |= (uint64_t)lane() << (16 * l);
      vals[k][h] = v;
    }
  /* scalar data processing */
  M("fadd h0, h1, h2");
  M("fsub h0, h1, h2");
  M("fmul h0, h1, h2");
  M("fdiv h0, h1, h2");
  M("fnmul h0, h1, h2");
  S("fmax h0, h1, h2");
  S("fmin h0, h1, h2");
  S("fmaxnm h0, h1, h2");
  S("fminnm h0, h1, h2");
  M("fsqrt h0, h1");
  S("fabs h0, h1");
  S("fneg h0, h1");
  S("fmov h0, h1");
  M("fmadd h0, h1, h2, h3");
  M("fmsub h0, h1, h2, h3");
  M("fnmadd h0, h1, h2, h3");
  M("fnmsub h0, h1, h2, h3");
  M("frintn h0, h1");
  S("frintp h0, h1");
  S("frintm h0, h1");
  S("frintz h0, h1");
  S("frinta h0, h1");
  M("frintx h0, h1");
  M("frinti h0, h1");
  S("fcmp h1, h2\n\tmrs x10, nzcv");
  S("fcmpe h1, h2\n\tmrs x10, nzcv");
  S("fcmp h1, #0.0\n\tmrs x10, nzcv");
  S("fcmpe h1, #0.0\n\tmrs x10, nzcv");
  S("tst x9, #1\n\tfccmp h1, h2, #5, ne\n\tmrs x10, nzcv");
  S("tst x9, #2\n\tfccmpe h1, h2, #10, eq\n\tmrs x10, nzcv");
  T("tst x9, #1\n\tfcsel h0, h1, h2, ne");
  T("fmov h0, #1.5");
  T("fmov h0, #-0.125");
  T("fmov h0, #31.0");
  T("fmov h0, w9");
  T("fmov h0, x9");
  T("fmov w10, h1");
  T("fmov x10, h1");
  S("fcvt s0, h1");
  S("fcvt d0, h1");
  M("fcvt h0, s1");
  M("fcvt h0, d1");
  T(FPCR("0x4000000", "fcvt h0, s1"));
  /* conversions to and from integers, fixed point */
  S("fcvtzs w10, h1");
  S("fcvtzs x10, h1");
  S("fcvtzu w10, h1");
  S("fcvtzu x10, h1");
  S("fcvtns w10, h1");
  S("fcvtnu x10, h1");
  S("fcvtms x10, h1");
  S("fcvtmu w10, h1");
  S("fcvtps w10, h1");
  S("fcvtpu x10, h1");
  S("fcvtas x10, h1");
  S("fcvtau w10, h1");
  S("fcvtzs w10, h1, #5");
  S("fcvtzs x10, h1, #40");
  S("fcvtzu w10, h1, #1");
  S("fcvtzu x10, h1, #64");
  M("scvtf h0, w9");
  M("scvtf h0, x9");
  M("ucvtf h0, w9");
  M("ucvtf h0, x9");
  M("scvtf h0, w9, #10");
  M("ucvtf h0, x9, #50");
  M("lsr x9, x9, #48\n\tscvtf h0, x9, #20");
  M("lsr x9, x9, #52\n\tucvtf h0, w9");
  /* AdvSIMD three same, vector */
  M("fadd v0.8h, v1.8h, v2.8h");
  M("fsub v0.4h, v1.4h, v2.4h");
  M("fmul v0.8h, v1.8h, v2.8h");
  M("fdiv v0.8h, v1.8h, v2.8h");
  M("fmulx v0.8h, v1.8h, v2.8h");
  M("fmla v0.8h, v1.8h, v2.8h");
  M("fmls v0.4h, v1.4h, v2.4h");
  M("fabd v0.8h, v1.8h, v2.8h");
  S("fmax v0.8h, v1.8h, v2.8h");
  S("fmin v0.4h, v1.4h, v2.4h");
  S("fmaxnm v0.8h, v1.8h, v2.8h");
  S("fminnm v0.8h, v1.8h, v2.8h");
  M("faddp v0.8h, v1.8h, v2.8h");
  M("faddp v0.4h, v1.4h, v2.4h");
  S("fmaxp v0.8h, v1.8h, v2.8h");
  S("fminp v0.4h, v1.4h, v2.4h");
  S("fmaxnmp v0.8h, v1.8h, v2.8h");
  S("fminnmp v0.8h, v1.8h, v2.8h");
  S("fcmeq v0.8h, v1.8h, v2.8h");
  S("fcmge v0.8h, v1.8h, v2.8h");
  S("fcmgt v0.4h, v1.4h, v2.4h");
  S("facge v0.8h, v1.8h, v2.8h");
  S("facgt v0.8h, v1.8h, v2.8h");
  M("frecps v0.8h, v1.8h, v2.8h");
  M("frsqrts v0.8h, v1.8h, v2.8h");
  /* AdvSIMD three same, scalar */
  M("fabd h0, h1, h2");
  M("fmulx h0, h1, h2");
  S("fcmeq h0, h1, h2");
  S("fcmge h0, h1, h2");
  S("fcmgt h0, h1, h2");
  S("facge h0, h1, h2");
  S("facgt h0, h1, h2");
  M("frecps h0, h1, h2");
  M("frsqrts h0, h1, h2");
  /* AdvSIMD two-register misc, vector */
  S("fabs v0.8h, v1.8h");
  S("fneg v0.4h, v1.4h");
  M("fsqrt v0.8h, v1.8h");
  S("frintn v0.8h, v1.8h");
  S("frintm v0.8h, v1.8h");
  S("frintp v0.4h, v1.4h");
  S("frintz v0.8h, v1.8h");
  S("frinta v0.8h, v1.8h");
  M("frintx v0.8h, v1.8h");
  M("frinti v0.8h, v1.8h");
  S("fcvtns v0.8h, v1.8h");
  S("fcvtnu v0.8h, v1.8h");
  S("fcvtms v0.4h, v1.4h");
  S("fcvtmu v0.8h, v1.8h");
  S("fcvtas v0.8h, v1.8h");
  S("fcvtau v0.8h, v1.8h");
  S("fcvtps v0.8h, v1.8h");
  S("fcvtpu v0.4h, v1.4h");
  S("fcvtzs v0.8h, v1.8h");
  S("fcvtzu v0.8h, v1.8h");
  M("scvtf v0.8h, v1.8h");
  M("ucvtf v0.8h, v1.8h");
  M("frecpe v0.8h, v1.8h");
  M("frsqrte v0.8h, v1.8h");
  S("fcmeq v0.8h, v1.8h, #0.0");
  S("fcmge v0.8h, v1.8h, #0.0");
  S("fcmgt v0.4h, v1.4h, #0.0");
  S("fcmle v0.8h, v1.8h, #0.0");
  S("fcmlt v0.8h, v1.8h, #0.0");
  /* AdvSIMD two-register misc, scalar */
  S("fcvtns h0, h1");
  S("fcvtmu h0, h1");
  S("fcvtas h0, h1");
  S("fcvtpu h0, h1");
  S("fcvtzs h0, h1");
  S("fcvtzu h0, h1");
  M("scvtf h0, h1");
  M("ucvtf h0, h1");
  M("frecpe h0, h1");
  M("frsqrte h0, h1");
  S("frecpx h0, h1");
  S("fcmeq h0, h1, #0.0");
  S("fcmge h0, h1, #0.0");
  S("fcmgt h0, h1, #0.0");
  S("fcmle h0, h1, #0.0");
  S("fcmlt h0, h1, #0.0");
  /* across lanes and scalar pairwise */
  S("fmaxv h0, v1.8h");
  S("fminv h0, v1.4h");
  S("fmaxnmv h0, v1.8h");
  S("fminnmv h0, v1.8h");
  S("fmaxnmv h0, v1.4h");
  M("faddp h0, v1.2h");
  S("fmaxp h0, v1.2h");
  S("fminp h0, v1.2h");
  S("fmaxnmp h0, v1.2h");
  S("fminnmp h0, v1.2h");
  /* by element */
  M("fmul v0.8h, v1.8h, v2.h[7]");
  M("fmul v0.4h, v1.4h, v2.h[2]");
  M("fmla v0.8h, v1.8h, v2.h[5]");
  M("fmls v0.8h, v1.8h, v2.h[0]");
  M("fmulx v0.8h, v1.8h, v2.h[3]");
  M("fmul h0, h1, v2.h[6]");
  M("fmla h0, h1, v2.h[1]");
  M("fmls h0, h1, v2.h[4]");
  M("fmulx h0, h1, v2.h[7]");
  /* fixed point on lanes */
  M("scvtf v0.8h, v1.8h, #3");
  M("ucvtf v0.4h, v1.4h, #16");
  S("fcvtzs v0.8h, v1.8h, #1");
  S("fcvtzu v0.8h, v1.8h, #12");
  M("scvtf h0, h1, #7");
  S("fcvtzu h0, h1, #16");
  /* complex numbers (FEAT_FCMA) on half-precision pairs */
  M("fcadd v0.8h, v1.8h, v2.8h, #90");
  S("fcadd v0.4h, v1.4h, v2.4h, #270");
  M("fcmla v0.8h, v1.8h, v2.8h, #0");
  S("fcmla v0.4h, v1.4h, v2.4h, #180");
  M("fcmla v0.8h, v1.8h, v2.h[3], #270");
  S("fcmla v0.4h, v1.4h, v2.h[1], #90");
  /* moves and widening/narrowing */
  T("fmov v0.8h, #-2.5");
  T("fmov v0.4h, #0.25");
  S("fcvtl v0.4s, v1.4h");
  S("fcvtl2 v0.4s, v1.8h");
  M("fcvtn v0.4h, v1.4s");
  M("fcvtn2 v0.8h, v1.4s");
  return 0;
}
