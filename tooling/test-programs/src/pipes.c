/*
 * Pipes inside one process (and one child writing): pipe/pipe2, read/write/readv/writev, EOF when the last writer
 * closes, EAGAIN on O_NONBLOCK, EPIPE (and SIGPIPE), capacity, poll, fcntl, fstat, dup.
 * Usage: pipes [sigpipe|deadlock]   (sigpipe: write to a pipe without readers, SIGPIPE at its
 * default; deadlock: block on a read nothing can satisfy — not for qemu, which waits forever)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static void check(const char *what, long got) {
    if (got < 0) printf("%s: -1 %s\n", what, strerrorname_np(errno));
    else printf("%s: %ld\n", what, got);
}

static void basic(void) {
    int fds[2];
    check("pipe", pipe(fds));
    printf("distinct: %d\n", fds[0] != fds[1]);
    check("write", write(fds[1], "hello, pipe", 11));
    int avail = -1;
    check("FIONREAD", ioctl(fds[0], FIONREAD, &avail));
    printf("available: %d\n", avail);
    char buf[64] = {0};
    check("read 5", read(fds[0], buf, 5));
    printf("got: %.5s\n", buf);
    check("read rest", read(fds[0], buf, sizeof buf));
    printf("got: %.6s\n", buf);
    check("read from write end", read(fds[1], buf, 1));
    check("write to read end", write(fds[0], "x", 1));
    check("lseek", lseek(fds[0], 0, SEEK_SET));
    struct stat st;
    check("fstat", fstat(fds[0], &st));
    printf("fifo: %d size: %ld\n", S_ISFIFO(st.st_mode), (long)st.st_size);
    printf("GETFL read end: %#o write end: %#o\n", fcntl(fds[0], F_GETFL), fcntl(fds[1], F_GETFL));
    check("GETPIPE_SZ", fcntl(fds[0], F_GETPIPE_SZ));
    check("close write end", close(fds[1]));
    check("read at EOF", read(fds[0], buf, sizeof buf));
    check("close read end", close(fds[0]));
    check("close again", close(fds[0]));
}

static void nonblocking(void) {
    int fds[2];
    check("pipe2 nonblock|cloexec", pipe2(fds, O_NONBLOCK | O_CLOEXEC));
    printf("FD_CLOEXEC: %d %d\n", fcntl(fds[0], F_GETFD), fcntl(fds[1], F_GETFD));
    printf("GETFL: %#o %#o\n", fcntl(fds[0], F_GETFL), fcntl(fds[1], F_GETFL));
    char c;
    check("read empty", read(fds[0], &c, 1));
    long total = 0;
    for (;;) {
        ssize_t n = write(fds[1], "a", 1);
        if (n < 0) {
            printf("filled after %ld bytes: %s\n", total, strerrorname_np(errno));
            break;
        }
        total += n;
    }
    static char page[4096];
    check("write 4096 to a full pipe", write(fds[1], page, sizeof page));
    long drained = 0;
    for (;;) {
        ssize_t n = read(fds[0], page, sizeof page);
        if (n <= 0) {
            printf("drained %ld bytes, then %s\n", drained, n < 0 ? strerrorname_np(errno) : "EOF");
            break;
        }
        drained += n;
    }
    check("SETPIPE_SZ 5000", fcntl(fds[1], F_SETPIPE_SZ, 5000));
    check("GETPIPE_SZ", fcntl(fds[0], F_GETPIPE_SZ));
    total = 0;
    while (write(fds[1], page, 1000) > 0) total += 1000;
    printf("small pipe took %ld in 1000-byte writes\n", total);
    close(fds[0]);
    close(fds[1]);

    check("pipe", pipe(fds));
    check("SETFL O_NONBLOCK", fcntl(fds[0], F_SETFL, O_NONBLOCK));
    check("read empty after SETFL", read(fds[0], &c, 1));
    check("SETFL 0", fcntl(fds[0], F_SETFL, 0));
    printf("GETFL: %#o\n", fcntl(fds[0], F_GETFL));
    /* ioctls every descriptor answers (Python's os.set_blocking uses FIONBIO) */
    int on = 1, off = 0;
    check("FIONBIO on", ioctl(fds[0], FIONBIO, &on));
    printf("GETFL after FIONBIO: %#o\n", fcntl(fds[0], F_GETFL));
    check("read empty after FIONBIO", read(fds[0], &c, 1));
    check("FIONBIO off", ioctl(fds[0], FIONBIO, &off));
    printf("GETFL: %#o\n", fcntl(fds[0], F_GETFL));
    check("FIOCLEX", ioctl(fds[1], FIOCLEX));
    printf("FD_CLOEXEC after FIOCLEX: %d\n", fcntl(fds[1], F_GETFD));
    check("FIONCLEX", ioctl(fds[1], FIONCLEX));
    printf("FD_CLOEXEC after FIONCLEX: %d\n", fcntl(fds[1], F_GETFD));
    check("TCGETS on a pipe", ioctl(fds[0], TCGETS, page));
    close(fds[0]);
    close(fds[1]);
    check("pipe2 bad flags", pipe2(fds, O_APPEND));
}

