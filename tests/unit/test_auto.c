/* test_auto.c: the reuse-factor search (compiler/autoreuse.c) on seeded random small models.
 *
 * For each model (a GRU, LSTM or simple_rnn, then one or two dense layers), budgets drawn at
 * random between the smallest and the largest design's DSP and block RAM:
 *   - budgets respected: the chosen design's predicted resources (recomputed from a fresh
 *     lowering with the chosen factors left in the model) are within every budget;
 *   - the objective honoured: no evaluated candidate that fits is better (latency, II), and
 *     against an exhaustive enumeration of every combination of knob values the chosen latency
 *     is within 10% of the best that fits (the search is greedy);
 *   - area: the chosen design meets --latency-cycles and no evaluated candidate that meets it is
 *     smaller;
 *   - explicit factors kept: a layer's own reuse_factor is not a knob and keeps its value; a
 *     model default (reuse_factor at the top) leaves nothing to search; a recurrent layer's own
 *     recurrent_reuse_factor is not a knob (its reuse_factor still is) and keeps its value;
 *   - the recurrent knob: every recurrent layer whose factor is open has one; a split candidate
 *     (recurrent_reuse_factor chosen) wins where x*W dominates (16 features, 2 units) under a
 *     budget of 40 multipliers on an iCE40-class part, with a lower latency than every fused
 *     design that fits, and its factors lower to the latency the search predicted;
 *   - the retry after place and route (auto_next): after a missed clock the best untried
 *     candidate with less logic, after overflowing logic a budget scaled to 95% of the part.
 * Ends with "unit: N passed, M failed". */
#include "rnnc.h"
#include "unit_check.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static unsigned rng_state;
static double urand(void)
{
    rng_state = rng_state * 1103515245u + 12345u;
    return ((rng_state >> 8) & 0xffff) / 65536.0 - 0.5;
}
static int irand(int lo, int hi) { return lo + (int)((urand() + 0.5) * (hi - lo + 1)) % (hi - lo + 1); }

static cJSON *matrix(int r, int c)
{
    cJSON *m = cJSON_CreateArray();
    for (int i = 0; i < r; i++) {
        cJSON *row = cJSON_CreateArray();
        for (int j = 0; j < c; j++) cJSON_AddItemToArray(row, cJSON_CreateNumber(urand()));
        cJSON_AddItemToArray(m, row);
    }
    return m;
}

static cJSON *vector(int n)
{
    cJSON *v = cJSON_CreateArray();
    for (int j = 0; j < n; j++) cJSON_AddItemToArray(v, cJSON_CreateNumber(0.1 * urand()));
    return v;
}

/* A random model: recurrent layer + 1..2 dense; explicit: the first dense's reuse_factor set;
 * model_rf: a top-level reuse_factor. */
typedef struct {
    bool explicit_layer;        /* the first dense's reuse_factor set (2) */
    bool model_rf;              /* a top-level reuse_factor (3) */
    int rreuse;                 /* the recurrent layer's recurrent_reuse_factor (0: none) */
    bool wide;                  /* 16 features, 2 units, 8 timesteps, a GRU or an LSTM */
} ModelOpts;

static Model *random_model(int seed, ModelOpts mo)
{
    rng_state = (unsigned)seed * 2654435761u + 1;
    static const char *const kinds[] = {"gru", "lstm", "simple_rnn"};
    int kind = irand(0, mo.wide ? 1 : 2), gates = kind == 0 ? 3 : kind == 1 ? 4 : 1;
    int T = irand(3, 6), F = irand(2, 4), U = irand(2, 5), D = irand(2, 4);
    if (mo.wide) T = 8, F = 16, U = 2;
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "rnnc", 1);
    cJSON_AddStringToObject(root, "name", "auto_test");
    cJSON *in = cJSON_AddObjectToObject(root, "input");
    cJSON_AddNumberToObject(in, "timesteps", T);
    cJSON_AddNumberToObject(in, "features", F);
    if (mo.model_rf) cJSON_AddNumberToObject(root, "reuse_factor", 3);
    cJSON *layers = cJSON_AddArrayToObject(root, "layers");
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "type", kinds[kind]);
    cJSON_AddNumberToObject(r, "units", U);
    cJSON_AddItemToObject(r, "kernel", matrix(F, gates * U));
    cJSON_AddItemToObject(r, "recurrent_kernel", matrix(U, gates * U));
    cJSON_AddItemToObject(r, "bias", kind == 0 ? matrix(2, gates * U) : vector(gates * U));
    if (kind == 2) cJSON_AddStringToObject(r, "activation", "tanh");
    if (mo.rreuse) cJSON_AddNumberToObject(r, "recurrent_reuse_factor", mo.rreuse);
    cJSON_AddItemToArray(layers, r);
    int fan = U;
    for (int d = 0, nd = irand(1, 2); d < nd; d++) {
        int units = d == nd - 1 ? 1 : D;
        cJSON *l = cJSON_CreateObject();
        cJSON_AddStringToObject(l, "type", "dense");
        cJSON_AddNumberToObject(l, "units", units);
        cJSON_AddStringToObject(l, "activation", d == nd - 1 ? "sigmoid" : "relu");
        cJSON_AddItemToObject(l, "kernel", matrix(fan, units));
        cJSON_AddItemToObject(l, "bias", vector(units));
        if (mo.explicit_layer && d == 0) cJSON_AddNumberToObject(l, "reuse_factor", 2);
        cJSON_AddItemToArray(layers, l);
        fan = units;
    }
    char *text = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    Model *m = parse_model_text("random.json", text, strlen(text));
    return m;
}

/* What parse_model_text and quantize_model allocated (rnnc itself never frees a model). */
static void free_model(Model *m)
{
    for (int i = 0; i < m->n_layers; i++) {
        Layer *l = &m->layers[i];
        free(l->kernel);
        free(l->rkernel);
        free(l->bias);
        free(l->rbias);
        free(l->qkernel);
        free(l->qrkernel);
        free(l->qbias);
        free(l->qrbias);
    }
    free(m->layers);
    free((char *)m->path);
    free(m);
}

static AutoOptions options(long dsp, long bram, Objective obj)
{
    return (AutoOptions){.family = "ice40", .max_dsp = dsp, .max_lut = -1, .max_bram = bram, .objective = obj,
                         .table_reg = 1};
}

static Resources resources_now(Model *m, long *latency, long *ii)
{
    Netlist *n = lower_model(m, 1);
    Schedule *s = schedule_netlist(n, RNNC_II_SEQ);
    Resources r = res_netlist(n, "ice40");
    *latency = s->latency_cycles;
    *ii = s->ii_cycles;
    netlist_free(n);
    free(s->seq_start);
    free(s->seq_end);
    free(s);
    return r;
}

/* The best latency of every combination of knob values that fits (-1: none); fused_only: with
 * every recurrent knob unset (lower.c's form, fused on iCE40-class parts unless the reuse
 * factor is 1). */
