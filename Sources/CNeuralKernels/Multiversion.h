#ifndef ADAMBENCH_MULTIVERSION_H
#define ADAMBENCH_MULTIVERSION_H
// Each kernel is compiled for AVX-512, AVX2 and baseline x86-64 and chosen at load time; the target is
// built without FMA contraction (Package.swift), so every variant gives the same bits.
#if defined(__x86_64__) && defined(__linux__)
#define ADAMBENCH_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define ADAMBENCH_CLONES
#endif
#endif
