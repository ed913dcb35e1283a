/* vectors.c: an input vector file -> Vectors (the sequences --emulate and --sim run).
 *
 * One sequence per line: timesteps x features numbers, timestep-major, separated by spaces,
 * tabs and/or commas. '#' starts a comment to the end of the line; blank lines are skipped.
 * Every number must be finite; every line must have exactly the model's count. */
#include "rnnc.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PATH_LOC 4200

static bool is_sep(char c) { return c == ' ' || c == '\t' || c == ',' || c == '\r' || c == '\v' || c == '\f'; }

static char *slurp(const char *path, size_t *len) { return read_whole_file(path, len); }

Vectors *read_vectors(const char *path, const Model *m)
{
    size_t len;
    char *buf = slurp(path, &len);
    if (memchr(buf, 0, len)) user_error(path, "not a text file (contains a NUL byte)");
    size_t per = (size_t)m->timesteps * (size_t)m->features;
    size_t cap = 16;
    Vectors *v = xcalloc(1, sizeof *v);
    v->timesteps = m->timesteps;
    v->features = m->features;
    v->values = xcalloc(cap * per, sizeof *v->values);
    double *row = xcalloc(per, sizeof *row);

    int lineno = 0;
    char *p = buf;
    while (*p) {
        lineno++;
        char *eol = strchr(p, '\n');
        if (!eol) eol = p + strlen(p);
        char *next = *eol ? eol + 1 : NULL;
        char loc[PATH_LOC];
        snprintf(loc, sizeof loc, "%s:%d", path, lineno);
        char *hash = memchr(p, '#', (size_t)(eol - p));
        char *stop = hash ? hash : eol;
        *stop = 0; /* the line (without comment) is now a string */
        size_t count = 0;
        char *q = p;
        for (;;) {
            while (is_sep(*q)) q++;
            if (!*q) break;
            char *tok = q;
            while (*q && !is_sep(*q)) q++;
            char save = *q;
            *q = 0;
            char *end;
            errno = 0;
            double x = strtod(tok, &end);
            if (end == tok || *end) {
                char shown[40];
                snprintf(shown, sizeof shown, "%.32s", tok);
                for (char *c = shown; *c; c++)
                    if (*c < 32 || *c >= 127) *c = '?';
                user_error(loc, "number %zu: \"%s%s\" is not a number", count + 1, shown,
                           strlen(tok) > 32 ? "..." : "");
            }
            if (!isfinite(x))
                user_error(loc, "number %zu: \"%.32s\" is not a finite number", count + 1, tok);
            if (count < per) row[count] = x;
            count++;
            *q = save;
        }
        if (count > 0) {
            if (count != per)
                user_error(loc, "expected %zu numbers (%d timesteps x %d features), got %zu", per,
                           m->timesteps, m->features, count);
            if ((size_t)v->n_seq == cap) {
                cap *= 2;
                double *nv = realloc(v->values, cap * per * sizeof *nv);
                if (!nv) user_error(path, "out of memory");
                v->values = nv;
            }
            memcpy(v->values + (size_t)v->n_seq * per, row, per * sizeof *row);
            v->n_seq++;
        }
        if (!next) break;
        p = next;
    }
    if (v->n_seq == 0)
        user_error(path, "no input sequences (expected lines of %zu numbers: %d timesteps x %d features)", per,
                   m->timesteps, m->features);
    free(row);
    free(buf);
    return v;
}
