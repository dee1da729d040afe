#pragma once
/// NAVOX_CPU_CLONES on a function's definition: GCC builds it for AVX2 as well and the
/// loader picks the copy the CPU runs (function multiversioning; x86-64 GCC only, elsewhere
/// and with -DNAVOX_NO_CPU_CLONES the one portable build). Only for kernels whose every
/// lane does the same IEEE operations in both copies: their file is compiled with
/// -ffp-contract=off (CMakeLists.txt) and AVX2 alone brings no fused multiply-add, so the
/// two copies round alike (docs/developer-guide.md).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(NAVOX_NO_CPU_CLONES)
#define NAVOX_CPU_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define NAVOX_CPU_CLONES
#endif
