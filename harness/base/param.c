/* param.c - parameter tables: defaults, validation, canonical dump (see param.h). */
#include "harness/base/param.h"
#include "harness/base/sha256.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int param_count(const ParamSpec *spec) {
    int n = 0;
    while (spec && spec[n].name) n++;
    return n;
}

const ParamSpec *param_find(const ParamSpec *spec, const char *name) {
    for (int i = 0; spec && spec[i].name; i++)
        if (strcmp(spec[i].name, name) == 0) return &spec[i];
    return NULL;
}

const char *param_type_name(ParamType t) {
    switch (t) {
    case PARAM_NUM: return "number";
    case PARAM_INT: return "integer";
    case PARAM_BOOL: return "boolean";
    case PARAM_ENUM: return "string";
    case PARAM_STR: return "string";
    case PARAM_LIST: return "list";
    case PARAM_FUNC: return "function";
    case PARAM_COMPS: return "components";
    }
    return "?";
}

/* The shortest text that reads back as x: 1e+300 rather than 1.0000000000000001e+300. */
static void fmt_bound(char *out, size_t n, double x) {
    if (isinf(x)) {
        snprintf(out, n, "%sinf", x < 0 ? "-" : "");
        return;
    }
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(out, n, "%.*g", prec, x);
        if (strtod(out, NULL) == x) return;
    }
}

static bool has_range(const ParamSpec *s) { return !(isinf(s->lo) && isinf(s->hi)); }

void param_expect(const ParamSpec *s, char *out, size_t n) {
    char lo[32], hi[32];
    fmt_bound(lo, sizeof lo, s->lo);
    fmt_bound(hi, sizeof hi, s->hi);
    const char *l = (s->flags & PARAM_LO_OPEN) || isinf(s->lo) ? "(" : "[";
    const char *r = (s->flags & PARAM_HI_OPEN) || isinf(s->hi) ? ")" : "]";
    switch (s->type) {
    case PARAM_NUM:
    case PARAM_INT:
        if (has_range(s))
            snprintf(out, n, "%s in %s%s, %s%s", param_type_name(s->type), l, lo, hi, r);
        else snprintf(out, n, "%s", param_type_name(s->type));
        break;
    case PARAM_LIST:
        snprintf(out, n, "number in %s%s, %s%s or a%s list of them", l, lo, hi, r,
                 s->flags & PARAM_INCREASING ? " strictly increasing" : "");
        break;
    case PARAM_ENUM: snprintf(out, n, "one of %s", s->choices); break;
    case PARAM_COMPS: snprintf(out, n, "a list of components among %s", s->choices); break;
    default: snprintf(out, n, "%s", param_type_name(s->type)); break;
    }
}

void param_names(const ParamSpec *spec, char *out, size_t n) {
    size_t off = 0;
    out[0] = '\0';
    for (int i = 0; spec && spec[i].name && off < n; i++) {
        int w = snprintf(out + off, n - off, "%s%s", i ? ", " : "", spec[i].name);
        if (w < 0) break;
        off += (size_t)w;
    }
}

static int find_index(const Params *p, const char *name) {
    for (int i = 0; i < p->n; i++)
        if (strcmp(p->spec[i].name, name) == 0) return i;
    return -1;
}

/* An infinite bound is open, as param_expect prints it: "(0, inf)" refuses lr = math.huge. */
static bool in_range(const ParamSpec *s, double x) {
    if (isnan(x)) return false;
    if (x < s->lo || (x == s->lo && ((s->flags & PARAM_LO_OPEN) || isinf(x)))) return false;
    if (x > s->hi || (x == s->hi && ((s->flags & PARAM_HI_OPEN) || isinf(x)))) return false;
    return true;
}

static int expect_err(Err *e, const char *where, const ParamSpec *s, const char *got) {
    char ex[160];
    param_expect(s, ex, sizeof ex);
    return err_set(e, EXIT_USAGE, where, "%s: invalid value (expected %s, got %s)", s->name, ex,
                   got);
}

