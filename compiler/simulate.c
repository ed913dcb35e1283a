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
#define _POSIX_C_SOURCE 200809L
#include "rnnc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int run(const char *dir, const char *cmd, const char *log)
{
    char full[16384];
    int k = snprintf(full, sizeof full, "cd '%s' && %s > '%s' 2>&1", dir, cmd, log);
    if (k < 0 || (size_t)k >= sizeof full) return 1;
    int st = system(full);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}

static void tail_log(const char *dir, const char *log)
{
    char cmd[4400];
    snprintf(cmd, sizeof cmd, "tail -n 25 '%s/%s' >&2", dir, log);
    if (system(cmd) != 0) fprintf(stderr, "(no log)\n");
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
            raw[bit / t.w] |= (int64_t)1 << (bit % t.w);
        }
    }
    for (int e = 0; e < n; e++)
        if (t.sgn && (raw[e] >> (t.w - 1)) & 1) raw[e] -= (int64_t)1 << t.w;
    return true;
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

    FILE *f = xfopen_w(dir, "sim/stim.hex");
    int64_t *raw = xcalloc((size_t)T * (size_t)F, sizeof(int64_t));
    for (int k = 0; k < n_seq; k++) {
        quantize_input(m, v->values + (size_t)(k % v->n_seq) * (size_t)T * (size_t)F, raw);
        for (int t = 0; t < T; t++) write_beat(f, raw + (size_t)t * (size_t)F, F, m->input_type);
    }
    fclose(f);
    free(raw);

    char cmd[8192], outfile[64], stall_arg[48] = "";
    if (stall >= 0) snprintf(stall_arg, sizeof stall_arg, " %s%ld", !strcmp(tool, "post-synth") ? "STALL=" : "+stall=", stall);
    double t0 = now();
    if (!strcmp(tool, "post-synth")) {
        /* the same testbench on Yosys's netlist of the core (DIR/Makefile's post-synth) */
        snprintf(cmd, sizeof cmd, "make -s post-synth NOUT=%d%s", n_seq * T, stall_arg);
        if (run(dir, cmd, "logs/post_synth.log") != 0) {
            fprintf(stderr, "rnnc: post-synthesis simulation failed; the end of %s/logs/post_synth.log:\n", dir);
            tail_log(dir, "logs/post_synth.log");
            return 1;
        }
        snprintf(cmd, sizeof cmd, "cp sim/post_out.txt sim/rtl_out.txt");
    } else if (!strcmp(tool, "uart")) {
        /* the UART front end around the core, driven bit by bit from the host's side */
        snprintf(cmd, sizeof cmd,
                 "verilator --cc --exe --build -j 2 -Wno-fatal -Wno-lint -Wno-style --top-module %s_uart -GCLKS_PER_BIT=%d "
                 "-f files.f -f files_uart.f -MAKEFLAGS \"OPT_FAST=-O1 OPT_SLOW=-O0 OPT_GLOBAL=-O1\" --output-split 20000 "
                 "-Mdir sim/uart_obj -o V%s_uart \"$PWD/sim/uart_main.cpp\"",
                 m->name, RNNC_UART_SIM_CPB, m->name);
        if (run(dir, cmd, "sim/build_uart.log") != 0) {
            fprintf(stderr, "rnnc: verilator failed; the end of %s/sim/build_uart.log:\n", dir);
            tail_log(dir, "sim/build_uart.log");
            return 1;
        }
        snprintf(cmd, sizeof cmd, "sim/uart_obj/V%s_uart sim/stim.hex sim/rtl_out.txt %d", m->name, n_seq * ops);
    } else if (!strcmp(tool, "icarus")) {
        snprintf(cmd, sizeof cmd, "iverilog -g2005 -o sim/tb.vvp -s tb_%s -f files.f sim/tb_%s.v", m->name, m->name);
        if (run(dir, cmd, "sim/build.log") != 0) {
            fprintf(stderr, "rnnc: iverilog failed; the end of %s/sim/build.log:\n", dir);
            tail_log(dir, "sim/build.log");
            return 1;
        }
        snprintf(cmd, sizeof cmd, "vvp -n sim/tb.vvp +stim=sim/stim.hex +out=sim/rtl_out.txt +nout=%d%s", n_seq * ops, stall_arg);
    } else {
        snprintf(cmd, sizeof cmd,
                 "verilator --cc --exe --build -j 2 -Wno-fatal -Wno-lint -Wno-style --top-module %s -f files.f "
                 "-CFLAGS \"-I$PWD/sim\" -MAKEFLAGS \"OPT_FAST=-O1 OPT_SLOW=-O0 OPT_GLOBAL=-O1\" --output-split 20000 "
                 "-Mdir sim/obj_dir -o V%s \"$PWD/sim/main.cpp\"",
                 m->name, m->name);
        if (run(dir, cmd, "sim/build.log") != 0) {
            fprintf(stderr, "rnnc: verilator failed; the end of %s/sim/build.log:\n", dir);
            tail_log(dir, "sim/build.log");
            return 1;
        }
        snprintf(cmd, sizeof cmd, "sim/obj_dir/V%s sim/stim.hex sim/rtl_out.txt %d%s", m->name, n_seq * ops, stall_arg);
    }
    snprintf(outfile, sizeof outfile, "sim/run.log");
    double t1 = now();
    int rc = run(dir, cmd, outfile);
    double t2 = now();
    if (rc != 0) {
        fprintf(stderr, "rnnc: simulation failed; the end of %s/sim/run.log:\n", dir);
        tail_log(dir, "sim/run.log");
        return 1;
    }

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
    fclose(f);

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
    free(rtl);
    free(start);
    free(end);
    free(exp_raw);
    free(fl);
    return ok ? 0 : 1;
}
