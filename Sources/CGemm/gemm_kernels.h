// The kernels, included once per instruction set with:
// (Tile loops are unrolled by pragma: SwiftPM builds C at -O2, where clang
// leaves them rolled and the accumulators in memory, at half the speed.)
//
// VT (a vector type of VW floats), VTU (its unaligned twin), SPLAT(x) (x in every lane), NV = 32 / VW,
// MRX (rows per tile: accumulators MRX x NV fit the registers),
// NTR x NTI (the input gradient's tile), ATTR (target attribute), NAME(x).

// One tile of the forward product: rows [0, mr) of a times a full panel.
static inline __attribute__((always_inline)) ATTR
void NAME(nn_tile)(const int mr, const float *a, long lda, const float *b, long k, float *c, long ldc, int accumulate) {
    VT acc[12][NV];
    _Pragma("clang loop unroll(full)") for (int r = 0; r < mr; r++) _Pragma("clang loop unroll(full)") for (int v = 0; v < NV; v++) acc[r][v] = (VT){0};
    for (long kk = 0; kk < k; kk++) {
        VT bv[NV];
        _Pragma("clang loop unroll(full)") for (int v = 0; v < NV; v++) bv[v] = *(const VT *)(b + kk * FFB_PANEL + v * VW);
        _Pragma("clang loop unroll(full)") for (int r = 0; r < mr; r++) {
            const float x_ = a[r * lda + kk]; const VT s = SPLAT(x_);
            _Pragma("clang loop unroll(full)") for (int v = 0; v < NV; v++) acc[r][v] += s * bv[v];
        }
    }
    _Pragma("clang loop unroll(full)") for (int r = 0; r < mr; r++)
        _Pragma("clang loop unroll(full)") for (int v = 0; v < NV; v++) {
            VTU *o = (VTU *)(c + r * ldc + v * VW);
            *o = accumulate ? *o + acc[r][v] : acc[r][v];
        }
}

// Rows split into near-equal tiles of at most MRX (100 rows: 9 tiles, not 8 and a sliver).
#define ROW_TILES(m, body) do { \
        const int tiles_ = ((m) + MRX - 1) / MRX; int row = 0; \
        for (int t_ = 0; t_ < tiles_; t_++) { const int mr_ = (m) / tiles_ + (t_ < (m) % tiles_); body; row += mr_; } \
    } while (0)

#define MR_SWITCH(rows, CALL) switch (rows) { \
    case 1: CALL(1); break; case 2: CALL(2); break; case 3: CALL(3); break; case 4: CALL(4); break; \
    case 5: CALL(5); break; case 6: CALL(6); break; case 7: CALL(7); break; case 8: CALL(8); break; \
    case 9: CALL(9); break; case 10: CALL(10); break; case 11: CALL(11); break; case 12: CALL(12); break; }

static ATTR void NAME(gemm_nn)(int m, int n, int k, const float *a, long lda, const float *packed, float *c, long ldc,
                               int accumulate, int p0, int p1) {
    for (int p = p0; p < p1; p++) {
        const float *b = packed + (long)p * k * FFB_PANEL;
        const int w = n - p * FFB_PANEL < FFB_PANEL ? n - p * FFB_PANEL : FFB_PANEL;
        if (w < FFB_PANEL) { // the last, narrower panel: rows of w floats
            for (int i = 0; i < m; i++) {
                float *o = c + i * ldc + p * FFB_PANEL;
                float acc[FFB_PANEL] = {0};
                for (long kk = 0; kk < k; kk++) {
                    const float s = a[i * lda + kk];
                    for (int j = 0; j < w; j++) acc[j] += s * b[kk * w + j];
                }
                for (int j = 0; j < w; j++) o[j] = accumulate ? o[j] + acc[j] : acc[j];
            }
            continue;
        }
#define NN(R) NAME(nn_tile)(R, a + row * lda, lda, b, k, c + row * ldc + p * FFB_PANEL, ldc, accumulate)
        ROW_TILES(m, MR_SWITCH(mr_, NN));
#undef NN
    }
}

// One tile of a weight gradient: inputs [i, i + mr) by a full panel, summed over the batch rows.
// xs: the tile's inputs packed row after row (mr floats a row); d: the panel's dz packed (32 floats a row).
static inline __attribute__((always_inline)) ATTR
void NAME(tn_tile)(const int mr, int rows, const float *xs, const float *d, float *g, float alpha, float beta) {
    VT acc[12][NV];
    _Pragma("clang loop unroll(full)") for (int r = 0; r < mr; r++) _Pragma("clang loop unroll(full)") for (int v = 0; v < NV; v++) acc[r][v] = (VT){0};
    // The output is written at the end: fetch its lines meanwhile.
    _Pragma("clang loop unroll(full)") for (int r = 0; r < mr; r++) for (int v = 0; v < FFB_PANEL; v += 16) __builtin_prefetch(g + r * FFB_PANEL + v, 1);
    // Unrolling this loop would need registers the accumulators hold (clang spilled them).
#pragma clang loop unroll(disable)
    for (long b = 0; b < rows; b++) {
        VT dv[NV];
        _Pragma("clang loop unroll(full)") for (int v = 0; v < NV; v++) dv[v] = *(const VT *)(d + b * FFB_PANEL + v * VW);
        _Pragma("clang loop unroll(full)") for (int r = 0; r < mr; r++) {
            const float x_ = xs[b * mr + r]; const VT s = SPLAT(x_);
            _Pragma("clang loop unroll(full)") for (int v = 0; v < NV; v++) acc[r][v] += s * dv[v];
        }
    }
    _Pragma("clang loop unroll(full)") for (int r = 0; r < mr; r++)
        _Pragma("clang loop unroll(full)") for (int v = 0; v < NV; v++) {
            VTU *o = (VTU *)(g + r * FFB_PANEL + v * VW);
            *o = beta == 0 ? alpha * acc[r][v] : alpha * acc[r][v] + beta * *o;
        }
}

