#!/usr/bin/python3
"""matrix_torch.py - the cells of scripts/bench/matrix.lua trained in PyTorch, as a researcher
would write the same study without lrlab: scripts/bench/matrix.sh runs it beside `lrlab run`
and compares cells per second.

The same cells: every task of the slice with its shapes, batch and budget (steps, evaluations
every steps // evals, the evaluation sizes), Adam (torch.optim.Adam, lr 1e-3), the schedulers
constant, cosine (CosineAnnealingLR, T_max = steps), linear (LambdaLR to 0 over the steps:
Hugging Face's get_linear_schedule_with_warmup without warmup) and GreedyLR written here from
its published definition (paper.lua's settings: variant paper, the minibatch loss smoothed
over 50 steps, patience 10, factor 0.95, lr in [1e-4, 1]), seeds 1 to 3. Each cell records
its training losses and evaluations and appends one line of results, as lrlab writes its
cell files. One process per core (multiprocessing, torch.set_num_threads(1),
OPENBLAS_NUM_THREADS=1), cells handed out in plan order; each process loads a data set once
and keeps it for its later cells (lrlab's workers do the same).

The models are the tasks' (tasks/*.c headers): the noisy quadratic (100 dims, condition 100,
rotated), Rosenbrock and Rastrigin (10 dims), gradient noise N(0, 0.1^2); the 784-64-10 ReLU
MLP and the LeNet-style CNN (conv 5x5 x4, pool, conv 5x5 x8, pool, fc 32, fc 10) on
Fashion-MNIST (the last val_size training images for validation); the character MLP of
Bengio et al. (context 8, embedding 16, tanh hidden 64, 32 predicted positions per window,
16 windows) on the KJV; logistic regression on 4,096 hashed word and character-3-gram
features of the SpamAssassin e-mails (scikit-learn's HashingVectorizer, log(1 + count), L2
rows, kept dense; lrlab hashes with FNV-1a and keeps them sparse, so the buckets differ, the
shapes do not).
Initial parameters and minibatches are PyTorch's own (seeded per cell), not lrlab's: this
measures the same work, not the same numbers.

usage: /usr/bin/python3 scripts/bench/matrix_torch.py [--data DIR] [--jobs N] [--out FILE]
Prints "cells N", "seconds S" (wall, loading included), "load_seconds L" (data loading, per
process, summed) and one "task LABEL cells N seconds S" line per task (the cells' own wall
seconds, loading excluded).
"""
import argparse
import glob
import gzip
import math
import multiprocessing as mp
import os
import time

SEEDS = (1, 2, 3)
SCHEDULERS = ("greedy", "constant", "linear", "cosine")
# label: (steps, evaluations), as matrix.lua's budget(steps, evals)
TASKS = {
    "quadratic": (1000, 20), "rosenbrock": (1000, 20), "rastrigin": (1000, 20),
    "mlp-fashion": (300, 10), "cnn-fashion": (150, 10), "charlm-kjv": (300, 10),
    "textcls-spam": (400, 10),
}


class GreedyLR:
    """GreedyLR, the variant the paper's runs used (paper/method.md section 5.1; lrlab's
    schedulers/greedy.c header): every signal is compared with the previous one (smoothed over
    `window` values); `patience` consecutive improvements raise the rate by 1/factor,
    `patience` consecutive worsenings lower it by factor, within [min_lr, max_lr]; cooldown
    and warmup (0 here) would zero the counters after a change."""

    def __init__(self, opt, factor=0.95, patience=10, min_lr=1e-4, max_lr=1.0, window=50,
                 threshold=1e-6, eps=1e-8):
        self.opt, self.factor, self.patience = opt, factor, patience
        self.min_lr, self.max_lr, self.window = min_lr, max_lr, window
        self.threshold, self.eps = threshold, eps
        self.ring, self.best, self.good, self.bad = [], None, 0, 0

    def step(self, loss):
        self.ring.append(loss)
        if len(self.ring) > self.window:
            self.ring.pop(0)
        v = sum(self.ring) / len(self.ring)
        if self.best is not None:
            if v < self.best - self.threshold:
                self.good, self.bad = self.good + 1, 0
            else:
                self.good, self.bad = 0, self.bad + 1
        self.best = v
        for g in self.opt.param_groups:
            lr = g["lr"]
            if self.bad > self.patience:
                new = max(lr * self.factor, self.min_lr)
                self.bad = 0
            elif self.good > self.patience:
                new = min(lr / self.factor, self.max_lr)
                self.good = 0
            else:
                new = lr
            if abs(new - lr) > self.eps:
                g["lr"] = new


