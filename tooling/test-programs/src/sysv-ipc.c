/*
 * System V IPC. Shared memory: shmget (IPC_PRIVATE and keys, IPC_CREAT/IPC_EXCL, sizes), shmat
 * (anywhere, at an address, SHM_RND, SHM_REMAP, SHM_RDONLY), shmdt (of a 64 MiB segment too),
 * shmctl (IPC_STAT, IPC_SET, IPC_RMID while attached, IPC_INFO, SHM_INFO), attachments inherited
 * by fork and shared with the child, and what /proc/self/maps shows. Semaphores: semget, semop
 * and semtimedop (all or nothing, IPC_NOWAIT, timeouts, waits for zero, waits woken by another
 * process, a signal or IPC_RMID, SEM_UNDO at exit), semctl (GETVAL, SETVAL, GETALL, SETALL,
 * GETPID, GETNCNT, GETZCNT, IPC_STAT, IPC_RMID, IPC_INFO, SEM_INFO). Message queues: msgget,
 * msgsnd and msgrcv (by type, MSG_EXCEPT, lowest type, MSG_NOERROR, E2BIG, MSG_COPY, waits woken
 * by another process, a full queue, IPC_NOWAIT, IPC_RMID), msgctl (IPC_STAT, IPC_SET of
 * msg_qbytes, IPC_INFO, MSG_INFO). /proc/sysvipc/{shm,sem,msg} (headers and each object's line)
 * and the limits in /proc/sys/kernel.
 *
 * `sysv-ipc kernel` adds what qemu-aarch64-static 7.2 answers differently from the kernel, for a
 * comparison with the host's kernel: SHM_REMAP without an address (EINVAL; qemu attaches), a
 * message longer than msgmax (EINVAL; qemu stops on an assertion) and msg_lrpid (qemu says 0).
 * The reference runs in the host's IPC namespace, so nothing printed depends on ids, keys or
 * other processes' segments, and everything made is removed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void result(const char *what, long r) {
    printf("%s: %s\n", what, r < 0 ? strerrorname_np(errno) : "ok");
}

static void show(const char *what, int id) {
    struct shmid_ds ds;
    if (shmctl(id, IPC_STAT, &ds) < 0) {
        printf("%s: stat %s\n", what, strerrorname_np(errno));
        return;
    }
    printf("%s: size %zu mode %o nattch %lu cpid-self %d lpid %s owner-self %d key-zero %d atime %s dtime %s\n",
           what, ds.shm_segsz, ds.shm_perm.mode, (unsigned long)ds.shm_nattch, ds.shm_cpid == getpid(),
           ds.shm_lpid == 0 ? "none" : ds.shm_lpid == getpid() ? "self" : "other",
           ds.shm_perm.uid == geteuid() && ds.shm_perm.cuid == geteuid(), ds.shm_perm.__key == 0,
           ds.shm_atime ? "set" : "zero", ds.shm_dtime ? "set" : "zero");
}

/* The /proc/self/maps line of the mapping at `at`: its permissions and whether it names a SYSV segment. */
static void mapsLine(const char *what, void *at) {
    FILE *f = fopen("/proc/self/maps", "r");
    char line[512];
    unsigned long start = (unsigned long)at;
    while (f && fgets(line, sizeof line, f)) {
        unsigned long s, e;
        char perms[8];
        if (sscanf(line, "%lx-%lx %7s", &s, &e, perms) == 3 && s == start) {
            printf("%s: maps %s sysv %d\n", what, perms, strstr(line, "/SYSV") != NULL);
            fclose(f);
            return;
        }
    }
    if (f) fclose(f);
    printf("%s: maps none\n", what);
}

