/*
 * What /proc/self and /dev say of the running program, printed only where every Linux (and
 * qemu-user, which answers /proc/self itself) must agree: the program's own path, its
 * descriptors, argv and environment bytes, its ids in stat and status, the devices, and what it
 * shares with the host process (cgroup, namespace maps, login session).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Reads a whole file (up to 64 KiB); returns its length or -1. */
static ssize_t slurp(const char *path, char *buf, size_t size) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    ssize_t total = 0, n;
    while (total < (ssize_t)size && (n = read(fd, buf + total, size - total)) > 0) total += n;
    close(fd);
    return total;
}

/* Prints bytes with NULs as '|' (argv and environment are NUL-separated). */
static void show_bytes(const char *what, const char *buf, ssize_t n) {
    printf("%s (%zd bytes): ", what, n);
    for (ssize_t i = 0; i < n; i++) putchar(buf[i] == 0 ? '|' : buf[i]);
    putchar('\n');
}

static void self_links(const char *argv0) {
    char link[PATH_MAX], real[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", link, sizeof link - 1);
    link[n < 0 ? 0 : n] = 0;
    printf("exe is the program: %d\n", realpath(argv0, real) != NULL && strcmp(link, real) == 0);
    int fd = open("/proc/self/exe", O_RDONLY);
    char magic[4] = {0};
    printf("exe opens the program: %d\n", fd >= 0 && read(fd, magic, 4) == 4 && memcmp(magic, "\177ELF", 4) == 0);
    if (fd >= 0) close(fd);
    n = readlink("/proc/self/cwd", link, sizeof link - 1);
    link[n < 0 ? 0 : n] = 0;
    printf("cwd is getcwd: %d\n", getcwd(real, sizeof real) != NULL && strcmp(link, real) == 0);
}

static void descriptors(void) {
    int fds[2];
    if (pipe(fds) != 0) return;
    int null = open("/dev/null", O_RDONLY);
    char path[64], link[PATH_MAX];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fds[0]);
    ssize_t n = readlink(path, link, sizeof link - 1);
    printf("pipe link: %.*s\n", n < 0 ? 0 : 6, link); /* "pipe:[" and the inode, which differs */
    snprintf(path, sizeof path, "/proc/self/fd/%d", null);
    n = readlink(path, link, sizeof link - 1);
    printf("null link: %.*s\n", (int)(n < 0 ? 0 : n), link);
    /* Reopening a pipe's read end through /proc gives another reader of the same pipe. */
    snprintf(path, sizeof path, "/proc/self/fd/%d", fds[0]);
    int again = open(path, O_RDONLY);
    write(fds[1], "via-proc", 8);
    char buf[16] = {0};
    printf("reopened pipe reads: %s\n", again >= 0 && read(again, buf, 8) == 8 ? buf : strerrorname_np(errno));
    int seen[4] = {0};
    DIR *dir = opendir("/proc/self/fd");
    for (struct dirent *e; dir && (e = readdir(dir)) != NULL;) {
        int fd = atoi(e->d_name);
        if (e->d_name[0] == '.') continue;
        if (fd == fds[0]) seen[0] = e->d_type == DT_LNK;
        if (fd == fds[1]) seen[1] = e->d_type == DT_LNK;
        if (fd == null) seen[2] = 1;
        if (fd == dirfd(dir)) seen[3] = 1;
    }
    if (dir) closedir(dir);
    printf("listed: pipe %d %d, null %d, the listing's own %d\n", seen[0], seen[1], seen[2], seen[3]);
    snprintf(path, sizeof path, "/dev/fd/%d", null);
    printf("/dev/fd opens: %d\n", access(path, R_OK) == 0);
    close(again);
    close(null);
    close(fds[0]);
    close(fds[1]);
}

static void devices(void) {
    char buf[8];
    memset(buf, 'x', sizeof buf);
    int fd = open("/dev/zero", O_RDONLY);
    printf("zero reads: %zd [%d]\n", read(fd, buf, sizeof buf), buf[0] == 0 && buf[7] == 0);
    close(fd);
    fd = open("/dev/null", O_RDWR);
    printf("null reads %zd, writes %zd\n", read(fd, buf, sizeof buf), write(fd, buf, sizeof buf));
    close(fd);
    fd = open("/dev/full", O_WRONLY);
    ssize_t n = write(fd, buf, sizeof buf);
    printf("full writes: %zd %s\n", n, n < 0 ? strerrorname_np(errno) : "");
    close(fd);
    fd = open("/dev/urandom", O_RDONLY);
    printf("urandom reads: %zd\n", read(fd, buf, sizeof buf));
    close(fd);
    printf("stdin link: %d\n", readlink("/dev/stdin", buf, sizeof buf) > 0);
}

