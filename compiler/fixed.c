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

int64_t fx_min_raw(FxType t) { return t.sgn ? (int64_t)-((wide_t)1 << (t.w - 1)) : 0; }

int64_t fx_max_raw(FxType t)
{
    return t.sgn ? (int64_t)(((uint64_t)1 << (t.w - 1)) - 1) : (int64_t)(((uint64_t)1 << t.w) - 1);
}

/* floor(v / 2^s) for s > 0 (arithmetic shift of a two's complement value floors). */
static wide_t floor_shift(wide_t v, int s) { return v >> s; }

wide_t fx_trunc0_shift(wide_t v, int shift)
{
    if (shift <= 0)
        return v * ((wide_t)1 << -shift);
    if (v >= 0)
        return v >> shift;
    return -((-v) >> shift);
}

static wide_t apply_overflow(wide_t v, FxType t)
{
    if (t.o == O_SAT) {
        wide_t lo = fx_min_raw(t), hi = fx_max_raw(t);
        return v < lo ? lo : v > hi ? hi : v;
    }
    /* wrap: keep the low w bits, then sign-extend for signed types */
    uint64_t mask = t.w == 64 ? ~(uint64_t)0 : (((uint64_t)1 << t.w) - 1);
    uint64_t bits = (uint64_t)v & mask;
    if (t.sgn && (bits >> (t.w - 1)) & 1)
        return (wide_t)(int64_t)(bits | ~mask);
    return (wide_t)bits;
}

/* raw * 2^-from_frac shifted to t's fractional bits with t's Q mode (no O step). */
static wide_t quantize_step(wide_t raw, int from_frac, FxType t)
{
    int d = fx_frac(t) - from_frac;
    wide_t v;
    if (d >= 0) {
        v = raw * ((wide_t)1 << d);
    } else {
        int s = -d;
        wide_t q = floor_shift(raw, s);
        if (t.q == Q_TRN) {
            v = q;
        } else {
            wide_t rem = raw - q * ((wide_t)1 << s); /* 0 <= rem < 2^s */
            wide_t half = (wide_t)1 << (s - 1);
            if (rem > half || (rem == half && (t.q == Q_RND || (q & 1))))
                q += 1;
            v = q;
        }
    }
    return v;
}

int64_t fx_cast(wide_t raw, int from_frac, FxType t)
{
    return (int64_t)apply_overflow(quantize_step(raw, from_frac, t), t);
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
    double r;
    switch (t.q) {
    case Q_TRN: r = floor(v); break;
    case Q_RND: /* floor(v + 1/2) without the rounding v + 0.5 suffers above 2^52 */
        r = floor(v);
        if (v - r >= 0.5) r += 1;
        break;
    default: { /* ties to even */
        double f = floor(v), rem = v - f;
        r = rem > 0.5 ? f + 1 : rem < 0.5 ? f : (fmod(f, 2.0) == 0 ? f : f + 1);
        break;
    }
    }
    return r;
}

bool fx_fits_double(double x, FxType t)
{
    if (isnan(x)) return true;
    double r = quantize_double(x, t);
    return t.sgn ? r >= -ldexp(1.0, t.w - 1) && r < ldexp(1.0, t.w - 1) : r >= 0 && r < ldexp(1.0, t.w);
}

int64_t fx_from_double(double x, FxType t)
{
    if (isnan(x))
        return 0;
    double r = quantize_double(x, t);
    /* r is an integer-valued double; bring it into range before converting. */
    double lim = ldexp(1.0, 100);
    if (r > lim) r = lim;
    if (r < -lim) r = -lim;
    if (t.o == O_WRAP) {
        double m = ldexp(1.0, t.w);
        r = fmod(r, m);
        if (r < 0) r += m;
    }
    wide_t iv = (wide_t)r;
    return (int64_t)apply_overflow(iv, t);
}

double fx_to_double(int64_t raw, FxType t) { return ldexp((double)raw, -fx_frac(t)); }

double fx_raw_to_double(wide_t raw, int frac) { return ldexp((double)raw, -frac); }

bool fx_equal(FxType a, FxType b)
{
    return a.w == b.w && a.i == b.i && a.sgn == b.sgn && a.q == b.q && a.o == b.o;
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

bool fx_parse(const char *text, FxType *out, char *err, size_t errlen)
{
    FxType t = {.q = Q_TRN, .o = O_WRAP};
    const char *p = skip_ws(text);
    char word[32];
    if (!parse_word(&p, word, sizeof word)) goto syntax;
    if (!strcmp(word, "ap_fixed") || !strcmp(word, "fixed")) t.sgn = true;
    else if (!strcmp(word, "ap_ufixed") || !strcmp(word, "ufixed")) t.sgn = false;
    else goto syntax;
    if (*p++ != '<') goto syntax;
    if (!parse_int(&p, &t.w) || *p++ != ',' || !parse_int(&p, &t.i)) goto syntax;
    if (*p == ',') {
        p++;
        if (!parse_word(&p, word, sizeof word)) goto syntax;
        if (!strcmp(word, "AP_TRN")) t.q = Q_TRN;
        else if (!strcmp(word, "AP_RND")) t.q = Q_RND;
        else if (!strcmp(word, "AP_RND_CONV")) t.q = Q_RND_CONV;
        else {
            snprintf(err, errlen, "unsupported quantization mode '%s' (AP_TRN, AP_RND, AP_RND_CONV)", word);
            return false;
        }
        if (*p == ',') {
            p++;
            if (!parse_word(&p, word, sizeof word)) goto syntax;
            if (!strcmp(word, "AP_WRAP")) t.o = O_WRAP;
            else if (!strcmp(word, "AP_SAT")) t.o = O_SAT;
            else {
                snprintf(err, errlen, "unsupported overflow mode '%s' (AP_WRAP, AP_SAT)", word);
                return false;
            }
        }
    }
    if (*p++ != '>' || *skip_ws(p) != 0) goto syntax;
    if (t.w < 1 || t.w > (t.sgn ? 64 : 63)) {
        snprintf(err, errlen, "width %d out of range (1..%d)", t.w, t.sgn ? 64 : 63);
        return false;
    }
    if (t.w - t.i < 0 || t.w - t.i > 48) {
        snprintf(err, errlen, "%d fractional bits (W-I) out of range (0..48)", t.w - t.i);
        return false;
    }
    *out = t;
    return true;
syntax:
    snprintf(err, errlen, "expected a type like ap_fixed<16,6> or ap_ufixed<8,0,AP_RND,AP_SAT>");
    return false;
}

void fx_format(FxType t, char *buf, size_t len)
{
    static const char *qn[] = {"AP_TRN", "AP_RND", "AP_RND_CONV"};
    if (t.q == Q_TRN && t.o == O_WRAP)
        snprintf(buf, len, "%s<%d,%d>", t.sgn ? "ap_fixed" : "ap_ufixed", t.w, t.i);
    else
        snprintf(buf, len, "%s<%d,%d,%s,%s>", t.sgn ? "ap_fixed" : "ap_ufixed", t.w, t.i,
                 qn[t.q], t.o == O_SAT ? "AP_SAT" : "AP_WRAP");
}

void print_fixed(FILE *f, int64_t raw, FxType t) { fprintf(f, "%.17g", fx_to_double(raw, t)); }
