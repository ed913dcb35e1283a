/* precision.c: ranges -> per-layer types (--precision auto), and the per-tensor trace.
 *
 * precision_choose runs the float emulator over the calibration sequences (or, without them,
 * bounds every tensor from the weights and the input type's range), then gives every tensor a
 * type from its range: integer bits so that nothing on CAL overflows (one bit of margin) and
 * no weight wraps, fractional bits to fill the width budget; with --max-error, a search per
 * layer narrows each tensor while the fixed-point outputs on CAL stay within E of the float
 * ones. Types the model or the configuration set explicitly are kept. precision_trace pairs
 * the fixed and float runs value by value (the EmuObserver of emulate.c). docs/numerics.md,
 * "Choosing types", is the specification. */
#include "rnnc.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define AUTO_ACCUM_MAX_W 64     /* accum and state are widened up to this many bits */
#define SEARCH_SEQ 128          /* --max-error: sequences per trial (all of CAL at the end) */
#define SEARCH_TARGET 0.75      /* --max-error E: each trial must stay within 0.75 E */

/* ---- the probe: per layer and tensor, float and fixed ranges, errors, overflows ---- */

typedef struct {
    double lo, hi;          /* float range */
    double qlo, qhi;        /* fixed range */
    double max_err;         /* max |fixed - float| over paired values */
    long n, overflow;       /* fixed casts, and those that overflowed */
    double *buf;            /* float values of the current sequence (pairing) */
    size_t len, cap, pos;
} Stat;

typedef struct {
    EmuObserver base;
    int n_layers;
    bool pair;
    Stat *st;               /* [n_layers][TN_COUNT] */
} Probe;

static Stat *stat_of(Probe *p, int layer, Tensor t)
{
    if (layer < 0 || layer >= p->n_layers) BUG("observer: layer %d of %d", layer, p->n_layers);
    return &p->st[layer * TN_COUNT + t];
}

static void probe_float(EmuObserver *o, int layer, Tensor t, double v)
{
    Probe *p = (Probe *)o;
    Stat *s = stat_of(p, layer, t);
    if (v < s->lo) s->lo = v;
    if (v > s->hi) s->hi = v;
    if (!p->pair) return;
    if (s->len == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 256;
        s->buf = realloc(s->buf, s->cap * sizeof *s->buf);
        if (!s->buf) BUG("out of memory");
    }
    s->buf[s->len++] = v;
}

static void probe_fixed(EmuObserver *o, int layer, Tensor t, double v, bool overflow)
{
    Probe *p = (Probe *)o;
    Stat *s = stat_of(p, layer, t);
    if (v < s->qlo) s->qlo = v;
    if (v > s->qhi) s->qhi = v;
    s->n++;
    s->overflow += overflow;
    if (p->pair && s->pos < s->len) {
        double e = fabs(v - s->buf[s->pos++]);
        if (e > s->max_err) s->max_err = e;
    }
}

static Probe *probe_new(const Model *m, bool pair)
{
    Probe *p = xcalloc(1, sizeof *p);
    p->base.on_float = probe_float;
    p->base.on_fixed = probe_fixed;
    p->n_layers = m->n_layers;
    p->pair = pair;
    p->st = xcalloc((size_t)m->n_layers * TN_COUNT, sizeof *p->st);
    for (int i = 0; i < m->n_layers * TN_COUNT; i++) {
        p->st[i].lo = p->st[i].qlo = INFINITY;
        p->st[i].hi = p->st[i].qhi = -INFINITY;
    }
    return p;
}

static void probe_free(Probe *p)
{
    for (int i = 0; i < p->n_layers * TN_COUNT; i++) free(p->st[i].buf);
    free(p->st);
    free(p);
}

static double stat_maxabs(const Stat *s)
{
    if (s->lo > s->hi) return 0;
    return fmax(fabs(s->lo), fabs(s->hi));
}

static const double *seq_of(const Vectors *v, int k)
{
    return v->values + (size_t)k * (size_t)v->timesteps * (size_t)v->features;
}

