// tb_rnnc_mac_token: N owners in a ring, as lower_share builds them: owner 0 (the host) takes
// T beats per sequence (the last with tlast), each starting a job of random length; owners
// 1..N-1 (the guests) take one beat (tlast) per sequence from the owner before them. An owner
// offers a beat at random (valid held until taken) and takes it only while ok[k]; a job's
// "MAC use" lasts from its start to its result (output valid); a result waits for a random
// ready downstream; the host's jobs before a sequence's last emit nothing and start even while
// its previous result waits. Checks: ok is one-hot or zero and only at the owner; no two owners' jobs
// (MAC uses) overlap; owners take their sequences in ring order (host's, guest 1's, ...); every
// sequence goes through every owner; the token comes back (TB_SEQ sequences finish).
`resetall
`timescale 1ns / 1ps
`default_nettype none

module tb_rnnc_mac_token #(
    parameter integer N = 3,            // owners, as rnnc_mac_token
    parameter integer TB_T = 3,         // host beats per sequence
    parameter integer TB_SEQ = 200,     // sequences
    parameter integer TB_SEED = 1,      // random seed
    parameter TB_CASE = ""              // case name for messages
);
    reg clk = 1'b0;
    reg rst = 1'b1;
    always #5 clk = ~clk;
    reg [N-1:0] hs_last, valid;
    wire [N-1:0] ok, own;
    wire run;
    rnnc_mac_token #(.N(N)) dut (.clk(clk), .rst(rst), .hs_last(hs_last), .valid(valid), .ok(ok), .own(own), .run(run));

    integer seed, errors, cyc, k, busy_n, hseq;
    integer offered [0:N-1];    // beats offered and not yet taken (0/1)
    integer beat [0:N-1];       // beats taken in this sequence (host)
    integer left [0:N-1];       // cycles left of the running job (0: none)
    integer jlast [0:N-1];      // the running job is the sequence's last
    integer seqs [0:N-1];       // sequences each owner has finished
    integer pend [0:N-1];       // results waiting to be passed on (beats offered to the next)
    reg [N-1:0] take;
    initial begin
        seed = TB_SEED; errors = 0; cyc = 0; hseq = 0;
        hs_last = {N{1'b0}}; valid = {N{1'b0}};
        for (k = 0; k < N; k = k + 1) begin
            offered[k] = 0; beat[k] = 0; left[k] = 0; jlast[k] = 0; seqs[k] = 0; pend[k] = 0;
        end
        repeat (3) @(posedge clk);
        #1 rst = 1'b0;
        while (seqs[N-1] < TB_SEQ && cyc < TB_SEQ * 400) begin
            // inputs of this cycle: offers (held until taken), valid = a finished last job
            if (!offered[0] && hseq < TB_SEQ && ($unsigned($random(seed)) % 3) != 0)
                offered[0] = 1;
            for (k = 1; k < N; k = k + 1) if (!offered[k] && pend[k - 1] > 0) begin offered[k] = 1; pend[k - 1] = pend[k - 1] - 1; end
            take = {N{1'b0}};
            hs_last = {N{1'b0}};
            #1;
            if ((ok & (ok - 1'b1)) != 0 || (ok & ~own) != 0) begin
                errors = errors + 1;
                if (errors < 5) $display("MISMATCH %s cycle %0d: ok %b own %b", TB_CASE, cyc, ok, own);
            end
            for (k = 0; k < N; k = k + 1)
                // a job that emits waits for a free output register; the host's other jobs
                // (timesteps before the last) do not
                if (offered[k] && ok[k] && left[k] == 0 && (!valid[k] || (k == 0 && beat[0] != TB_T - 1))) begin
                    take[k] = 1'b1;
                    hs_last[k] = k > 0 || beat[0] == TB_T - 1;
                end
            #1;
            @(posedge clk);
            #1;
            cyc = cyc + 1;
            // jobs: count down; a last job's end raises valid; downstream takes it at random
            for (k = 0; k < N; k = k + 1) begin
                if (valid[k] && ($unsigned($random(seed)) % 4) != 0) begin
                    valid[k] = 1'b0;
                    seqs[k] = seqs[k] + 1;
                    if (k < N - 1) pend[k] = pend[k] + 1;
                end
                if (left[k] > 0) begin
                    left[k] = left[k] - 1;
                    if (left[k] == 0 && jlast[k]) valid[k] = 1'b1;
                end
                if (take[k]) begin
                    offered[k] = 0;
                    left[k] = 1 + $unsigned($random(seed)) % 6;
                    jlast[k] = hs_last[k];
                    if (k == 0) beat[0] = hs_last[k] ? 0 : beat[0] + 1;
                    if (k == 0 && hs_last[k]) hseq = hseq + 1;
                end
            end
            busy_n = 0;
            for (k = 0; k < N; k = k + 1) if (left[k] > 0 || take[k]) busy_n = busy_n + 1;
            if (busy_n > 1) begin
                errors = errors + 1;
                if (errors < 5) $display("MISMATCH %s cycle %0d: %0d owners use the MACs at once", TB_CASE, cyc, busy_n);
            end
            for (k = 1; k < N; k = k + 1)
                if (seqs[k] > seqs[k - 1]) begin
                    errors = errors + 1;
                    if (errors < 5) $display("MISMATCH %s cycle %0d: owner %0d ahead of owner %0d", TB_CASE, cyc, k, k - 1);
                end
            if (seqs[0] > seqs[N-1] + 2) begin
                errors = errors + 1;
                if (errors < 5) $display("MISMATCH %s cycle %0d: the host runs %0d sequences ahead", TB_CASE, cyc, seqs[0] - seqs[N-1]);
            end
        end
        if (seqs[N-1] < TB_SEQ) begin
            errors = errors + 1;
            $display("MISMATCH %s: only %0d of %0d sequences through every owner (the token did not come back)", TB_CASE,
                     seqs[N-1], TB_SEQ);
        end
        if (errors == 0) $display("RESULT PASS %0d sequences, %0d cycles", TB_SEQ, cyc);
        else $display("RESULT FAIL %0d errors", errors);
        $finish;
    end
endmodule

`resetall
