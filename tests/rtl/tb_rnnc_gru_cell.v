// tb_rnnc_gru_cell: rnnc_gru_cell against the steps of gen_vectors.c, one line per step:
// "rst clear gap pre_z pre_r xw_h hu_h expected_rh cgap pre_hh expected_h_new".
// RESET_AFTER = 1: in_valid at t; h_new_valid only at t+5 with h_new; h_state at t+6;
//   rh_valid always 0; cand_valid and pre_hh random (unused).
// RESET_AFTER = 0: in_valid at t; rh_valid only at t+2 with rh; cand_valid with pre_hh at
//   t' = t+2+cgap; h_new_valid only at t'+2 with h_new; h_state at t'+3.
`resetall
`timescale 1ns / 1ps
`default_nettype none

module tb_rnnc_gru_cell #(
    parameter integer RESET_AFTER = 1,      // as rnnc_gru_cell
    parameter integer ACC_W = 16,           // as rnnc_gru_cell
    parameter integer ACC_F = 10,           // as rnnc_gru_cell
    parameter integer R_W = 16,             // as rnnc_gru_cell
    parameter integer R_F = 10,             // as rnnc_gru_cell
    parameter integer R_SIGNED = 1,         // as rnnc_gru_cell
    parameter integer R_ROUND = 0,          // as rnnc_gru_cell
    parameter integer R_SATURATE = 0,       // as rnnc_gru_cell
    parameter integer A_ROUND = 0,          // as rnnc_gru_cell
    parameter integer A_SATURATE = 0,       // as rnnc_gru_cell
    parameter integer RACT_KIND = 2,        // as rnnc_gru_cell
    parameter integer RACT_TABLE_BITS = 10, // as rnnc_gru_cell
    parameter integer RACT_SCALE_SHIFT = 6, // as rnnc_gru_cell
    parameter integer RACT_OFFSET = 512,    // as rnnc_gru_cell
    parameter RACT_FILE = "",               // as rnnc_gru_cell
    parameter integer ACT_KIND = 2,         // as rnnc_gru_cell
    parameter integer ACT_TABLE_BITS = 10,  // as rnnc_gru_cell
    parameter integer ACT_SCALE_SHIFT = 7,  // as rnnc_gru_cell
    parameter integer ACT_OFFSET = 512,     // as rnnc_gru_cell
    parameter ACT_FILE = "",                // as rnnc_gru_cell
    parameter integer TB_N = 1,             // number of steps
    parameter TB_FILE = "",                 // vector file
    parameter TB_CASE = ""                  // case name for messages
);
    reg clk = 1'b0;
    reg rst = 1'b1, in_valid = 1'b0, in_clear = 1'b0, cand_valid = 1'b0;
    reg [ACC_W-1:0] pre_z, pre_r, xw_h, hu_h, pre_hh;
    reg [ACC_W-1:0] v_z, v_r, v_xw, v_hu, v_hh;
    wire [R_W-1:0] rh, h_state, h_new;
    wire rh_valid, h_new_valid;
    reg [R_W-1:0] exp_rh, exp_h;
    integer fd, k, c, errors, r, v_rst, v_clear, v_gap, v_cgap, seed;

    always #5 clk = ~clk;

    rnnc_gru_cell #(
        .RESET_AFTER(RESET_AFTER), .ACC_W(ACC_W), .ACC_F(ACC_F), .R_W(R_W), .R_F(R_F),
        .R_SIGNED(R_SIGNED), .R_ROUND(R_ROUND), .R_SATURATE(R_SATURATE), .A_ROUND(A_ROUND),
        .A_SATURATE(A_SATURATE),
        .RACT_KIND(RACT_KIND), .RACT_TABLE_BITS(RACT_TABLE_BITS), .RACT_SCALE_SHIFT(RACT_SCALE_SHIFT),
        .RACT_OFFSET(RACT_OFFSET), .RACT_FILE(RACT_FILE),
        .ACT_KIND(ACT_KIND), .ACT_TABLE_BITS(ACT_TABLE_BITS), .ACT_SCALE_SHIFT(ACT_SCALE_SHIFT),
        .ACT_OFFSET(ACT_OFFSET), .ACT_FILE(ACT_FILE)
    ) dut (
        .clk(clk), .rst(rst), .in_valid(in_valid), .in_clear(in_clear),
        .pre_z(pre_z), .pre_r(pre_r), .xw_h(xw_h), .hu_h(hu_h),
        .rh(rh), .rh_valid(rh_valid), .cand_valid(cand_valid), .pre_hh(pre_hh),
        .h_state(h_state), .h_new(h_new), .h_new_valid(h_new_valid)
    );

    // Inputs outside their valid cycles: random (cand_valid too when it is unused).
    task garbage;
        begin
            in_valid = 1'b0;
            in_clear = $random(seed);
            cand_valid = RESET_AFTER != 0 ? $random(seed) : 1'b0;
            pre_z = $random(seed);
            pre_r = $random(seed);
            xw_h = $random(seed);
            hu_h = $random(seed);
            pre_hh = $random(seed);
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
                $display("MISMATCH rnnc_gru_cell %0s (RESET_AFTER=%0d ACC_W=%0d ACC_F=%0d R_W=%0d R_F=%0d R_SIGNED=%0d R_ROUND=%0d R_SATURATE=%0d A_ROUND=%0d A_SATURATE=%0d RACT_KIND=%0d ACT_KIND=%0d) step %0d (clear=%0d pre_z=%h pre_r=%h xw_h=%h hu_h=%h pre_hh=%h): %0s expected %h got %h",
                         TB_CASE, RESET_AFTER, ACC_W, ACC_F, R_W, R_F, R_SIGNED, R_ROUND, R_SATURATE, A_ROUND,
                         A_SATURATE, RACT_KIND, ACT_KIND, k, v_clear, v_z, v_r, v_xw, v_hu, v_hh, what,
                         expected, got);
        end
    endtask

    task quiet_h;
        begin
            if (h_new_valid !== 1'b0) fail("h_new_valid when not due", 0, {{(R_W-1){1'b0}}, h_new_valid});
        end
    endtask

    task quiet_rh;
        begin
            if (rh_valid !== 1'b0) fail("rh_valid when not due", 0, {{(R_W-1){1'b0}}, rh_valid});
        end
    endtask

    initial begin
        errors = 0;
        seed = 2;
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
            r = $fscanf(fd, "%d %d %d %h %h %h %h %h %d %h %h\n", v_rst, v_clear, v_gap, v_z, v_r, v_xw,
                        v_hu, exp_rh, v_cgap, v_hh, exp_h);
            if (r != 11) begin
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
                quiet_h;
                quiet_rh;
                tick;
            end
            // cycle t
            quiet_h;
            quiet_rh;
            in_valid = 1'b1;
            in_clear = v_clear[0];
            pre_z = v_z;
            pre_r = v_r;
            xw_h = v_xw;
            hu_h = v_hu;
            tick;
            if (RESET_AFTER != 0) begin
                for (c = 1; c < 5; c = c + 1) begin
                    quiet_h;
                    quiet_rh;
                    tick;
                end
                // cycle t+5
                quiet_rh;
            end else begin
                quiet_h;
                quiet_rh;
                tick;
                // cycle t+2
                if (rh_valid !== 1'b1) fail("rh_valid at t+2", 1, {{(R_W-1){1'b0}}, rh_valid});
                if (rh !== exp_rh) fail("rh at t+2", exp_rh, rh);
                for (c = 0; c < v_cgap; c = c + 1) begin
                    quiet_h;
                    tick;
                    quiet_rh;
                end
                // cycle t'
                quiet_h;
                cand_valid = 1'b1;
                pre_hh = v_hh;
                tick;
                quiet_h;
                quiet_rh;
                tick;
                // cycle t'+2
                quiet_rh;
            end
            if (h_new_valid !== 1'b1) fail("h_new_valid when due", 1, {{(R_W-1){1'b0}}, h_new_valid});
            if (h_new !== exp_h) fail("h_new", exp_h, h_new);
            tick;
            if (h_state !== (v_clear != 0 ? {R_W{1'b0}} : exp_h))
                fail("h_state after the update", v_clear != 0 ? {R_W{1'b0}} : exp_h, h_state);
        end
        if (errors == 0) $display("RESULT PASS %0d steps", TB_N);
        else $display("RESULT FAIL %0d mismatches in %0d steps", errors, TB_N);
        $finish;
    end
endmodule

`resetall
