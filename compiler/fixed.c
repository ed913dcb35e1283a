/* fixed.c: fixed-point types (ap_fixed semantics) and the exact casts between them.
 *
 * Every number rnnc computes goes through fx_cast or fx_from_double; the RTL's rnnc_quant
 * implements the same two steps (shift with the Q mode, then the O mode). docs/numerics.md
 * is the specification. */
#include "rnnc.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef unsigned __int128 uwide;

/* The low w bits set. */
static uwide low_mask(int w) { return w >= 128 ? ~(uwide)0 : ((uwide)1 << w) - 1; }

wide_t fx_max_raw(FxType t) { return ((wide_t)1 << (t.w - (t.sgn ? 1 : 0))) - 1; }

wide_t fx_min_raw(FxType t) { return t.sgn ? -fx_max_raw(t) - 1 : 0; }

/* floor(v / 2^s) for s > 0 (arithmetic shift of a two's complement value floors). */
static wide_t floor_shift(wide_t v, int s) { return s >= 127 ? (v < 0 ? -1 : 0) : v >> s; }

wide_t fx_trunc0_shift(wide_t v, int shift)
{
    if (shift <= 0)
        return v * ((wide_t)1 << -shift);
    if (v >= 0)
        return floor_shift(v, shift);
    return -floor_shift(-v, shift);
}

/* The low w bits of v, sign-extended when t is signed (AP_WRAP). */
static wide_t wrap_bits(wide_t v, FxType t)
{
    uwide mask = low_mask(t.w), bits = (uwide)v & mask;
    if (t.sgn && (bits >> (t.w - 1)) & 1)
        return -(wide_t)(mask - bits) - 1;
    return (wide_t)bits;
}

/* The O step on an integer v that is above (over) or below (under) t's range, or in it (neither):
 * ap_fixed's overflow_adjust. For AP_WRAP only v's low w bits matter. */
static wide_t overflow_step(wide_t v, bool over, bool under, FxType t)
{
    if (!over && !under)
        return v;
    switch (t.o) {
    case O_SAT: return over ? fx_max_raw(t) : fx_min_raw(t);
    case O_SAT_ZERO: return 0;
    case O_SAT_SYM: return over ? fx_max_raw(t) : fx_min_raw(t) + (t.sgn && t.w > 1); /* -max (1 bit: -1) */
    case O_WRAP: break;
    }
    wide_t r = wrap_bits(v, t);
    if (t.n == 0)
        return r;
    /* N saturation bits: signed, the sign bit becomes the true sign and the N-1 bits below it
     * its complement; unsigned, the top N bits become ones (overflow and underflow alike). */
    uwide bits = (uwide)r & low_mask(t.w);
    uwide top = low_mask(t.n) << (t.w - t.n);   /* bits w-n .. w-1 */
    if (!t.sgn) {
        bits |= top;
    } else {
        uwide msb = (uwide)1 << (t.w - 1);
        bits = under ? (bits & ~top) | msb : (bits | top) & ~msb;
    }
    return wrap_bits((wide_t)bits, t);
}

/* Whether the Q mode adds one to floor(v): qb is the first dropped bit (the half), r whether any
 * bit below it is set, neg the sign of v, lsb floor(v)'s lowest bit (ap_fixed's quantization_adjust). */
static bool round_up(QMode q, bool qb, bool r, bool neg, bool lsb)
{
    switch (q) {
    case Q_TRN: return false;
    case Q_TRN_ZERO: return neg && (qb || r);
    case Q_RND: return qb;
    case Q_RND_ZERO: return qb && (neg || r);
    case Q_RND_INF: return qb && (!neg || r);
    case Q_RND_MIN_INF: return qb && r;
    case Q_RND_CONV: return qb && (lsb || r);
    }
    return false;
}

/* raw * 2^-from_frac shifted to t's fractional bits with t's Q mode (no O step). */
static wide_t quantize_step(wide_t raw, int from_frac, FxType t)
{
    int d = fx_frac(t) - from_frac;
    if (d >= 0)
        return raw * ((wide_t)1 << d);
    int s = -d;
    if (s > 120) { /* the same floor, half bit and sticky bits from a shorter shift (no overflow) */
        wide_t hi = floor_shift(raw, s - 120);
        raw = hi * 2 + (raw != hi * ((wide_t)1 << (s - 120)) ? 1 : 0);
        s = 121;
    }
    wide_t q = floor_shift(raw, s);
    if (t.q == Q_TRN)
        return q;
    wide_t rem = raw - q * ((wide_t)1 << s); /* 0 <= rem < 2^s */
    wide_t half = (wide_t)1 << (s - 1);
    bool qb = rem >= half, r = (rem & (half - 1)) != 0;
    return q + (round_up(t.q, qb, r, raw < 0, q & 1) ? 1 : 0);
}

