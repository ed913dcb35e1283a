/* gen_vectors.c: test vectors and lookup tables for the rtl_lib testbenches.
 *
 *   gen_vectors OUTDIR
 *
 * writes one vector file per test case (and the .mem tables) into OUTDIR and prints the
 * manifest on stdout, one case a line:
 *
 *   CASE MODULE PARAM=VALUE ... TB_N=<vectors> TB_FILE="<vector file>"
 *
 * PARAM=VALUE are the module's parameters (string values in double quotes); TB_* are the
 * testbench's own. Expected outputs come from compiler/fixed.c (fx_cast, fx_from_double,
 * fx_trunc0_shift) following docs/numerics.md; the cycle timing modelled here is the one of
 * docs/rtl_lib.md with TABLE_REG = 0. Every rnnc_activation and cell case is listed twice, with
 * TABLE_REG=0 and (as CASE_tr1) TABLE_REG=1, on the same vector file (see manifest_tr).
 * Everything is seeded: the same binary writes the same files. */
#include "rnnc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef unsigned __int128 u128;

static const char *outdir;

/* ---- random numbers (xorshift64*, reseeded per case) ---- */

static uint64_t rng_state;

static void seed_from(const char *name)
{
    uint64_t h = 1469598103934665603ULL;
    for (const char *p = name; *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    rng_state = h | 1;
}

static uint64_t rnd64(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ULL;
}

static u128 rnd128(void) { return ((u128)rnd64() << 64) | rnd64(); }
static int rndint(int n) { return (int)(rnd64() % (uint64_t)n); }

static void *zalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p) {
        fprintf(stderr, "gen_vectors: out of memory\n");
        exit(1);
    }
    return p;
}

/* ---- bit-level helpers ---- */

static u128 maskw(int w) { return w >= 128 ? ~(u128)0 : (((u128)1 << w) - 1); }

/* The value of the low w bits of b, two's complement when sgn. */
static wide_t from_bits(u128 b, int w, bool sgn)
{
    b &= maskw(w);
    if (sgn && w < 128 && ((b >> (w - 1)) & 1)) b |= ~maskw(w);
    return (wide_t)b;
}

static void phex(FILE *f, wide_t v, int w)
{
    u128 b = (u128)v & maskw(w);
    for (int i = (w + 3) / 4 - 1; i >= 0; i--) fputc("0123456789abcdef"[(int)((b >> (4 * i)) & 15)], f);
}

/* Print values v[0..n-1] of w bits each as one hex number, v[0] in the low bits (a Verilog
 * flat bus). */
static void phex_flat(FILE *f, const wide_t *v, int n, int w)
{
    int total = n * w, nd = (total + 3) / 4;
    unsigned char *bits = zalloc((size_t)nd * 4, 1);
    for (int j = 0; j < n; j++)
        for (int b = 0; b < w; b++) bits[j * w + b] = (unsigned char)(((u128)v[j] >> b) & 1);
    for (int d = nd - 1; d >= 0; d--) {
        int x = bits[4 * d] | bits[4 * d + 1] << 1 | bits[4 * d + 2] << 2 | bits[4 * d + 3] << 3;
        fputc("0123456789abcdef"[x], f);
    }
    free(bits);
}

static wide_t wmin(int w, bool sgn) { return sgn ? -((wide_t)1 << (w - 1)) : 0; }
static wide_t wmax(int w, bool sgn)
{
    if (w >= 128) return (wide_t)(maskw(127));
    return sgn ? ((wide_t)1 << (w - 1)) - 1 : ((wide_t)1 << w) - 1;
}

/* A random value of a w-bit type: uniform, small, extreme, or of random magnitude. */
static wide_t rnd_val(int w, bool sgn)
{
    int c = rndint(100);
    if (c < 35) return from_bits(rnd128(), w, sgn);
    if (c < 50) return from_bits((u128)(wide_t)(rndint(129) - 64), w, sgn);
    if (c < 62) {
        wide_t e[] = {wmin(w, sgn), wmax(w, sgn), 0, -1, 1, wmin(w, sgn) + 1, wmax(w, sgn) - 1};
        return from_bits((u128)e[rndint(7)], w, sgn);
    }
    int k = 1 + rndint(w);
    return from_bits((u128)from_bits(rnd128(), k, true), w, sgn);
}

static FxType mk(int w, int f, bool sgn, int round, int sat)
{
    /* sat: the RTL's SATURATE (fx_rtl_sat): O mode + 4 * N */
    FxType t = {.w = w, .i = w - f, .sgn = sgn, .q = (QMode)round, .o = (OMode)(sat % 4), .n = sat / 4};
    return t;
}

/* ---- output files ---- */

static FILE *open_out(const char *name, char *path, size_t len)
{
    snprintf(path, len, "%s/%s", outdir, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(1);
    }
    return f;
}

static void manifest(const char *name, const char *module, const char *params, int n, const char *vec)
{
    printf("%s %s %s TB_N=%d TB_FILE=\"%s\"\n", name, module, params, n, vec);
}

/* A module with TABLE_REG (rnnc_activation, the cells): the case with TABLE_REG=0 and, as
 * NAME_tr1, with TABLE_REG=1. Both read the same vector file: the testbench checks each line's
 * expected values TABLE_REG cycles (once per activation on the path) later. */
static void manifest_tr(const char *name, const char *module, const char *params, int n, const char *vec)
{
    printf("%s %s %s TABLE_REG=0 TB_N=%d TB_FILE=\"%s\"\n", name, module, params, n, vec);
    printf("%s_tr1 %s %s TABLE_REG=1 TB_N=%d TB_FILE=\"%s\"\n", name, module, params, n, vec);
}

/* ---- activation tables (numerics.md) ---- */

enum { FN_SIGMOID, FN_TANH, FN_HARD_SIGMOID, FN_RAMP };

typedef struct {
    int kind;           /* 0 linear, 1 relu, 2 table */
    int bits, ss, off;  /* table: log2 N, SCALE_SHIFT, OFFSET */
    FxType out;
    int64_t *tab;
    char file[512];
    int tw, tsigned;    /* table stored tw bits wide (0: out.w), sign-extended when tsigned */
    int mirror;         /* the file holds the upper half (TABLE_MIRROR) ... */
    uint64_t mask, entry0; /* ... entry off - k = entry off + k ^ mask, entry 0 */
} Act;

static double act_fn(int fn, double x)
{
    switch (fn) {
    case FN_SIGMOID: return 1.0 / (1.0 + exp(-x));
    case FN_TANH: return tanh(x);
    default: { double y = 0.2 * x + 0.5; return y < 0 ? 0 : y > 1 ? 1 : y; }
    }
}

/* A table of 2^bits entries of type out: sigmoid/hard_sigmoid over [-8, 8), tanh over [-4, 4)
 * (entry k = cast_R(cast_table(f(lo + k / S)))), or for FN_RAMP distinct pseudo-random
 * entries with the given ss/off (to catch any index error). Written as NAME.mem. */
static Act table_act(const char *name, int fn, int bits, FxType out, FxType ttype, int ss, int off)
{
    Act a = {.kind = 2, .bits = bits, .out = out};
    int n = 1 << bits;
    a.tab = zalloc((size_t)n, sizeof *a.tab);
    if (fn == FN_RAMP) {
        a.ss = ss;
        a.off = off;
    } else { /* S = N / (hi - lo): [-8, 8) or [-4, 4); OFFSET = -lo * S = N / 2 */
        a.ss = bits - (fn == FN_TANH ? 3 : 4);
        a.off = n / 2;
    }
    char fname[256];
    snprintf(fname, sizeof fname, "%s.mem", name);
    FILE *f = open_out(fname, a.file, sizeof a.file);
    for (int k = 0; k < n; k++) {
        int64_t e;
        if (fn == FN_RAMP) {
            e = (int64_t)(((uint64_t)k * 2654435761u + 12345u) & (uint64_t)maskw(out.w));
            e = (int64_t)from_bits((u128)e, out.w, out.sgn);
        } else {
            double lo = fn == FN_TANH ? -4.0 : -8.0;
            double x = lo + ldexp((double)k, -a.ss);
            int64_t traw = fx_from_double(act_fn(fn, x), ttype);
            e = fx_cast(traw, fx_frac(ttype), out);
        }
        a.tab[k] = e;
        phex(f, e, out.w);
        fputc('\n', f);
    }
    fclose(f);
    return a;
}

static Act cast_act(int kind, FxType out)
{
    Act a = {.kind = kind, .bits = 10, .ss = 0, .off = 0, .out = out};
    return a;
}

static int64_t act_eval(const Act *a, wide_t raw, int frac)
{
    if (a->kind == 0) return fx_cast(raw, frac, a->out);
    if (a->kind == 1) return fx_cast(raw < 0 ? 0 : raw, frac, a->out);
    wide_t t = fx_trunc0_shift(raw, frac - a->ss) + a->off;
    wide_t n = (wide_t)1 << a->bits;
    if (t < 0) t = 0;
    if (t > n - 1) t = n - 1;
    return a->tab[(long)t];
}

/* ---- rnnc_quant ---- */

static wide_t quant_input(int in_w, int in_f, bool in_s, int out_w, int out_f, bool out_s)
{
    if (rndint(100) < 50) return rnd_val(in_w, in_s);
    /* near the output range limits and the rounding ties */
    wide_t e[] = {wmin(out_w, out_s), wmax(out_w, out_s), wmin(out_w, out_s) - 1, wmax(out_w, out_s) + 1,
                  0, -1, 1, 2, -2, (wide_t)from_bits(rnd128(), out_w, out_s)};
    wide_t q = e[rndint(10)];
    u128 v;
    if (in_f > out_f) { /* the shifts of the tested shapes stay below 127 */
        int s = in_f - out_f;
        u128 half = (u128)1 << (s - 1);
        u128 fr[] = {0, half, half - 1, half + 1, maskw(s), rnd128() & maskw(s)};
        v = ((u128)q << s) + fr[rndint(6)];
    } else {
        int s = out_f - in_f;
        v = (u128)(q >> s) + (u128)(wide_t)(rndint(3) - 1);
    }
    return from_bits(v, in_w, in_s);
}

static void quant_case(const char *name, int in_w, int in_f, bool in_s, int out_w, int out_f, bool out_s,
                       int round, int sat)
{
    seed_from(name);
    char vname[256], path[512], params[1024];
    snprintf(vname, sizeof vname, "%s.vec", name);
    FILE *f = open_out(vname, path, sizeof path);
    FxType t = mk(out_w, out_f, out_s, round, sat);
    int n = 600;
    for (int k = 0; k < n; k++) {
        wide_t x = quant_input(in_w, in_f, in_s, out_w, out_f, out_s);
        phex(f, x, in_w);
        fputc(' ', f);
        phex(f, fx_cast(x, in_f, t), out_w);
        fputc('\n', f);
    }
    fclose(f);
    snprintf(params, sizeof params,
             "IN_W=%d IN_F=%d IN_SIGNED=%d OUT_W=%d OUT_F=%d OUT_SIGNED=%d ROUND=%d SATURATE=%d",
             in_w, in_f, in_s, out_w, out_f, out_s, round, sat);
    manifest(name, "rnnc_quant", params, n, path);
}

/* ---- rnnc_product, rnnc_mac ---- */

