/* hls4ml.c: the parts of --numerics hls4ml that are hls4ml's own designs (docs/numerics.md,
 * "hls4ml numerics"): its three softmax implementations (stable, latency, legacy) as
 * hls4ml 1.3's Vivado/Vitis nnet_activation.h computes them with io_parallel, and the
 * numerics switch of a model. The recurrent layers' and dense's casts are in emulate.c.
 *
 * Softmax types: the layer's sm (model.json "softmax"; defaults hls4ml's: exp_table_t,
 * inv_table_t and inv_inp_t ap_fixed<18,8,AP_RND,AP_SAT>, accum_t the model's default type);
 * the input (data_T) is the layer's sm.input (the result type of the Dense in front of hls4ml's
 * split-off softmax; the dense's accum is cast to it) or, for an activation layer, its input type; legacy uses the
 * layer's table type for both of its tables and its sums. */
#include "rnnc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void set_numerics(Model *m, Numerics n)
{
    m->numerics = n;
    for (int i = 0; i < m->n_layers; i++) {
        Layer *l = &m->layers[i];
        l->numerics = n;
        for (int d = 0; d < 2; d++)
            if (l->dir[d]) l->dir[d]->numerics = n;
    }
}

const char *softmax_impl_name(SoftmaxImpl s)
{
    return s == SM_LATENCY ? "latency" : s == SM_LEGACY ? "legacy" : "stable";
}

bool softmax_impl_by_name(const char *name, SoftmaxImpl *out)
{
    static const SoftmaxImpl all[] = {SM_STABLE, SM_LATENCY, SM_LEGACY};
    for (int i = 0; i < 3; i++)
        if (!strcmp(name, softmax_impl_name(all[i]))) {
            *out = all[i];
            return true;
        }
    return false;
}

/* ---- the tables, built once per layer ---- */

typedef struct SmCache {
    const Layer *l;
    int n_exp, n_inv;           /* entries (powers of two) */
    int64_t *exp, *inv;         /* raws of exp_t / inv_t (legacy: both of the table type) */
    struct SmCache *next;
} SmCache;

static SmCache *sm_cache;

static int ilog2(long n)
{
    int k = 0;
    while ((1L << (k + 1)) <= n) k++;
    return k;
}

/* The value of a W-bit fixed-point number (frac F, signed or not) whose top n bits are i and
 * the rest zero, as a float (softmax_real_val_from_idx). */
static float top_bits_value(int w, int f, bool sgn, int n, long i)
{
    wide_t raw = (wide_t)i << (w - n);
    if (sgn && (raw >> (w - 1)) & 1) raw -= (wide_t)1 << w;
    return (float)ldexp((double)raw, -f);
}

/* hls4ml's table sizes: FixSoftmaxTableSize caps table_size at 2^min(input width, inv_table_t
 * width); stable also caps exp_table_size at 2^(input width - 1) (its unsigned difference). */
static void sm_sizes(const Layer *l, FxType in, int *n_exp, int *n_inv)
{
    long n = l->table_size;
    int bw = in.w < l->sm.inv_table.w ? in.w : l->sm.inv_table.w;
    if (bw < 30 && (1L << bw) < n) n = 1L << bw;
    *n_inv = (int)n;
    *n_exp = (int)n;
    if (l->softmax_impl == SM_STABLE && in.sgn && (1L << (in.w - 1)) < n) *n_exp = (int)(1L << (in.w - 1));
}

