/* resources.c: predicted DSP, LUT, flip-flops and block RAM of a netlist, per engine, for a
 * device family (docs/resources.md).
 *
 * Everything is read from the netlist and each product's plan (plan.c), so a new schedule form
 * is costed from what it builds:
 *   DSP    the matrix multipliers, plus per elementwise lane the multipliers the family's
 *          synthesis keeps in DSPs (a cost-table entry per cell kind);
 *   BRAM   every memory the design holds (schedule ROMs, activation tables at the width that
 *          varies, banks, operand memories, REVERSE/BUFFER storage) mapped as Yosys's
 *          memory_libmap does: the cheapest of block RAM (cost per block) and soft logic
 *          (cost per bit: ROMs 1/16, RAMs 1);
 *   LUT/FF a linear model over a few features of each engine (datapath bits, operand
 *          multiplexers, vector registers and adder trees, lanes and their multiplexers, ROM
 *          bits kept in logic), the per-feature costs fitted against Yosys by
 *          bench/calibrate.py (bench/calibrate.sh re-derives the table below). */
#include "rnnc.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* One block RAM configuration: depth x width. */
typedef struct { int depth, width; } BramShape;

typedef struct {
    const char *family;
    int bram_cost;              /* memory_libmap's cost of one block */
    double rom_bit_cost;        /* ... of one ROM bit in soft logic */
    double ram_bit_cost;        /* ... of one RAM bit in soft logic */
    BramShape shape[6];         /* the block's configurations (0-terminated) */
    double dsp_lane[L_KIND_COUNT]; /* DSPs per elementwise lane of a cell of this kind (<0: the netlist's count) */
    double dsp_banked[L_KIND_COUNT]; /* ... of the banked form's one lane (0: as dsp_lane) */
    double lut[RES_FEATURES], ff[RES_FEATURES];
    double lut_margin;          /* the fraction of the part's LUTs a candidate may use */
    bool lc_pack;               /* a logic cell holds a LUT and a flip-flop that Yosys/nextpnr seldom pair
                                 * (iCE40): LUT + FF must fit the cells */
} CostTable;

/* The cost tables. LUT/FF rows: bench/calibrate.sh FAMILY prints them (least squares over the
 * calibration designs); see bench/results/resources.txt for predicted against measured. */
static const CostTable cost_tables[] = {
    {.family = "ice40", .bram_cost = 64, .rom_bit_cost = 1.0 / 16, .ram_bit_cost = 1.0,
     .shape = {{256, 16}, {512, 8}, {1024, 4}, {2048, 2}},
     /* GRU: 3 with TABLE_REG, which iCE40 designs always have ((1 - z) * hh as hh * 2^F - z * hh) */
     .dsp_lane = {[L_LSTM] = 3, [L_GRU] = 3, [L_SIMPLE_RNN] = 0, [L_DENSE] = -1}, .dsp_banked = {[L_LSTM] = 2},
     .lut = {93.61, 0, 0, 0.2682, 0.1488, 0, 4.229, 0, 0.0317, 0.1272, 0.4323, 0.5613, 1.059},
     .ff = {105.3, 0, 0, 0, 0.0971, 1.402, 9.643, 0, 0.246, 0.1217, 0, 0.7258, 1.358},
     /* 70% of the cells: LUT + FF is under-predicted by up to 46% where vectors sit in flip-flops
      * and operand multiplexers are wide (the trained GRU(20): 3775 predicted, 5507 synthesized,
      * 5253 / 5280 cells placed; bench/results/auto_ice40.txt) */
     .lut_margin = 0.70, .lc_pack = true},
    {.family = "ecp5", .bram_cost = 64, .rom_bit_cost = 1.0 / 16, .ram_bit_cost = 1.0,
     .shape = {{512, 36}, {1024, 18}, {2048, 9}, {4096, 4}, {8192, 2}, {16384, 1}},
     .dsp_lane = {[L_LSTM] = 3, [L_GRU] = 3, [L_SIMPLE_RNN] = 0, [L_DENSE] = -1},
     /* not calibrated on ECP5 yet: iCE40's LUT4 and FF rows */
     .lut = {93.61, 0, 0, 0.2682, 0.1488, 0, 4.229, 0, 0.0317, 0.1272, 0.4323, 0.5613, 1.059},
     .ff = {105.3, 0, 0, 0, 0.0971, 1.402, 9.643, 0, 0.246, 0.1217, 0, 0.7258, 1.358},
     .lut_margin = 0.85},
    {.family = "xilinx", .bram_cost = 64, .rom_bit_cost = 1.0 / 16, .ram_bit_cost = 1.0,
     .shape = {{512, 36}, {1024, 18}, {2048, 9}, {4096, 4}, {8192, 2}, {16384, 1}},
     .dsp_lane = {[L_LSTM] = 3, [L_GRU] = 3, [L_SIMPLE_RNN] = 0, [L_DENSE] = -1},
     /* one Xilinx design synthesized so far: the iCE40 rows scaled to it (LUT6 x1.315, FF x1.634) */
     .lut = {123.1, 0, 0, 0.3527, 0.1957, 0, 5.562, 0, 0.04169, 0.1673, 0.5686, 0.7382, 1.393},
     .ff = {172, 0, 0, 0, 0.1586, 2.29, 15.75, 0, 0.4019, 0.1988, 0, 1.186, 2.219},
     .lut_margin = 0.9},
};

