/* config.c - the experiment-configuration loader (see config.h): the constructors, experiment
 * { ... } and policy_training { ... }, run in the Lua state of harness/lua/sandbox.c.
 *
 * Follows the constructor-style configuration of lsyncd/awesome: `task "nmf" { ... }` returns
 * a validated component immediately, raising errors at the caller's line.
 */
#include "harness/lua/config.h"

#include "harness/base/names.h"
#include "harness/base/sha256.h"
#include "harness/lua/sandbox.h"

#include <lauxlib.h>
#include <lua.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COMP_MT "lrlab.component"

const ParamSpec cfg_task_common[] = {
    {"label", PARAM_STR, NULL, 0, 0, PARAM_OPTIONAL, NULL,
     "name in results and legends (default: task-dataset)"},
    {"steps", PARAM_INT, "1000", 1, 1e9, 0, NULL, "training steps of every run"},
    {"eval_every", PARAM_INT, NULL, 1, 1e9, PARAM_OPTIONAL, NULL,
     "steps between evaluations (default: steps / 20)"},
    {"diverge_factor", PARAM_NUM, "1e3", 1, INFINITY, PARAM_LO_OPEN, NULL,
     "a run diverges when its loss exceeds this multiple of its first loss"},
    {0},
};
const ParamSpec cfg_optim_common[] = {
    {"label", PARAM_STR, NULL, 0, 0, PARAM_OPTIONAL, NULL, "name in results (default: name)"},
    {"lr", PARAM_LIST, NULL, 0, INFINITY, PARAM_LO_OPEN | PARAM_INCREASING, NULL,
     "base learning rate, or a grid {a, b, ...} chosen per task and scheduler by the "
     "experiment's tune stage"},
    {"clip_norm", PARAM_NUM, NULL, 0, INFINITY, PARAM_LO_OPEN | PARAM_OPTIONAL, NULL,
     "clip the gradient to this global L2 norm (default: no clipping)"},
    {0},
};
const ParamSpec cfg_sched_common[] = {
    {"label", PARAM_STR, NULL, 0, 0, PARAM_OPTIONAL, NULL, "name in results (default: name)"},
    {"warmup_steps", PARAM_INT, "0", 0, 1e9, 0, NULL,
     "linear warmup: the first steps' lr is scaled from warmup_start_factor up to 1"},
    {"warmup_start_factor", PARAM_NUM, "0.1", 0, 1, PARAM_LO_OPEN, NULL,
     "scale of the lr at step 0 of the warmup"},
    {0},
};

const char *cfg_kind_name(CompKind k) {
    return k == KIND_TASK ? "task" : k == KIND_OPTIM ? "optimizer" : "scheduler";
}

/* ---- raising errors at the caller's line ---- */

static void where_of(lua_State *L, char *out, size_t n) {
    luaL_where(L, 1);
    snprintf(out, n, "%s", lua_tostring(L, -1));
    lua_pop(L, 1);
    size_t len = strlen(out);
    if (len >= 2 && out[len - 2] == ':' && out[len - 1] == ' ') out[len - 2] = '\0';
}

/* raise_err, raise, raise_at: throw a Lua error (lua_error longjmps to the loader's
 * lua_pcall) and never return; typed int so that a Lua C function can `return raise(...)`. */
static int raise_err(lua_State *L, const Err *e) __attribute__((noreturn));
static int raise_err(lua_State *L, const Err *e) {
    lua_pushstring(L, e->msg);
    lua_error(L);
    abort();
}

static int raise(lua_State *L, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));
static int raise(lua_State *L, const char *fmt, ...) {
    char where[256], msg[512];
    va_list ap;
    where_of(L, where, sizeof where);
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    lua_pushfstring(L, "%s: %s", where, msg);
    lua_error(L);
    abort();
}

/* raise_at: as raise, at a given "file:line" (a component's constructor call). */
static int raise_at(lua_State *L, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), noreturn));
static int raise_at(lua_State *L, const char *where, const char *fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    lua_pushfstring(L, "%s: %s", where, msg);
    lua_error(L);
    abort();
}

static void describe_value(lua_State *L, int idx, char *out, size_t n) {
    int t = lua_type(L, idx);
    if (t == LUA_TSTRING) { /* escaped: a message stays one printable line */
        size_t len, k;
        const char *v = lua_tolstring(L, idx, &len);
        k = (size_t)snprintf(out, n, "string ");
        if (k < n) name_show(out + k, n - k, v, len);
    } else if (lua_isinteger(L, idx)) snprintf(out, n, LUA_INTEGER_FMT, lua_tointeger(L, idx));
    else if (t == LUA_TNUMBER && isnan(lua_tonumber(L, idx)))
        snprintf(out, n, "nan"); /* not -nan */
    else if (t == LUA_TNUMBER) { /* the shortest text that reads back as the number */
        for (int prec = 15; prec <= 17; prec++) {
            snprintf(out, n, "%.*g", prec, lua_tonumber(L, idx));
            if (strtod(out, NULL) == lua_tonumber(L, idx)) break;
        }
    } else if (t == LUA_TBOOLEAN) snprintf(out, n, "%s", lua_toboolean(L, idx) ? "true" : "false");
    else if (t == LUA_TUSERDATA && luaL_testudata(L, idx, COMP_MT)) {
        CompCfg *c = *(CompCfg **)lua_touserdata(L, idx);
        snprintf(out, n, "%s \"%s\"", cfg_kind_name(c->kind), c->name);
    } else snprintf(out, n, "%s", luaL_typename(L, idx));
}

/* ---- component constructors ---- */

static const ParamSpec *common_spec(CompKind k) {
    return k == KIND_TASK ? cfg_task_common : k == KIND_OPTIM ? cfg_optim_common : cfg_sched_common;
}

static int comp_gc(lua_State *L) {
    CompCfg **pc = luaL_checkudata(L, 1, COMP_MT);
    if (*pc) {
        params_free(&(*pc)->p);
        params_free(&(*pc)->common);
        free(*pc);
        *pc = NULL;
    }
    return 0;
}

