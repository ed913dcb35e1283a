/* autoreuse.c: rnnc picks the reuse factors (--reuse auto, or a --target with none given).
 *
 * The knobs are the per-layer factors the model and the command line left open (a layer's own
 * reuse_factor, the model default, --reuse and --config are kept). Each knob takes values from
 * a short list giving distinct multiplier counts (1..8 multipliers, then about 25% more each
 * step, and reuse factor 1). A candidate is one value per knob; it is lowered and scheduled
 * (lower.c, plan.c, schedule.c: its latency and II exactly) and costed (resources.c).
 *
 * The search starts from the smallest design (every knob at its largest factor) and moves one
 * knob at a time up to DESCENT_REACH (4) values down the list, taking the move that improves the objective
 * most per unit of resources added (a second descent: most outright), while the predicted
 * resources fit the budget (the part,
 * with a margin on LUT/FF, or --max-dsp/--max-lut/--max-bram). Objectives: latency (lowest
 * latency, then II), throughput (lowest II, then latency), area (the first design on that path
 * whose latency meets --latency-cycles). Every evaluated candidate is kept: explore prints the
 * Pareto front of latency against resources, and a flow that does not fit or misses timing
 * takes the next smaller candidate (auto_next).
 *
 * A recurrent layer whose factor is open has a second knob, its recurrent_reuse_factor (h*U's):
 * 0 first (not set: lower.c chooses the form, on iCE40-class parts the fused one), then h*U's
 * factors from the largest; any of those is the split form (x*W on its own engine, off the
 * recurrence), where the layer's reuse knob is x*W's factor, capped at x*W's products. Moves
 * skip the values a cap makes equal. An LSTM or GRU (reset_after) layer whose lane_multipliers
 * is open has a third knob: 1 first (each elementwise lane's three products on one multiplier,
 * a unit every 3 cycles), for a GRU then 2 (a unit every cycle, z * h_prev in logic), then 3;
 * on a part with few DSPs the multipliers that frees go to the matrix products. (A further per-layer factor: a kind in KnobWhich, its
 * bound in knob_max, its value in knob_value, its collection in auto_prepare.) */
#include "rnnc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The largest useful value: one multiplier for the products the knob's factor covers per
 * timestep (x*W and h*U; h*U alone; x*W alone: split). */
static int knob_max(const Knob *k, bool split)
{
    const Layer *l = k->layer;
    long long px = (long long)l->in_feat * l->gates * l->units, ph = (long long)l->units * l->gates * l->units;
    bool rec = layer_kind(l->kind)->recurrent;
    long long p = k->which == KNOB_RREUSE ? ph : split ? px : px + (rec ? ph : 0);
    return p > RNNC_MAX_RF ? RNNC_MAX_RF : p < 1 ? 1 : (int)p;
}

/* The factor knob k takes at knob indices idx: its value, a reuse knob's capped at x*W's
 * products when its layer's recurrent knob asks for the split form. */
static int knob_value(const AutoSearch *a, const int *idx, int k)
{
    const Knob *kn = &a->knob[k];
    int v = kn->vals[idx[k]];
    if (kn->which == KNOB_REUSE && kn->partner >= 0 && a->knob[kn->partner].vals[idx[kn->partner]] > 0) {
        int px = knob_max(kn, true);
        if (v > px) v = px;
    }
    return v;
}

/* Every knob's layer factor set to its value at idx. */
static void set_knobs(AutoSearch *a, const int *idx)
{
    for (int k = 0; k < a->n_knobs; k++) {
        int v = knob_value(a, idx, k);
        if (a->knob[k].which == KNOB_RREUSE) a->knob[k].layer->rreuse = v;
        else if (a->knob[k].which == KNOB_LANE) a->knob[k].layer->lane_mults = v;
        else if (a->knob[k].which == KNOB_SHARE) a->knob[k].layer->share = v;
        else a->knob[k].layer->reuse = v;
    }
}

/* A candidate's settings: its knobs (idx), and the logic multipliers its DSP budget gave each
 * spill layer (idx[n_knobs + s], auto_spill). */
void auto_set(AutoSearch *a, const int *idx)
{
    set_knobs(a, idx);
    for (int s = 0; s < a->n_spill; s++) a->spill[s]->logic_mults = idx[a->n_knobs + s];
}

