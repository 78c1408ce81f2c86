#include "NeuralKernels.h"

#include "Multiversion.h"

// The CNN's memory-bound passes over NHWC activations. Each gives the bits of the element-by-element
// Swift forms in NNScalar (ConvolutionLoops.swift), which the tests compare them with: the same
// operations on each element, in the same order; only the loops are arranged for vectorization.

static inline ptrdiff_t max_pd(ptrdiff_t a, ptrdiff_t b) { return a > b ? a : b; }
static inline ptrdiff_t min_pd(ptrdiff_t a, ptrdiff_t b) { return a < b ? a : b; }

ADAMBENCH_CLONES
void adambench_im2col_f32(const float *restrict x, ptrdiff_t images, ptrdiff_t height, ptrdiff_t width,
                          ptrdiff_t channels, ptrdiff_t kernel, float *restrict col) {
    const ptrdiff_t pad = kernel / 2, c = channels, span = kernel * c, pixels = height * width;
    for (ptrdiff_t n = 0; n < images; n++) {
        const float *image = x + n * pixels * c;
        for (ptrdiff_t y = 0; y < height; y++) {
            for (ptrdiff_t x0 = 0; x0 < width; x0++) {
                // Kernel columns whose input column lies inside the image: [lo, hi).
                const ptrdiff_t lo = max_pd(pad - x0, 0), hi = min_pd(width + pad - x0, kernel);
                for (ptrdiff_t ky = 0; ky < kernel; ky++, col += span) {
                    const ptrdiff_t iy = y + ky - pad;
                    if (iy < 0 || iy >= height) {
                        for (ptrdiff_t j = 0; j < span; j++) col[j] = 0;
                        continue;
                    }
                    const float *source = image + (iy * width + x0 + lo - pad) * c;
                    for (ptrdiff_t j = 0; j < lo * c; j++) col[j] = 0;
                    float *target = col + lo * c;
                    for (ptrdiff_t j = 0; j < (hi - lo) * c; j++) target[j] = source[j];
                    for (ptrdiff_t j = hi * c; j < span; j++) col[j] = 0;
                }
            }
        }
    }
}

ADAMBENCH_CLONES
void adambench_col2im_add_f32(const float *restrict dcol, ptrdiff_t images, ptrdiff_t height, ptrdiff_t width,
                              ptrdiff_t channels, ptrdiff_t kernel, float *restrict dx) {
    const ptrdiff_t pad = kernel / 2, c = channels, span = kernel * c, pixels = height * width;
    for (ptrdiff_t n = 0; n < images; n++) {
        float *image = dx + n * pixels * c;
        for (ptrdiff_t y = 0; y < height; y++) {
            for (ptrdiff_t x0 = 0; x0 < width; x0++) {
                const ptrdiff_t lo = max_pd(pad - x0, 0), hi = min_pd(width + pad - x0, kernel);
                for (ptrdiff_t ky = 0; ky < kernel; ky++, dcol += span) {
                    const ptrdiff_t iy = y + ky - pad;
                    if (iy < 0 || iy >= height) continue;
                    // Distinct kx touch distinct pixels, so each dx element still receives its terms
                    // in (output pixel, ky, kx) order.
                    const float *source = dcol + lo * c;
                    float *target = image + (iy * width + x0 + lo - pad) * c;
                    for (ptrdiff_t j = 0; j < (hi - lo) * c; j++) target[j] += source[j];
                }
            }
        }
    }
}

ADAMBENCH_CLONES
void adambench_max_pool_f32(const float *restrict x, ptrdiff_t batch, ptrdiff_t height, ptrdiff_t width,
                            ptrdiff_t channels, ptrdiff_t window, ptrdiff_t stride, ptrdiff_t padding,
                            float *restrict y, int32_t *restrict argmax) {
    const ptrdiff_t c = channels;
    const ptrdiff_t oh = (height + 2 * padding - window) / stride + 1, ow = (width + 2 * padding - window) / stride + 1;
    for (ptrdiff_t n = 0; n < batch; n++) {
        const ptrdiff_t image = n * height * width * c;
        for (ptrdiff_t oy = 0; oy < oh; oy++) {
            const ptrdiff_t y0 = max_pd(oy * stride - padding, 0), y1 = min_pd(oy * stride - padding + window, height);
            for (ptrdiff_t ox = 0; ox < ow; ox++) {
                const ptrdiff_t x0 = max_pd(ox * stride - padding, 0), x1 = min_pd(ox * stride - padding + window, width);
                float *out = y + ((n * oh + oy) * ow + ox) * c;
                int32_t *winner = argmax + ((n * oh + oy) * ow + ox) * c;
                const ptrdiff_t first = image + (y0 * width + x0) * c;
                for (ptrdiff_t ch = 0; ch < c; ch++) { out[ch] = x[first + ch]; winner[ch] = (int32_t)(first + ch); }
                // Channels innermost; each channel scans its window row by row and keeps the first maximum.
                for (ptrdiff_t iy = y0; iy < y1; iy++) {
                    for (ptrdiff_t ix = x0; ix < x1; ix++) {
                        const ptrdiff_t base = image + (iy * width + ix) * c;
                        for (ptrdiff_t ch = 0; ch < c; ch++) {
                            const float v = x[base + ch], best = out[ch];
                            const int better = v > best;
                            out[ch] = better ? v : best;
                            winner[ch] = better ? (int32_t)(base + ch) : winner[ch];
                        }
                    }
                }
            }
        }
    }
}

ADAMBENCH_CLONES
void adambench_add_bias_relu_f32(float *restrict y, const float *restrict bias, ptrdiff_t rows, ptrdiff_t columns) {
    for (ptrdiff_t r = 0; r < rows; r++) {
        float *row = y + r * columns;
        for (ptrdiff_t j = 0; j < columns; j++) {
            const float v = row[j] + bias[j];
            row[j] = 0.0f >= v ? 0.0f : v;  // Swift.max(v, 0): +0 for v = -0, NaN kept
        }
    }
}

ADAMBENCH_CLONES
void adambench_relu_backward_bias_f32(float *restrict dy, const float *restrict y, float *restrict bias_gradient,
                                      ptrdiff_t rows, ptrdiff_t columns) {
    for (ptrdiff_t j = 0; j < columns; j++) bias_gradient[j] = 0;
    for (ptrdiff_t r = 0; r < rows; r++) {
        float *d = dy + r * columns;
        const float *o = y + r * columns;
        for (ptrdiff_t j = 0; j < columns; j++) {
            const float v = o[j] > 0 ? d[j] : 0.0f;
            d[j] = v;
            bias_gradient[j] += v;
        }
    }
}