/* Runs the sequences through the float emulator (and the fixed one: fixed), observed. */
static Probe *observe(const Model *m, const Vectors *v, bool flt, bool fixed)
{
    Probe *p = probe_new(m, flt && fixed);
    int outs = (m->out_seq ? m->out_steps : 1) * m->out_feat;
    double *real = xcalloc((size_t)outs, sizeof *real);
    int64_t *raw = xcalloc((size_t)outs, sizeof *raw);
    emulate_observe(&p->base, m);
    for (int k = 0; k < v->n_seq; k++) {
        for (int i = 0; i < m->n_layers * TN_COUNT; i++) p->st[i].len = p->st[i].pos = 0;
        if (flt) emulate_float(m, seq_of(v, k), real);
        if (fixed) emulate_fixed(m, seq_of(v, k), raw);
    }
    emulate_observe(NULL, m);
    free(real);
    free(raw);
    return p;
}

/* ---- ranges without calibration: bounds from the weights (docs/numerics.md) ---- */

typedef struct {
    double in, prod, acc, state, res;   /* max |v| per tensor */
} Bounds;

static double max_abs(const double *v, size_t n)
{
    double m = 0;
    for (size_t k = 0; v && k < n; k++) m = fmax(m, fabs(v[k]));
    return m;
}

static bool bounded_act(ActKind a) { return a == ACT_SIGMOID || a == ACT_TANH || a == ACT_HARD_SIGMOID || a == ACT_SOFTMAX; }

static bool uses_table(const Layer *l)
{
    bool rec = l->kind == L_LSTM || l->kind == L_GRU || l->kind == L_SIMPLE_RNN;
    return bounded_act(l->act) || (rec && bounded_act(l->ract));
}

/* max over columns of |b_col| + X * sum_k |w[k][col]| (rows k, cols columns) */
static double affine_bound(const double *w, const double *b, int rows, int cols, double x)
{
    double m = 0;
    for (int c = 0; c < cols; c++) {
        double s = b ? fabs(b[c]) : 0;
        for (int k = 0; k < rows; k++) s += x * fabs(w[(size_t)k * (size_t)cols + (size_t)c]);
        m = fmax(m, s);
    }
    return m;
}

static Bounds layer_bounds(const Layer *l, double x)
{
    Bounds b = {.in = x, .res = x};
    int cols = l->gates * l->units;
    if (l->kind == L_ACTIVATION) b.res = bounded_act(l->act) ? 1 : x;
    if (l->kind == L_DENSE || l->kind == L_ACTIVATION || !l->kernel) {
        if (l->kernel) {
            b.prod = x * max_abs(l->kernel, (size_t)l->in_feat * (size_t)cols);
            b.acc = affine_bound(l->kernel, l->bias, l->in_feat, cols, x);
            b.res = bounded_act(l->act) ? 1 : b.acc;
        }
        return b;
    }
    /* recurrent: h after each of in_steps steps (bounded activations: |h| <= 1) */
    double xw = affine_bound(l->kernel, l->bias, l->in_feat, cols, x), h = 0, c = 0;
    double rb = max_abs(l->rbias, (size_t)cols);
    bool bnd = bounded_act(l->act) && bounded_act(l->ract);
    for (int t = 0; t < l->in_steps; t++) {
        double pre = xw + rb + affine_bound(l->rkernel, NULL, l->units, cols, h);
        b.acc = fmax(b.acc, pre + rb);
        double g = bounded_act(l->act) ? 1 : pre, gate = bounded_act(l->ract) ? 1 : pre;
        if (l->kind == L_LSTM) {
            c = gate * c + gate * g;
            b.state = fmax(b.state, c);
            h = gate * (bounded_act(l->act) ? 1 : c);
        } else {
            h = bnd ? 1 : fmax(h, g) * fmax(1, gate);
        }
        if (h > 1e12) h = 1e12;
        b.res = fmax(b.res, fmax(h, gate));
    }
    b.prod = fmax(x * max_abs(l->kernel, (size_t)l->in_feat * (size_t)cols),
                  b.res * max_abs(l->rkernel, (size_t)l->units * (size_t)cols));
    return b;
}

