// The kernels' bodies, compiled once per instruction set by ffb_local.c
// (which defines ATTR, the target attribute, and NAME, the suffixed name).
// The batch runs along the vectors, so every product is a broadcast weight
// times eight examples. Every sum runs in a fixed order: a result does not
// depend on how locations or columns are split between threads.

ATTR static void NAME(forward)(const ffb_local_shape *s, const float *xp, int ld, const float *w,
                               float *z, int loc_begin, int loc_end) {
    const int W = s->width, C = s->out_channels, k = s->field, cin = s->in_channels;
    const int pw = W + k - 1, seg = k * cin, K = k * seg;
    for (int loc = loc_begin; loc < loc_end; loc++) {
        const size_t base = ((size_t)(loc / W) * pw + loc % W) * cin;
        int o = 0;
        // Three units at a time share each load of the map below.
        for (; o + 3 <= C; o += 3) {
            const float *w0 = w + ((size_t)loc * C + o) * K, *w1 = w0 + K, *w2 = w1 + K;
            float *z0 = z + ((size_t)loc * C + o) * ld, *z1 = z0 + ld, *z2 = z1 + ld;
            int r = 0;
            // Sixteen examples at a time: six accumulators, two loads and three broadcasts stay in registers.
            for (; r + 16 <= ld; r += 16) {
                v8 a00 = {0}, a01 = {0}, a10 = {0}, a11 = {0}, a20 = {0}, a21 = {0};
                int p = 0;
                for (int dy = 0; dy < k; dy++) {
                    const float *x = xp + (base + (size_t)dy * pw * cin) * ld + r;
                    for (int t = 0; t < seg; t++, p++, x += ld) {
                        const v8 x0 = *(const v8u *)x, x1 = *(const v8u *)(x + 8);
                        const v8 b0 = (v8){0} + w0[p], b1 = (v8){0} + w1[p], b2 = (v8){0} + w2[p];
                        a00 += b0 * x0; a01 += b0 * x1; a10 += b1 * x0; a11 += b1 * x1; a20 += b2 * x0; a21 += b2 * x1;
                    }
                }
                *(v8u *)(z0 + r) = a00; *(v8u *)(z0 + r + 8) = a01;
                *(v8u *)(z1 + r) = a10; *(v8u *)(z1 + r + 8) = a11;
                *(v8u *)(z2 + r) = a20; *(v8u *)(z2 + r + 8) = a21;
            }
            for (; r < ld; r += 8) {
                v8 a0 = {0}, a1 = {0}, a2 = {0};
                int p = 0;
                for (int dy = 0; dy < k; dy++) {
                    const float *x = xp + (base + (size_t)dy * pw * cin) * ld + r;
                    for (int t = 0; t < seg; t++, p++, x += ld) {
                        const v8 xv = *(const v8u *)x;
                        a0 += ((v8){0} + w0[p]) * xv; a1 += ((v8){0} + w1[p]) * xv; a2 += ((v8){0} + w2[p]) * xv;
                    }
                }
                *(v8u *)(z0 + r) = a0; *(v8u *)(z1 + r) = a1; *(v8u *)(z2 + r) = a2;
            }
        }
        for (; o < C; o++) {
            const float *w0 = w + ((size_t)loc * C + o) * K;
            float *z0 = z + ((size_t)loc * C + o) * ld;
            for (int r = 0; r < ld; r += 8) {
                v8 a0 = {0};
                int p = 0;
                for (int dy = 0; dy < k; dy++) {
                    const float *x = xp + (base + (size_t)dy * pw * cin) * ld + r;
                    for (int t = 0; t < seg; t++, p++, x += ld) a0 += ((v8){0} + w0[p]) * *(const v8u *)x;
                }
                *(v8u *)(z0 + r) = a0;
            }
        }
    }
}

