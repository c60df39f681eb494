/*
 * A thread reads standard input while the main thread keeps working and printing: the read of a
 * pipe that has nothing yet must block only its own thread. The test feeding the pipe writes
 * only once it has seen the last tick, so a read that stopped the whole process never ends.
 * Usage: stdin-thread [fork] [poll] [leave]   (fork: a child process reads instead of a thread;
 * poll: the reader first polls stdin for up to 10 s, which must end when the bytes come; leave:
 * the main thread ends the process after its ticks while the reader still waits)
 */
#define _GNU_SOURCE
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int use_poll;

static void *reader(void *arg) {
    (void)arg;
    if (use_poll) {
        struct pollfd p = {0, POLLIN, 0};
        int ready = poll(&p, 1, 10000);
        printf("poll: %s\n", ready > 0 && (p.revents & POLLIN) ? "readable" : "timed out");
    }
    char buf[64];
    ssize_t n = read(0, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    printf("reader got %zd bytes: %s", n, buf);
    n = read(0, buf, sizeof buf - 1);
    printf("then %zd (end of file)\n", n);
    struct pollfd end = {0, POLLIN, 0};
    poll(&end, 1, 0);
    printf("at the end poll says %#x\n", end.revents);
    return NULL;
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    int by_fork = 0, leave = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "fork") == 0) by_fork = 1;
        if (strcmp(argv[i], "poll") == 0) use_poll = 1;
        if (strcmp(argv[i], "leave") == 0) leave = 1;
    }
    pthread_t thread;
    pid_t child = -1;
    if (by_fork) {
        child = fork();
        if (child == 0) {
            reader(NULL);
            _exit(0);
        }
    } else {
        pthread_create(&thread, NULL, reader, NULL);
    }
    for (int i = 0; i < 5; i++) {
        printf("tick %d\n", i);
        usleep(20000);
    }
    if (leave) {
        printf("done\n");
        exit(0);
    }
    if (by_fork) waitpid(child, NULL, 0);
    else pthread_join(thread, NULL);
    printf("done\n");
    return 0;
}