/* Values from the largest factor down: multiplier counts 1..8, then ~25% more per step; the
 * factor is ceil(P / M), each distinct multiplier count once; every factor from KNOB_EVERY_R
 * down (there 25% more multipliers would skip factors: the xcu250 GRU(20)'s 9, 174
 * multipliers, between 10 and 8); 1 last. */
#define KNOB_EVERY_R 16
static void knob_values(Knob *k, bool plain)
{
    int p = knob_max(k, false);
    k->vals = xcalloc(65, sizeof(int));
    k->n_vals = 0;
    if (k->which == KNOB_SHARE) { /* share_multipliers: off (not given), then on */
        k->vals[k->n_vals++] = 0;
        k->vals[k->n_vals++] = 1;
        return;
    }
    if (k->which == KNOB_LANE) { /* lane_multipliers: the fewer multiplier blocks first */
        k->vals[k->n_vals++] = 1;
        if (k->layer->kind == L_GRU) k->vals[k->n_vals++] = 2; /* z * h_prev in logic */
        k->vals[k->n_vals++] = 3;
        return;
    }
    if (k->which == KNOB_RREUSE) k->vals[k->n_vals++] = 0; /* not set: lower.c's form */
    int last_m = 0;
    const Layer *l = k->layer;
    /* a reuse knob's factors in whole rows (each output's products, over all gates, on one
     * multiplier one after another): the regular schedule (its ROM the weights alone, which
     * lower_share_roms can put in a host's ROM; no flags), a cell's banks and early lanes; at
     * most n_in - 1 cycles more than ceil(P / M). Past a row per multiplier, ceil(P / M) again
     * (rows split). */
    int n_rows = l->gates * l->units, n_in = n_rows > 0 && p % n_rows == 0 ? p / n_rows : 0;
    bool rows = k->which == KNOB_REUSE && n_in > 1;
    for (double md = 1, next; k->n_vals < 64; md = next) {
        int m = md > p ? p : (int)md;
        int r = (p + m - 1) / m;
        next = md < 8 ? md + 1 : ceil(md * 1.25);
        if (r <= KNOB_EVERY_R && r > 1) next = fmin(next, ceil((double)p / (r - 1))); /* every r from here */
        if (rows && m <= n_rows && hls4ml_reuse_keeps_order(l, (n_rows + m - 1) / m * n_in))
            r = (n_rows + m - 1) / m * n_in;
        int real_m = (p + r - 1) / r;
        /* hls4ml numerics with a saturating accum: only factors that keep hls4ml's order */
        if (real_m > last_m && r > 1 && hls4ml_reuse_keeps_order(k->layer, r)) {
            k->vals[k->n_vals++] = r;
            last_m = real_m;
        }
        /* plain: ceil(P / M) too, between whole-row factors (a spill layer's extra multipliers
         * are logic ones: the xcu250 GRU(20)'s dense1 takes 37 and 30 between 40 and 20) */
        int rp = (p + m - 1) / m;
        if (plain && rp < r && rp > 1 && (p + rp - 1) / rp > last_m && hls4ml_reuse_keeps_order(k->layer, rp) &&
            k->n_vals < 64) {
            k->vals[k->n_vals++] = rp;
            last_m = (p + rp - 1) / rp;
        }
        if (m >= p) break;
    }
    k->vals[k->n_vals++] = 1;
}

static void add_knob(AutoSearch *a, Layer *l, KnobWhich which)
{
    if (a->n_knobs >= a->cap_knobs) {
        a->cap_knobs = a->cap_knobs ? 2 * a->cap_knobs : 8;
        Knob *nk = xcalloc((size_t)a->cap_knobs, sizeof *nk);
        if (a->n_knobs) memcpy(nk, a->knob, (size_t)a->n_knobs * sizeof *nk);
        free(a->knob);
        a->knob = nk;
    }
    a->knob[a->n_knobs++] = (Knob){.layer = l, .which = which, .partner = -1};
}

/* A layer whose reuse factor is open: its knob, and a recurrent layer's recurrent_reuse_factor
 * knob beside it unless that factor is given. */
static void add_layer_knobs(AutoSearch *a, Layer *l)
{
    add_knob(a, l, KNOB_REUSE);
    bool lanes = l->kind == L_LSTM || (l->kind == L_GRU && l->reset_after);
    if (lanes && !l->lane_mults) add_knob(a, l, KNOB_LANE);
    bool rec = layer_kind(l->kind)->recurrent;
    if (rec && !l->return_sequences && !l->share) add_knob(a, l, KNOB_SHARE);
    bool share = a->knob[a->n_knobs - 1].which == KNOB_SHARE;
    if (!rec || l->rreuse) return;
    add_knob(a, l, KNOB_RREUSE);
    int r = a->n_knobs - 1, f = r - 1 - (lanes && !l->lane_mults) - share; /* the layer's reuse knob */
    a->knob[f].partner = r;
    a->knob[r].partner = f;
}

