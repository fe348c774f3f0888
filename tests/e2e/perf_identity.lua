-- perf_identity.lua - a fixed experiment over the tasks and optimizer paths that
-- scripts/bench/RESULTS.md's speed-ups touch (charlm's transformer and its mlp with tanh and
-- relu, the mlp and cnn image classifiers, textcls on the e-mails (whose features a run builds
-- once) and on synthetic documents with many buckets (features sorted, not scanned); plain
-- and weight-decayed Adam, amsgrad, plain SGD and SGD with momentum, Adagrad with weight decay,
-- Adafactor plain and with a first moment, weight decay, relative steps and clipping; constant
-- and sls, whose line search calls loss_at): run by the binary before and after such a change,
-- its runs.csv, curves.csv and evals.csv must be the same bytes. About a minute with -j 2.
experiment {
  name = "perf_identity",
  seeds = { 1, 2 },
  tasks = {
    task "charlm" { dataset = "kjv", model = "transformer", batch = 8, context = 32,
                    eval_batches = 2, steps = 40, eval_every = 20 },
    task "charlm" { label = "charlm-pt", dataset = "synthetic", model = "transformer",
                    init = "pytorch", batch = 4, context = 16, d_model = 32, heads = 4,
                    eval_batches = 2, steps = 40, eval_every = 20 },
    task "charlm" { label = "charlm-tanh", dataset = "kjv", model = "mlp", hidden = 64,
                    seq_len = 32, eval_batches = 2, steps = 40, eval_every = 20 },
    task "charlm" { label = "charlm-relu", dataset = "mobydick", model = "mlp",
                    activation = "relu", hidden = 64, seq_len = 32, eval_batches = 2,
                    steps = 40, eval_every = 20 },
    task "mlp" { dataset = "fashion", widths = { 64 }, batch = 64, val_size = 1000,
                 train_eval_size = 1000, steps = 60, eval_every = 20 },
    task "cnn" { dataset = "fashion", c1 = 4, c2 = 8, hidden = 32, batch = 32, val_size = 500,
                 train_eval_size = 500, steps = 40, eval_every = 20 },
    task "textcls" { dataset = "spam", model = "logistic", bits = 12, batch = 32, steps = 40,
                     eval_every = 20 },
    task "textcls" { label = "textcls-syn", dataset = "synthetic", model = "mlp", hidden = 8,
                     bits = 14, docs = 400, batch = 16, steps = 40, eval_every = 20 },
  },
  optimizers = {
    optimizer "adam" { lr = 0.003 },
    optimizer "adam" { label = "adam-ams", lr = 0.003, amsgrad = true },
    optimizer "adamw" { lr = 0.003, weight_decay = 0.01 },
    optimizer "sgd" { lr = 0.05 },
    optimizer "sgd" { label = "sgd-momentum", lr = 0.05, momentum = 0.9 },
    optimizer "adagrad" { lr = 0.05, weight_decay = 0.001, lr_decay = 0.01 },
    optimizer "adafactor" { lr = 0.01 },
    optimizer "adafactor" { label = "adafactor-rel", lr = 1, relative_step = true,
                            warmup_init = true, beta1 = 0.9, weight_decay = 0.01,
                            clip_threshold = 0.1 },
  },
  schedulers = {
    scheduler "constant" {},
    scheduler "sls" {},
  },
}
