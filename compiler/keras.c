/* keras.c: Keras models -> the rnnc-model/1 JSON tree -> parse_model (docs/keras.md).
 *
 * Three containers:
 *   .h5      a full model: root attribute `model_config` (the architecture JSON) and the
 *            group `model_weights/` (Keras 2, and Keras 3's legacy .h5);
 *   ARCH.json + --weights W.h5
 *            `model.to_json()` and `save_weights`: Keras 2 legacy layout (layer groups with
 *            `weight_names` attributes) or Keras 3 layout (`layers/<key>/vars/<i>`);
 *   .keras   Keras 3 zip: `config.json` and `model.weights.h5` (Keras 3 layout), the latter
 *            opened from memory.
 * The architecture (Sequential, or a Functional model that is one chain) becomes a tree of
 * rnnc layers carrying the weights as read; keras_config.c applies the hls4ml-style options;
 * parse_model then reads the tree, so a Keras model is exactly its `rnnc import` output.
 * Everything Keras-specific is checked here first, so messages name the Keras layer and its
 * class. HDF5's own error printing is off; every HDF5 call's result is checked. */
#define _POSIX_C_SOURCE 200809L
#include "rnnc.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <hdf5.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* snprintf whose truncation is intended (long names are cut): the result is "used" so that
 * -Wformat-truncation, which varies with the optimization level, stays quiet. */
#define SNPRINTF(...) ((void)(snprintf(__VA_ARGS__) < 0))

/* Copy src into dst[len], cut to fit. */
static void copy_str(char *dst, size_t len, const char *src)
{
    size_t n = strlen(src);
    if (n >= len) n = len - 1;
    memcpy(dst, src, n);
    dst[n] = 0;
}
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zip.h>

#define MAX_DIM RNNC_MAX_DIM
#define MAX_WEIGHTS RNNC_MAX_WEIGHTS

static const char supported_acts[] = "linear, relu, sigmoid, tanh, hard_sigmoid (Keras 2's), softmax";

/* ---- what a file is ---- */

typedef enum { K_MISSING, K_HDF5, K_ZIP, K_JSON, K_OTHER } FileKind;

static FileKind sniff(const char *path, char *what, size_t len)
{
    unsigned char b[16] = {0};
    FILE *f = fopen(path, "rb");
    if (!f) {
        SNPRINTF(what, len, "cannot be read: %s", strerror(errno));
        return K_MISSING;
    }
    size_t n = fread(b, 1, sizeof b, f);
    int c = 0;
    size_t i = 0;
    if (n && b[0] != '{' && b[0] != '[') { /* skip leading blanks for JSON */
        for (i = 0; i < n && isspace(b[i]); i++) {}
        if (i == n && n == sizeof b) {
            while ((c = fgetc(f)) != EOF && isspace(c)) {}
        } else if (i < n) {
            c = b[i];
        }
    } else if (n) {
        c = b[0];
    }
    fclose(f);
    if (n >= 8 && !memcmp(b, "\211HDF\r\n\032\n", 8)) return K_HDF5;
    if (n >= 4 && (!memcmp(b, "PK\003\004", 4) || !memcmp(b, "PK\005\006", 4))) return K_ZIP;
    if (c == '{' || c == '[') return K_JSON;
    if (n == 0) SNPRINTF(what, len, "an empty file");
    else if (n >= 8 && !memcmp(b, "\211PNG", 4)) snprintf(what, len, "a PNG image");
    else if (n >= 4 && !memcmp(b, "\177ELF", 4)) snprintf(what, len, "an executable");
    else if (n >= 2 && b[0] == 0x1f && b[1] == 0x8b) snprintf(what, len, "gzip data");
    else {
        bool text = true;
        for (size_t k = 0; k < n; k++)
            if (b[k] < 9 || (b[k] > 13 && b[k] < 32)) text = false;
        SNPRINTF(what, len, text ? "text that is not JSON" : "binary data of an unknown kind");
    }
    return K_OTHER;
}

static bool has_ext(const char *path, const char *ext)
{
    size_t n = strlen(path), k = strlen(ext);
    if (n < k) return false;
    for (size_t i = 0; i < k; i++)
        if (tolower((unsigned char)path[n - k + i]) != ext[i]) return false;
    return true;
}

static char *read_all(const char *path, size_t *len) { return read_whole_file(path, len); }

static cJSON *parse_json_text(const char *file, const char *text, size_t len, const char *what)
{
    if (strlen(text) != len) user_error(file, "%s: not JSON (contains a NUL byte)", what);
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithOpts(text, &end, true);
    if (!root) {
        int line = 1;
        for (const char *p = text; end && p < end && *p; p++) line += *p == '\n';
        user_error(file, "%s: invalid JSON near line %d%s", what, line,
                   end && !*end ? " (unexpected end: truncated?)" : "");
    }
    return root;
}

bool is_keras_model(const char *path)
{
    char what[128];
    if (has_ext(path, ".h5") || has_ext(path, ".hdf5") || has_ext(path, ".keras")) return true;
    FileKind k = sniff(path, what, sizeof what);
    if (k == K_HDF5 || k == K_ZIP) return true;
    if (k != K_JSON) return false;
    size_t len;
    char *text = read_all(path, &len);
    cJSON *root = strlen(text) == len ? cJSON_Parse(text) : NULL;
    bool keras = cJSON_IsObject(root) && cJSON_GetObjectItemCaseSensitive(root, "class_name") &&
                 !cJSON_GetObjectItemCaseSensitive(root, "rnnc");
    cJSON_Delete(root);
    free(text);
    return keras;
}

/* ---- the reading context ---- */

typedef struct {
    const char *cls;            /* Keras class name */
    const char *kname;          /* Keras layer name */
    const cJSON *cfg;           /* its config object */
    int index;                  /* position in the config's layer list */
    char v3key[96];             /* its group under layers/ in the Keras 3 weights layout (by class) */
    int half;                   /* a Bidirectional's direction: 1 forward, 2 backward (the first or
                                 * second half of the legacy layout's weight_names); else 0 */
    const char *wgroup;         /* legacy layout: the weight group when not kname (the wrapper's) */
} KLayer;

typedef struct {
    const char *file;           /* the model file (messages) */
    char wfile[4200];           /* where the weights are read from (messages) */
    int major;                  /* Keras major version, 2 or 3 */
    hid_t h5;                   /* the weights file */
    hid_t wroot;                /* legacy layout: the group holding the layer groups */
    hid_t v3;                   /* Keras 3 layout: the layers/ group; -1 for legacy */
    KLayer *kl;
    int n;
    long weights;               /* declared by the layers so far (limit RNNC_MAX_WEIGHTS) */
} Ctx;

