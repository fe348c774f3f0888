/* test_data_real.c - the loaders on the real data sets, which must be present in LRLAB_DATA
 * (default ./data; `bash scripts/bootstrap.sh test` fetches them all first): a missing data
 * set fails this test with the loader's message and its fetch command, nothing is skipped.
 *
 * Checks the shapes and facts the data sets are known by (scripts/fetch-data.sh): Fashion-MNIST and
 * MNIST 60000 / 10000 images of 28 x 28 with labels 0..9 (Fashion-MNIST: 6000 / 1000 of each
 * class); the KJV text equal to fetch-data.sh's `sed 's/^[^ ]* //'` (by its sha256), 31,102 verses
 * in 1,189 chapters, 929 of them Old Testament; Moby Dick pure ASCII; 6,046 e-mails of which 1,896
 * spam; a KJV document-term matrix with unit rows. Prints the time each load takes.
 */
#include "check.h"
#include "harness/base/sha256.h"
#include "tasks/data/text.h"
#include "tasks/data/vision.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int ok(int rc, const Err *e) {
    if (rc != 0) err_print(e);
    CHECK(rc == 0);
    return rc == 0;
}

static void test_vision(const char *data, const char *name, const int first_labels[4]) {
    VisionSet tr, te;
    Err e = {0};
    double t0 = now();
    if (!ok(vision_load(data, name, &tr, &te, &e), &e)) return;
    fprintf(stderr, "load %-12s %.3f s (sha256, %s)\n", name, now() - t0,
            strcmp(name, "fashion") == 0 ? "inflate, parse" : "parse");
    CHECK(tr.n == 60000 && te.n == 10000);
    CHECK(tr.rows == 28 && tr.cols == 28 && te.rows == 28 && te.cols == 28);
    int classes[2][10] = {{0}}, in_range = 1;
    for (int s = 0; s < 2; s++) {
        const VisionSet *v = s ? &te : &tr;
        for (int i = 0; i < v->n; i++) {
            in_range &= v->labels[i] <= 9;
            if (v->labels[i] <= 9) classes[s][v->labels[i]]++;
        }
    }
    CHECK(in_range);
    for (int k = 0; k < 4; k++) CHECK(tr.labels[k] == first_labels[k]);
    if (strcmp(name, "fashion") == 0)
        for (int c = 0; c < 10; c++) CHECK(classes[0][c] == 6000 && classes[1][c] == 1000);
    /* pixels: 0..255 bytes with a black border; the mean image intensity is about a third */
    double sum = 0;
    for (size_t i = 0; i < (size_t)tr.n * 784; i++) sum += tr.images[i];
    double mean = sum / (60000.0 * 784);
    CHECK(mean > 20 && mean < 100);
    fprintf(stderr, "  %s: mean pixel %.2f, test classes", name, mean);
    for (int c = 0; c < 10; c++) fprintf(stderr, " %d", classes[1][c]);
    fprintf(stderr, "\n");
    vision_free(&tr);
    vision_free(&te);
    CHECK(tr.images == NULL && te.labels == NULL);
}

