/*
 * User and group ids and the capabilities that follow them: getres[ug]id, the set*id family with
 * the kernel's rules, setfs[ug]id, getgroups/setgroups, kill's permission check, inheritance by
 * a child, and the Uid, Gid, Groups and Cap lines of /proc/self/status. Each scenario runs in a
 * child, so the parent keeps its ids for the next one. As root every scenario starts privileged;
 * otherwise the privileged ones print the kernel's refusals.
 *
 * With the argument "exec" it drops ids, then executes itself ("exec-after") to show what
 * execve keeps: qemu cannot execute an aarch64 program, so that part is compared with the same
 * program built for the host (packages/arm64/test/credentials.test.ts).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void show(const char *what, long r) {
  printf("%s: %ld%s%s\n", what, r, r < 0 ? " " : "", r < 0 ? strerrorname_np(errno) : "");
}

static void ids(const char *when) {
  uid_t r, e, s;
  gid_t gr, ge, gs;
  getresuid(&r, &e, &s);
  getresgid(&gr, &ge, &gs);
  printf("%s: uids %u %u %u (fs %d), gids %u %u %u (fs %d)\n", when, r, e, s, setfsuid(-1), gr, ge, gs,
         setfsgid(-1));
}

/* The lines of /proc/self/status that describe credentials. */
static void status(void) {
  static const char *names[] = {"Uid:", "Gid:", "Groups:", "CapInh:", "CapPrm:", "CapEff:", "CapBnd:", "CapAmb:"};
  FILE *f = fopen("/proc/self/status", "r");
  char line[512];
  while (f && fgets(line, sizeof line, f))
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
      if (strncmp(line, names[i], strlen(names[i])) == 0) fputs(line, stdout);
  if (f) fclose(f);
}

static void groups(void) {
  gid_t list[64];
  int n = getgroups(64, list);
  printf("groups (%d):", n);
  for (int i = 0; i < n; i++) printf(" %u", list[i]);
  printf("\n");
}

/* Runs one scenario in a child and waits for it. */
static void scenario(const char *name, void (*body)(void)) {
  printf("-- %s\n", name);
  pid_t pid = fork();
  if (pid == 0) {
    body();
    _exit(0);
  }
  int st;
  waitpid(pid, &st, 0);
  printf("-- %s: status %d\n", name, st);
}

/* What needs no privilege, whoever runs it. */
static void basics(void) {
  uid_t r, e, s;
  show("getresuid", getresuid(&r, &e, &s));
  printf("getuid %d geteuid %d\n", getuid() == r, geteuid() == e);
  int n = getgroups(0, NULL);
  gid_t list[256];
  printf("getgroups(0) == getgroups(list): %d\n", n == getgroups(256, list));
  if (n > 0) show("getgroups(too small)", getgroups(n - 1, list));
  volatile int negative = -1; /* hidden from the compiler, which warns about a constant */
  show("getgroups(-1)", getgroups(negative, list));
  show("setuid(-1)", setuid(-1));
  show("setresuid(-1, -1, -1)", setresuid(-1, -1, -1));
  show("setreuid(-1, -1)", setreuid(-1, -1));
  show("setresuid(-1, euid, -1)", setresuid(-1, geteuid(), -1));
  printf("setfsuid returns the old one: %d\n", setfsuid(-1) == (int)geteuid());
  printf("setfsgid returns the old one: %d\n", setfsgid(-1) == (int)getegid());
  ids("start");
}

/* Root sets every kind of id, then gives up uid 0 in all three and cannot return. */
static void root_drops_everything(void) {
  gid_t three[] = {30, 10, 20, 10};
  int allowed = setgroups(4, three) == 0;
  printf("setgroups(30 10 20 10): %s\n", allowed ? "ok" : strerrorname_np(errno));
  groups();
  /* Bad sizes only where the call is allowed: unprivileged, the kernel answers EPERM first and
     qemu EINVAL. */
  if (allowed) {
    show("setgroups(-1)", setgroups(-1, three));
    show("setgroups(65537)", setgroups(65537, three));
  }
  show("setresgid(100, 200, 300)", setresgid(100, 200, 300));
  show("setfsgid(300)", setfsgid(300));
  show("setfsgid(400)", setfsgid(400));
  ids("after gids");
  show("setregid(-1, 100)", setregid(-1, 100));
  ids("setregid(-1, 100)");
  show("setregid(-1, 500)", setregid(-1, 500));
  ids("setregid(-1, 500)");
  show("setgid(7)", setgid(7));
  ids("setgid(7)");
  show("setreuid(1000, 2000)", setreuid(1000, 2000));
  ids("setreuid(1000, 2000)");
  status();
  show("setuid(0)", setuid(0));
  show("seteuid(0)", seteuid(0));
  show("setresuid(2000, 1000, 2000)", setresuid(2000, 1000, 2000));
  show("setresuid(3000, -1, -1)", setresuid(3000, -1, -1));
  show("setfsuid(0)", setfsuid(0));
  show("setfsuid(2000)", setfsuid(2000));
  ids("unprivileged");
  show("setgroups(0)", setgroups(0, NULL));
  show("setgid(7)", setgid(7));
  show("setgid(100)", setgid(100));
  show("kill(parent, 0)", kill(getppid(), 0));
  show("kill(parent, SIGCONT)", kill(getppid(), SIGCONT));
  status();
}

