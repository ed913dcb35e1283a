/* keras_config.c: hls4ml-style configuration (--config C.json, --precision, --reuse,
 * --timesteps) applied to an rnnc-model/1 JSON tree, and the tree printed back as text with
 * exact numbers. Used for Keras models (keras.c) and for model.json files alike.
 *
 * The configuration has hls4ml's shape (docs/keras.md):
 *   {"Model": {"Precision": "ap_fixed<16,6>", "ReuseFactor": 1, "Strategy": "Latency"},
 *    "LayerType": {"LSTM": {...}},
 *    "LayerName": {"layer1": {"Precision": {"weight": ..., "result": ...} or "ap_fixed<..>",
 *                             "ReuseFactor": 4, "table_size": 1024, "table_t": ...}}}
 * optionally inside "HLSConfig" next to hls4ml's project keys (OutputDir, Part, ...), which
 * are ignored with a note. Key spellings are compared without case and underscores
 * ("ReuseFactor", "reuse_factor"). Unknown keys are errors naming the key. Order: Model,
 * then the command-line switches (they win over Model), then LayerType, then LayerName. */
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

typedef struct {
    const char *file;           /* the config file, or "--precision" etc. for switches */
    cJSON *tree;
    const KerasLayerRef *refs;  /* per tree layer, or NULL */
    const char *input_name;
} Cfg;

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