/* The smallest raw the O step keeps: AP_SAT_SYM's range is symmetric (-max, from 2 bits). */
static wide_t low_raw(FxType t) { return fx_min_raw(t) + (t.o == O_SAT_SYM && t.sgn && t.w > 1); }

wide_t fx_cast(wide_t raw, int from_frac, FxType t)
{
    wide_t v = quantize_step(raw, from_frac, t);
    return overflow_step(v, v > fx_max_raw(t), v < low_raw(t), t);
}

bool fx_cast_fits(wide_t raw, int from_frac, FxType t)
{
    wide_t v = quantize_step(raw, from_frac, t);
    return v >= fx_min_raw(t) && v <= fx_max_raw(t);
}

/* Q(x * 2^F) as an integer-valued double (no O step). */
static double quantize_double(double x, FxType t)
{
    double v = ldexp(x, fx_frac(t)); /* exact: scaling by a power of two */
    double f = floor(v), rem = v - f; /* both exact */
    bool qb = rem >= 0.5, r = rem != 0 && rem != 0.5;
    return f + (round_up(t.q, qb, r, v < 0, fmod(f, 2.0) != 0) ? 1 : 0);
}

bool fx_fits_double(double x, FxType t)
{
    if (isnan(x)) return true;
    double r = quantize_double(x, t);
    return t.sgn ? r >= -ldexp(1.0, t.w - 1) && r < ldexp(1.0, t.w - 1) : r >= 0 && r < ldexp(1.0, t.w);
}

wide_t fx_from_double(double x, FxType t)
{
    if (isnan(x))
        return 0;
    double r = quantize_double(x, t);
    double lim = ldexp(1.0, t.w - (t.sgn ? 1 : 0));
    bool over = r >= lim, under = t.sgn ? r < -lim || (r == -lim && low_raw(t) > fx_min_raw(t)) : r < 0;
    /* in range: exact; out of it only the low w bits (the remainder, exact) and the side matter */
    if (over || under)
        r = isinf(r) ? 0 : fmod(r, ldexp(1.0, t.w));
    return overflow_step((wide_t)r, over, under, t);
}

double fx_to_double(wide_t raw, FxType t) { return ldexp((double)raw, -fx_frac(t)); }

double fx_raw_to_double(wide_t raw, int frac) { return ldexp((double)raw, -frac); }

bool fx_equal(FxType a, FxType b)
{
    return a.w == b.w && a.i == b.i && a.sgn == b.sgn && a.q == b.q && a.o == b.o && a.n == b.n;
}

static const char *skip_ws(const char *p)
{
    while (isspace((unsigned char)*p)) p++;
    return p;
}

static bool parse_int(const char **pp, int *out)
{
    const char *p = skip_ws(*pp);
    char *end;
    long v = strtol(p, &end, 10);
    if (end == p || v < -1000 || v > 1000) return false;
    *out = (int)v;
    *pp = skip_ws(end);
    return true;
}

static bool parse_word(const char **pp, char *buf, size_t len)
{
    const char *p = skip_ws(*pp);
    size_t n = 0;
    while (isalnum((unsigned char)*p) || *p == '_') {
        if (n + 1 >= len) return false;
        buf[n++] = *p++;
    }
    buf[n] = 0;
    *pp = skip_ws(p);
    return n > 0;
}

static const char *const q_names[] = {"TRN", "RND", "RND_CONV", "TRN_ZERO", "RND_ZERO", "RND_INF", "RND_MIN_INF"};
static const char *const o_names[] = {"WRAP", "SAT", "SAT_ZERO", "SAT_SYM"};

/* The index of word (with or without the AP_ prefix, any case) in names[n], or -1. */
static int mode_index(const char *word, const char *const *names, int n)
{
    if (!strncasecmp(word, "AP_", 3)) word += 3;
    for (int k = 0; k < n; k++)
        if (!strcasecmp(word, names[k])) return k;
    return -1;
}

