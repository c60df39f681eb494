/*
 * Signal delivery: handlers for raise/kill/tgkill and for faults (SIGSEGV, SIGILL, SIGTRAP),
 * siginfo, the ucontext (PC, registers, FPSIMD record) and its restoration by rt_sigreturn,
 * masks, SA_NODEFER, SA_RESETHAND, SA_RESTORER, nesting, sigaltstack, sigsuspend, sigwaitinfo.
 * Usage: signals [usr1|term|segv-ignored|segv-blocked|segv-resethand|overflow-handled-on-stack|
 *                 abort|kill-self]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

static volatile int depth, count;
static char log_buf[4096];
static size_t log_len;

static void note(const char *text) {
    size_t n = strlen(text);
    if (log_len + n < sizeof log_buf) {
        memcpy(log_buf + log_len, text, n);
        log_len += n;
    }
}

static void flush_log(const char *title) {
    printf("%s: %.*s\n", title, (int)log_len, log_buf);
    log_len = 0;
}

static int blocked(int signo) {
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    return sigismember(&now, signo);
}

static void install(int signo, void (*fn)(int, siginfo_t *, void *), int flags, int also_block) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = fn;
    sa.sa_flags = flags | SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    if (also_block) sigaddset(&sa.sa_mask, also_block);
    if (sigaction(signo, &sa, NULL) != 0) perror("sigaction");
}

/* ---- sent signals -------------------------------------------------------------------- */

static void show_info(int signo, siginfo_t *info, void *ctx) {
    ucontext_t *uc = ctx;
    printf("handler: signo %d si_signo %d si_code %d from self %d uid ok %d\n", signo, info->si_signo,
           info->si_code, info->si_pid == getpid(), info->si_uid == getuid());
    printf("  own signal blocked %d, SIGUSR2 blocked %d, uc_sigmask has SIGUSR2 %d\n", blocked(signo),
           blocked(SIGUSR2), sigismember(&uc->uc_sigmask, SIGUSR2));
    printf("  stack aligned %d\n", ((uintptr_t)__builtin_frame_address(0) & 15) == 0);
}

static void plain(int signo) {
    printf("plain handler got %d\n", signo);
}

static void sent(void) {
    install(SIGUSR1, show_info, 0, SIGUSR2);
    printf("raise: %d\n", raise(SIGUSR1));
    printf("kill: %d\n", kill(getpid(), SIGUSR1));
    printf("tgkill: %ld\n", syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1));
    printf("after: SIGUSR1 blocked %d SIGUSR2 blocked %d\n", blocked(SIGUSR1), blocked(SIGUSR2));
    signal(SIGUSR2, plain);
    raise(SIGUSR2);
    printf("kill 0: %d\n", kill(getpid(), 0));
    printf("kill bad signal: %d\n", kill(getpid(), 65));
    errno = 0;
    printf("kill no such process: %d %s\n", kill(0x3ffffff0, SIGUSR1), strerror(errno));
    struct sigaction old;
    sigaction(SIGUSR2, NULL, &old);
    printf("SIGUSR2 handler is plain %d, SA_SIGINFO %d\n", old.sa_handler == plain, !!(old.sa_flags & SA_SIGINFO));
    printf("sigaction(SIGKILL) set: %d, get: %d\n", sigaction(SIGKILL, &old, NULL), sigaction(SIGKILL, NULL, &old));
}

/* ---- nesting, NODEFER, RESETHAND, masks ---------------------------------------------- */

static void recurse(int signo, siginfo_t *info, void *ctx) {
    char text[32];
    int me = ++depth;
    snprintf(text, sizeof text, "[in %d", me);
    note(text);
    if (++count < 3) raise(signo);
    snprintf(text, sizeof text, " out %d]", me);
    note(text);
    depth--;
}

static void on_usr2_note(int signo, siginfo_t *info, void *ctx) {
    note("<usr2>");
}

static void on_usr1_raises_usr2(int signo, siginfo_t *info, void *ctx) {
    note("<usr1");
    raise(SIGUSR2);
    note(" usr1>");
}

static void once(int signo, siginfo_t *info, void *ctx) {
    count++;
}