/* Sets one key from the Lua value at the top of the stack. */
static int set_value(lua_State *L, Params *p, const ParamSpec *s, const char *subject, Err *e) {
    char got[128];
    const char *key = s->name;
    int t = lua_type(L, -1);
    switch (s->type) {
    case PARAM_NUM:
    case PARAM_INT:
        /* an integer past 2^53 would round silently on its way to a double */
        if (s->type == PARAM_INT && lua_isinteger(L, -1) &&
            (lua_tointeger(L, -1) > ((lua_Integer)1 << 53) ||
             lua_tointeger(L, -1) < -((lua_Integer)1 << 53))) {
            char ex[160];
            param_expect(s, ex, sizeof ex);
            describe_value(L, -1, got, sizeof got);
            return err_set(e, EXIT_USAGE, subject, "%s: invalid value (expected %s%s, got %s)", key,
                           ex, isinf(s->lo) || isinf(s->hi) ? " and at most 2^53" : "", got);
        }
        if (t == LUA_TNUMBER) return params_set_num(p, key, lua_tonumber(L, -1), subject, e);
        break;
    case PARAM_BOOL:
        if (t == LUA_TBOOLEAN) return params_set_bool(p, key, lua_toboolean(L, -1), subject, e);
        break;
    case PARAM_ENUM:
    case PARAM_STR:
        if (t == LUA_TSTRING) return params_set_str(p, key, lua_tostring(L, -1), subject, e);
        break;
    case PARAM_LIST:
        if (t == LUA_TNUMBER) {
            double x = lua_tonumber(L, -1);
            return params_set_list(p, key, &x, 1, subject, e);
        }
        if (t == LUA_TTABLE) {
            lua_Integer n = luaL_len(L, -1);
            if (n > 4096) n = 4096;
            double *x = xmalloc(sizeof(double) * (size_t)(n ? n : 1));
            int ok = 1;
            for (lua_Integer i = 1; i <= n && ok; i++) {
                lua_rawgeti(L, -1, i); /* raw: a metamethod raising here would leak x */
                if (lua_type(L, -1) != LUA_TNUMBER) {
                    describe_value(L, -1, got, 96);
                    char ex[160];
                    param_expect(s, ex, sizeof ex);
                    char pos[160];
                    snprintf(pos, sizeof pos, "%s at position %lld", got, (long long)i);
                    err_set(e, EXIT_USAGE, subject, "%s: invalid value (expected %s, got %s)", key,
                            ex, pos);
                    ok = 0;
                } else {
                    x[i - 1] = lua_tonumber(L, -1);
                }
                lua_pop(L, 1);
            }
            int rc = ok ? params_set_list(p, key, x, (int)n, subject, e) : -1;
            free(x);
            return rc;
        }
        break;
    case PARAM_COMPS:
        if (t == LUA_TTABLE) {
            lua_Integer n = luaL_len(L, -1);
            if (n < 1 || n > 64) break;
            ParamComp *comps = xcalloc((size_t)n, sizeof(ParamComp));
            for (lua_Integer i = 1; i <= n; i++) {
                lua_rawgeti(L, -1, i); /* raw: a metamethod raising here would leak comps */
                CompCfg **pc = luaL_testudata(L, -1, COMP_MT);
                const ParamSpec *spec = NULL;
                const void *def = pc && *pc ? s->resolve((*pc)->name, &spec) : NULL;
                if (!def || (*pc)->kind != KIND_SCHED) {
                    describe_value(L, -1, got, sizeof got);
                    lua_pop(L, 1);
                    for (lua_Integer k = 1; k < i; k++) {
                        params_free(comps[k - 1].params);
                        free(comps[k - 1].params);
                    }
                    free(comps);
                    return err_set(e, EXIT_USAGE, subject,
                                   "%s: entry %lld: invalid value "
                                   "(expected a scheduler among %s, got %s)",
                                   key, (long long)i, s->choices, got);
                }
                if (params_isset(&(*pc)->common, "warmup_steps") ||
                    params_isset(&(*pc)->common, "label")) {
                    lua_pop(L, 1);
                    for (lua_Integer k = 1; k < i; k++) {
                        params_free(comps[k - 1].params);
                        free(comps[k - 1].params);
                    }
                    free(comps);
                    return err_set(e, EXIT_USAGE, subject,
                                   "%s: entry %lld: label and warmup "
                                   "keys belong on the outer scheduler (expected none inside, "
                                   "got one)",
                                   key, (long long)i);
                }
                comps[i - 1].def = def;
                snprintf(comps[i - 1].name, sizeof comps[i - 1].name, "%s", (*pc)->name);
                comps[i - 1].params = xcalloc(1, sizeof(Params));
                params_copy(comps[i - 1].params, &(*pc)->p);
                lua_pop(L, 1);
            }
            return params_set_comps(p, key, comps, (int)n, subject, e);
        }
        break;
    case PARAM_FUNC:
        if (t == LUA_TFUNCTION) {
            /* identity for the cell id: the script's content and the function's lines, so a
             * changed function is a new cell and an unchanged one resumes */
            lua_Debug ar;
            lua_pushvalue(L, -1);
            lua_getinfo(L, ">S", &ar);
            lua_getfield(L, LUA_REGISTRYINDEX, "lrlab.script_sha256");
            char ident[160];
            snprintf(ident, sizeof ident, "function@%s:%d-%d", lua_tostring(L, -1), ar.linedefined,
                     ar.lastlinedefined);
            lua_pop(L, 1);
            lua_pushvalue(L, -1);
            return params_set_func(p, key, luaL_ref(L, LUA_REGISTRYINDEX), ident, subject, e);
        }
        break;
    }
    char ex[160];
    param_expect(s, ex, sizeof ex);
    describe_value(L, -1, got, sizeof got);
    return err_set(e, EXIT_USAGE, subject, "%s: invalid value (expected %s, got %s)", key, ex, got);
}

static int comp_build(lua_State *L) {
    CompKind kind = (CompKind)lua_tointeger(L, lua_upvalueindex(1));
    const char *name = lua_tostring(L, lua_upvalueindex(2));
    char subject[512], where[256];
    where_of(L, where, sizeof where);
    snprintf(subject, sizeof subject, "%s: %s \"%s\"", where, cfg_kind_name(kind), name);
    if (lua_type(L, 1) != LUA_TTABLE || lua_gettop(L) != 1) {
        char got[128];
        describe_value(L, 1, got, sizeof got);
        return raise(L, "%s \"%s\": invalid arguments (expected one table of parameters, got %s)",
                     cfg_kind_name(kind), name, lua_gettop(L) ? got : "nothing");
    }
    if (sandbox_count_component(L) != 0)
        return raise(L,
                     "component limit exceeded (expected a script that builds at most %d "
                     "components, got more)",
                     SANDBOX_MAX_COMPONENTS);
    CompCfg **pc = lua_newuserdatauv(L, sizeof(CompCfg *), 0);
    *pc = NULL;
    luaL_setmetatable(L, COMP_MT);
    CompCfg *c = xcalloc(1, sizeof *c);
    *pc = c;
    c->kind = kind;
    c->lua = L;
    c->name = name; /* interned in the registry below */
    const ParamSpec *spec = NULL;
    if (kind == KIND_TASK)
        c->task = task_find(name), spec = c->task->params, c->name = c->task->name;
    if (kind == KIND_OPTIM)
        c->optim = optim_find(name), spec = c->optim->params, c->name = c->optim->name;
    if (kind == KIND_SCHED)
        c->sched = sched_find(name), spec = c->sched->params, c->name = c->sched->name;
    snprintf(c->where, sizeof c->where, "%s", where);
    params_init(&c->p, spec);
    params_init(&c->common, common_spec(kind));
    Err e;
    lua_pushnil(L);
    while (lua_next(L, 1)) {
        if (lua_type(L, -2) != LUA_TSTRING) {
            char got[128];
            describe_value(L, -2, got, sizeof got);
            return raise(L, "%s \"%s\": invalid key (expected a parameter name, got %s)",
                         cfg_kind_name(kind), name, got);
        }
        const char *key = lua_tostring(L, -2);
        const ParamSpec *s = param_find(spec, key);
        Params *target = &c->p;
        if (!s) s = param_find(common_spec(kind), key), target = &c->common;
        if (!s) {
            char a[512], b[256];
            param_names(spec, a, sizeof a);
            param_names(common_spec(kind), b, sizeof b);
            return raise(L, "%s \"%s\": %s: unknown key (expected one of %s%s%s)",
                         cfg_kind_name(kind), name, key, a, *a ? ", " : "", b);
        }
        /* a label follows the rule for names, its whole Lua string (a "\0" inside included) */
        if (target == &c->common && strcmp(s->name, "label") == 0 &&
            lua_type(L, -1) == LUA_TSTRING) {
            size_t len;
            const char *v = lua_tolstring(L, -1, &len);
            if (name_check(v, len, subject, "label", &e) != 0) return raise_err(L, &e);
        }
        if (set_value(L, target, s, subject, &e) != 0) return raise_err(L, &e);
        lua_pop(L, 1);
    }
    if (params_check_required(&c->p, where, subject + strlen(where) + 2, &e) != 0 ||
        params_check_required(&c->common, where, subject + strlen(where) + 2, &e) != 0)
        return raise_err(L, &e);
    return 1;
}

