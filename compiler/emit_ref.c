/* emit_ref.c: Model -> DIR/model/<name>_ref.h, <name>_ref.c and <name>_ref_main.c, a bit-exact
 * reference model of the design in plain C99 for users' own benches (C++, SystemVerilog DPI-C,
 * Python ctypes), and DIR/sim/cocotb/, a cocotb testbench that checks the core against it.
 *
 * The generated code is emulate.c's fixed-point path specialised to one model: the weights,
 * types and tables are constant data, each layer a function that walks the same casts in the
 * same order. A fixed, model-independent part (the casts of fixed.c, tables.c's lookup, the
 * softmax) is written out first; it computes in int64_t, or in __int128 (a GCC/Clang extension,
 * guarded) when the model's widths could overflow int64_t (needs_wide below). Its outputs equal
 * `rnnc --emulate` and the RTL bit for bit (tests/e2e/run.sh checks every design). */
#include "rnnc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Magnitude bits of a raw value of type t: |raw| <= 2^mag_bits. */
static int mag_bits(FxType t) { return t.sgn ? t.w - 1 : t.w; }
static int imax(int a, int b) { return a > b ? a : b; }
static int log2_ceil(long n)
{
    int k = 0;
    while ((1L << k) < n) k++;
    return k;
}

/* true when layer l's activations output its accum type rather than its result type (hls4ml
 * numerics, a GRU's gates: layer_gate_type) */
static bool gates_in_accum(const Layer *l) { return !fx_equal(layer_gate_type(l), l->ty.result); }

/* The largest magnitude (in bits) any intermediate value of layer l reaches, its input of type
 * x: products before their cast, sums of cast products, the cell-state and blend sums. */
static int layer_bits(const Layer *l, FxType x)
{
    const LayerTypes *ty = &l->ty;
    int r = mag_bits(ty->result), a = mag_bits(ty->accum), fr = fx_frac(ty->result);
    int bits = mag_bits(x) + mag_bits(ty->weight);
    bits = imax(bits, a + log2_ceil((long)l->in_feat + l->units + 3));
    if (l->kind == L_LSTM || l->kind == L_GRU || l->kind == L_SIMPLE_RNN)
        bits = imax(bits, r + mag_bits(ty->rweight));
    if (l->kind == L_LSTM) {
        int fs = fx_frac(ty->state), fm = imax(fr + fs, 2 * fr);
        int fc = r + mag_bits(ty->state) + fm - (fr + fs), ig = 2 * r + fm - 2 * fr;
        bits = imax(bits, imax(fc, ig) + 1);
    }
    if (l->kind == L_GRU && gates_in_accum(l)) { /* r * hu; hh (1 - z) + h z aligned to fm */
        int fa = fx_frac(ty->accum), fm = imax(2 * fa, fr + fa);
        bits = imax(bits, imax(2 * a, imax(a + r + fm - fr - fa, 2 * a + 2 + fm - 2 * fa) + 1));
    } else if (l->kind == L_GRU) {
        bits = imax(bits, imax(r + a, r + imax(r, fr) + 2));
    }
    if (l->act == ACT_SOFTMAX) bits = imax(bits, 2 * mag_bits(ty->table));
    return bits;
}

/* true when some intermediate value could exceed int64_t (with a margin of one bit) */
static bool needs_wide(const Model *m)
{
    FxType x = m->input_type;
    for (int i = 0; i < m->n_layers; i++) {
        const Layer *l = &m->layers[i];
        if (l->kind == L_FLATTEN || l->kind == L_DROPOUT) continue;
        if (l->kind == L_BIDIRECTIONAL) { /* both directions, and the merge's product or sum */
            FxType a = l->dir[0]->ty.result, b = l->dir[1]->ty.result;
            if (layer_bits(l->dir[0], x) > 62 || layer_bits(l->dir[1], x) > 62 ||
                mag_bits(a) + mag_bits(b) + 1 > 62 || imax(mag_bits(a), mag_bits(b)) + 2 + abs(fx_frac(a) - fx_frac(b)) > 62)
                return true;
        } else if (layer_bits(l, x) > 62) {
            return true;
        }
        x = l->ty.result;
    }
    return false;
}

/* raw values of t that do not fit int32_t: wider than 32 bits, or 32-bit unsigned */
static bool wide_raw(FxType t) { return t.w > 32 || (!t.sgn && t.w >= 32); }

/* some type of the model is wider than 64 bits (an accumulator: check.c) */
static bool needs_raw128(const Model *m)
{
    for (int i = 0; i < m->n_layers; i++)
        for (int d = -1; d < 2; d++) {
            const Layer *l = d < 0 ? &m->layers[i] : m->layers[i].dir[d];
            if (l && l->ty.accum.w > (l->ty.accum.sgn ? 64 : 63)) return true;
        }
    return false;
}

/* rnnc_raw holds every raw value of the model: int32_t unless a wider type occurs */
static bool needs_raw64(const Model *m)
{
    if (wide_raw(m->input_type) || wide_raw(m->out_type)) return true;
    for (int i = 0; i < m->n_layers; i++)
        for (int d = -1; d < 2; d++) { /* the layer, and a bidirectional's directions */
            const Layer *l = d < 0 ? &m->layers[i] : m->layers[i].dir[d];
            if (!l) continue;
            const LayerTypes *t = &l->ty;
            FxType all[] = {t->weight, t->rweight, t->bias, t->accum, t->state, t->result, t->table};
            for (size_t k = 0; k < sizeof all / sizeof all[0]; k++)
                if (wide_raw(all[k])) return true;
        }
    return false;
}

/* The smallest <stdint.h> type holding raw values of t. */
static const char *c_int_type(FxType t)
{
    if (t.sgn) return t.w <= 8 ? "int8_t" : t.w <= 16 ? "int16_t" : t.w <= 32 ? "int32_t" : "int64_t";
    return t.w <= 8 ? "uint8_t" : t.w <= 16 ? "uint16_t" : t.w <= 32 ? "uint32_t" : "uint64_t";
}

static void upper(char *dst, const char *src, size_t len)
{
    size_t i = 0;
    for (; src[i] && i + 1 < len; i++) dst[i] = (char)toupper((unsigned char)src[i]);
    dst[i] = 0;
}

static void type_init(FILE *f, FxType t)
{
    static const char *qn[] = {"RNNC_TRN", "RNNC_RND", "RNNC_RND_CONV", "RNNC_TRN_ZERO", "RNNC_RND_ZERO",
                               "RNNC_RND_INF", "RNNC_RND_MIN_INF"};
    static const char *on[] = {"RNNC_WRAP", "RNNC_SAT", "RNNC_SAT_ZERO", "RNNC_SAT_SYM"};
    char txt[64];
    fx_format(t, txt, sizeof txt);
    fprintf(f, "{%d, %d, %d, %s, %s, %d} /* %s */", t.w, fx_frac(t), t.sgn ? 1 : 0, qn[t.q], on[t.o], t.n, txt);
}

/* ---- the fixed part: the same text in every reference model ---- */