static SmCache *sm_tables(const Layer *l, FxType in)
{
    for (SmCache *c = sm_cache; c; c = c->next)
        if (c->l == l) return c;
    SmCache *c = xcalloc(1, sizeof *c);
    c->l = l;
    FxType tt = l->sm.exp_table, it = l->sm.inv_table, ii = l->sm.inv_inp;
    if (l->softmax_impl == SM_LEGACY) {
        c->n_exp = c->n_inv = l->table_size;
        tt = it = l->ty.table;
    } else {
        sm_sizes(l, in, &c->n_exp, &c->n_inv);
    }
    c->exp = xcalloc((size_t)c->n_exp, sizeof *c->exp);
    c->inv = xcalloc((size_t)c->n_inv, sizeof *c->inv);
    int ne = ilog2(c->n_exp), ni = ilog2(c->n_inv);
    for (int i = 0; i < c->n_exp; i++) {
        float x;
        if (l->softmax_impl == SM_LEGACY) x = (float)(2 * 8.0 * (i - c->n_exp / 2.0) / c->n_exp);
        else if (l->softmax_impl == SM_STABLE) x = -top_bits_value(in.w - 1, fx_frac(in), false, ne, i);
        else x = top_bits_value(in.w, fx_frac(in), in.sgn, ne, i);
        c->exp[i] = fx_from_double((double)expf(x), tt);
    }
    for (int i = 0; i < c->n_inv; i++) {
        double v;
        if (l->softmax_impl == SM_LEGACY) {
            float x = (float)(64.0 * i / c->n_inv);
            v = x > 0 ? 1.0 / (double)x : 0.0; /* a double, stored as table_t */
        } else {
            float x = top_bits_value(ii.w, fx_frac(ii), ii.sgn, ni, i);
            v = (float)(1 / x); /* 1/0: +inf, saturated */
        }
        c->inv[i] = fx_from_double(v, it);
    }
    c->next = sm_cache;
    sm_cache = c;
    return c;
}

/* stable and latency's tables as Tables (tables.c's lookup, the RTL's rnnc_activation): indexed
 * by the unsigned bit pattern u of the uw-bit value hls4ml slices its index from (stable: the
 * wrapped difference, uw = W_D - 1; latency: the input itself, uw = W_D), u * 2^-frac with frac
 * the input's: index = trunc0(u * 2^(log2 N - uw)) = the top log2 N bits. The exp entries are
 * already cast to the softmax accum (hls4ml's exp_res). */
static Table *sm_table(int n, int scale_shift, FxType out, const int64_t *raw, FxType raw_t)
{
    Table *t = xcalloc(1, sizeof *t);
    t->n = n;
    t->scale_shift = scale_shift;
    t->offset = 0;
    t->out = out;
    t->entries = xcalloc((size_t)n, sizeof *t->entries);
    for (int i = 0; i < n; i++) t->entries[i] = fx_cast(raw[i], fx_frac(raw_t), out);
    return t;
}

typedef struct SmTables {
    const Layer *l;
    Table *exp, *inv;
    struct SmTables *next;
} SmTables;

static SmTables *smt_cache;

static SmTables *hls_tables(const Layer *l, FxType in)
{
    for (SmTables *c = smt_cache; c; c = c->next)
        if (c->l == l) return c;
    if (l->softmax_impl == SM_LEGACY) BUG("layer %s: legacy softmax has no index tables", l->name);
    const SmCache *c = sm_tables(l, in);
    SmTables *t = xcalloc(1, sizeof *t);
    t->l = l;
    int uw = l->softmax_impl == SM_STABLE ? in.w - 1 : in.w;
    t->exp = sm_table(c->n_exp, ilog2(c->n_exp) - uw + fx_frac(in), l->sm.accum, c->exp, l->sm.exp_table);
    t->inv = sm_table(c->n_inv, ilog2(c->n_inv) - l->sm.inv_inp.w + fx_frac(l->sm.inv_inp), l->sm.inv_table, c->inv,
                      l->sm.inv_table);
    t->next = smt_cache;
    smt_cache = t;
    return t;
}

Table *table_hls_exp(const Layer *l, FxType in) { return hls_tables(l, in)->exp; }
Table *table_hls_inv(const Layer *l, FxType in) { return hls_tables(l, in)->inv; }

/* legacy's tables as Tables (the RTL, emit_ref.c), indexed as softmax_legacy indexes them:
 * exp by d = x_j - x_i of the input's frac F, trunc0(d N / 2^(F+4)) + N/2, which is
 * table_lookup's trunc0(d 2^(log2 N - 4 - F)) + N/2, entries of the table type T; the
 * reciprocal by the T-typed sum s, trunc0(s N / 2^(F_T+6)), entries cast to the result type
 * (legacy's last cast). The emulator keeps its own formulas: e2e compares the two. */
