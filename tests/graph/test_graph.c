/* test_graph.c: a fork/join netlist built by hand, simulated bit- and cycle-exact.
 *
 *   test_graph SEED DIR [--mutants]
 *
 * From SEED: a random model.json in DIR (input T x F; dense "a" and dense "b" of F units with
 * random activations, reuse factors and types; an activation layer "sum" whose type is the
 * merge's). Parsed, checked and quantized as usual, but lowered by hand into a graph, on odd
 * seeds "parallel": the model input forks to DENSE a and DENSE b, both join in a MERGE
 * (a + b, cast to sum's type), the design's output; on even seeds "residual": a's output
 * forks to DENSE b and the MERGE, which adds a + b(a). The design is emitted, linted
 * (verilator -Wall) and simulated with Icarus by run_simulation against this file's C
 * emulation of the same graph (the emulator's dense layers, then the exact sum and cast), and
 * its measured latency and II against schedule.c's (run_simulation's float error is against
 * the model as a chain, so meaningless here). --mutants: the check must also fail with a wrong reference (a - b)
 * and with a predicted latency one cycle off. Prints "PASS ..." or "FAIL ..."; exit 0/1. */
#include "rnnc.h"

#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static unsigned long long rng;
static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}
static double rnd_real(double lo, double hi) { return lo + (hi - lo) * (double)rnd(1000001) / 1e6; }

static void matrix(FILE *f, int rows, int cols)
{
    fprintf(f, "[");
    for (int r = 0; r < rows; r++) {
        fprintf(f, "%s[", r ? ", " : "");
        for (int c = 0; c < cols; c++) fprintf(f, "%s%.6f", c ? ", " : "", rnd_real(-1, 1));
        fprintf(f, "]");
    }
    fprintf(f, "]");
}

static void dense_json(FILE *f, const char *name, int in, int units, bool last)
{
    static const char *const acts[] = {"linear", "relu", "sigmoid", "tanh"};
    static const char *const types[] = {"ap_fixed<16,6>", "ap_fixed<12,4>", "ap_fixed<18,8,AP_RND,AP_SAT>"};
    int max_rf = in * units, rfs[] = {1, 2, 3, max_rf};
    int rf = rfs[rnd(4)];
    fprintf(f, "    {\"type\": \"dense\", \"name\": \"%s\", \"units\": %d, \"activation\": \"%s\", ", name, units,
            acts[rnd(4)]);
    fprintf(f, "\"reuse_factor\": %d, \"precision\": \"%s\", \"table_size\": 256,\n     \"kernel\": ",
            rf > max_rf ? max_rf : rf, types[rnd(3)]);
    matrix(f, in, units);
    fprintf(f, ",\n     \"bias\": [");
    for (int j = 0; j < units; j++) fprintf(f, "%s%.6f", j ? ", " : "", rnd_real(-0.5, 0.5));
    fprintf(f, "]}%s\n", last ? "" : ",");
}

static char *write_model(const char *dir, int seed, int T, int F)
{
    static const char *const sum_types[] = {"ap_fixed<16,6>", "ap_fixed<10,3,AP_RND,AP_SAT>", "ap_fixed<20,8>",
                                            "ap_ufixed<12,4,AP_RND_CONV,AP_SAT>"};
    char *path = xcalloc(4200, 1);
    snprintf(path, 4200, "%s/fork_join.json", dir);
    FILE *f = fopen(path, "w");
    if (!f) BUG("cannot write %s", path);
    fprintf(f, "{\"rnnc\": 1, \"name\": \"fj%d\", \"input\": {\"timesteps\": %d, \"features\": %d},\n", seed, T, F);
    fprintf(f, " \"layers\": [\n");
    dense_json(f, "a", F, F, false);
    dense_json(f, "b", F, F, false);
    fprintf(f, "    {\"type\": \"activation\", \"name\": \"sum\", \"activation\": \"linear\", \"precision\": \"%s\"}\n",
            sum_types[rnd(4)]);
    fprintf(f, " ]}\n");
    fclose(f);
    return path;
}

/* The C emulation of the graph: each dense layer alone on the input, then the exact sum. */
static int sign_b = 1; /* -1: the wrong reference of --mutants */
static bool residual;   /* the topology (even seeds) */
static void some_layers(const Model *m, int first, int count, const double *in, int64_t *out)
{
    Model s = *m;
    s.layers = &m->layers[first];
    s.n_layers = count;
    s.out_type = s.layers[count - 1].ty.result;
    emulate_fixed(&s, in, out);
}

