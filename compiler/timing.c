/* timing.c: rnnc's Fmax estimate for --target xilinx (docs/flow.md, "Timing estimate").
 *
 * A static timing analysis of Yosys's mapped netlist (synth/<model>_netlist.json): every path
 * from a clocked start (flip-flop, block RAM, DSP register, shift register, an input port taken
 * as registered outside) to a clocked end (a register's data, enable or reset pin, a block RAM's
 * address or data, an output port), through LUTs, wide multiplexers, carry chains, unregistered
 * DSP stages and LUT RAM reads. Cell delays are Project X-Ray's Artix-7 (-1) timing database as
 * Yosys 0.23's xilinx/cells_sim.v carries them (the numbers ABC9 maps with); the routing between
 * cells is a model (CellDelays.net_*): no placement exists. The result is an estimate for the
 * core alone, not a signoff: docs/flow.md says what it leaves out. */
#include "rnnc.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef enum {
    K_UNKNOWN, K_FF, K_LUT, K_MUXF, K_CARRY, K_DSP, K_BRAM, K_URAM, K_LUTRAM, K_SRL, K_IBUF, K_OBUF, K_IGNORE
} Kind;

/* One family's delays in ps: cells (X-Ray's Artix-7 -1 figures, times scale) and routing. */
typedef struct {
    const char *family;
    double scale;                       /* cell and net delays relative to Artix-7 -1 */
    double net_base, net_per_doubling, net_max; /* a routed net: base + per doubling of fanout */
} Family;

/* xcup: UltraScale+ has no per-cell public timing database; 0.6 of Artix-7 -1 is an assumption
 * (docs/flow.md), not a calibration. */
static const Family families[] = {{"xc7", 1.0, 400, 170, 2500}, {"xcup", 0.6, 400, 170, 2500}};

/* X-Ray (cells_sim.v) figures, ps */
enum { FF_CLK_Q = 303, FF_SETUP_CE = 109, FF_SETUP_SR = 404, SRL_CLK_Q = 1472, SRL_SETUP_D = 173,
       BRAM_CLK_DO = 2454, BRAM_CLK_DO_REG = 882, BRAM_SETUP_ADDR = 566, BRAM_SETUP_WE = 532,
       BRAM_SETUP_DI = 737, BRAM_SETUP_OTHER = 360, LUTRAM_CLK_DO = 1000, LUTRAM_SETUP_DI = 453,
       LUTRAM_SETUP_WE = 654, LUTRAM_SETUP_A = 245, DSP_SETUP_CTRL = 400, URAM_CLK_DO = 1500,
       URAM_SETUP = 500 };
/* LUT input pins fastest first (I5 .. I0 of a LUT6): the latest input takes the fastest pin, as
 * Vivado's router swaps them */
static const int lut_pin[6] = {127, 238, 407, 472, 631, 642};
/* CARRY4: [out bit][in bit] for S and DI to O and CO; CI and CYINIT to O and CO */
static const int c4_s_o[4][4] = {{223}, {400, 205}, {523, 558, 226}, {582, 618, 330, 227}};
static const int c4_di_o[4][4] = {{0}, {407}, {556, 537}, {615, 596, 438}};
static const int c4_s_co[4][4] = {{340}, {433, 469}, {512, 548, 292}, {508, 528, 378, 380}};
static const int c4_di_co[4][4] = {{379}, {465, 445}, {540, 520, 356}, {526, 507, 398, 385}};
static const int c4_ci_o[4] = {222, 334, 239, 313}, c4_ci_co[4] = {271, 157, 228, 114};
static const int c4_cyinit_o[4] = {482, 598, 584, 642}, c4_cyinit_co[4] = {536, 494, 592, 580};

typedef struct {
    const char *name, *type;
    Kind kind;
    cJSON *conn, *params, *dirs;
    int state;                          /* 0 not evaluated, 1 evaluating, 2 done */
} Cell;

typedef struct {
    const Family *fam;
    Cell *cells;
    int ncells, nbits;
    int *drv;                           /* bit -> driving cell, -1 none */
    int *fanout;
    double *arr;                        /* bit -> arrival (ps), NAN until known */
    int *pred;                          /* bit -> the input bit its arrival came from, -1 at a start */
    bool *is_input;                     /* a top-level input port bit */
    int untimed, loops;
} Sta;

