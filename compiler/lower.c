/* lower.c: Model -> Netlist.
 *
 * Each layer becomes one or two engines joined by valid/ready streams:
 *   dense               -> DENSE (matrix-vector multiply + activation)
 *   lstm/gru/simple_rnn -> [REVERSE if go_backwards] + CELL, and with reuse factor 1 a PROJ
 *                          (a DENSE computing x*W + b) in front, so that the recurrent loop
 *                          only waits for h*U ("split" form); with RF > 1 the cell multiplies
 *                          [x; h] itself ("fused" form), which uses the multipliers best.
 *   flatten -> FLATTEN, activation -> ACT, dropout -> nothing, softmax -> DENSE + SOFTMAX.
 * Matrix products are lists of terms per output; lower assigns them to multipliers and
 * derives the adder-tree depth and latency (the timing contract of emit_verilog.c).
 * The netlist is a graph (netlist_add: every engine names its inputs); lower_model appends
 * each layer's engines to the design's output stream, a chain. A hand-built netlist may fork
 * a stream and join two (MERGE); netlist_finish checks the graph. */
#include "rnnc.h"

#include <stdlib.h>
#include <string.h>

int clog2i(long v)
{
    int b = 0;
    while ((1L << b) < v) b++;
    return b;
}

/* Smallest signed type holding a and b exactly (same real values). */
static FxType common_type(FxType a, FxType b)
{
    int fa = fx_frac(a), fb = fx_frac(b);
    int ia = (a.sgn ? a.w : a.w + 1) - fa, ib = (b.sgn ? b.w : b.w + 1) - fb;
    int f = fa > fb ? fa : fb, in = ia > ib ? ia : ib;
    FxType t = {.w = in + f, .i = in, .sgn = true, .q = Q_TRN, .o = O_WRAP};
    return t;
}

static int tree_levels(int n, int fanin)
{
    int d = 0;
    while (n > 1) {
        n = (n + fanin - 1) / fanin;
        d++;
    }
    return d < 1 ? 1 : d;
}

/* Registered stages that sum n items: an adder tree of the given fan-in, or with sat_order
 * rnnc_sat_sum's chain (RNNC_SAT_ADDS additions per stage, each cast to the accum). */
int mvm_sum_depth(int n, int fanin, bool sat_order)
{
    if (!sat_order) return tree_levels(n, fanin);
    int d = (n - 1 + RNNC_SAT_ADDS - 1) / RNNC_SAT_ADDS;
    return d < 1 ? 1 : d;
}

/* Whether every one of n_out outputs of nt terms each stays on one multiplier at reuse rf
 * (finish_mvm's partial sums, one per output; rf == 1: every term its own product). hls4ml's
 * order under a saturating accum needs it (hls4ml_check_rtl). */
bool mvm_whole_runs(long n_out, int nt, long rf)
{
    long prods = n_out * nt, q = 0;
    rf = rf > prods ? prods : rf;
    if (rf <= 1) return true;
    for (long j = 0; j < n_out; j++, q += nt)
        if ((q + nt - 1) / rf - q / rf != 0) return false;
    return true;
}

/* Whether term t of an output whose first product is q0 starts a run: the first term, or
 * one not in the slot after its predecessor's on the same multiplier. */
bool mvm_run_starts(const Mvm *v, long q0, int t)
{
    long pos = mvm_pos(v, q0 + t);
    return t == 0 || (int)pos % v->rf == 0 || mvm_pos(v, q0 + t - 1) != pos - 1; /* positions fit an int */
}

/* A design for Xilinx (xc7 or, with Netlist.ultrascale, UltraScale+), and for xc7 alone. */
static bool for_xilinx(const Netlist *n) { return n->family && !strcmp(n->family, "xilinx"); }
static bool for_xc7(const Netlist *n) { return for_xilinx(n) && !n->ultrascale; }

/* The register after a product's schedule ROM (rom_reg) on slow parts (table_reg: iCE40), kept
 * off the operand path there. A shared MAC's product (share_reg) does without it when its ROM
 * is in logic (no block RAM output to register; its widest layout counted) and its operand
 * multiplexer at most 12 wide (4 LUT levels): the share stage then registers the multiplexer's
 * output before the routing into the DSP. Saves 2 cycles of the product's latency: the UP5K
 * GRU(5)'s cell and the two dense layers it hosts, 709 to 703 cycles (695 with the first step's
 * skip), 52.4 MHz.
 * On Xilinx, where the block RAM's words select the operands (MVM_ROM in block RAM: an irregular
 * placement, such as x-first on a few multipliers; the unregistered block RAM output, 2.5 ns,
 * into the operand multiplexer was the critical path of the LSTM(20) at reuse 512 on xc7: 160.4
 * MHz) or an operand multiplexer spans more than RNNC_XILINX_MUX_REG operands (two levels of LUT6,
 * MUXF7 and MUXF8 from a high-fanout select: the LSTM(20)'s output layer at reuse 128, one
 * multiplier reading its 64 operands, 196.1 MHz):
 * with the register the multiplexer is split across it (MvmPlan.mux_split). The counted forms'
 * ROM holds only weights, which go straight into the DSP, and the xcu250 GRU(20)'s ROM of 9
 * words is in logic. */
static int mvm_rom_reg(const Netlist *n, const Mvm *v)
{
    if (v->rf < 2 || (!n->table_reg && !for_xilinx(n))) return 0;
    long width = (long)v->n_mult * rom_layout(clog2i(v->n_in) < 1 ? 1 : clog2i(v->n_in), v->w_t.w).width;
    bool in_logic = res_rom_in_logic(n->family, v->rf, width);
    if (n->table_reg) return !(v->share_reg && v->n_in <= 12 && in_logic);
    MvmShape sh = plan_shape(v);
    return (sh.form == MVM_ROM && !in_logic) || sh.mux_w > RNNC_XILINX_MUX_REG;
}

/* Whether a cast to t is a bit slice: a truncation that wraps (no rounding adder, no
 * saturation), so that the stages UltraScale+ merges (mvm_mac_lat, serial_hh_direct) take no
 * logic for it, and a sum cast so keeps only its low bits (mvm_sums_wrap). */
static bool cast_is_slice(FxType t) { return t.q == 0 && fx_rtl_sat(t) == 0; }

/* Whether product v's products and sums are cast to accum as bit slices, and only once, after
 * the sum (not in hls4ml's saturating order, rnnc_mac_sat's cast after each addition): its
 * sums may then wrap at accum's width (guard_w), and a one-stage MAC has no cast to fit. */
static bool mvm_sums_wrap(const Mvm *v) { return cast_is_slice(v->accum) && !v->sat_order; }

/* The MAC's stages (Mvm.mac_lat, rnnc_mac's PROD_REG): 2, the exact product registered and
 * then added; 1 where the part's DSP multiplies and accumulates in one stage at its clock
 * (Netlist.ultrascale: UltraScale+'s DSP48E2), one cycle off every job and every
 * recurrent step, when the sums wrap (mvm_sums_wrap: no cast logic between the two). A
 * multiplier in logic (Mvm.n_logic) then has its operand register inside its tree (rnnc_mac
 * PRE_REG): its last levels and the accumulator's adder in one stage. */
static int mvm_mac_lat(const Netlist *n, const Mvm *v) { return n->ultrascale && mvm_sums_wrap(v) ? 1 : 2; }

/* The registers after each product at rf 1 (Mvm.prod_reg, rnnc_product's REG): 1, and 2 on
 * xc7, where Yosys puts the second in the DSP48E1's PREG: with the product in MREG alone it
 * leaves through the DSP's ALU 1.69 ns after the clock, and the tree's first adders after it
 * missed 200 MHz (188.0 MHz estimated on the tiny GRU at reuse 1; 210.3 with both). */
static int mvm_prod_reg(const Netlist *n, long rf) { return rf == 1 && for_xc7(n) ? 2 : 1; }

/* Operands per adder-tree stage of a product (at any reuse): the netlist's (adder_fanin), but 4
 * on xc7, where a chained 8-value stage is three adders deep, the 7-series critical path from
 * a MAC's or a product's register (184.6-194.6 MHz estimated), and two adders deep meet 200
 * (208.9-210.3; docs/flow.md). */
static int mvm_fanin(const Netlist *n) { return for_xc7(n) ? RNNC_FANIN_XC7 : n->fanin; }

