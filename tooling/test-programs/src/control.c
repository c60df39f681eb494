/*
 * Control flow: conditional and indirect branches, calls through pointers, switch jump tables,
 * computed goto, deep (non-tail) recursion, and setjmp/longjmp across frames.
 * Usage: control [N]   (N scales the work; output depends only on N)
 */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t hash = 1469598103934665603ull;
static void mix(uint64_t v) { hash = (hash ^ v) * 1099511628211ull; }

/* A dense switch that gcc turns into a jump table. */
static __attribute__((noinline)) int dense(int x) {
    switch (x & 15) {
    case 0: return x * 3;
    case 1: return x + 7;
    case 2: return x ^ 0x55;
    case 3: return x - 100;
    case 4: return x << 2;
    case 5: return x >> 1;
    case 6: return ~x;
    case 7: return x * x;
    case 8: return x / 3;
    case 9: return x % 7;
    case 10: return -x;
    case 11: return x | 0x100;
    case 12: return x & 0xff;
    case 13: return x + x / 2;
    case 14: return 42;
    default: return x - 1;
    }
}

/* A sparse switch: a tree of compares. */
static __attribute__((noinline)) int sparse(int x) {
    switch (x) {
    case -1000: return 1;
    case -7: return 2;
    case 3: return 3;
    case 99: return 4;
    case 1000: return 5;
    case 65536: return 6;
    case 1 << 30: return 7;
    default: return 0;
    }
}

typedef int (*op_fn)(int, int);
static int op_add(int a, int b) { return a + b; }
static int op_sub(int a, int b) { return a - b; }
static int op_mul(int a, int b) { return a * b; }
static int op_max(int a, int b) { return a > b ? a : b; }
static op_fn ops[] = {op_add, op_sub, op_mul, op_max};

/* Non-tail recursion that the compiler cannot turn into a loop. */
static __attribute__((noinline)) uint64_t depth(volatile int n) {
    volatile uint64_t local = (uint64_t)n * 2654435761u;
    if (n == 0) return 1;
    uint64_t r = depth(n - 1);
    return r + (local & 0xff);
}

static __attribute__((noinline)) int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static int ackermann(int m, int n) {
    if (m == 0) return n + 1;
    if (n == 0) return ackermann(m - 1, 1);
    return ackermann(m - 1, ackermann(m, n - 1));
}

static jmp_buf env;
static int jumps;

/* gcc cannot see that longjmp ends the recursion. */
#pragma GCC diagnostic ignored "-Winfinite-recursion"
static __attribute__((noinline)) void thrower(int level) {
    if (level > 0) {
        thrower(level - 1);
        printf("unreachable\n");
    }
    longjmp(env, 100 + jumps);
}

static int computed_goto(int n) {
    static void *labels[] = {&&l0, &&l1, &&l2, &&l3};
    int acc = 0, i = 0;
    goto *labels[0];
l0: acc += 1; if (++i >= n) return acc; goto *labels[i & 3];
l1: acc *= 3; if (++i >= n) return acc; goto *labels[i & 3];
l2: acc -= 2; if (++i >= n) return acc; goto *labels[(i * 7) & 3];
l3: acc ^= 0x5a; if (++i >= n) return acc; goto *labels[(acc & 3)];
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 20;

    int d = 0;
    for (int i = -500; i < 500; i++) d += dense(i * 37 + n);
    printf("dense switch: %d\n", d);
    mix((uint64_t)d);

    int s = 0;
    int probes[] = {-1000, -7, 3, 99, 1000, 65536, 1 << 30, 5, 0, -1};
    for (int i = 0; i < 10; i++) s = s * 8 + sparse(probes[i]);
    printf("sparse switch: %d\n", s);
    mix((uint64_t)s);

    int acc = n;
    for (int i = 0; i < 1000; i++) acc = ops[(i ^ acc) & 3](acc, i) & 0xffff;
    printf("indirect calls: %d\n", acc);
    mix((uint64_t)acc);

    uint64_t deep = depth(100000);
    printf("recursion depth 100000: %llu\n", (unsigned long long)deep);
    mix(deep);

    printf("fib(%d) = %d\n", n, fib(n));
    printf("ackermann(2, %d) = %d\n", n, ackermann(2, n));
    mix((uint64_t)fib(n));

    for (jumps = 0; jumps < 5; jumps++) {
        int r = setjmp(env);
        if (r == 0) thrower(jumps * 10);
        else {
            printf("longjmp returned %d\n", r);
            mix((uint64_t)r);
        }
    }

    printf("computed goto: %d\n", computed_goto(n * 10));
    mix((uint64_t)computed_goto(n * 10));

    /* Conditional branches of every flavour: signed/unsigned compares, cbz/tbz patterns. */
    unsigned cnt = 0;
    for (int64_t i = -300; i < 300; i++) {
        uint64_t u = (uint64_t)i * 0x9e3779b97f4a7c15ull;
        if (i < 0) cnt += 1;
        if ((int32_t)u > 0) cnt += 2;
        if (u > 0x8000000000000000ull) cnt += 4;
        if ((u & (1ull << 37)) == 0) cnt += 8;
        if (i == 0) cnt += 16;
        if ((uint32_t)i >= 200u) cnt += 32;
    }
    printf("branch count: %u\n", cnt);
    mix(cnt);

    printf("hash: %016llx\n", (unsigned long long)hash);
    return 0;
}