static int comp_ctor(lua_State *L) {
    CompKind kind = (CompKind)lua_tointeger(L, lua_upvalueindex(1));
    if (lua_type(L, 1) != LUA_TSTRING) {
        char got[128];
        describe_value(L, 1, got, sizeof got);
        return raise(L, "%s: invalid name (expected a string such as %s \"%s\", got %s)",
                     cfg_kind_name(kind), cfg_kind_name(kind),
                     kind == KIND_TASK    ? "nmf"
                     : kind == KIND_OPTIM ? "sgd"
                                          : "cosine",
                     got);
    }
    const char *name = lua_tostring(L, 1);
    int found = kind == KIND_TASK    ? task_find(name) != NULL
                : kind == KIND_OPTIM ? optim_find(name) != NULL
                                     : sched_find(name) != NULL;
    if (!found) {
        char names[1024];
        size_t off = 0;
        names[0] = '\0';
        for (int i = 0;; i++) {
            const char *n = kind == KIND_TASK ? (task_registry[i] ? task_registry[i]->name : NULL)
                            : kind == KIND_OPTIM
                                ? (optim_registry[i] ? optim_registry[i]->name : NULL)
                                : (sched_registry[i] ? sched_registry[i]->name : NULL);
            if (!n) break;
            off += (size_t)snprintf(names + off, sizeof names - off, "%s%s", i ? ", " : "", n);
            if (off >= sizeof names) break;
        }
        return raise(L, "%s \"%s\": unknown %s (expected one of %s)", cfg_kind_name(kind), name,
                     cfg_kind_name(kind), names);
    }
    lua_pushinteger(L, kind);
    lua_pushvalue(L, 1);
    lua_pushcclosure(L, comp_build, 2);
    return 1;
}

/* ---- experiment { ... } ---- */

static const char *const experiment_keys[] = {"name",       "seeds", "tasks", "optimizers",
                                              "schedulers", "tune",  "arm",   NULL};

/* take_list: the list `key` of the table at index 1 (of experiment or policy_training, named
 * ctx in messages), each entry a component of `kind`. */
static void take_list(lua_State *L, const char *ctx, const char *key, CompKind kind, CompCfg **out,
                      int *nout) {
    lua_getfield(L, 1, key);
    if (lua_type(L, -1) != LUA_TTABLE)
        raise(L, "%s: %s: invalid value (expected a list of %s constructors, got %s)", ctx, key,
              cfg_kind_name(kind), luaL_typename(L, -1));
    lua_Integer n = luaL_len(L, -1);
    if (n < 1 || n > 10000)
        raise(L, "%s: %s: invalid value (expected 1 to 10000 entries, got %lld)", ctx, key,
              (long long)n);
    *out = xcalloc((size_t)n, sizeof(CompCfg));
    *nout = 0;
    for (lua_Integer i = 1; i <= n; i++) {
        lua_geti(L, -1, i);
        CompCfg **pc = luaL_testudata(L, -1, COMP_MT);
        if (!pc || !*pc || (*pc)->kind != kind) {
            char got[128], where[256];
            describe_value(L, -1, got, sizeof got);
            /* a component of the wrong kind is reported where it was built */
            if (pc && *pc) snprintf(where, sizeof where, "%s", (*pc)->where);
            else where_of(L, where, sizeof where);
            raise_at(L, where,
                     "%s: %s: entry %lld: invalid value (expected %s \"NAME\" "
                     "{ ... }, got %s)",
                     ctx, key, (long long)i, cfg_kind_name(kind), got);
        }
        CompCfg *dst = &(*out)[(*nout)++];
        *dst = **pc;
        params_copy(&dst->p, &(*pc)->p);
        params_copy(&dst->common, &(*pc)->common);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    /* labels: given, or derived; they must be unique within the list */
    for (int i = 0; i < *nout; i++) {
        CompCfg *c = &(*out)[i];
        const char *given = params_str(&c->common, "label");
        if (given) snprintf(c->label, sizeof c->label, "%s", given);
        else if (kind == KIND_TASK && param_find(c->p.spec, "dataset"))
            snprintf(c->label, sizeof c->label, "%s-%s", c->name, params_str(&c->p, "dataset"));
        else snprintf(c->label, sizeof c->label, "%s", c->name);
        Err e;
        if (name_check(c->label, strlen(c->label), c->where, "label", &e) != 0) raise_err(L, &e);
        for (int j = 0; j < i; j++)
            if (strcmp((*out)[j].label, c->label) == 0)
                raise_at(L, c->where,
                         "%s: %s: entries %d and %d are both named \"%s\" "
                         "(expected distinct labels, set label = \"...\" on one "
                         "of them)",
                         ctx, key, j + 1, i + 1, c->label);
    }
}

/* warn_ignored: one warning line on stderr for each parameter given to a component that does
 * not apply to it (ParamSpec.applies: NMF's m with dataset = faces), once per distinct line.
 * Such a value is ignored, and a script that gives one is not refused: its cells' ids hash
 * the value, so removing it from a script would give them new ids. */
static void warn_ignored(const CompCfg *c, int n) {
    Err *seen = NULL, e;
    int nseen = 0;
    for (int i = 0; i < n; i++) {
        char subject[96];
        snprintf(subject, sizeof subject, "%s \"%s\"", cfg_kind_name(c[i].kind), c[i].name);
        for (int k = params_ignored(&c[i].p, 0, c[i].where, subject, &e); k >= 0;
             k = params_ignored(&c[i].p, k + 1, c[i].where, subject, &e)) {
            int dup = 0;
            for (int j = 0; j < nseen && !dup; j++) dup = strcmp(seen[j].msg, e.msg) == 0;
            if (dup) continue;
            fprintf(stderr, "lrlab: warning: %s\n", e.msg);
            seen = xrealloc(seen, sizeof(Err) * (size_t)(nseen + 1));
            seen[nseen++] = e;
        }
    }
    free(seen);
}

static int by_str(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* take_arm: arm = "NAME" or { key = "value", ... } (the value at the top of the stack): which
 * arm of a study this experiment is, written to provenance.txt and read by lrlab compare
 * --multiverse; keys sorted, joined as key=value;key=value (names.h, arm_valid). */
static void take_arm(lua_State *L, Experiment *ex) {
    char got[256];
    if (lua_type(L, -1) == LUA_TSTRING) {
        size_t len;
        const char *s = lua_tolstring(L, -1, &len);
        if (strchr(s, ';') || !arm_valid(s)) {
            name_show(got, sizeof got, s, len);
            raise(L,
                  "experiment: arm: invalid value (expected a name (%s) or a table of "
                  "names, got string %s)",
                  NAME_RULE, got);
        }
        snprintf(ex->arm, sizeof ex->arm, "%s", s);
        return;
    }
    if (lua_type(L, -1) != LUA_TTABLE) {
        describe_value(L, -1, got, sizeof got);
        raise(L,
              "experiment: arm: invalid value (expected a name or a table { key = \"value\", "
              "... }, got %s)",
              got);
    }
    const char *keys[ARM_MAX_AXES + 1];
    int n = 0;
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        size_t kl = 0, vl = 0;
        const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tolstring(L, -2, &kl) : NULL;
        const char *v = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, &vl) : NULL;
        if (!k || !name_valid(k, kl) || strchr(k, '=')) {
            if (k) name_show(got, sizeof got, k, kl);
            else describe_value(L, -2, got, sizeof got);
            raise(L, "experiment: arm: invalid key (expected a name without =, got %s)", got);
        }
        if (!v || !name_valid(v, vl)) {
            if (v) name_show(got, sizeof got, v, vl);
            else describe_value(L, -1, got, sizeof got);
            raise(L, "experiment: arm: %s: invalid value (expected a string, %s, got %s)", k,
                  NAME_RULE, got);
        }
        if (n == ARM_MAX_AXES)
            raise(L, "experiment: arm: too many keys (expected at most %d)", ARM_MAX_AXES);
        keys[n++] = k;
        lua_pop(L, 1);
    }
    if (n == 0) raise(L, "experiment: arm: empty table (expected at least one key = \"value\")");
    qsort(keys, (size_t)n, sizeof keys[0], by_str);
    size_t at = 0;
    for (int i = 0; i < n; i++) {
        lua_getfield(L, -1, keys[i]);
        at += (size_t)snprintf(ex->arm + at, at < sizeof ex->arm ? sizeof ex->arm - at : 0,
                               "%s%s=%s", i ? ";" : "", keys[i], lua_tostring(L, -1));
        lua_pop(L, 1);
    }
    if (at > ARM_MAX_LEN)
        raise(L,
              "experiment: arm: too long (expected at most %d characters as key=value;..., "
              "got %zu)",
              ARM_MAX_LEN, at);
}

