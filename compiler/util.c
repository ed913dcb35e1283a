/* util.c: checked allocation, the two error paths (user input vs internal bug), names. */
#define _POSIX_C_SOURCE 200809L /* fileno */
#include "rnnc.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int xalloc_fail_status = 1;

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) {
        fprintf(stderr, "rnnc: out of memory\n");
        exit(xalloc_fail_status);
    }
    return p;
}

char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = xcalloc(n, 1);
    memcpy(p, s, n);
    return p;
}

static void (*error_cleanup)(void);

void on_user_error(void (*fn)(void)) { error_cleanup = fn; }

void user_verror(const char *file, const char *where, const char *fmt, va_list ap)
{
    if (error_cleanup) {
        void (*fn)(void) = error_cleanup;
        error_cleanup = NULL; /* once, even if it fails with a user error itself */
        fn();
    }
    fprintf(stderr, "rnnc: ");
    if (file) fprintf(stderr, "%s: ", file);
    if (where && *where) fprintf(stderr, "%s: ", where);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    exit(2);
}

void user_error(const char *file, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    user_verror(file, NULL, fmt, ap);
}

void die_internal(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "rnnc: internal error at %s:%d: ", file, line);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    abort();
}

/* Verilog-2005 and SystemVerilog keywords a model name could collide with. */
static const char *const reserved[] = {
    "always", "and", "assign", "automatic", "begin", "buf", "bufif0", "bufif1", "case", "casex",
    "casez", "cell", "cmos", "config", "deassign", "default", "defparam", "design", "disable",
    "edge", "else", "end", "endcase", "endconfig", "endfunction", "endgenerate", "endmodule",
    "endprimitive", "endspecify", "endtable", "endtask", "event", "for", "force", "forever",
    "fork", "function", "generate", "genvar", "highz0", "highz1", "if", "ifnone", "incdir",
    "include", "initial", "inout", "input", "instance", "integer", "join", "large", "liblist",
    "library", "localparam", "macromodule", "medium", "module", "nand", "negedge", "nmos",
    "nor", "noshowcancelled", "not", "notif0", "notif1", "or", "output", "parameter", "pmos",
    "posedge", "primitive", "pull0", "pull1", "pulldown", "pullup", "pulsestyle_onevent",
    "pulsestyle_ondetect", "rcmos", "real", "realtime", "reg", "release", "repeat", "rnmos",
    "rpmos", "rtran", "rtranif0", "rtranif1", "scalared", "showcancelled", "signed", "small",
    "specify", "specparam", "strong0", "strong1", "supply0", "supply1", "table", "task", "time",
    "tran", "tranif0", "tranif1", "tri", "tri0", "tri1", "triand", "trior", "trireg", "unsigned",
    "use", "uwire", "vectored", "wait", "wand", "weak0", "weak1", "while", "wire", "wor", "xnor",
    "xor", "logic", "bit", "byte", "int", "shortint", "longint", "string", "class", "interface",
    "package", "program", "property", "sequence", "struct", "union", "typedef", "enum", "void",
    "return", "break", "continue", "do", "final", "import", "export", "extends", "static",
    "const", "new", "null", "this", "super", "var", "virtual", "local", "protected", "rand",
    "constraint", "covergroup", "assert", "assume", "cover", "alias", "bind", "chandle",
    "clocking", "context", "dist", "expect", "foreach", "forkjoin", "iff", "inside", "modport",
    "priority", "pure", "ref", "solve", "tagged", "timeprecision", "timeunit", "type", "unique",
    "wait_order", "wildcard", "with", "within", NULL};

/* Safe: [A-Za-z][A-Za-z0-9_]*, at most 40 characters, not a keyword, not our reserved
 * prefix "rnnc_", no double underscore (reserved for compiler temporaries). */
bool is_safe_identifier(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 40 || !isalpha((unsigned char)s[0])) return false;
    for (size_t i = 0; i < n; i++)
        if (!(isalnum((unsigned char)s[i]) || s[i] == '_') || (s[i] == '_' && s[i + 1] == '_'))
            return false;
    if (!strncmp(s, "rnnc_", 5)) return false;
    for (int i = 0; reserved[i]; i++)
        if (!strcmp(s, reserved[i])) return false;
    return true;
}

const char *act_name(ActKind a)
{
    static const char *n[] = {"linear", "relu", "sigmoid", "tanh", "hard_sigmoid", "softmax"};
    return n[a];
}

static char *read_stream(FILE *f, const char *path, size_t *len)
{
    size_t cap = 1 << 16, n = 0;
    struct stat st; /* a small regular file: a buffer of its size (one read ends at its end) */
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= 0 && (size_t)st.st_size < cap)
        cap = (size_t)st.st_size + 1;
    char *buf = xcalloc(cap + 1, 1);
    for (;;) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap) break;
        char *nb = realloc(buf, cap * 2 + 1);
        if (!nb) user_error(path, "out of memory reading the file");
        buf = nb;
        cap *= 2;
    }
    if (ferror(f)) {
        int e = errno;
        fclose(f);
        user_error(path, "cannot read: %s", e ? strerror(e) : "read error");
    }
    fclose(f);
    buf[n] = 0;
    if (len) *len = n;
    return buf;
}

char *read_whole_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) user_error(path, "cannot read: %s", strerror(errno));
    return read_stream(f, path, len);
}

char *try_read_whole_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    return f ? read_stream(f, path, len) : NULL;
}
