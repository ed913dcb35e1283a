/* main.c: the rnnc driver. The passes, in order:
 *
 *   parse -> check -> [precision: --precision auto chooses the types] -> quantize -> lower -> schedule
 *        -> { emulate | emit (verilog, sim, report) }
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
            "        [--simulator verilator|icarus|uart]  (default verilator; uart: the serial board front end)\n"
            "        [--waves]                  also write DIR/sim/waves.fst (Verilator) or waves.vcd (Icarus)\n"
            "        [--stall SEED]             stall both streams at random (seeded gaps in s_axis_tvalid,\n"
            "                                   random m_axis_tready): outputs still bit-exact, in order;\n"
            "                                   timing not checked (also with --post-synth)\n"
            "  rnnc MODEL.json --target ice40 -o DIR [--device up5k|hx8k|hx1k|lp8k] [--package P] [--clock MHZ]\n"
            "                                   emit, synthesize (Yosys), place and route (nextpnr) the UART\n"
            "                                   board top, pack the bitstream (icepack); report cells, Fmax,\n"
            "                                   latency in us (defaults: up5k, sg48, 48 MHz)\n"
            "        --target ecp5 [--device 85k|45k|25k|12k] [--package P] [--clock MHZ]\n"
            "                                   the same for ECP5 (ULX3S board top; place and route where\n"
            "                                   nextpnr-ecp5 is installed; defaults: 85k, CABGA381, 50 MHz)\n"
            "        --target generic           synthesis estimates\n"
            "        --target xilinx [--part P | --family xc7|xcup] [--clock MHZ]\n"
            "                                   synthesis, the fit against part P (xc7a35t, xc7a100t, xczu9eg,\n"
            "                                   xcu250, xcvu9p ...) and an Fmax estimate (default 200 MHz)\n"
            "        [--post-synth IN.txt]      also simulate Yosys's netlist of the core against the emulator\n"
            "  rnnc MODEL.json --board PORT IN.txt  stream IN.txt through a board running the UART top\n"
            "                                   (115200 8N1) and print its outputs like --emulate\n"
            "  --table-reg                      register every table index (one more cycle per activation,\n"
            "                                   a shorter clock period; on by default with --target ice40)\n"
            "  --dump schedule                  print the engines and the predicted timing\n"
            "  rnnc import MODEL [-o OUT.json]  write the rnnc model.json of MODEL (with the options below)\n"
            "  rnnc explore MODEL --target T [--device D] [-o DIR] [--synth K]\n"
            "                                   the reuse-factor candidates on the latency/resource Pareto front,\n"
            "                                   predicted (a table; DIR/explore.csv, DIR/explore.svg); --synth K:\n"
            "                                   the flow on the best K, measured beside predicted\n"
            "\n"
            "Reuse factors (docs/resources.md): with --target and no reuse factor in the model, --reuse or\n"
            "--config, rnnc picks them per layer: the lowest latency whose predicted resources fit the part\n"
            "(a smaller candidate when place and route finds otherwise).\n"
            "  --reuse auto                     the same search for any command\n"
            "  --max-dsp N, --max-lut N, --max-bram N  budgets (default: the --target part's)\n"
            "  --resources ice40|ecp5|xilinx    the resource model's family in report.json without --target\n"
            "  --resources xilinx --family xcup the design for UltraScale+ (its shorter stages) without --target\n"
            "  --optimize latency|throughput|area  the objective (area: the smallest design meeting\n"
            "                                   --latency-cycles N or --latency-us X)\n"
            "\n"
            "MODEL: an rnnc model.json, a Keras .h5 or .keras file, an ONNX .onnx file (PyTorch's\n"
            "  torch.onnx.export; docs/pytorch.md), or a Keras architecture JSON with\n"
            "  --weights W.h5                   its weights (save_weights)\n"
            "  --config C.json                  hls4ml-style configuration (Model, LayerName; docs/keras.md)\n"
            "  --config project.yml             hls4ml's project YAML; MODEL may be omitted when it names one\n"
            "  --precision P, --reuse N         model default type and reuse factor (default ap_fixed<16,6>, 1)\n"
            "  --precision auto[:W]             choose every type the model does not set from the ranges\n"
            "                                   (W: width of weights, biases, results, default 16; docs/numerics.md)\n"
            "        [--calibrate CAL.txt]      ... measured by the float emulator on CAL (else bounded from the weights)\n"
            "        [--max-error E]            ... the narrowest types whose outputs on CAL stay within E of float\n"
            "  --write-config C.json            write the types as an hls4ml-style configuration\n"
            "  --trace (with --emulate IN.txt)  per layer and tensor: float and fixed ranges, max |fixed - float|,\n"
            "                                   overflowing casts (a table instead of the outputs)\n"
            "  --timesteps N                    for a Keras or ONNX model whose timesteps are not fixed\n"
            "  --numerics rnnc|hls4ml           whose casts and tables (default rnnc; hls4ml: bit-exact with\n"
            "                                   hls4ml 1.3's io_parallel C++, docs/numerics.md)\n"
            "  --help, --version\n"
            "\n"
            "IN.txt: one sequence per line, timesteps x features numbers, timestep-major; '#' comments.\n"
            "Exit status: 0 success, 1 verification or tool failure, 2 bad input or usage.\n");
}

typedef struct {
    const char *model, *out_dir, *emulate, *sim, *simulator, *dump;
    const char *board, *board_in;   /* --board PORT IN.txt */
    bool table_reg;                 /* --table-reg */
    bool use_float;
    bool waves;                     /* --waves (with --sim) */
    long stall;                     /* --stall SEED, -1 without */
    FlowOptions flow;           /* --target and its switches */
    const char *clock;          /* --clock MHZ, or the MHz of a --config's ClockPeriod */
    bool clock_from_config;     /* (then messages name ClockPeriod) */
    bool import;                /* rnnc import MODEL [-o OUT.json] */
    KerasOptions keras;         /* --weights, --config, --precision, --reuse, --timesteps */
    PrecisionOptions prec;      /* --precision auto, --calibrate, --max-error, --write-config */
    bool trace;                 /* --trace */
    Numerics numerics;          /* --numerics */
    bool reuse_auto;            /* --reuse auto */
    AutoOptions autoo;          /* --max-dsp/--max-lut/--max-bram, --optimize, --latency-cycles */
    double latency_us;          /* --latency-us X (cycles at the clock) */
    bool autoo_set;             /* one of the search's switches given */
    const char *res_family;     /* --resources F: the resource model's family without --target */
    bool explore;               /* rnnc explore MODEL */
    int synth_k;                /* explore --synth K */
} Options;