/* Items summed for output j: its partial products plus bias and extra when present. */
static void finish_mvm(const Netlist *n, Mvm *v)
{
    v->op_t = v->n_a == v->n_in ? common_type(v->ta, v->ta)
            : v->n_a == 0       ? common_type(v->tb, v->tb)
                                : common_type(v->ta, v->tb);
    v->w_t = v->n_a == v->n_in ? common_type(v->wa, v->wa)
           : v->n_a == 0       ? common_type(v->wb, v->wb)
                               : common_type(v->wa, v->wb);
    v->n_products = 0;
    int max_terms = 0;
    for (int j = 0; j < v->n_out; j++) {
        v->n_products += v->outs[j].n_terms;
        if (v->outs[j].n_terms > max_terms) max_terms = v->outs[j].n_terms;
    }
    if (v->rf < 1) v->rf = 1;
    if (v->rf > v->n_products) v->rf = v->n_products > 0 ? v->n_products : 1;
    v->n_mult = (v->n_products + v->rf - 1) / v->rf;
    if (v->n_mult < v->n_mult_set) v->n_mult = v->n_mult_set;
    int fanin = mvm_fanin(n);

    /* partials per output: with rf == 1 every term; otherwise its runs (terms in consecutive
     * slots of one multiplier, mvm_run_starts) */
    int depth = 1;
    long q = 0;
    bool direct = v->rf > 1; /* every output one multiplier's single run, no extra input */
    for (int j = 0; j < v->n_out; j++) {
        const MvmOut *o = &v->outs[j];
        int parts = 0;
        for (int t = 0; t < o->n_terms; t++) parts += v->rf == 1 || mvm_run_starts(v, q, t);
        q += o->n_terms;
        if (parts != 1 || o->extra >= 0) direct = false;
        /* in hls4ml's order with rf > 1 the bias starts the MAC's run (rnnc_mac_sat) */
        int items = parts + (o->bias != 0 && !(v->sat_order && v->rf > 1)) + (o->extra >= 0);
        int d = mvm_sum_depth(items, fanin, v->sat_order);
        if (d > depth) depth = d;
    }
    v->fanin = fanin;
    v->n_logic = v->rf > 1 ? (v->n_logic < v->n_mult ? v->n_logic : v->n_mult) : 0;
    if (mvm_pre_sum(v) && !direct && v->rf > 1) depth = plan_pre_depth(v); /* from the slots its items end in */
    v->depth = depth;
    v->direct = direct;
    v->mac_lat = mvm_mac_lat(n, v);
    v->prod_reg = mvm_prod_reg(n, v->rf);
    /* guard: every item fits accum width + 1 (bias sums); the sum of n items needs clog2(n).
     * Where the sum's cast to accum is a bit slice, its low accum.w bits are all the cast keeps,
     * and they do not depend on higher bits: sums (the MACs' too) wrap at accum's width. */
    v->guard_w = mvm_sums_wrap(v) ? v->accum.w : v->accum.w + 2 + clog2i(max_terms + 3);
    v->rom_reg = mvm_rom_reg(n, v); /* from the plan's form: after the fields it reads */
    v->latency = (v->rf == 1 ? v->prod_reg : 2 + v->mac_lat + v->rf + 2 * v->rom_reg + v->share_reg) + depth;
}

static MvmOut *alloc_outs(int n)
{
    MvmOut *o = xcalloc((size_t)n, sizeof *o);
    for (int j = 0; j < n; j++) o[j].extra = -1;
    return o;
}

/* Append terms operand[base + k] * mat[k][col] for k < rows. */
static void add_terms(MvmOut *o, int base, const int64_t *mat, int rows, int cols, int col)
{
    Term *t = xcalloc((size_t)(o->n_terms + rows), sizeof *t);
    if (o->n_terms) memcpy(t, o->terms, (size_t)o->n_terms * sizeof *t);
    free(o->terms);
    for (int k = 0; k < rows; k++) {
        t[o->n_terms + k].k = base + k;
        t[o->n_terms + k].w = mat[(size_t)k * (size_t)cols + (size_t)col];
    }
    o->terms = t;
    o->n_terms += rows;
}

static wide_t bias_acc(const Layer *l, const int64_t *b, int j)
{
    if (!b) return 0;
    return fx_cast(b[j], fx_frac(b == l->qrbias ? layer_rbias_type(l) : l->ty.bias), l->ty.accum);
}

Netlist *netlist_new(const Model *m, int table_reg, int cap)
{
    Netlist *n = xcalloc(1, sizeof *n);
    n->model = m;
    n->table_reg = table_reg;
    n->act_lat = 1 + table_reg;
    n->fanin = RNNC_FANIN;
    n->cap = cap;
    n->eng = xcalloc((size_t)cap, sizeof(Engine));
    n->out = (PortRef){RNNC_INPUT, 0};
    return n;
}

Engine *netlist_add(Netlist *n, EngineKind kind, const Layer *l, const char *role, int n_in, const PortRef *in)
{
    if (n->n >= n->cap) BUG("netlist: more than %d engines", n->cap);
    if (n_in < 1 || n_in > RNNC_IN_MAX) BUG("netlist: %d inputs", n_in);
    Engine *e = &n->eng[n->n];
    memset(e, 0, sizeof *e);
    for (int j = 0; j < n_in; j++) {
        if (in[j].eng < RNNC_INPUT || in[j].eng >= n->n || in[j].port != 0)
            BUG("netlist: engine %d input %d from engine %d port %d", n->n, j, in[j].eng, in[j].port);
        e->in[j] = in[j];
    }
    n->n++;
    e->n_in = n_in;
    e->kind = kind;
    e->layer = l;
    snprintf(e->role, sizeof e->role, "%s", role);
    snprintf(e->name, sizeof e->name, "%s_%s_%s", n->model->name, l->name, role);
    e->mvm.share_reg = n->share_hint && n->share_hint[n->n - 1];
    return e;
}

/* A deep copy of a product's outputs (their terms too). */
static MvmOut *copy_outs(const Mvm *v)
{
    MvmOut *o = alloc_outs(v->n_out);
    for (int j = 0; j < v->n_out; j++) {
        o[j] = v->outs[j];
        o[j].terms = xcalloc((size_t)v->outs[j].n_terms + 1, sizeof *o[j].terms);
        memcpy(o[j].terms, v->outs[j].terms, (size_t)v->outs[j].n_terms * sizeof *o[j].terms);
    }
    return o;
}

static void free_outs(MvmOut *o, int n)
{
    for (int j = 0; o && j < n; j++) free(o[j].terms);
    free(o);
}

/* A netlist and what lower_model allocated for it. */
void netlist_free(Netlist *n)
{
    for (int i = 0; i < n->n; i++) {
        Mvm *v[2] = {&n->eng[i].mvm, &n->eng[i].mvm2};
        for (int j = 0; j < 2; j++) {
            free_outs(v[j]->outs, v[j]->n_out);
            free(v[j]->place);
        }
    }
    free(n->eng);
    free(n);
}

/* An engine appended to the design's output stream, which it then produces (a chain). */
static Engine *new_engine(Netlist *n, EngineKind kind, const Layer *l, const char *role)
{
    Engine *e = netlist_add(n, kind, l, role, 1, &n->out);
    n->out = (PortRef){n->n - 1, 0};
    return e;
}

/* x*W + b over the whole kernel: a dense projection whose output is the accum value. */
static void lower_dense_mvm(Mvm *v, const Layer *l, FxType in_t, const int64_t *bias, int rf)
{
    int cols = l->gates * l->units;
    v->n_in = v->n_a = l->in_feat;
    v->ta = in_t;
    v->tb = in_t;
    v->wa = v->wb = l->ty.weight;
    v->accum = l->ty.accum;
    v->sat_order = hls4ml_sat_order(l);
    v->n_out = cols;
    v->outs = alloc_outs(cols);
    v->rf = rf;
    for (int j = 0; j < cols; j++) {
        add_terms(&v->outs[j], 0, l->qkernel, l->in_feat, cols, j);
        v->outs[j].bias = bias_acc(l, bias, j);
    }
}

/* The proj engine of the split form: x*W + b_in at reuse factor rf, its output the accum
 * values (a DENSE: with rf > 1 it reads x in place; direct form: one cycle more). */
static void lower_proj(Netlist *n, const Layer *l, FxType in_t, int rf)
{
    Engine *p = new_engine(n, ENG_DENSE, l, "proj");
    lower_dense_mvm(&p->mvm, l, in_t, l->qbias, rf);
    p->act_none = true;
    p->in_n = l->in_feat;
    p->in_t = in_t;
    p->out_n = l->gates * l->units;
    p->out_t = l->ty.accum;
    finish_mvm(n, &p->mvm);
    p->latency = p->mvm.latency + n->act_lat + (p->mvm.direct ? 1 : 0);
    if (p->mvm.rf > 1) p->ack_off = p->mvm.rf + 1 + p->mvm.rom_reg;
}