static void private_segment(void) {
    result("shmget size 0", shmget(IPC_PRIVATE, 0, IPC_CREAT | 0600));
    int id = shmget(IPC_PRIVATE, 10000, IPC_CREAT | 0600);
    result("shmget private", id);
    show("new", id);
    char *p = shmat(id, NULL, 0);
    result("shmat", p == (void *)-1 ? -1 : 0);
    printf("aligned %d\n", ((unsigned long)p & 4095) == 0);
    strcpy(p, "from parent");
    show("attached", id);
    mapsLine("attached", p);
    pid_t child = fork();
    if (child == 0) {
        printf("child reads: %s\n", p);
        show("in child", id);
        char *again = shmat(id, NULL, SHM_RDONLY);
        printf("child second attach sees: %s\n", again);
        show("child two attaches", id);
        strcpy(p + 100, "from child");
        shmdt(again);
        _exit(0);
    }
    int status;
    waitpid(child, &status, 0);
    printf("parent reads: %s\n", p + 100);
    show("after child", id);
    pid_t writer = fork();
    if (writer == 0) {
        char *ro = shmat(id, NULL, SHM_RDONLY);
        mapsLine("read-only", ro);
        fflush(stdout);
        ro[0] = 'x';
        _exit(0);
    }
    waitpid(writer, &status, 0);
    printf("write to read-only: signal %d\n", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    result("shmdt inside", shmdt(p + 4096));
    result("shmdt misaligned", shmdt(p + 1));
    result("shmdt", shmdt(p));
    result("shmdt again", shmdt(p));
    show("detached", id);
    result("rmid", shmctl(id, IPC_RMID, NULL));
    show("removed", id);
}

static void keyed_segment(void) {
    key_t key = 0x5a000000 | (getpid() & 0xffffff);
    result("shmget key missing", shmget(key, 4096, 0600));
    int id = shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600);
    result("shmget key create", id);
    result("shmget key excl", shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600));
    int same = shmget(key, 100, 0);
    printf("smaller size finds it: %d\n", same == id);
    printf("size 0 finds it: %d\n", shmget(key, 0, 0) == id);
    result("shmget larger", shmget(key, 8192, 0));

    struct shmid_ds ds;
    shmctl(id, IPC_STAT, &ds);
    ds.shm_perm.mode = 0640;
    result("ipc_set", shmctl(id, IPC_SET, &ds));
    show("after set", id);
    result("bad command", shmctl(id, 77, &ds));
    result("stat bad id", shmctl(id + 1, IPC_STAT, &ds));

    char *p = shmat(id, NULL, 0);
    strcpy(p, "kept");
    result("rmid attached", shmctl(id, IPC_RMID, NULL));
    show("marked", id);
    result("shmget after rmid", shmget(key, 4096, 0600));
    char *again = shmat(id, NULL, 0);
    printf("attach after rmid: %s\n", again == (void *)-1 ? strerrorname_np(errno) : again);
    if (again != (void *)-1) shmdt(again);
    shmdt(p);
    show("last detach", id);
}

static void placement(void) {
    int id = shmget(IPC_PRIVATE, 8192, IPC_CREAT | 0600);
    char *area = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(area, 65536);
    char *want = area + 8192;
    void *at = shmat(id, want + 100, 0);
    printf("misaligned: %s\n", at == (void *)-1 ? strerrorname_np(errno) : "attached");
    at = shmat(id, want + 100, SHM_RND);
    printf("SHM_RND rounds down: %d\n", at == want);
    result("shmat over a mapping", (long)shmat(id, want, 0) == -1 ? -1 : 0);
    void *remapped = shmat(id, want, SHM_REMAP);
    printf("SHM_REMAP replaces: %d\n", remapped == want);
    show("two attaches", id);
    shmdt(want);
    result("shmat bad id", (long)shmat(-1, NULL, 0) == -1 ? -1 : 0);
    shmctl(id, IPC_RMID, NULL);
    show("gone", id);
}

/* A large segment: written whole, seen by a child, detached at once. */
static void large_segment(void) {
    size_t size = 64 << 20;
    int id = shmget(IPC_PRIVATE, size, IPC_CREAT | 0600);
    char *p = shmat(id, NULL, 0);
    memset(p, 7, size);
    pid_t child = fork();
    if (child == 0) {
        p[0] = (char)(p[size - 1] + 1);
        _exit(0);
    }
    int status;
    waitpid(child, &status, 0);
    printf("large segment: child wrote %d\n", p[0]);
    result("large shmdt", shmdt(p));
    shmctl(id, IPC_RMID, NULL);
}

static void info(void) {
    int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
    struct shminfo si;
    int max = shmctl(0, IPC_INFO, (struct shmid_ds *)&si);
    printf("IPC_INFO: index %d shmmin %lu shmmni>0 %d\n", max >= 0, si.shmmin, si.shmmni > 0);
    struct shm_info used;
    max = shmctl(0, SHM_INFO, (struct shmid_ds *)&used);
    printf("SHM_INFO: index %d used>=1 %d\n", max >= 0, used.used_ids >= 1);
    shmctl(id, IPC_RMID, NULL);
}

