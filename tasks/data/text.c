/* text.c - text corpora (King James Bible, Moby Dick, SpamAssassin) and document-term matrices.
 *
 * What: loaders for the text data sets as scripts/fetch-data.sh places them in the data
 * folder, each checked against the sha256 that script records, and a bag-of-words builder.
 *  - "kjv": data/kjv/kjv_ref.txt, one verse a line, "Ge1:1 In the beginning ...". The text
 *    is the verses with the reference and its space removed (exactly `sed 's/^[^ ]* //'`,
 *    whose md5 fetch-data.sh checks); "kjv_chapters" cuts it into the 1,189 chapters, a new
 *    chapter wherever the reference before ':' (book and chapter) changes, labelled 1 from
 *    Matthew 1:1 (the New Testament) on, else 0.
 *  - "mobydick": data/mobydick/data.txt, UTF-8; typographic punctuation is mapped to ASCII
 *    (em dash "--", en dash "-", curly quotes ' and ", ellipsis "..."), accented Latin
 *    letters to their base letters, any other non-ASCII code point or invalid byte dropped.
 *  - "spam": data/spam/FOLDER/NAME.txt for the folders easy-ham-1, easy-ham-2, hard-ham-1,
 *    spam-1 and spam-2: 6,046 raw e-mails (headers included, bytes as stored: 514 of them
 *    are not pure ASCII) in sorted path order, labelled 1 in the spam-* folders. The folder
 *    is checked the way fetch-data.sh checks it: the sha256 of the `sha256sum` listing of
 *    every file.
 * Why: text tasks need identical corpora on every machine, and a fetched file that was
 * changed or cut short must stop the run before training, with the command that repairs it.
 * Bag of words: tokens are runs of ASCII letters, lowercased; tf-idf with the smoothed idf
 * of scikit-learn's TfidfVectorizer (Salton and Buckley 1988, Manning et al. "Introduction
 * to Information Retrieval" ch. 6); rows L2-normalised so that short and long documents
 * weigh alike.
 */
#include "tasks/data/text.h"

#include "harness/base/buf.h"
#include "harness/base/fsutil.h"
#include "harness/base/sha256.h"
#include "tasks/data/cache.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KJV_FILE "kjv/kjv_ref.txt"
#define KJV_SHA256 "cd45f0c9cedab8e4439bd6486c8952c77cc8b0ecc5d1f6ae3513f2039f47229d"
#define KJV_VERSES 31102
#define KJV_CHAPTERS 1189
#define KJV_NT_FIRST "Mat1:1" /* first verse of the New Testament */
#define MOBY_FILE "mobydick/data.txt"
#define MOBY_SHA256 "fe282a57094ed62e7144fb7c804a9748fc1c909bf3b49d06e7276015f9f67240"
#define SPAM_DIR "spam"
#define SPAM_COUNT 6046
#define SPAM_TREE_SHA256 "17d44d80a000876b7141106f7cf07a83c133195fbad165527db68b89ff4cdb02"

static const char *const spam_dirs[] = {"easy-ham-1", "easy-ham-2", "hard-ham-1", "spam-1",
                                        "spam-2"};