ATTR static void NAME(weight_gradient)(const ffb_local_shape *s, const float *xp, int ld, const float *dz,
                                       float *dw, float alpha, float beta, int loc_begin, int loc_end) {
    const int W = s->width, C = s->out_channels, k = s->field, cin = s->in_channels;
    const int pw = W + k - 1, seg = k * cin, K = k * seg, n = ld / 8;
    for (int loc = loc_begin; loc < loc_end; loc++) {
        const size_t base = ((size_t)(loc / W) * pw + loc % W) * cin;
        int o = 0;
        // Three units and two weights at a time: each load of the map
        // below serves three units, each load of dz two weights.
        for (; o + 3 <= C; o += 3) {
            const float *g0 = dz + ((size_t)loc * C + o) * ld, *g1 = g0 + ld, *g2 = g1 + ld;
            float *d0 = dw + ((size_t)loc * C + o) * K, *d1 = d0 + K, *d2 = d1 + K;
            int p = 0;
            for (int dy = 0; dy < k; dy++) {
                const float *row = xp + (base + (size_t)dy * pw * cin) * ld;
                int t = 0;
                for (; t + 2 <= seg; t += 2, p += 2) {
                    const float *x0 = row + (size_t)t * ld, *x1 = x0 + ld;
                    v8 a00 = {0}, a01 = {0}, a10 = {0}, a11 = {0}, a20 = {0}, a21 = {0};
                    for (int v = 0; v < n; v++) {
                        const v8 u0 = *(const v8u *)(g0 + 8 * v), u1 = *(const v8u *)(g1 + 8 * v), u2 = *(const v8u *)(g2 + 8 * v);
                        const v8 y0 = *(const v8u *)(x0 + 8 * v), y1 = *(const v8u *)(x1 + 8 * v);
                        a00 += u0 * y0; a01 += u0 * y1; a10 += u1 * y0; a11 += u1 * y1; a20 += u2 * y0; a21 += u2 * y1;
                    }
                    const float s_[6] = {hsum8(a00), hsum8(a01), hsum8(a10), hsum8(a11), hsum8(a20), hsum8(a21)};
                    float *ds[3] = {d0, d1, d2};
                    for (int u = 0; u < 3; u++)
                        for (int q = 0; q < 2; q++)
                            ds[u][p + q] = beta == 0 ? alpha * s_[2 * u + q] : beta * ds[u][p + q] + alpha * s_[2 * u + q];
                }
                for (; t < seg; t++, p++) {
                    const float *x0 = row + (size_t)t * ld;
                    v8 a0 = {0}, a1 = {0}, a2 = {0};
                    for (int v = 0; v < n; v++) {
                        const v8 y = *(const v8u *)(x0 + 8 * v);
                        a0 += *(const v8u *)(g0 + 8 * v) * y; a1 += *(const v8u *)(g1 + 8 * v) * y; a2 += *(const v8u *)(g2 + 8 * v) * y;
                    }
                    d0[p] = beta == 0 ? alpha * hsum8(a0) : beta * d0[p] + alpha * hsum8(a0);
                    d1[p] = beta == 0 ? alpha * hsum8(a1) : beta * d1[p] + alpha * hsum8(a1);
                    d2[p] = beta == 0 ? alpha * hsum8(a2) : beta * d2[p] + alpha * hsum8(a2);
                }
            }
        }
        for (; o < C; o++) {
            const float *g = dz + ((size_t)loc * C + o) * ld;
            float *d = dw + ((size_t)loc * C + o) * K;
            int p = 0;
            for (int dy = 0; dy < k; dy++) {
                const float *row = xp + (base + (size_t)dy * pw * cin) * ld;
                for (int t = 0; t < seg; t++, p++) {
                    const float *x0 = row + (size_t)t * ld;
                    v8 a0 = {0};
                    for (int v = 0; v < n; v++) a0 += *(const v8u *)(g + 8 * v) * *(const v8u *)(x0 + 8 * v);
                    d[p] = beta == 0 ? alpha * hsum8(a0) : beta * d[p] + alpha * hsum8(a0);
                }
            }
        }
    }
}

ATTR static void NAME(input_gradient)(const ffb_local_shape *s, const float *dz, int ld, const float *w, float *dxp,
                                      int col_begin, int col_end) {
    const int H = s->height, W = s->width, C = s->out_channels, k = s->field, cin = s->in_channels;
    const int pw = W + k - 1, seg = k * cin, K = k * seg;
    const size_t padded = ffb_local_padded_size(s);
    for (size_t f = 0; f < padded; f++)
        for (int r = col_begin; r < col_end; r++) dxp[f * ld + r] = 0;
    for (int loc = 0; loc < H * W; loc++) {
        const size_t base = ((size_t)(loc / W) * pw + loc % W) * cin;
        const float *wl = w + (size_t)loc * C * K;
        const float *gl = dz + (size_t)loc * C * ld;
        int r = col_begin;
        // Three units and 16 examples at a time: dz held in registers down the field.
        if (C == 3) {
            for (; r + 16 <= col_end; r += 16) {
                const v8 g00 = *(const v8u *)(gl + r), g01 = *(const v8u *)(gl + r + 8);
                const v8 g10 = *(const v8u *)(gl + ld + r), g11 = *(const v8u *)(gl + ld + r + 8);
                const v8 g20 = *(const v8u *)(gl + 2 * ld + r), g21 = *(const v8u *)(gl + 2 * ld + r + 8);
                int p = 0;
                for (int dy = 0; dy < k; dy++) {
                    float *x = dxp + (base + (size_t)dy * pw * cin) * ld + r;
                    for (int t = 0; t < seg; t++, p++, x += ld) {
                        const v8 b0 = (v8){0} + wl[p], b1 = (v8){0} + wl[K + p], b2 = (v8){0} + wl[2 * K + p];
                        *(v8u *)x = *(v8u *)x + b0 * g00 + b1 * g10 + b2 * g20;
                        *(v8u *)(x + 8) = *(v8u *)(x + 8) + b0 * g01 + b1 * g11 + b2 * g21;
                    }
                }
            }
        }
        for (; r < col_end; r += 8) {
            int p = 0;
            for (int dy = 0; dy < k; dy++) {
                float *x = dxp + (base + (size_t)dy * pw * cin) * ld + r;
                for (int t = 0; t < seg; t++, p++, x += ld) {
                    v8 a = *(v8u *)x;
                    for (int o = 0; o < C; o++) a += ((v8){0} + wl[(size_t)o * K + p]) * *(const v8u *)(gl + (size_t)o * ld + r);
                    *(v8u *)x = a;
                }
            }
        }
    }
}

ATTR static double NAME(fma_peak)(long iterations, float *sink) {
    // Twelve independent chains cover the FMA latency on two ports.
    v8 a[12];
    for (int i = 0; i < 12; i++) a[i] = (v8){0} + (float)(i + 1);
    const v8 m = (v8){0} + 0.999999f, c = (v8){0} + 1e-7f;
    for (long n = 0; n < iterations; n++)
        for (int i = 0; i < 12; i++) a[i] = a[i] * m + c;
    v8 total = {0};
    for (int i = 0; i < 12; i++) total += a[i];
    *sink = hsum8(total);
    return (double)iterations * 12 * 8 * 2;
}
