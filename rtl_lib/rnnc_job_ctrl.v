// rnnc_job_ctrl: the job controller of every engine that maps one input beat to one result
// (dense, cell, activation, softmax): the timing contract in one place.
//
// A job starts (start) in the cycle an input beat is offered, the engine is idle and the
// output register is free (or this job emits nothing). That is job cycle 0; cnt counts the
// job's cycles up from 0 in job cycle 1 (cnt == jc - 1 in job cycle jc >= 1, busy from job
// cycle 1 to LATENCY - 1), so engines decode "job cycle jc" as (busy && cnt == 0) for jc = 1
// and cnt == jc - 1 otherwise; cnt rests at 0 after reset and at LATENCY - 1 after a job.
// done is job cycle LATENCY - 1 (start itself when LATENCY = 1): the result is written at its
// end, m_valid rises with it when the job emits (emits sampled at start: job_emit), with
// m_last = the input's s_last (job_last; 1 when LAST_ONE), and falls when m_ready takes it.
// The input beat is taken (s_ready) with start when ACK_OFF = 0; an engine that reads its
// input in place takes it in job cycle ACK_OFF instead (s_ready a register, ACK_OFF >= 2).
// cnt counts up and is cleared by start: on iCE40 a counter loaded with anything but 0 gets
// the load merged into its carry chain's LUTs, which the packer splits into slow pieces.
// done and the in-place s_ready are decoded a cycle early into registers: they enable the
// engine's state and output registers and the upstream buffer, so they start at flip-flops.
`resetall
`timescale 1ns / 1ps
`default_nettype none

module rnnc_job_ctrl #(
    parameter integer LATENCY = 2,  // job start -> result on m_*, >= 1
    parameter integer ACK_OFF = 0,  // 0: input taken at start; else the job cycle it is taken, 2..LATENCY-1
    parameter integer LAST_ONE = 0, // 1: every output beat is a last one
    parameter integer CNT_W = 2     // cnt width: >= clog2(LATENCY + 1), <= 31
) (
    input wire clk,
    input wire rst,
    input wire s_valid,
    output wire s_ready,
    input wire s_last,
    input wire emits,               // this job (the beat offered) produces an output beat
    output reg m_valid,
    input wire m_ready,
    output reg m_last,
    output wire start,
    output wire busy,
    output reg [CNT_W-1:0] cnt,
    output wire done,
    output reg job_emit,
    output reg job_last,
    output wire done_emit
);
    initial begin
        if (LATENCY < 1 || CNT_W < 1 || CNT_W > 31 || (1 << CNT_W) < LATENCY + 1 ||
            (ACK_OFF != 0 && (ACK_OFF < 2 || ACK_OFF > LATENCY - 1)) || LAST_ONE < 0 || LAST_ONE > 1) begin
            $display("ERROR: rnnc_job_ctrl: invalid parameters LATENCY=%0d ACK_OFF=%0d LAST_ONE=%0d CNT_W=%0d (instance %m)",
                     LATENCY, ACK_OFF, LAST_ONE, CNT_W);
            $finish;
        end
    end

    wire [31:0] cnt32 = {{(32 - CNT_W){1'b0}}, cnt};
    wire free = !(m_valid && emits);
    reg busy_r;
    assign busy = LATENCY > 1 ? busy_r : 1'b0;

    // "job cycle jc" (1 <= jc <= LATENCY - 1), as engines decode it
    function at_jc(input integer jc);
        at_jc = jc == 1 ? busy && cnt32 == 0 : cnt32 == jc - 1;
    endfunction

    generate
        if (ACK_OFF != 0) begin : g_in_place
            reg in_ack;
            assign start = s_valid && !busy && free;
            assign s_ready = in_ack;
            always @(posedge clk) in_ack <= !rst && at_jc(ACK_OFF - 1);
        end else begin : g_at_start
            assign s_ready = !busy && free;
            assign start = s_valid && s_ready;
        end
        if (LATENCY > 1) begin : g_done
            reg done_r;
            assign done = done_r;
            always @(posedge clk) done_r <= !rst && (LATENCY == 2 ? start : at_jc(LATENCY - 2));
            assign done_emit = job_emit;
        end else begin : g_done_start
            assign done = start;
            assign done_emit = emits;
        end
    endgenerate

    wire done_last = LAST_ONE != 0 ? 1'b1 : LATENCY == 1 ? s_last : job_last;

    always @(posedge clk) begin
        if (rst || start) cnt <= {CNT_W{1'b0}};
        else if (busy) cnt <= cnt + 1'b1;
        if (rst) busy_r <= 1'b0;
        else if (start) busy_r <= 1'b1;
        else if (done) busy_r <= 1'b0;
        if (start) begin
            job_emit <= emits;
            job_last <= s_last;
        end
        if (rst) m_valid <= 1'b0;
        else if (done && done_emit) m_valid <= 1'b1;
        else if (m_valid && m_ready) m_valid <= 1'b0;
        if (done && done_emit) m_last <= done_last;
    end

endmodule

`resetall
