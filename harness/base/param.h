/* param.h - parameter tables: the one description of every component's knobs.
 *
 * Each task, optimizer and scheduler declares a const ParamSpec table (name, type,
 * range, default, help). The same table drives validation of Lua configuration and
 * of `--set key=value` options, `lrlab list`, and the canonical resolved-config dump
 * whose hash names a cell. Defaults are written once, as text, in the table.
 */
#ifndef LRLAB_PARAM_H
#define LRLAB_PARAM_H

#include "harness/base/buf.h"
#include "harness/base/err.h"

#include <stdbool.h>
#include <stdint.h>

typedef enum ParamType {
    PARAM_NUM, /* double */
    PARAM_INT, /* integer, stored as double, exact up to 2^53 */
    PARAM_BOOL,
    PARAM_ENUM, /* one of `choices`, "a|b|c" */
    PARAM_STR,
    PARAM_LIST,  /* list of numbers, written "1|2|3" as text */
    PARAM_FUNC,  /* a Lua function (Lua-defined schedulers) */
    PARAM_COMPS, /* a list of components (e.g. the schedulers of a sequence), resolved by
                    the spec's `resolve`; as text "name{k=v;k=v}|name{...}" */
} ParamType;

enum {
    PARAM_LO_OPEN = 1,    /* lo itself is excluded */
    PARAM_HI_OPEN = 2,    /* hi itself is excluded */
    PARAM_INCREASING = 4, /* PARAM_LIST: strictly increasing */
    PARAM_OPTIONAL = 8,   /* no default and not required: unset means "derived" (see help) */
    PARAM_CONTENT = 16,   /* PARAM_STR naming a file: params_dump adds the file's sha256, so
                           * that a cell's id changes with the file's contents, not its path */
    PARAM_ADDED = 32,     /* added after results were published: params_dump leaves it out
                           * while it holds its default (or, optional, is unset), so a cell
                           * that does not use it keeps the id it had before the parameter
                           * existed. The default must reproduce the earlier arithmetic. */
};

typedef struct ParamSpec {
    const char *name;
    ParamType type;
    const char *def; /* default as text; NULL = required */
    double lo, hi;   /* NUM, INT and LIST elements: allowed range */
    unsigned flags;
    const char *choices; /* ENUM: "a|b|c" */
    const char *help;
    /* PARAM_COMPS: finds a component by name, returning its definition and parameter
     * table, or NULL when there is none (the message then lists `choices`) */
    const void *(*resolve)(const char *name, const struct ParamSpec **spec);
    /* PARAM_BOOL: NULL, or the name of another PARAM_BOOL of the table that must be true
     * whenever this one is (e.g. Adafactor's warmup_init needs relative_step); checked by
     * params_check_required, once every key of the component is set. */
    const char *needs;
    /* NULL, or "KEY=A|B": the parameter applies only while the PARAM_ENUM KEY of the same
     * table is A or B (e.g. NMF's m only with dataset=synthetic). The plan printed for a
     * person (params_describe) leaves it out otherwise, and one given by the user then is
     * named by params_ignored (the experiment loader warns). The canonical dump keeps it,
     * so that cell ids do not depend on this field. */
    const char *applies;
} ParamSpec;

typedef struct ParamComp {
    const void *def; /* what resolve returned */
    char name[32];
    struct Params *params; /* owned */
} ParamComp;

typedef struct ParamValue {
    double num;   /* NUM, INT, BOOL (0/1) */
    char *str;    /* ENUM, STR (owned) */
    double *list; /* LIST (owned) */
    int nlist;
    int ref;          /* FUNC: Lua registry reference, 0 when unset */
    ParamComp *comps; /* COMPS (owned) */
    int ncomps;
    bool set; /* given by the user rather than defaulted */
} ParamValue;

typedef struct Params {
    const ParamSpec *spec;
    int n;
    ParamValue *v; /* [n], owned */
} Params;

/* Count of a NULL-name-terminated table. */
int param_count(const ParamSpec *spec);
const ParamSpec *param_find(const ParamSpec *spec, const char *name);

/* params_init: every parameter at its default (defaults are checked: a bad default
 * in a table is a programmer error). Required parameters stay unset. */
void params_init(Params *p, const ParamSpec *spec);
void params_free(Params *p);
void params_copy(Params *dst, const Params *src);

/* Setters validate type and range and fill `e` with
 * "WHERE: KEY: problem (expected X, got Y)". They return 0 or -1. */
int params_set_num(Params *p, const char *key, double x, const char *where, Err *e);
int params_set_bool(Params *p, const char *key, bool b, const char *where, Err *e);
int params_set_str(Params *p, const char *key, const char *s, const char *where, Err *e);
int params_set_list(Params *p, const char *key, const double *x, int n, const char *where, Err *e);
/* params_set_func: ref is a Lua registry reference; identity names the function in dumps. */
int params_set_func(Params *p, const char *key, int ref, const char *identity, const char *where,
                    Err *e);
/* params_set_text: parses text by the parameter's type (for --set key=value). */
int params_set_text(Params *p, const char *key, const char *text, const char *where, Err *e);
/* params_set_comps: takes ownership of comps[n] (each with its own Params). */
int params_set_comps(Params *p, const char *key, ParamComp *comps, int n, const char *where,
                     Err *e);
const ParamComp *params_comps(const Params *p, const char *name, int *n);
/* params_check_required: every required parameter has a value, and every true boolean
 * with `needs` has its partner true. */
int params_check_required(const Params *p, const char *where, const char *subject, Err *e);
/* params_ignored: the index of the first parameter from `from` on that the user set although
 * it does not apply (`applies`), with e naming it and why; -1 when there is none. */
int params_ignored(const Params *p, int from, const char *where, const char *subject, Err *e);

/* Typed getters; asking for an unknown name or the wrong type is a programmer error. */
double params_num(const Params *p, const char *name);
int64_t params_int(const Params *p, const char *name);
bool params_bool(const Params *p, const char *name);
const char *params_str(const Params *p, const char *name);
const double *params_list(const Params *p, const char *name, int *n);
int params_func(const Params *p, const char *name);
bool params_isset(const Params *p, const char *name);
/* params_has_func: some parameter, or one of a component list's, is a Lua function. */
bool params_has_func(const Params *p);

/* params_dump: canonical "k=v;k=v" in table order (numbers %.17g, lists a|b); a
 * PARAM_ADDED parameter at its default is left out. */
void params_dump(const Params *p, Buf *out);
/* params_describe: the parameters for a person to read, "k=v;k=v" as params_dump but
 * numbers in their shortest form (num_short: 1.9, not 1.8999999999999999) and without the
 * parameters that do not apply (`applies`). Never hashed: cell ids come from params_dump. */
void params_describe(const Params *p, Buf *out);
/* params_applies: the parameter NAME applies under the current values (see `applies`). */
bool params_applies(const Params *p, const char *name);
/* param_expect: describes what a parameter accepts, e.g. "number in (0, 1)". */
void param_expect(const ParamSpec *s, char *out, size_t n);
const char *param_type_name(ParamType t);
/* param_names: "a, b, c" of a table, for unknown-key messages. */
void param_names(const ParamSpec *spec, char *out, size_t n);

#endif
