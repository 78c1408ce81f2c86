#include "NeuralKernels.h"
#include "Multiversion.h"

// The dense layers' memory-bound passes (the MLP's ReLU and dropout, every layer's bias gradient).
// Each gives the bits of the element-by-element Swift form in NNScalar (DenseLoops.swift), which the
// tests compare it with.

ADAMBENCH_CLONES
void adambench_add_bias_relu_mask_f32(float *restrict y, const float *restrict bias, const float *restrict mask,
                                      ptrdiff_t rows, ptrdiff_t columns) {
    for (ptrdiff_t r = 0; r < rows; r++) {
        float *row = y + r * columns;
        const float *m = mask + r * columns;
        for (ptrdiff_t j = 0; j < columns; j++) {
            const float v = row[j] + bias[j];
            row[j] = (0.0f >= v ? 0.0f : v) * m[j];
        }
    }
}

ADAMBENCH_CLONES
void adambench_relu_backward_f32(float *restrict dy, const float *restrict y, ptrdiff_t n) {
    for (ptrdiff_t i = 0; i < n; i++) dy[i] = y[i] > 0 ? dy[i] : 0.0f;
}

ADAMBENCH_CLONES
void adambench_masked_relu_backward_f32(float *restrict dy, const float *restrict y, const float *restrict mask, ptrdiff_t n) {
    for (ptrdiff_t i = 0; i < n; i++) dy[i] = y[i] > 0 ? dy[i] * mask[i] : 0.0f;
}

ADAMBENCH_CLONES
void adambench_column_sums_f32(const float *restrict m, ptrdiff_t rows, ptrdiff_t columns, float *restrict out) {
    for (ptrdiff_t j = 0; j < columns; j++) out[j] = 0;
    for (ptrdiff_t r = 0; r < rows; r++) {
        const float *row = m + r * columns;
        for (ptrdiff_t j = 0; j < columns; j++) out[j] += row[j];
    }
}
