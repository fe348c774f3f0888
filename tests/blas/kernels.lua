-- kernels.lua - a small matrix touching every task that calls BLAS (NMF, the MLP, the CNN, the
-- character models: Bengio MLP and transformer), for tests/blas_kernels.sh: the same bytes
-- whatever kernel the machine's OpenBLAS would pick, in portable mode.
experiment {
  name = "kernels",
  seeds = { 1 },
  tasks = {
    task "nmf" { dataset = "faces", rank = 8, batch = 16, steps = 40, eval_every = 20 },
    task "mlp" { dataset = "fashion", batch = 32, steps = 30, eval_every = 15 },
    task "cnn" { dataset = "fashion", batch = 16, steps = 12, eval_every = 6 },
    task "charlm" { label = "charlm-mlp", dataset = "mobydick", model = "mlp", batch = 8,
                    steps = 20, eval_every = 10 },
    task "charlm" { label = "charlm-tf", dataset = "mobydick", model = "transformer", batch = 4,
                    context = 32, d_model = 32, heads = 2, layers = 2, steps = 12,
                    eval_every = 6 },
  },
  optimizers = { optimizer "adam" { lr = 0.01 } },
  schedulers = { scheduler "constant" {}, scheduler "greedy" { signal = "train_step" } },
}
