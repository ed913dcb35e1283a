/* keras_config.c: hls4ml-style configuration (--config C.json, --precision, --reuse,
 * --timesteps) applied to an rnnc-model/1 JSON tree, and the tree printed back as text with
 * exact numbers. Used for Keras models (keras.c) and for model.json files alike.
 *
 * The configuration has hls4ml's shape (docs/keras.md):
 *   {"Model": {"Precision": "ap_fixed<16,6>", "ReuseFactor": 1, "Strategy": "Latency"},
 *    "LayerType": {"LSTM": {...}},
 *    "LayerName": {"layer1": {"Precision": {"weight": ..., "result": ...} or "ap_fixed<..>",
 *                             "ReuseFactor": 4, "table_size": 1024, "table_t": ...}}}
 * optionally inside "HLSConfig" next to hls4ml's project keys (KerasH5, OutputDir, Part, ...),
 * as JSON or as hls4ml's project YAML (yaml.c). Everything hls4ml 1.3's config_from_keras_model
 * writes is read with hls4ml's meaning (docs/keras.md, "Coming from hls4ml"): "auto" types as
 * hls4ml infers them, a Dense's split-off activation "<dense>_<act>", a Dropout's cast; what
 * hls4ml resolves only in its graph is settled at the end (hls_finish). Keys that change
 * nothing in rnnc are listed once on stderr; unknown keys are errors naming the key. Key
 * spellings are compared without case and underscores ("ReuseFactor", "reuse_factor").
 * Order: Model, then the command-line switches (they win over Model), then LayerType, then
 * LayerName. */
#include "rnnc.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
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

/* ---- the printer: 2-space indentation, number arrays on one line, exact numbers ---- */

typedef struct {
    char *buf;
    size_t n, cap;
} Sb;

static void sb_put(Sb *s, const char *p, size_t k)
{
    if (s->n + k + 1 > s->cap) {
        size_t cap = s->cap ? s->cap : 4096;
        while (s->n + k + 1 > cap) cap *= 2;
        char *nb = realloc(s->buf, cap);
        if (!nb) {
            fprintf(stderr, "rnnc: out of memory\n");
            exit(1);
        }
        s->buf = nb;
        s->cap = cap;
    }
    memcpy(s->buf + s->n, p, k);
    s->n += k;
    s->buf[s->n] = 0;
}

static void sb_str(Sb *s, const char *p) { sb_put(s, p, strlen(p)); }

static void sb_indent(Sb *s, int n)
{
    for (int i = 0; i < n; i++) sb_put(s, " ", 1);
}

/* The shortest of %.15g, %.16g, %.17g that reads back as exactly d. */
static void print_number(Sb *s, double d)
{
    char b[64];
    if (!isfinite(d)) BUG("non-finite number in a model tree");
    if (d == floor(d) && fabs(d) < 1e15) {
        SNPRINTF(b, sizeof b, "%.0f", d);
    } else {
        for (int p = 15; p <= 17; p++) {
            SNPRINTF(b, sizeof b, "%.*g", p, d);
            if (strtod(b, NULL) == d) break;
        }
    }
    sb_str(s, b);
}

static void print_string(Sb *s, const char *p)
{
    char b[8];
    sb_put(s, "\"", 1);
    for (; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '"' || c == '\\') {
            b[0] = '\\';
            b[1] = (char)c;
            sb_put(s, b, 2);
        } else if (c < 32) {
            SNPRINTF(b, sizeof b, "\\u%04x", c);
            sb_str(s, b);
        } else {
            sb_put(s, (const char *)&c, 1);
        }
    }
    sb_put(s, "\"", 1);
}

static void print_value(Sb *s, const cJSON *v, int ind)
{
    if (cJSON_IsNumber(v)) {
        print_number(s, v->valuedouble);
    } else if (cJSON_IsString(v)) {
        print_string(s, v->valuestring ? v->valuestring : "");
    } else if (cJSON_IsBool(v)) {
        sb_str(s, cJSON_IsTrue(v) ? "true" : "false");
    } else if (cJSON_IsNull(v)) {
        sb_str(s, "null");
    } else if (cJSON_IsObject(v) || cJSON_IsArray(v)) {
        bool obj = cJSON_IsObject(v);
        bool flat = !obj;
        for (const cJSON *c = v->child; c && flat; c = c->next)
            if (cJSON_IsObject(c) || cJSON_IsArray(c)) flat = false;
        if (!v->child) {
            sb_str(s, obj ? "{}" : "[]");
            return;
        }
        sb_str(s, obj ? "{" : "[");
        for (const cJSON *c = v->child; c; c = c->next) {
            if (flat) {
                if (c != v->child) sb_str(s, ", ");
            } else {
                sb_str(s, c != v->child ? ",\n" : "\n");
                sb_indent(s, ind + 2);
            }
            if (obj) {
                print_string(s, c->string ? c->string : "");
                sb_str(s, ": ");
            }
            print_value(s, c, ind + 2);
        }
        if (!flat) {
            sb_str(s, "\n");
            sb_indent(s, ind);
        }
        sb_str(s, obj ? "}" : "]");
    } else {
        BUG("unexpected JSON item");
    }
}

char *rnnc_json_print(const cJSON *tree)
{
    Sb s = {0};
    print_value(&s, tree, 0);
    sb_str(&s, "\n");
    return s.buf;
}

/* ---- the configuration ---- */

/* What hls4ml's entries say of a Dense's accumulator and result, and of its split-off
 * activation's result ("" not given, "auto", or a type): resolved at the end (hls_finish),
 * when the layer's input type is known. A Dropout's result likewise. */
typedef struct {
    char accum[96], result[96], act_result[96];
} HlsSlots;

typedef struct {
    const char *file;           /* the config file, or "--precision" etc. for switches */
    cJSON *tree;
    const KerasLayerRef *refs;  /* per tree layer, or NULL */
    const char *input_name;
    HlsSlots *hls;              /* per tree layer (config files only) */
    char maximum[96];           /* Model.Precision.maximum ("" without) */
    bool rnnc_auto;             /* --precision auto: "auto" leaves the type to rnnc's choice */
    char ignored[1024];         /* keys accepted that change nothing in rnnc, listed once */
} Cfg;

/* Remember a key that changes nothing in rnnc (listed once on stderr at the end). */
static void note_ignored(Cfg *c, const char *key, const char *why)
{
    char item[160];
    snprintf(item, sizeof item, "%s%s%s%s", key, why ? " (" : "", why ? why : "", why ? ")" : "");
    size_t n = strlen(c->ignored), k = strlen(item);
    for (const char *p = c->ignored; *p;) { /* items are separated by ", " and contain none */
        const char *e = strstr(p, ", ");
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == k && !strncmp(p, item, k)) return;
        p += len + (e ? 2 : 0);
    }
    if (n + k + 3 < sizeof c->ignored)
        snprintf(c->ignored + n, sizeof c->ignored - n, "%s%s", n ? ", " : "", item);
}

