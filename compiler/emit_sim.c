/* emit_sim.c: Netlist -> DIR/files.f, the library modules in DIR/rtl, and the
 * test benches in DIR/sim/: a C header with the design's widths and timing, a Verilator
 * harness (main.cpp) and an Icarus Verilog testbench (tb_<model>.v).
 *
 * Both benches read DIR/sim/stim.hex (one input beat per line, hex, MSB first), stream it
 * back to back with the output always ready, and write lines "out HEX", "start K CYCLE"
 * (first beat of sequence K taken) and "end K CYCLE" (last output beat of sequence K).
 *
 * Stall mode (+stall=SEED): a xorshift32 generator seeded from SEED (the same sequence of draws
 * in both benches) leaves random gaps before each input beat is offered and drives m_axis_tready
 * at random; every 32 cycles it draws new odds for each side (1/9..8/9), so bursts at full rate
 * and long stalls both occur. The bench keeps AXI-Stream's rules itself: once s_axis_tvalid is
 * high it stays high with the same tdata until taken; while it is low, tdata carries garbage.
 * Both benches check the design's output side in every mode: a beat offered and not taken must
 * stay offered with the same tdata/tlast ("protocol CYCLE ..." lines; the run stops there), and
 * they end with "stalls IN_GAPS OUT_WAITS" (cycles an input beat was held back, cycles an output
 * beat waited). A run with no transfer on either side for RNNC_WATCHDOG_CYCLES stops (a design
 * that lost a beat would otherwise wait for it until the cycle limit). */
#include "rnnc.h"

#include <string.h>

static const char *const lib_modules[] = {"rnnc_quant", "rnnc_product", "rnnc_mac", "rnnc_add2", "rnnc_sum_stage",
                                          "rnnc_max_stage", "rnnc_adder_tree", "rnnc_job_ctrl",
                                          "rnnc_flatten", "rnnc_reverse", "rnnc_rom", "rnnc_rom_split", "rnnc_activation",
                                          "rnnc_lstm_cell", "rnnc_gru_blend", "rnnc_gru_cell",
                                          "rnnc_gru_reset", "rnnc_gru_update", "rnnc_stream_fork",
                                          "rnnc_merge_add", "rnnc_sat_sum", "rnnc_mac_sat", "rnnc_lstm_cell_serial",
                                          "rnnc_gru_cell_serial", "rnnc_mac_token", "rnnc_lut_mul", "rnnc_write_first",
                                          NULL};

static bool lib_needed(const Netlist *n, const char *mod)
{
    /* every design: rnnc_adder_tree instantiates both stages (one in a branch it does not take),
     * rnnc_sum_stage its CHAIN form's adders, rnnc_product its LOGIC form's rnnc_lut_mul */
    static const char *const always[] = {"rnnc_quant", "rnnc_product", "rnnc_lut_mul", "rnnc_add2", "rnnc_sum_stage",
                                         "rnnc_max_stage", "rnnc_adder_tree", "rnnc_job_ctrl", "rnnc_activation", NULL};
    for (int i = 0; always[i]; i++)
        if (!strcmp(mod, always[i])) return true;
    if (!strcmp(mod, "rnnc_rom_split")) return res_rom_split_used(n);
    for (int i = RNNC_INPUT; i < n->n; i++) {
        Sink sk[2];
        if (!strcmp(mod, "rnnc_stream_fork") && stream_sinks(n, i, sk, 2) > 1) return true;
    }
    for (int i = 0; i < n->n; i++) {
        const Engine *e = &n->eng[i];
        if (!strcmp(mod, "rnnc_merge_add") && e->kind == ENG_MERGE) return true;
        if (!strcmp(mod, "rnnc_write_first") && e->kind == ENG_CELL && e->h_fwd) return true;
        if (!strcmp(mod, "rnnc_mac_token") && e->mac_owner == 1) return true;
        if (!strcmp(mod, "rnnc_sat_sum") && (e->mvm.sat_order || e->mvm2.sat_order || e->sm_sat_order)) return true;
        bool rf = (e->mvm.outs && e->mvm.rf > 1) || (e->mvm2.outs && e->mvm2.rf > 1);
        bool sat = e->mvm.sat_order || e->mvm2.sat_order;
        if (!strcmp(mod, "rnnc_mac") && rf && !sat) return true;
        if (!strcmp(mod, "rnnc_mac_sat") && rf) return true; /* rnnc_mac is rnnc_mac_sat uncast */
        if (!strcmp(mod, "rnnc_rom") && rf) return true;
        if (!strcmp(mod, "rnnc_flatten") && e->kind == ENG_FLATTEN) return true;
        if (!strcmp(mod, "rnnc_reverse") && e->kind == ENG_REVERSE) return true;
        bool serial = e->kind == ENG_CELL && e->lane_ii > 1;
        if (!strcmp(mod, serial ? "rnnc_lstm_cell_serial" : "rnnc_lstm_cell") && e->kind == ENG_CELL &&
            e->layer->kind == L_LSTM)
            return true;
        bool gru = e->kind == ENG_CELL && e->layer->kind == L_GRU;
        if (!strcmp(mod, serial ? "rnnc_gru_cell_serial" : "rnnc_gru_cell") && gru && e->layer->reset_after) return true;
        if (!strcmp(mod, "rnnc_gru_blend") && gru) return true;
        if ((!strcmp(mod, "rnnc_gru_reset") || !strcmp(mod, "rnnc_gru_update")) && gru && !e->layer->reset_after)
            return true;
    }
    return false;
}

