// rnnc_add2: s = a + b, wrapping at W bits (combinational). A module of its own so that
// synthesis keeps each two-input add on the fabric's carry chain: inside one module Yosys
// (alumacc, maccmap) turns a sum of four or more values into a LUT compressor, which on
// Xilinx's LUT6 fabric takes about three times the LUTs (an 8-value, 23-bit sum: 467 LUT6/LUT5
// and 323 MUXF7-9 against 161 LUT2 and 42 CARRY4 as seven chained adds). rnnc_sum_stage's
// CHAIN form builds its groups from these.
`resetall
`timescale 1ns / 1ps
`default_nettype none

module rnnc_add2 #(
    parameter integer W = 16        // width of a, b and s, >= 1
) (
    input wire [W-1:0] a,
    input wire [W-1:0] b,
    output wire [W-1:0] s
);
    initial begin
        if (W < 1) begin
            $display("ERROR: rnnc_add2: invalid parameter W=%0d (instance %m)", W);
            $finish;
        end
    end

    assign s = a + b;
endmodule

`resetall
