/*
 * AdvSIMD instructions on edge-case and random vectors. For every instruction the results (v0,
 * the general register x10, FPSR and the scratch buffer) over all operand pairs are folded into
 * one hash printed beside the instruction text, so a difference between two runs names the
 * instruction. Operands: v0 = destination (preloaded), v1/v2/v3 = sources, x9 = general source,
 * x10 = general result, x11 = address of a 64-byte buffer.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint64_t hash;
static void mix(uint64_t v) {
  hash ^= v;
  hash *= 0x100000001b3ull;
  hash ^= hash >> 29;
}

#define NV 14
static uint64_t vals[NV][2] = {
    {0, 0},
    {~0ull, ~0ull},
    {0x8000000000000000ull, 0x0000000000000001ull},
    {0x0102030405060708ull, 0x090a0b0c0d0e0f10ull},
    {0x00ff00ff00ff00ffull, 0xff00ff00ff00ff00ull},
    {0x7f80000000000000ull, 0x3ff8000000000000ull}, /* float +inf pieces, double 1.5 */
    {0x3ff0000000000000ull, 0xc004000000000000ull}, /* doubles 1.0, -2.5 */
    {0x3fc000003f800000ull, 0x7fc00000bf000000ull}, /* floats 1.0 1.5 -0.5 qNaN */
    {0x000000017f800001ull, 0x7ff0000000000001ull}, /* float denormal, sNaN; double sNaN */
    {0x4f0000004effffffull, 0x43e0000000000000ull}, /* floats near 2^31, double 2^63 */
    {0x6100620063006400ull, 0x0000000000656667ull}, /* text with zero bytes */
};
static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

static unsigned char buf[64] __attribute__((aligned(16)));

/* Kept out of line so that each T() expansion stays small (fast to compile, short to run). */
static __attribute__((noinline)) void prepare(int i, int j) {
  for (int k = 0; k < 64; k++) buf[k] = (unsigned char)(i * 31 + j * 7 + k * 13);
}
static __attribute__((noinline)) void finish(const uint64_t *out, uint64_t x10, uint64_t fpsr) {
  mix(out[0]);
  mix(out[1]);
  mix(x10);
  mix(fpsr);
  for (int k = 0; k < 64; k += 8) {
    uint64_t w;
    memcpy(&w, buf + k, 8);
    mix(w);
  }
}

#define T(TEXT)                                                                                  \
  do {                                                                                           \
    hash = 0xcbf29ce484222325ull;                                                                \
    for (int i = 0; i < NV; i++)                                                                 \
      for (int j = 0; j < NV; j++) {                                                             \
        uint64_t out[2], x10, fpsr;                                                              \
        prepare(i, j);                                                                           \
        __asm__ volatile("ldr q0, [%[d]]\n\tldr q1, [%[a]]\n\tldr q2, [%[b]]\n\tldr q3, [%[c]]\n\t" \
                         "mov x9, %[x]\n\tmov x10, xzr\n\tmov x11, %[buf]\n\tmsr fpsr, xzr\n\t"     \
                         TEXT "\n\tmrs %[s], fpsr\n\tstr q0, [%[o]]\n\tmov %[r], x10\n\t"          \
                         "sub x11, x11, %[buf]\n\teor %[r], %[r], x11, lsl #40"                   \
                         : [r] "=&r"(x10), [s] "=&r"(fpsr)                                        \
                         : [d] "r"(vals[(i + j) % NV]), [a] "r"(vals[i]), [b] "r"(vals[j]),       \
                           [c] "r"(vals[(i * 3 + 1) % NV]), [x] "r"(vals[j][i & 1]), [o] "r"(out), \
                           [buf] "r"(buf)                                                         \
                         : "v0", "v1", "v2", "v3", "v4", "x9", "x10", "x11", "x12", "cc", "memory");           \
        finish(out, x10, fpsr);                                                                  \
      }                                                                                          \
    printf("%016llx %s\n", (unsigned long long)hash, TEXT);                                     \
  } while (0)

