// OpenBLAS ships cblas.h plus its own openblas_* configuration calls.
// There is no separate libcblas on Debian: link openblas directly.
#include <cblas.h>
