// The kernels' bodies, compiled once per instruction set by ffb_local.c
// (which defines ATTR, the target attribute, and NAME, the suffixed name).
// Every sum runs in a fixed order, so a result does not depend on how
// the locations or rows are split between threads.

ATTR static void NAME(forward)(const ffb_local_shape *s, const float *xp, int rows, const float *w,
                               float *z, int loc_begin, int loc_end) {
    const int W = s->width, C = s->out_channels, k = s->field, cin = s->in_channels;
    const int pw = W + k - 1, seg = k * cin, K = k * seg, full = seg / 8 * 8;
    const size_t in_stride = ffb_local_padded_size(s), out_stride = (size_t)s->height * W * C;
    for (int loc = loc_begin; loc < loc_end; loc++) {
        const size_t base = ((size_t)(loc / W) * pw + loc % W) * cin;
        for (int o = 0; o < C; o++) {
            const float *wu = w + ((size_t)loc * C + o) * K;
            int r = 0;
            // Four rows at a time share each weight load.
            for (; r + 4 <= rows; r += 4) {
                const float *x0 = xp + (size_t)r * in_stride + base;
                const float *x1 = x0 + in_stride, *x2 = x1 + in_stride, *x3 = x2 + in_stride;
                v8 a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0};
                float t0 = 0, t1 = 0, t2 = 0, t3 = 0;
                for (int dy = 0; dy < k; dy++) {
                    const size_t off = (size_t)dy * pw * cin;
                    const float *ws = wu + dy * seg;
                    int t = 0;
                    for (; t < full; t += 8) {
                        const v8 wv = *(const v8u *)(ws + t);
                        a0 += wv * *(const v8u *)(x0 + off + t);
                        a1 += wv * *(const v8u *)(x1 + off + t);
                        a2 += wv * *(const v8u *)(x2 + off + t);
                        a3 += wv * *(const v8u *)(x3 + off + t);
                    }
                    for (; t < seg; t++) {
                        const float wv = ws[t];
                        t0 += wv * x0[off + t]; t1 += wv * x1[off + t];
                        t2 += wv * x2[off + t]; t3 += wv * x3[off + t];
                    }
                }
                float *zo = z + (size_t)r * out_stride + (size_t)loc * C + o;
                zo[0] = hsum8(a0) + t0;
                zo[out_stride] = hsum8(a1) + t1;
                zo[2 * out_stride] = hsum8(a2) + t2;
                zo[3 * out_stride] = hsum8(a3) + t3;
            }
            for (; r < rows; r++) {
                const float *x0 = xp + (size_t)r * in_stride + base;
                v8 a0 = {0};
                float t0 = 0;
                for (int dy = 0; dy < k; dy++) {
                    const size_t off = (size_t)dy * pw * cin;
                    const float *ws = wu + dy * seg;
                    int t = 0;
                    for (; t < full; t += 8) a0 += *(const v8u *)(ws + t) * *(const v8u *)(x0 + off + t);
                    for (; t < seg; t++) t0 += ws[t] * x0[off + t];
                }
                z[(size_t)r * out_stride + (size_t)loc * C + o] = hsum8(a0) + t0;
            }
        }
    }
}

