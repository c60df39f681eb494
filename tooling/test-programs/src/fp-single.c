/*
 * Scalar single precision, instruction by instruction: FADD FSUB FMUL FNMUL FDIV FSQRT, the FMADD
 * family, FCMP/FCMPE (register and #0.0), SCVTF/UCVTF from X and W, FCVTZS/FCVTZU to X and W and
 * FCVT between single and double, each written in inline assembly and run under every rounding
 * mode, with FZ, with DN, on special values (zeros, subnormals, extremes, infinities, quiet and
 * signalling NaNs with payloads) and random ones. Each result and the FPSR it leaves are folded
 * into one hash per operation and FPCR. The operations run thousands of times, so an emulator's
 * hot-code tier meets them too.
 * Usage: fp-single [SEED]  (the seed varies the random operands).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t hash;
static void mix(uint64_t v) {
  hash ^= v;
  hash *= 0x100000001b3ull;
  hash ^= hash >> 29;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t next_random(void) {
  uint64_t x = rng_state;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return rng_state = x;
}

static float F(uint64_t u) {
  uint32_t w = (uint32_t)u;
  float f;
  memcpy(&f, &w, 4);
  return f;
}
static uint64_t BF(float f) {
  uint32_t u;
  memcpy(&u, &f, 4);
  return u;
}
static double D(uint64_t u) {
  double d;
  memcpy(&d, &u, 8);
  return d;
}
static uint64_t BD(double d) {
  uint64_t u;
  memcpy(&u, &d, 8);
  return u;
}

static void set_fpcr(uint64_t v) { __asm__ volatile("msr fpcr, %0" ::"r"(v)); }
static void clear_fpsr(void) { __asm__ volatile("msr fpsr, xzr"); }
static uint64_t get_fpsr(void) {
  uint64_t v;
  __asm__ volatile("mrs %0, fpsr" : "=r"(v));
  return v;
}

typedef uint64_t (*op_fn)(uint64_t, uint64_t, uint64_t);

#define OP2(name, insn)                                                         \
  static uint64_t name(uint64_t a, uint64_t b, uint64_t c) {                    \
    float r, x = F(a), y = F(b);                                                \
    (void)c;                                                                    \
    __asm__ volatile(insn " %s0, %s1, %s2" : "=w"(r) : "w"(x), "w"(y));         \
    return BF(r);                                                               \
  }
#define OP3(name, insn)                                                                   \
  static uint64_t name(uint64_t a, uint64_t b, uint64_t c) {                              \
    float r, x = F(a), y = F(b), z = F(c);                                                \
    __asm__ volatile(insn " %s0, %s1, %s2, %s3" : "=w"(r) : "w"(x), "w"(y), "w"(z));      \
    return BF(r);                                                                         \
  }
#define CMP(name, insn)                                                                        \
  static uint64_t name(uint64_t a, uint64_t b, uint64_t c) {                                   \
    uint64_t r;                                                                                \
    float x = F(a), y = F(b);                                                                  \
    (void)c;                                                                                   \
    __asm__ volatile(insn " %s1, %s2\n\tmrs %0, nzcv" : "=r"(r) : "w"(x), "w"(y) : "cc");      \
    return r;                                                                                  \
  }
#define CMP0(name, insn)                                                                 \
  static uint64_t name(uint64_t a, uint64_t b, uint64_t c) {                             \
    uint64_t r;                                                                          \
    float x = F(a);                                                                      \
    (void)b;                                                                             \
    (void)c;                                                                             \
    __asm__ volatile(insn " %s1, #0.0\n\tmrs %0, nzcv" : "=r"(r) : "w"(x) : "cc");       \
    return r;                                                                            \
  }
#define FROM(name, insn, reg)                                          \
  static uint64_t name(uint64_t a, uint64_t b, uint64_t c) {           \
    float r;                                                           \
    (void)b;                                                           \
    (void)c;                                                           \
    __asm__ volatile(insn " %s0, %" reg "1" : "=w"(r) : "r"(a));       \
    return BF(r);                                                      \
  }
#define TO(name, insn, reg)                                            \
  static uint64_t name(uint64_t a, uint64_t b, uint64_t c) {           \
    uint64_t r;                                                        \
    float x = F(a);                                                    \
    (void)b;                                                           \
    (void)c;                                                           \
    __asm__ volatile(insn " %" reg "0, %s1" : "=r"(r) : "w"(x));       \
    return r;                                                          \
  }

OP2(op_fadd, "fadd")
OP2(op_fsub, "fsub")
OP2(op_fmul, "fmul")
OP2(op_fnmul, "fnmul")
OP2(op_fdiv, "fdiv")
OP3(op_fmadd, "fmadd")
OP3(op_fmsub, "fmsub")
OP3(op_fnmadd, "fnmadd")
OP3(op_fnmsub, "fnmsub")
CMP(op_fcmp, "fcmp")
CMP(op_fcmpe, "fcmpe")
CMP0(op_fcmp0, "fcmp")
CMP0(op_fcmpe0, "fcmpe")
FROM(op_scvtf_x, "scvtf", "x")
FROM(op_scvtf_w, "scvtf", "w")
FROM(op_ucvtf_x, "ucvtf", "x")
FROM(op_ucvtf_w, "ucvtf", "w")
TO(op_fcvtzs_x, "fcvtzs", "x")
TO(op_fcvtzs_w, "fcvtzs", "w")
TO(op_fcvtzu_x, "fcvtzu", "x")
TO(op_fcvtzu_w, "fcvtzu", "w")

static uint64_t op_fsqrt(uint64_t a, uint64_t b, uint64_t c) {
  float r, x = F(a);
  (void)b;
  (void)c;
  __asm__ volatile("fsqrt %s0, %s1" : "=w"(r) : "w"(x));
  return BF(r);
}

/* FCVT Dd, Sn */
static uint64_t op_fcvt_ds(uint64_t a, uint64_t b, uint64_t c) {
  double r;
  float x = F(a);
  (void)b;
  (void)c;
  __asm__ volatile("fcvt %d0, %s1" : "=w"(r) : "w"(x));
  return BD(r);
}