static const char *const arith_text =
    "/* ---- fixed-point arithmetic (docs/numerics.md); the same in every rnnc reference model ---- */\n"
    "\n"
    "/* quantization (ap_fixed's AP_ modes): floor, ties up, ties to even, toward zero, ties toward\n"
    " * zero, ties away from zero, ties down */\n"
    "enum { RNNC_TRN, RNNC_RND, RNNC_RND_CONV, RNNC_TRN_ZERO, RNNC_RND_ZERO, RNNC_RND_INF, RNNC_RND_MIN_INF };\n"
    "/* overflow: keep the low bits (n: saturate the n MSBs), clamp, zero, clamp to [-max, max] */\n"
    "enum { RNNC_WRAP, RNNC_SAT, RNNC_SAT_ZERO, RNNC_SAT_SYM };\n"
    "\n"
    "/* A fixed-point type: a raw integer r of W bits means r * 2^-frac. */\n"
    "typedef struct { int w, frac, sgn, q, o, n; } rnnc_type;\n"
    "\n"
    "/* the range of t's raw values, formed without a signed overflow (W - sgn < RNNC_WIDE_BITS) */\n"
    "static inline rnnc_wide rnnc_max(rnnc_type t) { return (rnnc_wide)(((rnnc_uwide)1 << (t.w - t.sgn)) - 1); }\n"
    "static inline rnnc_wide rnnc_min(rnnc_type t) { return t.sgn ? -rnnc_max(t) - 1 : 0; }\n"
    "/* the lowest value the overflow mode keeps: RNNC_SAT_SYM's range is symmetric */\n"
    "static inline rnnc_wide rnnc_low(rnnc_type t) { return rnnc_min(t) + (t.o == RNNC_SAT_SYM && t.sgn && t.w > 1); }\n"
    "\n"
    "/* Wrap: the low W bits of an integer (given modulo 2^RNNC_WIDE_BITS), sign-extended when\n"
    " * signed; no shift by the full width, and no signed overflow. */\n"
    "static inline rnnc_raw rnnc_wrap(rnnc_uwide v, rnnc_type t)\n"
    "{\n"
    "    rnnc_uwide mask = t.w >= RNNC_WIDE_BITS ? ~(rnnc_uwide)0 : ((rnnc_uwide)1 << t.w) - 1, bits = v & mask;\n"
    "    if (t.sgn && (bits >> (t.w - 1)) & 1) return (rnnc_raw)(-(rnnc_wide)(mask - bits) - 1);\n"
    "    return (rnnc_raw)bits;\n"
    "}\n"
    "\n"
    "/* The overflow mode on an integer whose low bits are v, above t's range (over), below it\n"
    " * (under), or in it. */\n"
    "static inline rnnc_raw rnnc_overflow_side(rnnc_wide v, int over, int under, rnnc_type t)\n"
    "{\n"
    "    if (!over && !under) return (rnnc_raw)v;\n"
    "    if (t.o == RNNC_SAT) return (rnnc_raw)(over ? rnnc_max(t) : rnnc_min(t));\n"
    "    if (t.o == RNNC_SAT_ZERO) return 0;\n"
    "    if (t.o == RNNC_SAT_SYM) return (rnnc_raw)(over ? rnnc_max(t) : rnnc_low(t));\n"
    "    if (t.n == 0) return rnnc_wrap((rnnc_uwide)v, t);\n"
    "    { /* the n MSBs: ones (unsigned); signed, the sign bit the true sign, the others its complement */\n"
    "        rnnc_uwide mask = t.w >= RNNC_WIDE_BITS ? ~(rnnc_uwide)0 : ((rnnc_uwide)1 << t.w) - 1;\n"
    "        rnnc_uwide top = mask & ~(mask >> t.n), msb = (rnnc_uwide)1 << (t.w - 1), b = (rnnc_uwide)v;\n"
    "        b = !t.sgn ? b | top : under ? (b & ~top) | msb : (b | top) & ~msb;\n"
    "        return rnnc_wrap(b, t);\n"
    "    }\n"
    "}\n"
    "\n"
    "/* The overflow mode on an exact integer v. */\n"
    "static inline rnnc_raw rnnc_overflow(rnnc_wide v, rnnc_type t)\n"
    "{\n"
    "    return rnnc_overflow_side(v, v > rnnc_max(t), v < rnnc_low(t), t);\n"
    "}\n"
    "\n"
    "/* floor(v / 2^s), 0 < s < RNNC_WIDE_BITS: an arithmetic shift where >> is one (C leaves >> of a\n"
    " * negative value to the implementation; GCC, Clang and MSVC shift arithmetically) */\n"
    "static inline rnnc_wide rnnc_floor_shift(rnnc_wide v, int s)\n"
    "{\n"
    "#if (-1 >> 1) == -1 && (-7 >> 1) == -4\n"
    "    return v >> s;\n"
    "#else\n"
    "    rnnc_wide m = -(rnnc_wide)(v < 0); /* all ones when negative: m ^ v >= 0, ~v for v < 0 */\n"
    "    return m ^ ((m ^ v) >> s);\n"
    "#endif\n"
    "}\n"
    "\n"
    "/* Whether the quantization mode adds one to the floor: qb the first dropped bit, r any bit\n"
    " * below it, neg the value's sign, lsb the floor's lowest bit. */\n"
    "static inline int rnnc_round_up(int q, int qb, int r, int neg, int lsb)\n"
    "{\n"
    "    switch (q) {\n"
    "    case RNNC_TRN_ZERO: return neg && (qb || r);\n"
    "    case RNNC_RND: return qb;\n"
    "    case RNNC_RND_ZERO: return qb && (neg || r);\n"
    "    case RNNC_RND_INF: return qb && (!neg || r);\n"
    "    case RNNC_RND_MIN_INF: return qb && r;\n"
    "    case RNNC_RND_CONV: return qb && (lsb || r);\n"
    "    default: return 0;\n"
    "    }\n"
    "}\n"
    "\n"
    "/* The quantization step alone: round v * 2^-from to t's fractional bits, for from > t.frac. */\n"
    "static inline rnnc_wide rnnc_quantize(rnnc_wide v, int from, rnnc_type t)\n"
    "{\n"
    "    int s = from - t.frac;\n"
    "    if (s >= RNNC_WIDE_BITS) /* |v| < 2^s / 2: floor 0 or -1, the half bit the sign */\n"
    "        return v < 0 ? -1 + rnnc_round_up(t.q, 1, 1, 1, 1) : 0; /* (v > -2^(s-1) strictly) */\n"
    "    rnnc_wide q = rnnc_floor_shift(v, s);\n"
    "    if (t.q != RNNC_TRN) {\n"
    "        rnnc_uwide rem = (rnnc_uwide)v & (((rnnc_uwide)1 << s) - 1), half = (rnnc_uwide)1 << (s - 1);\n"
    "        q += rnnc_round_up(t.q, rem >= half, (rem & (half - 1)) != 0, v < 0, (int)(q & 1));\n"
    "    }\n"
    "    return q;\n"
    "}\n"
    "\n"
    "/* Cast the exact value v * 2^-from to type t: the quantization mode, then the overflow mode.\n"
    " * Every call passes constant types, so the compiler specialises each one. */\n"
    "static inline rnnc_raw rnnc_cast(rnnc_wide v, int from, rnnc_type t)\n"
    "{\n"
    "    int d = t.frac - from;\n"
    "    if (d < 0) return rnnc_overflow(rnnc_quantize(v, from, t), t);\n"
    "    /* exact: v * 2^d; its side computed without forming it, its low W bits modulo 2^RNNC_WIDE_BITS */\n"
    "    {\n"
    "        int over = v > (rnnc_max(t) >> d), under = v < 0 && (v < rnnc_min(t) / ((rnnc_wide)1 << d) ||\n"
    "                                                            v * ((rnnc_wide)1 << d) < rnnc_low(t));\n"
    "        return rnnc_overflow_side((rnnc_wide)((rnnc_uwide)v << d), over, under, t);\n"
    "    }\n"
    "}\n"
    "\n"
    "/* rnnc_cast where rnnc has proved that the result is in t's range (the overflow mode would\n"
    " * change nothing) */\n"
    "static inline rnnc_wide rnnc_cast_in_range(rnnc_wide v, int from, rnnc_type t)\n"
    "{\n"
    "    return t.frac >= from ? v * ((rnnc_wide)1 << (t.frac - from)) : rnnc_quantize(v, from, t);\n"
    "}\n"
    "\n"
    "/* The low W bits of an integer-valued double r (two's complement), 32 bits at a time. */\n"
    "static inline rnnc_wide rnnc_low_bits(double r, rnnc_type t)\n"
    "{\n"
    "    double a = fabs(fmod(r, ldexp(1.0, t.w)));\n"
    "    rnnc_uwide b = 0;\n"
    "    for (int k = 0; k * 32 < RNNC_WIDE_BITS && a > 0; k++) {\n"
    "        double d = fmod(a, 4294967296.0);\n"
    "        b |= (rnnc_uwide)(uint32_t)d << (32 * k);\n"
    "        a = (a - d) / 4294967296.0;\n"
    "    }\n"
    "    return (rnnc_wide)(r < 0 ? ~b + 1 : b);\n"
    "}\n"
    "\n"
    "/* Quantize a real number to type t, as rnnc does with input files (NaN gives 0). */\n"
    "static inline rnnc_raw rnnc_from_double(double x, rnnc_type t)\n"
    "{\n"
    "    if (x != x) return 0;\n"
    "    {\n"
    "        double v = ldexp(x, t.frac), r = floor(v), rem = v - r, lim = ldexp(1.0, t.w - t.sgn);\n"
    "        int over, under;\n"
    "        r += rnnc_round_up(t.q, rem >= 0.5, rem != 0 && rem != 0.5, v < 0, fmod(r, 2.0) != 0);\n"
    "        over = r >= lim;\n"
    "        under = r < -lim * t.sgn || (r == -lim && t.o == RNNC_SAT_SYM && t.w > 1); /* below rnnc_low */\n"
    "        return rnnc_overflow_side(over || under ? rnnc_low_bits(r, t) : (rnnc_wide)r, over, under, t);\n"
    "    }\n"
    "}\n"
    "\n"
    "/* A lookup table of N entries over [lo, hi): index = trunc0(v * 2^scale_shift) + offset,\n"
    " * clamped to the table; entries are raw values with `frac` fractional bits. */\n"
    "typedef struct { int n, scale_shift, offset, frac; } rnnc_table;\n"
    "\n"
    "static inline rnnc_raw rnnc_lookup(const rnnc_raw *entries, rnnc_table t, rnnc_wide v, int frac)\n"
    "{\n"
    "    int shift = frac - t.scale_shift;\n"
    "    rnnc_wide lim = (rnnc_wide)1 << 40, i; /* beyond 2^40 every index clamps */\n"
    "    if (shift <= 0) {\n"
    "        v = v > lim ? lim : v < -lim ? -lim : v;\n"
    "        i = v * ((rnnc_wide)1 << -shift);\n"
    "    } else {\n"
    "        /* toward zero; -v in unsigned arithmetic (v may be the most negative value) */\n"
    "        i = v >= 0 ? v >> shift : -(rnnc_wide)(((rnnc_uwide)0 - (rnnc_uwide)v) >> shift);\n"
    "    }\n"
    "    i += t.offset;\n"
    "    return entries[i < 0 ? 0 : i > t.n - 1 ? t.n - 1 : (int)i];\n"
    "}\n"
    "\n"
    "/* sum_k cast_accum(x[k] * w[k]): each product exact, cast to the accumulator, the sum exact.\n"
    " * in_range: rnnc proved from the weights and x's type that every cast product is in the\n"
    " * accumulator's range (the faster rnnc_cast_in_range gives the same result). */\n"
    "static inline rnnc_wide rnnc_dot(const rnnc_raw *x, int n, int xfrac, const rnnc_raw *w, int wfrac,\n"
    "                                 rnnc_type accum, int in_range)\n"
    "{\n"
    "    rnnc_wide s = 0;\n"
    "    int k = 0, f = xfrac + wfrac;\n"
    "    if (in_range) {\n"
    "        for (; k + 4 <= n; k += 4) /* four at a time: the sum is exact in any order */\n"
    "            s += rnnc_cast_in_range((rnnc_wide)x[k] * w[k], f, accum) +\n"
    "                 rnnc_cast_in_range((rnnc_wide)x[k + 1] * w[k + 1], f, accum) +\n"
    "                 rnnc_cast_in_range((rnnc_wide)x[k + 2] * w[k + 2], f, accum) +\n"
    "                 rnnc_cast_in_range((rnnc_wide)x[k + 3] * w[k + 3], f, accum);\n"
    "        for (; k < n; k++) s += rnnc_cast_in_range((rnnc_wide)x[k] * w[k], f, accum);\n"
    "    } else {\n"
    "        for (; k < n; k++) s += rnnc_cast((rnnc_wide)x[k] * w[k], f, accum);\n"
    "    }\n"
    "    return s;\n"
    "}\n"
    "\n"
    "/* cast_accum(cast_accum(bias) + rnnc_dot(...)) */\n"
    "static inline rnnc_raw rnnc_affine(rnnc_raw bias, int bfrac, const rnnc_raw *x, int n, int xfrac,\n"
    "                                   const rnnc_raw *w, int wfrac, rnnc_type accum, int in_range)\n"
    "{\n"
    "    rnnc_wide b = rnnc_cast(bias, bfrac, accum);\n"
    "    return rnnc_cast(b + rnnc_dot(x, n, xfrac, w, wfrac, accum, in_range), accum.frac, accum);\n"
    "}\n"
    "\n"
    "/* hls4ml's order under a saturating accumulator (--numerics hls4ml): acc = cast_accum(bias),\n"
    " * then acc = cast_accum(acc + cast_accum(x[k] * w[k])) for k = 0, 1, ... */\n"
    "static inline rnnc_raw rnnc_affine_hls(rnnc_raw bias, int bfrac, const rnnc_raw *x, int n, int xfrac,\n"
    "                                       const rnnc_raw *w, int wfrac, rnnc_type accum)\n"
    "{\n"
    "    rnnc_raw acc = rnnc_cast(bias, bfrac, accum);\n"
    "    for (int k = 0; k < n; k++)\n"
    "        acc = rnnc_cast((rnnc_wide)acc + rnnc_cast((rnnc_wide)x[k] * w[k], xfrac + wfrac, accum), accum.frac, accum);\n"
    "    return acc;\n"
    "}\n"
    "\n"
    "/* hls4ml's nnet::reduce of n accum values: the left part the largest power of two below n,\n"
    " * every sum cast to accum */\n"
    "static inline rnnc_raw rnnc_reduce_add(const rnnc_raw *v, int n, rnnc_type accum)\n"
    "{\n"
    "    int left = 1;\n"
    "    if (n == 1) return v[0];\n"
    "    while (left * 2 <= n - 1) left *= 2;\n"
    "    return rnnc_cast((rnnc_wide)rnnc_reduce_add(v, left, accum) + rnnc_reduce_add(v + left, n - left, accum),\n"
    "                     accum.frac, accum);\n"
    "}\n"
    "\n"
    "/* Softmax of n values v (frac fractional bits): exp table on v - max, the reciprocal table on\n"
    " * the sum, products cast to the result type. e: scratch of n values. */\n"
    "static inline void rnnc_softmax(const rnnc_raw *v, int n, int frac, const rnnc_raw *exp_entries,\n"
    "                                rnnc_table exp_table, const rnnc_raw *inv_entries, rnnc_table inv_table,\n"
    "                                rnnc_type result, rnnc_raw *e, rnnc_raw *y)\n"
    "{\n"
    "    rnnc_raw mx = v[0];\n"
    "    rnnc_wide s = 0;\n"
    "    for (int j = 1; j < n; j++) mx = v[j] > mx ? v[j] : mx;\n"
    "    for (int j = 0; j < n; j++) {\n"
    "        e[j] = rnnc_lookup(exp_entries, exp_table, (rnnc_wide)v[j] - mx, frac);\n"
    "        s += e[j];\n"
    "    }\n"
    "    rnnc_raw inv = rnnc_lookup(inv_entries, inv_table, s, exp_table.frac);\n"
    "    for (int j = 0; j < n; j++)\n"
    "        y[j] = rnnc_cast((rnnc_wide)e[j] * inv, exp_table.frac + inv_table.frac, result);\n"
    "}\n"
    "\n"
    "/* hls4ml's softmax, stable (stable = 1) or latency (--numerics hls4ml): the exp index from the\n"
    " * bit pattern of max - v (wrapped to in_w - 1 bits) or of v (in_w bits), read as an unsigned\n"
    " * number; exp entries in accum; the sum cast to accum, then to inv_inp, whose bit pattern\n"
    " * indexes the reciprocal table (ordered: hls4ml's tree of accum sums, rnnc_reduce_add; else the\n"
    " * exact sum cast once, which gives the same there, docs/numerics.md). e: scratch of n values. */\n"
    "static inline rnnc_wide rnnc_pattern(rnnc_wide v, int w)\n"
    "{\n"
    "    rnnc_uwide m = w >= (int)(8 * sizeof(rnnc_uwide)) ? ~(rnnc_uwide)0 : ((rnnc_uwide)1 << w) - 1;\n"
    "    return (rnnc_wide)((rnnc_uwide)v & m);\n"
    "}\n"
    "\n"
    "static inline void rnnc_softmax_hls(const rnnc_raw *v, int n, int frac, int in_w, int stable,\n"
    "                                    const rnnc_raw *exp_entries, rnnc_table exp_table,\n"
    "                                    const rnnc_raw *inv_entries, rnnc_table inv_table, rnnc_type accum,\n"
    "                                    rnnc_type inv_inp, rnnc_type result, int ordered, rnnc_raw *e, rnnc_raw *y)\n"
    "{\n"
    "    rnnc_raw mx = v[0];\n"
    "    rnnc_wide s = 0;\n"
    "    for (int j = 1; j < n; j++) mx = v[j] > mx ? v[j] : mx;\n"
    "    for (int j = 0; j < n; j++) {\n"
    "        rnnc_wide u = stable ? rnnc_pattern((rnnc_wide)mx - v[j], in_w - 1) : rnnc_pattern(v[j], in_w);\n"
    "        e[j] = rnnc_lookup(exp_entries, exp_table, u, frac);\n"
    "        s += e[j];\n"
    "    }\n"
    "    rnnc_raw sa = ordered ? rnnc_reduce_add(e, n, accum) : rnnc_cast(s, accum.frac, accum);\n"
    "    rnnc_raw si = rnnc_cast(sa, accum.frac, inv_inp);\n"
    "    rnnc_raw inv = rnnc_lookup(inv_entries, inv_table, rnnc_pattern(si, inv_inp.w), inv_inp.frac);\n"
    "    for (int j = 0; j < n; j++)\n"
    "        y[j] = rnnc_cast((rnnc_wide)e[j] * inv, exp_table.frac + inv_table.frac, result);\n"
    "}\n"
    "\n"
    "/* hls4ml's legacy softmax (--numerics hls4ml): y_i = the reciprocal table (entries in the\n"
    " * result type) at s_i, the sum over j = 0, 1, ..., n - 1 in this order, each sum cast to the\n"
    " * table type, of one (j == i: 1 in the table type) or the exp table at v_j - v_i. */\n"
    "static inline void rnnc_softmax_hls_legacy(const rnnc_raw *v, int n, int frac, const rnnc_raw *exp_entries,\n"
    "                                           rnnc_table exp_table, const rnnc_raw *inv_entries,\n"
    "                                           rnnc_table inv_table, rnnc_type table, rnnc_raw one, rnnc_raw *y)\n"
    "{\n"
    "    for (int i = 0; i < n; i++) {\n"
    "        rnnc_raw s = 0;\n"
    "        for (int j = 0; j < n; j++) {\n"
    "            rnnc_raw e = j == i ? one : rnnc_lookup(exp_entries, exp_table, (rnnc_wide)v[j] - v[i], frac);\n"
    "            s = rnnc_cast((rnnc_wide)s + e, table.frac, table);\n"
    "        }\n"
    "        y[i] = rnnc_lookup(inv_entries, inv_table, s, table.frac);\n"
    "    }\n"
    "}\n"
    "\n"
    "/* a * 2^(to - from), to >= from */\n"
    "static inline rnnc_wide rnnc_align(rnnc_wide v, int from, int to) { return v * ((rnnc_wide)1 << (to - from)); }\n";

