// tb_rnnc_adder_tree: rnnc_adder_tree against the vectors of gen_vectors.c (lines
// "in_flat expected_out"), one vector per cycle; each result is checked DEPTH cycles after its
// vector went in, so the tree's latency is checked with its values.
`resetall
`timescale 1ns / 1ps
`default_nettype none

module tb_rnnc_adder_tree #(
    parameter integer N_IN = 4,         // as rnnc_adder_tree
    parameter integer FANIN = 5,        // as rnnc_adder_tree
    parameter integer W = 16,           // as rnnc_adder_tree
    parameter integer DEPTH = 1,        // as rnnc_adder_tree
    parameter integer OP = 0,           // as rnnc_adder_tree
    parameter integer CHAIN = 0,        // as rnnc_adder_tree
    parameter integer TB_N = 1,         // number of vectors
    parameter TB_FILE = "",             // vector file
    parameter TB_CASE = ""              // case name for messages
);
    reg clk = 1'b0;
    reg [N_IN*W-1:0] in_flat;
    wire [W-1:0] out_data;
    reg [W-1:0] expected [0:TB_N-1];
    integer fd, k, errors, r;

    always #5 clk = ~clk;

    rnnc_adder_tree #(.N_IN(N_IN), .FANIN(FANIN), .W(W), .DEPTH(DEPTH), .OP(OP), .CHAIN(CHAIN)) dut (
        .clk(clk), .ld(1'b1), .in_flat(in_flat), .out_data(out_data));

    initial begin
        errors = 0;
        fd = $fopen(TB_FILE, "r");
        if (fd == 0) begin
            $display("RESULT FAIL cannot open %0s", TB_FILE);
            $finish;
        end
        #1;
        for (k = 0; k < TB_N + DEPTH - 1; k = k + 1) begin
            if (k < TB_N) begin
                r = $fscanf(fd, "%h %h\n", in_flat, expected[k]);
                if (r != 2) begin
                    $display("RESULT FAIL short vector file at %0d", k);
                    $finish;
                end
            end
            @(posedge clk);
            #1;
            if (k + 1 >= DEPTH && out_data !== expected[k + 1 - DEPTH]) begin
                errors = errors + 1;
                if (errors <= 10)
                    $display("MISMATCH rnnc_adder_tree %0s (N_IN=%0d FANIN=%0d W=%0d DEPTH=%0d OP=%0d) vector %0d: expected %h got %h",
                             TB_CASE, N_IN, FANIN, W, DEPTH, OP, k + 1 - DEPTH, expected[k + 1 - DEPTH], out_data);
            end
        end
        if (errors == 0) $display("RESULT PASS %0d vectors", TB_N);
        else $display("RESULT FAIL %0d of %0d vectors", errors, TB_N);
        $finish;
    end
endmodule

`resetall
