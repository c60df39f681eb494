/*
 * An argv[0]-sensitive probe that follows ccache 3.7's find_compiler():
 *
 *   <name> <compiler> [args...]
 *
 * When invoked under its own name with a first argument that is not an option, it
 * takes that argument as the compiler, looks it up in PATH (the first regular,
 * executable file of that name) and, exactly like ccache 3.7, refuses to run when
 * the path it found is the same string as argv[0]:
 *
 *   <name>: error: Recursive invocation (the name of the ccache binary must be "<name>")
 *
 * Natively a PATH lookup leaves argv[0] as typed ("ccache"), so the comparison never
 * matches. Under a binfmt_misc handler without the P flag the kernel replaces argv[0]
 * with the path it executed ("/usr/bin/ccache"), which is exactly the path the lookup
 * finds, and the check fires. <name> is the basename of argv[0], so the probe can be
 * installed under any name.
 *
 * It first prints the argv it received, one `argv[i]: ...` line each; on success it says
 * what it found and exits 0; it never executes anything.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* The first regular executable file called `name` in PATH, as ccache 3.7 finds it. */
static char *find_in_path(const char *name)
{
    const char *path = getenv("PATH");
    if (path == NULL || *path == '\0') {
        return NULL;
    }
    char *copy = strdup(path);
    char *saveptr = NULL;
    for (char *dir = strtok_r(copy, ":", &saveptr); dir != NULL; dir = strtok_r(NULL, ":", &saveptr)) {
        size_t length = strlen(dir) + 1 + strlen(name) + 1;
        char *candidate = malloc(length);
        snprintf(candidate, length, "%s/%s", dir, name);
        struct stat st;
        if (access(candidate, X_OK) == 0 && stat(candidate, &st) == 0 && S_ISREG(st.st_mode)) {
            free(copy);
            return candidate;
        }
        free(candidate);
    }
    free(copy);
    return NULL;
}

/* One line per entry, so a reader can recover the exact vector (the write-up's extra log). */
static void print_argv(int argc, char *argv[])
{
    for (int i = 0; i < argc; i++) {
        printf("argv[%d]: %s\n", i, argv[i]);
    }
    fflush(stdout);
}

int main(int argc, char *argv[])
{
    const char *myname = base_name(argv[0]);
    print_argv(argc, argv);
    if (argc < 2) {
        fprintf(stderr, "usage: %s COMPILER [ARGS...]\n", myname);
        return 1;
    }
    if (argv[1][0] == '-') {
        /* ccache would handle its own options here; the probe only reports. */
        printf("own options: nothing to look up\n");
        return 0;
    }
    const char *compiler_name = argv[1];
    if (strchr(compiler_name, '/') != NULL) {
        /* A path was given: ccache uses it as is, no lookup, no check. */
        printf("compiler given as a path: %s\n", compiler_name);
        return 0;
    }
    char *compiler = find_in_path(compiler_name);
    if (compiler == NULL) {
        fprintf(stderr, "%s: error: Could not find compiler \"%s\" in PATH\n", myname, compiler_name);
        return 1;
    }
    if (strcmp(compiler, argv[0]) == 0) {
        fprintf(stderr, "%s: error: Recursive invocation (the name of the ccache binary must be \"%s\")\n",
                myname, myname);
        return 1;
    }
    printf("compiler found in PATH: %s\n", compiler);
    printf("argv[0] differs from it: ok\n");
    free(compiler);
    return 0;
}