const char *const res_feature_names[RES_FEATURES] = {
    "engine", "mult_reg_bits", "acc_bits", "operand_mux_bits", "vector_bits", "lstm_lane_bits", "gru_lane_bits",
    "rnn_lane_bits", "lane_mux_bits", "rom_logic_bits", "rom_word_bits", "activation_bits", "cell_sum_bits",
};

static const CostTable *cost_table(const char *family)
{
    for (size_t i = 0; i < sizeof cost_tables / sizeof cost_tables[0]; i++)
        if (!strcmp(cost_tables[i].family, family)) return &cost_tables[i];
    return &cost_tables[0];
}

const char *res_family(const char *target)
{
    if (!target) return "ice40";
    if (!strcmp(target, "ecp5")) return "ecp5";
    if (!strcmp(target, "xilinx")) return "xilinx";
    return "ice40";
}

/* Blocks of the cheapest configuration for depth x width. */
static long bram_blocks(const CostTable *c, long depth, long width)
{
    long best = -1;
    for (int i = 0; i < 6 && c->shape[i].depth; i++) {
        long b = ((depth + c->shape[i].depth - 1) / c->shape[i].depth) * ((width + c->shape[i].width - 1) / c->shape[i].width);
        if (best < 0 || b < best) best = b;
    }
    return best;
}

/* One memory with `ports` read ports: to block RAM (a copy per read port) or soft logic,
 * whichever memory_libmap finds cheaper (it compares with the logic cost truncated). */
static void add_memory_ports(const CostTable *c, EngineResources *r, long depth, long width, bool rom, int ports)
{
    if (depth <= 0 || width <= 0) return;
    long blocks = bram_blocks(c, depth, width) * (ports > 1 ? ports : 1);
    double logic = floor((double)depth * (double)width * (rom ? c->rom_bit_cost : c->ram_bit_cost));
    if ((double)(blocks * c->bram_cost) < logic) {
        r->bram += blocks;
    } else if (rom) {
        r->feat[RES_ROM_LOGIC] += (double)depth * (double)width;
    } else {
        r->feat[RES_VECTOR] += (double)depth * (double)width;
    }
}

static void add_memory(const CostTable *c, EngineResources *r, long depth, long width, bool rom)
{
    add_memory_ports(c, r, depth, width, rom, 1);
}

