/*
 * Memory: every AArch64 load/store form (unsigned offset, unscaled, pre/post-index with writeback,
 * register offset with each extend and shift, pairs, literals, exclusives, acquire/release, SIMD&FP
 * registers), then the string.h functions over many lengths and alignments (glibc's AdvSIMD
 * implementations). Results fold into one hash per group. Usage: memory [SEED]
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t hash = 0xcbf29ce484222325ull;
static void mix(uint64_t v) {
  hash ^= v;
  hash *= 0x100000001b3ull;
  hash ^= hash >> 29;
}
static void group(const char *name) {
  printf("%-8s %016llx\n", name, (unsigned long long)hash);
  hash = 0xcbf29ce484222325ull;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t next_random(void) {
  uint64_t x = rng_state;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return rng_state = x;
}

#define BUF 65536
static uint8_t buf[BUF] __attribute__((aligned(64)));
static uint8_t out[BUF] __attribute__((aligned(64)));

static void refill(void) {
  for (int i = 0; i < BUF; i += 8) {
    uint64_t r = next_random();
    memcpy(buf + i, &r, 8);
  }
  memset(out, 0xa5, BUF);
}

/* Folds the 128 bytes around where a store went, then restores them. */
static void mix_window(uint8_t *base, int at) {
  uint64_t w;
  for (int k = at - 64; k < at + 64; k += 8) {
    memcpy(&w, base + k, 8);
    mix(w);
  }
}

/* Loads: %x0 result, %1 base (read and written back), %x2 index. Base starts at buf+256+i. */
#define LD(TEXT)                                                                                  \
  for (int i = 0; i < 32; i++) {                                                                 \
    uint64_t d, base = (uint64_t)(uintptr_t)(buf + 256 + i), idx = (uint64_t)(int64_t)(i - 16);  \
    __asm__ volatile("mov %x0, #0x5a5a\n\t" TEXT : "=&r"(d), "+r"(base) : "r"(idx) : "memory", "x9", "x10"); \
    mix(d);                                                                                       \
    mix(base - (uint64_t)(uintptr_t)buf);                                                         \
  }

/* Stores: %x0 / %w0 value, %1 base in out+256+i (written back), %x2 index. */
#define ST(TEXT)                                                                                  \
  for (int i = 0; i < 32; i++) {                                                                 \
    uint64_t v = next_random(), base = (uint64_t)(uintptr_t)(out + 256 + i),                      \
             idx = (uint64_t)(int64_t)(i - 16);                                                   \
    __asm__ volatile(TEXT : "+r"(v), "+r"(base) : "r"(idx) : "memory", "x9", "x10");              \
    mix(base - (uint64_t)(uintptr_t)out);                                                         \
    mix_window(out, 256 + i);                                                                     \
  }

