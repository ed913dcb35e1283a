// tb_rnnc_rom_split: rnnc_rom_split against the vectors of gen_vectors.c (lines "addr expected_data"),
// one read per cycle.
`resetall
`timescale 1ns / 1ps
`default_nettype none

module tb_rnnc_rom_split #(
    parameter integer WIDTH = 16,       // as rnnc_rom
    parameter integer DEPTH = 16,       // as rnnc_rom
    parameter integer ADDR_W = 4,       // as rnnc_rom
    parameter integer BLOCK_DEPTH = 16, // as rnnc_rom_split
    parameter INIT_FILE = "",           // as rnnc_rom
    parameter TAIL_FILE = "",           // as rnnc_rom_split
    parameter integer TB_N = 1,         // number of vectors
    parameter TB_FILE = "",             // vector file
    parameter TB_CASE = ""              // case name for messages
);
    reg clk = 1'b0;
    reg [ADDR_W-1:0] addr;
    wire [WIDTH-1:0] data;
    reg [WIDTH-1:0] expected;
    integer fd, k, errors, r;

    always #5 clk = ~clk;

    rnnc_rom_split #(.WIDTH(WIDTH), .DEPTH(DEPTH), .ADDR_W(ADDR_W), .BLOCK_DEPTH(BLOCK_DEPTH), .INIT_FILE(INIT_FILE),
                     .TAIL_FILE(TAIL_FILE))
        dut (.clk(clk), .addr(addr), .data(data));

    initial begin
        errors = 0;
        fd = $fopen(TB_FILE, "r");
        if (fd == 0) begin
            $display("RESULT FAIL cannot open %0s", TB_FILE);
            $finish;
        end
        #1;
        for (k = 0; k < TB_N; k = k + 1) begin
            r = $fscanf(fd, "%h %h\n", addr, expected);
            if (r != 2) begin
                $display("RESULT FAIL short vector file at %0d", k);
                $finish;
            end
            @(posedge clk);
            #1;
            if (data !== expected) begin
                errors = errors + 1;
                if (errors <= 10)
                    $display("MISMATCH rnnc_rom_split %0s (WIDTH=%0d DEPTH=%0d ADDR_W=%0d BLOCK_DEPTH=%0d) vector %0d: addr=%h expected %h got %h",
                             TB_CASE, WIDTH, DEPTH, ADDR_W, BLOCK_DEPTH, k, addr, expected, data);
            end
        end
        if (errors == 0) $display("RESULT PASS %0d vectors", TB_N);
        else $display("RESULT FAIL %0d of %0d vectors", errors, TB_N);
        $finish;
    end
endmodule

`resetall