static void masks(void) {
    install(SIGUSR1, recurse, SA_NODEFER, 0);
    count = 0;
    raise(SIGUSR1);
    flush_log("SA_NODEFER");
    install(SIGUSR1, recurse, 0, 0);
    count = 0;
    raise(SIGUSR1);
    flush_log("deferred");
    count = 0;

    install(SIGUSR1, on_usr1_raises_usr2, 0, 0);
    install(SIGUSR2, on_usr2_note, 0, 0);
    raise(SIGUSR1);
    flush_log("nested");
    install(SIGUSR1, on_usr1_raises_usr2, 0, SIGUSR2);
    raise(SIGUSR1);
    flush_log("sa_mask defers");

    sigset_t both, old, pending;
    sigemptyset(&both);
    sigaddset(&both, SIGUSR1);
    sigaddset(&both, SIGUSR2);
    install(SIGUSR1, on_usr1_raises_usr2, 0, 0);
    sigprocmask(SIG_BLOCK, &both, &old);
    raise(SIGUSR2);
    raise(SIGUSR1);
    raise(SIGUSR1);
    sigpending(&pending);
    printf("pending: USR1 %d USR2 %d TERM %d\n", sigismember(&pending, SIGUSR1), sigismember(&pending, SIGUSR2),
           sigismember(&pending, SIGTERM));
    note("unblock:");
    sigprocmask(SIG_SETMASK, &old, NULL);
    flush_log("blocked then released");

    install(SIGUSR1, once, SA_RESETHAND, 0);
    raise(SIGUSR1);
    struct sigaction now;
    sigaction(SIGUSR1, NULL, &now);
    printf("SA_RESETHAND: count %d, now default %d\n", count, now.sa_handler == SIG_DFL);

    signal(SIGUSR1, SIG_IGN);
    raise(SIGUSR1);
    raise(SIGCHLD);
    raise(SIGWINCH);
    raise(SIGURG);
    printf("ignored signals passed\n");

    sigprocmask(SIG_BLOCK, &both, NULL);
    raise(SIGUSR1); /* ignored but blocked: stays pending, the disposition may change */
    sigpending(&pending);
    printf("ignored but blocked is pending: %d\n", sigismember(&pending, SIGUSR1));
    install(SIGUSR1, on_usr2_note, 0, 0);
    note("unblock:");
    sigprocmask(SIG_SETMASK, &old, NULL);
    flush_log("then handled");

    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
    sigprocmask(SIG_SETMASK, NULL, &now.sa_mask);
    printf("SIGKILL blockable %d SIGSTOP blockable %d SIGTERM blocked %d\n", sigismember(&now.sa_mask, SIGKILL),
           sigismember(&now.sa_mask, SIGSTOP), sigismember(&now.sa_mask, SIGTERM));
    sigprocmask(SIG_SETMASK, &old, NULL);
}

/* ---- faults ------------------------------------------------------------------------------ */

/* The address the next fault should report; NULL: the faulting instruction's own address. */
static void *volatile expected_addr;

/* Skips the faulting instruction and changes x9 in the saved context. */
static void skip_fault(int signo, siginfo_t *info, void *ctx) {
    ucontext_t *uc = ctx;
    void *expected = expected_addr ? expected_addr : (void *)uc->uc_mcontext.pc;
    printf("fault: signo %d si_signo %d", signo, info->si_signo);
    /* Linux says ILL_ILLOPC for an undefined instruction; qemu-aarch64 says ILL_ILLOPN. */
    if (signo != SIGILL) printf(" code %d", info->si_code);
    printf(", si_addr right %d, x9 was %llu\n", info->si_addr == expected, (unsigned long long)uc->uc_mcontext.regs[9]);
    uc->uc_mcontext.pc += 4;
    uc->uc_mcontext.regs[9] = 1000;
}

static long store_at(void *addr) {
    long x9;
    __asm__ volatile("mov x9, #7\n\tstr wzr, [%1]\n\tadd x9, x9, #1\n\tmov %0, x9" : "=r"(x9) : "r"(addr) : "x9", "memory");
    return x9;
}

static long load_at(void *addr) {
    long x9;
    __asm__ volatile("mov x9, #5\n\tldr x10, [%1]\n\tadd x9, x9, #2\n\tmov %0, x9" : "=r"(x9) : "r"(addr) : "x9", "x10", "memory");
    return x9;
}

