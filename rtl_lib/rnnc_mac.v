// rnnc_mac: rnnc_product (to Q_W/Q_F) followed by an accumulator.
//
// One cycle after the product register: if (en_d) acc <= (first_d ? 0 : acc) + sign_extend(q),
// en_d/first_d being en/first delayed one cycle. Operands presented in cycle t are in acc from
// cycle t+2. The accumulator wraps at ACC_W bits (the compiler sizes ACC_W so it never does).
// No rst port (as specified): en_d is unknown until the first clock edge, and acc until the
// first accumulation with first = 1.
`resetall
`timescale 1ns / 1ps
`default_nettype none

module rnnc_mac #(
    parameter integer A_W = 16,         // width of a, 1..128
    parameter integer A_F = 10,         // fractional bits of a
    parameter integer A_SIGNED = 1,     // 1: a is two's complement, 0: unsigned
    parameter integer B_W = 16,         // width of b, 1..128
    parameter integer B_F = 10,         // fractional bits of b
    parameter integer B_SIGNED = 1,     // 1: b is two's complement, 0: unsigned
    parameter integer Q_W = 16,         // width of each product after its cast (signed), 1..128
    parameter integer Q_F = 10,         // fractional bits of the cast product (and of acc)
    parameter integer ROUND = 0,        // product cast quantization: 0..6, as rnnc_quant
    parameter integer SATURATE = 0,     // product cast overflow: O + 4 * N, as rnnc_quant
    parameter integer ACC_W = 24        // accumulator width, >= Q_W
) (
    input wire clk,
    input wire en,
    input wire first,
    input wire [A_W-1:0] a,
    input wire [B_W-1:0] b,
    output reg [ACC_W-1:0] acc
);
    initial begin
        if (ACC_W < Q_W) begin
            $display("ERROR: rnnc_mac: ACC_W=%0d must be >= Q_W=%0d (instance %m)", ACC_W, Q_W);
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

    wire [ACC_W-1:0] q_ext;
    generate
        if (ACC_W > Q_W) begin : g_ext
            assign q_ext = {{(ACC_W - Q_W){q[Q_W-1]}}, q};
        end else begin : g_noext
            assign q_ext = q;
        end
    endgenerate

    always @(posedge clk) begin
        en_d <= en;
        first_d <= first;
        if (en_d) acc <= (first_d ? {ACC_W{1'b0}} : acc) + q_ext;
    end

`ifdef FORMAL
    // Properties (tests/formal/run.sh): the fixed latency of the control. en/first reach the
    // accumulator one cycle after the product register: operands presented in cycle t are in acc
    // from cycle t+2; without en_d, acc holds.
    reg f_past_valid = 1'b0;
    always @(posedge clk) f_past_valid <= 1'b1;
    always @(posedge clk)
        if (f_past_valid) begin
            assert(en_d == $past(en) && first_d == $past(first));
            if (!$past(en_d)) assert(acc == $past(acc));
            else if ($past(first_d)) assert(acc == $past(q_ext));
            else assert(acc == $past(acc) + $past(q_ext));
        end
`endif

endmodule

`resetall
