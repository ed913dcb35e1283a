// rnnc_gru_reset: GRU reset_after = false, part 1: rh = cast_R(r * h_prev)
// (docs/numerics.md, docs/rtl_lib.md).
//
// Stateless and fully pipelined: a new unit's values may enter every cycle. The activation
// takes A = 1 + TABLE_REG cycles (rnnc_activation). pre_r (signed ACC_W/ACC_F) and h_prev
// (type R) presented in cycle t:
//   t .. t+A-1: r = ract(pre_r) (rnnc_activation); h_prev delayed
//   t+A:        rh = cast_R(r * h_prev) registered      -> rh valid in cycle t+A+1
// (TABLE_REG = 0: rh valid in cycle t+2.)
// R = (R_W, R_F, R_SIGNED, R_ROUND, R_SATURATE). The product is exact (R operands signed,
// zero-extended by one bit when R is unsigned); the only rounding is cast_R.
`resetall
`timescale 1ns / 1ps
`default_nettype none

module rnnc_gru_reset #(
    parameter integer ACC_W = 16,           // accumulator type A width, signed, 1..128
    parameter integer ACC_F = 10,           // accumulator fractional bits
    parameter integer R_W = 16,             // result type R width (gates, h), 1..64
    parameter integer R_F = 10,             // result fractional bits
    parameter integer R_SIGNED = 1,         // 1: R is ap_fixed, 0: ap_ufixed
    parameter integer R_ROUND = 0,          // R quantization: 0..6, as rnnc_quant
    parameter integer R_SATURATE = 0,       // R overflow: O + 4 * N, as rnnc_quant
    parameter integer RACT_KIND = 2,        // recurrent activation (r): 0 linear, 1 relu, 2 table
    parameter integer RACT_TABLE_BITS = 10, // its table: log2 of the entries
    parameter integer RACT_SCALE_SHIFT = 6, // its table: log2 of entries per unit
    parameter integer RACT_OFFSET = 512,    // its table: index of input 0
    parameter integer RACT_TABLE_W = 0,     // its table's stored width (0: its output width); narrower entries are extended
    parameter integer RACT_TABLE_SIGNED = 0,// its table's stored entries are signed (sign-extended)
    parameter integer RACT_TABLE_MIRROR = 0, // its table: the upper half only, mirrored (rnnc_activation TABLE_MIRROR)
    parameter [63:0] RACT_MIRROR_MASK = 64'd0, // ... entry OFFSET - k = entry OFFSET + k ^ this
    parameter [63:0] RACT_MIRROR_ENTRY0 = 64'd0, // ... entry 0
    parameter RACT_FILE = "",               // its table: $readmemh file
    parameter integer TABLE_REG = 0         // activation latency A = 1 + TABLE_REG (rnnc_activation), 0 or 1
) (
    input wire clk,
    input wire [ACC_W-1:0] pre_r,           // reset gate pre-activation (cycle t)
    input wire [R_W-1:0] h_prev,            // the unit's previous h, type R (cycle t)
    output reg [R_W-1:0] rh                 // cast_R(r * h_prev) (cycle t+A+1, A = 1 + TABLE_REG)
);
    // R values as signed multiplier operands (one zero bit more when R is unsigned).
    localparam integer FR_W = R_SIGNED != 0 ? R_W : R_W + 1;
    localparam integer RH_W = 2 * FR_W;     // r * h, 2 R_F fractional bits

    initial begin
        if (ACC_W < 1 || ACC_W > 128 || R_W < 1 || R_W > 64 || ACC_F < 0 || R_F < 0 ||
            R_SIGNED < 0 || R_SIGNED > 1 || TABLE_REG < 0 || TABLE_REG > 1) begin
            $display("ERROR: rnnc_gru_reset: invalid parameters ACC_W=%0d ACC_F=%0d R_W=%0d R_F=%0d R_SIGNED=%0d TABLE_REG=%0d (instance %m)",
                     ACC_W, ACC_F, R_W, R_F, R_SIGNED, TABLE_REG);
            $finish;
        end
    end

    // ---- t .. t+A-1: r = ract(pre_r) (registered); h_prev delayed ----
    wire [R_W-1:0] gr;
    rnnc_activation #(
        .IN_W(ACC_W), .IN_F(ACC_F), .IN_SIGNED(1),
        .OUT_W(R_W), .OUT_F(R_F), .OUT_SIGNED(R_SIGNED), .ROUND(R_ROUND), .SATURATE(R_SATURATE),
        .KIND(RACT_KIND), .TABLE_BITS(RACT_TABLE_BITS), .SCALE_SHIFT(RACT_SCALE_SHIFT),
        .OFFSET(RACT_OFFSET), .INIT_FILE(RACT_FILE), .TABLE_W(RACT_TABLE_W), .TABLE_SIGNED(RACT_TABLE_SIGNED), .TABLE_MIRROR(RACT_TABLE_MIRROR), .MIRROR_MASK(RACT_MIRROR_MASK), .MIRROR_ENTRY0(RACT_MIRROR_ENTRY0), .TABLE_REG(TABLE_REG)
    ) u_act_r (.clk(clk), .en(1'b1), .in_data(pre_r), .out_data(gr));

    // TABLE_REG = 1: one more delay register for h_prev, as the activation takes one more cycle.
    wire [R_W-1:0] h0;                      // h_prev, cycle t+A-1
    generate
        if (TABLE_REG != 0) begin : g_treg
            reg [R_W-1:0] h_r;
            always @(posedge clk) h_r <= h_prev;
            assign h0 = h_r;
        end else begin : g_no_treg
            assign h0 = h_prev;
        end
    endgenerate
    reg [R_W-1:0] h1;                       // h_prev, cycle t+A
    always @(posedge clk) h1 <= h0;

    // R-typed values as signed operands.
    wire [FR_W-1:0] er, eh;
    generate
        if (R_SIGNED != 0) begin : g_rs
            assign er = gr;
            assign eh = h1;
        end else begin : g_ru
            assign er = {1'b0, gr};
            assign eh = {1'b0, h1};
        end
    endgenerate

    // ---- t+A: rh = cast_R(r * h_prev), registered ----
    wire [RH_W-1:0] rh_prod = $signed(er) * $signed(eh);
    wire [R_W-1:0] rh_cast;
    rnnc_quant #(
        .IN_W(RH_W), .IN_F(2 * R_F), .IN_SIGNED(1),
        .OUT_W(R_W), .OUT_F(R_F), .OUT_SIGNED(R_SIGNED), .ROUND(R_ROUND), .SATURATE(R_SATURATE)
    ) u_quant_rh (.in_data(rh_prod), .out_data(rh_cast));
    always @(posedge clk) rh <= rh_cast;

endmodule

`resetall
