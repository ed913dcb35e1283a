// tb_rnnc_skid_buffer: beats numbered 0, 1, 2, ... (tlast every 3rd) pushed with random valid
// and drained with random ready in four phases (valid/ready probabilities in %: 100/100,
// 50/50, 100/20, 20/100). Checks order, values, tlast, no loss or duplication, that m_axis
// holds while stalled, and that 100/100 moves one beat per cycle.
`resetall
`timescale 1ns / 1ps
`default_nettype none

module tb_rnnc_skid_buffer #(
    parameter integer WIDTH = 16,       // as rnnc_skid_buffer
    parameter integer TB_N = 200,       // beats per phase
    parameter integer TB_SEED = 1,      // random seed
    parameter TB_CASE = ""              // case name for messages
);
    reg clk = 1'b0;
    reg rst = 1'b1;
    reg [WIDTH-1:0] s_data = {WIDTH{1'b0}};
    reg s_last = 1'b0, s_valid = 1'b0, m_ready = 1'b0;
    wire s_ready, m_last, m_valid;
    wire [WIDTH-1:0] m_data;
    always #5 clk = ~clk;

    rnnc_skid_buffer #(.WIDTH(WIDTH)) dut (
        .clk(clk), .rst(rst), .s_axis_tdata(s_data), .s_axis_tlast(s_last), .s_axis_tvalid(s_valid),
        .s_axis_tready(s_ready), .m_axis_tdata(m_data), .m_axis_tlast(m_last), .m_axis_tvalid(m_valid),
        .m_axis_tready(m_ready));

    integer seed, wr, rd, errors, ph, cyc, full_start, full_end;
    integer pv [0:3];
    integer pr [0:3];
    reg held_valid;
    reg [WIDTH-1:0] held_data;
    reg [WIDTH-1:0] expect;
    initial begin
        pv[0] = 100; pr[0] = 100; pv[1] = 50; pr[1] = 50; pv[2] = 100; pr[2] = 20; pv[3] = 20; pr[3] = 100;
        seed = TB_SEED; wr = 0; rd = 0; errors = 0; cyc = 0; full_start = -1; full_end = -1;
        held_valid = 1'b0;
        repeat (3) @(posedge clk);
        #1 rst = 1'b0;
        for (ph = 0; ph < 4; ph = ph + 1) begin
            while (rd < (ph + 1) * TB_N) begin
                // drive this cycle (after the previous edge)
                s_valid = wr < (ph + 1) * TB_N && ($unsigned($random(seed)) % 100) < pv[ph];
                s_data = wr;
                s_last = (wr % 3) == 2;
                m_ready = ($unsigned($random(seed)) % 100) < pr[ph];
                #1;
                if (held_valid && !(m_valid && m_data == held_data)) begin
                    errors = errors + 1;
                    $display("MISMATCH rnnc_skid_buffer %0s: output changed while stalled", TB_CASE);
                end
                if (m_valid && m_ready) begin
                    expect = rd;   // truncated to WIDTH bits, like s_data = wr
                    if (m_data !== expect || m_last !== ((rd % 3) == 2)) begin
                        errors = errors + 1;
                        if (errors < 5) $display("MISMATCH rnnc_skid_buffer %0s: beat %0d got %0d last %0d", TB_CASE, rd, m_data, m_last);
                    end
                    if (ph == 0 && full_start < 0) full_start = cyc;
                    if (ph == 0) full_end = cyc;
                    rd = rd + 1;
                end
                held_valid = m_valid && !m_ready;
                held_data = m_data;
                if (s_valid && s_ready) wr = wr + 1;
                @(posedge clk);
                #1;
                cyc = cyc + 1;
                if (cyc > 100000) begin
                    $display("RESULT FAIL timeout: %0d written, %0d read", wr, rd);
                    $finish;
                end
            end
        end
        if (full_end - full_start != TB_N - 1) begin
            errors = errors + 1;
            $display("MISMATCH rnnc_skid_buffer %0s: full rate took %0d cycles for %0d beats", TB_CASE,
                     full_end - full_start + 1, TB_N);
        end
        if (errors == 0) $display("RESULT PASS %0d beats in 4 valid/ready patterns, full rate at 100/100", 4 * TB_N);
        else $display("RESULT FAIL %0d errors", errors);
        $finish;
    end
endmodule

`resetall
