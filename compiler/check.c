/* check.c: the parsed Model -> a consistent one: shapes inferred layer by layer, kernels checked
 * against them, activations checked in context, reuse factors resolved, names unique.
 *
 * Shapes: the model input is a sequence of timesteps x features. Recurrent layers need a
 * sequence and return one (return_sequences) or a vector; dense maps the features (per
 * timestep on a sequence); flatten turns a sequence into one vector, timestep-major; dropout
 * and activation keep the shape. A vector has in_steps/out_steps = 1. Flatten and dropout pass
 * the input type through as their result type, so the last layer's ty.result is the output's. */
#include "rnnc.h"

#include <string.h>


/* Multiplications per timestep, the upper bound of the reuse factor: every weight of the
 * kernel and, for recurrent layers, of the recurrent kernel (lower.c: with reuse factor > 1
 * one set of multipliers serves both). */
static long long layer_mults(const Layer *l)
{
    long long in = (long long)l->in_feat * l->gates * l->units;
    long long rec = layer_kind(l->kind)->recurrent ? (long long)l->units * l->gates * l->units : 0;
    return in + rec;
}

/* A weighted layer's kernel rows against its input, its reuse factor resolved and bounded;
 * where: its JSON path for messages. */
static void check_weights(const Model *m, Layer *l, const char *where)
{
    const char *f = m->path;
    if (!l->kernel) BUG("layer %s without kernel", l->name);
    if (l->kernel_rows != l->in_feat)
        user_error(f, "%s.kernel: expected %d rows (the layer's input features), got %d", where, l->in_feat,
                   l->kernel_rows);
    /* with recurrent_reuse_factor (split form) reuse_factor is x*W's alone */
    long long mults = l->rreuse ? (long long)l->in_feat * l->gates * l->units : layer_mults(l);
    int max_rf = mults > RNNC_MAX_RF ? RNNC_MAX_RF : (int)mults;
    if (l->reuse == 0)
        l->reuse = m->reuse < max_rf ? m->reuse : max_rf; /* the model default, capped */
    else if (l->reuse > max_rf)
        user_error(f, "%s.reuse_factor: %d is more than the layer's %d %smultiplications per %s (the maximum "
                   "reuse factor here)", where, l->reuse, max_rf, l->rreuse ? "input (x*W: recurrent_reuse_factor is "
                   "given) " : "", l->in_seq ? "timestep" : "input");
    if (l->lane_mults == 1 && l->kind == L_GRU && !l->reset_after)
        user_error(f, "%s.lane_multipliers: 1 needs reset_after true (reset_after false keeps its lanes' 3 "
                   "multipliers)", where);
    if (l->lane_mults == 2 && !(l->kind == L_GRU && l->reset_after))
        user_error(f, "%s.lane_multipliers: 2 (z * h_prev in logic) is for a GRU with reset_after true; "
                   "expected 1 or 3", where);
    long long rmults = (long long)l->units * l->gates * l->units;
    if (l->rreuse > rmults)
        user_error(f, "%s.recurrent_reuse_factor: %d is more than the layer's %lld recurrent multiplications per "
                   "timestep (units x gates x units, the maximum here)", where, l->rreuse, rmults);
}

/* The two directions of a bidirectional: the wrapper's input, their own outputs, weights and
 * reuse factors; their names (<name>_fwd, <name>_bwd) unique among the layers. */
static void check_bidirectional(const Model *m, Layer *l, const char *where)
{
    static const char *const which[2] = {"forward", "backward"};
    for (int d = 0; d < 2; d++) {
        Layer *s = l->dir[d];
        char sw[64];
        snprintf(sw, sizeof sw, "%s.%s", where, which[d]);
        for (int j = 0; j < m->n_layers; j++)
            if (!strcmp(m->layers[j].name, s->name))
                user_error(m->path, "layers[%d].name: \"%s\" is already the name of the %s direction of "
                           "layers[%d]", m->layers[j].json_index, s->name, which[d], l->json_index);
        s->in_seq = true;
        s->in_steps = l->in_steps;
        s->in_feat = l->in_feat;
        s->out_seq = l->out_seq;
        s->out_steps = l->out_steps;
        s->out_feat = s->units;
        check_weights(m, s, sw);
        FxType a = l->dir[0]->ty.result, b = l->dir[1]->ty.result;
        if (l->merge == MERGE_MUL && (a.sgn ? a.w : a.w + 1) + (b.sgn ? b.w : b.w + 1) > 128)
            user_error(m->path, "%s.precision: merge_mode mul of a %d-bit and a %d-bit result is too wide for exact "
                       "arithmetic (at most 128 bits); use narrower result types", where, a.w, b.w);
        if (s->ract == ACT_SOFTMAX || s->act == ACT_SOFTMAX)
            user_error(m->path, "%s.%s: softmax is not supported here (use sigmoid, hard_sigmoid, tanh, "
                       "linear or relu)", sw, s->act == ACT_SOFTMAX ? "activation" : "recurrent_activation");
    }
}

