/* train_loop.c - lrlab's GreedyLR, cosine and Adam in a training loop that is not lrlab's.
 *
 * A researcher's own loop fits y = W x + b (W 4x3, b 4) to noisy data with Adam, once under
 * GreedyLR and once under cosine annealing, through the public library alone:
 *     cc -std=c11 train_loop.c $(pkg-config --cflags --libs lrlab) -lm -o train_loop
 * It then stops a run halfway, saves the scheduler and the optimizer, restores them into new
 * objects and checks that the resumed run ends on exactly the same weights, and that a
 * damaged blob is refused. Exit 0 when every check holds.
 */
#include <lrlab.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The loop's own helpers may have any name: the library exports only lrlab_ symbols. */
void *xmalloc(size_t n);
void *xmalloc(size_t n) { return malloc(n); }

enum { ROWS = 4, COLS = 3, NP = ROWS * COLS + ROWS, STEPS = 600, BATCH = 16, EVAL_EVERY = 20 };

static const LrlabGroup groups[2] = {{"W", 0, ROWS *COLS, ROWS, COLS},
                                     {"b", ROWS *COLS, ROWS, ROWS, 1}};

/* A minibatch of y = W* x + b* + noise from a small LCG (step -1: the validation batch); the
 * loss 1/2 mean |W x + b - y|^2 and its gradient. */
static double loss_grad(const float *w, float *g, int64_t step) {
    unsigned s = 2024u + 7919u * (unsigned)step;
    double loss = 0;
    memset(g, 0, NP * sizeof *g);
    for (int n = 0; n < BATCH; n++) {
        float x[COLS];
        for (int j = 0; j < COLS; j++) {
            s = s * 1103515245u + 12345u;
            x[j] = (float)((s >> 16 & 0x7fff) / 16384.0 - 1.0);
        }
        for (int i = 0; i < ROWS; i++) {
            s = s * 1103515245u + 12345u;
            const double noise = 0.1 * ((s >> 16 & 0x7fff) / 32768.0 - 0.5);
            double r = w[ROWS * COLS + i] - (0.5 * i - 0.75) - noise; /* prediction - target */
            for (int j = 0; j < COLS; j++) r += (w[i * COLS + j] - 0.25 * (i + 1) * (j - 1)) * x[j];
            loss += 0.5 * r * r / BATCH;
            for (int j = 0; j < COLS; j++) g[i * COLS + j] += (float)(r * x[j] / BATCH);
            g[ROWS * COLS + i] += (float)(r / BATCH);
        }
    }
    return loss;
}

typedef struct {
    LrlabScheduler *sched;
    LrlabOptimizer *opt;
    float w[NP];
} Run;

static int die(const char *what, const LrlabError *e) {
    fprintf(stderr, "train_loop: %s: %s\n", what, e->message);
    exit(1);
}

static void start(Run *r, const char *sched, const char *settings) {
    LrlabError e;
    const LrlabRun run = {.lr0 = 0.01,
                          .total_steps = STEPS,
                          .eval_every = EVAL_EVERY,
                          .nparams = NP,
                          .ngroups = 2,
                          .groups = groups};
    r->sched = lrlab_scheduler_new(sched, settings, &run, &e);
    if (!r->sched) die(sched, &e);
    r->opt = lrlab_optimizer_new("adam", "weight_decay=0", NP, 2, groups, &e);
    if (!r->opt) die("adam", &e);
    for (int i = 0; i < NP; i++) r->w[i] = 0;
}

static void stop(Run *r) {
    lrlab_scheduler_free(r->sched);
    lrlab_optimizer_free(r->opt);
}

