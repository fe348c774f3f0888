/* registry.c - the list of schedulers and the generic wrapper around a definition. */
#include "schedulers/sched.h"

#include <stdlib.h>
#include <string.h>

extern const SchedDef sched_constant, sched_cosine, sched_greedy;
extern const SchedDef sched_hd, sched_sls, sched_lua, sched_sequential;
extern const SchedDef sched_step, sched_multistep, sched_exponential, sched_cosine_restarts;
extern const SchedDef sched_linear, sched_polynomial, sched_onecycle, sched_cyclic, sched_plateau;
extern const SchedDef sched_hf_constant, sched_hf_linear, sched_hf_cosine, sched_hf_polynomial;
extern const SchedDef sched_inverse_sqrt, sched_wsd, sched_rl;

const SchedDef *const sched_registry[] = {
    &sched_constant,
    &sched_step,
    &sched_multistep,
    &sched_exponential,
    &sched_linear,
    &sched_polynomial,
    &sched_cosine,
    &sched_cosine_restarts,
    &sched_onecycle,
    &sched_cyclic,
    &sched_plateau,
    &sched_greedy,
    &sched_hd,
    &sched_sls,
    &sched_lua,
    &sched_sequential,
    &sched_hf_constant,
    &sched_hf_linear,
    &sched_hf_cosine,
    &sched_hf_polynomial,
    &sched_inverse_sqrt,
    &sched_wsd,
    &sched_rl,
    NULL,
};

const SchedDef *sched_find(const char *name) {
    for (int i = 0; sched_registry[i]; i++)
        if (strcmp(sched_registry[i]->name, name) == 0) return sched_registry[i];
    return NULL;
}

int sched_create(Sched *s, const SchedDef *def, const Params *p, const SchedRun *run,
                 const char *where, Err *e) {
    s->def = def;
    s->st = NULL;
    if (def->check && def->check(p, run, where, e) != 0) return -1;
    s->st = xcalloc(1, def->state_size ? def->state_size : 1);
    if (def->init(s->st, p, run, e) != 0) {
        free(s->st);
        s->st = NULL;
        return -1;
    }
    return 0;
}

void sched_lr(Sched *s, const SchedStep *step, SchedLr *out) { s->def->lr(s->st, step, out); }

const char *sched_observe(Sched *s, SignalKind kind, int64_t step, double value) {
    if (s->def->observe) s->def->observe(s->st, kind, step, value);
    return s->def->error ? s->def->error(s->st) : NULL;
}

void sched_destroy(Sched *s) {
    if (s->st && s->def->destroy) s->def->destroy(s->st);
    free(s->st);
    s->st = NULL;
}
