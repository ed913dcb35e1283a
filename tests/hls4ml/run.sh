#!/usr/bin/env bash
# tests/hls4ml/run.sh: both hls4ml suites, no Python needed:
#   configs.sh   hls4ml 1.3's own configurations and project YAMLs (types, reuse factors, table
#                sizes as hls4ml resolves them; bad configurations)  -> "hls4ml-config: ..."
#   numerics.sh  --numerics hls4ml against hls4ml 1.3's own predictions -> "hls4ml: ..."
# usage: tests/hls4ml/run.sh [-v]
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
rc=0
"$HERE/configs.sh" "$@" || rc=1
"$HERE/numerics.sh" "$@" || rc=1
exit $rc
