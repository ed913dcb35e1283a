// rnnc_adder_tree: a registered tree that reduces N_IN values to one, DEPTH stages deep.
//
// Stage d is an rnnc_sum_stage (OP = 0: sums wrapping at W bits; the compiler sizes W so
// nothing wraps) or an rnnc_max_stage (OP = 1: signed maximum) over the values of stage d - 1,
// in groups of FANIN consecutive values. out is the one value left after DEPTH stages: it
// reflects in_flat DEPTH cycles earlier. DEPTH may exceed the stages needed (the tree is
// padded with one-value stages, which only register), so every tree of a product can have
// the product's common depth. The last stage of a sum tree loads only when ld (1'b1: every
// cycle): a recurrent cell loads it once per step, when the sums are complete, so that its
// lanes read them while the next step already overwrites the tree's inputs.
`resetall
`timescale 1ns / 1ps
`default_nettype none

module rnnc_adder_tree #(
    parameter integer N_IN = 4,     // number of input values, >= 1
    parameter integer FANIN = 5,    // values reduced per group in each stage, >= 2
    parameter integer W = 16,       // width of every value (signed), >= 1
    parameter integer DEPTH = 1,    // registered stages, >= 1; ceil(N_IN / FANIN^DEPTH) == 1
    parameter integer OP = 0,       // 0: sum, 1: signed maximum
    parameter integer CHAIN = 0     // OP = 0: rnnc_sum_stage's CHAIN (two-input adders on carry chains)
) (
    input wire clk,
    input wire ld,                  // OP = 0: the last stage loads (1'b1: every cycle)
    input wire [N_IN*W-1:0] in_flat,
    output wire [W-1:0] out_data
);
    // values left after d stages
    function integer n_at(input integer d);
        integer i, n;
        begin
            n = N_IN;
            for (i = 0; i < d; i = i + 1) n = (n + FANIN - 1) / FANIN;
            n_at = n;
        end
    endfunction

    // bit offset of stage d's values in `level` (stage 0: in_flat)
    function integer off_at(input integer d);
        integer i, o;
        begin
            o = 0;
            for (i = 0; i < d; i = i + 1) o = o + n_at(i) * W;
            off_at = o;
        end
    endfunction

    initial begin
        if (N_IN < 1 || FANIN < 2 || W < 1 || DEPTH < 1 || OP < 0 || OP > 1 || n_at(DEPTH) != 1 || CHAIN < 0 ||
            CHAIN > 1) begin
            $display("ERROR: rnnc_adder_tree: invalid parameters N_IN=%0d FANIN=%0d W=%0d DEPTH=%0d OP=%0d CHAIN=%0d (instance %m)",
                     N_IN, FANIN, W, DEPTH, OP, CHAIN);
            $finish;
        end
    end

    wire [off_at(DEPTH + 1)-1:0] level;
    assign level[N_IN*W-1:0] = in_flat;

    genvar d;
    generate
        for (d = 0; d < DEPTH; d = d + 1) begin : g_stage
            if (OP == 1) begin : g_max
                rnnc_max_stage #(.N_IN(n_at(d)), .FANIN(FANIN), .W(W)) u_stage (
                    .clk(clk), .in_flat(level[off_at(d) +: n_at(d)*W]), .out_flat(level[off_at(d + 1) +: n_at(d + 1)*W]));
            end else begin : g_sum
                rnnc_sum_stage #(.N_IN(n_at(d)), .FANIN(FANIN), .W(W), .CHAIN(CHAIN)) u_stage (
                    .clk(clk), .en(d == DEPTH - 1 ? ld : 1'b1), .in_flat(level[off_at(d) +: n_at(d)*W]),
                    .out_flat(level[off_at(d + 1) +: n_at(d + 1)*W]));
            end
        end
    endgenerate

    assign out_data = level[off_at(DEPTH) +: W];
    generate
        if (OP == 1) begin : g_no_ld
            /* verilator lint_off UNUSEDSIGNAL */
            wire unused_ld = ld;            // a max tree loads every cycle
            /* verilator lint_on UNUSEDSIGNAL */
        end
    endgenerate

`ifdef FORMAL
`ifdef RNNC_FORMAL_rnnc_adder_tree
    // Active only when this module is the proof's top: inside an emitted top (tests/formal's
    // TOPS) these properties made the bounded proofs fail (the wrapper's clocked input
    // assumptions lag the combinational checks here by a step) and run minutes longer.
    // Properties (tests/formal/run.sh). A pure pipeline: no valid, no reset, no control state.
    // Fixed latency: out_data is in_flat's sum (wrapping at W bits) or signed maximum exactly
    // DEPTH cycles earlier (f_pipe: the expected values, f_age: cycles since the start, up to DEPTH).
    function [W-1:0] f_reduce(input [N_IN*W-1:0] v);
        integer i;
        reg [W-1:0] a;
        begin
            a = v[W-1:0];
            for (i = 1; i < N_IN; i = i + 1)
                if (OP == 1) begin
                    if ($signed(v[i*W +: W]) > $signed(a)) a = v[i*W +: W];
                end else begin
                    a = a + v[i*W +: W];
                end
            f_reduce = a;
        end
    endfunction
    // f_pipe[k]: stage k + 1's value; the last stage (of a sum tree) loads only when ld
    reg [DEPTH*W-1:0] f_pipe;
    reg [7:0] f_age = 8'd0;
    reg f_loaded = 1'b0;                    // the last stage loaded once the pipe was full
    wire f_ld = OP == 1 || ld;
    generate
        if (DEPTH > 1) begin : g_f_pipe
            always @(posedge clk) begin
                f_pipe[(DEPTH-1)*W-1:0] <= {f_pipe[(DEPTH-2)*W-1:0], f_reduce(in_flat)};
                if (f_ld) f_pipe[(DEPTH-1)*W +: W] <= f_pipe[(DEPTH-2)*W +: W];
            end
        end else begin : g_f_one
            always @(posedge clk) if (f_ld) f_pipe <= f_reduce(in_flat);
        end
    endgenerate
    always @(posedge clk) begin
        if (f_age < DEPTH) f_age <= f_age + 8'd1;
        if (f_ld && f_age >= DEPTH - 1) f_loaded <= 1'b1;
    end
    always @(*) if (f_loaded) assert(out_data == f_pipe[(DEPTH-1)*W +: W]);
`endif
`endif
endmodule

`resetall