static void emit_files_f(const Netlist *n, const char *dir)
{
    FILE *f = xfopen_w(dir, "files.f");
    char from[4096], rel[300];
    for (int i = 0; lib_modules[i]; i++) {
        if (!lib_needed(n, lib_modules[i])) continue;
        snprintf(from, sizeof from, "%s/rtl_lib/%s.v", rnnc_datadir(), lib_modules[i]);
        snprintf(rel, sizeof rel, "rtl/%s.v", lib_modules[i]);
        copy_file(from, dir, rel);
        fprintf(f, "%s\n", rel);
    }
    for (int i = 0; i < n->n; i++) fprintf(f, "rtl/%s.v\n", n->eng[i].name);
    fprintf(f, "rtl/%s.v\n", n->model->name);
    xfclose(f);
}

static int in_bits(const Model *m) { return m->features * m->input_type.w; }
static int out_bits(const Model *m) { return m->out_feat * m->out_type.w; }

/* cycles with no transfer after which a bench gives up: far beyond any wait of a working design */
static long watchdog_cycles(const Schedule *s) { return 16 * (s->latency_cycles + s->ii_cycles) + 1000; }

static void emit_header(const Netlist *n, const Schedule *s, const char *dir)
{
    const Model *m = n->model;
    char rel[300];
    snprintf(rel, sizeof rel, "sim/%s_tb.h", m->name);
    FILE *f = xfopen_w(dir, rel);
    fprintf(f, "/* Generated by rnnc %s: the shape and timing of design %s, for test benches. */\n", RNNC_VERSION, m->name);
    fprintf(f, "#ifndef RNNC_TB_%s_H\n#define RNNC_TB_%s_H\n", m->name, m->name);
    fprintf(f, "#define RNNC_TIMESTEPS %d\n#define RNNC_FEATURES %d\n", m->timesteps, m->features);
    fprintf(f, "#define RNNC_IN_BITS %d\n#define RNNC_IN_ELEM_BITS %d\n", in_bits(m), m->input_type.w);
    fprintf(f, "#define RNNC_OUT_BITS %d\n#define RNNC_OUT_ELEM_BITS %d\n#define RNNC_OUTPUTS %d\n", out_bits(m),
            m->out_type.w, m->out_feat);
    fprintf(f, "#define RNNC_OUT_BEATS_PER_SEQ %d\n", m->out_seq ? m->out_steps : 1);
    fprintf(f, "#define RNNC_LATENCY_CYCLES %ld\n#define RNNC_II_CYCLES %ld\n", s->latency_cycles, s->ii_cycles);
    fprintf(f, "#define RNNC_WATCHDOG_CYCLES %ldL\n", watchdog_cycles(s));
    fprintf(f, "#endif\n");
    xfclose(f);
}

/* Verilator port access: CData/SData/IData/QData for up to 64 bits, VlWide beyond. */
static void port_set(FILE *f, const char *port, int bits)
{
    if (bits <= 32) fprintf(f, "    t->%s = w[0];\n", port);
    else if (bits <= 64) fprintf(f, "    t->%s = (uint64_t)w[0] | ((uint64_t)w[1] << 32);\n", port);
    else fprintf(f, "    for (int i = 0; i < %d; i++) t->%s[i] = w[i];\n", (bits + 31) / 32, port);
}

static void port_get(FILE *f, const char *port, int bits)
{
    if (bits <= 32) fprintf(f, "    w[0] = t->%s;\n", port);
    else if (bits <= 64) fprintf(f, "    w[0] = (uint32_t)t->%s; w[1] = (uint32_t)(t->%s >> 32);\n", port, port);
    else fprintf(f, "    for (int i = 0; i < %d; i++) w[i] = t->%s[i];\n", (bits + 31) / 32, port);
}

static void verilator_main_fn(FILE *f, const char *nm);

