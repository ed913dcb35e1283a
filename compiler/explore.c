/* explore.c: the front ends of the reuse-factor search (autoreuse.c): budgets from the part,
 * the message saying what was chosen, the flow that falls back to smaller candidates when
 * place and route disagrees with the prediction, and `rnnc explore` (the Pareto front of
 * latency against resources: a table, DIR/explore.csv and DIR/explore.svg, optionally the
 * flow on the best K candidates). */
#define _POSIX_C_SOURCE 200809L
#include "rnnc.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const objective_names[] = {"latency", "throughput", "area"};

/* The search's family (TARGET: --target's, or without one --resources F's) and budgets: the
 * flags', else --target's part's. */
void auto_budgets(AutoOptions *o, const FlowOptions *fo, const char *target, int table_reg, double latency_us)
{
    o->family = res_family(target);
    o->ultrascale = res_ultrascale(target, fo->family);
    o->table_reg = table_reg;
    const Device *d = NULL;
    if (fo->target && (!strcmp(fo->target, "ice40") || !strcmp(fo->target, "ecp5")))
        d = flow_device(fo->target, fo->device);
    else if (fo->target && !strcmp(fo->target, "xilinx") && fo->part) /* --part: its capacities */
        d = flow_device("xilinx", fo->part);
    bool xilinx = d && !strcmp(d->target, "xilinx");
    o->lut_margin = o->max_lut >= 0 ? 1.0 : res_lut_margin(o->family);
    /* logic multipliers only where the user says how much logic they may take */
    o->logic_spill = o->max_lut >= 0 && res_logic_spill(o->family);
    if (d && o->max_dsp < 0) o->max_dsp = d->dsp;
    if (d && o->max_bram < 0) o->max_bram = xilinx ? 2L * d->bram : d->bram; /* Xilinx: RAMB18 (36 kbit halves) */
    if (d && o->max_lut < 0) o->max_lut = d->lut;
    if (latency_us > 0) o->max_latency_cycles = (long)(latency_us * (fo->clock_mhz > 0 ? fo->clock_mhz : 100.0));
}

static void budget_text(const AutoOptions *o, const Resources *r, char *out, size_t len)
{
    char b[4][48];
    long have[4] = {r->dsp, r->lut, r->ff, r->bram}, cap[4] = {o->max_dsp, o->max_lut, auto_ff_cap(o), o->max_bram};
    for (int i = 0; i < 4; i++) {
        if (cap[i] >= 0) snprintf(b[i], sizeof b[i], "%ld/%ld", have[i], cap[i]);
        else snprintf(b[i], sizeof b[i], "%ld", have[i]);
    }
    snprintf(out, len, "DSP %s, LUT %s, FF %s, BRAM %s", b[0], b[1], b[2], b[3]);
}

void auto_announce(const AutoSearch *a, const AutoOptions *o)
{
    if (a->n_knobs == 0) {
        fprintf(stderr, "rnnc: --reuse auto: the model (or --reuse/--config) sets every reuse factor; nothing to choose\n");
        return;
    }
    const Candidate *c = &a->cand[a->chosen];
    char f[2048], b[256];
    auto_describe(a, a->chosen, f, sizeof f);
    budget_text(o, &c->res, b, sizeof b);
    fprintf(stderr, "rnnc: reuse factors chosen (%s, %d candidates): %s; predicted %ld cycles, II %ld; %s\n",
            objective_names[o->objective], a->n_cand, f, c->latency, c->ii, b);
    if (!c->fits)
        fprintf(stderr, "rnnc: warning: even the smallest design (every layer at its largest reuse factor) is "
                "predicted not to fit the budget (%s)\n", b);
    else if (o->objective == OPT_AREA && c->latency > o->max_latency_cycles)
        fprintf(stderr, "rnnc: warning: no candidate that fits meets %ld cycles; the fastest that fits is chosen\n",
                o->max_latency_cycles);
}