static _Noreturn void kerr(const Ctx *c, const KLayer *l, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "layer 'NAME' (CLASS)", the place of a Keras error, or "" without a layer */
static const char *layer_where(const KLayer *l, char *buf, size_t len)
{
    if (l) snprintf(buf, len, "layer '%.60s' (%.40s)", l->kname, l->cls);
    else snprintf(buf, len, "%s", "");
    return buf;
}

static void kerr(const Ctx *c, const KLayer *l, const char *fmt, ...)
{
    char where[128];
    va_list ap;
    va_start(ap, fmt);
    user_verror(c->file, layer_where(l, where, sizeof where), fmt, ap);
}

static _Noreturn void werr(const Ctx *c, const KLayer *l, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void werr(const Ctx *c, const KLayer *l, const char *fmt, ...)
{
    char where[128];
    va_list ap;
    va_start(ap, fmt);
    user_verror(c->wfile, layer_where(l, where, sizeof where), fmt, ap);
}

/* ---- HDF5 helpers ---- */

static bool h5_has(hid_t loc, const char *name)
{
    /* H5Lexists fails (< 0) when an intermediate group is missing: that is "no" too. */
    char buf[512];
    size_t k = 0;
    for (const char *p = name;; p++) {
        if (*p == '/' || !*p) {
            if (k >= sizeof buf) return false;
            memcpy(buf, name, k);
            buf[k] = 0;
            if (k && H5Lexists(loc, buf, H5P_DEFAULT) <= 0) return false;
            if (!*p) return true;
        }
        k++;
    }
}

static bool attr_has(hid_t obj, const char *name) { return H5Aexists(obj, name) > 0; }

/* A string attribute (scalar or array, fixed or variable length) as n strings; NULL when
 * absent. An empty non-string array (Keras 3 writes weight_names = [] as float64) is 0
 * strings. */
static char **attr_strings(const Ctx *c, hid_t obj, const char *name, int *count)
{
    *count = 0;
    if (!attr_has(obj, name)) return NULL;
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    if (a < 0) werr(c, NULL, "cannot open the attribute '%s' (file corrupt?)", name);
    hid_t t = H5Aget_type(a), s = H5Aget_space(a);
    hssize_t np = s >= 0 ? H5Sget_simple_extent_npoints(s) : -1;
    if (t < 0 || np < 0 || np > 1000000) werr(c, NULL, "the attribute '%s' is unreadable (file corrupt?)", name);
    char **out = xcalloc((size_t)np + 1, sizeof *out);
    if (H5Tget_class(t) != H5T_STRING) {
        if (np != 0) werr(c, NULL, "the attribute '%s' is not text", name);
    } else if (np > 0) {
        htri_t var = H5Tis_variable_str(t);
        hid_t mt = H5Tcopy(H5T_C_S1);
        H5T_cset_t cs = H5Tget_cset(t); /* ASCII and UTF-8 do not convert into each other */
        if (var < 0 || mt < 0 || cs < 0 || H5Tset_cset(mt, cs) < 0)
            werr(c, NULL, "the attribute '%s' is unreadable", name);
        if (var) {
            char **tmp = xcalloc((size_t)np, sizeof *tmp);
            if (H5Tset_size(mt, H5T_VARIABLE) < 0 || H5Aread(a, mt, tmp) < 0)
                werr(c, NULL, "cannot read the attribute '%s' (file corrupt?)", name);
            for (hssize_t i = 0; i < np; i++) {
                out[i] = xstrdup(tmp[i] ? tmp[i] : "");
                if (tmp[i]) H5free_memory(tmp[i]);
            }
            free(tmp);
        } else {
            size_t sz = H5Tget_size(t);
            if (sz == 0 || sz > 1 << 20) werr(c, NULL, "the attribute '%s' is unreadable", name);
            /* one more byte per string: the memory type is NUL-terminated */
            char *buf = xcalloc((size_t)np * (sz + 1) + 1, 1);
            if (H5Tset_size(mt, sz + 1) < 0 || H5Aread(a, mt, buf) < 0)
                werr(c, NULL, "cannot read the attribute '%s' (file corrupt?)", name);
            for (hssize_t i = 0; i < np; i++) {
                out[i] = xcalloc(sz + 1, 1);
                memcpy(out[i], buf + (size_t)i * (sz + 1), sz);
            }
            free(buf);
        }
        H5Tclose(mt);
    }
    H5Sclose(s);
    H5Tclose(t);
    H5Aclose(a);
    *count = (int)np;
    return out;
}

/* Keras 2 splits a long list attribute into NAME0, NAME1, ... */
static char **attr_list(const Ctx *c, hid_t obj, const char *name, int *count)
{
    char **v = attr_strings(c, obj, name, count);
    if (v) return v;
    char chunk[160];
    SNPRINTF(chunk, sizeof chunk, "%s0", name);
    if (!attr_has(obj, chunk)) return NULL;
    char **all = NULL;
    int n = 0;
    for (int k = 0;; k++) {
        SNPRINTF(chunk, sizeof chunk, "%s%d", name, k);
        int m;
        char **part = attr_strings(c, obj, chunk, &m);
        if (!part) break;
        char **na = xcalloc((size_t)(n + m + 1), sizeof *na);
        if (n) memcpy(na, all, (size_t)n * sizeof *na);
        memcpy(na + n, part, (size_t)m * sizeof *na);
        free(all);
        free(part);
        all = na;
        n += m;
    }
    *count = n;
    return all;
}

static char *attr_string(const Ctx *c, hid_t obj, const char *name)
{
    int n;
    char **v = attr_strings(c, obj, name, &n);
    if (!v) return NULL;
    if (n != 1) werr(c, NULL, "the attribute '%s' is not one string", name);
    char *s = v[0];
    free(v);
    return s;
}

typedef struct {
    int rank;
    long d[2];
    double *v;
    char name[200];
} Arr;

static void read_arr(const Ctx *c, const KLayer *l, hid_t loc, const char *name, Arr *a)
{
    copy_str(a->name, sizeof a->name, name);
    hid_t d = h5_has(loc, name) ? H5Dopen2(loc, name, H5P_DEFAULT) : -1;
    if (d < 0) werr(c, l, "the weight dataset '%s' is missing", name);
    hid_t t = H5Dget_type(d), s = H5Dget_space(d);
    if (t < 0 || s < 0) werr(c, l, "the weight '%s' is unreadable (file corrupt?)", name);
    H5T_class_t cl = H5Tget_class(t);
    if (cl != H5T_FLOAT && cl != H5T_INTEGER) werr(c, l, "the weight '%s' is not numeric", name);
    int r = H5Sget_simple_extent_ndims(s);
    hsize_t dims[H5S_MAX_RANK];
    if (r < 0 || r > 2 || H5Sget_simple_extent_dims(s, dims, NULL) < 0)
        werr(c, l, "the weight '%s' has %d dimensions (expected 1 or 2)", name, r);
    long total = 1;
    a->rank = r;
    a->d[0] = a->d[1] = 1;
    for (int i = 0; i < r; i++) {
        if (dims[i] > (hsize_t)MAX_WEIGHTS) werr(c, l, "the weight '%s' is too large", name);
        a->d[i] = (long)dims[i];
        total *= (long)dims[i];
        if (total > MAX_WEIGHTS) werr(c, l, "the weight '%s' is too large", name);
    }
    a->v = xcalloc((size_t)total, sizeof *a->v);
    /* HDF5 converts through a buffer of 1 MiB (H5D_TEMP_BUF_SIZE), calloc'ed for every read;
     * for the small datasets of most models, one that holds just this one is enough */
    hid_t xfer = H5P_DEFAULT;
    size_t elem = H5Tget_size(t) > sizeof(double) ? H5Tget_size(t) : sizeof(double);
    if (total > 0 && (size_t)total <= ((size_t)1 << 20) / elem) {
        xfer = H5Pcreate(H5P_DATASET_XFER);
        if (xfer < 0 || H5Pset_buffer(xfer, (size_t)total * elem, NULL, NULL) < 0)
            werr(c, l, "cannot set up reading the weight '%s' (HDF5)", name);
    }
    if (total > 0 && H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, xfer, a->v) < 0)
        werr(c, l, "cannot read the weight '%s' (file truncated or corrupt?)", name);
    if (xfer != H5P_DEFAULT) H5Pclose(xfer);
    for (long i = 0; i < total; i++)
        if (!isfinite(a->v[i])) werr(c, l, "the weight '%s' has a non-finite value (NaN or infinity)", name);
    H5Sclose(s);
    H5Tclose(t);
    H5Dclose(d);
}

/* The children of a group, by name. */
static char **group_children(const Ctx *c, hid_t g, int *count)
{
    H5G_info_t info;
    if (H5Gget_info(g, &info) < 0) werr(c, NULL, "cannot list a group (file corrupt?)");
    if (info.nlinks > 100000) werr(c, NULL, "a group has too many members");
    char **out = xcalloc((size_t)info.nlinks + 1, sizeof *out);
    for (hsize_t i = 0; i < info.nlinks; i++) {
        ssize_t n = H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, NULL, 0, H5P_DEFAULT);
        if (n < 0 || n > 4096) werr(c, NULL, "cannot list a group (file corrupt?)");
        out[i] = xcalloc((size_t)n + 1, 1);
        if (H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, out[i], (size_t)n + 1, H5P_DEFAULT) < 0)
            werr(c, NULL, "cannot list a group (file corrupt?)");
    }
    *count = (int)info.nlinks;
    return out;
}

/* The weight arrays of a layer, in Keras's get_weights() order. Returns the count. */
static int layer_weights(const Ctx *c, const KLayer *l, bool recurrent, Arr *out, int max)
{
    int n = 0;
    if (c->v3 >= 0) {
        /* Keras 3: layers/<key>/vars/@name is the layer's name; <key> is from the class. */
        const char *key = NULL;
        int nk;
        char **kids = group_children(c, c->v3, &nk);
        for (int i = 0; i < nk && !key; i++) {
            char vp[4200];
            SNPRINTF(vp, sizeof vp, "%s/vars", kids[i]);
            if (!h5_has(c->v3, vp)) continue;
            hid_t g = H5Gopen2(c->v3, vp, H5P_DEFAULT);
            if (g < 0) continue;
            char *nm = attr_string(c, g, "name");
            if (nm && !strcmp(nm, l->kname)) key = kids[i];
            free(nm);
            H5Gclose(g);
        }
        if (!key) key = l->v3key;
        char vp[4200];
        SNPRINTF(vp, sizeof vp, "%s/%svars", key, recurrent ? "cell/" : "");
        if (!h5_has(c->v3, vp))
            werr(c, l, "no weights found (expected the group layers/%s, or a layers/*/vars group named '%s')",
                 vp, l->kname);
        hid_t g = H5Gopen2(c->v3, vp, H5P_DEFAULT);
        if (g < 0) werr(c, l, "cannot open layers/%s (file corrupt?)", vp);
        for (;; n++) {
            char nm[32];
            SNPRINTF(nm, sizeof nm, "%d", n);
            if (!h5_has(g, nm)) break;
            if (n >= max) werr(c, l, "more weight arrays than expected (%d)", max);
            read_arr(c, l, g, nm, &out[n]);
            if (snprintf(out[n].name, sizeof out[n].name, "layers/%s/%d", vp, n) < 0) out[n].name[0] = 0;
        }
        H5Gclose(g);
        return n;
    }
    const char *gname = l->wgroup ? l->wgroup : l->kname;
    if (!h5_has(c->wroot, gname))
        werr(c, l, "no weights found (no group '%s'%s)", gname, c->wroot != c->h5 ? " in model_weights" : "");
    hid_t g = H5Gopen2(c->wroot, gname, H5P_DEFAULT);
    if (g < 0) werr(c, l, "cannot open its weight group (file corrupt?)");
    char **names = attr_list(c, g, "weight_names", &n);
    if (!names) werr(c, l, "its weight group has no weight_names attribute");
    int first = 0;
    if (l->half) { /* a Bidirectional's arrays: the forward layer's, then the backward one's */
        if (n % 2) werr(c, l, "the Bidirectional '%s' has %d weight arrays, expected two equal halves", gname, n);
        n /= 2;
        first = l->half == 2 ? n : 0;
    }
    if (n > max) werr(c, l, "%d weight arrays, expected at most %d", n, max);
    for (int i = 0; i < n; i++) read_arr(c, l, g, names[first + i], &out[i]);
    H5Gclose(g);
    return n;
}

