/*
 * Jumps to addresses that hold no instructions: address 0, an unmapped page, a mapped page
 * without execute permission. Each faults with SIGSEGV at the target; a handler that returns
 * resumes at the target and faults again, so the handler here counts its runs and then puts
 * back the default action, and the next fault ends the program (status 139).
 * A fault the program cannot take (SIGSEGV blocked or ignored, or faulting again inside the
 * SIGSEGV handler, where it is blocked) ends the program at once, as the kernel's force_sig does.
 * Usage: wild-jumps null|unmapped|data [default|handler|resethand|longjmp|blocked|ignored|nested]
 */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static volatile sig_atomic_t runs;
static sigjmp_buf back;
static uintptr_t target;

static void say(const char *s) { write(1, s, strlen(s)); }

/* Async-signal-safe: report the fault address relative to the target and the code. */
static void report(siginfo_t *info) {
    char line[64];
    int n = snprintf(line, sizeof line, "SIGSEGV run %d: at target %s, code %s\n", (int)runs,
                     (uintptr_t)info->si_addr == target ? "yes" : "no",
                     info->si_code == SEGV_MAPERR ? "MAPERR" : info->si_code == SEGV_ACCERR ? "ACCERR" : "other");
    write(1, line, n);
}

static void returning(int sig, siginfo_t *info, void *context) {
    (void)context;
    runs++;
    report(info);
    if (runs == 3) signal(sig, SIG_DFL);
}

static void jumping_back(int sig, siginfo_t *info, void *context) {
    (void)sig;
    (void)context;
    runs++;
    report(info);
    siglongjmp(back, 1);
}

static void refaulting(int sig, siginfo_t *info, void *context) {
    (void)sig;
    (void)context;
    runs++;
    report(info);
    ((void (*)(void))target)();
    say("returned from the jump in the handler\n");
}

static void install(void (*handler)(int, siginfo_t *, void *), int flags) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO | flags;
    sigaction(SIGSEGV, &sa, NULL);
}

int main(int argc, char **argv) {
    const char *where = argc > 1 ? argv[1] : "null";
    const char *how = argc > 2 ? argv[2] : "default";
    long page = sysconf(_SC_PAGESIZE);
    if (strcmp(where, "unmapped") == 0) {
        char *p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        munmap(p, page);
        target = (uintptr_t)p;
    } else if (strcmp(where, "data") == 0) {
        char *p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        memset(p, 0, page);
        target = (uintptr_t)p;
    } else {
        target = 0;
    }
    if (strcmp(how, "handler") == 0) install(returning, 0);
    if (strcmp(how, "resethand") == 0) install(returning, SA_RESETHAND);
    if (strcmp(how, "nested") == 0) install(refaulting, 0);
    if (strcmp(how, "ignored") == 0) signal(SIGSEGV, SIG_IGN);
    if (strcmp(how, "blocked") == 0) {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGSEGV);
        sigprocmask(SIG_BLOCK, &set, NULL);
    }
    if (strcmp(how, "longjmp") == 0) {
        install(jumping_back, 0);
        if (sigsetjmp(back, 1)) {
            say("back in main after the fault\n");
            return 0;
        }
    }
    printf("jumping to the %s target (%s)\n", where, how);
    fflush(stdout);
    void (*f)(void) = (void (*)(void))target;
    __asm__ volatile("" : "+r"(f));
    f();
    say("returned from the jump\n");
    return 1;
}
