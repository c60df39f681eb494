/*
 * A long-running program's mmap/munmap pattern: 1,000,000 rounds of mapping 4 KiB to 256 KiB,
 * touching the first and last page, and unmapping, with a few mappings kept alive throughout.
 * The kernel reuses unmapped ranges, so this runs in flat memory; a mapper that never reused
 * address space would run out of it long before the end.
 * Usage: mmap-churn [ROUNDS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

int main(int argc, char **argv) {
    long rounds = argc > 1 ? atol(argv[1]) : 1000000;
    char *keep[4];
    for (int i = 0; i < 4; i++) {
        keep[i] = mmap(NULL, 4096 << i, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (keep[i] == MAP_FAILED) return 1;
        memset(keep[i], i + 1, 4096 << i);
    }
    unsigned long sum = 0;
    for (long r = 0; r < rounds; r++) {
        size_t pages = 1 + (size_t)((r * 7919) % 64);
        size_t len = pages * 4096;
        unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            printf("mmap failed after %ld rounds\n", r);
            return 1;
        }
        sum += p[0] + p[len - 1]; /* fresh anonymous memory reads as zero */
        p[0] = 1;
        p[len - 1] = 2;
        sum += p[0] + p[len - 1];
        if (munmap(p, len) != 0) {
            printf("munmap failed after %ld rounds\n", r);
            return 1;
        }
        /* Every so often a larger one, so the sizes do not settle into one hole. */
        if (r % 1000 == 999) {
            void *big = mmap(NULL, 4 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (big == MAP_FAILED) {
                printf("large mmap failed after %ld rounds\n", r);
                return 1;
            }
            munmap(big, 4 << 20);
        }
    }
    for (int i = 0; i < 4; i++)
        for (size_t j = 0; j < (size_t)(4096 << i); j += 4096) sum += keep[i][j];
    printf("%ld rounds, checksum %lu\n", rounds, sum);
    return 0;
}