/* ---- the architecture ---- */

static const cJSON *get(const cJSON *o, const char *k) { return cJSON_GetObjectItemCaseSensitive(o, k); }

static const char *str_of(const cJSON *o, const char *k)
{
    const cJSON *v = get(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool bool_of(const Ctx *c, const KLayer *l, const char *k, bool dflt)
{
    const cJSON *v = get(l->cfg, k);
    if (!v || cJSON_IsNull(v)) return dflt;
    if (!cJSON_IsBool(v)) kerr(c, l, "'%s' is not true or false", k);
    return cJSON_IsTrue(v);
}

static ActKind act_of(const Ctx *c, const KLayer *l, const char *key, ActKind dflt)
{
    const cJSON *v = get(l->cfg, key);
    if (!v || cJSON_IsNull(v)) return dflt;
    const char *s = cJSON_IsString(v) ? v->valuestring : NULL;
    if (cJSON_IsObject(v)) { /* serialized function: {"class_name": "function", "config": "relu"} */
        s = str_of(v, "config");
        if (!s) s = str_of(v, "class_name");
    }
    if (!s) kerr(c, l, "%s: not an activation name", key);
    static const char *const names[] = {"linear", "relu", "sigmoid", "tanh", "hard_sigmoid", "softmax", NULL};
    for (int i = 0; names[i]; i++) {
        if (strcmp(s, names[i])) continue;
        if (i == ACT_HARD_SIGMOID && c->major >= 3)
            kerr(c, l, "%s hard_sigmoid: Keras 3's hard_sigmoid is relu6(x + 3) / 6, which rnnc does not "
                       "implement (rnnc's hard_sigmoid is Keras 2's clip(0.2x + 0.5, 0, 1)); use sigmoid, or "
                       "a Keras 2 model", key);
        return (ActKind)i;
    }
    kerr(c, l, "%s '%.40s' is not supported (supported: %s)", key, s, supported_acts);
}

/* The rnnc layer type of a Keras class (layer_kinds, kinds.c), NULL when rnnc has none. */
static const char *rnnc_type(const char *cls)
{
    LayerKind k;
    return layer_kind_by_keras(cls, &k) ? layer_kind_name(k) : NULL;
}

/* Keras 3's key for a layer under layers/: the class in snake case, _1, _2 ... on repeats. */
static void snake(const char *cls, char *out, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; cls[i] && n + 2 < len; i++) {
        char ch = cls[i];
        bool up = isupper((unsigned char)ch);
        if (up && i > 0 &&
            (islower((unsigned char)cls[i - 1]) || (cls[i + 1] && islower((unsigned char)cls[i + 1]) &&
                                                    isupper((unsigned char)cls[i - 1]))))
            out[n++] = '_';
        out[n++] = (char)tolower((unsigned char)ch);
    }
    out[n] = 0;
}

/* Input shape [batch, T, F] or [batch, F]: steps (0 = None) and features. */
static bool shape_of(const Ctx *c, const KLayer *l, const cJSON *sh, int *steps, int *feat)
{
    if (!cJSON_IsArray(sh)) return false;
    int r = cJSON_GetArraySize(sh);
    if (r != 2 && r != 3) {
        kerr(c, l, "input shape has %d dimensions after the batch; rnnc reads sequences (timesteps, features) "
                   "or vectors (features)", r - 1);
    }
    const cJSON *f = cJSON_GetArrayItem(sh, r - 1);
    if (!cJSON_IsNumber(f) || f->valuedouble < 1 || f->valuedouble > MAX_DIM || f->valuedouble != floor(f->valuedouble))
        kerr(c, l, "the input's feature count is not a number in 1..%d", MAX_DIM);
    *feat = (int)f->valuedouble;
    *steps = 1;
    if (r == 3) {
        const cJSON *t = cJSON_GetArrayItem(sh, 1);
        if (cJSON_IsNull(t)) *steps = 0;
        else if (!cJSON_IsNumber(t) || t->valuedouble < 1 || t->valuedouble > MAX_DIM ||
                 t->valuedouble != floor(t->valuedouble))
            kerr(c, l, "the input's timesteps are not a number in 1..%d", MAX_DIM);
        else *steps = (int)t->valuedouble;
    }
    return true;
}

static bool input_shape(const Ctx *c, const KLayer *l, const cJSON *cfg, int *steps, int *feat)
{
    static const char *const keys[] = {"batch_input_shape", "batch_shape", NULL};
    for (int i = 0; keys[i]; i++)
        if (shape_of(c, l, get(cfg, keys[i]), steps, feat)) return true;
    const cJSON *sh = get(cfg, "input_shape");
    if (!sh) sh = get(cfg, "shape");
    if (cJSON_IsArray(sh)) { /* without the batch dimension */
        cJSON *tmp = cJSON_Duplicate(sh, true);
        cJSON_InsertItemInArray(tmp, 0, cJSON_CreateNull());
        bool ok = shape_of(c, l, tmp, steps, feat);
        cJSON_Delete(tmp);
        return ok;
    }
    return false;
}

/* Layer names a Functional layer takes its inputs from, over all its inbound nodes. */
static void inbound_names(const cJSON *it, const char **names, int *n, int max)
{
    if (cJSON_IsObject(it)) {
        const cJSON *h = get(it, "keras_history");
        if (cJSON_IsArray(h) && cJSON_IsString(h->child)) {
            if (*n < max) names[*n] = h->child->valuestring;
            (*n)++;
            return;
        }
        for (const cJSON *ch = it->child; ch; ch = ch->next) inbound_names(ch, names, n, max);
    } else if (cJSON_IsArray(it)) {
        /* Keras 2: a node is [[name, node_index, tensor_index, kwargs], ...] */
        if (cJSON_IsString(it->child) && it->child->next && cJSON_IsNumber(it->child->next)) {
            if (*n < max) names[*n] = it->child->valuestring;
            (*n)++;
            return;
        }
        for (const cJSON *ch = it->child; ch; ch = ch->next) inbound_names(ch, names, n, max);
    }
}

typedef struct {
    const char *model_name;
    const char *input_name;
    int steps, feat;
    bool have_shape;
} ArchInfo;

/* A Functional model's layers in chain order (from its InputLayer, each feeding the next) into
 * order[total]; returns the count. Names must be unique: a chain that comes back to a layer
 * (two layers of one name) is refused, never followed around. */
static int chain_order(Ctx *c, const cJSON *layers, KLayer *all, int total, KLayer **order)
{
    const char **in = xcalloc((size_t)total + 1, sizeof *in);
    int start = -1, n = 0, i = 0;
    for (const cJSON *L = layers->child; L; L = L->next, i++) {
        for (int j = 0; j < i; j++)
            if (!strcmp(all[j].kname, all[i].kname))
                kerr(c, &all[i], "has the name of layers[%d] of the model configuration; layer names must be unique", j);
        const cJSON *nodes = get(L, "inbound_nodes");
        int nn = cJSON_IsArray(nodes) ? cJSON_GetArraySize(nodes) : 0;
        const char *names[4];
        int k = 0;
        if (nn > 1) kerr(c, &all[i], "is called %d times (a shared layer); rnnc reads models that are one chain", nn);
        if (nn == 1) inbound_names(nodes->child, names, &k, 4);
        if (k > 1) kerr(c, &all[i], "takes %d inputs; rnnc reads models that are one chain of layers", k);
        if (k == 1) {
            in[i] = names[0];
            continue;
        }
        if (strcmp(all[i].cls, "InputLayer"))
            kerr(c, &all[i], "has no input; rnnc reads models that are one chain of layers");
        if (start >= 0) kerr(c, &all[i], "is a second model input; rnnc reads models with one input");
        start = i;
    }
    if (start < 0) kerr(c, NULL, "the functional model has no InputLayer");
    for (int cur = start; cur >= 0;) {
        if (n >= total) kerr(c, &all[cur], "its chain of inbound layers comes back to it (a loop)");
        order[n++] = &all[cur];
        int next = -1;
        for (i = 0; i < total; i++) {
            if (!in[i] || strcmp(in[i], all[cur].kname)) continue;
            if (next >= 0)
                kerr(c, &all[cur], "feeds two layers ('%.60s' and '%.60s'); rnnc reads models that are one chain",
                     all[next].kname, all[i].kname);
            next = i;
        }
        cur = next;
    }
    for (i = 0; i < total; i++) {
        bool seen = false;
        for (int k = 0; k < n; k++) seen |= order[k] == &all[i];
        if (!seen)
            kerr(c, &all[i], "is not on the chain from the input (its input is '%.60s'); rnnc reads models that "
                             "are one chain of layers", in[i] ? in[i] : "none");
    }
    free(in);
    return n;
}

static void arch_layers(Ctx *c, const cJSON *root, ArchInfo *ai)
{
    if (!cJSON_IsObject(root)) kerr(c, NULL, "the model configuration is not a JSON object");
    const char *top = str_of(root, "class_name");
    const cJSON *cfg = get(root, "config");
    if (!top || !cfg) kerr(c, NULL, "the model configuration has no class_name and config");
    bool seq = !strcmp(top, "Sequential");
    if (!seq && strcmp(top, "Functional") && strcmp(top, "Model"))
        kerr(c, NULL, "the model is a '%.40s'; rnnc reads Sequential models and Functional models that are one "
                      "chain of layers", top);
    const cJSON *layers = cJSON_IsArray(cfg) ? cfg : get(cfg, "layers");
    if (!cJSON_IsArray(layers)) kerr(c, NULL, "the model configuration has no list of layers");
    ai->model_name = cJSON_IsObject(cfg) ? str_of(cfg, "name") : NULL;
    int total = cJSON_GetArraySize(layers);
    if (total > RNNC_MAX_LAYERS + 1)
        kerr(c, NULL, "%d layers, more than rnnc supports (RNNC_MAX_LAYERS = %d)", total, RNNC_MAX_LAYERS);
    KLayer *all = xcalloc((size_t)total + 1, sizeof *all);
    int i = 0;
    for (const cJSON *L = layers->child; L; L = L->next, i++) {
        KLayer *l = &all[i];
        l->index = i;
        l->cls = str_of(L, "class_name");
        l->cfg = get(L, "config");
        if (!l->cls || !cJSON_IsObject(l->cfg)) kerr(c, NULL, "layers[%d] of the model configuration has no class_name or config", i);
        l->kname = str_of(l->cfg, "name");
        if (!l->kname) l->kname = str_of(L, "name");
        if (!l->kname) kerr(c, NULL, "layers[%d] (%.40s) has no name", i, l->cls);
    }

    /* The chain of layers, in order. */
    KLayer **order = xcalloc((size_t)total + 1, sizeof *order);
    int n = 0;
    if (seq) {
        for (i = 0; i < total; i++) order[n++] = &all[i];
    } else {
        n = chain_order(c, layers, all, total, order);
    }

    /* The input shape, then the layers rnnc builds. */
    c->kl = xcalloc((size_t)n + 1, sizeof *c->kl);
    c->n = 0;
    for (int k = 0; k < n; k++) {
        KLayer *l = order[k];
        if (!strcmp(l->cls, "InputLayer")) {
            if (k != 0) kerr(c, l, "an InputLayer that is not the first layer");
            ai->input_name = l->kname;
            if (bool_of(c, l, "sparse", false) || bool_of(c, l, "ragged", false))
                kerr(c, l, "sparse or ragged inputs are not supported");
            if (!input_shape(c, l, l->cfg, &ai->steps, &ai->feat)) kerr(c, l, "has no input shape");
            ai->have_shape = true;
            continue;
        }
        if (!ai->have_shape && input_shape(c, l, l->cfg, &ai->steps, &ai->feat)) ai->have_shape = true;
        if (!rnnc_type(l->cls)) {
            const cJSON *inner = get(l->cfg, "layer");
            const char *icls = cJSON_IsObject(inner) ? str_of(inner, "class_name") : NULL;
            char supported[300];
            keras_class_list(supported, sizeof supported);
            kerr(c, l, "not supported%s%s%s; rnnc reads %s", icls ? " (wrapping " : "", icls ? icls : "",
                 icls ? ")" : "", supported);
        }
        c->kl[c->n++] = *l;
    }
    if (!ai->have_shape && seq && cJSON_IsObject(cfg) && shape_of(c, NULL, get(cfg, "build_input_shape"), &ai->steps, &ai->feat))
        ai->have_shape = true;
    if (!ai->have_shape)
        kerr(c, NULL, "the model does not record its input shape (no InputLayer or batch_input_shape); "
                      "build it with an Input before saving");
    if (c->n == 0) kerr(c, NULL, "the model has no layers besides its input");

    /* Keras 3 weight keys: snake-case class names, numbered on repeats, over the model's
     * layers (Sequential: without its InputLayer; Functional: all). */
    for (int k = 0; k < c->n; k++) {
        KLayer *l = &c->kl[k];
        char base[80];
        snake(l->cls, base, sizeof base);
        int rep = 0;
        for (int j = 0; j < n; j++) {
            if (order[j]->index == l->index) break;
            if (seq && !strcmp(order[j]->cls, "InputLayer")) continue;
            if (!strcmp(order[j]->cls, l->cls)) rep++;
        }
        if (rep) SNPRINTF(l->v3key, sizeof l->v3key, "%s_%d", base, rep);
        else copy_str(l->v3key, sizeof l->v3key, base);
    }
    free(order);
}

/* ---- names ---- */

void safe_name(const char *in, const char *fallback, char *out)
{
    char b[RNNC_NAME_MAX];
    size_t n = 0;
    for (const char *p = in; *p && n < 40; p++) {
        char ch = isalnum((unsigned char)*p) && !((unsigned char)*p & 0x80) ? *p : '_';
        if (ch == '_' && (n == 0 || b[n - 1] == '_')) continue;
        b[n++] = ch;
    }
    while (n && b[n - 1] == '_') n--;
    b[n] = 0;
    if (n && !isalpha((unsigned char)b[0])) {
        char t[RNNC_NAME_MAX];
        if (snprintf(t, sizeof t, "l_%s", b) < 0) t[0] = 0;
        t[40] = 0;
        memcpy(b, t, sizeof b);
    }
    if (n && !is_safe_identifier(b)) {
        char t[RNNC_NAME_MAX];
        if (snprintf(t, sizeof t, "k_%s", b) < 0) t[0] = 0;
        t[40] = 0;
        memcpy(b, t, sizeof b);
    }
    n = strlen(b);
    while (n && b[n - 1] == '_') b[--n] = 0;
    if (!is_safe_identifier(b)) copy_str(b, sizeof b, fallback);
    memcpy(out, b, RNNC_NAME_MAX);
}

/* ---- building the tree ---- */

static cJSON *matrix(const double *v, long rows, long cols)
{
    cJSON *m = cJSON_CreateArray();
    for (long r = 0; r < rows; r++) cJSON_AddItemToArray(m, cJSON_CreateDoubleArray(v + r * cols, (int)cols));
    return m;
}

static const char *dims_text(const Arr *a, char *buf, size_t len)
{
    if (a->rank == 1) SNPRINTF(buf, len, "(%ld)", a->d[0]);
    else if (a->rank == 2) snprintf(buf, len, "(%ld, %ld)", a->d[0], a->d[1]);
    else SNPRINTF(buf, len, "a scalar");
    return buf;
}

static void want_shape(const Ctx *c, const KLayer *l, const Arr *a, const char *what, int rank, long d0, long d1,
                       const char *why)
{
    char got[48], exp[48];
    if (a->rank == rank && a->d[0] == d0 && (rank == 1 || a->d[1] == d1)) return;
    if (rank == 1) SNPRINTF(exp, sizeof exp, "(%ld)", d0);
    else SNPRINTF(exp, sizeof exp, "(%ld, %ld)", d0, d1);
    werr(c, l, "%s '%s' has shape %s, expected %s (%s)", what, a->name, dims_text(a, got, sizeof got), exp, why);
}

/* Which of the arrays is which: by name when every name says (kernel, recurrent_kernel,
 * bias), else in Keras's order. */
static void assign_weights(Arr *w, int n, bool recurrent, Arr **k, Arr **rk, Arr **b)
{
    *k = *rk = *b = NULL;
    int got = 0;
    for (int i = 0; i < n; i++) {
        char base[200];
        const char *s = strrchr(w[i].name, '/');
        copy_str(base, sizeof base, s ? s + 1 : w[i].name);
        char *colon = strchr(base, ':');
        if (colon) *colon = 0;
        if (!strcmp(base, "kernel") && !*k) *k = &w[i], got++;
        else if (!strcmp(base, "recurrent_kernel") && !*rk && recurrent) *rk = &w[i], got++;
        else if (!strcmp(base, "bias") && !*b) *b = &w[i], got++;
    }
    if (got == n) return;
    *k = n > 0 ? &w[0] : NULL;
    *rk = recurrent && n > 1 ? &w[1] : NULL;
    *b = n > (recurrent ? 2 : 1) ? &w[recurrent ? 2 : 1] : NULL;
}

static void add_bool(cJSON *o, const char *k, bool v) { cJSON_AddItemToObject(o, k, cJSON_CreateBool(v)); }

/* The layer's weights, read and checked against its shape (feat inputs), into o. */
static void add_weights(Ctx *c, KLayer *l, cJSON *o, bool rec, int gates, int units, bool use_bias, int feat)
{
    LayerKind kind;
    if (!layer_kind_by_name(rnnc_type(l->cls), &kind)) BUG("class %s", l->cls);
    bool reset_after = false;
    long nw = ((long)feat + (rec ? units : 0) + 2) * gates * units;
    if (nw > MAX_WEIGHTS - c->weights)
        kerr(c, l, "%ld weights, more than rnnc supports in a model (RNNC_MAX_WEIGHTS = %ld)", nw, MAX_WEIGHTS);
    c->weights += nw;
    Arr w[4] = {0};
    int n = layer_weights(c, l, rec, w, 4);
    int want = (rec ? 2 : 1) + (use_bias ? 1 : 0);
    if (n != want)
        werr(c, l, "%d weight arrays, expected %d (kernel%s%s)", n, want, rec ? ", recurrent_kernel" : "",
             use_bias ? ", bias" : "");
    Arr *k, *rk, *b;
    assign_weights(w, n, rec, &k, &rk, &b);
    if (!k || (rec && !rk) || (use_bias && !b))
        werr(c, l, "its weights (%s%s%s) are not kernel%s%s", n ? w[0].name : "none", n > 1 ? ", " : "",
             n > 1 ? w[1].name : "", rec ? ", recurrent_kernel" : "", use_bias ? ", bias" : "");
    long cols = (long)gates * units;
    char why[160];
    SNPRINTF(why, sizeof why, "%d input features x %s%d units", feat, gates > 1 ? (gates == 4 ? "4 gates x " : "3 gates x ") : "", units);
    want_shape(c, l, k, "kernel", 2, feat, cols, why);
    cJSON_AddItemToObject(o, "kernel", matrix(k->v, k->d[0], k->d[1]));
    if (rec) {
        SNPRINTF(why, sizeof why, "%d units x %s%d units", units, gates > 1 ? (gates == 4 ? "4 gates x " : "3 gates x ") : "", units);
        want_shape(c, l, rk, "recurrent_kernel", 2, units, cols, why);
        cJSON_AddItemToObject(o, "recurrent_kernel", matrix(rk->v, rk->d[0], rk->d[1]));
    }
    if (layer_kind_takes(kind, "reset_after")) {
        const cJSON *ra = get(l->cfg, "reset_after");
        if (ra && !cJSON_IsNull(ra)) reset_after = bool_of(c, l, "reset_after", true);
        else reset_after = use_bias ? b->rank == 2 : c->major >= 3; /* older Keras: from the bias */
        add_bool(o, "reset_after", reset_after);
    }
    if (use_bias) {
        if (reset_after) {
            want_shape(c, l, b, "bias", 2, 2, cols, "reset_after: an input and a recurrent bias row");
            cJSON_AddItemToObject(o, "bias", matrix(b->v, 2, cols));
        } else {
            want_shape(c, l, b, "bias", 1, cols, 0, gates > 1 ? "gates x units" : "units");
            cJSON_AddItemToObject(o, "bias", cJSON_CreateDoubleArray(b->v, (int)cols));
        }
    } else {
        add_bool(o, "use_bias", false);
    }
    for (int i = 0; i < n; i++) free(w[i].v);
}

static cJSON *build_bidirectional(Ctx *c, KLayer *l, cJSON *o, int *feat, int *steps, bool *seq);

/* One Keras layer as an rnnc layer (or NULL when it folds away). feat/seq: the input shape,
 * updated to the output's. */
static cJSON *build_layer(Ctx *c, KLayer *l, const char *name, int *feat, int *steps, bool *seq, bool last,
                          bool next_is_softmax)
{
    const char *type = rnnc_type(l->cls);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "type", type);
    cJSON_AddStringToObject(o, "name", name);
    LayerKind kind;
    if (!layer_kind_by_name(type, &kind)) BUG("class %s", l->cls);
    if (kind == L_BIDIRECTIONAL) return build_bidirectional(c, l, o, feat, steps, seq);
    bool rec = layer_kind(kind)->recurrent;
    if (layer_kind(kind)->weighted) {
        const cJSON *u = get(l->cfg, "units");
        if (!cJSON_IsNumber(u) || u->valuedouble < 1 || u->valuedouble > MAX_DIM || u->valuedouble != floor(u->valuedouble))
            kerr(c, l, "units is not a number in 1..%d", MAX_DIM);
        int units = (int)u->valuedouble;
        const cJSON *lr = get(l->cfg, "lora_rank");
        if (lr && !cJSON_IsNull(lr) && !(cJSON_IsNumber(lr) && lr->valuedouble == 0))
            kerr(c, l, "LoRA (lora_rank) is not supported; merge the LoRA weights before saving");
        const cJSON *dt = get(l->cfg, "dtype");
        const char *dts = cJSON_IsString(dt) ? dt->valuestring : cJSON_IsObject(dt) ? str_of(get(dt, "config"), "name") : NULL;
        if (dts && (strstr(dts, "int8") || strstr(dts, "int4") || strstr(dts, "float8")))
            kerr(c, l, "a quantized layer (dtype policy %.40s) is not supported; save the float model", dts);
        ActKind act = act_of(c, l, "activation", rec ? ACT_TANH : ACT_LINEAR);
        if (next_is_softmax) act = ACT_SOFTMAX;
        if (act == ACT_SOFTMAX && (!last || rec))
            kerr(c, l, "softmax is supported only as the activation of the last layer, a Dense");
        cJSON_AddNumberToObject(o, "units", units);
        cJSON_AddStringToObject(o, "activation", act_name(act));
        bool use_bias = bool_of(c, l, "use_bias", true);
        int gates = 1;
        if (rec) {
            if (bool_of(c, l, "stateful", false)) kerr(c, l, "stateful=True is not supported");
            if (bool_of(c, l, "return_state", false)) kerr(c, l, "return_state=True is not supported");
            if (bool_of(c, l, "time_major", false)) kerr(c, l, "time_major=True is not supported");
            if (!*seq)
                kerr(c, l, "needs a sequence input, but its input is a vector (an earlier layer returns one vector)");
            if (layer_kind_takes(kind, "recurrent_activation")) {
                ActKind ra = act_of(c, l, "recurrent_activation", ACT_SIGMOID);
                if (ra == ACT_SOFTMAX) kerr(c, l, "recurrent_activation softmax is not supported");
                cJSON_AddStringToObject(o, "recurrent_activation", act_name(ra));
            }
            bool rs = bool_of(c, l, "return_sequences", false);
            add_bool(o, "return_sequences", rs);
            add_bool(o, "go_backwards", bool_of(c, l, "go_backwards", false));
            gates = layer_kind(kind)->gates;
        }
        add_weights(c, l, o, rec, gates, units, use_bias, *feat);
        *feat = units;
        if (rec) {
            *seq = cJSON_IsTrue(get(o, "return_sequences"));
            if (!*seq) *steps = 1;
        }
        return o;
    }
    if (!strcmp(type, "flatten")) {
        const char *df = str_of(l->cfg, "data_format");
        if (df && !strcmp(df, "channels_first") && *seq)
            kerr(c, l, "data_format channels_first flattens feature-major; rnnc flattens timestep-major "
                       "(channels_last)");
        if (*seq) *feat *= *steps;
        *steps = 1;
        *seq = false;
        if (*feat > RNNC_MAX_VECTOR)
            kerr(c, l, "flattens to %d values, more than rnnc supports in one vector (RNNC_MAX_VECTOR = %d)", *feat,
                 RNNC_MAX_VECTOR);
        return o;
    }
    if (!strcmp(type, "dropout")) {
        const cJSON *r = get(l->cfg, "rate");
        if (cJSON_IsNumber(r) && r->valuedouble >= 0 && r->valuedouble < 1)
            cJSON_AddNumberToObject(o, "rate", r->valuedouble);
        return o;
    }
    /* activation layers */
    ActKind a;
    if (!strcmp(l->cls, "ReLU")) {
        const char *const keys[] = {"max_value", "negative_slope", "threshold", NULL};
        for (int i = 0; keys[i]; i++) {
            const cJSON *v = get(l->cfg, keys[i]);
            if (v && !cJSON_IsNull(v) && !(cJSON_IsNumber(v) && v->valuedouble == 0))
                kerr(c, l, "%s is not supported (only the plain ReLU)", keys[i]);
        }
        a = ACT_RELU;
    } else if (!strcmp(l->cls, "Softmax")) {
        const cJSON *ax = get(l->cfg, "axis");
        if (ax && !(cJSON_IsNumber(ax) && ax->valuedouble == -1) &&
            !(cJSON_IsArray(ax) && cJSON_GetArraySize(ax) == 1 && cJSON_IsNumber(ax->child) && ax->child->valuedouble == -1))
            kerr(c, l, "softmax over an axis other than the last is not supported");
        a = ACT_SOFTMAX;
    } else {
        if (!get(l->cfg, "activation")) kerr(c, l, "has no activation");
        a = act_of(c, l, "activation", ACT_LINEAR);
    }
    if (a == ACT_SOFTMAX)
        kerr(c, l, "softmax is supported only as the activation of the last layer, a Dense (a Dense with a linear "
                   "activation followed by this as the last layer is folded into one)");
    cJSON_AddStringToObject(o, "activation", act_name(a));
    return o;
}

