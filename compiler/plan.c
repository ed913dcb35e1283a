/* plan.c: Mvm -> MvmPlan, the hardware plan of one matrix-vector product.
 *
 * lower.c says what a product computes (terms per output, reuse factor) and predicts its
 * timing; the plan decides how: which multiplier does which product in which slot, what each
 * schedule-ROM word holds ({valid, first, last, k, w}, the only place that knows the bit
 * layout), which partial sums each multiplier captures and which output they belong to, the
 * form of the schedule (parallel, ROM, regular, runs; direct or through adder trees) and the
 * items every adder tree sums. emit_verilog.c prints a plan and decides nothing;
 * tests/unit/test_plan.c checks it (every product once, words round-trip, the depth and
 * latency derived here equal lower.c's prediction). */
#include "rnnc.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

static int max_i(int a, int b) { return a > b ? a : b; }
static int min_i(int a, int b) { return a < b ? a : b; }
static int bits_for(long n) { return clog2i(n) < 1 ? 1 : clog2i(n); }

/* ---- ROM words ---- */

RomLayout rom_layout(int k_w, int w_w)
{
    RomLayout l = {.w_lo = 0, .w_w = w_w, .k_lo = w_w, .k_w = k_w};
    l.last = w_w + k_w;
    l.first = l.last + 1;
    l.valid = l.last + 2;
    l.width = l.last + 3;
    return l;
}

void rom_pack(const RomLayout *l, const RomWord *wd, unsigned char *bits)
{
    for (int b = 0; b < l->w_w; b++) bits[l->w_lo + b] = (unsigned char)((wd->w >> b) & 1);
    for (int b = 0; b < l->k_w; b++) bits[l->k_lo + b] = (unsigned char)((wd->k >> b) & 1);
    bits[l->last] = wd->last;
    bits[l->first] = wd->first;
    bits[l->valid] = wd->valid;
}

RomWord rom_unpack(const RomLayout *l, const unsigned char *bits)
{
    RomWord wd = {.valid = bits[l->valid], .first = bits[l->first], .last = bits[l->last]};
    for (int b = 0; b < l->k_w; b++) wd.k |= bits[l->k_lo + b] << b;
    unsigned __int128 u = 0;
    for (int b = 0; b < l->w_w; b++) u |= (unsigned __int128)(bits[l->w_lo + b] & 1) << b;
    if (l->w_w < 128 && bits[l->w_lo + l->w_w - 1]) u |= ~(unsigned __int128)0 << l->w_w; /* sign */
    wd.w = (wide_t)u;
    return wd;
}

const RomWord *plan_word(const MvmPlan *p, int slot, int m) { return &p->rom[(size_t)slot * (size_t)p->n_mult + (size_t)m]; }

/* ---- schedule forms ---- */

/* A regular schedule: every multiplier does exactly rf products (rf a multiple of n_in, every
 * slot busy) and its slot s reads operand s mod n_in, so each row of n_in slots is one output
 * over all operands in order. Then operand index and first/last/valid flags are the same for
 * all multipliers and follow the slot, so counters make them and the ROM holds only the weights
 * (on iCE40 a 16-bit word fits one block RAM's width; with the fields it took two). With pair
 * rows (a paired placement, plan_pair_runs: a GRU's xh and hu of one unit) a row from pair_from
 * on (rows in multiplier order) is an x run and an h run: its flags also end a run at n_a - 1
 * and start one at n_a, and a row counter tells each multiplier where its pair rows begin. */
static RomWord counted_word(const MvmPlan *p, int s, int m)
{
    int n_in = p->v->n_in, n_a = p->v->n_a, k = s % n_in;
    bool pair = p->pair_from >= 0 && m * (p->rf / n_in) + s / n_in >= p->pair_from;
    return (RomWord){.valid = true, .k = k, .first = k == 0 || (pair && k == n_a), .last = k == n_in - 1 || (pair && k == n_a - 1)};
}

/* Whether every word is the counters' (counted_word); sets pair_from (-1: no pair rows). Pair
 * rows are the trailing rows whose operand n_a starts a run, when the operands have an x part
 * and an h part (0 < n_a < n_in). */
static bool counted_words(MvmPlan *p)
{
    const Mvm *v = p->v;
    p->pair_from = -1;
    if (p->rf < 2 || v->n_in < 2 || p->rf % v->n_in) return false;
    int rows_m = p->rf / v->n_in, rows = rows_m * p->n_mult, from = rows;
    /* each multiplier's rows: its busy slots, whole rows from slot 0 (a short multiplier, the
     * last ones of an uneven split, idles after them: a row counter tells it, emit_verilog.c) */
    bool short_m = false;
    for (int m = 0; m < p->n_mult; m++) {
        int busy = 0;
        while (busy < p->rf && plan_word(p, busy, m)->valid) busy++;
        if (busy % v->n_in) return false;
        p->mult[m].rows = busy / v->n_in;
        short_m |= busy < p->rf;
    }
    while (v->n_a > 0 && v->n_a < v->n_in && from > 0 &&
           plan_word(p, ((from - 1) % rows_m) * v->n_in + v->n_a, (from - 1) / rows_m)->first)
        from--;
    p->pair_from = from < rows ? from : -1;
    if (short_m && p->pair_from >= 0) { /* pair rows on short multipliers: not counted */
        p->pair_from = -1;
        return false;
    }
    for (int m = 0; m < p->n_mult; m++)
        for (int s = 0; s < p->rf; s++) {
            RomWord c = counted_word(p, s, m);
            const RomWord *wd = plan_word(p, s, m);
            if (s >= p->mult[m].rows * v->n_in) c = (RomWord){0}; /* idle: every later word invalid */
            if (wd->valid != c.valid || (c.valid && (wd->first != c.first || wd->last != c.last || wd->k != c.k))) {
                p->pair_from = -1;
                return false;
            }
        }
    return true;
}

static bool same_fields(const RomWord *a, const RomWord *b)
{
    return a->valid == b->valid && a->first == b->first && a->last == b->last && a->k == b->k;
}

/* A run schedule generalizes the regular one: every multiplier sees the same operand sequence,
 * made of runs k0, k0+1, .., k0+len-1 (first flag on k0, last flag on the run's end), and the
 * runs form a few segments of identical runs (a GRU with reset_after: the z and r outputs take
 * all operands, the candidate's input and recurrent parts their own ranges). Counters then make
 * the index and flags, and the ROM holds only the weights. Returns the number of segments
 * (0: not a run schedule, or a single segment). */
static int run_segments(const MvmPlan *p, RunSeg *seg)
{
    int nseg = 0, run_k0 = 0, run_len = 0;
    for (int s = 0; s < p->rf; s++) {
        const RomWord *w0 = plan_word(p, s, 0);
        for (int m = 1; m < p->n_mult; m++)
            if (!same_fields(w0, plan_word(p, s, m))) return 0;
        if (!w0->valid || w0->first != (run_len == 0)) return 0;
        if (w0->first) run_k0 = w0->k;
        else if (w0->k != run_k0 + run_len) return 0;
        run_len++;
        if (w0->last) {
            if (nseg > 0 && seg[nseg - 1].k0 == run_k0 && seg[nseg - 1].len == run_len) seg[nseg - 1].cnt++;
            else if (nseg == MVM_MAX_RUN_SEGS) return 0;
            else seg[nseg++] = (RunSeg){run_k0, run_len, 1};
            run_len = 0;
        }
    }
    return run_len == 0 && nseg >= 2 ? nseg : 0; /* one segment: regular, or not worth it */
}

/* Term t of output j's weight at the common weight type w_t (exact). */
static wide_t aligned_weight(const Mvm *v, const Term *t)
{
    FxType tw = t->k < v->n_a ? v->wa : v->wb;
    return (wide_t)t->w * ((wide_t)1 << (fx_frac(v->w_t) - fx_frac(tw)));
}

/* ---- the plan ---- */

static void add_item(OutPlan *op, TreeItemKind kind, int m, int idx, int elems)
{
    if (op->n_items == op->cap_items) BUG("tree of %d items", op->n_items);
    op->items[op->n_items++] = (TreeItem){.kind = kind, .m = m, .idx = idx};
    op->n_elems += elems;
}

/* rf == 1: every output's terms are a contiguous run of operands (lower.c builds them so),
 * one constant-weight product per term. */
static void plan_parallel(MvmPlan *p)
{
    const Mvm *v = p->v;
    p->form = MVM_PARALLEL;
    for (int j = 0; j < v->n_out; j++) {
        const MvmOut *mo = &v->outs[j];
        OutPlan *op = &p->out[j];
        op->n_terms = mo->n_terms;
        op->k0 = mo->n_terms ? mo->terms[0].k : 0;
        op->w = xcalloc((size_t)mo->n_terms + 1, sizeof *op->w);
        for (int t = 0; t < mo->n_terms; t++) {
            if (mo->terms[t].k != op->k0 + t) BUG("terms of output %d are not contiguous", j);
            op->w[t] = aligned_weight(v, &mo->terms[t]);
        }
        if (mo->n_terms) add_item(op, ITEM_PRODUCTS, 0, 0, mo->n_terms);
    }
}

/* rf > 1: product q (output-major) on multiplier pos / rf in slot pos % rf, pos = mvm_pos(q)
 * (q itself unless lower.c placed the products, plan_x_first). A multiplier's run of products
 * for one output in consecutive slots is one partial sum, captured (counted by pc) when it ends;
 * its captures are numbered in slot order. */
