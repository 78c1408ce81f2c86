#include "NeuralKernels.h"
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "Multiversion.h"

// exp(x): x = n ln2 + r with |r| <= ln2 / 2 (ln2 split in two parts for an exact reduction),
// exp(r) by the degree-6 minimax polynomial of Cephes' expf, times 2^n built in the exponent bits.
// Inputs are clamped to [-87.3, 88.3], where the result is a normal float.
static inline float exp_approx(float x) {
    x = fminf(fmaxf(x, -87.3f), 88.3f);
    float n = floorf(x * 1.44269504088896341f + 0.5f);
    float r = x - n * 0.693359375f;
    r = r - n * -2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    int32_t bits = ((int32_t)n + 127) << 23;
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

// log1p(y) for y in [0, 1]: 2 atanh(s) with s = y / (2 + y) in [0, 1/3], by its odd series to
// s^15 (truncation below 2e-9 relative); exact for tiny y (s ~ y / 2).
static inline float log1p_unit(float y) {
    float s = y / (2.0f + y);
    float s2 = s * s;
    float p = 1.0f / 15.0f;
    p = p * s2 + 1.0f / 13.0f;
    p = p * s2 + 1.0f / 11.0f;
    p = p * s2 + 1.0f / 9.0f;
    p = p * s2 + 1.0f / 7.0f;
    p = p * s2 + 1.0f / 5.0f;
    p = p * s2 + 1.0f / 3.0f;
    p = p * s2 + 1.0f;
    return 2.0f * s * p;
}

static inline float softplus(float x) { return fmaxf(x, 0.0f) + log1p_unit(exp_approx(-fabsf(x))); }

static inline float sigmoid(float x) {
    float e = exp_approx(-fabsf(x));
    return (x >= 0.0f ? 1.0f : e) / (1.0f + e);
}

float adambench_exp_f32(float x) { return exp_approx(x); }
float adambench_log1p_unit_f32(float y) { return log1p_unit(y); }

ADAMBENCH_CLONES
void adambench_softplus_f32(const float *restrict x, float *restrict y, ptrdiff_t n) {
    for (ptrdiff_t i = 0; i < n; i++) y[i] = softplus(x[i]);
}

ADAMBENCH_CLONES
void adambench_scale_by_sigmoid_f32(float *restrict dy, const float *restrict x, ptrdiff_t n) {
    for (ptrdiff_t i = 0; i < n; i++) dy[i] *= sigmoid(x[i]);
}

ADAMBENCH_CLONES
double adambench_bce_logits_sum_f32(const float *restrict l, const float *restrict t, ptrdiff_t n) {
    float partial[16] = {0};
    ptrdiff_t i = 0;
    for (; i + 16 <= n; i += 16) {
        for (int k = 0; k < 16; k++) {
            float v = l[i + k];
            partial[k] += softplus(v) - v * t[i + k];
        }
    }
    for (int k = 0; i < n; i++, k++) {
        float v = l[i];
        partial[k] += softplus(v) - v * t[i];
    }
    double total = 0;
    for (int k = 0; k < 16; k++) total += partial[k];
    return total;
}

ADAMBENCH_CLONES
void adambench_bce_logits_gradient_f32(float *restrict l, const float *restrict t, float scale, ptrdiff_t n) {
    for (ptrdiff_t i = 0; i < n; i++) l[i] = (sigmoid(l[i]) - t[i]) * scale;
}
