#!/usr/bin/env python3
"""gen.py: the table of ap_fixed conversions tests/unit/test_numerics.c checks fx_cast and
fx_from_double against, computed by the real Xilinx ap_fixed headers.

Usage: tests/unit/ap_fixed/gen.py INCLUDE_DIR > tests/unit/ap_fixed/cases.txt
INCLUDE_DIR holds ap_fixed.h (github.com/Xilinx/HLS_arbitrary_Precision_Types, include/).
Needs g++; not run by `make test` (the output is committed).

Lines (modes by ap_fixed's names without AP_, N the saturation bits):
  C SW SI SSGN  DW DI DSGN Q O N  OUT...   every raw of the source type, min to max, converted
  W SW SI SSGN  DW DI DSGN Q O N  IN OUT   one wide conversion (raws as two's complement bit strings)
  X X...                                   the doubles (C99 %a) the D lines convert
  D DW DI DSGN Q O N  OUT...               each of them converted
"""
import os
import random
import subprocess
import sys
import tempfile

QS = ["TRN", "TRN_ZERO", "RND", "RND_ZERO", "RND_INF", "RND_MIN_INF", "RND_CONV"]
OS = [("WRAP", 0), ("WRAP", 1), ("WRAP", 2), ("WRAP", 3), ("SAT", 0), ("SAT_ZERO", 0), ("SAT_SYM", 0)]
SOURCES = [(6, 2, True), (5, 1, False)]          # exhaustive sources
TARGETS = [(4, 2), (3, 0), (5, 5), (3, -1), (1, 1)]  # W, I: drops fraction and integer bits both ways (F >= 0: rnnc has no I > W)
WIDE_SRC = (100, 50, True)
WIDE_DST = [(89, 49), (64, 40)]
DOUBLES = [0.0, 0.5, -0.5, 1.25, -1.25, 1.5, -1.5, 2.5, -2.5, 0.3, -0.3, 1.999, -1.999, 3.75, -3.75,
           7.9, -7.9, 8.0, -8.0, 12.5, -12.5, 100.0, -100.0, 0.0625, -0.0625, 0.03125, -0.03125,
           1e-9, -1e-9, 1e30, -1e30, 0.1875, -0.1875, 5.0625, -5.0625]


def ctype(w, i, sgn, q="TRN", o="WRAP", n=0):
    return "ap_%sfixed<%d,%d,AP_%s,AP_%s,%d>" % ("" if sgn else "u", w, i, q, o, n)


def main():
    inc = sys.argv[1]
    body = []
    rnd = random.Random(14)
    for (sw, si, ss) in SOURCES:
        for (dw, di) in TARGETS:
            for ds in (True, False):
                for q in QS:
                    for (o, n) in OS:
                        if n >= dw:
                            continue
                        head = "C %d %d %d %d %d %d %s %s %d" % (sw, si, ss, dw, di, ds, q, o, n)
                        body.append('sweep<%s, %s>("%s", %s);' % (ctype(sw, si, ss), ctype(dw, di, ds, q, o, n), head,
                                                                   "true" if ss else "false"))
    sw, si, ss = WIDE_SRC
    for (dw, di) in WIDE_DST:
        for q in QS:
            for (o, n) in OS:
                head = "W %d %d %d %d %d 1 %s %s %d" % (sw, si, ss, dw, di, q, o, n)
                for _ in range(2):
                    bits = "".join(rnd.choice("01") for _ in range(sw))
                    # values near the target's range: copy the sign into the top bits sometimes
                    k = rnd.randrange(sw - dw + 2)
                    bits = bits[0] * k + bits[k:]
                    body.append('wide<%s, %s>("%s", "%s");' % (ctype(sw, si, ss), ctype(dw, di, True, q, o, n), head, bits))
    for (dw, di) in TARGETS:
        for ds in (True, False):
            for q in QS:
                for (o, n) in OS:
                    if n >= dw:
                        continue
                    head = "D %d %d %d %s %s %d" % (dw, di, ds, q, o, n)
                    body.append('doubles<%s>("%s");' % (ctype(dw, di, ds, q, o, n), head))
    src = r'''
#include <ap_fixed.h>
#include <cstdio>
#include <cstring>
static const double xs[] = {%s};
template <class S, class D> void sweep(const char *head, bool sgn)
{
    S s;
    const long w = S::width, lo = sgn ? -(1L << (w - 1)) : 0, hi = sgn ? (1L << (w - 1)) - 1 : (1L << w) - 1;
    printf("%%s", head);
    for (long r = lo; r <= hi; r++) {
        s.V = r;
        D d = s;
        printf(" %%lld", (long long)d.V);
    }
    printf("\n");
}
template <class T> void bits(const T &v)
{
    putchar(' ');
    for (int i = T::width - 1; i >= 0; i--) putchar(v[i] ? '1' : '0');
}
template <class S, class D> void wide(const char *head, const char *b)
{
    S s;
    for (int i = 0; i < S::width; i++) s[S::width - 1 - i] = b[i] == '1';
    D d = s;
    printf("%%s", head);
    bits(s);
    bits(d);
    printf("\n");
}
template <class D> void doubles(const char *head)
{
    printf("%%s", head);
    for (size_t k = 0; k < sizeof xs / sizeof xs[0]; k++) {
        D d = xs[k];
        printf(" %%lld", (long long)d.V);
    }
    printf("\n");
}
int main()
{
    printf("X");
    for (size_t k = 0; k < sizeof xs / sizeof xs[0]; k++) printf(" %%a", xs[k]);
    printf("\n");
%s
    return 0;
}
''' % (", ".join(repr(x) for x in DOUBLES), "\n".join("    " + b for b in body))
    with tempfile.TemporaryDirectory() as tmp:
        tmp = os.environ.get("GEN_DIR", tmp)  # GEN_DIR: keep the program there
        cpp = os.path.join(tmp, "gen.cpp")
        exe = os.path.join(tmp, "gen")
        with open(cpp, "w") as f:
            f.write(src)
        cc = subprocess.run(["g++", "-std=c++11", "-O0", "-I" + inc, cpp, "-o", exe], stderr=subprocess.PIPE, text=True)
        if cc.returncode != 0:
            sys.exit("g++ failed:\n" + cc.stderr[:3000])
        run = subprocess.run([exe], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if run.returncode != 0:
            sys.exit("the program failed (%d) after %d lines: %s" % (run.returncode, run.stdout.count("\n"),
                                                                     run.stderr[-2000:]))
        out = run.stdout
    sys.stdout.write("# ap_fixed conversions by the Xilinx headers (tests/unit/ap_fixed/gen.py); do not edit\n")
    sys.stdout.write(out)


if __name__ == "__main__":
    main()