static long exhaustive_over(AutoSearch *a, Model *m, const AutoOptions *o, bool fused_only, const Layer *only);
static long exhaustive_best(AutoSearch *a, Model *m, const AutoOptions *o, bool fused_only)
{
    return exhaustive_over(a, m, o, fused_only, NULL);
}

/* The same over the knobs of layer `only` (NULL: all), the others at their smallest design. */
static long exhaustive_over(AutoSearch *a, Model *m, const AutoOptions *o, bool fused_only, const Layer *only)
{
    int idx[8] = {0};
    long best = -1;
    for (;;) {
        auto_set(a, idx);
        bool skip = false;
        for (int k = 0; k < a->n_knobs; k++)
            if (a->knob[k].which == KNOB_RREUSE && fused_only && (idx[k] || a->knob[k].layer->reuse == 1)) skip = true;
        long lat, ii;
        Resources r = skip ? (Resources){0} : resources_now(m, &lat, &ii);
        double logic_cap = (double)o->max_lut * (o->lut_margin > 0 ? o->lut_margin : 1.0);
        if (!skip && (o->max_dsp < 0 || r.dsp <= o->max_dsp) && (o->max_bram < 0 || r.bram <= o->max_bram) &&
            (o->max_lut < 0 || (double)(r.lut + r.ff) <= logic_cap) && (best < 0 || lat < best))
            best = lat;
        int k = 0;
        while (k < a->n_knobs && (only && a->knob[k].layer != only ? 1 : ++idx[k] == a->knob[k].n_vals)) idx[k++] = 0;
        if (k == a->n_knobs) break;
    }
    return best;
}

static int whole_rows_knobs; /* factors that whole rows moved off ceil(P / M) */
static void test_budgets_and_latency(int seed)
{
    Model *m = random_model(seed, (ModelOpts){0});
    AutoSearch *a = auto_prepare(m);
    check_model(m);
    quantize_model(m);
    /* each weighted layer's, the recurrent layer's second, and an LSTM's or GRU's lanes' */
    int want = m->n_layers + 1 + (m->layers[0].kind != L_SIMPLE_RNN);
    for (int i = 0; i < m->n_layers; i++) /* share_multipliers: a recurrent layer without return_sequences */
        want += layer_kind(m->layers[i].kind)->recurrent && !m->layers[i].return_sequences && !m->layers[i].share;
    check(a->n_knobs == want, "seed %d: %d knobs (expected one per weighted layer, a recurrent one and a lane one)", seed,
          a->n_knobs);
    /* reuse knobs in whole rows while there is a row per multiplier (knob_values) */
    for (int k = 0; k < a->n_knobs; k++) {
        const Layer *l = a->knob[k].layer;
        int rows = l->gates * l->units, n_in = l->in_feat + (layer_kind(l->kind)->recurrent ? l->units : 0);
        for (int v = 0; a->knob[k].which == KNOB_REUSE && v < a->knob[k].n_vals; v++) {
            int r = a->knob[k].vals[v], mults = (rows * n_in + r - 1) / r;
            if (r > 1 && mults < rows) check(r % n_in == 0, "seed %d: %s's factor %d not whole rows of %d", seed, l->name, r, n_in);
        }
        /* ... so a factor ceil(P / M) of part rows (M below 8 and the rows) is not in the list */
        for (int mm = 2; a->knob[k].which == KNOB_REUSE && mm < rows && mm <= 8; mm++) {
            int plain = (rows * n_in + mm - 1) / mm, listed = 0;
            for (int v = 0; v < a->knob[k].n_vals; v++) listed |= a->knob[k].vals[v] == plain;
            if (plain % n_in) whole_rows_knobs++, check(!listed, "seed %d: %s lists %d, part rows", seed, l->name, plain);
        }
    }
    AutoOptions big = options(-1, -1, OPT_LATENCY);
    auto_search(a, m, &big);
    Resources top = a->cand[a->chosen].res, small = a->cand[0].res;
    long dsp = small.dsp + irand(0, (int)(top.dsp - small.dsp)), bram = small.bram + irand(0, (int)(top.bram - small.bram));
    auto_free(a);
    free_model(m);

    Model *m2 = random_model(seed, (ModelOpts){0});
    a = auto_prepare(m2);
    check_model(m2);
    quantize_model(m2);
    AutoOptions o = options(dsp, bram, OPT_LATENCY);
    auto_search(a, m2, &o);
    const Candidate *c = &a->cand[a->chosen];
    long chosen_latency = c->latency;
    long lat, ii;
    Resources r = resources_now(m2, &lat, &ii);
    check(c->fits && r.dsp <= dsp && r.bram <= bram, "seed %d: chosen DSP %ld BRAM %ld over budget %ld %ld", seed, r.dsp,
          r.bram, dsp, bram);
    check(lat == c->latency && ii == c->ii, "seed %d: the model's factors give %ld/%ld cycles, the candidate said %ld/%ld",
          seed, lat, ii, c->latency, c->ii);
    bool better = false;
    for (int i = 0; i < a->n_cand; i++)
        if (a->cand[i].fits && a->cand[i].latency < c->latency) better = true;
    check(!better, "seed %d: an evaluated candidate that fits has a lower latency than the chosen one", seed);
    long best = exhaustive_best(a, m2, &o, false);
    check(best > 0 && c->latency <= best + best / 10, "seed %d: chosen latency %ld, exhaustive best %ld", seed, c->latency,
          best);

    /* throughput: no evaluated candidate that fits has a lower II */
    auto_free(a);
    free_model(m2);
    Model *m3 = random_model(seed, (ModelOpts){0});
    a = auto_prepare(m3);
    check_model(m3);
    quantize_model(m3);
    o.objective = OPT_THROUGHPUT;
    auto_search(a, m3, &o);
    better = false;
    for (int i = 0; i < a->n_cand; i++)
        if (a->cand[i].fits && a->cand[i].ii < a->cand[a->chosen].ii) better = true;
    check(!better && a->cand[a->chosen].fits, "seed %d: throughput objective not honoured", seed);

    /* area: the smallest evaluated design meeting a latency between the extremes */
    long goal = (a->cand[0].latency + chosen_latency) / 2;
    auto_free(a);
    free_model(m3);
    Model *m4 = random_model(seed, (ModelOpts){0});
    a = auto_prepare(m4);
    check_model(m4);
    quantize_model(m4);
    AutoOptions ar = options(-1, -1, OPT_AREA);
    ar.max_latency_cycles = goal;
    auto_search(a, m4, &ar);
    const Candidate *x = &a->cand[a->chosen];
    bool smaller = false;
    for (int i = 0; i < a->n_cand; i++)
        if (a->cand[i].latency <= goal && a->cand[i].area < x->area) smaller = true;
    check(x->latency <= goal && !smaller, "seed %d: area objective: latency %ld (goal %ld), smaller meeting it: %d", seed,
          x->latency, goal, smaller);
    auto_free(a);
    free_model(m4);
}

