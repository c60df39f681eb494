/*
 * Integer data processing: every AArch64 data-processing form an emulator must get right, run over
 * edge-case and seeded random operands, with the result and the NZCV flags of every step folded into
 * one hash per group. Usage: integer [SEED]  (the seed varies the random operands).
 * Inline asm pins the exact instruction forms the compiler would not choose on its own.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t hash;
static void mix(uint64_t v) {
  hash ^= v;
  hash *= 0x100000001b3ull;
  hash ^= hash >> 29;
}

#define NVALS 26
static uint64_t vals[NVALS] = {
    0, 1, 2, 3, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff,
    0x100000000ull, 0x7fffffffffffffffull, 0x8000000000000000ull, 0xffffffffffffffffull,
    0xfffffffffffffffeull, 0x123456789abcdef0ull, 0xfedcba9876543210ull,
    /* the rest are seeded random */
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t next_random(void) {
  uint64_t x = rng_state;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return rng_state = x;
}

static void group(const char *name) { printf("%-8s %016llx\n", name, (unsigned long long)hash); hash = 0xcbf29ce484222325ull; }

/* Runs TEXT for every pair of operands and every NZCV input: %x0 result, %x1 flags out,
 * %x2 / %w2 first operand, %x3 / %w3 second operand, %x4 flags in. x9/x10 are scratch. */
#define T(TEXT)                                                                                   \
  for (int i = 0; i < NVALS; i++)                                                                \
    for (int j = 0; j < NVALS; j++) {                                                            \
      uint64_t a = vals[i], b = vals[j], fl = (uint64_t)((i * 7 + j) & 15) << 28, d, f;          \
      __asm__ volatile("msr nzcv, %x4\n\tmov %x0, xzr\n\t" TEXT "\n\tmrs %x1, nzcv"              \
                       : "=&r"(d), "=&r"(f)                                                      \
                       : "r"(a), "r"(b), "r"(fl)                                                 \
                       : "cc", "x9", "x10", "memory");                                           \
      mix(d);                                                                                    \
      mix(f);                                                                                    \
    }

static void add_sub_immediate(void) {
  T("add %x0, %x2, #4095");
  T("add %w0, %w2, #1, lsl #12");
  T("adds %x0, %x2, #1");
  T("adds %w0, %w2, #0xfff");
  T("adds %x0, %x2, #0xabc, lsl #12");
  T("sub %x0, %x2, #3");
  T("sub %w0, %w2, #0x800, lsl #12");
  T("subs %x0, %x2, #1");
  T("subs %w0, %w2, #0");
  T("subs %w0, %w2, #1");
  T("cmp %x2, #0");
  T("cmp %w2, #0xfff");
  T("cmn %x2, #1");
  T("cmn %w2, #1, lsl #12");
  T("mov x9, sp\n\tadd %x0, sp, #16\n\tsub %x0, %x0, x9");
  T("mov x10, sp\n\tsub sp, sp, #32\n\tmov x9, sp\n\tmov sp, x10\n\tsub %x0, x10, x9");
  group("addsubi");
}

static void add_sub_shifted(void) {
  T("add %x0, %x2, %x3");
  T("add %x0, %x2, %x3, lsl #63");
  T("add %w0, %w2, %w3, lsr #5");
  T("add %x0, %x2, %x3, asr #17");
  T("adds %x0, %x2, %x3");
  T("adds %w0, %w2, %w3");
  T("adds %x0, %x2, %x3, lsr #1");
  T("adds %w0, %w2, %w3, asr #31");
  T("sub %x0, %x2, %x3, lsl #3");
  T("sub %w0, %w2, %w3, asr #3");
  T("subs %x0, %x2, %x3");
  T("subs %w0, %w2, %w3");
  T("subs %x0, %x2, %x3, asr #63");
  T("subs %w0, %w2, %w3, lsl #31");
  T("cmp %x2, %x3");
  T("cmp %w2, %w3, lsr #16");
  T("cmn %x2, %x3");
  T("cmn %w2, %w3");
  T("neg %x0, %x2");
  T("negs %w0, %w2");
  T("negs %x0, %x2, lsl #1");
  group("addsubr");
}