static long undefined(void) {
    long x9;
    __asm__ volatile("mov x9, #3\n\t.inst 0x00000000\n\tadd x9, x9, #3\n\tmov %0, x9" : "=r"(x9) : : "x9");
    return x9;
}

static long breakpoint(void) {
    long x9;
    __asm__ volatile("mov x9, #4\n\tbrk #0x7\n\tadd x9, x9, #4\n\tmov %0, x9" : "=r"(x9) : : "x9");
    return x9;
}

static void faults(void) {
    install(SIGSEGV, skip_fault, 0, 0);
    install(SIGILL, skip_fault, 0, 0);
    install(SIGTRAP, skip_fault, 0, 0);
    expected_addr = (void *)0xdead0000;
    printf("store to unmapped: x9 %ld\n", store_at((void *)0xdead0000));
    expected_addr = (void *)8;
    printf("load from 8: x9 %ld\n", load_at((void *)8));
    char *page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    expected_addr = page + 8;
    printf("store to read-only: x9 %ld\n", store_at(page + 8));
    munmap(page, 4096);
    expected_addr = NULL;
    printf("undefined instruction: x9 %ld\n", undefined());
    printf("brk: x9 %ld\n", breakpoint());
    printf("faults blocked after return: SEGV %d ILL %d\n", blocked(SIGSEGV), blocked(SIGILL));
}

static void show_segv_addr(int signo, siginfo_t *info, void *ctx) {
    ucontext_t *uc = ctx;
    static char *expect;
    if (!info) {
        expect = ctx;
        return;
    }
    printf("si_addr is the address %d, fault_address too %d, code %d\n", info->si_addr == expect,
           uc->uc_mcontext.fault_address == (uintptr_t)expect, info->si_code);
    uc->uc_mcontext.pc += 4;
}

static void fault_addresses(void) {
    install(SIGSEGV, show_segv_addr, 0, 0);
    char *page = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    mprotect(page + 4096, 4096, PROT_NONE);
    show_segv_addr(0, NULL, page + 4096 + 24);
    load_at(page + 4096 + 24);
    munmap(page + 4096, 4096);
    show_segv_addr(0, NULL, page + 4096 + 40);
    store_at(page + 4096 + 40);
    munmap(page, 4096);
}

/* ---- the FPSIMD record and the restored vector registers ----------------------------- */

struct record {
    uint32_t magic, size;
};

static void fp_context(int signo, siginfo_t *info, void *ctx) {
    ucontext_t *uc = ctx;
    struct record *r = (struct record *)uc->uc_mcontext.__reserved;
    printf("first record magic %#x size %u", r->magic, r->size);
    struct fpsimd_context *fp = (struct fpsimd_context *)r;
    double saved;
    memcpy(&saved, &fp->vregs[8], sizeof saved);
    printf(", saved d8 %g\n", saved);
    /* Clobber the live registers: rt_sigreturn must bring back the saved ones. (Changing the
       record is not compared: qemu's default CPU has SVE, whose record takes precedence.) */
    __asm__ volatile("fmov d8, #1.0\n\tfmov d9, #1.0" ::: "d8", "d9");
}

static void vectors(void) {
    install(SIGUSR1, fp_context, 0, 0);
    double d8, d9;
    register long x0 __asm__("x0");
    __asm__ volatile("fmov d8, #0.5\n\tfmov d9, #-3.0\n\t"
                     "mov x8, %3\n\tsvc #0\n\t"
                     "mov x1, %4\n\tmov x8, %5\n\tsvc #0\n\t"
                     "fmov %d1, d8\n\tfmov %d2, d9"
                     : "=r"(x0), "=w"(d8), "=w"(d9)
                     : "i"(SYS_getpid), "i"(SIGUSR1), "i"(SYS_kill)
                     : "x1", "x8", "d8", "d9", "memory");
    printf("after return: d8 %g d9 %g kill returned %ld\n", d8, d9, x0);
}

/* ---- SA_RESTORER with our own trampoline --------------------------------------------- */

void own_restorer(void);
__asm__(".text\n.global own_restorer\nown_restorer:\n\tmov x8, #139\n\tsvc #0\n");