static void ids(void) {
    static char buf[65536];
    ssize_t n = slurp("/proc/self/stat", buf, sizeof buf - 1);
    buf[n < 0 ? 0 : n] = 0;
    int pid = 0, ppid = 0;
    char comm[64] = {0}, state = 0;
    char *close_paren = strrchr(buf, ')');
    if (close_paren && sscanf(buf, "%d (", &pid) == 1 && sscanf(close_paren + 2, "%c %d", &state, &ppid) == 2) {
        char *open_paren = strchr(buf, '(');
        snprintf(comm, sizeof comm, "%.*s", (int)(close_paren - open_paren - 1), open_paren + 1);
    }
    printf("stat: pid %d, comm %s, ppid %d\n", pid == getpid(), comm, ppid == getppid());
    n = slurp("/proc/self/status", buf, sizeof buf - 1);
    buf[n < 0 ? 0 : n] = 0;
    char *p = strstr(buf, "\nPid:\t"), *pp = strstr(buf, "\nPPid:\t");
    printf("status: Pid %d, PPid %d\n", p && atoi(p + 6) == getpid(), pp && atoi(pp + 7) == getppid());
}

/*
 * Files every process of a run shares with the host process it lives in (its control group, user
 * namespace maps, login session, out-of-memory standing), whole, and as a forked child reads them;
 * and the host's network, as /proc/net shows it.
 */