static Kind kind_of(const char *t)
{
    static const struct { const char *prefix; Kind k; } kinds[] = {
        {"FD", K_FF},         {"LUT", K_LUT},          {"INV", K_LUT},         {"MUXF", K_MUXF},
        {"CARRY", K_CARRY},   {"DSP48", K_DSP},        {"RAMB", K_BRAM},       {"URAM", K_URAM},
        {"RAM", K_LUTRAM},    {"SRL", K_SRL},          {"IBUF", K_IBUF},       {"OBUF", K_OBUF},
        {"BUFG", K_IGNORE},   {"VCC", K_IGNORE},       {"GND", K_IGNORE},      {NULL, K_UNKNOWN}};
    for (int i = 0; kinds[i].prefix; i++)
        if (!strncmp(t, kinds[i].prefix, strlen(kinds[i].prefix))) return kinds[i].k;
    return K_UNKNOWN;
}

static int param(const Cell *c, const char *name)
{
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(c->params, name);
    if (cJSON_IsNumber(p)) return p->valueint;
    if (cJSON_IsString(p)) return (int)strtol(p->valuestring, NULL, 2); /* a binary constant */
    return 0;
}

static bool param_is(const Cell *c, const char *name, const char *value)
{
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(c->params, name);
    return cJSON_IsString(p) && !strcmp(p->valuestring, value);
}

/* Bit i of a cell port: its net number, or -1 for a constant or a missing bit. */
static int port_bit(const Cell *c, const char *port, int i)
{
    const cJSON *b = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(c->conn, port), i);
    return cJSON_IsNumber(b) ? b->valueint : -1;
}

static bool is_output(const Cell *c, const char *port)
{
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(c->dirs, port);
    return cJSON_IsString(d) && !strcmp(d->valuestring, "output");
}

static bool is_clock_pin(const char *p)
{
    return !strcmp(p, "C") || !strcmp(p, "WCLK") || !strncmp(p, "CLK", 3);
}

static double arrival(Sta *s, int bit);

/* The routed net into a pin; 0 on dedicated paths (carry chain, LUT into its slice's carry or
 * wide multiplexer, DSP cascades, input buffers). */
static double net_ps(Sta *s, int bit, bool dedicated)
{
    if (dedicated || bit < 0) return 0;
    double fo = s->fanout[bit] > 1 ? s->fanout[bit] : 1;
    double d = s->fam->net_base + s->fam->net_per_doubling * log2(fo);
    return s->fam->scale * (d < s->fam->net_max ? d : s->fam->net_max);
}

static bool dedicated_pin(Sta *s, const Cell *c, const char *port, int bit)
{
    if (bit < 0) return true;
    Kind from = s->drv[bit] >= 0 ? s->cells[s->drv[bit]].kind : K_UNKNOWN;
    switch (c->kind) {
    case K_CARRY: return !strncmp(port, "CI", 2) ? from == K_CARRY : !strcmp(port, "S") && from == K_LUT;
    case K_MUXF: return strcmp(port, "S") && (from == K_LUT || from == K_MUXF);
    case K_DSP: return !strcmp(port, "PCIN") || !strcmp(port, "ACIN") || !strcmp(port, "BCIN");
    case K_IBUF: return true;
    default: return false;
    }
}

/* Arrival at the pin (net included) of input bit `bit` on port `port` of c, through arc d ps;
 * the latest becomes out's arrival and predecessor. */
static void through(Sta *s, const Cell *c, const char *port, int bit, double d, int out)
{
    if (bit < 0 || out < 0) return;
    double a = arrival(s, bit) + net_ps(s, bit, dedicated_pin(s, c, port, bit)) + s->fam->scale * d;
    if (isnan(s->arr[out]) || a > s->arr[out]) {
        s->arr[out] = a;
        s->pred[out] = bit;
    }
}

static void start(Sta *s, int out, double clk_to_out)
{
    if (out < 0) return;
    double a = s->fam->scale * clk_to_out;
    if (isnan(s->arr[out]) || a > s->arr[out]) {
        s->arr[out] = a;
        s->pred[out] = -1;
    }
}

/* LUTn, INV: the inputs sorted latest first onto the fastest pins. */
static void eval_lut(Sta *s, const Cell *c, int out)
{
    static const char *const pins[] = {"I0", "I1", "I2", "I3", "I4", "I5", "I"};
    int bits[7], n = 0;
    for (int p = 0; p < 7; p++) {
        int b = port_bit(c, pins[p], 0);
        if (b >= 0) bits[n++] = b;
    }
    double at[7];
    for (int i = 0; i < n; i++) at[i] = arrival(s, bits[i]) + net_ps(s, bits[i], false);
    for (int i = 0; i < n; i++) /* insertion sort, latest first */
        for (int j = i; j > 0 && at[j] > at[j - 1]; j--) {
            double t = at[j]; at[j] = at[j - 1]; at[j - 1] = t;
            int u = bits[j]; bits[j] = bits[j - 1]; bits[j - 1] = u;
        }
    if (!n) start(s, out, 0);
    for (int i = 0; i < n; i++) through(s, c, "I", bits[i], lut_pin[i], out);
}