/* The chunks of arith_text (split at blank lines) that define no function, and the functions
 * `text` calls, directly or through other functions (clang warns of unused static ones). */
static void emit_used_arith(FILE *f, const char *text)
{
    enum { MAXC = 40 };
    const char *start[MAXC];
    size_t len[MAXC];
    char name[MAXC][40];
    bool used[MAXC] = {false};
    int n = 0;
    for (const char *p = arith_text; *p && n < MAXC; n++) {
        const char *e = strstr(p, "\n\n");
        start[n] = p;
        len[n] = e ? (size_t)(e - p) + 2 : strlen(p);
        p += len[n];
        /* "static inline TYPE rnnc_NAME(": the name, with its "(" */
        const char *d = strstr(start[n], "static inline "), *paren = d ? strchr(d, '(') : NULL;
        name[n][0] = 0;
        if (d && d < start[n] + len[n] && paren) {
            const char *b = paren;
            while (b > d && b[-1] != ' ') b--;
            snprintf(name[n], sizeof name[n], "%.*s(", (int)(paren - b), b);
        } else {
            used[n] = true;
        }
    }
    for (bool changed = true; changed;) { /* fixpoint: a used chunk's calls are used */
        changed = false;
        for (int i = 0; i < n; i++) {
            if (used[i]) continue;
            bool call = strstr(text, name[i]) != NULL;
            for (int j = 0; j < n && !call; j++) {
                if (!used[j] || j == i || !name[j][0]) continue;
                char *chunk = xcalloc(len[j] + 1, 1);
                memcpy(chunk, start[j], len[j]);
                call = strstr(chunk, name[i]) != NULL;
                free(chunk);
            }
            if (call) used[i] = changed = true;
        }
    }
    for (int i = 0; i < n; i++)
        if (used[i]) fwrite(start[i], 1, len[i], f);
    fputs("\n", f);
}

static void emit_arith(FILE *f, const Model *m, const char *model_text)
{
    bool wide = needs_wide(m) || needs_raw128(m);
    fprintf(f, "/* rnnc_raw holds every raw value; rnnc_wide the exact intermediate values. */\n");
    fprintf(f, "#define RNNC_NEEDS_INT128 %d /* 1: some intermediate value of this model may exceed int64_t */\n",
            wide ? 1 : 0);
    fprintf(f, "#if RNNC_NEEDS_INT128 || defined(RNNC_REF_INT128)\n"
               "#if !defined(__SIZEOF_INT128__)\n"
               "#error \"this reference model needs 128-bit integers (__int128, a GCC and Clang extension)\"\n"
               "#endif\n"
               "__extension__ typedef __int128 rnnc_wide;\n"
               "__extension__ typedef unsigned __int128 rnnc_uwide;\n"
               "#define RNNC_WIDE_BITS 128\n"
               "#else\n"
               "typedef int64_t rnnc_wide;\n"
               "typedef uint64_t rnnc_uwide;\n"
               "#define RNNC_WIDE_BITS 64\n"
               "#endif\n\n");
    /* accumulators wider than 64 bits (FX_MAX_ACCUM_W) are held in rnnc_wide */
    fprintf(f, "typedef %s rnnc_raw;\n\n", needs_raw128(m) ? "rnnc_wide" : needs_raw64(m) ? "int64_t" : "int32_t");
    emit_used_arith(f, model_text);
}

/* ---- the model part ---- */

