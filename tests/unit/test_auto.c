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
 *     model default (reuse_factor at the top) leaves nothing to search.
 * Ends with "unit: N passed, M failed". */
#include "rnnc.h"
#include "unit_check.h"

#include <cjson/cJSON.h>
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
static Model *random_model(int seed, bool explicit_layer, bool model_rf)
{
    rng_state = (unsigned)seed * 2654435761u + 1;
    static const char *const kinds[] = {"gru", "lstm", "simple_rnn"};
    int kind = irand(0, 2), gates = kind == 0 ? 3 : kind == 1 ? 4 : 1;
    int T = irand(3, 6), F = irand(2, 4), U = irand(2, 5), D = irand(2, 4);
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "rnnc", 1);
    cJSON_AddStringToObject(root, "name", "auto_test");
    cJSON *in = cJSON_AddObjectToObject(root, "input");
    cJSON_AddNumberToObject(in, "timesteps", T);
    cJSON_AddNumberToObject(in, "features", F);
    if (model_rf) cJSON_AddNumberToObject(root, "reuse_factor", 3);
    cJSON *layers = cJSON_AddArrayToObject(root, "layers");
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "type", kinds[kind]);
    cJSON_AddNumberToObject(r, "units", U);
    cJSON_AddItemToObject(r, "kernel", matrix(F, gates * U));
    cJSON_AddItemToObject(r, "recurrent_kernel", matrix(U, gates * U));
    cJSON_AddItemToObject(r, "bias", kind == 0 ? matrix(2, gates * U) : vector(gates * U));
    if (kind == 2) cJSON_AddStringToObject(r, "activation", "tanh");
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
        if (explicit_layer && d == 0) cJSON_AddNumberToObject(l, "reuse_factor", 2);
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

/* The best latency of every combination of knob values that fits (LONG_MAX: none). */
static long exhaustive_best(AutoSearch *a, Model *m, const AutoOptions *o)
{
    int idx[8] = {0};
    long best = -1;
    for (;;) {
        for (int k = 0; k < a->n_knobs; k++) a->knob[k].layer->reuse = a->knob[k].vals[idx[k]];
        long lat, ii;
        Resources r = resources_now(m, &lat, &ii);
        if ((o->max_dsp < 0 || r.dsp <= o->max_dsp) && (o->max_bram < 0 || r.bram <= o->max_bram) && (best < 0 || lat < best))
            best = lat;
        int k = 0;
        while (k < a->n_knobs && ++idx[k] == a->knob[k].n_vals) idx[k++] = 0;
        if (k == a->n_knobs) break;
    }
    return best;
}

static void test_budgets_and_latency(int seed)
{
    Model *m = random_model(seed, false, false);
    AutoSearch *a = auto_prepare(m);
    check_model(m);
    quantize_model(m);
    check(a->n_knobs >= 2, "seed %d: %d knobs (expected one per weighted layer)", seed, a->n_knobs);
    AutoOptions big = options(-1, -1, OPT_LATENCY);
    auto_search(a, m, &big);
    Resources top = a->cand[a->chosen].res, small = a->cand[0].res;
    long dsp = small.dsp + irand(0, (int)(top.dsp - small.dsp)), bram = small.bram + irand(0, (int)(top.bram - small.bram));
    auto_free(a);
    free_model(m);

    Model *m2 = random_model(seed, false, false);
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
    long best = exhaustive_best(a, m2, &o);
    check(best > 0 && c->latency <= best + best / 10, "seed %d: chosen latency %ld, exhaustive best %ld", seed, c->latency,
          best);

    /* throughput: no evaluated candidate that fits has a lower II */
    auto_free(a);
    free_model(m2);
    Model *m3 = random_model(seed, false, false);
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
    Model *m4 = random_model(seed, false, false);
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
    Model *m = random_model(seed, true, false);
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
    Model *m2 = random_model(seed, false, true);
    a = auto_prepare(m2);
    check(a->n_knobs == 0, "seed %d: model default reuse_factor, yet %d knobs", seed, a->n_knobs);
    auto_free(a);
    free_model(m2);
}

int main(void)
{
    for (int seed = 1; seed <= 24; seed++) {
        test_budgets_and_latency(seed);
        test_explicit(seed);
    }
    printf("unit: %d passed, %d failed\n", n_pass, n_fail);
    return n_fail ? 1 : 0;
}