static void plan_rom(MvmPlan *p)
{
    const Mvm *v = p->v;
    int rf = p->rf;
    size_t n_pos = (size_t)rf * (size_t)p->n_mult;
    p->rom = xcalloc(n_pos, sizeof *p->rom);
    int *out_at = xcalloc(n_pos, sizeof *out_at); /* position -> output */
    long q0 = 0;
    for (int j = 0; j < v->n_out; j++) {
        const MvmOut *mo = &v->outs[j];
        OutPlan *op = &p->out[j];
        op->part_m = xcalloc((size_t)mo->n_terms + 1, sizeof *op->part_m);
        op->part_idx = xcalloc((size_t)mo->n_terms + 1, sizeof *op->part_idx);
        RomWord *prev = NULL;
        for (int t = 0; t < mo->n_terms; t++) {
            long pos = mvm_pos(v, q0 + t);
            if (pos < 0 || pos >= (long)n_pos) BUG("product %ld placed at %ld", q0 + t, pos);
            RomWord *wd = &p->rom[(size_t)((int)pos % rf) * (size_t)p->n_mult + (size_t)((int)pos / rf)];
            if (wd->valid) BUG("product %ld placed at %ld", q0 + t, pos);
            wd->valid = true;
            wd->first = mvm_run_starts(v, q0, t);
            if (prev) prev->last = wd->first; /* a run ends where the next begins */
            wd->last = t == mo->n_terms - 1;
            prev = wd;
            wd->k = mo->terms[t].k;
            wd->w = aligned_weight(v, &mo->terms[t]);
            out_at[pos] = j;
        }
        q0 += mo->n_terms;
    }
    int **caps = xcalloc((size_t)p->n_mult, sizeof *caps);
    for (int m = 0; m < p->n_mult; m++) {
        caps[m] = xcalloc((size_t)rf + 1, sizeof **caps);
        for (int s = 0; s < rf; s++) {
            const RomWord *wd = plan_word(p, s, m);
            if (!wd->valid || !wd->first) continue;
            int j = out_at[(size_t)m * (size_t)rf + (size_t)s];
            OutPlan *op = &p->out[j];
            op->part_m[op->n_parts] = m;
            op->part_idx[op->n_parts++] = p->mult[m].n_caps;
            caps[m][p->mult[m].n_caps++] = j;
        }
    }
    free(out_at);
    for (int m = 0; m < p->n_mult; m++) p->mult[m].cap_out = caps[m];
    free(caps);
    p->n_seg = 0;
    if (counted_words(p)) p->form = MVM_REGULAR;
    /* runs also under a placement: an x-first cell whose multipliers hold whole rows walks
     * their x runs, then their h runs, in step (the GRU(5) at reuse 33: 0 x 6 x 3, 6 x 5 x 3) */
    else if ((p->n_seg = run_segments(p, p->seg)) > 0) p->form = MVM_RUNS;
    else p->form = MVM_ROM;
    p->rom_w = p->form == MVM_ROM ? p->lay.width : p->lay.w_w;
}

/* ---- operand groups ---- */

/* Multiplier m joins group g when they never read different operands in one slot; the group's
 * operand sequence gk (-1: no member works in that slot) takes m's where it was free. */
static bool join_group(const MvmPlan *p, int *gk, int m, bool commit)
{
    for (int s = 0; s < p->rf; s++) {
        const RomWord *wd = plan_word(p, s, m);
        if (wd->valid && gk[s] >= 0 && gk[s] != wd->k) return false;
    }
    for (int s = 0; s < p->rf && commit; s++)
        if (plan_word(p, s, m)->valid) gk[s] = plan_word(p, s, m)->k;
    return true;
}

/* The operand groups of the ROM form (OpGroup): first fit, in multiplier order, so the
 * multipliers that run through the operands in step (output-major order: every multiplier
 * whose products start at the same point of an output's terms) share one multiplexer, and each
 * multiplexer spans only the operands its group reads. Operand delivery only: the registers
 * after the multiplexer, and so the timing, are the ungrouped ones. */
static void plan_operand_groups(MvmPlan *p)
{
    int rf = p->rf, n_in = p->v->n_in;
    int *gk = xcalloc((size_t)p->n_mult * (size_t)rf, sizeof *gk); /* [group][slot] */
    p->opg = xcalloc((size_t)p->n_mult, sizeof *p->opg);
    p->grp = xcalloc((size_t)p->n_mult, sizeof *p->grp);
    p->n_opg = 0;
    for (int m = 0; m < p->n_mult; m++) {
        int g = 0;
        while (g < p->n_opg && !join_group(p, gk + (size_t)g * (size_t)rf, m, false)) g++;
        if (g == p->n_opg) {
            for (int s = 0; s < rf; s++) gk[(size_t)g * (size_t)rf + (size_t)s] = -1;
            p->grp[p->n_opg++].lead = m;
        }
        join_group(p, gk + (size_t)g * (size_t)rf, m, true);
        p->opg[m] = g;
        p->grp[g].n_members++;
    }
    int *pos = xcalloc((size_t)n_in + 1, sizeof *pos);
    for (int g = 0; g < p->n_opg; g++) {
        OpGroup *gr = &p->grp[g];
        const int *k = gk + (size_t)g * (size_t)rf;
        memset(pos, 0, (size_t)n_in * sizeof *pos);
        for (int s = 0; s < rf; s++)
            if (k[s] >= 0) pos[k[s]] = 1;
        gr->sup = xcalloc((size_t)n_in + 1, sizeof *gr->sup);
        for (int i = 0; i < n_in; i++)
            if (pos[i]) {
                pos[i] = gr->n_sup;
                gr->sup[gr->n_sup++] = i;
            }
        if (gr->n_sup == 0) gr->sup[gr->n_sup++] = 0; /* a multiplier with no work: operand 0 */
        gr->sel_w = bits_for(gr->n_sup);
        gr->sel = xcalloc((size_t)rf, sizeof *gr->sel);
        for (int s = 0; s < rf; s++) gr->sel[s] = k[s] >= 0 ? pos[k[s]] : 0;
    }
    free(pos);
    free(gk);
}

/* Direct form: the bias of each capture, in a register loaded as pc advances; its table of
 * bias_w-bit values is looked up in two registered stages when it is long and the captures
 * are at least 3 cycles apart (a 7-bit lookup is 4 LUT levels, too many for one cycle); with
 * captures at least 2 cycles apart (cap_gap) a bank's address may be registered too. */
static void plan_direct_bias(MvmPlan *p, MultPlan *mp)
{
    const Mvm *v = p->v;
    int G = v->guard_w, nb = 1, min_run = 1 << 30;
    for (int i = 0; i < mp->n_caps; i++) {
        const MvmOut *mo = &v->outs[mp->cap_out[i]];
        while (nb < G && (mo->bias < -((wide_t)1 << (nb - 1)) || mo->bias >= ((wide_t)1 << (nb - 1)))) nb++;
        if (mo->n_terms < min_run) min_run = mo->n_terms;
    }
    mp->bias_w = nb;
    mp->bias_staged = mp->n_caps > 16 && min_run >= 3;
    mp->cap_gap = min_run >= 2;
}

/* Per multiplier, its runs of x terms only before any run with h terms (x_caps), -1 when a run
 * mixes them or an x run comes after an h run (or the products are parallel); x_stop. */
static void plan_x_runs(MvmPlan *p)
{
    p->x_stop = -1;
    for (int m = 0; m < p->n_mult; m++) {
        MultPlan *mp = &p->mult[m];
        bool run_x = false, run_h = false, seen_h = false;
        mp->x_caps = p->form == MVM_PARALLEL ? -1 : 0;
        for (int s = 0; s < p->rf && mp->x_caps >= 0; s++) {
            const RomWord *wd = plan_word(p, s, m);
            if (!wd->valid) continue;
            if (wd->first) run_x = run_h = false;
            if (wd->k < p->v->n_a) run_x = true;
            else run_h = true;
            if (!wd->last) continue;
            if ((run_x && run_h) || (run_x && seen_h)) mp->x_caps = -1;
            else if (run_x) {
                mp->x_caps++;
                if (s > p->x_stop) p->x_stop = s;
            }
            seen_h |= run_h;
        }
    }
}

/* The last slot of each run of multiplier m that ends in a capture, in order; returns the count. */
static int run_ends(const MvmPlan *pl, int m, int *ends)
{
    int n = 0;
    for (int s = 0; s < pl->rf; s++) {
        const RomWord *wd = plan_word(pl, s, m);
        if (wd->valid && wd->last) ends[n++] = s;
    }
    return n;
}

/* The last slot of multiplier m's run idx (its capture index; -1: its last run), -1 if none. */
static int run_end(const MvmPlan *pl, int m, int idx)
{
    int end = -1;
    for (int s = 0, n = 0; s < pl->rf; s++) {
        const RomWord *wd = plan_word(pl, s, m);
        if (!wd->valid || !wd->last) continue;
        if (n++ == idx) return s;
        end = s;
    }
    return idx < 0 ? end : -1;
}

/* Cycles (in slots, from the MAC's sum of slot 0) after which tree item it of a plan is final: a
 * run kept in its MAC, or read from it in its capture cycle (CAP_MAC), when its last slot is done,
 * a captured run a cycle later, constants never late (INT_MIN), an extra input at the end
 * (INT_MAX). */
static int item_final(const MvmPlan *p, const TreeItem *it)
{
    if (it->kind == ITEM_BIAS || it->kind == ITEM_ZERO) return INT_MIN;
    if (it->kind != ITEM_PART && it->kind != ITEM_MAC && it->kind != ITEM_CAP_MAC) return INT_MAX;
    return it->kind == ITEM_MAC ? run_end(p, it->m, -1) : run_end(p, it->m, it->idx) + (it->kind == ITEM_PART);
}

/* Of n tree items final at fin[] (INT_MIN: constants), those a pre-sum takes (pre[i], when pre is
 * not NULL): final dp cycles or more before the latest, where dp (1 or 2) is the stages their own
 * tree needs; only when the last tree (their sum and the others) is then shallower than one over
 * all items. Sets *n_pre (0: none) and *dp; returns the last tree's depth. */
