#!/usr/bin/env bash
# bench/sweep.sh: reuse-factor sweep of the top-tagging LSTM(20) and GRU(20) models: latency
# against resources, for iCE40 UP5K (synthesis, and place and route where it fits) and the
# Xilinx 7-series estimate (Yosys synth_xilinx). Writes build/sweep/sweep.csv, prints the table
# and draws build/sweep/sweep.svg (bench/plot_sweep.py) with hls4ml's published point.
# Slow (tens of minutes): not part of make test.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
B=$ROOT/build/sweep
mkdir -p "$B"
make -s -C "$ROOT"
RNNC=$ROOT/build/rnnc
python3 "$ROOT/bench/models.py" "$B" >/dev/null
RFS=${RFS:-"1 8 32 128 512 100000"}
echo "model,rf,target,latency_cycles,ii_cycles,lut,ff,dsp,bram,fits,fmax_mhz,latency_us" >"$B/sweep.csv"
for model in toptag_lstm_rf1 toptag_gru20; do
    for rf in $RFS; do
        python3 -c "import json,sys; m=json.load(open('$B/$model.json')); m['reuse_factor']=$rf
for l in m['layers']: l.pop('reuse_factor', None)
m['name']='sw_${model#toptag_}_$rf'.replace('_rf1',''); json.dump(m, open('$B/${model}_$rf.json','w'))"
        for target in xilinx ice40; do
            if [ "$target" = ice40 ] && [ "$rf" -lt 32 ]; then continue; fi # thousands of multipliers: no fit
            d=$B/${model}_${rf}_$target
            "$RNNC" "$B/${model}_$rf.json" --target $target -o "$d" >"$d.log" 2>&1 || true
            python3 - "$d/report.json" "$model" "$rf" "$target" >>"$B/sweep.csv" <<'PY'
import json, sys
path, model, rf, target = sys.argv[1:]
try:
    r = json.load(open(path))
except Exception:
    sys.exit(0)
i = r.get("implementation", {})
u = i.get("core_utilization", {})
t = r["totals"]
lut = u.get("lut4", u.get("lut", 0))
fmax = i.get("fmax_mhz", "")
clock = i.get("clock_mhz", 200.0 if target == "xilinx" else 48.0)
lat_us = t["latency_cycles"] / (200.0 if target == "xilinx" else clock)
print(f"{model},{rf},{target},{t['latency_cycles']},{t['ii_cycles']},{lut},{u.get('ff',0)},{u.get('dsp',0)},"
      f"{u.get('bram',0)},{i.get('fits','')},{fmax},{lat_us:.3f}")
PY
            tail -n 1 "$B/sweep.csv"
        done
    done
done
python3 "$ROOT/bench/plot_sweep.py" "$B/sweep.csv" "$B/sweep.svg"
column -s, -t "$B/sweep.csv"
echo "plot: $B/sweep.svg"