/* take_name: the `name` of the table at index 1 into out[NAME_MAX_LEN + 1]: a name by the
 * rule for names (names.h). */
static void take_name(lua_State *L, const char *ctx, char *out) {
    lua_getfield(L, 1, "name");
    size_t len = 0;
    const char *name = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, &len) : NULL;
    if (!name_valid(name, len)) {
        char got[256];
        if (name) name_show(got, sizeof got, name, len);
        else describe_value(L, -1, got, sizeof got);
        raise(L, "%s: name: invalid value (expected %s, got %s%s)", ctx, NAME_RULE,
              name ? "string " : "", got);
    }
    memcpy(out, name, len + 1);
    lua_pop(L, 1);
}

/* take_seeds: the list `seeds` of the table at index 1: distinct integers in [0, 2^53). */

typedef struct SeedAt {
    int64_t seed;
    int at; /* entry index */
} SeedAt;

static int by_seed(const void *a, const void *b) {
    const SeedAt *x = a, *y = b;
    if (x->seed != y->seed) return x->seed < y->seed ? -1 : 1;
    return (x->at > y->at) - (x->at < y->at);
}

static void take_seeds(lua_State *L, const char *ctx, int64_t **seeds, int *nseeds) {
    lua_getfield(L, 1, "seeds");
    lua_Integer n = lua_type(L, -1) == LUA_TTABLE ? luaL_len(L, -1) : 0;
    if (lua_type(L, -1) != LUA_TTABLE || n < 1 || n > 100000) {
        char got[128];
        if (lua_type(L, -1) != LUA_TTABLE) describe_value(L, -1, got, sizeof got);
        else if (n == 0) snprintf(got, sizeof got, "an empty list");
        else snprintf(got, sizeof got, "%lld entries", (long long)n);
        raise(L, "%s: seeds: invalid value (expected a list of 1 to 100000 integers, got %s)", ctx,
              got);
    }
    *nseeds = (int)n;
    *seeds = xcalloc((size_t)n, sizeof(int64_t));
    for (int i = 0; i < *nseeds; i++) {
        lua_geti(L, -1, i + 1);
        lua_Number x = lua_tonumber(L, -1);
        if (!lua_isnumber(L, -1) || x != floor(x) || x < 0 || x > 9007199254740991.0) {
            char got[128];
            describe_value(L, -1, got, sizeof got);
            raise(L,
                  "%s: seeds: entry %d: invalid value (expected an integer in [0, 2^53), got "
                  "%s)",
                  ctx, i + 1, got);
        }
        (*seeds)[i] = (int64_t)x;
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    /* the first entry that repeats an earlier one: sorted by (seed, entry), every entry but
     * the first of a run of equal seeds repeats one (sorting: 100,000 seeds in milliseconds) */
    SeedAt *by = xcalloc((size_t)n, sizeof *by);
    for (int i = 0; i < *nseeds; i++) by[i] = (SeedAt){(*seeds)[i], i};
    qsort(by, (size_t)n, sizeof *by, by_seed);
    int dup = -1;
    for (int i = 1; i < *nseeds; i++)
        if (by[i].seed == by[i - 1].seed && (dup < 0 || by[i].at < dup)) dup = by[i].at;
    free(by);
    if (dup >= 0)
        raise(L,
              "%s: seeds: entry %d: duplicate seed (expected distinct seeds, got %lld "
              "twice)",
              ctx, dup + 1, (long long)(*seeds)[dup]);
}

/* ---- tune = { ... }: the tuning stage of DeepOBS / Crowded Valley ----
 *
 *   seed = S or seeds = {S1, S2, ...}  tuning seeds, none an evaluation seed
 *   by = "val_loss" | "train_loss"     the final value the choice ranks (the mean over seeds)
 *   extend = N                         up to N grid points added past each edge of an lr grid
 *                                      the choice sits on (harness/engine/tune.h)
 *   schedulers = { LABEL = { key = {a, b, ...} } }  scheduler hyperparameter grids, crossed
 *                                      with the lr grid on the same tuning runs
 */
#define TUNE_MAX_SEEDS 100
#define TUNE_MAX_EXTEND 100
#define TUNE_MAX_GRID 64
#define TUNE_MAX_COMBOS 4096

/* tune_seed_at: the seed at the top of the stack, `what` naming it in messages. */
static int64_t tune_seed_at(lua_State *L, const Experiment *ex, const char *what) {
    lua_Number x = lua_tonumber(L, -1);
    if (!lua_isnumber(L, -1) || x != floor(x) || x < 0 || x > 9007199254740991.0) {
        char got[128];
        describe_value(L, -1, got, sizeof got);
        raise(L,
              "experiment: tune: %s: invalid value (expected an integer in [0, 2^53), "
              "got %s)",
              what, lua_isnil(L, -1) ? "nothing" : got);
    }
    for (int i = 0; i < ex->nseeds; i++)
        if (ex->seeds[i] == (int64_t)x)
            raise(L,
                  "experiment: tune: %s: also an evaluation seed (expected a seed not in "
                  "seeds, got %lld)",
                  what, (long long)x);
    return (int64_t)x;
}

/* take_tune_seeds: `seed` or the list `seeds` of the tune table at the top of the stack. */
static void take_tune_seeds(lua_State *L, Experiment *ex) {
    lua_getfield(L, -1, "seeds");
    int has_list = !lua_isnil(L, -1);
    lua_getfield(L, -2, "seed");
    if (has_list && !lua_isnil(L, -1))
        raise(L, "experiment: tune: seed and seeds: both given (expected one of them, got "
                 "both)");
    if (!has_list) {
        ex->tune_seeds = xcalloc(1, sizeof(int64_t));
        ex->tune_seeds[0] = tune_seed_at(L, ex, "seed");
        ex->ntune_seeds = 1;
        lua_pop(L, 2);
        return;
    }
    lua_pop(L, 1);
    lua_Integer n = lua_type(L, -1) == LUA_TTABLE ? luaL_len(L, -1) : 0;
    if (n < 1 || n > TUNE_MAX_SEEDS) {
        char got[128];
        if (lua_type(L, -1) != LUA_TTABLE) describe_value(L, -1, got, sizeof got);
        else snprintf(got, sizeof got, "%lld entries", (long long)n);
        raise(L,
              "experiment: tune: seeds: invalid value (expected a list of 1 to %d "
              "integers, got %s)",
              TUNE_MAX_SEEDS, got);
    }
    ex->tune_seeds = xcalloc((size_t)n, sizeof(int64_t));
    for (int i = 0; i < (int)n; i++) {
        char what[64];
        snprintf(what, sizeof what, "seeds: entry %d", i + 1);
        lua_geti(L, -1, i + 1);
        ex->tune_seeds[i] = tune_seed_at(L, ex, what);
        lua_pop(L, 1);
        for (int j = 0; j < i; j++)
            if (ex->tune_seeds[j] == ex->tune_seeds[i])
                raise(L,
                      "experiment: tune: seeds: entry %d: duplicate seed (expected distinct "
                      "seeds, got %lld twice)",
                      i + 1, (long long)ex->tune_seeds[i]);
        ex->ntune_seeds = i + 1;
    }
    lua_pop(L, 1);
}

/* take_tune_extend: `extend`, and a grid step for every lr grid it would extend. */
static void take_tune_extend(lua_State *L, Experiment *ex) {
    lua_getfield(L, -1, "extend");
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        return;
    }
    lua_Number x = lua_tonumber(L, -1);
    if (!lua_isnumber(L, -1) || lua_type(L, -1) != LUA_TNUMBER || x != floor(x) || x < 0 ||
        x > TUNE_MAX_EXTEND) {
        char got[128];
        describe_value(L, -1, got, sizeof got);
        raise(L,
              "experiment: tune: extend: invalid value (expected an integer in [0, %d], got "
              "%s)",
              TUNE_MAX_EXTEND, got);
    }
    ex->tune_extend = (int)x;
    lua_pop(L, 1);
    if (ex->tune_extend == 0) return;
    int grids = 0;
    for (int i = 0; i < ex->noptims; i++) {
        const CompCfg *o = &ex->optims[i];
        int n;
        const double *g = params_list(&o->common, "lr", &n);
        if (n < 2) continue;
        grids++;
        const double lo = g[1] / g[0], hi = g[n - 1] / g[n - 2];
        if (!(g[0] > 0) || !isfinite(lo) || !(lo > 1) || !isfinite(hi) || !(hi > 1))
            raise_at(L, o->where,
                     "optimizer \"%s\": lr: no grid step to extend by (expected a "
                     "grid of positive values whose two lowest and two highest have a finite "
                     "ratio above 1, got ratios %g and %g)",
                     o->name, lo, hi);
    }
    if (grids == 0)
        raise(L, "experiment: tune: extend: no lr grid to extend (expected an optimizer with "
                 "lr = {a, b, ...} of at least two values, got only single learning rates)");
}

