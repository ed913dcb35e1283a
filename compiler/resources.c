/* resources.c: predicted DSP, LUT, flip-flops and block RAM of a netlist, per engine, for a
 * device family (docs/resources.md).
 *
 * Everything is read from the netlist and each product's plan (plan.c), so a new schedule form
 * is costed from what it builds:
 *   DSP    the matrix multipliers, plus per elementwise lane the multipliers the family's
 *          synthesis keeps in DSPs (a cost-table entry per cell kind);
 *   BRAM   every memory the design holds (schedule ROMs, activation and softmax tables at
 *          the width that varies, banks, operand memories, REVERSE/BUFFER storage) mapped as
 *          Yosys's memory_libmap does with the family's costs: the cheapest of block RAM (cost
 *          per block), LUT RAM (Xilinx, RAMs only) and soft logic (cost per bit);
 *   LUT/FF a linear model over a few features of each engine (datapath bits, operand
 *          multiplexers and registers per operand group, vector registers, adder-tree inputs
 *          and registered stages, lanes (serial lanes their own) and their multiplexers, ROM
 *          and table bits kept in logic, LUT RAMs), the per-feature costs fitted against Yosys
 *          by bench/calibrate.py (bench/calibrate.sh FAMILY re-derives the rows below).
 * The costs are data, one CostTable per family; the code is the same for every family. */
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
    BramShape lutram[2];        /* LUT RAM (one write, one read port) of 4 LUTs: its configurations (none: 0) */
    int lutram_cost;            /* memory_libmap's cost of one */
    double dsp_lane[L_KIND_COUNT]; /* DSPs per elementwise lane of a cell of this kind (<0: the netlist's count) */
    int dsp_a, dsp_b, dsp_y_min;  /* Yosys mul2dsp: the DSP's operand widths, the smallest product kept in one */
    bool pow2_shift;            /* a constant product by a positive power of two becomes a shift, no DSP */
    double lut[RES_FEATURES], ff[RES_FEATURES];
    double lut_mul_lut;         /* rnnc_lut_mul: LUTs per row bit (rows x (a's bits + 2)), from Yosys
                                 * on 16 x 11 and 16 x 16 (docs/resources.md) */
    double lut_margin;          /* the fraction of the part's LUTs a candidate may use */
    int ff_per_lut;             /* flip-flops beside each LUT (a Xilinx slice: 8 LUTs, 16 FFs; 0: 1) */
    bool lc_pack;               /* a logic cell holds a LUT and a flip-flop that Yosys/nextpnr seldom pair
                                 * (iCE40): LUT + FF must fit the cells */
    bool logic_spill;           /* the reuse search may build a dense layer's multipliers past the DSP
                                 * budget in logic (auto_spill): LUTs are plentiful beside the DSPs */
} CostTable;

/* What xc7 and UltraScale+ share (lowering's memory choices, res_rom_in_logic and the like, take
 * the family alone, so these must be one): block RAM in RAMB18 (a RAMB36 is two, at about their
 * cost), synth_xilinx's memory_libmap costs (brams_xc4v.txt, lutrams_xc5v.txt, -logic-cost-rom
 * 1/64), the lanes' DSPs, rnnc_lut_mul's LUTs (measured on xcup) and the logic margin */
#define XILINX_SHARED                                                                                  \
    .bram_cost = 129, .rom_bit_cost = 1.0 / 64, .ram_bit_cost = 1.0,                                   \
    .shape = {{512, 36}, {1024, 18}, {2048, 9}, {4096, 4}, {8192, 2}, {16384, 1}},                     \
    .lutram = {{32, 6}, {64, 3}}, .lutram_cost = 8,                                                    \
    .dsp_lane = {[L_LSTM] = 3, [L_GRU] = 3, [L_SIMPLE_RNN] = 0, [L_DENSE] = -1},                        \
    .lut_mul_lut = 1.33, .lut_margin = 0.9, .ff_per_lut = 2, .logic_spill = true

/* The cost tables. LUT/FF rows: bench/calibrate.sh FAMILY prints them (fitted over the designs
 * of bench/calibrate_sweep.txt); bench/results/resources_FAMILY.txt: predicted against measured. */
