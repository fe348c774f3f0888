/* state.h - saving and restoring what a scheduler or an optimizer has learned while it ran,
 * so that a training loop stopped after step k and resumed from the saved bytes continues
 * bit for bit as if it had never stopped (PyTorch's state_dict / load_state_dict).
 *
 * A component describes its mutable state once, in one function that visits each field
 * (SchedDef.state, OptimDef.state): the same function writes the fields when saving and
 * reads them back when loading, so the two cannot drift apart. Parameters (factor,
 * patience, betas) are not saved: the component is created again from its parameters, and
 * the blob records a fingerprint of them that loading checks.
 *
 * The blob, version 1; integers little-endian, floats IEEE 754 little-endian:
 *   offset  size  field
 *   0       8     magic "LRLABST1"
 *   8       4     format version (1)
 *   12      1     kind: 'S' a scheduler, 'O' an optimizer
 *   13      1     L, the length of the component's name (1..63)
 *   14      L     the component's registry name ("greedy", "adam")
 *   14+L    4     the component's implementation version (SchedDef.version, OptimDef.version)
 *   18+L    32    fingerprint: SHA-256 of the canonical parameter dump (params_dump) and the
 *                 run's shape (scheduler: lr0, total_steps, steps_per_epoch, eval_every, the
 *                 groups; optimizer: the number of parameters and the groups)
 *   50+L    8     steps: the optimizer's step count (0 for a scheduler)
 *   58+L    8     P, the payload's length
 *   66+L    P     payload: the fields, each a one-byte tag and its value:
 *                   'i' int64;  'd' binary64;
 *                   'D' a count (uint64) then that many binary64;
 *                   'F' a count (uint64) then that many binary32;
 *                   'U' a count (uint64) then that many uint64
 *   66+L+P  32    SHA-256 of every byte before it
 * Loading refuses, with one line naming what was expected and what was found: a blob too
 * short, another magic or format version, a checksum that differs (corrupt), another kind,
 * name or implementation version (foreign), another fingerprint (other parameters or run),
 * and a payload whose fields, counts or ranges do not match. A refused load leaves the
 * component as it was: every blob is read through once without writing before it is read
 * again into the component.
 */
#ifndef LRLAB_STATE_H
#define LRLAB_STATE_H

#include "harness/base/buf.h"
#include "harness/base/err.h"

#include <stddef.h>
#include <stdint.h>

enum { STATE_FORMAT = 1 };

/* The largest step count and counter a state may hold: 2^53, exact as a double and far from
 * overflowing when the loop counts on (a blob with more is refused). */
#define STATE_COUNT_MAX ((int64_t)1 << 53)

typedef enum StateMode {
    STATE_SAVE,  /* append each field to out */
    STATE_CHECK, /* read each field from in, write nothing */
    STATE_LOAD,  /* read each field from in into the component */
} StateMode;

typedef struct StateIO {
    StateMode mode;
    Buf *out;                /* STATE_SAVE */
    const unsigned char *in; /* STATE_CHECK, STATE_LOAD: the payload */
    size_t n, pos;
    char error[200]; /* the first problem, "" while there is none */
} StateIO;

/* The field visitors. Each writes *x (SAVE) or reads it (CHECK: into a scratch value; LOAD:
 * into *x). Integers read back must lie in [lo, hi] (indices into the component's arrays),
 * arrays must have exactly n elements. After the first problem every visitor does nothing.
 * The integer visitors return the value written or read (0 after a problem), for state whose
 * shape depends on it (a buffer allocated on first use). */
int64_t state_i64(StateIO *io, int64_t *x, int64_t lo, int64_t hi);
int state_int(StateIO *io, int *x, int lo, int hi);
void state_f64(StateIO *io, double *x);
void state_f64s(StateIO *io, double *x, size_t n);
void state_f32s(StateIO *io, float *x, size_t n);
void state_u64s(StateIO *io, uint64_t *x, size_t n);
/* state_refuse: a component whose state cannot be saved says why (saving and loading fail). */
void state_refuse(StateIO *io, const char *why);

/* The identity of a component instance that a blob must match. */
typedef struct StateId {
    char kind;        /* 'S' or 'O' */
    const char *name; /* registry name */
    int version;
    unsigned char fingerprint[32];
} StateId;

/* state_digest: SHA-256 of data[n] as 32 bytes (the blob's checksum). */
void state_digest(const void *data, size_t n, unsigned char out[32]);
/* state_fingerprint: SHA-256 of the text `shape` (the caller's canonical description). */
void state_fingerprint(const char *shape, unsigned char out[32]);

/* state_save: runs visit(st, io) in SAVE mode and seals the payload into a blob appended to
 * out. 0, or -1 with e naming why (a component that refuses). */
int state_save(const StateId *id, int64_t steps, void (*visit)(void *st, StateIO *io), void *st,
               Buf *out, const char *where, Err *e);
/* state_load: checks the blob against id, runs visit in CHECK mode, then in LOAD mode; fills
 * *steps. 0, or -1 with e naming what is wrong and nothing changed. visit may be NULL: a
 * component without mutable state, whose payload must then be empty. */
int state_load(const StateId *id, const void *blob, size_t n, void (*visit)(void *st, StateIO *io),
               void *st, int64_t *steps, const char *where, Err *e);

#endif
