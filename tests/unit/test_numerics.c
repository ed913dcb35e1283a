/* test_numerics.c: unit tests of fixed.c (casts, parsing), tables.c (table contents and
 * indexing) and emulate.c (exact hand-computed cases, and the fixed-point emulator against
 * the float reference on small seeded random models). docs/numerics.md is the spec every
 * expectation below is derived from. Prints one line per failure and ends with
 * "unit: N passed, M failed". */
#include "rnnc.h"
#include "unit_check.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>


#define CHECK_EQ(got, want, what)                                                            \
    do {                                                                                     \
        long long g_ = (long long)(got), w_ = (long long)(want);                             \
        check(g_ == w_, "%s:%d: %s: got %lld, want %lld", __FILE__, __LINE__, what, g_, w_); \
    } while (0)

static bool verbose; /* -v: also print measurements */

static FxType ty(int w, int i, bool sgn, QMode q, OMode o)
{
    FxType t = {.w = w, .i = i, .sgn = sgn, .q = q, .o = o};
    return t;
}

static FxType fix(int w, int i) { return ty(w, i, true, Q_TRN, O_WRAP); }

/* ---------------------------------------------------------------- fx_cast */

static void test_cast(void)
{
    FxType trn = fix(16, 16), rnd = ty(16, 16, true, Q_RND, O_WRAP);
    FxType conv = ty(16, 16, true, Q_RND_CONV, O_WRAP);
    /* AP_TRN floors: 1.25 -> 1, -1.25 -> -2, -0.5 -> -1 */
    CHECK_EQ(fx_cast(5, 2, trn), 1, "TRN 1.25");
    CHECK_EQ(fx_cast(-5, 2, trn), -2, "TRN -1.25");
    CHECK_EQ(fx_cast(-2, 2, trn), -1, "TRN -0.5");
    CHECK_EQ(fx_cast(7, 2, trn), 1, "TRN 1.75");
    /* AP_RND: nearest, ties toward +inf */
    CHECK_EQ(fx_cast(3, 1, rnd), 2, "RND 1.5");
    CHECK_EQ(fx_cast(-3, 1, rnd), -1, "RND -1.5");
    CHECK_EQ(fx_cast(-1, 1, rnd), 0, "RND -0.5");
    CHECK_EQ(fx_cast(5, 2, rnd), 1, "RND 1.25");
    CHECK_EQ(fx_cast(7, 2, rnd), 2, "RND 1.75");
    CHECK_EQ(fx_cast(-7, 2, rnd), -2, "RND -1.75");
    CHECK_EQ(fx_cast(-5, 2, rnd), -1, "RND -1.25");
    CHECK_EQ(fx_cast(1, 40, rnd), 0, "RND tiny");
    /* AP_RND_CONV: nearest, ties to even */
    CHECK_EQ(fx_cast(1, 1, conv), 0, "CONV 0.5");
    CHECK_EQ(fx_cast(3, 1, conv), 2, "CONV 1.5");
    CHECK_EQ(fx_cast(5, 1, conv), 2, "CONV 2.5");
    CHECK_EQ(fx_cast(7, 1, conv), 4, "CONV 3.5");
    CHECK_EQ(fx_cast(-1, 1, conv), 0, "CONV -0.5");
    CHECK_EQ(fx_cast(-3, 1, conv), -2, "CONV -1.5");
    CHECK_EQ(fx_cast(-5, 1, conv), -2, "CONV -2.5");
    CHECK_EQ(fx_cast(11, 2, conv), 3, "CONV 2.75");
    CHECK_EQ(fx_cast(9, 2, conv), 2, "CONV 2.25");
    CHECK_EQ(fx_cast(-11, 2, conv), -3, "CONV -2.75");
    /* exact values are unchanged by every Q mode */
    for (int q = 0; q < 3; q++) {
        FxType t = ty(16, 6, true, (QMode)q, O_WRAP);
        CHECK_EQ(fx_cast(-3 * 1024 * 4, 12, t), -3 * 1024, "exact narrowing");
        CHECK_EQ(fx_cast(-3, 0, t), -3 * 1024, "widening");
        CHECK_EQ(fx_cast(-((wide_t)77 << 86), 96, t), -77, "from 96 fractional bits");
    }
    /* WRAP, signed 8 bits */
    FxType s8 = fix(8, 8), u8 = ty(8, 8, false, Q_TRN, O_WRAP);
    CHECK_EQ(fx_cast(127, 0, s8), 127, "wrap s8 max");
    CHECK_EQ(fx_cast(128, 0, s8), -128, "wrap s8 max+1");
    CHECK_EQ(fx_cast(255, 0, s8), -1, "wrap s8 255");
    CHECK_EQ(fx_cast(256, 0, s8), 0, "wrap s8 256");
    CHECK_EQ(fx_cast(-128, 0, s8), -128, "wrap s8 min");
    CHECK_EQ(fx_cast(-129, 0, s8), 127, "wrap s8 min-1");
    CHECK_EQ(fx_cast(-1000, 0, s8), 24, "wrap s8 -1000");
    CHECK_EQ(fx_cast(256, 0, u8), 0, "wrap u8 256");
    CHECK_EQ(fx_cast(-1, 0, u8), 255, "wrap u8 -1");
    CHECK_EQ(fx_cast(255, 0, u8), 255, "wrap u8 max");
    /* SAT at both ends */
    FxType s8s = ty(8, 8, true, Q_TRN, O_SAT), u8s = ty(8, 8, false, Q_TRN, O_SAT);
    CHECK_EQ(fx_cast(200, 0, s8s), 127, "sat s8 high");
    CHECK_EQ(fx_cast(128, 0, s8s), 127, "sat s8 max+1");
    CHECK_EQ(fx_cast(-129, 0, s8s), -128, "sat s8 min-1");
    CHECK_EQ(fx_cast(-((wide_t)1 << 100), 0, s8s), -128, "sat s8 huge negative");
    CHECK_EQ(fx_cast(-5, 0, u8s), 0, "sat u8 negative");
    CHECK_EQ(fx_cast(300, 0, u8s), 255, "sat u8 high");
    CHECK_EQ(fx_cast(255, 0, u8s), 255, "sat u8 max");
    /* rounding can carry into overflow: 127.5 -> 128 -> saturate 127 / wrap -128 */
    CHECK_EQ(fx_cast(255, 1, ty(8, 8, true, Q_RND, O_SAT)), 127, "RND then SAT");
    CHECK_EQ(fx_cast(255, 1, ty(8, 8, true, Q_RND, O_WRAP)), -128, "RND then WRAP");
    /* 32-bit and 1-bit extremes */
    CHECK_EQ(fx_cast((wide_t)1 << 31, 0, fix(32, 32)), INT32_MIN, "wrap s32");
    CHECK_EQ(fx_cast(((wide_t)1 << 32) + 5, 0, ty(32, 32, false, Q_TRN, O_WRAP)), 5, "wrap u32");
    CHECK_EQ(fx_cast((wide_t)1 << 40, 0, ty(32, 32, false, Q_TRN, O_SAT)), UINT32_MAX, "sat u32");
    /* 64-bit (and 63-bit unsigned) types: raw values fill int64_t */
    CHECK_EQ(fx_cast((wide_t)1 << 63, 0, fix(64, 64)), INT64_MIN, "wrap s64");
    CHECK_EQ(fx_cast(((wide_t)1 << 64) + 7, 0, fix(64, 64)), 7, "wrap s64 high bits");
    CHECK_EQ(fx_cast((wide_t)1 << 100, 0, ty(64, 64, true, Q_TRN, O_SAT)), INT64_MAX, "sat s64");
    CHECK_EQ(fx_cast(-((wide_t)1 << 100), 0, ty(64, 64, true, Q_TRN, O_SAT)), INT64_MIN, "sat s64 negative");
    CHECK_EQ(fx_cast((wide_t)1 << 70, 0, ty(63, 63, false, Q_TRN, O_SAT)), INT64_MAX, "sat u63");
    CHECK_EQ(fx_min_raw(fix(64, 16)), INT64_MIN, "min s64");
    CHECK_EQ(fx_max_raw(fix(64, 16)), INT64_MAX, "max s64");
    /* a 64 x 64-bit product, exact in wide_t, cast down with rounding */
    CHECK_EQ(fx_cast((wide_t)INT64_MIN * INT64_MIN, 96, ty(64, 40, true, Q_RND, O_WRAP)),
             (int64_t)1 << 54, "(-2^63)^2 * 2^-96 = 2^30 in ap_fixed<64,40>");
    check(fx_cast_fits((wide_t)1 << 62, 0, fix(64, 64)) && !fx_cast_fits((wide_t)1 << 63, 0, fix(64, 64)),
          "fx_cast_fits at 64 bits");
    CHECK_EQ(fx_from_double(-32768.0, fix(64, 16)), INT64_MIN, "from_double -2^15 in ap_fixed<64,16>");
    check(!fx_fits_double(32768.0, fix(64, 16)) && fx_fits_double(32767.5, fix(64, 16)), "fx_fits_double s64");
    CHECK_EQ(fx_cast(1, 0, fix(1, 1)), -1, "s1 wrap 1");
    CHECK_EQ(fx_cast(1, 0, ty(1, 1, true, Q_TRN, O_SAT)), 0, "s1 sat 1");
    CHECK_EQ(fx_cast(-5, 0, ty(1, 1, true, Q_TRN, O_SAT)), -1, "s1 sat -5");
    /* negative integer bits: ap_fixed<8,-2> has 10 fractional bits, range [-1/8, 1/8) */
    FxType neg = ty(8, -2, true, Q_TRN, O_SAT);
    CHECK_EQ(fx_cast(1, 3, neg), 127, "ap_fixed<8,-2> sat 1/8");
    CHECK_EQ(fx_cast(-1, 4, neg), -64, "ap_fixed<8,-2> -1/16");
    CHECK_EQ(fx_min_raw(fix(16, 6)), -32768, "min s16");
    CHECK_EQ(fx_max_raw(fix(16, 6)), 32767, "max s16");
    CHECK_EQ(fx_min_raw(ty(16, 6, false, Q_TRN, O_WRAP)), 0, "min u16");
    CHECK_EQ(fx_max_raw(ty(16, 6, false, Q_TRN, O_WRAP)), 65535, "max u16");
}

