// tb_rnnc_write_first: rnnc_write_first against the vectors of gen_vectors.c
// (lines "we clear d state expected_q").
`resetall
`timescale 1ns / 1ps
`default_nettype none

module tb_rnnc_write_first #(
    parameter integer W = 16,           // as rnnc_write_first
    parameter integer TB_N = 1,         // number of vectors
    parameter TB_FILE = "",             // vector file
    parameter TB_CASE = ""              // case name for messages
);
    reg we, clear;
    reg [W-1:0] d, state, expected;
    wire [W-1:0] q;
    integer fd, k, errors, r, t_we, t_clear;

    rnnc_write_first #(.W(W)) dut (.we(we), .clear(clear), .d(d), .state(state), .q(q));

    initial begin
        errors = 0;
        fd = $fopen(TB_FILE, "r");
        if (fd == 0) begin
            $display("RESULT FAIL cannot open %0s", TB_FILE);
            $finish;
        end
        for (k = 0; k < TB_N; k = k + 1) begin
            r = $fscanf(fd, "%d %d %h %h %h\n", t_we, t_clear, d, state, expected);
            if (r != 5) begin
                $display("RESULT FAIL short vector file at %0d", k);
                $finish;
            end
            we = t_we != 0;
            clear = t_clear != 0;
            #1;
            if (q !== expected) begin
                errors = errors + 1;
                if (errors <= 10)
                    $display("MISMATCH rnnc_write_first %0s (W=%0d) vector %0d: we=%0d clear=%0d d=%h state=%h expected %h got %h",
                             TB_CASE, W, k, we, clear, d, state, expected, q);
            end
        end
        if (errors == 0) $display("RESULT PASS %0d vectors", TB_N);
        else $display("RESULT FAIL %0d of %0d vectors", errors, TB_N);
        $finish;
    end
endmodule

`resetall