static void test_explicit(int seed)
{
    Model *m = random_model(seed, (ModelOpts){.explicit_layer = true});
    AutoSearch *a = auto_prepare(m);
    check_model(m);
    quantize_model(m);
    bool knob_on_explicit = false;
    for (int k = 0; k < a->n_knobs; k++)
        if (a->knob[k].layer == &m->layers[1]) knob_on_explicit = true;
    AutoOptions o = options(4, -1, OPT_LATENCY);
    auto_search(a, m, &o);
    check(!knob_on_explicit && m->layers[1].reuse == 2, "seed %d: explicit reuse_factor 2 of layer 1 became %d (knob %d)",
          seed, m->layers[1].reuse, knob_on_explicit);
    auto_free(a);
    free_model(m);
    Model *m2 = random_model(seed, (ModelOpts){.model_rf = true});
    a = auto_prepare(m2);
    check(a->n_knobs == 0, "seed %d: model default reuse_factor, yet %d knobs", seed, a->n_knobs);
    auto_free(a);
    free_model(m2);

    /* the recurrent layer's recurrent_reuse_factor given (1: valid for every size): its reuse
     * factor is still searched, the recurrent one kept */
    Model *m3 = random_model(seed, (ModelOpts){.rreuse = 1});
    a = auto_prepare(m3);
    check_model(m3);
    quantize_model(m3);
    bool rknob = false, xknob = false;
    for (int k = 0; k < a->n_knobs; k++) {
        if (a->knob[k].which == KNOB_RREUSE) rknob = true;
        if (a->knob[k].layer == &m3->layers[0] && a->knob[k].which == KNOB_REUSE) xknob = true;
    }
    AutoOptions o3 = options(6, -1, OPT_LATENCY);
    auto_search(a, m3, &o3);
    check(!rknob && xknob && m3->layers[0].rreuse == 1, "seed %d: explicit recurrent_reuse_factor 1 became %d "
          "(recurrent knob %d, reuse knob %d)", seed, m3->layers[0].rreuse, rknob, xknob);
    auto_free(a);
    free_model(m3);
}

/* x*W dominates (16 features, 2 units): the split form (x*W off the recurrence) wins under a
 * budget of 40 multipliers on an iCE40-class part, where lower.c alone keeps the cell fused. */
static int split_wins; /* test_form_choice's budgets where the split form was the best */

/* Split or fused, chosen by the search: on the wide models (x*W dominates) at several DSP
 * budgets, the chosen latency is the exhaustive best over both forms, and the split form is
 * chosen exactly where it is strictly better than every fused design that fits (main: it must
 * be somewhere; with overlapped fused steps it no longer wins at every budget). */
static void test_form_choice(int seed, long dsp)
{
    Model *m = random_model(seed, (ModelOpts){.wide = true});
    AutoSearch *a = auto_prepare(m);
    check_model(m);
    quantize_model(m);
    AutoOptions o = options(dsp, -1, OPT_LATENCY);
    auto_search(a, m, &o);
    const Candidate *c = &a->cand[a->chosen];
    int rrf = m->layers[0].rreuse;
    long lat, ii;
    Resources r = resources_now(m, &lat, &ii);
    long fused = exhaustive_best(a, m, &o, true), all = exhaustive_best(a, m, &o, false);
    bool split_better = all < fused;
    split_wins += split_better;
    check(c->fits && r.dsp <= dsp && lat == c->latency && c->latency == all && (rrf > 0) == split_better,
          "seed %d, %ld DSP: %s: recurrent_reuse_factor %d chosen, latency %ld (lowered: %ld, DSP %ld), best fused %ld, "
          "best %ld", seed, dsp, m->layers[0].kind == L_LSTM ? "lstm" : "gru", rrf, c->latency, lat, r.dsp, fused, all);
    auto_free(a);
    free_model(m);
}

/* A GRU(5) (reset_after) on 20 x 6 with Dense(8, relu) and Dense(1, sigmoid): the top-tagging
 * GRU's shape (../shared/models/model_toptag_gru.h5). */
static Model *gru5_model(void)
{
    rng_state = 12345;
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "rnnc", 1);
    cJSON_AddStringToObject(root, "name", "gru5");
    cJSON *in = cJSON_AddObjectToObject(root, "input");
    cJSON_AddNumberToObject(in, "timesteps", 20);
    cJSON_AddNumberToObject(in, "features", 6);
    cJSON *layers = cJSON_AddArrayToObject(root, "layers");
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "type", "gru");
    cJSON_AddNumberToObject(r, "units", 5);
    cJSON_AddItemToObject(r, "kernel", matrix(6, 15));
    cJSON_AddItemToObject(r, "recurrent_kernel", matrix(5, 15));
    cJSON_AddItemToObject(r, "bias", matrix(2, 15));
    cJSON_AddItemToArray(layers, r);
    for (int d = 0, fan = 5; d < 2; d++) {
        cJSON *l = cJSON_CreateObject();
        cJSON_AddStringToObject(l, "type", "dense");
        cJSON_AddNumberToObject(l, "units", d ? 1 : 8);
        cJSON_AddStringToObject(l, "activation", d ? "sigmoid" : "relu");
        cJSON_AddItemToObject(l, "kernel", matrix(fan, d ? 1 : 8));
        cJSON_AddItemToObject(l, "bias", vector(d ? 1 : 8));
        cJSON_AddItemToArray(layers, l);
        fan = 8;
    }
    char *text = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    return parse_model_text("gru5.json", text, strlen(text));
}

/* The lane form (lane_multipliers): on the UP5K's 8 SB_MAC16 the GRU(5)'s lanes share one
 * multiplier (1 DSP instead of 3) and the 2 freed go to h*U / x*W, which lowers the latency
 * below every candidate with 3-multiplier lanes; with DSPs to spare the choice is no slower
 * than the best with 3 (whichever lane it takes: with the search's polish, a serial lane whose
 * freed DSPs go to the products, 365 cycles against 375). Sharing forbidden here
 * (share_multipliers false): test_share_choice. */