static int lookup(Params *p, const char *key, const char *where, Err *e) {
    int i = find_index(p, key);
    if (i < 0) {
        char names[512];
        param_names(p->spec, names, sizeof names);
        return err_set(e, EXIT_USAGE, where, "%s: unknown key (expected one of %s)", key, names);
    }
    return i;
}

static const char *numtext(double x, char *buf, size_t n) {
    fmt_bound(buf, n, x);
    if (isnan(x)) snprintf(buf, n, "nan");
    return buf;
}

int params_set_num(Params *p, const char *key, double x, const char *where, Err *e) {
    int i = lookup(p, key, where, e);
    if (i < 0) return -1;
    const ParamSpec *s = &p->spec[i];
    char got[64], num[32];
    if (s->type == PARAM_LIST) return params_set_list(p, key, &x, 1, where, e);
    if (s->type != PARAM_NUM && s->type != PARAM_INT) {
        snprintf(got, sizeof got, "number %s", numtext(x, num, sizeof num));
        return expect_err(e, where, s, got);
    }
    if (s->type == PARAM_INT && (x != floor(x) || fabs(x) > 9007199254740992.0))
        return expect_err(e, where, s, numtext(x, got, sizeof got));
    if (!in_range(s, x)) return expect_err(e, where, s, numtext(x, got, sizeof got));
    p->v[i].num = x;
    p->v[i].set = true;
    return 0;
}

int params_set_bool(Params *p, const char *key, bool b, const char *where, Err *e) {
    int i = lookup(p, key, where, e);
    if (i < 0) return -1;
    if (p->spec[i].type != PARAM_BOOL) return expect_err(e, where, &p->spec[i], "boolean");
    p->v[i].num = b;
    p->v[i].set = true;
    return 0;
}

static bool choice_ok(const char *choices, const char *s) {
    size_t n = strlen(s);
    for (const char *c = choices; *c;) {
        const char *bar = strchr(c, '|');
        size_t len = bar ? (size_t)(bar - c) : strlen(c);
        if (len == n && strncmp(c, s, n) == 0) return true;
        if (!bar) break;
        c = bar + 1;
    }
    return false;
}

/* `applies` = "KEY=A|B": the index of KEY in the table (-1: none) and the text after '='. */
static int applies_key(const Params *p, const ParamSpec *s, const char **values) {
    const char *eq = s->applies ? strchr(s->applies, '=') : NULL;
    if (!eq) return -1;
    char key[64];
    snprintf(key, sizeof key, "%.*s", (int)(eq - s->applies), s->applies);
    *values = eq + 1;
    return find_index(p, key);
}

static bool applies_at(const Params *p, int i) {
    const char *values;
    const int k = applies_key(p, &p->spec[i], &values);
    return k < 0 || (p->v[k].str && choice_ok(values, p->v[k].str));
}

bool params_applies(const Params *p, const char *name) {
    const int i = find_index(p, name);
    LR_ASSERT(i >= 0);
    return applies_at(p, i);
}

int params_set_str(Params *p, const char *key, const char *str, const char *where, Err *e) {
    int i = lookup(p, key, where, e);
    if (i < 0) return -1;
    const ParamSpec *s = &p->spec[i];
    char got[96];
    snprintf(got, sizeof got, "\"%.80s\"", str);
    if (s->type != PARAM_ENUM && s->type != PARAM_STR) return expect_err(e, where, s, got);
    if (s->type == PARAM_ENUM && !choice_ok(s->choices, str)) return expect_err(e, where, s, got);
    free(p->v[i].str);
    p->v[i].str = xstrdup(str);
    p->v[i].set = true;
    return 0;
}

