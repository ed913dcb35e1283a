// tb_rnnc_reverse: rnnc_reverse with random input gaps and output stalls over TB_N random
// sequences of T beats; every output beat must be the expected one (the sequence last-first,
// tlast on its first beat), and every sequence must come out.
`resetall
`timescale 1ns / 1ps
`default_nettype none

module tb_rnnc_reverse #(
    parameter integer T = 2,            // as rnnc_reverse
    parameter integer BW = 16,          // as rnnc_reverse
    parameter integer TB_N = 100,       // sequences
    parameter TB_FILE = "",             // (no vector file)
    parameter TB_CASE = ""              // case name for messages
);
    reg clk = 1'b0, rst = 1'b1;
    reg s_valid = 1'b0, s_last = 1'b0, m_ready = 1'b0;
    reg [BW-1:0] s_data = {BW{1'b0}};
    wire s_ready, m_valid, m_last;
    wire [BW-1:0] m_data;
    reg [BW-1:0] sent [0:TB_N*T-1];
    integer n_in, n_out, errors, seed, cycles, exp_idx;
    reg took;

    always #5 clk = ~clk;

    rnnc_reverse #(.T(T), .BW(BW)) dut (
        .clk(clk), .rst(rst), .s_axis_tvalid(s_valid), .s_axis_tready(s_ready), .s_axis_tdata(s_data),
        .s_axis_tlast(s_last), .m_axis_tvalid(m_valid), .m_axis_tready(m_ready), .m_axis_tdata(m_data),
        .m_axis_tlast(m_last));

    initial begin
        errors = 0;
        n_in = 0;
        n_out = 0;
        cycles = 0;
        seed = T * 131 + BW;
        @(posedge clk);
        #1 rst = 1'b0;
        while (n_out < TB_N * T && cycles < TB_N * T * 20 + 100) begin
            if (!s_valid && n_in < TB_N * T && ($random(seed) & 3) != 0) begin
                s_valid = 1'b1;
                s_data = $random(seed);
                s_last = n_in % T == T - 1;
            end
            m_ready = ($random(seed) & 3) != 0;
            #1;
            if (m_valid && m_ready) begin
                // output k of sequence q is input beat q*T + (T-1-k); tlast on k == T-1
                exp_idx = (n_out / T) * T + (T - 1 - n_out % T);
                if (m_data !== sent[exp_idx] || m_last !== (n_out % T == T - 1)) begin
                    errors = errors + 1;
                    if (errors <= 10)
                        $display("MISMATCH rnnc_reverse %0s (T=%0d BW=%0d) output %0d: expected %h last %0d, got %h last %0d",
                                 TB_CASE, T, BW, n_out, sent[exp_idx], n_out % T == T - 1, m_data, m_last);
                end
                n_out = n_out + 1;
            end
            took = s_valid && s_ready;
            if (took) begin
                sent[n_in] = s_data;
                n_in = n_in + 1;
            end
            @(posedge clk);
            cycles = cycles + 1;
            #1;
            if (took) s_valid = 1'b0; // a beat is held until taken
        end
        if (n_out != TB_N * T) begin
            errors = errors + 1;
            $display("MISMATCH rnnc_reverse %0s: %0d of %0d beats out", TB_CASE, n_out, TB_N * T);
        end
        if (errors == 0) $display("RESULT PASS %0d sequences", TB_N);
        else $display("RESULT FAIL %0d mismatches", errors);
        $finish;
    end
endmodule

`resetall
