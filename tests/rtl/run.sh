#!/usr/bin/env bash
# tests/rtl/run.sh: the rtl_lib tests. For every case of gen_vectors.c (module x parameter
# set): verilator --lint-only -Wall of the module with those parameters, then the module's
# testbench under iverilog -g2005 against the C-computed vectors (compiler/fixed.c). Then a
# yosys synth_ice40 -dsp check that 16x16 products map to SB_MAC16 (rnnc_product, rnnc_mac,
# rnnc_mac_sat, rnnc_lstm_cell, rnnc_gru_cell and their _serial forms (one SB_MAC16 each);
# the cells with TABLE_REG=0 and 1, with no
# undriven net).
# One line per case; the last line is "rtl: N passed, M failed"; exit status 1 on any failure.
# Environment: RTL_TEST_DIR (build directory, default build/rtl-tests), RTL_JOBS (parallel
# jobs, default nproc), RTL_FILTER (only cases whose name contains it).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="${RTL_TEST_DIR:-$ROOT/build/rtl-tests}"
JOBS="${RTL_JOBS:-$(nproc 2>/dev/null || echo 2)}"
FILTER="${RTL_FILTER:-}"

for tool in cc iverilog vvp verilator yosys; do
    command -v "$tool" >/dev/null || { echo "run.sh: $tool not found" >&2; exit 2; }
done

rm -rf "$OUT"
mkdir -p "$OUT/vec" "$OUT/case" "$OUT/res"

cc -std=c11 -Wall -Wextra -Werror -O2 -I "$ROOT/compiler" "$ROOT/tests/rtl/gen_vectors.c" \
    "$ROOT/compiler/fixed.c" -lm -o "$OUT/gen_vectors"
"$OUT/gen_vectors" "$OUT/vec" > "$OUT/manifest"

