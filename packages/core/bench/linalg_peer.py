# NumPy peer of linalg.bench.ts: numpy.linalg.cholesky and numpy.linalg.eigh (LAPACK potrf /
# syevd through OpenBLAS, default threads) on the same deterministic SPD matrices, plus float32
# Cholesky for the tensor row. Prints one JSON line: {"<name>": median ms, ..., "numpy": version}.
# Usage: linalg_peer.py <repeats> <size> [<size> ...]
import json
import statistics
import sys
import time

import numpy as np


def spd(n):
    # Same formula as linalg.bench.ts: A = M M^T / n + I, M[i, j] = frac(sin(12.9898 i + 78.233 j) * 43758.5453) - 0.5
    i = np.arange(n, dtype=np.float64)[:, None]
    j = np.arange(n, dtype=np.float64)[None, :]
    s = np.sin(i * 12.9898 + j * 78.233) * 43758.5453
    m = s - np.floor(s) - 0.5
    return m @ m.T / n + np.eye(n)


def median_ms(fn, repeats):
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main():
    repeats = int(sys.argv[1])
    sizes = [int(s) for s in sys.argv[2:]]
    out = {'numpy': np.__version__}
    for n in sizes:
        a = spd(n)
        a32 = a.astype(np.float32)
        out[f'cholesky_{n}'] = median_ms(lambda: np.linalg.cholesky(a), repeats)
        out[f'eigh_{n}'] = median_ms(lambda: np.linalg.eigh(a), repeats)
        out[f'cholesky32_{n}'] = median_ms(lambda: np.linalg.cholesky(a32), repeats)
    print(json.dumps(out))


if __name__ == '__main__':
    main()
