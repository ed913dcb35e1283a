// tb_rnnc_flatten: rnnc_flatten with random input gaps and output stalls over TB_N random
// sequences of T beats; every output beat must be its sequence's T beats, beat 0 in the low
// bits, with tlast, and every sequence must come out.
`resetall
`timescale 1ns / 1ps
`default_nettype none

module tb_rnnc_flatten #(
    parameter integer T = 2,            // as rnnc_flatten
    parameter integer BW = 16,          // as rnnc_flatten
    parameter integer TB_N = 100,       // sequences
    parameter TB_FILE = "",             // (no vector file)
    parameter TB_CASE = ""              // case name for messages
);
    reg clk = 1'b0, rst = 1'b1;
    reg s_valid = 1'b0, s_last = 1'b0, m_ready = 1'b0;
    reg [BW-1:0] s_data = {BW{1'b0}};
    wire s_ready, m_valid, m_last;
    wire [T*BW-1:0] m_data;
    reg [T*BW-1:0] expected;
    integer b;
    reg [BW-1:0] sent [0:TB_N*T-1];
    integer n_in, n_out, errors, seed, cycles;
    reg took;

    always #5 clk = ~clk;

    rnnc_flatten #(.T(T), .BW(BW)) dut (
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
        while (n_out < TB_N && cycles < TB_N * T * 20 + 100) begin
            if (!s_valid && n_in < TB_N * T && ($random(seed) & 3) != 0) begin
                s_valid = 1'b1;
                s_data = $random(seed);
                s_last = n_in % T == T - 1;
            end
            m_ready = ($random(seed) & 3) != 0;
            #1;
            if (m_valid && m_ready) begin
                for (b = 0; b < T; b = b + 1) expected[b*BW +: BW] = sent[n_out * T + b];
                if (m_data !== expected || m_last !== 1'b1) begin
                    errors = errors + 1;
                    if (errors <= 10)
                        $display("MISMATCH rnnc_flatten %0s (T=%0d BW=%0d) output %0d: expected %h, got %h last %0d",
                                 TB_CASE, T, BW, n_out, expected, m_data, m_last);
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
        if (n_out != TB_N) begin
            errors = errors + 1;
            $display("MISMATCH rnnc_flatten %0s: %0d of %0d sequences out", TB_CASE, n_out, TB_N);
        end
        if (errors == 0) $display("RESULT PASS %0d sequences", TB_N);
        else $display("RESULT FAIL %0d mismatches", errors);
        $finish;
    end
endmodule

`resetall
