// tb_rnnc_add2: rnnc_add2 against the vectors of gen_vectors.c (lines "a b expected_s").
`resetall
`timescale 1ns / 1ps
`default_nettype none

module tb_rnnc_add2 #(
    parameter integer W = 16,           // as rnnc_add2
    parameter integer TB_N = 1,         // number of vectors
    parameter TB_FILE = "",             // vector file
    parameter TB_CASE = ""              // case name for messages
);
    reg [W-1:0] a, b, expected;
    wire [W-1:0] s;
    integer fd, k, errors, r;

    rnnc_add2 #(.W(W)) dut (.a(a), .b(b), .s(s));

    initial begin
        errors = 0;
        fd = $fopen(TB_FILE, "r");
        if (fd == 0) begin
            $display("RESULT FAIL cannot open %0s", TB_FILE);
            $finish;
        end
        for (k = 0; k < TB_N; k = k + 1) begin
            r = $fscanf(fd, "%h %h %h\n", a, b, expected);
            if (r != 3) begin
                $display("RESULT FAIL short vector file at %0d", k);
                $finish;
            end
            #1;
            if (s !== expected) begin
                errors = errors + 1;
                if (errors <= 10)
                    $display("MISMATCH rnnc_add2 %0s (W=%0d) vector %0d: a=%h b=%h expected %h got %h", TB_CASE, W, k, a, b,
                             expected, s);
            end
        end
        if (errors == 0) $display("RESULT PASS %0d vectors", TB_N);
        else $display("RESULT FAIL %0d of %0d vectors", errors, TB_N);
        $finish;
    end
endmodule

`resetall