/* LOGIC of the product and MAC cases being generated (1: the product in logic, rnnc_lut_mul),
 * appended to their parameters when set */
static int logic_products;
static const char *logic_param(void) { return logic_products ? " LOGIC=1" : ""; }
/* PRE_REG of the MAC cases being generated (1: the inputs registered in the instance first) */
static int mac_pre_reg;

static void product_case_reg(const char *name, int a_w, int a_f, bool a_s, int b_w, int b_f, bool b_s,
                             int out_w, int out_f, int round, int sat, int reg)
{
    seed_from(name);
    char vname[256], path[512], params[1024];
    snprintf(vname, sizeof vname, "%s.vec", name);
    FILE *f = open_out(vname, path, sizeof path);
    FxType t = mk(out_w, out_f, true, round, sat);
    int n = 600;
    for (int k = 0; k < n; k++) {
        wide_t a = rnd_val(a_w, a_s), b = rnd_val(b_w, b_s);
        phex(f, a, a_w);
        fputc(' ', f);
        phex(f, b, b_w);
        fputc(' ', f);
        phex(f, fx_cast(a * b, a_f + b_f, t), out_w);
        fputc('\n', f);
    }
    fclose(f);
    snprintf(params, sizeof params,
             "A_W=%d A_F=%d A_SIGNED=%d B_W=%d B_F=%d B_SIGNED=%d OUT_W=%d OUT_F=%d ROUND=%d SATURATE=%d REG=%d%s",
             a_w, a_f, a_s, b_w, b_f, b_s, out_w, out_f, round, sat, reg, logic_param());
    manifest(name, "rnnc_product", params, n, path);
}

/* the product registered once (rnnc_product's default REG) */
static void product_case(const char *name, int a_w, int a_f, bool a_s, int b_w, int b_f, bool b_s,
                         int out_w, int out_f, int round, int sat)
{
    product_case_reg(name, a_w, a_f, a_s, b_w, b_f, b_s, out_w, out_f, round, sat, 1);
}

/* rnnc_lut_mul: "a b expected", the exact product a * b (a signed, b signed or not) */
static void lut_mul_case_tail(const char *name, int a_w, int b_w, bool b_s, int lat, int tail);
static void lut_mul_case(const char *name, int a_w, int b_w, bool b_s, int lat)
{
    lut_mul_case_tail(name, a_w, b_w, b_s, lat, 0);
}

/* ... with TAIL (bit 0: the tree's last stage left unregistered) and HEAD (bit 1: the first
 * register after level 1) */
static void lut_mul_case_tail(const char *name, int a_w, int b_w, bool b_s, int lat, int tail)
{
    seed_from(name);
    char vname[256], path[512], params[256];
    snprintf(vname, sizeof vname, "%s.vec", name);
    FILE *f = open_out(vname, path, sizeof path);
    int n = 600;
    for (int k = 0; k < n; k++) {
        /* the extremes first: min * min, min * max, max * min */
        wide_t a = k < 3 ? (k == 2 ? wmax(a_w, true) : wmin(a_w, true)) : rnd_val(a_w, true);
        wide_t b = k < 3 ? (k == 0 ? wmin(b_w, b_s) : wmax(b_w, b_s)) : rnd_val(b_w, b_s);
        phex(f, a, a_w);
        fputc(' ', f);
        phex(f, b, b_w);
        fputc(' ', f);
        phex(f, a * b, a_w + b_w);
        fputc('\n', f);
    }
    fclose(f);
    snprintf(params, sizeof params, "A_W=%d B_W=%d B_SIGNED=%d LAT=%d TAIL=%d HEAD=%d", a_w, b_w, b_s, lat, tail & 1,
             tail >> 1);
    manifest(name, "rnnc_lut_mul", params, n, path);
}

/* rnnc_mac: one line per cycle "en first a b check expected_acc"; acc after the edge of cycle k
 * adds the product of cycle k-1 under en/first of cycle k-1 (prod_reg 1), or of cycle k itself
 * (prod_reg 0: PROD_REG = 0, no product register) */
static void mac_case(const char *name, int a_w, int a_f, bool a_s, int b_w, int b_f, bool b_s,
                     int q_w, int q_f, int round, int sat, int acc_w, int prod_reg)
{
    seed_from(name);
    char vname[256], path[512], params[1024];
    snprintf(vname, sizeof vname, "%s.vec", name);
    FILE *f = open_out(vname, path, sizeof path);
    FxType t = mk(q_w, q_f, true, round, sat);
    int n = 800;
    /* cycle model: after edge k, acc uses en/first/product of cycle k-1; the MAC's inputs of cycle
     * k are those given in cycle k - mac_pre_reg (PRE_REG: the instance's registers first; before
     * the first of them took a value, en is unknown, as is acc until a run starts) */
    int prev_en = 0, prev_first = 0, known = 0, held = 0, in_en = 0, in_first = 0;
    int64_t prev_q = 0;
    wide_t acc = 0, in_a = 0, in_b = 0;
    for (int k = 0; k < n; k++) {
        int en_g = rndint(100) < 75, first_g = rndint(100) < 20;
        wide_t a_g = rnd_val(a_w, a_s), b_g = rnd_val(b_w, b_s);
        int en = mac_pre_reg ? in_en : en_g, first = mac_pre_reg ? in_first : first_g;
        wide_t a = mac_pre_reg ? in_a : a_g, b = mac_pre_reg ? in_b : b_g;
        if (mac_pre_reg && !held) en = 0, known = 0; /* the register's first value is unknown */
        if (!prod_reg) { /* this cycle's product and flags act at this cycle's edge */
            prev_en = en;
            prev_first = first;
            prev_q = fx_cast(a * b, a_f + b_f, t);
        }
        if ((k > 0 || !prod_reg) && prev_en) {
            acc = from_bits((u128)((prev_first ? 0 : acc) + prev_q), acc_w, true);
            if (prev_first) known = 1;
        }
        if (mac_pre_reg && k == 1 && prod_reg) known = 0; /* the unknown en of cycle 0 reached acc */
        fprintf(f, "%d %d ", en_g, first_g);
        phex(f, a_g, a_w);
        fputc(' ', f);
        phex(f, b_g, b_w);
        fprintf(f, " %d ", known);
        phex(f, acc, acc_w);
        fputc('\n', f);
        prev_en = en;
        prev_first = first;
        prev_q = fx_cast(a * b, a_f + b_f, t);
        in_en = en_g, in_first = first_g, in_a = a_g, in_b = b_g, held = 1;
    }
    fclose(f);
    snprintf(params, sizeof params,
             "A_W=%d A_F=%d A_SIGNED=%d B_W=%d B_F=%d B_SIGNED=%d Q_W=%d Q_F=%d ROUND=%d SATURATE=%d ACC_W=%d "
             "PROD_REG=%d%s%s", a_w, a_f, a_s, b_w, b_f, b_s, q_w, q_f, round, sat, acc_w, prod_reg, logic_param(),
             mac_pre_reg ? " PRE_REG=1" : "");
    manifest(name, "rnnc_mac", params, n, path);
}

/* rnnc_mac_sat: one line per cycle "en first init a b check expected_acc"; acc after the edge
 * of cycle k is cast((first_{k-1} ? init_k : acc) + q_{k-1}) when en_{k-1} */
static void mac_sat_case(const char *name, int a_w, int a_f, int b_w, int b_f, int q_w, int q_f, int sat, int acc_w)
{
    seed_from(name);
    char vname[256], path[512], params[1024];
    snprintf(vname, sizeof vname, "%s.vec", name);
    FILE *f = open_out(vname, path, sizeof path);
    FxType t = mk(q_w, q_f, true, 0, sat);
    int n = 800, prev_en = 0, prev_first = 0, known = 0;
    wide_t acc = 0, prev_q = 0;
    for (int k = 0; k < n; k++) {
        int en = rndint(100) < 80, first = rndint(100) < 15;
        wide_t a = rnd_val(a_w, true), b = rnd_val(b_w, true);
        wide_t init = from_bits((u128)rnd_val(q_w, true), q_w, true);
        if (k > 0 && prev_en) {
            acc = fx_cast((prev_first ? init : acc) + prev_q, q_f, t);
            if (prev_first) known = 1;
        }
        fprintf(f, "%d %d ", en, first);
        phex(f, init, acc_w);
        fputc(' ', f);
        phex(f, a, a_w);
        fputc(' ', f);
        phex(f, b, b_w);
        fprintf(f, " %d ", known);
        phex(f, acc, acc_w);
        fputc('\n', f);
        prev_en = en;
        prev_first = first;
        prev_q = fx_cast(a * b, a_f + b_f, t);
    }
    fclose(f);
    snprintf(params, sizeof params, "A_W=%d A_F=%d B_W=%d B_F=%d Q_W=%d Q_F=%d SATURATE=%d ACC_W=%d%s", a_w, a_f, b_w,
             b_f, q_w, q_f, sat, acc_w, logic_param());
    manifest(name, "rnnc_mac_sat", params, n, path);
}

/* ---- rnnc_sum_stage, rnnc_max_stage ---- */

static void stage_case(const char *name, bool is_max, int n_in, int fanin, int w, int chain)
{
    seed_from(name);
    char vname[256], path[512], params[256];
    snprintf(vname, sizeof vname, "%s.vec", name);
    FILE *f = open_out(vname, path, sizeof path);
    int n_out = (n_in + fanin - 1) / fanin, n = 400;
    wide_t *x = zalloc((size_t)n_in, sizeof *x), *y = zalloc((size_t)n_out, sizeof *y);
    for (int k = 0; k < n; k++) {
        int mode = rndint(10); /* sometimes every lane at one extreme, or equal lanes */
        wide_t same = rnd_val(w, true);
        for (int j = 0; j < n_in; j++)
            x[j] = mode == 0 ? wmin(w, true) : mode == 1 ? wmax(w, true) : mode == 2 ? same : rnd_val(w, true);
        phex_flat(f, x, n_in, w);
        fputc(' ', f);
        for (int g = 0; g < n_out; g++) {
            wide_t r = x[g * fanin];
            for (int j = g * fanin + 1; j < n_in && j < (g + 1) * fanin; j++)
                r = is_max ? (x[j] > r ? x[j] : r) : r + x[j];
            y[g] = from_bits((u128)r, w, true);
        }
        phex_flat(f, y, n_out, w);
        fputc('\n', f);
    }
    free(x);
    free(y);
    fclose(f);
    snprintf(params, sizeof params, "N_IN=%d FANIN=%d W=%d%s", n_in, fanin, w, chain ? " CHAIN=1" : "");
    manifest(name, is_max ? "rnnc_max_stage" : "rnnc_sum_stage", params, n, path);
}

/* ---- rnnc_rom ---- */

