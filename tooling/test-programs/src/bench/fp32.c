/*
 * Single-precision work: an n-body step loop, a Mandelbrot count, a small matrix product and
 * integer/float conversions, all in float (sqrtf only from libm). Usage: fp32 [SCALE]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    int scale = argc > 1 ? atoi(argv[1]) : 1;
    enum { B = 5, N = 24 };
    float x[B] = {0, 4.84f, 8.34f, 12.89f, 15.37f}, y[B] = {0, -1.16f, 4.12f, -15.11f, -25.9f};
    float z[B] = {0, -0.10f, -0.40f, -0.22f, 0.17f}, vx[B] = {0, 0.6f, -1.0f, 1.0f, 0.9f};
    float vy[B] = {0, 2.8f, 1.8f, 0.8f, 0.6f}, vz[B] = {0, -0.02f, 0.008f, -0.01f, -0.03f};
    float m[B] = {39.47f, 0.037f, 0.011f, 0.0017f, 0.002f};
    for (int step = 0; step < 20000 * scale; step++) {
        for (int i = 0; i < B; i++)
            for (int j = i + 1; j < B; j++) {
                float dx = x[i] - x[j], dy = y[i] - y[j], dz = z[i] - z[j];
                float d2 = dx * dx + dy * dy + dz * dz;
                float mag = 0.01f / (d2 * sqrtf(d2));
                vx[i] -= dx * m[j] * mag, vy[i] -= dy * m[j] * mag, vz[i] -= dz * m[j] * mag;
                vx[j] += dx * m[i] * mag, vy[j] += dy * m[i] * mag, vz[j] += dz * m[i] * mag;
            }
        for (int i = 0; i < B; i++) x[i] += 0.01f * vx[i], y[i] += 0.01f * vy[i], z[i] += 0.01f * vz[i];
    }
    int inside = 0;
    for (int py = 0; py < 60 * scale; py++)
        for (int px = 0; px < 80; px++) {
            float cr = -2.0f + px * 2.5f / 80, ci = -1.25f + py * 2.5f / (60 * scale), zr = 0, zi = 0;
            int k = 0;
            while (k < 200 && zr * zr + zi * zi < 4) {
                float t = zr * zr - zi * zi + cr;
                zi = 2 * zr * zi + ci, zr = t, k++;
            }
            inside += k == 200;
        }
    static float a[N][N], b[N][N], c[N][N];
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) a[i][j] = (float)(i - j) / N, b[i][j] = (float)(i + j) / (j + 1);
    float trace = 0;
    for (int rep = 0; rep < 60 * scale; rep++) {
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) {
                float s = 0;
                for (int k = 0; k < N; k++) s += a[i][k] * b[k][j];
                c[i][j] = s;
            }
        for (int i = 0; i < N; i++) trace += c[i][i], a[i][(i + rep) % N] += 0.001f;
    }
    long sum = 0;
    for (int i = 1; i < 200000 * scale; i++) sum += (long)((float)i * 0.37f) - (int)((float)(i >> 3) / 3.0f);
    printf("x0 %.4f inside %d trace %.4f sum %ld\n", x[1], inside, trace, sum);
    return 0;
}