static void test_lane_choice(void)
{
    for (int big = 0; big < 2; big++) {
        Model *m = gru5_model();
        m->layers[0].share = -1;
        AutoSearch *a = auto_prepare(m);
        check_model(m);
        quantize_model(m);
        AutoOptions o = options(big ? 64 : 8, -1, OPT_LATENCY);
        auto_search(a, m, &o);
        const Candidate *c = &a->cand[a->chosen];
        long best3 = -1;
        for (int i = 0; i < a->n_cand; i++) {
            auto_apply(a, i);
            if (a->cand[i].fits && m->layers[0].lane_mults == 3 && (best3 < 0 || a->cand[i].latency < best3))
                best3 = a->cand[i].latency;
        }
        auto_apply(a, (int)(c - a->cand));
        Netlist *n = lower_model(m, 1);
        int mults = n->eng[0].n_mult, lm = m->layers[0].lane_mults;
        netlist_free(n);
        if (big)
            check(best3 > 0 && c->latency <= best3,
                  "GRU(5), 64 DSP: lane_multipliers %d chosen (latency %ld, best with 3: %ld)", lm, c->latency, best3);
        else
            check(lm == 1 && mults > 3 && best3 > 0 && c->latency < best3,
                  "GRU(5), 8 DSP: lane_multipliers %d, %d h*U multipliers, latency %ld (best with 3-multiplier lanes: %ld)",
                  lm, mults, c->latency, best3);
        auto_free(a);
        free_model(m);
    }
}

/* lane_multipliers 2 (z * h_prev in logic) against 3, the GRU(5) at reuse 33 and 11 (1 and 2
 * lanes): the same latency and II, one DSP fewer per lane, the multiplier's LUTs and more
 * flip-flops on, and only the 2 marks the engine (zh_lut). */
static void test_lane_zh_lut(void)
{
    static const int rfs[] = {33, 11};
    for (size_t i = 0; i < sizeof rfs / sizeof rfs[0]; i++) {
        long lat[2], ii[2];
        Resources r[2];
        int lanes = 0, marked = 0;
        for (int k = 0; k < 2; k++) {
            Model *m = gru5_model();
            m->layers[0].reuse = rfs[i];
            m->layers[0].lane_mults = k ? 2 : 3;
            m->layers[0].share = -1;
            check_model(m);
            quantize_model(m);
            r[k] = resources_now(m, &lat[k], &ii[k]);
            Netlist *n = lower_model(m, 1);
            lanes = n->eng[0].lanes;
            marked += n->eng[0].zh_lut ? k + 1 : 10;
            netlist_free(n);
            free_model(m);
        }
        check(lat[0] == lat[1] && ii[0] == ii[1] && r[0].dsp - r[1].dsp == lanes && r[1].lut - r[0].lut > 150 * lanes &&
                  r[1].ff > r[0].ff && marked == 12,
              "GRU(5) at %d, %d lanes: lane_multipliers 3 / 2: latency %ld / %ld, DSP %ld / %ld, LUT %ld / %ld, FF %ld / %ld, "
              "zh_lut marks %d", rfs[i], lanes, lat[0], lat[1], r[0].dsp, r[1].dsp, r[0].lut, r[1].lut, r[0].ff, r[1].ff, marked);
    }
}

/* Which engines share (lower_share, the plan data --dump schedule prints): the GRU(5) at reuse
 * 33 (5 MACs) with its Dense(8) at rf r8 and Dense(1) at rf r1. A guest needs R > 1, at most the
 * host's MACs and the host's accum type; the chain stops at the first dense that cannot; the
 * host shares only with a guest, only with share_multipliers 1 and no return_sequences; each
 * shared MAC's sharers are the host and the guests with a multiplier there; the common format is
 * the widest of theirs. */
static void test_share_plan(void)
{
    static const struct { int r8, r1, share, accum_w; int owners[3]; } cases[] = {
        {40, 8, 1, 0, {1, 2, 3}},  /* two guests, 1 MAC each (Dense(8): 40 products) */
        {8, 8, 1, 0, {1, 2, 3}},   /* Dense(8) on 5 MACs: as many as the host's */
        {4, 8, 1, 0, {0, 0, 0}},   /* on 10 MACs: more than the host's, the chain stops at once */
        {1, 8, 1, 0, {0, 0, 0}},   /* reuse 1: constant weights, no MACs */
        {40, 1, 1, 0, {1, 2, 0}},  /* the second cannot: one guest */
        {40, 8, 0, 0, {0, 0, 0}},  /* not asked */
        {40, 8, -1, 0, {0, 0, 0}}, /* forbidden */
        {40, 8, 1, 20, {0, 0, 0}}, /* the first dense's accum differs: none */
    };
    for (size_t t = 0; t < sizeof cases / sizeof cases[0]; t++) {
        Model *m = gru5_model();
        m->layers[0].reuse = 33;
        m->layers[0].lane_mults = 1;
        m->layers[0].share = cases[t].share;
        m->layers[1].reuse = cases[t].r8;
        m->layers[2].reuse = cases[t].r1;
        check_model(m);
        if (cases[t].accum_w) m->layers[1].ty.accum.w = cases[t].accum_w, m->layers[1].ty.accum.i += cases[t].accum_w - 16;
        quantize_model(m);
        Netlist *n = lower_model(m, 1);
        int want[3];
        memcpy(want, cases[t].owners, sizeof want);
        bool ok = n->n == 3;
        for (int i = 0; ok && i < 3; i++) ok = n->eng[i].mac_owner == want[i] && (!want[i] || n->eng[i].mac_host == 0);
        int owners = want[2] ? 3 : want[1] ? 2 : 0;
        ok = ok && (owners == 0 || n->eng[0].mac_owners == owners);
        check(ok, "share plan case %zu: owners %d %d %d, expected %d %d %d", t, n->eng[0].mac_owner, n->eng[1].mac_owner,
              n->eng[2].mac_owner, want[0], want[1], want[2]);
        if (ok && owners) {
            int who[8];
            for (int mm = 0; mm < n->eng[0].mvm.n_mult; mm++) {
                int c = share_mac_sharers(n, 0, mm, who, 8), exp = 1;
                for (int g = 1; g < owners; g++) exp += mm < n->eng[g].mvm.n_mult;
                check(c == exp && who[0] == 0, "share plan case %zu, MAC %d: %d sharers, expected %d", t, mm, c, exp);
                FxType ot, wt;
                int gw;
                share_mac_types(n, 0, mm, &ot, &wt, &gw);
                for (int k = 0; k < c; k++) {
                    const Mvm *v = &n->eng[who[k]].mvm;
                    check(fx_frac(ot) >= fx_frac(v->op_t) && ot.w - fx_frac(ot) >= v->op_t.w - fx_frac(v->op_t) &&
                              fx_frac(wt) >= fx_frac(v->w_t) && wt.w - fx_frac(wt) >= v->w_t.w - fx_frac(v->w_t) &&
                              gw >= v->guard_w,
                          "share plan case %zu, MAC %d: common format narrower than sharer %d's", t, mm, who[k]);
                }
            }
        }
        netlist_free(n);
        free_model(m);
    }
}

/* Engine e's schedule ROM word width (its matrix product's plan). */
static long rom_width(const Engine *e)
{
    MvmPlanOpts opt = plan_engine_opts(e, &e->mvm);
    MvmPlan *p = plan_mvm(&e->mvm, &opt);
    long w = (long)p->n_mult * p->rom_w;
    plan_free(p);
    return w;
}

