#!/usr/bin/env bash
# bench/xfirst.sh: the x-first placement (issue 11, plan_x_first) on the issue's designs.
#
# Prints, per design, the cell's multipliers, reuse factor, tree depth and step latency L, its
# overlapped step period P, whether rnnc placed the cell x-first, and the design's predicted
# latency and II (`rnnc --dump schedule`, schedule.c's cycle model; no simulation):
#   GRU(5) (../shared/models/model_toptag_gru.h5) at reuse 55 (the UP5K design) and at 33,
#     28, 24 (4..6 SB_MAC16 for its product), --table-reg as on iCE40;
#   the top-tagging LSTM(20) (examples/toptag_lstm20.h5) at reuse 520, 347 and 2080, --table-reg;
#   the Xilinx paper-size GRU(20) fused at reuse 16 and 10 (dense layers 40 / 8; bench/models.py).
# RNNC=another/build/rnnc prints a different build's figures (bench/results/xfirst.txt has
# both, before and after). usage: bench/xfirst.sh
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RNNC=${RNNC:-$ROOT/build/rnnc}
W=$ROOT/build/xfirst
mkdir -p "$W"
python3 "$ROOT/bench/models.py" "$W" >/dev/null
python3 - "$W" <<'PY'
import json, sys
w = sys.argv[1]
base = json.load(open(w + "/toptag_gru20.json"))
for r in (16, 10):
    m = json.loads(json.dumps(base))
    m["layers"][0]["reuse_factor"], m["layers"][1]["reuse_factor"], m["layers"][2]["reuse_factor"] = r, 40, 8
    m["name"] = "gru20_%d" % r
    json.dump(m, open("%s/gru20_%d.json" % (w, r), "w"))
PY
row() { # label model args...
    local label=$1 out cell per xf lat ii
    shift
    out=$("$RNNC" "$@" --dump schedule 2>/dev/null)
    cell=$(echo "$out" | awk '$2 == "cell" { printf "%4d %5d %3d %5d", $3, $4, $5, $7; exit }')
    per=$(echo "$out" | sed -n 's/^overlap .*next step \([0-9]*\) cycles.*/\1/p' | head -1)
    xf=$(echo "$out" | grep -c '^x_first' || true)
    lat=$(echo "$out" | awk '/^latency_cycles/ { print $2 }')
    ii=$(echo "$out" | awk '/^ii_cycles/ { print $2 }')
    printf '%-28s %s %5s %7s %8s %6s\n' "$label" "$cell" "${per:--}" "$([ "$xf" -gt 0 ] && echo yes || echo no)" "$lat" "$ii"
}
printf '%-28s %4s %5s %3s %5s %5s %7s %8s %6s\n' design mult rf dep L P x_first latency II
G=$ROOT/../shared/models/model_toptag_gru.h5
for r in 55 33 28 24; do row "GRU(5) reuse $r" "$G" --reuse "$r" --table-reg; done
for r in 520 347 2080; do row "LSTM(20) reuse $r" "$ROOT/examples/toptag_lstm20.h5" --reuse "$r" --table-reg; done
for r in 16 10; do row "Xilinx GRU(20) reuse $r/40/8" "$W/gru20_$r.json"; done
