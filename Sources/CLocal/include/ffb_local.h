#ifndef FFB_LOCAL_H
#define FFB_LOCAL_H

#include <stddef.h>

/// A locally connected layer: an H x W map, C units per location, each with
/// its own k x k field over the map below (Cin units per location), no
/// weight sharing. Maps are stored per example, location-major with the
/// units of a location adjacent (HWC). The map below is zero-padded by
/// (k - 1) / 2 on every side, so the output keeps H x W ("same" edges).
/// Weights: for each location and unit, its k x k x Cin inputs in the
/// padded map's order (row of the field, then column, then channel), so
/// each row of a field is one contiguous run of k * Cin floats.
typedef struct {
    int height, width, in_channels, out_channels, field;
} ffb_local_shape;

/// Rows of the padded map below: (H + k - 1) x (W + k - 1) x Cin floats each.
size_t ffb_local_padded_size(const ffb_local_shape *s);

/// x (rows x H*W*Cin, HWC, or CHW when planar) into xp (rows x padded size), zero borders.
void ffb_local_pad(const ffb_local_shape *s, const float *x, int planar, int rows, float *xp);

/// z[r][loc*C + o] = sum over the field of xp * w, locations [loc_begin, loc_end).
void ffb_local_forward(const ffb_local_shape *s, const float *xp, int rows, const float *w,
                       float *z, int loc_begin, int loc_end);

/// dw = beta * dw + alpha * (sum over rows of dz[r][loc*C + o] * field of xp[r]), locations [loc_begin, loc_end).
void ffb_local_weight_gradient(const ffb_local_shape *s, const float *xp, int rows, const float *dz,
                               float *dw, float alpha, float beta, int loc_begin, int loc_end);

/// dx (rows [row_begin, row_end) of H*W*Cin, HWC) = the
/// gradient of sum(dz * z) with respect to the unpadded map below.
/// scratch: (row_end - row_begin) x padded size floats.
void ffb_local_input_gradient(const ffb_local_shape *s, const float *dz, const float *w, float *dx,
                              float *scratch, int row_begin, int row_end);

/// Floating-point operations of `iterations` rounds of independent fused
/// multiply-adds on the widest vectors this CPU has (the machine's FMA
/// peak is this over the seconds it takes); returns them, and writes a
/// sink value so nothing is optimised away.
double ffb_fma_peak(long iterations, float *sink);

/// The instruction set the kernels chose at run time: "avx2+fma" or "generic".
const char *ffb_local_isa(void);

/// Forces the portable kernels (1) or lets the CPU choose again (0); the
/// environment's FFBENCH_KERNELS=generic does the same at start-up.
void ffb_local_use_generic(int generic);

#endif