/* Shared ROMs (lower_share_roms) on the GRU(5) sharing its MACs, over host and guest reuse
 * factors: a guest's words follow the host's (and the guest before it) with no gap, are no
 * wider, and stay in the host's blocks; a guest left out would not have fitted there. Some
 * cases must share. */
static void test_share_roms(void)
{
    static const int host_rf[] = {33, 55, 83, 110, 165}, guest_rf[] = {8, 10, 20, 40};
    int shared = 0, cases = 0;
    for (size_t a = 0; a < sizeof host_rf / sizeof host_rf[0]; a++)
        for (size_t b = 0; b < sizeof guest_rf / sizeof guest_rf[0]; b++) {
            Model *m = gru5_model();
            m->layers[0].reuse = host_rf[a];
            m->layers[0].lane_mults = 1;
            m->layers[0].share = 1;
            m->layers[1].reuse = guest_rf[b];
            m->layers[2].reuse = 8;
            check_model(m);
            quantize_model(m);
            Netlist *n = lower_model(m, 1);
            const Engine *h = &n->eng[0];
            long hw = h->mac_owner == 1 ? rom_width(h) : 0, depth = h->mvm.rf;
            for (int g = 1; g < n->n && hw; g++) {
                const Engine *d = &n->eng[g];
                if (d->mac_owner < 2) continue;
                cases++;
                bool fits = rom_width(d) <= hw && res_rom_room(n->family, h->mvm.rf, hw, depth + d->mvm.rf - h->mvm.rf);
                if (d->rom_base) {
                    shared++;
                    check(d->rom_base == depth && fits, "shared ROM, host rf %d guest rf %d: %s at %d (expected %ld), %s",
                          host_rf[a], guest_rf[b], d->name, d->rom_base, depth, fits ? "fits" : "does not fit");
                    depth += d->mvm.rf;
                } else {
                    check(!fits || d->mvm.rf < 2, "shared ROM, host rf %d guest rf %d: %s would fit at %ld", host_rf[a],
                          guest_rf[b], d->name, depth);
                }
            }
            check(h->rom_depth == (depth > h->mvm.rf ? depth : 0), "shared ROM, host rf %d guest rf %d: depth %d, expected %ld",
                  host_rf[a], guest_rf[b], h->rom_depth, depth);
            netlist_free(n);
            free_model(m);
        }
    check(shared > 0, "no guest's ROM in its host's among %d sharing guests", cases);
    printf("auto shared ROMs: %d of %d sharing guests\n", shared, cases);
}

/* The search with the share_multipliers knob open, within 8 DSPs (no logic budget): the dense
 * layers on the GRU(5)'s MACs free the 2 DSPs they had, and the design chosen is faster than the
 * best without sharing, shares (the plan says so: host and guests marked), and its DSPs are the
 * host's multipliers and lanes only; with sharing forbidden by the model the knob is absent. */
static void test_share_choice(void)
{
    long no_share = -1;
    for (int allow = 0; allow < 2; allow++) {
        Model *m = gru5_model();
        if (!allow) m->layers[0].share = -1;
        AutoSearch *a = auto_prepare(m);
        check_model(m);
        quantize_model(m);
        int share_knobs = 0;
        for (int k = 0; k < a->n_knobs; k++) share_knobs += a->knob[k].which == KNOB_SHARE;
        check(share_knobs == allow, "GRU(5): %d share_multipliers knobs (expected %d)", share_knobs, allow);
        AutoOptions o = options(8, -1, OPT_LATENCY);
        auto_search(a, m, &o);
        const Candidate *c = &a->cand[a->chosen];
        Netlist *n = lower_model(m, 1);
        int guests = 0;
        for (int i = 1; i < n->n; i++) guests += n->eng[i].mac_owner > 1 && n->eng[i].mac_host == 0;
        if (!allow) {
            no_share = c->latency;
            check(guests == 0 && n->eng[0].mac_owner == 0, "GRU(5), sharing forbidden: %d guests", guests);
        } else {
            check(c->fits && c->latency < no_share && m->layers[0].share == 1 && n->eng[0].mac_owner == 1 &&
                      guests == n->n - 1 && n->eng[0].mac_owners == n->n,
                  "GRU(5), 8 DSP, sharing open: latency %ld (without: %ld), share %d, %d guests", c->latency, no_share,
                  m->layers[0].share, guests);
            long lane_dsp = n->eng[0].n_elem_mult; /* serial: 1 per lane; z * h_prev in logic: 2; else 3 */
            check(c->res.dsp == n->eng[0].n_mult + lane_dsp, "GRU(5) shared: %ld DSP predicted, host %d + lanes %ld",
                  c->res.dsp, n->eng[0].n_mult, lane_dsp);
        }
        netlist_free(n);
        auto_free(a);
        free_model(m);
    }
}

/* The search's polish (autoreuse.c polish, repair): the GRU(5)'s shape on the UP5K's whole
 * budget (8 DSP, 30 block RAMs, LUT + FF under the iCE40 margin) with its 5 knobs open; the
 * greedy descents alone can spend the logic on the dense layers early and stop at a cell
 * factor 1.4x to 1.8x slower than what fits (the trained GRU(5): 1324 cycles against 734;
 * here 1336 against 752). The choice must be at least as fast as every design with the dense
 * layers at their smallest (the GRU's knobs enumerated: the whole enumeration takes 30 s). */
static void test_polish(void)
{
    Model *m = gru5_model();
    AutoSearch *a = auto_prepare(m);
    check_model(m);
    quantize_model(m);
    AutoOptions o = options(8, 30, OPT_LATENCY);
    o.max_lut = 5280;
    o.lut_margin = res_lut_margin("ice40");
    auto_search(a, m, &o);
    long chosen = a->cand[a->chosen].latency, best = exhaustive_over(a, m, &o, false, &m->layers[0]);
    check(a->cand[a->chosen].fits && best > 0 && chosen <= best,
          "GRU(5) on the UP5K's budget: chosen latency %ld, best with the dense layers smallest %ld (%d candidates)",
          chosen, best, a->n_cand);
    auto_free(a);
    free_model(m);
}

/* The retry after place and route (auto_next): a design that missed the clock is followed by
 * an untried candidate with less predicted logic (LUT + FF on iCE40) and the best latency
 * among those; one whose synthesized logic overflowed the part by one scaled to 95% of it. */
