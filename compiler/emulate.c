/* emulate.c: runs a checked, quantized Model on one input sequence, two ways.
 *
 * emulate_fixed is the bit-exact model of the emitted RTL: every value is an integer raw of
 * a known FxType, all arithmetic is exact in wide_t, and fx_cast happens exactly where
 * docs/numerics.md puts a cast_T. emulate_float runs the same graph in double precision
 * with the exact functions (the quantization-error reference). Both walk the layers in
 * order, carrying the current activation as a (possibly one-step) sequence. */
#include "rnnc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- the value flowing between layers ---- */

typedef struct {
    bool seq;
    int steps, feat;    /* steps is 1 when !seq */
    FxType t;           /* fixed mode: the type of every element */
    int64_t *q;         /* fixed mode: [steps][feat] raw values */
    double *d;          /* float mode: [steps][feat] */
} Act;

static void check_shape(const Layer *l, const Act *x)
{
    if (x->seq != l->in_seq || x->feat != l->in_feat || (x->seq && x->steps != l->in_steps))
        BUG("layer %s: input shape %s%dx%d does not match check.c's %s%dx%d", l->name,
            x->seq ? "seq " : "", x->steps, x->feat, l->in_seq ? "seq " : "", l->in_steps,
            l->in_feat);
}

static Act new_act(bool seq, int steps, int feat, bool fixed)
{
    Act a = {.seq = seq, .steps = seq ? steps : 1, .feat = feat};
    size_t n = (size_t)a.steps * (size_t)feat;
    if (fixed) a.q = xcalloc(n, sizeof *a.q);
    else a.d = xcalloc(n, sizeof *a.d);
    return a;
}

static void free_act(Act *a)
{
    free(a->q);
    free(a->d);
    a->q = NULL;
    a->d = NULL;
}

static int64_t qget(const int64_t *v, size_t i) { return v ? v[i] : 0; }
static double dget(const double *v, size_t i) { return v ? v[i] : 0.0; }

/* ---- the observer (emulate_observe): both runs report each value at the same points, in
 * the same order, so an observer can pair the fixed value with its float counterpart ---- */

static EmuObserver *obs;
static const Layer *obs_layers;
static int obs_n;

void emulate_observe(EmuObserver *o, const Model *m)
{
    obs = o;
    obs_layers = o ? m->layers : NULL;
    obs_n = o ? m->n_layers : 0;
}

/* The model layer a value belongs to: a bidirectional's directions report as the wrapper. */
static int obs_index(const Layer *l)
{
    for (int i = 0; i < obs_n; i++)
        if (l == &obs_layers[i] || (obs_layers[i].kind == L_BIDIRECTIONAL &&
                                    (l == obs_layers[i].dir[0] || l == obs_layers[i].dir[1])))
            return i;
    BUG("observer: layer %s is not the model's", l->name);
}

static void see_d(const Layer *l, Tensor tn, double v)
{
    if (obs && obs->on_float) obs->on_float(obs, obs_index(l), tn, v);
}

static void see_q(const Layer *l, Tensor tn, wide_t raw, FxType t, bool overflow)
{
    if (obs && obs->on_fixed) obs->on_fixed(obs, obs_index(l), tn, fx_to_double(raw, t), overflow);
}

/* fx_cast, reported to the observer as a value of tensor tn (with whether it overflowed) */
static wide_t cast_o(const Layer *l, Tensor tn, wide_t raw, int frac, FxType t)
{
    wide_t r = fx_cast(raw, frac, t);
    if (obs && obs->on_fixed) see_q(l, tn, r, t, !fx_cast_fits(raw, frac, t));
    return r;
}

/* ---- fixed point ---- */

/* act(v) for an elementwise activation, v = raw * 2^-frac; returns a raw of type out. */
static int64_t act_qt(const Layer *l, ActKind a, wide_t raw, int frac, FxType out)
{
    switch (a) {
    case ACT_LINEAR: return cast_o(l, TN_RESULT, raw, frac, out);
    case ACT_RELU: return cast_o(l, TN_RESULT, raw > 0 ? raw : 0, frac, out);
    case ACT_SIGMOID:
    case ACT_TANH:
    case ACT_HARD_SIGMOID: {
        int64_t r = table_lookup(table_for_out(l, a, out), raw, frac);
        see_q(l, TN_RESULT, r, out, false);
        return r;
    }
    case ACT_SOFTMAX: break;
    }
    BUG("layer %s: %s is not an elementwise activation", l->name, act_name(a));
}

