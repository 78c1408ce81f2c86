#ifndef ADAMBENCH_CZLIB_SHIM_H
#define ADAMBENCH_CZLIB_SHIM_H
#include <zlib.h>
// inflateInit2 is a macro in zlib.h; Swift cannot call macros, so expose it as a function.
static inline int adambench_inflate_init_gzip(z_streamp stream) {
    return inflateInit2(stream, 15 + 32); // 15-bit window, auto-detect gzip/zlib header
}
#endif