/* ---------------------------------------------------------------- fx_from_double */

static void test_from_double(void)
{
    FxType t = fix(16, 6), r = ty(16, 6, true, Q_RND, O_WRAP), c = ty(16, 6, true, Q_RND_CONV, O_WRAP);
    CHECK_EQ(fx_from_double(0.3, t), 307, "0.3 TRN");
    CHECK_EQ(fx_from_double(-0.3, t), -308, "-0.3 TRN floors");
    CHECK_EQ(fx_from_double(-0.3, r), -307, "-0.3 RND");
    CHECK_EQ(fx_from_double(0.3, c), 307, "0.3 CONV");
    CHECK_EQ(fx_from_double(0.7 / 1024, r), 1, "0.7 ulp RND");
    double ulp = 1.0 / 1024;
    CHECK_EQ(fx_from_double(2.5 * ulp, t), 2, "2.5 ulp TRN");
    CHECK_EQ(fx_from_double(2.5 * ulp, r), 3, "2.5 ulp RND");
    CHECK_EQ(fx_from_double(2.5 * ulp, c), 2, "2.5 ulp CONV");
    CHECK_EQ(fx_from_double(3.5 * ulp, c), 4, "3.5 ulp CONV");
    CHECK_EQ(fx_from_double(-2.5 * ulp, t), -3, "-2.5 ulp TRN");
    CHECK_EQ(fx_from_double(-2.5 * ulp, r), -2, "-2.5 ulp RND");
    CHECK_EQ(fx_from_double(-2.5 * ulp, c), -2, "-2.5 ulp CONV");
    CHECK_EQ(fx_from_double(-3.5 * ulp, c), -4, "-3.5 ulp CONV");
    CHECK_EQ(fx_from_double(-1.0, t), -1024, "-1");
    CHECK_EQ(fx_from_double(-32.0, t), -32768, "min exactly");
    /* out of range: 40 * 1024 = 40960 wraps to 40960 - 65536 */
    CHECK_EQ(fx_from_double(40.0, t), -24576, "40 wraps");
    CHECK_EQ(fx_from_double(-40.0, t), 24576, "-40 wraps");
    CHECK_EQ(fx_from_double(32.0, t), -32768, "32 wraps");
    FxType ts = ty(16, 6, true, Q_TRN, O_SAT);
    CHECK_EQ(fx_from_double(40.0, ts), 32767, "40 saturates");
    CHECK_EQ(fx_from_double(-40.0, ts), -32768, "-40 saturates");
    CHECK_EQ(fx_from_double(31.9999, ts), 32767, "31.9999 SAT");
    CHECK_EQ(fx_from_double(1e300, ts), 32767, "huge SAT");
    CHECK_EQ(fx_from_double(-1e300, ts), -32768, "-huge SAT");
    CHECK_EQ(fx_from_double(INFINITY, ts), 32767, "inf SAT");
    CHECK_EQ(fx_from_double(-INFINITY, ts), -32768, "-inf SAT");
    CHECK_EQ(fx_from_double(1e300, t), 0, "huge WRAP (a multiple of 2^16)");
    CHECK_EQ(fx_from_double(NAN, t), 0, "NaN");
    /* large integers: exactly 2^52 + 1 must round to itself, then wrap to its low bits */
    FxType i32r = ty(32, 32, true, Q_RND, O_WRAP);
    CHECK_EQ(fx_from_double(4503599627370497.0, i32r), 1, "2^52+1 RND WRAP");
    CHECK_EQ(fx_from_double(-4503599627370497.0, i32r), -1, "-(2^52+1) RND WRAP");
    CHECK_EQ(fx_from_double(4503599627370497.0, ty(32, 32, true, Q_RND_CONV, O_WRAP)), 1, "2^52+1 CONV");
    CHECK_EQ(fx_from_double(3e9, fix(32, 32)), (int64_t)3000000000 - ((int64_t)1 << 32), "3e9 wraps s32");
    /* unsigned */
    FxType u = ty(8, 4, false, Q_TRN, O_WRAP), us = ty(8, 4, false, Q_TRN, O_SAT);
    CHECK_EQ(fx_from_double(-0.5, us), 0, "unsigned SAT negative");
    CHECK_EQ(fx_from_double(-0.5, u), 248, "unsigned WRAP -0.5");
    CHECK_EQ(fx_from_double(15.9375, u), 255, "unsigned max");
    CHECK_EQ(fx_from_double(16.0, us), 255, "unsigned SAT high");
    /* 48 fractional bits */
    CHECK_EQ(fx_from_double(ldexp(1, -48), fix(4, -44)), 1, "F=48 ulp");
    /* round trip */
    check(fx_to_double(-308, t) == -308.0 / 1024, "fx_to_double");
    check(fx_raw_to_double((wide_t)3 << 60, 62) == 0.75, "fx_raw_to_double");
}

/* ---------------------------------------------------------------- fx_parse */

