#!/usr/bin/env bash
# bench/targets.sh: issue 11's cycle targets against the multiplier bound, predicted (rnnc
# explore: the design --reuse auto picks, its latency and II exactly as simulation measures
# them, its resources by the model of compiler/resources.c; no synthesis, a few seconds):
#   the trained GRU(5) (../shared/models/model_toptag_gru.h5) and the paper-size LSTM(20)
#   (examples/toptag_lstm20.h5) on the iCE40 UP5K, no flag: bound = multiplications / 8 DSP;
#   the paper-size GRU(20) (examples/toptag_gru20.h5) on the xcu250 with --max-dsp 198:
#   bound = multiplications / 198, and with --max-lut 30000 as well ("GRU(20)l"), and for
#   throughput ("GRU(20)t", against the II target), and for throughput under both budgets
#   ("GRU(20)lt": some multipliers in logic); and, with no
#   issue-11 target, the GRU(20) on the UP5K, no flag ("GRU(20)u", bound = multiplications / 8).
# Multiplications per sequence count every product: the gates' (units x gates x (inputs +
# units) per step), the 3 elementwise ones per unit and step, the dense layers'.
# Placed and simulated figures: bench/results/noflag_ice40.txt, xcu250_auto.txt (where a pick
# misses the clock in place and route, the flow's fallback differs from the row).
# usage: bench/targets.sh   (writes bench/results/targets.txt)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RNNC=${RNNC:-$ROOT/build/rnnc}
OUT=$ROOT/bench/results/targets.txt
make -s -C "$ROOT"
GRU5=$ROOT/../shared/models/model_toptag_gru.h5

# NAME MODEL MULTIPLICATIONS DSP TARGET_CYCLES EXPLORE_ARGS...
row() {
    local name=$1 model=$2 mults=$3 dsp=$4 target=$5
    shift 5
    local best
    best=$("$RNNC" explore "$model" "$@" 2>&1 | grep '^\*' || true)
    if [ -z "$best" ]; then
        printf '%-10s (explore found no design)\n' "$name"
        return
    fi
    # "*  latency ii us dsp lut ff bram area fits factors..."
    read -r _ lat ii _ d lut ff bram _ _ factors <<<"$best"
    local bound=$(((mults + dsp - 1) / dsp))
    printf '%-10s %7s %7s %7s %6.2f %7s   %4s %7s %7s %4s   %s\n' "$name" "$lat" "$ii" "$bound" \
        "$(echo "$lat / $bound" | bc -l)" "$target" "$d" "$lut" "$ff" "$bram" "$factors"
}

{
    echo "Issue 11's targets, predicted by rnnc explore at $(git -C "$ROOT" rev-parse --short HEAD) (bench/targets.sh)"
    echo "bound = multiplications / DSPs; ratio = latency / bound"
    echo
    printf '%-10s %7s %7s %7s %6s %7s   %4s %7s %7s %4s   %s\n' model latency II bound ratio target DSP LUT FF BRAM \
        "chosen factors"
    [ -f "$GRU5" ] && row "GRU(5)" "$GRU5" 3630 8 700 --target ice40
    row "LSTM(20)" "$ROOT/examples/toptag_lstm20.h5" 44144 8 7200 --target ice40
    row "GRU(20)" "$ROOT/examples/toptag_gru20.h5" 33744 198 285 --target xilinx --part xcu250 --max-dsp 198
    # the same with issue 11's LUT target as a budget too (the search's own choice under both;
    # its synthesis: bench/results/xcu250_auto.txt)
    row "GRU(20)l" "$ROOT/examples/toptag_gru20.h5" 33744 198 285 --target xilinx --part xcu250 --max-dsp 198 \
        --max-lut 30000
    # the same for throughput (--optimize throughput: the least II, then the least latency), against
    # issue 11's II <= 220 (its synthesis and simulation: bench/results/xcu250_gru20.txt)
    row "GRU(20)t" "$ROOT/examples/toptag_gru20.h5" 33744 198 "II220" --target xilinx --part xcu250 --max-dsp 198 \
        --optimize throughput
    # throughput under both budgets: the multipliers past the DSPs in logic (logic_multipliers),
    # against all three targets (the fixed design that meets them: bench/results/xcu250_gru20.txt)
    row "GRU(20)lt" "$ROOT/examples/toptag_gru20.h5" 33744 198 "285/II220" --target xilinx --part xcu250 \
        --max-dsp 198 --max-lut 30000 --optimize throughput
    # no issue-11 target: the same GRU(20) on the UP5K, no flag (issue 12: fits, 48 MHz)
    row "GRU(20)u" "$ROOT/examples/toptag_gru20.h5" 33744 8 - --target ice40
} | tee "$OUT"