/* The search's record: objective, budgets, the chosen factors, how many candidates. */
static cJSON *search_json(const AutoSearch *a, const AutoOptions *o)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "objective", objective_names[o->objective]);
    cJSON *b = cJSON_AddObjectToObject(j, "budgets");
    if (o->max_dsp >= 0) cJSON_AddNumberToObject(b, "dsp", (double)o->max_dsp);
    if (o->max_lut >= 0) cJSON_AddNumberToObject(b, "lut", (double)o->max_lut);
    if (o->max_lut >= 0) cJSON_AddNumberToObject(b, "ff", (double)auto_ff_cap(o));
    if (o->max_bram >= 0) cJSON_AddNumberToObject(b, "bram", (double)o->max_bram);
    cJSON_AddNumberToObject(b, "lut_margin", o->lut_margin);
    if (o->max_latency_cycles) cJSON_AddNumberToObject(j, "latency_cycles_goal", (double)o->max_latency_cycles);
    cJSON_AddNumberToObject(j, "candidates_evaluated", a->n_cand);
    cJSON *rf = cJSON_AddObjectToObject(j, "reuse_factors"), *rrf = NULL, *lm = NULL, *sh = NULL, *lg = NULL;
    for (int k = 0; k < a->n_knobs; k++) {
        int v = auto_value(a, a->chosen, k);
        if (a->knob[k].which == KNOB_REUSE) {
            cJSON_AddNumberToObject(rf, a->knob[k].layer->name, v);
            continue;
        }
        if (a->knob[k].which == KNOB_SHARE) {
            if (!sh) sh = cJSON_AddObjectToObject(j, "share_multipliers");
            cJSON_AddBoolToObject(sh, a->knob[k].layer->name, v > 0);
            continue;
        }
        if (a->knob[k].which == KNOB_LANE) {
            if (!lm) lm = cJSON_AddObjectToObject(j, "lane_multipliers");
            cJSON_AddNumberToObject(lm, a->knob[k].layer->name, v);
            continue;
        }
        /* the split form's h*U factors, only where chosen (absent: lower.c chose the form) */
        if (v && !rrf) rrf = cJSON_AddObjectToObject(j, "recurrent_reuse_factors");
        if (v) cJSON_AddNumberToObject(rrf, a->knob[k].layer->name, v);
    }
    for (int s = 0, v; s < a->n_spill; s++) /* the multipliers past the DSP budget, in logic (auto_spill) */
        if ((v = a->cand[a->chosen].idx[a->n_knobs + s]) > 0) {
            if (!lg) lg = cJSON_AddObjectToObject(j, "logic_multipliers");
            cJSON_AddNumberToObject(lg, a->spill[s]->name, v);
        }
    cJSON_AddItemToObject(j, "predicted", res_totals_json(&a->cand[a->chosen].res));
    cJSON_AddBoolToObject(j, "predicted_fits", a->cand[a->chosen].fits);
    return j;
}

/* Replace (or add) key in DIR/report.json. */
static void report_put(const char *dir, const char *key, cJSON *item)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/report.json", dir);
    char *text = try_read_whole_file(path, NULL);
    cJSON *root = text ? cJSON_Parse(text) : NULL;
    free(text);
    if (!root) root = cJSON_CreateObject();
    cJSON_DeleteItemFromObjectCaseSensitive(root, key);
    cJSON_AddItemToObject(root, key, item);
    write_json_tree(dir, "report.json", root);
}

void emit_design(const Netlist *n, const Schedule *s, const FlowOptions *fo, const char *dir, const AutoSearch *a)
{
    char *stage = stage_begin(dir);
    emit_verilog(n, s, stage);
    emit_sim(n, s, stage);
    emit_report(n, s, stage);
    emit_uart(n, stage);
    emit_ref(n->model, stage);
    if (fo->target) emit_flow(n, fo, stage);
    if (a && a->n_cand) {
        AutoOptions o = {.objective = OPT_LATENCY, .max_dsp = -1, .max_lut = -1, .max_bram = -1};
        if (a->opts) o = *a->opts;
        report_put(stage, "auto_reuse", search_json(a, &o));
    }
    stage_commit(stage, dir);
    free(stage);
}

static Netlist *relower(Model *m, const AutoOptions *o, Schedule **s)
{
    Netlist *n = lower_model_family(m, o->table_reg, o->family, o->ultrascale);
    *s = schedule_netlist(n, RNNC_II_SEQ);
    return n;
}

/* What the flow found for the design in dir: fits, timing met, Fmax, the core's cells. */
static long num(const cJSON *o, const char *key, long dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? (long)v->valuedouble : dflt;
}