static int pre_split(const int *fin, int n, int fanin, bool *pre, int *n_pre, int *dp)
{
    int depth = mvm_sum_depth(n, fanin, false), latest = INT_MIN;
    *n_pre = 0, *dp = 0;
    for (int i = 0; i < n; i++)
        if (fin[i] > latest) latest = fin[i];
    for (int d = 1; d <= 2 && !*n_pre; d++) {
        int c = 0;
        for (int i = 0; i < n; i++) c += fin[i] == INT_MIN || fin[i] <= latest - d;
        if (c < 2 || mvm_sum_depth(c, fanin, false) > d || mvm_sum_depth(n - c + 1, fanin, false) >= depth) continue;
        *n_pre = c, *dp = d;
        depth = mvm_sum_depth(n - c + 1, fanin, false);
    }
    for (int i = 0; i < n && pre; i++) pre[i] = *n_pre && (fin[i] == INT_MIN || fin[i] <= latest - *dp);
    return depth;
}

/* Output j's pre-sum (mvm_pre_sum, pre_split): its items move first (OutPlan.n_pre) and their
 * captures are marked (MultPlan.cap_pre). Returns the last tree's depth. */
static int plan_pre_sum(MvmPlan *p, int j)
{
    OutPlan *op = &p->out[j];
    int n = op->n_items, *fin = xcalloc((size_t)n + 1, sizeof *fin);
    bool *pre = xcalloc((size_t)n + 1, sizeof *pre);
    for (int i = 0; i < n; i++) fin[i] = item_final(p, &op->items[i]);
    int depth = pre_split(fin, n, p->fanin, pre, &op->n_pre, &op->pre_depth);
    TreeItem *sorted = xcalloc((size_t)n + 1, sizeof *sorted);
    for (int i = 0, a = 0, b = op->n_pre; i < n; i++) {
        const TreeItem *it = &op->items[i];
        sorted[pre[i] ? a++ : b++] = *it;
        if (pre[i] && (it->kind == ITEM_PART || it->kind == ITEM_MAC)) /* its capture (the MAC's: the last) */
            p->mult[it->m].cap_pre[it->kind == ITEM_PART ? it->idx : p->mult[it->m].n_caps - 1] = true;
    }
    memcpy(op->items, sorted, (size_t)n * sizeof *sorted);
    free(sorted);
    free(pre);
    free(fin);
    return depth;
}

/* The trees' depth of a product with pre-sums (mvm_pre_sum), from its positions alone (no plan):
 * plan_pre_sum's, each output's items its runs (final as item_final: the multiplier's last run in
 * its MAC, the others captured a cycle later), the bias and the extra input. */
int plan_pre_depth(const Mvm *v)
{
    int R = v->rf, depth = 1, *last = xcalloc((size_t)v->n_mult + 1, sizeof *last);
    for (long q = 0; q < v->n_products; q++) {
        long pos = mvm_pos(v, q);
        if (pos % R > last[pos / R]) last[pos / R] = (int)(pos % R);
    }
    int max_terms = 0;
    for (int j = 0; j < v->n_out; j++)
        if (v->outs[j].n_terms > max_terms) max_terms = v->outs[j].n_terms;
    int *fin = xcalloc((size_t)max_terms + 3, sizeof *fin);
    for (int j = 0, q = 0; j < v->n_out; q += v->outs[j].n_terms, j++) {
        const MvmOut *o = &v->outs[j];
        int n = 0, n_pre, dp;
        for (int t = 0; t < o->n_terms; t++) {
            if (t + 1 < o->n_terms && !mvm_run_starts(v, q, t + 1)) continue; /* not a run's end */
            long pos = mvm_pos(v, q + t);
            int s = (int)(pos % R);
            fin[n++] = s + (s != last[pos / R]);
        }
        if (o->bias != 0 || n == 0) fin[n++] = INT_MIN;
        if (o->extra >= 0) fin[n++] = INT_MAX;
        int d = pre_split(fin, n, v->fanin, NULL, &n_pre, &dp);
        if (d > depth) depth = d;
    }
    free(fin);
    free(last);
    return depth;
}

/* The items each output's adder tree sums, the registers of captured partial sums, and the
 * tree depth that follows from them. */
static void plan_trees(MvmPlan *p)
{
    const Mvm *v = p->v;
    for (int m = 0; m < p->n_mult && p->form != MVM_PARALLEL; m++) {
        MultPlan *mp = &p->mult[m];
        mp->cap_w = bits_for(mp->n_caps);
        mp->cap_pre = xcalloc((size_t)mp->n_caps + 1, sizeof *mp->cap_pre);
        mp->cap_mac = xcalloc((size_t)mp->n_caps + 1, sizeof *mp->cap_mac);
        mp->track = p->direct || mp->n_caps > 1;
        if (!mp->track) continue;
        mp->n_regs = p->direct ? mp->n_caps : mp->n_caps - 1; /* the last one stays in the MAC */
        if (p->direct && (p->opt.serial || p->opt.banks)) mp->n_regs = 0; /* the caller takes them */
        if (p->direct || v->sat_order) plan_direct_bias(p, mp); /* sat_order: the bias starts each run */
    }
    p->depth = 1;
    for (int j = 0; j < v->n_out; j++) {
        const MvmOut *mo = &v->outs[j];
        OutPlan *op = &p->out[j];
        for (int i = 0; i < op->n_parts && p->form != MVM_PARALLEL; i++) {
            int m = op->part_m[i], idx = op->part_idx[i];
            bool in_mac = !p->direct && idx == p->mult[m].n_caps - 1;
            add_item(op, in_mac ? ITEM_MAC : ITEM_PART, m, idx, 1);
        }
        if (v->sat_order && p->form != MVM_PARALLEL && op->n_parts != 1)
            BUG("output %d of a product in hls4ml's order has %d partial sums (hls4ml_check_rtl)", j, op->n_parts);
        if (p->direct) continue; /* the bias joins at the capture, no tree */
        bool mac_bias = v->sat_order && p->form != MVM_PARALLEL; /* rnnc_mac_sat starts from it */
        if (mo->bias != 0 && !mac_bias) add_item(op, ITEM_BIAS, 0, 0, 1);
        if (mo->extra >= 0) add_item(op, ITEM_EXTRA, 0, mo->extra, 1);
        if (op->n_items == 0) add_item(op, ITEM_ZERO, 0, 0, 1);
        if (v->sat_order && mo->bias != 0 && !mac_bias) { /* hls4ml's order: the bias first (acc = bias) */
            TreeItem b = op->items[op->n_items - 1 - (mo->extra >= 0)];
            memmove(op->items + 1, op->items, (size_t)(op->n_items - 1 - (mo->extra >= 0)) * sizeof *op->items);
            op->items[0] = b;
        }
        int d = mvm_pre_sum(v) ? plan_pre_sum(p, j) : mvm_sum_depth(op->n_elems, p->fanin, v->sat_order);
        if (d > p->depth) p->depth = d;
    }
}

/* A wavefront's early trees load wave_lead slots early (MvmPlanOpts), in the cycle a captured run
 * ending in slot R - 1 - wave_lead is captured: the last tree (not a pre-sum's, loaded every
 * cycle) reads such a run from its MAC then (ITEM_CAP_MAC), which holds it that cycle only, and
 * its capture register goes (MultPlan.cap_mac). A register would hold it a cycle later. */
static void plan_mac_reads(MvmPlan *p)
{
    const MvmPlanOpts *o = &p->opt;
    if (o->wave_units < 1 || o->wave_lead < 1 || p->direct || p->rf < 2) return;
    for (int j = 0; j < p->v->n_out; j++) {
        OutPlan *op = &p->out[j];
        for (int i = op->n_pre; i < op->n_items && j % o->units < o->wave_units; i++) {
            TreeItem *it = &op->items[i];
            if (it->kind != ITEM_PART || run_end(p, it->m, it->idx) != p->rf - 1 - o->wave_lead) continue;
            it->kind = ITEM_CAP_MAC;
            p->mult[it->m].cap_mac[it->idx] = true;
        }
    }
}

/* Pipeline stages of a product with rf > 1 (the timing contract, docs/architecture.md):
 * job cycle 0 starts the slot counter, slot s addresses the ROM in cycle 1 + s, the word is
 * read (ROM_READ), optionally registered again (rom_reg), the operand multiplexer and weight
 * are registered (OPERAND), optionally once more (rom_reg), then rnnc_mac multiplies and
 * accumulates (MAC). With rf == 1 one product per term, registered prod_reg times. */
enum { PIPE_SLOT = 1, PIPE_ROM_READ = 1, PIPE_OPERAND = 1 }; /* the MAC's: Mvm.mac_lat; rf 1's: Mvm.prod_reg */

/* The job cycle slot s's operand is read (the in-place input, h, or a memory's port). */
static int slot_read(int rom_reg, int s) { return PIPE_SLOT + s + PIPE_ROM_READ + rom_reg; }

/* The job cycle a MAC writes the sum of the product issued in slot 0 (add the slot). */
static int acc_end(const MvmPlan *pl)
{
    return PIPE_SLOT + PIPE_ROM_READ + PIPE_OPERAND + 2 * pl->rom_reg + pl->v->mac_lat + pl->v->share_reg - 1;
}

