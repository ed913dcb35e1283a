// tb_rnnc_job_ctrl: rnnc_job_ctrl against a model of its timing contract, written here
// independently of the module: TB_N cycles of random input beats (held until taken, as on
// AXI-Stream), random "emits" per beat and random m_ready; every cycle start, busy, cnt, done,
// s_ready, m_valid and m_last must equal the model's, and jobs must keep flowing.
`resetall
`timescale 1ns / 1ps
`default_nettype none

module tb_rnnc_job_ctrl #(
    parameter integer LATENCY = 2,      // as rnnc_job_ctrl
    parameter integer ACK_OFF = 0,      // as rnnc_job_ctrl
    parameter integer LAST_ONE = 0,     // as rnnc_job_ctrl
    parameter integer CNT_W = 2,        // as rnnc_job_ctrl
    parameter integer TB_N = 1000,      // cycles
    parameter TB_FILE = "",             // (no vector file)
    parameter TB_CASE = ""              // case name for messages
);
    reg clk = 1'b0, rst = 1'b1;
    reg s_valid = 1'b0, s_last = 1'b0, emits = 1'b0, m_ready = 1'b0;
    wire s_ready, m_valid, m_last, start, busy, done, job_emit, job_last, done_emit;
    wire [CNT_W-1:0] cnt;
    integer age, k, errors, jobs, outs, seed;
    reg e_emit, e_last, e_mvalid, e_mlast;
    reg x_start, x_busy, x_done, x_ready;

    always #5 clk = ~clk;

    rnnc_job_ctrl #(.LATENCY(LATENCY), .ACK_OFF(ACK_OFF), .LAST_ONE(LAST_ONE), .CNT_W(CNT_W)) dut (
        .clk(clk), .rst(rst), .s_valid(s_valid), .s_ready(s_ready), .s_last(s_last), .emits(emits),
        .m_valid(m_valid), .m_ready(m_ready), .m_last(m_last), .start(start), .busy(busy), .cnt(cnt),
        .done(done), .job_emit(job_emit), .job_last(job_last), .done_emit(done_emit));

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
        e_mvalid = 1'b0;
        e_mlast = 1'b0;
        e_emit = 1'b0;
        e_last = 1'b0;
        @(posedge clk);
        #1 rst = 1'b0;
        for (k = 0; k < TB_N; k = k + 1) begin
            m_ready = ($random(seed) & 3) != 0;
            #1;
            // the model
            x_busy = age >= 1 && age <= LATENCY - 1;
            x_start = s_valid && !x_busy && !(e_mvalid && emits);
            x_done = LATENCY == 1 ? x_start : age == LATENCY - 1;
            x_ready = ACK_OFF == 0 ? !x_busy && !(e_mvalid && emits) : age == ACK_OFF;
            if (start !== x_start) fail("start");
            if (busy !== x_busy) fail("busy");
            if (x_busy && cnt !== age - 1) fail("cnt");
            if (done !== x_done) fail("done");
            if (s_ready !== x_ready) fail("s_ready");
            if (m_valid !== e_mvalid) fail("m_valid");
            if (e_mvalid && m_last !== e_mlast) fail("m_last");
            @(posedge clk);
            // the model's registers
            if (x_done && (LATENCY == 1 ? emits : e_emit)) begin
                e_mlast = LAST_ONE ? 1'b1 : LATENCY == 1 ? s_last : e_last;
                outs = outs + 1;
            end
            if (x_done && (LATENCY == 1 ? emits : e_emit)) e_mvalid = 1'b1;
            else if (e_mvalid && m_ready) e_mvalid = 1'b0;
            if (x_start) begin
                e_emit = emits;
                e_last = s_last;
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