/* A Bidirectional's direction d (0 forward, 1 backward) as a KLayer: its class and config from
 * "layer" (the forward one; the backward one is its copy with go_backwards flipped unless
 * "backward_layer" is given), its weights in the wrapper's (docs/keras.md). */
static KLayer direction_of(Ctx *c, const KLayer *l, int d)
{
    const cJSON *in = get(l->cfg, d ? "backward_layer" : "layer");
    if (d && !in) in = get(l->cfg, "layer");
    const char *icls = cJSON_IsObject(in) ? str_of(in, "class_name") : NULL;
    const cJSON *icfg = cJSON_IsObject(in) ? get(in, "config") : NULL;
    if (!icls || !cJSON_IsObject(icfg)) kerr(c, l, "has no %s layer configuration", d ? "backward" : "forward");
    LayerKind k;
    if (!layer_kind_by_keras(icls, &k) || !layer_kind(k)->recurrent)
        kerr(c, l, "wraps %.40s; rnnc reads a Bidirectional around LSTM, GRU or SimpleRNN", icls);
    KLayer s = *l;
    s.cls = icls;
    s.cfg = icfg;
    const char *nm = str_of(icfg, "name");
    s.kname = nm ? nm : l->kname;
    SNPRINTF(s.v3key, sizeof s.v3key, "%.80s/%s", l->v3key, d ? "backward_layer" : "forward_layer");
    s.half = d + 1;
    s.wgroup = l->kname;
    bool gb = bool_of(c, &s, "go_backwards", false);
    /* the forward layer's go_backwards is False, an explicit backward layer's True */
    if ((d == 0 || get(l->cfg, "backward_layer")) && gb != (d == 1))
        kerr(c, l, "its %s layer has go_backwards=%s, which rnnc does not read (wrap a layer without "
                   "go_backwards)", d ? "backward" : "forward", gb ? "True" : "False");
    return s;
}

