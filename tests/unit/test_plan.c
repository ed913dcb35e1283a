/* test_plan.c: unit tests of plan.c, the plan of every matrix-vector product, without
 * printing Verilog. Seeded random layers (dense, LSTM, GRU with reset_after true and false,
 * SimpleRNN; random sizes, types, reuse factors, slow and fast parts) go through lower.c, and
 * the plan of each of their products must
 *   - do every product (output, term) exactly once, on the multiplier and in the partial sum
 *     the plan says, with the right operand index and weight;
 *   - have ROM words that round-trip (pack -> unpack gives the same fields), as must random
 *     words of random layouts;
 *   - in the counted forms (regular, runs), have counters that reproduce every word's fields;
 *   - have the direct form, adder-tree depth, latency and last operand read that lower.c
 *     predicted (Mvm.direct/depth/latency, Engine.ack_off);
 *   - when a cell's steps overlap (Engine.period), have the period the plan gives, every h
 *     read of the next step after this step's write of it, every partial sum of a tree kept
 *     until this step's lanes read its sum;
 *   - when a cell is placed x-first (Mvm.place), do every multiplier's x products before its
 *     h products;
 *   - when a cell is banked (plan_cell_banked, one or several multipliers), capture every gate
 *     sum once and never two into one bank in the same slot (one write port per bank);
 *   - under hls4ml numerics with a saturating accum, sum in hls4ml's order (test_sat_order).
 * Prints one line per failure and ends with "unit: N passed, M failed". */
#include "rnnc.h"
#include "unit_check.h"

#include <stdlib.h>
#include <string.h>

static bool quiet; /* the mutation checks expect problems: do not list them */

static uint64_t rng_state;
static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ULL;
}
static int rnd(int lo, int hi) { return lo + (int)(rng() % (uint64_t)(hi - lo + 1)); }

static FxType fix(int w, int i)
{
    FxType t = {.w = w, .i = i, .sgn = true, .q = Q_TRN, .o = O_WRAP};
    return t;
}

static int64_t *rand_raw(int n, int w, int zero_pct)
{
    int64_t *v = xcalloc((size_t)n + 1, sizeof *v);
    for (int i = 0; i < n; i++)
        v[i] = rnd(0, 99) < zero_pct ? 0 : (int64_t)(rng() % (1ull << w)) - ((int64_t)1 << (w - 1));
    return v;
}

/* A one-layer model with random shape, types and reuse factor. */
/* When > 0: every recurrent model's reuse factor holds this many whole rows ([x; h] of an
 * output) per multiplier and no recurrent_reuse_factor, so x-first cells walk whole x runs,
 * then whole h runs (the runs form with a placement). */
static int rows_per_mult;

static Model *rand_model(int seed)
{
    static const LayerKind kinds[] = {L_DENSE, L_LSTM, L_GRU, L_GRU, L_SIMPLE_RNN};
    Model *m = xcalloc(1, sizeof *m);
    Layer *l = xcalloc(1, sizeof *l);
    snprintf(m->name, sizeof m->name, "m%d", seed);
    snprintf(l->name, sizeof l->name, "l");
    m->layers = l;
    m->n_layers = 1;
    m->input_type = fix(rnd(4, 16), rnd(1, 6));
    l->kind = kinds[seed % 5];
    l->reset_after = seed % 5 == 2;
    l->gates = l->kind == L_LSTM ? 4 : l->kind == L_GRU ? 3 : 1;
    l->units = rnd(1, 12);
    l->in_feat = rnd(1, 10);
    l->in_seq = l->kind != L_DENSE;
    l->in_steps = 3;
    l->out_feat = l->units;
    l->act = ACT_TANH;
    l->ract = ACT_SIGMOID;
    int wb = rnd(2, 18);
    l->ty = (LayerTypes){.weight = fix(wb, rnd(-2, 4)), .rweight = fix(rnd(2, 18), rnd(-2, 4)),
                         .bias = fix(rnd(4, 16), 4), .accum = fix(rnd(16, 32), 10), .state = fix(16, 6),
                         .result = fix(rnd(6, 16), rnd(1, 6)), .table = fix(18, 8)};
    int cols = l->gates * l->units, zero_pct = rnd(0, 2) * 20;
    l->qkernel = rand_raw(l->in_feat * cols, l->ty.weight.w, zero_pct);
    l->qrkernel = rand_raw(l->units * cols, l->ty.rweight.w, zero_pct);
    l->qbias = rnd(0, 3) ? rand_raw(cols, l->ty.bias.w, zero_pct) : NULL;
    l->qrbias = l->reset_after ? rand_raw(cols, l->ty.bias.w, zero_pct) : NULL;
    int products = (l->in_feat + l->units) * cols;
    const int picks[] = {1, 2, 3, 5, 7, l->in_feat, l->in_feat + l->units, products / 2 + 1, products};
    l->reuse = picks[rnd(0, 8)];
    if (l->reuse < 1) l->reuse = 1;
    /* a recurrent layer: a third given recurrent_reuse_factor (split form, reuse x*W's) */
    int rprod = l->units * cols;
    const int rpicks[] = {1, 2, 3, l->units, rprod / 3 + 1, rprod};
    if (l->kind != L_DENSE && rnd(0, 2) == 0) l->rreuse = rpicks[rnd(0, 5)];
    if (rows_per_mult > 0 && l->kind != L_DENSE) {
        l->reuse = rows_per_mult * (l->in_feat + l->units);
        l->rreuse = 0;
    }
    /* the model's ends, which lower.c's graph check holds the first and last engines to */
    m->timesteps = l->in_steps;
    m->features = l->in_feat;
    m->out_feat = l->out_feat;
    m->out_steps = 1;
    m->out_type = l->ty.result;
    return m;
}

/* Every product once: walk each multiplier's slots, follow its partial sums, tick off terms.
 * Returns the number of problems found (and reports them). */
static int check_coverage(const char *id, const Mvm *v, const MvmPlan *p)
{
    char **used = xcalloc((size_t)v->n_out, sizeof *used);
    for (int j = 0; j < v->n_out; j++) used[j] = xcalloc((size_t)v->outs[j].n_terms + 1, 1);
    int bad = 0, done = 0;
    if (p->form == MVM_PARALLEL) {
        for (int j = 0; j < v->n_out; j++)
            for (int t = 0; t < p->out[j].n_terms; t++)
                for (int u = 0; u < v->outs[j].n_terms; u++) {
                    const Term *tm = &v->outs[j].terms[u];
                    FxType tw = tm->k < v->n_a ? v->wa : v->wb;
                    wide_t wv = (wide_t)tm->w * ((wide_t)1 << (fx_frac(v->w_t) - fx_frac(tw)));
                    if (!used[j][u] && tm->k == p->out[j].k0 + t && wv == p->out[j].w[t]) {
                        used[j][u] = 1;
                        done++;
                        break;
                    }
                }
    }
    for (int m = 0; m < p->n_mult && p->form != MVM_PARALLEL; m++) {
        int cap = -1;
        bool open = false;
        for (int s = 0; s < p->rf; s++) {
            const RomWord *wd = plan_word(p, s, m);
            if (!wd->valid) continue;
            if (wd->first != !open) bad++;
            if (wd->first) cap++;
            open = !wd->last;
            if (cap < 0 || cap >= p->mult[m].n_caps) { bad++; continue; }
            int j = p->mult[m].cap_out[cap];
            FxType tw = wd->k < v->n_a ? v->wa : v->wb;
            for (int u = 0; u < v->outs[j].n_terms; u++) {
                const Term *tm = &v->outs[j].terms[u];
                wide_t wv = (wide_t)tm->w * ((wide_t)1 << (fx_frac(v->w_t) - fx_frac(tw)));
                if (!used[j][u] && tm->k == wd->k && wv == wd->w) {
                    used[j][u] = 1;
                    done++;
                    break;
                }
            }
        }
        if (open || cap + 1 != p->mult[m].n_caps) bad++;
    }
    int problems = bad + (done != v->n_products);
    for (int j = 0; j < v->n_out; j++) free(used[j]);
    free(used);
    /* the output -> capture map and the capture -> output map agree */
    int wrong = 0;
    for (int j = 0; j < v->n_out; j++)
        for (int i = 0; i < p->out[j].n_parts; i++)
            if (p->mult[p->out[j].part_m[i]].cap_out[p->out[j].part_idx[i]] != j) wrong++;
    if ((problems || wrong) && !quiet)
        printf("  %s: %d products covered of %d, %d flag errors, %d partial sums mapped to the wrong output\n", id,
               done, v->n_products, bad, wrong);
    return problems + wrong;
}

