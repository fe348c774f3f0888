/* optim.c - optimizer registry, lifecycle and gradient clipping (see optim.h). */
#include "harness/optim/optim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

extern const OptimDef optim_sgd, optim_adam, optim_adamw, optim_adagrad, optim_rmsprop,
    optim_adafactor;
extern const OptimDef optim_prodigy, optim_dadapt_adam;
extern const OptimDef optim_sgd_sf, optim_adamw_sf; /* harness/optim/schedulefree.c */

const OptimDef *const optim_registry[] = {
    &optim_sgd,     &optim_adam,      &optim_adamw,   &optim_adagrad,
    &optim_rmsprop, &optim_adafactor, &optim_prodigy, &optim_dadapt_adam,
    &optim_sgd_sf,  &optim_adamw_sf,  NULL,
};

const OptimDef *optim_find(const char *name) {
    for (int i = 0; optim_registry[i]; i++)
        if (strcmp(optim_registry[i]->name, name) == 0) return optim_registry[i];
    return NULL;
}

/* The parameters and the groups that a state blob must have been saved under. */
static void fingerprint(const Params *p, const Task *t, unsigned char out[32]) {
    Buf b = {0};
    params_dump(p, &b);
    buf_printf(&b, "\nnparams=%zu", t->n);
    for (int g = 0; g < t->ngroups; g++)
        buf_printf(&b, ";group=%s:%zu+%zu:%dx%d", t->groups[g].name, t->groups[g].off,
                   t->groups[g].n, t->groups[g].rows, t->groups[g].cols);
    state_fingerprint(b.s ? b.s : "", out);
    buf_free(&b);
}

int optim_create(Optim *o, const OptimDef *def, const Params *p, const Task *t, Err *e) {
    o->def = def;
    o->st = xcalloc(1, def->state_size);
    fingerprint(p, t, o->fingerprint);
    if (def->init(o->st, p, t, e) != 0) {
        free(o->st);
        o->st = NULL;
        return -1;
    }
    return 0;
}

void optim_destroy(Optim *o) {
    if (o->st && o->def->destroy) o->def->destroy(o->st);
    free(o->st);
    o->st = NULL;
}

static StateId state_id(const Optim *o) {
    StateId id = {'O', o->def->name, o->def->version, {0}};
    memcpy(id.fingerprint, o->fingerprint, 32);
    return id;
}

int optim_save(const Optim *o, int64_t steps, Buf *out, const char *where, Err *e) {
    const StateId id = state_id(o);
    return state_save(&id, steps, o->def->state, o->st, out, where, e);
}

int optim_load(Optim *o, const void *blob, size_t n, int64_t *steps, const char *where, Err *e) {
    const StateId id = state_id(o);
    return state_load(&id, blob, n, o->def->state, o->st, steps, where, e);
}

double optim_clip_grad_norm(float *g, size_t n, double max_norm) {
    double ss = 0;
    for (size_t i = 0; i < n; i++) ss += (double)g[i] * g[i];
    double norm = sqrt(ss);
    /* PyTorch: clip_coef = max_norm / (total_norm + 1e-6), applied when < 1. */
    double coef = max_norm / (norm + 1e-6);
    if (coef < 1.0) {
        float c = (float)coef;
        for (size_t i = 0; i < n; i++) g[i] *= c;
    }
    return norm;
}