/* act(v) into ty.result */
static int64_t act_q(const Layer *l, ActKind a, wide_t raw, int frac) { return act_qt(l, a, raw, frac, l->ty.result); }

/* sum_k cast_A(x_k * w[k][col]): products exact, each cast to accum, the sum exact. */
static wide_t dot_q(const Layer *l, const int64_t *x, int n, int xfrac, const int64_t *w,
                    int stride, int col, int wfrac)
{
    wide_t s = 0;
    for (int k = 0; k < n; k++)
        s += cast_o(l, TN_PRODUCT, (wide_t)x[k] * w[(size_t)k * (size_t)stride + (size_t)col], xfrac + wfrac,
                    l->ty.accum);
    return s;
}

/* a * 2^(to - from), to >= from: brings an exact value to more fractional bits. */
static wide_t align(wide_t v, int from, int to) { return v * ((wide_t)1 << (to - from)); }

/* hls4ml's dense (nnet_dense_latency.h): acc = cast_A(bias[col]) (bias of frac bfrac), then
 * acc = cast_A(acc + cast_A(x_k * w[k][col])) for k = 0, 1, ...: with a saturating accum the
 * order matters. */
static wide_t affine_run_q(const Layer *l, const int64_t *bias, int bfrac, const int64_t *x, int n,
                            int xfrac, const int64_t *w, int stride, int col, int wfrac)
{
    FxType A = l->ty.accum;
    int fa = fx_frac(A);
    wide_t acc = fx_cast(qget(bias, (size_t)col), bfrac, A);
    for (int k = 0; k < n; k++) {
        wide_t p = cast_o(l, TN_PRODUCT, (wide_t)x[k] * w[(size_t)k * (size_t)stride + (size_t)col], xfrac + wfrac, A);
        acc = cast_o(l, TN_ACCUM, (wide_t)acc + p, fa, A);
    }
    return acc;
}

/* cast_A(b' + sum_k cast_A(x_k * w[k][col])) with b' = cast_A(bias[col]). */
static wide_t affine_q(const Layer *l, const int64_t *bias, const int64_t *x, int n,
                        int xfrac, const int64_t *w, int stride, int col, int wfrac)
{
    if (l->numerics == NUM_HLS4ML)
        return affine_run_q(l, bias, fx_frac(l->ty.bias), x, n, xfrac, w, stride, col, wfrac);
    wide_t b = fx_cast(qget(bias, (size_t)col), fx_frac(l->ty.bias), l->ty.accum);
    return cast_o(l, TN_ACCUM, b + dot_q(l, x, n, xfrac, w, stride, col, wfrac), fx_frac(l->ty.accum),
                  l->ty.accum);
}

/* Softmax of n values v (raw, frac) into raws of ty.result (numerics.md, softmax). */
static void softmax_q(const Layer *l, const wide_t *v, int n, int frac, int64_t *y)
{
    const Table *te = table_exp(l), *ti = table_inv(l);
    int ft = fx_frac(te->out);
    wide_t mx = v[0];
    for (int j = 1; j < n; j++)
        if (v[j] > mx) mx = v[j];
    int64_t *e = xcalloc((size_t)n, sizeof *e);
    wide_t s = 0;
    for (int j = 0; j < n; j++) {
        e[j] = table_lookup(te, v[j] - mx, frac);
        s += e[j];
    }
    int64_t inv = table_lookup(ti, s, ft);
    for (int j = 0; j < n; j++)
        y[j] = cast_o(l, TN_RESULT, (wide_t)e[j] * inv, ft + fx_frac(ti->out), l->ty.result);
    free(e);
}