/* num_text: the shortest text of x that reads back as x. */
static void num_text(char *out, size_t n, double x) {
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(out, n, "%.*g", prec, x);
        if (strtod(out, NULL) == x) break;
    }
}

/* Where a scheduler's grid is read: its keys (spec indices) and values, kept until the
 * combinations are made. */
typedef struct HyperGrid {
    int nkeys;
    int key[TUNE_MAX_GRID];
    int ngrid[TUNE_MAX_GRID];
    double grid[TUNE_MAX_GRID][TUNE_MAX_GRID];
} HyperGrid;

/* numeric_names: the numeric parameters of a spec, "a, b, c". */
static void numeric_names(const ParamSpec *spec, char *out, size_t n) {
    size_t off = 0;
    out[0] = '\0';
    for (int i = 0; spec[i].name && off < n; i++)
        if (spec[i].type == PARAM_NUM || spec[i].type == PARAM_INT)
            off += (size_t)snprintf(out + off, n - off, "%s%s", off ? ", " : "", spec[i].name);
    if (!out[0]) snprintf(out, n, "none: the scheduler has no numeric parameter");
}

/* take_hyper_key: one `key = {a, b, ...}` of scheduler sc (key and list on the stack). */
static void take_hyper_key(lua_State *L, const CompCfg *sc, HyperGrid *hg) {
    const ParamSpec *spec = sc->sched->params;
    char names[512], got[128];
    numeric_names(spec, names, sizeof names);
    if (lua_type(L, -2) != LUA_TSTRING) {
        describe_value(L, -2, got, sizeof got);
        raise(L,
              "experiment: tune: schedulers: %s: invalid key (expected a parameter name "
              "among %s, got %s)",
              sc->label, names, got);
    }
    const char *key = lua_tostring(L, -2);
    const ParamSpec *s = param_find(spec, key);
    if (!s)
        raise(L,
              "experiment: tune: schedulers: %s: %s: unknown parameter of scheduler \"%s\" "
              "(expected one of %s)",
              sc->label, key, sc->name, names);
    if (s->type != PARAM_NUM && s->type != PARAM_INT)
        raise(L,
              "experiment: tune: schedulers: %s: %s: not a numeric parameter (expected one "
              "of %s, got a %s)",
              sc->label, key, names, param_type_name(s->type));
    lua_Integer n = lua_type(L, -1) == LUA_TTABLE ? luaL_len(L, -1) : 0;
    if (n < 1 || n > TUNE_MAX_GRID) {
        if (lua_type(L, -1) != LUA_TTABLE) describe_value(L, -1, got, sizeof got);
        else snprintf(got, sizeof got, "%lld entries", (long long)n);
        raise(L,
              "experiment: tune: schedulers: %s: %s: invalid value (expected a list of 1 to "
              "%d numbers, got %s)",
              sc->label, key, TUNE_MAX_GRID, got);
    }
    int k = hg->nkeys++;
    hg->key[k] = (int)(s - spec);
    hg->ngrid[k] = (int)n;
    char where[512];
    where_of(L, where, sizeof where);
    size_t wl = strlen(where);
    snprintf(where + wl, sizeof where - wl, ": experiment: tune: schedulers: %s", sc->label);
    for (int i = 0; i < (int)n; i++) {
        lua_rawgeti(L, -1, i + 1);
        if (lua_type(L, -1) != LUA_TNUMBER) {
            describe_value(L, -1, got, sizeof got);
            raise(L,
                  "experiment: tune: schedulers: %s: %s: entry %d: invalid value (expected a "
                  "number, got %s)",
                  sc->label, key, i + 1, got);
        }
        double x = lua_tonumber(L, -1);
        lua_pop(L, 1);
        Params tmp;
        Err e;
        params_copy(&tmp, &sc->p);
        int rc = params_set_num(&tmp, key, x, where, &e);
        params_free(&tmp);
        if (rc != 0) raise_err(L, &e);
        if (i > 0 && !(x > hg->grid[k][i - 1]))
            raise(L,
                  "experiment: tune: schedulers: %s: %s: entry %d: not above the one before "
                  "(expected a strictly increasing list, got %g after %g)",
                  sc->label, key, i + 1, x, hg->grid[k][i - 1]);
        hg->grid[k][i] = x;
    }
}