/* Decimal digits with an optional leading '-' (strtol alone would take blanks and a '+'). */
static int int_arg(const char *opt, const char *v, int lo, int hi)
{
    char *end;
    long n = strtol(v, &end, 10);
    bool digits = (*v >= '0' && *v <= '9') || (*v == '-' && v[1] >= '0' && v[1] <= '9');
    if (!digits || *end || n < lo || n > hi) user_error(NULL, "%s: expected an integer in %d..%d, got '%s'", opt, lo, hi, v);
    return (int)n;
}

/* A decimal number into *x: digits, '.', an exponent (strtod alone would also take blanks, hex,
 * "inf" and "nan"). */
static bool decimal_arg(const char *v, double *x)
{
    if (!((*v >= '0' && *v <= '9') || *v == '.' || *v == '-')) return false;
    for (const char *p = v; *p; p++)
        if (!strchr("0123456789.eE+-", *p)) return false;
    char *end;
    *x = strtod(v, &end);
    return !*end; /* the callers' ranges reject an overflow's HUGE_VAL */
}

/* --clock MHZ (or a --config's ClockPeriod): 1..1000 MHz; the board tops' PLLs are narrower
 * (flow_clock_ok, for the target). */
static double clock_arg(const char *opt, const char *v)
{
    double mhz;
    if (!decimal_arg(v, &mhz) || !(mhz >= 1.0 && mhz <= 1000.0))
        user_error(NULL, "%s: expected a frequency in MHz between 1 and 1000, got '%s'", opt, v);
    return mhz;
}

static void check_flow_options(Options *o);
static void check_auto_options(Options *o);

