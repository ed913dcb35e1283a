#!/usr/bin/env bash
# tests/limits/run.sh: huge and hostile inputs (issue 16) fail cleanly and quickly, or compile.
#
# Generated here (gen_models.sh, gen_h5.c) or kept small in this folder; for each: the exit
# status, a message naming the limit or the problem, no crash or sanitizer report, and a time
# bound. The Keras reader's isolation (compiler/keras.c: a child process under CPU, memory and
# wall-clock limits) is tested with build/hooks/rnnc (make hooks), whose child simulates a
# library crash, hang, busy loop or runaway allocation (RNNC_TEST_CHILD_FAULT).
#
# usage: tests/limits/run.sh [-v]     (RNNC=path/to/rnnc to test another build, e.g. ASan)
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
RNNC=${RNNC:-$ROOT/build/rnnc}
case $RNNC in /*) ;; *) RNNC=$PWD/$RNNC ;; esac
FIX=$ROOT/tests/keras/fixtures
VERBOSE=0
[ "${1:-}" = "-v" ] && VERBOSE=1
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
# Time bounds are for the optimized build; the sanitized one gets ten times as long.
SLOW=1
ldd "$RNNC" 2>/dev/null | grep -q libasan && SLOW=10
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0

# run NAME STATUS EXPECTED MAX_SECONDS -- ARGS...
run() {
    local name=$1 want=$2 expected=$3 secs=$4 why=""
    shift 5
    local t0 t1 rc
    t0=$(date +%s.%N)
    timeout 120 "$@" >"$TMP/stdout" 2>"$TMP/stderr"
    rc=$?
    t1=$(date +%s.%N)
    local el
    el=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
    if [ "$rc" -ne "$want" ]; then
        why="exit status $rc, expected $want"
    elif [ -n "$expected" ] && ! grep -qF -- "$expected" "$TMP/stderr" "$TMP/stdout"; then
        why="output does not contain: $expected"
    elif grep -qE 'internal error|AddressSanitizer|LeakSanitizer|runtime error:|Segmentation|Aborted' "$TMP/stderr"; then
        why="crash or sanitizer report"
    elif awk -v e="$el" -v s="$secs" -v k="$SLOW" 'BEGIN { exit !(e > s * k) }'; then
        why="took $el s, more than $secs s"
    fi
    if [ -z "$why" ]; then
        pass=$((pass + 1))
        [ "$VERBOSE" = 1 ] && printf 'ok   %s (%.2f s): %s\n' "$name" "$el" "$(head -n 1 "$TMP/stderr")"
    else
        fail=$((fail + 1))
        echo "FAIL $name: $why"
        sed 's/^/     | /' "$TMP/stderr" | head -n 10
    fi
    return 0
}

sh "$HERE/gen_models.sh" "$TMP" || { echo "limits: 0 passed, 1 failed"; exit 1; }
HDF5_CFLAGS=$(pkg-config --cflags hdf5 2>/dev/null || echo -I/usr/include/hdf5/serial)
HDF5_LIBS=$(pkg-config --libs hdf5 2>/dev/null || echo -lhdf5_serial)
# shellcheck disable=SC2086
cc -O1 $HDF5_CFLAGS "$HERE/gen_h5.c" -o "$TMP/gen_h5" $HDF5_LIBS && "$TMP/gen_h5" "$TMP" ||
    { echo "limits: 0 passed, 1 failed"; exit 1; }

# The valid 175 x 175 dense on 4096 timesteps at reuse 30625 (10^9 scheduled cycles).
run "dense 175x175, 4096 steps, reuse 30625: --dump schedule" 0 "latency_cycles 125472767" 2 -- \
    "$RNNC" "$TMP/dense175.json" --dump schedule
run "dense 175x175, 4096 steps, reuse 30625: -o" 0 "initiation interval" 2 -- \
    "$RNNC" "$TMP/dense175.json" -o "$TMP/out175"
run "50,000 dropout layers" 2 "more than rnnc supports (RNNC_MAX_LAYERS = 1024)" 2 -- "$RNNC" "$TMP/dropouts.json"
run "1024 dropout layers (the limit)" 0 "0 engines" 2 -- "$RNNC" "$TMP/dropouts_ok.json" -o "$TMP/outdrop"
run "a million empty kernel rows" 2 "kernel: 1000000 rows, more than rnnc supports (RNNC_MAX_VECTOR" 2 -- \
    "$RNNC" "$TMP/empty_rows.json"
run "flatten 4096 x 4096 + activation (129 bytes)" 2 "more than rnnc supports in one vector (RNNC_MAX_VECTOR" 2 -- \
    "$RNNC" "$TMP/flatten_big.json" -o "$TMP/outflat"
[ -e "$TMP/outflat" ] && { fail=$((fail + 1)); echo "FAIL flatten_big: output directory created"; }
run "flatten 4 x 4096 + activation (the vector limit)" 0 "latency" 10 -- \
    "$RNNC" "$TMP/flatten_max.json" -o "$TMP/outflatmax"
run "LSTM 4096 x 4096 in model.json" 2 "units give the model more weights than rnnc supports (RNNC_MAX_WEIGHTS" 2 -- \
    "$RNNC" "$TMP/weights_big.json"
# Keras: the Functional chain that loops through a duplicate name (was a heap overflow).
run "Keras functional loop (duplicate names)" 2 "layer names must be unique" 2 -- \
    "$RNNC" "$HERE/func_loop.json" --weights "$FIX/lstm_basic.k3.weights.h5"
# use_bias false, but the weight group names kernel and bias (was a NULL dereference).
run "Keras LSTM use_bias false, weights kernel + bias" 2 "are not kernel, recurrent_kernel" 2 -- \
    "$RNNC" "$HERE/lstm_nobias.json" --weights "$TMP/nobias_names.weights.h5"
# A few KB declaring 134M weights never written (grew past 8 GB).
run "Keras .h5 declaring a 4096 x 4096 LSTM" 2 "more than rnnc supports in a model (RNNC_MAX_WEIGHTS" 2 -- \
    "$RNNC" "$TMP/lstm_huge.h5"

# Tools started without a shell: an output folder whose name holds a quote and a space.
printf '0.1 0.2 0.3 0.4 0.5 0.6\n0.5 -0.2 0.3 0.1 0 1\n' >"$TMP/in.txt"
TINY=$ROOT/tests/errors/ok/tiny.json
for sim in icarus verilator; do
    run "--sim --simulator $sim into \"q'dir x/out\"" 0 "bit-exact" 120 -- \
        env -C "$TMP" "$RNNC" "$TINY" -o "q'dir x/out" --sim in.txt --simulator $sim
done
# Errors during emission leave no staging folder and no output.
gone() { # name, folder
    if [ -e "$2" ] || [ -e "$2.rnnc-tmp" ]; then
        fail=$((fail + 1))
        echo "FAIL $1: $2 or $2.rnnc-tmp left behind"
    fi
}
run "RNNC_HOME pointing nowhere" 2 "is RNNC_HOME set right?" 5 -- env RNNC_HOME=/nowhere "$RNNC" "$TINY" -o "$TMP/home/out"
gone "RNNC_HOME pointing nowhere" "$TMP/home/out"
# Files larger than 4 KB cannot be written (RLIMIT_FSIZE, SIGXFSZ ignored): a full disk.
run "a file size limit (full disk)" 2 "cannot write" 5 -- \
    bash -c 'trap "" XFSZ; ulimit -f 4; exec "$@"' sh "$RNNC" "$ROOT/tests/e2e/cases/ext_w32.json" -o "$TMP/full/out"
gone "a file size limit (full disk)" "$TMP/full/out"
# A real full disk where a small tmpfs can be mounted (root): ENOSPC at some file's close.
mkdir -p "$TMP/tmpfs"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=64k tmpfs "$TMP/tmpfs" 2>/dev/null; then
    run "a full tmpfs" 2 "No space left on device" 5 -- "$RNNC" "$ROOT/tests/e2e/cases/ext_w32.json" -o "$TMP/tmpfs/out"
    gone "a full tmpfs" "$TMP/tmpfs/out"
    umount "$TMP/tmpfs"
else
    echo "SKIP a full tmpfs: cannot mount one here"
fi

# The Keras reader's isolation, with the test hooks build.
HOOKS=${RNNC_HOOKS:-$ROOT/build/hooks/rnnc}
if [ -z "${RNNC_HOOKS:-}" ]; then
    make -s -C "$ROOT" hooks >"$TMP/make.log" 2>&1 || { cat "$TMP/make.log"; HOOKS=; }
fi
if [ -x "$HOOKS" ]; then
    M=(lstm_basic.k3.h5 --emulate lstm_basic.k3.in.txt)
    for fault in segv:"the HDF5 library crashed reading this file (SIGSEGV" \
        spin:"the HDF5 library timed out reading this file" \
        hang:"the HDF5 library timed out reading this file (no answer in 2 s" \
        oom:"the HDF5 library ran out of memory reading this file"; do
        run "reader child fault ${fault%%:*}" 2 "lstm_basic.k3.h5: ${fault#*:}" 5 -- \
            env -C "$FIX" RNNC_TEST_CHILD_FAULT="${fault%%:*}" RNNC_TEST_READ_SECONDS=1 "$HOOKS" "${M[@]}"
    done
    run "reader child fault in a .keras" 2 "functional.keras: the zip or HDF5 library crashed" 5 -- \
        env -C "$FIX" RNNC_TEST_CHILD_FAULT=segv "$HOOKS" functional.keras --emulate functional.k3.in.txt
    run "reader child, no fault" 0 "" 5 -- env -C "$FIX" RNNC_TEST_READ_SECONDS=1 "$HOOKS" "${M[@]}"
else
    fail=$((fail + 1))
    echo "FAIL: build/hooks/rnnc could not be built (make hooks)"
fi

echo "limits: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
