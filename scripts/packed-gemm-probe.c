// Times the packed kernels (Sources/CGemm) against OpenBLAS at one shape, alternating the two.
// Build: clang -O2 -march=x86-64 -ISources/CGemm/include scripts/packed-gemm-probe.c -o /tmp/probe -lopenblas -lpthread
// Run:   /tmp/probe KIND M N K THREADS   (KIND 0: c = a W, 1: G = x^T dz, 2: dx = dz W^T)
#include "../Sources/CGemm/ffb_gemm.c"
#include <stdio.h>
#include <time.h>
#include <pthread.h>
#include <cblas.h>
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + 1e-9 * t.tv_nsec; }
typedef struct { int kind, m, n, k, lo, hi; float *a, *b, *c; } job;
static void *run(void *x) { job *j = x;
  if (j->kind == 0) ffb_gemm_nn(-1, j->m, j->n, j->k, j->a, j->k, j->b, j->c, j->n, 0, j->lo, j->hi);
  else if (j->kind == 1) ffb_gemm_tn(-1, j->k, j->m, j->n, j->a, j->m, j->b, j->n, j->c, 1, 0, j->lo, j->hi);
  else ffb_gemm_nt(-1, j->m, j->n, j->k, j->a, j->k, j->b, j->c, j->n, j->lo, j->hi);
  return 0; }
int main(int argc, char **argv) {
  int kind = atoi(argv[1]), m = atoi(argv[2]), n = atoi(argv[3]), k = atoi(argv[4]), th = atoi(argv[5]);
  // kind 0: c(m x n) = a(m x k) W(k x n); kind 1: G(m x n) = x^T(m x k) dz(k x n); kind 2: dx(m x n) = dz(m x k) W^T (W n x k)
  size_t big = (size_t)4 * (m + n + k) * (m + n + k);
  float *a = aligned_alloc(64, big), *b = aligned_alloc(64, big), *c = aligned_alloc(64, big), *c2 = aligned_alloc(64, big);
  for (size_t i = 0; i < big / 4; i++) { a[i] = rand() / (float)RAND_MAX - .5f; b[i] = rand() / (float)RAND_MAX - .5f; }
  openblas_set_num_threads(th);
  int units = kind == 2 ? n : kind == 1 ? m : (n + 31) / 32;
  double best = 1e9, bestb = 1e9;
  for (int rep = 0; rep < 20; rep++) {
    double t0 = now();
    if (kind == 0) cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1, a, k, b, n, 0, c2, n);
    else if (kind == 1) cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, m, n, k, 1, a, m, b, n, 0, c2, n);
    else cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, 1, a, k, b, k, 0, c2, n);
    double t1 = now(); if (t1 - t0 < bestb) bestb = t1 - t0;
    t0 = now();
    pthread_t ts[8]; job js[8];
    for (int t = 0; t < th; t++) { js[t] = (job){kind, m, n, k, units * t / th, units * (t + 1) / th, a, b, c}; if (t) pthread_create(&ts[t], 0, run, &js[t]); }
    run(&js[0]);
    for (int t = 1; t < th; t++) pthread_join(ts[t], 0);
    t1 = now(); if (t1 - t0 < best) best = t1 - t0;
  }
  double fl = 2.0 * m * n * k;
  printf("kind %d %dx%dx%d th%d: blas %.1f GF/s, packed %.1f GF/s (%s)\n", kind, m, n, k, th, fl / bestb / 1e9, fl / best / 1e9, ffb_gemm_isa(-1));
}