/* FCVT Sd, Dn */
static uint64_t op_fcvt_sd(uint64_t a, uint64_t b, uint64_t c) {
  float r;
  double x = D(a);
  (void)b;
  (void)c;
  __asm__ volatile("fcvt %s0, %d1" : "=w"(r) : "w"(x));
  return BF(r);
}

enum operands { SINGLES, INTEGER, DOUBLES };

struct op {
  const char *name;
  op_fn fn;
  int arity;
  enum operands kind;
};

static const struct op OPS[] = {
    {"fadd", op_fadd, 2, SINGLES},         {"fsub", op_fsub, 2, SINGLES},
    {"fmul", op_fmul, 2, SINGLES},         {"fnmul", op_fnmul, 2, SINGLES},
    {"fdiv", op_fdiv, 2, SINGLES},         {"fsqrt", op_fsqrt, 1, SINGLES},
    {"fmadd", op_fmadd, 3, SINGLES},       {"fmsub", op_fmsub, 3, SINGLES},
    {"fnmadd", op_fnmadd, 3, SINGLES},     {"fnmsub", op_fnmsub, 3, SINGLES},
    {"fcmp", op_fcmp, 2, SINGLES},         {"fcmpe", op_fcmpe, 2, SINGLES},
    {"fcmp0", op_fcmp0, 1, SINGLES},       {"fcmpe0", op_fcmpe0, 1, SINGLES},
    {"scvtf_x", op_scvtf_x, 1, INTEGER},   {"scvtf_w", op_scvtf_w, 1, INTEGER},
    {"ucvtf_x", op_ucvtf_x, 1, INTEGER},   {"ucvtf_w", op_ucvtf_w, 1, INTEGER},
    {"fcvtzs_x", op_fcvtzs_x, 1, SINGLES}, {"fcvtzs_w", op_fcvtzs_w, 1, SINGLES},
    {"fcvtzu_x", op_fcvtzu_x, 1, SINGLES}, {"fcvtzu_w", op_fcvtzu_w, 1, SINGLES},
    {"fcvt_ds", op_fcvt_ds, 1, SINGLES},   {"fcvt_sd", op_fcvt_sd, 1, DOUBLES},
};

