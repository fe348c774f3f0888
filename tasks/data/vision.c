/* vision.c - IDX image and label files (raw or gzipped) and the MNIST / Fashion-MNIST sets.
 *
 * What: idx_load reads one IDX file of unsigned bytes, decoding it first with zlib (gzip.h)
 * when it starts with the gzip magic 1f 8b; vision_load checks the sha256 of each file of a
 * data set against the values scripts/fetch-data.sh records, then loads its images and labels
 * and checks that they agree (same count, labels 0..9).
 * Why: the vision tasks need the exact bytes every machine fetched; a wrong, truncated or
 * padded file must stop the run with one line naming the file and the fetch command, before
 * any training. Each file is read once: the checksum and the parse share the buffer.
 * Reference: the IDX format of LeCun, Cortes and Burges (yann.lecun.com/exdb/mnist): a
 * big-endian header, magic 00 00 08 NDIM (08: unsigned bytes), NDIM u32 sizes, then the
 * values in C order; Fashion-MNIST (Xiao, Rasul and Vollgraf, 2017) uses the same layout.
 */
#include "tasks/data/vision.h"

#include "harness/base/fsutil.h"
#include "harness/base/gzip.h"
#include "harness/base/sha256.h"
#include "tasks/data/cache.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Largest IDX payload accepted after inflation (the MNIST training images are 47 MB). */
#define IDX_MAX_BYTES ((size_t)1 << 30)

/* One file of a data set as scripts/fetch-data.sh places and checks it. */
typedef struct VisionFile {
    const char *name; /* under datadir/<folder>/ */
    const char *sha256;
} VisionFile;

typedef struct VisionDef {
    const char *name, *folder;
    VisionFile files[4]; /* train images, train labels, test images, test labels */
} VisionDef;

static const VisionDef vision_sets[] = {
    {"fashion",
     "fashion-mnist",
     {{"train-images-idx3-ubyte.gz",
       "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7"},
      {"train-labels-idx1-ubyte.gz",
       "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056"},
      {"t10k-images-idx3-ubyte.gz",
       "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa"},
      {"t10k-labels-idx1-ubyte.gz",
       "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05"}}},
    {"mnist",
     "mnist",
     {{"train-images-idx3-ubyte",
       "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"},
      {"train-labels-idx1-ubyte",
       "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"},
      {"t10k-images-idx3-ubyte",
       "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"},
      {"t10k-labels-idx1-ubyte",
       "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"}}},
};