/* CARRY4 and CARRY8 (two CARRY4 tables chained): nibble by nibble. */
static void eval_carry(Sta *s, const Cell *c)
{
    int nib = !strcmp(c->type, "CARRY8") ? 2 : 1;
    for (int k = 0; k < nib; k++) {
        for (int i = 0; i < 4; i++) {
            int o = port_bit(c, "O", 4 * k + i), co = port_bit(c, "CO", 4 * k + i);
            if (k == 0) {
                through(s, c, "CI", port_bit(c, "CI", 0), c4_ci_o[i], o);
                through(s, c, "CI", port_bit(c, "CI", 0), c4_ci_co[i], co);
                through(s, c, "CYINIT", port_bit(c, "CYINIT", 0), c4_cyinit_o[i], o);
                through(s, c, "CYINIT", port_bit(c, "CYINIT", 0), c4_cyinit_co[i], co);
            } else { /* the lower nibble's carry out: on the chain */
                int ci = port_bit(c, "CO", 3);
                if (ci >= 0) {
                    through(s, c, "CI", ci, c4_ci_o[i], o);
                    through(s, c, "CI", ci, c4_ci_co[i], co);
                }
            }
            for (int j = 0; j <= i; j++) {
                int sb = port_bit(c, "S", 4 * k + j), db = port_bit(c, "DI", 4 * k + j);
                through(s, c, "S", sb, c4_s_o[i][j], o);
                through(s, c, "S", sb, c4_s_co[i][j], co);
                if (j < i) through(s, c, "DI", db, c4_di_o[i][j], o);
                through(s, c, "DI", db, c4_di_co[i][j], co);
            }
            if (o >= 0 && isnan(s->arr[o])) start(s, o, 0);
            if (co >= 0 && isnan(s->arr[co])) start(s, co, 0);
        }
    }
}

/* DSP48E1/E2: X-Ray's DSP48E1 figures (cells_sim.v) for the configurations Yosys maps to. */
static bool dsp_in_registered(const Cell *c, char port)
{
    if (param(c, "PREG")) return true;
    switch (port) {
    case 'A': return param(c, "AREG") || param(c, "MREG") || param(c, "ADREG");
    case 'B': return param(c, "BREG") || param(c, "MREG");
    case 'C': return param(c, "CREG");
    case 'D': return param(c, "DREG") || param(c, "ADREG") || param(c, "MREG");
    default: return false;
    }
}

static int dsp_setup(const Cell *c, char port)
{
    bool mult = !param_is(c, "USE_MULT", "NONE");
    switch (port) {
    case 'A': return param(c, "AREG") ? 254 : param(c, "MREG") ? 1416 : mult ? 2739 : 1441;
    case 'B': return param(c, "BREG") ? 324 : param(c, "MREG") ? 1285 : mult ? 2608 : 1428;
    case 'C': return param(c, "CREG") ? 168 : 1244;
    case 'D': return param(c, "DREG") ? 248 : param(c, "ADREG") ? 1195 : param(c, "MREG") ? 2310 : 3635;
    default: return 1025; /* PCIN */
    }
}

static void eval_dsp(Sta *s, const Cell *c, const char *out_port, int out)
{
    (void)out_port;
    if (param(c, "PREG")) {
        start(s, out, 329);
        return;
    }
    bool mult = !param_is(c, "USE_MULT", "NONE");
    /* internal registers feeding P through the rest of the slice */
    if (param(c, "MREG") || param(c, "CREG")) start(s, out, 1687);
    else if (param(c, "AREG") || param(c, "BREG")) start(s, out, mult ? 2952 : 1632);
    static const struct { const char *port; char reg; int mult_ps, add_ps; } arcs[] = {
        {"A", 'A', 2823, 1523}, {"B", 'B', 2690, 1509}, {"C", 'C', 1325, 1325}, {"D", 'D', 3717, 3717},
        {"PCIN", 'P', 1107, 1107}, {"ACIN", 'A', 2823, 1523}, {"BCIN", 'B', 2690, 1509}};
    for (size_t a = 0; a < sizeof arcs / sizeof arcs[0]; a++) {
        if (dsp_in_registered(c, arcs[a].reg)) continue;
        const cJSON *bits = cJSON_GetObjectItemCaseSensitive(c->conn, arcs[a].port);
        for (int i = 0; i < cJSON_GetArraySize(bits); i++)
            through(s, c, arcs[a].port, port_bit(c, arcs[a].port, i), mult ? arcs[a].mult_ps : arcs[a].add_ps, out);
    }
    if (isnan(s->arr[out])) start(s, out, 0);
}

