// rnnc_quant: combinational fixed-point cast (docs/numerics.md, docs/rtl_lib.md).
//
// out_data = cast(in_data): the input (IN_F fractional bits, two's complement when IN_SIGNED)
// is shifted to OUT_F fractional bits applying ROUND when bits are dropped, then the overflow
// mode SATURATE % 4 with N = SATURATE / 4 saturation bits. A shift to more fractional bits is
// exact. The modes are ap_fixed's; same arithmetic as fx_cast in compiler/fixed.c:
//   ROUND: 0 AP_TRN (floor), 1 AP_RND (ties up), 2 AP_RND_CONV (ties to even), 3 AP_TRN_ZERO
//   (toward zero), 4 AP_RND_ZERO (ties toward zero), 5 AP_RND_INF (ties away from zero),
//   6 AP_RND_MIN_INF (ties down).
//   SATURATE % 4: 0 AP_WRAP (the low OUT_W bits; with N > 0, on overflow the N MSBs are
//   saturated: signed, the sign bit becomes the true sign and the N-1 bits below it its
//   complement; unsigned, the N MSBs become ones), 1 AP_SAT (clamp), 2 AP_SAT_ZERO (0 on
//   overflow), 3 AP_SAT_SYM (clamp to [-max, max]; unsigned: [0, max]).
//
// Spec reading: OUT_W is 1..256 and IN_W 1..256 as documented, N <= OUT_W; IN_F and OUT_F may
// be any non-negative integers (there is no upper limit on the shift).
`resetall
`timescale 1ns / 1ps
`default_nettype none

module rnnc_quant #(
    parameter integer IN_W = 16,        // input width, 1..256
    parameter integer IN_F = 10,        // input fractional bits, >= 0
    parameter integer IN_SIGNED = 1,    // 1: input is two's complement, 0: unsigned
    parameter integer OUT_W = 16,       // output width, 1..256
    parameter integer OUT_F = 10,       // output fractional bits, >= 0
    parameter integer OUT_SIGNED = 1,   // 1: output is two's complement, 0: unsigned
    parameter integer ROUND = 0,        // 0..6: AP_TRN, AP_RND, AP_RND_CONV, AP_TRN_ZERO, AP_RND_ZERO, AP_RND_INF, AP_RND_MIN_INF
    parameter integer SATURATE = 0      // O + 4 * N, O 0..3: AP_WRAP, AP_SAT, AP_SAT_ZERO, AP_SAT_SYM
) (
    input wire [IN_W-1:0] in_data,
    output wire [OUT_W-1:0] out_data
);
    // Input as a signed value one bit wider (zero-extended when unsigned).
    localparam integer X_W = IN_W + 1;
    // Left shift (more fractional bits) or right shift (fewer).
    localparam integer LSH = OUT_F > IN_F ? OUT_F - IN_F : 0;
    localparam integer RSH = IN_F > OUT_F ? IN_F - OUT_F : 0;
    // Working width: holds the input shifted left, the rounding bits of a right shift, the
    // rounding carry, and always at least one bit more than the output (overflow detection).
    localparam integer B_W = (X_W > RSH + 1 ? X_W : RSH + 1) + 1 + LSH;
    localparam integer V_W = (B_W > OUT_W ? B_W : OUT_W) + 1;
    localparam integer OMODE = SATURATE % 4;
    localparam integer NSAT = SATURATE / 4;

    initial begin
        if (IN_W < 1 || IN_W > 256 || OUT_W < 1 || OUT_W > 256 || IN_F < 0 || OUT_F < 0 ||
            IN_SIGNED < 0 || IN_SIGNED > 1 || OUT_SIGNED < 0 || OUT_SIGNED > 1 ||
            ROUND < 0 || ROUND > 6 || SATURATE < 0 || NSAT > OUT_W || (NSAT > 0 && OMODE != 0)) begin
            $display("ERROR: rnnc_quant: invalid parameters IN_W=%0d IN_F=%0d OUT_W=%0d OUT_F=%0d ROUND=%0d SATURATE=%0d (instance %m)",
                     IN_W, IN_F, OUT_W, OUT_F, ROUND, SATURATE);
            $finish;
        end
    end

    wire [X_W-1:0] xs = IN_SIGNED != 0 ? {in_data[IN_W-1], in_data} : {1'b0, in_data};
    wire signed [V_W-1:0] xe = $signed({{(V_W - X_W){xs[X_W-1]}}, xs});

    // v: the value with OUT_F fractional bits, exact except for the rounding (V_W bits).
    wire signed [V_W-1:0] v;
    generate
        if (RSH == 0) begin : g_left
            assign v = xe <<< LSH;
        end else begin : g_right
            wire signed [V_W-1:0] q = xe >>> RSH; // floor
            wire half = xe[RSH-1];
            wire sticky;
            if (RSH >= 2) begin : g_sticky
                assign sticky = |xe[RSH-2:0];
            end else begin : g_nosticky
                assign sticky = 1'b0;
            end
            wire neg = xe[V_W-1];
            wire up = ROUND == 1 ? half :
                      ROUND == 2 ? (half & (sticky | q[0])) :
                      ROUND == 3 ? (neg & (half | sticky)) :
                      ROUND == 4 ? (half & (neg | sticky)) :
                      ROUND == 5 ? (half & (~neg | sticky)) :
                      ROUND == 6 ? (half & sticky) : 1'b0;
            assign v = q + $signed({{(V_W - 1){1'b0}}, up});
        end
    endgenerate

    // Overflow: over / under the output range (AP_SAT_SYM: -max is the lowest value kept).
    localparam [OUT_W-1:0] ONES = {OUT_W{1'b1}};
    localparam [OUT_W-1:0] MSB = ~(ONES >> 1);              // the sign bit
    localparam [OUT_W-1:0] SMAX = OUT_SIGNED != 0 ? ONES >> 1 : ONES;
    localparam [OUT_W-1:0] SMIN = OUT_SIGNED != 0 ? MSB : {OUT_W{1'b0}};
    localparam [OUT_W-1:0] NMASK = ~(ONES >> NSAT);         // the N saturation bits
    localparam [OUT_W-1:0] LSB = ~(ONES << 1);
    wire [OUT_W-1:0] low = v[OUT_W-1:0];
    wire fits;
    generate
        if (OUT_SIGNED != 0) begin : g_fit_signed
            wire [V_W-OUT_W:0] top = v[V_W-1:OUT_W-1];
            assign fits = (&top) | ~(|top);
        end else begin : g_fit_unsigned
            assign fits = ~(|v[V_W-1:OUT_W]);
        end
    endgenerate
    wire sym_min = OMODE == 3 && OUT_SIGNED != 0 && OUT_W > 1 && low == SMIN; // -2^(W-1): below -max
    wire over = ~fits & ~v[V_W-1];
    wire under = (~fits & v[V_W-1]) | (fits & sym_min);
    wire [OUT_W-1:0] wrapped = NSAT == 0 ? low : OUT_SIGNED != 0 ? ((low & ~NMASK) | (under ? MSB : NMASK & ~MSB)) : (low | NMASK);
    assign out_data = ~(over | under) ? low :
                      OMODE == 1 ? (over ? SMAX : SMIN) :
                      OMODE == 2 ? {OUT_W{1'b0}} :
                      OMODE == 3 ? (over ? SMAX : (OUT_SIGNED != 0 ? SMIN | LSB : {OUT_W{1'b0}})) :
                      wrapped;

endmodule

`resetall
