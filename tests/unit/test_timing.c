/* test_timing.c: the Xilinx timing estimate (compiler/timing.c) on netlists built by hand in
 * Yosys's JSON form, against the arithmetic of its documented model (docs/flow.md, "Timing
 * estimate"): register to register through LUTs, fanout, LUT pin swapping, carry chains, DSP
 * registers, input ports, the UltraScale+ scale, loops and unknown cells. */
#define _POSIX_C_SOURCE 200809L
#include "rnnc.h"
#include "unit_check.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char dir[256];

/* model figures (ps): routed net of fanout fo, FF clock to Q, LUT pins fastest first */
static double net(int fo) { return 400 + 170 * log2(fo); }
enum { CLK_Q = 303 };
static const int pin[6] = {127, 238, 407, 472, 631, 642};

/* A module "top" with ports and cells (JSON text), timed for family. */
static TimingEstimate run(const char *ports, const char *cells, const char *family, bool *ok)
{
    char path[512];
    snprintf(path, sizeof path, "%s/n.json", dir);
    FILE *f = fopen(path, "w");
    fprintf(f, "{\"modules\": {\"top\": {\"ports\": {%s}, \"cells\": {%s}}}}\n", ports, cells);
    fclose(f);
    TimingEstimate t;
    *ok = timing_estimate(dir, "n.json", "top", family, &t);
    return t;
}

#define FF(name, d, q) \
    "\"" name "\": {\"type\": \"FDRE\", \"parameters\": {}, \"port_directions\": {\"C\": \"input\", \"CE\": \"input\", " \
    "\"D\": \"input\", \"R\": \"input\", \"Q\": \"output\"}, \"connections\": {\"C\": [2], \"CE\": [\"1\"], \"D\": [" d "], " \
    "\"R\": [\"0\"], \"Q\": [" q "]}}"
#define LUT1(name, i, o) \
    "\"" name "\": {\"type\": \"LUT1\", \"parameters\": {}, \"port_directions\": {\"I0\": \"input\", \"O\": \"output\"}, " \
    "\"connections\": {\"I0\": [" i "], \"O\": [" o "]}}"
#define LUT2(name, a, b, o) \
    "\"" name "\": {\"type\": \"LUT2\", \"parameters\": {}, \"port_directions\": {\"I0\": \"input\", \"I1\": \"input\", " \
    "\"O\": \"output\"}, \"connections\": {\"I0\": [" a "], \"I1\": [" b "], \"O\": [" o "]}}"
#define CLK "\"clk\": {\"direction\": \"input\", \"bits\": [2]}"

static bool near(double a, double b) { return fabs(a - b) < 1e-6; }

static void test_lut_chain(void)
{
    bool ok;
    /* FF -> LUT1 -> FF: clock to Q, a net, the fastest pin, a net, setup 0 */
    TimingEstimate t = run(CLK, FF("a", "10", "11") "," LUT1("l", "11", "12") "," FF("b", "12", "13"), "xc7", &ok);
    double want = CLK_Q + net(1) + pin[0] + net(1);
    check(ok && near(t.period_ns, want / 1000), "ff-lut-ff: %.4f ns, want %.4f", t.period_ns, want / 1000);
    check(near(t.fmax_mhz * t.period_ns, 1000), "fmax = 1 / period");
    check(t.levels == 1, "ff-lut-ff: %d levels, want 1", t.levels);
    check(strstr(t.from, "a (FDRE)") && strstr(t.to, "b (FDRE) D"), "path a -> b: %s -> %s", t.from, t.to);
    /* three LUTs: linear in the levels */
    t = run(CLK, FF("a", "10", "11") "," LUT1("l1", "11", "12") "," LUT1("l2", "12", "14") "," LUT1("l3", "14", "15") ","
            FF("b", "15", "13"), "xc7", &ok);
    want = CLK_Q + 3 * (net(1) + pin[0]) + net(1);
    check(ok && near(t.period_ns, want / 1000) && t.levels == 3, "3 LUTs: %.4f ns %d levels, want %.4f 3", t.period_ns,
          t.levels, want / 1000);
    /* UltraScale+: every delay times 0.6 */
    TimingEstimate u = run(CLK, FF("a", "10", "11") "," LUT1("l1", "11", "12") "," LUT1("l2", "12", "14") ","
                           LUT1("l3", "14", "15") "," FF("b", "15", "13"), "xcup", &ok);
    check(ok && near(u.period_ns, 0.6 * want / 1000), "xcup = 0.6 x xc7: %.4f ns", u.period_ns);
}