static int bad(Err *e, const char *where, const char *set, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* bad: "WHERE: message" with the hint that fetches data set `set`. */
static int bad(Err *e, const char *where, const char *set, const char *fmt, ...) {
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    err_set(e, EXIT_USAGE, where, "%s", msg);
    err_hint(e, "fetch it with: bash scripts/fetch-data.sh %s", set);
    return -1;
}

static void hex_of(const void *p, size_t n, char out[65]) {
    Sha256 c;
    sha256_init(&c);
    sha256_update(&c, p, n);
    sha256_hex(&c, out);
}

/* read_checked: datadir/rel into a NUL-terminated buffer, if its sha256 is `want`. */
static char *read_checked(const char *datadir, const char *rel, const char *want, const char *set,
                          size_t *n, Err *e) {
    char path[4096], sum[65];
    snprintf(path, sizeof path, "%.3000s/%s", datadir, rel);
    errno = 0;
    char *s = fs_read(path, n);
    if (!s) {
        bad(e, path, set, "%s data file (expected the %s text, got %s)",
            errno == ENOENT ? "missing" : "unreadable", set,
            errno ? fs_strerror(errno) : "a read error");
        return NULL;
    }
    hex_of(s, *n, sum);
    if (strcmp(sum, want) != 0) {
        bad(e, path, set, "sha256 mismatch (expected %s, got %s)", want, sum);
        free(s);
        return NULL;
    }
    return s;
}

/* ---- King James Bible ---- */

/* verse_text: the line at s (up to '\n' or end) without its reference: everything after the
 * first space, or the whole line when it has none (sed 's/^[^ ]* //'). */
static const char *verse_text(const char *s, const char *eol) {
    const char *sp = memchr(s, ' ', (size_t)(eol - s));
    return sp ? sp + 1 : s;
}

static int kjv_text(const char *datadir, char **text, size_t *len, Err *e) {
    size_t n;
    char *s = read_checked(datadir, KJV_FILE, KJV_SHA256, "kjv", &n, e);
    if (!s) return -1;
    char *out = xmalloc(n + 1), *o = out;
    for (const char *p = s, *end = s + n; p < end;) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol) eol = end;
        const char *t = verse_text(p, eol);
        memcpy(o, t, (size_t)(eol - t));
        o += eol - t;
        if (eol < end) *o++ = '\n';
        p = eol + 1;
    }
    *o = '\0';
    free(s);
    *text = out;
    *len = (size_t)(o - out);
    return 0;
}

/* kjv_ref: checks that the line starts with a reference BOOK CHAPTER:VERSE (BOOK an optional
 * digit and letters, e.g. "1Sm3:4") and returns the length of "BOOK CHAPTER", or 0. */
static size_t kjv_ref(const char *p, const char *eol) {
    const char *q = p;
    if (q < eol && *q >= '1' && *q <= '3') q++;
    const char *book = q;
    while (q < eol && ((*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z'))) q++;
    if (q == book) return 0;
    const char *ch = q;
    while (q < eol && *q >= '0' && *q <= '9') q++;
    if (q == ch || q == eol || *q != ':') return 0;
    size_t key = (size_t)(q - p);
    const char *v = ++q;
    while (q < eol && *q >= '0' && *q <= '9') q++;
    if (q == v || q == eol || *q != ' ') return 0;
    return key;
}

static int kjv_chapters(const char *datadir, TextCorpus *c, Err *e) {
    size_t n;
    char *s = read_checked(datadir, KJV_FILE, KJV_SHA256, "kjv", &n, e);
    if (!s) return -1;
    char path[4096];
    snprintf(path, sizeof path, "%.3000s/%s", datadir, KJV_FILE);
    int cap = KJV_CHAPTERS, verses = 0, nt = 0, rc = -1;
    c->docs = xcalloc((size_t)cap, sizeof *c->docs);
    c->lens = xcalloc((size_t)cap, sizeof *c->lens);
    c->labels = xcalloc((size_t)cap, sizeof *c->labels);
    Buf doc = {0};
    const char *prev = NULL; /* reference key of the previous verse */
    size_t prevlen = 0;
    for (const char *p = s, *end = s + n; p < end; verses++) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol) eol = end;
        size_t key = kjv_ref(p, eol);
        if (!key) {
            bad(e, path, "kjv",
                "line %d: malformed verse (expected \"Book1:1 text\", got \"%.40s\")", verses + 1,
                p);
            goto out;
        }
        if (!prev || key != prevlen || memcmp(p, prev, key) != 0) { /* a new chapter */
            if (prev) {
                c->docs[c->n - 1] = doc.s;
                c->lens[c->n - 1] = doc.len;
                doc = (Buf){0};
            }
            if (c->n == cap) {
                bad(e, path, "kjv", "too many chapters (expected %d, got more)", KJV_CHAPTERS);
                goto out;
            }
            size_t nt_len = strlen(KJV_NT_FIRST);
            if ((size_t)(eol - p) > nt_len && memcmp(p, KJV_NT_FIRST " ", nt_len + 1) == 0) nt = 1;
            c->labels[c->n++] = nt;
            buf_append(&doc, "", 0); /* an empty chapter is still a string */
            prev = p;
            prevlen = key;
        }
        const char *t = verse_text(p, eol);
        buf_append(&doc, t, (size_t)(eol - t));
        buf_append(&doc, "\n", 1);
        p = eol + 1;
    }
    if (prev) {
        c->docs[c->n - 1] = doc.s;
        c->lens[c->n - 1] = doc.len;
        doc = (Buf){0};
    }
    if (c->n != KJV_CHAPTERS || verses != KJV_VERSES) {
        bad(e, path, "kjv", "unexpected size (expected %d chapters and %d verses, got %d and %d)",
            KJV_CHAPTERS, KJV_VERSES, c->n, verses);
        goto out;
    }
    rc = 0;
out:
    buf_free(&doc);
    free(s);
    return rc;
}

/* ---- Moby Dick ---- */

/* utf8: decodes one code point at s[0..n) (n >= 1) into *cp, returning its length; an
 * invalid, overlong or truncated sequence is one byte with *cp = 0xfffd. */
static size_t utf8(const unsigned char *s, size_t n, uint32_t *cp) {
    unsigned char b = s[0];
    size_t len;
    uint32_t c, min;
    if (b < 0x80) {
        *cp = b;
        return 1;
    } else if (b >= 0xc2 && b <= 0xdf) {
        len = 2, c = b & 0x1f, min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
        len = 3, c = b & 0x0f, min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
        len = 4, c = b & 0x07, min = 0x10000;
    } else {
        *cp = 0xfffd;
        return 1;
    }
    if (n < len) {
        *cp = 0xfffd;
        return 1;
    }
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            *cp = 0xfffd;
            return 1;
        }
        c = c << 6 | (s[i] & 0x3f);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
        *cp = 0xfffd;
        return 1;
    }
    *cp = c;
    return len;
}

