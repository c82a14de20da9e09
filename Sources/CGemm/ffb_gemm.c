#include "ffb_gemm.h"
#include <stdlib.h>
#include <string.h>

// The kernels are written once on vector types and built three times: the
// same C becomes zmm code under AVX-512, ymm under AVX2, and SSE2 otherwise.
typedef float v16 __attribute__((vector_size(64)));
typedef float v16u __attribute__((vector_size(64), aligned(4)));
typedef float v8 __attribute__((vector_size(32)));
typedef float v8u __attribute__((vector_size(32), aligned(4)));
typedef float v4 __attribute__((vector_size(16)));
typedef float v4u __attribute__((vector_size(16), aligned(4)));

// Lane sums in one fixed tree order (a macro: vectors would cross the builds' ABIs).
#define HSUM4(v) (((v)[0] + (v)[1]) + ((v)[2] + (v)[3]))
#define HSUM8(v) ((((v)[0] + (v)[1]) + ((v)[2] + (v)[3])) + (((v)[4] + (v)[5]) + ((v)[6] + (v)[7])))
#define HSUM16(v) (((((v)[0] + (v)[1]) + ((v)[2] + (v)[3])) + (((v)[4] + (v)[5]) + ((v)[6] + (v)[7]))) + \
                   ((((v)[8] + (v)[9]) + ((v)[10] + (v)[11])) + (((v)[12] + (v)[13]) + ((v)[14] + (v)[15]))))

// Per-thread copies of the weight gradient's operands, grown as needed and kept.
static float *scratch(int which, size_t floats) {
    static __thread float *buffer[2];
    static __thread size_t size[2];
    if (size[which] < floats) {
        free(buffer[which]);
        buffer[which] = aligned_alloc(64, (floats * sizeof(float) + 63) / 64 * 64);
        size[which] = buffer[which] ? floats : 0;
    }
    return buffer[which];
}

#if defined(__x86_64__)
// 12 rows x 2 zmm accumulators; the gradient below: 4 x 5 zmm (4 x 6 spills).
#define VT v16
#define VTU v16u
#define VW 16
#define NV 2
#define MRX 12
#define NTR 4
#define NTI 5
#define HSUM HSUM16
#define SPLAT(x) ((v16){x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x})
#define ATTR __attribute__((target("avx512f")))
#define NAME(n) n##_avx512
#include "gemm_kernels.h"
#undef VT
#undef VTU
#undef VW
#undef NV
#undef MRX
#undef NTR
#undef NTI
#undef HSUM
#undef SPLAT
#undef ATTR
#undef NAME

// 3 rows x 4 ymm; 2 x 5 ymm.
#define VT v8
#define VTU v8u
#define VW 8
#define NV 4
#define MRX 3
#define NTR 2
#define NTI 5
#define HSUM HSUM8
#define SPLAT(x) ((v8){x, x, x, x, x, x, x, x})
#define ATTR __attribute__((target("avx2,fma")))
#define NAME(n) n##_avx2
#include "gemm_kernels.h"
#undef VT
#undef VTU
#undef VW
#undef NV
#undef MRX
#undef NTR
#undef NTI
#undef HSUM
#undef SPLAT
#undef ATTR
#undef NAME
#endif

#define VT v4
#define VTU v4u
#define VW 4
#define NV 8
#define MRX 1
#define NTR 1
#define NTI 4
#define HSUM HSUM4
#define SPLAT(x) ((v4){x, x, x, x})
#define ATTR
#define NAME(n) n##_generic
#include "gemm_kernels.h"

// The CPU's best, found once: 2 AVX-512, 1 AVX2 with FMA, 0 the portable build.
static int found = -1;

static int best(void) {
#if defined(__x86_64__)
    const char *forced = getenv("FFBENCH_KERNELS");
    if (forced && strcmp(forced, "generic") == 0) return 0;
    if (__builtin_cpu_supports("avx512f")) return 2;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return 1;
#endif
    return 0;
}

static int level(int isa) {
    if (found < 0) found = best();
    return isa < 0 || isa > found ? found : isa;
}

const char *ffb_gemm_isa(int isa) {
    switch (level(isa)) { case 2: return "avx512f"; case 1: return "avx2+fma"; default: return "generic"; }
}

void ffb_pack(const float *w, long ldw, int k, int n, float *packed) {
    for (int p = 0; p * FFB_PANEL < n; p++) {
        const int width = n - p * FFB_PANEL < FFB_PANEL ? n - p * FFB_PANEL : FFB_PANEL;
        float *dst = packed + (long)p * k * FFB_PANEL;
        for (long i = 0; i < k; i++) memcpy(dst + i * width, w + i * ldw + p * FFB_PANEL, sizeof(float) * width);
    }
}

void ffb_unpack(const float *packed, int k, int n, float *w, long ldw) {
    for (int p = 0; p * FFB_PANEL < n; p++) {
        const int width = n - p * FFB_PANEL < FFB_PANEL ? n - p * FFB_PANEL : FFB_PANEL;
        const float *src = packed + (long)p * k * FFB_PANEL;
        for (long i = 0; i < k; i++) memcpy(w + i * ldw + p * FFB_PANEL, src + i * width, sizeof(float) * width);
    }
}

#if defined(__x86_64__)
#define DISPATCH(f, ...) do { switch (level(isa)) { \
    case 2: f##_avx512(__VA_ARGS__); return; case 1: f##_avx2(__VA_ARGS__); return; default: f##_generic(__VA_ARGS__); return; } } while (0)
#else
#define DISPATCH(f, ...) do { (void)isa; f##_generic(__VA_ARGS__); return; } while (0)
#endif

void ffb_gemm_nn(int isa, int m, int n, int k, const float *a, long lda, const float *packed, float *c, long ldc,
                 int accumulate, int p0, int p1) {
    DISPATCH(gemm_nn, m, n, k, a, lda, packed, c, ldc, accumulate, p0, p1);
}

void ffb_gemm_tn(int isa, int rows, int k, int n, const float *x, long ldx, const float *dz, long lddz,
                 float *packed, float alpha, float beta, int i0, int i1) {
    DISPATCH(gemm_tn, rows, k, n, x, ldx, dz, lddz, packed, alpha, beta, i0, i1);
}

void ffb_gemm_nt(int isa, int rows, int k, int n, const float *dz, long lddz, const float *packed, float *dx, long lddx,
                 int i0, int i1) {
    DISPATCH(gemm_nt, rows, k, n, dz, lddz, packed, dx, lddx, i0, i1);
}