static void test_fanout_and_pins(void)
{
    bool ok;
    /* one FF drives four LUTs: a net of fanout 4 (+ 2 doublings) */
    TimingEstimate t = run(CLK, FF("a", "10", "11") "," LUT1("l1", "11", "12") "," LUT1("l2", "11", "14") ","
                           LUT1("l3", "11", "15") "," LUT1("l4", "11", "16") "," FF("b", "12", "13"), "xc7", &ok);
    double want = CLK_Q + net(4) + pin[0] + net(1);
    check(ok && near(t.period_ns, want / 1000), "fanout 4: %.4f ns, want %.4f", t.period_ns, want / 1000);
    /* LUT2 with one late and one early input: the late one takes the fastest pin */
    t = run(CLK, FF("a", "10", "11") "," LUT1("l1", "11", "12") "," LUT1("l2", "12", "14") "," LUT2("m", "11", "14", "15")
            "," FF("b", "15", "13"), "xc7", &ok);
    double early = CLK_Q + net(2) + pin[1];                                  /* a's net feeds l1 and m */
    double late = CLK_Q + net(2) + pin[0] + net(1) + pin[0] + net(1) + pin[0]; /* a, l1, l2, m's fast pin */
    want = (late > early ? late : early) + net(1);
    check(ok && near(t.period_ns, want / 1000), "pin swap: %.4f ns, want %.4f", t.period_ns, want / 1000);
}

static void test_blocks(void)
{
    bool ok;
    /* a DSP48E1 with PREG starts at 0.329 ns; with MREG only, 1.687 ns (through the ALU) */
    const char *dsp_fmt = "\"d\": {\"type\": \"DSP48E1\", \"parameters\": {\"AREG\": 0, \"BREG\": 0, \"MREG\": %d, \"PREG\": %d, "
                          "\"USE_MULT\": \"MULTIPLY\"}, \"port_directions\": {\"A\": \"input\", \"B\": \"input\", \"CLK\": \"input\", "
                          "\"P\": \"output\"}, \"connections\": {\"A\": [20], \"B\": [21], \"CLK\": [2], \"P\": [22, 23]}}, "
                          FF("a", "10", "20") "," FF("c", "10", "21") "," FF("b", "22", "13");
    char cells[2048];
    snprintf(cells, sizeof cells, dsp_fmt, 0, 1);
    TimingEstimate t = run(CLK, cells, "xc7", &ok);
    double into_preg = CLK_Q + net(1) + 2739; /* A into PREG, no MREG: through the multiplier */
    check(ok && near(t.period_ns, into_preg / 1000), "DSP PREG: %.4f ns, want %.4f", t.period_ns, into_preg / 1000);
    snprintf(cells, sizeof cells, dsp_fmt, 1, 0);
    t = run(CLK, cells, "xc7", &ok);
    double from_m = 1687 + net(1), into_m = CLK_Q + net(1) + 1416;
    check(ok && near(t.period_ns, (from_m > into_m ? from_m : into_m) / 1000), "DSP MREG: %.4f ns", t.period_ns);
    /* a CARRY4 fed by a LUT on S (dedicated, no net) and a FF on DI (routed): out CO[3] to a FF */
    const char *carry = FF("a", "10", "11") "," LUT1("l", "11", "30") ","
        "\"c\": {\"type\": \"CARRY4\", \"parameters\": {}, \"port_directions\": {\"CI\": \"input\", \"CYINIT\": \"input\", "
        "\"DI\": \"input\", \"S\": \"input\", \"O\": \"output\", \"CO\": \"output\"}, \"connections\": {\"CI\": [\"0\"], "
        "\"CYINIT\": [\"0\"], \"DI\": [\"0\", \"0\", \"0\", \"0\"], \"S\": [30, \"0\", \"0\", \"0\"], \"O\": [31, 32, 33, 34], "
        "\"CO\": [35, 36, 37, 38]}}," FF("b", "38", "13");
    t = run(CLK, carry, "xc7", &ok);
    double want = CLK_Q + net(1) + pin[0] + 508 + net(1); /* S[0] -> CO[3] */
    check(ok && near(t.period_ns, want / 1000) && t.levels == 2, "carry: %.4f ns %d levels, want %.4f 2", t.period_ns,
          t.levels, want / 1000);
    /* an unregistered block RAM output: 2.454 ns clock to out */
    const char *bram = "\"r\": {\"type\": \"RAMB18E1\", \"parameters\": {\"DOA_REG\": 0}, \"port_directions\": {\"ADDRARDADDR\": "
                       "\"input\", \"CLKARDCLK\": \"input\", \"DOADO\": \"output\"}, \"connections\": {\"ADDRARDADDR\": [11], "
                       "\"CLKARDCLK\": [2], \"DOADO\": [40]}}," FF("a", "10", "11") "," FF("b", "40", "13");
    t = run(CLK, bram, "xc7", &ok);
    check(ok && near(t.period_ns, (2454 + net(1)) / 1000), "block RAM: %.4f ns", t.period_ns);
}