/* The cell's product over [x; h] (fused) or h (split, xw added as the extra input). Outputs:
 * the gate blocks that need h (all but GRU's candidate when reset_after=0); fused GRU also
 * computes xh = x*W_h + b_in_h (at 2u..3u) and, with reset_after, hu at 3u..4u; split GRU with
 * reset_after has hu at 2u..3u. */
static void lower_cell_mvm(Mvm *v, const Layer *l, FxType in_t, bool split, int rf)
{
    int u = l->units, cols = l->gates * u, nx = split ? 0 : l->in_feat;
    bool gru = l->kind == L_GRU;
    const int64_t *b_in = l->qbias, *b_rec = gru && l->reset_after ? l->qrbias : NULL;
    *v = (Mvm){.n_a = nx, .n_in = nx + u, .ta = in_t, .wa = l->ty.weight, .tb = l->ty.result, .wb = l->ty.rweight,
               .accum = l->ty.accum, .rf = rf, .sat_order = hls4ml_sat_order(l),
               .share_reg = v->share_reg};
    int mvm_gates = gru && !l->reset_after ? 2 : l->gates;
    v->n_out = split || !gru ? mvm_gates * u : l->reset_after ? 4 * u : 3 * u;
    v->outs = alloc_outs(v->n_out);
    for (int g = 0; g < mvm_gates; g++) {
        for (int j = 0; j < u; j++) {
            int col = g * u + j;
            bool cand_ra = gru && l->reset_after && g == 2;
            MvmOut *o = &v->outs[cand_ra && !split ? 3 * u + j : col];
            if (!split && !cand_ra) add_terms(o, 0, l->qkernel, l->in_feat, cols, col);
            add_terms(o, nx, l->qrkernel, u, cols, col);
            if (cand_ra) {
                o->bias = bias_acc(l, b_rec, col);           /* hu = h*U_h + b_rec_h */
            } else if (split) {
                o->extra = col;                              /* xw from the proj engine */
                o->bias = bias_acc(l, b_rec, col);
            } else {
                o->bias = bias_acc(l, b_in, col) + bias_acc(l, b_rec, col);
            }
        }
    }
    for (int j = 0; j < u && gru && !split; j++) {        /* xh = x*W_h + b_in_h */
        MvmOut *o = &v->outs[2 * u + j];
        add_terms(o, 0, l->qkernel, l->in_feat, cols, 2 * u + j);
        o->bias = bias_acc(l, b_in, 2 * u + j);
    }
}

/* GRU reset_after=0's second product: rh * U_h + xw_h (the extra: split, an x_reg element;
 * fused, an output of the first product). */
static void lower_gru_mvm2(Mvm *w, const Layer *l, int rf)
{
    int u = l->units;
    *w = (Mvm){.n_a = 0, .n_in = u, .ta = l->ty.result, .tb = l->ty.result, .wa = l->ty.rweight,
               .wb = l->ty.rweight, .accum = l->ty.accum, .rf = rf, .n_out = u, .sat_order = hls4ml_sat_order(l)};
    w->outs = alloc_outs(u);
    for (int j = 0; j < u; j++) {
        add_terms(&w->outs[j], 0, l->qrkernel, u, l->gates * u, 2 * u + j);
        w->outs[j].extra = 2 * u + j;
    }
}

/* Whether layer l's lanes put their three products on one multiplier (rnnc_lstm_cell_serial,
 * rnnc_gru_cell_serial: a unit every 3 cycles): lane_multipliers 1, LSTM or GRU reset_after. */
static bool lanes_serial(const Layer *l)
{
    return l->lane_mults == 1 && (l->kind == L_LSTM || (l->kind == L_GRU && l->reset_after));
}

/* Whether layer l's lanes compute z * h_prev in logic (rnnc_gru_cell ZH_LUT): lane_multipliers
 * 2, a GRU with reset_after. The product waits for the blend anyway, so the lane's timing is
 * the same; it takes one multiplier block fewer. */
static bool lanes_zh_lut(const Layer *l) { return l->lane_mults == 2 && l->kind == L_GRU && l->reset_after; }

/* Multiplier blocks per elementwise lane of layer l (a serial lane's one, else its products'). */
static long lane_mults(const Layer *l)
{
    if (l->kind == L_SIMPLE_RNN) return 0;
    return lanes_serial(l) ? 1 : lanes_zh_lut(l) ? 2 : 3;
}

/* Whether a serial lane's products keep to cycles that let units enter lane_ii = 3 cycles apart
 * (rnnc_*_cell_serial; ALIGN3): always for the LSTM; a GRU lane serving one unit per step
 * (slots 1) has no second unit to meet, so its z * hh comes as soon as hh is there (2 cycles
 * less per step). */
static bool serial_align3(const Layer *l, int slots) { return l->kind == L_LSTM || slots > 1; }

/* Whether a serial GRU lane's candidate table reads xw + r * hu unregistered, straight from
 * the product register (rnnc_gru_cell_serial PRE_HH_REG 0, Engine.lane_hh_direct): on
 * UltraScale+'s fabric (Netlist.ultrascale: fast enough for an add before a table's read) with
 * accum casts that are bit slices. */
static bool serial_hh_direct(const Netlist *n, const Layer *l)
{
    return n->ultrascale && l->kind == L_GRU && l->reset_after && cast_is_slice(l->ty.accum);
}

/* A serial lane's timing (rtl_lib.md, rnnc_*_cell_serial), with A cycles per activation: a
 * unit's first product at A, its last at OA (LSTM: o * a, the first cycle >= 2A+3 that is
 * A+2 mod 3) or PP (GRU: z * hh, 2A+2 (2A+1 with hh_direct), or with align3 the first such
 * cycle that is A+2 mod 3); returns h_new's cycle (the cell's latency) and sets *span = last -
 * first. */
static int serial_cell_lat(const Layer *l, int al, int table_reg, bool align3, bool hh_direct, int *span)
{
    if (l->kind == L_LSTM) {
        int oa = 2 * al + 3 + (3 - (al + 1) % 3) % 3;
        *span = oa - al;
        return oa + 1;
    }
    int pb = 2 * al + 2 - hh_direct;
    int pp = pb + (align3 ? ((al + 2 - pb) % 3 + 3) % 3 : 0);
    *span = pp - al;
    return pp + 1 + 2 * table_reg;
}

/* Whether an LSTM lane at reuse rf registers o * act(c) before h's cast (rnnc_lstm_cell
 * OA_REG), a cycle a step: with --table-reg, and on Xilinx, where the unregistered DSP48
 * after the table's block RAM read was the critical path, into h's register on xc7 and, at rf
 * > 1, into the write-first selection and the operand multiplexers (the LSTM of
 * examples/toptag_lstm.json: xc7 at reuse 1, 8 and the largest 151.0, 151.0 and 135.9 MHz,
 * 215.1 with it; UltraScale+ at reuse 8 and the largest 183.1 and 153.8, 230.6 and 258.2).
 * On UltraScale+ at reuse 1 h goes straight to its register, 251.6 MHz without it. */
static int lstm_oa_reg(const Netlist *n, long rf)
{
    return n->table_reg || (for_xilinx(n) && (!n->ultrascale || rf > 1));
}

/* The elementwise part's timing: the cells' latency (rtl_lib.md), the second GRU product's
 * start, the job cycle the lanes start and the engine's latency. */
static void cell_timing(Netlist *n, Engine *e, const Layer *l)
{
    int al = n->act_lat; /* cycles per activation */
    int tm = e->mvm.latency;
    switch (l->kind) {
    case L_LSTM:
        e->oa_reg = lstm_oa_reg(n, e->mvm.rf);
        e->cell_lat = 2 * al + 2 + e->oa_reg;
        break;
    case L_SIMPLE_RNN: e->cell_lat = al; break;
    default:
        if (l->reset_after) {
            e->cell_lat = 2 * al + 3 + 2 * n->table_reg;
            break;
        }
        lower_gru_mvm2(&e->mvm2, l, e->mvm.rf);
        finish_mvm(n, &e->mvm2);
        e->mvm2_start = tm + e->lane_reg + e->slots + al + 1; /* rh of the last slot banked */
        e->cell_lat = al + 1 + 2 * n->table_reg;           /* rnnc_gru_update */
        tm = e->mvm2_start + e->mvm2.latency;                /* the update lanes start here */
        break;
    }
    if (e->lane_ii > 1) {
        e->lane_align3 = serial_align3(l, e->slots);
        e->lane_hh_direct = serial_hh_direct(n, l);
        e->cell_lat = serial_cell_lat(l, al, n->table_reg, e->lane_align3, e->lane_hh_direct, &e->lane_span);
    }
    e->n_elem_mult = (int)lane_mults(l) * e->lanes;
    e->cell_start = tm;
    /* the last slot enters lane_ii * (slots - 1) cycles after the first */
    e->latency = tm + e->lane_reg + e->lane_ii * (e->slots - 1) + 1 + e->cell_lat;
}

