// rnnc_beat_deserializer: bytes in, WIDTH-bit beats out. NBYTES = ceil(WIDTH/8) consecutive
// bytes make one beat, least-significant byte first: byte k lands in bits [8k +: 8]; the bits
// of the last byte above WIDTH are ignored.
//
// Streams (both sides): tvalid stays high and tdata stable until tready; a transfer is a cycle
// with tvalid && tready. The beat is held in an output register until taken. The first
// NBYTES-1 bytes of a beat go to a separate assembly register and are always accepted, so the
// next beat's bytes keep coming in while a beat waits; only its last byte waits (s_axis_tready
// low) until the output register is empty. s_axis_tready = 1 for those bytes, otherwise
// !m_axis_tvalid: a register's, with no path from m_axis_tready (in the board top the UART
// receiver's handshake otherwise ran through this module's output side), and a free-running
// consumer still takes one beat per NBYTES cycles (its beat leaves a cycle after it came, before
// the next beat's last byte). With one byte a beat (NBYTES = 1), !m_axis_tvalid ||
// m_axis_tready, for a beat every cycle. Storage: WIDTH + 8*(NBYTES-1) flops.
//
// The byte position is lost if a byte is lost; rst brings it back to the first byte of a beat.
`resetall
`timescale 1ns / 1ps
`default_nettype none

module rnnc_beat_deserializer #(
    parameter integer WIDTH = 16    // beat width in bits, >= 1
) (
    input wire clk,
    input wire rst,
    input wire [7:0] s_axis_tdata,
    input wire s_axis_tvalid,
    output wire s_axis_tready,
    output reg [WIDTH-1:0] m_axis_tdata,
    output reg m_axis_tvalid,
    input wire m_axis_tready
);
    localparam integer NBYTES = (WIDTH + 7) / 8;                 // bytes per beat
    localparam integer IDX_W = NBYTES <= 2 ? 1 : $clog2(NBYTES);  // byte index width

    initial begin
        if (WIDTH < 1) begin
            $display("ERROR: rnnc_beat_deserializer: invalid parameter WIDTH=%0d, need >= 1 (instance %m)",
                     WIDTH);
            $finish;
        end
    end

    generate
        if (NBYTES == 1) begin : g_one
            wire out_free = !m_axis_tvalid || m_axis_tready;
            assign s_axis_tready = out_free;
            always @(posedge clk) begin
                if (m_axis_tvalid && m_axis_tready) m_axis_tvalid <= 1'b0;
                if (s_axis_tvalid && out_free) begin
                    m_axis_tdata <= s_axis_tdata[WIDTH-1:0];
                    m_axis_tvalid <= 1'b1;
                end
                if (rst) m_axis_tvalid <= 1'b0;
            end
            if (WIDTH < 8) begin : g_unused
                /* verilator lint_off UNUSEDSIGNAL */
                wire unused = &{1'b0, s_axis_tdata[7:WIDTH]};  // padding bits are ignored
                /* verilator lint_on UNUSEDSIGNAL */
            end
        end else begin : g_multi
            localparam integer LAST = NBYTES - 1;
            localparam [IDX_W-1:0] IDX_LAST = LAST[IDX_W-1:0];
            reg [IDX_W-1:0] idx;                // control: position of the next byte
            reg [8*LAST-1:0] asm_q;             // datapath: bytes 0..LAST-1, shifted in from the top
            // idx == IDX_LAST kept as a register: the enables of the output register (often
            // hundreds of flops) are then one LUT from flip-flops
            reg at_last;
            wire [8*NBYTES-1:0] full = {s_axis_tdata, asm_q};
            assign s_axis_tready = !at_last || !m_axis_tvalid;
            // a byte into the assembly register (take_mid: the 8 * LAST flip-flops' enable, one
            // LUT of two flip-flops) or the beat's last byte out (take_last)
            wire take_mid = s_axis_tvalid && !at_last;
            wire take_last = s_axis_tvalid && at_last && !m_axis_tvalid;
            always @(posedge clk) begin
                if (m_axis_tvalid && m_axis_tready) m_axis_tvalid <= 1'b0;
                if (take_last) begin
                    m_axis_tdata <= full[WIDTH-1:0];
                    m_axis_tvalid <= 1'b1;
                    idx <= {IDX_W{1'b0}};
                    at_last <= 1'b0;
                end
                if (take_mid) begin
                    asm_q <= full[8*NBYTES-1:8];
                    idx <= idx + 1'b1;
                    at_last <= idx + 1'b1 == IDX_LAST;
                end
                if (rst) begin
                    idx <= {IDX_W{1'b0}};
                    at_last <= 1'b0;
                    m_axis_tvalid <= 1'b0;
                end
            end
            if (WIDTH < 8 * NBYTES) begin : g_unused
                /* verilator lint_off UNUSEDSIGNAL */
                wire unused = &{1'b0, full[8*NBYTES-1:WIDTH]};  // padding bits are ignored
                /* verilator lint_on UNUSEDSIGNAL */
            end
        end
    endgenerate

`ifdef FORMAL
    // Properties (tests/formal/run.sh). The input rules are assumed when this module is the top
    // of the proof (RNNC_FORMAL_rnnc_beat_deserializer) and asserted when it sits inside another.
