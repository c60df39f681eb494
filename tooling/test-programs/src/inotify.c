/*
 * inotify: the events each file operation reports to a watched directory and a watched file,
 * in order (create, open, modify, close, access, attributes, moves with their cookie, links,
 * deletes, IN_DELETE_SELF and IN_IGNORED), merged duplicates, IN_ONESHOT, IN_MASK_ADD and
 * IN_MASK_CREATE, inotify_rm_watch, non-blocking reads, FIONREAD, poll, and the argument checks.
 * Usage: inotify DIR (an empty scratch directory)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *err(long r) {
    return r < 0 ? strerrorname_np(errno) : "ok";
}

static const struct {
    unsigned bit;
    const char *name;
} NAMES[] = {
    {IN_ACCESS, "ACCESS"},       {IN_MODIFY, "MODIFY"},         {IN_ATTRIB, "ATTRIB"},
    {IN_CLOSE_WRITE, "CLOSE_WRITE"}, {IN_CLOSE_NOWRITE, "CLOSE_NOWRITE"}, {IN_OPEN, "OPEN"},
    {IN_MOVED_FROM, "MOVED_FROM"}, {IN_MOVED_TO, "MOVED_TO"},   {IN_CREATE, "CREATE"},
    {IN_DELETE, "DELETE"},       {IN_DELETE_SELF, "DELETE_SELF"}, {IN_MOVE_SELF, "MOVE_SELF"},
    {IN_Q_OVERFLOW, "Q_OVERFLOW"}, {IN_IGNORED, "IGNORED"},     {IN_ISDIR, "ISDIR"},
};

static unsigned last_cookie;

/* Prints every event queued now: "wd MASK|BITS name", cookies as whether they pair up. */
static void drain(int fd, const char *what) {
    char buf[8192] __attribute__((aligned(8)));
    printf("%s:\n", what);
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno != EAGAIN) printf("  read: %s\n", strerrorname_np(errno));
            return;
        }
        for (char *p = buf; p < buf + n;) {
            struct inotify_event *e = (struct inotify_event *)p;
            printf("  %d ", e->wd);
            const char *sep = "";
            for (unsigned i = 0; i < sizeof NAMES / sizeof NAMES[0]; i++)
                if (e->mask & NAMES[i].bit) {
                    printf("%s%s", sep, NAMES[i].name);
                    sep = "|";
                }
            if (e->cookie) {
                printf(" cookie:%s", e->mask & IN_MOVED_TO ? (e->cookie == last_cookie ? "same" : "other") : "set");
                last_cookie = e->cookie;
            }
            if (e->len) printf(" \"%s\" (len %u)", e->name, e->len);
            printf("\n");
            p += sizeof *e + e->len;
        }
    }
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc < 2) return 2;
    const char *dir = argv[1];
    char sub[PATH_MAX], other[PATH_MAX], file[PATH_MAX], moved[PATH_MAX], away[PATH_MAX], link2[PATH_MAX],
        sym[PATH_MAX], subdir[PATH_MAX];
    snprintf(sub, sizeof sub, "%s/watched", dir);
    snprintf(other, sizeof other, "%s/other", dir);
    snprintf(file, sizeof file, "%s/file", sub);
    snprintf(moved, sizeof moved, "%s/renamed", sub);
    snprintf(away, sizeof away, "%s/away", other);
    snprintf(link2, sizeof link2, "%s/second-name", sub);
    snprintf(sym, sizeof sym, "%s/sym", sub);
    snprintf(subdir, sizeof subdir, "%s/dir", sub);
    mkdir(sub, 0755);
    mkdir(other, 0755);

    printf("init1 bad flags: %s\n", err(inotify_init1(0x1234)));
    int in = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    printf("init1: %s, cloexec %s\n", err(in), fcntl(in, F_GETFD) & FD_CLOEXEC ? "yes" : "no");
    printf("watch with no events: %s\n", err(inotify_add_watch(in, sub, 0)));
    printf("watch with unknown bits only: %s\n", err(inotify_add_watch(in, sub, 0x00800000)));
    printf("watch a missing path: %s\n", err(inotify_add_watch(in, "/nonexistent/x", IN_ALL_EVENTS)));
    printf("watch on a pipe: %s\n", err(inotify_add_watch(0, sub, IN_ALL_EVENTS)));
    printf("MASK_ADD with MASK_CREATE: %s\n", err(inotify_add_watch(in, sub, IN_ALL_EVENTS | IN_MASK_ADD | IN_MASK_CREATE)));
    printf("rm_watch of no watch: %s\n", err(inotify_rm_watch(in, 99)));

    int wd_dir = inotify_add_watch(in, sub, IN_ALL_EVENTS);
    int wd_other = inotify_add_watch(in, other, IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE);
    int again = inotify_add_watch(in, sub, IN_ALL_EVENTS);
    long exclusive = inotify_add_watch(in, sub, IN_ALL_EVENTS | IN_MASK_CREATE);
    printf("watches: %d %d, same again: %d, MASK_CREATE on it: %s\n", wd_dir, wd_other, again, err(exclusive));
    char buf[64];
    printf("empty, non-blocking read: %s\n", err(read(in, buf, sizeof buf)));

    int fd = open(file, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    write(fd, "hello", 5);
    write(fd, " world", 6);
    close(fd);
    int queued = 0;
    ioctl(in, FIONREAD, &queued);
    struct pollfd p = {in, POLLIN, 0};
    int ready = poll(&p, 1, 0);
    printf("FIONREAD %d, poll %d revents %s\n", queued, ready, p.revents & POLLIN ? "POLLIN" : "-");
    printf("read into 8 bytes: %s\n", err(read(in, buf, 8)));
    drain(in, "create, write twice, close");

    int wd_file = inotify_add_watch(in, file, IN_ALL_EVENTS);
    printf("file watch: %d\n", wd_file);
    fd = open(file, O_RDONLY);
    read(fd, buf, 3);
    close(fd);
    drain(in, "open and read through the directory and the file watch");

    chmod(file, 0600);
    truncate(file, 2);
    struct timeval times[2] = {{1, 0}, {2, 0}};
    utimes(file, times);
    drain(in, "chmod, truncate, utimes");

    fd = open(file, O_WRONLY | O_TRUNC);
    close(fd);
    drain(in, "open with O_TRUNC");

    link(file, link2);
    unlink(link2);
    drain(in, "link, then unlink the second name");

    rename(file, moved);
    drain(in, "rename within the directory");
    rename(moved, away);
    drain(in, "rename into the other directory");

    mkdir(subdir, 0755);
    int wd_subdir = inotify_add_watch(in, subdir, IN_ALL_EVENTS);
    rmdir(subdir);
    drain(in, "mkdir, watch it, rmdir");
    printf("rm_watch of the removed directory: %s\n", err(inotify_rm_watch(in, wd_subdir)));

    symlink("target", sym);
    unlink(sym);
    drain(in, "symlink, unlink it");

    char target[PATH_MAX], via[PATH_MAX];
    snprintf(target, sizeof target, "%s/target", sub);
    snprintf(via, sizeof via, "%s/via", sub);
    close(open(target, O_CREAT | O_WRONLY, 0644));
    symlink("target", via);
    drain(in, "a file and a symlink to it");
    chmod(via, 0600);
    truncate(via, 0);
    drain(in, "chmod and truncate through the symlink");
    unlink(via);
    unlink(target);
    drain(in, "both removed");

    int wd_away = inotify_add_watch(in, away, IN_ATTRIB | IN_ONESHOT);
    chmod(away, 0644);
    chmod(away, 0640);
    drain(in, "IN_ONESHOT: two chmods");

    wd_away = inotify_add_watch(in, away, IN_ATTRIB);
    inotify_add_watch(in, away, IN_DELETE_SELF | IN_MASK_ADD);
    unlink(away);
    drain(in, "IN_MASK_ADD, then unlink its only name");

    char da[PATH_MAX], db[PATH_MAX], dc[PATH_MAX];
    snprintf(da, sizeof da, "%s/da", sub);
    snprintf(db, sizeof db, "%s/db", sub);
    snprintf(dc, sizeof dc, "%s/dc", sub);
    mkdir(da, 0755);
    inotify_add_watch(in, da, IN_ALL_EVENTS);
    rename(da, db);
    chmod(db, 0700);
    mkdir(dc, 0755);
    rename(dc, db);
    rmdir(db);
    drain(in, "a watched directory moved, then replaced by another");

    printf("rm_watch: %s\n", err(inotify_rm_watch(in, wd_other)));
    drain(in, "after rm_watch");

    /* A blocking instance: the read waits for an event a child makes. */
    int blocking = inotify_init1(0);
    inotify_add_watch(blocking, sub, IN_CREATE);
    if (fork() == 0) {
        usleep(50000);
        close(open(file, O_CREAT | O_WRONLY, 0644));
        _exit(0);
    }
    ssize_t n = read(blocking, buf, sizeof buf);
    struct inotify_event *e = (struct inotify_event *)buf;
    printf("blocking read: %zd bytes, %s \"%s\"\n", n, e->mask == IN_CREATE ? "CREATE" : "other", e->name);
    /* The read wakes at the child's create: its close may still be to come, and must come before
     * the unlink, or the order of CLOSE_WRITE and DELETE below depends on the scheduler. */
    wait(NULL);
    unlink(file);
    rmdir(sub);
    rmdir(other);
    drain(in, "the directories removed");
    return 0;
}
