/* parse.c: model.json (rnnc-model/1, docs/model-format.md) -> Model.
 *
 * Everything the JSON alone can tell is checked here: the keys (unknown or misplaced keys are
 * errors, so typos never pass silently), JSON types, ranges, precision strings, names, and the
 * weight arrays: rectangular, finite numbers, with the column counts the layer's own units fix.
 * What needs the shapes of earlier layers (kernel rows, activations in context, reuse limits)
 * is check.c's. cJSON keeps no line numbers, so every message names the JSON path instead
 * (`layers[1].kernel[3][2]`); syntax errors get line:col from the parse end pointer. */
#include "rnnc.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DIM RNNC_MAX_DIM     /* timesteps, features, units */
#define MAX_RF RNNC_MAX_RF
#define PATH_MAX_LEN 160

typedef struct {
    const char *file;
    long *weights;              /* weights read so far (limit RNNC_MAX_WEIGHTS) */
} Parser;

static _Noreturn void jerr(const Parser *p, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void jerr(const Parser *p, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    user_verror(p->file, path, fmt, ap);
}

/* User text made safe to print: printable ASCII, at most 48 characters. */
static const char *show(const char *s, char *buf, size_t len)
{
    size_t n = 0;
    for (; *s && n + 4 < len && n < 48; s++)
        buf[n++] = (*s >= 32 && *s < 127) ? *s : '?';
    if (*s) {
        buf[n++] = '.';
        buf[n++] = '.';
        buf[n++] = '.';
    }
    buf[n] = 0;
    return buf;
}

/* What a value is, for "got ..." (one static buffer: used right before exiting). */
static const char *describe(const cJSON *it)
{
    static char buf[96];
    char tmp[64];
    if (!it) return "nothing";
    if (cJSON_IsNumber(it)) {
        if (!isfinite(it->valuedouble)) return "a number out of range";
        snprintf(buf, sizeof buf, "%.15g", it->valuedouble);
        return buf;
    }
    if (cJSON_IsString(it) && it->valuestring) {
        snprintf(buf, sizeof buf, "the string \"%s\"", show(it->valuestring, tmp, sizeof tmp));
        return buf;
    }
    if (cJSON_IsArray(it)) return "an array";
    if (cJSON_IsObject(it)) return "an object";
    if (cJSON_IsBool(it)) return cJSON_IsTrue(it) ? "true" : "false";
    if (cJSON_IsNull(it)) return "null";
    return "an invalid value";
}

/* Paths are built by hand (not snprintf) so that truncation, which cannot happen with the
 * short fixed keys used, needs no -Wformat-truncation workaround. */
static void append(char *out, const char *s)
{
    size_t n = strlen(out), k = strlen(s);
    if (n + k >= PATH_MAX_LEN) k = PATH_MAX_LEN - 1 - n;
    memcpy(out + n, s, k);
    out[n + k] = 0;
}

static void key_path(char *out, const char *base, const char *key)
{
    char tmp[PATH_MAX_LEN];
    tmp[0] = 0;
    if (base && *base) {
        append(tmp, base);
        append(tmp, ".");
    }
    append(tmp, key);
    memcpy(out, tmp, PATH_MAX_LEN);
}

static void index_path(char *out, const char *base, int i)
{
    char tmp[PATH_MAX_LEN], num[16];
    tmp[0] = 0;
    snprintf(num, sizeof num, "[%d]", i);
    append(tmp, base);
    append(tmp, num);
    memcpy(out, tmp, PATH_MAX_LEN);
}

static bool in_list(const char *const *list, const char *s)
{
    for (int i = 0; list[i]; i++)
        if (!strcmp(list[i], s)) return true;
    return false;
}

static void join_list(char *out, size_t len, const char *const *list)
{
    size_t n = 0;
    out[0] = 0;
    for (int i = 0; list[i] && n < len; i++)
        n += (size_t)snprintf(out + n, len - n, "%s%s", i ? ", " : "", list[i]);
}

/* Every key of obj must be in allowed, once. `known` (may be NULL) tells keys valid elsewhere,
 * for a better message when a key is real but does not apply here. */
static void check_keys(const Parser *p, const cJSON *obj, const char *path,
                       const char *const *allowed, bool (*known)(const char *), const char *where)
{
    char list[512], kp[PATH_MAX_LEN], tmp[64];
    for (const cJSON *c = obj->child; c; c = c->next) {
        const char *k = c->string ? c->string : "";
        key_path(kp, path, show(k, tmp, sizeof tmp));
        if (!in_list(allowed, k)) {
            join_list(list, sizeof list, allowed);
            if (known && known(k))
                jerr(p, kp, "does not apply here (allowed %s: %s)", where, list);
            jerr(p, kp, "unknown key (allowed %s: %s)", where, list);
        }
        for (const cJSON *d = obj->child; d != c; d = d->next)
            if (d->string && !strcmp(d->string, k))
                jerr(p, kp, "duplicate key");
    }
}

static const cJSON *get(const cJSON *obj, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(obj, key);
}

static int want_int(const Parser *p, const cJSON *it, const char *path, int lo, int hi)
{
    if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble) || it->valuedouble != floor(it->valuedouble) ||
        it->valuedouble < lo || it->valuedouble > hi)
        jerr(p, path, "expected an integer in %d..%d, got %s", lo, hi, describe(it));
    return (int)it->valuedouble;
}

