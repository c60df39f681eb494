/* Memory and string work through glibc: memcpy, memset, strlen, strchr, memcmp, qsort. Usage: mem [SCALE] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    int scale = argc > 1 ? atoi(argv[1]) : 1;
    enum { SIZE = 1 << 16 };
    char *a = malloc(SIZE + 64), *b = malloc(SIZE + 64);
    uint64_t sum = 0;
    for (int round = 0; round < 40 * scale; round++) {
        memset(a, 'a' + round % 26, SIZE);
        a[SIZE - 1 - round] = 0;
        for (int off = 0; off < 8; off++) {
            memcpy(b + off, a + (round & 7), SIZE - 64);
            b[SIZE - 64 + off] = 0;
            sum += strlen(b + off);
            sum += (uintptr_t)strchr(b + off, 0) - (uintptr_t)(b + off);
            sum += memcmp(a + 8, b + off + 8, 1024) == 0;
        }
    }
    enum { N = 50000 };
    uint32_t *v = malloc(N * sizeof *v);
    uint32_t s = 12345;
    for (int round = 0; round < scale; round++) {
        for (int i = 0; i < N; i++) v[i] = s = s * 1103515245u + 12345u;
        qsort(v, N, sizeof *v, cmp);
        sum += v[N / 2];
    }
    printf("sum %llu\n", (unsigned long long)sum);
    return 0;
}
