#!/usr/bin/env bash
# bench/serial_lane.sh: the serial elementwise lanes (lane_multipliers 1) on the iCE40 UP5K
# (issue 11), the runs behind bench/results/serial_lane.txt, one place and route at a time
# under nice (minutes each; not part of make test). Work directory: build/serial_lane.
#   1. ../shared/models/model_toptag_gru.h5 with no flags: `rnnc --target ice40` (the reuse
#      search picks the reuse factors and the lane form), then --sim of the same design on
#      examples/toptag_gru_in.txt (bit-exact, cycle-exact);
#   2. the top-tagging LSTM(20) (examples/toptag_lstm_up5k.json) at the LSTM's reuse 520 (4
#      product multipliers, banked) with a serial lane and 256-entry tables: 4 + 1 + 1 + 1 = 7
#      SB_MAC16 (with a 3-multiplier lane it needs 9 of 8), `rnnc --target ice40`.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
make -s -C "$ROOT"
RNNC=$ROOT/build/rnnc
D=$ROOT/build/serial_lane
rm -rf "$D"
mkdir -p "$D"

nice -n 10 "$RNNC" "$ROOT/../shared/models/model_toptag_gru.h5" --target ice40 -o "$D/gru5" | tee "$D/gru5.log"
# the chosen factors and lane form, written into a model file, simulated once
python3 - "$ROOT/../shared/models/model_toptag_gru.h5" "$D" "$RNNC" <<'EOF'
import json, subprocess, sys
h5, d, rnnc = sys.argv[1:4]
subprocess.run([rnnc, "import", h5, "-o", f"{d}/gru5.json"], check=True)
rep = json.load(open(f"{d}/gru5/report.json"))
m = json.load(open(f"{d}/gru5.json"))
engines = {e["module"]: e for e in rep["engines"]}
for l in m["layers"]:
    e = next(e for k, e in engines.items() if k.endswith(f"_{l['name']}_{'cell' if l['type'] == 'gru' else 'dense'}"))
    l["reuse_factor"] = e["reuse_factor"]
    if l["type"] == "gru":
        l["lane_multipliers"] = 1 if e["lane_unit_cycles"] == 3 else 3
json.dump(m, open(f"{d}/gru5_chosen.json", "w"))
EOF
nice -n 10 "$RNNC" "$D/gru5_chosen.json" --table-reg --sim "$ROOT/examples/toptag_gru_in.txt" -o "$D/gru5_sim" | tail -n 1

python3 - "$ROOT/examples/toptag_lstm_up5k.json" "$D/lstm20_520.json" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))
for l in m["layers"]:
    if l["type"] == "lstm":
        l["reuse_factor"] = 520
        l["lane_multipliers"] = 1
    l["table_size"] = 256
json.dump(m, open(sys.argv[2], "w"))
EOF
nice -n 10 "$RNNC" "$D/lstm20_520.json" --target ice40 -o "$D/lstm20" | tee "$D/lstm20.log"
