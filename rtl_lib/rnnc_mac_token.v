// rnnc_mac_token: who may use a set of shared MACs (docs/architecture.md, "Shared multipliers").
//
// N owners take turns: owner 0 (a recurrent cell, the host) and owners 1..N-1 (the dense
// engines after it, the guests), in that order, round and round. own is the owner (one-hot),
// run says it has taken its input's last beat (hs_last[own]: its s_axis handshake with tlast).
// ok[k] (own[k] && !run) gates owner k's s_axis valid and ready: an owner starts jobs only while
// it holds the token and has not yet taken its last beat. Once it has, its output valid
// (valid[own]: the result of that last job, whose MAC uses are over) passes the token on. An
// engine starts a job only when its output register is free, so after its last beat was taken
// its output valid can only be that job's result. rst: owner 0, not running.
`resetall
`timescale 1ns / 1ps
`default_nettype none

module rnnc_mac_token #(
    parameter integer N = 2         // owners, 2..32
) (
    input wire clk,
    input wire rst,
    input wire [N-1:0] hs_last,     // owner k's input handshake with tlast (gated by ok[k])
    input wire [N-1:0] valid,       // owner k's m_axis_tvalid
    output wire [N-1:0] ok,         // owner k may take a beat
    output reg [N-1:0] own,
    output reg run
);
    initial begin
        if (N < 2 || N > 32) begin
            $display("ERROR: rnnc_mac_token: N=%0d must be 2..32 (instance %m)", N);
            $finish;
        end
    end

    // ok is run ? 0 : own, kept in a register of its own (its next value from the same
    // conditions as own's and run's): the owners' start logic then begins at a flip-flop
    reg [N-1:0] ok_r;
    assign ok = ok_r;

    always @(posedge clk)
        if (rst) begin
            own <= {{(N - 1){1'b0}}, 1'b1};
            run <= 1'b0;
        end else if (!run) begin
            if (|(own & hs_last)) run <= 1'b1;
        end else if (|(own & valid)) begin
            own <= {own[N-2:0], own[N-1]};
            run <= 1'b0;
        end

    always @(posedge clk)
        if (rst) ok_r <= {{(N - 1){1'b0}}, 1'b1};
        else if (!run) ok_r <= |(own & hs_last) ? {N{1'b0}} : own;
        else ok_r <= |(own & valid) ? {own[N-2:0], own[N-1]} : {N{1'b0}};

`ifdef FORMAL
    // Properties (tests/formal/run.sh): exactly one owner at all times; at most one owner may
    // take a beat, and only the owner; the token moves only to the next owner, only after the
    // owner took its last beat and its output was valid; the owner keeps it while not running
    // or while its output is not valid.
    reg f_past_valid = 1'b0;
    always @(posedge clk) f_past_valid <= 1'b1;
    always @(*) if (!f_past_valid) assume(rst);
    always @(*) if (f_past_valid) begin
        assert(own != 0 && (own & (own - 1'b1)) == 0);
        assert(ok == (run ? {N{1'b0}} : own)); // the register holds what it stands for
        assert((ok & ~own) == 0);
        assert(!run || ok == 0);
    end
    always @(posedge clk)
        if (f_past_valid && !$past(rst)) begin
            if (own != $past(own)) begin
                assert($past(run) && ($past(own) & $past(valid)) != 0);
                assert(own == {$past(own[N-2:0]), $past(own[N-1])});
                assert(!run);
            end
            if (!$past(run) && ($past(own) & $past(hs_last)) == 0) assert(!run && own == $past(own));
            if ($past(run) && ($past(own) & $past(valid)) == 0) assert(run && own == $past(own));
        end
`endif

endmodule

`resetall
