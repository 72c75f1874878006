{
  "targets": [
    {
      "target_name": "linac_native",
      "sources": [
        "native/src/addon.cc",
        "native/src/fluence.cc",
        "native/src/pty.cc",
        "native/src/sched.cc",
        "native/src/sequencer.cc",
        "native/src/sweep.cc",
        "native/src/sweep_graph.cc",
        "native/src/sequence_binding.cc",
        "native/src/leaf_errors.cc",
        "native/src/leaf_fluence.cc",
        "native/src/gamma.cc",
        "native/src/log_binding.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "cflags_cc": ["-std=c++17", "-O2", "-fexceptions", "-Wall", "-Wextra"],
      "cflags_cc!": ["-fno-exceptions"],
      "libraries": ["-lutil"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"]
    }
  ]
}
