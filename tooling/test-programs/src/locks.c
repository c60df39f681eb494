/*
 * Record locks (fcntl F_GETLK/F_SETLK/F_SETLKW and the OFD forms) and flock(2) between
 * processes: conflicts, merging and splitting of ranges, release on any close and at exit,
 * no inheritance across fork for POSIX locks, OFD and flock locks that follow the open file
 * description, waits that end when the holder lets go, EDEADLK, EINTR. Runs in a scratch
 * directory; the ordering between processes comes from pipes and waitpid, never from time.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static void result(const char *what, long r) {
    printf("%s: %ld %s\n", what, r, r < 0 ? strerrorname_np(errno) : "ok");
}

static int lock(int fd, int cmd, short type, off_t start, off_t len) {
    struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
    return fcntl(fd, cmd, &fl);
}

/* What F_GETLK (or F_OFD_GETLK) says about [start, start+len): the conflicting lock, if any. */
static void query(const char *what, int fd, int cmd, short type, off_t start, off_t len, pid_t owner) {
    struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
    if (fcntl(fd, cmd, &fl) < 0) {
        printf("%s: %s\n", what, strerrorname_np(errno));
        return;
    }
    if (fl.l_type == F_UNLCK) {
        printf("%s: unlocked\n", what);
        return;
    }
    const char *who = fl.l_pid == owner ? "owner" : fl.l_pid == -1 ? "-1" : "other";
    printf("%s: %s start %ld len %ld pid %s\n", what, fl.l_type == F_WRLCK ? "write" : "read", (long)fl.l_start,
           (long)fl.l_len, who);
}

