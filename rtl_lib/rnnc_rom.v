// rnnc_rom: synchronous-read ROM, data <= mem[addr], mem loaded from INIT_FILE by $readmemh
// (hex, DEPTH lines).
//
// Spec reading: ADDR_W must be at least clog2(DEPTH). When DEPTH is not 2^ADDR_W, an address
// at or beyond DEPTH reads 0 (the plain mem[addr] would read X in simulation). With the
// default INIT_FILE = "" the ROM holds zeros (so every tool can elaborate the defaults).
`resetall
`timescale 1ns / 1ps
`default_nettype none

module rnnc_rom #(
    parameter integer WIDTH = 16,   // word width, >= 1
    parameter integer DEPTH = 16,   // number of words, 1..2^ADDR_W
    parameter integer ADDR_W = 4,   // address width, 1..30
    parameter INIT_FILE = ""        // $readmemh file: DEPTH lines of hex, no comments
) (
    input wire clk,
    input wire [ADDR_W-1:0] addr,
    output reg [WIDTH-1:0] data
);
    initial begin
        if (WIDTH < 1 || ADDR_W < 1 || ADDR_W > 30 || DEPTH < 1 || DEPTH > (1 << ADDR_W)) begin
            $display("ERROR: rnnc_rom: invalid parameters WIDTH=%0d DEPTH=%0d ADDR_W=%0d (instance %m)",
                     WIDTH, DEPTH, ADDR_W);
            $finish;
        end
    end

    reg [WIDTH-1:0] mem [0:DEPTH-1];
    generate
        // No file (the default): the module can still be read and elaborated, e.g. by yosys
        // reading every file with default parameters.
        if (INIT_FILE != "") begin : g_init
            initial $readmemh(INIT_FILE, mem);
        end else begin : g_zero
            integer k;
            initial for (k = 0; k < DEPTH; k = k + 1) mem[k] = {WIDTH{1'b0}};
        end
    endgenerate

    generate
        if (DEPTH == (1 << ADDR_W)) begin : g_full
            always @(posedge clk) data <= mem[addr];
        end else begin : g_partial
            // Smallest index width for DEPTH words (at least 1).
            localparam integer IDX_W = DEPTH <= 2 ? 1 : $clog2(DEPTH);
            localparam [ADDR_W:0] DEPTH_C = DEPTH[ADDR_W:0];
            wire in_range = {1'b0, addr} < DEPTH_C;
            always @(posedge clk) data <= in_range ? mem[addr[IDX_W-1:0]] : {WIDTH{1'b0}};
        end
    endgenerate

endmodule

`resetall
