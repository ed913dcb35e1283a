// rnnc_mac: rnnc_product (to Q_W/Q_F) followed by an accumulator.
//
// One cycle after the product register: if (en_d) acc <= (first_d ? 0 : acc) + sign_extend(q),
// en_d/first_d being en/first delayed one cycle. Operands presented in cycle t are in acc from
// cycle t+2 (t+1 with PROD_REG = 0, where en/first act in their own cycle). The accumulator wraps
// at ACC_W bits (the compiler sizes ACC_W so that it never does, or so that the sum's cast keeps
// only its low ACC_W bits, where wrapping changes nothing). PRE_REG = 1: en, first, a and b pass
// a register of the instance first, and everything above is a cycle later.
// No rst port (as specified): en_d is unknown until the first clock edge, and acc until the
// first accumulation with first = 1. It is rnnc_mac_sat with its sums uncast (CAST_SUMS = 0)
// starting from 0: one accumulator in the library, with its formal properties there.
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
    parameter integer ACC_W = 24,       // accumulator width, >= Q_W
    parameter integer PROD_REG = 1,     // 1: acc 2 cycles after a, b; 0: 1 cycle (no product register)
    parameter integer LOGIC = 0,        // 1: the product in logic (rnnc_product LOGIC), not a multiplier block
    parameter integer PRE_REG = 0       // 1: en, first, a, b registered here first (everything a cycle later)
) (
    input wire clk,
    input wire en,
    input wire first,
    input wire [A_W-1:0] a,
    input wire [B_W-1:0] b,
    output wire [ACC_W-1:0] acc
);
    // PRE_REG = 1: the inputs' register in the instance, so that each MAC keeps its own (synthesis
    // merges equal registers within a module: one operand register shared by the rows of every
    // multiplier in logic set the xcu250 GRU(20)'s Fmax estimate, 195.0 MHz at fanout 330); a
    // and b's inside the product (rnnc_mac_sat, rnnc_product PRE_REG: in logic, within its tree)
    rnnc_mac_sat #(
        .A_W(A_W),
        .A_F(A_F),
        .A_SIGNED(A_SIGNED),
        .B_W(B_W),
        .B_F(B_F),
        .B_SIGNED(B_SIGNED),
        .Q_W(Q_W),
        .Q_F(Q_F),
        .ROUND(ROUND),
        .SATURATE(SATURATE),
        .ACC_W(ACC_W),
        .CAST_SUMS(0),
        .PROD_REG(PROD_REG),
        .LOGIC(LOGIC),
        .PRE_REG(PRE_REG)
    ) u_mac (
        .clk(clk),
        .en(en),
        .first(first),
        .init({ACC_W{1'b0}}),
        .a(a),
        .b(b),
        .acc(acc)
    );

endmodule

`resetall