/* {v[0], v[stride], ...}: n raw values, wrapped at about 100 columns */
static void emit_values(FILE *f, const char *indent, const int64_t *v, int n, size_t stride)
{
    int col = (int)strlen(indent) + 1;
    fprintf(f, "%s{", indent);
    for (int c = 0; c < n; c++) {
        char num[32];
        /* INT64_MIN as an expression: the literal 9223372036854775808 has no signed type */
        int k = v[(size_t)c * stride] == INT64_MIN ? snprintf(num, sizeof num, "(-9223372036854775807 - 1)")
                                                   : snprintf(num, sizeof num, "%lld", (long long)v[(size_t)c * stride]);
        if (c && col + k + 2 > 100) {
            fprintf(f, ",\n%s %s", indent, num);
            col = (int)strlen(indent) + 1 + k;
        } else {
            fprintf(f, "%s%s", c ? ", " : "", num);
            col += k + (c ? 2 : 0);
        }
    }
    fprintf(f, "}");
}

/* a Keras-layout matrix [in][out] as C rows [out][in] */
static void emit_transposed(FILE *f, const int64_t *v, int in, int out)
{
    fprintf(f, " {\n");
    for (int r = 0; r < out; r++) {
        emit_values(f, "        ", v + r, in, (size_t)out);
        fprintf(f, "%s\n", r + 1 < out ? "," : "");
    }
    fprintf(f, "    },\n");
}

typedef struct { const char *field; const Table *t; } TableRef;

/* the tables layer l uses (each once) */
static int layer_tables(const Layer *l, TableRef *out)
{
    int n = 0;
    ActKind acts[2] = {l->act, l->ract};
    int nacts = l->kind == L_LSTM || l->kind == L_GRU ? 2 : 1;
    for (int i = 0; i < nacts; i++) {
        const char *field = acts[i] == ACT_SIGMOID ? "sigmoid" : acts[i] == ACT_TANH ? "tanh"
                          : acts[i] == ACT_HARD_SIGMOID ? "hard_sigmoid" : NULL;
        if (!field || (n && !strcmp(out[0].field, field))) continue;
        out[n++] = (TableRef){field, table_for(l, acts[i])};
    }
    if (l->act == ACT_SOFTMAX && l->numerics == NUM_HLS4ML && l->softmax_impl == SM_LEGACY) {
        out[n++] = (TableRef){"exp", table_hls_legacy_exp(l)};
        out[n++] = (TableRef){"inv", table_hls_legacy_inv(l)};
    } else if (l->act == ACT_SOFTMAX && l->numerics == NUM_HLS4ML) { /* a dense's: its input is the accum */
        out[n++] = (TableRef){"exp", table_hls_exp(l, l->sm.input)};
        out[n++] = (TableRef){"inv", table_hls_inv(l, l->sm.input)};
    } else if (l->act == ACT_SOFTMAX) {
        out[n++] = (TableRef){"exp", table_exp(l)};
        out[n++] = (TableRef){"inv", table_inv(l)};
    }
    return n;
}

static void emit_params(FILE *f, const Layer *l)
{
    TableRef tabs[4];
    int nt = layer_tables(l, tabs);
    int gu = l->gates * l->units;
    bool weighted = l->kind == L_DENSE || l->kind == L_LSTM || l->kind == L_GRU || l->kind == L_SIMPLE_RNN;
    bool rec = weighted && l->kind != L_DENSE;
    fprintf(f, "/* %s: types, weights (one row per output, raw integers) and tables */\n", l->name);
    fprintf(f, "static const struct %s_params {\n", l->name);
    fprintf(f, "    rnnc_type weight_type, rweight_type, bias_type, accum_type, state_type, result_type, table_type,\n"
               "        rbias_type, sm_accum_type, sm_inv_inp_type, sm_input_type;\n");
    if (weighted) fprintf(f, "    rnnc_raw kernel[%d][%d], bias[%d];\n", gu, l->in_feat, gu);
    if (rec) fprintf(f, "    rnnc_raw rkernel[%d][%d], rbias[%d];\n", gu, l->units, gu);
    for (int i = 0; i < nt; i++) fprintf(f, "    rnnc_raw %s[%d];\n    rnnc_table %s_table;\n", tabs[i].field, tabs[i].t->n, tabs[i].field);
    fprintf(f, "} %s_params = {\n", l->name);
    FxType rbt = layer_rbias_type(l);
    const FxType *ty[] = {&l->ty.weight, &l->ty.rweight, &l->ty.bias, &l->ty.accum, &l->ty.state, &l->ty.result,
                          &l->ty.table, &rbt, &l->sm.accum, &l->sm.inv_inp, &l->sm.input};
    static const char *const tyname[] = {"weight", "rweight", "bias", "accum", "state", "result", "table", "rbias",
                                         "sm_accum", "sm_inv_inp", "sm_input"};
    for (int i = 0; i < 11; i++) {
        fprintf(f, "    .%s_type = ", tyname[i]);
        type_init(f, *ty[i]);
        fprintf(f, ",\n");
    }
    int64_t *zeros = xcalloc((size_t)gu + 1, sizeof *zeros);
    const char *rows = l->gates == 4 ? "gates i, f, c, o" : l->gates == 3 ? "gates z, r, h" : "outputs";
    if (weighted) {
        fprintf(f, "    /* kernel: one row per output (%s, %d each), one column per input */\n    .kernel =", rows, l->units);
        emit_transposed(f, l->qkernel, l->in_feat, gu);
        fprintf(f, "    .bias =\n");
        emit_values(f, "    ", l->qbias ? l->qbias : zeros, gu, 1);
        fprintf(f, ",\n");
    }
    if (rec) {
        fprintf(f, "    /* rkernel: the recurrent kernel, one row per output, one column per unit */\n    .rkernel =");
        emit_transposed(f, l->qrkernel, l->units, gu);
        fprintf(f, "    /* rbias: the recurrent bias (GRU reset_after; else zeros) */\n    .rbias =\n");
        emit_values(f, "    ", l->qrbias ? l->qrbias : zeros, gu, 1);
        fprintf(f, ",\n");
    }
    free(zeros);
    for (int i = 0; i < nt; i++) {
        const Table *t = tabs[i].t;
        fprintf(f, "    /* %s table: %d entries, index = trunc0(x * 2^%d) + %d */\n    .%s =\n", tabs[i].field, t->n,
                t->scale_shift, t->offset, tabs[i].field);
        emit_values(f, "    ", t->entries, t->n, 1);
        fprintf(f, ",\n    .%s_table = {%d, %d, %d, %d},\n", tabs[i].field, t->n, t->scale_shift, t->offset, fx_frac(t->out));
    }
    fprintf(f, "};\n\n");
}

/* 1 when cast_accum(x * w) is in the accumulator's range for every weight w of the matrix (n raw
 * values) and every raw x of type xt: then the overflow step of the cast changes nothing. */
static int products_in_range(const int64_t *w, size_t n, FxType xt, FxType wt, FxType accum)
{
    if (!accum.sgn) return 0;
    wide_t wmax = 0, xmax = xt.sgn ? (wide_t)1 << (xt.w - 1) : ((wide_t)1 << xt.w) - 1;
    for (size_t i = 0; w && i < n; i++) {
        wide_t a = w[i] < 0 ? -(wide_t)w[i] : (wide_t)w[i];
        if (a > wmax) wmax = a;
    }
    int d = fx_frac(accum) - fx_frac(xt) - fx_frac(wt);
    wide_t p = xmax * wmax; /* <= 2^126 */
    if (d > 0 && p >= ((wide_t)1 << (126 - d))) return 0; /* p * 2^d would overflow wide_t */
    wide_t q = d >= 0 ? p * ((wide_t)1 << d) : (p >> -d) + 1; /* + 1: any rounding up */
    return q <= fx_max_raw(accum) && -q > fx_min_raw(accum); /* > : AP_SAT_SYM keeps -max */
}

/* The C expression of activation a of layer l (p: its params) on variable v with `frac`
 * fractional bits, a raw of layer_gate_type(l). */
static void act_expr(char *buf, size_t len, const Layer *l, ActKind a, const char *v, const char *frac)
{
    const char *out = gates_in_accum(l) ? "p->accum_type" : "p->result_type";
    switch (a) {
    case ACT_LINEAR: snprintf(buf, len, "rnnc_cast(%s, %s, %s)", v, frac, out); return;
    case ACT_RELU: snprintf(buf, len, "rnnc_cast(%s > 0 ? %s : 0, %s, %s)", v, v, frac, out); return;
    case ACT_SIGMOID: snprintf(buf, len, "rnnc_lookup(p->sigmoid, p->sigmoid_table, %s, %s)", v, frac); return;
    case ACT_TANH: snprintf(buf, len, "rnnc_lookup(p->tanh, p->tanh_table, %s, %s)", v, frac); return;
    case ACT_HARD_SIGMOID:
        snprintf(buf, len, "rnnc_lookup(p->hard_sigmoid, p->hard_sigmoid_table, %s, %s)", v, frac);
        return;
    case ACT_SOFTMAX: break;
    }
    BUG("%s is not an elementwise activation", act_name(a));
}

static void fn_open(FILE *f, const Layer *l, const char *what, int xfrac)
{
    fprintf(f, "/* %s: %s */\nstatic void %s_layer(const rnnc_raw *x, rnnc_raw *y)\n{\n", l->name, what, l->name);
    fprintf(f, "    const struct %s_params *p = &%s_params;\n", l->name, l->name);
    if (l->kind == L_ACTIVATION)
        fprintf(f, "    const int fx = %d; /* the input's fractional bits */\n", xfrac);
    else
        fprintf(f, "    const int fx = %d, fa = p->accum_type.frac; /* fx: the input's fractional bits */\n", xfrac);
}

static const char *softmax_call = "rnnc_softmax(%s, %d, %s, p->exp, p->exp_table, p->inv, p->inv_table, p->result_type, e, %s);\n";

