/*
 * Changing a file's mode, owner and times through a descriptor or a path: fchmod, fchown,
 * fchownat (AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH), lchown, utimensat and futimens (UTIME_NOW,
 * UTIME_OMIT, AT_SYMLINK_NOFOLLOW), each with the errors a program meets. Runs in a scratch
 * directory. Owners are set to the caller's own ids (what any user may do). Times are set with
 * whole microseconds: arm64kit keeps times to the microsecond (Node's utimes), the kernel to the
 * nanosecond. "Now" is checked to lie between two clock readings, not printed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static void result(const char *what, long r) {
    printf("%s: %ld %s\n", what, r, r < 0 ? strerrorname_np(errno) : "ok");
}

static void times_of(const char *what, const char *path, int flags) {
    struct stat st;
    if (fstatat(AT_FDCWD, path, &st, flags) < 0) {
        printf("%s: %s\n", what, strerrorname_np(errno));
        return;
    }
    printf("%s: atime %ld.%09ld mtime %ld.%09ld\n", what, (long)st.st_atim.tv_sec, st.st_atim.tv_nsec,
           (long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
}

static void mode_of(const char *what, const char *path) {
    struct stat st;
    stat(path, &st);
    printf("%s: %o\n", what, st.st_mode & 07777);
}

static int within(struct timespec t, struct timespec lo, struct timespec hi) {
    long long v = t.tv_sec * 1000000000LL + t.tv_nsec;
    /* The host may round "now" down to its clock tick: allow 10 ms either side. */
    return v >= lo.tv_sec * 1000000000LL + lo.tv_nsec - 10000000LL &&
           v <= hi.tv_sec * 1000000000LL + hi.tv_nsec + 10000000LL;
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    int fd = open("file", O_RDWR | O_CREAT | O_TRUNC, 0600);
    write(fd, "data", 4);
    symlink("file", "link");
    mkdir("dir", 0755);

    /* fchmod: the mode through the descriptor, special bits kept, file type bits ignored. */
    result("fchmod 0640", fchmod(fd, 0640));
    mode_of("mode", "file");
    result("fchmod 04755", fchmod(fd, 0104755));
    mode_of("mode", "file");
    result("fchmod bad fd", fchmod(99, 0644));
    int pipes[2];
    pipe(pipes);
    fchmod(fd, 0644);

    /* Owners: to our own ids, -1 leaves one unchanged. */
    uid_t uid = getuid();
    gid_t gid = getgid();
    result("fchown own ids", fchown(fd, uid, gid));
    result("fchown -1 -1", fchown(fd, -1, -1));
    result("fchown bad fd", fchown(99, uid, gid));
    result("lchown of the link", lchown("link", uid, gid));
    result("chown through the link", chown("link", uid, gid));
    result("fchownat nofollow", fchownat(AT_FDCWD, "link", uid, gid, AT_SYMLINK_NOFOLLOW));
    result("fchownat missing", fchownat(AT_FDCWD, "missing", uid, gid, 0));
    result("fchownat bad flag", fchownat(AT_FDCWD, "file", uid, gid, 0x2));
    result("fchownat empty path without AT_EMPTY_PATH", fchownat(fd, "", uid, gid, 0));
    result("fchownat AT_EMPTY_PATH", fchownat(fd, "", uid, gid, AT_EMPTY_PATH));
    int dir = open("dir", O_RDONLY | O_DIRECTORY);
    close(open("dir/inner", O_CREAT | O_WRONLY, 0644));
    result("fchownat relative to a directory", fchownat(dir, "inner", uid, gid, 0));
    struct stat st;
    stat("file", &st);
    printf("owner kept: %d\n", st.st_uid == uid && st.st_gid == gid);

    /* utimensat: exact times, UTIME_OMIT, UTIME_NOW. */
    struct timespec set[2] = {{1000000000, 123456000}, {1500000000, 999999000}};
    result("utimensat", utimensat(AT_FDCWD, "file", set, 0));
    times_of("file", "file", 0);
    /* Whole microseconds at today's dates, where seconds as a double are not exact. */
    struct timespec recent[2] = {{1796677674, 685891000}, {1796677674, 999999000}};
    result("utimensat recent", utimensat(AT_FDCWD, "file", recent, 0));
    times_of("file", "file", 0);
    struct timespec omit_atime[2] = {{0, UTIME_OMIT}, {1600000000, 5000}};
    result("utimensat UTIME_OMIT atime", utimensat(AT_FDCWD, "file", omit_atime, 0));
    times_of("file", "file", 0);
    struct timespec omit_mtime[2] = {{1700000000, 0}, {0, UTIME_OMIT}};
    result("futimens UTIME_OMIT mtime", futimens(fd, omit_mtime));
    times_of("file", "file", 0);
    struct timespec lo, hi;
    clock_gettime(CLOCK_REALTIME, &lo);
    struct timespec now_atime[2] = {{0, UTIME_NOW}, {0, UTIME_OMIT}};
    result("utimensat UTIME_NOW atime", utimensat(AT_FDCWD, "file", now_atime, 0));
    clock_gettime(CLOCK_REALTIME, &hi);
    stat("file", &st);
    printf("atime is now: %d, mtime kept: %ld\n", within(st.st_atim, lo, hi), (long)st.st_mtim.tv_sec);
    clock_gettime(CLOCK_REALTIME, &lo);
    result("futimens NULL", futimens(fd, NULL));
    clock_gettime(CLOCK_REALTIME, &hi);
    stat("file", &st);
    printf("both now: %d %d\n", within(st.st_atim, lo, hi), within(st.st_mtim, lo, hi));

    /* Through a link, or on the link itself. */
    struct timespec linked[2] = {{1100000000, 0}, {1200000000, 0}};
    result("utimensat through the link", utimensat(AT_FDCWD, "link", linked, 0));
    times_of("file", "file", 0);
    struct timespec own[2] = {{1300000000, 0}, {1400000000, 250000}};
    result("utimensat AT_SYMLINK_NOFOLLOW", utimensat(AT_FDCWD, "link", own, AT_SYMLINK_NOFOLLOW));
    times_of("link itself", "link", AT_SYMLINK_NOFOLLOW);
    times_of("file", "file", 0);
    result("utimensat relative to a directory", utimensat(dir, "inner", set, 0));
    times_of("dir/inner", "dir/inner", 0);

    /* Errors. */
    struct timespec bad[2] = {{0, 1000000000}, {0, 0}};
    result("utimensat nsec out of range", utimensat(AT_FDCWD, "file", bad, 0));
    struct timespec negative[2] = {{0, -1}, {0, 0}};
    result("utimensat negative nsec", utimensat(AT_FDCWD, "file", negative, 0));
    result("utimensat missing", utimensat(AT_FDCWD, "missing", set, 0));
    result("utimensat bad flag", utimensat(AT_FDCWD, "file", set, 0x2));
    result("utimensat empty path", utimensat(fd, "", set, 0));
    result("utimensat AT_EMPTY_PATH", utimensat(fd, "", set, AT_EMPTY_PATH));
    result("futimens bad fd", futimens(99, set));
    result("utimensat null path with flags", syscall(SYS_utimensat, fd, NULL, set, AT_SYMLINK_NOFOLLOW));
    close(fd);
    close(dir);
    return 0;
}
