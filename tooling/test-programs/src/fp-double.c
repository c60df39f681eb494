/*
 * Scalar double precision, instruction by instruction: FADD FSUB FMUL FNMUL FDIV FSQRT, the FMADD
 * family, FCMP/FCMPE (register and #0.0), SCVTF/UCVTF from X and W, FCVTZS/FCVTZU to X and W,
 * each written in inline assembly and run under every rounding mode, with FZ, with DN, on special
 * values (zeros, subnormals, extremes, infinities, quiet and signalling NaNs with payloads) and
 * random ones. Each result and the FPSR it leaves are folded into one hash per operation and FPCR.
 * The operations run thousands of times, so an emulator's hot-code tier meets them too.
 * Usage: fp-double [SEED]  (the seed varies the random operands).
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

static double D(uint64_t u) {
  double d;
  memcpy(&d, &u, 8);
  return d;
}
static uint64_t B(double d) {
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
    double r, x = D(a), y = D(b);                                               \
    (void)c;                                                                    \
    __asm__ volatile(insn " %d0, %d1, %d2" : "=w"(r) : "w"(x), "w"(y));         \
    return B(r);                                                                \
  }
#define OP3(name, insn)                                                                   \
  static uint64_t name(uint64_t a, uint64_t b, uint64_t c) {                              \
    double r, x = D(a), y = D(b), z = D(c);                                               \
    __asm__ volatile(insn " %d0, %d1, %d2, %d3" : "=w"(r) : "w"(x), "w"(y), "w"(z));      \
    return B(r);                                                                          \
  }
#define CMP(name, insn)                                                                        \
  static uint64_t name(uint64_t a, uint64_t b, uint64_t c) {                                   \
    uint64_t r;                                                                                \
    double x = D(a), y = D(b);                                                                 \
    (void)c;                                                                                   \
    __asm__ volatile(insn " %d1, %d2\n\tmrs %0, nzcv" : "=r"(r) : "w"(x), "w"(y) : "cc");      \
    return r;                                                                                  \
  }
#define CMP0(name, insn)                                                                 \
  static uint64_t name(uint64_t a, uint64_t b, uint64_t c) {                             \
    uint64_t r;                                                                          \
    double x = D(a);                                                                     \
    (void)b;                                                                             \
    (void)c;                                                                             \
    __asm__ volatile(insn " %d1, #0.0\n\tmrs %0, nzcv" : "=r"(r) : "w"(x) : "cc");       \
    return r;                                                                            \
  }
#define FROM(name, insn, reg)                                          \
  static uint64_t name(uint64_t a, uint64_t b, uint64_t c) {           \
    double r;                                                          \
    (void)b;                                                           \
    (void)c;                                                           \
    __asm__ volatile(insn " %d0, %" reg "1" : "=w"(r) : "r"(a));       \
    return B(r);                                                       \
  }
#define TO(name, insn, reg)                                            \
  static uint64_t name(uint64_t a, uint64_t b, uint64_t c) {           \
    uint64_t r;                                                        \
    double x = D(a);                                                   \
    (void)b;                                                           \
    (void)c;                                                           \
    __asm__ volatile(insn " %" reg "0, %d1" : "=r"(r) : "w"(x));       \
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
  double r, x = D(a);
  (void)b;
  (void)c;
  __asm__ volatile("fsqrt %d0, %d1" : "=w"(r) : "w"(x));
  return B(r);
}

struct op {
  const char *name;
  op_fn fn;
  int arity;
  int integer; /* operands are integers (SCVTF/UCVTF) */
};

static const struct op OPS[] = {
    {"fadd", op_fadd, 2, 0},         {"fsub", op_fsub, 2, 0},         {"fmul", op_fmul, 2, 0},
    {"fnmul", op_fnmul, 2, 0},       {"fdiv", op_fdiv, 2, 0},         {"fsqrt", op_fsqrt, 1, 0},
    {"fmadd", op_fmadd, 3, 0},       {"fmsub", op_fmsub, 3, 0},       {"fnmadd", op_fnmadd, 3, 0},
    {"fnmsub", op_fnmsub, 3, 0},     {"fcmp", op_fcmp, 2, 0},         {"fcmpe", op_fcmpe, 2, 0},
    {"fcmp0", op_fcmp0, 1, 0},       {"fcmpe0", op_fcmpe0, 1, 0},     {"scvtf_x", op_scvtf_x, 1, 1},
    {"scvtf_w", op_scvtf_w, 1, 1},   {"ucvtf_x", op_ucvtf_x, 1, 1},   {"ucvtf_w", op_ucvtf_w, 1, 1},
    {"fcvtzs_x", op_fcvtzs_x, 1, 0}, {"fcvtzs_w", op_fcvtzs_w, 1, 0}, {"fcvtzu_x", op_fcvtzu_x, 1, 0},
    {"fcvtzu_w", op_fcvtzu_w, 1, 0},
};

