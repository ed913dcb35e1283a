#!/bin/sh
# run.sh: builds tests/unit/test_numerics.c against the numerics sources (fixed.c, tables.c, hls4ml.c,
# emulate.c, util.c, kinds.c; lower.c, plan.c and resources.c, which hls4ml.c's RTL checks use),
# tests/unit/test_plan.c against the product plan (plan.c, lower.c, resources.c for the ROM
# register, hls4ml.c, tables.c, fixed.c, util.c, kinds.c), tests/unit/test_timing.c against
# the Xilinx timing estimate (timing.c, util.c, files.c; cJSON) and tests/unit/test_auto.c
# against the reuse-factor search (autoreuse.c, resources.c and the stages they run), runs
# each, then runs each again built with ASan and UBSan (test_auto on 6 of its 24 random models
# there: UNIT_AUTO_SEEDS), each beside its plain build.
# Usage: tests/unit/run.sh [-v]   (-v prints the measured fixed-vs-float errors)
# Ends with "unit: N passed, M failed"; exits non-zero on any failure.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CC=${CC:-cc}
OUT=${BUILD:-$ROOT/build}/unit
mkdir -p "$OUT"
NUMERICS="$ROOT/tests/unit/test_numerics.c $ROOT/compiler/fixed.c $ROOT/compiler/tables.c $ROOT/compiler/lower.c $ROOT/compiler/plan.c $ROOT/compiler/resources.c
      $ROOT/compiler/emulate.c $ROOT/compiler/hls4ml.c $ROOT/compiler/util.c $ROOT/compiler/kinds.c"
PLAN="$ROOT/tests/unit/test_plan.c $ROOT/compiler/plan.c $ROOT/compiler/lower.c $ROOT/compiler/resources.c $ROOT/compiler/hls4ml.c $ROOT/compiler/tables.c
      $ROOT/compiler/fixed.c $ROOT/compiler/util.c $ROOT/compiler/kinds.c"
TIMING="$ROOT/tests/unit/test_timing.c $ROOT/compiler/timing.c $ROOT/compiler/util.c $ROOT/compiler/files.c -lcjson"
AUTO="$ROOT/tests/unit/test_auto.c $ROOT/compiler/autoreuse.c $ROOT/compiler/resources.c $ROOT/compiler/plan.c
      $ROOT/compiler/lower.c $ROOT/compiler/schedule.c $ROOT/compiler/parse.c $ROOT/compiler/check.c
      $ROOT/compiler/quantize.c $ROOT/compiler/tables.c $ROOT/compiler/fixed.c $ROOT/compiler/util.c
      $ROOT/compiler/kinds.c $ROOT/compiler/hls4ml.c"
FLAGS="-std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -I$ROOT/compiler"

pass=0
fail=0
# build_run NAME SOURCES FLAGS...: builds and runs one test binary; its output in $OUT/NAME.log,
# its build status in $OUT/NAME.build (0: built), its exit status in $OUT/NAME.rc
build_run() {
    name=$1
    SRCS=$2
    shift 2
    rm -f "$OUT/$name.build" "$OUT/$name.rc" "$OUT/$name.log"
    # shellcheck disable=SC2086
    if ! $CC $FLAGS "$@" $SRCS -lcjson -lm -o "$OUT/$name" 2>"$OUT/$name.cc"; then
        echo 1 >"$OUT/$name.build"
        return
    fi
    echo 0 >"$OUT/$name.build"
    "$OUT/$name" ${VERBOSE:-} >"$OUT/$name.log" 2>&1
    echo $? >"$OUT/$name.rc"
}
# collect NAME: prints one test binary's output and adds its counts
collect() {
    name=$1
    if [ "$(cat "$OUT/$name.build" 2>/dev/null)" != 0 ]; then
        cat "$OUT/$name.cc" 2>/dev/null
        echo "FAIL: $name does not build"
        fail=$((fail + 1))
        return
    fi
    rc=$(cat "$OUT/$name.rc" 2>/dev/null || echo 1)
    grep -v '^unit:' "$OUT/$name.log"
    p=$(sed -n 's/^unit: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$OUT/$name.log")
    f=$(sed -n 's/^unit: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$OUT/$name.log")
    if [ -z "$p" ]; then
        echo "FAIL: $name did not finish (exit $rc)"
        fail=$((fail + 1))
        return
    fi
    echo "$name: $p passed, $f failed"
    pass=$((pass + p))
    fail=$((fail + f))
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "FAIL: $name exited $rc"
        fail=$((fail + 1))
    fi
}

VERBOSE=
[ "${1:-}" = "-v" ] && VERBOSE=-v
SAN="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined"
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
# each test and its sanitized build side by side (two cores), the test binaries one after another
for t in numerics plan timing auto; do
    case $t in
        numerics) SRCS=$NUMERICS ;;
        plan) SRCS=$PLAN ;;
        timing) SRCS=$TIMING ;;
        auto) SRCS=$AUTO ;;
    esac
    # shellcheck disable=SC2086
    build_run "test_$t" "$SRCS" -O2 -g &
    # shellcheck disable=SC2086
    (VERBOSE= && export UNIT_AUTO_SEEDS=6 && build_run "test_${t}_asan" "$SRCS" $SAN) & # test_auto: 6 of its 24 models
    wait
    VERBOSE=
done
for t in numerics plan timing auto; do collect "test_$t"; done
for t in numerics plan timing auto; do collect "test_${t}_asan"; done

echo "unit: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