static void test_parse(void)
{
    static const struct {
        const char *text;
        int w, i;
        bool sgn;
        QMode q;
        OMode o;
    } ok[] = {
        {"ap_fixed<16,6>", 16, 6, true, Q_TRN, O_WRAP},
        {"ap_ufixed<8,0,AP_RND,AP_SAT>", 8, 0, false, Q_RND, O_SAT},
        {"fixed<8,3>", 8, 3, true, Q_TRN, O_WRAP},
        {"ufixed<4,4>", 4, 4, false, Q_TRN, O_WRAP},
        {" ap_fixed < 16 , 6 > ", 16, 6, true, Q_TRN, O_WRAP},
        {"ap_fixed<16,6,AP_RND_CONV>", 16, 6, true, Q_RND_CONV, O_WRAP},
        {"ap_fixed<16,6,AP_TRN,AP_WRAP>", 16, 6, true, Q_TRN, O_WRAP},
        {"ap_fixed<8,-2>", 8, -2, true, Q_TRN, O_WRAP},
        {"ap_fixed<32,0>", 32, 0, true, Q_TRN, O_WRAP},
        {"ap_fixed<4,-44>", 4, -44, true, Q_TRN, O_WRAP},
        {"ap_fixed<1,1>", 1, 1, true, Q_TRN, O_WRAP},
        {"ap_fixed<32,32,AP_RND,AP_SAT>", 32, 32, true, Q_RND, O_SAT},
        {"ap_fixed<64,16>", 64, 16, true, Q_TRN, O_WRAP},
        {"ap_ufixed<63,15,AP_RND,AP_SAT>", 63, 15, false, Q_RND, O_SAT},
        /* every form hls4ml writes */
        {"fixed<18,8,TRN,WRAP,0>", 18, 8, true, Q_TRN, O_WRAP},
        {"ufixed<10,2,RND_CONV,SAT,0>", 10, 2, false, Q_RND_CONV, O_SAT},
        {"fixed<16,6,TRN_ZERO,SAT_ZERO>", 16, 6, true, Q_TRN_ZERO, O_SAT_ZERO},
        {"ap_fixed<16,6,AP_RND_ZERO,AP_SAT_SYM>", 16, 6, true, Q_RND_ZERO, O_SAT_SYM},
        {"ap_fixed<16,6,AP_RND_INF,AP_WRAP,2>", 16, 6, true, Q_RND_INF, O_WRAP},
        {"ap_ufixed<16,6,RND_MIN_INF>", 16, 6, false, Q_RND_MIN_INF, O_WRAP},
        {"fixed<16,6,AP_RND,SAT,3>", 16, 6, true, Q_RND, O_SAT},
        {"fixed<16,6,rnd,sat>", 16, 6, true, Q_RND, O_SAT},
        {"ap_int<8>", 8, 8, true, Q_TRN, O_WRAP},
        {"ap_uint<1>", 1, 1, false, Q_TRN, O_WRAP},
        {"int<32>", 32, 32, true, Q_TRN, O_WRAP},
        {"uint<5>", 5, 5, false, Q_TRN, O_WRAP},
        {"fixed<89,49>", 89, 49, true, Q_TRN, O_WRAP},
        {"ap_fixed<126,80,AP_RND,AP_SAT>", 126, 80, true, Q_RND, O_SAT},
        {"ap_ufixed<125,80>", 125, 80, false, Q_TRN, O_WRAP},
    };
    for (size_t k = 0; k < sizeof ok / sizeof ok[0]; k++) {
        FxType t;
        char err[128] = "";
        bool r = fx_parse(ok[k].text, &t, err, sizeof err);
        check(r && t.w == ok[k].w && t.i == ok[k].i && t.sgn == ok[k].sgn && t.q == ok[k].q &&
                  t.o == ok[k].o,
              "fx_parse(\"%s\") %s", ok[k].text, r ? "wrong fields" : err);
        if (r) { /* the canonical text parses back to the same type */
            char buf[64];
            FxType t2;
            fx_format(t, buf, sizeof buf);
            check(fx_parse(buf, &t2, err, sizeof err) && fx_equal(t, t2), "fx_format(%s) = %s",
                  ok[k].text, buf);
        }
    }
    static const char *const bad[] = {
        "", "ap_fixed", "ap_fixed<", "ap_fixed<16>", "ap_fixed<16,6", "ap_fixed<16,6>x",
        "ap_fixed<16,6>>", "ap_int<16,2>", "ap_fix<16,6>", "AP_FIXED<16,6>", "ap_fixed<0,0>",
        "ap_fixed<127,17>", "ap_ufixed<126,16>", "ap_fixed<-1,0>", "ap_fixed<16,17>", "ap_fixed<8,-41>",
        "ap_fixed<16,6,AP_RND_TRN>", "ap_fixed<16,6,AP_RND,AP_WRAP_SM>", "ap_fixed<16,6,AP_RND,AP_SAT,",
        "ap_fixed<16,6,TRN,WRAP,17>", "ap_fixed<16,6,TRN,WRAP,-1>", "ap_fixed<16,6,TRN,WRAP,1,2>",
        "ap_fixed<16.5,6>", "ap_fixed<16,6,>", "int<>", "uint<0>", "ap_int<127>", "ac_fixed<16,6,true>",
        "ap_fixed<16,,6>", "ap_fixed[16,6]", "ap_fixed<a,6>", "ap_fixed<99999999999999999999,6>",
        "16,6", "ap_fixed<16,6,AP_>",
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        FxType t = fix(5, 5);
        char err[128] = "";
        bool r = fx_parse(bad[k], &t, err, sizeof err);
        check(!r && err[0] != 0, "fx_parse(\"%s\") should fail with a message", bad[k]);
    }
}

/* ---------------------------------------------------------------- every Q and O mode */

/* An independent reference of cast_T: the modes by their definitions (docs/numerics.md,
 * Xilinx UG1399) on the exact rational raw / 2^s, then the overflow mode. */
static wide_t ref_cast(wide_t raw, int from, FxType t)
{
    int s = from - fx_frac(t);
    wide_t v;
    if (s <= 0) {
        v = raw * ((wide_t)1 << -s);
    } else {
        wide_t den = (wide_t)1 << s, fl = raw / den;
        if (fl * den > raw) fl -= 1;            /* floor */
        wide_t rem2 = 2 * (raw - fl * den);    /* 2 * remainder, compared with den */
        bool exact = rem2 == 0, tie = rem2 == den, above = rem2 > den, neg = raw < 0;
        bool up;
        switch (t.q) {
        case Q_TRN: up = false; break;
        case Q_TRN_ZERO: up = neg && !exact; break;
        case Q_RND: up = above || tie; break;
        case Q_RND_ZERO: up = above || (tie && neg); break;
        case Q_RND_INF: up = above || (tie && !neg); break;
        case Q_RND_MIN_INF: up = above; break;
        default: up = above || (tie && (fl % 2 != 0)); break;
        }
        v = fl + (up ? 1 : 0);
    }
    wide_t mx = t.sgn ? ((wide_t)1 << (t.w - 1)) - 1 : ((wide_t)1 << t.w) - 1, mn = t.sgn ? -mx - 1 : 0;
    wide_t lo = t.o == O_SAT_SYM && t.sgn && t.w > 1 ? mn + 1 : mn; /* SAT_SYM: [-max, max] */
    if (v >= lo && v <= mx) return v;
    wide_t m = (wide_t)1 << t.w, low = ((v % m) + m) % m; /* the low w bits, unsigned */
    switch (t.o) {
    case O_SAT: return v > mx ? mx : mn;
    case O_SAT_ZERO: return 0;
    case O_SAT_SYM: return v > mx ? mx : lo | (t.sgn ? 1 : 0); /* -max; ap_fixed<1,..>: -1 */
    default: break;
    }
    /* AP_WRAP with N saturation bits: the N MSBs are set to ones (positive overflow, unsigned)
     * or, signed, the MSB to the true sign and the next N-1 bits to its complement */
    for (int b = t.w - t.n; b < t.w; b++) {
        wide_t bit = (wide_t)1 << b;
        bool one = !t.sgn ? true : b == t.w - 1 ? v < 0 : v > 0;
        low = one ? (low | bit) : (low & ~bit);
    }
    return t.sgn && low > mx ? low - m : low;
}

static unsigned long long mode_rng = 88172645463325252ull;
static unsigned long long rnd64(void)
{
    mode_rng ^= mode_rng << 13;
    mode_rng ^= mode_rng >> 7;
    mode_rng ^= mode_rng << 17;
    return mode_rng;
}

/* fx_cast against ref_cast on random values and types, every Q, O and N */
static void test_modes_vs_reference(void)
{
    long bad = 0, n = 0;
    for (int it = 0; it < 200000; it++) {
        FxType t = ty(1 + (int)(rnd64() % 20), 0, rnd64() & 1, (QMode)(rnd64() % 7), (OMode)(rnd64() % 4));
        t.i = t.w - (int)(rnd64() % 12);
        t.n = t.o == O_WRAP && rnd64() % 2 ? (int)(rnd64() % (unsigned)(t.w + 1)) : 0;
        int from = (int)(rnd64() % 24);
        wide_t raw = (wide_t)(int64_t)rnd64() >> (rnd64() % 63);
        wide_t got = fx_cast(raw, from, t), want = ref_cast(raw, from, t);
        n++;
        if (got != want && bad++ < 5) {
            char txt[64];
            fx_format(t, txt, sizeof txt);
            printf("FAIL: fx_cast(%lld, %d, %s) = %lld, reference %lld\n", (long long)raw, from, txt,
                   (long long)got, (long long)want);
        }
    }
    check(bad == 0, "fx_cast: %ld of %ld random casts differ from the reference", bad, n);
    /* wide types (up to FX_MAX_ACCUM_W bits): values past 64 bits */
    bad = 0;
    for (int it = 0; it < 50000; it++) {
        FxType t = ty(60 + (int)(rnd64() % 67), 0, true, (QMode)(rnd64() % 7), (OMode)(rnd64() % 4));
        t.i = t.w - (int)(rnd64() % 40);
        t.n = t.o == O_WRAP ? (int)(rnd64() % 4) : 0;
        wide_t raw = ((wide_t)(int64_t)rnd64() * ((wide_t)1 << 63) + (wide_t)(rnd64() >> 1)) >> (rnd64() % 126);
        int from = (int)(rnd64() % 90);
        if (fx_cast(raw, from, t) != ref_cast(raw, from, t)) bad++;
    }
    check(bad == 0, "fx_cast: %ld of 50000 random wide casts differ from the reference", bad);
}

