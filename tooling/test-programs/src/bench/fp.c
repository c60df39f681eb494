/* Floating-point work: an n-body step loop, a Mandelbrot count and libm calls. Usage: fp [SCALE] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    int scale = argc > 1 ? atoi(argv[1]) : 1;
    enum { B = 5 };
    double x[B] = {0, 4.84, 8.34, 12.89, 15.37}, y[B] = {0, -1.16, 4.12, -15.11, -25.9};
    double z[B] = {0, -0.10, -0.40, -0.22, 0.17}, vx[B] = {0, 0.6, -1.0, 1.0, 0.9};
    double vy[B] = {0, 2.8, 1.8, 0.8, 0.6}, vz[B] = {0, -0.02, 0.008, -0.01, -0.03};
    double m[B] = {39.47, 0.037, 0.011, 0.0017, 0.002};
    for (int step = 0; step < 20000 * scale; step++) {
        for (int i = 0; i < B; i++)
            for (int j = i + 1; j < B; j++) {
                double dx = x[i] - x[j], dy = y[i] - y[j], dz = z[i] - z[j];
                double d2 = dx * dx + dy * dy + dz * dz;
                double mag = 0.01 / (d2 * sqrt(d2));
                vx[i] -= dx * m[j] * mag, vy[i] -= dy * m[j] * mag, vz[i] -= dz * m[j] * mag;
                vx[j] += dx * m[i] * mag, vy[j] += dy * m[i] * mag, vz[j] += dz * m[i] * mag;
            }
        for (int i = 0; i < B; i++) x[i] += 0.01 * vx[i], y[i] += 0.01 * vy[i], z[i] += 0.01 * vz[i];
    }
    int inside = 0;
    for (int py = 0; py < 60 * scale; py++)
        for (int px = 0; px < 80; px++) {
            double cr = -2.0 + px * 2.5 / 80, ci = -1.25 + py * 2.5 / (60 * scale), zr = 0, zi = 0;
            int k = 0;
            while (k < 200 && zr * zr + zi * zi < 4) {
                double t = zr * zr - zi * zi + cr;
                zi = 2 * zr * zi + ci, zr = t, k++;
            }
            inside += k == 200;
        }
    double acc = 0;
    for (int i = 1; i < 20000 * scale; i++) acc += sin(i * 0.001) * exp(-i * 1e-5) + log(i) / pow(i, 0.3);
    printf("x0 %.6f inside %d acc %.6f\n", x[1], inside, acc);
    return 0;
}