static int by_key(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

/* make_combos: the cross product of hg's grids, keys in the scheduler's table order, the
 * first key varying slowest. */
static void make_combos(lua_State *L, const CompCfg *sc, HyperGrid *hg, TuneHyper *th) {
    int order[TUNE_MAX_GRID] = {0};
    for (int k = 0; k < hg->nkeys; k++) order[k] = hg->key[k] * TUNE_MAX_GRID + k;
    qsort(order, (size_t)hg->nkeys, sizeof(int), by_key);
    double total = 1;
    for (int k = 0; k < hg->nkeys; k++) total *= hg->ngrid[k];
    if (total > TUNE_MAX_COMBOS)
        raise(L,
              "experiment: tune: schedulers: %s: too many combinations (expected at most %d, "
              "got %.0f)",
              sc->label, TUNE_MAX_COMBOS, total);
    th->combo = xcalloc((size_t)total, sizeof(Params));
    th->text = xcalloc((size_t)total, sizeof(char *));
    for (int c = 0; c < (int)total; c++) {
        params_copy(&th->combo[c], &sc->p);
        th->ncombo = c + 1;
        Buf t = {0};
        int rest = c;
        int pos[TUNE_MAX_GRID] = {0};
        for (int j = hg->nkeys - 1; j >= 0; j--) {
            int k = order[j] % TUNE_MAX_GRID;
            pos[j] = rest % hg->ngrid[k];
            rest /= hg->ngrid[k];
        }
        for (int j = 0; j < hg->nkeys; j++) {
            int k = order[j] % TUNE_MAX_GRID;
            const char *key = sc->sched->params[hg->key[k]].name;
            double x = hg->grid[k][pos[j]];
            char num[64];
            Err e;
            num_text(num, sizeof num, x);
            params_set_num(&th->combo[c], key, x, sc->where, &e); /* checked when read */
            buf_printf(&t, "%s%s=%s", j ? ";" : "", key, num);
        }
        th->text[c] = t.s;
    }
}

/* take_tune_schedulers: `schedulers = { LABEL = { key = {a, b, ...} } }`. */
static void take_tune_schedulers(lua_State *L, Experiment *ex) {
    lua_getfield(L, -1, "schedulers");
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        return;
    }
    char labels[1024];
    size_t off = 0;
    labels[0] = '\0';
    for (int i = 0; i < ex->nscheds && off < sizeof labels; i++)
        off += (size_t)snprintf(labels + off, sizeof labels - off, "%s%s", i ? ", " : "",
                                ex->scheds[i].label);
    if (lua_type(L, -1) != LUA_TTABLE) {
        char got[128];
        describe_value(L, -1, got, sizeof got);
        raise(L,
              "experiment: tune: schedulers: invalid value (expected a table { LABEL = { key "
              "= {a, b, ...} } } with LABEL among %s, got %s)",
              labels, got);
    }
    ex->hyper = xcalloc((size_t)ex->nscheds, sizeof(TuneHyper));
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
        int si = -1;
        for (int i = 0; k && i < ex->nscheds; i++)
            if (strcmp(ex->scheds[i].label, k) == 0) si = i;
        if (si < 0)
            raise(L,
                  "experiment: tune: schedulers: %s: unknown scheduler label (expected one of "
                  "%s)",
                  k ? k : "(not a string)", labels);
        const CompCfg *sc = &ex->scheds[si];
        if (lua_type(L, -1) != LUA_TTABLE) {
            char got[128];
            describe_value(L, -1, got, sizeof got);
            raise(L,
                  "experiment: tune: schedulers: %s: invalid value (expected a table { key = "
                  "{a, b, ...} }, got %s)",
                  k, got);
        }
        HyperGrid *hg = lua_newuserdatauv(L, sizeof(HyperGrid), 0); /* freed by Lua on error */
        memset(hg, 0, sizeof *hg);
        lua_pushnil(L);
        while (lua_next(L, -3)) {
            if (hg->nkeys >= TUNE_MAX_GRID)
                raise(L, "experiment: tune: schedulers: %s: too many keys (expected at most %d)", k,
                      TUNE_MAX_GRID);
            take_hyper_key(L, sc, hg);
            lua_pop(L, 1);
        }
        if (hg->nkeys == 0)
            raise(L,
                  "experiment: tune: schedulers: %s: invalid value (expected a table { key = "
                  "{a, b, ...} } of at least one key, got an empty table)",
                  k);
        make_combos(L, sc, hg, &ex->hyper[si]);
        lua_pop(L, 2); /* hg, the value */
    }
    lua_pop(L, 1);
}

