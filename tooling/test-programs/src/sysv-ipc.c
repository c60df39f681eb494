/*
 * System V shared memory: shmget (IPC_PRIVATE and keys, IPC_CREAT/IPC_EXCL, sizes), shmat
 * (anywhere, at an address, SHM_RND, SHM_REMAP, SHM_RDONLY), shmdt, shmctl (IPC_STAT, IPC_SET,
 * IPC_RMID while attached, IPC_INFO, SHM_INFO), attachments inherited by fork and shared with
 * the child, and what /proc/self/maps shows. (SHM_REMAP without an address is EINVAL in the
 * kernel and accepted by qemu-aarch64-static: not compared here.) The reference runs in the
 * host's IPC namespace, so nothing printed depends on ids, keys or other processes' segments,
 * and everything made is removed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/wait.h>
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

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    private_segment();
    keyed_segment();
    placement();
    info();
    return 0;
}
