{
  "targets": [
    {
      "target_name": "gen_native",
      "sources": ["native/gen_native.cc"],
      "cflags_cc": ["-O3", "-std=c++17", "-fno-exceptions", "-fno-math-errno", "-fno-trapping-math"],
      "conditions": [
        ["OS=='mac'", {
          "defines": ["GEN_ACCELERATE", "ACCELERATE_NEW_LAPACK"],
          "libraries": ["-framework Accelerate"],
          "xcode_settings": {
            "OTHER_CPLUSPLUSFLAGS": ["-O3", "-std=c++17", "-fno-math-errno", "-fno-trapping-math"],
            "MACOSX_DEPLOYMENT_TARGET": "11.0"
          }
        }],
        ["OS!='mac'", {
          "include_dirs": ["<!@(node scripts/blas-config.cjs include)"],
          "libraries": ["<!@(node scripts/blas-config.cjs libs)"]
        }]
      ]
    }
  ]
}