#ifndef SEMVMX
#define SEMVMX 32767
#endif

union semun {
    int val;
    struct semid_ds *buf;
    unsigned short *array;
    struct seminfo *info;
};

static int op(int id, unsigned short num, short delta, short flags) {
    struct sembuf b = {num, delta, flags};
    return semop(id, &b, 1);
}

static void values(const char *what, int id) {
    unsigned short v[3] = {0};
    union semun arg = {.array = v};
    if (semctl(id, 0, GETALL, arg) < 0) printf("%s: GETALL %s\n", what, strerrorname_np(errno));
    else printf("%s: %u %u %u\n", what, v[0], v[1], v[2]);
}

/* Waits (up to 5 s) until `count` processes wait on semaphore `num` (GETNCNT, or GETZCNT). */
static int waiters(int id, int num, int cmd, int count) {
    for (int i = 0; i < 5000; i++) {
        int n = semctl(id, num, cmd);
        if (n == count) return n;
        usleep(1000);
    }
    return semctl(id, num, cmd);
}

static void on_usr1(int sig) { (void)sig; }

static void semaphores(void) {
    result("semget 0", semget(IPC_PRIVATE, 0, IPC_CREAT | 0600));
    int id = semget(IPC_PRIVATE, 3, IPC_CREAT | 0600);
    result("semget", id);
    struct semid_ds ds;
    union semun arg = {.buf = &ds};
    semctl(id, 0, IPC_STAT, arg);
    printf("stat: nsems %lu mode %o otime %s\n", (unsigned long)ds.sem_nsems, ds.sem_perm.mode,
           ds.sem_otime ? "set" : "zero");
    arg.val = 5;
    result("setval", semctl(id, 0, SETVAL, arg));
    printf("getval %d\n", semctl(id, 0, GETVAL));
    arg.val = -1;
    result("setval -1", semctl(id, 0, SETVAL, arg));
    arg.val = 40000;
    result("setval 40000", semctl(id, 0, SETVAL, arg));
    result("getval num 3", semctl(id, 3, GETVAL));
    unsigned short set[3] = {1, 2, 3};
    arg.array = set;
    result("setall", semctl(id, 0, SETALL, arg));
    values("after setall", id);

    result("take sem 0", op(id, 0, -1, 0));
    printf("getpid self %d\n", semctl(id, 0, GETPID) == getpid());
    semctl(id, 0, IPC_STAT, (union semun){.buf = &ds});
    printf("otime %s\n", ds.sem_otime ? "set" : "zero");
    struct sembuf both[2] = {{1, -1, 0}, {0, -1, IPC_NOWAIT}};
    result("two ops, second would block", semop(id, both, 2));
    values("nothing applied", id);
    struct timespec shortly = {0, 50 * 1000 * 1000};
    struct sembuf wait0 = {0, -1, 0};
    result("semtimedop times out", semtimedop(id, &wait0, 1, &shortly));
    result("wait for zero", op(id, 0, 0, 0));
    result("no ops", semop(id, both, 0));
    struct sembuf far = {5, 1, 0};
    result("sem_num too big", semop(id, &far, 1));
    result("too many ops", semop(id, both, 70000));
    result("over SEMVMX", op(id, 2, 32767, 0));

    /* A decrement that waits for another process. */
    pid_t child = fork();
    if (child == 0) {
        int r = op(id, 2, -5, 0);
        printf("child took 5: %d\n", r);
        _exit(0);
    }
    printf("ncnt %d\n", waiters(id, 2, GETNCNT, 1));
    op(id, 2, 2, 0);
    int status;
    waitpid(child, &status, 0);
    values("after the child took", id);

    /* A wait for zero. */
    child = fork();
    if (child == 0) {
        printf("child waited for zero: %d\n", op(id, 1, 0, 0));
        _exit(0);
    }
    printf("zcnt %d\n", waiters(id, 1, GETZCNT, 1));
    arg.val = 0;
    semctl(id, 1, SETVAL, arg);
    waitpid(child, &status, 0);

    /* SEM_UNDO: what an exited process changed is undone. */
    child = fork();
    if (child == 0) {
        op(id, 0, 3, SEM_UNDO);
        op(id, 1, 1, SEM_UNDO);
        op(id, 1, -1, SEM_UNDO);
        values("child with undo", id);
        _exit(0);
    }
    waitpid(child, &status, 0);
    values("after its exit", id);

    /* A signal ends the wait with EINTR, even with SA_RESTART. */
    child = fork();
    if (child == 0) {
        struct sigaction sa = {0};
        sa.sa_handler = on_usr1;
        sa.sa_flags = SA_RESTART;
        sigaction(SIGUSR1, &sa, NULL);
        int r = op(id, 0, -1, 0);
        printf("child after signal: %d %s\n", r, r < 0 ? strerrorname_np(errno) : "");
        _exit(0);
    }
    waiters(id, 0, GETNCNT, 1);
    kill(child, SIGUSR1);
    waitpid(child, &status, 0);

    /* A waiter whose operations fail when tried again (ERANGE) stops counting as a waiter,
     * while it lives on. */
    int done[2], go[2];
    pipe(done);
    pipe(go);
    child = fork();
    if (child == 0) {
        struct sembuf two[2] = {{0, -1, 0}, {1, 1, 0}};
        int r = semop(id, two, 2);
        printf("child tried again: %d %s\n", r, r < 0 ? strerrorname_np(errno) : "");
        char c = 0;
        close(go[1]);
        write(done[1], &c, 1);
        read(go[0], &c, 1);
        _exit(0);
    }
    close(done[1]);
    close(go[0]);
    waiters(id, 0, GETNCNT, 1);
    arg.val = SEMVMX;
    semctl(id, 1, SETVAL, arg);
    arg.val = 1;
    semctl(id, 0, SETVAL, arg);
    char c;
    read(done[0], &c, 1);
    printf("ncnt after it failed: %d\n", semctl(id, 0, GETNCNT));
    close(go[1]);
    close(done[0]);
    waitpid(child, &status, 0);
    arg.val = 0;
    semctl(id, 0, SETVAL, arg);
    semctl(id, 1, SETVAL, arg);

    /* IPC_RMID wakes the waiters with EIDRM. */
    child = fork();
    if (child == 0) {
        int r = op(id, 0, -1, 0);
        printf("child after rmid: %d %s\n", r, r < 0 ? strerrorname_np(errno) : "");
        _exit(0);
    }
    waiters(id, 0, GETNCNT, 1);
    int removed = semctl(id, 0, IPC_RMID);
    waitpid(child, &status, 0);
    result("sem rmid", removed);
    result("getval after rmid", semctl(id, 0, GETVAL));

    key_t key = 0x5b000000 | (getpid() & 0xffffff);
    int keyed = semget(key, 2, IPC_CREAT | IPC_EXCL | 0600);
    result("semget key", keyed);
    result("semget more", semget(key, 3, 0));
    printf("semget fewer finds it: %d\n", semget(key, 1, 0) == keyed);
    struct seminfo si;
    int max = semctl(keyed, 0, IPC_INFO, (union semun){.info = &si});
    printf("IPC_INFO: index %d semvmx %d semume %d semaem %d\n", max >= 0, si.semvmx, si.semume, si.semaem);
    max = semctl(keyed, 0, SEM_INFO, (union semun){.info = &si});
    printf("SEM_INFO: index %d sets>=1 %d\n", max >= 0, si.semusz >= 1);
    semctl(keyed, 0, IPC_RMID);
}

