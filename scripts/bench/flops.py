#!/usr/bin/env python3
"""flops.py - the floating-point operations a result folder's cells needed, counted from the
tasks' shapes, against the wall seconds they took and the machine's SGEMM rate.

What: for every task of a folder of `lrlab run` (results/paper: the first study's matrix,
scripts/paper.lua), the FLOPs of one training step (forward and backward), of one evaluation
and of a whole cell (steps x (step + the optimizer's update + the scheduler's own work) +
evaluations x evaluation), summed over the task's cells (evaluation and tuning), divided by
the seconds timing.csv and tuning-timing.csv give them: the achieved rate, and that rate
against the single-thread SGEMM rate of the machine (scripts/bench/bench_tasks.c `sgemm`).
Why: to say how far each task runs from what the machine can do, and so where the time goes
that is not arithmetic (scripts/bench/RESULTS.md, "Where the machine's limit is").

Counting (from the code, tasks/*.c, harness/optim/*.c, schedulers/hd.c and sls.c):
  - a multiply-add is 2 FLOPs; an add, subtract, multiply, division, square root, exp, log,
    log1p, sin or cos is 1 each; comparisons, max, selects (ReLU, max-pool, the NMF
    projection), copies, gathers and integer work (random numbers, hashing, shuffles) are 0;
    a scalar factor computed once per loop (1 - beta, lr * wd) is not counted;
  - a GEMM of M x N x K is 2 M N K (its alpha and beta scaling not counted); a symmetric rank-k
    update (ssyrk) of r x r over m is r (r + 1) m; ssymm of M x r by r x r is 2 M r r;
  - images_gather divides each pixel by 255 (1 FLOP a pixel); the cross-entropy of a row of C
    logits is 3 C + 3 (subtract, exp, sum; log and two adds), and 3 C more for its gradient;
  - the synthetic problems run in double precision; their noise is 2 multiplies a coordinate
    plus 2 (the random normals themselves are not counted).
Per task (B batch; shapes as the task line in provenance.txt resolves them, with defaults):
  nmf       X [n, m], rank r, ntr = n - n // val_every training and nval validation rows:
            step 6 B m r + 2 B m (residual GEMM, its squared norm, dW and dH GEMMs);
            evaluation 2 ntr m r + 4 ntr m + r (r + 1) m + 2 nval r m
                       + val_iters (2 nval r^2 + 3 nval r) + 2 nval m r + 4 nval m;
            parameters (m + ntr) r: the optimizer updates all of H every step
  quadratic n = dim, rotated: Q^T x costs 2 n^2 + 4 n - 5 (n - 1 Householder reflections of
            4 (n - k) + 1, the sign flips n); step 4 n^2 + 17 n - 7 plus the noise 2 n + 2,
            evaluation 2 n^2 + 8 n - 4
  rosenbrock step 15 (n - 1) + 4 n + 2 plus the noise; evaluation 8 (n - 1)
  rastrigin step 16 n + 3 plus the noise; evaluation 6 n + 1
  mlp       widths H_0 = 784 .. H_L = 10: step B H_0 + 2 B sum_l H_{l-1} H_l (forward)
            + B (6 C + 3) (cross-entropy) + sum_l (2 B H_{l-1} H_l + B H_l) (weight and bias
            gradients) + 2 B sum_{l>1} H_{l-1} H_l (input gradients); an evaluation the
            forward and cross-entropy of train_eval_size + val_size images
  cnn       im2col + GEMM per convolution (tasks/cnn.c): conv1 rows B 24 24, conv2 rows B 8 8,
            forward GEMMs, bias adds, the backward's GEMMs, bias sums and col2im adds
  charlm    model "mlp" (Bengio et al. 2003): N = B seq_len rows, K context, E embed, H hidden,
            V = 63 characters (KJV): forward 2 N K E H + 5 N H (tanh as 2 / (1 + exp(-2x)) - 1)
            + 2 N H V + N (4 V + 5) (softmax); backward N (V + 1) + 4 N H V + N V + 3 N H
            + 4 N K E H + N H + N K E; an evaluation 2 x eval_batches forwards
  textcls   model "logistic" on hashed features, nu stored entries a document: step
            B (4 nu + 12), an evaluation (min(ntr, nval) + nval) (2 nu + 6)
Optimizer updates, FLOPs per parameter (harness/optim): sgd 2 (+3 momentum, +2 weight decay,
+2 Nesterov), adam 14 (+2 weight decay), adamw 16, adagrad 7 (+2 weight decay), adafactor 23
per element of a factored group (rows and cols > 1), 18 of a vector (+4 with beta1 > 0).
Schedulers: hd 2 per parameter a step (granularity global or group), 5 (param); sls 2 per
parameter a step and, per line-search trial (loss_evals of the cell), 2 per parameter plus the
task's forward pass on the minibatch; the others O(1) a step (not counted). The direction hd
reads costs adagrad and adafactor 2 to 4 FLOPs a parameter more (not counted).

Assumptions:
  - data-dependent sizes are restated below (DATA): the faces are 200 x 625, KJV has 1,189
    chapters and 63 distinct characters, SpamAssassin 6,046 e-mails; the mean number of hashed
    features of an e-mail (nu) is measured from the e-mails by a transcription of
    tasks/textcls.c featurize (--spam-nnz-from DIR recomputes it) and taken for every batch;
  - a diverged cell trained diverged_step + 1 steps (runs.csv, cells.csv), each with its
    update, and made the evaluations due up to the end of its last step (one update and one
    evaluation more than it did when its training loss, not an evaluation, diverged); a cell that did not diverge made steps // eval_every + 1
    evaluations (the stages 10, 50 and 100% of the steps fall on evaluations of paper.lua's
    budgets; a stage that does not is counted as one more);
  - the seconds are a cell's training (harness/engine/train.c: after the task is created, to
    the end of its loop), rounded to the millisecond by the run: cells under a millisecond
    (rosenbrock, rastrigin) give rates that mean nothing;
  - the cells of a run with -j 2 ran two at a time, one on each core: the summed seconds are
    core-seconds, so the rate over them is a rate per core and is compared with ONE core's
    SGEMM rate; the machine's rate (both cores busy) is twice that against twice the SGEMM
    rate, the same percentage.

Inputs (in DIR; each file may be packed as FILE.gz or parts FILE.K-N.gz, scripts/pack.sh):
  provenance.txt (the "resolved components" lines: every task, optimizer and scheduler with
  its parameters), plan.csv, timing.csv, runs.csv; with a tuning stage also tuning-cells.csv,
  tuning-timing.csv and cells.csv (status, diverged_step and loss_evals of the tuning cells).
Output: a table on stdout, a row per task (in provenance.txt's order) and one for all cells:
  cells, params (the parameters the optimizer updates), FLOP/step (forward + backward),
  FLOP/eval, upd/step (the optimizer's update and the scheduler's own work a step, mean over
  the cells), MFLOP/cell (mean), s/cell (mean), us/step (s/cell over the steps: training,
  evaluations and everything else a cell does), us@SGEMM (the same FLOPs at the SGEMM rate),
  GFLOP/s (FLOPs over seconds, summed over the cells) and %SGEMM; then the totals.
  Errors: one line on stderr, exit code 2, nothing on stdout.
Usage: python3 scripts/bench/flops.py DIR [--sgemm-gflops X | --bench BENCH_TASKS]
                                      [--optimizer A,B] [--scheduler A,B] [--kind eval|tune]
                                      [--spam-nnz-from DATA]
  without --sgemm-gflops it runs BENCH_TASKS sgemm (default: build/bench/bench_tasks, built by
  `cmake --build build --target bench_tasks`); --optimizer and --scheduler keep the cells of
  those labels only, --kind the evaluation or the tuning cells only. Standard library only.
"""
import math
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from resultfiles import Refusal, read_csv, read_text  # noqa: E402

