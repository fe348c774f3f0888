#!/usr/bin/env python3
"""gen_lrfree_golden.py - reference trajectories for the learning-rate-free optimizers
harness/optim/prodigy.c and harness/optim/dadapt_adam.c in tests/golden/lrfree.csv.

Neither optimizer is part of torch 1.13 (gen_torch_golden.py), so the references are written
here in numpy, step for step after the published update code:

  prodigy      Mishchenko & Defazio, "Prodigy: An Expeditiously Adaptive Parameter-Free
               Learner", arXiv:2306.06101 (2023; ICML 2024), the Adam version of section 5;
               code: konstmish/prodigy release 1.1.2 (prodigyopt/prodigy.py, `Prodigy.step`)
  dadapt_adam  Defazio & Mishchenko, "Learning-Rate-Free Learning by D-Adaptation",
               ICML 2023 (arXiv:2301.07733), its Adam variant; code:
               facebookresearch/dadaptation 3.2 (dadaptation/dadapt_adam.py,
               `DAdaptAdam.step`; the later FSDP fix leaves one process's arithmetic as it is)

One step of either reference first walks every parameter group with the d of the previous
step (moments, the statistics s and the sums that estimate d), then computes the new d from
the sums over all groups, then walks every group again to move the weights. `lr` below is
the groups' common learning rate (the references refuse different non-zero rates per group);
in lrlab it is the scheduler's rate. k counts the steps that moved the weights (the
reference's group['k']); bc = sqrt(1 - beta2^(k+1)) / (1 - beta1^(k+1)) with
use_bias_correction, else 1; dlr = d lr bc. A group takes part in the first walk only when
lr > 0; the step stops after the first walk, with no d update and no move, when the l1 sum
of s over those groups is 0 (at lr = 0, or all-zero gradients).

Prodigy (g: the gradient, plus weight_decay w when decouple is false):
    first walk, lr > 0:  r    += (d / d0) dlr <g, p0 - w>        (p0: w at the first step;
                                                                  r starts from beta3 r)
                         m     = beta1 m + d (1 - beta1) g       (beta1 > 0)
                         v     = beta2 v + d^2 (1 - beta2) g^2
                         s     = beta3 s + (d / d0) dlr g        (safeguard_warmup: d in
                                                                  place of dlr)
                         den  += |s|_1
    (slice_p > 1: r and s use every slice_p-th element of each group, from its first)
    d_hat = d_coef r / den;  d = max(d, d_hat) if d == d0;  d_max = max(d_max, d_hat);
    d_new = min(d_max, d growth_rate)
    second walk, every group:  w -= weight_decay dlr w            (decouple)
                               w -= dlr m / (sqrt(v) + d_new eps)  (beta1 > 0)
                               w -= dlr d_new g / (sqrt(v) + d_new eps)   (beta1 = 0)
D-Adaptation Adam (sb2 = sqrt(beta2)):
    first walk, lr > 0:  num  += dlr <g, s / (sqrt(v) + eps)>    (v, s before this step)
                         m     = beta1 m + dlr (1 - beta1) g
                         v     = beta2 v + (1 - beta2) g^2
                         s     = sb2 s + dlr (1 - sb2) g
                         sk   += |s|_1
    nw = sb2 nw + (1 - sb2) num;  d_hat = nw / ((1 - sb2) sk);  d = max(d, min(d_hat, d g_r))
    second walk, every group:  w -= weight_decay dlr w            (decouple)
                               w -= m / (sqrt(v) + eps)
Both second walks use the dlr of the step's start (the old d); Prodigy's eps term and its
beta1 = 0 step use the new d. growth_rate unset is the references' inf.

Precision. lrlab keeps the weights and the optimizer state (m, v, s, p0) in float32, as
torch does for a float32 model, and computes each step in double; the reference below does
the same: every expression is float64 on the stored float32 values, sums run element by
element in order (Python floats: the same additions as the C loops), d and the sums are
doubles, and m, v, s, p0 and w are rounded to float32 when stored. tests/test_lrfree_golden.c
documents the tolerance.

The problem (the same for every case): two parameter groups in one optimizer, 10 float32
weights, 50 steps:
    group "W" [2, 3]  weights 0..5;   group "b" [4]  weights 6..9
    w0_i   = (float)W0[i]
    a_i    = 0.5 + 0.25 * (i % 4);  b_i = 0.1 * ((7 * i) % 5 - 2)             (doubles)
    g_i(t) = 0 if (i + 2 t) % 7 == 0, else (float)(a_i * (double)w_i - b_i + 0.1 * cos(t + i))
a noisy quadratic whose minimiser lies about 1 from w0 (so d grows from d0 by six orders of
magnitude over the 50 steps), with exact zeros in the gradient.

Learning rates (the scheduler's rate at step t = 1..50, rounded to float32 so that a float
per-element lr equals it):
    constant  1 (or a case's lr);   cosine  (1 + cos(pi (t - 1) / 50)) / 2
    cosine0   (1 + cos(pi (t - 1) / 49)) / 2: exactly 0 at step 50 (a step that stops early)
    warmup    min(1, t / 10), then cosine after step 10 (safeguard_warmup's use)

Run with Debian's interpreter (python3-numpy 1.24):
    /usr/bin/python3 scripts/golden/gen_lrfree_golden.py       # -v: d after steps 1, 10, 50
It writes tests/golden/lrfree.csv relative to the repository root. Output is deterministic.

Checking the transcription. With `--check-reference PRODIGY_PY DADAPT_ADAM_PY` (the files
prodigyopt/prodigy.py of konstmish/prodigy v1.1.2 and dadaptation/dadapt_adam.py of
facebookresearch/dadaptation 3.2, and Debian's python3-torch) the script writes nothing: it
runs every case through the reference classes in float64 (two parameter groups of one
optimizer, both at the step's rate) and through its own references with float64 storage, and
prints the largest relative difference of w and d over all steps; it exits 1 above 1e-9.
Observed for the committed cases: 1.8e-12 (torch sums dot products in another order).

Format: line 1 a banner `# generated by ... (numpy X); do not edit`, line 2 the header
`optimizer,case,params,step,lr,d,w0,...,w9`, then one row per case and step (1..50):
`params` the keys that differ from the reference's defaults as key=value;... (empty: all
defaults; the C test sets them with params_set_text, so lrlab's defaults are checked too),
`lr` the scheduler's rate at the step, `d` the optimizer's d after the step and w0..w9 the
weights after it (Python repr of a double; for w, the float32 value exactly).
"""
import math
import os
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "golden", "lrfree.csv")