/* Pack -> unpack of every word gives the same fields. */
static void check_roundtrip(const char *id, const MvmPlan *p)
{
    int bad = 0;
    unsigned char bits[256];
    for (int s = 0; s < p->rf && p->form != MVM_PARALLEL; s++)
        for (int m = 0; m < p->n_mult; m++) {
            const RomWord *a = plan_word(p, s, m);
            rom_pack(&p->lay, a, bits);
            RomWord b = rom_unpack(&p->lay, bits);
            if (a->valid != b.valid || a->first != b.first || a->last != b.last || a->k != b.k || a->w != b.w) bad++;
        }
    check(bad == 0, "%s: %d ROM words do not round-trip", id, bad);
}

/* Operand groups (ROM form): every working multiplier's operand is what its group's
 * multiplexer selects, read back from the ROM bits the file stores (the leader's k field);
 * the other members store k = 0. Returns the number of wrong words. */
static int groups_wrong(const MvmPlan *p)
{
    int bad = 0;
    unsigned char bits[256];
    for (int s = 0; s < p->rf && p->n_opg; s++)
        for (int m = 0; m < p->n_mult; m++) {
            const OpGroup *g = &p->grp[p->opg[m]];
            plan_rom_bits(p, s, g->lead, bits);
            int sel = rom_unpack(&p->lay, bits).k;
            const RomWord *wd = plan_word(p, s, m);
            if (sel >= 1 << g->sel_w || sel >= g->n_sup || (wd->valid && g->sup[sel] != wd->k)) bad++;
            plan_rom_bits(p, s, m, bits);
            if (m != g->lead && rom_unpack(&p->lay, bits).k != 0) bad++;
        }
    return bad;
}

static int n_grouped, n_shared;

static void check_groups(const char *id, const MvmPlan *p, bool op_mem)
{
    check((p->n_opg > 0) == (p->form == MVM_ROM && !op_mem), "%s: %d operand groups in form %d", id, p->n_opg, p->form);
    check(groups_wrong(p) == 0, "%s: %d words whose operand group selects another operand", id, groups_wrong(p));
    n_grouped += p->n_opg > 0;
    n_shared += p->n_opg > 0 && p->n_opg < p->n_mult;
    if (p->n_opg && p->n_mult > 1 && n_shared == 1) { /* the check can fail: move one select */
        OpGroup *g = &p->grp[0];
        int keep = g->sel[0];
        g->sel[0] = (keep + 1) % g->n_sup;
        if (g->n_sup > 1 && plan_word(p, 0, g->lead)->valid)
            check(groups_wrong(p) > 0, "%s: a wrong group select goes unnoticed", id);
        g->sel[0] = keep;
    }
}

/* The counted forms: what the counters emit_verilog.c prints make equals every word (a short
 * multiplier's slots after its rows: idle). */
static long short_idle;
static int check_counters(const char *id, const Mvm *v, const MvmPlan *p)
{
    if (p->form != MVM_REGULAR && p->form != MVM_RUNS) return 0;
    int bad = 0, seg = 0, rep = 0, k = p->form == MVM_RUNS ? p->seg[0].k0 : 0, pos = 0;
    for (int s = 0; s < p->rf; s++) {
        int len = p->form == MVM_RUNS ? p->seg[seg].len : v->n_in, k0 = p->form == MVM_RUNS ? p->seg[seg].k0 : 0;
        RomWord c = {.valid = true, .first = pos == 0, .last = pos == len - 1, .k = k};
        for (int m = 0; m < p->n_mult; m++) {
            const RomWord *wd = plan_word(p, s, m);
            /* pair rows (a paired placement): a run also ends at n_a - 1 and starts at n_a */
            bool pair = p->pair_from >= 0 && m * (p->rf / v->n_in) + s / v->n_in >= p->pair_from;
            bool first = c.first || (pair && pos == v->n_a), last = c.last || (pair && pos == v->n_a - 1);
            if (p->form == MVM_REGULAR && s >= p->mult[m].rows * v->n_in) { /* a short multiplier idles */
                bad += wd->valid;
                short_idle++;
                continue;
            }
            if (wd->valid != c.valid || wd->first != first || wd->last != last || wd->k != c.k) bad++;
        }
        if (++pos < len) { k++; continue; }
        pos = 0;
        if (p->form == MVM_RUNS && ++rep == p->seg[seg].cnt) {
            rep = 0;
            seg = (seg + 1) % p->n_seg;
        }
        k = p->form == MVM_RUNS ? p->seg[seg].k0 : k0;
    }
    check(quiet || bad == 0, "%s: counters differ from %d ROM words (form %d)", id, bad, p->form);
    return bad;
}

static int wrap_sums, timed_sums; /* products whose sums wrap at accum's width, of all checked */
static void check_timing(const char *id, const Engine *e, const Mvm *v, const MvmPlan *p, bool first)
{
    timed_sums++;
    check(p->direct == v->direct, "%s: plan direct %d, lower.c %d", id, p->direct, v->direct);
    check(p->depth == v->depth, "%s: plan depth %d, lower.c %d", id, p->depth, v->depth);
    check(p->latency == v->latency, "%s: plan latency %d, lower.c %d", id, p->latency, v->latency);
    if (first && e->ack_off) { /* the input is taken in the cycle after its last read */
        int last = p->last_read;
        if (e->kind == ENG_CELL && !e->split) { /* a fused cell: its last x read, from the words */
            last = -1;
            for (int s = 0; s < p->rf; s++)
                for (int m = 0; m < p->n_mult; m++)
                    if (plan_word(p, s, m)->valid && plan_word(p, s, m)->k < v->n_a) last = 2 + s + p->rom_reg;
        }
        check(last == e->ack_off, "%s: last input read in job cycle %d, ack_off %d", id, last, e->ack_off);
    }
    /* the sums' width: accum's where its cast keeps their low bits (truncate, wrap), else with
     * guard bits for every term (lower.c) */
    int max_terms = 0;
    for (int j = 0; j < v->n_out; j++) max_terms = v->outs[j].n_terms > max_terms ? v->outs[j].n_terms : max_terms;
    bool slice = v->accum.q == 0 && fx_rtl_sat(v->accum) == 0 && !v->sat_order;
    wrap_sums += slice;
    check(slice ? v->guard_w == v->accum.w : v->guard_w >= v->accum.w + 1 + clog2i(max_terms + 1),
          "%s: sums %d bits wide, accum %d, %d terms, cast %s", id, v->guard_w, v->accum.w, max_terms, slice ? "a slice" : "not a slice");
    int items = 0, caps = 0;
    for (int j = 0; j < v->n_out; j++)
        for (int i = 0; i < p->out[j].n_items; i++) {
            TreeItemKind k = p->out[j].items[i].kind;
            items += k == ITEM_PART || k == ITEM_MAC || k == ITEM_CAP_MAC;
        }
    for (int m = 0; m < p->n_mult && p->form != MVM_PARALLEL; m++) caps += p->mult[m].n_caps;
    check(items == caps, "%s: %d partial sums in the trees, %d captured", id, items, caps);
}