static void emit_dense_fn(FILE *f, const Layer *l, int steps, FxType xt)
{
    char what[160], a[200];
    snprintf(what, sizeof what, "Dense(%d, %s) on %d step(s) of %d", l->units, act_name(l->act), steps, l->in_feat);
    fn_open(f, l, what, fx_frac(xt));
    int u = l->units, nf = l->in_feat;
    fprintf(f, "    for (int s = 0; s < %d; s++) {\n", steps);
    fprintf(f, "        const rnnc_raw *in = x + s * %d;\n        rnnc_raw *out = y + s * %d;\n", nf, u);
    bool sm = l->act == ACT_SOFTMAX;
    if (sm && l->numerics == NUM_HLS4ML && l->softmax_impl == SM_LEGACY) /* no scratch */
        fprintf(f, "        rnnc_raw acc[%d];\n", u);
    else if (sm)
        fprintf(f, "        rnnc_raw acc[%d], e[%d];\n", u, u);
    fprintf(f, "        for (int j = 0; j < %d; j++) {\n", u);
    if (hls4ml_sat_order(l))
        fprintf(f, "            %s = rnnc_affine_hls(p->bias[j], p->bias_type.frac, in, %d, fx, p->kernel[j], "
                   "p->weight_type.frac,\n                                     p->accum_type);\n", sm ? "acc[j]" : "rnnc_raw acc", nf);
    else
        fprintf(f, "            %s = rnnc_affine(p->bias[j], p->bias_type.frac, in, %d, fx, p->kernel[j], "
                   "p->weight_type.frac,\n                                 p->accum_type, %d);\n", sm ? "acc[j]" : "rnnc_raw acc", nf,
                products_in_range(l->qkernel, (size_t)nf * (size_t)u, xt, l->ty.weight, l->ty.accum));
    if (!sm) {
        act_expr(a, sizeof a, l, l->act, "acc", "fa");
        fprintf(f, "            out[j] = %s;\n", a);
    }
    fprintf(f, "        }\n");
    if (sm && l->numerics == NUM_HLS4ML) {
        fprintf(f, "        for (int j = 0; j < %d; j++) acc[j] = rnnc_cast(acc[j], fa, p->sm_input_type);\n", u);
        if (l->softmax_impl == SM_LEGACY)
            fprintf(f, "        rnnc_softmax_hls_legacy(acc, %d, p->sm_input_type.frac, p->exp, p->exp_table, p->inv, "
                       "p->inv_table,\n                                p->table_type, %lld, out);\n",
                    u, (long long)hls_legacy_one(l));
        else
            fprintf(f, "        rnnc_softmax_hls(acc, %d, p->sm_input_type.frac, %d, %d, p->exp, p->exp_table, p->inv, "
                       "p->inv_table,\n                         p->sm_accum_type, p->sm_inv_inp_type, p->result_type, %d, e, "
                       "out);\n",
                    u, l->sm.input.w, l->softmax_impl == SM_STABLE, hls4ml_softmax_sat_order(l));
    } else if (sm) {
        fprintf(f, "        ");
        fprintf(f, softmax_call, "acc", u, "fa", "out");
    }
    fprintf(f, "    }\n}\n\n");
}

static void emit_activation_fn(FILE *f, const Layer *l, int steps, int feat, int xfrac)
{
    char what[160], a[200];
    snprintf(what, sizeof what, "activation %s on %d step(s) of %d", act_name(l->act), steps, feat);
    fn_open(f, l, what, xfrac);
    if (l->act == ACT_SOFTMAX) {
        char xs[32], ys[32];
        snprintf(xs, sizeof xs, "x + s * %d", feat);
        snprintf(ys, sizeof ys, "y + s * %d", feat);
        fprintf(f, "    rnnc_raw e[%d];\n    for (int s = 0; s < %d; s++)\n        ", feat, steps);
        fprintf(f, softmax_call, xs, feat, "fx", ys);
    } else {
        act_expr(a, sizeof a, l, l->act, "x[k]", "fx");
        fprintf(f, "    for (int k = 0; k < %d; k++) y[k] = %s;\n", steps * feat, a);
    }
    fprintf(f, "}\n\n");
}

/* pre[k] = cast_A(xw + h . rkernel[k]) for k in [from, to); hls4ml's order (sat): h . rkernel[k]
 * summed as its dense does, then added to xw */
static void emit_pre(FILE *f, int from, int to, int u, const char *hv, bool sat)
{
    fprintf(f, "        for (int k = %d; k < %d; k++)\n", from, to);
    if (sat) {
        fprintf(f, "            pre[k] = rnnc_cast((rnnc_wide)xw[k] + rnnc_affine_hls(0, 0, %s, %d, fr, p->rkernel[k], "
                   "p->rweight_type.frac, p->accum_type),\n                               fa, p->accum_type);\n", hv, u);
        return;
    }
    fprintf(f, "            pre[k] = rnnc_cast(xw[k] + rnnc_dot(%s, %d, fr, p->rkernel[k], p->rweight_type.frac, p->accum_type,\n"
               "                                                     rkernel_in_range), fa,\n"
               "                               p->accum_type);\n", hv, u);
}

static void emit_lstm_body(FILE *f, const Layer *l)
{
    int u = l->units, fr = fx_frac(l->ty.result), fs = fx_frac(l->ty.state);
    int fm = fr + fs > 2 * fr ? fr + fs : 2 * fr;
    char ig[200], fg[200], cg[200], og[200], hc[200];
    act_expr(ig, sizeof ig, l, l->ract, "pre[j]", "fa");
    act_expr(fg, sizeof fg, l, l->ract, "pre[j + U]", "fa");
    act_expr(cg, sizeof cg, l, l->act, "pre[j + 2 * U]", "fa");
    act_expr(og, sizeof og, l, l->ract, "pre[j + 3 * U]", "fa");
    act_expr(hc, sizeof hc, l, l->act, "c[j]", "fs");
    emit_pre(f, 0, 4 * u, u, "h", hls4ml_sat_order(l));
    fprintf(f, "        for (int j = 0; j < U; j++) {\n");
    fprintf(f, "            rnnc_raw i = %s;\n            rnnc_raw fg = %s;\n", ig, fg);
    fprintf(f, "            rnnc_raw cc = %s;\n            rnnc_raw o = %s;\n", cg, og);
    fprintf(f, "            /* c = cast_state(f * c + i * cc), both products exact at %d fractional bits */\n", fm);
    fprintf(f, "            rnnc_wide sum = rnnc_align((rnnc_wide)fg * c[j], fr + fs, %d) + rnnc_align((rnnc_wide)i * cc, 2 * fr, %d);\n", fm, fm);
    fprintf(f, "            c[j] = rnnc_cast(sum, %d, p->state_type);\n", fm);
    fprintf(f, "            h[j] = rnnc_cast((rnnc_wide)o * %s, 2 * fr, p->result_type);\n        }\n", hc);
}

static void emit_gru_body(FILE *f, const Layer *l)
{
    int u = l->units;
    char a[200];
    if (l->reset_after) {
        fprintf(f, "        for (int k = 0; k < %d; k++) { /* z, r: pre-activations; h block: the recurrent part alone */\n", 3 * u);
        if (hls4ml_sat_order(l))
            fprintf(f, "            rnnc_wide hu = rnnc_affine_hls(p->rbias[k], p->rbias_type.frac, h, U, fr, p->rkernel[k],\n"
                       "                                           p->rweight_type.frac, p->accum_type);\n");
        else
            fprintf(f, "            rnnc_wide hu = rnnc_cast(p->rbias[k], p->rbias_type.frac, p->accum_type) +\n"
                       "                           rnnc_dot(h, U, fr, p->rkernel[k], p->rweight_type.frac, p->accum_type, rkernel_in_range);\n");
        fprintf(f, "            pre[k] = rnnc_cast(k < %d ? xw[k] + hu : hu, fa, p->accum_type);\n        }\n", 2 * u);
    } else {
        emit_pre(f, 0, 2 * u, u, "h", hls4ml_sat_order(l));
    }
    act_expr(a, sizeof a, l, l->ract, "pre[j]", "fa");
    fprintf(f, "        for (int j = 0; j < %d; j++) gate[j] = %s;\n", 2 * u, a);
    act_expr(a, sizeof a, l, l->act, "phh", "fa");
    if (l->reset_after) {
        fprintf(f, "        for (int j = 0; j < U; j++) {\n");
        fprintf(f, "            rnnc_raw rhu = rnnc_cast((rnnc_wide)gate[U + j] * pre[2 * U + j], %s + fa, p->accum_type);\n",
                gates_in_accum(l) ? "fa" : "fr");
        fprintf(f, "            rnnc_raw phh = rnnc_cast((rnnc_wide)xw[2 * U + j] + rhu, fa, p->accum_type);\n");
    } else {
        fprintf(f, "        for (int j = 0; j < U; j++) rh[j] = rnnc_cast((rnnc_wide)gate[U + j] * h[j], 2 * fr, p->result_type);\n");
        fprintf(f, "        for (int j = 0; j < U; j++) {\n");
        fprintf(f, "            rnnc_raw phh = rnnc_cast(xw[2 * U + j] + rnnc_dot(rh, U, fr, p->rkernel[2 * U + j], p->rweight_type.frac,\n"
                   "                                                               p->accum_type, rkernel_in_range), fa, p->accum_type);\n");
    }
    fprintf(f, "            gate[2 * U + j] = %s;\n        }\n", a);
    if (gates_in_accum(l)) { /* hls4ml: z and hh in accum, both products aligned to fm bits */
        int fa = fx_frac(l->ty.accum), fr = fx_frac(l->ty.result), fm = imax(2 * fa, fr + fa);
        fprintf(f, "        for (int j = 0; j < U; j++) { /* h = cast_result(hh * (1 - z) + h * z), gates in accum */\n");
        fprintf(f, "            rnnc_wide z = gate[j], one = (rnnc_wide)1 << fa;\n");
        fprintf(f, "            h[j] = rnnc_cast(rnnc_align((one - z) * gate[2 * U + j], 2 * fa, %d) + rnnc_align(z * h[j], fr + fa, %d),\n"
                   "                             %d, p->result_type);\n        }\n", fm, fm, fm);
        return;
    }
    fprintf(f, "        for (int j = 0; j < U; j++) { /* h = cast_result(z * h + (1 - z) * hh) */\n");
    fprintf(f, "            rnnc_wide z = gate[j], one = (rnnc_wide)1 << fr;\n");
    fprintf(f, "            h[j] = rnnc_cast(z * h[j] + (one - z) * gate[2 * U + j], 2 * fr, p->result_type);\n        }\n");
}