# ---- data, loaded once per process ----
_cache = {}


def idx_images(datadir):
    import numpy as np
    if "fashion" not in _cache:
        with gzip.open(os.path.join(datadir, "fashion-mnist/train-images-idx3-ubyte.gz")) as f:
            x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28 * 28).copy()
        with gzip.open(os.path.join(datadir, "fashion-mnist/train-labels-idx1-ubyte.gz")) as f:
            y = np.frombuffer(f.read(), np.uint8, offset=8).astype(np.int64)
        _cache["fashion"] = (x, y)
    return _cache["fashion"]


def kjv(datadir):
    import numpy as np
    if "kjv" not in _cache:
        with open(os.path.join(datadir, "kjv/kjv_ref.txt"), encoding="latin-1") as f:
            text = "".join(line.split(" ", 1)[1] if " " in line else line for line in f)
        vocab = sorted(set(text))
        table = {c: i for i, c in enumerate(vocab)}
        ids = np.fromiter((table[c] for c in text), np.int64, len(text))
        _cache["kjv"] = (ids, len(vocab))
    return _cache["kjv"]


def torch_dense(x):
    import torch
    return torch.from_numpy(x.toarray())


def spam(datadir):
    import numpy as np
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import HashingVectorizer
    if "spam" not in _cache:
        docs, labels = [], []
        for path in sorted(glob.glob(os.path.join(datadir, "spam/*/*"))):
            with open(path, "rb") as f:
                docs.append(f.read().decode("latin-1"))
            labels.append(1 if "/spam-" in path else 0)
        kw = dict(n_features=4096, alternate_sign=False, norm=None, lowercase=True)
        x = (HashingVectorizer(analyzer="word", **kw).transform(docs)
             + HashingVectorizer(analyzer="char", ngram_range=(3, 3), **kw).transform(docs))
        x = x.tocsr().astype(np.float32)
        x.data = np.log1p(x.data)
        norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1))).ravel()
        x = sp.diags(1 / np.maximum(norms, 1e-12)).dot(x).tocsr()
        perm = np.random.RandomState(1).permutation(len(docs))
        nval = int(0.2 * len(docs))
        # dense: 6,046 x 4,096 floats (99 MB) make faster minibatches than sparse tensors
        _cache["spam"] = (torch_dense(x), np.array(labels, np.float32), perm[nval:], perm[:nval])
    return _cache["spam"]


# ---- the tasks: (parameters, train_step(step) -> loss, evaluate() -> (train, val)) ----
def synthetic(label, seed, torch):
    g = torch.Generator().manual_seed(seed)
    if label == "quadratic":
        n = 100
        q, _ = torch.linalg.qr(torch.randn(n, n, generator=torch.Generator().manual_seed(1)))
        lam = torch.logspace(0, 2, n)
        a = q @ torch.diag(lam) @ q.T
        w = torch.nn.Parameter(torch.randn(n, generator=g))
        f = lambda: 0.5 * w @ (a @ w)
    elif label == "rosenbrock":
        w = torch.nn.Parameter(torch.randn(10, generator=g) * 0.1)
        f = lambda: torch.sum(100 * (w[1:] - w[:-1] ** 2) ** 2 + (1 - w[:-1]) ** 2)
    else:
        w = torch.nn.Parameter((torch.rand(10, generator=g) * 2 - 1) * 5.12)
        f = lambda: 10 * 10 + torch.sum(w ** 2 - 10 * torch.cos(2 * math.pi * w))

    def train_step(step):
        loss = f()
        loss.backward()
        w.grad.add_(torch.randn(w.shape, generator=g), alpha=0.1)
        return loss.item()

    def evaluate():
        with torch.no_grad():
            v = f().item()
        return v, v
    return [w], train_step, evaluate


