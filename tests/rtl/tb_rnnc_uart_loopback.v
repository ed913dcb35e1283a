// tb_rnnc_uart_loopback: the board front end end to end: rnnc_beat_serializer(WIDTH) ->
// rnnc_uart_tx -> serial line -> rnnc_uart_rx -> rnnc_beat_deserializer(WIDTH). TB_N random
// beats offered with random gaps, taken with a consumer ready 50% of cycles; every beat must
// come out, in order, unchanged. Also checks the line is idle high at the end.
`resetall
`timescale 1ns / 1ps
`default_nettype none

module tb_rnnc_uart_loopback #(
    parameter integer CLKS_PER_BIT = 16,    // as rnnc_uart_tx / rnnc_uart_rx
    parameter integer WIDTH = 16,           // as rnnc_beat_serializer / rnnc_beat_deserializer
    parameter integer TB_N = 20,            // beats
    parameter integer TB_SEED = 1,          // random seed
    parameter TB_CASE = ""                  // case name for messages
);
    localparam integer NBYTES = (WIDTH + 7) / 8;

    reg clk = 1'b0;
    reg rst = 1'b1;
    reg [WIDTH-1:0] in_tdata = {WIDTH{1'b0}};
    reg in_tvalid = 1'b0;
    wire in_tready;
    wire [7:0] txb_tdata, rxb_tdata;
    wire txb_tvalid, txb_tready, rxb_tvalid, rxb_tready, line;
    wire [WIDTH-1:0] out_tdata;
    wire out_tvalid;
    reg out_tready = 1'b0;

    always #5 clk = ~clk;

    rnnc_beat_serializer #(.WIDTH(WIDTH))
        ser (.clk(clk), .rst(rst), .s_axis_tdata(in_tdata), .s_axis_tvalid(in_tvalid),
             .s_axis_tready(in_tready), .m_axis_tdata(txb_tdata), .m_axis_tvalid(txb_tvalid),
             .m_axis_tready(txb_tready));
    rnnc_uart_tx #(.CLKS_PER_BIT(CLKS_PER_BIT))
        utx (.clk(clk), .rst(rst), .s_axis_tdata(txb_tdata), .s_axis_tvalid(txb_tvalid),
             .s_axis_tready(txb_tready), .tx(line));
    rnnc_uart_rx #(.CLKS_PER_BIT(CLKS_PER_BIT))
        urx (.clk(clk), .rst(rst), .rx(line), .m_axis_tdata(rxb_tdata), .m_axis_tvalid(rxb_tvalid),
             .m_axis_tready(rxb_tready));
    rnnc_beat_deserializer #(.WIDTH(WIDTH))
        des (.clk(clk), .rst(rst), .s_axis_tdata(rxb_tdata), .s_axis_tvalid(rxb_tvalid),
             .s_axis_tready(rxb_tready), .m_axis_tdata(out_tdata), .m_axis_tvalid(out_tvalid),
             .m_axis_tready(out_tready));

    integer seed, errors, k, i, rd, timeout;
    reg [WIDTH-1:0] beats [0:TB_N-1];
    reg [WIDTH-1:0] v;

    always @(posedge clk) begin
        if (!rst && out_tvalid && out_tready) begin
            if (rd >= TB_N) begin
                errors = errors + 1;
                if (errors <= 10) $display("MISMATCH rnnc_uart_loopback %0s: unexpected beat %h", TB_CASE, out_tdata);
            end else begin
                if (out_tdata !== beats[rd]) begin
                    errors = errors + 1;
                    if (errors <= 10)
                        $display("MISMATCH rnnc_uart_loopback %0s (CLKS_PER_BIT=%0d WIDTH=%0d): beat %0d expected %h got %h",
                                 TB_CASE, CLKS_PER_BIT, WIDTH, rd, beats[rd], out_tdata);
                end
                rd = rd + 1;
            end
        end
        #1 out_tready = $random(seed) & 1;
    end

    initial begin
        seed = TB_SEED;
        errors = 0;
        rd = 0;
        for (k = 0; k < TB_N; k = k + 1) begin
            for (i = 0; i < WIDTH; i = i + 1) v[i] = $random(seed);
            beats[k] = v;
        end
        repeat (4) @(posedge clk);
        #1 rst = 1'b0;
        for (k = 0; k < TB_N; k = k + 1) begin
            while ($random(seed) & 1) begin
                in_tvalid = 1'b0;
                @(posedge clk);
                #1;
            end
            in_tdata = beats[k];
            in_tvalid = 1'b1;
            @(posedge clk);
            while (!in_tready) @(posedge clk);
            #1;
        end
        in_tvalid = 1'b0;
        timeout = 0;
        while (rd < TB_N && timeout < 20 * CLKS_PER_BIT * (NBYTES + 2)) begin
            @(posedge clk);
            timeout = timeout + 1;
        end
        repeat (12 * CLKS_PER_BIT) @(posedge clk);
        if (line !== 1'b1) begin
            errors = errors + 1;
            $display("MISMATCH rnnc_uart_loopback %0s: line not idle high at the end", TB_CASE);
        end
        if (rd != TB_N) begin
            errors = errors + 1;
            $display("MISMATCH rnnc_uart_loopback %0s (CLKS_PER_BIT=%0d WIDTH=%0d): %0d of %0d beats",
                     TB_CASE, CLKS_PER_BIT, WIDTH, rd, TB_N);
        end
        if (errors == 0) $display("RESULT PASS %0d beats of %0d bytes over the serial line", TB_N, NBYTES);
        else $display("RESULT FAIL %0d errors", errors);
        $finish;
    end
endmodule

`resetall