static void emit_recurrent_fn(FILE *f, const Layer *l, FxType xt)
{
    static const char *const kinds[] = {[L_LSTM] = "LSTM", [L_GRU] = "GRU", [L_SIMPLE_RNN] = "SimpleRNN"};
    char what[200], a[200];
    int u = l->units, gu = l->gates * u, T = l->in_steps, nf = l->in_feat;
    snprintf(what, sizeof what, "%s(%d, %s%s%s%s) on %d steps of %d%s%s", kinds[l->kind], u, act_name(l->act),
             l->kind == L_SIMPLE_RNN ? "" : ", ", l->kind == L_SIMPLE_RNN ? "" : act_name(l->ract),
             l->kind == L_GRU ? (l->reset_after ? ", reset_after" : ", reset_after=False") : "", T, nf,
             l->go_backwards ? ", backwards" : "", l->return_sequences ? ", returns the sequence" : "");
    fn_open(f, l, what, fx_frac(xt));
    fprintf(f, "    enum { U = %d };\n", u);
    fprintf(f, "    const int kernel_in_range = %d, rkernel_in_range = %d; /* see rnnc_dot */\n",
            products_in_range(l->qkernel, (size_t)nf * (size_t)gu, xt, l->ty.weight, l->ty.accum),
            products_in_range(l->qrkernel, (size_t)u * (size_t)gu, l->ty.result, l->ty.rweight, l->ty.accum));
    fprintf(f, "    const int fr = p->result_type.frac;\n");
    if (hls4ml_sat_order(l)) fprintf(f, "    (void)kernel_in_range; /* hls4ml's order sums without rnnc_dot */\n    (void)rkernel_in_range;\n");
    fprintf(f, "    rnnc_raw h[U] = {0}, xw[%d], pre[%d];\n", gu, gu);
    if (l->kind == L_LSTM) fprintf(f, "    const int fs = p->state_type.frac;\n    rnnc_raw c[U] = {0};\n");
    if (l->kind == L_GRU) fprintf(f, "    rnnc_raw gate[%d];\n", gu);
    if (l->kind == L_GRU && !l->reset_after) fprintf(f, "    rnnc_raw rh[U];\n");
    fprintf(f, "    for (int s = 0; s < %d; s++) {\n", T);
    if (l->go_backwards) fprintf(f, "        const rnnc_raw *in = x + (%d - s) * %d;\n", T - 1, nf);
    else fprintf(f, "        const rnnc_raw *in = x + s * %d;\n", nf);
    fprintf(f, "        for (int k = 0; k < %d; k++)\n", gu);
    if (hls4ml_sat_order(l))
        fprintf(f, "            xw[k] = rnnc_affine_hls(p->bias[k], p->bias_type.frac, in, %d, fx, p->kernel[k], "
                   "p->weight_type.frac,\n                                    p->accum_type);\n", nf);
    else
        fprintf(f, "            xw[k] = rnnc_affine(p->bias[k], p->bias_type.frac, in, %d, fx, p->kernel[k], p->weight_type.frac,\n"
                   "                                p->accum_type, kernel_in_range);\n", nf);
    switch (l->kind) {
    case L_SIMPLE_RNN:
        emit_pre(f, 0, u, u, "h", false);
        act_expr(a, sizeof a, l, l->act, "pre[j]", "fa");
        fprintf(f, "        for (int j = 0; j < U; j++) h[j] = %s;\n", a);
        break;
    case L_LSTM: emit_lstm_body(f, l); break;
    case L_GRU: emit_gru_body(f, l); break;
    default: BUG("layer %s is not recurrent", l->name);
    }
    if (l->return_sequences) fprintf(f, "        for (int j = 0; j < U; j++) y[s * U + j] = h[j];\n");
    fprintf(f, "    }\n");
    if (!l->return_sequences) fprintf(f, "    for (int j = 0; j < U; j++) y[j] = h[j];\n");
    fprintf(f, "}\n\n");
}

/* A bidirectional: both directions' functions, then its own, which runs them on the same input
 * and merges (docs/numerics.md; the backward outputs of a sequence back in timestep order). */
static void emit_bidirectional_fn(FILE *f, const Layer *l, FxType xt)
{
    static const char *const modes[] = {"sum", "mul", "ave", "concat"};
    const Layer *fw = l->dir[0], *bw = l->dir[1];
    for (int d = 0; d < 2; d++) {
        emit_params(f, l->dir[d]);
        emit_recurrent_fn(f, l->dir[d], xt);
    }
    int S = l->return_sequences ? l->in_steps : 1, uf = fw->units, ub = bw->units;
    int ff = fx_frac(fw->ty.result), fb = fx_frac(bw->ty.result), fm = imax(ff, fb);
    fprintf(f, "/* %s: Bidirectional(%s) of %s_fwd and %s_bwd */\nstatic void %s_layer(const rnnc_raw *x, rnnc_raw *y)\n{\n",
            l->name, modes[l->merge], l->name, l->name, l->name);
    fprintf(f, "    const struct %s_params *p = &%s_params;\n", l->name, l->name);
    fprintf(f, "    rnnc_raw fo[%d], bo[%d];\n    %s_fwd_layer(x, fo);\n    %s_bwd_layer(x, bo);\n", S * uf, S * ub,
            l->name, l->name);
    fprintf(f, "    for (int s = 0; s < %d; s++) {\n", S);
    fprintf(f, "        const rnnc_raw *a = fo + s * %d, *b = bo + (%d - s) * %d;\n", uf, S - 1, ub);
    fprintf(f, "        rnnc_raw *out = y + s * %d;\n", l->units);
    switch (l->merge) {
    case MERGE_CONCAT:
        fprintf(f, "        for (int j = 0; j < %d; j++) out[j] = rnnc_cast(a[j], %d, p->result_type);\n", uf, ff);
        fprintf(f, "        for (int j = 0; j < %d; j++) out[%d + j] = rnnc_cast(b[j], %d, p->result_type);\n", ub, uf, fb);
        break;
    case MERGE_MUL:
        fprintf(f, "        for (int j = 0; j < %d; j++) out[j] = rnnc_cast((rnnc_wide)a[j] * b[j], %d, p->result_type);\n",
                uf, ff + fb);
        break;
    default: /* sum; ave: the same sum read with one more fractional bit */
        fprintf(f, "        for (int j = 0; j < %d; j++)\n", uf);
        fprintf(f, "            out[j] = rnnc_cast(rnnc_align(a[j], %d, %d) + rnnc_align(b[j], %d, %d), %d, p->result_type);\n",
                ff, fm, fb, fm, l->merge == MERGE_AVE ? fm + 1 : fm);
        break;
    }
    fprintf(f, "    }\n}\n\n");
}

/* ---- the walk over the layers (emulate.c's run_layers), the public functions ---- */

typedef struct {
    char up[RNNC_NAME_MAX];     /* NAME in upper case, for macros */
    int in_n, out_n, out_steps;
    int max_n;                  /* the largest activation, elements */
} RefShape;

static void emit_layers(FILE *f, const Model *m, RefShape *sh)
{
    FxType t = m->input_type;
    int steps = m->timesteps, feat = m->features;
    sh->max_n = steps * feat;
    for (int i = 0; i < m->n_layers; i++) {
        const Layer *l = &m->layers[i];
        if (l->kind == L_FLATTEN) { feat *= steps; steps = 1; continue; }
        if (l->kind == L_DROPOUT) continue;
        emit_params(f, l);
        switch (l->kind) {
        case L_DENSE: emit_dense_fn(f, l, steps, t); feat = l->units; break;
        case L_ACTIVATION: emit_activation_fn(f, l, steps, feat, fx_frac(t)); break;
        case L_BIDIRECTIONAL:
            emit_bidirectional_fn(f, l, t);
            feat = l->units;
            if (!l->return_sequences) steps = 1;
            break;
        default:
            emit_recurrent_fn(f, l, t);
            feat = l->units;
            if (!l->return_sequences) steps = 1;
            break;
        }
        t = l->ty.result;
        if (steps * feat > sh->max_n) sh->max_n = steps * feat;
    }
    if (steps * feat != sh->out_n * sh->out_steps)
        BUG("reference model: %d x %d outputs, the model has %d x %d", steps, feat, sh->out_steps, sh->out_n);
}

static void emit_run(FILE *f, const Model *m, const RefShape *sh)
{
    const char *nm = m->name;
    FxType t = m->input_type;
    fprintf(f, "static const rnnc_type rnnc_input_type = ");
    type_init(f, m->input_type);
    fprintf(f, ", rnnc_output_type = ");
    type_init(f, m->out_type);
    fprintf(f, ";\n\n");
    fprintf(f, "void %s_ref_run(const %s_in_t in[%d][%d], %s_out_t out[%d])\n{\n", nm, nm, m->timesteps, m->features,
            nm, sh->out_n * sh->out_steps);
    fprintf(f, "    rnnc_raw a[%d], b[%d];\n", sh->max_n, sh->max_n);
    fprintf(f, "    for (int t = 0; t < %d; t++)\n        for (int k = 0; k < %d; k++) a[t * %d + k] = in[t][k];\n",
            m->timesteps, m->features, m->features);
    const char *cur = "a", *other = "b";
    for (int i = 0; i < m->n_layers; i++) {
        const Layer *l = &m->layers[i];
        if (l->kind == L_FLATTEN || l->kind == L_DROPOUT) {
            fprintf(f, "    /* %s: %s, nothing to compute */\n", l->name, layer_kind_name(l->kind));
            continue;
        }
        fprintf(f, "    %s_layer(%s, %s);\n", l->name, cur, other);
        const char *x = cur;
        cur = other;
        other = x;
        t = l->ty.result;
    }
    int n = sh->out_n * sh->out_steps;
    if (fx_equal(t, m->out_type))
        fprintf(f, "    for (int k = 0; k < %d; k++) out[k] = (%s_out_t)%s[k];\n}\n\n", n, nm, cur);
    else
        fprintf(f, "    for (int k = 0; k < %d; k++) out[k] = (%s_out_t)rnnc_cast(%s[k], %d, rnnc_output_type);\n}\n\n", n,
                nm, cur, fx_frac(t));
}

static void emit_conversions(FILE *f, const Model *m, const RefShape *sh)
{
    const char *nm = m->name;
    fprintf(f, "%s_in_t %s_ref_input(double x) { return (%s_in_t)rnnc_from_double(x, rnnc_input_type); }\n\n", nm, nm, nm);
    fprintf(f, "double %s_ref_output(%s_out_t raw) { return ldexp((double)raw, -rnnc_output_type.frac); }\n\n", nm, nm);
    fprintf(f, "void %s_ref_run_double(const double in[%d][%d], double out[%d])\n{\n", nm, m->timesteps, m->features,
            sh->out_n * sh->out_steps);
    fprintf(f, "    %s_in_t q[%d][%d];\n    %s_out_t r[%d];\n", nm, m->timesteps, m->features, nm, sh->out_n * sh->out_steps);
    fprintf(f, "    for (int t = 0; t < %d; t++)\n        for (int k = 0; k < %d; k++) q[t][k] = %s_ref_input(in[t][k]);\n",
            m->timesteps, m->features, nm);
    fprintf(f, "    %s_ref_run((const %s_in_t (*)[%d])q, r);\n", nm, nm, m->features);
    fprintf(f, "    for (int k = 0; k < %d; k++) out[k] = %s_ref_output(r[k]);\n}\n", sh->out_n * sh->out_steps, nm);
}