static void host_shared(void) {
    static const char *names[] = {"cgroup", "uid_map", "gid_map", "setgroups", "loginuid",
                                  "sessionid", "oom_score_adj", "oom_adj", NULL};
    static char buf[65536], again[65536];
    char path[64];
    for (const char **name = names; *name; name++) {
        snprintf(path, sizeof path, "/proc/self/%s", *name);
        ssize_t n = slurp(path, buf, sizeof buf);
        show_bytes(*name, buf, n);
        pid_t child = fork();
        if (child == 0) _exit(slurp(path, again, sizeof again) == n && memcmp(buf, again, n < 0 ? 0 : n) == 0 ? 0 : 1);
        int status = 0;
        waitpid(child, &status, 0);
        printf("  a child reads the same: %d\n", WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    ssize_t n = slurp("/proc/self/oom_score", buf, sizeof buf - 1);
    buf[n < 0 ? 0 : n] = 0;
    long score = strtol(buf, NULL, 10);
    printf("oom_score a score: %d\n", n > 0 && score >= 0 && score <= 2000);
    show_bytes("/proc/cmdline", buf, slurp("/proc/cmdline", buf, sizeof buf));
    n = slurp("/proc/cgroups", buf, sizeof buf - 1);
    buf[n < 0 ? 0 : n] = 0;
    /* The controllers by name; how many groups each has changes as the host runs. */
    printf("/proc/cgroups controllers:");
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) printf(" %.*s", (int)strcspn(line, "\t"), line);
    putchar('\n');
    /* The host's network namespace: its interfaces by name (their counters move), the routes' header. */
    n = readlink("/proc/net", buf, sizeof buf - 1);
    buf[n < 0 ? 0 : n] = 0;
    printf("/proc/net -> %s\n", buf);
    n = slurp("/proc/net/dev", buf, sizeof buf - 1);
    buf[n < 0 ? 0 : n] = 0;
    printf("/proc/net/dev interfaces:");
    int row = 0;
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
        if (row++ >= 2) printf(" %.*s", (int)strcspn(line + strspn(line, " "), ":"), line + strspn(line, " "));
    putchar('\n');
    n = slurp("/proc/self/net/route", buf, sizeof buf - 1);
    buf[n < 0 ? 0 : n] = 0;
    printf("/proc/self/net/route: %.*s\n", (int)strcspn(buf, "\n"), buf);
}

/* The namespaces, shared with the host process: each link's name and the inode stat gives it. */
static void namespaces(void) {
    static const char *names[] = {"cgroup", "ipc", "mnt", "net", "pid", "user", "uts", NULL};
    char path[64], link[128];
    for (const char **name = names; *name; name++) {
        snprintf(path, sizeof path, "/proc/self/ns/%s", *name);
        ssize_t n = readlink(path, link, sizeof link - 1);
        link[n < 0 ? 0 : n] = 0;
        struct stat st;
        int stated = stat(path, &st);
        char expected[128];
        snprintf(expected, sizeof expected, "%s:[%lu]", *name, stated == 0 ? (unsigned long)st.st_ino : 0ul);
        printf("ns/%s: %s, stat gives its inode: %d\n", *name, link, stated == 0 && strcmp(link, expected) == 0);
    }
}

/*
 * The locks this process holds, as /proc/locks lists them: a POSIX write lock and a read lock
 * beside it, an OFD read lock to the end of the file, and a flock lock, each on a file of its
 * own. Lines are picked by the files' inodes and printed without their number, sorted (the host
 * lists every process's locks, in its own order).
 */
static void locks(void) {
    char names[3][64];
    int fds[3];
    unsigned long inodes[3];
    for (int i = 0; i < 3; i++) {
        snprintf(names[i], sizeof names[i], "/tmp/procfs-locks-%d-%d", (int)getpid(), i);
        fds[i] = open(names[i], O_RDWR | O_CREAT | O_TRUNC, 0600);
        struct stat st;
        fstat(fds[i], &st);
        inodes[i] = (unsigned long)st.st_ino;
    }
    struct flock posix = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10};
    fcntl(fds[0], F_SETLK, &posix);
    struct flock beside = {.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 20, .l_len = 5};
    fcntl(fds[0], F_SETLK, &beside);
    struct flock ofd = {.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 5, .l_len = 0};
    printf("ofd lock: %d\n", fcntl(fds[1], F_OFD_SETLK, &ofd));
    printf("flock: %d\n", flock(fds[2], LOCK_SH));
    static char buf[65536];
    ssize_t n = slurp("/proc/locks", buf, sizeof buf - 1);
    buf[n < 0 ? 0 : n] = 0;
    char *mine[16];
    int count = 0;
    for (char *line = strtok(buf, "\n"); line && count < 16; line = strtok(NULL, "\n")) {
        for (int i = 0; i < 3; i++) {
            char inode[32];
            snprintf(inode, sizeof inode, ":%lu ", inodes[i]);
            if (strstr(line, inode)) mine[count++] = strchr(line, ' ') + 1;
        }
    }
    for (int i = 0; i < count; i++)
        for (int j = i + 1; j < count; j++)
            if (strcmp(mine[j], mine[i]) < 0) {
                char *t = mine[i];
                mine[i] = mine[j];
                mine[j] = t;
            }
    for (int i = 0; i < count; i++) {
        /* The pid and the file are this run's: say whether the pid is its own, leave the file out. */
        char kind[16], mode[16], type[16], file[64], start[32], end[32];
        int holder = 0;
        if (sscanf(mine[i], "%15s %15s %15s %d %63s %31s %31s", kind, mode, type, &holder, file, start, end) != 7) {
            printf("lock: unparsed: %s\n", mine[i]);
            continue;
        }
        printf("lock: %s %s %s %s %s %s\n", kind, mode, type,
               holder == getpid() ? "own-pid" : holder == -1 ? "-1" : "other-pid", start, end);
    }
    for (int i = 0; i < 3; i++) {
        close(fds[i]);
        unlink(names[i]);
    }
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    /* Runs itself again through /proc/self/exe, as programs that re-execute themselves do. */
    if (argc > 1 && strcmp(argv[1], "reexec") == 0) {
        char *again[] = {argv[0], "reexeced", NULL};
        execv("/proc/self/exe", again);
        printf("execv /proc/self/exe: %s\n", strerrorname_np(errno));
        return 1;
    }
    static char buf[65536];
    show_bytes("cmdline", buf, slurp("/proc/self/cmdline", buf, sizeof buf));
    show_bytes("environ", buf, slurp("/proc/self/environ", buf, sizeof buf));
    self_links(argv[0]);
    descriptors();
    devices();
    ids();
    host_shared();
    namespaces();
    locks();
    return 0;
}