static void add_sub_extended(void) {
  T("add %x0, %x2, %w3, uxtb");
  T("add %x0, %x2, %w3, uxth #1");
  T("add %x0, %x2, %w3, uxtw #2");
  T("add %x0, %x2, %x3, uxtx #3");
  T("add %x0, %x2, %w3, sxtb #4");
  T("add %x0, %x2, %w3, sxth");
  T("add %x0, %x2, %w3, sxtw #1");
  T("add %x0, %x2, %x3, sxtx #2");
  T("add %w0, %w2, %w3, uxtb #3");
  T("add %w0, %w2, %w3, sxth #4");
  T("add %w0, %w2, %w3, uxtw");
  T("adds %x0, %x2, %w3, sxtw");
  T("adds %w0, %w2, %w3, uxth #2");
  T("adds %x0, %x2, %w3, uxtb #1");
  T("sub %x0, %x2, %w3, sxtb");
  T("sub %w0, %w2, %w3, sxtb #1");
  T("subs %x0, %x2, %w3, uxtw #4");
  T("subs %w0, %w2, %w3, sxtw");
  T("subs %x0, %x2, %x3, sxtx #1");
  T("cmp %x2, %w3, uxtw");
  T("cmn %w2, %w3, sxtb #2");
  T("mov x9, sp\n\tadd %x0, sp, %w3, uxtw #2\n\tsub %x0, %x0, x9");
  T("mov x9, sp\n\tadd x10, sp, %x3, lsl #1\n\tsub %x0, x10, x9");
  T("mov x9, sp\n\tsub x10, sp, %w3, uxtb\n\tsub %x0, x10, x9");
  T("cmp sp, #16\n\tmov x9, sp\n\tmov x10, sp\n\tsub %x0, x9, x10");
  group("addsubx");
}

static void add_sub_carry(void) {
  T("adc %x0, %x2, %x3");
  T("adc %w0, %w2, %w3");
  T("adcs %x0, %x2, %x3");
  T("adcs %w0, %w2, %w3");
  T("sbc %x0, %x2, %x3");
  T("sbc %w0, %w2, %w3");
  T("sbcs %x0, %x2, %x3");
  T("sbcs %w0, %w2, %w3");
  T("ngc %x0, %x3");
  T("ngcs %w0, %w3");
  group("carry");
}

static void logical_shifted(void) {
  T("and %x0, %x2, %x3");
  T("and %w0, %w2, %w3, ror #7");
  T("orr %x0, %x2, %x3, lsl #9");
  T("orr %w0, %w2, %w3, asr #31");
  T("eor %x0, %x2, %x3, ror #63");
  T("eor %w0, %w2, %w3, lsr #1");
  T("ands %x0, %x2, %x3");
  T("ands %w0, %w2, %w3, lsl #4");
  T("bic %x0, %x2, %x3, asr #2");
  T("bic %w0, %w2, %w3");
  T("bics %x0, %x2, %x3, ror #32");
  T("bics %w0, %w2, %w3, lsr #8");
  T("orn %x0, %x2, %x3");
  T("orn %w0, %w2, %w3, lsl #1");
  T("eon %x0, %x2, %x3, asr #5");
  T("eon %w0, %w2, %w3");
  T("mvn %x0, %x3");
  T("mvn %w0, %w3, ror #3");
  T("tst %x2, %x3");
  T("tst %w2, %w3, lsr #3");
  T("mov %x0, %x3");
  T("mov %w0, %w3");
  group("logicr");
}

static void logical_immediate(void) {
  T("and %x0, %x2, #0x5555555555555555");
  T("and %x0, %x2, #0x3333333333333333");
  T("and %x0, %x2, #0x0f0f0f0f0f0f0f0f");
  T("and %x0, %x2, #0x00ff00ff00ff00ff");
  T("and %x0, %x2, #0x0000ffff0000ffff");
  T("and %x0, %x2, #0xffffffff");
  T("and %x0, %x2, #0x8000000000000000");
  T("and %x0, %x2, #0x7fffffffffffffff");
  T("orr %x0, %x2, #0xfffffffffffffffe");
  T("orr %x0, %x2, #0xe00000000000003f");
  T("orr %x0, %x2, #0x00000000000ff000");
  T("eor %x0, %x2, #0xaaaaaaaaaaaaaaaa");
  T("eor %x0, %x2, #0xc3c3c3c3c3c3c3c3");
  T("eor %x0, %x2, #0x1");
  T("ands %x0, %x2, #0xfff0");
  T("ands %x0, %x2, #0x8000000000000001");
  T("and %w0, %w2, #0xaaaaaaaa");
  T("and %w0, %w2, #0x00ff00ff");
  T("orr %w0, %w2, #0xfffff00f");
  T("orr %w0, %w2, #0x80000000");
  T("eor %w0, %w2, #0x7ffffffe");
  T("eor %w0, %w2, #0x11111111");
  T("ands %w0, %w2, #0x1");
  T("ands %w0, %w2, #0xf000000f");
  T("tst %x2, #0x4");
  T("tst %w2, #0x80000000");
  T("mov %x0, #0x0101010101010101");
  T("mov %w0, #0xfefefefe");
  T("mov x9, sp\n\tand sp, x9, #0xfffffffffffffff0\n\tmov x10, sp\n\tmov sp, x9\n\tsub %x0, x9, x10");
  group("logici");
}