static const char *base_name(const char *path)
{
    const char *b = strrchr(path, '/');
    return b ? b + 1 : path;
}

/* the model file's name for a comment: printable, no comment terminator */
static void comment_safe(char *dst, const char *src, size_t len)
{
    size_t i = 0;
    for (; src[i] && i + 1 < len; i++) dst[i] = src[i] >= 32 && src[i] < 127 && src[i] != '*' ? src[i] : '?';
    dst[i] = 0;
}

static void emit_header_file(const Model *m, const RefShape *sh, const char *dir, const char *from)
{
    const char *nm = m->name, *up = sh->up;
    char rel[300], ti[64], to[64];
    snprintf(rel, sizeof rel, "model/%s_ref.h", nm);
    FILE *f = xfopen_w(dir, rel);
    fx_format(m->input_type, ti, sizeof ti);
    fx_format(m->out_type, to, sizeof to);
    fprintf(f, "/* %s_ref.h: a bit-exact C reference model of the rnnc design %s.\n", nm, nm);
    fprintf(f, " * Generated by rnnc %s from %s; plain C99, no dependency on rnnc.\n *\n", RNNC_VERSION, from);
    fprintf(f, " * %s_ref_run computes what the core %s streams out, bit for bit: one sequence of %d input\n"
               " * beats (in[t] is beat t, in[t][0] in its lowest bits) gives %d output beat(s) of %d values\n"
               " * (out[b * %d + k] is value k of beat b). Values are raw fixed-point integers:\n",
            nm, nm, m->timesteps, sh->out_steps, sh->out_n, sh->out_n);
    fprintf(f, " *   input  %s: value = raw * 2^-%d\n *   output %s: value = raw * 2^-%d\n",
            ti, fx_frac(m->input_type), to, fx_frac(m->out_type));
    fprintf(f, " * %s_ref_input quantizes a real number as rnnc does (input files, --emulate);\n"
               " * %s_ref_output gives the real value of an output. Build: cc -std=c99 -O2 -c %s_ref.c\n"
               " * (link with -lm). The functions keep no state and may run in parallel. */\n", nm, nm, nm);
    fprintf(f, "#ifndef %s_REF_H\n#define %s_REF_H\n\n#include <stdint.h>\n\n", up, up);
    fprintf(f, "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n");
    fprintf(f, "#define %s_REF_TIMESTEPS %d /* input beats per sequence */\n", up, m->timesteps);
    fprintf(f, "#define %s_REF_FEATURES %d  /* values per input beat */\n", up, m->features);
    fprintf(f, "#define %s_REF_OUT_BEATS %d /* output beats per sequence */\n", up, sh->out_steps);
    fprintf(f, "#define %s_REF_OUTPUTS %d   /* values per output beat */\n", up, sh->out_n);
    fprintf(f, "#define %s_REF_IN_FRAC %d   /* fractional bits of an input */\n", up, fx_frac(m->input_type));
    fprintf(f, "#define %s_REF_OUT_FRAC %d  /* fractional bits of an output */\n\n", up, fx_frac(m->out_type));
    fprintf(f, "typedef %s %s_in_t;  /* %s */\ntypedef %s %s_out_t; /* %s */\n\n", c_int_type(m->input_type), nm, ti,
            c_int_type(m->out_type), nm, to);
    int no = sh->out_n * sh->out_steps;
    fprintf(f, "void %s_ref_run(const %s_in_t in[%d][%d], %s_out_t out[%d]);\n", nm, nm, m->timesteps, m->features, nm, no);
    fprintf(f, "%s_in_t %s_ref_input(double x);\ndouble %s_ref_output(%s_out_t raw);\n", nm, nm, nm, nm);
    fprintf(f, "/* the same on real numbers: inputs quantized by %s_ref_input, outputs by %s_ref_output */\n", nm, nm);
    fprintf(f, "void %s_ref_run_double(const double in[%d][%d], double out[%d]);\n\n", nm, m->timesteps, m->features, no);
    fprintf(f, "#ifdef __cplusplus\n}\n#endif\n\n#endif\n");
    xfclose(f);
}

/* a small program around the model: an input file in, outputs printed like rnnc --emulate */
static void emit_main_file(const Model *m, const RefShape *sh, const char *dir)
{
    const char *nm = m->name, *up = sh->up;
    char rel[300];
    snprintf(rel, sizeof rel, "model/%s_ref_main.c", nm);
    FILE *f = xfopen_w(dir, rel);
    fprintf(f, "/* %s_ref_main.c: generated by rnnc %s. Runs the reference model of %s on an input file and\n"
               " * prints the outputs like `rnnc --emulate`: one line per sequence.\n"
               " *   cc -std=c99 -O2 %s_ref.c %s_ref_main.c -lm -o %s_ref && ./%s_ref IN.txt\n"
               " * IN.txt: one sequence per line, %d x %d numbers (timestep-major), separated by spaces,\n"
               " * tabs or commas; '#' starts a comment. */\n", nm, RNNC_VERSION, nm, nm, nm, nm, nm, m->timesteps, m->features);
    fprintf(f, "#include \"%s_ref.h\"\n\n#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n\n", nm);
    fprintf(f, "enum { T = %s_REF_TIMESTEPS, F = %s_REF_FEATURES, N = %s_REF_OUT_BEATS * %s_REF_OUTPUTS };\n\n", up, up, up, up);
    fprintf(f, "/* one line (comment cut): 1 with in filled, 0 for a blank line, -1 for a bad line */\n"
               "static int parse_line(char *line, %s_in_t in[T][F])\n{\n", nm);
    fprintf(f, "    char *p = line, *end;\n    int n = 0;\n    line[strcspn(line, \"#\")] = 0;\n"
               "    for (;;) {\n"
               "        while (*p == ' ' || *p == '\\t' || *p == ',' || *p == '\\r' || *p == '\\v' || *p == '\\f') p++;\n"
               "        if (!*p) break;\n"
               "        double x = strtod(p, &end);\n"
               "        if (end == p || n == T * F) return -1;\n"
               "        in[n / F][n %% F] = %s_ref_input(x);\n"
               "        n++;\n        p = end;\n    }\n"
               "    return n == 0 ? 0 : n == T * F ? 1 : -1;\n}\n\n", nm);
    fprintf(f, "int main(int argc, char **argv)\n{\n"
               "    FILE *fp = argc > 1 ? fopen(argv[1], \"r\") : stdin;\n"
               "    if (!fp) { perror(argv[1]); return 2; }\n"
               "    size_t cap = 1 << 16, len = 0;\n    char *buf = malloc(cap);\n    int c, lineno = 0;\n"
               "    %s_in_t in[T][F];\n    %s_out_t out[N];\n", nm, nm);
    fprintf(f, "    while (buf) {\n"
               "        c = getc(fp);\n"
               "        if (c != '\\n' && c != EOF) {\n"
               "            if (len + 1 == cap) buf = realloc(buf, cap *= 2);\n"
               "            if (buf) buf[len++] = (char)c;\n            continue;\n        }\n"
               "        buf[len] = 0;\n        lineno++;\n"
               "        int r = parse_line(buf, in);\n"
               "        if (r < 0) { fprintf(stderr, \"line %%d: expected %%d numbers\\n\", lineno, T * F); return 2; }\n"
               "        if (r > 0) {\n"
               "            %s_ref_run((const %s_in_t (*)[F])in, out);\n"
               "            for (int k = 0; k < N; k++) printf(\"%%s%%.17g\", k ? \" \" : \"\", %s_ref_output(out[k]));\n"
               "            printf(\"\\n\");\n        }\n"
               "        len = 0;\n        if (c == EOF) break;\n    }\n", nm, nm, nm);
    fprintf(f, "    if (!buf) { fprintf(stderr, \"out of memory\\n\"); return 2; }\n    free(buf);\n    return 0;\n}\n");
    xfclose(f);
}

static void emit_cocotb(const Model *m, const RefShape *sh, const char *dir);

void emit_ref(const Model *m, const char *dir)
{
    RefShape sh = {.out_n = m->out_feat, .out_steps = m->out_seq ? m->out_steps : 1};
    upper(sh.up, m->name, sizeof sh.up);
    char from[200], rel[300];
    comment_safe(from, base_name(m->path), sizeof from);
    snprintf(rel, sizeof rel, "model/%s_ref.c", m->name);
    FILE *f = xfopen_w(dir, rel);
    fprintf(f, "/* %s_ref.c: a bit-exact C reference model of the rnnc design %s (see %s_ref.h).\n", m->name, m->name, m->name);
    fprintf(f, " * Generated by rnnc %s from %s. The arithmetic of docs/numerics.md specialised to this\n"
               " * model: every value a raw integer of a fixed-point type, every cast where the RTL casts. */\n",
            RNNC_VERSION, from);
    fprintf(f, "#include \"%s_ref.h\"\n\n#include <math.h>\n#include <stdint.h>\n\n", m->name);
    /* the model's code first (into memory), so that only the helpers it calls are written */
    FILE *mt = tmpfile();
    if (!mt) user_error(dir, "cannot create a temporary file");
    emit_layers(mt, m, &sh);
    emit_run(mt, m, &sh);
    emit_conversions(mt, m, &sh);
    long n = ftell(mt);
    char *text = xcalloc((size_t)n + 1, 1);
    rewind(mt);
    if (n < 0 || fread(text, 1, (size_t)n, mt) != (size_t)n) user_error(dir, "cannot read back a temporary file");
    fclose(mt);
    emit_arith(f, m, text);
    fprintf(f, "/* ---- the layers of %s ---- */\n\n", m->name);
    fputs(text, f);
    free(text);
    xfclose(f);
    emit_header_file(m, &sh, dir, from);
    emit_main_file(m, &sh, dir);
    emit_cocotb(m, &sh, dir);
}

/* ---- DIR/sim/cocotb/: a cocotb testbench that checks the core against the reference model ---- */

static const char *ctype_of(FxType t)
{
    /* the ctypes twin of c_int_type (the header's NAME_in_t, NAME_out_t) */
    if (t.sgn) return t.w <= 8 ? "c_int8" : t.w <= 16 ? "c_int16" : t.w <= 32 ? "c_int32" : "c_int64";
    return t.w <= 8 ? "c_uint8" : t.w <= 16 ? "c_uint16" : t.w <= 32 ? "c_uint32" : "c_uint64";
}