static cJSON *build_bidirectional(Ctx *c, KLayer *l, cJSON *o, int *feat, int *steps, bool *seq)
{
    static const char *const modes[] = {"concat", "sum", "mul", "ave", NULL};
    const cJSON *mm = get(l->cfg, "merge_mode");
    if (!cJSON_IsString(mm)) kerr(c, l, "merge_mode None (two outputs) is not supported; use concat, sum, mul or ave");
    int mode = 0;
    while (modes[mode] && strcmp(modes[mode], mm->valuestring)) mode++;
    if (!modes[mode]) kerr(c, l, "merge_mode '%.40s' is not supported (concat, sum, mul, ave)", mm->valuestring);
    cJSON_AddStringToObject(o, "merge_mode", modes[mode]);
    int units[2] = {0, 0};
    bool rs[2] = {false, false};
    for (int d = 0; d < 2; d++) {
        KLayer s = direction_of(c, l, d);
        int f = *feat, st = *steps;
        bool sq = *seq;
        cJSON *sub = build_layer(c, &s, "direction", &f, &st, &sq, false, false);
        units[d] = f;
        rs[d] = sq;
        cJSON_DeleteItemFromObjectCaseSensitive(sub, "name");
        cJSON_DeleteItemFromObjectCaseSensitive(sub, "return_sequences");
        cJSON_DeleteItemFromObjectCaseSensitive(sub, "go_backwards");
        cJSON_AddItemToObject(o, d ? "backward" : "forward", sub);
    }
    if (rs[0] != rs[1]) kerr(c, l, "its forward and backward layers differ in return_sequences");
    if (mode && units[0] != units[1])
        kerr(c, l, "merge_mode %s with forward units %d and backward units %d (they must be equal)", modes[mode],
             units[0], units[1]);
    add_bool(o, "return_sequences", rs[0]);
    *feat = mode ? units[0] : units[0] + units[1];
    *seq = rs[0];
    if (!*seq) *steps = 1;
    return o;
}

