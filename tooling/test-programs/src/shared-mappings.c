/*
 * MAP_SHARED between processes and with the file behind it: shared anonymous memory a forked
 * child writes and its parent reads (MAP_PRIVATE stays each process's own), a process-shared
 * mutex and semaphore (futexes on a shared word, keyed by the shared page, not the address),
 * a file mapping whose stores reach the file (read back with pread, before and after msync and
 * munmap) and that shows what write() puts in the file, two processes mapping the same file at
 * different addresses, MADV_DONTNEED on a shared page, and /proc/self/maps marking shared
 * ranges "s". Python's multiprocessing (Queue, Lock, Value) stands on these.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

struct shared {
    pthread_mutex_t lock;
    sem_t ping, pong;
    long counter;
    char note[64];
};

static int status_of(pid_t pid) {
    int status;
    if (waitpid(pid, &status, 0) != pid) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Children add to a counter under a process-shared mutex, yielding so that they interleave. */
static void counter_under_mutex(struct shared *s) {
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
    pthread_mutex_init(&s->lock, &attr);
    s->counter = 0;
    pid_t kids[3];
    for (int i = 0; i < 3; i++) {
        kids[i] = fork();
        if (kids[i] == 0) {
            for (int n = 0; n < 2000; n++) {
                pthread_mutex_lock(&s->lock);
                long v = s->counter;
                if (n % 50 == 0) sched_yield(); /* another process runs while the lock is held */
                s->counter = v + 1;
                pthread_mutex_unlock(&s->lock);
            }
            _exit(0);
        }
    }
    for (int i = 0; i < 3; i++) printf("child %d: %d\n", i, status_of(kids[i]));
    printf("counter: %ld\n", s->counter);
}

/* Parent and child take turns through two process-shared semaphores. */
static void ping_pong(struct shared *s) {
    sem_init(&s->ping, 1, 0);
    sem_init(&s->pong, 1, 0);
    pid_t pid = fork();
    if (pid == 0) {
        for (int i = 0; i < 5; i++) {
            sem_wait(&s->ping);
            char heard[sizeof s->note];
            memcpy(heard, s->note, sizeof heard);
            snprintf(s->note, sizeof s->note, "pong %d after %s", i, heard);
            sem_post(&s->pong);
        }
        _exit(0);
    }
    for (int i = 0; i < 5; i++) {
        snprintf(s->note, sizeof s->note, "ping %d", i);
        sem_post(&s->ping);
        sem_wait(&s->pong);
        printf("%s\n", s->note);
    }
    printf("ping-pong child: %d\n", status_of(pid));
}

static void private_stays_private(void) {
    int *private = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    *private = 1;
    *shared = 1;
    pid_t pid = fork();
    if (pid == 0) {
        *private = 2;
        *shared = 2;
        _exit(*private + *shared);
    }
    printf("child: %d, private: %d, shared: %d\n", status_of(pid), *private, *shared);
    /* MADV_DONTNEED on shared memory drops only this process's view of the page: it reads back. */
    printf("madvise: %d, shared after MADV_DONTNEED: %d\n", madvise(shared, 4096, MADV_DONTNEED), *shared);
    munmap(private, 4096);
    munmap(shared, 4096);
}

static void show_bytes(const char *what, int fd, off_t at) {
    char buf[16] = {0};
    ssize_t n = pread(fd, buf, 12, at);
    for (ssize_t i = 0; i < n; i++)
        if (buf[i] == 0) buf[i] = '.';
    printf("%s: %zd \"%s\"\n", what, n, buf);
}

static void file_mapping(void) {
    char path[] = "/tmp/arm64kit-shared-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0 || ftruncate(fd, 3 * 4096 + 100) != 0) {
        perror("temporary file");
        return;
    }
    char *map = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED) {
        perror("mmap");
        return;
    }
    memcpy(map, "stored", 6);
    show_bytes("pread after a store", fd, 0);
    memcpy(map + 4096, "and synced", 10);
    printf("msync: %d\n", msync(map, 4 * 4096, MS_SYNC));
    show_bytes("pread after msync", fd, 4096);
    /* Past the end of the file, within its last page: kept in memory, never written to the file. */
    memcpy(map + 3 * 4096 + 96, "beyond end", 10);
    printf("file size: %ld\n", (long)lseek(fd, 0, SEEK_END));
    pwrite(fd, "written", 7, 8192);
    printf("mapping after pwrite: %.7s\n", map + 8192);

    /* A child maps the same file at another address and writes; the parent sees it in its mapping. */
    pid_t pid = fork();
    if (pid == 0) {
        int again = open(path, O_RDWR);
        char *other = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, again, 4096);
        close(again);
        memcpy(other + 10, " by the child", 13);
        munmap(other, 4096);
        _exit(0);
    }
    printf("child: %d, parent sees: %.23s\n", status_of(pid), map + 4096);

    char *after_close = map + 2 * 4096;
    close(fd);
    memcpy(after_close + 20, "after close", 11);
    munmap(map, 4 * 4096);
    fd = open(path, O_RDONLY);
    show_bytes("pread after munmap", fd, 2 * 4096 + 20);
    show_bytes("end of file", fd, 3 * 4096 + 90);
    close(fd);
    unlink(path);
}

static void maps_marks_shared(void) {
    char *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    char *private = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char line[256], want_shared[32], want_private[32], seen_shared[8] = "none", seen_private[8] = "none";
    snprintf(want_shared, sizeof want_shared, "%lx-", (unsigned long)shared);
    snprintf(want_private, sizeof want_private, "%lx-", (unsigned long)private);
    FILE *maps = fopen("/proc/self/maps", "r");
    while (maps && fgets(line, sizeof line, maps)) {
        if (strncmp(line, want_shared, strlen(want_shared)) == 0) memcpy(seen_shared, strchr(line, ' ') + 1, 4);
        if (strncmp(line, want_private, strlen(want_private)) == 0) memcpy(seen_private, strchr(line, ' ') + 1, 4);
    }
    printf("shared anonymous: %s, private anonymous: %s\n", seen_shared, seen_private);
    if (maps) fclose(maps);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    struct shared *s = mmap(NULL, sizeof *s, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (s == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    counter_under_mutex(s);
    ping_pong(s);
    private_stays_private();
    file_mapping();
    maps_marks_shared();
    /* A shared mapping of a descriptor opened read-only cannot be writable. */
    int ro = open("/proc/self/exe", O_RDONLY);
    void *denied = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0);
    printf("writable shared map of a read-only descriptor: %s\n", denied == MAP_FAILED ? strerrorname_np(errno) : "mapped");
    return 0;
}
