#!/usr/bin/env bash
# bench/refeature.sh FAMILY: re-emit the calibration designs of build/calib/FAMILY that were
# synthesized (DESIGN.stat.json) so their report.json carries the current resource model's
# features, without synthesizing again (after a change to compiler/resources.c's features).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
B=$ROOT/build/calib/${1:-ice40}
for cfg in "$B"/*_c*.config.json; do
    d=${cfg%.config.json}
    [ -s "$d.stat.json" ] || continue
    case $(basename "$d") in
        model_toptag_gru_*) m=$ROOT/../shared/models/model_toptag_gru.h5 ;;
        *) m=${d%_c*}.json ;;
    esac
    "$ROOT/build/rnnc" "$m" --config "$cfg" --table-reg --resources "${1:-ice40}" -o "$d.tmp" >/dev/null
    cp "$d.tmp/report.json" "$d/report.json"
    rm -rf "$d.tmp"
done