static bool want_bool(const Parser *p, const cJSON *it, const char *path)
{
    if (!cJSON_IsBool(it)) jerr(p, path, "expected true or false, got %s", describe(it));
    return cJSON_IsTrue(it);
}

static const char *want_string(const Parser *p, const cJSON *it, const char *path, const char *what)
{
    if (!cJSON_IsString(it) || !it->valuestring)
        jerr(p, path, "expected %s (a string), got %s", what, describe(it));
    return it->valuestring;
}

static FxType want_type(const Parser *p, const cJSON *it, const char *path)
{
    char err[160], tmp[64];
    FxType t;
    const char *s = want_string(p, it, path, "a fixed-point type like \"ap_fixed<16,6>\"");
    if (!fx_parse(s, &t, err, sizeof err))
        jerr(p, path, "invalid type \"%s\": %s", show(s, tmp, sizeof tmp), err);
    return t;
}

static void want_name(const Parser *p, const cJSON *it, const char *path, char *out)
{
    char tmp[64];
    const char *s = want_string(p, it, path, "a name");
    if (!is_safe_identifier(s))
        jerr(p, path,
             "\"%s\" is not a safe identifier (a letter, then letters, digits and single "
             "underscores, at most 40 characters, not a Verilog keyword, not starting with rnnc_)",
             show(s, tmp, sizeof tmp));
    snprintf(out, RNNC_NAME_MAX, "%s", s);
}

static const char *const act_names[] = {"linear", "relu", "sigmoid", "tanh", "hard_sigmoid", "softmax", NULL};

static ActKind want_act(const Parser *p, const cJSON *it, const char *path)
{
    char tmp[64], list[128];
    const char *s = want_string(p, it, path, "an activation name");
    for (int i = 0; act_names[i]; i++)
        if (!strcmp(s, act_names[i])) return (ActKind)i;
    join_list(list, sizeof list, act_names);
    jerr(p, path, "unknown activation \"%s\" (supported: %s)", show(s, tmp, sizeof tmp), list);
}

/* n finite numbers from a JSON array of exactly n numbers into out. */
static void read_numbers(const Parser *p, const cJSON *arr, const char *path, int n, const char *why,
                         double *out)
{
    char ep[PATH_MAX_LEN];
    if (!cJSON_IsArray(arr)) jerr(p, path, "expected an array of %d numbers (%s), got %s", n, why, describe(arr));
    if (arr->child && cJSON_IsArray(arr->child))
        jerr(p, path, "expected %d numbers (%s), got an array of arrays", n, why);
    int got = cJSON_GetArraySize(arr);
    if (got != n) jerr(p, path, "expected %d numbers (%s), got %d", n, why, got);
    int i = 0;
    for (const cJSON *c = arr->child; c; c = c->next, i++) {
        if (!cJSON_IsNumber(c) || !isfinite(c->valuedouble)) {
            index_path(ep, path, i);
            jerr(p, ep, "expected a finite number, got %s", describe(c));
        }
        out[i] = c->valuedouble;
    }
}