static Act dense_q(const Layer *l, const Act *x)
{
    int u = l->units;
    Act y = new_act(x->seq, x->steps, u, true);
    y.t = l->ty.result;
    int fx = fx_frac(x->t), fw = fx_frac(l->ty.weight), fa = fx_frac(l->ty.accum);
    wide_t *acc = xcalloc((size_t)u, sizeof *acc); /* accum values: up to FX_MAX_ACCUM_W bits */
    int64_t *sm_in = xcalloc((size_t)u, sizeof *sm_in); /* hls4ml's softmax input (<= 64 bits) */
    for (int s = 0; s < x->steps; s++) {
        const int64_t *in = x->q + (size_t)s * (size_t)x->feat;
        int64_t *out = y.q + (size_t)s * (size_t)u;
        for (int j = 0; j < u; j++)
            acc[j] = affine_q(l, l->qbias, in, x->feat, fx, l->qkernel, u, j, fw);
        if (l->act == ACT_SOFTMAX && l->numerics == NUM_HLS4ML) { /* hls4ml: the Dense's result first */
            for (int j = 0; j < u; j++) sm_in[j] = (int64_t)fx_cast(acc[j], fa, l->sm.input);
            hls4ml_softmax(l, sm_in, u, l->sm.input, out);
        } else if (l->act == ACT_SOFTMAX)
            softmax_q(l, acc, u, fa, out);
        else
            for (int j = 0; j < u; j++) out[j] = act_q(l, l->act, acc[j], fa);
    }
    free(acc);
    free(sm_in);
    return y;
}

static Act activation_q(const Layer *l, const Act *x)
{
    Act y = new_act(x->seq, x->steps, x->feat, true);
    y.t = l->ty.result;
    int fx = fx_frac(x->t);
    wide_t *v = xcalloc((size_t)x->feat, sizeof *v);
    for (int s = 0; s < x->steps; s++) {
        size_t o = (size_t)s * (size_t)x->feat;
        if (l->act == ACT_SOFTMAX && l->numerics == NUM_HLS4ML) {
            hls4ml_softmax(l, x->q + o, x->feat, x->t, y.q + o);
        } else if (l->act == ACT_SOFTMAX) {
            for (int j = 0; j < x->feat; j++) v[j] = x->q[o + (size_t)j];
            softmax_q(l, v, x->feat, fx, y.q + o);
        }
        else
            for (int j = 0; j < x->feat; j++) y.q[o + (size_t)j] = act_q(l, l->act, x->q[o + (size_t)j], fx);
    }
    free(v);
    return y;
}


/* One timestep of an LSTM or GRU as hls4ml's lstm_static / gru_static compute it (the
 * hls4ml numerics; docs/numerics.md): xw = dense(x) and hu = dense(h, recurrent bias) each
 * cast to accum, their sum cast again; the gates and the activation of the LSTM's c in accum;
 * the LSTM's c and every h in result. h, c: the state (raws of R); the work arrays as
 * recurrent_q's. */
static void step_hls4ml(const Layer *l, const int64_t *in, int nf, int fx, int64_t *h, int64_t *c,
                        wide_t *xw, wide_t *hu, int64_t *gate)
{
    int u = l->units, gu = l->gates * u;
    FxType A = l->ty.accum, R = l->ty.result;
    int fa = fx_frac(A), fr = fx_frac(R), fb = fx_frac(l->ty.bias);
    int fw = fx_frac(l->ty.weight), fu = fx_frac(l->ty.rweight);
    for (int k = 0; k < gu; k++) {
        xw[k] = affine_run_q(l, l->qbias, fb, in, nf, fx, l->qkernel, gu, k, fw);
        hu[k] = affine_run_q(l, l->qrbias, fx_frac(layer_rbias_type(l)), h, u, fr, l->qrkernel, gu, k, fu);
    }
    if (l->kind == L_LSTM) { /* gates i, f, c, o */
        for (int k = 0; k < gu; k++)
            gate[k] = act_qt(l, k / u == 2 ? l->act : l->ract, cast_o(l, TN_ACCUM, (wide_t)xw[k] + hu[k], fa, A), fa, A);
        for (int j = 0; j < u; j++) {
            int fm = 2 * fa > fr + fa ? 2 * fa : fr + fa;
            wide_t s = align((wide_t)gate[2 * u + j] * gate[j], 2 * fa, fm) + align((wide_t)c[j] * gate[u + j], fr + fa, fm);
            c[j] = cast_o(l, TN_STATE, s, fm, R);
            int64_t tc = act_qt(l, l->act, c[j], fr, A);
            h[j] = cast_o(l, TN_RESULT, (wide_t)gate[3 * u + j] * tc, 2 * fa, R);
        }
        return;
    }
    /* GRU, gates z, r, h: hls4ml computes reset_after's form */
    for (int k = 0; k < 2 * u; k++) gate[k] = act_qt(l, l->ract, cast_o(l, TN_ACCUM, (wide_t)xw[k] + hu[k], fa, A), fa, A);
    for (int j = 0; j < u; j++) {
        wide_t rhu = cast_o(l, TN_ACCUM, (wide_t)gate[u + j] * hu[2 * u + j], 2 * fa, A);
        gate[2 * u + j] = act_qt(l, l->act, cast_o(l, TN_ACCUM, (wide_t)xw[2 * u + j] + rhu, fa, A), fa, A);
    }
    for (int j = 0; j < u; j++) { /* hh * (1 - z) + h * z */
        wide_t z = gate[j], one = (wide_t)1 << fa;
        int fm = 2 * fa > fr + fa ? 2 * fa : fr + fa;
        wide_t s = align((wide_t)gate[2 * u + j] * (one - z), 2 * fa, fm) + align((wide_t)h[j] * z, fr + fa, fm);
        h[j] = cast_o(l, TN_RESULT, s, fm, R);
    }
}