/* The extra inputs (a split cell's xw, GRU ra=0's second product): each output that has one
 * sums it exactly once in its tree, and a split cell's outputs take distinct xw elements. */
static void check_extras(const char *id, const Engine *e, const Mvm *v, const MvmPlan *p)
{
    int n_x = e->layer->gates * e->layer->units, bad = 0;
    char *seen = xcalloc((size_t)n_x + 1, 1);
    for (int j = 0; j < v->n_out; j++) {
        int x = v->outs[j].extra, found = 0;
        for (int i = 0; i < p->out[j].n_items; i++)
            if (p->out[j].items[i].kind == ITEM_EXTRA) found += p->out[j].items[i].idx == x ? 1 : 100;
        if (found != (x >= 0) || x >= n_x) bad++;
        else if (x >= 0 && e->split && v == &e->mvm && seen[x]++) bad++;
    }
    if (e->kind == ENG_CELL && e->split && v == &e->mvm && v->n_out && v->outs[0].extra < 0) bad++;
    check(bad == 0, "%s: %d outputs with a wrong extra input", id, bad);
    free(seen);
}

static int forms[4], split_rf, split_auto, overlapped, floor_gap;

/* An overlapped cell (Engine.period): the period is plan_cell_period's on the plan the emitter
 * builds, the next step's slots follow this one's and its beat is taken first, one tail at a
 * time, and every h read of the next step (job cycle P + slot + 2 + rom_reg) comes after this
 * step wrote that unit (job cycle L - S + unit / lanes), or with h_fwd (write-first) not before. */
static void check_period(const char *id, const Engine *e, const MvmPlan *p)
{
    int P = e->period, L = e->latency, late = 0;
    if (!P) return;
    overlapped++;
    MvmPlanOpts opt = plan_cell_opts(e);
    MvmPlan *pb = plan_mvm(p->v, &opt);
    check(plan_cell_period(e, pb) == P, "%s: period %d, the plan's %d", id, P, plan_cell_period(e, pb));
    plan_free(pb);
    check(P < L && P >= p->rf && P > e->ack_off && 2 * P >= L, "%s: period %d, latency %d, rf %d, ack %d", id, P, L,
          p->rf, e->ack_off);
    for (int s = 0; s < p->rf; s++)
        for (int m = 0; m < p->n_mult; m++) {
            const RomWord *wd = plan_word(p, s, m);
            int k = wd->k - p->v->n_a, rd = P + s + 2 + p->rom_reg;
            int wr = L - e->slots + k / e->lanes - (k >= 0 && k < e->wave_units ? e->wave_lead : 0);
            if (wd->valid && wd->k >= p->v->n_a && (e->h_fwd ? rd < wr : rd <= wr))
                late++;
        }
    check(late == 0, "%s: %d reads of h before it is written", id, late);
    /* the recurrence floor: this order's h bound is one of P's, and no order of the same
     * products beats the floor (every unit's rows read every h) */
    LoopFloor lf = plan_loop_floor(e, p);
    check(lf.n_h > 0 && lf.n_all >= lf.n_h && lf.overhead > 0 && P >= lf.rule && lf.rule >= lf.floor &&
          P * p->n_mult >= lf.n_all,
          "%s: loop floor: %d h products, O %d, rule %d, floor %d, period %d", id, lf.n_h, lf.overhead, lf.rule,
          lf.floor, P);
    floor_gap += P - lf.floor;
    /* adder trees: the next step writes a partial sum (its capture register, end of job cycle
     * P + slot + 3 + mac_lat + 2 rom_reg; the MAC keeping a multiplier's last run: its first product,
     * P + first slot + 2 + mac_lat + 2 rom_reg) no earlier than this step's lanes sample it through the
     * tree (cell_start + lane_ii * (unit / lanes) - depth), or, when the trees hold the sums
     * (tree_hold), than the trees' first stage samples it for their one load (cell_start -
     * depth); and the next load (P + cell_start - 1) comes after the last lane slot's read */
    int early = 0, u = e->layer->units;
    for (int m = 0; m < p->n_mult && !p->direct; m++) {
        int first = -1, i = 0;
        for (int s = 0; s < p->rf; s++) {
            const RomWord *wd = plan_word(p, s, m);
            if (!wd->valid) continue;
            if (first < 0) first = s;
            if (!wd->last) continue;
            int j = p->mult[m].cap_out[i], in_mac = i == p->mult[m].n_caps - 1;
            int pre = p->mult[m].cap_pre && p->mult[m].cap_pre[i++] ? p->out[j].pre_depth : 0; /* a pre-sum's: earlier */
            int wr = P + (in_mac ? first : s + 1) + 2 + p->v->mac_lat + 2 * p->rom_reg;
            int lead = j % u < e->wave_units ? e->wave_lead : 0; /* a wavefront's early group */
            early += wr < e->cell_start - lead + (e->tree_hold ? 0 : e->lane_ii * ((j % u) / e->lanes)) - p->depth - pre;
        }
    }
    if (e->tree_hold && !p->direct)
        check(P + e->cell_start - 1 >= e->cell_start + e->lane_ii * (e->slots - 1), "%s: the trees load again "
              "(job cycle %d) before the last lane slot (%d)", id, P + e->cell_start - 1,
              e->cell_start + e->lane_ii * (e->slots - 1));
    check(early == 0, "%s: %d partial sums changed before the lanes read them", id, early);
}

/* plan_shape's plan (MvmPlanOpts.shape_only: words, form and operand groups, then no more) has
 * the form and operand groups of the whole plan with the same options. */
static void check_shape_only(const char *id, const Mvm *v)
{
    MvmPlan *whole = plan_mvm(v, &(MvmPlanOpts){0}), *shape = plan_mvm(v, &(MvmPlanOpts){.shape_only = true});
    bool same = whole->form == shape->form && whole->n_opg == shape->n_opg;
    for (int g = 0; same && g < whole->n_opg; g++) same = whole->grp[g].n_sup == shape->grp[g].n_sup;
    check(same, "%s: the shape-only plan's form or operand groups differ from the whole plan's", id);
    plan_free(whole);
    plan_free(shape);
}

static int x_first_cells, x_first_runs, x_even_cells, paired_cells, paired_counted, first_skips, wave_cells, wave_mac_reads;

/* A pre-sum (mvm_pre_sum; OutPlan.n_pre, pre_depth) adds items that are final pre_depth cycles or
 * more before the output's latest (a run kept in its MAC: its last slot; a captured one: a cycle
 * after), in a tree of at most pre_depth stages. Returns the outputs where it does not. */
static int check_pre_sums(const MvmPlan *p)
{
    int bad = 0, *ends = xcalloc((size_t)p->rf + 1, sizeof *ends);
    for (int j = 0; j < p->v->n_out; j++) {
        const OutPlan *op = &p->out[j];
        int latest = -1, pre_latest = -1;
        for (int i = 0; i < op->n_items; i++) {
            const TreeItem *it = &op->items[i];
            if (it->kind != ITEM_PART && it->kind != ITEM_MAC && it->kind != ITEM_CAP_MAC) continue;
            int n = 0;
            for (int s = 0; s < p->rf; s++)
                if (plan_word(p, s, it->m)->valid && plan_word(p, s, it->m)->last) ends[n++] = s;
            int fin = it->kind == ITEM_MAC ? ends[n - 1] : ends[it->idx] + (it->kind == ITEM_PART); /* CAP_MAC: from its MAC */
            if (fin > latest) latest = fin;
            if (i < op->n_pre && fin > pre_latest) pre_latest = fin;
        }
        if (op->n_pre && (op->n_pre < 2 || op->pre_depth < 1 || pre_latest > latest - op->pre_depth ||
                          op->n_pre > (op->pre_depth == 1 ? p->fanin : p->fanin * p->fanin)))
            bad++;
    }
    free(ends);
    return bad;
}