int main(void) {
  for (int k = 11; k < NV; k++) {
    vals[k][0] = next();
    vals[k][1] = next();
  }
  /* bitwise */
  T("and v0.16b, v1.16b, v2.16b");
  T("bic v0.8b, v1.8b, v2.8b");
  T("orr v0.16b, v1.16b, v2.16b");
  T("orn v0.16b, v1.16b, v2.16b");
  T("eor v0.8b, v1.8b, v2.8b");
  T("bsl v0.16b, v1.16b, v2.16b");
  T("bit v0.16b, v1.16b, v2.16b");
  T("bif v0.8b, v1.8b, v2.8b");
  T("mov v0.16b, v1.16b");
  T("not v0.16b, v1.16b");
  T("not v0.8b, v1.8b");
  /* three same */
  T("add v0.16b, v1.16b, v2.16b");
  T("add v0.8h, v1.8h, v2.8h");
  T("add v0.2s, v1.2s, v2.2s");
  T("add v0.2d, v1.2d, v2.2d");
  T("sub v0.4s, v1.4s, v2.4s");
  T("sub v0.2d, v1.2d, v2.2d");
  T("cmeq v0.16b, v1.16b, v2.16b");
  T("cmeq v0.8h, v1.8h, v2.8h");
  T("cmeq v0.2d, v1.2d, v2.2d");
  T("cmhi v0.16b, v1.16b, v2.16b");
  T("cmhs v0.4s, v1.4s, v2.4s");
  T("cmhs v0.2d, v1.2d, v2.2d");
  T("cmgt v0.8h, v1.8h, v2.8h");
  T("cmge v0.16b, v1.16b, v2.16b");
  T("cmgt v0.2d, v1.2d, v2.2d");
  T("cmtst v0.16b, v1.16b, v2.16b");
  T("cmtst v0.2d, v1.2d, v2.2d");
  T("sshl v0.16b, v1.16b, v2.16b");
  T("ushl v0.4s, v1.4s, v2.4s");
  T("ushl v0.2d, v1.2d, v2.2d");
  T("umax v0.16b, v1.16b, v2.16b");
  T("smin v0.8h, v1.8h, v2.8h");
  T("umin v0.4s, v1.4s, v2.4s");
  T("smax v0.2s, v1.2s, v2.2s");
  T("uabd v0.8h, v1.8h, v2.8h");
  T("sabd v0.16b, v1.16b, v2.16b");
  T("saba v0.4s, v1.4s, v2.4s");
  T("mul v0.8h, v1.8h, v2.8h");
  T("mul v0.4s, v1.4s, v2.4s");
  T("mla v0.4s, v1.4s, v2.4s");
  T("mls v0.16b, v1.16b, v2.16b");
  T("addp v0.16b, v1.16b, v2.16b");
  T("addp v0.4s, v1.4s, v2.4s");
  T("addp v0.2d, v1.2d, v2.2d");
  T("umaxp v0.16b, v1.16b, v2.16b");
  T("uminp v0.8b, v1.8b, v2.8b");
  T("smaxp v0.4s, v1.4s, v2.4s");
  T("sminp v0.8h, v1.8h, v2.8h");
  T("uhadd v0.16b, v1.16b, v2.16b");
  T("urhadd v0.8h, v1.8h, v2.8h");
  T("shsub v0.4s, v1.4s, v2.4s");
  T("add d0, d1, d2");
  T("sub d0, d1, d2");
  T("cmeq d0, d1, d2");
  T("cmhi d0, d1, d2");
  T("cmge d0, d1, d2");
  T("cmtst d0, d1, d2");
  T("ushl d0, d1, d2");
  T("sshl d0, d1, d2");
  /* two-register misc */
  T("rev64 v0.16b, v1.16b");
  T("rev64 v0.8h, v1.8h");
  T("rev64 v0.2s, v1.2s");
  T("rev32 v0.16b, v1.16b");
  T("rev32 v0.4h, v1.4h");
  T("rev16 v0.16b, v1.16b");
  T("cnt v0.16b, v1.16b");
  T("cnt v0.8b, v1.8b");
  T("clz v0.16b, v1.16b");
  T("clz v0.8h, v1.8h");
  T("clz v0.4s, v1.4s");
  T("cls v0.4s, v1.4s");
  T("rbit v0.16b, v1.16b");
  T("cmeq v0.16b, v1.16b, #0");
  T("cmeq v0.2d, v1.2d, #0");
  T("cmge v0.8h, v1.8h, #0");
  T("cmgt v0.4s, v1.4s, #0");
  T("cmle v0.16b, v1.16b, #0");
  T("cmlt v0.2d, v1.2d, #0");
  T("abs v0.4s, v1.4s");
  T("abs v0.2d, v1.2d");
  T("neg v0.16b, v1.16b");
  T("neg v0.2d, v1.2d");
  T("xtn v0.8b, v1.8h");
  T("xtn2 v0.16b, v1.8h");
  T("xtn v0.2s, v1.2d");
  T("xtn2 v0.4s, v1.2d");
  T("uaddlp v0.8h, v1.16b");
  T("saddlp v0.2d, v1.4s");
  T("uadalp v0.4s, v1.8h");
  T("cmeq d0, d1, #0");
  T("cmge d0, d1, #0");
  T("cmlt d0, d1, #0");
  T("abs d0, d1");
  T("neg d0, d1");
  /* across lanes */
  T("addv b0, v1.16b");
  T("addv h0, v1.8h");
  T("addv s0, v1.4s");
  T("addv b0, v1.8b");
  T("umaxv b0, v1.16b");
  T("uminv h0, v1.8h");
  T("smaxv s0, v1.4s");
  T("sminv b0, v1.8b");
  T("uaddlv h0, v1.16b");
  T("uaddlv s0, v1.8h");
  T("uaddlv d0, v1.4s");
  T("saddlv s0, v1.8h");
  /* copy */
  T("dup v0.16b, w9");
  T("dup v0.8h, w9");
  T("dup v0.4s, w9");
  T("dup v0.2d, x9");
  T("dup v0.8b, w9");
  T("dup v0.16b, v1.b[5]");
  T("dup v0.4s, v1.s[3]");
  T("dup v0.2d, v1.d[1]");
  T("dup v0.4h, v1.h[7]");
  T("ins v0.b[3], w9");
  T("ins v0.h[6], w9");
  T("ins v0.s[1], w9");
  T("ins v0.d[1], x9");
  T("ins v0.b[15], v1.b[2]");
  T("ins v0.s[0], v1.s[3]");
  T("ins v0.d[1], v1.d[0]");
  T("umov w10, v1.b[9]");
  T("umov w10, v1.h[7]");
  T("umov w10, v1.s[3]");
  T("umov x10, v1.d[1]");
  T("smov w10, v1.b[3]");
  T("smov x10, v1.h[5]");
  T("smov x10, v1.s[2]");
  T("smov w10, v1.h[0]");
  /* modified immediate */
  T("movi v0.16b, #0x5a");
  T("movi v0.8b, #0x7");
  T("movi v0.4s, #0x12, lsl #8");
  T("movi v0.8h, #0xab, lsl #8");
  T("movi v0.2d, #0xff00ff0000ff00ff");
  T("movi d0, #0xff00000000ff00ff");
  T("movi v0.4s, #0x12, msl #16");
  T("mvni v0.4s, #0x34, lsl #16");
  T("mvni v0.4s, #0x12, msl #8");
  T("mvni v0.8h, #0x80");
  T("orr v0.4s, #0x12, lsl #24");
  T("orr v0.8h, #0x3");
  T("bic v0.8h, #0xf, lsl #8");
  T("bic v0.2s, #0xff");
  T("fmov v0.4s, #1.5");
  T("fmov v0.2d, #-0.25");
  T("fmov v0.2s, #3.0");
  /* shift by immediate */
  T("ushr v0.16b, v1.16b, #3");
  T("sshr v0.8h, v1.8h, #15");
  T("ushr v0.2d, v1.2d, #63");
  T("sshr v0.4s, v1.4s, #1");
  T("sshr v0.2d, v1.2d, #64");
  T("shl v0.16b, v1.16b, #7");
  T("shl v0.2d, v1.2d, #32");
  T("sli v0.4s, v1.4s, #5");
  T("sri v0.8h, v1.8h, #3");
  T("sri v0.2d, v1.2d, #64");
  T("usra v0.4s, v1.4s, #7");
  T("ssra v0.8h, v1.8h, #16");
  T("srshr v0.16b, v1.16b, #2");
  T("urshr v0.2d, v1.2d, #1");
  T("shrn v0.8b, v1.8h, #4");
  T("shrn2 v0.16b, v1.8h, #4");
  T("shrn v0.2s, v1.2d, #32");
  T("rshrn v0.4h, v1.4s, #3");
  T("ushll v0.8h, v1.8b, #0");
  T("ushll2 v0.4s, v1.8h, #3");
  T("sshll v0.2d, v1.2s, #1");
  T("sxtl2 v0.8h, v1.16b");
  T("shl d0, d1, #3");
  T("ushr d0, d1, #64");
  T("sshr d0, d1, #7");
  T("sli d0, d1, #8");
  T("sri d0, d1, #1");
  T("usra d0, d1, #9");
  /* permutes, extract, table */
  T("ext v0.16b, v1.16b, v2.16b, #3");
  T("ext v0.8b, v1.8b, v2.8b, #7");
  T("ext v0.16b, v1.16b, v2.16b, #0");
  T("uzp1 v0.16b, v1.16b, v2.16b");
  T("uzp2 v0.4s, v1.4s, v2.4s");
  T("uzp1 v0.2d, v1.2d, v2.2d");
  T("zip1 v0.8h, v1.8h, v2.8h");
  T("zip2 v0.16b, v1.16b, v2.16b");
  T("zip1 v0.2s, v1.2s, v2.2s");
  T("trn1 v0.16b, v1.16b, v2.16b");
  T("trn2 v0.4s, v1.4s, v2.4s");
  T("trn2 v0.2d, v1.2d, v2.2d");
  T("movi v4.16b, #0x1f\n\tand v4.16b, v2.16b, v4.16b\n\ttbl v0.16b, {v1.16b}, v4.16b");
  T("movi v4.16b, #0x3f\n\tand v4.16b, v2.16b, v4.16b\n\ttbl v0.8b, {v1.16b, v2.16b}, v4.8b");
  T("movi v4.16b, #0x1f\n\tand v4.16b, v2.16b, v4.16b\n\ttbx v0.16b, {v1.16b}, v4.16b");
  T("tbl v0.16b, {v1.16b, v2.16b, v3.16b}, v2.16b");
  /* three different */
  T("uaddw v0.2d, v1.2d, v2.2s");
  T("uaddw2 v0.4s, v1.4s, v2.8h");
  T("saddl v0.8h, v1.8b, v2.8b");
  T("uaddl2 v0.2d, v1.4s, v2.4s");
  T("usubl v0.4s, v1.4h, v2.4h");
  T("ssubw v0.8h, v1.8h, v2.8b");
  T("umull v0.8h, v1.8b, v2.8b");
  T("smull2 v0.2d, v1.4s, v2.4s");
  T("umlal v0.4s, v1.4h, v2.4h");
  T("smlsl v0.8h, v1.8b, v2.8b");
  T("uabdl v0.8h, v1.8b, v2.8b");
  T("uabal v0.4s, v1.4h, v2.4h");
  T("addhn v0.8b, v1.8h, v2.8h");
  T("subhn2 v0.16b, v1.8h, v2.8h");
  /* structure loads and stores */
  T("ld1 {v0.16b}, [x11]");
  T("ld1 {v0.8b}, [x11]");
  T("ld1 {v0.16b, v1.16b}, [x11]\n\teor v0.16b, v0.16b, v1.16b");
  T("ld1 {v1.4s, v2.4s, v3.4s, v4.4s}, [x11]\n\teor v0.16b, v1.16b, v4.16b\n\tadd v0.16b, v0.16b, v3.16b");
  T("ld1 {v0.2d}, [x11], #16");
  T("and x9, x9, #0x1f\n\tld1 {v0.16b}, [x11], x9");
  T("st1 {v1.16b}, [x11]");
  T("st1 {v1.8b, v2.8b}, [x11], #16");
  T("st1 {v1.16b, v2.16b, v3.16b}, [x11]");
  T("ld1 {v0.b}[5], [x11]");
  T("ld1 {v0.s}[3], [x11], #4");
  T("ld1 {v0.d}[1], [x11]");
  T("ld1 {v0.h}[2], [x11]");
  T("st1 {v1.h}[6], [x11]");
  T("st1 {v1.d}[1], [x11], #8");
  T("ld1r {v0.16b}, [x11]");
  T("ld1r {v0.2d}, [x11]");
  T("ld1r {v0.4h}, [x11], #2");
  T("ld2 {v0.16b, v1.16b}, [x11]\n\teor v0.16b, v0.16b, v1.16b");
  T("ld2 {v1.4s, v2.4s}, [x11], #32\n\tadd v0.4s, v1.4s, v2.4s");
  T("ld3 {v1.8h, v2.8h, v3.8h}, [x11]\n\tsub v0.8h, v1.8h, v3.8h\n\teor v0.16b, v0.16b, v2.16b");
  T("ld4 {v1.8b, v2.8b, v3.8b, v4.8b}, [x11]\n\tadd v0.8b, v1.8b, v4.8b\n\tins v0.d[1], v3.d[0]");
  T("ld4 {v1.2d, v2.2d, v3.2d, v4.2d}, [x11]\n\tadd v0.2d, v2.2d, v3.2d");
  T("st2 {v1.8h, v2.8h}, [x11]\n\tadd v0.8h, v1.8h, v2.8h");
  T("st3 {v1.4s, v2.4s, v3.4s}, [x11], #48");
  T("st4 {v1.16b, v2.16b, v3.16b, v4.16b}, [x11]");
  T("addp d0, v1.2d");
  /* floating point on lanes */
  T("fadd v0.2d, v1.2d, v2.2d");
  T("fsub v0.4s, v1.4s, v2.4s");
  T("fmul v0.2s, v1.2s, v2.2s");
  T("fdiv v0.4s, v1.4s, v2.4s");
  T("fmla v0.2d, v1.2d, v2.2d");
  T("fmls v0.4s, v1.4s, v2.4s");
  T("fmax v0.4s, v1.4s, v2.4s");
  T("fmin v0.2d, v1.2d, v2.2d");
  T("fmaxnm v0.2d, v1.2d, v2.2d");
  T("fminnm v0.4s, v1.4s, v2.4s");
  T("fabd v0.2d, v1.2d, v2.2d");
  T("faddp v0.4s, v1.4s, v2.4s");
  T("faddp v0.2d, v1.2d, v2.2d");
  T("fcmeq v0.2d, v1.2d, v2.2d");
  T("fcmge v0.4s, v1.4s, v2.4s");
  T("fcmgt v0.2d, v1.2d, v2.2d");
  T("fabs v0.4s, v1.4s");
  T("fneg v0.2d, v1.2d");
  T("fsqrt v0.4s, v1.4s");
  T("frintn v0.2d, v1.2d");
  T("frintm v0.4s, v1.4s");
  T("frintp v0.2d, v1.2d");
  T("frintz v0.4s, v1.4s");
  T("frinta v0.2d, v1.2d");
  T("frintx v0.4s, v1.4s");
  T("frinti v0.2d, v1.2d");
  T("fcvtzs v0.4s, v1.4s");
  T("fcvtzu v0.2d, v1.2d");
  T("fcvtns v0.4s, v1.4s");
  T("fcvtms v0.2d, v1.2d");
  T("fcvtas v0.4s, v1.4s");
  T("fcvtps v0.2d, v1.2d");
  T("fcvtpu v0.4s, v1.4s");
  T("scvtf v0.4s, v1.4s");
  T("ucvtf v0.2d, v1.2d");
  T("fcvtl v0.2d, v1.2s");
  T("fcvtl2 v0.2d, v1.4s");
  T("fcvtl v0.4s, v1.4h");
  T("fcvtn v0.2s, v1.2d");
  T("fcvtn2 v0.4s, v1.2d");
  T("fcvtn v0.4h, v1.4s");
  T("fcvtxn v0.2s, v1.2d");
  T("fmaxnmv s0, v1.4s");
  T("fminnmv s0, v1.4s");
  T("fmaxv s0, v1.4s");
  T("fminv s0, v1.4s");
  T("fmul v0.4s, v1.4s, v2.s[3]");
  T("fmla v0.2d, v1.2d, v2.d[1]");
  T("fmls v0.2s, v1.2s, v3.s[1]");
  T("fmulx v0.4s, v1.4s, v2.s[0]");
  T("fmul d0, d1, v2.d[1]");
  T("fmla s0, s1, v2.s[2]");
  T("mul v0.8h, v1.8h, v2.h[5]");
  T("mla v0.4s, v1.4s, v3.s[2]");
  T("mls v0.4h, v1.4h, v2.h[7]");
  T("mov b0, v1.b[9]");
  T("mov h0, v1.h[3]");
  T("mov s0, v1.s[2]");
  T("mov d0, v1.d[1]");
  T("sqadd v0.16b, v1.16b, v2.16b\n\tmrs x10, fpsr");
  T("uqadd v0.8h, v1.8h, v2.8h\n\tmrs x10, fpsr");
  T("sqsub v0.4s, v1.4s, v2.4s\n\tmrs x10, fpsr");
  T("uqsub v0.2d, v1.2d, v2.2d\n\tmrs x10, fpsr");
  T("sqadd d0, d1, d2\n\tmrs x10, fpsr");
  T("sqxtn v0.8b, v1.8h\n\tmrs x10, fpsr");
  T("uqxtn2 v0.8h, v1.4s\n\tmrs x10, fpsr");
  T("sqxtun v0.2s, v1.2d\n\tmrs x10, fpsr");
  T("sqxtn2 v0.4s, v1.2d");
  T("fmaxp v0.4s, v1.4s, v2.4s");
  T("fminnmp v0.2d, v1.2d, v2.2d");
  T("fmaxnmp v0.2s, v1.2s, v2.2s");
  T("fminp v0.4s, v1.4s, v2.4s");
  T("faddp s0, v1.2s");
  T("faddp d0, v1.2d");
  T("fmaxp s0, v1.2s");
  T("fminnmp d0, v1.2d");
  T("fmaxnmp s0, v1.2s");
  T("fminp d0, v1.2d");
  T("fcvtzs d0, d1");
  T("fcvtzu s0, s1");
  T("scvtf d0, d1");
  T("ucvtf s0, s1");
  T("fcvtas d0, d1");
  T("fcvtnu s0, s1");
  /* scalar floating point forms (the arithmetic itself is checked bit for bit in src/fp) */
#define RM(MODE, TEXT) "mov x12, #" MODE "\n\tmsr fpcr, x12\n\t" TEXT "\n\tmsr fpcr, xzr"
  T("fadd d0, d1, d2");
  T(RM("0x400000", "fsub s0, s1, s2"));
  T(RM("0x800000", "fmul d0, d1, d2"));
  T(RM("0xc00000", "fdiv s0, s1, s2"));
  T("fnmul d0, d1, d2");
  T("fnmul s0, s1, s2");
  T("fmax d0, d1, d2");
  T("fminnm s0, s1, s2");
  T("fmadd d0, d1, d2, d3");
  T(RM("0x800000", "fmsub s0, s1, s2, s3"));
  T("fnmadd d0, d1, d2, d3");
  T("fnmsub s0, s1, s2, s3");
  T("fsqrt d0, d1");
  T(RM("0x400000", "fsqrt s0, s1"));
  T("fabs d0, d1");
  T("fneg s0, s1");
  T("fmov d0, d1");
  T("fmov s0, s1");
  T("frinta d0, d1");
  T("frintx s0, s1");
  T(RM("0xc00000", "frinti d0, d1"));
  T("fcvt s0, d1");
  T("fcvt d0, s1");
  T("fcvt h0, d1");
  T("fcvt h0, s1");
  T("fcvt s0, h1");
  T("fcvt d0, h1");
  T(RM("0x1000000", "fcvt s0, d1"));
  T(RM("0x2000000", "fadd d0, d1, d2"));
  T("fcmp d1, d2\n\tmrs x10, nzcv");
  T("fcmpe s1, s2\n\tmrs x10, nzcv");
  T("fcmp d1, #0.0\n\tmrs x10, nzcv");
  T("fcmpe s1, #0.0\n\tmrs x10, nzcv");
  T("cmp x9, #0\n\tfccmp d1, d2, #4, ne\n\tmrs x10, nzcv");
  T("cmp x9, #0\n\tfccmpe s1, s2, #11, eq\n\tmrs x10, nzcv");
  T("cmp x9, #5\n\tfcsel d0, d1, d2, hi");
  T("cmp x9, #5\n\tfcsel s0, s1, s2, lt");
  T("fmov d0, #-1.25");
  T("fmov s0, #31.0");
  T("fmov x10, d1");
  T("fmov w10, s1");
  T("fmov d0, x9");
  T("fmov s0, w9");
  T("fmov x10, v1.d[1]");
  T("fmov v0.d[1], x9");
  T("fcvtzs x10, d1");
  T("fcvtzu w10, s1");
  T("fcvtns w10, d1");
  T("fcvtmu x10, s1");
  T("fcvtas x10, d1");
  T("fcvtpu w10, d1");
  T("fcvtzs x10, d1, #16");
  T("fcvtzu w10, s1, #3");
  T("scvtf d0, x9");
  T(RM("0x400000", "ucvtf s0, x9"));
  T(RM("0xc00000", "scvtf s0, w9"));
  T("ucvtf d0, w9");
  T("scvtf d0, x9, #20");
  T("ucvtf s0, w9, #31");
  T("fcvtzs x10, d1\n\tmrs x12, fpsr\n\tfcvtzu w9, s1\n\teor x10, x10, x9");

  /* saturating, rounding and doubling integer forms */
  T("sqshl v0.16b, v1.16b, v2.16b");
  T("uqshl v0.8h, v1.8h, v2.8h");
  T("sqshl v0.2d, v1.2d, v2.2d");
  T("srshl v0.4s, v1.4s, v2.4s");
  T("urshl v0.2d, v1.2d, v2.2d");
  T("sqrshl v0.8h, v1.8h, v2.8h");
  T("uqrshl v0.4s, v1.4s, v2.4s");
  T("sqshl b0, b1, b2");
  T("uqrshl s0, s1, s2");
  T("srshl d0, d1, d2");
  T("sqadd s0, s1, s2");
  T("uqsub h0, h1, h2");
  T("sqsub b0, b1, b2");
  T("sqdmulh v0.8h, v1.8h, v2.8h");
  T("sqrdmulh v0.4s, v1.4s, v2.4s");
  T("sqdmulh s0, s1, s2");
  T("sqrdmulh h0, h1, h2");
  T("sqdmulh v0.4h, v1.4h, v2.h[5]");
  T("sqrdmulh v0.4s, v1.4s, v2.s[3]");
  T("sqdmulh s0, s1, v2.s[1]");
  T("sqrdmulh h0, h1, v3.h[7]");
  T("pmul v0.16b, v1.16b, v2.16b");
  T("sqabs v0.16b, v1.16b");
  T("sqneg v0.4s, v1.4s");
  T("sqabs d0, d1");
  T("sqneg h0, h1");
  T("suqadd v0.8h, v1.8h");
  T("usqadd v0.2d, v1.2d");
  T("suqadd b0, b1");
  T("usqadd s0, s1");
  T("sqxtn b0, h1");
  T("uqxtn s0, d1");
  T("sqxtun h0, s1");
  T("sqshl v0.4s, v1.4s, #7");
  T("uqshl v0.16b, v1.16b, #3");
  T("sqshlu v0.8h, v1.8h, #9");
  T("sqshl d0, d1, #40");
  T("uqshl b0, b1, #1");
  T("sqshlu s0, s1, #31");
  T("sqshrn v0.8b, v1.8h, #3");
  T("sqrshrn2 v0.4s, v1.2d, #17");
  T("uqshrn v0.4h, v1.4s, #16");
  T("uqrshrn2 v0.16b, v1.8h, #1");
  T("sqshrun v0.2s, v1.2d, #32");
  T("sqrshrun2 v0.8h, v1.4s, #5");
  T("sqrshrn s0, d1, #27");
  T("uqshrn b0, h1, #2");
  T("sqshrun h0, s1, #9");
  /* long and doubling multiplies */
  T("smull v0.4s, v1.4h, v2.h[3]");
  T("umull2 v0.2d, v1.4s, v2.s[2]");
  T("smlal v0.2d, v1.2s, v2.s[1]");
  T("umlal2 v0.4s, v1.8h, v3.h[7]");
  T("smlsl2 v0.4s, v1.8h, v2.h[0]");
  T("umlsl v0.2d, v1.2s, v3.s[3]");
  T("sqdmull v0.4s, v1.4h, v2.h[2]");
  T("sqdmlal2 v0.2d, v1.4s, v2.s[1]");
  T("sqdmlsl v0.4s, v1.4h, v3.h[6]");
  T("sqdmull s0, h1, v2.h[1]");
  T("sqdmlal d0, s1, v2.s[3]");
  T("sqdmull v0.2d, v1.2s, v2.2s");
  T("sqdmlal2 v0.4s, v1.8h, v2.8h");
  T("sqdmlsl v0.4s, v1.4h, v2.4h");
  T("sqdmull d0, s1, s2");
  T("sqdmlsl s0, h1, h2");
  T("pmull v0.8h, v1.8b, v2.8b");
  T("pmull2 v0.8h, v1.16b, v2.16b");
  T("raddhn v0.8b, v1.8h, v2.8h");
  T("rsubhn2 v0.4s, v1.2d, v2.2d");
  T("shll v0.8h, v1.8b, #8");
  T("shll2 v0.4s, v1.8h, #16");
  T("shll2 v0.2d, v1.4s, #32");
  /* structure loads and stores of one lane, replicating loads */
  T("ld2 {v0.b, v1.b}[9], [x11]\n\teor v0.16b, v0.16b, v1.16b");
  T("ld3 {v0.h, v1.h, v2.h}[5], [x11], #6\n\teor v0.16b, v0.16b, v2.16b");
  T("ld4 {v0.s, v1.s, v2.s, v3.s}[3], [x11]\n\teor v0.16b, v0.16b, v3.16b\n\tadd v0.4s, v0.4s, v2.4s");
  T("ld2 {v0.d, v1.d}[1], [x11]\n\teor v0.16b, v0.16b, v1.16b");
  T("st2 {v1.b, v2.b}[6], [x11]");
  T("st3 {v1.s, v2.s, v3.s}[2], [x11], #12");
  T("st4 {v0.h, v1.h, v2.h, v3.h}[7], [x11]");
  T("st2 {v1.d, v2.d}[0], [x11]");
  T("ld2r {v0.8h, v1.8h}, [x11]\n\teor v0.16b, v0.16b, v1.16b");
  T("ld3r {v0.4s, v1.4s, v2.4s}, [x11], #12\n\teor v0.16b, v0.16b, v2.16b");
  T("ld4r {v0.2d, v1.2d, v2.2d, v3.2d}, [x11]\n\teor v0.16b, v0.16b, v3.16b");
  /* fixed-point conversions on lanes */
  T("scvtf v0.4s, v1.4s, #3");
  T("ucvtf v0.2d, v1.2d, #64");
  T(RM("0x800000", "scvtf v0.2s, v1.2s, #17"));
  T("fcvtzs v0.4s, v1.4s, #1");
  T("fcvtzu v0.2d, v1.2d, #32");
  T("fcvtzu v0.2s, v1.2s, #31");
  T("scvtf d0, d1, #12");
  T("ucvtf s0, s1, #5");
  T("fcvtzs d0, d1, #60");
  T("fcvtzu s0, s1, #8");
  /* FP three same (scalar and the vector forms missing before), compares against zero */
  T("fabd d0, d1, d2");
  T("fabd s0, s1, s2");
  T("fmulx d0, d1, d2");
  T("fmulx v0.4s, v1.4s, v2.4s");
  T("fcmeq s0, s1, s2");
  T("fcmge d0, d1, d2");
  T("fcmgt s0, s1, s2");
  T("facge d0, d1, d2");
  T("facgt s0, s1, s2");
  T("facge v0.4s, v1.4s, v2.4s");
  T("facgt v0.2d, v1.2d, v2.2d");
  T("frecps v0.4s, v1.4s, v2.4s");
  T("frsqrts v0.2d, v1.2d, v2.2d");
  T("frecps d0, d1, d2");
  T(RM("0x1000000", "frsqrts s0, s1, s2"));
  T(RM("0x800000", "frecps s0, s1, s2"));
  T("fcmeq v0.4s, v1.4s, #0.0");
  T("fcmgt v0.2d, v1.2d, #0.0");
  T("fcmge v0.2s, v1.2s, #0.0");
  T("fcmle v0.4s, v1.4s, #0.0");
  T("fcmlt v0.2d, v1.2d, #0.0");
  T("fcmle d0, d1, #0.0");
  T("fcmlt s0, s1, #0.0");
  /* estimates */
  T("frecpe v0.4s, v1.4s");
  T("frecpe v0.2d, v1.2d");
  T(RM("0x1c00000", "frecpe s0, s1"));
  T(RM("0x800000", "frecpe d0, d1"));
  T("frsqrte v0.2s, v1.2s");
  T("frsqrte d0, d1");
  T(RM("0x1000000", "frsqrte v0.4s, v1.4s"));
  T("frecpx s0, s1");
  T("frecpx d0, d1");
  T("urecpe v0.4s, v1.4s");
  T("ursqrte v0.2s, v1.2s");
  /* rounding doubling multiply-accumulate (RDM) and dot product */
  T("sqrdmlah v0.8h, v1.8h, v2.8h");
  T("sqrdmlsh v0.2s, v1.2s, v2.2s");
  T("sqrdmlah s0, s1, s2");
  T("sqrdmlsh h0, h1, h2");
  T("sqrdmlah v0.4s, v1.4s, v2.s[3]");
  T("sqrdmlsh v0.4h, v1.4h, v3.h[6]");
  T("sqrdmlah h0, h1, v2.h[2]");
  T("sdot v0.4s, v1.16b, v2.16b");
  T("udot v0.2s, v1.8b, v2.8b");
  T("sdot v0.2s, v1.8b, v2.4b[3]");
  T("udot v0.4s, v1.16b, v2.4b[1]");
  /* complex numbers (FCMA), JavaScript conversion (JSCVT) */
  T("fcadd v0.4s, v1.4s, v2.4s, #90");
  T("fcadd v0.2d, v1.2d, v2.2d, #270");
  T("fcmla v0.4s, v1.4s, v2.4s, #0");
  T("fcmla v0.2s, v1.2s, v2.2s, #90");
  T("fcmla v0.2d, v1.2d, v2.2d, #180");
  T(RM("0x400000", "fcmla v0.4s, v1.4s, v2.4s, #270"));
  T("fcmla v0.4s, v1.4s, v2.s[1], #90");
  T("fcmla v0.4s, v1.4s, v3.s[0], #180");
  T("fjcvtzs w10, d1\n\tmrs x12, nzcv\n\teor x10, x10, x12");
  T("fjcvtzs w10, d2\n\tmrs x12, nzcv\n\teor x10, x10, x12");
  T("fmov d3, x9\n\tfjcvtzs w10, d3\n\tmrs x12, nzcv\n\teor x10, x10, x12");
  T(RM("0x1000000", "fjcvtzs w10, d1\n\tmrs x12, nzcv\n\teor x10, x10, x12"));
  /* flag manipulation (FlagM), PSTATE.SSBS/DIT, RCpc loads and stores */
  T("rmif x9, #3, #0xf\n\tmrs x10, nzcv");
  T("rmif x9, #63, #0x5\n\tmrs x10, nzcv");
  T("setf8 w9\n\tmrs x10, nzcv");
  T("setf16 w9\n\tmrs x10, nzcv");
  T("cmp x9, #3\n\tcfinv\n\tmrs x10, nzcv");
  T("msr ssbs, #1\n\tmrs x10, ssbs\n\tmsr ssbs, #0\n\tmrs x12, ssbs\n\torr x10, x10, x12, lsl #1");
  T("msr dit, #1\n\tmrs x10, dit\n\tmsr dit, #0");
  T("ldapur x10, [x11, #8]");
  T("ldapurb w10, [x11, #63]");
  T("add x12, x11, #32\n\tldapursh x10, [x12, #-6]");
  T("ldapursb w10, [x11, #17]");
  T("ldapursw x10, [x11, #12]");
  T("ldapurh w10, [x11, #2]");
  T("stlur x9, [x11, #8]");
  T("stlur w9, [x11, #12]");
  T("stlurh w9, [x11, #62]");
  T("add x12, x11, #40\n\tstlurb w9, [x12, #-40]");
  /* cryptographic extensions and CRC32 */
  T("aese v0.16b, v1.16b");
  T("aesd v0.16b, v1.16b");
  T("aesmc v0.16b, v1.16b");
  T("aesimc v0.16b, v1.16b");
  T("aese v0.16b, v1.16b\n\taesmc v0.16b, v0.16b");
  T("pmull v0.1q, v1.1d, v2.1d");
  T("pmull2 v0.1q, v1.2d, v2.2d");
  T("sha1c q0, s1, v2.4s");
  T("sha1p q0, s1, v2.4s");
  T("sha1m q0, s1, v2.4s");
  T("sha1h s0, s1");
  T("sha1su0 v0.4s, v1.4s, v2.4s");
  T("sha1su1 v0.4s, v1.4s");
  T("sha256h q0, q1, v2.4s");
  T("sha256h2 q0, q1, v2.4s");
  T("sha256su0 v0.4s, v1.4s");
  T("sha256su1 v0.4s, v1.4s, v2.4s");
  T("sha512h q0, q1, v2.2d");
  T("sha512h2 q0, q1, v2.2d");
  T("sha512su0 v0.2d, v1.2d");
  T("sha512su1 v0.2d, v1.2d, v2.2d");
  T("eor3 v0.16b, v1.16b, v2.16b, v3.16b");
  T("bcax v0.16b, v1.16b, v2.16b, v3.16b");
  T("rax1 v0.2d, v1.2d, v2.2d");
  T("xar v0.2d, v1.2d, v2.2d, #13");
  T("xar v0.2d, v1.2d, v2.2d, #0");
  T("crc32b w10, w9, w9");
  T("fmov x12, d1\n\tcrc32h w10, w12, w9");
  T("fmov x12, d1\n\tcrc32w w10, w12, w9");
  T("fmov x12, d1\n\tcrc32x w10, w12, x9");
  T("fmov x12, d2\n\tcrc32cb w10, w12, w9");
  T("fmov x12, d2\n\tcrc32ch w10, w12, w9");
  T("fmov x12, d2\n\tcrc32cw w10, w12, w9");
  T("fmov x12, d2\n\tcrc32cx w10, w12, x9");
  /* every arrangement of the integer forms the wasm executor runs as native vector code */
  T("add v0.8b, v1.8b, v2.8b");
  T("add v0.16b, v1.16b, v2.16b");
  T("add v0.4h, v1.4h, v2.4h");
  T("add v0.8h, v1.8h, v2.8h");
  T("add v0.2s, v1.2s, v2.2s");
  T("add v0.4s, v1.4s, v2.4s");
  T("add v0.2d, v1.2d, v2.2d");
  T("sub v0.8b, v1.8b, v2.8b");
  T("sub v0.16b, v1.16b, v2.16b");
  T("sub v0.4h, v1.4h, v2.4h");
  T("sub v0.8h, v1.8h, v2.8h");
  T("sub v0.2s, v1.2s, v2.2s");
  T("sub v0.4s, v1.4s, v2.4s");
  T("sub v0.2d, v1.2d, v2.2d");
  T("cmeq v0.8b, v1.8b, v2.8b");
  T("cmeq v0.16b, v1.16b, v2.16b");
  T("cmeq v0.4h, v1.4h, v2.4h");
  T("cmeq v0.8h, v1.8h, v2.8h");
  T("cmeq v0.2s, v1.2s, v2.2s");
  T("cmeq v0.4s, v1.4s, v2.4s");
  T("cmeq v0.2d, v1.2d, v2.2d");
  T("cmtst v0.8b, v1.8b, v2.8b");
  T("cmtst v0.16b, v1.16b, v2.16b");
  T("cmtst v0.4h, v1.4h, v2.4h");
  T("cmtst v0.8h, v1.8h, v2.8h");
  T("cmtst v0.2s, v1.2s, v2.2s");
  T("cmtst v0.4s, v1.4s, v2.4s");
  T("cmtst v0.2d, v1.2d, v2.2d");
  T("cmgt v0.8b, v1.8b, v2.8b");
  T("cmgt v0.16b, v1.16b, v2.16b");
  T("cmgt v0.4h, v1.4h, v2.4h");
  T("cmgt v0.8h, v1.8h, v2.8h");
  T("cmgt v0.2s, v1.2s, v2.2s");
  T("cmgt v0.4s, v1.4s, v2.4s");
  T("cmgt v0.2d, v1.2d, v2.2d");
  T("cmge v0.8b, v1.8b, v2.8b");
  T("cmge v0.16b, v1.16b, v2.16b");
  T("cmge v0.4h, v1.4h, v2.4h");
  T("cmge v0.8h, v1.8h, v2.8h");
  T("cmge v0.2s, v1.2s, v2.2s");
  T("cmge v0.4s, v1.4s, v2.4s");
  T("cmge v0.2d, v1.2d, v2.2d");
  T("cmhi v0.8b, v1.8b, v2.8b");
  T("cmhi v0.16b, v1.16b, v2.16b");
  T("cmhi v0.4h, v1.4h, v2.4h");
  T("cmhi v0.8h, v1.8h, v2.8h");
  T("cmhi v0.2s, v1.2s, v2.2s");
  T("cmhi v0.4s, v1.4s, v2.4s");
  T("cmhi v0.2d, v1.2d, v2.2d");
  T("cmhs v0.8b, v1.8b, v2.8b");
  T("cmhs v0.16b, v1.16b, v2.16b");
  T("cmhs v0.4h, v1.4h, v2.4h");
  T("cmhs v0.8h, v1.8h, v2.8h");
  T("cmhs v0.2s, v1.2s, v2.2s");
  T("cmhs v0.4s, v1.4s, v2.4s");
  T("cmhs v0.2d, v1.2d, v2.2d");
  T("smax v0.8b, v1.8b, v2.8b");
  T("smax v0.16b, v1.16b, v2.16b");
  T("smax v0.4h, v1.4h, v2.4h");
  T("smax v0.8h, v1.8h, v2.8h");
  T("smax v0.2s, v1.2s, v2.2s");
  T("smax v0.4s, v1.4s, v2.4s");
  T("smin v0.8b, v1.8b, v2.8b");
  T("smin v0.16b, v1.16b, v2.16b");
  T("smin v0.4h, v1.4h, v2.4h");
  T("smin v0.8h, v1.8h, v2.8h");
  T("smin v0.2s, v1.2s, v2.2s");
  T("smin v0.4s, v1.4s, v2.4s");
  T("umax v0.8b, v1.8b, v2.8b");
  T("umax v0.16b, v1.16b, v2.16b");
  T("umax v0.4h, v1.4h, v2.4h");
  T("umax v0.8h, v1.8h, v2.8h");
  T("umax v0.2s, v1.2s, v2.2s");
  T("umax v0.4s, v1.4s, v2.4s");
  T("umin v0.8b, v1.8b, v2.8b");
  T("umin v0.16b, v1.16b, v2.16b");
  T("umin v0.4h, v1.4h, v2.4h");
  T("umin v0.8h, v1.8h, v2.8h");
  T("umin v0.2s, v1.2s, v2.2s");
  T("umin v0.4s, v1.4s, v2.4s");
  T("mul v0.8b, v1.8b, v2.8b");
  T("mul v0.16b, v1.16b, v2.16b");
  T("mul v0.4h, v1.4h, v2.4h");
  T("mul v0.8h, v1.8h, v2.8h");
  T("mul v0.2s, v1.2s, v2.2s");
  T("mul v0.4s, v1.4s, v2.4s");
  T("addp v0.8b, v1.8b, v2.8b");
  T("addp v0.16b, v1.16b, v2.16b");
  T("addp v0.4h, v1.4h, v2.4h");
  T("addp v0.8h, v1.8h, v2.8h");
  T("addp v0.2s, v1.2s, v2.2s");
  T("addp v0.4s, v1.4s, v2.4s");
  T("addp v0.2d, v1.2d, v2.2d");
  T("smaxp v0.8b, v1.8b, v2.8b");
  T("smaxp v0.16b, v1.16b, v2.16b");
  T("smaxp v0.4h, v1.4h, v2.4h");
  T("smaxp v0.8h, v1.8h, v2.8h");
  T("smaxp v0.2s, v1.2s, v2.2s");
  T("smaxp v0.4s, v1.4s, v2.4s");
  T("sminp v0.8b, v1.8b, v2.8b");
  T("sminp v0.16b, v1.16b, v2.16b");
  T("sminp v0.4h, v1.4h, v2.4h");
  T("sminp v0.8h, v1.8h, v2.8h");
  T("sminp v0.2s, v1.2s, v2.2s");
  T("sminp v0.4s, v1.4s, v2.4s");
  T("umaxp v0.8b, v1.8b, v2.8b");
  T("umaxp v0.16b, v1.16b, v2.16b");
  T("umaxp v0.4h, v1.4h, v2.4h");
  T("umaxp v0.8h, v1.8h, v2.8h");
  T("umaxp v0.2s, v1.2s, v2.2s");
  T("umaxp v0.4s, v1.4s, v2.4s");
  T("uminp v0.8b, v1.8b, v2.8b");
  T("uminp v0.16b, v1.16b, v2.16b");
  T("uminp v0.4h, v1.4h, v2.4h");
  T("uminp v0.8h, v1.8h, v2.8h");
  T("uminp v0.2s, v1.2s, v2.2s");
  T("uminp v0.4s, v1.4s, v2.4s");
  T("cmeq v0.8b, v1.8b, #0");
  T("cmeq v0.16b, v1.16b, #0");
  T("cmeq v0.4h, v1.4h, #0");
  T("cmeq v0.8h, v1.8h, #0");
  T("cmeq v0.2s, v1.2s, #0");
  T("cmeq v0.4s, v1.4s, #0");
  T("cmeq v0.2d, v1.2d, #0");
  T("cmge v0.8b, v1.8b, #0");
  T("cmge v0.16b, v1.16b, #0");
  T("cmge v0.4h, v1.4h, #0");
  T("cmge v0.8h, v1.8h, #0");
  T("cmge v0.2s, v1.2s, #0");
  T("cmge v0.4s, v1.4s, #0");
  T("cmge v0.2d, v1.2d, #0");
  T("cmgt v0.8b, v1.8b, #0");
  T("cmgt v0.16b, v1.16b, #0");
  T("cmgt v0.4h, v1.4h, #0");
  T("cmgt v0.8h, v1.8h, #0");
  T("cmgt v0.2s, v1.2s, #0");
  T("cmgt v0.4s, v1.4s, #0");
  T("cmgt v0.2d, v1.2d, #0");
  T("cmle v0.8b, v1.8b, #0");
  T("cmle v0.16b, v1.16b, #0");
  T("cmle v0.4h, v1.4h, #0");
  T("cmle v0.8h, v1.8h, #0");
  T("cmle v0.2s, v1.2s, #0");
  T("cmle v0.4s, v1.4s, #0");
  T("cmle v0.2d, v1.2d, #0");
  T("cmlt v0.8b, v1.8b, #0");
  T("cmlt v0.16b, v1.16b, #0");
  T("cmlt v0.4h, v1.4h, #0");
  T("cmlt v0.8h, v1.8h, #0");
  T("cmlt v0.2s, v1.2s, #0");
  T("cmlt v0.4s, v1.4s, #0");
  T("cmlt v0.2d, v1.2d, #0");
  T("abs v0.8b, v1.8b");
  T("abs v0.16b, v1.16b");
  T("abs v0.4h, v1.4h");
  T("abs v0.8h, v1.8h");
  T("abs v0.2s, v1.2s");
  T("abs v0.4s, v1.4s");
  T("abs v0.2d, v1.2d");
  T("neg v0.8b, v1.8b");
  T("neg v0.16b, v1.16b");
  T("neg v0.4h, v1.4h");
  T("neg v0.8h, v1.8h");
  T("neg v0.2s, v1.2s");
  T("neg v0.4s, v1.4s");
  T("neg v0.2d, v1.2d");
  T("cmgt d0, d1, d2");
  T("cmhs d0, d1, d2");
  T("cmtst d0, d1, d2");
  T("sub d0, d1, d2");
  T("cmeq d0, d1, #0");
  T("cmge d0, d1, #0");
  T("cmgt d0, d1, #0");
  T("cmle d0, d1, #0");
  T("cmlt d0, d1, #0");
  T("abs d0, d1");
  T("neg d0, d1");
  /* the destination as a source */
  T("cmeq v0.16b, v0.16b, v1.16b");
  T("umaxp v0.16b, v1.16b, v0.16b");
  T("addp v0.4s, v0.4s, v0.4s");
  T("cmhi v0.2d, v1.2d, v0.2d");
  T("neg v0.8h, v0.8h");
  T("uminp v0.8b, v0.8b, v1.8b");
  return 0;
}
