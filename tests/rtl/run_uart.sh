#!/usr/bin/env bash
# tests/rtl/run_uart.sh: the board front end tests (rnnc_uart_rx, rnnc_uart_tx,
# rnnc_beat_deserializer, rnnc_beat_serializer). For every case below: verilator --lint-only
# -Wall of the module with those parameters, then its self-checking testbench under iverilog
# -g2005 (random data, back-to-back traffic, back-pressure; a loopback through the serial line).
# Then: each module rejects a bad parameter with an ERROR naming the instance, and each module
# synthesizes with yosys synth_ice40 (check -assert).
# One line per case; the last line is "uart: N passed, M failed"; exit status 1 on any failure.
# Environment: UART_TEST_DIR (build directory, default build/uart-tests), UART_JOBS (parallel
# jobs, default nproc), UART_FILTER (only cases whose name contains it).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="${UART_TEST_DIR:-$ROOT/build/uart-tests}"
JOBS="${UART_JOBS:-$(nproc 2>/dev/null || echo 2)}"
FILTER="${UART_FILTER:-}"

for tool in iverilog vvp verilator yosys; do
    command -v "$tool" >/dev/null || { echo "run_uart.sh: $tool not found" >&2; exit 2; }
done

rm -rf "$OUT"
mkdir -p "$OUT/case" "$OUT/res"

RTL="rnnc_uart_rx rnnc_uart_tx rnnc_beat_deserializer rnnc_beat_serializer rnnc_skid_buffer"

# Cases: "NAME TESTBENCH LINT_MODULE PARAM=VALUE ...". LINT_MODULE "-" lints nothing (the
# modules of the loopback are linted by their own cases); TB_* parameters go to the testbench
# only.
{
    for c in 4 5 16 104; do
        echo "uart_tx_cpb$c tb_rnnc_uart_tx rnnc_uart_tx CLKS_PER_BIT=$c TB_SEED=$c"
        echo "uart_rx_cpb$c tb_rnnc_uart_rx rnnc_uart_rx CLKS_PER_BIT=$c TB_SEED=$c"
    done
    # a sender 3% / 4.5% slow or fast (rx samples at mid-bit)
    echo "uart_rx_cpb16_skew_m30 tb_rnnc_uart_rx rnnc_uart_rx CLKS_PER_BIT=16 TB_SKEW_PPT=-30 TB_SEED=7"
    echo "uart_rx_cpb16_skew_p30 tb_rnnc_uart_rx rnnc_uart_rx CLKS_PER_BIT=16 TB_SKEW_PPT=30 TB_SEED=8"
    echo "uart_rx_cpb104_skew_m45 tb_rnnc_uart_rx rnnc_uart_rx CLKS_PER_BIT=104 TB_SKEW_PPT=-45 TB_SEED=9"
    echo "uart_rx_cpb104_skew_p45 tb_rnnc_uart_rx rnnc_uart_rx CLKS_PER_BIT=104 TB_SKEW_PPT=45 TB_SEED=10"
    for w in 1 8 9 16 96 131; do
        echo "beat_deser_w$w tb_rnnc_beat_deserializer rnnc_beat_deserializer WIDTH=$w TB_SEED=$w"
        echo "beat_ser_w$w tb_rnnc_beat_serializer rnnc_beat_serializer WIDTH=$w TB_SEED=$w"
    done
    for w in 1 16 97; do
        echo "skid_w$w tb_rnnc_skid_buffer rnnc_skid_buffer WIDTH=$w TB_SEED=$((w + 3))"
    done
    for cw in 4:1 4:96 5:8 5:9 16:16 16:131 104:16 104:131; do
        c="${cw%:*}"
        w="${cw#*:}"
        echo "uart_loopback_cpb${c}_w$w tb_rnnc_uart_loopback - CLKS_PER_BIT=$c WIDTH=$w TB_SEED=$((c + w))"
    done
} > "$OUT/manifest"

