#ifndef ADAMBENCH_NEURAL_KERNELS_H
#define ADAMBENCH_NEURAL_KERNELS_H
#include <stddef.h>

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

#endif
