// rnnc_write_first: a state word as a reader sees it in the cycle it may be written
// (write-first): q = we ? (clear ? 0 : d) : state, combinational. A module of its own so that
// synthesis keeps one such multiplexer per state word: a recurrent cell's h, read write-first
// by its products (Engine.h_fwd), feeds every operand multiplexer that reads h, and inside one
// module Yosys merged this selection into each of them (the xcu250 GRU(20)'s 70 operand groups
// of 9 operands: about 27 inputs a bit, 13 MUXF7, 6 MUXF8 and 2 MUXF9 each).
`resetall
`timescale 1ns / 1ps
`default_nettype none

module rnnc_write_first #(
    parameter integer W = 16        // width of d, state and q, >= 1
) (
    input wire we,                  // the word is written this cycle
    input wire clear,               // ... with 0 (a sequence's end)
    input wire [W-1:0] d,           // the value written (clear = 0)
    input wire [W-1:0] state,       // the stored word
    output wire [W-1:0] q
);
    initial begin
        if (W < 1) begin
            $display("ERROR: rnnc_write_first: invalid parameter W=%0d (instance %m)", W);
            $finish;
        end
    end

    assign q = we ? (clear ? {W{1'b0}} : d) : state;
endmodule

`resetall
