/*
 * Encoding sweep: generates every encoding of the integer data-processing classes whose operand
 * fields are immediates or selectors (every bitmask immediate, every bitfield immr/imms pair, every
 * shift amount, extend option, condition and nzcv value), writes them into executable memory, and
 * runs them over several operand sets. Each class prints one hash of results and NZCV.
 * Usage: encodings [SEED]
 *
 * Register convention inside generated code: X1, X3 operands, X0 result (reset from X5 before
 * each instruction so BFM/MOVK see a known destination), X4 NZCV input, X2 accumulator, X9 scratch.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define CODE_BYTES (4u << 20)
static uint32_t *code;
static size_t count;

static void emit(uint32_t insn) { code[count++] = insn; }

enum { READS_FLAGS = 1, SETS_FLAGS = 2 };

/* One instruction under test and the fold of its result (and flags, when it sets them). */
static void emit_flagged(uint32_t insn, int flags) {
  if (flags & READS_FLAGS) emit(0xd51b4204); /* msr nzcv, x4 */
  emit(0xaa0503e0);                          /* mov x0, x5 */
  emit(insn);
  if (flags & SETS_FLAGS) {
    emit(0xd53b4209); /* mrs x9, nzcv */
    emit(0x8b090042); /* add x2, x2, x9 */
  }
  emit(0xca401c42); /* eor x2, x2, x0, ror #7 */
}

static void emit_test(uint32_t insn) { emit_flagged(insn, READS_FLAGS | SETS_FLAGS); }

typedef uint64_t (*sweep_fn)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

static uint64_t hash = 0xcbf29ce484222325ull;
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

static uint64_t operands[][2] = {
    {0, 0},
    {1, 0xffffffffffffffffull},
    {0x7fffffffffffffffull, 1},
    {0x8000000000000000ull, 0x8000000000000000ull},
    {0x00000000ffffffffull, 0x0000000080000000ull},
    {0x123456789abcdef0ull, 0x0fedcba987654321ull},
    {0, 0}, /* seeded random */
    {0, 0},
};
#define NOPS (sizeof operands / sizeof operands[0])

/* Runs what has been emitted since the last flush for every operand set and NZCV value. */
static void run(const char *name) {
  emit(0xaa0203e0); /* mov x0, x2 */
  emit(0xd65f03c0); /* ret */
  __builtin___clear_cache((char *)code, (char *)(code + count));
  sweep_fn fn = (sweep_fn)(uintptr_t)code;
  for (size_t i = 0; i < NOPS; i++) {
    uint64_t nzcv = (uint64_t)(i * 5 & 15) << 28;
    mix(fn(0, operands[i][0], 0, operands[i][1], nzcv, operands[i][1] ^ 0x5555aaaa5555aaaaull));
  }
  printf("%-8s %5zu %016llx\n", name, count, (unsigned long long)hash);
  hash = 0xcbf29ce484222325ull;
  count = 0;
}

/* DecodeBitMasks' reserved cases, as the Arm ARM defines them. */
static int valid_bitmask(int sf, int n, int imms) {
  if (!sf && n) return 0;
  int combined = (n << 6) | (~imms & 0x3f);
  if (combined == 0) return 0;
  int len = 31 - __builtin_clz((unsigned)combined);
  if (len < 1) return 0;
  int levels = (1 << len) - 1;
  return (imms & levels) != levels;
}

static void logical_immediate(void) {
  for (int sf = 0; sf < 2; sf++)
    for (int opc = 0; opc < 4; opc++)
      for (int n = 0; n < 2; n++)
        for (int immr = 0; immr < 64; immr++)
          for (int imms = 0; imms < 64; imms++) {
            if (!valid_bitmask(sf, n, imms)) continue; /* immr<5> is ignored by 32-bit forms */
            emit_flagged((uint32_t)sf << 31 | (uint32_t)opc << 29 | 0x12000000u | n << 22 | immr << 16 |
                             imms << 10 | 1 << 5 | 0,
                         opc == 3 ? SETS_FLAGS : 0);
          }
  run("logimm");
}

static void bitfield(void) {
  for (int sf = 0; sf < 2; sf++)
    for (int opc = 0; opc < 3; opc++) {
      int width = sf ? 64 : 32;
      for (int immr = 0; immr < width; immr++)
        for (int imms = 0; imms < width; imms++)
          emit_flagged((uint32_t)sf << 31 | (uint32_t)opc << 29 | 0x13000000u | sf << 22 | immr << 16 |
                           imms << 10 | 1 << 5 | 0,
                       0);
    }
  run("bitfld");
  for (int sf = 0; sf < 2; sf++)
    for (int imms = 0; imms < (sf ? 64 : 32); imms++)
      emit_flagged((uint32_t)sf << 31 | 0x13800000u | sf << 22 | 3 << 16 | imms << 10 | 1 << 5 | 0, 0);
  run("extr");
}

