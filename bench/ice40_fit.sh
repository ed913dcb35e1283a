#!/usr/bin/env bash
# bench/ice40_fit.sh MODEL [RNNC OPTIONS...]: where a design's iCE40 UP5K cells go.
#
# Emits MODEL as `--target ice40` would (--table-reg), synthesizes the core with
# `synth_ice40 -dsp -noflatten` and prints per engine and per kind of submodule the LUT4s,
# flip-flops, carries, SB_MAC16s and block RAMs (bench/ice40_util.py), plus the predicted
# latency. Without flattening Yosys cannot optimize across module boundaries, so the totals
# are a little above the flow's; with PNR=1 the whole flow (`rnnc --target ice40`: flattened
# synthesis, then nextpnr when the core fits) runs too and prints its verdict and Fmax.
# Slow (about a minute of synthesis, minutes of place and route) and run under nice: not part
# of make test. Work directory: build/ice40_fit/<model name>[_TAG] (env TAG).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 1 ] || { echo "usage: bench/ice40_fit.sh MODEL [RNNC OPTIONS...]" >&2; exit 2; }
MODEL=$1
shift
make -s -C "$ROOT"
RNNC=$ROOT/build/rnnc
name=$(basename "${MODEL%.*}")${TAG:+_$TAG}
D=$ROOT/build/ice40_fit/$name
rm -rf "$D"
mkdir -p "$D"
"$RNNC" "$MODEL" --table-reg -o "$D/emit" "$@" >"$D/emit.log"
top=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['top'])" "$D/emit/report.json")
{
    printf 'read_verilog -defer'
    while read -r f; do printf ' %s' "$f"; done <"$D/emit/files.f"
    printf '\n'
    printf 'hierarchy -top %s\nsynth_ice40 -dsp -noflatten -top %s\n' "$top" "$top"
    printf 'tee -q -o %s/mod_stat.txt stat\n' "$D"
} >"$D/mod.ys"
(cd "$D/emit" && nice yosys -q -l "$D/yosys.log" "$D/mod.ys" >/dev/null)
python3 - "$D/emit/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
t = r["totals"]
print(f"{r['model']}: latency {t['latency_cycles']} cycles, II {t['ii_cycles']} cycles")
for e in r["engines"]:
    print(f"  {e['module']:<44} {e['kind']:<6} mult {e['multipliers']:>3} + {e['elementwise_multipliers']:>2} "
          f"elementwise, rf {e['reuse_factor']:>5}, {e['cycles_per_job']} cycles per job")
PY
python3 "$ROOT/bench/ice40_util.py" "$D/mod_stat.txt"
if [ "${PNR:-0}" = 1 ]; then
    nice "$RNNC" "$MODEL" --target ice40 -o "$D/flow" "$@" >"$D/flow.log" 2>&1 || true
    grep -E 'core alone|fits|Fmax|fmax|latency .* us|seconds' "$D/flow.log" || tail -n 5 "$D/flow.log"
fi
