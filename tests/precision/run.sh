#!/usr/bin/env bash
# Tests of --precision auto, --trace and the overflow warning (compiler/precision.c).
#
#   tests/precision/run.sh
#
# (a) type choice on hand-made models: a weight that needs 7 integer bits, a sum that needs 9
#     (bounded from the weights, and measured on CAL with the one-bit margin), explicit types kept;
# (b) --trace's overflow counts on a model built to overflow a known number of times, and the
#     warning of --emulate and --sim;
# (c) models built to wrap at ap_fixed<16,6> (committed, made by make_models.py): max
#     |fixed - float| <= 0.03 on inputs not in CAL with every weight type at most 16 bits (and
#     > 0.3 at ap_fixed<16,6>);
# (d) examples/toptag_lstm.json: auto no worse and no wider than ap_fixed<16,6> on inputs not in
#     CAL, the choice with 1,000 calibration sequences under 2 s; --write-config round trip;
# (e) auto-typed random models (tests/gen_model.c, Icarus) and a --max-error-typed model
#     (Verilator) simulate bit-exact.
# Ends with "precision: N passed, M failed".
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RNNC="${RNNC:-$ROOT/build/rnnc}"
HERE="$ROOT/tests/precision"
WORK="$ROOT/build/precision"
rm -rf "$WORK"
mkdir -p "$WORK"
cd "$WORK" || exit 1
pass=0
fail=0
ok() { echo "PASS: $1"; pass=$((pass + 1)); }
bad() { echo "FAIL: $1"; fail=$((fail + 1)); }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }
# maxerr A B: max |a - b| over two files of numbers of the same shape
maxerr() { paste -d ' ' "$1" "$2" | awk '{n=NF/2; for(i=1;i<=n;i++){d=$i-$(i+n); if(d<0)d=-d; if(d>m)m=d}} END{printf "%.6g\n", m+0}'; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN{exit !(a < b)}'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN{exit !(a <= b)}'; }
# the type of key in layer name of a written configuration
cfg() { awk -v L="\"$2\":" -v K="\"$3\":" '$1==L{on=1} on && $1==K{gsub(/^"|",?$/,"",$2); print $2; exit}' "$1"; }
# seqs SEED N LEN LO HI: N lines of LEN numbers uniform in [LO, HI) from a fixed-seed Lehmer
# generator (exact in doubles: the same numbers with any POSIX awk)
seqs() {
    awk -v seed="$1" -v n="$2" -v len="$3" -v lo="$4" -v hi="$5" 'BEGIN {
        for (i = 0; i < 8; i++) seed = (seed * 48271) % 2147483647
        for (r = 0; r < n; r++)
            for (j = 0; j < len; j++) {
                seed = (seed * 48271) % 2147483647
                printf "%.6f%s", lo + (hi - lo) * seed / 2147483647, j + 1 < len ? " " : "\n"
            }
    }'
}
# split FILE N BASE: BASE_cal.txt (the first N lines of FILE) and BASE_test.txt (the rest)
split_cal() { head -n "$2" "$1" >"$3_cal.txt" && tail -n +"$(($2 + 1))" "$1" >"$3_test.txt"; }
# widest weight-like type (weight, recurrent_weight, result) of a configuration
widest() { grep -E '"(weight|recurrent_weight|result)":' "$1" | sed 's/.*<\([0-9]*\),.*/\1/' | sort -n | tail -1; }

# (a) type choice
"$RNNC" "$HERE/weight7.json" --precision auto --write-config w7.json >/dev/null 2>w7.err
check "weight of 40 gets 7 integer bits (ap_fixed<16,7>)" '[ "$(cfg w7.json d weight)" = "ap_fixed<16,7>" ]'
check "no weight warning under auto" '! grep -q "do not fit" w7.err'
"$RNNC" "$HERE/sum9.json" --precision auto --write-config s9.json >/dev/null
check "sum of 4 inputs of ap_fixed<16,6> (|sum| <= 128) gets a 9-integer-bit accum" '[ "$(cfg s9.json d accum | sed "s/.*,//")" = "9>" ]'
"$RNNC" "$HERE/sum9.json" --precision auto --calibrate "$HERE/sum9_cal.txt" --write-config s9c.json >/dev/null
check "sum of 100 on CAL: accum and result 9 integer bits (8 + margin)" \
    '[ "$(cfg s9c.json d accum | sed "s/.*,//")" = "9>" ] && [ "$(cfg s9c.json d result)" = "ap_fixed<16,9>" ]'