/* ---- split or fused: the form of a recurrent cell (docs/architecture.md) ---- */

/* Elementwise lanes at reuse factor rf: E = ceil(16u/rf) cells, at most one per unit. */
static int cell_lanes(int u, int rf, int table_reg)
{
    long want = ((long)u * (table_reg ? 4 : 16) + rf - 1) / rf;
    return (int)(want < 1 ? 1 : want > u ? u : want);
}

/* finish_mvm's latency for n_out outputs of nt terms each at reuse rf, every output with a
 * bias and, with extra, the extra input (an estimate for choosing the form: the real
 * products are built and timed afterwards). direct: finish_mvm's direct form. */
static int est_mvm_latency(const Netlist *n, long n_out, int nt, long rf, bool extra, bool *direct)
{
    long prods = n_out * nt, q = 0;
    rf = rf > prods ? prods : rf < 1 ? 1 : rf;
    int depth = 1;
    bool dir = rf > 1 && !extra;
    for (long j = 0; j < n_out; j++) {
        long parts = rf == 1 ? nt : (q + nt - 1) / rf - q / rf + 1;
        q += nt;
        if (parts != 1) dir = false;
        int d = tree_levels((int)parts + 1 + extra, mvm_fanin(n));
        if (d > depth) depth = d;
    }
    *direct = dir;
    return (int)(rf == 1 ? mvm_prod_reg(n, rf) : 4 + rf + 2 * n->table_reg) + depth;
}

/* A cell's estimated cycles per timestep (cell_timing's rule) and multipliers (matrix and
 * elementwise), fused at reuse rf (x and h in one product) or split (h only, xw the extra). */
static int est_cell_step(const Netlist *n, const Layer *l, bool split, long rf, long *mults)
{
    int u = l->units, in = split ? 0 : l->in_feat, al = n->act_lat, T = n->table_reg;
    bool dir, gru0 = l->kind == L_GRU && !l->reset_after;
    int lanes = cell_lanes(u, (int)rf, n->table_reg), S = (u + lanes - 1) / lanes, lreg = S > 1;
    long outs = (long)(gru0 ? 2 : l->gates) * u, prods = outs * (in + u) + (gru0 ? (long)in * u : 0);
    int tm = est_mvm_latency(n, outs, in + u, rf, split, &dir), cl, span;
    *mults = (prods + rf - 1) / rf + lane_mults(l) * lanes;
    if (lanes_serial(l))
        return tm + lreg + 3 * (S - 1) + 1 + serial_cell_lat(l, al, T, serial_align3(l, S), serial_hh_direct(n, l), &span);
    switch (l->kind) {
    case L_LSTM: cl = 2 * al + 2 + lstm_oa_reg(n, rf); break;
    case L_SIMPLE_RNN: cl = al; break;
    default:
        if (l->reset_after) {
            cl = 2 * al + 3 + 2 * T;
            break;
        }
        tm += lreg + S + al + 1 + est_mvm_latency(n, u, u, rf, true, &dir);
        *mults += ((long)u * u + rf - 1) / rf;
        cl = al + 1 + 2 * T;
        break;
    }
    return tm + lreg + S + cl;
}

/* Split or fused, and the reuse factors of x*W (rx, the proj engine) and h*U (rh, the cell).
 * recurrent_reuse_factor given: split at reuse_factor / recurrent_reuse_factor. Reuse factor
 * 1: split (each product its own multiplier). Otherwise the split form with at most the fused
 * form's multipliers (matrix and elementwise) whose proj keeps pace with the cell, at the
 * smallest rh; chosen when its step is at least 10% shorter than the fused one's. */
static bool cell_form(const Netlist *n, const Layer *l, int *rx, int *rh)
{
    *rx = *rh = l->reuse;
    if (l->rreuse) *rh = l->rreuse;
    /* hls4ml's order under a saturating accum is its own split: xw and hu summed apart */
    if (l->rreuse || l->reuse == 1 || hls4ml_sat_order(l)) return true;
    /* Small slow parts (table_reg: iCE40): the fused form keeps its gate sums banked in block
     * RAM on several multipliers, where the split form's second engine and vectors in registers
     * cost the logic cells such parts lack (bench/results/ice40_fit.txt); recurrent_reuse_factor
     * asks for the split form there. */
    if (n->table_reg) return false;
    long budget, m_h, m_e, px = (long)l->in_feat * l->gates * l->units;
    int step_f = est_cell_step(n, l, false, l->reuse, &budget);
    bool dir, gru0 = l->kind == L_GRU && !l->reset_after;
    long p_h = (long)(gru0 ? 3 : l->gates) * l->units * l->units, r0 = (p_h + budget - 1) / budget;
    for (long r = r0 < 1 ? 1 : r0; r < l->reuse && r < r0 + 64; r++) {
        int step = est_cell_step(n, l, true, r, &m_h);
        if (step * 10 > step_f * 9) break;
        m_e = budget - m_h; /* multipliers left for the proj */
        if (m_e < 1) continue;
        long r_x = (px + m_e - 1) / m_e;
        if (est_mvm_latency(n, (long)l->gates * l->units, l->in_feat, r_x, false, &dir) + n->act_lat + dir + 1 > step)
            continue;
        *rx = (int)r_x;
        *rh = (int)r;
        return true;
    }
    return false;
}

/* Whether an overlapped cell's products read h write-first (Engine.h_fwd: a multiplexer in
 * front of the h operands, 1 cycle less per step): on UltraScale+, where the Fmax estimate of
 * the GRU(20) at 198 DSP stays over 200 MHz with it (bench/results/xstep.txt), and on xc7 with
 * table_reg; without it the h being written (the GRU's elementwise product out of its DSP48E1,
 * the blend's carry chain, the selection, the operand multiplexer) was every overlapped xc7
 * design's critical path: 147-177 MHz with it, 185-193 without (bench/results/
 * xilinx_timing.md, docs/flow.md). Not on the slower parts, whose operand paths are already
 * their longest. */
static bool cell_h_forward(const Netlist *n)
{
    return for_xilinx(n) && (n->ultrascale || n->table_reg);
}

/* The plan the emitter builds for the cell's product (its options: plan_engine_opts). */
static MvmPlan *cell_plan(const Engine *e)
{
    MvmPlanOpts opt = plan_engine_opts(e, &e->mvm);
    return plan_mvm(&e->mvm, &opt);
}

/* The fused cell's next step may start before this one has written all of h: its period
 * from the products' plan (plan_cell_period), 0 when the steps do not overlap. */
static int cell_period(const Engine *e, const MvmPlan *plan)
{
    if (e->split || e->mvm.rf < 2) return 0;
    MvmPlan *pl = plan ? NULL : cell_plan(e);
    int p = plan_cell_period(e, plan ? plan : pl);
    plan_free(pl);
    return p < e->latency ? p : 0;
}

/* Cycles of a sequence through the cell: the last step starts steps - 1 periods in. */
static long cell_cycles(const Engine *e) { return (long)(e->layer->in_steps - 1) * eng_period(e) + e->latency; }

/* Early lanes (plan_lane_start): a direct product's lanes start once the gate sums of their
 * first units are captured and this step's products are done with the h they write, not
 * after the product's last slot; the step is that much shorter. */
static void cell_early_lanes(Engine *e)
{
    const Layer *l = e->layer;
    if (e->split || e->mvm.rf < 2 || !e->mvm.direct || (l->kind == L_GRU && !l->reset_after)) return;
    MvmPlan *pl = cell_plan(e);
    int start = plan_lane_start(e, pl, e->cell_start);
    plan_free(pl);
    e->latency -= e->cell_start - start;
    e->cell_start = start;
}

/* The cell's timing from its product's placement but the overlap of steps: the lane registers,
 * the step's latency, when the x beat is taken. */