ATTR static void NAME(weight_gradient)(const ffb_local_shape *s, const float *xp, int rows, const float *dz,
                                       float *dw, float alpha, float beta, int loc_begin, int loc_end,
                                       float *g) {
    const int W = s->width, C = s->out_channels, k = s->field, cin = s->in_channels;
    const int pw = W + k - 1, seg = k * cin, K = k * seg, full = seg / 8 * 8;
    const size_t in_stride = ffb_local_padded_size(s), out_stride = (size_t)s->height * W * C;
    for (int loc = loc_begin; loc < loc_end; loc++) {
        const size_t base = ((size_t)(loc / W) * pw + loc % W) * cin;
        for (int o = 0; o < C; o++) {
            // The unit's dz down the rows, gathered once (a column of dz).
            for (int r = 0; r < rows; r++) g[r] = dz[(size_t)r * out_stride + (size_t)loc * C + o];
            float *du = dw + ((size_t)loc * C + o) * K;
            for (int dy = 0; dy < k; dy++) {
                const float *x = xp + base + (size_t)dy * pw * cin;
                float *d = du + dy * seg;
                int t = 0;
                // 32 weights at a time: four accumulators stay in registers down the rows.
                for (; t + 32 <= full; t += 32) {
                    v8 a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0};
                    for (int r = 0; r < rows; r++) {
                        const float *xr = x + (size_t)r * in_stride + t;
                        const v8 gv = (v8){0} + g[r];
                        a0 += gv * *(const v8u *)(xr);
                        a1 += gv * *(const v8u *)(xr + 8);
                        a2 += gv * *(const v8u *)(xr + 16);
                        a3 += gv * *(const v8u *)(xr + 24);
                    }
                    if (beta == 0) {
                        *(v8u *)(d + t) = alpha * a0; *(v8u *)(d + t + 8) = alpha * a1;
                        *(v8u *)(d + t + 16) = alpha * a2; *(v8u *)(d + t + 24) = alpha * a3;
                    } else {
                        *(v8u *)(d + t) = beta * *(v8u *)(d + t) + alpha * a0;
                        *(v8u *)(d + t + 8) = beta * *(v8u *)(d + t + 8) + alpha * a1;
                        *(v8u *)(d + t + 16) = beta * *(v8u *)(d + t + 16) + alpha * a2;
                        *(v8u *)(d + t + 24) = beta * *(v8u *)(d + t + 24) + alpha * a3;
                    }
                }
                for (; t < full; t += 8) {
                    v8 a0 = {0};
                    for (int r = 0; r < rows; r++) a0 += ((v8){0} + g[r]) * *(const v8u *)(x + (size_t)r * in_stride + t);
                    *(v8u *)(d + t) = beta == 0 ? alpha * a0 : beta * *(v8u *)(d + t) + alpha * a0;
                }
                for (; t < seg; t++) {
                    float a = 0;
                    for (int r = 0; r < rows; r++) a += g[r] * x[(size_t)r * in_stride + t];
                    d[t] = beta == 0 ? alpha * a : beta * d[t] + alpha * a;
                }
            }
        }
    }
}

ATTR static void NAME(input_gradient)(const ffb_local_shape *s, const float *dz, const float *w, float *dx,
                                      float *scratch, int row_begin, int row_end) {
    const int H = s->height, W = s->width, C = s->out_channels, k = s->field, cin = s->in_channels;
    const int pw = W + k - 1, seg = k * cin, K = k * seg, full = seg / 8 * 8, pad = (k - 1) / 2;
    const size_t padded = ffb_local_padded_size(s), out_stride = (size_t)H * W * C, in_size = (size_t)H * W * cin;
    for (int r = row_begin; r < row_end; r++) {
        float *sp = scratch + (size_t)(r - row_begin) * padded;
        for (size_t i = 0; i < padded; i++) sp[i] = 0;
        const float *dzr = dz + (size_t)r * out_stride;
        for (int loc = 0; loc < H * W; loc++) {
            const size_t base = ((size_t)(loc / W) * pw + loc % W) * cin;
            const float *wl = w + (size_t)loc * C * K;
            for (int dy = 0; dy < k; dy++) {
                float *d = sp + base + (size_t)dy * pw * cin;
                int t = 0;
                for (; t < full; t += 8) {
                    v8 a = *(v8u *)(d + t);
                    for (int o = 0; o < C; o++) a += ((v8){0} + dzr[loc * C + o]) * *(const v8u *)(wl + (size_t)o * K + dy * seg + t);
                    *(v8u *)(d + t) = a;
                }
                for (; t < seg; t++) {
                    float a = d[t];
                    for (int o = 0; o < C; o++) a += dzr[loc * C + o] * wl[(size_t)o * K + dy * seg + t];
                    d[t] = a;
                }
            }
        }
        // The interior of the padded map is the gradient (the border was zeros).
        float *out = dx + (size_t)r * in_size;
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W * cin; x++) out[((size_t)y * W) * cin + x] = sp[((size_t)(y + pad) * pw + pad) * cin + x];
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
