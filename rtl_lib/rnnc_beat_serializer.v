// rnnc_beat_serializer: WIDTH-bit beats in, bytes out. Each beat leaves as NBYTES =
// ceil(WIDTH/8) bytes, least-significant byte first: byte k is bits [8k +: 8]; the bits of the
// last byte above WIDTH are sent as 0.
//
// Streams (both sides): tvalid stays high and tdata stable until tready; a transfer is a cycle
// with tvalid && tready. A beat is taken into a shift register when it is empty or while its
// last byte is being taken (s_axis_tready = !m_axis_tvalid || (last byte && m_axis_tready), a
// combinational path from m_axis_tready), so a free-running consumer sees one byte per cycle
// with no gap between beats. m_axis_tdata and m_axis_tvalid come straight from registers.
`resetall
`timescale 1ns / 1ps
`default_nettype none

module rnnc_beat_serializer #(
    parameter integer WIDTH = 16    // beat width in bits, >= 1
) (
    input wire clk,
    input wire rst,
    input wire [WIDTH-1:0] s_axis_tdata,
    input wire s_axis_tvalid,
    output wire s_axis_tready,
    output wire [7:0] m_axis_tdata,
    output wire m_axis_tvalid,
    input wire m_axis_tready
);
    localparam integer NBYTES = WIDTH < 1 ? 1 : (WIDTH + 7) / 8;  // bytes per beat
    localparam integer LEFT_W = $clog2(NBYTES + 1);                // holds 0..NBYTES
    localparam [LEFT_W-1:0] LEFT_FULL = NBYTES[LEFT_W-1:0];
    localparam [LEFT_W:0] LEFT_TWO = 2;         // one bit wider: 2 may not fit LEFT_W

    initial begin
        if (WIDTH < 1) begin
            $display("ERROR: rnnc_beat_serializer: invalid parameter WIDTH=%0d, need >= 1 (instance %m)",
                     WIDTH);
            $finish;
        end
    end

    reg [LEFT_W-1:0] left;          // control: bytes of the current beat not yet taken
    // left != 0 and left == 1 kept as registers: both handshake outputs are then one LUT from
    // flip-flops (m_axis_tvalid drives the UART transmitter's enables)
    reg any_left, one_left;
    reg [8*NBYTES-1:0] sh;          // datapath: those bytes, the next one in [7:0]
    reg [8*NBYTES-1:0] padded;      // the incoming beat, zero-extended to whole bytes

    integer i;
    always @* begin
        padded = {8*NBYTES{1'b0}};
        for (i = 0; i < WIDTH; i = i + 1) padded[i] = s_axis_tdata[i];
    end

    assign m_axis_tvalid = any_left;
    assign m_axis_tdata = sh[7:0];
    assign s_axis_tready = !any_left || (one_left && m_axis_tready);

    always @(posedge clk) begin
        if (s_axis_tvalid && s_axis_tready) begin
            sh <= padded;
            left <= LEFT_FULL;
            any_left <= 1'b1;
            one_left <= NBYTES == 1;
        end else if (m_axis_tvalid && m_axis_tready) begin
            sh <= sh >> 8;
            left <= left - 1'b1;
            any_left <= !one_left;
            one_left <= {1'b0, left} == LEFT_TWO;
        end
        if (rst) begin
            left <= {LEFT_W{1'b0}};
            any_left <= 1'b0;
            one_left <= 1'b0;
        end
    end

`ifdef FORMAL
    // Properties (tests/formal/run.sh). The input rules are assumed when this module is the top
    // of the proof (RNNC_FORMAL_rnnc_beat_serializer) and asserted when it sits inside another.
`ifdef RNNC_FORMAL_rnnc_beat_serializer
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
    // no byte created or lost, in order and with its data: every beat taken adds NBYTES bytes to
    // the count of bytes to send, every byte sent removes one; the bytes left are the last beat's
    // top ones, the next in m_axis_tdata
    reg [LEFT_W:0] f_left = 0;
    reg [8*NBYTES-1:0] f_beat;
    always @(posedge clk)
        if (rst) f_left <= 0;
        else f_left <= f_left + (s_axis_tvalid && s_axis_tready ? NBYTES : 0) - (m_axis_tvalid && m_axis_tready);
    always @(posedge clk) if (s_axis_tvalid && s_axis_tready) f_beat <= padded;
    always @(*)
        if (f_past_valid) begin
            assert(f_left == {1'b0, left} && left <= LEFT_FULL);
            assert(any_left == (left != 0) && one_left == (left == 1));
            if (any_left) assert(sh == f_beat >> (8 * (NBYTES - left)));
        end
`undef RNNC_ASSUME
`endif

endmodule

`resetall