static bool is_softmax_layer(const Ctx *c, const KLayer *l)
{
    if (!strcmp(l->cls, "Softmax")) return true;
    if (strcmp(l->cls, "Activation")) return false;
    return act_of(c, l, "activation", ACT_LINEAR) == ACT_SOFTMAX;
}

/* ---- the containers ---- */

typedef struct {
    cJSON *tree;
    KerasLayerRef *refs;
    const char *input_name;
} KerasTree;

static void open_weights_root(Ctx *c)
{
    c->v3 = -1;
    c->wroot = c->h5;
    if (h5_has(c->h5, "model_weights")) {
        c->wroot = H5Gopen2(c->h5, "model_weights", H5P_DEFAULT);
        if (c->wroot < 0) werr(c, NULL, "cannot open model_weights (file corrupt?)");
        return;
    }
    if (attr_has(c->h5, "layer_names") || attr_has(c->h5, "layer_names0")) return;
    static const char *const v3names[] = {"layers", "_layer_checkpoint_dependencies", NULL};
    for (int i = 0; v3names[i]; i++) {
        if (!h5_has(c->h5, v3names[i])) continue;
        c->v3 = H5Gopen2(c->h5, v3names[i], H5P_DEFAULT);
        if (c->v3 < 0) werr(c, NULL, "cannot open %s (file corrupt?)", v3names[i]);
        return;
    }
    werr(c, NULL, "no Keras weights in this HDF5 file (neither a layer_names attribute nor a layers/ group)");
}

static hid_t open_h5(const char *path)
{
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) user_error(path, "cannot open as HDF5: the file is truncated or corrupt");
    return f;
}

static int major_of(const char *version)
{
    if (!version || !isdigit((unsigned char)version[0])) return 0;
    return atoi(version);
}

static char *zip_entry(const char *path, zip_t *z, const char *name, size_t *len, bool required)
{
    zip_int64_t idx = zip_name_locate(z, name, 0);
    if (idx < 0) {
        if (required) user_error(path, "not a Keras 3 .keras archive: it has no %s", name);
        return NULL;
    }
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(z, (zip_uint64_t)idx, 0, &st) < 0 || !(st.valid & ZIP_STAT_SIZE))
        user_error(path, "cannot read %s in the archive (corrupt?)", name);
    if (st.size > ((zip_uint64_t)1 << 31)) user_error(path, "%s in the archive is too large", name);
    zip_file_t *f = zip_fopen_index(z, (zip_uint64_t)idx, 0);
    if (!f) user_error(path, "cannot read %s in the archive: %s", name, zip_strerror(z));
    char *buf = xcalloc((size_t)st.size + 1, 1);
    zip_int64_t got = zip_fread(f, buf, st.size);
    if (got < 0 || (zip_uint64_t)got != st.size)
        user_error(path, "cannot read %s in the archive: %s", name, zip_file_strerror(f));
    /* A short read or a bad CRC shows only at the end. */
    char extra;
    if (zip_fread(f, &extra, 1) != 0) user_error(path, "%s in the archive is corrupt (bad size or CRC)", name);
    zip_fclose(f);
    *len = (size_t)st.size;
    return buf;
}

/* A .keras archive: config.json (returned) and model.weights.h5, opened from memory in c. */
static cJSON *open_keras_zip(Ctx *c, const char *path)
{
    size_t len;
    cJSON *root;
    int zerr = 0;
    zip_t *z = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
    if (!z) {
        zip_error_t e;
        zip_error_init_with_code(&e, zerr);
        user_error(path, "cannot open as a .keras archive (zip): %s", zip_error_strerror(&e));
    }
    char *text = zip_entry(path, z, "config.json", &len, true);
    root = parse_json_text(path, text, len, "config.json in the archive");
    free(text);
    c->major = 3;
    char *meta = zip_entry(path, z, "metadata.json", &len, false);
    if (meta) {
        cJSON *mj = strlen(meta) == len ? cJSON_Parse(meta) : NULL;
        int mv = major_of(str_of(mj, "keras_version"));
        if (mv) c->major = mv;
        cJSON_Delete(mj);
        free(meta);
    }
    if (zip_name_locate(z, "model.weights.h5", 0) < 0 && zip_name_locate(z, "model.weights.json", 0) >= 0)
        user_error(path, "a sharded .keras archive (model.weights.json) is not supported yet; save without "
                         "max_shard_size");
    char *img = zip_entry(path, z, "model.weights.h5", &len, true);
    zip_discard(z);
    SNPRINTF(c->wfile, sizeof c->wfile, "%s: model.weights.h5", path);
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl < 0 || H5Pset_fapl_core(fapl, 1 << 16, 0) < 0 || H5Pset_file_image(fapl, img, len) < 0)
        user_error(path, "cannot set up reading model.weights.h5 from memory (HDF5)");
    c->h5 = H5Fopen("model.weights.h5", H5F_ACC_RDONLY, fapl);
    if (c->h5 < 0) user_error(path, "model.weights.h5 in the archive is not a readable HDF5 file (corrupt?)");
    H5Pclose(fapl);
    free(img);
    return root;
}

