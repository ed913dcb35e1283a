// rnnc_rom: synchronous-read ROM, data <= mem[addr], mem loaded from INIT_FILE by $readmemh
// (hex, DEPTH lines).
//
// Spec reading: ADDR_W must be at least clog2(DEPTH). When DEPTH is not 2^ADDR_W, an address
// at or beyond DEPTH reads 0 (the plain mem[addr] would read X in simulation). With the
// default INIT_FILE = "" the ROM holds zeros (so every tool can elaborate the defaults).
//
// A tail in logic: with BLOCK_DEPTH < DEPTH, INIT_FILE holds words 0..BLOCK_DEPTH-1 and
// TAIL_FILE the DEPTH - BLOCK_DEPTH words after them, in a memory of their own small enough
// for synthesis to keep in logic (a 520-word ROM then takes the block RAMs of 512 words, not
// those of 768). BLOCK_DEPTH must be a multiple of 2^clog2(DEPTH - BLOCK_DEPTH), so that the
// tail's index is the address's low bits. data is then the registered word of either part,
// chosen by a registered address comparison: one LUT level after the block RAM's output.
`resetall
`timescale 1ns / 1ps
`default_nettype none

module rnnc_rom #(
    parameter integer WIDTH = 16,   // word width, >= 1
    parameter integer DEPTH = 16,   // number of words, 1..2^ADDR_W
    parameter integer ADDR_W = 4,   // address width, 1..30
    parameter INIT_FILE = "",       // $readmemh file: DEPTH (with a tail: BLOCK_DEPTH) lines of hex
    parameter integer BLOCK_DEPTH = DEPTH, // words from INIT_FILE; the rest from TAIL_FILE (above)
    parameter TAIL_FILE = ""        // $readmemh file: DEPTH - BLOCK_DEPTH lines of hex
) (
    input wire clk,
    input wire [ADDR_W-1:0] addr,
    output reg [WIDTH-1:0] data
);
    localparam integer TAIL = DEPTH - BLOCK_DEPTH;
    localparam integer TAIL_W = TAIL <= 2 ? 1 : $clog2(TAIL);
    initial begin
        if (WIDTH < 1 || ADDR_W < 1 || ADDR_W > 30 || DEPTH < 1 || DEPTH > (1 << ADDR_W) || BLOCK_DEPTH < 1 ||
            BLOCK_DEPTH > DEPTH || (TAIL > 0 && BLOCK_DEPTH % (1 << TAIL_W) != 0)) begin
            $display("ERROR: rnnc_rom: invalid parameters WIDTH=%0d DEPTH=%0d ADDR_W=%0d BLOCK_DEPTH=%0d (instance %m)",
                     WIDTH, DEPTH, ADDR_W, BLOCK_DEPTH);
            $finish;
        end
    end

    generate
        if (TAIL > 0) begin : g_tail
            localparam integer BLOCK_IDX_W = BLOCK_DEPTH <= 2 ? 1 : $clog2(BLOCK_DEPTH);
            localparam [ADDR_W:0] BLOCK_C = BLOCK_DEPTH[ADDR_W:0];
            localparam [ADDR_W:0] DEPTH_C = DEPTH[ADDR_W:0];
            reg [WIDTH-1:0] block_mem [0:BLOCK_DEPTH-1];
            reg [WIDTH-1:0] tail_mem [0:TAIL-1];
            reg [WIDTH-1:0] block_q;
            reg [WIDTH-1:0] tail_q;
            reg in_tail;
            initial $readmemh(INIT_FILE, block_mem);
            initial $readmemh(TAIL_FILE, tail_mem);
            // an address at or beyond DEPTH reads 0 (through the tail's register)
            wire tail_ok = {1'b0, addr} < DEPTH_C;
            always @(posedge clk) begin
                block_q <= block_mem[addr[BLOCK_IDX_W-1:0]];
                tail_q <= tail_ok ? tail_mem[addr[TAIL_W-1:0]] : {WIDTH{1'b0}};
                in_tail <= {1'b0, addr} >= BLOCK_C;
            end
            always @* data = in_tail ? tail_q : block_q;
        end else begin : g_whole
            reg [WIDTH-1:0] mem [0:DEPTH-1];
            // No file (the default): the module can still be read and elaborated, e.g. by yosys
            // reading every file with default parameters.
            if (INIT_FILE != "") begin : g_init
                initial $readmemh(INIT_FILE, mem);
            end else begin : g_zero
                integer k;
                initial for (k = 0; k < DEPTH; k = k + 1) mem[k] = {WIDTH{1'b0}};
            end
            if (DEPTH == (1 << ADDR_W)) begin : g_full
                always @(posedge clk) data <= mem[addr];
            end else begin : g_partial
                // Smallest index width for DEPTH words (at least 1).
                localparam integer IDX_W = DEPTH <= 2 ? 1 : $clog2(DEPTH);
                localparam [ADDR_W:0] DEPTH_C = DEPTH[ADDR_W:0];
                wire in_range = {1'b0, addr} < DEPTH_C;
                always @(posedge clk) data <= in_range ? mem[addr[IDX_W-1:0]] : {WIDTH{1'b0}};
            end
        end
    endgenerate

endmodule

`resetall
