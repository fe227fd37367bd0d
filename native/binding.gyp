# Built by `npm install` (scripts/build-native.mjs runs node-gyp here). Each instruction set's
# kernels (GEMM micro-kernel, vector math) live in their own static library so that only those
# files are compiled with its -m flags; addon.cc picks one at run time from what the CPU reports.
{
  "target_defaults": {
    "cflags_cc": ["-O3", "-std=c++17", "-fno-math-errno"],
    "cflags_cc!": ["-fno-exceptions", "-std=gnu++17"],
  },
  "targets": [
    {
      "target_name": "nabla",
      "sources": ["src/addon.cc", "src/elementwise.cc", "src/gemm_generic.cc", "src/vecmath_generic.cc", "src/linalg.cc", "src/linalg_eig.cc"],
      "conditions": [["target_arch=='x64'", {"dependencies": ["gemm_avx512", "gemm_avx2"]}]],
      "libraries": ["-lpthread"],
    },
    {
      "target_name": "gemm_avx512",
      "type": "static_library",
      "sources": ["src/gemm_avx512.cc", "src/vecmath_avx512.cc"],
      "cflags_cc": ["-mavx512f", "-mfma", "-fPIC"],
    },
    {
      "target_name": "gemm_avx2",
      "type": "static_library",
      "sources": ["src/gemm_avx2.cc", "src/vecmath_avx2.cc"],
      "cflags_cc": ["-mavx2", "-mfma", "-fPIC"],
    },
  ],
}