struct message {
    long type;
    char text[64];
};

static void send(int id, long type, const char *text, int flags) {
    struct message m = {.type = type};
    strcpy(m.text, text);
    int r = msgsnd(id, &m, strlen(text) + 1, flags);
    if (r < 0) printf("send %ld %s: %s\n", type, text, strerrorname_np(errno));
}

static void receive(const char *what, int id, size_t size, long type, int flags) {
    struct message m = {0};
    ssize_t n = msgrcv(id, &m, size, type, flags);
    if (n < 0) printf("%s: %s\n", what, strerrorname_np(errno));
    else printf("%s: %zd bytes type %ld \"%.*s\"\n", what, n, m.type, (int)n, m.text);
}

static void queue_state(const char *what, int id) {
    struct msqid_ds ds;
    if (msgctl(id, IPC_STAT, &ds) < 0) {
        printf("%s: stat %s\n", what, strerrorname_np(errno));
        return;
    }
    /* msg_lrpid is in kernel_only(): qemu-aarch64-static 7.2 reports 0 where the kernel has the receiver. */
    printf("%s: qnum %lu cbytes %lu qbytes %lu lspid %s stime %s rtime %s\n", what,
           (unsigned long)ds.msg_qnum, (unsigned long)ds.__msg_cbytes, (unsigned long)ds.msg_qbytes,
           ds.msg_lspid == 0 ? "none" : ds.msg_lspid == getpid() ? "self" : "other",
           ds.msg_stime ? "set" : "zero", ds.msg_rtime ? "set" : "zero");
}