static _Noreturn void cerr(const Cfg *c, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void cerr(const Cfg *c, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    user_verror(c->file, path, fmt, ap);
}

/* Key spelling without case, underscores, dashes, spaces. */
static void norm(const char *in, char *out, size_t len)
{
    size_t n = 0;
    for (; *in && n + 1 < len; in++)
        if (*in != '_' && *in != '-' && *in != ' ') out[n++] = (char)tolower((unsigned char)*in);
    out[n] = 0;
}

static bool key_is(const char *key, const char *canon)
{
    char a[64], b[64];
    norm(key, a, sizeof a);
    norm(canon, b, sizeof b);
    return !strcmp(a, b);
}

static void pjoin(char *out, size_t len, const char *a, const char *b)
{
    if (snprintf(out, len, "%s%s%s", a, *a ? "." : "", b) < 0) out[0] = 0;
}

/* A type string of the configuration in rnnc's spelling (a static buffer: use it at once),
 * or NULL for hls4ml's "auto". */
static const char *want_type_text(const Cfg *c, const cJSON *v, const char *path)
{
    static char buf[128];
    char err[160];
    FxType t;
    if (!cJSON_IsString(v) || !v->valuestring)
        cerr(c, path, "expected a fixed-point type like \"ap_fixed<16,6>\" (a string)");
    if (!strcmp(v->valuestring, "auto")) return NULL; /* hls4ml's inferred type (hls_finish) */
    if (!fx_parse(v->valuestring, &t, err, sizeof err)) /* every spelling hls4ml writes */
        cerr(c, path, "invalid type \"%.60s\": %s", v->valuestring, err);
    fx_format(t, buf, sizeof buf); /* rnnc's canonical spelling */
    return buf;
}

static int want_int_cfg(const Cfg *c, const cJSON *v, const char *path, int lo, int hi)
{
    if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) || v->valuedouble < lo ||
        v->valuedouble > hi)
        cerr(c, path, "expected an integer in %d..%d", lo, hi);
    return (int)v->valuedouble;
}

static void set_item(cJSON *obj, const char *key, cJSON *item)
{
    if (cJSON_GetObjectItemCaseSensitive(obj, key)) cJSON_ReplaceItemInObjectCaseSensitive(obj, key, item);
    else cJSON_AddItemToObject(obj, key, item);
}

static const char *const all_types[] = {"weight", "bias", "recurrent_weight", "accum", "state", "result", NULL};

/* Set one precision key of a tree layer (key NULL: all but table). */
static void set_precision(cJSON *layer, const char *key, const char *type)
{
    cJSON *p = cJSON_GetObjectItemCaseSensitive(layer, "precision");
    if (!key && (!p || cJSON_IsString(p))) {
        set_item(layer, "precision", cJSON_CreateString(type));
        return;
    }
    if (!p || !cJSON_IsObject(p)) {
        cJSON *o = cJSON_CreateObject();
        if (p && cJSON_IsString(p))
            for (int i = 0; all_types[i]; i++) cJSON_AddStringToObject(o, all_types[i], p->valuestring);
        set_item(layer, "precision", o);
        p = o;
    }
    if (key) {
        set_item(p, key, cJSON_CreateString(type));
    } else {
        for (int i = 0; all_types[i]; i++) set_item(p, all_types[i], cJSON_CreateString(type));
    }
}

/* Set one key of the tree layer's "softmax" object (hls4ml's softmax; --numerics hls4ml). */
static void set_softmax(cJSON *layer, const char *key, const char *value)
{
    cJSON *s = cJSON_GetObjectItemCaseSensitive(layer, "softmax");
    if (!cJSON_IsObject(s)) {
        s = cJSON_CreateObject();
        set_item(layer, "softmax", s);
    }
    set_item(s, key, cJSON_CreateString(value));
}

static bool is_softmax(const cJSON *layer)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(layer, "activation");
    return cJSON_IsString(a) && !strcmp(a->valuestring, "softmax");
}

static const char *ltype(const cJSON *layer)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(layer, "type");
    return cJSON_IsString(t) ? t->valuestring : "";
}

static bool weighted(const cJSON *layer)
{
    LayerKind k;
    return layer_kind_by_name(ltype(layer), &k) && layer_kind(k)->weighted;
}

static bool has_types(const cJSON *layer)
{
    LayerKind k;
    return layer_kind_by_name(ltype(layer), &k) && layer_kind_takes(k, "precision");
}

static bool is_dense(const cJSON *layer) { return !strcmp(ltype(layer), "dense"); }

static bool is_lstm(const cJSON *layer) { return !strcmp(ltype(layer), "lstm"); }

static bool recurrent(const cJSON *layer)
{
    LayerKind k;
    return layer_kind_by_name(ltype(layer), &k) && layer_kind(k)->recurrent;
}

/* One type of an hls4ml entry, for a tree layer. Dense accumulators and results, and the
 * results of split-off activations, wait for hls_finish; an LSTM's state is its result type
 * (hls4ml keeps the cell state in the result type); "auto" (t NULL) elsewhere is the model
 * default: the key is removed. */
static void put_type(const Cfg *c, cJSON *layer, int li, const char *slot, const char *t, bool act_only)
{
    HlsSlots *h = c->hls && li >= 0 ? &c->hls[li] : NULL;
    if (h && is_dense(layer) && (act_only ? !strcmp(slot, "result") : !strcmp(slot, "accum") || !strcmp(slot, "result"))) {
        char *dst = act_only ? h->act_result : !strcmp(slot, "accum") ? h->accum : h->result;
        copy_str(dst, sizeof h->accum, t ? t : "auto");
        return;
    }
    if ((!strcmp(ltype(layer), "dropout") || !strcmp(ltype(layer), "flatten")) && h) {
        if (strcmp(slot, "result")) return;
        copy_str(h->result, sizeof h->result, t ? t : "auto");
        return;
    }
    if (!has_types(layer)) return;
    if (!t) {
        cJSON *p = cJSON_GetObjectItemCaseSensitive(layer, "precision");
        if (cJSON_IsString(p)) { /* one string: keep the others */
            set_precision(layer, slot, p->valuestring);
            p = cJSON_GetObjectItemCaseSensitive(layer, "precision");
        }
        if (cJSON_IsObject(p)) {
            cJSON_DeleteItemFromObjectCaseSensitive(p, slot);
            if (!strcmp(slot, "result") && is_lstm(layer)) cJSON_DeleteItemFromObjectCaseSensitive(p, "state");
        }
        return;
    }
    set_precision(layer, slot, t);
    if (!strcmp(slot, "result") && is_lstm(layer)) set_precision(layer, "state", t);
}

/* The rnnc slot of a Precision key ("weight_t" and "weight" alike), or NULL. *dir: -1, or 0/1
 * for a Bidirectional's forward_/backward_ keys. */
static const char *precision_slot(const char *qk, int *dir)
{
    char raw[64], nq[64];
    copy_str(raw, sizeof raw, qk);
    size_t rl = strlen(raw);
    if (rl > 2 && !strcmp(raw + rl - 2, "_t")) raw[rl - 2] = 0; /* weight_t -> weight */
    norm(raw, nq, sizeof nq);
    *dir = -1;
    const char *q = nq;
    if (!strncmp(q, "forward", 7)) *dir = 0, q += 7;
    else if (!strncmp(q, "backward", 8)) *dir = 1, q += 8;
    static const char *const names[][2] = {
        {"weight", "weight"}, {"bias", "bias"}, {"recurrentweight", "recurrent_weight"},
        {"recurrentbias", "recurrent_bias"}, {"accum", "accum"}, {"state", "state"}, {"result", "result"},
        {"table", "table"}, {"default", "*"}, {"exptable", "exp_table"}, {"invtable", "inv_table"},
        {"invinp", "inv_inp"}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(q, names[i][0])) return *dir >= 0 && i >= 8 ? NULL : names[i][1];
    return NULL;
}

