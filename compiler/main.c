/* main.c: the rnnc driver. The passes, in order:
 *
 *   parse -> check -> quantize -> lower -> schedule -> { emulate | emit (verilog, sim, report) }
 *                                                       -> simulate (with --sim)
 */
#include "rnnc.h"

#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: rnnc MODEL.json [-o DIR] [options]\n"
            "\n"
            "  rnnc MODEL.json -o DIR           emit Verilog, tables, benches and report.json into DIR\n"
            "  rnnc MODEL.json --emulate IN.txt print the fixed-point outputs, one line per sequence\n"
            "        [--float]                  ... the double-precision reference instead\n"
            "  rnnc MODEL.json --sim IN.txt -o DIR\n"
            "                                   emit, simulate every sequence, compare bit for bit with the\n"
            "                                   emulator and cycle for cycle with the predicted timing\n"
            "        [--simulator verilator|icarus]  (default verilator)\n"
            "  --dump schedule                  print the engines and the predicted timing\n"
            "  --help, --version\n"
            "\n"
            "IN.txt: one sequence per line, timesteps x features numbers, timestep-major; '#' comments.\n"
            "Exit status: 0 success, 1 verification or tool failure, 2 bad input or usage.\n");
}

typedef struct {
    const char *model, *out_dir, *emulate, *sim, *simulator, *dump;
    bool use_float;
} Options;

static Options parse_args(int argc, char **argv)
{
    Options o = {.simulator = "verilator"};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has_next = i + 1 < argc;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            exit(0);
        } else if (!strcmp(a, "--version")) {
            printf("rnnc %s\n", RNNC_VERSION);
            exit(0);
        } else if (!strcmp(a, "-o") && has_next) {
            o.out_dir = argv[++i];
        } else if (!strcmp(a, "--emulate") && has_next) {
            o.emulate = argv[++i];
        } else if (!strcmp(a, "--sim") && has_next) {
            o.sim = argv[++i];
        } else if (!strcmp(a, "--simulator") && has_next) {
            o.simulator = argv[++i];
        } else if (!strcmp(a, "--dump") && has_next) {
            o.dump = argv[++i];
        } else if (!strcmp(a, "--float")) {
            o.use_float = true;
        } else if (a[0] == '-') {
            user_error(NULL, "unknown option or missing argument: %s (see rnnc --help)", a);
        } else if (!o.model) {
            o.model = a;
        } else {
            user_error(NULL, "more than one model given: %s and %s", o.model, a);
        }
    }
    if (!o.model) {
        usage(stderr);
        exit(2);
    }
    if (o.sim && !o.out_dir) user_error(NULL, "--sim needs -o DIR (where the design and the simulation go)");
    if (o.sim && o.emulate) user_error(NULL, "--sim and --emulate are separate runs; give one");
    if (o.use_float && !o.emulate) user_error(NULL, "--float goes with --emulate");
    if (strcmp(o.simulator, "verilator") && strcmp(o.simulator, "icarus"))
        user_error(NULL, "--simulator: expected verilator or icarus, got '%s'", o.simulator);
    if (o.dump && strcmp(o.dump, "schedule")) user_error(NULL, "--dump: expected 'schedule', got '%s'", o.dump);
    return o;
}

static void print_emulation(const Model *m, const Vectors *v, bool use_float)
{
    int outs = (m->out_seq ? m->out_steps : 1) * m->out_feat;
    int64_t *raw = xcalloc((size_t)outs, sizeof(int64_t));
    double *real = xcalloc((size_t)outs, sizeof(double));
    size_t per_seq = (size_t)v->timesteps * (size_t)v->features;
    for (int k = 0; k < v->n_seq; k++) {
        const double *in = v->values + (size_t)k * per_seq;
        if (use_float) emulate_float(m, in, real);
        else emulate_fixed(m, in, raw);
        for (int i = 0; i < outs; i++) {
            if (i) putchar(' ');
            if (use_float) printf("%.17g", real[i]);
            else print_fixed(stdout, raw[i], m->out_type);
        }
        putchar('\n');
    }
    free(raw);
    free(real);
}

int main(int argc, char **argv)
{
    Options opt = parse_args(argc, argv);

    Model *m = parse_model(opt.model);
    check_model(m);
    quantize_model(m);
    const char *vec_path = opt.emulate ? opt.emulate : opt.sim;
    Vectors *v = vec_path ? read_vectors(vec_path, m) : NULL;

    if (opt.emulate) {
        print_emulation(m, v, opt.use_float);
        return 0;
    }

    Netlist *n = lower_model(m);
    Schedule *s = schedule_netlist(n, RNNC_II_SEQ);
    if (opt.dump) dump_schedule(stdout, n, s);

    if (opt.out_dir) {
        char *stage = stage_begin(opt.out_dir);
        emit_verilog(n, s, stage);
        emit_sim(n, s, stage);
        emit_report(n, s, stage);
        stage_commit(stage, opt.out_dir);
        free(stage);
    }
    if (!opt.dump) print_summary(opt.sim ? stderr : stdout, n, s);
    if (opt.sim) return run_simulation(n, s, v, opt.out_dir, opt.simulator);
    return 0;
}
