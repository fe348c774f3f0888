/* fsutil.c - atomic file replacement and directories (see fsutil.h). */
#define _GNU_SOURCE /* syncfs */
#include "harness/fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void fsync_dir_of(const char *path) {
    char dir[4096];
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

int fs_write(const char *path, const char *data, size_t n, int durable, Err *e) {
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return err_set(e, EXIT_RUN, tmp, "cannot create file (%s)", strerror(errno));
    if (write_all(fd, data, n) != 0) {
        int er = errno;
        close(fd);
        unlink(tmp);
        return err_set(e, EXIT_RUN, path, "cannot write file (%s)", strerror(er));
    }
    if ((durable && fsync(fd) != 0) || close(fd) != 0) {
        int er = errno;
        unlink(tmp);
        return err_set(e, EXIT_RUN, path, "cannot write file (%s)", strerror(er));
    }
    if (rename(tmp, path) != 0) {
        int er = errno;
        unlink(tmp);
        return err_set(e, EXIT_RUN, path, "cannot rename into place (%s)", strerror(er));
    }
    if (durable) fsync_dir_of(path);
    return 0;
}

/* An existing file is overwritten and then cut to length rather than truncated first: ext4
 * starts writing back a file truncated to nothing when it is closed (auto_da_alloc), which
 * made a rerun's writes several times slower. */
int fs_write_in_place(const char *path, const char *data, size_t n, Err *e) {
    int fd = open(path, O_WRONLY | O_CREAT, 0644);
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
    char p[4096];
    snprintf(p, sizeof p, "%s", path);
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
    return err == FS_ENOTREG ? "not a regular file (a FIFO, a device or a socket)"
                             : strerror(err);
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
    char probe[4200];
    snprintf(probe, sizeof probe, "%s/.lrlab-write-test.%ld", dir, (long)getpid());
    int fd = open(probe, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return err_set(e, EXIT_USAGE, dir, "output folder is not writable (%s)", strerror(errno));
    close(fd);
    unlink(probe);
    return 0;
}
