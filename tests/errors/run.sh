#!/usr/bin/env bash
# tests/errors/run.sh: malformed inputs must fail cleanly.
#
# Each NAME.json here is a bad model and NAME.err holds a substring its message must contain
# (with the JSON path); each NAME.txt is a bad input vector file for ok/tiny.json (3 timesteps
# x 2 features), likewise with NAME.err. A few cases without a file (missing files, an
# unwritable output directory) are listed below. For every case rnnc must exit with exactly 2,
# print the expected text on stderr, print nothing that looks like a crash (internal error,
# sanitizer report), and not create the -o directory.
#
# usage: tests/errors/run.sh [-v]     (RNNC=path/to/rnnc to test another build, e.g. ASan)
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
RNNC=${RNNC:-$ROOT/build/rnnc}
case $RNNC in /*) ;; *) RNNC=$PWD/$RNNC ;; esac
VERBOSE=0
[ "${1:-}" = "-v" ] && VERBOSE=1
# The compiler frees nothing on purpose (short-lived), so leak reports are noise.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}

if [ ! -x "$RNNC" ]; then
    echo "run.sh: $RNNC is not built (run make)" >&2
    echo "errors: 0 passed, 1 failed"
    exit 1
fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0

# check NAME EXPECTED OUTDIR -- ARGS...   (run from $HERE so messages name the file as given)
check() {
    local name=$1 expected=$2 outdir=$3
    shift 4
    local status why=""
    (cd "$HERE" && "$RNNC" "$@") >"$TMP/stdout" 2>"$TMP/stderr"
    status=$?
    if [ "$status" -ne 2 ]; then
        why="exit status $status, expected 2"
    elif ! grep -qF -- "$expected" "$TMP/stderr"; then
        why="message does not contain: $expected"
    elif ! grep -q '^rnnc: ' "$TMP/stderr"; then
        why="message does not start with 'rnnc: '"
    elif grep -qE 'internal error|AddressSanitizer|LeakSanitizer|runtime error:|Segmentation|Aborted' "$TMP/stderr"; then
        why="crash or sanitizer report"
    elif [ -n "$outdir" ] && [ -e "$outdir" ]; then
        why="output directory $outdir was created"
    fi
    if [ -z "$why" ]; then
        pass=$((pass + 1))
        [ "$VERBOSE" = 1 ] && echo "ok   $name: $(head -n 1 "$TMP/stderr")"
    else
        fail=$((fail + 1))
        echo "FAIL $name: $why"
        sed 's/^/     | /' "$TMP/stderr" | head -n 20
    fi
    rm -rf "$outdir"
}

expect() { head -n 1 "$1" | tr -d '\r'; }

for f in "$HERE"/*.json; do
    name=$(basename "$f" .json)
    [ -f "$HERE/$name.err" ] || { echo "FAIL $name: no $name.err"; fail=$((fail + 1)); continue; }
    check "$name" "$(expect "$HERE/$name.err")" "$TMP/out_$name" -- "$name.json" -o "$TMP/out_$name"
done

for f in "$HERE"/*.txt; do
    name=$(basename "$f" .txt)
    [ -f "$HERE/$name.err" ] || { echo "FAIL $name: no $name.err"; fail=$((fail + 1)); continue; }
    exp=$(expect "$HERE/$name.err")
    check "$name (--emulate)" "$exp" "" -- ok/tiny.json --emulate "$name.txt"
    check "$name (--sim)" "$exp" "$TMP/out_$name" -- ok/tiny.json --sim "$name.txt" -o "$TMP/out_$name"
done

# Cases without an input file of their own.
check "model_file_missing" "rnnc: no_such_model.json: cannot read" "$TMP/out_missing" -- \
    no_such_model.json -o "$TMP/out_missing"
check "model_file_is_directory" "rnnc: ok: cannot read" "$TMP/out_dir" -- ok -o "$TMP/out_dir"
check "vectors_file_missing" "rnnc: no_such_input.txt: cannot read" "" -- \
    ok/tiny.json --emulate no_such_input.txt
check "output_dir_unwritable" "/proc/nope/x" "" -- ok/tiny.json -o /proc/nope/x
# --numerics
check "numerics_unknown" "--numerics: expected rnnc or hls4ml, got 'vivado'" "$TMP/out_num" -- \
    ok/tiny.json --numerics vivado -o "$TMP/out_num"
check "numerics_hls4ml_sat_straddle" "layer d0: --numerics hls4ml: reuse_factor 2 splits an output's sum across multipliers" \
    "$TMP/out_num3" -- ok/hls_sat_straddle.json --numerics hls4ml -o "$TMP/out_num3"
check "numerics_hls4ml_simple_rnn" "--numerics hls4ml: hls4ml 1.3's Vivado/Vitis backend writes no code for a SimpleRNN" \
    "" -- ../e2e/cases/rnn_basic.json --numerics hls4ml --emulate vectors_empty.txt
check "numerics_hls4ml_gru_gates_wide_rtl" "the RTL's gates are at most 64 bits wide" \
    "$TMP/out_num3" -- ok/gru_gates_wide.json --numerics hls4ml -o "$TMP/out_num3"
# --precision auto and its options
check "calibrate_without_auto" "--calibrate and --max-error go with --precision auto" "" -- \
    ok/tiny.json --calibrate vectors_empty.txt --emulate vectors_empty.txt
check "max_error_without_calibrate" "--max-error needs --calibrate CAL.txt" "" -- \
    ok/tiny.json --precision auto --max-error 0.01 --emulate vectors_empty.txt
check "max_error_not_positive" "--max-error: expected a positive number, got '-1'" "" -- \
    ok/tiny.json --precision auto --calibrate vectors_empty.txt --max-error -1
check "auto_width_out_of_range" "--precision auto:W: expected an integer in 2..32, got '40'" "" -- \
    ok/tiny.json --precision auto:40
check "trace_without_emulate" "--trace goes with --emulate IN.txt" "" -- ok/tiny.json --trace -o "$TMP/out_trace"
check "calibrate_file_missing" "rnnc: no_such_cal.txt: cannot read" "" -- \
    ok/tiny.json --precision auto --calibrate no_such_cal.txt -o "$TMP/out_cal"
check "calibrate_wrong_shape" "vectors_too_many.txt:1: expected 6 numbers" "" -- \
    ok/tiny.json --precision auto --calibrate vectors_too_many.txt -o "$TMP/out_cal2"
# the reuse-factor search and rnnc explore (docs/resources.md)
check "optimize_unknown" "--optimize: expected latency, throughput or area, got 'speed'" "" -- \
    ok/tiny.json --reuse auto --optimize speed -o "$TMP/out_opt"
check "optimize_area_no_goal" "--optimize area needs --latency-cycles N or --latency-us X" "$TMP/out_opt" -- \
    ok/tiny.json --reuse auto --optimize area -o "$TMP/out_opt"
check "budget_without_search" "go with --reuse auto, --target or rnnc explore" "$TMP/out_opt" -- \
    ok/tiny.json --max-dsp 4 -o "$TMP/out_opt"
check "max_dsp_negative" "--max-dsp: expected an integer in 0..1000000000, got '-3'" "$TMP/out_opt" -- \
    ok/tiny.json --reuse auto --max-dsp -3 -o "$TMP/out_opt"
check "explore_without_target" "rnnc explore needs --target" "" -- explore ok/tiny.json
check "explore_synth_without_dir" "explore --synth K needs -o DIR" "" -- explore ok/tiny.json --target ice40 --synth 2
check "synth_without_explore" "--synth K goes with rnnc explore" "$TMP/out_opt" -- ok/tiny.json --synth 2 -o "$TMP/out_opt"
check "latency_us_bad" "--latency-us: expected a positive number of microseconds, got 'x'" "" -- \
    ok/tiny.json --reuse auto --latency-us x
check "stall_without_sim" "--stall goes with --sim" "" -- ok/tiny.json --emulate vectors_empty.txt --stall 3
check "stall_negative" "--stall: expected an integer in 0..2147483647, got '-1'" "$TMP/out_stall" -- \
    ok/tiny.json --sim vectors_empty.txt -o "$TMP/out_stall" --stall -1
check "stall_uart" "--stall: the uart simulator has no AXI-Stream ports" "$TMP/out_stall" -- \
    ok/tiny.json --sim vectors_empty.txt -o "$TMP/out_stall" --simulator uart --stall 3
# --part: Xilinx parts only, from the table (compiler/parts.c); an unknown one names the known ones
check "part_unknown" "--part: expected one of xc7a35t, xc7a100t" "$TMP/out_part" -- \
    ok/tiny.json --target xilinx --part xc7k999t -o "$TMP/out_part"
check "part_unknown_lists_xcu250" "xcu250" "$TMP/out_part" -- ok/tiny.json --target xilinx --part xc9 -o "$TMP/out_part"
check "part_not_xilinx" "--part is for --target xilinx" "$TMP/out_part" -- \
    ok/tiny.json --target ice40 --part xc7a35t -o "$TMP/out_part"
check "part_family_contradiction" "--family xc7 contradicts --part xcu250" "$TMP/out_part" -- \
    ok/tiny.json --target xilinx --part xcu250 --family xc7 -o "$TMP/out_part"
check "part_without_target" "--part, --clock and --post-synth go with --target" "$TMP/out_part" -- \
    ok/tiny.json --part xcu250 -o "$TMP/out_part"
check "family_without_xilinx" "--family goes with --target xilinx or --resources xilinx" "$TMP/out_part" -- \
    ok/tiny.json --family xcup -o "$TMP/out_part"
check "family_with_resources_bad" "--family: expected xc7 or xcup, got 'xc9'" "$TMP/out_part" -- \
    ok/tiny.json --resources xilinx --family xc9 -o "$TMP/out_part"
# the flow's numbers: decimal only (strtod/strtol alone take hex, blanks, '+'), a missing value
# named as the option's, clocks the board top's PLL can make, a package name that is one
check "clock_hex" "--clock: expected a frequency in MHz between 1 and 1000, got '0x30'" "$TMP/out_clk" -- \
    ok/tiny.json --target ice40 --clock 0x30 -o "$TMP/out_clk"
check "clock_value_missing" "--clock: expected a frequency in MHz between 1 and 1000, got '-o'" "$TMP/out_clk" -- \
    ok/tiny.json --target ice40 --clock -o "$TMP/out_clk"
check "clock_beyond_ice40_pll" "--clock: the ice40 board top's PLL makes 16 to 275 MHz from its 12 MHz oscillator" \
    "$TMP/out_clk" -- ok/tiny.json --target ice40 --clock 300 -o "$TMP/out_clk"
check "clock_below_ice40_pll" "the ice40 board top's PLL makes 16 to 275 MHz" "$TMP/out_clk" -- \
    ok/tiny.json --target ice40 --clock 10 -o "$TMP/out_clk"
check "clock_below_ecp5_pll" "--clock: the ecp5 board top's PLL makes 3.125 to 400 MHz from its 25 MHz oscillator" \
    "$TMP/out_clk" -- ok/tiny.json --target ecp5 --clock 2 -o "$TMP/out_clk"
check "clock_config_beyond_pll" "the --config's ClockPeriod (in MHz): the ice40 board top's PLL makes 16 to 275 MHz" \
    "$TMP/out_clk" -- ok/tiny.json --config ok/config_clock_2ns.yml --target ice40 -o "$TMP/out_clk"
check "package_empty" "--package: expected a package name like sg48, ct256 or CABGA381, got ''" "$TMP/out_clk" -- \
    ok/tiny.json --target ice40 --package "" -o "$TMP/out_clk"
check "max_bram_blank" "--max-bram: expected an integer in 0..1000000000, got ' 5'" "$TMP/out_opt" -- \
    ok/tiny.json --reuse auto --max-bram " 5" -o "$TMP/out_opt"
check "max_lut_plus" "--max-lut: expected an integer in 0..1000000000, got '+5'" "$TMP/out_opt" -- \
    ok/tiny.json --reuse auto --max-lut +5 -o "$TMP/out_opt"
check "latency_us_hex" "--latency-us: expected a positive number of microseconds, got '0x10'" "" -- \
    ok/tiny.json --reuse auto --latency-us 0x10
check "max_error_inf" "--max-error: expected a positive number, got 'inf'" "" -- \
    ok/tiny.json --precision auto --calibrate vectors_empty.txt --max-error inf

echo "errors: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
