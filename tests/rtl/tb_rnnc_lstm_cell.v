// tb_rnnc_lstm_cell: rnnc_lstm_cell against the steps of gen_vectors.c, one line per step:
// "rst clear gap pre_i pre_f pre_g pre_o expected_h_new". Each step: optional one-cycle rst,
// gap idle cycles, then in_valid for one cycle (inputs random otherwise); h_new_valid must be
// 0 except at t+4, h_new there must match, and h_state at t+5 must be in_clear ? 0 : h_new.
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
    parameter integer CACT_TABLE_BITS = 10, // as rnnc_lstm_cell
    parameter integer CACT_SCALE_SHIFT = 7, // as rnnc_lstm_cell
    parameter integer CACT_OFFSET = 512,    // as rnnc_lstm_cell
    parameter CACT_FILE = "",               // as rnnc_lstm_cell
    parameter integer TB_N = 1,             // number of steps
    parameter TB_FILE = "",                 // vector file
    parameter TB_CASE = ""                  // case name for messages
);
    reg clk = 1'b0;
    reg rst = 1'b1, in_valid = 1'b0, in_clear = 1'b0;
    reg [ACC_W-1:0] pre_i, pre_f, pre_g, pre_o;
    reg [ACC_W-1:0] v_i, v_f, v_g, v_o;
    wire [R_W-1:0] h_state, h_new;
    wire h_new_valid;
    reg [R_W-1:0] exp_h;
    integer fd, k, c, errors, r, v_rst, v_clear, v_gap, seed;

    always #5 clk = ~clk;

    rnnc_lstm_cell #(
        .ACC_W(ACC_W), .ACC_F(ACC_F), .R_W(R_W), .R_F(R_F), .R_SIGNED(R_SIGNED), .R_ROUND(R_ROUND),
        .R_SATURATE(R_SATURATE), .S_W(S_W), .S_F(S_F), .S_ROUND(S_ROUND), .S_SATURATE(S_SATURATE),
        .RACT_KIND(RACT_KIND), .RACT_TABLE_BITS(RACT_TABLE_BITS), .RACT_SCALE_SHIFT(RACT_SCALE_SHIFT),
        .RACT_OFFSET(RACT_OFFSET), .RACT_FILE(RACT_FILE),
        .ACT_KIND(ACT_KIND), .ACT_TABLE_BITS(ACT_TABLE_BITS), .ACT_SCALE_SHIFT(ACT_SCALE_SHIFT),
        .ACT_OFFSET(ACT_OFFSET), .ACT_FILE(ACT_FILE),
        .CACT_TABLE_BITS(CACT_TABLE_BITS), .CACT_SCALE_SHIFT(CACT_SCALE_SHIFT),
        .CACT_OFFSET(CACT_OFFSET), .CACT_FILE(CACT_FILE)
    ) dut (
        .clk(clk), .rst(rst), .in_valid(in_valid), .in_clear(in_clear),
        .pre_i(pre_i), .pre_f(pre_f), .pre_g(pre_g), .pre_o(pre_o),
        .h_state(h_state), .h_new(h_new), .h_new_valid(h_new_valid)
    );

    // Inputs between steps: random, in_valid low.
    task garbage;
        begin
            in_valid = 1'b0;
            in_clear = $random(seed);
            pre_i = $random(seed);
            pre_f = $random(seed);
            pre_g = $random(seed);
            pre_o = $random(seed);
        end
    endtask

    task tick;
        begin
            @(posedge clk);
            #1;
            garbage;
        end
    endtask

    task fail(input [8*40-1:0] what, input [R_W-1:0] expected, input [R_W-1:0] got);
        begin
            errors = errors + 1;
            if (errors <= 10)
                $display("MISMATCH rnnc_lstm_cell %0s (ACC_W=%0d ACC_F=%0d R_W=%0d R_F=%0d R_SIGNED=%0d R_ROUND=%0d R_SATURATE=%0d S_W=%0d S_F=%0d S_ROUND=%0d S_SATURATE=%0d RACT_KIND=%0d ACT_KIND=%0d) step %0d (clear=%0d pre_i=%h pre_f=%h pre_g=%h pre_o=%h): %0s expected %h got %h",
                         TB_CASE, ACC_W, ACC_F, R_W, R_F, R_SIGNED, R_ROUND, R_SATURATE, S_W, S_F, S_ROUND,
                         S_SATURATE, RACT_KIND, ACT_KIND, k, v_clear, v_i, v_f, v_g, v_o, what, expected, got);
        end
    endtask

    task quiet;
        begin
            if (h_new_valid !== 1'b0) fail("h_new_valid outside t+4", 0, {{(R_W-1){1'b0}}, h_new_valid});
        end
    endtask

    initial begin
        errors = 0;
        seed = 1;
        fd = $fopen(TB_FILE, "r");
        if (fd == 0) begin
            $display("RESULT FAIL cannot open %0s", TB_FILE);
            $finish;
        end
        garbage;
        rst = 1'b1;
        tick;
        tick;
        rst = 1'b0;
        k = -1;
        if (h_state !== {R_W{1'b0}}) fail("h_state after rst", 0, h_state);
        for (k = 0; k < TB_N; k = k + 1) begin
            r = $fscanf(fd, "%d %d %d %h %h %h %h %h\n", v_rst, v_clear, v_gap, v_i, v_f, v_g, v_o, exp_h);
            if (r != 8) begin
                $display("RESULT FAIL short vector file at %0d", k);
                $finish;
            end
            if (v_rst != 0) begin
                rst = 1'b1;
                tick;
                rst = 1'b0;
                if (h_state !== {R_W{1'b0}}) fail("h_state after rst", 0, h_state);
            end
            for (c = 0; c < v_gap; c = c + 1) begin
                quiet;
                tick;
            end
            // cycle t
            quiet;
            in_valid = 1'b1;
            in_clear = v_clear[0];
            pre_i = v_i;
            pre_f = v_f;
            pre_g = v_g;
            pre_o = v_o;
            tick;
            for (c = 1; c < 4; c = c + 1) begin
                quiet;
                tick;
            end
            // cycle t+4
            if (h_new_valid !== 1'b1) fail("h_new_valid at t+4", 1, {{(R_W-1){1'b0}}, h_new_valid});
            if (h_new !== exp_h) fail("h_new at t+4", exp_h, h_new);
            tick;
            // cycle t+5
            if (h_state !== (v_clear != 0 ? {R_W{1'b0}} : exp_h))
                fail("h_state at t+5", v_clear != 0 ? {R_W{1'b0}} : exp_h, h_state);
        end
        if (errors == 0) $display("RESULT PASS %0d steps", TB_N);
        else $display("RESULT FAIL %0d mismatches in %0d steps", errors, TB_N);
        $finish;
    end
endmodule

`resetall