/* The Precision object of an entry. dir: -1, or the direction of a Bidirectional this is. */
static void apply_precision_object(Cfg *c, cJSON *layer, int li, const cJSON *k, const char *kp, bool act_only,
                                   int dir)
{
    char pp[300];
    const cJSON *state = NULL;
    for (const cJSON *q = k->child; q; q = q->next) {
        const char *qk = q->string ? q->string : "";
        pjoin(pp, sizeof pp, kp, qk);
        int qdir;
        const char *slot = precision_slot(qk, &qdir);
        if (!slot)
            cerr(c, pp, "unknown precision key (known: weight, bias, recurrent_weight, recurrent_bias, accum, "
                        "state, result, table, default; a softmax's exp_table, inv_table, inv_inp; a "
                        "Bidirectional's forward_/backward_ weight, bias, recurrent_weight, recurrent_bias)");
        const char *t = want_type_text(c, q, pp);
        if (qdir >= 0 && qdir != dir) continue;      /* the other direction's */
        bool sm_slot = !strcmp(slot, "exp_table") || !strcmp(slot, "inv_table") || !strcmp(slot, "inv_inp");
        if (sm_slot || (act_only && !strcmp(slot, "accum"))) {
            if (t && is_softmax(layer)) set_softmax(layer, slot, t); /* hls4ml's softmax (--numerics hls4ml) */
            else if (!is_softmax(layer)) note_ignored(c, "Precision.exp_table/inv_table/inv_inp", "not a softmax");
            continue;
        }
        if (!strcmp(slot, "recurrent_bias")) {
            /* Keras has a recurrent bias only in a GRU with reset_after; rnnc gives both rows
             * the bias type, so it must be the same (checked in hls_finish) */
            cJSON *ra = cJSON_GetObjectItemCaseSensitive(layer, "reset_after");
            if (!strcmp(ltype(layer), "gru") && !cJSON_IsFalse(ra)) {
                set_item(layer, "_hls_rbias", cJSON_CreateString(t ? t : "auto"));
            } else {
                note_ignored(c, "Precision.recurrent_bias", "no recurrent bias in this Keras layer");
            }
            continue;
        }
        if (!strcmp(slot, "table")) { /* hls4ml 1.3 keeps every table at fixed<18,8> whatever this says */
            note_ignored(c, "Precision.table", "hls4ml 1.3 does not apply it either; table_t does");
            continue;
        }
        if (act_only && strcmp(slot, "result")) continue;
        if (!strcmp(slot, "*")) {
            for (int i = 0; all_types[i]; i++) put_type(c, layer, li, all_types[i], t, act_only);
        } else {
            put_type(c, layer, li, slot, t, act_only);
            if (!strcmp(slot, "state")) state = q;
        }
    }
    /* an LSTM's state follows its result (hls4ml), unless given too (rnnc's own key) */
    if (state) put_type(c, layer, li, "state", want_type_text(c, state, kp), act_only);
}

static bool want_bool_cfg(const Cfg *c, const cJSON *v, const char *path)
{
    if (!cJSON_IsBool(v)) cerr(c, path, "expected true or false");
    return cJSON_IsTrue(v);
}

/* hls4ml's keys beside Precision, for a layer (dir: -1, or a Bidirectional's direction). */
static void apply_other_key(Cfg *c, cJSON *layer, const cJSON *k, const char *key, const char *kp, bool act_only,
                            int dir)
{
    static const char *const prefix[] = {"Forward", "Backward"};
    bool mine = dir < 0 || !strncmp(key, prefix[dir], strlen(prefix[dir]));
    const char *bare = dir >= 0 && mine ? key + strlen(prefix[dir]) : key;
    if (dir >= 0 && !mine && (!strncmp(key, prefix[1 - dir], strlen(prefix[1 - dir])))) return;
    if (key_is(bare, "ReuseFactor")) {
        int rf = want_int_cfg(c, k, kp, 1, RNNC_MAX_RF);
        if (weighted(layer) && !act_only) set_item(layer, "reuse_factor", cJSON_CreateNumber(rf));
        else if (act_only) note_ignored(c, "ReuseFactor of an activation", NULL);
    } else if (key_is(bare, "RecurrentReuseFactor")) {
        int rf = want_int_cfg(c, k, kp, 1, RNNC_MAX_RF);
        if (recurrent(layer) && !act_only) set_item(layer, "recurrent_reuse_factor", cJSON_CreateNumber(rf));
    } else if (key_is(key, "table_size")) {
        int n = want_int_cfg(c, k, kp, 2, RNNC_MAX_TABLE);
        if (n & (n - 1)) cerr(c, kp, "expected a power of two in 2..%d, got %d", RNNC_MAX_TABLE, n);
        if (has_types(layer)) set_item(layer, "table_size", cJSON_CreateNumber(n));
    } else if (key_is(key, "table_t") || key_is(key, "TableType")) {
        const char *t = want_type_text(c, k, kp);
        if (t && has_types(layer)) set_precision(layer, "table", t);
    } else if (key_is(key, "Strategy")) {
        if (!cJSON_IsString(k) || !(key_is(k->valuestring, "Latency") || key_is(k->valuestring, "Resource") ||
                                    key_is(k->valuestring, "resource_unrolled")))
            cerr(c, kp, "expected \"Latency\" or \"Resource\" (rnnc's architecture follows the reuse factor)");
        note_ignored(c, "Strategy", "the reuse factor decides rnnc's architecture");
    } else if (key_is(key, "Static") || key_is(key, "Trace")) {
        want_bool_cfg(c, k, kp);
        note_ignored(c, key_is(key, "Static") ? "Static" : "Trace", NULL);
    } else if (key_is(key, "ParallelizationFactor") || key_is(key, "BramFactor")) {
        want_int_cfg(c, k, kp, 1, 2000000000);
        note_ignored(c, key_is(key, "BramFactor") ? "BramFactor" : "ParallelizationFactor", NULL);
    } else if (key_is(key, "Implementation")) {
        SoftmaxImpl si;
        if (!cJSON_IsString(k) || !softmax_impl_by_name(k->valuestring, &si))
            cerr(c, kp, "expected \"stable\", \"latency\" or \"legacy\" (the softmax implementations rnnc models)");
        if (is_softmax(layer)) set_softmax(layer, "implementation", k->valuestring);
    } else if (key_is(key, "Skip")) {
        if (want_bool_cfg(c, k, kp) && act_only && is_dense(layer)) /* hls4ml drops the softmax */
            set_item(layer, "activation", cJSON_CreateString("linear"));
    } else if (key_is(key, "Direction")) {
        const cJSON *gb = cJSON_GetObjectItemCaseSensitive(layer, "go_backwards");
        if (!cJSON_IsString(k) || !(key_is(k->valuestring, "forward") || key_is(k->valuestring, "backward")))
            cerr(c, kp, "expected \"forward\" or \"backward\"");
        if (key_is(k->valuestring, "backward")) set_item(layer, "go_backwards", cJSON_CreateTrue());
        else if (cJSON_IsTrue(gb)) note_ignored(c, "Direction forward", "the layer runs backwards, as in Keras");
    } else {
        cerr(c, kp, "unknown key (known: Precision, ReuseFactor, RecurrentReuseFactor, TableSize, table_t, "
                    "Strategy, Static, Trace, ParallelizationFactor, Implementation, Skip, Direction)");
    }
}