`ifdef RNNC_FORMAL_rnnc_beat_deserializer
`define RNNC_ASSUME assume
`else
`define RNNC_ASSUME assert
`endif
    reg f_past_valid = 1'b0;
    always @(posedge clk) f_past_valid <= 1'b1;
    always @(*) if (!f_past_valid) `RNNC_ASSUME(rst);
    // upstream: a beat offered stays offered, unchanged, until taken
    always @(posedge clk)
        if (f_past_valid && !$past(rst) && $past(s_axis_tvalid && !s_axis_tready))
            `RNNC_ASSUME(s_axis_tvalid && s_axis_tdata == $past(s_axis_tdata));
    // reset: nothing offered in the next cycle
    always @(posedge clk)
        if (f_past_valid && $past(rst)) assert(!m_axis_tvalid);
    // downstream: our beat stays offered, unchanged, until taken
    always @(posedge clk)
        if (f_past_valid && !$past(rst) && $past(m_axis_tvalid && !m_axis_tready))
            assert(m_axis_tvalid && m_axis_tdata == $past(m_axis_tdata));
    // no byte created or lost, in order and with its data: a shadow beat collects each byte taken
    // at its position; the beat offered is the shadow of the last NBYTES bytes
    reg [8*NBYTES-1:0] f_asm;
    reg [WIDTH-1:0] f_expect;
    reg [IDX_W:0] f_idx = 0;
    reg [8*NBYTES-1:0] f_full;  // the shadow with this cycle's byte in place
    always @(*) begin
        f_full = f_asm;
        f_full[8*f_idx +: 8] = s_axis_tdata;
    end
    always @(posedge clk) begin
        if (s_axis_tvalid && s_axis_tready) begin
            f_asm <= f_full;
            f_idx <= f_idx == NBYTES - 1 ? 0 : f_idx + 1'b1;
            if (f_idx == NBYTES - 1) f_expect <= f_full[WIDTH-1:0];
        end
        if (rst) f_idx <= 0;
    end
    always @(*)
        if (f_past_valid) begin
            if (m_axis_tvalid) assert(m_axis_tdata == f_expect);
            if (NBYTES == 1) assert(f_idx == 0);
            else begin
                assert(f_idx == {1'b0, g_multi.idx} && f_idx < NBYTES);
                assert(g_multi.at_last == (f_idx == NBYTES - 1));
                if (NBYTES > 2 && f_idx != 0)
                    assert(g_multi.asm_q >> (8 * (NBYTES - 1 - f_idx)) == (f_asm & ((1 << (8 * f_idx)) - 1)));
                if (NBYTES == 2 && f_idx == 1) assert(g_multi.asm_q == f_asm[7:0]);
            end
        end
`undef RNNC_ASSUME
`endif

endmodule

`resetall
