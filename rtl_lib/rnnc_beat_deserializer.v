// rnnc_beat_deserializer: bytes in, WIDTH-bit beats out. NBYTES = ceil(WIDTH/8) consecutive
// bytes make one beat, least-significant byte first: byte k lands in bits [8k +: 8]; the bits
// of the last byte above WIDTH are ignored.
//
// Streams (both sides): tvalid stays high and tdata stable until tready; a transfer is a cycle
// with tvalid && tready. The beat is held in an output register until taken. The first
// NBYTES-1 bytes of a beat go to a separate assembly register and are always accepted, so the
// next beat's bytes keep coming in while a beat waits; only its last byte waits (s_axis_tready
// low) until the output register is free. s_axis_tready = 1 for those bytes, otherwise
// !m_axis_tvalid || m_axis_tready (a combinational path from m_axis_tready), so a free-running
// consumer takes one beat per NBYTES cycles. Storage: WIDTH + 8*(NBYTES-1) flops.
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

    wire out_free = !m_axis_tvalid || m_axis_tready;

    generate
        if (NBYTES == 1) begin : g_one
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
            assign s_axis_tready = !at_last || out_free;
            always @(posedge clk) begin
                if (m_axis_tvalid && m_axis_tready) m_axis_tvalid <= 1'b0;
                if (s_axis_tvalid && s_axis_tready) begin
                    if (at_last) begin
                        m_axis_tdata <= full[WIDTH-1:0];
                        m_axis_tvalid <= 1'b1;
                        idx <= {IDX_W{1'b0}};
                        at_last <= 1'b0;
                    end else begin
                        asm_q <= full[8*NBYTES-1:8];
                        idx <= idx + 1'b1;
                        at_last <= idx + 1'b1 == IDX_LAST;
                    end
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

endmodule

`resetall