static int bad(Err *e, const char *path, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int bad(Err *e, const char *path, const char *hint, const char *fmt, ...) {
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    err_set(e, EXIT_USAGE, path, "%s", msg);
    if (hint) err_hint(e, "%s", hint);
    return -1;
}

static uint32_t be32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* ---- IDX ---- */

int idx_parse(const char *path, const uint8_t *bytes, size_t n, Idx *a, const char *hint, Err *e) {
    memset(a, 0, sizeof *a);
    uint8_t *plain = NULL;
    if (n >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b) {
        size_t m;
        if (gzip_decode(bytes, n, IDX_MAX_BYTES, &plain, &m, path, e) != 0) {
            if (hint) err_hint(e, "%s", hint);
            return -1;
        }
        bytes = plain;
        n = m;
    }
    int rc = -1;
    if (n < 4) {
        bad(e, path, hint, "IDX header: truncated (expected at least 4 bytes, got %zu)", n);
        goto out;
    }
    if (bytes[0] != 0 || bytes[1] != 0 || bytes[2] != 0x08 || (bytes[3] != 1 && bytes[3] != 3)) {
        bad(e, path, hint,
            "IDX magic: not unsigned-byte labels or images (expected 00 00 08 01 or 00 00 08 03, "
            "got %02x %02x %02x %02x)",
            bytes[0], bytes[1], bytes[2], bytes[3]);
        goto out;
    }
    a->ndim = bytes[3];
    size_t hdr = 4 + 4 * (size_t)a->ndim;
    if (n < hdr) {
        bad(e, path, hint, "IDX header: truncated (expected %zu bytes, got %zu)", hdr, n);
        goto out;
    }
    unsigned long long count = 1; /* <= 2^30 * 2^32 at every step: no overflow */
    for (int d = 0; d < a->ndim; d++) {
        a->dims[d] = be32(bytes + 4 + 4 * d);
        if (a->dims[d] == 0) {
            bad(e, path, hint, "IDX header: empty dimension %d (expected a size > 0, got 0)", d);
            goto out;
        }
        if (count <= IDX_MAX_BYTES) count *= a->dims[d];
    }
    if (count > IDX_MAX_BYTES) {
        bad(e, path, hint, "IDX header: too large (expected at most %zu values, got %u x %u x %u)",
            IDX_MAX_BYTES, a->dims[0], a->ndim == 3 ? a->dims[1] : 1,
            a->ndim == 3 ? a->dims[2] : 1);
        goto out;
    }
    if (count > n - hdr) {
        bad(e, path, hint,
            "IDX data: truncated (expected %llu bytes after the %zu-byte header, got %zu)", count,
            hdr, n - hdr);
        goto out;
    }
    if (count < n - hdr) {
        bad(e, path, hint, "IDX data: trailing bytes (expected %llu bytes in all, got %zu)",
            count + hdr, n);
        goto out;
    }
    a->count = (size_t)count;
    if (plain) { /* reuse the inflated buffer: move the values to its start */
        memmove(plain, plain + hdr, a->count);
        a->data = xrealloc(plain, a->count);
        plain = NULL;
    } else {
        a->data = xmalloc(a->count);
        memcpy(a->data, bytes + hdr, a->count);
    }
    rc = 0;
out:
    free(plain);
    if (rc != 0) memset(a, 0, sizeof *a);
    return rc;
}

int idx_load(const char *path, Idx *a, const char *hint, Err *e) {
    memset(a, 0, sizeof *a);
    size_t n;
    errno = 0;
    char *bytes = fs_read(path, &n);
    if (!bytes)
        return bad(e, path, hint, "cannot read data file (expected an IDX file, got %s)",
                   errno ? fs_strerror(errno) : "a read error");
    int rc = idx_parse(path, (const uint8_t *)bytes, n, a, hint, e);
    free(bytes);
    return rc;
}

void idx_free(Idx *a) {
    free(a->data);
    a->data = NULL;
}

/* ---- data sets ---- */

/* load_checked: reads datadir/folder/f->name, checks its sha256, then parses it. */
static int load_checked(const char *datadir, const VisionDef *d, const VisionFile *f, Idx *a,
                        const char *hint, Err *e) {
    char path[4096], sum[65];
    snprintf(path, sizeof path, "%.3000s/%s/%s", datadir, d->folder, f->name);
    memset(a, 0, sizeof *a);
    size_t n;
    errno = 0;
    char *bytes = fs_read(path, &n);
    if (!bytes)
        return bad(e, path, hint, "%s data file (expected the %s file %s, got %s)",
                   errno == ENOENT ? "missing" : "unreadable", d->name, f->name,
                   errno ? fs_strerror(errno) : "a read error");
    Sha256 c;
    sha256_init(&c);
    sha256_update(&c, bytes, n);
    sha256_hex(&c, sum);
    int rc;
    if (strcmp(sum, f->sha256) != 0)
        rc = bad(e, path, hint, "sha256 mismatch (expected %s, got %s)", f->sha256, sum);
    else rc = idx_parse(path, (const uint8_t *)bytes, n, a, hint, e);
    free(bytes);
    return rc;
}

static int load_split(const char *datadir, const char *name, int test, VisionSet *s, Err *e);

/* drop: a cached split's arrays, when the cache is released */
static void drop(void *p) {
    VisionSet *v = p;
    v->shared = 0;
    vision_free(v);
}

/* With the data cache on (cache.h), a split is read once per process and then shared. */
int vision_load_split(const char *datadir, const char *name, int test, VisionSet *s, Err *e) {
    char key[4200];
    datacache_key(key, sizeof key, "vision %s %s %d", datadir, name, test);
    const VisionSet *hit = datacache_find(key, NULL);
    if (hit) {
        *s = *hit;
        return 0;
    }
    if (load_split(datadir, name, test, s, e) != 0) return -1;
    if (datacache_on() && *key) { /* the cache adopts the arrays */
        s->shared = 1;
        datacache_adopt(key, s, sizeof *s, drop);
    }
    return 0;
}

static int load_split(const char *datadir, const char *name, int test, VisionSet *s, Err *e) {
    memset(s, 0, sizeof *s);
    const VisionDef *d = NULL;
    for (size_t i = 0; i < sizeof vision_sets / sizeof vision_sets[0]; i++)
        if (strcmp(vision_sets[i].name, name) == 0) d = &vision_sets[i];
    if (!d)
        return err_set(e, EXIT_USAGE, NULL,
                       "vision data: unknown data set (expected fashion or mnist, got \"%s\")",
                       name);
    char hint[128];
    snprintf(hint, sizeof hint, "fetch it with: bash scripts/fetch-data.sh %s", d->name);
    const VisionFile *fi = &d->files[test ? 2 : 0], *fl = &d->files[test ? 3 : 1];
    Idx im, lb;
    if (load_checked(datadir, d, fi, &im, hint, e) != 0) return -1;
    if (load_checked(datadir, d, fl, &lb, hint, e) != 0) {
        idx_free(&im);
        return -1;
    }
    char path[4096];
    int rc = -1;
    snprintf(path, sizeof path, "%.3000s/%s/%s", datadir, d->folder, fi->name);
    if (im.ndim != 3) { /* count <= IDX_MAX_BYTES: n and rows * cols fit an int */
        bad(e, path, hint, "IDX header: not images (expected 3 dimensions, got %d)", im.ndim);
        goto out;
    }
    snprintf(path, sizeof path, "%.3000s/%s/%s", datadir, d->folder, fl->name);
    if (lb.ndim != 1) {
        bad(e, path, hint, "IDX header: not labels (expected 1 dimension, got %d)", lb.ndim);
        goto out;
    }
    if (lb.dims[0] != im.dims[0]) {
        bad(e, path, hint, "IDX header: one label per image (expected %u labels, got %u)",
            im.dims[0], lb.dims[0]);
        goto out;
    }
    for (size_t i = 0; i < lb.count; i++)
        if (lb.data[i] > 9) {
            bad(e, path, hint, "IDX data: label %zu out of range (expected 0..9, got %u)", i,
                lb.data[i]);
            goto out;
        }
    s->n = (int)im.dims[0];
    s->rows = (int)im.dims[1];
    s->cols = (int)im.dims[2];
    s->images = im.data;
    s->labels = lb.data;
    im.data = lb.data = NULL;
    rc = 0;
out:
    idx_free(&im);
    idx_free(&lb);
    return rc;
}

int vision_load(const char *datadir, const char *name, VisionSet *train, VisionSet *test, Err *e) {
    memset(test, 0, sizeof *test);
    if (vision_load_split(datadir, name, 0, train, e) != 0) return -1;
    if (vision_load_split(datadir, name, 1, test, e) != 0) {
        vision_free(train);
        return -1;
    }
    return 0;
}

void vision_free(VisionSet *s) {
    if (!s->shared) {
        free(s->images);
        free(s->labels);
    }
    s->images = s->labels = NULL;
    s->n = 0;
    s->shared = 0;
}