static void cell_lane_timing(Netlist *n, Engine *e)
{
    const Layer *l = e->layer;
    e->lane_reg = e->slots > 1 ? 1 : 0;
    if (e->lane_reg && plan_cell_opts(e).bank_per_mult) e->lane_reg = 2;
    cell_timing(n, e, l);
    /* fused: x is read in place over the slots (no copy), the beat taken in the cycle of its
     * last read (in the direct form the last row's x slots, the row's h slots after them);
     * split: the xw beat is copied at the start (it is added at the end of the product) */
    if (!e->split && e->mvm.rf > 1) e->ack_off = plan_last_x_read(&e->mvm);
    e->h_fwd = cell_h_forward(n);
    /* the gate sums' trees hold their sums for the lanes: a fused product with trees (not
     * the direct form, not hls4ml's saturating order) whose lanes read only mvm's sums */
    e->tree_hold = !e->split && e->mvm.rf > 1 && !e->mvm.direct && !e->mvm.sat_order &&
                   !(l->kind == L_GRU && !l->reset_after);
    cell_early_lanes(e);
}

/* The overlap of steps (Engine.period), from the cell's product plan pl (NULL: built here). */
static void cell_overlap(Netlist *n, Engine *e, const MvmPlan *pl)
{
    e->period = cell_period(e, pl);
    e->h_fwd = cell_h_forward(n) && e->period; /* only overlapped steps read h so early */
}

/* The cell's timing from its product's placement: the lane registers, the step's latency, when
 * the x beat is taken, the overlap of steps. */
static void cell_plan_timing(Netlist *n, Engine *e)
{
    cell_lane_timing(n, e);
    cell_overlap(n, e, NULL);
}

/* The x-first placement (plan_x_first) where it shortens the sequence: a fused cell whose
 * steps overlap and whose outputs already have several partial sums (no direct form: its
 * gate sums would leave the banks and registers, a cost small parts cannot pay), outside
 * hls4ml's order under a saturating accum (each output one run, summed in hls4ml's order).
 * The new partial sums may deepen the trees: the cell is timed again and the placement kept
 * only when the sequence gets shorter; of the four placements (x shares proportional to the
 * slots or even; the tails of split h runs where they fall, or last on their multiplier), the
 * shortest, the first on a tie. */
static void cell_x_first(Netlist *n, Engine *e)
{
    Mvm *v = &e->mvm;
    if (!e->period || v->direct || v->sat_order) return;
    Engine orig = *e, best = *e;
    for (int variant = 0; variant < 4; variant++) {
        *e = orig;
        v->place = plan_x_first(v, variant & 1, variant >= 2);
        if (!v->place) break;
        v->placement = PLACE_X_FIRST;
        v->x_even = variant >= 2;
        finish_mvm(n, v);
        cell_plan_timing(n, e); /* the x beat now taken early, after its last read */
        if (!v->direct && cell_cycles(e) < cell_cycles(&best)) {
            free(best.mvm.place);
            best = *e;
        } else {
            free(v->place);
        }
    }
    *e = best;
}

/* Operand multiplexers of the cell's product (the ROM form's groups; the counted forms and
 * operands from a memory: one or none, counted as one). */
static int cell_operand_muxes(const Engine *e)
{
    MvmPlan *pl = cell_plan(e);
    int muxes = pl->n_opg ? pl->n_opg : 1;
    plan_free(pl);
    return muxes;
}

/* The paired placement (plan_pair_runs: a GRU's xh and hu of a unit in adjacent slots) where
 * the x-first one was not taken and it saves operand multiplexers without lengthening the
 * sequence: the 3-MAC GRU(20) at reuse 520 keeps one multiplexer instead of two. */
static void cell_pair_runs(Netlist *n, Engine *e)
{
    Mvm *v = &e->mvm;
    if (e->split || v->place || v->rf < 2 || v->sat_order) return;
    Engine orig = *e;
    v->place = plan_pair_runs(v);
    if (!v->place) return;
    v->placement = PLACE_PAIRED;
    finish_mvm(n, v);
    cell_plan_timing(n, e);
    if (cell_operand_muxes(e) < cell_operand_muxes(&orig) && cell_cycles(e) <= cell_cycles(&orig)) return;
    free(v->place);
    *e = orig;
}

/* The unit-order placement (plan_unit_rows) of a direct cell where its lanes then start early
 * enough to shorten the sequence (plan_lane_start: output-major, an early unit's last gate
 * often ends a multiplier's step) and its gate sums stay in banks if they were. */
static void cell_unit_rows(Netlist *n, Engine *e)
{
    Mvm *v = &e->mvm;
    if (e->split || v->place || !v->direct || v->sat_order) return;
    Engine orig = *e;
    v->place = plan_unit_rows(v, e->layer->units);
    if (!v->place) return;
    v->placement = PLACE_UNIT_ROWS;
    finish_mvm(n, v);
    cell_plan_timing(n, e);
    if (v->direct && plan_cell_banked(e) == plan_cell_banked(&orig) && cell_cycles(e) < cell_cycles(&orig)) return;
    free(v->place);
    *e = orig;
}

/* A sequence's first step without its h products where the plan allows it (plan_first_period):
 * its period and latency are J = period - first_period shorter. Not on 7-series: there the
 * kept runs' masks (plan_mult_zmac) enter the adder trees on their critical path (xc7a35t, the
 * tiny GRU at reuse 4 with --table-reg: 184.6 -> 161.3 MHz for one cycle less, compressor
 * trees; session 29, chained trees of 4: the GRU(5) at reuse 8, 210.3 -> 189.8 MHz for two
 * cycles less; bench/xilinx_timing.sh); UltraScale+ adds them through its chained stages (the
 * xcu250 GRU(20): 211.6 MHz, 5 cycles less). */
static void cell_first_skip(const Netlist *n, Engine *e)
{
    if (e->split || e->mvm.rf < 2 || for_xc7(n)) return;
    MvmPlan *pl = cell_plan(e);
    e->first_period = plan_first_period(e, pl);
    plan_free(pl);
    e->mvm.first_skip = e->first_period > 0;
}

#define RNNC_WAVE_PLACED 3 /* wavefronts placed (cell_wave): the predicted shortest */
#define RNNC_WAVE_BUILT 2  /* ... of which built and timed: the shortest, then the least logic */

/* A wavefront to try: its slots a step, bands, the sequence's cycles the h reads' rule predicts,
 * and once placed its product's outputs (their terms reordered), positions and logic. */
typedef struct { int rf; WaveBands b; long cycles; MvmOut *outs; int *place; long logic; } WaveTry;

static int wave_try_cmp(const void *a, const void *b)
{
    const WaveTry *x = a, *y = b;
    if (x->cycles != y->cycles) return x->cycles < y->cycles ? -1 : 1;
    if (x->logic != y->logic) return x->logic < y->logic ? -1 : 1;
    return x->rf != y->rf ? x->rf - y->rf : x->b.early - y->b.early;
}

/* The wavefronts (plan_wave_bands) on the cell's multipliers at R slots a step (rf .. rf + 4) and
 * each size of the early group, predicted shorter than `over`: (steps - 1) x max(R, the h reads'
 * rule) plus the step's latency, which grows with R; the shortest first. The rule assumes the
 * trees keep their stages: the pre-sums (mvm_pre_sum) take the items final early, and the early
 * trees read their latest captured runs from the MACs (plan_mac_reads). Returns how many (at most
 * max). */
static int wave_tries(const Engine *e, int overhead, long over, WaveTry *tries, int max)
{
    const Mvm *v = &e->mvm;
    int U = e->layer->units, n = 0, cap = 5 * U;
    WaveTry *all = xcalloc((size_t)cap, sizeof *all);
    WaveCounts counts = plan_wave_counts(v, U);
    for (int R = v->rf; R <= v->rf + 4; R++) {
        for (int early = 1; early < U; early++) {
            WaveBands b;
            if (!plan_wave_bands(&counts, v->n_mult, R, early, overhead, &b)) continue;
            int rule = overhead + (b.sa - b.xs > R - 1 - b.hb ? b.sa - b.xs : R - 1 - b.hb);
            long cycles = (long)(e->layer->in_steps - 1) * (rule > R ? rule : R) + e->latency + (R - v->rf);
            if (cycles < over && n < cap) all[n++] = (WaveTry){.rf = R, .b = b, .cycles = cycles};
        }
    }
    free(counts.pair);
    qsort(all, (size_t)n, sizeof *all, wave_try_cmp);
    if (n > max) n = max;
    memcpy(tries, all, (size_t)n * sizeof *tries);
    free(all);
    return n;
}

/* Places wavefront t on a copy of v's outputs (plan_wave reorders their terms): t's outs, place
 * and logic (plan_place_logic); false when it does not fit. */
