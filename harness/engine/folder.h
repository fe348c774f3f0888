/* folder.h - an output folder lrlab owns while it writes there: its lock, its links, its
 * temporary files.
 *
 * One lrlab at a time writes a folder: `run`, `merge` and `report` take an exclusive flock on
 * FOLDER/.lrlab.lock, which holds the pid and command line of its holder while it is held
 * (emptied when released, never removed: removing a lock file races with its next holder);
 * another one is refused, exit 2, naming the holder. Before writing, the folders lrlab
 * writes into must be real folders holding no symbolic link, and the files it replaces must
 * not be links; only then are its stale temporary files (fs_is_temp_name) removed.
 */
#ifndef LRLAB_FOLDER_H
#define LRLAB_FOLDER_H

#include "harness/base/err.h"

#include <sys/types.h>

#define FOLDER_LOCK ".lrlab.lock"

typedef struct Folder {
    int fd; /* the lock file, flocked; -1: none */
} Folder;

/* folder_set_command: the command line named in the lock file (main, once). */
void folder_set_command(int argc, char **argv);
/* folder_claim: locks dir (which must exist), checks that the folders `subs` (NULL-ended,
 * relative to dir) are real folders without links and that the files `files` are not
 * links, and removes lrlab's temporary files from dir and subs. 0, or -1 with e (exit 2)
 * and the lock released. `readonly_ok`: a folder lrlab cannot write is not locked (f->fd -1),
 * for report's DIR, which it only reads. A lock f holds already (f->fd >= 0) is kept: the
 * same folder claimed under two names. */
int folder_claim(const char *dir, const char *const *subs, const char *const *files,
                 int readonly_ok, Folder *f, Err *e);
/* folder_check: the checks of folder_claim alone (no lock, nothing written): 0 or -1 with e. */
int folder_check(const char *dir, const char *const *subs, const char *const *files, Err *e);
/* folder_check_free: 0 unless another lrlab holds dir's lock (then -1 with e, exit 2); writes
 * nothing. */
int folder_check_free(const char *dir, Err *e);
/* folder_release: empties and closes the lock file (closing alone would release it too). */
void folder_release(Folder *f);

/* What a results folder holds (run, merge): its subfolders and the files lrlab replaces. */
extern const char *const folder_results_subs[];
extern const char *const folder_results_files[];

/* folder_trap_signals: until folder_untrap_signals, SIGINT and SIGTERM remove the temporary
 * file being written (fs_abort_temp), kill the child folder_child names and remove the file
 * folder_child_temp names, then end the process by the same signal. */
void folder_trap_signals(void);
void folder_untrap_signals(void);
/* folder_child: the child process running now (0: none) and the file it writes ("": none). */
void folder_child(pid_t pid, const char *temp);

#endif
