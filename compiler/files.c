/* files.c: output directories, written whole or not at all.
 *
 * Everything goes to a staging directory beside DIR; only when every file is written is
 * DIR replaced by it (a previous rnnc output in DIR is replaced; anything else is refused). */
#define _XOPEN_SOURCE 700
#include "rnnc.h"

#include <cjson/cJSON.h>

#include <errno.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void rm_tree(const char *path) { nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS); }

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool exists(const char *p)
{
    struct stat st;
    return lstat(p, &st) == 0;
}

/* Create path and its parents; errors name `what` (the user's output directory). */
static void mkdirs(const char *path, const char *what)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            user_error(what, "cannot create directory %s: %s", buf, strerror(errno));
        *p = '/';
    }
    if (mkdir(buf, 0777) != 0 && errno != EEXIST) user_error(what, "cannot create directory %s: %s", buf, strerror(errno));
}

static bool is_rnnc_output(const char *dir)
{
    char p[4096];
    snprintf(p, sizeof p, "%s/files.f", dir);
    return exists(p);
}

/* The staging directory being written: removed when rnnc stops on an error. */
static char *active_stage;

static void remove_active_stage(void)
{
    if (active_stage) rm_tree(active_stage);
    active_stage = NULL;
}

char *stage_begin(const char *dir)
{
    size_t n = strlen(dir);
    if (n == 0 || n > 3000) user_error(dir, "output directory name is empty or too long");
    if (exists(dir) && !is_dir(dir)) user_error(dir, "exists and is not a directory");
    /* an existing DIR is replaced only when it is a previous rnnc output or empty */
    if (is_dir(dir) && !is_rnnc_output(dir) && rmdir(dir) != 0)
        user_error(dir, "exists and is not an rnnc output directory (no files.f); refusing to replace it");
    char *stage = xcalloc(n + 32, 1);
    snprintf(stage, n + 32, "%s.rnnc-tmp", dir);
    if (exists(stage)) rm_tree(stage);
    /* parent must exist or be creatable */
    char parent[4096];
    snprintf(parent, sizeof parent, "%s", stage);
    char *slash = strrchr(parent, '/');
    if (slash && slash != parent) {
        *slash = 0;
        mkdirs(parent, dir);
    }
    if (mkdir(stage, 0777) != 0) user_error(dir, "cannot create output directory: %s", strerror(errno));
    active_stage = stage;
    on_user_error(remove_active_stage);
    return stage;
}

void stage_commit(const char *stage, const char *dir)
{
    active_stage = NULL;
    char old[4200];
    snprintf(old, sizeof old, "%s.rnnc-old", dir);
    if (exists(old)) rm_tree(old);
    if (is_dir(dir) && rename(dir, old) != 0) {
        stage_abort(stage);
        user_error(dir, "cannot replace: %s", strerror(errno));
    }
    if (rename(stage, dir) != 0) {
        int e = errno;
        if (exists(old)) rename(old, dir);
        stage_abort(stage);
        user_error(dir, "cannot write: %s", strerror(e));
    }
    if (exists(old)) rm_tree(old);
}

void stage_abort(const char *stage)
{
    active_stage = NULL;
    rm_tree(stage);
}

/* Files open for writing, by FILE, for xfclose's messages; the bytes written so far. */
#define MAX_OPEN 16
static struct { FILE *f; char path[4096]; } open_files[MAX_OPEN];
static long bytes_written;

FILE *xfopen_w(const char *dir, const char *rel)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    char *slash = strrchr(path, '/');
    *slash = 0;
    mkdirs(path, path);
    *slash = '/';
    FILE *f = fopen(path, "w");
    if (!f) user_error(path, "cannot write: %s", strerror(errno));
    for (int i = 0; i < MAX_OPEN; i++)
        if (!open_files[i].f) {
            open_files[i].f = f;
            memcpy(open_files[i].path, path, sizeof path);
            break;
        }
    return f;
}

void xfclose(FILE *f)
{
    const char *path = "an output file";
    for (int i = 0; i < MAX_OPEN; i++)
        if (open_files[i].f == f) {
            path = open_files[i].path;
            open_files[i].f = NULL;
        }
    long size = ftell(f);
    bool earlier = ferror(f) != 0; /* a write failed before: errno is long gone */
    struct statvfs fs;            /* ... so say whether the file system has filled up */
    bool full = earlier && fstatvfs(fileno(f), &fs) == 0 && fs.f_bavail == 0;
    errno = 0;
    bool bad = fflush(f) != 0;
    int e = errno;
    bad = fclose(f) != 0 || bad;
    if (!e) e = errno;
    if (earlier) user_error(path, "cannot write: %s", full ? strerror(ENOSPC) : "a write failed (disk full?)");
    if (bad) user_error(path, "cannot write: %s", e ? strerror(e) : "write error");
    if (size > 0) bytes_written += size;
    if (bytes_written > RNNC_MAX_OUTPUT_BYTES)
        user_error(path, "rnnc has written more than it supports in one output directory (RNNC_MAX_OUTPUT_BYTES = %ld)",
                   RNNC_MAX_OUTPUT_BYTES);
}

void copy_file(const char *from, const char *dir, const char *rel)
{
    FILE *in = fopen(from, "rb");
    if (!in) user_error(from, "cannot read (is RNNC_HOME set right?): %s", strerror(errno));
    FILE *out = xfopen_w(dir, rel);
    char buf[65536];
    size_t k;
    while ((k = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, k, out) != k) break;
    bool bad = ferror(in) != 0;
    fclose(in);
    if (bad) user_error(from, "cannot read: %s", strerror(errno));
    xfclose(out);
}

#ifndef RNNC_DATADIR
#define RNNC_DATADIR "."
#endif

const char *rnnc_datadir(void)
{
    const char *env = getenv("RNNC_HOME");
    return env && *env ? env : RNNC_DATADIR;
}

/* Print a JSON tree to dir/rel (report.json) and free the tree. */
void write_json_tree(const char *dir, const char *rel, struct cJSON *root)
{
    char *text = cJSON_Print(root);
    FILE *f = xfopen_w(dir, rel);
    fprintf(f, "%s\n", text);
    xfclose(f);
    free(text);
    cJSON_Delete(root);
}