static void emit_verilator_main(const Netlist *n, const char *dir)
{
    const Model *m = n->model;
    FILE *f = xfopen_w(dir, "sim/main.cpp");
    const char *nm = m->name;
    fprintf(f, "// Generated by rnnc %s: Verilator harness for %s.\n", RNNC_VERSION, nm);
    fprintf(f, "// usage: V%s STIM.hex OUT.txt N_OUT_BEATS [+stall=SEED] [+waves=W.fst]   (run from the output\n"
               "// directory: mem/ is relative; +waves when built with --trace-fst)\n", nm);
    fprintf(f, "#include \"V%s.h\"\n#include \"verilated.h\"\n#include \"%s_tb.h\"\n", nm, nm);
    fprintf(f, "#include <cstdint>\n#include <cstdio>\n#include <cstdlib>\n#include <cstring>\n#include <string>\n#include <vector>\n\n");
    fprintf(f, "static const int IN_WORDS = (RNNC_IN_BITS + 31) / 32, OUT_WORDS = (RNNC_OUT_BITS + 31) / 32;\n\n");
    /* waveforms: built with --trace-fst, +waves=FILE writes an FST of the run (rnnc --waves) */
    fprintf(f, "#if VM_TRACE\n#include \"verilated_fst_c.h\"\nstatic VerilatedFstC *waves;\nstatic uint64_t wave_time;\n"
               "#define DUMP() do { if (waves) waves->dump(wave_time += 5); } while (0)\n#else\n#define DUMP() do { } while (0)\n#endif\n\n");
    fprintf(f, "static void set_in(V%s *t, const uint32_t *w) {\n", nm);
    port_set(f, "s_axis_tdata", in_bits(m));
    fprintf(f, "}\n\nstatic void get_out(V%s *t, uint32_t *w) {\n", nm);
    port_get(f, "m_axis_tdata", out_bits(m));
    fprintf(f, "}\n\n");
    fprintf(f, "static bool parse_hex(const char *s, uint32_t *w, int words) {\n"
               "    std::memset(w, 0, sizeof(uint32_t) * words);\n"
               "    int len = (int)std::strlen(s);\n"
               "    while (len > 0 && (s[len - 1] == '\\n' || s[len - 1] == '\\r' || s[len - 1] == ' ')) len--;\n"
               "    if (len == 0) return false;\n"
               "    for (int i = 0; i < len; i++) {\n"
               "        char c = s[len - 1 - i];\n"
               "        int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;\n"
               "        if (v < 0) return false;\n"
               "        if (i / 8 < words) w[i / 8] |= (uint32_t)v << (4 * (i %% 8));\n"
               "    }\n"
               "    return true;\n}\n\n");
    fprintf(f, "static uint32_t rng = 1;  // xorshift32: the stall pattern (the Icarus bench draws the same)\n"
               "static uint32_t rnd() { rng ^= rng << 13; rng ^= rng >> 17; rng ^= rng << 5; return rng; }\n\n");
    verilator_main_fn(f, nm);
    xfclose(f);
}

/* main.cpp's main(): reads the stimulus, drives s_axis (with +stall=SEED: random gaps), takes
 * m_axis (random backpressure), checks m_axis's AXI-Stream rules, writes out/start/end lines. */
