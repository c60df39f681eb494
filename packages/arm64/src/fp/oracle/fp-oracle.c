/*
 * Runs single AArch64 floating-point instructions on given bit patterns under a given FPCR and
 * prints the result bits and the FPSR they raised. Built for aarch64 and run under
 * qemu-aarch64-static, it is the oracle the unit tests of src/fp compare against.
 *
 * stdin:  one case per line: "<op> <fpcr> <a> <b> <c>" (numbers in hex)
 * stdout: one line per case: "<result> <fpsr>" (hex); fcmp ops return NZCV in bits 31..28.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef uint64_t (*opfn)(uint64_t, uint64_t, uint64_t);

#define PRE "msr fpcr, %[cr]\n msr fpsr, xzr\n"
#define POST "mrs %[sr], fpsr\n msr fpcr, xzr\n"
static uint64_t cr, sr;

/* Two-operand arithmetic: d/s registers, result moved out bit-exactly. */
#define BIN(name, insn, R, G)                                                              \
  static uint64_t name(uint64_t a, uint64_t b, uint64_t c) {                              \
    uint64_t r;                                                                            \
    (void)c;                                                                               \
    __asm__ volatile(PRE "fmov " #R "0, %" G "[a]\n fmov " #R "1, %" G "[b]\n" insn " " #R \
                     "2, " #R "0, " #R "1\n fmov %" G "[r], " #R "2\n" POST                \
                     : [r] "=&r"(r), [sr] "=&r"(sr)                                        \
                     : [cr] "r"(cr), [a] "r"(a), [b] "r"(b)                                \
                     : "v0", "v1", "v2", "memory");                                        \
    return r;                                                                              \
  }
#define UN(name, insn, R, G)                                                                      \
  static uint64_t name(uint64_t a, uint64_t b, uint64_t c) {                                     \
    uint64_t r;                                                                                   \
    (void)b;                                                                                      \
    (void)c;                                                                                      \
    __asm__ volatile(PRE "fmov " #R "0, %" G "[a]\n" insn " " #R "2, " #R "0\n fmov %" G "[r], " #R \
                     "2\n" POST                                                                   \
                     : [r] "=&r"(r), [sr] "=&r"(sr)                                               \
                     : [cr] "r"(cr), [a] "r"(a)                                                   \
                     : "v0", "v2", "memory");                                                     \
    return r;                                                                                     \
  }
#define TERN(name, insn, R, G)                                                                 \
  static uint64_t name(uint64_t a, uint64_t b, uint64_t c) {                                  \
    uint64_t r;                                                                                \
    __asm__ volatile(PRE "fmov " #R "0, %" G "[a]\n fmov " #R "1, %" G "[b]\n fmov " #R       \
                     "3, %" G "[c]\n" insn " " #R "2, " #R "0, " #R "1, " #R "3\n fmov %" G     \
                     "[r], " #R "2\n" POST                                                     \
                     : [r] "=&r"(r), [sr] "=&r"(sr)                                            \
                     : [cr] "r"(cr), [a] "r"(a), [b] "r"(b), [c] "r"(c)                        \
                     : "v0", "v1", "v2", "v3", "memory");                                      \
    return r;                                                                                  \
  }
#define CMP(name, insn, R, G)                                                               \
  static uint64_t name(uint64_t a, uint64_t b, uint64_t c) {                               \
    uint64_t r;                                                                             \
    (void)c;                                                                                \
    __asm__ volatile(PRE "fmov " #R "0, %" G "[a]\n fmov " #R "1, %" G "[b]\n" insn " " #R  \
                     "0, " #R "1\n mrs %[r], nzcv\n" POST                                   \
                     : [r] "=&r"(r), [sr] "=&r"(sr)                                         \
                     : [cr] "r"(cr), [a] "r"(a), [b] "r"(b)                                 \
                     : "v0", "v1", "memory", "cc");                                         \
    return r;                                                                               \
  }