/* A ROM of depth words; block < depth: rnnc_rom_split, words block.. in a second file. */
static void rom_case(const char *name, int width, int depth, int addr_w, int block)
{
    seed_from(name);
    char mname[256], mpath[512], tname[256], tpath[512], vname[256], path[512], params[1400];
    snprintf(mname, sizeof mname, "%s.mem", name);
    snprintf(tname, sizeof tname, "%s_tail.mem", name);
    FILE *m = open_out(mname, mpath, sizeof mpath);
    FILE *t = block < depth ? open_out(tname, tpath, sizeof tpath) : NULL;
    wide_t *mem = zalloc((size_t)depth, sizeof *mem);
    for (int k = 0; k < depth; k++) {
        mem[k] = rnd_val(width, false);
        phex(k < block ? m : t, mem[k], width);
        fputc('\n', k < block ? m : t);
    }
    fclose(m);
    if (t) fclose(t);
    snprintf(vname, sizeof vname, "%s.vec", name);
    FILE *f = open_out(vname, path, sizeof path);
    int n = 300;
    for (int k = 0; k < n; k++) {
        int addr = rndint(1 << addr_w);
        if (rndint(4) == 0) addr = rndint(depth);
        if (block < depth && rndint(4) == 0) addr = block + rndint(depth - block + 1); /* the tail, one past */
        phex(f, addr, addr_w);
        fputc(' ', f);
        phex(f, addr < depth ? mem[addr] : 0, width);
        fputc('\n', f);
    }
    fclose(f);
    free(mem);
    int len = snprintf(params, sizeof params, "WIDTH=%d DEPTH=%d ADDR_W=%d INIT_FILE=\"%s\"", width, depth, addr_w, mpath);
    if (block < depth)
        snprintf(params + len, sizeof params - (size_t)len, " BLOCK_DEPTH=%d TAIL_FILE=\"%s\"", block, tpath);
    manifest(name, block < depth ? "rnnc_rom_split" : "rnnc_rom", params, n, path);
}

/* ---- rnnc_activation ---- */

static wide_t act_input(const Act *a, int in_w, int in_f, bool in_s)
{
    if (a->kind != 2 || rndint(100) < 50) return rnd_val(in_w, in_s);
    /* around a bin edge: (k - OFFSET) / 2^SCALE_SHIFT, +-1 LSB */
    int n = 1 << a->bits;
    wide_t k = (wide_t)(rndint(n + 4) - 2) - a->off;
    int sh = in_f - a->ss;
    wide_t v = sh >= 0 ? (sh < 120 ? k * ((wide_t)1 << sh) : 0) : fx_trunc0_shift(k, -sh);
    v += rndint(3) - 1;
    return from_bits((u128)v, in_w, in_s);
}

/* The narrowest storage of entries from .. n-1 of table a: signed when one is negative
 * (a->tsigned), a->tw bits (unsigned: the bits of the largest). */
static void narrowest(Act *a, int from, int n)
{
    int64_t lo = 0, hi = 0;
    for (int k = from; k < n; k++) {
        if (a->tab[k] < lo) lo = a->tab[k];
        if (a->tab[k] > hi) hi = a->tab[k];
    }
    a->tsigned = lo < 0;
    a->tw = 1;
    while (a->tw < a->out.w && (a->tsigned ? lo < -((int64_t)1 << (a->tw - 1)) || hi >= ((int64_t)1 << (a->tw - 1))
                                            : hi >= ((int64_t)1 << a->tw)))
        a->tw++;
}

/* Entries from .. n-1 of table a written as NAME.mem, a->tw bits each (0: the output width). */
static void write_entries(const char *name, Act *a, int from, int n)
{
    char fname[256];
    snprintf(fname, sizeof fname, "%s.mem", name);
    FILE *f = open_out(fname, a->file, sizeof a->file);
    for (int k = from; k < n; k++) {
        phex(f, a->tab[k], a->tw ? a->tw : a->out.w);
        fputc('\n', f);
    }
    fclose(f);
}

/* The same table stored at its narrowest width (unsigned when no entry is negative), written
 * as NAME.mem: rnnc_activation's TABLE_W / TABLE_SIGNED must extend it back exactly. */
static Act narrow_act(const char *name, Act a)
{
    narrowest(&a, 0, 1 << a.bits);
    write_entries(name, &a, 0, 1 << a.bits);
    return a;
}

/* The same table stored as its upper half (rnnc_activation TABLE_MIRROR), narrow when narrow,
 * written as NAME.mem; the vectors still come from the whole table (act_eval), so the module
 * must rebuild every lower entry. Exits when the table does not mirror (a bad case). */
static Act mirror_act(const char *name, Act a, bool narrow)
{
    int n = 1 << a.bits, off = a.off;
    uint64_t bits = (uint64_t)maskw(a.out.w);
    a.mirror = 1;
    a.mask = ((uint64_t)a.tab[off - 1] ^ (uint64_t)a.tab[off + 1]) & bits;
    a.entry0 = (uint64_t)a.tab[0] & bits;
    for (int k = 1; k < off; k++)
        if ((((uint64_t)a.tab[off - k] ^ (uint64_t)a.tab[off + k]) & bits) != a.mask) {
            fprintf(stderr, "gen_vectors: %s: entry %d does not mirror entry %d\n", name, off - k, off + k);
            exit(1);
        }
    narrowest(&a, off, n);
    if (!narrow) a.tw = 0;
    write_entries(name, &a, off, n);
    return a;
}

static void activation_case(const char *name, int in_w, int in_f, bool in_s, Act a)
{
    seed_from(name);
    char vname[256], path[512], params[2048], ap[1024];
    snprintf(vname, sizeof vname, "%s.vec", name);
    FILE *f = open_out(vname, path, sizeof path);
    int n = a.mirror ? 3000 : 600, known = 0; /* mirrored: most bins on both sides */
    int64_t out = 0;
    for (int k = 0; k < n; k++) {
        int en = rndint(100) < 80;
        wide_t x = act_input(&a, in_w, in_f, in_s);
        if (en) {
            out = act_eval(&a, x, in_f);
            known = 1;
        }
        fprintf(f, "%d ", en);
        phex(f, x, in_w);
        fprintf(f, " %d ", known);
        phex(f, out, a.out.w);
        fputc('\n', f);
    }
    fclose(f);
    if (a.kind == 2 && a.mirror)
        snprintf(ap, sizeof ap, "KIND=2 TABLE_BITS=%d SCALE_SHIFT=%d OFFSET=%d INIT_FILE=\"%s\" TABLE_W=%d TABLE_SIGNED=%d "
                 "TABLE_MIRROR=1 MIRROR_MASK=64'h%llx MIRROR_ENTRY0=64'h%llx", a.bits, a.ss, a.off, a.file, a.tw, a.tsigned,
                 (unsigned long long)a.mask, (unsigned long long)a.entry0);
    else if (a.kind == 2)
        snprintf(ap, sizeof ap, "KIND=2 TABLE_BITS=%d SCALE_SHIFT=%d OFFSET=%d INIT_FILE=\"%s\" TABLE_W=%d TABLE_SIGNED=%d",
                 a.bits, a.ss, a.off, a.file, a.tw, a.tsigned);
    else
        snprintf(ap, sizeof ap, "KIND=%d", a.kind);
    snprintf(params, sizeof params,
             "IN_W=%d IN_F=%d IN_SIGNED=%d OUT_W=%d OUT_F=%d OUT_SIGNED=%d ROUND=%d SATURATE=%d %s", in_w, in_f,
             in_s, a.out.w, fx_frac(a.out), a.out.sgn, a.out.q, a.out.o == O_SAT, ap);
    manifest_tr(name, "rnnc_activation", params, n, path);
}

/* ---- cells ----
 *
 * The cells are stateless and fully pipelined (docs/rtl_lib.md): the testbench presents one
 * vector line per cycle, "valid inputs... expected outputs". A line with valid = 0 is a bubble:
 * the testbench drives x on every input in that cycle and checks nothing for it (a value held
 * across cycles, or mixed from a neighbouring unit, shows up as x or as a mismatch). Every valid
 * unit is new: random pre-activations and a random previous state (extremes included, and
 * sometimes an earlier unit's new state, as in a real sequence). */

static void cell_act_params(char *buf, size_t len, const char *prefix, const Act *a)
{
    if (a->kind != 2) {
        snprintf(buf, len, " %sKIND=%d", prefix, a->kind);
        return;
    }
    snprintf(buf, len, " %sKIND=2 %sTABLE_BITS=%d %sSCALE_SHIFT=%d %sOFFSET=%d %sFILE=\"%s\"", prefix, prefix,
             a->bits, prefix, a->ss, prefix, a->off, prefix, a->file);
}

/* A pre-activation: mostly within +-8 (where the tables are not flat), sometimes anything. */
static wide_t pre_val(FxType acc)
{
    if (rndint(100) < 25) return rnd_val(acc.w, true);
    double x = (rnd64() % 2000000) / 1000000.0 * 16.0 - 16.0;
    x *= rndint(2) ? 0.5 : 1.0;
    return fx_from_double(x, mk(acc.w, fx_frac(acc), true, 0, 0));
}

/* Whether this cycle is a bubble: about 15% of the cycles, partly in runs. */
static int bubble_run;
static bool bubble(void)
{
    if (bubble_run > 0) {
        bubble_run--;
        return true;
    }
    int c = rndint(100);
    if (c < 3) bubble_run = 1 + rndint(4);
    return c < 13;
}

/* A previous state of type t: random (extremes included), or an earlier unit's new state. */
static wide_t state_val(FxType t, const int64_t *hist, int nhist)
{
    if (nhist > 0 && rndint(100) < 30) return hist[rndint(nhist < 16 ? nhist : 16)];
    return rnd_val(t.w, t.sgn);
}

static void hist_push(int64_t *hist, int *nhist, int64_t v)
{
    memmove(hist + 1, hist, 15 * sizeof *hist);
    hist[0] = v;
    if (*nhist < 16) (*nhist)++;
}

/* One vector line: valid, then n values of the given widths (zeros in a bubble). */
static void cell_line(FILE *f, bool valid, const wide_t *v, const int *w, int n)
{
    fprintf(f, "%d", valid);
    for (int j = 0; j < n; j++) {
        fputc(' ', f);
        phex(f, valid ? v[j] : 0, w[j]);
    }
    fputc('\n', f);
}

enum { CELL_N = 400 };

typedef struct {
    FxType acc, r, s;
    Act ract, act; /* act is also the table of act(c), indexed from S */
} LstmCfg;