static const char *const cocotb_test_text =
    "import ctypes\n"
    "import logging\n"
    "import os\n"
    "import random\n"
    "\n"
    "import cocotb\n"
    "from cocotb.clock import Clock\n"
    "from cocotb.triggers import ClockCycles, with_timeout\n"
    "from cocotbext.axi import AxiStreamBus, AxiStreamFrame, AxiStreamSink, AxiStreamSource\n"
    "\n"
    "HERE = os.path.dirname(os.path.abspath(__file__))\n"
    "IN_T = getattr(ctypes, IN_CTYPE) * FEATURES * TIMESTEPS\n"
    "OUT_T = getattr(ctypes, OUT_CTYPE) * (OUT_BEATS * OUTPUTS)\n"
    "\n"
    "\n"
    "def load_reference():\n"
    "    \"\"\"The C reference model (built by the Makefile from model/NAME_ref.c) through ctypes.\"\"\"\n"
    "    lib = ctypes.CDLL(os.environ.get(\"RNNC_REF_LIB\", os.path.join(HERE, \"lib\" + NAME + \"_ref.so\")))\n"
    "    run = getattr(lib, NAME + \"_ref_run\")\n"
    "    run.argtypes = [ctypes.POINTER(IN_T), ctypes.POINTER(OUT_T)]\n"
    "    run.restype = None\n"
    "    quantize = getattr(lib, NAME + \"_ref_input\")\n"
    "    quantize.argtypes = [ctypes.c_double]\n"
    "    quantize.restype = getattr(ctypes, IN_CTYPE)\n"
    "\n"
    "    def reference(seq):\n"
    "        \"\"\"raw inputs [T][F] -> raw outputs, one list of OUTPUTS per output beat\"\"\"\n"
    "        x, y = IN_T(), OUT_T()\n"
    "        for t in range(TIMESTEPS):\n"
    "            for k in range(FEATURES):\n"
    "                x[t][k] = seq[t][k]\n"
    "        run(ctypes.byref(x), ctypes.byref(y))\n"
    "        return [list(y[b * OUTPUTS:(b + 1) * OUTPUTS]) for b in range(OUT_BEATS)]\n"
    "\n"
    "    return reference, quantize\n"
    "\n"
    "\n"
    "def pack(values, width):\n"
    "    \"\"\"raw values -> one tdata word, value 0 in the lowest bits\"\"\"\n"
    "    word = 0\n"
    "    for k, v in enumerate(values):\n"
    "        word |= (v & ((1 << width) - 1)) << (k * width)\n"
    "    return word\n"
    "\n"
    "\n"
    "def unpack(word, n, width, signed):\n"
    "    out = []\n"
    "    for k in range(n):\n"
    "        v = (int(word) >> (k * width)) & ((1 << width) - 1)\n"
    "        out.append(v - (1 << width) if signed and v >> (width - 1) else v)\n"
    "    return out\n"
    "\n"
    "\n"
    "def read_inputs(path, quantize):\n"
    "    \"\"\"An rnnc input file: one sequence per line, TIMESTEPS x FEATURES numbers, '#' comments.\"\"\"\n"
    "    seqs = []\n"
    "    with open(path) as f:\n"
    "        for line in f:\n"
    "            nums = line.split(\"#\")[0].replace(\",\", \" \").split()\n"
    "            if not nums:\n"
    "                continue\n"
    "            assert len(nums) == TIMESTEPS * FEATURES, f\"{path}: expected {TIMESTEPS * FEATURES} numbers per line\"\n"
    "            v = [quantize(float(s)) for s in nums]\n"
    "            seqs.append([v[t * FEATURES:(t + 1) * FEATURES] for t in range(TIMESTEPS)])\n"
    "    return seqs\n"
    "\n"
    "\n"
    "def pauses(probability):\n"
    "    \"\"\"a pause generator for cocotbext-axi: True = hold this cycle\"\"\"\n"
    "    while True:\n"
    "        yield random.random() < probability\n"
    "\n"
    "\n"
    "@cocotb.test()\n"
    "async def core_matches_reference(dut):\n"
    "    \"\"\"Every output beat of random and given sequences equals the C reference model's.\"\"\"\n"
    "    reference, quantize = load_reference()\n"
    "    seqs = []\n"
    "    for path in os.environ.get(\"RNNC_INPUTS\", \"\").split():\n"
    "        seqs += read_inputs(path, quantize)\n"
    "    for _ in range(int(os.environ.get(\"RNNC_RANDOM\", \"20\"))):\n"
    "        seqs.append([[quantize(random.uniform(-4, 4)) for _ in range(FEATURES)] for _ in range(TIMESTEPS)])\n"
    "    pause = float(os.environ.get(\"RNNC_PAUSE\", \"0.3\"))\n"
    "\n"
    "    cocotb.start_soon(Clock(dut.clk, 10, unit=\"ns\").start())\n"
    "    source = AxiStreamSource(AxiStreamBus.from_prefix(dut, \"s_axis\"), dut.clk, dut.rst, byte_size=IN_BITS)\n"
    "    sink = AxiStreamSink(AxiStreamBus.from_prefix(dut, \"m_axis\"), dut.clk, dut.rst, byte_size=OUT_BITS)\n"
    "    source.log.setLevel(logging.WARNING)  # no line per frame\n"
    "    sink.log.setLevel(logging.WARNING)\n"
    "    source.set_pause_generator(pauses(pause))  # idle cycles on the input\n"
    "    sink.set_pause_generator(pauses(pause))    # backpressure on the output\n"
    "    dut.rst.value = 1\n"
    "    await ClockCycles(dut.clk, 4)\n"
    "    dut.rst.value = 0\n"
    "\n"
    "    async def send():\n"
    "        for seq in seqs:  # one frame per sequence: TIMESTEPS beats, tlast on the last\n"
    "            await source.send(AxiStreamFrame([pack(beat, IN_ELEM_BITS) for beat in seq]))\n"
    "\n"
    "    cocotb.start_soon(send())\n"
    "    for i, seq in enumerate(seqs):\n"
    "        # one frame per sequence (tlast on its last output beat); 10 ms: a hung core fails\n"
    "        frame = await with_timeout(sink.recv(), 10, \"ms\")\n"
    "        got = [unpack(w, OUTPUTS, OUT_ELEM_BITS, OUT_SIGNED) for w in frame.tdata]\n"
    "        want = reference(seq)\n"
    "        assert got == want, f\"sequence {i}: core {got}, reference model {want}\"\n"
    "    dut._log.info(\"%d sequences: every output equals the reference model\", len(seqs))\n";

static void emit_cocotb(const Model *m, const RefShape *sh, const char *dir)
{
    const char *nm = m->name;
    char rel[300];
    snprintf(rel, sizeof rel, "sim/cocotb/test_%s.py", nm);
    FILE *f = xfopen_w(dir, rel);
    fprintf(f, "\"\"\"Generated by rnnc %s: a cocotb testbench for the core %s.\n\n", RNNC_VERSION, nm);
    fprintf(f, "Drives s_axis with cocotbext-axi's AxiStreamSource and reads m_axis with its AxiStreamSink, with\n"
               "random pauses on both sides, and compares every output with the C reference model\n"
               "(model/%s_ref.c, through ctypes). Inputs: RNNC_RANDOM random sequences (default 20) and the\n"
               "sequences of the rnnc input files in RNNC_INPUTS (space-separated paths). Run: make (Makefile here).\n"
               "\"\"\"\n", nm);
    fprintf(f, "NAME = \"%s\"\nTIMESTEPS, FEATURES = %d, %d\nOUT_BEATS, OUTPUTS = %d, %d\n", nm, m->timesteps, m->features,
            sh->out_steps, sh->out_n);
    fprintf(f, "IN_ELEM_BITS, IN_BITS, IN_CTYPE = %d, %d, \"%s\"\n", m->input_type.w, m->input_type.w * m->features,
            ctype_of(m->input_type));
    fprintf(f, "OUT_ELEM_BITS, OUT_BITS, OUT_CTYPE, OUT_SIGNED = %d, %d, \"%s\", %s\n\n", m->out_type.w,
            m->out_type.w * sh->out_n, ctype_of(m->out_type), m->out_type.sgn ? "True" : "False");
    fputs(cocotb_test_text, f);
    xfclose(f);

    f = xfopen_w(dir, "sim/cocotb/Makefile");
    fprintf(f, "# Generated by rnnc %s: the cocotb testbench of %s (pip install cocotb cocotbext-axi).\n", RNNC_VERSION, nm);
    fprintf(f, "#   make [SIM=icarus|verilator] [RNNC_INPUTS=\"IN.txt ...\"] [RNNC_RANDOM=N] [RNNC_PAUSE=P] [RANDOM_SEED=S]\n");
    fprintf(f, "# Run here (DIR/sim/cocotb). cocotb 2.x needs Verilator 5.036 or later; Icarus 11 works.\n");
    fprintf(f, "SIM ?= icarus\nTOPLEVEL_LANG ?= verilog\nDESIGN := $(abspath ../..)\n");
    fprintf(f, "VERILOG_SOURCES := $(addprefix $(DESIGN)/,$(shell cat $(DESIGN)/files.f))\n");
    fprintf(f, "COCOTB_TOPLEVEL := %s\nCOCOTB_TEST_MODULES := test_%s\n", nm, nm);
    fprintf(f, "ifeq ($(SIM),icarus)\nCOMPILE_ARGS += -P%s.MEM_PATH=\\\"$(DESIGN)/mem/\\\"\nelse\n"
               "COMPILE_ARGS += -GMEM_PATH='\"$(DESIGN)/mem/\"'\nendif\n", nm);
    fprintf(f, "# the reference model as a shared library for ctypes\nREF_C ?= $(DESIGN)/model/%s_ref.c\n", nm);
    fprintf(f, "CUSTOM_SIM_DEPS += lib%s_ref.so\n", nm);
    fprintf(f, "include $(shell cocotb-config --makefiles)/Makefile.sim\n\n");
    fprintf(f, "lib%s_ref.so: $(REF_C) $(DESIGN)/model/%s_ref.h\n\t$(CC) -std=c99 -O2 -shared -fPIC -I$(DESIGN)/model -o $@ $(REF_C) -lm\n\n",
            nm, nm);
    fprintf(f, "clean::\n\trm -rf lib%s_ref.so results.xml sim_build __pycache__\n", nm);
    xfclose(f);
}