/* Waits (up to 5 s) until process `pid` sleeps (blocked in a call), as /proc/PID/stat says. */
static void wait_blocked(pid_t pid) {
    char path[64], text[256];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    for (int i = 0; i < 5000; i++) {
        FILE *f = fopen(path, "r");
        char *state = NULL;
        if (f && fgets(text, sizeof text, f)) state = strrchr(text, ')');
        if (f) fclose(f);
        if (state && state[2] == 'S') return;
        usleep(1000);
    }
}

static void messages(void) {
    int id = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    result("msgget", id);
    queue_state("new queue", id);
    struct message bad = {.type = 0};
    result("type 0", msgsnd(id, &bad, 1, 0));
    send(id, 3, "three", 0);
    send(id, 1, "one", 0);
    send(id, 2, "two", 0);
    send(id, 1, "one again", 0);
    queue_state("four queued", id);
    receive("copy index 2", id, 64, 2, MSG_COPY | IPC_NOWAIT);
    receive("copy without nowait", id, 64, 0, MSG_COPY);
    receive("type 2", id, 64, 2, 0);
    receive("lowest up to 3", id, 64, -3, 0);
    receive("not type 1", id, 64, 1, MSG_EXCEPT);
    receive("too small", id, 4, 0, 0);
    receive("truncated", id, 4, 0, MSG_NOERROR);
    receive("empty", id, 64, 0, IPC_NOWAIT);
    queue_state("emptied", id);

    /* A receive that waits for another process's send. */
    pid_t child = fork();
    if (child == 0) {
        receive("child got", id, 64, 7, 0);
        _exit(0);
    }
    usleep(100 * 1000);
    send(id, 6, "not for the child", 0);
    send(id, 7, "for the child", 0);
    int status;
    waitpid(child, &status, 0);
    queue_state("after the child", id);
    receive("left", id, 64, 0, IPC_NOWAIT);

    /* A full queue: IPC_NOWAIT fails, a sender waits until a receive makes room. */
    struct msqid_ds ds;
    msgctl(id, IPC_STAT, &ds);
    ds.msg_qbytes = 16;
    result("shrink qbytes", msgctl(id, IPC_SET, &ds));
    send(id, 1, "0123456789", 0);
    send(id, 1, "abcdefghij", IPC_NOWAIT);
    child = fork();
    if (child == 0) {
        send(id, 2, "waited", 0);
        printf("child sent\n");
        _exit(0);
    }
    usleep(100 * 1000);
    /* The receive's line comes after the child's, whichever process the scheduler runs first. */
    struct message room = {0};
    ssize_t got = msgrcv(id, &room, 64, 0, 0);
    waitpid(child, &status, 0);
    printf("makes room: %zd bytes \"%s\"\n", got, room.text);
    receive("the waiting one", id, 64, 0, IPC_NOWAIT);

    /* IPC_RMID wakes a waiting receiver with EIDRM. */
    child = fork();
    if (child == 0) {
        receive("child after rmid", id, 64, 0, 0);
        _exit(0);
    }
    wait_blocked(child);
    int removed = msgctl(id, IPC_RMID, NULL);
    waitpid(child, &status, 0);
    result("msg rmid", removed);
    result("send after rmid", msgsnd(id, &bad, 1, 0));

    key_t key = 0x5c000000 | (getpid() & 0xffffff);
    int keyed = msgget(key, IPC_CREAT | IPC_EXCL | 0600);
    result("msgget key", keyed);
    result("msgget excl", msgget(key, IPC_CREAT | IPC_EXCL | 0600));
    printf("msgget finds it: %d\n", msgget(key, 0) == keyed);
    struct msginfo mi;
    int max = msgctl(keyed, IPC_INFO, (struct msqid_ds *)&mi);
    printf("IPC_INFO: index %d msgssz %d msgseg %u\n", max >= 0, mi.msgssz, mi.msgseg);
    max = msgctl(keyed, MSG_INFO, (struct msqid_ds *)&mi);
    printf("MSG_INFO: index %d queues>=1 %d\n", max >= 0, mi.msgpool >= 1);
    msgctl(keyed, IPC_RMID, NULL);
}

