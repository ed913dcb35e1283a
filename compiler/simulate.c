/* simulate.c: emitted design + input vectors -> RTL outputs, checked bit for bit against the
 * emulator and cycle for cycle against the schedule.
 *
 * Writes DIR/sim/stim.hex, builds the bench (Verilator by default, Icarus on request), runs it
 * from DIR, prints the RTL outputs in --emulate's format and writes DIR/sim.json. Returns the
 * exit status: 0 all equal, 1 any mismatch or tool failure.
 *
 * With a stall seed (>= 0, --stall) the bench stalls both streams at random (emit_sim.c): the
 * outputs must still be the emulator's, in order, none lost or repeated, and the design must keep
 * AXI-Stream's rules on its output; latency and II are measured but only checked without stalls. */
#define _XOPEN_SOURCE 700
#include "rnnc.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* --waves: the run also writes DIR/sim/waves.fst (Verilator) or waves.vcd (Icarus) */
static bool waves_on;
void sim_set_waves(bool on) { waves_on = on; }

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* hex beat of n elements of type t from raw values */
static void write_beat(FILE *f, const int64_t *raw, int n, FxType t)
{
    int bits = n * t.w, digits = (bits + 3) / 4;
    for (int d = digits - 1; d >= 0; d--) {
        int nib = 0;
        for (int b = 0; b < 4; b++) {
            int bit = d * 4 + b;
            if (bit >= bits) continue;
            int e = bit / t.w, k = bit % t.w;
            if (((uint64_t)raw[e] >> k) & 1) nib |= 1 << b;
        }
        fputc("0123456789abcdef"[nib], f);
    }
    fputc('\n', f);
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* parse a hex beat into n raw values of type t (sign-extended when signed) */
static bool read_beat(const char *hex, int64_t *raw, int n, FxType t)
{
    int len = (int)strlen(hex);
    while (len > 0 && (hex[len - 1] == '\n' || hex[len - 1] == ' ' || hex[len - 1] == '\r')) len--;
    for (int e = 0; e < n; e++) raw[e] = 0;
    for (int i = 0; i < len; i++) {
        int v = hexval(hex[len - 1 - i]);
        if (v < 0) return false; /* x or z from the simulator */
        for (int b = 0; b < 4; b++) {
            int bit = i * 4 + b;
            if (bit >= n * t.w || !((v >> b) & 1)) continue;
            raw[bit / t.w] = (int64_t)((uint64_t)raw[bit / t.w] | (uint64_t)1 << (bit % t.w));
        }
    }
    for (int e = 0; e < n; e++)
        if (t.sgn && t.w < 64 && ((uint64_t)raw[e] >> (t.w - 1)) & 1) raw[e] = (int64_t)((uint64_t)raw[e] | ~(((uint64_t)1 << t.w) - 1));
    return true;
}

#define VERILATOR_FLAGS "verilator", "--cc", "--exe", "--build", "-j", "2", "-Wno-fatal", "-Wno-lint", "-Wno-style"
#define VERILATOR_MAKE "-MAKEFLAGS", "OPT_FAST=-O1 OPT_SLOW=-O0 OPT_GLOBAL=-O1", "--output-split", "20000"

/* One tool in dir; on failure the end of its log on stderr and false. */
static bool step(const char *dir, const char *const *argv, const char *log, const char *what)
{
    if (run_tool(argv, dir, log, NULL) == 0) return true;
    fprintf(stderr, "rnnc: %s failed; the end of %s/%s:\n", what, dir, log);
    tail_file(dir, log, 25);
    return false;
}

/* Verilator's --build runs GNU Make, which cannot work in a folder whose path has a space, and
 * whose recipes go through a shell (quotes, $). In such a folder the bench is built in a
 * temporary folder with copies of the C++ sources (main, its header), and the executable is
 * copied back to DIR/OBJ/EXE. *mdir: the folder to build in; *src: where the sources are. */
static bool build_elsewhere(const char *dir, const char *obj, const char *main_cpp, const char *header,
                            char *mdir, size_t len, char *src, size_t srclen)
{
    char abs[4096];
    if (!realpath(dir, abs)) user_error(dir, "cannot resolve the path: %s", strerror(errno));
    if (abs[strspn(abs, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./+-")] == 0) {
        snprintf(mdir, len, "%s", obj);
        snprintf(src, srclen, "%s/sim", abs);
        return false;
    }
    const char *tmp = getenv("TMPDIR");
    snprintf(mdir, len, "%s/rnnc-verilator-XXXXXX", tmp && *tmp && !strpbrk(tmp, " \t") ? tmp : "/tmp");
    if (!mkdtemp(mdir)) user_error(dir, "cannot create a temporary build folder %s: %s", mdir, strerror(errno));
    snprintf(src, srclen, "%s", mdir);
    const char *files[] = {main_cpp, header};
    for (int i = 0; i < 2 && files[i]; i++) {
        char from[4300];
        snprintf(from, sizeof from, "%s/sim/%s", dir, files[i]);
        copy_file(from, mdir, files[i]);
    }
    return true;
}

static void remove_tree(const char *path)
{
    const char *argv[] = {"rm", "-rf", path, NULL};
    run_tool(argv, NULL, "/dev/null", NULL);
}

/* Verilator's build of the bench (top: the design's top module; the executable exe). */
static bool verilate(const char *dir, const char *top, const char *exe, bool uart, const char *log)
{
    char mdir[4200], main_cpp[4400], header[2 * RNNC_NAME_MAX + 16], cflags[4300], cpb[40], built[4500];
    snprintf(header, sizeof header, "%s_tb.h", top);
    const char *main_name = uart ? "uart_main.cpp" : "main.cpp";
    const char *obj = uart ? "sim/uart_obj" : "sim/obj_dir";
    char src[4200];
    bool away = build_elsewhere(dir, obj, main_name, uart ? NULL : header, mdir, sizeof mdir, src, sizeof src);
    snprintf(main_cpp, sizeof main_cpp, "%s/%s", src, main_name);
    snprintf(cflags, sizeof cflags, "-I%s", src);
    snprintf(cpb, sizeof cpb, "-GCLKS_PER_BIT=%d", RNNC_UART_SIM_CPB);
    /* the UART bench's arguments after the NULL that ends the core bench's */
    /* --waves: the core bench traces to FST (the option slot repeats -Wno-fatal otherwise) */
    const char *trace = waves_on && !uart ? "--trace-fst" : "-Wno-fatal";
    const char *vl[] = {VERILATOR_FLAGS, trace, "--top-module", top, "-f", "files.f", "-CFLAGS", cflags, VERILATOR_MAKE,
                        "-Mdir", mdir, "-o", exe, main_cpp, uart ? cpb : NULL, "-f", "files_uart.f", NULL};
    bool ok = step(dir, vl, log, "verilator");
    if (ok && away) {
        snprintf(built, sizeof built, "%s/%s", mdir, exe);
        char rel[300];
        snprintf(rel, sizeof rel, "%s/%s", obj, exe);
        copy_file(built, dir, rel);
        snprintf(built, sizeof built, "%s/%s", dir, rel);
        chmod(built, 0755);
    }
    if (away) remove_tree(mdir);
    return ok;
}

/* Builds the bench with `tool` and runs it in dir (sim/stim.hex -> sim/rtl_out.txt, nout beats;
 * stall >= 0: the seed of random stalls); the seconds the run took in *secs. */
static bool build_and_run(const char *name, const char *dir, const char *tool, int nout, long stall, double *secs)
{
    char top[2 * RNNC_NAME_MAX], exe[2 * RNNC_NAME_MAX + 32], tb[2 * RNNC_NAME_MAX + 32], nout_arg[40];
    snprintf(nout_arg, sizeof nout_arg, "%d", nout);
    char mk_stall[48], plus_stall[48];
    snprintf(mk_stall, sizeof mk_stall, "STALL=%ld", stall);
    snprintf(plus_stall, sizeof plus_stall, "+stall=%ld", stall);
    const char *stall_opt = stall >= 0 ? plus_stall : NULL;
    if (!strcmp(tool, "post-synth")) {
        /* the same testbench on Yosys's netlist of the core (DIR/Makefile's post-synth) */
        char mk_nout[48];
        snprintf(mk_nout, sizeof mk_nout, "NOUT=%d", nout);
        const char *argv[] = {"make", "-s", "post-synth", mk_nout, stall >= 0 ? mk_stall : NULL, NULL};
        double t0 = now();
        if (!step(dir, argv, "logs/post_synth.log", "post-synthesis simulation")) return false;
        *secs = now() - t0;
        char from[4200];
        snprintf(from, sizeof from, "%s/sim/post_out.txt", dir);
        copy_file(from, dir, "sim/rtl_out.txt");
        return true;
    }
    if (!strcmp(tool, "uart")) {
        /* the UART front end around the core, driven bit by bit from the host's side */
        snprintf(top, sizeof top, "%s_uart", name);
        snprintf(exe, sizeof exe, "V%s_uart", name);
        if (!verilate(dir, top, exe, true, "sim/build_uart.log")) return false;
        snprintf(exe, sizeof exe, "sim/uart_obj/V%s_uart", name);
    } else if (!strcmp(tool, "icarus")) {
        snprintf(top, sizeof top, "tb_%s", name);
        snprintf(tb, sizeof tb, "sim/tb_%s.v", name);
        const char *build[] = {"iverilog", "-g2005", "-o", "sim/tb.vvp", "-s", top, "-f", "files.f", tb, NULL};
        if (!step(dir, build, "sim/build.log", "iverilog")) return false;
    } else {
        snprintf(exe, sizeof exe, "V%s", name);
        if (!verilate(dir, name, exe, false, "sim/build.log")) return false;
        snprintf(exe, sizeof exe, "sim/obj_dir/V%s", name);
    }
    char plus_nout[48];
    snprintf(plus_nout, sizeof plus_nout, "+nout=%d", nout);
    /* optional plusargs fill the slots from the first NULL on */
    const char *vvp[] = {"vvp", "-n", "sim/tb.vvp", "+stim=sim/stim.hex", "+out=sim/rtl_out.txt", plus_nout, NULL, NULL, NULL};
    const char *bench[] = {exe, "sim/stim.hex", "sim/rtl_out.txt", nout_arg, NULL, NULL, NULL};
    int nv = 6, nb = 4;
    if (stall_opt) vvp[nv++] = bench[nb++] = stall_opt;
    if (waves_on) {
        vvp[nv++] = "+waves=sim/waves.vcd";
        bench[nb++] = "+waves=sim/waves.fst";
    }
    double t0 = now();
    if (!step(dir, !strcmp(tool, "icarus") ? vvp : bench, "sim/run.log", "simulation")) return false;
    *secs = now() - t0;
    return true;
}

/* DIR/sim/stim.hex: n_seq sequences of v (repeated as needed), one input beat per line. */
static void write_stimulus(const Model *m, const Vectors *v, int n_seq, const char *dir)
{
    int T = m->timesteps, F = m->features;
    FILE *f = xfopen_w(dir, "sim/stim.hex");
    int64_t *raw = xcalloc((size_t)T * (size_t)F, sizeof(int64_t));
    for (int k = 0; k < n_seq; k++) {
        quantize_input(m, v->values + (size_t)(k % v->n_seq) * (size_t)T * (size_t)F, raw);
        for (int t = 0; t < T; t++) write_beat(f, raw + (size_t)t * (size_t)F, F, m->input_type);
    }
    xfclose(f);
    free(raw);
}

int run_simulation(const Netlist *n, const Schedule *sched, const Vectors *v, const char *dir, const char *tool,
                   long stall)
{
    const Model *m = n->model;
    /* at least RNNC_II_SEQ sequences, so the initiation interval is measured */
    int n_seq = v->n_seq < RNNC_II_SEQ ? RNNC_II_SEQ : v->n_seq;
    int T = m->timesteps, F = m->features;
    int ops = m->out_seq ? m->out_steps : 1, outs = ops * m->out_feat;
    Schedule *s = n_seq == sched->n_seq ? (Schedule *)sched : schedule_netlist(n, n_seq);

    write_stimulus(m, v, n_seq, dir);
    FILE *f;

    double t0 = now(), run_secs = 0;
    if (!build_and_run(m->name, dir, tool, n_seq * (!strcmp(tool, "post-synth") ? T : ops), stall, &run_secs)) return 1;
    double t2 = now(), t1 = t2 - run_secs;

    /* read the RTL's outputs and timing */
    char path[4096];
    snprintf(path, sizeof path, "%s/sim/rtl_out.txt", dir);
    f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "rnnc: %s: missing\n", path);
        return 1;
    }
    int64_t *rtl = xcalloc((size_t)n_seq * (size_t)outs, sizeof(int64_t));
    long *start = xcalloc((size_t)n_seq, sizeof(long)), *end = xcalloc((size_t)n_seq, sizeof(long));
    int beats = 0, bad_beats = 0;
    long protocol = 0, in_gaps = 0, out_waits = 0;
    char line[1 << 16], first_protocol[256] = "";
    while (fgets(line, sizeof line, f)) {
        long k, c;
        if (!strncmp(line, "out ", 4)) {
            if (beats < n_seq * ops &&
                !read_beat(line + 4, rtl + (size_t)beats * (size_t)m->out_feat, m->out_feat, m->out_type))
                bad_beats++;
            beats++;
        } else if (sscanf(line, "start %ld %ld", &k, &c) == 2 && k >= 0 && k < n_seq) {
            start[k] = c;
        } else if (sscanf(line, "end %ld %ld", &k, &c) == 2 && k >= 0 && k < n_seq) {
            end[k] = c;
        } else if (!strncmp(line, "protocol ", 9)) {
            if (!protocol++) snprintf(first_protocol, sizeof first_protocol, "%.200s", line + 9);
        } else if (sscanf(line, "stalls %ld %ld", &k, &c) == 2) {
            in_gaps = k, out_waits = c;
        }
    }
    fclose(f);

    /* compare with the emulator; the float model gives the quantization error */
    int64_t *exp_raw = xcalloc((size_t)outs, sizeof(int64_t));
    double *fl = xcalloc((size_t)outs, sizeof(double));
    long mismatches = 0;
    double max_err = 0;
    int first_bad_seq = -1, first_bad_idx = -1;
    for (int k = 0; k < n_seq; k++) {
        const double *in = v->values + (size_t)(k % v->n_seq) * (size_t)T * (size_t)F;
        if (n->reference) n->reference(n, in, exp_raw);
        else emulate_fixed(m, in, exp_raw);
        emulate_float(m, in, fl);
        for (int i = 0; i < outs; i++) {
            int64_t r = rtl[(size_t)k * (size_t)outs + (size_t)i];
            if (r != exp_raw[i]) {
                if (first_bad_seq < 0) { first_bad_seq = k; first_bad_idx = i; }
                mismatches++;
            }
            double err = fabs(fx_to_double(r, m->out_type) - fl[i]);
            if (err > max_err) max_err = err;
        }
        if (k < v->n_seq) {
            for (int i = 0; i < outs; i++) {
                if (i) fputc(' ', stdout);
                print_fixed(stdout, rtl[(size_t)k * (size_t)outs + (size_t)i], m->out_type);
            }
            fputc('\n', stdout);
        }
    }
    long lat = end[0]; /* cycle 0: the first beat offered (schedule.c's definition) */
    long ii = n_seq >= 2 ? start[n_seq - 1] - start[n_seq - 2] : 0;
    bool timed = strcmp(tool, "uart") != 0; /* the serial line sets the pace there */
    if (!timed) lat = s->latency_cycles, ii = s->ii_cycles;
    bool timing_checked = timed && stall < 0; /* stalls stretch both */
    bool timing_ok = !timing_checked || (lat == s->latency_cycles && ii == s->ii_cycles);
    bool ok = mismatches == 0 && bad_beats == 0 && beats == n_seq * ops && protocol == 0 && timing_ok;

    f = xfopen_w(dir, "sim.json");
    fprintf(f, "{\n  \"simulator\": \"%s\",\n", tool);
    if (stall >= 0)
        fprintf(f, "  \"stall_seed\": %ld,\n  \"stall_input_gap_cycles\": %ld,\n  \"stall_output_wait_cycles\": %ld,\n", stall,
                in_gaps, out_waits);
    else
        fprintf(f, "  \"stall_seed\": null,\n");
    fprintf(f, "  \"timing_checked\": %s,\n", timing_checked ? "true" : "false");
    fprintf(f, "  \"protocol_errors\": %ld,\n", protocol);
    fprintf(f, "  \"sequences\": %d,\n  \"output_beats\": %d,\n", n_seq, beats);
    fprintf(f, "  \"bit_exact\": %s,\n  \"mismatches\": %ld,\n", mismatches == 0 && bad_beats == 0 ? "true" : "false", mismatches);
    fprintf(f, "  \"latency_cycles\": %ld,\n  \"predicted_latency_cycles\": %ld,\n", lat, s->latency_cycles);
    fprintf(f, "  \"ii_cycles\": %ld,\n  \"predicted_ii_cycles\": %ld,\n", ii, s->ii_cycles);
    fprintf(f, "  \"max_abs_error_vs_float\": %.17g,\n", max_err);
    fprintf(f, "  \"build_seconds\": %.2f,\n  \"run_seconds\": %.3f,\n  \"sequences_per_second\": %.0f,\n",
            t1 - t0, t2 - t1, (double)n_seq / (t2 - t1 > 1e-9 ? t2 - t1 : 1e-9));
    fprintf(f, "  \"pass\": %s\n}\n", ok ? "true" : "false");
    xfclose(f);

    if (!ok) {
        fprintf(stderr, "rnnc: simulation of %s does not match:\n", m->name);
        if (beats != n_seq * ops) fprintf(stderr, "  %d output beats, expected %d\n", beats, n_seq * ops);
        if (bad_beats) fprintf(stderr, "  %d output beats had x/z bits\n", bad_beats);
        if (mismatches) {
            int k = first_bad_seq, i = first_bad_idx;
            const double *in = v->values + (size_t)(k % v->n_seq) * (size_t)T * (size_t)F;
            if (n->reference) n->reference(n, in, exp_raw);
            else emulate_fixed(m, in, exp_raw);
            fprintf(stderr, "  %ld of %ld output values differ from the emulator; first: sequence %d output %d: rtl %.17g, emulator %.17g\n",
                    mismatches, (long)n_seq * outs, k, i, fx_to_double(rtl[(size_t)k * (size_t)outs + (size_t)i], m->out_type),
                    fx_to_double(exp_raw[i], m->out_type));
        }
        if (protocol)
            fprintf(stderr, "  %ld AXI-Stream violations on m_axis; first at cycle %s", protocol, first_protocol);
        if (timing_checked && lat != s->latency_cycles)
            fprintf(stderr, "  latency %ld cycles measured, %ld predicted\n", lat, s->latency_cycles);
        if (timing_checked && ii != s->ii_cycles) fprintf(stderr, "  initiation interval %ld cycles measured, %ld predicted\n", ii, s->ii_cycles);
    } else if (stall >= 0) {
        fprintf(stderr, "rnnc: %s: %d sequences bit-exact under random stalls (seed %ld: %ld input gap cycles, %ld output "
                "wait cycles; timing not checked); max |rtl-float| %.3g\n", m->name, n_seq, stall, in_gaps, out_waits, max_err);
    } else if (!timed) {
        fprintf(stderr, "rnnc: %s_uart: %d sequences bit-exact through the serial front end; max |rtl-float| %.3g\n",
                m->name, n_seq, max_err);
    } else {
        fprintf(stderr, "rnnc: %s: %d sequences bit-exact; latency %ld cycles, II %ld cycles (as predicted); max |rtl-float| %.3g\n",
                m->name, n_seq, lat, ii, max_err);
    }
    if (waves_on)
        fprintf(stderr, "rnnc: waveforms in %s/sim/waves.%s (gtkwave or surfer opens them)\n", dir,
                !strcmp(tool, "icarus") ? "vcd" : "fst");
    free(rtl);
    free(start);
    free(end);
    free(exp_raw);
    free(fl);
    return ok ? 0 : 1;
}