int params_set_list(Params *p, const char *key, const double *x, int n, const char *where, Err *e) {
    int i = lookup(p, key, where, e);
    if (i < 0) return -1;
    const ParamSpec *s = &p->spec[i];
    char got[96];
    if (s->type != PARAM_LIST) return expect_err(e, where, s, "list");
    if (n < 1) return expect_err(e, where, s, "an empty list");
    for (int k = 0; k < n; k++) {
        if (!in_range(s, x[k]) || ((s->flags & PARAM_INCREASING) && k && x[k] <= x[k - 1])) {
            char num[32];
            if (n == 1) snprintf(got, sizeof got, "%s", numtext(x[k], num, sizeof num));
            else
                snprintf(got, sizeof got, "%s at position %d", numtext(x[k], num, sizeof num),
                         k + 1);
            return expect_err(e, where, s, got);
        }
    }
    free(p->v[i].list);
    p->v[i].list = xmalloc(sizeof(double) * (size_t)n);
    memcpy(p->v[i].list, x, sizeof(double) * (size_t)n);
    p->v[i].nlist = n;
    p->v[i].set = true;
    return 0;
}

int params_set_func(Params *p, const char *key, int ref, const char *identity, const char *where,
                    Err *e) {
    int i = lookup(p, key, where, e);
    if (i < 0) return -1;
    if (p->spec[i].type != PARAM_FUNC) return expect_err(e, where, &p->spec[i], "function");
    p->v[i].ref = ref;
    free(p->v[i].str);
    p->v[i].str = xstrdup(identity);
    p->v[i].set = true;
    return 0;
}

static void comps_free(ParamComp *c, int n) {
    for (int i = 0; i < n; i++) {
        params_free(c[i].params);
        free(c[i].params);
    }
    free(c);
}

int params_set_comps(Params *p, const char *key, ParamComp *comps, int n, const char *where,
                     Err *e) {
    int i = lookup(p, key, where, e);
    if (i < 0) {
        comps_free(comps, n);
        return -1;
    }
    if (p->spec[i].type != PARAM_COMPS || n < 1) {
        comps_free(comps, n);
        return expect_err(e, where, &p->spec[i], n < 1 ? "an empty list" : "components");
    }
    comps_free(p->v[i].comps, p->v[i].ncomps);
    p->v[i].comps = comps;
    p->v[i].ncomps = n;
    p->v[i].set = true;
    return 0;
}

const ParamComp *params_comps(const Params *p, const char *name, int *n) {
    int i = find_index(p, name);
    LR_ASSERT(i >= 0 && p->spec[i].type == PARAM_COMPS);
    *n = p->v[i].ncomps;
    return p->v[i].comps;
}

/* "name{k=v;k=v}|name{}" -> components, each validated by its own table. */
static int parse_comps(Params *p, const ParamSpec *s, const char *text, const char *where, Err *e) {
    ParamComp *comps = NULL;
    int n = 0;
    const char *c = text;
    char sub[1024];
    while (*c) {
        const char *brace = strchr(c, '{'), *close = brace ? strchr(brace, '}') : NULL;
        if (!brace || !close || brace == c || (size_t)(brace - c) >= sizeof comps[0].name) {
            comps_free(comps, n);
            return err_set(e, EXIT_USAGE, where,
                           "%s: invalid value (expected "
                           "name{key=value;...}|name{...}, got \"%.80s\")",
                           s->name, text);
        }
        comps = xrealloc(comps, sizeof(ParamComp) * (size_t)(n + 1));
        ParamComp *pc = &comps[n++];
        memset(pc, 0, sizeof *pc);
        snprintf(pc->name, sizeof pc->name, "%.*s", (int)(brace - c), c);
        const ParamSpec *spec = NULL;
        pc->def = s->resolve ? s->resolve(pc->name, &spec) : NULL;
        pc->params = xcalloc(1, sizeof(Params));
        if (!pc->def) {
            params_init(pc->params, NULL);
            err_set(e, EXIT_USAGE, where, "%s: unknown component \"%.31s\" (expected one of %s)",
                    s->name, pc->name, s->choices);
            comps_free(comps, n); /* after the message: pc->name lives in comps */
            return -1;
        }
        params_init(pc->params, spec);
        snprintf(sub, sizeof sub, "%.*s", (int)(close - brace - 1), brace + 1);
        char w[512];
        snprintf(w, sizeof w, "%s: %s: %s", where, s->name, pc->name);
        for (char *save = NULL, *kv = strtok_r(sub, ";", &save); kv;
             kv = strtok_r(NULL, ";", &save)) {
            char *eq = strchr(kv, '=');
            if (!eq) {
                comps_free(comps, n);
                return err_set(e, EXIT_USAGE, w,
                               "invalid setting (expected key=value, got "
                               "\"%.60s\")",
                               kv);
            }
            *eq = '\0';
            if (params_set_text(pc->params, kv, eq + 1, w, e) != 0) {
                comps_free(comps, n);
                return -1;
            }
        }
        c = close + 1;
        if (*c == '|') c++;
        else if (*c) {
            comps_free(comps, n);
            return err_set(e, EXIT_USAGE, where,
                           "%s: invalid value (expected | between "
                           "components, got \"%.40s\")",
                           s->name, c);
        }
    }
    return params_set_comps(p, s->name, comps, n, where, e);
}

