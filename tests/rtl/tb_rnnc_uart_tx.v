// tb_rnnc_uart_tx: rnnc_uart_tx against a cycle-exact 8N1 monitor: every bit (start, 8 data
// LSB first, stop) must last exactly CLKS_PER_BIT cycles, tx idle high (also during and after
// reset). Phase 1: TB_N random bytes offered with random gaps; phase 2: TB_N bytes offered back
// to back, which must leave with no idle time between frames (10 bit times per byte).
`resetall
`timescale 1ns / 1ps
`default_nettype none

module tb_rnnc_uart_tx #(
    parameter integer CLKS_PER_BIT = 16,    // as rnnc_uart_tx
    parameter integer TB_N = 100,           // bytes per phase
    parameter integer TB_SEED = 1,          // random seed
    parameter TB_CASE = ""                  // case name for messages
);
    reg clk = 1'b0;
    reg rst = 1'b1;
    reg [7:0] s_axis_tdata = 8'h00;
    reg s_axis_tvalid = 1'b0;
    wire s_axis_tready;
    wire tx;

    always #5 clk = ~clk;

    rnnc_uart_tx #(.CLKS_PER_BIT(CLKS_PER_BIT))
        dut (.clk(clk), .rst(rst), .s_axis_tdata(s_axis_tdata), .s_axis_tvalid(s_axis_tvalid),
             .s_axis_tready(s_axis_tready), .tx(tx));

    integer seed, errors, k, wr, rd, cycle, b2b_first;
    reg [7:0] expq [0:4095];
    integer start_at [0:4095];

    task error;
        input [8*80-1:0] what;
        begin
            errors = errors + 1;
            if (errors <= 10)
                $display("MISMATCH rnnc_uart_tx %0s (CLKS_PER_BIT=%0d) t=%0t: %0s",
                         TB_CASE, CLKS_PER_BIT, $time, what);
        end
    endtask

    always @(posedge clk) cycle = cycle + 1;

    // Source: offer one byte, hold it until taken.
    task put;
        input [7:0] data;
        begin
            s_axis_tdata = data;
            s_axis_tvalid = 1'b1;
            @(posedge clk);
            while (!s_axis_tready) @(posedge clk);
            expq[wr[11:0]] = data;
            wr = wr + 1;
            #1;
            s_axis_tvalid = 1'b0;
            s_axis_tdata = 8'hxx;
        end
    endtask

    // Monitor: sample tx every cycle.
    reg [9:0] frame;
    integer i, j;
    initial begin : monitor
        forever begin
            @(posedge clk);
            if (rst) begin
                if (tx !== 1'b1 && cycle > 2) error("tx not high in reset");
            end else if (tx === 1'b0) begin
                start_at[rd[11:0]] = cycle;
                frame = {1'b1, expq[rd[11:0]], 1'b0};
                if (rd >= wr) error("frame without a byte");
                for (i = 0; i < 10; i = i + 1) begin
                    for (j = 0; j < CLKS_PER_BIT; j = j + 1) begin
                        if (i > 0 || j > 0) @(posedge clk);
                        if (tx !== frame[i]) begin
                            errors = errors + 1;
                            if (errors <= 10)
                                $display("MISMATCH rnnc_uart_tx %0s (CLKS_PER_BIT=%0d): byte %0d (%h) bit %0d cycle %0d: tx=%b expected %b",
                                         TB_CASE, CLKS_PER_BIT, rd, expq[rd[11:0]], i, j, tx, frame[i]);
                        end
                    end
                end
                rd = rd + 1;
            end else if (tx !== 1'b1) error("tx not 0/1");
        end
    end

    initial begin
        seed = TB_SEED;
        errors = 0;
        wr = 0;
        rd = 0;
        cycle = 0;
        repeat (5) @(posedge clk);
        #1 rst = 1'b0;
        repeat (3) @(posedge clk);
        #1;
        // (1) random gaps
        for (k = 0; k < TB_N; k = k + 1) begin
            repeat ($random(seed) & 3) @(posedge clk);
            if (($random(seed) & 7) == 0) repeat (($random(seed) & 31) * CLKS_PER_BIT / 4) @(posedge clk);
            #1 put($random(seed));
        end
        while (rd < wr) @(posedge clk);
        repeat (2 * CLKS_PER_BIT) @(posedge clk);
        // (2) back to back: valid held high
        b2b_first = wr;
        for (k = 0; k < TB_N; k = k + 1) begin
            s_axis_tdata = $random(seed);
            s_axis_tvalid = 1'b1;
            @(posedge clk);
            while (!s_axis_tready) @(posedge clk);
            expq[wr[11:0]] = s_axis_tdata;
            wr = wr + 1;
            #1;
        end
        s_axis_tvalid = 1'b0;
        while (rd < wr) @(posedge clk);
        repeat (2 * CLKS_PER_BIT) @(posedge clk);
        for (k = b2b_first + 1; k < wr; k = k + 1)
            if (start_at[k] - start_at[k - 1] != 10 * CLKS_PER_BIT) begin
                errors = errors + 1;
                if (errors <= 10)
                    $display("MISMATCH rnnc_uart_tx %0s (CLKS_PER_BIT=%0d): back-to-back byte %0d starts %0d cycles after the previous, expected %0d",
                             TB_CASE, CLKS_PER_BIT, k, start_at[k] - start_at[k - 1], 10 * CLKS_PER_BIT);
            end
        if (tx !== 1'b1) error("tx not idle high at the end");
        if (rd != wr) begin
            errors = errors + 1;
            $display("MISMATCH rnnc_uart_tx %0s: %0d frames for %0d bytes", TB_CASE, rd, wr);
        end
        if (errors == 0) $display("RESULT PASS %0d bytes, bit timing exact, back-to-back checked", wr);
        else $display("RESULT FAIL %0d errors", errors);
        $finish;
    end
endmodule

`resetall