static void via_restorer(int signo) {
    printf("handler returns to %s\n", __builtin_return_address(0) == (void *)own_restorer ? "own_restorer" : "elsewhere");
}

struct kernel_sigaction {
    void (*handler)(int);
    unsigned long flags;
    void (*restorer)(void);
    uint64_t mask;
};

static void restorer(void) {
    struct kernel_sigaction ka = {via_restorer, 0x04000000 /* SA_RESTORER */, own_restorer, 0}, old;
    printf("rt_sigaction: %ld\n", syscall(SYS_rt_sigaction, SIGUSR2, &ka, NULL, 8));
    printf("bad sigsetsize: %ld\n", syscall(SYS_rt_sigaction, SIGUSR2, &ka, NULL, 4));
    raise(SIGUSR2);
    syscall(SYS_rt_sigaction, SIGUSR2, NULL, &old, 8);
    printf("read back: handler ok %d restorer ok %d flags %#lx\n", old.handler == via_restorer,
           old.restorer == own_restorer, old.flags);
}

/* ---- sigaltstack ------------------------------------------------------------------------- */

static char *alt_base;
static size_t alt_size = 65536;
static sigjmp_buf escape;

static void on_alt(int signo, siginfo_t *info, void *ctx) {
    char here;
    stack_t now;
    sigaltstack(NULL, &now);
    printf("on the alternate stack %d, flags say SS_ONSTACK %d\n",
           &here >= alt_base && &here < alt_base + alt_size, (now.ss_flags & SS_ONSTACK) != 0);
    stack_t other = {.ss_sp = alt_base, .ss_size = alt_size, .ss_flags = 0};
    printf("changing it while on it: %d\n", sigaltstack(&other, NULL));
}

static volatile int bottomless = 1;

static int __attribute__((noinline)) deep(int n) {
    volatile char pad[512];
    if (!bottomless) return 0;
    pad[0] = (char)n;
    return deep(n + 1) + pad[0];
}

static void overflow_handler(int signo, siginfo_t *info, void *ctx) {
    char here;
    printf("stack overflow caught on the alternate stack %d, signo %d\n", &here >= alt_base && &here < alt_base + alt_size,
           info->si_signo);
    siglongjmp(escape, 1);
}

static void altstack(void) {
    alt_base = malloc(alt_size);
    stack_t ss = {.ss_sp = alt_base, .ss_size = alt_size, .ss_flags = 0}, old;
    printf("sigaltstack: %d\n", sigaltstack(&ss, &old));
    printf("before: disabled %d\n", (old.ss_flags & SS_DISABLE) != 0);
    stack_t tiny = {.ss_sp = alt_base, .ss_size = 100, .ss_flags = 0};
    printf("too small: %d\n", sigaltstack(&tiny, NULL));
    stack_t bad = {.ss_sp = alt_base, .ss_size = alt_size, .ss_flags = 77};
    printf("bad flags: %d\n", sigaltstack(&bad, NULL));
    install(SIGUSR1, on_alt, SA_ONSTACK, 0);
    raise(SIGUSR1);
    char here;
    install(SIGUSR2, on_alt, 0, 0);
    printf("without SA_ONSTACK: main stack %d\n", !(&here >= alt_base && &here < alt_base + alt_size));
    install(SIGSEGV, overflow_handler, SA_ONSTACK, 0);
    if (sigsetjmp(escape, 1) == 0) deep(0);
    printf("back from the overflow, SIGSEGV blocked %d\n", blocked(SIGSEGV));
    ss.ss_flags = SS_DISABLE;
    sigaltstack(&ss, NULL);
    sigaltstack(NULL, &old);
    printf("disabled again %d\n", (old.ss_flags & SS_DISABLE) != 0);
}

/* ---- sigsuspend, sigwaitinfo -------------------------------------------------------------- */