/* Strict number parsing: the whole text must be a finite or infinite number. */
static bool parse_num(const char *t, double *x) {
    char *end;
    errno = 0;
    if (!*t) return false;
    *x = strtod(t, &end);
    return *end == '\0' && errno != ERANGE;
}

int params_set_text(Params *p, const char *key, const char *text, const char *where, Err *e) {
    int i = lookup(p, key, where, e);
    if (i < 0) return -1;
    const ParamSpec *s = &p->spec[i];
    char got[96];
    snprintf(got, sizeof got, "\"%.80s\"", text);
    double x;
    switch (s->type) {
    case PARAM_NUM:
    case PARAM_INT:
        if (!parse_num(text, &x)) return expect_err(e, where, s, got);
        return params_set_num(p, key, x, where, e);
    case PARAM_BOOL:
        if (strcmp(text, "true") == 0) return params_set_bool(p, key, true, where, e);
        if (strcmp(text, "false") == 0) return params_set_bool(p, key, false, where, e);
        return expect_err(e, where, s, got);
    case PARAM_ENUM:
    case PARAM_STR: return params_set_str(p, key, text, where, e);
    case PARAM_LIST: {
        double vals[256];
        int n = 0;
        char tmp[1024];
        snprintf(tmp, sizeof tmp, "%s", text);
        for (char *save = NULL, *tok = strtok_r(tmp, "|,", &save); tok;
             tok = strtok_r(NULL, "|,", &save)) {
            if (n == 256 || !parse_num(tok, &vals[n])) return expect_err(e, where, s, got);
            n++;
        }
        return params_set_list(p, key, vals, n, where, e);
    }
    case PARAM_FUNC:
        return err_set(e, EXIT_USAGE, where, "%s: a function can only be given in a Lua script",
                       key);
    case PARAM_COMPS: return parse_comps(p, s, text, where, e);
    }
    return -1;
}

void params_init(Params *p, const ParamSpec *spec) {
    p->spec = spec;
    p->n = param_count(spec);
    p->v = xcalloc((size_t)p->n + 1, sizeof(ParamValue));
    if (!spec) return; /* an empty table */
    for (int i = 0; i < p->n; i++) {
        if (!spec[i].def) continue;
        Err e;
        int rc = params_set_text(p, spec[i].name, spec[i].def, "default", &e);
        if (rc != 0) {
            err_print(&e);
            LR_ASSERT(!"invalid default in a parameter table");
        }
        p->v[i].set = false;
    }
    for (int i = 0; i < p->n; i++) { /* `needs` pairs two booleans of the same table */
        if (!spec[i].needs) continue;
        const int k = find_index(p, spec[i].needs);
        LR_ASSERT(spec[i].type == PARAM_BOOL && k >= 0 && k != i && spec[k].type == PARAM_BOOL);
    }
    for (int i = 0; i < p->n; i++) { /* `applies` names another ENUM and some of its choices */
        const char *values = "";
        if (!spec[i].applies) continue;
        const int k = applies_key(p, &spec[i], &values);
        LR_ASSERT(k >= 0 && k != i && spec[k].type == PARAM_ENUM && !spec[k].applies && *values);
        char v[64];
        for (const char *c = values; *c;) {
            const size_t len = strcspn(c, "|");
            snprintf(v, sizeof v, "%.*s", (int)len, c);
            LR_ASSERT(choice_ok(spec[k].choices, v));
            c += len + (c[len] == '|');
        }
    }
}

