/* folder.c - an output folder's lock, links and temporary files (see folder.h).
 *
 * Why: results folders are shared (shards on a cluster, a colleague's folder to report on)
 * and --out may be a folder of the user's own (`--out .`): lrlab must not race another lrlab
 * on it, write through a link planted in it, or delete a file it did not make (README: the
 * security rule). flock rather than a pid file: the kernel releases it when its holder dies, so a
 * killed run never leaves a folder locked; the workers a runner forks inherit it.
 */
#include "harness/engine/folder.h"

#include "harness/base/fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

const char *const folder_results_subs[] = {"cells", "curves", "evals", "figures", NULL};
const char *const folder_results_files[] = {
    "plan.csv",         "runs.csv",    "curves.csv",     "evals.csv",
    "timing.csv",       "tuning.csv",  "provenance.txt", "comparisons.csv",
    "tests.csv",        "verdict.csv", "profiles.csv",   "ranks.csv",
    "tuning-cells.csv", "reuse.csv",   "tasks.csv",      NULL};

static char command[512] = "lrlab";

void folder_set_command(int argc, char **argv) {
    size_t off = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = i == 0 ? "lrlab" : argv[i];
        for (const char *s = i ? " " : ""; *s && off + 1 < sizeof command; s++) command[off++] = *s;
        for (; *a && off + 1 < sizeof command; a++) /* one line, whatever the arguments */
            command[off++] = (unsigned char)*a < 0x20 || *a == 0x7f ? '?' : *a;
    }
    command[off] = '\0';
    if (off + 1 == sizeof command) memcpy(command + off - 3, "...", 3);
}

/* The holder's "pid command" from the lock file, for the refusal (it may be writing it). */
static void holder(int fd, char *out, size_t n) {
    for (int tries = 0; tries < 20; tries++) {
        ssize_t r = pread(fd, out, n - 1, 0);
        if (r > 0) {
            out[r] = '\0';
            out[strcspn(out, "\n")] = '\0';
            char *tab = strchr(out, '\t');
            if (tab) {
                memmove(out + 4, out, strlen(out) + 1); /* "pid N: command" */
                memcpy(out, "pid ", 4);
                tab = strchr(out, '\t');
                memmove(tab + 1, tab, strlen(tab) + 1);
                tab[0] = ':';
                tab[1] = ' ';
                return;
            }
        }
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    snprintf(out, n, "a process that has not named itself");
}

/* The process the lock file names is gone (killed): the lock is held by its workers, which
 * the kernel kills with it. */
static int holder_dead(int fd) {
    char s[32];
    ssize_t r = pread(fd, s, sizeof s - 1, 0);
    if (r <= 0) return 0;
    s[r] = '\0';
    char *end;
    long pid = strtol(s, &end, 10);
    return end != s && *end == '\t' && pid > 0 && kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

static int in_use(const char *dir, int fd, Err *e) {
    char who[600];
    holder(fd, who, sizeof who - 8);
    return err_set(e, EXIT_USAGE, dir, "folder in use (expected no other lrlab on it, got %s)",
                   who);
}

static int lock_path(const char *dir, char *path, size_t n, Err *e) {
    return fs_path(path, n, e, "%s/%s", dir, FOLDER_LOCK);
}

int folder_check_free(const char *dir, Err *e) {
    char path[FS_PATH_MAX + 64];
    if (lock_path(dir, path, sizeof path, e) != 0) return -1;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return 0; /* no lock file: no lrlab has written here */
    int rc = 0;
    if (flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK) rc = in_use(dir, fd, e);
    close(fd);
    return rc;
}

static int take_lock(const char *dir, int readonly_ok, Folder *f, Err *e) {
    char path[FS_PATH_MAX + 64];
    if (f->fd >= 0) return 0; /* held already (the same folder under another name) */
    if (lock_path(dir, path, sizeof path, e) != 0) return -1;
    struct stat st;
    if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        if (S_ISLNK(st.st_mode)) return fs_check_not_link(path, e);
        return err_set(e, EXIT_USAGE, path, "not a file (expected lrlab's lock file)");
    }
    int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0644);
    if (fd < 0 && readonly_ok && (errno == EACCES || errno == EROFS || errno == EPERM)) return 0;
    if (fd < 0 && errno == ELOOP) return fs_check_not_link(path, e);
    if (fd < 0)
        return err_set(e, EXIT_USAGE, path, "cannot create the lock file (%s)", strerror(errno));
    for (int tries = 0; flock(fd, LOCK_EX | LOCK_NB) != 0; tries++) {
        if (errno == EINTR) continue;
        if (errno == EWOULDBLOCK && tries < 40 && holder_dead(fd)) {
            struct timespec ts = {0, 50 * 1000 * 1000}; /* its workers die with it (PDEATHSIG) */
            nanosleep(&ts, NULL);
            continue;
        }
        int rc = errno == EWOULDBLOCK
                     ? in_use(dir, fd, e)
                     : err_set(e, EXIT_USAGE, path, "cannot lock (%s)", strerror(errno));
        close(fd);
        return rc;
    }
    char line[600];
    int n = snprintf(line, sizeof line, "%ld\t%s\n", (long)getpid(), command);
    if (ftruncate(fd, 0) != 0 || pwrite(fd, line, (size_t)n, 0) != n) {
        err_set(e, EXIT_RUN, path, "cannot write the lock file (%s)", strerror(errno));
        close(fd);
        return -1;
    }
    f->fd = fd;
    return 0;
}

