/*
 * Threads: pthread create/join, mutexes and condition variables, thread-local storage,
 * per-thread signal masks, exclusive load/store and LSE atomics from several threads,
 * pthread_exit of the main thread, detached threads. Prints only deterministic results.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define THREADS 4

static __thread int tls_value = 7;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static long locked_counter;
static int turn;

static void *worker(void *arg) {
  long id = (long)arg;
  tls_value = (int)id * 100;
  for (int i = 0; i < 20000; i++) {
    pthread_mutex_lock(&lock);
    locked_counter++;
    pthread_mutex_unlock(&lock);
  }
  /* Take turns in order through a condition variable. */
  pthread_mutex_lock(&lock);
  while (turn != id) pthread_cond_wait(&cond, &lock);
  printf("thread %ld: tls %d, own tid differs from the process id: %d\n", id, tls_value,
         (pid_t)syscall(SYS_gettid) != getpid());
  turn++;
  pthread_cond_broadcast(&cond);
  pthread_mutex_unlock(&lock);
  return (void *)(id * 2);
}

static uint64_t exclusive_counter;
static uint64_t lse_counter;

/* Increments with a load-exclusive/store-exclusive loop, as -march=armv8-a atomics compile to. */
static void exclusive_add(uint64_t *p) {
  uint64_t value;
  uint32_t failed;
  __asm__ volatile("1: ldaxr %0, [%2]\n"
                   "   add %0, %0, #1\n"
                   "   stlxr %w1, %0, [%2]\n"
                   "   cbnz %w1, 1b\n"
                   : "=&r"(value), "=&r"(failed)
                   : "r"(p)
                   : "memory");
}

/* Increments with one LSE instruction (ARMv8.1). */
static void lse_add(uint64_t *p) {
  uint64_t one = 1, old;
  __asm__ volatile(".arch armv8.1-a\n ldaddal %1, %0, [%2]" : "=r"(old) : "r"(one), "r"(p) : "memory");
}

static long atomic_rounds = 200000;

static void *atomic_worker(void *arg) {
  (void)arg;
  for (long i = 0; i < atomic_rounds; i++) {
    exclusive_add(&exclusive_counter);
    lse_add(&lse_counter);
  }
  return NULL;
}

static sem_t ready;
static volatile sig_atomic_t usr1_in_main, usr1_in_thread;
static pthread_t main_thread;

static void on_usr1(int sig) {
  (void)sig;
  if (pthread_equal(pthread_self(), main_thread)) usr1_in_main++;
  else usr1_in_thread++;
}

static void *masked_worker(void *arg) {
  (void)arg;
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &set, NULL);
  sem_post(&ready);
  for (int i = 0; i < 50; i++) usleep(1000);
  return NULL;
}

static void *sleeper(void *arg) {
  (void)arg;
  usleep(20000);
  return (void *)123;
}

static void *detached(void *arg) {
  sem_post((sem_t *)arg);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc > 1) atomic_rounds = atol(argv[1]);
  setvbuf(stdout, NULL, _IOLBF, 0);
  pthread_t t[THREADS];
  for (long i = 0; i < THREADS; i++) pthread_create(&t[i], NULL, worker, (void *)i);
  long sum = 0;
  for (int i = 0; i < THREADS; i++) {
    void *r;
    pthread_join(t[i], &r);
    sum += (long)r;
  }
  printf("joined: results sum %ld, mutex counter %ld, main tls %d\n", sum, locked_counter, tls_value);

  pthread_t a[2];
  for (int i = 0; i < 2; i++) pthread_create(&a[i], NULL, atomic_worker, NULL);
  for (int i = 0; i < 2; i++) pthread_join(a[i], NULL);
  printf("exclusive counter %llu (expected %ld), lse counter %llu\n", (unsigned long long)exclusive_counter,
         2 * atomic_rounds, (unsigned long long)lse_counter);

  /* A signal sent to the process goes to a thread that does not block it. */
  main_thread = pthread_self();
  signal(SIGUSR1, on_usr1);
  sem_init(&ready, 0, 0);
  pthread_t m;
  pthread_create(&m, NULL, masked_worker, NULL);
  sem_wait(&ready);
  kill(getpid(), SIGUSR1);
  pthread_join(m, NULL);
  printf("SIGUSR1 handled in main %d, in the masking thread %d\n", (int)usr1_in_main, (int)usr1_in_thread);

  /* pthread_kill reaches the named thread. */
  pthread_t s;
  pthread_create(&s, NULL, sleeper, NULL);
  void *r;
  printf("pthread_kill(0): %d\n", pthread_kill(s, 0));
  pthread_join(s, &r);
  printf("sleeper returned %ld; pthread_kill after join: %s\n", (long)r, pthread_kill(s, 0) == 0 ? "0" : "error");

  sem_t done;
  sem_init(&done, 0, 0);
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_t d;
  pthread_create(&d, &attr, detached, &done);
  sem_wait(&done);
  printf("detached thread ran\n");
  return 0;
}