AutoSearch *auto_prepare(Model *m)
{
    AutoSearch *a = xcalloc(1, sizeof *a);
    if (m->reuse_given) return a;
    for (int i = 0; i < m->n_layers; i++) {
        Layer *l = &m->layers[i];
        if (l->kind == L_BIDIRECTIONAL) {
            for (int d = 0; d < 2; d++)
                if (l->dir[d]->reuse == 0) add_layer_knobs(a, l->dir[d]);
        } else if (layer_kind(l->kind)->weighted && l->reuse == 0) {
            add_layer_knobs(a, l);
        }
    }
    return a;
}

long auto_ff_cap(const AutoOptions *o)
{
    return o->max_lut < 0 ? -1 : o->max_lut * res_ff_per_lut(o->family);
}

/* The logic the LUT budget bounds, in LUTs: LUT and FF each (FFs at the family's FFs per LUT:
 * a Xilinx region of N LUTs has 2N FFs), or their sum where they share the cells (iCE40). */
static double logic_of(const AutoOptions *o, const Resources *r)
{
    if (o->family && res_lc_pack(o->family)) return (double)(r->lut + r->ff);
    return fmax((double)r->lut, (double)r->ff / res_ff_per_lut(o->family));
}

/* The sum of the used fractions of each budgeted resource; without budgets LUT equivalents
 * (a DSP as 50 LUTs, a block RAM as 100) per 5280 (a UP5K). */
static double area_of(const AutoOptions *o, const Resources *r)
{
    double s = 0;
    int n = 0;
    if (o->max_dsp > 0) s += (double)r->dsp / (double)o->max_dsp, n++;
    if (o->max_bram > 0) s += (double)r->bram / (double)o->max_bram, n++;
    if (o->max_lut > 0) s += logic_of(o, r) / (double)o->max_lut, n++;
    if (n) return s;
    return ((double)r->lut + 50.0 * (double)r->dsp + 100.0 * (double)r->bram) / 5280.0;
}

/* The logic a candidate may use: the LUT budget times its margin. */
static double logic_cap(const AutoOptions *o) { return (double)o->max_lut * (o->lut_margin > 0 ? o->lut_margin : 1.0); }

static bool fits(const AutoOptions *o, const Resources *r)
{
    double lut_cap = logic_cap(o);
    return (o->max_dsp < 0 || r->dsp <= o->max_dsp) && (o->max_bram < 0 || r->bram <= o->max_bram) &&
           (o->max_lut < 0 || logic_of(o, r) <= lut_cap);
}

/* The dense layers whose multipliers past the DSP budget the search may build in logic
 * (auto_spill): logic_multipliers left open, under a DSP budget and a LUT budget the user gave
 * (AutoOptions.logic_spill: on a family whose LUTs are plentiful beside its DSPs, Xilinx). */
static void spill_prepare(AutoSearch *a, Model *m, const AutoOptions *o)
{
    a->n_spill = 0;
    if (o->max_dsp < 0 || !o->logic_spill) return;
    a->spill = xcalloc((size_t)m->n_layers + 1, sizeof *a->spill);
    for (int i = 0; i < m->n_layers; i++)
        if (m->layers[i].kind == L_DENSE && !m->layers[i].logic_mults_given) a->spill[a->n_spill++] = &m->layers[i];
}

/* The multipliers of n past the DSP budget, built in logic: each spill layer's dense engine
 * (its own MACs, at reuse factor > 1, in the ROM form) takes as many as it has, the one with the
 * most first, until the DSPs fit; the counts into logic[] and the layers. false: n fits the
 * DSPs, or its spill layers' multipliers are too few (nothing set). Not the counted forms:
 * there every multiplier reads one multiplexer, whose output into the rows of 20 logic
 * multipliers (481 loads) kept the xcu250 GRU(20) at dense1 40 below 200 MHz (198.2). */
