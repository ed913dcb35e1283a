#!/usr/bin/env bash
# bench/hls4ml_rtl.sh: every hls4ml fixture case (tests/hls4ml/fixtures: hls4ml 1.3's configs of
# granularity model, type and name, its softmax variants, saturating and mixed types) built with
# --numerics hls4ml and simulated in Verilator: bit-exact to rnnc's emulator, latency and II as
# predicted (rnnc --sim checks both), and every printed output hls4ml's own value. make test
# runs the same in Icarus; this takes ~25 s a design. Writes bench/results/hls4ml_rtl.txt.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$ROOT/bench/results/hls4ml_rtl.txt
{
    echo "# bench/hls4ml_rtl.sh: tests/hls4ml fixtures through --numerics hls4ml --sim --simulator verilator"
    echo "# ($(verilator --version | head -n 1)); each line: hls4ml's values identical / compared"
    HLS4ML_SIMULATOR=verilator nice -n 10 bash "$ROOT/tests/hls4ml/numerics.sh" -v | grep -E "\(verilator\)|^hls4ml:|FAIL"
} | tee "$OUT"
