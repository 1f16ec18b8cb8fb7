"""scikit-learn peer for packages/gmm/bench/gmm.bench.ts.

Writes the benchmark data sets and sklearn's k-means initial parameters to OUT_DIR (so that both
sides fit the same data from the same start), times sklearn's GaussianMixture on them, and prints
one JSON line. The timed fits replace _initialize_parameters by setting the given initial
parameters directly, so that neither side pays for an initialisation (sklearn would otherwise run
k-means even when weights_init, means_init and precisions_init are all given).

usage: /usr/bin/python3 gmm_peer.py OUT_DIR FIXED_ITERS [small] ; env GMM_BENCH_REPEATS (default 3):
each fit is timed that many times and the fastest run is reported (the machine is shared).
"""
import json
import os
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn.datasets import load_digits, make_blobs
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

warnings.filterwarnings("ignore", category=ConvergenceWarning)
TYPES = ["full", "tied", "diag", "spherical"]
REPEATS = int(os.environ.get("GMM_BENCH_REPEATS", "3"))


def timed_fit(X, k, cov_type, init, tol, max_iter, reg_covar=1e-6):
    w0, m0, p0 = init
    g = GaussianMixture(k, covariance_type=cov_type, tol=tol, max_iter=max_iter, reg_covar=reg_covar,
                        weights_init=w0, means_init=m0, precisions_init=p0)

    def set_initial(X_, random_state, g=g):
        g.weights_ = w0.copy()
        g.means_ = m0.copy()
        if cov_type in ("full", "tied"):
            g.precisions_cholesky_ = np.linalg.cholesky(p0) if cov_type == "tied" else np.array([np.linalg.cholesky(p) for p in p0])
        else:
            g.precisions_cholesky_ = np.sqrt(p0)

    g._initialize_parameters = set_initial
    start = time.perf_counter()
    g.fit(X)
    seconds = time.perf_counter() - start
    return {"ms": seconds * 1000, "nIter": int(g.n_iter_), "lowerBound": float(g.lower_bound_)}


def main():
    out_dir, fixed_iters = sys.argv[1], int(sys.argv[2])
    small = len(sys.argv) > 3 and sys.argv[3] == "small"
    os.makedirs(out_dir, exist_ok=True)
    n_blobs = 10000 if small else 100000
    blobs, _ = make_blobs(n_samples=n_blobs, n_features=16, centers=16, cluster_std=2.0, random_state=0)
    digits = load_digits().data.astype(np.float64)
    sets = [("blobs", blobs, 16, 1e-6), ("digits", digits, 10, 1e-3)]
    result = {"sklearn": sklearn.__version__, "numpy": np.__version__, "cases": []}
    for name, X, k, reg in sets:
        X.astype("<f8").tofile(os.path.join(out_dir, f"{name}.f64"))
        for t in TYPES:
            g0 = GaussianMixture(k, covariance_type=t, max_iter=0, reg_covar=reg, random_state=0).fit(X)
            init = (g0.weights_, g0.means_, g0.precisions_)
            with open(os.path.join(out_dir, f"{name}-{t}.json"), "w") as f:
                json.dump({"shape": list(X.shape), "k": k, "regCovar": reg, "weightsInit": init[0].ravel().tolist(),
                           "meansInit": init[1].ravel().tolist(), "precisionsInit": np.asarray(init[2]).ravel().tolist()}, f)
            for label, tol, max_iter in (("fixed", 0.0, fixed_iters), ("converged", 1e-3, 100)):
                g = min((timed_fit(X, k, t, init, tol, max_iter, reg) for _ in range(REPEATS)), key=lambda r: r["ms"])
                result["cases"].append({"data": name, "type": t, "mode": label, **g})
                print(name, t, label, g, file=sys.stderr)
    # Throughput reference for online EM: points per second of one full-batch EM iteration on 1M x 16.
    n_big = 100000 if small else 1000000
    big, _ = make_blobs(n_samples=n_big, n_features=16, centers=16, cluster_std=2.0, random_state=1)
    for t in ("full", "diag"):
        g0 = GaussianMixture(16, covariance_type=t, max_iter=0, random_state=0).fit(big[:20000])
        g = GaussianMixture(16, covariance_type=t, tol=0, max_iter=1, weights_init=g0.weights_, means_init=g0.means_,
                            precisions_init=g0.precisions_)
        g._initialize_parameters = lambda X_, rs, g=g, g0=g0: (setattr(g, "weights_", g0.weights_), setattr(g, "means_", g0.means_), setattr(g, "precisions_cholesky_", g0.precisions_cholesky_))
        seconds = float("inf")
        for _ in range(REPEATS):
            s = time.perf_counter()
            g.fit(big)
            seconds = min(seconds, time.perf_counter() - s)
        # fit = 1 EM iteration + the final E-step.
        result["cases"].append({"data": "throughput", "type": t, "mode": "em-iteration", "pointsPerSecond": n_big / seconds})
    print(json.dumps(result))


if __name__ == "__main__":
    main()