/* FP register (R) to FP register (D) of another size; a and the result are zero-extended bits. */
#define CVT(name, insn, D, R)                                                                    \
  static uint64_t name(uint64_t a, uint64_t b, uint64_t c) {                                    \
    uint64_t r;                                                                                  \
    (void)b;                                                                                     \
    (void)c;                                                                                     \
    __asm__ volatile(PRE "fmov d0, %[a]\n" insn " " #D "2, " #R "0\n movi d3, #0\n mov v3.16b, v2.16b\n" \
                     " fmov %[r], d3\n" POST                                                     \
                     : [r] "=&r"(r), [sr] "=&r"(sr)                                              \
                     : [cr] "r"(cr), [a] "r"(a)                                                  \
                     : "v0", "v2", "v3", "memory");                                              \
    return r;                                                                                    \
  }
/* General register (G) to FP register (R). */
#define ITOF(name, insn, R, G, FG)                                                         \
  static uint64_t name(uint64_t a, uint64_t b, uint64_t c) {                              \
    uint64_t r;                                                                            \
    (void)b;                                                                               \
    (void)c;                                                                               \
    __asm__ volatile(PRE insn " " #R "2, %" G "[a]\n fmov %" FG "[r], " #R "2\n" POST       \
                     : [r] "=&r"(r), [sr] "=&r"(sr)                                        \
                     : [cr] "r"(cr), [a] "r"(a)                                            \
                     : "v2", "memory");                                                    \
    return r;                                                                              \
  }
/* FP register (R, loaded from general FG) to general register (G). */
#define FTOI(name, insn, R, FG, G)                                                        \
  static uint64_t name(uint64_t a, uint64_t b, uint64_t c) {                             \
    uint64_t r = 0;                                                                       \
    (void)b;                                                                              \
    (void)c;                                                                              \
    __asm__ volatile(PRE "fmov " #R "0, %" FG "[a]\n" insn " %" G "[r], " #R "0\n" POST   \
                     : [r] "+&r"(r), [sr] "=&r"(sr)                                       \
                     : [cr] "r"(cr), [a] "r"(a)                                           \
                     : "v0", "memory");                                                   \
    return r;                                                                             \
  }

