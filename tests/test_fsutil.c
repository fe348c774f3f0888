/* test_fsutil.c - FsStream, the piecewise writer behind the merged curves and evaluations:
 * pieces written in order give the file's bytes, nothing is at the path until the stream is
 * closed, an aborted stream leaves the earlier file as it was and no temporary file behind,
 * a stream cannot write through a symbolic link, and fs_write (now built on it) still
 * replaces a file whole. */
#include "check.h"
#include "harness/base/fsutil.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* entries: how many names (besides . and ..) the folder holds */
static int entries(const char *dir) {
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *x; d && (x = readdir(d));)
        n += strcmp(x->d_name, ".") && strcmp(x->d_name, "..");
    if (d) closedir(d);
    return n;
}

static int holds(const char *path, const char *want) {
    size_t n;
    char *s = fs_read(path, &n);
    int ok = s && n == strlen(want) && memcmp(s, want, n) == 0;
    free(s);
    return ok;
}

int main(void) {
    char dir[] = "/tmp/lrlab-test-fsutil-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256], link[256];
    snprintf(path, sizeof path, "%s/out.csv", dir);
    snprintf(link, sizeof link, "%s/link.csv", dir);
    Err e = {0};

    /* pieces in order; nothing at the path before the close */
    FsStream s;
    CHECK(fs_stream_open(&s, path, &e) == 0);
    CHECK(fs_stream_write(&s, "a,b\n", 4, &e) == 0);
    CHECK(fs_stream_write(&s, "", 0, &e) == 0);
    CHECK(fs_stream_write(&s, "1,2\n", 4, &e) == 0);
    CHECK(!fs_exists(path));
    CHECK(entries(dir) == 1); /* the temporary file */
    CHECK(fs_stream_close(&s, 1, &e) == 0);
    CHECK(holds(path, "a,b\n1,2\n"));
    CHECK(entries(dir) == 1);

    /* an aborted stream: the earlier file unchanged, no temporary file left */
    CHECK(fs_stream_open(&s, path, &e) == 0);
    CHECK(fs_stream_write(&s, "other\n", 6, &e) == 0);
    fs_stream_abort(&s);
    fs_stream_abort(&s); /* a second abort does nothing */
    CHECK(holds(path, "a,b\n1,2\n"));
    CHECK(entries(dir) == 1);

    /* a link at the path is replaced by the file, never written through */
    CHECK(symlink(path, link) == 0);
    CHECK(fs_stream_open(&s, link, &e) == 0);
    CHECK(fs_stream_write(&s, "x\n", 2, &e) == 0);
    CHECK(fs_stream_close(&s, 0, &e) == 0);
    CHECK(holds(path, "a,b\n1,2\n"));
    CHECK(holds(link, "x\n"));
    CHECK(fs_check_not_link(link, &e) == 0);

    /* fs_write: whole replacement */
    CHECK(fs_write(path, "new\n", 4, 0, &e) == 0);
    CHECK(holds(path, "new\n"));
    CHECK(entries(dir) == 2);

    /* a path in a missing folder: refused, with the temporary file's name */
    char bad[300];
    snprintf(bad, sizeof bad, "%s/missing/out.csv", dir);
    Err e2 = {0};
    CHECK(fs_stream_open(&s, bad, &e2) == -1);
    CHECK(e2.code != 0);

    unlink(path);
    unlink(link);
    rmdir(dir);
    return check_report();
}
