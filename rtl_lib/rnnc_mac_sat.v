// rnnc_mac_sat: rnnc_product (to Q_W/Q_F) followed by an accumulator that starts each sum from
// init and, with CAST_SUMS = 1 (the default), casts after every addition: hls4ml's order under a
// saturating accumulator (docs/numerics.md, "hls4ml numerics", In RTL), where a run of products
// must start from the bias and each sum is cast. With CAST_SUMS = 0 the sums wrap at ACC_W bits:
// rnnc_mac is this module with CAST_SUMS = 0 and init = 0 (the library's one accumulator).
//
// One cycle after the product register: if (en_d) acc <= cast((first_d ? init : acc) + q),
// en_d/first_d being en/first delayed one cycle, and init read in that cycle (the cycle after
// first). cast is rnnc_quant to the product's own type (Q_W/Q_F signed, overflow mode
// SATURATE; the fractional bits do not change, so only the overflow mode acts); acc holds the
// cast value sign-extended to ACC_W bits. init must be a value of that type (ACC_W bits,
// sign-extended). CAST_SUMS = 0: acc <= (first_d ? init : acc) + sign_extend(q), wrapping at
// ACC_W bits. Operands presented in cycle t are in acc from cycle t+2. PROD_REG = 0: no
// product register, en_d/first_d are en/first themselves, and acc holds the sum from cycle t+1
// (on Xilinx: the DSP48's multiply and accumulate in one stage, a cycle off every recurrence).
// PRE_REG = 1: a register more in front (rnnc_product PRE_REG), en and first delayed with it:
// everything a cycle later.
// No rst port: en_d is unknown until the first clock edge, and acc until the first
// accumulation with first = 1.
`resetall
`timescale 1ns / 1ps
`default_nettype none

module rnnc_mac_sat #(
    parameter integer A_W = 16,         // width of a, 1..128
    parameter integer A_F = 10,         // fractional bits of a
    parameter integer A_SIGNED = 1,     // 1: a is two's complement, 0: unsigned
    parameter integer B_W = 16,         // width of b, 1..128
    parameter integer B_F = 10,         // fractional bits of b
    parameter integer B_SIGNED = 1,     // 1: b is two's complement, 0: unsigned
    parameter integer Q_W = 16,         // width of each product after its cast and of every sum (signed), 1..128
    parameter integer Q_F = 10,         // fractional bits of the cast product (and of acc)
    parameter integer ROUND = 0,        // product cast quantization: 0..6, as rnnc_quant
    parameter integer SATURATE = 1,     // overflow mode of the product cast and of every sum: O + 4 * N, as rnnc_quant
    parameter integer ACC_W = 24,       // width of init and acc, >= Q_W
    parameter integer CAST_SUMS = 1,    // 1: every sum cast to Q_W/Q_F (SATURATE); 0: sums wrap at ACC_W bits
    parameter integer PROD_REG = 1,     // 1: the product registered (acc 2 cycles after a, b); 0: not (1 cycle)
    parameter integer LOGIC = 0,        // 1: the product in logic (rnnc_product LOGIC), not a multiplier block
    parameter integer PRE_REG = 0       // 1: a register more in front of the product (rnnc_product PRE_REG), en and first delayed with it
) (
    input wire clk,
    input wire en,
    input wire first,
    input wire [ACC_W-1:0] init,
    input wire [A_W-1:0] a,
    input wire [B_W-1:0] b,
    output reg [ACC_W-1:0] acc
);
    initial begin
        if (ACC_W < Q_W || CAST_SUMS < 0 || CAST_SUMS > 1) begin
            $display("ERROR: rnnc_mac_sat: ACC_W=%0d must be >= Q_W=%0d, CAST_SUMS=%0d 0 or 1 (instance %m)",
                     ACC_W, Q_W, CAST_SUMS);
            $finish;
        end
    end

    wire [Q_W-1:0] q;
    wire en_d;      // en and first in the cycle q holds their product
    wire first_d;

    rnnc_product #(
        .A_W(A_W),
        .A_F(A_F),
        .A_SIGNED(A_SIGNED),
        .B_W(B_W),
        .B_F(B_F),
        .B_SIGNED(B_SIGNED),
        .OUT_W(Q_W),
        .OUT_F(Q_F),
        .ROUND(ROUND),
        .SATURATE(SATURATE),
        .REG(PROD_REG),
        .LOGIC(LOGIC),
        .PRE_REG(PRE_REG)
    ) u_product (
        .clk(clk),
        .a(a),
        .b(b),
        .q(q)
    );

    wire [ACC_W-1:0] q_ext;
    wire [ACC_W-1:0] start = first_d ? init : acc;
    wire [ACC_W-1:0] next;      // acc after the addition of q
    generate
        if (ACC_W > Q_W) begin : g_ext
            assign q_ext = {{(ACC_W - Q_W){q[Q_W-1]}}, q};
        end else begin : g_noext
            assign q_ext = q;
        end
        if (CAST_SUMS != 0) begin : g_cast
            // the sum before its cast, one bit wider than acc
            wire [ACC_W:0] s = {start[ACC_W-1], start} + {q_ext[ACC_W-1], q_ext};
            wire [Q_W-1:0] s_cast;
            rnnc_quant #(
                .IN_W(ACC_W + 1),
                .IN_F(Q_F),
                .IN_SIGNED(1),
                .OUT_W(Q_W),
                .OUT_F(Q_F),
                .OUT_SIGNED(1),
                .ROUND(0),
                .SATURATE(SATURATE)
            ) u_cast (
                .in_data(s),
                .out_data(s_cast)
            );
            if (ACC_W > Q_W) begin : g_sext
                assign next = {{(ACC_W - Q_W){s_cast[Q_W-1]}}, s_cast};
            end else begin : g_snoext
                assign next = s_cast;
            end
        end else begin : g_wrap
            // start + q_ext, written as a difference so that q_ext is the adder's first operand
            // (a sum's are ordered by Yosys at will): on Xilinx the carry chain's DI then takes
            // q_ext, start is read by the sum bit's LUT alone and merges into it, one LUT per
            // bit instead of two (Yosys 0.23, UltraScale+: 16 LUTs per 16-bit MAC, not 32)
            assign next = q_ext - ~start - 1'b1;
        end
    endgenerate

    localparam integer CTL_D = (PROD_REG != 0 ? 1 : 0) + PRE_REG; // en/first to the cycle q holds their product
    generate
        if (CTL_D > 0) begin : g_ctl_reg
            reg [CTL_D-1:0] en_r, first_r;  // en_r[i]: en i + 1 cycles ago
            integer i;
            always @(posedge clk) begin
                en_r[0] <= en;
                first_r[0] <= first;
                for (i = 1; i < CTL_D; i = i + 1) begin
                    en_r[i] <= en_r[i-1];
                    first_r[i] <= first_r[i-1];
                end
            end
            assign en_d = en_r[CTL_D-1];
            assign first_d = first_r[CTL_D-1];
        end else begin : g_ctl_now
            assign en_d = en;
            assign first_d = first;
        end
    endgenerate

    always @(posedge clk)
        if (en_d) acc <= next;

`ifdef FORMAL
    // Properties (tests/formal/run.sh): the fixed latency of the control. en/first reach the
    // accumulator one cycle after the product register: operands presented in cycle t are in acc
    // from cycle t+2; without en_d, acc holds; with CAST_SUMS = 0 a sum starts from init on
    // first_d and adds the product otherwise.
    reg f_past_valid = 1'b0, f_past2_valid = 1'b0;
    always @(posedge clk) begin
        f_past_valid <= 1'b1;
        f_past2_valid <= f_past_valid;
    end
    always @(posedge clk)
        if (f_past_valid) begin
            if (CTL_D == 0) assert(en_d == en && first_d == first);
            else if (CTL_D == 1 || f_past2_valid)
                assert(en_d == $past(en, CTL_D > 0 ? CTL_D : 1) && first_d == $past(first, CTL_D > 0 ? CTL_D : 1));
            if (!$past(en_d)) assert(acc == $past(acc));
            else assert(acc == $past(next));
            if ($past(en_d) && CAST_SUMS == 0) begin
                if ($past(first_d)) assert(acc == $past(init) + $past(q_ext));
                else assert(acc == $past(acc) + $past(q_ext));
            end
        end
`endif

endmodule

`resetall
