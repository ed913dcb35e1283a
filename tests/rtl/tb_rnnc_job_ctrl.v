// tb_rnnc_job_ctrl: rnnc_job_ctrl against a model of its timing contract, written here
// independently of the module: TB_N cycles of random input beats (held until taken, as on
// AXI-Stream), random "emits" per beat and random m_ready; every cycle start, busy, cnt, done,
// s_ready, m_valid and m_last must equal the model's, and jobs must keep flowing. With PERIOD <
// LATENCY the model keeps two jobs (the newest, and the older in its tail: tail_on, tcnt,
// tail_emit checked too).
`resetall
`timescale 1ns / 1ps
`default_nettype none

module tb_rnnc_job_ctrl #(
    parameter integer LATENCY = 2,      // as rnnc_job_ctrl
    parameter integer ACK_OFF = 0,      // as rnnc_job_ctrl
    parameter integer LAST_ONE = 0,     // as rnnc_job_ctrl
    parameter integer CNT_W = 2,        // as rnnc_job_ctrl
    parameter integer PERIOD = 0,       // as rnnc_job_ctrl
    parameter integer FIRST_PERIOD = 0, // as rnnc_job_ctrl
    parameter integer TB_N = 1000,      // cycles
    parameter TB_FILE = "",             // (no vector file)
    parameter TB_CASE = ""              // case name for messages
);
    reg clk = 1'b0, rst = 1'b1;
    reg s_valid = 1'b0, s_last = 1'b0, emits = 1'b0, m_ready = 1'b0;
    wire s_ready, m_valid, m_last, start, busy, done, job_emit, job_last, done_emit;
    wire [CNT_W-1:0] cnt, tcnt;
    wire tail_on, tail_emit, tail_last, job_first, start_first;
    localparam integer P = PERIOD == 0 ? LATENCY : PERIOD;
    // a sequence's first job (FIRST_PERIOD): its head ends at FIRST_PERIOD, its tail runs J early;
    // the model keeps the newest job's age and its first flag, and the tail's age as a normal
    // job's (na: age + J for a first job)
    localparam integer J = FIRST_PERIOD == 0 ? 0 : P - FIRST_PERIOD;
    reg e_first, x_nf;
    integer hp, na;
    integer tage, tl_age;
    reg t_emit, t_last, x_tail_emits, x_free, tl_emit;
    integer age, k, errors, jobs, outs, seed;
    reg e_emit, e_last, e_mvalid, e_mlast;
    reg x_start, x_busy, x_done, x_ready;

    always #5 clk = ~clk;

    rnnc_job_ctrl #(.LATENCY(LATENCY), .ACK_OFF(ACK_OFF), .LAST_ONE(LAST_ONE), .CNT_W(CNT_W), .PERIOD(PERIOD),
                    .FIRST_PERIOD(FIRST_PERIOD)) dut (
        .clk(clk), .rst(rst), .s_valid(s_valid), .s_ready(s_ready), .s_last(s_last), .emits(emits),
        .m_valid(m_valid), .m_ready(m_ready), .m_last(m_last), .start(start), .busy(busy), .cnt(cnt),
        .done(done), .job_emit(job_emit), .job_last(job_last), .done_emit(done_emit), .tail_on(tail_on),
        .tcnt(tcnt), .tail_emit(tail_emit), .tail_last(tail_last), .job_first(job_first), .start_first(start_first));
    // (tail_last is checked through m_last)
    wire unused_tb = &{1'b0, tail_last, job_emit, job_last, done_emit};

    task fail(input [8*16-1:0] what);
        begin
            errors = errors + 1;
            if (errors <= 10)
                $display("MISMATCH rnnc_job_ctrl %0s (LATENCY=%0d ACK_OFF=%0d LAST_ONE=%0d) cycle %0d: %0s (age %0d)",
                         TB_CASE, LATENCY, ACK_OFF, LAST_ONE, k, what, age);
        end
    endtask

    initial begin
        errors = 0;
        jobs = 0;
        outs = 0;
        seed = LATENCY * 7919 + ACK_OFF * 31 + LAST_ONE;
        age = 1 << 20;          // idle
        tage = 1 << 20;
        t_emit = 1'b0;
        t_last = 1'b0;
        e_mvalid = 1'b0;
        e_mlast = 1'b0;
        e_emit = 1'b0;
        e_last = 1'b0;
        e_first = 1'b0;
        x_nf = 1'b1;
        @(posedge clk);
        #1 rst = 1'b0;
        for (k = 0; k < TB_N; k = k + 1) begin
            m_ready = ($random(seed) & 3) != 0;
            #1;
            // the model
            hp = e_first && FIRST_PERIOD != 0 ? FIRST_PERIOD : P;
            na = age >= hp ? age + (hp == P ? 0 : J) : 0;
            x_busy = age >= 1 && age <= hp - 1;
            x_tail_emits = na >= P && na <= LATENCY - 1 && e_emit;
            x_free = !(emits && (e_mvalid || x_tail_emits));
            x_start = s_valid && !x_busy && x_free;
            x_done = LATENCY == 1 ? x_start : (hp == P ? age : na) == LATENCY - 1 || tage == LATENCY - 1;
            x_ready = ACK_OFF == 0 ? !x_busy && x_free : age == ACK_OFF;
            // the job in its tail (overlapped jobs), if any
            tl_age = na >= P && na <= LATENCY - 1 ? na : tage >= P && tage <= LATENCY - 1 ? tage : 0;
            tl_emit = na >= P && na <= LATENCY - 1 ? e_emit : t_emit;
            if (P < LATENCY) begin
                if (tail_on !== (tl_age != 0)) fail("tail_on");
                if (tl_age != 0 && tcnt !== tl_age - P) fail("tcnt");
                if (tl_age != 0 && tail_emit !== tl_emit) fail("tail_emit");
            end
            if (start !== x_start) fail("start");
            if (busy !== x_busy) fail("busy");
            if (x_busy && cnt !== age - 1) fail("cnt");
            if (done !== x_done) fail("done");
            if (s_ready !== x_ready) fail("s_ready");
            if (m_valid !== e_mvalid) fail("m_valid");
            if (e_mvalid && m_last !== e_mlast) fail("m_last");
            if (start_first !== (x_start && x_nf)) fail("start_first");
            if (x_busy && job_first !== e_first) fail("job_first");
            @(posedge clk);
            // the model's registers
            if (x_done && (LATENCY == 1 ? emits : tage == LATENCY - 1 ? t_emit : e_emit)) begin
                e_mlast = LAST_ONE ? 1'b1 : LATENCY == 1 ? s_last : tage == LATENCY - 1 ? t_last : e_last;
                outs = outs + 1;
                e_mvalid = 1'b1;
            end else if (e_mvalid && m_ready) e_mvalid = 1'b0;
            if (tage < (1 << 20)) tage = tage + 1;
            if (x_start && na >= P && na <= LATENCY - 1) begin // the running job goes on in its tail
                tage = na + 1;
                t_emit = e_emit;
                t_last = e_last;
            end
            if (x_start) begin
                e_emit = emits;
                e_last = s_last;
                e_first = x_nf;
                x_nf = s_last;
                age = 1;
                jobs = jobs + 1;
            end else if (age < (1 << 20)) age = age + 1;
            // the source: a beat is held until taken, then a new one (or a gap)
            #1;
            if (!s_valid || x_ready) begin
                s_valid = ($random(seed) & 3) != 0;
                s_last = $random(seed);
                emits = $random(seed);
            end
        end
        if (jobs < TB_N / (LATENCY + 8)) begin
            errors = errors + 1;
            $display("MISMATCH rnnc_job_ctrl %0s: only %0d jobs in %0d cycles", TB_CASE, jobs, TB_N);
        end
        if (errors == 0) $display("RESULT PASS %0d cycles, %0d jobs, %0d outputs", TB_N, jobs, outs);
        else $display("RESULT FAIL %0d mismatches", errors);
        $finish;
    end
endmodule

`resetall