static void lstm_case(const char *name, LstmCfg c)
{
    seed_from(name);
    bubble_run = 0;
    char vname[256], path[512], params[4096], p1[1024], p2[1024];
    snprintf(vname, sizeof vname, "%s.vec", name);
    FILE *f = open_out(vname, path, sizeof path);
    int rf = fx_frac(c.r), sf = fx_frac(c.s), af = fx_frac(c.acc), mx = sf > rf ? sf : rf;
    int64_t hist[16];
    int nhist = 0;
    const int w[] = {c.acc.w, c.acc.w, c.acc.w, c.acc.w, c.s.w, c.s.w, c.r.w};
    for (int k = 0; k < CELL_N; k++) {
        wide_t v[7];
        bool valid = !bubble();
        for (int j = 0; j < 4; j++) v[j] = pre_val(c.acc);
        v[4] = state_val(c.s, hist, nhist);
        int64_t gi = act_eval(&c.ract, v[0], af), gf = act_eval(&c.ract, v[1], af);
        int64_t gg = act_eval(&c.act, v[2], af), go = act_eval(&c.ract, v[3], af);
        wide_t sum = (wide_t)gf * v[4] * ((wide_t)1 << (mx - sf)) + (wide_t)gi * gg * ((wide_t)1 << (mx - rf));
        int64_t cn = fx_cast(sum, rf + mx, c.s);
        int64_t a = act_eval(&c.act, cn, sf);
        int64_t hn = fx_cast((wide_t)go * a, 2 * rf, c.r);
        v[5] = cn;
        v[6] = hn;
        cell_line(f, valid, v, w, 7);
        if (valid) hist_push(hist, &nhist, cn);
    }
    fclose(f);
    cell_act_params(p1, sizeof p1, "RACT_", &c.ract);
    cell_act_params(p2, sizeof p2, "ACT_", &c.act);
    snprintf(params, sizeof params,
             "ACC_W=%d ACC_F=%d R_W=%d R_F=%d R_SIGNED=%d R_ROUND=%d R_SATURATE=%d S_W=%d S_F=%d S_ROUND=%d "
             "S_SATURATE=%d%s%s",
             c.acc.w, af, c.r.w, rf, c.r.sgn, c.r.q, c.r.o == O_SAT, c.s.w, sf, c.s.q, c.s.o == O_SAT, p1, p2);
    manifest_tr(name, "rnnc_lstm_cell", params, CELL_N, path);
    /* o * a registered without the table register (Xilinx: lower.c lstm_oa_reg) */
    printf("%s_oa1 rnnc_lstm_cell %s TABLE_REG=0 OA_REG=1 TB_N=%d TB_FILE=\"%s\"\n", name, params, CELL_N, path);
    char sname[300];
    snprintf(sname, sizeof sname, "%s_serial", name); /* the one-multiplier form, same vectors */
    manifest_tr(sname, "rnnc_lstm_cell_serial", params, CELL_N, path);
}

typedef struct {
    FxType acc, r;
    Act ract, act;
    FxType g; /* rnnc_gru_cell's gate type G (hls4ml numerics: the accum); .w = 0: R, the default */
} GruCfg;

static FxType gate_type(const GruCfg *c) { return c->g.w ? c->g : c->r; }

static void gru_params(char *buf, size_t len, const GruCfg *c, bool a_type, bool act)
{
    char p1[1024], p2[1024] = "", at[128] = "";
    cell_act_params(p1, sizeof p1, "RACT_", &c->ract);
    if (act) cell_act_params(p2, sizeof p2, "ACT_", &c->act);
    if (a_type) snprintf(at, sizeof at, " A_ROUND=%d A_SATURATE=%d", c->acc.q, c->acc.o == O_SAT);
    if (c->g.w) /* after A_*: only rnnc_gru_cell has G */
        snprintf(at + strlen(at), sizeof at - strlen(at), " G_W=%d G_F=%d G_SIGNED=%d G_ROUND=%d G_SATURATE=%d", c->g.w,
                 fx_frac(c->g), c->g.sgn, c->g.q, c->g.o == O_SAT);
    snprintf(buf, len, "ACC_W=%d ACC_F=%d R_W=%d R_F=%d R_SIGNED=%d R_ROUND=%d R_SATURATE=%d%s%s%s", c->acc.w,
             fx_frac(c->acc), c->r.w, fx_frac(c->r), c->r.sgn, c->r.q, c->r.o == O_SAT, at, p1, p2);
}

/* h = cast_R(z * h_prev + (1 - z) * hh), exact inside (z, hh of the gate type: both products
 * aligned to the larger fractional count) */
static int64_t gru_mix(const GruCfg *c, int64_t z, wide_t h, int64_t hh)
{
    int rf = fx_frac(c->r), gf = fx_frac(gate_type(c)), fm = gf > rf ? 2 * gf : gf + rf;
    wide_t one = (wide_t)1 << gf;
    return fx_cast((wide_t)z * h * ((wide_t)1 << (fm - gf - rf)) + (one - z) * hh * ((wide_t)1 << (fm - 2 * gf)), fm, c->r);
}

/* The bits k with every entry of table a in [0, 2^k) (rnnc_gru_cell Z_UBITS); 0: not a table,
 * or a negative entry. */
static int table_ubits(const Act *a)
{
    if (a->kind != 2) return 0;
    int64_t hi = 0;
    for (int k = 0; k < 1 << a->bits; k++) {
        if (a->tab[k] < 0) return 0;
        if (a->tab[k] > hi) hi = a->tab[k];
    }
    int b = 1;
    while (b < 63 && hi >= (int64_t)1 << b) b++;
    return b;
}

/* rnnc_gru_cell (reset_after = true): "valid pre_z pre_r xw_h hu_h h_prev expected_h_new" */
static void gru_cell_case(const char *name, GruCfg c)
{
    seed_from(name);
    bubble_run = 0;
    char vname[256], path[512], params[4096];
    snprintf(vname, sizeof vname, "%s.vec", name);
    FILE *f = open_out(vname, path, sizeof path);
    int af = fx_frac(c.acc);
    int64_t hist[16];
    int nhist = 0;
    const int w[] = {c.acc.w, c.acc.w, c.acc.w, c.acc.w, c.r.w, c.r.w};
    for (int k = 0; k < CELL_N; k++) {
        wide_t v[6];
        bool valid = !bubble();
        for (int j = 0; j < 4; j++) v[j] = pre_val(c.acc);
        v[4] = state_val(c.r, hist, nhist);
        int64_t z = act_eval(&c.ract, v[0], af), r = act_eval(&c.ract, v[1], af);
        int64_t rhu = fx_cast((wide_t)r * v[3], fx_frac(gate_type(&c)) + af, c.acc);
        int64_t pre_hh = fx_cast(v[2] + rhu, af, c.acc);
        int64_t hh = act_eval(&c.act, pre_hh, af);
        v[5] = gru_mix(&c, z, v[4], hh);
        cell_line(f, valid, v, w, 6);
        if (valid) hist_push(hist, &nhist, v[5]);
    }
    fclose(f);
    gru_params(params, sizeof params, &c, true, true);
    manifest_tr(name, "rnnc_gru_cell", params, CELL_N, path);
    char sname[300];
    snprintf(sname, sizeof sname, "%s_serial", name); /* the one-multiplier form, same vectors */
    manifest_tr(sname, "rnnc_gru_cell_serial", params, CELL_N, path);
    snprintf(sname, sizeof sname, "%s_serial1", name); /* a lane of one unit per step: z * hh at 2A+2 */
    char p1[4200];
    snprintf(p1, sizeof p1, "%s ALIGN3=0", params);
    manifest_tr(sname, "rnnc_gru_cell_serial", p1, CELL_N, path);
    /* pre_hh unregistered (UltraScale+), units 3 apart and one per step */
    for (int align3 = 1; align3 >= 0; align3--) {
        snprintf(sname, sizeof sname, "%s_serial%s_nopre", name, align3 ? "" : "1");
        snprintf(p1, sizeof p1, "%s ALIGN3=%d PRE_HH_REG=0", params, align3);
        manifest_tr(sname, "rnnc_gru_cell_serial", p1, CELL_N, path);
    }
    /* z * h_prev in logic: z's table's entries in Z_UBITS unsigned bits when none is negative
     * (as emit_verilog.c passes them), and once with z at full width */
    snprintf(sname, sizeof sname, "%s_zhlut", name);
    snprintf(p1, sizeof p1, "%s ZH_LUT=1 Z_UBITS=%d", params, table_ubits(&c.ract));
    manifest_tr(sname, "rnnc_gru_cell", p1, CELL_N, path);
    if (!strcmp(name, "gru_after_default")) {
        snprintf(sname, sizeof sname, "%s_zhlut_full", name);
        snprintf(p1, sizeof p1, "%s ZH_LUT=1", params);
        manifest_tr(sname, "rnnc_gru_cell", p1, CELL_N, path);
    }
}

/* rnnc_gru_reset: "valid pre_r h_prev expected_rh" */
static void gru_reset_case(const char *name, GruCfg c)
{
    seed_from(name);
    bubble_run = 0;
    char vname[256], path[512], params[4096];
    snprintf(vname, sizeof vname, "%s.vec", name);
    FILE *f = open_out(vname, path, sizeof path);
    int rf = fx_frac(c.r), af = fx_frac(c.acc);
    int64_t hist[16];
    int nhist = 0;
    const int w[] = {c.acc.w, c.r.w, c.r.w};
    for (int k = 0; k < CELL_N; k++) {
        wide_t v[3];
        bool valid = !bubble();
        v[0] = pre_val(c.acc);
        v[1] = state_val(c.r, hist, nhist);
        int64_t r = act_eval(&c.ract, v[0], af);
        v[2] = fx_cast((wide_t)r * v[1], 2 * rf, c.r);
        cell_line(f, valid, v, w, 3);
        if (valid) hist_push(hist, &nhist, v[2]);
    }
    fclose(f);
    gru_params(params, sizeof params, &c, false, false);
    manifest_tr(name, "rnnc_gru_reset", params, CELL_N, path);
}

/* rnnc_gru_update: "valid pre_z pre_hh h_prev expected_h_new" */
static void gru_update_case(const char *name, GruCfg c)
{
    seed_from(name);
    bubble_run = 0;
    char vname[256], path[512], params[4096];
    snprintf(vname, sizeof vname, "%s.vec", name);
    FILE *f = open_out(vname, path, sizeof path);
    int af = fx_frac(c.acc);
    int64_t hist[16];
    int nhist = 0;
    const int w[] = {c.acc.w, c.acc.w, c.r.w, c.r.w};
    for (int k = 0; k < CELL_N; k++) {
        wide_t v[4];
        bool valid = !bubble();
        v[0] = pre_val(c.acc);
        v[1] = pre_val(c.acc);
        v[2] = state_val(c.r, hist, nhist);
        int64_t z = act_eval(&c.ract, v[0], af), hh = act_eval(&c.act, v[1], af);
        v[3] = gru_mix(&c, z, v[2], hh);
        cell_line(f, valid, v, w, 4);
        if (valid) hist_push(hist, &nhist, v[3]);
    }
    fclose(f);
    gru_params(params, sizeof params, &c, false, true);
    manifest_tr(name, "rnnc_gru_update", params, CELL_N, path);
}

/* Both halves of the reset_after = false form with one configuration. */
static void gru_before_cases(const char *name, GruCfg c)
{
    char n[256];
    snprintf(n, sizeof n, "%s_reset", name);
    gru_reset_case(n, c);
    snprintf(n, sizeof n, "%s_update", name);
    gru_update_case(n, c);
}
/* ---- the parameter sets ---- */

