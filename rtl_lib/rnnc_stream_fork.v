// rnnc_stream_fork: one stream to N consumers, each with its own handshake. Branch k offers
// the input beat (m_axis_tvalid[k]) until it takes it; the input is taken (s_axis_tready) in
// the cycle the last branch still owing takes it, so consumers may take a beat in different
// cycles and a slow one holds the beat (data stable) for all. No register on the data path
// and no latency: a beat can pass to every branch in the cycle it arrives. Only m_axis_tvalid
// depends on state (`taken`, one bit a branch); s_axis_tready is combinational from the
// branches' m_axis_tready (rnnc engines drive tready from registers, so no loop forms).
`resetall
`timescale 1ns / 1ps
`default_nettype none

module rnnc_stream_fork #(
    parameter integer N = 2,        // branches, at least 2
    parameter integer WIDTH = 8     // tdata width (tlast travels with it)
) (
    input  wire clk,
    input  wire rst,
    input  wire s_axis_tvalid,
    output wire s_axis_tready,
    input  wire [WIDTH-1:0] s_axis_tdata,
    input  wire s_axis_tlast,
    output wire [N-1:0] m_axis_tvalid,
    input  wire [N-1:0] m_axis_tready,
    output wire [N*WIDTH-1:0] m_axis_tdata,   // branch k in bits [k*WIDTH +: WIDTH]
    output wire [N-1:0] m_axis_tlast
);
    initial begin
        if (N < 2 || WIDTH < 1) begin
            $display("ERROR: rnnc_stream_fork: N=%0d must be at least 2, WIDTH=%0d at least 1 (instance %m)", N, WIDTH);
            $finish;
        end
    end

    reg [N-1:0] taken;  // branch k has taken the current beat
    assign m_axis_tvalid = {N{s_axis_tvalid}} & ~taken;
    assign s_axis_tready = &(m_axis_tready | taken);
    assign m_axis_tdata = {N{s_axis_tdata}};
    assign m_axis_tlast = {N{s_axis_tlast}};

    always @(posedge clk)
        if (rst || (s_axis_tvalid && s_axis_tready)) taken <= {N{1'b0}};
        else taken <= taken | (m_axis_tvalid & m_axis_tready);
endmodule

`resetall