/* One LayerName/LayerType entry applied to tree layer li. act_only: an hls4ml split-off
 * activation ("<layer>_<activation>"): only its output and table types apply. dir: -1, or
 * which direction of a Bidirectional layer is. */
static void apply_entry_dir(Cfg *c, cJSON *layer, int li, const cJSON *e, const char *path, bool act_only, int dir)
{
    char kp[256];
    if (!cJSON_IsObject(e)) cerr(c, path, "expected an object (keys Precision, ReuseFactor, TableSize, ...)");
    for (const cJSON *k = e->child; k; k = k->next) {
        const char *key = k->string ? k->string : "";
        pjoin(kp, sizeof kp, path, key);
        if (key_is(key, "Precision")) {
            if (cJSON_IsString(k)) {
                const char *t = want_type_text(c, k, kp);
                if (act_only) {
                    put_type(c, layer, li, "result", t, true);
                } else if (t && has_types(layer)) { /* one string: every type (hls4ml: but the table) */
                    set_precision(layer, NULL, t);
                    if (is_dense(layer)) put_type(c, layer, li, "accum", t, false);
                    if (is_dense(layer) || !strcmp(ltype(layer), "dropout")) put_type(c, layer, li, "result", t, false);
                } else if (t) {
                    put_type(c, layer, li, "result", t, false); /* a Dropout's cast */
                } else {
                    for (int i = 0; all_types[i]; i++) put_type(c, layer, li, all_types[i], t, false);
                }
                continue;
            }
            if (!cJSON_IsObject(k))
                cerr(c, kp, "expected a type string or an object of types (weight, bias, recurrent_weight, "
                            "recurrent_bias, accum, state, result, table)");
            apply_precision_object(c, layer, li, k, kp, act_only, dir);
        } else {
            apply_other_key(c, layer, k, key, kp, act_only, dir);
        }
    }
}

static void apply_entry(Cfg *c, cJSON *layer, int li, const cJSON *e, const char *path, bool act_only)
{
    if (!strcmp(ltype(layer), "bidirectional")) { /* an entry for a Bidirectional: both directions */
        static const char *const dirs[] = {"forward", "backward"};
        for (int d = 0; d < 2; d++) {
            cJSON *sub = cJSON_GetObjectItemCaseSensitive(layer, dirs[d]);
            if (cJSON_IsObject(sub)) apply_entry_dir(c, sub, -1, e, path, act_only, d);
        }
        /* its result: the merged output's type (also each direction's, above) */
        const cJSON *p = cJSON_GetObjectItemCaseSensitive(e, "Precision");
        const cJSON *r = cJSON_IsObject(p) ? cJSON_GetObjectItemCaseSensitive(p, "result") : p;
        if (r) {
            const char *t = want_type_text(c, r, path);
            if (t) set_item(layer, "precision", cJSON_CreateString(t));
            else cJSON_DeleteItemFromObjectCaseSensitive(layer, "precision");
        }
        return;
    }
    apply_entry_dir(c, layer, li, e, path, act_only, -1);
}

static const char *tree_name(const cJSON *layer, int i, char *buf, size_t len)
{
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(layer, "name");
    if (cJSON_IsString(n)) return n->valuestring;
    SNPRINTF(buf, len, "%s_%d", ltype(layer), i);
    return buf;
}

static const char *class_of(const Cfg *c, const cJSON *layer, int i)
{
    if (c->refs && c->refs[i].cls) return c->refs[i].cls;
    const char *t = ltype(layer);
    LayerKind k;
    return layer_kind_by_name(t, &k) ? layer_kind(k)->keras[0] : t;
}

static void apply_input(Cfg *c, const cJSON *e, const char *path)
{
    char kp[256];
    cJSON *in = cJSON_GetObjectItemCaseSensitive(c->tree, "input");
    if (!cJSON_IsObject(e)) cerr(c, path, "expected an object");
    for (const cJSON *k = e->child; k; k = k->next) {
        const char *key = k->string ? k->string : "";
        pjoin(kp, sizeof kp, path, key);
        if (key_is(key, "Precision")) {
            const cJSON *v = k;
            if (cJSON_IsObject(k)) {
                v = NULL;
                for (const cJSON *q = k->child; q; q = q->next) {
                    if (key_is(q->string ? q->string : "", "result")) v = q;
                    else {
                        char pp[300];
                        pjoin(pp, sizeof pp, kp, q->string ? q->string : "");
                        cerr(c, pp, "unknown key (an input layer has one type: result)");
                    }
                }
                if (!v) continue;
            }
            const char *t = want_type_text(c, v, kp);
            if (t && in) set_item(in, "precision", cJSON_CreateString(t));
            else if (in) cJSON_DeleteItemFromObjectCaseSensitive(in, "precision");
        } else if (key_is(key, "ReuseFactor") || key_is(key, "Trace") || key_is(key, "Strategy")) {
            note_ignored(c, "ReuseFactor/Trace/Strategy of the input", NULL);
        } else {
            cerr(c, kp, "unknown key (an input layer takes Precision)");
        }
    }
}

static char *read_text(const char *path)
{
    size_t n;
    char *buf = read_whole_file(path, &n);
    if (strlen(buf) != n) user_error(path, "not a JSON text (contains a NUL byte)");
    return buf;
}

static const char *const hls4ml_project_keys[] = {
    "KerasJson", "KerasH5", "KerasModel", "OnnxModel", "PytorchModel", "OutputDir", "ProjectName",
    "Part", "XilinxPart", "Board", "ClockPeriod", "ClockUncertainty", "Backend", "IOType", "Version",
    "InputData", "OutputPredictions", "Stamp", "WriterConfig", "Namespace", "InputShape", "InputShapes",
    "OutputShapes", NULL};

static bool project_key(const char *k)
{
    for (int i = 0; hls4ml_project_keys[i]; i++)
        if (key_is(k, hls4ml_project_keys[i])) return true;
    return false;
}

/* The hls4ml class of the activation hls4ml splits off a Dense, or NULL (linear). */
static const char *split_class(const cJSON *layer)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(layer, "activation");
    if (!cJSON_IsString(a) || !strcmp(a->valuestring, "linear")) return NULL;
    return !strcmp(a->valuestring, "softmax") ? "Softmax" : "Activation";
}