/* A wavefront (plan_wave; Engine.wave_units, wave_lead): the early group's trees load and its lanes
 * start wave_lead cycles before the others', for slot L = R - 1 - wave_lead; so every partial sum
 * of an early unit's gate is final by then (a multiplier's last run, read from its MAC: its last
 * slot <= L; a captured run a cycle later, or in L itself when the tree reads it from the MAC in
 * that cycle, its capture's: cap_mac, only there and only for early units; a pre-sum's item
 * pre_depth cycles before), and this step reads an early unit's h (job cycle slot + 2 + rom_reg)
 * no later than the cycle its new h is written (cell_start - wave_lead + cell_lat, one lane slot
 * each), and before it with h_fwd (the write-first read would see the new value). Returns the
 * violations. */
static int check_wave(const char *id, const Engine *e, const MvmPlan *p)
{
    int bad = 0, u = e->layer->units, n_a = p->v->n_a;
    if (e->slots != 1 || e->lane_reg || e->wave_lead < 1 || e->wave_units < 1 || e->wave_units >= u || e->first_period) bad++;
    for (int m = 0; m < p->n_mult; m++) {
        int i = 0, last = -1;
        for (int s = 0; s < p->rf; s++)
            if (plan_word(p, s, m)->valid) last = s;
        for (int s = 0; s < p->rf; s++) {
            const RomWord *wd = plan_word(p, s, m);
            if (!wd->valid) continue;
            int j = p->mult[m].cap_out[i], k = wd->k - n_a;
            int pre = wd->last && p->mult[m].cap_pre[i] ? p->out[j].pre_depth : 0; /* a pre-sum samples it earlier */
            bool from_mac = wd->last && p->mult[m].cap_mac[i], early = j % u < e->wave_units;
            if (wd->last) i++;
            if (wd->last && early) /* the run's sum: in the MAC if it is the last or read in its capture cycle */
                bad += e->wave_lead > p->rf - 1 - s - (s != last && !from_mac) - pre;
            bad += from_mac && (!early || pre || s != p->rf - 1 - e->wave_lead);
            wave_mac_reads += from_mac && !quiet;
            int wr = e->cell_start - e->wave_lead + e->cell_lat, rd = s + 2 + p->rom_reg;
            if (k >= 0 && k < e->wave_units) bad += e->h_fwd ? rd >= wr : rd > wr;
        }
    }
    bad += check_pre_sums(p);
    if (!quiet) check(bad == 0, "%s: wavefront: %d partial sums or h reads out of time", id, bad);
    return bad;
}

/* An x-first cell with even shares (plan_x_first even): the multipliers that do h products
 * do x products in counts at most one apart, so their h runs start within a slot of each other
 * (a multiplier may do x only, where the last one is short). Returns 1 when they are further apart. */
static int check_x_even(const char *id, const MvmPlan *p)
{
    int lo = p->rf, hi = 0;
    for (int m = 0; m < p->n_mult; m++) {
        int xs = 0, hs = 0;
        for (int s = 0; s < p->rf; s++) {
            const RomWord *wd = plan_word(p, s, m);
            if (wd->valid) wd->k < p->v->n_a ? xs++ : hs++;
        }
        if (!hs) continue;
        lo = xs < lo ? xs : lo;
        hi = xs > hi ? xs : hi;
    }
    if (hi > lo + 1 && !quiet) printf("  %s: x shares from %d to %d\n", id, lo, hi);
    return hi > lo + 1;
}

/* A first step without h products (plan_first_period): the period against the job's other
 * bounds, every multiplier's x runs before its h runs with no run mixing them, at most one h
 * run a multiplier ending in the slots a first step issues (up to the last x slot), the one
 * plan_mult_strays counts (its capture dropped), and the step's later decodes, J = P - P0
 * cycles early in a first step, at job cycle 2 or later. */
static void check_first_skip(const char *id, const Engine *e, const MvmPlan *p)
{
    int P = e->period, P0 = e->first_period, L = e->latency, n_a = p->v->n_a, x_stop = -1;
    first_skips++;
    check(e->layer->kind == L_GRU && e->layer->reset_after && e->layer->in_steps >= 2, "%s: a first step skip where none applies", id);
    check(P0 >= 3 && P0 < P && P0 > e->ack_off && P0 >= L - P, "%s: first period %d (period %d, latency %d, ack %d)", id, P0, P, L, e->ack_off);
    check(p->v->first_skip, "%s: the product does not know its first step skips", id);
    for (int m = 0; m < p->n_mult; m++) {
        bool seen_h = false, run_x = false, run_h = false;
        for (int s = 0; s < p->rf; s++) {
            const RomWord *wd = plan_word(p, s, m);
            if (!wd->valid) continue;
            if (wd->first) run_x = run_h = false;
            run_x |= wd->k < n_a;
            run_h |= wd->k >= n_a;
            if (!wd->last) continue;
            check(!(run_x && run_h) && !(run_x && seen_h), "%s: multiplier %d's run ending in slot %d mixes x and h", id, m, s);
            if (run_x && s > x_stop) x_stop = s;
            seen_h |= run_h;
        }
    }
    check(x_stop == p->x_stop, "%s: last x slot %d, the plan says %d", id, x_stop, p->x_stop);
    for (int m = 0; m < p->n_mult; m++) {
        int strays = 0;
        for (int s = 0; s <= x_stop; s++) {
            const RomWord *wd = plan_word(p, s, m);
            strays += wd->valid && wd->last && wd->k >= n_a;
        }
        check(strays <= 1 && strays == plan_mult_strays(p, m), "%s: multiplier %d: %d h runs end in a first step, plan says %d",
              id, m, strays, plan_mult_strays(p, m));
    }
    int first_decode = (p->latency < e->cell_start ? p->latency : e->cell_start) - 2;
    check(first_decode >= P || first_decode - (P - P0) >= 2, "%s: a decode in job cycle %d, %d in a first step", id,
          first_decode, first_decode - (P - P0));
}

/* Early lanes (plan_lane_start): a direct cell's lanes read each gate sum after its capture
 * and write each h after this step's products last read it, no later than the product's end,
 * and as early as that allows (one of the rules is tight, or the start is job cycle 2 or the
 * product's end); the latency counts from that start. */
static int early_lanes, early_cells;
static void check_early_lanes(const char *id, const Engine *e)
{
    MvmPlanOpts opt = plan_cell_opts(e);
    MvmPlan *p = plan_mvm(&e->mvm, &opt);
    int R = p->rf, K = e->lane_ii, E = e->lanes, u = e->layer->units, n_a = p->v->n_a, c0 = e->cell_start;
    int h0 = c0 + e->lane_reg + e->cell_lat;
    bool tight = c0 == 2 || c0 == p->latency;
    early_cells++;
    early_lanes += c0 < p->latency;
    check(c0 >= 2 && c0 <= p->latency, "%s: lanes start in job cycle %d, the product ends in %d", id, c0, p->latency);
    check(e->latency == c0 + e->lane_reg + K * (e->slots - 1) + 1 + e->cell_lat, "%s: latency %d, lanes from %d", id,
          e->latency, c0);
    int h_early = 0, sum_late = 0; /* h written before its last read; sums read before captured */
    for (int m = 0; m < p->n_mult; m++)
        for (int s = 0, i = 0; s < R; s++) {
            const RomWord *wd = plan_word(p, s, m);
            if (!wd->valid) continue;
            if (wd->k >= n_a) {
                int rd = 2 + s + p->rom_reg, wr = h0 + K * ((wd->k - n_a) / E); /* plan.c's PIPE_ stages */
                h_early += wr < rd + e->h_fwd;
                tight |= wr == rd || wr == rd + 1;
            }
            if (!wd->last) continue;
            int j = p->mult[m].cap_out[i++], cap = p->latency - R + s, rd = c0 + K * ((j % u) / E);
            sum_late += cap >= rd;
            tight |= cap == rd - 1;
        }
    check(h_early == 0, "%s: lanes from job cycle %d write %d h before this step's last read", id, c0, h_early);
    check(sum_late == 0, "%s: lanes from job cycle %d read %d gate sums before their capture", id, c0, sum_late);
    check(tight, "%s: lanes from job cycle %d could start earlier", id, c0);
    plan_free(p);
}