/* LUT RAM and shift registers: a clocked output (the written word) and the read address. */
static void eval_addressed(Sta *s, const Cell *c, const char *out_port, int out)
{
    start(s, out, c->kind == K_SRL ? (!strcmp(out_port, "Q31") ? 1114 : SRL_CLK_Q) : LUTRAM_CLK_DO);
    if (c->kind == K_SRL && !strcmp(out_port, "Q31")) return;
    const cJSON *p;
    cJSON_ArrayForEach(p, c->conn) {
        const char *n = p->string;
        bool addr = c->kind == K_SRL ? n[0] == 'A'
                                     : !strncmp(n, "ADDR", 4) || !strcmp(n, "A") || !strncmp(n, "DPRA", 4) ||
                                           (n[0] == 'A' && n[1] >= '0' && n[1] <= '9');
        if (!addr) continue;
        for (int i = 0; i < cJSON_GetArraySize(p); i++) through(s, c, n, port_bit(c, n, i), lut_pin[5], out);
    }
}

/* Fill the arrival of every output bit of cell ci. */
static void eval_cell(Sta *s, int ci)
{
    Cell *c = &s->cells[ci];
    if (c->state == 2) return;
    if (c->state == 1) { /* a combinational loop: cut here */
        s->loops++;
        return;
    }
    c->state = 1;
    if (c->kind == K_CARRY) eval_carry(s, c);
    const cJSON *p;
    cJSON_ArrayForEach(p, c->conn) {
        if (!is_output(c, p->string)) continue;
        const char *port = p->string;
        bool a_side = !strncmp(port, "DOA", 3) || !strncmp(port, "DOPA", 4) || !strncmp(port, "DOUTA", 5) ||
                      !strncmp(port, "DOUTPA", 6);
        for (int i = 0; i < cJSON_GetArraySize(p); i++) {
            int out = port_bit(c, port, i);
            if (out < 0 || !isnan(s->arr[out])) continue;
            switch (c->kind) {
            case K_FF: start(s, out, FF_CLK_Q); break;
            case K_LUT: eval_lut(s, c, out); break;
            case K_MUXF:
                through(s, c, "I0", port_bit(c, "I0", 0), 223, out);
                through(s, c, "I1", port_bit(c, "I1", 0), 223, out);
                through(s, c, "S", port_bit(c, "S", 0), 296, out);
                break;
            case K_DSP: eval_dsp(s, c, port, out); break;
            case K_BRAM:
                start(s, out, param(c, a_side ? "DOA_REG" : "DOB_REG") ? BRAM_CLK_DO_REG : BRAM_CLK_DO);
                break;
            case K_URAM: start(s, out, URAM_CLK_DO); break;
            case K_LUTRAM:
            case K_SRL: eval_addressed(s, c, port, out); break;
            case K_IBUF: through(s, c, "I", port_bit(c, "I", 0), 0, out); break;
            case K_UNKNOWN: start(s, out, 0); break;
            default: start(s, out, 0); break;
            }
        }
    }
    c->state = 2;
}

static double arrival(Sta *s, int bit)
{
    if (bit < 0) return 0;
    if (isnan(s->arr[bit])) {
        if (s->drv[bit] >= 0) eval_cell(s, s->drv[bit]);
        else start(s, bit, s->is_input[bit] ? FF_CLK_Q : 0); /* an input port: registered outside */
        if (isnan(s->arr[bit])) start(s, bit, 0);             /* cut by a loop */
    }
    return s->arr[bit];
}