W0 = [0.5, -1.25, 2.0, 0.0, -0.3, 1.7, -2.2, 0.9, 0.35, -0.8]
GROUPS = [("W", 0, 6), ("b", 6, 4)]
N = 10
STEPS = 50

PRODIGY_DEFAULTS = {"beta1": 0.9, "beta2": 0.999, "beta3": None, "eps": 1e-8,
                    "weight_decay": 0.0, "decouple": True, "use_bias_correction": False,
                    "safeguard_warmup": False, "d0": 1e-6, "d_coef": 1.0,
                    "growth_rate": None, "slice_p": 1}
DADAPT_DEFAULTS = {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.0,
                   "decouple": False, "use_bias_correction": False, "d0": 1e-6,
                   "growth_rate": None}


STORE = np.float32  # the storage type of w and the state; float64 under --check-reference


def f32(x):
    return float(STORE(x))


def gradient(w, t):
    g = []
    for i in range(N):
        if (i + 2 * t) % 7 == 0:
            g.append(0.0)
            continue
        a = 0.5 + 0.25 * (i % 4)
        b = 0.1 * ((7 * i) % 5 - 2)
        g.append(f32(a * w[i] - b + 0.1 * math.cos(t + i)))
    return g


def schedule(kind, scale):
    out = []
    for t in range(1, STEPS + 1):
        if kind == "constant":
            x = 1.0
        elif kind == "cosine":
            x = (1.0 + math.cos(math.pi * (t - 1) / STEPS)) / 2.0
        elif kind == "cosine0":
            x = (1.0 + math.cos(math.pi * (t - 1) / (STEPS - 1))) / 2.0
        elif kind == "warmup":
            x = t / 10.0 if t <= 10 else (1.0 + math.cos(math.pi * (t - 10) / (STEPS - 10))) / 2.0
        else:
            raise ValueError(kind)
        out.append(f32(scale * x))
    if kind == "cosine0":
        assert out[-1] == 0.0 and all(x > 0 for x in out[:-1])
    return out