/* ascii: the ASCII text standing for code point cp >= 0x80, or "" to drop it. */
static const char *ascii(uint32_t cp) {
    /* U+00C0..U+00FF: Latin-1 letters to their base letters. */
    static const char *const latin1[64] = {
        "A", "A", "A", "A", "A", "A", "AE", "C", "E", "E", "E", "E", "I", "I", "I",  "I",
        "D", "N", "O", "O", "O", "O", "O",  "x", "O", "U", "U", "U", "U", "Y", "Th", "ss",
        "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
        "d", "n", "o", "o", "o", "o", "o",  "/", "o", "u", "u", "u", "u", "y", "th", "y"};
    if (cp >= 0xc0 && cp <= 0xff) return latin1[cp - 0xc0];
    switch (cp) {
    case 0xa0: return " "; /* no-break space */
    case 0xab:
    case 0xbb: return "\""; /* guillemets */
    case 0xb4: return "'";  /* acute accent */
    case 0x152: return "OE";
    case 0x153: return "oe";
    case 0x2010:
    case 0x2011:
    case 0x2012:
    case 0x2013:
    case 0x2212: return "-";
    case 0x2014:
    case 0x2015: return "--"; /* em dash, horizontal bar */
    case 0x2018:
    case 0x2019:
    case 0x201a:
    case 0x201b:
    case 0x2032: return "'";
    case 0x201c:
    case 0x201d:
    case 0x201e:
    case 0x201f:
    case 0x2033: return "\"";
    case 0x2026: return "...";
    default: return "";
    }
}

size_t text_ascii(char *s, size_t n) {
    /* Every replacement is at most as long as its UTF-8 encoding ("--" and "..." for 3 bytes,
     * "ss", "AE", "Th" for 2), so the text fits in place and o never passes i. */
    const unsigned char *u = (const unsigned char *)s;
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = utf8(u + i, n - i, &cp);
        if (cp < 0x80) {
            s[o++] = (char)cp;
        } else {
            const char *r = ascii(cp);
            size_t rl = strlen(r);
            memcpy(s + o, r, rl);
            o += rl;
        }
        i += k;
    }
    if (o < n) s[o] = '\0';
    return o;
}

static int moby_text(const char *datadir, char **text, size_t *len, Err *e) {
    size_t n;
    char *s = read_checked(datadir, MOBY_FILE, MOBY_SHA256, "mobydick", &n, e);
    if (!s) return -1;
    *len = text_ascii(s, n); /* fs_read's buffer is NUL-terminated at n */
    *text = s;
    return 0;
}