static const uint64_t SPECIALS[] = {
    0x00000000, /* +0 */
    0x80000000, /* -0 */
    0x00000001, /* smallest subnormal */
    0x807fffff, /* largest subnormal, negative */
    0x00800000, /* smallest normal */
    0x00800001,
    0x3f800000, /* 1 */
    0xbf800000, /* -1 */
    0x3dcccccd, /* 0.1 */
    0x40400000, /* 3 */
    0x3fc00000, /* 1.5 */
    0xbf000000, /* -0.5 */
    0x4b800001, /* 2^24 + 2 */
    0x5f000000, /* 2^63 */
    0xdf000000, /* -2^63 */
    0x4f000000, /* 2^31 */
    0x4f7fffff, /* just below 2^32 */
    0x7f7fffff, /* largest finite */
    0xff7fffff,
    0x7f000000, /* 2^127 */
    0x1f800000, /* 2^-64 */
    0x5f800000, /* 2^64 */
    0x7f800000, /* +inf */
    0xff800000, /* -inf */
    0x7fc00000, /* default NaN */
    0xffc00123, /* quiet NaN with payload */
    0x7f800456, /* signalling NaN */
    0xffa00001, /* signalling NaN, negative */
};
#define NSPECIALS (sizeof SPECIALS / sizeof SPECIALS[0])

/* Doubles around the range of singles, for FCVT Sd, Dn. */
static const uint64_t DOUBLE_SPECIALS[] = {
    0x0000000000000000ull, 0x8000000000000000ull, 0x0000000000000001ull, /* zeros, a double subnormal */
    0x3810000000000000ull, 0x380fffffffffffffull, /* 2^-126 and just below */
    0x36a0000000000000ull, 0x3690000000000000ull, 0x3698000000000000ull, /* 2^-149, 2^-150, 1.5 * 2^-150 */
    0x3fb999999999999aull, 0x3ff0000000000000ull, 0xbff0000010000000ull, /* 0.1, 1, a tie */
    0x47efffffe0000000ull, 0x47efffffefffffffull, 0x47effffff0000000ull, /* largest single and past it */
    0x47f0000000000000ull, 0x7e37e43c8800759cull, /* 2^128, 1e300 */
    0x7ff0000000000000ull, 0xfff0000000000000ull, 0x7ff8000000000000ull, 0xfff8000000000123ull,
    0x7ff0000000000456ull, 0x7ff4000020000001ull,
};
#define NDOUBLE_SPECIALS (sizeof DOUBLE_SPECIALS / sizeof DOUBLE_SPECIALS[0])

static const uint64_t INTEGERS[] = {
    0,           1,           0xffffffffffffffffull, 0x7fffffffffffffffull, 0x8000000000000000ull,
    1ull << 24,  (1ull << 24) + 1, 0x0000000001000003ull, 0x00000000ffffffffull, 0x0000000080000000ull,
    0x7fffffff,  0xffffffffff000000ull, 12345,      0xfffffffffffffff9ull, 0x4000000000000001ull,
};
#define NINTEGERS (sizeof INTEGERS / sizeof INTEGERS[0])

/* RMode in bits 23:22, FZ bit 24, DN bit 25. */
static const uint64_t FPCRS[] = {0, 1u << 22, 2u << 22, 3u << 22, 1u << 24, 1u << 25, (1u << 24) | (1u << 25) | (1u << 22)};
#define NFPCRS (sizeof FPCRS / sizeof FPCRS[0])

