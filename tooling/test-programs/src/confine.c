/*
 * Confinement probe: tries every way out of its root directory it knows and prints one line per
 * attempt ("what: result"), where a result is "ok" (with what was read) or the errno's name.
 * Run as /probe at the top of a root that holds the fixture the confinement test builds, with
 * OUTSIDE (argv[1]) the host directory beside the root that holds the secret. A chroot answers
 * every line the same way; no line may show the secret.
 * Usage: confine OUTSIDE          the escape attempts (compared with qemu in a chroot)
 *        confine OUTSIDE exe      /proc/self/exe (the emulator's own answer, asserted)
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

static char path[PATH_MAX * 2];

static const char *outside(const char *prefix, const char *rest) {
    snprintf(path, sizeof path, "%s%s%s", prefix, getenv("OUTSIDE"), rest);
    return path;
}

static void result(const char *what, long r) {
    if (r < 0) printf("%s: %s\n", what, strerrorname_np(errno));
    else printf("%s: ok\n", what);
}

/* Opens, reads (up to 64 bytes) and prints what came back, with newlines shown as '|'. */
static void read_at(const char *what, int dirfd, const char *p, int flags) {
    int fd = openat(dirfd, p, flags);
    if (fd < 0) {
        printf("%s: %s\n", what, strerrorname_np(errno));
        return;
    }
    char buf[65] = {0};
    ssize_t n = read(fd, buf, 64);
    for (ssize_t i = 0; i < n; i++)
        if (buf[i] == '\n') buf[i] = '|';
    if (n < 0) printf("%s: opened, read %s\n", what, strerrorname_np(errno));
    else printf("%s: ok [%s]\n", what, buf);
    close(fd);
}

static void stat_of(const char *what, const char *p, int flags) {
    struct stat st;
    if (fstatat(AT_FDCWD, p, &st, flags) < 0) printf("%s: %s\n", what, strerrorname_np(errno));
    else printf("%s: ok %s\n", what, S_ISLNK(st.st_mode) ? "symlink" : S_ISDIR(st.st_mode) ? "dir" : "file");
}

static void access_of(const char *what, const char *p, int mode, int flags) {
    result(what, syscall(SYS_faccessat2, AT_FDCWD, p, mode, flags));
}

static void show_cwd(const char *what) {
    char buf[PATH_MAX];
    if (getcwd(buf, sizeof buf) == NULL) printf("%s: %s\n", what, strerrorname_np(errno));
    else printf("%s: %s\n", what, buf);
}

static void symlinks(void) {
    read_at("open absolute symlink", AT_FDCWD, "/abs", O_RDONLY);
    read_at("open relative symlink", AT_FDCWD, "/rel", O_RDONLY);
    read_at("open chained symlinks", AT_FDCWD, "/chain1/secret", O_RDONLY);
    read_at("open through up-link", AT_FDCWD, outside("/updir", "/secret"), O_RDONLY);
    read_at("open dotdot chain", AT_FDCWD, outside("/../../../../../..", "/secret"), O_RDONLY);
    read_at("open relative dotdot chain", AT_FDCWD, outside("../../../../../..", "/secret"), O_RDONLY);
    read_at("open host path", AT_FDCWD, outside("", "/secret"), O_RDONLY);
    read_at("append through absolute symlink", AT_FDCWD, "/abs", O_WRONLY | O_APPEND);
    read_at("create through absolute symlink", AT_FDCWD, "/abs", O_WRONLY | O_CREAT);
    read_at("create through dangling dotdot", AT_FDCWD, outside("/updir", "/created"), O_WRONLY | O_CREAT);
}