/* A two's complement bit string (MSB first) as a raw value. */
static wide_t bits_value(const char *b, bool sgn)
{
    size_t n = strlen(b);
    wide_t v = 0;
    for (size_t k = 0; k < n; k++) v = v * 2 + (b[k] == '1');
    if (sgn && b[0] == '1') v -= (wide_t)1 << n;
    return v;
}

/* The destination type of a line of cases.txt, parsed from hls4ml-style text (fx_parse too). */
static bool case_type(int w, int i, int sgn, const char *q, const char *o, int n, FxType *t)
{
    char txt[96], err[128];
    snprintf(txt, sizeof txt, "%s<%d,%d,%s,%s,%d>", sgn ? "fixed" : "ufixed", w, i, q, o, n);
    bool ok = fx_parse(txt, t, err, sizeof err);
    if (w < i) { /* rnnc has no types with fewer than 0 fractional bits: a clear error */
        check(!ok && strstr(err, "fractional bits"), "fx_parse(%s) should fail", txt);
        return false;
    }
    check(ok, "fx_parse(%s): %s", txt, err);
    return ok;
}

/* fx_cast and fx_from_double against tests/unit/ap_fixed/cases.txt, what the Xilinx headers
 * compute (tests/unit/ap_fixed/gen.py) */
static void test_ap_fixed_table(void)
{
    char path[4096];
    snprintf(path, sizeof path, "%s", __FILE__);
    char *slash = strrchr(path, '/');
    snprintf(slash ? slash + 1 : path, sizeof path - (size_t)(slash ? slash + 1 - path : 0), "ap_fixed/cases.txt");
    FILE *f = fopen(path, "r");
    check(f != NULL, "cannot open %s", path);
    if (!f) return;
    static char line[1 << 16];
    double xs[64];
    int nx = 0, lines = 0;
    long values = 0, bad = 0;
    while (fgets(line, sizeof line, f)) {
        char kind, q[16], o[16], *p = line + 1;
        int sw, si, ss, dw, di, ds, n, used;
        FxType t;
        if (line[0] == 'X') {
            for (nx = 0; nx < 64 && sscanf(p, " %la%n", &xs[nx], &used) == 1; nx++) p += used;
            continue;
        }
        kind = line[0];
        if (kind == 'D') {
            if (sscanf(p, "%d %d %d %15s %15s %d%n", &dw, &di, &ds, q, o, &n, &used) != 6) continue;
        } else if (kind == 'C' || kind == 'W') {
            if (sscanf(p, "%d %d %d %d %d %d %15s %15s %d%n", &sw, &si, &ss, &dw, &di, &ds, q, o, &n, &used) != 9) continue;
        } else {
            continue;
        }
        p += used;
        if (!case_type(dw, di, ds, q, o, n, &t)) continue;
        lines++;
        if (kind == 'C' || kind == 'D') {
            long long want;
            wide_t lo = ss ? -((wide_t)1 << (sw - 1)) : 0;
            for (int k = 0; sscanf(p, " %lld%n", &want, &used) == 1; k++, p += used) {
                wide_t got = kind == 'C' ? fx_cast(lo + k, sw - si, t) : k < nx ? fx_from_double(xs[k], t) : want + 1;
                values++;
                if (got != want && bad++ < 5)
                    printf("FAIL: ap_fixed table %c %s %s %s %d: value %d: got %lld, want %lld\n", kind, line + 2 - 1, q, o,
                           n, k, (long long)got, want);
            }
        } else {
            char in[160], out[160];
            if (sscanf(p, " %159s %159s", in, out) != 2) continue;
            values++;
            if (fx_cast(bits_value(in, ss), sw - si, t) != bits_value(out, true) && bad++ < 5)
                printf("FAIL: ap_fixed table wide %s", line);
        }
    }
    fclose(f);
    check(lines > 1000 && values > 50000, "ap_fixed table: only %d lines, %ld values", lines, values);
    check(bad == 0, "ap_fixed table: %ld of %ld values differ from the Xilinx headers", bad, values);
    if (verbose) printf("ap_fixed table: %d types, %ld values\n", lines, values);
}

/* ---------------------------------------------------------------- trunc0 */

static void test_trunc0(void)
{
    CHECK_EQ(fx_trunc0_shift(7, 1), 3, "7/2");
    CHECK_EQ(fx_trunc0_shift(-7, 1), -3, "-7/2 toward zero");
    CHECK_EQ(fx_trunc0_shift(-1, 1), 0, "-1/2 toward zero");
    CHECK_EQ(fx_trunc0_shift(-8, 2), -2, "-8/4 exact");
    CHECK_EQ(fx_trunc0_shift(-9, 2), -2, "-9/4");
    CHECK_EQ(fx_trunc0_shift(5, 0), 5, "shift 0");
    CHECK_EQ(fx_trunc0_shift(3, -2), 12, "negative shift multiplies");
    CHECK_EQ(fx_trunc0_shift(-3, -2), -12, "negative shift, negative value");
    CHECK_EQ(fx_trunc0_shift(-((wide_t)1 << 100) - 1, 100), -1, "wide");
}

/* ---------------------------------------------------------------- tables */

static Layer table_layer(int n)
{
    Layer l;
    memset(&l, 0, sizeof l);
    strcpy(l.name, "t");
    l.table_size = n;
    l.ty.result = fix(16, 6);
    l.ty.table = fix(18, 8);
    l.units = l.out_feat = 3;
    return l;
}

/* table_mirror (rnnc_activation TABLE_MIRROR): the lower half of a truncated sigmoid or tanh is
 * its upper half's complement, and every other table is refused (a wrong mirror would be a
 * wrong table in the RTL). */
static void test_table_mirror(void)
{
    uint64_t mask = 0, e0 = 0;
    Layer l = table_layer(1024);
    const Table *sg = table_for(&l, ACT_SIGMOID), *th = table_for(&l, ACT_TANH);
    check(table_mirror(sg, &mask, &e0), "a truncated sigmoid mirrors");
    CHECK_EQ((long long)mask, 0x3ff, "sigmoid: 1 - s truncated is (2^F - 1) - s, the low F bits complemented");
    CHECK_EQ((long long)e0, sg->entries[0], "sigmoid: entry 0");
    check(table_mirror(th, &mask, &e0), "a truncated tanh mirrors");
    CHECK_EQ((long long)mask, 0xffff, "tanh: -t truncated is ~t");
    CHECK_EQ((long long)e0, 0xfc00, "tanh: entry 0 = -1 (16 bits)");
    int bad = 0;
    for (int k = 1; k < 512; k++)
        bad += ((sg->entries[512 - k] ^ sg->entries[512 + k]) & 0xffff) != 0x3ff ||
               ((th->entries[512 - k] ^ th->entries[512 + k]) & 0xffff) != 0xffff;
    CHECK_EQ(bad, 0, "the rule holds entry by entry");
    check(!table_mirror(table_for(&l, ACT_HARD_SIGMOID), &mask, &e0), "hard_sigmoid: exact entries, no mirror");
    check(!table_mirror(table_exp(&l), &mask, &e0), "exp: not centred");
    Layer lr = table_layer(1024);
    lr.ty.table = fix(18, 8);
    lr.ty.table.q = Q_RND;
    lr.ty.result.q = Q_RND; /* rounded entries: 1 - s rounds to 2^F - s, not a complement */
    check(!table_mirror(table_for(&lr, ACT_SIGMOID), &mask, &e0), "rounded sigmoid: no mirror");
    Layer l8 = table_layer(8), l4 = table_layer(4);
    check(table_mirror(table_for(&l8, ACT_TANH), &mask, &e0), "8 entries: the smallest mirrored table");
    check(!table_mirror(table_for(&l4, ACT_TANH), &mask, &e0), "4 entries: too small");
    /* one entry off breaks it */
    Table t = *sg;
    int64_t *e = xcalloc((size_t)t.n, sizeof *e);
    memcpy(e, sg->entries, (size_t)t.n * sizeof *e);
    t.entries = e;
    e[100] += 1;
    check(!table_mirror(&t, &mask, &e0), "a changed lower entry: no mirror");
    e[100] -= 1;
    e[511 + 1 + 300] ^= 4;
    check(!table_mirror(&t, &mask, &e0), "a changed upper entry: no mirror");
    free(e);
}

