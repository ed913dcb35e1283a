#!/usr/bin/env bash
# tests/onnx/run.sh: ONNX models read by rnnc (compiler/onnx.c), no Python needed.
#
# fixtures/ (made once by make_fixtures.py: graphs in torch.onnx.export's form, references from
# onnxruntime):
#   NAME.onnx, NAME.in.txt, NAME.out.txt     a model, seeded inputs, onnxruntime's outputs
#   NAME.expected.json                       the rnnc-model/1 tree its import must give
#                                            (bidirectional models)
#   bad_*.onnx, bad_*.err                    malformed or unsupported models, rnnc's message
# Checks: `rnnc M.onnx --emulate IN --float` within 1e-5 of onnxruntime; `rnnc import` round
# trips (the same fixed-point outputs from the model.json); the import of bidirectional models
# equals the expected tree (and, once this build has the bidirectional layer kind, their float
# outputs match too); `--sim` (Icarus) bit-exact and cycle-exact for three models; a model named
# without .onnx is recognised by its content; bad files exit 2 with the golden message.
# Ends with "onnx: N passed, M failed".
# usage: tests/onnx/run.sh [-v]     (RNNC=build/asan/rnnc tests/onnx/run.sh for the sanitized build)
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
RNNC=${RNNC:-$ROOT/build/rnnc}
case $RNNC in /*) ;; *) RNNC=$PWD/$RNNC ;; esac
OBJ=$(dirname "$RNNC")/obj
FIX=$HERE/fixtures
TOL=1e-5
VERBOSE=0
[ "${1:-}" = "-v" ] && VERBOSE=1
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}

if [ ! -x "$RNNC" ]; then
    echo "run.sh: $RNNC is not built (run make)" >&2
    echo "onnx: 0 passed, 1 failed"
    exit 1
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0
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
crashed() { grep -qE 'internal error|AddressSanitizer|runtime error:|Segmentation|Aborted' "$TMP/stderr"; }
run() { # NAME ARGS...: rnnc (in fixtures/) must succeed; stdout in $TMP/stdout
    local name=$1
    shift
    (cd "${RUNDIR:-$FIX}" && "$RNNC" "$@") >"$TMP/stdout" 2>"$TMP/stderr"
    local rc=$?
    if [ $rc -ne 0 ] || crashed; then
        bad "$name" "exit status $rc"
        return 1
    fi
    return 0
}
maxdiff() {
    awk 'NR == FNR { n[FNR] = NF; for (i = 1; i <= NF; i++) v[FNR, i] = $i; rows = FNR; next }
         { if (n[FNR] != NF) bad = 1; for (i = 1; i <= NF; i++) { d = $i - v[FNR, i]; if (d < 0) d = -d; if (d > m) m = d } r = FNR }
         END { if (bad || r != rows) print "shape"; else printf "%.3g\n", m + 0 }' "$1" "$2"
}
# no bidirectional layer kind in this build (another branch brings it)
no_bidir() { grep -q 'unknown layer type "bidirectional"' "$TMP/stderr"; }

# ---- every model: float outputs against onnxruntime's; import round trip ----
for in in "$FIX"/*.in.txt; do
    name=$(basename "$in" .in.txt)
    (cd "$FIX" && "$RNNC" "$name.onnx" --emulate "$name.in.txt" --float) >"$TMP/stdout" 2>"$TMP/stderr"
    rc=$?
    if [ $rc -ne 0 ] && [ -f "$FIX/$name.expected.json" ] && no_bidir && ! crashed; then
        [ "$VERBOSE" = 1 ] && echo "note $name: this build has no bidirectional layer kind (import checked below)"
        continue
    fi
    if [ $rc -ne 0 ] || crashed; then
        bad "$name float" "exit status $rc"
        continue
    fi
    d=$(maxdiff "$TMP/stdout" "$FIX/$name.out.txt")
    if [ "$d" = shape ]; then
        bad "$name float" "output shape differs from onnxruntime's"
    elif awk -v d="$d" -v t="$TOL" 'BEGIN { exit !(d <= t) }'; then
        ok "$name float (|float - onnxruntime| <= $d)"
    else
        bad "$name float" "|float - onnxruntime| = $d > $TOL"
    fi
    run "$name import" import "$name.onnx" -o "$TMP/m.json" || continue
    run "$name fixed" "$name.onnx" --emulate "$name.in.txt" && cp "$TMP/stdout" "$TMP/a" || continue
    run "$name fixed (imported)" "$TMP/m.json" --emulate "$name.in.txt" || continue
    if cmp -s "$TMP/a" "$TMP/stdout"; then ok "$name import round trip"; else bad "$name import" "outputs differ"; fi
done

# ---- the import of the bidirectional models, against the trees make_fixtures.py computed ----
LIBS="-lcjson -lm $(pkg-config --libs hdf5 2>/dev/null || echo -lhdf5_serial) -lzip -lprotobuf-c $(pkg-config --libs yaml-0.1 2>/dev/null || echo -lyaml)"
objs=$(ls "$OBJ"/*.o | grep -v '/main\.o$')
# shellcheck disable=SC2086
if ! cc -std=c11 -Wall -Wextra -Werror -I"$ROOT/compiler" "$HERE/tree.c" $objs $LIBS $( [ "$(basename "$(dirname "$RNNC")")" = asan ] && echo -fsanitize=address,undefined) -o "$TMP/tree" 2>"$TMP/stderr"; then
    bad "tree" "tests/onnx/tree.c does not build"
else
    for e in "$FIX"/*.expected.json; do
        name=$(basename "$e" .expected.json)
        if (cd "$FIX" && "$TMP/tree" "$name.onnx" "$name.expected.json") >"$TMP/stdout" 2>"$TMP/stderr"; then
            ok "$name import tree"
        else
            bad "$name import tree" "differs from $name.expected.json"
        fi
    done
fi

# ---- simulation: bit-exact and cycle-exact ----
for name in lstm_last gru_stack rnn_unrolled; do
    dir=$TMP/sim_$name
    run "$name sim" "$name.onnx" --sim "$name.in.txt" -o "$dir" --simulator icarus || continue
    cp "$TMP/stdout" "$TMP/sim.out"
    if ! grep -qE '"pass":[[:space:]]*true' "$dir/sim.json"; then bad "$name sim" "sim.json does not say pass"; continue; fi
    good=1
    for k in latency_cycles ii_cycles; do
        v=$(sed -n "s/^[[:space:]]*\"$k\":[[:space:]]*\([0-9]*\).*/\1/p" "$dir/sim.json")
        p=$(sed -n "s/^[[:space:]]*\"predicted_$k\":[[:space:]]*\([0-9]*\).*/\1/p" "$dir/sim.json")
        [ -n "$v" ] && [ "$v" = "$p" ] || { bad "$name sim" "$k ${v:-missing} != predicted ${p:-missing}"; good=0; }
    done
    [ $good = 1 ] || continue
    run "$name emulate" "$name.onnx" --emulate "$name.in.txt" || continue
    if cmp -s "$TMP/sim.out" "$TMP/stdout"; then ok "$name sim (bit-exact, cycle-exact)"; else bad "$name sim" "outputs differ from --emulate"; fi