static bool auto_spill(AutoSearch *a, const Netlist *n, const AutoOptions *o, const Resources *r, int *logic)
{
    long excess = r->dsp - o->max_dsp, room_all = 0;
    if (a->n_spill == 0 || excess <= 0) return false;
    int *room = xcalloc((size_t)a->n_spill, sizeof *room);
    for (int i = 0; i < n->n; i++) {
        const Engine *e = &n->eng[i];
        for (int s = 0; s < a->n_spill; s++)
            if (e->kind == ENG_DENSE && e->layer == a->spill[s] && e->mac_owner < 2 && e->mvm.rf > 1 &&
                plan_shape(&e->mvm).form == MVM_ROM)
                room[s] = e->mvm.n_mult, room_all += e->mvm.n_mult;
    }
    bool ok = room_all >= excess;
    while (ok && excess > 0) {
        int most = 0;
        for (int s = 1; s < a->n_spill; s++)
            if (room[s] > room[most]) most = s;
        int take = room[most] < excess ? room[most] : (int)excess;
        logic[most] = take;
        a->spill[most]->logic_mults = take;
        excess -= take;
        room[most] = 0;
    }
    free(room);
    return ok;
}

/* Candidate c's latency, II and resources, its settings applied: lowered, scheduled and costed;
 * the netlist (auto_spill reads it). */
static Netlist *measure(Candidate *c, Model *m, const AutoOptions *o)
{
    Netlist *n = lower_model_family(m, o->table_reg, o->family, o->ultrascale);
    Schedule *s = schedule_netlist(n, RNNC_II_SEQ);
    c->latency = s->latency_cycles;
    c->ii = s->ii_cycles;
    c->res = res_netlist(n, o->family);
    free(s->seq_start);
    free(s->seq_end);
    free(s);
    return n;
}

/* The candidate with these knob values (evaluated once: lower, schedule, resources). */
static int evaluate(AutoSearch *a, Model *m, const AutoOptions *o, const int *idx)
{
    for (int c = 0; c < a->n_cand; c++)
        if (!memcmp(a->cand[c].idx, idx, (size_t)a->n_knobs * sizeof(int))) return c;
    if (a->n_cand >= a->cap_cand) {
        a->cap_cand = a->cap_cand ? 2 * a->cap_cand : 64;
        Candidate *nc = xcalloc((size_t)a->cap_cand, sizeof *nc);
        if (a->n_cand) memcpy(nc, a->cand, (size_t)a->n_cand * sizeof *nc);
        free(a->cand);
        a->cand = nc;
    }
    Candidate *c = &a->cand[a->n_cand];
    c->idx = xcalloc((size_t)a->n_knobs + a->n_spill + 1, sizeof(int));
    memcpy(c->idx, idx, (size_t)a->n_knobs * sizeof(int));
    auto_set(a, c->idx);
    Netlist *n = measure(c, m, o);
    bool spilled = auto_spill(a, n, o, &c->res, c->idx + a->n_knobs);
    netlist_free(n);
    if (spilled) netlist_free(measure(c, m, o)); /* again, with its logic multipliers */
    c->area = area_of(o, &c->res);
    c->fits = fits(o, &c->res);
    return a->n_cand++;
}

/* The objective (lower is better): latency or II, the other breaking ties. */
static double objective(const AutoOptions *o, const Candidate *c)
{
    if (o->objective == OPT_THROUGHPUT) return (double)c->ii + 1e-6 * (double)c->latency;
    return (double)c->latency + 1e-6 * (double)c->ii;
}

static bool goal_met(const AutoOptions *o, const Candidate *c)
{
    return o->objective == OPT_AREA && o->max_latency_cycles > 0 && c->latency <= o->max_latency_cycles;
}

/* The best of every evaluated candidate: the objective's among those that fit (area: the
 * smallest meeting the latency goal, if any does); the smallest design when none fits. */
static int best_candidate(const AutoSearch *a, const AutoOptions *o)
{
    int best = -1;
    bool goal = false;
    for (int i = 0; i < a->n_cand; i++)
        if (a->cand[i].fits && goal_met(o, &a->cand[i])) goal = true;
    for (int i = 0; i < a->n_cand; i++) {
        const Candidate *x = &a->cand[i];
        if (!x->fits || (goal && !goal_met(o, x))) continue;
        if (best < 0) {
            best = i;
            continue;
        }
        const Candidate *b = &a->cand[best];
        bool better = goal ? x->area < b->area || (x->area == b->area && objective(o, x) < objective(o, b))
                           : objective(o, x) < objective(o, b) || (objective(o, x) == objective(o, b) && x->area < b->area);
        if (better) best = i;
    }
    return best < 0 ? 0 : best;
}