# One case: $1 is a manifest line.
run_case() {
    local line="$1" name tb module rest dir p
    read -r name tb module rest <<< "$line"
    dir="$OUT/case/$name"
    mkdir -p "$dir"
    local -a params ivp=() vlg=() srcs=()
    read -r -a params <<< "$rest"
    for p in "${params[@]}"; do
        ivp+=("-P${tb}.${p}")
        case "$p" in TB_*) ;; *) vlg+=("-G${p}") ;; esac
    done
    ivp+=("-P${tb}.TB_CASE=\"${name}\"")
    for p in $RTL; do srcs+=("$ROOT/rtl_lib/$p.v"); done
    local status=PASS detail="" lint="lint clean"
    if [ "$module" = "-" ]; then
        lint="lint in the module cases"
    elif ! verilator --lint-only -Wall --top-module "$module" "${vlg[@]}" "$ROOT/rtl_lib/$module.v" \
            > "$dir/lint.log" 2>&1; then
        status=FAIL
        detail="lint: $(grep -m1 -E '%(Warning|Error)' "$dir/lint.log" || head -n1 "$dir/lint.log")"
    fi
    if ! iverilog -g2005 -Wall -Wno-timescale -o "$dir/sim.vvp" -s "$tb" "${ivp[@]}" \
            "$ROOT/tests/rtl/$tb.v" "${srcs[@]}" > "$dir/iverilog.log" 2>&1; then
        status=FAIL
        detail="$detail iverilog: $(head -n1 "$dir/iverilog.log")"
    elif grep -q "rtl_lib/" "$dir/iverilog.log"; then
        status=FAIL
        detail="$detail iverilog warning: $(grep -m1 "rtl_lib/" "$dir/iverilog.log")"
    fi
    if [ -f "$dir/sim.vvp" ]; then
        (cd "$dir" && timeout 60 vvp -n sim.vvp > sim.log 2>&1) || true
        if ! grep -q '^RESULT PASS' "$dir/sim.log"; then
            status=FAIL
            detail="$detail sim: $(grep -m1 -E '^(MISMATCH|RESULT|ERROR)' "$dir/sim.log" || tail -n1 "$dir/sim.log")"
        elif [ "$status" = PASS ]; then
            detail="$(sed -n 's/^RESULT PASS //p' "$dir/sim.log"), $lint"
        fi
    fi
    echo "$status" > "$OUT/res/$name"
    printf '%s %-28s %-24s %s\n' "$status" "$name" "$tb" "$detail"
    if [ "$status" = FAIL ] && [ -f "$dir/sim.log" ]; then
        sed -n '/^MISMATCH/p' "$dir/sim.log" | head -n 3 | sed 's/^/    /'
    fi
}

# A bad parameter must stop elaboration/simulation with "ERROR: <module>: ... (instance ...)".
bad_param_case() {
    local module="$1" param="$2" name="badparam_$1" dir="$OUT/case/badparam_$1" status=FAIL detail
    mkdir -p "$dir"
    iverilog -g2005 -o "$dir/sim.vvp" -s "$module" "-P${module}.${param}" "$ROOT/rtl_lib/$module.v" \
        > "$dir/iverilog.log" 2>&1 || true
    if [ -f "$dir/sim.vvp" ]; then (cd "$dir" && timeout 10 vvp -n sim.vvp > sim.log 2>&1) || true; fi
    if grep -q "^ERROR: $module: .*(instance " "$dir/sim.log" 2>/dev/null; then
        status=PASS
        detail="$param rejected"
    else
        detail="$param not rejected with an ERROR message"
    fi
    echo "$status" > "$OUT/res/$name"
    printf '%s %-28s %-24s %s\n' "$status" "$name" "$module" "$detail"
}

# yosys synth_ice40 of one module with one parameter.
synth_case() {
    local module="$1" param="$2" value="$3" name="yosys_$1" dir="$OUT/case/yosys_$1" status=FAIL detail
    mkdir -p "$dir"
    if yosys -q -l "$dir/yosys.log" -p "read_verilog $ROOT/rtl_lib/$module.v; \
            chparam -set $param $value $module; synth_ice40 -top $module; check -assert; stat" \
            > /dev/null 2>&1; then
        status=PASS
        detail="synth_ice40 $param=$value: $(awk '/Number of cells:/ {n=$4} END {print n}' "$dir/yosys.log") cells"
    else
        detail="yosys failed: $(grep -m1 -iE 'error|warning' "$dir/yosys.log" || true)"
    fi
    echo "$status" > "$OUT/res/$name"
    printf '%s %-28s %-24s %s\n' "$status" "$name" "$module" "$detail"
}

export -f run_case bad_param_case synth_case
export OUT ROOT RTL

{
    grep -F -- "$FILTER" "$OUT/manifest" | sed 's/^/run_case /' || true
    for x in "rnnc_uart_rx CLKS_PER_BIT=3" "rnnc_uart_tx CLKS_PER_BIT=1" \
             "rnnc_beat_deserializer WIDTH=0" "rnnc_beat_serializer WIDTH=0"; do
        if [[ "badparam_${x%% *}" == *"$FILTER"* ]]; then echo "bad_param_case $x"; fi
    done
    for x in "rnnc_uart_rx CLKS_PER_BIT 104" "rnnc_uart_tx CLKS_PER_BIT 104" \
             "rnnc_beat_deserializer WIDTH 131" "rnnc_beat_serializer WIDTH 131"; do
        if [[ "yosys_${x%% *}" == *"$FILTER"* ]]; then echo "synth_case $x"; fi
    done
} > "$OUT/jobs"
# run_case gets its manifest line as one argument; the others take words.
xargs -d '\n' -P "$JOBS" -I{} bash -c '
    set -- $1
    f="$1"; shift
    if [ "$f" = run_case ]; then run_case "$*"; else "$f" "$@"; fi' _ {} < "$OUT/jobs"

passed=0
failed=0
for f in "$OUT"/res/*; do
    [ -e "$f" ] || continue
    if [ "$(cat "$f")" = PASS ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
# a case that died without writing its result counts as failed
while read -r _ name _; do
    if [ ! -e "$OUT/res/$name" ]; then
        echo "FAIL $name did not report"
        failed=$((failed + 1))
    fi
done < <(grep '^run_case ' "$OUT/jobs")
echo "uart: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
