// rnnc_merge_add: a join of two streams, elementwise by OP (a bidirectional's merge_mode):
//   OP 0 sum:    y[i] = cast(a[i] + b[i])           (N outputs; NB = N)
//   OP 1 mul:    y[i] = cast(a[i] * b[i])           (the exact product, A_F + B_F fractional bits)
//   OP 2 ave:    y[i] = cast((a[i] + b[i]) / 2)     (the exact sum with one more fractional bit)
//   OP 3 concat: y = {cast(a[0..N-1]), cast(b[0..NB-1])}, a first (N + NB outputs)
// Sums are exact (both aligned to max(A_F, B_F) fractional bits); every result is cast to OUT
// (rnnc_quant, docs/numerics.md) and registered. Handshake, the MAP timing contract with latency 1 (docs/architecture.md): a job
// starts when both inputs are valid and the output register is free (!m_axis_tvalid); both
// beats are taken in that cycle (each input's tready also needs the other's tvalid, so neither
// is taken alone); the result is on m_axis from the next cycle. m_axis_tlast = a's tlast.
`resetall
`timescale 1ns / 1ps
`default_nettype none

module rnnc_merge_add #(
    parameter integer OP = 0,           // 0 sum, 1 mul, 2 ave, 3 concat
    parameter integer N = 1,            // elements per beat of a
    parameter integer NB = N,           // elements per beat of b (= N unless concat)
    parameter integer A_W = 16,         // input a: element width
    parameter integer A_F = 10,         // input a: fractional bits, >= 0
    parameter integer A_SIGNED = 1,     // input a: 1 two's complement, 0 unsigned
    parameter integer B_W = 16,         // input b: element width
    parameter integer B_F = 10,         // input b: fractional bits, >= 0
    parameter integer B_SIGNED = 1,     // input b: 1 two's complement, 0 unsigned
    parameter integer OUT_W = 16,       // output element width, 1..64
    parameter integer OUT_F = 10,       // output fractional bits, >= 0
    parameter integer OUT_SIGNED = 1,   // output: 1 two's complement, 0 unsigned
    parameter integer ROUND = 0,        // 0..6, as rnnc_quant
    parameter integer SATURATE = 0,     // O + 4 * N, as rnnc_quant
    parameter integer NY = OP == 3 ? N + NB : N   // output elements: leave at its default
) (
    input  wire clk,
    input  wire rst,
    input  wire s0_axis_tvalid,
    output wire s0_axis_tready,
    input  wire [N*A_W-1:0] s0_axis_tdata,
    input  wire s0_axis_tlast,
    input  wire s1_axis_tvalid,
    output wire s1_axis_tready,
    input  wire [NB*B_W-1:0] s1_axis_tdata,
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire s1_axis_tlast,          // the same as s0's in an rnnc design
    /* verilator lint_on UNUSEDSIGNAL */
    output reg  m_axis_tvalid,
    input  wire m_axis_tready,
    output reg  [NY*OUT_W-1:0] m_axis_tdata,
    output reg  m_axis_tlast
);
    localparam integer F = A_F > B_F ? A_F : B_F;
    // each operand as a signed value with F fractional bits, then one more bit for the sum
    localparam integer AX_W = A_W + (A_SIGNED != 0 ? 0 : 1) + (F - A_F);
    localparam integer BX_W = B_W + (B_SIGNED != 0 ? 0 : 1) + (F - B_F);
    localparam integer S_W = (AX_W > BX_W ? AX_W : BX_W) + 1;
    localparam integer P_W = A_W + B_W + 1;     // the exact product of (sign-extended) a and b

    initial begin
        if (N < 1 || NB < 1 || A_W < 1 || B_W < 1 || A_F < 0 || B_F < 0 || OUT_F < 0 || OUT_W < 1 || OUT_W > 64 ||
            S_W > 256 || P_W > 256 || OP < 0 || OP > 3 || (OP != 3 && NB != N) || NY != (OP == 3 ? N + NB : N)) begin
            $display("ERROR: rnnc_merge_add: invalid parameters OP=%0d N=%0d NB=%0d NY=%0d A_W=%0d A_F=%0d B_W=%0d B_F=%0d OUT_W=%0d OUT_F=%0d (instance %m)",
                     OP, N, NB, NY, A_W, A_F, B_W, B_F, OUT_W, OUT_F);
            $finish;
        end
    end

    wire start = s0_axis_tvalid && s1_axis_tvalid && !m_axis_tvalid;
    assign s0_axis_tready = s1_axis_tvalid && !m_axis_tvalid;
    assign s1_axis_tready = s0_axis_tvalid && !m_axis_tvalid;

    genvar i;
    generate
        if (OP == 3) begin : g_concat
            for (i = 0; i < N; i = i + 1) begin : g_a
                wire [OUT_W-1:0] y;
                rnnc_quant #(.IN_W(A_W), .IN_F(A_F), .IN_SIGNED(A_SIGNED), .OUT_W(OUT_W), .OUT_F(OUT_F),
                             .OUT_SIGNED(OUT_SIGNED), .ROUND(ROUND), .SATURATE(SATURATE))
                    u_cast (.in_data(s0_axis_tdata[i*A_W +: A_W]), .out_data(y));
                always @(posedge clk) if (start) m_axis_tdata[i*OUT_W +: OUT_W] <= y;
            end
            for (i = 0; i < NB; i = i + 1) begin : g_b
                wire [OUT_W-1:0] y;
                rnnc_quant #(.IN_W(B_W), .IN_F(B_F), .IN_SIGNED(B_SIGNED), .OUT_W(OUT_W), .OUT_F(OUT_F),
                             .OUT_SIGNED(OUT_SIGNED), .ROUND(ROUND), .SATURATE(SATURATE))
                    u_cast (.in_data(s1_axis_tdata[i*B_W +: B_W]), .out_data(y));
                always @(posedge clk) if (start) m_axis_tdata[(N+i)*OUT_W +: OUT_W] <= y;
            end
        end else begin : g_elementwise
            for (i = 0; i < N; i = i + 1) begin : g_elem
                wire [A_W-1:0] a = s0_axis_tdata[i*A_W +: A_W];
                wire [B_W-1:0] b = s1_axis_tdata[i*B_W +: B_W];
                wire [OUT_W-1:0] y;
                if (OP == 1) begin : g_mul
                    wire signed [P_W-1:0] ap = A_SIGNED != 0 ? $signed({{(P_W - A_W){a[A_W-1]}}, a})
                                                              : $signed({{(P_W - A_W){1'b0}}, a});
                    wire signed [P_W-1:0] bp = B_SIGNED != 0 ? $signed({{(P_W - B_W){b[B_W-1]}}, b})
                                                              : $signed({{(P_W - B_W){1'b0}}, b});
                    wire signed [P_W-1:0] prod = ap * bp;
                    rnnc_quant #(.IN_W(P_W), .IN_F(A_F + B_F), .IN_SIGNED(1), .OUT_W(OUT_W), .OUT_F(OUT_F),
                                 .OUT_SIGNED(OUT_SIGNED), .ROUND(ROUND), .SATURATE(SATURATE))
                        u_cast (.in_data(prod), .out_data(y));
                end else begin : g_sum
                    wire signed [S_W-1:0] ax, bx;
                    if (A_SIGNED != 0) begin : g_as
                        assign ax = $signed({{(S_W - A_W){a[A_W-1]}}, a}) <<< (F - A_F);
                    end else begin : g_au
                        assign ax = $signed({{(S_W - A_W){1'b0}}, a}) <<< (F - A_F);
                    end
                    if (B_SIGNED != 0) begin : g_bs
                        assign bx = $signed({{(S_W - B_W){b[B_W-1]}}, b}) <<< (F - B_F);
                    end else begin : g_bu
                        assign bx = $signed({{(S_W - B_W){1'b0}}, b}) <<< (F - B_F);
                    end
                    wire signed [S_W-1:0] sum = ax + bx;
                    // ave: the same bits read with one more fractional bit, (a + b) * 0.5 exactly
                    rnnc_quant #(.IN_W(S_W), .IN_F(OP == 2 ? F + 1 : F), .IN_SIGNED(1), .OUT_W(OUT_W),
                                 .OUT_F(OUT_F), .OUT_SIGNED(OUT_SIGNED), .ROUND(ROUND), .SATURATE(SATURATE))
                        u_cast (.in_data(sum), .out_data(y));
                end
                always @(posedge clk) if (start) m_axis_tdata[i*OUT_W +: OUT_W] <= y;
            end
        end
    endgenerate

    always @(posedge clk) begin
        if (rst) m_axis_tvalid <= 1'b0;
        else if (start) m_axis_tvalid <= 1'b1;
        else if (m_axis_tready) m_axis_tvalid <= 1'b0;
        if (start) m_axis_tlast <= s0_axis_tlast;
    end

`ifdef FORMAL
    // Properties (tests/formal/run.sh). The input rules are assumed when this module is the top
    // of the proof (RNNC_FORMAL_rnnc_merge_add) and asserted when it sits inside another.
