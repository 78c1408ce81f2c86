#ifndef ADAMBENCH_OPTIMIZER_KERNELS_H
#define ADAMBENCH_OPTIMIZER_KERNELS_H
#include <stddef.h>

/// Adam's fused Float32 step (see AdamRule in Sources/Optimizers for the equations): for each i,
///   m = a1*m + c1*g;  v = a2*v + c2*g*g;  p = p*keep - step*m / (sqrt(v)*scale + eps)
/// evaluated in exactly that order (no FMA contraction), so every CPU variant gives the same bits as
/// the Swift loop. Compiled for AVX-512, AVX2 and baseline x86-64, chosen at load time.
void adambench_adam_step_f32(float *p, const float *g, float *m, float *v, ptrdiff_t n,
                             float a1, float c1, float a2, float c2, float step, float scale, float eps, float keep);
#endif