static void move_wide(void) {
  T("movz %x0, #0x1234");
  T("movz %x0, #0xabcd, lsl #16");
  T("movz %x0, #0xffff, lsl #32");
  T("movz %x0, #0x8001, lsl #48");
  T("movz %w0, #0x5678, lsl #16");
  T("movn %x0, #0");
  T("movn %x0, #0x1234, lsl #16");
  T("movn %x0, #0xffff, lsl #48");
  T("movn %w0, #0x8000");
  T("movn %w0, #0x1, lsl #16");
  T("mov %x0, %x2\n\tmovk %x0, #0xbeef");
  T("mov %x0, %x2\n\tmovk %x0, #0xdead, lsl #16");
  T("mov %x0, %x2\n\tmovk %x0, #0x1234, lsl #32");
  T("mov %x0, %x2\n\tmovk %x0, #0xfffe, lsl #48");
  T("mov %x0, %x2\n\tmovk %w0, #0x4321, lsl #16");
  T("mov %x0, %x2\n\tmovk %w0, #0x7777");
  group("movw");
}

static void bitfield(void) {
  T("sbfx %x0, %x2, #3, #9");
  T("sbfx %w0, %w2, #31, #1");
  T("ubfx %x0, %x2, #60, #4");
  T("ubfx %w0, %w2, #8, #16");
  T("sbfiz %x0, %x2, #5, #30");
  T("ubfiz %w0, %w2, #28, #4");
  T("mov %x0, %x3\n\tbfi %x0, %x2, #5, #17");
  T("mov %x0, %x3\n\tbfi %w0, %w2, #30, #2");
  T("mov %x0, %x3\n\tbfxil %x0, %x2, #40, #24");
  T("mov %x0, %x3\n\tbfxil %w0, %w2, #0, #1");
  T("mov %x0, %x3\n\tbfm %x0, xzr, #52, #19");
  T("sxtb %x0, %w2");
  T("sxth %x0, %w2");
  T("sxtw %x0, %w2");
  T("sxtb %w0, %w2");
  T("sxth %w0, %w2");
  T("uxtb %w0, %w2");
  T("uxth %w0, %w2");
  T("lsl %x0, %x2, #1");
  T("lsl %x0, %x2, #63");
  T("lsl %w0, %w2, #31");
  T("lsr %x0, %x2, #63");
  T("lsr %w0, %w2, #5");
  T("asr %x0, %x2, #7");
  T("asr %w0, %w2, #31");
  T("sbfm %x0, %x2, #60, #3");
  T("ubfm %x0, %x2, #63, #62");
  T("sbfm %w0, %w2, #17, #16");
  T("mov %x0, %x3\n\tbfm %x0, %x2, #50, #10");
  T("mov %x0, %x3\n\tbfm %w0, %w2, #9, #3");
  group("bitfld");
}

static void extract(void) {
  T("extr %x0, %x2, %x3, #13");
  T("extr %x0, %x2, %x3, #0");
  T("extr %x0, %x2, %x3, #63");
  T("extr %w0, %w2, %w3, #1");
  T("extr %w0, %w2, %w3, #31");
  T("ror %x0, %x2, #17");
  T("ror %w0, %w2, #3");
  group("extr");
}

static void variable_shift(void) {
  T("lsl %x0, %x2, %x3");
  T("lsl %w0, %w2, %w3");
  T("lsr %x0, %x2, %x3");
  T("lsr %w0, %w2, %w3");
  T("asr %x0, %x2, %x3");
  T("asr %w0, %w2, %w3");
  T("ror %x0, %x2, %x3");
  T("ror %w0, %w2, %w3");
  group("shiftv");
}

