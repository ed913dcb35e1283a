#!/usr/bin/env bash
# bench/calibrate.sh [FAMILY]: re-derives the resource model's cost table (compiler/resources.c)
# for FAMILY (ice40, default; xilinx) from Yosys. Synthesizes the calibration designs (the
# top-tagging GRU(5) from ../shared/models when present, the paper-size GRU(20) and LSTM(20) of
# bench/models.py, at several reuse factors), takes each design's features from rnnc's
# report.json ("resources") and the measured cells from the flow, fits the per-feature costs by
# least squares (bench/calibrate.py) and prints the C table plus predicted against measured.
# Slow (tens of minutes on a busy machine): not part of make test. Results: build/calib/.
set -euo pipefail
shopt -s extglob
ROOT=$(cd "$(dirname "$0")/.." && pwd)
FAMILY=${1:-ice40}
B=$ROOT/build/calib/$FAMILY
mkdir -p "$B"
make -s -C "$ROOT"
RNNC=$ROOT/build/rnnc
python3 "$ROOT/bench/models.py" "$B" >/dev/null
GRU5=$ROOT/../shared/models/model_toptag_gru.h5
# model reuse-factors... (the largest: one multiplier per layer)
CONFIGS=${CONFIGS:-"gru5:165,83,16 toptag_lstm_rf1:2080,1040 toptag_gru20:1560,780 gru5:2,33"}
[ -f "$GRU5" ] || CONFIGS=${CONFIGS//gru5:*([0-9,]) /}
: >"$B/designs.txt"
for c in $CONFIGS; do
    model=${c%%:*}
    path=$B/$model.json
    [ "$model" = gru5 ] && path=$GRU5
    for rf in ${c#*:}; do rf=${rf//,/ }; for r in $rf; do
        d=$B/${model}_$r
        if [ ! -f "$d/report.json" ] || ! grep -q '"implementation"' "$d/report.json"; then
            nice "$RNNC" "$path" --reuse "$r" --target "$FAMILY" -o "$d" >"$d.log" 2>&1 || true
        fi
        # the features of the same design (no flow): what the model predicts from
        nice "$RNNC" "$path" --reuse "$r" --table-reg -o "$d.emit" >/dev/null 2>&1 || true
        echo "$d" >>"$B/designs.txt"
        echo "calibrate: $model reuse $r done" >&2
    done; done
done
python3 "$ROOT/bench/calibrate.py" "$FAMILY" "$B/designs.txt"
