/*
 * The nsfs ioctls on /proc/self/ns links, as the kernel answers them inside the host process's
 * namespaces: each namespace's type, its owning user namespace (a new descriptor, compared by
 * inode with the user link), its parent, and a user namespace's owner.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#define NS_GET_USERNS 0xb701
#define NS_GET_PARENT 0xb702
#define NS_GET_NSTYPE 0xb703
#define NS_GET_OWNER_UID 0xb704

static const char *outcome(int r) { return r < 0 ? strerrorname_np(errno) : "ok"; }

int main(void) {
    static const char *names[] = {"cgroup", "ipc", "mnt", "net", "pid", "user", "uts", NULL};
    struct stat user;
    if (stat("/proc/self/ns/user", &user) != 0) return 1;
    for (const char **name = names; *name; name++) {
        char path[64];
        snprintf(path, sizeof path, "/proc/self/ns/%s", *name);
        int fd = open(path, O_RDONLY);
        printf("%s: open %s, type %#x", *name, outcome(fd), ioctl(fd, NS_GET_NSTYPE));
        int owner = ioctl(fd, NS_GET_USERNS);
        struct stat st;
        printf(", user namespace %s", outcome(owner));
        if (owner >= 0) {
            printf(" (the user link's: %d, close-on-exec: %d)", fstat(owner, &st) == 0 && st.st_ino == user.st_ino,
                   (fcntl(owner, F_GETFD) & FD_CLOEXEC) != 0);
            close(owner);
        }
        int parent = ioctl(fd, NS_GET_PARENT);
        printf(", parent %s", outcome(parent));
        unsigned uid = 12345;
        int got = ioctl(fd, NS_GET_OWNER_UID, &uid);
        printf(", owner uid %s %u", outcome(got), uid);
        printf(", other ioctl %s\n", outcome(ioctl(fd, 0xb7ff)));
        close(fd);
    }
    return 0;
}