static void test_tables(void)
{
    Layer l = table_layer(1024);
    const Table *sg = table_for(&l, ACT_SIGMOID), *th = table_for(&l, ACT_TANH);
    const Table *hs = table_for(&l, ACT_HARD_SIGMOID);
    check(table_for(&l, ACT_LINEAR) == NULL && table_for(&l, ACT_RELU) == NULL, "no table for linear/relu");
    check(sg == table_for(&l, ACT_SIGMOID) && sg != th && sg != hs, "tables are cached per activation");
    Layer l2 = table_layer(1024);
    check(table_for(&l2, ACT_TANH) == th, "an identical layer shares the table");
    l2.ty.result = fix(12, 4);
    check(table_for(&l2, ACT_TANH) != th, "a different result type gets its own table");
    CHECK_EQ(sg->n, 1024, "sigmoid n");
    CHECK_EQ(sg->scale_shift, 6, "sigmoid S = 1024/16");
    CHECK_EQ(sg->offset, 512, "sigmoid offset");
    CHECK_EQ(th->scale_shift, 7, "tanh S = 1024/8");
    CHECK_EQ(th->offset, 512, "tanh offset");
    check(fx_equal(sg->out, fix(16, 6)), "table out = result type");
    CHECK_EQ(sg->entries[512], 512, "sigmoid(0) = 0.5");
    CHECK_EQ(th->entries[512], 0, "tanh(0) = 0");
    CHECK_EQ(hs->entries[512], 512, "hard_sigmoid(0) = 0.5");
    CHECK_EQ(hs->entries[0], 0, "hard_sigmoid(-8) = 0");
    CHECK_EQ(hs->entries[1023], 1024, "hard_sigmoid(8-1/64) = 1");
    /* hard_sigmoid(-2.5 + k/64) is 0.2*(k/64): entry at x = -1 (k = 448) is 0.3 -> floor(307.2) */
    CHECK_EQ(hs->entries[448], 307, "hard_sigmoid(-1) = 0.3 truncated");
    /* every entry is cast_R(cast_table(f(lo + k/S))) */
    int bad = 0;
    for (int k = 0; k < 1024; k++) {
        double x = -8 + k / 64.0;
        int64_t want = fx_cast(fx_from_double(1 / (1 + exp(-x)), fix(18, 8)), 10, fix(16, 6));
        bad += sg->entries[k] != want;
        x = -4 + k / 128.0;
        want = fx_cast(fx_from_double(tanh(x), fix(18, 8)), 10, fix(16, 6));
        bad += th->entries[k] != want;
    }
    CHECK_EQ(bad, 0, "entries follow the formula");
    int mono = 0;
    for (int k = 1; k < 1024; k++)
        mono += sg->entries[k] < sg->entries[k - 1] || th->entries[k] < th->entries[k - 1] ||
                hs->entries[k] < hs->entries[k - 1];
    CHECK_EQ(mono, 0, "tables are monotone");
    check(sg->entries[1023] > sg->entries[0], "sigmoid table rises");
    /* indexing, input <16,6> (10 fractional bits): index = trunc0(v * 64) + 512 */
    CHECK_EQ(table_lookup(sg, 0, 10), sg->entries[512], "v = 0");
    CHECK_EQ(table_lookup(sg, 16, 10), sg->entries[513], "v = 1/64, on a bin edge");
    CHECK_EQ(table_lookup(sg, 15, 10), sg->entries[512], "v just below 1/64");
    CHECK_EQ(table_lookup(sg, -15, 10), sg->entries[512], "v = -15/1024 truncates toward zero");
    CHECK_EQ(table_lookup(sg, -16, 10), sg->entries[511], "v = -1/64, on a bin edge");
    CHECK_EQ(table_lookup(sg, -17, 10), sg->entries[511], "v just below -1/64 (toward zero)");
    CHECK_EQ(table_lookup(sg, -8 * 1024, 10), sg->entries[0], "v = -8: first entry");
    CHECK_EQ(table_lookup(sg, -8 * 1024 - 16, 10), sg->entries[0], "v = -8 - 1/64");
    CHECK_EQ(table_lookup(sg, -8 * 1024 - 17, 10), sg->entries[0], "below -8 clamps");
    CHECK_EQ(table_lookup(sg, -32768, 10), sg->entries[0], "v = -32 clamps low");
    CHECK_EQ(table_lookup(sg, 8 * 1024 - 1, 10), sg->entries[1023], "v just below 8");
    CHECK_EQ(table_lookup(sg, 8 * 1024, 10), sg->entries[1023], "v = 8 clamps high");
    CHECK_EQ(table_lookup(sg, (wide_t)1 << 90, 10), sg->entries[1023], "huge v clamps high");
    CHECK_EQ(table_lookup(sg, 1, 0), sg->entries[512 + 64], "integer input, frac 0");
    CHECK_EQ(table_lookup(th, -3, 8), th->entries[511], "tanh -3/256 -> trunc0(-1.5) = -1");
    /* a 2-entry table: S = 1/8 (negative scale_shift), entry 0 is f(-8), entry 1 is f(0) */
    Layer l3 = table_layer(2);
    const Table *s2 = table_for(&l3, ACT_SIGMOID);
    CHECK_EQ(s2->scale_shift, -3, "N=2 scale_shift");
    CHECK_EQ(s2->offset, 1, "N=2 offset");
    CHECK_EQ(table_lookup(s2, -7 * 1024, 10), s2->entries[1], "N=2: -7 truncates to bin 1");
    CHECK_EQ(table_lookup(s2, -8 * 1024, 10), s2->entries[0], "N=2: -8 is bin 0");
    CHECK_EQ(table_lookup(s2, 100 * 1024, 10), s2->entries[1], "N=2: clamps high");
    CHECK_EQ(s2->entries[1], 512, "N=2: entry 1 = sigmoid(0)");
    /* softmax exp table: index trunc0(d * 128) + 1023, entry k = exp((k - 1023) / 128) */
    const Table *te = table_exp(&l);
    check(te == table_exp(&l) && fx_equal(te->out, fix(18, 8)), "exp table cached, table type");
    CHECK_EQ(te->entries[1023], 1024, "exp(0) = 1");
    CHECK_EQ(table_lookup(te, 0, 10), 1024, "d = 0");
    CHECK_EQ(table_lookup(te, -7, 10), 1024, "d = -7/1024 truncates to bin 1023");
    CHECK_EQ(table_lookup(te, -8, 10), te->entries[1022], "d = -1/128");
    CHECK_EQ(table_lookup(te, -8 * 1024, 10), te->entries[0], "d = -8 -> trunc0(-1024)+1023 clamps");
    CHECK_EQ(te->entries[1022], fx_from_double(exp(-1 / 128.0), fix(18, 8)), "exp entry 1022");
    /* reciprocal table for 3 outputs: R = 4, index trunc0(s * 256), entry 1/((k+0.5)/256) */
    const Table *ti = table_inv(&l);
    CHECK_EQ(ti->scale_shift, 8, "inv scale for R = 4");
    CHECK_EQ(table_lookup(ti, 1024, 10), ti->entries[256], "s = 1");
    CHECK_EQ(ti->entries[256], fx_from_double(256 / 256.5, fix(18, 8)), "1/1.00195");
    CHECK_EQ(table_lookup(ti, 4 * 1024, 10), ti->entries[1023], "s = 4 clamps");
    l.units = l.out_feat = 4; /* R = 8: strictly above the number of outputs */
    CHECK_EQ(table_inv(&l)->scale_shift, 7, "inv scale for R = 8");
}

/* ---------------------------------------------------------------- model building */

#define MAX_LAYERS 8

