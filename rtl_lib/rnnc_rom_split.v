// rnnc_rom_split: rnnc_rom with its last words in logic. A schedule ROM a few words longer than
// a multiple of a block RAM's depth would take whole block RAMs for those words (520 words of
// 48 bits: 9 SB_RAM40_4K, 512 of them: 6). Words 0..BLOCK_DEPTH-1 come from INIT_FILE into an
// rnnc_rom (block RAM), the DEPTH - BLOCK_DEPTH words after them from TAIL_FILE into a memory
// small enough for synthesis to keep in logic; data <= mem[addr] as rnnc_rom's, an address at
// or beyond DEPTH reading 0.
//
// Spec reading: BLOCK_DEPTH must be a multiple of 2^clog2(DEPTH - BLOCK_DEPTH), so that the
// tail's index is the address's low bits. data is the two parts' registered words chosen by a
// registered address comparison: one LUT level after the block RAM's output, which the
// compiler only builds where a register follows (--table-reg's ROM register).
`resetall
`timescale 1ns / 1ps
`default_nettype none

module rnnc_rom_split #(
    parameter integer WIDTH = 16,       // word width, >= 1
    parameter integer DEPTH = 20,       // number of words, BLOCK_DEPTH+1..2^ADDR_W
    parameter integer ADDR_W = 5,       // address width, 1..30
    parameter integer BLOCK_DEPTH = 16, // words in block RAM, from INIT_FILE
    parameter INIT_FILE = "",           // $readmemh file: BLOCK_DEPTH lines of hex ("": zeros)
    parameter TAIL_FILE = ""            // $readmemh file: DEPTH - BLOCK_DEPTH lines of hex ("": zeros)
) (
    input wire clk,
    input wire [ADDR_W-1:0] addr,
    output wire [WIDTH-1:0] data
);
    localparam integer TAIL = DEPTH - BLOCK_DEPTH;
    localparam integer TAIL_W = TAIL <= 2 ? 1 : $clog2(TAIL);
    localparam integer BLOCK_AW = BLOCK_DEPTH <= 2 ? 1 : $clog2(BLOCK_DEPTH);
    localparam [ADDR_W:0] BLOCK_C = BLOCK_DEPTH[ADDR_W:0];
    localparam [ADDR_W:0] DEPTH_C = DEPTH[ADDR_W:0];
    initial begin
        if (WIDTH < 1 || ADDR_W < 1 || ADDR_W > 30 || BLOCK_DEPTH < 1 || DEPTH <= BLOCK_DEPTH ||
            DEPTH > (1 << ADDR_W) || BLOCK_DEPTH % (1 << TAIL_W) != 0) begin
            $display("ERROR: rnnc_rom_split: invalid parameters WIDTH=%0d DEPTH=%0d ADDR_W=%0d BLOCK_DEPTH=%0d (instance %m)",
                     WIDTH, DEPTH, ADDR_W, BLOCK_DEPTH);
            $finish;
        end
    end

    wire [WIDTH-1:0] block_q;
    rnnc_rom #(.WIDTH(WIDTH), .DEPTH(BLOCK_DEPTH), .ADDR_W(BLOCK_AW), .INIT_FILE(INIT_FILE)) u_block
        (.clk(clk), .addr(addr[BLOCK_AW-1:0]), .data(block_q));

    reg [WIDTH-1:0] tail_mem [0:TAIL-1];
    generate
        if (TAIL_FILE != "") begin : g_init
            initial $readmemh(TAIL_FILE, tail_mem);
        end else begin : g_zero
            integer k;
            initial for (k = 0; k < TAIL; k = k + 1) tail_mem[k] = {WIDTH{1'b0}};
        end
    endgenerate

    reg [WIDTH-1:0] tail_q;
    reg in_tail;
    wire tail_ok = {1'b0, addr} < DEPTH_C; // beyond DEPTH: 0
    always @(posedge clk) begin
        tail_q <= tail_ok ? tail_mem[addr[TAIL_W-1:0]] : {WIDTH{1'b0}};
        in_tail <= {1'b0, addr} >= BLOCK_C;
    end
    assign data = in_tail ? tail_q : block_q;

endmodule

`resetall