/* The Model section: the model default precision and reuse factor. */
static void apply_model_section(Cfg *c, const cJSON *model)
{
    if (!cJSON_IsObject(model)) cerr(c, "Model", "expected an object (Precision, ReuseFactor, Strategy)");
    for (const cJSON *k = model->child; k; k = k->next) {
        const char *key = k->string ? k->string : "";
        char kp[128];
        pjoin(kp, sizeof kp, "Model", key);
        if (key_is(key, "Precision")) {
            const cJSON *v = k;
            if (cJSON_IsObject(k)) { /* hls4ml 0.8+: {"default": ..., "maximum": ...} */
                v = NULL;
                for (const cJSON *q = k->child; q; q = q->next) {
                    char pp[200];
                    pjoin(pp, sizeof pp, kp, q->string ? q->string : "");
                    if (key_is(q->string ? q->string : "", "default")) {
                        v = q;
                    } else if (key_is(q->string ? q->string : "", "maximum")) {
                        const char *t = want_type_text(c, q, pp); /* caps the widths "auto" infers */
                        copy_str(c->maximum, sizeof c->maximum, t ? t : "");
                    } else {
                        cerr(c, pp, "unknown key (known: default, maximum)");
                    }
                }
                if (!v) continue;
            }
            const char *t = want_type_text(c, v, kp);
            if (t) set_item(c->tree, "precision", cJSON_CreateString(t));
        } else if (key_is(key, "ReuseFactor")) {
            set_item(c->tree, "reuse_factor", cJSON_CreateNumber(want_int_cfg(c, k, kp, 1, RNNC_MAX_RF)));
        } else if (key_is(key, "Strategy") || key_is(key, "BramFactor") || key_is(key, "Trace")) {
            apply_other_key(c, c->tree, k, key, kp, false, -1); /* checked, changes nothing */
        } else if (key_is(key, "BitExact")) { /* hls4ml's type re-inference for quantized (HGQ) models */
            if (cJSON_IsTrue(k)) cerr(c, kp, "true is not supported (rnnc does not re-infer types the way "
                                              "hls4ml's bit-exact flow does); use null or false");
            if (!cJSON_IsFalse(k) && !cJSON_IsNull(k)) cerr(c, kp, "expected null, false or true");
            note_ignored(c, "BitExact", NULL);
        } else if (key_is(key, "TraceOutput")) {
            want_bool_cfg(c, k, kp);
            note_ignored(c, "TraceOutput", NULL);
        } else {
            cerr(c, kp, "unknown key (known: Precision, ReuseFactor, Strategy, BramFactor, TraceOutput, BitExact)");
        }
    }
}

/* The LayerName section: each entry to the layer of that name (Keras or rnnc), or to the
 * activation hls4ml splits off a layer ("<layer>_<activation>"), or to the input. */
static void apply_layer_names(Cfg *c, const cJSON *lname, cJSON *layers)
{
    if (!cJSON_IsObject(lname)) cerr(c, "LayerName", "expected an object of layer names");
    for (const cJSON *k = lname->child; k; k = k->next) {
        const char *key = k->string ? k->string : "";
        char kp[160], nb[80], list[1024] = "";
        pjoin(kp, sizeof kp, "LayerName", key);
        bool found = false;
        if ((c->input_name && !strcmp(key, c->input_name)) || !strcmp(key, "input")) {
            apply_input(c, k, kp);
            continue;
        }
        int i = 0;
        for (cJSON *l = layers ? layers->child : NULL; l; l = l->next, i++) {
            const char *tn = tree_name(l, i, nb, sizeof nb);
            if (!strcmp(tn, key) || (c->refs && c->refs[i].name && !strcmp(c->refs[i].name, key))) {
                apply_entry(c, l, i, k, kp, false);
                found = true;
            }
        }
        /* a Keras Activation folded into the layer before it (Dense + Activation softmax) */
        i = 0;
        for (cJSON *l = layers ? layers->child : NULL; l && !found && c->refs; l = l->next, i++)
            if (c->refs[i].act && !strcmp(c->refs[i].act, key)) {
                apply_entry(c, l, i, k, kp, true);
                found = true;
            }
        /* hls4ml's split-off activation of a layer: "<layer>_<activation>" */
        i = 0;
        for (cJSON *l = layers ? layers->child : NULL; l && !found; l = l->next, i++) {
            const cJSON *a = cJSON_GetObjectItemCaseSensitive(l, "activation");
            if (!cJSON_IsString(a) || !weighted(l)) continue;
            const char *names[2] = {tree_name(l, i, nb, sizeof nb), c->refs ? c->refs[i].name : NULL};
            for (int j = 0; j < 2 && !found; j++) {
                if (!names[j]) continue;
                size_t nl = strlen(names[j]);
                if (!strncmp(key, names[j], nl) && key[nl] == '_' && !strcmp(key + nl + 1, a->valuestring)) {
                    apply_entry(c, l, i, k, kp, true);
                    found = true;
                }
            }
        }
        if (found) continue;
        size_t n = 0;
        i = 0;
        for (cJSON *l = layers ? layers->child : NULL; l && n < sizeof list - 80; l = l->next, i++)
            n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", i ? ", " : "",
                                  c->refs && c->refs[i].name ? c->refs[i].name : tree_name(l, i, nb, sizeof nb));
        cerr(c, kp, "no layer of this name in the model (its layers: %s%s%s)", list,
             c->input_name ? ", and the input " : "", c->input_name ? c->input_name : "");
    }
}

static bool is_yaml(const char *path)
{
    size_t n = strlen(path);
    return (n > 4 && !strcmp(path + n - 4, ".yml")) || (n > 5 && !strcmp(path + n - 5, ".yaml"));
}

/* The configuration file as a cJSON tree: JSON, or hls4ml's project YAML (.yml, .yaml). */
static cJSON *read_config_tree(const char *path)
{
    if (is_yaml(path)) return yaml_read_file(path);
    char *text = read_text(path);
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithOpts(text, &end, true);
    if (!root) {
        int line = 1;
        for (const char *p = text; end && p < end && *p; p++) line += *p == '\n';
        user_error(path, "line %d: invalid JSON (an hls4ml-style configuration is a JSON object, or "
                   "hls4ml's project YAML named .yml; see docs/keras.md)", line);
    }
    free(text);
    return root;
}

/* The type a layer slot has in the tree (its precision, else the model default). */
static FxType tree_type(const cJSON *tree, const cJSON *layer, const char *slot)
{
    const cJSON *p = layer ? cJSON_GetObjectItemCaseSensitive(layer, "precision") : NULL;
    const cJSON *v = cJSON_IsObject(p) ? cJSON_GetObjectItemCaseSensitive(p, slot) : p;
    if (!cJSON_IsString(v)) v = cJSON_GetObjectItemCaseSensitive(tree, "precision");
    FxType t;
    char err[160];
    if (!cJSON_IsString(v) || !fx_parse(v->valuestring, &t, err, sizeof err))
        if (!fx_parse("ap_fixed<16,6>", &t, err, sizeof err)) BUG("default type");
    return t;
}

static void type_text(FxType t, char *buf, size_t len)
{
    if (t.q == Q_TRN && t.o == O_WRAP) SNPRINTF(buf, len, "%s<%d,%d>", t.sgn ? "ap_fixed" : "ap_ufixed", t.w, t.i);
    else fx_format(t, buf, len);
}