static void duplicates(void) {
    int fds[2];
    pipe(fds);
    int copy = dup(fds[1]);
    check("dup write end", copy > fds[1]);
    close(fds[1]);
    check("write through the copy", write(copy, "xyz", 3));
    fcntl(fds[0], F_SETFL, O_NONBLOCK);
    char buf[8];
    check("read", read(fds[0], buf, sizeof buf));
    check("read empty with a writer left", read(fds[0], buf, sizeof buf));
    int high = fcntl(copy, F_DUPFD, 50);
    printf("F_DUPFD 50 -> %d\n", high);
    close(copy);
    check("read empty, one writer left", read(fds[0], buf, sizeof buf));
    check("dup3 onto 40", dup3(high, 40, O_CLOEXEC));
    printf("FD_CLOEXEC of 40: %d\n", fcntl(40, F_GETFD));
    close(high);
    close(40);
    check("read after the last writer closed", read(fds[0], buf, sizeof buf));
    close(fds[0]);
}

static void vectors(void) {
    int fds[2];
    pipe(fds);
    struct iovec out[3] = {{"one ", 4}, {"two ", 4}, {"three", 5}};
    check("writev", writev(fds[1], out, 3));
    char a[3], b[20] = {0};
    struct iovec in[2] = {{a, sizeof a}, {b, sizeof b}};
    check("readv", readv(fds[0], in, 2));
    printf("readv: %.3s|%s\n", a, b);
    close(fds[0]);
    close(fds[1]);
}

/* readv returns what the first vector got once the pipe has nothing more: it does not wait. */
static void vectors_from_a_writer(void) {
    int fds[2];
    pipe(fds);
    pid_t child = fork();
    if (child == 0) {
        write(fds[1], "0123456789", 10);
        usleep(100000);
        write(fds[1], "second", 6);
        _exit(0);
    }
    close(fds[1]);
    char a[10], b[10];
    struct iovec in[2] = {{a, sizeof a}, {b, sizeof b}};
    long n = readv(fds[0], in, 2);
    printf("readv with a vector to spare: %ld: %.10s\n", n, a);
    char rest[16] = {0};
    check("read after it", read(fds[0], rest, sizeof rest - 1));
    printf("then: %s\n", rest);
    waitpid(child, NULL, 0);
    close(fds[0]);
}

static void polling(void) {
    int fds[2];
    pipe(fds);
    struct pollfd p[3] = {{fds[0], POLLIN, -1}, {fds[1], POLLOUT, -1}, {-1, POLLIN, -1}};
    check("poll empty", poll(p, 3, 0));
    printf("revents: %#x %#x %#x\n", p[0].revents, p[1].revents, p[2].revents);
    write(fds[1], "!", 1);
    check("poll with data", poll(p, 2, 10));
    printf("revents: %#x %#x\n", p[0].revents, p[1].revents);
    check("poll timeout", poll(p, 1, 0) >= 0);
    char c;
    read(fds[0], &c, 1);
    check("poll drained, 20 ms", poll(p, 1, 20));
    close(fds[1]);
    check("poll after writer closed", poll(p, 1, -1));
    printf("revents: %#x\n", p[0].revents);
    struct pollfd bad = {999, POLLIN, 0};
    check("poll closed fd", poll(&bad, 1, 0));
    printf("revents: %#x\n", bad.revents);
    close(fds[0]);

    pipe(fds);
    close(fds[0]);
    struct pollfd w = {fds[1], POLLOUT, 0};
    check("poll write end without readers", poll(&w, 1, 0));
    printf("revents: %#x\n", w.revents);
    close(fds[1]);
}

