// rnnc_mac_sat: rnnc_product (to Q_W/Q_F) followed by an accumulator that casts after every
// addition: hls4ml's order under a saturating accumulator (docs/numerics.md, "hls4ml
// numerics", In RTL), where a run of products must start from the bias and each sum is cast.
//
// One cycle after the product register: if (en_d) acc <= cast((first_d ? init : acc) + q),
// en_d/first_d being en/first delayed one cycle, and init read in that cycle (the cycle after
// first). cast is rnnc_quant to the product's own type (Q_W/Q_F signed, overflow mode
// SATURATE; the fractional bits do not change, so only the overflow mode acts); acc holds the
// cast value sign-extended to ACC_W bits. init must be a value of that type (ACC_W bits,
// sign-extended). Operands presented in cycle t are in acc from cycle t+2, as in rnnc_mac.
// No rst port: en_d is unknown until the first clock edge, and acc until the first
// accumulation with first = 1.
`resetall
`timescale 1ns / 1ps
`default_nettype none

module rnnc_mac_sat #(
    parameter integer A_W = 16,         // width of a, 1..128
    parameter integer A_F = 10,         // fractional bits of a
    parameter integer A_SIGNED = 1,     // 1: a is two's complement, 0: unsigned
    parameter integer B_W = 16,         // width of b, 1..128
    parameter integer B_F = 10,         // fractional bits of b
    parameter integer B_SIGNED = 1,     // 1: b is two's complement, 0: unsigned
    parameter integer Q_W = 16,         // width of each product after its cast and of every sum (signed), 1..128
    parameter integer Q_F = 10,         // fractional bits of the cast product (and of acc)
    parameter integer ROUND = 0,        // product cast quantization: 0..6, as rnnc_quant
    parameter integer SATURATE = 1,     // overflow mode of the product cast and of every sum: O + 4 * N, as rnnc_quant
    parameter integer ACC_W = 24        // width of init and acc, >= Q_W
) (
    input wire clk,
    input wire en,
    input wire first,
    input wire [ACC_W-1:0] init,
    input wire [A_W-1:0] a,
    input wire [B_W-1:0] b,
    output reg [ACC_W-1:0] acc
);
    initial begin
        if (ACC_W < Q_W) begin
            $display("ERROR: rnnc_mac_sat: ACC_W=%0d must be >= Q_W=%0d (instance %m)", ACC_W, Q_W);
            $finish;
        end
    end

    wire [Q_W-1:0] q;
    reg en_d;
    reg first_d;

    rnnc_product #(
        .A_W(A_W),
        .A_F(A_F),
        .A_SIGNED(A_SIGNED),
        .B_W(B_W),
        .B_F(B_F),
        .B_SIGNED(B_SIGNED),
        .OUT_W(Q_W),
        .OUT_F(Q_F),
        .ROUND(ROUND),
        .SATURATE(SATURATE)
    ) u_product (
        .clk(clk),
        .a(a),
        .b(b),
        .q(q)
    );

    // the sum before its cast, one bit wider than acc
    wire [ACC_W-1:0] start = first_d ? init : acc;
    wire [ACC_W:0] s = {start[ACC_W-1], start} + {{(ACC_W + 1 - Q_W){q[Q_W-1]}}, q};
    wire [Q_W-1:0] s_cast;

    rnnc_quant #(
        .IN_W(ACC_W + 1),
        .IN_F(Q_F),
        .IN_SIGNED(1),
        .OUT_W(Q_W),
        .OUT_F(Q_F),
        .OUT_SIGNED(1),
        .ROUND(0),
        .SATURATE(SATURATE)
    ) u_cast (
        .in_data(s),
        .out_data(s_cast)
    );

    wire [ACC_W-1:0] s_ext;
    generate
        if (ACC_W > Q_W) begin : g_ext
            assign s_ext = {{(ACC_W - Q_W){s_cast[Q_W-1]}}, s_cast};
        end else begin : g_noext
            assign s_ext = s_cast;
        end
    endgenerate

    always @(posedge clk) begin
        en_d <= en;
        first_d <= first;
        if (en_d) acc <= s_ext;
    end

endmodule

`resetall