/* A cell placed in unit order (plan_unit_rows): every output one run (the direct form), and the
 * units complete (their last gate sum captured) in unit order. Returns the number of problems. */
static int unit_rows_cells;
static int check_unit_rows(const char *id, const Engine *e, const MvmPlan *p)
{
    int u = e->layer->units, bad = !p->direct, *done = xcalloc((size_t)u, sizeof *done);
    unit_rows_cells++;
    for (int m = 0; m < p->n_mult; m++)
        for (int s = 0, i = 0; s < p->rf; s++)
            if (plan_word(p, s, m)->valid && plan_word(p, s, m)->last) {
                int j = p->mult[m].cap_out[i++];
                if (s > done[j % u]) done[j % u] = s;
            }
    for (int k = 1; k < u; k++) bad += done[k] < done[k - 1];
    if (bad && !quiet) printf("FAIL %s: units not completed in order (or not direct)\n", id);
    free(done);
    return bad;
}

/* A cell placed x-first (Mvm.place, plan_x_first): on every multiplier no x product (operand
 * below n_a) after an h product, and every multiplier with h products does some x first when
 * there are x products enough to go round. Returns the number of problems. */
static int check_x_first(const char *id, const MvmPlan *p)
{
    int bad = 0, n_x = 0;
    for (int s = 0; s < p->rf; s++)
        for (int m = 0; m < p->n_mult; m++) n_x += plan_word(p, s, m)->valid && plan_word(p, s, m)->k < p->v->n_a;
    for (int m = 0; m < p->n_mult; m++) {
        bool seen_h = false, x_first = false;
        for (int s = 0; s < p->rf; s++) {
            const RomWord *wd = plan_word(p, s, m);
            if (!wd->valid) continue;
            if (wd->k >= p->v->n_a) seen_h = true;
            else if (seen_h) bad++;
            else x_first = true;
        }
        if (seen_h && !x_first && n_x >= p->n_mult) bad++;
    }
    if (bad && !quiet) printf("  %s: %d x products after h products (or no x first)\n", id, bad);
    return bad;
}

/* The compiler never frees a netlist (it exits); the test does, for LeakSanitizer. */
static void free_mvm(Mvm *v)
{
    for (int j = 0; j < v->n_out; j++) free(v->outs[j].terms);
    free(v->outs);
    free(v->place);
}

static void free_model(Model *m, Netlist *n)
{
    for (int i = 0; i < n->n; i++) {
        free_mvm(&n->eng[i].mvm);
        free_mvm(&n->eng[i].mvm2);
    }
    free(n->eng);
    free(n);
    Layer *l = m->layers;
    free(l->qkernel);
    free(l->qrkernel);
    free(l->qbias);
    free(l->qrbias);
    free(l);
    free(m);
}

static void test_lowered(int n_models)
{
    bool mutated = false;
    for (int seed = 1; seed <= n_models; seed++) {
        rng_state = 0x9e3779b97f4a7c15ULL * (uint64_t)seed;
        Model *m = rand_model(seed);
        int table_reg = seed & 1;
        /* every fourth model pipelined for Xilinx (adder_fanin: wider tree stages), every other
         * of those for UltraScale+ (one-stage MACs) */
        Netlist *n = lower_model_family(m, table_reg, seed % 4 == 0 ? "xilinx" : NULL, seed % 8 == 4);
        for (int i = 0; i < n->n; i++) {
            const Engine *e = &n->eng[i];
            for (int h = 0; h < 2; h++) {
                const Mvm *v = h ? &e->mvm2 : &e->mvm;
                if (v->n_out == 0) continue;
                char id[256];
                snprintf(id, sizeof id, "seed %d %s %s rf %d", seed, e->name, h ? "mvm2" : "mvm", v->rf);
                MvmPlanOpts opt = {.serial = e->kind == ENG_DENSE}, eng = plan_engine_opts(e, v);
                opt.units = eng.units, opt.wave_units = eng.wave_units, opt.wave_lead = eng.wave_lead; /* plan_mac_reads */
                MvmPlan *p = plan_mvm(v, &opt);
                forms[p->form]++;
                check(check_coverage(id, v, p) == 0, "%s: products not covered exactly once", id);
                if (p->form != MVM_PARALLEL && !mutated) { /* the check can fail: break one word */
                    RomWord *wd = (RomWord *)plan_word(p, 0, 0), keep = *wd;
                    wd->w += 1;
                    quiet = true;
                    check(check_coverage("mutated weight", v, p) > 0, "a wrong weight goes unnoticed");
                    *wd = keep;
                    wd->valid = !wd->valid;
                    check(check_coverage("mutated valid flag", v, p) > 0, "a missing product goes unnoticed");
                    quiet = false;
                    *wd = keep;
                    mutated = true;
                }
                check_roundtrip(id, p);
                check_shape_only(id, v);
                check_counters(id, v, p);
                check_groups(id, p, false);
                check_timing(id, e, v, p, !h);
                check_extras(id, e, v, p);
                if (e->kind == ENG_CELL && !h) check_period(id, e, p);
                if (e->kind == ENG_CELL && !h && e->first_period) check_first_skip(id, e, p);
                if (v->placement == PLACE_WAVE) {
                    check(e->kind == ENG_CELL && !h, "%s: a wavefront on a product that is not a cell's", id);
                    check_wave(id, e, p);
                    if (wave_cells++ == 0) { /* the check can fail: a lead of one cycle more */
                        Engine longer = *e;
                        longer.wave_lead = p->rf;
                        quiet = true;
                        check(check_wave("mutated lead", &longer, p) > 0, "a wavefront's lead too long goes unnoticed");
                        quiet = false;
                    }
                }
                if (v->placement == PLACE_UNIT_ROWS) {
                    check(check_unit_rows(id, e, p) == 0, "%s: unit order", id);
                    if (unit_rows_cells == 1) { /* the check can fail: the first and last captures swapped */
                        MultPlan *mp = &p->mult[0];
                        int keep = mp->cap_out[0];
                        mp->cap_out[0] = mp->cap_out[mp->n_caps - 1];
                        mp->cap_out[mp->n_caps - 1] = keep;
                        quiet = true;
                        check(check_unit_rows("mutated captures", e, p) > 0, "units out of order go unnoticed");
                        quiet = false;
                        mp->cap_out[mp->n_caps - 1] = mp->cap_out[0];
                        mp->cap_out[0] = keep;
                        unit_rows_cells--;
                    }
                }
                if (e->kind == ENG_CELL && !h && !e->split && v->rf > 1 && v->direct &&
                    !(e->layer->kind == L_GRU && !e->layer->reset_after))
                    check_early_lanes(id, e);
                if (v->placement == PLACE_PAIRED) {
                    paired_cells++;
                    paired_counted += p->form == MVM_REGULAR;
                }
                if (v->placement == PLACE_X_FIRST) {
                    x_first_cells++;
                    x_first_runs += p->form == MVM_RUNS; /* whole rows on every multiplier: x runs, then h runs */
                    check(check_x_first(id, p) == 0, "%s: not x-first", id);
                    if (v->x_even) {
                        x_even_cells++;
                        check(check_x_even(id, p) == 0, "%s: x shares not even", id);
                    }
                    if (x_first_cells == 1) { /* the check can fail: an h product moved first */
                        RomWord *a = (RomWord *)plan_word(p, 0, 0), *b = (RomWord *)plan_word(p, p->rf - 1, 0), t = *a;
                        *a = *b;
                        *b = t;
                        quiet = true;
                        check(check_x_first("mutated order", p) > 0, "an h product before x goes unnoticed");
                        quiet = false;
                        *b = *a;
                        *a = t;
                    }
                }
                if (e->kind == ENG_CELL && e->split && v->rf > 1) {
                    split_rf++;
                    split_auto += e->split_auto;
                    /* the xw beat is copied at the start (ack_off 0); the proj is its producer */
                    check(e->ack_off == 0 && e->in[0].eng == i - 1 && !strcmp(n->eng[i - 1].role, "proj"),
                          "%s: split cell without its proj or reading in place", id);
                }
                plan_free(p);
            }
        }
        free_model(m, n);
    }
}

