// rnnc_stream_fork: one stream to N consumers, each with its own handshake. Branch k offers
// the input beat (m_axis_tvalid[k]) until it takes it; the input is taken (s_axis_tready) in
// the cycle the last branch still owing takes it, so consumers may take a beat in different
// cycles and a slow one holds the beat (data stable) for all. No register on the data path
// and no latency: a beat can pass to every branch in the cycle it arrives. Only m_axis_tvalid
// depends on state (`taken`, one bit a branch); s_axis_tready is combinational from the
// branches' m_axis_tready (rnnc engines drive tready from registers, so no loop forms).
`resetall
`timescale 1ns / 1ps
`default_nettype none

module rnnc_stream_fork #(
    parameter integer N = 2,        // branches, at least 2
    parameter integer WIDTH = 8     // tdata width (tlast travels with it)
) (
    input  wire clk,
    input  wire rst,
    input  wire s_axis_tvalid,
    output wire s_axis_tready,
    input  wire [WIDTH-1:0] s_axis_tdata,
    input  wire s_axis_tlast,
    output wire [N-1:0] m_axis_tvalid,
    input  wire [N-1:0] m_axis_tready,
    output wire [N*WIDTH-1:0] m_axis_tdata,   // branch k in bits [k*WIDTH +: WIDTH]
    output wire [N-1:0] m_axis_tlast
);
    initial begin
        if (N < 2 || WIDTH < 1) begin
            $display("ERROR: rnnc_stream_fork: N=%0d must be at least 2, WIDTH=%0d at least 1 (instance %m)", N, WIDTH);
            $finish;
        end
    end

    reg [N-1:0] taken;  // branch k has taken the current beat
    assign m_axis_tvalid = {N{s_axis_tvalid}} & ~taken;
    assign s_axis_tready = &(m_axis_tready | taken);
    assign m_axis_tdata = {N{s_axis_tdata}};
    assign m_axis_tlast = {N{s_axis_tlast}};

    always @(posedge clk)
        if (rst || (s_axis_tvalid && s_axis_tready)) taken <= {N{1'b0}};
        else taken <= taken | (m_axis_tvalid & m_axis_tready);

`ifdef FORMAL
    // Properties (tests/formal/run.sh). The input rules are assumed when this module is the top
    // of the proof (RNNC_FORMAL_rnnc_stream_fork) and asserted when it sits inside another.
`ifdef RNNC_FORMAL_rnnc_stream_fork
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
            `RNNC_ASSUME(s_axis_tvalid && s_axis_tdata == $past(s_axis_tdata) && s_axis_tlast == $past(s_axis_tlast));
    // each branch: a beat offered stays offered, unchanged, until that branch takes it; and
    // every branch takes every input beat exactly once: f_owed[k] = beats branch k took - beats
    // the input gave = taken[k] (0 or 1), and the input is taken only when all have it
    reg [1:0] f_owed [0:N-1];
    genvar f_k;
    generate
        for (f_k = 0; f_k < N; f_k = f_k + 1) begin : g_f
            always @(posedge clk)
                if (rst) f_owed[f_k] <= 2'd0;
                else f_owed[f_k] <= f_owed[f_k] + (m_axis_tvalid[f_k] && m_axis_tready[f_k]) - (s_axis_tvalid && s_axis_tready);
            always @(posedge clk)
                if (f_past_valid && !$past(rst) && $past(m_axis_tvalid[f_k] && !m_axis_tready[f_k]))
                    assert(m_axis_tvalid[f_k] && m_axis_tdata[f_k*WIDTH +: WIDTH] == $past(m_axis_tdata[f_k*WIDTH +: WIDTH]) &&
                           m_axis_tlast[f_k] == $past(m_axis_tlast[f_k]));
            always @(*)
                if (f_past_valid) begin
                    assert(f_owed[f_k] == {1'b0, taken[f_k]});
                    if (s_axis_tvalid && s_axis_tready) assert(taken[f_k] || m_axis_tready[f_k]);
                end
        end
    endgenerate
    // reset: no branch has taken anything
    always @(posedge clk)
        if (f_past_valid && $past(rst)) assert(taken == {N{1'b0}});
`undef RNNC_ASSUME
`endif
endmodule

`resetall