/* Root moves only its effective uid away and back, and its fs uid. */
static void root_effective_away_and_back(void) {
  show("seteuid(1000)", seteuid(1000));
  ids("seteuid(1000)");
  status();
  show("kill(parent, 0)", kill(getppid(), 0));
  show("setuid(5)", setuid(5));
  show("setgroups(0)", setgroups(0, NULL));
  struct rlimit lim;
  show("seteuid(0)", seteuid(0));
  ids("seteuid(0)");
  status();
  show("setfsuid(1000)", setfsuid(1000));
  status();
  show("setfsuid(0)", setfsuid(0));
  status();
  /* Raising a hard limit takes CAP_SYS_RESOURCE, which root may or may not have. */
  getrlimit(RLIMIT_NOFILE, &lim);
  lim.rlim_max--;
  show("lower the NOFILE hard limit", setrlimit(RLIMIT_NOFILE, &lim));
  lim.rlim_max++;
  show("raise it again", setrlimit(RLIMIT_NOFILE, &lim));
  show("setuid(4000)", setuid(4000));
  ids("setuid(4000)");
  status();
  show("seteuid(0) after setuid", seteuid(0));
}

/* rt_sigqueueinfo and rt_tgsigqueueinfo with a siginfo whose si_code is `code` (signal 0: checks only). */
static long queue(pid_t pid, int sig, int code) {
  siginfo_t info;
  memset(&info, 0, sizeof info);
  info.si_code = code;
  info.si_pid = getpid();
  return syscall(SYS_rt_sigqueueinfo, pid, sig, &info);
}

static long tgqueue(pid_t tgid, pid_t tid, int sig, int code) {
  siginfo_t info;
  memset(&info, 0, sizeof info);
  info.si_code = code;
  return syscall(SYS_rt_tgsigqueueinfo, tgid, tid, sig, &info);
}

/*
 * Only kill and tgkill may claim SI_USER or SI_TKILL, and only the kernel a positive si_code:
 * another process gets EPERM even from root; then the kill permission by credentials.
 */
