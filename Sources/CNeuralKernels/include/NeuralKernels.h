#ifndef ADAMBENCH_NEURAL_KERNELS_H
#define ADAMBENCH_NEURAL_KERNELS_H
#include <stddef.h>
#include <stdint.h>

// Element-wise Float32 kernels of the engine's smooth nonlinearities (softplus, sigmoid, Bernoulli
// cross-entropy with logits), vectorized: exp and log1p are polynomial approximations written as
// plain arithmetic so that the compiler vectorizes them (glibc's expf/log1pf are scalar calls).
// Compiled for AVX-512, AVX2 and baseline x86-64 without FMA contraction: every variant gives the
// same bits. Accuracy: a few ulp (the tests compare with the Float64 functions).

/// y = softplus(x) = max(x, 0) + log1p(exp(-|x|)).
void adambench_softplus_f32(const float *x, float *y, ptrdiff_t n);
/// dy *= sigmoid(x) (softplus's derivative).
void adambench_scale_by_sigmoid_f32(float *dy, const float *x, ptrdiff_t n);
/// sum_i [max(l_i, 0) - l_i t_i + log1p(exp(-|l_i|))]: Bernoulli cross-entropy of targets t with
/// logits l, summed (16 interleaved Float32 partial sums, added in Float64 in a fixed order).
double adambench_bce_logits_sum_f32(const float *l, const float *t, ptrdiff_t n);
/// l = (sigmoid(l) - t) * scale: the cross-entropy's gradient with respect to the logits, in place.
void adambench_bce_logits_gradient_f32(float *l, const float *t, float scale, ptrdiff_t n);
/// exp(x) by the same approximation (for tests).
float adambench_exp_f32(float x);
/// log1p(y) for y in [0, 1] by the same approximation (for tests).
float adambench_log1p_unit_f32(float y);

// The CNN's memory-bound passes (ConvolutionKernels.c), NHWC, bit-identical to the element-by-element
// Swift forms of NNScalar (ConvolutionLoops.swift).

/// im2col rows of `images` images for a square kernel, stride 1, 'same' zero padding (kernel / 2):
/// col[(n, y, x), (ky, kx, c)] = x[n, y + ky - pad, x + kx - pad, c], 0 outside the image.
void adambench_im2col_f32(const float *x, ptrdiff_t images, ptrdiff_t height, ptrdiff_t width,
                          ptrdiff_t channels, ptrdiff_t kernel, float *col);
/// dx += the scatter of im2col rows back onto their pixels (the adjoint of im2col).
void adambench_col2im_add_f32(const float *dcol, ptrdiff_t images, ptrdiff_t height, ptrdiff_t width,
                              ptrdiff_t channels, ptrdiff_t kernel, float *dx);
/// Max pooling (window clipped to the image), recording each output's winning input index (first
/// maximum in row-major window order).
void adambench_max_pool_f32(const float *x, ptrdiff_t batch, ptrdiff_t height, ptrdiff_t width, ptrdiff_t channels,
                            ptrdiff_t window, ptrdiff_t stride, ptrdiff_t padding, float *y, int32_t *argmax);
/// y = max(y + bias, 0) row by row (bias has `columns` entries).
void adambench_add_bias_relu_f32(float *y, const float *bias, ptrdiff_t rows, ptrdiff_t columns);
/// dy = dy where y > 0, else 0; bias_gradient = the column sums of the result (rows in order).
void adambench_relu_backward_bias_f32(float *dy, const float *y, float *bias_gradient, ptrdiff_t rows, ptrdiff_t columns);

// The dense layers' passes (DenseKernels.c), bit-identical to the Swift forms of NNScalar (DenseLoops.swift).

/// y = max(y + bias, 0) * mask, row by row (the ReLU followed by a dropout mask).
void adambench_add_bias_relu_mask_f32(float *y, const float *bias, const float *mask, ptrdiff_t rows, ptrdiff_t columns);
/// dy = dy where y > 0, else 0.
void adambench_relu_backward_f32(float *dy, const float *y, ptrdiff_t n);
/// dy = dy * mask where y > 0, else 0 (y = mask * relu(x) is the stored output).
void adambench_masked_relu_backward_f32(float *dy, const float *y, const float *mask, ptrdiff_t n);
/// out[j] = sum over the rows, in order, of m[r, j].
void adambench_column_sums_f32(const float *m, ptrdiff_t rows, ptrdiff_t columns, float *out);

#endif