static Table *legacy_table(const Layer *l, bool inv)
{
    static struct LegacyTables { const Layer *l; Table *t[2]; struct LegacyTables *next; } *cache;
    struct LegacyTables *c = cache;
    while (c && c->l != l) c = c->next;
    if (!c) {
        if (l->softmax_impl != SM_LEGACY) BUG("layer %s: not a legacy softmax", l->name);
        const SmCache *raw = sm_tables(l, l->sm.input); /* legacy's tables do not depend on the input */
        FxType tt = l->ty.table;
        c = xcalloc(1, sizeof *c);
        c->l = l;
        c->t[0] = sm_table(raw->n_exp, ilog2(raw->n_exp) - 4, tt, raw->exp, tt);
        c->t[0]->offset = raw->n_exp / 2;
        c->t[1] = sm_table(raw->n_inv, ilog2(raw->n_inv) - 6, l->ty.result, raw->inv, tt);
        c->next = cache;
        cache = c;
    }
    return c->t[inv];
}

Table *table_hls_legacy_exp(const Layer *l) { return legacy_table(l, false); }
Table *table_hls_legacy_inv(const Layer *l) { return legacy_table(l, true); }

/* the table type's 1, legacy's term for j == i */
int64_t hls_legacy_one(const Layer *l) { return fx_cast((wide_t)1, 0, l->ty.table); }

/* The w-bit two's complement pattern of raw, as an unsigned number */
static wide_t pattern(wide_t raw, int w)
{
    return w >= 64 ? (wide_t)(uint64_t)raw : (wide_t)((uint64_t)raw & (((uint64_t)1 << w) - 1));
}

/* nnet::reduce with Op_add in type t: a balanced tree, left part the largest power of two
 * below n, every sum cast to t. */
static int64_t reduce_add(const int64_t *x, int n, FxType t)
{
    if (n == 1) return x[0];
    if (n == 2) return fx_cast((wide_t)x[0] + x[1], fx_frac(t), t);
    int left = 1;
    while (left * 2 <= n - 1) left *= 2;
    return fx_cast((wide_t)reduce_add(x, left, t) + reduce_add(x + left, n - left, t), fx_frac(t), t);
}

static void softmax_legacy(const Layer *l, const SmCache *c, const int64_t *v, int n, FxType in, int64_t *y)
{
    FxType tt = l->ty.table;
    int ft = fx_frac(tt), fin = fx_frac(in), nt = c->n_exp;
    for (int i = 0; i < n; i++) {
        int64_t acc = 0;
        for (int j = 0; j < n; j++) {
            int64_t e;
            if (i == j) {
                e = fx_cast((wide_t)1, 0, tt);
            } else { /* (data[j] - data[i]) * N / 16, to int (toward zero), + N / 2 */
                wide_t idx = fx_trunc0_shift(((wide_t)v[j] - v[i]) * nt, fin + 4) + nt / 2;
                e = c->exp[idx < 0 ? 0 : idx > nt - 1 ? nt - 1 : (long)idx];
            }
            acc = fx_cast((wide_t)acc + e, ft, tt);
        }
        wide_t idx = fx_trunc0_shift((wide_t)acc * c->n_inv, ft + 6); /* exp_res * N / 64 */
        idx = idx < 0 ? 0 : idx > c->n_inv - 1 ? c->n_inv - 1 : idx;
        y[i] = fx_cast(c->inv[(long)idx], ft, l->ty.result);
    }
}

/* softmax over n values v of type in (hls4ml's data_T) into raws of ty.result */
void hls4ml_softmax(const Layer *l, const int64_t *v, int n, FxType in, int64_t *y)
{
    const SmCache *c = sm_tables(l, in);
    if (l->softmax_impl == SM_LEGACY) {
        softmax_legacy(l, c, v, n, in, y);
        return;
    }
    FxType A = l->sm.accum, it = l->sm.inv_inp, iv = l->sm.inv_table;
    const SmTables *t = hls_tables(l, in);
    int64_t *e = xcalloc((size_t)n, sizeof *e);
    int64_t mx = v[0];
    for (int j = 1; j < n; j++) /* Op_max over the tree: the maximum, whatever the order */
        if (v[j] > mx) mx = v[j];
    for (int j = 0; j < n; j++) { /* stable: x_max - x in ap_ufixed<W-1, I-1>, which wraps */
        wide_t u = l->softmax_impl == SM_STABLE ? pattern((wide_t)mx - v[j], in.w - 1) : pattern(v[j], in.w);
        e[j] = table_lookup(t->exp, u, fx_frac(in));
    }
    int64_t s = fx_cast(reduce_add(e, n, A), fx_frac(A), it);
    int64_t inv = table_lookup(t->inv, pattern(s, it.w), fx_frac(it));
    for (int j = 0; j < n; j++) y[j] = fx_cast((wide_t)e[j] * inv, fx_frac(A) + fx_frac(iv), l->ty.result);
    free(e);
}

