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

void ffb_local_pad(const ffb_local_shape *s, const float *x, int planar, int rows, float *xp) {
    const int H = s->height, W = s->width, cin = s->in_channels, pad = (s->field - 1) / 2, pw = W + s->field - 1;
    const size_t padded = ffb_local_padded_size(s), in_size = (size_t)H * W * cin;
    for (int r = 0; r < rows; r++) {
        const float *src = x + (size_t)r * in_size;
        float *dst = xp + (size_t)r * padded;
        memset(dst, 0, padded * sizeof(float));
        for (int y = 0; y < H; y++) {
            float *row = dst + ((size_t)(y + pad) * pw + pad) * cin;
            if (!planar) {
                memcpy(row, src + (size_t)y * W * cin, (size_t)W * cin * sizeof(float));
            } else {
                for (int x0 = 0; x0 < W; x0++)
                    for (int c = 0; c < cin; c++) row[(size_t)x0 * cin + c] = src[(size_t)c * H * W + (size_t)y * W + x0];
            }
        }
    }
}

void ffb_local_forward(const ffb_local_shape *s, const float *xp, int rows, const float *w,
                       float *z, int loc_begin, int loc_end) {
#if defined(__x86_64__)
    if (use_avx2()) { forward_avx2(s, xp, rows, w, z, loc_begin, loc_end); return; }
#endif
    forward_generic(s, xp, rows, w, z, loc_begin, loc_end);
}

void ffb_local_weight_gradient(const ffb_local_shape *s, const float *xp, int rows, const float *dz,
                               float *dw, float alpha, float beta, int loc_begin, int loc_end) {
    float *g = malloc((size_t)(rows > 0 ? rows : 1) * sizeof(float));
    if (!g) abort();
#if defined(__x86_64__)
    if (use_avx2()) { weight_gradient_avx2(s, xp, rows, dz, dw, alpha, beta, loc_begin, loc_end, g); free(g); return; }
#endif
    weight_gradient_generic(s, xp, rows, dz, dw, alpha, beta, loc_begin, loc_end, g);
    free(g);
}

void ffb_local_input_gradient(const ffb_local_shape *s, const float *dz, const float *w, float *dx,
                              float *scratch, int row_begin, int row_end) {
#if defined(__x86_64__)
    if (use_avx2()) { input_gradient_avx2(s, dz, w, dx, scratch, row_begin, row_end); return; }
#endif
    input_gradient_generic(s, dz, w, dx, scratch, row_begin, row_end);
}

double ffb_fma_peak(long iterations, float *sink) {
#if defined(__x86_64__)
    if (use_avx2()) return fma_peak_avx2(iterations, sink);
#endif
    return fma_peak_generic(iterations, sink);
}
