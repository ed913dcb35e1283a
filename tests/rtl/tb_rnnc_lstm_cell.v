// tb_rnnc_lstm_cell: rnnc_lstm_cell against the vectors of gen_vectors.c, one line per cycle:
// "valid pre_i pre_f pre_g pre_o c_prev expected_c_new expected_h_new". Line k is presented in
// cycle k (a new unit every cycle; valid = 0 is a bubble: every input is x in that cycle).
// For every valid line, c_new must match in cycle k+A+2 and h_new in cycle k+2A+2+OA_REG
// (A = 1 + TABLE_REG: k+3 and k+4 with TABLE_REG = 0 and OA_REG = 0).
`resetall
`timescale 1ns / 1ps
`default_nettype none

module tb_rnnc_lstm_cell #(
    parameter integer ACC_W = 16,           // as rnnc_lstm_cell
    parameter integer ACC_F = 10,           // as rnnc_lstm_cell
    parameter integer R_W = 16,             // as rnnc_lstm_cell
    parameter integer R_F = 10,             // as rnnc_lstm_cell
    parameter integer R_SIGNED = 1,         // as rnnc_lstm_cell
    parameter integer R_ROUND = 0,          // as rnnc_lstm_cell
    parameter integer R_SATURATE = 0,       // as rnnc_lstm_cell
    parameter integer S_W = 16,             // as rnnc_lstm_cell
    parameter integer S_F = 10,             // as rnnc_lstm_cell
    parameter integer S_ROUND = 0,          // as rnnc_lstm_cell
    parameter integer S_SATURATE = 0,       // as rnnc_lstm_cell
    parameter integer RACT_KIND = 2,        // as rnnc_lstm_cell
    parameter integer RACT_TABLE_BITS = 10, // as rnnc_lstm_cell
    parameter integer RACT_SCALE_SHIFT = 6, // as rnnc_lstm_cell
    parameter integer RACT_OFFSET = 512,    // as rnnc_lstm_cell
    parameter RACT_FILE = "",               // as rnnc_lstm_cell
    parameter integer ACT_KIND = 2,         // as rnnc_lstm_cell
    parameter integer ACT_TABLE_BITS = 10,  // as rnnc_lstm_cell
    parameter integer ACT_SCALE_SHIFT = 7,  // as rnnc_lstm_cell
    parameter integer ACT_OFFSET = 512,     // as rnnc_lstm_cell
    parameter ACT_FILE = "",                // as rnnc_lstm_cell
    parameter integer TABLE_REG = 0,        // as rnnc_lstm_cell
    parameter integer OA_REG = TABLE_REG,   // as rnnc_lstm_cell
    parameter integer TB_N = 1,             // number of cycles (vector lines)
    parameter TB_FILE = "",                 // vector file
    parameter TB_CASE = ""                  // case name for messages
);
    localparam integer A = 1 + TABLE_REG;   // activation latency
    localparam integer LAT_C = A + 2;       // c_new latency
    localparam integer LAT_H = 2 * A + 2 + OA_REG;      // h_new latency

    reg clk = 1'b0;
    reg [ACC_W-1:0] pre_i, pre_f, pre_g, pre_o;
    reg [S_W-1:0] c_prev;
    wire [S_W-1:0] c_new;
    wire [R_W-1:0] h_new;

    reg valid [0:TB_N-1];
    reg [ACC_W-1:0] v_i [0:TB_N-1];
    reg [ACC_W-1:0] v_f [0:TB_N-1];
    reg [ACC_W-1:0] v_g [0:TB_N-1];
    reg [ACC_W-1:0] v_o [0:TB_N-1];
    reg [S_W-1:0] v_c [0:TB_N-1];
    reg [S_W-1:0] e_c [0:TB_N-1];
    reg [R_W-1:0] e_h [0:TB_N-1];
    reg [ACC_W-1:0] t_i, t_f, t_g, t_o;
    reg [S_W-1:0] t_c, t_ec;
    reg [R_W-1:0] t_eh;
    integer fd, k, u, errors, checks, r, t_v;

    always #5 clk = ~clk;

    rnnc_lstm_cell #(
        .ACC_W(ACC_W), .ACC_F(ACC_F), .R_W(R_W), .R_F(R_F), .R_SIGNED(R_SIGNED), .R_ROUND(R_ROUND),
        .R_SATURATE(R_SATURATE), .S_W(S_W), .S_F(S_F), .S_ROUND(S_ROUND), .S_SATURATE(S_SATURATE),
        .RACT_KIND(RACT_KIND), .RACT_TABLE_BITS(RACT_TABLE_BITS), .RACT_SCALE_SHIFT(RACT_SCALE_SHIFT),
        .RACT_OFFSET(RACT_OFFSET), .RACT_FILE(RACT_FILE),
        .ACT_KIND(ACT_KIND), .ACT_TABLE_BITS(ACT_TABLE_BITS), .ACT_SCALE_SHIFT(ACT_SCALE_SHIFT),
        .ACT_OFFSET(ACT_OFFSET), .ACT_FILE(ACT_FILE), .TABLE_REG(TABLE_REG), .OA_REG(OA_REG)
    ) dut (
        .clk(clk), .pre_i(pre_i), .pre_f(pre_f), .pre_g(pre_g), .pre_o(pre_o), .c_prev(c_prev),
        .c_new(c_new), .h_new(h_new)
    );

    task fail(input [8*16-1:0] what, input integer unit, input [31:0] expected, input [31:0] got);
        begin
            errors = errors + 1;
            if (errors <= 10)
                $display("MISMATCH rnnc_lstm_cell %0s (ACC_W=%0d ACC_F=%0d R_W=%0d R_F=%0d R_SIGNED=%0d R_ROUND=%0d R_SATURATE=%0d S_W=%0d S_F=%0d S_ROUND=%0d S_SATURATE=%0d RACT_KIND=%0d ACT_KIND=%0d TABLE_REG=%0d OA_REG=%0d) unit %0d (pre_i=%h pre_f=%h pre_g=%h pre_o=%h c_prev=%h): %0s expected %h got %h",
                         TB_CASE, ACC_W, ACC_F, R_W, R_F, R_SIGNED, R_ROUND, R_SATURATE, S_W, S_F, S_ROUND,
                         S_SATURATE, RACT_KIND, ACT_KIND, TABLE_REG, OA_REG, unit, v_i[unit], v_f[unit], v_g[unit],
                         v_o[unit], v_c[unit], what, expected, got);
        end
    endtask

    initial begin
        errors = 0;
        checks = 0;
        fd = $fopen(TB_FILE, "r");
        if (fd == 0) begin
            $display("RESULT FAIL cannot open %0s", TB_FILE);
            $finish;
        end
        for (k = 0; k < TB_N; k = k + 1) begin
            r = $fscanf(fd, "%d %h %h %h %h %h %h %h\n", t_v, t_i, t_f, t_g, t_o, t_c, t_ec, t_eh);
            if (r != 8) begin
                $display("RESULT FAIL short vector file at %0d", k);
                $finish;
            end
            valid[k] = t_v != 0;
            v_i[k] = t_i;
            v_f[k] = t_f;
            v_g[k] = t_g;
            v_o[k] = t_o;
            v_c[k] = t_c;
            e_c[k] = t_ec;
            e_h[k] = t_eh;
        end
        // cycle k: present unit k (x in a bubble), check the units k - LAT_C and k - LAT_H
        for (k = 0; k < TB_N + LAT_H; k = k + 1) begin
            if (k < TB_N && valid[k]) begin
                pre_i = v_i[k];
                pre_f = v_f[k];
                pre_g = v_g[k];
                pre_o = v_o[k];
                c_prev = v_c[k];
            end else begin
                pre_i = {ACC_W{1'bx}};
                pre_f = {ACC_W{1'bx}};
                pre_g = {ACC_W{1'bx}};
                pre_o = {ACC_W{1'bx}};
                c_prev = {S_W{1'bx}};
            end
            #1;
            u = k - LAT_C;
            if (u >= 0 && u < TB_N && valid[u]) begin
                checks = checks + 1;
                if (c_new !== e_c[u]) fail("c_new at t+A+2", u, e_c[u], c_new);
            end
            u = k - LAT_H;
            if (u >= 0 && valid[u]) begin
                checks = checks + 1;
                if (h_new !== e_h[u]) fail("h_new at t+2A+2", u, e_h[u], h_new);
            end
            @(posedge clk);
            #1;
        end
        if (errors == 0) $display("RESULT PASS %0d cycles, %0d checks", TB_N, checks);
        else $display("RESULT FAIL %0d mismatches in %0d checks", errors, checks);
        $finish;
    end
endmodule

`resetall
