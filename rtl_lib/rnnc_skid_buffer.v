// rnnc_skid_buffer: a valid/ready register slice. Both directions are registered: m_axis_*
// comes from a register and s_axis_tready is a register output, so no combinational path runs
// through it (it cuts long ready chains, e.g. between the UART front end and the core).
// Full throughput (one beat per cycle); two entries (the output register and the skid
// register that catches the beat accepted while the output stalls). Order is kept.
`resetall
`timescale 1ns / 1ps
`default_nettype none

module rnnc_skid_buffer #(
    parameter integer WIDTH = 8     // tdata width (tlast travels with it)
) (
    input  wire clk,
    input  wire rst,
    input  wire [WIDTH-1:0] s_axis_tdata,
    input  wire s_axis_tlast,
    input  wire s_axis_tvalid,
    output reg  s_axis_tready,
    output reg  [WIDTH-1:0] m_axis_tdata,
    output reg  m_axis_tlast,
    output reg  m_axis_tvalid,
    input  wire m_axis_tready
);
    initial begin
        if (WIDTH < 1) begin
            $display("ERROR: rnnc_skid_buffer: WIDTH=%0d must be at least 1 (instance %m)", WIDTH);
            $finish;
        end
    end

    reg [WIDTH-1:0] skid_data;
    reg skid_last;
    reg skid_valid;

    wire take = s_axis_tvalid && s_axis_tready;       // a beat comes in (never while the skid is full)
    wire out_free = !m_axis_tvalid || m_axis_tready;  // the output register can load

    always @(posedge clk) begin
        if (rst) begin
            m_axis_tvalid <= 1'b0;
            skid_valid <= 1'b0;
            s_axis_tready <= 1'b0;
        end else begin
            if (out_free) begin
                // the output loads the skid beat first, else the incoming one
                m_axis_tvalid <= skid_valid || take;
                skid_valid <= 1'b0;
            end else if (take) begin
                skid_valid <= 1'b1;                    // output stalled: catch the beat
            end
            // ready next cycle exactly when the skid will be empty
            s_axis_tready <= out_free || !(skid_valid || take);
        end
        if (out_free) begin
            if (skid_valid) begin
                m_axis_tdata <= skid_data;
                m_axis_tlast <= skid_last;
            end else if (take) begin
                m_axis_tdata <= s_axis_tdata;
                m_axis_tlast <= s_axis_tlast;
            end
        end
        if (take && !out_free) begin
            skid_data <= s_axis_tdata;
            skid_last <= s_axis_tlast;
        end
    end
endmodule

`resetall