/* have: the core's counts were found (meas, and the part's avail: -1 where unknown) */
static cJSON *flow_outcome(const char *dir, bool *ok, bool *have, Resources *meas, Resources *avail)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/report.json", dir);
    char *text = try_read_whole_file(path, NULL);
    cJSON *root = text ? cJSON_Parse(text) : NULL;
    free(text);
    cJSON *impl = cJSON_GetObjectItemCaseSensitive(root, "implementation");
    cJSON *out = cJSON_CreateObject();
    const cJSON *fits = cJSON_GetObjectItemCaseSensitive(impl, "fits");
    const cJSON *met = cJSON_GetObjectItemCaseSensitive(impl, "timing_met");
    const cJSON *fmax = cJSON_GetObjectItemCaseSensitive(impl, "fmax_mhz");
    const cJSON *cu = cJSON_GetObjectItemCaseSensitive(impl, "core_utilization");
    cJSON_AddBoolToObject(out, "fits", cJSON_IsTrue(fits));
    if (met) cJSON_AddBoolToObject(out, "timing_met", cJSON_IsTrue(met));
    if (cJSON_IsNumber(fmax)) cJSON_AddNumberToObject(out, "fmax_mhz", fmax->valuedouble);
    if (cu) cJSON_AddItemToObject(out, "measured", cJSON_Duplicate(cu, true));
    const cJSON *tries = cJSON_GetObjectItemCaseSensitive(impl, "pnr_attempts"); /* nextpnr's seeds */
    if (tries) cJSON_AddItemToObject(out, "pnr_attempts", cJSON_Duplicate(tries, true));
    *ok = cJSON_IsTrue(fits) && (!met || cJSON_IsTrue(met));
    *have = cu != NULL;
    const char *lk = cJSON_GetObjectItemCaseSensitive(cu, "lut4") ? "lut4" : "lut";
    const char *lav = cJSON_GetObjectItemCaseSensitive(cu, "lc_available") ? "lc_available" : "lut_available";
    *meas = (Resources){.dsp = num(cu, "dsp", 0), .lut = num(cu, lk, 0), .ff = num(cu, "ff", 0), .bram = num(cu, "bram", 0)};
    *avail = (Resources){.dsp = num(cu, "dsp_available", -1), .lut = num(cu, lav, -1), .ff = num(cu, lav, -1),
                         .bram = num(cu, "bram_available", -1)};
    cJSON_Delete(root);
    return out;
}

int auto_flow(Model *m, AutoSearch *a, AutoOptions *o, const FlowOptions *fo, const char *dir, Netlist **n,
              Schedule **s)
{
    cJSON *attempts = cJSON_CreateArray();
    int c = a->chosen, rc = 0;
    for (int attempt = 1;; attempt++) {
        rc = run_flow(*n, *s, fo, dir);
        bool ok = false, have = false;
        Resources meas, avail;
        cJSON *at = flow_outcome(dir, &ok, &have, &meas, &avail);
        char f[2048];
        auto_describe(a, c, f, sizeof f);
        cJSON_AddStringToObject(at, "reuse_factors", f);
        cJSON_AddItemToObject(at, "predicted", res_totals_json(&a->cand[c].res));
        cJSON_AddNumberToObject(at, "latency_cycles", (double)a->cand[c].latency);
        cJSON_AddItemToArray(attempts, at);
        a->cand[c].tried = true;
        if (rc != 0 || ok || a->n_knobs == 0) break;
        bool slow = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(at, "fits")); /* fitted: missed the clock */
        int nx = attempt < RNNC_AUTO_ATTEMPTS ? auto_next(a, o, c, have ? &meas : NULL, have ? &avail : NULL, slow) : -1;
        if (nx < 0) {
            fprintf(stderr, "rnnc: warning: the chosen design (%s) does not fit or misses timing, and no smaller "
                    "candidate is left to try (%d attempts)\n", f, attempt);
            break;
        }
        char g[2048];
        auto_describe(a, nx, g, sizeof g);
        fprintf(stderr, "rnnc: attempt %d (%s) %s; trying the next candidate: %s\n", attempt, f,
                slow ? "misses the clock, so a smaller design" : "does not fit: budgets tightened from the measurement", g);
        auto_apply(a, nx);
        c = nx;
        netlist_free(*n);
        *n = relower(m, o, s);
        emit_design(*n, *s, fo, dir, a);
        print_summary(stdout, *n, *s);
    }
    cJSON *rec = search_json(a, o);
    cJSON_AddItemToObject(rec, "attempts", attempts);
    report_put(dir, "auto_reuse", rec);
    return rc;
}

/* The Pareto candidates, by latency (then the chosen one first among equals). */
static int front(const AutoSearch *a, int *out)
{
    int k = 0;
    for (int i = 0; i < a->n_cand; i++)
        if (auto_pareto(a, i) || i == a->chosen) out[k++] = i;
    for (int i = 1; i < k; i++)
        for (int j = i; j > 0 && a->cand[out[j]].latency < a->cand[out[j - 1]].latency; j--) {
            int t = out[j];
            out[j] = out[j - 1];
            out[j - 1] = t;
        }
    return k;
}