int folder_check(const char *dir, const char *const *subs, const char *const *files, Err *e) {
    char p[FS_PATH_MAX + 64];
    for (int i = 0; subs && subs[i]; i++)
        if (fs_path(p, sizeof p, e, "%s/%s", dir, subs[i]) != 0 || fs_check_real_dir(p, e) != 0)
            return -1;
    for (int i = 0; files && files[i]; i++)
        if (fs_path(p, sizeof p, e, "%s/%s", dir, files[i]) != 0 || fs_check_not_link(p, e) != 0)
            return -1;
    return 0;
}

int folder_claim(const char *dir, const char *const *subs, const char *const *files,
                 int readonly_ok, Folder *f, Err *e) {
    if (take_lock(dir, readonly_ok, f, e) != 0) return -1;
    char p[FS_PATH_MAX + 64];
    if (folder_check(dir, subs, files, e) != 0) goto fail;
    if (f->fd < 0) return 0; /* not ours to clean */
    fs_remove_temps(dir);
    for (int i = 0; subs && subs[i]; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, subs[i]);
        fs_remove_temps(p);
    }
    return 0;
fail:
    folder_release(f);
    return -1;
}

void folder_release(Folder *f) {
    if (f->fd < 0) return;
    if (ftruncate(f->fd, 0) != 0) { /* the holder's line stays: harmless, flock decides */
    }
    close(f->fd);
    f->fd = -1;
}

/* ---- signals ---- */

static volatile pid_t child_pid;
static char child_temp[FS_PATH_MAX + 64];
static struct sigaction old_int, old_term;

static void on_stop(int sig) {
    fs_abort_temp();
    pid_t pid = child_pid;
    if (pid > 0) {
        kill(pid, SIGKILL);
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {}
    }
    if (child_temp[0]) unlink(child_temp);
    signal(sig, SIG_DFL);
    raise(sig);
}

void folder_trap_signals(void) {
    struct sigaction sa = {0};
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGINT);
    sigaddset(&sa.sa_mask, SIGTERM);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
}

void folder_untrap_signals(void) {
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
}

void folder_child(pid_t pid, const char *temp) {
    sigset_t both, old;
    sigemptyset(&both);
    sigaddset(&both, SIGINT);
    sigaddset(&both, SIGTERM);
    sigprocmask(SIG_BLOCK, &both, &old);
    child_pid = pid;
    snprintf(child_temp, sizeof child_temp, "%s", temp ? temp : "");
    sigprocmask(SIG_SETMASK, &old, NULL);
}
