/*
 * prctl as programs use it: thread names (PR_SET_NAME/PR_GET_NAME, per thread, inherited by
 * new threads and fork children), the parent-death signal, the dumpable flag and no_new_privs,
 * and EINVAL for what the kernel refuses.
 *
 * Left out, because qemu cannot be the oracle for them: a thread's name before PR_SET_NAME and
 * after execve (under qemu it is qemu's own), and PR_SET_CHILD_SUBREAPER (qemu 7.2 refuses it
 * with EINVAL; the kernel and arm64kit accept it).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static void result(const char *what, long r) {
    printf("%s: %ld %s\n", what, r, r < 0 ? strerrorname_np(errno) : "ok");
}

static void show_name(const char *what) {
    char name[32];
    memset(name, 'x', sizeof name);
    prctl(PR_GET_NAME, name);
    printf("%s: \"%s\" (byte 15: %d, byte 16: %c)\n", what, name, name[15], name[16]);
}

static void *thread_main(void *arg) {
    (void)arg;
    show_name("new thread inherits");
    prctl(PR_SET_NAME, "worker");
    show_name("thread after its own PR_SET_NAME");
    return NULL;
}

/*
 * A subreaper adopts its grandchild when the child between them ends, gets SIGCHLD for it and
 * reaps it (the kernel's answer; qemu 7.2 refuses PR_SET_CHILD_SUBREAPER).
 */
static int subreaper(void) {
    int flag = -1;
    result("PR_SET_CHILD_SUBREAPER", prctl(PR_SET_CHILD_SUBREAPER, 1));
    prctl(PR_GET_CHILD_SUBREAPER, &flag);
    printf("PR_GET_CHILD_SUBREAPER: %d\n", flag);
    int ready[2], noted[2];
    pipe(ready);
    pipe(noted);
    fflush(stdout);
    pid_t me = getpid();
    pid_t child = fork();
    if (child == 0) {
        prctl(PR_GET_CHILD_SUBREAPER, &flag);
        printf("child inherits the flag: %d\n", flag);
        fflush(stdout);
        if (fork() == 0) {
            char c;
            while (getppid() != me) usleep(1000);
            printf("grandchild adopted by the subreaper\n");
            fflush(stdout);
            if (write(noted[1], "a", 1) != 1) _exit(9);
            if (read(ready[0], &c, 1) != 1) _exit(8);
            _exit(5);
        }
        _exit(0);
    }
    int status;
    waitpid(child, &status, 0);
    char c;
    if (read(noted[0], &c, 1) != 1) printf("grandchild gone early\n");
    printf("child: exit %d\n", WEXITSTATUS(status));
    if (write(ready[1], "g", 1) != 1) printf("write failed\n");
    pid_t adopted = wait(&status);
    printf("wait adopted the grandchild: %d, exit %d\n", adopted > 0 && adopted != child, WEXITSTATUS(status));
    return 0;
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc > 1 && strcmp(argv[1], "subreaper") == 0) return subreaper();
    if (argc > 1 && strcmp(argv[1], "name") == 0) {
        show_name("first name");
        return 0;
    }
    result("PR_SET_NAME", prctl(PR_SET_NAME, "main-thread"));
    show_name("PR_GET_NAME");
    result("PR_SET_NAME long", prctl(PR_SET_NAME, "a-name-longer-than-fifteen-bytes"));
    show_name("cut to 15 bytes");
    result("PR_SET_NAME empty", prctl(PR_SET_NAME, ""));
    show_name("empty");
    prctl(PR_SET_NAME, "parent");
    pthread_t t;
    pthread_create(&t, NULL, thread_main, NULL);
    pthread_join(t, NULL);
    show_name("main thread keeps its name");

    /* Dumpable and no_new_privs. */
    result("PR_GET_DUMPABLE", prctl(PR_GET_DUMPABLE));
    result("PR_SET_DUMPABLE 0", prctl(PR_SET_DUMPABLE, 0));
    result("PR_GET_DUMPABLE", prctl(PR_GET_DUMPABLE));
    result("PR_SET_DUMPABLE 2", prctl(PR_SET_DUMPABLE, 2));
    result("PR_SET_DUMPABLE 1", prctl(PR_SET_DUMPABLE, 1));
    result("PR_GET_NO_NEW_PRIVS", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
    result("PR_SET_NO_NEW_PRIVS 0", prctl(PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0));
    result("PR_SET_NO_NEW_PRIVS with extra", prctl(PR_SET_NO_NEW_PRIVS, 1, 1, 0, 0));
    result("PR_SET_NO_NEW_PRIVS 1", prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
    result("PR_GET_NO_NEW_PRIVS", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
    result("PR_GET_NO_NEW_PRIVS with extra", prctl(PR_GET_NO_NEW_PRIVS, 1, 0, 0, 0));
    result("unknown option 9999", prctl(9999, 0, 0, 0, 0));

    /* The parent-death signal: not inherited by fork, delivered when the parent ends. */
    int sig = -1;
    result("PR_SET_PDEATHSIG 65", prctl(PR_SET_PDEATHSIG, 65));
    result("PR_SET_PDEATHSIG SIGUSR1", prctl(PR_SET_PDEATHSIG, SIGUSR1));
    prctl(PR_GET_PDEATHSIG, &sig);
    printf("PR_GET_PDEATHSIG: %d\n", sig);
    prctl(PR_SET_PDEATHSIG, 0);

    /* The parent-death signal reaches a grandchild when the child between them ends. */
    int to_grandchild[2], from_grandchild[2];
    pipe(to_grandchild);
    pipe(from_grandchild);
    fflush(stdout);
    pid_t me = getpid();
    pid_t child = fork();
    if (child == 0) {
        show_name("fork child inherits");
        int inherited = -1;
        prctl(PR_GET_PDEATHSIG, &inherited);
        printf("child: pdeathsig %d\n", inherited);
        fflush(stdout);
        pid_t grandchild = fork();
        if (grandchild == 0) {
            sigset_t set;
            sigemptyset(&set);
            sigaddset(&set, SIGUSR1);
            sigprocmask(SIG_BLOCK, &set, NULL);
            prctl(PR_SET_PDEATHSIG, SIGUSR1);
            if (write(from_grandchild[1], "r", 1) != 1) _exit(9);
            int got = 0;
            sigwait(&set, &got);
            char c;
            if (read(to_grandchild[0], &c, 1) != 1) _exit(8);
            printf("grandchild: got signal %d, parent is now another process: %d\n", got, getppid() != me);
            fflush(stdout);
            if (write(from_grandchild[1], "d", 1) != 1) _exit(9);
            _exit(5);
        }
        char c;
        if (read(from_grandchild[0], &c, 1) != 1) _exit(7);
        _exit(0);
    }
    int status;
    waitpid(child, &status, 0);
    printf("child: exit %d\n", WEXITSTATUS(status));
    if (write(to_grandchild[1], "g", 1) != 1) printf("write failed\n");
    char done;
    if (read(from_grandchild[0], &done, 1) != 1) printf("grandchild gone early\n");
    result("wait for the reparented grandchild", wait(&status));
    return 0;
}
