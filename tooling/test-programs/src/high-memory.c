/*
 * The address space beyond 4 GiB: a 100 GB MAP_NORESERVE reservation with a few pages touched,
 * MAP_FIXED mappings at high addresses (data and code), mprotect with a caught SIGSEGV, mremap,
 * madvise and msync there, fork with copy-on-write high pages, and accesses straddling 4 GiB.
 * Prints only what every correct emulator prints alike: contents, outcomes, and addresses the
 * program chose itself (MAP_FIXED).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096UL
#define RW (PROT_READ | PROT_WRITE)
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)

static sigjmp_buf recover;
static volatile uintptr_t fault_addr;

static void on_segv(int sig, siginfo_t *info, void *context) {
    (void)sig;
    (void)context;
    fault_addr = (uintptr_t)info->si_addr;
    siglongjmp(recover, 1);
}

/* Writes one byte at `p`; returns 1 when it faulted (and where, in fault_addr). */
static int write_faults(volatile unsigned char *p, unsigned char v) {
    if (sigsetjmp(recover, 1)) return 1;
    *p = v;
    return 0;
}

static int read_faults(volatile unsigned char *p) {
    if (sigsetjmp(recover, 1)) return 1;
    (void)*p;
    return 0;
}

static void *fixed(uintptr_t at, size_t len, int prot, int extra) {
    void *p = mmap((void *)at, len, prot, ANON | extra, -1, 0);
    if (p == MAP_FAILED) {
        printf("mmap fixed 0x%lx: not placed there\n", (unsigned long)at);
        return NULL;
    }
    /* (MAP_FIXED_NOREPLACE over a mapping: the kernel says EEXIST, qemu 7 places it elsewhere.) */
    printf("mmap fixed 0x%lx: %s\n", (unsigned long)at, p == (void *)at ? "at the address" : "not placed there");
    if (p != (void *)at) {
        munmap(p, len);
        return NULL;
    }
    return p;
}

static void reservation(void) {
    const size_t size = 100000000000UL; /* 100 GB */
    unsigned char *p = mmap(NULL, size, RW, ANON | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
        printf("100 GB MAP_NORESERVE: %s\n", strerror(errno));
        return;
    }
    const size_t mid = (size / 2) & ~(PAGE - 1);
    size_t offsets[] = {0, mid, size / 3 + 123, size - 1};
    int zero = 1;
    for (int i = 0; i < 4; i++) zero &= p[offsets[i]] == 0;
    printf("100 GB MAP_NORESERVE: mapped, fresh pages read as zero: %d\n", zero);
    for (int i = 0; i < 4; i++) p[offsets[i]] = (unsigned char)(0x10 + i);
    /* An 8-byte value across a page boundary in the middle of the reservation. */
    uint64_t v = 0x0123456789abcdefULL;
    memcpy(p + mid + PAGE - 3, &v, 8);
    uint64_t back = 0;
    memcpy(&back, p + mid + PAGE - 3, 8);
    printf("100 GB: bytes %x %x %x %x, across a page %s, neighbour %d\n", p[offsets[0]], p[offsets[1]],
           p[offsets[2]], p[offsets[3]], back == v ? "ok" : "wrong", p[mid + 2 * PAGE]);
    printf("100 GB: madvise(DONTNEED) %d, middle byte after it %d\n",
           madvise(p + mid, PAGE, MADV_DONTNEED), p[mid]);
    printf("100 GB: the discarded page ends in %x, the next page still starts with %x\n", p[mid + PAGE - 1],
           p[mid + PAGE]);
    printf("100 GB: munmap %d\n", munmap(p, size));
    int f = read_faults(p + size / 3 + 123);
    printf("100 GB: read after munmap faults: %d at offset %ld\n", f, f ? (long)(fault_addr - (uintptr_t)p) : -1L);
}

static void fixed_high(void) {
    /*
     * Near the top of the 47-bit space, but below where an x86_64 host puts its own mappings
     * (0x7f00... and up): qemu maps guest addresses one to one, and a MAP_FIXED there could land
     * on its own heap or code buffer and crash it (seen once, as a 139 on qemu's side).
     */
    unsigned char *a = fixed(0x6f0000000000UL, 3 * PAGE, RW, MAP_FIXED);
    unsigned char *b = fixed(0x1000000000UL, 2 * PAGE, RW, MAP_FIXED_NOREPLACE);
    if (a == NULL || b == NULL) return;
    fixed(0x1000000000UL, PAGE, RW, MAP_FIXED_NOREPLACE); /* taken: EEXIST */
    for (size_t i = 0; i < 3 * PAGE; i += 512) a[i] = (unsigned char)(i / 512);
    unsigned sum = 0;
    for (size_t i = 0; i < 3 * PAGE; i += 512) sum += a[i];
    printf("0x6f0000000000: sum %u, untouched byte %d\n", sum, a[PAGE + 1]);
    memset(b, 0x5a, 2 * PAGE);
    printf("0x1000000000: msync %d, last byte %x\n", msync(b, 2 * PAGE, MS_SYNC), b[2 * PAGE - 1]);

    /* mprotect one high page read-only: reads work, a write is SIGSEGV at the exact address. */
    printf("mprotect(PROT_READ) %d\n", mprotect(a + PAGE, PAGE, PROT_READ));
    int f = write_faults(a + PAGE + 77, 1);
    printf("write to the read-only high page faults: %d, si_addr 0x%lx, byte still %d\n", f,
           (unsigned long)fault_addr, a[PAGE + 77]);
    printf("its neighbours stay writable: %d %d\n", write_faults(a, 9) == 0, write_faults(a + 2 * PAGE, 9) == 0);
    printf("mprotect(PROT_NONE) %d, read faults: %d, si_addr 0x%lx\n", mprotect(a + PAGE, PAGE, PROT_NONE),
           read_faults(a + PAGE + 5), (unsigned long)fault_addr);

    /* mremap grows the high mapping, keeping its contents wherever it lands. */
    unsigned char *c = mremap(b, 2 * PAGE, 6 * PAGE, MREMAP_MAYMOVE);
    if (c == MAP_FAILED) {
        printf("mremap: %s\n", strerror(errno));
    } else {
        printf("mremap: kept %x %x, new part %d\n", c[0], c[2 * PAGE - 1], c[5 * PAGE]);
        munmap(c, 6 * PAGE);
    }
    printf("munmap 0x6f0000000000: %d\n", munmap(a, 3 * PAGE));
}