/* idx with knob k moved `steps` values down its list, counting only values that change the
 * knob's (capped) factor; false when its list ends first. */
static bool move_down(const AutoSearch *a, int *idx, int k, int steps)
{
    for (int s = 0; s < steps; s++) {
        int before = knob_value(a, idx, k);
        do {
            if (++idx[k] >= a->knob[k].n_vals) return false;
        } while (knob_value(a, idx, k) == before);
    }
    return true;
}

/* idx with knob k moved `steps` values up its list (toward less hardware), as move_down. */
static bool move_up(const AutoSearch *a, int *idx, int k, int steps)
{
    for (int s = 0; s < steps; s++) {
        int before = knob_value(a, idx, k);
        do {
            if (--idx[k] < 0) return false;
        } while (knob_value(a, idx, k) == before);
    }
    return true;
}

/* How far one move reaches down a knob's list: latency is not monotonic in one factor (a
 * cell's overlapped steps wait for h and the x beat, docs/architecture.md), so a descent that
 * looked only one or two values ahead stopped at such a bump (18% above the best fused design
 * on tests/unit/test_auto.c's wide models). */
#define DESCENT_REACH 4

/* One greedy descent from the smallest design: per step the move (one knob 1..DESCENT_REACH
 * values down) that improves the objective most, per resource added (per_area) or outright, among
 * those that fit; until none does or the area goal is met. */
static void descend(AutoSearch *a, Model *m, const AutoOptions *o, bool per_area, bool from_split, bool from_share)
{
    int *idx = xcalloc((size_t)a->n_knobs + 1, sizeof(int));
    for (int k = 0; from_split && k < a->n_knobs; k++)
        if (a->knob[k].which == KNOB_RREUSE && a->knob[k].n_vals > 1) idx[k] = 1;
    for (int k = 0; from_share && k < a->n_knobs; k++)
        if (a->knob[k].which == KNOB_SHARE) idx[k] = 1;
    int cur = evaluate(a, m, o, idx);
    while (a->cand[cur].fits && !goal_met(o, &a->cand[cur])) {
        int best = -1;
        double best_gain = 0;
        for (int k = 0; k < a->n_knobs; k++) {
            for (int step = 1; step <= DESCENT_REACH; step++) {
                memcpy(idx, a->cand[cur].idx, (size_t)a->n_knobs * sizeof(int));
                if (!move_down(a, idx, k, step)) break;
                int c = evaluate(a, m, o, idx);
                const Candidate *cc = &a->cand[c], *cu = &a->cand[cur];
                double d_obj = objective(o, cu) - objective(o, cc);
                if (!cc->fits || d_obj <= 0) continue;
                double gain = per_area ? d_obj / fmax(cc->area - cu->area, 1e-9) : d_obj;
                if (best < 0 || gain > best_gain) best = c, best_gain = gain;
            }
        }
        if (best < 0) break;
        cur = best;
        a->path_len++;
    }
    free(idx);
}

/* How far a candidate is from fitting: the largest used fraction of a budgeted resource (the
 * logic against its margin); at most 1 when it fits. */
static double overflow(const AutoOptions *o, const Resources *r)
{
    double lut_cap = logic_cap(o), f = 0;
    if (o->max_dsp >= 0) f = fmax(f, (double)r->dsp / fmax((double)o->max_dsp, 0.5));
    if (o->max_bram >= 0) f = fmax(f, (double)r->bram / fmax((double)o->max_bram, 0.5));
    if (o->max_lut >= 0) f = fmax(f, logic_of(o, r) / fmax(lut_cap, 0.5));
    return f;
}

/* Candidate c (knob k just moved down: faster, too big) made to fit by moves of the other
 * knobs, one or two values either way (REPAIR_REACH), each the one that brings the overflow
 * down most while the objective stays below `bound`; the candidate that fits, or -1. */
#define REPAIR_STEPS 8
/* Moves of one or two values: two where one value alone grows the overflow and the next
 * shrinks it (a dense layer on all of its host's MACs puts its words in the host's ROM blocks,
 * lower_share_roms; on one MAC fewer it needs blocks of its own: the UP5K LSTM(20) at lstm1
 * 312 with dense1 220 needs 36 block RAMs, with 200 30) */
