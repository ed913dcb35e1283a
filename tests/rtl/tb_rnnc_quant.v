// tb_rnnc_quant: rnnc_quant against the vectors of gen_vectors.c (lines "in expected").
`resetall
`timescale 1ns / 1ps
`default_nettype none

module tb_rnnc_quant #(
    parameter integer IN_W = 16,        // as rnnc_quant
    parameter integer IN_F = 10,        // as rnnc_quant
    parameter integer IN_SIGNED = 1,    // as rnnc_quant
    parameter integer OUT_W = 16,       // as rnnc_quant
    parameter integer OUT_F = 10,       // as rnnc_quant
    parameter integer OUT_SIGNED = 1,   // as rnnc_quant
    parameter integer ROUND = 0,        // as rnnc_quant
    parameter integer SATURATE = 0,     // as rnnc_quant
    parameter integer TB_N = 1,         // number of vectors
    parameter TB_FILE = "",             // vector file
    parameter TB_CASE = ""              // case name for messages
);
    reg [IN_W-1:0] in_data;
    wire [OUT_W-1:0] out_data;
    reg [OUT_W-1:0] expected;
    integer fd, k, errors, r;

    rnnc_quant #(
        .IN_W(IN_W), .IN_F(IN_F), .IN_SIGNED(IN_SIGNED), .OUT_W(OUT_W), .OUT_F(OUT_F),
        .OUT_SIGNED(OUT_SIGNED), .ROUND(ROUND), .SATURATE(SATURATE)
    ) dut (.in_data(in_data), .out_data(out_data));

    initial begin
        errors = 0;
        fd = $fopen(TB_FILE, "r");
        if (fd == 0) begin
            $display("RESULT FAIL cannot open %0s", TB_FILE);
            $finish;
        end
        for (k = 0; k < TB_N; k = k + 1) begin
            r = $fscanf(fd, "%h %h\n", in_data, expected);
            if (r != 2) begin
                $display("RESULT FAIL short vector file at %0d", k);
                $finish;
            end
            #1;
            if (out_data !== expected) begin
                errors = errors + 1;
                if (errors <= 10)
                    $display("MISMATCH rnnc_quant %0s (IN_W=%0d IN_F=%0d IN_SIGNED=%0d OUT_W=%0d OUT_F=%0d OUT_SIGNED=%0d ROUND=%0d SATURATE=%0d) vector %0d: in_data=%h expected %h got %h",
                             TB_CASE, IN_W, IN_F, IN_SIGNED, OUT_W, OUT_F, OUT_SIGNED, ROUND, SATURATE,
                             k, in_data, expected, out_data);
            end
        end
        if (errors == 0) $display("RESULT PASS %0d vectors", TB_N);
        else $display("RESULT FAIL %0d of %0d vectors", errors, TB_N);
        $finish;
    end
endmodule

`resetall
