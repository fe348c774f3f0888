#!/usr/bin/python3
"""peer_torch.py - the PyTorch side of scripts/bench/peers.sh: the work bench_tasks.c times
in lrlab, written as a PyTorch user would, on one thread.

  mlp     784-256-10 MLP (nn.Linear, ReLU, cross_entropy) on Fashion-MNIST, batch 128, SGD
          lr 0.1; pixels kept as uint8 and scaled per batch (index_select, float, / 255)
  digits  64-32-10 MLP on the 8x8 digits, batch 32, SGD lr 0.1; pixels round(v * 255 / 16)
  charlm  GPT-2 transformer as tasks/charlm.c (pre-LayerNorm blocks, tanh GELU, causal
          attention written out as minGPT does, untied lm_head without bias, GPT-2 init),
          2 layers, 64 wide, 4 heads, batch 16 x 64 tokens of the KJV, Adam lr 3e-3
  cnn     the cnn task (tasks/cnn.c) as scripts/paper.lua's cnn-fashion: conv 5x5 (4) ->
          ReLU -> max-pool 2 -> conv 5x5 (8) -> ReLU -> max-pool 2 -> fc 32 -> ReLU -> fc 10
          (nn.Conv2d, nn.Linear, NCHW), or --widen W times as wide, at --batch B, on
          Fashion-MNIST less its last 500 images, SGD lr 0.1

mlp, digits and cnn start from lrlab's initial parameters and visit lrlab's batches (the .npy
files bench_tasks --dump writes; cnn's kernels and fc1's columns reordered from lrlab's
(ky, kx, channel) and (y, x, channel) to PyTorch's (channel, ky, kx) and (channel, y, x)),
so the mean loss both print must agree to rounding; charlm
draws its own init (same scheme) and windows. Protocol as bench_tasks: `warmup` untimed
steps, then `blocks` blocks of `steps` steps; prints the median and minimum time per step
over blocks as "key value" lines.

usage: /usr/bin/python3 scripts/bench/peer_torch.py mlp|digits|charlm|cnn [--data DIR]
       [--digits FILE] [--dump DIR] [--warmup N] [--steps N] [--blocks N] [--widen W]
       [--batch B]
(scripts/bench/peers.sh runs it; needs Debian's python3-torch and python3-numpy.)
"""
import argparse
import ctypes
import gzip
import math
import os
import resource
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def blas_line():
    """OpenBLAS as loaded in this process (torch links the system libblas: OpenBLAS)."""
    try:
        ob = ctypes.CDLL("libopenblas.so.0")
        ob.openblas_get_corename.restype = ctypes.c_char_p
        ob.openblas_set_num_threads(1)
        core = ob.openblas_get_corename().decode()
        return "torch %s; OpenBLAS core %s; %d thread(s); torch intra-op threads %d" % (
            torch.__version__, core, ob.openblas_get_num_threads(), torch.get_num_threads())
    except OSError:
        return "torch %s; OpenBLAS not found; torch intra-op threads %d" % (
            torch.__version__, torch.get_num_threads())


def stats(key, v):
    print("%s %.4f\n%s_min %.4f" % (key, float(np.median(v)), key, min(v)))
    return float(np.median(v))


def time_blocks(step, warmup, steps, blocks):
    """Wall and CPU (process) time per step, median and minimum over blocks; returns the
    median CPU time (ms)."""
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
    med = stats("cpu_ms_per_step", cms)
    print("loss_mean %.6f" % (loss / (steps * blocks)))
    return med


# ---- MLPs ----

def idx_gz(path, offset):
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


