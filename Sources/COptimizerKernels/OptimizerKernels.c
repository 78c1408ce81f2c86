#include "OptimizerKernels.h"
#include <math.h>

#if defined(__x86_64__) && defined(__linux__)
#define ADAMBENCH_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define ADAMBENCH_CLONES
#endif

ADAMBENCH_CLONES
void adambench_adam_step_f32(float *restrict p, const float *restrict g, float *restrict m, float *restrict v, ptrdiff_t n,
                             float a1, float c1, float a2, float c2, float step, float scale, float eps, float keep) {
    for (ptrdiff_t i = 0; i < n; i++) {
        float gi = g[i];
        float mi = a1 * m[i] + c1 * gi;
        float vi = a2 * v[i] + c2 * gi * gi;
        m[i] = mi;
        v[i] = vi;
        p[i] = p[i] * keep - step * mi / (sqrtf(vi) * scale + eps);
    }
}