/* The bits of a table's entries that vary (synthesis drops the constant ones). */
static int table_width(const Table *t)
{
    int64_t lo = 0, hi = 0;
    for (int k = 0; k < t->n; k++) {
        if (t->entries[k] < lo) lo = t->entries[k];
        if (t->entries[k] > hi) hi = t->entries[k];
    }
    if (lo >= 0) return hi > 0 ? clog2i(hi + 1) : 1;
    int w = 1;
    while (w < t->out.w && (lo < -((int64_t)1 << (w - 1)) || hi >= ((int64_t)1 << (w - 1)))) w++;
    return w;
}

/* count activation tables of activation a of layer l */
static void add_tables(const CostTable *c, EngineResources *r, const Layer *l, ActKind a, int count)
{
    if (a == ACT_LINEAR || a == ACT_RELU || count <= 0) return;
    Table *t = a == ACT_SOFTMAX ? table_exp(l) : table_for(l, a);
    if (!t) return;
    int w = table_width(t);
    r->feat[RES_ACT] += (double)count * (clog2i(t->n) + t->out.w);
    for (int i = 0; i < count; i++) add_memory(c, r, t->n, w, true); /* t: tables.c's cache */
}

/* A product: its multipliers, datapath, operand multiplexer, adder tree and schedule ROM. */
static void add_mvm(const CostTable *c, EngineResources *r, const Netlist *n, const Engine *e, const Mvm *v)
{
    if (!v->outs || v->n_products == 0) return;
    MvmPlanOpts opt = {.table_reg = n->table_reg != 0, .op_mem = e->vec_in};
    MvmPlan *p = plan_mvm(v, &opt);
    r->dsp += p->n_mult;
    r->feat[RES_MULT_REGS] += (double)p->n_mult * (v->op_t.w + v->w_t.w) * (1 + p->rom_reg);
    r->feat[RES_ACC] += (double)p->n_mult * v->guard_w;
    for (int m = 0; p->rf > 1 && m < p->n_mult; m++) r->feat[RES_ACC] += (double)p->mult[m].n_regs * v->accum.w;
    if (p->rf > 1 && !opt.op_mem) r->feat[RES_OPMUX] += (double)p->n_mult * v->n_in * v->op_t.w;
    for (int j = 0; j < v->n_out; j++) r->feat[RES_VECTOR] += (double)p->out[j].n_items * v->guard_w;
    if (p->rf > 1) {
        add_memory(c, r, p->rf, (long)p->n_mult * p->rom_w, true);
        r->feat[RES_ROM_WORD] += (double)p->n_mult * p->rom_w * (1 + p->rom_reg);
    }
    plan_free(p);
}

/* A cell's lanes: their multipliers, tables, state and multiplexers. */
static void add_cell(const CostTable *c, EngineResources *r, const Engine *e)
{
    const Layer *l = e->layer;
    double per_lane = plan_cell_banked(e) && c->dsp_banked[l->kind] > 0 ? c->dsp_banked[l->kind] : c->dsp_lane[l->kind];
    r->dsp += per_lane < 0 ? e->n_elem_mult : (long)(per_lane * e->lanes + 0.5);
    int gates = l->gates, aw = e->mvm.accum.w;
    int lane = l->kind == L_LSTM ? RES_LANE_LSTM : l->kind == L_GRU ? RES_LANE_GRU : RES_LANE_RNN;
    r->feat[lane] += (double)e->lanes * gates * aw;
    if (e->slots > 1) r->feat[RES_LANE_MUX] += (double)e->lanes * e->slots * gates * aw;
    r->feat[RES_LANE_MUX] += (double)l->units * (l->ty.result.w + (l->kind == L_LSTM ? l->ty.state.w : 0));
    int ract = l->kind == L_LSTM ? 3 : l->kind == L_GRU ? 2 : 0;
    int act = l->kind == L_LSTM ? 2 : 1;
    add_tables(c, r, l, l->ract, ract * e->lanes);
    add_tables(c, r, l, l->act, act * e->lanes);
    /* the gate sums wait for the lanes in registers, or in the banks of the banked form */
    if (!plan_cell_banked(e)) r->feat[RES_SUM_REGS] += (double)(e->mvm.n_out + e->mvm2.n_out) * aw;
    if (plan_cell_banked(e)) {
        for (int g = 0; g < 4; g++) add_memory(c, r, l->units, aw, false);
        if (l->kind == L_LSTM) add_memory(c, r, l->units, l->ty.state.w, false);
    }
}