def bench_mlp(a, which):
    if which == "mlp":
        d = os.path.join(a.data, "fashion-mnist")
        images = idx_gz(os.path.join(d, "train-images-idx3-ubyte.gz"), 16).reshape(-1, 784).copy()
        labels = idx_gz(os.path.join(d, "train-labels-idx1-ubyte.gz"), 8)
        widths, batch, val = [784, 256, 10], 128, 5000
        defaults = (20, None, 3)
    else:
        raw = np.loadtxt(a.digits, delimiter=",")
        images = np.rint(raw[:, :64] * 255.0 / 16.0).astype(np.uint8)
        labels = raw[:, 64].astype(np.uint8)
        widths, batch, val = [64, 32, 10], 32, 297
        defaults = (46, None, 40)
    ntr = len(images) - val                   # training split: the first ntr images
    X = torch.from_numpy(np.ascontiguousarray(images[:ntr]))
    Y = torch.from_numpy(labels[:ntr].astype(np.int64))
    layers = []
    for i in range(len(widths) - 1):
        layers += [nn.Linear(widths[i], widths[i + 1])]
        if i + 2 < len(widths):
            layers += [nn.ReLU()]
    model = nn.Sequential(*layers)            # nn.Linear init: U(-1/sqrt(fan_in), ...)
    steps_per_epoch = ntr // batch
    warmup = a.warmup if a.warmup is not None else defaults[0]
    steps = a.steps if a.steps is not None else steps_per_epoch
    blocks = a.blocks if a.blocks is not None else defaults[2]
    total = warmup + steps * blocks
    if a.dump:                                # lrlab's initial parameters and batches
        w0 = np.load(os.path.join(a.dump, which + "_init.npy"))
        off = 0
        with torch.no_grad():
            for p in model.parameters():      # fc1.weight [out, in], fc1.bias, fc2...
                p.copy_(torch.from_numpy(w0[off:off + p.numel()]).view_as(p))
                off += p.numel()
        assert off == len(w0), "parameter count differs from lrlab's"
        order = torch.from_numpy(np.load(os.path.join(a.dump, which + "_order.npy"))
                                 .astype(np.int64))
        assert order.shape == (total, batch), "order file of another protocol"
    else:
        g = torch.Generator().manual_seed(1)
        order = torch.cat([torch.randperm(ntr, generator=g)[:steps_per_epoch * batch]
                           .view(-1, batch) for _ in range(total // steps_per_epoch + 1)])
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    print("layers %s" % "-".join(str(w) for w in widths))
    print("batch %d\ntrain_samples %d\nsteps_per_epoch %d" % (batch, ntr, steps_per_epoch))

    def step(k):
        idx = order[k]
        xb = X.index_select(0, idx).float().div_(255.0)
        yb = Y.index_select(0, idx)
        loss = F.cross_entropy(model(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss.item()

    ms = time_blocks(step, warmup, steps, blocks)
    flops = 0.0
    for i in range(len(widths) - 1):
        mn = 2.0 * batch * widths[i] * widths[i + 1]
        flops += 2 * mn + (mn if i > 0 else 0)
    print("mflop_per_step %.3f\ngflops %.2f" % (flops / 1e6, flops / (ms * 1e-3) / 1e9))


# ---- the convolutional network ----

def bench_cnn(a):
    W, B, K, val = a.widen or 1, a.batch or 32, 5, 500
    c1, c2, hd = 4 * W, 8 * W, 32 * W
    d = os.path.join(a.data, "fashion-mnist")
    images = idx_gz(os.path.join(d, "train-images-idx3-ubyte.gz"), 16).reshape(-1, 28, 28).copy()
    labels = idx_gz(os.path.join(d, "train-labels-idx1-ubyte.gz"), 8)
    ntr = len(images) - val
    X = torch.from_numpy(np.ascontiguousarray(images[:ntr]))
    Y = torch.from_numpy(labels[:ntr].astype(np.int64))
    model = nn.Sequential(nn.Conv2d(1, c1, K), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(c1, c2, K), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                          nn.Linear(16 * c2, hd), nn.ReLU(), nn.Linear(hd, 10))
    warmup = a.warmup if a.warmup is not None else 5      # as bench_tasks.c: 105 steps
    steps = a.steps if a.steps is not None else 20
    blocks = a.blocks if a.blocks is not None else 5
    total = warmup + steps * blocks
    if a.dump:                                # lrlab's initial parameters and batches
        name = "cnn_w%d_b%d_" % (W, B)
        w0 = np.load(os.path.join(a.dump, name + "init.npy"))
        shapes = [(c1, K, K, 1), (c1,), (c2, K, K, c1), (c2,), (hd, 4, 4, c2), (hd,),
                  (10, hd), (10,)]
        off = 0
        with torch.no_grad():
            for p, shape in zip(model.parameters(), shapes):
                n = int(np.prod(shape))
                v = w0[off:off + n].reshape(shape)
                if len(shape) == 4:           # (out, y, x, channel) -> (out, channel, y, x)
                    v = v.transpose(0, 3, 1, 2)
                p.copy_(torch.from_numpy(np.ascontiguousarray(v)).reshape(p.shape))
                off += n
        assert off == len(w0), "parameter count differs from lrlab's"
        order = torch.from_numpy(np.load(os.path.join(a.dump, name + "order.npy"))
                                 .astype(np.int64))
        assert order.shape == (total, B), "order file of another protocol"
    else:
        g = torch.Generator().manual_seed(1)
        per = ntr // B
        order = torch.cat([torch.randperm(ntr, generator=g)[:per * B].view(-1, B)
                           for _ in range(total // per + 1)])
    opt = torch.optim.SGD(model.parameters(), lr=0.02)
    print("model conv5x5 %d, pool, conv5x5 %d, pool, fc %d, fc 10\nbatch %d" % (c1, c2, hd, B))
    print("parameters %d" % sum(p.numel() for p in model.parameters()))

    def step(k):
        idx = order[k]
        xb = X.index_select(0, idx).float().div_(255.0).unsqueeze(1)
        yb = Y.index_select(0, idx)
        loss = F.cross_entropy(model(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss.item()

    time_blocks(step, warmup, steps, blocks)


# ---- the character transformer ----

class Block(nn.Module):
    def __init__(self, C, NH, T):
        super().__init__()
        self.NH = NH
        self.ln_1 = nn.LayerNorm(C)
        self.qkv = nn.Linear(C, 3 * C)
        self.proj = nn.Linear(C, C)
        self.ln_2 = nn.LayerNorm(C)
        self.fc = nn.Linear(C, 4 * C)
        self.fc_proj = nn.Linear(4 * C, C)
        self.register_buffer("mask", torch.tril(torch.ones(T, T)).view(1, 1, T, T))

    def forward(self, x):
        B, T, C = x.shape
        hs = C // self.NH
        q, k, v = self.qkv(self.ln_1(x)).split(C, dim=2)
        q = q.view(B, T, self.NH, hs).transpose(1, 2)
        k = k.view(B, T, self.NH, hs).transpose(1, 2)
        v = v.view(B, T, self.NH, hs).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(hs))
        att = att.masked_fill(self.mask[:, :, :T, :T] == 0, float("-inf"))
        att = F.softmax(att, dim=-1)
        y = (att @ v).transpose(1, 2).contiguous().view(B, T, C)
        x = x + self.proj(y)
        return x + self.fc_proj(F.gelu(self.fc(self.ln_2(x)), approximate="tanh"))


class Gpt(nn.Module):
    def __init__(self, V, T, C, NH, L):
        super().__init__()
        self.wte = nn.Embedding(V, C)
        self.wpe = nn.Embedding(T, C)
        self.h = nn.ModuleList([Block(C, NH, T) for _ in range(L)])
        self.ln_f = nn.LayerNorm(C)
        self.lm_head = nn.Linear(C, V, bias=False)
        self.register_buffer("pos", torch.arange(T))
        for name, p in self.named_parameters():   # GPT-2 init, as tasks/charlm.c
            if name.endswith("proj.weight"):
                nn.init.normal_(p, 0.0, 0.02 / math.sqrt(2 * L))
            elif p.dim() == 2:
                nn.init.normal_(p, 0.0, 0.02)
            elif name.startswith("h.") and "ln_" not in name:
                nn.init.zeros_(p)

    def forward(self, idx):
        x = self.wte(idx) + self.wpe(self.pos[: idx.shape[1]])
        for blk in self.h:
            x = blk(x)
        return self.lm_head(self.ln_f(x))


def kjv_text(data):
    """The verses without their references, one a line (sed 's/^[^ ]* //'), as lrlab."""
    with open(os.path.join(data, "kjv", "kjv_ref.txt"), "rb") as f:
        lines = f.read().split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return b"".join((l.split(b" ", 1)[1] if b" " in l else l) + b"\n" for l in lines)


def bench_charlm(a):
    B, T, C, NH, L = 16, 64, 64, 4, 2
    text = np.frombuffer(kjv_text(a.data), dtype=np.uint8)
    vocab = np.unique(text)
    lut = np.zeros(256, dtype=np.int64)
    lut[vocab] = np.arange(len(vocab))
    tok = torch.from_numpy(lut[text])
    V = len(vocab)
    ntr = len(tok) - int(len(tok) * 0.1)
    torch.manual_seed(1)
    model = Gpt(V, T, C, NH, L)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    span = torch.arange(T + 1)
    g = torch.Generator().manual_seed(1)
    print("model transformer, %d layers, d_model %d, %d heads, batch %d x %d tokens" % (
        L, C, NH, B, T))
    print("vocab %d\nparameters %d" % (V, sum(p.numel() for p in model.parameters())))

    def step(k):
        starts = torch.randint(0, ntr - (T + 1) + 1, (B, 1), generator=g)
        chunk = tok[starts + span]                # [B, T + 1]
        logits = model(chunk[:, :-1])
        loss = F.cross_entropy(logits.view(-1, V), chunk[:, 1:].reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss.item()

    time_blocks(step, a.warmup if a.warmup is not None else 3,
                a.steps if a.steps is not None else 10, a.blocks if a.blocks is not None else 7)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("bench", choices=["mlp", "digits", "charlm", "cnn"])
    ap.add_argument("--data", default=os.environ.get("LRLAB_DATA", "data"))
    ap.add_argument("--digits")
    ap.add_argument("--dump")
    ap.add_argument("--warmup", type=int)
    ap.add_argument("--steps", type=int)
    ap.add_argument("--blocks", type=int)
    ap.add_argument("--widen", type=int)
    ap.add_argument("--batch", type=int)
    a = ap.parse_args()
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    print("bench %s\nside torch\nblas %s" % (a.bench, blas_line()))
    if a.bench == "charlm":
        bench_charlm(a)
    elif a.bench == "cnn":
        bench_cnn(a)
    else:
        bench_mlp(a, a.bench)
    print("peak_rss_mb %.1f" % (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0))


if __name__ == "__main__":
    main()
