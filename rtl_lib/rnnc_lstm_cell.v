// rnnc_lstm_cell: one LSTM unit's elementwise update (docs/numerics.md, docs/rtl_lib.md).
//
// Stateless and fully pipelined: a new unit's values may enter every cycle; c lives in the
// engine's state banks and comes in as c_prev. Everything a later stage needs travels down its
// own delay registers. Every activation takes A = 1 + TABLE_REG cycles (rnnc_activation).
// Accumulator-typed (signed ACC_W/ACC_F) pre-activations and c_prev (type S) presented in
// cycle t:
//   t .. t+A-1:     i, f, o = ract(pre), g = act(pre)   (rnnc_activation, type R);
//                   c_prev delayed
//   t+A:            fc = f * c_prev, ig = i * g          (registered exact products); o delayed
//   t+A+1:          c_new = cast_S(fc + ig) registered   -> c_new valid in cycle t+A+2; o delayed
//   t+A+2 .. t+2A+1: a = act(c_new)                      (rnnc_activation with the ACT_* table,
//                                                         indexed from type S); o delayed
//   t+2A+2:         h_new = cast_R(o * a) combinational  -> h_new valid in cycle t+2A+2+OA_REG
//                   (with OA_REG, by default TABLE_REG, the product o * a is registered before
//                   the cast: a multiplier fed by the table's block RAM then ends at a register,
//                   Xilinx's DSP48 at 200 MHz)
// (TABLE_REG = 0, OA_REG = 0: c_new valid in cycle t+3, h_new in cycle t+4.)
// Widths: every product is exact (R operands are signed, zero-extended by one bit when R is
// unsigned); fc (R_F + S_F fractional bits) and ig (2 R_F) are aligned to R_F + max(R_F, S_F)
// fractional bits and added with one bit of headroom, so the only rounding is cast_S.
// The state type S is signed (there is no S_SIGNED parameter).
`resetall
`timescale 1ns / 1ps
`default_nettype none

module rnnc_lstm_cell #(
    parameter integer ACC_W = 16,           // accumulator (pre-activation) width, signed, 1..128
    parameter integer ACC_F = 10,           // accumulator fractional bits
    parameter integer R_W = 16,             // result type R width (gates, h), 1..64
    parameter integer R_F = 10,             // result fractional bits
    parameter integer R_SIGNED = 1,         // 1: R is ap_fixed, 0: ap_ufixed
    parameter integer R_ROUND = 0,          // R quantization: 0..6, as rnnc_quant
    parameter integer R_SATURATE = 0,       // R overflow: O + 4 * N, as rnnc_quant
    parameter integer S_W = 16,             // state type S width (c, signed), 1..64
    parameter integer S_F = 10,             // state fractional bits
    parameter integer S_ROUND = 0,          // S quantization: 0..6, as rnnc_quant
    parameter integer S_SATURATE = 0,       // S overflow: O + 4 * N, as rnnc_quant
    parameter integer RACT_KIND = 2,        // recurrent activation (i, f, o): 0 linear, 1 relu, 2 table
    parameter integer RACT_TABLE_BITS = 10, // its table: log2 of the entries
    parameter integer RACT_SCALE_SHIFT = 6, // its table: log2 of entries per unit
    parameter integer RACT_OFFSET = 512,    // its table: index of input 0
    parameter integer RACT_TABLE_W = 0,     // its table's stored width (0: its output width); narrower entries are extended
    parameter integer RACT_TABLE_SIGNED = 0,// its table's stored entries are signed (sign-extended)
    parameter integer RACT_TABLE_MIRROR = 0, // its table: the upper half only, mirrored (rnnc_activation TABLE_MIRROR)
    parameter [63:0] RACT_MIRROR_MASK = 64'd0, // ... entry OFFSET - k = entry OFFSET + k ^ this
    parameter [63:0] RACT_MIRROR_ENTRY0 = 64'd0, // ... entry 0
    parameter RACT_FILE = "",               // its table: $readmemh file
    parameter integer ACT_KIND = 2,         // activation (g, and of c): 0 linear, 1 relu, 2 table
    parameter integer ACT_TABLE_BITS = 10,  // its table (for g and for c): log2 of the entries
    parameter integer ACT_SCALE_SHIFT = 7,  // its table: log2 of entries per unit
    parameter integer ACT_OFFSET = 512,     // its table: index of input 0
    parameter integer ACT_TABLE_W = 0,      // its table's stored width (0: its output width); narrower entries are extended
    parameter integer ACT_TABLE_SIGNED = 0, // its table's stored entries are signed (sign-extended)
    parameter integer ACT_TABLE_MIRROR = 0, // its table: the upper half only, mirrored (rnnc_activation TABLE_MIRROR)
    parameter [63:0] ACT_MIRROR_MASK = 64'd0, // ... entry OFFSET - k = entry OFFSET + k ^ this
    parameter [63:0] ACT_MIRROR_ENTRY0 = 64'd0, // ... entry 0
    parameter ACT_FILE = "",                // its table: $readmemh file
    parameter integer TABLE_REG = 0,        // activation latency A = 1 + TABLE_REG (rnnc_activation), 0 or 1
    parameter integer OA_REG = TABLE_REG    // 1: o * a registered before h's cast (h_new a cycle later), 0 or 1
) (
    input wire clk,
    input wire [ACC_W-1:0] pre_i,           // input gate pre-activation (cycle t)
    input wire [ACC_W-1:0] pre_f,           // forget gate pre-activation (cycle t)
    input wire [ACC_W-1:0] pre_g,           // cell candidate pre-activation (cycle t)
    input wire [ACC_W-1:0] pre_o,           // output gate pre-activation (cycle t)
    input wire [S_W-1:0] c_prev,            // the unit's previous c, type S (cycle t)
    output reg [S_W-1:0] c_new,             // the unit's new c, type S (cycle t+A+2, A = 1 + TABLE_REG)
    output wire [R_W-1:0] h_new             // the unit's new h, type R (cycle t+2A+2+OA_REG)
);
    // R values as signed multiplier operands (one zero bit more when R is unsigned).
    localparam integer FR_W = R_SIGNED != 0 ? R_W : R_W + 1;
    // f * c and i * g, and their sum aligned to SUM_F fractional bits.
    localparam integer FC_W = FR_W + S_W;
    localparam integer IG_W = 2 * FR_W;
    localparam integer MAX_SR_F = S_F > R_F ? S_F : R_F;
    localparam integer SUM_F = R_F + MAX_SR_F;
    localparam integer FC_SH = MAX_SR_F - S_F;
    localparam integer IG_SH = MAX_SR_F - R_F;
    localparam integer FCA_W = FC_W + FC_SH;
    localparam integer IGA_W = IG_W + IG_SH;
    localparam integer SUM_W = (FCA_W > IGA_W ? FCA_W : IGA_W) + 1;
    localparam integer OA_W = 2 * FR_W;

    initial begin
        if (ACC_W < 1 || ACC_W > 128 || R_W < 1 || R_W > 64 || S_W < 1 || S_W > 64 ||
            ACC_F < 0 || R_F < 0 || S_F < 0 || R_SIGNED < 0 || R_SIGNED > 1 || SUM_W > 256 ||
            TABLE_REG < 0 || TABLE_REG > 1 || OA_REG < 0 || OA_REG > 1) begin
            $display("ERROR: rnnc_lstm_cell: invalid parameters ACC_W=%0d R_W=%0d R_F=%0d R_SIGNED=%0d S_W=%0d S_F=%0d TABLE_REG=%0d OA_REG=%0d (instance %m)",
                     ACC_W, R_W, R_F, R_SIGNED, S_W, S_F, TABLE_REG, OA_REG);
            $finish;
        end
    end

    // ---- t .. t+A-1: gate activations (registered), c_prev delayed ----
    wire [R_W-1:0] gi, gf, gg, go1;
    rnnc_activation #(
        .IN_W(ACC_W), .IN_F(ACC_F), .IN_SIGNED(1),
        .OUT_W(R_W), .OUT_F(R_F), .OUT_SIGNED(R_SIGNED), .ROUND(R_ROUND), .SATURATE(R_SATURATE),
        .KIND(RACT_KIND), .TABLE_BITS(RACT_TABLE_BITS), .SCALE_SHIFT(RACT_SCALE_SHIFT),
        .OFFSET(RACT_OFFSET), .INIT_FILE(RACT_FILE), .TABLE_W(RACT_TABLE_W), .TABLE_SIGNED(RACT_TABLE_SIGNED), .TABLE_MIRROR(RACT_TABLE_MIRROR), .MIRROR_MASK(RACT_MIRROR_MASK), .MIRROR_ENTRY0(RACT_MIRROR_ENTRY0), .TABLE_REG(TABLE_REG)
    ) u_act_i (.clk(clk), .en(1'b1), .in_data(pre_i), .out_data(gi));
    rnnc_activation #(
        .IN_W(ACC_W), .IN_F(ACC_F), .IN_SIGNED(1),
        .OUT_W(R_W), .OUT_F(R_F), .OUT_SIGNED(R_SIGNED), .ROUND(R_ROUND), .SATURATE(R_SATURATE),
        .KIND(RACT_KIND), .TABLE_BITS(RACT_TABLE_BITS), .SCALE_SHIFT(RACT_SCALE_SHIFT),
        .OFFSET(RACT_OFFSET), .INIT_FILE(RACT_FILE), .TABLE_W(RACT_TABLE_W), .TABLE_SIGNED(RACT_TABLE_SIGNED), .TABLE_MIRROR(RACT_TABLE_MIRROR), .MIRROR_MASK(RACT_MIRROR_MASK), .MIRROR_ENTRY0(RACT_MIRROR_ENTRY0), .TABLE_REG(TABLE_REG)
    ) u_act_f (.clk(clk), .en(1'b1), .in_data(pre_f), .out_data(gf));
    rnnc_activation #(
        .IN_W(ACC_W), .IN_F(ACC_F), .IN_SIGNED(1),
        .OUT_W(R_W), .OUT_F(R_F), .OUT_SIGNED(R_SIGNED), .ROUND(R_ROUND), .SATURATE(R_SATURATE),
        .KIND(ACT_KIND), .TABLE_BITS(ACT_TABLE_BITS), .SCALE_SHIFT(ACT_SCALE_SHIFT),
        .OFFSET(ACT_OFFSET), .INIT_FILE(ACT_FILE), .TABLE_W(ACT_TABLE_W), .TABLE_SIGNED(ACT_TABLE_SIGNED), .TABLE_MIRROR(ACT_TABLE_MIRROR), .MIRROR_MASK(ACT_MIRROR_MASK), .MIRROR_ENTRY0(ACT_MIRROR_ENTRY0), .TABLE_REG(TABLE_REG)
    ) u_act_g (.clk(clk), .en(1'b1), .in_data(pre_g), .out_data(gg));
    rnnc_activation #(
        .IN_W(ACC_W), .IN_F(ACC_F), .IN_SIGNED(1),
        .OUT_W(R_W), .OUT_F(R_F), .OUT_SIGNED(R_SIGNED), .ROUND(R_ROUND), .SATURATE(R_SATURATE),
        .KIND(RACT_KIND), .TABLE_BITS(RACT_TABLE_BITS), .SCALE_SHIFT(RACT_SCALE_SHIFT),
        .OFFSET(RACT_OFFSET), .INIT_FILE(RACT_FILE), .TABLE_W(RACT_TABLE_W), .TABLE_SIGNED(RACT_TABLE_SIGNED), .TABLE_MIRROR(RACT_TABLE_MIRROR), .MIRROR_MASK(RACT_MIRROR_MASK), .MIRROR_ENTRY0(RACT_MIRROR_ENTRY0), .TABLE_REG(TABLE_REG)
    ) u_act_o (.clk(clk), .en(1'b1), .in_data(pre_o), .out_data(go1));

    // TABLE_REG = 1: one more delay register for c_prev (ahead of c_prev1) and for o (between
    // go1 and go2), as each activation on their paths takes one more cycle.
    wire [S_W-1:0] c_prev0;                 // c_prev, cycle t+A-1
    wire [R_W-1:0] go1d;                    // o, cycle t+A+TABLE_REG
    generate
        if (TABLE_REG != 0) begin : g_treg
            reg [S_W-1:0] c_prev_r;
            reg [R_W-1:0] go_r;
            always @(posedge clk) begin
                c_prev_r <= c_prev;
                go_r <= go1;
            end
            assign c_prev0 = c_prev_r;
            assign go1d = go_r;
        end else begin : g_no_treg
            assign c_prev0 = c_prev;
            assign go1d = go1;
        end
    endgenerate

    reg [S_W-1:0] c_prev1;                  // c_prev, cycle t+A
    reg [R_W-1:0] go2, go3, go4;            // o, cycles t+2A .. t+2A+2 (go1 is cycle t+A)
    always @(posedge clk) begin
        c_prev1 <= c_prev0;
        go2 <= go1d;
        go3 <= go2;
        go4 <= go3;
    end

    // R-typed values as signed operands.
    wire [FR_W-1:0] ei, ef, eg, eo, ea;
    wire [R_W-1:0] ga;
    generate
        if (R_SIGNED != 0) begin : g_rs
            assign ei = gi;
            assign ef = gf;
            assign eg = gg;
            assign eo = go4;
            assign ea = ga;
        end else begin : g_ru
            assign ei = {1'b0, gi};
            assign ef = {1'b0, gf};
            assign eg = {1'b0, gg};
            assign eo = {1'b0, go4};
            assign ea = {1'b0, ga};
        end
    endgenerate

    // ---- t+A: exact products ----
    // keep, on both products: yosys 0.23 synth_ice40 -dsp (ice40_dsp) lets the SB_MAC16 that
    // absorbs fc + ig take the other product's register as its addend (C/D input) register
    // while that product's own SB_MAC16 takes the same register as its output register: the
    // addend then reads the raw product wire, which nothing drives any more, and the packed
    // product is removed as unused (x, or 0 after setundef: c and h stuck at 0). ice40_dsp
    // never takes a register whose output is kept as an input register, so with both kept the
    // adder still goes into one SB_MAC16, fed by the other's output. With fc alone kept, ig
    // was the one packed twice (the LSTM's post-synthesis netlist had h = 0; tests/flow).
    (* keep *) reg [FC_W-1:0] fc;
    (* keep *) reg [IG_W-1:0] ig;
    always @(posedge clk) begin
        fc <= $signed(ef) * $signed(c_prev1);
        ig <= $signed(ei) * $signed(eg);
    end

    // ---- t+A+1: c_new = cast_S(fc + ig), registered ----
    wire signed [SUM_W-1:0] fc_a = $signed({{(SUM_W - FC_W){fc[FC_W-1]}}, fc}) <<< FC_SH;
    wire signed [SUM_W-1:0] ig_a = $signed({{(SUM_W - IG_W){ig[IG_W-1]}}, ig}) <<< IG_SH;
    wire [SUM_W-1:0] c_sum = fc_a + ig_a;
    wire [S_W-1:0] c_cast;
    rnnc_quant #(
        .IN_W(SUM_W), .IN_F(SUM_F), .IN_SIGNED(1),
        .OUT_W(S_W), .OUT_F(S_F), .OUT_SIGNED(1), .ROUND(S_ROUND), .SATURATE(S_SATURATE)
    ) u_quant_c (.in_data(c_sum), .out_data(c_cast));

    always @(posedge clk) c_new <= c_cast;

    // ---- t+A+2 .. t+2A+1: a = act(c_new), the ACT table indexed from type S ----
    rnnc_activation #(
        .IN_W(S_W), .IN_F(S_F), .IN_SIGNED(1),
        .OUT_W(R_W), .OUT_F(R_F), .OUT_SIGNED(R_SIGNED), .ROUND(R_ROUND), .SATURATE(R_SATURATE),
        .KIND(ACT_KIND), .TABLE_BITS(ACT_TABLE_BITS), .SCALE_SHIFT(ACT_SCALE_SHIFT),
        .OFFSET(ACT_OFFSET), .INIT_FILE(ACT_FILE), .TABLE_W(ACT_TABLE_W), .TABLE_SIGNED(ACT_TABLE_SIGNED), .TABLE_MIRROR(ACT_TABLE_MIRROR), .MIRROR_MASK(ACT_MIRROR_MASK), .MIRROR_ENTRY0(ACT_MIRROR_ENTRY0), .TABLE_REG(TABLE_REG)
    ) u_act_c (.clk(clk), .en(1'b1), .in_data(c_new), .out_data(ga));

    // ---- t+2A+2: h_new = cast_R(o * a), combinational; with OA_REG the product is
    // registered first (h_new one cycle later) so the multiplier has a stage of its own ----
    wire [OA_W-1:0] oa = $signed(eo) * $signed(ea);
    wire [OA_W-1:0] oa_h;
    generate
        if (OA_REG != 0) begin : g_oa_reg
            reg [OA_W-1:0] oa_r;
            always @(posedge clk) oa_r <= oa;
            assign oa_h = oa_r;
        end else begin : g_oa_comb
            assign oa_h = oa;
        end
    endgenerate
    rnnc_quant #(
        .IN_W(OA_W), .IN_F(2 * R_F), .IN_SIGNED(1),
        .OUT_W(R_W), .OUT_F(R_F), .OUT_SIGNED(R_SIGNED), .ROUND(R_ROUND), .SATURATE(R_SATURATE)
    ) u_quant_h (.in_data(oa_h), .out_data(h_new));

endmodule

`resetall