static Act recurrent_q(const Layer *l, const Act *x)
{
    int u = l->units, g = l->gates, gu = g * u, nf = x->feat, T = x->steps;
    FxType A = l->ty.accum, R = l->ty.result, S = l->ty.state;
    int fx = fx_frac(x->t), fw = fx_frac(l->ty.weight), fu = fx_frac(l->ty.rweight);
    int fa = fx_frac(A), fr = fx_frac(R), fs = fx_frac(S);
    Act y = new_act(l->return_sequences, T, u, true);
    y.t = R;
    int64_t *h = xcalloc((size_t)u, sizeof *h), *c = xcalloc((size_t)u, sizeof *c);
    wide_t *xw = xcalloc((size_t)gu, sizeof *xw), *pre = xcalloc((size_t)gu, sizeof *pre); /* accum */
    int64_t *gate = xcalloc((size_t)gu, sizeof *gate), *rh = xcalloc((size_t)u, sizeof *rh);
    for (int s = 0; s < T; s++) {
        int t = l->go_backwards ? T - 1 - s : s;
        const int64_t *in = x->q + (size_t)t * (size_t)nf;
        if (l->numerics == NUM_HLS4ML && l->kind != L_SIMPLE_RNN) {
            step_hls4ml(l, in, nf, fx, h, c, xw, pre, gate);
            if (l->return_sequences) memcpy(y.q + (size_t)s * (size_t)u, h, (size_t)u * sizeof *h);
            continue;
        }
        for (int k = 0; k < gu; k++)
            xw[k] = affine_q(l, l->qbias, in, nf, fx, l->qkernel, gu, k, fw);
        switch (l->kind) {
        case L_SIMPLE_RNN:
            for (int j = 0; j < u; j++)
                pre[j] = cast_o(l, TN_ACCUM, xw[j] + dot_q(l, h, u, fr, l->qrkernel, u, j, fu), fa, A);
            for (int j = 0; j < u; j++) h[j] = act_q(l, l->act, pre[j], fa);
            break;
        case L_LSTM: /* gates i, f, c, o */
            for (int k = 0; k < gu; k++)
                pre[k] = cast_o(l, TN_ACCUM, xw[k] + dot_q(l, h, u, fr, l->qrkernel, gu, k, fu), fa, A);
            for (int j = 0; j < u; j++) {
                int64_t i = act_q(l, l->ract, pre[j], fa);
                int64_t f = act_q(l, l->ract, pre[u + j], fa);
                int64_t cc = act_q(l, l->act, pre[2 * u + j], fa);
                int64_t o = act_q(l, l->ract, pre[3 * u + j], fa);
                int fm = fr + fs > 2 * fr ? fr + fs : 2 * fr;
                wide_t sum = align((wide_t)f * c[j], fr + fs, fm) + align((wide_t)i * cc, 2 * fr, fm);
                c[j] = cast_o(l, TN_STATE, sum, fm, S);
                h[j] = cast_o(l, TN_RESULT, (wide_t)o * act_q(l, l->act, c[j], fs), 2 * fr, R);
            }
            break;
        case L_GRU: /* gates z, r, h */
            if (l->reset_after) {
                for (int k = 0; k < gu; k++) {
                    wide_t rb = fx_cast(qget(l->qrbias, (size_t)k), fx_frac(layer_rbias_type(l)), A);
                    wide_t hu = rb + dot_q(l, h, u, fr, l->qrkernel, gu, k, fu);
                    /* z, r: pre-activations; h block: hu */
                    pre[k] = cast_o(l, TN_ACCUM, k < 2 * u ? xw[k] + hu : hu, fa, A);
                }
                for (int j = 0; j < 2 * u; j++) gate[j] = act_q(l, l->ract, pre[j], fa);
                for (int j = 0; j < u; j++) {
                    wide_t rhu = cast_o(l, TN_ACCUM, (wide_t)gate[u + j] * pre[2 * u + j], fr + fa, A);
                    wide_t phh = cast_o(l, TN_ACCUM, xw[2 * u + j] + rhu, fa, A);
                    gate[2 * u + j] = act_q(l, l->act, phh, fa);
                }
            } else {
                for (int k = 0; k < 2 * u; k++)
                    pre[k] = cast_o(l, TN_ACCUM, xw[k] + dot_q(l, h, u, fr, l->qrkernel, gu, k, fu), fa, A);
                for (int j = 0; j < 2 * u; j++) gate[j] = act_q(l, l->ract, pre[j], fa);
                for (int j = 0; j < u; j++) rh[j] = cast_o(l, TN_RESULT, (wide_t)gate[u + j] * h[j], 2 * fr, R);
                for (int j = 0; j < u; j++) {
                    wide_t phh = cast_o(l, TN_ACCUM, xw[2 * u + j] + dot_q(l, rh, u, fr, l->qrkernel, gu, 2 * u + j, fu), fa, A);
                    gate[2 * u + j] = act_q(l, l->act, phh, fa);
                }
            }
            for (int j = 0; j < u; j++) {
                wide_t z = gate[j], one = (wide_t)1 << fr;
                h[j] = cast_o(l, TN_RESULT, z * h[j] + (one - z) * gate[2 * u + j], 2 * fr, R);
            }
            break;
        default: BUG("layer %s is not recurrent", l->name);
        }
        if (l->return_sequences)
            memcpy(y.q + (size_t)s * (size_t)u, h, (size_t)u * sizeof *h);
    }
    if (!l->return_sequences) memcpy(y.q, h, (size_t)u * sizeof *h);
    free(h);
    free(c);
    free(xw);
    free(pre);
    free(gate);
    free(rh);
    return y;
}