/* ---- SpamAssassin ---- */

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* list_txt: the names of the *.txt entries of dir, sorted bytewise; NULL if unreadable. */
static char **list_txt(const char *dir, int *count) {
    DIR *d = opendir(dir);
    if (!d) return NULL;
    int n = 0, cap = 256;
    char **names = xmalloc(sizeof *names * (size_t)cap);
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (de->d_name[0] == '.' || l < 5 || strcmp(de->d_name + l - 4, ".txt") != 0) continue;
        if (n == cap) names = xrealloc(names, sizeof *names * (size_t)(cap *= 2));
        names[n++] = xstrdup(de->d_name);
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof *names, cmp_str);
    *count = n;
    return names;
}

static int spam_corpus(const char *datadir, TextCorpus *c, Err *e) {
    char top[4096], path[4096], sum[65];
    snprintf(top, sizeof top, "%.3000s/%s", datadir, SPAM_DIR);
    int cap = SPAM_COUNT;
    c->docs = xcalloc((size_t)cap, sizeof *c->docs);
    c->lens = xcalloc((size_t)cap, sizeof *c->lens);
    c->labels = xcalloc((size_t)cap, sizeof *c->labels);
    Sha256 tree; /* over the lines "SHA256  FOLDER/NAME\n", as `sha256sum` prints them */
    sha256_init(&tree);
    for (size_t di = 0; di < sizeof spam_dirs / sizeof spam_dirs[0]; di++) {
        snprintf(path, sizeof path, "%.3000s/%s", top, spam_dirs[di]);
        int nf;
        errno = 0;
        char **names = list_txt(path, &nf);
        if (!names)
            return bad(e, path, "spam", "%s data folder (expected SpamAssassin e-mails, got %s)",
                       errno == ENOENT ? "missing" : "unreadable",
                       errno ? strerror(errno) : "a read error");
        int rc = 0;
        for (int i = 0; i < nf; i++) {
            if (rc == 0 && c->n == cap)
                rc = bad(e, top, "spam", "too many e-mails (expected %d, got more)", SPAM_COUNT);
            if (rc == 0) {
                snprintf(path, sizeof path, "%.3000s/%s/%.255s", top, spam_dirs[di], names[i]);
                size_t n;
                errno = 0;
                char *s = fs_read(path, &n);
                if (!s) {
                    rc = bad(e, path, "spam", "unreadable e-mail (expected a file, got %s)",
                             errno ? fs_strerror(errno) : "a read error");
                } else {
                    hex_of(s, n, sum);
                    sha256_update(&tree, sum, 64);
                    sha256_update(&tree, "  ", 2);
                    sha256_update(&tree, spam_dirs[di], strlen(spam_dirs[di]));
                    sha256_update(&tree, "/", 1);
                    sha256_update(&tree, names[i], strlen(names[i]));
                    sha256_update(&tree, "\n", 1);
                    c->docs[c->n] = s;
                    c->lens[c->n] = n;
                    c->labels[c->n] = strncmp(spam_dirs[di], "spam", 4) == 0;
                    c->n++;
                }
            }
            free(names[i]);
        }
        free(names);
        if (rc != 0) return -1;
    }
    if (c->n != SPAM_COUNT)
        return bad(e, top, "spam", "wrong number of e-mails (expected %d, got %d)", SPAM_COUNT,
                   c->n);
    sha256_hex(&tree, sum);
    if (strcmp(sum, SPAM_TREE_SHA256) != 0)
        return bad(e, top, "spam", "sha256 mismatch of the e-mails (expected %s, got %s)",
                   SPAM_TREE_SHA256, sum);
    return 0;
}

/* ---- public loaders ---- */

/* With the data cache on (cache.h), texts and corpora are read once per process. */
int text_load(const char *datadir, const char *name, char **text, size_t *n, Err *e) {
    char key[4200];
    datacache_key(key, sizeof key, "text %s %s", datadir, name);
    size_t size;
    const char *hit = datacache_find(key, &size);
    if (hit) {
        *text = xmalloc(size + 1);
        memcpy(*text, hit, size);
        (*text)[size] = '\0';
        *n = size;
        return 0;
    }
    *text = NULL;
    *n = 0;
    int rc;
    if (strcmp(name, "kjv") == 0) rc = kjv_text(datadir, text, n, e);
    else if (strcmp(name, "mobydick") == 0) rc = moby_text(datadir, text, n, e);
    else
        return err_set(e, EXIT_USAGE, NULL,
                       "text data: unknown text (expected kjv or mobydick, got \"%s\")", name);
    if (rc == 0) datacache_keep(key, *text, *n);
    return rc;
}

