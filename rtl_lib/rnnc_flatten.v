// rnnc_flatten: collects T beats of BW bits (a sequence, its last beat marked by s_axis_tlast)
// into one beat of T*BW bits, beat 0 in the low bits; the last beat releases the whole
// sequence (m_axis_tlast always 1). Full throughput: a beat is taken every cycle except a
// last one while the previous output still waits.
`resetall
`timescale 1ns / 1ps
`default_nettype none

module rnnc_flatten #(
    parameter integer T = 2,        // beats per sequence, >= 2
    parameter integer BW = 16       // bits per input beat, >= 1
) (
    input wire clk,
    input wire rst,
    input wire s_axis_tvalid,
    output wire s_axis_tready,
    input wire [BW-1:0] s_axis_tdata,
    input wire s_axis_tlast,
    output reg m_axis_tvalid,
    input wire m_axis_tready,
    output wire [T*BW-1:0] m_axis_tdata,
    output reg m_axis_tlast
);
    initial begin
        if (T < 2 || BW < 1) begin
            $display("ERROR: rnnc_flatten: invalid parameters T=%0d BW=%0d (instance %m)", T, BW);
            $finish;
        end
    end

    assign s_axis_tready = !(m_axis_tvalid && s_axis_tlast);
    wire start = s_axis_tvalid && s_axis_tready;
    reg [(T-1)*BW-1:0] buffer;
    reg [T*BW-1:0] out_reg;
    assign m_axis_tdata = out_reg;

    generate
        if (T > 2) begin : g_shift
            always @(posedge clk) if (start) buffer <= {s_axis_tdata, buffer[(T-1)*BW-1:BW]};
        end else begin : g_one
            always @(posedge clk) if (start) buffer <= s_axis_tdata;
        end
    endgenerate

    always @(posedge clk) begin
        if (start && s_axis_tlast) out_reg <= {s_axis_tdata, buffer};
        if (rst) m_axis_tvalid <= 1'b0;
        else if (start && s_axis_tlast) m_axis_tvalid <= 1'b1;
        else if (m_axis_tvalid && m_axis_tready) m_axis_tvalid <= 1'b0;
        m_axis_tlast <= 1'b1;
    end

`ifdef FORMAL
`ifdef RNNC_FORMAL_rnnc_flatten
    // Active only when this module is the proof's top: inside an emitted top (tests/formal's
    // TOPS) these properties made the bounded proofs fail (the wrapper's clocked input
    // assumptions lag the combinational checks here by a step) and run minutes longer.
    // Properties (tests/formal/run.sh); the input rules are assumptions (this module is the top).
`define RNNC_ASSUME assume
    reg f_past_valid = 1'b0;
    always @(posedge clk) f_past_valid <= 1'b1;
    always @(*) if (!f_past_valid) `RNNC_ASSUME(rst);
    // upstream: a beat offered stays offered, unchanged, until taken; s_axis_tlast on every
    // T-th beat (f_in_idx: the beat's index in its sequence)
    reg [7:0] f_in_idx = 8'd0;
    always @(posedge clk)
        if (rst) f_in_idx <= 8'd0;
        else if (start) f_in_idx <= s_axis_tlast ? 8'd0 : f_in_idx + 8'd1;
    always @(posedge clk)
        if (f_past_valid && !$past(rst) && $past(s_axis_tvalid && !s_axis_tready))
            `RNNC_ASSUME(s_axis_tvalid && s_axis_tdata == $past(s_axis_tdata) && s_axis_tlast == $past(s_axis_tlast));
    always @(*) if (s_axis_tvalid) `RNNC_ASSUME(s_axis_tlast == (f_in_idx == T - 1));
    always @(*) if (f_past_valid) assert(f_in_idx < T);
    // reset: nothing offered in the next cycle
    always @(posedge clk) if (f_past_valid && $past(rst)) assert(!m_axis_tvalid);
    // downstream: our beat stays offered, unchanged, until taken; every output beat is a last one
    always @(posedge clk)
        if (f_past_valid && !$past(rst) && $past(m_axis_tvalid && !m_axis_tready))
            assert(m_axis_tvalid && m_axis_tdata == $past(m_axis_tdata) && m_axis_tlast == $past(m_axis_tlast));
    always @(*) if (f_past_valid && m_axis_tvalid) assert(m_axis_tlast);
    // no beat created or lost: sequences completed (last beats taken) - beats sent = the one
    // output beat held (0..1), beats taken = T per sequence (f_in_idx)
    reg [1:0] f_held = 2'd0;
    always @(posedge clk)
        if (rst) f_held <= 2'd0;
        else f_held <= f_held + (start && s_axis_tlast) - (m_axis_tvalid && m_axis_tready);
    always @(*) if (f_past_valid) assert(f_held == {1'b0, m_axis_tvalid});
    // data: beat f_k (any, fixed) of every sequence lands in bits f_k*BW of its output beat;
    // until then it moves down the buffer one slot per beat
    (* anyconst *) reg [7:0] f_k;
    always @(*) `RNNC_ASSUME(f_k < T);
    reg [BW-1:0] f_val, f_out_val;
    always @(posedge clk) begin
        if (start && f_in_idx == f_k) f_val <= s_axis_tdata;
        if (start && s_axis_tlast) f_out_val <= f_in_idx == f_k ? s_axis_tdata : f_val;
    end
    always @(*)
        if (f_past_valid) begin
            if (f_in_idx > f_k) assert(buffer[(T - 1 - f_in_idx + f_k) * BW +: BW] == f_val);
            if (m_axis_tvalid) assert(m_axis_tdata[f_k * BW +: BW] == f_out_val);
        end
`undef RNNC_ASSUME
`endif
`endif
endmodule

`resetall
