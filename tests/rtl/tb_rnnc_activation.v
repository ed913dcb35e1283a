// tb_rnnc_activation: rnnc_activation against the vectors of gen_vectors.c, one line per
// cycle: "en in_data check expected" (the expected out_data after this cycle's edge for a
// latency of 1, compared when check). Line k is presented in cycle k; with TABLE_REG = 1 (a
// latency of 2) its expected value is compared one cycle later, after the edge of cycle k+1.
`resetall
`timescale 1ns / 1ps
`default_nettype none

module tb_rnnc_activation #(
    parameter integer IN_W = 16,        // as rnnc_activation
    parameter integer IN_F = 10,        // as rnnc_activation
    parameter integer IN_SIGNED = 1,    // as rnnc_activation
    parameter integer OUT_W = 16,       // as rnnc_activation
    parameter integer OUT_F = 10,       // as rnnc_activation
    parameter integer OUT_SIGNED = 1,   // as rnnc_activation
    parameter integer ROUND = 0,        // as rnnc_activation
    parameter integer SATURATE = 0,     // as rnnc_activation
    parameter integer KIND = 0,         // as rnnc_activation
    parameter integer TABLE_BITS = 10,  // as rnnc_activation
    parameter integer SCALE_SHIFT = 6,  // as rnnc_activation
    parameter integer OFFSET = 512,     // as rnnc_activation
    parameter INIT_FILE = "",           // as rnnc_activation
    parameter integer TABLE_REG = 0,    // as rnnc_activation
    parameter integer TABLE_W = 0,      // as rnnc_activation
    parameter integer TABLE_SIGNED = 0, // as rnnc_activation
    parameter integer TABLE_MIRROR = 0, // as rnnc_activation
    parameter [63:0] MIRROR_MASK = 64'd0,   // as rnnc_activation
    parameter [63:0] MIRROR_ENTRY0 = 64'd0, // as rnnc_activation
    parameter integer TB_N = 1,         // number of vectors
    parameter TB_FILE = "",             // vector file
    parameter TB_CASE = ""              // case name for messages
);
    reg clk = 1'b0;
    reg en = 1'b0;
    reg [IN_W-1:0] in_data;
    wire [OUT_W-1:0] out_data;
    reg v_en [0:TB_N-1];
    reg [IN_W-1:0] v_in [0:TB_N-1];
    reg v_check [0:TB_N-1];
    reg [OUT_W-1:0] v_exp [0:TB_N-1];
    reg t_en, t_check;
    reg [IN_W-1:0] t_in;
    reg [OUT_W-1:0] t_exp;
    integer fd, k, u, errors, r;

    always #5 clk = ~clk;

    rnnc_activation #(
        .IN_W(IN_W), .IN_F(IN_F), .IN_SIGNED(IN_SIGNED), .OUT_W(OUT_W), .OUT_F(OUT_F),
        .OUT_SIGNED(OUT_SIGNED), .ROUND(ROUND), .SATURATE(SATURATE), .KIND(KIND),
        .TABLE_BITS(TABLE_BITS), .SCALE_SHIFT(SCALE_SHIFT), .OFFSET(OFFSET), .INIT_FILE(INIT_FILE),
        .TABLE_REG(TABLE_REG), .TABLE_W(TABLE_W), .TABLE_SIGNED(TABLE_SIGNED),
        .TABLE_MIRROR(TABLE_MIRROR), .MIRROR_MASK(MIRROR_MASK), .MIRROR_ENTRY0(MIRROR_ENTRY0)
    ) dut (.clk(clk), .en(en), .in_data(in_data), .out_data(out_data));

    initial begin
        errors = 0;
        fd = $fopen(TB_FILE, "r");
        if (fd == 0) begin
            $display("RESULT FAIL cannot open %0s", TB_FILE);
            $finish;
        end
        for (k = 0; k < TB_N; k = k + 1) begin
            r = $fscanf(fd, "%h %h %h %h\n", t_en, t_in, t_check, t_exp);
            if (r != 4) begin
                $display("RESULT FAIL short vector file at %0d", k);
                $finish;
            end
            v_en[k] = t_en;
            v_in[k] = t_in;
            v_check[k] = t_check;
            v_exp[k] = t_exp;
        end
        #1;
        // cycle k: present line k (en = 0 and x after the last line), then after the edge check
        // line k - TABLE_REG
        for (k = 0; k < TB_N + TABLE_REG; k = k + 1) begin
            if (k < TB_N) begin
                en = v_en[k];
                in_data = v_in[k];
            end else begin
                en = 1'b0;
                in_data = {IN_W{1'bx}};
            end
            @(posedge clk);
            #1;
            u = k - TABLE_REG;
            if (u >= 0 && v_check[u] && out_data !== v_exp[u]) begin
                errors = errors + 1;
                if (errors <= 10)
                    $display("MISMATCH rnnc_activation %0s (IN_W=%0d IN_F=%0d IN_SIGNED=%0d OUT_W=%0d OUT_F=%0d OUT_SIGNED=%0d ROUND=%0d SATURATE=%0d KIND=%0d TABLE_BITS=%0d SCALE_SHIFT=%0d OFFSET=%0d TABLE_REG=%0d) line %0d checked in cycle %0d: en=%b in_data=%h expected %h got %h",
                             TB_CASE, IN_W, IN_F, IN_SIGNED, OUT_W, OUT_F, OUT_SIGNED, ROUND, SATURATE, KIND,
                             TABLE_BITS, SCALE_SHIFT, OFFSET, TABLE_REG, u, k, v_en[u], v_in[u], v_exp[u], out_data);
            end
        end
        if (errors == 0) $display("RESULT PASS %0d vectors", TB_N);
        else $display("RESULT FAIL %0d of %0d vectors", errors, TB_N);
        $finish;
    end
endmodule

`resetall