#define REPAIR_REACH 2
static int repair(AutoSearch *a, Model *m, const AutoOptions *o, int c, int k, double bound, int cap)
{
    int *idx = xcalloc((size_t)a->n_knobs + 1, sizeof(int));
    for (int step = 0; step < REPAIR_STEPS && !a->cand[c].fits && a->n_cand < cap; step++) {
        int best = -1;
        double best_ov = overflow(o, &a->cand[c].res);
        for (int j = 0; j < a->n_knobs; j++)
            for (int dir = 0; j != k && dir < 2 * REPAIR_REACH; dir++) {
                memcpy(idx, a->cand[c].idx, (size_t)a->n_knobs * sizeof(int));
                int steps = 1 + dir / 2;
                if (!(dir % 2 ? move_down(a, idx, j, steps) : move_up(a, idx, j, steps))) continue;
                int t = evaluate(a, m, o, idx);
                double ov = overflow(o, &a->cand[t].res);
                if (objective(o, &a->cand[t]) < bound && ov < best_ov) best = t, best_ov = ov;
            }
        if (best < 0) break;
        c = best;
    }
    free(idx);
    return a->cand[c].fits ? c : -1;
}

/* From the best candidate: each knob moved down (1..DESCENT_REACH values) and, when that no
 * longer fits, repaired by the other knobs; the best improvement, until none or POLISH_ROUNDS,
 * and at most as many new candidates as the descents evaluated (a 13-knob model on the
 * xc7a35t: 7988 -> 11557, 4.3 -> 5.9 s; the paper's models: 60-200 more).
 * A descent that spent the logic on a dense layer early cannot take the cell's faster factor
 * by one move: that fits only with the dense layers and the lanes set back (the GRU(5) on the
 * UP5K: layer1 55 -> 33 with layer2 9 -> 25 and lane_multipliers 2 -> 3). */
#define POLISH_ROUNDS 8
static void polish(AutoSearch *a, Model *m, const AutoOptions *o)
{
    int *idx = xcalloc((size_t)a->n_knobs + 1, sizeof(int));
    int cap = 2 * a->n_cand;
    for (int round = 0; round < POLISH_ROUNDS && a->n_cand < cap; round++) {
        int cur = best_candidate(a, o), found = -1;
        if (!a->cand[cur].fits) break;
        double bound = objective(o, &a->cand[cur]);
        for (int k = 0; k < a->n_knobs; k++)
            for (int down = 1; down <= DESCENT_REACH && a->n_cand < cap; down++) {
                memcpy(idx, a->cand[cur].idx, (size_t)a->n_knobs * sizeof(int));
                if (!move_down(a, idx, k, down)) break;
                int c = evaluate(a, m, o, idx);
                if (objective(o, &a->cand[c]) >= bound) continue;
                if (!a->cand[c].fits) c = repair(a, m, o, c, k, bound, cap);
                if (c >= 0) bound = objective(o, &a->cand[c]), found = c;
            }
        if (found < 0) break;
        a->path_len++;
    }
    free(idx);
}

/* Two descents (best gain per resource, best gain outright), two more from the split form where
 * a layer has a recurrent knob; then the best of all evaluated candidates. */
void auto_search(AutoSearch *a, Model *m, const AutoOptions *o)
{
    a->opts = o;
    spill_prepare(a, m, o);
    for (int k = 0; k < a->n_knobs; k++) {
        bool spill = false; /* a spill layer's reuse knob takes the plain factors too */
        for (int s = 0; s < a->n_spill; s++) spill |= a->knob[k].which == KNOB_REUSE && a->knob[k].layer == a->spill[s];
        knob_values(&a->knob[k], spill);
    }
    a->path_len = 0;
    descend(a, m, o, true, false, false);
    descend(a, m, o, false, false, false);
    /* and from the split form's smallest design (every recurrent knob at its largest h*U
     * factor): fused -> split pays only together with x*W's factor, which one move cannot do */
    bool any_split = false;
    for (int k = 0; k < a->n_knobs; k++) any_split |= a->knob[k].which == KNOB_RREUSE;
    if (any_split) {
        descend(a, m, o, true, true, false);
        descend(a, m, o, false, true, false);
    }
    /* and with the dense layers after a cell on its multipliers (share_multipliers): turning it
     * on alone only costs cycles; it pays when the multipliers it frees go to the cell */
    bool any_share = false;
    for (int k = 0; k < a->n_knobs; k++) any_share |= a->knob[k].which == KNOB_SHARE;
    if (any_share) {
        descend(a, m, o, true, false, true);
        descend(a, m, o, false, false, true);
    }
    if (o->objective != OPT_AREA) polish(a, m, o);
    a->chosen = best_candidate(a, o);
    auto_apply(a, a->chosen);
}

