/*
 * Reserved and undefined encodings: `reserved N` executes the Nth word below, which the architecture
 * leaves unallocated (or which EL0 may not execute), so the program must die of SIGILL (or SIGTRAP
 * for BRK) exactly where qemu-aarch64-static says. Without an argument it lists the words and exits 0.
 */
#include <stdio.h>
#include <stdlib.h>

#define WORDS(X)                                                                          \
  X(0x00000000, "UDF #0")                                                                 \
  X(0x8b201400, "ADD (extended register) with imm3 = 5")                                  \
  X(0x12400000, "AND (immediate), 32-bit with N = 1")                                     \
  X(0x9240fc00, "AND (immediate) with an all-ones element")                               \
  X(0x52c00000, "MOVZ, 32-bit with hw = 2")                                               \
  X(0x93000000, "SBFM, 64-bit with N = 0")                                                \
  X(0x13808000, "EXTR, 32-bit with imms = 32")                                            \
  X(0x8bc00000, "ADD (shifted register) with shift = 11")                                 \
  X(0x0b008000, "ADD (shifted register), 32-bit with imm6 = 32")                          \
  X(0xf8600800, "LDR (register) with option = 000")                                       \
  X(0xd5381000, "MRS of SCTLR_EL1 at EL0")                                                \
  X(0xdc000000, "LDR (literal, SIMD&FP) with opc = 11")                                   \
  X(0x5ac00c00, "REV, 32-bit with opc = 11")                                              \
  X(0xd4000002, "HVC at EL0")                                                             \
  X(0x48217c00, "CASP with an odd register")                                              \
  X(0xd4200000, "BRK #0")

#define ENTRY(word, what) {word, what},
static const struct {
  unsigned word;
  const char *what;
} words[] = {WORDS(ENTRY)};
#define COUNT (int)(sizeof words / sizeof words[0])

#define CASE(word, what) \
  case __COUNTER__ - base: \
    __asm__ volatile(".inst " #word); \
    break;

int main(int argc, char **argv) {
  if (argc < 2) {
    for (int i = 0; i < COUNT; i++) printf("%2d %08x %s\n", i, words[i].word, words[i].what);
    return 0;
  }
  int n = atoi(argv[1]);
  if (n < 0 || n >= COUNT) return 2;
  printf("executing %08x (%s)\n", words[n].word, words[n].what);
  fflush(stdout);
  enum { base = __COUNTER__ + 1 };
  switch (n) { WORDS(CASE) }
  printf("still alive\n");
  return 1;
}