static ATTR void NAME(gemm_tn)(int rows, int k, int n, const float *x, long ldx, const float *dz, long lddz,
                               float *packed, float alpha, float beta, int i0, int i1) {
    // Both operands are copied so the tiles read them in order: x as one
    // block per tile of inputs (its rows' mr floats adjacent), and each
    // panel's columns of dz as 32 adjacent floats a row. Threads split the
    // inputs, so each copies only its own part of x.
    const int span = i1 - i0;
    float *xs = scratch(0, (size_t)rows * span), *ds = scratch(1, (size_t)rows * FFB_PANEL);
    ROW_TILES(span, { for (long b = 0; b < rows; b++) for (int r = 0; r < mr_; r++) xs[(long)row * rows + b * mr_ + r] = x[b * ldx + i0 + row + r]; });
    for (int p = 0; p * FFB_PANEL < n; p++) {
        float *g = packed + (long)p * k * FFB_PANEL;
        const int w = n - p * FFB_PANEL < FFB_PANEL ? n - p * FFB_PANEL : FFB_PANEL;
        const float *d = dz + p * FFB_PANEL;
        if (w < FFB_PANEL) {
            for (int i = i0; i < i1; i++) {
                float acc[FFB_PANEL] = {0};
                for (long b = 0; b < rows; b++) {
                    const float s = x[b * ldx + i];
                    for (int j = 0; j < w; j++) acc[j] += s * d[b * lddz + j];
                }
                for (int j = 0; j < w; j++) g[i * w + j] = beta == 0 ? alpha * acc[j] : alpha * acc[j] + beta * g[i * w + j];
            }
            continue;
        }
        for (long b = 0; b < rows; b++) memcpy(ds + b * FFB_PANEL, d + b * lddz, sizeof(float) * FFB_PANEL);
#define TN(R) NAME(tn_tile)(R, rows, xs + (long)row * rows, ds, g + (long)(i0 + row) * FFB_PANEL, alpha, beta)
        ROW_TILES(span, MR_SWITCH(mr_, TN));
#undef TN
    }
}

// One tile of the gradient below: dz rows [0, NTR) by weight rows [i, i + NTI), along every full panel.
static inline __attribute__((always_inline)) ATTR
void NAME(nt_tile)(const int tr, const int ti, int full, long k, const float *dz, long lddz, const float *packed, int i,
                   float *out, long ldo) {
    VT acc[NTR][NTI];
    _Pragma("clang loop unroll(full)") for (int r = 0; r < tr; r++) _Pragma("clang loop unroll(full)") for (int q = 0; q < ti; q++) acc[r][q] = (VT){0};
    for (int p = 0; p < full; p++) {
        const float *b = packed + (long)p * k * FFB_PANEL + (long)i * FFB_PANEL;
        // One vector of the panel at a time: unrolled, two would not fit the registers.
        _Pragma("clang loop unroll(disable)") for (int v = 0; v < NV; v++) {
            VT dv[NTR], wv[NTI];
            _Pragma("clang loop unroll(full)") for (int r = 0; r < tr; r++) dv[r] = *(const VTU *)(dz + r * lddz + p * FFB_PANEL + v * VW);
            _Pragma("clang loop unroll(full)") for (int q = 0; q < ti; q++) wv[q] = *(const VT *)(b + q * FFB_PANEL + v * VW);
            _Pragma("clang loop unroll(full)") for (int r = 0; r < tr; r++) _Pragma("clang loop unroll(full)") for (int q = 0; q < ti; q++) acc[r][q] += dv[r] * wv[q];
        }
    }
    _Pragma("clang loop unroll(full)") for (int r = 0; r < tr; r++) _Pragma("clang loop unroll(full)") for (int q = 0; q < ti; q++) out[r * ldo + q] = HSUM(acc[r][q]);
}

static ATTR void NAME(gemm_nt)(int rows, int k, int n, const float *dz, long lddz, const float *packed, float *dx, long lddx,
                               int i0, int i1) {
    const int full = n / FFB_PANEL, w = n - full * FFB_PANEL;
    // Weight rows outermost: a tile's rows of W (NTI per panel) stay in cache while every row of dz passes.
    int i = i0;
    for (; i + NTI <= i1; i += NTI) {
        int r = 0;
        for (; r + NTR <= rows; r += NTR) NAME(nt_tile)(NTR, NTI, full, k, dz + r * lddz, lddz, packed, i, dx + r * lddx + i, lddx);
        for (; r < rows; r++) NAME(nt_tile)(1, NTI, full, k, dz + r * lddz, lddz, packed, i, dx + r * lddx + i, lddx);
    }
    for (; i < i1; i++) {
        int r = 0;
        for (; r + NTR <= rows; r += NTR) NAME(nt_tile)(NTR, 1, full, k, dz + r * lddz, lddz, packed, i, dx + r * lddx + i, lddx);
        for (; r < rows; r++) NAME(nt_tile)(1, 1, full, k, dz + r * lddz, lddz, packed, i, dx + r * lddx + i, lddx);
    }
    if (w == 0) return;
    // The last, narrower panel: its w columns added to each element's lane sums.
    const float *b = packed + (long)full * k * FFB_PANEL;
    for (int rr = 0; rr < rows; rr++)
        for (int ii = i0; ii < i1; ii++) {
            float s = 0;
            for (int j = 0; j < w; j++) s += dz[rr * lddz + full * FFB_PANEL + j] * b[(long)ii * w + j];
            dx[rr * lddx + ii] += s;
        }
}
#undef ROW_TILES
#undef MR_SWITCH