check "input of 25 on CAL: ap_fixed<16,7>" '[ "$(cfg s9c.json input Precision)" = "ap_fixed<16,7>" ]'
check "explicit weight type kept, sigmoid result ap_fixed<16,2>" \
    '[ "$(cfg s9c.json e weight)" = "ap_fixed<12,4>" ] && [ "$(cfg s9c.json e_sigmoid result)" = "ap_fixed<16,2>" ]'
"$RNNC" import "$HERE/sum9.json" --precision auto --calibrate "$HERE/sum9_cal.txt" -o s9i.json
"$RNNC" s9i.json --write-config s9i_cfg.json >/dev/null
check "rnnc import writes the chosen types" 'cmp -s <(sed 1,/LayerName/d s9c.json) <(sed 1,/LayerName/d s9i_cfg.json)'

# (b) overflow counts
"$RNNC" "$HERE/overflow.json" --emulate "$HERE/overflow_in.txt" --trace >ov.trace 2>&1
check "trace: 5 result overflows" 'awk '\''$1=="d" && $2=="result" {print $NF}'\'' ov.trace | grep -qx 5'
check "trace: 1 input overflow" 'awk '\''$1=="d" && $2=="input" {print $NF}'\'' ov.trace | grep -qx 1'
check "trace: 0 accum overflows" 'awk '\''$1=="d" && $2=="accum" {print $NF}'\'' ov.trace | grep -qx 0'
"$RNNC" "$HERE/overflow.json" --emulate "$HERE/overflow_in.txt" >/dev/null 2>ov.err
check "--emulate warns: 6 casts overflowed" 'grep -q "6 fixed-point casts overflowed" ov.err'
"$RNNC" "$HERE/overflow.json" --sim "$HERE/overflow_in.txt" -o ov_sim --simulator icarus >/dev/null 2>ov_sim.err
check "--sim warns and still simulates bit-exact" 'grep -q "6 fixed-point casts overflowed" ov_sim.err && grep -q "bit-exact" ov_sim.err'
"$RNNC" "$HERE/sum9.json" --emulate "$HERE/sum9_cal.txt" >/dev/null 2>s9.err
check "sum9 at ap_fixed<16,6>: its sum of 100 overflows accum once" 'grep -q "1 fixed-point casts overflowed.*d accum 1" s9.err'
"$RNNC" "$HERE/sum9.json" --precision auto --calibrate "$HERE/sum9_cal.txt" --emulate "$HERE/sum9_cal.txt" >/dev/null 2>s9a.err
check "sum9 auto-typed: no overflow, no warning" '! grep -q overflowed s9a.err'

# (c) models that wrap at ap_fixed<16,6>
seqs 13 600 120 -1 1 >wrapnet.seqs && split_cal wrapnet.seqs 400 wrapnet
seqs 14 600 60 -1 1 >lstmwrap.seqs && split_cal lstmwrap.seqs 400 lstmwrap
for m in wrapnet lstmwrap; do
    cp "$HERE/$m.json" .
    "$RNNC" $m.json --emulate ${m}_test.txt --float >$m.f 2>/dev/null
    "$RNNC" $m.json --emulate ${m}_test.txt >$m.q16 2>/dev/null
    "$RNNC" $m.json --precision auto --calibrate ${m}_cal.txt --emulate ${m}_test.txt --write-config $m.cfg >$m.qa
    e16=$(maxerr $m.f $m.q16)
    ea=$(maxerr $m.f $m.qa)
    echo "  $m: max |fixed - float| on test inputs: ap_fixed<16,6> $e16, auto $ea"
    check "$m: garbage at ap_fixed<16,6> ($e16 > 0.3)" 'lt 0.3 "$e16"'
    check "$m: auto within 0.03 on inputs not in CAL ($ea)" 'le "$ea" 0.03'
    check "$m: every weight type at most 16 bits" '[ "$(grep -E "\"(weight|recurrent_weight)\":" $m.cfg | sed "s/.*<\([0-9]*\),.*/\1/" | sort -n | tail -1)" -le 16 ]'
