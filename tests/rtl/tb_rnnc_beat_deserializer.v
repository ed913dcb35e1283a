// tb_rnnc_beat_deserializer: random beats sent as ceil(WIDTH/8) bytes, LSB first, with random
// padding bits in the last byte (they must be ignored), in four phases of TB_N beats each with
// byte-valid / beat-ready probabilities (in %) 100/100, 50/50, 100/20, 20/100. Checks order and
// values, that m_axis holds while stalled, that s_axis_tready is high whenever no beat is held
// or the byte is not the last of a beat, and that phase 100/100 never stalls a byte.
`resetall
`timescale 1ns / 1ps
`default_nettype none

module tb_rnnc_beat_deserializer #(
    parameter integer WIDTH = 16,       // as rnnc_beat_deserializer
    parameter integer TB_N = 100,       // beats per phase
    parameter integer TB_SEED = 1,      // random seed
    parameter TB_CASE = ""              // case name for messages
);
    localparam integer NBYTES = (WIDTH + 7) / 8;
    localparam integer NPH = 4;

    reg clk = 1'b0;
    reg rst = 1'b1;
    reg [7:0] s_axis_tdata = 8'h00;
    reg s_axis_tvalid = 1'b0;
    wire s_axis_tready;
    wire [WIDTH-1:0] m_axis_tdata;
    wire m_axis_tvalid;
    reg m_axis_tready = 1'b0;

    always #5 clk = ~clk;

    rnnc_beat_deserializer #(.WIDTH(WIDTH))
        dut (.clk(clk), .rst(rst), .s_axis_tdata(s_axis_tdata), .s_axis_tvalid(s_axis_tvalid),
             .s_axis_tready(s_axis_tready), .m_axis_tdata(m_axis_tdata),
             .m_axis_tvalid(m_axis_tvalid), .m_axis_tready(m_axis_tready));

    integer seed, errors, k, i, ph, rd, nbyte, ready_pct;
    reg [8*NBYTES-1:0] beats [0:NPH*TB_N-1];
    reg [8*NBYTES-1:0] v;
    reg no_stall_phase = 1'b0;

    task error;
        input [8*80-1:0] what;
        begin
            errors = errors + 1;
            if (errors <= 10)
                $display("MISMATCH rnnc_beat_deserializer %0s (WIDTH=%0d) t=%0t: %0s",
                         TB_CASE, WIDTH, $time, what);
        end
    endtask

    // Sink and checker.
    reg stalled = 1'b0;
    reg [WIDTH-1:0] held;
    always @(posedge clk) begin
        if (!rst) begin
            if (stalled && (!m_axis_tvalid || m_axis_tdata !== held))
                error("m_axis changed while stalled");
            if (s_axis_tvalid && !s_axis_tready) begin
                if (!m_axis_tvalid) error("byte stalled with no beat held");
                if (nbyte != NBYTES - 1) error("byte stalled that is not the last of its beat");
                if (no_stall_phase) error("byte stalled with the consumer always ready");
            end
            if (m_axis_tvalid && m_axis_tready) begin
                if (rd >= NPH * TB_N) error("unexpected beat");
                else begin
                    if (m_axis_tdata !== beats[rd][WIDTH-1:0]) begin
                        errors = errors + 1;
                        if (errors <= 10)
                            $display("MISMATCH rnnc_beat_deserializer %0s (WIDTH=%0d): beat %0d expected %h got %h",
                                     TB_CASE, WIDTH, rd, beats[rd][WIDTH-1:0], m_axis_tdata);
                    end
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
        nbyte = 0;
        ready_pct = 100;
        for (k = 0; k < NPH * TB_N; k = k + 1) begin
            for (i = 0; i < NBYTES; i = i + 1) v[8*i +: 8] = $random(seed);
            beats[k] = v;   // bits above WIDTH are padding, sent but ignored
        end
        repeat (4) @(posedge clk);
        #1 rst = 1'b0;
        for (ph = 0; ph < NPH; ph = ph + 1) begin
            ready_pct = ph == 0 ? 100 : ph == 1 ? 50 : ph == 2 ? 20 : 100;
            no_stall_phase = ph == 0;
            for (k = ph * TB_N; k < (ph + 1) * TB_N; k = k + 1) begin
                for (nbyte = 0; nbyte < NBYTES; nbyte = nbyte + 1) begin
                    if (ph == 1 || ph == 3)
                        while ((($random(seed) & 32'h7fffffff) % 100) >= (ph == 1 ? 50 : 20)) begin
                            s_axis_tvalid = 1'b0;
                            s_axis_tdata = 8'hxx;
                            @(posedge clk);
                            #1;
                        end
                    s_axis_tdata = beats[k][8*nbyte +: 8];
                    s_axis_tvalid = 1'b1;
                    @(posedge clk);
                    while (!s_axis_tready) @(posedge clk);
                    #1;
                end
                s_axis_tvalid = 1'b0;
                s_axis_tdata = 8'hxx;
                nbyte = 0;
            end
            while (rd < (ph + 1) * TB_N) @(posedge clk);
            #1;
        end
        repeat (10) @(posedge clk);
        if (rd != NPH * TB_N) begin
            errors = errors + 1;
            $display("MISMATCH rnnc_beat_deserializer %0s: %0d of %0d beats", TB_CASE, rd, NPH * TB_N);
        end
        if (errors == 0) $display("RESULT PASS %0d beats of %0d bytes in 4 valid/ready patterns", rd, NBYTES);
        else $display("RESULT FAIL %0d errors", errors);
        $finish;
    end
endmodule

`resetall