/* The header of /proc/sysvipc/`kind`, and the fields of the line with `key` that do not depend on ids or pids. */
static void proc_line(const char *kind, int key) {
    char path[64], line[512];
    snprintf(path, sizeof path, "/proc/sysvipc/%s", kind);
    FILE *f = fopen(path, "r");
    if (!f) {
        printf("%s: %s\n", path, strerrorname_np(errno));
        return;
    }
    if (fgets(line, sizeof line, f)) printf("%s header: %s", kind, line);
    int found = 0;
    while (fgets(line, sizeof line, f)) {
        int k, id;
        unsigned perms;
        unsigned long a, b;
        if (sscanf(line, "%d %d %o %lu %lu", &k, &id, &perms, &a, &b) == 5 && k == key) {
            /* shm: size, cpid; sem: nsems, uid; msg: cbytes, qnum */
            if (strcmp(kind, "shm") == 0) printf("%s line: perms %o size %lu width %zu\n", kind, perms, a, strlen(line));
            else if (strcmp(kind, "sem") == 0) printf("%s line: perms %o nsems %lu width %zu\n", kind, perms, a, strlen(line));
            else printf("%s line: perms %o cbytes %lu qnum %lu width %zu\n", kind, perms, a, b, strlen(line));
            found = 1;
        }
    }
    fclose(f);
    if (!found) printf("%s line: none\n", kind);
}

/* A /proc/sys/kernel file, and whether it says what IPC_INFO says. */
static void limit(const char *name, unsigned long expected) {
    char path[64];
    snprintf(path, sizeof path, "/proc/sys/kernel/%s", name);
    FILE *f = fopen(path, "r");
    unsigned long v = 0;
    int ok = f && fscanf(f, "%lu", &v) == 1;
    if (f) fclose(f);
    printf("%s: %s\n", name, !ok ? "unreadable" : v == expected ? "as IPC_INFO" : "differs");
}

static void proc_files(void) {
    key_t key = 0x5d000000 | (getpid() & 0xffffff);
    int shm = shmget(key, 5000, IPC_CREAT | 0640);
    char *p = shmat(shm, NULL, 0);
    int sem = semget(key, 4, IPC_CREAT | 0604);
    int msg = msgget(key, IPC_CREAT | 0620);
    send(msg, 1, "twelve bytes", 0);
    proc_line("shm", key);
    proc_line("sem", key);
    proc_line("msg", key);
    struct shminfo si;
    shmctl(0, IPC_INFO, (struct shmid_ds *)&si);
    limit("shmmni", si.shmmni);
    limit("shmmax", si.shmmax);
    struct seminfo semi;
    semctl(sem, 0, IPC_INFO, (union semun){.info = &semi});
    limit("sem", (unsigned long)semi.semmsl);
    struct msginfo mi;
    msgctl(msg, IPC_INFO, (struct msqid_ds *)&mi);
    limit("msgmax", (unsigned long)mi.msgmax);
    limit("msgmnb", (unsigned long)mi.msgmnb);
    limit("msgmni", (unsigned long)mi.msgmni);
    shmdt(p);
    shmctl(shm, IPC_RMID, NULL);
    semctl(sem, 0, IPC_RMID);
    msgctl(msg, IPC_RMID, NULL);
}

static void kernel_only(void) {
    int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
    result("SHM_REMAP without address", (long)shmat(id, NULL, SHM_REMAP) == -1 ? -1 : 0);
    shmctl(id, IPC_RMID, NULL);
    int q = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    static struct message big = {.type = 1};
    result("message over msgmax", msgsnd(q, &big, 1 << 20, 0));
    send(q, 1, "x", 0);
    receive("received", q, 64, 0, 0);
    struct msqid_ds ds;
    msgctl(q, IPC_STAT, &ds);
    printf("lrpid self %d\n", ds.msg_lrpid == getpid());
    msgctl(q, IPC_RMID, NULL);
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    private_segment();
    keyed_segment();
    placement();
    large_segment();
    info();
    semaphores();
    messages();
    proc_files();
    if (argc > 1 && strcmp(argv[1], "kernel") == 0) kernel_only();
    return 0;
}
