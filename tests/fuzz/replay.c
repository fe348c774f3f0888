/* replay.c - runs a fuzz target on files, without libFuzzer: the regression tests.
 *
 * usage: replay_<target> FILE_OR_FOLDER...
 * Every file named (and every file of every folder named, in name order) is given to the
 * target's LLVMFuzzerTestOneInput once. The test passes when all of them return, with no
 * crash; built with LRLAB_SANITIZE, also with no sanitizer report. Prints one line per file.
 * Why: each input a fuzzer once crashed on stays a test of the default suite
 * (tests/fuzz/regressions/<target>/), and the committed seed corpus keeps working, in any
 * build and with any compiler.
 */
#include "fuzz.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int run_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "replay: %s: cannot open\n", path);
        return -1;
    }
    size_t cap = 4096, n = 0, r;
    uint8_t *buf = malloc(cap);
    while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    if (!buf) return -1;
    /* a copy of exactly n bytes, so that a read past the input is seen by ASan */
    uint8_t *in = malloc(n ? n : 1);
    memcpy(in, buf, n);
    free(buf);
    LLVMFuzzerTestOneInput(in, n);
    free(in);
    printf("ok %s (%zu bytes)\n", path, n);
    return 0;
}

static int by_name(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE_OR_FOLDER...\n", argv[0]);
        return 2;
    }
    int bad = 0, total = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "replay: %s: no such file or folder\n", argv[i]);
            bad = 1;
            continue;
        }
        if (!S_ISDIR(st.st_mode)) {
            bad |= run_file(argv[i]) != 0;
            total++;
            continue;
        }
        DIR *d = opendir(argv[i]);
        struct dirent *de;
        char **names = NULL;
        int n = 0;
        while (d && (de = readdir(d))) {
            if (de->d_name[0] == '.') continue;
            names = realloc(names, sizeof *names * (size_t)(n + 1));
            names[n] = malloc(strlen(argv[i]) + strlen(de->d_name) + 2);
            sprintf(names[n++], "%s/%s", argv[i], de->d_name);
        }
        if (d) closedir(d);
        qsort(names, (size_t)n, sizeof *names, by_name);
        for (int k = 0; k < n; k++) {
            bad |= run_file(names[k]) != 0;
            total++;
            free(names[k]);
        }
        free(names);
    }
    printf("replayed %d input(s)\n", total);
    return bad;
}