static const CostTable cost_tables[] = {
    {.family = "ice40", .bram_cost = 64, .rom_bit_cost = 1.0 / 16, .ram_bit_cost = 1.0,
     .shape = {{256, 16}, {512, 8}, {1024, 4}, {2048, 2}},
     /* GRU: 3 with TABLE_REG, which iCE40 designs always have ((1 - z) * hh as hh * 2^F - z * hh);
      * LSTM: f * c, i * g, o * a */
     .dsp_lane = {[L_LSTM] = 3, [L_GRU] = 3, [L_SIMPLE_RNN] = 0, [L_DENSE] = -1},
     .dsp_a = 16, .dsp_b = 16, .dsp_y_min = 11, .pow2_shift = true,
     .lut = {68.22, 0, 1.013, 1.275, 0.2957, 1.919, 2.725, 1.624, 0, 0.1, 0.2847, 0, 0, 1, 0, 0, 0, 1.662, 0.2043, 0.682},
     .ff = {0, 0, 0.05186, 0, 0.8077, 0.8491, 3.773, 0, 0.4808, 0, 0.4781, 0.03109, 0.3637, 0, 0, 187.4, 0, 4.645, 0, 0},
     /* 94% of the cells (docs/resources.md, "The iCE40 logic margin"): these rows are session
      * 28's refit over fresh syntheses (session 27's narrower sums; session 24's rows were 19.3%
      * / 29.0% off there): the no-flag GRU(5) went back to 3-multiplier lanes (placed: 51.21 MHz),
      * the other no-flag choices stayed. Before: session 24's, session 17's until then, kept
      * over session 18's and 19's refits, which let in candidates that then missed 48 MHz.
      * The margin was 0.75 while the shared candidates missed the clock, 0.82
      * from the share stage (session 19) on, 0.94 since session 21: the shared designs are
      * over-predicted by about 10%, and the no-flag choices at 0.94 place and meet 48 MHz
      * at the first attempt (the GRU(5) at 713 cycles, the LSTM(20) at 9224, the GRU(20) at
      * 11324; the LSTM(20)'s missed until the UART's enables were one LUT deep) */
     .lut_mul_lut = 1.85, .lut_margin = 0.94, .lc_pack = true},
    {.family = "ecp5", .bram_cost = 128, .rom_bit_cost = 1.0 / 16, .ram_bit_cost = 1.0,
     .shape = {{512, 36}, {1024, 18}, {2048, 9}, {4096, 4}, {8192, 2}, {16384, 1}},
     /* TRELLIS_DPR16X4 (ecp5/lutrams.txt: cost 4, RAMs only): the gate-sum banks and vector
      * memories Yosys puts there, not in a DP16KD */
     .lutram = {{16, 4}}, .lutram_cost = 4,
     .dsp_lane = {[L_LSTM] = 3, [L_GRU] = 3, [L_SIMPLE_RNN] = 0, [L_DENSE] = -1},
     .dsp_a = 18, .dsp_b = 18, .dsp_y_min = 1, .pow2_shift = true, /* as iCE40: not measured */
     /* DP16KD cost 128 (ecp5/brams.txt), Yosys's default logic costs; LUT/FF rows from
      * bench/calibrate.sh ecp5 (session 28: 49 designs, bench/results/resources_ecp5.txt; LUT
      * counts a carry cell CCU2C as two LUT4s, as the flow does). The rows fit worse than
      * iCE40's (37% worst LUT error): synth_ecp5 builds multiplexers from PFUMX/L6MUX21 as well */
     .lut = {12.81, 0, 1.955, 2.26, 0, 0, 2.528, 0, 0.7303, 0, 1.737, 0, 0, 1, 0, 0, 0, 3.296, 0, 0},
     .ff = {0, 0.6419, 0.02324, 0.1119, 0.5469, 1.045, 4.199, 0, 0.3156, 0, 0.5241, 0, 0, 0, 0, 223.4, 0, 1.915, 0, 0.883},
     .lut_mul_lut = 1.85, .lut_margin = 0.85},
    {.family = "xilinx", XILINX_SHARED, .dsp_a = 25, .dsp_b = 18, .dsp_y_min = 9,
     /* bench/calibrate.sh xilinx: 49 designs (bench/results/resources_xilinx.txt), refitted in
      * session 29 over fresh syntheses (xc7's chained trees of 4 MAC sums a stage and h read
      * from its register: session 28's rows were 38.7% off on LUTs there) with the terms
      * outside the rows taken off; again in session 30 (reuse 1's products registered twice,
      * the write-back's clear in the flip-flops' reset, the LSTM lanes' o * act(c) registered:
      * session 29's rows 22.1% / 17.4% off, the refit 10.8% / 15.7%); and in session 33 (the
      * wavefronts' early trees read captured runs from the MACs, their capture registers gone:
      * the rows before 12.6% / 23.3% off, the refit 10.6% / 15.9%) */
     .lut = {94.05, 0, 0.01332, 0.3961, 0, 0.1423, 1.181, 0, 0.3168, 0.004494, 0.9143, 0.1471, 0.1858, 1, 0.06237, 0, 0.4412, 1.529, 0.6042, 0.2495},
     .ff = {0, 0, 0, 0.3645, 0.6447, 0.9671, 1.824, 0, 0.2908, 0, 0.9649, 0, 0, 0, 0, 157.1, 0.4911, 0.8607, 0, 0.5932}},
    /* UltraScale+ (a Xilinx design with Netlist.ultrascale): the LUT/FF rows of its own sweep
     * (bench/calibrate.sh xcup: synth_xilinx -family xcup over the 49 designs lowered for it, with
     * one-stage MACs and chained tree stages; bench/results/resources_xcup.txt; session 28, where
     * xc7's rows had been 70% over on the xcu250 pick; refitted in session 30, session 28's rows
     * 19.2% / 17.8% off on its designs, the refit 10.8% / 15.1%, issue 11's picks unchanged;
     * again in session 33, the captured runs read from the MACs: the rows before 12.5% / 30.7%
     * off, the refit 9.6% / 15.4%); the rest as xc7's (XILINX_SHARED).
     * DSP48E2: 27 x 18 */
    {.family = "xcup", XILINX_SHARED, .dsp_a = 27, .dsp_b = 18, .dsp_y_min = 9,
     .lut = {80.74, 0, 0, 0.5873, 0.1143, 1.655, 3.868, 2.842, 0.3796, 0.004515, 0.6543, 0.2579, 0.0873, 1, 0.08276, 0, 0.07725, 0.2328, 0.6373, 0.06234},
     .ff = {36.15, 0, 1.761, 0.3403, 0.5899, 2.226, 2.896, 0, 0.2429, 0, 1.213, 0, 0.9376, 0, 0, 116.9, 0, 0, 0, 0}},
};

const char *const res_feature_names[RES_FEATURES] = {
    "engine", "mult_reg_bits", "acc_bits", "operand_mux_bits", "vector_bits", "lstm_lane_bits", "gru_lane_bits",
    "rnn_lane_bits", "lane_mux_bits", "rom_logic_bits", "rom_word_bits", "activation_bits", "cell_sum_bits",
    "lutram_luts", "table_logic_bits", "serial_engine", "tree_reg_bits", "serial_lane_bits",
    "tree_add_bits", "part_bits",
};

static const CostTable *cost_table(const char *family)
{
    for (size_t i = 0; i < sizeof cost_tables / sizeof cost_tables[0]; i++)
        if (!strcmp(cost_tables[i].family, family)) return &cost_tables[i];
    return &cost_tables[0];
}