static const char *want_type_text(const Cfg *c, const cJSON *v, const char *path)
{
    char err[160];
    FxType t;
    if (!cJSON_IsString(v) || !v->valuestring)
        cerr(c, path, "expected a fixed-point type like \"ap_fixed<16,6>\" (a string)");
    if (!strcmp(v->valuestring, "auto")) return NULL; /* hls4ml's inferred type: keep rnnc's default */
    if (!fx_parse(v->valuestring, &t, err, sizeof err))
        cerr(c, path, "invalid type \"%.60s\": %s", v->valuestring, err);
    return v->valuestring;
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

/* One LayerName/LayerType entry applied to a tree layer. act_only: an hls4ml split-off
 * activation ("<layer>_<activation>"): only its output and table types apply. */
static void apply_entry(const Cfg *c, cJSON *layer, const cJSON *e, const char *path, bool act_only)
{
    if (!strcmp(ltype(layer), "bidirectional")) { /* an entry for a Bidirectional: both directions */
        static const char *const dirs[] = {"forward", "backward"};
        for (int d = 0; d < 2; d++) {
            cJSON *sub = cJSON_GetObjectItemCaseSensitive(layer, dirs[d]);
            if (cJSON_IsObject(sub)) apply_entry(c, sub, e, path, act_only);
        }
        return;
    }
    char kp[256], pp[256];
    if (!cJSON_IsObject(e)) cerr(c, path, "expected an object (keys Precision, ReuseFactor, table_size, table_t)");
    for (const cJSON *k = e->child; k; k = k->next) {
        const char *key = k->string ? k->string : "";
        pjoin(kp, sizeof kp, path, key);
        if (key_is(key, "Precision")) {
            if (cJSON_IsString(k)) {
                const char *t = want_type_text(c, k, kp);
                if (t && has_types(layer)) set_precision(layer, act_only ? "result" : NULL, t);
                if (t && has_types(layer) && is_softmax(layer) && !act_only) set_softmax(layer, "input", t);
                continue;
            }
            if (!cJSON_IsObject(k))
                cerr(c, kp, "expected a type string or an object of types (weight, bias, recurrent_weight, "
                            "recurrent_bias, accum, state, result, table)");
            for (const cJSON *q = k->child; q; q = q->next) {
                const char *qk = q->string ? q->string : "";
                char raw[64], nq[64];
                copy_str(raw, sizeof raw, qk);
                size_t rl = strlen(raw);
                if (rl > 2 && !strcmp(raw + rl - 2, "_t")) raw[rl - 2] = 0; /* weight_t -> weight */
                norm(raw, nq, sizeof nq);
                pjoin(pp, sizeof pp, kp, qk);
                const char *slot = !strcmp(nq, "weight")            ? "weight"
                                   : !strcmp(nq, "bias")            ? "bias"
                                   : !strcmp(nq, "recurrentweight") ? "recurrent_weight"
                                   : !strcmp(nq, "recurrentbias")   ? "recurrent_bias"
                                   : !strcmp(nq, "accum")           ? "accum"
                                   : !strcmp(nq, "state")           ? "state"
                                   : !strcmp(nq, "result")          ? "result"
                                   : !strcmp(nq, "table")           ? "table"
                                   : !strcmp(nq, "default")         ? "*"
                                   : !strcmp(nq, "exptable")        ? "exp_table"
                                   : !strcmp(nq, "invtable")        ? "inv_table"
                                   : !strcmp(nq, "invinp")          ? "inv_inp"
                                                                    : NULL;
                if (!slot)
                    cerr(c, pp, "unknown precision key (known: weight, bias, recurrent_weight, recurrent_bias, "
                                "accum, state, result, table, default, exp_table, inv_table, inv_inp)");
                const char *t = want_type_text(c, q, pp);
                if (!t || !has_types(layer)) continue;
                bool sm_slot = !strcmp(slot, "exp_table") || !strcmp(slot, "inv_table") || !strcmp(slot, "inv_inp");
                if (is_softmax(layer) && (sm_slot || (act_only && !strcmp(slot, "accum")))) {
                    set_softmax(layer, slot, t); /* the softmax's own types (hls4ml numerics) */
                    continue;
                }
                /* the Dense's own result is the softmax's input under hls4ml numerics */
                if (is_softmax(layer) && !act_only && (!strcmp(slot, "result") || !strcmp(slot, "*")))
                    set_softmax(layer, "input", t);
                if (sm_slot) continue;
                if (act_only && strcmp(slot, "result") && strcmp(slot, "table")) continue;
                set_precision(layer, !strcmp(slot, "*") ? NULL : slot, t);
            }
        } else if (key_is(key, "ReuseFactor")) {
            int rf = want_int_cfg(c, k, kp, 1, RNNC_MAX_RF);
            if (weighted(layer) && !act_only) set_item(layer, "reuse_factor", cJSON_CreateNumber(rf));
        } else if (key_is(key, "table_size")) {
            int n = want_int_cfg(c, k, kp, 2, RNNC_MAX_TABLE);
            if (n & (n - 1)) cerr(c, kp, "expected a power of two in 2..%d, got %d", RNNC_MAX_TABLE, n);
            if (has_types(layer)) set_item(layer, "table_size", cJSON_CreateNumber(n));
        } else if (key_is(key, "table_t") || key_is(key, "TableType")) {
            const char *t = want_type_text(c, k, kp);
            if (t && has_types(layer)) set_precision(layer, "table", t);
        } else if (key_is(key, "Implementation")) { /* hls4ml's softmax implementation */
            SoftmaxImpl si;
            if (!cJSON_IsString(k) || !softmax_impl_by_name(k->valuestring, &si))
                cerr(c, kp, "expected \"stable\", \"latency\" or \"legacy\" (the softmax implementations rnnc models)");
            if (is_softmax(layer)) set_softmax(layer, "implementation", k->valuestring);
        } else if (key_is(key, "Skip")) {
            if (!cJSON_IsBool(k) || cJSON_IsTrue(k))
                cerr(c, kp, "only false is supported (rnnc does not skip a softmax)");
        } else if (key_is(key, "Strategy") || key_is(key, "Trace") || key_is(key, "accum_t") ||
                   key_is(key, "BramFactor")) {
            /* hls4ml implementation hints: rnnc has one architecture per reuse factor */
        } else {
            cerr(c, kp, "unknown key (known: Precision, ReuseFactor, table_size, table_t, Strategy, Trace)");
        }
    }
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

static void apply_input(const Cfg *c, const cJSON *e, const char *path)
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
        } else if (key_is(key, "ReuseFactor") || key_is(key, "Trace") || key_is(key, "Strategy")) {
            /* nothing to reuse in an input */
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
    "InputData", "OutputPredictions", "Stamp", "WriterConfig", "Namespace", "InputShape", NULL};

static bool project_key(const char *k)
{
    for (int i = 0; hls4ml_project_keys[i]; i++)
        if (key_is(k, hls4ml_project_keys[i])) return true;
    return false;
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
                    if (key_is(q->string ? q->string : "", "default")) v = q;
                    else if (!key_is(q->string ? q->string : "", "maximum"))
                        cerr(c, pp, "unknown key (known: default, maximum)");
                }
                if (!v) continue;
            }
            const char *t = want_type_text(c, v, kp);
            if (t) set_item(c->tree, "precision", cJSON_CreateString(t));
        } else if (key_is(key, "ReuseFactor")) {
            set_item(c->tree, "reuse_factor", cJSON_CreateNumber(want_int_cfg(c, k, kp, 1, RNNC_MAX_RF)));
        } else if (key_is(key, "Strategy")) {
            if (!cJSON_IsString(k)) cerr(c, kp, "expected a string (Latency or Resource)");
        } else if (key_is(key, "BitExact")) { /* hls4ml's bit-exact type inference: only off */
            if (!cJSON_IsNull(k) && !cJSON_IsFalse(k))
                cerr(c, kp, "only null or false is supported (hls4ml's BitExact type inference is not modelled)");
        } else if (key_is(key, "BramFactor") || key_is(key, "TraceOutput") || key_is(key, "Trace")) {
            /* implementation hints hls4ml uses; nothing to do in rnnc */
        } else {
            cerr(c, kp, "unknown key (known: Precision, ReuseFactor, Strategy, BramFactor, TraceOutput)");
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
                apply_entry(c, l, k, kp, false);
                found = true;
            }
        }
        /* a Keras Activation folded into the layer before it (Dense + Activation softmax) */
        i = 0;
        for (cJSON *l = layers ? layers->child : NULL; l && !found && c->refs; l = l->next, i++)
            if (c->refs[i].act && !strcmp(c->refs[i].act, key)) {
                apply_entry(c, l, k, kp, true);
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
                    apply_entry(c, l, k, kp, true);
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

static void apply_config_file(Cfg *c, const KerasOptions *opt, int n_layers)
{
    (void)n_layers;
    char *text = read_text(opt->config);
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithOpts(text, &end, true);
    if (!root) {
        int line = 1;
        for (const char *p = text; end && p < end && *p; p++) line += *p == '\n';
        user_error(opt->config, "line %d: invalid JSON (an hls4ml-style configuration is a JSON object; "
                   "see docs/keras.md)", line);
    }
    if (!cJSON_IsObject(root)) cerr(c, NULL, "expected a JSON object with Model and LayerName keys");
    const cJSON *hls = NULL, *model = NULL, *lname = NULL, *ltypes = NULL;
    char ignored[512] = "";
    for (const cJSON *k = root->child; k; k = k->next) {
        const char *key = k->string ? k->string : "";
        if (key_is(key, "HLSConfig")) hls = k;
        else if (key_is(key, "Model")) model = k;
        else if (key_is(key, "LayerName")) lname = k;
        else if (key_is(key, "LayerType")) ltypes = k;
        else if (project_key(key)) {
            size_t n = strlen(ignored);
            SNPRINTF(ignored + n, sizeof ignored - n, "%s%s", n ? ", " : "", key);
        } else
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
                continue;
            else cerr(c, kp, "unknown key (known: Model, LayerName, LayerType)");
        }
    }
    if (ignored[0]) fprintf(stderr, "rnnc: %s: note: ignoring hls4ml project keys: %s\n", opt->config, ignored);

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
                if (key_is(class_of(c, l, i), key)) apply_entry(c, l, k, kp, false);
                else if (key_is(key, "Softmax") && is_softmax(l)) apply_entry(c, l, k, kp, true); /* hls4ml's split-off softmax */
            }
        }
    }
    if (lname) apply_layer_names(c, lname, layers);
    cJSON_Delete(root);
    free(text);
}

void keras_apply_options(cJSON *tree, const KerasOptions *opt, const KerasLayerRef *refs,
                         const char *input_name, const char *file)
{
    Cfg c = {.file = opt->config ? opt->config : file, .tree = tree, .refs = refs, .input_name = input_name};
    cJSON *layers = cJSON_GetObjectItemCaseSensitive(tree, "layers");
    int n_layers = cJSON_GetArraySize(layers);
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
    if (opt->timesteps > 0) {
        cJSON *in = cJSON_GetObjectItemCaseSensitive(tree, "input");
        if (cJSON_IsObject(in)) set_item(in, "timesteps", cJSON_CreateNumber(opt->timesteps));
    }
}
