/* defines.h - lrlab run --define KEY=VALUE: values an experiment script reads as define.KEY,
 * so that one script declares the arms of a study (README.md, "An experiment").
 *
 * KEY and VALUE are each a name without = (names.h's rule, as the keys of experiment{}'s arm
 * table): no space, ;, =, quote or control byte, so the canonical text "k=v;k=v" (keys in
 * increasing byte order) reads back as it was given. At most DEFINE_MAX pairs, each key once.
 * provenance.txt records the text as "defines: k=v;k=v", only when there is one (a folder made
 * without --define keeps the bytes it always had); lrlab verify loads the script with the
 * defines read back from it, and lrlab run refuses an output folder made with other defines.
 */
#ifndef LRLAB_DEFINES_H
#define LRLAB_DEFINES_H

#include "harness/base/err.h"
#include "harness/base/names.h"

#include <stddef.h>

#define DEFINE_MAX 16
/* the canonical text's size: DEFINE_MAX pairs of two names, = and ; (or the final NUL) */
#define DEFINES_TEXT_MAX (DEFINE_MAX * (2 * NAME_MAX_LEN + 2))
/* what an error message says KEY and VALUE should be */
#define DEFINE_RULE                                                                                \
    "KEY=VALUE with KEY and VALUE each 1 to 63 characters of A-Z a-z 0-9 - _ . +, the first "      \
    "a letter, digit or _, no __"

typedef struct Defines {
    int n;
    char key[DEFINE_MAX][NAME_MAX_LEN + 1]; /* in increasing strcmp order */
    char value[DEFINE_MAX][NAME_MAX_LEN + 1];
} Defines;

/* defines_add: one --define argument "KEY=VALUE" put in its place (d stays sorted by key); 0,
 * or -1 with e (EXIT_USAGE, "--define: ...") for a missing =, a key or value outside the rule,
 * a key given twice or a pair past DEFINE_MAX. */
int defines_add(Defines *d, const char *arg, Err *e);

/* defines_text: the canonical text "k=v;k=v" into out[DEFINES_TEXT_MAX]; "" for none. */
void defines_text(const Defines *d, char *out);

/* defines_parse: the canonical text (provenance.txt's defines line) back into d; 0, or -1 with
 * e (EXIT_USAGE, "WHERE: defines: invalid value (...)") when it is not the canonical text of
 * 1 to DEFINE_MAX pairs. */
int defines_parse(const char *text, const char *where, Defines *d, Err *e);

#endif
