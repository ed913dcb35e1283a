#!/usr/bin/env bash
# bench/lstm20_7mac.sh: issue 11's UP5K LSTM(20) target (<= 7,200 cycles at 48 MHz) as a fixed
# design: examples/toptag_lstm20.h5 imported, then
#   lstm1: reuse 312 (12 whole rows on each of 7 MACs), one serial lane (lane_multipliers 1:
#          the eighth SB_MAC16), share_multipliers on;
#   dense1: reuse 200 (10 whole rows on each of the cell's 7 MACs; its weights in the free
#          words of the cell's ROM blocks, lower_share_roms);
#   out: reuse 32 (on 2 of the cell's MACs);
#   every activation table 512 entries, stored as mirrored halves (as the search sets them when
#   whole 1024-entry tables do not fit the block RAM).
# This is the design `rnnc examples/toptag_lstm20.h5 --target ice40` picks with no flag (session
# 24); the script fixes it, so that its figures do not move with the search.
# Runs the UP5K flow (Yosys, nextpnr, icepack) and the Verilator bench (8 sequences, then under
# random stalls) and prints cycles against the 8-DSP multiplier bound, the resources and Fmax.
# usage: bench/lstm20_7mac.sh   (writes bench/results/lstm20_7mac.txt)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RNNC=${RNNC:-$ROOT/build/rnnc}
B=$ROOT/build/bench/lstm20_7mac
OUT=$ROOT/bench/results/lstm20_7mac.txt
make -s -C "$ROOT"
mkdir -p "$B"
# shellcheck source=bench/fixed_design.sh
. "$ROOT/bench/fixed_design.sh"
fixed_design "$RNNC" "$ROOT/examples/toptag_lstm20.h5" "$B/lstm20_7mac.json" lstm1=312 lstm1.lane_multipliers=1 \
    lstm1.share_multipliers=true dense1=200 out=32 '*.table_size=512' '*.table_mirror=true'
field() { grep -o "\"$2\":[[:space:]]*[0-9.a-z]*" "$1" | head -n 1 | sed "s/.*:[[:space:]]*//"; }
{
    echo "UP5K LSTM(20) on 7 MACs + a serial lane (bench/lstm20_7mac.sh) at $(git -C "$ROOT" rev-parse --short HEAD)"
    "$RNNC" "$B/lstm20_7mac.json" --target ice40 -o "$B/flow" >"$B/flow.log" 2>&1 || { tail -n 20 "$B/flow.log"; exit 1; }
    grep -E "core alone|ICESTORM_(LC|DSP|RAM)|fits:|predicted \(resources" "$B/flow.log" | sed 's/^ */  /'
    lat=$(field "$B/flow/report.json" latency_cycles)
    bound=$(((44144 + 7) / 8))
    printf "  latency %s cycles, 8-DSP bound %s, ratio %.2f (target <= 7,200)\n" "$lat" "$bound" "$(echo "$lat / $bound" | bc -l)"
    "$RNNC" "$B/lstm20_7mac.json" --table-reg --sim "$ROOT/examples/toptag20_in.txt" -o "$B/sim" 2>&1 | grep -E "bit-exact|differ" | sed 's/^/  Verilator: /'
    "$RNNC" "$B/lstm20_7mac.json" --table-reg --sim "$ROOT/examples/toptag20_in.txt" --stall 5 -o "$B/sim_stall" 2>&1 |
        grep -E "bit-exact|differ" | sed 's/^/  Verilator: /'
} | tee "$OUT"