static void graph_reference(const Netlist *n, const double *in, int64_t *out)
{
    const Model *m = n->model;
    int len = m->out_steps * m->out_feat;
    int64_t *ya = xcalloc((size_t)len, sizeof *ya), *yb = xcalloc((size_t)len, sizeof *yb);
    some_layers(m, 0, 1, in, ya);
    if (residual) some_layers(m, 0, 2, in, yb); /* b(a(x)) */
    else some_layers(m, 1, 1, in, yb);
    FxType ta = m->layers[0].ty.result, tb = m->layers[1].ty.result;
    int fa = fx_frac(ta), fb = fx_frac(tb), f = fa > fb ? fa : fb;
    for (int i = 0; i < len; i++) {
        wide_t s = (wide_t)ya[i] * ((wide_t)1 << (f - fa)) + sign_b * (wide_t)yb[i] * ((wide_t)1 << (f - fb));
        out[i] = fx_cast(s, f, m->layers[2].ty.result);
    }
    free(ya);
    free(yb);
}

static Netlist *build(const Model *m, int table_reg)
{
    Netlist *n = netlist_new(m, table_reg, 3);
    PortRef in = {RNNC_INPUT, 0};
    PortRef a = lower_dense(n, &m->layers[0], m->input_type, in);
    PortRef b = residual ? lower_dense(n, &m->layers[1], m->layers[0].ty.result, a)
                         : lower_dense(n, &m->layers[1], m->input_type, in);
    n->out = lower_merge(n, &m->layers[2], a, b, m->layers[2].ty.result);
    n->reference = graph_reference;
    netlist_finish(n);
    return n;
}

static int lint(const char *dir, const char *top)
{
    char cmd[9000];
    snprintf(cmd, sizeof cmd, "cd '%s' && verilator --lint-only -Wall --top-module %s -f files.f > lint.log 2>&1", dir, top);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: test_graph SEED DIR [--mutants]\n");
        return 2;
    }
    int seed = atoi(argv[1]);
    const char *dir = argv[2];
    bool mutants = argc > 3 && !strcmp(argv[3], "--mutants");
    rng = 0x9E3779B97F4A7C15ULL * (unsigned long long)(seed + 1);
    int T = 1 + (int)rnd(5), F = 2 + (int)rnd(4), table_reg = (int)rnd(2);
    residual = seed % 2 == 0;
    Model *m = parse_model(write_model(dir, seed, T, F));
    check_model(m);
    quantize_model(m);
    Netlist *n = build(m, table_reg);
    Schedule *s = schedule_netlist(n, RNNC_II_SEQ);

    Vectors v = {.n_seq = RNNC_II_SEQ, .timesteps = T, .features = F};
    v.values = xcalloc((size_t)v.n_seq * (size_t)T * (size_t)F, sizeof(double));
    for (int i = 0; i < v.n_seq * T * F; i++) v.values[i] = rnd_real(-2, 2);

    emit_verilog(n, s, dir);
    emit_sim(n, s, dir);
    emit_report(n, s, dir);
    char what[200];
    snprintf(what, sizeof what, "seed %d (%s): T=%d F=%d rf a=%d b=%d table_reg=%d, latency %ld II %ld", seed,
             residual ? "residual" : "parallel", T, F,
             n->eng[0].mvm.rf, n->eng[1].mvm.rf, table_reg, s->latency_cycles, s->ii_cycles);
    if (lint(dir, m->name) != 0) {
        printf("FAIL %s: verilator --lint-only -Wall (%s/lint.log)\n", what, dir);
        return 1;
    }
    if (run_simulation(n, s, &v, dir, "icarus", -1) != 0) {
        printf("FAIL %s: simulation\n", what);
        return 1;
    }
    /* forks and joins under random stalls on both streams: the same outputs, no violation */
    if (run_simulation(n, s, &v, dir, "icarus", seed) != 0) {
        printf("FAIL %s: simulation under stalls (seed %d)\n", what, seed);
        return 1;
    }
    if (mutants) {
        sign_b = -1;
        int wrong_ref = run_simulation(n, s, &v, dir, "icarus", -1);
        sign_b = 1;
        s->latency_cycles++;
        int wrong_lat = run_simulation(n, s, &v, dir, "icarus", -1);
        s->latency_cycles--;
        if (wrong_ref == 0 || wrong_lat == 0) {
            printf("FAIL %s: a mutant passed (%s)\n", what, wrong_ref == 0 ? "reference a - b" : "latency + 1");
            return 1;
        }
        printf("PASS %s; also under stalls; mutants (a - b, latency + 1) caught\n", what);
        return 0;
    }
    printf("PASS %s; also under stalls\n", what);
    return 0;
}
