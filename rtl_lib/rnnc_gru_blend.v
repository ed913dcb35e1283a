// rnnc_gru_blend: the last step of a GRU unit, h_new = cast_R(zh + p) with zh = z * h_prev and
// p = (1 - z) * hh, both exact products (signed) with ZH_F and P_F fractional bits (2 * R_F
// each when the gates are in R; the sum is aligned to the larger, exactly). With REG = 1
// both products are registered once more first and the exact sum is registered before the
// cast (slow parts: the sum is then a stage of its own, one carry chain between registers), so
// h_new follows its inputs by 2 * REG cycles; with REG = 0 it is combinational.
// Shared by rnnc_gru_cell and rnnc_gru_update.
`resetall
`timescale 1ns / 1ps
`default_nettype none

module rnnc_gru_blend #(
    parameter integer ZH_W = 33,        // width of zh (signed)
    parameter integer P_W = 35,         // width of p (signed)
    parameter integer R_W = 16,         // result width
    parameter integer R_F = 10,         // result fractional bits (the products have 2 * R_F)
    parameter integer R_SIGNED = 1,     // result signedness
    parameter integer R_ROUND = 0,      // result quantization: 0..6, as rnnc_quant
    parameter integer R_SATURATE = 0,   // result overflow: O + 4 * N, as rnnc_quant
    parameter integer REG = 0,          // 1: register zh and p, then their sum (2 cycles)
    parameter integer ZH_F = 2 * R_F,   // fractional bits of zh
    parameter integer P_F = 2 * R_F     // fractional bits of p
) (
    input  wire clk,
    input  wire [ZH_W-1:0] zh,
    input  wire [P_W-1:0] p,
    output wire [R_W-1:0] h_new
);
    localparam integer HS_F = ZH_F > P_F ? ZH_F : P_F;         // the sum's fractional bits
    localparam integer ZH_S = HS_F - ZH_F, P_S = HS_F - P_F;   // the alignment shifts
    localparam integer HS_W = (ZH_W + ZH_S > P_W + P_S ? ZH_W + ZH_S : P_W + P_S) + 1;  // the exact sum

    initial begin
        if (REG < 0 || REG > 1 || ZH_W < 2 || P_W < 2 || ZH_F < 0 || P_F < 0) begin
            $display("ERROR: rnnc_gru_blend: invalid parameters REG=%0d ZH_W=%0d P_W=%0d ZH_F=%0d P_F=%0d (instance %m)",
                     REG, ZH_W, P_W, ZH_F, P_F);
            $finish;
        end
    end

    wire [ZH_W-1:0] zh_h;
    wire [P_W-1:0] p_h;
    generate
        if (REG != 0) begin : g_reg
            reg [ZH_W-1:0] zh_r;
            reg [P_W-1:0] p_r;
            always @(posedge clk) begin
                zh_r <= zh;
                p_r <= p;
            end
            assign zh_h = zh_r;
            assign p_h = p_r;
        end else begin : g_comb
            assign zh_h = zh;
            assign p_h = p;
            /* verilator lint_off UNUSEDSIGNAL */
            wire unused_clk = clk;
            /* verilator lint_on UNUSEDSIGNAL */
        end
    endgenerate

    wire signed [HS_W-1:0] zh_x = $signed({{(HS_W - ZH_W){zh_h[ZH_W-1]}}, zh_h}) <<< ZH_S;
    wire signed [HS_W-1:0] p_x = $signed({{(HS_W - P_W){p_h[P_W-1]}}, p_h}) <<< P_S;
    wire [HS_W-1:0] h_sum_c = zh_x + p_x;
    wire [HS_W-1:0] h_sum;
    generate
        if (REG != 0) begin : g_reg_sum
            reg [HS_W-1:0] h_sum_r;
            always @(posedge clk) h_sum_r <= h_sum_c;
            assign h_sum = h_sum_r;
        end else begin : g_comb_sum
            assign h_sum = h_sum_c;
        end
    endgenerate
    rnnc_quant #(
        .IN_W(HS_W), .IN_F(HS_F), .IN_SIGNED(1),
        .OUT_W(R_W), .OUT_F(R_F), .OUT_SIGNED(R_SIGNED), .ROUND(R_ROUND), .SATURATE(R_SATURATE)
    ) u_quant_h (.in_data(h_sum), .out_data(h_new));
endmodule

`resetall