static void test_retry(int seed)
{
    Model *m = random_model(seed, (ModelOpts){0});
    AutoSearch *a = auto_prepare(m);
    check_model(m);
    quantize_model(m);
    AutoOptions o = options(-1, -1, OPT_LATENCY);
    auto_search(a, m, &o);
    int c = a->chosen;
    a->cand[c].tried = true;
    double lc = (double)(a->cand[c].res.lut + a->cand[c].res.ff);
    int nx = auto_next(a, &o, c, NULL, NULL, true);
    bool ok = nx < 0 || (nx != c && !a->cand[nx].tried && (double)(a->cand[nx].res.lut + a->cand[nx].res.ff) < lc);
    for (int i = 0; ok && nx >= 0 && i < a->n_cand; i++)
        if (!a->cand[i].tried && a->cand[i].res.lut + a->cand[i].res.ff < lc && a->cand[i].latency < a->cand[nx].latency)
            ok = false;
    check(ok && (nx >= 0 || a->n_cand == 1), "seed %d: after a missed clock, candidate %d (logic %ld) after %d (logic %.0f)",
          seed, nx, nx >= 0 ? a->cand[nx].res.lut + a->cand[nx].res.ff : -1, c, lc);
    /* synthesized at twice the predicted logic, on a part of exactly the predicted logic */
    Resources meas = a->cand[c].res, avail = {.dsp = -1, .lut = (long)lc, .ff = (long)lc, .bram = -1};
    meas.lut *= 2;
    meas.ff *= 2;
    AutoOptions o2 = options(-1, -1, OPT_LATENCY);
    nx = auto_next(a, &o2, c, &meas, &avail, false);
    check(o2.max_lut == (long)(0.95 * lc / 2) && (nx < 0 || a->cand[nx].res.lut + a->cand[nx].res.ff <= o2.max_lut),
          "seed %d: after logic overflowing 2x, budget %ld (want %ld), candidate %d", seed, o2.max_lut, (long)(0.95 * lc / 2), nx);
    auto_free(a);
    free_model(m);
}

/* No design fits the block RAM budget with the default 1024-entry tables: the search halves the
 * tables the model left at their default (never below 256) until one fits, and keeps a size the
 * model gave. The budget is the smallest design's block RAM at 256 entries (the output layer's
 * 1024). */
static int mirror_rounds; /* test_mirror_first seeds that fit only with the mirrors */

static void tables_256(Model *m) /* every layer's tables but the output layer's at 256 entries */
{
    for (int i = 0; i + 1 < m->n_layers; i++) m->layers[i].table_size = 256;
}

static void mirror_all(Model *m) /* every layer's tables mirrored */
{
    for (int i = 0; i < m->n_layers; i++) m->layers[i].table_mirror = 1;
}

/* The smallest block RAM of any candidate of seed's model, changed by tweak first. */
static long smallest_bram(int seed, void (*tweak)(Model *))
{
    Model *m = random_model(seed, (ModelOpts){0});
    check_model(m);
    quantize_model(m);
    tweak(m);
    AutoSearch *a = auto_prepare(m);
    AutoOptions big = options(-1, -1, OPT_LATENCY);
    auto_search(a, m, &big);
    long bram = -1;
    for (int c = 0; c < a->n_cand; c++)
        if (bram < 0 || a->cand[c].res.bram < bram) bram = a->cand[c].res.bram;
    auto_free(a);
    free_model(m);
    return bram;
}

static void test_shrink_tables(int seed)
{
    long bram256 = smallest_bram(seed, tables_256);
    Model *m2 = random_model(seed, (ModelOpts){0});
    check_model(m2);
    quantize_model(m2);
    m2->layers[m2->n_layers - 1].table_size_given = true; /* the output layer keeps its 1024 */
    AutoSearch *a = auto_prepare(m2);
    AutoOptions o = options(-1, bram256, OPT_LATENCY);
    auto_search(a, m2, &o);
    bool fit1024 = a->cand[a->chosen].fits;
    int rounds = 0;
    while (auto_shrink_tables(&a, m2, &o)) rounds++;
    bool ok = a->cand[a->chosen].fits;
    for (int i = 0; i + 1 < m2->n_layers; i++) ok &= m2->layers[i].table_size >= 256;
    ok &= m2->layers[m2->n_layers - 1].table_size == 1024;
    ok &= fit1024 ? rounds == 0 && m2->layers[0].table_size == 1024 : rounds > 0 && m2->layers[0].table_size < 1024;
    check(ok, "seed %d: budget %ld BRAM, fits at 1024: %d, %d rounds, tables %d / last %d, fits %d", seed, o.max_bram,
          fit1024, rounds, m2->layers[0].table_size, m2->layers[m2->n_layers - 1].table_size, a->cand[a->chosen].fits);
    auto_free(a);
    free_model(m2);
}

/* The smallest design fits the block RAM only with the tables mirrored (table_mirror): the first
 * round turns the mirrors on and keeps the 1024 entries; a layer that sets table_mirror false
 * keeps whole tables. The budget is the smallest design's block RAM with every mirror on. */
static void test_mirror_first(int seed)
{
    long bram_m = smallest_bram(seed, mirror_all);
    Model *m2 = random_model(seed, (ModelOpts){0});
    check_model(m2);
    quantize_model(m2);
    AutoSearch *a = auto_prepare(m2);
    AutoOptions o = options(-1, bram_m, OPT_LATENCY);
    auto_search(a, m2, &o);
    bool fit_whole = a->cand[a->chosen].fits;
    int rounds = 0, mirrored = 0;
    while (auto_shrink_tables(&a, m2, &o)) rounds++;
    for (int i = 0; i < m2->n_layers; i++) mirrored += m2->layers[i].table_mirror > 0;
    bool ok = a->cand[a->chosen].fits && m2->layers[0].table_size == 1024;
    ok &= fit_whole ? rounds == 0 && mirrored == 0 : rounds == 1 && mirrored > 0;
    check(ok, "seed %d: budget %ld BRAM, fits whole: %d, %d rounds, %d layers mirrored, tables %d, fits %d", seed,
          o.max_bram, fit_whole, rounds, mirrored, m2->layers[0].table_size, a->cand[a->chosen].fits);
    if (!fit_whole) mirror_rounds++;
    auto_free(a);
    free_model(m2);
}

/* The cost tables hold together (resources.c's res_check_tables), and each family's LUT and FF
 * rows are the ones its calibration printed (bench/results/resources_FAMILY.txt, "%.4g"). */
static void test_cost_tables(void)
{
    const char *why = res_check_tables();
    check(!why, "%s", why ? why : "");
    char root[4096];
    snprintf(root, sizeof root, "%s", __FILE__); /* ROOT/tests/unit/test_auto.c */
    char *cut = strstr(root, "tests/unit/");
    if (!cut) return;
    *cut = 0;
    const char *families[] = {"ice40", "xilinx", "xcup", "ecp5"};
    for (int f = 0; f < 4; f++) {
        char path[4200], line[2048];
        snprintf(path, sizeof path, "%sbench/results/resources_%s.txt", root, families[f]);
        FILE *in = fopen(path, "r");
        if (!in) {
            check(f == 3, "%s missing", path); /* ECP5: only where its calibration ran */
            continue;
        }
        double row[2][RES_FEATURES];
        check(res_cost_rows(families[f], row[0], row[1]), "no cost table for %s", families[f]);
        int rows = 0;
        while (fgets(line, sizeof line, in)) {
            int which = strstr(line, ".lut = {") ? 0 : strstr(line, ".ff = {") ? 1 : -1;
            if (which < 0) continue;
            rows++;
            char *p = strchr(line, '{') + 1;
            for (int k = 0; k < RES_FEATURES; k++) {
                char mine[32];
                size_t len = strcspn(p, ",}");
                snprintf(mine, sizeof mine, "%.4g", row[which][k]);
                check(strlen(mine) == len && !strncmp(mine, p, len), "%s: %s row, %s: resources.c %s, calibrated %.*s",
                      families[f], which ? "ff" : "lut", res_feature_names[k], mine, (int)len, p);
                p += len + (p[len] == ',' ? 2 : 0);
            }
        }
        fclose(in);
        check(rows == 2, "%s: %d cost rows, expected lut and ff", path, rows);
    }
}

