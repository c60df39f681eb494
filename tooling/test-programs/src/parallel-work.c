/*
 * CPU-bound work split among threads: UNITS units of integer work (a xorshift walk over a small
 * table each thread owns), done by THREADS threads that take units from a shared atomic counter.
 * No system calls while they work, so with threads on several host cores the run takes about
 * 1/THREADS of the one-thread time. Prints a checksum that does not depend on THREADS. Like
 * glibc's iconv set-up (gconv-modules.cache), it first maps a file read-only with MAP_SHARED.
 * Usage: parallel-work THREADS UNITS
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define MAX_THREADS 8
#define STEPS 200000

static long units;
static long next_unit;
static uint64_t unit_sums[4096];

static uint64_t work(long unit) {
  uint32_t table[256];
  uint64_t x = 0x9e3779b97f4a7c15ull ^ (uint64_t)unit;
  for (int i = 0; i < 256; i++) table[i] = (uint32_t)(i * 2654435761u);
  uint64_t sum = 0;
  for (int i = 0; i < STEPS; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    uint32_t *slot = &table[x & 255];
    *slot += (uint32_t)(x >> 32);
    sum += *slot ^ (sum >> 3);
  }
  return sum;
}

static void *worker(void *arg) {
  (void)arg;
  for (;;) {
    long unit = __atomic_fetch_add(&next_unit, 1, __ATOMIC_RELAXED);
    if (unit >= units) return NULL;
    unit_sums[unit] = work(unit);
  }
}

int main(int argc, char **argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 2;
  units = argc > 2 ? atol(argv[2]) : 64;
  if (threads < 1 || threads > MAX_THREADS || units < 1 || units > 4096) {
    fprintf(stderr, "usage: parallel-work THREADS(1-%d) UNITS(1-4096)\n", MAX_THREADS);
    return 2;
  }
  int fd = open(argv[0], O_RDONLY);
  const unsigned char *own = fd < 0 ? MAP_FAILED : mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
  if (own == MAP_FAILED || own[0] != 0x7f) {
    fprintf(stderr, "parallel-work: cannot map %s\n", argv[0]);
    return 1;
  }
  pthread_t ids[MAX_THREADS];
  for (int i = 1; i < threads; i++) pthread_create(&ids[i], NULL, worker, NULL);
  worker(NULL);
  for (int i = 1; i < threads; i++) pthread_join(ids[i], NULL);
  uint64_t total = 0;
  for (long u = 0; u < units; u++) total = total * 31 + unit_sums[u];
  printf("%ld units: %016llx\n", units, (unsigned long long)total);
  return 0;
}