static int corpus_read(const char *datadir, const char *name, TextCorpus *c, Err *e);

/* drop: a cached corpus's documents, when the cache is released */
static void drop(void *p) {
    TextCorpus *c = p;
    c->shared = 0;
    corpus_free(c);
}

int corpus_load(const char *datadir, const char *name, TextCorpus *c, Err *e) {
    char key[4200];
    datacache_key(key, sizeof key, "corpus %s %s", datadir, name);
    const TextCorpus *hit = datacache_find(key, NULL);
    if (hit) {
        *c = *hit;
        return 0;
    }
    if (corpus_read(datadir, name, c, e) != 0) return -1;
    if (datacache_on() && *key) { /* the cache adopts the arrays */
        c->shared = 1;
        datacache_adopt(key, c, sizeof *c, drop);
    }
    return 0;
}

static int corpus_read(const char *datadir, const char *name, TextCorpus *c, Err *e) {
    memset(c, 0, sizeof *c);
    int rc;
    if (strcmp(name, "spam") == 0) rc = spam_corpus(datadir, c, e);
    else if (strcmp(name, "kjv_chapters") == 0) rc = kjv_chapters(datadir, c, e);
    else
        return err_set(e, EXIT_USAGE, NULL,
                       "text data: unknown corpus (expected spam or kjv_chapters, got \"%s\")",
                       name);
    if (rc != 0) corpus_free(c);
    return rc;
}

void corpus_free(TextCorpus *c) {
    if (!c->shared) {
        for (int i = 0; i < c->n; i++) free(c->docs[i]);
        free(c->docs);
        free(c->lens);
        free(c->labels);
    }
    memset(c, 0, sizeof *c);
}

/* ---- document-term matrix ---- */

typedef struct Word {
    char *s; /* lowercase, owned */
    size_t len;
    uint64_t hash;
    int df, last_doc, col;
} Word;

/* Open addressing with linear probing over a power-of-two table of indices into `words`. */
typedef struct Vocab {
    Word *words;
    int n, cap;    /* words */
    int32_t *slot; /* [nslot] index into words, -1 empty */
    size_t nslot;
} Vocab;

static char lower(char ch) { return ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch; }
static int is_letter(char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'); }

static uint64_t hash_word(const char *s, size_t n) { /* FNV-1a of the lowercase word */
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)lower(s[i])) * 0x100000001b3ULL;
    return h;
}

static int same_word(const Word *w, const char *s, size_t n, uint64_t h) {
    if (w->hash != h || w->len != n) return 0;
    for (size_t i = 0; i < n; i++)
        if (w->s[i] != lower(s[i])) return 0;
    return 1;
}

/* find: the index of word s[0..n) (any case), inserted when `add`, else -1 if absent. */
static int vocab_find(Vocab *v, const char *s, size_t n, int add) {
    uint64_t h = hash_word(s, n);
    size_t mask = v->nslot - 1, i = (size_t)h & mask;
    for (; v->slot[i] >= 0; i = (i + 1) & mask)
        if (same_word(&v->words[v->slot[i]], s, n, h)) return v->slot[i];
    if (!add) return -1;
    if (v->n == v->cap) v->words = xrealloc(v->words, sizeof(Word) * (size_t)(v->cap *= 2));
    Word *w = &v->words[v->n];
    w->s = xmalloc(n + 1);
    for (size_t k = 0; k < n; k++) w->s[k] = lower(s[k]);
    w->s[n] = '\0';
    w->len = n;
    w->hash = h;
    w->df = 0;
    w->last_doc = -1;
    w->col = -1;
    v->slot[i] = v->n++;
    if ((size_t)v->n * 2 > v->nslot) { /* grow at half full: rehash every word */
        free(v->slot);
        v->nslot *= 2;
        v->slot = xmalloc(sizeof(int32_t) * v->nslot);
        memset(v->slot, 0xff, sizeof(int32_t) * v->nslot);
        for (int k = 0; k < v->n; k++) {
            size_t j = (size_t)v->words[k].hash & (v->nslot - 1);
            while (v->slot[j] >= 0) j = (j + 1) & (v->nslot - 1);
            v->slot[j] = k;
        }
    }
    return v->n - 1;
}

