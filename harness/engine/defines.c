/* defines.c - lrlab run --define KEY=VALUE (see defines.h). */
#include "harness/engine/defines.h"

#include <stdio.h>
#include <string.h>

/* a key or a value: a name (names.h) without = */
static int define_name(const char *s, size_t len) {
    return name_valid(s, len) && !memchr(s, '=', len);
}

int defines_add(Defines *d, const char *arg, Err *e) {
    char got[256];
    name_show(got, sizeof got, arg, strlen(arg));
    const char *eq = strchr(arg, '=');
    if (!eq)
        return err_set(e, EXIT_USAGE, "--define", "missing = (expected %s, got %s)", DEFINE_RULE,
                       got);
    size_t kl = (size_t)(eq - arg);
    if (!define_name(arg, kl))
        return err_set(e, EXIT_USAGE, "--define", "invalid key (expected %s, got %s)", DEFINE_RULE,
                       got);
    if (!define_name(eq + 1, strlen(eq + 1)))
        return err_set(e, EXIT_USAGE, "--define", "invalid value (expected %s, got %s)",
                       DEFINE_RULE, got);
    int at = 0;
    while (at < d->n && strncmp(d->key[at], arg, kl) < 0) at++;
    if (at < d->n && strlen(d->key[at]) == kl && strncmp(d->key[at], arg, kl) == 0)
        return err_set(e, EXIT_USAGE, "--define",
                       "%s: given twice (expected each KEY once, got "
                       "%s=%s and %s)",
                       d->key[at], d->key[at], d->value[at], got);
    if (d->n == DEFINE_MAX)
        return err_set(e, EXIT_USAGE, "--define",
                       "too many (expected at most %d KEY=VALUE, got "
                       "%s as number %d)",
                       DEFINE_MAX, got, DEFINE_MAX + 1);
    memmove(d->key[at + 1], d->key[at], sizeof d->key[0] * (size_t)(d->n - at));
    memmove(d->value[at + 1], d->value[at], sizeof d->value[0] * (size_t)(d->n - at));
    snprintf(d->key[at], sizeof d->key[at], "%.*s", (int)kl, arg);
    snprintf(d->value[at], sizeof d->value[at], "%s", eq + 1);
    d->n++;
    return 0;
}

void defines_text(const Defines *d, char *out) {
    size_t off = 0;
    out[0] = '\0';
    for (int i = 0; i < d->n; i++) /* fits: DEFINES_TEXT_MAX counts every byte */
        off += (size_t)snprintf(out + off, DEFINES_TEXT_MAX - off, "%s%s=%s", i ? ";" : "",
                                d->key[i], d->value[i]);
}

int defines_parse(const char *text, const char *where, Defines *d, Err *e) {
    char got[256], pair[2 * NAME_MAX_LEN + 2], again[DEFINES_TEXT_MAX];
    Err ignored;
    int ok = *text != '\0' && strlen(text) < DEFINES_TEXT_MAX;
    memset(d, 0, sizeof *d);
    for (const char *p = text; ok; p += strcspn(p, ";") + 1) { /* each pair as --define's */
        size_t len = strcspn(p, ";");
        ok = len < sizeof pair;
        if (ok) {
            memcpy(pair, p, len);
            pair[len] = '\0';
            ok = defines_add(d, pair, &ignored) == 0;
        }
        if (!p[len]) break;
    }
    if (ok) { /* canonical: keys in increasing order, as written */
        defines_text(d, again);
        ok = strcmp(again, text) == 0;
    }
    if (ok) return 0;
    memset(d, 0, sizeof *d);
    name_show(got, sizeof got, text, strlen(text));
    return err_set(e, EXIT_USAGE, where,
                   "defines: invalid value (expected k=v;k=v, keys in "
                   "increasing order, at most %d pairs, each %s, got %s)",
                   DEFINE_MAX, DEFINE_RULE, got);
}
