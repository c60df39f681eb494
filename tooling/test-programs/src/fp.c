/*
 * Floating point: arithmetic, fused multiply-add, conversions both ways and rounding to integral
 * under every rounding mode (fesetround writes FPCR.RMode), the exception flags glibc reads back
 * from FPSR, min/max/NaN/denormal rules, printf of doubles in many formats, and libm functions.
 * Results are printed exactly (%a or raw bits) or folded into one hash per group.
 * Usage: fp [SEED]  (the seed varies the random operands).
 */
/* Rounding-mode changes must not be optimised across (the harness builds with plain -O2). */
#pragma GCC optimize("rounding-math")
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t hash;
static void mix(uint64_t v) {
  hash ^= v;
  hash *= 0x100000001b3ull;
  hash ^= hash >> 29;
}
static void mixd(double d) {
  uint64_t u;
  memcpy(&u, &d, 8);
  mix(u);
}
static void mixf(float f) {
  uint32_t u;
  memcpy(&u, &f, 4);
  mix(u);
}
static void group(const char *name) {
  printf("%-10s %016llx\n", name, (unsigned long long)hash);
  hash = 0xcbf29ce484222325ull;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t next_random(void) {
  uint64_t x = rng_state;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return rng_state = x;
}

static double from_bits(uint64_t u) {
  double d;
  memcpy(&d, &u, 8);
  return d;
}

#define NV 40
static volatile double dv[NV];
static volatile float fv[NV];
static const int modes[4] = {FE_TONEAREST, FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO};
static const char *mode_names[4] = {"nearest", "upward", "downward", "towardzero"};
#define ALL_EXCEPT (FE_INVALID | FE_DIVBYZERO | FE_OVERFLOW | FE_UNDERFLOW | FE_INEXACT)

static void init_values(void) {
  static const double fixed[] = {0.0, -0.0, 1.0, -1.0, 0.5, 1.5, 2.5, -2.5, 3.0, 0.1, 1e300, -1e300,
                                 DBL_MAX, DBL_MIN, DBL_TRUE_MIN, -DBL_TRUE_MIN, 4.9e-320, 1.0 / 3.0,
                                 2147483647.5, -2147483648.5, 9.2233720368547758e18, 1.8446744073709552e19,
                                 4503599627370497.0, 0x1.fffffffffffffp-1};
  int k = 0;
  for (; k < (int)(sizeof fixed / sizeof fixed[0]); k++) dv[k] = fixed[k];
  dv[k++] = INFINITY;
  dv[k++] = -INFINITY;
  dv[k++] = NAN;
  dv[k++] = -NAN;
  while (k < NV) {
    uint64_t r = next_random();
    /* random sign and fraction, exponent near 1.0 most of the time */
    uint64_t e = (r & 3) ? 1023 - 20 + ((r >> 2) % 40) : (r >> 2) % 2047;
    dv[k++] = from_bits((r & 0x800fffffffffffffull) | (e << 52));
  }
  for (k = 0; k < NV; k++) fv[k] = (float)dv[k];
}

static void arith(void) {
  for (int m = 0; m < 4; m++) {
    fesetround(modes[m]);
    for (int i = 0; i < NV; i++)
      for (int j = 0; j < NV; j++) {
        double a = dv[i], b = dv[j], c = dv[(i + j) % NV];
        feclearexcept(ALL_EXCEPT);
        mixd(a + b);
        mixd(a - b);
        mixd(a * b);
        mixd(a / b);
        mixd(fma(a, b, c));
        mixd(fma(a, b, -a * b));
        mix(fetestexcept(ALL_EXCEPT));
        float x = fv[i], y = fv[j], z = fv[(i + j) % NV];
        feclearexcept(ALL_EXCEPT);
        mixf(x + y);
        mixf(x - y);
        mixf(x * y);
        mixf(x / y);
        mixf(fmaf(x, y, z));
        mix(fetestexcept(ALL_EXCEPT));
      }
    for (int i = 0; i < NV; i++) {
      feclearexcept(ALL_EXCEPT);
      mixd(sqrt(dv[i]));
      mixf(sqrtf(fv[i]));
      mix(fetestexcept(ALL_EXCEPT));
    }
    fesetround(FE_TONEAREST);
    group(mode_names[m]);
  }
  /* a few readable results */
  volatile double third = 1.0, three = 3.0;
  for (int m = 0; m < 4; m++) {
    fesetround(modes[m]);
    volatile double q = third / three;
    fesetround(FE_TONEAREST);
    printf("1/3 %-10s %a\n", mode_names[m], q);
  }
}

static void conversions(void) {
  for (int m = 0; m < 4; m++) {
    fesetround(modes[m]);
    for (int i = 0; i < NV; i++) {
      double d = dv[i];
      float f = fv[i];
      feclearexcept(ALL_EXCEPT);
      mix((uint64_t)(int64_t)d);
      mix((uint64_t)d);
      mix((uint32_t)(int32_t)d);
      mix((uint32_t)f);
      mix((uint64_t)lrint(d));
      mix((uint64_t)llround(d));
      mix((uint64_t)lround(f));
      mixd(rint(d));
      mixd(nearbyint(d));
      mixd(floor(d));
      mixd(ceil(d));
      mixd(trunc(d));
      mixd(round(d));
      mixf(rintf(f));
      mixf(floorf(f));
      mixf((float)d);
      mixd((double)f);
      mix(fetestexcept(ALL_EXCEPT));
    }
    for (int i = 0; i < 200; i++) {
      uint64_t r = next_random() >> (next_random() % 64);
      feclearexcept(ALL_EXCEPT);
      mixd((double)(int64_t)r);
      mixd((double)r);
      mixf((float)(int64_t)r);
      mixf((float)r);
      mixd((double)(int32_t)r);
      mixf((float)(uint32_t)r);
      mix(fetestexcept(ALL_EXCEPT));
    }
    fesetround(FE_TONEAREST);
    group("convert");
  }
}

static void min_max_nan(void) {
  for (int i = 0; i < NV; i++)
    for (int j = 0; j < NV; j++) {
      double a = dv[i], b = dv[j];
      feclearexcept(ALL_EXCEPT);
      mixd(fmin(a, b));
      mixd(fmax(a, b));
      mixf(fminf(fv[i], fv[j]));
      mixd(a < b ? a : b);
      mix((a < b) | (a <= b) << 1 | (a == b) << 2 | (a != b) << 3 | isunordered(a, b) << 4 |
          isgreater(a, b) << 5 | islessgreater(a, b) << 6);
      mixd(copysign(a, b));
      mix(fetestexcept(ALL_EXCEPT));
    }
  for (int i = 0; i < NV; i++) {
    double a = dv[i];
    mix(fpclassify(a) | isnan(a) << 4 | isinf(a) << 5 | signbit(a) << 6 | isnormal(a) << 7);
    mixd(fabs(a));
    mixd(-a);
  }
  group("minmax");
  volatile double tiny = DBL_TRUE_MIN, small = DBL_MIN;
  feclearexcept(ALL_EXCEPT);
  printf("denormal %a %a %a %a\n", tiny * 0.5, small / 3, small - tiny, tiny * 3);
  printf("flags %x\n", fetestexcept(ALL_EXCEPT));
  volatile double z = 0.0, inf = INFINITY;
  feclearexcept(ALL_EXCEPT);
  printf("specials %f %f %f %f\n", 1.0 / z, -1.0 / z, z / z, inf - inf);
  printf("flags %x\n", fetestexcept(ALL_EXCEPT));
}

static void print_formats(void) {
  static const char *formats[] = {"%f", "%e", "%g", "%a", "%.17g", "%.0f", "%10.3f", "%-12.5e|",
                                  "%+g", "%.3a", "%#.0e", "%.20f", "%G", "%E", "%015.4f"};
  static const double values[] = {0.0, -0.0, 1.0, 0.1, 1.0 / 3.0, 123456.789, 1e-5, 1e21, 5e-324,
                                  DBL_MAX, -2.5, 0.5, 1e100, 6.02214076e23, 9007199254740993.0};
  for (size_t f = 0; f < sizeof formats / sizeof formats[0]; f++) {
    for (size_t v = 0; v < sizeof values / sizeof values[0]; v++) {
      printf(formats[f], values[v]);
      putchar(' ');
    }
    putchar('\n');
  }
  printf("%f %e %g %F\n", (double)INFINITY, -(double)INFINITY, (double)NAN, (double)INFINITY);
  for (int i = 0; i < NV; i++) {
    char buf[64];
    snprintf(buf, sizeof buf, "%.17g", (double)dv[i]);
    double back = strtod(buf, NULL);
    printf("%s%s", buf, (back == dv[i] || back != back) ? " " : "! ");
  }
  putchar('\n');
  printf("strtod %a %a %a\n", strtod("0.1", NULL), strtod("1e-310", NULL), strtod("2.2250738585072011e-308", NULL));
  printf("strtof %a %a\n", (double)strtof("0.1", NULL), (double)strtof("3.4028235e38", NULL));
}

static void libm(void) {
  for (int i = 0; i < 60; i++) {
    double x = (i - 30) * 0.37 + 0.001 * i;
    printf("%7.3f exp %a log %a pow %a sin %a cos %a\n", x, exp(x), log(fabs(x)), pow(fabs(x), 1.0 / 3.0),
           sin(x), cos(x));
  }
  for (int i = 0; i < NV; i++) {
    double x = dv[i];
    mixd(exp(x));
    mixd(log(x));
    mixd(pow(x, 0.75));
    mixd(sin(x));
    mixd(cos(x));
    mixd(tan(x));
    mixd(atan2(x, 1.5));
    mixd(exp2(x));
    mixd(log10(x));
    mixd(cbrt(x));
    mixd(hypot(x, 3.0));
    mixf(expf(fv[i]));
    mixf(logf(fv[i]));
    mixf(sinf(fv[i]));
    mixf(cosf(fv[i]));
    mixf(powf(fv[i], 1.5f));
  }
  group("libm");
  printf("pi %.15f e %.15f sqrt2 %.15f\n", 4 * atan(1.0), exp(1.0), sqrt(2.0));
}

int main(int argc, char **argv) {
  if (argc > 1) rng_state ^= strtoull(argv[1], NULL, 0) * 0x2545f4914f6cdd1dull;
  hash = 0xcbf29ce484222325ull;
  init_values();
  arith();
  conversions();
  min_max_nan();
  print_formats();
  libm();
  return 0;
}