/* ---- where hls4ml's order of a sum matters ---- */

/* An accum type whose casts are modular (AP_WRAP without saturation bits): then every order
 * of a sum, and one cast of the exact sum, give the same. */
static bool fx_wraps(FxType t) { return t.o == O_WRAP && t.n == 0; }

/* A dense or recurrent layer whose matrix products must add their terms in hls4ml's order
 * (the emulator's affine_run_q: bias, products by input, each sum cast to accum): lower.c
 * then builds rnnc_sat_sum's chain instead of an adder tree. */
bool hls4ml_sat_order(const Layer *l) { return l->numerics == NUM_HLS4ML && !fx_wraps(l->ty.accum); }

/* A softmax (stable or latency) whose exp sum must follow nnet::reduce's tree (reduce_add):
 * AP_SAT and AP_SAT_SYM over entries that are never negative give the exact sum's cast in any
 * order (a saturated partial sum stays saturated); anything else may not. */
bool hls4ml_softmax_sat_order(const Layer *l)
{
    if (l->numerics != NUM_HLS4ML || l->softmax_impl == SM_LEGACY || fx_wraps(l->sm.accum)) return false;
    if (l->sm.accum.o != O_SAT && l->sm.accum.o != O_SAT_SYM) return true;
    const Table *t = table_hls_exp(l, l->sm.input);
    for (int k = 0; k < t->n; k++)
        if (t->entries[k] < 0) return true;
    return false;
}

/* ---- what --numerics hls4ml supports ---- */

static _Noreturn void hls_unsupported(const Model *m, const Layer *l, const char *what)
{
    user_error(m->path, "layer %s: --numerics hls4ml: %s", l->name, what);
}

/* The layers hls4ml's numerics are defined for here (any use, the emulator included). */
void hls4ml_check(const Model *m)
{
    for (int i = 0; i < m->n_layers; i++) {
        const Layer *l = &m->layers[i];
        if (l->kind == L_BIDIRECTIONAL)
            hls_unsupported(m, l, "bidirectional layers are not modelled (use rnnc's numerics)");
        if (l->act == ACT_HARD_SIGMOID || l->ract == ACT_HARD_SIGMOID)
            hls_unsupported(m, l, "hls4ml's hard_sigmoid is not a table; not modelled (use rnnc's numerics)");
        if (l->go_backwards) hls_unsupported(m, l, "go_backwards is not modelled (use rnnc's numerics)");
        if (l->kind == L_SIMPLE_RNN)
            hls_unsupported(m, l, "hls4ml 1.3's Vivado/Vitis backend writes no code for a SimpleRNN (its output is "
                                  "left unset), so there is nothing to match (use rnnc's numerics)");
        if (l->kind == L_LSTM && !fx_equal(l->ty.accum, l->ty.result))
            hls_unsupported(m, l, "hls4ml 1.3 does not compile an LSTM whose accum type differs from its result "
                                  "type (its non-static lstm template), so there is nothing to match; give both "
                                  "one type (or use rnnc's numerics)");
        if (l->kind == L_GRU && !l->reset_after)
            hls_unsupported(m, l, "hls4ml 1.3 converts a GRU with reset_after false wrongly (bias[0] and bias[1], "
                                  "two numbers, as its two bias rows, read past their end), so there is nothing "
                                  "to match (use rnnc's numerics)");
    }
}

/* hls4ml's softmax in RTL (emit_verilog.c): legacy always (emit_softmax_legacy sums in
 * hls4ml's order); stable or latency (emit_softmax_hls), its exp sum along hls4ml's tree of
 * accum sums where the order can matter (hls4ml_softmax_sat_order), else the exact sum cast
 * once, which is the same. */
