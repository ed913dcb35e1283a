// tb_rnnc_mac_sat: rnnc_mac_sat against the vectors of gen_vectors.c, one line per cycle:
// "en first init a b check expected_acc" (acc after this cycle's edge, compared when check = 1;
// init is read in the cycle after first, with that cycle's line).
`resetall
`timescale 1ns / 1ps
`default_nettype none

module tb_rnnc_mac_sat #(
    parameter integer A_W = 16,         // as rnnc_mac_sat (a, b signed)
    parameter integer A_F = 10,         // as rnnc_mac_sat
    parameter integer B_W = 16,         // as rnnc_mac_sat
    parameter integer B_F = 10,         // as rnnc_mac_sat
    parameter integer Q_W = 16,         // as rnnc_mac_sat
    parameter integer Q_F = 10,         // as rnnc_mac_sat
    parameter integer SATURATE = 1,     // as rnnc_mac_sat
    parameter integer ACC_W = 24,       // as rnnc_mac_sat
    parameter integer LOGIC = 0,        // as rnnc_mac_sat
    parameter integer TB_N = 1,         // number of vectors
    parameter TB_FILE = "",             // vector file
    parameter TB_CASE = ""              // case name for messages
);
    reg clk = 1'b0;
    reg en = 1'b0, first = 1'b0;
    reg [ACC_W-1:0] init;
    reg [A_W-1:0] a;
    reg [B_W-1:0] b;
    wire [ACC_W-1:0] acc;
    reg [ACC_W-1:0] expected;
    reg check;
    integer fd, k, errors, r;

    always #5 clk = ~clk;

    rnnc_mac_sat #(
        .A_W(A_W), .A_F(A_F), .A_SIGNED(1), .B_W(B_W), .B_F(B_F), .B_SIGNED(1),
        .Q_W(Q_W), .Q_F(Q_F), .ROUND(0), .SATURATE(SATURATE), .ACC_W(ACC_W), .LOGIC(LOGIC)
    ) dut (.clk(clk), .en(en), .first(first), .init(init), .a(a), .b(b), .acc(acc));

    initial begin
        errors = 0;
        fd = $fopen(TB_FILE, "r");
        if (fd == 0) begin
            $display("RESULT FAIL cannot open %0s", TB_FILE);
            $finish;
        end
        #1;
        for (k = 0; k < TB_N; k = k + 1) begin
            r = $fscanf(fd, "%h %h %h %h %h %h %h\n", en, first, init, a, b, check, expected);
            if (r != 7) begin
                $display("RESULT FAIL short vector file at %0d", k);
                $finish;
            end
            @(posedge clk);
            #1;
            if (check && acc !== expected) begin
                errors = errors + 1;
                if (errors <= 10)
                    $display("MISMATCH rnnc_mac_sat %0s (Q_W=%0d Q_F=%0d SATURATE=%0d ACC_W=%0d) cycle %0d (en=%b first=%b init=%h a=%h b=%h): expected acc %h got %h",
                             TB_CASE, Q_W, Q_F, SATURATE, ACC_W, k, en, first, init, a, b, expected, acc);
            end
        end
        if (errors == 0) $display("RESULT PASS %0d vectors", TB_N);
        else $display("RESULT FAIL %0d of %0d vectors", errors, TB_N);
        $finish;
    end
endmodule

`resetall