def images(label, seed, torch, datadir):
    import numpy as np
    nn = torch.nn
    x, y = idx_images(datadir)
    conv = label == "cnn-fashion"
    batch, nval, ntrain_eval = (32, 500, 500) if conv else (64, 1000, 1000)
    ntrain = len(x) - nval
    torch.manual_seed(seed)
    if conv:
        model = nn.Sequential(nn.Unflatten(1, (1, 28, 28)), nn.Conv2d(1, 4, 5), nn.ReLU(),
                              nn.MaxPool2d(2), nn.Conv2d(4, 8, 5), nn.ReLU(), nn.MaxPool2d(2),
                              nn.Flatten(), nn.Linear(128, 32), nn.ReLU(), nn.Linear(32, 10))
    else:
        model = nn.Sequential(nn.Linear(784, 64), nn.ReLU(), nn.Linear(64, 10))
    xt = torch.from_numpy(x)
    yt = torch.from_numpy(y)
    rng = np.random.RandomState(seed)
    order = rng.permutation(ntrain)
    per_epoch = ntrain // batch

    def train_step(step):
        k = step % per_epoch
        idx = torch.from_numpy(order[k * batch:(k + 1) * batch])
        xb = xt.index_select(0, idx).float() / 255
        loss = nn.functional.cross_entropy(model(xb), yt.index_select(0, idx))
        loss.backward()
        return loss.item()

    def loss_on(lo, hi):
        with torch.no_grad():
            return nn.functional.cross_entropy(model(xt[lo:hi].float() / 255), yt[lo:hi]).item()

    def evaluate():
        return loss_on(0, ntrain_eval), loss_on(ntrain, ntrain + nval)
    return list(model.parameters()), train_step, evaluate


def charlm(seed, torch, datadir):
    import numpy as np
    nn = torch.nn
    ids, vocab = kjv(datadir)
    K, E, H, S, B = 8, 16, 64, 32, 16
    nval = int(0.1 * len(ids))
    train, val = ids[:-nval], ids[-nval:]
    torch.manual_seed(seed)
    emb, hid, out = nn.Embedding(vocab, E), nn.Linear(K * E, H), nn.Linear(H, vocab)
    params = list(emb.parameters()) + list(hid.parameters()) + list(out.parameters())
    rng = np.random.RandomState(seed)

    def loss_of(src, starts):
        win = torch.from_numpy(np.stack([src[s:s + K + S] for s in starts]))  # [B, K + S]
        ctx = win.unfold(1, K, 1)[:, :S]                                       # [B, S, K]
        h = torch.tanh(hid(emb(ctx).reshape(len(starts), S, K * E)))
        return nn.functional.cross_entropy(out(h).reshape(-1, vocab), win[:, K:].reshape(-1))

    def train_step(step):
        loss = loss_of(train, rng.randint(0, len(train) - K - S, B))
        loss.backward()
        return loss.item()

    fixed = np.random.RandomState(0)
    tr_starts = [fixed.randint(0, len(train) - K - S, B) for _ in range(2)]
    va_starts = [fixed.randint(0, len(val) - K - S, B) for _ in range(2)]

    def evaluate():
        with torch.no_grad():
            return (sum(loss_of(train, s).item() for s in tr_starts) / 2,
                    sum(loss_of(val, s).item() for s in va_starts) / 2)
    return params, train_step, evaluate