/* ---- float ---- */

static double act_d(ActKind a, double v)
{
    switch (a) {
    case ACT_LINEAR: return v;
    case ACT_RELU: return v > 0 ? v : 0;
    case ACT_SIGMOID: return 1.0 / (1.0 + exp(-v));
    case ACT_TANH: return tanh(v);
    case ACT_HARD_SIGMOID: {
        double y = 0.2 * v + 0.5;
        return y < 0 ? 0 : y > 1 ? 1 : y;
    }
    case ACT_SOFTMAX: break;
    }
    BUG("%s is not an elementwise activation", act_name(a));
}

/* bias[col] + sum_k x_k * w[k][col]; each product reported as the fixed run's dot_q does */
static double affine_d(const Layer *l, const double *bias, const double *x, int n, const double *w,
                       int stride, int col)
{
    double s = dget(bias, (size_t)col);
    for (int k = 0; k < n; k++) {
        double p = x[k] * w[(size_t)k * (size_t)stride + (size_t)col];
        see_d(l, TN_PRODUCT, p);
        s += p;
    }
    return s;
}

/* a value of tensor tn, reported */
static double acc_d(const Layer *l, Tensor tn, double v)
{
    see_d(l, tn, v);
    return v;
}

/* act(v) for an elementwise activation, reported as a result like act_q */
static double act_dl(const Layer *l, ActKind a, double v) { return acc_d(l, TN_RESULT, act_d(a, v)); }

