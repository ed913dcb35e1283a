// rnnc_quant: combinational fixed-point cast (docs/numerics.md, docs/rtl_lib.md).
//
// out_data = cast(in_data): the input (IN_F fractional bits, two's complement when IN_SIGNED)
// is shifted to OUT_F fractional bits applying ROUND when bits are dropped (0 AP_TRN = floor,
// 1 AP_RND = floor(v + 1/2), 2 AP_RND_CONV = ties to even), then SATURATE clamps to the
// output range (1) or keeps the low OUT_W bits (0). A shift to more fractional bits is exact.
// Same arithmetic as fx_cast in compiler/fixed.c.
//
// Spec reading: OUT_W is 1..64 and IN_W 1..256 as documented; IN_F and OUT_F may be any
// non-negative integers (there is no upper limit on the shift).
`resetall
`timescale 1ns / 1ps
`default_nettype none

module rnnc_quant #(
    parameter integer IN_W = 16,        // input width, 1..256
    parameter integer IN_F = 10,        // input fractional bits, >= 0
    parameter integer IN_SIGNED = 1,    // 1: input is two's complement, 0: unsigned
    parameter integer OUT_W = 16,       // output width, 1..64
    parameter integer OUT_F = 10,       // output fractional bits, >= 0
    parameter integer OUT_SIGNED = 1,   // 1: output is two's complement, 0: unsigned
    parameter integer ROUND = 0,        // 0 AP_TRN, 1 AP_RND, 2 AP_RND_CONV
    parameter integer SATURATE = 0      // 0 AP_WRAP, 1 AP_SAT
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

    initial begin
        if (IN_W < 1 || IN_W > 256 || OUT_W < 1 || OUT_W > 64 || IN_F < 0 || OUT_F < 0 ||
            IN_SIGNED < 0 || IN_SIGNED > 1 || OUT_SIGNED < 0 || OUT_SIGNED > 1 ||
            ROUND < 0 || ROUND > 2 || SATURATE < 0 || SATURATE > 1) begin
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
            wire up = ROUND == 0 ? 1'b0 :
                      ROUND == 1 ? half :
                      (half & (sticky | q[0]));
            assign v = q + $signed({{(V_W - 1){1'b0}}, up});
        end
    endgenerate

    // Overflow.
    generate
        if (SATURATE == 0) begin : g_wrap
            assign out_data = v[OUT_W-1:0];
            /* verilator lint_off UNUSEDSIGNAL */
            wire unused_high = ^v[V_W-1:OUT_W]; // wrap-around drops the high bits
            /* verilator lint_on UNUSEDSIGNAL */
        end else if (OUT_SIGNED != 0) begin : g_sat_signed
            wire [V_W-OUT_W:0] top = v[V_W-1:OUT_W-1];
            wire fits = (&top) | ~(|top);
            wire [OUT_W-1:0] smax = {OUT_W{1'b1}} >> 1;
            assign out_data = fits ? v[OUT_W-1:0] : (v[V_W-1] ? ~smax : smax);
        end else begin : g_sat_unsigned
            wire fits = ~(|v[V_W-1:OUT_W]);
            assign out_data = fits ? v[OUT_W-1:0] : (v[V_W-1] ? {OUT_W{1'b0}} : {OUT_W{1'b1}});
        end
    endgenerate

endmodule

`resetall