/* The switches of the reuse-factor search (autoreuse.c); true when argv[*i] was one. */
static bool parse_auto_arg(Options *o, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    if (*i + 1 >= argc) return false;
    const char *v = argv[*i + 1];
    if (!strcmp(a, "--max-dsp")) o->autoo.max_dsp = int_arg(a, v, 0, 1000000000);
    else if (!strcmp(a, "--max-lut")) o->autoo.max_lut = int_arg(a, v, 0, 1000000000);
    else if (!strcmp(a, "--max-bram")) o->autoo.max_bram = int_arg(a, v, 0, 1000000000);
    else if (!strcmp(a, "--latency-cycles")) o->autoo.max_latency_cycles = int_arg(a, v, 1, 2000000000);
    else if (!strcmp(a, "--synth")) o->synth_k = int_arg(a, v, 0, 100);
    else if (!strcmp(a, "--resources")) {
        if (strcmp(v, "ice40") && strcmp(v, "ecp5") && strcmp(v, "xilinx"))
            user_error(NULL, "--resources: expected ice40, ecp5 or xilinx, got '%s'", v);
        o->res_family = v;
    }
    else if (!strcmp(a, "--latency-us")) {
        if (!decimal_arg(v, &o->latency_us) || !(o->latency_us > 0 && o->latency_us < 1e9))
            user_error(NULL, "--latency-us: expected a positive number of microseconds, got '%s'", v);
    } else if (!strcmp(a, "--optimize")) {
        if (!strcmp(v, "latency")) o->autoo.objective = OPT_LATENCY;
        else if (!strcmp(v, "throughput")) o->autoo.objective = OPT_THROUGHPUT;
        else if (!strcmp(v, "area")) o->autoo.objective = OPT_AREA;
        else user_error(NULL, "--optimize: expected latency, throughput or area, got '%s'", v);
        o->autoo_set = true;
    } else {
        return false;
    }
    if (strcmp(a, "--optimize") && strcmp(a, "--synth") && strcmp(a, "--resources")) o->autoo_set = true;
    (*i)++;
    return true;
}

/* --config with hls4ml's project keys: the model it names when MODEL is not given (KerasH5,
 * KerasModel, KerasJson + KerasWeights), its ClockPeriod as --target's clock unless --clock. */
static void config_project(Options *o)
{
    if (!o->keras.config) return;
    static ConfigProject pr;
    static char clock[32];
    keras_config_project(o->keras.config, !o->model, &pr);
    if (!o->model && pr.model) {
        o->model = pr.model;
        if (pr.weights && !o->keras.weights) o->keras.weights = pr.weights;
    }
    if (pr.clock_ns > 0 && !o->clock && o->flow.target) {
        snprintf(clock, sizeof clock, "%.6g", 1000.0 / pr.clock_ns);
        o->clock = clock;
        o->clock_from_config = true;
    }
}

/* The combinations of the run's switches that make sense (--sim, --emulate, --precision ...) */
static void check_run_options(const Options *o)
{
    if (o->import && (o->sim || o->emulate || o->dump || o->flow.target))
        user_error(NULL, "rnnc import writes a model.json; --sim, --emulate, --dump and --target go with a normal run");
    if (o->sim && !o->out_dir) user_error(NULL, "--sim needs -o DIR (where the design and the simulation go)");
    if (o->sim && o->emulate) user_error(NULL, "--sim and --emulate are separate runs; give one");
    if (o->use_float && !o->emulate) user_error(NULL, "--float goes with --emulate");
    if (o->waves && (!o->sim || !strcmp(o->simulator, "uart")))
        user_error(NULL, "--waves goes with --sim (--simulator verilator or icarus)");
    if (o->trace && (!o->emulate || o->use_float)) user_error(NULL, "--trace goes with --emulate IN.txt (and prints both runs)");
    if ((o->prec.calibrate || o->prec.max_error > 0) && !o->prec.width)
        user_error(NULL, "--calibrate and --max-error go with --precision auto");
    if (o->prec.max_error > 0 && !o->prec.calibrate)
        user_error(NULL, "--max-error needs --calibrate CAL.txt (the inputs the error is measured on)");
    if (o->stall >= 0 && !o->sim && !o->flow.post_synth) user_error(NULL, "--stall goes with --sim (or --post-synth)");
    if (o->stall >= 0 && o->sim && !strcmp(o->simulator, "uart"))
        user_error(NULL, "--stall: the uart simulator has no AXI-Stream ports to stall; use verilator or icarus");
    if (strcmp(o->simulator, "verilator") && strcmp(o->simulator, "icarus") && strcmp(o->simulator, "uart"))
        user_error(NULL, "--simulator: expected verilator, icarus or uart, got '%s'", o->simulator);
    if (o->dump && strcmp(o->dump, "schedule")) user_error(NULL, "--dump: expected 'schedule', got '%s'", o->dump);
}

