// rnnc_gru_cell_serial: one GRU unit's update (reset_after = true) on ONE multiplier
// (docs/rtl_lib.md): the numerics of rnnc_gru_cell (same casts, same exact products), its three
// products r * hu_h, z * h_prev and z * hh taking turns on a single registered multiplier, so
// a unit may enter every 3 cycles (in_valid) instead of every cycle. (1 - z) * hh is always
// formed as hh * 2^G_F - z * hh (exact, as rnnc_gru_cell does with TABLE_REG).
//
// Stateless apart from the in_valid delay line that steers the shared multiplier; h lives in
// the engine's state banks. A = 1 + TABLE_REG cycles per activation (rnnc_activation). A unit
// presented in cycle t (in_valid = 1, the other inputs valid in that cycle only):
//   t .. t+A-1:      z = ract(pre_z), r = ract(pre_r); xw_h, hu_h, h_prev delayed
//   t+A:             multiplier <- r * hu_h                       (result registered: t+A+1)
//   t+A+1:           multiplier <- z * h_prev                     (t+A+2, then delayed);
//                    pre_hh = cast_A(xw_h + cast_A(rhu)) registered (t+A+2)
//   t+A+2 .. t+2A+1: hh = act(pre_hh)                             (rnnc_activation)
//   t+PP:            multiplier <- z * hh  (ALIGN3 = 1: PP = the first cycle >= 2A+2 with
//                    PP = A+2 mod 3, so the three products of units 3 cycles apart never meet:
//                    6, or 7 with TABLE_REG; ALIGN3 = 0: PP = 2A+2, 4 or 6, for a lane that
//                    serves one unit per step)
//   t+PP+1:          p = hh * 2^G_F - z * hh; h_new = cast_R(zh + p) (rnnc_gru_blend: with
//                    TABLE_REG both registered, then the sum)
//                    -> h_new valid in cycle t+PP+1+2*TABLE_REG (t+7, or t+10 with TABLE_REG;
//                    ALIGN3 = 0: t+5, or t+9)
// PRE_HH_REG = 0 leaves pre_hh unregistered: the candidate's activation reads
// cast_A(xw_h + cast_A(rhu)) from the product register in t+A+1, hh comes a cycle earlier and
// PP's lower limit is 2A+1 (ALIGN3 = 1: 3, or 7 with TABLE_REG; ALIGN3 = 0: 3 or 5). The same
// values; the add and the casts then lie between the product register and the table's read
// (for fast fabrics, with casts that truncate and wrap: UltraScale+).
// h_new holds the unit's value in that cycle only. With ALIGN3 = 1 units must enter 3 cycles
// apart (or any multiple of 3), or so far apart that the earlier one's z * hh (t+PP) precedes
// the later one's r * hu (its t+A); with ALIGN3 = 0 only the latter (PP - A + 1 cycles apart).
// Widths: the multiplier is FG_W x max(ACC_W, FR_W, FG_W) bits, signed (one SB_MAC16 at 16
// bits); each product is taken at its exact width, as in rnnc_gru_cell.
`resetall
`timescale 1ns / 1ps
`default_nettype none

module rnnc_gru_cell_serial #(
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
    parameter integer ALIGN3 = 1,           // 1: z * hh in a cycle A+2 mod 3 (units 3 cycles apart), 0: at 2A+2
    parameter integer PRE_HH_REG = 1        // 1: pre_hh registered, 0: the candidate's table reads it unregistered

) (
    input wire clk,
    input wire in_valid,                    // a unit is presented in this cycle (t)
    input wire [ACC_W-1:0] pre_z,           // update gate pre-activation (cycle t)
    input wire [ACC_W-1:0] pre_r,           // reset gate pre-activation (cycle t)
    input wire [ACC_W-1:0] xw_h,            // candidate input projection xw_h (cycle t)
    input wire [ACC_W-1:0] hu_h,            // candidate recurrent projection hu_h (cycle t)
    input wire [R_W-1:0] h_prev,            // the unit's previous h, type R (cycle t)
    output wire [R_W-1:0] h_new             // the unit's new h, type R (cycle t+PP+1+2*TABLE_REG)
);
    localparam integer A = 1 + TABLE_REG;
    localparam integer PB = 2 * A + 1 + PRE_HH_REG;  // hh's first cycle
    localparam integer PP = PB + (ALIGN3 != 0 ? ((A + 2 - PB) % 3 + 3) % 3 : 0);  // z * hh's cycle (see above)
    // R and G values as signed multiplier operands (one zero bit more when unsigned).
    localparam integer FR_W = R_SIGNED != 0 ? R_W : R_W + 1;
    localparam integer FG_W = G_SIGNED != 0 ? G_W : G_W + 1;
    localparam integer Y0_W = ACC_W > FR_W ? ACC_W : FR_W;
    localparam integer Y_W = Y0_W > FG_W ? Y0_W : FG_W;    // the multiplier's second operand
    localparam integer M_W = FG_W + Y_W;
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
            HS_W > 256 || TABLE_REG < 0 || TABLE_REG > 1 || ALIGN3 < 0 || ALIGN3 > 1 || PRE_HH_REG < 0 || PRE_HH_REG > 1) begin
            $display("ERROR: rnnc_gru_cell_serial: invalid parameters ACC_W=%0d ACC_F=%0d R_W=%0d R_F=%0d R_SIGNED=%0d G_W=%0d G_F=%0d G_SIGNED=%0d TABLE_REG=%0d ALIGN3=%0d PRE_HH_REG=%0d (instance %m)",
                     ACC_W, ACC_F, R_W, R_F, R_SIGNED, G_W, G_F, G_SIGNED, TABLE_REG, ALIGN3, PRE_HH_REG);
            $finish;
        end
    end

    // in_valid delayed: vd[d] = a unit entered d cycles ago (steers the multiplier)
    reg [PP:1] vd = {PP{1'b0}};
    always @(posedge clk) vd <= {vd[PP-1:1], in_valid};

    // ---- t .. t+A-1: z, r = ract(pre) (registered) ----
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

    // Delay lines as flat vectors (a memory of registers makes Yosys warn): NAME_l holds the
    // source and its N delayed copies, NAME_l[k*W +: W] = the source k cycles ago.
    // xw_h to cycle t+A+1, hu_h to t+A, h_prev to t+A+1
    reg [(A+1)*ACC_W-1:0] xw_r;
    reg [A*ACC_W-1:0] hu_r;
    reg [(A+1)*R_W-1:0] h_r;
    wire [(A+2)*ACC_W-1:0] xw_l = {xw_r, xw_h};
    wire [(A+1)*ACC_W-1:0] hu_l = {hu_r, hu_h};
    wire [(A+2)*R_W-1:0] h_l = {h_r, h_prev};
    always @(posedge clk) begin
        xw_r <= xw_l[(A+1)*ACC_W-1:0];
        hu_r <= hu_l[A*ACC_W-1:0];
        h_r <= h_l[(A+1)*R_W-1:0];
    end
    wire [ACC_W-1:0] xw_a1 = xw_l[(A+1)*ACC_W +: ACC_W];  // t+A+1
    wire [ACC_W-1:0] hu_a = hu_l[A*ACC_W +: ACC_W];       // t+A
    wire [R_W-1:0] h_a1 = h_l[(A+1)*R_W +: R_W];          // t+A+1
    // z from t+A to t+PP (PP - A registers)
    reg [(PP-A)*G_W-1:0] z_r;
    wire [(PP-A+1)*G_W-1:0] z_l = {z_r, gz};
    always @(posedge clk) z_r <= z_l[(PP-A)*G_W-1:0];
    wire [G_W-1:0] z_a1 = z_l[G_W +: G_W];                // t+A+1
    wire [G_W-1:0] z_pp = z_l[(PP-A)*G_W +: G_W];         // t+PP

    // R- and G-typed values as signed operands: r (t+A), z (t+A+1 and t+PP), h_prev (t+A+1),
    // hh (t+PP and t+PP+1)
    wire [G_W-1:0] hh_p;                    // hh at t+PP
    reg [G_W-1:0] hh_q;                     // hh at t+PP+1
    wire [FG_W-1:0] er, ez1, ezp, ehh, ehq;
    wire [FR_W-1:0] eh;
    generate
        if (R_SIGNED != 0) begin : g_rs
            assign eh = h_a1;
        end else begin : g_ru
            assign eh = {1'b0, h_a1};
        end
        if (G_SIGNED != 0) begin : g_gs
            assign er = gr;
            assign ez1 = z_a1;
            assign ezp = z_pp;
            assign ehh = hh_p;
            assign ehq = hh_q;
        end else begin : g_gu
            assign er = {1'b0, gr};
            assign ez1 = {1'b0, z_a1};
            assign ezp = {1'b0, z_pp};
            assign ehh = {1'b0, hh_p};
            assign ehq = {1'b0, hh_q};
        end
    endgenerate

    // ---- the shared multiplier: r * hu at t+A (default), z * h at t+A+1, z * hh at t+PP ----
    wire [Y_W-1:0] hu_y = {{(Y_W - ACC_W){hu_a[ACC_W-1]}}, hu_a};
    wire [Y_W-1:0] h_y = {{(Y_W - FR_W){eh[FR_W-1]}}, eh};
    wire [Y_W-1:0] hh_y = {{(Y_W - FG_W){ehh[FG_W-1]}}, ehh};
    reg [FG_W-1:0] m_x;
    reg [Y_W-1:0] m_y;
    always @* begin
        if (vd[PP]) begin
            m_x = ezp;
            m_y = hh_y;
        end else if (vd[A+1]) begin
            m_x = ez1;
            m_y = h_y;
        end else begin
            m_x = er;
            m_y = hu_y;
        end
    end
    (* keep *) reg [M_W-1:0] m_r;           // the product, registered
    always @(posedge clk) m_r <= $signed(m_x) * $signed(m_y);

    // ---- t+A+1: pre_hh = cast_A(xw_h + cast_A(rhu)), registered (or not: PRE_HH_REG) ----
    wire [ACC_W-1:0] rhu_a;
    rnnc_quant #(
        .IN_W(RHU_W), .IN_F(G_F + ACC_F), .IN_SIGNED(1),
        .OUT_W(ACC_W), .OUT_F(ACC_F), .OUT_SIGNED(1), .ROUND(A_ROUND), .SATURATE(A_SATURATE)
    ) u_quant_rhu (.in_data(m_r[RHU_W-1:0]), .out_data(rhu_a));
    wire [ACC_W:0] hh_sum = {xw_a1[ACC_W-1], xw_a1} + {rhu_a[ACC_W-1], rhu_a};
    wire [ACC_W-1:0] hh_cast;
    rnnc_quant #(
        .IN_W(ACC_W + 1), .IN_F(ACC_F), .IN_SIGNED(1),
        .OUT_W(ACC_W), .OUT_F(ACC_F), .OUT_SIGNED(1), .ROUND(A_ROUND), .SATURATE(A_SATURATE)
    ) u_quant_hh (.in_data(hh_sum), .out_data(hh_cast));
    wire [ACC_W-1:0] pre_hh;
    generate
        if (PRE_HH_REG != 0) begin : g_pre_hh_reg
            reg [ACC_W-1:0] pre_hh_r;
            always @(posedge clk) pre_hh_r <= hh_cast;
            assign pre_hh = pre_hh_r;
        end else begin : g_pre_hh_direct
            assign pre_hh = hh_cast;
        end
    endgenerate

    // ---- t+A+1+PRE_HH_REG .. t+PB-1: hh = act(pre_hh); delayed to t+PP and t+PP+1 ----
    rnnc_activation #(
        .IN_W(ACC_W), .IN_F(ACC_F), .IN_SIGNED(1),
        .OUT_W(G_W), .OUT_F(G_F), .OUT_SIGNED(G_SIGNED), .ROUND(G_ROUND), .SATURATE(G_SATURATE),
        .KIND(ACT_KIND), .TABLE_BITS(ACT_TABLE_BITS), .SCALE_SHIFT(ACT_SCALE_SHIFT),
        .OFFSET(ACT_OFFSET), .INIT_FILE(ACT_FILE), .TABLE_W(ACT_TABLE_W), .TABLE_SIGNED(ACT_TABLE_SIGNED), .TABLE_MIRROR(ACT_TABLE_MIRROR), .MIRROR_MASK(ACT_MIRROR_MASK), .MIRROR_ENTRY0(ACT_MIRROR_ENTRY0), .TABLE_REG(TABLE_REG)
    ) u_act_hh (.clk(clk), .en(1'b1), .in_data(pre_hh), .out_data(ghh));
    localparam integer HH_N = PP - PB;          // hh from t+PB to t+PP (none with ALIGN3 = 0)
    generate
        if (HH_N > 0) begin : g_hh_delay
            reg [HH_N*G_W-1:0] hh_r;
            wire [(HH_N+1)*G_W-1:0] hh_l = {hh_r, ghh};
            always @(posedge clk) hh_r <= hh_l[HH_N*G_W-1:0];
            assign hh_p = hh_l[HH_N*G_W +: G_W];
        end else begin : g_hh_now
            assign hh_p = ghh;
        end
    endgenerate
    always @(posedge clk) hh_q <= hh_p;

    // z * h_prev: in the product register at t+A+2, delayed to t+PP+1 (PP - A - 1 registers)
    localparam integer ZH_N = PP - A - 1;
    reg [ZH_N*ZH_W-1:0] zh_r;
    wire [(ZH_N+1)*ZH_W-1:0] zh_l = {zh_r, m_r[ZH_W-1:0]};
    always @(posedge clk) zh_r <= zh_l[ZH_N*ZH_W-1:0];

    // ---- t+PP+1: p = hh * 2^G_F - z * hh (exact in P_W bits), h_new = cast_R(zh + p) ----
    wire [P_W-1:0] hh_x = {{(P_W - FG_W){ehq[FG_W-1]}}, ehq};
    wire [P_W-1:0] p = (hh_x << G_F) - {{(P_W - 2 * FG_W){m_r[2*FG_W-1]}}, m_r[2*FG_W-1:0]};
    rnnc_gru_blend #(
        .ZH_W(ZH_W), .P_W(P_W), .R_W(R_W), .R_F(R_F), .R_SIGNED(R_SIGNED), .R_ROUND(R_ROUND),
        .R_SATURATE(R_SATURATE), .REG(TABLE_REG), .ZH_F(G_F + R_F), .P_F(2 * G_F)
    ) u_blend (.clk(clk), .zh(zh_l[ZH_N*ZH_W +: ZH_W]), .p(p), .h_new(h_new));

    // bits read in some cycles only: the delay line's, the product's above each width
    /* verilator lint_off UNUSEDSIGNAL */
    wire unused_serial = &{1'b0, vd, m_r};
    /* verilator lint_on UNUSEDSIGNAL */
endmodule

`resetall
