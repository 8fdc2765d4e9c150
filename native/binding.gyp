# Build of the clab native engine: a thin N-API addon over libtorch.
# Debian's libtorch-dev is the default; LIBTORCH=/path/to/libtorch selects an official build.
# USE_C10D_GLOO: the process group (process_group.cc) is libtorch's c10d ProcessGroupGloo; its
# headers include Gloo's (Debian: libgloo-dev, whose libgloo the Debian build links against; an
# official libtorch carries Gloo inside libtorch_cpu).
{
  "variables": {
    "libtorch%": "<!(node -p \"process.env.LIBTORCH || ''\")"
  },
  "targets": [
    {
      "target_name": "clab_native",
      "sources": ["src/addon.cc", "src/tensor.cc", "src/dispatch.cc", "src/autograd.cc", "src/generator.cc", "src/allocator.cc", "src/fused_infonce.cc", "src/gemm.cc", "src/fused_mlp_block.cc", "src/process_group.cc", "src/collectives_autograd.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED", "USE_C10D_GLOO"],
      "cflags!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17", "-std=gnu++20"],
      "cflags_cc": ["-std=c++17", "-frtti", "-fexceptions", "-O2", "-Wno-unused-parameter", "-Wno-missing-field-initializers"],
      "conditions": [
        ["libtorch==''", {
          "include_dirs": ["/usr/include/torch/csrc/api/include"],
          "libraries": ["-ltorch", "-ltorch_cpu", "-lc10", "-lgloo"]
        }, {
          "include_dirs": ["<(libtorch)/include", "<(libtorch)/include/torch/csrc/api/include"],
          "libraries": ["-L<(libtorch)/lib", "-Wl,-rpath,<(libtorch)/lib", "-ltorch", "-ltorch_cpu", "-lc10"],
          "defines": ["_GLIBCXX_USE_CXX11_ABI=<!(node -p \"process.env.LIBTORCH_CXX11_ABI || '1'\")"]
        }]
      ]
    }
  ]
}
