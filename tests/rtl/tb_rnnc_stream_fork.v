// tb_rnnc_stream_fork: beats numbered 0, 1, 2, ... (tlast every 3rd) pushed with random valid
// into rnnc_stream_fork, each branch drained with its own random ready, in three phases
// (valid/ready probabilities in %: 100/100, 60/40, 30/90). Checks that every branch sees every
// beat exactly once, in order, with its tlast; that an offered beat stays (data, last) until
// the branch takes it; that the input is taken exactly when the last branch owing the beat
// takes it; and that 100/100 moves one beat per cycle.
`resetall
`timescale 1ns / 1ps
`default_nettype none

module tb_rnnc_stream_fork #(
    parameter integer N = 2,            // as rnnc_stream_fork
    parameter integer WIDTH = 16,       // as rnnc_stream_fork
    parameter integer TB_N = 200,       // beats per phase
    parameter integer TB_SEED = 1,      // random seed
    parameter TB_CASE = ""              // case name for messages
);
    reg clk = 1'b0;
    reg rst = 1'b1;
    reg [WIDTH-1:0] s_data = {WIDTH{1'b0}};
    reg s_last = 1'b0, s_valid = 1'b0;
    reg [N-1:0] m_ready = {N{1'b0}};
    wire s_ready;
    wire [N-1:0] m_valid, m_last;
    wire [N*WIDTH-1:0] m_data;
    always #5 clk = ~clk;

    rnnc_stream_fork #(.N(N), .WIDTH(WIDTH)) dut (
        .clk(clk), .rst(rst), .s_axis_tvalid(s_valid), .s_axis_tready(s_ready), .s_axis_tdata(s_data),
        .s_axis_tlast(s_last), .m_axis_tvalid(m_valid), .m_axis_tready(m_ready), .m_axis_tdata(m_data),
        .m_axis_tlast(m_last));

    integer seed, wr, errors, ph, cyc, k, all_done, full_start, full_end, owing;
    integer rd [0:N-1];
    integer pv [0:2];
    integer pr [0:2];
    reg [N-1:0] held;
    reg s_keep;
    reg [WIDTH-1:0] expect;
    initial begin
        pv[0] = 100; pr[0] = 100; pv[1] = 60; pr[1] = 40; pv[2] = 30; pr[2] = 90;
        seed = TB_SEED; wr = 0; errors = 0; cyc = 0; full_start = -1; full_end = -1;
        held = {N{1'b0}};
        s_keep = 1'b0;
        for (k = 0; k < N; k = k + 1) rd[k] = 0;
        repeat (3) @(posedge clk);
        #1 rst = 1'b0;
        for (ph = 0; ph < 3; ph = ph + 1) begin
            all_done = 0;
            while (!all_done) begin
                // a beat once offered stays offered until taken
                if (!s_keep) s_valid = wr < (ph + 1) * TB_N && ($unsigned($random(seed)) % 100) < pv[ph];
                s_data = wr;
                s_last = (wr % 3) == 2;
                for (k = 0; k < N; k = k + 1) m_ready[k] = ($unsigned($random(seed)) % 100) < pr[ph];
                #1;
                owing = 0;
                for (k = 0; k < N; k = k + 1) begin
                    if (held[k] && !m_valid[k]) begin
                        errors = errors + 1;
                        $display("MISMATCH rnnc_stream_fork %0s: branch %0d dropped an offered beat", TB_CASE, k);
                    end
                    if (m_valid[k]) begin
                        expect = rd[k];
                        if (m_data[k*WIDTH +: WIDTH] !== expect || m_last[k] !== ((rd[k] % 3) == 2) || !s_valid) begin
                            errors = errors + 1;
                            if (errors < 5) $display("MISMATCH rnnc_stream_fork %0s: branch %0d beat %0d got %0d last %0d",
                                                     TB_CASE, k, rd[k], m_data[k*WIDTH +: WIDTH], m_last[k]);
                        end
                        if (!m_ready[k]) owing = owing + 1;
                    end else if (s_valid && rd[k] != wr + 1) begin
                        errors = errors + 1;
                        $display("MISMATCH rnnc_stream_fork %0s: branch %0d not offered beat %0d", TB_CASE, k, wr);
                    end
                end
                if (s_valid && s_ready !== (owing == 0)) begin
                    errors = errors + 1;
                    if (errors < 5) $display("MISMATCH rnnc_stream_fork %0s: s_axis_tready %0d with %0d branches owing",
                                             TB_CASE, s_ready, owing);
                end
                for (k = 0; k < N; k = k + 1) begin
                    held[k] = m_valid[k] && !m_ready[k];
                    if (m_valid[k] && m_ready[k]) rd[k] = rd[k] + 1;
                end
                s_keep = s_valid && !s_ready;
                if (s_valid && s_ready) begin
                    if (ph == 0 && full_start < 0) full_start = cyc;
                    if (ph == 0) full_end = cyc;
                    wr = wr + 1;
                    held = {N{1'b0}};
                end
                all_done = 1;
                for (k = 0; k < N; k = k + 1) if (rd[k] < (ph + 1) * TB_N) all_done = 0;
                @(posedge clk);
                #1;
                cyc = cyc + 1;
                if (cyc > 100000) begin
                    $display("RESULT FAIL timeout: %0d written", wr);
                    $finish;
                end
            end
        end
        if (full_end - full_start != TB_N - 1) begin
            errors = errors + 1;
            $display("MISMATCH rnnc_stream_fork %0s: full rate took %0d cycles for %0d beats", TB_CASE,
                     full_end - full_start + 1, TB_N);
        end
        if (errors == 0) $display("RESULT PASS %0d beats to %0d branches in 3 valid/ready patterns", 3 * TB_N, N);
        else $display("RESULT FAIL %0d errors", errors);
        $finish;
    end
endmodule

`resetall
