// tb_rnnc_mac: rnnc_mac against the vectors of gen_vectors.c, one line per cycle:
// "en first a b check expected_acc" (acc after this cycle's edge, compared when check = 1).
`resetall
`timescale 1ns / 1ps
`default_nettype none

module tb_rnnc_mac #(
    parameter integer A_W = 16,         // as rnnc_mac
    parameter integer A_F = 10,         // as rnnc_mac
    parameter integer A_SIGNED = 1,     // as rnnc_mac
    parameter integer B_W = 16,         // as rnnc_mac
    parameter integer B_F = 10,         // as rnnc_mac
    parameter integer B_SIGNED = 1,     // as rnnc_mac
    parameter integer Q_W = 16,         // as rnnc_mac
    parameter integer Q_F = 10,         // as rnnc_mac
    parameter integer ROUND = 0,        // as rnnc_mac
    parameter integer SATURATE = 0,     // as rnnc_mac
    parameter integer ACC_W = 24,       // as rnnc_mac
    parameter integer PROD_REG = 1,     // as rnnc_mac
    parameter integer LOGIC = 0,        // as rnnc_mac
    parameter integer PRE_REG = 0,       // as rnnc_mac
    parameter integer TB_N = 1,         // number of vectors
    parameter TB_FILE = "",             // vector file
    parameter TB_CASE = ""              // case name for messages
);
    reg clk = 1'b0;
    reg en = 1'b0, first = 1'b0;
    reg [A_W-1:0] a;
    reg [B_W-1:0] b;
    wire [ACC_W-1:0] acc;
    reg [ACC_W-1:0] expected;
    reg check;
    integer fd, k, errors, r;

    always #5 clk = ~clk;

    rnnc_mac #(
        .A_W(A_W), .A_F(A_F), .A_SIGNED(A_SIGNED), .B_W(B_W), .B_F(B_F), .B_SIGNED(B_SIGNED),
        .Q_W(Q_W), .Q_F(Q_F), .ROUND(ROUND), .SATURATE(SATURATE), .ACC_W(ACC_W), .PROD_REG(PROD_REG), .LOGIC(LOGIC),
        .PRE_REG(PRE_REG)
    ) dut (.clk(clk), .en(en), .first(first), .a(a), .b(b), .acc(acc));

    initial begin
        errors = 0;
        fd = $fopen(TB_FILE, "r");
        if (fd == 0) begin
            $display("RESULT FAIL cannot open %0s", TB_FILE);
            $finish;
        end
        #1;
        for (k = 0; k < TB_N; k = k + 1) begin
            r = $fscanf(fd, "%h %h %h %h %h %h\n", en, first, a, b, check, expected);
            if (r != 6) begin
                $display("RESULT FAIL short vector file at %0d", k);
                $finish;
            end
            @(posedge clk);
            #1;
            if (check && acc !== expected) begin
                errors = errors + 1;
                if (errors <= 10)
                    $display("MISMATCH rnnc_mac %0s (A_W=%0d A_F=%0d A_SIGNED=%0d B_W=%0d B_F=%0d B_SIGNED=%0d Q_W=%0d Q_F=%0d ROUND=%0d SATURATE=%0d ACC_W=%0d) cycle %0d (inputs of this cycle en=%b first=%b a=%h b=%h): expected acc %h got %h",
                             TB_CASE, A_W, A_F, A_SIGNED, B_W, B_F, B_SIGNED, Q_W, Q_F, ROUND, SATURATE, ACC_W,
                             k, en, first, a, b, expected, acc);
            end
        end
        if (errors == 0) $display("RESULT PASS %0d vectors", TB_N);
        else $display("RESULT FAIL %0d of %0d vectors", errors, TB_N);
        $finish;
    end
endmodule

`resetall