/* hls4ml's "auto" accumulator of a Dense (InferPrecisionTypes._infer_common_precision): the
 * product's bits plus log2 of the inputs summed, plus the bias, capped by Model.maximum. */
static FxType infer_dense(const Cfg *c, FxType in, FxType w, FxType b, int n_in)
{
    int lg = 0;
    while ((1L << lg) < n_in) lg++;
    int width = w.w + in.w + lg, integers = w.i + in.i + lg;
    bool sgn = w.sgn || in.sgn;
    int frac = width - integers;
    int a = integers + (b.sgn && !sgn), bb = b.i + (sgn && !b.sgn);
    integers = (a > bb ? a : bb) + 1;
    width = integers + (frac > b.w - b.i ? frac : b.w - b.i);
    sgn = sgn || b.sgn;
    FxType mx, t = {.w = width, .i = integers, .sgn = sgn, .q = Q_TRN, .o = O_WRAP};
    char err[160];
    if (c->maximum[0] && fx_parse(c->maximum, &mx, err, sizeof err)) {
        if (t.w > mx.w) t.w = mx.w;
        if (t.i > mx.i) t.i = mx.i;
    }
    return t;
}

/* hls4ml's Dense result before its split-off activation, where it is a cast of its own: the
 * Dense becomes linear with that result, followed by an activation layer "<name>_<act>" with
 * the activation's result, table type and table size. Returns that layer (to insert). */
static cJSON *split_activation(Cfg *c, cJSON *l, int i, const char *mid)
{
    char nb[80], name[RNNC_NAME_MAX], kp[200];
    const char *act = cJSON_GetObjectItemCaseSensitive(l, "activation")->valuestring;
    const char *dn = tree_name(l, i, nb, sizeof nb);
    if (!strcmp(act, "softmax")) {
        SNPRINTF(kp, sizeof kp, "%s.Precision.result", c->refs && c->refs[i].name ? c->refs[i].name : dn);
        cerr(c, kp, "a Dense result type before its softmax must be \"auto\" or the accumulator's type (rnnc's "
                    "softmax reads the accumulator)");
    }
    int keep = (int)(sizeof name) - 2 - (int)strlen(act) - 24; /* room for check.c's _2, _3 */
    SNPRINTF(name, sizeof name, "%.*s_%s", keep, dn, act);
    cJSON *n = cJSON_CreateObject();
    cJSON_AddStringToObject(n, "type", "activation");
    cJSON_AddStringToObject(n, "name", name);
    cJSON_AddStringToObject(n, "activation", act);
    cJSON *o = cJSON_AddObjectToObject(n, "precision");
    char t[96];
    type_text(tree_type(c->tree, l, "result"), t, sizeof t);
    cJSON_AddStringToObject(o, "result", t);
    cJSON *p = cJSON_GetObjectItemCaseSensitive(l, "precision");
    if (cJSON_IsObject(p) && cJSON_GetObjectItemCaseSensitive(p, "table"))
        cJSON_AddItemToObject(o, "table", cJSON_DetachItemFromObjectCaseSensitive(p, "table"));
    cJSON *ts = cJSON_DetachItemFromObjectCaseSensitive(l, "table_size");
    if (ts) cJSON_AddItemToObject(n, "table_size", ts);
    set_item(l, "activation", cJSON_CreateString("linear"));
    set_precision(l, "result", mid);
    return n;
}

/* A Dense's accumulator and result as hls4ml sets them (the slots its entries recorded);
 * returns an activation layer to insert after it, or NULL. */
static cJSON *finish_dense(Cfg *c, cJSON *l, int i, FxType in, int n_in)
{
    HlsSlots *h = &c->hls[i];
    char buf[96];
    FxType acc = infer_dense(c, in, tree_type(c->tree, l, "weight"), tree_type(c->tree, l, "bias"), n_in);
    type_text(acc, buf, sizeof buf);
    bool act = split_class(l) != NULL;
    if (!strcmp(h->accum, "auto") && !c->rnnc_auto) set_precision(l, "accum", buf);
    else if (h->accum[0] && strcmp(h->accum, "auto")) set_precision(l, "accum", h->accum);
    const char *res = act ? h->act_result : h->result;
    if (!strcmp(res, "auto") && !c->rnnc_auto) {
        const cJSON *d = cJSON_GetObjectItemCaseSensitive(c->tree, "precision");
        set_precision(l, "result", act ? (cJSON_IsString(d) ? d->valuestring : "ap_fixed<16,6>") : buf);
    } else if (res[0] && strcmp(res, "auto")) {
        set_precision(l, "result", res);
    }
    if (act && !strcmp(split_class(l), "Softmax")) { /* the Dense's result is hls4ml's softmax input */
        const char *sm_in = !h->result[0] ? NULL : strcmp(h->result, "auto") ? h->result : c->rnnc_auto ? NULL : buf;
        if (sm_in) set_softmax(l, "input", sm_in);
        return NULL;
    }
    if (act && h->result[0] && strcmp(h->result, "auto")) {
        FxType r, a = tree_type(c->tree, l, "accum");
        char err[160];
        if (fx_parse(h->result, &r, err, sizeof err) && !fx_equal(r, a)) return split_activation(c, l, i, h->result);
    }
    return NULL;
}

/* A Dropout is hls4ml's linear activation: a cast to its result type (the default unless set),
 * which rnnc makes an activation layer where the type differs from the input's. */
static void finish_dropout(Cfg *c, cJSON *l, int i, FxType *in)
{
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(c->tree, "precision");
    const char *want = c->hls[i].result[0] && strcmp(c->hls[i].result, "auto") ? c->hls[i].result
                       : cJSON_IsString(d)                                       ? d->valuestring
                                                                                 : "ap_fixed<16,6>";
    FxType t;
    char err[160];
    if (c->rnnc_auto || !fx_parse(want, &t, err, sizeof err) || fx_equal(t, *in)) return;
    set_item(l, "type", cJSON_CreateString("activation"));
    set_item(l, "activation", cJSON_CreateString("linear"));
    cJSON_DeleteItemFromObjectCaseSensitive(l, "rate");
    set_item(l, "precision", cJSON_CreateObject());
    set_precision(l, "result", want);
    *in = t;
}

/* A GRU's recurrent bias type: where it differs from its bias type, precision.recurrent_bias. */
static void finish_rbias(const Cfg *c, cJSON *l)
{
    cJSON *rb = cJSON_DetachItemFromObjectCaseSensitive(l, "_hls_rbias");
    if (!rb) return;
    FxType r, b = tree_type(c->tree, l, "bias");
    char err[160], bt[64];
    if (!strcmp(rb->valuestring, "auto")) r = tree_type(c->tree, NULL, "bias"); /* hls4ml: the default */
    else if (!fx_parse(rb->valuestring, &r, err, sizeof err)) BUG("checked type");
    if (!fx_equal(r, b) && !c->rnnc_auto) { /* the second bias row's own type (precision.recurrent_bias) */
        fx_format(r, bt, sizeof bt);
        set_precision(l, "recurrent_bias", bt);
    }
    cJSON_Delete(rb);
}