/* A banked cell's captures, walked from the plan's words: capture i of multiplier m is its
 * i-th word with the last flag, output cap_out[i], bank cap_out[i] / u; no (slot, bank) twice
 * and every output once. Returns the number of problems. */
static int check_banks(const char *id, const MvmPlan *p, int u)
{
    int nb = p->v->n_out / u, bad = 0, n_out = p->v->n_out;
    bool per_mult = p->opt.bank_per_mult;
    if (per_mult) nb = p->n_mult;
    char *seen = xcalloc((size_t)p->rf * (size_t)nb, 1), *out = xcalloc((size_t)n_out, 1);
    int *bank = xcalloc((size_t)n_out, sizeof *bank);
    for (int m = 0; m < p->n_mult; m++)
        for (int s = 0, i = 0; s < p->rf; s++) {
            if (!plan_word(p, s, m)->last) continue;
            int j = p->mult[m].cap_out[i++];
            /* a bank per gate: output j's is j / units; per multiplier: the one that captures it */
            bank[j] = per_mult ? m : j / u;
            char *c = &seen[(size_t)s * (size_t)nb + (size_t)bank[j]];
            if (*c || out[j]) bad++;
            *c = out[j] = 1;
        }
    for (int j = 0; j < n_out; j++) bad += !out[j];
    /* the lane reads a unit's gate sums in one cycle: each from another bank */
    for (int j = 0; j < n_out; j++)
        for (int k = j % u; k < j; k += u) bad += out[j] && out[k] && bank[j] == bank[k];
    free(bank);
    if (bad && !quiet) printf("FAIL %s: %d bank write conflicts or missing captures\n", id, bad);
    free(seen);
    free(out);
    return bad;
}

/* Cells at reuse factors that are multiples of their operand count (direct form on one or
 * several multipliers): where plan_cell_banked says banked, the captures must fit the banks;
 * the seeds must reach several multipliers banked. */
static void test_banked(int n_models)
{
    int banked_multi = 0, banked_per_mult = 0, mutated = 0;
    for (int seed = 1; seed <= n_models; seed++) {
        rng_state = 0x51afd7ed558ccd6dULL * (uint64_t)seed;
        Model *m = rand_model(seed % 5 == 1 || seed % 5 == 2 ? seed : seed - seed % 5 + 1);
        Layer *l = m->layers;
        int n_in = l->in_feat + l->units;
        l->reuse = n_in * rnd(1, l->gates * l->units);
        Netlist *n = lower_model(m, seed & 1);
        const Engine *e = &n->eng[n->n - 1];
        if (e->kind == ENG_CELL && plan_cell_banked(e)) {
            char id[256];
            snprintf(id, sizeof id, "seed %d %s rf %d banked on %d", seed, e->name, l->reuse, e->mvm.n_mult);
            MvmPlanOpts opt = plan_cell_opts(e);
            MvmPlan *p = plan_mvm(&e->mvm, &opt);
            banked_per_mult += opt.bank_per_mult;
            check(check_banks(id, p, l->units) == 0, "%s: captures do not fit the banks", id);
            if (p->n_mult > 1 && !mutated) { /* the check can fail: two captures in one slot */
                MvmPlan *q = plan_mvm(&e->mvm, &opt);
                q->mult[1].cap_out[0] = q->mult[0].cap_out[0];
                quiet = true;
                check(check_banks("mutated bank", q, l->units) > 0, "a bank write conflict goes unnoticed");
                quiet = false;
                plan_free(q);
                mutated = 1;
            }
            banked_multi += p->n_mult > 1;
            plan_free(p);
        }
        free_model(m, n);
    }
    check(banked_multi > 0, "no cell banked on several multipliers among %d seeds", n_models);
    check(banked_per_mult > 0, "no cell banked per multiplier among %d seeds", n_models);
    printf("plan banked cells on several multipliers: %d (a bank per multiplier: %d)\n", banked_multi, banked_per_mult);
}

/* GRU cells with reset_after at reuse factors that are multiples of their operand count: the
 * paired placement (plan_pair_runs) where lower.c takes it, its plan in the regular form with
 * pair rows; the counters' words must equal the plan's (a mutant: a pair row's x run not ended),
 * every product covered once, the timing lower.c predicts. */
static void test_paired(int n_models)
{
    int mutated = 0;
    for (int seed = 2; seed <= n_models; seed += 5) {
        rng_state = 0x2545f4914f6cdd1dULL * (uint64_t)seed;
        Model *m = rand_model(seed);
        Layer *l = m->layers;
        l->reuse = (l->in_feat + l->units) * rnd(1, l->gates * l->units);
        l->rreuse = 0;
        Netlist *n = lower_model(m, seed & 1);
        const Engine *e = &n->eng[n->n - 1];
        const Mvm *v = &e->mvm;
        if (e->kind == ENG_CELL && v->placement == PLACE_PAIRED) {
            char id[256];
            snprintf(id, sizeof id, "seed %d %s rf %d paired on %d", seed, e->name, v->rf, v->n_mult);
            MvmPlanOpts opt = plan_cell_opts(e);
            MvmPlan *p = plan_mvm(v, &opt);
            paired_cells++;
            paired_counted += p->form == MVM_REGULAR;
            check(check_coverage(id, v, p) == 0, "%s: products not covered exactly once", id);
            check_counters(id, v, p);
            check_timing(id, e, v, p, true);
            if (p->form == MVM_REGULAR && !mutated) { /* the check can fail: a pair row's x run not ended */
                int rows = p->rf / v->n_in, r = p->pair_from;
                RomWord *wd = (RomWord *)plan_word(p, (r % rows) * v->n_in + v->n_a - 1, r / rows);
                wd->last = !wd->last;
                quiet = true;
                check(check_counters("mutated pair row", v, p) > 0, "a pair row's flags go unnoticed");
                quiet = false;
                wd->last = !wd->last;
                mutated = 1;
            }
            plan_free(p);
        }
        free_model(m, n);
    }
    check(paired_counted > 0, "no paired cell in the regular form among %d seeds (%d paired)", n_models / 5, paired_cells);
    printf("plan paired cells: %d (%d in the regular form with pair rows)\n", paired_cells, paired_counted);
}

