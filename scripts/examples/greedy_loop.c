/* greedy_loop.c - GreedyLR driving a training loop that is not lrlab's.
 *
 * A researcher's own loop (here: SGD on a noisy least-squares problem) asks the scheduler
 * for the learning rate before every step and shows it the loss after. Build against an
 * installed lrlab:
 *   cc -std=c11 greedy_loop.c $(pkg-config --cflags --libs lrlab) -o greedy_loop
 */
#include <harness/base/param.h>
#include <schedulers/sched.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int main(void) {
    /* GreedyLR with the paper's small-model settings, set as from a command line */
    const SchedDef *def = sched_find("greedy");
    Params p;
    Err e;
    params_init(&p, def->params);
    const char *kv[][2] = {{"signal", "train_step"}, {"smooth", "true"}, {"window", "20"},
                           {"patience", "5"}, {"factor", "0.9"}, {"min_lr", "1e-4"}};
    for (int i = 0; i < 6; i++)
        if (params_set_text(&p, kv[i][0], kv[i][1], "greedy_loop", &e) != 0) {
            fprintf(stderr, "%s\n", e.msg);
            return 2;
        }
    const int steps = 400;
    SchedRun run = {.lr0 = 0.01, .total_steps = steps, .ngroups = 1};
    Sched s;
    if (sched_create(&s, def, &p, &run, "greedy_loop", &e) != 0) {
        fprintf(stderr, "%s\n", e.msg);
        return 2;
    }
    /* minimise 1/2 sum_i a_i (w_i - 1)^2 with noisy gradients */
    double w[8] = {0}, lr[1];
    SchedLr out = {.group = lr, .ngroups = 1};
    unsigned seed = 12345;
    double first = 0, loss = 0, lr_min = INFINITY, lr_max = 0;
    for (int t = 0; t < steps; t++) {
        loss = 0;
        double g[8];
        for (int i = 0; i < 8; i++) {
            double a = 1.0 + i;
            seed = seed * 1103515245u + 12345u;
            double noise = ((double)(seed >> 16 & 0x7fff) / 32768.0 - 0.5) * 0.1;
            loss += 0.5 * a * (w[i] - 1) * (w[i] - 1);
            g[i] = a * (w[i] - 1) + noise;
        }
        if (t == 0) first = loss;
        SchedStep st = {.step = t, .loss = loss};
        sched_lr(&s, &st, &out);
        lr_min = fmin(lr_min, lr[0]), lr_max = fmax(lr_max, lr[0]);
        for (int i = 0; i < 8; i++) w[i] -= lr[0] * g[i];
        sched_observe(&s, SIGNAL_TRAIN_STEP, t, loss);
    }
    printf("loss %.6g -> %.6g; lr in [%.4g, %.4g]\n", first, loss, lr_min, lr_max);
    sched_destroy(&s);
    params_free(&p);
    return loss < first && lr_max > run.lr0 ? 0 : 1;
}