static void multiply(void) {
  T("madd %x0, %x2, %x3, %x2");
  T("madd %w0, %w2, %w3, %w3");
  T("msub %x0, %x2, %x3, %x3");
  T("msub %w0, %w2, %w3, %w2");
  T("mul %x0, %x2, %x3");
  T("mul %w0, %w2, %w3");
  T("mneg %x0, %x2, %x3");
  T("smaddl %x0, %w2, %w3, %x2");
  T("smsubl %x0, %w2, %w3, %x3");
  T("umaddl %x0, %w2, %w3, %x3");
  T("umsubl %x0, %w2, %w3, %x2");
  T("smull %x0, %w2, %w3");
  T("umull %x0, %w2, %w3");
  T("smnegl %x0, %w2, %w3");
  T("umnegl %x0, %w2, %w3");
  T("smulh %x0, %x2, %x3");
  T("umulh %x0, %x2, %x3");
  group("mul");
}

static void divide(void) {
  T("udiv %x0, %x2, %x3");
  T("udiv %w0, %w2, %w3");
  T("sdiv %x0, %x2, %x3");
  T("sdiv %w0, %w2, %w3");
  group("div");
}

static void one_source(void) {
  T("clz %x0, %x2");
  T("clz %w0, %w2");
  T("cls %x0, %x2");
  T("cls %w0, %w2");
  T("rbit %x0, %x2");
  T("rbit %w0, %w2");
  T("rev %x0, %x2");
  T("rev %w0, %w2");
  T("rev16 %x0, %x2");
  T("rev16 %w0, %w2");
  T("rev32 %x0, %x2");
  group("onesrc");
}

static void conditional_select(void) {
  T("csel %x0, %x2, %x3, eq");
  T("csel %x0, %x2, %x3, ne");
  T("csel %x0, %x2, %x3, cs");
  T("csel %x0, %x2, %x3, cc");
  T("csel %x0, %x2, %x3, mi");
  T("csel %x0, %x2, %x3, pl");
  T("csel %x0, %x2, %x3, vs");
  T("csel %x0, %x2, %x3, vc");
  T("csel %x0, %x2, %x3, hi");
  T("csel %x0, %x2, %x3, ls");
  T("csel %x0, %x2, %x3, ge");
  T("csel %x0, %x2, %x3, lt");
  T("csel %x0, %x2, %x3, gt");
  T("csel %x0, %x2, %x3, le");
  T("csel %x0, %x2, %x3, al");
  T("csel %x0, %x2, %x3, nv");
  T("csel %w0, %w2, %w3, hi");
  T("csinc %x0, %x2, %x3, ge");
  T("csinc %w0, %w2, %w3, vs");
  T("csinv %x0, %x2, %x3, lt");
  T("csinv %w0, %w2, %w3, cc");
  T("csneg %x0, %x2, %x3, le");
  T("csneg %w0, %w2, %w3, mi");
  T("cset %x0, gt");
  T("csetm %w0, ls");
  T("cinc %x0, %x2, eq");
  T("cinv %w0, %w2, ne");
  T("cneg %x0, %x2, pl");
  group("csel");
}

static void conditional_compare(void) {
  T("ccmp %x2, %x3, #5, ne");
  T("ccmp %w2, %w3, #0, eq");
  T("ccmp %x2, #17, #10, ge");
  T("ccmp %w2, #31, #15, lt");
  T("ccmn %x2, %x3, #0, hi");
  T("ccmn %w2, %w3, #9, cs");
  T("ccmn %x2, #1, #3, vs");
  T("ccmn %w2, #0, #12, al");
  group("ccmp");
}

