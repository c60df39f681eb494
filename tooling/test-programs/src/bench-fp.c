/*
 * Floating-point benchmark: CPU-bound double and single precision work of the kinds real programs
 * do — an n-body integration (sqrt, division, fused multiply-add), a Mandelbrot set (tight compare
 * loops), a dense matrix product, and libm calls (exp, log, sin, pow). Prints one checksum per
 * kernel so runs on different backends can be checked against each other.
 * Usage: bench-fp [SCALE]  (work grows linearly; the default takes a few seconds natively).
 * The default can also be set at build time with -DSCALE=n.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#ifndef SCALE
#define SCALE 400
#endif

#define BODIES 5
struct body {
  double x[3], v[3], mass;
};

static double nbody(long steps) {
  struct body b[BODIES] = {
      {{0, 0, 0}, {0, 0, 0}, 39.47841760435743},
      {{4.84, -1.16, -0.10}, {0.606, 2.81, -0.02}, 0.037},
      {{8.34, 4.12, -0.40}, {-1.01, 1.82, 0.008}, 0.011},
      {{12.89, -15.11, -0.22}, {1.08, 0.868, -0.01}, 0.0017},
      {{15.37, -25.91, 0.179}, {0.979, 0.594, -0.034}, 0.002},
  };
  const double dt = 0.01;
  for (long s = 0; s < steps; s++) {
    for (int i = 0; i < BODIES; i++)
      for (int j = i + 1; j < BODIES; j++) {
        double d[3], d2 = 0;
        for (int k = 0; k < 3; k++) {
          d[k] = b[i].x[k] - b[j].x[k];
          d2 += d[k] * d[k];
        }
        double mag = dt / (d2 * sqrt(d2));
        for (int k = 0; k < 3; k++) {
          b[i].v[k] -= d[k] * b[j].mass * mag;
          b[j].v[k] += d[k] * b[i].mass * mag;
        }
      }
    for (int i = 0; i < BODIES; i++)
      for (int k = 0; k < 3; k++) b[i].x[k] += dt * b[i].v[k];
  }
  double e = 0;
  for (int i = 0; i < BODIES; i++) e += b[i].x[0] + b[i].v[1] * b[i].mass;
  return e;
}

static long mandelbrot(int size, int iterations) {
  long inside = 0;
  for (int y = 0; y < size; y++)
    for (int x = 0; x < size; x++) {
      float cr = 2.5f * x / size - 2.0f, ci = 2.0f * y / size - 1.0f;
      float zr = 0, zi = 0;
      int n = 0;
      while (n < iterations && zr * zr + zi * zi <= 4.0f) {
        float t = zr * zr - zi * zi + cr;
        zi = 2.0f * zr * zi + ci;
        zr = t;
        n++;
      }
      inside += n;
    }
  return inside;
}

static double matmul(int n, int repeat) {
  double *a = malloc(sizeof(double) * n * n), *b = malloc(sizeof(double) * n * n), *c = malloc(sizeof(double) * n * n);
  for (int i = 0; i < n * n; i++) {
    a[i] = (i % 17) * 0.25 - 2;
    b[i] = (i % 13) * 0.5 + 1;
  }
  double sum = 0;
  for (int r = 0; r < repeat; r++) {
    for (int i = 0; i < n; i++)
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int k = 0; k < n; k++) s += a[i * n + k] * b[k * n + j];
        c[i * n + j] = s;
      }
    sum += c[(r * 7) % (n * n)];
    a[r % (n * n)] += 1e-3;
  }
  free(a);
  free(b);
  free(c);
  return sum;
}

static double libm(long count) {
  double s = 0;
  for (long i = 1; i <= count; i++) {
    double x = i * 1e-3;
    s += exp(-x) + log(x) + sin(x) * cos(x) + pow(x, 0.37);
  }
  return s;
}

int main(int argc, char **argv) {
  long scale = argc > 1 ? strtol(argv[1], NULL, 10) : SCALE;
  if (scale < 1) scale = 1;
  printf("nbody %.12f\n", nbody(20000 * scale));
  printf("mandelbrot %ld\n", mandelbrot(64, 20 * (int)scale));
  printf("matmul %.6f\n", matmul(48, (int)scale));
  printf("libm %.9f\n", libm(5000 * scale));
  return 0;
}
