// rnnc_activation: one activation with an output register that loads when en.
//
// KIND 0 linear: out <= cast(in); 1 relu: out <= cast(in < 0 ? 0 : in) (cast = rnnc_quant to
// OUT_W/OUT_F/OUT_SIGNED with ROUND/SATURATE); 2 table: out <= mem[idx] with
//   idx = clamp(trunc0(in * 2^(SCALE_SHIFT - IN_F)) + OFFSET, 0, 2^TABLE_BITS - 1)
// (in as a raw integer, trunc0 rounding toward zero; SCALE_SHIFT may be negative). The table
// holds 2^TABLE_BITS entries already in the output format, loaded from INIT_FILE by $readmemh;
// OUT_F, OUT_SIGNED, ROUND and SATURATE do not apply to it. The entries are stored TABLE_W bits
// wide (0: OUT_W) and extended to OUT_W on the way out, by sign when TABLE_SIGNED: a tanh
// table needs 11 bits of ap_fixed<16,6>, which on iCE40 is 3 block RAMs instead of 4.
// Same index as numerics.md: index = clamp(trunc0(v * S) - lo * S, 0, N - 1) with
// S = 2^SCALE_SHIFT, OFFSET = -lo * S. With the default INIT_FILE = "" the table holds zeros
// (so every tool can elaborate the defaults; the compiler always passes a file).
// TABLE_MIRROR = 1 (a table centred on 0, OFFSET = N/2, N >= 8): the file holds only the upper half,
// entries OFFSET .. N-1 (N/2 lines), and the lower half is read from it: entry OFFSET - k is
// entry OFFSET + k XOR MIRROR_MASK for 0 < k < N/2, and entry 0 (no mirror) is MIRROR_ENTRY0.
// The compiler uses it only where every entry of the table obeys that rule (tables.c,
// table_mirror: sigmoid and tanh with truncated entries do), so the values are the full table's
// and the block RAM half. The read address is |trunc0(in * S)| (the same one carry chain as the
// full index), the XOR one LUT level after the read.
// TABLE_REG = 0: one cycle (in_data and en in cycle t, out_data loaded at the end of cycle t).
// TABLE_REG = 1: two cycles, for slow parts: the table index (KIND 2) or the input (KIND 0, 1)
// is registered first, together with en, and the table read (or the cast) follows in the next
// cycle (in_data and en in cycle t, out_data loaded at the end of cycle t+1).
`resetall
`timescale 1ns / 1ps
`default_nettype none

module rnnc_activation #(
    parameter integer IN_W = 16,        // input width, 1..256
    parameter integer IN_F = 10,        // input fractional bits, >= 0
    parameter integer IN_SIGNED = 1,    // 1: input is two's complement, 0: unsigned
    parameter integer OUT_W = 16,       // output width, 1..64
    parameter integer OUT_F = 10,       // output fractional bits (KIND 0, 1)
    parameter integer OUT_SIGNED = 1,   // 1: output is two's complement (KIND 0, 1)
    parameter integer ROUND = 0,        // output quantization (KIND 0, 1): 0..6, as rnnc_quant
    parameter integer SATURATE = 0,     // output overflow (KIND 0, 1): O + 4 * N, as rnnc_quant
    parameter integer KIND = 0,         // 0 linear, 1 relu, 2 table lookup
    parameter integer TABLE_BITS = 10,  // log2 of the number of table entries, 1..24 (KIND 2)
    parameter integer SCALE_SHIFT = 6,  // log2 of the table's entries per unit of input (KIND 2)
    parameter integer OFFSET = 512,     // index of input 0 (-lo * 2^SCALE_SHIFT), >= 0 (KIND 2)
    parameter INIT_FILE = "",           // table file for $readmemh: 2^TABLE_BITS hex lines (KIND 2)
    parameter integer TABLE_W = 0,      // stored entry width, 1..OUT_W (0: OUT_W) (KIND 2)
    parameter integer TABLE_SIGNED = 0, // 1: stored entries are sign-extended, 0: zero-extended (KIND 2)
    parameter integer TABLE_REG = 0,    // 1: index (or input) registered first, latency 2; 0: latency 1
    parameter integer TABLE_MIRROR = 0, // 1: INIT_FILE holds the upper half, the lower half mirrors it (KIND 2)
    parameter [63:0] MIRROR_MASK = 64'd0, // TABLE_MIRROR: entry OFFSET - k = entry OFFSET + k ^ this (low OUT_W bits)
    parameter [63:0] MIRROR_ENTRY0 = 64'd0  // TABLE_MIRROR: entry 0 (low OUT_W bits)
) (
    input wire clk,
    input wire en,
    input wire [IN_W-1:0] in_data,
    output reg [OUT_W-1:0] out_data
);
    localparam integer TW = TABLE_W == 0 ? OUT_W : TABLE_W;    // stored table entry width

    initial begin
        if (KIND < 0 || KIND > 2 || (KIND == 2 && (TABLE_BITS < 1 || TABLE_BITS > 24 || OFFSET < 0)) ||
            TABLE_REG < 0 || TABLE_REG > 1 || TABLE_W < 0 || TABLE_W > OUT_W || TABLE_MIRROR < 0 || TABLE_MIRROR > 1 ||
            (KIND == 2 && TABLE_MIRROR != 0 && (TABLE_BITS < 3 || OFFSET != (1 << (TABLE_BITS - 1))))) begin
            $display("ERROR: rnnc_activation: invalid parameters KIND=%0d TABLE_BITS=%0d OFFSET=%0d TABLE_REG=%0d TABLE_W=%0d TABLE_MIRROR=%0d (instance %m)",
                     KIND, TABLE_BITS, OFFSET, TABLE_REG, TABLE_W, TABLE_MIRROR);
            $finish;
        end
    end

    // OFFSET as a U_W-bit vector (zero-extended; OFFSET < 2^(TABLE_BITS+1) <= 2^25)
    function [255:0] offset_bits;
        input integer v;
        integer k;
        begin
            offset_bits = 256'd0;
            for (k = 0; k < 31; k = k + 1) offset_bits[k] = v[k];
        end
    endfunction

    generate
        if (KIND == 2) begin : g_table
            localparam integer X_W = IN_W + 1;
            // in * 2^(SCALE_SHIFT - IN_F): a right shift by RSH rounding toward zero, or an
            // exact left shift by LSH; then + OFFSET and the clamp. Kept as narrow as the index
            // needs, with the round-toward-zero increment as the adder's carry-in, so the whole
            // index is one short carry chain ahead of the table (this path sets Fmax; TABLE_REG = 1
            // puts a register between the two).
            localparam integer RSH = IN_F > SCALE_SHIFT ? IN_F - SCALE_SHIFT : 0;
            localparam integer LSH = SCALE_SHIFT > IN_F ? SCALE_SHIFT - IN_F : 0;
            localparam integer F_W = (X_W > RSH ? X_W - RSH : 1) + LSH; // the shifted value
            localparam integer O_W = TABLE_BITS + 2;                    // OFFSET < 2^(TABLE_BITS+1)
            localparam integer U_W = (F_W > O_W ? F_W : O_W) + 1;       // + sign of the sum
            localparam integer N = 1 << TABLE_BITS;

            wire [X_W-1:0] xs = IN_SIGNED != 0 ? {in_data[IN_W-1], in_data} : {1'b0, in_data};
            wire [F_W-1:0] fl;   // floor of the shifted value (exact when shifting left)
            wire inc;            // 1 when a negative value had nonzero bits shifted out
            if (RSH > 0) begin : g_right
                if (X_W > RSH) begin : g_keep
                    assign fl = xs[X_W-1:RSH];
                end else begin : g_sign
                    assign fl = xs[X_W-1];
                end
                assign inc = xs[X_W-1] & (|xs[(RSH < X_W ? RSH : X_W)-1:0]);
            end else begin : g_left
                if (LSH > 0) begin : g_shift
                    assign fl = {xs, {LSH{1'b0}}};
                end else begin : g_none
                    assign fl = xs;
                end
                assign inc = 1'b0;
            end
            // The read address (A_W bits: the full index, or with TABLE_MIRROR the index into
            // the upper half), and with TABLE_MIRROR whether the entry read is mirrored (flip) or
            // is entry 0 (bottom).
            localparam integer A_W = TABLE_MIRROR != 0 ? TABLE_BITS - 1 : TABLE_BITS;
            wire [A_W-1:0] addr;
            wire flip, bottom;
            if (OFFSET == N / 2 && TABLE_BITS >= 2) begin : g_centered
                // Tables centred on 0 (sigmoid, tanh, hard_sigmoid): t = fl + inc lies in
                // [-N/2, N/2) exactly when fl does (inc is 1 only for negative values, and
                // fl = -N/2 - 1 with inc gives index 0 like the clamp), so the range test reads
                // fl's high bits, and the index is t's low bits with the top one flipped
                // (+ N/2): a TABLE_BITS-wide increment instead of a full-width add.
                localparam integer FE_W = F_W > TABLE_BITS ? F_W : TABLE_BITS;
                wire [FE_W-1:0] fle;  // fl, sign-extended to at least the index width
                if (FE_W > F_W) begin : g_ext
                    assign fle = {{(FE_W - F_W){fl[F_W-1]}}, fl};
                end else begin : g_same
                    assign fle = fl;
                end
                wire [FE_W-TABLE_BITS:0] hi = fle[FE_W-1:TABLE_BITS-1];
                wire in_range = (&hi) | ~(|hi);
                wire neg = fle[FE_W-1];
                if (TABLE_MIRROR != 0) begin : g_half
                    // |t| in TABLE_BITS - 1 bits: fl + inc when fl >= 0 (inc is 0 then), and
                    // -(fl + inc) = ~fl + ~inc when fl < 0: one increment of fl ^ neg
                    wire [A_W-1:0] mag = (fle[A_W-1:0] ^ {A_W{neg}}) + {{(A_W - 1){1'b0}}, inc ^ neg};
                    // t = -N/2 (or below the range): entry 0; t = 0 from a negative fl (fl = -1
                    // with inc): entry N/2 itself, not mirrored. Both read fl, beside the chain.
                    wire t_bottom = ~(|fle[A_W-1:0]) & ~inc;
                    wire t_zero = (&fle[A_W-1:0]) & inc;
                    assign bottom = neg & (~in_range | t_bottom);
                    assign flip = neg & in_range & ~t_bottom & ~t_zero;
                    assign addr = neg | in_range ? mag : {A_W{1'b1}};
                end else begin : g_full_index
                    wire [TABLE_BITS-1:0] t = fle[TABLE_BITS-1:0] + {{(TABLE_BITS - 1){1'b0}}, inc};
                    assign addr = in_range ? {~t[TABLE_BITS-1], t[TABLE_BITS-2:0]} :
                                  neg ? {TABLE_BITS{1'b0}} : {TABLE_BITS{1'b1}};
                    assign flip = 1'b0;
                    assign bottom = 1'b0;
                end
            end else begin : g_general
                wire [U_W:0] fl_x = {{(U_W - F_W){fl[F_W-1]}}, fl, inc};
                localparam [255:0] OFF_V = offset_bits(OFFSET);
                wire [U_W:0] off_x = {OFF_V[U_W-1:0], inc};
                wire [U_W:0] sum = fl_x + off_x;   // 2 * (fl + OFFSET + inc): one adder, inc as carry
                wire [U_W-1:0] u = sum[U_W:1];
                /* verilator lint_off UNUSEDSIGNAL */
                wire unused_sum_lsb = sum[0];  // always 0: both addends carry inc in bit 0
                /* verilator lint_on UNUSEDSIGNAL */
                wire neg = u[U_W-1];
                wire over = |u[U_W-2:TABLE_BITS];
                assign addr = neg ? {TABLE_BITS{1'b0}} : over ? {TABLE_BITS{1'b1}} : u[TABLE_BITS-1:0];
                assign flip = 1'b0;
                assign bottom = 1'b0;
            end

            reg [TW-1:0] mem [0:(1 << A_W)-1];
            // No file (the default): still elaborates, e.g. yosys reading every file.
            if (INIT_FILE != "") begin : g_init
                initial $readmemh(INIT_FILE, mem);
            end else begin : g_zero
                integer k;
                initial for (k = 0; k < (1 << A_W); k = k + 1) mem[k] = {TW{1'b0}};
            end
            wire [A_W-1:0] rd_addr;   // the read address, in the cycle the read happens
            wire rd_en, rd_flip, rd_bottom;
            if (TABLE_REG != 0) begin : g_idx_reg
                // the index and en registered: the table read gets a cycle of its own
                reg [A_W-1:0] addr_r;
                reg en_r, flip_r, bottom_r;
                always @(posedge clk) begin
                    addr_r <= addr;
                    en_r <= en;
                    flip_r <= flip;
                    bottom_r <= bottom;
                end
                assign rd_addr = addr_r;
                assign rd_en = en_r;
                assign rd_flip = flip_r;
                assign rd_bottom = bottom_r;
            end else begin : g_idx_comb
                assign rd_addr = addr;
                assign rd_en = en;
                assign rd_flip = flip;
                assign rd_bottom = bottom;
            end
            if (TABLE_MIRROR != 0) begin : g_mirror_out
                // the stored bits, then the extension, the mirror's XOR or entry 0
                reg [TW-1:0] rd_q;
                reg flip_q, bottom_q;
                always @(posedge clk)
                    if (rd_en) begin
                        rd_q <= mem[rd_addr];
                        flip_q <= rd_flip;
                        bottom_q <= rd_bottom;
                    end
                wire [OUT_W-1:0] ext;
                if (TW < OUT_W) begin : g_ext_q
                    assign ext = {{(OUT_W - TW){TABLE_SIGNED != 0 ? rd_q[TW-1] : 1'b0}}, rd_q};
                end else begin : g_same_q
                    assign ext = rd_q;
                end
                always @* out_data = bottom_q ? MIRROR_ENTRY0[OUT_W-1:0] : ext ^ (flip_q ? MIRROR_MASK[OUT_W-1:0] : {OUT_W{1'b0}});
            end else if (TW < OUT_W) begin : g_narrow
                // the read register holds the stored bits; the extension is wiring
                /* verilator lint_off UNUSEDSIGNAL */
                wire unused_mirror = rd_flip | rd_bottom;  // 0 without TABLE_MIRROR
                /* verilator lint_on UNUSEDSIGNAL */
                reg [TW-1:0] rd_q;
                always @(posedge clk) if (rd_en) rd_q <= mem[rd_addr];
                always @* out_data = {{(OUT_W - TW){TABLE_SIGNED != 0 ? rd_q[TW-1] : 1'b0}}, rd_q};
            end else begin : g_full
                /* verilator lint_off UNUSEDSIGNAL */
                wire unused_mirror = rd_flip | rd_bottom;  // 0 without TABLE_MIRROR
                /* verilator lint_on UNUSEDSIGNAL */
                always @(posedge clk) if (rd_en) out_data <= mem[rd_addr];
            end
        end else begin : g_cast
            wire [IN_W-1:0] xi;     // in_data, registered first when TABLE_REG
            wire en_x;              // en, aligned with xi
            if (TABLE_REG != 0) begin : g_in_reg
                reg [IN_W-1:0] in_r;
                reg en_r;
                always @(posedge clk) begin
                    in_r <= in_data;
                    en_r <= en;
                end
                assign xi = in_r;
                assign en_x = en_r;
            end else begin : g_in_comb
                assign xi = in_data;
                assign en_x = en;
            end
            wire [IN_W-1:0] x;
            if (KIND == 1 && IN_SIGNED != 0) begin : g_relu
                assign x = xi[IN_W-1] ? {IN_W{1'b0}} : xi;
            end else begin : g_linear
                assign x = xi;
            end
            wire [OUT_W-1:0] y;
            rnnc_quant #(
                .IN_W(IN_W),
                .IN_F(IN_F),
                .IN_SIGNED(IN_SIGNED),
                .OUT_W(OUT_W),
                .OUT_F(OUT_F),
                .OUT_SIGNED(OUT_SIGNED),
                .ROUND(ROUND),
                .SATURATE(SATURATE)
            ) u_quant (
                .in_data(x),
                .out_data(y)
            );
            always @(posedge clk) if (en_x) out_data <= y;
        end
    endgenerate

endmodule

`resetall