static void branches(void) {
  T("cbz %x2, 1f\n\tmov %x0, #1\n\tb 2f\n1:\tmov %x0, #2\n2:");
  T("cbnz %w2, 1f\n\tmov %x0, #1\n\tb 2f\n1:\tmov %x0, #2\n2:");
  T("tbz %x2, #63, 1f\n\tmov %x0, #1\n\tb 2f\n1:\tmov %x0, #2\n2:");
  T("tbnz %w2, #0, 1f\n\tmov %x0, #1\n\tb 2f\n1:\tmov %x0, #2\n2:");
  T("tbnz %x2, #33, 1f\n\tmov %x0, #1\n\tb 2f\n1:\tmov %x0, #2\n2:");
  T("cmp %x2, %x3\n\tb.lt 1f\n\tmov %x0, #1\n\tb 2f\n1:\tmov %x0, #2\n2:");
  T("cmp %w2, %w3\n\tb.hi 1f\n\tmov %x0, #1\n\tb 2f\n1:\tmov %x0, #2\n2:");
  T("b.vs 1f\n\tmov %x0, #1\n\tb 2f\n1:\tmov %x0, #2\n2:");
  T("b.le 1f\n\tmov %x0, #1\n\tb 2f\n1:\tmov %x0, #2\n2:");
  T("b.nv 1f\n\tmov %x0, #1\n\tb 2f\n1:\tmov %x0, #2\n2:");
  T("adr x9, 1f\n\tbr x9\n\tmov %x0, #1\n1:\tadd %x0, %x0, #3");
  T("adr x9, 1f\n\tmov x10, x30\n\tblr x9\n\tmov %x0, #1\n\tb 2f\n1:\tmov %x0, #2\n\tmov x30, x10\n2:");
  T("mov x10, x30\n\tbl 1f\n\tb 2f\n1:\tadd %x0, %x2, #1\n\tret\n2:\tmov x30, x10");
  group("branch");
}

static uint64_t page_data[2] __attribute__((aligned(4096))) = {1, 2};

static void pc_relative(void) {
  T("adr %x0, 1f\n1:\tadr x9, 1b\n\tsub %x0, %x0, x9");
  T("adr %x0, .+1048572\n\tadr x9, .\n\tsub %x0, %x0, x9");
  T("adr %x0, .-1048576\n\tadr x9, .\n\tsub %x0, %x0, x9");
  uint64_t page, addr;
  __asm__ volatile("adrp %0, page_data\n\tadd %1, %0, :lo12:page_data" : "=r"(page), "=r"(addr));
  mix(page - ((uint64_t)(uintptr_t)page_data & ~0xfffull));
  mix(addr - (uint64_t)(uintptr_t)page_data);
  group("pcrel");
}

/* Plain C, so the compiler's own instruction choices (at -O0 and -O2) are covered too. */
static void compiled(void) {
  for (int i = 0; i < NVALS; i++)
    for (int j = 0; j < NVALS; j++) {
      uint64_t a = vals[i], b = vals[j];
      int64_t sa = (int64_t)a, sb = (int64_t)b;
      uint32_t wa = (uint32_t)a, wb = (uint32_t)b;
      int32_t swa = (int32_t)wa, swb = (int32_t)wb;
      mix(a + b * 3);
      mix(a - (b << (j & 63)));
      mix(sa >> (i & 63));
      mix(b ? a / b : 0);
      mix(b ? a % b : 0);
      mix(sb && !(sa == INT64_MIN && sb == -1) ? (uint64_t)(sa / sb) : 0);
      mix(sb && !(sa == INT64_MIN && sb == -1) ? (uint64_t)(sa % sb) : 0);
      mix(wb ? wa / wb : 0);
      mix(swb && !(swa == INT32_MIN && swb == -1) ? (uint32_t)(swa / swb) : 0);
      mix((uint64_t)((unsigned __int128)a * b >> 64));
      mix((uint64_t)((__int128)sa * sb >> 64));
      mix((uint64_t)(wa * wb));
      mix((uint64_t)((int64_t)swa * swb));
      mix(a < b);
      mix(sa < sb);
      mix(swa <= swb ? a : b);
      mix((uint64_t)__builtin_popcountll(a));
      mix(a ? (uint64_t)__builtin_ctzll(a) : 64);
      mix((uint64_t)__builtin_bswap32(wa));
      mix((uint64_t)(int16_t)wa + (uint64_t)(int8_t)wb);
      mix((a >> 7 & 0x1ff) | (b & 0x3f) << 20);
    }
  group("c");
}

int main(int argc, char **argv) {
  uint64_t seed = argc > 1 ? strtoull(argv[1], NULL, 0) : 1;
  rng_state ^= seed * 0x2545f4914f6cdd1dull;
  for (int i = 20; i < NVALS; i++) vals[i] = next_random() >> (i & 7) * 8;
  hash = 0xcbf29ce484222325ull;
  add_sub_immediate();
  add_sub_shifted();
  add_sub_extended();
  add_sub_carry();
  logical_shifted();
  logical_immediate();
  move_wide();
  bitfield();
  extract();
  variable_shift();
  multiply();
  divide();
  one_source();
  conditional_select();
  conditional_compare();
  branches();
  pc_relative();
  compiled();
  return 0;
}
