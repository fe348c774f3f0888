/* fuzz_util.c - scratch files for the fuzz targets (see fuzz.h). */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[512];
static char files[8][1024];
static int nfiles;

static void cleanup(void) {
    for (int i = 0; i < nfiles; i++) unlink(files[i]);
    if (dir[0]) rmdir(dir);
}

const char *fuzz_dir(void) {
    if (!dir[0]) {
        const char *t = getenv("TMPDIR");
        snprintf(dir, sizeof dir, "%s/lrlab-fuzz.XXXXXX", t && *t ? t : "/tmp");
        if (!mkdtemp(dir)) {
            perror("fuzz: mkdtemp");
            abort();
        }
        atexit(cleanup);
    }
    return dir;
}

/* write_file: path is kept in files[] (removed at exit) and returned from there. */
static const char *write_file(const char *path, const uint8_t *data, size_t size) {
    int k = 0;
    while (k < nfiles && strcmp(files[k], path) != 0) k++;
    if (k == nfiles) {
        if (nfiles == 8) {
            fprintf(stderr, "fuzz: more than 8 scratch files\n");
            abort();
        }
        snprintf(files[nfiles++], sizeof files[0], "%s", path);
    }
    FILE *f = fopen(files[k], "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0) {
        perror("fuzz: cannot write the scratch file");
        abort();
    }
    return files[k];
}

const char *fuzz_file_in(const char *name, const uint8_t *data, size_t size) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", fuzz_dir(), name);
    return write_file(path, data, size);
}

const char *fuzz_file(const char *name, const uint8_t *data, size_t size) {
    return fuzz_file_in(name, data, size);
}