static void single_loads(void) {
  LD("ldrb %w0, [%1]");
  LD("ldrb %w0, [%1, #4095]");
  LD("ldrsb %w0, [%1, #7]");
  LD("ldrsb %x0, [%1, #1]");
  LD("ldrh %w0, [%1, #2]");
  LD("ldrh %w0, [%1, #8190]");
  LD("ldrsh %w0, [%1, #6]");
  LD("ldrsh %x0, [%1, #0]");
  LD("ldr %w0, [%1, #4]");
  LD("ldr %w0, [%1, #16380]");
  LD("ldrsw %x0, [%1, #12]");
  LD("ldr %x0, [%1, #8]");
  LD("ldr %x0, [%1, #32760]");
  LD("ldurb %w0, [%1, #-1]");
  LD("ldursb %x0, [%1, #-256]");
  LD("ldursb %w0, [%1, #255]");
  LD("ldurh %w0, [%1, #-3]");
  LD("ldursh %x0, [%1, #5]");
  LD("ldursh %w0, [%1, #-7]");
  LD("ldur %w0, [%1, #-5]");
  LD("ldursw %x0, [%1, #3]");
  LD("ldur %x0, [%1, #-9]");
  LD("ldtr %x0, [%1, #-16]");
  LD("ldtrb %w0, [%1, #3]");
  LD("ldtrsh %x0, [%1, #-2]");
  LD("ldrb %w0, [%1, #1]!");
  LD("ldrsh %x0, [%1, #-2]!");
  LD("ldr %w0, [%1, #-256]!");
  LD("ldr %x0, [%1, #255]!");
  LD("ldrsw %x0, [%1], #-4");
  LD("ldrb %w0, [%1], #17");
  LD("ldr %x0, [%1], #-8");
  LD("ldrsb %w0, [%1], #0");
  LD("ldrb %w0, [%1, %x2]");
  LD("ldrsb %x0, [%1, %w2, sxtw]");
  LD("ldrh %w0, [%1, %x2, lsl #1]");
  LD("ldrsh %w0, [%1, %w2, sxtw #1]");
  LD("and x9, %x2, #0xff\n\tldr %w0, [%1, w9, uxtw #2]");
  LD("ldr %w0, [%1, %x2, sxtx]");
  LD("ldrsw %x0, [%1, %x2, lsl #2]");
  LD("ldr %x0, [%1, %w2, sxtw #3]");
  LD("ldr %x0, [%1, %x2]");
  LD("and x9, %x2, #0xf\n\tldr %x0, [%1, w9, uxtw]");
  group("load");
}

static void single_stores(void) {
  ST("strb %w0, [%1]");
  ST("strb %w0, [%1, #63]");
  ST("strh %w0, [%1, #2]");
  ST("str %w0, [%1, #60]");
  ST("str %x0, [%1, #56]");
  ST("sturb %w0, [%1, #-1]");
  ST("sturh %w0, [%1, #-63]");
  ST("stur %w0, [%1, #-7]");
  ST("stur %x0, [%1, #-64]");
  ST("sttr %x0, [%1, #-3]");
  ST("sttrh %w0, [%1, #5]");
  ST("strb %w0, [%1, #1]!");
  ST("strh %w0, [%1, #-6]!");
  ST("str %w0, [%1, #-32]!");
  ST("str %x0, [%1, #48]!");
  ST("strb %w0, [%1], #-1");
  ST("strh %w0, [%1], #2");
  ST("str %w0, [%1], #-20");
  ST("str %x0, [%1], #8");
  ST("strb %w0, [%1, %x2]");
  ST("strh %w0, [%1, %w2, sxtw #1]");
  ST("str %w0, [%1, %x2, lsl #2]");
  ST("str %x0, [%1, %w2, sxtw]");
  ST("str %x0, [%1, %x2, sxtx #3]");
  ST("str %x1, [%1, #8]");
  group("store");
}

static void pairs(void) {
  LD("ldp %w0, w9, [%1, #-8]\n\tadd %x0, %x0, x9, lsl #32");
  LD("ldp %x0, x9, [%1, #16]\n\teor %x0, %x0, x9, ror #7");
  LD("ldpsw %x0, x9, [%1, #-4]\n\teor %x0, %x0, x9, ror #7");
  LD("ldp %x0, x9, [%1, #-512]!\n\teor %x0, %x0, x9, ror #7");
  LD("ldp %w0, w9, [%1], #252\n\teor %w0, %w0, w9, ror #7");
  LD("ldpsw %x0, x9, [%1, #8]!\n\teor %x0, %x0, x9, ror #7");
  LD("ldpsw %x0, x9, [%1], #-8\n\teor %x0, %x0, x9, ror #7");
  LD("ldnp %x0, x9, [%1, #32]\n\teor %x0, %x0, x9, ror #7");
  LD("ldnp %w0, w9, [%1, #-4]\n\teor %w0, %w0, w9, ror #7");
  ST("mvn x9, %x0\n\tstp %x0, x9, [%1, #16]");
  ST("mvn x9, %x0\n\tstp %w0, w9, [%1, #-8]");
  ST("mvn x9, %x0\n\tstp %x0, x9, [%1, #-16]!");
  ST("mvn x9, %x0\n\tstp %w0, w9, [%1], #4");
  ST("mvn x9, %x0\n\tstnp %x0, x9, [%1, #-24]");
  ST("mvn x9, %x0\n\tstnp %w0, w9, [%1, #12]");
  ST("stp %x1, %x0, [%1, #-16]");
  group("pair");
}

