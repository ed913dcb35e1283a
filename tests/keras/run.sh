#!/usr/bin/env bash
# tests/keras/run.sh: Keras models read by rnnc (compiler/keras.c), no Python or Keras needed.
#
# fixtures/ (made once by make_fixtures.py with real Keras 3 and Keras 2 (tf_keras)):
#   NAME.k3.h5, NAME.k3.json + NAME.k3.weights.h5, NAME.keras    Keras 3 in its three formats
#   NAME.k2.h5, NAME.k2.json + NAME.k2.weights.h5                Keras 2 (full model, JSON + weights)
#   NAME.kN.in.txt, NAME.kN.out.txt                              inputs and Keras's float predictions
# For every fixture and format:
#   - `rnnc MODEL --emulate IN --float` matches Keras's predictions within 1e-5 (absolute);
#   - `rnnc import MODEL -o M.json` round-trips: M.json gives the same fixed-point and float
#     outputs as MODEL, and importing M.json again gives the same bytes.
# The paper-size trained examples/toptag_{lstm,gru}20.h5: float outputs match Keras's
# (fixtures/toptag20_*.out.txt, written by bench/train_toptag20.py --predict).
# The reference model ../shared/models/model_toptag_gru.h5 (SKIP when absent): its float
# outputs match Keras's own (fixtures/toptag.*), it simulates bit-exact in Icarus, and it takes
# an hls4ml-style configuration. Then bad inputs: each must exit with status 2 and a message.
# Ends with "keras: N passed, M failed".
#
# usage: tests/keras/run.sh [-v]     (RNNC=build/asan/rnnc tests/keras/run.sh for the sanitized build)
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
RNNC=${RNNC:-$ROOT/build/rnnc}
case $RNNC in /*) ;; *) RNNC=$PWD/$RNNC ;; esac
FIX=$HERE/fixtures
TOPTAG=$ROOT/../shared/models/model_toptag_gru.h5
TOL=1e-5
VERBOSE=0
[ "${1:-}" = "-v" ] && VERBOSE=1
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}

if [ ! -x "$RNNC" ]; then
    echo "run.sh: $RNNC is not built (run make)" >&2
    echo "keras: 0 passed, 1 failed"
    exit 1
fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0
maxdiff=0

ok() {
    pass=$((pass + 1))
    [ "$VERBOSE" = 1 ] && echo "ok   $1"
    return 0
}
bad() {
    fail=$((fail + 1))
    echo "FAIL $1: $2"
    [ -s "$TMP/stderr" ] && sed 's/^/     | /' "$TMP/stderr" | head -n 10
    return 0
}
crashed() { grep -qE 'internal error|AddressSanitizer|LeakSanitizer|runtime error:|Segmentation|Aborted' "$TMP/stderr"; }

# Largest |a - b| over two files of numbers with the same shape; "shape" when they differ.
diff_files() {
    awk 'NR == FNR { n[FNR] = NF; for (i = 1; i <= NF; i++) v[FNR, i] = $i; rows = FNR; next }
         { if (n[FNR] != NF) bad = 1; for (i = 1; i <= NF; i++) { d = $i - v[FNR, i]; if (d < 0) d = -d; if (d > m) m = d } r = FNR }
         END { if (bad || r != rows) print "shape"; else printf "%.3g\n", m + 0 }' "$1" "$2"
}

# run NAME ARGS...: rnnc must succeed; stdout in $TMP/stdout
run() {
    local name=$1
    shift
    (cd "$FIX" && "$RNNC" "$@") >"$TMP/stdout" 2>"$TMP/stderr"
    local rc=$?
    if [ $rc -ne 0 ] || crashed; then
        bad "$name" "exit status $rc"
        return 1
    fi
    return 0
}

# float_check NAME EXPECTED IN MODEL-ARGS...
float_check() {
    local name=$1 expected=$2 in=$3
    shift 3
    run "$name" "$@" --emulate "$in" --float || return 0
    local d
    d=$(diff_files "$TMP/stdout" "$FIX/$expected")
    if [ "$d" = shape ]; then
        bad "$name" "output shape differs from Keras's ($expected)"
    elif awk -v d="$d" -v t="$TOL" 'BEGIN { exit !(d <= t) }'; then
        maxdiff=$(awk -v a="$maxdiff" -v b="$d" 'BEGIN { print (b > a) ? b : a }')
        ok "$name (|float - keras| <= $d)"
    else
        bad "$name" "|float - keras| = $d > $TOL"
    fi
}

# roundtrip NAME IN MODEL-ARGS...: import, then the same outputs from the imported JSON
roundtrip() {
    local name=$1 in=$2
    shift 2
    run "$name import" import "$@" -o "$TMP/m.json" || return 0
    run "$name fixed" "$@" --emulate "$in" && cp "$TMP/stdout" "$TMP/a.fixed" || return 0
    run "$name fixed (imported)" "$TMP/m.json" --emulate "$in" && cp "$TMP/stdout" "$TMP/b.fixed" || return 0
    run "$name float" "$@" --emulate "$in" --float && cp "$TMP/stdout" "$TMP/a.float" || return 0
    run "$name float (imported)" "$TMP/m.json" --emulate "$in" --float && cp "$TMP/stdout" "$TMP/b.float" || return 0
    run "$name re-import" import "$TMP/m.json" -o "$TMP/m2.json" || return 0
    if ! cmp -s "$TMP/a.fixed" "$TMP/b.fixed"; then
        bad "$name round trip" "fixed-point outputs differ after import"
    elif ! cmp -s "$TMP/a.float" "$TMP/b.float"; then
        bad "$name round trip" "float outputs differ after import"
    elif ! cmp -s "$TMP/m.json" "$TMP/m2.json"; then
        bad "$name round trip" "importing the imported model.json changes it"
    else
        ok "$name round trip"
    fi
}

# ---- every fixture in every format ----
shopt -s nullglob
for in in "$FIX"/*.k[23].in.txt; do
    base=$(basename "$in" .in.txt) # NAME.kN
    name=${base%.k?}
    in=$(basename "$in")
    out=$base.out.txt
    formats=("$base.h5" "$base.json --weights $base.weights.h5")
    [ "${base##*.}" = k3 ] && formats+=("$name.keras")
    [ -f "$FIX/$base.noname.weights.h5" ] && formats+=("$base.json --weights $base.noname.weights.h5")
    for spec in "${formats[@]}"; do
        read -r -a args <<<"$spec"
        float_check "$spec" "$out" "$in" "${args[@]}"
        roundtrip "$spec" "$in" "${args[@]}"
    done
done
# timesteps None, given on the command line
float_check "var_timesteps.keras --timesteps 5" var_timesteps.out.txt var_timesteps.in.txt var_timesteps.keras --timesteps 5
roundtrip "var_timesteps.keras --timesteps 5" var_timesteps.in.txt var_timesteps.keras --timesteps 5
# a Keras 3 architecture with Keras 2 weights (same layer names and shapes) reads too
if run "k3 json + k2 weights" lstm_basic.k3.json --weights lstm_basic.k2.weights.h5 --emulate lstm_basic.k2.in.txt --float; then
    d=$(diff_files "$TMP/stdout" "$FIX/lstm_basic.k2.out.txt")
    if [ "$d" != shape ] && awk -v d="$d" -v t="$TOL" 'BEGIN { exit !(d <= t) }'; then ok "k3 json + k2 weights"
    else bad "k3 json + k2 weights" "|float - keras| = $d"; fi
fi

# a few fixtures simulated bit-exact (Icarus), one per format
for spec in "functional.keras functional.k3.in.txt" "backwards.k2.h5 backwards.k2.in.txt" \
    "gru_classic.k3.json --weights gru_classic.k3.weights.h5 gru_classic.k3.in.txt" \
    "rnn_flatten.k2.json --weights rnn_flatten.k2.weights.h5 rnn_flatten.k2.in.txt" \
    "bidi_mixed_mul_seq.keras bidi_mixed_mul_seq.k3.in.txt"; do
    read -r -a args <<<"$spec"
    vin=${args[${#args[@]} - 1]}
    unset 'args[${#args[@]}-1]'
    if run "${args[*]} --sim icarus" "${args[@]}" --sim "$vin" -o "$TMP/sim" --simulator icarus; then
        if grep -q "bit-exact" "$TMP/stderr"; then ok "${args[*]} --sim icarus (bit-exact)"
        else bad "${args[*]} --sim icarus" "no bit-exact line"; fi
    fi
    rm -rf "$TMP/sim"
done

# ---- options ----
# --precision/--reuse set the model defaults, for Keras models and model.json alike
if run "import --precision --reuse" import lstm_basic.keras --precision 'ap_fixed<12,5>' --reuse 3; then
    if grep -q '"precision": "ap_fixed<12,5>"' "$TMP/stdout" && grep -q '"reuse_factor": 3' "$TMP/stdout"; then
        cp "$TMP/stdout" "$TMP/p.json"
        ok "import --precision --reuse"
        if run "model.json --precision --reuse" import "$TMP/p.json" --precision 'ap_fixed<14,4>' --reuse 2 &&
            grep -q '"precision": "ap_fixed<14,4>"' "$TMP/stdout" && grep -q '"reuse_factor": 2' "$TMP/stdout"; then
            ok "model.json --precision --reuse"
        else
            bad "model.json --precision --reuse" "switches not applied to a model.json"
        fi
    else
        bad "import --precision --reuse" "model defaults not in the output"
    fi
fi

# ---- the paper-size trained LSTM(20) and GRU(20) (examples/, bench/train_toptag20.py) ----
for k in lstm gru; do
    float_check "toptag_${k}20.h5" "toptag20_$k.out.txt" toptag20.in.txt "$ROOT/examples/toptag_${k}20.h5"
done

# ---- the reference model ----
if [ -f "$TOPTAG" ]; then
    float_check "model_toptag_gru.h5" toptag.out.txt toptag.in.txt "$TOPTAG"
    roundtrip "model_toptag_gru.h5" toptag.in.txt "$TOPTAG"
    if run "model_toptag_gru.h5 --sim icarus" "$TOPTAG" --sim toptag.in.txt -o "$TMP/toptag" --simulator icarus; then
        if grep -q "bit-exact" "$TMP/stderr"; then ok "model_toptag_gru.h5 --sim icarus (bit-exact)"
        else bad "model_toptag_gru.h5 --sim icarus" "no bit-exact line"; fi
    fi
    rm -rf "$TMP/toptag"
    if run "toptag --config (hls4ml)" import "$TOPTAG" --config ../hls4ml_config.json; then
        if grep -q '"reuse_factor": 5' "$TMP/stdout" && grep -q '"table_size": 512' "$TMP/stdout" &&
            grep -q '"precision": "ap_fixed<12,4>"' "$TMP/stdout" && grep -q '"result": "ap_fixed<14,6>"' "$TMP/stdout" &&
            grep -q '"table": "ap_fixed<18,4>"' "$TMP/stdout" && grep -q '"precision": "ap_fixed<18,8>"' "$TMP/stdout"; then
            ok "toptag --config (hls4ml)"
        else
            bad "toptag --config (hls4ml)" "the configuration is not all in the imported model"
        fi
    fi
    run "toptag --config --emulate" "$TOPTAG" --config ../hls4ml_config.json --emulate toptag.in.txt && ok "toptag --config --emulate"
    if run "toptag --config (hls4ml project file)" import "$TOPTAG" --config ../hls4ml_project.json; then
        if grep -q '"reuse_factor": 3' "$TMP/stdout" && grep -q '"precision": "ap_fixed<16,6>"' "$TMP/stdout" &&
            grep -q "ignoring hls4ml keys that change nothing in rnnc: .*OutputDir" "$TMP/stderr"; then
            ok "toptag --config (hls4ml project file)"
        else
            bad "toptag --config (hls4ml project file)" "HLSConfig/LayerType not applied"
        fi
    fi
else
    echo "SKIP model_toptag_gru.h5: $TOPTAG is absent"
fi

# ---- bad inputs: status 2 and a message ----
# expect NAME EXPECTED-SUBSTRING ARGS...   (run in fixtures/, and the vector file is valid)
expect() {
    local name=$1 expected=$2
    shift 2
    (cd "$FIX" && "$RNNC" "$@") >"$TMP/stdout" 2>"$TMP/stderr"
    local rc=$?
    if [ $rc -ne 2 ]; then
        bad "$name" "exit status $rc, expected 2"
    elif ! grep -qF -- "$expected" "$TMP/stderr"; then
        bad "$name" "message does not contain: $expected"
    elif ! grep -q '^rnnc: ' "$TMP/stderr" || crashed; then
        bad "$name" "not a clean rnnc message"
    else
        ok "$name: $(head -n 1 "$TMP/stderr")"
    fi
}
E=(--emulate lstm_basic.k3.in.txt)
s=$(wc -c <"$FIX/lstm_basic.k3.h5")
head -c 3000 "$FIX/lstm_basic.k3.h5" >"$TMP/trunc_head.h5"
head -c $((s * 3 / 4)) "$FIX/lstm_basic.k3.h5" >"$TMP/trunc_tail.h5"
head -c 9000 "$FIX/lstm_basic.keras" >"$TMP/trunc.keras"
head -c 1200 "$FIX/lstm_basic.k3.json" >"$TMP/trunc_arch.json"
# random bytes after one NUL: a first byte of '{', '[' or a blank (1 case in 32) would make them
# JSON to rnnc's sniffing and the message "not JSON" instead of "not a Keras model"
{ printf '\000'; head -c 4095 /dev/urandom; } >"$TMP/random.h5"
{ printf '\211HDF\r\n\032\n'; head -c 4096 /dev/urandom; } >"$TMP/random_hdf5.h5"
{ printf '\000'; head -c 4095 /dev/urandom; } >"$TMP/random.keras"
printf '\211PNG\r\n\032\n\000\000\000\rIHDR\000\000\000\001' >"$TMP/image.h5"
echo "just some text" >"$TMP/text.h5"
: >"$TMP/empty.keras"
expect "truncated .h5 (head)" "trunc_head.h5: cannot open as HDF5" "$TMP/trunc_head.h5" "${E[@]}"
expect "truncated .h5 (3/4)" "trunc_tail.h5" "$TMP/trunc_tail.h5" "${E[@]}"
expect "truncated .keras" "trunc.keras: cannot open as a .keras archive" "$TMP/trunc.keras" "${E[@]}"
expect "truncated architecture JSON" "trunc_arch.json" "$TMP/trunc_arch.json" --weights lstm_basic.k3.weights.h5 "${E[@]}"
expect "truncated weights" "trunc_tail.h5" lstm_basic.k3.json --weights "$TMP/trunc_tail.h5" "${E[@]}"
expect "random bytes .h5" "random.h5: not a Keras model" "$TMP/random.h5" "${E[@]}"
expect "random bytes after an HDF5 signature" "random_hdf5.h5: cannot open as HDF5" "$TMP/random_hdf5.h5" "${E[@]}"
expect "random bytes .keras" "random.keras: not a Keras model" "$TMP/random.keras" "${E[@]}"
expect "PNG named .h5" "image.h5: not a Keras model: this is a PNG image" "$TMP/image.h5" "${E[@]}"
expect "text named .h5" "text.h5: not a Keras model: this is text" "$TMP/text.h5" "${E[@]}"
expect "empty .keras" "empty.keras: not a Keras model: this is an empty file" "$TMP/empty.keras" "${E[@]}"
expect "missing file" "nonexistent.h5: cannot be read" nonexistent.h5 "${E[@]}"
expect "zip without config.json" "bad_not_keras.keras: not a Keras 3 .keras archive: it has no config.json" bad_not_keras.keras "${E[@]}"
expect "weights-only .h5 as the model" "lstm_basic.k2.weights.h5: a weights-only HDF5 file" lstm_basic.k2.weights.h5 "${E[@]}"
expect "architecture without --weights" "lstm_basic.k3.json: a Keras architecture JSON has no weights" lstm_basic.k3.json "${E[@]}"
expect "--weights with a full model" "--weights goes with an architecture JSON" lstm_basic.k3.h5 --weights lstm_basic.k3.weights.h5 "${E[@]}"
expect "--weights not HDF5" "--weights: not an HDF5 weights file" lstm_basic.k3.json --weights lstm_basic.keras "${E[@]}"
expect "Conv1D (.keras)" "layer 'conv' (Conv1D): not supported; rnnc reads InputLayer, Dense, LSTM" bad_conv1d.keras "${E[@]}"
expect "Conv1D (.h5)" "layer 'conv' (Conv1D): not supported" bad_conv1d.h5 "${E[@]}"
# bad_bidirectional.* date from before rnnc read Bidirectional: both formats now import alike
if run "Bidirectional (.h5)" import bad_bidirectional.h5 -o "$TMP/bidi_h5.json" &&
    run "Bidirectional (.keras)" import bad_bidirectional.keras -o "$TMP/bidi_keras.json"; then
    if cmp -s "$TMP/bidi_h5.json" "$TMP/bidi_keras.json" && grep -q '"type": "bidirectional"' "$TMP/bidi_h5.json"; then
        ok "Bidirectional (.h5 and .keras alike)"
    else
        bad "Bidirectional" ".h5 and .keras import differently"
    fi
fi
expect "Masking" "layer 'mask' (Masking): not supported" bad_masking.keras "${E[@]}"
expect "Bidirectional merge_mode None" "layer 'bidi' (Bidirectional): merge_mode None (two outputs) is not supported" \
    bad_bidi_merge_none.k3.json --weights bidi_lstm_concat.k3.weights.h5 "${E[@]}"
expect "stateful" "layer 'lstm1' (LSTM): stateful=True is not supported" bad_stateful.k3.json --weights lstm_basic.k3.weights.h5 "${E[@]}"
expect "return_state" "layer 'lstm1' (LSTM): return_state=True is not supported" bad_return_state.k3.json --weights lstm_basic.k3.weights.h5 "${E[@]}"
expect "Keras 3 hard_sigmoid" "Keras 3's hard_sigmoid is relu6(x + 3) / 6" bad_hard_sigmoid3.keras "${E[@]}"
expect "unsupported activation" "layer 'd_elu' (Dense): activation 'elu' is not supported" bad_elu.keras "${E[@]}"
expect "mismatched kernel shape" "kernel 'lstm_basic/lstm1/lstm_cell/kernel' has shape (2, 16), expected (3, 16)" bad_shape.k3.h5 "${E[@]}"
expect "weights of another model" "layer 'lstm' (LSTM): 2 weight arrays, expected 3" hard_sigmoid.k2.json --weights nobias_seq.k2.weights.h5 "${E[@]}"
expect "weights of another model (Keras 3 layout)" "layer 'lstm1' (LSTM): no weights found" lstm_basic.k3.json --weights gru_classic.k3.weights.h5 "${E[@]}"
expect "timesteps None" "give --timesteps N" var_timesteps.keras "${E[@]}"
expect "--timesteps disagrees" "--timesteps 7, but the model's input has 8 timesteps" lstm_basic.keras --timesteps 7 "${E[@]}"
expect "--precision invalid" "--precision: invalid type" lstm_basic.keras --precision 'ap_fixed<99,2>' "${E[@]}"
expect "--reuse invalid" "--reuse: expected an integer" lstm_basic.keras --reuse 0 "${E[@]}"
echo '{"Model": {"Precision": "ap_fixed<16,6>", "ReuseFactr": 2}}' >"$TMP/cfg_key.json"
expect "config: unknown key" "Model.ReuseFactr: unknown key" lstm_basic.keras --config "$TMP/cfg_key.json" "${E[@]}"
echo '{"LayerName": {"lstm_9": {"ReuseFactor": 2}}}' >"$TMP/cfg_name.json"
expect "config: unknown layer" "LayerName.lstm_9: no layer of this name in the model (its layers: lstm1, out" lstm_basic.keras --config "$TMP/cfg_name.json" "${E[@]}"
echo '{"LayerName": {"lstm1": {"Precision": {"weight": "ap_fixed<8>"}}}}' >"$TMP/cfg_type.json"
expect "config: bad type" "LayerName.lstm1.Precision.weight: invalid type" lstm_basic.keras --config "$TMP/cfg_type.json" "${E[@]}"
echo '{"Model": {' >"$TMP/cfg_syntax.json"
expect "config: bad JSON" "cfg_syntax.json: line" lstm_basic.keras --config "$TMP/cfg_syntax.json" "${E[@]}"
# libhdf5 1.10 itself crashes (H5HG_read) on this one; rnnc reads Keras files in a child process
# and turns its crash into status 2.
# Under ASan the sanitizer reports libhdf5's bad memcpy first, so it is skipped there.
if ldd "$RNNC" 2>/dev/null | grep -q libasan; then
    echo "SKIP corrupt HDF5 global heap: under ASan (the fault is inside libhdf5)"
else
    expect "corrupt HDF5 global heap" "bad_corrupt_heap.k3.h5: the HDF5 library crashed reading this file" bad_corrupt_heap.k3.h5 --emulate functional.k3.in.txt
fi
# A sweep of corruptions at fixed places: each run succeeds (the bytes hit weight values) or
# fails cleanly with status 2; never a crash.
printf '\245\132\377\000\245\132\377\000%.0s' 1 2 3 4 >"$TMP/pattern"
for f in lstm_basic.k2.h5 lstm_basic.keras functional.k3.h5; do
    size=$(wc -c <"$FIX/$f")
    n=${f%%.*}
    vin=$(cd "$FIX" && ls "$n".k?.in.txt | head -n 1)
    swept=0 crashes=""
    for k in $(seq 1 24); do
        off=$((size * k / 25))
        cp "$FIX/$f" "$TMP/corrupt_$f"
        dd if="$TMP/pattern" of="$TMP/corrupt_$f" bs=1 seek=$off conv=notrunc 2>/dev/null
        (cd "$FIX" && "$RNNC" "$TMP/corrupt_$f" --emulate "$vin") >/dev/null 2>"$TMP/stderr"
        rc=$?
        if { [ $rc -ne 0 ] && [ $rc -ne 2 ]; } || crashed; then crashes="$crashes $off:$rc"; fi
        swept=$((swept + 1))
    done
    : >"$TMP/stderr"
    if [ -z "$crashes" ]; then ok "corruption sweep of $f ($swept places)"
    else bad "corruption sweep of $f" "crashed at offset:status$crashes"; fi
done
expect "--weights with a model.json" "--weights goes with a Keras architecture JSON" "$ROOT/tests/errors/ok/tiny.json" --weights lstm_basic.k3.weights.h5

echo "largest |float - keras|: $maxdiff"
echo "keras: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
