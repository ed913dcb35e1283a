// rnnc_gru_cell: one GRU unit's update, reset_after = true (docs/numerics.md, docs/rtl_lib.md).
//
// Stateless and fully pipelined: a new unit's values may enter every cycle; h lives in the
// engine's state banks and comes in as h_prev. Everything a later stage needs travels down its
// own delay registers. Every activation takes A = 1 + TABLE_REG cycles (rnnc_activation).
// pre_z, pre_r, xw_h, hu_h (signed ACC_W/ACC_F) and h_prev (type R) presented in cycle t:
//   t .. t+A-1:      z = ract(pre_z), r = ract(pre_r)      (rnnc_activation);
//                    xw_h, hu_h, h_prev delayed
//   t+A:             zh = z * h_prev, omz = 1 - z, rhu = r * hu_h (exact, registered);
//                    xw_h delayed
//   t+A+1:           pre_hh = cast_A(xw_h + cast_A(rhu))   (registered); zh, omz delayed
//   t+A+2 .. t+2A+1: hh = act(pre_hh)                      (rnnc_activation); zh, omz delayed
//   t+2A+2:          p = omz * hh                          (exact, registered); zh delayed
//                    (with TABLE_REG, for parts whose multipliers are 16x16 such as iCE40's
//                    SB_MAC16, as hh * 2^R_F - z * hh: the same value from one R x R product
//                    instead of an (R+2) x R one, which takes two; z instead of omz delayed)
//   t+2A+3(+2):      h_new = cast_R(zh + p) combinational  -> h_new valid in cycle t+2A+3+2*TABLE_REG
//                    (with TABLE_REG, p and zh are registered once more before the sum, and
//                    the sum before the cast: rnnc_gru_blend)
// (TABLE_REG = 0: h_new valid in cycle t+5.)
// A = (ACC_W, ACC_F, signed, A_ROUND, A_SATURATE); R = (R_W, R_F, R_SIGNED, R_ROUND, R_SATURATE);
// G = (G_W, G_F, G_SIGNED, G_ROUND, G_SATURATE), the gates' type (z, r, hh: the activations'
// outputs), R by default (rnnc's numerics); hls4ml's gru_static keeps them in A (docs/numerics.md).
// Widths: products exact (R and G operands signed, zero-extended by one bit when unsigned);
// 1 - z = 2^G_F - z exactly in max(G_W, G_F + 1) + 2 signed bits; zh (G_F + R_F fractional
// bits) + p (2 G_F) aligned, with one bit of headroom, so the only rounding of h is cast_R.
`resetall
`timescale 1ns / 1ps
`default_nettype none

module rnnc_gru_cell #(
    parameter integer ACC_W = 16,           // accumulator type A width, signed, 1..128
    parameter integer ACC_F = 10,           // accumulator fractional bits
    parameter integer R_W = 16,             // result type R width (gates, h), 1..64
    parameter integer R_F = 10,             // result fractional bits
    parameter integer R_SIGNED = 1,         // 1: R is ap_fixed, 0: ap_ufixed
    parameter integer R_ROUND = 0,          // R quantization: 0..6, as rnnc_quant
    parameter integer R_SATURATE = 0,       // R overflow: O + 4 * N, as rnnc_quant
    parameter integer A_ROUND = 0,          // A quantization: 0..6, as rnnc_quant
    parameter integer A_SATURATE = 0,       // A overflow: O + 4 * N, as rnnc_quant
    parameter integer G_W = R_W,            // gate type G width (z, r, hh), 1..64
    parameter integer G_F = R_F,            // gate fractional bits
    parameter integer G_SIGNED = R_SIGNED,  // 1: G is ap_fixed, 0: ap_ufixed
    parameter integer G_ROUND = R_ROUND,    // G quantization (linear/relu activations): 0..6, as rnnc_quant
    parameter integer G_SATURATE = R_SATURATE, // G overflow: O + 4 * N, as rnnc_quant
    parameter integer RACT_KIND = 2,        // recurrent activation (z, r): 0 linear, 1 relu, 2 table
    parameter integer RACT_TABLE_BITS = 10, // its table: log2 of the entries
    parameter integer RACT_SCALE_SHIFT = 6, // its table: log2 of entries per unit
    parameter integer RACT_OFFSET = 512,    // its table: index of input 0
    parameter integer RACT_TABLE_W = 0,     // its table's stored width (0: its output width); narrower entries are extended
    parameter integer RACT_TABLE_SIGNED = 0,// its table's stored entries are signed (sign-extended)
    parameter integer RACT_TABLE_MIRROR = 0, // its table: the upper half only, mirrored (rnnc_activation TABLE_MIRROR)
    parameter [63:0] RACT_MIRROR_MASK = 64'd0, // ... entry OFFSET - k = entry OFFSET + k ^ this
    parameter [63:0] RACT_MIRROR_ENTRY0 = 64'd0, // ... entry 0
    parameter RACT_FILE = "",               // its table: $readmemh file
    parameter integer ACT_KIND = 2,         // candidate activation: 0 linear, 1 relu, 2 table
    parameter integer ACT_TABLE_BITS = 10,  // its table: log2 of the entries
    parameter integer ACT_SCALE_SHIFT = 7,  // its table: log2 of entries per unit
    parameter integer ACT_OFFSET = 512,     // its table: index of input 0
    parameter integer ACT_TABLE_W = 0,      // its table's stored width (0: its output width); narrower entries are extended
    parameter integer ACT_TABLE_SIGNED = 0, // its table's stored entries are signed (sign-extended)
    parameter integer ACT_TABLE_MIRROR = 0, // its table: the upper half only, mirrored (rnnc_activation TABLE_MIRROR)
    parameter [63:0] ACT_MIRROR_MASK = 64'd0, // ... entry OFFSET - k = entry OFFSET + k ^ this
    parameter [63:0] ACT_MIRROR_ENTRY0 = 64'd0, // ... entry 0
    parameter ACT_FILE = "",                // its table: $readmemh file
    parameter integer TABLE_REG = 0,        // activation latency A = 1 + TABLE_REG (rnnc_activation), 0 or 1
    parameter integer ZH_LUT = 0,           // 1: z * h_prev in logic (rnnc_lut_mul over the cycles it waits anyway)
    parameter integer Z_UBITS = 0           // with ZH_LUT: z lies in [0, 2^Z_UBITS), as its table's entries
                                            // do (fewer rows); 0: any value of G
) (
    input wire clk,
    input wire [ACC_W-1:0] pre_z,           // update gate pre-activation (cycle t)
    input wire [ACC_W-1:0] pre_r,           // reset gate pre-activation (cycle t)
    input wire [ACC_W-1:0] xw_h,            // candidate input projection xw_h (cycle t)
    input wire [ACC_W-1:0] hu_h,            // candidate recurrent projection hu_h (cycle t)
    input wire [R_W-1:0] h_prev,            // the unit's previous h, type R (cycle t)
    output wire [R_W-1:0] h_new             // the unit's new h, type R (cycle t+2A+3+2*TABLE_REG, A = 1 + TABLE_REG)
);
    // R and G values as signed multiplier operands (one zero bit more when unsigned).
    localparam integer FR_W = R_SIGNED != 0 ? R_W : R_W + 1;
    localparam integer FG_W = G_SIGNED != 0 ? G_W : G_W + 1;
    // 1 - z, exact.
    localparam integer OMZ_W = (G_W > G_F + 1 ? G_W : G_F + 1) + 2;
    localparam integer ZH_W = FG_W + FR_W;      // z * h, G_F + R_F fractional bits
    localparam integer P_W = OMZ_W + FG_W;      // (1 - z) * hh, 2 G_F fractional bits
    localparam integer HS_F = G_F > R_F ? 2 * G_F : G_F + R_F;  // the sum's fractional bits
    localparam integer HS_W = (ZH_W + HS_F - G_F - R_F > P_W + HS_F - 2 * G_F ?
                               ZH_W + HS_F - G_F - R_F : P_W + HS_F - 2 * G_F) + 1;
    localparam integer RHU_W = FG_W + ACC_W;    // r * hu, G_F + ACC_F fractional bits

    initial begin
        if (ACC_W < 1 || ACC_W > 128 || R_W < 1 || R_W > 64 || ACC_F < 0 || R_F < 0 ||
            R_SIGNED < 0 || R_SIGNED > 1 || G_W < 1 || G_W > 64 || G_F < 0 || G_SIGNED < 0 || G_SIGNED > 1 ||
            HS_W > 256 || TABLE_REG < 0 || TABLE_REG > 1) begin
            $display("ERROR: rnnc_gru_cell: invalid parameters ACC_W=%0d ACC_F=%0d R_W=%0d R_F=%0d R_SIGNED=%0d G_W=%0d G_F=%0d G_SIGNED=%0d TABLE_REG=%0d (instance %m)",
                     ACC_W, ACC_F, R_W, R_F, R_SIGNED, G_W, G_F, G_SIGNED, TABLE_REG);
            $finish;
        end
    end

    // ---- t .. t+A-1: gate activations (registered); xw_h, hu_h, h_prev delayed ----
    wire [G_W-1:0] gz, gr, ghh;
    rnnc_activation #(
        .IN_W(ACC_W), .IN_F(ACC_F), .IN_SIGNED(1),
        .OUT_W(G_W), .OUT_F(G_F), .OUT_SIGNED(G_SIGNED), .ROUND(G_ROUND), .SATURATE(G_SATURATE),
        .KIND(RACT_KIND), .TABLE_BITS(RACT_TABLE_BITS), .SCALE_SHIFT(RACT_SCALE_SHIFT),
        .OFFSET(RACT_OFFSET), .INIT_FILE(RACT_FILE), .TABLE_W(RACT_TABLE_W), .TABLE_SIGNED(RACT_TABLE_SIGNED), .TABLE_MIRROR(RACT_TABLE_MIRROR), .MIRROR_MASK(RACT_MIRROR_MASK), .MIRROR_ENTRY0(RACT_MIRROR_ENTRY0), .TABLE_REG(TABLE_REG)
    ) u_act_z (.clk(clk), .en(1'b1), .in_data(pre_z), .out_data(gz));
    rnnc_activation #(
        .IN_W(ACC_W), .IN_F(ACC_F), .IN_SIGNED(1),
        .OUT_W(G_W), .OUT_F(G_F), .OUT_SIGNED(G_SIGNED), .ROUND(G_ROUND), .SATURATE(G_SATURATE),
        .KIND(RACT_KIND), .TABLE_BITS(RACT_TABLE_BITS), .SCALE_SHIFT(RACT_SCALE_SHIFT),
        .OFFSET(RACT_OFFSET), .INIT_FILE(RACT_FILE), .TABLE_W(RACT_TABLE_W), .TABLE_SIGNED(RACT_TABLE_SIGNED), .TABLE_MIRROR(RACT_TABLE_MIRROR), .MIRROR_MASK(RACT_MIRROR_MASK), .MIRROR_ENTRY0(RACT_MIRROR_ENTRY0), .TABLE_REG(TABLE_REG)
    ) u_act_r (.clk(clk), .en(1'b1), .in_data(pre_r), .out_data(gr));

    // TABLE_REG = 1: one more delay register for xw_h, hu_h, h_prev (ahead of xw1, hu1, h1)
    // and, further down, for omz (omz5) and zh (zh6), as the activations take one more cycle.
    wire [ACC_W-1:0] xw0, hu0;                  // xw_h, hu_h, cycle t+A-1
    wire [R_W-1:0] h0;                          // h_prev, cycle t+A-1
    generate
        if (TABLE_REG != 0) begin : g_treg_in
            reg [ACC_W-1:0] xw_r, hu_r;
            reg [R_W-1:0] h_r;
            always @(posedge clk) begin
                xw_r <= xw_h;
                hu_r <= hu_h;
                h_r <= h_prev;
            end
            assign xw0 = xw_r;
            assign hu0 = hu_r;
            assign h0 = h_r;
        end else begin : g_no_treg_in
            assign xw0 = xw_h;
            assign hu0 = hu_h;
            assign h0 = h_prev;
        end
    endgenerate

    reg [ACC_W-1:0] xw1, xw2;                   // xw_h, cycles t+A, t+A+1
    reg [ACC_W-1:0] hu1;                        // hu_h, cycle t+A
    reg [R_W-1:0] h1;                           // h_prev, cycle t+A
    always @(posedge clk) begin
        xw1 <= xw0;
        xw2 <= xw1;
        hu1 <= hu0;
        h1 <= h0;
    end

    // R- and G-typed values as signed operands.
    wire [FG_W-1:0] ez, er, ehh;
    wire [FR_W-1:0] eh;
    generate
        if (R_SIGNED != 0) begin : g_rs
            assign eh = h1;
        end else begin : g_ru
            assign eh = {1'b0, h1};
        end
        if (G_SIGNED != 0) begin : g_gs
            assign ez = gz;
            assign er = gr;
            assign ehh = ghh;
        end else begin : g_gu
            assign ez = {1'b0, gz};
            assign er = {1'b0, gr};
            assign ehh = {1'b0, ghh};
        end
    endgenerate

    // ---- t+A: zh = z * h_prev, omz = 1 - z, rhu = r * hu_h (exact, registered) ----
    // (the register names count the cycles for TABLE_REG = 0; with TABLE_REG the omz registers
    // hold z, Q_W = FG_W bits, for the split product below)
    localparam integer Q_W = TABLE_REG != 0 ? FG_W : OMZ_W;
    wire [Q_W-1:0] q1;                          // omz (or z), cycle t+A
    generate
        if (TABLE_REG != 0) begin : g_q_z
            assign q1 = ez;
        end else begin : g_q_omz
            localparam [OMZ_W-1:0] ONE = {{(OMZ_W - 1){1'b0}}, 1'b1} << G_F;
            assign q1 = ONE - {{(OMZ_W - FG_W){ez[FG_W-1]}}, ez};
        end
    endgenerate
    reg [Q_W-1:0] omz2, omz3, omz4;             // 1 - z (or z), cycles t+A+1 .. t+A+3
    reg [RHU_W-1:0] rhu2;                       // r * hu_h, cycle t+A+1
    always @(posedge clk) begin
        omz2 <= q1;
        rhu2 <= $signed(er) * $signed(hu1);
        omz3 <= omz2;
        omz4 <= omz3;
    end
    wire [Q_W-1:0] omz_p;                       // 1 - z (or z), cycle t+2A+2 (at p)
    generate
        if (TABLE_REG != 0) begin : g_treg_mid
            reg [Q_W-1:0] omz5;
            always @(posedge clk) omz5 <= omz4;
            assign omz_p = omz5;
        end else begin : g_no_treg_mid
            assign omz_p = omz4;
        end
    endgenerate

    // z * h_prev, needed at h_new only: ZH_LAT = 4 + TABLE_REG cycles after z (a multiplier
    // block and delay registers, or with ZH_LUT rnnc_lut_mul spread over those cycles; z's low
    // Z_UBITS bits as an unsigned operand when its values are known to fit them, fewer rows).
    // (The table itself stays full width: see emit_verilog.c table_storage.)
    localparam integer ZH_LAT = 4 + TABLE_REG;
    localparam integer ZB_W = Z_UBITS < 2 ? 2 : Z_UBITS;
    localparam integer Z_NARROW = (Z_UBITS > 0 && ZB_W < G_W) ? 1 : 0;
    wire [ZH_W-1:0] zh_h;                       // z * h_prev, cycle t+2A+3 (at h_new)
    generate
        if (ZH_LUT == 0) begin : g_zh_dsp
            reg [ZH_W-1:0] zh2, zh3, zh4, zh5;  // cycles t+A+1 .. t+A+4
            always @(posedge clk) begin
                zh2 <= $signed(ez) * $signed(eh);
                zh3 <= zh2;
                zh4 <= zh3;
                zh5 <= zh4;
            end
            if (TABLE_REG != 0) begin : g_treg
                reg [ZH_W-1:0] zh6;
                always @(posedge clk) zh6 <= zh5;
                assign zh_h = zh6;
            end else begin : g_no_treg
                assign zh_h = zh5;
            end
        end else if (Z_NARROW != 0) begin : g_zh_lut_narrow
            wire [FR_W+ZB_W-1:0] zh_n;
            rnnc_lut_mul #(
                .A_W(FR_W), .B_W(ZB_W), .B_SIGNED(0), .LAT(ZH_LAT)
            ) u_zh (.clk(clk), .a(eh), .b(gz[ZB_W-1:0]), .p(zh_n));
            assign zh_h = {{(ZH_W - FR_W - ZB_W){zh_n[FR_W+ZB_W-1]}}, zh_n};
        end else begin : g_zh_lut
            rnnc_lut_mul #(
                .A_W(FR_W), .B_W(FG_W), .B_SIGNED(1), .LAT(ZH_LAT)
            ) u_zh (.clk(clk), .a(eh), .b(ez), .p(zh_h));
        end
    endgenerate

    // ---- t+A+1: pre_hh = cast_A(xw_h + cast_A(rhu)), registered ----
    wire [ACC_W-1:0] rhu_a;
    rnnc_quant #(
        .IN_W(RHU_W), .IN_F(G_F + ACC_F), .IN_SIGNED(1),
        .OUT_W(ACC_W), .OUT_F(ACC_F), .OUT_SIGNED(1), .ROUND(A_ROUND), .SATURATE(A_SATURATE)
    ) u_quant_rhu (.in_data(rhu2), .out_data(rhu_a));
    wire [ACC_W:0] hh_sum = {xw2[ACC_W-1], xw2} + {rhu_a[ACC_W-1], rhu_a};
    wire [ACC_W-1:0] hh_cast;
    rnnc_quant #(
        .IN_W(ACC_W + 1), .IN_F(ACC_F), .IN_SIGNED(1),
        .OUT_W(ACC_W), .OUT_F(ACC_F), .OUT_SIGNED(1), .ROUND(A_ROUND), .SATURATE(A_SATURATE)
    ) u_quant_hh (.in_data(hh_sum), .out_data(hh_cast));
    reg [ACC_W-1:0] pre_hh3;                    // pre_hh, cycle t+A+2
    always @(posedge clk) pre_hh3 <= hh_cast;

    // ---- t+A+2 .. t+2A+1: hh = act(pre_hh), registered ----
    rnnc_activation #(
        .IN_W(ACC_W), .IN_F(ACC_F), .IN_SIGNED(1),
        .OUT_W(G_W), .OUT_F(G_F), .OUT_SIGNED(G_SIGNED), .ROUND(G_ROUND), .SATURATE(G_SATURATE),
        .KIND(ACT_KIND), .TABLE_BITS(ACT_TABLE_BITS), .SCALE_SHIFT(ACT_SCALE_SHIFT),
        .OFFSET(ACT_OFFSET), .INIT_FILE(ACT_FILE), .TABLE_W(ACT_TABLE_W), .TABLE_SIGNED(ACT_TABLE_SIGNED), .TABLE_MIRROR(ACT_TABLE_MIRROR), .MIRROR_MASK(ACT_MIRROR_MASK), .MIRROR_ENTRY0(ACT_MIRROR_ENTRY0), .TABLE_REG(TABLE_REG)
    ) u_act_hh (.clk(clk), .en(1'b1), .in_data(pre_hh3), .out_data(ghh));

    // ---- t+2A+2: p = omz * hh (exact, registered) ----
    wire [P_W-1:0] p5;                          // (1 - z) * hh, cycle t+2A+3
    generate
        if (TABLE_REG != 0) begin : g_p_split
            // hh * 2^G_F - z * hh from registered z * hh and hh (exact in P_W bits)
            reg [2*FG_W-1:0] zhh5;
            reg [FG_W-1:0] hh5;
            always @(posedge clk) begin
                zhh5 <= $signed(omz_p) * $signed(ehh);
                hh5 <= ehh;
            end
            wire [P_W-1:0] hh_x = {{(P_W - FG_W){hh5[FG_W-1]}}, hh5};
            assign p5 = (hh_x << G_F) - {{(P_W - 2 * FG_W){zhh5[2*FG_W-1]}}, zhh5};
        end else begin : g_p_mul
            reg [P_W-1:0] p_r;
            always @(posedge clk) p_r <= $signed(omz_p) * $signed(ehh);
            assign p5 = p_r;
        end
    endgenerate

    // ---- h_new = cast_R(zh + p) (rnnc_gru_blend; with TABLE_REG both registered, then the sum) ----
    rnnc_gru_blend #(
        .ZH_W(ZH_W), .P_W(P_W), .R_W(R_W), .R_F(R_F), .R_SIGNED(R_SIGNED), .R_ROUND(R_ROUND),
        .R_SATURATE(R_SATURATE), .REG(TABLE_REG), .ZH_F(G_F + R_F), .P_F(2 * G_F)
    ) u_blend (.clk(clk), .zh(zh_h), .p(p5), .h_new(h_new));

endmodule

`resetall
