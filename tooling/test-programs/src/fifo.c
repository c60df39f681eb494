/*
 * Named pipes and mknod: mkfifo and mknod make nodes with the umask applied, a FIFO's opens
 * wait for the other side (or fail with ENXIO, or succeed at once for O_RDWR and a non-blocking
 * reader), two processes meet through one in either order, a signal interrupts a waiting open,
 * the data goes when the last end closes, and fstat and /proc/self/fd show the FIFO itself.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void result(const char *what, long r) {
    if (r < 0) printf("%s: %s\n", what, strerrorname_np(errno));
    else printf("%s: ok\n", what);
}

static void pause_ms(int ms) {
    struct timespec t = {0, ms * 1000000L};
    nanosleep(&t, NULL);
}

static void describe(const char *path) {
    struct stat st;
    if (lstat(path, &st) < 0) {
        printf("  %s: %s\n", path, strerrorname_np(errno));
        return;
    }
    const char *kind = S_ISFIFO(st.st_mode) ? "fifo" : S_ISREG(st.st_mode) ? "file" : S_ISCHR(st.st_mode) ? "char device" : "other";
    printf("  %s: %s mode %o size %lld", path, kind, st.st_mode & 07777, (long long)st.st_size);
    if (S_ISCHR(st.st_mode)) printf(" device %u:%u", major(st.st_rdev), minor(st.st_rdev));
    printf("\n");
}

/* The child opens `path` with `flags` after `delay` ms, writes or reads, and exits. */
static pid_t helper(const char *path, int flags, int delay) {
    pid_t pid = fork();
    if (pid != 0) return pid;
    pause_ms(delay);
    int fd = open(path, flags);
    if (fd < 0) _exit(10);
    if ((flags & O_ACCMODE) == O_WRONLY) {
        const char text[] = "through the fifo";
        _exit(write(fd, text, sizeof text - 1) == sizeof text - 1 ? 0 : 11);
    }
    char buf[64];
    long n = read(fd, buf, sizeof buf);
    printf("  child read %ld: %.*s\n", n, (int)(n > 0 ? n : 0), buf);
    fflush(stdout);
    _exit(0);
}

static void reap(pid_t pid) {
    int status;
    waitpid(pid, &status, 0);
    printf("  child status %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

static void on_alarm(int signo) { (void)signo; }

int main(void) {
    char dir[] = "/tmp/fifo-XXXXXX";
    if (!mkdtemp(dir) || chdir(dir) < 0) return 1;
    setvbuf(stdout, NULL, _IOLBF, 0);
    umask(022);

    result("mkfifo", mkfifo("f", 0666));
    result("mkfifo again", mkfifo("f", 0666));
    result("mkfifo in a missing directory", mkfifo("missing/f", 0666));
    result("mknod regular", mknod("r", S_IFREG | 0640, 0));
    result("mknod directory", mknod("d", S_IFDIR | 0755, 0));
    result("mknod bad type", mknod("x", 0170000 | 0644, 0));
    long dev = mknod("c", S_IFCHR | 0600, makedev(1, 3));
    printf("mknod char device as uid %d: %s\n", getuid(), dev == 0 ? "made" : strerrorname_np(errno));
    describe("f");
    describe("r");
    if (dev == 0) describe("c");

    /* Opens that do not wait. */
    int path_only = open("f", O_PATH);
    result("O_PATH (names it, opens neither end)", path_only);
    struct stat through_path;
    printf("fstat through it is the fifo: %s\n", fstat(path_only, &through_path) == 0 && S_ISFIFO(through_path.st_mode) ? "yes" : "no");
    close(path_only);
    result("write-only, non-blocking, no reader", open("f", O_WRONLY | O_NONBLOCK));
    int reader = open("f", O_RDONLY | O_NONBLOCK);
    result("read-only, non-blocking", reader);
    int writer = open("f", O_WRONLY | O_NONBLOCK);
    result("write-only, non-blocking, with a reader", writer);
    char buf[64];
    result("write", write(writer, "ab", 2));
    long n = read(reader, buf, sizeof buf);
    printf("read %ld: %.*s\n", n, (int)(n > 0 ? n : 0), buf);
    close(writer);
    result("read after the writer closed (EOF)", read(reader, buf, sizeof buf));
    close(reader);

    int both = open("f", O_RDWR);
    result("read-write", both);
    result("write to itself", write(both, "xyz", 3));
    n = read(both, buf, sizeof buf);
    printf("read back %ld: %.*s\n", n, (int)(n > 0 ? n : 0), buf);
    struct stat by_fd, by_path;
    fstat(both, &by_fd);
    stat("f", &by_path);
    printf("fstat is the fifo: %s\n", S_ISFIFO(by_fd.st_mode) && by_fd.st_ino == by_path.st_ino ? "yes" : "no");
    char link[64], target[PATH_MAX];
    snprintf(link, sizeof link, "/proc/self/fd/%d", both);
    n = readlink(link, target, sizeof target - 1);
    target[n > 0 ? n : 0] = 0;
    printf("/proc/self/fd names it: %s\n", n > 0 && strcmp(strrchr(target, '/') ? strrchr(target, '/') + 1 : target, "f") == 0 ? "yes" : target);
    result("write before the last close", write(both, "lost", 4));
    close(both);
    both = open("f", O_RDWR | O_NONBLOCK);
    result("data gone after the last close", read(both, buf, sizeof buf));
    close(both);

    /* Two processes, each order. */
    printf("reader first:\n");
    pid_t pid = helper("f", O_WRONLY, 200);
    reader = open("f", O_RDONLY);
    n = read(reader, buf, sizeof buf);
    printf("  parent read %ld: %.*s\n", n, (int)(n > 0 ? n : 0), buf);
    result("  then EOF", read(reader, buf, sizeof buf));
    close(reader);
    reap(pid);
    printf("writer first:\n");
    pid = helper("f", O_RDONLY, 200);
    writer = open("f", O_WRONLY);
    long wrote = write(writer, "to the child", 12);
    close(writer);
    reap(pid); /* the child prints what it read first */
    result("  parent write", wrote);

    /* A signal ends a waiting open. */
    struct sigaction sa = {0};
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    alarm(1);
    result("open interrupted by a signal", open("f", O_RDONLY));

    unlink("f");
    unlink("r");
    unlink("c");
    chdir("/");
    result("rmdir", rmdir(dir));
    return 0;
}
