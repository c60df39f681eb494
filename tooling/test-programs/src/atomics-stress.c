/*
 * Cross-thread atomics under stress: several threads increment shared counters with
 * load-exclusive/store-exclusive loops (32- and 64-bit, and a 64-bit pair), LSE LDADD and CAS
 * loops, and a pthread mutex, ending with exact sums; a pthread barrier crossed many times (a
 * futex wake storm); with "exit", one thread calls exit_group while the others spin and the
 * process must end with its status. Prints only deterministic results.
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
  printf("barrier crossed %ld times by %d threads\n", barrier_rounds, THREADS);
  return 0;
}