static Options parse_args(int argc, char **argv)
{
    Options o = {.simulator = "verilator", .stall = -1, .autoo = {.max_dsp = -1, .max_lut = -1, .max_bram = -1}};
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
        } else if (!strcmp(a, "--stall") && has_next) {
            o.stall = int_arg(a, argv[++i], 0, 2147483647);
        } else if (!strcmp(a, "--dump") && has_next) {
            o.dump = argv[++i];
        } else if (!strcmp(a, "--board") && i + 2 < argc) {
            o.board = argv[++i];
            o.board_in = argv[++i];
        } else if (!strcmp(a, "--target") && has_next) {
            o.flow.target = argv[++i];
        } else if (!strcmp(a, "--device") && has_next) {
            o.flow.device = argv[++i];
        } else if (!strcmp(a, "--package") && has_next) {
            o.flow.package = argv[++i];
        } else if (!strcmp(a, "--part") && has_next) {
            o.flow.part = argv[++i];
        } else if (!strcmp(a, "--family") && has_next) {
            o.flow.family = argv[++i];
        } else if (!strcmp(a, "--clock") && has_next) {
            o.clock = argv[++i];
            (void)clock_arg("--clock", o.clock); /* now: a missing value is named as --clock's, not as a second model */
        } else if (!strcmp(a, "--post-synth") && has_next) {
            o.flow.post_synth = argv[++i];
        } else if (!strcmp(a, "--table-reg")) {
            o.table_reg = true;
        } else if (!strcmp(a, "--float")) {
            o.use_float = true;
        } else if (!strcmp(a, "--waves")) {
            o.waves = true;
        } else if (!strcmp(a, "--weights") && has_next) {
            o.keras.weights = argv[++i];
        } else if (!strcmp(a, "--config") && has_next) {
            o.keras.config = argv[++i];
        } else if (!strcmp(a, "--precision") && has_next) {
            const char *v = argv[++i];
            if (!strcmp(v, "auto")) o.prec.width = 16;
            else if (!strncmp(v, "auto:", 5)) o.prec.width = int_arg("--precision auto:W", v + 5, 2, 32);
            else o.keras.precision = v;
        } else if (!strcmp(a, "--calibrate") && has_next) {
            o.prec.calibrate = argv[++i];
        } else if (!strcmp(a, "--max-error") && has_next) {
            const char *v = argv[++i];
            if (!decimal_arg(v, &o.prec.max_error) || !(o.prec.max_error > 0 && o.prec.max_error < 1e6))
                user_error(NULL, "--max-error: expected a positive number, got '%s'", v);
        } else if (!strcmp(a, "--write-config") && has_next) {
            o.prec.write_config = argv[++i];
        } else if (!strcmp(a, "--numerics") && has_next) {
            const char *v = argv[++i];
            if (!strcmp(v, "hls4ml")) o.numerics = NUM_HLS4ML;
            else if (strcmp(v, "rnnc")) user_error(NULL, "--numerics: expected rnnc or hls4ml, got '%s'", v);
        } else if (!strcmp(a, "--trace")) {
            o.trace = true;
        } else if (!strcmp(a, "--reuse") && has_next && !strcmp(argv[i + 1], "auto")) {
            o.reuse_auto = true;
            i++;
        } else if (!strcmp(a, "--reuse") && has_next) {
            o.keras.reuse = int_arg(a, argv[++i], 1, RNNC_MAX_RF);
        } else if (parse_auto_arg(&o, argc, argv, &i)) {
            continue;
        } else if (!strcmp(a, "--timesteps") && has_next) {
            o.keras.timesteps = int_arg(a, argv[++i], 1, RNNC_MAX_DIM);
        } else if (i == 1 && !strcmp(a, "import")) {
            o.import = true;
        } else if (i == 1 && !strcmp(a, "explore")) {
            o.explore = true;
        } else if (a[0] == '-') {
            user_error(NULL, "unknown option or missing argument: %s (see rnnc --help)", a);
        } else if (!o.model) {
            o.model = a;
        } else {
            user_error(NULL, "more than one model given: %s and %s", o.model, a);
        }
    }
    config_project(&o);
    if (!o.model && o.keras.config)
        user_error(o.keras.config, "names no model (KerasH5, KerasModel, or KerasJson and KerasWeights): give MODEL "
                   "on the command line");
    if (!o.model) {
        usage(stderr);
        exit(2);
    }
    check_run_options(&o);
    check_auto_options(&o);
    check_flow_options(&o);
    return o;
}