static int by_df_then_word(const void *a, const void *b) {
    const Word *x = *(Word *const *)a, *y = *(Word *const *)b;
    if (x->df != y->df) return x->df > y->df ? -1 : 1;
    return strcmp(x->s, y->s);
}

int corpus_doc_term(const TextCorpus *c, int vocab, int weighting, DocTerm *dt, const char *where,
                    Err *e) {
    memset(dt, 0, sizeof *dt);
    Vocab v = {.cap = 1024, .nslot = 4096};
    v.words = xmalloc(sizeof(Word) * (size_t)v.cap);
    v.slot = xmalloc(sizeof(int32_t) * v.nslot);
    memset(v.slot, 0xff, sizeof(int32_t) * v.nslot);
    /* Pass 1: document frequency of every word. */
    for (int d = 0; d < c->n; d++) {
        const char *s = c->docs[d];
        for (size_t i = 0, n = c->lens[d]; i < n;) {
            if (!is_letter(s[i])) {
                i++;
                continue;
            }
            size_t j = i;
            while (j < n && is_letter(s[j])) j++;
            int wi = vocab_find(&v, s + i, j - i, 1); /* may move v.words: index after */
            Word *w = &v.words[wi];
            if (w->last_doc != d) w->df++, w->last_doc = d;
            i = j;
        }
    }
    int rc = -1;
    Word **order = NULL;
    if (vocab < 1 || vocab > v.n) {
        err_set(e, EXIT_USAGE, where,
                "vocab: more words than the corpus has (expected 1 to %d, got %d)", v.n, vocab);
        goto out;
    }
    order = xmalloc(sizeof *order * (size_t)v.n);
    for (int i = 0; i < v.n; i++) order[i] = &v.words[i];
    qsort(order, (size_t)v.n, sizeof *order, by_df_then_word);
    dt->n = c->n;
    dt->k = vocab;
    dt->words = xmalloc(sizeof *dt->words * (size_t)vocab);
    dt->df = xmalloc(sizeof *dt->df * (size_t)vocab);
    for (int k = 0; k < vocab; k++) {
        order[k]->col = k;
        dt->words[k] = xstrdup(order[k]->s);
        dt->df[k] = order[k]->df;
    }
    /* Pass 2: counts of the vocabulary words, then weights and row norms. */
    dt->x = xcalloc((size_t)c->n * (size_t)vocab, sizeof(float));
    double *idf = xmalloc(sizeof(double) * (size_t)vocab);
    for (int k = 0; k < vocab; k++)
        idf[k] = weighting == DOCTERM_TFIDF ? log((1.0 + c->n) / (1.0 + dt->df[k])) + 1.0 : 1.0;
    for (int d = 0; d < c->n; d++) {
        float *row = dt->x + (size_t)d * vocab; /* [k] */
        const char *s = c->docs[d];
        for (size_t i = 0, n = c->lens[d]; i < n;) {
            if (!is_letter(s[i])) {
                i++;
                continue;
            }
            size_t j = i;
            while (j < n && is_letter(s[j])) j++;
            int wi = vocab_find(&v, s + i, j - i, 0);
            LR_ASSERT(wi >= 0); /* pass 1 added every word */
            int col = v.words[wi].col;
            if (col >= 0) row[col] += 1.0f; /* counts stay exact in float below 2^24 */
            i = j;
        }
        double ss = 0;
        for (int k = 0; k < vocab; k++) {
            double x = row[k] * idf[k];
            ss += x * x;
        }
        double inv = ss > 0 ? 1.0 / sqrt(ss) : 0.0;
        for (int k = 0; k < vocab; k++) row[k] = (float)(row[k] * idf[k] * inv);
    }
    free(idf);
    rc = 0;
out:
    free(order);
    for (int i = 0; i < v.n; i++) free(v.words[i].s);
    free(v.words);
    free(v.slot);
    if (rc != 0) doc_term_free(dt);
    return rc;
}

void doc_term_free(DocTerm *dt) {
    if (dt->words)
        for (int k = 0; k < dt->k; k++) free(dt->words[k]);
    free(dt->words);
    free(dt->df);
    free(dt->x);
    memset(dt, 0, sizeof *dt);
}
