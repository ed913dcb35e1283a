// tb_rnnc_lut_mul: rnnc_lut_mul against the vectors of gen_vectors.c (lines "a b expected"),
// one vector per cycle; each product checked LAT cycles after the edge that samples a, b.
`resetall
`timescale 1ns / 1ps
`default_nettype none

module tb_rnnc_lut_mul #(
    parameter integer A_W = 16,         // as rnnc_lut_mul
    parameter integer B_W = 16,         // as rnnc_lut_mul
    parameter integer B_SIGNED = 1,     // as rnnc_lut_mul
    parameter integer LAT = 4,          // as rnnc_lut_mul
    parameter integer TAIL = 0,         // as rnnc_lut_mul
    parameter integer HEAD = 0,         // as rnnc_lut_mul
    parameter integer TB_N = 1,         // number of vectors
    parameter TB_FILE = "",             // vector file
    parameter TB_CASE = ""              // case name for messages
);
    reg clk = 1'b0;
    reg [A_W-1:0] a;
    reg [B_W-1:0] b;
    wire [A_W+B_W-1:0] p;
    reg [A_W+B_W-1:0] expected [0:TB_N-1];
    reg [A_W+B_W-1:0] want;
    integer fd, k, errors, r;

    always #5 clk = ~clk;

    rnnc_lut_mul #(.A_W(A_W), .B_W(B_W), .B_SIGNED(B_SIGNED), .LAT(LAT), .TAIL(TAIL), .HEAD(HEAD)) dut (.clk(clk), .a(a), .b(b), .p(p));

    initial begin
        errors = 0;
        fd = $fopen(TB_FILE, "r");
        if (fd == 0) begin
            $display("RESULT FAIL cannot open %0s", TB_FILE);
            $finish;
        end
        @(posedge clk);
        #1;
        // vector k is sampled at edge k + 1 and its product seen after edge k + LAT
        for (k = 0; k < TB_N + (LAT > 0 ? LAT - 1 : 0); k = k + 1) begin
            if (k < TB_N) begin
                r = $fscanf(fd, "%h %h %h\n", a, b, want);
                if (r != 3) begin
                    $display("RESULT FAIL short vector file at %0d", k);
                    $finish;
                end
                expected[k] = want;
                #1;
                if (LAT == 0 && p !== want) begin
                    errors = errors + 1;
                    if (errors <= 10)
                        $display("MISMATCH rnnc_lut_mul %0s (A_W=%0d B_W=%0d B_SIGNED=%0d LAT=0) vector %0d: expected %h got %h",
                                 TB_CASE, A_W, B_W, B_SIGNED, k, want, p);
                end
            end
            @(posedge clk);
            #1;
            if (LAT > 0 && k >= LAT - 1 && p !== expected[k - LAT + 1]) begin
                errors = errors + 1;
                if (errors <= 10)
                    $display("MISMATCH rnnc_lut_mul %0s (A_W=%0d B_W=%0d B_SIGNED=%0d LAT=%0d) vector %0d: expected %h got %h",
                             TB_CASE, A_W, B_W, B_SIGNED, LAT, k - LAT + 1, expected[k - LAT + 1], p);
            end
        end
        if (errors == 0) $display("RESULT PASS %0d vectors", TB_N);
        else $display("RESULT FAIL %0d of %0d vectors", errors, TB_N);
        $finish;
    end
endmodule

`resetall
