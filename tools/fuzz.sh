#!/usr/bin/env bash
# tools/fuzz.sh: fuzz rnnc's input formats with AFL++ (make fuzz runs it).
#
#   tools/fuzz.sh [FORMAT...]   FORMAT: json emit vectors config yaml onnx arch h5 keras h5raw kerasraw
#   tools/fuzz.sh --build       only build build/fuzz/harness and build/fuzz/rnnc
#                               (default: all)
#
# json, emit, vectors, config, yaml, onnx, arch, h5 and keras run in-process: tests/fuzz/harness.c
# calls rnnc's passes in AFL++ persistent mode (test cases in shared memory, 1000 per process),
# built by afl-clang-fast with ASan and UBSan into build/fuzz/harness from the compiler's objects
# (all but main.c; keras.c is included by the harness). h5 and keras are structure-aware: a case
# describes a Keras model (its JSON, HDF5 attributes, dataset names and shapes) that the harness
# writes as a real .h5 file or .keras zip for rnnc's Keras reader. h5raw and kerasraw fuzz the
# files' bytes, fork-server runs of rnnc itself (build/fuzz/rnnc): corrupt HDF5 reaches libhdf5
# only there, in rnnc's reading child, which turns libhdf5's crashes and hangs into exit 2.
# Each format is fuzzed for FUZZ_SECONDS (default 60), or up to FUZZ_EXECS executions when that is
# set (both: whichever comes first), from the seeds in tests/fuzz/seeds/FORMAT with
# tests/fuzz/rnnc.dict, one format after the other, niced; FUZZ_RESUME=1 continues the queue and
# counts of an earlier run in build/fuzz/out/FORMAT instead. ASan records no allocation stacks
# (malloc_context_size=0): in these AFL++ builds it took them with the slow DWARF unwinder on every
# malloc and free, 85% of a config case's CPU time (3 ms instead of 0.5 ms, measured with perf);
# detection is the same, and the full report comes from reproducing the case (below). Its
# quarantine of freed memory is 16 MiB instead of 256: a harness process runs 1000 cases, so with
# the default nearly every allocation took fresh pages (page faults and zeroing, a third of an h5
# case's system time, 430 MB resident per process); a use after free is still caught while the
# last 16 MiB freed (many cases' worth) are held back.
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
[ "${1:-}" = --build ] && exit 0 # build only (timing: RNNC_FUZZ_REPEAT=N build/fuzz/harness < CASE)
# The harness of each format: in-process (the harness's fixed file, if any) or rnnc's
# arguments (@@ the fuzzed file).
harness() {
    case $1 in
    json | emit | onnx) echo "$HARNESS" ;;
    arch) echo "$HARNESS $FIX/lstm_basic.k3.weights.h5" ;;
    vectors | config | yaml) echo "$HARNESS $FZ/model.json" ;;
    h5 | keras) echo "$HARNESS" ;;
    h5raw | kerasraw) echo "$BIN @@ --dump schedule" ;;
    *) echo "fuzz.sh: unknown format $1" >&2; exit 2 ;;
    esac
}
formats=("$@")
[ ${#formats[@]} -gt 0 ] || formats=(json emit vectors config yaml onnx arch h5 keras h5raw kerasraw)
export AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:symbolize=0:malloc_context_size=0:quarantine_size_mb=16 UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1
mkdir -p "$OUT"
for f in "${formats[@]}"; do
    args=$(harness "$f") || exit 2
    seeds=$FZ/seeds/$f
    if [ "${FUZZ_RESUME:-0}" = 1 ] && [ -f "$OUT/$f/default/fuzzer_stats" ]; then
        seeds=- # AFL++ resumes the queue and the counts in OUT/FORMAT
    else
        rm -rf "$OUT/$f"
    fi
    limit="-V $SECS"
    [ -n "${FUZZ_EXECS:-}" ] && limit="-E $FUZZ_EXECS" && [ -n "${FUZZ_SECONDS:-}" ] && limit="$limit -V $SECS"
    # shellcheck disable=SC2086
    RNNC_FUZZ_FORMAT=$f nice -n 19 afl-fuzz $limit -t 2000 -m none -i "$seeds" -o "$OUT/$f" \
        -x "$FZ/rnnc.dict" -- $args >"$OUT/$f.log" 2>&1
    # files of harness processes AFL killed (another format's run may be going on beside this one)
    for p in /dev/shm/rnnc-fuzz-*; do
        pid=${p#/dev/shm/rnnc-fuzz-}
        pid=${pid%%[.-]*}
        [ -e "$p" ] && ! kill -0 "$pid" 2>/dev/null && rm -rf "$p"
    done
    st=$OUT/$f/default/fuzzer_stats
    execs=$(awk -F': *' '/^execs_done/ {print $2}' "$st" 2>/dev/null)
    crashes=$(find "$OUT/$f/default/crashes" -type f -name 'id:*' 2>/dev/null | wc -l)
    hangs=$(find "$OUT/$f/default/hangs" -type f -name 'id:*' 2>/dev/null | wc -l)
    rate=$(awk -F': *' '/^execs_per_sec/ {print $2}' "$st" 2>/dev/null)
    kind=in-process; case $f in h5raw | kerasraw) kind=fork-server ;; esac
    echo "$f: ${execs:-0} executions, $crashes crashes, $hangs hangs, ${rate:-0} exec/s ($kind)"
done