MvmPlan *plan_mvm(const Mvm *v, const MvmPlanOpts *opt)
{
    MvmPlan *p = xcalloc(1, sizeof *p);
    p->v = v;
    p->pair_from = -1;
    p->opt = *opt;
    p->fanin = v->fanin;
    p->n_mult = v->n_mult;
    p->rf = v->rf;
    p->slot_w = bits_for(v->rf);
    p->lay = rom_layout(bits_for(v->n_in), v->w_t.w);
    p->rom_reg = v->rom_reg;
    p->mult = xcalloc((size_t)p->n_mult + 1, sizeof *p->mult);
    p->out = xcalloc((size_t)v->n_out + 1, sizeof *p->out);
    for (int j = 0; j < v->n_out; j++) {
        p->out[j].cap_items = v->outs[j].n_terms + 4;
        p->out[j].items = xcalloc((size_t)p->out[j].cap_items, sizeof *p->out[j].items);
    }
    if (v->rf == 1) plan_parallel(p);
    else plan_rom(p);
    if (p->form == MVM_ROM && !opt->op_mem) plan_operand_groups(p);
    if (opt->shape_only) return p; /* plan_shape: the form and the operand groups are known */
    /* Direct form: every output is one multiplier's single run and has no extra input, so the
     * bias joins at the capture, cast to the accumulator type there, and no adder tree (or its
     * registers) is needed; same timing as a one-stage tree. */
    p->direct = v->rf > 1;
    for (int j = 0; j < v->n_out; j++)
        if (p->out[j].n_parts != 1 || v->outs[j].extra >= 0) p->direct = false;
    if (opt->banks) {
        bool fits = opt->bank_per_mult ? opt->banks == p->n_mult
                                       : plan_banks_ok(v, opt->bank_n) && v->n_out == opt->banks * opt->bank_n;
        if (!p->direct || !fits) BUG("banked captures of a %d-output product", v->n_out);
    }
    plan_x_runs(p);
    plan_trees(p);
    plan_mac_reads(p);
    /* with the extra stage and more than 4 operands the operand multiplexer is split across it */
    p->mux_split = p->rom_reg && !opt->op_mem && v->n_in > 4;
    if (v->rf == 1) {
        p->latency = v->prod_reg + p->depth;
    } else {
        p->last_read = slot_read(p->rom_reg, p->rf - 1);
        p->latency = p->last_read + PIPE_OPERAND + p->rom_reg + v->mac_lat + v->share_reg + p->depth;
    }
    return p;
}

/* The form product v's plan takes (plan_rom: it depends on the placement, not on the options or
 * the ROM register) and its widest operand multiplexer: in the ROM form its operand groups'
 * (plan_operand_groups: a group shares one), otherwise the most operands one multiplier reads
 * (the counters' k, the same in every multiplier's slot); for lowering to choose the ROM
 * register by (mvm_rom_reg). */
MvmShape plan_shape(const Mvm *v)
{
    if (v->rf < 2) return (MvmShape){.form = MVM_PARALLEL, .mux_w = 1};
    MvmPlan *p = plan_mvm(v, &(MvmPlanOpts){.shape_only = true});
    MvmShape sh = {.form = p->form};
    for (int g = 0; g < p->n_opg; g++)
        if (p->grp[g].n_sup > sh.mux_w) sh.mux_w = p->grp[g].n_sup;
    bool *reads = xcalloc((size_t)v->n_in + 1, sizeof *reads);
    for (int m = 0; m < p->n_mult && !p->n_opg; m++) {
        memset(reads, 0, (size_t)v->n_in * sizeof *reads);
        int n = 0;
        for (int s = 0; s < p->rf; s++) {
            const RomWord *wd = plan_word(p, s, m);
            if (wd->valid && !reads[wd->k]) reads[wd->k] = true, n++;
        }
        if (n > sh.mux_w) sh.mux_w = n;
    }
    free(reads);
    plan_free(p);
    return sh;
}

/* The job cycle of the last read of an operand below n_a (x: the fused cell's input beat, read
 * in place and taken in the next cycle), from the placement; -1 when there is none. With the
 * x-first placement it comes long before the last slot. */
int plan_last_x_read(const Mvm *v)
{
    long q = 0, last = -1;
    for (int j = 0; j < v->n_out; j++)
        for (int t = 0; t < v->outs[j].n_terms; t++, q++)
            if (v->outs[j].terms[t].k < v->n_a && mvm_pos(v, q) % v->rf > last) last = mvm_pos(v, q) % v->rf;
    return last < 0 ? -1 : slot_read(v->rom_reg, (int)last);
}

void plan_free(MvmPlan *p)
{
    if (!p) return;
    for (int j = 0; j < p->v->n_out; j++) {
        free(p->out[j].items);
        free(p->out[j].w);
        free(p->out[j].part_m);
        free(p->out[j].part_idx);
    }
    for (int m = 0; m < p->n_mult; m++) free(p->mult[m].cap_out), free(p->mult[m].cap_pre), free(p->mult[m].cap_mac);
    for (int g = 0; g < p->n_opg; g++) {
        free(p->grp[g].sup);
        free(p->grp[g].sel);
    }
    free(p->grp);
    free(p->opg);
    free(p->out);
    free(p->mult);
    free(p->rom);
    free(p);
}

/* The bits the ROM file stores for multiplier m in slot s (rom_w of them): the whole word,
 * or only the weight when counters make the index and flags. With operand groups the k field
 * holds the group's select in its leader's word and 0 in the others' (constant bits, which
 * synthesis drops). */
void plan_rom_bits(const MvmPlan *p, int s, int m, unsigned char *bits)
{
    unsigned char word[256];
    if (p->lay.width > (int)sizeof word) BUG("ROM word of %d bits", p->lay.width);
    RomWord wd = *plan_word(p, s, m);
    if (p->n_opg) wd.k = p->grp[p->opg[m]].lead == m ? p->grp[p->opg[m]].sel[s] : 0;
    rom_pack(&p->lay, &wd, word);
    memcpy(bits, word + (p->form == MVM_ROM ? 0 : p->lay.w_lo), (size_t)p->rom_w);
}

/* Within each multiplier's h slots, the pieces of outputs whose h run began on the previous
 * multiplier (a tail: its first h operand is not the output's first) moved after the others.
 * A tail reads late units' h first, so at the start of the slots it holds the next step back
 * (plan_cell_period); each piece stays one run, so the partial sums are the same. */
static void h_tails_last(const Mvm *v, int *place, const long *x_end)
{
    long N = v->n_products, rf = v->rf;
    long *at = xcalloc((size_t)(v->n_mult * rf), sizeof *at); /* position -> product + 1 */
    bool *tail = xcalloc((size_t)N, sizeof *tail), *first = xcalloc((size_t)N, sizeof *first);
    for (long q = 0, j = 0, t = 0; q < N; q++, t++) {
        if (t == v->outs[j].n_terms) j++, t = 0;
        at[place[q]] = q + 1;
        first[q] = t == 0;
        /* an h term whose predecessor is an h term of the same output on another multiplier */
        tail[q] = t > 0 && v->outs[j].terms[t].k >= v->n_a && v->outs[j].terms[t - 1].k >= v->n_a &&
                  place[q - 1] / rf != place[q] / rf;
    }
    for (int m = 0; m < v->n_mult; m++) {
        long end = (m + 1) * rf < N ? (m + 1) * rf : N, next = x_end[m];
        for (int pass = 0; pass < 2; pass++) { /* the heads and whole runs, then the tails */
            bool in_tail = false;
            for (long pos = x_end[m]; pos < end; pos++) {
                long q = at[pos] - 1;
                if (q < 0) continue;
                if (pos == x_end[m] || first[q] || at[pos - 1] - 1 != q - 1) in_tail = tail[q]; /* a piece starts */
                if (in_tail == (pass == 1)) place[q] = (int)next++;
            }
        }
    }
    free(first);
    free(tail);
    free(at);
}

/* x_end[m] (plan_x_first, even): multiplier m's x slots end after X / n_mult of them, the
 * remainder one more each on the first ones (full ones); a short last multiplier (N - m rf
 * slots) with fewer slots than that does x only, and the others share the rest so. */
static void x_even_shares(int n_mult, long rf, long N, long X, long *x_end)
{
    long last_slots = N - (long)(n_mult - 1) * rf, sharers = n_mult;
    if (n_mult > 1 && last_slots < X / n_mult) {
        x_end[n_mult - 1] = N;
        X -= last_slots;
        sharers--;
    }
    long each = X / sharers, left = X - each * sharers;
    for (int m = 0; m < sharers; m++) x_end[m] = m * rf + each + (m < left ? 1 : 0); /* m < left: full */
}

/* The x-first placement of a fused cell's product (rf > 1; Mvm.place): every multiplier
 * starts with a share of the x products (operands below n_a, which do not depend on the
 * previous step), proportional to its slots (even false), or the same count on every
 * multiplier, the remainder one more each on the first ones (even true: every multiplier's h
 * products then start in the same slot, the shortest span of h reads; plan_loop_floor), and
 * then does h products, each in output-major order and every output's terms in order. An
 * output's x and h products become separate partial sums (the adder tree adds them, exact:
 * rnnc_mac sums cast products at the guard width), so the h reads of the next step move later
 * by the x share (plan_cell_period). Returns the positions (mvm_pos), or NULL when there is
 * nothing to move. */
int *plan_x_first(const Mvm *v, bool tails_last, bool even)
{
    long N = v->n_products, rf = v->rf, X = 0;
    if (rf < 2 || v->n_a == 0 || v->n_a == v->n_in) return NULL;
    for (int j = 0; j < v->n_out; j++)
        for (int t = 0; t < v->outs[j].n_terms; t++) X += v->outs[j].terms[t].k < v->n_a;
    if (X == 0 || X == N) return NULL;
    int *place = xcalloc((size_t)N, sizeof *place);
    long *x_end = xcalloc((size_t)v->n_mult, sizeof *x_end); /* multiplier m's x slots end */
    if (even)
        x_even_shares(v->n_mult, rf, N, X, x_end);
    else
        for (int m = 0; m < v->n_mult; m++) {
            long cap_end = (m + 1) * rf < N ? (m + 1) * rf : N; /* cumulative slots through m */
            long x_before = X * (m * rf) / N, x_through = X * cap_end / N;
            x_end[m] = m * rf + (x_through - x_before);
        }
    /* the x products fill [m rf, x_end[m]) in turn, the h products [x_end[m], (m + 1) rf) */
    long q = 0, xm = 0, hm = 0, xpos = 0, hpos = x_end[0];
    for (int j = 0; j < v->n_out; j++) {
        for (int t = 0; t < v->outs[j].n_terms; t++, q++) {
            if (v->outs[j].terms[t].k < v->n_a) {
                while (xpos >= x_end[xm]) xpos = ++xm * rf;
                place[q] = (int)xpos++;
            } else {
                while (hpos >= (hm + 1) * rf || hpos >= N) hpos = x_end[++hm];
                place[q] = (int)hpos++;
            }
        }
    }
    if (tails_last) h_tails_last(v, place, x_end);
    free(x_end);
    return place;
}

