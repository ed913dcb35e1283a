/* emit_verilog.c: Netlist -> the Verilog modules in DIR/rtl and the tables in DIR/mem.
 *
 * One module per engine, named <model>_<layer>_<role>, plus the top module <model>. Engines
 * instantiate the hand-written rtl_lib modules (job controller, products, MACs, adder trees,
 * activations, cells) and hold only the glue: decodes of the job counter, operand alignment,
 * and the printed plan (plan.c) of every matrix product: its ROM, counters, captures and
 * trees. Nothing here decides how a product is built. Timing is the contract lower.c computes:
 *   job accepted in cycle c (start); matrix product i started at c + off
 *   rf == 1: products registered at c+off+R (Mvm.prod_reg), tree output at c+off+R+depth
 *   rf > 1:  ROM address = slot s at c+off+1+s, fields at +2, operands at +3, accumulated at +5;
 *            every partial sum valid at c+off+4+rf, tree output at c+off+4+rf+depth
 *   result written at the end of cycle c+L-1, visible from c+L.
 * Every strobe is an equality decode of the job counter `cnt`, which counts the job's cycles
 * up (job_at()); rtl_lib/rnnc_job_ctrl.v holds that contract. */
#include "rnnc.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MAX_EXPR 512

typedef struct {
    FILE *f;
    const Netlist *n;
    const Engine *e;
    const char *dir;
} Out;

