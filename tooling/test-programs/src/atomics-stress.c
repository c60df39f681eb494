/*
 * Cross-thread atomics under stress: several threads increment shared counters with
 * load-exclusive/store-exclusive loops (32- and 64-bit, and a 64-bit pair), LSE LDADD and CAS
 * loops, and a pthread mutex, ending with exact sums; atomic or, and, xor, exchange, unsigned
 * maximum and signed minimum with results known in advance; a pthread barrier crossed many times (a
 * futex wake storm); with "exit", one thread calls exit_group while the others spin and the
 * process must end with its status. Prints only deterministic results. AArch64 and RISC-V
 * (RV64A: LR/SC and AMOs) each have their own instructions for the same loops.
 * Usage: atomics-stress [ROUNDS] | atomics-stress exit
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define THREADS 4

static long rounds = 20000;
static uint32_t excl32;
static uint64_t excl64;
static uint64_t pair[2] __attribute__((aligned(16)));
static uint64_t lse64;
static uint32_t lse32;
static uint64_t cas64;
static uint16_t excl16;
static long mutex_counter;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t barrier;
static long barrier_rounds;
static uint64_t or_bits, and_bits = ~(uint64_t)0, xor_bits, swap_slot, swapped_sum, max64;
static int32_t min32;

#if defined(__aarch64__)
static void add_excl32(uint32_t *p, uint32_t n) {
  uint32_t v, failed;
  __asm__ volatile("1: ldxr %w0, [%2]\n add %w0, %w0, %w3\n stxr %w1, %w0, [%2]\n cbnz %w1, 1b"
                   : "=&r"(v), "=&r"(failed)
                   : "r"(p), "r"(n)
                   : "memory");
}

static void add_excl64(uint64_t *p) {
  uint64_t v;
  uint32_t failed;
  __asm__ volatile("1: ldaxr %0, [%2]\n add %0, %0, #1\n stlxr %w1, %0, [%2]\n cbnz %w1, 1b"
                   : "=&r"(v), "=&r"(failed)
                   : "r"(p)
                   : "memory");
}

static void add_excl16(uint16_t *p) {
  uint32_t v, failed;
  __asm__ volatile("1: ldxrh %w0, [%2]\n add %w0, %w0, #1\n stxrh %w1, %w0, [%2]\n cbnz %w1, 1b"
                   : "=&r"(v), "=&r"(failed)
                   : "r"(p)
                   : "memory");
}

/* Both halves of a 16-byte pair move together: the low one by 1, the high one by 3. */
static void add_pair(uint64_t *p) {
  uint64_t lo, hi;
  uint32_t failed;
  __asm__ volatile("1: ldaxp %0, %1, [%3]\n add %0, %0, #1\n add %1, %1, #3\n"
                   " stlxp %w2, %0, %1, [%3]\n cbnz %w2, 1b"
                   : "=&r"(lo), "=&r"(hi), "=&r"(failed)
                   : "r"(p)
                   : "memory");
}

static void ldadd64(uint64_t *p, uint64_t n) {
  uint64_t old;
  __asm__ volatile(".arch armv8.1-a\n ldaddal %1, %0, [%2]" : "=r"(old) : "r"(n), "r"(p) : "memory");
}

static void ldadd32(uint32_t *p, uint32_t n) {
  uint32_t old;
  __asm__ volatile(".arch armv8.1-a\n ldadd %w1, %w0, [%2]" : "=r"(old) : "r"(n), "r"(p) : "memory");
}

/* Increment through a compare-and-swap loop. */
static void cas_add(uint64_t *p) {
  uint64_t seen = __atomic_load_n(p, __ATOMIC_RELAXED);
  for (;;) {
    uint64_t expected = seen, desired = seen + 1;
    __asm__ volatile(".arch armv8.1-a\n casal %0, %2, [%1]" : "+r"(expected) : "r"(p), "r"(desired) : "memory");
    if (expected == seen) return;
    seen = expected;
  }
}

static void max_u64(uint64_t *p, uint64_t v) {
  uint64_t seen = __atomic_load_n(p, __ATOMIC_RELAXED);
  while (seen < v && !__atomic_compare_exchange_n(p, &seen, v, 0, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED)) {
  }
}

