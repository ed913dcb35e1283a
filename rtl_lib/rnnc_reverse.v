// rnnc_reverse: takes a sequence of up to T beats of BW bits (its last beat marked by
// s_axis_tlast, which must come at beat T) and sends them last-first: the last beat goes out
// at once (from the input), the others from a memory; m_axis_tlast marks the sequence's first
// beat. No new beat is taken while draining.
`resetall
`timescale 1ns / 1ps
`default_nettype none

module rnnc_reverse #(
    parameter integer T = 2,        // beats per sequence, >= 1
    parameter integer BW = 16       // bits per beat, >= 1
) (
    input wire clk,
    input wire rst,
    input wire s_axis_tvalid,
    output wire s_axis_tready,
    input wire [BW-1:0] s_axis_tdata,
    input wire s_axis_tlast,
    output reg m_axis_tvalid,
    input wire m_axis_tready,
    output wire [BW-1:0] m_axis_tdata,
    output reg m_axis_tlast
);
    localparam integer IW = T > 1 ? $clog2(T) : 1;
    localparam [31:0] LAST_IDX = T - 1;

    initial begin
        if (T < 1 || BW < 1) begin
            $display("ERROR: rnnc_reverse: invalid parameters T=%0d BW=%0d (instance %m)", T, BW);
            $finish;
        end
    end

    reg draining;
    reg [IW-1:0] wr_idx, rd_idx;
    reg [BW-1:0] mem [0:T-1];
    reg [BW-1:0] out_reg;
    assign m_axis_tdata = out_reg;
    assign s_axis_tready = !draining;
    wire start = s_axis_tvalid && s_axis_tready;
    wire sent = m_axis_tvalid && m_axis_tready;

    always @(posedge clk) begin
        if (start) mem[wr_idx] <= s_axis_tdata;
        if (rst) begin
            draining <= 1'b0;
            m_axis_tvalid <= 1'b0;
            wr_idx <= {IW{1'b0}};
        end else begin
            if (sent) begin
                if (rd_idx != {IW{1'b0}}) begin
                    out_reg <= mem[rd_idx - 1'b1];
                    m_axis_tlast <= rd_idx == {{(IW - 1){1'b0}}, 1'b1};
                    rd_idx <= rd_idx - 1'b1;
                end else begin
                    m_axis_tvalid <= 1'b0;
                    draining <= 1'b0;
                end
            end
            if (start) begin
                if (s_axis_tlast) begin
                    draining <= 1'b1;
                    m_axis_tvalid <= 1'b1;
                    out_reg <= s_axis_tdata;
                    m_axis_tlast <= T == 1;
                    rd_idx <= LAST_IDX[IW-1:0];
                    wr_idx <= {IW{1'b0}};
                end else wr_idx <= wr_idx + 1'b1;
            end
        end
    end

`ifdef FORMAL
`ifdef RNNC_FORMAL_rnnc_reverse
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
    reg [7:0] f_in_idx = 8'd0, f_out_idx = 8'd0;
    always @(posedge clk)
        if (rst) f_in_idx <= 8'd0;
        else if (start) f_in_idx <= s_axis_tlast ? 8'd0 : f_in_idx + 8'd1;
    always @(posedge clk)
        if (f_past_valid && !$past(rst) && $past(s_axis_tvalid && !s_axis_tready))
            `RNNC_ASSUME(s_axis_tvalid && s_axis_tdata == $past(s_axis_tdata) && s_axis_tlast == $past(s_axis_tlast));
    always @(*) if (s_axis_tvalid) `RNNC_ASSUME(s_axis_tlast == (f_in_idx == T - 1));
    // reset: nothing offered, in the next cycle
    always @(posedge clk) if (f_past_valid && $past(rst)) assert(!m_axis_tvalid && !draining);
    // downstream: our beat stays offered, unchanged, until taken
    always @(posedge clk)
        if (f_past_valid && !$past(rst) && $past(m_axis_tvalid && !m_axis_tready))
            assert(m_axis_tvalid && m_axis_tdata == $past(m_axis_tdata) && m_axis_tlast == $past(m_axis_tlast));
    // no beat created or lost: f_out_idx counts the sequence's beats sent; T in, then T out
    // (m_axis_tlast on the T-th, the sequence's first beat), nothing taken while draining
    always @(posedge clk)
        if (rst) f_out_idx <= 8'd0;
        else if (sent) f_out_idx <= f_out_idx == T - 1 ? 8'd0 : f_out_idx + 8'd1;
    always @(*)
        if (f_past_valid) begin
            assert(f_in_idx < T && f_out_idx < T);
            assert(m_axis_tvalid == draining);
            if (!draining) assert(f_out_idx == 0 && {24'd0, wr_idx} == {24'd0, f_in_idx});
            if (draining) assert(f_in_idx == 0 && wr_idx == 0 && {24'd0, rd_idx} == T - 1 - f_out_idx);
            if (m_axis_tvalid) assert(m_axis_tlast == (f_out_idx == T - 1));
        end
    // order and data: beat f_k (any, fixed) of every sequence goes out as its beat T-1-f_k
    (* anyconst *) reg [7:0] f_k;
    always @(*) `RNNC_ASSUME(f_k < T);
    reg [BW-1:0] f_val;
    always @(posedge clk) if (start && f_in_idx == f_k) f_val <= s_axis_tdata;
    wire [BW-1:0] f_mem_k = mem[f_k[IW-1:0]];
    always @(*)
        if (f_past_valid) begin
            if ((!draining && f_in_idx > f_k) || draining) assert(f_mem_k == f_val);
            if (m_axis_tvalid && f_out_idx == T - 1 - f_k) assert(m_axis_tdata == f_val);
        end
`undef RNNC_ASSUME
`endif
`endif
endmodule

`resetall