def textcls(seed, torch, datadir):
    import numpy as np
    x, y, tr, va = spam(datadir)
    torch.manual_seed(seed)
    lin = torch.nn.Linear(4096, 1)
    rng = np.random.RandomState(seed)
    order = rng.permutation(tr)
    B = 32
    per_epoch = len(tr) // B
    yt = torch.from_numpy(y)

    def loss_on(rows):
        r = torch.from_numpy(rows)
        z = lin(x.index_select(0, r)).squeeze(1)
        return torch.nn.functional.binary_cross_entropy_with_logits(z, yt.index_select(0, r))

    def train_step(step):
        k = step % per_epoch
        loss = loss_on(order[k * B:(k + 1) * B])
        loss.backward()
        return loss.item()

    def evaluate():
        with torch.no_grad():
            return loss_on(tr[:len(va)]).item(), loss_on(va).item()
    return list(lin.parameters()), train_step, evaluate


def run_cell(cell):
    """Trains one cell; returns (label, scheduler, seed, wall seconds, load seconds, the
    final validation loss)."""
    label, sched, seed, datadir = cell
    import torch
    torch.set_num_threads(1)
    t_load = time.perf_counter()
    if label.startswith(("mlp", "cnn")):
        idx_images(datadir)
    elif label.startswith("charlm"):
        kjv(datadir)
    elif label.startswith("textcls"):
        spam(datadir)
    load = time.perf_counter() - t_load
    t0 = time.perf_counter()
    steps, evals = TASKS[label]
    every = steps // evals
    if label in ("quadratic", "rosenbrock", "rastrigin"):
        params, train_step, evaluate = synthetic(label, seed, torch)
    elif label.startswith(("mlp", "cnn")):
        params, train_step, evaluate = images(label, seed, torch, datadir)
    elif label.startswith("charlm"):
        params, train_step, evaluate = charlm(seed, torch, datadir)
    else:
        params, train_step, evaluate = textcls(seed, torch, datadir)
    opt = torch.optim.Adam(params, lr=1e-3)
    greedy = None
    if sched == "cosine":
        lrs = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=steps)
    elif sched == "linear":
        lrs = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: max(0.0, (steps - s) / steps))
    elif sched == "greedy":
        lrs, greedy = None, GreedyLR(opt)
    else:
        lrs = None
    curve, evals_seen = [], [evaluate()]
    for step in range(steps):
        opt.zero_grad(set_to_none=True)
        loss = train_step(step)
        opt.step()
        curve.append((step + 1, opt.param_groups[0]["lr"], loss))
        if lrs is not None:
            lrs.step()
        if greedy is not None:
            greedy.step(loss)
        if (step + 1) % every == 0 or step + 1 == steps:
            evals_seen.append(evaluate())
    return label, sched, seed, time.perf_counter() - t0, load, evals_seen[-1][1]


def init_worker():
    os.environ["OPENBLAS_NUM_THREADS"] = "1"
    import torch
    torch.set_num_threads(1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.environ.get("LRLAB_DATA", "data"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--out", default=None, help="CSV of the cells' results")
    a = ap.parse_args()
    # plan order, as lrlab's: tasks, then optimizer, scheduler, seed
    cells = [(t, s, seed, a.data) for t in TASKS for s in SCHEDULERS for seed in SEEDS]
    t0 = time.perf_counter()
    with mp.get_context("fork").Pool(a.jobs, initializer=init_worker) as pool:
        rows = pool.map(run_cell, cells, chunksize=1)
    wall = time.perf_counter() - t0
    if a.out:
        with open(a.out, "w") as f:
            f.write("task,scheduler,seed,seconds,load_seconds,val_loss\n")
            for r in rows:
                f.write("%s,%s,%d,%.4f,%.4f,%.6g\n" % r)
    print("cells %d" % len(rows))
    print("seconds %.3f" % wall)
    print("load_seconds %.3f" % sum(r[4] for r in rows))
    for t in TASKS:
        sec = [r[3] for r in rows if r[0] == t]
        print("task %s cells %d seconds %.4f" % (t, len(sec), sum(sec)))


if __name__ == "__main__":
    main()