static void quant_cases(void)
{
    static const int shapes[][6] = {
        /* in_w, in_f, in_s, out_w, out_f, out_s */
        {16, 10, 1, 16, 10, 1}, {32, 20, 1, 16, 10, 1}, {24, 12, 1, 8, 4, 0},  {8, 2, 0, 16, 10, 1},
        {40, 30, 1, 12, 6, 1},  {128, 100, 1, 32, 40, 1}, {16, 0, 1, 8, 12, 1}, {12, 20, 1, 4, 0, 1},
        {66, 20, 1, 32, 8, 0},  {5, 3, 0, 3, 1, 0},     {1, 0, 1, 1, 0, 1},    {20, 0, 1, 1, 0, 0},
        {100, 48, 0, 32, 0, 1}, {33, 1, 1, 2, 0, 1},
        /* wide types (issue 13): 64-bit outputs, 128-bit products */
        {128, 70, 1, 64, 40, 1}, {64, 10, 1, 64, 30, 1}, {96, 60, 0, 63, 40, 0}, {127, 48, 1, 64, 16, 1},
    };
    int ns = (int)(sizeof shapes / sizeof shapes[0]);
    char name[64];
    for (int s = 0; s < ns; s++) {
        for (int m = 0; m < 2; m++) {
            int mode = (2 * s + m + s / 3) % 6;
            snprintf(name, sizeof name, "quant_%02d_r%d_s%d", s, mode % 3, mode / 3);
            const int *p = shapes[s];
            quant_case(name, p[0], p[1], p[2], p[3], p[4], p[5], mode % 3, mode / 3);
        }
    }
    /* every Q mode with every O mode (AP_WRAP with 0 to 3 saturation bits), on shapes that
     * drop fractional and integer bits, up to 126-bit outputs (wide accumulators) */
    static const int mshapes[][6] = {
        {16, 10, 1, 6, 3, 1}, {14, 8, 0, 5, 2, 0}, {12, 6, 1, 7, 2, 0}, {20, 9, 1, 4, 1, 1},
        {128, 60, 1, 89, 40, 1}, {127, 50, 1, 126, 48, 1}, {100, 30, 1, 70, 20, 0},
    };
    for (int q = 0; q < 7; q++)
        for (int o = 0; o < 4; o++) {
            const int *p = mshapes[(q * 4 + o) % 7];
            int sat = o + (o == 0 ? 4 * ((q + 1) % 4) : 0);
            snprintf(name, sizeof name, "quant_mode_q%d_o%d", q, sat);
            quant_case(name, p[0], p[1], p[2], p[3], p[4], p[5], q, sat);
        }
}

static void product_cases(void)
{
    product_case("product_16x16", 16, 10, 1, 16, 10, 1, 16, 10, 0, 0);
    /* logic products: every tree shape (B_W a power of two or not), registers spread over
     * fewer stages than levels, and delays after them */
    lut_mul_case("lut_mul_16x16_lat4", 16, 16, 1, 4);
    lut_mul_case("lut_mul_16x11u_lat5", 16, 11, 0, 5);
    lut_mul_case("lut_mul_17x17_lat2", 17, 17, 1, 2);
    lut_mul_case("lut_mul_1x2_lat1", 1, 2, 1, 1);
    lut_mul_case("lut_mul_9x3u_lat7", 9, 3, 0, 7);
    lut_mul_case("lut_mul_32x24_lat3", 32, 24, 1, 3);
    product_case("product_s16_u8_rnd_sat", 16, 6, 1, 8, 7, 0, 24, 12, 1, 1);
    product_case("product_u8_u8_conv", 8, 8, 0, 8, 0, 0, 12, 4, 2, 0);
    product_case("product_33x33_conv_sat", 33, 20, 1, 33, 16, 1, 32, 30, 2, 1);
    product_case("product_1x5u_sat", 1, 0, 1, 5, 2, 0, 4, 3, 0, 1);
    product_case("product_18x18_rnd", 18, 8, 1, 18, 8, 1, 18, 8, 1, 0);
    product_case("product_u16_s16_left_sat", 16, 10, 0, 16, 10, 1, 16, 24, 0, 1);
    mac_case("mac_16x16", 16, 10, 1, 16, 10, 1, 16, 10, 0, 0, 24, 1);
    mac_sat_case("macsat_8x8_sat", 8, 4, 8, 5, 8, 4, O_SAT, 12);     /* products and sums saturate often */
    mac_sat_case("macsat_10x8_sym", 10, 6, 8, 6, 9, 5, O_SAT_SYM, 9);
    mac_sat_case("macsat_12x12_zero", 12, 8, 12, 8, 10, 6, O_SAT_ZERO, 16);
    mac_sat_case("macsat_16x16_wrapn", 16, 10, 16, 10, 12, 8, O_WRAP + 4 * 2, 20);
    mac_case("mac_q_eq_acc_rnd_sat", 12, 6, 1, 10, 4, 0, 14, 6, 1, 1, 14, 1);
    mac_case("mac_u_u_conv", 9, 3, 0, 7, 7, 0, 10, 2, 2, 0, 13, 1);
    mac_case("mac_33x33_sat", 33, 16, 1, 33, 16, 1, 32, 16, 2, 1, 40, 1);
    product_case("product_64x64_rnd_sat", 64, 40, 1, 64, 30, 1, 64, 40, 1, 1);
    product_case("product_64x16_conv", 64, 20, 1, 16, 10, 1, 48, 24, 2, 0);
    /* registered twice (xc7 at reuse 1: MREG and PREG) */
    product_case_reg("product_16x16_reg2", 16, 10, 1, 16, 10, 1, 16, 10, 0, 0, 2);
    product_case_reg("product_s16_u8_rnd_sat_reg2", 16, 6, 1, 8, 7, 0, 24, 12, 1, 1, 2);
    product_case_reg("product_u8_u8_conv_reg2", 8, 8, 0, 8, 0, 0, 12, 4, 2, 0, 2);
    mac_case("mac_64x64", 64, 40, 1, 64, 30, 1, 64, 40, 0, 0, 72, 1);
    /* without the product register (Xilinx: multiply and accumulate in one DSP48 stage) */
    mac_case("mac_16x16_noreg", 16, 10, 1, 16, 10, 1, 16, 10, 0, 0, 24, 0);
    mac_case("mac_u_u_conv_noreg", 9, 3, 0, 7, 7, 0, 10, 2, 2, 0, 13, 0);
    mac_case("mac_33x33_sat_noreg", 33, 16, 1, 33, 16, 1, 32, 16, 2, 1, 40, 0);
    /* the products in logic (LOGIC = 1, Mvm.n_logic): every signedness, the narrower operand
     * either one (the rows), a 1-bit operand, registered 0, 1 and 2 times */
    lut_mul_case("lut_mul_16x16_lat0", 16, 16, 1, 0);
    lut_mul_case("lut_mul_7x5u_lat0", 7, 5, 0, 0);
    lut_mul_case_tail("lut_mul_16x16_lat1_tail", 16, 16, 1, 1, 1);  /* a register after level 2 of 4 */
    lut_mul_case_tail("lut_mul_16x11u_lat2_tail", 16, 11, 0, 2, 1);
    lut_mul_case_tail("lut_mul_9x2_lat1_tail", 9, 2, 1, 1, 1);      /* one level: the register after it */
    lut_mul_case_tail("lut_mul_12x12_lat6_tail", 12, 12, 1, 6, 1);  /* more stages than levels */
    lut_mul_case_tail("lut_mul_16x16_lat1_head_tail", 16, 16, 1, 1, 3); /* rnnc_product PRE_REG, REG 0 */
    lut_mul_case_tail("lut_mul_16x16_lat2_head", 16, 16, 1, 2, 2);      /* ... REG 1 */
    lut_mul_case_tail("lut_mul_13x9u_lat3_head", 13, 9, 0, 3, 2);
    lut_mul_case_tail("lut_mul_5x2_lat1_head_tail", 5, 2, 1, 1, 3);    /* one level */
    logic_products = 1;
    product_case("logic_product_16x16", 16, 10, 1, 16, 10, 1, 16, 10, 0, 0);
    product_case("logic_product_s8_s16_sat", 8, 4, 1, 16, 10, 1, 12, 6, 1, 1);
    product_case("logic_product_u16_s16_left_sat", 16, 10, 0, 16, 10, 1, 16, 24, 0, 1);
    product_case("logic_product_1x5u_sat", 1, 0, 1, 5, 2, 0, 4, 3, 0, 1);
    product_case_reg("logic_product_s16_u8_rnd_sat_reg2", 16, 6, 1, 8, 7, 0, 24, 12, 1, 1, 2);
    product_case_reg("logic_product_u8_u9_conv_reg2", 8, 8, 0, 9, 0, 0, 12, 4, 2, 0, 2);
    mac_case("logic_mac_16x16", 16, 10, 1, 16, 10, 1, 16, 10, 0, 0, 24, 1);
    mac_case("logic_mac_16x16_noreg", 16, 10, 1, 16, 10, 1, 16, 10, 0, 0, 24, 0);
    mac_case("logic_mac_u_u_conv_noreg", 9, 3, 0, 7, 7, 0, 10, 2, 2, 0, 13, 0);
    mac_case("logic_mac_33x20_sat", 33, 16, 1, 20, 16, 1, 32, 16, 2, 1, 40, 1);
    mac_sat_case("logic_macsat_10x8_sym", 10, 6, 8, 6, 9, 5, O_SAT_SYM, 9);
    mac_pre_reg = 1; /* an engine's logic MACs, their operand registers their own */
    mac_case("logic_mac_16x16_prereg", 16, 10, 1, 16, 10, 1, 16, 10, 0, 0, 24, 1);
    mac_case("logic_mac_16x16_noreg_prereg", 16, 10, 1, 16, 10, 1, 16, 10, 0, 0, 24, 0);
    logic_products = 0;
    mac_case("mac_u_u_conv_prereg", 9, 3, 0, 7, 7, 0, 10, 2, 2, 0, 13, 1);
    mac_pre_reg = 0;
}

/* ---- rnnc_adder_tree ---- */

static void tree_case(const char *name, int op, int n_in, int fanin, int w, int depth, int chain)
{
    seed_from(name);
    char vname[256], path[512], params[256];
    snprintf(vname, sizeof vname, "%s.vec", name);
    FILE *f = open_out(vname, path, sizeof path);
    int n = 300;
    wide_t *x = zalloc((size_t)n_in, sizeof *x);
    for (int k = 0; k < n; k++) {
        int mode = rndint(10); /* sometimes every value at one extreme, or all equal */
        wide_t same = rnd_val(w, true);
        for (int j = 0; j < n_in; j++)
            x[j] = mode == 0 ? wmin(w, true) : mode == 1 ? wmax(w, true) : mode == 2 ? same : rnd_val(w, true);
        phex_flat(f, x, n_in, w);
        fputc(' ', f);
        wide_t r = x[0]; /* a wrapping sum (or the maximum) is the same in any grouping */
        for (int j = 1; j < n_in; j++) r = op ? (x[j] > r ? x[j] : r) : r + x[j];
        phex(f, from_bits((u128)r, w, true), w);
        fputc('\n', f);
    }
    free(x);
    fclose(f);
    snprintf(params, sizeof params, "N_IN=%d FANIN=%d W=%d DEPTH=%d OP=%d%s", n_in, fanin, w, depth, op,
             chain ? " CHAIN=1" : "");
    manifest(name, "rnnc_adder_tree", params, n, path);
}

/* ---- rnnc_write_first ---- */

static void write_first_case(const char *name, int w)
{
    seed_from(name);
    char vname[256], path[512], params[64];
    snprintf(vname, sizeof vname, "%s.vec", name);
    FILE *f = open_out(vname, path, sizeof path);
    int n = 300;
    for (int k = 0; k < n; k++) {
        int we = rndint(2), clear = rndint(2);
        wide_t d = rnd_val(w, true), state = rnd_val(w, true);
        fprintf(f, "%d %d ", we, clear);
        phex(f, d, w);
        fputc(' ', f);
        phex(f, state, w);
        fputc(' ', f);
        phex(f, we ? (clear ? 0 : d) : state, w);
        fputc('\n', f);
    }
    fclose(f);
    snprintf(params, sizeof params, "W=%d", w);
    manifest(name, "rnnc_write_first", params, n, path);
}