static void softmax_d(const double *v, int n, double *y)
{
    double mx = v[0], s = 0;
    for (int j = 1; j < n; j++)
        if (v[j] > mx) mx = v[j];
    for (int j = 0; j < n; j++) s += y[j] = exp(v[j] - mx);
    for (int j = 0; j < n; j++) y[j] /= s;
}

static Act dense_d(const Layer *l, const Act *x)
{
    int u = l->units;
    Act y = new_act(x->seq, x->steps, u, false);
    for (int s = 0; s < x->steps; s++) {
        const double *in = x->d + (size_t)s * (size_t)x->feat;
        double *out = y.d + (size_t)s * (size_t)u;
        for (int j = 0; j < u; j++) out[j] = acc_d(l, TN_ACCUM, affine_d(l, l->bias, in, x->feat, l->kernel, u, j));
        if (l->act == ACT_SOFTMAX) {
            softmax_d(out, u, out);
            for (int j = 0; j < u; j++) see_d(l, TN_RESULT, out[j]);
        } else {
            for (int j = 0; j < u; j++) out[j] = act_dl(l, l->act, out[j]);
        }
    }
    return y;
}

static Act activation_d(const Layer *l, const Act *x)
{
    Act y = new_act(x->seq, x->steps, x->feat, false);
    for (int s = 0; s < x->steps; s++) {
        size_t o = (size_t)s * (size_t)x->feat;
        if (l->act == ACT_SOFTMAX) {
            softmax_d(x->d + o, x->feat, y.d + o);
            for (int j = 0; j < x->feat; j++) see_d(l, TN_RESULT, y.d[o + (size_t)j]);
        } else {
            for (int j = 0; j < x->feat; j++) y.d[o + (size_t)j] = act_dl(l, l->act, x->d[o + (size_t)j]);
        }
    }
    return y;
}

static Act recurrent_d(const Layer *l, const Act *x)
{
    int u = l->units, gu = l->gates * u, nf = x->feat, T = x->steps;
    Act y = new_act(l->return_sequences, T, u, false);
    double *h = xcalloc((size_t)u, sizeof *h), *c = xcalloc((size_t)u, sizeof *c);
    double *xw = xcalloc((size_t)gu, sizeof *xw), *pre = xcalloc((size_t)gu, sizeof *pre);
    double *rh = xcalloc((size_t)u, sizeof *rh);
    for (int s = 0; s < T; s++) {
        int t = l->go_backwards ? T - 1 - s : s;
        const double *in = x->d + (size_t)t * (size_t)nf;
        for (int k = 0; k < gu; k++) xw[k] = acc_d(l, TN_ACCUM, affine_d(l, l->bias, in, nf, l->kernel, gu, k));
        switch (l->kind) {
        case L_SIMPLE_RNN:
            for (int j = 0; j < u; j++)
                pre[j] = acc_d(l, TN_ACCUM, xw[j] + affine_d(l, NULL, h, u, l->rkernel, u, j));
            for (int j = 0; j < u; j++) h[j] = act_dl(l, l->act, pre[j]);
            break;
        case L_LSTM:
            for (int k = 0; k < gu; k++) pre[k] = acc_d(l, TN_ACCUM, xw[k] + affine_d(l, NULL, h, u, l->rkernel, gu, k));
            for (int j = 0; j < u; j++) {
                double i = act_dl(l, l->ract, pre[j]), f = act_dl(l, l->ract, pre[u + j]);
                double g = act_dl(l, l->act, pre[2 * u + j]), o = act_dl(l, l->ract, pre[3 * u + j]);
                c[j] = acc_d(l, TN_STATE, f * c[j] + i * g);
                h[j] = acc_d(l, TN_RESULT, o * act_dl(l, l->act, c[j]));
            }
            break;
        case L_GRU: /* pre: pre-activations, then (in place) the gates z, r, hh */
            if (l->reset_after) {
                for (int k = 0; k < gu; k++) {
                    double hu = affine_d(l, l->rbias, h, u, l->rkernel, gu, k);
                    pre[k] = acc_d(l, TN_ACCUM, k < 2 * u ? xw[k] + hu : hu);
                }
                for (int j = 0; j < 2 * u; j++) pre[j] = act_dl(l, l->ract, pre[j]);
                for (int j = 0; j < u; j++) {
                    double rhu = acc_d(l, TN_ACCUM, pre[u + j] * pre[2 * u + j]);
                    pre[2 * u + j] = act_dl(l, l->act, acc_d(l, TN_ACCUM, xw[2 * u + j] + rhu));
                }
            } else {
                for (int k = 0; k < 2 * u; k++)
                    pre[k] = acc_d(l, TN_ACCUM, xw[k] + affine_d(l, NULL, h, u, l->rkernel, gu, k));
                for (int j = 0; j < 2 * u; j++) pre[j] = act_dl(l, l->ract, pre[j]);
                for (int j = 0; j < u; j++) rh[j] = acc_d(l, TN_RESULT, pre[u + j] * h[j]);
                for (int j = 0; j < u; j++)
                    pre[2 * u + j] = act_dl(l, l->act, acc_d(l, TN_ACCUM, xw[2 * u + j] +
                                                          affine_d(l, NULL, rh, u, l->rkernel, gu, 2 * u + j)));
            }
            for (int j = 0; j < u; j++) h[j] = acc_d(l, TN_RESULT, pre[j] * h[j] + (1 - pre[j]) * pre[2 * u + j]);
            break;
        default: BUG("layer %s is not recurrent", l->name);
        }
        if (l->return_sequences) memcpy(y.d + (size_t)s * (size_t)u, h, (size_t)u * sizeof *h);
    }
    if (!l->return_sequences) memcpy(y.d, h, (size_t)u * sizeof *h);
    free(h);
    free(c);
    free(xw);
    free(pre);
    free(rh);
    return y;
}