# Sizes the task lines do not hold: the data sets' (tasks/nmf.c, tasks/charlm.c, tasks/textcls.c,
# tasks/data/text.c headers). SPAM_NNZ: mean stored features per e-mail at bits = 12, n = 3
# (--spam-nnz-from DATA measures it: 8,716,886 entries over 6,046 e-mails).
NMF_FACES = (200, 625)
KJV_CHAPTERS = 1189
KJV_CHARS = 63
SPAM_DOCS = 6046
SPAM_NNZ = {(12, 3): 8716886 / 6046}
IMAGE_SIDE = 28
NCLASS = 10
CNN_K = 5


# ---- reading a result folder ----

def need(folder, base):
    got = read_text(os.path.join(folder, base))
    if got is None:
        raise Refusal("%s: missing (expected %s or %s.gz in the result folder)"
                      % (os.path.join(folder, base), base, base))
    return got


def number(name, line, key, value, least=0.0, integer=False):
    pat = r"-?[0-9]+" if integer else r"-?[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?"
    if not re.fullmatch(pat, value) or float(value) < least:
        raise Refusal("%s: line %d: %s: invalid value (expected %s >= %g, got %s)"
                      % (name, line, key, "an integer" if integer else "a number", least,
                         value or "nothing"))
    return int(value) if integer else float(value)