#define BOTH(M, name, insn) M(name##_d, insn, d, "x") M(name##_s, insn, s, "w")
BOTH(BIN, fadd, "fadd")
BOTH(BIN, fsub, "fsub")
BOTH(BIN, fmul, "fmul")
BOTH(BIN, fdiv, "fdiv")
BOTH(BIN, fmax, "fmax")
BOTH(BIN, fmin, "fmin")
BOTH(BIN, fmaxnm, "fmaxnm")
BOTH(BIN, fminnm, "fminnm")
BOTH(BIN, fmulx, "fmulx")
BOTH(BIN, fabd, "fabd")
BOTH(UN, fsqrt, "fsqrt")
BOTH(UN, frintn, "frintn")
BOTH(UN, frinta, "frinta")
BOTH(UN, frintm, "frintm")
BOTH(UN, frintp, "frintp")
BOTH(UN, frintz, "frintz")
BOTH(UN, frintx, "frintx")
BOTH(UN, frinti, "frinti")
BOTH(UN, fabs, "fabs")
BOTH(UN, fneg, "fneg")
BOTH(TERN, fmadd, "fmadd")
BOTH(TERN, fmsub, "fmsub")
BOTH(TERN, fnmadd, "fnmadd")
BOTH(TERN, fnmsub, "fnmsub")
BOTH(CMP, fcmp, "fcmp")
BOTH(CMP, fcmpe, "fcmpe")
CVT(fcvt_ds, "fcvt", d, s)
CVT(fcvt_sd, "fcvt", s, d)
CVT(fcvt_hs, "fcvt", h, s)
CVT(fcvt_sh, "fcvt", s, h)
CVT(fcvt_hd, "fcvt", h, d)
CVT(fcvt_dh, "fcvt", d, h)
CVT(fcvtxn, "fcvtxn", s, d)
ITOF(scvtf_dx, "scvtf", d, "x", "x")
ITOF(scvtf_dw, "scvtf", d, "w", "x")
ITOF(ucvtf_dx, "ucvtf", d, "x", "x")
ITOF(ucvtf_dw, "ucvtf", d, "w", "x")
ITOF(scvtf_sx, "scvtf", s, "x", "w")
ITOF(scvtf_sw, "scvtf", s, "w", "w")
ITOF(ucvtf_sx, "ucvtf", s, "x", "w")
ITOF(ucvtf_sw, "ucvtf", s, "w", "w")
#define FTOI_ALL(k)                                 \
  FTOI(fcvt##k##s_xd, "fcvt" #k "s", d, "x", "x")  \
  FTOI(fcvt##k##u_xd, "fcvt" #k "u", d, "x", "x")  \
  FTOI(fcvt##k##s_wd, "fcvt" #k "s", d, "x", "w")  \
  FTOI(fcvt##k##u_wd, "fcvt" #k "u", d, "x", "w")  \
  FTOI(fcvt##k##s_xs, "fcvt" #k "s", s, "w", "x")  \
  FTOI(fcvt##k##u_xs, "fcvt" #k "u", s, "w", "x")  \
  FTOI(fcvt##k##s_ws, "fcvt" #k "s", s, "w", "w")  \
  FTOI(fcvt##k##u_ws, "fcvt" #k "u", s, "w", "w")
FTOI_ALL(z)
FTOI_ALL(n)
FTOI_ALL(a)
FTOI_ALL(m)
FTOI_ALL(p)

struct entry {
  const char *name;
  opfn fn;
};
#define E2(n) {#n "_d", n##_d}, {#n "_s", n##_s},
#define EI(k)                                                                                \
  {"fcvt" #k "s_xd", fcvt##k##s_xd}, {"fcvt" #k "u_xd", fcvt##k##u_xd},                      \
      {"fcvt" #k "s_wd", fcvt##k##s_wd}, {"fcvt" #k "u_wd", fcvt##k##u_wd},                  \
      {"fcvt" #k "s_xs", fcvt##k##s_xs}, {"fcvt" #k "u_xs", fcvt##k##u_xs},                  \
      {"fcvt" #k "s_ws", fcvt##k##s_ws}, {"fcvt" #k "u_ws", fcvt##k##u_ws},
static const struct entry table[] = {
    E2(fadd) E2(fsub) E2(fmul) E2(fdiv) E2(fmax) E2(fmin) E2(fmaxnm) E2(fminnm) E2(fmulx) E2(fabd)
    E2(fsqrt) E2(frintn) E2(frinta) E2(frintm) E2(frintp) E2(frintz) E2(frintx) E2(frinti)
    E2(fabs) E2(fneg) E2(fmadd) E2(fmsub) E2(fnmadd) E2(fnmsub) E2(fcmp) E2(fcmpe)
    {"fcvt_ds", fcvt_ds}, {"fcvt_sd", fcvt_sd}, {"fcvt_hs", fcvt_hs}, {"fcvt_sh", fcvt_sh},
    {"fcvt_hd", fcvt_hd}, {"fcvt_dh", fcvt_dh}, {"fcvtxn", fcvtxn},
    {"scvtf_dx", scvtf_dx}, {"scvtf_dw", scvtf_dw}, {"ucvtf_dx", ucvtf_dx}, {"ucvtf_dw", ucvtf_dw},
    {"scvtf_sx", scvtf_sx}, {"scvtf_sw", scvtf_sw}, {"ucvtf_sx", ucvtf_sx}, {"ucvtf_sw", ucvtf_sw},
    EI(z) EI(n) EI(a) EI(m) EI(p)
};

int main(void) {
  char op[32];
  unsigned long long fpcr, a, b, c;
  while (scanf("%31s %llx %llx %llx %llx", op, &fpcr, &a, &b, &c) == 5) {
    opfn fn = 0;
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
      if (strcmp(table[i].name, op) == 0) fn = table[i].fn;
    if (!fn) {
      printf("unknown %s\n", op);
      continue;
    }
    cr = fpcr;
    uint64_t r = fn(a, b, c);
    printf("%llx %llx\n", (unsigned long long)r, (unsigned long long)sr);
  }
  return 0;
}