/* A 2-D array whose rows are `cols` finite numbers each; the row count is returned in *rows
 * (checked by the caller or by check.c). */
static double *read_matrix(const Parser *p, const cJSON *arr, const char *path, int cols, const char *why,
                           int *rows)
{
    char rp[PATH_MAX_LEN];
    if (!cJSON_IsArray(arr))
        jerr(p, path, "expected a 2-D array (rows of %d numbers: %s), got %s", cols, why, describe(arr));
    int n = cJSON_GetArraySize(arr);
    /* limits first: rows are a vector's elements, and the model's weights are bounded */
    if (n > RNNC_MAX_VECTOR)
        jerr(p, path, "%d rows, more than rnnc supports (RNNC_MAX_VECTOR = %d input elements)", n, RNNC_MAX_VECTOR);
    *p->weights += (long)n * cols;
    if (*p->weights > RNNC_MAX_WEIGHTS)
        jerr(p, path, "the model has more weights than rnnc supports (RNNC_MAX_WEIGHTS = %ld)", RNNC_MAX_WEIGHTS);
    double *v = xcalloc((size_t)n * (size_t)cols, sizeof *v);
    int r = 0;
    for (const cJSON *row = arr->child; row; row = row->next, r++) {
        index_path(rp, path, r);
        if (!cJSON_IsArray(row))
            jerr(p, rp, "expected a row of %d numbers (%s), got %s", cols, why, describe(row));
        read_numbers(p, row, rp, cols, why, v + (size_t)r * (size_t)cols);
    }
    *rows = n;
    return v;
}

/* ---- layers (the keys and weights each kind takes: layer_kinds, kinds.c) ---- */

static const char *const precision_keys[] = {"weight", "bias", "recurrent_weight", "accum", "state",
                                             "result", "table", NULL};

static void parse_layer_precision(const Parser *p, const cJSON *it, const char *path, LayerTypes *ty,
                                  unsigned *explicit_ty, Layer *l)
{
    char kp[PATH_MAX_LEN];
    if (cJSON_IsString(it)) {
        FxType t = want_type(p, it, path);
        FxType table = ty->table;
        *ty = (LayerTypes){t, t, t, t, t, t, table};
        *explicit_ty = 63; /* all but table */
        return;
    }
    if (!cJSON_IsObject(it))
        jerr(p, path, "expected a type string or an object of types (keys: weight, bias, "
                      "recurrent_weight, accum, state, result, table), got %s", describe(it));
    static const char *const all_keys[] = {"weight", "bias", "recurrent_weight", "recurrent_bias", "accum",
                                           "state", "result", "table", NULL};
    check_keys(p, it, path, all_keys, NULL, "in a layer precision");
    const cJSON *rb = get(it, "recurrent_bias");
    if (rb) { /* the recurrent bias's own type (hls4ml's recurrent_bias) */
        key_path(kp, path, "recurrent_bias");
        l->rbias_ty = want_type(p, rb, kp);
        l->rbias_set = true;
    }
    FxType *slot[] = {&ty->weight, &ty->bias, &ty->rweight, &ty->accum, &ty->state, &ty->result, &ty->table};
    static const unsigned bit[] = {1, 4, 2, 8, 16, 32, 64};
    for (int i = 0; precision_keys[i]; i++) {
        const cJSON *v = get(it, precision_keys[i]);
        if (!v) continue;
        key_path(kp, path, precision_keys[i]);
        *slot[i] = want_type(p, v, kp);
        *explicit_ty |= bit[i];
    }
}

/* "softmax": {"implementation": "stable" | "latency" | "legacy", "exp_table": T, "inv_table": T,
 * "inv_inp": T, "accum": T, "input": T}: hls4ml's softmax (used by --numerics hls4ml only). */
