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
    // The state is one-hot, the sample point (at_sample) a register of its own, and the data
    // bits are counted down past 0 to -1, the sign bit marking the eighth: every enable is one
    // LUT of flip-flops. On a nearly full iCE40 the placer may spread this small module far
    // apart, and the old decode's three LUT levels with their routes were the design's
    // critical path. The cycle counter counts up and is cleared, as rnnc_job_ctrl's: a
    // counter loaded with other constants gets the loads merged into its carry chain's LUTs,
    // which the packer splits into slow pieces.
    localparam integer CNT_W = $clog2(CLKS_PER_BIT);
    localparam integer CPB_M2 = CLKS_PER_BIT - 2;
    localparam integer HALF_M2 = CLKS_PER_BIT / 2 - 2;
    localparam [CNT_W-1:0] CNT_BIT = CPB_M2[CNT_W-1:0];    // a bit time: at_sample rises CLKS_PER_BIT cycles after the last
    localparam [CNT_W-1:0] CNT_HALF = HALF_M2[CNT_W-1:0];  // edge to the middle of the start bit

    initial begin
        if (CLKS_PER_BIT < 4) begin
            $display("ERROR: rnnc_uart_rx: invalid parameter CLKS_PER_BIT=%0d, need >= 4 (instance %m)",
                     CLKS_PER_BIT);
            $finish;
        end
    end

    // Control registers.
    reg rx_meta, rx_sync;   // synchronizer (reset to idle high: no false start after reset)
    reg s_idle;             // line idle, waiting for a falling edge
    reg s_start;            // in the start bit, waiting for its middle
    reg s_data;             // in the data bits
    reg s_stop;             // in the stop bit (or waiting for the line to go high)
    reg [CNT_W-1:0] cnt;    // cycles since the last sample point (or the start bit's edge), less one
    reg at_sample;          // the sample point: cnt reached CNT_HALF (start bit) or CNT_BIT a cycle ago
    reg [3:0] nbit;         // data bits still to sample after the next, less one; -1 at the eighth
    reg brk;                // in S_STOP after a framing error: wait for rx high
    // Datapath.
    reg [7:0] shift;        // data bits, shifted in from the top (LSB first on the line)
    wire last_bit = nbit[3];

    always @(posedge clk) begin
        rx_meta <= rx;
        rx_sync <= rx_meta;
        if (m_axis_tvalid && m_axis_tready) m_axis_tvalid <= 1'b0;
        // the counter: cleared while idle and at each sample point
        if (s_idle || at_sample) cnt <= {CNT_W{1'b0}};
        else cnt <= cnt + 1'b1;
        at_sample <= !s_idle && cnt == (s_start ? CNT_HALF : CNT_BIT);
        // the data bits: counted from the start bit's middle, shifted in at each data sample
        if (s_start) nbit <= 4'd6;
        else if (s_data && at_sample) nbit <= nbit - 1'b1;
        if (s_data && at_sample) shift <= {rx_sync, shift[7:1]};
        // the states
        if (s_idle && !rx_sync) begin
            s_idle <= 1'b0;
            s_start <= 1'b1;
        end
        if (s_start && at_sample) begin
            s_start <= 1'b0;
            if (rx_sync) s_idle <= 1'b1;    // glitch, not a start bit
            else s_data <= 1'b1;
        end
        if (s_data && at_sample && last_bit) begin
            s_data <= 1'b0;
            s_stop <= 1'b1;
        end
        brk <= s_stop && (brk || (at_sample && !rx_sync)); // framing error: drop the byte
        if (s_stop && rx_sync && (brk || at_sample)) begin
            s_stop <= 1'b0;
            s_idle <= 1'b1;
        end
        // Deliver at the stop bit's middle unless the previous byte is still held (then drop the new one).
        if (s_stop && !brk && at_sample && rx_sync && (!m_axis_tvalid || m_axis_tready)) begin
            m_axis_tdata <= shift;
            m_axis_tvalid <= 1'b1;
        end
        if (rst) begin
            rx_meta <= 1'b1;
            rx_sync <= 1'b1;
            s_idle <= 1'b1;
            s_start <= 1'b0;
            s_data <= 1'b0;
            s_stop <= 1'b0;
            cnt <= {CNT_W{1'b0}};
            at_sample <= 1'b0;
            nbit <= 4'd0;
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
            assert($past(s_stop) && $past(at_sample) && !$past(brk) && $past(rx_sync) &&
                   m_axis_tdata == $past(shift));
    // the state is one-hot from the first reset on
    reg f_reset_seen = 1'b0;
    always @(posedge clk) if (rst) f_reset_seen <= 1'b1;
    always @(*)
        if (f_reset_seen) assert({2'b0, s_idle} + {2'b0, s_start} + {2'b0, s_data} + {2'b0, s_stop} == 3'd1);
`undef RNNC_ASSUME
`endif

endmodule

`resetall