/* ---- types from ranges ---- */

/* The fewest integer bits of a signed type holding [-m, m] (2^(I-1) > m). */
static int int_bits(double m)
{
    if (!(m > 0)) return 1;
    int e;
    frexp(m, &e); /* m = f * 2^e, 0.5 <= f < 1: 2^(e-1) <= m < 2^e */
    return e + 1;
}

/* The fewest integer bits so that every value of v quantizes to a W-bit type without overflow. */
static int weight_bits(const double *v, size_t n, FxType t, int W)
{
    int i = int_bits(max_abs(v, n));
    t.sgn = true;
    for (bool again = true; again && v;) {
        t.i = i;
        t.w = W > i ? W : i;
        again = false;
        for (size_t k = 0; k < n && !again; k++)
            if (!fx_fits_double(v[k], t)) again = true;
        if (again) i++;
    }
    return i;
}

static FxType make_type(FxType base, int w, int i)
{
    if (w - i > 48) w = i + 48;
    if (w - i < 0) w = i;
    if (w < 1) w = 1;
    FxType t = {.w = w, .i = i, .sgn = true, .q = base.q, .o = base.o, .n = base.n < w ? base.n : w};
    return t;
}

enum { EX_WEIGHT = 1, EX_RWEIGHT = 2, EX_BIAS = 4, EX_ACCUM = 8, EX_STATE = 16, EX_RESULT = 32, EX_TABLE = 64 };

static void set_ty(const Layer *l, FxType *slot, int bit, FxType t)
{
    if (!(l->explicit_ty & bit)) *slot = t;
}

/* Types of one weighted or activation layer from its ranges; in_f: its input's frac bits. */
static void choose_layer(Layer *l, const Bounds *b, int W, int in_f, FxType base)
{
    size_t cols = (size_t)l->gates * (size_t)l->units;
    int fw = 0;
    if (l->kernel) {
        set_ty(l, &l->ty.weight, EX_WEIGHT, make_type(base, W, weight_bits(l->kernel, (size_t)l->in_feat * cols, base, W)));
        fw = fx_frac(l->ty.weight);
    }
    if (l->rkernel) {
        set_ty(l, &l->ty.rweight, EX_RWEIGHT, make_type(base, W, weight_bits(l->rkernel, (size_t)l->units * cols, base, W)));
        if (fx_frac(l->ty.rweight) > fw) fw = fx_frac(l->ty.rweight);
    }
    if (l->bias || l->rbias) {
        int i = l->bias ? weight_bits(l->bias, cols, base, W) : 1;
        if (l->rbias) {
            int j = weight_bits(l->rbias, cols, base, W);
            if (j > i) i = j;
        }
        set_ty(l, &l->ty.bias, EX_BIAS, make_type(base, W, i));
    }
    bool bnd = bounded_act(l->act) && (l->kind == L_DENSE || l->kind == L_ACTIVATION || bounded_act(l->ract));
    int ir = bnd ? 2 : int_bits(b->res);
    set_ty(l, &l->ty.result, EX_RESULT, make_type(base, W, ir));
    int fr = fx_frac(l->ty.result);
    if (uses_table(l)) set_ty(l, &l->ty.table, EX_TABLE, make_type(base, fr + 2, 2));
    if (l->kernel) {
        int fa = fr > fw ? fr : fw;
        if (in_f > fa) fa = in_f;
        int ia = int_bits(fmax(b->acc, b->prod));
        if (ia + fa > AUTO_ACCUM_MAX_W) fa = AUTO_ACCUM_MAX_W - ia;
        set_ty(l, &l->ty.accum, EX_ACCUM, make_type(base, ia + fa, ia));
        int is = int_bits(b->state);
        set_ty(l, &l->ty.state, EX_STATE, make_type(base, is + fr > AUTO_ACCUM_MAX_W ? AUTO_ACCUM_MAX_W : is + fr, is));
    }
}

