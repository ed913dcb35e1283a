#!/usr/bin/env bash
# bench/calibrate.sh [FAMILY]: re-derives the resource model's LUT/FF cost table
# (compiler/resources.c) for FAMILY (ice40, default; xilinx, the 7 series; xcup, UltraScale+;
# ecp5) from Yosys, and measures
# how well the whole model (DSP, block RAM, LUT, FF) predicts.
#
# Designs: bench/calibrate_sweep.txt (GRU, LSTM, SimpleRNN and dense models, reuse 1 .. max,
# fused, split and banked cells, table_reg on and off; on iCE40 every design has table_reg, as
# the flow builds them). Each is emitted with --resources FAMILY and its core synthesized by
# Yosys alone, as the flow's core synthesis runs it (synth_ice40 -dsp, synth_xilinx -family xc7
# or xcup, synth_ecp5; no place and route), one at a time under nice. bench/calibrate.py then fits the
# per-feature costs (features from each design's report.json), prints the rows for resources.c
# and the table of predicted against measured (bench/results/resources_FAMILY.txt).
# A synthesis already done (build/calib/FAMILY/NAME.stat.json) is kept: after a change to
# resources.c, re-running re-emits the designs and refits without synthesizing (delete the
# .stat.json files after a change to the RTL). ONLY="name1 name2" restricts the sweep; CACHED=1
# takes only the designs already synthesized; WRITE=1 writes the fitted rows into
# compiler/resources.c (then rebuild, and the unit tests compare them with the results file);
# KEEP=1 evaluates the rows resources.c holds instead of the fit (the refit's worst errors in
# the header);
# CALIB_DIR puts the designs elsewhere (default build/calib). Each netlist is kept
# (NAME.netlist.json.gz): a change to the attribution re-runs it without synthesizing. Slow: about
# 11 minutes a family on this 2-core machine (session 28, two families at once; Xilinx took 29
# under a load of about 10): not part of make test.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"  # the sweep's MODEL and FLAGS paths are relative to the repository
FAMILY=${1:-ice40}
B=${CALIB_DIR:-$ROOT/build/calib}/$FAMILY
mkdir -p "$B"
make -s -C "$ROOT"
RNNC=$ROOT/build/rnnc
python3 "$ROOT/bench/models.py" "$B" >/dev/null
cc -std=c11 -O2 -o "$B/gen_model" "$ROOT/tests/gen_model.c" -lm
case $FAMILY in
    ice40) SYNTH="synth_ice40 -dsp"; EXTRA=--table-reg ;;
    xilinx) SYNTH="synth_xilinx -family xc7"; EXTRA= ;;
    # UltraScale+: the designs lowered for it (--family xcup: one-stage MACs, its serial lanes)
    xcup) SYNTH="synth_xilinx -family xcup"; EXTRA="--family xcup" ;;
    ecp5) SYNTH="synth_ecp5"; EXTRA= ;;
    *) echo "calibrate.sh: FAMILY is ice40, xilinx, xcup or ecp5" >&2; exit 2 ;;
esac
# the resource model's family (--resources): xcup is Xilinx's, with its own cost rows
RES=$FAMILY; [ "$FAMILY" = xcup ] && RES=xilinx
YOSYS=${YOSYS:-yosys}
# calibrate.py needs numpy: the first python3 that has it
for PY in ${PYTHON:-} python3 /usr/bin/python3; do "$PY" -c "import numpy" 2>/dev/null && break; done
: >"$B/designs.txt"
while IFS='|' read -r name model flags skip; do
    name=${name//[[:space:]]/}
    case $name in ''|'#'*) continue ;; esac
    # NAME_tr is NAME with --table-reg: the same design on iCE40
    if [ "$FAMILY" = ice40 ] && [ "${name%_tr}" != "$name" ]; then continue; fi
    # a fourth column "skip FAMILY ...: why" leaves the design out on those families
    case " ${skip%%:*} " in *" $FAMILY "*|*" $RES "*) echo "calibrate: $name: left out on $FAMILY:${skip#*:}" >&2; continue ;; esac
    if [ -n "${ONLY:-}" ] && ! echo " $ONLY " | grep -q " $name "; then continue; fi
    read -r kind arg spec <<<"$model"
    case $kind in
        gen) m=$B/$name.json; "$B/gen_model" "$arg" "$m" "$B/$name.in.txt" --spec "$spec" >/dev/null ;;
        bench) m=$B/$arg ;;
        file) m=$ROOT/$arg ;;
        h5) m=$ROOT/$arg; [ -f "$m" ] || { echo "calibrate: $name: no $arg, skipped" >&2; continue; } ;;
        # "set PATH LAYER.key=value ...": the .h5 imported, per-layer keys set (keys hls4ml's
        # config has no name for: lane_multipliers; a search's choice fixed as a design)
        set) [ -f "$ROOT/$arg" ] || { echo "calibrate: $name: no $arg, skipped" >&2; continue; }
             m=$B/$name.json; "$RNNC" import "$ROOT/$arg" -o "$m"
             python3 - "$m" $spec <<'PYEOF'