static void test_ports_loops_unknown(void)
{
    bool ok;
    /* input port -> IBUF -> LUT -> FF: the port counts as registered outside */
    TimingEstimate t = run(CLK ", \"x\": {\"direction\": \"input\", \"bits\": [5]}",
                           "\"ib\": {\"type\": \"IBUF\", \"parameters\": {}, \"port_directions\": {\"I\": \"input\", \"O\": "
                           "\"output\"}, \"connections\": {\"I\": [5], \"O\": [6]}}," LUT1("l", "6", "7") "," FF("b", "7", "13"),
                           "xc7", &ok);
    double want = CLK_Q + net(1) + pin[0] + net(1);
    check(ok && near(t.period_ns, want / 1000), "input port: %.4f ns, want %.4f", t.period_ns, want / 1000);
    /* a combinational loop is cut and counted, not followed forever */
    t = run(CLK, LUT2("p", "11", "51", "50") "," LUT1("q", "50", "51") "," FF("a", "10", "11") "," FF("b", "50", "13"), "xc7",
            &ok);
    check(ok && t.loops >= 1 && t.period_ns > 0, "loop: %d cut, %.3f ns", t.loops, t.period_ns);
    /* a cell type without timing is counted */
    t = run(CLK, "\"w\": {\"type\": \"WEIRD\", \"parameters\": {}, \"port_directions\": {\"A\": \"input\", \"Y\": \"output\"}, "
                 "\"connections\": {\"A\": [11], \"Y\": [12]}}," FF("a", "10", "11") "," FF("b", "12", "13"), "xc7", &ok);
    check(ok && t.untimed_cells == 1, "unknown cell: %d untimed", t.untimed_cells);
    /* no module "top", or no file: false, no crash */
    TimingEstimate n;
    check(!timing_estimate(dir, "missing.json", "top", "xc7", &n), "missing netlist refused");
}

int main(void)
{
    snprintf(dir, sizeof dir, "%s/rnnc_timing_XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir)) return 1;
    char logs[300];
    snprintf(logs, sizeof logs, "%s/logs", dir);
    mkdir(logs, 0777);
    test_lut_chain();
    test_fanout_and_pins();
    test_blocks();
    test_ports_loops_unknown();
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd)) n_fail++;
    printf("unit: %d passed, %d failed\n", n_pass, n_fail);
    return n_fail != 0;
}