/* A Xilinx design for UltraScale+ (Netlist.ultrascale) takes the xcup table's LUT and FF rows,
 * any other the xilinx table's: on the same netlist, flipping the flag moves every engine's
 * prediction by exactly its features times the rows' difference (the terms outside the rows
 * are the same in both tables), and leaves an iCE40 prediction as it was. */
static void test_xcup_rows(int seed)
{
    double lut[2][RES_FEATURES], ff[2][RES_FEATURES];
    check(res_cost_rows("xilinx", lut[0], ff[0]) && res_cost_rows("xcup", lut[1], ff[1]), "no xilinx or xcup rows");
    Model *m = random_model(seed, (ModelOpts){0});
    m->reuse = 1 + seed % 4; /* a cell with adder trees and schedule ROMs from reuse 2 on */
    check_model(m);
    quantize_model(m);
    Netlist *n = lower_model_family(m, seed % 2, "xilinx", true);
    for (int i = 0; i < n->n; i++) {
        EngineResources r[2], c[2];
        for (int u = 0; u < 2; u++) {
            n->ultrascale = u;
            r[u] = res_engine(n, i, "xilinx");
            c[u] = res_engine(n, i, "ice40");
        }
        check(!memcmp(r[0].feat, r[1].feat, sizeof r[0].feat), "seed %d engine %d: features moved with the flag", seed, i);
        double dl = 0, df = 0;
        for (int k = 0; k < RES_FEATURES; k++) {
            dl += r[0].feat[k] * (lut[1][k] - lut[0][k]);
            df += r[0].feat[k] * (ff[1][k] - ff[0][k]);
        }
        check(fabs(r[1].lut - r[0].lut - dl) < 1e-6 && fabs(r[1].ff - r[0].ff - df) < 1e-6,
              "seed %d engine %d: xcup - xilinx LUT %.3f FF %.3f, rows' difference %.3f / %.3f", seed, i,
              r[1].lut - r[0].lut, r[1].ff - r[0].ff, dl, df);
        check(c[0].lut == c[1].lut && c[0].ff == c[1].ff, "seed %d engine %d: iCE40's prediction moved", seed, i);
    }
    netlist_free(n);
    free_model(m);
}

/* iCE40 block RAMs of a depth x width ROM (SB_RAM40_4K: 256x16, 512x8, 1024x4, 2048x2), an
 * oracle beside resources.c's own. */
static long ice40_blocks(long depth, long width)
{
    long best = -1;
    for (long d = 256, w = 16; d <= 2048; d *= 2, w /= 2) {
        long b = (depth + d - 1) / d * ((width + w - 1) / w);
        if (best < 0 || b < best) best = b;
    }
    return best;
}

/* res_rom_block_depth: the anchors (the GRU(20)'s 520-word ROM of three multipliers), and over
 * every depth to 2100 and six widths: a tail only behind a ROM register, at most RNNC_ROM_TAIL
 * words, at an index rnnc_rom accepts (the block a multiple of 2^clog2(tail)), saving blocks;
 * and no split left out that would save a block of a ROM in block RAM. */
static void test_rom_block_depth(void)
{
    check(res_rom_block_depth("ice40", 520, 48, true) == 512, "520 x 48: %ld", res_rom_block_depth("ice40", 520, 48, true));
    check(res_rom_block_depth("ice40", 780, 32, true) == 768, "780 x 32");
    check(res_rom_block_depth("ice40", 520, 48, false) == 520, "520 x 48 without the ROM register");
    check(res_rom_block_depth("ice40", 416, 80, true) == 416, "416 x 80: a tail of 160");
    check(res_rom_block_depth("ice40", 260, 16, true) == 256, "260 x 16");
    const long widths[] = {16, 24, 32, 48, 64, 72};
    int bad = 0, splits = 0;
    for (long rf = 1; rf <= 2100; rf++)
        for (int i = 0; i < 6; i++) {
            long w = widths[i], b = res_rom_block_depth("ice40", rf, w, true), tail = rf - b;
            if (b < rf) {
                splits++;
                long pow = 1;
                while (pow < tail) pow *= 2;
                bad += tail > RNNC_ROM_TAIL || b % pow != 0 || ice40_blocks(b, w) >= ice40_blocks(rf, w) ||
                       res_rom_block_depth("ice40", rf, w, false) != rf;
            } else if (ice40_blocks(rf, w) * 64 < rf * w / 16) { /* in block RAM: no saving left out */
                for (long d = 256; d <= 2048; d *= 2) {
                    long lo = rf / d * d;
                    bad += lo > 0 && rf - lo > 0 && rf - lo <= RNNC_ROM_TAIL && ice40_blocks(lo, w) < ice40_blocks(rf, w);
                }
            }
        }
    check(bad == 0 && splits > 0, "res_rom_block_depth: %d bad choices, %d splits", bad, splits);
}

/* On Xilinx a LUT budget of L brings 2L FFs (a slice's 8 LUTs and 16 FFs): the search bounds FF by
 * max_lut * res_ff_per_lut. Take the fastest candidate of an unbounded search whose FFs outnumber its
 * LUTs and budget exactly its LUTs and half its FFs: the search must then choose that latency or
 * better, within both caps, and no evaluated candidate within them may be faster. */