/* Output j's terms are exactly the operands [k0, k0 + n) in order. */
static bool whole_range(const MvmOut *o, int k0, int n)
{
    if (o->n_terms != n) return false;
    for (int t = 0; t < n; t++)
        if (o->terms[t].k != k0 + t) return false;
    return true;
}

/* The unit-order placement of a cell's product (Mvm.place): its rows (every output over all
 * operands in order, G per unit, output j = g * units + unit) taken unit by unit, a unit's
 * gates in turn, and dealt to the multipliers in rotation, whole rows at a time. The units'
 * gate sums are then captured in unit order over the step, the order the lanes read them in,
 * so the lanes may start early (plan_lane_start); a unit's gates sit on different multipliers
 * (G <= multipliers) or at one position on consecutive ones. NULL unless every output is a
 * whole row and the rows fit the multipliers' slots. */
int *plan_unit_rows(const Mvm *v, int units)
{
    int n = v->n_in, rows = v->n_out, rf = v->rf;
    if (rf < 2 || rf % n || units < 1 || rows % units || rows / units < 2) return NULL;
    for (int j = 0; j < rows; j++)
        if (!whole_range(&v->outs[j], 0, n)) return NULL;
    int G = rows / units, n_mult = (int)((v->n_products + rf - 1) / rf);
    if ((long)(rf / n) * n_mult < rows) return NULL;
    int *place = xcalloc((size_t)v->n_products, sizeof *place);
    for (int j = 0; j < rows; j++) {
        int r = (j % units) * G + j / units; /* the row's turn */
        for (int t = 0; t < n; t++) place[(long)j * n + t] = (r % n_mult) * rf + (r / n_mult) * n + t;
    }
    return place;
}

/* ---- the wavefront (docs/architecture.md, "The wavefront") ---- */

/* What term t of output j reads, and whose row it is (output j's unit: j % units): */
enum { WAVE_X, WAVE_EARLY_A, WAVE_EARLY_B, WAVE_LATE_A, WAVE_LATE_B, WAVE_CLASSES };
/* x; an early row's h of an early unit (A) or of a late one (B); a late row's h of either */
static int wave_class(const Mvm *v, int units, int early, int j, int t)
{
    int k = v->outs[j].terms[t].k;
    if (k < v->n_a) return WAVE_X;
    bool late_row = j % units >= early, late_h = k - v->n_a >= early;
    return late_row ? (late_h ? WAVE_LATE_B : WAVE_LATE_A) : (late_h ? WAVE_EARLY_B : WAVE_EARLY_A);
}

/* A cell product's h products by (row's unit, h's unit), and its x products, for every size of
 * the early group at once (plan_wave_bands). */
WaveCounts plan_wave_counts(const Mvm *v, int units)
{
    WaveCounts c = {.units = units, .pair = xcalloc((size_t)units * (size_t)units + 1, sizeof *c.pair)};
    for (int j = 0; j < v->n_out; j++)
        for (int t = 0; t < v->outs[j].n_terms; t++) {
            int k = v->outs[j].terms[t].k - v->n_a;
            if (k < 0) c.x++;
            else c.pair[(j % units) * units + k]++;
        }
    return c;
}

/* Products of each class (wave_class) with `early` units in the early group. */
static void wave_counts(const WaveCounts *c, int early, long *n)
{
    int U = c->units;
    for (int i = 0; i < WAVE_CLASSES; i++) n[i] = 0;
    n[WAVE_X] = c->x;
    for (int u = 0; u < U; u++)
        for (int k = 0; k < U; k++)
            n[u >= early ? (k >= early ? WAVE_LATE_B : WAVE_LATE_A) : (k >= early ? WAVE_EARLY_B : WAVE_EARLY_A)] +=
                c->pair[u * U + k];
}

/* The bands of a wavefront (plan_wave) with `early` units in the early group: x in slots
 * [0, xs), xs = ceil(x products / multipliers); the early rows' h in [xs, sa], those of late
 * units from hb on; a late row's h of an early unit from xs, of a late unit from hb. An early
 * unit's h is then next read from slot xs and written O (overhead) after sa, a late unit's next
 * read from hb and written O after rf - 1: the h reads need P >= O + max(sa - xs, rf - 1 - hb).
 * Of the bands whose room fits the products (counted by band: [xs, hb) takes early rows' A
 * first, the rest spills into [hb, sa] after their B), the one with the least such P (the
 * smallest sa on a tie); false when none fits. */
bool plan_wave_bands(const WaveCounts *c, int M, int R, int early, int overhead, WaveBands *b)
{
    long n[WAVE_CLASSES];
    if (R < 2 || early < 1 || early >= c->units || M < 1) return false;
    wave_counts(c, early, n);
    if (n[WAVE_X] == 0 || n[WAVE_EARLY_A] + n[WAVE_EARLY_B] == 0 || n[WAVE_LATE_A] + n[WAVE_LATE_B] == 0) return false;
    int xs = (int)((n[WAVE_X] + M - 1) / M), best = INT_MAX;
    for (int hb = xs; hb < R; hb++)
        for (int sa = hb; sa < R; sa++) {
            long a1 = (long)(hb - xs) * M, a2 = (long)(sa + 1 - hb) * M, late = (long)(R - 1 - sa) * M;
            long spill = n[WAVE_EARLY_A] > a1 ? n[WAVE_EARLY_A] - a1 : 0;
            long a1_left = a1 - (n[WAVE_EARLY_A] - spill), a2_left = a2 - n[WAVE_EARLY_B] - spill;
            if (a2_left < 0 || n[WAVE_LATE_B] > a2_left + late || n[WAVE_LATE_A] + n[WAVE_LATE_B] > a1_left + a2_left + late)
                continue;
            int need = overhead + (sa - xs > R - 1 - hb ? sa - xs : R - 1 - hb);
            if (need < best) best = need, *b = (WaveBands){.early = early, .xs = xs, .hb = hb, .sa = sa};
        }
    return best < INT_MAX;
}

/* The terms of each output left to place, by class (wave_class), in term order. */
typedef struct { int *t[WAVE_CLASSES], n[WAVE_CLASSES], next[WAVE_CLASSES]; } WaveLeft;

static bool wave_has(const WaveLeft *left, int j, int c) { return j >= 0 && left[j].next[c] < left[j].n[c]; }

/* The output whose term of one of `classes` (-1 ends) goes next, and that class (*cls): class by
 * class, `cur`'s (its run goes on), else `row`'s (the multiplier's row), else the first output's
 * with one left (first[c]: none before it has; for x, the first of the outputs whose h is all
 * placed before the others); with run_first, cur's and row's of any class before the others'.
 * -1 when none has. */
static int wave_pick(const WaveLeft *left, int *first, int n_out, int cur, int row, const int *classes, bool run_first,
                     int *cls)
{
    for (int i = 0; classes[i] >= 0 && run_first; i++)
        if (wave_has(left, cur, *cls = classes[i])) return cur;
    for (int i = 0; classes[i] >= 0 && run_first; i++)
        if (wave_has(left, row, *cls = classes[i])) return row;
    for (int i = 0; classes[i] >= 0; i++) {
        int c = *cls = classes[i];
        if (wave_has(left, cur, c)) return cur;
        if (wave_has(left, row, c)) return row;
        while (first[c] < n_out && !wave_has(left, first[c], c)) first[c]++;
        for (int j = first[c]; j < n_out && c == WAVE_X; j++) {
            bool h_left = false;
            for (int ch = WAVE_EARLY_A; ch < WAVE_CLASSES; ch++) h_left |= wave_has(left, j, ch);
            if (wave_has(left, j, c) && !h_left) return j;
        }
        if (first[c] < n_out) return first[c];
    }
    return -1;
}

/* The classes slot s of a wavefront takes (-1 ends): x before xs (all of it fits there, and the x
 * beat is taken after its last read); an early row's A in [xs, hb), where none is left a late
 * row's A; from hb to sa an early row's B or A while any B is left or more A than [xs, hb) has
 * room for (`early`), else a late row's; after sa a late row's. */
static const int *wave_zone(const WaveBands *b, int s, bool early)
{
    static const int x[] = {WAVE_X, -1}, a1[] = {WAVE_EARLY_A, WAVE_LATE_A, -1}, a2[] = {WAVE_EARLY_B, WAVE_EARLY_A, -1},
                     late[] = {WAVE_LATE_B, WAVE_LATE_A, -1};
    return s < b->xs ? x : s < b->hb ? a1 : s <= b->sa && early ? a2 : late;
}

/* Output j's terms in the order of their positions (pos, by term), and pos with them: each run
 * (consecutive slots of one multiplier) is then consecutive terms. */
static void wave_sort_terms(MvmOut *o, int *pos)
{
    for (int a = 1; a < o->n_terms; a++)
        for (int b = a; b > 0 && pos[b - 1] > pos[b]; b--) {
            Term tt = o->terms[b];
            o->terms[b] = o->terms[b - 1], o->terms[b - 1] = tt;
            int tp = pos[b];
            pos[b] = pos[b - 1], pos[b - 1] = tp;
        }
}