static void wait_child(const char *what, pid_t pid) {
    int status;
    waitpid(pid, &status, 0);
    printf("%s: exit %d\n", what, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

/* Waits for one byte on `fd`: the other process reached a point. */
static void await(int fd) {
    char c;
    if (read(fd, &c, 1) != 1) printf("pipe closed early\n");
}

static void signal_to(int fd) {
    if (write(fd, "x", 1) != 1) printf("pipe write failed\n");
}

static void posix_locks(void) {
    int fd = open("data", O_RDWR | O_CREAT | O_TRUNC, 0644);
    write(fd, "0123456789abcdefghij", 20);
    pid_t me = getpid();
    result("write lock [0,10)", lock(fd, F_SETLK, F_WRLCK, 0, 10));
    result("own lock again as read", lock(fd, F_SETLK, F_RDLCK, 0, 5));
    result("write lock [10,20)", lock(fd, F_SETLK, F_WRLCK, 10, 10));
    fflush(stdout);
    int go[2], done[2];
    pipe(go);
    pipe(done);
    pid_t child = fork();
    if (child == 0) {
        /* Locks are not inherited: the parent's are the child's conflicts. */
        query("child sees [0,1)", fd, F_GETLK, F_WRLCK, 0, 1, me);
        query("child sees [7,1) for reading", fd, F_GETLK, F_RDLCK, 7, 1, me);
        query("child sees [5,1) for reading", fd, F_GETLK, F_RDLCK, 5, 1, me);
        query("child sees [30,0)", fd, F_GETLK, F_WRLCK, 30, 0, me);
        query("child sees to EOF from 15", fd, F_GETLK, F_WRLCK, 15, 0, me);
        result("child F_SETLK [8,4)", lock(fd, F_SETLK, F_WRLCK, 8, 4));
        result("child F_SETLK [20,5)", lock(fd, F_SETLK, F_WRLCK, 20, 5));
        signal_to(done[1]);
        await(go[0]);
        query("child after parent's unlock of [2,6)", fd, F_GETLK, F_WRLCK, 0, 20, me);
        query("child [4,1) after unlock", fd, F_GETLK, F_WRLCK, 4, 1, me);
        signal_to(done[1]);
        await(go[0]);
        query("child after parent closed another descriptor", fd, F_GETLK, F_WRLCK, 0, 0, me);
        _exit(0);
    }
    await(done[0]);
    result("parent [0,30) meets the child's [20,25)", lock(fd, F_SETLK, F_WRLCK, 0, 30));
    result("unlock [2,6)", lock(fd, F_SETLK, F_UNLCK, 2, 4));
    signal_to(go[1]);
    await(done[0]);
    /* Any close of the file by the process drops its locks, even of another descriptor. */
    int other = open("data", O_RDONLY);
    close(other);
    signal_to(go[1]);
    wait_child("child", child);
    close(fd);
    close(go[0]);
    close(go[1]);
    close(done[0]);
    close(done[1]);
}

static void lock_errors(void) {
    int wronly = open("data", O_WRONLY);
    int rdonly = open("data", O_RDONLY);
    result("read lock on O_WRONLY", lock(wronly, F_SETLK, F_RDLCK, 0, 1));
    result("write lock on O_RDONLY", lock(rdonly, F_SETLK, F_WRLCK, 0, 1));
    result("read lock on O_RDONLY", lock(rdonly, F_SETLK, F_RDLCK, 0, 1));
    result("unlock on O_WRONLY", lock(wronly, F_SETLK, F_UNLCK, 0, 1));
    result("bad type", lock(rdonly, F_SETLK, 7, 0, 1));
    result("F_GETLK of F_UNLCK", lock(rdonly, F_GETLK, F_UNLCK, 0, 1));
    result("negative start", lock(rdonly, F_SETLK, F_RDLCK, -1, 1));
    struct flock fl = {.l_type = F_RDLCK, .l_whence = 3, .l_start = 0, .l_len = 1};
    result("bad whence", fcntl(rdonly, F_SETLK, &fl));
    /* A negative length locks the bytes before start; SEEK_END counts from the size (20). */
    result("[5,10) by negative length", lock(rdonly, F_SETLK, F_RDLCK, 10, -5));
    result("negative length before 0", lock(rdonly, F_SETLK, F_RDLCK, 2, -5));
    struct flock end = {.l_type = F_RDLCK, .l_whence = SEEK_END, .l_start = -2, .l_len = 1};
    result("SEEK_END -2", fcntl(rdonly, F_SETLK, &end));
    fflush(stdout);
    pid_t me = getpid();
    pid_t child = fork();
    if (child == 0) {
        int fd = open("data", O_RDWR);
        query("child sees [0,30)", fd, F_GETLK, F_WRLCK, 0, 30, me);
        query("child sees [12,30)", fd, F_GETLK, F_WRLCK, 12, 30, me);
        query("child sees [19,1)", fd, F_GETLK, F_WRLCK, 19, 1, me);
        query("child reading [0,30)", fd, F_GETLK, F_RDLCK, 0, 30, me);
        _exit(0);
    }
    wait_child("child", child);
    close(wronly);
    close(rdonly);
}

static void waits_and_exit(void) {
    int fd = open("data", O_RDWR);
    result("parent locks [0,1)", lock(fd, F_SETLK, F_WRLCK, 0, 1));
    fflush(stdout);
    int ready[2];
    pipe(ready);
    pid_t child = fork();
    if (child == 0) {
        signal_to(ready[1]);
        int r = lock(fd, F_SETLKW, F_WRLCK, 0, 1);
        /* Only once the parent unlocked (after it printed so). */
        result("child F_SETLKW", r);
        fflush(stdout);
        _exit(0);
    }
    await(ready[0]);
    printf("parent unlocks\n");
    fflush(stdout);
    lock(fd, F_SETLK, F_UNLCK, 0, 1);
    wait_child("waiting child", child);

    /* A child's locks end with it. */
    int back[2];
    pipe(back);
    child = fork();
    if (child == 0) {
        lock(fd, F_SETLK, F_WRLCK, 0, 0);
        signal_to(ready[1]);
        await(back[0]);
        _exit(3);
    }
    await(ready[0]);
    result("parent while the child holds the file", lock(fd, F_SETLK, F_WRLCK, 0, 1));
    signal_to(back[1]);
    wait_child("locking child", child);
    result("parent after the child exited", lock(fd, F_SETLK, F_WRLCK, 0, 1));
    lock(fd, F_SETLK, F_UNLCK, 0, 0);

    /*
     * Two processes each hold one byte and wait for the other's: one of the two waits is
     * refused with EDEADLK (which one depends on who waits first), the other then succeeds.
     */
    int a[2], b[2];
    pipe(a);
    pipe(b);
    lock(fd, F_SETLK, F_WRLCK, 0, 1);
    child = fork();
    if (child == 0) {
        lock(fd, F_SETLK, F_WRLCK, 1, 1);
        signal_to(b[1]);
        await(a[0]);
        int r = lock(fd, F_SETLKW, F_WRLCK, 0, 1);
        _exit(r < 0 && errno == EDEADLK ? 1 : r == 0 ? 0 : 2);
    }
    await(b[0]);
    signal_to(a[1]);
    int r = lock(fd, F_SETLKW, F_WRLCK, 1, 1);
    int parent_deadlock = r < 0 && errno == EDEADLK;
    if (parent_deadlock) lock(fd, F_SETLK, F_UNLCK, 0, 1); /* let the child have it */
    int status;
    waitpid(child, &status, 0);
    int child_deadlock = WIFEXITED(status) && WEXITSTATUS(status) == 1;
    int child_failed = !WIFEXITED(status) || WEXITSTATUS(status) == 2;
    printf("deadlock reported to exactly one: %d, other waits succeeded: %d\n",
           parent_deadlock + child_deadlock == 1, (parent_deadlock || r == 0) && !child_failed);
    lock(fd, F_SETLK, F_UNLCK, 0, 0);
    close(fd);
    close(ready[0]);
    close(ready[1]);
    close(back[0]);
    close(back[1]);
    close(a[0]);
    close(a[1]);
    close(b[0]);
    close(b[1]);
}

static void on_alarm(int sig) {
    (void)sig;
}

static void interrupted_wait(void) {
    int fd = open("data", O_RDWR);
    int ready[2];
    pipe(ready);
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        lock(fd, F_SETLK, F_WRLCK, 0, 0);
        signal_to(ready[1]);
        pause();
        _exit(0);
    }
    await(ready[0]);
    struct sigaction sa = {.sa_handler = on_alarm};
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval t = {.it_value = {.tv_usec = 50000}};
    setitimer(ITIMER_REAL, &t, NULL);
    result("F_SETLKW interrupted by a signal", lock(fd, F_SETLKW, F_WRLCK, 0, 1));
    kill(child, SIGTERM);
    wait_child("holder", child);
    close(fd);
}

static void ofd_locks(void) {
    int one = open("data", O_RDWR);
    int two = open("data", O_RDWR);
    result("OFD write lock via one", lock(one, F_OFD_SETLK, F_WRLCK, 0, 10));
    result("OFD write lock via two", lock(two, F_OFD_SETLK, F_WRLCK, 5, 1));
    result("POSIX lock of the same process", lock(two, F_SETLK, F_WRLCK, 5, 1));
    query("POSIX F_GETLK sees", two, F_GETLK, F_WRLCK, 0, 1, getpid());
    query("OFD F_GETLK via two sees", two, F_OFD_GETLK, F_RDLCK, 3, 1, getpid());
    query("OFD F_GETLK via one sees", one, F_OFD_GETLK, F_RDLCK, 3, 1, getpid());
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1, .l_pid = 1};
    result("OFD with l_pid set", fcntl(one, F_OFD_SETLK, &fl));
    close(two); /* closing another description keeps the OFD lock */
    two = open("data", O_RDWR);
    result("after closing two, via a new two", lock(two, F_OFD_SETLK, F_WRLCK, 5, 1));
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        /* The inherited descriptor is the same description: the lock is the child's too. */
        result("child via inherited one", lock(one, F_OFD_SETLK, F_RDLCK, 0, 10));
        close(one);
        _exit(0);
    }
    wait_child("child", child);
    query("two sees the converted lock", two, F_OFD_GETLK, F_WRLCK, 0, 20, 0);
    close(one);
    result("after the last close of one", lock(two, F_OFD_SETLK, F_WRLCK, 0, 10));
    close(two);
}