static void probes(void) {
    stat_of("stat absolute symlink", "/abs", 0);
    stat_of("lstat absolute symlink", "/abs", AT_SYMLINK_NOFOLLOW);
    stat_of("stat host path", outside("", "/secret"), 0);
    stat_of("stat host dir through up-link", outside("/updir", ""), 0);
    access_of("access absolute symlink", "/abs", F_OK, 0);
    access_of("access X absolute symlink", "/abs", X_OK, 0);
    access_of("access nofollow absolute symlink", "/abs", F_OK, AT_SYMLINK_NOFOLLOW);
    access_of("access X nofollow absolute symlink", "/abs", X_OK, AT_SYMLINK_NOFOLLOW);
    access_of("access nofollow locked symlink", "/locked", R_OK | W_OK | X_OK, AT_SYMLINK_NOFOLLOW);
    access_of("access locked symlink", "/locked", R_OK, 0);
    access_of("access host path", outside("", "/secret"), F_OK, 0);
    char buf[256];
    ssize_t n = readlink("/abs", buf, sizeof buf - 1);
    printf("readlink absolute symlink: %s\n", n < 0 ? strerrorname_np(errno) : n > 0 ? "ok" : "empty");
    read_at("open /proc/self/root", AT_FDCWD, outside("/proc/self/root", "/secret"), O_RDONLY);
    read_at("open /proc/self/cwd", AT_FDCWD, outside("/proc/self/cwd/../../..", "/secret"), O_RDONLY);
    read_at("open /proc/self/fd", AT_FDCWD, "/proc/self/fd/0", O_RDONLY);
    read_at("open /dev/fd", AT_FDCWD, "/dev/fd/0", O_RDONLY);
    read_at("open /proc/self/root inside", AT_FDCWD, "/proc/self/root/etc/hello", O_RDONLY);
    read_at("open /proc/self/root dotdot", AT_FDCWD, outside("/proc/self/root/../../../..", "/secret"), O_RDONLY);
    char link[PATH_MAX];
    n = readlink("/proc/self/root", link, sizeof link - 1);
    printf("readlink /proc/self/root: %.*s\n", (int)(n < 0 ? 0 : n), link);
    n = readlink("/proc/self/cwd", link, sizeof link - 1);
    printf("readlink /proc/self/cwd: %.*s\n", (int)(n < 0 ? 0 : n), link);
    int b = open("/a/b", O_RDONLY | O_DIRECTORY);
    char fdpath[64];
    snprintf(fdpath, sizeof fdpath, "/proc/self/fd/%d", b);
    n = readlink(fdpath, link, sizeof link - 1);
    printf("readlink directory fd: %.*s\n", (int)(n < 0 ? 0 : n), link);
    snprintf(fdpath, sizeof fdpath, "/proc/%d/fd/%d/../x", (int)getpid(), b);
    read_at("open /proc/PID/fd/N/..", AT_FDCWD, fdpath, O_RDONLY);
    snprintf(fdpath, sizeof fdpath, "/proc/%d/fd/%d", (int)getpid(), b);
    snprintf(link, sizeof link, "%s/../../../../..%s/secret", fdpath, getenv("OUTSIDE"));
    read_at("open /proc/PID/fd/N escape", AT_FDCWD, link, O_RDONLY);
    close(b);
    stat_of("stat /proc/self/fd/0", "/proc/self/fd/0", 0);
    stat_of("lstat /proc/self/fd/0", "/proc/self/fd/0", AT_SYMLINK_NOFOLLOW);
    result("truncate absolute symlink", truncate("/abs", 0));
    result("chmod absolute symlink", chmod("/abs", 0777));
}

static void dirfds(void) {
    int a = open("/a", O_PATH | O_DIRECTORY);
    read_at("O_PATH dirfd dotdot", a, "../x", O_RDONLY);
    read_at("O_PATH dirfd escape", a, outside("../../../../../..", "/secret"), O_RDONLY);
    read_at("O_PATH dirfd absolute", a, "/abs", O_RDONLY);
    close(a);
    read_at("dotdot after symlink", AT_FDCWD, "/dirlink/../x", O_RDONLY);
    result("chdir through symlink", chdir("/dirlink"));
    show_cwd("cwd after chdir through symlink");
    read_at("relative dotdot after chdir", AT_FDCWD, "../x", O_RDONLY);
    for (int i = 0; i < 8; i++) chdir("..");
    show_cwd("cwd after climbing");
    int d1 = open("/moving", O_RDONLY | O_DIRECTORY);
    result("rename open directory", rename("/moving", "/moved"));
    result("plant symlink at old name", symlink(outside("", ""), "/moving"));
    int fd = openat(d1, "planted", O_WRONLY | O_CREAT, 0644);
    result("create through renamed dirfd", fd);
    if (fd >= 0) close(fd);
    result("created where the directory went", access("/moved/planted", F_OK));
    close(d1);
    struct stat root, parent;
    stat("/", &root);
    stat("/..", &parent);
    printf("root is its own parent: %d\n", root.st_ino == parent.st_ino);
    DIR *dir = opendir("/");
    int dotdot_is_root = 0;
    for (struct dirent *e; (e = readdir(dir)) != NULL;)
        if (strcmp(e->d_name, "..") == 0) dotdot_is_root = e->d_ino == root.st_ino;
    closedir(dir);
    printf("listing's .. is the root: %d\n", dotdot_is_root); /* 0 in a chroot too */
}

