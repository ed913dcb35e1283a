#!/usr/bin/env bash
# bench/xilinx_fmax_random.sh: rnnc's Xilinx Fmax estimate (docs/flow.md, "Timing estimate") on
# seeded random models at ap_fixed<16,6>, rnnc's default type: an LSTM, GRU (reset_after) or
# SimpleRNN of 4-24 units on 3-8 features over 5-20 steps, at a reuse factor drawn from 2 to
# the largest, then one or two dense layers, each built with `--target xilinx` (xc7, the
# default clock of 200 MHz; FAMILY=xcup for UltraScale+). Prints a Markdown table, one row a
# design, and the worst estimate: where bench/xilinx_timing.sh holds a few chosen designs, this
# finds the paths they do not have. About 20 s a design; N designs (default 24) from SEED (1).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
B=$ROOT/build/xilinx_fmax_random_${FAMILY:-xc7}
N=${N:-24}
SEED=${SEED:-1}
FAMILY=${FAMILY:-xc7}
rm -rf "$B"
mkdir -p "$B"
make -s -C "$ROOT"
RNNC=$ROOT/build/rnnc
GEN=$B/gen_model
JGET=$B/jget
cc -std=c11 -O2 "$ROOT/tests/gen_model.c" -lm -o "$GEN"
cc -std=c11 -O2 "$ROOT/tests/tools/jget.c" -lcjson -o "$JGET"

# the spec of design S: its structure drawn from bash's RANDOM seeded by S
spec() {
    local s=$1 kinds=(lstm "gru ra=1" simple_rnn) rfs=(2 3 4 6 8 12 16 24 32 48 64 96 128 256 512 max)
    RANDOM=$((s * 7873))
    local T=$((5 + RANDOM % 16)) F=$((3 + RANDOM % 6)) U=$((4 + RANDOM % 21)) kind=${kinds[$((RANDOM % 3))]}
    local rf=${rfs[$((RANDOM % ${#rfs[@]}))]} D=$((8 + RANDOM % 57)) tail=""
    [ $((RANDOM % 2)) = 1 ] && tail="; dense u=$((1 + RANDOM % 5)) act=sigmoid rf=$rf"
    echo "T=$T F=$F N=1 NAME=xr$s; $kind u=$U rf=$rf; dense u=$D act=relu rf=$rf$tail"
}

echo "| seed | spec | latency cycles | LUT | FF | DSP48 | BRAM18 | Fmax estimate MHz | path (start -> end) |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
worst=1000000 worst_seed="" below=0
for s in $(seq "$SEED" $((SEED + N - 1))); do
    sp=$(spec "$s")
    m=$B/xr$s.json d=$B/xr$s
    "$GEN" "$s" "$m" "$B/xr$s.txt" --spec "$sp" >/dev/null
    fam=()
    [ "$FAMILY" = xcup ] && fam=(--family xcup)
    if ! "$RNNC" "$m" --target xilinx "${fam[@]}" -o "$d" >"$d.out" 2>"$d.err"; then
        echo "| $s | $sp | failed: $(tail -n 1 "$d.err" | cut -c1-100) |"
        continue
    fi
    j="$JGET $d/report.json implementation"
    f=$($j timing_estimate fmax_mhz)
    printf "| %s | %s | %s | %s | %s | %s | %s | %.1f | %s -> %s |\n" "$s" "${sp#*; }" \
        "$($JGET "$d/report.json" totals latency_cycles)" "$($j core_utilization lut)" "$($j core_utilization ff)" \
        "$($j core_utilization dsp)" "$($j core_utilization bram18)" "$f" \
        "$($j timing_estimate from | sed 's/.*(\(.*\))$/\1/')" "$($j timing_estimate to | sed 's/.*(\([^)]*\)) \(.*\)$/\1 \2/')"
    if awk -v f="$f" 'BEGIN { exit !(f < 200) }'; then below=$((below + 1)); fi
    if awk -v f="$f" -v w="$worst" 'BEGIN { exit !(f < w) }'; then worst=$f worst_seed=$s; fi
done
echo
printf "%s designs (%s): %s under 200 MHz; the slowest %.1f MHz (seed %s, build/xilinx_fmax_random_%s/xr%s/logs/timing.txt)\n" \
    "$N" "$FAMILY" "$below" "$worst" "$worst_seed" "$FAMILY" "$worst_seed"
