#include "ffb_local.h"
#include <stdlib.h>
#include <string.h>

// Eight floats; the unaligned twin lets any float pointer be read as one.
typedef float v8 __attribute__((vector_size(32)));
typedef float v8u __attribute__((vector_size(32), aligned(4)));

// A macro, not a function: a vector argument would cross between the two builds' ABIs.
#define hsum8(v) ((((v)[0] + (v)[1]) + ((v)[2] + (v)[3])) + (((v)[4] + (v)[5]) + ((v)[6] + (v)[7])))

#if defined(__x86_64__)
#define ATTR __attribute__((target("avx2,fma")))
#define NAME(n) n##_avx2
#include "local_kernels.h"
#undef ATTR
#undef NAME
#endif

#define ATTR
#define NAME(n) n##_generic
#include "local_kernels.h"
#undef ATTR
#undef NAME

// Chosen once: AVX2 with FMA where the CPU has both, else the portable build.
static int chosen = -1;

void ffb_local_use_generic(int generic) { chosen = generic ? 0 : -1; }

static int use_avx2(void) {
#if defined(__x86_64__)
    if (chosen < 0) {
        const char *forced = getenv("FFBENCH_KERNELS");
        chosen = (forced && strcmp(forced, "generic") == 0) ? 0
            : (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"));
    }
    return chosen;
#else
    return 0;
#endif
}

const char *ffb_local_isa(void) { return use_avx2() ? "avx2+fma" : "generic"; }

size_t ffb_local_padded_size(const ffb_local_shape *s) {
    return (size_t)(s->height + s->field - 1) * (size_t)(s->width + s->field - 1) * (size_t)s->in_channels;
}

void ffb_local_pad(const ffb_local_shape *s, const float *x, int planar, int rows, float *xp, int ld) {
    const int H = s->height, W = s->width, cin = s->in_channels, pad = (s->field - 1) / 2, pw = W + s->field - 1;
    const size_t padded = ffb_local_padded_size(s), in_size = (size_t)H * W * cin;
    memset(xp, 0, padded * (size_t)ld * sizeof(float));
    for (int r = 0; r < rows; r++) {
        const float *src = x + (size_t)r * in_size;
        for (int y = 0; y < H; y++)
            for (int x0 = 0; x0 < W; x0++)
                for (int c = 0; c < cin; c++) {
                    const float v = planar ? src[(size_t)c * H * W + (size_t)y * W + x0] : src[((size_t)y * W + x0) * cin + c];
                    xp[(((size_t)(y + pad) * pw + x0 + pad) * cin + c) * ld + r] = v;
                }
    }
}

void ffb_local_rows_from_columns(const float *columns, int ld, int rows, int features, float *out) {
    // In tiles, so both sides stay in cache.
    for (int f0 = 0; f0 < features; f0 += 64)
        for (int r0 = 0; r0 < rows; r0 += 64)
            for (int f = f0; f < f0 + 64 && f < features; f++)
                for (int r = r0; r < r0 + 64 && r < rows; r++) out[(size_t)r * features + f] = columns[(size_t)f * ld + r];
}

void ffb_local_columns_from_rows(const float *in, int rows, int features, float *columns, int ld) {
    for (int f0 = 0; f0 < features; f0 += 64)
        for (int r0 = 0; r0 < ld; r0 += 64)
            for (int f = f0; f < f0 + 64 && f < features; f++)
                for (int r = r0; r < r0 + 64 && r < ld; r++) columns[(size_t)f * ld + r] = r < rows ? in[(size_t)r * features + f] : 0;
}

void ffb_local_unpad_rows(const ffb_local_shape *s, const float *dxp, int ld, int rows, float *dx) {
    const int H = s->height, W = s->width, cin = s->in_channels, pad = (s->field - 1) / 2, pw = W + s->field - 1;
    const size_t in_size = (size_t)H * W * cin;
    for (int y = 0; y < H; y++)
        for (int x0 = 0; x0 < W * cin; x0++) {
            const float *col = dxp + (((size_t)(y + pad) * pw + pad) * cin + x0) * ld;
            for (int r = 0; r < rows; r++) dx[(size_t)r * in_size + (size_t)y * W * cin + x0] = col[r];
        }
}

void ffb_local_forward(const ffb_local_shape *s, const float *xp, int ld, const float *w,
                       float *z, int loc_begin, int loc_end) {
#if defined(__x86_64__)
    if (use_avx2()) { forward_avx2(s, xp, ld, w, z, loc_begin, loc_end); return; }
#endif
    forward_generic(s, xp, ld, w, z, loc_begin, loc_end);
}

void ffb_local_weight_gradient(const ffb_local_shape *s, const float *xp, int ld, const float *dz,
                               float *dw, float alpha, float beta, int loc_begin, int loc_end) {
#if defined(__x86_64__)
    if (use_avx2()) { weight_gradient_avx2(s, xp, ld, dz, dw, alpha, beta, loc_begin, loc_end); return; }
#endif
    weight_gradient_generic(s, xp, ld, dz, dw, alpha, beta, loc_begin, loc_end);
}

void ffb_local_input_gradient(const ffb_local_shape *s, const float *dz, int ld, const float *w, float *dxp,
                              int col_begin, int col_end) {
#if defined(__x86_64__)
    if (use_avx2()) { input_gradient_avx2(s, dz, ld, w, dxp, col_begin, col_end); return; }
#endif
    input_gradient_generic(s, dz, ld, w, dxp, col_begin, col_end);
}

double ffb_fma_peak(long iterations, float *sink) {
#if defined(__x86_64__)
    if (use_avx2()) return fma_peak_avx2(iterations, sink);
#endif
    return fma_peak_generic(iterations, sink);
}