static void flocks(void) {
    int one = open("data", O_RDONLY);
    int two = open("data", O_RDONLY);
    result("flock LOCK_EX one", flock(one, LOCK_EX));
    result("flock LOCK_EX|LOCK_NB two", flock(two, LOCK_EX | LOCK_NB));
    result("flock LOCK_SH|LOCK_NB two", flock(two, LOCK_SH | LOCK_NB));
    result("flock 0", flock(two, 0));
    result("flock LOCK_SH|LOCK_EX", flock(two, LOCK_SH | LOCK_EX));
    result("fcntl lock beside flock", lock(two, F_SETLK, F_RDLCK, 0, 0));
    lock(two, F_SETLK, F_UNLCK, 0, 0);
    result("flock LOCK_SH one (convert)", flock(one, LOCK_SH));
    result("flock LOCK_SH|LOCK_NB two", flock(two, LOCK_SH | LOCK_NB));
    result("flock LOCK_EX|LOCK_NB one", flock(one, LOCK_EX | LOCK_NB));
    result("flock LOCK_UN two", flock(two, LOCK_UN));
    result("flock LOCK_EX|LOCK_NB one again", flock(one, LOCK_EX | LOCK_NB));
    int ready[2];
    pipe(ready);
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        result("child flock via inherited one", flock(one, LOCK_EX | LOCK_NB));
        close(one); /* the parent's descriptor keeps the description, and the lock, alive */
        int own = open("data", O_RDONLY);
        signal_to(ready[1]);
        result("child blocking flock on its own description", flock(own, LOCK_EX));
        fflush(stdout);
        _exit(0);
    }
    await(ready[0]);
    printf("parent closes one\n");
    fflush(stdout);
    close(one); /* the last descriptor of the description: its lock goes, the child's wait ends */
    wait_child("child", child);
    result("flock LOCK_EX|LOCK_NB two after the child exited", flock(two, LOCK_EX | LOCK_NB));
    close(two);
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    posix_locks();
    lock_errors();
    waits_and_exit();
    interrupted_wait();
    ofd_locks();
    flocks();
    return 0;
}