def bias_correction(p, k):
    if not p["use_bias_correction"]:
        return 1.0
    return math.sqrt(1.0 - p["beta2"] ** (k + 1)) / (1.0 - p["beta1"] ** (k + 1))


def growth(p):
    return math.inf if p["growth_rate"] is None else p["growth_rate"]


def prodigy(p, lrs):
    """prodigyopt 1.1.2 `Prodigy.step`, 50 times; returns [(w, d)] after each step."""
    b1, b2, wd, eps, d0 = p["beta1"], p["beta2"], p["weight_decay"], p["eps"], p["d0"]
    b3 = math.sqrt(b2) if p["beta3"] is None else p["beta3"]
    sl = p["slice_p"]
    w = [f32(x) for x in W0]
    m, v = [0.0] * N, [0.0] * N
    s = {gi: [0.0] * len(range(0, n, sl)) for gi, (_, _, n) in enumerate(GROUPS)}
    p0 = None
    d, d_max, d_numerator, k = d0, d0, 0.0, 0
    out = []
    for t in range(1, STEPS + 1):
        g = gradient(w, t)
        lr = lrs[t - 1]
        if p0 is None:
            p0 = list(w)
        bc = bias_correction(p, k)
        dlr = d * lr * bc
        numerator = d_numerator * b3
        delta, den = 0.0, 0.0
        if wd != 0 and not p["decouple"]:
            g = [g[i] + wd * w[i] for i in range(N)]  # grad.add_(p, alpha=decay)
        for gi, (_, off, n) in enumerate(GROUPS):
            if not lr > 0:
                continue
            dot = 0.0
            for j in range(0, n, sl):
                i = off + j
                dot += g[i] * (p0[i] - w[i])
            delta += (d / d0) * dlr * dot
            for j in range(n):
                i = off + j
                if b1 > 0:
                    m[i] = f32(b1 * m[i] + d * (1.0 - b1) * g[i])
                v[i] = f32(b2 * v[i] + d * d * (1.0 - b2) * (g[i] * g[i]))
            alpha = (d / d0) * (d if p["safeguard_warmup"] else dlr)
            sg = s[gi]
            for q, j in enumerate(range(0, n, sl)):
                sg[q] = f32(b3 * sg[q] + alpha * g[off + j])
                den += abs(sg[q])
        if den == 0:
            out.append((list(w), d))
            continue
        numerator += delta
        d_hat = p["d_coef"] * numerator / den
        if d == d0:
            d = max(d, d_hat)
        d_max = max(d_max, d_hat)
        d = min(d_max, d * growth(p))
        d_numerator = numerator
        for i in range(N):
            x = w[i]
            denom = math.sqrt(v[i]) + d * eps
            if wd != 0 and p["decouple"]:
                x = x - wd * dlr * x
            if b1 > 0:
                x = x - dlr * (m[i] / denom)
            else:
                x = x - dlr * d * (g[i] / denom)
            w[i] = f32(x)
        k += 1
        assert all(math.isfinite(x) for x in w)
        out.append((list(w), d))
    return out