void params_free(Params *p) {
    for (int i = 0; i < p->n; i++) {
        free(p->v[i].str);
        free(p->v[i].list);
        comps_free(p->v[i].comps, p->v[i].ncomps);
    }
    free(p->v);
    p->v = NULL;
    p->n = 0;
}

void params_copy(Params *dst, const Params *src) {
    dst->spec = src->spec;
    dst->n = src->n;
    dst->v = xcalloc((size_t)src->n + 1, sizeof(ParamValue));
    for (int i = 0; i < src->n; i++) {
        dst->v[i] = src->v[i];
        if (src->v[i].str) dst->v[i].str = xstrdup(src->v[i].str);
        if (src->v[i].list) {
            dst->v[i].list = xmalloc(sizeof(double) * (size_t)src->v[i].nlist);
            memcpy(dst->v[i].list, src->v[i].list, sizeof(double) * (size_t)src->v[i].nlist);
        }
        if (src->v[i].comps) {
            dst->v[i].comps = xcalloc((size_t)src->v[i].ncomps, sizeof(ParamComp));
            for (int k = 0; k < src->v[i].ncomps; k++) {
                dst->v[i].comps[k] = src->v[i].comps[k];
                dst->v[i].comps[k].params = xcalloc(1, sizeof(Params));
                params_copy(dst->v[i].comps[k].params, src->v[i].comps[k].params);
            }
        }
    }
}

static bool has_value(const ParamSpec *s, const ParamValue *v) {
    switch (s->type) {
    case PARAM_ENUM:
    case PARAM_STR: return v->str != NULL;
    case PARAM_LIST: return v->list != NULL;
    case PARAM_FUNC: return v->ref != 0;
    case PARAM_COMPS: return v->comps != NULL;
    default: return s->def != NULL || v->set;
    }
}

int params_check_required(const Params *p, const char *where, const char *subject, Err *e) {
    for (int i = 0; i < p->n; i++) {
        if (!(p->spec[i].flags & PARAM_OPTIONAL) && !has_value(&p->spec[i], &p->v[i])) {
            char ex[160];
            param_expect(&p->spec[i], ex, sizeof ex);
            return err_set(e, EXIT_USAGE, where,
                           "%s: %s: missing required key (expected %s, got nothing)", subject,
                           p->spec[i].name, ex);
        }
    }
    for (int i = 0; i < p->n; i++) {
        const char *needs = p->spec[i].needs;
        if (!needs || p->v[i].num == 0) continue;
        const int k = find_index(p, needs);
        LR_ASSERT(k >= 0 && p->spec[k].type == PARAM_BOOL);
        if (p->v[k].num == 0)
            return err_set(e, EXIT_USAGE, where,
                           "%s: %s: needs %s (expected %s = true when %s = true, got %s = "
                           "false)",
                           subject, p->spec[i].name, needs, needs, p->spec[i].name, needs);
    }
    return 0;
}

int params_ignored(const Params *p, int from, const char *where, const char *subject, Err *e) {
    for (int i = from; i < p->n; i++) {
        const char *values = "";
        if (!p->v[i].set || applies_at(p, i)) continue;
        const int k = applies_key(p, &p->spec[i], &values);
        err_set(e, EXIT_USAGE, where,
                "%s: %s: ignored (it applies only with %s %s %s, got "
                "%s = %s)",
                subject, p->spec[i].name, p->spec[k].name, strchr(values, '|') ? "one of" : "=",
                values, p->spec[k].name, p->v[k].str ? p->v[k].str : "nothing");
        return i;
    }
    return -1;
}

static const ParamValue *get(const Params *p, const char *name, ParamType t1, ParamType t2) {
    int i = find_index(p, name);
    LR_ASSERT(i >= 0);
    LR_ASSERT(p->spec[i].type == t1 || p->spec[i].type == t2);
    return &p->v[i];
}