static void simd_fp_registers(void) {
  /* Each load goes to v16 and is stored back out, so the whole 128 bits show. */
  ST("ldr q16, [%1, #-48]\n\tldr b16, [%1, #3]\n\tstr q16, [%1]");
  ST("ldr q16, [%1, #-48]\n\tldr h16, [%1, #-2]!\n\tstr q16, [%1, #16]");
  ST("ldr q16, [%1, #-48]\n\tldr s16, [%1], #4\n\tstr q16, [%1]");
  ST("ldr q16, [%1, #-48]\n\tldr d16, [%1, %x2, lsl #3]\n\tstr q16, [%1]");
  ST("ldr q16, [%1, #-48]\n\tldur d16, [%1, #-3]\n\tstr q16, [%1]");
  ST("ldr q16, [%1, %x2, lsl #4]\n\tstr q16, [%1, #-32]");
  ST("ldr q16, [%1, #-48]\n\tldr q17, [%1, #32]!\n\tstr q17, [%1, #-16]!");
  ST("ldr q16, [%1], #-16\n\tstur q16, [%1, #-1]");
  ST("fmov d16, %x0\n\tstr b16, [%1, #9]");
  ST("fmov d16, %x0\n\tstr h16, [%1, %w2, sxtw #1]");
  ST("fmov d16, %x0\n\tstr s16, [%1, #-4]!");
  ST("fmov d16, %x0\n\tstr d16, [%1], #8");
  ST("fmov d16, %x0\n\tstur s16, [%1, #-11]");
  ST("ldp s16, s17, [%1, #-8]\n\tstp s17, s16, [%1, #4]");
  ST("ldp d16, d17, [%1, #-64]!\n\tstp d17, d16, [%1, #80]");
  ST("ldp q16, q17, [%1], #32\n\tstp q17, q16, [%1, #-64]");
  ST("ldp q16, q17, [%1, #-32]\n\tstp q17, q16, [%1, #-32]!");
  ST("ldnp d16, d17, [%1, #-16]\n\tstnp d17, d16, [%1]");
  ST("ldnp q16, q17, [%1, #-32]\n\tstnp q17, q16, [%1]");
  group("simdfp");
}

static const uint64_t literal_pool[4] = {0x8123456789abcdefull, 0xfedcba9876543210ull, 7, 9};

static void literals(void) {
  uint64_t x, sw, w;
  __asm__ volatile(
      "ldr %x0, 1f\n\tldrsw %x1, 1f+4\n\tldr %w2, 1f\n\tprfm pldl1keep, 1f\n\tb 2f\n\t.p2align 3\n"
      "1:\t.quad 0x8123456789abcdef\n\t.quad 0x0011223344556677\n2:"
      : "=r"(x), "=r"(sw), "=r"(w));
  mix(x);
  mix(sw);
  mix(w);
  uint64_t lo, hi, s;
  __asm__ volatile(
      "ldr q16, 1f\n\tldr d17, 1f+8\n\tldr s18, 1f+4\n\tfmov %0, d16\n\tfmov %1, d17\n\tfmov %w2, s18\n\tb 2f\n\t"
      ".p2align 4\n1:\t.quad 0x0102030405060708\n\t.quad 0x1112131415161718\n2:"
      : "=r"(lo), "=r"(hi), "=r"(s)
      :
      : "v16", "v17", "v18");
  mix(lo);
  mix(hi);
  mix(s);
  mix(literal_pool[0] ^ literal_pool[3]);
  group("literal");
}

