#!/usr/bin/env bash
# asan/run.sh: the compiler built with AddressSanitizer + UndefinedBehaviorSanitizer, run over
# the malformed-input and ONNX suites and over every pass (emit, emulate, --float, --sim with Icarus) of
# the shipped examples and the end-to-end cases, and the --target flows on a small model. Any
# sanitizer report fails the run.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
make -s -j2 -C "$ROOT" asan >/dev/null || { echo "asan: 0 passed, 1 failed"; exit 1; }
RNNC=$ROOT/build/asan/rnnc
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
W=$ROOT/build/asan-work
rm -rf "$W"
mkdir -p "$W"
pass=0
fail=0
check() { # name, command...
    local name=$1
    shift
    "$@" >"$W/$name.out" 2>"$W/$name.err"
    verdict "$name" $?
}
verdict() { # name, exit status: passes when 0 and no sanitizer report in $W/name.err
    if [ "$2" -eq 0 ] && ! grep -q "Sanitizer\|runtime error" "$W/$1.err"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL $1"
        tail -n 20 "$W/$1.err"
    fi
}
# the flow's own code (Makefile steps, the tools' reports read back, report.json) on the small
# flow model: iCE40 end to end with the post-synthesis simulation, ECP5 as far as its tools go.
# Their time is Yosys's and nextpnr's, not rnnc's: they run in the background, one after the
# other, on the second core while the rest runs; judged at the end (status in $W/NAME.rc)
flows=()
if command -v yosys >/dev/null && command -v nextpnr-ice40 >/dev/null; then
    flows=(flow-ice40 flow-ecp5)
    (
        "$RNNC" "$ROOT/tests/flow/tiny.json" --target ice40 -o "$W/flow_ice40" --post-synth "$ROOT/tests/flow/tiny_in.txt" \
            >"$W/flow-ice40.out" 2>"$W/flow-ice40.err"
        echo $? >"$W/flow-ice40.rc"
        "$RNNC" "$ROOT/tests/flow/tiny.json" --target ecp5 -o "$W/flow_ecp5" >"$W/flow-ecp5.out" 2>"$W/flow-ecp5.err"
        echo $? >"$W/flow-ecp5.rc"
    ) &
fi
RNNC=$RNNC "$ROOT/tests/errors/run.sh" >"$W/errors.log" 2>&1
if grep -q "^errors: [0-9]* passed, 0 failed" "$W/errors.log"; then pass=$((pass + 1)); else
    fail=$((fail + 1))
    echo "FAIL errors suite under ASan"
    tail -n 20 "$W/errors.log"
fi
RNNC=$RNNC "$ROOT/tests/onnx/run.sh" >"$W/onnx.log" 2>&1 # the ONNX import's every path
if grep -q "^onnx: [0-9]* passed, 0 failed" "$W/onnx.log"; then pass=$((pass + 1)); else
    fail=$((fail + 1))
    echo "FAIL onnx suite under ASan"
    tail -n 20 "$W/onnx.log"
fi
models=("$ROOT/examples/toptag_gru.json:$ROOT/examples/toptag_gru_in.txt")
for m in "$ROOT"/tests/e2e/cases/*.json; do
    [ -f "$m" ] || continue
    models+=("$m:${m%.json}.txt")
    [ ${#models[@]} -lt 7 ] || break
done
for pair in "${models[@]}"; do
    m=${pair%%:*}
    in=${pair#*:}
    [ -f "$in" ] || continue
    n=$(basename "$m" .json)
    check "$n-emulate" "$RNNC" "$m" --emulate "$in"
    check "$n-float" "$RNNC" "$m" --emulate "$in" --float
    check "$n-sim" "$RNNC" "$m" --sim "$in" -o "$W/$n" --simulator icarus
done
# --precision auto, --max-error, --trace, import and --write-config; a 64-bit-typed design
P=$ROOT/tests/precision
E=$ROOT/tests/e2e/cases
check "auto-sim" "$RNNC" "$E/lstm_basic.json" --precision auto --calibrate "$E/lstm_basic.txt" --sim "$E/lstm_basic.txt" \
    -o "$W/auto" --simulator icarus --write-config "$W/auto.cfg"
check "auto-max-error" "$RNNC" "$E/gru_ra0.json" --precision auto:12 --calibrate "$E/gru_ra0.txt" --max-error 0.05 \
    --emulate "$E/gru_ra0.txt"
check "auto-import" "$RNNC" import "$P/sum9.json" --precision auto -o "$W/sum9.json"
check "trace" "$RNNC" "$P/overflow.json" --emulate "$P/overflow_in.txt" --trace
check "wide-trace" "$RNNC" "$E/wide_lstm.json" --emulate "$E/wide_lstm.txt" --trace
check "wide-sim" "$RNNC" "$E/wide_gru_rf.json" --sim "$E/wide_gru_rf.txt" -o "$W/wide" --simulator icarus
wait
for f in "${flows[@]}"; do verdict "$f" "$(cat "$W/$f.rc" 2>/dev/null || echo 1)"; done
[ ${#flows[@]} -gt 0 ] || echo "SKIP flow under ASan: yosys or nextpnr-ice40 not installed (make deps)"
echo "asan: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
