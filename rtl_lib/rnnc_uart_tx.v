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
    localparam integer CNT_W = CLKS_PER_BIT <= 2 ? 1 : $clog2(CLKS_PER_BIT);
    localparam integer CPB_M1 = CLKS_PER_BIT - 1;
    localparam [CNT_W-1:0] CNT_BIT = CPB_M1[CNT_W-1:0];   // one bit time, counting down to 0

    initial begin
        if (CLKS_PER_BIT < 2) begin
            $display("ERROR: rnnc_uart_tx: invalid parameter CLKS_PER_BIT=%0d, need >= 2 (instance %m)",
                     CLKS_PER_BIT);
            $finish;
        end
    end

    // Control registers.
    reg busy;
    reg [CNT_W-1:0] cnt;    // cycles left in the current bit
    reg [3:0] nbit;         // bits still to send after the current one
    // cnt == 0 and nbit == 0 kept as registers: s_axis_tready is then one LUT from flip-flops
    // (it drives the enables of the buffer in front).
    reg bit_end, nbit_zero;
    // Datapath: the data bits still to send, then the stop bit (shifted in from the top).
    reg [8:0] frame;

    wire last = busy && bit_end && nbit_zero;
    assign s_axis_tready = !busy || last;

    always @(posedge clk) begin
        if (s_axis_tvalid && s_axis_tready) begin
            busy <= 1'b1;
            tx <= 1'b0;     // start bit
            frame <= {1'b1, s_axis_tdata};
            nbit <= 4'd9;
            nbit_zero <= 1'b0;
            cnt <= CNT_BIT;
            bit_end <= 1'b0;
        end else if (busy) begin
            if (!bit_end) begin
                cnt <= cnt - 1'b1;
                bit_end <= cnt == 1;
            end else if (nbit_zero) busy <= 1'b0;   // end of the stop bit; tx stays high
            else begin
                tx <= frame[0];
                frame <= {1'b1, frame[8:1]};
                nbit <= nbit - 1'b1;
                nbit_zero <= nbit == 4'd1;
                cnt <= CNT_BIT;
                bit_end <= 1'b0;
            end
        end
        if (rst) begin
            busy <= 1'b0;
            cnt <= {CNT_W{1'b0}};
            bit_end <= 1'b1;
            nbit <= 4'd0;
            nbit_zero <= 1'b1;
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
    wire [15:0] f_left = CPB_M1 - (f_t - 16'd1) % CLKS_PER_BIT;  // cycles left in that bit
    wire [9:0] f_frame = {1'b1, f_data, 1'b0};
    wire [17:0] f_rest = {9'h1ff, 1'b1, f_data} >> f_bit;       // what frame holds at bit f_bit
    always @(*)
        if (f_past_valid) begin
            assert(f_t <= F_FRAME && busy == (f_t != 16'd0));
            assert(s_axis_tready == (f_t == 16'd0 || f_t == F_FRAME));
            if (f_t == 16'd0) assert(tx);
            else begin
                assert(tx == f_frame[f_bit]);
                assert(cnt == f_left[CNT_W-1:0] && bit_end == (cnt == 0));
                assert(nbit == 4'd9 - f_bit[3:0] && nbit_zero == (nbit == 4'd0));
                assert(frame == f_rest[8:0]);
            end
        end
`undef RNNC_ASSUME
`endif

endmodule

`resetall
