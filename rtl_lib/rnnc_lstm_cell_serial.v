// rnnc_lstm_cell_serial: one LSTM unit's elementwise update on ONE multiplier (docs/rtl_lib.md):
// the numerics of rnnc_lstm_cell (same casts, same exact products), its three products
// f * c_prev, i * g and o * act(c) taking turns on a single registered multiplier, so a unit
// may enter every 3 cycles (in_valid) instead of every cycle.
//
// Stateless apart from the in_valid delay line that steers the shared multiplier; c lives in
// the engine's state banks. A = 1 + TABLE_REG cycles per activation (rnnc_activation). A unit
// presented in cycle t (in_valid = 1, the other inputs valid in that cycle only):
//   t .. t+A-1:      i, f, o = ract(pre), g = act(pre); c_prev delayed
//   t+A:             multiplier <- f * c_prev                      (result registered: t+A+1)
//   t+A+1:           multiplier <- i * g                           (t+A+2); fc held one cycle
//   t+A+2:           c_new = cast_S(fc + ig) registered            -> c_new valid in cycle t+A+3
//   t+A+3 .. t+2A+2: a = act(c_new)                                (rnnc_activation)
//   t+OA:            multiplier <- o * a  (OA = the first cycle >= 2A+3 with OA = A+2 mod 3,
//                    so the three products of units 3 cycles apart never meet: 6, or 7 with
//                    TABLE_REG)
//   t+OA+1:          h_new = cast_R(o * a) combinational from the product register
//                    -> h_new valid in cycle t+OA+1 (t+7, or t+8 with TABLE_REG)
// c_new and h_new hold the unit's values in those cycles only. Units must enter 3 cycles
// apart (or any multiple of 3), or so far apart that the earlier one's o * a (t+OA) precedes
// the later one's f * c (its t+A).
// Widths: the multiplier is FR_W x max(S_W, FR_W) bits, signed (one SB_MAC16 at 16 bits); each
// product is taken at its exact width, as in rnnc_lstm_cell, so the only roundings are cast_S
// and cast_R.
`resetall
`timescale 1ns / 1ps
`default_nettype none

module rnnc_lstm_cell_serial #(
    parameter integer ACC_W = 16,           // accumulator (pre-activation) width, signed, 1..128
    parameter integer ACC_F = 10,           // accumulator fractional bits
    parameter integer R_W = 16,             // result type R width (gates, h), 1..64
    parameter integer R_F = 10,             // result fractional bits
    parameter integer R_SIGNED = 1,         // 1: R is ap_fixed, 0: ap_ufixed
    parameter integer R_ROUND = 0,          // R quantization: 0..6, as rnnc_quant
    parameter integer R_SATURATE = 0,       // R overflow: O + 4 * N, as rnnc_quant
    parameter integer S_W = 16,             // state type S width (c, signed), 1..64
    parameter integer S_F = 10,             // state fractional bits
    parameter integer S_ROUND = 0,          // S quantization: 0..6, as rnnc_quant
    parameter integer S_SATURATE = 0,       // S overflow: O + 4 * N, as rnnc_quant
    parameter integer RACT_KIND = 2,        // recurrent activation (i, f, o): 0 linear, 1 relu, 2 table
    parameter integer RACT_TABLE_BITS = 10, // its table: log2 of the entries
    parameter integer RACT_SCALE_SHIFT = 6, // its table: log2 of entries per unit
    parameter integer RACT_OFFSET = 512,    // its table: index of input 0
    parameter integer RACT_TABLE_W = 0,     // its table's stored width (0: its output width); narrower entries are extended
    parameter integer RACT_TABLE_SIGNED = 0,// its table's stored entries are signed (sign-extended)
    parameter integer RACT_TABLE_MIRROR = 0, // its table: the upper half only, mirrored (rnnc_activation TABLE_MIRROR)
    parameter [63:0] RACT_MIRROR_MASK = 64'd0, // ... entry OFFSET - k = entry OFFSET + k ^ this
    parameter [63:0] RACT_MIRROR_ENTRY0 = 64'd0, // ... entry 0
    parameter RACT_FILE = "",               // its table: $readmemh file
    parameter integer ACT_KIND = 2,         // activation (g, and of c): 0 linear, 1 relu, 2 table
    parameter integer ACT_TABLE_BITS = 10,  // its table (for g and for c): log2 of the entries
    parameter integer ACT_SCALE_SHIFT = 7,  // its table: log2 of entries per unit
    parameter integer ACT_OFFSET = 512,     // its table: index of input 0
    parameter integer ACT_TABLE_W = 0,      // its table's stored width (0: its output width); narrower entries are extended
    parameter integer ACT_TABLE_SIGNED = 0, // its table's stored entries are signed (sign-extended)
    parameter integer ACT_TABLE_MIRROR = 0, // its table: the upper half only, mirrored (rnnc_activation TABLE_MIRROR)
    parameter [63:0] ACT_MIRROR_MASK = 64'd0, // ... entry OFFSET - k = entry OFFSET + k ^ this
    parameter [63:0] ACT_MIRROR_ENTRY0 = 64'd0, // ... entry 0
    parameter ACT_FILE = "",                // its table: $readmemh file
    parameter integer TABLE_REG = 0         // activation latency A = 1 + TABLE_REG (rnnc_activation), 0 or 1

) (
    input wire clk,
    input wire in_valid,                    // a unit is presented in this cycle (t)
    input wire [ACC_W-1:0] pre_i,           // input gate pre-activation (cycle t)
    input wire [ACC_W-1:0] pre_f,           // forget gate pre-activation (cycle t)
    input wire [ACC_W-1:0] pre_g,           // cell candidate pre-activation (cycle t)
    input wire [ACC_W-1:0] pre_o,           // output gate pre-activation (cycle t)
    input wire [S_W-1:0] c_prev,            // the unit's previous c, type S (cycle t)
    output reg [S_W-1:0] c_new,             // the unit's new c, type S (cycle t+A+3)
    output wire [R_W-1:0] h_new             // the unit's new h, type R (cycle t+OA+1)
);
    localparam integer A = 1 + TABLE_REG;
    localparam integer OA = 2 * A + 3 + (3 - (A + 1) % 3) % 3;   // o * a's cycle (see above)
    // R values as signed multiplier operands (one zero bit more when R is unsigned).
    localparam integer FR_W = R_SIGNED != 0 ? R_W : R_W + 1;
    localparam integer Y_W = S_W > FR_W ? S_W : FR_W;  // the multiplier's second operand
    localparam integer M_W = FR_W + Y_W;
    localparam integer FC_W = FR_W + S_W;
    localparam integer IG_W = 2 * FR_W;
    localparam integer MAX_SR_F = S_F > R_F ? S_F : R_F;
    localparam integer SUM_F = R_F + MAX_SR_F;
    localparam integer FC_SH = MAX_SR_F - S_F;
    localparam integer IG_SH = MAX_SR_F - R_F;
    localparam integer FCA_W = FC_W + FC_SH;
    localparam integer IGA_W = IG_W + IG_SH;
    localparam integer SUM_W = (FCA_W > IGA_W ? FCA_W : IGA_W) + 1;
    localparam integer OA_W = 2 * FR_W;

    initial begin
        if (ACC_W < 1 || ACC_W > 128 || R_W < 1 || R_W > 64 || S_W < 1 || S_W > 64 ||
            ACC_F < 0 || R_F < 0 || S_F < 0 || R_SIGNED < 0 || R_SIGNED > 1 || SUM_W > 256 ||
            TABLE_REG < 0 || TABLE_REG > 1) begin
            $display("ERROR: rnnc_lstm_cell_serial: invalid parameters ACC_W=%0d R_W=%0d R_F=%0d R_SIGNED=%0d S_W=%0d S_F=%0d TABLE_REG=%0d (instance %m)",
                     ACC_W, R_W, R_F, R_SIGNED, S_W, S_F, TABLE_REG);
            $finish;
        end
    end

    // in_valid delayed: vd[d] = a unit entered d cycles ago (steers the multiplier)
    reg [OA:1] vd = {OA{1'b0}};
    always @(posedge clk) vd <= {vd[OA-1:1], in_valid};

    // ---- t .. t+A-1: gate activations (registered), c_prev delayed ----
    wire [R_W-1:0] gi, gf, gg, go;
    rnnc_activation #(
        .IN_W(ACC_W), .IN_F(ACC_F), .IN_SIGNED(1),
        .OUT_W(R_W), .OUT_F(R_F), .OUT_SIGNED(R_SIGNED), .ROUND(R_ROUND), .SATURATE(R_SATURATE),
        .KIND(RACT_KIND), .TABLE_BITS(RACT_TABLE_BITS), .SCALE_SHIFT(RACT_SCALE_SHIFT),
        .OFFSET(RACT_OFFSET), .INIT_FILE(RACT_FILE), .TABLE_W(RACT_TABLE_W), .TABLE_SIGNED(RACT_TABLE_SIGNED), .TABLE_MIRROR(RACT_TABLE_MIRROR), .MIRROR_MASK(RACT_MIRROR_MASK), .MIRROR_ENTRY0(RACT_MIRROR_ENTRY0), .TABLE_REG(TABLE_REG)
    ) u_act_i (.clk(clk), .en(1'b1), .in_data(pre_i), .out_data(gi));
    rnnc_activation #(
        .IN_W(ACC_W), .IN_F(ACC_F), .IN_SIGNED(1),
        .OUT_W(R_W), .OUT_F(R_F), .OUT_SIGNED(R_SIGNED), .ROUND(R_ROUND), .SATURATE(R_SATURATE),
        .KIND(RACT_KIND), .TABLE_BITS(RACT_TABLE_BITS), .SCALE_SHIFT(RACT_SCALE_SHIFT),
        .OFFSET(RACT_OFFSET), .INIT_FILE(RACT_FILE), .TABLE_W(RACT_TABLE_W), .TABLE_SIGNED(RACT_TABLE_SIGNED), .TABLE_MIRROR(RACT_TABLE_MIRROR), .MIRROR_MASK(RACT_MIRROR_MASK), .MIRROR_ENTRY0(RACT_MIRROR_ENTRY0), .TABLE_REG(TABLE_REG)
    ) u_act_f (.clk(clk), .en(1'b1), .in_data(pre_f), .out_data(gf));
    rnnc_activation #(
        .IN_W(ACC_W), .IN_F(ACC_F), .IN_SIGNED(1),
        .OUT_W(R_W), .OUT_F(R_F), .OUT_SIGNED(R_SIGNED), .ROUND(R_ROUND), .SATURATE(R_SATURATE),
        .KIND(ACT_KIND), .TABLE_BITS(ACT_TABLE_BITS), .SCALE_SHIFT(ACT_SCALE_SHIFT),
        .OFFSET(ACT_OFFSET), .INIT_FILE(ACT_FILE), .TABLE_W(ACT_TABLE_W), .TABLE_SIGNED(ACT_TABLE_SIGNED), .TABLE_MIRROR(ACT_TABLE_MIRROR), .MIRROR_MASK(ACT_MIRROR_MASK), .MIRROR_ENTRY0(ACT_MIRROR_ENTRY0), .TABLE_REG(TABLE_REG)
    ) u_act_g (.clk(clk), .en(1'b1), .in_data(pre_g), .out_data(gg));
    rnnc_activation #(
        .IN_W(ACC_W), .IN_F(ACC_F), .IN_SIGNED(1),
        .OUT_W(R_W), .OUT_F(R_F), .OUT_SIGNED(R_SIGNED), .ROUND(R_ROUND), .SATURATE(R_SATURATE),
        .KIND(RACT_KIND), .TABLE_BITS(RACT_TABLE_BITS), .SCALE_SHIFT(RACT_SCALE_SHIFT),
        .OFFSET(RACT_OFFSET), .INIT_FILE(RACT_FILE), .TABLE_W(RACT_TABLE_W), .TABLE_SIGNED(RACT_TABLE_SIGNED), .TABLE_MIRROR(RACT_TABLE_MIRROR), .MIRROR_MASK(RACT_MIRROR_MASK), .MIRROR_ENTRY0(RACT_MIRROR_ENTRY0), .TABLE_REG(TABLE_REG)
    ) u_act_o (.clk(clk), .en(1'b1), .in_data(pre_o), .out_data(go));

    // Delay lines as flat vectors (a memory of registers makes Yosys warn): NAME_l holds the
    // source and its N delayed copies, NAME_l[k*W +: W] = the source k cycles ago.
    // c_prev to cycle t+A (A registers)
    reg [A*S_W-1:0] c_r;
    wire [(A+1)*S_W-1:0] c_l = {c_r, c_prev};
    always @(posedge clk) c_r <= c_l[A*S_W-1:0];
    wire [S_W-1:0] c_a = c_l[A*S_W +: S_W];
    // i and g to cycle t+A+1; o from t+A to t+OA (OA - A registers)
    reg [R_W-1:0] gi1, gg1;
    reg [(OA-A)*R_W-1:0] o_r;
    wire [(OA-A+1)*R_W-1:0] o_l = {o_r, go};
    wire [R_W-1:0] o_oa = o_l[(OA-A)*R_W +: R_W];
    always @(posedge clk) begin
        gi1 <= gi;
        gg1 <= gg;
        o_r <= o_l[(OA-A)*R_W-1:0];
    end

    // a = act(c_new) (cycle t+2A+3), delayed to t+OA
    wire [R_W-1:0] ga, ga_p;
    generate
        if (OA > 2 * A + 3) begin : g_a_pad
            reg [R_W-1:0] a_r;
            always @(posedge clk) a_r <= ga;
            assign ga_p = a_r;
        end else begin : g_a_now
            assign ga_p = ga;
        end
    endgenerate

    // R-typed values as signed operands.
    wire [FR_W-1:0] ei, ef, eg, eo, ea;
    generate
        if (R_SIGNED != 0) begin : g_rs
            assign ei = gi1;
            assign ef = gf;
            assign eg = gg1;
            assign eo = o_oa;
            assign ea = ga_p;
        end else begin : g_ru
            assign ei = {1'b0, gi1};
            assign ef = {1'b0, gf};
            assign eg = {1'b0, gg1};
            assign eo = {1'b0, o_oa};
            assign ea = {1'b0, ga_p};
        end
    endgenerate

    // ---- the shared multiplier: f * c at t+A (default), i * g at t+A+1, o * a at t+OA ----
    wire [Y_W-1:0] c_y = {{(Y_W - S_W){c_a[S_W-1]}}, c_a};
    wire [Y_W-1:0] g_y = {{(Y_W - FR_W){eg[FR_W-1]}}, eg};
    wire [Y_W-1:0] a_y = {{(Y_W - FR_W){ea[FR_W-1]}}, ea};
    reg [FR_W-1:0] m_x;
    reg [Y_W-1:0] m_y;
    always @* begin
        if (vd[OA]) begin
            m_x = eo;
            m_y = a_y;
        end else if (vd[A+1]) begin
            m_x = ei;
            m_y = g_y;
        end else begin
            m_x = ef;
            m_y = c_y;
        end
    end
    (* keep *) reg [M_W-1:0] m_r;           // the product, registered
    reg [M_W-1:0] fc_r;                     // f * c, one cycle later (beside i * g)
    always @(posedge clk) begin
        m_r <= $signed(m_x) * $signed(m_y);
        fc_r <= m_r;
    end

    // ---- t+A+2: c_new = cast_S(fc + ig), registered ----
    wire [FC_W-1:0] fc = fc_r[FC_W-1:0];
    wire [IG_W-1:0] ig = m_r[IG_W-1:0];
    wire signed [SUM_W-1:0] fc_a = $signed({{(SUM_W - FC_W){fc[FC_W-1]}}, fc}) <<< FC_SH;
    wire signed [SUM_W-1:0] ig_a = $signed({{(SUM_W - IG_W){ig[IG_W-1]}}, ig}) <<< IG_SH;
    wire [SUM_W-1:0] c_sum = fc_a + ig_a;
    wire [S_W-1:0] c_cast;
    rnnc_quant #(
        .IN_W(SUM_W), .IN_F(SUM_F), .IN_SIGNED(1),
        .OUT_W(S_W), .OUT_F(S_F), .OUT_SIGNED(1), .ROUND(S_ROUND), .SATURATE(S_SATURATE)
    ) u_quant_c (.in_data(c_sum), .out_data(c_cast));
    always @(posedge clk) c_new <= c_cast;

    // ---- t+A+3 .. t+2A+2: a = act(c_new), the ACT table indexed from type S ----
    rnnc_activation #(
        .IN_W(S_W), .IN_F(S_F), .IN_SIGNED(1),
        .OUT_W(R_W), .OUT_F(R_F), .OUT_SIGNED(R_SIGNED), .ROUND(R_ROUND), .SATURATE(R_SATURATE),
        .KIND(ACT_KIND), .TABLE_BITS(ACT_TABLE_BITS), .SCALE_SHIFT(ACT_SCALE_SHIFT),
        .OFFSET(ACT_OFFSET), .INIT_FILE(ACT_FILE), .TABLE_W(ACT_TABLE_W), .TABLE_SIGNED(ACT_TABLE_SIGNED), .TABLE_MIRROR(ACT_TABLE_MIRROR), .MIRROR_MASK(ACT_MIRROR_MASK), .MIRROR_ENTRY0(ACT_MIRROR_ENTRY0), .TABLE_REG(TABLE_REG)
    ) u_act_c (.clk(clk), .en(1'b1), .in_data(c_new), .out_data(ga));

    // ---- t+OA+1: h_new = cast_R(o * a) from the product register ----
    rnnc_quant #(
        .IN_W(OA_W), .IN_F(2 * R_F), .IN_SIGNED(1),
        .OUT_W(R_W), .OUT_F(R_F), .OUT_SIGNED(R_SIGNED), .ROUND(R_ROUND), .SATURATE(R_SATURATE)
    ) u_quant_h (.in_data(m_r[OA_W-1:0]), .out_data(h_new));

    // bits read in some cycles only: the delay line's, the product's above each width
    /* verilator lint_off UNUSEDSIGNAL */
    wire unused_serial = &{1'b0, vd, m_r, fc_r};
    /* verilator lint_on UNUSEDSIGNAL */
endmodule

`resetall
