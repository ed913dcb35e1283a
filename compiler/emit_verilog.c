/* emit_verilog.c: Netlist -> the Verilog modules in DIR/rtl and the tables in DIR/mem.
 *
 * One module per engine, named <model>_<layer>_<role>, plus the top module <model>. Engines
 * instantiate the hand-written rtl_lib modules (products, MACs, adder-tree stages,
 * activations, cells) and hold only the glue: the job counter every internal strobe is
 * decoded from, operand alignment, and the per-multiplier schedule of RF > 1 products
 * (stored in a ROM next to the weights). Timing here is the contract lower.c computes:
 *   job accepted in cycle c (start); matrix product i started at c + off
 *   rf == 1: products registered at c+off+1, tree output at c+off+1+depth
 *   rf > 1:  ROM address = slot s at c+off+1+s, fields at +2, operands at +3, accumulated at +5;
 *            every partial sum valid at c+off+4+rf, tree output at c+off+4+rf+depth
 *   result written at the end of cycle c+L-1, visible from c+L.
 * Every strobe is an equality decode of the job counter `cnt`, which counts the job's cycles
 * up (job_at()); see map_control() for why it counts up. */
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

/* The expression "this is job cycle jc" (1 <= jc <= L - 1; the start cycle is job cycle 0):
 * cnt == jc - 1 while busy. cnt rests at 0 after reset and at L - 1 after a job, so only the
 * value 0 needs busy beside it. */
static const char *job_at(char *buf, size_t n, const Engine *e, int jc)
{
    int L = e->latency, cw = clog2i(L + 1) < 1 ? 1 : clog2i(L + 1);
    if (jc < 1 || jc > L - 1) BUG("job cycle %d of a %d-cycle job", jc, L);
    if (jc == 1) snprintf(buf, n, "(busy && cnt == %d'd0)", cw);
    else snprintf(buf, n, "cnt == %d'd%d", cw, jc - 1);
    return buf;
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
    if (with_q) w(o, ", .ROUND(%d), .SATURATE(%d)", t.q, t.o);
}

/* ---- mem files ---- */

static char *table_file(const Netlist *n, const Layer *l, const char *what)
{
    char *s = xcalloc(200, 1);
    snprintf(s, 200, "%s_%s_%s.mem", n->model->name, l->name, what);
    return s;
}

/* The table file: one hex entry per line, the low `width` bits of each raw entry. */
static void write_table(const char *dir, const char *file, const Table *t, int width)
{
    char rel[256];
    snprintf(rel, sizeof rel, "mem/%s", file);
    FILE *f = xfopen_w(dir, rel);
    int digits = (width + 3) / 4;
    for (int k = 0; k < t->n; k++) {
        uint64_t bits = (uint64_t)t->entries[k] & (width == 64 ? ~0ull : ((1ull << width) - 1));
        fprintf(f, "%0*llx\n", digits, (unsigned long long)bits);
    }
    xfclose(f);
}

/* Activation parameters for rnnc_activation / the cells (prefix "" or "RACT_" ...). */
typedef struct {
    int kind, bits, shift, offset;
    int tw, tsigned;    /* stored entry width and extension (rnnc_activation TABLE_W, TABLE_SIGNED) */
    char file[200];
} ActParams;

/* The narrowest storage of a table's raw entries when some are negative: stored signed,
 * rnnc_activation sign-extends them back to the output width (a tanh table's copies of the
 * sign bit are not constant, so synthesis cannot drop them itself). Tables with no negative
 * entry stay full width: their constant-zero upper bits are dropped by synthesis anyway, and
 * Yosys 0.23's ice40_dsp pass crashes when a multiplier operand has zero bits it can see
 * before memory mapping (a narrow sigmoid feeding the GRU cell's z * h). */