static void sigqueueinfo(void) {
  pid_t parent = getppid(), self = getpid();
  show("sigqueueinfo(parent, 0, SI_QUEUE)", queue(parent, 0, SI_QUEUE));
  show("sigqueueinfo(parent, 0, SI_USER)", queue(parent, 0, SI_USER));
  show("sigqueueinfo(parent, 0, SI_TKILL)", queue(parent, 0, SI_TKILL));
  show("sigqueueinfo(parent, 0, SI_KERNEL)", queue(parent, 0, SI_KERNEL));
  show("sigqueueinfo(parent, 0, CLD_EXITED)", queue(parent, 0, CLD_EXITED));
  show("sigqueueinfo(self, 0, SI_USER)", queue(self, 0, SI_USER));
  show("sigqueueinfo(self, 0, SI_TKILL)", queue(self, 0, SI_TKILL));
  show("sigqueueinfo(self, 65, SI_QUEUE)", queue(self, 65, SI_QUEUE));
  show("sigqueueinfo(parent, 65, SI_QUEUE)", queue(parent, 65, SI_QUEUE));
  show("sigqueueinfo(parent, 65, SI_USER)", queue(parent, 65, SI_USER));
  show("sigqueueinfo(0, 0, SI_QUEUE)", queue(0, 0, SI_QUEUE));
  show("sigqueueinfo(-1, 0, SI_QUEUE)", queue(-1, 0, SI_QUEUE));
  show("sigqueueinfo(missing, 0, SI_QUEUE)", queue(0x3ffffff0, 0, SI_QUEUE));
  show("sigqueueinfo(missing, 65, SI_QUEUE)", queue(0x3ffffff0, 65, SI_QUEUE));
  show("tgsigqueueinfo(parent, parent, 0, SI_QUEUE)", tgqueue(parent, parent, 0, SI_QUEUE));
  show("tgsigqueueinfo(parent, parent, 0, SI_TKILL)", tgqueue(parent, parent, 0, SI_TKILL));
  show("tgsigqueueinfo(self, self, 0, SI_TKILL)", tgqueue(self, self, 0, SI_TKILL));
  show("tgsigqueueinfo(self, parent, 0, SI_QUEUE)", tgqueue(self, parent, 0, SI_QUEUE));
  show("tgsigqueueinfo(parent, 0, 0, SI_QUEUE)", tgqueue(parent, 0, 0, SI_QUEUE));
  show("tgsigqueueinfo(0, parent, 0, SI_QUEUE)", tgqueue(0, parent, 0, SI_QUEUE));
  show("tgsigqueueinfo(self, self, 65, SI_QUEUE)", tgqueue(self, self, 65, SI_QUEUE));
  show("tgsigqueueinfo(missing, missing, 65, SI_QUEUE)", tgqueue(0x3ffffff0, 0x3ffffff0, 65, SI_QUEUE));
  /* A signal queued to itself arrives with the value it carries. */
  sigset_t usr1;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  sigprocmask(SIG_BLOCK, &usr1, NULL);
  union sigval value = {.sival_int = 42};
  show("sigqueue(self, SIGUSR1, 42)", sigqueue(self, SIGUSR1, value));
  siginfo_t got;
  int sig = sigwaitinfo(&usr1, &got);
  printf("took %d: code %d value %d from self %d\n", sig == SIGUSR1, got.si_code, got.si_value.sival_int,
         got.si_pid == self);
  /* Without root, the credentials decide. */
  if (setresuid(1000, 1000, 1000) == 0) {
    show("unprivileged sigqueueinfo(parent, 0, SI_QUEUE)", queue(parent, 0, SI_QUEUE));
    show("unprivileged sigqueueinfo(parent, 65, SI_QUEUE)", queue(parent, 65, SI_QUEUE));
    show("unprivileged tgsigqueueinfo(parent, parent, 0, SI_QUEUE)", tgqueue(parent, parent, 0, SI_QUEUE));
    show("unprivileged sigqueueinfo(self, 0, SI_QUEUE)", queue(self, 0, SI_QUEUE));
  }
}

/* Who owns /proc/self, its files and its fd directory, as stat shows them (task_dump_owner). */
static void proc_owners(const char *when) {
  static const char *paths[] = {"/proc/self", "/proc/self/status", "/proc/self/fd", "/proc/self/task"};
  printf("%s: dumpable %d;", when, prctl(PR_GET_DUMPABLE));
  for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
    struct stat st;
    if (stat(paths[i], &st) == 0) printf(" %s %u:%u %o", paths[i] + 10, st.st_uid, st.st_gid, st.st_mode & 07777);
    else printf(" %s %s", paths[i] + 10, strerrorname_np(errno));
  }
  struct stat st;
  if (lstat("/proc/self/fd/1", &st) == 0) printf(" fd/1 %u:%u", st.st_uid, st.st_gid);
  printf("\n");
}

/* A change of ids makes a process non-dumpable (its /proc files root's) until it says otherwise. */
static void proc_ownership(void) {
  proc_owners("root");
  show("prctl(PR_SET_PDEATHSIG, SIGUSR1)", prctl(PR_SET_PDEATHSIG, SIGUSR1));
  show("setresgid(100, 200, 300)", setresgid(100, 200, 300));
  show("setresuid(0, 2000, 3000)", setresuid(0, 2000, 3000));
  int deathsig = -1;
  prctl(PR_GET_PDEATHSIG, &deathsig);
  printf("death signal after the change: %d\n", deathsig);
  proc_owners("setresuid(0, 2000, 3000)");
  show("prctl(PR_SET_DUMPABLE, 1)", prctl(PR_SET_DUMPABLE, 1));
  proc_owners("dumpable again");
  show("setfsuid(0)", setfsuid(0));
  proc_owners("setfsuid(0)");
  show("prctl(PR_SET_DUMPABLE, 1)", prctl(PR_SET_DUMPABLE, 1));
  show("setresuid(-1, -1, 2000)", setresuid(-1, -1, 2000));
  proc_owners("saved uid changed only");
}

