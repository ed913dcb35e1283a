#!/usr/bin/env bash
# The emitted cocotb testbench (DIR/sim/cocotb/), where cocotb and cocotbext-axi are installed
# (pip install cocotb cocotbext-axi; tools/install-deps.sh tries): two designs under Icarus, each
# on its test inputs plus random sequences with random pauses on both streams, every output
# compared with the C reference model through ctypes; and the bench must fail when the reference
# model is wrong (a copy whose outputs are off by one). Without cocotb: a SKIP line, 0 failed.
#
#   tests/cocotb/run.sh
#
# Prints one PASS/FAIL line per check and ends with `cocotb: N passed, M failed`.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RNNC="${RNNC:-$ROOT/build/rnnc}"
WORK="$ROOT/build/cocotb"
passed=0
failed=0
if ! python3 -c 'import cocotb, cocotbext.axi' 2>/dev/null || ! command -v cocotb-config >/dev/null 2>&1; then
    echo "SKIP cocotb: cocotb or cocotbext-axi not installed (pip install cocotb cocotbext-axi)"
    echo "cocotb: 0 passed, 0 failed"
    exit 0
fi
[ -x "$RNNC" ] || make -s -C "$ROOT"
rm -rf "$WORK"
mkdir -p "$WORK"

# bench NAME DIR [make args...]: 0 when cocotb's results say every test passed
bench() {
    local name="$1" dir="$2"
    shift 2
    (cd "$dir/sim/cocotb" && make SIM=icarus "$@") >"$WORK/$name.log" 2>&1 &&
        [ -f "$dir/sim/cocotb/results.xml" ] && ! grep -q '<failure' "$dir/sim/cocotb/results.xml"
}

for c in softmax_seq bank_gru; do
    model="$ROOT/tests/e2e/cases/$c.json" in="$ROOT/tests/e2e/cases/$c.txt" dir="$WORK/$c"
    if ! "$RNNC" "$model" -o "$dir" >/dev/null 2>"$WORK/$c.rnnc.log"; then
        echo "FAIL $c: rnnc -o failed"
        failed=$((failed + 1))
        continue
    fi
    if bench "$c" "$dir" RNNC_INPUTS="$in" RNNC_RANDOM=12 RANDOM_SEED=1; then
        echo "PASS $c ($(grep -o '[0-9]* sequences: every output equals the reference model' "$WORK/$c.log"))"
        passed=$((passed + 1))
    else
        echo "FAIL $c: see $WORK/$c.log"
        failed=$((failed + 1))
    fi
done

# the bench must notice a wrong reference model: the same bench, outputs off by one
c=softmax_seq dir="$WORK/softmax_seq"
sed '/^    for (int k = 0; k < [0-9]*; k++) out\[k\] = /a\    out[0] += 1; /* deliberately wrong */' \
    "$dir/model/${c}_ref.c" >"$WORK/wrong_ref.c"
if ! grep -q 'deliberately wrong' "$WORK/wrong_ref.c"; then
    echo "FAIL wrong_reference: could not make the wrong copy"
    failed=$((failed + 1))
elif (cd "$dir/sim/cocotb" && rm -f "lib${c}_ref.so" results.xml) && ! bench wrong "$dir" REF_C="$WORK/wrong_ref.c" RNNC_RANDOM=2 &&
    grep -q 'reference model' "$WORK/wrong.log"; then
    echo "PASS wrong_reference (the bench reports the mismatch)"
    passed=$((passed + 1))
else
    echo "FAIL wrong_reference: the bench passed with a wrong reference model (see $WORK/wrong.log)"
    failed=$((failed + 1))
fi
echo "cocotb: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
