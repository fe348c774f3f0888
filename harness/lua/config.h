/* config.h - the experiment-configuration loader: experiment scripts in the Lua sandbox
 * (harness/lua/sandbox.h).
 *
 * An experiment script is Lua 5.4 run in a sandbox (base, string, table and math
 * only; text chunks only; instruction and memory limits; math.random seeded from the
 * experiment seed). It builds components with constructor calls that validate at
 * once against the component's parameter table, reads the values of lrlab run --define
 * KEY=VALUE as define.KEY (strings; defines.h), and declares one experiment:
 *
 *   experiment {
 *     name = "quick", seeds = {1, 2, 3},
 *     tasks = { task "nmf" { dataset = "faces", rank = 16, steps = 600 } },
 *     optimizers = { optimizer "sgd" { lr = 0.5 } },
 *     schedulers = { scheduler "constant" {}, scheduler "greedy" { factor = 0.9 } },
 *   }
 *
 * Every error reads `file:line: subject: problem (expected X, got Y)`.
 */
#ifndef LRLAB_CONFIG_H
#define LRLAB_CONFIG_H

#include "harness/base/err.h"
#include "harness/base/param.h"
#include "harness/engine/defines.h"
#include "harness/optim/optim.h"
#include "schedulers/sched.h"
#include "tasks/task.h"

#include <stdint.h>

typedef enum CompKind { KIND_TASK, KIND_OPTIM, KIND_SCHED } CompKind;

typedef struct CompCfg {
    CompKind kind;
    const char *name;    /* registry name */
    const TaskDef *task; /* exactly one of the three is set, by kind */
    const OptimDef *optim;
    const SchedDef *sched;
    Params p;        /* the component's own parameters */
    Params common;   /* keys every component of this kind has (see config.c) */
    char label[64];  /* legend and CSV name: `label` key or derived */
    char where[256]; /* "file:line" of the constructor call */
    void *lua;       /* the script's lua_State, for Lua functions among the params */
} CompCfg;

/* A scheduler's hyperparameter grid for the tuning stage (tune = { schedulers = { LABEL =
 * { key = {a, b, ...} } } }): the cross product of its keys' grids as ncombo complete
 * parameter sets, each the scheduler's own parameters with the grid's values put in, and
 * each described as "key=value;key=value" (keys in the scheduler's table order). ncombo 0:
 * no grid, the scheduler's own parameters. */
typedef struct TuneHyper {
    int ncombo;
    Params *combo; /* [ncombo], owned */
    char **text;   /* [ncombo], owned */
} TuneHyper;

typedef struct Experiment {
    char name[64];
    char arm[512]; /* arm = "NAME" or { key = "value", ... }: "" or as names.h's arm_valid */
    char file[1024];
    char where[256];
    CompCfg *tasks, *optims, *scheds;
    int ntasks, noptims, nscheds;
    int64_t *seeds;
    int nseeds;
    int tune;            /* a tuning stage: optimizers with an lr grid pick it on tune_seed */
    int64_t tune_seed;   /* the first tuning seed */
    int64_t *tune_seeds; /* `seed`, or the list `seeds`: the choice ranks the mean over them */
    int ntune_seeds;
    int tune_extend;  /* extend = N: grid points added past a grid edge the choice sits on */
    int tune_more;    /* extend, seeds or schedulers given: tuning.csv's added columns */
    TuneHyper *hyper; /* [nscheds] when a scheduler has a hyperparameter grid, else NULL */
    char tune_by[16]; /* val_loss or train_loss, at the end of the tuning run */
    uint64_t lua_seed;
    void *lua; /* lua_State kept alive for Lua-defined functions */
} Experiment;

/* A script for `lrlab train-policy` declares instead one policy_training (harness/engine/ppo.h):
 *
 *   policy_training {
 *     name = "nmf", seeds = {1, 2, 3},
 *     tasks = { task "nmf" { dataset = "faces", rank = 16 }, ... },
 *     optimizer = optimizer "sgd" { lr = 1 },
 *     episodes = 800, steps = 1000, every = 50, seed = 1, ...
 *   }
 *
 * name, seeds, tasks and optimizer are read here; every other key is validated against the
 * trainer's parameter table, given to cfg_load_training. */
typedef struct PolicyTraining {
    char name[64];
    char file[1024];
    char where[256];
    CompCfg *tasks; /* the task distribution */
    int ntasks;
    CompCfg optim; /* the optimizer of every episode */
    int has_optim;
    int64_t *seeds; /* cell seeds episodes draw from */
    int nseeds;
    Params p; /* the trainer's keys */
    void *lua;
} PolicyTraining;

extern const ParamSpec cfg_task_common[], cfg_optim_common[], cfg_sched_common[];

/* cfg_load: runs the script, math.random seeded from lua_seed and the global table `define`
 * holding d (lrlab run --define; NULL: an empty table), and fills ex; on error fills e (exit
 * code 2). */
int cfg_load(const char *path, uint64_t lua_seed, const Defines *d, Experiment *ex, Err *e);
void cfg_free(Experiment *ex);
/* cfg_load_training: runs a training script and fills pt, its trainer keys checked against
 * spec; on error fills e (exit code 2). */
int cfg_load_training(const char *path, const ParamSpec *spec, PolicyTraining *pt, Err *e);
void cfg_free_training(PolicyTraining *pt);
const char *cfg_kind_name(CompKind k);

#endif
