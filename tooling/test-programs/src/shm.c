/*
 * POSIX shared memory and named semaphores, which glibc keeps as files in /dev/shm: shm_open
 * (O_CREAT, O_EXCL, O_TRUNC), ftruncate and mmap of the object, shm_unlink, and sem_open
 * (a file made elsewhere and linked to sem.NAME), sem_post/sem_wait/sem_trywait/sem_getvalue,
 * sem_unlink. Names carry the pid so that runs side by side do not meet; it is never printed.
 * (Stores through MAP_SHARED mappings and the file behind them: shared-mappings.c.)
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void result(const char *what, long r) {
    printf("%s: %ld %s\n", what, r, r < 0 ? strerrorname_np(errno) : "ok");
}

/* Whether /dev/shm lists `name`. */
static int listed(const char *name) {
    DIR *d = opendir("/dev/shm");
    if (!d) return -1;
    int found = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, name) == 0) found = 1;
    closedir(d);
    return found;
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    char name[64], sem_name[64], sem_file[80];
    snprintf(name, sizeof name, "/arm64kit-shm-%d", getpid());
    snprintf(sem_name, sizeof sem_name, "/arm64kit-sem-%d", getpid());
    snprintf(sem_file, sizeof sem_file, "sem.%s", sem_name + 1);

    struct stat st;
    result("stat /dev/shm", stat("/dev/shm", &st));
    printf("/dev/shm is a directory: %d, sticky and world-writable: %d\n", S_ISDIR(st.st_mode),
           (st.st_mode & 01777) == 01777);

    int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
    printf("shm_open O_CREAT|O_EXCL: %s\n", fd >= 0 ? "ok" : strerrorname_np(errno));
    result("shm_open again with O_EXCL", shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600));
    printf("listed in /dev/shm: %d\n", listed(name + 1));
    result("ftruncate 8192", ftruncate(fd, 8192));
    fstat(fd, &st);
    printf("size %ld mode %o\n", (long)st.st_size, st.st_mode & 0777);
    pwrite(fd, "written through the descriptor", 30, 4096);
    char *map = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    printf("mmap: %s\n", map == MAP_FAILED ? strerrorname_np(errno) : "ok");
    printf("read through the mapping: %.30s\n", map + 4096);
    munmap(map, 8192);
    int again = shm_open(name, O_RDONLY, 0);
    char buf[64] = {0};
    pread(again, buf, 30, 4096);
    printf("read through another descriptor: %s\n", buf);
    close(again);
    int trunc = shm_open(name, O_RDWR | O_TRUNC, 0);
    fstat(trunc, &st);
    printf("after O_TRUNC: size %ld\n", (long)st.st_size);
    close(trunc);
    close(fd);
    result("shm_unlink", shm_unlink(name));
    result("shm_unlink again", shm_unlink(name));
    result("shm_open without O_CREAT", shm_open(name, O_RDWR, 0));
    printf("listed after unlink: %d\n", listed(name + 1));

    sem_t *sem = sem_open(sem_name, O_CREAT | O_EXCL, 0600, 2);
    printf("sem_open: %s\n", sem == SEM_FAILED ? strerrorname_np(errno) : "ok");
    printf("listed as %s: %d\n", "sem.NAME", listed(sem_file));
    int value = -1;
    sem_getvalue(sem, &value);
    printf("initial value %d\n", value);
    result("sem_wait", sem_wait(sem));
    result("sem_wait", sem_wait(sem));
    result("sem_trywait on zero", sem_trywait(sem));
    result("sem_post", sem_post(sem));
    sem_getvalue(sem, &value);
    printf("value %d\n", value);
    sem_t *same = sem_open(sem_name, 0);
    sem_getvalue(same, &value);
    printf("opened again: value %d, same mapping %d\n", value, same == sem);
    result("sem_open O_EXCL on an existing one", sem_open(sem_name, O_CREAT | O_EXCL, 0600, 0) == SEM_FAILED ? -1 : 0);
    sem_close(sem);
    result("sem_unlink", sem_unlink(sem_name));
    result("sem_unlink again", sem_unlink(sem_name));
    printf("listed after unlink: %d\n", listed(sem_file));
    return 0;
}