static void parse_softmax(const Parser *p, const cJSON *it, const char *path, Layer *l)
{
    static const char *const keys[] = {"implementation", "exp_table", "inv_table", "inv_inp", "accum", "input", NULL};
    char kp[PATH_MAX_LEN];
    if (!cJSON_IsObject(it))
        jerr(p, path, "expected an object (keys: implementation, exp_table, inv_table, inv_inp, accum, input), got %s",
             describe(it));
    check_keys(p, it, path, keys, NULL, "in a layer's softmax");
    const cJSON *v;
    key_path(kp, path, "implementation");
    if ((v = get(it, "implementation")) &&
        !softmax_impl_by_name(want_string(p, v, kp, "a softmax implementation"), &l->softmax_impl))
        jerr(p, kp, "expected stable, latency or legacy");
    FxType *slot[] = {&l->sm.exp_table, &l->sm.inv_table, &l->sm.inv_inp, &l->sm.accum, &l->sm.input};
    for (int i = 1; keys[i]; i++) {
        key_path(kp, path, keys[i]);
        if ((v = get(it, keys[i]))) *slot[i - 1] = want_type(p, v, kp);
    }
}

/* The layer's "type", and its keys checked against the kind's. */
static LayerKind want_kind(const Parser *p, const cJSON *obj, const char *path)
{
    char kp[PATH_MAX_LEN], tmp[64], list[160], where[48];
    key_path(kp, path, "type");
    const cJSON *it = get(obj, "type");
    layer_kind_list(list, sizeof list);
    if (!it) jerr(p, kp, "missing (one of: %s)", list);
    const char *type = want_string(p, it, kp, "a layer type");
    LayerKind kind;
    if (!layer_kind_by_name(type, &kind))
        jerr(p, kp, "unknown layer type \"%s\" (supported: %s)", show(type, tmp, sizeof tmp), list);
    const char *allowed[32] = {"type", "name"};
    int n = 2;
    for (const char *const *k = layer_kind(kind)->keys; *k; k++) {
        if (n + 1 >= (int)(sizeof allowed / sizeof allowed[0])) BUG("too many keys");
        allowed[n++] = *k;
    }
    snprintf(where, sizeof where, "in a %s layer", layer_kind_name(kind));
    check_keys(p, obj, path, allowed, layer_key_known, where);
    return kind;
}

static void opt_bool(const Parser *p, const cJSON *obj, const char *path, const char *key, bool *out)
{
    char kp[PATH_MAX_LEN];
    const cJSON *it = get(obj, key);
    key_path(kp, path, key);
    if (it) *out = want_bool(p, it, kp);
}

static void opt_act(const Parser *p, const cJSON *obj, const char *path, const char *key, ActKind *out)
{
    char kp[PATH_MAX_LEN];
    const cJSON *it = get(obj, key);
    key_path(kp, path, key);
    if (it) *out = want_act(p, it, kp);
}