/* ---- bidirectional: both directions on the same input, merged (docs/numerics.md) ---- */

/* The backward direction's outputs with return_sequences come last step first: element i of
 * step s of the merged sequence is at step T-1-s. */
static size_t bwd_index(const Act *b, int s, int j) { return (size_t)(b->steps - 1 - s) * (size_t)b->feat + (size_t)j; }

static Act bidirectional_q(const Layer *l, const Act *x)
{
    Act f = recurrent_q(l->dir[0], x), b = recurrent_q(l->dir[1], x);
    Act y = new_act(f.seq, f.steps, l->units, true);
    FxType R = l->ty.result;
    y.t = R;
    int ff = fx_frac(f.t), fb = fx_frac(b.t), fm = ff > fb ? ff : fb;
    for (int s = 0; s < f.steps; s++) {
        int64_t *out = y.q + (size_t)s * (size_t)l->units;
        const int64_t *a = f.q + (size_t)s * (size_t)f.feat;
        for (int j = 0; j < f.feat; j++) {
            int64_t c = l->merge == MERGE_CONCAT ? 0 : b.q[bwd_index(&b, s, j)]; /* concat: b may be narrower */
            wide_t sum = align(a[j], ff, fm) + align(c, fb, fm);
            switch (l->merge) {
            case MERGE_SUM: out[j] = fx_cast(sum, fm, R); break;
            case MERGE_AVE: out[j] = fx_cast(sum, fm + 1, R); break;  /* (a + b) * 0.5, exact */
            case MERGE_MUL: out[j] = fx_cast((wide_t)a[j] * c, ff + fb, R); break;
            case MERGE_CONCAT: out[j] = fx_cast(a[j], ff, R); break;
            }
        }
        if (l->merge == MERGE_CONCAT)
            for (int j = 0; j < b.feat; j++) out[f.feat + j] = fx_cast(b.q[bwd_index(&b, s, j)], fb, R);
    }
    free_act(&f);
    free_act(&b);
    return y;
}

static Act bidirectional_d(const Layer *l, const Act *x)
{
    Act f = recurrent_d(l->dir[0], x), b = recurrent_d(l->dir[1], x);
    Act y = new_act(f.seq, f.steps, l->units, false);
    for (int s = 0; s < f.steps; s++) {
        double *out = y.d + (size_t)s * (size_t)l->units;
        const double *a = f.d + (size_t)s * (size_t)f.feat;
        for (int j = 0; j < f.feat; j++) {
            double c = l->merge == MERGE_CONCAT ? 0 : b.d[bwd_index(&b, s, j)];
            out[j] = l->merge == MERGE_SUM ? a[j] + c : l->merge == MERGE_AVE ? (a[j] + c) * 0.5
                   : l->merge == MERGE_MUL ? a[j] * c : a[j];
        }
        if (l->merge == MERGE_CONCAT)
            for (int j = 0; j < b.feat; j++) out[f.feat + j] = b.d[bwd_index(&b, s, j)];
    }
    free_act(&f);
    free_act(&b);
    return y;
}