static void verilator_main_fn(FILE *f, const char *nm)
{
    fprintf(f, "int main(int argc, char **argv) {\n"
               "    if (argc < 4) { std::fprintf(stderr, \"usage: %%s STIM OUT N_OUT_BEATS [+stall=SEED]\\n\", argv[0]); return 2; }\n"
               "    long stall = -1;  // +stall=SEED: random input gaps and output backpressure\n"
               "    for (int i = 4; i < argc; i++)\n"
               "        if (!std::strncmp(argv[i], \"+stall=\", 7)) stall = std::atol(argv[i] + 7);\n"
               "    if (stall >= 0) { rng = (uint32_t)stall * 2654435761u ^ 0x9e3779b9u; if (!rng) rng = 1; }\n"
               "    FILE *in = std::fopen(argv[1], \"r\");\n"
               "    if (!in) { std::perror(argv[1]); return 2; }\n"
               "    std::vector<std::vector<uint32_t>> beats;\n"
               "    char line[1 << 16];\n"
               "    while (std::fgets(line, sizeof line, in)) {\n"
               "        std::vector<uint32_t> w(IN_WORDS);\n"
               "        if (parse_hex(line, w.data(), IN_WORDS)) beats.push_back(w);\n"
               "    }\n"
               "    std::fclose(in);\n"
               "    long n_out = std::atol(argv[3]);\n"
               "    FILE *out = std::fopen(argv[2], \"w\");\n"
               "    if (!out) { std::perror(argv[2]); return 2; }\n"
               "    const std::unique_ptr<VerilatedContext> ctx{new VerilatedContext};\n"
               "    ctx->commandArgs(argc, argv);\n"
               "    V%s *t = new V%s{ctx.get()};\n"
               "#if VM_TRACE\n"
               "    const char *w = ctx->commandArgsPlusMatch(\"waves=\");\n"
               "    if (*w) {\n"
               "        ctx->traceEverOn(true);\n        waves = new VerilatedFstC;\n        t->trace(waves, 99);\n"
               "        waves->open(w + 7);\n    }\n"
               "#endif\n"
               "    t->clk = 0; t->rst = 1; t->s_axis_tvalid = 0; t->s_axis_tlast = 0; t->m_axis_tready = 1;\n"
               "    for (int i = 0; i < 4; i++) { t->clk = 0; t->eval(); DUMP(); t->clk = 1; t->eval(); DUMP(); }\n"
               "    t->rst = 0;\n"
               "    size_t bi = 0;\n"
               "    long got = 0, cyc = 0, limit = 2000000000L, in_gaps = 0, out_waits = 0, idle = 0;\n"
               "    uint32_t in_level = 7, out_level = 7;\n"
               "    bool offer = false, waiting = false;  // waiting: an output beat was offered and not taken\n"
               "    std::vector<uint32_t> ow(OUT_WORDS), held(OUT_WORDS), junk(IN_WORDS);\n"
               "    int held_last = 0;\n"
               "    const uint32_t top_mask = RNNC_IN_BITS %% 32 ? (1u << (RNNC_IN_BITS %% 32)) - 1 : ~0u;\n"
               "    bool broken = false;\n"
               "    while (got < n_out && cyc < limit && !broken && idle < RNNC_WATCHDOG_CYCLES) {\n"
               "        t->clk = 0;\n"
               "        if (stall >= 0 && cyc %% 32 == 0) { in_level = rnd() %% 8; out_level = rnd() %% 8; }\n"
               "        // AXI-Stream: once offered, a beat stays offered (same data) until taken\n"
               "        if (!offer) offer = bi < beats.size() && (stall < 0 || rnd() %% 9 <= in_level);\n"
               "        t->s_axis_tvalid = offer;\n"
               "        if (offer) set_in(t, beats[bi].data());\n"
               "        else if (stall >= 0) {  // no beat offered: garbage on tdata\n"
               "            uint32_t r = rnd();\n"
               "            for (int i = 0; i < IN_WORDS; i++) junk[i] = (bi < beats.size() ? beats[bi][i] : 0) ^ r;\n"
               "            junk[IN_WORDS - 1] &= top_mask;\n"
               "            set_in(t, junk.data());\n"
               "            if (bi < beats.size()) in_gaps++;\n"
               "        }\n"
               "        t->s_axis_tlast = bi %% RNNC_TIMESTEPS == RNNC_TIMESTEPS - 1;\n"
               "        t->m_axis_tready = stall < 0 || rnd() %% 9 <= out_level;\n"
               "        t->eval();\n"
               "        DUMP();\n"
               "        get_out(t, ow.data());\n"
               "        if (waiting && (!t->m_axis_tvalid || ow != held || t->m_axis_tlast != held_last)) {\n"
               "            std::fprintf(out, \"protocol %%ld m_axis_tvalid dropped or m_axis_tdata/tlast changed before m_axis_tready\\n\", cyc);\n"
               "            broken = true;\n"
               "        }\n"
               "        idle = (t->m_axis_tvalid && t->m_axis_tready) || (t->s_axis_tvalid && t->s_axis_tready) ? 0 : idle + 1;\n"
               "        waiting = t->m_axis_tvalid && !t->m_axis_tready;\n"
               "        if (waiting) { held = ow; held_last = t->m_axis_tlast; out_waits++; }\n"
               "        if (t->m_axis_tvalid && t->m_axis_tready) {\n"
               "            std::fprintf(out, \"out \");\n"
               "            for (int i = OUT_WORDS - 1; i >= 0; i--) std::fprintf(out, \"%%08x\", ow[i]);\n"
               "            std::fprintf(out, \"\\n\");\n"
               "            got++;\n"
               "            if (got %% RNNC_OUT_BEATS_PER_SEQ == 0) std::fprintf(out, \"end %%ld %%ld\\n\", got / RNNC_OUT_BEATS_PER_SEQ - 1, cyc);\n"
               "        }\n"
               "        if (t->s_axis_tvalid && t->s_axis_tready) {\n"
               "            if (bi %% RNNC_TIMESTEPS == 0) std::fprintf(out, \"start %%ld %%ld\\n\", (long)(bi / RNNC_TIMESTEPS), cyc);\n"
               "            bi++;\n"
               "            offer = false;\n"
               "        }\n"
               "        t->clk = 1;\n"
               "        t->eval();\n"
               "        DUMP();\n"
               "        cyc++;\n"
               "    }\n"
               "    std::fprintf(out, \"stalls %%ld %%ld\\n\", in_gaps, out_waits);\n"
               "    t->final();\n"
               "#if VM_TRACE\n    if (waves) waves->close();\n#endif\n"
               "    delete t;\n"
               "    std::fclose(out);\n"
               "    if (got < n_out) {\n"
               "        std::fprintf(stderr, \"%%s after %%ld cycles: %%ld of %%ld output beats\\n\", broken ? \"AXI-Stream violation on m_axis\" :\n"
               "                     idle >= RNNC_WATCHDOG_CYCLES ? \"no transfer for RNNC_WATCHDOG_CYCLES cycles\" : \"timeout\", cyc, got, n_out);\n"
               "        return 1;\n    }\n"
               "    return 0;\n}\n", nm, nm);
}