/* Ranges of layer i: observed on CAL (times 2, the margin) or bounded from x. */
static Bounds ranges_of(const Model *m, Probe *p, int i, double x)
{
    const Layer *l = &m->layers[i];
    if (!p) return layer_bounds(l, x);
    Bounds b = {.in = x};
    b.prod = 2 * stat_maxabs(stat_of(p, i, TN_PRODUCT));
    b.acc = 2 * stat_maxabs(stat_of(p, i, TN_ACCUM));
    b.state = 2 * stat_maxabs(stat_of(p, i, TN_STATE));
    b.res = 2 * stat_maxabs(stat_of(p, i, TN_RESULT));
    return b;
}

static void choose_all(Model *m, Probe *p, int W)
{
    FxType base = m->precision;
    if (p && !m->explicit_input)
        m->input_type = make_type(base, W, int_bits(2 * stat_maxabs(stat_of(p, 0, TN_INPUT))));
    double x = ldexp(1.0, m->input_type.i - 1); /* without CAL: any value the input type holds */
    int in_f = fx_frac(m->input_type);
    for (int i = 0; i < m->n_layers; i++) {
        Layer *l = &m->layers[i];
        if (l->kind == L_FLATTEN || l->kind == L_DROPOUT) continue;
        Bounds b = ranges_of(m, p, i, x);
        choose_layer(l, &b, W, in_f, base);
        x = b.res;
        in_f = fx_frac(l->ty.result);
    }
}

/* ---- --max-error: narrow each tensor while the outputs on CAL stay within E ---- */

typedef struct {
    const Vectors *cal;
    int n_seq;              /* sequences per trial */
    double *ref;            /* float outputs [n_seq][outs] */
    Vectors *hard;          /* CAL reordered, hardest first (owned) */
    int64_t *raw;
    int outs;
    double e;               /* the trials' target */
    long trials;
} Search;

static void requantize(Model *m)
{
    for (int i = 0; i < m->n_layers; i++) {
        Layer *l = &m->layers[i];
        free(l->qkernel);
        free(l->qrkernel);
        free(l->qbias);
        free(l->qrbias);
        l->qkernel = l->qrkernel = l->qbias = l->qrbias = NULL;
    }
    check_model(m);
    quantize_model(m);
}

/* max |fixed - float| over the first n sequences, stopping early above stop */
static double max_error(Model *m, Search *s, int n, double stop)
{
    requantize(m);
    s->trials++;
    double worst = 0;
    for (int k = 0; k < n && worst <= stop; k++) {
        emulate_fixed(m, seq_of(s->cal, k), s->raw);
        for (int j = 0; j < s->outs; j++)
            worst = fmax(worst, fabs(fx_to_double(s->raw[j], m->out_type) - s->ref[(size_t)k * (size_t)s->outs + (size_t)j]));
    }
    return worst;
}

/* The narrowest width of *t (same integer bits) with the error within E. */
static void narrow(Model *m, Search *s, FxType *t)
{
    FxType keep = *t;
    int lo = t->i + 1 > 2 ? t->i + 1 : 2, hi = t->w; /* hi passes */
    if (lo < t->w - 40) lo = t->w - 40;
    if (lo > hi) return;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        *t = make_type(keep, mid, keep.i);
        if (max_error(m, s, s->n_seq, s->e) <= s->e) hi = mid;
        else lo = mid + 1;
    }
    *t = make_type(keep, hi, keep.i);
}

/* The tensors --max-error narrows in layer l (those it uses and the model does not set). */
static int search_slots(const Layer *l, LayerTypes *ty, FxType **slot)
{
    FxType *all[] = {&ty->weight, &ty->rweight, &ty->bias, &ty->result, &ty->accum, &ty->state};
    static const int bit[] = {EX_WEIGHT, EX_RWEIGHT, EX_BIAS, EX_RESULT, EX_ACCUM, EX_STATE};
    bool used[] = {l->kernel != NULL, l->rkernel != NULL, l->bias || l->rbias, true, l->kernel != NULL,
                   l->kind == L_LSTM};
    int n = 0;
    if (l->kind == L_FLATTEN || l->kind == L_DROPOUT) return 0;
    for (int k = 0; k < 6; k++)
        if (used[k] && !(l->explicit_ty & bit[k])) slot[n++] = all[k];
    return n;
}

