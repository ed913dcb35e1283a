// rnnc_lut_mul: exact product p = a * b in logic (LUTs and carry chains, never a multiplier
// block), pipelined: a, b presented in cycle t give p in cycle t+LAT.
//
// For a product with slack in its pipeline (rnnc_gru_cell's z * h_prev, ZH_LUT), so that a
// part with few multiplier blocks (the iCE40 UP5K's 8 SB_MAC16) gives its blocks to the
// products on the critical path. a is two's complement; b two's complement or unsigned
// (B_SIGNED); b's bits are the rows, so b should be the narrower operand (the cost is about
// B_W rows of A_W bits). The rows b[j] ? a : 0 (the sign row of a signed b subtracted) are
// added by a binary tree of D = clog2(B_W) levels; each node keeps only the bits its value
// can take (A_W + 1 + 2^v at level v), and the low 2^v bits of a sum are the left node's. A
// register follows the levels where LAT spreads its stages evenly (every level when
// LAT >= D), and the rest of LAT delays the result. LAT = 0: no register, p in the cycle of a,
// b (rnnc_product LOGIC = 1 with REG = 0, where the accumulator after it is the register).
// TAIL = 1: the levels are spread over LAT + 1 stages and the last is left to the consumer (p
// comes from the last register through the tree's last levels; rnnc_product PRE_REG without REG,
// where the accumulator's adder follows), as far as the levels allow; p still in cycle t+LAT.
// HEAD = 1: the first register right after level 1 (the rows and their first sums: the caller's
// operand multiplexer shares that cycle, rnnc_product PRE_REG), the others spread over the rest.
`resetall
`timescale 1ns / 1ps
`default_nettype none

module rnnc_lut_mul #(
    parameter integer A_W = 16,         // width of a (two's complement), 1..64
    parameter integer B_W = 16,         // width of b, 2..64
    parameter integer B_SIGNED = 1,     // 1: b is two's complement, 0: unsigned
    parameter integer LAT = 4,          // cycles from a, b to p, 0..16
    parameter integer TAIL = 0,         // 1: the tree's last stage unregistered (see above)
    parameter integer HEAD = 0          // 1: the first register after level 1 (see above)
) (
    input wire clk,
    input wire [A_W-1:0] a,
    input wire [B_W-1:0] b,
    output wire [A_W+B_W-1:0] p         // a * b, two's complement
);
    localparam integer P_W = A_W + B_W;
    localparam integer D = clog2(B_W);              // tree levels
    localparam integer REGS = LAT < D - TAIL ? LAT : D - TAIL;  // registers inside the tree
    localparam integer H = HEAD != 0 && REGS > 0 ? 1 : 0; // the head register after level 1
    localparam integer R2 = REGS - H;               // the others, over levels H+1 .. D
    localparam integer D2 = D - H;
    localparam integer SEG = R2 + TAIL;             // stages those levels are spread over

    function integer clog2(input integer n);
        integer k;
        begin
            clog2 = 0;
            for (k = 1; k < n; k = k * 2) clog2 = clog2 + 1;
        end
    endfunction
    // nodes at level v: ceil(B_W / 2^v)
    function integer n_nodes(input integer v);
        n_nodes = (B_W + (1 << v) - 1) >> v;
    endfunction
    // whether level v (1..D) ends in a register
    function integer reg_after(input integer v);
        if (H != 0 && v == 1) reg_after = 1;
        else if (D2 == 0) reg_after = 0;
        else reg_after = ((v - H) * SEG) / D2 > ((v - H - 1) * SEG) / D2 && ((v - H) * SEG) / D2 <= R2 ? 1 : 0;
    endfunction

    initial begin
        if (A_W < 1 || A_W > 64 || B_W < 2 || B_W > 64 || B_SIGNED < 0 || B_SIGNED > 1 ||
            LAT < 0 || LAT > 16 || TAIL < 0 || TAIL > 1 || HEAD < 0 || HEAD > 1) begin
            $display("ERROR: rnnc_lut_mul: invalid parameters A_W=%0d B_W=%0d B_SIGNED=%0d LAT=%0d TAIL=%0d HEAD=%0d (instance %m)",
                     A_W, B_W, B_SIGNED, LAT, TAIL, HEAD);
            $finish;
        end
    end

    /* verilator lint_off UNUSEDSIGNAL */
    wire unused_clk = LAT == 0 && clk; // clk drives nothing without a register
    /* verilator lint_on UNUSEDSIGNAL */

    // Node j of level v is g_level[v].g_node[j].node, A_W + 1 + 2^v bits.
    genvar v, j;
    generate
        for (v = 0; v <= D; v = v + 1) begin : g_level
            localparam integer S = v > 0 ? 1 << (v - 1) : 0;   // the right node's shift
            localparam integer NO = A_W + 1 + (1 << v);         // bits of a level v node
            for (j = 0; j < n_nodes(v); j = j + 1) begin : g_node
                wire [NO-1:0] node;
                if (v == 0) begin : g_row
                    // ---- level 0: the rows, b[j] ? a : 0 (minus that for a signed b's sign bit) ----
                    wire [NO-1:0] ax = {{2{a[A_W-1]}}, a};
                    assign node = !b[j] ? {NO{1'b0}} : (B_SIGNED != 0 && j == B_W - 1) ? -ax : ax;
                end else begin : g_sum
                    // ---- levels 1..D: nodes 2j and 2j+1 of level v-1 added ----
                    localparam integer NI = NO - S;             // bits of a level v-1 node
                    wire [NI-1:0] left = g_level[v-1].g_node[2*j].node;
                    wire [NO-1:0] sum;
                    if (2 * j + 1 < n_nodes(v - 1)) begin : g_add
                        wire [NI-1:0] right = g_level[v-1].g_node[2*j+1].node;
                        wire [NI-1:0] left_hi = {{S{left[NI-1]}}, left[NI-1:S]};
                        wire [NI-1:0] hi = left_hi + right;
                        assign sum = {hi, left[S-1:0]};
                    end else begin : g_pass
                        assign sum = {{S{left[NI-1]}}, left};
                    end
                    if (reg_after(v) != 0) begin : g_reg
                        reg [NO-1:0] node_r;
                        always @(posedge clk) node_r <= sum;
                        assign node = node_r;
                    end else begin : g_comb
                        assign node = sum;
                    end
                end
            end
        end
    endgenerate

    // ---- the rest of LAT: delay registers ----
    /* verilator lint_off UNUSEDSIGNAL */
    wire [A_W+(1<<D):0] root = g_level[D].g_node[0].node;
    /* verilator lint_on UNUSEDSIGNAL */
    wire [P_W-1:0] prod = root[P_W-1:0];
    generate
        if (LAT > REGS) begin : g_delay
            reg [P_W-1:0] dly [0:LAT-REGS-1];
            integer i;
            always @(posedge clk) begin
                dly[0] <= prod;
                for (i = 1; i < LAT - REGS; i = i + 1) dly[i] <= dly[i-1];
            end
            assign p = dly[LAT-REGS-1];
        end else begin : g_no_delay
            assign p = prod;
        end
    endgenerate

endmodule

`resetall