/* The scalar keys; every kind's defaults first (check_keys let through only the kind's keys). */
static void parse_layer_options(const Parser *p, const Model *m, const cJSON *obj, const char *path, Layer *l)
{
    char kp[PATH_MAX_LEN], err[128];
    const LayerKindInfo *k = layer_kind(l->kind);
    const cJSON *it;
    l->gates = k->gates;
    l->act = k->recurrent ? ACT_TANH : ACT_LINEAR;
    l->ract = ACT_SIGMOID;
    l->reset_after = layer_kind_takes(l->kind, "reset_after");
    l->reuse = k->weighted ? 0 : 1;
    l->table_size = 1024;
    FxType d = m->precision, table;
    if (!fx_parse("ap_fixed<18,8>", &table, err, sizeof err)) BUG("default table type: %s", err);
    l->ty = (LayerTypes){d, d, d, d, d, d, table};
    FxType smt = table;
    smt.q = Q_RND;
    smt.o = O_SAT;
    l->sm.exp_table = l->sm.inv_table = l->sm.inv_inp = smt; /* hls4ml's ap_fixed<18,8,AP_RND,AP_SAT> */
    l->sm.accum = l->sm.input = d;

    if (k->weighted) {
        key_path(kp, path, "units");
        if (!(it = get(obj, "units"))) jerr(p, kp, "missing (the number of output features, 1..%d)", MAX_DIM);
        l->units = want_int(p, it, kp, 1, MAX_DIM);
    }
    key_path(kp, path, "activation");
    if (k->needs_act && !get(obj, "activation")) jerr(p, kp, "missing (an activation layer needs one)");
    opt_act(p, obj, path, "activation", &l->act);
    opt_act(p, obj, path, "recurrent_activation", &l->ract);
    opt_bool(p, obj, path, "return_sequences", &l->return_sequences);
    opt_bool(p, obj, path, "go_backwards", &l->go_backwards);
    opt_bool(p, obj, path, "reset_after", &l->reset_after);
    key_path(kp, path, "rate");
    if ((it = get(obj, "rate")) &&
        (!cJSON_IsNumber(it) || !(it->valuedouble >= 0 && it->valuedouble < 1)))
        jerr(p, kp, "expected a number in [0, 1), got %s", describe(it));
    key_path(kp, path, "reuse_factor");
    if ((it = get(obj, "reuse_factor"))) l->reuse = want_int(p, it, kp, 1, MAX_RF);
    key_path(kp, path, "recurrent_reuse_factor");
    if ((it = get(obj, "recurrent_reuse_factor"))) l->rreuse = want_int(p, it, kp, 1, MAX_RF);
    bool share = false;
    if (get(obj, "share_multipliers")) {
        opt_bool(p, obj, path, "share_multipliers", &share);
        l->share = share ? 1 : -1;
    }
    bool mirror = false;
    if (get(obj, "table_mirror")) {
        opt_bool(p, obj, path, "table_mirror", &mirror);
        l->table_mirror = mirror ? 1 : -1;
    }
    key_path(kp, path, "lane_multipliers");
    if ((it = get(obj, "lane_multipliers"))) {
        l->lane_mults = want_int(p, it, kp, 1, 3);
    }
    key_path(kp, path, "logic_multipliers");
    if ((it = get(obj, "logic_multipliers"))) {
        l->logic_mults = want_int(p, it, kp, 0, MAX_RF);
        l->logic_mults_given = true;
    }
    key_path(kp, path, "table_size");
    if ((it = get(obj, "table_size"))) {
        int n = want_int(p, it, kp, 2, RNNC_MAX_TABLE);
        if (n & (n - 1)) jerr(p, kp, "expected a power of two in 2..%d, got %d", RNNC_MAX_TABLE, n);
        l->table_size = n;
        l->table_size_given = true;
    }
    key_path(kp, path, "precision");
    if ((it = get(obj, "precision"))) parse_layer_precision(p, it, kp, &l->ty, &l->explicit_ty, l);
    key_path(kp, path, "softmax");
    if ((it = get(obj, "softmax"))) parse_softmax(p, it, kp, l);
}