/* The file's architecture JSON (returned) and its weights (opened in c). */
static cJSON *open_container(Ctx *c, const char *path, const KerasOptions *opt)
{
    char what[128];
    FileKind kind = sniff(path, what, sizeof what);
    cJSON *root = NULL;
    size_t len;
    switch (kind) {
    case K_MISSING:
        user_error(path, "%s", what);
    case K_OTHER:
        user_error(path, "not a Keras model: this is %s (rnnc reads a Keras .h5 (HDF5), a .keras archive "
                   "(zip), an architecture JSON with --weights, or an rnnc model.json)", what);
    case K_HDF5: {
        if (opt->weights)
            user_error(path, "--weights goes with an architecture JSON, and this is an HDF5 model file");
        c->h5 = open_h5(path);
        char *mc = attr_string(c, c->h5, "model_config");
        if (!mc) {
            if (attr_has(c->h5, "layer_names") || h5_has(c->h5, "layers"))
                user_error(path, "a weights-only HDF5 file (no model_config attribute): give the architecture "
                                 "JSON as the model and this file with --weights");
            user_error(path, "an HDF5 file without a Keras model_config attribute (not a Keras model)");
        }
        c->major = major_of(attr_string(c, c->h5, "keras_version"));
        root = parse_json_text(path, mc, strlen(mc), "the model_config attribute");
        free(mc);
        break;
    }
    case K_ZIP:
        if (opt->weights) user_error(path, "--weights goes with an architecture JSON, and this is a .keras archive");
        root = open_keras_zip(c, path);
        break;
    case K_JSON: {
        char *text = read_all(path, &len);
        root = parse_json_text(path, text, len, "the architecture");
        free(text);
        if (!cJSON_IsObject(root) || !get(root, "class_name"))
            user_error(path, "not a Keras architecture JSON (no class_name at the top level)");
        const char *kv = str_of(root, "keras_version");
        c->major = kv ? major_of(kv) : get(root, "module") ? 3 : 2;
        if (!opt->weights)
            user_error(path, "a Keras architecture JSON has no weights: give the weights file with --weights W.h5");
        char wwhat[128];
        FileKind wk = sniff(opt->weights, wwhat, sizeof wwhat);
        if (wk == K_MISSING) user_error(opt->weights, "%s", wwhat);
        if (wk != K_HDF5) user_error(opt->weights, "--weights: not an HDF5 weights file (this is %s)",
                                     wk == K_ZIP ? "a zip archive" : wk == K_JSON ? "JSON" : wwhat);
        copy_str(c->wfile, sizeof c->wfile, opt->weights);
        c->h5 = open_h5(opt->weights);
        break;
    }
    }
    if (!c->major) c->major = get(root, "module") ? 3 : 2;
    return root;
}

/* The rnnc tree of a Keras model file (run in the reading child: see keras_tree). */
static KerasTree keras_tree_read(const char *path, const KerasOptions *opt)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    Ctx cx = {.file = path, .h5 = -1, .wroot = -1, .v3 = -1}, *c = &cx;
    copy_str(c->wfile, sizeof c->wfile, path);
    cJSON *root = open_container(c, path, opt);
    open_weights_root(c);

    ArchInfo ai = {0};
    arch_layers(c, root, &ai);
    if (opt->timesteps > 0) {
        if (ai.steps && ai.steps != opt->timesteps)
            kerr(c, NULL, "--timesteps %d, but the model's input has %d timesteps", opt->timesteps, ai.steps);
        if (opt->timesteps > MAX_DIM) kerr(c, NULL, "--timesteps: at most %d", MAX_DIM);
        ai.steps = opt->timesteps;
    }
    if (ai.steps == 0)
        kerr(c, NULL, "the model's input has no fixed number of timesteps (None): give --timesteps N");

    KerasTree kt = {0};
    cJSON *tree = cJSON_CreateObject();
    char mname[RNNC_NAME_MAX];
    safe_name(ai.model_name ? ai.model_name : "model", "model", mname);
    cJSON_AddNumberToObject(tree, "rnnc", 1);
    cJSON_AddStringToObject(tree, "name", mname);
    cJSON *in = cJSON_AddObjectToObject(tree, "input");
    cJSON_AddNumberToObject(in, "timesteps", ai.steps);
    cJSON_AddNumberToObject(in, "features", ai.feat);
    cJSON_AddStringToObject(tree, "precision", "ap_fixed<16,6>");
    cJSON *layers = cJSON_AddArrayToObject(tree, "layers");
    kt.refs = xcalloc((size_t)c->n + 1, sizeof *kt.refs);
    char (*names)[RNNC_NAME_MAX] = xcalloc((size_t)c->n + 1, sizeof *names);
    int feat = ai.feat, steps = ai.steps, nl = 0;
    bool seq = true;
    for (int i = 0; i < c->n; i++) {
        KLayer *l = &c->kl[i];
        bool fold = i + 2 == c->n && !strcmp(l->cls, "Dense") && is_softmax_layer(c, &c->kl[i + 1]) &&
                    act_of(c, l, "activation", ACT_LINEAR) == ACT_LINEAR;
        char base[RNNC_NAME_MAX], fb[32];
        SNPRINTF(fb, sizeof fb, "%s_%d", rnnc_type(l->cls), nl);
        safe_name(l->kname, fb, base);
        memcpy(names[nl], base, RNNC_NAME_MAX);
        for (int k = 2;; k++) {
            bool dup = false;
            for (int j = 0; j < nl; j++) dup |= !strcmp(names[j], names[nl]);
            if (!dup) break;
            char t[RNNC_NAME_MAX];
            base[34] = 0;
            if (snprintf(t, sizeof t, "%s_%d", base, k) < 0) t[0] = 0;
            memcpy(names[nl], t, RNNC_NAME_MAX);
        }
        cJSON *o = build_layer(c, l, names[nl], &feat, &steps, &seq, fold || i + 1 == c->n, fold);
        cJSON_AddItemToArray(layers, o);
        kt.refs[nl].name = l->kname;
        kt.refs[nl].cls = l->cls;
        kt.refs[nl].act = fold ? c->kl[i + 1].kname : NULL;
        nl++;
        if (fold) i++;
    }
    kt.input_name = ai.input_name;
    kt.tree = tree;
    if (c->v3 >= 0) H5Gclose(c->v3);
    if (c->wroot >= 0 && c->wroot != c->h5) H5Gclose(c->wroot);
    H5Fclose(c->h5);
    /* root stays allocated: refs point into it. */
    return kt;
}

/* ---- reading in a child process ----
 * libhdf5 (1.10) does not validate all it reads: corrupt files overflow its heap buffers, make
 * it loop forever or allocate gigabytes (issue 16); libzip makes no stronger promise. So a Keras
 * file is read in a child process under CPU-time, memory and wall-clock limits; the child sends
 * the rnnc tree back through a pipe as JSON text, or prints its own error and exits 2. A crash,
 * a limit or a hang in the child becomes a status-2 error naming the file. The compiler's own
 * passes run in the parent, where a crash stays a crash that tests and sanitizers see (in the
 * child too, a sanitizer report ends in a non-2 status the parent treats as an internal error). */

#if defined(__SANITIZE_ADDRESS__)
#define RNNC_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RNNC_ASAN 1
#endif
#endif

#define READ_OOM_STATUS 97      /* the child's exit status when an allocation failed */

static int read_seconds(void)
{
#ifdef RNNC_TEST_HOOKS
    const char *t = getenv("RNNC_TEST_READ_SECONDS");
    if (t && atoi(t) > 0) return atoi(t);
#endif
    return RNNC_READ_SECONDS;
}

static void child_limits(void)
{
    rlim_t cpu = (rlim_t)read_seconds();
    struct rlimit r = {cpu, cpu + 1};
    setrlimit(RLIMIT_CPU, &r);
#ifndef RNNC_ASAN /* ASan reserves terabytes of address space: no RLIMIT_AS under it */
    r.rlim_cur = r.rlim_max = (rlim_t)RNNC_READ_MEMORY;
    setrlimit(RLIMIT_AS, &r);
#endif
    xalloc_fail_status = READ_OOM_STATUS;
#ifdef RNNC_TEST_HOOKS
    /* tests/limits: simulate what a corrupt file does to the library */
    const char *f = getenv("RNNC_TEST_CHILD_FAULT");
    if (f && !strcmp(f, "segv")) raise(SIGSEGV);
    if (f && !strcmp(f, "hang")) for (;;) pause();
    if (f && !strcmp(f, "spin")) for (volatile unsigned long i = 0;; i++) {}
    if (f && !strcmp(f, "oom")) for (;;) (void)xcalloc(1 << 26, 1);
#endif
}

