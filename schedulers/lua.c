/* lua.c - a scheduler written as Lua functions in the experiment script.
 *
 *   scheduler "lua" {
 *     lr = function(step, ctx) return ctx.lr0 * 0.5 ^ (step // 100) end,
 *     observe = function(signal, step, value, ctx) ... end,   -- optional feedback hook
 *   }
 *
 * lr(step, ctx) returns the learning rate of step `step` (0-based) for every group; ctx is
 * a table { lr0, total_steps, steps_per_epoch, eval_every, ngroups } the functions may also
 * use for their own state. observe(signal, step, value, ctx) sees "train_step" with the
 * minibatch loss after every step and "eval" with the validation loss after every
 * evaluation. Each call runs in the script's sandbox with a budget of 10^7 instructions; an
 * error (in lr or observe, at any step, the last one included) or a result that is not a
 * Lua number, finite and > 0 (a string "0.1" is not) ends the run as failed with the reason.
 * Closures keep state across calls; every cell starts from the script's state as it was when
 * the script finished, so runs are reproducible whatever the number of workers.
 */
#include "schedulers/sched.h"

#include "harness/lua/sandbox.h"

#include <lauxlib.h>
#include <lua.h>
#include <math.h>
#include <stdio.h>

#define CALL_BUDGET 10000000LL

static const ParamSpec params[] = {
    {"lr", PARAM_FUNC, NULL, 0, 0, 0, NULL, "function(step, ctx) returning the learning rate"},
    {"observe", PARAM_FUNC, NULL, 0, 0, PARAM_OPTIONAL, NULL,
     "function(signal, step, value, ctx) called with \"train_step\" and \"eval\" signals"},
    {0},
};

typedef struct {
    lua_State *L;
    int ref_lr, ref_obs, ref_ctx;
    char error[320];
} State;

static int init(void *st, const Params *p, const SchedRun *run, Err *e) {
    State *s = st;
    s->L = run->lua;
    if (!s->L)
        return err_set(e, EXIT_USAGE, NULL,
                       "scheduler \"lua\": needs an experiment script "
                       "(expected scheduler \"lua\" { lr = function ... })");
    s->ref_lr = params_func(p, "lr");
    s->ref_obs = params_func(p, "observe");
    lua_createtable(s->L, 0, 5);
    lua_pushnumber(s->L, run->lr0);
    lua_setfield(s->L, -2, "lr0");
    lua_pushinteger(s->L, run->total_steps);
    lua_setfield(s->L, -2, "total_steps");
    lua_pushinteger(s->L, run->steps_per_epoch);
    lua_setfield(s->L, -2, "steps_per_epoch");
    lua_pushinteger(s->L, run->eval_every);
    lua_setfield(s->L, -2, "eval_every");
    lua_pushinteger(s->L, run->ngroups);
    lua_setfield(s->L, -2, "ngroups");
    s->ref_ctx = luaL_ref(s->L, LUA_REGISTRYINDEX);
    return 0;
}

/* The script decides: lr() only requires a finite number > 0, so no upper bound. */
static void bounds(const Params *p, const SchedRun *run, double *lo, double *hi) {
    *lo = 0;
    *hi = INFINITY;
}

static void lr(void *st, const SchedStep *step, SchedLr *out) {
    State *s = st;
    if (s->error[0]) {
        out->error = s->error;
        return;
    }
    lua_rawgeti(s->L, LUA_REGISTRYINDEX, s->ref_lr);
    lua_pushinteger(s->L, step->step);
    lua_rawgeti(s->L, LUA_REGISTRYINDEX, s->ref_ctx);
    char msg[256];
    if (sandbox_call(s->L, 2, 1, CALL_BUDGET, msg, sizeof msg) != 0) {
        snprintf(s->error, sizeof s->error, "lr: %s", msg);
        out->error = s->error;
        return;
    }
    /* a number, not a string that reads as one ("0.1"): lua_tonumberx would convert it */
    const int isnum = lua_type(s->L, -1) == LUA_TNUMBER;
    const double x = isnum ? lua_tonumber(s->L, -1) : NAN;
    if (!isnum || !isfinite(x) || !(x > 0)) {
        char got[80];
        if (isnum) snprintf(got, sizeof got, isnan(x) ? "nan" : "%g", x); /* not -nan */
        else snprintf(got, sizeof got, "%s", luaL_typename(s->L, -1));
        snprintf(s->error, sizeof s->error, "lr: returned %s (expected a finite number > 0)", got);
        lua_pop(s->L, 1);
        out->error = s->error;
        return;
    }
    lua_pop(s->L, 1);
    sched_lr_fill(out, x);
}

static void observe(void *st, SignalKind kind, int64_t step, double value) {
    State *s = st;
    if (!s->ref_obs || s->error[0]) return;
    lua_rawgeti(s->L, LUA_REGISTRYINDEX, s->ref_obs);
    lua_pushstring(s->L, kind == SIGNAL_EVAL ? "eval" : "train_step");
    lua_pushinteger(s->L, step);
    lua_pushnumber(s->L, value);
    lua_rawgeti(s->L, LUA_REGISTRYINDEX, s->ref_ctx);
    char msg[256];
    if (sandbox_call(s->L, 4, 0, CALL_BUDGET, msg, sizeof msg) != 0)
        snprintf(s->error, sizeof s->error, "observe: %s", msg);
}

static const char *error(void *st) {
    State *s = st;
    return s->error[0] ? s->error : NULL;
}

static void destroy(void *st) {
    State *s = st;
    if (s->L) luaL_unref(s->L, LUA_REGISTRYINDEX, s->ref_ctx);
}

/* The scheduler's state lives in the experiment script's Lua values (its ctx table and the
 * functions' upvalues), which are not saved. */
static void state(void *st, StateIO *io) {
    state_refuse(io, "its state lives in the experiment script's Lua values, which are not saved");
}

const SchedDef sched_lua = {
    .name = "lua",
    .version = 1,
    .summary = "a schedule written as Lua functions in the experiment script",
    .reference = "lrlab",
    .params = params,
    .needs = SCHED_NEEDS_SCRIPT,
    .state_size = sizeof(State),
    .bounds = bounds,
    .init = init,
    .lr = lr,
    .observe = observe,
    .error = error,
    .destroy = destroy,
    .state = state,
};