/* bias: one row of cols numbers, or two (input and recurrent) when reset_after is true. */
static void parse_bias(const Parser *p, const cJSON *obj, const char *path, Layer *l, int cols, const char *why)
{
    char kp[PATH_MAX_LEN];
    const cJSON *it;
    bool use_bias = true;
    opt_bool(p, obj, path, "use_bias", &use_bias);
    bool has_ra = layer_kind_takes(l->kind, "reset_after"), two_rows = has_ra && l->reset_after;
    key_path(kp, path, "bias");
    it = get(obj, "bias");
    l->bias = xcalloc((size_t)cols, sizeof *l->bias);
    if (two_rows) l->rbias = xcalloc((size_t)cols, sizeof *l->rbias);
    if (!use_bias) {
        if (it) jerr(p, kp, "present, but use_bias is false");
        return;
    }
    if (!it) {
        if (two_rows)
            jerr(p, kp, "missing (a GRU with reset_after has a 2 x %d bias: input and recurrent rows; "
                        "or set use_bias to false)", cols);
        jerr(p, kp, "missing (%d numbers; or set use_bias to false)", cols);
    }
    if (!two_rows) {
        if (has_ra && cJSON_IsArray(it) && it->child && cJSON_IsArray(it->child))
            jerr(p, kp, "expected %d numbers (reset_after is false: one bias row), got an array of arrays", cols);
        read_numbers(p, it, kp, cols, why, l->bias);
        return;
    }
    if (cJSON_IsArray(it) && it->child && cJSON_IsNumber(it->child))
        jerr(p, kp, "expected a 2 x %d array (reset_after is true: an input and a recurrent bias row), "
                    "got a 1-D array of %d", cols, cJSON_GetArraySize(it));
    int rows;
    double *b = read_matrix(p, it, kp, cols, why, &rows);
    if (rows != 2)
        jerr(p, kp, "expected 2 rows (reset_after is true: an input and a recurrent bias row), got %d", rows);
    memcpy(l->bias, b, (size_t)cols * sizeof *b);
    memcpy(l->rbias, b + cols, (size_t)cols * sizeof *b);
    free(b);
}

/* Weights, Keras layout: kernel [in][gates*units], recurrent_kernel [units][gates*units], bias. */
static void parse_weights(const Parser *p, const cJSON *obj, const char *path, Layer *l)
{
    char kp[PATH_MAX_LEN], why[64];
    const cJSON *it;
    int cols = l->gates * l->units;
    long known = (layer_kind(l->kind)->recurrent ? (long)l->units * cols : 0) + 2L * cols; /* before any row */
    key_path(kp, path, "units");
    if (*p->weights + known > RNNC_MAX_WEIGHTS)
        jerr(p, kp, "%d units give the model more weights than rnnc supports (RNNC_MAX_WEIGHTS = %ld)", l->units,
             RNNC_MAX_WEIGHTS);
    if (l->gates > 1) snprintf(why, sizeof why, "%d gates x %d units", l->gates, l->units);
    else snprintf(why, sizeof why, "the layer's units");
    key_path(kp, path, "kernel");
    if (!(it = get(obj, "kernel"))) jerr(p, kp, "missing (the input weights, [input features][%d])", cols);
    l->kernel = read_matrix(p, it, kp, cols, why, &l->kernel_rows);

    if (layer_kind(l->kind)->recurrent) {
        int rows;
        key_path(kp, path, "recurrent_kernel");
        if (!(it = get(obj, "recurrent_kernel")))
            jerr(p, kp, "missing (the recurrent weights, [%d][%d])", l->units, cols);
        l->rkernel = read_matrix(p, it, kp, cols, why, &rows);
        if (rows != l->units)
            jerr(p, kp, "expected %d rows (the layer's units), got %d", l->units, rows);
    }
    parse_bias(p, obj, path, l, cols, why);
}

/* One direction of a bidirectional: a recurrent layer object without name, return_sequences
 * (the wrapper's) or go_backwards (the direction's). */
static Layer *parse_direction(const Parser *p, const Model *m, const cJSON *obj, const char *path, Layer *bi, int d)
{
    static const char *const which[2] = {"forward", "backward"}, *const suffix[2] = {"fwd", "bwd"};
    static const char *const own[] = {"name", "return_sequences", "go_backwards", NULL};
    char kp[PATH_MAX_LEN], tp[PATH_MAX_LEN];
    key_path(kp, path, which[d]);
    const cJSON *it = get(obj, which[d]);
    if (!it) jerr(p, kp, "missing (the %s layer: an lstm, gru or simple_rnn object)", which[d]);
    if (!cJSON_IsObject(it)) jerr(p, kp, "expected a layer object (lstm, gru or simple_rnn), got %s", describe(it));
    Layer *l = xcalloc(1, sizeof *l);
    l->kind = want_kind(p, it, kp);
    key_path(tp, kp, "type");
    if (!layer_kind(l->kind)->recurrent)
        jerr(p, tp, "a %s layer cannot be a direction of a bidirectional (expected lstm, gru or simple_rnn)",
             layer_kind_name(l->kind));
    for (int i = 0; own[i]; i++)
        if (get(it, own[i])) {
            key_path(tp, kp, own[i]);
            jerr(p, tp, "not allowed here (the bidirectional layer's %s applies)",
                 i == 0 ? "name, with _fwd/_bwd," : i == 1 ? "return_sequences" : "direction");
        }
    l->json_index = bi->json_index;
    snprintf(l->name, sizeof l->name, "%.*s_%s", RNNC_NAME_MAX - 5, bi->name, suffix[d]); /* checked: fits */
    parse_layer_options(p, m, it, kp, l);
    parse_weights(p, it, kp, l);
    l->return_sequences = bi->return_sequences;
    l->go_backwards = d == 1;
    return l;
}

