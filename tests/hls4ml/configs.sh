#!/usr/bin/env bash
# tests/hls4ml/configs.sh: hls4ml's own configurations (made by make_configs.py with hls4ml 1.3) read
# by rnnc (compiler/keras_config.c, compiler/yaml.c); no Python needed.
#
# For every configuration in configs/ (granularity model, type and name; Vivado and Vitis; a
# name-granularity one with every user-edited key changed; project YAMLs with KerasH5, with
# KerasJson + KerasWeights, and hls4ml's own write_yml output, read without a MODEL argument):
#   - rnnc accepts it (exit 0) and lists the keys it ignores on one stderr line;
#   - every type, reuse factor and table size hls4ml resolves from it (C.expect, read back from
#     hls4ml's converted model) is what rnnc uses: types from --write-config, reuse factors and
#     table sizes from `rnnc import`'s model.json (jq).
# Types are compared as sign,W,I,Q,O,N. A configuration whose inferred widths rnnc does not take
# yet (over 32 bits: hls4ml's default fixed<16,6> gives 35..41-bit Dense accumulators) counts as
# SKIP when rnnc says so. Then bad configurations: status 2 and a message naming the key.
# Ends with "hls4ml-config: N passed, M failed".
#
# usage: tests/hls4ml/configs.sh [-v]
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
RNNC=${RNNC:-$ROOT/build/rnnc}
case $RNNC in /*) ;; *) RNNC=$PWD/$RNNC ;; esac
CFG=$HERE/configs
VERBOSE=0
[ "${1:-}" = "-v" ] && VERBOSE=1
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}

if [ ! -x "$RNNC" ] || ! command -v jq >/dev/null; then
    echo "run.sh: needs $RNNC (make) and jq (make deps)" >&2
    echo "hls4ml-config: 0 passed, 1 failed"
    exit 1
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0
skip=0
ok() {
    pass=$((pass + 1))
    [ "$VERBOSE" = 1 ] && echo "ok   $1"
    return 0
}
bad() {
    fail=$((fail + 1))
    echo "FAIL $1: $2"
    [ -s "$TMP/stderr" ] && sed 's/^/     | /' "$TMP/stderr" | head -n 8
    return 0
}
crashed() { grep -qE 'internal error|AddressSanitizer|runtime error:|Segmentation|Aborted' "$TMP/stderr"; }

# What rnnc uses, one line each: "type LAYER SLOT TYPE" from --write-config (the resolved types;
# a Dense's result there is "auto", its activation's entry holding the type)
# and, for the directions of a Bidirectional, from the model.json ("mtype"; absent: the model's
# default, "dtype", and for tables ap_fixed<18,8>: docs/model-format.md), "int LAYER KEY N" from
# the model.json.
flatten() {
    jq -r '.LayerName | to_entries[] | .key as $l | .value.Precision |
           if type == "object" then (to_entries[] | select(.value != "auto") | "type \($l) \(.key) \(.value)")
           else "type \($l) result \(.)" end' \
        "$TMP/types.json"
    jq -r '(.precision // "ap_fixed<16,6>") as $d | (.reuse_factor // 1) as $rf | "dtype - - \($d)", "int - rf \($rf)",
           ((.layers[] | ., (select(.type == "bidirectional") | (.forward + {name: (.name + "_fwd")}),
                                                               (.backward + {name: (.name + "_bwd")})))
           | .name as $l
           | ((.precision // {}) | if type == "object" then (to_entries[] | "mtype \($l) \(.key) \(.value)")
                                   else "mtype \($l) all \(.)" end),
             (to_entries[] | select(.key | test("^(reuse_factor|recurrent_reuse_factor|table_size)$"))
                           | "int \($l) \(.key) \(.value)"))' "$TMP/model.json"
}

# compare EXPECT: the expected lines against flatten's; prints the differences, exits 1 on any
compare() {
    awk '
    function canon(t,   a, n, s, q, o, b) {
        gsub(/AP_/, "", t); sub(/^ap_/, "", t); gsub(/[<>]/, " ", t); gsub(/,/, " ", t)
        n = split(t, a, " "); s = (a[1] == "fixed") ? 1 : 0
        q = n >= 4 ? a[4] : "TRN"; o = n >= 5 ? a[5] : "WRAP"; b = n >= 6 ? a[6] : 0
        return s "," a[2] "," a[3] "," q "," o "," b
    }
    FNR == NR { if ($1 == "type") ty[$2 " " $3] = $4; else if ($1 == "mtype") mt[$2 " " $3] = $4;
                else if ($1 == "dtype") dflt = $4; else if ($1 == "int" && $2 == "-") rf = $4; else iv[$2 " " $3] = $4; next }
    {
        k = $2 " " $3
        if ($1 == "type") {
            got = (k in ty) ? ty[k] : (k in mt) ? mt[k] : ($3 == "table") ? "ap_fixed<18,8>" : dflt
            if (!(k in ty) && !(k in mt) && $3 != "table" && (($2 " all") in mt)) got = mt[$2 " all"]
            got = canon(got)
        } else {
            got = (k in iv) ? iv[k] : ($3 == "table_size") ? 1024 : ($3 == "reuse_factor") ? rf : 1
        }
        if (got != $4) { if (bad < 4) print "     " $2 " " $3 ": rnnc " got ", hls4ml " $4; bad++ }
    }
    END { exit bad > 0 }' "$TMP/flat" "$1"
}

# check NAME EXPECT ARGS...: run rnnc with ARGS, compare with EXPECT
check() {
    local name=$1 expect=$2
    shift 2
    (cd "$CFG" && "$RNNC" "$@" --write-config "$TMP/types.json") >/dev/null 2>"$TMP/stderr"
    local rc=$?
    if [ $rc -ne 0 ] && grep -q 'width [0-9]* out of range' "$TMP/stderr"; then
        skip=$((skip + 1))
        echo "SKIP $name: $(grep -o 'width [0-9]* out of range[^;]*' "$TMP/stderr" | head -n 1) (wide types: branch hq)"
        return 0
    fi
    if [ $rc -ne 0 ] || crashed; then
        bad "$name" "exit status $rc"
        return 0
    fi
    if [ "$(grep -c 'note: ignoring hls4ml keys' "$TMP/stderr")" -ne 1 ]; then
        bad "$name" "ignored keys not listed exactly once"
        return 0
    fi
    (cd "$CFG" && "$RNNC" import "$@" -o "$TMP/model.json") 2>"$TMP/stderr" || {
        bad "$name" "rnnc import failed"
        return 0
    }
    flatten >"$TMP/flat"
    if compare "$CFG/$expect"; then ok "$name"; else bad "$name" "values differ from hls4ml's"; fi
}

for f in "$CFG"/*.*.json; do
    base=$(basename "$f" .json)
    model=${base%%.*}
    [ -f "$CFG/$base.expect" ] || continue
    check "$base" "$base.expect" "$model.h5" --config "$base.json"
done
# project YAMLs: the model named inside (KerasH5; KerasJson + KerasWeights; write_yml's KerasModel)
for f in "$CFG"/*.yml "$CFG"/*.written/hls4ml_config.yml; do
    rel=${f#"$CFG"/}
    check "$rel" "$rel.expect" --config "$rel"
done
# the same from another directory: names inside are relative to the YAML's folder
for f in "$CFG"/*.project.yml; do
    (cd / && "$RNNC" import --config "$f" -o "$TMP/from_root.json") >/dev/null 2>"$TMP/stderr" &&
        ok "$(basename "$f") from /" || bad "$(basename "$f") from /" "relative model path"
done

# keys beside the types: what each does to the model (docs/keras.md, "Coming from hls4ml")
# key_effect NAME MODEL CONFIG JQ EXPECTED [STDERR-PATTERN]
key_effect() {
    local name=$1 model=$2 config=$3 query=$4 want=$5 pattern=${6:-}
    printf '%s\n' "$config" >"$TMP/key.json"
    if ! (cd "$CFG" && "$RNNC" import "$model" --config "$TMP/key.json" -o "$TMP/key.model.json") 2>"$TMP/stderr"; then
        bad "key $name" "rnnc import failed"
        return 0
    fi
    local got
    got=$(jq -c "$query" "$TMP/key.model.json")
    if [ "$got" != "$want" ]; then bad "key $name" "got $got, expected $want"
    elif [ -n "$pattern" ] && ! grep -q -- "$pattern" "$TMP/stderr"; then bad "key $name" "no '$pattern' on stderr"
    else ok "key $name"; fi
}
key_effect skip lstm_gru.h5 '{"LayerName": {"out_softmax": {"Skip": true}}}' '.layers[-1].activation' '"linear"'
key_effect direction rnn_flat.h5 '{"LayerName": {"rnn1": {"Direction": "backward"}}}' '.layers[0].go_backwards' 'true'
key_effect rrf lstm_gru.h5 '{"LayerName": {"lstm1": {"ReuseFactor": 2, "RecurrentReuseFactor": 5}}}' \
    '[.layers[0].reuse_factor, .layers[0].recurrent_reuse_factor]' '[2,5]' 'hls4ml 1.3 would use its ReuseFactor, 2'
key_effect int_type lstm_gru.h5 '{"LayerName": {"inp": {"Precision": {"result": "int<8>"}}}}' '.input.precision' \
    '"ap_fixed<8,8>"'
key_effect ignored lstm_gru.h5 '{"Model": {"Strategy": "Resource"}, "LayerName": {"d1": {"Strategy": "resource",
    "ParallelizationFactor": 4}, "lstm1": {"Static": false, "Trace": true}, "out_softmax": {"Implementation": "latency"}}}' \
    '.layers[2].reuse_factor' 'null' 'ignoring hls4ml keys that change nothing in rnnc: Strategy.*ParallelizationFactor.*Static.*Trace'
key_effect layertype_act lstm_gru.h5 '{"LayerType": {"Activation": {"Precision": {"result": "fixed<9,4>"}}, "Dense": {"ReuseFactor": 3}}}' \
    '[.layers[2].precision.result, .layers[2].reuse_factor, .layers[3].reuse_factor]' '["ap_fixed<9,4>",3,3]'
key_effect maximum rnn_flat.h5 '{"Model": {"Precision": {"default": "fixed<10,4>", "maximum": "fixed<18,7>"}},
    "LayerName": {"d1": {"Precision": {"accum": "auto", "result": "auto"}}}}' '.layers[2].precision | [.accum, .result]' \
    '["ap_fixed<18,7>","ap_fixed<18,7>"]'
key_effect dropout bidi.h5 '{"LayerName": {"drop": {"Precision": {"result": "fixed<7,2,RND,SAT>"}}}}' \
    '.layers[1] | [.type, .activation, .precision.result]' '["activation","linear","ap_fixed<7,2,AP_RND,AP_SAT>"]'
key_effect dropout_same bidi.h5 '{"LayerName": {"drop": {"Precision": {"result": "fixed<16,6>"}}}}' '.layers[1].type' '"dropout"'

# a Bidirectional GRU's recurrent bias, per direction (tests/keras's fixture)
printf '%s\n' '{"LayerName": {"bi_gru": {"Precision": {"forward_recurrent_bias": "auto", "backward_bias": "fixed<8,3>",
    "backward_recurrent_bias": "fixed<8,3>"}}}}' >"$TMP/bg.json"
if "$RNNC" import "$ROOT/tests/keras/fixtures/bidi_gru_sum_ave.k3.h5" --config "$TMP/bg.json" -o "$TMP/bg.model.json" \
        2>"$TMP/stderr" && [ "$(jq -c '.layers[0].backward.precision.bias' "$TMP/bg.model.json")" = '"ap_fixed<8,3>"' ]; then
    ok "bidirectional GRU recurrent_bias"
else
    bad "bidirectional GRU recurrent_bias" "not accepted or bias not set"
fi
# "auto" is hls4ml's default type: the backward direction's second bias row gets its own type
printf '%s\n' '{"LayerName": {"bi_gru": {"Precision": {"backward_bias": "fixed<8,3>", "backward_recurrent_bias": "auto"}}}}' \
    >"$TMP/bg.json"
if "$RNNC" import "$ROOT/tests/keras/fixtures/bidi_gru_sum_ave.k3.h5" --config "$TMP/bg.json" -o "$TMP/bg.model.json" \
        2>"$TMP/stderr" && [ "$(jq -c '.layers[0].backward.precision | [.bias, .recurrent_bias]' "$TMP/bg.model.json")" = \
        '["ap_fixed<8,3>","ap_fixed<16,6>"]' ]; then
    ok "bidirectional GRU recurrent_bias auto"
else
    bad "bidirectional GRU recurrent_bias auto" "expected the backward recurrent_bias ap_fixed<16,6>"
fi

# --write-config writes an hls4ml configuration that gives the same design back: the same
# outputs on seeded inputs (also with a Dense result split from its activation)
for base in lstm_gru.edit rnn_flat.edit bidi.edit lstm_gru.type.Vivado; do
    model=${base%%.*}
    shape=$(jq -r '[.config.layers[0].config.batch_shape // .config.layers[0].config.batch_input_shape][0] | "\(.[1]) \(.[2])"' \
        "$CFG/$model.json")
    awk -v shape="$shape" 'BEGIN { split(shape, s, " "); srand(7); for (r = 0; r < 20; r++) { line = "";
        for (i = 0; i < s[1] * s[2]; i++) line = line (i ? " " : "") sprintf("%.4f", 4 * rand() - 2); print line } }' \
        >"$TMP/in.txt"
    if (cd "$CFG" && "$RNNC" "$model.h5" --config "$base.json" --write-config "$TMP/rt.json" --emulate "$TMP/in.txt" \
            >"$TMP/out1.txt" 2>"$TMP/stderr" &&
            "$RNNC" "$model.h5" --config "$TMP/rt.json" --emulate "$TMP/in.txt" >"$TMP/out2.txt" 2>"$TMP/stderr") &&
        [ -s "$TMP/out1.txt" ] && cmp -s "$TMP/out1.txt" "$TMP/out2.txt"; then
        ok "$base: --write-config round trip"
    else
        bad "$base: --write-config round trip" "outputs differ (or a run failed)"
    fi
done
printf '%s\n' '{"LayerName": {"d1": {"Precision": {"result": "fixed<12,5,RND,SAT>"}},
    "d1_relu": {"Precision": {"result": "fixed<8,3>"}}}}' >"$TMP/split.json"
if (cd "$CFG" && "$RNNC" lstm_gru.h5 --config "$TMP/split.json" --write-config "$TMP/rt.json" --emulate "$TMP/in.txt" \
        >"$TMP/out1.txt" 2>"$TMP/stderr" && "$RNNC" lstm_gru.h5 --config "$TMP/rt.json" --emulate "$TMP/in.txt" \
        >"$TMP/out2.txt" 2>"$TMP/stderr") && cmp -s "$TMP/out1.txt" "$TMP/out2.txt"; then
    ok "split activation: --write-config round trip"
else
    bad "split activation: --write-config round trip" "outputs differ (or a run failed)"
fi

# bad configurations: status 2, and the message names what is wrong
bad_config() {
    local name=$1 want=$2 text=$3 ext=${4:-json}
    printf '%s\n' "$text" >"$TMP/bad.$ext"
    (cd "$CFG" && "$RNNC" lstm_gru.h5 --config "$TMP/bad.$ext" --emulate /dev/null) >/dev/null 2>"$TMP/stderr"
    local rc=$?
    if [ $rc -eq 2 ] && ! crashed && grep -q -- "$want" "$TMP/stderr"; then ok "error $name"
    else bad "error $name" "exit status $rc, expected 2 and a message with '$want'"; fi
}
bad_config strategy 'LayerName.d1.Strategy: expected "Latency" or "Resource"' \
    '{"LayerName": {"d1": {"Strategy": "Fastest"}}}'
bad_config static 'LayerName.lstm1.Static: expected true or false' '{"LayerName": {"lstm1": {"Static": 3}}}'
bad_config rrf 'LayerName.lstm1.RecurrentReuseFactor: expected an integer' \
    '{"LayerName": {"lstm1": {"RecurrentReuseFactor": 0}}}'
bad_config type 'LayerName.gru1.Precision.weight: invalid type "fixed<16>"' \
    '{"LayerName": {"gru1": {"Precision": {"weight": "fixed<16>"}}}}'
bad_config unknown_key 'LayerName.gru1.Bogus: unknown key' '{"LayerName": {"gru1": {"Bogus": 1}}}'
bad_config unknown_prec 'LayerName.gru1.Precision.kernel: unknown precision key' \
    '{"LayerName": {"gru1": {"Precision": {"kernel": "fixed<8,3>"}}}}'
bad_config argmax 'LayerName.out_softmax.Implementation: expected "stable"' \
    '{"LayerName": {"out_softmax": {"Implementation": "argmax"}}}'
key_effect rbias lstm_gru.h5 '{"LayerName": {"gru1": {"Precision": {"bias": "fixed<10,4>", "recurrent_bias": "fixed<8,3>"}}}}' \
    '.layers[1].precision | [.bias, .recurrent_bias]' '["ap_fixed<10,4>","ap_fixed<8,3>"]'
key_effect softmax_input lstm_gru.h5 '{"LayerName": {"out": {"Precision": {"result": "fixed<12,5>"}}, "out_softmax": {"Implementation": "latency"}}}' \
    '.layers[-1].softmax | [.input, .implementation]' '["ap_fixed<12,5>","latency"]'

# a Dense result type before its split-off activation is a cast of its own in hls4ml: rnnc makes
# the Dense linear with that result, followed by an activation layer NAME_ACT
printf '%s\n' '{"LayerName": {"d1": {"Precision": {"result": "fixed<12,5,RND,SAT>"}},
    "d1_relu": {"Precision": {"result": "fixed<8,3>"}, "TableSize": 256}}}' >"$TMP/split.json"
if (cd "$CFG" && "$RNNC" import lstm_gru.h5 --config "$TMP/split.json" -o "$TMP/split.model.json") 2>"$TMP/stderr" &&
    [ "$(jq -c '[.layers[] | select(.name == "d1" or .name == "d1_relu") | [.type, .activation, .precision.result]]' \
        "$TMP/split.model.json")" = '[["dense","linear","ap_fixed<12,5,AP_RND,AP_SAT>"],["activation","relu","ap_fixed<8,3>"]]' ]; then
    ok "split-off activation after a Dense result"
else
    bad "split-off activation after a Dense result" "$(jq -c '[.layers[] | [.name, .type, .activation, .precision.result?]]' \
        "$TMP/split.model.json" 2>&1)"
fi
bad_config no_layer 'LayerName.nosuch: no layer of this name' '{"LayerName": {"nosuch": {"ReuseFactor": 2}}}'
bad_config table_size 'LayerName.lstm1.TableSize: expected a power of two' '{"LayerName": {"lstm1": {"TableSize": 1000}}}'
bad_config yaml_syntax 'invalid YAML: did not find expected' $'HLSConfig:\n  Model: [1, 2\n' yml
bad_config yaml_key 'HLSConfig.Modle: unknown key' $'HLSConfig:\n  Modle: {}\n' yml
printf 'KerasH5: nosuch.h5\nHLSConfig: {}\n' >"$TMP/missing.yml"
"$RNNC" --config "$TMP/missing.yml" >/dev/null 2>"$TMP/stderr"
if [ $? -eq 2 ] && grep -q "missing.yml: KerasH5: cannot open '$TMP/nosuch.h5'" "$TMP/stderr"; then ok "error yaml_missing"
else bad "error yaml_missing" "expected status 2 and KerasH5: cannot open"; fi
# MODEL on the command line wins: the file's KerasH5 is not even opened
if (cd "$CFG" && "$RNNC" import lstm_gru.h5 --config "$TMP/missing.yml" -o "$TMP/m.json") 2>"$TMP/stderr"; then
    ok "MODEL given: the YAML's KerasH5 unused"
else
    bad "MODEL given: the YAML's KerasH5 unused" "rnnc failed"
fi
bad_config clock 'ClockPeriod: expected a clock period' $'ClockPeriod: fast\n' yml
printf 'KerasJson: %s\n' "$CFG/lstm_gru.json" >"$TMP/noweights.yml"
"$RNNC" --config "$TMP/noweights.yml" >/dev/null 2>"$TMP/stderr"
if [ $? -eq 2 ] && grep -q 'KerasJson: needs KerasWeights' "$TMP/stderr"; then ok "error weights_missing"
else bad "error weights_missing" "expected status 2 and 'KerasJson: needs KerasWeights'"; fi
bad_config backend 'Backend: expected Vivado or Vitis' $'Backend: Quartus\n' yml
bad_config iotype 'IOType: expected io_parallel or io_stream' '{"IOType": "io_serial"}'
bad_config bitexact 'Model.BitExact: true is not supported' '{"Model": {"BitExact": true}}'
bad_config yaml_deep 'YAML nested deeper than 64 levels' "a: $(printf '%0.s[' $(seq 100000))" yml
printf 'HLSConfig: {}\n' >"$TMP/nomodel.yml"
"$RNNC" --config "$TMP/nomodel.yml" >/dev/null 2>"$TMP/stderr"
if [ $? -eq 2 ] && grep -q 'names no model (KerasH5' "$TMP/stderr"; then ok "error no model"
else bad "error no model" "expected status 2 and 'names no model'"; fi
# a YAML bomb (nested aliases) is refused, not expanded
bomb='a: &a [x, x, x, x, x, x, x, x, x, x]'
prev=a
for n in b c d e f g h; do bomb+=$'\n'"$n: &$n [*$prev, *$prev, *$prev, *$prev, *$prev, *$prev, *$prev, *$prev, *$prev, *$prev]"; prev=$n; done
bad_config yaml_bomb 'too many YAML nodes' "$bomb" yml

if [ $skip -gt 0 ]; then echo "hls4ml-config: $pass passed, $fail failed ($skip skipped: wider than rnnc takes yet)"
else echo "hls4ml-config: $pass passed, $fail failed"; fi
[ $fail -eq 0 ]
