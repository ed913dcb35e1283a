// axis_top_props.v: AXI-Stream properties of an emitted top, for a bounded proof
// (tests/formal/run.sh). The design under test is `RNNC_DUT (a define: the model's name);
// IN_W/OUT_W are its tdata widths. Yosys reads it with -formal -DFORMAL.
//
// Assumed of the environment: reset in the first cycle; on s_axis, a beat offered stays
// offered with the same tdata/tlast until taken. Nothing is assumed of m_axis_tready.
// Asserted of the design: in the cycle after a reset no output beat is offered; on m_axis, a
// beat offered stays offered with the same tdata/tlast until taken. Covered: COVER output beats.
`default_nettype none

module rnnc_formal_axis_top #(
    parameter integer IN_W = 8,     // s_axis_tdata width
    parameter integer OUT_W = 8,    // m_axis_tdata width
    parameter integer COVER = 2     // output beats the cover check must reach (1..3)
) (
    input wire clk,
    input wire rst,
    input wire s_axis_tvalid,
    input wire [IN_W-1:0] s_axis_tdata,
    input wire s_axis_tlast,
    input wire m_axis_tready
);
    wire s_axis_tready, m_axis_tvalid, m_axis_tlast;
    wire [OUT_W-1:0] m_axis_tdata;

    `RNNC_DUT #(.MEM_PATH("mem/")) dut (
        .clk(clk), .rst(rst),
        .s_axis_tvalid(s_axis_tvalid), .s_axis_tready(s_axis_tready), .s_axis_tdata(s_axis_tdata),
        .s_axis_tlast(s_axis_tlast),
        .m_axis_tvalid(m_axis_tvalid), .m_axis_tready(m_axis_tready), .m_axis_tdata(m_axis_tdata),
        .m_axis_tlast(m_axis_tlast));

    reg f_past_valid = 1'b0;
    always @(posedge clk) f_past_valid <= 1'b1;
    always @(*) if (!f_past_valid) assume(rst);

    // the environment keeps the rules on s_axis
    always @(posedge clk)
        if (f_past_valid && !$past(rst) && $past(s_axis_tvalid && !s_axis_tready))
            assume(s_axis_tvalid && s_axis_tdata == $past(s_axis_tdata) && s_axis_tlast == $past(s_axis_tlast));

    // reset is respected
    always @(posedge clk)
        if (f_past_valid && $past(rst)) assert(!m_axis_tvalid);

    // the design keeps them on m_axis
    always @(posedge clk)
        if (f_past_valid && !$past(rst) && $past(m_axis_tvalid && !m_axis_tready))
            assert(m_axis_tvalid && m_axis_tdata == $past(m_axis_tdata) && m_axis_tlast == $past(m_axis_tlast));

    // not vacuous: COVER output beats are taken within the depth
    reg [1:0] f_outs = 2'd0;
    always @(posedge clk)
        if (rst) f_outs <= 2'd0;
        else if (m_axis_tvalid && m_axis_tready && f_outs != 2'd3) f_outs <= f_outs + 2'd1;
    always @(*) cover(f_outs == COVER);
endmodule