EngineResources res_engine(const Netlist *n, int i, const char *family)
{
    const CostTable *c = cost_table(family);
    const Engine *e = &n->eng[i];
    EngineResources r = {0};
    r.feat[RES_ENGINE] = 1;
    add_mvm(c, &r, n, e, &e->mvm);
    add_mvm(c, &r, n, e, &e->mvm2);
    if (!e->vec_out) r.feat[RES_VECTOR] += (double)e->out_n * e->out_t.w;
    if (e->vec_in) add_memory_ports(c, &r, e->in_n, e->in_t.w, false, e->mvm.n_mult); /* a read port per multiplier */
    switch (e->kind) {
    case ENG_CELL: add_cell(c, &r, e); break;
    case ENG_DENSE: add_tables(c, &r, e->layer, e->act_none ? ACT_LINEAR : e->act, e->mvm.direct ? e->mvm.n_mult : e->out_n); break;
    case ENG_ACT: add_tables(c, &r, e->layer, e->act, e->in_n); break;
    case ENG_SOFTMAX:
        r.dsp += e->n_elem_mult;
        add_tables(c, &r, e->layer, ACT_SOFTMAX, e->in_n);
        break;
    case ENG_REVERSE:
    case ENG_BUFFER: add_memory(c, &r, e->steps, (long)e->in_n * e->in_t.w, false); break;
    default: r.dsp += e->n_elem_mult; break;
    }
    for (int k = 0; k < RES_FEATURES; k++) {
        r.lut += c->lut[k] * r.feat[k];
        r.ff += c->ff[k] * r.feat[k];
    }
    return r;
}

Resources res_netlist(const Netlist *n, const char *family)
{
    Resources t = {0};
    for (int i = 0; i < n->n; i++) {
        EngineResources r = res_engine(n, i, family);
        t.dsp += r.dsp;
        t.bram += r.bram;
        t.lut += (long)lround(r.lut);
        t.ff += (long)lround(r.ff);
    }
    return t;
}

double res_lut_margin(const char *family)
{
    return cost_table(family)->lut_margin;
}

bool res_lc_pack(const char *family)
{
    return cost_table(family)->lc_pack;
}

/* report.json's "resources": the family, the predicted totals and per engine its prediction
 * and features (bench/calibrate.py fits the cost table from them). */
cJSON *res_json(const Netlist *n)
{
    const char *family = n->family ? n->family : "ice40";
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "family", family);
    Resources t = res_netlist(n, family);
    cJSON_AddItemToObject(o, "predicted", res_totals_json(&t));
    cJSON *feat = cJSON_AddObjectToObject(o, "features");
    double sum[RES_FEATURES] = {0};
    cJSON *engines = cJSON_AddArrayToObject(o, "engines");
    for (int i = 0; i < n->n; i++) {
        EngineResources r = res_engine(n, i, family);
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "module", n->eng[i].name);
        cJSON_AddNumberToObject(e, "dsp", (double)r.dsp);
        cJSON_AddNumberToObject(e, "lut", round(r.lut));
        cJSON_AddNumberToObject(e, "ff", round(r.ff));
        cJSON_AddNumberToObject(e, "bram", (double)r.bram);
        cJSON_AddItemToArray(engines, e);
        for (int k = 0; k < RES_FEATURES; k++) sum[k] += r.feat[k];
    }
    for (int k = 0; k < RES_FEATURES; k++) cJSON_AddNumberToObject(feat, res_feature_names[k], sum[k]);
    return o;
}

cJSON *res_totals_json(const Resources *r)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "dsp", (double)r->dsp);
    cJSON_AddNumberToObject(o, "lut", (double)r->lut);
    cJSON_AddNumberToObject(o, "ff", (double)r->ff);
    cJSON_AddNumberToObject(o, "bram", (double)r->bram);
    return o;
}
