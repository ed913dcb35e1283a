#!/usr/bin/env bash
# bench/shared_macs.sh: shared multipliers (share_multipliers, docs/architecture.md "Shared
# multipliers") on the issue-11 UP5K designs, predicted (`rnnc --dump schedule` and `rnnc
# explore`'s resource model; no synthesis):
#   the trained GRU(5) (../shared/models/model_toptag_gru.h5), --table-reg as on iCE40, at
#     layer1 33 with 3-multiplier lanes and at 24 / 28 with a serial lane (x-first), dense
#     layers at 25 / 5, sharing off and on;
#   the top-tagging LSTM(20) (examples/toptag_lstm20.h5) as the no-flag search picks it, off/on;
# then the no-flag choices of both (`rnnc explore --target ice40`: the row marked *).
# FLOW=1 also runs the no-flag flows (`--target ice40`, about 4 + 6 minutes on a loaded
# 2-core machine) and simulates the GRU(5)'s choice on examples/toptag_gru_in.txt, plain and
# under stalls. usage: bench/shared_macs.sh
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RNNC=${RNNC:-$ROOT/build/rnnc}
W=$ROOT/build/shared_macs
GRU=${GRU5:-$ROOT/../shared/models/model_toptag_gru.h5}
mkdir -p "$W"
"$RNNC" import "$GRU" -o "$W/gru5.json" >/dev/null
"$RNNC" import "$ROOT/examples/toptag_lstm20.h5" -o "$W/lstm20.json" >/dev/null
python3 - "$W" <<'PY'
import json, sys
w = sys.argv[1]
g = json.load(open(w + "/gru5.json"))
for rf, lm in ((33, 3), (33, 1), (28, 1), (24, 1)):
    for sh in (False, True):
        m = json.loads(json.dumps(g))
        m["layers"][0].update(reuse_factor=rf, lane_multipliers=lm, share_multipliers=sh)
        m["layers"][1]["reuse_factor"], m["layers"][2]["reuse_factor"] = 25, 5
        json.dump(m, open("%s/gru5_%d_lm%d_sh%d.json" % (w, rf, lm, sh), "w"))
l = json.load(open(w + "/lstm20.json"))
for sh in (False, True):
    m = json.loads(json.dumps(l))
    m["layers"][0].update(reuse_factor=520, lane_multipliers=3, share_multipliers=sh, table_size=256)
    m["layers"][1].update(reuse_factor=1280, table_size=256)
    m["layers"][2].update(reuse_factor=32, table_size=256)
    json.dump(m, open("%s/lstm20_520_sh%d.json" % (w, sh), "w"))
PY
printf '%-22s %8s %6s %4s %6s %6s %5s %5s\n' design latency II DSP LUT FF BRAM fits
for f in "$W"/gru5_*.json "$W"/lstm20_520_*.json; do
    row=$("$RNNC" explore "$f" --target ice40 -o "$W/ex_$(basename "$f" .json)" 2>/dev/null | awk '$1 == "*" { print $2, $3, $5, $6, $7, $8, $10 }')
    printf '%-22s %8s %6s %4s %6s %6s %5s %5s\n' "$(basename "$f" .json)" $row
done
echo "no-flag choices (rnnc explore MODEL --target ice40):"
for m in "$GRU" "$ROOT/examples/toptag_lstm20.h5"; do
    "$RNNC" explore "$m" --target ice40 -o "$W/ex_noflag" 2>/dev/null | grep '^\*'
done
if [ "${FLOW:-0}" = 1 ]; then
    nice -n 10 "$RNNC" "$GRU" --target ice40 -o "$W/flow_gru5" | tail -12
    nice -n 10 "$RNNC" "$W/gru5_33_lm3_sh1.json" --sim "$ROOT/examples/toptag_gru_in.txt" --table-reg -o "$W/sim_gru5" | tail -1
    nice -n 10 "$RNNC" "$W/gru5_33_lm3_sh1.json" --sim "$ROOT/examples/toptag_gru_in.txt" --table-reg --stall 7 -o "$W/sim_gru5s" | tail -1
    nice -n 10 "$RNNC" "$ROOT/examples/toptag_lstm20.h5" --target ice40 -o "$W/flow_lstm20" | tail -12
fi