static void changes(void) {
    result("rename onto host path", rename("/victim1", outside("/updir", "/stolen")));
    result("rename host path in", rename(outside("/updir", "/secret"), "/grabbed"));
    result("rename over absolute symlink", rename("/victim2", "/abs2"));
    result("link host path", link(outside("/updir", "/secret"), "/hard1"));
    result("link to outside", link("/etc/hello", outside("/updir", "/hard2")));
    result("link follow absolute symlink", linkat(AT_FDCWD, "/rel", AT_FDCWD, "/hard3", AT_SYMLINK_FOLLOW));
    result("link absolute symlink itself", link("/rel", "/hard4"));
    result("symlink to host path", symlink(outside("", "/secret"), "/planted-link"));
    read_at("open planted symlink", AT_FDCWD, "/planted-link", O_RDONLY);
    result("mkdir outside", mkdir(outside("/updir", "/newdir"), 0755));
    result("unlink host path", unlink(outside("/updir", "/secret")));
    result("unlink absolute symlink", unlink("/abs"));
    result("rmdir root", rmdir("/"));
    result("rmdir root dotdot", rmdir("/.."));
    result("rmdir dot", rmdir("/a/."));
    result("unlink root", unlink("/"));
    result("rename root", rename("/", "/elsewhere"));
    char *args[] = {"x", NULL};
    result("execve host path", execve(outside("", "/program"), args, args + 1));
    result("execve host shell", execve("/bin/sh", args, args + 1));
}

static void names(void) {
    /* A path longer than PATH_MAX: the kernel refuses it; cut short it would be "/". */
    static char longpath[PATH_MAX + 64];
    memset(longpath, '/', sizeof longpath - 1);
    read_at("open path over PATH_MAX", AT_FDCWD, longpath, O_RDONLY | O_DIRECTORY);
    longpath[PATH_MAX - 1] = 0;
    read_at("open path of PATH_MAX-1 bytes", AT_FDCWD, longpath, O_RDONLY | O_DIRECTORY);
    const char raw[] = "/names/\xff\xfe-latin\xe9";
    int fd = open(raw, O_WRONLY | O_CREAT, 0644);
    result("create non-UTF-8 name", fd);
    if (fd >= 0) {
        write(fd, "bytes", 5);
        close(fd);
    }
    read_at("open non-UTF-8 name", AT_FDCWD, raw, O_RDONLY);
    DIR *dir = opendir("/names");
    for (struct dirent *e; dir && (e = readdir(dir)) != NULL;) {
        if (e->d_name[0] == '.') continue;
        printf("listed:");
        for (const unsigned char *c = (const unsigned char *)e->d_name; *c; c++) printf(" %02x", *c);
        printf("\n");
    }
    if (dir) closedir(dir);
}

static void exe(void) {
    char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    buf[n < 0 ? 0 : n] = 0;
    printf("exe readlink: %s\n", n < 0 ? strerrorname_np(errno) : buf);
    read_at("exe append", AT_FDCWD, "/proc/self/exe", O_WRONLY | O_APPEND);
    read_at("exe read-write", AT_FDCWD, "/proc/self/exe", O_RDWR);
    read_at("exe truncate", AT_FDCWD, "/proc/self/exe", O_RDONLY | O_TRUNC);
    int fd = open("/proc/self/exe", O_RDONLY);
    char magic[4] = {0};
    printf("exe read: %s\n", fd >= 0 && read(fd, magic, 4) == 4 && memcmp(magic, "\177ELF", 4) == 0 ? "ELF" : "no");
}

/* A UNIX socket named by path: made and found through the root like every other path. */
static void socket_at(const char *what, const char *p, int do_bind) {
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    snprintf(a.sun_path, sizeof a.sun_path, "%s", p);
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    result(what, do_bind ? bind(s, (struct sockaddr *)&a, sizeof a) : connect(s, (struct sockaddr *)&a, sizeof a));
    close(s);
}

static void sockets(void) {
    socket_at("bind host path", outside("", "/planted.sock"), 1);
    socket_at("bind through climbing symlink", outside("/updir", "/planted.sock"), 1);
    socket_at("bind through symlink chain", "/chain1/planted.sock", 1);
    socket_at("bind over absolute symlink", "/abs", 1);
    socket_at("connect host path", outside("", "/secret"), 0);
    socket_at("connect through symlink", "/rel", 0);
    socket_at("bind inside", "/a/inside.sock", 1);
    socket_at("connect inside without listener", "/a/inside.sock", 0);
    unlink("/a/inside.sock");
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc < 2) return 2;
    setenv("OUTSIDE", argv[1], 1);
    if (argc > 2 && strcmp(argv[2], "exe") == 0) {
        exe();
        return 0;
    }
    symlinks();
    probes();
    dirfds();
    names();
    sockets();
    changes();
    return 0;
}
