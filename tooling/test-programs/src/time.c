/*
 * Time and randomness: clock_gettime, gettimeofday, nanosleep, getrandom, and qsort of seeded
 * pseudo-random data. Only properties are printed, so the output is deterministic.
 * Usage: time [SEED]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/time.h>
#include <time.h>

static uint64_t state;
static uint64_t next(void) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int cmp_str(const void *a, const void *b) { return strcmp((const char *)a, (const char *)b); }

int main(int argc, char **argv) {
    state = argc > 1 ? strtoull(argv[1], NULL, 10) : 88172645463325252ull;
    if (state == 0) state = 1;

    struct timespec m1, m2, r, res;
    clock_gettime(CLOCK_MONOTONIC, &m1);
    clock_gettime(CLOCK_REALTIME, &r);
    printf("realtime after 2020: %d\n", r.tv_sec > 1577836800);
    printf("realtime nsec in range: %d\n", r.tv_nsec >= 0 && r.tv_nsec < 1000000000);
    printf("clock_getres monotonic: %d\n", clock_getres(CLOCK_MONOTONIC, &res) == 0);

    struct timeval tv;
    gettimeofday(&tv, NULL);
    printf("gettimeofday agrees with realtime: %d\n", tv.tv_sec - r.tv_sec >= 0 && tv.tv_sec - r.tv_sec < 5);
    printf("time() agrees: %d\n", time(NULL) - r.tv_sec < 5);

    struct timespec pause = {0, 2000000};
    nanosleep(&pause, NULL);
    clock_gettime(CLOCK_MONOTONIC, &m2);
    long long elapsed = (long long)(m2.tv_sec - m1.tv_sec) * 1000000000ll + (m2.tv_nsec - m1.tv_nsec);
    printf("monotonic advanced by at least 2ms: %d\n", elapsed >= 2000000);

    /* Short sleeps last about as long as asked, not a whole millisecond each: a polling loop's pace. */
    struct timespec tick = {0, 200000};
    clock_gettime(CLOCK_MONOTONIC, &m1);
    for (int i = 0; i < 200; i++) nanosleep(&tick, NULL);
    clock_gettime(CLOCK_MONOTONIC, &m2);
    elapsed = (long long)(m2.tv_sec - m1.tv_sec) * 1000000000ll + (m2.tv_nsec - m1.tv_nsec);
    printf("200 sleeps of 200us: at least 40ms %d, under 150ms %d\n", elapsed >= 40000000, elapsed < 150000000);

    unsigned char rnd[64];
    ssize_t got = getrandom(rnd, sizeof rnd, 0);
    int nonzero = 0;
    for (int i = 0; i < 64; i++) nonzero |= rnd[i];
    printf("getrandom: %zd bytes, nonzero %d\n", got, nonzero != 0);

    /* Deterministic calendar arithmetic. */
    time_t fixed = 1700000000;
    struct tm tm;
    gmtime_r(&fixed, &tm);
    char text[64];
    strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S %A day %j", &tm);
    printf("gmtime: %s\n", text);
    printf("mktime roundtrip: %d\n", timegm(&tm) == fixed);

    /* qsort of seeded data. */
    enum { N = 20000 };
    uint64_t *data = malloc(N * sizeof *data);
    for (int i = 0; i < N; i++) data[i] = next() % 1000000;
    qsort(data, N, sizeof *data, cmp_u64);
    int sorted = 1;
    uint64_t h = 0;
    for (int i = 0; i < N; i++) {
        if (i > 0 && data[i - 1] > data[i]) sorted = 0;
        h = h * 1000003 + data[i];
    }
    printf("qsort u64: sorted=%d min=%llu median=%llu max=%llu hash=%016llx\n", sorted,
           (unsigned long long)data[0], (unsigned long long)data[N / 2], (unsigned long long)data[N - 1],
           (unsigned long long)h);

    char words[500][12];
    for (int i = 0; i < 500; i++) {
        int len = 1 + (int)(next() % 10);
        for (int j = 0; j < len; j++) words[i][j] = (char)('a' + next() % 26);
        words[i][len] = 0;
    }
    qsort(words, 500, sizeof words[0], cmp_str);
    printf("qsort strings: first=%s last=%s\n", words[0], words[499]);

    srand(42);
    int r1 = rand(), r2 = rand();
    printf("rand with seed 42: %d %d\n", r1, r2);
    printf("clock() non-negative: %d\n", clock() >= 0);
    free(data);
    return 0;
}
