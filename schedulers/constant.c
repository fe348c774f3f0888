/* constant.c - the constant schedule: every step uses the optimizer's base learning rate. */
#include "schedulers/sched.h"

static const ParamSpec params[] = {{0}};

typedef struct {
    double lr0;
} State;

static int init(void *st, const Params *p, const SchedRun *run, Err *e) {
    ((State *)st)->lr0 = run->lr0;
    return 0;
}

static void lr(void *st, const SchedStep *s, SchedLr *out) {
    sched_lr_fill(out, ((State *)st)->lr0);
}

const SchedDef sched_constant = {
    .name = "constant",
    .version = 1,
    .summary = "the base learning rate at every step",
    .reference = "PyTorch ConstantLR with factor 1",
    .params = params,
    .state_size = sizeof(State),
    .init = init,
    .lr = lr,
};
