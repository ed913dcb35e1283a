/* tables.c: the activation and softmax lookup tables of docs/numerics.md, shared by the
 * emulator (emulate.c) and the emitters (the same Table object feeds $readmemh files).
 *
 * A table depends only on its function, size, entry types and (softmax reciprocal) range,
 * so tables are cached on that key: every caller asking for the same table gets the same
 * object. The cache lives for the whole process and is never freed. */
#include "rnnc.h"

#include <math.h>
#include <stdlib.h>

typedef enum { T_SIGMOID, T_TANH, T_HARD_SIGMOID, T_EXP, T_INV } TableKind;

typedef struct CacheEntry {
    TableKind kind;
    int n, range;           /* range: R of the reciprocal table, 0 otherwise */
    bool hls;               /* hls4ml numerics: entries computed as hls4ml does, in float */
    FxType table, out;
    Table t;
    struct CacheEntry *next;
} CacheEntry;

static CacheEntry *cache;

static int log2_exact(int n)
{
    int k = 0;
    while ((1 << k) < n) k++;
    return (1 << k) == n ? k : -1;
}

static int table_bits(const Layer *l)
{
    int k = log2_exact(l->table_size);
    if (l->table_size < 2 || k < 0)
        BUG("layer %s: table_size %d is not a power of two >= 2", l->name, l->table_size);
    return k;
}

static double hard_sigmoid(double x)
{
    double y = 0.2 * x + 0.5;
    return y < 0 ? 0 : y > 1 ? 1 : y;
}

static double eval(TableKind kind, double x)
{
    switch (kind) {
    case T_SIGMOID: return 1.0 / (1.0 + exp(-x));
    case T_TANH: return tanh(x);
    case T_HARD_SIGMOID: return hard_sigmoid(x);
    case T_EXP: return exp(x);
    case T_INV: return 1.0 / x;
    }
    BUG("bad table kind %d", (int)kind);
}

/* f(x) as hls4ml's init_*_table computes it: x a float, sigmoid 1.0 / (1 + expf(-x)) with the
 * sum in float and the quotient in double, tanh in double; the value stored as a float. */
static double eval_hls4ml(TableKind kind, double x)
{
    float xf = (float)x;
    switch (kind) {
    case T_SIGMOID: return (float)(1.0 / (double)(1.0f + expf(-xf)));
    case T_TANH: return (float)tanh((double)xf);
    default: return (float)eval(kind, (double)xf);
    }
}

/* Find or build the table. Entry k is f(x_k) quantized to `table`, then cast to `out`. */
static Table *get_table(TableKind kind, int bits, int range, FxType table, FxType out, bool hls)
{
    int n = 1 << bits;
    for (CacheEntry *e = cache; e; e = e->next)
        if (e->kind == kind && e->n == n && e->range == range && fx_equal(e->table, table) &&
            fx_equal(e->out, out) && e->hls == hls)
            return &e->t;
    CacheEntry *e = xcalloc(1, sizeof *e);
    e->hls = hls;
    e->kind = kind;
    e->n = n;
    e->range = range;
    e->table = table;
    e->out = out;
    Table *t = &e->t;
    t->n = n;
    t->out = out;
    t->entries = xcalloc((size_t)n, sizeof *t->entries);
    /* scale_shift = log2(S) with S = N / (hi - lo); offset = -lo * S */
    switch (kind) {
    case T_SIGMOID: case T_HARD_SIGMOID: /* [-8, 8) */
        t->scale_shift = bits - 4;
        t->offset = n / 2;
        break;
    case T_TANH: /* [-4, 4) */
        t->scale_shift = bits - 3;
        t->offset = n / 2;
        break;
    case T_EXP: /* [-8, 0], entry at the right edge of its (toward-zero) bin */
        t->scale_shift = bits - 3;
        t->offset = n - 1;
        break;
    case T_INV: /* [0, R) */
        t->scale_shift = bits - log2_exact(range);
        t->offset = 0;
        break;
    }
    for (int k = 0; k < n; k++) {
        double x;
        switch (kind) {
        case T_EXP: x = ldexp((double)(k - n + 1), -t->scale_shift); break;
        case T_INV: x = ldexp(k + 0.5, -t->scale_shift); break;
        default: x = ldexp((double)(k - t->offset), -t->scale_shift); break;
        }
        int64_t q = fx_from_double(hls ? eval_hls4ml(kind, x) : eval(kind, x), table);
        t->entries[k] = fx_cast(q, fx_frac(table), out);
    }
    e->next = cache;
    cache = e;
    return t;
}

FxType layer_gate_type(const Layer *l)
{
    bool rec = l->kind == L_LSTM || l->kind == L_GRU;
    return rec && l->numerics == NUM_HLS4ML ? l->ty.accum : l->ty.result;
}

Table *table_for(const Layer *l, ActKind a) { return table_for_out(l, a, layer_gate_type(l)); }

Table *table_for_out(const Layer *l, ActKind a, FxType out)
{
    TableKind kind;
    switch (a) {
    case ACT_SIGMOID: kind = T_SIGMOID; break;
    case ACT_TANH: kind = T_TANH; break;
    case ACT_HARD_SIGMOID: kind = T_HARD_SIGMOID; break;
    default: return NULL;
    }
    return get_table(kind, table_bits(l), 0, l->ty.table, out, l->numerics == NUM_HLS4ML);
}

int act_ubits(const Layer *l, ActKind a)
{
    const Table *t = table_for(l, a);
    if (!t) return 0;
    int64_t hi = 0;
    for (int k = 0; k < t->n; k++) {
        if (t->entries[k] < 0) return 0;
        if (t->entries[k] > hi) hi = t->entries[k];
    }
    int b = 1;
    while (b < 63 && hi >= (int64_t)1 << b) b++;
    return b;
}

Table *table_exp(const Layer *l)
{
    return get_table(T_EXP, table_bits(l), 0, l->ty.table, l->ty.table, false);
}

/* R: the smallest power of two strictly above the number of outputs (s = sum e_j <= n < R). */
Table *table_inv(const Layer *l)
{
    int n_out = l->out_feat > 0 ? l->out_feat : l->units;
    if (n_out < 1) BUG("layer %s: softmax over %d outputs", l->name, n_out);
    int r = 1;
    while (r <= n_out) r *= 2;
    return get_table(T_INV, table_bits(l), r, l->ty.table, l->ty.table, false);
}

int64_t table_lookup(const Table *t, wide_t raw, int frac)
{
    wide_t idx = fx_trunc0_shift(raw, frac - t->scale_shift) + t->offset;
    if (idx < 0) idx = 0;
    if (idx > t->n - 1) idx = t->n - 1;
    return t->entries[(int)idx];
}

bool table_mirror(const Table *t, uint64_t *mask, uint64_t *entry0)
{
    int n = t->n, off = t->offset, w = t->out.w;
    if (n < 8 || off != n / 2 || w < 1 || w > 64) return false;
    uint64_t bits = w == 64 ? ~0ull : (1ull << w) - 1;
    uint64_t m = ((uint64_t)t->entries[off - 1] ^ (uint64_t)t->entries[off + 1]) & bits;
    for (int k = 2; k < off; k++)
        if ((((uint64_t)t->entries[off - k] ^ (uint64_t)t->entries[off + k]) & bits) != m) return false;
    *mask = m;
    *entry0 = (uint64_t)t->entries[0] & bits;
    return true;
}
