#!/usr/bin/env bash
# precision.sh: --precision auto against the default type, one table row per model and setting.
#
#   bench/precision.sh [OUTDIR]      (default build/bench-precision)
#
# Models: examples/toptag_lstm.json and examples/toptag_gru.json (inputs uniform in [0, 1]),
# ../shared/models/model_toptag_gru.h5 when present, and the two models of
# tests/precision/make_models.py built to wrap at ap_fixed<16,6>. Settings: ap_fixed<16,6>,
# --precision auto:16 --calibrate CAL, and auto with --max-error 0.01. Columns: max |fixed -
# float| on test inputs NOT in CAL, the widest weight type, the total weight bits and the
# multipliers (report.json), and the seconds rnnc took to choose the types (and emit).
# BENCH_SYNTH=xilinx adds LUT and DSP columns from `--target xilinx` (Yosys synth_xilinx;
# minutes per design); BENCH_MODELS="toptag_gru wrapnet" runs only those models.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RNNC="${RNNC:-$ROOT/build/rnnc}"
OUT="${1:-$ROOT/build/bench-precision}"
mkdir -p "$OUT"
cd "$OUT" || exit 1
maxerr() { paste -d ' ' "$1" "$2" | awk '{n=NF/2; for(i=1;i<=n;i++){d=$i-$(i+n); if(d<0)d=-d; if(d>m)m=d}} END{printf "%.4g", m+0}'; }
jnum() { grep -m1 "\"$2\"" "$1" | sed 's/.*: *\([0-9.]*\).*/\1/'; }
python3 "$ROOT/tests/precision/make_models.py" .
uniform() { # NAME T*F N SEED
    python3 -c "
import random, sys
r = random.Random($4)
print('\n'.join(' '.join('%.5f' % r.random() for _ in range($2)) for _ in range($3)))" >"$1"
}
uniform tt_cal.txt 120 1000 5
uniform tt_test.txt 120 300 6
models=("toptag_lstm:$ROOT/examples/toptag_lstm.json:tt" "toptag_gru:$ROOT/examples/toptag_gru.json:tt"
        "wrapnet:wrapnet.json:wrapnet" "lstmwrap:lstmwrap.json:lstmwrap")
[ -f "$ROOT/../shared/models/model_toptag_gru.h5" ] && models+=("toptag_gru.h5:$ROOT/../shared/models/model_toptag_gru.h5:tt")
printf "%-14s %-26s %10s %8s %12s %8s %8s%s\n" model setting "max|err|" "max w" "weight bits" mults seconds \
    "${BENCH_SYNTH:+      LUT      DSP}"
for entry in "${models[@]}"; do
    IFS=: read -r name model data <<<"$entry"
    [ -n "${BENCH_MODELS:-}" ] && [[ " $BENCH_MODELS " != *" $name "* ]] && continue
    cal=${data}_cal.txt
    test=${data}_test.txt
    "$RNNC" "$model" --emulate "$test" --float >"$name.f" 2>/dev/null || continue
    for setting in "ap_fixed<16,6>" "auto:16" "auto:16 --max-error 0.01"; do
        args=(--precision ${setting})
        [ "${setting#auto}" != "$setting" ] && args+=(--calibrate "$cal")
        t0=$(date +%s%N)
        "$RNNC" "$model" "${args[@]}" --write-config "$name.cfg" -o "$name.d" >/dev/null 2>&1 || { echo "$name $setting: failed"; continue; }
        t1=$(date +%s%N)
        "$RNNC" "$model" --config "$name.cfg" --emulate "$test" >"$name.q" 2>/dev/null
        wmax=$(grep -E '"(weight|recurrent_weight)":' "$name.cfg" | sed 's/.*<\([0-9]*\),.*/\1/' | sort -n | tail -1)
        synth=""
        if [ -n "${BENCH_SYNTH:-}" ]; then
            rm -rf "$name.s"
            "$RNNC" "$model" --config "$name.cfg" --target "$BENCH_SYNTH" -o "$name.s" >"$name.s.log" 2>&1
            synth=$(printf " %8s %8s" "$(grep -m1 '"lut"' "$name.s/report.json" 2>/dev/null | sed 's/[^0-9]//g')" \
                "$(grep -m1 '"dsp"' "$name.s/report.json" 2>/dev/null | sed 's/[^0-9]//g')")
        fi
        printf "%-14s %-26s %10s %8s %12s %8s %8.2f%s\n" "$name" "$setting" "$(maxerr "$name.f" "$name.q")" "$wmax" \
            "$(grep -A8 '"totals"' "$name.d/report.json" | grep -m1 weight_bits | sed 's/[^0-9]//g')" \
            "$(grep -A8 '"totals"' "$name.d/report.json" | grep -m1 '"multipliers"' | sed 's/[^0-9]//g')" \
            "$(awk -v a="$t0" -v b="$t1" 'BEGIN{print (b-a)/1e9}')" "$synth"
    done
done
