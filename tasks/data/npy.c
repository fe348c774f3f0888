/* npy.c - NumPy .npy reader (see npy.h). */
#include "tasks/data/npy.h"

#include "harness/base/fsutil.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int bad(Err *e, const char *path, const char *hint, const char *what) {
    err_set(e, EXIT_USAGE, path, "%s", what);
    if (hint) err_hint(e, "%s", hint);
    return -1;
}

/* Parses "'shape': (200, 25, 25)" from the header dict. */
static int parse_shape(const char *hdr, Npy *a) {
    const char *p = strstr(hdr, "'shape'");
    if (!p || !(p = strchr(p, '('))) return -1;
    p++;
    a->ndim = 0;
    a->count = 1;
    while (*p && *p != ')') {
        while (*p == ' ' || *p == ',') p++;
        if (*p == ')') break;
        char *end;
        unsigned long long d = strtoull(p, &end, 10);
        if (end == p || a->ndim == 8 || d > (1ULL << 40)) return -1;
        a->shape[a->ndim++] = (size_t)d;
        if (d && a->count > ((size_t)1 << 40) / d) return -1;
        a->count *= (size_t)d;
        p = end;
    }
    return *p == ')' ? 0 : -1;
}

int npy_load(const char *path, Npy *a, const char *hint, Err *e) {
    memset(a, 0, sizeof *a);
    int fd = fs_open_regular(path); /* a FIFO or a device is refused, never waited on */
    FILE *f = fd < 0 ? NULL : fdopen(fd, "rb");
    if (!f) {
        const int err = errno;
        if (fd >= 0) close(fd);
        char what[160];
        snprintf(what, sizeof what, "cannot open data file (expected a .npy file, got %s)",
                 err == ENOENT ? "none" : fs_strerror(err));
        return bad(e, path, hint, what);
    }
    unsigned char pre[12];
    char *hdr = NULL;
    int rc = -1;
    if (fread(pre, 1, 10, f) != 10 || memcmp(pre, "\x93NUMPY", 6) != 0) {
        bad(e, path, hint, "not a .npy file (expected magic \\x93NUMPY, got other bytes)");
        goto out;
    }
    size_t hlen;
    if (pre[6] == 1) {
        hlen = pre[8] | (size_t)pre[9] << 8;
    } else if (pre[6] == 2 || pre[6] == 3) {
        if (fread(pre + 10, 1, 2, f) != 2) goto trunc;
        hlen = pre[8] | (size_t)pre[9] << 8 | (size_t)pre[10] << 16 | (size_t)pre[11] << 24;
        if (hlen > (1u << 20)) goto trunc;
    } else {
        bad(e, path, hint, "unsupported .npy version (expected 1, 2 or 3)");
        goto out;
    }
    hdr = xmalloc(hlen + 1);
    if (fread(hdr, 1, hlen, f) != hlen) goto trunc;
    hdr[hlen] = '\0';
    size_t esize;
    int kind; /* 8: f8, 4: f4, 1: u1 */
    if (strstr(hdr, "'<f8'")) esize = 8, kind = 8;
    else if (strstr(hdr, "'<f4'")) esize = 4, kind = 4;
    else if (strstr(hdr, "'|u1'")) esize = 1, kind = 1;
    else {
        bad(e, path, hint, "unsupported .npy dtype (expected <f8, <f4 or |u1)");
        goto out;
    }
    if (strstr(hdr, "'fortran_order': True")) {
        bad(e, path, hint, "unsupported .npy layout (expected C order, got Fortran order)");
        goto out;
    }
    if (parse_shape(hdr, a) != 0) {
        bad(e, path, hint, "malformed .npy header (expected a 'shape' tuple)");
        goto out;
    }
    a->data = xmalloc(sizeof(float) * (a->count ? a->count : 1));
    unsigned char buf[8192];
    size_t done = 0;
    while (done < a->count) {
        size_t want = (a->count - done) * esize;
        if (want > sizeof buf) want = sizeof buf;
        if (fread(buf, 1, want, f) != want) goto trunc;
        for (size_t k = 0; k < want / esize; k++, done++) {
            const unsigned char *q = buf + k * esize;
            if (kind == 8) {
                uint64_t u = 0;
                for (int b = 7; b >= 0; b--) u = u << 8 | q[b];
                double d;
                memcpy(&d, &u, 8);
                a->data[done] = (float)d;
            } else if (kind == 4) {
                uint32_t u = 0;
                for (int b = 3; b >= 0; b--) u = u << 8 | q[b];
                memcpy(&a->data[done], &u, 4);
            } else {
                a->data[done] = q[0];
            }
        }
    }
    if (fgetc(f) != EOF) {
        bad(e, path, hint, "trailing bytes after the .npy array (expected end of file)");
        goto out;
    }
    rc = 0;
    goto out;
trunc:
    bad(e, path, hint, "truncated .npy file (expected the full array, got end of file)");
out:
    free(hdr);
    fclose(f);
    if (rc != 0) npy_free(a);
    return rc;
}

void npy_free(Npy *a) {
    free(a->data);
    a->data = NULL;
}