/* ---- rnnc_add2 ---- */

static void add2_case(const char *name, int w)
{
    seed_from(name);
    char vname[256], path[512], params[64];
    snprintf(vname, sizeof vname, "%s.vec", name);
    FILE *f = open_out(vname, path, sizeof path);
    int n = 300;
    for (int k = 0; k < n; k++) {
        int mode = rndint(8); /* sometimes both at one extreme */
        wide_t a = mode == 0 ? wmin(w, true) : mode == 1 ? wmax(w, true) : rnd_val(w, true);
        wide_t b = mode == 0 ? wmin(w, true) : mode == 1 ? wmax(w, true) : rnd_val(w, true);
        phex(f, a, w);
        fputc(' ', f);
        phex(f, b, w);
        fputc(' ', f);
        phex(f, from_bits((u128)(a + b), w, true), w);
        fputc('\n', f);
    }
    fclose(f);
    snprintf(params, sizeof params, "W=%d", w);
    manifest(name, "rnnc_add2", params, n, path);
}

/* N_IN x FANIN x W x DEPTH (the least depth and padded ones), sums and maxima */
static void tree_cases(void)
{
    static const int sets[][4] = {{1, 5, 9, 1}, {2, 5, 16, 1}, {5, 5, 12, 1}, {6, 5, 20, 2}, {26, 5, 24, 3},
                                  {26, 5, 24, 5}, {7, 2, 8, 3}, {13, 3, 33, 4}, {3, 5, 16, 3}, {126, 5, 18, 4}};
    char name[64];
    for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++)
        for (int op = 0; op < 2; op++) {
            if (op && i % 3 == 1) continue;
            snprintf(name, sizeof name, "tree_%s_%d_%d_%d_d%d", op ? "max" : "sum", sets[i][0], sets[i][1], sets[i][2],
                     sets[i][3]);
            tree_case(name, op, sets[i][0], sets[i][1], sets[i][2], sets[i][3], 0);
        }
    /* sum trees of two-input adders (rnnc_sum_stage CHAIN), FANIN 8 as on Xilinx */
    static const int chains[][4] = {{8, 8, 23, 1}, {33, 8, 23, 2}, {7, 8, 16, 1}, {26, 5, 24, 3}, {1, 8, 9, 1}};
    for (size_t i = 0; i < sizeof chains / sizeof chains[0]; i++) {
        snprintf(name, sizeof name, "tree_chain_%d_%d_%d_d%d", chains[i][0], chains[i][1], chains[i][2], chains[i][3]);
        tree_case(name, 0, chains[i][0], chains[i][1], chains[i][2], chains[i][3], 1);
    }
    add2_case("add2_w1", 1);
    add2_case("add2_w23", 23);
    add2_case("add2_w64", 64);
    write_first_case("write_first_w1", 1);
    write_first_case("write_first_w16", 16);
    write_first_case("write_first_w40", 40);
}

/* ---- rnnc_sat_sum: hls4ml's order, a cast to the accumulator after every addition ---- */

/* values near the accumulator's ends, so partial sums overflow now and then */
static wide_t sat_sum_val(int out_w, bool out_s)
{
    wide_t lo = wmin(out_w, out_s), hi = wmax(out_w, out_s);
    switch (rndint(4)) {
    case 0: return hi - rndint(4);
    case 1: return lo + rndint(4);
    default: return from_bits((u128)rnd_val(out_w, true), out_w, true) / 2;
    }
}

static wide_t sat_reduce(const wide_t *x, int n, FxType t)
{
    if (n == 1) return x[0];
    int left = 1;
    while (left * 2 <= n - 1) left *= 2;
    return fx_cast(sat_reduce(x, left, t) + sat_reduce(x + left, n - left, t), 0, t);
}

static void sat_sum_case(const char *name, int n_in, int w, int out_w, bool out_s, OMode o, int order, int adds,
                         int depth)
{
    seed_from(name);
    char vname[256], path[512], params[256];
    snprintf(vname, sizeof vname, "%s.vec", name);
    FILE *f = open_out(vname, path, sizeof path);
    FxType t = {.w = out_w, .i = out_w, .sgn = out_s, .q = Q_TRN, .o = o};
    int n = 300;
    wide_t *x = zalloc((size_t)n_in, sizeof *x);
    for (int k = 0; k < n; k++) {
        for (int j = 0; j < n_in; j++) x[j] = sat_sum_val(out_w, out_s);
        if (!out_s) /* unsigned: mostly non-negative, some negative terms */
            for (int j = 0; j < n_in; j++) x[j] = rndint(3) ? (x[j] < 0 ? -x[j] : x[j]) : -(x[j] < 0 ? -x[j] : x[j]) / 2;
        phex_flat(f, x, n_in, w);
        fputc(' ', f);
        wide_t r;
        if (order == 0) {
            r = x[0];
            for (int j = 1; j < n_in; j++) r = fx_cast(r + x[j], 0, t);
        } else {
            r = sat_reduce(x, n_in, t);
        }
        phex(f, fx_cast(r, 0, t), out_w);
        fputc('\n', f);
    }
    free(x);
    fclose(f);
    snprintf(params, sizeof params, "N_IN=%d W=%d OUT_W=%d OUT_SIGNED=%d SATURATE=%d ORDER=%d ADDS=%d DEPTH=%d", n_in, w,
             out_w, out_s, (int)o, order, adds, depth);
    manifest(name, "rnnc_sat_sum", params, n, path);
}

/* N_IN x W x OUT_W x signed x mode x ORDER x ADDS x DEPTH: chains of 1, 2 and several stages
 * (padded too), trees of odd and power-of-two sizes, the three saturating modes */
static void sat_sum_cases(void)
{
    static const int sets[][8] = {
        {1, 10, 8, 1, O_SAT, 0, 4, 1},      {2, 10, 8, 1, O_SAT, 0, 4, 1},     {9, 12, 8, 1, O_SAT, 0, 4, 2},
        {17, 14, 10, 1, O_SAT, 0, 4, 4},    {17, 14, 10, 1, O_SAT_SYM, 0, 4, 6}, {7, 9, 8, 1, O_SAT_ZERO, 0, 1, 6},
        {6, 12, 8, 0, O_SAT, 0, 2, 3},      {20, 70, 66, 1, O_SAT, 0, 4, 6},  {1, 10, 8, 1, O_SAT, 1, 4, 1},
        {2, 10, 8, 1, O_SAT, 1, 4, 1},      {5, 12, 8, 1, O_SAT, 1, 4, 3},     {8, 12, 8, 1, O_SAT_SYM, 1, 4, 4},
        {13, 14, 10, 1, O_SAT, 1, 4, 4},
    };
    char name[96];
    for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
        const int *s = sets[i];
        snprintf(name, sizeof name, "satsum_%s_%d_%d_%d%s_o%d_a%d_d%d", s[5] ? "tree" : "chain", s[0], s[1], s[2],
                 s[3] ? "" : "u", s[4], s[6], s[7]);
        sat_sum_case(name, s[0], s[1], s[2], s[3], (OMode)s[4], s[5], s[6], s[7]);
    }
}

/* ---- rnnc_job_ctrl, rnnc_flatten, rnnc_reverse: no vectors, the testbenches model the
 * contract (TB_N cycles or sequences) ---- */

static int clog2_int(long v)
{
    int b = 0;
    while ((1L << b) < v) b++;
    return b;
}

static void job_ctrl_cases(void)
{
    static const int sets[][3] = {{1, 0, 0}, {2, 0, 0}, {2, 0, 1}, {3, 0, 0}, {3, 2, 0}, {5, 3, 0}, {7, 3, 1},
                                  {12, 6, 0}, {40, 9, 0}, {9, 8, 1}, {16, 0, 1}};
    static const int seqs[][2] = {{1, 8}, {2, 5}, {3, 16}, {7, 33}, {8, 1}, {20, 12}};
    for (size_t i = 0; i < sizeof seqs / sizeof seqs[0]; i++) {
        if (seqs[i][0] > 1)
            printf("flatten_t%d_w%d rnnc_flatten T=%d BW=%d TB_N=150 TB_FILE=\"\"\n", seqs[i][0], seqs[i][1], seqs[i][0],
                   seqs[i][1]);
        printf("reverse_t%d_w%d rnnc_reverse T=%d BW=%d TB_N=150 TB_FILE=\"\"\n", seqs[i][0], seqs[i][1], seqs[i][0],
               seqs[i][1]);
    }
    for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
        int lat = sets[i][0], cw = clog2_int(lat + 1) < 1 ? 1 : clog2_int(lat + 1);
        char name[64], params[128];
        snprintf(name, sizeof name, "job_ctrl_l%d_a%d_o%d", lat, sets[i][1], sets[i][2]);
        snprintf(params, sizeof params, "LATENCY=%d ACK_OFF=%d LAST_ONE=%d CNT_W=%d", lat, sets[i][1], sets[i][2], cw);
        printf("%s rnnc_job_ctrl %s TB_N=3000 TB_FILE=\"\"\n", name, params);
    }
    /* overlapped jobs (a recurrent cell's steps): latency, ack, last_one, period */
    static const int over[][4] = {{3, 0, 0, 2}, {7, 3, 1, 4}, {12, 6, 0, 7}, {40, 9, 0, 20}, {9, 0, 0, 5}, {16, 0, 1, 15}};
    for (size_t i = 0; i < sizeof over / sizeof over[0]; i++) {
        int lat = over[i][0], cw = clog2_int(lat + 1) < 1 ? 1 : clog2_int(lat + 1);
        char name[64], params[128];
        snprintf(name, sizeof name, "job_ctrl_l%d_a%d_o%d_p%d", lat, over[i][1], over[i][2], over[i][3]);
        snprintf(params, sizeof params, "LATENCY=%d ACK_OFF=%d LAST_ONE=%d CNT_W=%d PERIOD=%d", lat, over[i][1],
                 over[i][2], cw, over[i][3]);
        printf("%s rnnc_job_ctrl %s TB_N=3000 TB_FILE=\"\"\n", name, params);
    }
    /* ... with a sequence's first job shorter (FIRST_PERIOD): latency, ack, last_one, period, first */
    static const int first[][5] = {{9, 0, 0, 5, 4}, {56, 20, 0, 33, 23}, {16, 0, 1, 15, 5}, {30, 4, 0, 18, 12}};
    for (size_t i = 0; i < sizeof first / sizeof first[0]; i++) {
        int lat = first[i][0], cw = clog2_int(lat + 1);
        char name[64], params[160];
        snprintf(name, sizeof name, "job_ctrl_l%d_a%d_o%d_p%d_f%d", lat, first[i][1], first[i][2], first[i][3], first[i][4]);
        snprintf(params, sizeof params, "LATENCY=%d ACK_OFF=%d LAST_ONE=%d CNT_W=%d PERIOD=%d FIRST_PERIOD=%d", lat,
                 first[i][1], first[i][2], cw, first[i][3], first[i][4]);
        printf("%s rnnc_job_ctrl %s TB_N=3000 TB_FILE=\"\"\n", name, params);
    }
}