COMPONENT = re.compile(r'^\s+(task|optimizer|scheduler)\s+(\S+)\s+(?:task|optimizer|scheduler)'
                       r' "([A-Za-z0-9_]+)" \{ (.*) \}\s+--')


def read_components(folder):
    """{kind: {label: (name, {key: value})}} from provenance.txt's resolved components."""
    name, text = need(folder, "provenance.txt")
    comps = {"task": {}, "optimizer": {}, "scheduler": {}}
    for line_no, line in enumerate(text.splitlines(), 1):
        m = COMPONENT.match(line)
        if not m:
            continue
        params = {}
        for item in m.group(4).replace("; ", ";").split(";"):
            key, eq, value = item.strip().partition("=")
            if key and eq:
                params[key] = value
        comps[m.group(1)][m.group(2)] = (m.group(3), params, line_no)
    if not comps["task"]:
        raise Refusal("%s: no resolved components (expected lines `  task  LABEL  task \"NAME\" "
                      "{ ... }` written by lrlab run)" % name)
    return name, comps


def param(where, params, key, integer=True):
    src, line, label = where
    if key not in params or params[key] == "":
        raise Refusal("%s: line %d: %s: no %s (expected the key in its resolved line)"
                      % (src, line, label, key))
    return number(src, line, "%s: %s" % (label, key), params[key], 0, integer)


# ---- FLOPs of the tasks (the module docstring gives each formula) ----

class Model:
    """FLOPs of one training step (forward + backward), one loss_at (forward on the
    minibatch), one evaluation; the parameter groups as (rows, cols)."""

    def __init__(self, step, fwd, evaluation, groups):
        self.step, self.fwd, self.evaluation, self.groups = step, fwd, evaluation, groups
        self.n = sum(r * c for r, c in groups)


def nmf_model(where, p):
    ds = p.get("dataset")
    if ds == "faces":
        n, m = NMF_FACES
    elif ds == "fashion":
        n, m = param(where, p, "samples"), IMAGE_SIDE * IMAGE_SIDE
    elif ds == "kjv":
        n, m = KJV_CHAPTERS, param(where, p, "vocab")
    elif ds == "synthetic":
        n, m = param(where, p, "n"), param(where, p, "m")
    else:
        raise Refusal("%s: line %d: %s: dataset: no shape known (expected faces, fashion, kjv "
                      "or synthetic, got %s)" % (where[0], where[1], where[2], ds))
    r, b = param(where, p, "rank"), param(where, p, "batch")
    nval = n // param(where, p, "val_every")
    ntr, iters = n - nval, param(where, p, "val_iters")
    fwd = 2 * b * m * r + 2 * b * m
    ev = (2 * ntr * m * r + 4 * ntr * m + r * (r + 1) * m + 2 * nval * r * m
          + iters * (2 * nval * r * r + 3 * nval * r) + 2 * nval * m * r + 4 * nval * m)
    return Model(6 * b * m * r + 2 * b * m, fwd, ev, [(m, r), (ntr, r)])


