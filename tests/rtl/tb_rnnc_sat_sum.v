// tb_rnnc_sat_sum: rnnc_sat_sum against the vectors of gen_vectors.c (lines "in_flat
// expected_out", expected computed with fixed.c's fx_cast after every addition, in the chain's
// or nnet::reduce's order), one vector per cycle; each result is checked DEPTH cycles after
// its vector went in, so the latency is checked with the values.
`resetall
`timescale 1ns / 1ps
`default_nettype none

module tb_rnnc_sat_sum #(
    parameter integer N_IN = 4,         // as rnnc_sat_sum
    parameter integer W = 16,           // as rnnc_sat_sum
    parameter integer OUT_W = 12,       // as rnnc_sat_sum
    parameter integer OUT_SIGNED = 1,   // as rnnc_sat_sum
    parameter integer SATURATE = 1,     // as rnnc_sat_sum
    parameter integer ORDER = 0,        // as rnnc_sat_sum
    parameter integer ADDS = 4,         // as rnnc_sat_sum
    parameter integer DEPTH = 1,        // as rnnc_sat_sum
    parameter integer TB_N = 1,         // number of vectors
    parameter TB_FILE = "",             // vector file
    parameter TB_CASE = ""              // case name for messages
);
    reg clk = 1'b0;
    reg [N_IN*W-1:0] in_flat;
    wire [OUT_W-1:0] out_data;
    reg [OUT_W-1:0] expected [0:TB_N-1];
    integer fd, k, errors, r;

    always #5 clk = ~clk;

    rnnc_sat_sum #(.N_IN(N_IN), .W(W), .OUT_W(OUT_W), .OUT_SIGNED(OUT_SIGNED), .SATURATE(SATURATE), .ORDER(ORDER),
                   .ADDS(ADDS), .DEPTH(DEPTH)) dut (
        .clk(clk), .in_flat(in_flat), .out_data(out_data));

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
                    $display("MISMATCH rnnc_sat_sum %0s (N_IN=%0d W=%0d OUT_W=%0d ORDER=%0d ADDS=%0d DEPTH=%0d) vector %0d: expected %h got %h",
                             TB_CASE, N_IN, W, OUT_W, ORDER, ADDS, DEPTH, k + 1 - DEPTH, expected[k + 1 - DEPTH], out_data);
            end
        end
        if (errors == 0) $display("RESULT PASS %0d vectors", TB_N);
        else $display("RESULT FAIL %0d of %0d vectors", errors, TB_N);
        $finish;
    end
endmodule

`resetall