import json, sys
m = json.load(open(sys.argv[1]))
for kv in sys.argv[2:]:
    lk, v = kv.split("=")
    layer, key = lk.split(".")
    [l for l in m["layers"] if l["name"] == layer][0][key] = json.loads(v)  # 520, true
json.dump(m, open(sys.argv[1], "w"))
PYEOF
             ;;
        *) echo "calibrate: $name: unknown model kind $kind" >&2; exit 2 ;;
    esac
    d=$B/$name
    rm -rf "$d"
    # shellcheck disable=SC2086
    "$RNNC" "$m" $flags $EXTRA --resources "$RES" -o "$d" >/dev/null
    top=$(python3 -c "import json; print(json.load(open('$d/report.json'))['top'])")
    if [ ! -s "$d.stat.json" ]; then
        [ -z "${CACHED:-}" ] || continue
        t0=$(date +%s)
        # as the flow's synth/core.ys (compiler/emit_flow.c): on iCE40 in two halves with
        # `check -assert` between them, so that Yosys 0.23's ice40_dsp leaving a used net
        # without a driver stops the synthesis instead of silently turning the datapath into x
        # (0 SB_MAC16; a dense layer at reuse 1 after a cell did that to gru6_rf12/gru6_split)
        if [ "$FAMILY" = ice40 ]; then
            run="$SYNTH -top $top -run begin:map_ram; check -assert; $SYNTH -top $top -run map_ram:"
        else
            run="$SYNTH -top $top"
        fi
        # the netlist too: bench/calibrate.py attributes each flip-flop and LUT to an engine
        if (cd "$d" && nice -n 10 timeout "${TIMEOUT:-1800}" "$YOSYS" -q -l synth.log -p "read_verilog -defer $(tr '\n' ' ' <files.f); hierarchy -top $top; $run; flatten; tee -q -o stat.json stat -json; write_json netlist.json" >/dev/null 2>&1); then
            "$PY" "$ROOT/bench/calibrate.py" --attribute "$d/netlist.json" "$top" "$FAMILY" >"$d.engines.json"
            rm -f "$d/netlist.json"
            cp "$d/stat.json" "$d.stat.json"
            echo "calibrate: $name synthesized ($(($(date +%s) - t0)) s)" >&2
        else
            echo "calibrate: $name: yosys failed ($d/synth.log: $(grep -m1 -E 'ERROR|Warning: Wire' "$d/synth.log" 2>/dev/null))" >&2
            continue
        fi
    fi
    # re-attribute from the kept netlist after a change to calibrate.py's attribution
    if [ -s "$d.netlist.json.gz" ] && [ "$d.netlist.json.gz" -nt "$d.engines.json" -o "$ROOT/bench/calibrate.py" -nt "$d.engines.json" ]; then
        gzip -dc "$d.netlist.json.gz" >"$d/netlist.json"
        "$PY" "$ROOT/bench/calibrate.py" --attribute "$d/netlist.json" "$top" "$FAMILY" >"$d.engines.json"
        rm -f "$d/netlist.json"
    fi
    echo "$d" >>"$B/designs.txt"
done <"$ROOT/bench/calibrate_sweep.txt"
CALIB_WRITE=${WRITE:+$ROOT/compiler/resources.c} CALIB_KEEP=${KEEP:+$ROOT/compiler/resources.c} CALIB_SYNTH="$($YOSYS -V | cut -d' ' -f1,2) $SYNTH" "$PY" "$ROOT/bench/calibrate.py" "$FAMILY" "$B/designs.txt"
