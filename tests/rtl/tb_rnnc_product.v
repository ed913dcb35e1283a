// tb_rnnc_product: rnnc_product against the vectors of gen_vectors.c (lines "a b expected"),
// one vector per cycle; q after the REG-th edge that follows a, b (REG 1 or 2), the vectors
// after it already presented.
`resetall
`timescale 1ns / 1ps
`default_nettype none

module tb_rnnc_product #(
    parameter integer A_W = 16,         // as rnnc_product
    parameter integer A_F = 10,         // as rnnc_product
    parameter integer A_SIGNED = 1,     // as rnnc_product
    parameter integer B_W = 16,         // as rnnc_product
    parameter integer B_F = 10,         // as rnnc_product
    parameter integer B_SIGNED = 1,     // as rnnc_product
    parameter integer OUT_W = 16,       // as rnnc_product
    parameter integer OUT_F = 10,       // as rnnc_product
    parameter integer ROUND = 0,        // as rnnc_product
    parameter integer SATURATE = 0,     // as rnnc_product
    parameter integer REG = 1,          // as rnnc_product, 1 or 2
    parameter integer LOGIC = 0,        // as rnnc_product
    parameter integer TB_N = 1,         // number of vectors
    parameter TB_FILE = "",             // vector file
    parameter TB_CASE = ""              // case name for messages
);
    reg clk = 1'b0;
    reg [A_W-1:0] a;
    reg [B_W-1:0] b;
    wire [OUT_W-1:0] q;
    reg [OUT_W-1:0] expected, expected_prev;
    reg [A_W-1:0] a_prev;
    reg [B_W-1:0] b_prev;
    integer fd, k, errors, r;

    always #5 clk = ~clk;

    rnnc_product #(
        .A_W(A_W), .A_F(A_F), .A_SIGNED(A_SIGNED), .B_W(B_W), .B_F(B_F), .B_SIGNED(B_SIGNED),
        .OUT_W(OUT_W), .OUT_F(OUT_F), .ROUND(ROUND), .SATURATE(SATURATE), .REG(REG), .LOGIC(LOGIC)
    ) dut (.clk(clk), .a(a), .b(b), .q(q));

    initial begin
        errors = 0;
        fd = $fopen(TB_FILE, "r");
        if (fd == 0) begin
            $display("RESULT FAIL cannot open %0s", TB_FILE);
            $finish;
        end
        if (REG < 1 || REG > 2) begin
            $display("RESULT FAIL REG=%0d: this bench checks 1 or 2", REG);
            $finish;
        end
        @(posedge clk);
        #1;
        // REG 2: vector k's q is checked one cycle late, while vector k + 1 is presented (and
        // the last vector's after a cycle of repeated operands)
        for (k = 0; k < TB_N + REG - 1; k = k + 1) begin
            a_prev = a;
            b_prev = b;
            expected_prev = expected;
            if (k < TB_N) begin
                r = $fscanf(fd, "%h %h %h\n", a, b, expected);
                if (r != 3) begin
                    $display("RESULT FAIL short vector file at %0d", k);
                    $finish;
                end
            end
            @(posedge clk);
            #1;
            if (REG == 1 && q !== expected || REG == 2 && k > 0 && q !== expected_prev) begin
                errors = errors + 1;
                if (errors <= 10)
                    $display("MISMATCH rnnc_product %0s (A_W=%0d A_F=%0d A_SIGNED=%0d B_W=%0d B_F=%0d B_SIGNED=%0d OUT_W=%0d OUT_F=%0d ROUND=%0d SATURATE=%0d REG=%0d) vector %0d: a=%h b=%h expected %h got %h",
                             TB_CASE, A_W, A_F, A_SIGNED, B_W, B_F, B_SIGNED, OUT_W, OUT_F, ROUND, SATURATE, REG,
                             k - REG + 1, REG == 1 ? a : a_prev, REG == 1 ? b : b_prev,
                             REG == 1 ? expected : expected_prev, q);
            end
        end
        if (errors == 0) $display("RESULT PASS %0d vectors", TB_N);
        else $display("RESULT FAIL %0d of %0d vectors", errors, TB_N);
        $finish;
    end
endmodule

`resetall