typedef struct {
    Model m;
    Layer layers[MAX_LAYERS];
} Net;

static uint64_t rng_state;

static double urand(void) /* uniform [0, 1), xorshift64* */
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (double)((rng_state * 2685821657736338717ULL) >> 11) * 0x1p-53;
}

/* Types and table size add() gives new layers (the defaults unless a test changes them). */
static FxType g_prec = {16, 6, true, Q_TRN, O_WRAP, 0}, g_table = {18, 8, true, Q_TRN, O_WRAP, 0};
static int g_table_size = 1024;

static void net_init(Net *n, int timesteps, int features)
{
    memset(n, 0, sizeof *n);
    n->m.timesteps = timesteps;
    n->m.features = features;
    n->m.precision = n->m.input_type = g_prec;
    n->m.layers = n->layers;
    snprintf(n->m.name, sizeof n->m.name, "test");
}

static Layer *add(Net *n, LayerKind kind, int units, ActKind act)
{
    if (n->m.n_layers == MAX_LAYERS) BUG("too many layers");
    Layer *l = &n->layers[n->m.n_layers];
    l->kind = kind;
    snprintf(l->name, sizeof l->name, "l%d", n->m.n_layers);
    l->json_index = n->m.n_layers++;
    l->units = units;
    l->act = act;
    l->ract = ACT_SIGMOID;
    l->reset_after = true;
    l->reuse = 1;
    l->table_size = g_table_size;
    l->gates = kind == L_LSTM ? 4 : kind == L_GRU ? 3 : 1;
    FxType p = n->m.precision;
    LayerTypes t = {p, p, p, p, p, p, g_table};
    l->ty = t;
    return l;
}

static bool is_recurrent(const Layer *l)
{
    return l->kind == L_LSTM || l->kind == L_GRU || l->kind == L_SIMPLE_RNN;
}

static bool has_weights(const Layer *l) { return l->kind == L_DENSE || is_recurrent(l); }

/* What check.c does: shapes of every layer, the model's output shape and type. Then
 * allocates zeroed weights. */
static void net_shapes(Net *n)
{
    bool seq = true;
    int steps = n->m.timesteps, feat = n->m.features;
    FxType t = n->m.input_type;
    for (int i = 0; i < n->m.n_layers; i++) {
        Layer *l = &n->layers[i];
        l->in_seq = seq;
        l->in_steps = seq ? steps : 1;
        l->in_feat = feat;
        switch (l->kind) {
        case L_DENSE: feat = l->units; t = l->ty.result; break;
        case L_ACTIVATION: t = l->ty.result; break;
        case L_FLATTEN: feat *= steps; steps = 1; seq = false; break;
        case L_DROPOUT: break;
        default: feat = l->units; seq = l->return_sequences; steps = seq ? steps : 1; t = l->ty.result; break;
        }
        l->out_seq = seq;
        l->out_steps = steps;
        l->out_feat = feat;
        if (has_weights(l)) {
            size_t gu = (size_t)l->gates * (size_t)l->units;
            l->kernel = xcalloc((size_t)l->in_feat * gu, sizeof(double));
            l->bias = xcalloc(gu, sizeof(double));
            if (is_recurrent(l)) l->rkernel = xcalloc((size_t)l->units * gu, sizeof(double));
            if (l->kind == L_GRU && l->reset_after) l->rbias = xcalloc(gu, sizeof(double));
        }
    }
    n->m.out_seq = seq;
    n->m.out_steps = steps;
    n->m.out_feat = feat;
    n->m.out_type = t;
}

static void fill(double *v, size_t count, double lim)
{
    for (size_t k = 0; k < count; k++) v[k] = (2 * urand() - 1) * lim;
}

/* Seeded random weights within +-0.5/sqrt(fan_in). */
static void net_random(Net *n)
{
    for (int i = 0; i < n->m.n_layers; i++) {
        Layer *l = &n->layers[i];
        if (!has_weights(l)) continue;
        size_t gu = (size_t)l->gates * (size_t)l->units;
        double lim = 0.5 / sqrt(l->in_feat);
        fill(l->kernel, (size_t)l->in_feat * gu, lim);
        fill(l->bias, gu, lim);
        if (l->rkernel) fill(l->rkernel, (size_t)l->units * gu, 0.5 / sqrt(l->units));
        if (l->rbias) fill(l->rbias, gu, lim);
    }
}

static int64_t *quant(const double *v, size_t count, FxType t)
{
    if (!v) return NULL;
    int64_t *q = xcalloc(count, sizeof *q);
    for (size_t k = 0; k < count; k++) q[k] = fx_from_double(v[k], t);
    return q;
}

/* What quantize.c does. */
static void net_quantize(Net *n)
{
    for (int i = 0; i < n->m.n_layers; i++) {
        Layer *l = &n->layers[i];
        size_t gu = (size_t)l->gates * (size_t)l->units;
        l->qkernel = quant(l->kernel, (size_t)l->in_feat * gu, l->ty.weight);
        l->qrkernel = quant(l->rkernel, (size_t)l->units * gu, l->ty.rweight);
        l->qbias = quant(l->bias, gu, l->ty.bias);
        l->qrbias = quant(l->rbias, gu, l->ty.bias);
    }
}

static void net_free(Net *n)
{
    for (int i = 0; i < n->m.n_layers; i++) {
        Layer *l = &n->layers[i];
        free(l->kernel);
        free(l->rkernel);
        free(l->bias);
        free(l->rbias);
        free(l->qkernel);
        free(l->qrkernel);
        free(l->qbias);
        free(l->qrbias);
    }
}

static int n_out(const Net *n) { return n->m.out_seq ? n->m.out_steps * n->m.out_feat : n->m.out_feat; }

/* Runs both emulators on one input; returns max |fixed - float|. */
static double run_both(const Net *n, const double *in, int64_t *q, double *d)
{
    emulate_fixed(&n->m, in, q);
    emulate_float(&n->m, in, d);
    double err = 0;
    for (int j = 0; j < n_out(n); j++) {
        double e = fabs(fx_to_double(q[j], n->m.out_type) - d[j]);
        if (e > err) err = e;
    }
    return err;
}

/* ---------------------------------------------------------------- emulator: exact cases */

static void test_dense_exact(void)
{
    Net n;
    net_init(&n, 1, 2);
    Layer *l = add(&n, L_DENSE, 1, ACT_LINEAR);
    net_shapes(&n);
    /* y = 0.5*0.75 + 1.25*(-2) + 0.125 = -2 */
    l->kernel[0] = 0.75;
    l->kernel[1] = -2.0;
    l->bias[0] = 0.125;
    net_quantize(&n);
    double in[2] = {0.5, 1.25}, d;
    int64_t q, qin[2];
    emulate_fixed(&n.m, in, &q);
    CHECK_EQ(q, -2048, "dense exact -2.0");
    emulate_float(&n.m, in, &d);
    check(d == -2.0, "dense float -2.0 (got %g)", d);
    quantize_input(&n.m, in, qin);
    CHECK_EQ(qin[0], 512, "quantize_input 0.5");
    CHECK_EQ(qin[1], 1280, "quantize_input 1.25");

    /* every product is cast to accum on its own: (1/1024)*0.5 truncates to 0 twice, while
     * AP_RND rounds each half-ulp up to one ulp. */
    in[0] = in[1] = 1.0 / 1024;
    l->qkernel[0] = l->qkernel[1] = 512;
    l->qbias[0] = 0;
    emulate_fixed(&n.m, in, &q);
    CHECK_EQ(q, 0, "products truncated separately");
    l->ty.accum.q = Q_RND;
    emulate_fixed(&n.m, in, &q);
    CHECK_EQ(q, 2, "products rounded separately");
    l->ty.accum.q = Q_TRN;

    /* the sum wraps (or saturates) once, at the end: 31 + 31 = 62 -> 62 - 64 = -2 */
    in[0] = in[1] = 31.0;
    l->qkernel[0] = l->qkernel[1] = 1024;
    emulate_fixed(&n.m, in, &q);
    CHECK_EQ(q, -2048, "accum wraps");
    l->ty.accum.o = O_SAT;
    emulate_fixed(&n.m, in, &q);
    CHECK_EQ(q, 32767, "accum saturates");
    /* 31 + 31 - 31: saturating only at the end gives the exact 31 */
    l->qbias[0] = -31 * 1024;
    emulate_fixed(&n.m, in, &q);
    CHECK_EQ(q, 31 * 1024, "accum saturates once, after the exact sum");
    l->ty.accum.o = O_WRAP;
    l->qbias[0] = 0;

    /* relu of a negative sum; sigmoid of 0 */
    in[0] = 1.0;
    in[1] = 0.0;
    l->qkernel[0] = -1024;
    l->act = ACT_RELU;
    emulate_fixed(&n.m, in, &q);
    CHECK_EQ(q, 0, "relu(-1)");
    l->qkernel[0] = 0;
    l->act = ACT_SIGMOID;
    emulate_fixed(&n.m, in, &q);
    CHECK_EQ(q, 512, "sigmoid(0)");
    net_free(&n);
}

