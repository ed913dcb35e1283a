#!/usr/bin/env bash
# Regenerates tests/e2e/cases/*.json and *.txt (the hand-specified end-to-end cases) with
# tests/gen_model.c's --spec mode: the structure and options below are chosen by hand, the
# weights and inputs are drawn from the case's seed. The generated files are committed; rerun
# this only to change or add a case (the output is deterministic).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="$ROOT/tests/e2e/cases"
mkdir -p "$ROOT/build" "$OUT"
cc -std=c11 -Wall -Wextra -Werror -O2 "$ROOT/tests/gen_model.c" -lm -o "$ROOT/build/gen_model"

# Each case names its seed, so that adding or moving a case never changes another one's weights
# (the seeds once came from a counter; a case added in the middle then shifted every seed after it).
cases=0
gen() { # SEED NAME SPEC
    "$ROOT/build/gen_model" "$1" "$OUT/$2.json" "$OUT/$2.txt" --spec "NAME=$2 $3"
    cases=$((cases + 1))
}

# --- each recurrent kind, plain, go_backwards, return_sequences as the final output ---
gen 101 lstm_basic      "T=4 F=3; lstm u=3; dense u=1 act=sigmoid"
gen 102 lstm_seq_out    "T=3 F=2; lstm u=3 rs=1"
gen 103 lstm_backwards  "T=4 F=2; lstm u=2 gb=1 rs=1; dense u=2"
gen 104 gru_ra1         "T=4 F=3; gru u=3; dense u=2 act=tanh"
gen 105 gru_ra1_back    "T=3 F=2; gru u=3 ra=1 gb=1 rs=1"
gen 106 gru_ra0         "T=4 F=3; gru u=3 ra=0; dense u=1 act=sigmoid"
gen 107 gru_ra0_back    "T=5 F=2; gru u=2 ra=0 gb=1"
gen 108 rnn_basic       "T=4 F=2; simple_rnn u=4; dense u=3 act=relu"
gen 109 rnn_backwards   "T=4 F=3; simple_rnn u=3 gb=1 rs=1; dense u=2 act=linear"
# --- stacking ---
gen 110 stack_three     "T=4 F=2; lstm u=3 rs=1; gru u=2 rs=1 ra=0 gb=1; simple_rnn u=2"
gen 111 stack_seq_out   "T=3 F=3; gru u=2 rs=1; lstm u=3 rs=1 gb=1; dense u=2 act=tanh"
gen 112 stack_dense_mid "T=4 F=2; simple_rnn u=3 rs=1; dense u=4 act=relu; gru u=2 ra=1"
# --- flatten, dropout, activation layers ---
gen 113 flatten_td      "T=3 F=2; dense u=3 act=relu; flatten; dense u=2 act=softmax"
gen 114 flatten_rnn     "T=4 F=2; simple_rnn u=3 rs=1; flatten; dropout rate=0.5; dense u=5 act=softmax"
gen 115 flatten_last    "T=3 F=2; lstm u=2 rs=1; flatten"
gen 116 dropout_last    "T=3 F=3; gru u=3; dropout rate=0.25"
gen 117 act_layers      "T=3 F=2; lstm u=3 rs=1; activation act=relu; gru u=2; activation act=tanh ts=256; activation act=sigmoid ts=4096"
# --- activations ---
gen 118 hard_sigmoid    "T=4 F=2; lstm u=3 ract=hard_sigmoid; dense u=2 act=hard_sigmoid; activation act=hard_sigmoid"
gen 119 gate_acts       "T=3 F=2; gru u=2 ract=tanh act=sigmoid rs=1; lstm u=2 ract=linear act=hard_sigmoid rs=1; simple_rnn u=2 act=relu"
gen 120 rnn_linear      "T=5 F=1; simple_rnn u=2 act=linear; dense u=1 act=linear"
gen 121 softmax_seq     "T=3 F=2; lstm u=3 rs=1; dense u=3 act=softmax"
gen 122 softmax_wide    "T=2 F=3; gru u=4; dense u=7 act=softmax ts=4096"
gen 123 softmax_two     "T=1 F=4; dense u=5 act=tanh; dense u=2 act=softmax ts=256"
# --- precisions ---
gen 124 prec_sat_rnd    "T=4 F=3 P=ap_fixed<10,3,AP_RND,AP_SAT> IN=sym; lstm u=3; dense u=2 act=tanh"
gen 125 prec_rnd_conv   "T=4 F=2 P=ap_fixed<16,6,AP_RND_CONV,AP_WRAP>; gru u=3 ra=0; dense u=1"
gen 126 prec_12_4       "T=3 F=3 P=ap_fixed<12,4> IP=ap_fixed<8,2>; simple_rnn u=3 gb=1; dense u=2 act=sigmoid"
gen 127 prec_18_8       "T=3 F=2 P=ap_fixed<18,8>; gru u=2 ra=1 rs=1; dense u=3 act=relu"
gen 128 prec_objects    "T=4 F=3; lstm u=3 rs=1 pw=ap_fixed<8,2> pr=ap_fixed<10,3,AP_RND,AP_SAT> pa=ap_fixed<24,10> ps=ap_fixed<18,8> pt=ap_fixed<16,4>; dense u=3 act=relu po=ap_ufixed<16,6>; flatten; dense u=2 pb=ap_fixed<8,3>"
gen 129 prec_ufixed_in  "T=3 F=2; dense u=3 act=sigmoid po=ap_ufixed<16,6>; gru u=2 ra=0; dense u=2 act=relu po=ap_ufixed<16,6>"
gen 130 prec_accum_sat  "T=4 F=4 IN=sym; simple_rnn u=3 act=linear pa=ap_fixed<8,1,AP_RND,AP_SAT> po=ap_fixed<8,1,AP_TRN,AP_SAT>; dense u=2 act=linear pa=ap_fixed<6,1,AP_TRN,AP_SAT>"
gen 131 prec_accum_wrap "T=4 F=4 IN=sym; lstm u=2 pa=ap_fixed<8,1> ps=ap_fixed<8,1>; dense u=2 pa=ap_fixed<6,1>"
gen 132 prec_neg_int    "T=2 F=2; dense u=3 pw=ap_fixed<8,0> pa=ap_fixed<20,4> act=relu; gru u=2 ra=1 pt=ap_fixed<12,2>"
gen 133 prec_input      "T=3 F=3 IP=ap_fixed<16,6,AP_RND,AP_SAT> IN=sym; lstm u=2 gb=1; dense u=1 act=sigmoid"
# --- reuse factors: 1, 2, non-divisors, primes, the maximum, the model default capped ---
gen 134 rf_lstm         "T=3 F=2; lstm u=3 rf=2 rs=1; lstm u=2 rf=5; dense u=3 rf=4"
gen 135 rf_gru_nondiv   "T=3 F=3; gru u=3 ra=1 rf=7; dense u=2 rf=5"
gen 136 rf_gru0_nondiv  "T=3 F=2; gru u=3 ra=0 rf=11; dense u=1 rf=3"
gen 137 rf_rnn          "T=4 F=3; simple_rnn u=4 rf=5; dense u=3 rf=7"
gen 138 rf_max_all      "T=3 F=2; lstm u=2 rf=max rs=1; gru u=3 ra=0 rf=max rs=1; simple_rnn u=2 rf=max rs=1; dense u=3 rf=max"
gen 139 rf_max_gru1     "T=2 F=4; gru u=2 ra=1 rf=max; dense u=2 rf=max act=softmax"
gen 140 rf_model_big    "T=3 F=2 RF=1000; lstm u=2; dense u=2 act=relu"
gen 141 rf_model_4      "T=3 F=3 RF=4; gru u=3 ra=0 rs=1; simple_rnn u=2 rf=1; dense u=2"
# --- odd sizes and edge shapes ---
gen 142 tiny            "T=1 F=1; simple_rnn u=1; dense u=1"
gen 143 t1_lstm         "T=1 F=3; lstm u=2 gb=1 rs=1"
gen 144 wide_odd        "T=5 F=5; gru u=5 ra=0 rf=7; dense u=7 act=hard_sigmoid"
gen 145 dense_only      "T=2 F=5; dense u=7 act=tanh; dense u=3"
gen 146 dense_vector    "T=1 F=3; flatten; dense u=4 act=relu rf=max; dense u=1 act=sigmoid"
gen 147 no_bias         "T=3 F=2; lstm u=2 bias=0 rs=1; gru u=2 ra=1 bias=0 rs=1; gru u=2 ra=0 bias=0 rs=1; simple_rnn u=2 bias=0; dense u=2 bias=0"
gen 148 named_layers    "T=3 F=2; lstm u=2 name=enc rs=1; dense u=2 name=head act=softmax"
# --- extremes of the type rules: 32-bit types (64-bit products), 48 fractional bits, 1-bit
#     weights, I = W, unsigned results of signed functions, 2- and 65536-entry tables ---
gen 149 ext_w32         "T=3 F=2 P=ap_fixed<32,8>; lstm u=2; dense u=2 act=softmax"
gen 150 ext_w32_gru     "T=3 F=2 P=ap_fixed<32,16>; gru u=2 ra=0 rs=1; gru u=2; dense u=2"
gen 151 ext_frac48      "T=2 F=2; dense u=2 pw=ap_fixed<32,-16> pa=ap_fixed<32,-8>; dense u=1"
gen 152 ext_narrow      "T=3 F=2 P=ap_fixed<4,2>; simple_rnn u=2; dense u=2 act=sigmoid"
gen 153 ext_one_bit     "T=2 F=2; dense u=2 pw=ap_fixed<1,1> act=relu; dense u=1 pw=ap_ufixed<1,1>"
gen 154 ext_ufixed_tanh "T=3 F=2; lstm u=2 po=ap_ufixed<16,6>; dense u=2 act=tanh po=ap_ufixed<8,2>"
gen 155 ext_rf_huge     "T=2 F=3 RF=16777216; lstm u=3; dense u=2"
gen 156 ext_table_big   "T=2 F=2; lstm u=2 pt=ap_fixed<32,2> ts=65536; dense u=2 act=softmax pt=ap_fixed<32,4>"
gen 157 ext_table_two   "T=2 F=2; gru u=2 ts=2; dense u=3 act=softmax ts=2"
gen 158 ext_state_sat   "T=4 F=2; lstm u=2 ps=ap_fixed<6,2,AP_RND_CONV,AP_SAT> po=ap_fixed<6,1,AP_RND,AP_SAT>"
gen 159 ext_int_only    "T=2 F=2 P=ap_fixed<8,8>; simple_rnn u=2 act=relu; dense u=1"
# --- regressions: random models that once exposed a bug (gen_model SEED --kind K) ---
reg() { # NAME SEED KIND
    "$ROOT/build/gen_model" "$2" "$OUT/$1.json" "$OUT/$1.txt" --kind "$3" --plain-types
    cases=$((cases + 1))
}
# simple_rnn with reuse 28 (model default RF 1000 capped): an intermediate build (before
# cb72398) left `reg h_next_3` undriven,
# verilator --lint-only -Wall UNDRIVEN (emit_verilog.c)
reg reg_seed25_rnn_undriven 25 dense
# --- one multiplier and one elementwise lane (the largest reuse factor): gate sums and the LSTM's
#     c in memories (banked form); regular schedules (ROM of weights only), also on 3 multipliers ---
gen 161 bank_lstm       "T=4 F=2 RF=100000; lstm u=3 rs=1; lstm u=4; dense u=6 rf=8 act=relu; dense u=1 act=sigmoid"
gen 162 bank_gru        "T=4 F=3 RF=100000; gru u=3 ra=1 rs=1; gru u=4 ra=1; dense u=2 act=tanh"
# --- memory links: a one-multiplier dense writes its outputs into the next dense's input memory
#     (relu's unsigned result widened to the consumer's operand type on the way) ---
gen 163 bank_vec_link   "T=3 F=2; dense u=5 rf=max act=relu po=ap_ufixed<16,6>; dense u=4 rf=max act=tanh; dense u=3 rf=2; dense u=2 rf=max"
# --- more than 16 captures on one multiplier: the bias looked up in two stages (runs >= 3) or
#     in one (runs of 2) ---
gen 164 bank_bias_pipe  "T=3 F=3 RF=100000; lstm u=5 rs=1; dense u=20 act=relu; dense u=2"
gen 165 bank_bias_short "T=2 F=2 RF=100000; dense u=20 act=tanh; dense u=3"
# --- run schedules: a GRU (reset_after) on one multiplier takes z and r over all operands, then
#     the candidate's input and recurrent parts: index and flags from counters; runs of one
#     operand (one feature, one unit) ---
gen 166 bank_gru_runs   "T=3 F=1 RF=100000; gru u=3 ra=1 rs=1; gru u=2 ra=1 rs=1; gru u=1 ra=1 rs=1"
# --- types wider than 32 bits (up to 64; products of two 64-bit values are 128 bits) ---
gen 167 wide_lstm       "T=4 F=3 P=ap_fixed<40,12> IP=ap_fixed<36,8>; lstm u=3 rs=1 pa=ap_fixed<64,20> ps=ap_fixed<48,16> pt=ap_fixed<40,8>; dense u=2 act=sigmoid pw=ap_fixed<36,4> pa=ap_fixed<64,24>"
gen 168 wide_gru_rf     "T=3 F=2 P=ap_fixed<48,10,AP_RND,AP_SAT> RF=3; gru u=3 ra=1 rs=1 pa=ap_fixed<64,16>; gru u=2 ra=0 rf=max pw=ap_fixed<64,16> pr=ap_fixed<60,12> pa=ap_fixed<64,24>"
gen 169 wide_rnn_relu   "T=4 F=2 P=ap_fixed<34,14> IP=ap_fixed<64,16>; simple_rnn u=3 act=relu rs=1 pa=ap_fixed<62,30>; dense u=3 act=softmax pa=ap_fixed<56,20> pt=ap_fixed<40,8>"
gen 170 wide_dense_bank "T=2 F=3 RF=100000 P=ap_fixed<64,20>; dense u=4 act=relu; dense u=3 act=tanh po=ap_fixed<40,4>; dense u=2"
# --- bidirectional: the input forks to a forward BUFFER and a backward REVERSE, each direction's
#     cell with its own kind, units and reuse factor, joined by a MERGE (concat, sum, mul, ave);
#     with return_sequences the backward outputs reversed back (the layer's next two are its
#     forward and backward directions) ---
gen 171 bidi_lstm_concat "T=4 F=3; bidirectional mm=concat; lstm u=3; lstm u=2 rf=3; dense u=2 act=sigmoid"
gen 172 bidi_lstm_sum_seq "T=4 F=2; bidirectional mm=sum rs=1; lstm u=3; lstm u=3 rf=4"
gen 173 bidi_gru_mul     "T=5 F=2; bidirectional mm=mul; gru u=2 ra=0; gru u=2 ra=1 rf=2"
gen 174 bidi_gru_ave_seq "T=3 F=3; bidirectional mm=ave rs=1; gru u=3 ra=1; gru u=3 ra=0 rf=5; dense u=2"
gen 175 bidi_rnn_concat_seq "T=4 F=2; bidirectional mm=concat rs=1; simple_rnn u=3 rf=2; simple_rnn u=2; flatten; dense u=2 act=softmax"
gen 176 bidi_rnn_sum     "T=3 F=2; bidirectional mm=sum; simple_rnn u=2; simple_rnn u=2 act=relu"
gen 177 bidi_mixed_mul_seq "T=3 F=2; bidirectional mm=mul rs=1 po=ap_fixed<12,4,AP_RND,AP_SAT>; lstm u=2; gru u=2 ra=1; gru u=2"
gen 178 bidi_mixed_ave   "T=4 F=3 P=ap_fixed<12,4,AP_RND,AP_SAT>; bidirectional mm=ave; simple_rnn u=2 rf=3; lstm u=2"
gen 179 bidi_one_step    "T=1 F=2; bidirectional mm=concat rs=1; gru u=2; lstm u=1"
gen 180 bidi_stacked     "T=3 F=2; bidirectional mm=concat rs=1; gru u=2; gru u=2; bidirectional mm=sum name=bi2; lstm u=2 rf=2; simple_rnn u=2"
# (gru_rbias.json/.txt are written by hand, not here: a GRU whose recurrent bias has its own
# type, precision.recurrent_bias)
# --- every ap_fixed mode (hls4ml's spellings), narrow types that overflow (every O mode acts) and
#     accumulators wider than 64 bits, as hls4ml infers them by bit growth ---
gen 181 modes_lstm_wide  "T=4 F=3 IN=sym; lstm u=3 rs=1 pa=fixed<89,49,RND_CONV,SAT_SYM,0> ps=fixed<9,-2,RND_ZERO,WRAP,2> po=ap_fixed<9,1,AP_RND_INF,AP_SAT_ZERO>; dense u=2 act=softmax pa=ap_fixed<70,30,AP_TRN_ZERO,AP_SAT> pt=fixed<18,8,RND_MIN_INF,SAT,0>"
gen 182 modes_gru_wide   "T=3 F=2 IN=sym P=fixed<14,5,RND,WRAP,1>; gru u=3 ra=1 rs=1 rf=2 pa=fixed<100,60,RND_INF,WRAP,3> po=fixed<6,-1,TRN_ZERO,SAT_SYM,0>; gru u=2 ra=0 pw=ap_fixed<8,2,AP_TRN_ZERO,AP_SAT_SYM> pa=ap_fixed<7,-1,AP_RND_ZERO,AP_SAT_SYM> po=ufixed<6,-1,RND_MIN_INF,WRAP,2>; dense u=2 pa=fixed<7,-1,RND_MIN_INF,SAT_ZERO,0> po=fixed<8,-1,RND_ZERO,WRAP,1>"
gen 183 modes_dense_wrapn "T=2 F=4 IN=sym; dense u=4 act=relu pa=fixed<6,-1,RND_INF,WRAP,2> po=ufixed<5,-1,RND_CONV,WRAP,1>; simple_rnn u=3 pa=fixed<5,-2,TRN_ZERO,WRAP,1> po=fixed<6,-1,RND_ZERO,SAT_SYM,0> rf=2; dense u=3 act=linear pa=fixed<100,60,RND,SAT,0> po=fixed<5,-1,RND_INF,WRAP,3>"
# --- the split form at reuse factors > 1 (recurrent_reuse_factor): the proj engine at rf (in
#     place, direct when rf is a multiple of the inputs), h*U at rrf, the xw extra in the trees ---
gen 181 split_rrf        "T=4 F=3; lstm u=3 rf=3 rrf=5 rs=1; gru u=3 ra=0 rf=2 rrf=4 rs=1; gru u=2 ra=1 rf=7 rrf=3 rs=1; simple_rnn u=3 rf=1 rrf=2; dense u=2"
# (a one-multiplier dense before it: the memory link goes into the proj engine)
gen 182 split_link       "T=3 F=2; dense u=4 rf=max act=relu; lstm u=2 rf=2 rrf=3; dense u=1"
# --- banked cells on several multipliers (issue 11): the captures of 2, 3 and 4 multipliers go
#     to the gate banks, each written by one multiplier at a time (plan_banks_ok) ---
gen 181 bank_multi_lstm  "T=4 F=8; lstm u=4 rf=72 rs=1; lstm u=4 rf=64; dense u=2 rf=max"
gen 182 bank_multi_lstm4 "T=3 F=14; lstm u=2 rf=32 rs=1; dense u=2 act=sigmoid"
gen 183 bank_multi_gru   "T=3 F=14; gru u=2 ra=1 rf=32 rs=1; gru u=2 ra=1 rf=16"
# --- hls4ml's legacy softmax (run with --numerics hls4ml: tests/e2e/run.sh runs every hls_* case
#     so): 1, 2, 5, 6, 7 classes; hls4ml's default types (its table type ap_fixed<18,8> wraps);
#     a saturating table type (exp and reciprocal entries and the in-order sums saturate), one
#     that saturates to zero (the order of the sums matters), an unsigned wrapping one; two-entry
#     tables (1 class: its sum 1 indexes the reciprocal entry 0, which is 0, as in hls4ml) ---
gen 189 hls_legacy_two   "T=1 F=4; dense u=5 act=tanh; dense u=2 act=softmax sm=legacy ts=256"
gen 190 hls_legacy_seq   "T=3 F=2; gru u=3 ra=1 rs=1; dense u=5 act=softmax sm=legacy"
gen 191 hls_legacy_sat   "T=1 F=3 IN=sym; dense u=7 act=softmax sm=legacy ts=128 pt=ap_fixed<8,2,AP_RND,AP_SAT> smi=ap_fixed<10,4,AP_RND,AP_SAT>"
gen 192 hls_legacy_satz  "T=2 F=3 IN=sym; dense u=4 act=softmax sm=legacy ts=256 pt=ap_fixed<8,2,AP_RND,AP_SAT_ZERO> po=ap_ufixed<8,0,AP_RND,AP_SAT>"
gen 193 hls_legacy_wrap  "T=2 F=3 IN=sym; dense u=3 act=relu rf=2; dense u=6 act=softmax sm=legacy ts=512 pt=ap_ufixed<9,3> smi=ap_fixed<8,3>"
gen 194 hls_legacy_one   "T=1 F=2; dense u=1 act=softmax sm=legacy ts=2 pt=ap_fixed<12,4>"
# --- --numerics hls4ml (run.sh runs hls_* cases with it): a GRU whose accum differs from its
#     result keeps its gates in accum, as hls4ml's gru_static does (rnnc_gru_cell's G type): the
#     split form at reuse 1, fused at rf > 1, split at rrf, banked; accum with fewer fractional
#     bits than result; linear/relu gates (cast to accum with its rounding) ---
gen 189 hls_gru_mixed      "T=4 F=3 IN=sym; gru u=3 ra=1 rs=1 pa=ap_fixed<24,8> po=ap_fixed<12,4>"
gen 190 hls_gru_mixed_rf   "T=4 F=3 IN=sym; gru u=4 ra=1 rf=5 rs=1 pa=ap_fixed<22,8,AP_RND> po=ap_fixed<10,3>; gru u=2 ra=1 rf=3 rrf=2 rs=1 pa=ap_fixed<16,8> po=ap_fixed<16,4>"
gen 191 hls_gru_mixed_acts "T=3 F=2 IN=sym; gru u=3 ra=1 ract=linear act=relu rf=2 rs=1 pa=ap_fixed<18,6,AP_RND_CONV> po=ap_fixed<10,3>"
gen 192 hls_gru_bank       "T=4 F=3 RF=100000 IN=sym; gru u=3 ra=1 rs=1 pa=ap_fixed<20,8> po=ap_fixed<12,4>; gru u=2 ra=1 rs=1 pa=ap_fixed<18,6> po=ap_fixed<14,4>"
# --- serial lanes (lane_multipliers 1): each lane's three elementwise products on one
#     multiplier, a unit every 3 cycles; one slot per lane and several, overlapped steps (no
#     return_sequences) and not, the banked form (one multiplier), the split form ---
gen 199 serial_lstm        "T=4 F=3; lstm u=5 rf=12 lm=1 rs=1; lstm u=3 rf=30 lm=1; dense u=2 act=sigmoid"
gen 200 serial_lstm_ov     "T=4 F=3; lstm u=4 rf=40 lm=1"
gen 201 serial_gru         "T=4 F=3; gru u=4 ra=1 rf=9 lm=1 rs=1; gru u=3 ra=1 rf=25 lm=1; dense u=2 act=tanh"
gen 202 serial_bank        "T=4 F=2 RF=100000; lstm u=3 lm=1 rs=1; gru u=4 ra=1 lm=1; dense u=1 act=sigmoid"
gen 203 serial_split       "T=3 F=3; lstm u=4 rf=6 rrf=8 lm=1 rs=1; gru u=3 ra=1 rf=4 rrf=5 lm=1; dense u=1"
gen 204 serial_bank_lstm   "T=4 F=2 RF=100000; lstm u=4 lm=1; dense u=1 act=sigmoid"
# --- operand groups (ROM form): multipliers that read the same operands share one multiplexer
#     over only those operands; run.sh also runs them with --table-reg (the split multiplexer) ---
gen 199 opg_gru    "T=3 F=5; gru u=6 ra=1 rf=5; dense u=2 rf=3"
gen 200 opg_dense  "T=2 F=16; dense u=3 rf=4 act=relu; dense u=2 rf=2"
gen 201 opg_lstm   "T=3 F=3; lstm u=4 rf=3 rs=1; simple_rnn u=3 rf=7"
# --- x*W first (issue 11): overlapped fused cells with adder trees at reuse factors that split
#     outputs across multipliers; every multiplier does its share of the x products first, each
#     output's x and h products in separate partial sums (plan_x_first); also with --table-reg ---
gen 205 xfirst_lstm  "T=5 F=4; lstm u=4 rf=12; dense u=1 act=sigmoid"
gen 206 xfirst_gru   "T=5 F=3; gru u=4 ra=1 rf=10; dense u=2"
gen 207 xfirst_rnn   "T=6 F=5; simple_rnn u=3 rf=4"
gen 208 xfirst_stack "T=4 F=6; lstm u=3 rf=7 rs=1; gru u=3 ra=1 rf=9"
# the period bound by the tree rule (plan_cell_period: the next step's first product resets the
# MAC holding a run whose sum the lanes have not read yet), with --table-reg
gen 209 xfirst_tree  "T=5 F=6; gru u=5 ra=1 rf=33; dense u=1 act=sigmoid"
# the same with a serial lane (lane_multipliers 1: a lane slot every 3 cycles), as on the UP5K
gen 210 xfirst_serial "T=5 F=6; gru u=5 ra=1 rf=33 lm=1; dense u=1 act=sigmoid"
# --- shared multipliers (share_multipliers, lower_share): the dense engines after a cell with
#     return_sequences false run on its matrix MACs, under a token (rnnc_mac_token); one and two
#     guests, GRU, LSTM, SimpleRNN, split, serial-lane, banked and GRU reset_after=false hosts,
#     guests with other weight types (aligned to the MAC's common format), fewer multipliers than
#     the host, a memory link between guests; also with --table-reg ---
gen 214 share_gru        "T=5 F=3; gru u=4 ra=1 rf=10 sh=1; dense u=3 rf=4; dense u=2 rf=3 act=sigmoid"
gen 215 share_lstm       "T=4 F=3; lstm u=3 rf=8 sh=1; dense u=2 rf=3 act=tanh"
gen 216 share_rnn        "T=6 F=5; simple_rnn u=3 rf=4 sh=1; dense u=4 rf=2 act=relu"
gen 217 share_serial_gru "T=5 F=6; gru u=5 ra=1 rf=24 lm=1 sh=1; dense u=5 rf=5; dense u=1 rf=5 act=sigmoid"
gen 218 share_serial_lstm "T=4 F=2; lstm u=4 rf=16 lm=1 sh=1; dense u=3 rf=2; dense u=1 rf=3 act=sigmoid"
gen 219 share_split      "T=3 F=3; lstm u=4 rf=6 rrf=8 sh=1; dense u=2 rf=2"
gen 220 share_bank       "T=4 F=2 RF=100000; gru u=4 ra=1 sh=1; dense u=3; dense u=2 act=sigmoid"
gen 221 share_ra0        "T=4 F=3; gru u=3 ra=0 rf=9 sh=1; dense u=2 rf=3"
gen 222 share_prec       "T=4 F=3; gru u=3 ra=1 rf=6 sh=1 pw=ap_fixed<12,3>; dense u=3 rf=3 pw=ap_fixed<10,1>; dense u=2 rf=2 pw=ap_fixed<18,7>"
gen 223 share_stack      "T=4 F=2; lstm u=3 rf=5 rs=1; gru u=3 ra=1 rf=9 sh=1; dense u=2 rf=3; dense u=1 rf=2"
# the same over a range of reuse factors (host, then each guest's): the guests' multiplier
# counts below, equal to and (not shared then) above the host's
kinds=(gru lstm simple_rnn gru lstm gru simple_rnn lstm)
hrf=(2 3 5 7 11 16 6 13)
grf=(1 2 3 4 6 9 2 5)
for i in 0 1 2 3 4 5 6 7; do
    k="${kinds[$i]}"
    [ "$k" = gru ] && k="gru ra=1"
    spec="T=$((3 + i % 3)) F=$((2 + i % 4)); $k u=$((2 + i % 4)) rf=${hrf[$i]} sh=1; dense u=$((2 + (i * 3) % 5)) rf=$((1 + grf[i]))"
    [ $((i % 2)) = 1 ] && spec="$spec; dense u=$((1 + i % 3)) rf=$((2 + grf[7 - i])) act=sigmoid"
    gen $((224 + i)) "share_rf$i" "$spec"
