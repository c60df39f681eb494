/* CPU-bound integer work: a sieve, Collatz lengths and a multiplicative hash. Usage: int [SCALE] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    int scale = argc > 1 ? atoi(argv[1]) : 1;
    enum { N = 200000 };
    static unsigned char composite[N];
    unsigned primes = 0;
    for (int round = 0; round < scale; round++) {
        memset(composite, 0, sizeof composite);
        primes = 0;
        for (int i = 2; i < N; i++) {
            if (composite[i]) continue;
            primes++;
            for (int j = 2 * i; j < N; j += i) composite[j] = 1;
        }
    }
    uint64_t longest = 0, at = 0;
    for (uint64_t start = 1; start < 30000u * (unsigned)scale; start++) {
        uint64_t x = start, steps = 0;
        while (x != 1) {
            x = (x & 1) ? 3 * x + 1 : x >> 1;
            steps++;
        }
        if (steps > longest) longest = steps, at = start;
    }
    uint64_t h = 0xcbf29ce484222325ull;
    for (uint64_t i = 0; i < 300000u * (unsigned)scale; i++) h = (h ^ (i * 0x9e3779b97f4a7c15ull)) * 0x100000001b3ull;
    printf("primes %u collatz %llu at %llu hash %016llx\n", primes, (unsigned long long)longest,
           (unsigned long long)at, (unsigned long long)h);
    return 0;
}