/* A memory link's writes, walked from the plan's words: capture i of multiplier m (its i-th
 * word with the last flag, in slot s) is written at s + m to address cap_out[0] + i, which
 * must be output cap_out[i]; no two writes in one cycle and every output once. Returns the
 * number of problems. */
static int check_link(const char *id, const MvmPlan *p)
{
    int n_out = p->v->n_out, bad = 0;
    char *at = xcalloc((size_t)(p->rf + p->n_mult), 1), *out = xcalloc((size_t)n_out, 1);
    for (int m = 0; m < p->n_mult; m++)
        for (int s = 0, i = 0; s < p->rf; s++) {
            if (!plan_word(p, s, m)->last) continue;
            int j = p->mult[m].cap_out[i];
            bad += at[s + m] || out[j] || j != p->mult[m].cap_out[0] + i;
            at[s + m] = out[j] = 1;
            i++;
        }
    for (int j = 0; j < n_out; j++) bad += !out[j];
    if (bad && !quiet) printf("FAIL %s: %d link write conflicts, misplaced or missing outputs\n", id, bad);
    free(at);
    free(out);
    return bad;
}

/* Dense layers in direct form at random reuse factors (multiples of their input count): where
 * plan_link_ok says the outputs can leave through one write port, the plan's writes must not
 * meet; the seeds must reach links of several multipliers and refusals. */
static void test_link(int n_models)
{
    int linked = 0, refused = 0, mutated = 0;
    for (int seed = 1; seed <= n_models; seed++) {
        rng_state = 0x2545f4914f6cdd1dULL * (uint64_t)seed;
        Model *m = rand_model(seed - seed % 5 + 5); /* kinds[0]: a dense layer */
        Layer *l = m->layers;
        l->reuse = l->in_feat * rnd(1, l->units);
        Netlist *n = lower_model(m, seed & 1);
        const Mvm *v = &n->eng[0].mvm;
        if (v->direct && v->n_mult > 1) {
            char id[256];
            snprintf(id, sizeof id, "seed %d: %d inputs, %d outputs at rf %d on %d", seed, l->in_feat, l->units, v->rf, v->n_mult);
            MvmPlanOpts opt = {.serial = true};
            MvmPlan *p = plan_mvm(v, &opt);
            if (plan_link_ok(v)) {
                linked++;
                check(check_link(id, p) == 0, "%s: the link's writes meet", id);
                if (!mutated && p->mult[1].n_caps > 0) { /* the check can fail: an output captured twice */
                    int keep = p->mult[1].cap_out[0];
                    p->mult[1].cap_out[0] = p->mult[0].cap_out[0];
                    quiet = true;
                    check(check_link("mutated link", p) > 0, "a misplaced link write goes unnoticed");
                    quiet = false;
                    p->mult[1].cap_out[0] = keep;
                    mutated = 1;
                }
            } else {
                refused++;
                quiet = true;
                check(check_link(id, p) > 0, "%s: refused, but its writes never meet", id);
                quiet = false;
            }
            plan_free(p);
        }
        free_model(m, n);
    }
    check(linked > 0 && refused > 0, "links of several multipliers: %d, refused: %d", linked, refused);
    printf("plan memory links of several multipliers: %d (refused: %d)\n", linked, refused);
}

/* Random words of random layouts round-trip. */
static void test_words(void)
{
    int bad = 0;
    unsigned char bits[256];
    rng_state = 12345;
    for (int i = 0; i < 20000; i++) {
        RomLayout l = rom_layout(rnd(1, 12), rnd(1, 64));
        RomWord a = {.valid = rnd(0, 1), .first = rnd(0, 1), .last = rnd(0, 1), .k = rnd(0, (1 << l.k_w) - 1)};
        a.w = l.w_w == 64 ? (wide_t)(int64_t)rng() : (wide_t)(int64_t)(rng() % (1ull << l.w_w)) - ((wide_t)1 << (l.w_w - 1));
        memset(bits, 2, sizeof bits);
        rom_pack(&l, &a, bits);
        RomWord b = rom_unpack(&l, bits);
        if (a.valid != b.valid || a.first != b.first || a.last != b.last || a.k != b.k || a.w != b.w) bad++;
        for (int k = 0; k < l.width; k++)
            if (bits[k] > 1) bad++; /* every bit of the layout written, nothing beyond */
        if (bits[l.width] != 2) bad++;
    }
    check(bad == 0, "random ROM words: %d do not round-trip", bad);
}

/* hls4ml's order under a saturating accum (Mvm.sat_order): random dense, LSTM and GRU
 * (reset_after) layers at reuse factors that keep it (mvm_whole_runs, as hls4ml_check_rtl
 * demands). Every product: sat_order set, the usual coverage and timing checks; reuse 1: the
 * bias the first item and xw the last (rnnc_sat_sum's chain order); reuse > 1: each output one
 * run and no bias item (rnnc_mac_sat starts from it); cells split. */
static int sat_forms[2];

static void sat_product(const char *id, const Engine *e, const Mvm *v, const MvmPlan *p)
{
    int bad = 0;
    check(v->sat_order, "%s: a saturating accum under hls4ml numerics without sat_order", id);
    for (int j = 0; j < v->n_out; j++) {
        const OutPlan *op = &p->out[j];
        const TreeItem *it = op->items;
        for (int i = 0; i < op->n_items; i++) {
            if (it[i].kind == ITEM_BIAS) bad += p->form != MVM_PARALLEL || i != 0;
            if (it[i].kind == ITEM_EXTRA) bad += i != op->n_items - 1;
        }
        if (p->form == MVM_PARALLEL && v->outs[j].bias != 0) bad += it[0].kind != ITEM_BIAS;
        if (p->form != MVM_PARALLEL) bad += op->n_parts != 1;
    }
    check(bad == 0, "%s: %d items out of hls4ml's order", id, bad);
    check(e->kind != ENG_CELL || e->split, "%s: a fused cell in hls4ml's order", id);
    sat_forms[p->form != MVM_PARALLEL]++;
}

static void test_sat_order(int n_models)
{
    for (int seed = 1; seed <= n_models; seed++) {
        rng_state = 0x51ed27f1c0ffee11ULL * (uint64_t)seed;
        Model *m = rand_model(seed);
        Layer *l = m->layers;
        if (l->kind == L_SIMPLE_RNN || (l->kind == L_GRU && !l->reset_after)) { /* refused under hls4ml */
            free_model(m, netlist_new(m, 0, 1));
            continue;
        }
        l->ty.accum.o = (OMode)rnd(1, 3);
        set_numerics(m, NUM_HLS4ML);
        int cols = l->gates * l->units, px = l->in_feat * cols, ph = l->units * cols;
        const int rx[] = {1, l->in_feat, 2 * l->in_feat, px}, rh[] = {0, l->units, 3 * l->units, ph};
        l->reuse = rx[rnd(0, 3)];
        l->rreuse = l->kind == L_DENSE ? 0 : rh[rnd(0, 3)];
        if (l->kind != L_DENSE && !mvm_whole_runs(cols, l->units, l->rreuse ? l->rreuse : l->reuse))
            l->rreuse = l->units;
        int table_reg = seed & 1;
        Netlist *n = lower_model(m, table_reg);
        for (int i = 0; i < n->n; i++) {
            const Engine *e = &n->eng[i];
            for (int h = 0; h < 2; h++) {
                const Mvm *v = h ? &e->mvm2 : &e->mvm;
                if (v->n_out == 0) continue;
                char id[256];
                snprintf(id, sizeof id, "sat seed %d %s %s rf %d", seed, e->name, h ? "mvm2" : "mvm", v->rf);
                MvmPlanOpts opt = {.serial = e->kind == ENG_DENSE};
                MvmPlan *p = plan_mvm(v, &opt);
                check(check_coverage(id, v, p) == 0, "%s: products not covered exactly once", id);
                check_timing(id, e, v, p, !h);
                check_extras(id, e, v, p);
                sat_product(id, e, v, p);
                plan_free(p);
            }
        }
        free_model(m, n);
    }
    check(sat_forms[0] > 0 && sat_forms[1] > 0, "products in hls4ml's order: %d at reuse 1, %d above", sat_forms[0],
          sat_forms[1]);
}