static void selecting(void) {
    int fds[2];
    pipe(fds);
    fd_set r, w;
    struct timeval zero = {0, 0};
    FD_ZERO(&r);
    FD_ZERO(&w);
    FD_SET(fds[0], &r);
    FD_SET(fds[1], &w);
    int n = select(fds[1] + 1, &r, &w, NULL, &zero);
    printf("select empty: %d read %d write %d\n", n, FD_ISSET(fds[0], &r), FD_ISSET(fds[1], &w));
    write(fds[1], "?", 1);
    FD_SET(fds[0], &r);
    FD_SET(fds[1], &w);
    struct timeval soon = {0, 10000};
    n = select(fds[1] + 1, &r, &w, NULL, &soon);
    printf("select with data: %d read %d write %d, time left %d\n", n, FD_ISSET(fds[0], &r), FD_ISSET(fds[1], &w),
           soon.tv_usec > 0);
    char c;
    read(fds[0], &c, 1);
    FD_ZERO(&r);
    FD_SET(fds[0], &r);
    struct timeval brief = {0, 20000};
    n = select(fds[0] + 1, &r, NULL, NULL, &brief);
    printf("select timed out: %d read %d, time left %ld.%06ld\n", n, FD_ISSET(fds[0], &r), (long)brief.tv_sec,
           (long)brief.tv_usec);
    close(fds[1]);
    FD_SET(fds[0], &r);
    n = select(fds[0] + 1, &r, NULL, NULL, NULL);
    printf("select after the writer closed: %d read %d\n", n, FD_ISSET(fds[0], &r));
    FD_ZERO(&r);
    FD_SET(60, &r);
    n = select(61, &r, NULL, NULL, &zero);
    printf("select on a closed fd: %d %s\n", n, n < 0 ? strerrorname_np(errno) : "");
    struct timeval nap = {0, 1000};
    printf("select as a sleep: %d\n", select(0, NULL, NULL, NULL, &nap));
    close(fds[0]);
}

static void broken(void) {
    int fds[2];
    pipe(fds);
    close(fds[0]);
    signal(SIGPIPE, SIG_IGN);
    check("write without readers (SIGPIPE ignored)", write(fds[1], "x", 1));
    signal(SIGPIPE, SIG_DFL);
    close(fds[1]);
}

static void streams(void) {
    int fds[2];
    pipe(fds);
    FILE *w = fdopen(fds[1], "w");
    for (int i = 0; i < 500; i++) fprintf(w, "line %d\n", i);
    fclose(w);
    FILE *r = fdopen(fds[0], "r");
    char line[64];
    long sum = 0, lines = 0;
    while (fgets(line, sizeof line, r)) {
        sum += atoi(line + 5);
        lines++;
    }
    printf("stdio through a pipe: %ld lines, sum %ld\n", lines, sum);
    fclose(r);
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "deadlock") == 0) {
        /* A blocking read that only this process could satisfy: the kernel would wait forever. */
        int fds[2];
        pipe(fds);
        printf("reading an empty pipe we hold the write end of\n");
        fflush(stdout);
        char c;
        read(fds[0], &c, 1);
        return 1;
    }
    if (argc > 1 && strcmp(argv[1], "sigpipe") == 0) {
        int fds[2];
        pipe(fds);
        close(fds[0]);
        printf("writing to a pipe without readers\n");
        fflush(stdout);
        write(fds[1], "x", 1);
        printf("survived SIGPIPE?\n");
        return 1;
    }
    basic();
    nonblocking();
    duplicates();
    vectors();
    vectors_from_a_writer();
    polling();
    selecting();
    broken();
    streams();
    return 0;
}