`ifdef RNNC_FORMAL_rnnc_merge_add
`define RNNC_ASSUME assume
`else
`define RNNC_ASSUME assert
`endif
    reg f_past_valid = 1'b0;
    always @(posedge clk) f_past_valid <= 1'b1;
    always @(*) if (!f_past_valid) `RNNC_ASSUME(rst);
    // upstream (both inputs): a beat offered stays offered, unchanged, until taken
    always @(posedge clk)
        if (f_past_valid && !$past(rst)) begin
            if ($past(s0_axis_tvalid && !s0_axis_tready))
                `RNNC_ASSUME(s0_axis_tvalid && s0_axis_tdata == $past(s0_axis_tdata) && s0_axis_tlast == $past(s0_axis_tlast));
            if ($past(s1_axis_tvalid && !s1_axis_tready))
                `RNNC_ASSUME(s1_axis_tvalid && s1_axis_tdata == $past(s1_axis_tdata) && s1_axis_tlast == $past(s1_axis_tlast));
        end
    // reset: nothing offered in the next cycle
    always @(posedge clk)
        if (f_past_valid && $past(rst)) assert(!m_axis_tvalid);
    // downstream: the sum stays offered, unchanged, until taken
    always @(posedge clk)
        if (f_past_valid && !$past(rst) && $past(m_axis_tvalid && !m_axis_tready))
            assert(m_axis_tvalid && m_axis_tdata == $past(m_axis_tdata) && m_axis_tlast == $past(m_axis_tlast));
    // fixed latency 1: a job (both beats taken, in the same cycle) is on m_axis the next cycle,
    // with s0's tlast; pairs in - sums out = the sum held (0 or 1)
    always @(posedge clk)
        if (f_past_valid && !$past(rst) && $past(s0_axis_tvalid && s0_axis_tready))
            assert(m_axis_tvalid && m_axis_tlast == $past(s0_axis_tlast));
    reg [1:0] f_held = 2'd0;
    always @(posedge clk)
        if (rst) f_held <= 2'd0;
        else f_held <= f_held + (s0_axis_tvalid && s0_axis_tready) - (m_axis_tvalid && m_axis_tready);
    always @(*)
        if (f_past_valid) begin
            assert((s0_axis_tvalid && s0_axis_tready) == (s1_axis_tvalid && s1_axis_tready));
            assert((s0_axis_tvalid && s0_axis_tready) == start);
            if (!rst) assert(f_held == {1'b0, m_axis_tvalid});
        end
`undef RNNC_ASSUME
`endif
endmodule

`resetall