done
# a sharing design small enough for tests/formal's bounded AXI-Stream proof of its top
gen 232 share_tiny "T=2 F=2; simple_rnn u=2 rf=2 sh=1; dense u=1 rf=2"
# --- z * h_prev in logic (lane_multipliers 2, rnnc_gru_cell ZH_LUT): lanes of several slots and
#     of one, overlapped and not; and the UP5K GRU(5)'s shape, shared, where the trees holding
#     their sums (tree_hold) bring the period down to the reuse factor ---
gen 233 serial_zhlut "T=4 F=3; gru u=4 ra=1 rf=9 lm=2 rs=1; gru u=3 ra=1 rf=25 lm=2; dense u=2 act=tanh"
gen 234 share_zhlut  "T=5 F=6; gru u=5 ra=1 rf=33 lm=2 sh=1; dense u=5 rf=25; dense u=1 rf=5 act=sigmoid"
# --- gate sums in a bank per multiplier (plan_cell_opts): several multipliers end runs of one
#     gate in the same slot, so a bank per gate would take two writes at once (the UP5K LSTM(20)
#     at reuse 416: five multipliers, four gates); a multiplier with fewer captures, a serial
#     lane, a GRU, and the multipliers shared with the dense layers after ---
gen 235 bank_mult_lstm   "T=4 F=2; lstm u=4 rf=18; dense u=2 act=sigmoid"
gen 236 bank_mult_serial "T=3 F=2; lstm u=5 rf=21 lm=1 rs=1; lstm u=4 rf=18; dense u=2"
gen 237 bank_mult_gru    "T=3 F=4; gru u=4 ra=1 rf=16; dense u=2 act=tanh"
gen 238 bank_mult_share  "T=4 F=2; lstm u=5 rf=21 sh=1; dense u=3 rf=5; dense u=1 rf=3 act=sigmoid"
# --- memory links from several multipliers (plan_link_ok): a dense in direct form on 2, 3, 4 and 5
#     multipliers writes its outputs into the next dense's memory through one port, multiplier
#     m's writes m cycles later; one of them a guest of a cell's shared multipliers ---
gen 239 bank_link_two   "T=3 F=2; dense u=6 rf=6 act=relu; dense u=3 rf=2"
gen 240 bank_link_tanh  "T=3 F=4; dense u=8 rf=8 act=tanh; dense u=5 rf=7 act=sigmoid; dense u=2 rf=5"
gen 241 bank_link_wide  "T=2 F=5; dense u=20 rf=20 act=relu; dense u=2 rf=8"
gen 242 bank_link_share "T=4 F=2; lstm u=4 rf=8 sh=1; dense u=6 rf=8 act=relu; dense u=2 rf=3"
# --- an operand group of one operand (its select field unused) with --table-reg's split
#     multiplexer: the last dense reads operand 4 alone on one multiplier ---
gen 243 opg_one_operand "T=3 F=4; dense u=8 rf=8 act=tanh; dense u=5 rf=7 act=sigmoid; dense u=2 rf=3"
# --- x-first with the tails of split h runs last on their multiplier (plan_x_first): the UP5K
#     GRU(5)'s shape on six MACs at reuse 28, whose steps then start 29 cycles apart, not 33 ---
gen 244 xfirst_tails "T=5 F=6; gru u=5 ra=1 rf=28 lm=2 sh=1; dense u=5 rf=5; dense u=1 rf=2 act=sigmoid"
# --- a GRU's xh and hu of one unit in adjacent slots (plan_pair_runs), so every multiplier walks
#     the operands as over a whole row: the regular form with pair rows from some row on (their
#     first and last flags from a row counter), one operand multiplexer; several multipliers, the
#     pair rows starting inside a multiplier's rows, shared MACs, a serial lane ---
gen 245 paired_gru   "T=4 F=3; gru u=4 ra=1 rf=42; dense u=2 act=tanh"
gen 246 paired_four  "T=3 F=4; gru u=4 ra=1 rf=24 rs=1; dense u=3 act=relu"
gen 247 paired_six   "T=3 F=3; gru u=4 ra=1 rf=14 rs=1; dense u=3 act=relu"
gen 248 paired_share "T=3 F=3; gru u=4 ra=1 rf=42 lm=1 sh=1; dense u=3 rf=6; dense u=1 rf=3 act=sigmoid"
# --- a schedule ROM a few words past its block RAMs (res_rom_block_depth): those words in logic
#     (rnnc_rom_split) behind the registered ROM output of --table-reg; a dense on one multiplier
#     (260 words: 256 + 4), a dense in the ROM form (three multipliers, the last with 20
#     products), a paired GRU in the regular form (three multipliers, 272 words), and a dense on
#     a cell's shared MACs ---
gen 249 rom_tail_dense "T=2 F=20; dense u=13 rf=260 act=relu; dense u=2 rf=13"
gen 250 rom_tail_rom   "T=2 F=20; dense u=27 rf=260 act=tanh; dense u=2 rf=27"
gen 251 rom_tail_pair  "T=2 F=1; gru u=16 ra=1 rf=272; dense u=2 act=sigmoid"
gen 252 rom_tail_share "T=2 F=4; lstm u=8 rf=264 sh=1; dense u=33 rf=264 act=relu; dense u=1 rf=33 act=sigmoid"
# --- activation tables stored as their upper halves, the lower halves mirrored (table_mirror:
#     rnnc_activation TABLE_MIRROR, where that saves block RAM or logic: 1024 and 4096 entries in
#     block RAM, 64 and 128 in logic; 256 stays whole on iCE40): every cell kind and lane form
#     (parallel, serial, z * h_prev in logic, GRU without reset_after), dense and activation
#     layers, a bidirectional layer, shared MACs, and hls4ml's numerics ---
gen 253 mirror_lstm        "T=4 F=3; lstm u=3 rf=6 tm=1; dense u=2 act=sigmoid tm=1"
gen 254 mirror_lstm_serial "T=3 F=3; lstm u=4 rf=14 lm=1 tm=1 ts=4096"
gen 255 mirror_gru         "T=4 F=3; gru u=3 ra=1 rf=4 tm=1; dense u=2 act=tanh tm=1 ts=64"
gen 256 mirror_gru_zh      "T=3 F=2; gru u=4 ra=1 rf=6 lm=2 tm=1"
gen 257 mirror_gru_ra0     "T=4 F=2; gru u=3 ra=0 tm=1; activation act=sigmoid tm=1"
gen 258 mirror_gru_share   "T=3 F=3; gru u=3 ra=1 rf=12 lm=1 tm=1 sh=1; dense u=2 rf=3 act=sigmoid tm=1"
gen 259 mirror_bidi        "T=3 F=2; bidirectional mm=concat; gru u=2 ra=1 tm=1; lstm u=2 tm=1; dense u=2 act=sigmoid"
gen 260 mirror_rnn         "T=3 F=2; simple_rnn u=3 act=tanh tm=1 ts=128"
gen 261 hls_mirror_gru     "T=4 F=3 IN=sym; gru u=3 ra=1 rs=1 tm=1 pa=ap_fixed<24,8> po=ap_fixed<12,4>"
# --- a shared ROM whose guest takes the host's weight registers (lower_share_roms,
#     host_weights: both in whole rows, the regular form; plain, where neither has a ROM
#     register): the cell's 4 MACs and 96 of its ROM's 256 words, the dense layer's 32 after ---
gen 262 share_rom_hw       "T=3 F=4; lstm u=8 rf=96 sh=1; dense u=16 rf=32 act=relu; dense u=2 rf=4 act=sigmoid"
echo "wrote $cases cases to $OUT"
