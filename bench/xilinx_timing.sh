#!/usr/bin/env bash
# bench/xilinx_timing.sh: rnnc's Xilinx Fmax estimate (docs/flow.md, "Timing estimate") on a few
# designs: reuse 1 against larger reuse factors, without and with --table-reg, 7-series and
# UltraScale+; the top-tagging LSTM(20) at reuse 8, 128, 512 and its largest, the trained GRU(20)
# at 128, 512 and its largest (the middle of bench/sweep.sh). Prints a Markdown table (last run:
# bench/results/xilinx_timing.md). About 6 minutes.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
B=$ROOT/build/xilinx_timing
rm -rf "$B"
mkdir -p "$B"
make -s -C "$ROOT"
RNNC=$ROOT/build/rnnc
JGET=$B/jget
cc -std=c11 -O2 "$ROOT/tests/tools/jget.c" -lcjson -o "$JGET"
# a copy of MODEL with its model-level reuse factor set to RF
with_rf() { sed "s/\"reuse_factor\": *[0-9]*/\"reuse_factor\": $2/" "$1" >"$3"; }
echo "| model | reuse | --table-reg | part (family) | latency cycles | LUT | FF | DSP48 | BRAM18 | critical path ns | logic levels | Fmax estimate MHz | path (start -> end cell type) | seconds (synth + estimate) |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
run() { # label model rf part extra...
    local label=$1 model=$2 rf=$3 part=$4
    shift 4
    local m=$B/$label.json d=$B/$label
    with_rf "$model" "$rf" "$m"
    local t0=$SECONDS
    "$RNNC" "$m" --target xilinx --part "$part" -o "$d" "$@" >"$d.out" 2>"$d.err" || { echo "| $label | failed |"; return; }
    local r=$d/report.json j="$JGET $d/report.json implementation"
    local from to
    from=$($j timing_estimate from | sed 's/.*(\(.*\))$/\1/')
    to=$($j timing_estimate to | sed 's/.*(\([^)]*\)) \(.*\)$/\1 \2/')
    printf "| %s | %s | %s | %s (%s) | %s | %s | %s | %s | %s | %.3f | %s | %.1f | %s -> %s | %s |\n" \
        "$(basename "$model" .json)" "$rf" "$([ $# -gt 0 ] && echo yes || echo no)" "$part" "$($j family)" \
        "$($j latency_cycles)" "$($j core_utilization lut)" "$($j core_utilization ff)" "$($j core_utilization dsp)" \
        "$($j core_utilization bram18)" "$($j timing_estimate critical_path_ns)" "$($j timing_estimate logic_levels)" \
        "$($j timing_estimate fmax_mhz)" "$from" "$to" "$((SECONDS - t0))"
}
TINY=$ROOT/tests/flow/tiny.json
GRU5=$ROOT/examples/toptag_gru_small.json
for rf in 1 4 1000000; do
    run tiny_$rf "$TINY" $rf xc7a35t
    run tiny_${rf}_treg "$TINY" $rf xc7a35t --table-reg
done
run gru5_8 "$GRU5" 8 xc7a100t
run gru5_8_treg "$GRU5" 8 xc7a100t --table-reg
run gru5_max "$GRU5" 100000 xc7a35t
run gru5_max_treg "$GRU5" 100000 xc7a35t --table-reg
run tiny_1_zu "$TINY" 1 xczu9eg
run gru5_8_u250 "$GRU5" 8 xcu250
LSTM=$ROOT/examples/toptag_lstm.json
run lstm_8 "$LSTM" 8 xc7a200t
run lstm_max "$LSTM" 1000000 xc7a35t
run lstm_8_u250 "$LSTM" 8 xcu250
run lstm_128 "$LSTM" 128 xc7a35t
run lstm_512 "$LSTM" 512 xc7a35t
GRU20=$B/toptag_gru20.json # the trained GRU(20) with a model-level reuse factor for with_rf
"$RNNC" import "$ROOT/examples/toptag_gru20.h5" -o "$B/gru20_import.json" >/dev/null
sed 's/^  "precision": \(.*\),$/  "precision": \1,\n  "reuse_factor": 1,/' "$B/gru20_import.json" >"$GRU20"
run gru20_128 "$GRU20" 128 xc7a35t
run gru20_512 "$GRU20" 512 xc7a35t
run gru20_max "$GRU20" 100000 xc7a35t