static void table_storage(const Table *t, int *tw, int *tsigned)
{
    int64_t lo = 0, hi = 0;
    for (int k = 0; k < t->n; k++) {
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

static ActParams act_params(Out *o, const Layer *l, ActKind a)
{
    ActParams p = {.kind = a == ACT_LINEAR ? 0 : a == ACT_RELU ? 1 : 2, .bits = 1};
    snprintf(p.file, sizeof p.file, "none.mem");
    if (p.kind == 2) {
        Table *t = table_for(l, a);
        p.bits = clog2i(t->n);
        p.shift = t->scale_shift;
        p.offset = t->offset;
        table_storage(t, &p.tw, &p.tsigned);
        char *fn = table_file(o->n, l, act_name(a));
        snprintf(p.file, sizeof p.file, "%s", fn);
        write_table(o->dir, fn, t, p.tw);
        free(fn);
    }
    return p;
}

static void act_inst_params(Out *o, const char *pfx, const ActParams *p)
{
    if (!*pfx) w(o, ".TABLE_REG(%d), ", o->n->table_reg);
    w(o, ".%sKIND(%d), .%sTABLE_BITS(%d), .%sSCALE_SHIFT(%d), .%sOFFSET(%d), .%s%s({MEM_PATH, \"%s\"})",
      pfx, p->kind, pfx, p->bits, pfx, p->shift, pfx, p->offset, pfx,
      *pfx ? "FILE" : "INIT_FILE", p->file);
    if (p->kind == 2) w(o, ", .%sTABLE_W(%d), .%sTABLE_SIGNED(%d)", pfx, p->tw, pfx, p->tsigned);
}

/* ---- matrix-vector products ---- */

typedef struct {
    const char *pfx;        /* signal prefix, e.g. "mv" */
    char **op;              /* operand expressions [n_in] */
    char **extra;           /* extra-input expressions, indexed by MvmOut.extra */
    int off;                /* start cycle offset within the job */
    bool serial;            /* in: the caller consumes direct-form captures one by one */
    const char *op_mem;     /* in (rf > 1): operands are read from this memory (already of the
                             * operand type) instead of the op expressions */
    int banks, bank_n;      /* in: direct form on one multiplier: the captures go to `banks`
                             * memories <pfx>_bank_<b> of bank_n words (output j to bank
                             * j / bank_n, address j % bank_n), read by the caller; no
                             * <pfx>_acc_<j> */
    /* out, when serial and direct: per multiplier its captured sum <pfx>_cap_<m>, strobe
     * <pfx>_last_<m>_d2 and index <pfx>_pc_<m>; part_out[m][i] is the output of capture i */
    bool direct;
    int n_mult, *n_caps, **part_out;
} MvmCtx;

typedef struct { int m, idx, n; } PartRef;

/* A regular schedule: every output takes all operands in order (0 .. n_in-1) and every
 * multiplier does exactly R products starting at an output boundary (R a multiple of n_in, the
 * product count a multiple of R). Then operand index and first/last/valid flags are the same
 * for all multipliers and follow the slot, so counters make them and the ROM holds only the
 * weights (on iCE40 a 16-bit word fits one block RAM's width; with the fields it took two). */
static bool mvm_regular(const Mvm *v)
{
    if (v->rf < 2 || v->n_in < 2 || v->rf % v->n_in || v->n_products % v->rf) return false;
    for (int j = 0; j < v->n_out; j++) {
        const MvmOut *mo = &v->outs[j];
        if (mo->n_terms != v->n_in) return false;
        for (int t = 0; t < mo->n_terms; t++)
            if (mo->terms[t].k != t) return false;
    }
    return true;
}

/* A run schedule generalizes the regular one: every multiplier sees the same operand sequence,
 * made of runs k0, k0+1, .., k0+len-1 (first flag on k0, last flag on the run's end), and the
 * runs form a few segments of identical runs (a GRU with reset_after: the z and r outputs take
 * all operands, the candidate's input and recurrent parts their own ranges). Counters then make
 * the index and flags, and the ROM holds only the weights. Returns the number of segments
 * (0: not a run schedule, or a single segment). rom holds one char per bit, fields {valid, first, last, k, w}. */
typedef struct { int k0, len, cnt; } RunSeg;
enum { MAX_RUN_SEGS = 4 };

static int mvm_run_segments(const unsigned char *rom, int rowbytes, int fw, int P, int R, int ww, int kb,
                            RunSeg *seg)
{
    int nseg = 0, run_k0 = 0, run_len = 0;
    for (int s = 0; s < R; s++) {
        const unsigned char *b0 = rom + (size_t)s * (size_t)rowbytes;
        for (int m = 1; m < P; m++)
            if (memcmp(b0 + ww, b0 + (size_t)m * (size_t)fw + ww, (size_t)(kb + 3))) return 0;
        int k = 0;
        for (int b = 0; b < kb; b++) k |= b0[ww + b] << b;
        bool lastp = b0[ww + kb], first = b0[ww + kb + 1], valid = b0[ww + kb + 2];
        if (!valid || first != (run_len == 0)) return 0;
        if (first) run_k0 = k;
        else if (k != run_k0 + run_len) return 0;
        run_len++;
        if (lastp) {
            if (nseg > 0 && seg[nseg - 1].k0 == run_k0 && seg[nseg - 1].len == run_len) seg[nseg - 1].cnt++;
            else if (nseg == MAX_RUN_SEGS) return 0;
            else seg[nseg++] = (RunSeg){run_k0, run_len, 1};
            run_len = 0;
        }
    }
    return run_len == 0 && nseg >= 2 ? nseg : 0; /* one segment: regular, or not worth it */
}

/* Emit the products and trees; defines <pfx>_acc_<j> (accum type) for every output. */
static void emit_mvm(Out *o, const Mvm *v, MvmCtx *c)
{
    const char *p = c->pfx;
    FxType ot = v->op_t, wt = v->w_t, at = v->accum;
    int G = v->guard_w;
    char buf[MAX_EXPR], buf2[MAX_EXPR];

    w(o, "\n    // ---- %s: %d outputs, %d products on %d multipliers (reuse %d), tree depth %d\n",
      p, v->n_out, v->n_products, v->n_mult, v->rf, v->depth);
    for (int k = 0; k < v->n_in && !c->op_mem; k++) {
        FxType tk = k < v->n_a ? v->ta : v->tb;
        snprintf(buf2, sizeof buf2, "%s_in_%d", p, k);
        align(buf, sizeof buf, buf2, tk, ot);
        w(o, "    wire [%d:0] %s_in_%d = %s;\n", tk.w - 1, p, k, c->op[k]);
        w(o, "    wire [%d:0] %s_op_%d = %s;\n", ot.w - 1, p, k, buf);
    }

    /* items per output: expressions of width G */
    char ***items = xcalloc((size_t)v->n_out, sizeof(char **));
    int *n_items = xcalloc((size_t)v->n_out, sizeof(int));
    for (int j = 0; j < v->n_out; j++)
        items[j] = xcalloc((size_t)v->outs[j].n_terms + 2, sizeof(char *));

    int *elems = xcalloc((size_t)v->n_out, sizeof(int)); /* tree inputs per output */
    bool direct = false;
    if (v->rf == 1) {
        /* Every output's terms are a contiguous run of operands (lower.c builds them so):
         * one generate loop of constant-weight products per output. */
        w(o, "    wire [%d:0] %s_ops = {", v->n_in * ot.w - 1, p);
        for (int k = v->n_in - 1; k >= 0; k--) w(o, "%s_op_%d%s", p, k, k ? ", " : "};\n");
        w(o, "    genvar %s_i;\n", p);
        for (int j = 0; j < v->n_out; j++) {
            const MvmOut *mo = &v->outs[j];
            int nt = mo->n_terms, k0 = nt ? mo->terms[0].k : 0;
            if (nt == 0) continue;
            for (int t = 0; t < nt; t++)
                if (mo->terms[t].k != k0 + t) BUG("terms of output %d are not contiguous", j);
            w(o, "    localparam [%d:0] %s_w_%d = {", nt * wt.w - 1, p, j);
            for (int t = nt - 1; t >= 0; t--) {
                FxType tw = mo->terms[t].k < v->n_a ? v->wa : v->wb;
                wide_t wv = (wide_t)mo->terms[t].w * ((wide_t)1 << (fx_frac(wt) - fx_frac(tw)));
                lit(buf, sizeof buf, wt.w, wv);
                w(o, "%s%s", buf, t ? ", " : "};\n");
            }
            w(o, "    wire [%d:0] %s_p_%d;\n    wire [%d:0] %s_pe_%d;\n", nt * at.w - 1, p, j, nt * G - 1, p, j);
            w(o, "    generate for (%s_i = 0; %s_i < %d; %s_i = %s_i + 1) begin : g_%s_%d\n", p, p, nt, p, p, p, j);
            w(o, "        rnnc_product #(.A_W(%d), .A_F(%d), .A_SIGNED(1), .B_W(%d), .B_F(%d), .B_SIGNED(1), "
                 ".OUT_W(%d), .OUT_F(%d), .ROUND(%d), .SATURATE(%d)) u_p (.clk(clk), .a(%s_ops[(%d + %s_i) * %d +: %d]), "
                 ".b(%s_w_%d[%s_i * %d +: %d]), .q(%s_p_%d[%s_i * %d +: %d]));\n",
              ot.w, fx_frac(ot), wt.w, fx_frac(wt), at.w, fx_frac(at), at.q, at.o, p, k0, p, ot.w, ot.w, p, j, p,
              wt.w, wt.w, p, j, p, at.w, at.w);
            w(o, "        assign %s_pe_%d[%s_i * %d +: %d] = {{%d{%s_p_%d[%s_i * %d + %d]}}, %s_p_%d[%s_i * %d +: %d]};\n",
              p, j, p, G, G, G - at.w, p, j, p, at.w, at.w - 1, p, j, p, at.w, at.w);
            w(o, "    end endgenerate\n");
            snprintf(buf, sizeof buf, "%s_pe_%d", p, j);
            items[j][n_items[j]++] = xstrdup(buf);
            elems[j] = nt;
        }
    } else {
        int P = v->n_mult, R = v->rf;
        int kb = clog2i(v->n_in) < 1 ? 1 : clog2i(v->n_in);
        int fw = 3 + kb + wt.w; /* {valid, first, last, k, w} */
        int sb = clog2i(R) < 1 ? 1 : clog2i(R);
        /* schedule: product q (output-major) on multiplier q / R at slot q % R */
        PartRef **parts = xcalloc((size_t)v->n_out, sizeof(PartRef *));
        int *n_parts_out = xcalloc((size_t)v->n_out, sizeof(int));
        int *n_parts_m = xcalloc((size_t)P, sizeof(int));
        for (int j = 0; j < v->n_out; j++) parts[j] = xcalloc((size_t)v->outs[j].n_terms + 1, sizeof(PartRef));
        int words = R;
        int rowbytes = P * fw;
        unsigned char *rom = xcalloc((size_t)words * (size_t)rowbytes, 1); /* one char per bit */
        long q = 0;
        for (int j = 0; j < v->n_out; j++) {
            const MvmOut *mo = &v->outs[j];
            for (int t = 0; t < mo->n_terms; t++, q++) {
                int m = (int)(q / R), s = (int)(q % R);
                bool first = t == 0 || s == 0, lastp = t == mo->n_terms - 1 || s == R - 1;
                FxType tw = mo->terms[t].k < v->n_a ? v->wa : v->wb;
                wide_t wv = (wide_t)mo->terms[t].w * ((wide_t)1 << (fx_frac(wt) - fx_frac(tw)));
                unsigned char *bits = rom + (size_t)s * (size_t)rowbytes + (size_t)m * (size_t)fw;
                for (int b = 0; b < wt.w; b++) bits[b] = (unsigned char)((wv >> b) & 1);
                for (int b = 0; b < kb; b++) bits[wt.w + b] = (unsigned char)((mo->terms[t].k >> b) & 1);
                bits[wt.w + kb] = lastp;
                bits[wt.w + kb + 1] = first;
                bits[wt.w + kb + 2] = 1;
                if (first) {
                    PartRef *r = &parts[j][n_parts_out[j]++];
                    r->m = m;
                    r->idx = n_parts_m[m]++;
                }
            }
        }
        for (int j = 0; j < v->n_out; j++)
            for (int i = 0; i < n_parts_out[j]; i++) parts[j][i].n = n_parts_m[parts[j][i].m];
        /* the ROM file: hex, one word per line, exactly R lines; a regular schedule stores
         * only the weights (rw bits per multiplier) */
        bool regular = mvm_regular(v);
        RunSeg segs[MAX_RUN_SEGS];
        int nseg = regular ? 0 : mvm_run_segments(rom, rowbytes, fw, P, R, wt.w, kb, segs);
        bool counted = regular || nseg > 0; /* index and flags from counters */
        int rw = counted ? wt.w : fw;
        char rel[300], fname[240];
        snprintf(fname, sizeof fname, "%s_%s.mem", o->e->name, p);
        snprintf(rel, sizeof rel, "mem/%s", fname);
        FILE *mf = xfopen_w(o->dir, rel);
        int width = P * rw, digits = (width + 3) / 4;
        for (int s = 0; s < words; s++) {
            const unsigned char *bits = rom + (size_t)s * (size_t)rowbytes;
            for (int d = digits - 1; d >= 0; d--) {
                int nib = 0;
                for (int b = 0; b < 4; b++) {
                    int bit = d * 4 + b;
                    if (bit < width && bits[(bit / rw) * fw + bit % rw]) nib |= 1 << b;
                }
                fputc("0123456789abcdef"[nib], mf);
            }
            fputc('\n', mf);
        }
        xfclose(mf);
        free(rom);

        /* slot s is addressed in job cycle off+1+s: a slot counter started the cycle before */
        if (c->off == 0) w(o, "    wire %s_go = start;\n", p);
        else w(o, "    wire %s_go = %s;\n", p, job_at(buf, sizeof buf, o->e, c->off));
        w(o, "    reg %s_on;\n    reg [%d:0] %s_slot;\n", p, sb - 1, p);
        w(o, "    always @(posedge clk) begin\n        if (rst) %s_on <= 1'b0;\n", p);
        w(o, "        else if (%s_go) %s_on <= 1'b1;\n        else if (%s_slot == %d'd%d) %s_on <= 1'b0;\n", p, p, p, sb, R - 1, p);
        w(o, "        if (%s_go) %s_slot <= %d'd0;\n        else if (%s_on) %s_slot <= %s_slot + %d'd1;\n    end\n", p, p, sb, p,
          p, p, sb);
        w(o, "    wire [%d:0] %s_word;\n", width - 1, p);
        w(o, "    rnnc_rom #(.WIDTH(%d), .DEPTH(%d), .ADDR_W(%d), .INIT_FILE({MEM_PATH, \"%s\"})) u_%s_rom "
             "(.clk(clk), .addr(%s_slot), .data(%s_word));\n", width, R, sb, fname, p, p, p);
        if (o->n->table_reg) {
            /* slow parts: the ROM's output gets a register of its own before the operand mux */
            w(o, "    reg [%d:0] %s_word_r;\n    reg %s_on_0;\n    reg %s_on_1;\n", width - 1, p, p, p);
            w(o, "    always @(posedge clk) begin\n        %s_on_0 <= %s_on;\n        %s_on_1 <= %s_on_0;\n"
                 "        %s_word_r <= %s_word;\n    end\n", p, p, p, p, p, p);
        } else {
            w(o, "    reg %s_on_1;\n    always @(posedge clk) %s_on_1 <= %s_on;\n", p, p, p);
        }
        if (regular) {
            /* the operand index follows the slot (k = slot mod n_in), delayed like the word */
            int nd = 1 + o->n->table_reg;
            w(o, "    // regular schedule: operand index and flags from a counter, the ROM holds the weights\n");
            w(o, "    reg [%d:0] %s_k;\n", kb - 1, p);
            for (int d = 1; d <= nd; d++) w(o, "    reg [%d:0] %s_k_d%d;\n", kb - 1, p, d);
            w(o, "    always @(posedge clk) begin\n        if (%s_go) %s_k <= %d'd0;\n", p, p, kb);
            w(o, "        else if (%s_on) %s_k <= %s_k == %d'd%d ? %d'd0 : %s_k + %d'd1;\n", p, p, p, kb, v->n_in - 1, kb, p, kb);
            w(o, "        %s_k_d1 <= %s_k;\n", p, p);
            for (int d = 2; d <= nd; d++) w(o, "        %s_k_d%d <= %s_k_d%d;\n", p, d, p, d - 1);
            w(o, "    end\n");
            w(o, "    wire %s_kfirst = %s_k_d%d == %d'd0;\n    wire %s_klast = %s_k_d%d == %d'd%d;\n", p, p, nd, kb, p, p, nd,
              kb, v->n_in - 1);
        }
        if (nseg > 0) {
            /* run schedule: k walks each run; at a run's end it restarts the run (p_rep more
             * times) or enters the next segment; kf/kl are the first/last flags of slot k */
            int nd = 1 + o->n->table_reg, sw = clog2i(nseg) < 1 ? 1 : clog2i(nseg), maxc = 1;
            for (int i = 0; i < nseg; i++)
                if (segs[i].cnt > maxc) maxc = segs[i].cnt;
            int cw = clog2i(maxc) < 1 ? 1 : clog2i(maxc);
            w(o, "    // run schedule, %d segments (first operand x run length x runs):", nseg);
            for (int i = 0; i < nseg; i++) w(o, " %d x %d x %d", segs[i].k0, segs[i].len, segs[i].cnt);
            w(o, ";\n    // operand index and flags from counters, the ROM holds the weights\n");
            w(o, "    reg [%d:0] %s_k;\n    reg [%d:0] %s_klim;\n    reg %s_kf, %s_kl;\n", kb - 1, p, kb - 1, p, p, p);
            w(o, "    reg [%d:0] %s_seg;\n    reg [%d:0] %s_rep;\n", sw - 1, p, cw - 1, p);
            for (int d = 1; d <= nd; d++)
                w(o, "    reg [%d:0] %s_k_d%d;\n    reg %s_kf_d%d, %s_kl_d%d;\n", kb - 1, p, d, p, d, p, d);
            /* the fields of segment i: a chain on p_seg (next: segment p_seg + 1) */
            const char *fld[4] = {"k0", "klim", "kl", "rep"};
            int fwid[4] = {kb, kb, 1, cw};
            for (int f = 0; f < 4; f++)
                for (int nx = 0; nx < 2; nx++) {
                    if (!nx && (f == 1 || f == 3)) continue; /* a run restart keeps klim and rep */
                    w(o, "    wire [%d:0] %s_%s_%s = ", fwid[f] - 1, p, nx ? "next" : "this", fld[f]);
                    for (int i = 0; i < nseg; i++) {
                        const RunSeg *g = &segs[(i + nx) % nseg];
                        int val = f == 0 ? g->k0 : f == 1 ? (g->len >= 2 ? g->k0 + g->len - 2 : 0)
                                : f == 2 ? g->len == 1 : g->cnt - 1;
                        if (i < nseg - 1) w(o, "%s_seg == %d'd%d ? %d'd%d : ", p, sw, i, fwid[f], val);
                        else w(o, "%d'd%d;\n", fwid[f], val);
                    }
                }
            w(o, "    always @(posedge clk) begin\n");
            w(o, "        if (%s_go) begin\n", p);
            w(o, "            %s_seg <= %d'd0;\n            %s_k <= %d'd%d;\n", p, sw, p, kb, segs[0].k0);
            w(o, "            %s_klim <= %d'd%d;\n", p, kb, segs[0].len >= 2 ? segs[0].k0 + segs[0].len - 2 : 0);
            w(o, "            %s_kf <= 1'b1;\n            %s_kl <= 1'b%d;\n", p, p, segs[0].len == 1);
            w(o, "            %s_rep <= %d'd%d;\n", p, cw, segs[0].cnt - 1);
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
        char opv[64];
        snprintf(opv, sizeof opv, "%s_opv", p);
        if (c->op_mem) snprintf(opv, sizeof opv, "%s", c->op_mem);
        else {
            w(o, "    wire [%d:0] %s_opv [0:%d];\n", ot.w - 1, p, v->n_in - 1);
            for (int k = 0; k < v->n_in; k++) w(o, "    assign %s_opv[%d] = %s_op_%d;\n", p, k, p, k);
        }
        int accw = G;
        /* Direct form: every output is one multiplier's single run and has no extra input, so
         * the bias joins at the capture, cast to the accumulator type there, and no adder tree
         * (or its registers) is needed; same timing as a one-stage tree. */
        direct = v->direct;
        for (int j = 0; j < v->n_out; j++)
            if (direct && (n_parts_out[j] != 1 || v->outs[j].extra >= 0)) BUG("direct form of output %d", j);
        int **part_out = xcalloc((size_t)P, sizeof(int *)); /* (m, i) -> output */
        for (int m = 0; m < P; m++) part_out[m] = xcalloc((size_t)n_parts_m[m] + 1, sizeof(int));
        for (int j = 0; j < v->n_out; j++)
            for (int i = 0; i < n_parts_out[j]; i++) part_out[parts[j][i].m][parts[j][i].idx] = j;
        for (int m = 0; m < P; m++) {
            int base = m * fw;
            w(o, "    // multiplier %d: %d partial sums\n", m, n_parts_m[m]);
            if (counted)
                w(o, "    wire [%d:0] %s_f_%d = {1'b1, %s_kfirst, %s_klast, %s_k_d%d, %s_word%s[%d:%d]};\n", fw - 1, p, m, p,
                  p, p, 1 + o->n->table_reg, p, o->n->table_reg ? "_r" : "", m * rw + rw - 1, m * rw);
            else
                w(o, "    wire [%d:0] %s_f_%d = %s_word%s[%d:%d];\n", fw - 1, p, m, p, o->n->table_reg ? "_r" : "",
                  base + fw - 1, base);
            w(o, "    reg [%d:0] %s_a_%d;\n    reg [%d:0] %s_b_%d;\n", ot.w - 1, p, m, wt.w - 1, p, m);
            bool track = direct || n_parts_m[m] > 1; /* partial sums to capture */
            w(o, "    reg %s_en_%d, %s_first_%d;\n", p, m, p, m);
            if (track) w(o, "    reg %s_last_%d, %s_last_%d_d1, %s_last_%d_d2;\n", p, m, p, m, p, m);
            else w(o, "    /* verilator lint_off UNUSEDSIGNAL */\n    wire unused_%s_last_%d = %s_f_%d[%d];\n"
                      "    /* verilator lint_on UNUSEDSIGNAL */\n", p, m, p, m, fw - 3);
            /* slow parts: the MAC's inputs pass one more register stage (<name>_p) after the
             * operand multiplexer, so the multiplexer does not share a cycle with the routing
             * into the DSP */
            const char *ps = o->n->table_reg ? "_p" : "";
            /* With that stage and more than 4 operands the multiplexer is split across it: groups
             * of 4 by the index's low bits into _g<i>, then the group by its high bits (a
             * 26-way multiplexer is 5 LUT levels, too many for 48 MHz on iCE40). Registers
             * only: the values and the timing are those of the one-stage multiplexer. */
            bool split = o->n->table_reg && !c->op_mem && v->n_in > 4;
            int n_grp = (v->n_in + 3) / 4;
            if (split) {
                for (int g = 0; g < n_grp; g++) w(o, "    reg [%d:0] %s_a_%d_g%d;\n", ot.w - 1, p, m, g);
                w(o, "    wire [%d:0] %s_a_%d_gv [0:%d];\n", ot.w - 1, p, m, n_grp - 1);
                for (int g = 0; g < n_grp; g++) w(o, "    assign %s_a_%d_gv[%d] = %s_a_%d_g%d;\n", p, m, g, p, m, g);
                w(o, "    reg [%d:0] %s_a_%d_gsel;\n", kb - 3, p, m);
            }
            if (o->n->table_reg) {
                if (!split) w(o, "    reg [%d:0] %s_a_%d_p;\n", ot.w - 1, p, m);
                w(o, "    reg [%d:0] %s_b_%d_p;\n    reg %s_en_%d_p, %s_first_%d_p;\n", wt.w - 1, p, m, p, m, p, m);
                if (track) w(o, "    reg %s_last_%d_p;\n", p, m);
            }
            w(o, "    always @(posedge clk) begin\n");
            if (split) {
                for (int g = 0; g < n_grp; g++) {
                    w(o, "        %s_a_%d_g%d <= ", p, m, g);
                    int nmem = v->n_in - 4 * g < 4 ? v->n_in - 4 * g : 4;
                    for (int i = 1; i < nmem; i++)
                        w(o, "%s_f_%d[%d:%d] == 2'd%d ? %s[%d] : ", p, m, wt.w + 1, wt.w, i, opv, 4 * g + i);
                    w(o, "%s[%d];\n", opv, 4 * g);
                }
                w(o, "        %s_a_%d_gsel <= %s_f_%d[%d:%d];\n", p, m, p, m, wt.w + kb - 1, wt.w + 2);
            } else {
                w(o, "        %s_a_%d%s <= %s[%s_f_%d[%d:%d]];\n", p, m, ps, opv, p, m, wt.w + kb - 1, wt.w);
            }
            w(o, "        %s_b_%d%s <= %s_f_%d[%d:0];\n", p, m, ps, p, m, wt.w - 1);
            w(o, "        %s_en_%d%s <= %s_on_1 & %s_f_%d[%d];\n", p, m, ps, p, p, m, fw - 1);
            w(o, "        %s_first_%d%s <= %s_f_%d[%d];\n", p, m, ps, p, m, fw - 2);
            if (track) w(o, "        %s_last_%d%s <= %s_on_1 & %s_f_%d[%d];\n", p, m, ps, p, p, m, fw - 3);
            if (o->n->table_reg) {
                if (split) w(o, "        %s_a_%d <= %s_a_%d_gv[%s_a_%d_gsel];\n", p, m, p, m, p, m);
                else w(o, "        %s_a_%d <= %s_a_%d_p;\n", p, m, p, m);
                w(o, "        %s_b_%d <= %s_b_%d_p;\n", p, m, p, m);
                w(o, "        %s_en_%d <= %s_en_%d_p;\n        %s_first_%d <= %s_first_%d_p;\n", p, m, p, m, p, m, p, m);
                if (track) w(o, "        %s_last_%d <= %s_last_%d_p;\n", p, m, p, m);
            }
            if (track) {
                w(o, "        %s_last_%d_d1 <= %s_last_%d;\n", p, m, p, m);
                w(o, "        %s_last_%d_d2 <= %s_last_%d_d1;\n", p, m, p, m);
            }
            w(o, "    end\n");
            w(o, "    wire [%d:0] %s_acc_m%d;\n", accw - 1, p, m);
            w(o, "    rnnc_mac #(.A_W(%d), .A_F(%d), .A_SIGNED(1), .B_W(%d), .B_F(%d), .B_SIGNED(1), .Q_W(%d), "
                 ".Q_F(%d), .ROUND(%d), .SATURATE(%d), .ACC_W(%d)) u_%s_mac_%d (.clk(clk), .en(%s_en_%d), "
                 ".first(%s_first_%d), .a(%s_a_%d), .b(%s_b_%d), .acc(%s_acc_m%d));\n",
              ot.w, fx_frac(ot), wt.w, fx_frac(wt), at.w, fx_frac(at), at.q, at.o, accw, p, m, p, m, p,
              m, p, m, p, m, p, m);
            if (track) {
                int pcw = clog2i(n_parts_m[m]) < 1 ? 1 : clog2i(n_parts_m[m]);
                int ncap = direct ? n_parts_m[m] : n_parts_m[m] - 1, capw = direct ? at.w : accw;
                if (direct && (c->serial || c->banks)) ncap = 0; /* the caller takes the captures */
                w(o, "    reg [%d:0] %s_pc_%d;\n", pcw - 1, p, m);
                for (int i = 0; i < ncap; i++) w(o, "    reg [%d:0] %s_part_%d_%d;\n", capw - 1, p, m, i);
                char cap[64];
                snprintf(cap, sizeof cap, "%s_acc_m%d", p, m);
                if (direct) {
                    /* bias_<m> == the bias of capture pc, kept in a register (the table lookup
                     * stays off the capture's carry chain): loaded with the next capture's
                     * bias whenever pc advances */
                    int nc = n_parts_m[m], nb = 1; /* the table holds nb-bit signed values */
                    for (int i = 0; i < nc; i++) {
                        wide_t b = v->outs[part_out[m][i]].bias;
                        while (nb < G && (b < -((wide_t)1 << (nb - 1)) || b >= ((wide_t)1 << (nb - 1)))) nb++;
                    }
                    /* Chains of conditionals, not a case: synthesis keeps them in logic (a case
                     * this size becomes a ROM, and block RAM is what small parts run out of).
                     * bias_next_<m> = the bias of capture pc + 1. With more than 16 captures
                     * and at least 3 cycles between them it is looked up in two registered
                     * stages (16-entry groups on pc's low bits, then the group), ready 2 cycles
                     * after pc moves: a 7-bit lookup is 4 LUT levels, too many for one cycle. */
                    int min_run = 1 << 30;
                    for (int i = 0; i < nc; i++)
                        if (v->outs[part_out[m][i]].n_terms < min_run) min_run = v->outs[part_out[m][i]].n_terms;
                    w(o, "    reg [%d:0] %s_bias_%d;\n", G - 1, p, m);
                    if (nc > 16 && min_run >= 3) {
                        int ng = (nc + 15) / 16;
                        for (int g = 0; g < ng; g++) {
                            w(o, "    reg [%d:0] %s_bg_%d_%d;\n", nb - 1, p, m, g);
                            w(o, "    always @(posedge clk) %s_bg_%d_%d <=\n", p, m, g);
                            int last = g * 16 + 15 < nc - 1 ? g * 16 + 15 : nc - 1;
                            for (int i = g * 16; i < last; i++) {
                                lit(buf, sizeof buf, nb, v->outs[part_out[m][(i + 1) % nc]].bias);
                                w(o, "        %s_pc_%d[3:0] == 4'd%d ? %s :\n", p, m, i - g * 16, buf);
                            }
                            lit(buf, sizeof buf, nb, v->outs[part_out[m][(last + 1) % nc]].bias);
                            w(o, "        %s;\n", buf);
                        }
                        w(o, "    reg [%d:0] %s_bsel_%d;\n    reg [%d:0] %s_bias_next_%d;\n", pcw - 5, p, m, nb - 1, p, m);
                        w(o, "    always @(posedge clk) begin\n        %s_bsel_%d <= %s_pc_%d[%d:4];\n", p, m, p, m, pcw - 1);
                        w(o, "        %s_bias_next_%d <=\n", p, m);
                        for (int g = 0; g < ng - 1; g++)
                            w(o, "            %s_bsel_%d == %d'd%d ? %s_bg_%d_%d :\n", p, m, pcw - 4, g, p, m, g);
                        w(o, "            %s_bg_%d_%d;\n    end\n", p, m, ng - 1);
                    } else {
                        w(o, "    wire [%d:0] %s_bias_next_%d =\n", nb - 1, p, m);
                        for (int i = 0; i < nc - 1; i++) {
                            lit(buf, sizeof buf, nb, v->outs[part_out[m][(i + 1) % nc]].bias);
                            w(o, "        %s_pc_%d == %d'd%d ? %s :\n", p, m, pcw, i, buf);
                        }
                        lit(buf, sizeof buf, nb, v->outs[part_out[m][0]].bias);
                        w(o, "        %s;\n", buf);
                    }
                    lit(buf, sizeof buf, G, v->outs[part_out[m][0]].bias);
                    snprintf(buf2, sizeof buf2, "%s_bias_next_%d", p, m);
                    char ext[MAX_EXPR];
                    extend(ext, sizeof ext, buf2, nb, true, G);
                    w(o, "    always @(posedge clk) begin\n        if (rst) %s_bias_%d <= %s;\n"
                         "        else if (%s_last_%d_d2) %s_bias_%d <= %s;\n    end\n",
                      p, m, buf, p, m, p, m, ext);
                    w(o, "    wire [%d:0] %s_sum_%d = %s_acc_m%d + %s_bias_%d;\n    wire [%d:0] %s_cap_%d;\n", G - 1, p, m, p,
                      m, p, m, at.w - 1, p, m);
                    w(o, "    rnnc_quant #(.IN_W(%d), .IN_F(%d), .IN_SIGNED(1), ", G, fx_frac(at));
                    fx_params(o, "OUT_", at, true);
                    w(o, ") u_%s_cq_%d (.in_data(%s_sum_%d), .out_data(%s_cap_%d));\n", p, m, p, m, p, m);
                    snprintf(cap, sizeof cap, "%s_cap_%d", p, m);
                }
                /* pc counts this multiplier's partial sums, n per job: back to 0 after the last */
                w(o, "    always @(posedge clk) begin\n");
                w(o, "        if (rst) %s_pc_%d <= %d'd0;\n", p, m, pcw);
                w(o, "        else if (%s_last_%d_d2) begin\n", p, m);
                w(o, "            %s_pc_%d <= %s_pc_%d == %d'd%d ? %d'd0 : %s_pc_%d + %d'd1;\n", p, m, p, m, pcw,
                  n_parts_m[m] - 1, pcw, p, m, pcw);
                for (int i = 0; i < ncap; i++)
                    w(o, "            if (%s_pc_%d == %d'd%d) %s_part_%d_%d <= %s;\n", p, m, pcw, i, p, m, i, cap);
                w(o, "        end\n    end\n");
            }
        }
        if (c->banks) {
            if (!direct || P != 1 || v->n_out != c->banks * c->bank_n) BUG("banked captures of a %d-output product", v->n_out);
            /* memories rather than registers: on FPGAs with block RAM the vectors leave the
             * flip-flops, and the read port replaces the lane multiplexer */
            int bw = clog2i(c->banks) < 1 ? 1 : clog2i(c->banks), aw = clog2i(c->bank_n) < 1 ? 1 : clog2i(c->bank_n);
            w(o, "    // captures into %d banks of %d words: output j to bank j / %d, address j %% %d\n", c->banks, c->bank_n,
              c->bank_n, c->bank_n);
            w(o, "    reg [%d:0] %s_wb;\n    reg [%d:0] %s_wa;\n", bw - 1, p, aw - 1, p);
            w(o, "    always @(posedge clk) begin\n        if (rst) begin\n            %s_wb <= %d'd0;\n            %s_wa <= %d'd0;\n"
                 "        end else if (%s_last_0_d2) begin\n", p, bw, p, aw, p);
            w(o, "            if (%s_wa == %d'd%d) begin\n                %s_wa <= %d'd0;\n", p, aw, c->bank_n - 1, p, aw);
            w(o, "                %s_wb <= %s_wb == %d'd%d ? %d'd0 : %s_wb + %d'd1;\n", p, p, bw, c->banks - 1, bw, p, bw);
            w(o, "            end else %s_wa <= %s_wa + %d'd1;\n        end\n    end\n", p, p, aw);
            for (int b = 0; b < c->banks; b++) {
                w(o, "    (* no_rw_check *) reg [%d:0] %s_bank_%d [0:%d];\n", at.w - 1, p, b, c->bank_n - 1);
                w(o, "    always @(posedge clk) if (%s_last_0_d2 && %s_wb == %d'd%d) %s_bank_%d[%s_wa] <= %s_cap_0;\n", p, p, bw, b,
                  p, b, p, p);
            }
        }
        c->direct = direct;
        if (direct && c->serial) {
            c->n_mult = P;
            c->n_caps = xcalloc((size_t)P, sizeof(int));
            for (int m = 0; m < P; m++) c->n_caps[m] = n_parts_m[m];
            c->part_out = part_out;
        } else {
            for (int m = 0; m < P; m++) free(part_out[m]);
            free(part_out);
        }
        for (int j = 0; j < v->n_out; j++) {
            for (int i = 0; i < n_parts_out[j]; i++) {
                PartRef *r = &parts[j][i];
                if (direct) snprintf(buf, sizeof buf, "%s_part_%d_%d", p, r->m, r->idx);
                else if (r->idx == r->n - 1) snprintf(buf, sizeof buf, "%s_acc_m%d", p, r->m);
                else snprintf(buf, sizeof buf, "%s_part_%d_%d", p, r->m, r->idx);
                items[j][n_items[j]++] = xstrdup(buf);
                elems[j]++;
            }
            free(parts[j]);
        }
        free(parts);
        free(n_parts_out);
        free(n_parts_m);
    }

    for (int j = 0; j < v->n_out; j++) {
        const MvmOut *mo = &v->outs[j];
        if (direct && (c->serial || c->banks)) {
            free(items[j][0]);
            free(items[j]);
            continue;
        }
        if (direct) { /* the captured, biased, cast sum */
            w(o, "    wire [%d:0] %s_acc_%d = %s;\n", at.w - 1, p, j, items[j][0]);
            free(items[j][0]);
            free(items[j]);
            continue;
        }
        if (mo->bias != 0) {
            lit(buf, sizeof buf, G, mo->bias);
            items[j][n_items[j]++] = xstrdup(buf);
            elems[j]++;
        }
        if (mo->extra >= 0) {
            w(o, "    wire [%d:0] %s_x_%d = %s;\n", at.w - 1, p, j, c->extra[mo->extra]);
            snprintf(buf2, sizeof buf2, "%s_x_%d", p, j);
            extend(buf, sizeof buf, buf2, at.w, true, G);
            items[j][n_items[j]++] = xstrdup(buf);
            elems[j]++;
        }
        if (n_items[j] == 0) {
            lit(buf, sizeof buf, G, 0);
            items[j][n_items[j]++] = xstrdup(buf);
            elems[j]++;
        }
        /* adder tree: depth stages, the last one cast to the accumulator type */
        int n_in = elems[j];
        w(o, "    wire [%d:0] %s_t_%d_0 = {", n_in * G - 1, p, j);
        for (int i = n_items[j] - 1; i >= 0; i--) w(o, "%s%s", items[j][i], i ? ", " : "};\n");
        for (int d = 0; d < v->depth; d++) {
            int n_out = (n_in + RNNC_FANIN - 1) / RNNC_FANIN;
            w(o, "    wire [%d:0] %s_t_%d_%d;\n", n_out * G - 1, p, j, d + 1);
            w(o, "    rnnc_sum_stage #(.N_IN(%d), .FANIN(%d), .W(%d)) u_%s_t_%d_%d (.clk(clk), .in_flat(%s_t_%d_%d), "
                 ".out_flat(%s_t_%d_%d));\n", n_in, RNNC_FANIN, G, p, j, d, p, j, d, p, j, d + 1);
            n_in = n_out;
        }
        if (n_in != 1) BUG("tree of output %d ends with %d values", j, n_in);
        w(o, "    wire [%d:0] %s_acc_%d;\n", at.w - 1, p, j);
        w(o, "    rnnc_quant #(.IN_W(%d), .IN_F(%d), .IN_SIGNED(1), ", G, fx_frac(at));
        fx_params(o, "OUT_", at, true);
        w(o, ") u_%s_q_%d (.in_data(%s_t_%d_%d), .out_data(%s_acc_%d));\n", p, j, p, j, v->depth, p, j);
        for (int i = 0; i < n_items[j]; i++) free(items[j][i]);
        free(items[j]);
    }
    free(items);
    free(n_items);
    free(elems);
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
    w(o, "    input  wire s_axis_tvalid,\n    output wire s_axis_tready,\n");
    if (e->vec_in)
        w(o, "    input  wire s_vec_we,\n    input  wire [%d:0] s_vec_addr,\n    input  wire [%d:0] s_vec_data,\n",
          vec_addr_w(e->in_n) - 1, e->in_t.w - 1);
    else w(o, "    input  wire [%d:0] s_axis_tdata,\n", inb - 1);
    w(o, "    input  wire s_axis_tlast,\n");
    w(o, "    output reg  m_axis_tvalid,\n    input  wire m_axis_tready,\n");
    if (e->vec_out)
        w(o, "    output wire m_vec_we,\n    output wire [%d:0] m_vec_addr,\n    output wire [%d:0] m_vec_data,\n",
          vec_addr_w(e->out_n) - 1, e->out_t.w - 1);
    else w(o, "    output wire [%d:0] m_axis_tdata,\n", outb - 1);
    w(o, "    output reg  m_axis_tlast\n);\n");
}

static void module_close(Out *o) { w(o, "\nendmodule\n\n`resetall\n"); }

/* The job counter: every MAP engine. `emits` says whether this job produces an output beat. */
static void map_control(Out *o, const Engine *e, const char *emits_expr, const char *last_out_expr)
{
    int L = e->latency, cw = clog2i(L + 1) < 1 ? 1 : clog2i(L + 1);
    w(o, "\n    // ---- control: one job at a time, result after %d cycles\n", L);

    char at[64];
    /* cnt counts the job's cycles up from 0 (job cycle 1) and is cleared by start: on iCE40 a
     * counter loaded with anything but 0 gets the load merged into its carry chain's LUTs,
     * which the packer then splits into slow pieces. busy is a register of its own, so
     * `start` is one LUT deep. */
    w(o, "    reg [%d:0] cnt;\n", cw - 1);
    if (L > 1) w(o, "    reg busy;\n");
    else w(o, "    wire busy = 1'b0;\n");
    w(o, "    wire emits = %s;\n", emits_expr);
    if (e->ack_off) {
        /* the input is read in place during the job; the beat is taken after the last read,
         * in job cycle ack_off. tready is that decode made a cycle early into a register: it
         * drives the upstream buffer's enables, so it starts at a flip-flop (ack_off >= 3). */
        w(o, "    wire start = s_axis_tvalid && !busy && !(m_axis_tvalid && emits);\n");
        w(o, "    reg in_ack;\n    assign s_axis_tready = in_ack;\n");
        w(o, "    always @(posedge clk) in_ack <= !rst && %s;\n", job_at(at, sizeof at, e, e->ack_off - 1));
    } else {
        w(o, "    assign s_axis_tready = !busy && !(m_axis_tvalid && emits);\n");
        w(o, "    wire start = s_axis_tvalid && s_axis_tready;\n");
    }
    w(o, "    reg job_emit, job_last;\n");
    if (L > 1) {
        /* done (job cycle L - 1) decoded a cycle early into a register: it enables the state
         * and output registers and ends the job, so it starts at a flip-flop */
        w(o, "    reg done;\n    always @(posedge clk) done <= !rst && %s;\n",
          L == 2 ? "start" : job_at(at, sizeof at, e, L - 2));
    }
    w(o, "    always @(posedge clk) begin\n");
    w(o, "        if (rst || start) cnt <= %d'd0;\n", cw);
    w(o, "        else if (busy) cnt <= cnt + %d'd1;\n", cw);
    if (L > 1) {
        w(o, "        if (rst) busy <= 1'b0;\n");
        w(o, "        else if (start) busy <= 1'b1;\n");
        w(o, "        else if (done) busy <= 1'b0;\n");
    }
    w(o, "        if (start) begin\n            job_emit <= emits;\n            job_last <= s_axis_tlast;\n        end\n");
    w(o, "    end\n");
    if (L == 1) w(o, "    wire done = start;\n    wire done_emit = emits;\n    wire done_last = %s;\n", last_out_expr);
    else w(o, "    wire done_emit = job_emit;\n    wire done_last = %s;\n", last_out_expr);
    w(o, "    always @(posedge clk) begin\n");
    w(o, "        if (rst) m_axis_tvalid <= 1'b0;\n");
    w(o, "        else if (done && done_emit) m_axis_tvalid <= 1'b1;\n");
    w(o, "        else if (m_axis_tvalid && m_axis_tready) m_axis_tvalid <= 1'b0;\n");
    w(o, "        if (done && done_emit) m_axis_tlast <= done_last;\n");
    w(o, "    end\n");
}

static char *elem(const char *vec, int i, int width)
{
    char *s = xcalloc(MAX_EXPR, 1);
    snprintf(s, MAX_EXPR, "%s[%d:%d]", vec, (i + 1) * width - 1, i * width);
    return s;
}

/* "rnnc_activation #(...params...": a dense engine's activation on the accumulator; the
 * projections and pre-softmax sums only cast (KIND 0). */
static void dense_act_open(Out *o, const Engine *e, const ActParams *ap)
{
    w(o, "    rnnc_activation #(.IN_W(%d), .IN_F(%d), .IN_SIGNED(1), ", e->mvm.accum.w, fx_frac(e->mvm.accum));
    fx_params(o, "OUT_", e->out_t, true);
    w(o, ", ");
    if (e->act_none)
        w(o, ".TABLE_REG(%d), .KIND(0), .TABLE_BITS(1), .SCALE_SHIFT(0), .OFFSET(0), .INIT_FILE({MEM_PATH, \"none.mem\"})",
          o->n->table_reg);
    else act_inst_params(o, "", ap);
}

static void emit_dense(Out *o, const Engine *e)
{
    const Mvm *v = &e->mvm;
    map_control(o, e, "1'b1", "job_last");
    const char *src = "s_axis_tdata"; /* rf 1: read in the start cycle; rf > 1: held until taken */
    MvmCtx c = {.pfx = "mv", .off = 0, .serial = true};
    c.op = xcalloc((size_t)v->n_in, sizeof(char *));
    for (int k = 0; k < v->n_in; k++) c.op[k] = elem(src, k, e->in_t.w);
    if (e->vec_in) {
        /* the input vector arrives in this memory, converted to the operand type as written */
        char al[MAX_EXPR];
        align(al, sizeof al, "s_vec_data", e->in_t, v->op_t);
        w(o, "\n    // ---- the input vector, written element by element by the previous engine\n");
        w(o, "    (* no_rw_check *) reg [%d:0] in_mem [0:%d];\n    always @(posedge clk) if (s_vec_we) in_mem[s_vec_addr] <= %s;\n",
          v->op_t.w - 1, e->in_n - 1, al);
        c.op_mem = "in_mem";
    }
    emit_mvm(o, v, &c);
    ActParams ap = {0};
    if (!e->act_none) ap = act_params(o, e->layer, e->act);
    if (c.direct) {
        /* one activation per multiplier, applied to each sum as it is captured; the result
         * goes to its output register act_lat cycles later (same timing as the tree form) */
        int A_lat = o->n->act_lat;
        w(o, "\n    // ---- activation per multiplier, on each captured sum\n");
        for (int m = 0; m < c.n_mult; m++) {
            int pcw = clog2i(c.n_caps[m]) < 1 ? 1 : clog2i(c.n_caps[m]);
            w(o, "    wire [%d:0] y_%d;\n", e->out_t.w - 1, m);
            dense_act_open(o, e, &ap);
            w(o, ") u_act_%d (.clk(clk), .en(wv_%d[0]), .in_data(cap_r_%d), .out_data(y_%d));\n", m, m, m, m);
            /* the captured sum registered, then its strobe and index delayed to the activation's output */
            w(o, "    reg [%d:0] cap_r_%d;\n    reg [%d:0] wv_%d;\n    reg [%d:0] wi_%d [0:%d];\n", v->accum.w - 1, m, A_lat, m,
              pcw - 1, m, A_lat);
            w(o, "    always @(posedge clk) begin\n        cap_r_%d <= mv_cap_%d;\n        wv_%d[0] <= mv_last_%d_d2;\n"
                 "        wi_%d[0] <= mv_pc_%d;\n", m, m, m, m, m, m);
            for (int d = 1; d <= A_lat; d++)
                w(o, "        wv_%d[%d] <= wv_%d[%d];\n        wi_%d[%d] <= wi_%d[%d];\n", m, d, m, d - 1, m, d, m, d - 1);
            w(o, "    end\n");
        }
        if (e->vec_out) {
            /* one multiplier, captures in output order: the activated sums go out as writes */
            if (c.n_mult != 1 || c.n_caps[0] != e->out_n || vec_addr_w(e->out_n) != (clog2i(e->out_n) < 1 ? 1 : clog2i(e->out_n)))
                BUG("memory link from a %d-multiplier dense", c.n_mult);
            for (int i = 0; i < c.n_caps[0]; i++)
                if (c.part_out[0][i] != i) BUG("capture %d is output %d", i, c.part_out[0][i]);
            w(o, "    assign m_vec_we = wv_0[%d];\n    assign m_vec_addr = wi_0[%d];\n    assign m_vec_data = y_0;\n", A_lat,
              A_lat);
        } else {
            for (int m = 0; m < c.n_mult; m++) {
                int pcw = clog2i(c.n_caps[m]) < 1 ? 1 : clog2i(c.n_caps[m]);
                for (int i = 0; i < c.n_caps[m]; i++) {
                    int j = c.part_out[m][i];
                    w(o, "    reg [%d:0] out_%d;\n    always @(posedge clk) if (wv_%d[%d] && wi_%d[%d] == %d'd%d) out_%d <= y_%d;\n",
                      e->out_t.w - 1, j, m, A_lat, m, A_lat, pcw, i, j, m);
                }
            }
            w(o, "    assign m_axis_tdata = {");
            for (int j = e->out_n - 1; j >= 0; j--) w(o, "out_%d%s", j, j ? ", " : "};\n");
        }
        for (int m = 0; m < c.n_mult; m++) free(c.part_out[m]);
        free(c.part_out);
        free(c.n_caps);
        for (int k = 0; k < v->n_in; k++) free(c.op[k]);
        free(c.op);
        return;
    }
    w(o, "\n    // ---- activation, entered when the sums are ready\n");
    char at[64];
    w(o, "    wire act_en = %s;\n", job_at(at, sizeof at, e, v->latency));
    for (int j = 0; j < e->out_n; j++) {
        dense_act_open(o, e, &ap);
        w(o, ") u_act_%d (.clk(clk), .en(act_en), .in_data(mv_acc_%d), .out_data(m_axis_tdata[%d:%d]));\n", j, j,
          (j + 1) * e->out_t.w - 1, j * e->out_t.w);
    }
    for (int k = 0; k < v->n_in; k++) free(c.op[k]);
    free(c.op);
}

static void emit_act_engine(Out *o, const Engine *e)
{
    map_control(o, e, "1'b1", "s_axis_tlast");
    ActParams ap = act_params(o, e->layer, e->act);
    for (int j = 0; j < e->out_n; j++) {
        w(o, "    rnnc_activation #(");
        fx_params(o, "IN_", e->in_t, false);
        w(o, ", ");
        fx_params(o, "OUT_", e->out_t, true);
        w(o, ", ");
        act_inst_params(o, "", &ap);
        w(o, ") u_act_%d (.clk(clk), .en(start), .in_data(s_axis_tdata[%d:%d]), .out_data(m_axis_tdata[%d:%d]));\n",
          j, (j + 1) * e->in_t.w - 1, j * e->in_t.w, (j + 1) * e->out_t.w - 1, j * e->out_t.w);
    }
    /* busy/job registers are unused with latency 1 */
    w(o, "    /* verilator lint_off UNUSEDSIGNAL */\n    wire unused_ok = &{1'b0, job_emit, job_last, done_emit};\n"
         "    /* verilator lint_on UNUSEDSIGNAL */\n");
}

/* A lane input: unit s*E+l's value at slot s. `fmt` names the per-unit signal (one %d). */
static void lane_mux(Out *o, const Engine *e, const char *sel, const char *dst, int width, int lane, const char *fmt)
{
    int S = e->slots, E = e->lanes, u = e->layer->units;
    char src[MAX_EXPR];
    w(o, "    reg [%d:0] %s;\n", width - 1, dst);
    if (S == 1) {
        snprintf(src, sizeof src, fmt, lane);
        w(o, "    always @* %s = %s;\n", dst, src);
        return;
    }
    w(o, "    always @(posedge clk) begin\n        case (%s)\n", sel);
    for (int s = 0; s < S; s++) {
        int j = s * E + lane;
        if (j >= u) continue;
        snprintf(src, sizeof src, fmt, j);
        w(o, "        %d'd%d: %s <= %s;\n", clog2i(S), s, dst, src);
    }
    snprintf(src, sizeof src, fmt, lane);
    w(o, "        default: %s <= %s;\n        endcase\n    end\n", dst, src);
}

/* A lane input read from a bank (memory) at the slot: registered like lane_mux's. */
static void bank_read(Out *o, const char *sel, const char *dst, int width, const char *mem)
{
    w(o, "    reg [%d:0] %s;\n    always @(posedge clk) %s <= %s[%s];\n", width - 1, dst, dst, mem, sel);
}

/* The decode "slot s of a phase whose slot 0 is at job cycle t0" (job cycle t0 + s), as
 * registers: a slot counter started a cycle early by the decode of job cycle t0 - 1 (t0 >= 2),
 * stopped after slot S - 1. No comparison or subtraction on cnt: on iCE40 those share carry
 * chains with the job counter, which the packer then splits into slow pieces. */
static void slot_decode(Out *o, const Engine *e, const char *name, int t0)
{
    int L = e->latency, S = e->slots, sw = clog2i(S) < 1 ? 1 : clog2i(S);
    char at[64];
    if (t0 < 2 || t0 + S > L) BUG("slot phase at job cycle %d, %d slots, latency %d", t0, S, L);
    w(o, "    reg %s_on;\n    reg [%d:0] %s;\n", name, sw - 1, name);
    w(o, "    always @(posedge clk) begin\n");
    w(o, "        if (%s) begin\n            %s_on <= 1'b1;\n            %s <= %d'd0;\n", job_at(at, sizeof at, e, t0 - 1), name,
      name, sw);
    w(o, "        end else if (%s_on) begin\n", name);
    if (S > 1) w(o, "            %s <= %s + %d'd1;\n", name, name, sw);
    w(o, "            if (%s == %d'd%d) %s_on <= 1'b0;\n        end\n", name, sw, S - 1, name);
    w(o, "        if (rst) %s_on <= 1'b0;\n    end\n", name);
    /* with one slot per lane the decode has no reader */
    w(o, "    /* verilator lint_off UNUSEDSIGNAL */\n    wire unused_%s = &{1'b0, %s_on, %s};\n"
         "    /* verilator lint_on UNUSEDSIGNAL */\n", name, name, name);
}

static void emit_cell(Out *o, const Engine *e)
{
    const Layer *l = e->layer;
    const Mvm *v = &e->mvm;
    int u = l->units, E = e->lanes, S = e->slots;
    FxType R = l->ty.result, A = l->ty.accum, St = l->ty.state;
    bool gru = l->kind == L_GRU, ra = l->reset_after, lstm = l->kind == L_LSTM;
    map_control(o, e, e->emit_all ? "1'b1" : "s_axis_tlast", e->emit_all ? "job_last" : "1'b1");
    int inb = e->in_n * e->in_t.w;
    if (e->split) w(o, "    reg [%d:0] x_reg;\n    always @(posedge clk) if (start) x_reg <= s_axis_tdata;\n", inb - 1);

    /* Banked form (one multiplier, one lane, direct captures): the gate sums and the LSTM's
     * c live in memories (block RAM on FPGAs) instead of per-unit registers; the lane reads
     * them at its slot with the same one-cycle latency as the lane multiplexer. */
    bool banked = !e->split && v->direct && v->n_mult == 1 && E == 1 && S > 1 && (lstm || (gru && ra));

    /* state banks: h (and c) per unit, cleared after the last timestep of a sequence */
    w(o, "\n    // ---- state: h%s per unit; %d lanes x %d slots of elementwise cells\n", lstm ? " and c" : "", E, S);
    for (int j = 0; j < u; j++) {
        w(o, "    reg [%d:0] h_state_%d;\n", R.w - 1, j);
        if (lstm && !banked) w(o, "    reg [%d:0] c_state_%d;\n", St.w - 1, j);
        if (gru && !ra) w(o, "    reg [%d:0] rh_%d;\n", R.w - 1, j);
    }
    if (lstm && banked) {
        /* c in a memory: it cannot be cleared by rst, so the first step of a sequence (after
         * rst or after a last step) reads c_prev as 0 instead */
        w(o, "    (* no_rw_check *) reg [%d:0] c_mem [0:%d];\n", St.w - 1, u - 1);
        w(o, "    reg next_first, job_first;\n    always @(posedge clk) begin\n");
        w(o, "        if (rst) next_first <= 1'b1;\n        else if (start) next_first <= s_axis_tlast;\n");
        w(o, "        if (start) job_first <= next_first;\n    end\n");
    }
    w(o, "    wire [%d:0] h_state = {", u * R.w - 1);
    for (int j = u - 1; j >= 0; j--) w(o, "h_state_%d%s", j, j ? ", " : "};\n");

    MvmCtx c = {.pfx = "mv", .off = 0, .banks = banked ? 4 : 0, .bank_n = u};
    c.op = xcalloc((size_t)v->n_in, sizeof(char *));
    int nx = v->n_a;
    for (int k = 0; k < nx; k++) c.op[k] = elem("s_axis_tdata", k, e->in_t.w); /* fused: in place */
    for (int k = 0; k < u; k++) c.op[nx + k] = elem("h_state", k, R.w);
    int n_extra = l->gates * u;
    c.extra = xcalloc((size_t)n_extra, sizeof(char *));
    for (int k = 0; k < n_extra; k++) {
        if (e->split) c.extra[k] = elem("x_reg", k, A.w);
        else {
            c.extra[k] = xcalloc(MAX_EXPR, 1);
            snprintf(c.extra[k], MAX_EXPR, "mv_acc_%d", k);
        }
    }
    emit_mvm(o, v, &c);

    /* per-unit names of the products' outputs */
    for (int j = 0; j < u && !banked; j++) {
        if (lstm)
            for (int g = 0; g < 4; g++) w(o, "    wire [%d:0] mv_acc_%d_%c = mv_acc_%d;\n", A.w - 1, j, "ifgo"[g], g * u + j);
        if (gru) {
            w(o, "    wire [%d:0] mv_acc_%d_z = mv_acc_%d;\n    wire [%d:0] mv_acc_%d_r = mv_acc_%d;\n", A.w - 1, j, j,
              A.w - 1, j, u + j);
        }
        if (gru && ra) {
            if (e->split) w(o, "    wire [%d:0] xw_h_%d = x_reg[%d:%d];\n", A.w - 1, j, (2 * u + j + 1) * A.w - 1, (2 * u + j) * A.w);
            else w(o, "    wire [%d:0] xw_h_%d = mv_acc_%d;\n", A.w - 1, j, 2 * u + j);
            w(o, "    wire [%d:0] hu_h_%d = mv_acc_%d;\n", A.w - 1, j, (e->split ? 2 : 3) * u + j);
        }
    }

    ActParams ra_p = {0}, aa = act_params(o, l, l->act);
    if (l->kind != L_SIMPLE_RNN) ra_p = act_params(o, l, l->ract);
    char dst[64];

    if (gru && !ra) {
        /* part 1: rh = r * h into the rh bank, then the second product over it */
        w(o, "\n    // ---- reset lanes: rh = cast_R(ract(pre_r) * h), slots from job cycle %d\n", v->latency);
        slot_decode(o, e, "rslot", v->latency);
        for (int ln = 0; ln < E; ln++) {
            snprintf(dst, sizeof dst, "r_pre_%d", ln);
            w(o, "    // lane %d\n", ln);
            lane_mux(o, e, "rslot", dst, A.w, ln, "mv_acc_%d_r");
            snprintf(dst, sizeof dst, "r_h_%d", ln);
            lane_mux(o, e, "rslot", dst, R.w, ln, "h_state_%d");
            w(o, "    wire [%d:0] rh_lane_%d;\n", R.w - 1, ln);
            w(o, "    rnnc_gru_reset #(.TABLE_REG(%d), .ACC_W(%d), .ACC_F(%d), .R_W(%d), .R_F(%d), .R_SIGNED(%d), .R_ROUND(%d), "
                 ".R_SATURATE(%d), ", o->n->table_reg, A.w, fx_frac(A), R.w, fx_frac(R), R.sgn, R.q, R.o);
            act_inst_params(o, "RACT_", &ra_p);
            w(o, ") u_reset_%d (.clk(clk), .pre_r(r_pre_%d), .h_prev(r_h_%d), .rh(rh_lane_%d));\n", ln, ln, ln, ln);
        }
        slot_decode(o, e, "rwslot", v->latency + e->lane_reg + o->n->act_lat + 1);
        for (int j = 0; j < u; j++)
            w(o, "    always @(posedge clk) if (rwslot_on && rwslot == %d'd%d) rh_%d <= rh_lane_%d;\n",
              clog2i(S) < 1 ? 1 : clog2i(S), j / E, j, j % E);
        MvmCtx c2 = {.pfx = "mw", .off = e->mvm2_start, .extra = c.extra};
        c2.op = xcalloc((size_t)u, sizeof(char *));
        for (int k = 0; k < u; k++) {
            c2.op[k] = xcalloc(MAX_EXPR, 1);
            snprintf(c2.op[k], MAX_EXPR, "rh_%d", k);
        }
        emit_mvm(o, &e->mvm2, &c2);
        for (int k = 0; k < u; k++) free(c2.op[k]);
        free(c2.op);
    }

    w(o, "\n    // ---- update lanes: slots from job cycle %d, h_new %d cycles later\n", e->cell_start, e->cell_lat);
    slot_decode(o, e, "cslot", e->cell_start);
    const char *sel = "cslot";
    for (int ln = 0; ln < E; ln++) {
        w(o, "    // lane %d: units %d, %d, ...\n", ln, ln, ln + E);
        char f1[64], f2[64], f3[64], f4[64];
        w(o, "    wire [%d:0] h_new_%d;\n", R.w - 1, ln);
        if (l->kind == L_SIMPLE_RNN) {
            snprintf(dst, sizeof dst, "l%d_pre", ln);
            lane_mux(o, e, sel, dst, A.w, ln, "mv_acc_%d");
            w(o, "    rnnc_activation #(.IN_W(%d), .IN_F(%d), .IN_SIGNED(1), ", A.w, fx_frac(A));
            fx_params(o, "OUT_", R, true);
            w(o, ", ");
            act_inst_params(o, "", &aa);
            w(o, ") u_act_%d (.clk(clk), .en(1'b1), .in_data(l%d_pre), .out_data(h_new_%d));\n", ln, ln, ln);
        } else if (lstm) {
            for (int g = 0; g < 4; g++) {
                snprintf(dst, sizeof dst, "l%d_pre_%c", ln, "ifgo"[g]);
                snprintf(f1, sizeof f1, banked ? "mv_bank_%d" : "mv_acc_%%d_%c", banked ? g : "ifgo"[g]);
                if (banked) bank_read(o, sel, dst, A.w, f1);
                else lane_mux(o, e, sel, dst, A.w, ln, f1);
            }
            snprintf(dst, sizeof dst, "l%d_c_prev", ln);
            if (banked) {
                bank_read(o, sel, "l0_c_rd", St.w, "c_mem");
                w(o, "    wire [%d:0] %s = job_first ? %d'd0 : l0_c_rd;\n", St.w - 1, dst, St.w);
            } else lane_mux(o, e, sel, dst, St.w, ln, "c_state_%d");
            w(o, "    wire [%d:0] c_new_%d;\n", St.w - 1, ln);
            w(o, "    rnnc_lstm_cell #(.TABLE_REG(%d), .ACC_W(%d), .ACC_F(%d), .R_W(%d), .R_F(%d), .R_SIGNED(%d), .R_ROUND(%d), "
                 ".R_SATURATE(%d), .S_W(%d), .S_F(%d), .S_ROUND(%d), .S_SATURATE(%d), ",
              o->n->table_reg, A.w, fx_frac(A), R.w, fx_frac(R), R.sgn, R.q, R.o, St.w, fx_frac(St), St.q, St.o);
            act_inst_params(o, "RACT_", &ra_p);
            w(o, ", ");
            act_inst_params(o, "ACT_", &aa);
            w(o, ") u_cell_%d (.clk(clk), .pre_i(l%d_pre_i), .pre_f(l%d_pre_f), .pre_g(l%d_pre_g), .pre_o(l%d_pre_o), "
                 ".c_prev(l%d_c_prev), .c_new(c_new_%d), .h_new(h_new_%d));\n", ln, ln, ln, ln, ln, ln, ln, ln);
        } else if (ra) {
            snprintf(f1, sizeof f1, "mv_acc_%%d_z");
            snprintf(f2, sizeof f2, "mv_acc_%%d_r");
            snprintf(f3, sizeof f3, "xw_h_%%d");
            snprintf(f4, sizeof f4, "hu_h_%%d");
            const char *fs[4] = {f1, f2, f3, f4}, *nm[4] = {"z", "r", "xw", "hu"};
            for (int k = 0; k < 4; k++) {
                snprintf(dst, sizeof dst, "l%d_%s", ln, nm[k]);
                if (banked) {
                    snprintf(f1, sizeof f1, "mv_bank_%d", k);
                    bank_read(o, sel, dst, A.w, f1);
                } else lane_mux(o, e, sel, dst, A.w, ln, fs[k]);
            }
            snprintf(dst, sizeof dst, "l%d_h_prev", ln);
            lane_mux(o, e, sel, dst, R.w, ln, "h_state_%d");
            w(o, "    rnnc_gru_cell #(.TABLE_REG(%d), .ACC_W(%d), .ACC_F(%d), .R_W(%d), .R_F(%d), .R_SIGNED(%d), .R_ROUND(%d), "
                 ".R_SATURATE(%d), .A_ROUND(%d), .A_SATURATE(%d), ",
              o->n->table_reg, A.w, fx_frac(A), R.w, fx_frac(R), R.sgn, R.q, R.o, A.q, A.o);
            act_inst_params(o, "RACT_", &ra_p);
            w(o, ", ");
            act_inst_params(o, "ACT_", &aa);
            w(o, ") u_cell_%d (.clk(clk), .pre_z(l%d_z), .pre_r(l%d_r), .xw_h(l%d_xw), .hu_h(l%d_hu), "
                 ".h_prev(l%d_h_prev), .h_new(h_new_%d));\n", ln, ln, ln, ln, ln, ln, ln);
        } else {
            snprintf(dst, sizeof dst, "l%d_z", ln);
            lane_mux(o, e, sel, dst, A.w, ln, "mv_acc_%d_z");
            snprintf(dst, sizeof dst, "l%d_hh", ln);
            lane_mux(o, e, sel, dst, A.w, ln, "mw_acc_%d");
            snprintf(dst, sizeof dst, "l%d_h_prev", ln);
            lane_mux(o, e, sel, dst, R.w, ln, "h_state_%d");
            w(o, "    rnnc_gru_update #(.TABLE_REG(%d), .ACC_W(%d), .ACC_F(%d), .R_W(%d), .R_F(%d), .R_SIGNED(%d), .R_ROUND(%d), "
                 ".R_SATURATE(%d), ", o->n->table_reg, A.w, fx_frac(A), R.w, fx_frac(R), R.sgn, R.q, R.o);
            act_inst_params(o, "RACT_", &ra_p);
            w(o, ", ");
            act_inst_params(o, "ACT_", &aa);
            w(o, ") u_update_%d (.clk(clk), .pre_z(l%d_z), .pre_hh(l%d_hh), .h_prev(l%d_h_prev), .h_new(h_new_%d));\n",
              ln, ln, ln, ln, ln);
        }
    }

    /* write-back: h_new of slot s is valid cell_lat cycles after the slot entered */
    int sw = clog2i(S) < 1 ? 1 : clog2i(S);
    w(o, "\n    // ---- write-back\n");
    if (lstm) {
        slot_decode(o, e, "cwslot", e->cell_start + e->lane_reg + o->n->act_lat + 2);
        if (banked) w(o, "    always @(posedge clk) if (cwslot_on) c_mem[cwslot] <= c_new_0;\n");
        for (int j = 0; j < u && !banked; j++)
            w(o, "    always @(posedge clk) if (rst) c_state_%d <= %d'd0; else if (cwslot_on && cwslot == %d'd%d) "
                 "c_state_%d <= job_last ? %d'd0 : c_new_%d;\n", j, St.w, sw, j / E, j, St.w, j % E);
    }
    if (!e->split) {
        /* fused: the product has read h long before the write-back, so each unit's h goes
         * straight to the state (and, for an emitting step, to the output) in its slot */
        slot_decode(o, e, "hwslot", e->cell_start + e->lane_reg + e->cell_lat);
        for (int j = 0; j < u; j++) {
            w(o, "    reg [%d:0] out_%d;\n", R.w - 1, j);
            w(o, "    always @(posedge clk) begin\n        if (rst) h_state_%d <= %d'd0;\n"
                 "        else if (hwslot_on && hwslot == %d'd%d) h_state_%d <= job_last ? %d'd0 : h_new_%d;\n",
              j, R.w, sw, j / E, j, R.w, j % E);
            w(o, "        if (hwslot_on && hwslot == %d'd%d && job_emit) out_%d <= h_new_%d;\n    end\n", sw, j / E, j, j % E);
        }
        w(o, "    assign m_axis_tdata = {");
        for (int j = u - 1; j >= 0; j--) w(o, "out_%d%s", j, j ? ", " : "};\n");
        for (int k = 0; k < v->n_in; k++) free(c.op[k]);
        free(c.op);
        for (int k = 0; k < n_extra; k++) free(c.extra[k]);
        free(c.extra);
        return;
    }
    /* split (reuse factor 1): one cell per unit, all units finish together */
    if (S > 1 || E != u) BUG("split cells have one slot");
    w(o, "    wire [%d:0] h_final = {", u * R.w - 1);
    for (int j = u - 1; j >= 0; j--) w(o, "h_new_%d%s", j, j ? ", " : "};\n");
    for (int j = 0; j < u; j++)
        w(o, "    always @(posedge clk) if (rst) h_state_%d <= %d'd0; else if (done) h_state_%d <= job_last ? %d'd0 : h_final[%d:%d];\n",
          j, R.w, j, R.w, (j + 1) * R.w - 1, j * R.w);
    w(o, "    reg [%d:0] out_reg;\n    assign m_axis_tdata = out_reg;\n", u * R.w - 1);
    w(o, "    always @(posedge clk) if (done && done_emit) out_reg <= h_final;\n");
    for (int k = 0; k < v->n_in; k++) free(c.op[k]);
    free(c.op);
    for (int k = 0; k < n_extra; k++) free(c.extra[k]);
    free(c.extra);
}

static void emit_flatten(Out *o, const Engine *e)
{
    int bw = e->in_n * e->in_t.w, T = e->steps;
    w(o, "\n    // ---- collect %d beats; the last one releases the whole sequence\n", T);
    w(o, "    assign s_axis_tready = !(m_axis_tvalid && s_axis_tlast);\n");
    w(o, "    wire start = s_axis_tvalid && s_axis_tready;\n");
    w(o, "    reg [%d:0] buffer;\n    reg [%d:0] out_reg;\n    assign m_axis_tdata = out_reg;\n", (T - 1) * bw - 1, T * bw - 1);
    w(o, "    always @(posedge clk) begin\n");
    if (T > 2) w(o, "        if (start) buffer <= {s_axis_tdata, buffer[%d:%d]};\n", (T - 1) * bw - 1, bw);
    else w(o, "        if (start) buffer <= s_axis_tdata;\n");
    w(o, "        if (start && s_axis_tlast) out_reg <= {s_axis_tdata, buffer};\n");
    w(o, "        if (rst) m_axis_tvalid <= 1'b0;\n");
    w(o, "        else if (start && s_axis_tlast) m_axis_tvalid <= 1'b1;\n");
    w(o, "        else if (m_axis_tvalid && m_axis_tready) m_axis_tvalid <= 1'b0;\n");
    w(o, "        m_axis_tlast <= 1'b1;\n");
    w(o, "    end\n");
}

static void emit_reverse(Out *o, const Engine *e)
{
    int bw = e->in_n * e->in_t.w, T = e->steps, iw = clog2i(T) < 1 ? 1 : clog2i(T);
    w(o, "\n    // ---- fill %d beats, then send them last-first\n", T);
    w(o, "    reg draining;\n    reg [%d:0] wr_idx, rd_idx;\n", iw - 1);
    w(o, "    reg [%d:0] mem [0:%d];\n    reg [%d:0] out_reg;\n    assign m_axis_tdata = out_reg;\n", bw - 1, T - 1, bw - 1);
    w(o, "    assign s_axis_tready = !draining;\n    wire start = s_axis_tvalid && s_axis_tready;\n");
    w(o, "    wire sent = m_axis_tvalid && m_axis_tready;\n");
    w(o, "    always @(posedge clk) begin\n");
    w(o, "        if (start) mem[wr_idx] <= s_axis_tdata;\n");
    w(o, "        if (rst) begin\n            draining <= 1'b0;\n            m_axis_tvalid <= 1'b0;\n            wr_idx <= %d'd0;\n        end else begin\n", iw);
    w(o, "            if (sent) begin\n");
    w(o, "                if (rd_idx != %d'd0) begin\n", iw);
    w(o, "                    out_reg <= mem[rd_idx - %d'd1];\n                    m_axis_tlast <= rd_idx == %d'd1;\n", iw, iw);
    w(o, "                    rd_idx <= rd_idx - %d'd1;\n", iw);
    w(o, "                end else begin\n                    m_axis_tvalid <= 1'b0;\n                    draining <= 1'b0;\n                end\n            end\n");
    w(o, "            if (start) begin\n");
    w(o, "                if (s_axis_tlast) begin\n");
    w(o, "                    draining <= 1'b1;\n                    m_axis_tvalid <= 1'b1;\n                    out_reg <= s_axis_tdata;\n");
    w(o, "                    m_axis_tlast <= %d;\n                    rd_idx <= %d'd%d;\n                    wr_idx <= %d'd0;\n", T == 1, iw, T - 1, iw);
    w(o, "                end else wr_idx <= wr_idx + %d'd1;\n            end\n", iw);
    w(o, "        end\n    end\n");
}

/* BUFFER: REVERSE's timing, in order (a bidirectional's forward branch keeps pace with the
 * backward one's REVERSE) */
static void emit_buffer(Out *o, const Engine *e)
{
    int bw = e->in_n * e->in_t.w, T = e->steps, iw = clog2i(T + 1), aw = clog2i(T) < 1 ? 1 : clog2i(T);
    w(o, "\n    // ---- fill %d beats, then send them in order\n", T);
    w(o, "    reg draining;\n    reg [%d:0] wr_idx;\n    reg [%d:0] rd_idx;\n", aw - 1, iw - 1);
    w(o, "    reg [%d:0] mem [0:%d];\n    reg [%d:0] out_reg;\n    assign m_axis_tdata = out_reg;\n", bw - 1, T - 1, bw - 1);
    w(o, "    assign s_axis_tready = !draining;\n    wire start = s_axis_tvalid && s_axis_tready;\n");
    w(o, "    wire sent = m_axis_tvalid && m_axis_tready;\n");
    w(o, "    always @(posedge clk) begin\n");
    w(o, "        if (start) mem[wr_idx] <= s_axis_tdata;\n");
    w(o, "        if (rst) begin\n            draining <= 1'b0;\n            m_axis_tvalid <= 1'b0;\n            wr_idx <= %d'd0;\n        end else begin\n", aw);
    w(o, "            if (sent) begin\n");
    w(o, "                if (rd_idx != %d'd%d) begin\n", iw, T);
    w(o, "                    out_reg <= mem[rd_idx[%d:0]];\n                    m_axis_tlast <= rd_idx == %d'd%d;\n", aw - 1, iw, T - 1);
    w(o, "                    rd_idx <= rd_idx + %d'd1;\n", iw);
    w(o, "                end else begin\n                    m_axis_tvalid <= 1'b0;\n                    draining <= 1'b0;\n                end\n            end\n");
    w(o, "            if (start) begin\n");
    w(o, "                if (s_axis_tlast) begin\n");
    w(o, "                    draining <= 1'b1;\n                    m_axis_tvalid <= 1'b1;\n");
    w(o, "                    out_reg <= %s;\n", T == 1 ? "s_axis_tdata" : "mem[0]");
    w(o, "                    m_axis_tlast <= %d;\n                    rd_idx <= %d'd1;\n                    wr_idx <= %d'd0;\n", T == 1, iw, aw);
    w(o, "                end else wr_idx <= wr_idx + %d'd1;\n            end\n", aw);
    w(o, "        end\n    end\n");
}

static void emit_softmax(Out *o, const Engine *e)
{
    const Layer *l = e->layer;
    int N = e->out_n, L = e->latency;
    FxType A = e->in_t, R = e->out_t, T = l->ty.table;
    map_control(o, e, "1'b1", "job_last");
    Table *te = table_exp(l), *ti = table_inv(l);
    char *fe = table_file(o->n, l, "exp"), *fi = table_file(o->n, l, "inv");
    write_table(o->dir, fe, te, te->out.w);
    write_table(o->dir, fi, ti, ti->out.w);
    int dm = e->sm_max_depth, ds = e->sm_sum_depth;
    int DW = A.w + 1;                        /* d = x - max needs one more bit */
    int SW = T.w + clog2i(N + 1) + 1;        /* exact sum of the exp entries */
    w(o, "    // stages: latch (c+1), max tree (+%d), d = x - max, exp lookup, sum tree (+%d), 1/sum lookup,\n", dm, ds);
    w(o, "    // product; result written in job cycle %d\n", L - 1);
    w(o, "    reg [%d:0] x_reg;\n    always @(posedge clk) if (start) x_reg <= s_axis_tdata;\n", N * A.w - 1);
    int n_in = N;
    w(o, "    wire [%d:0] mx_0 = x_reg;\n", N * A.w - 1);
    for (int d = 0; d < dm; d++) {
        int n_out = (n_in + RNNC_FANIN - 1) / RNNC_FANIN;
        w(o, "    wire [%d:0] mx_%d;\n", n_out * A.w - 1, d + 1);
        w(o, "    rnnc_max_stage #(.N_IN(%d), .FANIN(%d), .W(%d)) u_mx_%d (.clk(clk), .in_flat(mx_%d), .out_flat(mx_%d));\n",
          n_in, RNNC_FANIN, A.w, d, d, d + 1);
        n_in = n_out;
    }
    int A_lat = o->n->act_lat;
    char at[64];
    w(o, "    wire exp_en = %s;\n", job_at(at, sizeof at, e, 2 + dm));
    w(o, "    wire inv_en = %s;\n", job_at(at, sizeof at, e, 2 + dm + A_lat + ds));
    w(o, "    wire [%d:0] e_flat;\n", N * T.w - 1);
    for (int j = 0; j < N; j++) {
        w(o, "    reg [%d:0] d_%d;\n", DW - 1, j);
        w(o, "    always @(posedge clk) d_%d <= {x_reg[%d], x_reg[%d:%d]} - {mx_%d[%d], mx_%d};\n", j, (j + 1) * A.w - 1,
          (j + 1) * A.w - 1, j * A.w, dm, A.w - 1, dm);
        w(o, "    rnnc_activation #(.IN_W(%d), .IN_F(%d), .IN_SIGNED(1), ", DW, fx_frac(A));
        fx_params(o, "OUT_", T, true);
        w(o, ", .KIND(2), .TABLE_BITS(%d), .SCALE_SHIFT(%d), .OFFSET(%d), .INIT_FILE({MEM_PATH, \"%s\"})) "
             "u_exp_%d (.clk(clk), .en(exp_en), .in_data(d_%d), .out_data(e_flat[%d:%d]));\n",
          clog2i(te->n), te->scale_shift, te->offset, fe, j, j, (j + 1) * T.w - 1, j * T.w);
    }
    for (int j = 0; j < N; j++) w(o, "    wire [%d:0] e_%d = e_flat[%d:%d];\n", T.w - 1, j, (j + 1) * T.w - 1, j * T.w);
    w(o, "    wire [%d:0] s_0 = {", N * SW - 1);
    for (int j = N - 1; j >= 0; j--) {
        char ex[64], b[MAX_EXPR];
        snprintf(ex, sizeof ex, "e_%d", j);
        extend(b, sizeof b, ex, T.w, T.sgn, SW);
        w(o, "%s%s", b, j ? ", " : "};\n");
    }
    n_in = N;
    for (int d = 0; d < ds; d++) {
        int n_out = (n_in + RNNC_FANIN - 1) / RNNC_FANIN;
        w(o, "    wire [%d:0] s_%d;\n", n_out * SW - 1, d + 1);
        w(o, "    rnnc_sum_stage #(.N_IN(%d), .FANIN(%d), .W(%d)) u_s_%d (.clk(clk), .in_flat(s_%d), .out_flat(s_%d));\n",
          n_in, RNNC_FANIN, SW, d, d, d + 1);
        n_in = n_out;
    }
    w(o, "    wire [%d:0] inv;\n", T.w - 1);
    w(o, "    rnnc_activation #(.IN_W(%d), .IN_F(%d), .IN_SIGNED(1), ", SW, fx_frac(T));
    fx_params(o, "OUT_", T, true);
    w(o, ", .KIND(2), .TABLE_BITS(%d), .SCALE_SHIFT(%d), .OFFSET(%d), .INIT_FILE({MEM_PATH, \"%s\"})) "
         "u_inv (.clk(clk), .en(inv_en), .in_data(s_%d), .out_data(inv));\n", clog2i(ti->n), ti->scale_shift, ti->offset, fi, ds);
    w(o, "    reg [%d:0] out_reg;\n    assign m_axis_tdata = out_reg;\n", N * R.w - 1);
    for (int j = 0; j < N; j++) {
        /* e * inv >= 0: an unsigned R is reached through a signed type one bit wider */
        int yw = R.sgn ? R.w : R.w + 1;
        w(o, "    wire [%d:0] y_%d;\n", yw - 1, j);
        w(o, "    rnnc_product #(.A_W(%d), .A_F(%d), .A_SIGNED(%d), .B_W(%d), .B_F(%d), .B_SIGNED(%d), .OUT_W(%d), "
             ".OUT_F(%d), .ROUND(%d), .SATURATE(%d)) u_y_%d (.clk(clk), .a(e_flat[%d:%d]), .b(inv), .q(y_%d));\n",
          T.w, fx_frac(T), T.sgn, T.w, fx_frac(T), T.sgn, yw, fx_frac(R), R.q, R.o, j, (j + 1) * T.w - 1, j * T.w, j);
        w(o, "    always @(posedge clk) if (done) out_reg[%d:%d] <= y_%d[%d:0];\n", (j + 1) * R.w - 1, j * R.w, j, R.w - 1);
        if (yw > R.w)
            w(o, "    /* verilator lint_off UNUSEDSIGNAL */\n    wire unused_y_%d = y_%d[%d];\n    /* verilator lint_on UNUSEDSIGNAL */\n",
              j, j, yw - 1);
    }
    free(fe);
    free(fi);
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
      y.o);
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
    w(o, "    %s #(.MEM_PATH(MEM_PATH)) u_%s_%s (\n", e->name, e->layer->name, e->role);
    w(o, "        .clk(clk), .rst(rst),\n");
    if (e->vec_in)
        w(o, "        .s_axis_tvalid(%s_valid), .s_axis_tready(%s_ready), .s_vec_we(%s_we), .s_vec_addr(%s_addr), "
             ".s_vec_data(%s_data), .s_axis_tlast(%s_last),\n", s[0], s[0], s[0], s[0], s[0], s[0]);
    else
        w(o, "        .s_axis_tvalid(%s_valid), .s_axis_tready(%s_ready), .s_axis_tdata(%s_data), .s_axis_tlast(%s_last),\n",
          s[0], s[0], s[0], s[0]);
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
    for (int i = 0; i < n->n; i++) top_engine(&o, n, i);
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
