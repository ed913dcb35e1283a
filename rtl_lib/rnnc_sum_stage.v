// rnnc_sum_stage: one registered stage of an adder tree.
//
// The N_IN values of in_flat (value k in bits [k*W +: W]) are split into groups of FANIN
// consecutive values (the last group may be smaller); output g is the sum of group g, wrapping
// at W bits (the compiler sizes W so nothing wraps), registered when en (1'b1: every cycle).
// N_OUT = ceil(N_IN / FANIN). CHAIN = 1 adds each group as a balanced tree of rnnc_add2
// instances (a wrapping sum is the same in any grouping), so that synthesis keeps every add on
// the carry chain (UltraScale+: about a third of the LUTs of the compressor it otherwise
// builds for four or more values).
`resetall
`timescale 1ns / 1ps
`default_nettype none

module rnnc_sum_stage #(
    parameter integer N_IN = 4,     // number of input values, >= 1
    parameter integer FANIN = 2,    // values added per output, >= 1
    parameter integer W = 16,       // width of every value (signed), >= 1
    parameter integer CHAIN = 0     // 1: two-input adders (rnnc_add2), each on a carry chain
) (
    input wire clk,
    input wire en,                  // load the outputs (1'b1: every cycle)
    input wire [N_IN*W-1:0] in_flat,
    output reg [((N_IN + FANIN - 1) / FANIN)*W-1:0] out_flat
);
    localparam integer N_OUT = (N_IN + FANIN - 1) / FANIN;

    initial begin
        if (N_IN < 1 || FANIN < 1 || W < 1 || CHAIN < 0 || CHAIN > 1) begin
            $display("ERROR: rnnc_sum_stage: invalid parameters N_IN=%0d FANIN=%0d W=%0d CHAIN=%0d (instance %m)",
                     N_IN, FANIN, W, CHAIN);
            $finish;
        end
    end

    genvar g, t;
    generate
        for (g = 0; g < N_OUT; g = g + 1) begin : g_group
            localparam integer LO = g * FANIN;
            localparam integer HI = (g + 1) * FANIN < N_IN ? (g + 1) * FANIN : N_IN;
            localparam integer N = HI - LO;
            wire [W-1:0] s;
            if (CHAIN == 0 || N == 1) begin : g_expr
                reg [W-1:0] s_e;
                integer k;
                always @* begin
                    s_e = in_flat[LO*W +: W];
                    for (k = LO + 1; k < HI; k = k + 1) s_e = s_e + in_flat[k*W +: W];
                end
                assign s = s_e;
            end else begin : g_chain
                // heap order: node t (1..N-1) adds nodes 2t and 2t+1; nodes N..2N-1 are the values
                wire [2*N*W-1:W] node;
                assign node[N*W +: N*W] = in_flat[LO*W +: N*W];
                for (t = 1; t < N; t = t + 1) begin : g_add
                    rnnc_add2 #(.W(W)) u_add (.a(node[2*t*W +: W]), .b(node[(2*t+1)*W +: W]), .s(node[t*W +: W]));
                end
                assign s = node[W +: W];
            end
            always @(posedge clk) if (en) out_flat[g*W +: W] <= s;
        end
    endgenerate

endmodule

`resetall