static const uint64_t SPECIALS[] = {
    0x0000000000000000ull, /* +0 */
    0x8000000000000000ull, /* -0 */
    0x0000000000000001ull, /* smallest subnormal */
    0x800fffffffffffffull, /* largest subnormal, negative */
    0x0010000000000000ull, /* smallest normal */
    0x0010000000000001ull,
    0x3ff0000000000000ull, /* 1 */
    0xbff0000000000000ull, /* -1 */
    0x3fb999999999999aull, /* 0.1 */
    0x4008000000000000ull, /* 3 */
    0x3ff8000000000000ull, /* 1.5 */
    0xbfe0000000000000ull, /* -0.5 */
    0x4340000000000001ull, /* 2^53 + 2 */
    0x43e0000000000000ull, /* 2^63 */
    0xc3e0000000000000ull, /* -2^63 */
    0x41e0000000000000ull, /* 2^31 */
    0x41efffffffe00000ull, /* 2^32 - 1 */
    0x7fefffffffffffffull, /* largest finite */
    0xffefffffffffffffull,
    0x7fe0000000000000ull, /* 2^1023 */
    0x0370000000000000ull, /* about 2^-968 */
    0x7fc0000000000000ull, /* about 2^1021 */
    0x7ff0000000000000ull, /* +inf */
    0xfff0000000000000ull, /* -inf */
    0x7ff8000000000000ull, /* default NaN */
    0xfff8000000000123ull, /* quiet NaN with payload */
    0x7ff0000000000456ull, /* signalling NaN */
    0xfff4000000000001ull, /* signalling NaN, negative */
};
#define NSPECIALS (sizeof SPECIALS / sizeof SPECIALS[0])

static const uint64_t INTEGERS[] = {
    0,           1,           0xffffffffffffffffull, 0x7fffffffffffffffull, 0x8000000000000000ull,
    1ull << 53,  (1ull << 53) + 1, 0x0020000000000003ull, 0x00000000ffffffffull, 0x0000000080000000ull,
    0x7fffffff,  0xfffffffffffffc00ull, 12345,      0xfffffffffffffff9ull,
};
#define NINTEGERS (sizeof INTEGERS / sizeof INTEGERS[0])

/* RMode in bits 23:22, FZ bit 24, DN bit 25. */
static const uint64_t FPCRS[] = {0, 1u << 22, 2u << 22, 3u << 22, 1u << 24, 1u << 25, (1u << 24) | (1u << 25) | (1u << 22)};
#define NFPCRS (sizeof FPCRS / sizeof FPCRS[0])

/* A random double: raw bits, a modest value, or a small fraction that multiplies exactly. */
static uint64_t random_double(void) {
  uint64_t r = next_random();
  switch (r & 3) {
  case 0:
    return next_random();
  case 1: {
    double d = (double)(int64_t)(next_random() >> 20) / (double)(1 << (r >> 8 & 15));
    return B(d);
  }
  case 2:
    return B((double)(int32_t)(next_random() >> 40) / 8.0);
  default:
    return SPECIALS[(r >> 8) % NSPECIALS] ^ (next_random() & 0xf);
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
      if (op->integer) {
        for (size_t i = 0; i < NINTEGERS; i++) run(op, FPCRS[f], INTEGERS[i], 0, 0);
        for (int i = 0; i < 300; i++) run(op, FPCRS[f], random_integer(), 0, 0);
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
          uint64_t a = random_double(), b = random_double(), c = random_double();
          /* an addend that nearly cancels the product exercises the single rounding of FMADD */
          if (op->arity == 3 && (i & 1)) c = B(-(D(a) * D(b))) + (next_random() & 3);
          run(op, FPCRS[f], a, b, c);
        }
      }
      printf("%-9s fpcr %07llx %016llx\n", op->name, (unsigned long long)FPCRS[f], (unsigned long long)hash);
    }
  }
  return 0;
}