void auto_apply(AutoSearch *a, int c)
{
    auto_set(a, a->cand[c].idx);
    a->chosen = c;
}

/* After candidate c failed on the part (meas: what synthesis counted, avail: the part's; NULL
 * when unknown; slow: it fitted but missed the clock): the budgets tightened where the
 * measurement overflowed (scaled by the prediction's error; logic to 95% of the part), else,
 * for a design that missed timing, to less logic than c's prediction (the next smaller
 * candidate: the GRU(20)'s slot multiplexer misses 48 MHz by 2% at every factor that fits),
 * for one that did not pack, to 90% of c's; then the best untried candidate that fits them,
 * or -1. */
int auto_next(AutoSearch *a, AutoOptions *o, int c, const Resources *meas, const Resources *avail, bool slow)
{
    const Resources *p = &a->cand[c].res;
    bool tightened = false;
    if (meas && avail) {
        if (meas->dsp > avail->dsp && avail->dsp >= 0) o->max_dsp = avail->dsp * p->dsp / (meas->dsp ? meas->dsp : 1), tightened = true;
        if (meas->bram > avail->bram && avail->bram >= 0) o->max_bram = avail->bram * p->bram / (meas->bram ? meas->bram : 1), tightened = true;
        double worst = logic_of(o, meas), pw = logic_of(o, p);
        if (avail->lut > 0 && worst > (double)avail->lut) {
            /* 95% of the part: placing a design within a few cells of full is slow and often fails */
            o->max_lut = (long)(0.95 * (double)avail->lut * pw / worst);
            o->lut_margin = 1.0;
            tightened = true;
        }
    }
    if (!tightened) {
        o->max_lut = slow ? (long)ceil(logic_of(o, p)) - 1 : (long)(0.9 * logic_of(o, p));
        o->lut_margin = 1.0;
    }
    int best = -1;
    for (int i = 0; i < a->n_cand; i++) {
        Candidate *x = &a->cand[i];
        x->fits = fits(o, &x->res);
        if (!x->fits || x->tried) continue;
        if (best < 0 || objective(o, x) < objective(o, &a->cand[best])) best = i;
    }
    return best;
}

/* Whether candidate i is on the Pareto front of (latency, area). */
bool auto_pareto(const AutoSearch *a, int i)
{
    const Candidate *x = &a->cand[i];
    for (int j = 0; j < a->n_cand; j++) {
        const Candidate *y = &a->cand[j];
        if (j == i || !y->fits) continue;
        if (y->latency <= x->latency && y->area <= x->area && (y->latency < x->latency || y->area < x->area)) return false;
        if (y->latency == x->latency && y->area == x->area && j < i) return false;
    }
    return x->fits;
}

void auto_knob_name(const AutoSearch *a, int k, char *out, size_t len)
{
    snprintf(out, len, "%s%s", a->knob[k].layer->name,
             a->knob[k].which == KNOB_RREUSE  ? ".recurrent"
             : a->knob[k].which == KNOB_LANE  ? ".lane_multipliers"
             : a->knob[k].which == KNOB_SHARE ? ".share_multipliers"
                                              : "");
}

/* "layer=rf layer.recurrent=rrf layer=rf" of candidate c (a recurrent knob left unset: omitted) */
void auto_describe(const AutoSearch *a, int c, char *out, size_t len)
{
    out[0] = 0;
    for (int k = 0; k < a->n_knobs; k++) {
        int v = auto_value(a, c, k);
        if (a->knob[k].which == KNOB_RREUSE && v == 0) continue;
        char name[RNNC_NAME_MAX + 24];
        auto_knob_name(a, k, name, sizeof name);
        size_t u = strlen(out);
        snprintf(out + u, len - u, "%s%s=%d", u ? " " : "", name, v);
    }
    for (int s = 0; s < a->n_spill; s++) {
        int v = a->cand[c].idx[a->n_knobs + s];
        size_t u = strlen(out);
        if (v) snprintf(out + u, len - u, "%s%s.logic_multipliers=%d", u ? " " : "", a->spill[s]->name, v);
    }
}

int auto_value(const AutoSearch *a, int c, int k)
{
    return knob_value(a, a->cand[c].idx, k);
}

