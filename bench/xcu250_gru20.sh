#!/usr/bin/env bash
# bench/xcu250_gru20.sh: issue 11's Xilinx target (the paper-size GRU(20) with at most 198 DSP48:
# <= 285 cycles, II <= 220, <= 30,000 LUT) as a fixed design: examples/toptag_gru20.h5 imported,
# then the factors `rnnc examples/toptag_gru20.h5 --target xilinx --part xcu250 --max-dsp 198`
# picks (session 25):
#   gru1: reuse 9 (174 MACs; x-first with even x shares; one-stage MACs and one-unit serial
#         lanes whose candidate table reads its input unregistered, both UltraScale+ only: steps
#         every 13 cycles; a sequence's first step without its h products, 5 cycles shorter),
#         lane_multipliers 1 (20 DSPs), share_multipliers on;
#   dense1: reuse 8 and out: reuse 2, both on gru1's MACs.
# The script fixes it, so that its figures do not move with the search. It synthesizes the core
# for the xcu250 (Yosys synth_xilinx -family xcup, rnnc's Fmax estimate), prints the loop line
# (bench/recurrence_floor.sh) and runs the Verilator bench (8 sequences, then under random
# stalls). About 10 minutes.
# usage: bench/xcu250_gru20.sh   (writes bench/results/xcu250_gru20.txt)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RNNC=${RNNC:-$ROOT/build/rnnc}
B=$ROOT/build/bench/xcu250_gru20
OUT=$ROOT/bench/results/xcu250_gru20.txt
make -s -C "$ROOT"
mkdir -p "$B"
# shellcheck source=bench/fixed_design.sh
. "$ROOT/bench/fixed_design.sh"
fixed_design "$RNNC" "$ROOT/examples/toptag_gru20.h5" "$B/xcu250_gru20.json" gru1=9 gru1.lane_multipliers=1 \
    gru1.share_multipliers=true dense1=8 out=2
field() { grep -o "\"$2\":[[:space:]]*[0-9.a-z]*" "$1" | head -n 1 | sed "s/.*:[[:space:]]*//"; }
{
    echo "xcu250 GRU(20), 198-DSP budget, fixed design (bench/xcu250_gru20.sh) at $(git -C "$ROOT" rev-parse --short HEAD)"
    "$RNNC" "$B/xcu250_gru20.json" --resources xilinx --family xcup --dump schedule -o "$B/dump" 2>&1 | grep -E "^(overlap|loop|x_first|first_step|wave) " |
        sed 's/^/  /'
    "$RNNC" "$B/xcu250_gru20.json" --target xilinx --part xcu250 -o "$B/flow" >"$B/flow.log" 2>&1 || { tail -n 20 "$B/flow.log"; exit 1; }
    grep -E "core alone|fits:|predicted \(resources" "$B/flow.log" | sed 's/^ */  /'
    lat=$(field "$B/flow/report.json" latency_cycles)
    ii=$(field "$B/flow/report.json" ii_cycles)
    # multiplications per sequence: 20 steps x (60 x 26 gate products + 60 elementwise), 1280 + 64 dense
    bound=$(((20 * (60 * 26 + 60) + 1280 + 64 + 197) / 198))
    printf "  latency %s cycles, II %s; 198-DSP bound %s, ratio %.2f (targets: <= 285, II <= 220)\n" "$lat" "$ii" "$bound" \
        "$(echo "$lat / $bound" | bc -l)"
    "$RNNC" "$B/xcu250_gru20.json" --resources xilinx --family xcup --sim "$ROOT/examples/toptag20_in.txt" -o "$B/sim" 2>&1 |
        grep -E "bit-exact|differ" | sed 's/^/  Verilator: /'
    "$RNNC" "$B/xcu250_gru20.json" --resources xilinx --family xcup --sim "$ROOT/examples/toptag20_in.txt" --stall 5 -o "$B/sim_stall" 2>&1 |
        grep -E "bit-exact|differ" | sed 's/^/  Verilator: /'
} | tee "$OUT"
