/*
 * Newer descriptor calls, each printing what it returned (and errno by name):
 *   fallocate    modes 0, KEEP_SIZE, PUNCH_HOLE|KEEP_SIZE, ZERO_RANGE and the checks before them
 *   close_range  a range, CLOSE_RANGE_CLOEXEC, CLOSE_RANGE_UNSHARE, bad arguments
 *   memfd_create write/read/lseek/ftruncate/fstat, MAP_SHARED, /proc/self/fd, seals, bad arguments
 *   copy_file_range and sendfile between files, to a pipe, with and without offsets; splice
 * With the argument "seek" (stdin a regular file): lseek and pread on stdin, on /dev/null and
 * /dev/zero, SEEK_DATA and SEEK_HOLE, and on a pipe.
 * With the arguments "xattr FILE": the extended attribute calls on FILE (which exists), by path and
 * by descriptor, and their checks.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

static void report(const char *what, long r) {
    if (r < 0)
        printf("%s: -1 %s\n", what, strerrorname_np(errno));
    else
        printf("%s: %ld\n", what, r);
}

static long size_of(int fd) {
    struct stat st;
    return fstat(fd, &st) == 0 ? (long)st.st_size : -1;
}

static void show_bytes(const char *what, int fd, off_t at, size_t n) {
    unsigned char buf[64];
    ssize_t got = pread(fd, buf, n, at);
    printf("%s:", what);
    for (ssize_t i = 0; i < got; i++) printf(" %02x", buf[i]);
    printf("\n");
}

static void falloc(void) {
    int fd = open("falloc.bin", O_RDWR | O_CREAT | O_TRUNC, 0644);
    report("fallocate 0 0+8192", fallocate(fd, 0, 0, 8192));
    printf("size %ld\n", size_of(fd));
    report("fallocate KEEP_SIZE 0+65536", fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 65536));
    printf("size %ld\n", size_of(fd));
    report("fallocate 0 4096+100 (inside)", fallocate(fd, 0, 4096, 100));
    printf("size %ld\n", size_of(fd));
    pwrite(fd, "ABCDEFGHIJKLMNOP", 16, 100);
    report("fallocate PUNCH_HOLE|KEEP_SIZE 104+4", fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 104, 4));
    show_bytes("after punch", fd, 100, 16);
    printf("size %ld\n", size_of(fd));
    pwrite(fd, "ABCDEFGHIJKLMNOP", 16, 8180);
    report("fallocate ZERO_RANGE 8184+100", fallocate(fd, FALLOC_FL_ZERO_RANGE, 8184, 100));
    show_bytes("after zero range", fd, 8180, 16);
    printf("size %ld\n", size_of(fd));
    report("fallocate len 0", fallocate(fd, 0, 0, 0));
    report("fallocate offset -1", fallocate(fd, 0, -1, 10));
    report("fallocate unknown mode 0x80", fallocate(fd, 0x80, 0, 10));
    report("fallocate PUNCH_HOLE alone", fallocate(fd, FALLOC_FL_PUNCH_HOLE, 0, 10));
    report("fallocate bad fd", fallocate(999, 0, 0, 10));
    close(fd);
    fd = open("falloc.bin", O_RDONLY);
    report("fallocate read-only", fallocate(fd, 0, 0, 10));
    close(fd);
    fd = open("falloc.bin", O_WRONLY | O_APPEND);
    report("fallocate O_APPEND 0+9000", fallocate(fd, 0, 0, 9000));
    printf("size %ld\n", size_of(fd));
    close(fd);
    int p[2];
    pipe(p);
    report("fallocate pipe", fallocate(p[1], 0, 0, 10));
    close(p[0]);
    close(p[1]);
    unlink("falloc.bin");
}

static void show_fds(const char *what, int from, int to) {
    printf("%s:", what);
    for (int fd = from; fd <= to; fd++) {
        int flags = fcntl(fd, F_GETFD);
        printf(" %d=%s", fd, flags < 0 ? "closed" : flags & FD_CLOEXEC ? "cloexec" : "open");
    }
    printf("\n");
}

static void closerange(void) {
    for (int fd = 3; fd <= 9; fd++) dup2(1, fd);
    show_fds("before", 3, 9);
    report("close_range 4..6", syscall(SYS_close_range, 4, 6, 0));
    show_fds("after", 3, 9);
    report("close_range 7..~0 CLOEXEC", syscall(SYS_close_range, 7, ~0U, CLOSE_RANGE_CLOEXEC));
    show_fds("after", 3, 9);
    report("close_range 9..~0 UNSHARE", syscall(SYS_close_range, 9, ~0U, CLOSE_RANGE_UNSHARE));
    show_fds("after", 3, 9);
    report("close_range 6..5", syscall(SYS_close_range, 6, 5, 0));
    report("close_range bad flag", syscall(SYS_close_range, 3, 4, 0x8));
    report("close_range 3..~0", syscall(SYS_close_range, 3, ~0U, 0));
    show_fds("after", 3, 9);
}

static void memfd(void) {
    int fd = memfd_create("demo", MFD_CLOEXEC);
    printf("memfd fd >= 3: %d\n", fd >= 3);
    printf("F_GETFD %d\n", fcntl(fd, F_GETFD));
    printf("F_GETFL accmode %d\n", fcntl(fd, F_GETFL) & O_ACCMODE);
    char link[256] = "";
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(path, link, sizeof link - 1);
    printf("link: %s\n", n < 0 ? strerrorname_np(errno) : link);
    report("write", write(fd, "hello world", 11));
    report("lseek", lseek(fd, 0, SEEK_CUR));
    report("lseek 6", lseek(fd, 6, SEEK_SET));
    char buf[32] = "";
    report("read", read(fd, buf, sizeof buf - 1));
    printf("read text: %s\n", buf);
    report("ftruncate 4096", ftruncate(fd, 4096));
    struct stat st;
    fstat(fd, &st);
    printf("fstat: reg %d perm %o nlink %ld size %ld\n", S_ISREG(st.st_mode), st.st_mode & 0777, (long)st.st_nlink,
           (long)st.st_size);
    char *map = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    printf("mmap: %s\n", map == MAP_FAILED ? strerrorname_np(errno) : "ok");
    printf("mapped sees: %.11s\n", map);
    memcpy(map, "HELLO", 5);
    show_bytes("file after store", fd, 0, 8);
    pid_t child = fork();
    if (child == 0) {
        memcpy(map + 6, "CHILD", 5);
        _exit(0);
    }
    waitpid(child, NULL, 0);
    show_bytes("file after child", fd, 0, 11);
    int opened = open(path, O_RDWR);
    printf("reopen via /proc: %s\n", opened < 0 ? strerrorname_np(errno) : "ok");
    if (opened >= 0) {
        show_bytes("reopened reads", opened, 0, 5);
        close(opened);
    }
    report("F_GET_SEALS without sealing", fcntl(fd, F_GET_SEALS));
    report("F_ADD_SEALS without sealing", fcntl(fd, F_ADD_SEALS, F_SEAL_GROW));
    close(fd);

    fd = memfd_create("sealed", MFD_ALLOW_SEALING);
    printf("F_GETFD %d\n", fcntl(fd, F_GETFD));
    report("F_GET_SEALS", fcntl(fd, F_GET_SEALS));
    write(fd, "0123456789", 10);
    report("F_ADD_SEALS SHRINK|GROW", fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW));
    report("F_GET_SEALS", fcntl(fd, F_GET_SEALS));
    report("ftruncate 5 (shrink)", ftruncate(fd, 5));
    report("ftruncate 20 (grow)", ftruncate(fd, 20));
    report("pwrite inside", pwrite(fd, "ab", 2, 0));
    report("pwrite past the end", pwrite(fd, "ab", 2, 9));
    report("F_ADD_SEALS WRITE|SEAL", fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SEAL));
    report("pwrite sealed", pwrite(fd, "ab", 2, 0));
    report("F_ADD_SEALS after SEAL", fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK));
    report("F_GET_SEALS", fcntl(fd, F_GET_SEALS));
    close(fd);

    int file = open("plain", O_RDWR | O_CREAT, 0600);
    report("F_GET_SEALS on a file", fcntl(file, F_GET_SEALS));
    report("F_ADD_SEALS on a file", fcntl(file, F_ADD_SEALS, F_SEAL_GROW));
    close(file);
    unlink("plain");

    char longname[260];
    memset(longname, 'n', 250);
    longname[250] = 0;
    report("memfd_create long name", memfd_create(longname, 0));
    report("memfd_create bad flag", memfd_create("x", 0x100));
    fd = memfd_create("", 0);
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    n = readlink(path, link, sizeof link - 1);
    link[n < 0 ? 0 : n] = 0;
    printf("empty name link: %s\n", link);
    close(fd);
}

static void copies(void) {
    int src = open("src", O_RDWR | O_CREAT | O_TRUNC, 0644);
    for (int i = 0; i < 1000; i++) write(src, "0123456789", 10);
    int dst = open("dst", O_RDWR | O_CREAT | O_TRUNC, 0644);
    lseek(src, 100, SEEK_SET);
    report("copy_file_range by positions", copy_file_range(src, NULL, dst, NULL, 25, 0));
    printf("positions %ld %ld\n", (long)lseek(src, 0, SEEK_CUR), (long)lseek(dst, 0, SEEK_CUR));
    loff_t in = 5, out = 1000;
    report("copy_file_range by offsets", copy_file_range(src, &in, dst, &out, 7, 0));
    printf("offsets %ld %ld, positions %ld %ld, size %ld\n", (long)in, (long)out, (long)lseek(src, 0, SEEK_CUR),
           (long)lseek(dst, 0, SEEK_CUR), size_of(dst));
    show_bytes("dst", dst, 995, 12);
    in = 9990;
    report("copy_file_range past the end", copy_file_range(src, &in, dst, NULL, 100, 0));
    in = 20000;
    report("copy_file_range at the end", copy_file_range(src, &in, dst, NULL, 100, 0));
    in = 0, out = 10;
    report("copy_file_range overlapping", copy_file_range(src, &in, src, &out, 100, 0));
    report("copy_file_range flags", copy_file_range(src, NULL, dst, NULL, 10, 1));
    int ro = open("dst", O_RDONLY), ap = open("dst", O_WRONLY | O_APPEND);
    report("copy_file_range to read-only", copy_file_range(src, NULL, ro, NULL, 10, 0));
    report("copy_file_range to O_APPEND", copy_file_range(src, NULL, ap, NULL, 10, 0));
    int p[2];
    pipe(p);
    report("copy_file_range to a pipe", copy_file_range(src, NULL, p[1], NULL, 10, 0));
    report("copy_file_range from a pipe", copy_file_range(p[0], NULL, dst, NULL, 10, 0));

    lseek(src, 0, SEEK_SET);
    lseek(dst, 0, SEEK_SET);
    report("sendfile file to file", sendfile(dst, src, NULL, 30));
    printf("positions %ld %ld\n", (long)lseek(src, 0, SEEK_CUR), (long)lseek(dst, 0, SEEK_CUR));
    off_t off = 42;
    report("sendfile to a pipe at an offset", sendfile(p[1], src, &off, 8));
    char buf[16] = "";
    read(p[0], buf, 8);
    printf("pipe got %s, offset %ld, position %ld\n", buf, (long)off, (long)lseek(src, 0, SEEK_CUR));
    report("sendfile count 0", sendfile(dst, src, NULL, 0));
    report("sendfile from a pipe", sendfile(dst, p[0], NULL, 10));
    report("sendfile to O_APPEND", sendfile(ap, src, NULL, 10));
    report("sendfile bad fd", sendfile(999, src, NULL, 10));

    loff_t at = 10;
    report("splice file to pipe at an offset", splice(src, &at, p[1], NULL, 6, 0));
    printf("offset %ld, position %ld\n", (long)at, (long)lseek(src, 0, SEEK_CUR));
    int q[2];
    pipe(q);
    report("splice pipe to pipe", splice(p[0], NULL, q[1], NULL, 4, 0));
    lseek(dst, 0, SEEK_SET);
    report("splice pipe to file", splice(q[0], NULL, dst, NULL, 100, 0));
    printf("dst position %ld\n", (long)lseek(dst, 0, SEEK_CUR));
    show_bytes("dst starts", dst, 0, 6);
    report("splice the rest by position", splice(p[0], NULL, dst, NULL, 100, 0));
    report("splice empty pipe NONBLOCK", splice(p[0], NULL, dst, NULL, 10, SPLICE_F_NONBLOCK));
    report("splice no pipe", splice(src, NULL, dst, NULL, 10, 0));
    report("splice offset on a pipe", splice(p[0], &at, dst, NULL, 10, 0));
    report("splice bad flags", splice(src, NULL, p[1], NULL, 10, 0x100));
    report("splice len 0", splice(src, NULL, p[1], NULL, 0, 0));
    close(q[0]);
    close(q[1]);
    close(p[0]);
    close(p[1]);
    close(ro);
    close(ap);
    close(src);
    close(dst);
    unlink("src");
    unlink("dst");
}

static void seeks(void) {
    report("lseek stdin SEEK_END", lseek(0, 0, SEEK_END));
    report("lseek stdin 2", lseek(0, 2, SEEK_SET));
    char buf[16] = "";
    report("read stdin", read(0, buf, 3));
    printf("read: %.3s\n", buf);
    report("lseek stdin SEEK_CUR", lseek(0, 0, SEEK_CUR));
    report("pread stdin", pread(0, buf, 4, 0));
    printf("pread: %.4s\n", buf);
    report("lseek stdin SEEK_DATA 1", lseek(0, 1, SEEK_DATA));
    report("lseek stdin SEEK_HOLE 1", lseek(0, 1, SEEK_HOLE));
    report("lseek stdin SEEK_DATA past the end", lseek(0, 1000, SEEK_DATA));
    report("lseek stdin whence 9", lseek(0, 0, 9));
    int null = open("/dev/null", O_RDWR), zero = open("/dev/zero", O_RDONLY);
    report("lseek /dev/null 10", lseek(null, 10, SEEK_SET));
    report("lseek /dev/null SEEK_END", lseek(null, 5, SEEK_END));
    report("lseek /dev/zero 7", lseek(zero, 7, SEEK_SET));
    memset(buf, 'x', sizeof buf);
    report("pread /dev/zero", pread(zero, buf, 3, 100));
    printf("zeros: %d %d %d\n", buf[0], buf[1], buf[2]);
    report("pread /dev/null", pread(null, buf, 3, 0));
    int p[2];
    pipe(p);
    report("lseek pipe", lseek(p[0], 0, SEEK_SET));
    report("pread pipe", pread(p[0], buf, 1, 0));
    close(p[0]);
    close(p[1]);
    close(null);
    close(zero);
}

static void xattrs(const char *file) {
    int fd = open(file, O_RDONLY);
    char buf[64];
    report("setxattr", setxattr(file, "user.k", "v", 1, 0));
    report("lsetxattr", lsetxattr(file, "user.k", "v", 1, 0));
    report("fsetxattr", fsetxattr(fd, "user.k", "v", 1, 0));
    report("getxattr", getxattr(file, "user.k", buf, sizeof buf));
    report("lgetxattr", lgetxattr(file, "user.k", buf, sizeof buf));
    report("fgetxattr", fgetxattr(fd, "user.k", buf, sizeof buf));
    report("getxattr acl", getxattr(file, "system.posix_acl_access", buf, sizeof buf));
    report("listxattr", listxattr(file, buf, sizeof buf));
    report("llistxattr", llistxattr(file, buf, sizeof buf));
    report("flistxattr", flistxattr(fd, buf, sizeof buf));
    report("removexattr", removexattr(file, "user.k"));
    report("lremovexattr", lremovexattr(file, "user.k"));
    report("fremovexattr", fremovexattr(fd, "user.k"));
    report("getxattr missing file", getxattr("missing", "user.k", buf, sizeof buf));
    report("setxattr missing file", setxattr("missing", "user.k", "v", 1, 0));
    report("listxattr missing file", listxattr("missing", buf, sizeof buf));
    report("removexattr missing file", removexattr("missing", "user.k"));
    report("fgetxattr bad fd", fgetxattr(999, "user.k", buf, sizeof buf));
    report("fsetxattr bad fd", fsetxattr(999, "user.k", "v", 1, 0));
    report("flistxattr bad fd", flistxattr(999, buf, sizeof buf));
    report("fremovexattr bad fd", fremovexattr(999, "user.k"));
    report("setxattr empty name", setxattr(file, "", "v", 1, 0));
    report("setxattr bad flags", setxattr(file, "user.k", "v", 1, 4));
    close(fd);
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 1 && strcmp(argv[1], "seek") == 0) {
        seeks();
        return 0;
    }
    if (argc > 2 && strcmp(argv[1], "xattr") == 0) {
        xattrs(argv[2]);
        return 0;
    }
    falloc();
    closerange();
    memfd();
    copies();
    return 0;
}