static void test_kjv(const char *data) {
    Err e = {0};
    char *text, sum[65];
    size_t n;
    double t0 = now();
    if (!ok(text_load(data, "kjv", &text, &n, &e), &e)) return;
    fprintf(stderr, "load %-12s %.3f s\n", "kjv", now() - t0);
    Sha256 c;
    sha256_init(&c);
    sha256_update(&c, text, n);
    sha256_hex(&c, sum);
    /* sha256 of `sed 's/^[^ ]* //' kjv_ref.txt`, the text whose md5 fetch-data.sh checks */
    CHECK(strcmp(sum, "b5c4940bcfeee072c0935b5200d0f9d88a00a0199cb0961d16133458fcdfae5d") == 0);
    CHECK(n == 4137850 && strlen(text) == n);
    int lines = 0, ascii = 1;
    for (size_t i = 0; i < n; i++) lines += text[i] == '\n', ascii &= (unsigned char)text[i] < 128;
    CHECK(lines == 31102 && ascii);
    CHECK(strncmp(text, "In the beginning God created the heaven and the earth.\n", 55) == 0);
    free(text);

    TextCorpus ch;
    t0 = now();
    if (!ok(corpus_load(data, "kjv_chapters", &ch, &e), &e)) return;
    fprintf(stderr, "load %-12s %.3f s\n", "kjv_chapters", now() - t0);
    CHECK(ch.n == 1189);
    int nt = 0, first_nt = -1, verses = 0, shortest = 1 << 30, longest = 0, ordered = 1;
    size_t total = 0;
    for (int i = 0; i < ch.n; i++) {
        int v = 0;
        for (size_t k = 0; k < ch.lens[i]; k++) v += ch.docs[i][k] == '\n';
        verses += v;
        shortest = v < shortest ? v : shortest;
        longest = v > longest ? v : longest;
        total += ch.lens[i];
        nt += ch.labels[i];
        if (ch.labels[i] && first_nt < 0) first_nt = i;
        if (i > 0) ordered &= ch.labels[i] >= ch.labels[i - 1];
    }
    CHECK(verses == 31102 && total == 4137850);
    CHECK(nt == 260 && first_nt == 929 && ordered);
    CHECK(shortest == 2 && longest == 176); /* Psalm 117 and Psalm 119 */
    const char *matthew = "The book of the generation of Jesus Christ";
    CHECK(first_nt >= 0 && strncmp(ch.docs[first_nt], matthew, strlen(matthew)) == 0);
    CHECK(strncmp(ch.docs[0], "In the beginning", 16) == 0);

    DocTerm dt;
    t0 = now();
    if (ok(corpus_doc_term(&ch, 4096, DOCTERM_TFIDF, &dt, "kjv", &e), &e)) {
        fprintf(stderr,
                "doc-term kjv 1189 x 4096 tf-idf %.3f s; top words %s %s %s, last %s (df %d)\n",
                now() - t0, dt.words[0], dt.words[1], dt.words[2], dt.words[4095], dt.df[4095]);
        CHECK(dt.n == 1189 && dt.k == 4096);
        CHECK(strcmp(dt.words[0], "the") == 0 && dt.df[0] == 1188);
        int unit = 1, nonneg = 1;
        for (int d = 0; d < dt.n; d++) {
            double ss = 0;
            for (int k = 0; k < dt.k; k++) {
                float x = dt.x[(size_t)d * dt.k + k];
                ss += (double)x * x;
                nonneg &= x >= 0;
            }
            unit &= ss > 1 - 1e-5 && ss < 1 + 1e-5;
        }
        CHECK(unit && nonneg);
        doc_term_free(&dt);
    }
    corpus_free(&ch);
}

static void test_mobydick(const char *data) {
    Err e = {0};
    char *text;
    size_t n;
    double t0 = now();
    if (!ok(text_load(data, "mobydick", &text, &n, &e), &e)) return;
    fprintf(stderr, "load %-12s %.3f s, %zu chars\n", "mobydick", now() - t0, n);
    int ascii = 1;
    for (size_t i = 0; i < n; i++) ascii &= (unsigned char)text[i] < 128 && text[i] != 0;
    CHECK(ascii && strlen(text) == n);
    /* 1,190,317 code points; each of the 1,616 em dashes becomes two characters */
    CHECK(n == 1191933);
    const char *start = "CHAPTER 1. Loomings.\n\nCall me Ishmael. Some years ago--never mind";
    CHECK(strncmp(text, start, strlen(start)) == 0);
    free(text);
}

static void test_spam(const char *data) {
    Err e = {0};
    TextCorpus c;
    double t0 = now();
    if (!ok(corpus_load(data, "spam", &c, &e), &e)) return;
    fprintf(stderr, "load %-12s %.3f s (6046 files, sha256 of each)\n", "spam", now() - t0);
    CHECK(c.n == 6046);
    int spam = 0, ordered = 1, nonempty = 1;
    for (int i = 0; i < c.n; i++) {
        spam += c.labels[i];
        if (i > 0) ordered &= c.labels[i] >= c.labels[i - 1]; /* the ham folders sort first */
        nonempty &= c.lens[i] > 0 && strlen(c.docs[i]) == c.lens[i];
    }
    CHECK(spam == 1896 && ordered && nonempty);
    corpus_free(&c);
}

int main(void) {
    const char *data = getenv("LRLAB_DATA");
    if (!data || !*data) data = "data";
    fprintf(stderr, "data folder: %s\n", data);
    test_vision(data, "fashion", (const int[4]){9, 0, 0, 3});
    test_vision(data, "mnist", (const int[4]){5, 0, 4, 1});
    test_kjv(data);
    test_mobydick(data);
    test_spam(data);
    return check_report();
}
