#!/usr/bin/env bash
# bench/auto.sh: the issue-12 targets of reuse factors chosen by rnnc, no reuse flag given:
# the trained top-tagging GRU(5) (../shared/models/model_toptag_gru.h5) and the paper-size
# trained LSTM(20) and GRU(20) (examples/toptag_lstm20.h5, toptag_gru20.h5: bench/train_toptag20.py)
# with --target ice40 alone, one flow at a time under nice; prints per
# model the chosen factors, attempts, fits, Fmax, latency, seconds, and predicted against
# measured resources. Results: build/auto/, the table in bench/results/auto_ice40.txt.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
B=$ROOT/build/auto
mkdir -p "$B"
make -s -C "$ROOT"
RNNC=$ROOT/build/rnnc
MODELS="$ROOT/examples/toptag_lstm20.h5 $ROOT/examples/toptag_gru20.h5"
[ -f "$ROOT/../shared/models/model_toptag_gru.h5" ] && MODELS="$ROOT/../shared/models/model_toptag_gru.h5 $MODELS"
OUT=$ROOT/bench/results/auto_ice40.txt
echo "model | chosen reuse factors | attempts | fits | Fmax MHz | latency cycles | flow s | DSP p/m | BRAM p/m | LUT p/m | FF p/m | board LC" >"$OUT"
for m in $MODELS; do
    name=$(basename "$m" | sed 's/\.[a-z0-9]*$//')
    d=$B/$name
    start=$(date +%s)
    nice -n 10 "$RNNC" "$m" --target ice40 -o "$d" >"$d.log" 2>&1 || true
    secs=$(($(date +%s) - start))
    python3 - "$d/report.json" "$name" "$secs" >>"$OUT" <<'PY'
import json, sys
path, name, secs = sys.argv[1:]
r = json.load(open(path))
i, a = r.get("implementation", {}), r.get("auto_reuse", {})
u, p = i.get("core_utilization", {}), i.get("predicted_utilization", {})
lut = u.get("lut4", u.get("lut", 0))
rf = " ".join(f"{k}={v}" for k, v in a.get("reuse_factors", {}).items())
rf += "".join(f" {k}.recurrent={v}" for k, v in a.get("recurrent_reuse_factors", {}).items())
lc = i.get("board_utilization", {}).get("ICESTORM_LC", {})
print(f"{name} | {rf} | {len(a.get('attempts', []))} | {i.get('fits')} | {i.get('fmax_mhz', 0):.1f} | "
      f"{r['totals']['latency_cycles']} | {secs} | {p.get('dsp')}/{u.get('dsp')} | {p.get('bram')}/{u.get('bram')} | "
      f"{p.get('lut')}/{lut} | {p.get('ff')}/{u.get('ff')} | {lc.get('used')}/{lc.get('available')}")
PY
    tail -n 1 "$OUT"
done
