/*
 * Files and process: open/read/write/lseek/fstat/pread/pwrite/ftruncate/rename/unlink/mkdir,
 * directory listing (getdents64), stdin, environment variables and the exit status.
 * Usage: files [STATUS]  — runs in a scratch directory, reads all of stdin, exits with STATUS.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

extern char **environ;

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void check(int ok, const char *what) {
    if (!ok) printf("FAILED: %s (%s)\n", what, strerror(errno));
}

int main(int argc, char **argv) {
    int status = argc > 1 ? atoi(argv[1]) : 0;

    /* Raw descriptors. */
    int fd = open("data.bin", O_CREAT | O_RDWR | O_TRUNC, 0644);
    check(fd >= 0, "open data.bin");
    char buf[256];
    for (int i = 0; i < 256; i++) buf[i] = (char)i;
    printf("write: %zd\n", write(fd, buf, sizeof buf));
    printf("lseek end: %ld\n", (long)lseek(fd, 0, SEEK_END));
    printf("lseek set 10: %ld\n", (long)lseek(fd, 10, SEEK_SET));
    char small[8];
    printf("read: %zd first=%d\n", read(fd, small, 8), small[0]);
    printf("lseek cur: %ld\n", (long)lseek(fd, 0, SEEK_CUR));
    printf("pwrite: %zd\n", pwrite(fd, "XYZ", 3, 300));
    struct stat st;
    check(fstat(fd, &st) == 0, "fstat");
    printf("fstat: size=%ld regular=%d mode=%o\n", (long)st.st_size, S_ISREG(st.st_mode), st.st_mode & 0777);
    printf("pread: %zd ", pread(fd, small, 3, 300));
    printf("'%.3s'\n", small);
    check(ftruncate(fd, 100) == 0, "ftruncate");
    check(fstat(fd, &st) == 0, "fstat after truncate");
    printf("size after ftruncate: %ld\n", (long)st.st_size);
    int fd2 = dup(fd);
    printf("dup shares offset: %ld %ld\n", (long)lseek(fd, 5, SEEK_SET), (long)lseek(fd2, 0, SEEK_CUR));
    close(fd2);
    errno = 0;
    printf("dup3 unknown flag: %ld errno=%s\n", syscall(SYS_dup3, fd, 100, 0x1), strerror(errno));
    close(fd);
    printf("read closed fd: %zd errno=%s\n", read(fd, small, 1), strerror(errno));

    /* Appending and stdio. */
    FILE *f = fopen("log.txt", "w");
    fprintf(f, "line %d\n", 1);
    fclose(f);
    f = fopen("log.txt", "a");
    fprintf(f, "line %d\n", 2);
    fclose(f);
    f = fopen("log.txt", "r");
    char line[64];
    while (fgets(line, sizeof line, f)) printf("log: %s", line);
    fclose(f);

    /* Directories. */
    check(mkdir("sub", 0755) == 0, "mkdir");
    printf("mkdir again: %s\n", mkdir("sub", 0755) == 0 ? "ok" : strerror(errno));
    check(rename("log.txt", "sub/renamed.txt") == 0, "rename");
    for (int i = 0; i < 30; i++) {
        char name[32];
        snprintf(name, sizeof name, "sub/file-%02d", i);
        int t = open(name, O_CREAT | O_WRONLY, 0600);
        close(t);
    }
    DIR *dir = opendir("sub");
    char *names[64];
    int count = 0;
    struct dirent *de;
    while ((de = readdir(dir)) != NULL && count < 64) names[count++] = strdup(de->d_name);
    closedir(dir);
    qsort(names, count, sizeof names[0], cmp);
    printf("sub has %d entries:", count);
    for (int i = 0; i < count; i++) printf(" %s", names[i]);
    printf("\n");
    check(chdir("sub") == 0, "chdir");
    char cwd[4096];
    check(getcwd(cwd, sizeof cwd) != NULL, "getcwd");
    printf("cwd ends with /sub: %d\n", strcmp(strrchr(cwd, '/'), "/sub") == 0);
    check(unlink("renamed.txt") == 0, "unlink");
    printf("stat missing: %s\n", stat("renamed.txt", &st) == 0 ? "exists" : strerror(errno));
    printf("open missing dir: %s\n", open("nope/x", O_RDONLY) >= 0 ? "opened" : strerror(errno));
    check(chdir("..") == 0, "chdir ..");
    printf("access data.bin: %d\n", access("data.bin", R_OK | W_OK));

    /* stdin, read to the end. */
    size_t total = 0, lines = 0;
    unsigned sum = 0;
    int c;
    while ((c = getchar()) != EOF) {
        total++;
        sum = sum * 31 + (unsigned)c;
        if (c == '\n') lines++;
    }
    printf("stdin: %zu bytes, %zu lines, sum %u\n", total, lines, sum);

    /* Environment. */
    const char *greeting = getenv("FILES_GREETING");
    printf("FILES_GREETING=%s\n", greeting ? greeting : "(unset)");
    int envc = 0;
    for (char **e = environ; *e; e++) envc++;
    char **sorted = malloc(sizeof(char *) * (size_t)(envc + 1));
    for (int i = 0; i < envc; i++) sorted[i] = environ[i];
    qsort(sorted, envc, sizeof sorted[0], cmp);
    for (int i = 0; i < envc; i++) printf("env: %s\n", sorted[i]);
    setenv("ADDED", "yes", 1);
    printf("after setenv: %s\n", getenv("ADDED"));

    fprintf(stderr, "files: done, exiting with %d\n", status);
    return status;
}
