#!/usr/bin/env bash
# tools/fuzz.sh: fuzz rnnc's input formats with AFL++ (make fuzz runs it).
#
#   tools/fuzz.sh [FORMAT...]   FORMAT: json emit vectors config onnx arch h5 keras h5raw kerasraw
#                               (default: all)
#
# json, emit, vectors, config, onnx, arch, h5 and keras run in-process: tests/fuzz/harness.c
# calls rnnc's passes in AFL++ persistent mode (test cases in shared memory, 1000 per process),
# built by afl-clang-fast with ASan and UBSan into build/fuzz/harness from the compiler's objects
# (all but main.c; keras.c is included by the harness). h5 and keras are structure-aware: a case
# describes a Keras model (its JSON, HDF5 attributes, dataset names and shapes) that the harness
# writes as a real .h5 file or .keras zip for rnnc's Keras reader. h5raw and kerasraw fuzz the
# files' bytes, fork-server runs of rnnc itself (build/fuzz/rnnc): corrupt HDF5 reaches libhdf5
# only there, in rnnc's reading child, which turns libhdf5's crashes and hangs into exit 2.
# Each format is fuzzed for FUZZ_SECONDS (default 60), or up to FUZZ_EXECS executions when that is
# set, from the seeds in tests/fuzz/seeds/FORMAT with tests/fuzz/rnnc.dict, one format after the
# other, niced. ASan records no allocation stacks (malloc_context_size=0): in these AFL++ builds
# it took them with the slow DWARF unwinder on every malloc and free, 85% of a config case's CPU
# time (3 ms instead of 0.5 ms, measured with perf); detection is the same, and the full report
# comes from reproducing the case (below).
# Findings land in build/fuzz/out/FORMAT/default/{crashes,hangs}; each line of the summary is
# "FORMAT: N executions, C crashes, H hangs, R exec/s (KIND)". Reproduce an in-process finding
# with RNNC_FUZZ_FORMAT=FORMAT RNNC_FUZZ_VERBOSE=1 build/fuzz/harness [FIXED] < CASE. Every crash
# found becomes a regression test (tests/limits, tests/errors, tests/keras, tests/onnx). Needs
# afl++ (Debian: apt-get install afl++ libclang-rt-14-dev; make deps installs it when FUZZ_DEPS=1).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SECS=${FUZZ_SECONDS:-60}
OUT=$ROOT/build/fuzz/out
BIN=$ROOT/build/fuzz/rnnc
FIX=$ROOT/tests/keras/fixtures
FZ=$ROOT/tests/fuzz
command -v afl-fuzz >/dev/null && command -v afl-clang-fast >/dev/null ||
    { echo "fuzz.sh: afl++ is not installed (apt-get install afl++ libclang-rt-14-dev)" >&2; exit 2; }
if [ ! -x "$BIN" ] || [ -n "$(find "$ROOT/compiler" -newer "$BIN" -name '*.[ch]')" ]; then
    AFL_USE_ASAN=1 AFL_USE_UBSAN=1 make -s -C "$ROOT" -f "$ROOT/Makefile" BUILD="$ROOT/build/fuzz" CC=afl-clang-fast \
        CFLAGS="-O1 -g" >/dev/null || exit 1
fi
HARNESS=$ROOT/build/fuzz/harness
if [ ! -x "$HARNESS" ] || [ "$BIN" -nt "$HARNESS" ] || [ "$FZ/harness.c" -nt "$HARNESS" ]; then
    objs=()
    for o in "$ROOT"/build/fuzz/obj/*.o; do
        case $o in */main.o | */keras.o) ;; *) objs+=("$o") ;; esac
    done
    # shellcheck disable=SC2046
    AFL_USE_ASAN=1 AFL_USE_UBSAN=1 afl-clang-fast -std=c11 -O1 -g -Wall -Wextra -Werror -Wno-unused-function \
        -D_GNU_SOURCE $(pkg-config --cflags hdf5 2>/dev/null || echo -I/usr/include/hdf5/serial) \
        -I"$ROOT/build/fuzz/onnx" -DRNNC_DATADIR="\"$ROOT\"" "$FZ/harness.c" "${objs[@]}" -lcjson -lm \
        $(pkg-config --libs hdf5 2>/dev/null || echo -lhdf5_serial) -lzip -lprotobuf-c -lyaml -o "$HARNESS" \
        2> >(grep -v '^afl-' >&2) >/dev/null || exit 1
fi
# The harness of each format: in-process (the harness's fixed file, if any) or rnnc's
# arguments (@@ the fuzzed file).
harness() {
    case $1 in
    json | emit | onnx) echo "$HARNESS" ;;
    arch) echo "$HARNESS $FIX/lstm_basic.k3.weights.h5" ;;
    vectors | config) echo "$HARNESS $FZ/model.json" ;;
    h5 | keras) echo "$HARNESS" ;;
    h5raw | kerasraw) echo "$BIN @@ --dump schedule" ;;
    *) echo "fuzz.sh: unknown format $1" >&2; exit 2 ;;
    esac
}
formats=("$@")
[ ${#formats[@]} -gt 0 ] || formats=(json emit vectors config onnx arch h5 keras h5raw kerasraw)
export AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:symbolize=0:malloc_context_size=0 UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1
mkdir -p "$OUT"
for f in "${formats[@]}"; do
    args=$(harness "$f") || exit 2
    rm -rf "$OUT/$f"
    limit="-V $SECS"
    [ -n "${FUZZ_EXECS:-}" ] && limit="-E $FUZZ_EXECS"
    # shellcheck disable=SC2086
    RNNC_FUZZ_FORMAT=$f nice -n 19 afl-fuzz $limit -t 2000 -m none -i "$FZ/seeds/$f" -o "$OUT/$f" \
        -x "$FZ/rnnc.dict" -- $args >"$OUT/$f.log" 2>&1
    rm -rf /dev/shm/rnnc-fuzz-*
    st=$OUT/$f/default/fuzzer_stats
    execs=$(awk -F': *' '/^execs_done/ {print $2}' "$st" 2>/dev/null)
    crashes=$(find "$OUT/$f/default/crashes" -type f -name 'id:*' 2>/dev/null | wc -l)
    hangs=$(find "$OUT/$f/default/hangs" -type f -name 'id:*' 2>/dev/null | wc -l)
    rate=$(awk -F': *' '/^execs_per_sec/ {print $2}' "$st" 2>/dev/null)
    kind=in-process; case $f in h5raw | kerasraw) kind=fork-server ;; esac
    echo "$f: ${execs:-0} executions, $crashes crashes, $hangs hangs, ${rate:-0} exec/s ($kind)"
done