static void stage_cases(void)
{
    static const int sets[][3] = {{4, 2, 16}, {7, 3, 12}, {5, 5, 8}, {9, 4, 20}, {6, 1, 10}, {2, 3, 16},
                                  {11, 2, 33}, {13, 5, 7}, {1, 2, 9}};
    char name[64];
    for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
        snprintf(name, sizeof name, "sum_%d_%d_%d", sets[i][0], sets[i][1], sets[i][2]);
        stage_case(name, false, sets[i][0], sets[i][1], sets[i][2], 0);
        /* the same sums as trees of two-input adders (rnnc_add2), other vectors */
        snprintf(name, sizeof name, "sum_%d_%d_%d_chain", sets[i][0], sets[i][1], sets[i][2]);
        stage_case(name, false, sets[i][0], sets[i][1], sets[i][2], 1);
        if (i % 2 == 0 || i == 1) {
            snprintf(name, sizeof name, "max_%d_%d_%d", sets[i][0], sets[i][1], sets[i][2]);
            stage_case(name, true, sets[i][0], sets[i][1], sets[i][2], 0);
        }
    }
    rom_case("rom_16x16", 16, 16, 4, 16);
    rom_case("rom_8x5_a3", 8, 5, 3, 5);
    rom_case("rom_12x5_a6", 12, 5, 6, 5);
    rom_case("rom_33x64", 33, 64, 6, 64);
    rom_case("rom_1x2", 1, 2, 1, 2);
    rom_case("rom_tail_48x520", 48, 520, 10, 512);  /* the GRU(20)'s three multipliers at reuse 520 */
    rom_case("rom_tail_32x780", 32, 780, 10, 768);  /* a tail after three 256-word blocks */
    rom_case("rom_tail_7x21_a6", 7, 21, 6, 16);     /* a tail of 5 words, addresses past the ROM */
    rom_case("rom_tail_5x17", 5, 17, 5, 16);        /* a tail of one word */
}

static const FxType *table_type(int which)
{
    static FxType t[3];
    t[0] = mk(18, 10, true, 0, 0);          /* ap_fixed<18,8> (the default) */
    t[1] = mk(12, 8, true, 1, 1);           /* ap_fixed<12,4,AP_RND,AP_SAT> */
    t[2] = mk(32, 28, true, 2, 0);          /* ap_fixed<32,4,AP_RND_CONV> */
    return &t[which];
}

static void activation_cases(void)
{
    const FxType *t18 = table_type(0), *t12 = table_type(1), *t32 = table_type(2);
    activation_case("act_linear_16", 16, 10, true, cast_act(0, mk(16, 10, true, 0, 0)));
    activation_case("act_linear_rnd_sat", 24, 12, true, cast_act(0, mk(8, 6, true, 1, 1)));
    activation_case("act_linear_u_left_conv", 6, 1, false, cast_act(0, mk(12, 4, false, 2, 0)));
    activation_case("act_relu_u_out_conv_sat", 16, 10, true, cast_act(1, mk(16, 10, false, 2, 1)));
    activation_case("act_relu_u_in_rnd", 12, 4, false, cast_act(1, mk(8, 2, false, 1, 0)));
    activation_case("act_relu_sat", 20, 15, true, cast_act(1, mk(10, 4, true, 0, 1)));
    Act a;
    a = table_act("act_sigmoid_1024", FN_SIGMOID, 10, mk(16, 10, true, 0, 0), *t18, 0, 0);
    activation_case("act_sigmoid_1024", 16, 10, true, a);
    a = table_act("act_tanh_8", FN_TANH, 3, mk(8, 6, true, 1, 1), *t12, 0, 0);
    activation_case("act_tanh_8", 18, 8, true, a);
    a = table_act("act_sigmoid_8", FN_SIGMOID, 3, mk(16, 10, true, 0, 0), *t18, 0, 0);
    activation_case("act_sigmoid_8_negshift", 16, 10, true, a);
    a = table_act("act_hsig_1024_u", FN_HARD_SIGMOID, 10, mk(16, 10, false, 0, 1), *t32, 0, 0);
    activation_case("act_hsig_1024_u", 16, 10, true, a);
    a = table_act("act_ramp_64", FN_RAMP, 6, mk(12, 0, true, 0, 0), *t18, 3, 32);
    activation_case("act_ramp_64_leftshift", 12, 0, true, a);
    a = table_act("act_ramp_2", FN_RAMP, 1, mk(5, 0, true, 0, 0), *t18, -3, 1);
    activation_case("act_ramp_2_negshift", 32, 20, true, a);
    a = table_act("act_ramp_256", FN_RAMP, 8, mk(9, 0, false, 0, 0), *t18, 2, 0);
    activation_case("act_ramp_256_uin_off0", 10, 4, false, a);
    a = table_act("act_ramp_4096", FN_RAMP, 12, mk(32, 0, true, 0, 0), *t18, 10, 100);
    activation_case("act_ramp_4096_in40", 40, 30, true, a);
    /* centred table (OFFSET = N/2) on an input narrower than the index: every value in range */
    a = table_act("act_ramp_256_narrow", FN_RAMP, 8, mk(9, 0, false, 0, 0), *t18, 2, 128);
    activation_case("act_ramp_256_narrow", 4, 0, true, a);
    /* centred table, right shift, signed input reaching both clamps */
    a = table_act("act_ramp_16_centred", FN_RAMP, 4, mk(9, 0, false, 0, 0), *t18, 1, 8);
    activation_case("act_ramp_16_centred", 10, 3, true, a);
    /* tables stored narrow (TABLE_W < OUT_W): zero-extended sigmoid (10 of 16 bits),
     * sign-extended tanh, a signed ramp whose entries span a few bits only */
    a = narrow_act("act_sigmoid_1024_tw", table_act("act_sigmoid_1024_w", FN_SIGMOID, 10, mk(16, 10, true, 0, 0), *t18, 0, 0));
    activation_case("act_sigmoid_1024_tw", 16, 10, true, a);
    a = narrow_act("act_tanh_256_tw", table_act("act_tanh_256_w", FN_TANH, 8, mk(16, 10, true, 0, 0), *t18, 0, 0));
    activation_case("act_tanh_256_tw", 16, 10, true, a);
    a = narrow_act("act_tanh_8_tw", table_act("act_tanh_8_w", FN_TANH, 3, mk(8, 6, true, 1, 1), *t12, 0, 0));
    activation_case("act_tanh_8_tw", 18, 8, true, a);
    /* the upper half stored, the lower one mirrored (TABLE_MIRROR): sigmoid (mask 2^F - 1),
     * tanh (mask all ones, entry 0 = -1), full width or narrow, the smallest table (8 entries),
     * a negative scale shift, and an input narrower than the index */
    a = mirror_act("act_sigmoid_1024_mir", table_act("act_sigmoid_1024_m", FN_SIGMOID, 10, mk(16, 10, true, 0, 0), *t18, 0, 0), false);
    activation_case("act_sigmoid_1024_mir", 16, 10, true, a);
    a = mirror_act("act_tanh_256_mir", table_act("act_tanh_256_m", FN_TANH, 8, mk(16, 10, true, 0, 0), *t18, 0, 0), true);
    activation_case("act_tanh_256_mir", 16, 10, true, a);
    a = mirror_act("act_tanh_8_mir", table_act("act_tanh_8_m", FN_TANH, 3, mk(8, 6, true, 0, 1), *t18, 0, 0), false);
    activation_case("act_tanh_8_mir", 18, 8, true, a);
    a = mirror_act("act_sigmoid_8_mir", table_act("act_sigmoid_8_m", FN_SIGMOID, 3, mk(16, 10, true, 0, 0), *t18, 0, 0), true);
    activation_case("act_sigmoid_8_mir_negshift", 16, 10, true, a);
    a = mirror_act("act_tanh_1024_mir", table_act("act_tanh_1024_m", FN_TANH, 10, mk(16, 10, true, 0, 0), *t18, 0, 0), true);
    activation_case("act_tanh_1024_mir_narrow_in", 9, 5, true, a);
}