static bool wave_place(const Mvm *v, int units, WaveTry *t)
{
    Mvm w = *v;
    w.outs = copy_outs(v);
    w.rf = t->rf;
    w.place = plan_wave(&w, units, &t->b);
    if (!w.place) {
        free_outs(w.outs, w.n_out);
        return false;
    }
    t->outs = w.outs;
    t->place = w.place;
    t->logic = plan_place_logic(&w);
    return true;
}

/* Cell e with the placed wavefront t (its outputs and positions, taken); false when the steps do
 * not overlap or the early group cannot lead. */
static bool wave_apply(Netlist *n, Engine *e, WaveTry *t)
{
    Mvm *v = &e->mvm;
    v->outs = t->outs;
    v->place = t->place;
    t->outs = NULL, t->place = NULL;
    int used = 0; /* multipliers the placement leaves idle at the end go */
    for (long q = 0; q < v->n_products; q++)
        if (v->place[q] / t->rf + 1 > used) used = v->place[q] / t->rf + 1;
    v->rf = t->rf;
    v->n_mult_set = used;
    v->placement = PLACE_WAVE;
    v->x_even = false;
    v->first_skip = false;
    e->first_period = 0;
    finish_mvm(n, v);
    e->wave_units = t->b.early;
    e->wave_lead = 0;
    cell_lane_timing(n, e); /* the lanes' timing (cell_start), then the lead from it */
    MvmPlan *pl = cell_plan(e);
    e->wave_lead = plan_wave_lead(e, pl); /* h_fwd as cell_lane_timing set it */
    cell_overlap(n, e, pl);
    plan_free(pl);
    return e->period > 0 && e->wave_lead > 0;
}

/* The wavefront (plan_wave, docs/architecture.md "The wavefront") where it shortens the
 * sequence: an overlapped fused cell whose gate sums' trees hold them for one lane per unit.
 * Its multipliers stay (or fewer: those the placement leaves idle go); their slots a step may
 * grow (room for the bands). An early group of units has its products done first and its h read
 * first by the next step, which then starts before the late group's h is written. It replaces
 * the first-step skip, so it is kept only when the sequence gets shorter than with the skip. Of
 * the few the rule predicts shortest, placed, the few with the least logic (plan_place_logic:
 * the placements differ most in their operand multiplexers) are built; of those the shortest
 * sequence, then the fewest multipliers, then the least logic. */
static void cell_wave(Netlist *n, Engine *e)
{
    Mvm *v = &e->mvm;
    if (!e->period || !e->tree_hold || e->slots != 1 || e->split || v->n_a == 0 || v->rf < 2) return;
    long best_cycles = cell_cycles(e) - eng_first_skip(e), best_logic = 0;
    WaveTry tries[RNNC_WAVE_PLACED];
    int n_try = wave_tries(e, plan_wave_overhead(e), best_cycles, tries, RNNC_WAVE_PLACED), n_placed = 0;
    for (int i = 0; i < n_try; i++)
        if (wave_place(v, e->layer->units, &tries[i])) tries[n_placed++] = tries[i];
    qsort(tries, (size_t)n_placed, sizeof *tries, wave_try_cmp);
    Engine orig = *e, best = *e;
    for (int i = 0; i < n_placed; i++) {
        if (i >= RNNC_WAVE_BUILT) {
            free_outs(tries[i].outs, v->n_out);
            free(tries[i].place);
            continue;
        }
        *e = orig;
        long logic = tries[i].logic;
        bool ok = wave_apply(n, e, &tries[i]), taken = best.mvm.outs != orig.mvm.outs;
        long cycles = cell_cycles(e);
        if (ok && (cycles < best_cycles ||
                   (taken && cycles == best_cycles &&
                    (v->n_mult < best.mvm.n_mult || (v->n_mult == best.mvm.n_mult && logic < best_logic))))) {
            if (taken) free_outs(best.mvm.outs, best.mvm.n_out), free(best.mvm.place);
            best = *e;
            best_cycles = cycles;
            best_logic = logic;
        } else {
            free_outs(v->outs, v->n_out);
            free(v->place);
        }
    }
    *e = best;
    if (best.mvm.outs != orig.mvm.outs) free_outs(orig.mvm.outs, orig.mvm.n_out), free(orig.mvm.place);
}

static void lower_cell(Netlist *n, const Layer *l, FxType in_t, FxType *cur_t)
{
    int u = l->units, cols = l->gates * u, rx, rh;
    bool split = cell_form(n, l, &rx, &rh);
    if (split) lower_proj(n, l, in_t, rx);
    Engine *e = new_engine(n, ENG_CELL, l, "cell");
    e->split = split;
    e->split_auto = split && !l->rreuse;
    e->emit_all = l->return_sequences;
    e->in_n = split ? cols : l->in_feat;
    e->in_t = split ? l->ty.accum : in_t;
    e->out_n = u;
    e->out_t = l->ty.result;
    lower_cell_mvm(&e->mvm, l, in_t, split, rh);
    finish_mvm(n, &e->mvm);

    /* Elementwise lanes: with reuse factor RF (h*U's in the split form) each of E cells
     * serves S = ceil(u/E) units in turn, E = ceil(16u/RF) (so the elementwise phase stays
     * near 1/16 of the product phase); RF = 1 gives one cell per unit. On slow small parts
     * (table_reg: iCE40) a lane costs 3 of 8 SB_MAC16 and its tables several block RAMs:
     * E = ceil(4u/RF) (at most 1/4). */
    e->lanes = cell_lanes(u, rh, n->table_reg);
    e->slots = (u + e->lanes - 1) / e->lanes;
    /* with several slots the lane inputs pass a multiplexer: registered, one cycle; the gate
     * sums in a bank per multiplier pass the bank's read and then a multiplexer of the banks:
     * a second register (the read alone fed the activation's index, the iCE40 LSTM(20)'s
     * critical path: 42.7 MHz with the multiplexer in it) */
    e->lane_ii = lanes_serial(l) ? 3 : 1;
    e->zh_lut = lanes_zh_lut(l);
    cell_plan_timing(n, e);
    cell_x_first(n, e);
    cell_pair_runs(n, e);
    cell_unit_rows(n, e);
    cell_first_skip(n, e);
    cell_wave(n, e);
    *cur_t = l->ty.result;
}

PortRef lower_dense(Netlist *n, const Layer *l, FxType in_t, PortRef in)
{
    Engine *e = netlist_add(n, ENG_DENSE, l, "dense", 1, &in);
    lower_dense_mvm(&e->mvm, l, in_t, l->qbias, l->reuse);
    e->mvm.n_logic = l->logic_mults; /* at most n_mult (finish_mvm) */
    finish_mvm(n, &e->mvm);
    e->in_n = l->in_feat;
    e->in_t = in_t;
    e->out_n = l->units;
    /* direct form: each captured sum is registered, then activated (emit_dense) */
    e->latency = e->mvm.latency + n->act_lat + (e->mvm.direct ? 1 : 0);
    if (e->mvm.rf > 1) e->ack_off = e->mvm.rf + 1 + e->mvm.rom_reg; /* reads its input in place */
    PortRef out = {n->n - 1, 0};
    if (l->act != ACT_SOFTMAX) {
        e->act = l->act;
        e->out_t = l->ty.result;
        return out;
    }
    e->act_none = true;
    e->out_t = l->ty.accum;
    Engine *s = netlist_add(n, ENG_SOFTMAX, l, "softmax", 1, &out);
    s->in_n = s->out_n = l->units;
    s->in_t = l->ty.accum;
    s->out_t = l->ty.result;
    s->sm_max_depth = tree_levels(l->units, n->fanin);
    s->sm_sat_order = hls4ml_softmax_sat_order(l);
    s->sm_sum_depth = s->sm_sat_order ? (clog2i(l->units) < 1 ? 1 : clog2i(l->units)) : tree_levels(l->units, n->fanin);
    s->latency = 4 + s->sm_max_depth + s->sm_sum_depth + 2 * n->act_lat;
    s->n_elem_mult = l->units;
    if (l->numerics == NUM_HLS4ML && l->softmax_impl == SM_LEGACY) {
        /* hls4ml's legacy (emit_softmax_legacy): x latched in job cycle 0; x_j - x_i in cycle
         * 1 + j, looked up from 2 + j, summed in 2 + act_lat + j (j = 0..N-1), so the sums are
         * there in N + 2 + act_lat for the 1/sum lookup, whose entry is written in the last
         * cycle, N + 2 + 2 act_lat. No multiplier: the reciprocal entries are the result. */
        s->sm_max_depth = s->sm_sum_depth = 0;
        s->latency = l->units + 3 + 2 * n->act_lat;
        s->n_elem_mult = 0;
    }
    return (PortRef){n->n - 1, 0};
}