typedef struct { int bits, limit; const char *what; } Need;

/* Bits of an exact value of type t held as a signed integer. */
static int sbits(FxType t) { return t.sgn ? t.w : t.w + 1; }
static int lsh(int from_frac, int to_frac) { return to_frac > from_frac ? to_frac - from_frac : 0; }

/* The emulator computes every product and sum exactly in 128-bit integers (wide_t), and a
 * product of an a-bit and a b-bit signed value shifted left by s fits when a + b + s <= 128
 * (one bit less for the sum of two such products). Types wider than 32 bits can break that;
 * say which. */
/* Weights, biases, results, states and tables are held in at most 64 bits (63 unsigned; the
 * emulator's int64_t raws, the harness's and the C reference's values); only accum may be wider
 * (FX_MAX_ACCUM_W, the bit growth hls4ml infers), and its sums need guard bits within wide_t. */
static void check_widths(const Model *m, const Layer *l)
{
    const LayerTypes *t = &l->ty;
    struct { const char *key; FxType ty; bool used; } st[] = {
        {"weight", t->weight, l->kernel != NULL}, {"recurrent_weight", t->rweight, l->rkernel != NULL},
        {"bias", t->bias, l->bias != NULL || l->rbias != NULL}, {"state", t->state, l->kind == L_LSTM},
        {"result", t->result, !layer_kind(l->kind)->pass_type}, {"table", t->table, true},
    };
    for (size_t k = 0; k < sizeof st / sizeof st[0]; k++)
        if (st[k].used && st[k].ty.w > (st[k].ty.sgn ? FX_MAX_W : FX_MAX_W - 1))
            user_error(m->path, "layers[%d].precision.%s: %d bits is too wide: rnnc holds weights, biases, "
                       "results, states and tables in at most %d bits (%d unsigned); only accum may be wider "
                       "(up to %d)", l->json_index, st[k].key, st[k].ty.w, FX_MAX_W, FX_MAX_W - 1, FX_MAX_ACCUM_W);
    int terms = l->in_feat + (layer_kind(l->kind)->recurrent ? l->units : 0) + 3;
    int bits = (t->accum.sgn ? t->accum.w : t->accum.w + 1) + 2 + clog2i(terms);
    if ((l->kernel || l->rkernel) && bits > 128)
        user_error(m->path, "layers[%d].precision.accum: a %d-bit accumulator summing %d terms needs %d bits "
                   "for exact sums (at most 128); use a narrower accum", l->json_index, t->accum.w, terms - 3, bits);
}

static void check_exact(const Model *m, const Layer *l, FxType x)
{
    check_widths(m, l);
    FxType A = l->ty.accum, R = l->ty.result, S = l->ty.state;
    int fa = fx_frac(A), fr = fx_frac(R), fs = fx_frac(S), fx = fx_frac(x);
    Need need[12];
    int n = 0;
    bool rec = layer_kind(l->kind)->recurrent;
    if (l->kind == L_DENSE || rec) {
        need[n++] = (Need){sbits(x) + sbits(l->ty.weight) + lsh(fx + fx_frac(l->ty.weight), fa), 128,
                                      "input x weight, aligned to accum"};
        need[n++] = (Need){sbits(l->ty.bias) + lsh(fx_frac(l->ty.bias), fa), 128, "bias aligned to accum"};
        FxType rb = layer_rbias_type(l);
        need[n++] = (Need){sbits(rb) + lsh(fx_frac(rb), fa), 128, "recurrent bias aligned to accum"};
        need[n++] = (Need){sbits(A) + lsh(fa, fr) + 16, 128, "accum aligned to result or a table index"};
    }
    if (rec)
        need[n++] = (Need){sbits(R) + sbits(l->ty.rweight) + lsh(fr + fx_frac(l->ty.rweight), fa), 128,
                                      "h x recurrent weight, aligned to accum"};
    if (l->kind == L_LSTM) {
        int fm = fr + fs > 2 * fr ? fr + fs : 2 * fr;
        int a = sbits(R) + sbits(S) + fm - fr - fs, b = 2 * sbits(R) + fm - 2 * fr;
        need[n++] = (Need){(a > b ? a : b) + 1, 128, "f * c + i * g"};
    }
    if (l->kind == L_GRU) need[n++] = (Need){2 * sbits(R) + 3, 128, "z * h + (1 - z) * hh"};
    if (l->kind == L_GRU && l->reset_after) need[n++] = (Need){sbits(R) + sbits(A), 128, "r * hu"};
    if (l->act == ACT_SOFTMAX) need[n++] = (Need){2 * sbits(l->ty.table), 128, "softmax e * inv"};
    for (int k = 0; k < n; k++)
        if (need[k].bits > need[k].limit)
            user_error(m->path, "layers[%d].precision: the types are too wide for exact arithmetic: %s needs %d "
                       "bits (at most %d); use narrower types or fewer fractional bits", l->json_index,
                       need[k].what, need[k].bits, need[k].limit);
}

