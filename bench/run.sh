#!/usr/bin/env bash
# bench/run.sh: the figures the README quotes. Prints a table; nothing here is a pass/fail test.
#   1. latency of the seed paper's top-tagging LSTM at reuse factor 1 vs the 175-cycle bound
#      and hls4ml's published ~320-340 cycles (1.6-1.7 us at 200 MHz)
#   2. the same model with reuse factors giving 8 multipliers per layer vs the multiplier bound
#      sum over layers of timesteps x ceil(multiplications per step / 8)
#   3. time to emit a 134k-parameter model (LSTM(128) on 100x3, Dense 256, 128, 5), best of 5
#   4. Verilator build time and simulated sequences per second (1000 sequences), bit-exact check
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
B=$ROOT/build/bench
make -s -C "$ROOT"
RNNC=$ROOT/build/rnnc
python3 "$ROOT/bench/models.py" "$B"
field() { grep -o "\"$2\":[[:space:]]*[0-9.e+-]*" "$1" | head -n 1 | sed "s/.*:[[:space:]]*//"; }

echo "== 1. top-tagging LSTM(20), reuse factor 1"
"$RNNC" "$B/toptag_lstm_rf1.json" -o "$B/rf1" >/dev/null
lat=$(field "$B/rf1/report.json" latency_cycles)
ii=$(field "$B/rf1/report.json" ii_cycles)
printf "   latency %s cycles (bound 175; hls4ml ~320-340), %.2f us at 200 MHz; II %s cycles\n" "$lat" \
    "$(echo "$lat / 200" | bc -l)" "$ii"

echo "== 2. top-tagging LSTM(20), 8 multipliers per layer"
"$RNNC" "$B/toptag_lstm_m8.json" -o "$B/m8" >/dev/null
lat8=$(field "$B/m8/report.json" latency_cycles)
bound=$((20 * ((26 * 80 + 7) / 8) + (20 * 64 + 7) / 8 + (64 + 7) / 8))
printf "   latency %s cycles; multiplier bound %s; ratio %.3f (target <= 1.10)\n" "$lat8" "$bound" \
    "$(echo "$lat8 / $bound" | bc -l)"
grep -o '"multipliers":[[:space:]]*[0-9]*' "$B/m8/report.json" | head -n 3 | sed 's/^/   /'

echo "== 3. emit time, 134k-parameter model"
best=999
for _ in 1 2 3 4 5; do
    s=$(date +%s.%N)
    "$RNNC" "$B/big134k.json" -o "$B/big" >/dev/null
    e=$(date +%s.%N)
    t=$(echo "$e - $s" | bc -l)
    best=$(echo "if ($t < $best) $t else $best" | bc -l)
done
printf "   %.3f s (bound 0.2 s), %s of Verilog\n" "$best" "$(du -sh "$B/big/rtl" | cut -f1)"

echo "== 4. Verilator: build time and simulation speed (1000 sequences, bit-exact vs the emulator)"
"$RNNC" "$B/toptag_lstm_rf1.json" --sim "$B/toptag_lstm_in1000.txt" -o "$B/sim" >/dev/null 2>"$B/sim.err" ||
    { cat "$B/sim.err"; exit 1; }
printf "   build %s s, %s sequences/s simulated, bit_exact %s, latency %s (predicted %s)\n" \
    "$(field "$B/sim/sim.json" build_seconds)" "$(field "$B/sim/sim.json" sequences_per_second)" \
    "$(grep -o '"bit_exact": [a-z]*' "$B/sim/sim.json" | sed 's/.*: //')" \
    "$(field "$B/sim/sim.json" latency_cycles)" "$(field "$B/sim/sim.json" predicted_latency_cycles)"

echo "== 5. iCE40 UP5K: the whole flow (emit, Yosys, nextpnr, icepack) on the two top-tagging models"
up5k() { # NAME MODEL ARGS...
    local name=$1 model=$2
    shift 2
    local s e
    s=$(date +%s.%N)
    "$RNNC" "$model" --target ice40 "$@" -o "$B/$name" >"$B/$name.log" 2>&1 || { tail -n 20 "$B/$name.log"; exit 1; }
    e=$(date +%s.%N)
    python3 - "$B/$name/report.json" "$name" "$(echo "$e - $s" | bc -l)" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
i = r["implementation"]
b = i["board_utilization"]
u = lambda k: f'{b[k]["used"]}/{b[k]["available"]}'
print(f'   {sys.argv[2]}: {u("ICESTORM_LC")} LC, {u("ICESTORM_DSP")} DSP, {u("ICESTORM_RAM")} BRAM, fits {i["fits"]}; '
      f'Fmax {i["fmax_mhz"]:.2f} MHz for {i["clock_mhz_requested"]} MHz (met {i["timing_met"]}); '
      f'latency {i["latency_cycles"]} cycles = {i["latency_us"]:.1f} us; flow {float(sys.argv[3]):.1f} s')
PY
}
up5k up5k_gru5 "$ROOT/examples/toptag_gru_small.json"
up5k up5k_lstm20 "$ROOT/examples/toptag_lstm_up5k.json"
