#!/usr/bin/env bash
# bench/refmodel.sh [MODEL.json [IN.txt]]: how long the emitted C reference model takes per
# sequence (default: the paper's top-tagging LSTM(20), examples/toptag_lstm.json). Compiles
# DIR/model/<name>_ref.c with `cc -std=c99 -Wall -Wextra -Werror -O2`, runs every sequence of
# IN.txt over and over for about a second of CPU time, five times, and prints the best time per
# sequence. CPU time (CLOCK_PROCESS_CPUTIME_ID), not wall time: on a shared machine the wall
# clock also counts other jobs' turns. A measurement, not a test: nothing here fails.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MODEL=${1:-$ROOT/examples/toptag_lstm.json}
IN=${2:-$ROOT/examples/toptag_lstm_in.txt}
B=$ROOT/build/bench/refmodel
make -s -C "$ROOT"
rm -rf "$B"
mkdir -p "$B"
"$ROOT/build/rnnc" "$MODEL" -o "$B/design" >/dev/null
h=$(ls "$B"/design/model/*_ref.h)
name=$(basename "$h" _ref.h)
up=$(echo "$name" | tr a-z A-Z)
# the timing program: sequences quantized once, then name_ref_run in a loop
cat >"$B/speed.c" <<C
#define _POSIX_C_SOURCE 200809L
#include "${name}_ref.h"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
enum { T = ${up}_REF_TIMESTEPS, F = ${up}_REF_FEATURES, N = ${up}_REF_OUT_BEATS * ${up}_REF_OUTPUTS, MAXSEQ = 1024 };
static ${name}_in_t seqs[MAXSEQ][T][F];
static double now(void) { struct timespec ts; clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts); return ts.tv_sec + 1e-9 * ts.tv_nsec; }
int main(int argc, char **argv) {
    FILE *f = fopen(argv[1], "r");
    int n = 0, k = 0, c;
    char tok[64];
    (void)argc;
    while (f && n < MAXSEQ && fscanf(f, " %63[^ ,\t\n#]", tok) == 1) {   /* numbers only: no comments in the bench input */
        ((${name}_in_t *)seqs[n])[k] = ${name}_ref_input(atof(tok));
        if (++k == T * F) { k = 0; n++; }
        while ((c = getc(f)) == ',' || c == ' ' || c == '\t') {}
        if (c != EOF) ungetc(c, f);
    }
    if (n == 0) { fprintf(stderr, "no sequences\n"); return 2; }
    ${name}_out_t out[N];
    long sink = 0, runs = 0;
    double best = 1e30;
    for (int rep = 0; rep < 5; rep++) {
        double t0 = now(), t1;
        long r = 0;
        do {
            for (int s = 0; s < n; s++, r++) { ${name}_ref_run((const ${name}_in_t (*)[F])seqs[s], out); sink += out[0]; }
            t1 = now();
        } while (t1 - t0 < 1.0);
        if ((t1 - t0) / r < best) best = (t1 - t0) / r;
        runs += r;
    }
    printf("%s: %.2f us per sequence (best of 5, %ld runs, %d distinct sequences; checksum %ld)\n", "${name}", best * 1e6, runs, n, sink);
    return 0;
}
C
cc -std=c99 -Wall -Wextra -Werror -O2 -I"$B/design/model" "$B/design/model/${name}_ref.c" "$B/speed.c" -lm -o "$B/speed"
grep -v '^[[:space:]]*#' "$IN" | grep . >"$B/in.txt"
"$B/speed" "$B/in.txt"
