#!/usr/bin/python3
"""peer_nmf.py - the NMF peers of scripts/bench/peers.sh, on one thread.

  numpy    the nmf task's projected stochastic update written with numpy, as a numpy user
           would: for a minibatch B of training rows (samples) of X [n, m] and the factors
           W [m, r], H [n, r],
             R = H_B W^T - X_B,  f_B = |R|^2 / (2b),  dW = R^T H_B / b,  dH_B = R W / b,
             W <- max(0, W - lr dW),  H_B <- max(0, H_B - lr dH_B)
           (the rows outside B have zero gradient: lrlab's dense update leaves them as they
           are, so updating only H_B is the same arithmetic). Starts from lrlab's W and H, on
           lrlab's batches and the same matrix (KJV chapters x 4096 words, tf-idf; every
           fifth chapter held out), from the files bench_tasks --dump writes; the mean loss
           printed by both sides must agree to rounding.
  sklearn  scikit-learn's NMF (coordinate descent, init nndsvda, 200 iterations, tol 0) on
           the first 400 chapters x 4096 words at rank 40: a reference point for what a
           full-batch solver costs, not the same algorithm.

Protocol as bench_tasks: `warmup` untimed steps, then `blocks` blocks of `steps` steps (one
epoch each by default); sklearn: `blocks` fits. Prints "key value" lines, wall and CPU
(process) times.

usage: /usr/bin/python3 scripts/bench/peer_nmf.py numpy|sklearn --dump DIR [--warmup N]
       [--steps N] [--blocks N]
(scripts/bench/peers.sh runs it; needs Debian's python3-numpy and python3-sklearn.)
"""
import argparse
import ctypes
import os
import resource
import time
import warnings

import numpy as np

RANK, BATCH, LR, VAL_EVERY = 40, 16, 0.5, 5


def blas_line(lib):
    try:
        ob = ctypes.CDLL("libopenblas.so.0")
        ob.openblas_get_corename.restype = ctypes.c_char_p
        ob.openblas_set_num_threads(1)
        return "%s; OpenBLAS core %s; %d thread(s)" % (
            lib, ob.openblas_get_corename().decode(), ob.openblas_get_num_threads())
    except OSError:
        return "%s; OpenBLAS not found" % lib


def stats(key, v):
    print("%s %.4f\n%s_min %.4f" % (key, float(np.median(v)), key, min(v)))


def bench_numpy(a):
    X = np.load(os.path.join(a.dump, "nmf_x.npy"))           # [n, m] chapters x words
    n, m = X.shape
    Xtr = np.ascontiguousarray(X[np.arange(n) % VAL_EVERY != VAL_EVERY - 1])
    ntr = len(Xtr)
    w0 = np.load(os.path.join(a.dump, "nmf_init.npy"))
    W = w0[:m * RANK].reshape(m, RANK).copy()
    H = w0[m * RANK:].reshape(ntr, RANK).copy()
    order = np.load(os.path.join(a.dump, "nmf_order.npy")).astype(np.intp)
    per_epoch = ntr // BATCH
    warmup = a.warmup if a.warmup is not None else per_epoch
    steps = a.steps if a.steps is not None else per_epoch
    blocks = a.blocks if a.blocks is not None else 15
    assert order.shape == (warmup + steps * blocks, BATCH), "order file of another protocol"
    print("matrix KJV chapters x %d words (tf-idf), %d chapters for training" % (m, ntr))
    print("rank %d\nbatch %d\nsteps_per_epoch %d" % (RANK, BATCH, per_epoch))
    inv_b = np.float32(1.0 / BATCH)
    lr = np.float32(LR)

    def step(k):
        idx = order[k]
        Hb = H[idx]
        R = Hb @ W.T - Xtr[idx]
        loss = float(np.dot(R.ravel(), R.ravel())) / (2 * BATCH)
        gW = (R.T @ Hb) * inv_b
        gH = (R @ W) * inv_b
        np.subtract(W, lr * gW, out=W)
        np.maximum(W, 0, out=W)
        H[idx] = np.maximum(Hb - lr * gH, 0)
        return loss

    for k in range(warmup):
        step(k)
    ms, cms, loss = [], [], 0.0
    for b in range(blocks):
        t0, c0 = time.perf_counter(), time.process_time()
        for k in range(warmup + b * steps, warmup + (b + 1) * steps):
            loss += step(k)
        ms.append(1e3 * (time.perf_counter() - t0) / steps)
        cms.append(1e3 * (time.process_time() - c0) / steps)
    print("protocol warmup %d, %d blocks of %d steps" % (warmup, blocks, steps))
    stats("ms_per_step", ms)
    stats("cpu_ms_per_step", cms)
    print("loss_mean %.6f" % (loss / (steps * blocks)))


def bench_sklearn(a):
    from sklearn.decomposition import NMF
    from sklearn.exceptions import ConvergenceWarning
    import sklearn
    X = np.load(os.path.join(a.dump, "nmf_x.npy"))[:400].astype(np.float64)
    blocks = a.blocks if a.blocks is not None else 3
    print("scikit-learn %s\nmatrix %d x %d (first 400 KJV chapters, tf-idf)\nrank %d" % (
        sklearn.__version__, X.shape[0], X.shape[1], RANK))
    secs, csecs = [], []
    for b in range(blocks):
        model = NMF(n_components=RANK, init="nndsvda", solver="cd", max_iter=200, tol=0,
                    random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            t0, c0 = time.perf_counter(), time.process_time()
            model.fit_transform(X)
            secs.append(time.perf_counter() - t0)
            csecs.append(time.process_time() - c0)
    print("protocol %d fits of 200 iterations (coordinate descent, init nndsvda)" % blocks)
    stats("s_per_fit", secs)
    stats("cpu_s_per_fit", csecs)
    print("iterations %d" % model.n_iter_)
    print("rel_error %.4f" % (model.reconstruction_err_ / np.linalg.norm(X)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("bench", choices=["numpy", "sklearn"])
    ap.add_argument("--dump", required=True)
    ap.add_argument("--warmup", type=int)
    ap.add_argument("--steps", type=int)
    ap.add_argument("--blocks", type=int)
    a = ap.parse_args()
    print("bench nmf_%s\nside %s\nblas %s" % (a.bench, a.bench,
                                              blas_line("numpy " + np.__version__)))
    if a.bench == "numpy":
        bench_numpy(a)
    else:
        bench_sklearn(a)
    print("peak_rss_mb %.1f" % (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0))


if __name__ == "__main__":
    main()
