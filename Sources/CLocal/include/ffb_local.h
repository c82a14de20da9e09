#ifndef FFB_LOCAL_H
#define FFB_LOCAL_H

#include <stddef.h>

/// A locally connected layer: an H x W map, C units per location, each with
/// its own k x k field over the map below (Cin units per location), no
/// weight sharing. The map below is zero-padded by (k - 1) / 2 on every
/// side, so the output keeps H x W ("same" edges).
///
/// Layouts. A batch's maps in rows: one example per row, location-major
/// with the units of a location adjacent (HWC), or channel-major (CHW, an
/// image, "planar"). The kernels work on columns: one row per feature
/// (padded map position and channel, or output unit), the batch's examples
/// along it, `ld` floats apart (ld a multiple of 8 at least the batch;
/// columns past the batch are zero). Weights: one row per location and
/// unit, its k x k x Cin inputs in the padded map's order (row of the
/// field, then column, then channel).
typedef struct {
    int height, width, in_channels, out_channels, field;
} ffb_local_shape;

/// Features of the padded map below: (H + k - 1) x (W + k - 1) x Cin.
size_t ffb_local_padded_size(const ffb_local_shape *s);

/// Rows x of the map below (HWC, or CHW when planar) into columns xp
/// (padded size x ld), zero borders and zero columns past `rows`.
void ffb_local_pad(const ffb_local_shape *s, const float *x, int planar, int rows, float *xp, int ld);

/// z (H*W*C x ld) = the layer's products over the field, locations [loc_begin, loc_end).
void ffb_local_forward(const ffb_local_shape *s, const float *xp, int ld, const float *w,
                       float *z, int loc_begin, int loc_end);

/// dw = beta * dw + alpha * (sum over the batch of dz times the field), locations [loc_begin, loc_end).
void ffb_local_weight_gradient(const ffb_local_shape *s, const float *xp, int ld, const float *dz,
                               float *dw, float alpha, float beta, int loc_begin, int loc_end);

/// dxp (padded size x ld) = the gradient of sum(dz * z) with respect to the
/// padded map below, for the columns [col_begin, col_end) (multiples of 8).
void ffb_local_input_gradient(const ffb_local_shape *s, const float *dz, int ld, const float *w, float *dxp,
                              int col_begin, int col_end);

/// Rows (rows x features) from columns (features x ld), and back (zero past `rows`).
void ffb_local_rows_from_columns(const float *columns, int ld, int rows, int features, float *out);
void ffb_local_columns_from_rows(const float *in, int rows, int features, float *columns, int ld);

/// The interior of padded columns as rows of the unpadded map (HWC).
void ffb_local_unpad_rows(const ffb_local_shape *s, const float *dxp, int ld, int rows, float *dx);

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