/* Steps [from, to): the loop every user writes. Returns the last minibatch loss. */
static double train(Run *r, int64_t from, int64_t to, double *lr_min, double *lr_max) {
    LrlabError e;
    float g[NP];
    double loss = NAN, lr[2];
    for (int64_t t = from; t < to; t++) {
        const LrlabStep step = {.step = t, .loss = loss};
        const float *elem;
        if (lrlab_scheduler_lr(r->sched, &step, lr, &elem, &e) != 0) die("lr", &e);
        loss = loss_grad(r->w, g, t);
        lrlab_clip_grad_norm(g, NP, 10.0);
        lrlab_optimizer_step(r->opt, r->w, g, lr, elem, NULL);
        if (lrlab_scheduler_observe(r->sched, LRLAB_SIGNAL_TRAIN_STEP, t, loss, &e) != 0)
            die("observe", &e);
        if ((t + 1) % EVAL_EVERY == 0) { /* GreedyLR's default signal: the validation loss */
            float gv[NP];
            const double val = loss_grad(r->w, gv, -1);
            if (lrlab_scheduler_observe(r->sched, LRLAB_SIGNAL_EVAL, t, val, &e) != 0)
                die("observe", &e);
        }
        *lr_min = fmin(*lr_min, lr[0]);
        *lr_max = fmax(*lr_max, lr[0]);
    }
    return loss;
}

int main(void) {
    int bad = 0;
    const char *greedy = "patience=1;factor=0.8;min_lr_factor=0.1;max_lr_factor=10";
    const char *cosine = "eta_min=0.0001";
    const char *names[2] = {"greedy", "cosine"}, *settings[2] = {greedy, cosine};
    printf("lrlab %s: %d schedulers, %d optimizers\n", lrlab_version(), lrlab_scheduler_count(),
           lrlab_optimizer_count());
    for (int k = 0; k < 2; k++) {
        Run a, b;
        double lo = INFINITY, hi = 0, first = 0, dummy_lo = INFINITY, dummy_hi = 0;
        float g[NP];
        start(&a, names[k], settings[k]);
        first = loss_grad(a.w, g, -1);
        train(&a, 0, STEPS, &lo, &hi);
        const double last = loss_grad(a.w, g, -1);
        printf("%-6s + adam: validation loss %.4g -> %.4g, lr in [%.3g, %.3g]\n", names[k], first,
               last, lo, hi);
        bad |= !(last < 0.02 * first);
        if (k == 0) bad |= !(hi > 0.01); /* GreedyLR raised the rate while the loss fell */

        /* halfway: save both, restore into new objects, finish */
        start(&b, names[k], settings[k]);
        train(&b, 0, STEPS / 2, &dummy_lo, &dummy_hi);
        void *sb, *ob;
        size_t sn, on;
        LrlabError e;
        if (lrlab_scheduler_save(b.sched, &sb, &sn, &e) != 0) die("save", &e);
        if (lrlab_optimizer_save(b.opt, &ob, &on, &e) != 0) die("save", &e);
        float w[NP];
        memcpy(w, b.w, sizeof w);
        stop(&b);
        start(&b, names[k], settings[k]);
        memcpy(b.w, w, sizeof w);
        ((unsigned char *)ob)[on / 2] ^= 1; /* damaged: refused, nothing changed */
        if (lrlab_optimizer_load(b.opt, ob, on, &e) == 0) bad = 1;
        else printf("damaged blob refused: %s\n", e.message);
        ((unsigned char *)ob)[on / 2] ^= 1;
        if (lrlab_scheduler_load(b.sched, sb, sn, &e) != 0) die("load", &e);
        if (lrlab_optimizer_load(b.opt, ob, on, &e) != 0) die("load", &e);
        bad |= lrlab_optimizer_steps(b.opt) != STEPS / 2;
        train(&b, STEPS / 2, STEPS, &dummy_lo, &dummy_hi);
        const int same = memcmp(a.w, b.w, sizeof a.w) == 0;
        printf("%-6s resumed at step %d: %s (%zu + %zu bytes of state)\n", names[k], STEPS / 2,
               same ? "the same weights, bit for bit" : "DIFFERENT weights", sn, on);
        bad |= !same;
        free(sb);
        free(ob);
        stop(&a);
        stop(&b);
    }
    LrlabError e;
    if (lrlab_scheduler_new("greedy", "patience=-1", &(LrlabRun){.lr0 = 0.01, .total_steps = 1},
                            &e) != NULL ||
        e.code != 2)
        bad = 1;
    else printf("bad setting refused: %s\n", e.message);
    printf("%s\n", bad ? "FAILED" : "ok");
    return bad;
}
