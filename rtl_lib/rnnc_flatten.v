// rnnc_flatten: collects T beats of BW bits (a sequence, its last beat marked by s_axis_tlast)
// into one beat of T*BW bits, beat 0 in the low bits; the last beat releases the whole
// sequence (m_axis_tlast always 1). Full throughput: a beat is taken every cycle except a
// last one while the previous output still waits.
`resetall
`timescale 1ns / 1ps
`default_nettype none

module rnnc_flatten #(
    parameter integer T = 2,        // beats per sequence, >= 2
    parameter integer BW = 16       // bits per input beat, >= 1
) (
    input wire clk,
    input wire rst,
    input wire s_axis_tvalid,
    output wire s_axis_tready,
    input wire [BW-1:0] s_axis_tdata,
    input wire s_axis_tlast,
    output reg m_axis_tvalid,
    input wire m_axis_tready,
    output wire [T*BW-1:0] m_axis_tdata,
    output reg m_axis_tlast
);
    initial begin
        if (T < 2 || BW < 1) begin
            $display("ERROR: rnnc_flatten: invalid parameters T=%0d BW=%0d (instance %m)", T, BW);
            $finish;
        end
    end

    assign s_axis_tready = !(m_axis_tvalid && s_axis_tlast);
    wire start = s_axis_tvalid && s_axis_tready;
    reg [(T-1)*BW-1:0] buffer;
    reg [T*BW-1:0] out_reg;
    assign m_axis_tdata = out_reg;

    generate
        if (T > 2) begin : g_shift
            always @(posedge clk) if (start) buffer <= {s_axis_tdata, buffer[(T-1)*BW-1:BW]};
        end else begin : g_one
            always @(posedge clk) if (start) buffer <= s_axis_tdata;
        end
    endgenerate

    always @(posedge clk) begin
        if (start && s_axis_tlast) out_reg <= {s_axis_tdata, buffer};
        if (rst) m_axis_tvalid <= 1'b0;
        else if (start && s_axis_tlast) m_axis_tvalid <= 1'b1;
        else if (m_axis_tvalid && m_axis_tready) m_axis_tvalid <= 1'b0;
        m_axis_tlast <= 1'b1;
    end

endmodule

`resetall
