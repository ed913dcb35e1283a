// rnnc_uart_tx: UART transmitter, 8N1 (one start bit, 8 data bits LSB first, one stop bit, no
// parity), one byte in as an AXI-stream beat.
//
// tx is a register, high when idle (and from reset). A byte taken on s_axis_tvalid &&
// s_axis_tready starts its start bit on the next cycle; every bit, the stop bit included, lasts
// exactly CLKS_PER_BIT cycles. s_axis_tready is high when idle and in the last cycle of a stop
// bit, so bytes offered back to back leave back to back (10 bit times per byte). s_axis_tready
// depends on registers only.
`resetall
`timescale 1ns / 1ps
`default_nettype none

module rnnc_uart_tx #(
    parameter integer CLKS_PER_BIT = 104    // clock cycles per bit (clk Hz / baud), >= 2
) (
    input wire clk,
    input wire rst,
    input wire [7:0] s_axis_tdata,
    input wire s_axis_tvalid,
    output wire s_axis_tready,
    output reg tx
);
    // Cycle counter width: holds CLKS_PER_BIT - 1.
    // The two counters count down past 0 to -1, and their sign bits are the events (bit_end,
    // nbit_zero): no compare sits between a counter and the logic it enables, so every control
    // path is one LUT from flip-flops. On a nearly full iCE40 the placer may spread this small
    // module far apart, and a compare's second LUT level with its routes was the design's
    // critical path (5-6 ns a route at 48 MHz).
    localparam integer CNT_W = CLKS_PER_BIT <= 2 ? 1 : $clog2(CLKS_PER_BIT - 1);
    localparam integer CPB_M2 = CLKS_PER_BIT - 2;
    localparam [CNT_W:0] CNT_LOAD = CPB_M2[CNT_W:0];   // one bit time: CLKS_PER_BIT - 1 decrements to -1

    initial begin
        if (CLKS_PER_BIT < 2) begin
            $display("ERROR: rnnc_uart_tx: invalid parameter CLKS_PER_BIT=%0d, need >= 2 (instance %m)",
                     CLKS_PER_BIT);
            $finish;
        end
    end

    reg [CNT_W:0] cnt;      // cycles left in the current bit, less one; -1 (sign set) in its last cycle
    reg [4:0] nbit;         // bits still to send after the current one, less one; -1 when none
    reg [8:0] frame;
    wire bit_end = cnt[CNT_W];
    wire nbit_zero = nbit[4];

    // when idle, bit_end and nbit_zero are both set (from reset, and at the end of a stop bit)
    assign s_axis_tready = bit_end && nbit_zero;
    wire take = s_axis_tvalid && s_axis_tready;
    wire next_bit = bit_end && !nbit_zero;

    always @(posedge clk) begin
        if (take || next_bit) cnt <= CNT_LOAD;
        else if (!bit_end) cnt <= cnt - 1'b1;
        if (take) begin
            tx <= 1'b0;     // start bit
            frame <= {1'b1, s_axis_tdata};
            nbit <= 5'd8;
        end else if (next_bit) begin
            tx <= frame[0];
            frame <= {1'b1, frame[8:1]};
            nbit <= nbit - 1'b1;
        end   // at the end of the stop bit nothing changes: tx stays high, the module is idle
        if (rst) begin
            cnt <= {1'b1, {CNT_W{1'b0}}};
            nbit <= 5'b10000;
            tx <= 1'b1;
        end
    end

`ifdef FORMAL
    // Properties (tests/formal/run.sh). The input rules are assumed when this module is the top
    // of the proof (RNNC_FORMAL_rnnc_uart_tx) and asserted when it sits inside another.
`ifdef RNNC_FORMAL_rnnc_uart_tx
`define RNNC_ASSUME assume
`else
`define RNNC_ASSUME assert
`endif
    reg f_past_valid = 1'b0;
    always @(posedge clk) f_past_valid <= 1'b1;
    always @(*) if (!f_past_valid) `RNNC_ASSUME(rst);
    // upstream: a byte offered stays offered, unchanged, until taken
    always @(posedge clk)
        if (f_past_valid && !$past(rst) && $past(s_axis_tvalid && !s_axis_tready))
            `RNNC_ASSUME(s_axis_tvalid && s_axis_tdata == $past(s_axis_tdata));
    // fixed timing: f_t counts the cycles since a byte was taken (0: idle). Bit k of the frame
    // (start 0, data LSB first, stop 1) is on tx in cycles f_t = k*CLKS_PER_BIT+1 ..
    // (k+1)*CLKS_PER_BIT; the next byte is taken at the earliest in the frame's last cycle.
    localparam integer F_FRAME = 10 * CLKS_PER_BIT;
    reg [15:0] f_t = 16'd0;
    reg [7:0] f_data;
    always @(posedge clk) begin
        if (s_axis_tvalid && s_axis_tready) begin
            f_t <= 16'd1;
            f_data <= s_axis_tdata;
        end else if (f_t == F_FRAME) f_t <= 16'd0;
        else if (f_t != 16'd0) f_t <= f_t + 16'd1;
        if (rst) f_t <= 16'd0;
    end
    wire [15:0] f_bit = (f_t - 16'd1) / CLKS_PER_BIT;         // bit of the frame on the line
    wire [15:0] f_left = CLKS_PER_BIT - 1 - (f_t - 16'd1) % CLKS_PER_BIT;  // cycles left in that bit
    wire [9:0] f_frame = {1'b1, f_data, 1'b0};
    wire [17:0] f_rest = {9'h1ff, 1'b1, f_data} >> f_bit;       // what frame holds at bit f_bit
    always @(*)
        if (f_past_valid) begin
            assert(f_t <= F_FRAME);
            assert(s_axis_tready == (f_t == 16'd0 || f_t == F_FRAME));
            if (f_t == 16'd0) assert(tx);
            else begin
                assert(tx == f_frame[f_bit]);
                assert(bit_end == (f_left == 0) && (bit_end || cnt == f_left[CNT_W:0] - 1'b1));
                assert(nbit_zero == (f_bit == 9) && (nbit_zero || nbit == 5'd8 - f_bit[4:0]));
                assert(frame == f_rest[8:0]);
            end
        end
`undef RNNC_ASSUME
`endif

endmodule

`resetall
