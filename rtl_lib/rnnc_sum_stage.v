// rnnc_sum_stage: one registered stage of an adder tree.
//
// The N_IN values of in_flat (value k in bits [k*W +: W]) are split into groups of FANIN
// consecutive values (the last group may be smaller); output g is the sum of group g, wrapping
// at W bits (the compiler sizes W so nothing wraps), registered when en (1'b1: every cycle).
// N_OUT = ceil(N_IN / FANIN).
`resetall
`timescale 1ns / 1ps
`default_nettype none

module rnnc_sum_stage #(
    parameter integer N_IN = 4,     // number of input values, >= 1
    parameter integer FANIN = 2,    // values added per output, >= 1
    parameter integer W = 16        // width of every value (signed), >= 1
) (
    input wire clk,
    input wire en,                  // load the outputs (1'b1: every cycle)
    input wire [N_IN*W-1:0] in_flat,
    output reg [((N_IN + FANIN - 1) / FANIN)*W-1:0] out_flat
);
    localparam integer N_OUT = (N_IN + FANIN - 1) / FANIN;

    initial begin
        if (N_IN < 1 || FANIN < 1 || W < 1) begin
            $display("ERROR: rnnc_sum_stage: invalid parameters N_IN=%0d FANIN=%0d W=%0d (instance %m)",
                     N_IN, FANIN, W);
            $finish;
        end
    end

    genvar g;
    generate
        for (g = 0; g < N_OUT; g = g + 1) begin : g_group
            localparam integer LO = g * FANIN;
            localparam integer HI = (g + 1) * FANIN < N_IN ? (g + 1) * FANIN : N_IN;
            reg [W-1:0] s;
            integer k;
            always @* begin
                s = in_flat[LO*W +: W];
                for (k = LO + 1; k < HI; k = k + 1) s = s + in_flat[k*W +: W];
            end
            always @(posedge clk) if (en) out_flat[g*W +: W] <= s;
        end
    endgenerate

endmodule

`resetall