static void table_follows_result(Layer *l)
{
    if (uses_table(l)) set_ty(l, &l->ty.table, EX_TABLE, make_type(l->ty.table, fx_frac(l->ty.result) + 2, 2));
}

static void search_widths(Model *m, Search *s)
{
    for (int i = 0; i < m->n_layers; i++) {
        Layer *l = &m->layers[i];
        FxType *slot[6];
        int n = search_slots(l, &l->ty, slot);
        for (int k = 0; k < n; k++) {
            narrow(m, s, slot[k]);
            if (slot[k] == &l->ty.result) table_follows_result(l);
        }
    }
}

/* One bit more for every tensor narrower than at the start of the search; false when none. */
static bool widen_narrowed(Model *m, LayerTypes *start)
{
    bool any = false;
    for (int i = 0; i < m->n_layers; i++) {
        Layer *l = &m->layers[i];
        FxType *slot[6], *s0[6];
        int n = search_slots(l, &l->ty, slot);
        search_slots(l, &start[i], s0);
        for (int k = 0; k < n; k++) {
            if (slot[k]->w >= s0[k]->w) continue;
            *slot[k] = make_type(*slot[k], slot[k]->w + 1, slot[k]->i);
            any = true;
        }
        table_follows_result(l);
    }
    return any;
}

/* Reorders CAL (and the float outputs) by decreasing error at the current types, so that
 * the search's trials run on the sequences hardest to get right. */
typedef struct { double err; int k; } SeqErr;

static int by_err_desc(const void *a, const void *b)
{
    const SeqErr *x = a, *y = b;
    return x->err < y->err ? 1 : x->err > y->err ? -1 : x->k - y->k;
}

static void hardest_first(Model *m, Search *s)
{
    const Vectors *cal = s->cal;
    int n = cal->n_seq;
    size_t per = (size_t)cal->timesteps * (size_t)cal->features, outs = (size_t)s->outs;
    SeqErr *e = xcalloc((size_t)n, sizeof *e);
    requantize(m);
    for (int k = 0; k < n; k++) {
        emulate_fixed(m, seq_of(cal, k), s->raw);
        e[k].k = k;
        for (size_t j = 0; j < outs; j++)
            e[k].err = fmax(e[k].err, fabs(fx_to_double(s->raw[j], m->out_type) - s->ref[(size_t)k * outs + j]));
    }
    qsort(e, (size_t)n, sizeof *e, by_err_desc);
    Vectors *v = xcalloc(1, sizeof *v);
    *v = *cal;
    v->values = xcalloc((size_t)n * per, sizeof *v->values);
    double *ref = xcalloc((size_t)n * outs, sizeof *ref);
    for (int k = 0; k < n; k++) {
        memcpy(v->values + (size_t)k * per, seq_of(cal, e[k].k), per * sizeof *v->values);
        memcpy(ref + (size_t)k * outs, s->ref + (size_t)e[k].k * outs, outs * sizeof *ref);
    }
    free(s->ref);
    s->ref = ref;
    s->cal = s->hard = v;
    free(e);
}