static void w(Out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void w(Out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(o->f, fmt, ap);
    va_end(ap);
}

/* The width of rnnc_job_ctrl's cnt (and tcnt) for engine e's jobs: enough for its latency. */
static int job_cnt_w(const Engine *e) { return clog2i(e->latency + 1) < 1 ? 1 : clog2i(e->latency + 1); }

/* The expression "this is job cycle jc" (1 <= jc <= L - 1; the start cycle is job cycle 0):
 * cnt == jc - 1 while busy. cnt rests at 0 after reset and at L - 1 after a job, so only the
 * value 0 needs busy beside it. */
static const char *job_at(char *buf, size_t n, const Engine *e, int jc)
{
    int L = e->latency, P = eng_period(e), cw = job_cnt_w(e);
    if (jc < 1 || jc > L - 1) BUG("job cycle %d of a %d-cycle job", jc, L);
    /* a first step's head ends at first_period, and cnt rests there: no head decode after it
     * (but job_end_at's) */
    if (e->first_period && jc >= e->first_period && jc < P) BUG("%s: head job cycle %d after the first step's period %d", e->name, jc, e->first_period);
    /* overlapped jobs: the tail (job cycles P..L-1) has a counter of its own, tcnt == jc - P */
    if (jc >= P) snprintf(buf, n, jc == P ? "(tail_on && tcnt == %d'd%d)" : "tcnt == %d'd%d", cw, jc - P);
    else if (jc == 1) snprintf(buf, n, "(busy && cnt == %d'd0)", cw);
    else snprintf(buf, n, "cnt == %d'd%d", cw, jc - 1);
    return buf;
}

/* The same for a decode of what follows a step's products (the trees' load, the lanes' and
 * write-back's phases): a first step (plan_first_period) runs all that J = P - P0 cycles early,
 * in the tail by itself (its counter starts J early) and from the head where it lies there
 * (plan_first_period keeps it at job cycle 2 or later). */
static const char *job_end_at(char *buf, size_t n, const Engine *e, int jc)
{
    int P = eng_period(e), J = eng_first_skip(e), cw = job_cnt_w(e);
    if (!J || jc >= P) return job_at(buf, n, e, jc);
    if (jc - J < 2) BUG("%s: job cycle %d is %d in a first step", e->name, jc, jc - J);
    snprintf(buf, n, "(ctrl_first ? cnt == %d'd%d : cnt == %d'd%d)", cw, jc - J - 1, cw, jc - 1);
    return buf;
}

/* The job's emits / s_last ("emit", "last") as sampled at start, valid in job cycle jc: the
 * head's copy before the period, the tail's from it on (the next job may start at P). */
static const char *job_flag(const Engine *e, int jc, const char *which)
{
    bool tail = jc >= eng_period(e);
    if (!strcmp(which, "emit")) return tail ? "tail_emit" : "job_emit";
    return tail ? "tail_last" : "job_last";
}

/* A constant of `width` bits holding v (two's complement), as a Verilog literal. */
static void lit(char *buf, size_t len, int width, wide_t v)
{
    unsigned __int128 bits = (unsigned __int128)v;
    if (width < 128) bits &= (((unsigned __int128)1) << width) - 1;
    char hex[40];
    int n = 0;
    do {
        hex[n++] = "0123456789abcdef"[(int)(bits & 15)];
        bits >>= 4;
    } while (bits);
    char rev[40];
    for (int i = 0; i < n; i++) rev[i] = hex[n - 1 - i];
    rev[n] = 0;
    snprintf(buf, len, "%d'h%s", width, rev);
}

/* Expression `expr` (a value of type t) sign- or zero-extended to `width` bits. */
static void extend(char *buf, size_t len, const char *expr, int from_w, bool sgn, int width)
{
    int k;
    if (width == from_w)
        k = snprintf(buf, len, "%s", expr);
    else if (sgn)
        k = snprintf(buf, len, "{{%d{%s[%d]}}, %s}", width - from_w, expr, from_w - 1, expr);
    else
        k = snprintf(buf, len, "{%d'd0, %s}", width - from_w, expr);
    if (k < 0 || (size_t)k >= len) BUG("expression too long: %s", expr);
}

/* Expression of type t aligned exactly to the common signed type c. */
static void align(char *buf, size_t len, const char *expr, FxType t, FxType c)
{
    int sh = fx_frac(c) - fx_frac(t);
    char ext[MAX_EXPR];
    extend(ext, sizeof ext, expr, t.w, t.sgn, c.w - sh);
    int k = sh > 0 ? snprintf(buf, len, "{%s, %d'd0}", ext, sh) : snprintf(buf, len, "%s", ext);
    if (k < 0 || (size_t)k >= len) BUG("expression too long: %s", expr);
}

static void fx_params(Out *o, const char *pfx, FxType t, bool with_q)
{
    w(o, ".%sW(%d), .%sF(%d), .%sSIGNED(%d)", pfx, t.w, pfx, fx_frac(t), pfx, t.sgn);
    if (with_q) w(o, ", .ROUND(%d), .SATURATE(%d)", t.q, fx_rtl_sat(t));
}

/* An rnnc_adder_tree reducing n_in values of `width` bits (`in`) to `out` in depth stages of
 * fanin operands (max: the signed maximum instead of the sum), its last stage loaded when ld
 * (NULL: every cycle). */
static void tree_inst(Out *o, const char *inst, int n_in, int fanin, int width, int depth, bool max, const char *ld,
                      const char *in, const char *out)
{
    w(o, "    rnnc_adder_tree #(.N_IN(%d), .FANIN(%d), .W(%d), .DEPTH(%d), .OP(%d)%s) %s (.clk(clk), .ld(%s), "
         ".in_flat(%s), .out_data(%s));\n", n_in, fanin, width, depth, max,
      o->n->tree_chain && !max ? ", .CHAIN(1)" : "", inst, ld ? ld : "1'b1", in, out);
}

/* ---- mem files ---- */

/* An rnnc_sat_sum over n_in values of `width` bits (`in`) into `out` of type acc: order 0 a
 * chain, 1 nnet::reduce's pairwise tree. */
static void sat_sum_inst(Out *o, const char *inst, int n_in, int width, FxType acc, int order, int depth,
                         const char *in, const char *out)
{
    w(o, "    rnnc_sat_sum #(.N_IN(%d), .W(%d), .OUT_W(%d), .OUT_SIGNED(%d), .SATURATE(%d), .ORDER(%d), .ADDS(%d), "
         ".DEPTH(%d)) %s (.clk(clk), .in_flat(%s), .out_data(%s));\n", n_in, width, acc.w, acc.sgn, fx_rtl_sat(acc),
      order, RNNC_SAT_ADDS, depth, inst, in, out);
}

static char *table_file(const Netlist *n, const Layer *l, const char *what)
{
    char *s = xcalloc(200, 1);
    snprintf(s, 200, "%s_%s_%s.mem", n->model->name, l->name, what);
    return s;
}

/* The table file: one hex entry per line, the low `width` bits of each raw entry. */
static void write_table(const char *dir, const char *file, const Table *t, int width, int from)
{
    char rel[256];
    snprintf(rel, sizeof rel, "mem/%s", file);
    FILE *f = xfopen_w(dir, rel);
    int digits = (width + 3) / 4;
    for (int k = from; k < t->n; k++) {
        uint64_t bits = (uint64_t)t->entries[k] & (width == 64 ? ~0ull : ((1ull << width) - 1));
        fprintf(f, "%0*llx\n", digits, (unsigned long long)bits);
    }
    xfclose(f);
}

/* Activation parameters for rnnc_activation / the cells (prefix "" or "RACT_" ...). */
typedef struct {
    int kind, bits, shift, offset;
    int tw, tsigned;    /* stored entry width and extension (rnnc_activation TABLE_W, TABLE_SIGNED) */
    bool mirror;        /* the file holds the upper half (rnnc_activation TABLE_MIRROR, table_mirror) */
    uint64_t mask, entry0;
    char file[200];
} ActParams;

/* The narrowest storage of a table's raw entries k >= from (all, or a mirrored table's upper
 * half) when some are negative: stored signed, rnnc_activation sign-extends them back to the
 * output width (a tanh table's copies of the sign bit are not constant, so synthesis cannot
 * drop them itself). Entries with none negative stay full width: their constant-zero upper
 * bits are dropped by synthesis anyway, and Yosys 0.23's ice40_dsp pass crashes when a
 * multiplier operand has zero bits it can see before memory mapping (a narrow sigmoid feeding
 * the GRU cell's z * h). */
static void table_storage(const Table *t, int from, int *tw, int *tsigned)
{
    int64_t lo = 0, hi = 0;
    for (int k = from; k < t->n; k++) {
        if (t->entries[k] < lo) lo = t->entries[k];
        if (t->entries[k] > hi) hi = t->entries[k];
    }
    int w = 1;
    if (lo >= 0) {
        w = t->out.w;
        *tsigned = 0;
    } else {
        while (w < t->out.w && (lo < -((int64_t)1 << (w - 1)) || hi >= ((int64_t)1 << (w - 1)))) w++;
        *tsigned = 1;
    }
    *tw = w;
}

/* The parameters of a table activation over table t, written to <model>_<layer>_<what>.mem. */
static ActParams table_act_params(Out *o, const Layer *l, const char *what, const Table *t)
{
    ActParams p = {.kind = 2, .bits = clog2i(t->n), .shift = t->scale_shift, .offset = t->offset};
    p.mirror = res_table_mirror(o->n->family, l, t, &p.mask, &p.entry0);
    int from = p.mirror ? t->offset : 0;
    table_storage(t, from, &p.tw, &p.tsigned);
    char *fn = table_file(o->n, l, what);
    snprintf(p.file, sizeof p.file, "%s", fn);
    write_table(o->dir, fn, t, p.tw, from);
    free(fn);
    return p;
}

static ActParams act_params(Out *o, const Layer *l, ActKind a)
{
    if (a != ACT_LINEAR && a != ACT_RELU) return table_act_params(o, l, act_name(a), table_for(l, a));
    ActParams p = {.kind = a == ACT_LINEAR ? 0 : 1, .bits = 1};
    snprintf(p.file, sizeof p.file, "none.mem");
    return p;
}

static void act_inst_params(Out *o, const char *pfx, const ActParams *p)
{
    if (!*pfx) w(o, ".TABLE_REG(%d), ", o->n->table_reg);
    w(o, ".%sKIND(%d), .%sTABLE_BITS(%d), .%sSCALE_SHIFT(%d), .%sOFFSET(%d), .%s%s({MEM_PATH, \"%s\"})",
      pfx, p->kind, pfx, p->bits, pfx, p->shift, pfx, p->offset, pfx,
      *pfx ? "FILE" : "INIT_FILE", p->file);
    if (p->kind == 2) w(o, ", .%sTABLE_W(%d), .%sTABLE_SIGNED(%d)", pfx, p->tw, pfx, p->tsigned);
    if (p->mirror)
        w(o, ", .%sTABLE_MIRROR(1), .%sMIRROR_MASK(64'h%llx), .%sMIRROR_ENTRY0(64'h%llx)", pfx, pfx,
          (unsigned long long)p->mask, pfx, (unsigned long long)p->entry0);
}

/* An rnnc_activation instance (the only writer of one): input of type in (raw bits), output
 * of type out, the table (or cast) p, loaded when en. */
static void act_inst(Out *o, const ActParams *p, FxType in, FxType out, const char *inst, const char *en,
                     const char *in_data, const char *out_data)
{
    w(o, "    rnnc_activation #(");
    fx_params(o, "IN_", in, false);
    w(o, ", ");
    fx_params(o, "OUT_", out, true);
    w(o, ", ");
    act_inst_params(o, "", p);
    w(o, ") %s (.clk(clk), .en(%s), .in_data(%s), .out_data(%s));\n", inst, en, in_data, out_data);
}

/* A signed type of w bits with frac fractional bits (an accumulator or a difference). */
static FxType signed_of(int width, int frac)
{
    FxType t = {.w = width, .i = width - frac, .sgn = true};
    return t;
}

/* ---- matrix-vector products: print a plan (plan.c decides) ---- */

typedef struct { char s[48]; } Sig; /* a Verilog signal name */

static Sig sig(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static Sig sig(const char *fmt, ...)
{
    Sig s;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(s.s, sizeof s.s, fmt, ap);
    va_end(ap);
    if (k < 0 || (size_t)k >= sizeof s.s) BUG("signal name too long: %s", s.s);
    return s;
}

/* What the caller gives emit_mvm. */
typedef struct {
    const char *pfx;        /* signal prefix, e.g. "mv" */
    char **op;              /* operand expressions [n_in] */
    char **extra;           /* extra-input expressions, indexed by MvmOut.extra */
    int off;                /* start cycle offset within the job */
    const char *op_mem;     /* rf > 1: operands are read from this memory (already of the
                             * operand type) instead of the op expressions */
    bool serial;            /* the caller consumes direct-form captures one by one */
    int banks, bank_n;      /* direct form (plan_banks_ok): the captures go to `banks`
                             * memories of bank_n words (output j to bank j / bank_n, address
                             * j % bank_n), read by the caller */
    bool bank_per_mult;     /* ... or one bank per multiplier, its captures in order */
    bool shared;            /* the MACs are outside (mac_* ports: lower_share) */
    const char *tree_ld;    /* the trees' last stages load when this is high (NULL: always) */
    const char *tree_ld_early; /* ... those of outputs j with j % units < early_units when this is
                                * (a wavefront's early group: Engine.wave_units) */
    int early_units, units, early_lead; /* ... wave_lead slots before the others' */
    bool reset_strobes;     /* the slot and capture strobes reset (a memory link of several
                             * multipliers ORs them into one write port: dense_link_out) */
} MvmIn;

/* The signals emit_mvm defines, for its caller (free with mvm_sigs_free). */
typedef struct {
    MvmPlan *plan;
    Sig *acc;               /* [n_out] the accum-typed sum of each output (none when the caller
                             * takes the direct captures) */
    Sig *cap, *cap_valid, *cap_idx; /* [n_mult] direct: captured, biased, cast sum; its strobe
                                     * (a cycle, two after the run's last product); its index */
    Sig bank[PLAN_BANKS_MAX]; /* banked: the memories */
} MvmSigs;

static void mvm_sigs_free(MvmSigs *s)
{
    plan_free(s->plan);
    free(s->acc);
    free(s->cap);
    free(s->cap_valid);
    free(s->cap_idx);
}

static void mvm_operands(Out *o, const Mvm *v, const MvmIn *in)
{
    const char *p = in->pfx;
    char buf[MAX_EXPR], buf2[MAX_EXPR];
    for (int k = 0; k < v->n_in && !in->op_mem; k++) {
        FxType tk = k < v->n_a ? v->ta : v->tb;
        snprintf(buf2, sizeof buf2, "%s_in_%d", p, k);
        align(buf, sizeof buf, buf2, tk, v->op_t);
        w(o, "    wire [%d:0] %s_in_%d = %s;\n", tk.w - 1, p, k, in->op[k]);
        w(o, "    wire [%d:0] %s_op_%d = %s;\n", v->op_t.w - 1, p, k, buf);
    }
}

/* PARALLEL: one generate loop of constant-weight products per output. */
static void mvm_parallel(Out *o, const MvmPlan *pl, const char *p)
{
    const Mvm *v = pl->v;
    FxType ot = v->op_t, wt = v->w_t, at = v->accum;
    int G = v->guard_w;
    char buf[MAX_EXPR];
    w(o, "    wire [%d:0] %s_ops = {", v->n_in * ot.w - 1, p);
    for (int k = v->n_in - 1; k >= 0; k--) w(o, "%s_op_%d%s", p, k, k ? ", " : "};\n");
    w(o, "    genvar %s_i;\n", p);
    for (int j = 0; j < v->n_out; j++) {
        const OutPlan *op = &pl->out[j];
        int nt = op->n_terms, k0 = op->k0;
        if (nt == 0) continue;
        w(o, "    localparam [%d:0] %s_w_%d = {", nt * wt.w - 1, p, j);
        for (int t = nt - 1; t >= 0; t--) {
            lit(buf, sizeof buf, wt.w, op->w[t]);
            w(o, "%s%s", buf, t ? ", " : "};\n");
        }
        w(o, "    wire [%d:0] %s_p_%d;\n    wire [%d:0] %s_pe_%d;\n", nt * at.w - 1, p, j, nt * G - 1, p, j);
        w(o, "    generate for (%s_i = 0; %s_i < %d; %s_i = %s_i + 1) begin : g_%s_%d\n", p, p, nt, p, p, p, j);
        char reg[16] = ""; /* rnnc_product's default REG is 1 */
        if (v->prod_reg != 1) snprintf(reg, sizeof reg, ", .REG(%d)", v->prod_reg);
        w(o, "        rnnc_product #(.A_W(%d), .A_F(%d), .A_SIGNED(1), .B_W(%d), .B_F(%d), .B_SIGNED(1), "
             ".OUT_W(%d), .OUT_F(%d), .ROUND(%d), .SATURATE(%d)%s) u_p (.clk(clk), .a(%s_ops[(%d + %s_i) * %d +: %d]), "
             ".b(%s_w_%d[%s_i * %d +: %d]), .q(%s_p_%d[%s_i * %d +: %d]));\n",
          ot.w, fx_frac(ot), wt.w, fx_frac(wt), at.w, fx_frac(at), at.q, fx_rtl_sat(at), reg, p, k0, p, ot.w, ot.w, p, j, p,
          wt.w, wt.w, p, j, p, at.w, at.w);
        w(o, "        assign %s_pe_%d[%s_i * %d +: %d] = {{%d{%s_p_%d[%s_i * %d + %d]}}, %s_p_%d[%s_i * %d +: %d]};\n",
          p, j, p, G, G, G - at.w, p, j, p, at.w, at.w - 1, p, j, p, at.w, at.w);
        w(o, "    end endgenerate\n");
    }
}

/* Plan p's slots from..to-1 as hex lines of width bits (multiplier 0 in the low bits, the bits
 * past p's words zero). */
static void rom_lines(FILE *mf, const MvmPlan *p, int from, int to, int width)
{
    int rw = p->rom_w, digits = (width + 3) / 4;
    unsigned char *bits = xcalloc((size_t)width + 4, 1);
    for (int s = from; s < to; s++) {
        for (int m = 0; m < p->n_mult; m++) plan_rom_bits(p, s, m, bits + (size_t)m * (size_t)rw);
        for (int d = digits - 1; d >= 0; d--) {
            int nib = 0;
            for (int b = 0; b < 4; b++)
                if (d * 4 + b < width && bits[d * 4 + b]) nib |= 1 << b;
            fputc("0123456789abcdef"[nib], mf);
        }
        fputc('\n', mf);
    }
    free(bits);
}

/* <p>_slot (sb bits) zero-extended to aw bits. */
static const char *zext(char *buf, size_t len, const char *p, int sb, int aw)
{
    if (aw > sb) snprintf(buf, len, "{%d'd0, %s_slot}", aw - sb, p);
    else snprintf(buf, len, "%s_slot", p);
    return buf;
}

/* The product's ROM words in the host's ROM (lower_share_roms): a guest's, or a host's lent. */
static bool rom_borrowed(const Out *o, const MvmPlan *pl) { return pl->v == &o->e->mvm && o->e->rom_base; }
static bool rom_lent(const Out *o, const MvmPlan *pl) { return pl->v == &o->e->mvm && o->e->rom_depth; }

/* The ROM file(s): hex, one word per line, multiplier 0 in the low bits; slots 0..block-1 in
 * fname, a tail's in tail_name; a host's file goes on with its guests' words at their bases. */
static void mvm_rom_file(Out *o, const MvmPlan *pl, const char *fname, const char *tail_name)
{
    char rel[300];
    long block = res_plan_rom_block(o->n->family, pl); /* words past it: the tail's file */
    int width = pl->n_mult * pl->rom_w;
    if (rom_borrowed(o, pl)) return;
    snprintf(rel, sizeof rel, "mem/%s", fname);
    FILE *mf = xfopen_w(o->dir, rel);
    rom_lines(mf, pl, 0, (int)block, width);
    for (int g = 0; rom_lent(o, pl) && g < o->n->n; g++) {
        const Engine *d = &o->n->eng[g];
        if (!d->rom_base || d->mac_host != (int)(o->e - o->n->eng)) continue;
        MvmPlanOpts opt = plan_engine_opts(d, &d->mvm);
        MvmPlan *gp = plan_mvm(&d->mvm, &opt);
        rom_lines(mf, gp, 0, gp->rf, width);
        plan_free(gp);
    }
    xfclose(mf);
    if (block < pl->rf) {
        snprintf(rel, sizeof rel, "mem/%s", tail_name);
        mf = xfopen_w(o->dir, rel);
        rom_lines(mf, pl, (int)block, pl->rf, width);
        xfclose(mf);
    }
}

/* The schedule ROM instance (the host's or the product's own), its word <p>_word. */
static void mvm_rom(Out *o, const MvmPlan *pl, const char *p, const char *fname, const char *tail_name)
{
    int sb = pl->slot_w, rf = pl->rf, width = pl->n_mult * pl->rom_w;
    char buf[96], addr[64];
    w(o, "    wire [%d:0] %s_word;\n", width - 1, p);
    if (rom_borrowed(o, pl)) { /* the host's ROM, addressed while this product runs */
        int aw = clog2i(o->n->eng[o->e->mac_host].rom_depth);
        w(o, "    assign rom_rd = %s_on;\n    assign rom_addr = %d'd%d + %s;\n", p, aw, o->e->rom_base,
          zext(buf, sizeof buf, p, sb, aw));
        w(o, "    assign %s_word = rom_data;\n", p);
        return;
    }
    long block = res_plan_rom_block(o->n->family, pl);
    snprintf(addr, sizeof addr, "%s_slot", p);
    if (block < rf) {
        w(o, "    rnnc_rom_split #(.WIDTH(%d), .DEPTH(%d), .ADDR_W(%d), .BLOCK_DEPTH(%ld), .INIT_FILE({MEM_PATH, \"%s\"}), "
             ".TAIL_FILE({MEM_PATH, \"%s\"}))", width, rf, sb, block, fname, tail_name);
    } else {
        int depth = rf, aw = sb;
        if (rom_lent(o, pl)) { /* its guests' words after its own (lower_share_roms) */
            depth = o->e->rom_depth, aw = clog2i(depth);
            snprintf(addr, sizeof addr, "%s_rom_addr", p);
            w(o, "    wire [%d:0] %s = rom_g_rd ? rom_g_addr : %s;\n", aw - 1, addr, zext(buf, sizeof buf, p, sb, aw));
            w(o, "    assign rom_g_data = %s_word;\n", p);
        }
        w(o, "    rnnc_rom #(.WIDTH(%d), .DEPTH(%d), .ADDR_W(%d), .INIT_FILE({MEM_PATH, \"%s\"}))", width, depth, aw, fname);
    }
    w(o, " u_%s_rom (.clk(clk), .addr(%s), .data(%s_word));\n", p, addr, p);
}

/* The slot counter (slot s addressed in job cycle off+1+s) and the schedule ROM. */
static void mvm_slots(Out *o, const MvmPlan *pl, const MvmIn *in, const char *fname, const char *tail_name)
{
    const char *rs = in->reset_strobes ? "!rst && " : "";
    const char *p = in->pfx;
    int sb = pl->slot_w, rf = pl->rf, width = pl->n_mult * pl->rom_w;
    char buf[MAX_EXPR];
    if (in->off == 0) w(o, "    wire %s_go = start;\n", p);
    else w(o, "    wire %s_go = %s;\n", p, job_at(buf, sizeof buf, o->e, in->off));
    w(o, "    reg %s_on;\n    reg [%d:0] %s_slot;\n", p, sb - 1, p);
    w(o, "    always @(posedge clk) begin\n        if (rst) %s_on <= 1'b0;\n", p);
    w(o, "        else if (%s_go) %s_on <= 1'b1;\n        else if (%s_slot == %d'd%d) %s_on <= 1'b0;\n", p, p, p, sb, rf - 1, p);
    if (pl->v->first_skip) /* a first step stops after its x slots (plan_first_period) */
        w(o, "        else if (ctrl_first && %s_slot == %d'd%d) %s_on <= 1'b0;\n", p, sb, pl->x_stop, p);
    w(o, "        if (%s_go) %s_slot <= %d'd0;\n        else if (%s_on) %s_slot <= %s_slot + %d'd1;\n    end\n", p, p, sb, p,
      p, p, sb);
    mvm_rom(o, pl, p, fname, tail_name);
    if (pl->rom_reg) {
        /* slow parts: the ROM's output gets a register of its own before the operand mux */
        w(o, "    reg [%d:0] %s_word_r;\n    reg %s_on_0;\n    reg %s_on_1;\n", width - 1, p, p, p);
        w(o, "    always @(posedge clk) begin\n        %s_on_0 <= %s%s_on;\n        %s_on_1 <= %s%s_on_0;\n"
             "        %s_word_r <= %s_word;\n    end\n", p, rs, p, p, rs, p, p, p);
    } else {
        w(o, "    reg %s_on_1;\n    always @(posedge clk) %s_on_1 <= %s%s_on;\n", p, p, rs, p);
    }
}

/* REGULAR: the row counter beside k, <p>_row, and its copies delayed like k's (<p>_row_d<nd>:
 * the row of the word in use). Returns its width. */
static int mvm_row_counter(Out *o, const MvmPlan *pl, const char *p)
{
    int nd = 1 + pl->rom_reg, kb = pl->lay.k_w, n_in = pl->v->n_in, rows = pl->rf / n_in;
    int rb = clog2i(rows + 1) < 1 ? 1 : clog2i(rows + 1);
    w(o, "    reg [%d:0] %s_row;\n", rb - 1, p);
    for (int d = 1; d <= nd; d++) w(o, "    reg [%d:0] %s_row_d%d;\n", rb - 1, p, d);
    w(o, "    always @(posedge clk) begin\n        if (%s_go) %s_row <= %d'd0;\n", p, p, rb);
    w(o, "        else if (%s_on && %s_k == %d'd%d) %s_row <= %s_row + %d'd1;\n", p, p, kb, n_in - 1, p, p, rb);
    w(o, "        %s_row_d1 <= %s_row;\n", p, p);
    for (int d = 2; d <= nd; d++) w(o, "        %s_row_d%d <= %s_row_d%d;\n", p, d, p, d - 1);
    w(o, "    end\n");
    return rb;
}

/* REGULAR with pair rows (MvmPlan.pair_from): a row counter beside k, and per multiplier the
 * flags <p>_kfirst_<m>, <p>_klast_<m> that also end a run at n_a - 1 and start one at n_a in
 * its pair rows (plan.c counted_word). */
static void mvm_pair_flags(Out *o, const MvmPlan *pl, const char *p)
{
    int nd = 1 + pl->rom_reg, kb = pl->lay.k_w, n_in = pl->v->n_in, n_a = pl->v->n_a, rows = pl->rf / n_in;
    int rb = clog2i(rows + 1) < 1 ? 1 : clog2i(rows + 1);
    bool counted = false; /* a multiplier whose pair rows start inside its rows: the row counter */
    for (int m = 0; m < pl->n_mult; m++) counted |= pl->pair_from - m * rows > 0 && pl->pair_from - m * rows < rows;
    w(o, "    // pair rows: an x run and an h run (a GRU unit's xh and hu), from row %d on\n", pl->pair_from);
    if (counted) mvm_row_counter(o, pl, p);
    w(o, "    wire %s_kxlast = %s_k_d%d == %d'd%d;\n    wire %s_kxfirst = %s_k_d%d == %d'd%d;\n", p, p, nd, kb, n_a - 1,
      p, p, nd, kb, n_a);
    for (int m = 0; m < pl->n_mult; m++) {
        int from = pl->pair_from - m * rows; /* multiplier m's first pair row */
        char pair[64];
        if (from <= 0) snprintf(pair, sizeof pair, "1'b1");
        else if (from >= rows) snprintf(pair, sizeof pair, "1'b0");
        else snprintf(pair, sizeof pair, "%s_row_d%d >= %d'd%d", p, nd, rb, from);
        w(o, "    wire %s_kfirst_%d = %s_kfirst || (%s && %s_kxfirst);\n", p, m, p, pair, p);
        w(o, "    wire %s_klast_%d = %s_klast || (%s && %s_kxlast);\n", p, m, p, pair, p);
    }
}

/* REGULAR: whether multiplier m (or, m < 0, any) is short: fewer rows than rf / n_in, idle after them. */
static bool regular_short(const MvmPlan *pl, int m)
{
    if (pl->form != MVM_REGULAR) return false;
    for (int i = 0; i < pl->n_mult; i++)
        if ((m < 0 || i == m) && pl->mult[i].rows < pl->rf / pl->v->n_in) return true;
    return false;
}

/* REGULAR with short multipliers: the row counter beside k (<p>_row_d<nd>, aligned with k's
 * delayed copy); multiplier m works while it is below its rows (<p>_rowok_<m>). */
static void mvm_short_rows(Out *o, const MvmPlan *pl, const char *p)
{
    w(o, "    // short multipliers: a row counter; each works its own rows, then idles\n");
    int rb = mvm_row_counter(o, pl, p);
    for (int m = 0; m < pl->n_mult; m++)
        if (regular_short(pl, m))
            w(o, "    wire %s_rowok_%d = %s_row_d%d < %d'd%d;\n", p, m, p, 1 + pl->rom_reg, rb, pl->mult[m].rows);
}

/* REGULAR: the operand index follows the slot (k = slot mod n_in), delayed like the word. */
static void mvm_regular(Out *o, const MvmPlan *pl, const char *p)
{
    int nd = 1 + pl->rom_reg, kb = pl->lay.k_w, n_in = pl->v->n_in;
    w(o, "    // regular schedule: operand index and flags from a counter, the ROM holds the weights\n");
    w(o, "    reg [%d:0] %s_k;\n", kb - 1, p);
    for (int d = 1; d <= nd; d++) w(o, "    reg [%d:0] %s_k_d%d;\n", kb - 1, p, d);
    w(o, "    always @(posedge clk) begin\n        if (%s_go) %s_k <= %d'd0;\n", p, p, kb);
    w(o, "        else if (%s_on) %s_k <= %s_k == %d'd%d ? %d'd0 : %s_k + %d'd1;\n", p, p, p, kb, n_in - 1, kb, p, kb);
    w(o, "        %s_k_d1 <= %s_k;\n", p, p);
    for (int d = 2; d <= nd; d++) w(o, "        %s_k_d%d <= %s_k_d%d;\n", p, d, p, d - 1);
    w(o, "    end\n");
    w(o, "    wire %s_kfirst = %s_k_d%d == %d'd0;\n    wire %s_klast = %s_k_d%d == %d'd%d;\n", p, p, nd, kb, p, p, nd,
      kb, n_in - 1);
    if (pl->pair_from >= 0) mvm_pair_flags(o, pl, p);
    if (regular_short(pl, -1)) mvm_short_rows(o, pl, p);
}

/* RUNS: the fields of segment i as chains on <p>_seg ("this") and on the next segment. */
static void mvm_run_fields(Out *o, const MvmPlan *pl, const char *p, int sw, int cw)
{
    int kb = pl->lay.k_w, nseg = pl->n_seg;
    const char *fld[4] = {"k0", "klim", "kl", "rep"};
    int fwid[4] = {kb, kb, 1, cw};
    for (int f = 0; f < 4; f++)
        for (int nx = 0; nx < 2; nx++) {
            if (!nx && (f == 1 || f == 3)) continue; /* a run restart keeps klim and rep */
            w(o, "    wire [%d:0] %s_%s_%s = ", fwid[f] - 1, p, nx ? "next" : "this", fld[f]);
            for (int i = 0; i < nseg; i++) {
                const RunSeg *g = &pl->seg[(i + nx) % nseg];
                int val = f == 0 ? g->k0 : f == 1 ? (g->len >= 2 ? g->k0 + g->len - 2 : 0)
                        : f == 2 ? g->len == 1 : g->cnt - 1;
                if (i < nseg - 1) w(o, "%s_seg == %d'd%d ? %d'd%d : ", p, sw, i, fwid[f], val);
                else w(o, "%d'd%d;\n", fwid[f], val);
            }
        }
}

/* RUNS: k walks each run; at a run's end it restarts the run (p_rep more times) or enters
 * the next segment; kf/kl are the first/last flags of slot k. */
static void mvm_runs(Out *o, const MvmPlan *pl, const char *p)
{
    int nd = 1 + pl->rom_reg, nseg = pl->n_seg, kb = pl->lay.k_w, sw = clog2i(nseg) < 1 ? 1 : clog2i(nseg), maxc = 1;
    const RunSeg *s0 = &pl->seg[0];
    for (int i = 0; i < nseg; i++)
        if (pl->seg[i].cnt > maxc) maxc = pl->seg[i].cnt;
    int cw = clog2i(maxc) < 1 ? 1 : clog2i(maxc);
    w(o, "    // run schedule, %d segments (first operand x run length x runs):", nseg);
    for (int i = 0; i < nseg; i++) w(o, " %d x %d x %d", pl->seg[i].k0, pl->seg[i].len, pl->seg[i].cnt);
    w(o, ";\n    // operand index and flags from counters, the ROM holds the weights\n");
    w(o, "    reg [%d:0] %s_k;\n    reg [%d:0] %s_klim;\n    reg %s_kf, %s_kl;\n", kb - 1, p, kb - 1, p, p, p);
    w(o, "    reg [%d:0] %s_seg;\n    reg [%d:0] %s_rep;\n", sw - 1, p, cw - 1, p);
    for (int d = 1; d <= nd; d++)
        w(o, "    reg [%d:0] %s_k_d%d;\n    reg %s_kf_d%d, %s_kl_d%d;\n", kb - 1, p, d, p, d, p, d);
    mvm_run_fields(o, pl, p, sw, cw);
    w(o, "    always @(posedge clk) begin\n");
    w(o, "        if (%s_go) begin\n", p);
    w(o, "            %s_seg <= %d'd0;\n            %s_k <= %d'd%d;\n", p, sw, p, kb, s0->k0);
    w(o, "            %s_klim <= %d'd%d;\n", p, kb, s0->len >= 2 ? s0->k0 + s0->len - 2 : 0);
    w(o, "            %s_kf <= 1'b1;\n            %s_kl <= 1'b%d;\n", p, p, s0->len == 1);
    w(o, "            %s_rep <= %d'd%d;\n", p, cw, s0->cnt - 1);
    w(o, "        end else if (%s_on) begin\n", p);
    w(o, "            %s_kf <= %s_kl;\n", p, p);
    w(o, "            if (!%s_kl) begin\n", p);
    w(o, "                %s_k <= %s_k + %d'd1;\n                %s_kl <= %s_k == %s_klim;\n", p, p, kb, p, p, p);
    w(o, "            end else if (%s_rep != %d'd0) begin\n", p, cw);
    w(o, "                %s_rep <= %s_rep - %d'd1;\n", p, p, cw);
    w(o, "                %s_k <= %s_this_k0;\n                %s_kl <= %s_this_kl;\n", p, p, p, p);
    w(o, "            end else begin\n");
    w(o, "                %s_seg <= %s_seg == %d'd%d ? %d'd0 : %s_seg + %d'd1;\n", p, p, sw, nseg - 1, sw, p, sw);
    w(o, "                %s_rep <= %s_next_rep;\n                %s_k <= %s_next_k0;\n", p, p, p, p);
    w(o, "                %s_kl <= %s_next_kl;\n                %s_klim <= %s_next_klim;\n", p, p, p, p);
    w(o, "            end\n        end\n");
    w(o, "        %s_k_d1 <= %s_k;\n        %s_kf_d1 <= %s_kf;\n        %s_kl_d1 <= %s_kl;\n", p, p, p, p, p, p);
    for (int d = 2; d <= nd; d++)
        w(o, "        %s_k_d%d <= %s_k_d%d;\n        %s_kf_d%d <= %s_kf_d%d;\n        %s_kl_d%d <= %s_kl_d%d;\n", p, d, p,
          d - 1, p, d, p, d - 1, p, d, p, d - 1);
    w(o, "    end\n");
    w(o, "    wire %s_kfirst = %s_kf_d%d;\n    wire %s_klast = %s_kl_d%d;\n", p, p, nd, p, p, nd);
}

/* Operand group g's multiplexer <p>_gop_<g> (OpGroup): the group's operands, selected by the
 * k field of its leader's word; split across the extra stage like the per-multiplier one
 * (groups of 4 by the select's low bits, registered, then the group by its high bits), so a
 * multiplier's operand register sees the value in the same cycle either way. */
static void mvm_operand_group(Out *o, const MvmPlan *pl, const char *p, int g)
{
    const OpGroup *gr = &pl->grp[g];
    int ow = pl->v->op_t.w, sw = gr->sel_w, lo = gr->lead * pl->rom_w + pl->lay.k_lo;
    w(o, "    // operand group %d: %d multipliers (leader %d) on operands", g, gr->n_members, gr->lead);
    for (int i = 0; i < gr->n_sup; i++) w(o, " %d", gr->sup[i]);
    w(o, "\n    wire [%d:0] %s_gsel_%d = %s_word%s[%d:%d];\n", sw - 1, p, g, p, pl->rom_reg ? "_r" : "", lo + sw - 1, lo);
    if (!pl->mux_split) {
        w(o, "    wire [%d:0] %s_gv_%d [0:%d];\n", ow - 1, p, g, gr->n_sup - 1);
        for (int i = 0; i < gr->n_sup; i++) w(o, "    assign %s_gv_%d[%d] = %s_op_%d;\n", p, g, i, p, gr->sup[i]);
        w(o, "    wire [%d:0] %s_gop_%d = %s_gv_%d[%s_gsel_%d];\n", ow - 1, p, g, p, g, p, g);
        return;
    }
    int n4 = (gr->n_sup + 3) / 4, lw = sw < 2 ? sw : 2;
    w(o, "    wire [%d:0] %s_gq_%d [0:%d];\n", ow - 1, p, g, n4 - 1);
    w(o, "    reg [%d:0] %s_gs_%d;\n", sw > 2 ? sw - 3 : 0, p, g);
    for (int q = 0; q < n4; q++) w(o, "    reg [%d:0] %s_gq_%d_%d;\n    assign %s_gq_%d[%d] = %s_gq_%d_%d;\n", ow - 1, p, g,
                                   q, p, g, q, p, g, q);
    w(o, "    always @(posedge clk) begin\n");
    for (int q = 0; q < n4; q++) {
        int nmem = gr->n_sup - 4 * q < 4 ? gr->n_sup - 4 * q : 4;
        w(o, "        %s_gq_%d_%d <= ", p, g, q);
        for (int i = 1; i < nmem; i++)
            w(o, "%s_gsel_%d[%d:0] == %d'd%d ? %s_op_%d : ", p, g, lw - 1, lw, i, p, gr->sup[4 * q + i]);
        w(o, "%s_op_%d;\n", p, gr->sup[4 * q]);
    }
    if (sw > 2) w(o, "        %s_gs_%d <= %s_gsel_%d[%d:2];\n", p, g, p, g, sw - 1);
    else w(o, "        %s_gs_%d <= 1'b0;\n", p, g);
    w(o, "    end\n    wire [%d:0] %s_gop_%d = %s_gq_%d[%s_gs_%d];\n", ow - 1, p, g, p, g, p, g);
    if (gr->n_sup == 1) /* one operand: nothing to select (the select field keeps its one bit) */
        w(o, "    /* verilator lint_off UNUSEDSIGNAL */\n    wire unused_%s_gsel_%d = ^%s_gsel_%d;\n"
             "    /* verilator lint_on UNUSEDSIGNAL */\n", p, g, p, g);
}

/* Whether multiplier m is built in logic (Mvm.n_logic: the last ones); whether its MAC registers
 * its own inputs (rnnc_mac PRE_REG): one in logic, of an engine with MACs of its own, outside
 * hls4ml's order. Its a, b, en and first are then wires carrying the values the engine's
 * registers would take: synthesis merges equal registers within the engine, and one operand
 * register fanned out to the rows of every logic multiplier (330 loads) set the xcu250
 * GRU(20)'s Fmax estimate. */
static bool mult_in_logic(const MvmPlan *pl, int m) { return m >= pl->n_mult - pl->v->n_logic; }
static bool mac_pre_reg(const MvmPlan *pl, int m, bool shared)
{
    return !shared && !pl->v->sat_order && mult_in_logic(pl, m);
}

/* Multiplier m's word fields <p>_f_<m> (the RomLayout) and its registers' declarations. */
static void mvm_mult_decl(Out *o, const MvmPlan *pl, const char *p, int m, bool shared)
{
    const RomLayout *ly = &pl->lay;
    int fw = ly->width, rw = pl->rom_w, rr = pl->rom_reg;
    FxType ot = pl->v->op_t, wt = pl->v->w_t;
    const MultPlan *mp = &pl->mult[m];
    w(o, "    // multiplier %d: %d partial sums\n", m, mp->n_caps);
    if (pl->form != MVM_ROM) /* the fields in layout order: valid, first, last, k, w */
    {
        char fl[3][64]; /* valid, first, last: shared, the multiplier's with pair rows, or a short one's */
        snprintf(fl[0], sizeof fl[0], "1'b1");
        snprintf(fl[1], sizeof fl[1], pl->pair_from >= 0 ? "%s_kfirst_%d" : "%s_kfirst", p, m);
        snprintf(fl[2], sizeof fl[2], pl->pair_from >= 0 ? "%s_klast_%d" : "%s_klast", p, m);
        if (regular_short(pl, m)) {
            snprintf(fl[0], sizeof fl[0], "%s_rowok_%d", p, m);
            snprintf(fl[1], sizeof fl[1], "%s_kfirst && %s_rowok_%d", p, p, m);
            snprintf(fl[2], sizeof fl[2], "%s_klast && %s_rowok_%d", p, p, m);
        }
        w(o, "    wire [%d:0] %s_f_%d = {%s, %s, %s, %s_k_d%d, %s_word%s[%d:%d]};\n", fw - 1, p, m, fl[0], fl[1], fl[2], p,
          1 + rr, p, rr ? "_r" : "", m * rw + rw - 1, m * rw);
    }
    else
        w(o, "    wire [%d:0] %s_f_%d = %s_word%s[%d:%d];\n", fw - 1, p, m, p, rr ? "_r" : "", m * rw + fw - 1, m * rw);
    if (!shared) { /* shared: the top registers the MAC's operands (top_shared_mac) */
        const char *kind = mac_pre_reg(pl, m, shared) ? "wire" : "reg";
        w(o, "    %s [%d:0] %s_a_%d;\n    %s [%d:0] %s_b_%d;\n", kind, ot.w - 1, p, m, kind, wt.w - 1, p, m);
        w(o, "    %s %s_en_%d, %s_first_%d;\n", kind, p, m, p, m);
    }
    if (pl->v->sat_order) w(o, "    wire [%d:0] %s_init_%d; /* the bias of the run that starts (rnnc_mac_sat) */\n",
                            pl->v->guard_w - 1, p, m);
    if (mp->track && pl->v->share_reg) w(o, "    reg %s_last_%d_ds; // the shared MAC's input stage (top_shared_mac)\n", p, m);
    if (mp->track && pl->v->mac_lat > 1) w(o, "    reg %s_last_%d_d1;\n", p, m);
    if (mp->track) w(o, "    reg %s_last_%d, %s_last_%d_d2;\n", p, m, p, m);
    else w(o, "    /* verilator lint_off UNUSEDSIGNAL */\n    wire unused_%s_last_%d = %s_f_%d[%d];\n"
              "    /* verilator lint_on UNUSEDSIGNAL */\n", p, m, p, m, ly->last);
    if (pl->n_opg) /* the operand group's multiplexer selects by its leader's word (mvm_operand_group) */
        w(o, "    /* verilator lint_off UNUSEDSIGNAL */\n    wire unused_%s_k_%d = ^%s_f_%d[%d:%d];\n"
             "    /* verilator lint_on UNUSEDSIGNAL */\n", p, m, p, m, ly->k_lo + ly->k_w - 1, ly->k_lo);
    /* With the extra stage and more than 4 operands the multiplexer is split across it: groups
     * of 4 by the index's low bits into _g<i>, then the group by its high bits (a 26-way
     * multiplexer is 5 LUT levels, too many for 48 MHz on iCE40). Registers only: the values
     * and the timing are those of the one-stage multiplexer. */
    int n_grp = (pl->v->n_in + 3) / 4;
    if (pl->mux_split && !pl->n_opg) {
        for (int g = 0; g < n_grp; g++) w(o, "    reg [%d:0] %s_a_%d_g%d;\n", ot.w - 1, p, m, g);
        w(o, "    wire [%d:0] %s_a_%d_gv [0:%d];\n", ot.w - 1, p, m, n_grp - 1);
        for (int g = 0; g < n_grp; g++) w(o, "    assign %s_a_%d_gv[%d] = %s_a_%d_g%d;\n", p, m, g, p, m, g);
        w(o, "    reg [%d:0] %s_a_%d_gsel;\n", ly->k_w - 3, p, m);
    }
    if (rr) {
        if (!pl->mux_split) w(o, "    reg [%d:0] %s_a_%d_p;\n", ot.w - 1, p, m);
        w(o, "    reg [%d:0] %s_b_%d_p;\n    reg %s_en_%d_p, %s_first_%d_p;\n", wt.w - 1, p, m, p, m, p, m);
        if (mp->track) w(o, "    reg %s_last_%d_p;\n", p, m);
    }
}

/* Multiplier m's operand multiplexer and weight, registered (twice on slow parts: <name>_p,
 * so the multiplexer does not share a cycle with the routing into the DSP). */
static void mvm_mult_pipe(Out *o, const MvmPlan *pl, const char *p, int m, const char *opv, bool shared, bool reset_strobes)
{
    const RomLayout *ly = &pl->lay;
    bool track = pl->mult[m].track, rr = pl->rom_reg;
    const char *ps = rr ? "_p" : "";
    int kh = ly->k_lo + ly->k_w - 1, wh = ly->w_lo + ly->w_w - 1;
    /* the values the MAC's operand registers take next (a, b, en, first); shared: the top's
     * registers take them (top_shared_mac), this engine keeps none */
    char nx[4][MAX_EXPR];
    if (rr) {
        if (pl->mux_split && pl->n_opg) snprintf(nx[0], MAX_EXPR, "%s_gop_%d", p, pl->opg[m]);
        else if (pl->mux_split) snprintf(nx[0], MAX_EXPR, "%s_a_%d_gv[%s_a_%d_gsel]", p, m, p, m);
        else snprintf(nx[0], MAX_EXPR, "%s_a_%d_p", p, m);
        snprintf(nx[1], MAX_EXPR, "%s_b_%d_p", p, m);
        snprintf(nx[2], MAX_EXPR, "%s_en_%d_p", p, m);
        snprintf(nx[3], MAX_EXPR, "%s_first_%d_p", p, m);
    } else {
        if (pl->n_opg) snprintf(nx[0], MAX_EXPR, "%s_gop_%d", p, pl->opg[m]);
        else snprintf(nx[0], MAX_EXPR, "%s[%s_f_%d[%d:%d]]", opv, p, m, kh, ly->k_lo);
        snprintf(nx[1], MAX_EXPR, "%s_f_%d[%d:%d]", p, m, wh, ly->w_lo);
        snprintf(nx[2], MAX_EXPR, "%s_on_1 & %s_f_%d[%d]", p, p, m, ly->valid);
        snprintf(nx[3], MAX_EXPR, "%s_f_%d[%d]", p, m, ly->first);
    }
    bool first_regs = !(shared && !rr); /* the first stage's four registers (the MAC's without rr) */
    bool inside = mac_pre_reg(pl, m, shared); /* the MAC's own registers take the last stage's values */
    if (inside) {
        w(o, "    assign %s_a_%d = %s;\n    assign %s_b_%d = %s;\n", p, m, nx[0], p, m, nx[1]);
        w(o, "    assign %s_en_%d = %s;\n    assign %s_first_%d = %s;\n", p, m, nx[2], p, m, nx[3]);
        if (!rr) first_regs = false;
    }
    w(o, "    always @(posedge clk) begin\n");
    if (pl->n_opg) { /* split: the group's multiplexer has the extra stage's register */
        if (!pl->mux_split && first_regs) w(o, "        %s_a_%d%s <= %s_gop_%d;\n", p, m, ps, p, pl->opg[m]);
    } else if (pl->mux_split) {
        for (int g = 0; g < (pl->v->n_in + 3) / 4; g++) {
            w(o, "        %s_a_%d_g%d <= ", p, m, g);
            int nmem = pl->v->n_in - 4 * g < 4 ? pl->v->n_in - 4 * g : 4;
            for (int i = 1; i < nmem; i++)
                w(o, "%s_f_%d[%d:%d] == 2'd%d ? %s[%d] : ", p, m, ly->k_lo + 1, ly->k_lo, i, opv, 4 * g + i);
            w(o, "%s[%d];\n", opv, 4 * g);
        }
        w(o, "        %s_a_%d_gsel <= %s_f_%d[%d:%d];\n", p, m, p, m, kh, ly->k_lo + 2);
    } else if (first_regs) {
        w(o, "        %s_a_%d%s <= %s[%s_f_%d[%d:%d]];\n", p, m, ps, opv, p, m, kh, ly->k_lo);
    }
    if (first_regs) {
        w(o, "        %s_b_%d%s <= %s_f_%d[%d:%d];\n", p, m, ps, p, m, wh, ly->w_lo);
        w(o, "        %s_en_%d%s <= %s_on_1 & %s_f_%d[%d];\n", p, m, ps, p, p, m, ly->valid);
        w(o, "        %s_first_%d%s <= %s_f_%d[%d];\n", p, m, ps, p, m, ly->first);
    }
    const char *rs = reset_strobes ? "!rst && " : "";
    if (track) w(o, "        %s_last_%d%s <= %s%s_on_1 & %s_f_%d[%d];\n", p, m, ps, rs, p, p, m, ly->last);
    if (rr) {
        if (!shared && !inside) {
            w(o, "        %s_a_%d <= %s;\n", p, m, nx[0]);
            w(o, "        %s_b_%d <= %s_b_%d_p;\n", p, m, p, m);
            w(o, "        %s_en_%d <= %s_en_%d_p;\n        %s_first_%d <= %s_first_%d_p;\n", p, m, p, m, p, m, p, m);
        }
        if (track) w(o, "        %s_last_%d <= %s%s_last_%d_p;\n", p, m, rs, p, m);
    }
    if (track) { /* with the share stage the sum comes a cycle later: _ds between d1 and d2;
                  * with a one-stage MAC (mac_lat 1) a cycle earlier: no d1. d2 always resets:
                  * a flip-flop with a reset ends the chain last -> d1 -> d2 that Xilinx synthesis
                  * would otherwise pack into an SRL16E, whose 1.5 ns clock-to-out (0.3 for a
                  * flip-flop) began the xc7 critical path into the captures' enables */
        bool d1 = pl->v->mac_lat > 1;
        const char *before_ds = d1 ? "_d1" : "";
        if (d1) w(o, "        %s_last_%d_d1 <= %s%s_last_%d;\n", p, m, rs, p, m);
        if (pl->v->share_reg) w(o, "        %s_last_%d_ds <= %s%s_last_%d%s;\n", p, m, rs, p, m, before_ds);
        w(o, "        %s_last_%d_d2 <= !rst && %s_last_%d%s;\n", p, m, p, m, pl->v->share_reg ? "_ds" : before_ds);
    }
    w(o, "    end\n");
    FxType ot = pl->v->op_t, wt = pl->v->w_t, at = pl->v->accum;
    /* the multipliers past the DSP blocks in logic (Mvm.n_logic): the same product and timing */
    const char *logic = !mult_in_logic(pl, m)     ? ""
                        : mac_pre_reg(pl, m, shared) ? ", .LOGIC(1), .PRE_REG(1)"
                                                    : ", .LOGIC(1)";
    w(o, "    wire [%d:0] %s_acc_m%d;\n", pl->v->guard_w - 1, p, m);
    if (pl->v->sat_order) { /* hls4ml's order: the run starts from its bias, every sum cast */
        w(o, "    rnnc_mac_sat #(.A_W(%d), .A_F(%d), .A_SIGNED(1), .B_W(%d), .B_F(%d), .B_SIGNED(1), .Q_W(%d), "
             ".Q_F(%d), .ROUND(%d), .SATURATE(%d), .ACC_W(%d)%s) u_%s_mac_%d (.clk(clk), .en(%s_en_%d), "
             ".first(%s_first_%d), .init(%s_init_%d), .a(%s_a_%d), .b(%s_b_%d), .acc(%s_acc_m%d));\n",
          ot.w, fx_frac(ot), wt.w, fx_frac(wt), at.w, fx_frac(at), at.q, fx_rtl_sat(at), pl->v->guard_w, logic, p, m, p, m,
          p, m, p, m, p, m, p, m, p, m);
        return;
    }
    if (shared) { /* the shared MAC in the top (lower_share): the next operands out, its sum in */
        int gw = pl->v->guard_w;
        w(o, "    assign mac_en[%d] = %s;\n    assign mac_first[%d] = %s;\n", m, nx[2], m, nx[3]);
        w(o, "    assign mac_a[%d:%d] = %s;\n    assign mac_b[%d:%d] = %s;\n", (m + 1) * ot.w - 1, m * ot.w, nx[0],
          (m + 1) * wt.w - 1, m * wt.w, nx[1]);
        w(o, "    assign %s_acc_m%d = mac_acc[%d:%d];\n", p, m, (m + 1) * gw - 1, m * gw);
        return;
    }
    w(o, "    rnnc_mac #(.A_W(%d), .A_F(%d), .A_SIGNED(1), .B_W(%d), .B_F(%d), .B_SIGNED(1), .Q_W(%d), "
         ".Q_F(%d), .ROUND(%d), .SATURATE(%d), .ACC_W(%d), .PROD_REG(%d)%s) u_%s_mac_%d (.clk(clk), .en(%s_en_%d), "
         ".first(%s_first_%d), .a(%s_a_%d), .b(%s_b_%d), .acc(%s_acc_m%d));\n",
      ot.w, fx_frac(ot), wt.w, fx_frac(wt), at.w, fx_frac(at), at.q, fx_rtl_sat(at), pl->v->guard_w,
      pl->v->mac_lat - 1, logic, p, m, p, m, p, m, p, m, p, m, p, m);
}

/* bias_next_<m> = the bias of capture pc + 1. Unstaged, a chain of conditionals, not a case:
 * synthesis keeps it in logic (a case of the whole table may become a ROM, and block RAM is
 * what small parts run out of). Staged: 16-entry groups on pc's low bits, then
 * the group, ready 2 cycles after pc moves; each group is a case, which 16 entries keep in LUTs
 * on every part (the GRU(20) at its largest reuse: 29 block RAMs on the UP5K either way), where
 * as chains of conditionals Yosys mapped them on xc7 into three LUT levels of decodes shared
 * from pc (fanout 45) into the registers' set pins: 190.2 MHz against 202.0 as cases. */
static void mvm_bias_next(Out *o, const MvmPlan *pl, const char *p, int m)
{
    const MultPlan *mp = &pl->mult[m];
    const MvmOut *outs = pl->v->outs;
    int nc = mp->n_caps, nb = mp->bias_w, pcw = mp->cap_w;
    char buf[MAX_EXPR];
    if (!mp->bias_staged) {
        w(o, "    wire [%d:0] %s_bias_next_%d =\n", nb - 1, p, m);
        for (int i = 0; i < nc - 1; i++) {
            lit(buf, sizeof buf, nb, outs[mp->cap_out[(i + 1) % nc]].bias);
            w(o, "        %s_pc_%d == %d'd%d ? %s :\n", p, m, pcw, i, buf);
        }
        lit(buf, sizeof buf, nb, outs[mp->cap_out[0]].bias);
        w(o, "        %s;\n", buf);
        return;
    }
    int ng = (nc + 15) / 16;
    for (int g = 0; g < ng; g++) {
        w(o, "    reg [%d:0] %s_bg_%d_%d;\n", nb - 1, p, m, g);
        w(o, "    always @(posedge clk)\n        case (%s_pc_%d[3:0])\n", p, m);
        int last = g * 16 + 15 < nc - 1 ? g * 16 + 15 : nc - 1;
        for (int i = g * 16; i < last; i++) {
            lit(buf, sizeof buf, nb, outs[mp->cap_out[(i + 1) % nc]].bias);
            w(o, "        4'd%d: %s_bg_%d_%d <= %s;\n", i - g * 16, p, m, g, buf);
        }
        lit(buf, sizeof buf, nb, outs[mp->cap_out[(last + 1) % nc]].bias);
        w(o, "        default: %s_bg_%d_%d <= %s;\n        endcase\n", p, m, g, buf);
    }
    w(o, "    reg [%d:0] %s_bsel_%d;\n    reg [%d:0] %s_bias_next_%d;\n", pcw - 5, p, m, nb - 1, p, m);
    w(o, "    always @(posedge clk) begin\n        %s_bsel_%d <= %s_pc_%d[%d:4];\n", p, m, p, m, pcw - 1);
    w(o, "        %s_bias_next_%d <=\n", p, m);
    for (int g = 0; g < ng - 1; g++)
        w(o, "            %s_bsel_%d == %d'd%d ? %s_bg_%d_%d :\n", p, m, pcw - 4, g, p, m, g);
    w(o, "            %s_bg_%d_%d;\n    end\n", p, m, ng - 1);
}

/* Direct form: bias_<m> == the bias of capture pc, kept in a register (the table lookup stays
 * off the capture's carry chain), loaded with the next capture's bias whenever pc advances;
 * the biased sum cast to the accumulator type is <p>_cap_<m>. */
static void mvm_bias_reg(Out *o, const MvmPlan *pl, const char *p, int m)
{
    const MultPlan *mp = &pl->mult[m];
    int G = pl->v->guard_w;
    char buf[MAX_EXPR], buf2[MAX_EXPR], ext[MAX_EXPR];
    w(o, "    reg [%d:0] %s_bias_%d;\n", G - 1, p, m);
    mvm_bias_next(o, pl, p, m);
    lit(buf, sizeof buf, G, pl->v->outs[mp->cap_out[0]].bias);
    snprintf(buf2, sizeof buf2, "%s_bias_next_%d", p, m);
    extend(ext, sizeof ext, buf2, mp->bias_w, true, G);
    w(o, "    always @(posedge clk) begin\n        if (rst) %s_bias_%d <= %s;\n"
         "        else if (%s_last_%d_d2) %s_bias_%d <= %s;\n    end\n",
      p, m, buf, p, m, p, m, ext);
    /* hls4ml's order (rnnc_mac_sat): a run starts in the cycle its predecessor on this multiplier
     * is captured (runs are back to back), when bias_<m> still holds the captured one's bias */
    if (pl->v->sat_order)
        w(o, "    assign %s_init_%d = %s_last_%d_d2 ? %s : %s_bias_%d;\n", p, m, p, m, ext, p, m);
}

static Sig mvm_direct_cap(Out *o, const MvmPlan *pl, const char *p, int m)
{
    FxType at = pl->v->accum;
    int G = pl->v->guard_w;
    mvm_bias_reg(o, pl, p, m);
    if (pl->v->sat_order) /* the bias is in the MAC's sum already */
        w(o, "    wire [%d:0] %s_sum_%d = %s_acc_m%d;\n    wire [%d:0] %s_cap_%d;\n", G - 1, p, m, p, m, at.w - 1, p, m);
    else
        w(o, "    wire [%d:0] %s_sum_%d = %s_acc_m%d + %s_bias_%d;\n    wire [%d:0] %s_cap_%d;\n", G - 1, p, m, p,
          m, p, m, at.w - 1, p, m);
    w(o, "    rnnc_quant #(.IN_W(%d), .IN_F(%d), .IN_SIGNED(1), ", G, fx_frac(at));
    fx_params(o, "OUT_", at, true);
    w(o, ") u_%s_cq_%d (.in_data(%s_sum_%d), .out_data(%s_cap_%d));\n", p, m, p, m, p, m);
    return sig("%s_cap_%d", p, m);
}

/* A first-step-skipping product (plan_first_period): the first flags of the jobs whose
 * captures are not all taken, two at most, in a queue each multiplier with h runs reads. */
static void mvm_first_queue(Out *o, const char *p)
{
    w(o, "    // the first flags of the last two jobs: a first step's multipliers capture their x runs only\n");
    w(o, "    reg [1:0] %s_fq;\n    reg %s_fq_wr;\n    always @(posedge clk) begin\n", p, p);
    w(o, "        if (rst) %s_fq_wr <= 1'b0;\n        else if (start) %s_fq_wr <= !%s_fq_wr;\n", p, p, p);
    w(o, "        if (start) %s_fq[%s_fq_wr] <= ctrl_start_first;\n    end\n", p, p);
}

/* Multiplier m's captures: pc counts its partial sums, n per job, back to 0 after the last;
 * n_regs registers <p>_part_<m>_<i> hold them for the trees. */
static void mvm_captures(Out *o, const MvmPlan *pl, const char *p, int m, MvmSigs *sg)
{
    const MultPlan *mp = &pl->mult[m];
    int pcw = mp->cap_w, capw = pl->direct ? pl->v->accum.w : pl->v->guard_w;
    bool skips = plan_mult_skips(pl, m); /* a first step's captures wrap after the x runs (xend) */
    w(o, "    reg [%d:0] %s_pc_%d;\n", pcw - 1, p, m);
    for (int i = 0; i < mp->n_regs; i++)
        if (!mp->cap_mac[i]) w(o, "    reg [%d:0] %s_part_%d_%d;\n", capw - 1, p, m, i);
    Sig cap = sig("%s_acc_m%d", p, m);
    if (pl->direct) {
        cap = mvm_direct_cap(o, pl, p, m);
        sg->cap[m] = cap;
        sg->cap_valid[m] = sig("%s_last_%d_d2", p, m);
        sg->cap_idx[m] = sig("%s_pc_%d", p, m);
    }
    /* a capture; with a stray (an h run a first step issues: plan_mult_strays) the one after
     * a first step's last x capture is dropped */
    bool stray = plan_mult_strays(pl, m) > 0;
    char capv[64];
    snprintf(capv, sizeof capv, stray ? "%s_capv_%d" : "%s_last_%d_d2", p, m);
    if (stray) w(o, "    reg %s_stray_%d;\n    wire %s = %s_last_%d_d2 && !%s_stray_%d;\n", p, m, capv, p, m, p, m);
    if (skips) {
        w(o, "    reg %s_fq_rd_%d;\n    wire %s_xend_%d = %s_fq[%s_fq_rd_%d] && %s_pc_%d == %d'd%d;\n", p, m, p, m, p, p, m, p,
          m, pcw, mp->x_caps - 1);
        w(o, "    wire %s_wrap_%d = %s_pc_%d == %d'd%d || %s_xend_%d;\n", p, m, p, m, pcw, mp->n_caps - 1, p, m);
    }
    w(o, "    always @(posedge clk) begin\n");
    w(o, "        if (rst) %s_pc_%d <= %d'd0;\n", p, m, pcw);
    w(o, "        else if (%s) begin\n", capv);
    if (skips)
        w(o, "            %s_pc_%d <= %s_wrap_%d ? %d'd0 : %s_pc_%d + %d'd1;\n", p, m, p, m, pcw, p, m, pcw);
    else
        w(o, "            %s_pc_%d <= %s_pc_%d == %d'd%d ? %d'd0 : %s_pc_%d + %d'd1;\n", p, m, p, m, pcw,
          mp->n_caps - 1, pcw, p, m, pcw);
    w(o, "        end\n");
    /* the captures themselves without rst on their enable (from a high-fanout input it took
     * three LUT levels to the xc7 capture registers' CE): every job writes every partial sum
     * before the trees read it, so one taken during a reset is never read */
    int first_h = skips ? mp->x_caps : mp->n_regs; /* from it on, cleared by a first step's last x capture */
    if (first_h > 0 && mp->n_regs > 0) {
        w(o, "        if (%s) begin\n", capv);
        for (int i = 0; i < first_h && i < mp->n_regs; i++)
            if (!mp->cap_mac[i]) /* read from the MAC (ITEM_CAP_MAC) */
                w(o, "            if (%s_pc_%d == %d'd%d) %s_part_%d_%d <= %s;\n", p, m, pcw, i, p, m, i, cap.s);
        w(o, "        end\n");
    }
    w(o, "    end\n");
    /* the h partial sums apart, their clear a synchronous reset ahead of the enable: Xilinx's
     * FDRE R (inside the block above it took a LUT per bit) */
    for (int i = first_h; i < mp->n_regs; i++) {
        if (mp->cap_mac[i]) continue; /* read from the MAC (ITEM_CAP_MAC) */
        w(o, "    always @(posedge clk)\n        if (%s && %s_xend_%d) %s_part_%d_%d <= %d'd0;\n"
             "        else if (%s && %s_pc_%d == %d'd%d) %s_part_%d_%d <= %s;\n", capv, p, m, p, m, i, capw, capv, p, m, pcw,
          i, p, m, i, cap.s);
    }
    if (!skips) return;
    /* the queue's next job once this one's captures end; the MAC's kept run (its last, an h
     * run) reads 0 from a first step's last x capture to the next job's first capture where
     * the MAC would hold the x run's sum then (plan_mult_zmac) */
    bool zmac = plan_mult_zmac(pl, m);
    if (zmac) w(o, "    reg %s_zmac_%d;\n", p, m);
    w(o, "    always @(posedge clk) begin\n");
    w(o, "        if (rst) %s_fq_rd_%d <= 1'b0;\n        else if (%s && %s_wrap_%d) %s_fq_rd_%d <= !%s_fq_rd_%d;\n", p, m,
      capv, p, m, p, m, p, m);
    if (zmac) w(o, "        if (rst) %s_zmac_%d <= 1'b0;\n        else if (%s) %s_zmac_%d <= %s_xend_%d;\n", p, m, capv, p, m, p, m);
    if (stray)
        w(o, "        if (rst) %s_stray_%d <= 1'b0;\n        else if (%s_last_%d_d2) %s_stray_%d <= %s && %s_xend_%d;\n", p, m, p,
          m, p, m, capv, p, m);
    w(o, "    end\n");
}

/* Banked on several multipliers: each multiplier's capture index names the bank and address
 * of the output it captures (a small constant table); at most one multiplier writes a bank in
 * a cycle (plan_banks_ok), so each bank has one write port, its address and data chosen by
 * which multiplier writes it. Where a multiplier's captures are 2 cycles apart or more
 * (MultPlan.cap_gap) the table's output is registered: the index moves at a capture and the
 * next capture comes a cycle after the register has caught up (on xc7 the table, the bank's
 * selection and its write decode were 4 LUT levels from the index: 172.8 MHz for a GRU(19) at
 * its largest reuse). */
static void mvm_banks_multi(Out *o, const MvmPlan *pl, const MvmIn *in, MvmSigs *sg, int bw, int aw)
{
    const char *p = in->pfx;
    int nbk = in->banks, bn = in->bank_n, M = pl->n_mult;
    w(o, "    // captures of %d multipliers into %d banks of %d words: output j to bank j / %d, address j %% %d\n",
      M, nbk, bn, bn, bn);
    for (int m = 0; m < M; m++) {
        const MultPlan *mp = &pl->mult[m];
        const char *as = mp->cap_gap ? "<=" : "=";
        w(o, "    reg [%d:0] %s_wb_%d;\n    reg [%d:0] %s_wa_%d;\n", bw - 1, p, m, aw - 1, p, m);
        w(o, "    always @%s begin\n        case (%s)\n", mp->cap_gap ? "(posedge clk)" : "*", sg->cap_idx[m].s);
        for (int i = 0; i < mp->n_caps; i++)
            w(o, "            %d'd%d: begin %s_wb_%d %s %d'd%d; %s_wa_%d %s %d'd%d; end\n", mp->cap_w, i, p, m, as, bw,
              mp->cap_out[i] / bn, p, m, as, aw, mp->cap_out[i] % bn);
        w(o, "            default: begin %s_wb_%d %s %d'd0; %s_wa_%d %s %d'd0; end\n        endcase\n    end\n", p, m, as,
          bw, p, m, as, aw);
    }
    for (int b = 0; b < nbk; b++) {
        sg->bank[b] = sig("%s_bank_%d", p, b);
        w(o, "    (* no_rw_check *) reg [%d:0] %s [0:%d];\n", pl->v->accum.w - 1, sg->bank[b].s, bn - 1);
        char we[64];
        snprintf(we, sizeof we, "%s_we_%d", p, b);
        w(o, "    reg [%d:0] %s_wa_b%d;\n    reg [%d:0] %s_wd_b%d;\n", aw - 1, p, b, pl->v->accum.w - 1, p, b);
        w(o, "    always @* begin\n        %s_wa_b%d = %d'd0;\n        %s_wd_b%d = %d'd0;\n", p, b, aw, p, b,
          pl->v->accum.w);
        bool *wr = xcalloc((size_t)M, sizeof *wr); /* multiplier m captures an output of bank b */
        for (int m = 0; m < M; m++)
            for (int i = 0; i < pl->mult[m].n_caps; i++) wr[m] |= pl->mult[m].cap_out[i] / bn == b;
        for (int m = M - 1; m >= 0; m--)
            if (wr[m])
                w(o, "        if (%s && %s_wb_%d == %d'd%d) begin %s_wa_b%d = %s_wa_%d; %s_wd_b%d = %s; end\n",
                  sg->cap_valid[m].s, p, m, bw, b, p, b, p, m, p, b, sg->cap[m].s);
        w(o, "    end\n    wire %s = 1'b0", we);
        for (int m = 0; m < M; m++)
            if (wr[m]) w(o, " || (%s && %s_wb_%d == %d'd%d)", sg->cap_valid[m].s, p, m, bw, b);
        free(wr);
        w(o, ";\n    always @(posedge clk) if (%s) %s[%s_wa_b%d] <= %s_wd_b%d;\n", we, sg->bank[b].s, p, b, p, b);
    }
}

/* Banked: the captures go to memories rather than registers: on FPGAs with block RAM the
 * vectors leave the flip-flops, and the read port replaces the lane multiplexer. */
static void mvm_banks(Out *o, const MvmPlan *pl, const MvmIn *in, MvmSigs *sg)
{
    const char *p = in->pfx;
    int nbk = in->banks, bn = in->bank_n;
    if (nbk > (int)(sizeof sg->bank / sizeof sg->bank[0])) BUG("%d banks", nbk);
    if (in->bank_per_mult) { /* bank m: multiplier m's captures, at their index */
        w(o, "    // captures into %d banks of %d words, one per multiplier (its captures in order)\n", nbk, bn);
        for (int m = 0; m < nbk; m++) {
            sg->bank[m] = sig("%s_bank_%d", p, m);
            w(o, "    (* no_rw_check *) reg [%d:0] %s [0:%d];\n", pl->v->accum.w - 1, sg->bank[m].s, pl->mult[m].n_caps - 1);
            w(o, "    always @(posedge clk) if (%s) %s[%s] <= %s;\n", sg->cap_valid[m].s, sg->bank[m].s, sg->cap_idx[m].s,
              sg->cap[m].s);
        }
        return;
    }
    int bw0 = clog2i(nbk) < 1 ? 1 : clog2i(nbk), aw0 = clog2i(bn) < 1 ? 1 : clog2i(bn);
    if (pl->n_mult > 1) {
        mvm_banks_multi(o, pl, in, sg, bw0, aw0);
        return;
    }
    int bw = clog2i(nbk) < 1 ? 1 : clog2i(nbk), aw = clog2i(bn) < 1 ? 1 : clog2i(bn);
    w(o, "    // captures into %d banks of %d words: output j to bank j / %d, address j %% %d\n", nbk, bn, bn, bn);
    w(o, "    reg [%d:0] %s_wb;\n    reg [%d:0] %s_wa;\n", bw - 1, p, aw - 1, p);
    w(o, "    always @(posedge clk) begin\n        if (rst) begin\n            %s_wb <= %d'd0;\n            %s_wa <= %d'd0;\n"
         "        end else if (%s_last_0_d2) begin\n", p, bw, p, aw, p);
    w(o, "            if (%s_wa == %d'd%d) begin\n                %s_wa <= %d'd0;\n", p, aw, bn - 1, p, aw);
    w(o, "                %s_wb <= %s_wb == %d'd%d ? %d'd0 : %s_wb + %d'd1;\n", p, p, bw, nbk - 1, bw, p, bw);
    w(o, "            end else %s_wa <= %s_wa + %d'd1;\n        end\n    end\n", p, p, aw);
    for (int b = 0; b < nbk; b++) {
        sg->bank[b] = sig("%s_bank_%d", p, b);
        w(o, "    (* no_rw_check *) reg [%d:0] %s [0:%d];\n", pl->v->accum.w - 1, sg->bank[b].s, bn - 1);
        w(o, "    always @(posedge clk) if (%s_last_0_d2 && %s_wb == %d'd%d) %s[%s_wa] <= %s;\n", p, p, bw, b,
          sg->bank[b].s, p, sg->cap[0].s);
    }
}

/* rf > 1: the ROM, the counters of the counted forms, the multipliers and their captures. */
static void mvm_serial(Out *o, const MvmPlan *pl, const MvmIn *in, MvmSigs *sg)
{
    const char *p = in->pfx;
    char fname[240], tail_name[260];
    snprintf(fname, sizeof fname, "%s_%s.mem", o->e->name, p);
    snprintf(tail_name, sizeof tail_name, "%s_%s_tail.mem", o->e->name, p);
    mvm_rom_file(o, pl, fname, tail_name);
    mvm_slots(o, pl, in, fname, tail_name);
    if (pl->form == MVM_REGULAR) mvm_regular(o, pl, p);
    if (pl->form == MVM_RUNS) mvm_runs(o, pl, p);
    Sig opv = sig("%s_opv", p);
    if (in->op_mem) {
        opv = sig("%s", in->op_mem);
    } else if (pl->n_opg) {
        w(o, "    // %d operand multiplexers for %d multipliers (multipliers reading the same operands share one)\n",
          pl->n_opg, pl->n_mult);
        for (int g = 0; g < pl->n_opg; g++) mvm_operand_group(o, pl, p, g);
    } else {
        w(o, "    wire [%d:0] %s_opv [0:%d];\n", pl->v->op_t.w - 1, p, pl->v->n_in - 1);
        for (int k = 0; k < pl->v->n_in; k++) w(o, "    assign %s_opv[%d] = %s_op_%d;\n", p, k, p, k);
    }
    if (pl->v->first_skip) mvm_first_queue(o, p);
    for (int m = 0; m < pl->n_mult; m++) {
        mvm_mult_decl(o, pl, p, m, in->shared);
        mvm_mult_pipe(o, pl, p, m, opv.s, in->shared, in->reset_strobes);
        if (pl->mult[m].track) mvm_captures(o, pl, p, m, sg);
        if (pl->v->sat_order && pl->mult[m].track && !pl->direct) mvm_bias_reg(o, pl, p, m);
        if (pl->v->sat_order && !pl->mult[m].track) {
            char b[MAX_EXPR];
            lit(b, sizeof b, pl->v->guard_w, pl->v->outs[pl->mult[m].cap_out[0]].bias);
            w(o, "    assign %s_init_%d = %s;\n", p, m, b);
        }
    }
    if (in->banks) mvm_banks(o, pl, in, sg);
}

/* One tree item as an expression of the guard width (EXTRA: declares <p>_x_<j> first). */
static void mvm_item(Out *o, const MvmPlan *pl, const MvmIn *in, int j, const TreeItem *it, char *buf, size_t len)
{
    const char *p = in->pfx;
    FxType at = pl->v->accum;
    int G = pl->v->guard_w;
    switch (it->kind) {
    case ITEM_PRODUCTS: snprintf(buf, len, "%s_pe_%d", p, j); break;
    case ITEM_PART: snprintf(buf, len, "%s_part_%d_%d", p, it->m, it->idx); break;
    case ITEM_CAP_MAC: snprintf(buf, len, "%s_acc_m%d", p, it->m); break; /* in its capture cycle */
    case ITEM_MAC: /* a first step's MAC holds no h run of its own: zero (mvm_captures) */
        if (plan_mult_zmac(pl, it->m)) snprintf(buf, len, "(%s_zmac_%d ? %d'd0 : %s_acc_m%d)", p, it->m, pl->v->guard_w, p, it->m);
        else snprintf(buf, len, "%s_acc_m%d", p, it->m);
        break;
    case ITEM_BIAS: lit(buf, len, G, pl->v->outs[j].bias); break;
    case ITEM_ZERO: lit(buf, len, G, 0); break;
    case ITEM_EXTRA: {
        char x[64];
        w(o, "    wire [%d:0] %s_x_%d = %s;\n", at.w - 1, p, j, in->extra[it->idx]);
        snprintf(x, sizeof x, "%s_x_%d", p, j);
        extend(buf, len, x, at.w, true, G);
        break;
    }
    }
}

/* Output j: its adder tree (depth stages, the last one cast to the accumulator type) into
 * <p>_acc_<j>; direct form: the captured sum. */
static Sig mvm_tree(Out *o, const MvmPlan *pl, const MvmIn *in, int j)
{
    const char *p = in->pfx;
    const OutPlan *op = &pl->out[j];
    FxType at = pl->v->accum;
    int G = pl->v->guard_w;
    Sig acc = sig("%s_acc_%d", p, j);
    if (pl->direct) {
        w(o, "    wire [%d:0] %s = %s_part_%d_%d;\n", at.w - 1, acc.s, p, op->items[0].m, op->items[0].idx);
        return acc;
    }
    char (*items)[MAX_EXPR] = xcalloc((size_t)op->n_items + 1, sizeof *items);
    for (int i = 0; i < op->n_items; i++) mvm_item(o, pl, in, j, &op->items[i], items[i], MAX_EXPR);
    char inst[64], tin[64], tout[64];
    int first = 0, n_elems = op->n_elems;
    if (op->n_pre) { /* mvm_pre_sum: the items final early summed ahead, every cycle, into one */
        w(o, "    wire [%d:0] %s_tp_%d_0 = {", op->n_pre * G - 1, p, j);
        for (int i = op->n_pre - 1; i >= 0; i--) w(o, "%s%s", items[i], i ? ", " : "};\n");
        snprintf(inst, sizeof inst, "u_%s_tp_%d", p, j);
        snprintf(tin, sizeof tin, "%s_tp_%d_0", p, j);
        snprintf(tout, sizeof tout, "%s_tp_%d", p, j);
        w(o, "    wire [%d:0] %s;\n", G - 1, tout);
        tree_inst(o, inst, op->n_pre, pl->fanin, G, op->pre_depth, false, NULL, tin, tout);
        first = op->n_pre - 1; /* the pre-sum takes the place of the last pre item */
        snprintf(items[first], MAX_EXPR, "%s", tout);
        n_elems = op->n_elems - op->n_pre + 1;
    }
    w(o, "    wire [%d:0] %s_t_%d_0 = {", n_elems * G - 1, p, j);
    for (int i = op->n_items - 1; i >= first; i--) w(o, "%s%s", items[i], i > first ? ", " : "};\n");
    free(items);
    snprintf(inst, sizeof inst, "u_%s_t_%d", p, j);
    snprintf(tin, sizeof tin, "%s_t_%d_0", p, j);
    snprintf(tout, sizeof tout, "%s_t_%d", p, j);
    if (pl->v->sat_order) { /* hls4ml's order, each sum cast (the items in that order: plan.c) */
        w(o, "    wire [%d:0] %s;\n", at.w - 1, acc.s);
        sat_sum_inst(o, inst, op->n_elems, G, at, 0, pl->depth, tin, acc.s);
        return acc;
    }
    w(o, "    wire [%d:0] %s;\n", G - 1, tout);
    const char *ld = in->tree_ld_early && j % in->units < in->early_units ? in->tree_ld_early : in->tree_ld;
    tree_inst(o, inst, n_elems, pl->fanin, G, pl->depth, false, ld, tin, tout);
    w(o, "    wire [%d:0] %s;\n", at.w - 1, acc.s);
    w(o, "    rnnc_quant #(.IN_W(%d), .IN_F(%d), .IN_SIGNED(1), ", G, fx_frac(at));
    fx_params(o, "OUT_", at, true);
    w(o, ") u_%s_q_%d (.in_data(%s), .out_data(%s));\n", p, j, tout, acc.s);
    return acc;
}

/* Print the plan of product v; returns the signals it defines. */
static MvmSigs emit_mvm(Out *o, const Mvm *v, const MvmIn *in)
{
    MvmPlanOpts opt = {.op_mem = in->op_mem != NULL, .serial = in->serial,
                       .banks = in->banks, .bank_n = in->bank_n, .bank_per_mult = in->bank_per_mult,
                       .units = in->units, .wave_units = in->early_units, .wave_lead = in->early_lead};
    MvmSigs sg = {.plan = plan_mvm(v, &opt)};
    const MvmPlan *pl = sg.plan;
    if (pl->direct != v->direct || pl->depth != v->depth || pl->latency != v->latency)
        BUG("plan of %s: direct %d, depth %d, latency %d; lower.c predicted %d, %d, %d", in->pfx, pl->direct,
            pl->depth, pl->latency, v->direct, v->depth, v->latency);
    sg.acc = xcalloc((size_t)v->n_out + 1, sizeof *sg.acc);
    sg.cap = xcalloc((size_t)pl->n_mult + 1, sizeof *sg.cap);
    sg.cap_valid = xcalloc((size_t)pl->n_mult + 1, sizeof *sg.cap_valid);
    sg.cap_idx = xcalloc((size_t)pl->n_mult + 1, sizeof *sg.cap_idx);
    w(o, "\n    // ---- %s: %d outputs, %d products on %d multipliers (reuse %d), tree depth %d\n",
      in->pfx, v->n_out, v->n_products, v->n_mult, v->rf, v->depth);
    mvm_operands(o, v, in);
    if (pl->form == MVM_PARALLEL) mvm_parallel(o, pl, in->pfx);
    else mvm_serial(o, pl, in, &sg);
    bool caller_takes = pl->direct && (in->serial || in->banks);
    for (int j = 0; j < v->n_out && !caller_takes; j++) sg.acc[j] = mvm_tree(o, pl, in, j);
    return sg;
}

/* ---- engine modules ---- */

static void header(Out *o, const char *what)
{
    const Model *m = o->n->model;
    const char *base = strrchr(m->path, '/');
    w(o, "// Generated by rnnc %s from %s (model \"%s\"). Do not edit: re-run rnnc.\n", RNNC_VERSION,
      base ? base + 1 : m->path, m->name);
    w(o, "// %s\n", what);
}

/* Address width of a memory link's vector of n elements. */
static int vec_addr_w(int n) { return clog2i(n) < 1 ? 1 : clog2i(n); }

/* The bits of one word of engine e's schedule ROM (its matrix product's plan). */
static int rom_word_w(const Engine *e)
{
    MvmPlanOpts opt = plan_engine_opts(e, &e->mvm);
    MvmPlan *p = plan_mvm(&e->mvm, &opt);
    int width = p->n_mult * p->rom_w;
    plan_free(p);
    return width;
}

static void module_open(Out *o, const Engine *e)
{
    int inb = e->in_n * e->in_t.w, outb = e->out_n * e->out_t.w;
    char ti[64], to[64];
    fx_format(e->in_t, ti, sizeof ti);
    fx_format(e->out_t, to, sizeof to);
    w(o, "//\n// s_axis: %d x %s (element 0 in the low bits); m_axis: %d x %s\n", e->in_n, ti, e->out_n, to);
    if (e->vec_in || e->vec_out)
        w(o, "// %s%s%s: the vector passes element by element (write enable, index, element) into a\n"
             "// memory in the consuming engine; the beat's valid/ready/last are as for tdata.\n",
          e->vec_in ? "s_vec" : "", e->vec_in && e->vec_out ? " and " : "", e->vec_out ? "m_vec" : "");
    if (e->latency) w(o, "// A job accepted in cycle c has its result on m_axis from cycle c+%d.\n", e->latency);
    w(o, "`resetall\n`timescale 1ns / 1ps\n`default_nettype none\n\n");
    bool tables = e->kind != ENG_FLATTEN && e->kind != ENG_REVERSE && e->kind != ENG_BUFFER;
    w(o, "module %s #(\n", e->name);
    if (!tables) w(o, "    /* verilator lint_off UNUSEDPARAM */\n");
    w(o, "    parameter MEM_PATH = \"mem/\"  // where the $readmemh tables are%s\n", tables ? "" : " (none here)");
    if (!tables) w(o, "    /* verilator lint_on UNUSEDPARAM */\n");
    w(o, ") (\n");
    w(o, "    input  wire clk,\n    input  wire rst,\n");
    if (e->mac_owner) { /* the matrix product's MACs, shared in the top (lower_share) */
        int nm = e->mvm.n_mult;
        w(o, "    output wire [%d:0] mac_en,\n    output wire [%d:0] mac_first,\n", nm - 1, nm - 1);
        w(o, "    output wire [%d:0] mac_a,\n    output wire [%d:0] mac_b,\n    input  wire [%d:0] mac_acc,\n",
          nm * e->mvm.op_t.w - 1, nm * e->mvm.w_t.w - 1, nm * e->mvm.guard_w - 1);
    }
    if (e->rom_depth) /* its schedule ROM, lent to its guests (lower_share_roms) */
        w(o, "    input  wire rom_g_rd,\n    input  wire [%d:0] rom_g_addr,\n    output wire [%d:0] rom_g_data,\n",
          clog2i(e->rom_depth) - 1, rom_word_w(e) - 1);
    if (e->rom_base) /* its words, in its host's schedule ROM */
        w(o, "    output wire rom_rd,\n    output wire [%d:0] rom_addr,\n    input  wire [%d:0] rom_data,\n",
          clog2i(o->n->eng[e->mac_host].rom_depth) - 1, rom_word_w(e) - 1);
    w(o, "    input  wire s_axis_tvalid,\n    output wire s_axis_tready,\n");
    if (e->vec_in)
        w(o, "    input  wire s_vec_we,\n    input  wire [%d:0] s_vec_addr,\n    input  wire [%d:0] s_vec_data,\n",
          vec_addr_w(e->in_n) - 1, e->in_t.w - 1);
    else w(o, "    input  wire [%d:0] s_axis_tdata,\n", inb - 1);
    w(o, "    input  wire s_axis_tlast,\n");
    w(o, "    output wire m_axis_tvalid,\n    input  wire m_axis_tready,\n");
    if (e->vec_out)
        w(o, "    output wire m_vec_we,\n    output wire [%d:0] m_vec_addr,\n    output wire [%d:0] m_vec_data,\n",
          vec_addr_w(e->out_n) - 1, e->out_t.w - 1);
    else w(o, "    output wire [%d:0] m_axis_tdata,\n", outb - 1);
    w(o, "    output wire m_axis_tlast\n);\n");
}

static void module_close(Out *o) { w(o, "\nendmodule\n\n`resetall\n"); }

/* The job controller of every engine that maps one beat to one result (rnnc_job_ctrl, the
 * timing contract): `emits` says whether this job produces an output beat; last_one: every
 * output beat is a last one. Defines start, busy, cnt, done, job_emit, job_last, done_emit. */
static void map_control(Out *o, const Engine *e, const char *emits, bool last_one)
{
    int L = e->latency, cw = job_cnt_w(e);
    if (eng_period(e) < L)
        w(o, "\n    // ---- control: result after %d cycles; the next job may start %d cycles after this one\n", L,
          eng_period(e));
    else w(o, "\n    // ---- control: one job at a time, result after %d cycles\n", L);
    w(o, "    wire start, busy, done, job_emit, job_last, done_emit;\n    wire [%d:0] cnt;\n", cw - 1);
    char period[64] = "";
    if (eng_period(e) < L) snprintf(period, sizeof period, ", .PERIOD(%d)", eng_period(e));
    if (e->first_period) snprintf(period + strlen(period), sizeof period - strlen(period), ", .FIRST_PERIOD(%d)", e->first_period);
    w(o, "    wire tail_on, tail_emit, tail_last, ctrl_first, ctrl_start_first;\n    wire [%d:0] tcnt;\n", cw - 1);
    w(o, "    rnnc_job_ctrl #(.LATENCY(%d), .ACK_OFF(%d), .LAST_ONE(%d), .CNT_W(%d)%s) u_ctrl (.clk(clk), .rst(rst),\n"
         "        .s_valid(s_axis_tvalid), .s_ready(s_axis_tready), .s_last(s_axis_tlast), .emits(%s),\n"
         "        .m_valid(m_axis_tvalid), .m_ready(m_axis_tready), .m_last(m_axis_tlast), .start(start), .busy(busy),\n"
         "        .cnt(cnt), .done(done), .job_emit(job_emit), .job_last(job_last), .done_emit(done_emit)",
      L, e->ack_off, last_one, cw, period, emits);
    w(o, ",\n        .tail_on(tail_on), .tcnt(tcnt), .tail_emit(tail_emit), .tail_last(tail_last), .job_first(ctrl_first),\n"
         "        .start_first(ctrl_start_first));\n");
    /* not every engine reads every one */
    w(o, "    /* verilator lint_off UNUSEDSIGNAL */\n    wire unused_ctrl = &{1'b0, start, busy, cnt, done, job_emit, job_last, done_emit, tail_on, tcnt, tail_emit, tail_last, ctrl_first, ctrl_start_first};\n"
         "    /* verilator lint_on UNUSEDSIGNAL */\n");
}

static char *elem(const char *vec, int i, int width)
{
    char *s = xcalloc(MAX_EXPR, 1);
    snprintf(s, MAX_EXPR, "%s[%d:%d]", vec, (i + 1) * width - 1, i * width);
    return s;
}

static char **elems_of(const char *vec, int n, int width)
{
    char **ops = xcalloc((size_t)n + 1, sizeof *ops);
    for (int k = 0; k < n; k++) ops[k] = elem(vec, k, width);
    return ops;
}

static void free_strs(char **s, int n)
{
    for (int k = 0; k < n && s; k++) free(s[k]);
    free(s);
}


/* Direct form: one activation per multiplier, applied to each sum as it is captured; the
 * result goes to its output register act_lat cycles later (same timing as the tree form).
 * Defines y_<m> (activated), wv_<m>[act_lat] (its strobe) and wi_<m>[act_lat] (its index). */
static void dense_direct_act(Out *o, const Engine *e, const MvmSigs *sg, const ActParams *ap)
{
    int A_lat = o->n->act_lat;
    const MvmPlan *pl = sg->plan;
    w(o, "\n    // ---- activation per multiplier, on each captured sum\n");
    for (int m = 0; m < pl->n_mult; m++) {
        int pcw = pl->mult[m].cap_w;
        char inst[32], en[32], in[32], y[32];
        snprintf(inst, sizeof inst, "u_act_%d", m);
        snprintf(en, sizeof en, "wv_%d[0]", m);
        snprintf(in, sizeof in, "cap_r_%d", m);
        snprintf(y, sizeof y, "y_%d", m);
        w(o, "    wire [%d:0] %s;\n", e->out_t.w - 1, y);
        act_inst(o, ap, signed_of(e->mvm.accum.w, fx_frac(e->mvm.accum)), e->out_t, inst, en, in, y);
        /* the captured sum registered, then its strobe and index delayed to the activation's output */
        w(o, "    reg [%d:0] cap_r_%d;\n    reg [%d:0] wv_%d;\n    reg [%d:0] wi_%d [0:%d];\n", e->mvm.accum.w - 1, m, A_lat,
          m, pcw - 1, m, A_lat);
        w(o, "    always @(posedge clk) begin\n        cap_r_%d <= %s;\n        wv_%d[0] <= %s;\n"
             "        wi_%d[0] <= %s;\n", m, sg->cap[m].s, m, sg->cap_valid[m].s, m, sg->cap_idx[m].s);
        for (int d = 1; d <= A_lat; d++)
            w(o, "        wv_%d[%d] <= wv_%d[%d];\n        wi_%d[%d] <= wi_%d[%d];\n", m, d, m, d - 1, m, d, m, d - 1);
        w(o, "    end\n");
    }
}

/* A memory link from one multiplier (captures in output order): the activated sums go out as
 * writes. Several: dense_link_chain. */
static void dense_link_out(Out *o, const Engine *e, const MvmPlan *pl)
{
    int A_lat = o->n->act_lat, aw = vec_addr_w(e->out_n);
    if (pl->mult[0].n_caps != e->out_n || aw != pl->mult[0].cap_w) BUG("memory link of %d captures", pl->mult[0].n_caps);
    for (int i = 0; i < pl->mult[0].n_caps; i++)
        if (pl->mult[0].cap_out[i] != i) BUG("capture %d is output %d", i, pl->mult[0].cap_out[i]);
    w(o, "    assign m_vec_we = wv_0[%d];\n    assign m_vec_addr = wi_0[%d];\n    assign m_vec_data = y_0;\n", A_lat, A_lat);
}

/* A memory link of several multipliers (eng_link_chain): the captured sums go down a chain of
 * one position per multiplier. Position m loads multiplier m's capture (its sum, its output's
 * address, a valid bit) or else takes position m+1's; position 0 enters the engine's one
 * activation, whose result is the link's write. Multiplier m's sum thus reaches the activation
 * m cycles after its capture and is written m cycles later, as plan_link_ok times it. A load
 * never lands on a sum in transit: that sum and the loaded one would be written in the same
 * cycle, which plan_link_ok excludes. One activation (one table) instead of n_mult. */
static void dense_link_chain(Out *o, const Engine *e, const MvmSigs *sg, const ActParams *ap)
{
    const MvmPlan *pl = sg->plan;
    int A_lat = o->n->act_lat, aw = vec_addr_w(e->out_n), M = pl->n_mult, W = e->mvm.accum.w;
    w(o, "\n    // ---- memory link: the captured sums down a chain, position 0 into the activation,\n"
         "    // multiplier m's written m cycles after its capture\n");
    for (int m = 0; m < M; m++) {
        const MultPlan *mp = &pl->mult[m];
        for (int i = 0; i < mp->n_caps; i++)
            if (mp->cap_out[i] != mp->cap_out[0] + i) BUG("link: capture %d of multiplier %d is output %d", i, m, mp->cap_out[i]);
        if (mp->cap_w > aw) BUG("link: capture index of %d bits, address of %d", mp->cap_w, aw);
        w(o, "    reg [%d:0] ch_d_%d;\n    reg [%d:0] ch_a_%d;\n    reg ch_v_%d;\n", W - 1, m, aw - 1, m, m);
    }
    w(o, "    always @(posedge clk) begin\n");
    for (int m = 0; m < M; m++) {
        const MultPlan *mp = &pl->mult[m];
        char idx[MAX_EXPR];
        if (mp->cap_w < aw) snprintf(idx, sizeof idx, "{%d'd0, %s}", aw - mp->cap_w, sg->cap_idx[m].s);
        else snprintf(idx, sizeof idx, "%s", sg->cap_idx[m].s);
        w(o, "        if (%s) begin\n            ch_d_%d <= %s;\n            ch_a_%d <= %d'd%d + %s;\n        end",
          sg->cap_valid[m].s, m, sg->cap[m].s, m, aw, mp->n_caps ? mp->cap_out[0] : 0, idx);
        if (m + 1 < M)
            w(o, " else begin\n            ch_d_%d <= ch_d_%d;\n            ch_a_%d <= ch_a_%d;\n        end\n", m, m + 1, m,
              m + 1);
        else
            w(o, "\n");
        /* the valid bits reset: the chain's first loads after reset must not meet a stale one */
        if (m + 1 < M) w(o, "        ch_v_%d <= !rst && (%s || ch_v_%d);\n", m, sg->cap_valid[m].s, m + 1);
        else w(o, "        ch_v_%d <= !rst && %s;\n", m, sg->cap_valid[m].s);
    }
    w(o, "    end\n");
    w(o, "    wire [%d:0] y_0;\n", e->out_t.w - 1);
    act_inst(o, ap, signed_of(W, fx_frac(e->mvm.accum)), e->out_t, "u_act_0", "ch_v_0", "ch_d_0", "y_0");
    /* the strobe and address delayed to the activation's output: the write */
    w(o, "    reg [%d:1] lk_v;\n", A_lat);
    for (int d = 1; d <= A_lat; d++) w(o, "    reg [%d:0] lk_a_%d;\n", aw - 1, d);
    w(o, "    always @(posedge clk) begin\n        lk_v[1] <= !rst && ch_v_0;\n        lk_a_1 <= ch_a_0;\n");
    for (int d = 2; d <= A_lat; d++) w(o, "        lk_v[%d] <= !rst && lk_v[%d];\n        lk_a_%d <= lk_a_%d;\n", d, d - 1, d, d - 1);
    w(o, "    end\n    assign m_vec_we = lk_v[%d];\n    assign m_vec_addr = lk_a_%d;\n    assign m_vec_data = y_0;\n", A_lat,
      A_lat);
}

/* Direct form's outputs: a memory link (dense_link_out) or a register per output. */
static void dense_direct_out(Out *o, const Engine *e, const MvmPlan *pl)
{
    int A_lat = o->n->act_lat;
    if (e->vec_out) {
        dense_link_out(o, e, pl);
        return;
    }
    for (int m = 0; m < pl->n_mult; m++) {
        const MultPlan *mp = &pl->mult[m];
        for (int i = 0; i < mp->n_caps; i++) {
            int j = mp->cap_out[i];
            w(o, "    reg [%d:0] out_%d;\n    always @(posedge clk) if (wv_%d[%d] && wi_%d[%d] == %d'd%d) out_%d <= y_%d;\n",
              e->out_t.w - 1, j, m, A_lat, m, A_lat, mp->cap_w, i, j, m);
        }
    }
    w(o, "    assign m_axis_tdata = {");
    for (int j = e->out_n - 1; j >= 0; j--) w(o, "out_%d%s", j, j ? ", " : "};\n");
}

static void emit_dense(Out *o, const Engine *e)
{
    const Mvm *v = &e->mvm;
    map_control(o, e, "1'b1", false);
    /* rf 1: s_axis_tdata read in the start cycle; rf > 1: held until taken */
    MvmIn in = {.pfx = "mv", .off = 0, .serial = true, .op = elems_of("s_axis_tdata", v->n_in, e->in_t.w),
                .shared = e->mac_owner > 0, .reset_strobes = eng_link_chain(e)};
    if (e->vec_in) {
        /* the input vector arrives in this memory, converted to the operand type as written */
        char al[MAX_EXPR];
        align(al, sizeof al, "s_vec_data", e->in_t, v->op_t);
        w(o, "\n    // ---- the input vector, written element by element by the previous engine\n");
        w(o, "    (* no_rw_check *) reg [%d:0] in_mem [0:%d];\n    always @(posedge clk) if (s_vec_we) in_mem[s_vec_addr] <= %s;\n",
          v->op_t.w - 1, e->in_n - 1, al);
        in.op_mem = "in_mem";
    }
    MvmSigs sg = emit_mvm(o, v, &in);
    /* the projections and pre-softmax sums only cast (KIND 0) */
    ActParams ap = act_params(o, e->layer, e->act_none ? ACT_LINEAR : e->act);
    if (sg.plan->direct && eng_link_chain(e)) {
        dense_link_chain(o, e, &sg, &ap);
    } else if (sg.plan->direct) {
        dense_direct_act(o, e, &sg, &ap);
        dense_direct_out(o, e, sg.plan);
    } else {
        w(o, "\n    // ---- activation, entered when the sums are ready\n");
        char at[64];
        w(o, "    wire act_en = %s;\n", job_at(at, sizeof at, e, v->latency));
        for (int j = 0; j < e->out_n; j++) {
            char inst[32], out[64];
            snprintf(inst, sizeof inst, "u_act_%d", j);
            snprintf(out, sizeof out, "m_axis_tdata[%d:%d]", (j + 1) * e->out_t.w - 1, j * e->out_t.w);
            act_inst(o, &ap, signed_of(v->accum.w, fx_frac(v->accum)), e->out_t, inst, "act_en", sg.acc[j].s, out);
        }
    }
    mvm_sigs_free(&sg);
    free_strs(in.op, v->n_in);
}

static void emit_act_engine(Out *o, const Engine *e)
{
    map_control(o, e, "1'b1", false);
    ActParams ap = act_params(o, e->layer, e->act);
    for (int j = 0; j < e->out_n; j++) {
        char inst[32], in[64], out[64];
        snprintf(inst, sizeof inst, "u_act_%d", j);
        snprintf(in, sizeof in, "s_axis_tdata[%d:%d]", (j + 1) * e->in_t.w - 1, j * e->in_t.w);
        snprintf(out, sizeof out, "m_axis_tdata[%d:%d]", (j + 1) * e->out_t.w - 1, j * e->out_t.w);
        act_inst(o, &ap, e->in_t, e->out_t, inst, "start", in, out);
    }
}

/* Where a lane input comes from: a signal per unit (through the lane multiplexer) or a
 * bank (memory) read at the slot. */
typedef struct {
    Sig *unit;              /* [units], or NULL */
    Sig bank;               /* when unit is NULL */
} LaneSrc;

/* A lane input: unit s*E+l's value at slot s, registered. The select is the slot decode's
 * one-hot register (slot_decode), so the multiplexer is an AND-OR of flip-flop outputs: on
 * iCE40 three LUT levels for 20 slots where a binary select takes five (the GRU(20) cell's
 * critical path). Outside the slots every select bit is 0 and the input 0: the lanes' results
 * are written back only in their slots. */
static void lane_mux(Out *o, const Engine *e, const char *sel, const char *dst, int width, int lane, const Sig *src)
{
    int S = e->slots, E = e->lanes, u = e->layer->units;
    w(o, "    reg [%d:0] %s;\n", width - 1, dst);
    if (S == 1) {
        w(o, "    always @* %s = %s;\n", dst, src[lane].s);
        return;
    }
    w(o, "    always @(posedge clk)\n        %s <= ", dst);
    for (int s = 0; s < S && s * E + lane < u; s++)
        w(o, "%s{%d{%s_oh[%d]}} & %s", s ? "\n            | " : "", width, sel, s, src[s * E + lane].s);
    w(o, ";\n");
}

/* A lane input read from a bank (memory) at the slot: registered like lane_mux's. */
static void bank_read(Out *o, const char *sel, const char *dst, int width, const char *mem)
{
    w(o, "    reg [%d:0] %s;\n    always @(posedge clk) %s <= %s[%s];\n", width - 1, dst, dst, mem, sel);
}

static void lane_input(Out *o, const Engine *e, const char *sel, const char *dst, int width, int lane, const LaneSrc *src)
{
    if (src->unit) lane_mux(o, e, sel, dst, width, lane, src->unit);
    else bank_read(o, sel, dst, width, src->bank.s);
}

/* The decode "slot s of a phase whose slot 0 is at job cycle t0" (job cycle t0 + K * s for K
 * cycles, K = lane_ii: 1, or the cycles between a serial lane's units), as registers started a
 * cycle early by job cycle t0 - 1 (t0 >= 2): NAME_oh, one-hot (bit s set in slot s: the lane
 * multiplexers' selects and the write enables straight from flip-flops; with K = 1 a shift
 * register of the start), and the binary slot counter NAME (memory addresses), stopped after
 * slot S - 1 (NAME_on); with K > 1 also the cycle within a slot (NAME_ph) and NAME_first, a
 * slot's first cycle (a unit enters, a result is written). Job cycle t0 - 1 is itself a
 * register (NAME_go, the decode of t0 - 2) when t0 >= 3: the 11-bit equality on cnt and the
 * phase's first-slot logic were one path on the UP5K. No comparison or subtraction on cnt: on
 * iCE40 those share carry chains with the job counter, which the packer then splits into slow
 * pieces. */
static void slot_decode(Out *o, const Engine *e, const char *name, int t0)
{
    int L = e->latency, S = e->slots, sw = clog2i(S) < 1 ? 1 : clog2i(S);
    int K = e->lane_ii > 1 ? e->lane_ii : 1, pw = clog2i(K);
    const char *ind = K > 1 ? "    " : ""; /* the slot's steps sit inside the phase's test */
    char at[64];
    if (t0 < 2 || t0 + K * (S - 1) + 1 > L) BUG("slot phase at job cycle %d, %d slots of %d cycles, latency %d", t0, S, K, L);
    if (t0 >= 3) {
        w(o, "    reg %s_go;\n    always @(posedge clk) %s_go <= !rst && %s;\n", name, name, job_end_at(at, sizeof at, e, t0 - 2));
        snprintf(at, sizeof at, "%s_go", name);
    } else job_end_at(at, sizeof at, e, t0 - 1);
    w(o, "    reg %s_on;\n    reg [%d:0] %s;\n", name, sw - 1, name);
    /* with K > 1, NAME_first (NAME_on && NAME_ph == 0) is a register of its own, loaded with
     * that condition's next value: the write enables of h and c then start at a flip-flop (the
     * UP5K LSTM(20) at reuse 312 missed 48 MHz on the decode of NAME_ph into them) */
    if (K > 1) w(o, "    reg [%d:0] %s_ph;\n    reg %s_first;\n", pw - 1, name, name);
    w(o, "    reg [%d:0] %s_oh;\n", S - 1, name);
    w(o, "    always @(posedge clk) begin\n");
    w(o, "        if (%s) begin\n            %s_on <= 1'b1;\n            %s <= %d'd0;\n", at, name, name, sw);
    if (K > 1) w(o, "            %s_ph <= %d'd0;\n            %s_oh <= %d'd1;\n            %s_first <= 1'b1;\n", name, pw, name, S, name);
    w(o, "        end else if (%s_on) begin\n", name);
    if (K > 1) w(o, "            if (%s_ph == %d'd%d) begin\n                %s_ph <= %d'd0;\n", name, pw, K - 1, name, pw);
    if (S > 1) w(o, "%s            %s <= %s + %d'd1;\n", ind, name, name, sw);
    if (K > 1 && S > 1) w(o, "                %s_oh <= {%s_oh[%d:0], 1'b0};\n", name, name, S - 2);
    else if (K > 1) w(o, "                %s_oh <= 1'b0;\n", name);
    w(o, "%s            if (%s == %d'd%d) %s_on <= 1'b0;\n", ind, name, sw, S - 1, name);
    if (K > 1) w(o, "                %s_first <= %s != %d'd%d;\n", name, name, sw, S - 1);
    if (K > 1) w(o, "            end else begin\n                %s_ph <= %s_ph + %d'd1;\n                %s_first <= 1'b0;\n"
                    "            end\n", name, name, pw, name);
    w(o, "        end\n");
    if (K > 1) w(o, "        else %s_first <= 1'b0;\n", name);
    if (K == 1 && S > 1) w(o, "        %s_oh <= {%s_oh[%d:0], %s};\n", name, name, S - 2, at);
    else if (K == 1) w(o, "        %s_oh <= %s;\n", name, at);
    w(o, "        if (rst) begin\n            %s_on <= 1'b0;\n            %s_oh <= %d'd0;\n", name, name, S);
    if (K > 1) w(o, "            %s_first <= 1'b0;\n", name);
    w(o, "        end\n    end\n");
    /* a phase may use only some of the forms */
    char first[80] = "";
    if (K > 1) snprintf(first, sizeof first, ", %s_first", name);
    w(o, "    /* verilator lint_off UNUSEDSIGNAL */\n    wire unused_%s = &{1'b0, %s_on, %s, %s_oh%s};\n"
         "    /* verilator lint_on UNUSEDSIGNAL */\n", name, name, name, name, first);
}

/* The condition "slot phase NAME is in the first cycle of slot k" (the write enables): its
 * one-hot bit, and NAME_first for lanes that take a unit every lane_ii > 1 cycles. */
static const char *slot_hit(char *buf, size_t n, const Engine *e, const char *name, int k)
{
    if (e->lane_ii > 1) snprintf(buf, n, "%s_first && %s_oh[%d]", name, name, k);
    else snprintf(buf, n, "%s_oh[%d]", name, k);
    return buf;
}

/* The condition "slot phase NAME is in a slot's first cycle": NAME_on, or NAME_first for lanes
 * that take a unit every lane_ii > 1 cycles. */
static const char *slot_go(char *buf, size_t n, const Engine *e, const char *name)
{
    snprintf(buf, n, "%s_%s", name, e->lane_ii > 1 ? "first" : "on");
    return buf;
}

/* ---- recurrent cells ---- */

/* The signals of a cell engine. */
typedef struct {
    bool banked;            /* plan_cell_banked */
    const MvmSigs *pm;      /* banked, one bank per multiplier (plan_cell_opts): the product's
                             * signals; output j (gate g of unit u: j = g * units + u) sits in bank
                             * plan->out[j].part_m[0], at word part_idx[0] */
    Sig *h, *c, *rh;        /* [units]: h state, c state (LSTM, not banked), r*h (GRU ra=0) */
    LaneSrc pre[4];         /* lane inputs from the products: LSTM i f g o; GRU z r (xw hu with
                             * reset_after); GRU reset_after=0 z, then hh; SimpleRNN the sum */
    ActParams act, ract;    /* the tables of the activation and the recurrent activation */
} CellSigs;

static Sig *new_sigs(int n) { return xcalloc((size_t)n + 1, sizeof(Sig)); }

/* State: h (and c) per unit, cleared after the last timestep of a sequence. */
static void cell_state(Out *o, const Engine *e, CellSigs *cs)
{
    const Layer *l = e->layer;
    int u = l->units;
    FxType R = l->ty.result, St = l->ty.state;
    bool lstm = l->kind == L_LSTM, gru_ra0 = l->kind == L_GRU && !l->reset_after;
    w(o, "\n    // ---- state: h%s per unit; %d lanes x %d slots of elementwise cells\n", lstm ? " and c" : "", e->lanes,
      e->slots);
    for (int j = 0; j < u; j++) {
        cs->h[j] = sig("h_state_%d", j);
        w(o, "    reg [%d:0] %s;\n", R.w - 1, cs->h[j].s);
        if (lstm && !cs->banked) {
            cs->c[j] = sig("c_state_%d", j);
            w(o, "    reg [%d:0] %s;\n", St.w - 1, cs->c[j].s);
        }
        if (gru_ra0) {
            cs->rh[j] = sig("rh_%d", j);
            w(o, "    reg [%d:0] %s;\n", R.w - 1, cs->rh[j].s);
        }
    }
    if (lstm && cs->banked) {
        /* c in a memory: it cannot be cleared by rst, so the first step of a sequence (after
         * rst or after a last step: rnnc_job_ctrl's job_first) reads c_prev as 0 instead */
        w(o, "    (* no_rw_check *) reg [%d:0] c_mem [0:%d];\n", St.w - 1, u - 1);
        if (eng_period(e) < e->latency) {
            /* overlapped steps: the next start (from the period on) overwrites job_first while
             * the lanes still read c; a copy taken in the head holds it for them */
            char at[64];
            int jc = e->cell_start < eng_period(e) - 1 ? e->cell_start : eng_period(e) - 1;
            w(o, "    reg lane_first;\n    always @(posedge clk) if (%s) lane_first <= ctrl_first;\n",
              job_at(at, sizeof at, e, jc));
        }
    }
    if (e->h_fwd) return; /* the products read h_fwd (cell_writeback) */
    w(o, "    wire [%d:0] h_state = {", u * R.w - 1);
    for (int j = u - 1; j >= 0; j--) w(o, "%s%s", cs->h[j].s, j ? ", " : "};\n");
}

/* Per-unit names of the products' outputs, as lane sources. */
static void cell_unit_names(Out *o, const Engine *e, const MvmSigs *sg, CellSigs *cs)
{
    const Layer *l = e->layer;
    int u = l->units, A_w = l->ty.accum.w, n_src = l->kind == L_LSTM ? 4 : l->kind == L_GRU ? 2 + 2 * l->reset_after : 1;
    bool lstm = l->kind == L_LSTM, gru = l->kind == L_GRU;
    for (int g = 0; g < n_src; g++) {
        if (!cs->banked) cs->pre[g].unit = new_sigs(u);
        else if (!sg->plan->opt.bank_per_mult) cs->pre[g].bank = sg->bank[g];
    }
    if (cs->banked && sg->plan->opt.bank_per_mult) cs->pm = sg;
    for (int j = 0; j < u && !cs->banked; j++) {
        if (l->kind == L_SIMPLE_RNN) cs->pre[0].unit[j] = sg->acc[j];
        for (int g = 0; g < 4 && lstm; g++) {
            cs->pre[g].unit[j] = sig("mv_acc_%d_%c", j, "ifgo"[g]);
            w(o, "    wire [%d:0] %s = %s;\n", A_w - 1, cs->pre[g].unit[j].s, sg->acc[g * u + j].s);
        }
        if (gru) {
            cs->pre[0].unit[j] = sig("mv_acc_%d_z", j);
            cs->pre[1].unit[j] = sig("mv_acc_%d_r", j);
            w(o, "    wire [%d:0] %s = %s;\n    wire [%d:0] %s = %s;\n", A_w - 1, cs->pre[0].unit[j].s, sg->acc[j].s,
              A_w - 1, cs->pre[1].unit[j].s, sg->acc[u + j].s);
        }
        if (gru && l->reset_after) {
            cs->pre[2].unit[j] = sig("xw_h_%d", j);
            cs->pre[3].unit[j] = sig("hu_h_%d", j);
            if (e->split) w(o, "    wire [%d:0] %s = x_reg[%d:%d];\n", A_w - 1, cs->pre[2].unit[j].s, (2 * u + j + 1) * A_w - 1, (2 * u + j) * A_w);
            else w(o, "    wire [%d:0] %s = %s;\n", A_w - 1, cs->pre[2].unit[j].s, sg->acc[2 * u + j].s);
            w(o, "    wire [%d:0] %s = %s;\n", A_w - 1, cs->pre[3].unit[j].s, sg->acc[(e->split ? 2 : 3) * u + j].s);
        }
    }
}

/* "<module> #(<the parameters every cell has><more>, <RACT_ table>[, <ACT_ table>]" */
static void cell_open(Out *o, const Engine *e, const char *module, const char *more, const CellSigs *cs, bool with_act)
{
    FxType R = e->layer->ty.result, A = e->layer->ty.accum;
    w(o, "    %s #(.TABLE_REG(%d), .ACC_W(%d), .ACC_F(%d), .R_W(%d), .R_F(%d), .R_SIGNED(%d), .R_ROUND(%d), "
         ".R_SATURATE(%d)%s, ", module, o->n->table_reg, A.w, fx_frac(A), R.w, fx_frac(R), R.sgn, R.q, fx_rtl_sat(R), more);
    act_inst_params(o, "RACT_", &cs->ract);
    if (with_act) {
        w(o, ", ");
        act_inst_params(o, "ACT_", &cs->act);
    }
}

/* GRU reset_after=0, part 1: rh = r * h into the rh bank, then the second product over it
 * (rh * U_h + xw_h); its sums become the lanes' hh source. */
static void cell_reset_phase(Out *o, const Engine *e, CellSigs *cs, char **extra)
{
    const Layer *l = e->layer;
    int u = l->units, E = e->lanes, lat = e->mvm.latency;
    FxType R = l->ty.result, A = l->ty.accum;
    char dst[64];
    w(o, "\n    // ---- reset lanes: rh = cast_R(ract(pre_r) * h), slots from job cycle %d\n", lat);
    slot_decode(o, e, "rslot", lat);
    for (int ln = 0; ln < E; ln++) {
        w(o, "    // lane %d\n", ln);
        snprintf(dst, sizeof dst, "r_pre_%d", ln);
        lane_mux(o, e, "rslot", dst, A.w, ln, cs->pre[1].unit);
        snprintf(dst, sizeof dst, "r_h_%d", ln);
        lane_mux(o, e, "rslot", dst, R.w, ln, cs->h);
        w(o, "    wire [%d:0] rh_lane_%d;\n", R.w - 1, ln);
        cell_open(o, e, "rnnc_gru_reset", "", cs, false);
        w(o, ") u_reset_%d (.clk(clk), .pre_r(r_pre_%d), .h_prev(r_h_%d), .rh(rh_lane_%d));\n", ln, ln, ln, ln);
    }
    slot_decode(o, e, "rwslot", lat + e->lane_reg + o->n->act_lat + 1);
    for (int j = 0; j < u; j++)
        w(o, "    always @(posedge clk) if (rwslot_oh[%d]) %s <= rh_lane_%d;\n", j / E, cs->rh[j].s, j % E);
    char **ops = xcalloc((size_t)u + 1, sizeof *ops);
    for (int k = 0; k < u; k++) ops[k] = xstrdup(cs->rh[k].s);
    MvmIn in = {.pfx = "mw", .off = e->mvm2_start, .extra = extra, .op = ops};
    MvmSigs sg = emit_mvm(o, &e->mvm2, &in);
    cs->pre[1].unit = new_sigs(u); /* the update lanes take z and hh */
    for (int j = 0; j < u; j++) cs->pre[1].unit[j] = sg.acc[j];
    mvm_sigs_free(&sg);
    free_strs(ops, u);
}

/* Banks per multiplier: each bank's read port, its address the word of the gate that reads it
 * in slot `sel` (a unit's gates sit in different banks: plan_cell_opts), read into pm_rd_<b>
 * (registered, as bank_read). The address is an OR of the slot's one-hot bits (<sel>_oh, one
 * lane: slot = unit), each bit over the slots whose word has it set, 0 outside the slots: on
 * the UP5K LSTM(20) at reuse 312 a case on the binary slot took four LUT levels before the
 * block RAM's address. */
static void per_mult_ports(Out *o, const Engine *e, const MvmSigs *pm, const char *sel)
{
    const MvmPlan *pl = pm->plan;
    int u = e->layer->units, n_g = pl->v->n_out / u;
    if (e->lanes != 1 || e->slots != u) BUG("banks per multiplier with %d lanes of %d slots", e->lanes, e->slots);
    w(o, "    // the gate sums' banks, one per multiplier: each read at the word its gate needs in the slot\n");
    for (int b = 0; b < pl->n_mult; b++) {
        int aw = clog2i(pl->mult[b].n_caps) < 1 ? 1 : clog2i(pl->mult[b].n_caps);
        w(o, "    wire [%d:0] pm_ra_%d;\n", aw - 1, b);
        for (int bit = 0; bit < aw; bit++) {
            int terms = 0;
            w(o, "    assign pm_ra_%d[%d] = 1'b0", b, bit);
            for (int unit = 0; unit < u; unit++)
                for (int g = 0; g < n_g; g++)
                    if (pl->out[g * u + unit].part_m[0] == b && (pl->out[g * u + unit].part_idx[0] >> bit & 1))
                        w(o, "%s%s_oh[%d]", terms++ % 8 == 7 ? "\n        | " : " | ", sel, unit);
            w(o, ";\n");
        }
        w(o, "    reg [%d:0] pm_rd_%d;\n    always @(posedge clk) pm_rd_%d <= %s[pm_ra_%d];\n", pl->v->accum.w - 1, b,
          b, pm->bank[b].s, b);
    }
}

/* Banks per multiplier: gate g's lane input, the read of the bank that holds it in the slot
 * (the bank's number registered beside the read). */
static void per_mult_input(Out *o, const Engine *e, const MvmPlan *pl, const char *sel, const char *dst, int g)
{
    int u = e->layer->units, sw = clog2i(e->slots) < 1 ? 1 : clog2i(e->slots);
    int bw = clog2i(pl->n_mult) < 1 ? 1 : clog2i(pl->n_mult);
    w(o, "    reg [%d:0] %s_b;\n    always @(posedge clk)\n        case (%s)\n", bw - 1, dst, sel);
    for (int unit = 0; unit < u; unit++)
        w(o, "            %d'd%d: %s_b <= %d'd%d;\n", sw, unit, dst, bw, pl->out[g * u + unit].part_m[0]);
    w(o, "            default: %s_b <= %d'd0;\n        endcase\n", dst, bw);
    w(o, "    reg [%d:0] %s;\n    always @* begin\n        %s = pm_rd_0;\n        case (%s_b)\n", pl->v->accum.w - 1, dst,
      dst, dst);
    for (int b = 1; b < pl->n_mult; b++) w(o, "            %d'd%d: %s = pm_rd_%d;\n", bw, b, dst, b);
    w(o, "            default: ;\n        endcase\n    end\n");
}

/* Lane inputs registered twice (lane_reg 2: banks per multiplier, whose read is followed by
 * the bank multiplexer): the first stage's name, DST_s1 (else DST itself) ... */
static const char *stage1(const Engine *e, const char *dst, char *buf, size_t n)
{
    if (e->lane_reg < 2) return dst;
    snprintf(buf, n, "%s_s1", dst);
    return buf;
}

/* ... and the second stage, DST. */
static void stage2(Out *o, const Engine *e, const char *dst, const char *s1, int width)
{
    if (e->lane_reg > 1) w(o, "    reg [%d:0] %s;\n    always @(posedge clk) %s <= %s;\n", width - 1, dst, dst, s1);
}

/* A gate sum's lane input: from the lane multiplexer, its gate's bank, or a multiplier's. */
static void gate_input(Out *o, const Engine *e, const CellSigs *cs, const char *sel, const char *dst, int ln, int g)
{
    int A_w = e->layer->ty.accum.w;
    char buf[80];
    const char *s1 = stage1(e, dst, buf, sizeof buf);
    if (e->mvm.accum.w != A_w) BUG("%s: gate sums of %d bits, lanes of %d", e->name, e->mvm.accum.w, A_w);
    if (cs->pm) per_mult_input(o, e, cs->pm->plan, sel, s1, g);
    else lane_input(o, e, sel, s1, A_w, ln, &cs->pre[g]);
    stage2(o, e, dst, s1, A_w);
}

/* A wavefront's early group (Engine.wave_units: with one slot a lane, lane ln is unit ln) has
 * its own phases, wave_lead cycles before the others': the lanes' (cslot_e), h's and c's
 * write-back (hwslot_e, cwslot_e), the trees' load (mv_tree_ld_e). */
static bool lane_early(const Engine *e, int unit) { return unit < e->wave_units; }

/* The in_valid connection of serial lane ln: its group's lane_go. */
static const char *lane_valid(const Engine *e, int ln)
{
    return lane_early(e, ln) ? ".in_valid(lane_go_e), " : ".in_valid(lane_go), ";
}

/* One lane's cell: h_new_<ln> from the lane inputs at slot `sel`. */
static void cell_lane(Out *o, const Engine *e, const CellSigs *cs, int ln, const char *sel)
{
    const Layer *l = e->layer;
    FxType R = l->ty.result, A = l->ty.accum, St = l->ty.state;
    char dst[64], more[256], buf[80];
    const char *s1;
    static const char *const gru_in[4] = {"z", "r", "xw", "hu"};
    w(o, "    // lane %d: units %d, %d, ...\n", ln, ln, ln + e->lanes);
    w(o, "    wire [%d:0] h_new_%d;\n", R.w - 1, ln);
    if (cs->pm) per_mult_ports(o, e, cs->pm, sel);
    switch (l->kind) {
    case L_SIMPLE_RNN:
        snprintf(dst, sizeof dst, "l%d_pre", ln);
        lane_input(o, e, sel, dst, A.w, ln, &cs->pre[0]);
        char inst[32], h[32];
        snprintf(inst, sizeof inst, "u_act_%d", ln);
        snprintf(h, sizeof h, "h_new_%d", ln);
        act_inst(o, &cs->act, signed_of(A.w, fx_frac(A)), R, inst, "1'b1", dst, h);
        break;
    case L_LSTM:
        for (int g = 0; g < 4; g++) {
            snprintf(dst, sizeof dst, "l%d_pre_%c", ln, "ifgo"[g]);
            gate_input(o, e, cs, sel, dst, ln, g);
        }
        snprintf(dst, sizeof dst, "l%d_c_prev", ln);
        s1 = stage1(e, dst, buf, sizeof buf);
        if (cs->banked) {
            bank_read(o, sel, "l0_c_rd", St.w, "c_mem");
            w(o, "    wire [%d:0] %s = %s ? %d'd0 : l0_c_rd;\n", St.w - 1, s1,
              eng_period(e) < e->latency ? "lane_first" : "ctrl_first", St.w);
        } else lane_mux(o, e, sel, s1, St.w, ln, cs->c);
        stage2(o, e, dst, s1, St.w);
        w(o, "    wire [%d:0] c_new_%d;\n", St.w - 1, ln);
        snprintf(more, sizeof more, ", .S_W(%d), .S_F(%d), .S_ROUND(%d), .S_SATURATE(%d)", St.w, fx_frac(St), St.q, fx_rtl_sat(St));
        if (e->lane_ii == 1 && e->oa_reg != o->n->table_reg) /* rnnc_lstm_cell's default: TABLE_REG */
            snprintf(more + strlen(more), sizeof more - strlen(more), ", .OA_REG(%d)", e->oa_reg);
        cell_open(o, e, e->lane_ii > 1 ? "rnnc_lstm_cell_serial" : "rnnc_lstm_cell", more, cs, true);
        w(o, ") u_cell_%d (.clk(clk), %s.pre_i(l%d_pre_i), .pre_f(l%d_pre_f), .pre_g(l%d_pre_g), .pre_o(l%d_pre_o), "
             ".c_prev(l%d_c_prev), .c_new(c_new_%d), .h_new(h_new_%d));\n", ln, e->lane_ii > 1 ? lane_valid(e, ln) : "",
          ln, ln, ln, ln, ln, ln, ln);
        break;
    default: /* GRU */
        for (int k = 0; k < (l->reset_after ? 4 : 2); k++) {
            snprintf(dst, sizeof dst, "l%d_%s", ln, l->reset_after ? gru_in[k] : k ? "hh" : "z");
            gate_input(o, e, cs, sel, dst, ln, k);
        }
        snprintf(dst, sizeof dst, "l%d_h_prev", ln);
        s1 = stage1(e, dst, buf, sizeof buf);
        lane_mux(o, e, sel, s1, R.w, ln, cs->h);
        stage2(o, e, dst, s1, R.w);
        if (l->reset_after) {
            FxType G = layer_gate_type(l);
            int k = snprintf(more, sizeof more, ", .A_ROUND(%d), .A_SATURATE(%d)", A.q, fx_rtl_sat(A));
            if (!fx_equal(G, R)) /* hls4ml numerics: the gates in accum (else the cell's default, R) */
                snprintf(more + k, sizeof more - (size_t)k, ", .G_W(%d), .G_F(%d), .G_SIGNED(%d), .G_ROUND(%d), "
                         ".G_SATURATE(%d)", G.w, fx_frac(G), G.sgn, G.q, fx_rtl_sat(G));
            if (e->lane_ii > 1 && !e->lane_align3) /* one unit per step: z * hh at 2A+2 */
                snprintf(more + strlen(more), sizeof more - strlen(more), ", .ALIGN3(0)");
            if (e->lane_ii > 1 && e->lane_hh_direct) /* pre_hh unregistered: z * hh from 2A+1 */
                snprintf(more + strlen(more), sizeof more - strlen(more), ", .PRE_HH_REG(0)");
            if (e->zh_lut) /* z * h_prev in logic (lane_multipliers 2), z's rows as its table needs */
                snprintf(more + strlen(more), sizeof more - strlen(more), ", .ZH_LUT(1), .Z_UBITS(%d)",
                         act_ubits(l, l->ract));
            cell_open(o, e, e->lane_ii > 1 ? "rnnc_gru_cell_serial" : "rnnc_gru_cell", more, cs, true);
            w(o, ") u_cell_%d (.clk(clk), %s.pre_z(l%d_z), .pre_r(l%d_r), .xw_h(l%d_xw), .hu_h(l%d_hu), "
                 ".h_prev(l%d_h_prev), .h_new(h_new_%d));\n", ln, e->lane_ii > 1 ? lane_valid(e, ln) : "", ln, ln,
              ln, ln, ln, ln);
        } else {
            cell_open(o, e, "rnnc_gru_update", "", cs, true);
            w(o, ") u_update_%d (.clk(clk), .pre_z(l%d_z), .pre_hh(l%d_hh), .h_prev(l%d_h_prev), .h_new(h_new_%d));\n",
              ln, ln, ln, ln, ln);
        }
        break;
    }
}

/* The units of a write-back phase: a wavefront's early group, or the rest (all without one). */
static bool phase_unit(const Engine *e, int early, int j) { return lane_early(e, j) == (early != 0); }

/* c_new's write-back of the units of one phase (phase_unit): A+2 cycles after a unit enters, A+3
 * in the serial lane. */
static void cell_write_c(Out *o, const Engine *e, const CellSigs *cs, int early)
{
    int u = e->layer->units, E = e->lanes, K = e->lane_ii;
    FxType St = e->layer->ty.state;
    char go[64], hit[64], name[16];
    int c0 = e->cell_start - (early ? e->wave_lead : 0) + e->lane_reg + o->n->act_lat + 2 + (K > 1);
    snprintf(name, sizeof name, "cwslot%s", early ? "_e" : "");
    slot_decode(o, e, name, c0);
    slot_go(go, sizeof go, e, name);
    if (cs->banked) w(o, "    always @(posedge clk) if (%s) c_mem[%s] <= c_new_0;\n", go, name);
    for (int j = 0; j < u && !cs->banked; j++)
        if (phase_unit(e, early, j))
            w(o, "    always @(posedge clk) if (rst || %s && %s) %s <= %d'd0; else if (%s) %s <= c_new_%d;\n",
              slot_hit(hit, sizeof hit, e, name, j / E), job_flag(e, c0 + K * (j / E), "last"), cs->c[j].s, St.w,
              hit, cs->c[j].s, j % E);
}

/* h_new's write-back of the units of one phase (phase_unit), and the output register. */
static void cell_write_h(Out *o, const Engine *e, const CellSigs *cs, int early)
{
    int u = e->layer->units, E = e->lanes, K = e->lane_ii;
    FxType R = e->layer->ty.result;
    char hit[64], name[16];
    int h0 = e->cell_start - (early ? e->wave_lead : 0) + e->lane_reg + e->cell_lat;
    snprintf(name, sizeof name, "hwslot%s", early ? "_e" : "");
    slot_decode(o, e, name, h0);
    for (int j = 0; j < u; j++) {
        if (!phase_unit(e, early, j)) continue;
        w(o, "    reg [%d:0] out_%d;\n", R.w - 1, j);
        w(o, "    always @(posedge clk) begin\n        if (rst || %s && %s) %s <= %d'd0;\n"
             "        else if (%s) %s <= h_new_%d;\n",
          slot_hit(hit, sizeof hit, e, name, j / E), job_flag(e, h0 + K * (j / E), "last"), cs->h[j].s, R.w,
          hit, cs->h[j].s, j % E);
        w(o, "        if (%s && %s) out_%d <= h_new_%d;\n    end\n", hit, job_flag(e, h0 + K * (j / E), "emit"), j, j % E);
        if (e->h_fwd) /* a module of its own: one multiplexer per word for every reader (rnnc_write_first) */
            w(o, "    rnnc_write_first #(.W(%d)) u_h_fwd_%d (.we(%s), .clear(%s), .d(h_new_%d), .state(%s), "
                 ".q(h_fwd[%d:%d]));\n", R.w, j, hit, job_flag(e, h0 + K * (j / E), "last"), j % E, cs->h[j].s,
              (j + 1) * R.w - 1, j * R.w);
    }
}

/* Write-back: h_new (and c_new) of slot s is valid cell_lat cycles after the slot entered.
 * A sequence's last step clears the state through the flip-flops' synchronous reset (taken
 * ahead of the enable, as a Xilinx FDRE's R), not through a multiplexer on h_new: that
 * multiplexer was the last LUT of xc7's critical path at the largest reuse (184.9-193.0 MHz;
 * 210.3 without it).
 * Reuse factor > 1 (fused or split): the product has read h long before the write-back, so
 * each unit's h goes straight to the state (and, for an emitting step, to the output) in its
 * slot. Split at reuse factor 1: one cell per unit, all units finish together. */
static void cell_writeback(Out *o, const Engine *e, const CellSigs *cs)
{
    int u = e->layer->units;
    FxType R = e->layer->ty.result;
    w(o, "\n    // ---- write-back\n");
    /* each unit's write happens in a known job cycle: its job flags are the head's or, from
     * the period on (overlapped steps), the tail's (job_flag); a wavefront's early group
     * writes wave_lead cycles before the others, through phases of its own */
    for (int early = 0; early < 1 + (e->wave_units > 0); early++) {
        if (e->layer->kind == L_LSTM) cell_write_c(o, e, cs, early);
        if (!e->split || e->mvm.rf > 1) cell_write_h(o, e, cs, early);
    }
    if (!e->split || e->mvm.rf > 1) {
        w(o, "    assign m_axis_tdata = {");
        for (int j = u - 1; j >= 0; j--) w(o, "out_%d%s", j, j ? ", " : "};\n");
        return;
    }
    int S = e->slots, E = e->lanes;
    if (S > 1 || E != u) BUG("split cells have one slot");
    w(o, "    wire [%d:0] h_final = {", u * R.w - 1);
    for (int j = u - 1; j >= 0; j--) w(o, "h_new_%d%s", j, j ? ", " : "};\n");
    for (int j = 0; j < u; j++)
        w(o, "    always @(posedge clk) if (rst || done && job_last) %s <= %d'd0; else if (done) %s <= h_final[%d:%d];\n",
          cs->h[j].s, R.w, cs->h[j].s, (j + 1) * R.w - 1, j * R.w);
    w(o, "    reg [%d:0] out_reg;\n    assign m_axis_tdata = out_reg;\n", u * R.w - 1);
    w(o, "    always @(posedge clk) if (done && done_emit) out_reg <= h_final;\n");
}

static void emit_cell(Out *o, const Engine *e)
{
    const Layer *l = e->layer;
    const Mvm *v = &e->mvm;
    int u = l->units, n_extra = l->gates * u;
    map_control(o, e, e->emit_all ? "1'b1" : "s_axis_tlast", !e->emit_all);
    if (e->split)
        w(o, "    reg [%d:0] x_reg;\n    always @(posedge clk) if (start) x_reg <= s_axis_tdata;\n", e->in_n * e->in_t.w - 1);
    MvmPlanOpts bank_opt = plan_cell_opts(e);
    CellSigs cs = {.banked = bank_opt.banks > 0, .h = new_sigs(u), .c = new_sigs(u), .rh = new_sigs(u)};
    cell_state(o, e, &cs);

    /* the products: x (fused: read in place) and h; split: the extras are the proj engine's xw */
    char **ops = xcalloc((size_t)v->n_in + 1, sizeof *ops), **extra = xcalloc((size_t)n_extra + 1, sizeof *extra);
    for (int k = 0; k < v->n_a; k++) ops[k] = elem("s_axis_tdata", k, e->in_t.w);
    if (e->h_fwd) w(o, "    wire [%d:0] h_fwd; // h write-first: the value being written (cell_writeback)\n",
                    u * l->ty.result.w - 1);
    for (int k = 0; k < u; k++) ops[v->n_a + k] = elem(e->h_fwd ? "h_fwd" : "h_state", k, l->ty.result.w);
    for (int k = 0; k < n_extra && e->split; k++) extra[k] = elem("x_reg", k, l->ty.accum.w);
    MvmIn in = {.pfx = "mv", .off = 0, .banks = bank_opt.banks, .bank_n = bank_opt.bank_n,
                .bank_per_mult = bank_opt.bank_per_mult, .op = ops, .extra = extra, .shared = e->mac_owner > 0};
    if (e->tree_hold) { /* the last tree stages load in job cycle L_mv - 1 */
        char at[64];
        w(o, "    reg mv_tree_ld; // the gate sums' trees load their last stage (then hold it for the lanes)\n"
             "    always @(posedge clk) mv_tree_ld <= !rst && %s;\n", job_end_at(at, sizeof at, e, v->latency - 2));
        in.tree_ld = "mv_tree_ld";
    }
    if (e->tree_hold && e->wave_units) { /* a wavefront's early group: wave_lead cycles before */
        char at[64];
        w(o, "    reg mv_tree_ld_e; // the early units' trees (wavefront)\n"
             "    always @(posedge clk) mv_tree_ld_e <= !rst && %s;\n", job_end_at(at, sizeof at, e, v->latency - e->wave_lead - 2));
        in.tree_ld_early = "mv_tree_ld_e";
        in.early_units = e->wave_units;
        in.units = l->units;
        in.early_lead = e->wave_lead;
    }
    MvmSigs sg = emit_mvm(o, v, &in);
    if (e->period && plan_cell_period(e, sg.plan) != e->period)
        BUG("plan of %s: period %d, lower.c predicted %d", e->name, plan_cell_period(e, sg.plan), e->period);
    for (int k = 0; k < n_extra && !e->split && sg.acc[k].s[0]; k++) extra[k] = xstrdup(sg.acc[k].s); /* for mvm2 */
    cell_unit_names(o, e, &sg, &cs);

    cs.act = act_params(o, l, l->act);
    if (l->kind != L_SIMPLE_RNN) cs.ract = act_params(o, l, l->ract);
    if (l->kind == L_GRU && !l->reset_after) cell_reset_phase(o, e, &cs, extra);

    w(o, "\n    // ---- update lanes: slots from job cycle %d, h_new %d cycles later\n", e->cell_start, e->cell_lat);
    slot_decode(o, e, "cslot", e->cell_start);
    if (e->lane_ii > 1) /* the serial lanes' in_valid: a slot's first cycle, as their inputs (lane_reg) */
        w(o, e->lane_reg > 1  ? "    reg lane_go_s1, lane_go;\n    always @(posedge clk) begin\n"
                                "        lane_go_s1 <= cslot_first;\n        lane_go <= lane_go_s1;\n    end\n"
             : e->lane_reg ? "    reg lane_go;\n    always @(posedge clk) lane_go <= cslot_first;\n"
                           : "    wire lane_go = cslot_first;\n");
    if (e->wave_units) { /* one slot a lane: no lane registers (lane_reg 0) */
        w(o, "    // the early units' lanes (wavefront): from job cycle %d\n", e->cell_start - e->wave_lead);
        slot_decode(o, e, "cslot_e", e->cell_start - e->wave_lead);
        if (e->lane_ii > 1) w(o, "    wire lane_go_e = cslot_e_first;\n");
    }
    for (int ln = 0; ln < e->lanes; ln++) cell_lane(o, e, &cs, ln, "cslot");
    cell_writeback(o, e, &cs);

    mvm_sigs_free(&sg);
    free_strs(ops, v->n_in);
    free_strs(extra, n_extra);
    for (int g = 0; g < 4; g++) free(cs.pre[g].unit);
    free(cs.h);
    free(cs.c);
    free(cs.rh);
}

/* A stream engine that is one rtl_lib module with the engine's own ports. */
static void stream_inst(Out *o, const char *module, const Engine *e)
{
    w(o, "    %s #(.T(%d), .BW(%d)) u_%s (.clk(clk), .rst(rst),\n", module, e->steps, e->in_n * e->in_t.w, module + 5);
    w(o, "        .s_axis_tvalid(s_axis_tvalid), .s_axis_tready(s_axis_tready), .s_axis_tdata(s_axis_tdata), "
         ".s_axis_tlast(s_axis_tlast),\n");
    w(o, "        .m_axis_tvalid(m_axis_tvalid), .m_axis_tready(m_axis_tready), .m_axis_tdata(m_axis_tdata), "
         ".m_axis_tlast(m_axis_tlast));\n");
}

static void emit_flatten(Out *o, const Engine *e)
{
    w(o, "\n    // ---- collect %d beats; the last one releases the whole sequence\n", e->steps);
    stream_inst(o, "rnnc_flatten", e);
}

static void emit_reverse(Out *o, const Engine *e)
{
    w(o, "\n    // ---- fill %d beats, then send them last-first\n", e->steps);
    stream_inst(o, "rnnc_reverse", e);
}

/* BUFFER: REVERSE's timing, in order (a bidirectional's forward branch keeps pace with the
 * backward one's REVERSE) */
static void emit_buffer(Out *o, const Engine *e)
{
    int bw = e->in_n * e->in_t.w, T = e->steps, iw = clog2i(T + 1), aw = clog2i(T) < 1 ? 1 : clog2i(T);
    w(o, "\n    // ---- fill %d beats, then send them in order\n", T);
    w(o, "    reg draining, valid_r, last_r;\n    reg [%d:0] wr_idx;\n    reg [%d:0] rd_idx;\n", aw - 1, iw - 1);
    w(o, "    assign m_axis_tvalid = valid_r;\n    assign m_axis_tlast = last_r;\n");
    w(o, "    reg [%d:0] mem [0:%d];\n    reg [%d:0] out_reg;\n    assign m_axis_tdata = out_reg;\n", bw - 1, T - 1, bw - 1);
    w(o, "    assign s_axis_tready = !draining;\n    wire start = s_axis_tvalid && s_axis_tready;\n");
    w(o, "    wire sent = m_axis_tvalid && m_axis_tready;\n");
    w(o, "    always @(posedge clk) begin\n");
    w(o, "        if (start) mem[wr_idx] <= s_axis_tdata;\n");
    w(o, "        if (rst) begin\n            draining <= 1'b0;\n            valid_r <= 1'b0;\n            wr_idx <= %d'd0;\n        end else begin\n", aw);
    w(o, "            if (sent) begin\n");
    w(o, "                if (rd_idx != %d'd%d) begin\n", iw, T);
    w(o, "                    out_reg <= mem[rd_idx[%d:0]];\n                    last_r <= rd_idx == %d'd%d;\n", aw - 1, iw, T - 1);
    w(o, "                    rd_idx <= rd_idx + %d'd1;\n", iw);
    w(o, "                end else begin\n                    valid_r <= 1'b0;\n                    draining <= 1'b0;\n                end\n            end\n");
    w(o, "            if (start) begin\n");
    w(o, "                if (s_axis_tlast) begin\n");
    w(o, "                    draining <= 1'b1;\n                    valid_r <= 1'b1;\n");
    w(o, "                    out_reg <= %s;\n", T == 1 ? "s_axis_tdata" : "mem[0]");
    w(o, "                    last_r <= %d;\n                    rd_idx <= %d'd1;\n                    wr_idx <= %d'd0;\n", T == 1, iw, aw);
    w(o, "                end else wr_idx <= wr_idx + %d'd1;\n            end\n", aw);
    w(o, "        end\n    end\n");
}

/* Softmax's outputs: e_j * inv, cast to the result type, written when the job is done. e_j of
 * type T (e_flat), inv of type T2. */
/* The softmax's exponentials e_j (E each, from e_flat) and their sum s_sum (SW bits, an adder
 * tree of depth ds). */
static void softmax_exp_sum(Out *o, int N, FxType E, int SW, int ds)
{
    for (int j = 0; j < N; j++) w(o, "    wire [%d:0] e_%d = e_flat[%d:%d];\n", E.w - 1, j, (j + 1) * E.w - 1, j * E.w);
    w(o, "    wire [%d:0] s_0 = {", N * SW - 1);
    for (int j = N - 1; j >= 0; j--) {
        char ex[64], b[MAX_EXPR];
        snprintf(ex, sizeof ex, "e_%d", j);
        extend(b, sizeof b, ex, E.w, E.sgn, SW);
        w(o, "%s%s", b, j ? ", " : "};\n");
    }
    w(o, "    wire [%d:0] s_sum;\n", SW - 1);
    tree_inst(o, "u_s", N, o->n->fanin, SW, ds, false, NULL, "s_0", "s_sum");
}

static void softmax_products(Out *o, const Engine *e, FxType T, FxType T2)
{
    int N = e->out_n;
    FxType R = e->out_t;
    w(o, "    reg [%d:0] out_reg;\n    assign m_axis_tdata = out_reg;\n", N * R.w - 1);
    for (int j = 0; j < N; j++) {
        /* e * inv >= 0: an unsigned R is reached through a signed type one bit wider */
        int yw = R.sgn ? R.w : R.w + 1;
        w(o, "    wire [%d:0] y_%d;\n", yw - 1, j);
        w(o, "    rnnc_product #(.A_W(%d), .A_F(%d), .A_SIGNED(%d), .B_W(%d), .B_F(%d), .B_SIGNED(%d), .OUT_W(%d), "
             ".OUT_F(%d), .ROUND(%d), .SATURATE(%d)) u_y_%d (.clk(clk), .a(e_flat[%d:%d]), .b(inv), .q(y_%d));\n",
          T.w, fx_frac(T), T.sgn, T2.w, fx_frac(T2), T2.sgn, yw, fx_frac(R), R.q, fx_rtl_sat(R), j, (j + 1) * T.w - 1, j * T.w, j);
        w(o, "    always @(posedge clk) if (done) out_reg[%d:%d] <= y_%d[%d:0];\n", (j + 1) * R.w - 1, j * R.w, j, R.w - 1);
        if (yw > R.w)
            w(o, "    /* verilator lint_off UNUSEDSIGNAL */\n    wire unused_y_%d = y_%d[%d];\n    /* verilator lint_on UNUSEDSIGNAL */\n",
              j, j, yw - 1);
    }
}

/* Softmax, stage by stage: latch (c+1), max tree, d = x - max, exp lookup, sum tree, 1/sum
 * lookup, product. The lookups are ordinary activations (act_inst): with --table-reg they
 * register their index like every other table, the cycle lower.c budgets. */
static void emit_softmax_hls(Out *o, const Engine *e);
static void emit_softmax_legacy(Out *o, const Engine *e);

static void emit_softmax(Out *o, const Engine *e)
{
    const Layer *l = e->layer;
    if (l->numerics == NUM_HLS4ML) {
        if (l->softmax_impl == SM_LEGACY) emit_softmax_legacy(o, e);
        else emit_softmax_hls(o, e);
        return;
    }
    int N = e->out_n, dm = e->sm_max_depth, ds = e->sm_sum_depth, al = o->n->act_lat;
    FxType A = e->in_t, T = l->ty.table;
    map_control(o, e, "1'b1", false);
    ActParams pe = table_act_params(o, l, "exp", table_exp(l)), pi = table_act_params(o, l, "inv", table_inv(l));
    int DW = A.w + 1;                        /* d = x - max needs one more bit */
    int SW = T.w + clog2i(N + 1) + 1;        /* exact sum of the exp entries */
    w(o, "    // stages: latch (c+1), max tree (+%d), d = x - max, exp lookup, sum tree (+%d), 1/sum lookup,\n", dm, ds);
    w(o, "    // product; result written in job cycle %d\n", e->latency - 1);
    w(o, "    reg [%d:0] x_reg;\n    always @(posedge clk) if (start) x_reg <= s_axis_tdata;\n", N * A.w - 1);
    w(o, "    wire [%d:0] mx;\n", A.w - 1);
    tree_inst(o, "u_mx", N, o->n->fanin, A.w, dm, true, NULL, "x_reg", "mx");
    char at[64], inst[32], in[32], out[64];
    w(o, "    wire exp_en = %s;\n", job_at(at, sizeof at, e, 2 + dm));
    w(o, "    wire inv_en = %s;\n", job_at(at, sizeof at, e, 2 + dm + al + ds));
    w(o, "    wire [%d:0] e_flat;\n", N * T.w - 1);
    for (int j = 0; j < N; j++) {
        w(o, "    reg [%d:0] d_%d;\n", DW - 1, j);
        w(o, "    always @(posedge clk) d_%d <= {x_reg[%d], x_reg[%d:%d]} - {mx[%d], mx};\n", j, (j + 1) * A.w - 1,
          (j + 1) * A.w - 1, j * A.w, A.w - 1);
        snprintf(inst, sizeof inst, "u_exp_%d", j);
        snprintf(in, sizeof in, "d_%d", j);
        snprintf(out, sizeof out, "e_flat[%d:%d]", (j + 1) * T.w - 1, j * T.w);
        act_inst(o, &pe, signed_of(DW, fx_frac(A)), T, inst, "exp_en", in, out);
    }
    softmax_exp_sum(o, N, T, SW, ds);
    w(o, "    wire [%d:0] inv;\n", T.w - 1);
    act_inst(o, &pi, signed_of(SW, fx_frac(T)), T, "u_inv", "inv_en", "s_sum", "inv");
    softmax_products(o, e, T, T);
}

/* The softmax input (the dense's accum X) cast to hls4ml's Dense result type A = sm.input,
 * latched at start into x_reg. */
static void softmax_hls_input(Out *o, const Engine *e)
{
    int N = e->out_n;
    FxType X = e->in_t, A = e->layer->sm.input;
    w(o, "    wire [%d:0] xq;\n", N * A.w - 1);
    for (int j = 0; j < N; j++) {
        if (fx_equal(X, A)) {
            w(o, "    assign xq[%d:%d] = s_axis_tdata[%d:%d];\n", (j + 1) * A.w - 1, j * A.w, (j + 1) * X.w - 1, j * X.w);
            continue;
        }
        w(o, "    rnnc_quant #(");
        fx_params(o, "IN_", X, false);
        w(o, ", ");
        fx_params(o, "OUT_", A, true);
        w(o, ") u_xq_%d (.in_data(s_axis_tdata[%d:%d]), .out_data(xq[%d:%d]));\n", j, (j + 1) * X.w - 1, j * X.w,
          (j + 1) * A.w - 1, j * A.w);
    }
    w(o, "    reg [%d:0] x_reg;\n    always @(posedge clk) if (start) x_reg <= xq;\n", N * A.w - 1);
}

/* hls4ml's legacy softmax (docs/numerics.md), as the emulator's softmax_legacy: output i sums,
 * in the order j = 0..N-1, each sum cast to the table type T, the term 1 (j == i) or
 * exp_table[x_j - x_i]; then y_i = the reciprocal table (entries in the result type) at the
 * sum. One j per cycle, every i at once: in job cycle 1 + j the difference d_i = x_j - x_i is
 * registered, looked up from 2 + j (its own exp table per output), summed at 2 + act_lat + j
 * (sum_i holds it from 3 + act_lat + j), so the last sum is there in job cycle N + 2 + act_lat
 * (the 1/sum lookup) and the result is written in N + 2 + 2 act_lat, the last cycle. The sums
 * run in hls4ml's order, so a saturating T saturates where hls4ml's does. */
static void emit_softmax_legacy(Out *o, const Engine *e)
{
    const Layer *l = e->layer;
    int N = e->out_n, al = o->n->act_lat, L = e->latency, cw = job_cnt_w(e);
    FxType A = l->sm.input, T = l->ty.table, R = e->out_t;
    int DW = A.w + 1, SW = T.w + 2;         /* x_j - x_i; acc + term, signed */
    if (L != N + 3 + 2 * al) BUG("legacy softmax %s: latency %d, expected %d", e->name, L, N + 3 + 2 * al);
    map_control(o, e, "1'b1", false);
    ActParams pe = table_act_params(o, l, "exp", table_hls_legacy_exp(l));
    ActParams pi = table_act_params(o, l, "inv", table_hls_legacy_inv(l));
    w(o, "    // hls4ml's softmax (legacy): latch (c+1), x_j - x_i for j = cnt in job cycles 1..%d, exp lookups,\n", N);
    w(o, "    // sums in order j = 0..%d cast to the table type, 1/sum lookup; result written in job cycle %d\n", N - 1,
      L - 1);
    softmax_hls_input(o, e);
    /* x_j: in job cycle 1 + j, cnt == j */
    w(o, "    reg [%d:0] xj;\n    always @* begin\n        case (cnt)\n", A.w - 1);
    for (int j = 0; j < N; j++) w(o, "            %d'd%d: xj = x_reg[%d:%d];\n", cw, j, (j + 1) * A.w - 1, j * A.w);
    w(o, "            default: xj = %d'd0;\n        endcase\n    end\n", A.w);
    char at[64], one[64], inst[32], in[32], out[32], b1[MAX_EXPR], b2[MAX_EXPR];
    lit(one, sizeof one, T.w, hls_legacy_one(l));
    w(o, "    wire sum_first = %s;\n", job_at(at, sizeof at, e, 2 + al));
    w(o, "    wire inv_en = %s;\n", job_at(at, sizeof at, e, N + 2 + al));
    w(o, "    wire [%d:0] inv_flat;\n", N * R.w - 1);
    for (int i = 0; i < N; i++) {
        w(o, "    wire [%d:0] xi_%d = x_reg[%d:%d];\n", A.w - 1, i, (i + 1) * A.w - 1, i * A.w);
        snprintf(in, sizeof in, "xi_%d", i);
        extend(b1, sizeof b1, "xj", A.w, A.sgn, DW);
        extend(b2, sizeof b2, in, A.w, A.sgn, DW);
        w(o, "    reg [%d:0] d_%d;\n    always @(posedge clk) d_%d <= %s - %s;\n", DW - 1, i, i, b1, b2);
        snprintf(inst, sizeof inst, "u_exp_%d", i);
        snprintf(in, sizeof in, "d_%d", i);
        snprintf(out, sizeof out, "e_%d", i);
        w(o, "    wire [%d:0] e_%d;\n", T.w - 1, i);
        act_inst(o, &pe, signed_of(DW, fx_frac(A)), T, inst, "1'b1", in, out);
        /* the term of job cycle 2 + act_lat + j: 1 when j == i */
        w(o, "    wire [%d:0] t_%d = %s ? %s : e_%d;\n", T.w - 1, i, job_at(at, sizeof at, e, 2 + al + i), one, i);
        snprintf(in, sizeof in, "sum_%d", i);
        extend(b1, sizeof b1, in, T.w, T.sgn, SW);
        snprintf(in, sizeof in, "t_%d", i);
        extend(b2, sizeof b2, in, T.w, T.sgn, SW);
        w(o, "    reg [%d:0] sum_%d;\n    wire [%d:0] sum_%d_next;\n", T.w - 1, i, T.w - 1, i);
        w(o, "    rnnc_quant #(.IN_W(%d), .IN_F(%d), .IN_SIGNED(1), ", SW, fx_frac(T));
        fx_params(o, "OUT_", T, true);
        w(o, ") u_sum_%d (.in_data(%s + %s), .out_data(sum_%d_next));\n", i, b1, b2, i);
        w(o, "    always @(posedge clk) sum_%d <= sum_first ? t_%d : sum_%d_next;\n", i, i, i);
        snprintf(inst, sizeof inst, "u_inv_%d", i);
        snprintf(in, sizeof in, "sum_%d", i);
        snprintf(out, sizeof out, "inv_flat[%d:%d]", (i + 1) * R.w - 1, i * R.w);
        act_inst(o, &pi, T, R, inst, "inv_en", in, out);
    }
    w(o, "    reg [%d:0] out_reg;\n    assign m_axis_tdata = out_reg;\n", N * R.w - 1);
    w(o, "    always @(posedge clk) if (done) out_reg <= inv_flat;\n");
}

/* hls4ml's softmax, stable or latency (--numerics hls4ml; docs/numerics.md), in emit_softmax's
 * stages and cycles: the exp index is the top bits of an unsigned bit pattern (stable: max - x
 * wrapped to W-1 bits; latency: x's own W bits), given to rnnc_activation zero-extended; the
 * exp entries are already in the softmax accum SA; the sum is exact, then cast to SA (hls4ml's
 * tree of SA sums gives the same unless hls4ml_softmax_sat_order: then rnnc_sat_sum follows
 * that tree), then to inv_inp II, whose bit pattern indexes the reciprocal table. */
static void emit_softmax_hls(Out *o, const Engine *e)
{
    const Layer *l = e->layer;
    int N = e->out_n, dm = e->sm_max_depth, ds = e->sm_sum_depth, al = o->n->act_lat;
    FxType A = l->sm.input, SA = l->sm.accum, II = l->sm.inv_inp, IV = l->sm.inv_table;
    bool stable = l->softmax_impl == SM_STABLE;
    map_control(o, e, "1'b1", false);
    ActParams pe = table_act_params(o, l, "exp", table_hls_exp(l, A));
    ActParams pi = table_act_params(o, l, "inv", table_hls_inv(l, A));
    int UW = stable ? A.w : A.w + 1;         /* the exp index's bit pattern, zero-extended */
    int SW = SA.w + clog2i(N + 1) + 1;       /* exact sum of the exp entries */
    w(o, "    // hls4ml's softmax (%s): latch (c+1), max tree (+%d), index pattern, exp lookup, sum tree (+%d),\n",
      softmax_impl_name(l->softmax_impl), dm, ds);
    w(o, "    // casts to accum and inv_inp, 1/sum lookup, product; result written in job cycle %d\n", e->latency - 1);
    softmax_hls_input(o, e);
    w(o, "    wire [%d:0] mx;\n", A.w - 1);
    tree_inst(o, "u_mx", N, o->n->fanin, A.w, dm, true, NULL, "x_reg", "mx");
    char at[64], inst[32], in[32], out[64];
    w(o, "    wire exp_en = %s;\n", job_at(at, sizeof at, e, 2 + dm));
    w(o, "    wire inv_en = %s;\n", job_at(at, sizeof at, e, 2 + dm + al + ds));
    w(o, "    wire [%d:0] e_flat;\n", N * SA.w - 1);
    for (int j = 0; j < N; j++) {
        int hi = (j + 1) * A.w - 1, lo = j * A.w;
        w(o, "    reg [%d:0] u_%d;\n", UW - 1, j);
        if (stable) {
            w(o, "    wire [%d:0] df_%d = {mx[%d], mx} - {x_reg[%d], x_reg[%d:%d]};\n", A.w, j, A.w - 1, hi, hi, lo);
            w(o, "    always @(posedge clk) u_%d <= {1'b0, df_%d[%d:0]};\n", j, j, A.w - 2);
            w(o, "    /* verilator lint_off UNUSEDSIGNAL */\n    wire unused_df_%d = ^df_%d[%d:%d];\n"
                 "    /* verilator lint_on UNUSEDSIGNAL */\n", j, j, A.w, A.w - 1);
        } else {
            w(o, "    always @(posedge clk) u_%d <= {1'b0, x_reg[%d:%d]};\n", j, hi, lo);
        }
        snprintf(inst, sizeof inst, "u_exp_%d", j);
        snprintf(in, sizeof in, "u_%d", j);
        snprintf(out, sizeof out, "e_flat[%d:%d]", (j + 1) * SA.w - 1, j * SA.w);
        act_inst(o, &pe, signed_of(UW, fx_frac(A)), SA, inst, "exp_en", in, out);
    }
    if (!stable) w(o, "    /* verilator lint_off UNUSEDSIGNAL */\n    wire unused_mx = ^mx;\n    /* verilator lint_on UNUSEDSIGNAL */\n");
    w(o, "    wire [%d:0] s_a;\n    wire [%d:0] s_ii;\n", SA.w - 1, II.w - 1);
    if (e->sm_sat_order) { /* nnet::reduce's tree of accum sums, each cast (hls4ml_softmax_sat_order) */
        for (int j = 0; j < N; j++) w(o, "    wire [%d:0] e_%d = e_flat[%d:%d];\n", SA.w - 1, j, (j + 1) * SA.w - 1, j * SA.w);
        w(o, "    wire [%d:0] s_0 = {", N * SW - 1);
        for (int j = N - 1; j >= 0; j--) {
            char ex[64], b[MAX_EXPR];
            snprintf(ex, sizeof ex, "e_%d", j);
            extend(b, sizeof b, ex, SA.w, SA.sgn, SW);
            w(o, "%s%s", b, j ? ", " : "};\n");
        }
        sat_sum_inst(o, "u_s", N, SW, SA, 1, ds, "s_0", "s_a");
    } else { /* the exact sum cast once: the same (hls4ml_softmax_sat_order) */
        softmax_exp_sum(o, N, SA, SW, ds);
        w(o, "    rnnc_quant #(.IN_W(%d), .IN_F(%d), .IN_SIGNED(1), ", SW, fx_frac(SA));
        fx_params(o, "OUT_", SA, true);
        w(o, ") u_s_a (.in_data(s_sum), .out_data(s_a));\n");
    }
    w(o, "    rnnc_quant #(");
    fx_params(o, "IN_", SA, false);
    w(o, ", ");
    fx_params(o, "OUT_", II, true);
    w(o, ") u_s_ii (.in_data(s_a), .out_data(s_ii));\n");
    w(o, "    wire [%d:0] u_sum = {1'b0, s_ii};\n", II.w);
    w(o, "    wire [%d:0] inv;\n", IV.w - 1);
    act_inst(o, &pi, signed_of(II.w + 1, fx_frac(II)), IV, "u_inv", "inv_en", "u_sum", "inv");
    softmax_products(o, e, SA, IV);
}

/* A MERGE engine's module: the two inputs s_axis_* and s1_axis_* into rnnc_merge_add. */
static void merge_open(Out *o, const Engine *e)
{
    char ta[64], tb[64], to[64];
    fx_format(e->in_t, ta, sizeof ta);
    fx_format(e->in1_t, tb, sizeof tb);
    fx_format(e->out_t, to, sizeof to);
    static const char *const what[] = {"the elementwise sum", "the elementwise product", "the elementwise mean",
                                       "s_axis then s1_axis"};
    w(o, "//\n// s_axis: %d x %s; s1_axis: %d x %s; m_axis: %d x %s, %s\n", e->in_n, ta, e->in1_n, tb, e->out_n, to,
      what[e->merge]);
    w(o, "// A job accepted in cycle c (both inputs taken) has its result on m_axis from cycle c+%d.\n", e->latency);
    w(o, "`resetall\n`timescale 1ns / 1ps\n`default_nettype none\n\n");
    w(o, "module %s #(\n    /* verilator lint_off UNUSEDPARAM */\n", e->name);
    w(o, "    parameter MEM_PATH = \"mem/\"  // where the $readmemh tables are (none here)\n");
    w(o, "    /* verilator lint_on UNUSEDPARAM */\n) (\n    input  wire clk,\n    input  wire rst,\n");
    w(o, "    input  wire s_axis_tvalid,\n    output wire s_axis_tready,\n    input  wire [%d:0] s_axis_tdata,\n"
         "    input  wire s_axis_tlast,\n", e->in_n * e->in_t.w - 1);
    w(o, "    input  wire s1_axis_tvalid,\n    output wire s1_axis_tready,\n    input  wire [%d:0] s1_axis_tdata,\n"
         "    input  wire s1_axis_tlast,\n", e->in1_n * e->in1_t.w - 1);
    w(o, "    output wire m_axis_tvalid,\n    input  wire m_axis_tready,\n    output wire [%d:0] m_axis_tdata,\n"
         "    output wire m_axis_tlast\n);\n", e->out_n * e->out_t.w - 1);
}

static void emit_merge(Out *o, const Engine *e)
{
    FxType a = e->in_t, b = e->in1_t, y = e->out_t;
    w(o, "    rnnc_merge_add #(.OP(%d), .N(%d), .NB(%d), .A_W(%d), .A_F(%d), .A_SIGNED(%d), .B_W(%d), .B_F(%d), "
         ".B_SIGNED(%d), .OUT_W(%d), .OUT_F(%d), .OUT_SIGNED(%d), .ROUND(%d), .SATURATE(%d)) u_add (\n",
      (int)e->merge, e->in_n, e->in1_n, a.w, fx_frac(a), a.sgn, b.w, fx_frac(b), b.sgn, y.w, fx_frac(y), y.sgn, y.q,
      fx_rtl_sat(y));
    w(o, "        .clk(clk), .rst(rst),\n");
    w(o, "        .s0_axis_tvalid(s_axis_tvalid), .s0_axis_tready(s_axis_tready), .s0_axis_tdata(s_axis_tdata), "
         ".s0_axis_tlast(s_axis_tlast),\n");
    w(o, "        .s1_axis_tvalid(s1_axis_tvalid), .s1_axis_tready(s1_axis_tready), .s1_axis_tdata(s1_axis_tdata), "
         ".s1_axis_tlast(s1_axis_tlast),\n");
    w(o, "        .m_axis_tvalid(m_axis_tvalid), .m_axis_tready(m_axis_tready), .m_axis_tdata(m_axis_tdata), "
         ".m_axis_tlast(m_axis_tlast));\n");
}

static void emit_engine(const Netlist *n, const Engine *e, const char *dir)
{
    char rel[300];
    snprintf(rel, sizeof rel, "rtl/%s.v", e->name);
    Out o = {.f = xfopen_w(dir, rel), .n = n, .e = e, .dir = dir};
    char what[400];
    snprintf(what, sizeof what, "Engine %s: %s of layer %s (%s).", e->name, e->role, e->layer->name,
             layer_kind_name(e->layer->kind));
    header(&o, what);
    if (e->kind == ENG_MERGE) merge_open(&o, e);
    else module_open(&o, e);
    switch (e->kind) {
    case ENG_DENSE: emit_dense(&o, e); break;
    case ENG_CELL: emit_cell(&o, e); break;
    case ENG_FLATTEN: emit_flatten(&o, e); break;
    case ENG_REVERSE: emit_reverse(&o, e); break;
    case ENG_ACT: emit_act_engine(&o, e); break;
    case ENG_SOFTMAX: emit_softmax(&o, e); break;
    case ENG_MERGE: emit_merge(&o, e); break;
    case ENG_BUFFER: emit_buffer(&o, e); break;
    }
    module_close(&o);
    xfclose(o.f);
}

/* ---- the top: the netlist graph as wires ----
 * Stream k is the model input (k = 0) or engine k-1's output: wires st<k>_*. A stream with
 * several readers (the design's output counts as one) forks through rnnc_stream_fork into
 * branches st<k>b<j>_*, one per reader, each with its own valid/ready. */

/* The wires a reader (engine eng's input slot, or eng == n->n: the design's output) sees of
 * the stream of producer src. */
static void reader_wires(const Netlist *n, int src, int eng, int slot, char *buf, size_t len)
{
    Sink *sk = xcalloc((size_t)n->n * RNNC_IN_MAX + 1, sizeof *sk);
    int c = stream_sinks(n, src, sk, n->n * RNNC_IN_MAX + 1);
    snprintf(buf, len, "st%d", src + 1);
    for (int k = 0; c > 1 && k < c; k++)
        if (sk[k].eng == eng && sk[k].slot == slot) snprintf(buf, len, "st%db%d", src + 1, k);
    free(sk);
}

static int stream_bits(const Netlist *n, int src)
{
    const Model *m = n->model;
    return src == RNNC_INPUT ? m->features * m->input_type.w : n->eng[src].out_n * n->eng[src].out_t.w;
}

/* Concatenation {st<k>b<c-1>_<sig>, ..., st<k>b0_<sig>} of a fork's branches. */
static void branch_cat(Out *o, int k, int c, const char *sig)
{
    w(o, "{");
    for (int j = c - 1; j >= 0; j--) w(o, "st%db%d_%s%s", k, j, sig, j ? ", " : "}");
}

static void top_forks(Out *o, const Netlist *n)
{
    Sink *sk = xcalloc((size_t)n->n * RNNC_IN_MAX + 1, sizeof *sk);
    for (int src = RNNC_INPUT; src < n->n; src++) {
        int c = stream_sinks(n, src, sk, n->n * RNNC_IN_MAX + 1), k = src + 1, bits = stream_bits(n, src);
        if (c < 2) continue;
        if (src >= 0 && n->eng[src].vec_out) BUG("a memory link cannot fork");
        w(o, "    // stream %d forks to %d readers\n", k, c);
        for (int j = 0; j < c; j++)
            w(o, "    wire st%db%d_valid, st%db%d_ready, st%db%d_last;\n    wire [%d:0] st%db%d_data;\n", k, j, k, j, k, j,
              bits - 1, k, j);
        w(o, "    rnnc_stream_fork #(.N(%d), .WIDTH(%d)) u_fork_st%d (\n        .clk(clk), .rst(rst),\n", c, bits, k);
        w(o, "        .s_axis_tvalid(st%d_valid), .s_axis_tready(st%d_ready), .s_axis_tdata(st%d_data), "
             ".s_axis_tlast(st%d_last),\n        .m_axis_tvalid(", k, k, k, k);
        branch_cat(o, k, c, "valid");
        w(o, "), .m_axis_tready(");
        branch_cat(o, k, c, "ready");
        w(o, "),\n        .m_axis_tdata(");
        branch_cat(o, k, c, "data");
        w(o, "), .m_axis_tlast(");
        branch_cat(o, k, c, "last");
        w(o, "));\n");
    }
    free(sk);
}

static void top_engine(Out *o, const Netlist *n, int i)
{
    const Engine *e = &n->eng[i];
    char s[2][32];
    for (int j = 0; j < e->n_in; j++) reader_wires(n, e->in[j].eng, i, j, s[j], sizeof s[j]);
    char sv[64], sr[64]; /* the input's valid and ready as the engine sees them */
    snprintf(sv, sizeof sv, "%s_valid", s[0]);
    snprintf(sr, sizeof sr, "%s_ready", s[0]);
    if (e->mac_owner) { /* a sharer takes a beat only with the token (rnnc_mac_token's ok) */
        int k = e->mac_owner - 1, h = e->mac_host + 1;
        w(o, "    wire e%d_ok = tok%d_ok[%d];\n    wire e%d_s_ready;\n", i + 1, h, k, i + 1);
        w(o, "    assign %s = e%d_s_ready & e%d_ok;\n", sr, i + 1, i + 1);
        w(o, "    assign tok%d_hs[%d] = %s & %s & %s_last;\n    assign tok%d_v[%d] = st%d_valid;\n", h, k, sv, sr, s[0],
          h, k, i + 1);
        w(o, "    wire [%d:0] e%d_mac_en, e%d_mac_first;\n    wire [%d:0] e%d_mac_a;\n    wire [%d:0] e%d_mac_b;\n"
             "    wire [%d:0] e%d_mac_acc;\n", e->mvm.n_mult - 1, i + 1, i + 1, e->mvm.n_mult * e->mvm.op_t.w - 1,
          i + 1, e->mvm.n_mult * e->mvm.w_t.w - 1, i + 1, e->mvm.n_mult * e->mvm.guard_w - 1, i + 1);
        if (e->host_weights) /* its weights reach the MACs through the host's registers */
            w(o, "    /* verilator lint_off UNUSEDSIGNAL */\n    wire unused_b%d = &{1'b0, e%d_mac_b};\n"
                 "    /* verilator lint_on UNUSEDSIGNAL */\n", i + 1, i + 1);
        snprintf(sv, sizeof sv, "%s_valid & e%d_ok", s[0], i + 1);
        snprintf(sr, sizeof sr, "e%d_s_ready", i + 1);
    }
    if (e->rom_depth)
        w(o, "    wire e%d_rom_g_rd;\n    wire [%d:0] e%d_rom_g_addr;\n    wire [%d:0] e%d_rom_g_data;\n", i + 1,
          clog2i(e->rom_depth) - 1, i + 1, rom_word_w(e) - 1, i + 1);
    if (e->rom_base)
        w(o, "    wire e%d_rom_rd;\n    wire [%d:0] e%d_rom_addr;\n", i + 1, clog2i(n->eng[e->mac_host].rom_depth) - 1,
          i + 1);
    w(o, "    %s #(.MEM_PATH(MEM_PATH)) u_%s_%s (\n", e->name, e->layer->name, e->role);
    w(o, "        .clk(clk), .rst(rst),\n");
    if (e->mac_owner)
        w(o, "        .mac_en(e%d_mac_en), .mac_first(e%d_mac_first), .mac_a(e%d_mac_a), .mac_b(e%d_mac_b), "
             ".mac_acc(e%d_mac_acc),\n", i + 1, i + 1, i + 1, i + 1, i + 1);
    if (e->rom_depth)
        w(o, "        .rom_g_rd(e%d_rom_g_rd), .rom_g_addr(e%d_rom_g_addr), .rom_g_data(e%d_rom_g_data),\n", i + 1,
          i + 1, i + 1);
    if (e->rom_base)
        w(o, "        .rom_rd(e%d_rom_rd), .rom_addr(e%d_rom_addr), .rom_data(e%d_rom_g_data[%d:0]),\n", i + 1, i + 1,
          e->mac_host + 1, rom_word_w(e) - 1);
    if (e->vec_in)
        w(o, "        .s_axis_tvalid(%s), .s_axis_tready(%s), .s_vec_we(%s_we), .s_vec_addr(%s_addr), "
             ".s_vec_data(%s_data), .s_axis_tlast(%s_last),\n", sv, sr, s[0], s[0], s[0], s[0]);
    else
        w(o, "        .s_axis_tvalid(%s), .s_axis_tready(%s), .s_axis_tdata(%s_data), .s_axis_tlast(%s_last),\n",
          sv, sr, s[0], s[0]);
    if (e->n_in > 1)
        w(o, "        .s1_axis_tvalid(%s_valid), .s1_axis_tready(%s_ready), .s1_axis_tdata(%s_data), .s1_axis_tlast(%s_last),\n",
          s[1], s[1], s[1], s[1]);
    if (e->vec_out)
        w(o, "        .m_axis_tvalid(st%d_valid), .m_axis_tready(st%d_ready), .m_vec_we(st%d_we), .m_vec_addr(st%d_addr), "
             ".m_vec_data(st%d_data), .m_axis_tlast(st%d_last));\n", i + 1, i + 1, i + 1, i + 1, i + 1, i + 1);
    else
        w(o, "        .m_axis_tvalid(st%d_valid), .m_axis_tready(st%d_ready), .m_axis_tdata(st%d_data), .m_axis_tlast(st%d_last));\n",
          i + 1, i + 1, i + 1, i + 1);
}

/* A host's schedule ROM lent to its guests (lower_share_roms): the address of the one that
 * runs (they never run together). */
static void top_rom_lends(Out *o, const Netlist *n, int h)
{
    int aw = clog2i(n->eng[h].rom_depth), hw = rom_word_w(&n->eng[h]), used = 0;
    w(o, "    // the schedule ROM of %s, lent to the engine(s) after it whose words it holds\n", n->eng[h].name);
    w(o, "    assign e%d_rom_g_rd = 1'b0", h + 1);
    for (int g = h + 1; g < n->n; g++)
        if (n->eng[g].rom_base && n->eng[g].mac_host == h) w(o, " | e%d_rom_rd", g + 1);
    w(o, ";\n    assign e%d_rom_g_addr = %d'd0", h + 1, aw);
    for (int g = h + 1; g < n->n; g++)
        if (n->eng[g].rom_base && n->eng[g].mac_host == h) {
            w(o, " | ({%d{e%d_rom_rd}} & e%d_rom_addr)", aw, g + 1, g + 1);
            if (rom_word_w(&n->eng[g]) > used) used = rom_word_w(&n->eng[g]);
        }
    w(o, ";\n");
    if (used < hw)
        w(o, "    /* verilator lint_off UNUSEDSIGNAL */\n    wire unused_rom%d = &{1'b0, e%d_rom_g_data[%d:%d]};\n"
             "    /* verilator lint_on UNUSEDSIGNAL */\n", h + 1, h + 1, hw - 1, used);
}

/* A sharing host's token (rnnc_mac_token, wires tok<h>_*) before its engines. */
static void top_token(Out *o, const Netlist *n, int h)
{
    int no = n->eng[h].mac_owners, k = h + 1;
    w(o, "    // the MACs of %s, shared with the %d engine(s) after it (lower_share): whose turn\n", n->eng[h].name,
      no - 1);
    w(o, "    wire [%d:0] tok%d_hs, tok%d_v, tok%d_ok, tok%d_own;\n    wire tok%d_run;\n", no - 1, k, k, k, k, k);
    w(o, "    /* verilator lint_off UNUSEDSIGNAL */\n    wire unused_tok%d = &{1'b0, tok%d_own, tok%d_run};\n"
         "    /* verilator lint_on UNUSEDSIGNAL */\n", k, k, k);
    w(o, "    rnnc_mac_token #(.N(%d)) u_tok%d (.clk(clk), .rst(rst), .hs_last(tok%d_hs), .valid(tok%d_v), "
         ".ok(tok%d_ok), .own(tok%d_own), .run(tok%d_run));\n", no, k, k, k, k, k, k);
}

/* Sharer k's enable at MAC m, as the AND-OR reads it: its share-stage register or its engine's
 * mac_en; for the host's weight (ab 1, k 0), OR-ed with those of the guests whose weights the
 * host's register holds (Engine.host_weights). */
static void sharer_enable(char *en, size_t len, const Netlist *n, int m, const int *who, int c, int k, int ab,
                          bool stage, const char *pre)
{
    size_t at = 0;
    en[0] = 0;
    for (int q = 0; q < c && at < len; q++)
        if (q == k || (ab && k == 0 && n->eng[who[q]].host_weights)) {
            int wrote = stage ? snprintf(en + at, len - at, "%s%s_ens[%d]", at ? " | " : "", pre, q)
                              : snprintf(en + at, len - at, "%se%d_mac_en[%d]", at ? " | " : "", who[q] + 1, m);
            at += wrote > 0 ? (size_t)wrote : 0;
        }
}

/* MAC m's operand (ab 0) or weight (ab 1) input: each sharer's value (registered in the share
 * stage), aligned to the common format ct, AND-ed with its enable and OR-ed into <pre>_a_n or
 * <pre>_b_n. A guest with host_weights has no term: the host's weight serves it. */
static void shared_and_or(Out *o, const Netlist *n, int m, const int *who, int c, int ab, bool stage, const char *pre,
                          FxType ct)
{
    char ab_c = ab ? 'b' : 'a', e[64], al[MAX_EXPR], en[MAX_EXPR];
    for (int k = 0; k < c; k++) { /* each sharer's operand alone (a slice cannot be sliced) */
        FxType t = ab ? n->eng[who[k]].mvm.w_t : n->eng[who[k]].mvm.op_t;
        if (ab && n->eng[who[k]].host_weights) continue;
        if (stage)
            w(o, "    reg [%d:0] %s_%c%d;\n    always @(posedge clk) %s_%c%d <= e%d_mac_%c[%d:%d];\n", t.w - 1, pre, ab_c,
              k, pre, ab_c, k, who[k] + 1, ab_c, (m + 1) * t.w - 1, m * t.w);
        else
            w(o, "    wire [%d:0] %s_%c%d = e%d_mac_%c[%d:%d];\n", t.w - 1, pre, ab_c, k, who[k] + 1, ab_c,
              (m + 1) * t.w - 1, m * t.w);
    }
    w(o, "    wire [%d:0] %s_%c_n =", ct.w - 1, pre, ab_c);
    for (int k = 0, terms = 0; k < c; k++) {
        if (ab && n->eng[who[k]].host_weights) continue;
        FxType t = ab ? n->eng[who[k]].mvm.w_t : n->eng[who[k]].mvm.op_t;
        snprintf(e, sizeof e, "%s_%c%d", pre, ab_c, k);
        t.sgn = true;
        align(al, sizeof al, e, t, ct);
        sharer_enable(en, sizeof en, n, m, who, c, k, ab, stage, pre);
        w(o, "%s({%d{%s}} & %s)", terms++ ? " | " : " ", ct.w, en, al);
    }
    w(o, ";\n");
}

/* A sharing host's multiplier m: its sharers' operands, each aligned to the common format, OR-ed
 * under their enables (the token lets one sharer use it at a time), into one rnnc_mac whose sum
 * each sharer reads at its own width. */
static void top_shared_mac(Out *o, const Netlist *n, int h, int m)
{
    int who[RNNC_MAC_OWNERS_MAX], c = share_mac_sharers(n, h, m, who, RNNC_MAC_OWNERS_MAX), gw;
    FxType ot, wt, at = n->eng[h].mvm.accum;
    share_mac_types(n, h, m, &ot, &wt, &gw);
    char pre[32];
    snprintf(pre, sizeof pre, "sh%d_%d", h + 1, m);
    bool stage = n->eng[h].mvm.share_reg; /* slow parts: each sharer's values registered first */
    if (stage) {
        /* (a cycle each job counts) so that only the AND-OR lies between a register and the
         * MAC's input register in the DSP */
        w(o, "    reg [%d:0] %s_ens, %s_firsts;\n", c - 1, pre, pre);
        w(o, "    always @(posedge clk) begin\n");
        for (int k = 0; k < c; k++)
            w(o, "        %s_ens[%d] <= e%d_mac_en[%d];\n        %s_firsts[%d] <= e%d_mac_first[%d];\n", pre, k,
              who[k] + 1, m, pre, k, who[k] + 1, m);
        w(o, "    end\n");
        w(o, "    wire %s_en_n = |%s_ens;\n    wire %s_first_n = |(%s_ens & %s_firsts);\n", pre, pre, pre, pre, pre);
    } else {
        w(o, "    wire %s_en_n = ", pre);
        for (int k = 0; k < c; k++) w(o, "e%d_mac_en[%d]%s", who[k] + 1, m, k < c - 1 ? " | " : ";\n");
        w(o, "    wire %s_first_n = ", pre);
        for (int k = 0; k < c; k++)
            w(o, "(e%d_mac_en[%d] & e%d_mac_first[%d])%s", who[k] + 1, m, who[k] + 1, m, k < c - 1 ? " | " : ";\n");
    }
    shared_and_or(o, n, m, who, c, 0, stage, pre, ot);
    shared_and_or(o, n, m, who, c, 1, stage, pre, wt);
    /* the MAC's operand registers (the sharers export their next values: no logic between
     * these registers and the multiplier, as in an engine with a MAC of its own) */
    w(o, "    reg %s_en, %s_first;\n    reg [%d:0] %s_a;\n    reg [%d:0] %s_b;\n", pre, pre, ot.w - 1, pre, wt.w - 1, pre);
    w(o, "    always @(posedge clk) begin\n        %s_en <= %s_en_n;\n        %s_first <= %s_first_n;\n"
         "        %s_a <= %s_a_n;\n        %s_b <= %s_b_n;\n    end\n", pre, pre, pre, pre, pre, pre, pre, pre);
    w(o, "    wire [%d:0] %s_acc;\n", gw - 1, pre);
    w(o, "    rnnc_mac #(.A_W(%d), .A_F(%d), .A_SIGNED(1), .B_W(%d), .B_F(%d), .B_SIGNED(1), .Q_W(%d), .Q_F(%d), "
         ".ROUND(%d), .SATURATE(%d), .ACC_W(%d), .PROD_REG(%d)) u_%s_mac (.clk(clk), .en(%s_en), .first(%s_first), "
         ".a(%s_a), .b(%s_b), .acc(%s_acc));\n", ot.w, fx_frac(ot), wt.w, fx_frac(wt), at.w, fx_frac(at), at.q,
      fx_rtl_sat(at), gw, n->eng[h].mvm.mac_lat - 1, pre, pre, pre, pre, pre, pre);
    for (int k = 0; k < c; k++) {
        int g = n->eng[who[k]].mvm.guard_w;
        w(o, "    assign e%d_mac_acc[%d:%d] = %s_acc[%d:0];\n", who[k] + 1, (m + 1) * g - 1, m * g, pre, g - 1);
    }
}

static void top_header(Out *o, const Netlist *n, const Schedule *s)
{
    const Model *m = n->model;
    header(o, "Top module: AXI-Stream in (one beat per timestep), AXI-Stream out.");
    int inb = m->features * m->input_type.w, outb = m->out_feat * m->out_type.w;
    char ti[64], to[64];
    fx_format(m->input_type, ti, sizeof ti);
    fx_format(m->out_type, to, sizeof to);
    w(o, "//\n// port            dir  width  meaning\n");
    w(o, "// clk             in   1      clock\n// rst             in   1      synchronous reset, active high\n");
    w(o, "// s_axis_tvalid   in   1      a timestep is offered\n// s_axis_tready   out  1      it is taken this cycle\n");
    w(o, "// s_axis_tdata    in   %-6d %d features x %s, feature 0 in the low bits\n", inb, m->features, ti);
    w(o, "// s_axis_tlast    in   1      last timestep (the design counts %d timesteps itself)\n", m->timesteps);
    w(o, "// m_axis_tvalid   out  1      an output beat is offered\n// m_axis_tready   in   1      it is taken this cycle\n");
    w(o, "// m_axis_tdata    out  %-6d %d outputs x %s, output 0 in the low bits\n", outb, m->out_feat, to);
    w(o, "// m_axis_tlast    out  1      last output beat of a sequence\n//\n");
    w(o, "// latency_cycles %ld (first input beat taken -> last output beat, inputs back to back)\n", s->latency_cycles);
    w(o, "// ii_cycles      %ld (cycles between sequence starts when streaming)\n", s->ii_cycles);
    w(o, "`resetall\n`timescale 1ns / 1ps\n`default_nettype none\n\n");
    w(o, "module %s #(\n    parameter MEM_PATH = \"mem/\"  // where the $readmemh tables are\n) (\n", m->name);
    w(o, "    input  wire clk,\n    input  wire rst,\n    input  wire s_axis_tvalid,\n    output wire s_axis_tready,\n");
    w(o, "    input  wire [%d:0] s_axis_tdata,\n    input  wire s_axis_tlast,\n", inb - 1);
    w(o, "    output wire m_axis_tvalid,\n    input  wire m_axis_tready,\n");
    w(o, "    output wire [%d:0] m_axis_tdata,\n    output wire m_axis_tlast\n);\n", outb - 1);
    int iw = clog2i(m->timesteps) < 1 ? 1 : clog2i(m->timesteps);
    w(o, "    // sequence boundaries come from counting timesteps\n");
    w(o, "    reg [%d:0] in_step;\n    reg in_last;  // registered: in_step == %d\n", iw - 1, m->timesteps - 1);
    w(o, "    always @(posedge clk)\n        if (rst) begin\n            in_step <= %d'd0;\n            in_last <= 1'b%d;\n"
          "        end else if (s_axis_tvalid && s_axis_tready) begin\n", iw, m->timesteps == 1);
    w(o, "            in_step <= in_last ? %d'd0 : in_step + %d'd1;\n", iw, iw);
    if (m->timesteps == 1) w(o, "            in_last <= 1'b1;\n        end\n");
    else w(o, "            in_last <= !in_last && in_step == %d'd%d;\n        end\n", iw, m->timesteps - 2);
    w(o, "    /* verilator lint_off UNUSEDSIGNAL */\n    wire unused_tlast = s_axis_tlast;\n    /* verilator lint_on UNUSEDSIGNAL */\n");
}

static void emit_top(const Netlist *n, const Schedule *s, const char *dir)
{
    char rel[300], out[32];
    snprintf(rel, sizeof rel, "rtl/%s.v", n->model->name);
    Out o = {.f = xfopen_w(dir, rel), .n = n, .dir = dir};
    top_header(&o, n, s);
    for (int i = 0; i <= n->n; i++) {
        int bits = stream_bits(n, i - 1);
        if (i > 0 && n->eng[i - 1].vec_out) {
            const Engine *pe = &n->eng[i - 1];
            w(&o, "    wire st%d_valid, st%d_ready, st%d_last;\n    wire st%d_we;\n    wire [%d:0] st%d_addr;\n    wire [%d:0] st%d_data;\n",
              i, i, i, i, vec_addr_w(pe->out_n) - 1, i, pe->out_t.w - 1, i);
        } else
            w(&o, "    wire st%d_valid, st%d_ready, st%d_last;\n    wire [%d:0] st%d_data;\n", i, i, i, bits - 1, i);
    }
    w(&o, "    assign st0_valid = s_axis_tvalid;\n    assign s_axis_tready = st0_ready;\n");
    w(&o, "    assign st0_data = s_axis_tdata;\n    assign st0_last = in_last;\n");
    top_forks(&o, n);
    for (int i = 0; i < n->n; i++)
        if (n->eng[i].mac_owner == 1) top_token(&o, n, i);
    for (int i = 0; i < n->n; i++) top_engine(&o, n, i);
    for (int i = 0; i < n->n; i++)
        for (int m = 0; n->eng[i].mac_owner == 1 && m < n->eng[i].mvm.n_mult; m++) top_shared_mac(&o, n, i, m);
    for (int i = 0; i < n->n; i++)
        if (n->eng[i].rom_depth) top_rom_lends(&o, n, i);
    reader_wires(n, n->out.eng, n->n, 0, out, sizeof out);
    w(&o, "    assign m_axis_tvalid = %s_valid;\n    assign %s_ready = m_axis_tready;\n", out, out);
    w(&o, "    assign m_axis_tdata = %s_data;\n    assign m_axis_tlast = %s_last;\n", out, out);
    w(&o, "\nendmodule\n\n`resetall\n");
    xfclose(o.f);
}

void emit_verilog(const Netlist *n, const Schedule *s, const char *dir)
{
    /* the placeholder table for linear/relu activations (never read) */
    FILE *f = xfopen_w(dir, "mem/none.mem");
    fprintf(f, "0\n0\n");
    xfclose(f);
    for (int i = 0; i < n->n; i++) emit_engine(n, &n->eng[i], dir);
    emit_top(n, s, dir);
}