/* The table of a design's engines: xcup's for a Xilinx design for UltraScale+ */
static const CostTable *netlist_costs(const Netlist *n, const char *family)
{
    return cost_table(n->ultrascale && !strcmp(family, "xilinx") ? "xcup" : family);
}

const char *res_family(const char *target)
{
    if (!target) return "ice40";
    if (!strcmp(target, "ecp5")) return "ecp5";
    if (!strcmp(target, "xilinx")) return "xilinx";
    return "ice40";
}

/* Whether a design for target (Xilinx: synthesis family xfamily, xc7 or xcup) is for
 * UltraScale+'s fabric (Netlist.ultrascale), fast enough for two stages that lowering shortens
 * there: one-stage MACs (mvm_mac_lat: the multiply and the accumulate in one cycle; the xcu250
 * GRU(20) keeps its 214.5 MHz estimate, 5,504 FF fewer, a cycle off each recurrent step) and a
 * serial GRU lane's pre_hh unregistered (serial_hh_direct). (Adder-tree stages of two-input
 * adders on carry chains, Netlist.tree_chain, are on both Xilinx families.) On xc7 the
 * accumulate's carry chain after an unregistered DSP48E1 multiply became the critical path (the
 * flow suite's tiny GRU on the xc7a35t: 158 to 144 MHz); iCE40's and ECP5's fabrics are slower
 * still. */
