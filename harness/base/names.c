/* names.c - the one rule for names (see names.h). */
#include "harness/base/names.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int name_char(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.' || c == '+' || c == '=';
}

static int first_char(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

int name_valid(const char *s, size_t len) {
    if (!s || len < 1 || len > NAME_MAX_LEN || !first_char((unsigned char)s[0])) return 0;
    for (size_t i = 0; i < len; i++) /* "__" joins names in file names (task__optimizer) */
        if (!name_char((unsigned char)s[i]) || (i > 0 && s[i] == '_' && s[i - 1] == '_')) return 0;
    return 1;
}

void name_show(char *out, size_t n, const char *s, size_t len) {
    size_t o = 0, shown = len > 40 ? 40 : len;
    if (n == 0) return;
    out[0] = '\0';
#define PUT(...)                                                                                   \
    (o += (size_t)snprintf(out + o, o < n ? n - o : 0, __VA_ARGS__), o = o < n ? o : n - 1)
    PUT("\"");
    for (size_t i = 0; i < shown; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n') PUT("\\n");
        else if (c == '\r') PUT("\\r");
        else if (c == '\t') PUT("\\t");
        else if (c == '"' || c == '\\') PUT("\\%c", c);
        else if (c < 0x20 || c > 0x7e) PUT("\\x%02x", c);
        else PUT("%c", c);
    }
    PUT("\"");
    if (shown < len || len > NAME_MAX_LEN) PUT("%s (%zu bytes)", shown < len ? "..." : "", len);
#undef PUT
}

int name_check(const char *s, size_t len, const char *where, const char *subject, Err *e) {
    if (name_valid(s, len)) return 0;
    char got[256];
    if (len == 0) snprintf(got, sizeof got, "an empty name");
    else name_show(got, sizeof got, s, len);
    return err_set(e, EXIT_USAGE, where, "%s: invalid name (expected %s, got %s)", subject,
                   NAME_RULE, got);
}

void name_slug(char *out, size_t n, const char *s) {
    size_t len = strlen(s);
    if (n > NAME_MAX_LEN && name_valid(s, len)) {
        memcpy(out, s, len + 1);
        return;
    }
    uint64_t h = 1469598103934665603ULL; /* FNV-1a over every byte of s */
    for (size_t i = 0; i < len; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    size_t keep = len > 40 ? 40 : len, o = 0;
    if (keep + 10 > n) keep = n > 10 ? n - 10 : 0;
    for (size_t i = 0; i < keep; i++, o++) {
        unsigned char c = (unsigned char)s[i];
        out[o] = name_char(c) && (i > 0 || first_char(c)) ? (char)c : '_';
    }
    snprintf(out + o, n - o, "%s%08x", o ? "-" : "_", (unsigned)(h ^ (h >> 32)));
}

int arm_valid(const char *s) {
    size_t len = s ? strlen(s) : 0;
    if (!len || len > ARM_MAX_LEN) return 0;
    if (!strchr(s, ';') && name_valid(s, len)) return 1; /* a name: "hf-val" or "budget=4x" */
    const char *p = s, *prev = NULL;
    size_t prevlen = 0;
    for (int axes = 0;; axes++) {
        const char *end = strchr(p, ';'), *eq = strchr(p, '=');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (axes == ARM_MAX_AXES || !eq || eq >= p + n) return 0;
        size_t kn = (size_t)(eq - p);
        if (!name_valid(p, kn) || !name_valid(eq + 1, n - kn - 1)) return 0;
        if (prev && (strncmp(prev, p, kn < prevlen ? kn : prevlen) > 0 ||
                     (strncmp(prev, p, kn < prevlen ? kn : prevlen) == 0 && prevlen >= kn)))
            return 0; /* keys strictly increasing */
        prev = p, prevlen = kn;
        if (!end) return 1;
        p = end + 1;
    }
}