static void min_s32(int32_t *p, int32_t v) {
  int32_t seen = __atomic_load_n(p, __ATOMIC_RELAXED);
  while (seen > v && !__atomic_compare_exchange_n(p, &seen, v, 0, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED)) {
  }
}
#elif defined(__riscv)
/* The same loops in RV64A: LR/SC where AArch64 has exclusives, AMOs where it has LSE. */
static void add_excl32(uint32_t *p, uint32_t n) {
  uint32_t v, failed;
  __asm__ volatile("1: lr.w %0, (%2)\n addw %0, %0, %3\n sc.w %1, %0, (%2)\n bnez %1, 1b"
                   : "=&r"(v), "=&r"(failed)
                   : "r"(p), "r"(n)
                   : "memory");
}

static void add_excl64(uint64_t *p) {
  uint64_t v, failed;
  __asm__ volatile("1: lr.d.aq %0, (%2)\n addi %0, %0, 1\n sc.d.rl %1, %0, (%2)\n bnez %1, 1b"
                   : "=&r"(v), "=&r"(failed)
                   : "r"(p)
                   : "memory");
}

/* RV64A has no 16-bit LR/SC: the halfword changes inside its aligned word, as compilers do it. */
static void add_excl16(uint16_t *p) {
  uintptr_t a = (uintptr_t)p;
  uint32_t *word = (uint32_t *)(a & ~(uintptr_t)3);
  unsigned shift = (unsigned)(a & 3) * 8;
  uint64_t mask = (uint64_t)0xffff << shift, one = (uint64_t)1 << shift;
  uint64_t old, merged, failed;
  __asm__ volatile("1: lr.w %0, (%3)\n add %1, %0, %4\n xor %1, %1, %0\n and %1, %1, %5\n"
                   " xor %1, %1, %0\n sc.w %2, %1, (%3)\n bnez %2, 1b"
                   : "=&r"(old), "=&r"(merged), "=&r"(failed)
                   : "r"(word), "r"(one), "r"(mask)
                   : "memory");
}

/* RV64A has no 16-byte exclusive pair: each half moves by its own AMO. */
static void add_pair(uint64_t *p) {
  __asm__ volatile("amoadd.d zero, %1, (%0)\n amoadd.d.aqrl zero, %3, (%2)"
                   :
                   : "r"(p), "r"((uint64_t)1), "r"(p + 1), "r"((uint64_t)3)
                   : "memory");
}

static void ldadd64(uint64_t *p, uint64_t n) {
  uint64_t old;
  __asm__ volatile("amoadd.d.aqrl %0, %1, (%2)" : "=r"(old) : "r"(n), "r"(p) : "memory");
}

static void ldadd32(uint32_t *p, uint32_t n) {
  uint32_t old;
  __asm__ volatile("amoadd.w %0, %1, (%2)" : "=r"(old) : "r"(n), "r"(p) : "memory");
}

/* Increment through a compare-and-swap loop, the compare-and-swap being LR, compare, SC. */
static void cas_add(uint64_t *p) {
  uint64_t seen = __atomic_load_n(p, __ATOMIC_RELAXED);
  for (;;) {
    uint64_t old, failed;
    __asm__ volatile("1: lr.d.aqrl %0, (%2)\n bne %0, %3, 2f\n sc.d.rl %1, %4, (%2)\n bnez %1, 1b\n2:"
                     : "=&r"(old), "=&r"(failed)
                     : "r"(p), "r"(seen), "r"(seen + 1)
                     : "memory");
    if (old == seen) return;
    seen = old;
  }
}

/* The AMOs glibc's builtins do not reach: unsigned maximum (64-bit) and signed minimum (32-bit). */
static void max_u64(uint64_t *p, uint64_t v) {
  uint64_t old;
  __asm__ volatile("amomaxu.d %0, %1, (%2)" : "=r"(old) : "r"(v), "r"(p) : "memory");
}

static void min_s32(int32_t *p, int32_t v) {
  int32_t old;
  __asm__ volatile("amomin.w.aq %0, %1, (%2)" : "=r"(old) : "r"(v), "r"(p) : "memory");
}
#else
#error "atomics-stress: no atomics for this architecture"
#endif

