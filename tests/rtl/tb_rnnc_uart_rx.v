// tb_rnnc_uart_rx: rnnc_uart_rx driven by a behavioral 8N1 sender whose bit period is
// CLKS_PER_BIT clock periods scaled by (1000 + TB_SKEW_PPT)/1000, not aligned to clk.
// Phases: (1) TB_N random bytes back to back, consumer ready at random (no byte may be lost);
// (2) short low glitches (no byte); (3) framing errors, also with a long break (byte dropped,
// the next one received); (4) overrun: two bytes while the consumer holds tready low (first one
// kept, second dropped). Checks order, values, and that tvalid/tdata hold while stalled.
`resetall
`timescale 1ns / 1ps
`default_nettype none

module tb_rnnc_uart_rx #(
    parameter integer CLKS_PER_BIT = 16,    // as rnnc_uart_rx
    parameter integer TB_SKEW_PPT = 0,      // sender bit period error, parts per thousand
    parameter integer TB_N = 200,           // random bytes in phase 1
    parameter integer TB_SEED = 1,          // random seed
    parameter TB_CASE = ""                  // case name for messages
);
    localparam real CLK_NS = 10.0;
    localparam real BIT_NS = CLKS_PER_BIT * CLK_NS * (1000.0 + TB_SKEW_PPT) / 1000.0;

    reg clk = 1'b0;
    reg rst = 1'b1;
    reg rx = 1'b1;
    wire [7:0] m_axis_tdata;
    wire m_axis_tvalid;
    reg m_axis_tready = 1'b0;

    always #5 clk = ~clk;

    rnnc_uart_rx #(.CLKS_PER_BIT(CLKS_PER_BIT))
        dut (.clk(clk), .rst(rst), .rx(rx), .m_axis_tdata(m_axis_tdata),
             .m_axis_tvalid(m_axis_tvalid), .m_axis_tready(m_axis_tready));

    integer seed, errors, k, wr, rd;
    reg [7:0] expq [0:4095];
    reg [1:0] ready_mode = 2'd0;    // 0: low, 1: high, 2: random
    reg [7:0] b, b2;

    task error;
        input [8*80-1:0] what;
        begin
            errors = errors + 1;
            if (errors <= 10)
                $display("MISMATCH rnnc_uart_rx %0s (CLKS_PER_BIT=%0d SKEW=%0d) t=%0t: %0s",
                         TB_CASE, CLKS_PER_BIT, TB_SKEW_PPT, $time, what);
        end
    endtask

    // One 8N1 frame; stop = 0 makes a framing error (the line then stays low for break_bits
    // more bit times before it returns high for one bit time).
    task send;
        input [7:0] data;
        input stop;
        input integer break_bits;
        integer i;
        begin
            rx = 1'b0;
            #(BIT_NS);
            for (i = 0; i < 8; i = i + 1) begin
                rx = data[i];
                #(BIT_NS);
            end
            rx = stop;
            #(BIT_NS);
            if (!stop) begin
                #(BIT_NS * break_bits);
                rx = 1'b1;
                #(BIT_NS);
            end
        end
    endtask

    task idle;
        input integer bits;
        begin
            rx = 1'b1;
            #(BIT_NS * bits);
        end
    endtask

    // Consumer and checker.
    reg stalled = 1'b0;
    reg [7:0] held;
    always @(posedge clk) begin
        if (!rst) begin
            if (stalled && (!m_axis_tvalid || m_axis_tdata !== held))
                error("tvalid/tdata changed while stalled");
            if (m_axis_tvalid && m_axis_tready) begin
                if (rd == wr) error("unexpected byte");
                else begin
                    if (m_axis_tdata !== expq[rd[11:0]]) begin
                        errors = errors + 1;
                        if (errors <= 10)
                            $display("MISMATCH rnnc_uart_rx %0s (CLKS_PER_BIT=%0d SKEW=%0d): byte %0d expected %h got %h",
                                     TB_CASE, CLKS_PER_BIT, TB_SKEW_PPT, rd, expq[rd[11:0]], m_axis_tdata);
                    end
                    rd = rd + 1;
                end
            end
            stalled <= m_axis_tvalid && !m_axis_tready;
            held <= m_axis_tdata;
        end
        #1;
        case (ready_mode)
            2'd0: m_axis_tready = 1'b0;
            2'd1: m_axis_tready = 1'b1;
            default: m_axis_tready = $random(seed) & 1;
        endcase
    end

    initial begin
        seed = TB_SEED;
        errors = 0;
        wr = 0;
        rd = 0;
        repeat (4) @(posedge clk);
        #1 rst = 1'b0;
        #(BIT_NS * 2.3);
        // (1) back to back, random ready
        ready_mode = 2'd2;
        for (k = 0; k < TB_N; k = k + 1) begin
            b = $random(seed);
            expq[wr[11:0]] = b;
            wr = wr + 1;
            send(b, 1'b1, 0);
        end
        idle(3);
        // (2) glitches shorter than a quarter bit
        for (k = 0; k < 4; k = k + 1) begin
            rx = 1'b0;
            #(CLK_NS * (CLKS_PER_BIT / 4) + 0.37 * k);
            idle(2);
        end
        // (3) framing errors, then a good byte
        for (k = 0; k < 3; k = k + 1) begin
            b = $random(seed);
            send(b, 1'b0, 2 * k);
            b = $random(seed);
            expq[wr[11:0]] = b;
            wr = wr + 1;
            send(b, 1'b1, 0);
        end
        idle(2);
        // (4) overrun: consumer not ready for two bytes, the second is dropped
        ready_mode = 2'd0;
        b = $random(seed);
        b2 = $random(seed);
        expq[wr[11:0]] = b;
        wr = wr + 1;
        send(b, 1'b1, 0);
        send(b2, 1'b1, 0);
        idle(2);
        if (!m_axis_tvalid || m_axis_tdata !== b) error("overrun: first byte not held");
        ready_mode = 2'd1;
        b = $random(seed);
        expq[wr[11:0]] = b;
        wr = wr + 1;
        send(b, 1'b1, 0);
        idle(2);
        if (rd != wr) begin
            errors = errors + 1;
            $display("MISMATCH rnnc_uart_rx %0s: received %0d of %0d bytes", TB_CASE, rd, wr);
        end
        if (errors == 0) $display("RESULT PASS %0d bytes received, glitch/framing/overrun checked", wr);
        else $display("RESULT FAIL %0d errors", errors);
        $finish;
    end
endmodule

`resetall