static void choose_max_error(Model *m, Probe *p, const Vectors *cal, double e)
{
    Search s = {.cal = cal, .e = SEARCH_TARGET * e, .n_seq = cal->n_seq < SEARCH_SEQ ? cal->n_seq : SEARCH_SEQ};
    s.outs = (m->out_seq ? m->out_steps : 1) * m->out_feat;
    s.ref = xcalloc((size_t)cal->n_seq * (size_t)s.outs, sizeof *s.ref);
    s.raw = xcalloc((size_t)s.outs, sizeof *s.raw);
    for (int k = 0; k < cal->n_seq; k++) emulate_float(m, seq_of(cal, k), s.ref + (size_t)k * (size_t)s.outs);
    /* a start that meets E (with headroom) on the search's sequences: the budget widened
     * until it does, up to 32 bits (with no headroom left there, E itself) */
    choose_all(m, p, 16);
    hardest_first(m, &s);
    int W = 16;
    double err = 0;
    for (;; W += 4) {
        choose_all(m, p, W);
        if ((err = max_error(m, &s, s.n_seq, INFINITY)) <= s.e || W >= 32) break;
    }
    if (err > s.e && err <= e) s.e = e;
    double all = INFINITY;
    if (err <= s.e) {
        LayerTypes *start = xcalloc((size_t)m->n_layers, sizeof *start);
        for (int i = 0; i < m->n_layers; i++) start[i] = m->layers[i].ty;
        search_widths(m, &s);
        /* the search saw s.n_seq sequences: widen until all of CAL is within E */
        while ((all = max_error(m, &s, cal->n_seq, e)) > e && widen_narrowed(m, start)) {}
        free(start);
    }
    if (all > e) { /* the tables' resolution, not the types, sets the error */
        choose_all(m, p, 16);
        fprintf(stderr, "rnnc: warning: %s: --max-error %g: no types up to 32 bits reach it on the calibration "
                "set (the activation tables' resolution? a larger table_size helps); using the auto:16 types "
                "(%g)\n", m->path, e, max_error(m, &s, cal->n_seq, INFINITY));
    }
    free(s.ref);
    free(s.raw);
    if (s.hard) {
        free(s.hard->values);
        free(s.hard);
    }
}

void precision_choose(Model *m, const PrecisionOptions *po)
{
    Vectors *cal = po->calibrate ? read_vectors(po->calibrate, m) : NULL;
    Probe *p = cal ? observe(m, cal, true, false) : NULL;
    if (po->max_error > 0) {
        if (!cal) user_error(NULL, "--max-error needs --calibrate CAL.txt (the inputs the error is measured on)");
        choose_max_error(m, p, cal, po->max_error);
    } else {
        choose_all(m, p, po->width);
    }
    requantize(m);
    if (p) probe_free(p);
    if (cal) {
        free(cal->values);
        free(cal);
    }
}

/* ---- --trace, and the overflow warning of --emulate and --sim ---- */

static const char *const tensor_names[] = {"input", "product", "accum", "state", "result"};

static FxType tensor_type(const Model *m, const Layer *l, Tensor t)
{
    switch (t) {
    case TN_INPUT: return m->input_type;
    case TN_PRODUCT:
    case TN_ACCUM: return l->ty.accum;
    case TN_STATE: return l->ty.state;
    default: return l->ty.result;
    }
}

void precision_trace(FILE *f, const Model *m, const Vectors *v)
{
    Probe *p = observe(m, v, true, true);
    fprintf(f, "%-20s %-8s %-26s %25s %25s %10s %10s %9s\n", "layer", "tensor", "type", "float range",
            "fixed range", "max |err|", "casts", "overflows");
    for (int i = 0; i < m->n_layers; i++)
        for (int t = 0; t < TN_COUNT; t++) {
            const Stat *s = stat_of(p, i, (Tensor)t);
            if (!s->n) continue;
            char tn[64], fr[64], qr[64];
            fx_format(tensor_type(m, &m->layers[i], (Tensor)t), tn, sizeof tn);
            snprintf(fr, sizeof fr, "[%.5g, %.5g]", s->lo, s->hi);
            snprintf(qr, sizeof qr, "[%.5g, %.5g]", s->qlo, s->qhi);
            fprintf(f, "%-20s %-8s %-26s %25s %25s %10.4g %10ld %9ld\n", m->layers[i].name, tensor_names[t], tn,
                    fr, qr, s->max_err, s->n, s->overflow);
        }
    probe_free(p);
}

