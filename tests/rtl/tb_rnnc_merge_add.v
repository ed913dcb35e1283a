// tb_rnnc_merge_add: rnnc_merge_add against the vectors of gen_vectors.c (lines "a b y", each
// packed, element 0 in the low bits: N, NB and NY elements; OP the merge mode). Streams a and b are offered with their own
// random valid, the output drained with random ready, in three phases (probabilities in %:
// 100/100/100, 50/70/50, 90/40/30). Checks every output beat in order (y, tlast = a's), that
// both inputs are taken together and only then, that a held output does not change, and that
// with everything valid and ready a beat passes every 2 cycles (latency 1, one job at a time).
`resetall
`timescale 1ns / 1ps
`default_nettype none

module tb_rnnc_merge_add #(
    parameter integer OP = 0,           // as rnnc_merge_add
    parameter integer N = 1,            // as rnnc_merge_add
    parameter integer NB = N,           // as rnnc_merge_add
    parameter integer A_W = 16,         // as rnnc_merge_add
    parameter integer A_F = 10,         // as rnnc_merge_add
    parameter integer A_SIGNED = 1,     // as rnnc_merge_add
    parameter integer B_W = 16,         // as rnnc_merge_add
    parameter integer B_F = 10,         // as rnnc_merge_add
    parameter integer B_SIGNED = 1,     // as rnnc_merge_add
    parameter integer OUT_W = 16,       // as rnnc_merge_add
    parameter integer OUT_F = 10,       // as rnnc_merge_add
    parameter integer OUT_SIGNED = 1,   // as rnnc_merge_add
    parameter integer ROUND = 0,        // as rnnc_merge_add
    parameter integer SATURATE = 0,     // as rnnc_merge_add
    parameter integer NY = OP == 3 ? N + NB : N,  // output elements
    parameter integer TB_N = 1,         // vectors (a multiple of 3: one third per phase)
    parameter TB_FILE = "",             // vector file
    parameter integer TB_SEED = 1,      // random seed
    parameter TB_CASE = ""              // case name for messages
);
    reg clk = 1'b0;
    reg rst = 1'b1;
    reg [N*A_W-1:0] va [0:TB_N-1];
    reg [NB*B_W-1:0] vb [0:TB_N-1];
    reg [NY*OUT_W-1:0] vy [0:TB_N-1];
    reg a_valid = 1'b0, b_valid = 1'b0, m_ready = 1'b0;
    reg [N*A_W-1:0] a_data = {N*A_W{1'b0}};
    reg [NB*B_W-1:0] b_data = {NB*B_W{1'b0}};
    reg a_last = 1'b0;
    wire a_ready, b_ready, m_valid, m_last;
    wire [NY*OUT_W-1:0] m_data;
    always #5 clk = ~clk;

    rnnc_merge_add #(.OP(OP), .N(N), .NB(NB), .A_W(A_W), .A_F(A_F), .A_SIGNED(A_SIGNED), .B_W(B_W), .B_F(B_F), .B_SIGNED(B_SIGNED),
                     .OUT_W(OUT_W), .OUT_F(OUT_F), .OUT_SIGNED(OUT_SIGNED), .ROUND(ROUND), .SATURATE(SATURATE)) dut (
        .clk(clk), .rst(rst), .s0_axis_tvalid(a_valid), .s0_axis_tready(a_ready), .s0_axis_tdata(a_data),
        .s0_axis_tlast(a_last), .s1_axis_tvalid(b_valid), .s1_axis_tready(b_ready), .s1_axis_tdata(b_data),
        .s1_axis_tlast(a_last), .m_axis_tvalid(m_valid), .m_axis_tready(m_ready), .m_axis_tdata(m_data),
        .m_axis_tlast(m_last));

    integer fd, k, r, seed, wa, wb, rd, errors, ph, cyc, full_start, full_end;
    integer pa [0:2];
    integer pb [0:2];
    integer pr [0:2];
    reg held, a_keep, b_keep;
    reg [NY*OUT_W-1:0] held_data;
    initial begin
        pa[0] = 100; pb[0] = 100; pr[0] = 100; pa[1] = 50; pb[1] = 70; pr[1] = 50; pa[2] = 90; pb[2] = 40; pr[2] = 30;
        fd = $fopen(TB_FILE, "r");
        if (fd == 0) begin
            $display("RESULT FAIL cannot open %0s", TB_FILE);
            $finish;
        end
        for (k = 0; k < TB_N; k = k + 1) begin
            r = $fscanf(fd, "%h %h %h\n", va[k], vb[k], vy[k]);
            if (r != 3) begin
                $display("RESULT FAIL short vector file at %0d", k);
                $finish;
            end
        end
        seed = TB_SEED; wa = 0; wb = 0; rd = 0; errors = 0; cyc = 0; full_start = -1; full_end = -1;
        held = 1'b0;
        a_keep = 1'b0;
        b_keep = 1'b0;
        repeat (3) @(posedge clk);
        #1 rst = 1'b0;
        for (ph = 0; ph < 3; ph = ph + 1) begin
            while (rd < (ph + 1) * (TB_N / 3)) begin
                // a new beat is offered only when the previous one was taken (valid stays high)
                if (!a_keep)
                    a_valid = wa < (ph + 1) * (TB_N / 3) && ($unsigned($random(seed)) % 100) < pa[ph];
                if (!b_keep)
                    b_valid = wb < (ph + 1) * (TB_N / 3) && ($unsigned($random(seed)) % 100) < pb[ph];
                a_data = va[wa % TB_N];
                a_last = (wa % 3) == 2;
                b_data = vb[wb % TB_N];
                m_ready = ($unsigned($random(seed)) % 100) < pr[ph];
                #1;
                if (held && !(m_valid && m_data === held_data)) begin
                    errors = errors + 1;
                    $display("MISMATCH rnnc_merge_add %0s: output changed while stalled", TB_CASE);
                end
                if ((a_valid && a_ready) !== (b_valid && b_ready)) begin
                    errors = errors + 1;
                    if (errors < 5) $display("MISMATCH rnnc_merge_add %0s: one input taken alone", TB_CASE);
                end
                if (m_valid && m_ready) begin
                    if (m_data !== vy[rd] || m_last !== ((rd % 3) == 2)) begin
                        errors = errors + 1;
                        if (errors < 5) $display("MISMATCH rnnc_merge_add %0s: beat %0d a=%h b=%h expected %h got %h last %0d",
                                                 TB_CASE, rd, va[rd], vb[rd], vy[rd], m_data, m_last);
                    end
                    if (ph == 0 && full_start < 0) full_start = cyc;
                    if (ph == 0) full_end = cyc;
                    rd = rd + 1;
                end
                held = m_valid && !m_ready;
                held_data = m_data;
                a_keep = a_valid && !a_ready;
                b_keep = b_valid && !b_ready;
                if (a_valid && a_ready) wa = wa + 1;
                if (b_valid && b_ready) wb = wb + 1;
                @(posedge clk);
                #1;
                cyc = cyc + 1;
                if (cyc > 200000) begin
                    $display("RESULT FAIL timeout: %0d out", rd);
                    $finish;
                end
            end
        end
        if (full_end - full_start != 2 * (TB_N / 3 - 1)) begin
            errors = errors + 1;
            $display("MISMATCH rnnc_merge_add %0s: %0d beats took %0d cycles at full rate", TB_CASE, TB_N / 3,
                     full_end - full_start + 1);
        end
        if (errors == 0) $display("RESULT PASS %0d vectors in 3 valid/ready patterns", TB_N);
        else $display("RESULT FAIL %0d errors", errors);
        $finish;
    end
endmodule

`resetall