static void write_csv(const AutoSearch *a, const int *fr, int k, double mhz, const char *dir)
{
    FILE *f = xfopen_w(dir, "explore.csv");
    fprintf(f, "chosen,pareto,latency_cycles,ii_cycles,latency_us,dsp,lut,ff,bram,area,fits");
    static const char *const knob_col[] = {[KNOB_REUSE] = "rf", [KNOB_RREUSE] = "rrf", [KNOB_LANE] = "lm", [KNOB_SHARE] = "sh"};
    for (int j = 0; j < a->n_knobs; j++) fprintf(f, ",%s_%s", knob_col[a->knob[j].which], a->knob[j].layer->name);
    for (int s = 0; s < a->n_spill; s++) fprintf(f, ",lg_%s", a->spill[s]->name); /* auto_spill's logic multipliers */
    fprintf(f, "\n");
    for (int i = 0; i < a->n_cand; i++) {
        const Candidate *c = &a->cand[i];
        bool on = false;
        for (int j = 0; j < k; j++) on = on || fr[j] == i;
        fprintf(f, "%d,%d,%ld,%ld,%.3f,%ld,%ld,%ld,%ld,%.4f,%d", i == a->chosen, on, c->latency, c->ii,
                (double)c->latency / mhz, c->res.dsp, c->res.lut, c->res.ff, c->res.bram, c->area, c->fits);
        for (int j = 0; j < a->n_knobs; j++) fprintf(f, ",%d", auto_value(a, i, j));
        for (int s = 0; s < a->n_spill; s++) fprintf(f, ",%d", c->idx[a->n_knobs + s]);
        fprintf(f, "\n");
    }
    xfclose(f);
}

/* Latency (log scale) against area: every candidate grey, the front blue, the chosen red. */
static void write_svg(const AutoSearch *a, const int *fr, int k, const char *dir, const char *title)
{
    double lmin = 1e300, lmax = 0, amax = 1e-9;
    for (int i = 0; i < a->n_cand; i++) {
        double l = (double)a->cand[i].latency;
        if (l < lmin) lmin = l;
        if (l > lmax) lmax = l;
        if (a->cand[i].area > amax) amax = a->cand[i].area;
    }
    double l0 = log10(lmin > 1 ? lmin : 1) - 0.05, l1 = log10(lmax > 1 ? lmax : 1) + 0.05;
    FILE *f = xfopen_w(dir, "explore.svg");
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"420\" font-family=\"sans-serif\" font-size=\"12\">\n"
               "<rect width=\"640\" height=\"420\" fill=\"white\"/>\n<text x=\"320\" y=\"20\" text-anchor=\"middle\">%s: latency "
               "against resources (predicted)</text>\n<line x1=\"60\" y1=\"370\" x2=\"620\" y2=\"370\" stroke=\"black\"/>\n"
               "<line x1=\"60\" y1=\"370\" x2=\"60\" y2=\"40\" stroke=\"black\"/>\n<text x=\"340\" y=\"405\" "
               "text-anchor=\"middle\">latency (cycles, log scale) %.0f .. %.0f</text>\n<text x=\"15\" y=\"205\" "
               "transform=\"rotate(-90 15 205)\" text-anchor=\"middle\">resources (sum of used fractions) 0 .. %.2f</text>\n",
            title, lmin, lmax, amax);
#define PX(c) (60.0 + 560.0 * (log10((double)(c)->latency) - l0) / (l1 - l0))
#define PY(c) (370.0 - 320.0 * (c)->area / amax)
    for (int i = 0; i < a->n_cand; i++)
        fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>\n", PX(&a->cand[i]), PY(&a->cand[i]),
                a->cand[i].fits ? "#999" : "#e0b0b0");
    fprintf(f, "<polyline fill=\"none\" stroke=\"#1f60c0\" stroke-width=\"1.5\" points=\"");
    for (int j = 0; j < k; j++) fprintf(f, "%.1f,%.1f ", PX(&a->cand[fr[j]]), PY(&a->cand[fr[j]]));
    fprintf(f, "\"/>\n<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"none\" stroke=\"red\" stroke-width=\"2\"/>\n</svg>\n",
            PX(&a->cand[a->chosen]), PY(&a->cand[a->chosen]));
#undef PX
#undef PY
    xfclose(f);
}

static void print_row(const AutoSearch *a, int i, double mhz)
{
    const Candidate *c = &a->cand[i];
    char f[2048];
    auto_describe(a, i, f, sizeof f);
    printf("%s %8ld %8ld %10.3f %5ld %7ld %7ld %5ld %6.3f %-4s %s\n", i == a->chosen ? "*" : " ", c->latency, c->ii,
           (double)c->latency / mhz, c->res.dsp, c->res.lut, c->res.ff, c->res.bram, c->area, c->fits ? "yes" : "no", f);
}