long precision_warn_overflow(const Model *m, const Vectors *v, const char *vec_path)
{
    Probe *p = observe(m, v, false, true);
    long total = 0;
    char where[512] = "";
    size_t n = 0;
    for (int i = 0; i < m->n_layers; i++)
        for (int t = 0; t < TN_COUNT; t++) {
            const Stat *s = stat_of(p, i, (Tensor)t);
            if (!s->overflow) continue;
            total += s->overflow;
            if (n < sizeof where - 80)
                n += (size_t)snprintf(where + n, sizeof where - n, "%s%s %s %ld", n ? ", " : "", m->layers[i].name,
                                      tensor_names[t], s->overflow);
        }
    if (total)
        fprintf(stderr, "rnnc: warning: %s: %ld fixed-point casts overflowed (wrapped or saturated) on these inputs: "
                "%s (see --trace; --precision auto --calibrate chooses types that hold them)\n", vec_path, total, where);
    probe_free(p);
    return total;
}

/* ---- the chosen types, written out ---- */

static cJSON *type_str(FxType t)
{
    char buf[64];
    fx_format(t, buf, sizeof buf);
    return cJSON_CreateString(buf);
}

/* {"weight": ..., ...}: the types layer l uses (shape-only layers: none) */
cJSON *precision_layer_types(const Layer *l)
{
    cJSON *o = cJSON_CreateObject();
    bool weighted = l->kernel != NULL;
    if (weighted) {
        cJSON_AddItemToObject(o, "weight", type_str(l->ty.weight));
        cJSON_AddItemToObject(o, "bias", type_str(l->ty.bias));
    }
    if (l->rkernel) cJSON_AddItemToObject(o, "recurrent_weight", type_str(l->ty.rweight));
    if (weighted) cJSON_AddItemToObject(o, "accum", type_str(l->ty.accum));
    if (l->kind == L_LSTM) cJSON_AddItemToObject(o, "state", type_str(l->ty.state));
    cJSON_AddItemToObject(o, "result", type_str(l->ty.result));
    cJSON_AddItemToObject(o, "table", type_str(l->ty.table));
    return o;
}

static bool has_types(const Layer *l) { return l->kind != L_FLATTEN && l->kind != L_DROPOUT; }

void precision_to_tree(const Model *m, cJSON *tree)
{
    cJSON *layers = cJSON_GetObjectItemCaseSensitive(tree, "layers");
    cJSON *in = cJSON_GetObjectItemCaseSensitive(tree, "input");
    if (in) {
        cJSON_DeleteItemFromObjectCaseSensitive(in, "precision");
        cJSON_AddItemToObject(in, "precision", type_str(m->input_type));
    }
    for (int i = 0; i < m->n_layers; i++) {
        const Layer *l = &m->layers[i];
        cJSON *t = cJSON_GetArrayItem(layers, l->json_index);
        if (!t || !has_types(l)) continue;
        cJSON_DeleteItemFromObjectCaseSensitive(t, "precision");
        cJSON_AddItemToObject(t, "precision", precision_layer_types(l));
    }
}

/* A Bidirectional's directions as hls4ml's forward_/backward_ keys (one table_t for both). */
static void config_directions(cJSON *o, cJSON *p, const Layer *l)
{
    static const char *const dir[] = {"forward_", "backward_"}, *const rf[] = {"ForwardReuseFactor",
                                                                              "BackwardReuseFactor"};
    cJSON_ReplaceItemInObjectCaseSensitive(o, "table_t", type_str(l->dir[0]->ty.table));
    cJSON_ReplaceItemInObjectCaseSensitive(o, "TableSize", cJSON_CreateNumber(l->dir[0]->table_size));
    for (int d = 0; d < 2; d++) {
        cJSON *dp = precision_layer_types(l->dir[d]);
        cJSON_DeleteItemFromObjectCaseSensitive(dp, "table");
        for (cJSON *k = dp->child; k; k = k->next) {
            char key[64];
            snprintf(key, sizeof key, "%s%s", dir[d], k->string);
            cJSON_AddItemToObject(p, key, cJSON_CreateString(k->valuestring));
        }
        cJSON_Delete(dp);
        cJSON_AddNumberToObject(o, rf[d], l->dir[d]->reuse);
    }
}