/* ---- the layer walk ---- */

static Act run_layers(const Model *m, Act x, bool fixed)
{
    for (int i = 0; i < m->n_layers; i++) {
        const Layer *l = &m->layers[i];
        check_shape(l, &x);
        Act y;
        switch (l->kind) {
        case L_DENSE: y = fixed ? dense_q(l, &x) : dense_d(l, &x); break;
        case L_ACTIVATION: y = fixed ? activation_q(l, &x) : activation_d(l, &x); break;
        case L_LSTM:
        case L_GRU:
        case L_SIMPLE_RNN:
            if (!x.seq) BUG("layer %s: recurrent layer on a non-sequence", l->name);
            y = fixed ? recurrent_q(l, &x) : recurrent_d(l, &x);
            break;
        case L_BIDIRECTIONAL:
            if (!x.seq) BUG("layer %s: recurrent layer on a non-sequence", l->name);
            y = fixed ? bidirectional_q(l, &x) : bidirectional_d(l, &x);
            break;
        case L_FLATTEN: /* timestep-major: the buffer is already in that order */
            x.feat *= x.steps;
            x.steps = 1;
            x.seq = false;
            continue;
        case L_DROPOUT: continue;
        default: BUG("layer %s: unknown kind %d", l->name, (int)l->kind);
        }
        free_act(&x);
        x = y;
    }
    int n = m->out_seq ? m->out_steps * m->out_feat : m->out_feat;
    if (x.seq != m->out_seq || x.steps * x.feat != n)
        BUG("model output %dx%d does not match check.c's %d values", x.steps, x.feat, n);
    return x;
}

static Act input_act(const Model *m, bool fixed)
{
    if (m->n_layers < 1) BUG("model with no layers");
    const Layer *l0 = &m->layers[0];
    int need = l0->in_seq ? l0->in_steps * l0->in_feat : l0->in_feat;
    if (need != m->timesteps * m->features)
        BUG("input %dx%d does not match the first layer's %d values", m->timesteps, m->features,
            need);
    Act x = new_act(l0->in_seq, l0->in_steps, l0->in_feat, fixed);
    x.t = m->input_type;
    return x;
}

void quantize_input(const Model *m, const double *in, int64_t *raw)
{
    size_t n = (size_t)m->timesteps * (size_t)m->features;
    for (size_t i = 0; i < n; i++) raw[i] = fx_from_double(in[i], m->input_type);
}

/* the model input, reported as layer 0's TN_INPUT */
static void see_input(const Model *m, const double *in, const int64_t *raw)
{
    size_t n = (size_t)m->timesteps * (size_t)m->features;
    for (size_t i = 0; i < n && obs; i++) {
        if (raw) see_q(&m->layers[0], TN_INPUT, raw[i], m->input_type, !fx_fits_double(in[i], m->input_type));
        else see_d(&m->layers[0], TN_INPUT, in[i]);
    }
}

void emulate_fixed(const Model *m, const double *in, int64_t *out_raw)
{
    Act x = input_act(m, true);
    quantize_input(m, in, x.q);
    see_input(m, in, x.q);
    x = run_layers(m, x, true);
    size_t n = (size_t)x.steps * (size_t)x.feat;
    /* A model ending in flatten/dropout passes its input type through; out_type should be
     * that type, so this cast is the identity (and exact if check.c chose a wider type). */
    for (size_t i = 0; i < n; i++)
        out_raw[i] = fx_equal(x.t, m->out_type) ? x.q[i] : fx_cast(x.q[i], fx_frac(x.t), m->out_type);
    free_act(&x);
}

void emulate_float(const Model *m, const double *in, double *out_real)
{
    Act x = input_act(m, false);
    memcpy(x.d, in, (size_t)m->timesteps * (size_t)m->features * sizeof *in);
    see_input(m, in, NULL);
    x = run_layers(m, x, false);
    memcpy(out_real, x.d, (size_t)x.steps * (size_t)x.feat * sizeof *out_real);
    free_act(&x);
}
