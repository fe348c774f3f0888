/* fsutil.c - atomic file replacement and directories (see fsutil.h).
 *
 * Temporary files are named ".NAME.lrlab-tmp.PID" beside NAME: a name no user picks, so that
 * removing stale ones (fs_remove_temps) can never take a user's file. Files are
 * created with O_EXCL or O_NOFOLLOW: nothing is written through a symbolic link. */
#define _GNU_SOURCE /* syncfs */
#include "harness/base/fsutil.h"

#include "harness/base/buf.h"
#include "harness/base/gzip.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The temporary file this process is writing, for fs_abort_temp (a signal handler). */
static char cur_tmp[FS_PATH_MAX + 64];
static volatile sig_atomic_t cur_tmp_set;

void fs_abort_temp(void) {
    if (cur_tmp_set) unlink(cur_tmp);
    cur_tmp_set = 0;
}

int fs_path(char *out, size_t n, Err *e, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(out, n, fmt, ap);
    va_end(ap);
    if (w >= 0 && (size_t)w < n) return 0;
    out[n ? n - 1 : 0] = '\0';
    return err_set(e, EXIT_USAGE, NULL,
                   "%.200s...: path too long (expected at most %zu bytes, "
                   "got %d)",
                   out, n - 1, w);
}

int fs_check_dir_len(const char *what, const char *dir, Err *e) {
    size_t n = strlen(dir);
    if (n <= FS_DIR_MAX) return 0;
    return err_set(e, EXIT_USAGE, what, "path too long (expected at most %d bytes, got %zu)",
                   FS_DIR_MAX, n);
}

static bool all_digits(const char *s) {
    if (!*s) return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9') return false;
    return true;
}

bool fs_is_temp_name(const char *name) {
    static const char mark[] = ".lrlab-tmp", probe[] = ".lrlab-write-test.";
    const size_t n = strlen(name), m = sizeof mark - 1;
    if (n > m && strcmp(name + n - m, mark) == 0) return true; /* gnuplot's STEM.FMT.lrlab-tmp */
    if (strncmp(name, probe, sizeof probe - 1) == 0) return all_digits(name + sizeof probe - 1);
    const char *at = strstr(name, ".lrlab-tmp."); /* .NAME.lrlab-tmp.PID */
    return name[0] == '.' && at && at > name + 1 && all_digits(at + m + 1);
}

int fs_remove_temps(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) return 0;
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)))
        if (fs_is_temp_name(de->d_name)) {
            struct stat st;
            if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
                !(S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)))
                continue;
            n += unlinkat(dirfd(d), de->d_name, 0) == 0; /* a link itself, never its target */
        }
    closedir(d);
    return n;
}

int fs_check_not_link(const char *path, Err *e) {
    struct stat st;
    if (lstat(path, &st) != 0 || !S_ISLNK(st.st_mode)) return 0;
    return err_set(e, EXIT_USAGE, path,
                   "a symbolic link (expected a file or folder of lrlab's "
                   "own; lrlab writes nothing through links)");
}

