/* cache.c - data sets loaded once per process (see cache.h). */
#include "tasks/data/cache.h"

#include "harness/base/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct Entry {
    char *key;
    void *data;
    size_t size;
    void (*drop)(void *); /* frees what an adopted structure points to; NULL: nothing */
} Entry;

static int enabled;
static Entry *entries; /* a handful per experiment: a linear search is enough */
static int nentries, cap;

void datacache_enable(void) { enabled = 1; }
int datacache_on(void) { return enabled; }

void datacache_key(char *key, size_t n, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(key, n, fmt, ap);
    va_end(ap);
    if (len < 0 || (size_t)len >= n) key[0] = '\0';
}

const void *datacache_find(const char *key, size_t *size) {
    if (!*key) return NULL;
    for (int i = 0; i < nentries; i++)
        if (strcmp(entries[i].key, key) == 0) {
            if (size) *size = entries[i].size;
            return entries[i].data;
        }
    return NULL;
}

const void *datacache_keep(const char *key, const void *data, size_t size) {
    return datacache_adopt(key, data, size, NULL);
}

const void *datacache_adopt(const char *key, const void *data, size_t size, void (*drop)(void *)) {
    if (!enabled || !*key || datacache_find(key, NULL)) return NULL;
    if (nentries == cap) {
        cap = cap ? 2 * cap : 8;
        entries = xrealloc(entries, sizeof(Entry) * (size_t)cap);
    }
    Entry *en = &entries[nentries++];
    en->key = xstrdup(key);
    en->data = xmalloc(size ? size : 1);
    if (size) memcpy(en->data, data, size);
    en->size = size;
    en->drop = drop;
    return en->data;
}

void datacache_release(void) {
    for (int i = 0; i < nentries; i++) {
        if (entries[i].drop) entries[i].drop(entries[i].data);
        free(entries[i].key);
        free(entries[i].data);
    }
    free(entries);
    entries = NULL;
    nentries = cap = 0;
    enabled = 0;
}
