#ifndef FFB_GEMM_H
#define FFB_GEMM_H

/// Products with a weight matrix kept in the layout the kernels read.
///
/// Packed layout of a k x n matrix W (k inputs, n outputs): column panels of
/// FFB_PANEL columns, one after the other; panel p holds W's k rows
/// restricted to columns [32p, 32p + 32), each row's 32 floats adjacent
/// (the last panel n mod 32 wide when 32 does not divide n). It holds
/// exactly k * n floats, so an elementwise update (every optimizer here)
/// works on it as on the row-major matrix.
///
/// Every output element is one chain of fused multiply-adds in the order
/// of the inner index, whatever the shape's rows, the thread split or the
/// instruction set (generic builds round each product separately).
#define FFB_PANEL 32

void ffb_pack(const float *w, long ldw, int k, int n, float *packed);
void ffb_unpack(const float *packed, int k, int n, float *w, long ldw);

/// c (m x n, ldc) = a (m x k, lda) W, or c += a W when `accumulate`; the output columns of panels [p0, p1).
void ffb_gemm_nn(int isa, int m, int n, int k, const float *a, long lda, const float *packed, float *c, long ldc,
                 int accumulate, int p0, int p1);

/// Packed G (k x n) = alpha x^T dz + beta G, with x rows x k (ldx) and dz rows x n (lddz): a weight
/// gradient written in the weights' layout; G's rows [i0, i1). beta 0 ignores what G held.
void ffb_gemm_tn(int isa, int rows, int k, int n, const float *x, long ldx, const float *dz, long lddz,
                 float *packed, float alpha, float beta, int i0, int i1);

/// dx (rows x k, lddx) = dz (rows x n, lddz) W^T: the gradient below a layer; dx's columns [i0, i1).
void ffb_gemm_nt(int isa, int rows, int k, int n, const float *dz, long lddz, const float *packed, float *dx, long lddx,
                 int i0, int i1);

/// `isa` in every product: 0 the portable build, 1 AVX2 with FMA, 2 AVX-512,
/// each only where the CPU has it (else the best it has below); -1 the
/// CPU's best (FFBENCH_KERNELS=generic: the portable build).
/// The instruction set `isa` runs on: "avx512f", "avx2+fma" or "generic".
const char *ffb_gemm_isa(int isa);

#endif
