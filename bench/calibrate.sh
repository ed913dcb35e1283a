#!/usr/bin/env bash
# bench/calibrate.sh [FAMILY]: re-derives the resource model's LUT/FF cost table
# (compiler/resources.c) for FAMILY (ice40, default; xilinx; ecp5) from Yosys, and measures
# how well the whole model (DSP, block RAM, LUT, FF) predicts.
#
# Designs: for the trained top-tagging GRU(5) (../shared/models, when present), the paper-size
# GRU(20) and LSTM(20) of bench/models.py and a few small seeded models (tests/gen_model.c),
# `rnnc explore` lists candidates; up to PER_MODEL of them, spread over each front, are
# emitted with their per-layer reuse factors (--config) and synthesized by Yosys alone (the
# flow's core synthesis script, no place and route). bench/calibrate.py then fits the
# per-feature costs (features from each design's report.json) and prints the table of
# predicted against measured (bench/results/resources_FAMILY.txt).
# Slow (minutes per design on a busy machine): not part of make test. Work: build/calib/FAMILY.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
FAMILY=${1:-ice40}
PER_MODEL=${PER_MODEL:-4}
B=$ROOT/build/calib/$FAMILY
mkdir -p "$B"
make -s -C "$ROOT"
RNNC=$ROOT/build/rnnc
python3 "$ROOT/bench/models.py" "$B" >/dev/null
cc -std=c11 -O2 -o "$B/gen_model" "$ROOT/tests/gen_model.c" -lm
"$B/gen_model" 1 "$B/small_gru.json" "$B/small_in.txt" --spec "T=8 F=4 NAME=small_gru; gru u=6; dense u=4 act=relu; dense u=1 act=sigmoid"
"$B/gen_model" 2 "$B/small_lstm.json" "$B/small_in.txt" --spec "T=8 F=3 NAME=small_lstm; lstm u=5; dense u=1 act=sigmoid"
MODELS="$B/small_gru.json $B/small_lstm.json $B/toptag_lstm20.json $B/toptag_gru20.json"
GRU5=$ROOT/../shared/models/model_toptag_gru.h5
[ -f "$GRU5" ] && MODELS="$GRU5 $MODELS"
case $FAMILY in
    ice40) SYNTH="synth_ice40 -dsp" ;;
    xilinx) SYNTH="synth_xilinx -family xc7" ;;
    ecp5) SYNTH="synth_ecp5" ;;
    *) echo "calibrate.sh: FAMILY is ice40, xilinx or ecp5" >&2; exit 2 ;;
esac
: >"$B/designs.txt"
for m in $MODELS; do
    name=$(basename "$m" | sed 's/\.[a-z0-9]*$//')
    "$RNNC" explore "$m" --target "$FAMILY" --max-dsp "${MAX_DSP:-48}" --max-bram 1000 --max-lut "${MAX_LUT:-12000}" -o "$B/$name.explore" >/dev/null
    # PER_MODEL candidates spread over the front: hls4ml-style configurations of their factors
    python3 - "$B/$name.explore/explore.csv" "$B/$name" "$PER_MODEL" <<'PY'
import csv, json, sys
path, base, k = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = [r for r in csv.DictReader(open(path)) if r["pareto"] == "1"]
rows.sort(key=lambda r: int(r["latency_cycles"]))
pick = [rows[round(i * (len(rows) - 1) / max(k - 1, 1))] for i in range(min(k, len(rows)))]
for i, r in enumerate(dict.fromkeys(id(p) for p in pick)):
    p = next(x for x in pick if id(x) == r)
    cfg = {"LayerName": {c[3:]: {"ReuseFactor": int(v)} for c, v in p.items() if c.startswith("rf_")}}
    json.dump(cfg, open(f"{base}_c{i}.config.json", "w"))
PY
    for cfg in "$B/${name}"_c*.config.json; do
        d=${cfg%.config.json}
        "$RNNC" "$m" --config "$cfg" --table-reg --resources "$FAMILY" -o "$d" >/dev/null
        top=$(python3 -c "import json; print(json.load(open('$d/report.json'))['top'])")
        if [ ! -s "$d.stat.json" ]; then
            # JOBS syntheses at a time
            while [ "$(jobs -rp | wc -l)" -ge "${JOBS:-3}" ]; do sleep 2; done
            (cd "$d" && nice yosys -q -p "read_verilog -defer $(tr '\n' ' ' <files.f); hierarchy -top $top; $SYNTH -top $top; flatten; tee -q -o stat.json stat -json" >/dev/null 2>&1 &&
                cp stat.json "$d.stat.json" && echo "calibrate: $(basename "$d") synthesized" >&2 ||
                echo "calibrate: $d: yosys failed" >&2) &
        fi
        echo "$d" >>"$B/designs.txt"
    done
done
wait
python3 "$ROOT/bench/calibrate.py" "$FAMILY" "$B/designs.txt"