static void write_all(int fd, const char *text, size_t len)
{
    while (len > 0) {
        ssize_t k = write(fd, text, len);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) _exit(3);
        text += k;
        len -= (size_t)k;
    }
}

/* In the child: read the file, send {"tree", "refs": [[name, class]...], "input"}. */
static _Noreturn void read_in_child(int fd, const char *path, const KerasOptions *opt)
{
    child_limits();
    KerasTree kt = keras_tree_read(path, opt);
    cJSON *msg = cJSON_CreateObject();
    cJSON_AddItemToObject(msg, "tree", kt.tree);
    cJSON *refs = cJSON_AddArrayToObject(msg, "refs");
    for (const cJSON *l = get(kt.tree, "layers")->child; l; l = l->next) {
        int i = cJSON_GetArraySize(refs);
        const char *ref[3] = {kt.refs[i].name, kt.refs[i].cls, kt.refs[i].act ? kt.refs[i].act : ""};
        cJSON_AddItemToArray(refs, cJSON_CreateStringArray(ref, 3));
    }
    if (kt.input_name) cJSON_AddStringToObject(msg, "input", kt.input_name);
    char *text = rnnc_json_print(msg);
    write_all(fd, text, strlen(text));
    _exit(0);
}

/* In the parent: the child's text, within the wall-clock limit (twice the CPU limit). */
static char *read_from_child(int fd, pid_t pid, const char *file, const char *lib, size_t *len)
{
    size_t cap = 1 << 16, n = 0;
    char *buf = xcalloc(cap + 1, 1);
    time_t deadline = time(NULL) + 2 * read_seconds();
    for (;;) {
        struct pollfd pf = {.fd = fd, .events = POLLIN};
        int left = (int)(deadline - time(NULL));
        int r = left > 0 ? poll(&pf, 1, left * 1000) : 0;
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) {
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
            user_error(file, "%s timed out reading this file (no answer in %d s; the file is corrupt?)", lib,
                       2 * read_seconds());
        }
        if (n == cap) {
            buf = realloc(buf, 2 * cap + 1);
            if (!buf) user_error(file, "out of memory reading the model");
            cap *= 2;
        }
        ssize_t k = read(fd, buf + n, cap - n);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) break;
        n += (size_t)k;
    }
    buf[n] = 0;
    *len = n;
    return buf;
}

static void child_status(int st, const char *file, const char *lib)
{
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0) return;
    if (WIFEXITED(st) && WEXITSTATUS(st) == 2) exit(2); /* its message is out */
    if (WIFEXITED(st) && WEXITSTATUS(st) == READ_OOM_STATUS)
        user_error(file, "%s ran out of memory reading this file (limit %ld MB; the file is corrupt?)", lib,
                   (long)(RNNC_READ_MEMORY >> 20));
    if (WIFSIGNALED(st) && (WTERMSIG(st) == SIGXCPU || WTERMSIG(st) == SIGKILL))
        user_error(file, "%s timed out reading this file (more than %d s; the file is corrupt?)", lib, read_seconds());
    if (WIFSIGNALED(st)) {
        int sig = WTERMSIG(st);
        const char *name = sig == SIGSEGV ? "SIGSEGV" : sig == SIGBUS ? "SIGBUS" : sig == SIGABRT ? "SIGABRT"
                         : sig == SIGFPE ? "SIGFPE" : sig == SIGILL ? "SIGILL" : "a signal";
        user_error(file, "%s crashed reading this file (%s, %d; the file is corrupt)", lib, name, sig);
    }
    BUG("the Keras reading process ended with status %d (a sanitizer report above?)", WEXITSTATUS(st));
}

/* The rnnc tree of a Keras model file, read in a child process (above). */
static KerasTree keras_tree(const char *path, const KerasOptions *opt)
{
    const char *file = opt->weights ? opt->weights : path;
    char what[128];
    const char *lib = sniff(path, what, sizeof what) == K_ZIP ? "the zip or HDF5 library" : "the HDF5 library";
    int fds[2];
    fflush(stdout);
    fflush(stderr);
    if (pipe(fds) != 0) user_error(file, "cannot start reading: %s", strerror(errno));
    pid_t pid = fork();
    if (pid < 0) user_error(file, "cannot start reading: %s", strerror(errno));
    if (pid == 0) {
        close(fds[0]);
        read_in_child(fds[1], path, opt);
    }
    close(fds[1]);
    size_t len;
    char *text = read_from_child(fds[0], pid, file, lib, &len);
    close(fds[0]);
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) BUG("waitpid: %s", strerror(errno));
    child_status(st, file, lib);
    cJSON *msg = cJSON_ParseWithLength(text, len);
    if (!msg || !cJSON_IsObject(get(msg, "tree"))) BUG("the Keras reading process sent no tree");
    free(text);
    KerasTree kt = {.tree = cJSON_DetachItemFromObjectCaseSensitive(msg, "tree")};
    const cJSON *refs = get(msg, "refs");
    kt.refs = xcalloc((size_t)cJSON_GetArraySize(refs) + 1, sizeof *kt.refs);
    int i = 0;
    for (const cJSON *r = refs->child; r; r = r->next, i++) {
        kt.refs[i].name = cJSON_GetArrayItem(r, 0)->valuestring;
        kt.refs[i].cls = cJSON_GetArrayItem(r, 1)->valuestring;
        const char *act = cJSON_GetArrayItem(r, 2)->valuestring;
        kt.refs[i].act = act && *act ? act : NULL;
    }
    const cJSON *in = get(msg, "input");
    kt.input_name = cJSON_IsString(in) ? in->valuestring : NULL;
    return kt; /* msg stays allocated: refs point into it */
}

/* ---- into a Model ---- */

/* parse_model on the tree's text, messages naming `path`. */
static Model *parse_tree(const cJSON *tree, const char *path)
{
    char *text = rnnc_json_print(tree);
    return parse_model_text(path, text, strlen(text));
}

static bool any_option(const KerasOptions *opt)
{
    return opt->config || opt->precision || opt->reuse > 0 || opt->timesteps > 0;
}

static cJSON *rnnc_tree(const char *path, const KerasOptions *opt)
{
    Model *m = parse_model(path); /* every error in the file itself, named as usual */
    (void)m;
    if (opt->weights)
        user_error(path, "--weights goes with a Keras architecture JSON; this is an rnnc model.json (its weights "
                         "are inside)");
    size_t len;
    char *text = read_all(path, &len);
    cJSON *tree = cJSON_Parse(text);
    free(text);
    if (!tree) BUG("model.json parsed once but not twice");
    keras_apply_options(tree, opt, NULL, NULL, path);
    return tree;
}

Model *load_keras(const char *path, const KerasOptions *opt)
{
    KerasTree kt = keras_tree(path, opt);
    keras_apply_options(kt.tree, opt, kt.refs, kt.input_name, path);
    return parse_tree(kt.tree, path);
}

static cJSON *onnx_options(const char *path, const KerasOptions *opt)
{
    cJSON *tree = onnx_tree(path, opt);
    keras_apply_options(tree, opt, NULL, NULL, path);
    return tree;
}

Model *load_model(const char *path, const KerasOptions *opt)
{
    if (is_onnx_model(path)) return parse_tree(onnx_options(path, opt), path);
    if (is_keras_model(path)) return load_keras(path, opt);
    if (!any_option(opt) && !opt->weights) return parse_model(path);
    return parse_tree(rnnc_tree(path, opt), path);
}

void import_model(const char *path, const KerasOptions *opt, const char *out)
{
    cJSON *tree;
    if (is_onnx_model(path)) {
        tree = onnx_options(path, opt);
    } else if (is_keras_model(path)) {
        KerasTree kt = keras_tree(path, opt);
        keras_apply_options(kt.tree, opt, kt.refs, kt.input_name, path);
        tree = kt.tree;
    } else {
        tree = rnnc_tree(path, opt);
    }
    Model *m = parse_tree(tree, path);
    check_model(m); /* only a model rnnc compiles is written */
    if (opt->prec && opt->prec->width) {
        precision_choose(m, opt->prec);
        precision_to_tree(m, tree);
    }
    if (opt->prec && opt->prec->write_config) precision_write_config(m, opt->prec->write_config);
    char *text = rnnc_json_print(tree);
    if (!out || !strcmp(out, "-")) {
        fputs(text, stdout);
        if (fflush(stdout) != 0) user_error(NULL, "cannot write the model to standard output");
    } else {
        char tmp[4300];
        SNPRINTF(tmp, sizeof tmp, "%s.tmp%ld", out, (long)getpid());
        FILE *f = fopen(tmp, "w");
        if (!f) user_error(out, "cannot write: %s", strerror(errno));
        bool ok = fputs(text, f) >= 0;
        ok = (fclose(f) == 0) && ok;
        if (!ok || rename(tmp, out) != 0) {
            int e = errno;
            remove(tmp);
            user_error(out, "cannot write: %s", strerror(e));
        }
    }
    free(text);
    cJSON_Delete(tree);
}
