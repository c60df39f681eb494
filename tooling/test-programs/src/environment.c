/* Prints the working directory the program started in and its environment, one entry a line. */
#include <stdio.h>
#include <unistd.h>

extern char **environ;

int main(void) {
    char cwd[4096];
    printf("cwd %s\n", getcwd(cwd, sizeof cwd) ? cwd : "(none)");
    for (char **e = environ; *e; e++) printf("env %s\n", *e);
    return 0;
}
