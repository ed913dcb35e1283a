// rnnc_uart_rx: UART receiver, 8N1 (one start bit, 8 data bits LSB first, one stop bit, no
// parity), one byte out as an AXI-stream beat.
//
// rx passes a 2-flop synchronizer first (it comes straight from a pin). A falling edge in idle
// starts a frame; the start bit is checked again at its middle (a shorter low glitch is
// ignored), then the 8 data bits and the stop bit are sampled at their middles, every
// CLKS_PER_BIT cycles. A stop bit read as 0 is a framing error: the byte is dropped and the
// receiver waits for the line to return high (a break) before looking for the next start bit.
// The receiver is back in idle at the middle of the stop bit, so back-to-back frames and a
// sender up to ~(CLKS_PER_BIT/2 - 2)/(9.5*CLKS_PER_BIT) faster or slower (about 4% at
// CLKS_PER_BIT >= 16) are received.
//
// Output: m_axis_tdata/m_axis_tvalid form a one-byte register; the stream contract is the usual
// one (tvalid stays high and tdata stable until m_axis_tready). There is no flow control on a
// UART: if a byte completes while the previous one is still held (tvalid && !tready in that
// cycle), the NEW byte is dropped and the held one is kept. A consumer that takes each byte
// within 9 bit times never loses one.
`resetall
`timescale 1ns / 1ps
`default_nettype none

module rnnc_uart_rx #(
    parameter integer CLKS_PER_BIT = 104    // clock cycles per bit (clk Hz / baud), >= 4
) (
    input wire clk,
    input wire rst,
    input wire rx,
    output reg [7:0] m_axis_tdata,
    output reg m_axis_tvalid,
    input wire m_axis_tready
);
    // Cycle counter width: holds CLKS_PER_BIT - 1.
    localparam integer CNT_W = CLKS_PER_BIT <= 2 ? 1 : $clog2(CLKS_PER_BIT);
    localparam integer CPB_M1 = CLKS_PER_BIT - 1;
    localparam integer HALF_M1 = CLKS_PER_BIT / 2 - 1;
    localparam [CNT_W-1:0] CNT_BIT = CPB_M1[CNT_W-1:0];   // one bit time, counting down to 0
    localparam [CNT_W-1:0] CNT_HALF = HALF_M1[CNT_W-1:0]; // edge to the middle of the start bit

    localparam [1:0] S_IDLE = 2'd0;     // line idle, waiting for a falling edge
    localparam [1:0] S_START = 2'd1;    // in the start bit, waiting for its middle
    localparam [1:0] S_DATA = 2'd2;     // in the data bits
    localparam [1:0] S_STOP = 2'd3;     // in the stop bit (or waiting for the line to go high)

    initial begin
        if (CLKS_PER_BIT < 4) begin
            $display("ERROR: rnnc_uart_rx: invalid parameter CLKS_PER_BIT=%0d, need >= 4 (instance %m)",
                     CLKS_PER_BIT);
            $finish;
        end
    end

    // Control registers.
    reg rx_meta, rx_sync;   // synchronizer (reset to idle high: no false start after reset)
    reg [1:0] state;
    reg [CNT_W-1:0] cnt;    // cycles left to the next sample point
    reg at_sample;          // cnt == 0, kept as a register: keeps the compare off the control path
    reg [2:0] nbit;         // data bits received so far (mod 8)
    reg brk;                // in S_STOP after a framing error: wait for rx high
    // Datapath.
    reg [7:0] shift;        // data bits, shifted in from the top (LSB first on the line)

    always @(posedge clk) begin
        rx_meta <= rx;
        rx_sync <= rx_meta;
        if (m_axis_tvalid && m_axis_tready) m_axis_tvalid <= 1'b0;
        case (state)
            S_IDLE: begin
                brk <= 1'b0;
                if (!rx_sync) begin
                    state <= S_START;
                    cnt <= CNT_HALF;
                    at_sample <= 1'b0;
                end
            end
            S_START: begin
                if (!at_sample) begin
                    cnt <= cnt - 1'b1;
                    at_sample <= cnt == 1;
                end else if (rx_sync) state <= S_IDLE;     // glitch, not a start bit
                else begin
                    state <= S_DATA;
                    cnt <= CNT_BIT;
                    at_sample <= 1'b0;
                    nbit <= 3'd0;
                end
            end
            S_DATA: begin
                if (!at_sample) begin
                    cnt <= cnt - 1'b1;
                    at_sample <= cnt == 1;
                end else begin
                    shift <= {rx_sync, shift[7:1]};
                    nbit <= nbit + 1'b1;
                    cnt <= CNT_BIT;
                    at_sample <= 1'b0;
                    if (nbit == 3'd7) state <= S_STOP;
                end
            end
            default: begin  // S_STOP
                if (brk) begin
                    if (rx_sync) state <= S_IDLE;
                end else if (!at_sample) begin
                    cnt <= cnt - 1'b1;
                    at_sample <= cnt == 1;
                end else if (rx_sync) begin
                    state <= S_IDLE;
                    // Deliver unless the previous byte is still held (then drop the new one).
                    if (!m_axis_tvalid || m_axis_tready) begin
                        m_axis_tdata <= shift;
                        m_axis_tvalid <= 1'b1;
                    end
                end else brk <= 1'b1;  // framing error: drop the byte
            end
        endcase
        if (rst) begin
            rx_meta <= 1'b1;
            rx_sync <= 1'b1;
            state <= S_IDLE;
            cnt <= {CNT_W{1'b0}};
            at_sample <= 1'b0;
            nbit <= 3'd0;
            brk <= 1'b0;
            m_axis_tvalid <= 1'b0;
        end
    end

`ifdef FORMAL
    // Properties (tests/formal/run.sh). The input rules are assumed when this module is the top
    // of the proof (RNNC_FORMAL_rnnc_uart_rx) and asserted when it sits inside another.
`ifdef RNNC_FORMAL_rnnc_uart_rx
`define RNNC_ASSUME assume
`else
`define RNNC_ASSUME assert
`endif
    reg f_past_valid = 1'b0;
    always @(posedge clk) f_past_valid <= 1'b1;
    always @(*) if (!f_past_valid) `RNNC_ASSUME(rst);
    // reset: nothing offered in the next cycle
    always @(posedge clk)
        if (f_past_valid && $past(rst)) assert(!m_axis_tvalid);
    // downstream: our byte stays offered, unchanged, until taken (a byte completed meanwhile is
    // dropped, as documented)
    always @(posedge clk)
        if (f_past_valid && !$past(rst) && $past(m_axis_tvalid && !m_axis_tready))
            assert(m_axis_tvalid && m_axis_tdata == $past(m_axis_tdata));
    // no byte created: a byte appears only at the middle of a stop bit read as 1, and it is the
    // 8 bits shifted in
    always @(posedge clk)
        if (f_past_valid && !$past(rst) && m_axis_tvalid && !($past(m_axis_tvalid && !m_axis_tready)) &&
            (!$past(m_axis_tvalid) || m_axis_tdata != $past(m_axis_tdata)))
            assert($past(state) == S_STOP && $past(at_sample) && !$past(brk) && $past(rx_sync) &&
                   m_axis_tdata == $past(shift));
`undef RNNC_ASSUME
`endif

endmodule

`resetall