/* The setup (ps) of an input pin that ends a path, or -1 for a pin that does not. */
static int endpoint_setup(const Cell *c, const char *p)
{
    if (is_clock_pin(p)) return -1;
    switch (c->kind) {
    case K_FF: return !strcmp(p, "D") ? 0 : !strcmp(p, "CE") ? FF_SETUP_CE : FF_SETUP_SR;
    case K_DSP:
        if (!strcmp(p, "A") || !strcmp(p, "B") || !strcmp(p, "C") || !strcmp(p, "D"))
            return dsp_in_registered(c, p[0]) ? dsp_setup(c, p[0]) : -1;
        if (!strcmp(p, "PCIN")) return param(c, "PREG") ? dsp_setup(c, 'P') : -1;
        if (!strcmp(p, "ACIN") || !strcmp(p, "BCIN")) return dsp_in_registered(c, p[0]) ? dsp_setup(c, p[0]) : -1;
        return DSP_SETUP_CTRL;
    case K_BRAM:
        if (!strncmp(p, "CAS", 3)) return -1;
        return !strncmp(p, "ADDR", 4) ? BRAM_SETUP_ADDR : !strncmp(p, "WE", 2) ? BRAM_SETUP_WE
             : !strncmp(p, "DI", 2) ? BRAM_SETUP_DI : BRAM_SETUP_OTHER;
    case K_URAM: return URAM_SETUP;
    case K_LUTRAM: return !strncmp(p, "DI", 2) || !strcmp(p, "D") ? LUTRAM_SETUP_DI : !strcmp(p, "WE") ? LUTRAM_SETUP_WE
                                                                                      : LUTRAM_SETUP_A;
    case K_SRL: return !strcmp(p, "D") ? SRL_SETUP_D : !strcmp(p, "CE") ? FF_SETUP_CE : -1;
    case K_OBUF: return 0; /* registered outside */
    default: return -1;
    }
}

static int max_bit(const cJSON *conns, int m)
{
    const cJSON *p, *b;
    cJSON_ArrayForEach(p, conns) cJSON_ArrayForEach(b, p) if (cJSON_IsNumber(b) && b->valueint > m) m = b->valueint;
    return m;
}

/* Cells, drivers and fanouts of module top; false when the netlist has no such module. */
static bool sta_load(Sta *s, const cJSON *root, const char *top)
{
    const cJSON *mod = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "modules"), top);
    const cJSON *cells = cJSON_GetObjectItemCaseSensitive(mod, "cells");
    const cJSON *ports = cJSON_GetObjectItemCaseSensitive(mod, "ports");
    if (!cells || !ports) return false;
    int m = 0;
    const cJSON *c, *p, *b;
    cJSON_ArrayForEach(c, cells) m = max_bit(cJSON_GetObjectItemCaseSensitive(c, "connections"), m);
    cJSON_ArrayForEach(p, ports) m = max_bit(p, m); /* the "bits" member */
    s->nbits = m + 1;
    s->ncells = cJSON_GetArraySize(cells);
    s->cells = xcalloc((size_t)s->ncells + 1, sizeof(Cell));
    s->drv = xcalloc((size_t)s->nbits, sizeof(int));
    s->fanout = xcalloc((size_t)s->nbits, sizeof(int));
    s->arr = xcalloc((size_t)s->nbits, sizeof(double));
    s->pred = xcalloc((size_t)s->nbits, sizeof(int));
    s->is_input = xcalloc((size_t)s->nbits, sizeof(bool));
    for (int i = 0; i < s->nbits; i++) {
        s->drv[i] = s->pred[i] = -1;
        s->arr[i] = NAN;
    }
    cJSON_ArrayForEach(p, ports) {
        const cJSON *dir = cJSON_GetObjectItemCaseSensitive(p, "direction");
        bool in = cJSON_IsString(dir) && !strcmp(dir->valuestring, "input");
        cJSON_ArrayForEach(b, cJSON_GetObjectItemCaseSensitive(p, "bits"))
            if (cJSON_IsNumber(b)) {
                if (in) s->is_input[b->valueint] = true;
                else s->fanout[b->valueint]++;
            }
    }
    int k = 0;
    cJSON_ArrayForEach(c, cells) {
        Cell *x = &s->cells[k];
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(c, "type");
        x->name = c->string;
        x->type = cJSON_IsString(t) ? t->valuestring : "?";
        x->kind = kind_of(x->type);
        x->conn = cJSON_GetObjectItemCaseSensitive(c, "connections");
        x->params = cJSON_GetObjectItemCaseSensitive(c, "parameters");
        x->dirs = cJSON_GetObjectItemCaseSensitive(c, "port_directions");
        if (x->kind == K_UNKNOWN) s->untimed++;
        cJSON_ArrayForEach(p, x->conn) cJSON_ArrayForEach(b, p) {
            if (!cJSON_IsNumber(b)) continue;
            if (is_output(x, p->string)) s->drv[b->valueint] = k;
            else if (!is_clock_pin(p->string)) s->fanout[b->valueint]++;
        }
        k++;
    }
    return true;
}