# One case: $1 is a manifest line "NAME MODULE PARAM=VALUE ...".
run_case() {
    local line="$1" name module rest dir p
    read -r name module rest <<< "$line"
    dir="$OUT/case/$name"
    mkdir -p "$dir"
    local -a params ivp=() vlg=()
    read -r -a params <<< "$rest"
    for p in "${params[@]}"; do
        ivp+=("-Ptb_${module}.${p}")
        case "$p" in TB_*) ;; *) vlg+=("-G${p}") ;; esac
    done
    ivp+=("-Ptb_${module}.TB_CASE=\"${name}\"")
    local status=PASS detail="" lint="lint clean"
    if ! verilator --lint-only -Wall --top-module "$module" "${vlg[@]}" "$ROOT"/rtl_lib/*.v \
            > "$dir/lint.log" 2>&1; then
        status=FAIL
        lint="lint FAILED"
        detail=" lint: $(grep -m1 -E '%(Warning|Error)' "$dir/lint.log" || head -n1 "$dir/lint.log")"
    fi
    if ! iverilog -g2005 -Wall -Wno-timescale -o "$dir/sim.vvp" -s "tb_${module}" "${ivp[@]}" \
            "$ROOT/tests/rtl/tb_${module}.v" "$ROOT"/rtl_lib/*.v > "$dir/iverilog.log" 2>&1; then
        status=FAIL
        detail="$detail iverilog: $(head -n1 "$dir/iverilog.log")"
    elif grep -q "rtl_lib/" "$dir/iverilog.log"; then
        status=FAIL
        detail="$detail iverilog warning: $(grep -m1 "rtl_lib/" "$dir/iverilog.log")"
    fi
    if [ -f "$dir/sim.vvp" ]; then
        (cd "$dir" && timeout 120 vvp -n sim.vvp > sim.log 2>&1) || true
        if ! grep -q '^RESULT PASS' "$dir/sim.log"; then
            status=FAIL
            detail="$detail sim: $(grep -m1 -E '^(MISMATCH|RESULT|ERROR)' "$dir/sim.log" || tail -n1 "$dir/sim.log")"
        else
            detail="$(sed -n 's/^RESULT PASS //p' "$dir/sim.log"), $lint$detail"
        fi
    fi
    echo "$status" > "$OUT/res/$name"
    printf '%s %-34s %-16s %s\n' "$status" "$name" "$module" "$detail"
    if [ "$status" = FAIL ]; then
        sed -n '/^MISMATCH/p' "$dir/sim.log" 2>/dev/null | head -n 3 | sed 's/^/    /'
    fi
}
export -f run_case
export OUT ROOT

grep -F -- "$FILTER" "$OUT/manifest" > "$OUT/manifest.run" || true
xargs -d '\n' -P "$JOBS" -I{} bash -c 'run_case "$1"' _ {} < "$OUT/manifest.run"

# Synthesis: 16x16 signed products must land in SB_MAC16 (rnnc_product, rnnc_mac, rnnc_mac_sat).
synth_case() {
    local module="$1" name="yosys_${1}_16x16" dir="$OUT/case/yosys_$1"
    mkdir -p "$dir"
    local status=FAIL detail
    if yosys -q -l "$dir/yosys.log" -p "read_verilog $(printf '%s ' "$ROOT"/rtl_lib/rnnc_quant.v \
            "$ROOT"/rtl_lib/rnnc_product.v "$ROOT"/rtl_lib/rnnc_mac.v "$ROOT"/rtl_lib/rnnc_mac_sat.v); \
            chparam -set A_W 16 -set B_W 16 $module; synth_ice40 -dsp -top $module; stat" \
            > /dev/null 2>&1; then
        local n
        n="$(grep -E '^ +SB_MAC16 +[0-9]+' "$dir/yosys.log" | tail -n1 | awk '{print $2}')"
        if [ -n "$n" ] && [ "$n" -ge 1 ]; then
            status=PASS
            detail="$n SB_MAC16"
        else
            detail="no SB_MAC16 in synth_ice40 -dsp"
        fi
    else
        detail="yosys failed: $(grep -m1 -i error "$dir/yosys.log" || true)"
    fi
    echo "$status" > "$OUT/res/$name"
    printf '%s %-34s %-16s %s\n' "$status" "$name" "$module" "$detail"
}
# The recurrent cells (default types, the *_default tables), with TABLE_REG=0 and 1, must
# synthesize with their 16x16 products in SB_MAC16 and no undriven net (yosys's check, with
# -assert, right after DSP packing and at the end of synth_ice40 -dsp).
# $1 module, $2 table prefix (lstm_default, gru_default), $3 TABLE_REG, $4 expected SB_MAC16
# (exactly: more would be products split over several SB_MAC16), $5 more parameters
# ("NAME VALUE ...", optional), $6 a suffix for the case's name.
synth_cell_case() {
    local module="$1" tabs="$2" tr="$3" want="$4" more="${5:-}" name="yosys_$1${6:-}" status=FAIL detail
    local -a extra=()
    read -r -a extra <<< "$more"
    local chp="" i
    for ((i = 0; i + 1 < ${#extra[@]}; i += 2)); do chp="$chp -set ${extra[i]} ${extra[i+1]}"; done
    [ "$tr" -eq 0 ] || name="${name}_tr${tr}"
    local dir="$OUT/case/$name"
    mkdir -p "$dir"
    if yosys -q -l "$dir/yosys.log" -p "read_verilog $(printf '%s ' "$ROOT"/rtl_lib/rnnc_quant.v \
            "$ROOT"/rtl_lib/rnnc_activation.v "$ROOT"/rtl_lib/rnnc_gru_blend.v "$ROOT"/rtl_lib/rnnc_lut_mul.v \
            "$ROOT/rtl_lib/$module.v"); \
            chparam -set RACT_FILE \"$OUT/vec/${tabs}_sig.mem\" -set ACT_FILE \"$OUT/vec/${tabs}_tanh.mem\" -set TABLE_REG $tr$chp $module; \
            synth_ice40 -dsp -top $module -run begin:map_ram; check -assert; \
            synth_ice40 -dsp -top $module -run map_ram:; check -assert; stat" > /dev/null 2>&1; then
        local n
        n="$(grep -E '^ +SB_MAC16 +[0-9]+' "$dir/yosys.log" | tail -n1 | awk '{print $2}')"
        if [ "${n:-0}" -eq "$want" ]; then
            status=PASS
            detail="TABLE_REG=$tr: $want SB_MAC16, no undriven net"
        else
            detail="TABLE_REG=$tr: expected $want SB_MAC16, got ${n:-0}"
        fi
    elif grep -q 'has no driver' "$dir/yosys.log"; then
        detail="TABLE_REG=$tr: undriven net: $(grep -m1 'has no driver' "$dir/yosys.log")"
    else
        detail="TABLE_REG=$tr: yosys failed: $(grep -m1 -iE 'error|warning' "$dir/yosys.log" || true)"
    fi
    echo "$status" > "$OUT/res/$name"
    printf '%s %-34s %-16s %s\n' "$status" "$name" "$module" "$detail"
}
# Every module must also read and elaborate in yosys with its default parameters.
read_all_case() {
    local name="yosys_read_all" dir="$OUT/case/yosys_read_all" status=PASS detail="every module elaborates"
    mkdir -p "$dir"
    if ! yosys -q -l "$dir/yosys.log" -p "read_verilog $(printf '%s ' "$ROOT"/rtl_lib/*.v); hierarchy -check; proc; check -assert" \
            > /dev/null 2>&1; then
        status=FAIL
        detail="yosys: $(grep -m1 -iE 'error|warning' "$dir/yosys.log" || true)"
    fi
    echo "$status" > "$OUT/res/$name"
    printf '%s %-34s %-16s %s\n' "$status" "$name" "(all)" "$detail"
}
if [ -z "$FILTER" ] || [[ "yosys" == *"$FILTER"* ]]; then
    synth_case rnnc_product
    synth_case rnnc_mac
    synth_case rnnc_mac_sat
    if [ -z "$FILTER" ]; then
        for tr in 0 1; do
            synth_cell_case rnnc_lstm_cell lstm_default "$tr" 3
            # TABLE_REG=1 (iCE40): (1 - z) * hh as hh * 2^R_F - z * hh, one SB_MAC16 fewer
            synth_cell_case rnnc_gru_cell gru_default "$tr" $((4 - tr))
            # z * h_prev in logic (lane_multipliers 2): one SB_MAC16 fewer, z's 11 bits as rows
            synth_cell_case rnnc_gru_cell gru_default "$tr" $((3 - tr)) "ZH_LUT 1 Z_UBITS 11" _zhlut
            # the one-multiplier forms: all three products in one SB_MAC16
            synth_cell_case rnnc_lstm_cell_serial lstm_default "$tr" 1
            synth_cell_case rnnc_gru_cell_serial gru_default "$tr" 1
        done
    fi
    read_all_case
fi

passed=0
failed=0
for f in "$OUT"/res/*; do
    [ -e "$f" ] || continue
    if [ "$(cat "$f")" = PASS ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
# a case that died without writing its result counts as failed
while read -r name _; do
    if [ ! -e "$OUT/res/$name" ]; then
        echo "FAIL $name did not report"
        failed=$((failed + 1))
    fi
done < "$OUT/manifest.run"
echo "rtl: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