/* plan_wave on synthetic cell products (every unit's G rows over nx x operands and U h operands,
 * seeded shapes, every band plan_wave_bands finds on M multipliers of R slots): every product
 * placed once, x in [0, xs), an early unit's h from xs on, a late unit's h from hb on, an early
 * row's products by sa; each output's terms in the order of their positions (runs consecutive)
 * and the same multiset of operands and weights as before. Returns the placements checked. */
static int test_wave_place(int n_shapes)
{
    int placed = 0;
    for (int seed = 1; seed <= n_shapes; seed++) {
        rng_state = 0x6a09e667f3bcc909ULL * (uint64_t)seed;
        int U = rnd(2, 12), nx = rnd(1, 6), G = rnd(1, 4), R = rnd(3, 14);
        Mvm v = {.n_a = nx, .n_in = nx + U, .n_out = G * U, .rf = R};
        v.outs = xcalloc((size_t)v.n_out, sizeof *v.outs);
        for (int j = 0; j < v.n_out; j++) {
            bool x_only = G > 2 && j / U == 2 && rnd(0, 1); /* a GRU's xh: x only */
            v.outs[j].n_terms = x_only ? nx : nx + U;
            v.outs[j].terms = xcalloc((size_t)v.outs[j].n_terms, sizeof *v.outs[j].terms);
            for (int t = 0; t < v.outs[j].n_terms; t++) v.outs[j].terms[t] = (Term){.k = t, .w = 1000 * j + t};
            v.n_products += v.outs[j].n_terms;
        }
        v.n_mult = (int)((v.n_products + R - 1) / R) + rnd(0, 3);
        WaveCounts c = plan_wave_counts(&v, U);
        for (int early = 1; early < U; early++) {
            WaveBands b;
            if (!plan_wave_bands(&c, v.n_mult, R, early, 7, &b)) continue;
            Mvm w = v;
            w.outs = xcalloc((size_t)v.n_out, sizeof *w.outs);
            for (int j = 0; j < v.n_out; j++) {
                w.outs[j] = v.outs[j];
                w.outs[j].terms = xcalloc((size_t)v.outs[j].n_terms, sizeof *w.outs[j].terms);
                memcpy(w.outs[j].terms, v.outs[j].terms, (size_t)v.outs[j].n_terms * sizeof *w.outs[j].terms);
            }
            w.place = plan_wave(&w, U, &b);
            int bad = 0;
            char *used = xcalloc((size_t)w.n_mult * (size_t)R, 1);
            for (int j = 0, q = 0; w.place && j < w.n_out; q += w.outs[j].n_terms, j++) {
                long wsum = 0, ksum = 0;
                for (int t = 0; t < w.outs[j].n_terms; t++) {
                    int pos = w.place[q + t], slot = pos % R, k = w.outs[j].terms[t].k - nx;
                    int e1 = pos < 0 || pos >= w.n_mult * R || used[pos]++;
                    int e2 = t > 0 && pos <= w.place[q + t - 1];              /* terms by position */
                    int e3 = k >= 0 && slot < (k < early ? b.xs : b.hb);     /* h not before its band */
                    int e4 = j % U < early && slot > b.sa;                  /* an early row done by sa */
                    int e5 = k < 0 && slot >= b.xs;                         /* x in [0, xs) */
                    bad += e1 + e2 + e3 + e4 + e5;
                    wsum += (long)w.outs[j].terms[t].w, ksum += w.outs[j].terms[t].k;
                }
                long wsum0 = 0, ksum0 = 0;
                for (int t = 0; t < v.outs[j].n_terms; t++) wsum0 += (long)v.outs[j].terms[t].w, ksum0 += v.outs[j].terms[t].k;
                bad += wsum != wsum0 || ksum != ksum0;
            }
            placed += w.place != NULL;
            check(bad == 0, "wave placement, seed %d, early %d (xs %d hb %d sa %d): %d products out of place", seed, early,
                  b.xs, b.hb, b.sa, bad);
            free(used);
            free(w.place);
            for (int j = 0; j < w.n_out; j++) free(w.outs[j].terms);
            free(w.outs);
        }
        free(c.pair);
        for (int j = 0; j < v.n_out; j++) free(v.outs[j].terms);
        free(v.outs);
    }
    return placed;
}

int main(void)
{
    test_words();
    test_lowered(400);
    for (rows_per_mult = 2; rows_per_mult <= 3; rows_per_mult++) test_lowered(100);
    rows_per_mult = 0;
    test_banked(400);
    test_link(400);
    test_paired(400);
    test_sat_order(300);
    /* the seeds must reach every form, or the test proves less than it says */
    for (int f = 0; f < 4; f++) check(forms[f] > 0, "no product planned in form %d", f);
    check(split_rf > 0 && split_auto > 0, "split cells with reuse > 1: %d (%d chosen automatically)", split_rf, split_auto);
    check(overlapped > 0, "no cell with overlapped steps");
    printf("plan overlapped cells: periods %d cycles above their recurrence floors in all\n", floor_gap);
    check(short_idle > 0, "no regular product with a short multiplier");
    printf("plan regular products' idle slots on short multipliers: %ld\n", short_idle);
    check(unit_rows_cells > 0, "no cell placed in unit order");
    printf("plan unit-order cells: %d\n", unit_rows_cells);
    check(early_lanes > 0, "no direct cell whose lanes start before its product ends");
    printf("plan early lanes: %d of %d direct cells\n", early_lanes, early_cells);
    check(first_skips > 0, "no cell whose first step skips its h products");
    printf("plan first-step skips: %d cells\n", first_skips);
    int wave_placed = test_wave_place(300);
    check(wave_placed > 100, "wave placements of synthetic products: %d", wave_placed);
    printf("plan wave placements of synthetic products: %d\n", wave_placed);
    check(wave_cells > 0 && wave_mac_reads > 0, "no cell in a wavefront, or none reads a capture from its MAC");
    printf("plan wavefronts: %d cells, %d captured runs read from their MACs\n", wave_cells, wave_mac_reads);
    printf("plan sums wrapping at accum's width: %d of %d products (the others with guard bits)\n", wrap_sums, timed_sums);
    check(n_shared > 0, "no product with a shared operand multiplexer (%d grouped)", n_grouped);
    check(x_first_cells > 0, "no cell placed x-first");
    check(x_first_runs > 0, "no x-first cell in the runs form (%d x-first)", x_first_cells);
    check(x_even_cells > 0, "no x-first cell with even x shares (%d x-first)", x_first_cells);
    printf("plan x-first cells with even x shares: %d\n", x_even_cells);
    printf("plan forms: parallel %d, rom %d, regular %d, runs %d; split cells at reuse > 1: %d (%d automatic); "
           "overlapped cells %d (x-first %d, %d of them in the runs form)\n", forms[0], forms[1], forms[2], forms[3],
           split_rf, split_auto, overlapped, x_first_cells, x_first_runs);
    printf("operand groups: %d products grouped, %d with fewer multiplexers than multipliers\n", n_grouped, n_shared);
    printf("hls4ml's order: %d products at reuse 1, %d above\n", sat_forms[0], sat_forms[1]);
    printf("unit: %d passed, %d failed\n", n_pass, n_fail);
    return n_fail ? 1 : 0;
}