static void test_simple_rnn_exact(void)
{
    Net n;
    net_init(&n, 2, 1);
    Layer *l = add(&n, L_SIMPLE_RNN, 1, ACT_LINEAR);
    l->return_sequences = true;
    net_shapes(&n);
    l->kernel[0] = 0.5;
    l->rkernel[0] = 0.25;
    l->bias[0] = 0.125;
    net_quantize(&n);
    double in[2] = {1.0, 2.0}, d[2];
    int64_t q[2];
    /* h1 = 0.5 + 0.125 = 0.625; h2 = 1.0 + 0.125 + 0.625 * 0.25 = 1.28125 */
    emulate_fixed(&n.m, in, q);
    CHECK_EQ(q[0], 640, "simple_rnn h1");
    CHECK_EQ(q[1], 1312, "simple_rnn h2");
    emulate_float(&n.m, in, d);
    check(d[0] == 0.625 && d[1] == 1.28125, "simple_rnn float");
    /* go_backwards: h1 = 1.0 + 0.125 = 1.125 (from x = 2), h2 = 0.5 + 0.125 + 1.125 * 0.25 */
    l->go_backwards = true;
    emulate_fixed(&n.m, in, q);
    CHECK_EQ(q[0], 1152, "go_backwards h1 is first in the output");
    CHECK_EQ(q[1], 928, "go_backwards h2");
    l->go_backwards = false;
    /* U = 0.3 quantizes to 307/1024: h1 * U = 640 * 307 / 2^20 = 191.875 ulp -> 191 */
    l->qrkernel[0] = fx_from_double(0.3, l->ty.rweight);
    CHECK_EQ(l->qrkernel[0], 307, "U quantized");
    emulate_fixed(&n.m, in, q);
    CHECK_EQ(q[1], 1024 + 128 + 191, "simple_rnn truncated recurrent product");
    net_free(&n);
}

static void test_lstm_exact(void)
{
    Net n;
    net_init(&n, 2, 1);
    Layer *l = add(&n, L_LSTM, 1, ACT_LINEAR);
    l->ract = ACT_LINEAR;
    l->return_sequences = true;
    l->ty.state = fix(20, 8); /* 12 fractional bits: c and h align differently */
    net_shapes(&n);
    double w[4] = {0.5, 0.5, 1.0, 0.75}; /* i f c o */
    memcpy(l->kernel, w, sizeof w);
    net_quantize(&n);
    double in[2] = {1.0, 2.0}, d[2];
    int64_t q[2];
    /* t1: i=.5 f=.5 g=1 o=.75: c = .5, h = .375; t2: i=1 f=1 g=2 o=1.5: c = 2.5, h = 3.75 */
    emulate_fixed(&n.m, in, q);
    CHECK_EQ(q[0], 384, "lstm h1");
    CHECK_EQ(q[1], 3840, "lstm h2");
    emulate_float(&n.m, in, d);
    check(d[0] == 0.375 && d[1] == 3.75, "lstm float");
    /* the state type saturates: c = 2.5 in ap_fixed<8,2,TRN,SAT> is 127/64 -> h = 1.5 * c */
    l->ty.state = ty(8, 2, true, Q_TRN, O_SAT);
    emulate_fixed(&n.m, in, q);
    CHECK_EQ(q[1], 3 * 127 * 1024 / 128, "lstm state saturates");
    net_free(&n);
}

static void test_gru_exact(void)
{
    /* one unit, one step, x = 1, linear activations, W = (z .5, r .5, h 1), h0 = 0.
     * reset_after true with recurrent bias (0, .5, 1): z = .5, r = 1, hu = 1,
     *   hh = 1 + r * hu = 2, h = (1 - z) * hh = 1.
     * reset_after false (no recurrent bias; r * h0 = 0): z = .5, hh = 1, h = .5. */
    for (int ra = 0; ra < 2; ra++) {
        Net n;
        net_init(&n, 1, 1);
        Layer *l = add(&n, L_GRU, 1, ACT_LINEAR);
        l->ract = ACT_LINEAR;
        l->reset_after = ra;
        net_shapes(&n);
        l->kernel[0] = 0.5;
        l->kernel[1] = 0.5;
        l->kernel[2] = 1.0;
        l->rkernel[0] = l->rkernel[1] = l->rkernel[2] = 0.75;
        if (ra) {
            l->rbias[1] = 0.5;
            l->rbias[2] = 1.0;
        }
        net_quantize(&n);
        double in = 1.0, d;
        int64_t q;
        emulate_fixed(&n.m, &in, &q);
        emulate_float(&n.m, &in, &d);
        CHECK_EQ(q, ra ? 1024 : 512, ra ? "gru reset_after h" : "gru reset_before h");
        check(d == (ra ? 1.0 : 0.5), "gru float reset_after=%d: %g", ra, d);
        net_free(&n);
    }
    /* two steps, reset_after false, exact: h1 = .5 (as above);
     * t2 (x = 1, U = .75 everywhere): pre_z = .5 + .375 = .875, pre_r = .875,
     * rh = .875 * .5 = .4375, pre_hh = 1 + .4375 * .75 = 1.328125,
     * h = .875 * .5 + .125 * 1.328125 = .603515625 = 618/1024 */
    Net n;
    net_init(&n, 2, 1);
    Layer *l = add(&n, L_GRU, 1, ACT_LINEAR);
    l->ract = ACT_LINEAR;
    l->reset_after = false;
    net_shapes(&n);
    l->kernel[0] = 0.5;
    l->kernel[1] = 0.5;
    l->kernel[2] = 1.0;
    l->rkernel[0] = l->rkernel[1] = l->rkernel[2] = 0.75;
    net_quantize(&n);
    double in[2] = {1.0, 1.0}, d;
    int64_t q;
    emulate_fixed(&n.m, in, &q);
    emulate_float(&n.m, in, &d);
    CHECK_EQ(q, 618, "gru reset_before two steps");
    check(d == 0.603515625, "gru float two steps: %.10g", d);
    net_free(&n);
}

/* go_backwards == the forward layer on the reversed sequence, bit for bit (every kind). */
static void test_go_backwards(void)
{
    LayerKind kinds[] = {L_SIMPLE_RNN, L_LSTM, L_GRU};
    for (int k = 0; k < 3; k++)
        for (int rs = 0; rs < 2; rs++) {
            Net n;
            net_init(&n, 5, 3);
            rng_state = 0x9e3779b97f4a7c15ULL + (uint64_t)k;
            Layer *l = add(&n, kinds[k], 4, ACT_TANH);
            l->return_sequences = rs;
            net_shapes(&n);
            net_random(&n);
            net_quantize(&n);
            double in[15], rev[15];
            for (int i = 0; i < 15; i++) in[i] = urand();
            for (int t = 0; t < 5; t++) memcpy(rev + 3 * t, in + 3 * (4 - t), 3 * sizeof(double));
            int64_t qa[20], qb[20];
            double da[20], db[20];
            l->go_backwards = true;
            emulate_fixed(&n.m, in, qa);
            emulate_float(&n.m, in, da);
            l->go_backwards = false;
            emulate_fixed(&n.m, rev, qb);
            emulate_float(&n.m, rev, db);
            check(!memcmp(qa, qb, (size_t)n_out(&n) * sizeof *qa), "go_backwards %s rs=%d fixed",
                  layer_kind_name(kinds[k]), rs);
            check(!memcmp(da, db, (size_t)n_out(&n) * sizeof *da), "go_backwards %s rs=%d float",
                  layer_kind_name(kinds[k]), rs);
            net_free(&n);
        }
}

/* ---------------------------------------------------------------- emulator vs float */

