/*
 * execve. Without arguments: the ways it fails (missing file, directory, no execute permission,
 * unknown format, bad #! lines, a loop of scripts, a bad pointer) — the same under any kernel.
 * "chain": sets up state (descriptors with and without FD_CLOEXEC, signal dispositions, a mask,
 * a buffered stdout) and execs itself as "child"; the new image reports what it inherited.
 * "script": execs a #! script whose interpreter line names this program.
 * "foreign PATH": execs a program of another architecture.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void make(const char *name, const char *content, mode_t mode) {
    int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, mode);
    write(fd, content, strlen(content));
    close(fd);
    chmod(name, mode);
}

static void attempt(const char *what, const char *path) {
    char *argv[] = {(char *)path, "arg", NULL};
    char *envp[] = {"X=1", NULL};
    execve(path, argv, envp);
    printf("%s: %s\n", what, strerrorname_np(errno));
}

static void failures(void) {
    attempt("missing", "/nonexistent/program");
    attempt("directory", ".");
    make("plain.txt", "just text\n", 0644);
    attempt("not executable", "./plain.txt");
    make("garbage", "hello world\n", 0755);
    attempt("unknown format", "./garbage");
    make("elfish", "\177ELF", 0755);
    attempt("truncated ELF", "./elfish");
    make("noint", "#!/nonexistent/interpreter -x\necho hi\n", 0755);
    attempt("missing interpreter", "./noint");
    make("empty", "#!\n", 0755);
    attempt("empty #! line", "./empty");
    make("dirint", "#!/tmp\n", 0755);
    attempt("interpreter is a directory", "./dirint");
    make("plainint", "#!./plain.txt\n", 0755);
    attempt("interpreter not executable", "./plainint");
    for (int i = 1; i <= 7; i++) {
        char name[8], line[16];
        snprintf(name, sizeof name, "s%d", i);
        snprintf(line, sizeof line, "#!./s%d\n", i % 7 + 1);
        make(name, line, 0755);
    }
    attempt("loop of scripts", "./s1");
    int status;
    printf("wait without children: %d %s\n", (int)wait(&status), strerrorname_np(errno));
    siginfo_t child;
    printf("waitid without children: %d %s\n", waitid(P_ALL, 0, &child, WEXITED), strerrorname_np(errno));
    errno = 0;
    long r = syscall(SYS_execve, (char *)8, NULL, NULL);
    printf("bad path pointer: %ld %s\n", r, strerrorname_np(errno));
}

static void handled(int signo) {}

static int child(int argc, char **argv) {
    printf("child: argc %d", argc);
    for (int i = 0; i < argc; i++) printf(" [%s]", argv[i]);
    printf("\n");
    for (char **e = environ; *e; e++) printf("env %s\n", *e);
    if (argc == 5 && strcmp(argv[2], "state") == 0) {
        int keep = atoi(argv[3]), cloexec = atoi(argv[4]);
        printf("kept fd open %d, cloexec fd closed %d\n", fcntl(keep, F_GETFD) >= 0, fcntl(cloexec, F_GETFD) < 0);
        char buf[64] = {0};
        ssize_t got = read(keep, buf, sizeof buf - 1);
        char *pid = strchr(buf, ' ') ? strrchr(buf, ' ') + 1 : buf;
        printf("read through the kept fd: pid follows %d [%.16s]\n", got > 17, buf);
        struct sigaction sa;
        sigaction(SIGUSR1, NULL, &sa);
        printf("SIGUSR1 still ignored %d\n", sa.sa_handler == SIG_IGN);
        sigaction(SIGUSR2, NULL, &sa);
        printf("SIGUSR2 handler reset %d\n", sa.sa_handler == SIG_DFL);
        sigset_t now;
        sigprocmask(SIG_BLOCK, NULL, &now);
        printf("SIGTERM still blocked %d, SIGUSR2 not %d\n", sigismember(&now, SIGTERM), !sigismember(&now, SIGUSR2));
        printf("same pid %d\n", getpid() == atoi(pid));
        char self[256];
        ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
        printf("/proc/self/exe readable %d\n", n > 0);
    }
    return 7;
}

static int chain(char *self) {
    int fds[2], other[2];
    pipe(fds);
    pipe2(other, O_CLOEXEC);
    char message[64];
    int length = snprintf(message, sizeof message, "from before exec %d", getpid());
    write(fds[1], message, length);
    close(fds[1]);
    signal(SIGUSR1, SIG_IGN);
    signal(SIGUSR2, handled);
    sigset_t term;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    sigprocmask(SIG_BLOCK, &term, NULL);
    char keep[16], cloexec[16];
    snprintf(keep, sizeof keep, "%d", fds[0]);
    snprintf(cloexec, sizeof cloexec, "%d", other[0]);
    printf("buffered output before exec is lost");
    char *argv[] = {"renamed-child", "child", "state", keep, cloexec, NULL};
    char *envp[] = {"ONLY=this", "EMPTY=", NULL};
    execve(self, argv, envp);
    printf("exec failed: %s\n", strerrorname_np(errno));
    return 1;
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "child") == 0) return child(argc, argv);
    if (argc > 1 && strcmp(argv[1], "chain") == 0) return chain(argv[0]);
    if (argc > 1 && strcmp(argv[1], "script") == 0) {
        char line[512];
        snprintf(line, sizeof line, "#!%s child\n", argv[0]);
        make("via-script", line, 0755);
        char *sargv[] = {"ignored-name", "one", "two", NULL};
        char *envp[] = {NULL};
        execve("./via-script", sargv, envp);
        printf("exec failed: %s\n", strerrorname_np(errno));
        return 1;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc > 1 && strcmp(argv[1], "foreign") == 0) {
        attempt("host program", argv[2]);
        return 0;
    }
    failures();
    return 0;
}