static int json_int(const cJSON *o, const char *key, int dflt)
{
    const cJSON *v = o ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
    return cJSON_IsNumber(v) ? (int)v->valuedouble : dflt;
}

/* hls4ml 1.3's Vivado/Vitis backends replace RecurrentReuseFactor by ReuseFactor; rnnc keeps it
 * as written, and says so where the two differ. */
static void note_recurrent_reuse(Cfg *c, const cJSON *l, const char *name)
{
    const cJSON *rr = cJSON_GetObjectItemCaseSensitive(l, "recurrent_reuse_factor");
    int rf = json_int(l, "reuse_factor", json_int(c->tree, "reuse_factor", 1));
    if (cJSON_IsNumber(rr) && (int)rr->valuedouble != rf)
        fprintf(stderr, "rnnc: %s: note: layer %s: recurrent reuse factor %d as RecurrentReuseFactor says "
                "(hls4ml 1.3 would use its ReuseFactor, %d, for the recurrent kernel too)\n",
                c->file, name, (int)rr->valuedouble, rf);
}

#define HLS_MAX_SPLITS 64

/* item into arr after index i (public calls only: cJSON_InsertItemInArray of Debian's cJSON
 * 1.7.15-1+deb12u4 refuses every insertion) */
static void insert_after(cJSON *arr, int i, cJSON *item)
{
    cJSON *rest = cJSON_CreateArray();
    while (cJSON_GetArraySize(arr) > i + 1) cJSON_AddItemToArray(rest, cJSON_DetachItemFromArray(arr, i + 1));
    cJSON_AddItemToArray(arr, item);
    while (cJSON_GetArraySize(rest) > 0) cJSON_AddItemToArray(arr, cJSON_DetachItemFromArray(rest, 0));
    cJSON_Delete(rest);
}

/* The types hls4ml resolves only in its graph, layer by layer with each input's type. */
static void hls_finish(Cfg *c, cJSON *layers)
{
    cJSON *in = cJSON_GetObjectItemCaseSensitive(c->tree, "input");
    FxType cur = tree_type(c->tree, NULL, "result");
    const cJSON *ip = in ? cJSON_GetObjectItemCaseSensitive(in, "precision") : NULL;
    char err[160];
    if (cJSON_IsString(ip) && !fx_parse(ip->valuestring, &cur, err, sizeof err)) cur = tree_type(c->tree, NULL, "x");
    int steps = json_int(in, "timesteps", 1), feat = json_int(in, "features", 1);
    bool seq = true;
    int i = 0, n_split = 0, split_after[HLS_MAX_SPLITS];
    cJSON *splits[HLS_MAX_SPLITS];
    for (cJSON *l = layers ? layers->child : NULL; l; l = l->next, i++) {
        const char *t = ltype(l);
        char nb[80];
        if (!strcmp(t, "gru"))
            finish_rbias(c, l);
        if (recurrent(l)) note_recurrent_reuse(c, l, tree_name(l, i, nb, sizeof nb));
        for (int d = 0; d < 2 && !strcmp(t, "bidirectional"); d++) {
            cJSON *sub = cJSON_GetObjectItemCaseSensitive(l, d ? "backward" : "forward");
            char dn[100];
            SNPRINTF(dn, sizeof dn, "%s_%s", tree_name(l, i, nb, sizeof nb), d ? "bwd" : "fwd");
            if (!sub) continue;
            if (!strcmp(ltype(sub), "gru")) finish_rbias(c, sub);
            note_recurrent_reuse(c, sub, dn);
        }
        if (is_dense(l)) {
            cJSON *split = finish_dense(c, l, i, cur, feat);
            if (split && n_split < HLS_MAX_SPLITS) {
                split_after[n_split] = i;
                splits[n_split++] = split;
            } else if (split) {
                cerr(c, NULL, "more than %d Dense results before their activations", HLS_MAX_SPLITS);
            }
            feat = json_int(l, "units", feat);
        } else if (!strcmp(t, "dropout")) {
            finish_dropout(c, l, i, &cur);
            continue;
        } else if (!strcmp(t, "flatten")) {
            if (seq) feat *= steps;
            seq = false;
            /* hls4ml's io_parallel Flatten passes its input's values on unchanged, but a result type
             * set for it is what the next layer's "auto" types are inferred from */
            FxType ft;
            if (c->hls[i].result[0] && strcmp(c->hls[i].result, "auto") &&
                fx_parse(c->hls[i].result, &ft, err, sizeof err)) {
                cur = ft;
                note_ignored(c, "Precision.result of a Flatten", "its values keep their type; as in hls4ml");
            }
            continue;
        } else if (recurrent(l) || !strcmp(t, "bidirectional")) {
            const cJSON *f = cJSON_GetObjectItemCaseSensitive(l, "forward");
            int u = json_int(f ? f : l, "units", feat);
            const cJSON *mm = cJSON_GetObjectItemCaseSensitive(l, "merge_mode");
            feat = f && (!cJSON_IsString(mm) || !strcmp(mm->valuestring, "concat")) ? 2 * u : u;
            seq = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(l, "return_sequences"));
        }
        if (has_types(l) || !strcmp(t, "bidirectional")) cur = tree_type(c->tree, l, "result");
        if (n_split && split_after[n_split - 1] == i) cur = tree_type(c->tree, splits[n_split - 1], "result");
    }
    for (int k = n_split - 1; k >= 0; k--) insert_after(layers, split_after[k], splits[k]);
}

static void apply_sections(Cfg *c, const KerasOptions *opt, const cJSON *model, const cJSON *ltypes,
                           const cJSON *lname);

/* Where the model of an hls4ml project configuration is, resolved against the file's folder. */
static char *project_path(const char *config, const cJSON *root, const char *key)
{
    const cJSON *v = NULL;
    for (const cJSON *k = root->child; k; k = k->next)
        if (k->string && key_is(k->string, key)) v = k;
    if (!v) return NULL;
    if (!cJSON_IsString(v) || !v->valuestring[0]) user_error(config, "%s: expected a file name (a string)", key);
    const char *p = v->valuestring, *slash = strrchr(config, '/');
    size_t dl = p[0] != '/' && slash ? (size_t)(slash - config) + 1 : 0;
    char *out = xcalloc(dl + strlen(p) + 1, 1);
    memcpy(out, config, dl);
    strcpy(out + dl, p);
    FILE *f = fopen(out, "rb");
    if (!f) user_error(config, "%s: cannot open '%.200s' (%s; relative names are read from the "
                       "configuration's folder)", key, out, strerror(errno));
    fclose(f);
    return out;
}

void keras_config_project(const char *config, bool find_model, ConfigProject *out)
{
    *out = (ConfigProject){0};
    cJSON *root = read_config_tree(config);
    if (!cJSON_IsObject(root)) user_error(config, "expected an object with Model and LayerName keys, or "
                                          "hls4ml's project keys (KerasH5, HLSConfig, ...)");
    if (find_model) out->model = project_path(config, root, "KerasH5");
    if (find_model && !out->model) out->model = project_path(config, root, "KerasModel");
    if (find_model && !out->model) {
        out->model = project_path(config, root, "KerasJson");
        if (out->model) out->weights = project_path(config, root, "KerasWeights");
        if (out->model && !out->weights) user_error(config, "KerasJson: needs KerasWeights (the weights file)");
    }
    for (const cJSON *k = root->child; k; k = k->next)
        if (k->string && key_is(k->string, "ClockPeriod")) {
            if (!cJSON_IsNumber(k) || !(k->valuedouble >= 1.0 && k->valuedouble <= 1000.0))
                user_error(config, "ClockPeriod: expected a clock period in ns between 1 and 1000");
            out->clock_ns = k->valuedouble;
        }
    cJSON_Delete(root);
}