bool res_ultrascale(const char *target, const char *xfamily)
{
    return target && !strcmp(target, "xilinx") && xfamily && !strcmp(xfamily, "xcup");
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

/* LUT RAMs (Xilinx RAM32M/RAM64M) for a RAM of depth x width, the cheapest configuration; 0: none fits. */
static long lutram_units(const CostTable *c, long depth, long width)
{
    long best = 0;
    for (int i = 0; i < 2 && c->lutram[i].depth; i++) {
        const BramShape *cfg = &c->lutram[i];
        long u = ((depth + cfg->depth - 1) / cfg->depth) * ((width + cfg->width - 1) / cfg->width);
        if (!best || u < best) best = u;
    }
    return best;
}

/* One memory with `ports` read ports: to block RAM (a copy per read port), LUT RAM (a RAM, a
 * copy per read port) or soft logic, whichever memory_libmap finds cheapest (it compares with
 * the logic cost truncated). A ROM kept in logic counts as feature rom_feat. */
static void add_memory_as(const CostTable *c, EngineResources *r, long depth, long width, bool rom, int ports,
                          int rom_feat)
{
    if (depth <= 0 || width <= 0) return;
    long copies = ports > 1 ? ports : 1;
    long blocks = bram_blocks(c, depth, width) * copies;
    long luts = rom ? 0 : lutram_units(c, depth, width) * copies;
    double logic = floor((double)depth * (double)width * (rom ? c->rom_bit_cost : c->ram_bit_cost));
    if (luts && luts * c->lutram_cost < logic && luts * c->lutram_cost <= blocks * c->bram_cost) {
        r->feat[RES_LUTRAM] += 4.0 * (double)luts;
    } else if ((double)(blocks * c->bram_cost) < logic) {
        r->bram += blocks;
    } else if (rom) {
        r->feat[rom_feat] += (double)depth * (double)width;
    } else {
        r->feat[RES_VECTOR] += (double)depth * (double)width;
    }
}

static void add_memory_ports(const CostTable *c, EngineResources *r, long depth, long width, bool rom, int ports)
{
    add_memory_as(c, r, depth, width, rom, ports, RES_ROM_LOGIC);
}

static void add_memory(const CostTable *c, EngineResources *r, long depth, long width, bool rom)
{
    add_memory_ports(c, r, depth, width, rom, 1);
}

/* Whether memory_libmap puts a ROM of depth x width in block RAM (add_memory_as's choice). */
static bool rom_in_blocks(const CostTable *c, long depth, long width)
{
    return (double)(bram_blocks(c, depth, width) * c->bram_cost) < floor((double)depth * width * c->rom_bit_cost);
}

bool res_rom_in_logic(const char *family, long depth, long width)
{
    return !rom_in_blocks(cost_table(family ? family : "ice40"), depth, width);
}

/* Whether a schedule ROM of depth x width in block RAM takes more words in the blocks it
 * already uses (the words past its depth are free there: lower_share_roms). */
bool res_rom_room(const char *family, long depth, long width, long more)
{
    const CostTable *c = cost_table(family ? family : "ice40");
    return rom_in_blocks(c, depth, width) && bram_blocks(c, depth + more, width) == bram_blocks(c, depth, width);
}

/* The words of a product's schedule ROM (rf words of width bits) kept in block RAM, the rest
 * in logic (rnnc_rom_split): rf itself, or the largest multiple of a block's depth below rf
 * when the words past it are at most RNNC_ROM_TAIL (one LUT4 per bit) and cost whole blocks
 * (the GRU(20)'s three multipliers at reuse 520: 6 blocks and 8 words in logic, not 9). Only
 * behind a registered ROM output (rom_reg), which keeps the part choice off the operand path. */
long res_rom_block_depth(const char *family, long rf, long width, bool rom_reg)
{
    const CostTable *c = cost_table(family ? family : "ice40");
    long best = rf, best_blocks = bram_blocks(c, rf, width);
    if (!rom_reg || !rom_in_blocks(c, rf, width)) return rf;
    for (int i = 0; i < 6 && c->shape[i].depth; i++) {
        long lo = rf / c->shape[i].depth * c->shape[i].depth, tail = rf - lo;
        if (lo == 0 || tail == 0 || tail > RNNC_ROM_TAIL || rom_in_blocks(c, tail, width)) continue;
        long b = bram_blocks(c, lo, width);
        if (b < best_blocks || (b == best_blocks && best < rf && lo > best)) best = lo, best_blocks = b;
    }
    return best;
}

/* res_rom_block_depth for plan p's schedule ROM (its multipliers' words side by side). */
long res_plan_rom_block(const char *family, const MvmPlan *p)
{
    return res_rom_block_depth(family, p->rf, (long)p->n_mult * p->rom_w, p->rom_reg);
}

/* The bits of a table's entries k >= from that vary (synthesis drops the constant ones). */
static int table_width(const Table *t, int from)
{
    int64_t lo = 0, hi = 0;
    for (int k = from; k < t->n; k++) {
        if (t->entries[k] < lo) lo = t->entries[k];
        if (t->entries[k] > hi) hi = t->entries[k];
    }
    if (lo >= 0) return hi > 0 ? clog2i(hi + 1) : 1;
    int w = 1;
    while (w < t->out.w && (lo < -((int64_t)1 << (w - 1)) || hi >= ((int64_t)1 << (w - 1)))) w++;
    return w;
}

/* DSPs of an a x b bit product: Yosys's mul2dsp splits the operands into the DSP's widths and
 * keeps a partial product in a DSP when it has at least 2 x 2 bits and dsp_y_min result bits. */
static long product_dsps(const CostTable *c, int a, int b)
{
    long n = 0;
    for (int i = 0; i < a; i += c->dsp_a)
        for (int j = 0; j < b; j += c->dsp_b) {
            int wa = a - i < c->dsp_a ? a - i : c->dsp_a, wb = b - j < c->dsp_b ? b - j : c->dsp_b;
            n += wa >= 2 && wb >= 2 && wa + wb >= c->dsp_y_min;
        }
    return n;
}

/* Whether table t of layer l is stored mirrored on family c (rnnc_activation TABLE_MIRROR):
 * where the layer asks for it (table_mirror > 0, the model's or the reuse search's), its
 * entries allow it (table_mirror()) and its upper half takes fewer block RAMs than the whole
 * table, or fewer bits of logic, in the same kind of memory. A half that would move from block
 * RAM into logic saves blocks but costs LUTs: on Xilinx a RAMB18 holds a 1024-entry table
 * whole, and memory_libmap keeps a 512-entry one in LUTs. */
static bool table_mirrored(const CostTable *c, const Layer *l, const Table *t, uint64_t *mask, uint64_t *entry0)
{
    if (l->table_mirror <= 0 || !table_mirror(t, mask, entry0)) return false;
    long n = t->n, half = n - t->offset;
    int w = table_width(t, 0), hw = table_width(t, t->offset);
    bool blocks = rom_in_blocks(c, n, w);
    if (blocks != rom_in_blocks(c, half, hw)) return false;
    return !blocks || bram_blocks(c, half, hw) < bram_blocks(c, n, w);
}

bool res_table_mirror(const char *family, const Layer *l, const Table *t, uint64_t *mask, uint64_t *entry0)
{
    return table_mirrored(cost_table(family ? family : "ice40"), l, t, mask, entry0);
}

/* count copies of table t of layer l (tables.c's cache), stored mirrored where table_mirrored
 * says so: the upper half, and per copy a LUT per output bit
 * for the XOR or entry 0 after the read and a few for the read address and flags (measured
 * 17-20 per 16-bit table on the iCE40 calibration designs), and the flags' 4 flip-flops (2
 * without --table-reg); added directly, not fitted */
static void add_table(const CostTable *c, EngineResources *r, const Layer *l, const Table *t, int count)
{
    if (!t || count <= 0) return;
    uint64_t mask, entry0;
    int from = table_mirrored(c, l, t, &mask, &entry0) ? t->offset : 0;
    int w = table_width(t, from);
    r->feat[RES_ACT] += (double)count * (clog2i(t->n) + t->out.w);
    if (from) {
        r->lut += (double)count * (t->out.w + 3);
        r->ff += (double)count * 4;
    }
    for (int i = 0; i < count; i++) add_memory_as(c, r, t->n - from, w, true, 1, RES_TABLE_LOGIC);
}

/* count activation tables of activation a of layer l (softmax: its exp table) */
static void add_tables(const CostTable *c, EngineResources *r, const Layer *l, ActKind a, int count)
{
    if (a == ACT_LINEAR || a == ACT_RELU || count <= 0) return;
    add_table(c, r, l, a == ACT_SOFTMAX ? table_exp(l) : table_for(l, a), count);
}

/* DSPs of the constant-weight products (reuse 1): none for a weight 0; on iCE40 none for a
 * positive power of two either (1, 2, 4, ...: a shift; the GRU(4) at reuse 1: 110 SB_MAC16 for
 * 112 products, two weights 1 and 16), while synth_xilinx keeps those in DSP48E1s (112). */
static long parallel_dsps(const CostTable *c, const MvmPlan *p)
{
    long n = 0;
    for (int j = 0; j < p->v->n_out; j++)
        for (int t = 0; t < p->out[j].n_terms; t++) {
            wide_t w = p->out[j].w[t];
            n += w != 0 && !(c->pow2_shift && w > 0 && (w & (w - 1)) == 0);
        }
    return n;
}

/* The registers of output j's adder tree (rnnc_adder_tree: depth stages of rnnc_sum_stage, each
 * registering its groups' sums; the x-first placement gives the outputs more partial sums). */
static double tree_reg_bits(const MvmPlan *p, int j)
{
    if (p->direct) return 0;
    double bits = 0;
    for (int d = 0, n = p->out[j].n_elems; d < p->depth; d++) {
        n = (n + p->fanin - 1) / p->fanin;
        bits += (double)n * p->v->guard_w;
    }
    return bits;
}

/* Whether a product's schedule ROM has a tail in logic (rnnc_rom_split). */
static bool mvm_rom_split(const Netlist *n, const Engine *e, const Mvm *v)
{
    if (!v->outs || v->n_products == 0 || v->rf < 2) return false;
    MvmPlanOpts opt = plan_engine_opts(e, v);
    MvmPlan *p = plan_mvm(v, &opt);
    bool split = p->rf > 1 && res_plan_rom_block(n->family, p) < p->rf;
    plan_free(p);
    return split;
}

bool res_rom_split_used(const Netlist *n)
{
    for (int i = 0; i < n->n; i++)
        if (mvm_rom_split(n, &n->eng[i], &n->eng[i].mvm) || mvm_rom_split(n, &n->eng[i], &n->eng[i].mvm2)) return true;
    return false;
}

/* rnnc_lut_mul's flip-flops, from its structure: the levels its LAT, TAIL and HEAD register (its
 * reg_after; level v: ceil(b_w / 2^v) nodes of a_w + 1 + 2^v bits) and the delay registers
 * after them. */
static double lut_mul_ffs(int a_w, int b_w, int lat, int tail, int head)
{
    int d = 0;
    while ((1 << d) < b_w) d++;
    int regs = lat < d - tail ? lat : d - tail, h = head && regs > 0, r2 = regs - h, d2 = d - h, seg = r2 + tail;
    double ff = 0;
    for (int v = 1; v <= d; v++) {
        int u = v - h;
        bool reg = (h && v == 1) || (d2 > 0 && u > 0 && (u * seg) / d2 > ((u - 1) * seg) / d2 && (u * seg) / d2 <= r2);
        if (reg) ff += (double)((b_w + (1 << v) - 1) >> v) * (a_w + 1 + (1 << v));
    }
    return ff + (double)(lat - regs) * (a_w + b_w);
}

/* rnnc_lut_mul's LUTs: its rows times the other operand's bits + 2, times the family's cost */
static double lut_mul_luts(const CostTable *c, int a_w, int b_w) { return c->lut_mul_lut * b_w * (a_w + 2); }

/* The multipliers built in logic (Mvm.n_logic, rnnc_product LOGIC): their DSPs off; rnnc_lut_mul's
 * LUTs and flip-flops on (rows: the narrower operand's bits, as rnnc_product takes them; outside
 * hls4ml's order its register in front inside the tree, rnnc_mac PRE_REG: HEAD, and TAIL at
 * one-stage MACs), less the product register the rows count on two-stage MACs; the accumulator
 * the DSP held, in fabric (an adder and its register per bit). Added to the engine directly,
 * not as a fitted feature. */
static void add_logic_mults(const CostTable *c, EngineResources *r, const Mvm *v)
{
    int rows = v->op_t.w < v->w_t.w ? v->op_t.w : v->w_t.w, cols = v->op_t.w + v->w_t.w - rows;
    int pre = !v->sat_order, lat = v->mac_lat - 1 + pre;
    double ffs = lut_mul_ffs(cols, rows, lat, pre && v->mac_lat == 1, pre) - (double)(v->mac_lat - 1) * (cols + rows);
    r->dsp -= v->n_logic;
    r->lut += v->n_logic * (lut_mul_luts(c, cols, rows) + v->guard_w);
    r->ff += v->n_logic * (ffs + v->guard_w);
}

/* A product: its multipliers, datapath, operand multiplexer, adder tree and schedule ROM. */
static void add_mvm(const CostTable *c, EngineResources *r, const Netlist *n, const Engine *e, const Mvm *v)
{
    if (!v->outs || v->n_products == 0) return;
    MvmPlanOpts opt = plan_engine_opts(e, v);
    MvmPlan *p = plan_mvm(v, &opt);
    for (int b = 0; b < opt.banks; b++) /* the gate sums' banks */
        add_memory(c, r, opt.bank_per_mult ? p->mult[b].n_caps : opt.bank_n, v->accum.w, false);
    bool caller_takes = p->direct && (opt.serial || opt.banks);
    r->dsp += p->form == MVM_PARALLEL ? parallel_dsps(c, p) : p->n_mult;
    add_logic_mults(c, r, v); /* none at rf 1 (finish_mvm) */
    /* the operand and weight registers; an operand group's members load the same operand in
     * every slot, so synthesis keeps one operand register per group. In the counted forms
     * (REGULAR, RUNS) every multiplier reads the operand the shared counter names: their
     * multiplexers and registers are identical, and synthesis keeps one of each (opt_merge) */
    bool counted = p->form == MVM_REGULAR || p->form == MVM_RUNS;
    int op_regs = p->n_opg ? p->n_opg : counted && !opt.op_mem ? 1 : p->n_mult;
    /* a guest of shared MACs (lower_share) feeds its host's MAC input registers, counted there */
    int stages = 1 + p->rom_reg - (e->mac_owner >= 2);
    bool host_w = v == &e->mvm && e->host_weights; /* its weight registers unused: the host's serve */
    r->feat[RES_MULT_REGS] += ((host_w ? 0.0 : (double)p->n_mult * v->w_t.w) + (double)op_regs * v->op_t.w) * stages;
    r->feat[RES_ACC] += (double)p->n_mult * v->guard_w;
    /* a one-stage MAC (Mvm.mac_lat 1, UltraScale+) has no product register: the rows, fitted on
     * two-stage MACs whose exact products Yosys registers in fabric flip-flops, count one (the
     * xcu250 GRU(20): 5,504 FF fewer synthesized, 174 x 32 = 5,568 here); a guest's are its host's */
    if (p->rf > 1 && v->mac_lat == 1 && e->mac_owner < 2) r->ff -= (double)p->n_mult * (v->op_t.w + v->w_t.w);
    /* the captured partial sums (x-first: several per multiplier; not those read from the MAC) */
    for (int m = 0; p->rf > 1 && m < p->n_mult; m++)
        for (int i = 0; i < p->mult[m].n_regs; i++) r->feat[RES_PARTS] += p->mult[m].cap_mac[i] ? 0 : v->accum.w;
    /* a dense engine's direct captures: per multiplier the captured sum, its strobe and index
     * delayed to the activation's output (emit_verilog.c dense_direct_act); a memory link's
     * chain instead (dense_link_chain): per multiplier a position of sum, address and valid
     * bit (and its load-or-shift multiplexer), one strobe and address delayed */
    bool chain = v == &e->mvm && eng_link_chain(e);
    for (int m = 0; caller_takes && opt.serial && !chain && m < p->n_mult; m++)
        r->feat[RES_ACC] += v->accum.w + (double)(n->act_lat + 1) * (p->mult[m].cap_w + 1);
    if (caller_takes && opt.serial && chain) {
        int aw = clog2i(e->out_n) < 1 ? 1 : clog2i(e->out_n);
        r->feat[RES_ACC] += (double)p->n_mult * (v->accum.w + aw + 1) + (double)n->act_lat * (aw + 1);
        r->feat[RES_OPMUX] += (double)(p->n_mult - 1) * (v->accum.w + aw);
    }
    /* operand multiplexers: one per operand group over the operands it reads (plan.c); the
     * counted forms' one, over all of them */
    for (int g = 0; g < p->n_opg; g++) r->feat[RES_OPMUX] += (double)p->grp[g].n_sup * v->op_t.w;
    if (p->rf > 1 && !opt.op_mem && !p->n_opg) r->feat[RES_OPMUX] += (double)v->n_in * v->op_t.w;
    for (int j = 0; j < v->n_out && !caller_takes; j++) {
        r->feat[RES_VECTOR] += (double)p->out[j].n_elems * v->guard_w; /* the tree's inputs (reuse 1: every product) */
        r->feat[RES_TREE_REGS] += tree_reg_bits(p, j);
        if (!p->direct) r->feat[RES_TREE_ADD] += (double)(p->out[j].n_elems - 1) * v->guard_w; /* its adders */
    }
    /* a first step without h products (plan_first_period): the first flags' queue, and per
     * multiplier with h runs its queue pointer, the wrap after its x runs on the capture index
     * and the kept run's mask flag (the GRU(5) core: 51 LUT4 and 15 FF measured, 37 and 13 here) */
    for (int m = 0; m < p->n_mult; m++)
        if (plan_mult_skips(p, m)) {
            r->lut += p->mult[m].cap_w + 4;
            r->ff += 2;
        }
    if (v->first_skip) {
        r->lut += 2;
        r->ff += 3;
    }
    if (p->rf > 1) {
        r->feat[RES_SERIAL] = 1; /* an engine with a product at rf > 1: its slot counter, flag pipelines */
        long width = (long)p->n_mult * p->rom_w, block = res_plan_rom_block(n->family, p);
        /* shared ROMs (lower_share_roms): a host's holds its guests' words too, in the same
         * blocks, behind an address multiplexer; a guest's words are there, its address an
         * offset adder */
        if (v == &e->mvm && e->rom_base) {
            r->lut += clog2i(e->rom_base + p->rf);
        } else if (v == &e->mvm && e->rom_depth) {
            add_memory(c, r, e->rom_depth, width, true);
            r->lut += clog2i(e->rom_depth);
        } else {
            add_memory(c, r, block, width, true);
            add_memory(c, r, p->rf - block, width, true); /* the tail in logic, and its word register */
        }
        if (!host_w) r->feat[RES_ROM_WORD] += (double)width * (1 + p->rom_reg + (block < p->rf));
    }
    plan_free(p);
}

/* DSPs of a serial lane's one multiplier (rnnc_*_cell_serial): gate x max(state, result,
 * accum (GRU's r * hu)) bits, each one bit wider when unsigned. */
static long serial_lane_dsps(const CostTable *c, const Layer *l)
{
    FxType R = l->ty.result, G = layer_gate_type(l);
    int fr = R.w + !R.sgn, x = l->kind == L_LSTM ? fr : G.w + !G.sgn;
    int y = l->kind == L_LSTM ? l->ty.state.w : l->ty.accum.w;
    y = y > fr ? y : fr;
    y = y > x ? y : x;
    return product_dsps(c, y, x); /* the wider operand along dsp_a */
}

/* A GRU lane's z * h_prev in logic (Engine.zh_lut): the product's DSPs off the lane's, the
 * multiplier's LUTs and flip-flops on (its rows: z's bits, as rnnc_gru_cell takes them), the
 * delay registers the DSP's product went through off. Added to the engine directly, not as a
 * fitted feature. */
static void add_zh_lut(const CostTable *c, EngineResources *r, const Engine *e, int table_reg)
{
    const Layer *l = e->layer;
    FxType R = l->ty.result, G = layer_gate_type(l);
    int a_w = R.w + !R.sgn, g_w = G.w + !G.sgn, ub = act_ubits(l, l->ract), lat = 4 + table_reg;
    int zb = ub < 2 ? 2 : ub;                    /* rnnc_gru_cell's ZB_W */
    int b_w = ub > 0 && zb < G.w ? zb : g_w;     /* ... taken when narrower than z (Z_NARROW) */
    r->dsp -= e->lanes * product_dsps(c, a_w > g_w ? a_w : g_w, a_w > g_w ? g_w : a_w);
    r->lut += e->lanes * lut_mul_luts(c, a_w, b_w);
    r->ff += e->lanes * (lut_mul_ffs(a_w, b_w, lat, 0, 0) - (double)(a_w + g_w) * (lat - 1));
}

/* A cell's lanes: their multipliers, tables, state and multiplexers. */
static void add_cell(const CostTable *c, EngineResources *r, const Engine *e, int table_reg)
{
    const Layer *l = e->layer;
    double per_lane = c->dsp_lane[l->kind];
    if (e->lane_ii > 1) r->dsp += e->lanes * serial_lane_dsps(c, l);
    else r->dsp += per_lane < 0 ? e->n_elem_mult : (long)(per_lane * e->lanes + 0.5);
    if (e->zh_lut) add_zh_lut(c, r, e, table_reg);
    int gates = l->gates, aw = e->mvm.accum.w;
    int lane = l->kind == L_LSTM ? RES_LANE_LSTM : l->kind == L_GRU ? RES_LANE_GRU : RES_LANE_RNN;
    r->feat[lane] += (double)e->lanes * gates * aw;
    /* a serial lane (rnnc_*_cell_serial): its operands' delay lines and the shared multiplier's
     * operand selects, on top of the lane's */
    if (e->lane_ii > 1) r->feat[RES_LANE_SERIAL] += (double)e->lanes * gates * aw;
    /* the slot multiplexer over the gate sums' registers; a banked cell reads its banks instead
     * (their read registers: below) */
    if (e->slots > 1 && e->lane_reg != 2) r->feat[RES_LANE_MUX] += (double)e->lanes * e->slots * gates * aw;
    /* gate sums in a bank per multiplier (lane_reg 2): each gate input selects its bank's read,
     * registered, like the slot multiplexer above */
    if (e->lane_reg == 2) r->feat[RES_LANE_MUX] += (double)e->lanes * e->mvm.n_mult * gates * aw;
    r->feat[RES_LANE_MUX] += (double)l->units * (l->ty.result.w + (l->kind == L_LSTM ? l->ty.state.w : 0));
    int ract = l->kind == L_LSTM ? 3 : l->kind == L_GRU ? 2 : 0;
    int act = l->kind == L_LSTM ? 2 : 1;
    add_tables(c, r, l, l->ract, ract * e->lanes);
    add_tables(c, r, l, l->act, act * e->lanes);
    /* the gate sums wait for the lanes in registers, or in the banks of the banked form */
    if (!plan_cell_banked(e)) r->feat[RES_SUM_REGS] += (double)(e->mvm.n_out + e->mvm2.n_out) * aw;
    if (plan_cell_banked(e) && l->kind == L_LSTM) add_memory(c, r, l->units, l->ty.state.w, false); /* c_mem */
}

/* Shared multipliers (lower_share): a guest's multipliers are its host's MACs, counted there
 * (DSPs, accumulators) once; the MAC input registers in front of them too (add_mvm). */
static void add_shared_macs(EngineResources *r, const Netlist *n, int i)
{
    const Engine *e = &n->eng[i];
    if (e->mac_owner < 2) return;
    r->dsp -= e->mvm.n_mult;
    r->feat[RES_ACC] -= (double)e->mvm.n_mult * e->mvm.guard_w;
}

/* The host's operand selection in front of each shared MAC: an AND-OR of the sharers' operands
 * under their enables, about one LUT per operand and weight bit per sharer beyond the first
 * (not calibrated: an estimate from the netlist's structure). */
static double shared_mux_luts(const Netlist *n, int h)
{
    double luts = 0;
    for (int m = 0; m < n->eng[h].mvm.n_mult; m++) {
        int who[RNNC_MAC_OWNERS_MAX], c = share_mac_sharers(n, h, m, who, RNNC_MAC_OWNERS_MAX), gw;
        FxType ot, wt;
        share_mac_types(n, h, m, &ot, &wt, &gw);
        int own_w = 0; /* the sharers beyond the host with weights of their own */
        for (int k = 1; k < c; k++) own_w += !n->eng[who[k]].host_weights;
        luts += (double)(c - 1) * (ot.w + 1) + (double)own_w * wt.w;
    }
    return luts;
}

/* The stage in front of each shared MAC (share_reg, top_shared_mac): every sharer's operand,
 * weight, enable and first flag registered (not calibrated: counted from the structure). */
static double shared_stage_ffs(const Netlist *n, int h)
{
    double ffs = 0;
    for (int m = 0; m < n->eng[h].mvm.n_mult; m++) {
        int who[RNNC_MAC_OWNERS_MAX], c = share_mac_sharers(n, h, m, who, RNNC_MAC_OWNERS_MAX);
        for (int k = 0; k < c; k++) /* a guest with the host's weights registers none of its own */
            ffs += n->eng[who[k]].mvm.op_t.w + (n->eng[who[k]].host_weights ? 0 : n->eng[who[k]].mvm.w_t.w) + 2;
    }
    return ffs;
}

EngineResources res_engine(const Netlist *n, int i, const char *family)
{
    const CostTable *c = netlist_costs(n, family);
    const Engine *e = &n->eng[i];
    EngineResources r = {0};
    r.feat[RES_ENGINE] = 1;
    add_mvm(c, &r, n, e, &e->mvm);
    add_mvm(c, &r, n, e, &e->mvm2);
    if (!e->vec_out) r.feat[RES_VECTOR] += (double)e->out_n * e->out_t.w;
    if (e->vec_in) add_memory_ports(c, &r, e->in_n, e->in_t.w, false, e->mvm.n_mult); /* a read port per multiplier */
    switch (e->kind) {
    case ENG_CELL:
        add_cell(c, &r, e, n->table_reg);
        if (e->split) r.feat[RES_VECTOR] += (double)e->in_n * e->in_t.w; /* x_reg: the projection's sums */
        break;
    case ENG_DENSE: {
        ActKind a = e->act_none ? ACT_LINEAR : e->act;
        int acts = e->vec_out ? 1 : e->mvm.direct ? e->mvm.n_mult : e->out_n; /* a link: one (its chain's) */
        add_tables(c, &r, e->layer, a, acts);
        /* a cast (linear, relu) registers its input with TABLE_REG (rnnc_activation g_in_reg) */
        if ((a == ACT_LINEAR || a == ACT_RELU) && n->table_reg) r.feat[RES_ACT] += (double)acts * (e->mvm.accum.w + 1);
        break;
    }
    case ENG_ACT: add_tables(c, &r, e->layer, e->act, e->in_n); break;
    case ENG_SOFTMAX: {
        /* hls4ml's legacy: an exp and a reciprocal table per output, both table_size entries,
         * no multiplier; otherwise exp(x_i) * (1 / sum): products of the two tables' entries */
        bool legacy = e->layer->numerics == NUM_HLS4ML && e->layer->softmax_impl == SM_LEGACY;
        if (legacy) {
            add_tables(c, &r, e->layer, ACT_SOFTMAX, 2 * e->in_n);
            break;
        }
        r.dsp += e->n_elem_mult * product_dsps(c, table_exp(e->layer)->out.w, table_inv(e->layer)->out.w);
        r.feat[RES_VECTOR] += (double)e->in_n * e->in_t.w; /* x_reg */
        add_tables(c, &r, e->layer, ACT_SOFTMAX, e->in_n);
        add_table(c, &r, e->layer, table_inv(e->layer), 1); /* 1 / sum */
        break;
    }
    case ENG_REVERSE:
    case ENG_BUFFER: add_memory(c, &r, e->steps, (long)e->in_n * e->in_t.w, false); break;
    default: r.dsp += e->n_elem_mult; break;
    }
    add_shared_macs(&r, n, i);
    for (int k = 0; k < RES_FEATURES; k++) {
        r.lut += c->lut[k] * r.feat[k];
        r.ff += c->ff[k] * r.feat[k];
    }
    if (e->mac_owner == 1) {
        r.lut += shared_mux_luts(n, i);
        if (e->mvm.share_reg) r.ff += shared_stage_ffs(n, i);
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

/* The cost tables' invariants (tests/unit/test_auto.c checks them): NULL when every table is
 * consistent, else what is not. Block shapes deeper and narrower in turn; every cell kind has
 * its lane DSPs (a dense layer: the netlist's); costs finite and non-negative; the features
 * that hold no flip-flop (ROM and table bits in logic, LUT RAMs, adder-tree adders) cost none, a LUT RAM's LUTs
 * count as LUTs; a logic margin in (0, 1]. */
const char *res_check_tables(void)
{
    static char why[160];
    size_t n = sizeof cost_tables / sizeof cost_tables[0];
    for (size_t i = 0; i < n; i++) {
        const CostTable *c = &cost_tables[i];
        const char *bad = NULL;
        for (size_t j = 0; j < i; j++)
            if (!strcmp(cost_tables[j].family, c->family)) bad = "a second table of the family";
        if (c->bram_cost <= 0 || c->rom_bit_cost <= 0 || c->ram_bit_cost <= 0) bad = "a memory cost <= 0";
        if (!c->shape[0].depth) bad = "no block RAM shape";
        for (int k = 1; k < 6 && c->shape[k].depth; k++)
            if (c->shape[k].depth <= c->shape[k - 1].depth || c->shape[k].width >= c->shape[k - 1].width)
                bad = "block RAM shapes not deeper and narrower in turn";
        if (c->lutram[0].depth && c->lutram_cost <= 0) bad = "LUT RAM without a cost";
        if (c->dsp_lane[L_LSTM] < 0 || c->dsp_lane[L_GRU] < 0 || c->dsp_lane[L_SIMPLE_RNN] < 0 || c->dsp_lane[L_DENSE] >= 0)
            bad = "lane DSPs: a cell kind without its count, or a dense layer with one";
        if (c->dsp_a < 2 || c->dsp_b < 2) bad = "DSP operand widths < 2";
        for (int k = 0; k < RES_FEATURES; k++)
            if (!isfinite(c->lut[k]) || !isfinite(c->ff[k]) || c->lut[k] < 0 || c->ff[k] < 0) bad = "a negative cost";
        if (c->ff[RES_ROM_LOGIC] != 0 || c->ff[RES_TABLE_LOGIC] != 0 || c->ff[RES_LUTRAM] != 0 || c->ff[RES_TREE_ADD] != 0)
            bad = "flip-flops for ROM or table bits in logic, LUT RAMs or adders";
        if (c->lut[RES_LUTRAM] != 1) bad = "a LUT RAM's LUTs not counted once";
        if (!(c->lut_margin > 0 && c->lut_margin <= 1)) bad = "a logic margin outside (0, 1]";
        if (bad) {
            snprintf(why, sizeof why, "cost table %s: %s", c->family, bad);
            return why;
        }
    }
    if (strcmp(cost_table("xcup")->family, "xcup")) return "no cost table for UltraScale+ (xcup)";
    for (const char *const *t = (const char *const[]){"ice40", "ecp5", "xilinx", NULL}; *t; t++)
        if (strcmp(cost_table(res_family(*t))->family, *t)) return "a target family without its cost table";
    return NULL;
}

/* FAMILY's LUT and FF rows (false: no table of that name). */
bool res_cost_rows(const char *family, double lut[RES_FEATURES], double ff[RES_FEATURES])
{
    const CostTable *c = cost_table(family);
    if (strcmp(c->family, family)) return false;
    memcpy(lut, c->lut, sizeof c->lut);
    memcpy(ff, c->ff, sizeof c->ff);
    return true;
}

double res_lut_margin(const char *family)
{
    return cost_table(family)->lut_margin;
}

bool res_lc_pack(const char *family)
{
    return cost_table(family)->lc_pack;
}

bool res_logic_spill(const char *family)
{
    return cost_table(family)->logic_spill;
}

int res_ff_per_lut(const char *family)
{
    int k = cost_table(family)->ff_per_lut;
    return k > 0 ? k : 1;
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
        cJSON *ef = cJSON_AddObjectToObject(e, "features"); /* calibrate.py's per-engine rows */
        for (int k = 0; k < RES_FEATURES; k++) cJSON_AddNumberToObject(ef, res_feature_names[k], r.feat[k]);
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