PortRef lower_merge(Netlist *n, const Layer *l, PortRef a, PortRef b, FxType out_t)
{
    const PortRef in[2] = {a, b};
    Engine *e = netlist_add(n, ENG_MERGE, l, "merge", 2, in);
    const Engine *pa = a.eng == RNNC_INPUT ? NULL : &n->eng[a.eng];
    const Engine *pb = b.eng == RNNC_INPUT ? NULL : &n->eng[b.eng];
    const Model *m = n->model;
    e->in_n = pa ? pa->out_n : m->features;
    e->in_t = pa ? pa->out_t : m->input_type;
    e->in1_t = pb ? pb->out_t : m->input_type;
    e->in1_n = pb ? pb->out_n : m->features;
    e->out_n = e->in_n;
    e->out_t = out_t;
    e->latency = 1; /* the sum, cast, registered (rnnc_merge_add) */
    return (PortRef){n->n - 1, 0};
}

/* A whole sequence held and sent again (REVERSE: last first; BUFFER: in order) */
static Engine *lower_seq_store(Netlist *n, EngineKind kind, const Layer *l, const char *role, int steps, int feat,
                               FxType t)
{
    Engine *e = new_engine(n, kind, l, role);
    e->steps = steps;
    e->in_n = e->out_n = feat;
    e->in_t = e->out_t = t;
    return e;
}

/* Bidirectional: the input stream forks to the two directions, side by side, and a MERGE
 * joins them. A fork has no buffer and the backward cell cannot start before the last
 * timestep has arrived (its REVERSE holds the sequence), so the forward branch holds the
 * sequence too (BUFFER, in order): both take the input at full rate and their cells overlap.
 * With return_sequences the backward outputs come last first; a second REVERSE turns them
 * back, and a second BUFFER holds the forward outputs as long. */
static void lower_bidirectional(Netlist *n, const Layer *l, FxType *cur_t)
{
    PortRef in = n->out, side[2];
    const char *role[2][2] = {{"fbuf", "fobuf"}, {"rev", "orev"}};
    for (int d = 0; d < 2; d++) {
        const Layer *s = l->dir[d];
        EngineKind store = d ? ENG_REVERSE : ENG_BUFFER;
        FxType t;
        n->out = in;
        lower_seq_store(n, store, s, role[d][0], l->in_steps, l->in_feat, *cur_t);
        lower_cell(n, s, *cur_t, &t);
        if (l->return_sequences) lower_seq_store(n, store, s, role[d][1], l->in_steps, s->units, t);
        side[d] = n->out;
    }
    n->out = lower_merge(n, l, side[0], side[1], l->ty.result);
    Engine *e = &n->eng[n->out.eng];
    e->merge = l->merge;
    e->out_n = l->units;
    *cur_t = l->ty.result;
}

/* One layer's engines on the design's output stream; cur_t: the stream's type. */
static void lower_layer(Netlist *n, const Layer *l, FxType *cur_t)
{
    Engine *e;
    switch (l->kind) {
    case L_DROPOUT:
        break;
    case L_FLATTEN:
        if (!l->in_seq || l->in_steps == 1) break; /* a vector (or one step) stays as is */
        e = new_engine(n, ENG_FLATTEN, l, "flat");
        e->steps = l->in_steps;
        e->in_n = l->in_feat;
        e->out_n = l->out_feat;
        e->in_t = e->out_t = *cur_t;
        break;
    case L_ACTIVATION:
        e = new_engine(n, ENG_ACT, l, "act");
        e->act = l->act;
        e->in_n = e->out_n = l->in_feat;
        e->in_t = *cur_t;
        e->out_t = l->ty.result;
        e->latency = n->act_lat;
        *cur_t = l->ty.result;
        break;
    case L_DENSE:
        n->out = lower_dense(n, l, *cur_t, n->out);
        *cur_t = l->ty.result;
        break;
    case L_LSTM:
    case L_GRU:
    case L_SIMPLE_RNN:
        if (l->go_backwards) {
            e = new_engine(n, ENG_REVERSE, l, "rev");
            e->steps = l->in_steps;
            e->in_n = e->out_n = l->in_feat;
            e->in_t = e->out_t = *cur_t;
        }
        lower_cell(n, l, *cur_t, cur_t);
        break;
    case L_BIDIRECTIONAL:
        lower_bidirectional(n, l, cur_t);
        break;
    }
}

int stream_sinks(const Netlist *n, int src, Sink *out, int max)
{
    int k = 0;
    for (int i = 0; i < n->n; i++)
        for (int j = 0; j < n->eng[i].n_in; j++)
            if (n->eng[i].in[j].eng == src) {
                if (k < max) out[k] = (Sink){i, j};
                k++;
            }
    if (n->out.eng == src) {
        if (k < max) out[k] = (Sink){n->n, 0};
        k++;
    }
    return k;
}

/* Every stream's width and type as its consumers expect, every output consumed. */
static void check_graph(const Netlist *n)
{
    const Model *m = n->model;
    for (int i = 0; i < n->n; i++) {
        const Engine *e = &n->eng[i];
        for (int j = 0; j < e->n_in; j++) {
            int p = e->in[j].eng;
            int w = p == RNNC_INPUT ? m->features : n->eng[p].out_n;
            FxType t = p == RNNC_INPUT ? m->input_type : n->eng[p].out_t;
            if (w != (j ? e->in1_n : e->in_n) || !fx_equal(t, j ? e->in1_t : e->in_t))
                BUG("netlist: %s input %d does not match its producer", e->name, j);
        }
        Sink sk;
        if (stream_sinks(n, i, &sk, 1) == 0) BUG("netlist: the output of %s goes nowhere", e->name);
    }
    int p = n->out.eng;
    if (p != RNNC_INPUT && (n->eng[p].out_n != m->out_feat || !fx_equal(n->eng[p].out_t, m->out_type)))
        BUG("netlist: the output stream is not the model's output");
}

/* Whether a memory link from dense e pays. It saves the output register (out_n x out_w bits)
 * and the consumer's operand multiplexer, and costs n_mult - 1 cycles; it is taken where the
 * outputs per multiplier are many against that: n(n-1)/2 stages of output, address and
 * strobe bits (the delay lines links had before their chain, dense_link_chain) at most the
 * output register's bits. Two multipliers of 32 outputs, not ten of one; not the GRU(5)'s
 * Dense(8) on five multipliers, whose link would cost 4 of its 695 cycles for 128 bits. */
static bool link_pays(const Engine *e)
{
    long m = e->mvm.n_mult, stage = e->out_t.w + clog2i(e->out_n) + 1;
    return m * (m - 1) / 2 * stage <= (long)e->out_n * e->out_t.w;
}

void netlist_finish(Netlist *n)
{
    /* Memory links: a dense that produces its outputs one at a time (direct form, one
     * multiplier or several whose writes never meet: plan_link_ok) feeding only a dense that
     * reads its input in place (reuse factor > 1) passes the vector through a memory in the
     * consumer (block RAM on FPGAs) instead of an output register of out_n elements and an
     * out_n-way operand multiplexer. Each element is written when its register would have
     * been, multiplier m's m cycles later (so the job ends n_mult - 1 cycles later), and the
     * consumer's operand register becomes the memory's read register. */
    for (int i = 0; i < n->n; i++) {
        Engine *e = &n->eng[i];
        Sink sk[2];
        if (stream_sinks(n, i, sk, 2) != 1 || sk[0].eng == n->n) continue;
        Engine *nx = &n->eng[sk[0].eng];
        if (e->kind == ENG_DENSE && !e->act_none && plan_link_ok(&e->mvm) && link_pays(e) && nx->kind == ENG_DENSE &&
            nx->mvm.rf > 1 && nx->in_n > 1) {
            e->vec_out = nx->vec_in = true;
            e->latency += e->mvm.n_mult - 1;
        }
    }
    for (int i = 0; i < n->n; i++) {
        Engine *e = &n->eng[i];
        e->n_mult = e->mvm.n_mult + e->mvm2.n_mult;
        e->weight_bits = (long)e->mvm.n_products * e->mvm.w_t.w + (long)e->mvm2.n_products * e->mvm2.w_t.w;
    }
    check_graph(n);
}

/* A product whose multipliers can be lent or borrowed: rnnc_mac instances (R > 1, not
 * rnnc_mac_sat's hls4ml order). */