/* Backend and IOType: the values whose results rnnc reproduces (the Vivado/Vitis templates;
 * both I/O types compute the same numbers). */
static void check_choice(Cfg *c, const cJSON *k, const char *key)
{
    static const char *const backends[] = {"Vivado", "Vitis", "VivadoAccelerator", "VitisAccelerator", NULL};
    static const char *const io[] = {"io_parallel", "io_stream", NULL};
    const char *const *ok = key_is(key, "Backend") ? backends : io;
    for (int i = 0; cJSON_IsString(k) && ok[i]; i++)
        if (key_is(k->valuestring, ok[i])) {
            note_ignored(c, key, NULL);
            return;
        }
    if (ok == backends)
        cerr(c, key, "expected Vivado or Vitis (rnnc computes as hls4ml's Vivado and Vitis templates do; "
                     "other backends round and tabulate differently)");
    cerr(c, key, "expected io_parallel or io_stream");
}

static void apply_config_file(Cfg *c, const KerasOptions *opt, int n_layers)
{
    cJSON *root = read_config_tree(opt->config);
    if (!cJSON_IsObject(root)) cerr(c, NULL, "expected a JSON object with Model and LayerName keys");
    const cJSON *hls = NULL, *model = NULL, *lname = NULL, *ltypes = NULL;
    for (const cJSON *k = root->child; k; k = k->next) {
        const char *key = k->string ? k->string : "";
        if (key_is(key, "HLSConfig")) hls = k;
        else if (key_is(key, "Model")) model = k;
        else if (key_is(key, "LayerName")) lname = k;
        else if (key_is(key, "LayerType")) ltypes = k;
        else if (key_is(key, "ClockPeriod")) continue; /* the clock of --target (main.c) */
        else if (key_is(key, "KerasH5") || key_is(key, "KerasJson") || key_is(key, "KerasWeights") ||
                 key_is(key, "KerasModel")) continue;  /* the model (main.c) */
        else if (key_is(key, "Backend") || key_is(key, "IOType")) check_choice(c, k, key);
        else if (project_key(key)) note_ignored(c, key, NULL);
        else
            cerr(c, key, "unknown key (known: Model, LayerName, LayerType, HLSConfig, and hls4ml's project "
                         "keys such as OutputDir, which rnnc ignores)");
    }
    if (hls) {
        if (model || lname || ltypes) cerr(c, "HLSConfig", "given beside top-level Model/LayerName/LayerType");
        if (!cJSON_IsObject(hls)) cerr(c, "HLSConfig", "expected an object");
        for (const cJSON *k = hls->child; k; k = k->next) {
            const char *key = k->string ? k->string : "";
            char kp[128];
            pjoin(kp, sizeof kp, "HLSConfig", key);
            if (key_is(key, "Model")) model = k;
            else if (key_is(key, "LayerName")) lname = k;
            else if (key_is(key, "LayerType")) ltypes = k;
            else if (key_is(key, "Flows") || key_is(key, "Optimizers") || key_is(key, "SkipOptimizers"))
                note_ignored(c, key, NULL);
            else cerr(c, kp, "unknown key (known: Model, LayerName, LayerType)");
        }
    }
    c->hls = xcalloc((size_t)(n_layers > 0 ? n_layers : 1), sizeof *c->hls);
    apply_sections(c, opt, model, ltypes, lname);
    hls_finish(c, cJSON_GetObjectItemCaseSensitive(c->tree, "layers"));
    if (c->ignored[0]) fprintf(stderr, "rnnc: %s: note: ignoring hls4ml keys that change nothing in rnnc: %s\n",
                               opt->config, c->ignored);
    free(c->hls);
    c->hls = NULL;
    cJSON_Delete(root);
}

static void apply_sections(Cfg *c, const KerasOptions *opt, const cJSON *model, const cJSON *ltypes,
                           const cJSON *lname)
{
    cJSON *layers = cJSON_GetObjectItemCaseSensitive(c->tree, "layers");
    if (model) apply_model_section(c, model);
    /* The switches win over the file's Model section. */
    if (opt->precision) {
        Cfg sw = *c;
        sw.file = NULL;
        cJSON *v = cJSON_CreateString(opt->precision);
        const char *t = want_type_text(&sw, v, "--precision");
        if (t) set_item(c->tree, "precision", v);
        else cJSON_Delete(v);
    }
    if (opt->reuse > 0) set_item(c->tree, "reuse_factor", cJSON_CreateNumber(opt->reuse));

    if (ltypes) {
        if (!cJSON_IsObject(ltypes)) cerr(c, "LayerType", "expected an object of Keras class names");
        for (const cJSON *k = ltypes->child; k; k = k->next) {
            const char *key = k->string ? k->string : "";
            char kp[160];
            pjoin(kp, sizeof kp, "LayerType", key);
            if (key_is(key, "InputLayer")) {
                apply_input(c, k, kp);
                continue;
            }
            int i = 0;
            for (cJSON *l = layers ? layers->child : NULL; l; l = l->next, i++) {
                if (key_is(class_of(c, l, i), key)) apply_entry(c, l, i, k, kp, false);
                else if (is_dense(l) && split_class(l) && key_is(split_class(l), key))
                    apply_entry(c, l, i, k, kp, true); /* hls4ml's split-off activation of a Dense */
            }
        }
    }
    if (lname) apply_layer_names(c, lname, layers);
}

void keras_apply_options(cJSON *tree, const KerasOptions *opt, const KerasLayerRef *refs,
                         const char *input_name, const char *file)
{
    Cfg c = {.file = opt->config ? opt->config : file, .tree = tree, .refs = refs, .input_name = input_name,
             .rnnc_auto = opt->prec && opt->prec->width};
    cJSON *layers = cJSON_GetObjectItemCaseSensitive(tree, "layers");
    int n_layers = cJSON_GetArraySize(layers);
    if (opt->timesteps > 0) { /* first: hls4ml's inferred types need the shapes */
        cJSON *in = cJSON_GetObjectItemCaseSensitive(tree, "input");
        if (cJSON_IsObject(in)) set_item(in, "timesteps", cJSON_CreateNumber(opt->timesteps));
    }
    if (opt->config) {
        apply_config_file(&c, opt, n_layers);
    } else {
        if (opt->precision) {
            Cfg sw = c;
            sw.file = NULL;
            cJSON *v = cJSON_CreateString(opt->precision);
            if (want_type_text(&sw, v, "--precision")) set_item(tree, "precision", v);
            else cJSON_Delete(v);
        }
        if (opt->reuse > 0) set_item(tree, "reuse_factor", cJSON_CreateNumber(opt->reuse));
    }
}
