// tb_rnnc_beat_serializer: random WIDTH-bit beats, each expected out as ceil(WIDTH/8) bytes,
// LSB first, padding bits 0, in four phases of TB_N beats each with beat-valid / byte-ready
// probabilities (in %) 100/100, 50/50, 100/20, 20/100. Checks order and values, that m_axis
// holds while stalled, and that phase 100/100 gives one byte every cycle with no gap between
// beats.
`resetall
`timescale 1ns / 1ps
`default_nettype none

module tb_rnnc_beat_serializer #(
    parameter integer WIDTH = 16,       // as rnnc_beat_serializer
    parameter integer TB_N = 100,       // beats per phase
    parameter integer TB_SEED = 1,      // random seed
    parameter TB_CASE = ""              // case name for messages
);
    localparam integer NBYTES = (WIDTH + 7) / 8;
    localparam integer NPH = 4;

    reg clk = 1'b0;
    reg rst = 1'b1;
    reg [WIDTH-1:0] s_axis_tdata = {WIDTH{1'b0}};
    reg s_axis_tvalid = 1'b0;
    wire s_axis_tready;
    wire [7:0] m_axis_tdata;
    wire m_axis_tvalid;
    reg m_axis_tready = 1'b0;

    always #5 clk = ~clk;

    rnnc_beat_serializer #(.WIDTH(WIDTH))
        dut (.clk(clk), .rst(rst), .s_axis_tdata(s_axis_tdata), .s_axis_tvalid(s_axis_tvalid),
             .s_axis_tready(s_axis_tready), .m_axis_tdata(m_axis_tdata),
             .m_axis_tvalid(m_axis_tvalid), .m_axis_tready(m_axis_tready));

    integer seed, errors, k, i, ph, rd, ready_pct, first_cycle, last_cycle, cycle;
    reg [8*NBYTES-1:0] beats [0:NPH*TB_N-1];
    reg [8*NBYTES-1:0] v, vc;
    reg [7:0] expected;

    task error;
        input [8*80-1:0] what;
        begin
            errors = errors + 1;
            if (errors <= 10)
                $display("MISMATCH rnnc_beat_serializer %0s (WIDTH=%0d) t=%0t: %0s",
                         TB_CASE, WIDTH, $time, what);
        end
    endtask

    // Sink and checker; rd counts bytes.
    reg stalled = 1'b0;
    reg [7:0] held;
    always @(posedge clk) begin
        cycle = cycle + 1;
        if (!rst) begin
            if (stalled && (!m_axis_tvalid || m_axis_tdata !== held))
                error("m_axis changed while stalled");
            if (m_axis_tvalid && m_axis_tready) begin
                if (rd >= NPH * TB_N * NBYTES) error("unexpected byte");
                else begin
                    vc = beats[rd / NBYTES];
                    expected = vc[8*(rd % NBYTES) +: 8];
                    if (m_axis_tdata !== expected) begin
                        errors = errors + 1;
                        if (errors <= 10)
                            $display("MISMATCH rnnc_beat_serializer %0s (WIDTH=%0d): beat %0d byte %0d expected %h got %h",
                                     TB_CASE, WIDTH, rd / NBYTES, rd % NBYTES, expected, m_axis_tdata);
                    end
                    if (rd == 0) first_cycle = cycle;
                    if (rd == TB_N * NBYTES - 1) last_cycle = cycle;
                    rd = rd + 1;
                end
            end
            stalled <= m_axis_tvalid && !m_axis_tready;
            held <= m_axis_tdata;
        end
        #1 m_axis_tready = (($random(seed) & 32'h7fffffff) % 100) < ready_pct;
    end

    initial begin
        seed = TB_SEED;
        errors = 0;
        rd = 0;
        cycle = 0;
        first_cycle = 0;
        last_cycle = 0;
        ready_pct = 100;
        for (k = 0; k < NPH * TB_N; k = k + 1) begin
            v = {8*NBYTES{1'b0}};
            for (i = 0; i < WIDTH; i = i + 1) v[i] = $random(seed);
            beats[k] = v;
        end
        repeat (4) @(posedge clk);
        #1 rst = 1'b0;
        for (ph = 0; ph < NPH; ph = ph + 1) begin
            ready_pct = ph == 0 ? 100 : ph == 1 ? 50 : ph == 2 ? 20 : 100;
            for (k = ph * TB_N; k < (ph + 1) * TB_N; k = k + 1) begin
                if (ph == 1 || ph == 3)
                    while ((($random(seed) & 32'h7fffffff) % 100) >= (ph == 1 ? 50 : 20)) begin
                        s_axis_tvalid = 1'b0;
                        s_axis_tdata = {WIDTH{1'bx}};
                        @(posedge clk);
                        #1;
                    end
                v = beats[k];
                s_axis_tdata = v[WIDTH-1:0];
                s_axis_tvalid = 1'b1;
                @(posedge clk);
                while (!s_axis_tready) @(posedge clk);
                #1;
            end
            s_axis_tvalid = 1'b0;
            s_axis_tdata = {WIDTH{1'bx}};
            while (rd < (ph + 1) * TB_N * NBYTES) @(posedge clk);
            #1;
        end
        repeat (10) @(posedge clk);
        if (last_cycle - first_cycle != TB_N * NBYTES - 1) begin
            errors = errors + 1;
            $display("MISMATCH rnnc_beat_serializer %0s (WIDTH=%0d): phase 100/100 took %0d cycles for %0d bytes",
                     TB_CASE, WIDTH, last_cycle - first_cycle + 1, TB_N * NBYTES);
        end
        if (rd != NPH * TB_N * NBYTES) begin
            errors = errors + 1;
            $display("MISMATCH rnnc_beat_serializer %0s: %0d of %0d bytes", TB_CASE, rd, NPH * TB_N * NBYTES);
        end
        if (errors == 0) $display("RESULT PASS %0d beats of %0d bytes in 4 valid/ready patterns, no gaps at full rate", NPH * TB_N, NBYTES);
        else $display("RESULT FAIL %0d errors", errors);
        $finish;
    end
endmodule

`resetall