done

# ---- exported by PyTorch itself (torch/, made by export_torch.py): every opset and dynamo ----
# --float within 1e-5 of PyTorch's outputs for every file; the TorchScript exports at opsets 14 to
# 20 import to the same model.json; --sim bit-exact and cycle-exact for opset 17's and dynamo's.
TD=$HERE/torch
simcheck() { # NAME DIR: sim.json passes with the predicted latency and II, outputs = --emulate's
    local name=$1 dir=$2 k v p
    grep -qE '"pass":[[:space:]]*true' "$dir/sim.json" || { bad "$name sim" "sim.json does not say pass"; return 1; }
    for k in latency_cycles ii_cycles; do
        v=$(sed -n "s/^[[:space:]]*\"$k\":[[:space:]]*\([0-9]*\).*/\1/p" "$dir/sim.json")
        p=$(sed -n "s/^[[:space:]]*\"predicted_$k\":[[:space:]]*\([0-9]*\).*/\1/p" "$dir/sim.json")
        [ -n "$v" ] && [ "$v" = "$p" ] || { bad "$name sim" "$k ${v:-missing} != predicted ${p:-missing}"; return 1; }
    done
    return 0
}
for in in "$TD"/*.in.txt; do
    base=$(basename "$in" .in.txt)
    for f in "$TD/$base"_o*.onnx "$TD/${base}_dynamo.onnx"; do
        [ -f "$f" ] || continue
        name=$(basename "$f" .onnx)
        RUNDIR=$TD run "$name float" "$name.onnx" --emulate "$base.in.txt" --float || continue
        d=$(maxdiff "$TMP/stdout" "$TD/$base.out.txt")
        if [ "$d" = shape ]; then
            bad "$name float" "output shape differs from PyTorch's"
        elif awk -v d="$d" -v t="$TOL" 'BEGIN { exit !(d <= t) }'; then
            ok "$name float (|float - torch| <= $d)"
        else
            bad "$name float" "|float - torch| = $d > $TOL"
        fi
    done
    RUNDIR=$TD run "${base}_o17 import" import "${base}_o17.onnx" -o "$TMP/ref.json" || continue
    for f in "$TD/$base"_o*.onnx; do
        name=$(basename "$f" .onnx)
        [ "$name" = "${base}_o17" ] && continue
        RUNDIR=$TD run "$name import" import "$name.onnx" -o "$TMP/m.json" || continue
        # the model is named after its file
        sed "1,3s/\"${base}_o[0-9]*\"/\"$base\"/" "$TMP/ref.json" >"$TMP/ref.n.json"
        sed "1,3s/\"${base}_o[0-9]*\"/\"$base\"/" "$TMP/m.json" >"$TMP/m.n.json"
        if cmp -s "$TMP/ref.n.json" "$TMP/m.n.json"; then ok "$name import = opset 17's"; else bad "$name import" "differs from ${base}_o17's"; fi
    done
    for name in "${base}_o17" "${base}_dynamo"; do
        [ -f "$TD/$name.onnx" ] || continue
        dir=$TMP/sim_$name
        RUNDIR=$TD run "$name sim" "$name.onnx" --sim "$base.in.txt" -o "$dir" --simulator icarus || continue
        cp "$TMP/stdout" "$TMP/sim.out"
        simcheck "$name" "$dir" || continue
        RUNDIR=$TD run "$name emulate" "$name.onnx" --emulate "$base.in.txt" || continue
        if cmp -s "$TMP/sim.out" "$TMP/stdout"; then ok "$name sim (bit-exact, cycle-exact)"; else bad "$name sim" "outputs differ from --emulate"; fi
    done
done

# ---- recognised by content ----
cp "$FIX/lstm_last.onnx" "$TMP/model.bin"
run "content" "$TMP/model.bin" --emulate lstm_last.in.txt --float && ok "a .onnx named model.bin"

# ---- hls4ml-style options apply to the layers by their ONNX-derived names ----
cat >"$TMP/cfg.json" <<'CFG'
{"Model": {"Precision": "ap_fixed<18,8>", "ReuseFactor": 2},
 "LayerName": {"lstm": {"ReuseFactor": 4}, "fc": {"Precision": {"weight": "ap_fixed<10,3>"}}}}
CFG
if run "config" import lstm_last.onnx --config "$TMP/cfg.json"; then
    tr -d ' \n' <"$TMP/stdout" >"$TMP/flat.json"
    # (the model default reuse factor is added by the configuration: the import sets none)
    if grep -q '"precision":"ap_fixed<18,8>",' "$TMP/flat.json" && grep -q '"reuse_factor":2[,}]' "$TMP/flat.json" &&
        grep -q '"name":"lstm".*"reuse_factor":4}' "$TMP/flat.json" &&
        grep -q '"name":"fc".*"precision":{"weight":"ap_fixed<10,3>"}' "$TMP/flat.json"; then
        ok "--config on an ONNX model"
    else
        bad "config" "the imported model does not carry the configuration"
    fi
fi

# ---- timesteps not fixed in the model: --timesteps ----
if run "timesteps" bad_dynt.onnx --timesteps 6 --emulate lstm_last.in.txt --float; then
    d=$(maxdiff "$TMP/stdout" "$FIX/lstm_last.out.txt")
    if [ "$d" != shape ] && awk -v d="$d" -v t="$TOL" 'BEGIN { exit !(d <= t) }'; then ok "--timesteps"; else bad "--timesteps" "|float - onnxruntime| = $d"; fi
fi

# ---- bad files: exit status 2 and the golden message ----
for f in "$FIX"/bad_*.onnx; do
    name=$(basename "$f" .onnx)
    (cd "$FIX" && "$RNNC" "$name.onnx" --emulate lstm_last.in.txt) >"$TMP/stdout" 2>"$TMP/stderr"
    rc=$?
    if [ $rc -ne 2 ] || crashed; then
        bad "$name" "exit status $rc, expected 2"
    elif ! cmp -s "$TMP/stderr" "$FIX/$name.err"; then
        bad "$name" "message differs from $name.err"
    elif [ -s "$TMP/stdout" ]; then
        bad "$name" "wrote output"
    else
        ok "$name"
    fi
done

echo "onnx: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