/* (a product with logic multipliers keeps its MACs: the user or the search asked for them) */
static bool share_mvm_ok(const Mvm *v) { return v->rf > 1 && !v->sat_order && v->n_mult > 0 && v->n_logic == 0; }

/* The engine reading stream src, when it is exactly one engine's only input; else -1. */
static int sole_reader(const Netlist *n, int src)
{
    Sink sk[2];
    if (stream_sinks(n, src, sk, 2) != 1 || sk[0].eng >= n->n || n->eng[sk[0].eng].n_in != 1) return -1;
    return sk[0].eng;
}

/* Shared multipliers (docs/architecture.md): each cell of a layer with share_multipliers 1 and
 * return_sequences false, its product on MACs, lends them to the DENSE engines in the chain
 * after it whose products have at most as many MACs of the same accum type. */
static void lower_share(Netlist *n)
{
    for (int h = 0; h < n->n; h++) {
        Engine *e = &n->eng[h];
        if (e->kind != ENG_CELL || e->layer->share != 1 || e->emit_all || !share_mvm_ok(&e->mvm)) continue;
        int owners = 1;
        for (int g = sole_reader(n, h); g >= 0; g = sole_reader(n, g)) {
            Engine *d = &n->eng[g];
            if (d->kind != ENG_DENSE || !share_mvm_ok(&d->mvm) || d->mvm.n_mult > e->mvm.n_mult ||
                !fx_equal(d->mvm.accum, e->mvm.accum) || owners >= RNNC_MAC_OWNERS_MAX)
                break;
            d->mac_owner = ++owners;
            d->mac_host = h;
        }
        if (owners == 1) continue;
        e->mac_owner = 1;
        e->mac_host = h;
        e->mac_owners = owners;
    }
}

/* Whether product v of engine e has one schedule ROM of rf words (no tail in logic: not
 * rnnc_rom_split), in block RAM if blocks; its plan's word width into width. */
static bool rom_whole(const Netlist *n, const Engine *e, const Mvm *v, bool blocks, long *width, bool *regular)
{
    if (!v->outs || v->n_products == 0 || v->rf < 2) return false;
    MvmPlanOpts opt = plan_engine_opts(e, v);
    MvmPlan *p = plan_mvm(v, &opt);
    *width = (long)p->n_mult * p->rom_w;
    *regular = p->form == MVM_REGULAR;
    bool ok = p->form != MVM_PARALLEL && res_plan_rom_block(n->family, p) == p->rf &&
              (!blocks || !res_rom_in_logic(n->family, p->rf, *width));
    plan_free(p);
    return ok;
}

/* Shared ROMs (docs/architecture.md "Shared multipliers"): a guest's schedule ROM words go
 * into the block RAM of its host's ROM where that has room past the host's own words (the
 * UP5K LSTM(20)'s 7-multiplier ROM uses 312 of each block's 512 words) and the guest's word
 * is no wider: the guest addresses the host's ROM while it runs (its slot counter and the
 * host's never run together: the guest reads what the host wrote), and its own ROM (blocks,
 * or logic where it is small) goes. */
static void lower_share_roms(Netlist *n)
{
    for (int h = 0; h < n->n; h++) {
        Engine *e = &n->eng[h];
        long hw, gw;
        bool h_reg, g_reg;
        if (e->mac_owner != 1 || !rom_whole(n, e, &e->mvm, true, &hw, &h_reg)) continue;
        long depth = e->mvm.rf;
        for (int g = h + 1; g < n->n; g++) {
            Engine *d = &n->eng[g];
            if (d->mac_owner < 2 || d->mac_host != h || !rom_whole(n, d, &d->mvm, false, &gw, &g_reg) || gw > hw ||
                !res_rom_room(n->family, depth, hw, d->mvm.rf))
                continue;
            d->rom_base = (int)depth;
            depth += d->mvm.rf;
            /* REGULAR words are the weights alone, multiplier m's at bits m*w: the host's
             * weight registers, loaded from the same ROM word through the same stages, hold the
             * guest's weights in the guest's cycles */
            d->host_weights = h_reg && g_reg && fx_equal(d->mvm.w_t, e->mvm.w_t) && d->mvm.rom_reg == e->mvm.rom_reg;
        }
        if (depth > e->mvm.rf) e->rom_depth = (int)depth;
    }
}

int share_mac_sharers(const Netlist *n, int host, int m, int *who, int max)
{
    int c = 0;
    for (int i = host; i < n->n && c < max; i++)
        if (n->eng[i].mac_owner && n->eng[i].mac_host == host && m < n->eng[i].mvm.n_mult) who[c++] = i;
    return c;
}

/* The widest of the sharers' integer and fraction bits (operands and weights are signed in
 * every rnnc_mac), so each sharer's values align exactly. */
void share_mac_types(const Netlist *n, int host, int m, FxType *op, FxType *wt, int *guard_w)
{
    int who[RNNC_MAC_OWNERS_MAX], c = share_mac_sharers(n, host, m, who, RNNC_MAC_OWNERS_MAX);
    int oi = 0, of = 0, wi = 0, wf = 0, gw = 0;
    for (int k = 0; k < c; k++) {
        const Mvm *v = &n->eng[who[k]].mvm;
        if (k == 0 || v->op_t.w - fx_frac(v->op_t) > oi) oi = v->op_t.w - fx_frac(v->op_t);
        if (k == 0 || fx_frac(v->op_t) > of) of = fx_frac(v->op_t);
        if (k == 0 || v->w_t.w - fx_frac(v->w_t) > wi) wi = v->w_t.w - fx_frac(v->w_t);
        if (k == 0 || fx_frac(v->w_t) > wf) wf = fx_frac(v->w_t);
        if (v->guard_w > gw) gw = v->guard_w;
    }
    *op = (FxType){.w = oi + of, .i = oi, .sgn = true};
    *wt = (FxType){.w = wi + wf, .i = wi, .sgn = true};
    *guard_w = gw;
}

/* Operands an adder-tree stage sums between registers on a device family: a chain of 7 adds
 * still meets 200 MHz on Xilinx's LUT6 fabric (rnnc's Fmax estimate of the GRU(20) at 198 DSP,
 * bench/results/xstep.txt), one stage less per cell step (xc7's products' sums: 4, mvm_fanin);
 * elsewhere (iCE40's LUT4 at 48 MHz, ECP5) 5. */
int adder_fanin(const char *family) { return family && !strcmp(family, "xilinx") ? RNNC_FANIN_LUT6 : RNNC_FANIN; }

Netlist *lower_model(const Model *m, int table_reg) { return lower_model_family(m, table_reg, NULL, false); }

static Netlist *lower_once(const Model *m, int table_reg, const char *family, bool ultrascale,
                           const bool *share_hint)
{
    int cap = 0;
    for (int i = 0; i < m->n_layers; i++) cap += layer_kind(m->layers[i].kind)->max_engines;
    Netlist *n = netlist_new(m, table_reg, cap);
    n->share_hint = share_hint;
    n->family = family;
    n->ultrascale = ultrascale;
    n->fanin = adder_fanin(family);
    n->tree_chain = for_xilinx(n); /* rnnc_sum_stage CHAIN (rnnc.h) */
    FxType cur_t = m->input_type;
    for (int i = 0; i < m->n_layers; i++) lower_layer(n, &m->layers[i], &cur_t);
    netlist_finish(n);
    lower_share(n);
    lower_share_roms(n);
    return n;
}

/* The netlist of model m, and on slow parts (table_reg: iCE40) where lower_share finds shared
 * MACs, lowered once more with share_reg on their products (the stage before the shared MACs
 * costs a cycle per job, which every engine's timing then counts; who shares does not depend
 * on it). Xilinx keeps its shared MACs without the stage (200 MHz met without it, and the
 * stage's flip-flops are thousands there). */
Netlist *lower_model_family(const Model *m, int table_reg, const char *family, bool ultrascale)
{
    Netlist *n = lower_once(m, table_reg, family, ultrascale, NULL);
    bool *hint = xcalloc((size_t)n->cap + 1, sizeof *hint); /* netlist_add reads it up to cap */
    bool any = false;
    for (int i = 0; i < n->n; i++) any |= hint[i] = table_reg && n->eng[i].mac_owner > 0;
    if (any) {
        int count = n->n;
        netlist_free(n);
        n = lower_once(m, table_reg, family, ultrascale, hint);
        for (int i = 0; i < n->n; i++)
            if (n->n != count || hint[i] != (n->eng[i].mac_owner > 0)) BUG("lower_share differs with share_reg");
        n->share_hint = NULL;
    }
    free(hint);
    return n;
}