static int ff_bound_cases;
static void test_xilinx_ff_budget(int seed)
{
    Model *m = random_model(seed, (ModelOpts){0});
    AutoSearch *a = auto_prepare(m);
    check_model(m);
    quantize_model(m);
    AutoOptions o = {.family = "xilinx", .max_dsp = -1, .max_lut = -1, .max_bram = -1, .objective = OPT_LATENCY};
    auto_search(a, m, &o);
    long lat_x = -1, cap = 0;
    for (int i = 0; i < a->n_cand; i++) {
        const Resources *r = &a->cand[i].res;
        if (r->ff > r->lut && (lat_x < 0 || a->cand[i].latency < lat_x))
            lat_x = a->cand[i].latency, cap = r->lut > (r->ff + 1) / 2 ? r->lut : (r->ff + 1) / 2;
    }
    auto_free(a);
    free_model(m);
    if (lat_x < 0) return;
    Model *m2 = random_model(seed, (ModelOpts){0});
    a = auto_prepare(m2);
    check_model(m2);
    quantize_model(m2);
    AutoOptions b = o;
    b.max_lut = cap, b.lut_margin = 1.0;
    check(auto_ff_cap(&b) == 2 * cap, "seed %d: FF cap %ld for LUT budget %ld", seed, auto_ff_cap(&b), cap);
    auto_search(a, m2, &b);
    const Candidate *c = &a->cand[a->chosen];
    check(c->fits && c->res.lut <= cap && c->res.ff <= 2 * cap && c->latency <= lat_x,
          "seed %d: LUT budget %ld: chose %ld cycles with %ld LUT, %ld FF (a candidate of %ld cycles fits)", seed, cap,
          c->latency, c->res.lut, c->res.ff, lat_x);
    for (int i = 0; i < a->n_cand; i++) {
        const Candidate *x = &a->cand[i];
        bool within = x->res.lut <= cap && x->res.ff <= 2 * cap;
        check(!(within && x->latency < c->latency), "seed %d: candidate %d (%ld cycles, %ld LUT, %ld FF) fits, faster", seed, i,
              x->latency, x->res.lut, x->res.ff);
    }
    ff_bound_cases++;
    auto_free(a);
    free_model(m2);
}

/* Multipliers past the DSP budget in logic (auto_spill), UltraScale+ with a LUT budget given: no
 * candidate's DSPs pass the budget where it fits; each candidate's logic counts, applied and
 * lowered, are its dense engines' (at most their multipliers) and give its latency, DSPs and
 * LUTs; the spill only happens over the DSPs. Without logic_spill (no --max-lut) none. */
static int spill_chosen, spill_cands;
static void test_logic_spill(int seed)
{
    for (int allow = 0; allow < 2; allow++) {
        Model *m = random_model(seed, (ModelOpts){0});
        AutoSearch *a = auto_prepare(m);
        check_model(m);
        quantize_model(m);
        AutoOptions o = {.family = "xcup", .ultrascale = true, .max_dsp = 4 + seed % 5, .max_lut = 100000,
                         .max_bram = -1, .lut_margin = 1.0, .objective = seed % 2 ? OPT_THROUGHPUT : OPT_LATENCY,
                         .logic_spill = allow};
        auto_search(a, m, &o);
        for (int i = 0; i < a->n_cand; i++) {
            const Candidate *c = &a->cand[i];
            int logic = 0;
            for (int s = 0; s < a->n_spill; s++) logic += c->idx[a->n_knobs + s];
            check(allow || logic == 0, "seed %d: candidate %d has %d logic multipliers without logic_spill", seed, i, logic);
            check(!c->fits || c->res.dsp <= o.max_dsp, "seed %d: candidate %d fits with %ld DSP > %ld", seed, i, c->res.dsp,
                  o.max_dsp);
            if (!logic) continue;
            spill_cands++;
            auto_apply(a, i);
            Netlist *n = lower_model_family(m, 0, o.family, o.ultrascale);
            Schedule *sc = schedule_netlist(n, RNNC_II_SEQ);
            Resources r = res_netlist(n, o.family);
            int built = 0;
            for (int e = 0; e < n->n; e++) {
                const Engine *en = &n->eng[e];
                built += en->mvm.n_logic;
                check(en->mvm.n_logic <= en->mvm.n_mult && (en->mvm.n_logic == 0 || en->kind == ENG_DENSE),
                      "seed %d: engine %s has %d of %d multipliers in logic", seed, en->name, en->mvm.n_logic, en->mvm.n_mult);
            }
            check(built == logic && r.dsp == c->res.dsp && r.lut == c->res.lut && sc->latency_cycles == c->latency &&
                      r.dsp == o.max_dsp,
                  "seed %d: candidate %d: %d logic multipliers, built %d; DSP %ld / %ld (budget %ld), LUT %ld / %ld, "
                  "latency %ld / %ld", seed, i, logic, built, r.dsp, c->res.dsp, o.max_dsp, r.lut, c->res.lut,
                  sc->latency_cycles, c->latency);
            netlist_free(n);
            free(sc->seq_start);
            free(sc->seq_end);
            free(sc);
        }
        for (int s = 0; s < a->n_spill; s++) spill_chosen += a->cand[a->chosen].idx[a->n_knobs + s] > 0;
        auto_free(a);
        free_model(m);
    }
}

int main(void)
{
    test_cost_tables();
    for (int seed = 1; seed <= 8; seed++) test_xcup_rows(seed);
    test_rom_block_depth();
    for (int seed = 1; seed <= 8; seed++) test_xilinx_ff_budget(seed);
    check(ff_bound_cases > 0, "no seed had a candidate with more FFs than LUTs (the FF budget test proves nothing)");
    printf("auto FF budgets checked: %d\n", ff_bound_cases);
    /* the exhaustive cross-check of the search dominates the time (0.4 s a model, 4 s under
     * ASan): UNIT_AUTO_SEEDS lowers the 24 random models (tests/unit/run.sh: 6 under ASan) */
    const char *env_seeds = getenv("UNIT_AUTO_SEEDS");
    int n_seeds = env_seeds ? atoi(env_seeds) : 24;
    if (n_seeds < 1 || n_seeds > 24) n_seeds = 24;
    for (int seed = 1; seed <= n_seeds; seed++) {
        test_budgets_and_latency(seed);
        test_explicit(seed);
    }
    check(whole_rows_knobs > 0, "no reuse factor moved to whole rows among the seeds' knobs");
    printf("auto whole-row factors off ceil(P / M): %d\n", whole_rows_knobs);
    for (int seed = 1; seed <= 4; seed++)
        for (long dsp = 12; dsp <= 40; dsp += 14) test_form_choice(seed, dsp);
    check(split_wins > 0, "the split form was never the best choice (%d budgets)", split_wins);
    for (int seed = 1; seed <= 8; seed++) test_logic_spill(seed);
    check(spill_cands > 0 && spill_chosen > 0, "logic spill: %d candidates, %d chosen (the test proves nothing)", spill_cands,
          spill_chosen);
    printf("auto logic multipliers: %d candidates, %d chosen\n", spill_cands, spill_chosen);
    test_lane_choice();
    test_lane_zh_lut();
    test_share_choice();
    test_share_plan();
    test_share_roms();
    test_polish();
    for (int seed = 1; seed <= 8; seed++) test_retry(seed);
    for (int seed = 1; seed <= 8; seed++) test_shrink_tables(seed);
    for (int seed = 1; seed <= 8; seed++) test_mirror_first(seed);
    check(mirror_rounds > 0, "no seed needed the mirrored tables (the test proves nothing)");
    printf("unit: %d passed, %d failed\n", n_pass, n_fail);
    return n_fail ? 1 : 0;
}