/* The LayerName entries of one layer. hls4ml 1.3 reads table types as table_t only, and a
 * Dense's activation as a layer of its own, "<name>_<activation>", whose result is rnnc's; the
 * Dense's own result (before the activation) is then "auto": hls4ml's exact type of the sum, a
 * cast that changes nothing. At a Dropout hls4ml casts: to its input's type, no change. */
static void config_entry(cJSON *names, const Layer *l)
{
    static const char *const act_name[] = {[ACT_RELU] = "relu", [ACT_SIGMOID] = "sigmoid", [ACT_TANH] = "tanh",
                                           [ACT_HARD_SIGMOID] = "hard_sigmoid", [ACT_SOFTMAX] = "softmax"};
    if (l->kind == L_DROPOUT) {
        cJSON *dp = cJSON_AddObjectToObject(cJSON_AddObjectToObject(names, l->name), "Precision");
        cJSON_AddItemToObject(dp, "result", type_str(l->ty.result));
    }
    if (!has_types(l)) return;
    cJSON *o = cJSON_AddObjectToObject(names, l->name);
    cJSON *p = precision_layer_types(l);
    cJSON_AddItemToObject(o, "Precision", p);
    cJSON *table = cJSON_DetachItemFromObjectCaseSensitive(p, "table"), *t = o;
    if (l->kind == L_DENSE && l->act != ACT_LINEAR) {
        char an[RNNC_NAME_MAX + 16];
        snprintf(an, sizeof an, "%s_%s", l->name, act_name[l->act]);
        t = cJSON_AddObjectToObject(names, an);
        cJSON_AddItemToObject(cJSON_AddObjectToObject(t, "Precision"), "result",
                              cJSON_DetachItemFromObjectCaseSensitive(p, "result"));
        cJSON_AddStringToObject(p, "result", "auto");
    }
    cJSON_AddItemToObject(t, "table_t", table);
    cJSON_AddNumberToObject(t, "TableSize", l->table_size);
    if (l->kernel) cJSON_AddNumberToObject(o, "ReuseFactor", l->reuse);
    if (l->kind == L_BIDIRECTIONAL) config_directions(o, p, l);
}

void precision_write_config(const Model *m, const char *path)
{
    cJSON *root = cJSON_CreateObject(), *model = cJSON_AddObjectToObject(root, "Model");
    cJSON_AddItemToObject(model, "Precision", type_str(m->precision));
    cJSON_AddNumberToObject(model, "ReuseFactor", m->reuse);
    cJSON *names = cJSON_AddObjectToObject(root, "LayerName");
    cJSON *in = cJSON_AddObjectToObject(names, "input");
    cJSON_AddItemToObject(in, "Precision", type_str(m->input_type));
    for (int i = 0; i < m->n_layers; i++) config_entry(names, &m->layers[i]);
    char *text = cJSON_Print(root);
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) user_error(path, "cannot write the configuration");
    bool ok = fprintf(f, "%s\n", text) >= 0;
    if (fclose(f) != 0 || !ok || rename(tmp, path) != 0) {
        remove(tmp);
        user_error(path, "cannot write the configuration");
    }
    free(text);
    cJSON_Delete(root);
}

void print_types(FILE *f, const Model *m)
{
    char t[64];
    fx_format(m->input_type, t, sizeof t);
    fprintf(f, "  types: input %s\n", t);
    for (int i = 0; i < m->n_layers; i++) {
        const Layer *l = &m->layers[i];
        if (!has_types(l)) continue;
        cJSON *o = precision_layer_types(l);
        fprintf(f, "    %-16s", l->name);
        for (const cJSON *k = o->child; k; k = k->next) fprintf(f, " %s %s", k->string, k->valuestring);
        fputc('\n', f);
        cJSON_Delete(o);
    }
}
