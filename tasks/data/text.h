/* text.h - text corpora: the King James Bible (Debian bible-kjv), Moby Dick and the
 * SpamAssassin corpus (npm @stdlib datasets), as scripts/fetch-data.sh places them in the
 * data folder, verified against their sha256.
 */
#ifndef LRLAB_TEXT_H
#define LRLAB_TEXT_H

#include "harness/base/err.h"

#include <stddef.h>

typedef struct TextCorpus {
    int n;        /* documents */
    char **docs;  /* [n] NUL-terminated, owned */
    size_t *lens; /* [n] */
    int *labels;  /* [n]: spam: 1 spam, 0 ham; kjv chapters: 0 Old, 1 New Testament */
    int shared;   /* the arrays belong to the data cache (cache.h) */
} TextCorpus;

/* text_load: one ASCII string. "kjv": verses without their references, one per line;
 * "mobydick": the novel with typographic quotes and dashes mapped to ASCII. */
int text_load(const char *datadir, const char *name, char **text, size_t *n, Err *e);
/* text_ascii: maps UTF-8 text s[0..n) to ASCII in place, the way "mobydick" is mapped (dashes,
 * quotes and the ellipsis to their ASCII forms, accented Latin letters to base letters, any
 * other non-ASCII code point or invalid byte dropped); returns the new length (<= n) and
 * writes a NUL there when it is < n. */
size_t text_ascii(char *s, size_t n);
/* corpus_load: "spam" (e-mails in sorted path order) or "kjv_chapters" (1,189 chapters). */
int corpus_load(const char *datadir, const char *name, TextCorpus *c, Err *e);
void corpus_free(TextCorpus *c);

/* A document-term matrix: one row per document, one column per vocabulary word. */
typedef struct DocTerm {
    int n, k;     /* documents, words */
    float *x;     /* [n, k] weights, each row of unit L2 norm (or all zero), owned */
    char **words; /* [k] the vocabulary, by decreasing document frequency, owned */
    int *df;      /* [k] documents that contain each word */
} DocTerm;

enum { DOCTERM_COUNTS = 0, DOCTERM_TFIDF = 1 };

/* corpus_doc_term: tokens are maximal runs of ASCII letters, lowercased; the vocabulary is
 * the `vocab` words of highest document frequency (ties alphabetical); entries are the
 * counts of each word in each document, times the smoothed idf ln((1+n)/(1+df)) + 1 for
 * DOCTERM_TFIDF (scikit-learn's TfidfVectorizer defaults), then each row is divided by its
 * L2 norm. More `vocab` than distinct words is an error (where: for the message). */
int corpus_doc_term(const TextCorpus *c, int vocab, int weighting, DocTerm *dt, const char *where,
                    Err *e);
void doc_term_free(DocTerm *dt);

#endif