static const char *const tune_keys[] = {"seed", "seeds", "by", "extend", "schedulers", NULL};

/* take_tune: the table at the top of the stack. */
static void take_tune(lua_State *L, Experiment *ex) {
    if (lua_type(L, -1) != LUA_TTABLE)
        raise(L,
              "experiment: tune: invalid value (expected a table { seed = S, by = "
              "\"val_loss\" }, got %s)",
              luaL_typename(L, -1));
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "(not a string)";
        int ok = 0;
        for (int i = 0; tune_keys[i]; i++) ok |= strcmp(k, tune_keys[i]) == 0;
        if (!ok)
            raise(L,
                  "experiment: tune: %s: unknown key (expected one of seed, seeds, by, "
                  "extend, schedulers)",
                  k);
        ex->tune_more |= strcmp(k, "seed") != 0 && strcmp(k, "by") != 0;
        lua_pop(L, 1);
    }
    take_tune_seeds(L, ex);
    ex->tune_seed = ex->tune_seeds[0];
    lua_getfield(L, -1, "by");
    const char *by = lua_isnil(L, -1) ? "val_loss" : lua_tostring(L, -1);
    if (!by || lua_type(L, -1) == LUA_TNUMBER ||
        (strcmp(by, "val_loss") != 0 && strcmp(by, "train_loss") != 0)) {
        char got[128];
        describe_value(L, -1, got, sizeof got);
        raise(L,
              "experiment: tune: by: invalid value (expected one of val_loss|train_loss, "
              "got %s)",
              got);
    }
    snprintf(ex->tune_by, sizeof ex->tune_by, "%s", by);
    lua_pop(L, 1);
    take_tune_extend(L, ex);
    take_tune_schedulers(L, ex);
    ex->tune = 1;
}

static int experiment_fn(lua_State *L) {
    Experiment *ex = lua_touserdata(L, lua_upvalueindex(1));
    if (!ex)
        return raise(L, "experiment: not expected here (expected policy_training { ... } in a "
                        "script for lrlab train-policy, got an experiment)");
    if (ex->where[0])
        return raise(L,
                     "experiment: defined twice (expected one experiment per script, the "
                     "first at %s)",
                     ex->where);
    if (lua_type(L, 1) != LUA_TTABLE)
        return raise(L, "experiment: invalid arguments (expected a table, got %s)",
                     luaL_typename(L, 1));
    where_of(L, ex->where, sizeof ex->where);
    lua_pushnil(L);
    while (lua_next(L, 1)) {
        const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
        int ok = 0;
        for (int i = 0; k && experiment_keys[i]; i++) ok |= strcmp(k, experiment_keys[i]) == 0;
        if (!ok)
            return raise(L,
                         "experiment: %s: unknown key (expected one of name, seeds, tasks, "
                         "optimizers, schedulers, tune, arm)",
                         k ? k : "(not a string)");
        lua_pop(L, 1);
    }
    take_name(L, "experiment", ex->name);
    take_seeds(L, "experiment", &ex->seeds, &ex->nseeds);
    take_list(L, "experiment", "tasks", KIND_TASK, &ex->tasks, &ex->ntasks);
    take_list(L, "experiment", "optimizers", KIND_OPTIM, &ex->optims, &ex->noptims);
    take_list(L, "experiment", "schedulers", KIND_SCHED, &ex->scheds, &ex->nscheds);
    lua_getfield(L, 1, "tune");
    if (!lua_isnil(L, -1)) take_tune(L, ex);
    lua_pop(L, 1);
    lua_getfield(L, 1, "arm");
    if (!lua_isnil(L, -1)) take_arm(L, ex);
    lua_pop(L, 1);
    warn_ignored(ex->tasks, ex->ntasks);
    warn_ignored(ex->optims, ex->noptims);
    warn_ignored(ex->scheds, ex->nscheds);
    return 0;
}

/* ---- policy_training { ... } (lrlab train-policy) ---- */

static const char *const training_keys[] = {"name", "tasks", "optimizer", "seeds", NULL};

/* The keys policy_training accepts, for the unknown-key message: its own, then the spec's. */
static void training_key_names(const ParamSpec *spec, char *out, size_t n) {
    size_t off = 0;
    out[0] = '\0';
    for (int i = 0; training_keys[i] && off < n; i++)
        off += (size_t)snprintf(out + off, n - off, "%s%s", i ? ", " : "", training_keys[i]);
    for (int i = 0; spec[i].name && off < n; i++)
        off += (size_t)snprintf(out + off, n - off, ", %s", spec[i].name);
}

static int training_fn(lua_State *L) {
    PolicyTraining *pt = lua_touserdata(L, lua_upvalueindex(1));
    if (!pt)
        return raise(L, "policy_training: not expected here (expected experiment { ... } in a "
                        "script for lrlab run, got a policy_training; train it with lrlab "
                        "train-policy)");
    if (pt->where[0])
        return raise(L,
                     "policy_training: defined twice (expected one per script, the first at "
                     "%s)",
                     pt->where);
    if (lua_type(L, 1) != LUA_TTABLE)
        return raise(L, "policy_training: invalid arguments (expected a table, got %s)",
                     luaL_typename(L, 1));
    where_of(L, pt->where, sizeof pt->where);
    char subject[512];
    snprintf(subject, sizeof subject, "%s: policy_training", pt->where);
    params_init(&pt->p, pt->p.spec);
    Err e;
    lua_pushnil(L);
    while (lua_next(L, 1)) {
        const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
        int own = 0;
        for (int i = 0; k && training_keys[i]; i++) own |= strcmp(k, training_keys[i]) == 0;
        const ParamSpec *s = k && !own ? param_find(pt->p.spec, k) : NULL;
        if (!own && !s) {
            char names[1024];
            training_key_names(pt->p.spec, names, sizeof names);
            return raise(L, "policy_training: %s: unknown key (expected one of %s)",
                         k ? k : "(not a string)", names);
        }
        if (s && set_value(L, &pt->p, s, subject, &e) != 0) return raise_err(L, &e);
        lua_pop(L, 1);
    }
    take_name(L, "policy_training", pt->name);
    take_seeds(L, "policy_training", &pt->seeds, &pt->nseeds);
    take_list(L, "policy_training", "tasks", KIND_TASK, &pt->tasks, &pt->ntasks);
    lua_getfield(L, 1, "optimizer");
    CompCfg **pc = luaL_testudata(L, -1, COMP_MT);
    if (!pc || !*pc || (*pc)->kind != KIND_OPTIM) {
        char got[128];
        describe_value(L, -1, got, sizeof got);
        return raise(L,
                     "policy_training: optimizer: invalid value (expected optimizer \"NAME\" "
                     "{ ... }, got %s)",
                     lua_isnil(L, -1) ? "nothing" : got);
    }
    pt->optim = **pc;
    params_copy(&pt->optim.p, &(*pc)->p);
    params_copy(&pt->optim.common, &(*pc)->common);
    const char *label = params_str(&pt->optim.common, "label");
    snprintf(pt->optim.label, sizeof pt->optim.label, "%s", label ? label : pt->optim.name);
    if (name_check(pt->optim.label, strlen(pt->optim.label), pt->optim.where, "label", &e) != 0)
        return raise_err(L, &e);
    pt->has_optim = 1;
    lua_pop(L, 1);
    if (params_check_required(&pt->p, pt->where, "policy_training", &e) != 0)
        return raise_err(L, &e);
    warn_ignored(pt->tasks, pt->ntasks);
    return 0;
}

