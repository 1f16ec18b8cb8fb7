// Prints the BLAS include directories or link flags for binding.gyp (Linux and other non-macOS).
// GEN_BLAS_INCLUDE (directories, separated by the path delimiter) and GEN_BLAS_LIBS (linker flags)
// override the defaults, e.g. for an OpenBLAS built from source in /opt/openblas.
const path = require('node:path');
const fs = require('node:fs');

const what = process.argv[2];
if (what === 'include') {
  const fromEnv = process.env.GEN_BLAS_INCLUDE;
  const candidates = fromEnv
    ? fromEnv.split(path.delimiter)
    : ['/usr/include/openblas', '/usr/include/x86_64-linux-gnu/openblas-pthread', '/usr/local/include/openblas'].filter(
        (dir) => fs.existsSync(path.join(dir, 'cblas.h')),
      );
  console.log(candidates.join(' '));
} else if (what === 'libs') {
  console.log(process.env.GEN_BLAS_LIBS ?? '-lopenblas');
} else {
  console.error('usage: node blas-config.cjs include|libs');
  process.exit(2);
}