typedef struct {
    const char *name;
    double tol;     /* bound on max |fixed - float|: defaults (ap_fixed<16,6>, 1024 entries) */
    double tol_wide;/* the same with ap_fixed<32,10> everywhere and 65536-entry tables */
    void (*build)(Net *n);
} Case;

static void b_dense_seq_softmax(Net *n)
{
    add(n, L_DENSE, 8, ACT_RELU);
    add(n, L_FLATTEN, 0, ACT_LINEAR);
    add(n, L_DENSE, 3, ACT_SOFTMAX);
}
static void b_lstm(Net *n)
{
    add(n, L_LSTM, 8, ACT_TANH);
    add(n, L_DENSE, 1, ACT_SIGMOID);
}
static void b_lstm_stack(Net *n)
{
    add(n, L_LSTM, 6, ACT_TANH)->return_sequences = true;
    add(n, L_DROPOUT, 0, ACT_LINEAR);
    add(n, L_LSTM, 4, ACT_TANH);
    add(n, L_DENSE, 2, ACT_LINEAR);
}
static void b_lstm_back_seq(Net *n)
{
    Layer *l = add(n, L_LSTM, 5, ACT_TANH);
    l->go_backwards = true;
    l->return_sequences = true;
}
static void b_gru_after(Net *n)
{
    add(n, L_GRU, 8, ACT_TANH);
    add(n, L_DENSE, 3, ACT_SOFTMAX);
}
static void b_gru_before(Net *n)
{
    add(n, L_GRU, 8, ACT_TANH)->reset_after = false;
    add(n, L_DENSE, 2, ACT_LINEAR);
}
static void b_gru_hard(Net *n)
{
    Layer *l = add(n, L_GRU, 6, ACT_TANH);
    l->ract = ACT_HARD_SIGMOID;
    l->go_backwards = true;
    l->return_sequences = true;
}
static void b_rnn(Net *n)
{
    Layer *l = add(n, L_SIMPLE_RNN, 8, ACT_TANH);
    l->go_backwards = true;
    l->return_sequences = true;
    add(n, L_FLATTEN, 0, ACT_LINEAR);
    add(n, L_DENSE, 2, ACT_LINEAR);
}
static void b_rnn_relu_act(Net *n)
{
    add(n, L_SIMPLE_RNN, 6, ACT_RELU)->return_sequences = true;
    add(n, L_DENSE, 4, ACT_LINEAR);
    add(n, L_ACTIVATION, 0, ACT_SIGMOID);
    add(n, L_FLATTEN, 0, ACT_LINEAR);
}
static void b_flatten_dense(Net *n)
{
    add(n, L_FLATTEN, 0, ACT_LINEAR);
    add(n, L_DENSE, 6, ACT_HARD_SIGMOID);
    add(n, L_DENSE, 4, ACT_SOFTMAX);
}

/* Tolerances, measured with tests/unit/run.sh -v (8 steps of 4 features, 200 seeded random
 * sequences in [0,1]; measured maxima in brackets) and set to about 1.5-2x the measurement.
 *
 * Defaults (ap_fixed<16,6>, ulp 2^-10 ~ 0.001; tables ap_fixed<18,8>, 1024 entries): one table
 * lookup is off by up to bin width x slope, and since trunc0 picks the entry nearer zero the
 * error always shrinks |f|: tanh 1/128 (0.008), sigmoid 1/64 x 1/4 (0.004), plus 1-2 ulp
 * of entry casts; every product cast truncates (-1 ulp each, so ~n ulps per pre-activation).
 * One layer of lookups then gives ~0.005; recurrent layers compound it through the recurrent
 * kernel every step (~0.015), and a flatten + dense over 8 x 8 such h values adds 64 biased
 * errors of 0.01-0.02 weighted by |w| <= 1/16 (the simple_rnn case, 0.04).
 *
 * Wide (ap_fixed<32,10> everywhere, 65536-entry tables): bins are 64x narrower and the ulp
 * 4096x smaller, so the error must fall by about 64x as well: 5e-4 (at most 1.6e-4 measured).
 * A cast in the wrong place or an off-by-one index would not converge. */
static const Case cases[] = {
    {"dense(seq,relu) flatten dense(softmax)", 0.01, 5e-4, b_dense_seq_softmax},   /* 0.0035 */
    {"lstm dense(sigmoid)", 0.01, 5e-4, b_lstm},                                    /* 0.0033 */
    {"lstm(seq) dropout lstm dense", 0.01, 5e-4, b_lstm_stack},                     /* 0.0052 */
    {"lstm(go_backwards,seq)", 0.025, 5e-4, b_lstm_back_seq},                       /* 0.0136 */
    {"gru(reset_after) dense(softmax)", 0.01, 5e-4, b_gru_after},                   /* 0.0044 */
    {"gru(reset_before) dense", 0.01, 5e-4, b_gru_before},                          /* 0.0034 */
    {"gru(hard_sigmoid,go_backwards,seq)", 0.025, 5e-4, b_gru_hard},                /* 0.0150 */
    {"simple_rnn(go_backwards,seq) flatten dense", 0.06, 5e-4, b_rnn},              /* 0.0400 */
    {"simple_rnn(relu,seq) dense activation(sigmoid) flatten", 0.01, 5e-4, b_rnn_relu_act}, /* 0.0055 */
    {"flatten dense(hard_sigmoid) dense(softmax)", 0.01, 5e-4, b_flatten_dense},   /* 0.0023 */
};

static bool verbose;

static void vs_float(bool wide)
{
    enum { T = 8, F = 4, N_SEQ = 200 };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        double tol = wide ? cases[c].tol_wide : cases[c].tol;
        Net n;
        net_init(&n, T, F);
        rng_state = 0x2545f4914f6cdd1dULL * (c + 1);
        cases[c].build(&n);
        net_shapes(&n);
        net_random(&n);
        net_quantize(&n);
        int no = n_out(&n);
        int64_t *q = xcalloc((size_t)no, sizeof *q);
        double *d = xcalloc((size_t)no, sizeof *d), in[T * F], worst = 0;
        bool softmax_ok = true;
        for (int s = 0; s < N_SEQ; s++) {
            for (int i = 0; i < T * F; i++) in[i] = urand();
            double e = run_both(&n, in, q, d);
            if (e > worst) worst = e;
            const Layer *last = &n.layers[n.m.n_layers - 1];
            if (last->act == ACT_SOFTMAX) {
                double sq = 0, sd = 0;
                for (int j = 0; j < no; j++) {
                    double v = fx_to_double(q[j], n.m.out_type);
                    softmax_ok &= v >= 0 && v <= 1;
                    sq += v;
                    sd += d[j];
                }
                /* each e_j * inv is truncated (< 1 ulp each) and inv's bin is 1/256 wide
                 * around s >= 1 (relative error < 0.4%) */
                softmax_ok &= fabs(sq - 1) < 0.01 && fabs(sd - 1) < 1e-12;
            }
        }
        if (verbose)
            printf("  %-5s %-56s max |fixed - float| = %.6f (tolerance %g)\n", wide ? "wide" : "16,6",
                   cases[c].name, worst, tol);
        check(worst <= tol, "%s%s: max |fixed - float| = %g > %g", cases[c].name,
              wide ? " (wide)" : "", worst, tol);
        check(softmax_ok, "%s: softmax outputs in [0,1] summing to ~1", cases[c].name);
        free(q);
        free(d);
        net_free(&n);
    }
}

static void test_vs_float(void)
{
    vs_float(false);
    /* Widening every type and table must make the emulator converge to the float model:
     * this catches a misplaced cast or index that the default tolerance could hide. */
    g_prec = g_table = fix(32, 10);
    g_table_size = 65536;
    vs_float(true);
    g_prec = fix(16, 6);
    g_table = fix(18, 8);
    g_table_size = 1024;
}

int main(int argc, char **argv)
{
    verbose = argc > 1 && !strcmp(argv[1], "-v");
    test_cast();
    test_from_double();
    test_parse();
    test_modes_vs_reference();
    test_ap_fixed_table();
    test_trunc0();
    test_tables();
    test_table_mirror();
    test_dense_exact();
    test_simple_rnn_exact();
    test_lstm_exact();
    test_gru_exact();
    test_go_backwards();
    test_vs_float();
    printf("unit: %d passed, %d failed\n", n_pass, n_fail);
    return n_fail ? 1 : 0;
}