/* The worst end: its required arrival (setup included), cell and pin. */
typedef struct { double at; int cell, bit; const char *pin; } End;

static void worst_end(Sta *s, End *e)
{
    e->at = -1;
    e->cell = e->bit = -1;
    e->pin = "";
    for (int k = 0; k < s->ncells; k++) {
        const Cell *c = &s->cells[k];
        const cJSON *p, *b;
        cJSON_ArrayForEach(p, c->conn) {
            if (is_output(c, p->string)) continue;
            int su = endpoint_setup(c, p->string);
            if (su < 0) continue;
            cJSON_ArrayForEach(b, p) {
                if (!cJSON_IsNumber(b)) continue;
                int bit = b->valueint;
                double at = arrival(s, bit) + net_ps(s, bit, dedicated_pin(s, c, p->string, bit)) + s->fam->scale * su;
                if (at > e->at) *e = (End){at, k, bit, p->string};
            }
        }
    }
}

/* A Yosys cell name without its "$flatten" prefix and escapes, into a static buffer. */
static const char *readable(const char *name)
{
    static char buf[2][512];
    static int which;
    char *o = buf[which ^= 1];
    size_t n = 0;
    if (!strncmp(name, "$flatten", 8)) name += 8;
    for (; *name && n + 1 < sizeof buf[0]; name++)
        if (*name != '\\') o[n++] = *name;
    o[n] = 0;
    return o;
}

static const char *bit_source(const Sta *s, int bit)
{
    return s->drv[bit] >= 0 ? readable(s->cells[s->drv[bit]].name) : s->is_input[bit] ? "(input port)" : "(constant)";
}

/* The path, end first, into dir/logs/timing.txt; the number of cells between start and end. */
static int write_path(Sta *s, const End *e, const char *dir, TimingEstimate *t)
{
    FILE *f = xfopen_w(dir, "logs/timing.txt");
    fprintf(f, "# rnnc timing estimate (%s): the critical path, end first; arrival in ns at each cell's output\n",
            s->fam->family);
    fprintf(f, "%9.3f  end   %s (%s) pin %s, setup included\n", e->at / 1000, readable(s->cells[e->cell].name),
            s->cells[e->cell].type, e->pin);
    int levels = 0, bit = e->bit, first = bit;
    for (int guard = 0; bit >= 0 && guard <= s->ncells; guard++) { /* a cut loop can make pred circular */
        const char *type = s->drv[bit] >= 0 ? s->cells[s->drv[bit]].type : "port";
        fprintf(f, "%9.3f  %-5s %s (%s), net fanout %d\n", s->arr[bit] / 1000, s->pred[bit] < 0 ? "start" : "",
                bit_source(s, bit), type, s->fanout[bit]);
        if (s->pred[bit] >= 0) levels++;
        first = bit;
        bit = s->pred[bit];
    }
    xfclose(f);
    snprintf(t->from, sizeof t->from, "%s (%s)", bit_source(s, first),
             s->drv[first] >= 0 ? s->cells[s->drv[first]].type : "port");
    snprintf(t->to, sizeof t->to, "%s (%s) %s", readable(s->cells[e->cell].name), s->cells[e->cell].type, e->pin);
    return levels;
}

bool timing_estimate(const char *dir, const char *rel, const char *top, const char *family, TimingEstimate *t)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    char *text = try_read_whole_file(path, NULL);
    cJSON *root = text ? cJSON_Parse(text) : NULL;
    free(text);
    Sta s = {.fam = &families[0]};
    for (size_t i = 0; i < sizeof families / sizeof families[0]; i++)
        if (!strcmp(families[i].family, family)) s.fam = &families[i];
    memset(t, 0, sizeof *t);
    if (!root || !sta_load(&s, root, top)) {
        cJSON_Delete(root);
        return false;
    }
    End e;
    worst_end(&s, &e);
    if (e.cell >= 0) {
        t->period_ns = e.at / 1000;
        t->fmax_mhz = 1000.0 / t->period_ns;
        t->levels = write_path(&s, &e, dir, t);
    }
    t->untimed_cells = s.untimed;
    t->loops = s.loops;
    free(s.cells);
    free(s.drv);
    free(s.fanout);
    free(s.arr);
    free(s.pred);
    free(s.is_input);
    cJSON_Delete(root);
    return e.cell >= 0;
}