/* --part: a Xilinx part of flow_devices; it sets the family (which --family may repeat) */
static void check_xilinx_part(FlowOptions *f)
{
    if (!f->part) return;
    char names[400];
    if (strcmp(f->target, "xilinx")) {
        part_names("xilinx", names, sizeof names);
        user_error(NULL, "--part is for --target xilinx (%s); --target %s takes --device", names, f->target);
    }
    const Device *d = flow_device("xilinx", f->part);
    if (!d) {
        part_names("xilinx", names, sizeof names);
        user_error(NULL, "--part: expected one of %s, got '%s'", names, f->part);
    }
    if (f->family && strcmp(f->family, d->family))
        user_error(NULL, "--family %s contradicts --part %s (an %s part)", f->family, d->name, d->family);
    f->part = d->name;
    f->family = d->family;
}

static void check_xilinx_family(const FlowOptions *f)
{
    if (f->family && strcmp(f->family, "xc7") && strcmp(f->family, "xcup"))
        user_error(NULL, "--family: expected xc7 or xcup, got '%s'", f->family);
}

/* --reuse auto, the budgets and the objective; rnnc explore */
static void check_auto_options(Options *o)
{
    if (o->reuse_auto && o->keras.reuse)
        user_error(NULL, "--reuse: give a number or auto, not both");
    if (o->explore && (o->import || o->sim || o->emulate || o->dump || o->board))
        user_error(NULL, "rnnc explore prints the candidates; --sim, --emulate, --dump and --board go with a normal run");
    if (o->explore && !o->flow.target) user_error(NULL, "rnnc explore needs --target (the part the candidates must fit)");
    if (o->explore && o->synth_k > 0 && !o->out_dir) user_error(NULL, "explore --synth K needs -o DIR");
    if (o->synth_k && !o->explore) user_error(NULL, "--synth K goes with rnnc explore");
    if ((o->autoo_set || o->latency_us > 0) && !o->reuse_auto && !o->flow.target && !o->explore)
        user_error(NULL, "--max-dsp, --max-lut, --max-bram, --optimize and --latency-cycles/--latency-us go with "
                   "--reuse auto, --target or rnnc explore");
    if (o->autoo.objective == OPT_AREA && !o->autoo.max_latency_cycles && !(o->latency_us > 0))
        user_error(NULL, "--optimize area needs --latency-cycles N or --latency-us X (the latency to meet)");
    if (o->autoo.max_latency_cycles && o->latency_us > 0) user_error(NULL, "give --latency-cycles or --latency-us, not both");
}

