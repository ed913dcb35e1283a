// rnnc_product: registered exact product a * b, then rnnc_quant to a signed OUT_W/OUT_F value.
//
// p <= a * b has A_F + B_F fractional bits and no reset, so the register can be absorbed into
// a DSP block (SB_MAC16, DSP48). When both operands are signed the multiplier is exactly
// A_W x B_W; an unsigned operand is zero-extended by one bit (signed x unsigned); two unsigned
// operands use an unsigned A_W x B_W multiplier. a, b presented in cycle t give q in cycle t+1;
// with REG = 0, in cycle t (the caller registers what follows: rnnc_mac_sat's accumulator, so
// that a DSP48 takes the multiply and the accumulate in one stage); with REG = 2, in cycle t+2
// (the exact product registered twice: a DSP48E1's MREG and PREG, whose output leaves the DSP
// without the ALU's delay). LOGIC = 1: the same product and timing from rnnc_lut_mul (LUTs and
// carry chains, never a multiplier block; LAT = REG, rows from the narrower operand), for the
// multipliers a part's DSP budget leaves without a block (Mvm.n_logic). PRE_REG = 1: one
// register more, in front (q a cycle later); in logic it sits inside the tree, after its first
// level (rnnc_lut_mul LAT = REG + 1, HEAD; with REG = 0 its last levels left to the caller's
// adder: TAIL), so that a MAC's operand register costs its product little depth.
`resetall
`timescale 1ns / 1ps
`default_nettype none

module rnnc_product #(
    parameter integer A_W = 16,         // width of a, 1..128
    parameter integer A_F = 10,         // fractional bits of a
    parameter integer A_SIGNED = 1,     // 1: a is two's complement, 0: unsigned
    parameter integer B_W = 16,         // width of b, 1..128
    parameter integer B_F = 10,         // fractional bits of b
    parameter integer B_SIGNED = 1,     // 1: b is two's complement, 0: unsigned
    parameter integer OUT_W = 16,       // width of q (signed), 1..128
    parameter integer OUT_F = 10,       // fractional bits of q
    parameter integer ROUND = 0,        // q's quantization: 0..6, as rnnc_quant
    parameter integer SATURATE = 0,     // q's overflow: O + 4 * N, as rnnc_quant
    parameter integer REG = 1,          // 1: the exact product registered (q a cycle after a, b); 0: not; 2: twice
    parameter integer LOGIC = 0,        // 1: the product in logic (rnnc_lut_mul), not a multiplier block
    parameter integer PRE_REG = 0       // 1: a register more, in front of the product (see above)
) (
    input wire clk,
    input wire [A_W-1:0] a,
    input wire [B_W-1:0] b,
    output wire [OUT_W-1:0] q
);
    localparam integer BOTH_U = (A_SIGNED == 0 && B_SIGNED == 0) ? 1 : 0;
    // Operand widths as seen by the multiplier (one extra zero bit for an unsigned operand
    // multiplied by a signed one).
    localparam integer EA_W = (A_SIGNED != 0 || BOTH_U != 0) ? A_W : A_W + 1;
    localparam integer EB_W = (B_SIGNED != 0 || BOTH_U != 0) ? B_W : B_W + 1;
    localparam integer P_W = EA_W + EB_W;

    initial begin
        if (A_W < 1 || A_W > 128 || B_W < 1 || B_W > 128 || A_F < 0 || B_F < 0 ||
            A_SIGNED < 0 || A_SIGNED > 1 || B_SIGNED < 0 || B_SIGNED > 1 || REG < 0 || REG > 2 ||
            LOGIC < 0 || LOGIC > 1 || PRE_REG < 0 || PRE_REG > 1) begin
            $display("ERROR: rnnc_product: invalid parameters A_W=%0d A_F=%0d B_W=%0d B_F=%0d REG=%0d LOGIC=%0d PRE_REG=%0d (instance %m)",
                     A_W, A_F, B_W, B_F, REG, LOGIC, PRE_REG);
            $finish;
        end
    end

    /* verilator lint_off UNUSEDSIGNAL */
    wire unused_clk = REG == 0 && PRE_REG == 0 && clk; // clk drives nothing without a register
    /* verilator lint_on UNUSEDSIGNAL */
    // the operands as the multiplier sees them: two's complement, or both unsigned
    wire [EA_W-1:0] ae;
    wire [EB_W-1:0] be;
    wire [P_W-1:0] p;       // the exact product, REG cycles after a, b
    generate
        if (A_SIGNED != 0 || BOTH_U != 0) begin : g_a
            assign ae = a;
        end else begin : g_au
            assign ae = {1'b0, a};
        end
        if (B_SIGNED != 0 || BOTH_U != 0) begin : g_b
            assign be = b;
        end else begin : g_bu
            assign be = {1'b0, b};
        end
        if (LOGIC != 0) begin : g_logic
            // rnnc_lut_mul: its a two's complement, its rows b's bits: the narrower operand is
            // the rows, at least 2 of them (extended as the operand is); both unsigned: a zero bit
            // on the other operand, unsigned rows, the low P_W bits of the product
            localparam integer SWAP = EB_W > EA_W ? 1 : 0;
            localparam integer RA_W = SWAP != 0 ? EB_W : EA_W;     // the other operand
            localparam integer RB_W = SWAP != 0 ? EA_W : EB_W;     // the rows' operand
            localparam integer LA_W = RA_W + BOTH_U;
            localparam integer LB_W = RB_W < 2 ? 2 : RB_W;
            wire [RA_W-1:0] ra;
            wire [RB_W-1:0] rb;
            if (SWAP != 0) begin : g_swap
                assign ra = be;
                assign rb = ae;
            end else begin : g_keep
                assign ra = ae;
                assign rb = be;
            end
            wire [LA_W-1:0] la;
            wire [LB_W-1:0] lb;
            wire [LA_W+LB_W-1:0] lp;
            if (BOTH_U != 0) begin : g_la_u
                assign la = {1'b0, ra};
            end else begin : g_la_s
                assign la = ra;
            end
            if (RB_W < 2) begin : g_lb_ext
                assign lb = {BOTH_U != 0 ? 1'b0 : rb[RB_W-1], rb};
            end else begin : g_lb
                assign lb = rb;
            end
            rnnc_lut_mul #(
                .A_W(LA_W),
                .B_W(LB_W),
                .B_SIGNED(1 - BOTH_U),
                .LAT(REG + PRE_REG),
                .TAIL(REG == 0 && PRE_REG != 0 ? 1 : 0),
                .HEAD(PRE_REG)
            ) u_mul (
                .clk(clk),
                .a(la),
                .b(lb),
                .p(lp)
            );
            assign p = lp[P_W-1:0];
            /* verilator lint_off UNUSEDSIGNAL */
            wire unused_high = ^lp;    // the product's bits above P_W (extension) are its sign or 0
            /* verilator lint_on UNUSEDSIGNAL */
        end else begin : g_block
            // the product where synthesis maps it to a multiplier block, its registers after it
            // (PRE_REG: the operands' before it)
            wire [P_W-1:0] prod;
            wire [EA_W-1:0] am;
            wire [EB_W-1:0] bm;
            if (PRE_REG != 0) begin : g_pre
                reg [EA_W-1:0] a_r;
                reg [EB_W-1:0] b_r;
                always @(posedge clk) begin
                    a_r <= ae;
                    b_r <= be;
                end
                assign am = a_r;
                assign bm = b_r;
            end else begin : g_now
                assign am = ae;
                assign bm = be;
            end
            if (BOTH_U != 0) begin : g_unsigned
                assign prod = am * bm;
            end else begin : g_signed
                assign prod = $signed(am) * $signed(bm);
            end
            if (REG == 2) begin : g_reg2
                reg [P_W-1:0] p_first;  // the product's first register (MREG)
                reg [P_W-1:0] p_second;
                always @(posedge clk) begin
                    p_first <= prod;
                    p_second <= p_first;
                end
                assign p = p_second;
            end else if (REG != 0) begin : g_reg
                reg [P_W-1:0] p_reg;
                always @(posedge clk) p_reg <= prod;
                assign p = p_reg;
            end else begin : g_comb
                assign p = prod;
            end
        end
    endgenerate
    rnnc_quant #(
        .IN_W(P_W),
        .IN_F(A_F + B_F),
        .IN_SIGNED(1 - BOTH_U),
        .OUT_W(OUT_W),
        .OUT_F(OUT_F),
        .OUT_SIGNED(1),
        .ROUND(ROUND),
        .SATURATE(SATURATE)
    ) u_quant (
        .in_data(p),
        .out_data(q)
    );

endmodule

`resetall
