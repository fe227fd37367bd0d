// NABLA_CLONES compiles a function for AVX-512, AVX2 and baseline x86-64 and lets the loader
// pick the CPU's best (GCC's target_clones, an ifunc), so a file built for the baseline still
// runs its hot loops eight lanes wide; elsewhere (clang, other architectures) it compiles once.
#pragma once

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define NABLA_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define NABLA_CLONES
#endif