static uint64_t xor_value(long id, long i) { return (uint64_t)(i + 1) * 0x9e3779b97f4a7c15u + (uint64_t)id; }

static uint64_t token(long id, long i) { return (uint64_t)id * 1000003u + (uint64_t)i + 1; }

static void *worker(void *arg) {
  long id = (long)arg;
  for (long i = 0; i < rounds; i++) {
    add_excl32(&excl32, (uint32_t)id + 1);
    add_excl64(&excl64);
    add_excl16(&excl16);
    add_pair(pair);
    ldadd64(&lse64, 1);
    ldadd32(&lse32, 0x10001);
    cas_add(&cas64);
    uint64_t bit = (uint64_t)1 << ((id * 16 + i) % 64);
    __atomic_fetch_or(&or_bits, bit, __ATOMIC_RELAXED);
    /* The top 16 bits are never cleared: an AND that ignored its operand would clear them. */
    __atomic_fetch_and(&and_bits, ~((uint64_t)1 << ((id * 16 + i) % 48)), __ATOMIC_RELAXED);
    __atomic_fetch_xor(&xor_bits, xor_value(id, i), __ATOMIC_RELAXED);
    /* Tokens are conserved: every one put in is either taken out by a later exchange or left. */
    __atomic_fetch_add(&swapped_sum, __atomic_exchange_n(&swap_slot, token(id, i), __ATOMIC_ACQ_REL),
                       __ATOMIC_RELAXED);
    max_u64(&max64, (uint64_t)id * rounds + i);
    min_s32(&min32, -(int32_t)(id * rounds + i));
    if (i % 4 == 0) {
      pthread_mutex_lock(&lock);
      mutex_counter++;
      pthread_mutex_unlock(&lock);
    }
  }
  for (long i = 0; i < barrier_rounds; i++) pthread_barrier_wait(&barrier);
  return NULL;
}

static volatile int started;

static void *spinner(void *arg) {
  (void)arg;
  __atomic_add_fetch(&started, 1, __ATOMIC_SEQ_CST);
  for (;;) ldadd64(&lse64, 1);
  return NULL;
}

static int exit_while_spinning(void) {
  pthread_t t[THREADS];
  for (long i = 0; i < THREADS; i++) pthread_create(&t[i], NULL, spinner, (void *)i);
  while (__atomic_load_n(&started, __ATOMIC_SEQ_CST) < THREADS) sched_yield();
  printf("%d threads spinning; exit_group(3)\n", THREADS);
  fflush(stdout);
  _exit(3);
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "exit") == 0) return exit_while_spinning();
  if (argc > 1) rounds = atol(argv[1]);
  barrier_rounds = rounds / 20;
  pthread_barrier_init(&barrier, NULL, THREADS);
  pthread_t t[THREADS];
  for (long i = 0; i < THREADS; i++) pthread_create(&t[i], NULL, worker, (void *)i);
  for (long i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
  long n = rounds * THREADS;
  printf("excl32 %u (expected %ld)\n", excl32, rounds * (1 + 2 + 3 + 4));
  printf("excl64 %llu excl16 %u (expected %ld and %ld)\n", (unsigned long long)excl64, excl16, n,
         n & 0xffff);
  printf("pair %llu %llu (expected %ld %ld)\n", (unsigned long long)pair[0], (unsigned long long)pair[1], n,
         3 * n);
  printf("lse64 %llu lse32 0x%x cas64 %llu mutex %ld\n", (unsigned long long)lse64, lse32,
         (unsigned long long)cas64, mutex_counter);
  uint64_t xor_expected = 0, tokens = 0;
  for (long id = 0; id < THREADS; id++) {
    for (long i = 0; i < rounds; i++) {
      xor_expected ^= xor_value(id, i);
      tokens += token(id, i);
    }
  }
  printf("or 0x%llx and 0x%llx xor %s\n", (unsigned long long)or_bits, (unsigned long long)and_bits,
         xor_bits == xor_expected ? "as expected" : "wrong");
  printf("exchange conserved tokens: %s\n", swapped_sum + swap_slot == tokens ? "yes" : "no");
  printf("max %llu min %d\n", (unsigned long long)max64, min32);
  printf("barrier crossed %ld times by %d threads\n", barrier_rounds, THREADS);
  return 0;
}