static void waiting(void) {
    sigset_t usr1, old, empty;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigemptyset(&empty);
    install(SIGUSR1, on_usr2_note, 0, 0);
    sigprocmask(SIG_BLOCK, &usr1, &old);
    raise(SIGUSR1);
    note("suspend:");
    int r = sigsuspend(&empty);
    note(" returned");
    flush_log("sigsuspend");
    printf("sigsuspend: %d, SIGUSR1 blocked again %d\n", r, blocked(SIGUSR1));

    sigset_t usr2;
    sigemptyset(&usr2);
    sigaddset(&usr2, SIGUSR2);
    sigprocmask(SIG_BLOCK, &usr2, NULL);
    kill(getpid(), SIGUSR2);
    siginfo_t info;
    int got = sigwaitinfo(&usr2, &info);
    printf("sigwaitinfo: %d code %d\n", got, info.si_code);
    struct timespec zero = {0, 0};
    printf("sigtimedwait with nothing pending: %d\n", sigtimedwait(&usr2, &info, &zero));
    sigprocmask(SIG_SETMASK, &old, NULL);
}

/* ---- queued real-time signals ------------------------------------------------------------ */

static void show_value(int signo, siginfo_t *info, void *ctx) {
    printf("  %s+%d value %d code %d from self %d\n", signo >= SIGRTMIN ? "SIGRTMIN" : "signal",
           signo >= SIGRTMIN ? signo - SIGRTMIN : signo, info->si_value.sival_int, info->si_code,
           info->si_pid == getpid());
}

static void queued(void) {
    install(SIGRTMIN, show_value, 0, 0);
    install(SIGRTMIN + 1, show_value, 0, 0);
    install(SIGUSR1, show_value, 0, 0);
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGRTMIN);
    sigaddset(&set, SIGRTMIN + 1);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, &old);
    for (int i = 1; i <= 3; i++) sigqueue(getpid(), SIGRTMIN + 1, (union sigval){.sival_int = 10 + i});
    for (int i = 1; i <= 3; i++) sigqueue(getpid(), SIGRTMIN, (union sigval){.sival_int = i});
    sigqueue(getpid(), SIGUSR1, (union sigval){.sival_int = 100});
    sigqueue(getpid(), SIGUSR1, (union sigval){.sival_int = 200});
    printf("unblocking queued signals:\n");
    sigprocmask(SIG_SETMASK, &old, NULL);
    printf("sigqueue to nobody: %d %s\n", sigqueue(0, SIGUSR1, (union sigval){0}), strerrorname_np(errno));
}

/* ---- ways to die ------------------------------------------------------------------------- */

static void returns(int signo) {
    printf("handler for %d returns\n", signo);
    fflush(stdout);
}

static int die(const char *how) {
    printf("dying by %s\n", how);
    fflush(stdout);
    if (strcmp(how, "usr1") == 0) raise(SIGUSR1);
    if (strcmp(how, "term") == 0) kill(getpid(), SIGTERM);
    if (strcmp(how, "kill-self") == 0) kill(getpid(), SIGKILL);
    if (strcmp(how, "segv-ignored") == 0) {
        signal(SIGSEGV, SIG_IGN);
        store_at((void *)0x10);
    }
    if (strcmp(how, "segv-blocked") == 0) {
        install(SIGSEGV, skip_fault, 0, 0);
        sigset_t s;
        sigemptyset(&s);
        sigaddset(&s, SIGSEGV);
        sigprocmask(SIG_BLOCK, &s, NULL);
        store_at((void *)0x10);
    }
    if (strcmp(how, "segv-resethand") == 0) {
        signal(SIGSEGV, returns);
        struct sigaction sa;
        sigaction(SIGSEGV, NULL, &sa);
        sa.sa_flags |= SA_RESETHAND;
        sigaction(SIGSEGV, &sa, NULL);
        store_at((void *)0x10);
    }
    if (strcmp(how, "overflow-handled-on-stack") == 0) {
        /* A handler but no alternate stack: its frame cannot be written, SIGSEGV kills. */
        install(SIGSEGV, overflow_handler, 0, 0);
        deep(0);
    }
    if (strcmp(how, "abort") == 0) {
        signal(SIGABRT, returns);
        abort();
    }
    printf("still alive\n");
    return 1;
}

int main(int argc, char **argv) {
    if (argc > 1) return die(argv[1]);
    setvbuf(stdout, NULL, _IOLBF, 0);
    sent();
    masks();
    faults();
    fault_addresses();
    vectors();
    restorer();
    altstack();
    waiting();
    queued();
    printf("done\n");
    return 0;
}