def dadapt_adam(p, lrs):
    """dadaptation 3.2 `DAdaptAdam.step`, 50 times; returns [(w, d)] after each step."""
    b1, b2, wd, eps = p["beta1"], p["beta2"], p["weight_decay"], p["eps"]
    sb2 = math.sqrt(b2)
    w = [f32(x) for x in W0]
    m, v, s = [0.0] * N, [0.0] * N, [0.0] * N
    d, nw, k = p["d0"], 0.0, 0
    out = []
    for t in range(1, STEPS + 1):
        g = gradient(w, t)
        lr = lrs[t - 1]
        bc = bias_correction(p, k)
        dlr = d * lr * bc
        num, sk = 0.0, 0.0
        if wd != 0 and not p["decouple"]:
            g = [g[i] + wd * w[i] for i in range(N)]
        for _, off, n in GROUPS:
            if not lr > 0:
                continue
            dot = 0.0
            for i in range(off, off + n):
                dot += g[i] * (s[i] / (math.sqrt(v[i]) + eps))
            num += dlr * dot
            for i in range(off, off + n):
                m[i] = f32(b1 * m[i] + dlr * (1.0 - b1) * g[i])
                v[i] = f32(b2 * v[i] + (1.0 - b2) * (g[i] * g[i]))
                s[i] = f32(sb2 * s[i] + dlr * (1.0 - sb2) * g[i])
                sk += abs(s[i])
        if sk == 0:
            out.append((list(w), d))
            continue
        nw = sb2 * nw + (1.0 - sb2) * num
        d_hat = nw / ((1.0 - sb2) * sk)
        d = max(d, min(d_hat, d * growth(p)))
        for i in range(N):
            x = w[i]
            if wd != 0 and p["decouple"]:
                x = x - wd * dlr * x
            x = x - m[i] / (math.sqrt(v[i]) + eps)
            w[i] = f32(x)
        k += 1
        assert all(math.isfinite(x) for x in w)
        out.append((list(w), d))
    return out


# name, non-default keys, schedule, lr scale
PRODIGY_CASES = [
    ("defaults", {}, "constant", 1.0),
    ("cosine", {}, "cosine", 1.0),
    ("lr_half", {}, "constant", 0.5),
    ("cosine_to_zero", {}, "cosine0", 1.0),
    ("decoupled_decay", {"weight_decay": 0.1}, "cosine", 1.0),
    ("coupled_decay", {"weight_decay": 0.1, "decouple": False}, "constant", 1.0),
    ("bias_correction", {"use_bias_correction": True}, "cosine", 1.0),
    ("safeguard_warmup", {"safeguard_warmup": True}, "warmup", 1.0),
    ("no_safeguard_warmup", {}, "warmup", 1.0),
    ("beta1_zero", {"beta1": 0.0}, "constant", 1.0),
    ("growth_coef_d0", {"growth_rate": 1.1, "d_coef": 0.5, "d0": 1e-4}, "constant", 1.0),
    ("beta3_eps", {"beta3": 0.9, "beta2": 0.99, "eps": 1e-3}, "cosine", 1.0),
    ("slice_3", {"slice_p": 3}, "cosine", 1.0),
]
DADAPT_CASES = [
    ("defaults", {}, "constant", 1.0),
    ("cosine", {}, "cosine", 1.0),
    ("lr_half", {}, "constant", 0.5),
    ("cosine_to_zero", {}, "cosine0", 1.0),
    ("coupled_decay", {"weight_decay": 0.1}, "cosine", 1.0),
    ("decoupled_decay", {"weight_decay": 0.1, "decouple": True}, "constant", 1.0),
    ("bias_correction", {"use_bias_correction": True}, "cosine", 1.0),
    ("beta1_zero", {"beta1": 0.0}, "constant", 1.0),
    ("growth_d0", {"growth_rate": 1.1, "d0": 1e-4}, "constant", 1.0),
    ("beta2_eps", {"beta2": 0.99, "eps": 1e-3}, "warmup", 1.0),
]


