-- bad: Adafactor's warmup_init needs relative_step (as in transformers)
experiment {
  name = "bad", seeds = { 1 },
  tasks = { task "nmf" { steps = 100 } },
  optimizers = { optimizer "adafactor" { lr = 0.1, warmup_init = true } },
  schedulers = {
    scheduler "constant" {},
  },
}