/* What a child inherits. */
static void inherited(void) {
  show("setresgid(-1, 100, -1)", setresgid(-1, 100, -1));
  show("setresuid(-1, 1000, -1)", setresuid(-1, 1000, -1));
  pid_t pid = fork();
  if (pid == 0) {
    ids("grandchild");
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  ids("child");
}

/*
 * posix_spawn's POSIX_SPAWN_RESETIDS (GNU make runs recipes so) resets the effective ids in the
 * spawned child only. (Under qemu a failed exec in posix_spawn's child is not reported.)
 */
static void spawn_resetids(void) {
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_RESETIDS);
  char *argv[] = {"missing", NULL};
  pid_t pid;
  int err = posix_spawn(&pid, "/nonexistent/missing", NULL, &attr, argv, environ);
  printf("posix_spawn(RESETIDS, missing): %s\n", err ? strerrorname_np(err) : "ok");
  ids("after posix_spawn");
}

/* execve keeps the real and effective ids and sets the saved and fs ones to the effective. */
static int exec_scenario(const char *self) {
  show("setgroups(1)", setgroups(1, (gid_t[]){5}));
  show("setresgid(10, 20, 30)", setresgid(10, 20, 30));
  show("setfsgid(30)", setfsgid(30));
  show("setresuid(0, 1000, 2000)", setresuid(0, 1000, 2000));
  show("setfsuid(2000)", setfsuid(2000));
  spawn_resetids();
  ids("before exec");
  fflush(stdout);
  execl(self, self, "exec-after", (char *)NULL);
  show("execl", -1);
  return 1;
}

/* Runs `program` (a set-user-ID, set-group-ID copy of this one) in a child after `prepare`. */
static void run_setid(const char *what, const char *program, void (*prepare)(void)) {
  printf("-- %s\n", what);
  pid_t pid = fork();
  if (pid == 0) {
    prepare();
    ids("before exec");
    char *env[] = {"LD_LIBRARY_PATH=/nowhere", "LANG=C", NULL};
    execle(program, program, "exec-after", (char *)NULL, env);
    show("execle", -1);
    _exit(1);
  }
  int st;
  waitpid(pid, &st, 0);
  printf("-- %s: status %d\n", what, st);
}

static void as_root(void) {}
static void no_new_privs(void) { show("prctl(PR_SET_NO_NEW_PRIVS)", prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)); }
static void as_user(void) {
  show("setresgid(100, 100, 100)", setresgid(100, 100, 100));
  show("setresuid(1000, 1000, 1000)", setresuid(1000, 1000, 1000));
}
static void effective_user_no_new_privs(void) {
  show("setresuid(0, 1000, 0)", setresuid(0, 1000, 0));
  no_new_privs();
}

/*
 * With the arguments "setid PROGRAM": executes PROGRAM, a set-user-ID and set-group-ID copy of
 * this program owned by another user, from root, under no_new_privs, from an ordinary user, and
 * with an effective uid of its own under no_new_privs. qemu cannot show what execve does, so the
 * host's kernel running the same program built for the host is the oracle.
 */
static int setid_scenarios(const char *program) {
  run_setid("set-id program from root", program, as_root);
  run_setid("set-id program under no_new_privs", program, no_new_privs);
  run_setid("set-id program from a user", program, as_user);
  run_setid("set-id program with euid 1000 under no_new_privs", program, effective_user_no_new_privs);
  return 0;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc > 2 && strcmp(argv[1], "setid") == 0) return setid_scenarios(argv[2]);
  if (argc > 1 && strcmp(argv[1], "exec") == 0) return exec_scenario("/proc/self/exe");
  if (argc > 1 && strcmp(argv[1], "exec-after") == 0) {
    ids("after exec");
    printf("AT_SECURE %lu, LD_LIBRARY_PATH %s\n", getauxval(AT_SECURE), getenv("LD_LIBRARY_PATH") ? "kept" : "gone");
    proc_owners("after exec");
    groups();
    status();
    show("seteuid(0)", seteuid(0));
    ids("seteuid(0)");
    status();
    return 0;
  }
  basics();
  scenario("root drops everything", root_drops_everything);
  scenario("root's effective uid away and back", root_effective_away_and_back);
  scenario("inherited", inherited);
  scenario("sigqueueinfo", sigqueueinfo);
  scenario("/proc ownership", proc_ownership);
  ids("parent at the end");
  return 0;
}