static void exclusives(void) {
  static uint64_t word __attribute__((aligned(16)));
  static uint64_t pair[2] __attribute__((aligned(16)));
  for (int i = 0; i < 16; i++) {
    uint64_t old, status, v = next_random();
    word = v;
    __asm__ volatile("1:\tldxr %x0, [%2]\n\tadd x9, %x0, #1\n\tstxr %w1, x9, [%2]\n\tcbnz %w1, 1b"
                     : "=&r"(old), "=&r"(status) : "r"(&word) : "memory", "x9");
    mix(old);
    mix(word);
    __asm__ volatile("1:\tldaxr %w0, [%2]\n\teor w9, %w0, #0xff\n\tstlxr %w1, w9, [%2]\n\tcbnz %w1, 1b"
                     : "=&r"(old), "=&r"(status) : "r"(&word) : "memory", "x9");
    mix(old);
    mix(word);
    __asm__ volatile("1:\tldxrh %w0, [%2]\n\tadd w9, %w0, #3\n\tstxrh %w1, w9, [%2]\n\tcbnz %w1, 1b"
                     : "=&r"(old), "=&r"(status) : "r"(&word) : "memory", "x9");
    mix(old);
    mix(word);
    __asm__ volatile("1:\tldaxrb %w0, [%2]\n\tsub w9, %w0, #3\n\tstlxrb %w1, w9, [%2]\n\tcbnz %w1, 1b"
                     : "=&r"(old), "=&r"(status) : "r"(&word) : "memory", "x9");
    mix(old);
    mix(word);
    /* A store-exclusive with the monitor cleared, or never set, fails and leaves memory alone. */
    __asm__ volatile("ldxr %x0, [%2]\n\tclrex\n\tstxr %w1, %x0, [%2]" : "=&r"(old), "=&r"(status) : "r"(&word) : "memory");
    mix(status);
    __asm__ volatile("stxr %w0, %x1, [%2]" : "=&r"(status) : "r"(v), "r"(&word) : "memory");
    mix(status);
    mix(word);
    pair[0] = v;
    pair[1] = ~v;
    uint64_t a, b2;
    __asm__ volatile("1:\tldxp %x0, %x1, [%3]\n\tadd x9, %x0, #1\n\tsub x10, %x1, #1\n\tstxp %w2, x9, x10, [%3]\n\tcbnz %w2, 1b"
                     : "=&r"(a), "=&r"(b2), "=&r"(status) : "r"(pair) : "memory", "x9", "x10");
    mix(a ^ b2);
    mix(pair[0] ^ pair[1] << 1);
    __asm__ volatile("1:\tldaxp %w0, %w1, [%3]\n\tstlxp %w2, %w1, %w0, [%3]\n\tcbnz %w2, 1b"
                     : "=&r"(a), "=&r"(b2), "=&r"(status) : "r"(pair) : "memory");
    mix(a ^ b2);
    mix(pair[0] ^ pair[1] << 1);
    __asm__ volatile("ldar %x0, [%1]" : "=r"(a) : "r"(pair) : "memory");
    mix(a);
    __asm__ volatile("ldarb %w0, [%1]\n\tldarh w9, [%1]\n\tadd %w0, %w0, w9" : "=&r"(a) : "r"(pair) : "memory", "x9");
    mix(a);
    __asm__ volatile("stlr %x0, [%1]\n\tstlrb %w0, [%1, #0]" : : "r"(v), "r"(&pair[1]) : "memory");
    __asm__ volatile("stlrh %w0, [%1]\n\tldar %w0, [%1]" : "+r"(v) : "r"(pair) : "memory");
    mix(v);
    mix(pair[0] ^ pair[1]);
  }
  /* The C11 atomics the compiler emits (outline atomics fall back to exclusives without LSE). */
  static _Atomic uint64_t counter;
  static _Atomic uint32_t small;
  for (int i = 0; i < 64; i++) {
    counter += (uint64_t)i * 3;
    uint32_t expected = small;
    while (!__atomic_compare_exchange_n(&small, &expected, expected * 7 + 1, 1, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
    }
    mix(__atomic_exchange_n(&counter, counter ^ 0x55, __ATOMIC_ACQ_REL));
    mix(__atomic_fetch_or(&small, 1u << (i & 31), __ATOMIC_RELAXED));
  }
  mix(counter);
  mix(small);
  group("exclusv");
}

/* Armv8.1 atomics: not advertised in HWCAP, but a program built for a newer CPU uses them anyway. */
#define LSE(TEXT)                                                                                  \
  for (int i = 0; i < 8; i++) {                                                                   \
    static uint64_t cell[2] __attribute__((aligned(16)));                                         \
    uint64_t old, v = next_random(), w = next_random() >> (i * 8);                                \
    cell[0] = i & 1 ? v : w;                                                                      \
    cell[1] = ~v;                                                                                 \
    __asm__ volatile(".arch_extension lse\n\t" TEXT                                               \
                     : "=&r"(old), "+r"(v), "+r"(w) : "r"(cell) : "memory", "x8", "x9", "x10", "x11");  \
    mix(old);                                                                                     \
    mix(v);                                                                                       \
    mix(w);                                                                                       \
    mix(cell[0]);                                                                                 \
    mix(cell[1]);                                                                                 \
  }

static void atomics(void) {
  LSE("ldadd %x1, %x0, [%3]");
  LSE("ldaddal %w1, %w0, [%3]");
  LSE("ldaddh %w1, %w0, [%3]");
  LSE("ldclrab %w1, %w0, [%3]");
  LSE("ldeorl %x1, %x0, [%3]");
  LSE("ldset %w1, %w0, [%3]");
  LSE("ldsmax %x1, %x0, [%3]");
  LSE("ldsmaxb %w1, %w0, [%3]");
  LSE("ldsmin %w1, %w0, [%3]");
  LSE("ldsminh %w1, %w0, [%3]");
  LSE("ldumax %x1, %x0, [%3]");
  LSE("lduminb %w1, %w0, [%3]");
  LSE("swp %x1, %x0, [%3]");
  LSE("swpalh %w1, %w0, [%3]");
  LSE("stadd %x1, [%3]\n\tmov %x0, #0");
  LSE("mov %x0, %x2\n\tcas %x0, %x1, [%3]");
  LSE("ldr %x0, [%3]\n\tcasal %x0, %x1, [%3]");
  LSE("ldr %w0, [%3]\n\tcasb %w0, %w1, [%3]");
  LSE("mov %w0, %w2\n\tcash %w0, %w1, [%3]");
  LSE("ldp x10, x11, [%3]\n\tmov x8, %x1\n\tmov x9, %x2\n\tcasp x10, x11, x8, x9, [%3]\n\teor %x0, x10, x11");
  LSE("ldp w10, w11, [%3]\n\tmov x8, %x1\n\tmov x9, %x2\n\tcaspal w10, w11, w8, w9, [%3]\n\teor %x0, x10, x11");
  LSE("mov x10, #1\n\tmov x11, #2\n\tmov x8, %x1\n\tmov x9, %x2\n\tcasp x10, x11, x8, x9, [%3]\n\teor %x0, x10, x11");
  group("lse");
}

static void prefetch(void) {
  LD("prfm pldl1keep, [%1]\n\tprfm pstl2strm, [%1, #4088]\n\tprfum pldl3keep, [%1, #-1]\n\t"
     "prfm plil1keep, [%1, %x2, lsl #3]\n\tmov %x0, #1");
  /* A prefetch of an address that is not mapped does nothing. */
  LD("mov x9, #0x10\n\tprfm pldl1keep, [x9]\n\tmov %x0, #2");
  group("prfm");
}

static uint8_t big_src[8192 + 64] __attribute__((aligned(64)));
static uint8_t big_dst[8192 + 64] __attribute__((aligned(64)));
static uint8_t big_copy[8192 + 64] __attribute__((aligned(64)));

static void fill_strings(void) {
  for (size_t i = 0; i < sizeof big_src; i++) big_src[i] = (uint8_t)(next_random() % 255 + 1);
}

static const size_t lengths[] = {0,  1,  2,  3,  4,  5,  7,  8,  9,  15, 16,  17,  23,  24,   31,   32,  33,
                                 47, 48, 63, 64, 65, 95, 96, 97, 127, 128, 129, 255, 256, 511, 1024, 4097, 8000};
#define NLEN (sizeof lengths / sizeof lengths[0])

static void fold_dst(size_t n) {
  uint64_t w = 0;
  for (size_t k = 0; k < n + 32 && k < sizeof big_dst; k++) w = w * 31 + big_dst[k];
  mix(w);
}

static void string_functions(void) {
  fill_strings();
  for (size_t li = 0; li < NLEN; li++) {
    size_t n = lengths[li];
    for (int sa = 0; sa < 16; sa += (n > 512 ? 5 : 1)) {
      for (int da = 0; da < 16; da += (n > 512 ? 7 : 3)) {
        memset(big_dst, 0, sizeof big_dst);
        memcpy(big_dst + da, big_src + sa, n);
        fold_dst(n + da);
        memset(big_dst + da, sa * 17, n);
        fold_dst(n + da);
        mix((uint64_t)memcmp(big_dst + da, big_src + sa, n) > 0);
        memcpy(big_dst + da, big_src + sa, n);
        mix(memcmp(big_dst + da, big_src + sa, n) == 0);
        if (n > 0) {
          big_dst[da + n - 1] ^= 0x40;
          int r = memcmp(big_dst + da, big_src + sa, n);
          mix(r < 0 ? 1 : r > 0 ? 2 : 3);
        }
        /* Overlapping moves in both directions. */
        memmove(big_dst + da + 5, big_dst + da, n);
        fold_dst(n + da + 5);
        memmove(big_dst + da, big_dst + da + 3, n);
        fold_dst(n + da + 5);
      }
      /* NUL-terminated strings of length n at alignment sa. */
      if (n + sa + 1 < sizeof big_dst) {
        memcpy(big_dst + sa, big_src, n);
        big_dst[sa + n] = 0;
        char *s = (char *)big_dst + sa;
        mix(strlen(s));
        mix(strnlen(s, n / 2));
        mix(strnlen(s, n + 10));
        int c = n ? (uint8_t)s[n / 2] : 'x';
        char *p = strchr(s, c);
        mix(p ? (uint64_t)(p - s) : 0xffff);
        p = strrchr(s, c);
        mix(p ? (uint64_t)(p - s) : 0xffff);
        p = memchr(s, c, n);
        mix(p ? (uint64_t)(p - s) : 0xffff);
        p = memrchr(s, c, n);
        mix(p ? (uint64_t)(p - s) : 0xffff);
        mix((uint64_t)(strchrnul(s, 0) - s));
        char *copy = (char *)big_copy + (sa * 3 & 15);
        strcpy(copy, s);
        mix(strcmp(copy, s) == 0);
        mix((uint64_t)(stpcpy(copy, s) - copy));
        if (n) {
          copy[n - 1] = (char)(copy[n - 1] + 1);
          int r = strcmp(copy, s);
          mix(r < 0 ? 1 : r > 0 ? 2 : 3);
          r = strncmp(copy, s, n - 1);
          mix(r < 0 ? 1 : r > 0 ? 2 : 3);
        }
        mix(strspn(s, "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12"));
        mix(strcspn(s, "ABCabc"));
        if (n > 3) {
          char needle[4] = {s[n - 3], s[n - 2], s[n - 1], 0};
          p = strstr(s, needle);
          mix(p ? (uint64_t)(p - s) : 0xffff);
        }
      }
    }
  }
  group("string");
}

int main(int argc, char **argv) {
  uint64_t seed = argc > 1 ? strtoull(argv[1], NULL, 0) : 1;
  rng_state ^= seed * 0x2545f4914f6cdd1dull;
  refill();
  single_loads();
  refill();
  single_stores();
  refill();
  pairs();
  refill();
  simd_fp_registers();
  literals();
  exclusives();
  atomics();
  prefetch();
  string_functions();
  return 0;
}