/* The wavefront placement of a fused cell's product (rf > 1; Mvm.place; bands from
 * plan_wave_bands). Multiplier by multiplier, slot by slot, each slot takes a term of the
 * classes its band allows (wave_zone, wave_pick): the multiplier's row is the next row with h
 * left (early rows first) and its x comes first, so that x and h go on in one run where they
 * can. Every output's terms are then reordered by position (the sums are exact, so the order of
 * a product's terms is free: each run becomes consecutive terms). Returns the positions, NULL
 * when a term finds no slot (v's terms then unchanged). */
int *plan_wave(Mvm *v, int units, const WaveBands *b)
{
    int M = v->n_mult, R = v->rf, n_out = v->n_out;
    WaveLeft *left = xcalloc((size_t)n_out, sizeof *left);
    int **pos = xcalloc((size_t)n_out, sizeof *pos);
    long placed = 0, early_a = 0, early_b = 0;
    for (int j = 0; j < n_out; j++) {
        pos[j] = xcalloc((size_t)v->outs[j].n_terms + 1, sizeof **pos);
        for (int c = 0; c < WAVE_CLASSES; c++) left[j].t[c] = xcalloc((size_t)v->outs[j].n_terms + 1, sizeof(int));
        for (int t = 0; t < v->outs[j].n_terms; t++) {
            int c = wave_class(v, units, b->early, j, t);
            left[j].t[c][left[j].n[c]++] = t;
            early_a += c == WAVE_EARLY_A;
            early_b += c == WAVE_EARLY_B;
        }
    }
    static const int row_classes[] = {WAVE_EARLY_A, WAVE_EARLY_B, WAVE_LATE_A, WAVE_LATE_B, -1};
    int first[WAVE_CLASSES] = {0};
    for (int m = 0; m < M; m++)
        for (int s = 0, cur = -1, row = -1, c; s < R; s++) {
            if (s == 0) row = cur = wave_pick(left, first, n_out, -1, -1, row_classes, false, &c);
            if (s == b->xs) cur = row; /* the row's h goes on from its x */
            long room_a = (long)(M - 1 - m) * (b->hb - b->xs); /* [xs, hb) on the multipliers after m */
            bool early = early_b > 0 || early_a > room_a; /* [hb, sa] still for the early rows */
            int j = wave_pick(left, first, n_out, cur, row, wave_zone(b, s, early), early && s >= b->hb && s <= b->sa, &c);
            cur = j;
            if (j < 0) continue;
            pos[j][left[j].t[c][left[j].next[c]++]] = m * R + s;
            early_a -= c == WAVE_EARLY_A;
            early_b -= c == WAVE_EARLY_B;
            placed++;
        }
    int *place = NULL;
    if (placed == v->n_products) {
        place = xcalloc((size_t)v->n_products + 1, sizeof *place);
        for (int j = 0, q = 0; j < n_out; q += v->outs[j].n_terms, j++) {
            wave_sort_terms(&v->outs[j], pos[j]);
            memcpy(place + q, pos[j], (size_t)v->outs[j].n_terms * sizeof *place);
        }
    }
    for (int j = 0; j < n_out; j++) {
        for (int c = 0; c < WAVE_CLASSES; c++) free(left[j].t[c]);
        free(pos[j]);
    }
    free(pos);
    free(left);
    return place;
}

/* A multiplier's operand sequence (plan_place_logic), ordered for finding the equal ones. */
typedef struct { const int *k; int n; } SeqRef;
static int seq_cmp(const void *a, const void *b)
{
    const SeqRef *x = a, *y = b;
    for (int i = 0; i < x->n; i++)
        if (x->k[i] != y->k[i]) return x->k[i] < y->k[i] ? -1 : 1;
    return 0;
}

/* A measure of the logic a placement of v costs, from its positions alone (no plan): the operands
 * of each distinct operand sequence (multipliers that read the same sequence share a multiplexer,
 * plan_operand_groups) and the runs of every output (its partial sums: captures and tree items). */
long plan_place_logic(const Mvm *v)
{
    int M = v->n_mult, R = v->rf;
    int *seq = xcalloc((size_t)M * (size_t)R + 1, sizeof *seq); /* [m][s]: operand + 1, 0 idle */
    long logic = 0;
    for (int j = 0, q = 0; j < v->n_out; q += v->outs[j].n_terms, j++)
        for (int t = 0; t < v->outs[j].n_terms; t++) {
            seq[mvm_pos(v, q + t)] = v->outs[j].terms[t].k + 1;
            logic += mvm_run_starts(v, q, t);
        }
    SeqRef *ref = xcalloc((size_t)M + 1, sizeof *ref);
    for (int m = 0; m < M; m++) ref[m] = (SeqRef){seq + (size_t)m * R, R};
    qsort(ref, (size_t)M, sizeof *ref, seq_cmp);
    bool *seen = xcalloc((size_t)v->n_in + 1, sizeof *seen);
    for (int m = 0; m < M; m++) {
        if (m && !seq_cmp(&ref[m], &ref[m - 1])) continue; /* read by an earlier multiplier */
        memset(seen, 0, (size_t)v->n_in * sizeof *seen);
        for (int s = 0; s < R; s++) {
            int k = ref[m].k[s] - 1;
            if (k >= 0 && !seen[k]) seen[k] = true, logic++;
        }
    }
    free(seen);
    free(ref);
    free(seq);
    return logic;
}

/* O of a cell with one lane per unit (plan_loop_floor) whose rows end in the product's last slot:
 * the cycles from that slot's read to the first cycle the next step may read the h it feeds. */
int plan_wave_overhead(const Engine *e)
{
    return e->cell_start + e->lane_reg + e->cell_lat + !e->h_fwd - slot_read(e->mvm.rom_reg, e->mvm.rf - 1);
}


/* The earliest job cycle the lanes (unit k's phase) may start and still write h[k] after this step's
 * read of it in slot s (h_fwd: the products see a write in its own cycle, so a cycle later). */
static int lanes_after_read(const Engine *e, const MvmPlan *pl, int k, int s)
{
    return slot_read(pl->rom_reg, s) + e->h_fwd - e->lane_reg - e->cell_lat - e->lane_ii * (k / e->lanes);
}

/* How many cycles a wavefront's early group (units [0, e->wave_units)) leads the others: as many
 * as its gate sums are done before the product's (each item of its trees: a run read from its
 * MAC, R - 1 - its last slot, also a captured run of the last tree, which the load then reads from
 * its MAC in its capture cycle where that is the load's (plan_mac_reads); a pre-sum's captured run
 * a cycle less, and its pre_depth less; item_final), but no more than lets its h be written after
 * this step's last read of it (lanes_after_read). `pl` may be planned with any lead. */
int plan_wave_lead(const Engine *e, const MvmPlan *pl)
{
    const Mvm *v = pl->v;
    int U = e->layer->units, n_a = v->n_a, lead = INT_MAX;
    for (int j = 0; j < v->n_out; j++) {
        const OutPlan *op = &pl->out[j];
        for (int i = 0; i < op->n_items && j % U < e->wave_units; i++) {
            int fin = item_final(pl, &op->items[i]); /* a pre-sum's items are sampled pre_depth earlier */
            if (i >= op->n_pre && op->items[i].kind == ITEM_PART) fin--; /* the load may read it from its MAC */
            if (fin != INT_MIN) lead = min_i(lead, pl->rf - 1 - fin - (i < op->n_pre ? op->pre_depth : 0));
        }
    }
    for (int m = 0; m < pl->n_mult; m++)
        for (int s = 0; s < pl->rf; s++) {
            const RomWord *wd = plan_word(pl, s, m);
            if (wd->valid && wd->k >= n_a && wd->k - n_a < e->wave_units)
                lead = min_i(lead, e->cell_start - lanes_after_read(e, pl, wd->k - n_a, s));
        }
    return lead == INT_MAX ? 0 : max_i(0, lead);
}

/* The paired placement of a product (rf > 1; Mvm.place): the i-th output over exactly the x
 * operands [0, n_a) is followed at once by the i-th over exactly the h operands [n_a, n_in)
 * (a GRU with reset_after: its xh and hu of one unit), the other outputs in order. A pair then
 * runs through the operands as a whole row does, so multipliers that hold such pairs read the
 * same operand in every slot as those that hold rows, and share their operand multiplexer
 * (plan_operand_groups); each output stays one run. Returns NULL when no output pairs. */
int *plan_pair_runs(const Mvm *v)
{
    if (v->rf < 2 || v->n_a == 0 || v->n_a == v->n_in) return NULL;
    int *partner = xcalloc((size_t)v->n_out, sizeof *partner); /* x output: its h output + 1; h: -1 */
    int *xs = xcalloc((size_t)v->n_out, sizeof *xs), nx = 0, nh = 0;
    long *q0 = xcalloc((size_t)v->n_out + 1, sizeof *q0);      /* output j's first product */
    for (int j = 0; j < v->n_out; j++) {
        q0[j + 1] = q0[j] + v->outs[j].n_terms;
        if (whole_range(&v->outs[j], 0, v->n_a)) xs[nx++] = j;
    }
    for (int j = 0; j < v->n_out && nh < nx; j++)
        if (whole_range(&v->outs[j], v->n_a, v->n_in - v->n_a)) partner[xs[nh++]] = j + 1, partner[j] = -1;
    int *place = nh ? xcalloc((size_t)v->n_products, sizeof *place) : NULL;
    for (int j = 0, pos = 0; place && j < v->n_out; j++) {
        if (partner[j] < 0) continue; /* placed after its x output */
        for (long q = q0[j]; q < q0[j + 1]; q++) place[q] = pos++;
        if (partner[j] > 0)
            for (long q = q0[partner[j] - 1]; q < q0[partner[j]]; q++) place[q] = pos++;
    }
    free(q0);
    free(xs);
    free(partner);
    return place;
}