/* A random single: raw bits, a modest value, or a small fraction that multiplies exactly. */
static uint64_t random_single(void) {
  uint64_t r = next_random();
  switch (r & 3) {
  case 0:
    return next_random() & 0xffffffffu;
  case 1:
    return BF((float)(int32_t)(next_random() >> 40) / (float)(1 << (r >> 8 & 15)));
  case 2:
    return BF((float)(int32_t)(next_random() >> 52) / 8.0f);
  default:
    return SPECIALS[(r >> 8) % NSPECIALS] ^ (next_random() & 0xf);
  }
}

/* A random double for FCVT Sd, Dn: raw bits, values in or near single range, specials. */
static uint64_t random_double(void) {
  uint64_t r = next_random();
  switch (r & 3) {
  case 0:
    return next_random();
  case 1:
    return BD((double)(int64_t)next_random() * 0x1p-40);
  case 2: /* exponents around single range, random significand */
    return (next_random() & 0x800fffffffffffffull) | ((uint64_t)(0x360 + (r >> 8) % 0x120) << 52);
  default:
    return DOUBLE_SPECIALS[(r >> 8) % NDOUBLE_SPECIALS] ^ (next_random() & 0xf);
  }
}

static uint64_t random_integer(void) {
  uint64_t r = next_random();
  switch (r & 3) {
  case 0:
    return next_random();
  case 1:
    return next_random() >> (r >> 8 & 63);
  case 2:
    return (uint64_t)(-(int64_t)(next_random() >> (r >> 8 & 63)));
  default:
    return INTEGERS[(r >> 8) % NINTEGERS];
  }
}

static void run(const struct op *op, uint64_t fpcr, uint64_t a, uint64_t b, uint64_t c) {
  set_fpcr(fpcr);
  clear_fpsr();
  uint64_t r = op->fn(a, b, c);
  uint64_t s = get_fpsr();
  set_fpcr(0);
  mix(r);
  mix(s);
}

int main(int argc, char **argv) {
  if (argc > 1) rng_state ^= strtoull(argv[1], 0, 10) * 0x2545f4914f6cdd1dull;
  for (size_t o = 0; o < sizeof OPS / sizeof OPS[0]; o++) {
    const struct op *op = &OPS[o];
    for (size_t f = 0; f < NFPCRS; f++) {
      hash = 0xcbf29ce484222325ull;
      if (op->kind == INTEGER) {
        for (size_t i = 0; i < NINTEGERS; i++) run(op, FPCRS[f], INTEGERS[i], 0, 0);
        for (int i = 0; i < 300; i++) run(op, FPCRS[f], random_integer(), 0, 0);
      } else if (op->kind == DOUBLES) {
        for (size_t i = 0; i < NDOUBLE_SPECIALS; i++) run(op, FPCRS[f], DOUBLE_SPECIALS[i], 0, 0);
        for (int i = 0; i < 400; i++) run(op, FPCRS[f], random_double(), 0, 0);
      } else {
        for (size_t i = 0; i < NSPECIALS; i++) {
          if (op->arity == 1) {
            run(op, FPCRS[f], SPECIALS[i], 0, 0);
            continue;
          }
          for (size_t j = 0; j < NSPECIALS; j++) {
            uint64_t c = op->arity == 3 ? SPECIALS[(i * 7 + j) % NSPECIALS] : 0;
            run(op, FPCRS[f], SPECIALS[i], SPECIALS[j], c);
          }
        }
        for (int i = 0; i < 400; i++) {
          uint64_t a = random_single(), b = random_single(), c = random_single();
          /* an addend that nearly cancels the product exercises the single rounding of FMADD */
          if (op->arity == 3 && (i & 1)) c = (BF(-(F(a) * F(b))) + (next_random() & 3)) & 0xffffffffu;
          run(op, FPCRS[f], a, b, c);
        }
      }
      printf("%-9s fpcr %07llx %016llx\n", op->name, (unsigned long long)FPCRS[f], (unsigned long long)hash);
    }
  }
  return 0;
}