void auto_free(AutoSearch *a)
{
    for (int c = 0; c < a->n_cand; c++) free(a->cand[c].idx);
    for (int k = 0; k < a->n_knobs; k++) free(a->knob[k].vals);
    free(a->cand);
    free(a->knob);
    free(a->spill);
    free(a);
}

/* The tables a search may shrink: a layer's whose size the model left at the default, larger
 * than 256 entries, under rnnc's numerics (hls4ml's keep hls4ml's sizes). */
static bool table_shrinkable(const Layer *l)
{
    return !l->table_size_given && l->table_size > 256 && l->numerics != NUM_HLS4ML;
}

/* The layers that hold tables among layer i of m: itself, or a bidirectional layer's two
 * directions; their count. */
static int table_layers(Model *m, int i, Layer *each[2])
{
    Layer *l = &m->layers[i];
    bool bidi = l->kind == L_BIDIRECTIONAL;
    each[0] = bidi ? l->dir[0] : l;
    each[1] = bidi ? l->dir[1] : NULL;
    return bidi ? 2 : 1;
}

/* The shrinkable tables of the model's layers, each halved (*size: the new size); their count. */
static int model_tables(Model *m, int *size)
{
    int n = 0;
    for (int i = 0; i < m->n_layers; i++) {
        Layer *each[2];
        for (int d = 0, nd = table_layers(m, i, each); d < nd; d++) {
            if (!table_shrinkable(each[d])) continue;
            n++;
            *size = each[d]->table_size /= 2;
        }
    }
    return n;
}

/* The layers with a sigmoid or tanh table whose table_mirror the model leaves open, each
 * turned on; their count. */
static int model_mirrors(Model *m)
{
    int n = 0;
    for (int i = 0; i < m->n_layers; i++) {
        Layer *each[2];
        for (int d = 0, nd = table_layers(m, i, each); d < nd; d++) {
            Layer *l = each[d];
            bool rec = l->kind == L_LSTM || l->kind == L_GRU;
            bool tables = table_for(l, l->act) || (rec && table_for(l, l->ract));
            if (l->table_mirror != 0 || !tables) continue;
            n++;
            l->table_mirror = 1;
        }
    }
    return n;
}

/* When even the chosen (smallest) design does not fit the block RAM, the sigmoid and tanh
 * tables are first stored as mirrored halves (table_mirror, where the model leaves it open:
 * the same values in fewer blocks, about 19 LUTs a table), then the default-sized tables are
 * halved (down to 256 entries, where the top-tagging models stay within 0.011 of float), and
 * each time the search runs again, the knobs opened afresh: block RAM for tables is what the
 * small parts run out of first. A note says so; table_size and table_mirror in the model keep
 * theirs. Returns whether it searched again (*pa is then a new search). */
bool auto_shrink_tables(AutoSearch **pa, Model *m, const AutoOptions *o)
{
    AutoSearch *a = *pa;
    const Candidate *c = a->n_cand ? &a->cand[a->chosen] : NULL;
    if (!c || c->fits || o->max_bram < 0 || c->res.bram <= o->max_bram) return false; /* not the tables */
    int size = 0;
    bool mirror = model_mirrors(m) > 0; /* first the mirrors, then smaller tables */
    if (!mirror && !model_tables(m, &size)) return false;
    for (int k = 0; k < a->n_knobs; k++) { /* open the knobs again */
        if (a->knob[k].which == KNOB_RREUSE) a->knob[k].layer->rreuse = 0;
        else if (a->knob[k].which == KNOB_LANE) a->knob[k].layer->lane_mults = 0;
        else if (a->knob[k].which == KNOB_SHARE) a->knob[k].layer->share = 0;
        else a->knob[k].layer->reuse = 0;
    }
    for (int s = 0; s < a->n_spill; s++) a->spill[s]->logic_mults = 0;
    auto_free(a);
    *pa = auto_prepare(m);
    auto_search(*pa, m, o);
    if (mirror)
        fprintf(stderr, "rnnc: note: no design fits the block RAM with whole activation tables: the sigmoid and tanh "
                        "tables are now stored as mirrored halves (set table_mirror to decide)\n");
    else
        fprintf(stderr, "rnnc: note: no design fits with %d-entry activation tables: the tables the model leaves "
                        "at their default size now have %d entries (set table_size to keep a size)\n", 2 * size, size);
    return true;
}
