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
// Overlapped jobs (PERIOD < LATENCY, a recurrent cell whose next step starts while this one
// drains): the job's head, job cycles 0..PERIOD-1, is counted by cnt as above (busy in 1..
// PERIOD-1, cnt rests at PERIOD-1), so the next job may start from job cycle PERIOD on; its
// tail, job cycles PERIOD..LATENCY-1, by tcnt (tcnt == jc - PERIOD while tail_on), with the
// job's emits and s_last copied to tail_emit and tail_last when the head ends. One tail at a
// time (LATENCY <= 2 * PERIOD). An emitting job starts only when the output register is free
// and no emitting job is in its tail (it would write the output the other has not yet sent);
// those two are one register (out_held), so start stays a single LUT4 with the tail.
// A sequence's first step (FIRST_PERIOD > 0: the job whose beat follows reset or an s_last)
// may have a shorter head, job cycles 0..FIRST_PERIOD-1 (an x-first GRU cell skips its h
// products there, h being 0); its tail then starts at FIRST_PERIOD, so every tail cycle, done
// included, comes PERIOD - FIRST_PERIOD cycles early. cnt rests at FIRST_PERIOD-1 after such a
// head: the engine decodes no head job cycle from FIRST_PERIOD on (emit_verilog.c checks).
// FIRST_PERIOD >= LATENCY - PERIOD keeps one tail at a time (the job before is out of its tail).
// job_first is the running job's flag, start_first a start of such a job.
`resetall
`timescale 1ns / 1ps
`default_nettype none

module rnnc_job_ctrl #(
    parameter integer LATENCY = 2,  // job start -> result on m_*, >= 1
    parameter integer ACK_OFF = 0,  // 0: input taken at start; else the job cycle it is taken, 2..LATENCY-1
    parameter integer LAST_ONE = 0, // 1: every output beat is a last one
    parameter integer CNT_W = 2,    // cnt width: >= clog2(LATENCY + 1), <= 31
    parameter integer PERIOD = 0,   // 0: LATENCY; else job start -> earliest next start, overlapped
    parameter integer FIRST_PERIOD = 0 // 0: PERIOD; else a sequence's first job's head, 3..PERIOD-1, >= LATENCY-PERIOD
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
    output wire done_emit,
    output wire tail_on,            // PERIOD < LATENCY: a job is in job cycles PERIOD..LATENCY-1
    output wire [CNT_W-1:0] tcnt,   // its job cycle - PERIOD
    output wire tail_emit,          // its emits and s_last
    output wire tail_last,
    output reg job_first,           // the running job's beat was a sequence's first
    output wire start_first         // start, of such a job
);
    localparam integer P = PERIOD == 0 ? LATENCY : PERIOD;
    localparam integer OVERLAP = P < LATENCY ? 1 : 0;
    initial begin
        if (LATENCY < 1 || CNT_W < 1 || CNT_W > 31 || (1 << CNT_W) < LATENCY + 1 ||
            (ACK_OFF != 0 && (ACK_OFF < 2 || ACK_OFF > LATENCY - 1)) || LAST_ONE < 0 || LAST_ONE > 1 ||
            P > LATENCY || (OVERLAP != 0 && (P < 2 || 2 * P < LATENCY || ACK_OFF > P - 1)) ||
            (FIRST_PERIOD != 0 && (OVERLAP == 0 || FIRST_PERIOD < 3 || FIRST_PERIOD >= P || ACK_OFF > FIRST_PERIOD - 1 ||
                                    FIRST_PERIOD < LATENCY - P))) begin
            $display("ERROR: rnnc_job_ctrl: invalid parameters LATENCY=%0d ACK_OFF=%0d LAST_ONE=%0d CNT_W=%0d PERIOD=%0d FIRST_PERIOD=%0d (instance %m)",
                     LATENCY, ACK_OFF, LAST_ONE, CNT_W, PERIOD, FIRST_PERIOD);
            $finish;
        end
    end

    wire [31:0] cnt32 = {{(32 - CNT_W){1'b0}}, cnt};
    wire free;
    wire m_valid_next;  // m_valid's next value
    wire head_done;     // the head's last job cycle (the whole job's without overlap)
    reg busy_r;
    assign busy = LATENCY > 1 ? busy_r : 1'b0;
    reg next_first;     // the next beat is a sequence's first
    assign start_first = start && next_first;

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
        if (OVERLAP != 0) begin : g_overlap
            // head_end: job cycle P-1 (the head's last); done: job cycle LATENCY-1 of the tail
            reg head_end, done_r, tail_on_r, tail_emit_r, tail_last_r;
            // out_held == m_valid || (tail_on_r && tail_emit_r), as a register of its own
            // (from the next values of both), so start is one LUT4 of s_valid, busy, emits
            // and out_held: start fans out to the whole engine (a 48 MHz path on iCE40)
            reg out_held;
            wire tail_on_next = !rst && (head_end || (tail_on_r && !done_r));
            wire tail_emit_next = head_end ? job_emit : tail_emit_r;
            reg [CNT_W-1:0] tcnt_r;
            wire [31:0] tcnt32 = {{(32 - CNT_W){1'b0}}, tcnt_r};
            assign done = done_r;
            assign done_emit = tail_emit_r;
            assign tail_on = tail_on_r;
            assign tcnt = tcnt_r;
            assign tail_emit = tail_emit_r;
            assign tail_last = tail_last_r;
            assign head_done = head_end;
            assign free = !(emits && out_held);
            always @(posedge clk) begin
                if (FIRST_PERIOD != 0) head_end <= !rst && (job_first ? at_jc(FIRST_PERIOD - 2) : at_jc(P - 2));
                else head_end <= !rst && (P == 2 ? start : at_jc(P - 2));
                done_r <= !rst && (LATENCY - 1 == P ? head_end : tail_on_r && tcnt32 == LATENCY - 2 - P);
                tail_on_r <= tail_on_next;
                out_held <= m_valid_next || (tail_on_next && tail_emit_next);
                if (rst || head_end) tcnt_r <= {CNT_W{1'b0}};
                else if (tail_on_r) tcnt_r <= tcnt_r + 1'b1;
                tail_emit_r <= tail_emit_next;
                if (head_end) tail_last_r <= job_last;
            end
        end else if (LATENCY > 1) begin : g_done
            reg done_r;
            assign done = done_r;
            always @(posedge clk) done_r <= !rst && (LATENCY == 2 ? start : at_jc(LATENCY - 2));
            assign done_emit = job_emit;
            assign head_done = done_r;
            assign free = !(m_valid && emits);
        end else begin : g_done_start
            assign done = start;
            assign done_emit = emits;
            assign head_done = start;
            assign free = !(m_valid && emits);
        end
        if (OVERLAP == 0) begin : g_no_tail
            assign tail_on = 1'b0;
            assign tcnt = {CNT_W{1'b0}};
            assign tail_emit = 1'b0;
            assign tail_last = 1'b0;
        end
    endgenerate

    assign m_valid_next = !rst && ((done && done_emit) || (m_valid && !m_ready));
    wire done_last = LAST_ONE != 0 ? 1'b1 : LATENCY == 1 ? s_last : OVERLAP != 0 ? tail_last : job_last;

    always @(posedge clk) begin
        if (rst || start) cnt <= {CNT_W{1'b0}};
        else if (busy) cnt <= cnt + 1'b1;
        if (rst) busy_r <= 1'b0;
        else if (start) busy_r <= 1'b1;
        else if (head_done) busy_r <= 1'b0;
        if (start) begin
            job_emit <= emits;
            job_last <= s_last;
            job_first <= next_first;
        end
        if (rst) next_first <= 1'b1;
        else if (start) next_first <= s_last;
        m_valid <= m_valid_next;
        if (done && done_emit) m_last <= done_last;
    end

`ifdef FORMAL
`ifdef RNNC_FORMAL_rnnc_job_ctrl
    // Active only when this module is the proof's top: inside an emitted top (tests/formal's
    // TOPS) these properties made the bounded proofs fail (the wrapper's clocked input
    // assumptions lag the combinational checks here by a step) and run minutes longer.
    // Properties (tests/formal/run.sh); the input rules are assumptions (this module is the top).
`define RNNC_ASSUME assume
    reg f_past_valid = 1'b0;
    always @(posedge clk) f_past_valid <= 1'b1;
    always @(*) if (!f_past_valid) `RNNC_ASSUME(rst);
    // upstream: a beat offered stays offered, with its s_last, until taken (emits is free).
    // Stated combinationally: in the clocked form (`always @(posedge clk) ... assume`) the BMC
    // failed an assertion on s_valid in job cycle ACK_OFF with s_valid dropped, as if the
    // assumption were not yet in force in that step
    reg f_held_in = 1'b0, f_held_last = 1'b0;
    always @(posedge clk) begin
        f_held_in <= !rst && s_valid && !s_ready;
        f_held_last <= s_last;
    end
    always @(*) if (f_held_in) `RNNC_ASSUME(s_valid && s_last == f_held_last);
    // the contract's model: f_jc is the job cycle (0: idle; 1..LATENCY-1 while busy), f_emit
    // and f_last the job's emits and s_last sampled at start, f_ran: a job has ended
    reg [7:0] f_jc = 8'd0;
    reg f_emit = 1'b0, f_last = 1'b0, f_ran = 1'b0;
    always @(posedge clk) begin
        if (start) begin
            f_emit <= emits;
            f_last <= s_last;
        end
        if (rst) begin
            f_jc <= 8'd0;
            f_ran <= 1'b0;
        end else if (start && LATENCY > 1) f_jc <= 8'd1;
        else if (f_jc != 8'd0) begin
            f_jc <= f_jc == LATENCY - 1 ? 8'd0 : f_jc + 8'd1;
            if (f_jc == LATENCY - 1) f_ran <= 1'b1;
        end
    end
    // overlapped jobs: the newest job's head cycle f_hd (1..its head length - 1; 0: no job in
    // its head) and first flag; the job in its tail, f_tj: its job cycle as a job of PERIOD
    // counts it (P..LATENCY-1; a first job's tail comes J cycles early); f_rest: cnt's rest
    localparam integer F_FP = FIRST_PERIOD == 0 ? P : FIRST_PERIOD;
    reg [7:0] f_hd = 8'd0, f_tj = 8'd0, f_rest = 8'd0;
    reg f_first = 1'b0, f_nf = 1'b1, f_temit = 1'b0, f_tlast = 1'b0;
    wire [7:0] f_hp = f_first ? F_FP : P;
    wire f_head_end = f_hd != 8'd0 && f_hd == f_hp - 8'd1;
    always @(posedge clk)
        if (rst) begin
            f_hd <= 8'd0;
            f_tj <= 8'd0;
            f_nf <= 1'b1;
            f_rest <= 8'd0;
        end else begin
            if (start) begin
                f_hd <= 8'd1;
                f_first <= f_nf;
                f_nf <= s_last;
            end else if (f_head_end) begin
                f_hd <= 8'd0;
                f_rest <= f_hp - 8'd1;
            end else if (f_hd != 8'd0) f_hd <= f_hd + 8'd1;
            if (f_head_end) begin
                f_tj <= P;
                f_temit <= f_emit;
                f_tlast <= f_last;
            end else if (f_tj != 8'd0) f_tj <= f_tj == LATENCY - 1 ? 8'd0 : f_tj + 8'd1;
        end
    wire f_cur_emit = LATENCY == 1 ? emits : OVERLAP != 0 ? f_temit : f_emit;   // the emits of the job at done
    wire f_cur_last = LATENCY == 1 ? s_last : OVERLAP != 0 ? f_tlast : f_last;
    // reset: idle, nothing offered, nothing taken in place, in the next cycle
    always @(posedge clk)
        if (f_past_valid && $past(rst)) assert(!m_valid && !busy && (LATENCY == 1 || !done) && (ACK_OFF == 0 || !s_ready));
    // fixed latency: busy in job cycles 1..LATENCY-1, cnt == jc - 1 there (rests at 0 after
    // reset, LATENCY-1 after a job), done in job cycle LATENCY-1 (start itself for LATENCY 1),
    // the engine's sampled job_emit/job_last are the job's; no job starts while one runs
    always @(*)
        if (f_past_valid && OVERLAP == 0) begin
            assert(f_jc < LATENCY || (LATENCY == 1 && f_jc == 0));
            assert(busy == (f_jc != 8'd0));
            if (busy) assert(!start);
            if (f_jc != 8'd0) begin
                assert({{(32 - CNT_W){1'b0}}, cnt} == f_jc - 32'd1 && job_emit == f_emit && job_last == f_last);
            end else begin
                assert({{(32 - CNT_W){1'b0}}, cnt} == (f_ran ? LATENCY - 1 : 0));
            end
            assert(done == (LATENCY == 1 ? start : f_jc == LATENCY - 1));
            if (done) assert(done_emit == f_cur_emit);
            // the input: taken with start (ACK_OFF 0) or in job cycle ACK_OFF, offered then
            if (ACK_OFF == 0) begin
                assert(s_ready == (!busy && !(m_valid && emits)) && (s_valid && s_ready) == start);
            end else begin
                assert(s_ready == (f_jc == ACK_OFF));
                assert(!s_ready || s_valid);
            end
            // an emitting job runs only while the output register is free
            if (f_jc != 8'd0 && f_emit) assert(!m_valid);
        end
    // overlapped: busy and cnt cover the newest job's head (cnt rests at its last head cycle),
    // tail_on, tcnt and the tail's flags the job in its tail, done its last cycle; a head ends
    // only with no other job in its tail (or in that tail's last cycle); the first flags; the
    // input as above, free also of an emitting job in its tail; an emitting job in its head or
    // tail runs only while the output register is free
    always @(*)
        if (f_past_valid && OVERLAP != 0) begin
            assert(busy == (f_hd != 8'd0));
            if (busy) assert(!start);
            if (f_hd != 8'd0) begin
                assert({{(32 - CNT_W){1'b0}}, cnt} == f_hd - 32'd1 && job_emit == f_emit && job_last == f_last);
                if (FIRST_PERIOD != 0) assert(job_first == f_first);
            end else begin
                assert({{(32 - CNT_W){1'b0}}, cnt} == {24'd0, f_rest});
            end
            assert(tail_on == (f_tj != 8'd0));
            if (f_tj != 8'd0) assert({{(32 - CNT_W){1'b0}}, tcnt} == f_tj - P && tail_emit == f_temit && tail_last == f_tlast);
            assert(done == (f_tj == LATENCY - 1));
            if (done) assert(done_emit == f_temit);
            // (the newest job started once the other had entered its tail)
            if (f_hd != 8'd0 && f_tj != 8'd0) assert(f_tj >= P + f_hd);
            if (f_head_end) assert(f_tj == 8'd0 || f_tj == LATENCY - 1);
            assert(next_first == f_nf && start_first == (start && f_nf));
            if (ACK_OFF == 0) begin
                assert(s_ready == (!busy && !(emits && (m_valid || (f_tj != 8'd0 && f_temit)))) && (s_valid && s_ready) == start);
            end else begin
                assert(s_ready == (f_hd == ACK_OFF));
                assert(!s_ready || s_valid);
            end
            if (f_hd != 8'd0 && f_emit) assert(!m_valid);
            if (f_tj != 8'd0 && f_temit) assert(!m_valid);
            assert(f_hd < f_hp && f_tj < LATENCY);
        end
    // output: m_valid rises the cycle after done of an emitting job, with m_last = its s_last
    // (1 with LAST_ONE), stays, unchanged, until m_ready takes it, and nothing else sets it
    always @(posedge clk)
        if (f_past_valid && !$past(rst)) begin
            assert(m_valid == (($past(done) && $past(f_cur_emit)) || $past(m_valid && !m_ready)));
            if ($past(done && f_cur_emit)) assert(m_last == (LAST_ONE != 0 ? 1'b1 : $past(f_cur_last)));
            if ($past(m_valid && !m_ready)) assert(m_last == $past(m_last));
        end
    // no beat created or lost: emitting jobs started - beats sent = the one in flight or held
    reg [1:0] f_held = 2'd0;
    always @(posedge clk)
        if (rst) f_held <= 2'd0;
        else f_held <= f_held + (start && emits) - (m_valid && m_ready);
    always @(*)
        if (f_past_valid)
            assert(f_held == (OVERLAP != 0 ? {1'b0, f_hd != 8'd0 && f_emit} + {1'b0, f_tj != 8'd0 && f_temit}
                                          : {1'b0, f_jc != 8'd0 && f_emit}) + {1'b0, m_valid});
`undef RNNC_ASSUME
`endif
`endif
endmodule

`resetall
