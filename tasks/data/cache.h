/* cache.h - data sets loaded once per process and shared with the workers it forks.
 *
 * What: a table of immutable entries, each a key (the loader, the file or data set and every
 * parameter that shapes the result) and the bytes or structure the loader produced after
 * reading, checking and decoding its files.
 * Why: the matrix runner (harness/engine/run.c) creates every task of an experiment once before any
 * training (its preflight). With the cache on, the loaders keep what they made there, and
 * the workers forked afterwards find it in their copy of the runner's memory, shared
 * copy-on-write, instead of reading, checksumming and decompressing the same files for
 * every cell (about 4 ms of a 150 ms NMF cell, more than 100 ms for the Fashion-MNIST
 * tasks). Every cell of a run then also trains on the very bytes its preflight checked.
 * Off by default: tests, lrlab trace and lrlab train-policy load their files each time.
 */
#ifndef LRLAB_DATA_CACHE_H
#define LRLAB_DATA_CACHE_H

#include <stddef.h>

/* datacache_enable: from now on, datacache_keep stores entries. */
void datacache_enable(void);
int datacache_on(void);

/* datacache_key: formats a key into key[0..n); a key that does not fit becomes "", which
 * the functions below treat as no entry (that data set is then not cached). */
void datacache_key(char *key, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* datacache_find: the entry of key (its size in *size when size is not NULL), or NULL. The
 * entry lives as long as the process and must not be changed or freed. */
const void *datacache_find(const char *key, size_t *size);

/* datacache_keep: when the cache is on and key is new, stores a copy of data[0..size) and
 * returns it; otherwise NULL. For bytes that point nowhere (a text, a matrix). */
const void *datacache_keep(const char *key, const void *data, size_t size);
/* datacache_adopt: datacache_keep of a structure that points to arrays the cache then owns
 * (VisionSet, TextCorpus, textcls's features: a `shared` flag keeps their users' free
 * functions off them); drop(entry) frees those arrays when the cache is released. */
const void *datacache_adopt(const char *key, const void *data, size_t size, void (*drop)(void *));

/* datacache_release: frees every entry (and what adopted ones point to) and turns the cache off:
 * for the runner once training is over (the merge and the figures need no data set), so that it
 * does not carry hundreds of MB of images into them. Pointers from datacache_find die with it. */
void datacache_release(void);

#endif
