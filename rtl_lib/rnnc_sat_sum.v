// rnnc_sat_sum: a registered sum of N_IN values in a fixed order, cast to the accumulator type
// after every addition, DEPTH stages deep (hls4ml's order under a saturating accumulator,
// where the order changes the result; docs/numerics.md, "hls4ml numerics", In RTL).
//
// Every value of in_flat (value k in bits [k*W +: W], signed) is the raw of a number at the
// accumulator's fractional bits. A cast is rnnc_quant to OUT_W bits (OUT_SIGNED) with overflow
// mode SATURATE, same fractional bits, so only the overflow mode acts; its result is extended
// back to W bits for the next addition.
//   ORDER 0, a chain (hls4ml's dense, nnet_dense_latency.h): acc = x0; acc = cast(acc + xk)
//     for k = 1 .. N_IN-1; ADDS additions per registered stage, ceil((N_IN-1) / ADDS) stages
//     (at least 1). The values not yet added travel along the stages in registers.
//   ORDER 1, a pairwise tree (hls4ml's nnet::reduce: left part the largest power of two below
//     n, which is the level-by-level pairing of consecutive values with the odd last one
//     passed on uncast): one level per stage, clog2(N_IN) stages (at least 1).
// DEPTH may exceed the stages needed (the extra stages only register). out_data is cast(the
// last value): it reflects in_flat DEPTH cycles earlier. No reset, no valid: a pure pipeline.
`resetall
`timescale 1ns / 1ps
`default_nettype none

module rnnc_sat_sum #(
    parameter integer N_IN = 4,         // number of values, >= 1
    parameter integer W = 16,           // width of every value (signed), >= OUT_W + 1 - OUT_SIGNED
    parameter integer OUT_W = 12,       // accumulator width, 1..256
    parameter integer OUT_SIGNED = 1,   // 1: the accumulator is two's complement, 0: unsigned
    parameter integer SATURATE = 1,     // every cast's overflow mode: O + 4 * N, as rnnc_quant
    parameter integer ORDER = 0,        // 0: chain, 1: pairwise tree
    parameter integer ADDS = 4,         // ORDER 0: additions per registered stage, >= 1
    parameter integer DEPTH = 1         // registered stages, >= the stages needed
) (
    input wire clk,
    input wire [N_IN*W-1:0] in_flat,
    output wire [OUT_W-1:0] out_data
);
    // ---- ORDER 0 ----
    // stages the chain needs
    localparam integer NS_CHAIN = N_IN > 1 ? (N_IN - 1 + ADDS - 1) / ADDS : 1;

    // values not yet added before stage d (values 1 + d*ADDS .. N_IN-1)
    function integer left_at(input integer d);
        integer n;
        begin
            n = N_IN - 1 - d * ADDS;
            left_at = n > 0 ? n : 0;
        end
    endfunction

    // bit offset of stage d's pending values in `pend` (each level one zero value more, so no
    // level is empty)
    function integer pend_off(input integer d);
        integer i, o;
        begin
            o = 0;
            for (i = 0; i < d; i = i + 1) o = o + (left_at(i) + 1) * W;
            pend_off = o;
        end
    endfunction

    // ---- ORDER 1 ----
    function integer clog2(input integer v);
        integer b;
        begin
            b = 0;
            while ((1 << b) < v) b = b + 1;
            clog2 = b;
        end
    endfunction

    localparam integer NS_TREE = N_IN > 1 ? clog2(N_IN) : 1;

    // values left after d tree levels
    function integer n_at(input integer d);
        integer i, n;
        begin
            n = N_IN;
            for (i = 0; i < d; i = i + 1) n = (n + 1) / 2;
            n_at = n;
        end
    endfunction

    function integer lvl_off(input integer d);
        integer i, o;
        begin
            o = 0;
            for (i = 0; i < d; i = i + 1) o = o + n_at(i) * W;
            lvl_off = o;
        end
    endfunction

    localparam integer NS = ORDER == 0 ? NS_CHAIN : NS_TREE;

    initial begin
        if (N_IN < 1 || OUT_W < 1 || OUT_W > 256 || W < OUT_W + 1 - (OUT_SIGNED != 0 ? 1 : 0) || ORDER < 0 ||
            ORDER > 1 || ADDS < 1 || DEPTH < NS || OUT_SIGNED < 0 || OUT_SIGNED > 1) begin
            $display("ERROR: rnnc_sat_sum: invalid parameters N_IN=%0d W=%0d OUT_W=%0d ORDER=%0d ADDS=%0d DEPTH=%0d (instance %m)",
                     N_IN, W, OUT_W, ORDER, ADDS, DEPTH);
            $finish;
        end
    end

    wire [W-1:0] last;   // the value after DEPTH stages

    genvar d, a;
    generate
        if (ORDER == 0) begin : g_chain
            wire [(DEPTH+1)*W-1:0] accs;
            wire [pend_off(DEPTH + 1)-1:0] pend;
            assign accs[W-1:0] = in_flat[W-1:0];
            assign pend[left_at(0)*W +: W] = {W{1'b0}};
            if (N_IN > 1) begin : g_pend0
                assign pend[0 +: (N_IN-1)*W] = in_flat[W +: (N_IN-1)*W];
            end
            for (d = 0; d < DEPTH; d = d + 1) begin : g_stage
                localparam integer NADD = left_at(d) < ADDS ? left_at(d) : ADDS;
                wire [(NADD+1)*W-1:0] part;    // part a: the sum after a additions
                assign part[W-1:0] = accs[d*W +: W];
                for (a = 0; a < NADD; a = a + 1) begin : g_add
                    wire [W-1:0] x = pend[pend_off(d) + a*W +: W];
                    wire [W:0] s = {part[a*W + W-1], part[a*W +: W]} + {x[W-1], x};
                    wire [OUT_W-1:0] q;
                    rnnc_quant #(.IN_W(W + 1), .IN_F(0), .IN_SIGNED(1), .OUT_W(OUT_W), .OUT_F(0),
                                 .OUT_SIGNED(OUT_SIGNED), .ROUND(0), .SATURATE(SATURATE)) u_cast (
                        .in_data(s), .out_data(q));
                    if (W > OUT_W) begin : g_ext
                        assign part[(a+1)*W +: W] = {{(W-OUT_W){OUT_SIGNED != 0 ? q[OUT_W-1] : 1'b0}}, q};
                    end else begin : g_same
                        assign part[(a+1)*W +: W] = q;
                    end
                end
                reg [W-1:0] acc_r;
                reg [(left_at(d + 1)+1)*W-1:0] pend_r;
                always @(posedge clk) begin
                    acc_r <= part[NADD*W +: W];
                    pend_r <= pend[pend_off(d) + NADD*W +: (left_at(d + 1)+1)*W];
                end
                assign accs[(d+1)*W +: W] = acc_r;
                assign pend[pend_off(d + 1) +: (left_at(d + 1)+1)*W] = pend_r;
            end
            assign last = accs[DEPTH*W +: W];
            // the last level's pending values: only the zero pad is left
            /* verilator lint_off UNUSEDSIGNAL */
            wire unused_pend = ^pend[pend_off(DEPTH) +: W];
            /* verilator lint_on UNUSEDSIGNAL */
        end else begin : g_tree
            wire [lvl_off(DEPTH + 1)-1:0] lvl;
            assign lvl[N_IN*W-1:0] = in_flat;
            for (d = 0; d < DEPTH; d = d + 1) begin : g_level
                localparam integer NI = n_at(d), NO = n_at(d + 1);
                for (a = 0; a < NO; a = a + 1) begin : g_pair
                    reg [W-1:0] v;
                    if (2 * a + 1 < NI) begin : g_add
                        wire [W-1:0] x0 = lvl[lvl_off(d) + 2*a*W +: W];
                        wire [W-1:0] x1 = lvl[lvl_off(d) + (2*a+1)*W +: W];
                        wire [W:0] s = {x0[W-1], x0} + {x1[W-1], x1};
                        wire [OUT_W-1:0] q;
                        rnnc_quant #(.IN_W(W + 1), .IN_F(0), .IN_SIGNED(1), .OUT_W(OUT_W), .OUT_F(0),
                                     .OUT_SIGNED(OUT_SIGNED), .ROUND(0), .SATURATE(SATURATE)) u_cast (
                            .in_data(s), .out_data(q));
                        if (W > OUT_W) begin : g_ext
                            always @(posedge clk) v <= {{(W-OUT_W){OUT_SIGNED != 0 ? q[OUT_W-1] : 1'b0}}, q};
                        end else begin : g_same
                            always @(posedge clk) v <= q;
                        end
                    end else begin : g_pass
                        always @(posedge clk) v <= lvl[lvl_off(d) + 2*a*W +: W];
                    end
                    assign lvl[lvl_off(d + 1) + a*W +: W] = v;
                end
            end
            assign last = lvl[lvl_off(DEPTH) +: W];
        end
    endgenerate

    // the value after the stages, cast (the identity unless N_IN == 1 and x0 is out of range)
    rnnc_quant #(.IN_W(W), .IN_F(0), .IN_SIGNED(1), .OUT_W(OUT_W), .OUT_F(0), .OUT_SIGNED(OUT_SIGNED),
                 .ROUND(0), .SATURATE(SATURATE)) u_out (
        .in_data(last), .out_data(out_data));

endmodule

`resetall