static void parse_bidirectional(const Parser *p, const Model *m, const cJSON *obj, const char *path, Layer *l)
{
    static const char *const modes[] = {"sum", "mul", "ave", "concat", NULL};
    char kp[PATH_MAX_LEN], tmp[64];
    if (strlen(l->name) > RNNC_NAME_MAX - 5) {
        key_path(kp, path, "name");
        jerr(p, kp, "too long for a bidirectional layer (at most %d characters: its directions are named "
                    "<name>_fwd and <name>_bwd)", RNNC_NAME_MAX - 5);
    }
    l->merge = MERGE_CONCAT;
    key_path(kp, path, "merge_mode");
    const cJSON *it = get(obj, "merge_mode");
    if (it) {
        const char *s = want_string(p, it, kp, "a merge mode");
        int i = 0;
        while (modes[i] && strcmp(modes[i], s)) i++;
        if (!modes[i]) jerr(p, kp, "unknown merge mode \"%s\" (supported: concat, sum, mul, ave)", show(s, tmp, sizeof tmp));
        l->merge = (MergeMode)i;
    }
    for (int d = 0; d < 2; d++) l->dir[d] = parse_direction(p, m, obj, path, l, d);
    int uf = l->dir[0]->units, ub = l->dir[1]->units;
    if (l->merge != MERGE_CONCAT && uf != ub)
        jerr(p, kp, "%s needs both directions with the same units, got forward %d and backward %d (concat "
                    "takes any)", modes[l->merge], uf, ub);
    l->units = l->merge == MERGE_CONCAT ? uf + ub : uf;
}

static void parse_layer(const Parser *p, const Model *m, const cJSON *obj, int index, Layer *l)
{
    char path[PATH_MAX_LEN], kp[PATH_MAX_LEN];
    index_path(path, "layers", index);
    if (!cJSON_IsObject(obj)) jerr(p, path, "expected a layer (an object), got %s", describe(obj));
    l->kind = want_kind(p, obj, path);
    l->json_index = index;
    const cJSON *it = get(obj, "name");
    if (it) {
        key_path(kp, path, "name");
        want_name(p, it, kp, l->name);
    } else {
        snprintf(l->name, sizeof l->name, "%s_%d", layer_kind_name(l->kind), index);
    }
    parse_layer_options(p, m, obj, path, l);
    if (layer_kind(l->kind)->weighted) parse_weights(p, obj, path, l);
    if (l->kind == L_BIDIRECTIONAL) parse_bidirectional(p, m, obj, path, l);
}

/* ---- the file ---- */

static char *read_file(const char *path, size_t *len) { return read_whole_file(path, len); }