/* --synth K: the flow on the best K candidates of the front, measured beside predicted. */
static int synth_best(Model *m, AutoSearch *a, const AutoOptions *o, const FlowOptions *fo, const char *dir,
                      const int *fr, int k, int synth_k)
{
    int done = 0, rc = 0;
    printf("\n  candidate   predicted DSP/LUT/FF/BRAM   measured DSP/LUT/FF/BRAM   fits  Fmax\n");
    for (int j = 0; j < k && done < synth_k; j++) {
        int i = fr[j];
        if (!a->cand[i].fits) continue;
        auto_apply(a, i);
        Schedule *s;
        Netlist *n = relower(m, o, &s);
        char sub[4200];
        snprintf(sub, sizeof sub, "%s/cand%d", dir, ++done);
        emit_design(n, s, fo, sub, a);
        int r = run_flow(n, s, fo, sub);
        if (r) rc = r;
        bool ok, have;
        Resources meas, avail;
        cJSON *oc = flow_outcome(sub, &ok, &have, &meas, &avail);
        const cJSON *mu = cJSON_GetObjectItemCaseSensitive(oc, "measured"), *fm = cJSON_GetObjectItemCaseSensitive(oc, "fmax_mhz");
        const cJSON *lut = cJSON_GetObjectItemCaseSensitive(mu, "lut4");
        if (!lut) lut = cJSON_GetObjectItemCaseSensitive(mu, "lut");
        const Resources *p = &a->cand[i].res;
        printf("  cand%-3d %8ld/%ld/%ld/%ld %14d/%d/%d/%d %10s  %.1f\n", done, p->dsp, p->lut, p->ff, p->bram,
               cJSON_GetObjectItemCaseSensitive(mu, "dsp") ? cJSON_GetObjectItemCaseSensitive(mu, "dsp")->valueint : -1,
               lut ? lut->valueint : -1,
               cJSON_GetObjectItemCaseSensitive(mu, "ff") ? cJSON_GetObjectItemCaseSensitive(mu, "ff")->valueint : -1,
               cJSON_GetObjectItemCaseSensitive(mu, "bram") ? cJSON_GetObjectItemCaseSensitive(mu, "bram")->valueint : -1,
               cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(oc, "fits")) ? "yes" : "no",
               cJSON_IsNumber(fm) ? fm->valuedouble : 0.0);
        cJSON_Delete(oc);
        netlist_free(n);
    }
    return rc;
}

int run_explore(Model *m, AutoSearch *a, const AutoOptions *o, const FlowOptions *fo, const char *dir, int synth_k)
{
    int *fr = xcalloc((size_t)a->n_cand + 1, sizeof(int));
    int k = front(a, fr);
    double mhz = fo->clock_mhz > 0 ? fo->clock_mhz : 100.0;
    bool dev = !strcmp(fo->target, "ice40") || !strcmp(fo->target, "ecp5");
    printf("rnnc explore: %s on %s%s%s: %d candidates evaluated, %d on the Pareto front (* = the choice of --reuse auto, "
           "%s; latency in us at %.0f MHz)\n", m->name, fo->target, dev ? " " : "", dev ? fo->device : "", a->n_cand, k,
           objective_names[o->objective], mhz);
    printf("  %8s %8s %10s %5s %7s %7s %5s %6s %-4s %s\n", "latency", "ii", "us", "dsp", "lut", "ff", "bram", "area",
           "fits", "reuse factors");
    /* at most RNNC_EXPLORE_ROWS rows, spread evenly over the front, the choice always */
    enum { RNNC_EXPLORE_ROWS = 24 };
    for (int j = 0; j < k; j++)
        if (k <= RNNC_EXPLORE_ROWS || fr[j] == a->chosen || j % ((k + RNNC_EXPLORE_ROWS - 1) / RNNC_EXPLORE_ROWS) == 0)
            print_row(a, fr[j], mhz);
    int rc = 0;
    if (dir) {
        struct stat st;
        if (stat(dir, &st) != 0 && mkdir(dir, 0777) != 0) user_error(dir, "cannot create: %s", strerror(errno));
        write_csv(a, fr, k, mhz, dir);
        write_svg(a, fr, k, dir, m->name);
        printf("  %s/explore.csv, %s/explore.svg\n", dir, dir);
        if (synth_k > 0) rc = synth_best(m, a, o, fo, dir, fr, k, synth_k);
    }
    free(fr);
    return rc;
}