def fmt_param(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    return repr(float(v))


VERBOSE = "-v" in sys.argv[1:]


def main():
    rows = []
    for optim, cases, defaults, fn in [("prodigy", PRODIGY_CASES, PRODIGY_DEFAULTS, prodigy),
                                       ("dadapt_adam", DADAPT_CASES, DADAPT_DEFAULTS,
                                        dadapt_adam)]:
        for name, keys, sched, scale in cases:
            assert set(keys) <= set(defaults), keys
            p = dict(defaults)
            p.update(keys)
            params = ";".join(f"{k}={fmt_param(keys[k])}" for k in defaults if k in keys)
            lrs = schedule(sched, scale)
            traj = fn(p, lrs)
            if VERBOSE:
                print(f"{optim} {name}: d after steps 1, 10, 50: "
                      f"{traj[0][1]:.3g} {traj[9][1]:.3g} {traj[-1][1]:.3g}; "
                      f"largest |w_50 - w0| {max(abs(a - b) for a, b in zip(traj[-1][0], W0)):.3g}",
                      file=sys.stderr)
            for t, (w, d) in enumerate(traj, start=1):
                rows.append(f"{optim},{name},{params},{t},{repr(lrs[t - 1])},{repr(d)},"
                            + ",".join(repr(x) for x in w))
    with open(OUT, "w", newline="\n") as f:
        f.write(f"# generated by scripts/golden/gen_lrfree_golden.py (numpy {np.__version__});"
                f" do not edit\n")
        f.write("optimizer,case,params,step,lr,d," + ",".join(f"w{i}" for i in range(N)) + "\n")
        for r in rows:
            f.write(r + "\n")
    print(f"{OUT}: {len(PRODIGY_CASES) + len(DADAPT_CASES)} cases, {len(rows)} rows",
          file=sys.stderr)


def check_reference(prodigy_py, dadapt_py):
    """Runs every case through the reference implementations (torch, float64) and through
    prodigy() / dadapt_adam() with float64 storage; returns the largest relative difference."""
    global STORE
    import contextlib
    import importlib.util
    import io

    import torch

    def load(name, path):
        spec = importlib.util.spec_from_file_location(name, path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        return mod

    classes = {"prodigy": load("prodigy_ref", prodigy_py).Prodigy,
               "dadapt_adam": load("dadapt_adam_ref", dadapt_py).DAdaptAdam}
    STORE = np.float64

    def torch_run(optim, p, lrs):
        ts = [torch.tensor(W0[off:off + n], dtype=torch.float64) for _, off, n in GROUPS]
        kw = {k: v for k, v in p.items() if v is not None and k not in ("beta1", "beta2")}
        opt = classes[optim]([{"params": [x]} for x in ts], lr=lrs[0],
                             betas=(p["beta1"], p["beta2"]), **kw)
        out = []
        for t in range(1, STEPS + 1):
            g = gradient([v for x in ts for v in x.tolist()], t)
            for x, (_, off, n) in zip(ts, GROUPS):
                x.grad = torch.tensor(g[off:off + n], dtype=torch.float64)
            for grp in opt.param_groups:
                grp["lr"] = lrs[t - 1]
            with contextlib.redirect_stdout(io.StringIO()):  # "Using decoupled weight decay"
                opt.step()
            out.append(([v for x in ts for v in x.tolist()], opt.param_groups[0]["d"]))
        return out

    worst = 0.0
    for optim, cases, defaults, fn in [("prodigy", PRODIGY_CASES, PRODIGY_DEFAULTS, prodigy),
                                       ("dadapt_adam", DADAPT_CASES, DADAPT_DEFAULTS,
                                        dadapt_adam)]:
        for name, keys, sched, scale in cases:
            p = dict(defaults)
            p.update(keys)
            lrs = schedule(sched, scale)
            err = 0.0
            for (w1, d1), (w2, d2) in zip(fn(p, lrs), torch_run(optim, p, lrs)):
                err = max(err, abs(d1 - d2) / abs(d2),
                          max(abs(a - b) / max(abs(b), 1e-2) for a, b in zip(w1, w2)))
            print(f"{optim} {name}: largest relative difference {err:.3g}", file=sys.stderr)
            worst = max(worst, err)
    return worst


if __name__ == "__main__":
    if "--check-reference" in sys.argv[1:]:
        k = sys.argv.index("--check-reference")
        if len(sys.argv) < k + 3:
            sys.exit("usage: gen_lrfree_golden.py --check-reference PRODIGY_PY DADAPT_ADAM_PY")
        worst = check_reference(sys.argv[k + 1], sys.argv[k + 2])
        print(f"largest relative difference from the reference code: {worst:.3g}",
              file=sys.stderr)
        sys.exit(0 if worst <= 1e-9 else 1)
    main()