static void add_sub(void) {
  for (int sf = 0; sf < 2; sf++)
    for (int op = 0; op < 4; op++) {
      for (int shift = 0; shift < 3; shift++)
        for (int amount = 0; amount < (sf ? 64 : 32); amount++)
          emit_test((uint32_t)sf << 31 | (uint32_t)op << 29 | 0x0b000000u | shift << 22 | 3 << 16 | amount << 10 |
                    1 << 5 | 0);
      for (int option = 0; option < 8; option++)
        for (int imm3 = 0; imm3 <= 4; imm3++)
          emit_test((uint32_t)sf << 31 | (uint32_t)op << 29 | 0x0b200000u | 3 << 16 | option << 13 | imm3 << 10 |
                    1 << 5 | 0);
      for (int sh = 0; sh < 2; sh++)
        for (int k = 0; k < 24; k++) {
          uint32_t imm12 = k < 12 ? 1u << k : (uint32_t)(next_random() & 0xfff);
          emit_test((uint32_t)sf << 31 | (uint32_t)op << 29 | 0x11000000u | sh << 22 | imm12 << 10 | 1 << 5 | 0);
        }
      emit_test((uint32_t)sf << 31 | (uint32_t)op << 29 | 0x1a000000u | 3 << 16 | 1 << 5 | 0); /* adc/sbc */
    }
  run("addsub");
}

static void logical_shifted(void) {
  for (int sf = 0; sf < 2; sf++)
    for (int opc = 0; opc < 4; opc++)
      for (int n = 0; n < 2; n++)
        for (int shift = 0; shift < 4; shift++)
          for (int amount = 0; amount < (sf ? 64 : 32); amount++)
            emit_flagged((uint32_t)sf << 31 | (uint32_t)opc << 29 | 0x0a000000u | shift << 22 | n << 21 |
                             3 << 16 | amount << 10 | 1 << 5 | 0,
                         opc == 3 ? SETS_FLAGS : 0);
  run("logsh");
}

static void conditional(void) {
  for (int sf = 0; sf < 2; sf++)
    for (int cond = 0; cond < 16; cond++) {
      for (int op = 0; op < 4; op++) /* csel csinc csinv csneg */
        emit_test((uint32_t)sf << 31 | (uint32_t)(op >> 1) << 30 | 0x1a800000u | 3 << 16 | cond << 12 |
                  (op & 1) << 10 | 1 << 5 | 0);
      for (int op = 0; op < 2; op++) /* ccmn ccmp */
        for (int imm = 0; imm < 2; imm++)
          for (int nzcv = 0; nzcv < 16; nzcv++)
            emit_test((uint32_t)sf << 31 | (uint32_t)op << 30 | 0x3a400000u | (imm ? (nzcv * 2 + 1) & 31 : 3) << 16 |
                      cond << 12 | imm << 11 | 1 << 5 | nzcv);
    }
  run("cond");
}

static void move_wide(void) {
  for (int sf = 0; sf < 2; sf++)
    for (int opc = 0; opc < 4; opc++) {
      if (opc == 1) continue;
      for (int hw = 0; hw < (sf ? 4 : 2); hw++)
        for (int k = 0; k < 8; k++)
          emit_test((uint32_t)sf << 31 | (uint32_t)opc << 29 | 0x12800000u | hw << 21 |
                    (uint32_t)(next_random() & 0xffff) << 5 | 0);
    }
  run("movw");
}

static void data_processing_reg(void) {
  static const int two_source[] = {2, 3, 8, 9, 10, 11};
  static const int one_source[] = {0, 1, 2, 3, 4, 5};
  for (int sf = 0; sf < 2; sf++) {
    for (int i = 0; i < 6; i++)
      emit_test((uint32_t)sf << 31 | 0x1ac00000u | 3 << 16 | two_source[i] << 10 | 1 << 5 | 0);
    for (int i = 0; i < 6; i++) {
      if (!sf && one_source[i] == 3) continue;
      emit_test((uint32_t)sf << 31 | 0x5ac00000u | one_source[i] << 10 | 1 << 5 | 0);
    }
    for (int o0 = 0; o0 < 2; o0++) /* madd msub */
      emit_test((uint32_t)sf << 31 | 0x1b000000u | 3 << 16 | o0 << 15 | 5 << 10 | 1 << 5 | 0);
  }
  static const int long_ops[] = {0x1, 0x2, 0x5, 0x6}; /* op31: smaddl/smsubl, smulh, umaddl/umsubl, umulh */
  for (int i = 0; i < 4; i++)
    for (int o0 = 0; o0 < 2; o0++) {
      if ((long_ops[i] & 3) == 2 && o0) continue;
      emit_test(0x9b000000u | long_ops[i] << 21 | 3 << 16 | o0 << 15 | ((long_ops[i] & 3) == 2 ? 31 : 5) << 10 |
                1 << 5 | 0);
    }
  run("dpreg");
}

int main(int argc, char **argv) {
  uint64_t seed = argc > 1 ? strtoull(argv[1], NULL, 0) : 1;
  rng_state ^= seed * 0x2545f4914f6cdd1dull;
  operands[6][0] = next_random();
  operands[6][1] = next_random();
  operands[7][0] = next_random() >> 32;
  operands[7][1] = next_random() | 1ull << 63;
  code = mmap(NULL, CODE_BYTES, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (code == MAP_FAILED) {
    perror("mmap");
    return 1;
  }
  logical_immediate();
  bitfield();
  add_sub();
  logical_shifted();
  conditional();
  move_wide();
  data_processing_reg();
  return 0;
}
