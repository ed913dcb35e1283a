// tb_rnnc_gru_cell_serial: rnnc_gru_cell_serial against rnnc_gru_cell's vectors (gen_vectors.c):
// "valid pre_z pre_r xw_h hu_h h_prev expected_h_new". Line k is presented in cycle SP*k with
// in_valid (a new unit every SP cycles: 3, or with ALIGN3 = 0 the module's least spacing
// PP-A+1 = A+3; valid = 0 is a bubble: in_valid = 0 and every input x; between units every
// input is x too). For every valid line, h_new must match in cycle SP*k+PP+1+2*TABLE_REG
// (A = 1 + TABLE_REG; PP as in the module).
`resetall
`timescale 1ns / 1ps
`default_nettype none

module tb_rnnc_gru_cell_serial #(
    parameter integer ACC_W = 16,           // as rnnc_gru_cell_serial
    parameter integer ACC_F = 10,           // as rnnc_gru_cell_serial
    parameter integer R_W = 16,             // as rnnc_gru_cell_serial
    parameter integer R_F = 10,             // as rnnc_gru_cell_serial
    parameter integer R_SIGNED = 1,         // as rnnc_gru_cell_serial
    parameter integer R_ROUND = 0,          // as rnnc_gru_cell_serial
    parameter integer R_SATURATE = 0,       // as rnnc_gru_cell_serial
    parameter integer A_ROUND = 0,          // as rnnc_gru_cell_serial
    parameter integer A_SATURATE = 0,       // as rnnc_gru_cell_serial
    parameter integer G_W = R_W,            // as rnnc_gru_cell_serial (the gates' type)
    parameter integer G_F = R_F,
    parameter integer G_SIGNED = R_SIGNED,
    parameter integer G_ROUND = R_ROUND,
    parameter integer G_SATURATE = R_SATURATE,
    parameter integer RACT_KIND = 2,        // as rnnc_gru_cell_serial
    parameter integer RACT_TABLE_BITS = 10, // as rnnc_gru_cell_serial
    parameter integer RACT_SCALE_SHIFT = 6, // as rnnc_gru_cell_serial
    parameter integer RACT_OFFSET = 512,    // as rnnc_gru_cell_serial
    parameter RACT_FILE = "",               // as rnnc_gru_cell_serial
    parameter integer ACT_KIND = 2,         // as rnnc_gru_cell_serial
    parameter integer ACT_TABLE_BITS = 10,  // as rnnc_gru_cell_serial
    parameter integer ACT_SCALE_SHIFT = 7,  // as rnnc_gru_cell_serial
    parameter integer ACT_OFFSET = 512,     // as rnnc_gru_cell_serial
    parameter ACT_FILE = "",                // as rnnc_gru_cell_serial
    parameter integer TABLE_REG = 0,        // as rnnc_gru_cell_serial
    parameter integer ALIGN3 = 1,           // as rnnc_gru_cell_serial
    parameter integer PRE_HH_REG = 1,       // as rnnc_gru_cell_serial
    parameter integer TB_N = 1,             // number of cycles (vector lines)
    parameter TB_FILE = "",                 // vector file
    parameter TB_CASE = ""                  // case name for messages
);
    localparam integer A = 1 + TABLE_REG;   // activation latency
    localparam integer PB = 2 * A + 1 + PRE_HH_REG;
    localparam integer PP = PB + (ALIGN3 != 0 ? ((A + 2 - PB) % 3 + 3) % 3 : 0);
    localparam integer LAT = PP + 1 + 2 * TABLE_REG;  // h_new latency
    localparam integer SP = ALIGN3 != 0 ? 3 : PP - A + 1;  // cycles between units

    reg clk = 1'b0;
    reg in_valid;
    reg [ACC_W-1:0] pre_z, pre_r, xw_h, hu_h;
    reg [R_W-1:0] h_prev;
    wire [R_W-1:0] h_new;

    reg valid [0:TB_N-1];
    reg [ACC_W-1:0] v_z [0:TB_N-1];
    reg [ACC_W-1:0] v_r [0:TB_N-1];
    reg [ACC_W-1:0] v_xw [0:TB_N-1];
    reg [ACC_W-1:0] v_hu [0:TB_N-1];
    reg [R_W-1:0] v_h [0:TB_N-1];
    reg [R_W-1:0] e_h [0:TB_N-1];
    reg [ACC_W-1:0] t_z, t_r, t_xw, t_hu;
    reg [R_W-1:0] t_h, t_eh;
    integer fd, k, cyc, u, errors, checks, r, t_v;

    always #5 clk = ~clk;

    rnnc_gru_cell_serial #(
        .ACC_W(ACC_W), .ACC_F(ACC_F), .R_W(R_W), .R_F(R_F), .R_SIGNED(R_SIGNED), .R_ROUND(R_ROUND),
        .R_SATURATE(R_SATURATE), .A_ROUND(A_ROUND), .A_SATURATE(A_SATURATE),
        .G_W(G_W), .G_F(G_F), .G_SIGNED(G_SIGNED), .G_ROUND(G_ROUND), .G_SATURATE(G_SATURATE),
        .RACT_KIND(RACT_KIND), .RACT_TABLE_BITS(RACT_TABLE_BITS), .RACT_SCALE_SHIFT(RACT_SCALE_SHIFT),
        .RACT_OFFSET(RACT_OFFSET), .RACT_FILE(RACT_FILE),
        .ACT_KIND(ACT_KIND), .ACT_TABLE_BITS(ACT_TABLE_BITS), .ACT_SCALE_SHIFT(ACT_SCALE_SHIFT),
        .ACT_OFFSET(ACT_OFFSET), .ACT_FILE(ACT_FILE), .TABLE_REG(TABLE_REG), .ALIGN3(ALIGN3),
        .PRE_HH_REG(PRE_HH_REG)
    ) dut (
        .clk(clk), .in_valid(in_valid), .pre_z(pre_z), .pre_r(pre_r), .xw_h(xw_h), .hu_h(hu_h), .h_prev(h_prev),
        .h_new(h_new)
    );

    task fail(input [8*16-1:0] what, input integer unit, input [31:0] expected, input [31:0] got);
        begin
            errors = errors + 1;
            if (errors <= 10)
                $display("MISMATCH rnnc_gru_cell_serial %0s (ACC_W=%0d ACC_F=%0d R_W=%0d R_F=%0d R_SIGNED=%0d R_ROUND=%0d R_SATURATE=%0d A_ROUND=%0d A_SATURATE=%0d G_W=%0d G_F=%0d RACT_KIND=%0d ACT_KIND=%0d TABLE_REG=%0d ALIGN3=%0d PRE_HH_REG=%0d) unit %0d (pre_z=%h pre_r=%h xw_h=%h hu_h=%h h_prev=%h): %0s expected %h got %h",
                         TB_CASE, ACC_W, ACC_F, R_W, R_F, R_SIGNED, R_ROUND, R_SATURATE, A_ROUND, A_SATURATE, G_W, G_F,
                         RACT_KIND, ACT_KIND, TABLE_REG, ALIGN3, PRE_HH_REG, unit, v_z[unit], v_r[unit], v_xw[unit], v_hu[unit],
                         v_h[unit], what, expected, got);
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
            r = $fscanf(fd, "%d %h %h %h %h %h %h\n", t_v, t_z, t_r, t_xw, t_hu, t_h, t_eh);
            if (r != 7) begin
                $display("RESULT FAIL short vector file at %0d", k);
                $finish;
            end
            valid[k] = t_v != 0;
            v_z[k] = t_z;
            v_r[k] = t_r;
            v_xw[k] = t_xw;
            v_hu[k] = t_hu;
            v_h[k] = t_h;
            e_h[k] = t_eh;
        end
        // cycle SP*k: present unit k (x in a bubble and between units); check the unit due
        for (cyc = 0; cyc < SP * TB_N + LAT; cyc = cyc + 1) begin
            k = cyc / SP;
            in_valid = cyc % SP == 0 && k < TB_N && valid[k];
            if (in_valid) begin
                pre_z = v_z[k];
                pre_r = v_r[k];
                xw_h = v_xw[k];
                hu_h = v_hu[k];
                h_prev = v_h[k];
            end else begin
                pre_z = {ACC_W{1'bx}};
                pre_r = {ACC_W{1'bx}};
                xw_h = {ACC_W{1'bx}};
                hu_h = {ACC_W{1'bx}};
                h_prev = {R_W{1'bx}};
            end
            #1;
            u = (cyc - LAT) / SP;
            if (cyc >= LAT && (cyc - LAT) % SP == 0 && u < TB_N && valid[u]) begin
                checks = checks + 1;
                if (h_new !== e_h[u]) fail("h_new at t+PP+1", u, e_h[u], h_new);
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
