// tb_rnnc_sum_stage: rnnc_sum_stage against the vectors of gen_vectors.c
// (lines "in_flat expected_out_flat"), one vector per cycle.
`resetall
`timescale 1ns / 1ps
`default_nettype none

module tb_rnnc_sum_stage #(
    parameter integer N_IN = 4,         // as rnnc_sum_stage
    parameter integer FANIN = 2,        // as rnnc_sum_stage
    parameter integer W = 16,           // as rnnc_sum_stage
    parameter integer CHAIN = 0,        // as rnnc_sum_stage
    parameter integer TB_N = 1,         // number of vectors
    parameter TB_FILE = "",             // vector file
    parameter TB_CASE = ""              // case name for messages
);
    localparam integer N_OUT = (N_IN + FANIN - 1) / FANIN;
    reg clk = 1'b0;
    reg [N_IN*W-1:0] in_flat;
    wire [N_OUT*W-1:0] out_flat;
    reg [N_OUT*W-1:0] expected;
    integer fd, k, errors, r;

    always #5 clk = ~clk;

    rnnc_sum_stage #(.N_IN(N_IN), .FANIN(FANIN), .W(W), .CHAIN(CHAIN)) dut (.clk(clk), .en(1'b1), .in_flat(in_flat), .out_flat(out_flat));

    initial begin
        errors = 0;
        fd = $fopen(TB_FILE, "r");
        if (fd == 0) begin
            $display("RESULT FAIL cannot open %0s", TB_FILE);
            $finish;
        end
        #1;
        for (k = 0; k < TB_N; k = k + 1) begin
            r = $fscanf(fd, "%h %h\n", in_flat, expected);
            if (r != 2) begin
                $display("RESULT FAIL short vector file at %0d", k);
                $finish;
            end
            @(posedge clk);
            #1;
            if (out_flat !== expected) begin
                errors = errors + 1;
                if (errors <= 10)
                    $display("MISMATCH rnnc_sum_stage %0s (N_IN=%0d FANIN=%0d W=%0d CHAIN=%0d) vector %0d: in_flat=%h expected %h got %h",
                             TB_CASE, N_IN, FANIN, W, CHAIN, k, in_flat, expected, out_flat);
            end
        end
        if (errors == 0) $display("RESULT PASS %0d vectors", TB_N);
        else $display("RESULT FAIL %0d of %0d vectors", errors, TB_N);
        $finish;
    end
endmodule

`resetall