int fs_check_real_dir(const char *path, Err *e) {
    struct stat st;
    if (lstat(path, &st) != 0) return 0; /* made by lrlab */
    if (S_ISLNK(st.st_mode)) return fs_check_not_link(path, e);
    if (!S_ISDIR(st.st_mode))
        return err_set(e, EXIT_USAGE, path, "not a folder (expected a folder of lrlab's own)");
    DIR *d = opendir(path);
    if (!d) return 0; /* unreadable: said when it is written */
    struct dirent *de;
    int rc = 0;
    while (rc == 0 && (de = readdir(d))) {
        struct stat in;
        if (fstatat(dirfd(d), de->d_name, &in, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(in.st_mode))
            rc = err_set(e, EXIT_USAGE, NULL,
                         "%s/%s: a symbolic link (expected a file or folder "
                         "of lrlab's own; lrlab writes nothing through links)",
                         path, de->d_name);
    }
    closedir(d);
    return rc;
}

static void fsync_dir_of(const char *path) {
    char dir[FS_PATH_MAX + 64];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash) *slash = '\0';
    else snprintf(dir, sizeof dir, ".");
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

int fs_write_atomic(const char *path, const char *data, size_t n, Err *e) {
    return fs_write(path, data, n, 1, e);
}

/* write() until done; 0, or -1 with errno. */
static int write_all(int fd, const char *data, size_t n) {
    size_t off = 0;
    while (off < n) {
        ssize_t w = write(fd, data + off, n - off);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        off += (size_t)w;
    }
    return 0;
}

int fs_stream_open(FsStream *s, const char *path, Err *e) {
    s->fd = -1;
    if (fs_path(s->path, sizeof s->path, e, "%s", path) != 0) return -1;
    const char *slash = strrchr(path, '/');
    const int dlen = slash ? (int)(slash - path + 1) : 0;
    if (fs_path(s->tmp, sizeof s->tmp, e, "%.*s.%s.lrlab-tmp.%ld", dlen, path, path + dlen,
                (long)getpid()) != 0)
        return -1;
    cur_tmp_set = 0;
    memcpy(cur_tmp, s->tmp, strlen(s->tmp) + 1);
    cur_tmp_set = 1;
    /* a stale one of a process that had this pid is lrlab's: replaced, never followed */
    int fd = open(s->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0 && errno == EEXIST && unlink(s->tmp) == 0)
        fd = open(s->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) {
        cur_tmp_set = 0;
        return err_set(e, EXIT_RUN, s->tmp, "cannot create file (%s)", strerror(errno));
    }
    s->fd = fd;
    return 0;
}

void fs_stream_abort(FsStream *s) {
    if (s->fd < 0) return;
    close(s->fd);
    unlink(s->tmp);
    s->fd = -1;
    cur_tmp_set = 0;
}

int fs_stream_write(FsStream *s, const char *data, size_t n, Err *e) {
    if (write_all(s->fd, data, n) == 0) return 0;
    int er = errno;
    fs_stream_abort(s);
    return err_set(e, EXIT_RUN, s->path, "cannot write file (%s)", strerror(er));
}

int fs_stream_close(FsStream *s, int durable, Err *e) {
    int fd = s->fd;
    s->fd = -1;
    if ((durable && fsync(fd) != 0) || close(fd) != 0) {
        int er = errno;
        unlink(s->tmp);
        cur_tmp_set = 0;
        return err_set(e, EXIT_RUN, s->path, "cannot write file (%s)", strerror(er));
    }
    if (rename(s->tmp, s->path) != 0) {
        int er = errno;
        unlink(s->tmp);
        cur_tmp_set = 0;
        return err_set(e, EXIT_RUN, s->path, "cannot rename into place (%s)", strerror(er));
    }
    cur_tmp_set = 0;
    if (durable) fsync_dir_of(s->path);
    return 0;
}

int fs_write(const char *path, const char *data, size_t n, int durable, Err *e) {
    FsStream s;
    if (fs_stream_open(&s, path, e) != 0 || fs_stream_write(&s, data, n, e) != 0) return -1;
    return fs_stream_close(&s, durable, e);
}

/* An existing file is overwritten and then cut to length rather than truncated first: ext4
 * starts writing back a file truncated to nothing when it is closed (auto_da_alloc), which
 * made a rerun's writes several times slower. */
int fs_write_in_place(const char *path, const char *data, size_t n, Err *e) {
    int fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0 && errno == ELOOP) return fs_check_not_link(path, e);
    if (fd < 0) return err_set(e, EXIT_RUN, path, "cannot create file (%s)", strerror(errno));
    int bad = write_all(fd, data, n) != 0 || ftruncate(fd, (off_t)n) != 0, er = errno;
    if (close(fd) != 0 && !bad) bad = 1, er = errno;
    if (bad) {
        unlink(path);
        return err_set(e, EXIT_RUN, path, "cannot write file (%s)", strerror(er));
    }
    return 0;
}

int fs_sync(const char *dir) {
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0) return -1;
    int rc = syncfs(fd);
    close(fd);
    return rc;
}

int fs_mkdirs(const char *path, Err *e) {
    char p[FS_PATH_MAX];
    if (fs_path(p, sizeof p, e, "%s", path) != 0) return -1;
    for (char *s = p + 1;; s++) {
        if (*s == '/' || *s == '\0') {
            char c = *s;
            *s = '\0';
            if (mkdir(p, 0755) != 0 && errno != EEXIST)
                return err_set(e, EXIT_USAGE, p, "cannot create directory (%s)", strerror(errno));
            struct stat st;
            if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode))
                return err_set(e, EXIT_USAGE, p, "not a directory (expected a directory)");
            *s = c;
            if (!c) break;
        }
    }
    return 0;
}

bool fs_exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

int fs_open_regular(const char *path) {
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return -1;
    struct stat st;
    int err = 0;
    if (fstat(fd, &st) != 0) err = errno;
    else if (S_ISDIR(st.st_mode)) err = EISDIR;
    else if (!S_ISREG(st.st_mode)) err = FS_ENOTREG;
    if (err) {
        close(fd);
        errno = err;
        return -1;
    }
    int fl = fcntl(fd, F_GETFL); /* a regular file never blocks; reads as usual from here */
    if (fl >= 0) fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    return fd;
}

const char *fs_strerror(int err) {
    return err == FS_ENOTREG ? "not a regular file (a FIFO, a device or a socket)" : strerror(err);
}

const char *fs_not_regular(const char *path) {
    struct stat st;
    if (stat(path, &st) != 0 || S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) return NULL;
    return S_ISCHR(st.st_mode)    ? "a character device"
           : S_ISBLK(st.st_mode)  ? "a block device"
           : S_ISFIFO(st.st_mode) ? "a pipe"
                                  : "a socket";
}