/* The kind word: fixed (args W,I[,Q[,O[,N]]]) or an integer type (args W); signedness. */
static bool type_word(const char *word, bool *sgn, bool *integer)
{
    static const struct { const char *name; bool sgn, integer; } kinds[] = {
        {"ap_fixed", true, false}, {"fixed", true, false}, {"ap_ufixed", false, false}, {"ufixed", false, false},
        {"ap_int", true, true}, {"int", true, true}, {"ap_uint", false, true}, {"uint", false, true},
    };
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
        if (!strcmp(word, kinds[k].name)) {
            *sgn = kinds[k].sgn;
            *integer = kinds[k].integer;
            return true;
        }
    return false;
}

/* The optional ",Q[,O[,N]]" of a fixed type; false with err filled on a bad mode. */
static bool parse_modes(const char **pp, FxType *t, char *err, size_t errlen, bool *syntax)
{
    char word[32];
    const char *p = *pp;
    *syntax = false;
    if (*p != ',') return true;
    p++;
    if (!parse_word(&p, word, sizeof word)) { *syntax = true; return false; }
    int q = mode_index(word, q_names, 7);
    if (q < 0) {
        snprintf(err, errlen, "unsupported quantization mode '%s' (TRN, TRN_ZERO, RND, RND_ZERO, RND_INF, "
                 "RND_MIN_INF, RND_CONV, with or without AP_)", word);
        return false;
    }
    t->q = (QMode)q;
    if (*p == ',') {
        p++;
        if (!parse_word(&p, word, sizeof word)) { *syntax = true; return false; }
        int o = mode_index(word, o_names, 4);
        if (o < 0) {
            snprintf(err, errlen, "unsupported overflow mode '%s' (WRAP, SAT, SAT_ZERO, SAT_SYM, with or "
                     "without AP_)", word);
            return false;
        }
        t->o = (OMode)o;
        if (*p == ',') {
            p++;
            if (!parse_int(&p, &t->n)) { *syntax = true; return false; }
        }
    }
    *pp = p;
    return true;
}

bool fx_parse(const char *text, FxType *out, char *err, size_t errlen)
{
    FxType t = {.q = Q_TRN, .o = O_WRAP};
    const char *p = skip_ws(text);
    char word[32];
    bool integer, syntax;
    if (!parse_word(&p, word, sizeof word) || !type_word(word, &t.sgn, &integer)) goto syntax;
    if (*p++ != '<' || !parse_int(&p, &t.w)) goto syntax;
    if (integer) {
        t.i = t.w;
    } else {
        if (*p++ != ',' || !parse_int(&p, &t.i)) goto syntax;
        if (!parse_modes(&p, &t, err, errlen, &syntax)) {
            if (syntax) goto syntax;
            return false;
        }
    }
    if (*p++ != '>' || *skip_ws(p) != 0) goto syntax;
    int max_w = t.sgn ? FX_MAX_ACCUM_W : FX_MAX_ACCUM_W - 1;
    if (t.w < 1 || t.w > max_w) {
        snprintf(err, errlen, "width %d out of range (1..%d)", t.w, max_w);
        return false;
    }
    if (t.w - t.i < 0 || t.w - t.i > 48) {
        snprintf(err, errlen, "%d fractional bits (W-I) out of range (0..48)", t.w - t.i);
        return false;
    }
    if (t.n < 0 || t.n > t.w) {
        snprintf(err, errlen, "%d saturation bits out of range (0..%d, the width)", t.n, t.w);
        return false;
    }
    if (t.o != O_WRAP) t.n = 0; /* ap_fixed uses N with AP_WRAP only */
    *out = t;
    return true;
syntax:
    snprintf(err, errlen, "expected a type like ap_fixed<16,6>, fixed<18,8,RND,SAT,0>, "
             "ap_ufixed<8,0,AP_RND,AP_SAT> or ap_int<8>");
    return false;
}

void fx_format(FxType t, char *buf, size_t len)
{
    const char *kind = t.sgn ? "ap_fixed" : "ap_ufixed";
    if (t.q == Q_TRN && t.o == O_WRAP && t.n == 0)
        snprintf(buf, len, "%s<%d,%d>", kind, t.w, t.i);
    else if (t.n == 0)
        snprintf(buf, len, "%s<%d,%d,AP_%s,AP_%s>", kind, t.w, t.i, q_names[t.q], o_names[t.o]);
    else
        snprintf(buf, len, "%s<%d,%d,AP_%s,AP_%s,%d>", kind, t.w, t.i, q_names[t.q], o_names[t.o], t.n);
}

void print_fixed(FILE *f, int64_t raw, FxType t) { fprintf(f, "%.17g", fx_to_double(raw, t)); }