double params_num(const Params *p, const char *name) {
    return get(p, name, PARAM_NUM, PARAM_INT)->num;
}
int64_t params_int(const Params *p, const char *name) {
    return (int64_t)get(p, name, PARAM_INT, PARAM_INT)->num;
}
bool params_bool(const Params *p, const char *name) {
    return get(p, name, PARAM_BOOL, PARAM_BOOL)->num != 0;
}
const char *params_str(const Params *p, const char *name) {
    return get(p, name, PARAM_ENUM, PARAM_STR)->str;
}
const double *params_list(const Params *p, const char *name, int *n) {
    const ParamValue *v = get(p, name, PARAM_LIST, PARAM_LIST);
    *n = v->nlist;
    return v->list;
}
int params_func(const Params *p, const char *name) {
    return get(p, name, PARAM_FUNC, PARAM_FUNC)->ref;
}
bool params_isset(const Params *p, const char *name) {
    int i = find_index(p, name);
    LR_ASSERT(i >= 0);
    return p->v[i].set;
}

/* A PARAM_ADDED parameter's value equals its default: unset, or set to the same number,
 * truth value or text (lists, functions and components always count as changed). */
static bool at_default(const ParamSpec *s, const ParamValue *v) {
    if (!v->set) return true;
    if (!s->def) return false;
    switch (s->type) {
    case PARAM_NUM:
    case PARAM_INT: return v->num == strtod(s->def, NULL);
    case PARAM_BOOL: return (v->num != 0) == (strcmp(s->def, "true") == 0);
    case PARAM_ENUM:
    case PARAM_STR: return v->str && strcmp(v->str, s->def) == 0;
    default: return false;
    }
}

/* dump: params_dump's canonical text, or (human) params_describe's. */
static void dump(const Params *p, Buf *out, bool human) {
    void (*num)(Buf *, double) = human ? buf_num_short : buf_num;
    int first = 1;
    for (int i = 0; i < p->n; i++) {
        const ParamSpec *s = &p->spec[i];
        const ParamValue *v = &p->v[i];
        if (s->flags & PARAM_ADDED && at_default(s, v)) continue;
        if (human && !applies_at(p, i)) continue;
        buf_printf(out, "%s%s=", first ? "" : ";", s->name);
        first = 0;
        switch (s->type) {
        case PARAM_NUM:
        case PARAM_INT:
            if (s->def || v->set) num(out, v->num);
            break;
        case PARAM_BOOL: buf_printf(out, "%s", v->num != 0 ? "true" : "false"); break;
        case PARAM_ENUM:
        case PARAM_STR:
            buf_printf(out, "%s", v->str ? v->str : "");
            if (s->flags & PARAM_CONTENT && v->str) {
                char sum[65];
                buf_printf(out, "@sha256:%s", sha256_file(v->str, sum) == 0 ? sum : "unreadable");
            }
            break;
        case PARAM_LIST:
            for (int k = 0; k < v->nlist; k++) {
                if (k) buf_printf(out, "|");
                num(out, v->list[k]);
            }
            break;
        case PARAM_FUNC: buf_printf(out, "%s", v->ref && v->str ? v->str : ""); break;
        case PARAM_COMPS:
            for (int k = 0; k < v->ncomps; k++) {
                buf_printf(out, "%s%s{", k ? "|" : "", v->comps[k].name);
                dump(v->comps[k].params, out, human);
                buf_printf(out, "}");
            }
            break;
        }
    }
}

void params_dump(const Params *p, Buf *out) { dump(p, out, false); }

void params_describe(const Params *p, Buf *out) { dump(p, out, true); }

bool params_has_func(const Params *p) {
    for (int i = 0; i < p->n; i++) {
        const ParamValue *v = &p->v[i];
        if (p->spec[i].type == PARAM_FUNC && v->ref != 0) return true;
        if (p->spec[i].type == PARAM_COMPS)
            for (int k = 0; k < v->ncomps; k++)
                if (v->comps[k].params && params_has_func(v->comps[k].params)) return true;
    }
    return false;
}