char *fs_read(const char *path, size_t *n) {
    int fd = fs_open_regular(path);
    if (fd < 0) return NULL;
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        close(fd);
        return NULL;
    }
    size_t cap = 4096, len = 0;
    char *s = xmalloc(cap);
    size_t r;
    while ((r = fread(s + len, 1, cap - len - 1, f)) > 0) {
        len += r;
        if (cap - len - 1 == 0) s = xrealloc(s, cap *= 2);
    }
    int bad = ferror(f), err = errno;
    fclose(f);
    if (bad) {
        free(s);
        errno = err ? err : EIO;
        return NULL;
    }
    s[len] = '\0';
    if (n) *n = len;
    return s;
}

int fs_check_writable(const char *dir, Err *e) {
    if (fs_mkdirs(dir, e) != 0) return -1;
    char probe[FS_PATH_MAX + 64];
    if (fs_path(probe, sizeof probe, e, "%s/.lrlab-write-test.%ld", dir, (long)getpid()) != 0)
        return -1;
    int fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0 && errno == EEXIST && unlink(probe) == 0)
        fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0)
        return err_set(e, EXIT_USAGE, dir, "output folder is not writable (%s)", strerror(errno));
    close(fd);
    unlink(probe);
    return 0;
}

/* The most bytes a packed result file decodes to (the committed ones are tens of MB). */
#define PACKED_MAX ((size_t)1 << 32)
#define PACKED_PARTS 9999

/* packed_count: the N of FILE's parts FILE.1-N.gz (found by listing FILE's folder); 0 when
 * there are none; -1 when two sets (different N) are there. */
static int packed_count(const char *path) {
    char dir[4200];
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
    if (slash == path) snprintf(dir, sizeof dir, "/");
    DIR *d = opendir(dir);
    if (!d) return 0;
    size_t bl = strlen(base);
    int n = 0;
    struct dirent *ent;
    while ((ent = readdir(d))) {
        const char *nm = ent->d_name;
        if (strncmp(nm, base, bl) != 0 || strncmp(nm + bl, ".1-", 3) != 0) continue;
        char *end;
        long k = strtol(nm + bl + 3, &end, 10);
        if (end == nm + bl + 3 || strcmp(end, ".gz") != 0 || k < 1 || k > PACKED_PARTS) continue;
        n = n && n != (int)k ? -1 : n < 0 ? -1 : (int)k;
    }
    closedir(d);
    return n;
}

/* packed_part: FILE.gz (k = 0) or FILE.k-N.gz */
static void packed_part(char *out, size_t n, const char *path, int k, int total) {
    if (k == 0) snprintf(out, n, "%s.gz", path);
    else snprintf(out, n, "%s.%d-%d.gz", path, k, total);
}

bool fs_exists_packed(const char *path) {
    char p[4200];
    packed_part(p, sizeof p, path, 0, 0);
    return fs_exists(path) || fs_exists(p) || packed_count(path) != 0;
}

/* decode_part: appends the decoded bytes of the gzip file p to b; 1 when p does not exist. */
static int decode_part(const char *p, Buf *b, Err *e) {
    size_t n;
    char *raw = fs_read(p, &n);
    if (!raw) {
        if (errno == ENOENT) return 1;
        return err_set(e, EXIT_USAGE, p, "cannot read (%s)", fs_strerror(errno));
    }
    uint8_t *out;
    size_t m;
    int rc = gzip_decode((const uint8_t *)raw, n, PACKED_MAX - b->len, &out, &m, p, e);
    free(raw);
    if (rc != 0) return -1;
    buf_append(b, (const char *)out, m);
    free(out);
    return 0;
}

char *fs_read_packed(const char *path, size_t *n, Err *e) {
    e->code = 0;
    char *s = fs_read(path, n);
    if (s || errno != ENOENT) return s;
    char p[4200];
    Buf b = {0};
    packed_part(p, sizeof p, path, 0, 0);
    int rc = decode_part(p, &b, e), total = rc == 1 ? packed_count(path) : 0;
    if (rc == 1 && total == 0) { /* neither FILE nor a packed form */
        errno = ENOENT;
        return NULL;
    }
    if (total < 0)
        rc = err_set(e, EXIT_USAGE, path,
                     "two sets of packed parts (expected one set "
                     "FILE.1-N.gz ... FILE.N-N.gz, as scripts/pack.sh writes it)");
    for (int k = 1; rc == 1 && k <= total; k++) { /* FILE.1-N.gz ... FILE.N-N.gz, all of them */
        packed_part(p, sizeof p, path, k, total);
        rc = decode_part(p, &b, e);
        if (rc == 1)
            rc = err_set(e, EXIT_USAGE, path, "packed part %d of %d missing (expected %s)", k,
                         total, p);
        else if (rc == 0 && k < total) rc = 1;
    }
    if (rc != 0) {
        buf_free(&b);
        errno = EINVAL;
        return NULL;
    }
    if (!b.s) buf_append(&b, "", 0);
    if (n) *n = b.len;
    return b.s;
}
