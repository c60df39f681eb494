/*
 * What a program learns about its CPU: AT_HWCAP, AT_HWCAP2 and the ID registers Linux emulates
 * for EL0, one per line.
 */
#include <stdio.h>
#include <sys/auxv.h>

#define READ(NAME)                                                                 \
  do {                                                                             \
    unsigned long v;                                                               \
    __asm__ volatile("mrs %0, " #NAME : "=r"(v));                                  \
    printf("%s %lx\n", #NAME, v);                                                  \
  } while (0)

int main(void) {
  printf("hwcap %lx\n", getauxval(AT_HWCAP));
  printf("hwcap2 %lx\n", getauxval(AT_HWCAP2));
  READ(midr_el1);
  READ(id_aa64pfr0_el1);
  READ(id_aa64pfr1_el1);
  READ(id_aa64isar0_el1);
  READ(id_aa64isar1_el1);
  READ(id_aa64mmfr2_el1);
  return 0;
}