/* Captures into banks of bank_n words (output j to bank j / bank_n), one write port each: in
 * the direct form every output is captured two cycles after the slot of its last product, so
 * no two outputs of one bank may end in the same slot (on different multipliers). One
 * multiplier always qualifies; several do when each holds at least bank_n outputs (a gate's
 * units, so the outputs ending together are a gate apart), or as it happens. */
bool plan_banks_ok(const Mvm *v, int bank_n)
{
    if (!v->direct || bank_n < 1 || v->n_out % bank_n) return false;
    int nb = v->n_out / bank_n;
    char *seen = xcalloc((size_t)v->rf * (size_t)nb, 1); /* [slot][bank]: a capture there */
    long q = 0;
    bool ok = true;
    for (int j = 0; j < v->n_out && ok; j++) {
        q += v->outs[j].n_terms;
        char *c = &seen[(size_t)(mvm_pos(v, q - 1) % v->rf) * (size_t)nb + (size_t)(j / bank_n)];
        ok = !*c;
        *c = 1;
    }
    free(seen);
    return ok;
}

/* Whether a direct product's outputs can leave through one write port (a memory link): multiplier
 * m's captures delayed by m cycles (emit_verilog.c dense_link_out) never meet another's, and
 * each multiplier captures a contiguous block of outputs in order, so the write address is the
 * block's base plus the capture index. */
bool plan_link_ok(const Mvm *v)
{
    if (!v->direct || v->rf < 2) return false;
    long span = v->rf + v->n_mult;
    char *taken = xcalloc((size_t)span, 1); /* [slot + m]: a write there */
    long q = 0, prev = -1;
    bool ok = true;
    for (int j = 0; j < v->n_out && ok; j++) {
        q += v->outs[j].n_terms;
        long pos = mvm_pos(v, q - 1), at = pos % v->rf + pos / v->rf;
        ok = pos > prev && !taken[at]; /* output-major: each multiplier's outputs in slot order */
        taken[at] = 1;
        prev = pos;
    }
    free(taken);
    return ok;
}

/* The multiplier whose single run computes output j (direct form). */
static int direct_mult(const Mvm *v, int j)
{
    long q = 0;
    for (int i = 0; i <= j; i++) q += v->outs[i].n_terms;
    return (int)(mvm_pos(v, q - 1) / v->rf);
}

/* One bank per multiplier: each bank has one writer, so writes never meet; the lane reads a
 * unit's gate sums (outputs u, u + units, ...) in one cycle, so they must sit in different
 * multipliers. */
static bool banks_per_mult_ok(const Mvm *v, int units)
{
    if (!v->direct || v->n_mult < 2 || v->n_mult > PLAN_BANKS_MAX || v->n_out % units) return false;
    for (int u = 0; u < units; u++)
        for (int g = 0; g < v->n_out / units; g++)
            for (int h = 0; h < g; h++)
                if (direct_mult(v, g * units + u) == direct_mult(v, h * units + u)) return false;
    return true;
}

/* Banked form of a cell (one lane, direct captures): the gate sums and the LSTM's c live in
 * memories (block RAM on FPGAs) instead of per-unit registers; the lane reads them at its slot
 * with the same one-cycle latency as the lane multiplexer. The sums go to a bank per gate
 * (plan_banks_ok: no two multipliers write a gate's bank in one cycle) or, where several
 * multipliers end runs of one gate together (the LSTM(20) at reuse 416: five multipliers, four
 * gates), to a bank per multiplier. */
bool plan_cell_banked(const Engine *e) { return plan_cell_opts(e).banks > 0; }

MvmPlanOpts plan_cell_opts(const Engine *e)
{
    MvmPlanOpts opt = {0};
    const Layer *l = e->layer;
    const Mvm *v = &e->mvm;
    int u = l->units;
    bool lstm = l->kind == L_LSTM, gru_ra = l->kind == L_GRU && l->reset_after;
    if (e->split || !v->direct || e->lanes != 1 || e->slots < 2 || !(lstm || gru_ra)) return opt;
    if (plan_banks_ok(v, u)) {
        opt.banks = v->n_out / u;
        opt.bank_n = u;
        return opt;
    }
    if (!banks_per_mult_ok(v, u)) return opt;
    int *caps = xcalloc((size_t)v->n_mult, sizeof *caps);
    for (int j = 0; j < v->n_out; j++) caps[direct_mult(v, j)]++;
    opt.bank_per_mult = true;
    opt.banks = v->n_mult;
    for (int m = 0; m < v->n_mult; m++)
        if (caps[m] > opt.bank_n) opt.bank_n = caps[m];
    free(caps);
    return opt;
}

/* The options of the plan the emitter builds for product v of engine e (emit_verilog.c): a
 * dense engine takes its direct captures one at a time, a banked cell through its banks;
 * neither keeps a register per capture. */
MvmPlanOpts plan_engine_opts(const Engine *e, const Mvm *v)
{
    bool banked = e->kind == ENG_CELL && v == &e->mvm && plan_cell_banked(e);
    MvmPlanOpts opt = banked ? plan_cell_opts(e) : (MvmPlanOpts){0};
    opt.op_mem = e->vec_in;
    opt.serial = e->kind == ENG_DENSE;
    if (e->kind == ENG_CELL && v == &e->mvm && e->wave_units)
        opt.units = e->layer->units, opt.wave_units = e->wave_units, opt.wave_lead = e->wave_lead;
    return opt;
}


/* Direct form: the job cycle output j's capture (in slot s, its run's last) is written. */
static int capture_at(const MvmPlan *pl, int s) { return pl->latency - pl->rf + s; }

/* Cycles before cell_start that unit k's lanes start (a wavefront's early group: Engine.wave_units). */
static int unit_lead(const Engine *e, int k) { return k < e->wave_units ? e->wave_lead : 0; }

/* The job cycle the lanes read output j's gate sum (its unit's lane slot). */
static int lane_read(const Engine *e, int j)
{
    int k = j % e->layer->units;
    return e->cell_start - unit_lead(e, k) + e->lane_ii * (k / e->lanes);
}

/* The period of a fused cell whose next step starts while this one drains (docs/architecture.md,
 * "Overlapped steps"): step t+1 starts P cycles after step t, the smallest P at which every
 * resource the two steps share is used in order:
 *   - the multipliers do one step's slots at a time (P >= rf), the lanes' slot phases too
 *     (S slots, a unit every lane_ii cycles);
 *   - lanes whose products share one multiplier (lane_ii 3): the next step's first product
 *     after this step's last (units of one step are 3 cycles apart, so theirs never meet;
 *     a later start, as under stalls, must not make them meet either);
 *   - the x beat is taken (ack_off) before the next job starts;
 *   - each read of h[k] by a product of step t+1 comes after step t wrote h[k] (units are
 *     written in lane-slot order, so outputs reading early units may start first);
 *   - the next step's lanes read h (GRU) and c (LSTM) after this step wrote them;
 *   - direct form: a gate sum captured by step t+1 overwrites its register (or bank word) only
 *     after step t's lanes read it (a bank: not in the same cycle); with adder trees, the
 *     partial sums and the MACs' last runs likewise, the tree's depth earlier (tree_hold: the
 *     trees hold the sums for the lanes, so after the first slot's read);
 *   - one tail at a time (P >= latency / 2).
 * Returns the engine's latency when the steps cannot overlap: the split form, return_sequences
 * (every step emits: the output register would be written while the last beat waits), GRU with
 * reset_after false (its second product), reuse factor 1. */
int plan_cell_period(const Engine *e, const MvmPlan *pl)
{
    const Layer *l = e->layer;
    int L = e->latency, R = pl->rf, K = e->lane_ii;
    if (e->split || e->emit_all || R < 2 || (l->kind == L_GRU && !l->reset_after)) return L;
    int P = max_i(R, max_i(e->ack_off + 1, K * e->slots));
    P = max_i(P, max_i(e->lane_reg + e->cell_lat + 1, (L + 1) / 2));
    if (K > 1) P = max_i(P, K * (e->slots - 1) + e->lane_span + 1);
    P = max_i(P, plan_loop_floor(e, pl).rule); /* the next step's h reads after this one's writes */
    bool banked = pl->opt.banks > 0;
    for (int m = 0; m < pl->n_mult && pl->direct; m++) {
        int i = 0;
        for (int s = 0; s < R; s++) {
            const RomWord *wd = plan_word(pl, s, m);
            if (!wd->valid || !wd->last) continue;
            int j = pl->mult[m].cap_out[i++];
            P = max_i(P, lane_read(e, j) - capture_at(pl, s) + (banked ? 1 : 0));
        }
    }
    /* trees: the next step changes an output's tree inputs (a captured partial sum, or the MAC
     * that keeps its multiplier's last run) only after this step's lanes read the sum, which
     * the tree's depth stages (and a pre-sum's, mvm_pre_sum) sampled that many cycles before; when the trees hold their sums
     * (tree_hold: the last stage loaded once, as the lanes' first slot begins) after the first
     * slot's read */
    int wr0 = acc_end(pl);
    for (int m = 0; m < pl->n_mult && !pl->direct; m++) {
        const MultPlan *mp = &pl->mult[m];
        int i = 0, s_first = -1;
        for (int s = 0; s < R; s++) {
            const RomWord *wd = plan_word(pl, s, m);
            if (!wd->valid) continue;
            if (s_first < 0) s_first = s;
            if (!wd->last) continue;
            int j = mp->cap_out[i], in_mac = i == mp->n_caps - 1;
            i++;
            int wr = in_mac ? s_first + wr0 : s + wr0 + 1; /* the next step's write */
            int rd = e->tree_hold ? e->cell_start - unit_lead(e, j % l->units) : lane_read(e, j);
            int pre = mp->cap_pre && mp->cap_pre[i - 1] ? pl->out[j].pre_depth : 0; /* sampled that much earlier */
            P = max_i(P, rd - pl->depth - pre - wr);
        }
    }
    return P < L ? P : L;
}