/* ---- define: lrlab run --define KEY=VALUE ---- */

static int define_newindex(lua_State *L) {
    const char *k = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : "KEY";
    return raise(L,
                 "define.%s: read-only (expected values given as lrlab run --define "
                 "KEY=VALUE, read as local x = define.%s or DEFAULT; got an assignment)",
                 k, k);
}

static int define_next(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 2);
    if (lua_next(L, 1)) return 2;
    lua_pushnil(L);
    return 1;
}

static int define_pairs(lua_State *L) {
    lua_pushcfunction(L, define_next);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushnil(L);
    return 3;
}

/* The global `define`: each KEY of d as define.KEY, a string; an empty table without d. A
 * proxy, so that every assignment raises at the script's line; pairs(define) lists them. */
static void open_defines(lua_State *L, const Defines *d) {
    lua_newtable(L);                     /* the proxy */
    lua_newtable(L);                     /* its metatable */
    lua_createtable(L, 0, d ? d->n : 0); /* the values */
    for (int i = 0; d && i < d->n; i++) {
        lua_pushstring(L, d->value[i]);
        lua_setfield(L, -2, d->key[i]);
    }
    lua_pushvalue(L, -1);
    lua_setfield(L, -3, "__index");
    lua_pushcclosure(L, define_pairs, 1);
    lua_setfield(L, -2, "__pairs");
    lua_pushcfunction(L, define_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushliteral(L, "lrlab.define"); /* setmetatable cannot take it off */
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
    lua_setglobal(L, "define");
}

/* A sandboxed state with the constructors, `define` holding d (NULL: none), `experiment`
 * bound to ex and `policy_training` to pt (either NULL: a call of it is an error that names
 * the right command). */
static lua_State *new_state(uint64_t lua_seed, const Defines *d, Experiment *ex,
                            PolicyTraining *pt) {
    lua_State *L = sandbox_new(lua_seed);
    if (!L) return NULL;
    open_defines(L, d);
    luaL_newmetatable(L, COMP_MT);
    lua_pushcfunction(L, comp_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushliteral(L, COMP_MT); /* getmetatable(component) cannot reach comp_gc */
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 1);
    static const struct {
        const char *name;
        CompKind kind;
    } ctors[] = {{"task", KIND_TASK}, {"optimizer", KIND_OPTIM}, {"scheduler", KIND_SCHED}};
    for (int i = 0; i < 3; i++) {
        lua_pushinteger(L, ctors[i].kind);
        lua_pushcclosure(L, comp_ctor, 1);
        lua_setglobal(L, ctors[i].name);
    }
    lua_pushlightuserdata(L, ex);
    lua_pushcclosure(L, experiment_fn, 1);
    lua_setglobal(L, "experiment");
    lua_pushlightuserdata(L, pt);
    lua_pushcclosure(L, training_fn, 1);
    lua_setglobal(L, "policy_training");
    return L;
}

/* Runs the script at path in L (`what` names it in messages); 0, or -1 with e set. */
static int run_script(lua_State *L, const char *path, const char *what, Err *e) {
    char sum[65] = "unreadable";
    sha256_file(path, sum);
    lua_pushstring(L, sum);
    lua_setfield(L, LUA_REGISTRYINDEX, "lrlab.script_sha256");
    return sandbox_run_file(L, path, what, e);
}

int cfg_load(const char *path, uint64_t lua_seed, const Defines *d, Experiment *ex, Err *e) {
    memset(ex, 0, sizeof *ex);
    snprintf(ex->file, sizeof ex->file, "%s", path);
    ex->lua_seed = lua_seed;
    lua_State *L = new_state(lua_seed, d, ex, NULL);
    if (!L) return err_set(e, EXIT_RUN, path, "cannot create a Lua state");
    ex->lua = L;
    if (run_script(L, path, "experiment script", e) != 0) {
        cfg_free(ex);
        return -1;
    }
    if (!ex->where[0]) {
        cfg_free(ex);
        return err_set(e, EXIT_USAGE, path,
                       "no experiment (expected a call experiment { ... }, "
                       "got a script that never makes it)");
    }
    return 0;
}

int cfg_load_training(const char *path, const ParamSpec *spec, PolicyTraining *pt, Err *e) {
    memset(pt, 0, sizeof *pt);
    snprintf(pt->file, sizeof pt->file, "%s", path);
    pt->p.spec = spec;
    lua_State *L = new_state(0, NULL, NULL, pt);
    if (!L) return err_set(e, EXIT_RUN, path, "cannot create a Lua state");
    pt->lua = L;
    if (run_script(L, path, "training script", e) != 0) {
        cfg_free_training(pt);
        return -1;
    }
    if (!pt->where[0]) {
        cfg_free_training(pt);
        return err_set(e, EXIT_USAGE, path,
                       "no policy_training (expected a call "
                       "policy_training { ... }, got a script that never "
                       "makes it)");
    }
    return 0;
}

static void free_list(CompCfg *c, int n) {
    for (int i = 0; i < n; i++) {
        params_free(&c[i].p);
        params_free(&c[i].common);
    }
    free(c);
}

void cfg_free(Experiment *ex) {
    free_list(ex->tasks, ex->ntasks);
    free_list(ex->optims, ex->noptims);
    free_list(ex->scheds, ex->nscheds);
    free(ex->seeds);
    free(ex->tune_seeds);
    for (int i = 0; ex->hyper && i < ex->nscheds; i++) {
        for (int c = 0; c < ex->hyper[i].ncombo; c++) {
            params_free(&ex->hyper[i].combo[c]);
            free(ex->hyper[i].text[c]);
        }
        free(ex->hyper[i].combo);
        free(ex->hyper[i].text);
    }
    free(ex->hyper);
    sandbox_close(ex->lua);
    memset(ex, 0, sizeof *ex);
}

void cfg_free_training(PolicyTraining *pt) {
    free_list(pt->tasks, pt->ntasks);
    if (pt->has_optim) {
        params_free(&pt->optim.p);
        params_free(&pt->optim.common);
    }
    if (pt->p.v) params_free(&pt->p);
    free(pt->seeds);
    sandbox_close(pt->lua);
    memset(pt, 0, sizeof *pt);
}
