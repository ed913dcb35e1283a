// rnnc_gru_cell: one GRU unit's elementwise update (docs/numerics.md, docs/rtl_lib.md).
//
// RESET_AFTER = 1: pre_z, pre_r, xw_h, hu_h (signed ACC_W/ACC_F) at cycle t with in_valid:
//   t:   z = ract(pre_z), r = ract(pre_r)                   (rnnc_activation registers)
//   t+1: zh = z * h_state, omz = 1 - z, rhu = r * hu_h      (exact, registered)
//   t+2: pre_hh = cast_A(xw_h + cast_A(rhu))                (registered)
//   t+3: hh = act(pre_hh)                                   (rnnc_activation register)
//   t+4: p = omz * hh                                       (registered)
//   t+5: h_new = cast_R(zh + p), h_new_valid; h_state <= in_clear ? 0 : h_new at the end.
//   rh = 0 and rh_valid = 0; cand_valid and pre_hh are unused.
// RESET_AFTER = 0: pre_z, pre_r at t with in_valid (xw_h, hu_h unused):
//   t: z, r; t+1: zh, omz and rh = cast_R(r * h_state) registered, rh_valid at t+2.
//   pre_hh at t' with cand_valid: t': hh = act(pre_hh); t'+1: p = omz * hh (registered);
//   t'+2: h_new = cast_R(zh + p), h_new_valid, h_state update. zh and omz hold until then.
// A = (ACC_W, ACC_F, signed, A_ROUND, A_SATURATE); R = (R_W, R_F, R_SIGNED, R_ROUND,
// R_SATURATE). rst clears h_state and the valid pipelines.
//
// Spec readings (docs/rtl_lib.md leaves these open):
// - pre_hh (RESET_AFTER = 1) is registered at the end of t+2 (this is what makes the
//   documented latency 6: h_new at t+5).
// - One step at a time: the next in_valid comes no earlier than the cycle of h_new_valid.
//   in_clear is sampled with in_valid and held for the step; the gate registers hold z, r and
//   the delayed xw_h, hu_h until they are used.
// - 1 - z is exact: 2^R_F - z in max(R_W, R_F + 1) + 2 signed bits.
`resetall
`timescale 1ns / 1ps
`default_nettype none

module rnnc_gru_cell #(
    parameter integer RESET_AFTER = 1,      // 1: reset_after (Keras default) form, 0: reset before
    parameter integer ACC_W = 16,           // accumulator type A width, signed, 1..32
    parameter integer ACC_F = 10,           // accumulator fractional bits
    parameter integer R_W = 16,             // result type R width (gates, h), 1..32
    parameter integer R_F = 10,             // result fractional bits
    parameter integer R_SIGNED = 1,         // 1: R is ap_fixed, 0: ap_ufixed
    parameter integer R_ROUND = 0,          // R quantization: 0 AP_TRN, 1 AP_RND, 2 AP_RND_CONV
    parameter integer R_SATURATE = 0,       // R overflow: 0 AP_WRAP, 1 AP_SAT
    parameter integer A_ROUND = 0,          // A quantization: 0 AP_TRN, 1 AP_RND, 2 AP_RND_CONV
    parameter integer A_SATURATE = 0,       // A overflow: 0 AP_WRAP, 1 AP_SAT
    parameter integer RACT_KIND = 2,        // recurrent activation (z, r): 0 linear, 1 relu, 2 table
    parameter integer RACT_TABLE_BITS = 10, // its table: log2 of the entries
    parameter integer RACT_SCALE_SHIFT = 6, // its table: log2 of entries per unit
    parameter integer RACT_OFFSET = 512,    // its table: index of input 0
    parameter RACT_FILE = "",               // its table: $readmemh file
    parameter integer ACT_KIND = 2,         // candidate activation: 0 linear, 1 relu, 2 table
    parameter integer ACT_TABLE_BITS = 10,  // its table: log2 of the entries
    parameter integer ACT_SCALE_SHIFT = 7,  // its table: log2 of entries per unit
    parameter integer ACT_OFFSET = 512,     // its table: index of input 0
    parameter ACT_FILE = ""                 // its table: $readmemh file
) (
    input wire clk,
    input wire rst,
    input wire in_valid,
    input wire in_clear,
    input wire [ACC_W-1:0] pre_z,
    input wire [ACC_W-1:0] pre_r,
    input wire [ACC_W-1:0] xw_h,
    input wire [ACC_W-1:0] hu_h,
    output wire [R_W-1:0] rh,
    output wire rh_valid,
    input wire cand_valid,
    input wire [ACC_W-1:0] pre_hh,
    output reg [R_W-1:0] h_state,
    output wire [R_W-1:0] h_new,
    output wire h_new_valid
);
    // R values as signed multiplier operands (one zero bit more when R is unsigned).
    localparam integer FR_W = R_SIGNED != 0 ? R_W : R_W + 1;
    // 1 - z, exact.
    localparam integer OMZ_W = (R_W > R_F + 1 ? R_W : R_F + 1) + 2;
    localparam integer ZH_W = 2 * FR_W;         // z * h, 2 R_F fractional bits
    localparam integer P_W = OMZ_W + FR_W;      // (1 - z) * hh, 2 R_F fractional bits
    localparam integer HS_W = (ZH_W > P_W ? ZH_W : P_W) + 1;
    localparam integer RH_W = FR_W + ACC_W;     // r * hu (R_F + ACC_F) or r * h (2 R_F)

    initial begin
        if (RESET_AFTER < 0 || RESET_AFTER > 1 || ACC_W < 1 || ACC_W > 32 || R_W < 1 || R_W > 32 ||
            ACC_F < 0 || R_F < 0 || HS_W > 128) begin
            $display("ERROR: rnnc_gru_cell: invalid parameters RESET_AFTER=%0d ACC_W=%0d R_W=%0d R_F=%0d (instance %m)",
                     RESET_AFTER, ACC_W, R_W, R_F);
            $finish;
        end
    end

    reg v1;
    reg clear_q;
    always @(posedge clk) begin
        if (rst) v1 <= 1'b0;
        else v1 <= in_valid;
    end
    always @(posedge clk) if (in_valid) clear_q <= in_clear;

    // ---- t: gate activations ----
    wire [R_W-1:0] gz, gr, ghh;
    rnnc_activation #(
        .IN_W(ACC_W), .IN_F(ACC_F), .IN_SIGNED(1),
        .OUT_W(R_W), .OUT_F(R_F), .OUT_SIGNED(R_SIGNED), .ROUND(R_ROUND), .SATURATE(R_SATURATE),
        .KIND(RACT_KIND), .TABLE_BITS(RACT_TABLE_BITS), .SCALE_SHIFT(RACT_SCALE_SHIFT),
        .OFFSET(RACT_OFFSET), .INIT_FILE(RACT_FILE)
    ) u_act_z (.clk(clk), .en(in_valid), .in_data(pre_z), .out_data(gz));
    rnnc_activation #(
        .IN_W(ACC_W), .IN_F(ACC_F), .IN_SIGNED(1),
        .OUT_W(R_W), .OUT_F(R_F), .OUT_SIGNED(R_SIGNED), .ROUND(R_ROUND), .SATURATE(R_SATURATE),
        .KIND(RACT_KIND), .TABLE_BITS(RACT_TABLE_BITS), .SCALE_SHIFT(RACT_SCALE_SHIFT),
        .OFFSET(RACT_OFFSET), .INIT_FILE(RACT_FILE)
    ) u_act_r (.clk(clk), .en(in_valid), .in_data(pre_r), .out_data(gr));

    // R-typed values as signed operands.
    wire [FR_W-1:0] ez, er, eh, ehh;
    wire [OMZ_W-1:0] z_omz;     // z extended to OMZ_W bits
    generate
        if (R_SIGNED != 0) begin : g_rs
            assign ez = gz;
            assign er = gr;
            assign eh = h_state;
            assign ehh = ghh;
            assign z_omz = {{(OMZ_W - R_W){gz[R_W-1]}}, gz};
        end else begin : g_ru
            assign ez = {1'b0, gz};
            assign er = {1'b0, gr};
            assign eh = {1'b0, h_state};
            assign ehh = {1'b0, ghh};
            assign z_omz = {{(OMZ_W - R_W){1'b0}}, gz};
        end
    endgenerate

    // ---- t+1: zh = z * h_state, omz = 1 - z (held until used) ----
    localparam [OMZ_W-1:0] ONE = {{(OMZ_W - 1){1'b0}}, 1'b1} << R_F;
    reg [ZH_W-1:0] zh;
    reg [OMZ_W-1:0] omz;
    always @(posedge clk) begin
        if (v1) begin
            zh <= $signed(ez) * $signed(eh);
            omz <= ONE - z_omz;
        end
    end

    // ---- the candidate: p = omz * hh, registered when p_en ----
    wire hh_en;                 // loads the candidate activation register
    wire [ACC_W-1:0] hh_in;     // its input
    wire p_en;                  // loads p
    reg [P_W-1:0] p;
    always @(posedge clk) if (p_en) p <= $signed(omz) * $signed(ehh);

    rnnc_activation #(
        .IN_W(ACC_W), .IN_F(ACC_F), .IN_SIGNED(1),
        .OUT_W(R_W), .OUT_F(R_F), .OUT_SIGNED(R_SIGNED), .ROUND(R_ROUND), .SATURATE(R_SATURATE),
        .KIND(ACT_KIND), .TABLE_BITS(ACT_TABLE_BITS), .SCALE_SHIFT(ACT_SCALE_SHIFT),
        .OFFSET(ACT_OFFSET), .INIT_FILE(ACT_FILE)
    ) u_act_hh (.clk(clk), .en(hh_en), .in_data(hh_in), .out_data(ghh));

    generate
        if (RESET_AFTER != 0) begin : g_after
            reg v2, v3, v4, v5;
            always @(posedge clk) begin
                if (rst) begin
                    v2 <= 1'b0;
                    v3 <= 1'b0;
                    v4 <= 1'b0;
                    v5 <= 1'b0;
                end else begin
                    v2 <= v1;
                    v3 <= v2;
                    v4 <= v3;
                    v5 <= v4;
                end
            end

            // t: hold xw_h and hu_h; t+1: rhu = r * hu_h
            reg [ACC_W-1:0] xw_q, hu_q;
            always @(posedge clk) begin
                if (in_valid) begin
                    xw_q <= xw_h;
                    hu_q <= hu_h;
                end
            end
            reg [RH_W-1:0] rhu;
            always @(posedge clk) if (v1) rhu <= $signed(er) * $signed(hu_q);

            // t+2: pre_hh = cast_A(xw_h + cast_A(rhu))
            wire [ACC_W-1:0] rhu_a;
            rnnc_quant #(
                .IN_W(RH_W), .IN_F(R_F + ACC_F), .IN_SIGNED(1),
                .OUT_W(ACC_W), .OUT_F(ACC_F), .OUT_SIGNED(1), .ROUND(A_ROUND), .SATURATE(A_SATURATE)
            ) u_quant_rhu (.in_data(rhu), .out_data(rhu_a));
            wire [ACC_W:0] hh_sum = {xw_q[ACC_W-1], xw_q} + {rhu_a[ACC_W-1], rhu_a};
            wire [ACC_W-1:0] hh_cast;
            rnnc_quant #(
                .IN_W(ACC_W + 1), .IN_F(ACC_F), .IN_SIGNED(1),
                .OUT_W(ACC_W), .OUT_F(ACC_F), .OUT_SIGNED(1), .ROUND(A_ROUND), .SATURATE(A_SATURATE)
            ) u_quant_hh (.in_data(hh_sum), .out_data(hh_cast));
            reg [ACC_W-1:0] pre_hh_q;
            always @(posedge clk) if (v2) pre_hh_q <= hh_cast;

            // t+3: hh; t+4: p; t+5: h_new
            assign hh_en = v3;
            assign hh_in = pre_hh_q;
            assign p_en = v4;
            assign h_new_valid = v5;
            assign rh = {R_W{1'b0}};
            assign rh_valid = 1'b0;

            /* verilator lint_off UNUSEDSIGNAL */
            wire unused_ports = cand_valid ^ (^pre_hh); // the reset-before candidate input
            /* verilator lint_on UNUSEDSIGNAL */
        end else begin : g_before
            // t+1: rh = cast_R(r * h_state), registered
            wire [2*FR_W-1:0] rh_prod = $signed(er) * $signed(eh);
            wire [R_W-1:0] rh_cast;
            rnnc_quant #(
                .IN_W(2 * FR_W), .IN_F(2 * R_F), .IN_SIGNED(1),
                .OUT_W(R_W), .OUT_F(R_F), .OUT_SIGNED(R_SIGNED), .ROUND(R_ROUND), .SATURATE(R_SATURATE)
            ) u_quant_rh (.in_data(rh_prod), .out_data(rh_cast));
            reg [R_W-1:0] rh_q;
            reg v2, c1, c2;
            always @(posedge clk) if (v1) rh_q <= rh_cast;
            always @(posedge clk) begin
                if (rst) begin
                    v2 <= 1'b0;
                    c1 <= 1'b0;
                    c2 <= 1'b0;
                end else begin
                    v2 <= v1;
                    c1 <= cand_valid;
                    c2 <= c1;
                end
            end
            assign rh = rh_q;
            assign rh_valid = v2;

            // t': hh; t'+1: p; t'+2: h_new
            assign hh_en = cand_valid;
            assign hh_in = pre_hh;
            assign p_en = c1;
            assign h_new_valid = c2;

            /* verilator lint_off UNUSEDSIGNAL */
            wire unused_ports = (^xw_h) ^ (^hu_h); // the reset-after inputs
            /* verilator lint_on UNUSEDSIGNAL */
        end
    endgenerate

    // ---- h_new = cast_R(zh + p) ----
    wire signed [HS_W-1:0] zh_x = $signed({{(HS_W - ZH_W){zh[ZH_W-1]}}, zh});
    wire signed [HS_W-1:0] p_x = $signed({{(HS_W - P_W){p[P_W-1]}}, p});
    wire [HS_W-1:0] h_sum = zh_x + p_x;
    rnnc_quant #(
        .IN_W(HS_W), .IN_F(2 * R_F), .IN_SIGNED(1),
        .OUT_W(R_W), .OUT_F(R_F), .OUT_SIGNED(R_SIGNED), .ROUND(R_ROUND), .SATURATE(R_SATURATE)
    ) u_quant_h (.in_data(h_sum), .out_data(h_new));

    always @(posedge clk) begin
        if (rst) h_state <= {R_W{1'b0}};
        else if (h_new_valid) h_state <= clear_q ? {R_W{1'b0}} : h_new;
    end

endmodule

`resetall