static void check_softmax_rtl(const Model *m, const Layer *l)
{
    if (l->softmax_impl == SM_LEGACY) return; /* its sums in hls4ml's order (emit_softmax_legacy) */
    if (l->sm.input.w < 2) hls_unsupported(m, l, "a softmax input of 1 bit is not implemented in RTL");
}

/* One product of a saturating accum in hls4ml's order: n_out outputs of nt terms at reuse rf
 * (what: its name in the message) keep the order when every output stays on one multiplier
 * (rnnc_mac_sat then starts each run from its bias): reuse factor 1, a multiple of nt, or all
 * products on one multiplier. */
static void check_sat_product(const Model *m, const Layer *l, const char *what, long n_out, int nt, int rf)
{
    if (mvm_whole_runs(n_out, nt, rf)) return;
    user_error(m->path, "layer %s: --numerics hls4ml: %s %d splits an output's sum across multipliers, which "
               "breaks hls4ml's order under the saturating accum; use 1, a multiple of %d (the terms per "
               "output), or %ld (one multiplier) (--emulate models every reuse factor)", l->name, what, rf, nt,
               n_out * nt);
}

/* Whether reuse factor r (recurrent_reuse_factor as given, else r too) keeps hls4ml's order in
 * layer l's products (always, unless hls4ml_sat_order): the reuse-factor search keeps to these. */
bool hls4ml_reuse_keeps_order(const Layer *l, int r)
{
    if (!hls4ml_sat_order(l)) return true;
    long outs = (long)l->gates * l->units;
    if (l->kind == L_DENSE) return mvm_whole_runs(outs, l->in_feat, r);
    return mvm_whole_runs(outs, l->in_feat, r) && mvm_whole_runs(outs, l->units, l->rreuse ? l->rreuse : r);
}

/* A saturating accum (hls4ml_sat_order): rnnc_sat_sum and rnnc_mac_sat keep hls4ml's order
 * where every output's sum is one multiplier's run (a recurrent layer is built split: x*W at
 * reuse_factor, h*U at recurrent_reuse_factor, lower.c's cell_form). */
static void check_sat_order_rtl(const Model *m, const Layer *l)
{
    if (!hls4ml_sat_order(l)) return;
    int u = l->units;
    if (l->kind == L_DENSE) {
        check_sat_product(m, l, "reuse_factor", u, l->in_feat, l->reuse);
        return;
    }
    check_sat_product(m, l, "reuse_factor", (long)l->gates * u, l->in_feat, l->reuse);
    check_sat_product(m, l, l->rreuse ? "recurrent_reuse_factor" : "reuse_factor (h*U's too)", (long)l->gates * u, u,
                      l->rreuse ? l->rreuse : l->reuse);
}

/* The RTL (rtl_lib's cells, rnnc's softmax) computes rnnc's numerics; under hls4ml's it is
 * bit-exact where the two coincide (docs/numerics.md, "hls4ml numerics", In RTL): sums in
 * hls4ml's order where an accum saturates (check_sat_order_rtl), a GRU's gates in accum
 * (rnnc_gru_cell's G type, at most 64 bits) and an LSTM whose state type is its result type,
 * a softmax as check_softmax_rtl allows. Anything else: a clear
 * error. */
void hls4ml_check_rtl(const Model *m)
{
    char a[64];
    for (int i = 0; i < m->n_layers; i++) {
        const Layer *l = &m->layers[i];
        bool rec = l->kind == L_LSTM || l->kind == L_GRU;
        if (l->act == ACT_SOFTMAX) check_softmax_rtl(m, l);
        if (l->kind == L_DENSE || rec) check_sat_order_rtl(m, l);
        if (rec && layer_gate_type(l).w > FX_MAX_W) { /* rnnc_gru_cell's gates: at most 64 bits */
            fx_format(l->ty.accum, a, sizeof a);
            user_error(m->path, "layer %s: --numerics hls4ml: hls4ml keeps the gates in the accum type, %s, and "
                       "the RTL's gates are at most %d bits wide; use a narrower accum for RTL (--emulate models "
                       "it)", l->name, a, FX_MAX_W);
        }
        if (l->kind == L_LSTM && !fx_equal(l->ty.state, l->ty.result))
            hls_unsupported(m, l, "hls4ml keeps the LSTM state in the result type; give state the result's type "
                                  "for RTL (--emulate models it)");
    }
}
