// rnnc_reverse: takes a sequence of up to T beats of BW bits (its last beat marked by
// s_axis_tlast, which must come at beat T) and sends them last-first: the last beat goes out
// at once (from the input), the others from a memory; m_axis_tlast marks the sequence's first
// beat. No new beat is taken while draining.
`resetall
`timescale 1ns / 1ps
`default_nettype none

module rnnc_reverse #(
    parameter integer T = 2,        // beats per sequence, >= 1
    parameter integer BW = 16       // bits per beat, >= 1
) (
    input wire clk,
    input wire rst,
    input wire s_axis_tvalid,
    output wire s_axis_tready,
    input wire [BW-1:0] s_axis_tdata,
    input wire s_axis_tlast,
    output reg m_axis_tvalid,
    input wire m_axis_tready,
    output wire [BW-1:0] m_axis_tdata,
    output reg m_axis_tlast
);
    localparam integer IW = T > 1 ? $clog2(T) : 1;
    localparam [31:0] LAST_IDX = T - 1;

    initial begin
        if (T < 1 || BW < 1) begin
            $display("ERROR: rnnc_reverse: invalid parameters T=%0d BW=%0d (instance %m)", T, BW);
            $finish;
        end
    end

    reg draining;
    reg [IW-1:0] wr_idx, rd_idx;
    reg [BW-1:0] mem [0:T-1];
    reg [BW-1:0] out_reg;
    assign m_axis_tdata = out_reg;
    assign s_axis_tready = !draining;
    wire start = s_axis_tvalid && s_axis_tready;
    wire sent = m_axis_tvalid && m_axis_tready;

    always @(posedge clk) begin
        if (start) mem[wr_idx] <= s_axis_tdata;
        if (rst) begin
            draining <= 1'b0;
            m_axis_tvalid <= 1'b0;
            wr_idx <= {IW{1'b0}};
        end else begin
            if (sent) begin
                if (rd_idx != {IW{1'b0}}) begin
                    out_reg <= mem[rd_idx - 1'b1];
                    m_axis_tlast <= rd_idx == {{(IW - 1){1'b0}}, 1'b1};
                    rd_idx <= rd_idx - 1'b1;
                end else begin
                    m_axis_tvalid <= 1'b0;
                    draining <= 1'b0;
                end
            end
            if (start) begin
                if (s_axis_tlast) begin
                    draining <= 1'b1;
                    m_axis_tvalid <= 1'b1;
                    out_reg <= s_axis_tdata;
                    m_axis_tlast <= T == 1;
                    rd_idx <= LAST_IDX[IW-1:0];
                    wr_idx <= {IW{1'b0}};
                end else wr_idx <= wr_idx + 1'b1;
            end
        end
    end

endmodule

`resetall
