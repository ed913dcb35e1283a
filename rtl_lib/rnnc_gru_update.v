// rnnc_gru_update: GRU reset_after = false, part 2: h_new = cast_R(z * h_prev + (1 - z) * hh)
// (docs/numerics.md, docs/rtl_lib.md).
//
// Stateless and fully pipelined: a new unit's values may enter every cycle. The activations
// take A = 1 + TABLE_REG cycles (rnnc_activation). pre_z, pre_hh (signed ACC_W/ACC_F) and
// h_prev (type R) presented in cycle t:
//   t .. t+A-1: z = ract(pre_z), hh = act(pre_hh) (rnnc_activation); h_prev delayed
//   t+A:        zh = z * h_prev, p = (1 - z) * hh registered (exact)
//   t+A+1:      h_new = cast_R(zh + p) combinational     -> h_new valid in cycle t+A+1+2*TABLE_REG
//               (with TABLE_REG, zh and p are registered once more, then the sum: rnnc_gru_blend)
// (TABLE_REG = 0: h_new valid in cycle t+2.)
// R = (R_W, R_F, R_SIGNED, R_ROUND, R_SATURATE). Widths: products exact (R operands signed,
// zero-extended by one bit when R is unsigned); 1 - z = 2^R_F - z exactly in
// max(R_W, R_F + 1) + 2 signed bits; zh + p with one bit of headroom, so the only rounding is
// cast_R.
`resetall
`timescale 1ns / 1ps
`default_nettype none

module rnnc_gru_update #(
    parameter integer ACC_W = 16,           // accumulator type A width, signed, 1..128
    parameter integer ACC_F = 10,           // accumulator fractional bits
    parameter integer R_W = 16,             // result type R width (gates, h), 1..64
    parameter integer R_F = 10,             // result fractional bits
    parameter integer R_SIGNED = 1,         // 1: R is ap_fixed, 0: ap_ufixed
    parameter integer R_ROUND = 0,          // R quantization: 0..6, as rnnc_quant
    parameter integer R_SATURATE = 0,       // R overflow: O + 4 * N, as rnnc_quant
    parameter integer RACT_KIND = 2,        // recurrent activation (z): 0 linear, 1 relu, 2 table
    parameter integer RACT_TABLE_BITS = 10, // its table: log2 of the entries
    parameter integer RACT_SCALE_SHIFT = 6, // its table: log2 of entries per unit
    parameter integer RACT_OFFSET = 512,    // its table: index of input 0
    parameter integer RACT_TABLE_W = 0,     // its table's stored width (0: its output width); narrower entries are extended
    parameter integer RACT_TABLE_SIGNED = 0,// its table's stored entries are signed (sign-extended)
    parameter integer RACT_TABLE_MIRROR = 0, // its table: the upper half only, mirrored (rnnc_activation TABLE_MIRROR)
    parameter [63:0] RACT_MIRROR_MASK = 64'd0, // ... entry OFFSET - k = entry OFFSET + k ^ this
    parameter [63:0] RACT_MIRROR_ENTRY0 = 64'd0, // ... entry 0
    parameter RACT_FILE = "",               // its table: $readmemh file
    parameter integer ACT_KIND = 2,         // candidate activation: 0 linear, 1 relu, 2 table
    parameter integer ACT_TABLE_BITS = 10,  // its table: log2 of the entries
    parameter integer ACT_SCALE_SHIFT = 7,  // its table: log2 of entries per unit
    parameter integer ACT_OFFSET = 512,     // its table: index of input 0
    parameter integer ACT_TABLE_W = 0,      // its table's stored width (0: its output width); narrower entries are extended
    parameter integer ACT_TABLE_SIGNED = 0, // its table's stored entries are signed (sign-extended)
    parameter integer ACT_TABLE_MIRROR = 0, // its table: the upper half only, mirrored (rnnc_activation TABLE_MIRROR)
    parameter [63:0] ACT_MIRROR_MASK = 64'd0, // ... entry OFFSET - k = entry OFFSET + k ^ this
    parameter [63:0] ACT_MIRROR_ENTRY0 = 64'd0, // ... entry 0
    parameter ACT_FILE = "",                // its table: $readmemh file
    parameter integer TABLE_REG = 0         // activation latency A = 1 + TABLE_REG (rnnc_activation), 0 or 1
) (
    input wire clk,
    input wire [ACC_W-1:0] pre_z,           // update gate pre-activation (cycle t)
    input wire [ACC_W-1:0] pre_hh,          // candidate pre-activation (cycle t)
    input wire [R_W-1:0] h_prev,            // the unit's previous h, type R (cycle t)
    output wire [R_W-1:0] h_new             // the unit's new h, type R (cycle t+A+1+2*TABLE_REG, A = 1 + TABLE_REG)
);
    // R values as signed multiplier operands (one zero bit more when R is unsigned).
    localparam integer FR_W = R_SIGNED != 0 ? R_W : R_W + 1;
    // 1 - z, exact.
    localparam integer OMZ_W = (R_W > R_F + 1 ? R_W : R_F + 1) + 2;
    localparam integer ZH_W = 2 * FR_W;         // z * h, 2 R_F fractional bits
    localparam integer P_W = OMZ_W + FR_W;      // (1 - z) * hh, 2 R_F fractional bits
    localparam integer HS_W = (ZH_W > P_W ? ZH_W : P_W) + 1;

    initial begin
        if (ACC_W < 1 || ACC_W > 128 || R_W < 1 || R_W > 64 || ACC_F < 0 || R_F < 0 ||
            R_SIGNED < 0 || R_SIGNED > 1 || TABLE_REG < 0 || TABLE_REG > 1 || HS_W > 256) begin
            $display("ERROR: rnnc_gru_update: invalid parameters ACC_W=%0d ACC_F=%0d R_W=%0d R_F=%0d R_SIGNED=%0d TABLE_REG=%0d (instance %m)",
                     ACC_W, ACC_F, R_W, R_F, R_SIGNED, TABLE_REG);
            $finish;
        end
    end

    // ---- t .. t+A-1: z = ract(pre_z), hh = act(pre_hh) (registered); h_prev delayed ----
    wire [R_W-1:0] gz, ghh;
    rnnc_activation #(
        .IN_W(ACC_W), .IN_F(ACC_F), .IN_SIGNED(1),
        .OUT_W(R_W), .OUT_F(R_F), .OUT_SIGNED(R_SIGNED), .ROUND(R_ROUND), .SATURATE(R_SATURATE),
        .KIND(RACT_KIND), .TABLE_BITS(RACT_TABLE_BITS), .SCALE_SHIFT(RACT_SCALE_SHIFT),
        .OFFSET(RACT_OFFSET), .INIT_FILE(RACT_FILE), .TABLE_W(RACT_TABLE_W), .TABLE_SIGNED(RACT_TABLE_SIGNED), .TABLE_MIRROR(RACT_TABLE_MIRROR), .MIRROR_MASK(RACT_MIRROR_MASK), .MIRROR_ENTRY0(RACT_MIRROR_ENTRY0), .TABLE_REG(TABLE_REG)
    ) u_act_z (.clk(clk), .en(1'b1), .in_data(pre_z), .out_data(gz));
    rnnc_activation #(
        .IN_W(ACC_W), .IN_F(ACC_F), .IN_SIGNED(1),
        .OUT_W(R_W), .OUT_F(R_F), .OUT_SIGNED(R_SIGNED), .ROUND(R_ROUND), .SATURATE(R_SATURATE),
        .KIND(ACT_KIND), .TABLE_BITS(ACT_TABLE_BITS), .SCALE_SHIFT(ACT_SCALE_SHIFT),
        .OFFSET(ACT_OFFSET), .INIT_FILE(ACT_FILE), .TABLE_W(ACT_TABLE_W), .TABLE_SIGNED(ACT_TABLE_SIGNED), .TABLE_MIRROR(ACT_TABLE_MIRROR), .MIRROR_MASK(ACT_MIRROR_MASK), .MIRROR_ENTRY0(ACT_MIRROR_ENTRY0), .TABLE_REG(TABLE_REG)
    ) u_act_hh (.clk(clk), .en(1'b1), .in_data(pre_hh), .out_data(ghh));

    // TABLE_REG = 1: one more delay register for h_prev, as the activation takes one more cycle.
    wire [R_W-1:0] h0;                          // h_prev, cycle t+A-1
    generate
        if (TABLE_REG != 0) begin : g_treg
            reg [R_W-1:0] h_r;
            always @(posedge clk) h_r <= h_prev;
            assign h0 = h_r;
        end else begin : g_no_treg
            assign h0 = h_prev;
        end
    endgenerate
    reg [R_W-1:0] h1;                           // h_prev, cycle t+A
    always @(posedge clk) h1 <= h0;

    // R-typed values as signed operands.
    wire [FR_W-1:0] ez, eh, ehh;
    generate
        if (R_SIGNED != 0) begin : g_rs
            assign ez = gz;
            assign eh = h1;
            assign ehh = ghh;
        end else begin : g_ru
            assign ez = {1'b0, gz};
            assign eh = {1'b0, h1};
            assign ehh = {1'b0, ghh};
        end
    endgenerate

    // ---- t+A: zh = z * h_prev, p = (1 - z) * hh (exact, registered) ----
    // keep: stops yosys 0.23 synth_ice40 -dsp from packing zh2 both as a product's output
    // register and as the addend register of the other SB_MAC16 (see rnnc_lstm_cell).
    (* keep *) reg [ZH_W-1:0] zh2;              // z * h_prev, cycle t+A+1
    always @(posedge clk) zh2 <= $signed(ez) * $signed(eh);
    wire [P_W-1:0] p2;                          // (1 - z) * hh, cycle t+A+1
    generate
        if (TABLE_REG != 0) begin : g_p_split
            // parts with 16x16 multipliers (iCE40): hh * 2^R_F - z * hh, the same value from
            // one R x R product (registered, with hh) instead of an (R+2) x R one
            (* keep *) reg [2*FR_W-1:0] zhh2;
            reg [FR_W-1:0] hh2;
            always @(posedge clk) begin
                zhh2 <= $signed(ez) * $signed(ehh);
                hh2 <= ehh;
            end
            wire [P_W-1:0] hh_x = {{(P_W - FR_W){hh2[FR_W-1]}}, hh2};
            assign p2 = (hh_x << R_F) - {{(P_W - 2 * FR_W){zhh2[2*FR_W-1]}}, zhh2};
        end else begin : g_p_mul
            localparam [OMZ_W-1:0] ONE = {{(OMZ_W - 1){1'b0}}, 1'b1} << R_F;
            wire [OMZ_W-1:0] omz = ONE - {{(OMZ_W - FR_W){ez[FR_W-1]}}, ez};
            reg [P_W-1:0] p_r;
            always @(posedge clk) p_r <= $signed(omz) * $signed(ehh);
            assign p2 = p_r;
        end
    endgenerate

    // ---- h_new = cast_R(zh + p) (rnnc_gru_blend; with TABLE_REG both registered, then the sum) ----
    rnnc_gru_blend #(
        .ZH_W(ZH_W), .P_W(P_W), .R_W(R_W), .R_F(R_F), .R_SIGNED(R_SIGNED), .R_ROUND(R_ROUND),
        .R_SATURATE(R_SATURATE), .REG(TABLE_REG)
    ) u_blend (.clk(clk), .zh(zh2), .p(p2), .h_new(h_new));

endmodule

`resetall