static void emit_icarus_tb(const Netlist *n, const Schedule *s, const char *dir)
{
    const Model *m = n->model;
    char rel[300];
    snprintf(rel, sizeof rel, "sim/tb_%s.v", m->name);
    FILE *f = xfopen_w(dir, rel);
    int ib = in_bits(m), ob = out_bits(m), T = m->timesteps, ops = m->out_seq ? m->out_steps : 1;
    fprintf(f, "// Generated by rnnc %s: Icarus Verilog testbench for %s.\n", RNNC_VERSION, m->name);
    fprintf(f, "// usage: vvp tb.vvp +stim=sim/stim.hex +out=OUT.txt +nout=N [+stall=SEED] [+waves=W.vcd]   (from the output directory)\n");
    fprintf(f, "`timescale 1ns / 1ps\n`default_nettype none\n\nmodule tb_%s;\n", m->name);
    fprintf(f, "    localparam TIMESTEPS = %d, OUT_BEATS_PER_SEQ = %d, WATCHDOG_CYCLES = %ld;\n", T, ops, watchdog_cycles(s));
    fprintf(f, "    reg clk = 1'b0, rst = 1'b1;\n    reg s_valid = 1'b0, s_last = 1'b0, m_ready = 1'b1;\n");
    fprintf(f, "    reg [%d:0] s_data = %d'd0;\n    wire s_ready, m_valid, m_last;\n    wire [%d:0] m_data;\n", ib - 1, ib, ob - 1);
    fprintf(f, "    %s #(.MEM_PATH(\"mem/\")) dut (.clk(clk), .rst(rst), .s_axis_tvalid(s_valid), .s_axis_tready(s_ready), "
               ".s_axis_tdata(s_data), .s_axis_tlast(s_last), .m_axis_tvalid(m_valid), .m_axis_tready(m_ready), "
               ".m_axis_tdata(m_data), .m_axis_tlast(m_last));\n", m->name);
    fprintf(f, "    always #5 clk = ~clk;\n");
    fprintf(f, "    reg [8*1024-1:0] stim_path, out_path, wave_path;\n    integer fd, fo, r, nout, got, bi, cyc, stall, in_gaps, out_waits, idle;\n"
               "    reg have, offer, waiting, held_last, broken;\n    reg [%d:0] cur;\n    reg [%d:0] held;\n", ib - 1, ob - 1);
    /* the stall pattern: xorshift32, the same draws in the same order as main.cpp */
    fprintf(f, "    reg [31:0] rng, in_level, out_level;\n");
    fprintf(f, "    task draw;\n        begin\n            rng = rng ^ (rng << 13);\n            rng = rng ^ (rng >> 17);\n"
               "            rng = rng ^ (rng << 5);\n        end\n    endtask\n");
    /* waveforms: +waves=FILE writes a VCD of the run (rnnc --waves) */
    fprintf(f, "    initial if ($value$plusargs(\"waves=%%s\", wave_path)) begin\n        $dumpfile(wave_path);\n"
               "        $dumpvars(0, tb_%s);\n    end\n", m->name);
    fprintf(f, "    initial begin\n");
    fprintf(f, "        if (!$value$plusargs(\"stim=%%s\", stim_path) || !$value$plusargs(\"out=%%s\", out_path) ||\n"
               "            !$value$plusargs(\"nout=%%d\", nout)) begin\n"
               "            $display(\"usage: +stim=FILE +out=FILE +nout=N [+stall=SEED]\");\n            $finish;\n        end\n");
    fprintf(f, "        if (!$value$plusargs(\"stall=%%d\", stall)) stall = -1;\n");
    fprintf(f, "        rng = stall;\n        rng = rng * 32'd2654435761 ^ 32'h9e3779b9;\n        if (rng == 0) rng = 1;\n");
    fprintf(f, "        fd = $fopen(stim_path, \"r\");\n        fo = $fopen(out_path, \"w\");\n");
    fprintf(f, "        r = $fscanf(fd, \"%%h\\n\", cur);\n        have = r == 1;\n");
    fprintf(f, "        got = 0; bi = 0; cyc = 0; in_gaps = 0; out_waits = 0;\n"
               "        in_level = 7; out_level = 7; offer = 1'b0; waiting = 1'b0; held_last = 1'b0; broken = 1'b0; idle = 0;\n");
    fprintf(f, "        repeat (4) @(posedge clk);\n        @(negedge clk) rst = 1'b0;\n");
    fprintf(f, "        while (got < nout && cyc < 100000000 && !broken && idle < WATCHDOG_CYCLES) begin\n");
    fprintf(f, "            if (stall >= 0 && cyc %% 32 == 0) begin\n                draw;\n                in_level = rng %% 8;\n"
               "                draw;\n                out_level = rng %% 8;\n            end\n");
    fprintf(f, "            // AXI-Stream: once offered, a beat stays offered (same data) until taken\n");
    fprintf(f, "            if (!offer && have) begin\n                if (stall < 0) offer = 1'b1;\n"
               "                else begin\n                    draw;\n                    offer = rng %% 9 <= in_level;\n"
               "                end\n            end\n");
    fprintf(f, "            s_valid = offer;\n            s_data = cur;\n");
    fprintf(f, "            if (!offer && stall >= 0) begin  // no beat offered: garbage on tdata\n                draw;\n"
               "                s_data = cur ^ {%d{rng}};\n                if (have) in_gaps = in_gaps + 1;\n            end\n",
            (ib + 31) / 32);
    fprintf(f, "            s_last = (bi %% TIMESTEPS) == TIMESTEPS - 1;\n");
    fprintf(f, "            if (stall < 0) m_ready = 1'b1;\n            else begin\n                draw;\n"
               "                m_ready = rng %% 9 <= out_level;\n            end\n");
    fprintf(f, "            #1;\n");
    fprintf(f, "            if (waiting && (!m_valid || m_data !== held || m_last !== held_last)) begin\n"
               "                $fdisplay(fo, \"protocol %%0d m_axis_tvalid dropped or m_axis_tdata/tlast changed before m_axis_tready\", cyc);\n"
               "                broken = 1'b1;\n            end\n");
    fprintf(f, "            idle = (m_valid && m_ready) || (s_valid && s_ready) ? 0 : idle + 1;\n");
    fprintf(f, "            waiting = m_valid && !m_ready;\n");
    fprintf(f, "            if (waiting) begin\n                held = m_data;\n                held_last = m_last;\n"
               "                out_waits = out_waits + 1;\n            end\n");
    fprintf(f, "            if (m_valid && m_ready) begin\n                $fdisplay(fo, \"out %%h\", m_data);\n                got = got + 1;\n");
    fprintf(f, "                if (got %% OUT_BEATS_PER_SEQ == 0) $fdisplay(fo, \"end %%0d %%0d\", got / OUT_BEATS_PER_SEQ - 1, cyc);\n            end\n");
    fprintf(f, "            if (s_valid && s_ready) begin\n");
    fprintf(f, "                if (bi %% TIMESTEPS == 0) $fdisplay(fo, \"start %%0d %%0d\", bi / TIMESTEPS, cyc);\n");
    fprintf(f, "                bi = bi + 1;\n                offer = 1'b0;\n                r = $fscanf(fd, \"%%h\\n\", cur);\n                have = r == 1;\n            end\n");
    fprintf(f, "            @(negedge clk);\n            cyc = cyc + 1;\n        end\n");
    fprintf(f, "        $fdisplay(fo, \"stalls %%0d %%0d\", in_gaps, out_waits);\n");
    fprintf(f, "        if (got < nout) $display(\"%%0s after %%0d cycles: %%0d of %%0d output beats\", broken ? \"AXI-Stream violation on m_axis\" :\n"
               "                                 idle >= WATCHDOG_CYCLES ? \"no transfer for WATCHDOG_CYCLES cycles\" : \"timeout\", cyc, got, nout);\n");
    fprintf(f, "        $fclose(fd);\n        $fclose(fo);\n        $finish;\n    end\n");
    fprintf(f, "    // m_last is checked by the compiler's comparison through the beat count\n");
    fprintf(f, "    wire unused_last = m_last;\nendmodule\n");
    xfclose(f);
}