void check_model(Model *m)
{
    const char *f = m->path;
    if (m->n_layers < 1) user_error(f, "layers: expected at least one layer");
    if (m->input_type.w > (m->input_type.sgn ? FX_MAX_W : FX_MAX_W - 1))
        user_error(f, "input.precision: %d bits is too wide (at most %d, %d unsigned)", m->input_type.w, FX_MAX_W,
                   FX_MAX_W - 1);
    bool seq = true;
    int steps = m->timesteps, feat = m->features;
    FxType ty = m->input_type;
    int vec_from = -1; /* the layer that turned the sequence into a vector */
    for (int i = 0; i < m->n_layers; i++) {
        Layer *l = &m->layers[i];
        bool last = i == m->n_layers - 1;
        int ix = l->json_index;
        for (int j = 0; j < i; j++)
            if (!strcmp(m->layers[j].name, l->name))
                user_error(f, "layers[%d].name: \"%s\" is already the name of layers[%d]%s", ix, l->name,
                           m->layers[j].json_index,
                           l->name[strlen(l->name) - 1] >= '0' && l->name[strlen(l->name) - 1] <= '9'
                               ? " (unnamed layers are called <type>_<index>)" : "");

        l->in_seq = seq;
        l->in_steps = seq ? steps : 1;
        l->in_feat = feat;
        switch (layer_kind(l->kind)->shape) {
        case SHAPE_RECURRENT:
            if (!seq) {
                if (vec_from < 0) BUG("model input is always a sequence");
                const Layer *v = &m->layers[vec_from];
                user_error(f, "layers[%d]: a %s layer needs a sequence input, but its input is a vector "
                           "since layers[%d] (%s)%s", ix, layer_kind_name(l->kind), v->json_index, v->name,
                           layer_kind(v->kind)->shape == SHAPE_FLATTEN ? ", a flatten" : ", which has return_sequences false");
            }
            if (!l->return_sequences) vec_from = i;
            seq = l->return_sequences;
            feat = l->units;
            if (!seq) steps = 1;
            break;
        case SHAPE_FEATURES:
            feat = l->units;
            break;
        case SHAPE_FLATTEN:
            if (seq && (long long)steps * feat > RNNC_MAX_VECTOR)
                user_error(f, "layers[%d]: flatten of %d x %d gives %lld values, more than rnnc supports in one "
                           "vector (RNNC_MAX_VECTOR = %d)", ix, steps, feat, (long long)steps * feat, RNNC_MAX_VECTOR);
            if (seq) vec_from = i;
            feat = seq ? steps * feat : feat;
            steps = 1;
            seq = false;
            break;
        case SHAPE_KEEP:
            break;
        }
        l->out_seq = seq;
        l->out_steps = seq ? steps : 1;
        l->out_feat = feat;

        check_exact(m, l, ty);
        if (l->kind == L_BIDIRECTIONAL)
            for (int d = 0; d < 2; d++) check_exact(m, l->dir[d], ty);
        /* Types: shape-only layers pass their input type through. */
        if (layer_kind(l->kind)->pass_type)
            l->ty.result = ty;
        ty = l->ty.result;

        /* Weights against the inferred shape (parse.c checked the columns). */
        char where[48];
        snprintf(where, sizeof where, "layers[%d]", ix);
        if (layer_kind(l->kind)->weighted) {
            check_weights(m, l, where);
        } else if (l->reuse < 1) {
            l->reuse = 1;
        }
        if (l->kind == L_BIDIRECTIONAL) check_bidirectional(m, l, where);

        /* Activations in context. */
        if (l->act == ACT_SOFTMAX && (l->kind != L_DENSE || !last))
            user_error(f, "layers[%d].activation: softmax is only supported on the last layer, and only "
                       "when that is a dense layer", ix);
        if (layer_kind(l->kind)->recurrent && l->ract == ACT_SOFTMAX)
            user_error(f, "layers[%d].recurrent_activation: softmax is not supported here (use sigmoid, "
                       "hard_sigmoid, tanh, linear or relu)", ix);
    }
    m->out_seq = seq;
    m->out_steps = seq ? steps : 1;
    m->out_feat = feat;
    m->out_type = ty;
}
