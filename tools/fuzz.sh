#!/usr/bin/env bash
# tools/fuzz.sh: fuzz rnnc's input formats with AFL++ (make fuzz runs it).
#
#   tools/fuzz.sh [FORMAT...]      FORMAT: json emit arch h5 keras vectors config (default: all)
#
# Each format is one way rnnc reads a file (the harness is rnnc itself, built by afl-clang-fast
# with ASan and UBSan into build/fuzz/rnnc), fuzzed for FUZZ_SECONDS (default 60) from the seeds
# in tests/fuzz/seeds/FORMAT with tests/fuzz/rnnc.dict, one format after the other, niced.
# Findings land in build/fuzz/out/FORMAT/default/{crashes,hangs}; each line of the summary is
# "FORMAT: N executions, C crashes, H hangs". Every crash found becomes a regression test
# (tests/limits, tests/errors, tests/keras). Needs afl++ (Debian: apt-get install afl++
# libclang-rt-14-dev; make deps installs it when FUZZ_DEPS=1).
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
# The harness of each format: rnnc's arguments, @@ the fuzzed file.
harness() {
    case $1 in
    json) echo "@@ --dump schedule" ;;
    emit) echo "@@ -o $OUT/emit-out" ;;
    arch) echo "@@ --weights $FIX/lstm_basic.k3.weights.h5 --dump schedule" ;;
    h5) echo "@@ --dump schedule" ;;
    keras) echo "@@ --dump schedule" ;;
    vectors) echo "$FZ/model.json --emulate @@" ;;
    config) echo "$FZ/model.json --config @@ --dump schedule" ;;
    *) echo "fuzz.sh: unknown format $1" >&2; exit 2 ;;
    esac
}
formats=("$@")
[ ${#formats[@]} -gt 0 ] || formats=(json emit arch h5 keras vectors config)
export AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:symbolize=0 UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1
mkdir -p "$OUT"
for f in "${formats[@]}"; do
    args=$(harness "$f") || exit 2
    rm -rf "$OUT/$f"
    # shellcheck disable=SC2086
    nice -n 19 afl-fuzz -V "$SECS" -t 2000 -m none -i "$FZ/seeds/$f" -o "$OUT/$f" -x "$FZ/rnnc.dict" -- "$BIN" $args \
        >"$OUT/$f.log" 2>&1
    st=$OUT/$f/default/fuzzer_stats
    execs=$(awk -F': *' '/^execs_done/ {print $2}' "$st" 2>/dev/null)
    crashes=$(find "$OUT/$f/default/crashes" -type f -name 'id:*' 2>/dev/null | wc -l)
    hangs=$(find "$OUT/$f/default/hangs" -type f -name 'id:*' 2>/dev/null | wc -l)
    echo "$f: ${execs:-0} executions, $crashes crashes, $hangs hangs"
done
