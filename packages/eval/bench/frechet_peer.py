"""Peer of frechet.bench.ts: pytorch-fid's formula (np.cov + scipy.linalg.sqrtm) on the same
deterministic feature sets. Prints one JSON line. Usage: frechet_peer.py N D"""
import json
import os
import sys
import time

import numpy as np
import scipy
import scipy.linalg

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
from make_fixtures import feature_set, fid_pytorch_fid  # noqa: E402

n, d = int(sys.argv[1]), int(sys.argv[2])
x = feature_set(61, n, d)
y = feature_set(62, n, d, 0.2)
start = time.perf_counter()
np.cov(x, rowvar=False)
cov_ms = (time.perf_counter() - start) * 1000
start = time.perf_counter()
value, used_offset, max_imag = fid_pytorch_fid(x, y)
fid_ms = (time.perf_counter() - start) * 1000
print(json.dumps(dict(numpy=np.__version__, scipy=scipy.__version__, cov_ms=cov_ms, fid_ms=fid_ms,
                      value=value, usedOffset=used_offset, maxImag=max_imag)))