/* Verilator harness for the UART front end (<model>_uart): the host's side of the serial line.
 * Sends each sequence's beats as bytes (LSB first, 8N1), waits for the sequence's output bytes,
 * decodes them from the tx line. Same output format as main.cpp (no timing lines). */
static void emit_uart_main(const Netlist *n, const char *dir)
{
    const Model *m = n->model;
    FILE *f = xfopen_w(dir, "sim/uart_main.cpp");
    const char *nm = m->name;
    int ib = in_bits(m), ob = out_bits(m);
    fprintf(f, "// Generated by rnnc %s: Verilator harness for %s_uart (the serial front end).\n", RNNC_VERSION, nm);
    fprintf(f, "// usage: V%s_uart STIM.hex OUT.txt N_OUT_BEATS   (built with -GCLKS_PER_BIT=%d)\n", nm, RNNC_UART_SIM_CPB);
    fprintf(f, "//        V%s_uart --pty LINK [SECONDS]   a virtual board: the design on a pseudo-terminal\n"
               "//        (LINK, a symlink to it) for `rnnc MODEL --board LINK IN.txt`, for SECONDS (default 60)\n", nm);
    fprintf(f, "#include \"V%s_uart.h\"\n#include \"verilated.h\"\n", nm);
    fprintf(f, "#include <cstdint>\n#include <cstdio>\n#include <cstdlib>\n#include <cstring>\n#include <ctime>\n#include <memory>\n"
               "#include <vector>\n#include <fcntl.h>\n#include <termios.h>\n#include <unistd.h>\n\n");
    fprintf(f, "static const int CPB = %d, IN_BYTES = %d, OUT_BYTES = %d, TIMESTEPS = %d, OUT_PER_SEQ = %d;\n",
            RNNC_UART_SIM_CPB, (ib + 7) / 8, (ob + 7) / 8, m->timesteps, m->out_seq ? m->out_steps : 1);
    fprintf(f, "static V%s_uart *t;\nstatic long cyc;\n", nm);
    fprintf(f, "static std::vector<int> rx_bytes;   // bytes decoded from the FPGA's tx line\n");
    fprintf(f, "static int mon_state = 0, mon_count = 0, mon_bit = 0, mon_byte = 0;\n\n");
    fprintf(f, "static void tick() {\n"
               "    t->clk = 0; t->eval(); t->clk = 1; t->eval(); cyc++;\n"
               "    int tx = t->uart_tx;  // the monitor samples mid-bit\n"
               "    if (mon_state == 0) { if (!tx) { mon_state = 1; mon_count = CPB / 2; } }\n"
               "    else if (--mon_count == 0) {\n"
               "        mon_count = CPB;\n"
               "        if (mon_state == 1) { mon_state = tx ? 0 : 2; mon_bit = 0; mon_byte = 0; }\n"
               "        else if (mon_state == 2) { mon_byte |= tx << mon_bit; if (++mon_bit == 8) mon_state = 3; }\n"
               "        else { if (tx) rx_bytes.push_back(mon_byte); mon_state = 0; }\n"
               "    }\n}\n\n");
    fprintf(f, "static void send_byte(int b) {\n"
               "    int frame = (b << 1) | (1 << 9);  // start 0, 8 data bits LSB first, stop 1\n"
               "    for (int i = 0; i < 10; i++) { t->uart_rx = (frame >> i) & 1; for (int k = 0; k < CPB; k++) tick(); }\n"
               "}\n\n");
    /* the virtual board: bytes from the pty's master side go out on uart_rx as they come (one
     * frame at a time), bytes decoded from uart_tx go back; the harness holds the slave side
     * open itself, in raw mode, so nothing is echoed and the master never sees a hang-up */
    fprintf(f, "static void reset_design() {\n"
               "    t->uart_rx = 1; t->rst = 1;\n    for (int i = 0; i < 8; i++) tick();\n    t->rst = 0;\n"
               "    for (int i = 0; i < 4 * CPB; i++) tick();\n}\n\n");
    fprintf(f, "static int serve_pty(const char *link, long seconds) {\n"
               "    int mfd = posix_openpt(O_RDWR | O_NOCTTY);\n"
               "    if (mfd < 0 || grantpt(mfd) || unlockpt(mfd)) { std::perror(\"posix_openpt\"); return 2; }\n"
               "    const char *slave = ptsname(mfd);\n"
               "    int sfd = slave ? open(slave, O_RDWR | O_NOCTTY) : -1;\n"
               "    struct termios tio;\n"
               "    if (sfd < 0 || tcgetattr(sfd, &tio)) { std::perror(\"pty\"); return 2; }\n"
               "    cfmakeraw(&tio);\n    tcsetattr(sfd, TCSANOW, &tio);\n"
               "    fcntl(mfd, F_SETFL, fcntl(mfd, F_GETFL) | O_NONBLOCK);\n"
               "    unlink(link);\n    if (symlink(slave, link)) { std::perror(link); return 2; }\n"
               "    std::printf(\"%%s -> %%s\\n\", link, slave);\n    std::fflush(stdout);\n"
               "    reset_design();\n"
               "    std::time_t end = std::time(nullptr) + seconds;\n"
               "    size_t sent = 0;\n    int frame = 0, bit = 10, count = 0;  // bit 10: the line is idle\n"
               "    for (;;) {\n"
               "        if (bit == 10) {\n"
               "            unsigned char b;\n"
               "            if (read(mfd, &b, 1) == 1) { frame = (b << 1) | (1 << 9); bit = 0; count = 0; }\n"
               "            else if ((cyc & 0xfff) == 0 && std::time(nullptr) >= end) break;\n"
               "        }\n"
               "        t->uart_rx = bit < 10 ? (frame >> bit) & 1 : 1;\n"
               "        if (bit < 10 && ++count == CPB) { count = 0; bit++; }\n"
               "        tick();\n"
               "        while (sent < rx_bytes.size()) {\n"
               "            unsigned char b = (unsigned char)rx_bytes[sent];\n"
               "            if (write(mfd, &b, 1) != 1) break;\n            sent++;\n        }\n"
               "    }\n"
               "    unlink(link);\n    close(sfd);\n    close(mfd);\n    return 0;\n}\n\n");
    fprintf(f, "static int hexval(char c) { return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : "
               "c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1; }\n\n");
    fprintf(f, "int main(int argc, char **argv) {\n"
               "    if (argc >= 3 && !std::strcmp(argv[1], \"--pty\")) {\n"
               "        const std::unique_ptr<VerilatedContext> ctx{new VerilatedContext};\n"
               "        t = new V%s_uart{ctx.get()};\n"
               "        int rc = serve_pty(argv[2], argc > 3 ? std::atol(argv[3]) : 60);\n"
               "        t->final();\n        delete t;\n        return rc;\n    }\n"
               "    if (argc < 4) { std::fprintf(stderr, \"usage: %%s STIM OUT N_OUT_BEATS\\n\", argv[0]); return 2; }\n"
               "    FILE *in = std::fopen(argv[1], \"r\");\n    if (!in) { std::perror(argv[1]); return 2; }\n"
               "    std::vector<std::vector<int>> beats;\n    char line[1 << 16];\n"
               "    while (std::fgets(line, sizeof line, in)) {\n"
               "        int len = (int)std::strcspn(line, \"\\r\\n \");\n        if (!len) continue;\n"
               "        std::vector<int> bytes(IN_BYTES, 0);\n"
               "        for (int i = 0; i < len; i++) { int v = hexval(line[len - 1 - i]); if (v < 0) return 2; "
               "if (i / 2 < IN_BYTES) bytes[i / 2] |= v << (4 * (i %% 2)); }\n"
               "        beats.push_back(bytes);\n    }\n    std::fclose(in);\n"
               "    long n_out = std::atol(argv[3]);\n"
               "    const std::unique_ptr<VerilatedContext> ctx{new VerilatedContext};\n"
               "    t = new V%s_uart{ctx.get()};\n"
               "    reset_design();\n"
               "    size_t per_seq = TIMESTEPS;\n    long want = 0;\n"
               "    for (size_t b0 = 0; b0 < beats.size(); b0 += per_seq) {\n"
               "        for (size_t b = b0; b < b0 + per_seq && b < beats.size(); b++)\n"
               "            for (int k = 0; k < IN_BYTES; k++) send_byte(beats[b][k]);\n"
               "        want += (long)OUT_PER_SEQ * OUT_BYTES;  // the host waits for this sequence's outputs\n"
               "        long limit = cyc + 200000000L;\n"
               "        while ((long)rx_bytes.size() < want && cyc < limit) tick();\n"
               "        if ((long)rx_bytes.size() < want) { std::fprintf(stderr, \"timeout: %%zu of %%ld output bytes\\n\", rx_bytes.size(), want); return 1; }\n"
               "    }\n"
               "    for (int i = 0; i < 20 * CPB; i++) tick();\n"
               "    FILE *out = std::fopen(argv[2], \"w\");\n    if (!out) { std::perror(argv[2]); return 2; }\n"
               "    if ((long)rx_bytes.size() != n_out * OUT_BYTES) std::fprintf(stderr, \"%%zu output bytes, expected %%ld\\n\", rx_bytes.size(), n_out * OUT_BYTES);\n"
               "    for (size_t b = 0; b + OUT_BYTES <= rx_bytes.size(); b += OUT_BYTES) {\n"
               "        std::fprintf(out, \"out \");\n"
               "        for (int k = OUT_BYTES - 1; k >= 0; k--) std::fprintf(out, \"%%02x\", rx_bytes[b + k]);\n"
               "        std::fprintf(out, \"\\n\");\n    }\n"
               "    std::fclose(out);\n    t->final();\n    delete t;\n    return 0;\n}\n", nm, nm);
    xfclose(f);
}

void emit_sim(const Netlist *n, const Schedule *s, const char *dir)
{
    emit_files_f(n, dir);
    emit_uart_main(n, dir);
    emit_header(n, s, dir);
    emit_verilator_main(n, dir);
    emit_icarus_tb(n, s, dir);
}