/* --target and friends: defaults and the combinations that make sense */
static void check_flow_options(Options *o)
{
    FlowOptions *f = &o->flow;
    if (!f->target) {
        if (f->device || f->package || f->part || o->clock || f->post_synth)
            user_error(NULL, "--device, --package, --part, --clock and --post-synth go with --target");
        if (f->family && !(o->res_family && !strcmp(o->res_family, "xilinx")))
            user_error(NULL, "--family goes with --target xilinx or --resources xilinx");
        check_xilinx_family(f);
        return;
    }
    if (strcmp(f->target, "ice40") && strcmp(f->target, "generic") && strcmp(f->target, "xilinx") && strcmp(f->target, "ecp5"))
        user_error(NULL, "--target: expected ice40, generic, xilinx or ecp5, got '%s'", f->target);
    if (!o->out_dir && !o->explore) user_error(NULL, "--target needs -o DIR (where the design, the logs and the bitstream go)");
    if (o->sim || o->emulate) user_error(NULL, "--target and --sim/--emulate are separate runs; give one");
    bool ice40 = !strcmp(f->target, "ice40"), ecp5 = !strcmp(f->target, "ecp5");
    /* Yosys 0.23's cell models: ECP5's have no MULT18X18D, Xilinx's netlist does not simulate */
    if (f->post_synth && !ice40 && strcmp(f->target, "generic"))
        user_error(NULL, "--post-synth: expected --target ice40 or generic (Yosys's %s cell models cannot simulate "
                   "the netlist), got --target %s", f->target, f->target);
    if (!ice40 && !ecp5 && (f->device || f->package))
        user_error(NULL, "--device and --package are for --target ice40 or ecp5");
    if (f->family && strcmp(f->target, "xilinx")) user_error(NULL, "--family is for --target xilinx");
    check_xilinx_part(f);
    if (!f->family) f->family = "xc7";
    check_xilinx_family(f);
    /* device and its default package (the boards rnnc has pin files for): flow_devices */
    const char *family = ecp5 ? "ecp5" : "ice40"; /* generic and xilinx keep the iCE40 defaults */
    const Device *dev = flow_device(family, f->device);
    if (!dev) {
        char names[200] = "";
        for (const Device *d = flow_devices; d->target; d++)
            if (!strcmp(d->target, family))
                snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", *names ? ", " : "", d->name);
        user_error(NULL, "--device: expected one of %s (%s), got '%s'", names, family, f->device);
    }
    f->device = dev->name;
    if (!f->package) f->package = dev->package;
    bool pkg = *f->package;
    for (const char *p = f->package; *p; p++)
        pkg = pkg && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'));
    if (!pkg) user_error(NULL, "--package: expected a package name like sg48, ct256 or CABGA381, got '%s'", f->package);
    /* iCEBreaker: its 12 MHz oscillator times 4; ULX3S: its 25 MHz oscillator times 2 */
    /* Xilinx: 200 MHz, the rate the schedule's one-operation stages are built for (flow_devices) */
    f->clock_mhz = ecp5 ? 50.0 : !strcmp(f->target, "xilinx") ? flow_device("xilinx", f->part)->clock_mhz : 48.0;
    const char *opt = o->clock_from_config ? "the --config's ClockPeriod (in MHz)" : "--clock";
    if (o->clock) f->clock_mhz = clock_arg(opt, o->clock);
    char why[200];
    if (o->clock && !flow_clock_ok(f->target, f->clock_mhz, why, sizeof why)) user_error(NULL, "%s: %s, got '%s'", opt, why, o->clock);
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
    opt.keras.prec = &opt.prec;

    if (opt.import) {
        import_model(opt.model, &opt.keras, opt.out_dir);
        return 0;
    }
    Model *m = load_model(opt.model, &opt.keras);
    AutoSearch *as = auto_prepare(m);
    check_model(m);
    set_numerics(m, opt.numerics);
    if (opt.numerics == NUM_HLS4ML) hls4ml_check(m);
    if (opt.prec.width) precision_choose(m, &opt.prec); /* quantizes with the chosen types */
    else quantize_model(m);
    if (opt.prec.write_config) precision_write_config(m, opt.prec.write_config);
    const char *vec_path = opt.emulate ? opt.emulate : opt.sim ? opt.sim : opt.board ? opt.board_in : opt.flow.post_synth;
    Vectors *v = vec_path ? read_vectors(vec_path, m) : NULL;
    if (opt.board) return run_board(m, v, opt.board);

    if (opt.emulate && opt.trace) {
        precision_trace(stdout, m, v);
        return 0;
    }
    if ((opt.emulate && !opt.use_float) || opt.sim) precision_warn_overflow(m, v, vec_path);
    if (opt.emulate) {
        print_emulation(m, v, opt.use_float);
        return 0;
    }

    if (opt.numerics == NUM_HLS4ML) hls4ml_check_rtl(m);
    /* iCE40 is slow: there every activation registers its table index (docs/flow.md) */
    int table_reg = opt.table_reg || (opt.flow.target && !strcmp(opt.flow.target, "ice40"));
    AutoOptions *ao = &opt.autoo;
    bool searching = opt.explore || opt.reuse_auto || (opt.flow.target && as->n_knobs > 0);
    /* the family the design is for: --target's, or without one --resources F's */
    const char *target = opt.res_family && !opt.flow.target ? opt.res_family : opt.flow.target;
    if (searching) {
        auto_budgets(ao, &opt.flow, target, table_reg, opt.latency_us);
        auto_search(as, m, ao);
        while (auto_shrink_tables(&as, m, ao)) continue;
        if (opt.explore) return run_explore(m, as, ao, &opt.flow, opt.out_dir, opt.synth_k);
        auto_announce(as, ao);
    }
    Netlist *n = lower_model_family(m, table_reg, res_family(target), res_ultrascale(target, opt.flow.family));
    Schedule *s = schedule_netlist(n, RNNC_II_SEQ);
    if (opt.dump) dump_schedule(stdout, n, s);

    if (opt.out_dir) emit_design(n, s, &opt.flow, opt.out_dir, searching ? as : NULL);
    if (!opt.dump) print_summary(opt.sim ? stderr : stdout, n, s);
    sim_set_waves(opt.waves);
    if (opt.sim) return run_simulation(n, s, v, opt.out_dir, opt.simulator, opt.stall);
    if (opt.flow.target) {
        int rc = searching ? auto_flow(m, as, ao, &opt.flow, opt.out_dir, &n, &s) : run_flow(n, s, &opt.flow, opt.out_dir);
        if (rc == 0 && opt.flow.post_synth) rc = run_simulation(n, s, v, opt.out_dir, "post-synth", opt.stall);
        return rc;
    }
    return 0;
}
