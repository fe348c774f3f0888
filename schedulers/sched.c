/* sched.c - the list of schedulers and the generic wrapper around a definition. */
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
#ifndef LRLAB_LIBRARY_ONLY /* the library without Lua (harness/api/lrlab.h) */
    &sched_lua,
#endif
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

/* The parameters and the shape of the run that a state blob must have been saved under. */
static void fingerprint(const Params *p, const SchedRun *run, unsigned char out[32]) {
    Buf b = {0};
    params_dump(p, &b);
    buf_printf(&b, "\nlr0=");
    buf_num(&b, run->lr0);
    buf_printf(&b, ";total_steps=%lld;steps_per_epoch=%lld;eval_every=%lld;nparams=%zu",
               (long long)run->total_steps, (long long)run->steps_per_epoch,
               (long long)run->eval_every, run->nparams);
    for (int g = 0; g < run->ngroups; g++)
        buf_printf(&b, ";group=%s:%zu+%zu", run->groups ? run->groups[g].name : "",
                   run->groups ? run->groups[g].off : 0, run->groups ? run->groups[g].n : 0);
    state_fingerprint(b.s ? b.s : "", out);
    buf_free(&b);
}

int sched_create(Sched *s, const SchedDef *def, const Params *p, const SchedRun *run,
                 const char *where, Err *e) {
    s->def = def;
    s->st = NULL;
    if (def->check && def->check(p, run, where, e) != 0) return -1;
    s->st = xcalloc(1, def->state_size ? def->state_size : 1);
    fingerprint(p, run, s->fingerprint);
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

void sched_state_visit(Sched *s, StateIO *io) {
    if (s->def->state) s->def->state(s->st, io);
}

static StateId state_id(const Sched *s) {
    StateId id = {'S', s->def->name, s->def->version, {0}};
    memcpy(id.fingerprint, s->fingerprint, 32);
    return id;
}

int sched_save(const Sched *s, Buf *out, const char *where, Err *e) {
    const StateId id = state_id(s);
    return state_save(&id, 0, s->def->state, s->st, out, where, e);
}

int sched_load(Sched *s, const void *blob, size_t n, const char *where, Err *e) {
    const StateId id = state_id(s);
    return state_load(&id, blob, n, s->def->state, s->st, NULL, where, e);
}
