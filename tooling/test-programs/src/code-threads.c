/*
 * Code one thread writes and another runs, as a JIT with a compiler thread does. Each round the
 * writer makes a new version of a function returning the round's number and publishes it; the
 * caller waits for it, issues ISB (the instruction barrier the architecture asks of the thread
 * that runs new code) and calls it. Two ways of making a version:
 * - in place: the same page, rewritten and cleaned with __builtin___clear_cache (IC IVAU);
 * - remapped: a fresh page each round, written, made read-execute and cleaned, which the kernel
 *   places where the last round's page was unmapped.
 * Every call must return the round it was told of. Usage: code-threads [ROUNDS]
 * (apps/cli/test/cpu-workers.test.ts runs it with the two threads on two host threads.)
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

typedef long (*version_fn)(void);

/* mov x0, #k; ret */
static void write_version(uint32_t *code, long k) {
  code[0] = 0xd2800000u | ((uint32_t)k << 5);
  code[1] = 0xd65f03c0u;
  __builtin___clear_cache((char *)code, (char *)code + 8);
}

static long rounds;
static uint32_t *volatile current;
static volatile long published, taken;
static long stale, first_stale = -1, last_got;

static void wait_until(volatile long *word, long value) {
  while (__atomic_load_n(word, __ATOMIC_ACQUIRE) != value) {
  }
}

static void publish(uint32_t *code, long k) {
  current = code;
  __atomic_store_n(&published, k, __ATOMIC_RELEASE);
}

/* The caller: runs each version once it is published. */
static void *caller(void *unused) {
  (void)unused;
  for (long k = 1; k <= rounds; k++) {
    wait_until(&published, k);
    __asm__ volatile("isb" ::: "memory");
    long got = ((version_fn)current)();
    last_got = got;
    if (got != k) {
      stale++;
      if (first_stale < 0) first_stale = k;
    }
    __atomic_store_n(&taken, k, __ATOMIC_RELEASE);
  }
  return NULL;
}

static void report(const char *how, long last) {
  printf("%s: %ld rounds, %ld stale (first at %ld), last call %ld\n", how, rounds, stale, first_stale, last);
  stale = 0;
  first_stale = -1;
  published = 0;
  taken = 0;
}

static void in_place(void) {
  uint32_t *code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (code == MAP_FAILED) exit(1);
  write_version(code, 0);
  ((version_fn)code)(); /* lifted once before the other thread starts */
  pthread_t t;
  pthread_create(&t, NULL, caller, NULL);
  for (long k = 1; k <= rounds; k++) {
    wait_until(&taken, k - 1);
    write_version(code, k);
    publish(code, k);
  }
  pthread_join(t, NULL);
  report("in place", ((version_fn)code)());
  munmap(code, 4096);
}

static void remapped(void) {
  pthread_t t;
  pthread_create(&t, NULL, caller, NULL);
  for (long k = 1; k <= rounds; k++) {
    uint32_t *code = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (code == MAP_FAILED) exit(1);
    code[0] = 0xd2800000u | ((uint32_t)k << 5);
    code[1] = 0xd65f03c0u;
    mprotect(code, 4096, PROT_READ | PROT_EXEC);
    __builtin___clear_cache((char *)code, (char *)code + 8);
    publish(code, k);
    wait_until(&taken, k);
    munmap(code, 4096);
  }
  pthread_join(t, NULL);
  report("remapped", last_got);
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  rounds = argc > 1 ? atol(argv[1]) : 200;
  in_place();
  remapped();
  return 0;
}