done

# (d) toptag_lstm: no worse, no wider; time; --write-config round trip
seqs 5 1300 120 0 1 >tt.seqs && split_cal tt.seqs 1000 tt
M="$ROOT/examples/toptag_lstm.json"
"$RNNC" "$M" --emulate tt_test.txt --float >tt.f
"$RNNC" "$M" --emulate tt_test.txt >tt.q16
# CPU time (user + system): the machine may be shared, wall-clock time is not the compiler's
TIMEFORMAT='%U %S'
{ time "$RNNC" "$M" --precision auto --calibrate tt_cal.txt --write-config tt.cfg >/dev/null 2>&1; } 2>tt.time
ms=$(awk '{printf "%d", ($1 + $2) * 1000}' tt.time)
"$RNNC" "$M" --config tt.cfg --emulate tt_test.txt >tt.qa
e16=$(maxerr tt.f tt.q16)
ea=$(maxerr tt.f tt.qa)
echo "  toptag_lstm: ap_fixed<16,6> $e16, auto $ea; choice with 1000 sequences ${ms} ms CPU"
check "toptag_lstm: auto no worse ($ea <= $e16)" 'le "$ea" "$e16"'
check "toptag_lstm: auto no wider (weights, results <= 16 bits)" '[ "$(widest tt.cfg)" -le 16 ]'
check "toptag_lstm: choice under 2 s (${ms} ms)" '[ "$ms" -lt 2000 ]'
"$RNNC" "$M" --precision auto --calibrate tt_cal.txt --emulate tt_test.txt >tt.qa2
check "--write-config round trip: --config gives the same outputs" 'cmp -s tt.qa tt.qa2'

# a Keras model: the config names its layers as Keras does, and reads back
K="$ROOT/tests/keras/fixtures/backwards.k3"
"$RNNC" "$K.h5" --precision auto --calibrate "$K.in.txt" --write-config k.cfg --emulate "$K.in.txt" >k.qa
"$RNNC" "$K.h5" --config k.cfg --emulate "$K.in.txt" >k.qb
"$RNNC" import "$K.h5" --precision auto --calibrate "$K.in.txt" -o k.json
"$RNNC" k.json --emulate "$K.in.txt" >k.qc
check "Keras model: --write-config and import give the same outputs as auto" 'cmp -s k.qa k.qb && cmp -s k.qa k.qc'

# (e) bit-exact
kinds=(lstm gru gru_ra0 simple_rnn dense)
GEN="$ROOT/build/gen_model"
[ -x "$GEN" ] || cc -std=c11 -O2 "$ROOT/tests/gen_model.c" -lm -o "$GEN"
for s in 1 2 3 4 5 6; do
    k=${kinds[$((s % 5))]}
    "$GEN" $((s + 700)) g$s.json g$s.txt --kind $k >/dev/null
    cal=""
    [ $((s % 2)) = 0 ] && cal="--calibrate g$s.txt"
    if "$RNNC" g$s.json --precision auto:$((10 + s)) $cal --sim g$s.txt -o g$s --simulator icarus >g$s.log 2>&1 &&
        grep -q bit-exact g$s.log; then ok "random $k (seed $((s + 700)), auto:$((10 + s)) ${cal:+calibrated}) bit-exact"
    else bad "random $k (seed $((s + 700))) auto: see $WORK/g$s.log"; fi
done
"$GEN" 707 me.json me.txt --spec "T=5 F=3 N=6 IN=sym; lstm u=4 rs=1; dense u=3 act=relu; dense u=2 act=sigmoid" >/dev/null
if "$RNNC" me.json --precision auto --calibrate me.txt --max-error 0.02 --sim me.txt -o me >me.log 2>&1 &&
    grep -q bit-exact me.log; then ok "lstm-relu-sigmoid model, --max-error 0.02 types, bit-exact (Verilator)"
else bad "--max-error model: see $WORK/me.log"; fi

echo "precision: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