/* The recurrence floor of an overlapped cell (docs/architecture.md, "The recurrence floor").
 * Unit k's h may be read by the next step from job cycle avail(k) = its write + !h_fwd; its rows'
 * last h read is f(k), the first read of h[k] g(k). Every unit's rows read every h, so for the
 * unit whose h is read first (g = a) and the unit whose rows end last (f = b), the period P must
 * cover O + f - g for both, with O = min_k (avail(k) - f(k)), the pipeline from a read to the h
 * it feeds: 2 (P - O) >= b - a >= ceil(n_h / n_mult) - 1 for any order of the same products on
 * the same multipliers and stages. (The multipliers' own bound, ceil(n_all / n_mult), is apart.) */
LoopFloor plan_loop_floor(const Engine *e, const MvmPlan *pl)
{
    int U = e->layer->units, n_a = pl->v->n_a, K = e->lane_ii, E = e->lanes;
    int *first = xcalloc((size_t)U, sizeof *first), *last = xcalloc((size_t)U, sizeof *last);
    for (int k = 0; k < U; k++) first[k] = INT_MAX, last[k] = INT_MIN;
    LoopFloor lf = { .first = INT_MAX, .last = INT_MIN };
    for (int m = 0; m < pl->n_mult; m++)
        for (int s = 0, i = 0; s < pl->rf; s++) {
            const RomWord *wd = plan_word(pl, s, m);
            if (!wd->valid) continue;
            int rd = slot_read(pl->rom_reg, s), unit = pl->mult[m].cap_out[min_i(i, pl->mult[m].n_caps - 1)] % U;
            i += wd->last;
            lf.n_all++;
            if (wd->k < n_a) continue;
            lf.n_h++;
            first[wd->k - n_a] = min_i(first[wd->k - n_a], rd);
            last[unit] = max_i(last[unit], rd);
            lf.first = min_i(lf.first, rd);
            lf.last = max_i(lf.last, rd);
        }
    int h_wr0 = e->cell_start + e->lane_reg + e->cell_lat;
    lf.overhead = INT_MAX;
    for (int k = 0; k < U; k++) {
        int avail = h_wr0 - unit_lead(e, k) + K * (k / E) + !e->h_fwd;
        if (last[k] != INT_MIN) lf.overhead = min_i(lf.overhead, avail - last[k]);
        if (first[k] != INT_MAX) lf.rule = max_i(lf.rule, avail - first[k]);
    }
    int slots = (lf.n_h + pl->n_mult - 1) / pl->n_mult;
    lf.floor = lf.n_h ? lf.overhead + slots / 2 : 0; /* ceil((slots - 1) / 2) */
    free(first);
    free(last);
    return lf;
}


/* The earliest job cycle a direct product's lanes may start (Engine.cell_start; docs/
 * architecture.md, "Early lanes"): a lane slot may come before the product ends, once
 *   - every gate sum it reads was captured (written by the end of the cycle before its read:
 *     the capture register or bank word), and
 *   - every h it writes was read by this step's products for the last time (h_fwd: the
 *     products see a write in its own cycle, so the write comes a cycle after that read).
 * Never later than `latest` (the product's end) and never before job cycle 2 (slot_decode). */
int plan_lane_start(const Engine *e, const MvmPlan *pl, int latest)
{
    int R = pl->rf, n_a = pl->v->n_a;
    int start = 2;
    if (!pl->direct) return latest;
    for (int m = 0; m < pl->n_mult; m++) {
        int i = 0;
        for (int s = 0; s < R; s++) {
            const RomWord *wd = plan_word(pl, s, m);
            if (!wd->valid) continue;
            if (wd->k >= n_a) start = max_i(start, lanes_after_read(e, pl, wd->k - n_a, s)); /* the lanes write h[k] later */
            if (!wd->last) continue;
            int j = pl->mult[m].cap_out[i++];
            start = max_i(start, capture_at(pl, s) + 1 - (lane_read(e, j) - e->cell_start));
        }
    }
    return start < latest ? start : latest;
}

/* Under a first-step skip (Mvm.first_skip) multiplier m's captures of a first step end after
 * its x runs: it has both x and h runs (and counts its captures). */
bool plan_mult_skips(const MvmPlan *pl, int m)
{
    const MultPlan *mp = &pl->mult[m];
    return pl->v->first_skip && mp->track && mp->x_caps >= 1 && mp->x_caps < mp->n_caps;
}


/* Of a multiplier's n runs ending in slots ends[], its h runs (those after its x_caps x runs)
 * that end by a first step's last slot (x_stop): the step issues them. */
static int runs_strayed(const MvmPlan *pl, const MultPlan *mp, const int *ends, int n)
{
    int k = 0;
    for (int i = mp->x_caps; i < n; i++) k += ends[i] <= pl->x_stop;
    return k;
}

/* Under a first-step skip, multiplier m's h runs a first step issues (runs_strayed):
 * mvm_captures drops their captures (its stray flag); at most one (plan_first_period). */
int plan_mult_strays(const MvmPlan *pl, int m)
{
    if (!plan_mult_skips(pl, m)) return 0;
    int *ends = xcalloc((size_t)pl->rf + 1, sizeof *ends), k = runs_strayed(pl, &pl->mult[m], ends, run_ends(pl, m, ends));
    free(ends);
    return k;
}

/* Under a first-step skip, whether multiplier m's MAC still holds its last x run's sum when
 * the trees read its kept run (its last, an h run): the step issues none of its products after
 * that x run (one would start an h run, and h is 0 in a first step, so the MAC would hold 0).
 * Such a kept run is masked (mvm_item's zmac) from the last x capture to the next job's first. */
bool plan_mult_zmac(const MvmPlan *pl, int m)
{
    if (!plan_mult_skips(pl, m)) return false;
    int *ends = xcalloc((size_t)pl->rf + 1, sizeof *ends);
    run_ends(pl, m, ends);
    int last_x = ends[pl->mult[m].x_caps - 1];
    free(ends);
    for (int s = last_x + 1; s <= pl->x_stop; s++)
        if (plan_word(pl, s, m)->valid) return false;
    return true;
}

/* The first step without h products (docs/architecture.md): a sequence's first step reads
 * h = 0, so an x-first cell may end that step's head after its x runs, at P0 < P, and run its
 * tail J = P - P0 cycles early (rnnc_job_ctrl FIRST_PERIOD). Returns P0, or 0 where it does not
 * apply. It applies to an overlapped GRU (reset_after) in trees whose multipliers each do
 * their x runs, then their h runs, none mixing the two, and P0 is the smallest job cycle at
 * which:
 *   - the x beat was taken (ack_off) and every x slot issued (the slots then stop: the h runs
 *     never end, so nothing of them is captured), at most one h run a multiplier ending
 *     before the stop (its capture dropped: plan_mult_strays);
 *   - the last x run's partial sum is written before the tree samples it, J early;
 *   - the previous job (the last step of the sequence before) has left its tail before this
 *     one enters its own (one tail at a time: P0 >= L - P);
 *   - two jobs' captures at most are outstanding (the queue of first flags has two);
 *   - its h partial sums are cleared (at its last x capture) after the job before sampled them;
 *   - the step's decodes after its products (tree, lanes, write-back) that lie in the head,
 *     J early in a first step (emit_verilog.c job_end_at), are still in it at job cycle 2 or
 *     later.
 * The other orderings of plan_cell_period hold shifted by J on both sides. Sequences of one
 * step (every job a first one) are excluded. */
int plan_first_period(const Engine *e, const MvmPlan *pl)
{
    const Layer *l = e->layer;
    int P = e->period, L = e->latency;
    if (!P || e->wave_units || l->kind != L_GRU || !l->reset_after || pl->direct || pl->v->sat_order ||
        l->in_steps < 2 || pl->form == MVM_PARALLEL)
        return 0;
    int wr0 = acc_end(pl);
    int *ends = xcalloc((size_t)pl->rf + 1, sizeof *ends);
    int x_stop = pl->x_stop, cx = 0, cx_min = 1 << 30, cn = 0;
    bool ok = true;
    for (int m = 0; m < pl->n_mult && ok; m++) {
        const MultPlan *mp = &pl->mult[m];
        int n = run_ends(pl, m, ends);
        if (n == 0) continue;
        ok = mp->x_caps >= 1;
        if (!ok) break;
        if (runs_strayed(pl, mp, ends, n) > 1) ok = false;
        cx = max_i(cx, ends[mp->x_caps - 1] + wr0 + 1);
        if (mp->x_caps < n && ends[mp->x_caps - 1] + wr0 + 1 < cx_min) cx_min = ends[mp->x_caps - 1] + wr0 + 1;
        cn = max_i(cn, ends[n - 1] + wr0 + 1);
    }
    free(ends);
    if (!ok || x_stop < 0) return 0;
    int P0 = max_i(e->ack_off + 1, max_i(x_stop + 2, L - P));
    P0 = max_i(P0, P - (e->cell_start - pl->depth - 1 - cx)); /* the tree samples J early */
    /* a first step clears its h partial sums at its last x capture: after the job before it
     * (P earlier at least) sampled its own for the last unit's lanes */
    int rd_last = (e->tree_hold ? e->cell_start : lane_read(e, l->units - 1)) - pl->depth;
    if (P0 >= P || cx >= 2 * P0 || cn >= P + P0 || P + cx_min <= rd_last) return 0;
    /* the step's own decodes (the trees' load, the lanes' and write-back's phases: a cycle or two
     * before) come J early in a first step: from its head where they lie in the head */
    if ((pl->latency < e->cell_start ? pl->latency : e->cell_start) - 2 - (P - P0) < 2) return 0;
    return P0;
}