static _Noreturn void syntax_error(const Parser *p, const char *buf, size_t len, const char *at)
{
    if (!at || at < buf || at > buf + len) at = buf + len;
    int line = 1, col = 1;
    for (const char *c = buf; c < at; c++) {
        if (*c == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    char loc[4200];
    snprintf(loc, sizeof loc, "%s:%d:%d", p->file, line, col);
    if (at < buf + len && *at == 0) user_error(loc, "invalid JSON (a NUL byte)");
    if (at == buf + len) user_error(loc, "invalid JSON (unexpected end of file)");
    user_error(loc, "invalid JSON");
}

static const char *const top_keys[] = {"rnnc", "name", "input", "precision", "reuse_factor", "layers", NULL};
static const char *const input_keys[] = {"timesteps", "features", "precision", NULL};

Model *parse_model(const char *path)
{
    size_t len;
    char *buf = read_file(path, &len);
    return parse_model_text(path, buf, len);
}

Model *parse_model_text(const char *path, char *buf, size_t len)
{
    long weights = 0;
    Parser ps = {.file = path, .weights = &weights}, *p = &ps;
    const char *nul = memchr(buf, 0, len);
    if (nul) syntax_error(p, buf, len, nul);
    /* The length includes the terminating NUL: cJSON then rejects trailing garbage. */
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(buf, len + 1, &end, true);
    if (!root) syntax_error(p, buf, len, end ? end : cJSON_GetErrorPtr());
    if (!cJSON_IsObject(root)) jerr(p, NULL, "expected a JSON object at the top level, got %s", describe(root));
    check_keys(p, root, "", top_keys, NULL, "at the top level");

    Model *m = xcalloc(1, sizeof *m);
    m->path = xstrdup(path);
    const cJSON *it = get(root, "rnnc");
    if (!it) jerr(p, "rnnc", "missing (the format version: \"rnnc\": 1)");
    if (!cJSON_IsNumber(it) || it->valuedouble != 1) {
        if (cJSON_IsNumber(it))
            jerr(p, "rnnc", "unsupported format version %s (this rnnc reads version 1)", describe(it));
        jerr(p, "rnnc", "expected the format version 1, got %s", describe(it));
    }

    snprintf(m->name, sizeof m->name, "model");
    if ((it = get(root, "name"))) want_name(p, it, "name", m->name);

    char err[128];
    if (!fx_parse("ap_fixed<16,6>", &m->precision, err, sizeof err)) BUG("default type: %s", err);
    if ((it = get(root, "precision"))) m->precision = want_type(p, it, "precision");
    m->input_type = m->precision;
    m->reuse = 1;
    if ((it = get(root, "reuse_factor"))) {
        m->reuse = want_int(p, it, "reuse_factor", 1, MAX_RF);
        m->reuse_given = true;
    }

    const cJSON *in = get(root, "input");
    if (!in) jerr(p, "input", "missing (e.g. \"input\": {\"timesteps\": 20, \"features\": 6})");
    if (!cJSON_IsObject(in))
        jerr(p, "input", "expected an object like {\"timesteps\": 20, \"features\": 6}, got %s", describe(in));
    check_keys(p, in, "input", input_keys, NULL, "in input");
    if (!(it = get(in, "timesteps"))) jerr(p, "input.timesteps", "missing (the sequence length, 1..%d)", MAX_DIM);
    m->timesteps = want_int(p, it, "input.timesteps", 1, MAX_DIM);
    if (!(it = get(in, "features"))) jerr(p, "input.features", "missing (features per timestep, 1..%d)", MAX_DIM);
    m->features = want_int(p, it, "input.features", 1, MAX_DIM);
    if ((it = get(in, "precision"))) {
        m->input_type = want_type(p, it, "input.precision");
        m->explicit_input = true;
    }

    const cJSON *layers = get(root, "layers");
    if (!layers) jerr(p, "layers", "missing (the list of layers)");
    if (!cJSON_IsArray(layers)) jerr(p, "layers", "expected an array of layers, got %s", describe(layers));
    m->n_layers = cJSON_GetArraySize(layers);
    if (m->n_layers < 1) jerr(p, "layers", "expected at least one layer");
    if (m->n_layers > RNNC_MAX_LAYERS)
        jerr(p, "layers", "%d layers, more than rnnc supports (RNNC_MAX_LAYERS = %d)", m->n_layers, RNNC_MAX_LAYERS);
    m->layers = xcalloc((size_t)m->n_layers, sizeof *m->layers);
    int i = 0;
    for (const cJSON *c = layers->child; c; c = c->next, i++)
        parse_layer(p, m, c, i, &m->layers[i]);

    cJSON_Delete(root);
    free(buf);
    return m;
}