static void cell_cases(void)
{
    const FxType *t18 = table_type(0), *t12 = table_type(1), *t32 = table_type(2);
    LstmCfg l;
    FxType r;

    r = mk(16, 10, true, 0, 0);
    l = (LstmCfg){.acc = mk(16, 10, true, 0, 0), .r = r, .s = mk(16, 10, true, 0, 0)};
    l.ract = table_act("lstm_default_sig", FN_SIGMOID, 10, r, *t18, 0, 0);
    l.act = table_act("lstm_default_tanh", FN_TANH, 10, r, *t18, 0, 0);
    lstm_case("lstm_default", l);

    r = mk(8, 6, true, 1, 1);
    l = (LstmCfg){.acc = mk(14, 8, true, 0, 0), .r = r, .s = mk(12, 8, true, 2, 1)};
    l.ract = table_act("lstm_small_sig", FN_SIGMOID, 6, r, *t12, 0, 0);
    l.act = table_act("lstm_small_tanh16", FN_TANH, 4, r, *t12, 0, 0);
    lstm_case("lstm_small_rnd_sat_conv", l);

    r = mk(12, 10, false, 1, 1);
    l = (LstmCfg){.acc = mk(16, 11, true, 0, 0), .r = r, .s = mk(16, 12, true, 0, 1)};
    l.ract = table_act("lstm_u_hsig", FN_HARD_SIGMOID, 8, r, *t18, 0, 0);
    l.act = table_act("lstm_u_tanh", FN_TANH, 9, r, *t18, 0, 0);
    lstm_case("lstm_ufixed_result", l);

    r = mk(8, 12, true, 0, 0);
    l = (LstmCfg){.acc = mk(16, 12, true, 0, 0), .r = r, .s = mk(10, 14, true, 1, 0)};
    l.ract = table_act("lstm_frac_sig", FN_SIGMOID, 5, r, *t32, 0, 0);
    l.act = table_act("lstm_frac_tanh", FN_TANH, 5, r, *t32, 0, 0);
    lstm_case("lstm_frac_gt_width", l);

    /* S coarser than R (S_F < R_F): fc is shifted to R_F + R_F fractional bits */
    r = mk(12, 10, true, 2, 0);
    l = (LstmCfg){.acc = mk(16, 10, true, 0, 0), .r = r, .s = mk(9, 3, true, 2, 0)};
    l.ract = table_act("lstm_scoarse_sig", FN_SIGMOID, 7, r, *t18, 0, 0);
    l.act = table_act("lstm_scoarse_tanh", FN_TANH, 6, r, *t18, 0, 0);
    lstm_case("lstm_s_coarse_conv_wrap", l);

    r = mk(16, 8, true, 1, 1);
    l = (LstmCfg){.acc = mk(18, 8, true, 0, 0), .r = r, .s = mk(20, 10, true, 1, 0)};
    l.ract = cast_act(0, r);
    l.act = cast_act(1, r);
    lstm_case("lstm_linear_relu", l);

    r = mk(10, 4, false, 2, 0);
    l = (LstmCfg){.acc = mk(14, 6, true, 0, 0), .r = r, .s = mk(12, 5, true, 0, 0)};
    l.ract = cast_act(1, r);
    l.act = cast_act(0, r);
    lstm_case("lstm_ufixed_relu_linear_wrap", l);

    r = mk(32, 24, true, 0, 1);
    l = (LstmCfg){.acc = mk(32, 20, true, 0, 0), .r = r, .s = mk(32, 16, true, 0, 1)};
    l.ract = table_act("lstm_w32_hsig", FN_HARD_SIGMOID, 10, r, *t32, 0, 0);
    l.act = table_act("lstm_w32_tanh", FN_TANH, 10, r, *t32, 0, 0);
    lstm_case("lstm_w32_sat", l);

    r = mk(40, 36, true, 0, 1);
    l = (LstmCfg){.acc = mk(64, 44, true, 0, 0), .r = r, .s = mk(48, 40, true, 1, 1)};
    l.ract = table_act("lstm_w64_sig", FN_SIGMOID, 10, r, *t32, 0, 0);
    l.act = table_act("lstm_w64_tanh", FN_TANH, 10, r, *t32, 0, 0);
    lstm_case("lstm_w64_sat", l);

    GruCfg g;
    r = mk(16, 10, true, 0, 0);
    g = (GruCfg){.acc = mk(16, 10, true, 0, 0), .r = r};
    g.ract = table_act("gru_default_sig", FN_SIGMOID, 10, r, *t18, 0, 0);
    g.act = table_act("gru_default_tanh", FN_TANH, 10, r, *t18, 0, 0);
    gru_cell_case("gru_after_default", g);
    gru_before_cases("gru_before_default", g);

    r = mk(8, 6, true, 1, 1);
    g = (GruCfg){.acc = mk(12, 6, true, 2, 1), .r = r};
    g.ract = table_act("gru_small_sig", FN_SIGMOID, 5, r, *t12, 0, 0);
    g.act = table_act("gru_small_tanh", FN_TANH, 4, r, *t12, 0, 0);
    gru_cell_case("gru_after_small_rnd_sat", g);
    gru_before_cases("gru_before_small_rnd_sat", g);

    r = mk(12, 11, false, 2, 1);
    g = (GruCfg){.acc = mk(16, 10, true, 1, 1), .r = r};
    g.ract = table_act("gru_u_sig", FN_SIGMOID, 8, r, *t18, 0, 0);
    g.act = table_act("gru_u_tanh", FN_TANH, 8, r, *t18, 0, 0);
    gru_cell_case("gru_after_ufixed_conv_sat", g);
    gru_before_cases("gru_before_ufixed_conv_sat", g);

    r = mk(10, 12, true, 0, 0);
    g = (GruCfg){.acc = mk(20, 14, true, 0, 1), .r = r};
    g.ract = cast_act(0, r);
    g.act = cast_act(1, r);
    gru_cell_case("gru_after_linear_relu_frac", g);
    gru_before_cases("gru_before_linear_relu_frac", g);

    r = mk(10, 4, false, 0, 0);
    g = (GruCfg){.acc = mk(16, 8, true, 1, 0), .r = r};
    g.ract = cast_act(0, r);
    g.act = cast_act(0, r);
    gru_cell_case("gru_after_ufixed_linear_wrap", g);
    gru_before_cases("gru_before_ufixed_linear_wrap", g);

    /* R_F = R_W - 1 with a linear ract: z reaches -1.0, the extreme of 1 - z (= 2.0) */
    r = mk(8, 7, true, 0, 1);
    g = (GruCfg){.acc = mk(12, 7, true, 0, 1), .r = r};
    g.ract = cast_act(0, r);
    g.act = cast_act(0, r);
    gru_cell_case("gru_after_omz_extreme", g);
    gru_before_cases("gru_before_omz_extreme", g);

    /* unsigned R with R_F = R_W: z up to 1 - 2^-R_F, 1 - z down to 2^-R_F */
    r = mk(6, 6, false, 1, 0);
    g = (GruCfg){.acc = mk(10, 6, true, 2, 0), .r = r};
    g.ract = cast_act(1, r);
    g.act = table_act("gru_u6_hsig", FN_HARD_SIGMOID, 3, r, *t12, 0, 0);
    gru_cell_case("gru_after_u6_relu_hsig8", g);
    gru_before_cases("gru_before_u6_relu_hsig8", g);

    r = mk(32, 30, true, 0, 1);
    g = (GruCfg){.acc = mk(32, 16, true, 0, 1), .r = r};
    g.ract = table_act("gru_w32_hsig", FN_HARD_SIGMOID, 9, r, *t32, 0, 0);
    g.act = table_act("gru_w32_tanh", FN_TANH, 11, r, *t32, 0, 0);
    gru_before_cases("gru_before_w32_sat", g);
    gru_cell_case("gru_after_w32_sat", g);

    r = mk(48, 44, true, 0, 1);
    g = (GruCfg){.acc = mk(64, 40, true, 0, 0), .r = r};
    g.ract = table_act("gru_w64_sig", FN_SIGMOID, 10, r, *t32, 0, 0);
    g.act = table_act("gru_w64_tanh", FN_TANH, 10, r, *t32, 0, 0);
    gru_before_cases("gru_before_w64", g);
    gru_cell_case("gru_after_w64", g);

    /* hls4ml numerics: the gates in accum (G = A), wider than R, then with fewer fractional
     * bits than R and linear/relu gates cast with A's rounding */
    r = mk(12, 8, true, 0, 0);
    g = (GruCfg){.acc = mk(24, 16, true, 0, 0), .r = r, .g = mk(24, 16, true, 0, 0)};
    g.ract = table_act("gru_g_sig", FN_SIGMOID, 10, g.g, *t18, 0, 0);
    g.act = table_act("gru_g_tanh", FN_TANH, 10, g.g, *t18, 0, 0);
    gru_cell_case("gru_after_gates_acc", g);
    r = mk(12, 9, true, 1, 1);
    g = (GruCfg){.acc = mk(16, 6, true, 2, 0), .r = r, .g = mk(16, 6, true, 2, 0)};
    g.ract = cast_act(0, g.g);
    g.act = cast_act(1, g.g);
    gru_cell_case("gru_after_gates_acc_lin", g);
}
/* ---- streams: rnnc_stream_fork (self-checking), rnnc_merge_add (a + b, cast) ---- */

static void fork_cases(void)
{
    static const int shapes[][2] = {{2, 16}, {3, 1}, {4, 37}};
    for (int i = 0; i < 3; i++)
        printf("fork_n%d_w%d rnnc_stream_fork N=%d WIDTH=%d TB_SEED=%d\n", shapes[i][0], shapes[i][1], shapes[i][0],
               shapes[i][1], i + 1);
}

/* rnnc_mac_token (self-checking): owners in a ring, host beats per sequence */
static void mac_token_cases(void)
{
    static const int shapes[][2] = {{2, 1}, {2, 4}, {3, 3}, {5, 2}};
    for (int i = 0; i < 4; i++)
        printf("mac_token_n%d_t%d rnnc_mac_token N=%d TB_T=%d TB_SEED=%d\n", shapes[i][0], shapes[i][1], shapes[i][0],
               shapes[i][1], i + 7);
}

/* op: 0 sum, 1 mul, 2 ave, 3 concat (nb elements of b; else nb = n) */
static void merge_case(const char *name, int op, int n, int nb, FxType a, FxType b, FxType out)
{
    seed_from(name);
    char vname[256], path[512], params[1024];
    snprintf(vname, sizeof vname, "%s.vec", name);
    FILE *f = open_out(vname, path, sizeof path);
    int nv = 300, fa = a.w - a.i, fb = b.w - b.i, fm = fa > fb ? fa : fb, ny = op == 3 ? n + nb : n;
    wide_t *va = zalloc((size_t)n, sizeof *va), *vb = zalloc((size_t)nb, sizeof *vb), *vy = zalloc((size_t)ny, sizeof *vy);
    for (int k = 0; k < nv; k++) {
        for (int j = 0; j < n; j++) va[j] = rnd_val(a.w, a.sgn);
        for (int j = 0; j < nb; j++) vb[j] = rnd_val(b.w, b.sgn);
        for (int j = 0; j < n && op != 3; j++) {
            wide_t sum = va[j] * ((wide_t)1 << (fm - fa)) + vb[j] * ((wide_t)1 << (fm - fb));
            vy[j] = op == 1 ? fx_cast(va[j] * vb[j], fa + fb, out) : fx_cast(sum, op == 2 ? fm + 1 : fm, out);
        }
        for (int j = 0; j < n && op == 3; j++) vy[j] = fx_cast(va[j], fa, out);
        for (int j = 0; j < nb && op == 3; j++) vy[n + j] = fx_cast(vb[j], fb, out);
        phex_flat(f, va, n, a.w);
        fputc(' ', f);
        phex_flat(f, vb, nb, b.w);
        fputc(' ', f);
        phex_flat(f, vy, ny, out.w);
        fputc('\n', f);
    }
    fclose(f);
    free(va);
    free(vb);
    free(vy);
    snprintf(params, sizeof params,
             "OP=%d N=%d NB=%d A_W=%d A_F=%d A_SIGNED=%d B_W=%d B_F=%d B_SIGNED=%d OUT_W=%d OUT_F=%d OUT_SIGNED=%d "
             "ROUND=%d SATURATE=%d TB_SEED=%d", op, n, nb, a.w, fa, a.sgn, b.w, fb, b.sgn, out.w, out.w - out.i, out.sgn,
             out.q, out.o, (int)(rnd64() % 1000) + 1);
    manifest(name, "rnnc_merge_add", params, nv, path);
}

static void merge_cases(void)
{
    merge_case("merge_n3_same", 0, 3, 3, mk(16, 6, true, 0, 0), mk(16, 6, true, 0, 0), mk(16, 6, true, 0, 0));
    merge_case("merge_n2_mixed_rnd_sat", 0, 2, 2, mk(12, 4, true, 0, 0), mk(10, 7, false, 0, 0), mk(8, 3, true, 1, 1));
    merge_case("merge_n1_wide_conv", 0, 1, 1, mk(24, 10, true, 0, 0), mk(18, 2, true, 0, 0), mk(20, 12, true, 2, 0));
    merge_case("merge_mul_n3_mixed_rnd", 1, 3, 3, mk(12, 4, true, 0, 0), mk(10, 3, true, 0, 0), mk(12, 5, true, 1, 1));
    merge_case("merge_mul_n2_unsigned", 1, 2, 2, mk(8, 2, false, 0, 0), mk(16, 6, true, 0, 0), mk(16, 6, true, 0, 0));
    merge_case("merge_ave_n3_rnd_sat", 2, 3, 3, mk(16, 6, true, 0, 0), mk(16, 6, true, 0, 0), mk(10, 4, true, 1, 1));
    merge_case("merge_ave_n2_conv", 2, 2, 2, mk(12, 3, true, 0, 0), mk(14, 6, false, 0, 0), mk(16, 7, true, 2, 0));
    merge_case("merge_concat_n2_nb3", 3, 2, 3, mk(16, 6, true, 0, 0), mk(12, 4, true, 0, 0), mk(10, 4, true, 1, 1));
    merge_case("merge_concat_n3_nb1", 3, 3, 1, mk(16, 6, true, 0, 0), mk(16, 6, true, 0, 0), mk(16, 6, true, 0, 0));
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: gen_vectors OUTDIR\n");
        return 2;
    }
    outdir = argv[1];
    quant_cases();
    product_cases();
    stage_cases();
    tree_cases();
    sat_sum_cases();
    job_ctrl_cases();
    activation_cases();
    cell_cases();
    fork_cases();
    mac_token_cases();
    merge_cases();
    return 0;
}
