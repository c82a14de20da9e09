#include <zlib.h>

// inflateInit2 is a macro in zlib.h; Swift cannot call macros, so wrap it.
static inline int ffb_inflate_init_auto(z_streamp strm) {
    // 15 + 32: maximum window, detect gzip or zlib header automatically.
    return inflateInit2(strm, 15 + 32);
}