def synth_groups(n):
    return [(n // 2, 1), (n - n // 2, 1)]


def noise_cost(where, p, n):
    return 0 if p.get("noise") == "none" else 2 * n + 2


def quadratic_model(where, p):
    n = param(where, p, "dim")
    rot = (sum(4 * (n - k) + 1 for k in range(n - 1)) + n) if p.get("rotate") != "false" else 0
    clean = n + rot + 3 * n + 1  # z = w - w*, Q^T z, sum lambda z^2, the half
    lin = (3 * n if p.get("noise") != "none" else 0) + 2
    step = clean + n + rot + lin + n + noise_cost(where, p, n)  # gradient Q (lambda z); g = gd + xi
    return Model(step, clean + lin, clean, synth_groups(n))


def rosenbrock_model(where, p):
    n = param(where, p, "dim")
    lin = (3 * n if p.get("noise") != "none" else 0) + 2
    return Model(15 * (n - 1) + lin + n + noise_cost(where, p, n), 8 * (n - 1) + lin,
                 8 * (n - 1), synth_groups(n))


def rastrigin_model(where, p):
    n = param(where, p, "dim")
    lin = (3 * n if p.get("noise") != "none" else 0) + 2
    return Model(1 + 12 * n + lin + n + noise_cost(where, p, n), 1 + 6 * n + lin, 1 + 6 * n,
                 synth_groups(n))


def xent(rows, grad):
    return rows * (3 * NCLASS + 3 + (3 * NCLASS if grad else 0))


def images_eval(where, p, forward):
    """FLOPs of an evaluation: train_eval_size then val_size images, gathered, forward, loss."""
    if p.get("dataset") == "synthetic":
        used = param(where, p, "n")
    elif p.get("images", "") != "":
        used = param(where, p, "images")
    else:  # the 60,000 images of the training file from first_image on
        used = 60000 - (param(where, p, "first_image") if p.get("first_image") else 0)
    val = param(where, p, "val_size")
    te = min(param(where, p, "train_eval_size"), used - val)
    return sum(rows * IMAGE_SIDE * IMAGE_SIDE + forward(rows) + xent(rows, False)
               for rows in (te, val))


def mlp_model(where, p):
    widths = [number(where[0], where[1], "%s: widths" % where[2], w, 1, True)
              for w in p.get("widths", "").split("|") if w]
    if not widths:
        raise Refusal("%s: line %d: %s: no widths (expected the key in its resolved line)"
                      % where)
    dim = [IMAGE_SIDE * IMAGE_SIDE] + widths + [NCLASS]
    layers = list(zip(dim[:-1], dim[1:]))
    B = param(where, p, "batch")

    def forward(rows):
        return sum(2 * rows * i * o for i, o in layers)

    step = (B * dim[0] + forward(B) + xent(B, True)
            + sum(2 * B * i * o + B * o for i, o in layers)
            + sum(2 * B * i * o for i, o in layers[1:]))
    groups = [g for i, o in layers for g in ((o, i), (o, 1))]
    return Model(step, forward(B) + xent(B, False), images_eval(where, p, forward), groups)


def cnn_model(where, p):
    c1, c2, hd = param(where, p, "c1"), param(where, p, "c2"), param(where, p, "hidden")
    B, kk = param(where, p, "batch"), CNN_K * CNN_K
    h1 = IMAGE_SIDE - CNN_K + 1
    h3 = h1 // 2 - CNN_K + 1
    F = (h3 // 2) ** 2 * c2
    p1, p3 = h1 * h1, h3 * h3  # output positions of conv1 and conv2 per image

    def forward(rows):
        return (2 * rows * p1 * c1 * kk + rows * p1 * c1 + 2 * rows * p3 * c2 * kk * c1
                + rows * p3 * c2 + 2 * rows * hd * F + rows * hd + 2 * rows * NCLASS * hd
                + rows * NCLASS)

    back = (4 * NCLASS * hd * B + B * NCLASS + 4 * hd * F * B + B * hd
            + 4 * c2 * kk * c1 * B * p3 + B * p3 * c2 + B * p3 * kk * c1
            + 2 * c1 * kk * B * p1 + B * p1 * c1)
    step = B * IMAGE_SIDE * IMAGE_SIDE + forward(B) + xent(B, True) + back
    groups = [(c1, kk), (c1, 1), (c2, kk * c1), (c2, 1), (hd, F), (hd, 1), (NCLASS, hd),
              (NCLASS, 1)]
    return Model(step, forward(B) + xent(B, False), images_eval(where, p, forward), groups)


def charlm_model(where, p):
    if p.get("model") != "mlp" or p.get("dataset") != "kjv":
        raise Refusal("%s: line %d: %s: model/dataset: no count (expected model mlp on kjv, got "
                      "%s on %s)" % (where[0], where[1], where[2], p.get("model"),
                                     p.get("dataset")))
    K = param(where, p, "context") if p.get("context") else 8
    S, E, H = param(where, p, "seq_len"), param(where, p, "embed"), param(where, p, "hidden")
    B, V, nb = param(where, p, "batch"), KJV_CHARS, param(where, p, "eval_batches")
    N, KE = B * S, K * E
    act = 5 if p.get("activation") != "relu" else 0
    fwd = 2 * N * KE * H + act * N * H + 2 * N * H * V + N * (4 * V + 5)
    back = (N * (V + 1) + 4 * N * H * V + N * V + (3 if act else 0) * N * H + 4 * N * KE * H
            + N * H + N * KE)
    groups = [(V, E), (H, KE), (1, H), (V, H), (1, V)]
    return Model(fwd + back, fwd, 2 * nb * fwd, groups)


def textcls_model(where, p):
    if p.get("model") != "logistic" or p.get("dataset") != "spam":
        raise Refusal("%s: line %d: %s: model/dataset: no count (expected model logistic on "
                      "spam, got %s on %s)" % (where[0], where[1], where[2], p.get("model"),
                                               p.get("dataset")))
    bits, ng = param(where, p, "bits"), param(where, p, "n")
    if (bits, ng) not in SPAM_NNZ:
        raise Refusal("%s: line %d: %s: bits/n: features per e-mail not measured (expected "
                      "%s, got bits %d n %d; measure with --spam-nnz-from DATA)"
                      % (where[0], where[1], where[2],
                         " or ".join("bits %d n %d" % k for k in SPAM_NNZ), bits, ng))
    nu, B = SPAM_NNZ[(bits, ng)], param(where, p, "batch")
    nval = int(math.floor(SPAM_DOCS * float(p.get("val_fraction", "0.2")) + 0.5))
    ntr = SPAM_DOCS - nval
    return Model(B * (4 * nu + 12), B * (2 * nu + 6), (min(ntr, nval) + nval) * (2 * nu + 6),
                 [(1, 1 << bits), (1, 1)])


TASKS = {"nmf": nmf_model, "quadratic": quadratic_model, "rosenbrock": rosenbrock_model,
         "rastrigin": rastrigin_model, "mlp": mlp_model, "cnn": cnn_model,
         "charlm": charlm_model, "textcls": textcls_model}


def optimizer_cost(where, name, p, groups):
    """FLOPs of one update of every parameter group."""
    wd = float(p.get("weight_decay", "0") or 0) != 0
    if name == "sgd":
        mom = float(p.get("momentum", "0") or 0) != 0
        per = 2 + (3 if mom else 0) + (2 if wd else 0) + (2 if p.get("nesterov") == "true" else 0)
    elif name == "adam":
        per = 14 + (2 if wd else 0)
    elif name == "adamw":
        per = 16
    elif name == "adagrad":
        per = 7 + (2 if wd else 0)
    elif name == "adafactor":
        extra = 4 if float(p.get("beta1", "0") or 0) != 0 else 0
        return sum(r * c * ((23 if r > 1 and c > 1 else 18) + extra) for r, c in groups)
    else:
        raise Refusal("%s: line %d: %s: optimizer \"%s\": no FLOP count (expected sgd, adam, "
                      "adamw, adagrad or adafactor)" % (where[0], where[1], where[2], name))
    return per * sum(r * c for r, c in groups)


def scheduler_cost(name, p, n):
    """FLOPs a step of the scheduler's own work over the parameters (sls trials apart)."""
    if name == "hd":
        return 5 * n if p.get("granularity") == "param" else 2 * n
    if name == "sls":
        return 2 * n
    return 0


# ---- the cells ----

def eval_points(steps, every, upto):
    """Evaluations a cell makes when it trains `upto` of its `steps` steps (train.c)."""
    stages = {max(1, (steps * pct + 99) // 100) for pct in (10, 50, 100)}
    return 1 + sum(1 for done in range(1, upto + 1) if done % every == 0 or done in stages)


def read_status(folder, name, kinds):
    """{cell: (diverged_step, loss_evals)} from a runs.csv or cells.csv text."""
    src, text = need(folder, name)
    cols = ["cell", "status", "diverged_step", "loss_evals"] + (["kind"] if kinds else [])
    out = {}
    for line, r in read_csv(src, text, cols):
        if kinds and r["kind"] not in kinds:
            continue
        d = number(src, line, "diverged_step", r["diverged_step"], -1, True)
        le = number(src, line, "loss_evals", r["loss_evals"], 0, True)
        old = out.get(r["cell"], (-1, 0))
        out[r["cell"]] = (max(d, old[0]), max(le, old[1]))
    return out


def read_seconds(folder, name):
    src, text = need(folder, name)
    return {r["cell"]: number(src, line, "seconds", r["seconds"])
            for line, r in read_csv(src, text, ["cell", "seconds"])}


def read_cells(folder, keep):
    """[(task, optimizer, scheduler, diverged_step, loss_evals, seconds, kind)]."""
    src, text = need(folder, "plan.csv")
    plan = read_csv(src, text, ["cell", "task", "optimizer", "scheduler"])
    status = read_status(folder, "runs.csv", None)
    secs = read_seconds(folder, "timing.csv")
    rows = [(src, line, r, "eval") for line, r in plan]
    tuning = read_text(os.path.join(folder, "tuning-cells.csv"))
    if tuning is not None:
        tsrc, ttext = tuning
        rows += [(tsrc, line, r, "tune")
                 for line, r in read_csv(tsrc, ttext, ["cell", "task", "optimizer", "scheduler"])]
        status.update(read_status(folder, "cells.csv", {"tune"}))
        secs.update(read_seconds(folder, "tuning-timing.csv"))
    cells = []
    for src, line, r, kind in rows:
        if not keep(r, kind):
            continue
        for table, what in ((status, "status (runs.csv, cells.csv)"), (secs, "seconds")):
            if r["cell"] not in table:
                raise Refusal("%s: line %d: cell %s: no %s (expected every cell of the plan to "
                              "have one)" % (src, line, r["cell"], what))
        d, le = status[r["cell"]]
        cells.append((r["task"], r["optimizer"], r["scheduler"], d, le, secs[r["cell"]], kind,
                      (src, line)))
    if not cells:
        raise Refusal("%s: no cells (expected at least one cell of the optimizers and schedulers "
                      "asked for)" % src)
    return cells


# ---- the tally ----

def cell_flops(comp, models, cell):
    task, opt, sch, diverged, loss_evals, _, _, (src, line) = cell
    for kind, label in (("task", task), ("optimizer", opt), ("scheduler", sch)):
        if label not in comp[kind]:
            raise Refusal("%s: line %d: %s %s: not in provenance.txt (expected a resolved %s "
                          "line of that label)" % (src, line, kind, label, kind))
    model, steps, every = models[task]
    oname, op, oline = comp["optimizer"][opt]
    sname, sp, _ = comp["scheduler"][sch]
    ran = steps if diverged < 0 else min(steps, diverged + 1)
    upd = optimizer_cost(("provenance.txt", oline, opt), oname, op, model.groups)
    own = upd + scheduler_cost(sname, sp, model.n)
    trials = loss_evals * (model.fwd + 2 * model.n)
    return ran * (model.step + own) + trials + eval_points(steps, every, ran) * model.evaluation, own


def build_models(pname, comp):
    models = {}
    for label, (name, p, line) in comp["task"].items():
        where = (pname, line, label)
        if name not in TASKS:
            raise Refusal("%s: line %d: %s: task \"%s\": no FLOP count (expected one of %s)"
                          % (pname, line, label, name, ", ".join(sorted(TASKS))))
        steps, every = param(where, p, "steps"), param(where, p, "eval_every")
        models[label] = (TASKS[name](where, p), steps, every)
    return models


def sgemm_rate(args):
    if args["sgemm"] is not None:
        return args["sgemm"], "given (--sgemm-gflops)"
    here = os.path.dirname(os.path.abspath(__file__))
    bench = args["bench"] or os.path.normpath(os.path.join(here, "..", "..", "build", "bench",
                                                           "bench_tasks"))
    if not os.access(bench, os.X_OK):
        raise Refusal("%s: no SGEMM rate (expected --sgemm-gflops X, or bench_tasks built: cmake "
                      "--build build --target bench_tasks)" % bench)
    out = subprocess.run([bench, "sgemm"], capture_output=True, text=True)
    kv = dict(l.split(" ", 1) for l in out.stdout.splitlines() if " " in l)
    if out.returncode != 0 or "gflops" not in kv:
        raise Refusal("%s sgemm: failed (expected a `gflops X` line, got exit code %d)"
                      % (bench, out.returncode))
    return float(kv["gflops"]), "measured now: %s sgemm, %s" % (bench, kv.get("blas", "?"))


def report(folder, args):
    pname, comp = read_components(folder)
    models = build_models(pname, comp)
    opts, scheds = args["optimizer"], args["scheduler"]
    cells = read_cells(folder, lambda r, kind: (not opts or r["optimizer"] in opts)
                       and (not scheds or r["scheduler"] in scheds)
                       and args["kind"] in (None, kind))
    rate, how = sgemm_rate(args)
    per_task, per_kind = {}, {}
    for c in cells:
        f, own = cell_flops(comp, models, c)
        k = per_kind.setdefault(c[6], [0, 0.0, 0.0])
        k[0], k[1], k[2] = k[0] + 1, k[1] + f, k[2] + c[5]
        t = per_task.setdefault(c[0], [0, 0.0, 0.0, 0.0])
        t[0] += 1
        t[1] += f
        t[2] += c[5]
        t[3] += own
    print("FLOPs of %s against single-thread SGEMM %.1f GFLOP/s (%s)" % (folder, rate, how))
    print("%-14s %6s %8s %12s %12s %9s %12s %9s %9s %9s %9s %7s"
          % ("task", "cells", "params", "FLOP/step", "FLOP/eval", "upd/step", "MFLOP/cell",
             "s/cell", "us/step", "us@SGEMM", "GFLOP/s", "%SGEMM"))
    order = [label for label in comp["task"] if label in per_task]
    tot = [0, 0.0, 0.0]
    for label in order:
        n, f, s, own = per_task[label]
        model, steps, _ = models[label]
        tot = [tot[0] + n, tot[1] + f, tot[2] + s]
        achieved = f / s / 1e9 if s > 0 else float("nan")
        print("%-14s %6d %8d %12d %12d %9d %12.3f %9.4f %9.2f %9.2f %9.3f %7.2f"
              % (label, n, model.n, round(model.step), round(model.evaluation), round(own / n),
                 f / n / 1e6,
                 s / n, s / n / steps * 1e6, f / n / steps / (rate * 1e9) * 1e6, achieved,
                 100 * achieved / rate))
    n, f, s = tot
    per_core = f / s / 1e9 if s > 0 else float("nan")
    print("%-14s %6d %8s %12s %12s %9s %12.3f %9.4f %9s %9s %9.3f %7.2f"
          % ("all", n, "", "", "", "", f / n / 1e6, s / n, "", "", per_core, 100 * per_core / rate))
    for kind, what in (("eval", "evaluation"), ("tune", "tuning")):
        if kind in per_kind:
            kn, kf, ks = per_kind[kind]
            print("%s cells: %d, %.4g FLOP in %.1f core-seconds: %.3f GFLOP/s a core"
                  % (what, kn, kf, ks, kf / ks / 1e9 if ks > 0 else float("nan")))
    print("total: %.4g FLOP in %.1f core-seconds: %.3f GFLOP/s a core; with both cores busy "
          "(-j 2) %.3f GFLOP/s against 2 x SGEMM = %.1f GFLOP/s: %.2f%%"
          % (f, s, per_core, 2 * per_core, 2 * rate, 100 * per_core / rate))


def measure_spam(datadir, bits=12, ngram=3):
    """Mean stored features per e-mail: tasks/textcls.c featurize, transcribed."""
    D, prime = 1 << bits, 16777619
    word = set(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    space = set(b" \t\n\r\f\v")
    low = bytes(c + 32 if 65 <= c <= 90 else c for c in range(256))

    def fold(h):
        return ((h >> bits) ^ h) & (D - 1)

    total = docs = 0
    for sub in ("easy-ham-1", "easy-ham-2", "hard-ham-1", "spam-1", "spam-2"):
        top = os.path.join(datadir, "spam", sub)
        if not os.path.isdir(top):
            raise Refusal("%s: missing (expected the SpamAssassin folders: bash "
                          "scripts/fetch-data.sh spam)" % top)
        for name in sorted(os.listdir(top)):
            with open(os.path.join(top, name), "rb") as f:
                b = f.read()
            keys, i = set(), 0
            while i < len(b):
                if b[i] not in word:
                    i += 1
                    continue
                h = ((2166136261 ^ ord("w")) * prime) & 0xFFFFFFFF
                while i < len(b) and b[i] in word:
                    h = ((h ^ low[b[i]]) * prime) & 0xFFFFFFFF
                    i += 1
                keys.add(fold(h))
            norm = bytearray()
            for c in b:
                c = 32 if c in space else low[c]
                if not (c == 32 and norm and norm[-1] == 32):
                    norm.append(c)
            for i in range(len(norm) - ngram + 1):
                h = ((2166136261 ^ ord("c")) * prime) & 0xFFFFFFFF
                for c in norm[i:i + ngram]:
                    h = ((h ^ c) * prime) & 0xFFFFFFFF
                keys.add(fold(h))
            total += len(keys)
            docs += 1
    print("spam bits %d n %d: %d stored features over %d e-mails, %.4f an e-mail"
          % (bits, ngram, total, docs, total / docs))


def parse_args(argv):
    args = {"dir": None, "sgemm": None, "bench": None, "optimizer": None, "scheduler": None,
            "spam": None, "kind": None}
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ("--sgemm-gflops", "--bench", "--optimizer", "--scheduler", "--spam-nnz-from",
                 "--kind"):
            if i + 1 >= len(argv):
                raise Refusal("%s: no value (expected %s VALUE)" % (a, a))
            v = argv[i + 1]
            if a == "--sgemm-gflops":
                if not re.fullmatch(r"[0-9]+(\.[0-9]*)?", v) or float(v) <= 0:
                    raise Refusal("--sgemm-gflops: invalid value (expected a rate > 0 in "
                                  "GFLOP/s, got %s)" % v)
                args["sgemm"] = float(v)
            elif a == "--bench":
                args["bench"] = v
            elif a == "--spam-nnz-from":
                args["spam"] = v
            elif a == "--kind":
                if v not in ("eval", "tune"):
                    raise Refusal("--kind: invalid value (expected eval or tune, got %s)" % v)
                args["kind"] = v
            else:
                args[a[2:]] = set(x for x in v.split(",") if x)
            i += 2
        elif a.startswith("-"):
            raise Refusal("%s: unknown option (expected --sgemm-gflops, --bench, --optimizer, "
                          "--scheduler, --kind or --spam-nnz-from)" % a)
        elif args["dir"] is None:
            args["dir"] = a
            i += 1
        else:
            raise Refusal("%s: one result folder only (expected DIR once, got a second)" % a)
    if args["dir"] is None and args["spam"] is None:
        raise Refusal("usage: flops.py DIR [--sgemm-gflops X | --bench BENCH_TASKS] "
                      "[--optimizer A,B] [--scheduler A,B] [--kind eval|tune] "
                      "[--spam-nnz-from DATA]")
    return args


def main(argv):
    try:
        args = parse_args(argv)
        if args["spam"] is not None:
            measure_spam(args["spam"])
        if args["dir"] is not None:
            if not os.path.isdir(args["dir"]):
                raise Refusal("%s: not a folder (expected a result folder of lrlab run)"
                              % args["dir"])
            report(args["dir"], args)
    except Refusal as e:
        print("flops.py: %s" % e, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
