// rnnc_skid_buffer: a valid/ready register slice. Both directions are registered: m_axis_*
// comes from a register and s_axis_tready is a register output, so no combinational path runs
// through it (it cuts long ready chains, e.g. between the UART front end and the core).
// Full throughput (one beat per cycle); two entries (the output register and the skid
// register that catches the beat accepted while the output stalls). Order is kept.
`resetall
`timescale 1ns / 1ps
`default_nettype none

module rnnc_skid_buffer #(
    parameter integer WIDTH = 8     // tdata width (tlast travels with it)
) (
    input  wire clk,
    input  wire rst,
    input  wire [WIDTH-1:0] s_axis_tdata,
    input  wire s_axis_tlast,
    input  wire s_axis_tvalid,
    output reg  s_axis_tready,
    output reg  [WIDTH-1:0] m_axis_tdata,
    output reg  m_axis_tlast,
    output reg  m_axis_tvalid,
    input  wire m_axis_tready
);
    initial begin
        if (WIDTH < 1) begin
            $display("ERROR: rnnc_skid_buffer: WIDTH=%0d must be at least 1 (instance %m)", WIDTH);
            $finish;
        end
    end

    reg [WIDTH-1:0] skid_data;
    reg skid_last;
    reg skid_valid;

    wire take = s_axis_tvalid && s_axis_tready;       // a beat comes in (never while the skid is full)
    wire out_free = !m_axis_tvalid || m_axis_tready;  // the output register can load

    always @(posedge clk) begin
        if (rst) begin
            m_axis_tvalid <= 1'b0;
            skid_valid <= 1'b0;
            s_axis_tready <= 1'b0;
        end else begin
            if (out_free) begin
                // the output loads the skid beat first, else the incoming one
                m_axis_tvalid <= skid_valid || take;
                skid_valid <= 1'b0;
            end else if (take) begin
                skid_valid <= 1'b1;                    // output stalled: catch the beat
            end
            // ready next cycle exactly when the skid will be empty
            s_axis_tready <= out_free || !(skid_valid || take);
        end
        if (out_free) begin
            if (skid_valid) begin
                m_axis_tdata <= skid_data;
                m_axis_tlast <= skid_last;
            end else if (take) begin
                m_axis_tdata <= s_axis_tdata;
                m_axis_tlast <= s_axis_tlast;
            end
        end
        if (take && !out_free) begin
            skid_data <= s_axis_tdata;
            skid_last <= s_axis_tlast;
        end
    end

`ifdef FORMAL
    // Properties (tests/formal/run.sh). The input rules are assumed when this module is the top
    // of the proof (RNNC_FORMAL_rnnc_skid_buffer) and asserted when it sits inside another.
`ifdef RNNC_FORMAL_rnnc_skid_buffer
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
    // reset: nothing offered, nothing taken in the next cycle
    always @(posedge clk)
        if (f_past_valid && $past(rst)) assert(!m_axis_tvalid && !skid_valid && !s_axis_tready);
    // downstream: our beat stays offered, unchanged, until taken
    always @(posedge clk)
        if (f_past_valid && !$past(rst) && $past(m_axis_tvalid && !m_axis_tready))
            assert(m_axis_tvalid && m_axis_tdata == $past(m_axis_tdata) && m_axis_tlast == $past(m_axis_tlast));
    // no beat created or lost: beats in - beats out = beats held (0..2); the skid only fills
    // behind a full output register, and ready says whether it is free
    reg [1:0] f_held = 2'd0;
    always @(posedge clk)
        if (rst) f_held <= 2'd0;
        else f_held <= f_held + (s_axis_tvalid && s_axis_tready) - (m_axis_tvalid && m_axis_tready);
    always @(*)
        if (f_past_valid) begin
            assert(f_held == {1'b0, m_axis_tvalid} + {1'b0, skid_valid});
            if (skid_valid) assert(m_axis_tvalid);
        end
    always @(posedge clk)
        if (f_past_valid && !$past(rst)) assert(s_axis_tready == !skid_valid);
    // order and data: one beat picked at random (f_pick, free) is followed through; when it
    // leaves, it leaves with its data and after exactly the beats that were ahead of it
    (* anyseq *) wire f_pick;
    reg f_tracking = 1'b0, f_done = 1'b0;
    reg [1:0] f_ahead;
    reg [WIDTH:0] f_beat;
    always @(posedge clk) begin
        if (f_tracking && m_axis_tvalid && m_axis_tready) begin
            if (f_ahead == 2'd0) begin
                f_tracking <= 1'b0;
                f_done <= 1'b1;
            end
            f_ahead <= f_ahead - 1'b1;
        end
        if (!f_tracking && !f_done && f_pick && s_axis_tvalid && s_axis_tready) begin
            f_tracking <= 1'b1;
            f_beat <= {s_axis_tlast, s_axis_tdata};
            f_ahead <= f_held - (m_axis_tvalid && m_axis_tready);
        end
        if (rst) begin
            f_tracking <= 1'b0;
            f_done <= 1'b0;
        end
    end
    always @(*)
        if (f_past_valid && f_tracking) begin
            assert(f_ahead < f_held);
            if (f_ahead == 2'd0) assert(m_axis_tvalid && {m_axis_tlast, m_axis_tdata} == f_beat);
            if (f_ahead == 2'd1) assert(skid_valid && {skid_last, skid_data} == f_beat);
        end
`undef RNNC_ASSUME
`endif
endmodule

`resetall