typedef int (*fn)(void);

static void code_high(void) {
    uint32_t *code = fixed(0x5000000000UL, PAGE, RW | PROT_EXEC, MAP_FIXED);
    if (code == NULL) return;
    code[0] = 0x52800540; /* mov w0, #42 */
    code[1] = 0xd65f03c0; /* ret */
    __builtin___clear_cache((char *)code, (char *)(code + 2));
    printf("code at 0x5000000000 returns %d\n", ((fn)code)());
    code[0] = 0x528000e0; /* mov w0, #7: the emulator must drop what it translated */
    __builtin___clear_cache((char *)code, (char *)(code + 2));
    printf("rewritten, it returns %d\n", ((fn)code)());
    munmap(code, PAGE);
}

static void fork_high(void) {
    unsigned char *p = fixed(0x2000000000UL, 2 * PAGE, RW, MAP_FIXED);
    if (p == NULL) return;
    strcpy((char *)p, "parent data");
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        printf("child sees: %s\n", p);
        strcpy((char *)p, "child data");
        p[PAGE] = 7; /* a page the parent never touched */
        printf("child wrote: %s, %d\n", p, p[PAGE]);
        fflush(stdout);
        _exit(0);
    }
    int status = 0;
    waitpid(child, &status, 0);
    printf("child exited %d; parent still sees: %s, %d\n", WEXITSTATUS(status), p, p[PAGE]);
    munmap(p, 2 * PAGE);
}

static void across_4gib(void) {
    unsigned char *p = fixed(0xffff0000UL, 0x20000, RW, MAP_FIXED_NOREPLACE);
    if (p == NULL) return;
    volatile uint64_t *q = (volatile uint64_t *)(0x100000000UL - 3);
    *q = 0x1122334455667788ULL;
    volatile uint32_t *r = (volatile uint32_t *)(0x100000000UL - 1);
    printf("across 4 GiB: u64 %llx, u32 %x, byte at 4 GiB %x\n", (unsigned long long)*q, *r,
           *(volatile unsigned char *)0x100000000UL);
    unsigned char buf[64], out[64];
    for (int i = 0; i < 64; i++) buf[i] = (unsigned char)(i * 3);
    memcpy((void *)(0x100000000UL - 29), buf, 64);
    memcpy(out, (void *)(0x100000000UL - 29), 64);
    printf("across 4 GiB: 64-byte copy %s\n", memcmp(buf, out, 64) == 0 ? "ok" : "wrong");
    /* Unmapping the half above 4 GiB: the low half works, the high half faults. */
    printf("munmap upper half %d\n", munmap((void *)0x100000000UL, 0x10000));
    printf("below still there %x; above faults: %d, si_addr 0x%lx\n", p[0xffff],
           read_faults((unsigned char *)0x100000000UL), (unsigned long)fault_addr);
    munmap(p, 0x10000);
}

/*
 * Touches 160 MiB of fresh high pages, a store per page in a tight loop: backing them grows the
 * host memory in the middle of a translated block, and the loop's registers must survive that.
 */
static void growth_in_a_block(void) {
    const size_t size = 160UL << 20;
    unsigned char *p = fixed(0x3000000000UL, size, RW, MAP_FIXED);
    if (p == NULL) return;
    unsigned long touched = 0, sum = 0;
    for (size_t i = 0; i < size; i += PAGE) {
        p[i] = (unsigned char)(i / PAGE);
        touched++;
    }
    for (size_t i = 0; i < size; i += PAGE) sum += p[i];
    printf("growth: %lu pages touched, sum %lu, last %d\n", touched, sum, p[size - PAGE]);
    munmap(p, size);
}

int main(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);
    setvbuf(stdout, NULL, _IOLBF, 0);
    reservation();
    fixed_high();
    code_high();
    fork_high();
    across_4gib();
    growth_in_a_block();
    return 0;
}
