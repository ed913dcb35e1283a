#!/usr/bin/env bash
# bench/recurrence_floor.sh: how far issue 11's recurrent designs are from the recurrence floor
# (docs/architecture.md, "The recurrence floor"; plan_loop_floor in compiler/plan.c).
# For each design the search picks (the GRU(20) on the xcu250 with --max-dsp 198; the no-flag
# UP5K designs, fixed at bench/results/targets.txt's factors), `rnnc --dump schedule` prints its cell's loop line: O, the cycles from a unit's
# rows' last h read to the next step's first read of its h (product, tree and lane stages); the
# period its order of h products needs; and the floor of any order of those products on its
# multipliers: O + ceil((ceil(n_h / n_mult) - 1) / 2), or the multipliers' own bound,
# ceil(products per step / n_mult), where that is more. This script adds the floor at the DSP
# budget (every DSP on the cell's matrix products), the II and the latency a design at that floor
# would have with the same stages: II = steps x P where the cell binds it, latency less
# (steps - 1) x (P - floor).
# No synthesis; a few seconds.
# usage: bench/recurrence_floor.sh   (writes bench/results/recurrence_floor.txt)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RNNC=${RNNC:-$ROOT/build/rnnc}
OUT=$ROOT/bench/results/recurrence_floor.txt
B=$ROOT/build/bench/recurrence_floor
make -s -C "$ROOT"
mkdir -p "$B"

# shellcheck source=bench/fixed_design.sh
. "$ROOT/bench/fixed_design.sh"
fixed() { fixed_design "$RNNC" "$@"; } # MODEL OUT.json SETTINGS...: targets.txt's chosen factors

max() { echo $(($1 > $2 ? $1 : $2)); }

# NAME MODEL STEPS DSP_BUDGET RNNC_ARGS...
row() {
    local name=$1 model=$2 steps=$3 budget=$4
    shift 4
    "$RNNC" "$model" "$@" --dump schedule -o "$B/$name" >"$B/$name.txt" 2>&1
    local loop period lat
    loop=$(grep '^loop ' "$B/$name.txt" || true)
    period=$(sed -n 's/^overlap .*next step \([0-9]*\) cycles.*/\1/p' "$B/$name.txt")
    lat=$(sed -n 's/^latency_cycles //p' "$B/$name.txt")
    if [ -z "$loop" ]; then
        printf '%-9s %7s   (no overlapped cell: %s)\n' "$name" "$lat" "$(grep '^form ' "$B/$name.txt")"
        return
    fi
    # "loop C: N h products of A in job cycles ..., h read again O cycles ...; this order needs
    #  P >= R, any order on M multipliers P >= O + W = F (plan_loop_floor), their slots P >= S"
    read -r n_h n_all o rule mult floor <<<"$(sed -E 's/^loop [^:]*: ([0-9]+) h products of ([0-9]+) .* again ([0-9]+) cycles.*needs P >= ([0-9]+), any order on ([0-9]+) multipliers P >= O \+ [0-9]+ = ([0-9]+).*/\1 \2 \3 \4 \5 \6/' <<<"$loop")"
    floor=$(max "$floor" $(((n_all + mult - 1) / mult)))
    local slots=$(((n_h + budget - 1) / budget)) floor_d
    floor_d=$(max $((o + slots / 2)) $(((n_all + budget - 1) / budget)))
    local lat_d=$((lat - (steps - 1) * (period - floor_d)))
    printf '%-9s %7s %4s %4s %3s %5s %6s   %7s %8s %11s %9s\n' "$name" "$lat" "$period" "$rule" "$o" "$mult" "$floor" \
        "$budget" "$floor_d" "$((steps * floor_d))" "$lat_d"
}

{
    echo "The recurrence floor of issue 11's designs at $(git -C "$ROOT" rev-parse --short HEAD) (bench/recurrence_floor.sh)"
    echo "P: the cell's period; rule: the period its order of h products needs; O: product, tree and lane"
    echo "stages from a unit's rows' last h read to its h's next read; floor: any order on the same"
    echo "multipliers (or their slots, where more); at budget: every DSP of the budget on the cell's"
    echo "matrix products (elementwise products in LUTs)"
    echo
    echo "design    latency    P rule   O  mult  floor    budget  floor@b  II@floor(b)  lat@floor(b)"
    row GRU20x "$ROOT/examples/toptag_gru20.h5" 20 198 --reuse auto --max-dsp 198 --resources xilinx --family xcup
    # the UP5K no-flag picks (bench/results/targets.txt), fixed: the search needs the flow's part
    fixed "$ROOT/../shared/models/model_toptag_gru.h5" "$B/gru5.json" layer1=33 layer1.lane_multipliers=3 \
        layer1.share_multipliers=1 layer2=5 output_sigmoid=2
    row GRU5 "$B/gru5.json" 20 8 --resources ice40 --table-reg
    fixed "$ROOT/examples/toptag_lstm20.h5" "$B/lstm20.json" lstm1=312 lstm1.lane_multipliers=1 \
        lstm1.share_multipliers=1 dense1=200 out=32
    row LSTM20 "$B/lstm20.json" 20 8 --resources ice40 --table-reg
    fixed "$ROOT/examples/toptag_gru20.h5" "$B/gru20u.json" gru1=520 gru1.lane_multipliers=2 \
        gru1.share_multipliers=1 dense1=440 out=32
    row GRU20u "$B/gru20u.json" 20 8 --resources ice40 --table-reg
} | tee "$OUT"
